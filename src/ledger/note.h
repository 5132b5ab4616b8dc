/*
 * note.h - C2SP signed notes (c2sp.org/signed-note): text signed by one or
 * more keys, and the keys that sign and verify them.
 *
 * A note is UTF-8 text without control characters other than newline,
 * ending in a newline, then a blank line, then one or more signature lines
 *
 *     — <key name> base64(key ID || signature)
 *
 * The key ID is the first four bytes of SHA-256(name || 0x0A || type ||
 * public key), read big-endian.  Signature types here:
 *
 *   0x01  Ed25519 over the note text (signed-note).
 *   0x04  Timestamped Ed25519 witness cosignature (c2sp.org/tlog-cosignature):
 *         the signature is an 8-byte big-endian timestamp followed by the
 *         Ed25519 signature of "cosignature/v1\ntime <ts>\n" || text.
 *   0xff  dipreg's SM2 signature for 国密 users.  signed-note reserves 0xff
 *         for types without an assigned byte and recommends that a longer
 *         identifier follow it; here the type is the byte 0xff followed by
 *         the 7 ASCII bytes "sm2-sm3", and the public key is the 65-byte
 *         uncompressed SM2 point, so
 *             key ID = SHA-256(name || 0x0A || 0xff || "sm2-sm3" || point)[:4]
 *         The signature is SM2 with SM3 and the default identifier
 *         "1234567812345678", DER-encoded, over the note text.
 *
 * A verifier key is written as "<name>+<key ID, 8 hex digits>+<base64(type
 * || public key)>", the vkey form the transparency ecosystem uses (type
 * here means all type bytes, so 0xff "sm2-sm3" for SM2).  signed-note
 * defines no text form for private keys; dipreg keeps them as PEM files
 * (crypto/sign.h), and also reads the form of the Go note package and the
 * witness tools, "PRIVATE+KEY+<name>+<key ID>+<base64(type || 32-byte
 * Ed25519 seed)>", for types 0x01 and 0x04.
 *
 * Verification follows the spec: signature lines whose name and key ID do
 * not both match a known key are ignored; a known key's signature that
 * fails to verify makes the whole note invalid; a note with no valid
 * signature from a known key is invalid.  At most LED_NOTE_MAX_SIGS
 * signature lines (the spec requires at least 16) and LED_NOTE_MAX bytes.
 */
#ifndef DIP_LEDGER_NOTE_H
#define DIP_LEDGER_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/sign.h"
#include "util/buf.h"
#include "util/err.h"

#define LED_NOTE_MAX (256 * 1024)
#define LED_NOTE_MAX_SIGS 64
#define LED_KEY_NAME_MAX 256

enum led_sig_type {
	LED_SIG_ED25519 = 0x01,
	LED_SIG_COSIG_V1 = 0x04,
	LED_SIG_SM2 = 0xff,
};

/* The identifier that follows 0xff for SM2 signatures. */
#define LED_SM2_TYPE_ID "sm2-sm3"

/* A key that signs notes.  Fields are read-only to callers. */
struct led_signer {
	char name[LED_KEY_NAME_MAX];
	uint32_t id;
	enum led_sig_type type;
	struct crypto_key *key; /* owned */
};

/* A key that verifies notes.  Fields are read-only to callers. */
struct led_verifier {
	char name[LED_KEY_NAME_MAX];
	uint32_t id;
	enum led_sig_type type;
	struct crypto_key *key; /* owned, public */
};

/* 1 when name is a valid key name: non-empty, at most LED_KEY_NAME_MAX - 1
 * bytes of UTF-8, without Unicode spaces, '+' or control characters. */
int led_key_name_valid(const char *name);

/* A signer named name of the given type over key, which it takes over
 * (also on failure).  key must hold a private key of the type's algorithm
 * (Ed25519 for 0x01 and 0x04, SM2 for 0xff).  *out is freed with
 * led_signer_free.  DIP_EINVAL (message says why), DIP_ENOMEM. */
