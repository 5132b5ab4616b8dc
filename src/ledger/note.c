/*
 * note.c - signed notes: keys, key IDs, parsing, signing, verifying.
 */
#include "ledger/note.h"
#include "ledger/cosignature.h"
#include "crypto/hash.h"
#include "util/b64.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EM_DASH "\xe2\x80\x94"
#define TYPE_BYTES_MAX 8
#define SIG_LINE_MAX (4 + 8 + CRYPTO_SIG_MAX)

/* ---- names and key IDs ---- */

static int is_unicode_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
	       c == 0x205f || c == 0x3000;
}

static int name_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	uint32_t c;
	int k;

	if (n == 0 || n >= LED_KEY_NAME_MAX)
		return 0;
	while (i < n) {
		k = utf8_decode(u + i, n - i, &c);
		if (k == 0 || c < 0x20 || c == 0x7f || c == '+' || is_unicode_space(c))
			return 0;
		i += (size_t)k;
	}
	return 1;
}

int led_key_name_valid(const char *name)
{
	return name_valid(name, strlen(name));
}

static size_t type_bytes(enum led_sig_type t, uint8_t out[TYPE_BYTES_MAX])
{
	out[0] = (uint8_t)t;
	if (t != LED_SIG_SM2)
		return 1;
	memcpy(out + 1, LED_SM2_TYPE_ID, 7);
	return 8;
}

static enum crypto_key_type algorithm_of(enum led_sig_type t)
{
	return t == LED_SIG_SM2 ? CRYPTO_KEY_SM2 : CRYPTO_KEY_ED25519;
}

static int key_id(const char *name, enum led_sig_type t, const struct crypto_key *k, uint32_t *id)
{
	uint8_t tb[TYPE_BYTES_MAX], pub[CRYPTO_PUBKEY_MAX], h[CRYPTO_HASH_LEN];
	size_t tlen = type_bytes(t, tb), plen;
	const void *parts[4];
	size_t lens[4];
	int rc;

	rc = crypto_key_raw_public(k, pub, &plen);
	if (rc)
		return rc;
	parts[0] = name;
	lens[0] = strlen(name);
	parts[1] = "\n";
	lens[1] = 1;
	parts[2] = tb;
	lens[2] = tlen;
	parts[3] = pub;
	lens[3] = plen;
	rc = crypto_hash_parts(CRYPTO_SHA256, parts, lens, 4, h);
	if (rc)
		return rc;
	*id = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	return 0;
}

static int vkey_string(const char *name, uint32_t id, enum led_sig_type t,
		       const struct crypto_key *k, struct dbuf *out)
{
	uint8_t raw[TYPE_BYTES_MAX + CRYPTO_PUBKEY_MAX];
	size_t tlen = type_bytes(t, raw), plen;
	int rc;

	rc = crypto_key_raw_public(k, raw + tlen, &plen);
	if (rc == 0)
		rc = dbuf_addf(out, "%s+%08x+", name, id);
	if (rc == 0)
		rc = b64_encode(out, raw, tlen + plen);
	return rc;
}

/* Shared checks of led_signer_new and led_verifier_new. */
static int key_identity(const char *name, enum led_sig_type type, const struct crypto_key *key,
			int need_private, uint32_t *id, struct dip_error *e)
{
	if (!led_key_name_valid(name))
		return dip_fail(e, DIP_EINVAL, "name",
				"name: key names must be non-empty, under %d bytes, without "
				"spaces or '+'",
				LED_KEY_NAME_MAX);
	if (type != LED_SIG_ED25519 && type != LED_SIG_COSIG_V1 && type != LED_SIG_SM2)
		return dip_fail(e, DIP_EINVAL, "type", "type: unsupported signature type 0x%02x",
				(unsigned)type);
	if (crypto_key_type(key) != algorithm_of(type))
		return dip_fail(e, DIP_EINVAL, "key", "key: signature type 0x%02x needs an %s key",
				(unsigned)type, crypto_key_type_name(algorithm_of(type)));
	if (need_private && !crypto_key_has_private(key))
		return dip_fail(e, DIP_EINVAL, "key", "key: a private key is needed to sign");
	if (key_id(name, type, key, id) != 0)
		return dip_fail(e, DIP_ECRYPTO, "key", "key: cannot read the public key");
	return 0;
}

