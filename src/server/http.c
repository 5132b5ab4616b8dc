/*
 * http.c - reading requests and writing JSON responses.
 */
#include "server/http.h"
#include "server/internal.h"
#include "util/buf.h"
#include "util/jsontext.h"
#include "util/log.h"
#include "util/utf8.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int http_status_for(int code)
{
	switch (code) {
	case DIP_OK: return 200;
	case DIP_EINVAL: return 422;
	case DIP_ENOTFOUND: return 404;
	case DIP_ECONFLICT: return 409;
	case DIP_ESTATE: return 409;
	case DIP_EDEADLINE: return 409;
	case DIP_EFORBIDDEN: return 403;
	case DIP_EAUTH: return 401;
	case DIP_ELIMIT: return 413;
	case DIP_ERATE: return 429;
	case DIP_ETYPE: return 415;
	case DIP_EBUSY: return 503;
	case DIP_ECRYPTO: return 422;
	}
	return 500;
}

static const char *reason_for(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	}
	return status >= 500 ? "Internal Server Error" : "Error";
}

/*
 * evhttp queues a reply and writes it on a later turn of the loop, once
 * epoll has said that the socket takes data: two epoll_ctl calls and a
 * turn of the loop for every request.  A socket almost always takes a
 * reply whole, so it is written here.  When all of it went, the write
 * callback that evhttp waits for is run at once: it finishes the request
 * (ev is freed; a connection not kept alive is closed) and disables the
 * write event it had enabled, in the same turn, so the loop never tells
 * the kernel of either (the change list, new_base in server.c).  What the
 * socket does not take, and any error, is left to evhttp as before.
 */
void http_send_reply(struct evhttp_request *ev, int status, const char *reason,
		     struct evbuffer *body)
{
	struct evhttp_connection *conn = evhttp_request_get_connection(ev);
	struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
	struct evbuffer *out;
	int n;

	evhttp_send_reply(ev, status, reason, body);
	if (bev == NULL)
		return;
	out = bufferevent_get_output(bev);
	if (evbuffer_get_length(out) == 0)
		return;
	/* A socket bufferevent keeps the front of its output frozen but
	 * while it writes. */
	evbuffer_unfreeze(out, 1);
	n = evbuffer_write(out, bufferevent_getfd(bev));
	evbuffer_freeze(out, 1);
	if (n > 0 && evbuffer_get_length(out) == 0)
		bufferevent_trigger(bev, EV_WRITE, BEV_TRIG_IGNORE_WATERMARKS);
}

static void content_headers(struct req *r, const char *type, const char *cache)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", cache ? cache : "no-store");
}

/* Sends body b (taken over) with status, once durable when it must wait
 * for the disk. */
static void send_body(struct req *r, int status, const char *type, struct evbuffer *b,
		      const char *cache)
{
	content_headers(r, type, cache);
	if (!durable_park(r, status, reason_for(status), b)) {
		http_send_reply(r->ev, status, reason_for(status), b);
		evbuffer_free(b);
	}
	r->status = status;
}

static void http_send(struct req *r, int status, const char *type, const void *p, size_t n,
		 const char *cache)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL) {
		content_headers(r, type, cache);
		http_send_reply(r->ev, 500, "Internal Server Error", NULL);
		r->status = status;
		return;
	}
	evbuffer_add(b, p, n);
	send_body(r, status, type, b, cache);
}

void reply_bytes(struct req *r, int status, const char *type, const void *p, size_t n,
		 const char *cache_control)
{
	http_send(r, status, type, p, n, cache_control);
}

static void release_blob(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	svc_blob_release(arg);
}

void reply_blob(struct req *r, int status, const char *type, struct svc_blob *b)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	struct evbuffer *out = evbuffer_new();

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "no-store");
	if (out && evbuffer_add_reference(out, b->data, b->len, release_blob, b) == 0) {
		if (durable_park(r, status, reason_for(status), out)) {
			r->status = status;
			return;
		}
		http_send_reply(r->ev, status, reason_for(status), out);
	} else {
		svc_blob_release(b);
		http_send_reply(r->ev, 500, "Internal Server Error", NULL);
		status = 500;
	}
	if (out)
		evbuffer_free(out);
	r->status = status;
}

