/*
 * durable.c - answers wait until what they stand on is on disk.
 *
 * The threads' store connections form a group (store.h): a commit does not
 * wait for the disk, so the event loop goes on to the next request while a
 * syncer thread makes every commit so far durable with one fdatasync.  A
 * reply is sent at once when everything committed by then is durable, and
 * is parked otherwise: the syncer wakes the thread once its sync covers the
 * reply's ticket.  So a submission is acknowledged only after it is on
 * disk (Art. 7: the submission date is the moment the registry durably
 * received it), as with one fsync per commit, but 64 concurrent
 * submissions share a handful of syncs instead of queueing for 64.  Reads
 * wait too when a write they may have seen is not yet durable, so nothing
 * answered to anyone can vanish in a crash.
 *
 * Batched commit: on top of sharing syncs, the write requests that one
 * loop iteration reads share one transaction (batch_allow in store.h).
 * They are queued as they arrive; an event queued behind the iteration's
 * ready connections takes the write lock, runs them (the first opens the
 * transaction, the others are savepoints in it) and commits.  A
 * stream of submissions then writes the pages they all touch (the ends of
 * the events, deadlines, messages and log tables and of their indexes)
 * once per batch instead of once per submission.  Reads never run in a
 * batch: no batch is open outside that event, so a long read never holds
 * the write lock and nothing uncommitted reaches a cache.  A write request
 * that finds another
 * thread's batch holding the write lock waits its turn without blocking
 * its loop, and those that waited then run as a batch of their own.
 * Should a batch be lost (a full disk), every reply parked on it becomes
 * a 503: nothing of it was stored, and nobody was told otherwise.
 *
 * With PostgreSQL each commit is durable by itself and nothing is parked.
 */
#include "server/internal.h"
#include "server/router.h"
#include "service/ledger.h"
#include "util/log.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct parked {
	struct evhttp_request *ev;
	int status;
	const char *reason;
	struct evbuffer *body;
	json_t *json;            /* written into body when the reply goes, */
	const char *key;         /* with this member of it */
	char *text;              /* written as this text (http_json_body) */
	uint64_t ticket;
	int batch;               /* parked while a batch was open */
	char reqid[40];          /* the request's id, for the log */
	const char *route;       /* its route's pattern */
	size_t slot;             /* its metrics slot: counted when sent */
	struct timespec started; /* its dispatch: its latency runs to its sending */
	enum evhttp_cmd_type method;
	char addr[64];           /* the client's, for the access log */
	struct parked *next;
};

/* A batch holds the write lock: it is committed when its requests have
 * run, or at once when it grew this long. */
#define BATCH_MAX 128

static void free_parked(struct parked *p)
{
	evbuffer_free(p->body);
	json_decref(p->json);
	free(p->text);
	free(p);
}

/* Sends the parked replies of th that are durable now; runs on th's loop. */
static void on_release(evutil_socket_t fd, short what, void *arg)
{
	struct server_thread *th = arg;
	uint64_t d = atomic_load(&th->srv->durable);
	struct parked *p;
	char current[40];
	double seconds;

	(void)fd;
	(void)what;
	snprintf(current, sizeof(current), "%s", log_request_id());
	while ((p = th->parked) != NULL && p->ticket <= d) {
		th->parked = p->next;
		if (th->parked == NULL)
			th->parked_tail = NULL;
		/* http_json_body adds all of the reply or nothing. */
		if (p->json && http_json_body(p->body, p->json, p->key, p->text) != 0) {
			p->status = 500;
			p->reason = "Internal Server Error";
		}
		seconds = metrics_seconds_since(&p->started);
		metrics_request(&th->metrics, p->slot, p->status, seconds);
		log_set_request_id(p->reqid);
		server_access_log(p->method, p->route, p->status, seconds, p->addr);
		log_set_request_id(current);
		http_send_reply(p->ev, p->status, p->reason, p->body);
		free_parked(p);
		atomic_fetch_sub(&th->srv->nparked, 1);
	}
}

static void wake_all(struct server *s)
{
	int i;

	for (i = 0; i < s->nthreads; i++)
		if (s->threads[i].release)
			event_active(s->threads[i].release, EV_READ, 1);
}

/* Tells the syncer that a reply needs ticket want, or that a commit
 * completed which a parked reply may need.  A wake-up costs a system
 * call, so the syncer is woken only for news: a higher ticket wanted, or
 * commits it has not been told of. */
