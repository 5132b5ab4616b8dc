/*
 * cache.c - public records kept ready to send.
 *
 * The public view of an application (Art. 10 during publication, Art. 20
 * after announcement) is what the public reads most, and it rarely
 * changes.  Building it costs a write transaction (deadlines that ran out
 * are applied first), parsing the stored content and serialising the
 * answer; sending it again costs one indexed read of the application's
 * stamp (store.h): its version, its objections' versions, and the due time
 * of its next binding deadline.  An entry is served only while the stamp
 * read now equals the one read in the transaction that built it and no
 * deadline of it has run out, so it is never stale, also when another
 * server instance changed the record.
 *
 * Reading the stamp costs a round trip to the database, a large part of a
 * cached reply.  A store may offer a generation that changes with every
 * commit it knows of (store.h): SQLite with group commit, every commit of
 * this process; PostgreSQL, every commit any process announced, as its
 * notification arrives.  While it stays what it was at an entry's last
 * check, nothing known changed anything, and the entry is sent without
 * asking the database.  What a generation cannot see (an operator's
 * "dipreg tick" on the same SQLite file, say) is seen at the next check,
 * which comes at least once a second.
 *
 * Entries are immutable reference-counted blobs, so a sender may hold one
 * while another thread replaces it.  The cache is split in shards, each
 * with its own lock and least-recently-used list, and bounded in bytes.
 */
#include "service/internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHARDS 16
#define BUCKETS 1024  /* per shard */

struct entry {
	int64_t id;
	struct app_stamp stamp;
	uint64_t gen;                 /* store generation at the last check */
	int64_t checked_ms;           /* when, on the monotonic clock */
	struct svc_blob *blob;
	struct entry *hnext;          /* bucket chain */
	struct entry *prev, *next;    /* LRU list, most recent first */
};

struct shard {
	pthread_mutex_t mu;
	struct entry *buckets[BUCKETS];
	struct entry lru;             /* sentinel */
	size_t bytes;
};

struct svc_cache {
	struct shard shards[SHARDS];
	size_t max_shard_bytes;
	_Atomic uint64_t hits, misses;
};

struct svc_blob *svc_blob_new(const char *p, size_t n)
{
	struct svc_blob *b = malloc(sizeof(*b) + n + 1);

	if (b == NULL)
		return NULL;
	atomic_init(&b->refs, 1);
	b->len = n;
	memcpy(b->data, p, n);
	b->data[n] = '\0';
	return b;
}

void svc_blob_release(struct svc_blob *b)
{
	if (b && atomic_fetch_sub(&b->refs, 1) == 1)
		free(b);
}

static struct svc_blob *blob_ref(struct svc_blob *b)
{
	atomic_fetch_add(&b->refs, 1);
	return b;
}

struct svc_cache *svc_cache_new(size_t max_bytes)
{
	struct svc_cache *c;
	int i;

	if (max_bytes == 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	for (i = 0; i < SHARDS; i++) {
		pthread_mutex_init(&c->shards[i].mu, NULL);
		c->shards[i].lru.next = c->shards[i].lru.prev = &c->shards[i].lru;
	}
	c->max_shard_bytes = max_bytes / SHARDS;
	return c;
}

static size_t cost(const struct entry *e)
{
	return sizeof(*e) + sizeof(*e->blob) + e->blob->len + 1;
}

static void unlink_entry(struct shard *sh, struct entry *e)
{
	struct entry **p = &sh->buckets[(uint64_t)e->id / SHARDS % BUCKETS];

	while (*p != e)
		p = &(*p)->hnext;
	*p = e->hnext;
	e->prev->next = e->next;
	e->next->prev = e->prev;
	sh->bytes -= cost(e);
	svc_blob_release(e->blob);
	free(e);
}

void svc_cache_free(struct svc_cache *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < SHARDS; i++) {
		while (c->shards[i].lru.next != &c->shards[i].lru)
			unlink_entry(&c->shards[i], c->shards[i].lru.next);
		pthread_mutex_destroy(&c->shards[i].mu);
	}
	free(c);
}