int led_signer_new(const char *name, enum led_sig_type type, struct crypto_key *key,
		   struct led_signer **out, struct dip_error *e);
void led_signer_free(struct led_signer *s);
/* A signer from a "PRIVATE+KEY+..." string (Ed25519, types 0x01 and 0x04).
 * DIP_EINVAL with a message when malformed or the key ID does not match. */
int led_signer_parse(const char *skey, struct led_signer **out, struct dip_error *e);
/* Appends the signer's verifier key string. */
int led_signer_vkey(const struct led_signer *s, struct dbuf *out);

/* Parses a verifier key string.  DIP_EINVAL with a message for a malformed
 * string, an unknown type, a bad public key or a key ID that does not
 * match the key.  *out is freed with led_verifier_free. */
int led_verifier_parse(const char *vkey, struct led_verifier **out, struct dip_error *e);
/* A verifier from a public (or private) key; takes over key. */
int led_verifier_new(const char *name, enum led_sig_type type, struct crypto_key *key,
		     struct led_verifier **out, struct dip_error *e);
void led_verifier_free(struct led_verifier *v);
int led_verifier_vkey(const struct led_verifier *v, struct dbuf *out);

/* A parsed note.  text/text_len is the signed text (with its final
 * newline); sigs are the signature lines in order. */
struct led_note_sig {
	char name[LED_KEY_NAME_MAX];
	uint32_t id;
	const uint8_t *sig; /* decoded bytes after the key ID; in the note */
	size_t sig_len;
};

struct led_note {
	char *text;   /* owned copy of the note text, NUL-terminated */
	size_t text_len;
	struct led_note_sig sigs[LED_NOTE_MAX_SIGS];
	size_t nsigs;
	uint8_t *blob; /* owned, holds the decoded signatures */
};

/* Parses a signed note of len bytes.  n is released with
 * led_note_release (also after a failure).  DIP_EINVAL with a message
 * naming what is wrong, DIP_ELIMIT past LED_NOTE_MAX bytes or
 * LED_NOTE_MAX_SIGS signatures, DIP_ENOMEM. */
int led_note_parse(const char *s, size_t len, struct led_note *n, struct dip_error *e);
void led_note_release(struct led_note *n);

/* 1 when text is acceptable as note text: non-empty, valid UTF-8, no
 * control characters but newline, ending with a newline. */
int led_note_text_valid(const char *text, size_t len);

/* Signs text with each of n signers and appends the whole note (text,
 * blank line, signature lines in signer order) to out.  timestamp is used
 * by cosignature signers (POSIX seconds, at most 2^63 - 1).  DIP_EINVAL
 * for invalid text, DIP_ECRYPTO. */
int led_note_sign(const char *text, size_t len, struct led_signer *const *signers, size_t n,
		  uint64_t timestamp, struct dbuf *out, struct dip_error *e);
/* Appends to out the note with the signatures of n more signers added
 * after its existing signature lines (a witness adding its cosignature).
 * Fails like led_note_parse and led_note_sign, and with DIP_ELIMIT when
 * the note would exceed LED_NOTE_MAX_SIGS signatures. */
int led_note_add_signatures(const char *note, size_t len, struct led_signer *const *signers,
			    size_t n, uint64_t timestamp, struct dbuf *out, struct dip_error *e);

enum led_sig_status { LED_SIG_ABSENT = 0, LED_SIG_VALID = 1, LED_SIG_INVALID = 2 };

struct led_sig_result {
	enum led_sig_status status;
	uint64_t timestamp; /* of a valid cosignature (type 0x04), else 0 */
};

/* Checks the signatures of n by each of nv verifiers, filling res[i] for
 * vs[i].  Returns 0 when at least one verifier's signature is valid and
 * none is invalid; DIP_ECRYPTO otherwise, with a message naming the key
 * ("bad signature by ..." or "no signature by a known key"). */
int led_note_verify(const struct led_note *n, struct led_verifier *const *vs, size_t nv,
		    struct led_sig_result *res, struct dip_error *e);

#endif