static void kick(struct server *s, uint64_t want)
{
	uint64_t c = store_group_committed(s->group);

	if (want <= atomic_load(&s->sync_want) && c <= atomic_load(&s->sync_told))
		return;
	pthread_mutex_lock(&s->sync_mu);
	if (want > s->sync_want)
		s->sync_want = want;
	if (c > s->sync_told)
		s->sync_told = c;
	pthread_cond_signal(&s->sync_cv);
	pthread_mutex_unlock(&s->sync_mu);
}

/* Every commit, whoever made it (a request, the scheduler, the
 * sequencer), may be one that a parked reply waits for
 * (store_group_on_commit). */
static void on_commit(void *arg)
{
	kick(arg, 0);
}

/* One sync of everything committed so far, and the loops woken. */
static void sync_now(struct server *s)
{
	struct dip_error e;
	uint64_t d;

	if (store_group_sync(s->group, &d, &e) != 0) {
		/* The kernel may have dropped what it could not write: no
		 * answer may claim it is on disk, now or later. */
		log_event(LOG_ERROR, "sync_failed", "error", e.message, "action", "exiting", NULL);
		_exit(70);
	}
	atomic_store(&s->durable, d);
	wake_all(s);
}

/* ts set to ms milliseconds from now, for pthread_cond_timedwait. */
static const struct timespec *in_ms(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += ms * 1000000L;
	ts->tv_sec += ts->tv_nsec / 1000000000L;
	ts->tv_nsec %= 1000000000L;
	return ts;
}

static void *syncer_main(void *arg)
{
	struct server *s = arg;

	pthread_setname_np(pthread_self(), "dipreg-sync");
	pthread_mutex_lock(&s->sync_mu);
	for (;;) {
		/* The ticket wanted may belong to a commit still running, or
		 * to a batch still open: then there is nothing to sync until a
		 * commit completes, and says so (on_commit). */
		while (!s->sync_stop && (s->sync_want <= atomic_load(&s->durable) ||
					 store_group_committed(s->group) <= atomic_load(&s->durable)))
			pthread_cond_wait(&s->sync_cv, &s->sync_mu);
		if (s->sync_stop)
			break;
		pthread_mutex_unlock(&s->sync_mu);
		sync_now(s);
		pthread_mutex_lock(&s->sync_mu);
	}
	pthread_mutex_unlock(&s->sync_mu);
	return NULL;
}

/* Checkpoints, off the loops and the syncer: the log is copied into the
 * database whenever it has grown past 4 MiB (SQLite's own default). */
static void *checkpointer_main(void *arg)
{
	struct server *s = arg;
	struct dip_error e;
	struct timespec ts;

	pthread_setname_np(pthread_self(), "dipreg-ckpt");
	pthread_mutex_lock(&s->sync_mu);
	while (!s->sync_stop) {
		pthread_cond_timedwait(&s->ckpt_cv, &s->sync_mu, in_ms(&ts, 100));
		if (s->sync_stop)
			break;
		pthread_mutex_unlock(&s->sync_mu);
		if (store_group_checkpoint(s->group, 4 << 20, &e) != 0)
			log_event(LOG_WARN, "checkpoint_failed", "error", e.message, NULL);
		pthread_mutex_lock(&s->sync_mu);
	}
	pthread_mutex_unlock(&s->sync_mu);
	return NULL;
}

/* Takes back the replies parked on a lost batch: each becomes a 503, and
 * a line under its request id says what it would have been. */
static void take_back(struct server_thread *th)
{
	struct parked *p;
	char current[40], was[8];

	snprintf(current, sizeof(current), "%s", log_request_id());
	for (p = th->parked; p; p = p->next) {
		struct evkeyvalq *h;

		if (!p->batch)
			continue;
		snprintf(was, sizeof(was), "%d", p->status);
		log_set_request_id(p->reqid);
		log_event(LOG_ERROR, "reply_taken_back", "route", p->route, "status", "503",
			  "instead_of", was, NULL);
		h = evhttp_request_get_output_headers(p->ev);
		/* Nothing of the answer stands, a session it opened neither. */
		evhttp_remove_header(h, "Set-Cookie");
		evhttp_remove_header(h, "Content-Type");
		evhttp_add_header(h, "Content-Type", "application/json; charset=utf-8");
		json_decref(p->json);
		p->json = NULL;
		evbuffer_drain(p->body, evbuffer_get_length(p->body));
		evbuffer_add_printf(p->body, "{\"error\":{\"code\":\"busy\",\"field\":null,"
				    "\"message\":\"the registry could not store this request; "
				    "nothing of it was recorded, please try again\"}}");
		p->status = 503;
		p->reason = "Service Unavailable";
		p->ticket = 0;
	}
	log_set_request_id(current);
}

static int writes(enum evhttp_cmd_type m)
{
	return m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD && m != EVHTTP_REQ_OPTIONS;
}

