/*
 * objection.c - objections during publication (Art. 10) and their
 * exchange (Art. 11): the registry forwards the objection to the
 * applicant within 3 working days, the applicant answers within 10, the
 * registry forwards the answer within 3, the objector may add evidence
 * within 5, and the registry decides and tells both.
 */
#include "service/internal.h"
#include "crypto/hash.h"
#include "crypto/rand.h"
#include "util/b64.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EVIDENCE 20

void svc__objection_token_hash(const char *token, char out[65])
{
	uint8_t h[CRYPTO_HASH_LEN];

	crypto_hash(CRYPTO_SHA256, token, strlen(token), h);
	hex_encode(out, h, sizeof(h));
	out[64] = '\0';
}

/* Checks that every evidence hash names an upload, links it to the
 * application, and returns the list as a JSON array text (owned). */
static int evidence_list(struct svc *v, int64_t app_id, const char *const *ev, int required,
			 const char *field, char **out, struct dip_error *e)
{
	json_t *arr = json_array();
	struct upload u;
	int n = 0, rc = 0;

	*out = NULL;
	for (; ev && *ev && rc == 0; ev++, n++) {
		if (n >= MAX_EVIDENCE)
			rc = dip_fail(e, DIP_ELIMIT, field, "%s: at most %d files", field, MAX_EVIDENCE);
		else if (strlen(*ev) != 64 || v->st->upload_get(v->st, *ev, 0, &u) != 0)
			rc = dip_fail(e, DIP_EINVAL, field, "%s: no uploaded file %.16s", field, *ev);
		else
			rc = svc__st(v, v->st->upload_link(v->st, *ev, app_id, field), e);
		if (rc == 0)
			json_array_append_new(arr, json_string(*ev));
	}
	if (rc == 0 && required && n == 0)
		rc = dip_fail(e, DIP_EINVAL, field,
			      "%s: an objection needs the necessary evidence (Art. 10); upload it first", field);
	if (rc == 0)
		*out = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return rc;
}

int svc_object(struct svc *v, const struct actor *who, int64_t app_id,
	       const struct objection_input *in, dip_time now, int64_t *obj_id, char token[65],
	       struct dip_error *e)
{
	struct objection o;
	struct app_ctx c;
	enum app_state to;
	uint8_t raw[24];
	dip_time due = 0;
	char body[600];
	int rc;

