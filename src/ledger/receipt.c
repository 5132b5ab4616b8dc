/*
 * receipt.c - building and verifying deposit receipts.
 */
#include "ledger/receipt.h"
#include "util/b64.h"
#include "util/jcs.h"
#include "ledger/cosignature.h"

#include <stdlib.h>
#include <string.h>

static const char *const members[] = { "type",	     "entry",		"index", "leaf_hash",
				       "checkpoint", "inclusion_proof", "log" };

int led_entry_leaf_hash(const json_t *entry, uint8_t out[LED_HASH_LEN], struct dip_error *e)
{
	struct dbuf c;
	int rc;

	dbuf_init(&c, LED_RECEIPT_MAX);
	rc = jcs_serialize(entry, &c, e);
	if (rc == 0 && (rc = led_hash_leaf(CRYPTO_SHA256, c.p, c.len, out)) != 0)
		dip_fail(e, rc, "entry", "entry: hashing failed");
	dbuf_free(&c);
	return rc;
}

static int depth_ok(const json_t *v, int depth)
{
	size_t i;
	const char *k;
	json_t *x;

	if (depth > LED_RECEIPT_MAX_DEPTH)
		return 0;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if (!depth_ok(x, depth + 1))
				return 0;
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x)
			if (!depth_ok(x, depth + 1))
				return 0;
	}
	return 1;
}

static int malformed(struct led_verify_result *res, struct dip_error *e, const char *field,
		     const char *msg)
{
	res->failure = LED_VERIFY_MALFORMED;
	return dip_fail(e, DIP_EINVAL, field, "%s: %s", field, msg);
}

int led_receipt_verify(const char *json, size_t len, const struct led_verify_opts *opts,
		       struct led_verify_result *res, struct dip_error *e)
{
	size_t max = opts->max_size ? opts->max_size : LED_RECEIPT_MAX, i, n, nproof;
	led_hash proof[LED_PROOF_MAX];
	uint8_t leaf[LED_HASH_LEN], claimed[LED_HASH_LEN];
	struct dip_error sub;
	json_error_t jerr;
	json_t *root = NULL, *v, *entry, *arr;
	const char *key, *s, *cp;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	dip_error_clear(&sub);
	if (len > max) {
		res->failure = LED_VERIFY_MALFORMED;
		return dip_fail(e, DIP_ELIMIT, "receipt", "receipt: larger than %zu bytes", max);
	}
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		res->failure = LED_VERIFY_MALFORMED;
		return dip_fail(e, DIP_EINVAL, "receipt", "receipt: not valid JSON (line %d: %s)",
				jerr.line, jerr.text);
	}
	if (!depth_ok(root, 0)) {
		res->failure = LED_VERIFY_MALFORMED;
		rc = dip_fail(e, DIP_ELIMIT, "receipt", "receipt: nested deeper than %d levels",
			      LED_RECEIPT_MAX_DEPTH);
		goto out;
	}
	if (!json_is_object(root)) {
		rc = malformed(res, e, "receipt", "not a JSON object");
		goto out;
	}
	json_object_foreach(root, key, v) {
		for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
			if (strcmp(key, members[i]) == 0)
				break;
		if (i == sizeof(members) / sizeof(members[0])) {
			res->failure = LED_VERIFY_MALFORMED;
			rc = dip_fail(e, DIP_EINVAL, "receipt", "receipt: unknown member \"%.64s\"",
				      key);
			goto out;
		}
	}
	v = json_object_get(root, "type");
	if (!json_is_string(v) || strcmp(json_string_value(v), LED_RECEIPT_TYPE) != 0) {
		rc = malformed(res, e, "type", "must be \"" LED_RECEIPT_TYPE "\"");
		goto out;
	}
	entry = json_object_get(root, "entry");
	if (!json_is_object(entry)) {
		rc = malformed(res, e, "entry", "must be a JSON object");
		goto out;
	}
	res->entry = json_incref(entry);
	v = json_object_get(root, "index");
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		rc = malformed(res, e, "index", "must be a non-negative integer");
		goto out;
	}
	res->index = (uint64_t)json_integer_value(v);
	v = json_object_get(root, "leaf_hash");
	if (!json_is_string(v) || json_string_length(v) != 2 * LED_HASH_LEN ||
	    hex_decode(json_string_value(v), 2 * LED_HASH_LEN, claimed) != 0) {
		rc = malformed(res, e, "leaf_hash", "must be 64 hex digits");
		goto out;
	}
	v = json_object_get(root, "checkpoint");
	if (!json_is_string(v)) {
		rc = malformed(res, e, "checkpoint", "must be a string (the signed note)");
		goto out;
	}
	cp = json_string_value(v);
	arr = json_object_get(root, "inclusion_proof");
	if (!json_is_array(arr) || json_array_size(arr) > 64) {
		rc = malformed(res, e, "inclusion_proof", "must be an array of at most 64 hashes");
		goto out;
	}
	nproof = json_array_size(arr);
	for (i = 0; i < nproof; i++) {
		v = json_array_get(arr, i);
		if (!json_is_string(v) ||
		    b64_decode(json_string_value(v), json_string_length(v), proof[i], LED_HASH_LEN,
			       &n) != 0 ||
		    n != LED_HASH_LEN) {
			rc = malformed(res, e, "inclusion_proof",
				       "each element must be a base64 32-byte hash");
			goto out;
		}
	}
	v = json_object_get(root, "log");
	if (!json_is_string(v)) {
		rc = malformed(res, e, "log", "must be a string (the log's origin)");
		goto out;
	}
	s = json_string_value(v);

	/* The log's signature on the checkpoint. */
	if (opts->nlog == 0) {
		rc = dip_fail(e, DIP_EINVAL, "key", "no log verifier key given");
		res->failure = LED_VERIFY_MALFORMED;
		goto out;
	}
	rc = led_checkpoint_open(cp, json_string_length(json_object_get(root, "checkpoint")),
				 opts->log_keys, opts->nlog, NULL, 0, 0, &res->checkpoint, NULL, &sub);
	if (rc == DIP_ECRYPTO) {
		res->failure = LED_VERIFY_SIGNATURE;
		rc = dip_fail(e, rc, "checkpoint", "bad signature: %s", sub.message);
		goto out;
	}
	if (rc) {
		res->failure = LED_VERIFY_MALFORMED;
		dip_fail(e, rc, "checkpoint", "%s", sub.message);
		goto out;
	}
	if (strcmp(res->checkpoint.origin, s) != 0) {
		rc = malformed(res, e, "log", "differs from the checkpoint's origin");
		goto out;
	}

	/* The entry, its leaf, and the path to the signed root. */
	rc = led_entry_leaf_hash(entry, leaf, &sub);
	if (rc) {
		res->failure = LED_VERIFY_MALFORMED;
		dip_fail(e, rc, "entry", "entry: %s", sub.message);
		goto out;
	}
	memcpy(res->leaf_hash, leaf, LED_HASH_LEN);
	if (memcmp(leaf, claimed, LED_HASH_LEN) != 0) {
		res->failure = LED_VERIFY_PROOF;
		rc = dip_fail(e, DIP_ECRYPTO, "leaf_hash",
			      "proof mismatch: leaf_hash is not the hash of the entry");
		goto out;
	}
	if (res->index >= res->checkpoint.size) {
		res->failure = LED_VERIFY_PROOF;
		rc = dip_fail(e, DIP_ECRYPTO, "index",
			      "proof mismatch: index %llu is not below the tree size %llu",
			      (unsigned long long)res->index,
			      (unsigned long long)res->checkpoint.size);
		goto out;
	}
	if (led_verify_inclusion(CRYPTO_SHA256, res->index, res->checkpoint.size, leaf,
				 (const led_hash *)proof, nproof, res->checkpoint.root) != 0) {
		res->failure = LED_VERIFY_PROOF;
		rc = dip_fail(e, DIP_ECRYPTO, "inclusion_proof",
			      "proof mismatch: the inclusion proof does not lead to the "
			      "checkpoint's root hash");
		goto out;
	}

	/* Witnesses. */
	if (opts->nwitnesses > 0 || opts->quorum > 0) {
		struct led_note note;

		rc = led_note_parse(cp, json_string_length(json_object_get(root, "checkpoint")),
				    &note, &sub);
		if (rc == 0)
			rc = led_cosig_quorum(&note, opts->witnesses, opts->nwitnesses,
					      opts->quorum, &res->cosigned, NULL, &sub);
		led_note_release(&note);
		if (rc) {
			res->failure = strncmp(sub.message, "quorum", 6) == 0 ? LED_VERIFY_QUORUM
									      : LED_VERIFY_SIGNATURE;
			rc = dip_fail(e, DIP_ECRYPTO, "witness", "%s%s",
				      res->failure == LED_VERIFY_SIGNATURE ? "bad signature: " : "",
				      sub.message);
			goto out;
		}
	}
	res->failure = LED_VERIFY_OK;