int led_signer_new(const char *name, enum led_sig_type type, struct crypto_key *key,
		   struct led_signer **out, struct dip_error *e)
{
	struct led_signer *s = NULL;
	uint32_t id;
	int rc;

	rc = key_identity(name, type, key, 1, &id, e);
	if (rc)
		goto out;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		rc = dip_fail(e, DIP_ENOMEM, "", "out of memory");
		goto out;
	}
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->id = id;
	s->type = type;
	s->key = key;
	key = NULL;
	*out = s;
out:
	crypto_key_free(key);
	return rc;
}

void led_signer_free(struct led_signer *s)
{
	if (s == NULL)
		return;
	crypto_key_free(s->key);
	free(s);
}

int led_signer_vkey(const struct led_signer *s, struct dbuf *out)
{
	return vkey_string(s->name, s->id, s->type, s->key, out);
}

int led_verifier_new(const char *name, enum led_sig_type type, struct crypto_key *key,
		     struct led_verifier **out, struct dip_error *e)
{
	struct led_verifier *v = NULL;
	uint32_t id;
	int rc;

	rc = key_identity(name, type, key, 0, &id, e);
	if (rc)
		goto out;
	v = calloc(1, sizeof(*v));
	if (v == NULL) {
		rc = dip_fail(e, DIP_ENOMEM, "", "out of memory");
		goto out;
	}
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->id = id;
	v->type = type;
	v->key = key;
	key = NULL;
	*out = v;
out:
	crypto_key_free(key);
	return rc;
}

void led_verifier_free(struct led_verifier *v)
{
	if (v == NULL)
		return;
	crypto_key_free(v->key);
	free(v);
}

int led_verifier_vkey(const struct led_verifier *v, struct dbuf *out)
{
	return vkey_string(v->name, v->id, v->type, v->key, out);
}

int led_signer_parse(const char *skey, struct led_signer **out, struct dip_error *e)
{
	static const char bad[] = "key: a signer key is PRIVATE+KEY+<name>+<8 hex digits>+<base64>";
	uint8_t raw[1 + 32], idb[4];
	char name[LED_KEY_NAME_MAX];
	const char *p, *plus1, *plus2;
	struct crypto_key *key = NULL;
	enum led_sig_type type;
	size_t rawlen;
	uint32_t id;
	int rc;

	if (strncmp(skey, "PRIVATE+KEY+", 12) != 0)
		return dip_fail(e, DIP_EINVAL, "key", "%s", bad);
	p = skey + 12;
	plus1 = strchr(p, '+');
	if (plus1 == NULL || (size_t)(plus1 - p) >= sizeof(name) || !name_valid(p, (size_t)(plus1 - p)))
		return dip_fail(e, DIP_EINVAL, "key", "%s", bad);
	memcpy(name, p, (size_t)(plus1 - p));
	name[plus1 - p] = '\0';
	plus2 = plus1 + 9;
	if (strlen(plus1) < 10 || *plus2 != '+' || hex_decode(plus1 + 1, 8, idb) != 0)
		return dip_fail(e, DIP_EINVAL, "key", "%s", bad);
	id = (uint32_t)idb[0] << 24 | (uint32_t)idb[1] << 16 | (uint32_t)idb[2] << 8 | idb[3];
	if (b64_decode(plus2 + 1, strlen(plus2 + 1), raw, sizeof(raw), &rawlen) != 0 ||
	    rawlen != sizeof(raw) || (raw[0] != LED_SIG_ED25519 && raw[0] != LED_SIG_COSIG_V1))
		return dip_fail(e, DIP_EINVAL, "key",
				"key: only Ed25519 signer keys (types 0x01, 0x04) are read");
	type = raw[0];
	rc = crypto_key_from_raw_private(CRYPTO_KEY_ED25519, raw + 1, 32, &key);
	memset(raw, 0, sizeof(raw));
	if (rc)
		return dip_fail(e, DIP_EINVAL, "key", "key: not a valid Ed25519 private key");
	rc = led_signer_new(name, type, key, out, e);
	if (rc == 0 && (*out)->id != id) {
		led_signer_free(*out);
		*out = NULL;
		rc = dip_fail(e, DIP_EINVAL, "key", "key: key ID %08x does not match the key", id);
	}
	return rc;
}

