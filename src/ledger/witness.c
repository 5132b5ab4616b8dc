/*
 * witness.c - a witness's decision on a new checkpoint.
 */
#include "ledger/witness.h"
#include "util/b64.h"

#include <string.h>

const char *led_witness_verdict_name(enum led_witness_verdict v)
{
	switch (v) {
	case LED_WITNESS_OK: return "ok";
	case LED_WITNESS_ORIGIN: return "origin";
	case LED_WITNESS_SHRANK: return "shrank";
	case LED_WITNESS_FORK: return "fork";
	case LED_WITNESS_TILES: return "tiles";
	case LED_WITNESS_UNAVAILABLE: return "unavailable";
	}
	return "unknown";
}

static int unavailable(enum led_witness_verdict *verdict, int rc, const char *what,
		       struct dip_error *e)
{
	*verdict = LED_WITNESS_UNAVAILABLE;
	return dip_fail(e, rc, "tiles", "could not read the log's tiles to %s (%s)", what,
			dip_err_name(rc));
}

int led_witness_check(const struct led_checkpoint *prev, const struct led_checkpoint *next,
		      struct led_tiles *t, enum led_witness_verdict *verdict, struct dip_error *e)
{
	char a[B64_ENCODED_LEN(LED_HASH_LEN) + 1], b[B64_ENCODED_LEN(LED_HASH_LEN) + 1];
	led_hash proof[LED_PROOF_MAX];
	uint8_t root[LED_HASH_LEN];
	size_t n = 0;
	int rc;

	*verdict = LED_WITNESS_OK;
	b64_encode_to(b, next->root, LED_HASH_LEN);
	if (prev && strcmp(prev->origin, next->origin) != 0) {
		*verdict = LED_WITNESS_ORIGIN;
		return dip_fail(e, DIP_ECRYPTO, "origin",
				"origin: the checkpoint is for \"%.200s\", the accepted one for \"%.200s\"",
				next->origin, prev->origin);
	}
	if (prev && next->size < prev->size) {
		*verdict = LED_WITNESS_SHRANK;
		return dip_fail(e, DIP_ECRYPTO, "size",
				"the log shrank: tree size %llu was accepted, now it shows size %llu "
				"(rolled back or forked)",
				(unsigned long long)prev->size, (unsigned long long)next->size);
	}
	if (prev && prev->size > 0) {
		b64_encode_to(a, prev->root, LED_HASH_LEN);
		if (next->size == prev->size) {
			if (memcmp(next->root, prev->root, LED_HASH_LEN) == 0)
				return 0;
			*verdict = LED_WITNESS_FORK;
			return dip_fail(e, DIP_ECRYPTO, "root",
					"the log forked or was rewritten: tree size %llu had root %s "
					"when accepted, now root %s",
					(unsigned long long)next->size, a, b);
		}
		rc = led_tiles_prove_consistency(t, prev->size, next->size, proof, &n);
		if (rc)
			return unavailable(verdict, rc, "prove consistency", e);
		if (led_verify_consistency(CRYPTO_SHA256, prev->size, next->size, prev->root,
					   next->root, (const led_hash *)proof, n) != 0) {
			*verdict = LED_WITNESS_FORK;
			return dip_fail(e, DIP_ECRYPTO, "root",
					"the log forked or was rewritten: the tree of size %llu (root %s) "
					"does not extend the accepted tree of size %llu (root %s)",
					(unsigned long long)next->size, b,
					(unsigned long long)prev->size, a);
		}
		return 0;
	}
	/* First sight (or an accepted empty tree): the tiles must lead to the
	 * signed root, or the log serves one tree and signs another. */
	rc = led_tiles_root(t, next->size, root);
	if (rc)
		return unavailable(verdict, rc, "compute the root", e);
	if (memcmp(root, next->root, LED_HASH_LEN) != 0) {
		b64_encode_to(a, root, LED_HASH_LEN);
		*verdict = LED_WITNESS_TILES;
		return dip_fail(e, DIP_ECRYPTO, "root",
				"the log's tiles do not match its checkpoint: tree size %llu is signed "
				"with root %s, its tiles give root %s",
				(unsigned long long)next->size, b, a);
	}
	return 0;
}
