/*
 * test_receipt.c - deposit receipts built from an in-memory log with a
 * signed, cosigned checkpoint: they verify, and changing any byte of the
 * entry, of any proof hash, or of any signature makes verification fail
 * with the right reason.
 */
#include "testutil.h"

#include "crypto/sign.h"
#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/receipt.h"
#include "util/b64.h"
#include "util/buf.h"
#include "util/err.h"

#define NENTRIES 37
#define ORIGIN "dipreg.example/log"

static struct led_signer *log_signer, *wit_signer[2];
static struct led_verifier *log_key, *wit_key[3];
static json_t *entries[NENTRIES];
static led_hash leaves[NENTRIES];
static struct dbuf note;

static struct led_signer *gen(const char *name, enum led_sig_type t)
{
	struct crypto_key *k = NULL;
	struct led_signer *s = NULL;

	assert_int_equal(crypto_key_generate(t == LED_SIG_SM2 ? CRYPTO_KEY_SM2 : CRYPTO_KEY_ED25519, &k),
			 0);
	assert_int_equal(led_signer_new(name, t, k, &s, NULL), 0);
	return s;
}

static struct led_verifier *vkey_of(const struct led_signer *s)
{
	struct led_verifier *v = NULL;
	struct dbuf b;

	dbuf_init(&b, 0);
	assert_int_equal(led_signer_vkey(s, &b), 0);
	assert_int_equal(led_verifier_parse(b.p, &v, NULL), 0);
	dbuf_free(&b);
	return v;
}

static int setup(void **state)
{
	struct led_checkpoint cp;
	struct dbuf a, b;
	int i;

	(void)state;
	log_signer = gen(ORIGIN, LED_SIG_ED25519);
	wit_signer[0] = gen("notary.example/w", LED_SIG_COSIG_V1);
	wit_signer[1] = gen("court.example/w", LED_SIG_COSIG_V1);
	log_key = vkey_of(log_signer);
	wit_key[0] = vkey_of(wit_signer[0]);
	wit_key[1] = vkey_of(wit_signer[1]);
	{
		struct led_signer *third = gen("registry2.example/w", LED_SIG_COSIG_V1);

		wit_key[2] = vkey_of(third);
		led_signer_free(third);
	}
	for (i = 0; i < NENTRIES; i++) {
		char fp[80];

		snprintf(fp, sizeof(fp), "sha256:%064x", i * 7919);
		entries[i] = json_pack("{s:s,s:i,s:s,s:s,s:{s:s,s:b}}", "kind", "deposit", "seq", i,
				       "fingerprint", fp, "holder", "Example Data Co", "meta", "note",
				       "plain ascii", "public", i % 2);
		assert_int_equal(led_entry_leaf_hash(entries[i], leaves[i], NULL), 0);
	}
	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), ORIGIN);
	cp.size = NENTRIES;
	assert_int_equal(led_mth(CRYPTO_SHA256, leaves, NENTRIES, cp.root), 0);
	dbuf_init(&a, 0);
	dbuf_init(&b, 0);
	dbuf_init(&note, 0);
	assert_int_equal(led_checkpoint_sign(&cp, &log_signer, 1, 0, &a, NULL), 0);
	assert_int_equal(led_cosign(a.p, a.len, wit_signer[0], 1750000000, &b, NULL), 0);
	assert_int_equal(led_cosign(b.p, b.len, wit_signer[1], 1750000003, &note, NULL), 0);
	dbuf_free(&a);
	dbuf_free(&b);
	return 0;
}

static int teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < NENTRIES; i++)
		json_decref(entries[i]);
	led_signer_free(log_signer);
	led_signer_free(wit_signer[0]);
	led_signer_free(wit_signer[1]);
	led_verifier_free(log_key);
	for (i = 0; i < 3; i++)
		led_verifier_free(wit_key[i]);
	dbuf_free(&note);
	return 0;
}

static void build(uint64_t index, const char *cpnote, size_t cplen, struct dbuf *out)
{
	struct led_leaves lv;
	struct led_node_source src;
	led_hash proof[LED_PROOF_MAX];
	size_t n;

	led_leaves_source(&src, &lv, CRYPTO_SHA256, leaves, NENTRIES);
	assert_int_equal(led_prove_inclusion(&src, index, NENTRIES, proof, &n), 0);
	dbuf_reset(out);
	assert_int_equal(led_receipt_build(entries[index], index, cpnote, cplen, proof, n, out, NULL),
			 0);
}

static int verify(const char *r, size_t len, unsigned quorum, int nwit,
		  struct led_verify_result *res, struct dip_error *e)
{
	struct led_verify_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.log_keys = &log_key;
	o.nlog = 1;
	o.witnesses = wit_key;
	o.nwitnesses = (size_t)nwit;
	o.quorum = quorum;
	dip_error_clear(e);
	rc = led_receipt_verify(r, len, &o, res, e);
	return rc;
}