int led_verifier_parse(const char *vkey, struct led_verifier **out, struct dip_error *e)
{
	uint8_t raw[TYPE_BYTES_MAX + CRYPTO_PUBKEY_MAX], idb[4];
	char name[LED_KEY_NAME_MAX];
	const char *plus1, *plus2, *pub;
	struct crypto_key *key = NULL;
	enum led_sig_type type;
	size_t rawlen, publen;
	uint32_t id;
	int rc;

	plus1 = strchr(vkey, '+');
	if (plus1 == NULL || (size_t)(plus1 - vkey) >= sizeof(name) || !name_valid(vkey, (size_t)(plus1 - vkey)))
		return dip_fail(e, DIP_EINVAL, "key",
				"key: a verifier key is <name>+<8 hex digits>+<base64>");
	memcpy(name, vkey, (size_t)(plus1 - vkey));
	name[plus1 - vkey] = '\0';
	plus2 = plus1 + 9;
	if (strlen(plus1) < 10 || *plus2 != '+' || hex_decode(plus1 + 1, 8, idb) != 0)
		return dip_fail(e, DIP_EINVAL, "key",
				"key: a verifier key is <name>+<8 hex digits>+<base64>");
	id = (uint32_t)idb[0] << 24 | (uint32_t)idb[1] << 16 | (uint32_t)idb[2] << 8 | idb[3];
	if (b64_decode(plus2 + 1, strlen(plus2 + 1), raw, sizeof(raw), &rawlen) != 0 || rawlen < 2)
		return dip_fail(e, DIP_EINVAL, "key", "key: the public key part is not valid base64");
	type = raw[0];
	if (type == LED_SIG_SM2) {
		if (rawlen < 8 || memcmp(raw + 1, LED_SM2_TYPE_ID, 7) != 0)
			return dip_fail(e, DIP_EINVAL, "key",
					"key: unknown extended signature type after 0xff");
		pub = (const char *)raw + 8;
		publen = rawlen - 8;
	} else if (type == LED_SIG_ED25519 || type == LED_SIG_COSIG_V1) {
		pub = (const char *)raw + 1;
		publen = rawlen - 1;
	} else {
		return dip_fail(e, DIP_EINVAL, "key", "key: unsupported signature type 0x%02x",
				(unsigned)raw[0]);
	}
	if (crypto_key_from_raw_public(algorithm_of(type), (const uint8_t *)pub, publen, &key) != 0)
		return dip_fail(e, DIP_EINVAL, "key", "key: not a valid %s public key",
				crypto_key_type_name(algorithm_of(type)));
	rc = led_verifier_new(name, type, key, out, e);
	if (rc == 0 && (*out)->id != id) {
		led_verifier_free(*out);
		*out = NULL;
		rc = dip_fail(e, DIP_EINVAL, "key", "key: key ID %08x does not match the key", id);
	}
	return rc;
}

/* ---- parsing ---- */

int led_note_text_valid(const char *text, size_t len)
{
	const unsigned char *u = (const unsigned char *)text;
	size_t i = 0;
	uint32_t c;
	int k;

	if (len == 0 || text[len - 1] != '\n')
		return 0;
	while (i < len) {
		if (u[i] < 0x80) {
			if (u[i] < 0x20 && u[i] != '\n')
				return 0;
			i++;
			continue;
		}
		k = utf8_decode(u + i, len - i, &c);
		if (k == 0)
			return 0;
		i += (size_t)k;
	}
	return 1;
}

void led_note_release(struct led_note *n)
{
	free(n->text);
	free(n->blob);
	n->text = NULL;
	n->blob = NULL;
	n->text_len = 0;
	n->nsigs = 0;
}

