/*
 * test_witness.c - ledger/witness.c: a witness accepts a checkpoint only
 * when the tree grew consistently from the one it accepted, and names the
 * rollback, fork or rewrite otherwise.  Trees are grown in an in-memory
 * tile store, across the 256-leaf tile boundary; a rewritten log is a
 * second store with one leaf changed.
 */
#include "testutil.h"

#include <limits.h>

#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/tiles.h"
#include "ledger/witness.h"
#include "util/err.h"

/* ---- a small in-memory tile store ---- */

struct mt {
	int level;
	uint64_t index;
	unsigned width;
	uint8_t h[LED_TILE_WIDTH * LED_HASH_LEN];
	struct mt *next;
};

struct mstore {
	struct mt *head;
	int fail_reads;
};

static int ms_read(void *ud, int level, uint64_t index, unsigned width, uint8_t *out)
{
	struct mstore *s = ud;
	struct mt *t;

	if (s->fail_reads)
		return DIP_EIO;
	for (t = s->head; t; t = t->next)
		if (t->level == level && t->index == index && t->width == width) {
			memcpy(out, t->h, (size_t)width * LED_HASH_LEN);
			return 0;
		}
	return DIP_ENOTFOUND;
}

static int ms_write(void *ud, int level, uint64_t index, unsigned width, const uint8_t *h)
{
	struct mstore *s = ud;
	struct mt *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return DIP_ENOMEM;
	t->level = level;
	t->index = index;
	t->width = width;
	memcpy(t->h, h, (size_t)width * LED_HASH_LEN);
	t->next = s->head;
	s->head = t;
	return 0;
}

static void ms_free(struct mstore *s)
{
	struct mt *t, *n;

	for (t = s->head; t; t = n) {
		n = t->next;
		free(t);
	}
	s->head = NULL;
}

/* A log: the tiles, and a checkpoint for each size it reached. */
#define MAX_CPS 16

struct tlog {
	struct mstore st;
	struct led_tile_io io;
	struct led_tiles *t;
	uint64_t size;
	struct led_checkpoint cps[MAX_CPS];
	size_t ncps;
	unsigned changed; /* the leaf index rewritten, or UINT_MAX */
};

static void tlog_init(struct tlog *l, unsigned changed)
{
	memset(l, 0, sizeof(*l));
	l->io.read = ms_read;
	l->io.write = ms_write;
	l->io.ud = &l->st;
	l->changed = changed;
	assert_int_equal(led_tiles_new(&l->io, 1 << 20, &l->t), 0);
}

static void tlog_free(struct tlog *l)
{
	led_tiles_free(l->t);
	ms_free(&l->st);
}

/* Grows the log to size and issues a checkpoint of it. */
static struct led_checkpoint *tlog_grow(struct tlog *l, uint64_t size)
{
	led_hash *leaves = calloc(size - l->size, sizeof(led_hash));
	struct led_checkpoint *cp = &l->cps[l->ncps++];
	uint64_t i;
	char entry[64];

	assert_non_null(leaves);
	assert_true(l->ncps <= MAX_CPS);
	for (i = l->size; i < size; i++) {
		int n = snprintf(entry, sizeof(entry), "{\"entry\":%llu%s}", (unsigned long long)i,
				 i == l->changed ? ",\"rewritten\":true" : "");

		assert_int_equal(led_hash_leaf(CRYPTO_SHA256, entry, (size_t)n, leaves[i - l->size]), 0);
	}
	memset(cp, 0, sizeof(*cp));
	snprintf(cp->origin, sizeof(cp->origin), "registry.example/log");
	cp->size = size;
	assert_int_equal(led_tiles_append(l->t, l->size, (const led_hash *)leaves, size - l->size,
					  cp->root),
			 0);
	l->size = size;
	free(leaves);
	return cp;
}

static int check(struct tlog *l, const struct led_checkpoint *prev,
		 const struct led_checkpoint *next, enum led_witness_verdict *v,
		 struct dip_error *e)
{
	dip_error_clear(e);
	/* A fresh cache each time, as a witness round has. */
	led_tiles_cache_clear(l->t);
	return led_witness_check(prev, next, l->t, v, e);
}

/* ---- tests ---- */

static void test_witness_first_sight_checks_the_root_from_tiles(void **state)
{
	struct tlog l;
	struct led_checkpoint bad, *cp;
	enum led_witness_verdict v;
	struct dip_error e;

	(void)state;
	tlog_init(&l, UINT_MAX);
	cp = tlog_grow(&l, 300);
	assert_int_equal(check(&l, NULL, cp, &v, &e), 0);
	assert_int_equal(v, LED_WITNESS_OK);
	/* A log that signs a root its tiles do not give. */
	bad = *cp;
	bad.root[5] ^= 1;
	assert_int_equal(check(&l, NULL, &bad, &v, &e), DIP_ECRYPTO);
	assert_int_equal(v, LED_WITNESS_TILES);
	assert_non_null(strstr(e.message, "the log's tiles do not match its checkpoint: tree size 300"));
	assert_string_equal(led_witness_verdict_name(v), "tiles");
	tlog_free(&l);
}

