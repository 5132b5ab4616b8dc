/*
 * password.h - password hashing with scrypt (RFC 7914) via EVP_KDF "SCRYPT".
 *
 * The stored form carries its own parameters, so they can be raised later
 * without invalidating existing hashes:
 *
 *     $scrypt$ln=15,r=8,p=1$<salt, base64>$<hash, base64>
 *
 * where N = 2^ln, the salt is 16 random bytes, the hash 32 bytes, and
 * base64 is the padded standard alphabet.  The default (ln=15, r=8, p=1)
 * needs 32 MiB and about 0.1 s; tests pass CRYPTO_SCRYPT_CHEAP.  Parameters
 * read back from a stored hash are bounded (ln <= 20, r <= 16, p <= 16,
 * 128 * r * N <= 1 GiB), so a forged string cannot make verification eat
 * the machine.
 */
#ifndef DIP_CRYPTO_PASSWORD_H
#define DIP_CRYPTO_PASSWORD_H

#include <stddef.h>

#include "util/buf.h"

struct crypto_scrypt_params {
	unsigned ln; /* log2 of N */
	unsigned r;
	unsigned p;
};

#define CRYPTO_SCRYPT_DEFAULT ((struct crypto_scrypt_params){ 15, 8, 1 })
/* For tests only: fast and weak. */
#define CRYPTO_SCRYPT_CHEAP ((struct crypto_scrypt_params){ 4, 8, 1 })

/* Appends the encoded hash of the len bytes of pw with a fresh salt.
 * prm NULL means CRYPTO_SCRYPT_DEFAULT.  0, DIP_EINVAL for parameters out
 * of bounds, DIP_ECRYPTO, DIP_ENOMEM. */
int crypto_password_hash(const char *pw, size_t len, const struct crypto_scrypt_params *prm,
			 struct dbuf *out);
/* 0 when pw matches encoded (compared in constant time), DIP_EAUTH when it
 * does not, DIP_EINVAL when encoded is not a well-formed scrypt string
 * within the bounds above, DIP_ECRYPTO. */
int crypto_password_verify(const char *pw, size_t len, const char *encoded);
/* 1 when encoded was made with parameters other than want (so the caller
 * should rehash after a successful login), 0 otherwise. */
int crypto_password_needs_rehash(const char *encoded, const struct crypto_scrypt_params *want);

#endif
