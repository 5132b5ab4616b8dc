/*
 * cosignature.h - C2SP tlog-cosignature v1: witnesses' timestamped Ed25519
 * cosignatures on checkpoints (signature type 0x04).
 *
 * A cosignature line is an ordinary signed-note signature line whose bytes
 * are key ID || 8-byte big-endian timestamp || Ed25519 signature, and the
 * signed message is
 *
 *     cosignature/v1
 *     time <timestamp, decimal>
 *     <the checkpoint's note text, extension lines included>
 *
 * The witness asserts that, at that time, this was the largest consistent
 * tree it had seen for the origin; checking consistency before cosigning is
 * the witness's job (dipreg witness), not this module's.
 */
#ifndef DIP_LEDGER_COSIGNATURE_H
#define DIP_LEDGER_COSIGNATURE_H

#include <stddef.h>
#include <stdint.h>

#include "ledger/note.h"
#include "util/buf.h"
#include "util/err.h"

/* Appends the message a cosignature/v1 at timestamp signs over text.
 * Shared with note.c.  0, DIP_ENOMEM. */
int led__cosig_message(uint64_t timestamp, const char *text, size_t len, struct dbuf *out);

/* Appends to out the signed note with witness's cosignature at timestamp
 * (POSIX seconds, at most 2^63 - 1) added.  witness must be of type
 * LED_SIG_COSIG_V1 (DIP_EINVAL).  Fails like led_note_add_signatures. */
int led_cosign(const char *note, size_t len, const struct led_signer *witness, uint64_t timestamp,
	       struct dbuf *out, struct dip_error *e);

/* Counts the witnesses (of nw) with a valid cosignature or signature on
 * n into *valid, and fills res (nw entries) when not NULL.  DIP_ECRYPTO
 * with "bad signature by <witness>" when a witness's signature line fails
 * to verify, or "quorum not met: k of q witness cosignatures" when
 * *valid < quorum; 0 otherwise. */
int led_cosig_quorum(const struct led_note *n, struct led_verifier *const *witnesses, size_t nw,
		     unsigned quorum, unsigned *valid, struct led_sig_result *res,
		     struct dip_error *e);

#endif