static void test_witness_accepts_growth_across_tile_boundaries(void **state)
{
	static const uint64_t sizes[] = { 1, 2, 255, 256, 257, 300, 511, 512, 513, 1000 };
	struct led_checkpoint *cps[10];
	struct tlog l;
	enum led_witness_verdict v;
	struct dip_error e;
	size_t i, j;

	(void)state;
	tlog_init(&l, UINT_MAX);
	for (i = 0; i < 10; i++)
		cps[i] = tlog_grow(&l, sizes[i]);
	/* Any accepted size to any larger (or equal) one. */
	for (i = 0; i < 10; i++)
		for (j = i; j < 10; j++) {
			assert_int_equal(check(&l, cps[i], cps[j], &v, &e), 0);
			assert_int_equal(v, LED_WITNESS_OK);
		}
	tlog_free(&l);
}

static void test_witness_refuses_a_tree_that_shrank(void **state)
{
	struct led_checkpoint *small, *big;
	struct tlog l;
	enum led_witness_verdict v;
	struct dip_error e;

	(void)state;
	tlog_init(&l, UINT_MAX);
	small = tlog_grow(&l, 40);
	big = tlog_grow(&l, 41);
	assert_int_equal(check(&l, big, small, &v, &e), DIP_ECRYPTO);
	assert_int_equal(v, LED_WITNESS_SHRANK);
	assert_string_equal(e.message, "the log shrank: tree size 41 was accepted, now it shows size 40 "
				       "(rolled back or forked)");
	tlog_free(&l);
}

static void test_witness_refuses_another_root_at_the_same_size(void **state)
{
	struct led_checkpoint *a, *b;
	struct tlog honest, forked;
	enum led_witness_verdict v;
	struct dip_error e;

	(void)state;
	tlog_init(&honest, UINT_MAX);
	tlog_init(&forked, 17);
	a = tlog_grow(&honest, 270);
	b = tlog_grow(&forked, 270);
	assert_memory_not_equal(a->root, b->root, LED_HASH_LEN);
	assert_int_equal(check(&forked, a, b, &v, &e), DIP_ECRYPTO);
	assert_int_equal(v, LED_WITNESS_FORK);
	assert_non_null(strstr(e.message, "the log forked or was rewritten: tree size 270 had root "));
	tlog_free(&honest);
	tlog_free(&forked);
}

static void test_witness_refuses_a_rewritten_history(void **state)
{
	static const unsigned rewritten[] = { 0, 17, 255, 256, 299 };
	struct led_checkpoint *a, *b;
	struct tlog honest, forked;
	enum led_witness_verdict v;
	struct dip_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rewritten) / sizeof(rewritten[0]); i++) {
		tlog_init(&honest, UINT_MAX);
		tlog_init(&forked, rewritten[i]);
		a = tlog_grow(&honest, 300);
		tlog_grow(&forked, 300);
		b = tlog_grow(&forked, 301 + i * 200);
		/* The witness reads the rewritten log's tiles, which are
		 * self-consistent: its own proof exposes the rewrite. */
		assert_int_equal(check(&forked, NULL, b, &v, &e), 0);
		assert_int_equal(check(&forked, a, b, &v, &e), DIP_ECRYPTO);
		assert_int_equal(v, LED_WITNESS_FORK);
		assert_non_null(strstr(e.message, "does not extend the accepted tree of size 300"));
		tlog_free(&honest);
		tlog_free(&forked);
	}
}

static void test_witness_refuses_another_origin(void **state)
{
	struct led_checkpoint *a, b;
	struct tlog l;
	enum led_witness_verdict v;
	struct dip_error e;

	(void)state;
	tlog_init(&l, UINT_MAX);
	a = tlog_grow(&l, 3);
	b = *tlog_grow(&l, 4);
	snprintf(b.origin, sizeof(b.origin), "other.example/log");
	assert_int_equal(check(&l, a, &b, &v, &e), DIP_ECRYPTO);
	assert_int_equal(v, LED_WITNESS_ORIGIN);
	assert_non_null(strstr(e.message, "other.example/log"));
	tlog_free(&l);
}

static void test_witness_decides_nothing_without_tiles(void **state)
{
	struct led_checkpoint *a, *b;
	struct tlog l;
	enum led_witness_verdict v;
	struct dip_error e;

	(void)state;
	tlog_init(&l, UINT_MAX);
	a = tlog_grow(&l, 10);
	b = tlog_grow(&l, 20);
	l.st.fail_reads = 1;
	assert_int_equal(check(&l, a, b, &v, &e), DIP_EIO);
	assert_int_equal(v, LED_WITNESS_UNAVAILABLE);
	assert_int_equal(check(&l, NULL, b, &v, &e), DIP_EIO);
	assert_int_equal(v, LED_WITNESS_UNAVAILABLE);
	/* An unchanged tree needs no tiles. */
	assert_int_equal(check(&l, b, b, &v, &e), 0);
	/* A tile the log lost. */
	l.st.fail_reads = 0;
	ms_free(&l.st);
	assert_int_equal(check(&l, a, b, &v, &e), DIP_ENOTFOUND);
	assert_int_equal(v, LED_WITNESS_UNAVAILABLE);
	tlog_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_witness_first_sight_checks_the_root_from_tiles),
		cmocka_unit_test(test_witness_accepts_growth_across_tile_boundaries),
		cmocka_unit_test(test_witness_refuses_a_tree_that_shrank),
		cmocka_unit_test(test_witness_refuses_another_root_at_the_same_size),
		cmocka_unit_test(test_witness_refuses_a_rewritten_history),
		cmocka_unit_test(test_witness_refuses_another_origin),
		cmocka_unit_test(test_witness_decides_nothing_without_tiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
