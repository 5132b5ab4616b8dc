/*
 * server.c - listening, threads, dispatch, the scheduler timer and
 * graceful shutdown.
 */
#include "server/internal.h"
#include "server/router.h"
#include "server/handlers.h"
#include "service/ledger.h"
#include "crypto/rand.h"
#include "util/b64.h"
#include "util/file.h"
#include "util/log.h"
#include "util/redact.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <event2/thread.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void server_config_defaults(struct server_config *c)
{
	memset(c, 0, sizeof(*c));
	c->db = "var/dipreg.db";
	c->listen = "127.0.0.1:8080";
	c->web_dir = DIP_SHAREDIR "/web";
	c->max_body = 1 << 20;
	c->max_upload = 20 << 20;
	c->max_depth = 32;
	c->tick_seconds = 30;
	c->session_hours = 12;
	c->anon_uploads_per_hour = 30;
	c->search_cache = 4096;
}

dip_time server_now(struct server *s)
{
	return (dip_time)time(NULL) + atomic_load(&s->clock_offset);
}

int server_anon_upload_ok(struct server *s, const char *addr, dip_time now)
{
	unsigned h = 5381;
	const char *p;
	int ok, i;

	for (p = addr; *p; p++)
		h = h * 33 + (unsigned char)*p;
	i = (int)(h % 256);
	pthread_mutex_lock(&s->anon_lock);
	if (strcmp(s->anon[i].addr, addr) != 0 || now - s->anon[i].window >= 3600) {
		snprintf(s->anon[i].addr, sizeof(s->anon[i].addr), "%s", addr);
		s->anon[i].window = now;
		s->anon[i].count = 0;
	}
	ok = s->anon[i].count < s->cfg.anon_uploads_per_hour;
	if (ok)
		s->anon[i].count++;
	pthread_mutex_unlock(&s->anon_lock);
	return ok;
}

/* An API reply is data, never a page: it gets the headers that keep a
 * browser from sniffing, framing or running it.  Referrer-Policy and
 * Cross-Origin-Opener-Policy act only on pages, which get them too.  (Each
 * header costs evhttp an allocation, a lookup and a printf per reply.) */
static void security_headers(struct evkeyvalq *h, int api)
{
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	if (api) {
		evhttp_add_header(h, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
		return;
	}
	evhttp_add_header(h, "Content-Security-Policy",
			  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
			  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
			  "form-action 'self'; frame-ancestors 'none'");
	evhttp_add_header(h, "Referrer-Policy", "same-origin");
	evhttp_add_header(h, "Cross-Origin-Opener-Policy", "same-origin");
}

/* The Date header, written once a second by each thread: evhttp would
 * format it with snprintf for every reply. */
static void date_header(struct server_thread *th, struct evkeyvalq *h)
{
	dip_time t = (dip_time)time(NULL);

	if (t != th->date_at) {
		time_format_http(t, th->date);
		th->date_at = t;
	}
	evhttp_add_header(h, "Date", th->date);
}

/* A request dispatched and not yet answered to the end, for the graceful
 * stop: done when the reply is written or the connection goes away,
 * whichever comes first. */
struct inflight {
	struct server_thread *th;
};

static void inflight_done(struct inflight *f)
{
	f->th->inflight--;
	clock_gettime(CLOCK_MONOTONIC, &f->th->last);
	free(f);
}

static void on_reply_written(struct evhttp_request *ev, void *arg)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(ev);

	if (conn)
		evhttp_connection_set_closecb(conn, NULL, NULL);
	inflight_done(arg);
}

static void on_conn_closed(struct evhttp_connection *conn, void *arg)
{
	(void)conn;
	inflight_done(arg);
}

/* Bytes arriving on any connection of the thread: a request whose body is
 * still coming is not dispatched yet, but keeps the thread from stopping. */
static void on_input(struct evbuffer *b, const struct evbuffer_cb_info *info, void *arg)
{
	struct server_thread *th = arg;

	(void)b;
	if (info->n_added)
		clock_gettime(CLOCK_MONOTONIC, &th->last);
}

static void relisten(evutil_socket_t fd, short what, void *arg)
{
	struct server_thread *th = arg;

	(void)fd;
	(void)what;
	if (th->drain == NULL)
		evconnlistener_enable(evhttp_bound_socket_get_listener(th->bound));
}

