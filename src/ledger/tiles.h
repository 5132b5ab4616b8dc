/*
 * tiles.h - the log's Merkle tree kept as C2SP tlog-tiles
 * (c2sp.org/tlog-tiles): tile paths, entry bundles, appending, and node
 * hashes, roots and proofs computed from tiles.
 *
 * A tile at level L, index N holds up to 256 consecutive hashes of the
 * tree at height 8L: level 0 tiles hold leaf hashes, and each hash in a
 * level L+1 tile is the root of a full level L tile.  Tiles of fewer than
 * 256 hashes are partial; the partial tile at level L of a tree of size s
 * has floor(s / 256^L) mod 256 hashes.  The hash is SHA-256, as the spec
 * fixes.
 *
 * The ledger keeps its state only as tiles, which it reads and writes
 * through a struct led_tile_io supplied by the store, so that the tiles
 * live in the same database (and the same transaction) as everything else.
 * Tiles never change once written: a wider version of a tile begins with
 * the hashes of every narrower one, so a reader that asks for width w may
 * be given (the first w hashes of) any wider version.
 *
 * Reads go through a bounded cache of tiles with their interior nodes
 * precomputed (up to 511 hashes per tile), shared by all threads.  When it
 * is full, a full tile shrinks to its upper rows (31 hashes), from which a
 * proof needs to hash only one group of 16 leaves again.  Appends
 * never go through the cache: a rolled-back transaction therefore leaves
 * nothing behind in it, unless the caller computed proofs from its
 * uncommitted tiles, in which case it calls led_tiles_cache_clear.
 */
#ifndef DIP_LEDGER_TILES_H
#define DIP_LEDGER_TILES_H

#include <stddef.h>
#include <stdint.h>

#include "ledger/merkle.h"
#include "util/buf.h"
#include "util/err.h"

#define LED_TILE_HEIGHT 8
#define LED_TILE_WIDTH 256
#define LED_TILE_MAX_LEVEL 63
#define LED_ENTRY_MAX 65535
/* "tile/entries/" + 7 groups of "x000/" + ".p/255" fits comfortably. */
#define LED_TILE_PATH_MAX 80
/* Level value that names entry bundles in led_tile_path_parse. */
#define LED_TILE_ENTRIES (-1)

struct led_tile_io {
	/* fills width*32 bytes of tile (level, index) at the given width;
	 * 0, DIP_ENOTFOUND (or another negative dip_err, passed on) */
	int (*read)(void *ud, int level, uint64_t index, unsigned width, uint8_t *hashes);
	/* stores a full (width 256) or partial tile; 0 or a negative dip_err */
	int (*write)(void *ud, int level, uint64_t index, unsigned width, const uint8_t *hashes);
	void *ud;
};

/* ---- paths and bundles ---- */

/* Writes "tile/<L>/<N>[.p/<W>]" into out (cap bytes), or with level
 * LED_TILE_ENTRIES "tile/entries/<N>[.p/<W>]"; width 256 means a full tile
 * (no suffix), 1..255 a partial one.  0 or DIP_EINVAL (bad level or width,
 * or cap too small). */
int led_tile_path(char *out, size_t cap, int level, uint64_t index, unsigned width);
/* The inverse of led_tile_path, strict: only the canonical spelling is
 * accepted (no leading zero groups, no leading zeros in L or W).  0 or
 * DIP_EINVAL. */
int led_tile_path_parse(const char *path, int *level, uint64_t *index, unsigned *width);
/* The width of tile (level, index) in a tree of size hashes: 256 when
 * full, 1..255 when partial, 0 when the tile does not exist. */
unsigned led_tile_width(uint64_t size, int level, uint64_t index);

/* Appends one entry to an entry bundle: big-endian uint16 length, then the
 * bytes.  0, DIP_ELIMIT when len > LED_ENTRY_MAX (or past b's ceiling). */
int led_bundle_add(struct dbuf *b, const void *entry, size_t len);
/* Reads the next entry of a bundle at *p (*left bytes remain), advancing
 * both.  1 with *entry and *len set, 0 at the end, DIP_EINVAL when truncated. */
int led_bundle_next(const uint8_t **p, size_t *left, const uint8_t **entry, size_t *len);

/* ---- the tiled tree ---- */

struct led_tiles;

struct led_tiles_stats {
	uint64_t hits;      /* node lookups answered from the cache */
	uint64_t misses;    /* lookups that read a tile */
	uint64_t entries;   /* tiles in the cache now, summaries included */
	uint64_t summaries; /* full tiles kept by their upper rows only */
	size_t bytes;       /* memory they use */
};

/* A tiled tree over io (copied; io->ud must outlive the object) with a
 * cache of at most cache_bytes (0 disables caching).  *out is freed with
 * led_tiles_free.  DIP_ENOMEM. */
int led_tiles_new(const struct led_tile_io *io, size_t cache_bytes, struct led_tiles **out);
void led_tiles_free(struct led_tiles *t);
/* Drops every cached tile. */
void led_tiles_cache_clear(struct led_tiles *t);
void led_tiles_stats(struct led_tiles *t, struct led_tiles_stats *st);

/* Appends n leaf hashes to the tree of the given size: reads the partial
 * tiles at that size, then writes every tile completed or grown, including
 * the partial tiles of size + n, so a checkpoint may be issued for it.
 * root, when not NULL, receives the root hash at size + n.  One appender at
 * a time (the caller serialises, e.g. with the sequencer lock).  Errors of
 * io pass through; DIP_ENOTFOUND when a partial tile of size is missing
 * (size is not a size the log reached), DIP_ELIMIT on overflow. */
int led_tiles_append(struct led_tiles *t, uint64_t size, const led_hash *leaves, size_t n,
		     uint8_t root[LED_HASH_LEN]);

/* The hash of complete subtree (level, index) of the tree of the given
 * size, i.e. over leaves [index * 2^level, (index + 1) * 2^level), which
 * must lie within size (DIP_EINVAL otherwise).  Thread-safe. */
int led_tiles_node(struct led_tiles *t, uint64_t size, int level, uint64_t index,
		   uint8_t out[LED_HASH_LEN]);
/* Root hash of the tree at size (H() for 0). */
int led_tiles_root(struct led_tiles *t, uint64_t size, uint8_t out[LED_HASH_LEN]);
/* RFC 9162 proofs, as led_prove_inclusion / led_prove_consistency, from
 * tiles.  size (and size2) should be sizes the log reached with an append,
 * or whose partial tiles have been replaced by full ones; a missing partial
 * tile is looked for as the full tile before DIP_ENOTFOUND is returned. */
int led_tiles_prove_inclusion(struct led_tiles *t, uint64_t index, uint64_t size,
			      led_hash proof[LED_PROOF_MAX], size_t *n);
int led_tiles_prove_consistency(struct led_tiles *t, uint64_t size1, uint64_t size2,
				led_hash proof[LED_PROOF_MAX], size_t *n);

/* ---- clients that fetch tiles by path (HTTP, files) ---- */

/* get appends the body of the resource at path ("tile/0/x001/234.p/7") to
 * body; 0, DIP_ENOTFOUND, or another negative dip_err. */
struct led_tile_fetch {
	int (*get)(void *ud, const char *path, struct dbuf *body);
	void *ud;
};

/* Fills io so that led_tiles reads tiles through f (read-only: appending
 * fails with DIP_ESTATE).  f must outlive io.  A fetched tile of the wrong
 * length is DIP_EINVAL. */
void led_tile_io_from_fetch(struct led_tile_io *io, const struct led_tile_fetch *f);

#endif