	memset(&o, 0, sizeof(o));
	rc = svc__text(in->name, "name", 1, 100, e);
	if (rc == 0)
		rc = svc__text(in->contact, "contact", 1, 200, e);
	if (rc == 0)
		rc = svc__text(in->grounds, "grounds", 1, SVC_MAX_TEXT, e);
	if (rc)
		return rc;
	rc = svc__start(v, who, app_id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__check(&c, WF_OBJECT, &to, e);
	if (rc == 0 && svc__is_party(&c, who->id))
		rc = dip_fail(e, DIP_EFORBIDDEN, "", "an applicant cannot object to their own application");
	if (rc == 0)
		rc = evidence_list(v, app_id, in->evidence, 1, "evidence", &o.evidence, e);
	if (rc)
		goto out;
	crypto_random(raw, sizeof(raw));
	hex_encode(token, raw, sizeof(raw));
	token[48] = '\0';
	svc__objection_token_hash(token, o.token_hash);
	o.app_id = app_id;
	o.state = OBJ_FILED;
	o.objector_id = who->id;
	snprintf(o.objector_name, sizeof(o.objector_name), "%s", in->name);
	snprintf(o.objector_contact, sizeof(o.objector_contact), "%s", in->contact);
	o.grounds = strdup(in->grounds);
	o.filed_at = now;
	rc = svc__st(v, v->st->objection_insert(v->st, &o), e);
	if (rc == 0)
		rc = svc__open(v, app_id, o.id, DL_OBJ_FORWARD, now, 0, &due, e);
	if (rc == 0)
		rc = svc__event(v, app_id, o.id, who, "object", c.a.state, c.a.state, NULL,
				DL_OBJ_FORWARD, due, json_pack("{s:I}", "objection", (json_int_t)o.id),
				now, e);
	snprintf(body, sizeof(body),
		 "登记机构已收到您对申请 %lld 的异议（第十条），将在三个工作日内转送申请人（第十一条）。\n"
		 "The registry received your objection to application %lld (Art. 10) and forwards it to the applicant within 3 working days (Art. 11).",
		 (long long)app_id, (long long)app_id);
	if (rc == 0)
		rc = svc__deliver(v, who->id, o.id, app_id, "objection_receipt",
				  "异议受理回执 / objection received", body, now, e);
	if (rc == 0 && obj_id)
		*obj_id = o.id;
out:
	objection_release(&o);
	svc__release(&c);
	return svc__finish(v, rc, e);
}

/* After an objection ends: when the publication is over and nothing else
 * stands, the registry approves (Art. 12). */
static int after_objection(struct svc *v, struct app_ctx *c, const struct actor *who,
			   dip_time now, struct dip_error *e)
{
	struct objection o;
	int64_t ids[256];
	int n = 0, i, open = 0, rc;

	if (c->a.state != APP_OBJECTION)
		return 0;
	rc = svc__st(v, v->st->objection_ids(v->st, c->a.id, ids, 256, &n), e);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = svc__st(v, v->st->objection_get(v->st, ids[i], &o), e);
		if (rc == 0)
			open += wf_obj_open(o.state);
		objection_release(&o);
	}
	if (rc || open)
		return rc;
	if (v->reg->rules.auto_register)
		return svc__register(v, c, who, now, e);
	return svc__open(v, c->a.id, 0, DL_APPROVE, now, 0, NULL, e);
}

static int deliver_objector(struct svc *v, const struct objection *o, const char *kind,
			    const char *subject, const char *body, dip_time at, struct dip_error *e)
{
	return svc__deliver(v, o->objector_id, o->id, o->app_id, kind, subject, body, at, e);
}

