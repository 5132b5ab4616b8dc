/*
 * sign.c - Ed25519 and SM2 keys over EVP_PKEY.
 *
 * OpenSSL 3 decodes a PKCS#8 or SPKI key on the SM2 curve as an "SM2" key,
 * so a loaded key is told apart with EVP_PKEY_is_a.  The SM2 distinguishing
 * identifier is passed explicitly on every sign and verify, so a change of
 * OpenSSL's default could not silently change signatures.
 */
#include "crypto/sign.h"
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>

struct crypto_key {
	EVP_PKEY *pk;
	enum crypto_key_type type;
	int priv;
};

/* GM/T 0009-2012 default user identifier. */
static const char sm2_distid[] = "1234567812345678";

const char *crypto_key_type_name(enum crypto_key_type t)
{
	return t == CRYPTO_KEY_SM2 ? "sm2" : "ed25519";
}

static int key_wrap(EVP_PKEY *pk, int priv, struct crypto_key **out)
{
	struct crypto_key *k;

	if (EVP_PKEY_is_a(pk, "ED25519") == 1) {
		k = calloc(1, sizeof(*k));
		if (k == NULL)
			return DIP_ENOMEM;
		k->type = CRYPTO_KEY_ED25519;
	} else if (EVP_PKEY_is_a(pk, "SM2") == 1) {
		k = calloc(1, sizeof(*k));
		if (k == NULL)
			return DIP_ENOMEM;
		k->type = CRYPTO_KEY_SM2;
	} else {
		return DIP_EINVAL;
	}
	k->pk = pk;
	k->priv = priv;
	*out = k;
	return 0;
}

int crypto_key_generate(enum crypto_key_type t, struct crypto_key **out)
{
	EVP_PKEY *pk;
	int rc;

	pk = EVP_PKEY_Q_keygen(NULL, NULL, t == CRYPTO_KEY_SM2 ? "SM2" : "ED25519");
	if (pk == NULL)
		return DIP_ECRYPTO;
	rc = key_wrap(pk, 1, out);
	if (rc)
		EVP_PKEY_free(pk);
	return rc;
}

void crypto_key_free(struct crypto_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pk);
	free(k);
}

enum crypto_key_type crypto_key_type(const struct crypto_key *k)
{
	return k->type;
}

int crypto_key_has_private(const struct crypto_key *k)
{
	return k->priv;
}

/* Refuses to prompt for a passphrase. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int crypto_key_from_pem(const char *pem, size_t len, struct crypto_key **out, struct dip_error *e)
{
	EVP_PKEY *pk = NULL;
	BIO *bio = NULL;
	int rc = 0, priv = 1;

	if (len > INT32_MAX)
		return dip_fail(e, DIP_ELIMIT, "key", "key: PEM text too large");
	bio = BIO_new_mem_buf(pem, (int)len);
	if (bio == NULL) {
		rc = dip_fail(e, DIP_ENOMEM, "key", "key: out of memory");
		goto out;
	}
	pk = PEM_read_bio_PrivateKey_ex(bio, NULL, no_passphrase, NULL, NULL, NULL);
	if (pk == NULL) {
		priv = 0;
		BIO_reset(bio);
		pk = PEM_read_bio_PUBKEY_ex(bio, NULL, no_passphrase, NULL, NULL, NULL);
	}
	if (pk == NULL) {
		rc = dip_fail(e, DIP_EINVAL, "key",
			      "key: not an unencrypted PEM private key or PEM public key");
		goto out;
	}
	rc = key_wrap(pk, priv, out);
	if (rc == DIP_EINVAL)
		dip_fail(e, rc, "key", "key: unsupported key type (want ed25519 or sm2)");
	if (rc == 0)
		pk = NULL;
out:
	EVP_PKEY_free(pk);
	BIO_free(bio);
	return rc;
}

int crypto_key_load(const char *path, struct crypto_key **out, struct dip_error *e)
{
	struct dip_error sub;
	char *text = NULL;
	size_t len = 0;
	int rc;

	rc = file_read(path, 65536, &text, &len, e);
	if (rc)
		return rc;
	dip_error_clear(&sub);
	rc = crypto_key_from_pem(text, len, out, &sub);
	if (rc)
		dip_fail(e, rc, "key", "%s: %s", path, sub.message);
	OPENSSL_cleanse(text, len);
	free(text);
	return rc;
}

/* Appends what a PEM writer put into a memory BIO. */
static int bio_to_dbuf(BIO *bio, struct dbuf *out)
{
	char *p = NULL;
	long n = BIO_get_mem_data(bio, &p);

	if (n < 0)
		return DIP_ECRYPTO;
	return dbuf_add(out, p, (size_t)n);
}

