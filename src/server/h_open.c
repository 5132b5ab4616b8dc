/*
 * h_open.c - the register as open data (Art. 20): the full CSV export, the
 * DCAT catalogue in JSON-LD, and the Atom feed of announcements and
 * publications.
 *
 * The CSV export and the catalogue grow with the register, so they are
 * streamed: the service writes one page of registrations at a time, each
 * page goes out as one chunk of a chunked response, and the next page is
 * read only once libevent has written the previous one to the socket.
 * Memory stays at one page whatever the register's size, and a slow
 * client slows the export down instead of filling the server's buffers.
 *
 * A client that goes away mid-stream: libevent then detaches the request
 * from the dead connection without freeing it and never calls the
 * written-callback again.  A watchdog timer notices the detached request
 * and ends it, which frees it.  (The connection's close callback is left
 * to the server's own bookkeeping.)
 */
#include "server/handlers.h"
#include "server/internal.h"
#include "service/stats.h"
#include "util/log.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT_PAGE 200              /* registrations per chunk, by default */
#define EXPORT_CHUNK_MAX (64u << 20) /* bytes a page may take */
#define WATCHDOG_SECONDS 5

typedef int (*page_fn)(struct svc *v, struct svc_export *x, int page, struct dbuf *out,
		       struct dip_error *e);

struct stream {
	struct server_thread *th;
	struct evhttp_request *ev;
	struct event *watchdog;
	struct svc_export x;
	page_fn page;
	int per_page;
	char path[64];
};

static void stream_free(struct stream *s)
{
	if (s->watchdog)
		event_free(s->watchdog);
	free(s);
}

static void on_written(struct evhttp_connection *conn, void *arg);

/* Sends buf as the next chunk; the last one ends the response. */
static void send_chunk(struct stream *s, struct dbuf *buf)
{
	struct evbuffer *eb = evbuffer_new();

	if (eb && buf->len)
		evbuffer_add(eb, buf->p, buf->len);
	if (s->x.done) {
		if (eb && evbuffer_get_length(eb))
			evhttp_send_reply_chunk(s->ev, eb);
		evhttp_send_reply_end(s->ev);
		stream_free(s);
	} else if (eb && evbuffer_get_length(eb)) {
		evhttp_send_reply_chunk_with_cb(s->ev, eb, on_written, s);
	} else {
		/* Nothing to send this time (cannot happen with whole pages):
		 * go on at once rather than wait for a write that never comes. */
		on_written(NULL, s);
	}
	if (eb)
		evbuffer_free(eb);
}

/* The previous chunk reached the socket: produce and send the next. */
static void on_written(struct evhttp_connection *conn, void *arg)
{
	struct stream *s = arg;
	struct server *srv = s->th->srv;
	struct dip_error e;
	struct dbuf buf;
	int rc;

	(void)conn;
	dbuf_init(&buf, EXPORT_CHUNK_MAX);
	pthread_rwlock_rdlock(&srv->reg_lock);
	rc = s->page(&s->th->svc, &s->x, s->per_page, &buf, &e);
	pthread_rwlock_unlock(&srv->reg_lock);
	if (rc) {
		/* The status line is long gone: end the connection without the
		 * last chunk, so the client sees an incomplete download rather
		 * than a short one. */
		log_event(LOG_ERROR, "export_failed", "path", s->path, "error", e.message, NULL);
		conn = evhttp_request_get_connection(s->ev);
		if (conn)
			evhttp_connection_free(conn);
		else
			evhttp_send_reply_end(s->ev);
		stream_free(s);
	} else {
		send_chunk(s, &buf);
	}
	dbuf_free(&buf);
}

static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	struct stream *s = arg;

	(void)fd;
	(void)what;
	if (evhttp_request_get_connection(s->ev) != NULL)
		return;
	/* Detached from a dead connection: ending it frees it. */
	log_event(LOG_INFO, "export_abandoned", "path", s->path, NULL);
	evhttp_send_reply_end(s->ev);
	stream_free(s);
}

/* Answers with the export that page writes: in one piece when it fits a
 * page, streamed otherwise. */
static void stream(struct req *r, page_fn page, const struct svc_export *x, const char *type,
		   const char *filename)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	struct stream *s = calloc(1, sizeof(*s));
	struct timeval tv = { WATCHDOG_SECONDS, 0 };
	struct dip_error e;
	struct dbuf buf;
	char disp[160];
	long per_page;

	if (req_long(r, "page", EXPORT_PAGE, 1, 500, &per_page)) {
		free(s);
		return;
	}
	if (s == NULL) {
		reply_fail(r, DIP_ENOMEM, "", "out of memory");
		return;
	}
	s->th = r->th;
	s->ev = r->ev;
	s->x = *x;
	s->page = page;
	s->per_page = (int)per_page;
	snprintf(s->path, sizeof(s->path), "%.63s", r->path);
	dbuf_init(&buf, EXPORT_CHUNK_MAX);
	if (h__check(r, page(r->v, &s->x, s->per_page, &buf, &e), &e)) {
		free(s);
		dbuf_free(&buf);
		return;
	}
	if (filename) {
		snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", filename);
		evhttp_add_header(h, "Content-Disposition", disp);
	}
	if (s->x.done || r->method == EVHTTP_REQ_HEAD) {
		reply_bytes(r, 200, type, buf.p ? buf.p : "", buf.len, "public, max-age=60");
		free(s);
		dbuf_free(&buf);
		return;
	}
	s->watchdog = event_new(r->th->base, -1, EV_PERSIST, on_watchdog, s);
	if (s->watchdog == NULL || event_add(s->watchdog, &tv) != 0) {
		stream_free(s);
		dbuf_free(&buf);
		reply_fail(r, DIP_ENOMEM, "", "out of memory");
		return;
	}
	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "public, max-age=60");
	evhttp_send_reply_start(r->ev, 200, "OK");
	r->status = 200;
	send_chunk(s, &buf);
	dbuf_free(&buf);
}

void h_open_register_csv(struct req *r)
{
	struct svc_export x;
	const char *lang = req_query(r, "lang");
	char name[64];
	long app;

	if (req_long(r, "application", 0, 1, INT64_MAX >> 1, &app))
		return;
	memset(&x, 0, sizeof(x));
	x.only_id = app;
	snprintf(x.lang, sizeof(x.lang), "%s", lang && strcmp(lang, "en") == 0 ? "en" : "zh");
	if (app)
		snprintf(name, sizeof(name), "register-%ld.csv", app);
	else
		snprintf(name, sizeof(name), "register.csv");
	stream(r, svc_open_register_csv, &x, "text/csv; charset=utf-8; header=present", name);
}

void h_open_catalog(struct req *r)
{
	struct svc_export x;

	memset(&x, 0, sizeof(x));
	stream(r, svc_open_catalog, &x, "application/ld+json", NULL);
}

void h_open_feed(struct req *r)
{
	struct dip_error e;
	struct dbuf b;
	long limit;

	if (req_long(r, "limit", 50, 1, SVC_ANNOUNCEMENTS_MAX, &limit))
		return;
	dbuf_init(&b, 16u << 20);
	if (!h__check(r, svc_open_feed(r->v, (int)limit, r->now, &b, &e), &e))
		reply_bytes(r, 200, "application/atom+xml; charset=utf-8", b.p, b.len,
			    "public, max-age=60");
	dbuf_free(&b);
}