#define ACCEPT_AHEAD 1     /* connections a thread may accept beyond the fewest */
#define ACCEPT_WAIT_US 1000 /* how long a thread that is ahead stops accepting */

/* Has th accepted more than ACCEPT_AHEAD connections beyond the thread
 * that accepted fewest? */
static int accept_ahead(const struct server_thread *th)
{
	const struct server *s = th->srv;
	uint64_t mine = atomic_load_explicit(&th->metrics.connections, memory_order_relaxed);
	int i;

	for (i = 0; i < s->nthreads; i++)
		if (atomic_load_explicit(&s->threads[i].metrics.connections, memory_order_relaxed) +
		    ACCEPT_AHEAD < mine)
			return 1;
	return 0;
}

/*
 * Every thread listens on the one socket, and libevent accepts until the
 * backlog is empty: the thread that woke first would take a whole burst
 * of connections (all 64 of a load generator's) and leave the others
 * idle.  So a thread accepts one connection a turn of its loop and listens
 * again on the next.  A thread that has accepted more than the others
 * waits a millisecond before it listens again, so that a burst is shared
 * evenly; a thread stuck in a long request keeps none waiting longer.
 */
static struct bufferevent *new_connection(struct event_base *base, void *arg)
{
	struct server_thread *th = arg;
	struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	struct timeval now = { 0, 0 }, wait = { 0, ACCEPT_WAIT_US };

	if (bev)
		evbuffer_add_cb(bufferevent_get_input(bev), on_input, arg);
	metrics_count(&th->metrics.connections, 1);
	if (th->bound && th->relisten) {
		evconnlistener_disable(evhttp_bound_socket_get_listener(th->bound));
		evtimer_add(th->relisten, accept_ahead(th) ? &wait : &now);
	}
	return bev;
}

static void track(struct server_thread *th, struct evhttp_request *ev)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(ev);
	struct inflight *f = malloc(sizeof(*f));

	clock_gettime(CLOCK_MONOTONIC, &th->last);
	if (f == NULL || conn == NULL) {
		free(f);
		return;
	}
	f->th = th;
	th->inflight++;
	evhttp_request_set_on_complete_cb(ev, on_reply_written, f);
	evhttp_connection_set_closecb(conn, on_conn_closed, f);
}

void server_access_log(enum evhttp_cmd_type method, const char *route, int status,
		       double seconds, const char *addr)
{
	char st[8], ms[16];

	if (!log_enabled(LOG_INFO))
		return;
	snprintf(st, sizeof(st), "%d", status);
	snprintf(ms, sizeof(ms), "%.2f", seconds * 1e3);
	log_event(LOG_INFO, "access", "method", route_method_name(method), "route", route, "status",
		  st, "ms", ms, "addr", addr, NULL);
}

/*
 * A request from its arrival to its handler: its id, client, path, route
 * and who sends it.  This part runs outside the write lock, also for the
 * write requests that wait for it, and a request refused on the way (no
 * route, no session, no right) never waits.  1 when the handler is to run
 * (serve_handler), 0 when the request was answered on the way.  r must
 * stay where it is until serve_end.
 */