void durable_request_begin(struct req *r)
{
	if (r->th && r->th->in_batch)
		r->th->svc.st->batch_allow(r->th->svc.st, 1);
}

/*
 * Write requests run together, off the loop's reading: each is queued as
 * it arrives, and an event behind the loop iteration's ready connections
 * takes the write lock, runs every queued request as one batch, commits it
 * and lets the lock go.  So the lock is held for the transactions alone,
 * while reading and parsing requests and sending replies go on outside it
 * (on every thread at once).  When another thread's batch holds the lock,
 * the requests stay queued without blocking the loop; the thread that lets
 * the lock go wakes those that wait, and a short timer covers the lock's
 * other holders (the scheduler, a checkpoint).
 */
struct deferred {
	struct req *r;
	struct deferred *next;
};

static void retry_soon(struct server_thread *th)
{
	struct timeval tv = { 0, 1000 };

	event_add(th->retry, &tv);
}

int durable_defers(struct server_thread *th, struct evhttp_request *ev)
{
	return th->retry != NULL && writes(evhttp_request_get_command(ev));
}

int durable_defer(struct server_thread *th, struct req *r)
{
	struct deferred *d = malloc(sizeof(*d));

	if (d == NULL)
		return 0;
	d->r = r;
	d->next = NULL;
	if (th->deferred_tail)
		th->deferred_tail->next = d;
	else
		th->deferred = d;
	th->deferred_tail = d;
	if (atomic_fetch_add(&th->ndeferred, 1) == 0)
		event_active(th->retry, EV_READ, 1);
	return 1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How long a thread waits for another whose turn it is to take the lock. */
#define TURN_MS 20

static void on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct server_thread *th = arg;
	struct server *s = th->srv;
	struct deferred *d;
	int turn = atomic_load(&s->lock_turn);

	(void)fd;
	(void)what;
	if (th->deferred == NULL)
		return;
	if (turn && turn != th->index + 1 && now_ms() - atomic_load(&s->lock_turn_at) < TURN_MS) {
		retry_soon(th);
		return;
	}
	if (!th->svc.st->batch_try(th->svc.st)) {
		retry_soon(th);
		return;
	}
	if (turn)
		atomic_compare_exchange_strong(&s->lock_turn, &turn, 0);
	th->in_batch = 1;
	while ((d = th->deferred) != NULL) {
		th->deferred = d->next;
		if (th->deferred == NULL)
			th->deferred_tail = NULL;
		atomic_fetch_sub(&th->ndeferred, 1);
		server_serve_deferred(d->r);
		free(d);
	}
	th->in_batch = 0;
	/* Whatever the requests turned out to be, the batch that batch_try
	 * opened is committed now. */
	durable_batch_end(th);
}

/*
 * The write lock is free: it is the turn of the next thread, in order,
 * whose requests wait for it, and the others (this one too) wait until it
 * has had it.  Otherwise a thread whose clients keep it busy would take
 * the lock again and again before a thread woken from its wait got there,
 * and nothing would bound how long the other thread's requests wait.
 */
static void wake_deferred(struct server_thread *th)
{
	struct server *s = th->srv;
	int i, k;

	for (i = 1; i < s->nthreads; i++) {
		k = (th->index + i) % s->nthreads;
		if (atomic_load(&s->threads[k].ndeferred) > 0) {
			atomic_store(&s->lock_turn_at, now_ms());
			atomic_store(&s->lock_turn, k + 1);
			event_active(s->threads[k].retry, EV_TIMEOUT, 1);
			return;
		}
	}
}

void durable_batch_end(struct server_thread *th)
{
	struct store *st = th->svc.st;
	struct parked *p;
	int n;

	n = st->batch_size(st);
	if (n == 0)
		return;
	if (st->batch_commit(st) != 0) {
		log_event(LOG_ERROR, "batch_lost", "error", st->err.message, NULL);
		metrics_count(&th->metrics.db_errors, 1);
		metrics_count(&th->metrics.batches_lost, 1);
		svc_log_batch_lost(&th->svc);
		take_back(th);
		on_release(-1, 0, th);
	} else {
		metrics_count(&th->metrics.batches, 1);
		metrics_count(&th->metrics.batched, (uint64_t)n);
	}
	wake_deferred(th);
	for (p = th->parked; p; p = p->next)
		p->batch = 0;
}