int led_note_parse(const char *s, size_t len, struct led_note *n, struct dip_error *e)
{
	const char *sig, *line, *nl, *sp;
	size_t text_len, i, blob_used = 0, dlen;
	int rc = 0;

	memset(n, 0, sizeof(*n));
	if (len > LED_NOTE_MAX)
		return dip_fail(e, DIP_ELIMIT, "note", "note: larger than %d bytes", LED_NOTE_MAX);
	if (!led_note_text_valid(s, len))
		return dip_fail(e, DIP_EINVAL, "note",
				"note: must be UTF-8 text without control characters, ending "
				"in a newline");
	/* The text ends at the last blank line. */
	for (i = len - 1; i > 0; i--)
		if (s[i - 1] == '\n' && s[i] == '\n')
			break;
	if (i == 0)
		return dip_fail(e, DIP_EINVAL, "note", "note: no blank line before the signatures");
	text_len = i;
	sig = s + i + 1;
	n->text = malloc(text_len + 1);
	n->blob = malloc(len);
	if (n->text == NULL || n->blob == NULL) {
		rc = dip_fail(e, DIP_ENOMEM, "note", "out of memory");
		goto out;
	}
	memcpy(n->text, s, text_len);
	n->text[text_len] = '\0';
	n->text_len = text_len;
	for (line = sig; line < s + len; line = nl + 1) {
		struct led_note_sig *g;

		nl = memchr(line, '\n', (size_t)(s + len - line));
		if (strncmp(line, EM_DASH " ", 4) != 0) {
			rc = dip_fail(e, DIP_EINVAL, "note",
				      "note: a signature line must start with \"\xe2\x80\x94 \"");
			goto out;
		}
		line += 4;
		sp = memchr(line, ' ', (size_t)(nl - line));
		if (sp == NULL || !name_valid(line, (size_t)(sp - line))) {
			rc = dip_fail(e, DIP_EINVAL, "note", "note: bad key name in a signature line");
			goto out;
		}
		if (n->nsigs == LED_NOTE_MAX_SIGS) {
			rc = dip_fail(e, DIP_ELIMIT, "note", "note: more than %d signatures",
				      LED_NOTE_MAX_SIGS);
			goto out;
		}
		g = &n->sigs[n->nsigs];
		memcpy(g->name, line, (size_t)(sp - line));
		g->name[sp - line] = '\0';
		if (b64_decode(sp + 1, (size_t)(nl - sp - 1), n->blob + blob_used, len - blob_used,
			       &dlen) != 0 ||
		    dlen < 5) {
			rc = dip_fail(e, DIP_EINVAL, "note", "note: bad signature encoding by %s",
				      g->name);
			goto out;
		}
		g->id = (uint32_t)n->blob[blob_used] << 24 | (uint32_t)n->blob[blob_used + 1] << 16 |
			(uint32_t)n->blob[blob_used + 2] << 8 | n->blob[blob_used + 3];
		g->sig = n->blob + blob_used + 4;
		g->sig_len = dlen - 4;
		blob_used += dlen;
		n->nsigs++;
	}
	if (n->nsigs == 0)
		rc = dip_fail(e, DIP_EINVAL, "note", "note: no signature lines");
out:
	if (rc)
		led_note_release(n);
	return rc;
}

/* ---- signing and verifying ---- */

/* Writes key ID || signature for one signer into out (SIG_LINE_MAX). */
static int sign_one(const struct led_signer *s, const char *text, size_t len, uint64_t ts,
		    uint8_t *out, size_t *outlen)
{
	struct dbuf msg;
	size_t siglen = 0, off = 4;
	int rc;

	out[0] = (uint8_t)(s->id >> 24);
	out[1] = (uint8_t)(s->id >> 16);
	out[2] = (uint8_t)(s->id >> 8);
	out[3] = (uint8_t)s->id;
	if (s->type != LED_SIG_COSIG_V1) {
		rc = crypto_sign(s->key, text, len, out + off, &siglen);
	} else {
		if (ts > INT64_MAX)
			return DIP_EINVAL;
		dbuf_init(&msg, 0);
		rc = led__cosig_message(ts, text, len, &msg);
		if (rc == 0) {
			int i;

			for (i = 0; i < 8; i++)
				out[off + i] = (uint8_t)(ts >> (56 - 8 * i));
			off += 8;
			rc = crypto_sign(s->key, msg.p, msg.len, out + off, &siglen);
		}
		dbuf_free(&msg);
	}
	if (rc == 0)
		*outlen = off + siglen;
	return rc;
}

static int append_sigs(struct dbuf *out, const char *text, size_t len,
		       struct led_signer *const *signers, size_t n, uint64_t ts, struct dip_error *e)
{
	uint8_t raw[SIG_LINE_MAX];
	size_t rawlen, i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = sign_one(signers[i], text, len, ts, raw, &rawlen);
		if (rc)
			return dip_fail(e, rc == DIP_EINVAL ? DIP_EINVAL : DIP_ECRYPTO, "",
					"signing with %s failed", signers[i]->name);
		if ((rc = dbuf_addf(out, EM_DASH " %s ", signers[i]->name)) ||
		    (rc = b64_encode(out, raw, rawlen)) || (rc = dbuf_addc(out, '\n')))
			return dip_fail(e, rc, "", "note too large");
	}
	return 0;
}