static void free_text(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	free(arg);
}

int http_json_body(struct evbuffer *b, const json_t *json, const char *key, const char *text)
{
	struct dbuf d;
	char *p;
	size_t n;

	/* Written whole, then handed to b: every append to an evbuffer takes
	 * its lock. */
	dbuf_init(&d, 0);
	if (json_text_write(&d, json, key, text) != 0) {
		dbuf_free(&d);
		return -1;
	}
	p = dbuf_detach(&d, &n);
	if (p == NULL || evbuffer_add_reference(b, p, n, free_text, p) != 0) {
		free(p);
		return -1;
	}
	return 0;
}

void reply_json_text(struct req *r, int status, json_t *json, const char *key, char *text)
{
	static const char type[] = "application/json; charset=utf-8";
	struct evbuffer *b;
	int rc;

	/* A reply that waits for the disk is written out when it goes. */
	if (durable_park_json(r, status, reason_for(status), json, key, text)) {
		content_headers(r, type, NULL);
		r->status = status;
		return;
	}
	b = evbuffer_new();
	rc = b ? http_json_body(b, json, key, text) : -1;
	json_decref(json);
	free(text);
	if (rc != 0) {
		if (b)
			evbuffer_free(b);
		http_send(r, 500, "application/json", "{\"error\":{\"code\":\"out_of_memory\"}}", 33, NULL);
		return;
	}
	send_body(r, status, type, b, NULL);
}

void reply_json(struct req *r, int status, json_t *json)
{
	reply_json_text(r, status, json, NULL, NULL);
}

void reply_error(struct req *r, const struct dip_error *e, json_t *extra)
{
	json_t *err = json_object();
	int status = http_status_for(e->code);

	json_object_set_new(err, "code", json_string(dip_err_name(e->code)));
	json_object_set_new(err, "field", e->field[0] ? json_string(e->field) : json_null());
	json_object_set_new(err, "message", json_string(e->message[0] ? e->message : dip_err_name(e->code)));
	if (extra) {
		json_object_update(err, extra);
		json_decref(extra);
	}
	if (status >= 500)
		log_event(LOG_ERROR, "request_failed", "path", r->path, "error", e->message, NULL);
	if ((e->code == DIP_EDB || e->code == DIP_EBUSY) && r->th)
		metrics_count(&r->th->metrics.db_errors, 1);
	if (e->code == DIP_EAUTH)
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "WWW-Authenticate",
				  "Bearer realm=\"dipreg\"");
	reply_json(r, status, json_pack("{s:o}", "error", err));
}

void reply_fail(struct req *r, int code, const char *field, const char *fmt, ...)
{
	struct dip_error e;
	va_list ap;

	e.code = code;
	snprintf(e.field, sizeof(e.field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(e.message, sizeof(e.message), fmt, ap);
	va_end(ap);
	reply_error(r, &e, NULL);
}

/* Nesting depth of JSON text, counted outside strings; jansson's own limit
 * is far deeper than any document of ours needs. */
static int json_depth(const char *p, size_t n)
{
	int depth = 0, max = 0, in_str = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (in_str) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				in_str = 0;
			continue;
		}
		if (p[i] == '"')
			in_str = 1;
		else if (p[i] == '{' || p[i] == '[') {
			if (++depth > max)
				max = depth;
		} else if (p[i] == '}' || p[i] == ']')
			depth--;
	}
	return max;
}

/* The body as a JSON object in r->body; when it is not one within the
 * limits, NULL, with the error sent unless quiet. */