int durable_start(struct server *s)
{
	int i;

	if (s->group == NULL)
		return 0;
	pthread_mutex_init(&s->sync_mu, NULL);
	pthread_cond_init(&s->sync_cv, NULL);
	pthread_cond_init(&s->ckpt_cv, NULL);
	store_group_on_commit(s->group, on_commit, s);
	for (i = 0; i < s->nthreads; i++) {
		s->threads[i].release = event_new(s->threads[i].base, -1, 0, on_release,
						  &s->threads[i]);
		s->threads[i].retry = event_new(s->threads[i].base, -1, 0, on_retry, &s->threads[i]);
		if (s->threads[i].release == NULL || s->threads[i].retry == NULL)
			return -1;
	}
	if (pthread_create(&s->syncer, NULL, syncer_main, s) != 0)
		return -1;
	s->syncer_running = 1;
	if (pthread_create(&s->checkpointer, NULL, checkpointer_main, s) != 0)
		return -1;
	s->checkpointer_running = 1;
	return 0;
}

static int park(struct req *r, int status, const char *reason, struct evbuffer *body,
		json_t *json, const char *key, char *text)
{
	struct server *s = r->srv;
	struct server_thread *th = r->th;
	struct parked *p;
	uint64_t need;

	if (s->group == NULL || !s->syncer_running)
		return 0;
	need = store_group_reserved(s->group);
	if (need <= atomic_load(&s->durable))
		return 0;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return 0;
	if (body == NULL && (body = evbuffer_new()) == NULL) {
		free(p);
		return 0;
	}
	p->ev = r->ev;
	p->status = status;
	p->reason = reason;
	p->body = body;
	p->json = json;
	p->key = key;
	p->text = text;
	p->ticket = need;
	p->batch = r->v->st->batch_size(r->v->st) > 0;
	snprintf(p->reqid, sizeof(p->reqid), "%s", r->reqid);
	p->route = metrics_route_label(r);
	/* Counted and logged when it goes out: with the status it goes out
	 * with, which a lost batch changes (take_back), and the wait for the
	 * disk in its latency, as its client sees it. */
	p->slot = metrics_slot_req(r);
	p->started = r->started;
	p->method = r->method;
	snprintf(p->addr, sizeof(p->addr), "%s", r->addr);
	r->count_on_send = 1;
	if (th->parked_tail)
		th->parked_tail->next = p;
	else
		th->parked = p;
	th->parked_tail = p;
	atomic_fetch_add(&s->nparked, 1);
	kick(s, need);
	return 1;
}

int durable_park(struct req *r, int status, const char *reason, struct evbuffer *body)
{
	return park(r, status, reason, body, NULL, NULL, NULL);
}

int durable_park_json(struct req *r, int status, const char *reason, json_t *json,
		      const char *key, char *text)
{
	return json && park(r, status, reason, NULL, json, key, text);
}

void durable_request_end(struct req *r)
{
	struct server_thread *th = r->th;

	if (th == NULL || !th->in_batch)
		return;
	th->svc.st->batch_allow(th->svc.st, 0);
	if (th->svc.st->batch_size(th->svc.st) >= BATCH_MAX)
		durable_batch_end(th);
}

int durable_flush(struct server *s)
{
	if (s->group == NULL || !s->syncer_running)
		return 0;
	sync_now(s);
	return atomic_load(&s->nparked) > 0;
}

void durable_stop(struct server *s)
{
	int i;

	if (s->group == NULL || !s->syncer_running)
		return;
	store_group_on_commit(s->group, NULL, NULL);
	pthread_mutex_lock(&s->sync_mu);
	s->sync_stop = 1;
	pthread_cond_signal(&s->sync_cv);
	pthread_cond_signal(&s->ckpt_cv);
	pthread_mutex_unlock(&s->sync_mu);
	pthread_join(s->syncer, NULL);
	if (s->checkpointer_running)
		pthread_join(s->checkpointer, NULL);
	s->checkpointer_running = 0;
	s->syncer_running = 0;
	for (i = 0; i < s->nthreads; i++) {
		struct parked *p;

		while ((p = s->threads[i].parked) != NULL) {
			s->threads[i].parked = p->next;
			free_parked(p);
		}
		if (s->threads[i].release)
			event_free(s->threads[i].release);
		s->threads[i].release = NULL;
		if (s->threads[i].retry)
			event_free(s->threads[i].retry);
		s->threads[i].retry = NULL;
		while (s->threads[i].deferred) {
			struct deferred *d = s->threads[i].deferred;

			s->threads[i].deferred = d->next;
			server_drop_deferred(d->r);
			free(d);
		}
		s->threads[i].deferred_tail = NULL;
	}
	pthread_cond_destroy(&s->sync_cv);
	pthread_cond_destroy(&s->ckpt_cv);
	pthread_mutex_destroy(&s->sync_mu);
}