static void test_receipts_verify_for_every_index(void **state)
{
	struct led_verify_result res;
	struct dip_error e;
	struct dbuf r;
	uint64_t i;

	(void)state;
	dbuf_init(&r, 0);
	for (i = 0; i < NENTRIES; i++) {
		build(i, note.p, note.len, &r);
		assert_int_equal(verify(r.p, r.len, 2, 2, &res, &e), 0);
		assert_int_equal(res.failure, LED_VERIFY_OK);
		assert_true(res.index == i);
		assert_true(res.checkpoint.size == NENTRIES);
		assert_int_equal(res.cosigned, 2);
		assert_int_equal(json_integer_value(json_object_get(res.entry, "seq")), (json_int_t)i);
		led_verify_result_release(&res);
	}
	/* No witness policy: the log's signature is enough. */
	assert_int_equal(verify(r.p, r.len, 0, 0, &res, &e), 0);
	led_verify_result_release(&res);
	/* A witness that did not cosign cannot make up a quorum of 3. */
	assert_int_equal(verify(r.p, r.len, 3, 3, &res, &e), DIP_ECRYPTO);
	assert_int_equal(res.failure, LED_VERIFY_QUORUM);
	assert_string_equal(e.message, "quorum not met: 2 of 3 witness cosignatures");
	led_verify_result_release(&res);
	dbuf_free(&r);
}

static void test_entry_formatting_does_not_matter(void **state)
{
	struct led_verify_result res;
	struct dip_error e;
	struct dbuf r;
	json_t *j;
	char *text, *pretty;

	(void)state;
	dbuf_init(&r, 0);
	build(5, note.p, note.len, &r);
	j = json_loads(r.p, 0, NULL);
	/* Sorted keys, indentation: the same canonical entry. */
	pretty = json_dumps(j, JSON_INDENT(3) | JSON_SORT_KEYS);
	assert_int_equal(verify(pretty, strlen(pretty), 2, 2, &res, &e), 0);
	led_verify_result_release(&res);
	free(pretty);
	/* An equal entry written differently: a letter as a \u escape. */
	text = json_dumps(j, JSON_COMPACT);
	{
		char *p = strstr(text, "\"holder\":\"Example");
		struct dbuf alt;

		assert_non_null(p);
		dbuf_init(&alt, 0);
		dbuf_add(&alt, text, (size_t)(p - text) + 10);
		dbuf_adds(&alt, "\\u0045");
		dbuf_adds(&alt, p + 11);
		assert_int_equal(verify(alt.p, alt.len, 2, 2, &res, &e), 0);
		led_verify_result_release(&res);
		dbuf_free(&alt);
	}
	free(text);
	json_decref(j);
	dbuf_free(&r);
}

static void test_any_changed_entry_byte_fails(void **state)
{
	struct led_verify_result res;
	struct dip_error e;
	struct dbuf r;
	char *entry_text, *copy, *at;
	size_t i, elen, off;
	int failures[5] = { 0 };

	(void)state;
	dbuf_init(&r, 0);
	build(21, note.p, note.len, &r);
	entry_text = json_dumps(entries[21], JSON_COMPACT | JSON_ENSURE_ASCII);
	at = strstr(r.p, entry_text);
	assert_non_null(at);
	off = (size_t)(at - r.p);
	elen = strlen(entry_text);
	copy = malloc(r.len + 1);
	for (i = 0; i < elen; i++) {
		memcpy(copy, r.p, r.len + 1);
		copy[off + i] ^= 0x01;
		if (verify(copy, r.len, 2, 2, &res, &e) == 0)
			fail_msg("changed entry byte %zu ('%c') still verifies", i, entry_text[i]);
		failures[res.failure]++;
		led_verify_result_release(&res);
	}
	/* Most changes keep valid JSON and are caught by the leaf hash. */
	assert_true(failures[LED_VERIFY_PROOF] > 0);
	assert_int_equal(failures[LED_VERIFY_OK], 0);
	free(copy);
	free(entry_text);
	dbuf_free(&r);
}

