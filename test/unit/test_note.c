/*
 * test_note.c - signed notes, checkpoints and witness cosignatures: the Go
 * note package's published example key and note (byte for byte), the
 * layout of the tlog-cosignature example, SM2 lines, the verification
 * rules of signed-note, and strict checkpoint parsing.
 */
#include "testutil.h"

#include "crypto/sign.h"
#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "ledger/note.h"
#include "util/b64.h"
#include "util/buf.h"
#include "util/err.h"

/* From golang.org/x/mod/sumdb/note's documentation and tests. */
static const char go_vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char go_skey[] =
	"PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
static const char go_text[] = "If you think cryptography is the answer to your problem,\n"
			      "then you don't know what your problem is.\n";
static const char go_note[] =
	"If you think cryptography is the answer to your problem,\n"
	"then you don't know what your problem is.\n"
	"\n"
	"\xe2\x80\x94 PeterNeumann "
	"x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

static void test_go_reference_note(void **state)
{
	struct led_verifier *v = NULL;
	struct led_signer *s = NULL;
	struct led_sig_result res;
	struct led_note n;
	struct dbuf b;
	struct dip_error e;
	char *tampered;

	(void)state;
	dip_error_clear(&e);
	dbuf_init(&b, 0);
	assert_int_equal(led_verifier_parse(go_vkey, &v, &e), 0);
	assert_string_equal(v->name, "PeterNeumann");
	assert_int_equal(v->id, 0xc74f20a3);
	assert_int_equal(v->type, LED_SIG_ED25519);
	assert_int_equal(led_verifier_vkey(v, &b), 0);
	assert_string_equal(b.p, go_vkey);

	assert_int_equal(led_note_parse(go_note, strlen(go_note), &n, &e), 0);
	assert_int_equal(n.text_len, strlen(go_text));
	assert_string_equal(n.text, go_text);
	assert_int_equal(n.nsigs, 1);
	assert_int_equal(led_note_verify(&n, &v, 1, &res, &e), 0);
	assert_int_equal(res.status, LED_SIG_VALID);
	led_note_release(&n);

	tampered = strdup(go_note);
	tampered[10] = 'Y';
	assert_int_equal(led_note_parse(tampered, strlen(tampered), &n, &e), 0);
	assert_int_equal(led_note_verify(&n, &v, 1, &res, &e), DIP_ECRYPTO);
	assert_int_equal(res.status, LED_SIG_INVALID);
	assert_non_null(strstr(e.message, "bad signature by PeterNeumann"));
	led_note_release(&n);
	free(tampered);

	/* Ed25519 is deterministic: signing the text again gives the note. */
	assert_int_equal(led_signer_parse(go_skey, &s, &e), 0);
	assert_int_equal(s->id, 0xc74f20a3);
	dbuf_reset(&b);
	assert_int_equal(led_note_sign(go_text, strlen(go_text), &s, 1, 0, &b, &e), 0);
	assert_string_equal(b.p, go_note);
	dbuf_reset(&b);
	assert_int_equal(led_signer_vkey(s, &b), 0);
	assert_string_equal(b.p, go_vkey);

	led_signer_free(s);
	led_verifier_free(v);
	dbuf_free(&b);
}

static void test_vkey_manglings_rejected(void **state)
{
	char buf[sizeof(go_vkey)];
	struct led_verifier *v = NULL;
	size_t len = strlen(go_vkey), i, j;

	(void)state;
	/* Every proper substring, and every single-byte change. */
	for (i = 0; i <= len; i++)
		for (j = i + 1; j <= len; j++) {
			if (i == 0 && j == len)
				continue;
			memcpy(buf, go_vkey + i, j - i);
			buf[j - i] = '\0';
			assert_int_not_equal(led_verifier_parse(buf, &v, NULL), 0);
		}
	for (i = 0; i < len; i++) {
		memcpy(buf, go_vkey, len + 1);
		buf[i]++;
		if (led_verifier_parse(buf, &v, NULL) == 0) {
			/* Only a hex digit's case may change harmlessly. */
			led_verifier_free(v);
			fail_msg("mangled key accepted: %s", buf);
		}
	}
	assert_int_not_equal(led_verifier_parse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
						&v, NULL),
			     0);
	assert_int_not_equal(led_verifier_parse("PeterNeumann+c74f20a3+AnRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
						&v, NULL),
			     0);
}

