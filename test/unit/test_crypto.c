/*
 * test_crypto.c - hashes, codecs, signature keys and password hashing,
 * against published test vectors (FIPS 180-2, GB/T 32905, RFC 4648,
 * RFC 8032, RFC 7914) and an SM2 signature made by the openssl command.
 */
#include "testutil.h"

#include <sys/stat.h>
#include <unistd.h>

#include "crypto/hash.h"
#include "crypto/password.h"
#include "crypto/rand.h"
#include "crypto/sign.h"
#include "util/b64.h"
#include "util/buf.h"
#include "util/err.h"

static void hex_of(const uint8_t *p, size_t n, char *out)
{
	hex_encode(out, p, n);
}

static void test_sha256_sm3_vectors(void **state)
{
	uint8_t h[32];
	char hex[65];

	(void)state;
	assert_int_equal(crypto_hash(CRYPTO_SHA256, "abc", 3, h), 0);
	hex_of(h, 32, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(crypto_hash(CRYPTO_SHA256, "", 0, h), 0);
	hex_of(h, 32, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* GB/T 32905-2016 appendix A, example 1. */
	assert_int_equal(crypto_hash(CRYPTO_SM3, "abc", 3, h), 0);
	hex_of(h, 32, hex);
	assert_string_equal(hex, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
	/* Example 2: "abcd" repeated 16 times. */
	{
		char m[65];
		int i;

		for (i = 0; i < 16; i++)
			memcpy(m + 4 * i, "abcd", 4);
		assert_int_equal(crypto_hash(CRYPTO_SM3, m, 64, h), 0);
		hex_of(h, 32, hex);
		assert_string_equal(hex,
				    "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
	}
}

static void test_hash_incremental_matches_oneshot(void **state)
{
	struct crypto_hash_ctx c = CRYPTO_HASH_CTX_INIT;
	uint8_t data[10000], a[32], b[32];
	const void *parts[3];
	size_t lens[3];
	int alg, i;

	(void)state;
	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	for (alg = CRYPTO_SHA256; alg <= CRYPTO_SM3; alg++) {
		assert_int_equal(crypto_hash(alg, data, sizeof(data), a), 0);
		/* Twice with the same context, to check reuse after final. */
		for (i = 0; i < 2; i++) {
			assert_int_equal(crypto_hash_init(&c, alg), 0);
			assert_int_equal(crypto_hash_update(&c, data, 1), 0);
			assert_int_equal(crypto_hash_update(&c, data + 1, 4999), 0);
			assert_int_equal(crypto_hash_update(&c, data + 5000, 5000), 0);
			assert_int_equal(crypto_hash_final(&c, b), 0);
			assert_memory_equal(a, b, 32);
		}
		parts[0] = data;
		lens[0] = 10;
		parts[1] = data + 10;
		lens[1] = 0;
		parts[2] = data + 10;
		lens[2] = sizeof(data) - 10;
		assert_int_equal(crypto_hash_parts(alg, parts, lens, 3, b), 0);
		assert_memory_equal(a, b, 32);
	}
	crypto_hash_release(&c);
}

static void test_hash_names(void **state)
{
	enum crypto_hash_alg a;

	(void)state;
	assert_int_equal(crypto_hash_parse("sha256", &a), 0);
	assert_int_equal(a, CRYPTO_SHA256);
	assert_int_equal(crypto_hash_parse("sm3", &a), 0);
	assert_int_equal(a, CRYPTO_SM3);
	assert_int_equal(crypto_hash_parse("SHA256", &a), DIP_EINVAL);
	assert_int_equal(crypto_hash_parse("md5", &a), DIP_EINVAL);
	assert_string_equal(crypto_hash_name(CRYPTO_SM3), "sm3");
	assert_string_equal(crypto_hash_name(CRYPTO_SHA256), "sha256");
}

static void test_base64_rfc4648(void **state)
{
	static const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	static const char *bad[] = { "Zg=", "Zg", "Zh==", "Zm9=", "Zm9v\n", "Zm 9", "Zg==Zg==",
				     "====", "Z===", "Zm9v-_==", "Zm8=Zm8=" };
	uint8_t out[16];
	char s[32];
	size_t n, i;
	struct dbuf b;

	(void)state;
	dbuf_init(&b, 0);
	for (i = 0; i < 7; i++) {
		b64_encode_to(s, (const uint8_t *)plain[i], strlen(plain[i]));
		assert_string_equal(s, enc[i]);
		dbuf_reset(&b);
		assert_int_equal(b64_encode(&b, (const uint8_t *)plain[i], strlen(plain[i])), 0);
		assert_int_equal(b.len, strlen(enc[i]));
		assert_int_equal(b64_decode(enc[i], strlen(enc[i]), out, sizeof(out), &n), 0);
		assert_int_equal(n, strlen(plain[i]));
		assert_memory_equal(out, plain[i], n);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(b64_decode(bad[i], strlen(bad[i]), out, sizeof(out), &n), DIP_EINVAL);
	assert_int_equal(b64_decode("Zm9vYmFy", 8, out, 5, &n), DIP_ELIMIT);
	dbuf_free(&b);
}

static void test_base64_long_roundtrip(void **state)
{
	uint8_t in[3001], out[3001];
	struct dbuf b;
	size_t n, len;

	(void)state;
	for (len = 0; len < sizeof(in); len++)
		in[len] = (uint8_t)(len * 131 + 7);
	dbuf_init(&b, 0);
	for (len = 0; len <= sizeof(in); len += 97) {
		dbuf_reset(&b);
		assert_int_equal(b64_encode(&b, in, len), 0);
		assert_int_equal(b.len, B64_ENCODED_LEN(len));
		assert_int_equal(b64_decode(b.p ? b.p : "", b.len, out, sizeof(out), &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(in, out, len);
	}
	dbuf_free(&b);
}

static void test_hex(void **state)
{
	uint8_t out[4];
	char s[9];

	(void)state;
	assert_int_equal(hex_decode("00fFa5", 6, out), 0);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(out[2], 0xa5);
	hex_encode(s, out, 3);
	assert_string_equal(s, "00ffa5");
	assert_int_equal(hex_decode("0g", 2, out), DIP_EINVAL);
	assert_int_equal(hex_decode("abc", 3, out), DIP_EINVAL);
}

static void test_random(void **state)
{
	uint8_t a[32], b[32];

	(void)state;
	assert_int_equal(crypto_random(a, sizeof(a)), 0);
	assert_int_equal(crypto_random(b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, 32);
}

/* RFC 8032 section 7.1, TEST 1 and TEST 2, as PKCS#8 PEM. */
static const char rfc8032_pem1[] = "-----BEGIN PRIVATE KEY-----\n"
				   "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
				   "-----END PRIVATE KEY-----\n";

static void test_ed25519_rfc8032(void **state)
{
	struct crypto_key *k = NULL, *pub = NULL;
	uint8_t raw[CRYPTO_PUBKEY_MAX], sig[CRYPTO_SIG_MAX];
	size_t rawlen, siglen;
	char hex[200];
	struct dip_error e;

	(void)state;
	dip_error_clear(&e);
	assert_int_equal(crypto_key_from_pem(rfc8032_pem1, strlen(rfc8032_pem1), &k, &e), 0);
	assert_int_equal(crypto_key_type(k), CRYPTO_KEY_ED25519);
	assert_true(crypto_key_has_private(k));
	assert_int_equal(crypto_key_raw_public(k, raw, &rawlen), 0);
	assert_int_equal(rawlen, 32);
	hex_of(raw, rawlen, hex);
	assert_string_equal(hex, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
	assert_int_equal(crypto_sign(k, "", 0, sig, &siglen), 0);
	assert_int_equal(siglen, 64);
	hex_of(sig, siglen, hex);
	assert_string_equal(hex, "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
				 "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
	assert_int_equal(crypto_key_from_raw_public(CRYPTO_KEY_ED25519, raw, rawlen, &pub), 0);
	assert_false(crypto_key_has_private(pub));
	assert_int_equal(crypto_verify(pub, "", 0, sig, siglen), 0);
	sig[10] ^= 1;
	assert_int_equal(crypto_verify(pub, "", 0, sig, siglen), DIP_ECRYPTO);
	sig[10] ^= 1;
	assert_int_equal(crypto_verify(pub, "x", 1, sig, siglen), DIP_ECRYPTO);
	assert_int_equal(crypto_verify(pub, "", 0, sig, 63), DIP_ECRYPTO);
	assert_int_equal(crypto_sign(pub, "", 0, sig, &siglen), DIP_EINVAL);
	assert_int_equal(crypto_key_from_raw_public(CRYPTO_KEY_ED25519, raw, 31, &pub), DIP_EINVAL);
	crypto_key_free(pub);
	crypto_key_free(k);
}

/* A key pair and a signature of "message digest" made with
 * openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt distid:1234567812345678. */
static const char sm2_pub_pem[] = "-----BEGIN PUBLIC KEY-----\n"
				  "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEzMiwTZxshTKEgrCfu9Cs+6t7WeYi\n"
				  "dAIwJ/Ehh6RHtasZx7PhwWoqQaQCrJYFjVbozG/fA2Op51HIsxPJRaEgJA==\n"
				  "-----END PUBLIC KEY-----\n";
static const char sm2_sig_hex[] =
	"3046022100a930dbe7c605bc977dd2602166869809b6aedcd05293a16ad1a8a89164fd8033"
	"022100dca2d92bf39dd4876b870664f311be1054722e8b19427d05dbd3c66a44fc6301";

static void test_sm2_verifies_openssl_signature(void **state)
{
	struct crypto_key *k = NULL, *k2 = NULL;
	uint8_t sig[72], raw[CRYPTO_PUBKEY_MAX];
	size_t rawlen;

	(void)state;
	assert_int_equal(crypto_key_from_pem(sm2_pub_pem, strlen(sm2_pub_pem), &k, NULL), 0);
	assert_int_equal(crypto_key_type(k), CRYPTO_KEY_SM2);
	assert_false(crypto_key_has_private(k));
	assert_int_equal(hex_decode(sm2_sig_hex, strlen(sm2_sig_hex), sig), 0);
	assert_int_equal(crypto_verify(k, "message digest", 14, sig, strlen(sm2_sig_hex) / 2), 0);
	assert_int_equal(crypto_verify(k, "message digesT", 14, sig, strlen(sm2_sig_hex) / 2),
			 DIP_ECRYPTO);
	/* The same key through its raw point. */
	assert_int_equal(crypto_key_raw_public(k, raw, &rawlen), 0);
	assert_int_equal(rawlen, 65);
	assert_int_equal(raw[0], 0x04);
	assert_int_equal(crypto_key_from_raw_public(CRYPTO_KEY_SM2, raw, rawlen, &k2), 0);
	assert_int_equal(crypto_verify(k2, "message digest", 14, sig, strlen(sm2_sig_hex) / 2), 0);
	crypto_key_free(k2);
	k2 = NULL;
	raw[40] ^= 1; /* off the curve */
	assert_int_not_equal(crypto_key_from_raw_public(CRYPTO_KEY_SM2, raw, rawlen, &k2), 0);
	crypto_key_free(k);
}

static void sign_roundtrip(enum crypto_key_type t)
{
	char dir[] = "/tmp/dipreg-test-keys-XXXXXX", priv[128], pub[128];
	struct crypto_key *k = NULL, *k2 = NULL, *k3 = NULL;
	uint8_t sig[CRYPTO_SIG_MAX], raw1[65], raw2[65];
	size_t siglen, n1, n2;
	struct stat st;
	struct dip_error e;

	dip_error_clear(&e);
	assert_non_null(mkdtemp(dir));
	snprintf(priv, sizeof(priv), "%s/k.pem", dir);
	snprintf(pub, sizeof(pub), "%s/k.pub", dir);
	assert_int_equal(crypto_key_generate(t, &k), 0);
	assert_int_equal(crypto_key_type(k), t);
	assert_int_equal(crypto_key_save_private(k, priv, &e), 0);
	assert_int_equal(stat(priv, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(crypto_key_save_private(k, priv, &e), DIP_ECONFLICT);
	assert_non_null(strstr(e.message, priv));
	assert_int_equal(crypto_key_save_public(k, pub, &e), 0);
	assert_int_equal(crypto_key_load(priv, &k2, &e), 0);
	assert_true(crypto_key_has_private(k2));
	assert_int_equal(crypto_key_type(k2), t);
	assert_int_equal(crypto_key_load(pub, &k3, &e), 0);
	assert_false(crypto_key_has_private(k3));
	assert_int_equal(crypto_key_raw_public(k, raw1, &n1), 0);
	assert_int_equal(crypto_key_raw_public(k3, raw2, &n2), 0);
	assert_int_equal(n1, t == CRYPTO_KEY_SM2 ? 65 : 32);
	assert_int_equal(n1, n2);
	assert_memory_equal(raw1, raw2, n1);
	assert_int_equal(crypto_sign(k2, "checkpoint", 10, sig, &siglen), 0);
	assert_int_equal(crypto_verify(k3, "checkpoint", 10, sig, siglen), 0);
	sig[siglen - 1] ^= 0x40;
	assert_int_equal(crypto_verify(k3, "checkpoint", 10, sig, siglen), DIP_ECRYPTO);
	unlink(priv);
	unlink(pub);
	rmdir(dir);
	crypto_key_free(k);
	crypto_key_free(k2);
	crypto_key_free(k3);
}

static void test_ed25519_generate_save_load(void **state)
{
	(void)state;
	sign_roundtrip(CRYPTO_KEY_ED25519);
}

static void test_sm2_generate_save_load(void **state)
{
	(void)state;
	sign_roundtrip(CRYPTO_KEY_SM2);
}

static void test_key_load_errors(void **state)
{
	/* An RSA public key: readable PEM, unsupported type. */
	static const char rsa[] = "-----BEGIN PUBLIC KEY-----\n"
				  "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAM2EM0Bul085+J1RQ8WyFYtezNXdRJFD\n"
				  "Tac4bI7vDwrxX9oH5ijLzvgVBogQpQ9eMhvZz4oHeqBi5dVgDtBQ2PcCAwEAAQ==\n"
				  "-----END PUBLIC KEY-----\n";
	struct crypto_key *k = NULL;
	struct dip_error e;

	(void)state;
	dip_error_clear(&e);
	assert_int_equal(crypto_key_from_pem("garbage", 7, &k, &e), DIP_EINVAL);
	assert_int_equal(crypto_key_from_pem(rsa, strlen(rsa), &k, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "unsupported key type"));
	assert_int_equal(crypto_key_load("/nonexistent/key.pem", &k, &e), DIP_EIO);
	assert_non_null(strstr(e.message, "/nonexistent/key.pem"));
	assert_null(k);
}

static void test_scrypt_rfc7914_vector(void **state)
{
	/* RFC 7914 section 12: P="password", S="NaCl", N=1024, r=8, p=16;
	 * the first 32 bytes of its 64-byte output. */
	const char *enc = "$scrypt$ln=10,r=8,p=16$TmFDbA==$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWI=";

	(void)state;
	assert_int_equal(crypto_password_verify("password", 8, enc), 0);
	assert_int_equal(crypto_password_verify("passwore", 8, enc), DIP_EAUTH);
}

static void test_password_roundtrip_and_malformed(void **state)
{
	struct crypto_scrypt_params cheap = CRYPTO_SCRYPT_CHEAP, huge = { 25, 8, 1 };
	struct dbuf b, b2;

	(void)state;
	dbuf_init(&b, 0);
	dbuf_init(&b2, 0);
	assert_int_equal(crypto_password_hash("s3cret 密码", strlen("s3cret 密码"), &cheap, &b), 0);
	assert_true(strncmp(b.p, "$scrypt$ln=4,r=8,p=1$", 21) == 0);
	assert_int_equal(crypto_password_verify("s3cret 密码", strlen("s3cret 密码"), b.p), 0);
	assert_int_equal(crypto_password_verify("s3cret", 6, b.p), DIP_EAUTH);
	/* Same password, fresh salt: a different string. */
	assert_int_equal(crypto_password_hash("s3cret 密码", strlen("s3cret 密码"), &cheap, &b2), 0);
	assert_string_not_equal(b.p, b2.p);
	assert_true(crypto_password_needs_rehash(b.p, &(struct crypto_scrypt_params){ 15, 8, 1 }));
	assert_false(crypto_password_needs_rehash(b.p, &cheap));
	assert_int_equal(crypto_password_hash("x", 1, &huge, &b2), DIP_EINVAL);
	assert_int_equal(crypto_password_verify("x", 1, "$scrypt$ln=25,r=8,p=1$TmFDbA==$AAAA"),
			 DIP_EINVAL);
	assert_int_equal(crypto_password_verify("x", 1, "$bcrypt$..."), DIP_EINVAL);
	assert_int_equal(crypto_password_verify("x", 1, "$scrypt$ln=04,r=8,p=1$TmFDbA==$AAAA"),
			 DIP_EINVAL);
	assert_int_equal(crypto_password_verify("x", 1, "$scrypt$ln=4,r=8,p=1$TmFDbA==$AAAA"),
			 DIP_EINVAL);
	dbuf_free(&b);
	dbuf_free(&b2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_sm3_vectors),
		cmocka_unit_test(test_hash_incremental_matches_oneshot),
		cmocka_unit_test(test_hash_names),
		cmocka_unit_test(test_base64_rfc4648),
		cmocka_unit_test(test_base64_long_roundtrip),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_ed25519_rfc8032),
		cmocka_unit_test(test_sm2_verifies_openssl_signature),
		cmocka_unit_test(test_ed25519_generate_save_load),
		cmocka_unit_test(test_sm2_generate_save_load),
		cmocka_unit_test(test_key_load_errors),
		cmocka_unit_test(test_scrypt_rfc7914_vector),
		cmocka_unit_test(test_password_roundtrip_and_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
