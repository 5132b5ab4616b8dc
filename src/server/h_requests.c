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

/* GET /api/requests?awaiting=true&state=&kind=&after=&limit= */
void h_request_list(struct req *r)
{
	const char *awaiting = req_query(r, "awaiting"), *state = req_query(r, "state");
	const char *kind = req_query(r, "kind");
	struct request_filter f;
	enum req_state rs;
	enum req_kind rk;
	struct dip_error e;
	long after, limit;
	json_t *o;

	if (req_page(r, &after, &limit))
		return;
	memset(&f, 0, sizeof(f));
	f.state = f.kind = -1;
	f.before_id = after;
	if (awaiting && strcmp(awaiting, "true") != 0 && strcmp(awaiting, "1") != 0 &&
	    strcmp(awaiting, "false") != 0 && strcmp(awaiting, "0") != 0) {
		reply_fail(r, DIP_EINVAL, "awaiting", "awaiting: true or false");
		return;
	}
	f.awaiting = awaiting && (strcmp(awaiting, "true") == 0 || strcmp(awaiting, "1") == 0);
	if (f.awaiting)
		f.account_id = r->who.id;
	if (state && *state) {
		if (req_state_parse(state, &rs)) {
			reply_fail(r, DIP_EINVAL, "state",
				   "state: awaiting_party, pending, approved, rejected, withdrawn or declined");
			return;
		}
		f.state = (int)rs;
	}
	if (kind && *kind) {
		if (req_kind_parse(kind, &rk)) {
			reply_fail(r, DIP_EINVAL, "kind",
				   "kind: change, transaction, pledge, licence, transfer or cancel");
			return;
		}
		f.kind = (int)rk;
	}
	if (!h__check(r, svc_requests_json(r->v, &r->who, &f, (int)limit, &o, &e), &e))
		reply_json(r, 200, o);
}

/* The optional reason of a decline or a withdrawal. */
static void request_step(struct req *r,
			 int (*step)(struct svc *, const struct actor *, int64_t, const char *,
				     dip_time, struct dip_error *))
{
	int64_t id = req_id(r, 0);
	struct dip_error e;
	json_t *b, *reason;

	if (!id || (b = req_json(r)) == NULL)
		return;
	reason = json_object_get(b, "reason");
	if (reason && !json_is_string(reason) && !json_is_null(reason)) {
		reply_fail(r, DIP_EINVAL, "reason", "reason: text");
		return;
	}
	if (!h__check(r, step(r->v, &r->who, id, json_string_value(reason), r->now, &e), &e))
		reply_request(r, id, 200);
}

void h_request_decline(struct req *r)
{
	request_step(r, svc_decline_request);
}

void h_request_withdraw(struct req *r)
{
	request_step(r, svc_withdraw_request);
}
