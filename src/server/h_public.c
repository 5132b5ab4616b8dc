/*
 * h_public.c - what anyone may read: publications (公示, Art. 10), the
 * register (Art. 20) and announcements (公告, Arts. 12, 14, 17, 18).
 */
#include "server/handlers.h"
#include "server/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void list_states(struct req *r, unsigned states)
{
	struct app_filter f;
	long after, limit;
	struct dip_error e;
	struct actor anyone = { 0, ROLE_PUBLIC, "", NULL };
	json_t *o;

	if (req_page(r, &after, &limit))
		return;
	memset(&f, 0, sizeof(f));
	f.states = states;
	f.after_id = after;
	f.limit = (int)limit;
	if (!h__check(r, svc_app_list_json(r->v, &anyone, &f, r->now, &o, &e), &e))
		reply_json(r, 200, o);
}

void h_publications(struct req *r)
{
	list_states(r, 1u << APP_PUBLICATION);
}

void h_register(struct req *r)
{
	const char *state = req_query(r, "state");
	enum app_state st;

	if (state == NULL) {
		list_states(r, 1u << APP_REGISTERED | 1u << APP_CANCELLED | 1u << APP_REVOKED);
		return;
	}
	if (app_state_parse(state, &st) || !(st == APP_REGISTERED || st == APP_CANCELLED ||
					     st == APP_REVOKED)) {
		reply_fail(r, DIP_EINVAL, "state", "state: registered, cancelled or revoked");
		return;
	}
	list_states(r, 1u << st);
}

void h_announcements(struct req *r)
{
	struct dip_error e;
	long before, limit;
	json_t *o;

	if (req_long(r, "before", -1, 0, INT64_MAX >> 1, &before) ||
	    req_long(r, "limit", 50, 1, SVC_ANNOUNCEMENTS_MAX, &limit))
		return;
	if (!h__check(r, svc_announcements_json(r->v, before, (int)limit, &o, &e), &e))
		reply_json(r, 200, o);
}
