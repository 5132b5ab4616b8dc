/*
 * test_tiles.c - C2SP tlog-tiles: path spelling, widths, entry bundles,
 * and a tiled tree grown in batches across the 256 and 65536 boundaries in
 * a synthetic in-memory tile store.  Roots and proofs computed from tiles
 * must equal the merkle module's over a full in-memory tree, through the
 * server-side cache (of several sizes, from several threads) and through a
 * client that fetches tiles by path.
 *
 * DIPREG_BENCH_TILES=N runs a timing of inclusion proofs at N leaves
 * (skipped otherwise).
 */
#include "testutil.h"

#include <pthread.h>
#include <time.h>

#include "ledger/merkle.h"
#include "ledger/tiles.h"
#include "util/err.h"

/* ---- an in-memory tile store ---- */

struct mtile {
	int level;
	uint64_t index;
	unsigned width;
	uint8_t *h;
	struct mtile *next;
};

#define MBUCKETS 65536

struct mstore {
	struct mtile *b[MBUCKETS];
	uint64_t reads, writes;
	int fail_writes;
	pthread_mutex_t mu;
};

static size_t mbucket(int level, uint64_t index, unsigned width)
{
	return (size_t)((index * 2654435761u) ^ ((uint64_t)level << 20) ^ width) % MBUCKETS;
}

static struct mtile *mfind(struct mstore *s, int level, uint64_t index, unsigned width)
{
	struct mtile *x = s->b[mbucket(level, index, width)];

	while (x && (x->level != level || x->index != index || x->width != width))
		x = x->next;
	return x;
}

static int ms_read(void *ud, int level, uint64_t index, unsigned width, uint8_t *out)
{
	struct mstore *s = ud;
	struct mtile *x;

	pthread_mutex_lock(&s->mu);
	s->reads++;
	x = mfind(s, level, index, width);
	if (x)
		memcpy(out, x->h, (size_t)width * 32);
	pthread_mutex_unlock(&s->mu);
	return x ? 0 : DIP_ENOTFOUND;
}

