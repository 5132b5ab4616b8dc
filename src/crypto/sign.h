/*
 * sign.h - signature keys: Ed25519 and SM2 (with SM3), over OpenSSL EVP.
 *
 * A struct crypto_key wraps one EVP_PKEY, public only or with its private
 * half.  Ed25519 signs the message itself (RFC 8032, no prehash).  SM2
 * signs with SM3 and the default distinguishing identifier
 * "1234567812345678" of GB/T 32918.2 / GM/T 0009, so signatures interoperate
 * with other 国密 implementations that use the default; the signature is
 * the DER encoding of (r, s), at most 72 bytes.
 *
 * Keys are stored as PEM: private keys as unencrypted PKCS#8 in files of
 * mode 0600, public keys as SubjectPublicKeyInfo.  The raw public key is
 * the 32-byte RFC 8032 encoding for Ed25519 and the 65-byte uncompressed
 * point (0x04 || X || Y) for SM2; signed-note key IDs are computed over it.
 */
#ifndef DIP_CRYPTO_SIGN_H
#define DIP_CRYPTO_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

enum crypto_key_type { CRYPTO_KEY_ED25519, CRYPTO_KEY_SM2 };

#define CRYPTO_PUBKEY_MAX 65
#define CRYPTO_ED25519_PUBLEN 32
#define CRYPTO_SM2_PUBLEN 65
#define CRYPTO_SIG_MAX 72
#define CRYPTO_ED25519_SIGLEN 64

struct crypto_key;

/* "ed25519" or "sm2"; static storage. */
const char *crypto_key_type_name(enum crypto_key_type t);

/* A new key pair in *out, freed with crypto_key_free.  0 or DIP_ECRYPTO. */
int crypto_key_generate(enum crypto_key_type t, struct crypto_key **out);
/* Frees k; NULL is fine. */
void crypto_key_free(struct crypto_key *k);
enum crypto_key_type crypto_key_type(const struct crypto_key *k);
/* 1 when k holds a private key and can sign. */
int crypto_key_has_private(const struct crypto_key *k);

/* Reads a PEM private key (PKCS#8 or the traditional forms OpenSSL reads)
 * or, failing that, a PEM public key, from text of len bytes.  Encrypted
 * PEM is refused rather than prompting.  *out is the caller's.  DIP_EINVAL
 * (message says why) for unreadable PEM or a key that is neither Ed25519
 * nor SM2. */
int crypto_key_from_pem(const char *pem, size_t len, struct crypto_key **out, struct dip_error *e);
/* Reads path (at most 64 KiB) as crypto_key_from_pem does; the message
 * names the path.  DIP_EIO, DIP_EINVAL. */
int crypto_key_load(const char *path, struct crypto_key **out, struct dip_error *e);
/* Appends the PKCS#8 PEM of the private key; DIP_EINVAL for a public-only
 * key, DIP_ENOMEM, DIP_ELIMIT. */
int crypto_key_private_pem(const struct crypto_key *k, struct dbuf *out);
/* Appends the SubjectPublicKeyInfo PEM. */
int crypto_key_public_pem(const struct crypto_key *k, struct dbuf *out);
/* Writes the private key PEM to a new file of mode 0600 (never replaces an
 * existing file: DIP_ECONFLICT), fsynced.  DIP_EIO names the path. */
int crypto_key_save_private(const struct crypto_key *k, const char *path, struct dip_error *e);
/* Writes the public key PEM to path (mode 0644, replaced atomically). */
int crypto_key_save_public(const struct crypto_key *k, const char *path, struct dip_error *e);

/* Copies the raw public key (32 or 65 bytes, see above) into out, which
 * has CRYPTO_PUBKEY_MAX bytes room, and stores its length.  0 or
 * DIP_ECRYPTO. */
int crypto_key_raw_public(const struct crypto_key *k, uint8_t out[CRYPTO_PUBKEY_MAX], size_t *len);
/* A public-only key from its raw encoding.  DIP_EINVAL for a wrong length
 * or a point not on the curve. */
int crypto_key_from_raw_public(enum crypto_key_type t, const uint8_t *p, size_t n,
			       struct crypto_key **out);

/* An Ed25519 key pair from its 32-byte RFC 8032 private key (the seed).
 * DIP_EINVAL for another length or type (SM2 keys come as PEM). */
int crypto_key_from_raw_private(enum crypto_key_type t, const uint8_t *p, size_t n,
				struct crypto_key **out);

/* Signs msg with the private key into sig (CRYPTO_SIG_MAX bytes room) and
 * stores the length.  0, DIP_EINVAL for a public-only key, DIP_ECRYPTO. */
int crypto_sign(const struct crypto_key *k, const void *msg, size_t n, uint8_t *sig, size_t *siglen);
/* 0 when sig is k's valid signature of msg, DIP_ECRYPTO otherwise (also for
 * malformed signatures). */
int crypto_verify(const struct crypto_key *k, const void *msg, size_t n, const uint8_t *sig,
		  size_t siglen);

#endif