int crypto_key_private_pem(const struct crypto_key *k, struct dbuf *out)
{
	BIO *bio;
	int rc;

	if (!k->priv)
		return DIP_EINVAL;
	bio = BIO_new(BIO_s_secmem());
	if (bio == NULL)
		return DIP_ENOMEM;
	if (PEM_write_bio_PrivateKey(bio, k->pk, NULL, NULL, 0, NULL, NULL) != 1)
		rc = DIP_ECRYPTO;
	else
		rc = bio_to_dbuf(bio, out);
	BIO_free(bio);
	return rc;
}

int crypto_key_public_pem(const struct crypto_key *k, struct dbuf *out)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int rc;

	if (bio == NULL)
		return DIP_ENOMEM;
	if (PEM_write_bio_PUBKEY(bio, k->pk) != 1)
		rc = DIP_ECRYPTO;
	else
		rc = bio_to_dbuf(bio, out);
	BIO_free(bio);
	return rc;
}

int crypto_key_save_private(const struct crypto_key *k, const char *path, struct dip_error *e)
{
	struct dbuf pem;
	size_t off = 0;
	ssize_t n;
	int fd = -1, rc;

	dbuf_init(&pem, 0);
	rc = crypto_key_private_pem(k, &pem);
	if (rc) {
		dip_fail(e, rc, "key", "%s: cannot encode the private key", path);
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = errno == EEXIST ? DIP_ECONFLICT : DIP_EIO;
		dip_fail(e, rc, "key", "%s: %s%s", path, strerror(errno),
			 rc == DIP_ECONFLICT ? " (refusing to replace a key)" : "");
		goto out;
	}
	while (off < pem.len) {
		n = write(fd, pem.p + off, pem.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = dip_fail(e, DIP_EIO, "key", "%s: %s", path, strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0)
		rc = dip_fail(e, DIP_EIO, "key", "%s: %s", path, strerror(errno));
out:
	if (fd >= 0) {
		close(fd);
		if (rc)
			unlink(path);
	}
	if (pem.p)
		OPENSSL_cleanse(pem.p, pem.len);
	dbuf_free(&pem);
	return rc;
}

int crypto_key_save_public(const struct crypto_key *k, const char *path, struct dip_error *e)
{
	struct dbuf pem;
	int rc;

	dbuf_init(&pem, 0);
	rc = crypto_key_public_pem(k, &pem);
	if (rc)
		dip_fail(e, rc, "key", "%s: cannot encode the public key", path);
	else
		rc = file_write_atomic(path, pem.p, pem.len, e);
	if (rc == 0 && chmod(path, 0644) != 0)
		rc = dip_fail(e, DIP_EIO, "key", "%s: %s", path, strerror(errno));
	dbuf_free(&pem);
	return rc;
}

int crypto_key_raw_public(const struct crypto_key *k, uint8_t out[CRYPTO_PUBKEY_MAX], size_t *len)
{
	size_t n = CRYPTO_PUBKEY_MAX;

	if (k->type == CRYPTO_KEY_ED25519) {
		if (EVP_PKEY_get_raw_public_key(k->pk, out, &n) != 1 || n != CRYPTO_ED25519_PUBLEN)
			return DIP_ECRYPTO;
	} else {
		if (EVP_PKEY_get_octet_string_param(k->pk, OSSL_PKEY_PARAM_PUB_KEY, out,
						    CRYPTO_PUBKEY_MAX, &n) != 1 ||
		    n != CRYPTO_SM2_PUBLEN || out[0] != 0x04)
			return DIP_ECRYPTO;
	}
	*len = n;
	return 0;
}

int crypto_key_from_raw_public(enum crypto_key_type t, const uint8_t *p, size_t n,
			       struct crypto_key **out)
{
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk = NULL;
	OSSL_PARAM params[3];
	int rc = 0;

	if (t == CRYPTO_KEY_ED25519) {
		if (n != CRYPTO_ED25519_PUBLEN)
			return DIP_EINVAL;
		pk = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, p, n);
		if (pk == NULL)
			return DIP_EINVAL;
	} else {
		if (n != CRYPTO_SM2_PUBLEN || p[0] != 0x04)
			return DIP_EINVAL;
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
		if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1) {
			rc = DIP_ECRYPTO;
			goto out;
		}
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"SM2", 0);
		params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)p, n);
		params[2] = OSSL_PARAM_construct_end();
		if (EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1) {
			rc = DIP_EINVAL;
			goto out;
		}
	}
	rc = key_wrap(pk, 0, out);
	if (rc == 0)
		pk = NULL;
