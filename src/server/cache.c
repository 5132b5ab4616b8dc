/*
 * cache.c - a response cache shared by the server's threads: response
 * bodies by key, each valid at one generation of the data it was computed
 * from.
 *
 * The public search is the same few queries asked again and again, and
 * the register changes a few times an hour; a cached answer is given as
 * long as the search index's generation (store.h) has not moved since it
 * was computed, so it is never stale.  Least recently used entries go
 * first when the entry or byte budget is exceeded.  One mutex guards it:
 * a lookup is a hash probe and a copy.
 */
#include "server/internal.h"
#include "util/lru.h"

#include <stdlib.h>
#include <string.h>

struct cache_entry {
	char *key;
	char *body;
	size_t len;
	int64_t gen;
	uint64_t hash;
	struct lru_node lru;
	struct cache_entry *chain;        /* same bucket */
};

struct resp_cache {
	pthread_mutex_t lock;
	struct cache_entry **buckets;
	size_t nbuckets;
	struct lru_list lru;
	size_t n, max, bytes, max_bytes;
};

static uint64_t fnv64(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

struct resp_cache *resp_cache_new(size_t max_entries, size_t max_bytes)
{
	struct resp_cache *c;

	if (max_entries == 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->nbuckets = max_entries * 2;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (c->buckets == NULL) {
		free(c);
		return NULL;
	}
	c->max = max_entries;
	c->max_bytes = max_bytes;
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

static struct cache_entry *entry_of(struct lru_node *n)
{
	return LRU_ENTRY(n, struct cache_entry, lru);
}

static void drop(struct resp_cache *c, struct cache_entry *e)
{
	struct cache_entry **p = &c->buckets[e->hash % c->nbuckets];

	while (*p && *p != e)
		p = &(*p)->chain;
	if (*p)
		*p = e->chain;
	lru_unlink(&c->lru, &e->lru);
	c->n--;
	c->bytes -= e->len + strlen(e->key);
	free(e->key);
	free(e->body);
	free(e);
}

static struct cache_entry *find(struct resp_cache *c, const char *key, uint64_t h)
{
	struct cache_entry *e;

	for (e = c->buckets[h % c->nbuckets]; e; e = e->chain)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

int resp_cache_get(struct resp_cache *c, const char *key, int64_t gen, struct dbuf *out)
{
	uint64_t h = fnv64(key);
	struct cache_entry *e;
	int found = 0;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&c->lock);
	e = find(c, key, h);
	if (e && e->gen != gen) {
		drop(c, e);
	} else if (e) {
		lru_unlink(&c->lru, &e->lru);
		lru_push(&c->lru, &e->lru);
		found = dbuf_add(out, e->body, e->len) == 0;
	}
	pthread_mutex_unlock(&c->lock);
	return found;
}

void resp_cache_put(struct resp_cache *c, const char *key, int64_t gen, const char *body,
		    size_t len)
{
	uint64_t h = fnv64(key);
	struct cache_entry *e;

	/* One answer may not take more than a sixteenth of the budget. */
	if (c == NULL || len + strlen(key) > c->max_bytes / 16)
		return;
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return;
	e->key = strdup(key);
	e->body = malloc(len ? len : 1);
	if (e->key == NULL || e->body == NULL) {
		free(e->key);
		free(e->body);
		free(e);
		return;
	}
	memcpy(e->body, body, len);
	e->len = len;
	e->gen = gen;
	e->hash = h;
	pthread_mutex_lock(&c->lock);
	if (find(c, key, h))
		drop(c, find(c, key, h));
	e->chain = c->buckets[h % c->nbuckets];
	c->buckets[h % c->nbuckets] = e;
	lru_push(&c->lru, &e->lru);
	c->n++;
	c->bytes += len + strlen(key);
	while (c->lru.tail && (c->n > c->max || c->bytes > c->max_bytes))
		drop(c, entry_of(c->lru.tail));
	pthread_mutex_unlock(&c->lock);
}

void resp_cache_free(struct resp_cache *c)
{
	if (c == NULL)
		return;
	while (c->lru.head)
		drop(c, entry_of(c->lru.head));
	pthread_mutex_destroy(&c->lock);
	free(c->buckets);
	free(c);
}