static void test_tlog_cosignature_layout(void **state)
{
	/* The example of c2sp.org/tlog-cosignature: its signature holds the
	 * key ID, then time 1679315147 as 8 big-endian bytes, then 64 bytes. */
	static const char line[] = "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==";
	static const char body[] = "example.com/behind-the-sofa\n20852163\n"
				   "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
	uint8_t raw[100];
	uint64_t ts = 0;
	size_t n, i;
	struct dbuf m;

	(void)state;
	assert_int_equal(b64_decode(line, strlen(line), raw, sizeof(raw), &n), 0);
	assert_int_equal(n, 4 + 8 + 64);
	for (i = 4; i < 12; i++)
		ts = ts << 8 | raw[i];
	assert_true(ts == 1679315147);
	dbuf_init(&m, 0);
	assert_int_equal(led__cosig_message(ts, body, strlen(body), &m), 0);
	assert_string_equal(m.p, "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n"
				 "20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
	dbuf_free(&m);
}

static struct led_signer *new_signer(const char *name, enum led_sig_type type)
{
	struct crypto_key *k = NULL;
	struct led_signer *s = NULL;

	assert_int_equal(crypto_key_generate(type == LED_SIG_SM2 ? CRYPTO_KEY_SM2 : CRYPTO_KEY_ED25519,
					     &k),
			 0);
	assert_int_equal(led_signer_new(name, type, k, &s, NULL), 0);
	return s;
}

static struct led_verifier *verifier_of(const struct led_signer *s)
{
	struct led_verifier *v = NULL;
	struct dbuf b;

	dbuf_init(&b, 0);
	assert_int_equal(led_signer_vkey(s, &b), 0);
	assert_int_equal(led_verifier_parse(b.p, &v, NULL), 0);
	assert_int_equal(v->id, s->id);
	dbuf_free(&b);
	return v;
}

static void test_ed25519_sm2_and_cosignature_lines(void **state)
{
	struct led_signer *s[3];
	struct led_verifier *v[3];
	struct led_sig_result res[3];
	struct led_note n;
	struct dbuf b, vk;
	uint8_t raw[80];
	size_t rawlen;
	const char *text = "dipreg.example/log\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	int i;

	(void)state;
	s[0] = new_signer("dipreg.example/log", LED_SIG_ED25519);
	s[1] = new_signer("dipreg.example/log", LED_SIG_SM2);
	s[2] = new_signer("notary.example/w1", LED_SIG_COSIG_V1);
	for (i = 0; i < 3; i++)
		v[i] = verifier_of(s[i]);
	/* Same name, different type: the key IDs differ. */
	assert_int_not_equal(s[0]->id, s[1]->id);
	/* The SM2 verifier key carries 0xff "sm2-sm3" and a 65-byte point. */
	dbuf_init(&vk, 0);
	assert_int_equal(led_signer_vkey(s[1], &vk), 0);
	{
		/* The base64 may itself contain '+': skip exactly two fields. */
		const char *k = strchr(strchr(vk.p, '+') + 1, '+') + 1;

		assert_int_equal(b64_decode(k, strlen(k), raw, sizeof(raw), &rawlen), 0);
	}
	assert_int_equal(rawlen, 1 + 7 + 65);
	assert_int_equal(raw[0], 0xff);
	assert_memory_equal(raw + 1, "sm2-sm3", 7);
	assert_int_equal(raw[8], 0x04);
	dbuf_free(&vk);

	dbuf_init(&b, 0);
	{
		struct dip_error e;

		dip_error_clear(&e);
		if (led_note_sign(text, strlen(text), s, 3, 1700000000, &b, &e) != 0)
			fail_msg("%s", e.message);
	}
	assert_int_equal(led_note_parse(b.p, b.len, &n, NULL), 0);
	assert_int_equal(n.nsigs, 3);
	assert_int_equal(n.sigs[2].sig_len, 72);
	assert_int_equal(led_note_verify(&n, v, 3, res, NULL), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(res[i].status, LED_SIG_VALID);
	assert_true(res[2].timestamp == 1700000000);
	assert_true(res[0].timestamp == 0);
	/* Each verifier alone suffices. */
	for (i = 0; i < 3; i++)
		assert_int_equal(led_note_verify(&n, &v[i], 1, res, NULL), 0);
	led_note_release(&n);

	/* Wrong key type for a signer is refused. */
	{
		struct crypto_key *k = NULL;
		struct led_signer *bad = NULL;
		struct dip_error e;

		assert_int_equal(crypto_key_generate(CRYPTO_KEY_ED25519, &k), 0);
		assert_int_equal(led_signer_new("x", LED_SIG_SM2, k, &bad, &e), DIP_EINVAL);
		assert_non_null(strstr(e.message, "sm2"));
		assert_int_equal(crypto_key_generate(CRYPTO_KEY_ED25519, &k), 0);
		assert_int_equal(led_signer_new("a+b", LED_SIG_ED25519, k, &bad, &e), DIP_EINVAL);
		assert_string_equal(e.field, "name");
		assert_int_equal(crypto_key_generate(CRYPTO_KEY_ED25519, &k), 0);
		assert_int_equal(led_signer_new("a\xc2\xa0" "b", LED_SIG_ED25519, k, &bad, &e), DIP_EINVAL);
	}
	for (i = 0; i < 3; i++) {
		led_signer_free(s[i]);
		led_verifier_free(v[i]);
	}
	dbuf_free(&b);
}

static void test_unknown_signatures_ignored_known_bad_rejected(void **state)
{
	struct led_signer *log = new_signer("log.example", LED_SIG_ED25519);
	struct led_signer *other = new_signer("log.example", LED_SIG_ED25519);
	struct led_signer *stranger = new_signer("someone.example", LED_SIG_ED25519);
	struct led_verifier *v = verifier_of(log);
	struct led_sig_result res;
	struct led_note n;
	struct dbuf b, b2;
	struct dip_error e;
	struct led_signer *both[2];

	(void)state;
	dbuf_init(&b, 0);
	dbuf_init(&b2, 0);
	/* Signatures by a key sharing the name (not the ID), and by a
	 * stranger, are ignored. */
	both[0] = stranger;
	both[1] = other;
	assert_int_equal(led_note_sign("hello\n", 6, both, 2, 0, &b, NULL), 0);
	assert_int_equal(led_note_add_signatures(b.p, b.len, &log, 1, 0, &b2, NULL), 0);
	assert_int_equal(led_note_parse(b2.p, b2.len, &n, NULL), 0);
	assert_int_equal(n.nsigs, 3);
	assert_int_equal(led_note_verify(&n, &v, 1, &res, NULL), 0);
	assert_int_equal(res.status, LED_SIG_VALID);
	led_note_release(&n);
	/* Without the log's line: no signature by a known key. */
	assert_int_equal(led_note_parse(b.p, b.len, &n, NULL), 0);
	dip_error_clear(&e);
	assert_int_equal(led_note_verify(&n, &v, 1, &res, &e), DIP_ECRYPTO);
	assert_string_equal(e.message, "no signature by a known key");
	led_note_release(&n);
	/* The log's name and key ID over another key's signature. */
	{
		struct led_note n2;
		uint8_t raw[68];
		size_t rl;

		assert_int_equal(led_note_parse(b2.p, b2.len, &n2, NULL), 0);
		raw[0] = (uint8_t)(log->id >> 24);
		raw[1] = (uint8_t)(log->id >> 16);
		raw[2] = (uint8_t)(log->id >> 8);
		raw[3] = (uint8_t)log->id;
		memcpy(raw + 4, n2.sigs[1].sig, 64); /* other's Ed25519 signature */
		rl = 68;
		led_note_release(&n2);
		dbuf_reset(&b);
		dbuf_adds(&b, "hello\n\n\xe2\x80\x94 log.example ");
		b64_encode(&b, raw, rl);
		dbuf_addc(&b, '\n');
		assert_int_equal(led_note_parse(b.p, b.len, &n, NULL), 0);
		assert_int_equal(led_note_verify(&n, &v, 1, &res, &e), DIP_ECRYPTO);
		assert_int_equal(res.status, LED_SIG_INVALID);
		assert_string_equal(e.message, "bad signature by log.example");
		led_note_release(&n);
	}
	led_signer_free(log);
	led_signer_free(other);
	led_signer_free(stranger);
	led_verifier_free(v);
	dbuf_free(&b);
	dbuf_free(&b2);
}

static void test_signature_limits(void **state)
{
	struct led_signer *s = new_signer("w", LED_SIG_ED25519);
	struct led_signer *many[LED_NOTE_MAX_SIGS];
	struct led_note n;
	struct dbuf b, b2;
	int i;

	(void)state;
	for (i = 0; i < LED_NOTE_MAX_SIGS; i++)
		many[i] = s;
	dbuf_init(&b, 0);
	dbuf_init(&b2, 0);
	assert_int_equal(led_note_sign("t\n", 2, many, LED_NOTE_MAX_SIGS, 0, &b, NULL), 0);
	assert_int_equal(led_note_parse(b.p, b.len, &n, NULL), 0);
	assert_int_equal(n.nsigs, LED_NOTE_MAX_SIGS);
	led_note_release(&n);
	assert_int_equal(led_note_add_signatures(b.p, b.len, &s, 1, 0, &b2, NULL), DIP_ELIMIT);
	/* 65 lines written by hand are refused when read. */
	{
		const char *first = strstr(b.p, "\xe2\x80\x94");
		const char *nl = strchr(first, '\n');

		dbuf_reset(&b2);
		dbuf_add(&b2, b.p, (size_t)(strstr(b.p, "\xe2\x80\x94") - b.p));
		for (i = 0; i < LED_NOTE_MAX_SIGS + 1; i++)
			dbuf_add(&b2, first, (size_t)(nl - first + 1));
		assert_int_equal(led_note_parse(b2.p, b2.len, &n, NULL), DIP_ELIMIT);
	}
	led_signer_free(s);
	dbuf_free(&b);
	dbuf_free(&b2);
}

static void test_malformed_notes(void **state)
{
	static const char *bad[] = {
		"", "text\n", "text\n\n", "text\n\n\xe2\x80\x94 k AAAAAAA=", /* no final newline */
		"text\n\n- k AAAAAAA=\n",                                   /* hyphen, not em dash */
		"text\n\n\xe2\x80\x94 k+x AAAAAAA=\n",                       /* '+' in name */
		"text\n\n\xe2\x80\x94  AAAAAAA=\n",                          /* empty name */
		"text\n\n\xe2\x80\x94 k AAAA\n",                             /* < 5 bytes */
		"text\n\n\xe2\x80\x94 k AAAAAAA\n",                          /* bad base64 */
		"te\txt\n\n\xe2\x80\x94 k AAAAAAA=\n",                       /* control character */
		"te\xff" "xt\n\n\xe2\x80\x94 k AAAAAAA=\n",                  /* invalid UTF-8 */
		"text\n\n\xe2\x80\x94 k AAAAAAA=\n\n",                        /* trailing blank */
		"text\n\n\xe2\x80\x94 k AAAAAAA=\nnot a signature\n",
	};
	struct led_note n;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (led_note_parse(bad[i], strlen(bad[i]), &n, NULL) == 0)
			fail_msg("accepted malformed note %zu", i);
	}
	/* Blank lines inside the text are allowed: the last one separates. */
	assert_int_equal(led_note_parse("a\n\nb\n\n\xe2\x80\x94 k AAAAAAA=\n",
					strlen("a\n\nb\n\n\xe2\x80\x94 k AAAAAAA=\n"), &n, NULL),
			 0);
	assert_string_equal(n.text, "a\n\nb\n");
	led_note_release(&n);
}

static void test_checkpoint_parse_strict(void **state)
{
	static const char ok[] = "example.com/behind-the-sofa\n20852163\n"
				 "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
	static const char *bad[] = {
		"\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n05\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n-5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n+5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n18446744073709551616\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
		"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2=\n",
		"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",
		"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n",
		"o\n5\n",
		"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",
		"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",
		"o\n 5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	};
	struct led_checkpoint cp;
	struct dbuf b;
	size_t i;

	(void)state;
	assert_int_equal(led_checkpoint_parse(ok, strlen(ok), &cp, NULL), 0);
	assert_string_equal(cp.origin, "example.com/behind-the-sofa");
	assert_true(cp.size == 20852163);
	assert_int_equal(cp.root[0], 0x0a);
	assert_int_equal(cp.ext_len, 0);
	dbuf_init(&b, 0);
	assert_int_equal(led_checkpoint_format(&cp, &b), 0);
	assert_string_equal(b.p, ok);
	dbuf_free(&b);
	assert_int_equal(led_checkpoint_parse("o\n0\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
					      49, &cp, NULL),
			 0);
	assert_true(cp.size == 0);
	assert_int_equal(led_checkpoint_parse("o\n18446744073709551615\n"
					      "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next 1\n",
					      strlen("o\n18446744073709551615\n"
						     "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next 1\n"),
					      &cp, NULL),
			 0);
	assert_true(cp.size == UINT64_MAX);
	assert_int_equal(cp.ext_len, 6);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (led_checkpoint_parse(bad[i], strlen(bad[i]), &cp, NULL) == 0)
			fail_msg("accepted bad checkpoint %zu", i);
}

static void test_checkpoint_witness_quorum(void **state)
{
	struct led_signer *log = new_signer("dipreg.example/log", LED_SIG_ED25519);
	struct led_signer *w[3];
	struct led_verifier *lv, *wv[3];
	struct led_checkpoint cp, got;
	struct dbuf note, c1, c2;
	struct dip_error e;
	unsigned cos = 99;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		char name[32];

		snprintf(name, sizeof(name), "witness%d.example", i);
		w[i] = new_signer(name, LED_SIG_COSIG_V1);
		wv[i] = verifier_of(w[i]);
	}
	lv = verifier_of(log);
	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "dipreg.example/log");
	cp.size = 42;
	memset(cp.root, 0xab, sizeof(cp.root));
	dbuf_init(&note, 0);
	dbuf_init(&c1, 0);
	dbuf_init(&c2, 0);
	assert_int_equal(led_checkpoint_sign(&cp, &log, 1, 0, &note, NULL), 0);
	assert_int_equal(led_cosign(note.p, note.len, w[0], 1700000001, &c1, NULL), 0);
	assert_int_equal(led_cosign(c1.p, c1.len, w[2], 1700000002, &c2, NULL), 0);
	/* A log key cannot cosign. */
	assert_int_equal(led_cosign(note.p, note.len, log, 1, &c1, &e), DIP_EINVAL);

	assert_int_equal(led_checkpoint_open(c2.p, c2.len, &lv, 1, wv, 3, 2, &got, &cos, &e), 0);
	assert_int_equal(cos, 2);
	assert_true(got.size == 42);
	assert_string_equal(got.origin, "dipreg.example/log");
	assert_memory_equal(got.root, cp.root, 32);
	assert_int_equal(led_checkpoint_open(c2.p, c2.len, &lv, 1, wv, 3, 3, &got, &cos, &e),
			 DIP_ECRYPTO);
	assert_string_equal(e.message, "quorum not met: 2 of 3 witness cosignatures");
	/* Without the log's key the note is not trusted. */
	assert_int_equal(led_checkpoint_open(c2.p, c2.len, wv, 3, NULL, 0, 0, &got, &cos, &e), 0);
	assert_int_equal(led_checkpoint_open(c2.p, c2.len, &wv[1], 1, NULL, 0, 0, &got, &cos, &e),
			 DIP_ECRYPTO);
	/* A tampered cosignature (its timestamp byte) makes the note bad. */
	{
		char *last = strrchr(c2.p, ' ') + 1;
		uint8_t raw[76];
		size_t rl;
		struct dbuf t;

		assert_int_equal(b64_decode(last, strlen(last) - 1, raw, sizeof(raw), &rl), 0);
		raw[11] ^= 1;
		dbuf_init(&t, 0);
		dbuf_add(&t, c2.p, (size_t)(last - c2.p));
		b64_encode(&t, raw, rl);
		dbuf_addc(&t, '\n');
		assert_int_equal(led_checkpoint_open(t.p, t.len, &lv, 1, wv, 3, 1, &got, &cos, &e),
				 DIP_ECRYPTO);
		assert_string_equal(e.message, "bad signature by witness witness2.example");
		dbuf_free(&t);
	}
	led_signer_free(log);
	led_verifier_free(lv);
	for (i = 0; i < 3; i++) {
		led_signer_free(w[i]);
		led_verifier_free(wv[i]);
	}
	dbuf_free(&note);
	dbuf_free(&c1);
	dbuf_free(&c2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_reference_note),
		cmocka_unit_test(test_vkey_manglings_rejected),
		cmocka_unit_test(test_tlog_cosignature_layout),
		cmocka_unit_test(test_ed25519_sm2_and_cosignature_lines),
		cmocka_unit_test(test_unknown_signatures_ignored_known_bad_rejected),
		cmocka_unit_test(test_signature_limits),
		cmocka_unit_test(test_malformed_notes),
		cmocka_unit_test(test_checkpoint_parse_strict),
		cmocka_unit_test(test_checkpoint_witness_quorum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
