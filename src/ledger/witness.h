/*
 * witness.h - what a witness checks before it cosigns a checkpoint: that
 * the log it watches only ever grew.
 *
 * A witness (c2sp.org/tlog-witness, dipreg witness) remembers the last
 * checkpoint it accepted for a log.  A new checkpoint, whose signature the
 * caller has verified, is accepted when it is for the same origin and
 *
 *   - it is the first one seen: the root computed from the log's tiles at
 *     its size equals the signed root (reading only the tiles on the right
 *     edge of the tree);
 *   - it has the accepted size: its root is the accepted root;
 *   - it is larger: a consistency proof between the two sizes, computed by
 *     the witness itself from the tiles (never taken from the log), leads
 *     from the accepted root to the new one (RFC 9162 2.1.4.2).
 *
 * A smaller tree, another root at the same size, or a failed proof means
 * the log was rolled back, forked or rewritten, and the witness must not
 * cosign.
 */
#ifndef DIP_LEDGER_WITNESS_H
#define DIP_LEDGER_WITNESS_H

#include "ledger/checkpoint.h"
#include "ledger/tiles.h"
#include "util/err.h"

enum led_witness_verdict {
	LED_WITNESS_OK = 0,
	LED_WITNESS_ORIGIN,      /* a checkpoint of another log */
	LED_WITNESS_SHRANK,      /* smaller than the accepted tree */
	LED_WITNESS_FORK,        /* another root at the accepted size, or no consistency */
	LED_WITNESS_TILES,       /* first sight: the tiles do not lead to the signed root */
	LED_WITNESS_UNAVAILABLE, /* a tile could not be read; nothing was decided */
};

/* Checks next against prev (NULL when no checkpoint was accepted yet),
 * reading tiles of next's tree through t.  *verdict says which case
 * applies.  0 when next may be cosigned; DIP_ECRYPTO for ORIGIN, SHRANK,
 * FORK and TILES, with a one-line message naming the sizes and roots; the
 * tile source's error (DIP_ENOTFOUND, DIP_EIO, DIP_EINVAL, ...) for
 * UNAVAILABLE. */
int led_witness_check(const struct led_checkpoint *prev, const struct led_checkpoint *next,
		      struct led_tiles *t, enum led_witness_verdict *verdict, struct dip_error *e);

/* A short name of the verdict: "ok", "origin", "shrank", "fork", "tiles",
 * "unavailable".  Static storage. */
const char *led_witness_verdict_name(enum led_witness_verdict v);

#endif