static json_t *body_json(struct req *r, int quiet)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);
	size_t n = evbuffer_get_length(in);
	const char *type = req_header(r, "Content-Type");
	json_error_t jerr;
	const char *p;

	if (r->body)
		return r->body;
	if (n > r->srv->cfg.max_body) {
		if (!quiet)
			reply_fail(r, DIP_ELIMIT, "", "request body larger than %zu bytes",
				   r->srv->cfg.max_body);
		return NULL;
	}
	if (n == 0) {
		r->body = json_object();
		return r->body;
	}
	if (type == NULL || strncmp(type, "application/json", 16) != 0) {
		if (!quiet)
			reply_fail(r, DIP_ETYPE, "", "send JSON with Content-Type: application/json");
		return NULL;
	}
	p = (const char *)evbuffer_pullup(in, -1);
	if (json_depth(p, n) > r->srv->cfg.max_depth) {
		if (!quiet)
			reply_fail(r, DIP_EINVAL, "", "JSON nested deeper than %d levels",
				   r->srv->cfg.max_depth);
		return NULL;
	}
	r->body = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
	if (r->body == NULL || !json_is_object(r->body)) {
		struct dip_error e;

		e.code = DIP_EINVAL;
		e.field[0] = '\0';
		snprintf(e.message, sizeof(e.message), "malformed JSON at line %d column %d: %s",
			 jerr.line, jerr.column, r->body ? "expected an object" : jerr.text);
		json_decref(r->body);
		r->body = NULL;
		/* Malformed syntax is a 400, not a 422. */
		if (!quiet)
			reply_json(r, 400, json_pack("{s:{s:s,s:n,s:s}}", "error", "code",
						     "bad_request", "field", "message", e.message));
		return NULL;
	}
	return r->body;
}

json_t *req_json(struct req *r)
{
	return body_json(r, 0);
}

void req_json_ahead(struct req *r)
{
	body_json(r, 1);
}

const char *req_query(struct req *r, const char *name)
{
	return evhttp_find_header(&r->query, name);
}

int req_long(struct req *r, const char *name, long def, long min, long max, long *out)
{
	const char *s = req_query(r, name);
	char *end;
	long v;

	if (s == NULL) {
		*out = def;
		return 0;
	}
	v = strtol(s, &end, 10);
	if (end == s || *end || v < min || v > max) {
		reply_fail(r, DIP_EINVAL, name, "%s: a whole number from %ld to %ld", name, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int req_page(struct req *r, long *after, long *limit)
{
	return req_long(r, "after", 0, 0, INT64_MAX >> 1, after) ||
	       req_long(r, "limit", 50, 1, 200, limit);
}

const char *req_header(struct req *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->ev), name);
}

int64_t req_param_id(const struct req *r, int i)
{
	const char *s = i < REQ_MAX_PARAMS ? r->param[i] : NULL;
	int64_t v = 0;
	size_t k;

	for (k = 0; s && s[k]; k++) {
		if (s[k] < '0' || s[k] > '9' || k >= 15)
			return 0;
		v = v * 10 + (s[k] - '0');
	}
	return v;
}

int64_t req_id(struct req *r, int i)
{
	int64_t v = req_param_id(r, i);

	if (v <= 0)
		reply_fail(r, DIP_ENOTFOUND, "", "no such object \"%.40s\"",
			   i < REQ_MAX_PARAMS && r->param[i] ? r->param[i] : "");
	return v;
}

const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

const char **jstrings(struct req *r, const json_t *o, const char *key, int *bad)
{
	json_t *a = json_object_get(o, key), *it;
	const char **v;
	size_t i, n;

	*bad = 0;
	if (a == NULL || json_is_null(a))
		return NULL;
	if (!json_is_array(a) || json_array_size(a) > 64) {
		reply_fail(r, DIP_EINVAL, key, "%s: a list of at most 64 strings", key);
		*bad = 1;
		return NULL;
	}
	n = json_array_size(a);
	v = calloc(n + 1, sizeof(*v));
	json_array_foreach(a, i, it) {
		if (!json_is_string(it)) {
			free(v);
			reply_fail(r, DIP_EINVAL, key, "%s[%zu]: must be a string", key, i);
			*bad = 1;
			return NULL;
		}
		v[i] = json_string_value(it);
	}
	return v;
}
