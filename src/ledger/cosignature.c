/*
 * cosignature.c - witness cosignatures (c2sp.org/tlog-cosignature, v1).
 */
#include "ledger/cosignature.h"

#include <stdlib.h>
#include <string.h>

int led__cosig_message(uint64_t timestamp, const char *text, size_t len, struct dbuf *out)
{
	int rc = dbuf_addf(out, "cosignature/v1\ntime %llu\n", (unsigned long long)timestamp);

	if (rc == 0)
		rc = dbuf_add(out, text, len);
	return rc;
}

int led_cosign(const char *note, size_t len, const struct led_signer *witness, uint64_t timestamp,
	       struct dbuf *out, struct dip_error *e)
{
	struct led_signer *const list[1] = { (struct led_signer *)witness };

	if (witness->type != LED_SIG_COSIG_V1)
		return dip_fail(e, DIP_EINVAL, "key",
				"key: a witness cosigns with a cosignature/v1 (type 0x04) key");
	if (timestamp > INT64_MAX)
		return dip_fail(e, DIP_EINVAL, "timestamp", "timestamp: larger than 2^63 - 1");
	return led_note_add_signatures(note, len, list, 1, timestamp, out, e);
}

int led_cosig_quorum(const struct led_note *n, struct led_verifier *const *witnesses, size_t nw,
		     unsigned quorum, unsigned *valid, struct led_sig_result *res,
		     struct dip_error *e)
{
	struct led_sig_result *r = res;
	unsigned ok = 0;
	size_t j;
	int rc = 0;

	if (r == NULL && nw > 0 && (r = calloc(nw, sizeof(*r))) == NULL)
		return dip_fail(e, DIP_ENOMEM, "", "out of memory");
	/* The return of led_note_verify is for a log's signature; here only
	 * the per-key results count. */
	if (nw > 0)
		led_note_verify(n, witnesses, nw, r, NULL);
	for (j = 0; j < nw; j++) {
		if (r[j].status == LED_SIG_INVALID) {
			rc = dip_fail(e, DIP_ECRYPTO, "witness", "bad signature by witness %s",
				      witnesses[j]->name);
			goto out;
		}
		ok += r[j].status == LED_SIG_VALID;
	}
	*valid = ok;
	if (ok < quorum)
		rc = dip_fail(e, DIP_ECRYPTO, "witness",
			      "quorum not met: %u of %u witness cosignatures", ok, quorum);
out:
	if (r != res)
		free(r);
	return rc;
}