void svc_cache_stats(const struct svc_cache *c, uint64_t *hits, uint64_t *misses, size_t *bytes)
{
	size_t b = 0;
	int i;

	*hits = c ? atomic_load(&c->hits) : 0;
	*misses = c ? atomic_load(&c->misses) : 0;
	for (i = 0; c && i < SHARDS; i++)
		b += c->shards[i].bytes;
	*bytes = b;
}

static struct shard *shard_of(struct svc_cache *c, int64_t id)
{
	return &c->shards[(uint64_t)id % SHARDS];
}

static struct entry *find(struct shard *sh, int64_t id)
{
	struct entry *e = sh->buckets[(uint64_t)id / SHARDS % BUCKETS];

	while (e && e->id != id)
		e = e->hnext;
	return e;
}

static int current(const struct app_stamp *a, const struct app_stamp *b, dip_time now)
{
	/* A deadline due before now is applied by the next full load. */
	return a->version == b->version && a->objections == b->objections &&
	       a->next_due == b->next_due && (a->next_due == 0 || now <= a->next_due);
}

int64_t svc__mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct svc_blob *svc__cache_peek(struct svc_cache *c, int64_t id, uint64_t gen, dip_time now)
{
	struct shard *sh = shard_of(c, id);
	struct svc_blob *b = NULL;
	struct entry *e;

	if (gen == 0)
		return NULL;
	pthread_mutex_lock(&sh->mu);
	e = find(sh, id);
	if (e && e->gen == gen && svc__mono_ms() - e->checked_ms < 1000 &&
	    (e->stamp.next_due == 0 || now <= e->stamp.next_due))
		b = blob_ref(e->blob);
	pthread_mutex_unlock(&sh->mu);
	if (b)
		atomic_fetch_add(&c->hits, 1);
	return b;
}

struct svc_blob *svc__cache_get(struct svc_cache *c, int64_t id, const struct app_stamp *st,
				uint64_t gen, dip_time now)
{
	struct shard *sh = shard_of(c, id);
	struct svc_blob *b = NULL;
	struct entry *e;

	pthread_mutex_lock(&sh->mu);
	e = find(sh, id);
	if (e && current(&e->stamp, st, now)) {
		b = blob_ref(e->blob);
		e->gen = gen;
		e->checked_ms = svc__mono_ms();
		e->prev->next = e->next;
		e->next->prev = e->prev;
		e->next = sh->lru.next;
		e->prev = &sh->lru;
		sh->lru.next->prev = e;
		sh->lru.next = e;
	}
	pthread_mutex_unlock(&sh->mu);
	atomic_fetch_add(b ? &c->hits : &c->misses, 1);
	return b;
}

void svc__cache_put(struct svc_cache *c, int64_t id, const struct app_stamp *st, uint64_t gen,
		    struct svc_blob *b)
{
	struct shard *sh = shard_of(c, id);
	struct entry *e = calloc(1, sizeof(*e)), *old;

	if (e == NULL)
		return;
	e->id = id;
	e->stamp = *st;
	e->gen = gen;
	e->checked_ms = svc__mono_ms();
	e->blob = blob_ref(b);
	pthread_mutex_lock(&sh->mu);
	old = find(sh, id);
	if (old)
		unlink_entry(sh, old);
	e->hnext = sh->buckets[(uint64_t)id / SHARDS % BUCKETS];
	sh->buckets[(uint64_t)id / SHARDS % BUCKETS] = e;
	e->next = sh->lru.next;
	e->prev = &sh->lru;
	sh->lru.next->prev = e;
	sh->lru.next = e;
	sh->bytes += cost(e);
	while (sh->bytes > c->max_shard_bytes && sh->lru.prev != &sh->lru)
		unlink_entry(sh, sh->lru.prev);
	pthread_mutex_unlock(&sh->mu);
}