static int serve_begin(struct req *r, struct evhttp_request *ev, struct server_thread *th)
{
	struct server *s = th->srv;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char *query = uri ? evhttp_uri_get_query(uri) : NULL;
	struct evhttp_connection *conn = evhttp_request_get_connection(ev);
	char *peer = NULL;
	ev_uint16_t port = 0;
	int known = 0, run = 0;
	const char *rid;
	uint8_t raw[12];

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_MONOTONIC, &r->started);
	TAILQ_INIT(&r->query);
	r->ev = ev;
	r->th = th;
	r->srv = s;
	r->v = &th->svc;
	r->method = evhttp_request_get_command(ev);
	r->now = server_now(s);
	r->who.roles = ROLE_PUBLIC;
	if (conn)
		evhttp_connection_get_peer(conn, &peer, &port);
	/* Behind a trusted reverse proxy, the client is the one it names. */
	net_client_addr(&s->trusted, peer ? peer : "",
			evhttp_find_header(evhttp_request_get_input_headers(ev), "X-Forwarded-For"),
			evhttp_find_header(evhttp_request_get_input_headers(ev), "X-Real-IP"), r->addr,
			sizeof(r->addr));
	str_copy(r->who.addr, sizeof(r->who.addr), r->addr);
	rid = evhttp_find_header(evhttp_request_get_input_headers(ev), "X-Request-Id");
	if (rid && strlen(rid) < sizeof(r->reqid) && strspn(rid, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == strlen(rid)) {
		str_copy(r->reqid, sizeof(r->reqid), rid);
	} else {
		/* Unique, not secret: the thread's random base plus a count, so
		 * that no request pays for the random generator. */
		uint64_t lo = 0;
		int i;

		memcpy(raw, th->rid_base, sizeof(raw));
		for (i = 4; i < 12; i++)
			lo = lo << 8 | raw[i];
		lo += ++th->rid_seq;
		for (i = 11; i >= 4; i--, lo >>= 8)
			raw[i] = (uint8_t)lo;
		hex_encode(r->reqid, raw, sizeof(raw));
		r->reqid[24] = '\0';
	}
	log_set_request_id(r->reqid);
	evhttp_add_header(evhttp_request_get_output_headers(ev), "X-Request-Id", r->reqid);
	date_header(th, evhttp_request_get_output_headers(ev));
	if (path == NULL || strlen(path) >= sizeof(r->path) || strstr(path, "..")) {
		str_copy(r->path, sizeof(r->path), "(bad)");
		security_headers(evhttp_request_get_output_headers(ev), 1);
		reply_fail(r, DIP_ENOTFOUND, "", "no such path");
		return 0;
	}
	str_copy(r->path, sizeof(r->path), path);
	if (query && evhttp_parse_query_str(query, &r->query) != 0) {
		security_headers(evhttp_request_get_output_headers(ev), 1);
		reply_fail(r, DIP_EINVAL, "", "malformed query string");
		return 0;
	}
	security_headers(evhttp_request_get_output_headers(ev), strncmp(r->path, "/api/", 5) == 0);
	pthread_rwlock_rdlock(&s->reg_lock);
	r->route = route_match(r, &known);
	if (r->route == NULL) {
		if (known)
			reply_fail(r, DIP_ENOTFOUND, "", "method %s not allowed on %s",
				   route_method_name(r->method), r->path);
		else if (strncmp(r->path, "/api/", 5) != 0 && (r->method == EVHTTP_REQ_GET ||
							       r->method == EVHTTP_REQ_HEAD)) {
			r->is_static = 1;
			h_static(r);
		}
		else
			reply_json(r, 404, json_pack("{s:{s:s,s:n,s:s}}", "error", "code", "no_route",
						     "field", "message", "no such API route"));
	} else {
		run = auth_request(r) == 0 && auth_allows(r, r->route->auth) == 0;
	}
	pthread_rwlock_unlock(&s->reg_lock);
	if (run)
		req_json_ahead(r);
	return run;
}

/* The handler, at the time it runs: a write request's under the write
 * lock, in its thread's batch. */
static void serve_handler(struct req *r)
{
	struct server *s = r->srv;

	log_set_request_id(r->reqid);
	r->now = server_now(s);
	pthread_rwlock_rdlock(&s->reg_lock);
	durable_request_begin(r);
	r->v->ahead = &r->ahead;
	r->route->fn(r);
	r->v->ahead = NULL;
	durable_request_end(r);
	pthread_rwlock_unlock(&s->reg_lock);
}

/* Every action under /api/applications/{id} loads that application: its
 * content is read and parsed while the request waits for the lock (and
 * checked, for a submission), and the action takes it over if it is
 * still the same. */
static void read_ahead(struct req *r)
{
	static const char prefix[] = "/api/applications/{id}";
	int64_t id;

	if (strncmp(r->route->pattern, prefix, sizeof(prefix) - 1) != 0)
		return;
	id = req_param_id(r, 0);
	if (id > 0)
		svc_read_ahead(r->v, id, r->route->fn == h_app_submit ? r->now : 0, &r->ahead);
}

static void req_release(struct req *r)
{
	json_decref(r->body);
	svc_ahead_free(&r->ahead);
	evhttp_clear_headers(&r->query);
}

/* What is left once the reply is made (or parked): counting, logging,
 * freeing. */
