/*
 * password.c - scrypt password hashes in a self-describing string.
 */
#include "crypto/password.h"
#include "crypto/rand.h"
#include "util/b64.h"
#include "util/err.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#define SALT_LEN 16
#define HASH_LEN 32
#define MEM_CEILING (1024ULL * 1024 * 1024)

static pthread_once_t kdf_once = PTHREAD_ONCE_INIT;
static EVP_KDF *kdf;

static void kdf_fetch(void)
{
	kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
}

static int params_ok(const struct crypto_scrypt_params *p)
{
	return p->ln >= 1 && p->ln <= 20 && p->r >= 1 && p->r <= 16 && p->p >= 1 && p->p <= 16 &&
	       128ULL * p->r * (1ULL << p->ln) <= MEM_CEILING;
}

static int derive(const char *pw, size_t len, const uint8_t *salt, size_t saltlen,
		  const struct crypto_scrypt_params *p, uint8_t out[HASH_LEN])
{
	EVP_KDF_CTX *ctx;
	OSSL_PARAM params[7];
	uint64_t n = 1ULL << p->ln, maxmem = MEM_CEILING + 64ULL * 1024 * 1024;
	uint32_t r = p->r, par = p->p;
	int rc = 0;

	pthread_once(&kdf_once, kdf_fetch);
	if (kdf == NULL)
		return DIP_ECRYPTO;
	ctx = EVP_KDF_CTX_new(kdf);
	if (ctx == NULL)
		return DIP_ENOMEM;
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pw, len);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, saltlen);
	params[2] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	params[3] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	params[4] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &par);
	params[5] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
	params[6] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, HASH_LEN, params) != 1)
		rc = DIP_ECRYPTO;
	EVP_KDF_CTX_free(ctx);
	return rc;
}

int crypto_password_hash(const char *pw, size_t len, const struct crypto_scrypt_params *prm,
			 struct dbuf *out)
{
	struct crypto_scrypt_params p = prm ? *prm : CRYPTO_SCRYPT_DEFAULT;
	uint8_t salt[SALT_LEN], hash[HASH_LEN];
	char salt64[B64_ENCODED_LEN(SALT_LEN) + 1], hash64[B64_ENCODED_LEN(HASH_LEN) + 1];
	int rc;

	if (!params_ok(&p))
		return DIP_EINVAL;
	rc = crypto_random(salt, sizeof(salt));
	if (rc == 0)
		rc = derive(pw, len, salt, sizeof(salt), &p, hash);
	if (rc == 0) {
		b64_encode_to(salt64, salt, sizeof(salt));
		b64_encode_to(hash64, hash, sizeof(hash));
		rc = dbuf_addf(out, "$scrypt$ln=%u,r=%u,p=%u$%s$%s", p.ln, p.r, p.p, salt64, hash64);
	}
	OPENSSL_cleanse(hash, sizeof(hash));
	return rc;
}

/* Reads "<name>=<decimal>" at *s and moves past it. */
static int read_param(const char **s, const char *name, unsigned *out)
{
	size_t n = strlen(name);
	unsigned long v;
	char *end;

	if (strncmp(*s, name, n) != 0 || (*s)[n] != '=' || (*s)[n + 1] < '1' || (*s)[n + 1] > '9')
		return DIP_EINVAL;
	errno = 0;
	v = strtoul(*s + n + 1, &end, 10);
	if (errno || v > 1000)
		return DIP_EINVAL;
	*out = (unsigned)v;
	*s = end;
	return 0;
}

struct parsed {
	struct crypto_scrypt_params p;
	uint8_t salt[64];
	size_t saltlen;
	uint8_t hash[HASH_LEN];
};

static int parse(const char *enc, struct parsed *out)
{
	const char *s = enc, *dollar;
	size_t hashlen;

	if (strncmp(s, "$scrypt$", 8) != 0)
		return DIP_EINVAL;
	s += 8;
	if (read_param(&s, "ln", &out->p.ln) || *s++ != ',' || read_param(&s, "r", &out->p.r) ||
	    *s++ != ',' || read_param(&s, "p", &out->p.p) || *s++ != '$')
		return DIP_EINVAL;
	if (!params_ok(&out->p))
		return DIP_EINVAL;
	dollar = strchr(s, '$');
	if (dollar == NULL || b64_decode(s, (size_t)(dollar - s), out->salt, sizeof(out->salt),
					 &out->saltlen) != 0 || out->saltlen < 4)
		return DIP_EINVAL;
	s = dollar + 1;
	if (b64_decode(s, strlen(s), out->hash, sizeof(out->hash), &hashlen) != 0 ||
	    hashlen != HASH_LEN)
		return DIP_EINVAL;
	return 0;
}

int crypto_password_verify(const char *pw, size_t len, const char *encoded)
{
	struct parsed ps;
	uint8_t got[HASH_LEN];
	int rc;

	rc = parse(encoded, &ps);
	if (rc)
		return rc;
	rc = derive(pw, len, ps.salt, ps.saltlen, &ps.p, got);
	if (rc == 0 && CRYPTO_memcmp(got, ps.hash, HASH_LEN) != 0)
		rc = DIP_EAUTH;
	OPENSSL_cleanse(got, sizeof(got));
	return rc;
}

int crypto_password_needs_rehash(const char *encoded, const struct crypto_scrypt_params *want)
{
	struct parsed ps;

	if (parse(encoded, &ps) != 0)
		return 1;
	return ps.p.ln != want->ln || ps.p.r != want->r || ps.p.p != want->p;
}