out:
	json_decref(root);
	return rc;
}

void led_verify_result_release(struct led_verify_result *res)
{
	json_decref(res->entry);
	res->entry = NULL;
}

int led_receipt_build(const json_t *entry, uint64_t index, const char *checkpoint, size_t cplen,
		      const led_hash *proof, size_t nproof, struct dbuf *out, struct dip_error *e)
{
	struct led_checkpoint cpt;
	struct led_note note;
	uint8_t leaf[LED_HASH_LEN];
	char hex[2 * LED_HASH_LEN + 1], b64[B64_ENCODED_LEN(LED_HASH_LEN) + 1];
	json_t *r = NULL, *arr = NULL;
	char *text = NULL;
	size_t i;
	int rc;

	rc = led_note_parse(checkpoint, cplen, &note, e);
	if (rc)
		return rc;
	rc = led_checkpoint_parse(note.text, note.text_len, &cpt, e);
	led_note_release(&note);
	if (rc)
		return rc;
	if (index > (uint64_t)INT64_MAX || nproof > 64)
		return dip_fail(e, DIP_EINVAL, "index", "index or proof out of range");
	rc = led_entry_leaf_hash(entry, leaf, e);
	if (rc)
		return rc;
	hex_encode(hex, leaf, LED_HASH_LEN);
	arr = json_array();
	for (i = 0; arr && i < nproof; i++) {
		b64_encode_to(b64, proof[i], LED_HASH_LEN);
		if (json_array_append_new(arr, json_string(b64)) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (arr)
		r = json_pack("{s:s,s:O,s:I,s:s,s:s%,s:o,s:s}", "type", LED_RECEIPT_TYPE, "entry",
			      entry, "index", (json_int_t)index, "leaf_hash", hex, "checkpoint",
			      checkpoint, cplen, "inclusion_proof", arr, "log", cpt.origin);
	if (r)
		text = json_dumps(r, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (text == NULL)
		rc = dip_fail(e, DIP_ENOMEM, "", "out of memory building the receipt");
	else if ((rc = dbuf_adds(out, text)))
		dip_fail(e, rc, "", "receipt too large");
	free(text);
	json_decref(r);
	return rc;
}