static void serve_end(struct req *r)
{
	double seconds;

	/* A parked reply is counted and logged when it goes out, as it is
	 * or, from a lost batch, as a 503 (durable.c). */
	if (!r->count_on_send) {
		seconds = metrics_seconds(r);
		metrics_request(&r->th->metrics, metrics_slot_req(r), r->status, seconds);
		server_access_log(r->method, metrics_route_label(r), r->status, seconds, r->addr);
	}
	log_set_request_id(NULL);
	req_release(r);
}

void server_serve(struct evhttp_request *ev, struct server_thread *th)
{
	struct req r;

	if (serve_begin(&r, ev, th))
		serve_handler(&r);
	serve_end(&r);
}

void server_serve_deferred(struct req *r)
{
	serve_handler(r);
	serve_end(r);
	free(r);
}

void server_drop_deferred(struct req *r)
{
	req_release(r);
	free(r);
}

/* A write request is read, routed and authenticated at once, and waits
 * for the write lock only to run its handler (durable.c). */
static void dispatch(struct evhttp_request *ev, void *arg)
{
	struct server_thread *th = arg;
	struct req *r;

	track(th, ev);
	if (!durable_defers(th, ev) || (r = malloc(sizeof(*r))) == NULL) {
		server_serve(ev, th);
		return;
	}
	if (serve_begin(r, ev, th)) {
		read_ahead(r);
		if (durable_defer(th, r)) {
			log_set_request_id(NULL);
			return;
		}
		serve_handler(r);
	}
	serve_end(r);
	free(r);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct server_thread *th = arg;
	struct server *s = th->srv;
	struct tick_report rep;
	struct dip_error e;

	(void)fd;
	(void)what;
	atomic_store(&s->tick_now, 0);
	pthread_rwlock_rdlock(&s->reg_lock);
	metrics_count(&th->metrics.scheduler_runs, 1);
	memset(&rep, 0, sizeof(rep));
	/* Several servers may share the database: one scheduler at a time,
	 * and a busy one is left to its round. */
	if (svc_tick_if_idle(&th->svc, server_now(s), &rep, &e) != 0) {
		log_event(LOG_ERROR, "scheduler_failed", "error", e.message, NULL);
		metrics_count(&th->metrics.scheduler_failures, 1);
		if (e.code == DIP_EDB || e.code == DIP_EBUSY)
			metrics_count(&th->metrics.db_errors, 1);
	}
	metrics_count(&th->metrics.scheduler_applied, (uint64_t)(rep.applied > 0 ? rep.applied : 0));
	pthread_rwlock_unlock(&s->reg_lock);
}

static void on_poll_tick(evutil_socket_t fd, short what, void *arg)
{
	struct server_thread *th = arg;
	struct dip_error e;
	int busy;

	if (atomic_load(&th->srv->tick_now))
		on_tick(fd, what, arg);
	/* The sequencer: fold new log entries into a signed checkpoint about
	 * once a second (this timer runs on thread 0 only). */
	if (++th->polls % 5 == 0 && th->srv->reg->keys) {
		pthread_rwlock_rdlock(&th->srv->reg_lock);
		if (svc_log_integrate_if_idle(&th->svc, server_now(th->srv), &busy, &e) != 0) {
			log_event(LOG_ERROR, "sequencer_failed", "error", e.message, NULL);
			metrics_count(&th->metrics.sequencer_failures, 1);
			if (e.code == DIP_EDB || e.code == DIP_EBUSY)
				metrics_count(&th->metrics.db_errors, 1);
		}
		pthread_rwlock_unlock(&th->srv->reg_lock);
	}
}

static void *thread_main(void *arg)
{
	struct server_thread *th = arg;
	char name[16];

	/* The first thread is the process's own and keeps its name, which
	 * ps, pgrep and the init system know it by. */
	snprintf(name, sizeof(name), "dipreg-http%d", th->index);
	pthread_setname_np(pthread_self(), name);
	event_base_dispatch(th->base);
	return NULL;
}

#ifdef DIP_FUZZ
/* For test/fuzz/fuzz_http.c: a thread that dispatches like the server's. */
void server_fuzz_attach(struct server_thread *th, const char *db);
void server_fuzz_attach(struct server_thread *th, const char *db)
{
	struct dip_error e;

	th->svc.reg = th->srv->reg;
	th->svc.st = store_open(db, &e);
	th->base = event_base_new();
	th->http = evhttp_new(th->base);
	if (th->svc.st == NULL || th->base == NULL || th->http == NULL)
		abort();
	evhttp_set_max_body_size(th->http, 1 << 20);
	evhttp_set_gencb(th->http, dispatch, th);
}
#endif

