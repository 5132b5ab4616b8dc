/*
 * examine.c - formal examination: the correction notice and its reply
 * (Art. 8), refusal (Art. 9), publication (Art. 10) and approval (Art. 12).
 */
#include "service/internal.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int svc_request_correction(struct svc *v, const struct actor *who, int64_t id,
			   const struct app_defects *defects, const char *note, dip_time now,
			   struct dip_error *e)
{
	struct app_ctx c;
	enum app_state to;
	struct dbuf body;
	json_t *list, *item;
	dip_time due = 0;
	char due_s[32];
	size_t i;
	int rc;

	if (defects == NULL || defects->n == 0)
		return dip_fail(e, DIP_EINVAL, "defects",
				"defects: list every defect at once, at least one (Art. 8)");
	for (i = 0; i < defects->n; i++)
		if (defects->v[i].field[0] == '\0' || defects->v[i].message[0] == '\0')
			return dip_fail(e, DIP_EINVAL, "defects",
					"defects[%zu]: each defect names a field and says what to correct", i);
	rc = svc__text(note, "note", 0, SVC_MAX_TEXT, e);
	if (rc)
		return rc;
	rc = svc__start(v, who, id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__check(&c, WF_REQUEST_CORRECTION, &to, e);
	if (rc == 0 && c.a.corrections >= v->reg->rules.correction_notices)
		rc = dip_fail(e, DIP_ESTATE, "defects",
			      "a correction notice was already issued; Art. 8 requires every defect to be notified at once, so refuse or publish now");
	if (rc)
		goto out;
	c.a.state = to;
	c.a.corrections++;
	rc = svc__save(v, &c, e);
	if (rc == 0)
		rc = svc__close(v, id, 0, DL_EXAMINE, now, e);
	/* The reply period runs from delivery, which is now (Art. 7). */
	if (rc == 0)
		rc = svc__open(v, id, 0, DL_CORRECTION_REPLY, now, 0, &due, e);
	list = json_array();
	dbuf_init(&body, 0);
	svc__time(v->reg, due, due_s);
	dbuf_addf(&body, "补正通知书（第八条）/ Correction notice (Art. 8)\n"
		  "请于 %s 前一次性补正下列事项；逾期无正当理由不答复的，视为撤回登记申请。\n"
		  "Correct every item below by %s; without a reply in time the application is deemed withdrawn.\n",
		  due_s, due_s);
	for (i = 0; i < defects->n; i++) {
		item = json_object();
		json_object_set_new(item, "field", json_string(defects->v[i].field));
		json_object_set_new(item, "message", json_string(defects->v[i].message));
		json_array_append_new(list, item);
		dbuf_addf(&body, "%zu. %s\n", i + 1, defects->v[i].message);
	}
	if (note && *note)
		dbuf_addf(&body, "%s\n", note);
	item = json_object();
	json_object_set_new(item, "defects", list);
	if (rc == 0)
		rc = svc__event(v, id, 0, who, "request_correction", APP_SUBMITTED, to, note,
				DL_CORRECTION_REPLY, due, item, now, e);
	else
		json_decref(item);
	if (rc == 0)
		rc = svc__deliver_parties(v, &c, "correction_notice", "补正通知书 / correction notice",
					  body.p ? body.p : "", now, e);
	dbuf_free(&body);
out:
	svc__release(&c);
	return svc__finish(v, rc, e);
}

static int full_check(struct svc *v, const json_t *content, dip_time now,
		      struct app_defects *d, struct dip_error *e)
{
	struct app_check_ctx ctx = { &v->reg->industries, time_day(now, v->reg->zone), 1 };

	if (!json_is_object(content))
		return dip_fail(e, DIP_EINVAL, "content", "content: the corrected application is required");
	if (app_content_check(content, &ctx, d))
		return app_defects_first(d, e);
	return 0;
}

int svc_reply_correction(struct svc *v, const struct actor *who, int64_t id,
			 const json_t *content, const char *reply, dip_time now,
			 struct app_defects *defects, struct dip_error *e)
{
	struct app_defects local;
	struct app_ctx c;
	enum app_state to;
	dip_time due = 0;
	int rc;