out:
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

int crypto_key_from_raw_private(enum crypto_key_type t, const uint8_t *p, size_t n,
				struct crypto_key **out)
{
	EVP_PKEY *pk;
	int rc;

	if (t != CRYPTO_KEY_ED25519 || n != 32)
		return DIP_EINVAL;
	pk = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL, p, n);
	if (pk == NULL)
		return DIP_EINVAL;
	rc = key_wrap(pk, 1, out);
	if (rc)
		EVP_PKEY_free(pk);
	return rc;
}

/* Starts a sign or verify operation with the algorithm's fixed choices.
 * OpenSSL 3.0 rejects the SM2 identifier when it is passed to the init
 * call itself, so it is set on the operation's context afterwards, before
 * any data (the identifier enters the digest with the first update). */
static int digest_init(const struct crypto_key *k, EVP_MD_CTX *mctx, int sign)
{
	OSSL_PARAM params[2];
	EVP_PKEY_CTX *pctx = NULL;
	const char *md = k->type == CRYPTO_KEY_SM2 ? "SM3" : NULL;
	int ok;

	if (sign)
		ok = EVP_DigestSignInit_ex(mctx, &pctx, md, NULL, NULL, k->pk, NULL);
	else
		ok = EVP_DigestVerifyInit_ex(mctx, &pctx, md, NULL, NULL, k->pk, NULL);
	if (ok != 1)
		return DIP_ECRYPTO;
	if (k->type == CRYPTO_KEY_SM2) {
		params[0] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_DIST_ID,
							      (void *)sm2_distid, strlen(sm2_distid));
		params[1] = OSSL_PARAM_construct_end();
		if (EVP_PKEY_CTX_set_params(pctx, params) != 1)
			return DIP_ECRYPTO;
	}
	return 0;
}

int crypto_sign(const struct crypto_key *k, const void *msg, size_t n, uint8_t *sig, size_t *siglen)
{
	EVP_MD_CTX *mctx;
	size_t len = CRYPTO_SIG_MAX;
	int rc;

	if (!k->priv)
		return DIP_EINVAL;
	mctx = EVP_MD_CTX_new();
	if (mctx == NULL)
		return DIP_ENOMEM;
	rc = digest_init(k, mctx, 1);
	if (rc == 0 && EVP_DigestSign(mctx, sig, &len, msg, n) != 1)
		rc = DIP_ECRYPTO;
	if (rc == 0)
		*siglen = len;
	EVP_MD_CTX_free(mctx);
	return rc;
}

int crypto_verify(const struct crypto_key *k, const void *msg, size_t n, const uint8_t *sig,
		  size_t siglen)
{
	EVP_MD_CTX *mctx;
	int rc;

	if (siglen == 0 || siglen > CRYPTO_SIG_MAX)
		return DIP_ECRYPTO;
	if (k->type == CRYPTO_KEY_ED25519 && siglen != CRYPTO_ED25519_SIGLEN)
		return DIP_ECRYPTO;
	mctx = EVP_MD_CTX_new();
	if (mctx == NULL)
		return DIP_ENOMEM;
	rc = digest_init(k, mctx, 0);
	if (rc == 0 && EVP_DigestVerify(mctx, sig, siglen, msg, n) != 1)
		rc = DIP_ECRYPTO;
	EVP_MD_CTX_free(mctx);
	return rc;
}