static int parse_listen(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	long port;
	char *end;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static int open_listener(struct server *s)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int one = 1, fd;
	char host[INET_ADDRSTRLEN];

	if (parse_listen(s->cfg.listen, &sa)) {
		fprintf(stderr, "dipreg: --listen: expected IPv4:PORT such as 127.0.0.1:8080, got \"%s\"\n",
			s->cfg.listen);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* Accepted connections inherit it: a reply that leaves in two writes
	 * (headers, then a large body) must not wait for the client's delayed
	 * acknowledgement of the first, 40 ms on Linux, on a kept-alive
	 * connection. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1024) != 0) {
		fprintf(stderr, "dipreg: cannot listen on %s: %s\n", s->cfg.listen, strerror(errno));
		close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&sa, &len);
	inet_ntop(AF_INET, &sa.sin_addr, host, sizeof(host));
	snprintf(s->url, sizeof(s->url), "http://%s:%d", host, ntohs(sa.sin_port));
	s->fd = fd;
	return 0;
}

/* An event loop whose epoll backend batches the changes of one loop
 * iteration: evhttp stops reading a connection while it handles a request
 * and resumes when the reply is queued, which without the change list is
 * two epoll_ctl calls per request for nothing. */
static struct event_base *new_base(void)
{
	struct event_config *cfg = event_config_new();
	struct event_base *b;

	if (cfg == NULL)
		return event_base_new();
	event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	b = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return b ? b : event_base_new();
}

static struct event_base *signal_base;

static void *signal_main(void *arg)
{
	pthread_setname_np(pthread_self(), "dipreg-signals");
	event_base_dispatch(arg);
	return NULL;
}

#define DRAIN_QUIET_MS 500 /* no request nor byte for this long: the thread is done */
#define DRAIN_GRACE_S 30   /* but never longer than this */

static long ms_since(const struct timespec *t, const struct timespec *now)
{
	return (now->tv_sec - t->tv_sec) * 1000 + (now->tv_nsec - t->tv_nsec) / 1000000;
}

/* The loop stops when every request dispatched was answered and nothing
 * arrived for a while, or when the grace period is over. */
static void drain_check(evutil_socket_t fd, short what, void *arg)
{
	struct server_thread *th = arg;
	struct timespec now;

	(void)fd;
	(void)what;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if ((th->inflight <= 0 && ms_since(&th->last, &now) >= DRAIN_QUIET_MS) ||
	    ms_since(&th->drain_until, &now) >= 0)
		event_base_loopexit(th->base, NULL);
}

/* Runs on the thread's own loop: stop accepting, then drain. */
static void drain_start(evutil_socket_t fd, short what, void *arg)
{
	struct server_thread *th = arg;
	struct timeval tv = { 0, 50000 };

	(void)fd;
	(void)what;
	if (th->bound)
		evconnlistener_disable(evhttp_bound_socket_get_listener(th->bound));
	clock_gettime(CLOCK_MONOTONIC, &th->drain_until);
	th->drain_until.tv_sec += DRAIN_GRACE_S;
	th->drain = event_new(th->base, -1, EV_PERSIST, drain_check, th);
	if (th->drain == NULL || event_add(th->drain, &tv) != 0)
		event_base_loopexit(th->base, NULL);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	static int signalled;
	struct server *s = arg;
	struct timeval now = { 0, 0 };
	int i;

	(void)what;
	/* Replies waiting for the disk go out first; the drain waits for
	 * them like for any request in flight. */
	durable_flush(s);
	log_event(LOG_INFO, "shutdown", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM",
		  "then", signalled ? "stop now" : "finish requests in flight", NULL);
	/* Stop accepting, let requests in flight finish, then stop loops; a
	 * second signal stops at once. */
	for (i = 0; i < s->nthreads; i++)
		if (signalled || event_base_once(s->threads[i].base, -1, EV_TIMEOUT, drain_start,
						 &s->threads[i], &now) != 0)
			event_base_loopexit(s->threads[i].base, NULL);
	signalled = 1;
}

