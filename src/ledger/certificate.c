/*
 * certificate.c - signing and verifying certificate documents.
 */
#include "ledger/certificate.h"
#include "crypto/sign.h"
#include "util/b64.h"
#include "util/jcs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *type_name(enum led_sig_type t)
{
	return t == LED_SIG_SM2 ? "sm2" : "ed25519";
}

int led_cert_sign(const json_t *body, struct led_signer *const *signers, size_t n,
		  json_t **doc, struct dip_error *e)
{
	uint8_t sig[CRYPTO_SIG_MAX];
	char b64[CRYPTO_SIG_MAX * 2], id[9];
	json_t *sigs = json_array();
	struct dbuf canon;
	size_t i, len;
	int rc;

	dbuf_init(&canon, 1 << 20);
	rc = jcs_serialize(body, &canon, e);
	for (i = 0; rc == 0 && i < n; i++) {
		len = sizeof(sig);
		rc = crypto_sign(signers[i]->key, canon.p, canon.len, sig, &len);
		if (rc) {
			dip_fail(e, rc, "", "certificate: signing failed");
			break;
		}
		b64_encode_to(b64, sig, len);
		snprintf(id, sizeof(id), "%08x", signers[i]->id);
		json_array_append_new(sigs, json_pack("{s:s,s:s,s:s,s:s}", "name", signers[i]->name,
						      "key_id", id, "type", type_name(signers[i]->type),
						      "value", b64));
	}
	dbuf_free(&canon);
	if (rc) {
		json_decref(sigs);
		return rc;
	}
	*doc = json_pack("{s:s,s:O,s:o}", "type", LED_CERT_TYPE, "certificate", body, "signatures",
			 sigs);
	return 0;
}

/* Checks the signatures over canon: 1 valid by a known key, 0 none, -1 one
 * by a known key that does not verify. */
static int check_signatures(const json_t *sigs, const struct dbuf *canon,
			    const struct led_verify_opts *opts, struct dip_error *e)
{
	uint8_t sig[CRYPTO_SIG_MAX * 2];
	const struct led_verifier *v;
	json_t *s;
	size_t i, k, len;
	char id[9];
	int valid = 0;

	json_array_foreach(sigs, i, s) {
		const char *name = json_string_value(json_object_get(s, "name"));
		const char *kid = json_string_value(json_object_get(s, "key_id"));
		const char *val = json_string_value(json_object_get(s, "value"));

		if (!name || !kid || !val)
			return dip_fail(e, DIP_EINVAL, "signatures", "signatures[%zu]: name, key_id and value", i);
		for (k = 0; k < opts->nlog; k++) {
			v = opts->log_keys[k];
			snprintf(id, sizeof(id), "%08x", v->id);
			if (strcmp(v->name, name) != 0 || strcmp(id, kid) != 0)
				continue;
			if (b64_decode(val, strlen(val), sig, sizeof(sig), &len) != 0 ||
			    crypto_verify(v->key, canon->p, canon->len, sig, len) != 0)
				return dip_fail(e, DIP_ECRYPTO, "signatures",
						"bad signature: the certificate's signature by %s does not verify; it was altered or forged",
						name);
			valid++;
		}
	}
	return valid;
}

int led_cert_verify(const char *json, size_t len, const struct led_verify_opts *opts,
		    struct led_verify_result *res, json_t **body, struct dip_error *e)
{
	json_error_t jerr;
	json_t *doc, *cert, *sigs, *receipt, *logged;
	struct dbuf canon, logged_canon;
	char *rtext = NULL;
	int rc, valid;

	memset(res, 0, sizeof(*res));
	if (len > LED_RECEIPT_MAX * 2)
		return dip_fail(e, DIP_ELIMIT, "", "certificate larger than %d bytes", LED_RECEIPT_MAX * 2);
	doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL || !json_is_object(doc)) {
		json_decref(doc);
		return dip_fail(e, DIP_EINVAL, "", "not a JSON certificate document: %s", jerr.text);
	}
	dbuf_init(&canon, 1 << 20);
	dbuf_init(&logged_canon, 1 << 20);
	cert = json_object_get(doc, "certificate");
	sigs = json_object_get(doc, "signatures");
	receipt = json_object_get(doc, "receipt");
	if (json_string_value(json_object_get(doc, "type")) == NULL ||
	    strcmp(json_string_value(json_object_get(doc, "type")), LED_CERT_TYPE) != 0 ||
	    !json_is_object(cert) || !json_is_array(sigs) || !json_is_object(receipt)) {
		rc = dip_fail(e, DIP_EINVAL, "",
			      "not a %s document with certificate, signatures and receipt", LED_CERT_TYPE);
		goto out;
	}
	rc = jcs_serialize(cert, &canon, e);
	if (rc)
		goto out;
	valid = check_signatures(sigs, &canon, opts, e);
	if (valid < 0) {
		rc = valid;
		goto out;
	}
	if (valid == 0) {
		rc = dip_fail(e, DIP_ECRYPTO, "signatures",
			      "bad signature: no signature by the registry key you gave");
		goto out;
	}
	rtext = json_dumps(receipt, JSON_COMPACT);
	rc = rtext ? led_receipt_verify(rtext, strlen(rtext), opts, res, e)
		   : dip_fail(e, DIP_ENOMEM, "", "out of memory");
	if (rc)
		goto out;
	logged = json_object_get(res->entry, "certificate");
	if (!json_is_object(logged) || jcs_serialize(logged, &logged_canon, NULL) != 0 ||
	    logged_canon.len != canon.len || memcmp(logged_canon.p, canon.p, canon.len) != 0) {
		rc = dip_fail(e, DIP_ECRYPTO, "certificate",
			      "not the logged certificate: the log entry records a different certificate");
		goto out;
	}
	if (body)
		*body = json_incref(cert);
out:
	free(rtext);
	dbuf_free(&canon);
	dbuf_free(&logged_canon);
	json_decref(doc);
	return rc;
}
