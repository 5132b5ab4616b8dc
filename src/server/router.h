/*
 * router.h - the table of routes: method, path pattern, handler, who may
 * call it, and what the OpenAPI document says of it.
 *
 * Internal to server/.  The OpenAPI document is generated from this table,
 * so a route cannot exist without being described.
 */
#ifndef DIP_SERVER_ROUTER_H
#define DIP_SERVER_ROUTER_H

#include "server/http.h"

enum auth_need {
	AUTH_NONE,       /* anyone */
	AUTH_USER,       /* any signed-in account */
	AUTH_PARTY,      /* applicants and agencies */
	AUTH_AGENT,      /* agencies */
	AUTH_EXAMINER,   /* examiners (and admins, where the service allows) */
	AUTH_ADMIN,
};

struct route {
	int method;                /* EVHTTP_REQ_* */
	const char *pattern;       /* "/api/applications/{id}/submit" */
	void (*fn)(struct req *r);
	enum auth_need auth;
	const char *tag;
	const char *summary;
	const char *body;          /* request schema in components, or NULL */
	const char *ok;            /* response schema, or NULL for none */
	int ok_status;
	const char *query;         /* "name:type:description|..." or NULL */
	const char *errors;        /* "400 401 403 404 409 413 422 429" */
};

extern const struct route routes[];
extern const size_t nroutes;

/* The route for method and path, filling r->param; NULL when the path is
 * unknown (*path_known = 0) or the method is not allowed on it. */
const struct route *route_match(struct req *r, int *path_known);
/* The OpenAPI 3.1 document (new reference). */
json_t *openapi_document(void);
const char *route_method_name(int method);

#endif