int svc_objection_step(struct svc *v, const struct actor *who, int64_t obj_id,
		       enum obj_action action, const char *text, const char *const *evidence,
		       int upheld, dip_time now, struct dip_error *e)
{
	struct objection o;
	struct app_ctx c;
	enum obj_state to, from;
	char th[65], body[1200];
	char *ev = NULL;
	int opens = DL_NONE, rc, objector;
	unsigned roles;
	dip_time due = 0;

	rc = svc__text(text, "text", action == OBJA_ANSWER || action == OBJA_DECIDE, SVC_MAX_TEXT, e);
	if (rc)
		return rc;
	rc = svc__begin(v, e);
	if (rc)
		return rc;
	rc = svc__st(v, v->st->objection_get(v->st, obj_id, &o), e);
	if (rc)
		return svc__finish(v, rc, e);
	rc = svc__load(v, who, o.app_id, now, &c, e);
	if (rc)
		goto out0;
	/* svc__load may have applied a lapse to this objection: read again. */
	objection_release(&o);
	rc = svc__st(v, v->st->objection_get(v->st, obj_id, &o), e);
	if (rc)
		goto out;
	if (who->token)
		svc__objection_token_hash(who->token, th);
	objector = (who->id && who->id == o.objector_id) ||
		   (who->token && strcmp(th, o.token_hash) == 0);
	roles = c.roles;
	/* Only the objector supplements or withdraws; only the applicant
	 * answers. */
	if ((action == OBJA_SUPPLEMENT || action == OBJA_WITHDRAW) && !objector)
		roles &= ~(unsigned)(ROLE_PUBLIC | ROLE_APPLICANT | ROLE_AGENT | ROLE_ADMIN);
	if ((action == OBJA_SUPPLEMENT || action == OBJA_WITHDRAW) && objector)
		roles |= ROLE_PUBLIC;
	rc = wf_obj_check(o.state, action, roles, &to, &opens, e);
	if (rc)
		goto out;
	from = o.state;
	switch (action) {
	case OBJA_FORWARD:
		snprintf(body, sizeof(body),
			 "有人对您的申请提出异议（第十条），请于十个工作日内提交异议不成立的证明材料（第十一条）。\n"
			 "An objection was filed against your application (Art. 10). Answer with evidence within 10 working days (Art. 11).\n\n%s",
			 o.grounds ? o.grounds : "");
		rc = svc__deliver_parties(v, &c, "objection_forwarded", "异议转送 / objection forwarded",
					  body, now, e);
		break;
	case OBJA_ANSWER:
		rc = evidence_list(v, o.app_id, evidence, 0, "evidence", &ev, e);
		if (rc == 0) {
			free(o.answer);
			free(o.answer_evidence);
			o.answer = strdup(text);
			o.answer_evidence = ev;
			ev = NULL;
		}
		break;
	case OBJA_FORWARD_ANSWER:
		snprintf(body, sizeof(body),
			 "申请人已就您的异议提交材料（第十一条），您可在五个工作日内提交补充证据材料。\n"
			 "The applicant answered your objection (Art. 11). You may add evidence within 5 working days.\n\n%s",
			 o.answer ? o.answer : "");
		rc = deliver_objector(v, &o, "answer_forwarded", "申请人答复转送 / answer forwarded", body,
				      now, e);
		break;
	case OBJA_SUPPLEMENT:
		rc = evidence_list(v, o.app_id, evidence, 0, "evidence", &ev, e);
		if (rc == 0) {
			free(o.supplement);
			free(o.supplement_evidence);
			o.supplement = text ? strdup(text) : NULL;
			o.supplement_evidence = ev;
			ev = NULL;
		}
		break;
	case OBJA_DECIDE:
		if (upheld < 0 || upheld >> ART9_GROUNDS) {
			rc = dip_fail(e, DIP_EINVAL, "grounds", "grounds: Art. 9 (1)-(7) when upheld");
			break;
		}
		if (!upheld)
			to = OBJ_NOT_UPHELD;
		free(o.decision);
		o.decision = strdup(text);
		o.decided_at = now;
		snprintf(body, sizeof(body), "异议处理结果（第十一条）/ Decision on the objection (Art. 11): %s\n\n%s",
			 upheld ? "异议成立 / upheld" : "异议不成立 / not upheld", text);
		rc = svc__deliver_parties(v, &c, "objection_decision", "异议处理结果 / objection decision",
					  body, now, e);
		if (rc == 0)
			rc = deliver_objector(v, &o, "objection_decision",
					      "异议处理结果 / objection decision", body, now, e);
		break;
	case OBJA_WITHDRAW:
		o.decided_at = now;
		break;
	default:
		rc = dip_fail(e, DIP_EFORBIDDEN, "", "the scheduler applies lapses");
		break;
	}
	if (rc)
		goto out;
	o.state = to;
	rc = svc__st(v, v->st->objection_update(v->st, &o), e);
	if (rc == 0)
		rc = svc__close(v, o.app_id, o.id, -1, now, e);
	if (rc == 0 && opens != DL_NONE)
		rc = svc__open(v, o.app_id, o.id, opens, now, 0, &due, e);
	if (rc == 0)
		rc = svc__event(v, o.app_id, o.id, who, obj_action_name(action), c.a.state, c.a.state,
				text, opens, due,
				json_pack("{s:I,s:s,s:s}", "objection", (json_int_t)o.id, "from",
					  obj_state_name(from), "to", obj_state_name(to)),
				now, e);
	if (rc)
		goto out;
	/* An upheld objection means the application is refused (Art. 9). */
	if (action == OBJA_DECIDE && upheld)
		rc = svc__refuse(v, &c, who, (unsigned)upheld, text, now, e);
	else if (action == OBJA_DECIDE || action == OBJA_WITHDRAW)
		rc = after_objection(v, &c, who, now, e);
out:
	free(ev);
	svc__release(&c);
out0:
	objection_release(&o);
	return svc__finish(v, rc, e);
}
