/*
 * tiles.c - C2SP tlog-tiles: paths, bundles, appends, and the tile cache
 * behind node hashes and proofs.
 *
 * Node (h, i) of the tree, the root of leaves [i * 2^h, (i + 1) * 2^h),
 * lives in the tile at level L = h / 8, index N = (i << j) / 256 with
 * j = h mod 8: it is node i - N * 2^(8-j) of the tile's own height-j row.
 * A cached tile keeps all of its complete rows, so any node lookup that
 * hits the cache is a copy, and a proof for a tree of 10M leaves is a few
 * dozen lookups; a tile the cache has shrunk to its summary costs one read
 * and 15 hashes more.
 */
#include "ledger/tiles.h"
#include "util/lru.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- paths ---- */

int led_tile_path(char *out, size_t cap, int level, uint64_t index, unsigned width)
{
	unsigned groups[8];
	int ng = 0, o, g, k;

	if ((level < 0 || level > LED_TILE_MAX_LEVEL) && level != LED_TILE_ENTRIES)
		return DIP_EINVAL;
	if (width < 1 || width > LED_TILE_WIDTH)
		return DIP_EINVAL;
	do {
		groups[ng++] = (unsigned)(index % 1000);
		index /= 1000;
	} while (index);
	if (level == LED_TILE_ENTRIES)
		o = snprintf(out, cap, "tile/entries/");
	else
		o = snprintf(out, cap, "tile/%d/", level);
	for (g = ng - 1; g >= 0 && o >= 0 && (size_t)o < cap; g--) {
		k = snprintf(out + o, cap - (size_t)o, g ? "x%03u/" : "%03u", groups[g]);
		o = k < 0 ? -1 : o + k;
	}
	if (width < LED_TILE_WIDTH && o >= 0 && (size_t)o < cap) {
		k = snprintf(out + o, cap - (size_t)o, ".p/%u", width);
		o = k < 0 ? -1 : o + k;
	}
	if (o < 0 || (size_t)o >= cap)
		return DIP_EINVAL;
	return 0;
}

/* Reads a decimal without leading zeros, at most max, at *s. */
static int read_small(const char **s, unsigned max, unsigned *out)
{
	const char *p = *s;
	unsigned v = 0;

	if (*p < '0' || *p > '9')
		return DIP_EINVAL;
	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return DIP_EINVAL;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > max)
			return DIP_EINVAL;
		p++;
	}
	*s = p;
	*out = v;
	return 0;
}

