/*
 * checkpoint.h - C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the log's
 * signed tree head as a signed note whose text is
 *
 *     <origin>
 *     <tree size, decimal, no leading zeros>
 *     <root hash, base64>
 *     [extension lines, non-empty]
 *
 * Parsing is strict: the origin is non-empty, the size is the canonical
 * decimal of a 64-bit value, the root is canonical base64 of exactly 32
 * bytes, and every extension line is non-empty.
 */
#ifndef DIP_LEDGER_CHECKPOINT_H
#define DIP_LEDGER_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "ledger/merkle.h"
#include "ledger/note.h"
#include "util/buf.h"
#include "util/err.h"

#define LED_ORIGIN_MAX 256
#define LED_CHECKPOINT_EXT_MAX 1024

struct led_checkpoint {
	char origin[LED_ORIGIN_MAX];
	uint64_t size;
	uint8_t root[LED_HASH_LEN];
	char ext[LED_CHECKPOINT_EXT_MAX]; /* extension lines, each with its newline */
	size_t ext_len;
};

/* Parses note text (what led_note_parse gives as text) into cp.
 * DIP_EINVAL with a message naming the line; DIP_ELIMIT for an origin or
 * extension longer than the limits above. */
int led_checkpoint_parse(const char *text, size_t len, struct led_checkpoint *cp,
			 struct dip_error *e);
/* Appends the note text of cp.  DIP_EINVAL for an empty origin or one with
 * a newline, DIP_ENOMEM. */
int led_checkpoint_format(const struct led_checkpoint *cp, struct dbuf *out);
/* Appends the signed checkpoint note: cp signed by each of n signers
 * (timestamp is for cosignature signers).  Fails as led_note_sign. */
int led_checkpoint_sign(const struct led_checkpoint *cp, struct led_signer *const *signers,
			size_t n, uint64_t timestamp, struct dbuf *out, struct dip_error *e);

/* Verifies a signed checkpoint note and parses it into cp: a valid
 * signature by at least one of the nlog log keys and no invalid one
 * (DIP_ECRYPTO "bad signature by ..." / "no signature by a known key"),
 * then at least quorum valid cosignatures from the nw witness keys
 * (DIP_ECRYPTO "quorum not met ..."), whose count goes to *cosigned when
 * not NULL.  Malformed notes and bodies fail as the parsers do. */
int led_checkpoint_open(const char *note, size_t len, struct led_verifier *const *log_keys,
			size_t nlog, struct led_verifier *const *witnesses, size_t nw,
			unsigned quorum, struct led_checkpoint *cp, unsigned *cosigned,
			struct dip_error *e);

#endif
