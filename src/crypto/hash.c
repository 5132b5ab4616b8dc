/*
 * hash.c - cached EVP_MD fetches and per-thread digest contexts.
 *
 * EVP_MD_fetch looks the algorithm up in the provider tables, which takes
 * a lock; doing it once per process keeps the hot paths (fingerprinting
 * gigabytes, hashing Merkle nodes) free of it.  The per-thread EVP_MD_CTX
 * lives in a pthread key whose destructor frees it when the thread ends.
 */
#include "crypto/hash.h"
#include "util/err.h"

#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>

static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static EVP_MD *md_cache[2];
static pthread_key_t tls_key;
static int tls_ok;

static void tls_free(void *p)
{
	EVP_MD_CTX_free(p);
}

static void md_fetch_all(void)
{
	md_cache[CRYPTO_SHA256] = EVP_MD_fetch(NULL, "SHA256", NULL);
	md_cache[CRYPTO_SM3] = EVP_MD_fetch(NULL, "SM3", NULL);
	tls_ok = pthread_key_create(&tls_key, tls_free) == 0;
}

const void *crypto_hash_md(enum crypto_hash_alg alg)
{
	pthread_once(&md_once, md_fetch_all);
	if ((unsigned)alg > CRYPTO_SM3)
		return NULL;
	return md_cache[alg];
}

int crypto_hash_parse(const char *name, enum crypto_hash_alg *out)
{
	if (strcmp(name, "sha256") == 0)
		*out = CRYPTO_SHA256;
	else if (strcmp(name, "sm3") == 0)
		*out = CRYPTO_SM3;
	else
		return DIP_EINVAL;
	return 0;
}

const char *crypto_hash_name(enum crypto_hash_alg alg)
{
	return alg == CRYPTO_SM3 ? "sm3" : "sha256";
}

/* This thread's reusable context, created on first use. */
static EVP_MD_CTX *thread_ctx(void)
{
	EVP_MD_CTX *c;

	pthread_once(&md_once, md_fetch_all);
	if (!tls_ok)
		return NULL;
	c = pthread_getspecific(tls_key);
	if (c == NULL) {
		c = EVP_MD_CTX_new();
		if (c == NULL)
			return NULL;
		if (pthread_setspecific(tls_key, c) != 0) {
			EVP_MD_CTX_free(c);
			return NULL;
		}
	}
	return c;
}

int crypto_hash_parts(enum crypto_hash_alg alg, const void *const *parts, const size_t *lens,
		      int nparts, uint8_t out[CRYPTO_HASH_LEN])
{
	const EVP_MD *md = crypto_hash_md(alg);
	EVP_MD_CTX *c = thread_ctx();
	unsigned int olen = 0;
	int i;

	if (md == NULL || c == NULL)
		return DIP_ECRYPTO;
	if (!EVP_DigestInit_ex2(c, md, NULL))
		return DIP_ECRYPTO;
	for (i = 0; i < nparts; i++)
		if (!EVP_DigestUpdate(c, parts[i], lens[i]))
			return DIP_ECRYPTO;
	if (!EVP_DigestFinal_ex(c, out, &olen) || olen != CRYPTO_HASH_LEN)
		return DIP_ECRYPTO;
	return 0;
}

int crypto_hash(enum crypto_hash_alg alg, const void *p, size_t n, uint8_t out[CRYPTO_HASH_LEN])
{
	return crypto_hash_parts(alg, &p, &n, 1, out);
}

int crypto_hash_init(struct crypto_hash_ctx *c, enum crypto_hash_alg alg)
{
	const EVP_MD *md = crypto_hash_md(alg);

	if (md == NULL)
		return DIP_ECRYPTO;
	if (c->md_ctx == NULL && (c->md_ctx = EVP_MD_CTX_new()) == NULL)
		return DIP_ECRYPTO;
	return EVP_DigestInit_ex2(c->md_ctx, md, NULL) ? 0 : DIP_ECRYPTO;
}

int crypto_hash_update(struct crypto_hash_ctx *c, const void *p, size_t n)
{
	return EVP_DigestUpdate(c->md_ctx, p, n) ? 0 : DIP_ECRYPTO;
}

int crypto_hash_final(struct crypto_hash_ctx *c, uint8_t out[CRYPTO_HASH_LEN])
{
	unsigned int olen = 0;

	if (!EVP_DigestFinal_ex(c->md_ctx, out, &olen) || olen != CRYPTO_HASH_LEN)
		return DIP_ECRYPTO;
	return 0;
}

void crypto_hash_release(struct crypto_hash_ctx *c)
{
	EVP_MD_CTX_free(c->md_ctx);
	c->md_ctx = NULL;
}
