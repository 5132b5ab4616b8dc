/*
 * http.h - one HTTP request as the handlers see it, and how they answer.
 *
 * Internal to server/.  A struct req lives for one request; everything it
 * points to is released by the dispatcher after the handler returns.
 */
#ifndef DIP_SERVER_HTTP_H
#define DIP_SERVER_HTTP_H

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "server/server.h"
#include "store/store.h"

struct server;
struct server_thread;

#define REQ_MAX_PARAMS 3

struct req {
	struct evhttp_request *ev;
	struct server_thread *th;
	struct server *srv;
	struct svc *v;
	int method;                 /* enum evhttp_cmd_type */
	char path[512];
	struct evkeyvalq query;
	const char *param[REQ_MAX_PARAMS];
	char param_buf[REQ_MAX_PARAMS][128];
	struct actor who;
	struct account account;     /* when signed in */
	struct session_row session;
	int by_cookie;              /* signed in by the session cookie */
	dip_time now;
	char reqid[40];
	char addr[64];
	json_t *body;               /* parsed JSON body, when read */
	const struct route *route;
	int status;                 /* the status sent */
	struct timespec started;    /* when it was dispatched (CLOCK_MONOTONIC) */
	int is_static;              /* answered from the portal's files */
	int count_on_send;          /* parked: durable.c counts it when sent */
	struct svc_ahead ahead;     /* the application's content, read before the lock */
};

/* The request's JSON body as an object: 400 for malformed JSON, 413 past
 * the size limit, 415 for another content type, 422 past the depth limit.
 * On failure the error is already sent and NULL returned. */
json_t *req_json(struct req *r);
/* Parses a JSON body into r->body ahead of its handler, outside the write
 * lock; leaves it NULL, and every error to req_json, when it is not a
 * JSON object within the limits. */
void req_json_ahead(struct req *r);
/* A query parameter, or NULL. */
const char *req_query(struct req *r, const char *name);
/* A numeric query parameter in [min, max], def when absent; sends 422 and
 * returns -1 when malformed. */
int req_long(struct req *r, const char *name, long def, long min, long max, long *out);
/* A list's cursor (?after=, 0 from the start) and page size (?limit=, 50,
 * at most 200); non-zero when either is wrong, with the error sent. */
int req_page(struct req *r, long *after, long *limit);
/* The header, or NULL. */
const char *req_header(struct req *r, const char *name);
/* A path parameter as a positive id; sends 404 and returns 0 when it is not
 * one. */
int64_t req_id(struct req *r, int i);
/* The same, silent: 0 when it is not one. */
int64_t req_param_id(const struct req *r, int i);

/* Sends json (stolen) with status. */
void reply_json(struct req *r, int status, json_t *json);
/* The same, with the member key of json's top object written as text
 * (stolen; may be NULL): that value's compact JSON, already serialised
 * (json_text_write). */
void reply_json_text(struct req *r, int status, json_t *json, const char *key, char *text);
/* Appends json to b as reply_json_text writes it, all of it or nothing;
 * 0, or -1 out of memory. */
int http_json_body(struct evbuffer *b, const json_t *json, const char *key, const char *text);
/* Sends {"error": {"code", "field", "message"}} with the status that fits
 * e->code; extra (stolen, may be NULL) is merged into the error object. */
void reply_error(struct req *r, const struct dip_error *e, json_t *extra);
/* Shorthand: reply_error with a fresh error. */
void reply_fail(struct req *r, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Sends raw bytes with a content type and optional extra header. */
void reply_bytes(struct req *r, int status, const char *type, const void *p, size_t n,
		 const char *cache_control);
/* Sends the bytes of b (one reference, taken over) without copying them. */
void reply_blob(struct req *r, int status, const char *type, struct svc_blob *b);
/* The HTTP status for an error code. */
int http_status_for(int code);
/* evhttp_send_reply, with the reply written to the socket at once
 * (http.c). */
void http_send_reply(struct evhttp_request *ev, int status, const char *reason,
		     struct evbuffer *body);

/* String member of a JSON object, or NULL. */
const char *jstr(const json_t *o, const char *key);
/* NULL-ended array of the strings of a JSON array member (freed with
 * free()); NULL when absent.  Non-strings make it fail with 422 sent. */
const char **jstrings(struct req *r, const json_t *o, const char *key, int *bad);

#endif