static void test_any_changed_proof_byte_fails(void **state)
{
	struct led_verify_result res;
	struct dip_error e;
	struct dbuf r;
	json_t *j, *arr;
	uint8_t h[32];
	char b64[45], *text;
	size_t k, n, hn;
	int byte, count = 0;

	(void)state;
	dbuf_init(&r, 0);
	build(21, note.p, note.len, &r);
	j = json_loads(r.p, 0, NULL);
	arr = json_object_get(j, "inclusion_proof");
	n = json_array_size(arr);
	assert_int_equal(n, 6);
	for (k = 0; k < n; k++) {
		const char *orig = json_string_value(json_array_get(arr, k));
		char saved[45];

		snprintf(saved, sizeof(saved), "%s", orig);
		assert_int_equal(b64_decode(saved, strlen(saved), h, 32, &hn), 0);
		for (byte = 0; byte < 32; byte++) {
			h[byte] ^= 0x80;
			b64_encode_to(b64, h, 32);
			json_array_set_new(arr, k, json_string(b64));
			text = json_dumps(j, JSON_COMPACT);
			assert_int_equal(verify(text, strlen(text), 2, 2, &res, &e), DIP_ECRYPTO);
			assert_int_equal(res.failure, LED_VERIFY_PROOF);
			assert_non_null(strstr(e.message, "proof mismatch"));
			led_verify_result_release(&res);
			free(text);
			h[byte] ^= 0x80;
			count++;
		}
		json_array_set_new(arr, k, json_string(saved));
	}
	assert_int_equal(count, 6 * 32);
	/* A proof one hash short, or one too long. */
	json_array_remove(arr, n - 1);
	text = json_dumps(j, JSON_COMPACT);
	assert_int_equal(verify(text, strlen(text), 2, 2, &res, &e), DIP_ECRYPTO);
	assert_int_equal(res.failure, LED_VERIFY_PROOF);
	led_verify_result_release(&res);
	free(text);
	json_decref(j);
	dbuf_free(&r);
}

/* Rebuilds the receipt with signature line k's decoded bytes changed at
 * byte b, returning the verification result. */
static int with_changed_signature(size_t k, size_t b, struct led_verify_result *res,
				  struct dip_error *e)
{
	struct led_note n;
	struct dbuf cp, r;
	size_t i;
	int rc;

	assert_int_equal(led_note_parse(note.p, note.len, &n, NULL), 0);
	dbuf_init(&cp, 0);
	dbuf_init(&r, 0);
	dbuf_add(&cp, n.text, n.text_len);
	dbuf_addc(&cp, '\n');
	for (i = 0; i < n.nsigs; i++) {
		uint8_t raw[100];

		raw[0] = (uint8_t)(n.sigs[i].id >> 24);
		raw[1] = (uint8_t)(n.sigs[i].id >> 16);
		raw[2] = (uint8_t)(n.sigs[i].id >> 8);
		raw[3] = (uint8_t)n.sigs[i].id;
		memcpy(raw + 4, n.sigs[i].sig, n.sigs[i].sig_len);
		if (i == k)
			raw[b] ^= 0x04;
		dbuf_addf(&cp, "\xe2\x80\x94 %s ", n.sigs[i].name);
		b64_encode(&cp, raw, 4 + n.sigs[i].sig_len);
		dbuf_addc(&cp, '\n');
	}
	build(9, cp.p, cp.len, &r);
	rc = verify(r.p, r.len, 2, 2, res, e);
	led_note_release(&n);
	dbuf_free(&cp);
	dbuf_free(&r);
	return rc;
}

static void test_any_changed_signature_byte_fails(void **state)
{
	struct led_verify_result res;
	struct dip_error e;
	size_t b;

	(void)state;
	/* Line 0: the log's Ed25519 signature (4 + 64 bytes). */
	for (b = 0; b < 68; b++) {
		assert_int_equal(with_changed_signature(0, b, &res, &e), DIP_ECRYPTO);
		assert_int_equal(res.failure, LED_VERIFY_SIGNATURE);
		assert_non_null(strstr(e.message, "bad signature"));
		led_verify_result_release(&res);
	}
	/* Lines 1 and 2: cosignatures (4 + 8 + 64 bytes).  A changed key ID
	 * hides the line (quorum not met); any other change is a bad
	 * signature. */
	for (b = 0; b < 76; b++) {
		assert_int_equal(with_changed_signature(1, b, &res, &e), DIP_ECRYPTO);
		assert_int_equal(res.failure, b < 4 ? LED_VERIFY_QUORUM : LED_VERIFY_SIGNATURE);
		led_verify_result_release(&res);
		assert_int_equal(with_changed_signature(2, b, &res, &e), DIP_ECRYPTO);
		led_verify_result_release(&res);
	}
	/* Unchanged: fine. */
	assert_int_equal(with_changed_signature(99, 0, &res, &e), 0);
	led_verify_result_release(&res);
}

