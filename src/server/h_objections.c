/*
 * h_objections.c - objections (Art. 10) and their exchange (Art. 11).
 */
#include "server/handlers.h"
#include "server/internal.h"

#include <stdlib.h>
#include <string.h>

unsigned h__grounds(struct req *r, const json_t *arr, int *bad);

void h_objection_file(struct req *r)
{
	int64_t id = req_id(r, 0), obj = 0;
	struct objection_input in;
	struct dip_error e;
	char token[65];
	json_t *b;
	int bad;

	if (!id || (b = req_json(r)) == NULL)
		return;
	memset(&in, 0, sizeof(in));
	in.name = jstr(b, "name");
	in.contact = jstr(b, "contact");
	in.grounds = jstr(b, "grounds");
	in.evidence = jstrings(r, b, "evidence", &bad);
	if (bad)
		return;
	if (!h__check(r, svc_object(r->v, &r->who, id, &in, r->now, &obj, token, &e), &e))
		reply_json(r, 201, json_pack("{s:I,s:I,s:s,s:s}", "id", (json_int_t)obj, "application",
					     (json_int_t)id, "token", token, "state", "filed"));
	free((void *)in.evidence);
}

void h_objection_get(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;
	json_t *o;

	if (id && !h__check(r, svc_objection_json(r->v, &r->who, id, &o, &e), &e))
		reply_json(r, 200, o);
}

void h_objection_step(struct req *r)
{
	int64_t id = req_id(r, 0);
	const char *verb = strrchr(r->path, '/');
	enum obj_action act;
	struct dip_error e;
	const char **ev;
	unsigned grounds = 0;
	json_t *b, *o;
	int bad, upheld = 0;

	if (!id || (b = req_json(r)) == NULL)
		return;
	verb = verb ? verb + 1 : "";
	if (strcmp(verb, "forward") == 0)
		act = OBJA_FORWARD;
	else if (strcmp(verb, "answer") == 0)
		act = OBJA_ANSWER;
	else if (strcmp(verb, "forward-answer") == 0)
		act = OBJA_FORWARD_ANSWER;
	else if (strcmp(verb, "supplement") == 0)
		act = OBJA_SUPPLEMENT;
	else if (strcmp(verb, "decide") == 0)
		act = OBJA_DECIDE;
	else
		act = OBJA_WITHDRAW;
	if (act == OBJA_DECIDE) {
		if (!json_is_boolean(json_object_get(b, "upheld"))) {
			reply_fail(r, DIP_EINVAL, "upheld", "upheld: true or false");
			return;
		}
		upheld = json_is_true(json_object_get(b, "upheld"));
		grounds = h__grounds(r, json_object_get(b, "grounds"), &bad);
		if (bad)
			return;
		if (upheld && grounds == 0) {
			reply_fail(r, DIP_EINVAL, "grounds",
				   "grounds: an upheld objection refuses the application; name the Art. 9 grounds");
			return;
		}
	}
	ev = jstrings(r, b, "evidence", &bad);
	if (bad)
		return;
	if (!h__check(r, svc_objection_step(r->v, &r->who, id, act, jstr(b, "text"), ev,
					    upheld ? (int)grounds : 0, r->now, &e), &e) &&
	    !h__check(r, svc_objection_json(r->v, &r->who, id, &o, &e), &e))
		reply_json(r, 200, o);
	free((void *)ev);
}

void h_objection_messages(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct msg_filter f;
	struct dip_error e;
	json_t *o;

	if (!id)
		return;
	/* Only the objector's token opens these; svc_objection_json checks. */
	if (h__check(r, svc_objection_json(r->v, &r->who, id, &o, &e), &e))
		return;
	json_decref(o);
	if (r->who.token == NULL && !(r->who.roles & (ROLE_EXAMINER | ROLE_ADMIN))) {
		reply_fail(r, DIP_EFORBIDDEN, "", "send the objection's X-Objection-Token");
		return;
	}
	memset(&f, 0, sizeof(f));
	f.objection_id = id;
	if (!h__check(r, svc_inbox_json(r->v, &r->who, &f, &o, &e), &e))
		reply_json(r, 200, o);
}