	rc = full_check(v, content, now, defects ? defects : &local, e);
	if (rc == 0)
		rc = svc__text(reply, "reply", 0, SVC_MAX_TEXT, e);
	if (rc)
		return rc;
	rc = svc__start(v, who, id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__check(&c, WF_REPLY_CORRECTION, &to, e);
	if (rc && c.a.state == APP_DEEMED_WITHDRAWN)
		rc = dip_fail(e, DIP_EDEADLINE, "",
			      "the reply period has ended and the application is deemed withdrawn (Art. 8); file a late reply stating the justified reason");
	if (rc)
		goto out;
	json_decref(c.content);
	c.content = json_deep_copy(content);
	c.a.state = to;
	rc = svc__save(v, &c, e);
	if (rc == 0)
		rc = svc__close(v, id, 0, DL_CORRECTION_REPLY, now, e);
	if (rc == 0)
		rc = svc__open(v, id, 0, DL_EXAMINE, now, 0, &due, e);
	if (rc == 0)
		rc = svc__event(v, id, 0, who, "reply_correction", APP_CORRECTION, to, reply,
				DL_EXAMINE, due, NULL, now, e);
out:
	svc__release(&c);
	return svc__finish(v, rc, e);
}

int svc_late_reply(struct svc *v, const struct actor *who, int64_t id, const json_t *content,
		   const char *reply, const char *reason, dip_time now, struct dip_error *e)
{
	struct app_defects d;
	struct app_ctx c;
	enum app_state to;
	dip_time due = 0;
	int rc;

	rc = full_check(v, content, now, &d, e);
	if (rc == 0)
		rc = svc__text(reply, "reply", 0, SVC_MAX_TEXT, e);
	/* Art. 8 deems withdrawal only "无正当理由": the reason is the point. */
	if (rc == 0)
		rc = svc__text(reason, "reason", 1, SVC_MAX_TEXT, e);
	if (rc)
		return rc;
	rc = svc__start(v, who, id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__check(&c, WF_LATE_REPLY, &to, e);
	if (rc == 0 && (c.a.flags & APPF_LATE_REPLY))
		rc = dip_fail(e, DIP_ESTATE, "", "a late reply already awaits the registry's decision");
	if (rc)
		goto out;
	json_decref(c.content);
	c.content = json_deep_copy(content);
	c.a.flags |= APPF_LATE_REPLY;
	rc = svc__save(v, &c, e);
	if (rc == 0)
		rc = svc__open(v, id, 0, DL_LATE_REPLY, now, 0, &due, e);
	if (rc == 0) {
		json_t *detail = json_object();

		json_object_set_new(detail, "reply", json_string(reply ? reply : ""));
		rc = svc__event(v, id, 0, who, "late_reply", c.a.state, to, reason, DL_LATE_REPLY,
				due, detail, now, e);
	}
out:
	svc__release(&c);
	return svc__finish(v, rc, e);
}

int svc_decide_late_reply(struct svc *v, const struct actor *who, int64_t id, int accept,
			  const char *reason, dip_time now, struct dip_error *e)
{
	struct app_ctx c;
	enum app_state to;
	dip_time due = 0;
	int rc;

	rc = svc__text(reason, "reason", 1, SVC_MAX_TEXT, e);
	if (rc)
		return rc;
	rc = svc__start(v, who, id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__check(&c, accept ? WF_ACCEPT_LATE_REPLY : WF_REJECT_LATE_REPLY, &to, e);
	if (rc == 0 && !(c.a.flags & APPF_LATE_REPLY))
		rc = dip_fail(e, DIP_ESTATE, "", "no late reply awaits a decision");
	if (rc)
		goto out;
	c.a.flags &= ~(unsigned)APPF_LATE_REPLY;
	c.a.state = to;
	if (accept)
		c.a.closed_at = 0;
	rc = svc__save(v, &c, e);
	if (rc == 0)
		rc = svc__close(v, id, 0, DL_LATE_REPLY, now, e);
	if (rc == 0 && accept)
		rc = svc__open(v, id, 0, DL_EXAMINE, now, 0, &due, e);
	if (rc == 0)
		rc = svc__event(v, id, 0, who, accept ? "accept_late_reply" : "reject_late_reply",
				APP_DEEMED_WITHDRAWN, to, reason, accept ? DL_EXAMINE : DL_NONE, due,
				NULL, now, e);
	if (rc == 0)
		rc = svc__deliver_parties(v, &c, accept ? "late_reply_accepted" : "late_reply_rejected",
					  accept ? "逾期答复理由成立，申请恢复审查 / late reply accepted"
						 : "逾期答复理由不成立 / late reply not accepted",
					  reason, now, e);
out:
	svc__release(&c);
	return svc__finish(v, rc, e);
}

int svc__refuse(struct svc *v, struct app_ctx *c, const struct actor *who, unsigned grounds,
		const char *text, dip_time now, struct dip_error *e)
{
	enum app_state to, from = c->a.state;
	struct dbuf body;
	json_t *detail, *list;
	int rc, n;

	if (grounds == 0 || grounds >> ART9_GROUNDS)
		return dip_fail(e, DIP_EINVAL, "grounds", "grounds: one or more of Art. 9 (1)-(7)");
	rc = svc__check(c, WF_REFUSE, &to, e);
	if (rc)
		return rc;
	c->a.state = to;
	c->a.refusal = grounds;
	c->a.closed_at = now;
	rc = svc__save(v, c, e);
	if (rc == 0)
		rc = svc__search_index(v, c, e);
	if (rc == 0)
		rc = svc__close(v, c->a.id, -1, -1, now, e);
	if (rc == 0)
		rc = svc__moot_objections(v, c, now, e);
	detail = json_object();
	list = json_array();
	dbuf_init(&body, 0);
	dbuf_adds(&body, "不予登记决定（第九条）/ Decision not to register (Art. 9)\n");
	for (n = 1; n <= ART9_GROUNDS; n++)
		if (grounds & (1u << (n - 1))) {
			json_array_append_new(list, json_integer(n));
			dbuf_addf(&body, "第九条第（%d）项：%s\n", n, wf_art9_text(n));
		}
	dbuf_adds(&body, text);
	json_object_set_new(detail, "grounds", list);
	if (rc == 0)
		rc = svc__event(v, c->a.id, 0, who, "refuse", from, to, text, DL_NONE, 0, detail, now, e);
	else
		json_decref(detail);
	if (rc == 0)
		rc = svc__deliver_parties(v, c, "refusal", "不予登记决定 / refusal", body.p, now, e);
	if (rc == 0 && (from == APP_PUBLICATION || from == APP_OBJECTION)) {
		json_t *rec = json_object();

		json_object_set_new(rec, "application", json_integer(c->a.id));
		rc = svc__ledger(v, "publication_refused", rec, now, NULL, e);
	}
	dbuf_free(&body);
	return rc;
}

int svc_refuse(struct svc *v, const struct actor *who, int64_t id, unsigned grounds,
	       const char *text, dip_time now, struct dip_error *e)
{
	struct app_ctx c;
	int rc;

	rc = svc__text(text, "text", 1, SVC_MAX_TEXT, e);
	if (rc)
		return rc;
	rc = svc__start(v, who, id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__refuse(v, &c, who, grounds, text, now, e);
	svc__release(&c);
	return svc__finish(v, rc, e);
}

int svc_publish(struct svc *v, const struct actor *who, int64_t id, dip_time now,
		struct dip_error *e)
{
	struct app_ctx c;
	enum app_state to;
	dip_time due = 0;
	char due_s[32], body[400];
	json_t *rec;
	int rc;

	rc = svc__start(v, who, id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__check(&c, WF_PUBLISH, &to, e);
	if (rc)
		goto out;
	c.a.state = to;
	c.a.published_at = now;
	rc = svc__save(v, &c, e);
	if (rc == 0)
		rc = svc__search_index(v, &c, e);
	if (rc == 0)
		rc = svc__close(v, id, 0, DL_EXAMINE, now, e);
	if (rc == 0)
		rc = svc__open(v, id, 0, DL_PUBLICATION, now, 0, &due, e);
	if (rc == 0)
		rc = svc__event(v, id, 0, who, "publish", APP_SUBMITTED, to, NULL, DL_PUBLICATION,
				due, NULL, now, e);
	/* Art. 10: only the applicants, name, scenario, data source and
	 * algorithm-rules summary are published. */
	rec = svc__public_record(v, &c, APP_VIEW_PUBLICATION);
	json_object_set_new(rec, "publication_ends", json_integer(due));
	if (rc == 0)
		rc = svc__ledger(v, "publication", rec, now, NULL, e);
	else
		json_decref(rec);
	svc__time(v->reg, due, due_s);
	snprintf(body, sizeof(body),
		 "申请已通过形式审查并公示至 %s（第十条）。\nThe application passed formal examination and is published until %s (Art. 10).",
		 due_s, due_s);
	if (rc == 0)
		rc = svc__deliver_parties(v, &c, "publication", "登记前公示 / publication", body, now, e);
out:
	svc__release(&c);
	return svc__finish(v, rc, e);
}

/* Open objections, and whether any was upheld. */
static int objection_summary(struct svc *v, int64_t app_id, int *open, int *upheld,
			     struct dip_error *e)
{
	struct objection o;
	int64_t ids[256];
	int n = 0, i, rc;

	*open = *upheld = 0;
	rc = svc__st(v, v->st->objection_ids(v->st, app_id, ids, 256, &n), e);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = svc__st(v, v->st->objection_get(v->st, ids[i], &o), e);
		if (rc)
			break;
		*open += wf_obj_open(o.state);
		*upheld += o.state == OBJ_UPHELD;
		objection_release(&o);
	}
	return rc;
}

int svc__register(struct svc *v, struct app_ctx *c, const struct actor *who, dip_time at,
		  struct dip_error *e)
{
	enum app_state from = c->a.state;
	char until_s[11], body[512];
	dip_time due = 0;
	dip_day notice;
	int open, upheld, rc;

	rc = objection_summary(v, c->a.id, &open, &upheld, e);
	if (rc)
		return rc;
	if (open || upheld)
		return dip_fail(e, DIP_ESTATE, "",
				"objections are undecided or upheld; register only when none stands (Art. 12)");
	c->a.state = APP_REGISTERED;
	c->a.registered_at = at;
	c->a.reg_day = time_day(at, v->reg->zone);
	c->a.valid_from = c->a.reg_day;
	c->a.valid_until = app_validity_end(c->content, c->a.reg_day, &v->reg->rules);
	rc = svc__close(v, c->a.id, -1, -1, at, e);
	if (rc == 0)
		rc = svc__issue_certificate(v, c, at, e);
	if (rc)
		return rc;
	rc = svc__save(v, c, e);
	if (rc == 0)
		rc = svc__search_index(v, c, e);
	if (rc == 0)
		rc = svc__open(v, c->a.id, 0, DL_EXPIRY, at, day_end(c->a.valid_until, v->reg->zone),
			       &due, e);
	notice = c->a.valid_until - v->reg->rules.expiry_notice_days;
	if (rc == 0 && notice > c->a.reg_day)
		rc = svc__open(v, c->a.id, 0, DL_EXPIRY_NOTICE, at, day_start(notice, v->reg->zone),
			       NULL, e);
	if (rc == 0)
		rc = svc__event(v, c->a.id, 0, who, "register", from, APP_REGISTERED, NULL, DL_EXPIRY,
				due, NULL, at, e);
	svc__day(v->reg, c->a.valid_until, until_s);
	snprintf(body, sizeof(body),
		 "数据知识产权已登记并公告，证书编号 %s，有效期至 %s（第十二条、第十三条）。\n"
		 "Registered and announced; certificate %s, valid through %s (Arts. 12, 13).",
		 c->a.cert_no, until_s, c->a.cert_no, until_s);
	if (rc == 0)
		rc = svc__deliver_parties(v, c, "certificate", "登记证书已签发 / certificate issued", body,
					  at, e);
	return rc;
}

int svc_register(struct svc *v, const struct actor *who, int64_t id, dip_time now,
		 struct dip_error *e)
{
	struct app_ctx c;
	enum app_state to;
	int rc;

	rc = svc__start(v, who, id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__check(&c, WF_REGISTER, &to, e);
	/* svc__load applied an expired publication already, so an application
	 * still in publication is inside its period. */
	if (rc == 0 && c.a.state == APP_PUBLICATION)
		rc = dip_fail(e, DIP_ESTATE, "", "the publication period has not ended yet (Art. 10)");
	if (rc == 0)
		rc = svc__register(v, &c, who, now, e);
	svc__release(&c);
	return svc__finish(v, rc, e);
}