static void load_stored_calendar(struct server *s, struct svc *v)
{
	struct dbuf b;
	struct dip_error e;

	dbuf_init(&b, 1 << 20);
	if (v->st->begin(v->st, 0) == 0) {
		if (v->st->setting_get(v->st, "calendar", &b) == 0 &&
		    registry_set_calendar(s->reg, b.p, b.len, &e) != 0)
			log_event(LOG_ERROR, "calendar_invalid", "error", e.message, NULL);
		v->st->rollback(v->st);
	}
	dbuf_free(&b);
}

int server_run(struct registry *reg, const struct server_config *cfg)
{
	struct server *s = calloc(1, sizeof(*s));
	struct event *sigint = NULL, *sigterm = NULL, *poll = NULL;
	struct timeval tv;
	struct dip_error e;
	char threads_s[8], db[1024];
	int i, rc = 1;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (s == NULL)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	/* A write past the file size limit (ulimit -f) fails with EFBIG like
	 * one on a full disk: the commit it belonged to is lost and answered
	 * as such, rather than the signal's default ending the server with
	 * every parked reply. */
	signal(SIGXFSZ, SIG_IGN);
#ifdef __GLIBC__
	/* On glibc's malloc (a build without jemalloc, which gives memory
	 * back by its own decay): glibc gives the free top of a heap back to
	 * the kernel whenever it passes 128 KiB, and takes it again for the
	 * next request: under a search load that was a trim, and a flush of
	 * both cores' address caches, every few requests.  4 MiB kept per
	 * heap spares that. */
	mallopt(M_TRIM_THRESHOLD, 4 << 20);
#endif
	evthread_use_pthreads();
	s->reg = reg;
	s->cfg = *cfg;
	pthread_rwlock_init(&s->reg_lock, NULL);
	pthread_mutex_init(&s->anon_lock, NULL);
	s->nthreads = cfg->threads > 0 ? cfg->threads : (int)(cores > 0 ? cores : 1);
	if (s->nthreads > 64)
		s->nthreads = 64;
	s->started = (dip_time)time(NULL);
	if (net_list_parse(cfg->trusted_proxies, &s->trusted, &e) != 0 ||
	    net_list_parse(cfg->metrics_allow ? cfg->metrics_allow : "127.0.0.1, ::1",
			   &s->metrics_allow, &e) != 0) {
		fprintf(stderr, "dipreg: %s\n", e.message);
		goto out;
	}
	if (open_listener(s))
		goto out;
	s->search_cache = resp_cache_new(cfg->search_cache, (size_t)64 << 20);
	/* Group commit: the threads' commits share syncs (durable.c). */
	s->group = store_group_new(cfg->db);
	/* On PostgreSQL, news of every server's commits, so that answers
	 * kept ready are sent without asking whether they still stand. */
	if (store_watch_start(cfg->db, &e) != 0) {
		fprintf(stderr, "dipreg: %s\n", e.message);
		goto out;
	}
	s->threads = calloc((size_t)s->nthreads, sizeof(*s->threads));
	for (i = 0; i < s->nthreads; i++) {
		struct server_thread *th = &s->threads[i];

		th->srv = s;
		th->index = i;
		if (metrics_thread_init(&th->metrics) != 0) {
			fprintf(stderr, "dipreg: out of memory\n");
			goto out;
		}
		crypto_random(th->rid_base, sizeof(th->rid_base));
		th->svc.reg = reg;
		th->svc.st = store_open_grouped(cfg->db, s->group, &e);
		if (th->svc.st == NULL) {
			fprintf(stderr, "dipreg: %s\n", e.message);
			goto out;
		}
		th->base = new_base();
		th->http = evhttp_new(th->base);
		evhttp_set_max_body_size(th->http, (ev_ssize_t)(cfg->max_upload > cfg->max_body
							      ? cfg->max_upload : cfg->max_body) + 1);
		evhttp_set_max_headers_size(th->http, 64 << 10);
		evhttp_set_timeout(th->http, 60);
		/* Every method libevent knows reaches dispatch, which answers
		 * those no route has with a JSON 404; libevent itself would
		 * answer 501 as if the server were broken. */
		evhttp_set_allowed_methods(th->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
					   EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH | EVHTTP_REQ_HEAD |
					   EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT);
		evhttp_set_gencb(th->http, dispatch, th);
		evhttp_set_bevcb(th->http, new_connection, th);
		th->bound = evhttp_accept_socket_with_handle(th->http, s->fd);
		th->relisten = evtimer_new(th->base, relisten, th);
		if (th->bound == NULL || th->relisten == NULL) {
			fprintf(stderr, "dipreg: cannot accept on %s\n", cfg->listen);
			goto out;
		}
	}
	if (durable_start(s) != 0) {
		fprintf(stderr, "dipreg: cannot start the syncer thread\n");
		goto out;
	}
	if (statsbg_start(s) != 0) {
		fprintf(stderr, "dipreg: cannot start the statistics counter\n");
		goto out;
	}
	load_stored_calendar(s, &s->threads[0].svc);
	/* A database from before the search index, or indexed by another
	 * version of the tokenizer, is indexed again before serving. */
	{
		int64_t indexed;
		char n[24];

		if (svc_search_ensure(&s->threads[0].svc, &indexed, &e) != 0) {
			fprintf(stderr, "dipreg: search index: %s\n", e.message);
			goto out;
		}
		if (indexed >= 0) {
			snprintf(n, sizeof(n), "%lld", (long long)indexed);
			log_event(LOG_INFO, "search_index_built", "records", n, NULL);
		}
	}
	/* The scheduler: at start (catching up after downtime), then on a
	 * timer; a short poll lets the test clock trigger it at once. */
	s->threads[0].tick = event_new(s->threads[0].base, -1, EV_PERSIST, on_tick, &s->threads[0]);
	tv.tv_sec = cfg->tick_seconds > 0 ? cfg->tick_seconds : 30;
	tv.tv_usec = 0;
	event_add(s->threads[0].tick, &tv);
	{
		struct timeval pt = { 0, 200000 };

		poll = event_new(s->threads[0].base, -1, EV_PERSIST, on_poll_tick, &s->threads[0]);
		event_add(poll, &pt);
	}
	atomic_store(&s->tick_now, 1);
	signal_base = event_base_new();
	sigint = evsignal_new(signal_base, SIGINT, on_signal, s);
	sigterm = evsignal_new(signal_base, SIGTERM, on_signal, s);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);
	snprintf(threads_s, sizeof(threads_s), "%d", s->nthreads);
	redact_password(cfg->db, db, sizeof(db));
	log_event(LOG_INFO, "listening", "url", s->url, "threads", threads_s, "db", db, NULL);
	if (cfg->test_clock)
		log_event(LOG_WARN, "test_clock_enabled", "warning",
			  "POST /api/admin/clock can move this server's time; never use this in production",
			  NULL);
	if (cfg->ready_file && file_write_atomic(cfg->ready_file, s->url, strlen(s->url), &e) != 0)
		log_event(LOG_ERROR, "ready_file", "error", e.message, NULL);
	for (i = 1; i < s->nthreads; i++)
		pthread_create(&s->threads[i].tid, NULL, thread_main, &s->threads[i]);
	{
		pthread_t sig_tid;

		pthread_create(&sig_tid, NULL, signal_main, signal_base);
		pthread_detach(sig_tid);
	}
	event_base_dispatch(s->threads[0].base);
	for (i = 1; i < s->nthreads; i++)
		pthread_join(s->threads[i].tid, NULL);
	log_event(LOG_INFO, "stopped", NULL);
	rc = 0;
out:
	statsbg_stop(s);
	durable_stop(s);
	if (s->threads)
		for (i = 0; i < s->nthreads; i++) {
			if (s->threads[i].http)
				evhttp_free(s->threads[i].http);
			if (s->threads[i].tick)
				event_free(s->threads[i].tick);
			if (s->threads[i].relisten)
				event_free(s->threads[i].relisten);
			if (s->threads[i].drain)
				event_free(s->threads[i].drain);
			if (i == 0 && poll)
				event_free(poll);
			/* Also runs the finalizers of connections closed above. */
			if (s->threads[i].base)
				event_base_free(s->threads[i].base);
			if (s->threads[i].svc.st)
				store_close(s->threads[i].svc.st);
			metrics_thread_release(&s->threads[i].metrics);
		}
	if (s->fd > 0)
		close(s->fd);
	resp_cache_free(s->search_cache);
	store_watch_stop();
	store_group_free(s->group);
	free(s->threads);
	free(s);
	return rc;
}