int led_note_sign(const char *text, size_t len, struct led_signer *const *signers, size_t n,
		  uint64_t timestamp, struct dbuf *out, struct dip_error *e)
{
	int rc;

	if (!led_note_text_valid(text, len))
		return dip_fail(e, DIP_EINVAL, "text",
				"text: must be UTF-8 without control characters, ending in a "
				"newline");
	if (n == 0 || n > LED_NOTE_MAX_SIGS)
		return dip_fail(e, DIP_EINVAL, "", "between 1 and %d signers are needed",
				LED_NOTE_MAX_SIGS);
	if ((rc = dbuf_add(out, text, len)) || (rc = dbuf_addc(out, '\n')))
		return dip_fail(e, rc, "", "note too large");
	return append_sigs(out, text, len, signers, n, timestamp, e);
}

int led_note_add_signatures(const char *note, size_t len, struct led_signer *const *signers,
			    size_t n, uint64_t timestamp, struct dbuf *out, struct dip_error *e)
{
	struct led_note parsed;
	int rc;

	rc = led_note_parse(note, len, &parsed, e);
	if (rc)
		return rc;
	if (parsed.nsigs + n > LED_NOTE_MAX_SIGS) {
		rc = dip_fail(e, DIP_ELIMIT, "note", "note: more than %d signatures",
			      LED_NOTE_MAX_SIGS);
		goto out;
	}
	/* The existing note already ends with its last signature line. */
	if ((rc = dbuf_add(out, note, len))) {
		dip_fail(e, rc, "", "note too large");
		goto out;
	}
	rc = append_sigs(out, parsed.text, parsed.text_len, signers, n, timestamp, e);
out:
	led_note_release(&parsed);
	return rc;
}

/* 0 when g is v's valid signature of the note; sets *ts for cosignatures. */
static int check_one(const struct led_verifier *v, const struct led_note *n,
		     const struct led_note_sig *g, uint64_t *ts)
{
	struct dbuf msg;
	uint64_t t = 0;
	int rc, i;

	*ts = 0;
	if (v->type != LED_SIG_COSIG_V1)
		return crypto_verify(v->key, n->text, n->text_len, g->sig, g->sig_len);
	if (g->sig_len != 8 + CRYPTO_ED25519_SIGLEN)
		return DIP_ECRYPTO;
	for (i = 0; i < 8; i++)
		t = t << 8 | g->sig[i];
	if (t > INT64_MAX)
		return DIP_ECRYPTO;
	dbuf_init(&msg, 0);
	rc = led__cosig_message(t, n->text, n->text_len, &msg);
	if (rc == 0)
		rc = crypto_verify(v->key, msg.p, msg.len, g->sig + 8, g->sig_len - 8);
	dbuf_free(&msg);
	if (rc == 0)
		*ts = t;
	return rc == 0 ? 0 : DIP_ECRYPTO;
}

int led_note_verify(const struct led_note *n, struct led_verifier *const *vs, size_t nv,
		    struct led_sig_result *res, struct dip_error *e)
{
	const char *bad = NULL;
	size_t i, j, valid = 0;
	uint64_t ts;

	for (j = 0; j < nv; j++) {
		res[j].status = LED_SIG_ABSENT;
		res[j].timestamp = 0;
	}
	for (i = 0; i < n->nsigs; i++) {
		const struct led_note_sig *g = &n->sigs[i];

		for (j = 0; j < nv; j++) {
			if (vs[j]->id != g->id || strcmp(vs[j]->name, g->name) != 0)
				continue;
			if (check_one(vs[j], n, g, &ts) == 0) {
				if (res[j].status == LED_SIG_ABSENT) {
					res[j].status = LED_SIG_VALID;
					res[j].timestamp = ts;
				}
			} else {
				res[j].status = LED_SIG_INVALID;
				if (bad == NULL)
					bad = vs[j]->name;
			}
		}
	}
	for (j = 0; j < nv; j++)
		valid += res[j].status == LED_SIG_VALID;
	if (bad)
		return dip_fail(e, DIP_ECRYPTO, "signature", "bad signature by %s", bad);
	if (valid == 0)
		return dip_fail(e, DIP_ECRYPTO, "signature", "no signature by a known key");
	return 0;
}
