/*
 * h_requests.c - changes, filings, transfers and cancellations after
 * registration (Arts. 15-18).
 */
#include "server/handlers.h"
#include "server/internal.h"

#include <string.h>

static void reply_request(struct req *r, int64_t id, int status)
{
	struct dip_error e;
	json_t *o;

	if (!h__check(r, svc_request_json(r->v, &r->who, id, &o, &e), &e))
		reply_json(r, status, o);
}

void h_request_file(struct req *r)
{
	int64_t id = req_id(r, 0), req = 0;
	struct request_input in;
	struct dip_error e;
	json_t *b, *u;

	if (!id || (b = req_json(r)) == NULL)
		return;
	memset(&in, 0, sizeof(in));
	in.kind = jstr(b, "kind");
	in.payload = json_object_get(b, "payload");
	in.act_date = jstr(b, "act_date");
	in.counterparty = jstr(b, "counterparty");
	in.legal_document = jstr(b, "legal_document");
	u = json_object_get(b, "unilateral");
	if (u && !json_is_integer(u)) {
		reply_fail(r, DIP_EINVAL, "unilateral", "unilateral: 0, or the case 1-4 of Art. 16");
		return;
	}
	in.unilateral = (int)json_integer_value(u);
	if (!h__check(r, svc_file_request(r->v, &r->who, id, &in, r->now, &req, &e), &e))
		reply_request(r, req, 201);
}

void h_request_get(struct req *r)
{
	int64_t id = req_id(r, 0);

	if (id)
		reply_request(r, id, 200);
}

void h_request_confirm(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;

	if (id && !h__check(r, svc_confirm_request(r->v, &r->who, id, r->now, &e), &e))
		reply_request(r, id, 200);
}

void h_request_decide(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;
	json_t *b;

	if (!id || (b = req_json(r)) == NULL)
		return;
	if (!json_is_boolean(json_object_get(b, "accept"))) {
		reply_fail(r, DIP_EINVAL, "accept", "accept: true to approve, false to reject");
		return;
	}
	if (!h__check(r, svc_decide_request(r->v, &r->who, id, json_is_true(json_object_get(b, "accept")),
					    jstr(b, "reason"), r->now, &e), &e))
		reply_request(r, id, 200);
}
