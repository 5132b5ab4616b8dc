/*
 * h_applications.c - drafts, submission, withdrawal, correction replies,
 * renewal and the archive of an application.
 */
#include "server/handlers.h"
#include "server/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int h__check(struct req *r, int rc, const struct dip_error *e)
{
	if (rc)
		reply_error(r, e, NULL);
	return rc;
}

void h__reply_app(struct req *r, int64_t id, int status)
{
	struct dip_error e;
	json_t *o;
	char *text;

	if (h__check(r, svc_app_json_text(r->v, &r->who, id, r->now, &o, &text, &e), &e))
		return;
	reply_json_text(r, status, o, "content", text);
}

void h_app_list(struct req *r)
{
	struct app_filter f;
	struct dip_error e;
	enum app_state st;
	const char *state = req_query(r, "state");
	json_t *o;

	long after, limit;

	if (req_page(r, &after, &limit))
		return;
	memset(&f, 0, sizeof(f));
	f.after_id = after;
	f.limit = (int)limit;
	if (state) {
		if (app_state_parse(state, &st)) {
			reply_fail(r, DIP_EINVAL, "state", "state: unknown state \"%.40s\"", state);
			return;
		}
		f.states = 1u << st;
	}
	if (!(r->who.roles & (ROLE_EXAMINER | ROLE_ADMIN))) {
		if (r->who.roles & ROLE_APPLICANT)
			f.party_id = r->who.id;
		else
			f.agent_id = r->who.id;
	}
	if (h__check(r, svc_app_list_json(r->v, &r->who, &f, r->now, &o, &e), &e))
		return;
	reply_json(r, 200, o);
}

void h_app_create(struct req *r)
{
	json_t *b = req_json(r);
	struct draft_input in;
	struct dip_error e;
	int64_t id = 0;
	int bad1, bad2;

	if (b == NULL)
		return;
	memset(&in, 0, sizeof(in));
	in.content = json_object_get(b, "content");
	if (!json_is_object(in.content)) {
		reply_fail(r, DIP_EINVAL, "content", "content: the application's items as an object");
		return;
	}
	in.coapplicants = jstrings(r, b, "coapplicants", &bad1);
	if (bad1)
		return;
	in.principals = jstrings(r, b, "principals", &bad2);
	if (bad2) {
		free((void *)in.coapplicants);
		return;
	}
	if (!h__check(r, svc_draft_create(r->v, &r->who, &in, r->now, &id, &e), &e))
		h__reply_app(r, id, 201);
	free((void *)in.coapplicants);
	free((void *)in.principals);
}

void h_app_get(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct svc_blob *b;
	struct dip_error e;

	if (id == 0)
		return;
	/* Anonymous readers all see the public record: sent ready-made. */
	if (r->who.id != 0) {
		h__reply_app(r, id, 200);
		return;
	}
	if (h__check(r, svc_app_public(r->v, id, r->now, &b, &e), &e) == 0)
		reply_blob(r, 200, "application/json; charset=utf-8", b);
}

void h_app_update(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;
	json_t *b;

	if (!id || (b = req_json(r)) == NULL)
		return;
	if (!json_is_object(json_object_get(b, "content"))) {
		reply_fail(r, DIP_EINVAL, "content", "content: the application's items as an object");
		return;
	}
	if (!h__check(r, svc_draft_update(r->v, &r->who, id, json_object_get(b, "content"), r->now,
					  &e), &e))
		h__reply_app(r, id, 200);
}

void h_app_confirm(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;

	if (id && !h__check(r, svc_confirm(r->v, &r->who, id, r->now, &e), &e))
		h__reply_app(r, id, 200);
}

static json_t *defects_json(const struct app_defects *d)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < d->n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "field", d->v[i].field, "message",
						     d->v[i].message));
	return arr;
}

void h_app_submit(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct app_defects d;
	struct dip_error e;
	json_t *view;
	char *text;
	int rc;

	if (!id)
		return;
	rc = svc_submit_view(r->v, &r->who, id, r->now, &d, &view, &text, &e);
	if (rc == DIP_EINVAL && d.n) {
		/* Every defect at once, so the form can mark each field. */
		reply_error(r, &e, json_pack("{s:o}", "defects", defects_json(&d)));
		return;
	}
	/* The content as stored, not serialised again: most of the reply. */
	if (!h__check(r, rc, &e))
		reply_json_text(r, 200, view, "content", text);
}

void h_app_withdraw(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;
	json_t *b;

	if (!id || (b = req_json(r)) == NULL)
		return;
	if (!h__check(r, svc_withdraw(r->v, &r->who, id, jstr(b, "reason"), r->now, &e), &e))
		h__reply_app(r, id, 200);
}

void h_app_reply(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct app_defects d;
	struct dip_error e;
	json_t *b;
	int rc;

	if (!id || (b = req_json(r)) == NULL)
		return;
	app_defects_clear(&d);
	rc = svc_reply_correction(r->v, &r->who, id, json_object_get(b, "content"), jstr(b, "reply"),
				  r->now, &d, &e);
	if (rc == DIP_EINVAL && d.n) {
		reply_error(r, &e, json_pack("{s:o}", "defects", defects_json(&d)));
		return;
	}
	if (!h__check(r, rc, &e))
		h__reply_app(r, id, 200);
}

void h_app_late_reply(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;
	json_t *b;

	if (!id || (b = req_json(r)) == NULL)
		return;
	if (!h__check(r, svc_late_reply(r->v, &r->who, id, json_object_get(b, "content"),
					 jstr(b, "reply"), jstr(b, "reason"), r->now, &e), &e))
		h__reply_app(r, id, 200);
}

void h_app_renew(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;

	if (id && !h__check(r, svc_renew(r->v, &r->who, id, r->now, &e), &e))
		h__reply_app(r, id, 200);
}

void h_app_events(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;
	json_t *o;

	if (id && !h__check(r, svc_events_json(r->v, &r->who, id, &o, &e), &e))
		reply_json(r, 200, o);
}
