/*
 * internal.h - the server's own state, shared by the files of server/.
 */
#ifndef DIP_SERVER_INTERNAL_H
#define DIP_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "server/http.h"
#include "server/metrics.h"
#include "util/netaddr.h"

struct server_thread {
	struct server *srv;
	int index;
	pthread_t tid;
	struct event_base *base;
	struct evhttp *http;
	struct svc svc;
	struct event *tick;
	unsigned polls;              /* thread 0: scheduler poll counter */
	struct metrics_thread metrics;
	/* Graceful stop (server.c): everything below is touched only by the
	 * thread's own loop. */
	struct evhttp_bound_socket *bound;
	struct event *relisten;      /* accepting again after one connection */
	struct event *drain;
	int inflight;                /* requests dispatched, reply not yet written */
	struct timespec last;        /* last request, reply or bytes received */
	struct timespec drain_until; /* the grace period's end */
	uint8_t rid_base[12];        /* request ids: random per thread, then counted */
	uint64_t rid_seq;
	dip_time date_at;            /* the second date holds, as the Date header */
	char date[30];
	struct parked *parked, *parked_tail; /* replies waiting for the disk (durable.c) */
	struct event *release;       /* the syncer wakes the loop with it */
	struct deferred *deferred, *deferred_tail; /* write requests waiting for the lock */
	_Atomic int ndeferred;
	struct event *retry;         /* runs them as one batch (durable.c) */
	int in_batch;                /* while it does */
};

/* cache.c: response bodies by key, each valid at one generation; shared by
 * the threads.  NULL (max_entries 0) caches nothing.  get copies the body
 * into out and returns 1 when the key is cached at gen (an entry of
 * another generation is dropped). */
struct resp_cache;
struct resp_cache *resp_cache_new(size_t max_entries, size_t max_bytes);
int resp_cache_get(struct resp_cache *c, const char *key, int64_t gen, struct dbuf *out);
void resp_cache_put(struct resp_cache *c, const char *key, int64_t gen, const char *body,
		    size_t len);
void resp_cache_free(struct resp_cache *c);

struct server {
	struct registry *reg;
	struct server_config cfg;
	pthread_rwlock_t reg_lock;   /* readers: requests; writer: calendar change */
	int fd;
	struct server_thread *threads;
	int nthreads;
	_Atomic int64_t clock_offset;/* test clock: seconds added to the wall clock */
	_Atomic int tick_now;        /* ask the scheduler to run at once */
	char url[128];
	struct net_list trusted;       /* proxies that may name the client */
	struct net_list metrics_allow; /* who may read /metrics */
	dip_time started;
	struct resp_cache *search_cache; /* GET /api/search answers */
	/* group commit (durable.c); group is NULL when commits sync themselves */
	struct store_group *group;
	pthread_t syncer, checkpointer;
	int syncer_running, checkpointer_running;
	pthread_mutex_t sync_mu;
	pthread_cond_t sync_cv, ckpt_cv;
	_Atomic uint64_t sync_want;  /* the highest ticket a parked reply needs */
	_Atomic uint64_t sync_told;  /* the committed ticket last told to it */
	int sync_stop;
	_Atomic uint64_t durable;    /* the highest ticket on disk */
	_Atomic long nparked;
	_Atomic int lock_turn;       /* 1 + the thread whose turn the write lock is, or 0 */
	_Atomic int64_t lock_turn_at; /* when that turn was given, monotonic ms */
	/* the statistics counter (statsbg.c) */
	pthread_t stats_tid;
	int stats_running, stats_want, stats_stop;
	pthread_mutex_t stats_mu;
	pthread_cond_t stats_cv;
	struct svc stats_svc;
	/* anonymous uploads per address, a small fixed window table */
	pthread_mutex_t anon_lock;
	struct {
		char addr[64];
		dip_time window;
		int count;
	} anon[256];
};

dip_time server_now(struct server *s);
/* Authenticates the request from its cookie or bearer token into r->who. */
int auth_request(struct req *r);
/* Starts a browser session for account a: sets the cookie, returns the
 * CSRF token in csrf (65 bytes). */
int auth_start_session(struct req *r, const struct account *a, char csrf[65]);
/* Sets the session cookie to secret for max_age seconds ("" and 0 clear
 * it); Secure when the registry's base URL is https. */
void auth_set_cookie(struct req *r, const char *secret, int max_age);
/* The auth need of a route is met by r->who; sends 401/403 when not. */
int auth_allows(struct req *r, int need);
/* Group commit (durable.c).  durable_park keeps body (taken over) and
 * sends the reply once everything committed so far is on disk; 0 when the
 * reply may go now.  durable_park_json does the same with a JSON reply
 * (json and text taken over when parked; http_json_body), written out
 * when it goes: outside the write lock that its transaction held.
 * durable_flush syncs at once and wakes the loops; 1 when replies were
 * parked. */
int durable_start(struct server *s);
int durable_park(struct req *r, int status, const char *reason, struct evbuffer *body);
int durable_park_json(struct req *r, int status, const char *reason, json_t *json,
		      const char *key, char *text);
int durable_flush(struct server *s);
void durable_stop(struct server *s);
/* Batched commit (durable.c): around each request's handler; and
 * durable_batch_end commits the thread's open batch now, for a handler
 * that must not run inside one. */
void durable_request_begin(struct req *r);
void durable_request_end(struct req *r);
void durable_batch_end(struct server_thread *th);
/* A request that writes waits for the thread's next batch
 * (durable_defers); durable_defer keeps r, begun (server.c), to run its
 * handler there (1), or leaves it to be served now (0).
 * server_serve_deferred runs a kept request's handler and frees it;
 * server_drop_deferred frees one that will not run. */
int durable_defers(struct server_thread *th, struct evhttp_request *ev);
int durable_defer(struct server_thread *th, struct req *r);
void server_serve(struct evhttp_request *ev, struct server_thread *th);
void server_serve_deferred(struct req *r);
void server_drop_deferred(struct req *r);
/* The access line of a request, under the current request id. */
void server_access_log(enum evhttp_cmd_type method, const char *route, int status,
		       double seconds, const char *addr);
/* The statistics counter (statsbg.c): 0, or -1 when it cannot start. */
int statsbg_start(struct server *s);
void statsbg_stop(struct server *s);
/* 1 and counts one when an anonymous client may still upload. */
int server_anon_upload_ok(struct server *s, const char *addr, dip_time now);

#endif
