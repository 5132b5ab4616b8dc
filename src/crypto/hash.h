/*
 * hash.h - SHA-256 and SM3 through OpenSSL's EVP interface.
 *
 * Both algorithms produce 32 bytes, so every Merkle tree, fingerprint and
 * key ID of dipreg can take the algorithm as a parameter and keep fixed-size
 * buffers.  The EVP_MD objects are fetched once per process and shared by
 * all threads (OpenSSL documents fetched objects as thread-safe), and the
 * one-shot functions reuse one digest context per thread, so hashing many
 * short inputs (Merkle nodes) costs no allocation.
 */
#ifndef DIP_CRYPTO_HASH_H
#define DIP_CRYPTO_HASH_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_HASH_LEN 32

enum crypto_hash_alg { CRYPTO_SHA256, CRYPTO_SM3 };

/* "sha256" or "sm3" (exact, lowercase); 0 or DIP_EINVAL. */
int crypto_hash_parse(const char *name, enum crypto_hash_alg *out);
/* "sha256" or "sm3"; static storage. */
const char *crypto_hash_name(enum crypto_hash_alg alg);

/* out = H(p[0..n)).  0, or DIP_ECRYPTO when OpenSSL fails (no provider for
 * the algorithm, out of memory). */
int crypto_hash(enum crypto_hash_alg alg, const void *p, size_t n, uint8_t out[CRYPTO_HASH_LEN]);
/* out = H(parts[0] || parts[1] || ...), nparts pieces of lens[i] bytes.
 * Same failures as crypto_hash. */
int crypto_hash_parts(enum crypto_hash_alg alg, const void *const *parts, const size_t *lens,
		      int nparts, uint8_t out[CRYPTO_HASH_LEN]);

/* Incremental hashing.  Start from a zeroed struct (or CRYPTO_HASH_CTX_INIT);
 * init may be called again after final to hash another message with the
 * same allocation; release frees it.  init/update/final return 0 or
 * DIP_ECRYPTO; after a failure call release. */
struct crypto_hash_ctx {
	void *md_ctx; /* EVP_MD_CTX, owned */
};
#define CRYPTO_HASH_CTX_INIT { NULL }

int crypto_hash_init(struct crypto_hash_ctx *c, enum crypto_hash_alg alg);
int crypto_hash_update(struct crypto_hash_ctx *c, const void *p, size_t n);
int crypto_hash_final(struct crypto_hash_ctx *c, uint8_t out[CRYPTO_HASH_LEN]);
void crypto_hash_release(struct crypto_hash_ctx *c);

/* The fetched EVP_MD for alg, as a const EVP_MD * (declared void * here so
 * that callers need not include OpenSSL); NULL when OpenSSL cannot provide
 * it.  Owned by this module, valid for the life of the process. */
const void *crypto_hash_md(enum crypto_hash_alg alg);

#endif