static int ms_write(void *ud, int level, uint64_t index, unsigned width, const uint8_t *h)
{
	struct mstore *s = ud;
	struct mtile *x;

	if (s->fail_writes)
		return DIP_EDB;
	pthread_mutex_lock(&s->mu);
	s->writes++;
	x = mfind(s, level, index, width);
	if (x) {
		/* Tiles are immutable: rewriting one must not change it. */
		assert_memory_equal(x->h, h, (size_t)width * 32);
	} else {
		x = calloc(1, sizeof(*x));
		x->level = level;
		x->index = index;
		x->width = width;
		x->h = malloc((size_t)width * 32);
		memcpy(x->h, h, (size_t)width * 32);
		x->next = s->b[mbucket(level, index, width)];
		s->b[mbucket(level, index, width)] = x;
	}
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static void ms_remove(struct mstore *s, int level, uint64_t index, unsigned width)
{
	struct mtile **pp = &s->b[mbucket(level, index, width)], *x;

	while (*pp && ((*pp)->level != level || (*pp)->index != index || (*pp)->width != width))
		pp = &(*pp)->next;
	if ((x = *pp) != NULL) {
		*pp = x->next;
		free(x->h);
		free(x);
	}
}

static struct mstore *ms_new(void)
{
	struct mstore *s = calloc(1, sizeof(*s));

	pthread_mutex_init(&s->mu, NULL);
	return s;
}

static void ms_free(struct mstore *s)
{
	struct mtile *x, *n;
	size_t i;

	for (i = 0; i < MBUCKETS; i++)
		for (x = s->b[i]; x; x = n) {
			n = x->next;
			free(x->h);
			free(x);
		}
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* ---- the reference: every level of the tree, in memory ---- */

struct ref {
	led_hash *lv[40];
	uint64_t n;
};

static void make_leaf(uint64_t i, uint8_t out[32])
{
	char buf[32];
	int k = snprintf(buf, sizeof(buf), "entry-%llu", (unsigned long long)i);

	assert_int_equal(led_hash_leaf(CRYPTO_SHA256, buf, (size_t)k, out), 0);
}

static struct ref *ref_build(uint64_t n)
{
	struct ref *r = calloc(1, sizeof(*r));
	uint64_t i, cnt;
	int h;

	r->n = n;
	r->lv[0] = malloc(n * 32);
	for (i = 0; i < n; i++)
		make_leaf(i, r->lv[0][i]);
	for (h = 1; (cnt = n >> h) > 0; h++) {
		r->lv[h] = malloc(cnt * 32);
		for (i = 0; i < cnt; i++)
			led_hash_children(CRYPTO_SHA256, r->lv[h - 1][2 * i], r->lv[h - 1][2 * i + 1],
					  r->lv[h][i]);
	}
	return r;
}

static void ref_free(struct ref *r)
{
	int h;

	for (h = 0; h < 40; h++)
		free(r->lv[h]);
	free(r);
}

struct ref_at {
	struct ref *r;
	uint64_t size;
};

static int ref_node(void *ud, int level, uint64_t index, uint8_t out[32])
{
	struct ref_at *a = ud;

	if (index >= (a->size >> level))
		return DIP_ENOTFOUND;
	memcpy(out, a->r->lv[level][index], 32);
	return 0;
}

/* ---- paths, widths, bundles ---- */

static void test_tile_paths(void **state)
{
	static const struct {
		int level;
		uint64_t index;
		unsigned width;
		const char *path;
	} v[] = {
		{ 0, 1234067, 256, "tile/0/x001/x234/067" },
		{ 0, 0, 256, "tile/0/000" },
		{ 1, 0, 5, "tile/1/000.p/5" },
		{ 2, 1000, 255, "tile/2/x001/000.p/255" },
		{ 63, 999, 1, "tile/63/999.p/1" },
		{ LED_TILE_ENTRIES, 273, 112, "tile/entries/273.p/112" },
		{ LED_TILE_ENTRIES, 5000000, 256, "tile/entries/x005/x000/000" },
		{ 0, UINT64_MAX, 256, "tile/0/x018/x446/x744/x073/x709/x551/615" },
	};
	static const char *bad[] = {
		"tile/00/000", "tile/0/x000/001", "tile/0/01", "tile/0/0000", "tile/0/000.p/0",
		"tile/0/000.p/256", "tile/0/000.p/05", "tile/64/000", "tile/0/x001", "tile/0/x001/",
		"tile/0/x018/x446/x744/x073/x709/x551/616", "tile/-1/000", "tile/entries/", "tile/0/",
		"tiles/0/000", "tile/0/000/", "tile/0/000.p/", "tile/0/x1/000",
		"tile/0/x001/x002/x003/x004/x005/x006/x007/008",
	};
	char buf[LED_TILE_PATH_MAX];
	int level;
	uint64_t index;
	unsigned width;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(led_tile_path(buf, sizeof(buf), v[i].level, v[i].index, v[i].width), 0);
		assert_string_equal(buf, v[i].path);
		assert_int_equal(led_tile_path_parse(v[i].path, &level, &index, &width), 0);
		assert_int_equal(level, v[i].level);
		assert_true(index == v[i].index);
		assert_int_equal(width, v[i].width);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(led_tile_path_parse(bad[i], &level, &index, &width), DIP_EINVAL);
	assert_int_equal(led_tile_path(buf, sizeof(buf), 64, 0, 256), DIP_EINVAL);
	assert_int_equal(led_tile_path(buf, sizeof(buf), 0, 0, 0), DIP_EINVAL);
	assert_int_equal(led_tile_path(buf, 8, 0, 1234067, 256), DIP_EINVAL);
}

static void test_tile_widths_spec_examples(void **state)
{
	(void)state;
	/* tlog-tiles: a tree of size 70,000 has 273 full level 0 tiles, a
	 * partial one of width 112, one full level 1 tile, a partial level 1
	 * tile of width 17, and a partial level 2 tile of width 1. */
	assert_int_equal(led_tile_width(70000, 0, 0), 256);
	assert_int_equal(led_tile_width(70000, 0, 272), 256);
	assert_int_equal(led_tile_width(70000, 0, 273), 112);
	assert_int_equal(led_tile_width(70000, 0, 274), 0);
	assert_int_equal(led_tile_width(70000, 1, 0), 256);
	assert_int_equal(led_tile_width(70000, 1, 1), 17);
	assert_int_equal(led_tile_width(70000, 2, 0), 1);
	assert_int_equal(led_tile_width(70000, 3, 0), 0);
	/* Size 256: a full level 0 tile and a level 1 tile of width 1. */
	assert_int_equal(led_tile_width(256, 0, 0), 256);
	assert_int_equal(led_tile_width(256, 0, 1), 0);
	assert_int_equal(led_tile_width(256, 1, 0), 1);
	assert_int_equal(led_tile_width(0, 0, 0), 0);
	assert_int_equal(led_tile_width(UINT64_MAX, 7, 0), 255);
}

static void test_entry_bundles(void **state)
{
	static uint8_t big[LED_ENTRY_MAX + 1];
	const uint8_t *p, *ent;
	size_t left, len;
	struct dbuf b;

	(void)state;
	dbuf_init(&b, 0);
	assert_int_equal(led_bundle_add(&b, "abc", 3), 0);
	assert_int_equal(led_bundle_add(&b, "", 0), 0);
	assert_int_equal(led_bundle_add(&b, big, LED_ENTRY_MAX), 0);
	assert_int_equal(led_bundle_add(&b, big, LED_ENTRY_MAX + 1), DIP_ELIMIT);
	assert_int_equal(b.len, 5 + 2 + 2 + LED_ENTRY_MAX);
	assert_memory_equal(b.p, "\x00\x03" "abc\x00\x00\xff\xff", 9);
	p = (const uint8_t *)b.p;
	left = b.len;
	assert_int_equal(led_bundle_next(&p, &left, &ent, &len), 1);
	assert_int_equal(len, 3);
	assert_memory_equal(ent, "abc", 3);
	assert_int_equal(led_bundle_next(&p, &left, &ent, &len), 1);
	assert_int_equal(len, 0);
	assert_int_equal(led_bundle_next(&p, &left, &ent, &len), 1);
	assert_int_equal(len, LED_ENTRY_MAX);
	assert_int_equal(led_bundle_next(&p, &left, &ent, &len), 0);
	p = (const uint8_t *)b.p;
	left = 4; /* "\0\3ab": truncated */
	assert_int_equal(led_bundle_next(&p, &left, &ent, &len), DIP_EINVAL);
	left = 1;
	assert_int_equal(led_bundle_next(&p, &left, &ent, &len), DIP_EINVAL);
	dbuf_free(&b);
}

/* ---- the tiled tree ---- */

static const uint64_t sizes[] = { 1,     2,     3,     255,   256,   257,   300,
				  511,   512,   513,   1000,  4096,  10000, 65535,
				  65536, 65537, 65792, 70000, 70001 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))
#define FINAL 70001

static struct mstore *grown;
static struct ref *reference;

static int group_setup(void **state)
{
	struct led_tile_io io = { ms_read, ms_write, NULL };
	struct led_tiles *t;
	struct ref_at ra;
	struct led_node_source rs = { ref_node, &ra, CRYPTO_SHA256 };
	uint8_t root[32], want[32];
	uint64_t prev = 0;
	size_t i;

	(void)state;
	reference = ref_build(FINAL);
	grown = ms_new();
	io.ud = grown;
	assert_int_equal(led_tiles_new(&io, 1 << 20, &t), 0);
	for (i = 0; i < NSIZES; i++) {
		assert_int_equal(led_tiles_append(t, prev, (const led_hash *)reference->lv[0] + prev,
						  sizes[i] - prev, root),
				 0);
		ra.r = reference;
		ra.size = sizes[i];
		assert_int_equal(led_root(&rs, sizes[i], want), 0);
		assert_memory_equal(root, want, 32);
		prev = sizes[i];
	}
	led_tiles_free(t);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	ms_free(grown);
	ref_free(reference);
	return 0;
}

static void test_append_writes_every_tile_of_each_size(void **state)
{
	uint64_t S, n, hashes;
	unsigned w;
	struct mtile *x;
	size_t i;
	int L;

	(void)state;
	for (i = 0; i < NSIZES; i++) {
		S = sizes[i];
		for (L = 0; L < 3; L++) {
			hashes = S >> (8 * L);
			for (n = 0; n <= hashes / 256; n++) {
				w = led_tile_width(S, L, n);
				if (w == 0)
					continue;
				x = mfind(grown, L, n, w);
				if (x == NULL)
					x = mfind(grown, L, n, 256);
				assert_non_null(x);
				assert_memory_equal(x->h, reference->lv[8 * L][n * 256], (size_t)w * 32);
			}
		}
		/* Nothing beyond: no empty tiles, no tiles of later sizes. */
		assert_null(mfind(grown, 3, 0, 1));
	}
	/* Partial tiles of a size that was never a batch boundary are absent. */
	assert_null(mfind(grown, 0, 0, 7));
}

static void check_proofs(struct led_tiles *t, uint64_t S, uint64_t S1)
{
	struct ref_at ra = { reference, S };
	struct led_node_source rs = { ref_node, &ra, CRYPTO_SHA256 };
	led_hash want[LED_PROOF_MAX], got[LED_PROOF_MAX];
	uint64_t idx[] = { 0, S - 1, S / 2, 255, 256, 65535, 65536, S / 3, (S * 7) / 11 };
	uint8_t root[32], rroot[32];
	size_t wn, gn, k;

	assert_int_equal(led_tiles_root(t, S, root), 0);
	assert_int_equal(led_root(&rs, S, rroot), 0);
	assert_memory_equal(root, rroot, 32);
	for (k = 0; k < sizeof(idx) / sizeof(idx[0]); k++) {
		if (idx[k] >= S)
			continue;
		assert_int_equal(led_prove_inclusion(&rs, idx[k], S, want, &wn), 0);
		assert_int_equal(led_tiles_prove_inclusion(t, idx[k], S, got, &gn), 0);
		assert_int_equal(gn, wn);
		assert_memory_equal(got, want, gn * 32);
		assert_int_equal(led_verify_inclusion(CRYPTO_SHA256, idx[k], S,
						      reference->lv[0][idx[k]], got, gn, root),
				 0);
	}
	if (S1 <= S) {
		assert_int_equal(led_prove_consistency(&rs, S1, S, want, &wn), 0);
		assert_int_equal(led_tiles_prove_consistency(t, S1, S, got, &gn), 0);
		assert_int_equal(gn, wn);
		assert_memory_equal(got, want, gn * 32);
	}
}

static void proofs_with_cache(size_t cache)
{
	struct led_tile_io io = { ms_read, ms_write, grown };
	struct led_tiles *t;
	struct led_tiles_stats st;
	size_t i, j;

	assert_int_equal(led_tiles_new(&io, cache, &t), 0);
	for (i = 0; i < NSIZES; i++)
		for (j = 0; j <= i; j++)
			check_proofs(t, sizes[i], sizes[j]);
	led_tiles_stats(t, &st);
	assert_true(st.bytes <= cache);
	if (cache >= (1 << 20))
		assert_true(st.hits > st.misses);
	led_tiles_free(t);
}

static void test_proofs_from_tiles_equal_merkle_large_cache(void **state)
{
	(void)state;
	proofs_with_cache(8 << 20);
}

static void test_proofs_from_tiles_equal_merkle_tiny_cache(void **state)
{
	(void)state;
	proofs_with_cache(20000);
}

static void test_proofs_from_tiles_equal_merkle_no_cache(void **state)
{
	(void)state;
	proofs_with_cache(0);
}

/* Proves leaf idx at FINAL from t and checks it against the reference. */
static void check_leaf(struct led_tiles *t, uint64_t idx)
{
	struct ref_at ra = { reference, FINAL };
	struct led_node_source rs = { ref_node, &ra, CRYPTO_SHA256 };
	led_hash want[LED_PROOF_MAX], got[LED_PROOF_MAX];
	size_t wn, gn;

	assert_int_equal(led_prove_inclusion(&rs, idx, FINAL, want, &wn), 0);
	assert_int_equal(led_tiles_prove_inclusion(t, idx, FINAL, got, &gn), 0);
	assert_int_equal(gn, wn);
	assert_memory_equal(got, want, gn * 32);
}

/* A cache too small for every full tile keeps the ones it lets go of as
 * their upper rows: a later proof in such a tile reads it once for its
 * group of 16 leaves and rebuilds nothing else. */
static void test_shrunk_tiles_answer_with_one_read(void **state)
{
	struct led_tile_io io = { ms_read, ms_write, NULL };
	struct led_tiles *t;
	struct led_tiles_stats st;
	uint64_t i, reads, misses;

	(void)state;
	io.ud = grown;
	/* About 270 summaries and a few full tiles. */
	assert_int_equal(led_tiles_new(&io, 400000, &t), 0);
	for (i = 0; i < FINAL; i += 97)
		check_leaf(t, i);
	led_tiles_stats(t, &st);
	assert_true(st.bytes <= 400000);
	assert_true(st.summaries > 200);
	assert_true(st.entries > st.summaries);
	misses = st.misses;

	/* Tile 0 was among the first: a summary now, and so is the first
	 * tile of level 1, which the last proofs did not need.  Leaf 5 is in
	 * group 0 of both, leaf 200 in group 12 of tile 0. */
	reads = grown->reads;
	check_leaf(t, 5);
	assert_int_equal(grown->reads - reads, 2);
	reads = grown->reads;
	check_leaf(t, 6);
	check_leaf(t, 15);
	assert_int_equal(grown->reads - reads, 0);
	check_leaf(t, 200);
	assert_int_equal(grown->reads - reads, 1);
	check_leaf(t, 16 * 12 + 15);
	assert_int_equal(grown->reads - reads, 1);
	led_tiles_stats(t, &st);
	assert_int_equal(st.misses, misses);

	/* Cleared, the cache forgets the group too. */
	led_tiles_cache_clear(t);
	reads = grown->reads;
	check_leaf(t, 200);
	assert_true(grown->reads - reads >= 1);
	led_tiles_stats(t, &st);
	assert_true(st.misses > misses);
	assert_int_equal(st.summaries, 0);
	led_tiles_free(t);
}

/* A client fetching tiles by path, like a browser or monitor over HTTP. */
static int fetch_get(void *ud, const char *path, struct dbuf *body)
{
	struct mstore *s = ud;
	struct mtile *x;
	int level;
	uint64_t index;
	unsigned width;

	if (led_tile_path_parse(path, &level, &index, &width) != 0 || level == LED_TILE_ENTRIES)
		return DIP_ENOTFOUND;
	x = mfind(s, level, index, width);
	if (x == NULL)
		return DIP_ENOTFOUND;
	return dbuf_add(body, x->h, (size_t)width * 32);
}

static void test_client_proofs_from_fetched_tiles(void **state)
{
	struct led_tile_fetch f = { fetch_get, NULL };
	struct led_tile_io io;
	struct led_tiles *t;
	size_t i;

	(void)state;
	f.ud = grown;
	led_tile_io_from_fetch(&io, &f);
	assert_int_equal(led_tiles_new(&io, 256 * 1024, &t), 0);
	for (i = 0; i < NSIZES; i++)
		check_proofs(t, sizes[i], sizes[i / 2]);
	assert_int_equal(led_tiles_append(t, FINAL, NULL, 0, NULL), DIP_ESTATE);
	led_tiles_free(t);
}

static void test_missing_partial_falls_back_to_full_tile(void **state)
{
	struct mstore *s = ms_new();
	struct led_tile_io io = { ms_read, ms_write, s };
	struct led_tiles *t;

	(void)state;
	assert_int_equal(led_tiles_new(&io, 0, &t), 0);
	assert_int_equal(led_tiles_append(t, 0, (const led_hash *)reference->lv[0], 300, NULL), 0);
	assert_int_equal(led_tiles_append(t, 300, (const led_hash *)reference->lv[0] + 300, 300, NULL),
			 0);
	/* A log may delete the partial tile of size 300 once the full tile
	 * exists; proofs at 300 must still work. */
	assert_non_null(mfind(s, 0, 1, 44));
	ms_remove(s, 0, 1, 44);
	{
		struct ref_at ra = { reference, 300 };
		struct led_node_source rs = { ref_node, &ra, CRYPTO_SHA256 };
		led_hash want[LED_PROOF_MAX], got[LED_PROOF_MAX];
		size_t wn, gn;

		assert_int_equal(led_prove_inclusion(&rs, 290, 300, want, &wn), 0);
		assert_int_equal(led_tiles_prove_inclusion(t, 290, 300, got, &gn), 0);
		assert_int_equal(gn, wn);
		assert_memory_equal(got, want, gn * 32);
	}
	/* A size never reached: its right-edge tile is missing. */
	assert_int_equal(led_tiles_append(t, 301, (const led_hash *)reference->lv[0], 1, NULL),
			 DIP_ENOTFOUND);
	/* A failing store fails the append. */
	s->fail_writes = 1;
	assert_int_equal(led_tiles_append(t, 600, (const led_hash *)reference->lv[0] + 600, 1, NULL),
			 DIP_EDB);
	/* A node outside the tree is refused. */
	{
		uint8_t h[32];

		assert_int_equal(led_tiles_node(t, 600, 0, 600, h), DIP_EINVAL);
		assert_int_equal(led_tiles_node(t, 600, 10, 0, h), DIP_EINVAL);
		assert_int_equal(led_tiles_node(t, 600, 9, 0, h), 0);
		assert_memory_equal(h, reference->lv[9][0], 32);
	}
	led_tiles_free(t);
	ms_free(s);
}

struct worker {
	struct led_tiles *t;
	unsigned seed;
	int bad;
};

static void *proof_worker(void *arg)
{
	struct worker *w = arg;
	struct ref_at ra = { reference, FINAL };
	struct led_node_source rs = { ref_node, &ra, CRYPTO_SHA256 };
	led_hash want[LED_PROOF_MAX], got[LED_PROOF_MAX];
	size_t wn, gn;
	uint64_t idx;
	int i;

	for (i = 0; i < 300; i++) {
		w->seed = w->seed * 1103515245u + 12345u;
		idx = w->seed % FINAL;
		if (led_prove_inclusion(&rs, idx, FINAL, want, &wn) != 0 ||
		    led_tiles_prove_inclusion(w->t, idx, FINAL, got, &gn) != 0 || gn != wn ||
		    memcmp(got, want, gn * 32) != 0)
			w->bad++;
	}
	return NULL;
}

static void test_cache_shared_by_threads(void **state)
{
	struct led_tile_io io = { ms_read, ms_write, NULL };
	struct led_tiles *t;
	struct worker w[4];
	pthread_t th[4];
	int i;

	(void)state;
	io.ud = grown;
	assert_int_equal(led_tiles_new(&io, 100000, &t), 0);
	for (i = 0; i < 4; i++) {
		w[i].t = t;
		w[i].seed = (unsigned)i * 7919u + 1;
		w[i].bad = 0;
		assert_int_equal(pthread_create(&th[i], NULL, proof_worker, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].bad, 0);
	}
	led_tiles_free(t);
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_bench_inclusion_proofs(void **state)
{
	const char *env = getenv("DIPREG_BENCH_TILES");
	struct mstore *s;
	struct led_tile_io io = { ms_read, ms_write, NULL };
	struct led_tiles *t;
	struct led_tiles_stats st;
	led_hash *batch, proof[LED_PROOF_MAX];
	uint8_t root[32];
	uint64_t N, size = 0, i, idx, seed = 42;
	size_t n, k, cache;
	double t0, t1;
	int rounds;

	(void)state;
	if (env == NULL)
		skip();
	N = strtoull(env, NULL, 10);
	cache = getenv("DIPREG_BENCH_CACHE") ? strtoull(getenv("DIPREG_BENCH_CACHE"), NULL, 10)
					     : 64u << 20;
	s = ms_new();
	io.ud = s;
	assert_int_equal(led_tiles_new(&io, cache, &t), 0);
	batch = malloc(10000 * sizeof(led_hash));
	t0 = now_sec();
	while (size < N) {
		n = N - size < 10000 ? (size_t)(N - size) : 10000;
		for (k = 0; k < n; k++)
			make_leaf(size + k, batch[k]);
		assert_int_equal(led_tiles_append(t, size, batch, n, root), 0);
		size += n;
	}
	t1 = now_sec();
	print_message("append %llu leaves in batches of 10000: %.2f s\n", (unsigned long long)N,
		      t1 - t0);
	for (rounds = 0; rounds < 2; rounds++) {
		t0 = now_sec();
		for (i = 0; i < 100000; i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			idx = (seed >> 11) % N;
			assert_int_equal(led_tiles_prove_inclusion(t, idx, N, proof, &n), 0);
		}
		t1 = now_sec();
		led_tiles_stats(t, &st);
		print_message("%s: 100000 random inclusion proofs at size %llu: %.2f us each "
			      "(cache %zu bytes in %llu tiles, %llu hits, %llu misses)\n",
			      rounds ? "warm" : "cold", (unsigned long long)N, (t1 - t0) * 10.0,
			      st.bytes, (unsigned long long)st.entries, (unsigned long long)st.hits,
			      (unsigned long long)st.misses);
	}
	free(batch);
	led_tiles_free(t);
	ms_free(s);
}

int main(void)
{
	const struct CMUnitTest basics[] = {
		cmocka_unit_test(test_tile_paths),
		cmocka_unit_test(test_tile_widths_spec_examples),
		cmocka_unit_test(test_entry_bundles),
	};
	const struct CMUnitTest tree[] = {
		cmocka_unit_test(test_append_writes_every_tile_of_each_size),
		cmocka_unit_test(test_proofs_from_tiles_equal_merkle_large_cache),
		cmocka_unit_test(test_proofs_from_tiles_equal_merkle_tiny_cache),
		cmocka_unit_test(test_proofs_from_tiles_equal_merkle_no_cache),
		cmocka_unit_test(test_shrunk_tiles_answer_with_one_read),
		cmocka_unit_test(test_client_proofs_from_fetched_tiles),
		cmocka_unit_test(test_missing_partial_falls_back_to_full_tile),
		cmocka_unit_test(test_cache_shared_by_threads),
		cmocka_unit_test(test_bench_inclusion_proofs),
	};
	int rc = cmocka_run_group_tests(basics, NULL, NULL);

	return rc | cmocka_run_group_tests(tree, group_setup, group_teardown);
}