static void test_any_changed_checkpoint_byte_fails(void **state)
{
	struct led_verify_result res;
	struct dip_error e;
	struct led_note n;
	struct dbuf r;
	char *cp;
	size_t i;

	(void)state;
	assert_int_equal(led_note_parse(note.p, note.len, &n, NULL), 0);
	dbuf_init(&r, 0);
	cp = malloc(note.len + 1);
	for (i = 0; i + 1 < n.text_len; i++) {
		memcpy(cp, note.p, note.len + 1);
		if (cp[i] == '\n')
			continue;
		cp[i] ^= 0x02;
		if (led_note_text_valid(cp, n.text_len) == 0)
			continue;
		/* led_receipt_build needs a parsable checkpoint; edit the JSON instead. */
		build(3, note.p, note.len, &r);
		{
			json_t *j = json_loads(r.p, 0, NULL);
			char *text;

			json_object_set_new(j, "checkpoint", json_stringn(cp, note.len));
			text = json_dumps(j, JSON_COMPACT);
			assert_int_not_equal(verify(text, strlen(text), 2, 2, &res, &e), 0);
			assert_true(res.failure == LED_VERIFY_SIGNATURE ||
				    res.failure == LED_VERIFY_MALFORMED);
			led_verify_result_release(&res);
			free(text);
			json_decref(j);
		}
	}
	free(cp);
	led_note_release(&n);
	dbuf_free(&r);
}

static void test_shape_and_limits(void **state)
{
	struct led_verify_result res;
	struct dip_error e;
	struct dbuf r;
	json_t *j;
	char *text;
	int i;

	(void)state;
	dbuf_init(&r, 0);
	build(0, note.p, note.len, &r);
	j = json_loads(r.p, 0, NULL);

#define EXPECT_FIELD(fld, code)                                                     \
	do {                                                                          \
		text = json_dumps(j, JSON_COMPACT);                                    \
		assert_int_equal(verify(text, strlen(text), 2, 2, &res, &e), code);    \
		assert_string_equal(e.field, fld);                                    \
		led_verify_result_release(&res);                                      \
		free(text);                                                           \
	} while (0)

	json_object_set_new(j, "type", json_string("dipreg-receipt/v2"));
	EXPECT_FIELD("type", DIP_EINVAL);
	json_object_set_new(j, "type", json_string(LED_RECEIPT_TYPE));
	json_object_set_new(j, "index", json_integer(1));
	EXPECT_FIELD("inclusion_proof", DIP_ECRYPTO);
	json_object_set_new(j, "index", json_integer(-1));
	EXPECT_FIELD("index", DIP_EINVAL);
	json_object_set_new(j, "index", json_integer(NENTRIES));
	EXPECT_FIELD("index", DIP_ECRYPTO);
	json_object_set_new(j, "index", json_integer(0));
	json_object_set_new(j, "leaf_hash", json_string("00000000000000000000000000000000"
							 "00000000000000000000000000000000"));
	EXPECT_FIELD("leaf_hash", DIP_ECRYPTO);
	json_decref(j);
	j = json_loads(r.p, 0, NULL);
	json_object_set_new(j, "log", json_string("other.example/log"));
	EXPECT_FIELD("log", DIP_EINVAL);
	json_object_set_new(j, "log", json_string(ORIGIN));
	json_object_set_new(j, "extra", json_true());
	EXPECT_FIELD("receipt", DIP_EINVAL);
	json_object_del(j, "extra");
	json_object_set_new(j, "entry", json_string("not an object"));
	EXPECT_FIELD("entry", DIP_EINVAL);
	json_decref(j);

	/* Not JSON, duplicate members, too large, too deep. */
	assert_int_equal(verify("{", 1, 0, 0, &res, &e), DIP_EINVAL);
	led_verify_result_release(&res);
	assert_int_equal(verify("{\"type\":1,\"type\":2}", 19, 0, 0, &res, &e), DIP_EINVAL);
	led_verify_result_release(&res);
	{
		size_t big = LED_RECEIPT_MAX + 1;
		char *blob = malloc(big);

		memset(blob, ' ', big);
		assert_int_equal(verify(blob, big, 0, 0, &res, &e), DIP_ELIMIT);
		led_verify_result_release(&res);
		free(blob);
	}
	{
		struct dbuf deep;

		dbuf_init(&deep, 0);
		dbuf_adds(&deep, "{\"entry\":");
		for (i = 0; i < 40; i++)
			dbuf_addc(&deep, '[');
		for (i = 0; i < 40; i++)
			dbuf_addc(&deep, ']');
		dbuf_addc(&deep, '}');
		assert_int_equal(verify(deep.p, deep.len, 0, 0, &res, &e), DIP_ELIMIT);
		led_verify_result_release(&res);
		dbuf_free(&deep);
	}
	dbuf_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_receipts_verify_for_every_index),
		cmocka_unit_test(test_entry_formatting_does_not_matter),
		cmocka_unit_test(test_any_changed_entry_byte_fails),
		cmocka_unit_test(test_any_changed_proof_byte_fails),
		cmocka_unit_test(test_any_changed_signature_byte_fails),
		cmocka_unit_test(test_any_changed_checkpoint_byte_fails),
		cmocka_unit_test(test_shape_and_limits),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
