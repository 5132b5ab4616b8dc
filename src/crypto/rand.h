/*
 * rand.h - cryptographically strong random bytes (OpenSSL's DRBG).
 *
 * For salts, tokens and nonces.  Never falls back to a weaker source: when
 * the DRBG cannot be seeded the call fails.
 */
#ifndef DIP_CRYPTO_RAND_H
#define DIP_CRYPTO_RAND_H

#include <stddef.h>

/* Fills n bytes at p.  0, or DIP_ECRYPTO when OpenSSL cannot. */
int crypto_random(void *p, size_t n);

#endif
