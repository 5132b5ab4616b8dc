/*
 * h_examine.c - the examiner's queue and decisions.
 */
#include "server/handlers.h"
#include "server/internal.h"

#include <stdio.h>
#include <string.h>

void h_tasks(struct req *r)
{
	struct dip_error e;
	json_t *o;

	if (!h__check(r, svc_tasks_json(r->v, &r->who, r->now, &o, &e), &e))
		reply_json(r, 200, o);
}

void h_app_correction(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct app_defects d;
	struct dip_error e;
	json_t *b, *arr, *it;
	size_t i;

	if (!id || (b = req_json(r)) == NULL)
		return;
	arr = json_object_get(b, "defects");
	app_defects_clear(&d);
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		reply_fail(r, DIP_EINVAL, "defects", "defects: list every defect at once (Art. 8)");
		return;
	}
	if (json_array_size(arr) > APP_MAX_DEFECTS) {
		reply_fail(r, DIP_EINVAL, "defects", "defects: at most %d", APP_MAX_DEFECTS);
		return;
	}
	json_array_foreach(arr, i, it) {
		const char *f = jstr(it, "field"), *m = jstr(it, "message");

		if (f == NULL || m == NULL || strlen(f) >= sizeof(d.v[0].field) ||
		    strlen(m) >= sizeof(d.v[0].message)) {
			reply_fail(r, DIP_EINVAL, "defects",
				   "defects[%zu]: {\"field\", \"message\"} with a message under 400 bytes", i);
			return;
		}
		snprintf(d.v[i].field, sizeof(d.v[i].field), "%s", f);
		snprintf(d.v[i].message, sizeof(d.v[i].message), "%s", m);
		d.n++;
	}
	if (!h__check(r, svc_request_correction(r->v, &r->who, id, &d, jstr(b, "note"), r->now, &e),
		      &e))
		h__reply_app(r, id, 200);
}

void h_app_late_decision(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;
	json_t *b;

	if (!id || (b = req_json(r)) == NULL)
		return;
	if (!json_is_boolean(json_object_get(b, "accept"))) {
		reply_fail(r, DIP_EINVAL, "accept", "accept: true or false");
		return;
	}
	if (!h__check(r, svc_decide_late_reply(r->v, &r->who, id,
						json_is_true(json_object_get(b, "accept")),
						jstr(b, "reason"), r->now, &e), &e))
		h__reply_app(r, id, 200);
}

/* [1, 6] -> bits 0 and 5; 0 and a reply on bad input. */
unsigned h__grounds(struct req *r, const json_t *arr, int *bad)
{
	unsigned g = 0;
	json_t *it;
	size_t i;

	*bad = 0;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr)) {
		*bad = 1;
		reply_fail(r, DIP_EINVAL, "grounds", "grounds: a list of Art. 9 items 1-7");
		return 0;
	}
	json_array_foreach(arr, i, it) {
		json_int_t n = json_integer_value(it);

		if (!json_is_integer(it) || n < 1 || n > ART9_GROUNDS) {
			*bad = 1;
			reply_fail(r, DIP_EINVAL, "grounds", "grounds[%zu]: Art. 9 has items 1-7", i);
			return 0;
		}
		g |= 1u << (n - 1);
	}
	return g;
}

void h_app_refuse(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;
	unsigned g;
	json_t *b;
	int bad;

	if (!id || (b = req_json(r)) == NULL)
		return;
	g = h__grounds(r, json_object_get(b, "grounds"), &bad);
	if (bad)
		return;
	if (!h__check(r, svc_refuse(r->v, &r->who, id, g, jstr(b, "text"), r->now, &e), &e))
		h__reply_app(r, id, 200);
}

void h_app_publish(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;

	if (id && !h__check(r, svc_publish(r->v, &r->who, id, r->now, &e), &e))
		h__reply_app(r, id, 200);
}

void h_app_register(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;

	if (id && !h__check(r, svc_register(r->v, &r->who, id, r->now, &e), &e))
		h__reply_app(r, id, 200);
}

void h_app_cancel(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;
	json_t *b;

	if (!id || (b = req_json(r)) == NULL)
		return;
	if (!h__check(r, svc_cancel_by_registry(r->v, &r->who, id, jstr(b, "reason"), r->now, &e),
		      &e))
		h__reply_app(r, id, 200);
}

void h_app_revoke(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;
	json_t *b;

	if (!id || (b = req_json(r)) == NULL)
		return;
	if (!h__check(r, svc_revoke(r->v, &r->who, id, jstr(b, "reason"), r->now, &e), &e))
		h__reply_app(r, id, 200);
}