static int three_digits(const char *p, unsigned *v)
{
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9')
		return DIP_EINVAL;
	*v = (unsigned)((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
	return 0;
}

int led_tile_path_parse(const char *path, int *level, uint64_t *index, unsigned *width)
{
	const char *p = path;
	uint64_t idx = 0;
	unsigned v, lv, w = LED_TILE_WIDTH;
	int groups = 0, last = 0;

	if (strncmp(p, "tile/", 5) != 0)
		return DIP_EINVAL;
	p += 5;
	if (strncmp(p, "entries/", 8) == 0) {
		*level = LED_TILE_ENTRIES;
		p += 8;
	} else {
		if (read_small(&p, LED_TILE_MAX_LEVEL, &lv) || *p++ != '/')
			return DIP_EINVAL;
		*level = (int)lv;
	}
	while (!last) {
		if (*p == 'x') {
			if (three_digits(p + 1, &v) || p[4] != '/')
				return DIP_EINVAL;
			/* "x000" first would be a leading zero group. */
			if (groups == 0 && v == 0)
				return DIP_EINVAL;
			p += 5;
		} else {
			if (three_digits(p, &v))
				return DIP_EINVAL;
			p += 3;
			last = 1;
		}
		if (++groups > 7 || idx > (UINT64_MAX - v) / 1000)
			return DIP_EINVAL;
		idx = idx * 1000 + v;
	}
	if (strncmp(p, ".p/", 3) == 0) {
		p += 3;
		if (read_small(&p, LED_TILE_WIDTH - 1, &w) || w == 0)
			return DIP_EINVAL;
	}
	if (*p != '\0')
		return DIP_EINVAL;
	*index = idx;
	*width = w;
	return 0;
}

unsigned led_tile_width(uint64_t size, int level, uint64_t index)
{
	uint64_t hashes;

	if (level < 0 || level > LED_TILE_MAX_LEVEL || level * LED_TILE_HEIGHT >= 64)
		return 0;
	hashes = size >> (level * LED_TILE_HEIGHT);
	if (index < hashes / LED_TILE_WIDTH)
		return LED_TILE_WIDTH;
	if (index == hashes / LED_TILE_WIDTH)
		return (unsigned)(hashes % LED_TILE_WIDTH);
	return 0;
}

/* ---- bundles ---- */

int led_bundle_add(struct dbuf *b, const void *entry, size_t len)
{
	uint8_t pre[2];
	size_t old = b->len;
	int rc;

	if (len > LED_ENTRY_MAX)
		return DIP_ELIMIT;
	pre[0] = (uint8_t)(len >> 8);
	pre[1] = (uint8_t)len;
	rc = dbuf_add(b, pre, 2);
	if (rc == 0)
		rc = dbuf_add(b, entry, len);
	if (rc) {
		b->len = old;
		if (b->p)
			b->p[old] = '\0';
	}
	return rc;
}

int led_bundle_next(const uint8_t **p, size_t *left, const uint8_t **entry, size_t *len)
{
	size_t n;

	if (*left == 0)
		return 0;
	if (*left < 2)
		return DIP_EINVAL;
	n = (size_t)(*p)[0] << 8 | (*p)[1];
	if (*left - 2 < n)
		return DIP_EINVAL;
	*entry = *p + 2;
	*len = n;
	*p += 2 + n;
	*left -= 2 + n;
	return 1;
}

/* ---- the cache ---- */

/*
 * A full tile that the cache must let go of keeps its rows SUMMARY_ROW..8
 * (31 hashes, about 1 KiB against 16 KiB) as a summary, and summaries are
 * let go of only when no full tile is left to shrink.  A node in those
 * rows is then still a copy; a node below them lies in the tile's group
 * of GROUP leaves under one summary node, which a reading thread rebuilds
 * from the stored tile with 15 hashes instead of the tile's 255.  A proof
 * needs its bottom tile's nodes of one group only.  At 10M entries the
 * summaries of all 39,000 bottom tiles fit in about 39 MiB.
 */
#define SUMMARY_ROW 4
#define GROUP (1u << SUMMARY_ROW)

struct tile {
	int level;
	uint64_t index;
	unsigned width;
	int first_row;             /* 0, or SUMMARY_ROW for a summary */
	size_t bytes;
	struct tile *hnext;        /* hash chain */
	struct lru_node lru;       /* in the list of full tiles or of summaries */
	led_hash nodes[];          /* rows first_row..8: width >> j hashes each */
};

struct led_tiles {
	struct led_tile_io io;
	size_t cap, used;
	pthread_mutex_t mu;
	struct tile **buckets;
	size_t nbuckets;
	struct lru_list full, summaries;
	uint64_t serial;           /* tells this object apart from any other */
	uint64_t epoch;            /* counts led_tiles_cache_clear */
	uint64_t hits, misses, count, nsummaries;
};

static size_t row_offset(unsigned width, int row)
{
	size_t off = 0;
	int j;

	for (j = 0; j < row; j++)
		off += width >> j;
	return off;
}

static size_t tile_nodes(unsigned width)
{
	return row_offset(width, LED_TILE_HEIGHT + 1);
}

static size_t bucket_of(const struct led_tiles *t, int level, uint64_t index)
{
	uint64_t h = index * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(level + 1) * 0xc2b2ae3d27d4eb4fULL;

	return (size_t)(h ^ h >> 29) & (t->nbuckets - 1);
}

int led_tiles_new(const struct led_tile_io *io, size_t cache_bytes, struct led_tiles **out)
{
	static atomic_uint_fast64_t serials;
	struct led_tiles *t = calloc(1, sizeof(*t));
	size_t per = sizeof(struct tile) + tile_nodes(LED_TILE_WIDTH) * LED_HASH_LEN, want;

	if (t == NULL)
		return DIP_ENOMEM;
	t->io = *io;
	t->cap = cache_bytes;
	t->serial = atomic_fetch_add(&serials, 1) + 1;
	/* About one bucket per full tile that fits, a power of two. */
	want = cache_bytes / per + 1;
	t->nbuckets = 16;
	while (t->nbuckets < want && t->nbuckets < ((size_t)1 << 24))
		t->nbuckets <<= 1;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (t->buckets == NULL || pthread_mutex_init(&t->mu, NULL) != 0) {
		free(t->buckets);
		free(t);
		return DIP_ENOMEM;
	}
	*out = t;
	return 0;
}

static struct lru_list *list_of(struct led_tiles *t, const struct tile *x)
{
	return x->first_row ? &t->summaries : &t->full;
}

/* The tile of an LRU list's node; NULL for none. */
static struct tile *tile_of(struct lru_node *n)
{
	return n ? LRU_ENTRY(n, struct tile, lru) : NULL;
}

static struct tile **chain_slot(struct led_tiles *t, const struct tile *x)
{
	struct tile **pp = &t->buckets[bucket_of(t, x->level, x->index)];

	while (*pp && *pp != x)
		pp = &(*pp)->hnext;
	return pp;
}

/* Removes x from the table and its list, and frees it.  Lock held. */
static void evict(struct led_tiles *t, struct tile *x)
{
	struct tile **pp = chain_slot(t, x);

	if (*pp)
		*pp = x->hnext;
	lru_unlink(list_of(t, x), &x->lru);
	t->used -= x->bytes;
	t->count--;
	if (x->first_row)
		t->nsummaries--;
	free(x);
}

/* Replaces full tile x by its summary, or evicts it when it is partial or
 * memory is short.  Lock held. */
static void shrink(struct led_tiles *t, struct tile *x)
{
	size_t from = row_offset(LED_TILE_WIDTH, SUMMARY_ROW);
	size_t n = tile_nodes(LED_TILE_WIDTH) - from;
	struct tile *y, **pp;

	if (x->width != LED_TILE_WIDTH || (y = malloc(sizeof(*y) + n * LED_HASH_LEN)) == NULL) {
		evict(t, x);
		return;
	}
	*y = *x;
	y->first_row = SUMMARY_ROW;
	y->bytes = sizeof(*y) + n * LED_HASH_LEN;
	memcpy(y->nodes, x->nodes + from, n * LED_HASH_LEN);
	pp = chain_slot(t, x);
	if (*pp)
		*pp = y;
	lru_unlink(&t->full, &x->lru);
	lru_push(&t->summaries, &y->lru);
	t->used = t->used - x->bytes + y->bytes;
	t->nsummaries++;
	free(x);
}

void led_tiles_cache_clear(struct led_tiles *t)
{
	pthread_mutex_lock(&t->mu);
	while (t->full.head)
		evict(t, tile_of(t->full.head));
	while (t->summaries.head)
		evict(t, tile_of(t->summaries.head));
	t->epoch++;
	pthread_mutex_unlock(&t->mu);
}

void led_tiles_free(struct led_tiles *t)
{
	if (t == NULL)
		return;
	led_tiles_cache_clear(t);
	pthread_mutex_destroy(&t->mu);
	free(t->buckets);
	free(t);
}

void led_tiles_stats(struct led_tiles *t, struct led_tiles_stats *st)
{
	pthread_mutex_lock(&t->mu);
	st->hits = t->hits;
	st->misses = t->misses;
	st->entries = t->count;
	st->summaries = t->nsummaries;
	st->bytes = t->used;
	pthread_mutex_unlock(&t->mu);
}

static struct tile *lookup(struct led_tiles *t, int level, uint64_t index)
{
	struct tile *x = t->buckets[bucket_of(t, level, index)];

	while (x && (x->level != level || x->index != index))
		x = x->hnext;
	return x;
}

/* Fills rows 1..height of nodes from its row 0 of width hashes. */
static int compute_rows(led_hash *nodes, unsigned width, int height)
{
	size_t off_prev = 0, off = width, k, n;
	int j, rc;

	for (j = 1; j <= height; j++) {
		n = width >> j;
		for (k = 0; k < n; k++) {
			rc = led_hash_children(CRYPTO_SHA256, nodes[off_prev + 2 * k],
					       nodes[off_prev + 2 * k + 1], nodes[off + k]);
			if (rc)
				return rc;
		}
		off_prev = off;
		off += n;
	}
	return 0;
}

/* Reads tile (level, index), wanting width hashes, and builds its rows;
 * when the partial tile is gone, the full one will do. */
static int load_tile(struct led_tiles *t, int level, uint64_t index, unsigned width,
		     struct tile **out)
{
	struct tile *x;
	int rc;

	x = malloc(sizeof(*x) + tile_nodes(LED_TILE_WIDTH) * LED_HASH_LEN);
	if (x == NULL)
		return DIP_ENOMEM;
	memset(x, 0, sizeof(*x));
	x->level = level;
	x->index = index;
	rc = t->io.read(t->io.ud, level, index, width, (uint8_t *)x->nodes);
	if (rc == DIP_ENOTFOUND && width < LED_TILE_WIDTH) {
		width = LED_TILE_WIDTH;
		rc = t->io.read(t->io.ud, level, index, width, (uint8_t *)x->nodes);
	}
	if (rc == 0) {
		x->width = width;
		rc = compute_rows(x->nodes, width, LED_TILE_HEIGHT);
	}
	if (rc) {
		free(x);
		return rc;
	}
	x->bytes = sizeof(*x) + tile_nodes(width) * LED_HASH_LEN;
	*out = x;
	return 0;
}

/* Row j, position k of x. */
static const uint8_t *tile_node(const struct tile *x, int row, uint64_t k)
{
	return x->nodes[row_offset(x->width, row) - row_offset(x->width, x->first_row) + k];
}

/* The last group a thread rebuilt under a summary, by tile level: rows
 * 0..SUMMARY_ROW of GROUP leaves.  The nodes of one proof below the
 * summaries of a level are all in one group, so the tile is read once for
 * them. */
#define GROUP_LEVELS 8 /* 256^8 = 2^64 */
static _Thread_local struct group {
	uint64_t serial, epoch, index;
	unsigned g;
	led_hash rows[2 * GROUP - 1];
} tl_group[GROUP_LEVELS];

/* Node k of row (< SUMMARY_ROW) of full tile (level, index), whose cached
 * summary lacks it; epoch is t's, read under the lock. */
static int group_node(struct led_tiles *t, uint64_t epoch, int level, uint64_t index, int row,
		      uint64_t k, uint8_t out[LED_HASH_LEN])
{
	struct group *gr = &tl_group[level % GROUP_LEVELS];
	unsigned g = (unsigned)((k << row) / GROUP);
	int rc;

	if (gr->serial != t->serial || gr->epoch != epoch || gr->index != index || gr->g != g) {
		led_hash leaves[LED_TILE_WIDTH];

		gr->serial = 0;
		rc = t->io.read(t->io.ud, level, index, LED_TILE_WIDTH, (uint8_t *)leaves);
		if (rc == 0) {
			memcpy(gr->rows, leaves[g * GROUP], GROUP * LED_HASH_LEN);
			rc = compute_rows(gr->rows, GROUP, SUMMARY_ROW);
		}
		if (rc)
			return rc;
		gr->serial = t->serial;
		gr->epoch = epoch;
		gr->index = index;
		gr->g = g;
	}
	memcpy(out, gr->rows[row_offset(GROUP, row) + k - ((uint64_t)g << (SUMMARY_ROW - row))],
	       LED_HASH_LEN);
	return 0;
}

int led_tiles_node(struct led_tiles *t, uint64_t size, int level, uint64_t index,
		   uint8_t out[LED_HASH_LEN])
{
	struct tile *x, *old, *v;
	unsigned need, w;
	uint64_t tn, pos, k, epoch;
	int tl, row, rc;

	if (level < 0 || level > 63 || index >= (size >> level))
		return DIP_EINVAL;
	tl = level / LED_TILE_HEIGHT;
	row = level % LED_TILE_HEIGHT;
	pos = index << row;               /* first hash at the tile's level */
	tn = pos / LED_TILE_WIDTH;
	need = (unsigned)(pos % LED_TILE_WIDTH) + (1u << row);
	k = index - (tn << (LED_TILE_HEIGHT - row));
	w = led_tile_width(size, tl, tn);
	if (w < need)
		return DIP_EINVAL;

	pthread_mutex_lock(&t->mu);
	x = lookup(t, tl, tn);
	if (x && x->width >= need) {
		lru_unlink(list_of(t, x), &x->lru);
		lru_push(list_of(t, x), &x->lru);
		t->hits++;
		if (row >= x->first_row) {
			memcpy(out, tile_node(x, row, k), LED_HASH_LEN);
			pthread_mutex_unlock(&t->mu);
			return 0;
		}
		epoch = t->epoch;
		pthread_mutex_unlock(&t->mu);
		return group_node(t, epoch, tl, tn, row, k, out);
	}
	t->misses++;
	pthread_mutex_unlock(&t->mu);

	/* Read outside the lock: I/O may be slow, and tiles are immutable, so
	 * two threads loading the same tile get the same hashes. */
	rc = load_tile(t, tl, tn, w, &x);
	if (rc)
		return rc;
	memcpy(out, tile_node(x, row, k), LED_HASH_LEN);
	if (t->cap == 0 || x->bytes > t->cap) {
		free(x);
		return 0;
	}
	pthread_mutex_lock(&t->mu);
	old = lookup(t, tl, tn);
	if (old && old->width >= x->width && old->first_row == 0) {
		free(x);
	} else {
		if (old)
			evict(t, old);
		x->hnext = t->buckets[bucket_of(t, tl, tn)];
		t->buckets[bucket_of(t, tl, tn)] = x;
		lru_push(&t->full, &x->lru);
		t->used += x->bytes;
		t->count++;
		/* Shrink the least recent full tiles first, then let go of
		 * the least recent summaries. */
		while (t->used > t->cap) {
			if ((v = tile_of(t->full.tail)) != NULL && v != x)
				shrink(t, v);
			else if ((v = tile_of(t->summaries.tail)) != NULL)
				evict(t, v);
			else
				break;
		}
	}
	pthread_mutex_unlock(&t->mu);
	return 0;
}

struct tiles_src {
	struct led_tiles *t;
	uint64_t size;
};

static int tiles_node_cb(void *ud, int level, uint64_t index, uint8_t out[LED_HASH_LEN])
{
	struct tiles_src *s = ud;

	return led_tiles_node(s->t, s->size, level, index, out);
}

int led_tiles_root(struct led_tiles *t, uint64_t size, uint8_t out[LED_HASH_LEN])
{
	struct tiles_src s = { t, size };
	struct led_node_source src = { tiles_node_cb, &s, CRYPTO_SHA256 };

	return led_root(&src, size, out);
}

int led_tiles_prove_inclusion(struct led_tiles *t, uint64_t index, uint64_t size,
			      led_hash proof[LED_PROOF_MAX], size_t *n)
{
	struct tiles_src s = { t, size };
	struct led_node_source src = { tiles_node_cb, &s, CRYPTO_SHA256 };

	return led_prove_inclusion(&src, index, size, proof, n);
}

int led_tiles_prove_consistency(struct led_tiles *t, uint64_t size1, uint64_t size2,
				led_hash proof[LED_PROOF_MAX], size_t *n)
{
	struct tiles_src s = { t, size2 };
	struct led_node_source src = { tiles_node_cb, &s, CRYPTO_SHA256 };

	return led_prove_consistency(&src, size1, size2, proof, n);
}

/* ---- appending ---- */

/* The right edge of the tree: the partial tile of each level. */
struct edge {
	led_hash h[LED_TILE_WIDTH];
	unsigned w;
	uint64_t index;
	int dirty;
};

#define EDGE_LEVELS 8 /* 256^8 = 2^64 */

static int edge_push(struct led_tiles *t, struct edge *e, int level, const uint8_t h[LED_HASH_LEN])
{
	led_hash root;
	int rc;

	if (level >= EDGE_LEVELS)
		return DIP_ELIMIT;
	memcpy(e[level].h[e[level].w++], h, LED_HASH_LEN);
	e[level].dirty = 1;
	if (e[level].w < LED_TILE_WIDTH)
		return 0;
	rc = t->io.write(t->io.ud, level, e[level].index, LED_TILE_WIDTH, (uint8_t *)e[level].h);
	if (rc == 0)
		rc = led_mth(CRYPTO_SHA256, (const led_hash *)e[level].h, LED_TILE_WIDTH, root);
	if (rc)
		return rc;
	e[level].index++;
	e[level].w = 0;
	e[level].dirty = 0;
	return edge_push(t, e, level + 1, root);
}

/* The root folds, right to left, the complete subtrees along the binary
 * decomposition of the size: from the top level down, the power-of-two
 * runs of each level's partial tile. */
static int edge_root(const struct edge *e, uint8_t root[LED_HASH_LEN])
{
	led_hash peaks[EDGE_LEVELS * LED_TILE_HEIGHT];
	unsigned pos, run;
	int L, b, np = 0, rc;

	for (L = EDGE_LEVELS - 1; L >= 0; L--) {
		pos = 0;
		for (b = LED_TILE_HEIGHT - 1; b >= 0; b--) {
			run = 1u << b;
			if (!(e[L].w & run))
				continue;
			rc = led_mth(CRYPTO_SHA256, (const led_hash *)e[L].h + pos, run, peaks[np++]);
			if (rc)
				return rc;
			pos += run;
		}
	}
	if (np == 0)
		return crypto_hash(CRYPTO_SHA256, "", 0, root);
	while (np >= 2) {
		rc = led_hash_children(CRYPTO_SHA256, peaks[np - 2], peaks[np - 1], peaks[np - 2]);
		if (rc)
			return rc;
		np--;
	}
	memcpy(root, peaks[0], LED_HASH_LEN);
	return 0;
}

int led_tiles_append(struct led_tiles *t, uint64_t size, const led_hash *leaves, size_t n,
		     uint8_t root[LED_HASH_LEN])
{
	struct edge *e;
	size_t i;
	int L, rc = 0;

	if (t->io.write == NULL)
		return DIP_ESTATE;
	if ((uint64_t)n > UINT64_MAX - size)
		return DIP_ELIMIT;
	e = calloc(EDGE_LEVELS, sizeof(*e));
	if (e == NULL)
		return DIP_ENOMEM;
	for (L = 0; L < EDGE_LEVELS; L++) {
		uint64_t hashes = size >> (L * LED_TILE_HEIGHT);

		e[L].w = (unsigned)(hashes % LED_TILE_WIDTH);
		e[L].index = hashes / LED_TILE_WIDTH;
		if (e[L].w == 0)
			continue;
		rc = t->io.read(t->io.ud, L, e[L].index, e[L].w, (uint8_t *)e[L].h);
		if (rc)
			goto out;
	}
	for (i = 0; i < n; i++)
		if ((rc = edge_push(t, e, 0, leaves[i])))
			goto out;
	for (L = 0; L < EDGE_LEVELS; L++)
		if (e[L].dirty && e[L].w > 0 &&
		    (rc = t->io.write(t->io.ud, L, e[L].index, e[L].w, (uint8_t *)e[L].h)))
			goto out;
	if (root)
		rc = edge_root(e, root);
out:
	free(e);
	return rc;
}

/* ---- reading tiles by path ---- */

static int fetch_read(void *ud, int level, uint64_t index, unsigned width, uint8_t *hashes)
{
	const struct led_tile_fetch *f = ud;
	char path[LED_TILE_PATH_MAX];
	struct dbuf body;
	int rc;

	rc = led_tile_path(path, sizeof(path), level, index, width);
	if (rc)
		return rc;
	dbuf_init(&body, (size_t)LED_TILE_WIDTH * LED_HASH_LEN);
	rc = f->get(f->ud, path, &body);
	if (rc == 0 && body.len != (size_t)width * LED_HASH_LEN)
		rc = DIP_EINVAL;
	if (rc == 0)
		memcpy(hashes, body.p, body.len);
	dbuf_free(&body);
	return rc;
}

void led_tile_io_from_fetch(struct led_tile_io *io, const struct led_tile_fetch *f)
{
	io->read = fetch_read;
	io->write = NULL;
	io->ud = (void *)f;
}
