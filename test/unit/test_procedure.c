/*
 * test_procedure.c - the whole procedure through the service layer on a
 * real database (SQLite, or PostgreSQL under DIPREG_TEST_PG), with time
 * moved by the test (Arts. 6-23).
 */
#include "fixture.h"

#include <pthread.h>

#include "domain/certno.h"
#include "ledger/certificate.h"
#include "domain/period.h"

static void ok(int rc, const struct dip_error *e)
{
	if (rc)
		fail_msg("unexpected error %d: %s (%s)", rc, e->message, e->field);
}

static int64_t draft(struct fx *f, const struct actor *who, const char *name, const char *fp,
		     const char *const *co, dip_time at)
{
	struct draft_input in = { NULL, co, NULL };
	struct dip_error e;
	int64_t id = 0;

	in.content = fx_content(f, name, fp);
	ok(svc_draft_create(&f->v, who, &in, at, &id, &e), &e);
	json_decref((json_t *)in.content);
	return id;
}

static int64_t submitted(struct fx *f, const char *name, const char *fp, dip_time at)
{
	struct dip_error e;
	int64_t id = draft(f, &f->alice, name, fp, NULL, at);

	ok(svc_submit(&f->v, &f->alice, id, at, NULL, &e), &e);
	return id;
}

static int64_t published(struct fx *f, const char *name, const char *fp, dip_time at)
{
	struct dip_error e;
	int64_t id = submitted(f, name, fp, at);

	ok(svc_publish(&f->v, &f->examiner, id, at + 3600, &e), &e);
	return id;
}

static void get_app(struct fx *f, int64_t id, struct application *a)
{
	assert_int_equal(f->v.st->begin(f->v.st, 0), 0);
	assert_int_equal(f->v.st->app_get(f->v.st, id, a), 0);
	f->v.st->rollback(f->v.st);
}

static enum app_state state_of(struct fx *f, int64_t id)
{
	struct application a;

	get_app(f, id, &a);
	application_release(&a);
	return a.state;
}

static int tick(struct fx *f, dip_time now)
{
	struct tick_report rep;
	struct dip_error e;

	ok(svc_tick(&f->v, now, &rep, &e), &e);
	return rep.applied;
}

static void assert_time(dip_time t, const char *want)
{
	char got[32];

	time_format(t, DIP_ZONE_SHANGHAI, got);
	assert_string_equal(got, want);
}

static void assert_dayis(dip_day d, const char *want)
{
	char got[11];

	day_format(d, got);
	assert_string_equal(got, want);
}

struct find_ctx {
	const char *action;
	int kind;
	struct event ev;
	struct deadline dl;
	int found;
	int count;
};

static int find_event(void *ud, const struct event *ev)
{
	struct find_ctx *c = ud;

	c->count++;
	if (strcmp(ev->action, c->action) == 0) {
		c->ev = *ev;
		c->ev.reason = NULL;
		c->ev.detail = NULL;
		c->found++;
	}
	return 0;
}

static int event_found(struct fx *f, int64_t id, const char *action, struct event *out)
{
	struct find_ctx c;

	memset(&c, 0, sizeof(c));
	c.action = action;
	f->v.st->begin(f->v.st, 0);
	f->v.st->event_list(f->v.st, id, find_event, &c);
	f->v.st->rollback(f->v.st);
	if (out)
		*out = c.ev;
	return c.found;
}

static int find_deadline(void *ud, const struct deadline *d)
{
	struct find_ctx *c = ud;

	if (d->kind == c->kind) {
		c->dl = *d;
		c->found++;
	}
	return 0;
}

static int open_deadline(struct fx *f, int64_t id, int kind, struct deadline *out)
{
	struct find_ctx c;

	memset(&c, 0, sizeof(c));
	c.kind = kind;
	f->v.st->begin(f->v.st, 0);
	f->v.st->deadline_open_for(f->v.st, id, -1, find_deadline, &c);
	f->v.st->rollback(f->v.st);
	if (out)
		*out = c.dl;
	return c.found;
}

static int64_t ledger_size(struct fx *f)
{
	int64_t n = 0;

	f->v.st->begin(f->v.st, 0);
	f->v.st->ledger_size(f->v.st, &n);
	f->v.st->rollback(f->v.st);
	return n;
}

static int inbox_has(struct fx *f, const struct actor *who, const char *kind)
{
	struct msg_filter mf = { 0 };
	struct dip_error e;
	json_t *o, *it;
	size_t i;
	int n = 0;

	ok(svc_inbox_json(&f->v, who, &mf, &o, &e), &e);
	json_array_foreach(json_object_get(o, "items"), i, it)
		n += strcmp(json_string_value(json_object_get(it, "kind")), kind) == 0;
	json_decref(o);
	return n;
}

/* Art. 7: the submitter's reply shows the application as stored, its
 * content the text the registry keeps, which a reply writes as it is;
 * Art. 10: the public's view never gets that text. */
static void test_art7_art10_views_with_the_stored_content_text(void **state)
{
	struct fx *f = *state;
	struct application a;
	struct dip_error e;
	json_t *view;
	char *text, *shown;
	int64_t id = draft(f, &f->alice, "北京市公共交通客流数据集", FP, NULL,
			   T("2024-03-04T09:00:00+08:00"));

	ok(svc_submit_view(&f->v, &f->alice, id, T("2024-03-04T10:00:00+08:00"), NULL, &view,
			   &text, &e), &e);
	assert_non_null(text);
	get_app(f, id, &a);
	assert_string_equal(text, a.content);
	shown = json_dumps(json_object_get(view, "content"), JSON_COMPACT);
	assert_string_equal(shown, text);
	assert_string_equal(json_string_value(json_object_get(view, "state")), "submitted");
	application_release(&a);
	free(shown);
	free(text);
	json_decref(view);
	/* A submission refused gives neither. */
	assert_int_equal(svc_submit_view(&f->v, &f->alice, id, T("2024-03-04T11:00:00+08:00"),
					 NULL, &view, &text, &e), DIP_ESTATE);
	assert_null(view);
	assert_null(text);
	/* Art. 10: the public sees part of the content in publication, and
	 * never the text that holds all of it. */
	ok(svc_publish(&f->v, &f->examiner, id, T("2024-03-05T09:00:00+08:00"), &e), &e);
	ok(svc_app_json_text(&f->v, &f->public_, id, T("2024-03-05T10:00:00+08:00"), &view, &text,
			     &e), &e);
	assert_non_null(json_object_get(view, "content"));
	assert_null(text);
	json_decref(view);
	ok(svc_app_json_text(&f->v, &f->examiner, id, T("2024-03-05T10:00:00+08:00"), &view, &text,
			     &e), &e);
	assert_non_null(text);
	shown = json_dumps(json_object_get(view, "content"), JSON_COMPACT);
	assert_string_equal(shown, text);
	free(shown);
	free(text);
	json_decref(view);
}

static void test_art7_art12_path_from_draft_to_registration(void **state)
{
	struct fx *f = *state;
	struct application a;
	struct deadline d;
	struct certificate cert;
	int64_t id, before = ledger_size(f);

	id = submitted(f, "北京市公共交通客流数据集", FP, T("2024-03-04T10:00:00+08:00"));
	get_app(f, id, &a);
	assert_int_equal(a.state, APP_SUBMITTED);
	/* Art. 7: the submission date is when the registry stored it. */
	assert_time(a.submitted_at, "2024-03-04T10:00:00+08:00");
	/* The registration number: 2024, own data (1), legal person (2). */
	assert_int_equal(certno_reg_parse(a.reg_no, NULL, NULL), 0);
	assert_memory_equal(a.reg_no, "202412000000001", 15);
	application_release(&a);
	assert_true(inbox_has(f, &f->alice, "receipt"));
	/* Art. 8: the examiner's duty is due within 3 working days. */
	assert_true(open_deadline(f, id, DL_EXAMINE, &d));
	assert_time(d.due_at, "2024-03-07T23:59:59+08:00");
	assert_false(d.binds_party);

	{
		struct dip_error e;

		ok(svc_publish(&f->v, &f->examiner, id, T("2024-03-05T09:00:00+08:00"), &e), &e);
	}
	assert_int_equal(state_of(f, id), APP_PUBLICATION);
	assert_true(open_deadline(f, id, DL_PUBLICATION, &d));
	/* Art. 10: ten working days after 5 March 2024. */
	assert_time(d.due_at, "2024-03-19T23:59:59+08:00");
	assert_int_equal(tick(f, T("2024-03-19T23:59:59+08:00")), 0);
	assert_int_equal(state_of(f, id), APP_PUBLICATION);
	assert_int_equal(tick(f, T("2024-03-20T08:00:00+08:00")), 1);
	/* Art. 12: publication over without objection: registered. */
	get_app(f, id, &a);
	assert_int_equal(a.state, APP_REGISTERED);
	assert_dayis(a.reg_day, "2024-03-20");
	/* Art. 13: three years from the announcement, that day included. */
	assert_dayis(a.valid_until, "2027-03-19");
	assert_int_equal(strlen(a.cert_no), 17);
	assert_memory_equal(a.cert_no, "2024031100", 10);
	assert_int_equal(a.cert_version, 1);
	assert_true(open_deadline(f, id, DL_EXPIRY, NULL));
	assert_true(inbox_has(f, &f->alice, "certificate"));
	assert_int_equal(f->v.st->begin(f->v.st, 0), 0);
	assert_int_equal(f->v.st->cert_latest(f->v.st, id, &cert), 0);
	f->v.st->rollback(f->v.st);
	assert_int_equal(cert.status, CERT_IN_FORCE);
	assert_non_null(strstr(cert.doc, "\"valid_until\":\"2027-03-19\""));
	assert_null(strstr(cert.doc, "lawful_proof"));
	certificate_release(&cert);
	application_release(&a);
	/* Publication and registration are public acts in the log. */
	assert_int_equal(ledger_size(f) - before, 2);
	assert_int_equal(tick(f, T("2024-03-20T08:00:00+08:00")), 0);
}

static void test_art8_correction_unanswered_is_deemed_withdrawn(void **state)
{
	struct fx *f = *state;
	struct app_defects d;
	struct deadline dl;
	struct dip_error e;
	struct event ev;
	json_t *c;
	int64_t id = submitted(f, "电力负荷数据集", FP, T("2024-02-09T09:00:00+08:00"));

	memset(&d, 0, sizeof(d));
	d.n = 2;
	snprintf(d.v[0].field, sizeof(d.v[0].field), "scenario");
	snprintf(d.v[0].message, sizeof(d.v[0].message), "scenario: name the users");
	snprintf(d.v[1].field, sizeof(d.v[1].field), "sample");
	snprintf(d.v[1].message, sizeof(d.v[1].message), "sample: unreadable");
	ok(svc_request_correction(&f->v, &f->examiner, id, &d, NULL, T("2024-02-09T15:00:00+08:00"),
				  &e), &e);
	assert_true(inbox_has(f, &f->alice, "correction_notice"));
	assert_true(open_deadline(f, id, DL_CORRECTION_REPLY, &dl));
	/* Ten working days from delivery on Fri 9 Feb, across Spring Festival. */
	assert_time(dl.due_at, "2024-02-29T23:59:59+08:00");
	assert_true(dl.binds_party);
	assert_int_equal(tick(f, T("2024-02-29T23:59:59+08:00")), 0);
	assert_int_equal(tick(f, T("2024-03-01T00:00:00+08:00")), 1);
	assert_int_equal(state_of(f, id), APP_DEEMED_WITHDRAWN);
	assert_true(event_found(f, id, "deem_withdrawn", &ev));
	/* Dated when the period ran out, not when the scheduler ran. */
	assert_time(ev.at, "2024-03-01T00:00:00+08:00");
	assert_int_equal(ev.actor_role, ROLE_SYSTEM);
	/* A reply after the deadline is refused as such. */
	c = fx_content(f, "电力负荷数据集", FP);
	assert_int_equal(svc_reply_correction(&f->v, &f->alice, id, c, "fixed",
					      T("2024-03-01T09:00:00+08:00"), NULL, &e), DIP_EDEADLINE);
	assert_non_null(strstr(e.message, "deemed withdrawn"));
	/* "无正当理由": a late reply with a reason may be accepted. */
	assert_int_equal(svc_late_reply(&f->v, &f->alice, id, c, "fixed", NULL,
					T("2024-03-01T09:00:00+08:00"), &e), DIP_EINVAL);
	assert_string_equal(e.field, "reason");
	ok(svc_late_reply(&f->v, &f->alice, id, c, "fixed", "住院治疗，附医院证明",
			  T("2024-03-01T09:00:00+08:00"), &e), &e);
	assert_true(open_deadline(f, id, DL_LATE_REPLY, NULL));
	ok(svc_decide_late_reply(&f->v, &f->examiner, id, 1, "理由正当，恢复审查",
				 T("2024-03-04T09:00:00+08:00"), &e), &e);
	assert_int_equal(state_of(f, id), APP_SUBMITTED);
	assert_true(event_found(f, id, "accept_late_reply", &ev));
	json_decref(c);
}

static void test_art8_reply_in_time_returns_to_examination(void **state)
{
	struct fx *f = *state;
	struct app_defects d;
	struct dip_error e;
	struct deadline dl;
	json_t *c;
	int64_t id = submitted(f, "气象观测数据集", FP, T("2024-04-01T09:00:00+08:00"));

	memset(&d, 0, sizeof(d));
	d.n = 1;
	snprintf(d.v[0].field, sizeof(d.v[0].field), "scenario");
	snprintf(d.v[0].message, sizeof(d.v[0].message), "scenario: be specific");
	ok(svc_request_correction(&f->v, &f->examiner, id, &d, NULL, T("2024-04-01T10:00:00+08:00"),
				  &e), &e);
	/* One notice listing everything: a second one is refused (Art. 8). */
	c = fx_content(f, "气象观测数据集", FP);
	ok(svc_reply_correction(&f->v, &f->alice, id, c, "已补正", T("2024-04-08T10:00:00+08:00"),
				NULL, &e), &e);
	assert_int_equal(state_of(f, id), APP_SUBMITTED);
	assert_false(open_deadline(f, id, DL_CORRECTION_REPLY, NULL));
	assert_true(open_deadline(f, id, DL_EXAMINE, &dl));
	assert_time(dl.due_at, "2024-04-11T23:59:59+08:00");
	assert_int_equal(svc_request_correction(&f->v, &f->examiner, id, &d, NULL,
						T("2024-04-09T10:00:00+08:00"), &e), DIP_ESTATE);
	assert_non_null(strstr(e.message, "at once"));
	/* Empty notices are refused: list every defect. */
	memset(&d, 0, sizeof(d));
	assert_int_equal(svc_request_correction(&f->v, &f->examiner, id, &d, NULL,
						T("2024-04-09T10:00:00+08:00"), &e), DIP_EINVAL);
	json_decref(c);
}

/* The server reads an application's content ahead, while the request
 * waits for the write lock; the submission still checks what is stored
 * when it runs. */
static void test_art5_submission_checks_the_content_stored_when_it_runs(void **state)
{
	struct fx *f = *state;
	struct svc_ahead a;
	struct dip_error e;
	json_t *c;
	int64_t id = draft(f, &f->alice, "京津冀客流数据集", FP, NULL, T("2024-05-06T09:00:00+08:00"));

	assert_int_equal(svc_read_ahead(&f->v, id, T("2024-05-06T09:40:00+08:00"), &a), 0);
	c = fx_content(f, "京津冀客流数据集", FP);
	json_object_del(c, "scenario");
	ok(svc_draft_update(&f->v, &f->alice, id, c, T("2024-05-06T09:30:00+08:00"), &e), &e);
	f->v.ahead = &a;
	assert_int_equal(svc_submit(&f->v, &f->alice, id, T("2024-05-06T10:00:00+08:00"), NULL, &e),
			 DIP_EINVAL);
	assert_string_equal(e.field, "scenario");
	assert_non_null(a.content); /* not taken: it is not what is stored */
	svc_ahead_free(&a);
	/* Read ahead again after the fix: taken, and the submission goes. */
	json_decref(c);
	c = fx_content(f, "京津冀客流数据集", FP);
	ok(svc_draft_update(&f->v, &f->alice, id, c, T("2024-05-06T10:30:00+08:00"), &e), &e);
	assert_int_equal(svc_read_ahead(&f->v, id, T("2024-05-06T09:40:00+08:00"), &a), 0);
	ok(svc_submit(&f->v, &f->alice, id, T("2024-05-06T11:00:00+08:00"), NULL, &e), &e);
	assert_null(a.content);
	f->v.ahead = NULL;
	svc_ahead_free(&a);
	assert_int_equal(state_of(f, id), APP_SUBMITTED);
	json_decref(c);
}

static void test_art6_joint_applicants_all_confirm(void **state)
{
	struct fx *f = *state;
	const char *co[] = { "bob", NULL };
	struct dip_error e;
	json_t *c;
	int64_t id = draft(f, &f->alice, "长三角物流数据集", FP, co, T("2024-05-06T09:00:00+08:00"));

	assert_int_equal(svc_submit(&f->v, &f->alice, id, T("2024-05-06T10:00:00+08:00"), NULL, &e),
			 DIP_ESTATE);
	assert_non_null(strstr(e.message, "Art. 6"));
	/* Someone else cannot confirm for bob. */
	assert_int_equal(svc_confirm(&f->v, &f->carol, id, T("2024-05-06T10:00:00+08:00"), &e),
			 DIP_ENOTFOUND);
	ok(svc_confirm(&f->v, &f->bob, id, T("2024-05-06T11:00:00+08:00"), &e), &e);
	/* A change by alice needs bob's confirmation again. */
	c = fx_content(f, "长三角物流数据集（第二版）", FP);
	ok(svc_draft_update(&f->v, &f->alice, id, c, T("2024-05-06T12:00:00+08:00"), &e), &e);
	assert_int_equal(svc_submit(&f->v, &f->alice, id, T("2024-05-06T13:00:00+08:00"), NULL, &e),
			 DIP_ESTATE);
	ok(svc_confirm(&f->v, &f->bob, id, T("2024-05-06T14:00:00+08:00"), &e), &e);
	ok(svc_submit(&f->v, &f->bob, id, T("2024-05-06T15:00:00+08:00"), NULL, &e), &e);
	assert_int_equal(state_of(f, id), APP_SUBMITTED);
	assert_true(inbox_has(f, &f->bob, "receipt"));
	json_decref(c);
}

static void test_art6_agent_needs_confirmed_power_of_attorney(void **state)
{
	struct fx *f = *state;
	const char *principals[] = { "carol", NULL };
	struct draft_input in = { NULL, NULL, principals };
	struct dip_error e;
	char poa[65];
	int64_t id = 0;

	memset(poa, 'c', 64);
	poa[64] = '\0';
	fx_upload(f, f->agent.id, poa);
	in.content = fx_content(f, "医疗影像标注数据集", FP);
	assert_int_equal(svc_draft_create(&f->v, &f->agent, &in, T("2024-05-06"), &id, &e),
			 DIP_EFORBIDDEN);
	ok(svc_agency_request(&f->v, &f->agent, "carol", poa, T("2024-05-06"), &e), &e);
	assert_int_equal(svc_draft_create(&f->v, &f->agent, &in, T("2024-05-06"), &id, &e),
			 DIP_EFORBIDDEN);
	ok(svc_agency_confirm(&f->v, &f->carol, "agency", 1, T("2024-05-06"), &e), &e);
	ok(svc_draft_create(&f->v, &f->agent, &in, T("2024-05-06"), &id, &e), &e);
	/* Revoking the power of attorney stops the agent at once. */
	ok(svc_agency_confirm(&f->v, &f->carol, "agency", 0, T("2024-05-07"), &e), &e);
	assert_int_equal(svc_submit(&f->v, &f->agent, id, T("2024-05-07T10:00:00+08:00"), NULL, &e),
			 DIP_ENOTFOUND);
	json_decref((json_t *)in.content);
}

static void test_art9_refusal_names_its_grounds(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	struct application a;
	int64_t id = submitted(f, "企业征信数据集", FP, T("2024-06-03T09:00:00+08:00"));

	assert_int_equal(svc_refuse(&f->v, &f->examiner, id, 0, "no ground",
				    T("2024-06-03T10:00:00+08:00"), &e), DIP_EINVAL);
	assert_string_equal(e.field, "grounds");
	assert_int_equal(svc_refuse(&f->v, &f->alice, id, 1u << 5, "self",
				    T("2024-06-03T10:00:00+08:00"), &e), DIP_EFORBIDDEN);
	ok(svc_refuse(&f->v, &f->examiner, id, 1u << 3 | 1u << 5, "权属诉讼未决；材料不实",
		      T("2024-06-03T10:00:00+08:00"), &e), &e);
	get_app(f, id, &a);
	assert_int_equal(a.state, APP_REFUSED);
	assert_int_equal(a.refusal, 1u << 3 | 1u << 5);
	application_release(&a);
	assert_false(open_deadline(f, id, DL_EXAMINE, NULL));
	assert_true(inbox_has(f, &f->alice, "refusal"));
	/* Nothing changes a refused application. */
	assert_int_equal(svc_publish(&f->v, &f->examiner, id, T("2024-06-04"), &e), DIP_ESTATE);
}

static void test_art9_duplicates_and_reapplication_are_flagged(void **state)
{
	struct fx *f = *state;
	struct application a;
	struct dip_error e;
	int64_t first = submitted(f, "重复数据集甲", FP, T("2024-06-03T09:00:00+08:00"));
	int64_t second = submitted(f, "重复数据集乙", FP, T("2024-06-03T10:00:00+08:00"));
	int64_t third;

	get_app(f, second, &a);
	assert_true(a.flags & APPF_DUPLICATE);
	assert_int_equal(a.related_id, first);
	application_release(&a);
	/* Withdrawn without a reason, then filed again. */
	ok(svc_withdraw(&f->v, &f->alice, first, NULL, T("2024-06-03T11:00:00+08:00"), &e), &e);
	ok(svc_withdraw(&f->v, &f->alice, second, "材料有误", T("2024-06-03T11:00:00+08:00"), &e), &e);
	third = submitted(f, "重复数据集丙", FP, T("2024-06-04T10:00:00+08:00"));
	get_app(f, third, &a);
	assert_true(a.flags & APPF_REAPPLIED);
	assert_int_equal(a.related_id, first);
	application_release(&a);
}

static void test_art9_evidence_deposit_precedes_submission(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	json_t *c;
	int64_t dep, id;
	struct draft_input in = { NULL, NULL, NULL };
	const char *other = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

	dep = fx_deposit(f, f->alice.id, other, T("2024-07-01T12:00:00+08:00"));
	c = fx_content(f, "先存证后登记数据集", other);
	json_object_set_new(json_object_get(c, "evidence"), "deposit_id", json_integer(dep));
	in.content = c;
	ok(svc_draft_create(&f->v, &f->alice, &in, T("2024-07-01T09:00:00+08:00"), &id, &e), &e);
	assert_int_equal(svc_submit(&f->v, &f->alice, id, T("2024-07-01T10:00:00+08:00"), NULL, &e),
			 DIP_EINVAL);
	assert_string_equal(e.field, "evidence.deposit_id");
	ok(svc_submit(&f->v, &f->alice, id, T("2024-07-01T13:00:00+08:00"), NULL, &e), &e);
	/* A deposit of another dataset does not count. */
	json_object_set_new(json_object_get(c, "evidence"), "fingerprint",
			    json_string("sha256:2222222222222222222222222222222222222222222222222222222222222222"));
	ok(svc_draft_create(&f->v, &f->alice, &in, T("2024-07-01T14:00:00+08:00"), &id, &e), &e);
	assert_int_equal(svc_submit(&f->v, &f->alice, id, T("2024-07-01T15:00:00+08:00"), NULL, &e),
			 DIP_EINVAL);
	assert_string_equal(e.field, "evidence.fingerprint");
	/* No evidence at all: flagged under Art. 9 (3) in Beijing. */
	json_object_set_new(c, "evidence", json_pack("{s:s,s:s}", "kind", "none", "fingerprint", other));
	ok(svc_draft_create(&f->v, &f->alice, &in, T("2024-07-01T14:00:00+08:00"), &id, &e), &e);
	ok(svc_submit(&f->v, &f->alice, id, T("2024-07-01T15:00:00+08:00"), NULL, &e), &e);
	{
		struct application a;

		get_app(f, id, &a);
		assert_true(a.flags & APPF_NO_EVIDENCE);
		application_release(&a);
	}
	json_decref(c);
}

static void test_art9_zhejiang_profile_requires_evidence_before_filing(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	struct draft_input in = { NULL, NULL, NULL };
	json_t *c = fx_content(f, "浙江数据集", FP);
	int64_t id;

	assert_int_equal(rules_builtin(&f->reg.rules, "zhejiang", &e), 0);
	json_object_set_new(c, "evidence", json_pack("{s:s,s:s}", "kind", "none", "fingerprint", FP));
	in.content = c;
	ok(svc_draft_create(&f->v, &f->alice, &in, T("2024-07-01T14:00:00+08:00"), &id, &e), &e);
	assert_int_equal(svc_submit(&f->v, &f->alice, id, T("2024-07-01T15:00:00+08:00"), NULL, &e),
			 DIP_EINVAL);
	assert_string_equal(e.field, "evidence.kind");
	json_decref(c);
}

static int64_t object(struct fx *f, int64_t id, dip_time at, char token[65])
{
	const char *ev[] = { f->upload2, NULL };
	struct objection_input in = { "王五", "wangwu@example.cn", "该数据集系抄袭我方数据。", ev };
	struct dip_error e;
	int64_t obj = 0;

	ok(svc_object(&f->v, &f->public_, id, &in, at, &obj, token, &e), &e);
	return obj;
}

static void test_art10_art11_objection_not_upheld_then_registered(void **state)
{
	struct fx *f = *state;
	struct actor objector;
	struct deadline dl;
	struct dip_error e;
	char token[65];
	int64_t id = published(f, "城市停车数据集", FP, T("2024-09-02T09:00:00+08:00"));
	int64_t obj;
	const char *no_ev[] = { NULL };

	/* Anyone may object during publication, with evidence. */
	{
		struct objection_input bad = { "王五", "wangwu@example.cn", "无证据", no_ev };

		assert_int_equal(svc_object(&f->v, &f->public_, id, &bad, T("2024-09-03"), &obj, token,
					    &e), DIP_EINVAL);
		assert_string_equal(e.field, "evidence");
	}
	obj = object(f, id, T("2024-09-03T10:00:00+08:00"), token);
	assert_true(open_deadline(f, id, DL_OBJ_FORWARD, &dl));
	assert_time(dl.due_at, "2024-09-06T23:59:59+08:00");
	/* The applicant cannot answer before the registry forwards it. */
	assert_int_equal(svc_objection_step(&f->v, &f->alice, obj, OBJA_ANSWER, "no", NULL, 0,
					    T("2024-09-03T11:00:00+08:00"), &e), DIP_ESTATE);
	ok(svc_objection_step(&f->v, &f->examiner, obj, OBJA_FORWARD, NULL, NULL, 0,
			      T("2024-09-04T10:00:00+08:00"), &e), &e);
	assert_true(inbox_has(f, &f->alice, "objection_forwarded"));
	assert_true(open_deadline(f, id, DL_OBJ_ANSWER, &dl));
	/* Mid-Autumn: 15-17 Sep 2024 off, Sat 14 Sep a working day. */
	assert_time(dl.due_at, "2024-09-19T23:59:59+08:00");
	ok(svc_objection_step(&f->v, &f->alice, obj, OBJA_ANSWER, "数据为我方自行采集，附采集日志。",
			      NULL, 0, T("2024-09-05T10:00:00+08:00"), &e), &e);
	ok(svc_objection_step(&f->v, &f->examiner, obj, OBJA_FORWARD_ANSWER, NULL, NULL, 0,
			      T("2024-09-06T10:00:00+08:00"), &e), &e);
	assert_true(open_deadline(f, id, DL_OBJ_SUPPLEMENT, &dl));
	/* Only the objector supplements: someone with the wrong token cannot. */
	memset(&objector, 0, sizeof(objector));
	objector.roles = ROLE_PUBLIC;
	objector.token = "not-the-token";
	assert_int_equal(svc_objection_step(&f->v, &objector, obj, OBJA_SUPPLEMENT, "more", NULL, 0,
					    T("2024-09-09T10:00:00+08:00"), &e), DIP_EFORBIDDEN);
	objector.token = token;
	ok(svc_objection_step(&f->v, &objector, obj, OBJA_SUPPLEMENT, "补充证据见附件", NULL, 0,
			      T("2024-09-09T10:00:00+08:00"), &e), &e);
	assert_true(open_deadline(f, id, DL_OBJ_DECIDE, NULL));
	/* The publication ends while the objection is undecided. */
	assert_int_equal(tick(f, T("2024-09-20T00:00:01+08:00")), 1);
	assert_int_equal(state_of(f, id), APP_OBJECTION);
	ok(svc_objection_step(&f->v, &f->examiner, obj, OBJA_DECIDE, "异议证据不足，不成立。", NULL, 0,
			      T("2024-09-23T10:00:00+08:00"), &e), &e);
	/* Art. 12: objection not upheld, so the application is registered. */
	assert_int_equal(state_of(f, id), APP_REGISTERED);
	assert_true(inbox_has(f, &f->alice, "objection_decision"));
	{
		struct msg_filter mf = { 0 };
		struct actor tok = objector;
		json_t *o;

		mf.objection_id = obj;
		ok(svc_inbox_json(&f->v, &tok, &mf, &o, &e), &e);
		assert_true(json_array_size(json_object_get(o, "items")) >= 3);
		json_decref(o);
	}
}

static void test_art11_objection_upheld_refuses(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	struct application a;
	char token[65];
	int64_t id = published(f, "抄袭数据集", FP, T("2024-09-02T09:00:00+08:00"));
	int64_t obj = object(f, id, T("2024-09-03T10:00:00+08:00"), token);

	ok(svc_objection_step(&f->v, &f->examiner, obj, OBJA_FORWARD, NULL, NULL, 0,
			      T("2024-09-03T11:00:00+08:00"), &e), &e);
	/* The applicant stays silent for 10 working days; meanwhile the
	 * publication ended too. */
	assert_int_equal(tick(f, T("2024-09-19T00:00:00+08:00")), 2);
	assert_int_equal(state_of(f, id), APP_OBJECTION);
	{
		struct objection o;

		f->v.st->begin(f->v.st, 0);
		assert_int_equal(f->v.st->objection_get(f->v.st, obj, &o), 0);
		f->v.st->rollback(f->v.st);
		assert_int_equal(o.state, OBJ_AWAITING_DECISION);
		objection_release(&o);
	}
	ok(svc_objection_step(&f->v, &f->examiner, obj, OBJA_DECIDE, "异议成立：数据系抄袭。", NULL,
			      1 << 5, T("2024-09-19T10:00:00+08:00"), &e), &e);
	get_app(f, id, &a);
	assert_int_equal(a.state, APP_REFUSED);
	assert_int_equal(a.refusal, 1u << 5);
	application_release(&a);
	assert_false(open_deadline(f, id, DL_PUBLICATION, NULL));
}

static void test_art13_art14_renewal_window_and_expiry(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	struct application a;
	struct certificate c1, c2;
	int64_t id = published(f, "港口集装箱吞吐数据集", FP, T("2024-03-04T09:00:00+08:00"));

	assert_int_equal(tick(f, T("2024-03-20T09:00:00+08:00")), 1);
	get_app(f, id, &a);
	assert_dayis(a.valid_until, "2027-03-18");
	application_release(&a);
	/* Window: from 18 February 2027 to the end of 18 March 2027. */
	assert_int_equal(svc_renew(&f->v, &f->alice, id, T("2027-02-17T23:00:00+08:00"), &e), DIP_ESTATE);
	assert_non_null(strstr(e.message, "2027-02-18"));
	assert_int_equal(svc_renew(&f->v, &f->bob, id, T("2027-02-18T09:00:00+08:00"), &e),
			 DIP_EFORBIDDEN);
	ok(svc_renew(&f->v, &f->alice, id, T("2027-02-18T09:00:00+08:00"), &e), &e);
	get_app(f, id, &a);
	/* Each renewal runs three years from the day after the last expiry. */
	assert_dayis(a.valid_from, "2027-03-19");
	assert_dayis(a.valid_until, "2030-03-18");
	assert_int_equal(a.cert_version, 2);
	f->v.st->begin(f->v.st, 0);
	assert_int_equal(f->v.st->cert_get(f->v.st, a.cert_no, 1, &c1), 0);
	assert_int_equal(f->v.st->cert_get(f->v.st, a.cert_no, 0, &c2), 0);
	f->v.st->rollback(f->v.st);
	assert_int_equal(c1.status, CERT_SUPERSEDED);
	assert_int_equal(c2.version, 2);
	assert_int_equal(c2.status, CERT_IN_FORCE);
	certificate_release(&c1);
	certificate_release(&c2);
	application_release(&a);
	/* Not renewed again: cancelled and announced after the last day. */
	tick(f, T("2030-03-18T23:59:59+08:00"));
	assert_int_equal(state_of(f, id), APP_REGISTERED);
	tick(f, T("2030-03-19T00:00:00+08:00"));
	get_app(f, id, &a);
	assert_int_equal(a.state, APP_CANCELLED);
	assert_int_equal(a.close_reason, CLOSE_EXPIRED);
	application_release(&a);
	assert_true(inbox_has(f, &f->alice, "cancellation"));
	assert_true(inbox_has(f, &f->alice, "expiry_notice"));
}

static int64_t registered(struct fx *f, const char *name, dip_time at)
{
	int64_t id = published(f, name, FP, at);

	tick(f, at + 40 * 86400);
	assert_int_equal(state_of(f, id), APP_REGISTERED);
	return id;
}

/* Announcements (Art. 12) are listed newest first past any number of
 * deposits, which are receipts for their depositor and never listed; the
 * pages follow on by "before". */
static void test_art12_announcements_listed_past_deposits(void **state)
{
	struct fx *f = *state;
	struct deposit_input in = { NULL, 1, 1024, "每日快照" };
	char fp[80];
	struct deposit d;
	struct dip_error e;
	json_t *page, *it;
	int64_t id = registered(f, "公告数据集", T("2024-03-04T09:00:00+08:00")), size, before;
	size_t i, n;
	int k;

	size = ledger_size(f);
	for (k = 0; k < 300; k++) {
		snprintf(fp, sizeof(fp), "sha256:%064x", k + 1);
		in.fingerprint = fp;
		ok(svc_deposit(&f->v, &f->alice, &in, T("2024-05-06T10:00:00+08:00") + k, &d, &e), &e);
	}
	assert_int_equal(ledger_size(f), size + 300);
	ok(svc_announcements_json(&f->v, -1, 2, &page, &e), &e);
	it = json_object_get(page, "items");
	assert_int_equal(json_array_size(it), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(it, 0), "type")),
			    "registration");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(it, 0), "application")), id);
	assert_true(json_integer_value(json_object_get(json_array_get(it, 0), "log_index")) < size);
	/* Every page after it, to the first entry: no deposit, no repeat. */
	n = 2;
	while (json_is_integer(json_object_get(page, "next"))) {
		before = json_integer_value(json_object_get(page, "next"));
		json_decref(page);
		ok(svc_announcements_json(&f->v, before, 2, &page, &e), &e);
		it = json_object_get(page, "items");
		for (i = 0; i < json_array_size(it); i++) {
			assert_string_not_equal(json_string_value(json_object_get(json_array_get(it, i),
										   "type")), "deposit");
			assert_true(json_integer_value(json_object_get(json_array_get(it, i), "log_index")) <
				    before);
		}
		n += json_array_size(it);
	}
	assert_int_equal(n, (size_t)size);
	json_decref(page);
}

static void test_art15_filing_after_ten_working_days_is_flagged_late(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	struct request r;
	json_t *p = json_pack("{s:s,s:i}", "counterparty", "上海数据交易所会员甲", "amount", 500000);
	struct request_input in = { "transaction", p, "2024-05-06", NULL, 0, NULL };
	int64_t id = registered(f, "交易数据集", T("2024-03-04T09:00:00+08:00"));
	int64_t req1, req2, before;

	/* Act on Mon 6 May 2024; Sat 11 May is a working day: the tenth
	 * working day is Fri 17 May. */
	ok(svc_file_request(&f->v, &f->alice, id, &in, T("2024-05-17T23:00:00+08:00"), &req1, &e), &e);
	ok(svc_file_request(&f->v, &f->alice, id, &in, T("2024-05-20T10:00:00+08:00"), &req2, &e), &e);
	f->v.st->begin(f->v.st, 0);
	f->v.st->request_get(f->v.st, req1, &r);
	assert_false(r.late);
	request_release(&r);
	f->v.st->request_get(f->v.st, req2, &r);
	assert_true(r.late);
	request_release(&r);
	f->v.st->rollback(f->v.st);
	/* Art. 17: reviewed and announced. */
	before = ledger_size(f);
	ok(svc_decide_request(&f->v, &f->examiner, req1, 1, NULL, T("2024-05-22"), &e), &e);
	assert_int_equal(ledger_size(f) - before, 1);
	assert_int_equal(svc_decide_request(&f->v, &f->examiner, req1, 1, NULL, T("2024-05-22"), &e),
			 DIP_ESTATE);
	in.act_date = "2030-01-01";
	assert_int_equal(svc_file_request(&f->v, &f->alice, id, &in, T("2024-05-21"), NULL, &e),
			 DIP_EINVAL);
	assert_string_equal(e.field, "act_date");
	json_decref(p);
}

static void test_art15_art17_change_registration(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	struct application a;
	json_t *bad = json_pack("{s:{s:s}}", "changes", "name", "新名称数据集");
	json_t *good = json_pack("{s:{s:{s:s,s:s}}}", "changes", "update", "frequency", "weekly",
				 "description", "每周一更新");
	struct request_input in = { "change", bad, NULL, NULL, 0, NULL };
	int64_t id = registered(f, "变更数据集", T("2024-03-04T09:00:00+08:00")), req;

	assert_int_equal(svc_file_request(&f->v, &f->alice, id, &in, T("2024-06-03"), &req, &e),
			 DIP_EINVAL);
	assert_non_null(strstr(e.message, "Art. 15"));
	in.payload = good;
	ok(svc_file_request(&f->v, &f->alice, id, &in, T("2024-06-03"), &req, &e), &e);
	assert_true(open_deadline(f, id, DL_REVIEW, NULL));
	ok(svc_decide_request(&f->v, &f->examiner, req, 1, "符合条件", T("2024-06-04"), &e), &e);
	get_app(f, id, &a);
	assert_int_equal(a.cert_version, 2);
	assert_non_null(strstr(a.content, "weekly"));
	application_release(&a);
	json_decref(bad);
	json_decref(good);
}

static void test_art16_transfer_joint_and_unilateral(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	struct party p[4];
	int n;
	char doc[65];
	struct request_input in = { "transfer", NULL, NULL, "carol", 0, NULL };
	int64_t id = registered(f, "转让数据集", T("2024-03-04T09:00:00+08:00")), req;

	ok(svc_file_request(&f->v, &f->alice, id, &in, T("2024-06-03"), &req, &e), &e);
	/* Joint: the examiner waits for the transferee. */
	assert_int_equal(svc_decide_request(&f->v, &f->examiner, req, 1, NULL, T("2024-06-03"), &e),
			 DIP_ESTATE);
	assert_int_equal(svc_confirm_request(&f->v, &f->bob, req, T("2024-06-03"), &e), DIP_ENOTFOUND);
	ok(svc_confirm_request(&f->v, &f->carol, req, T("2024-06-04"), &e), &e);
	ok(svc_decide_request(&f->v, &f->examiner, req, 1, NULL, T("2024-06-05"), &e), &e);
	f->v.st->begin(f->v.st, 0);
	f->v.st->party_list(f->v.st, id, p, 4, &n);
	f->v.st->rollback(f->v.st);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].account_id, f->carol.id);
	/* alice no longer holds it. */
	assert_int_equal(svc_renew(&f->v, &f->alice, id, T("2024-06-06"), &e), DIP_EFORBIDDEN);
	/* Unilateral (Art. 16 (1), succession): bob, not a party, with a
	 * legal document. */
	memset(doc, 'd', 64);
	doc[64] = '\0';
	in.counterparty = "bob";
	in.unilateral = 1;
	assert_int_equal(svc_file_request(&f->v, &f->bob, id, &in, T("2024-06-07"), &req, &e),
			 DIP_EINVAL);
	assert_string_equal(e.field, "legal_document");
	fx_upload(f, f->bob.id, doc);
	in.legal_document = doc;
	ok(svc_file_request(&f->v, &f->bob, id, &in, T("2024-06-07"), &req, &e), &e);
	ok(svc_decide_request(&f->v, &f->examiner, req, 1, NULL, T("2024-06-08"), &e), &e);
	f->v.st->begin(f->v.st, 0);
	f->v.st->party_list(f->v.st, id, p, 4, &n);
	f->v.st->rollback(f->v.st);
	assert_int_equal(p[0].account_id, f->bob.id);
	/* A joint case without a party filing it is refused. */
	in.unilateral = 0;
	assert_int_equal(svc_file_request(&f->v, &f->carol, id, &in, T("2024-06-09"), &req, &e),
			 DIP_EFORBIDDEN);
}

static enum req_state request_state(struct fx *f, int64_t req, char *decision, size_t n)
{
	struct request r;

	f->v.st->begin(f->v.st, 0);
	assert_int_equal(f->v.st->request_get(f->v.st, req, &r), 0);
	f->v.st->rollback(f->v.st);
	if (decision)
		snprintf(decision, n, "%s", r.decision ? r.decision : "");
	request_release(&r);
	return r.state;
}

/* A joint transfer needs the transferee (Art. 16): it may decline, and
 * until the registry decides the holder may take a request back. */
static void test_art16_transferee_declines_or_holder_withdraws(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	struct request_input in = { "transfer", NULL, NULL, "carol", 0, NULL };
	struct request_input cancel = { "cancel", NULL, NULL, NULL, 0, NULL };
	int64_t id = registered(f, "转让未成数据集", T("2024-03-04T09:00:00+08:00")), req;
	struct application a;
	char why[64];

	ok(svc_file_request(&f->v, &f->alice, id, &in, T("2024-06-03"), &req, &e), &e);
	/* Only the transferee declines. */
	assert_int_equal(svc_decline_request(&f->v, &f->bob, req, NULL, T("2024-06-04"), &e),
			 DIP_ENOTFOUND);
	assert_int_equal(svc_decline_request(&f->v, &f->alice, req, NULL, T("2024-06-04"), &e),
			 DIP_ENOTFOUND);
	ok(svc_decline_request(&f->v, &f->carol, req, "价格未谈妥", T("2024-06-04"), &e), &e);
	assert_int_equal(request_state(f, req, why, sizeof(why)), REQ_DECLINED);
	assert_string_equal(why, "价格未谈妥");
	assert_true(inbox_has(f, &f->alice, "transfer_declined"));
	assert_int_equal(event_found(f, id, "decline_request", NULL), 1);
	/* Declined is final: nothing to confirm, decide or withdraw. */
	assert_int_equal(svc_confirm_request(&f->v, &f->carol, req, T("2024-06-05"), &e), DIP_ESTATE);
	assert_int_equal(svc_decide_request(&f->v, &f->examiner, req, 1, NULL, T("2024-06-05"), &e),
			 DIP_ESTATE);
	assert_int_equal(svc_withdraw_request(&f->v, &f->alice, req, NULL, T("2024-06-05"), &e),
			 DIP_ESTATE);

	/* Filed again and withdrawn before the transferee answered: it is
	 * told, and has nothing left to confirm. */
	ok(svc_file_request(&f->v, &f->alice, id, &in, T("2024-06-05"), &req, &e), &e);
	assert_int_equal(svc_withdraw_request(&f->v, &f->carol, req, NULL, T("2024-06-06"), &e),
			 DIP_EFORBIDDEN);
	assert_int_equal(svc_withdraw_request(&f->v, &f->bob, req, NULL, T("2024-06-06"), &e),
			 DIP_ENOTFOUND);
	ok(svc_withdraw_request(&f->v, &f->alice, req, NULL, T("2024-06-06"), &e), &e);
	assert_int_equal(request_state(f, req, NULL, 0), REQ_WITHDRAWN);
	assert_true(inbox_has(f, &f->carol, "transfer_withdrawn"));
	assert_int_equal(svc_confirm_request(&f->v, &f->carol, req, T("2024-06-07"), &e), DIP_ESTATE);

	/* A request under review: withdrawn, the registry's duty ends. */
	ok(svc_file_request(&f->v, &f->alice, id, &cancel, T("2024-06-07"), &req, &e), &e);
	assert_int_equal(open_deadline(f, id, DL_REVIEW, NULL), 1);
	ok(svc_withdraw_request(&f->v, &f->alice, req, "继续运营", T("2024-06-07"), &e), &e);
	assert_int_equal(open_deadline(f, id, DL_REVIEW, NULL), 0);
	assert_int_equal(svc_decide_request(&f->v, &f->examiner, req, 1, NULL, T("2024-06-08"), &e),
			 DIP_ESTATE);
	assert_int_equal(event_found(f, id, "withdraw_request", NULL), 2);
	/* Still registered: the cancellation never happened. */
	get_app(f, id, &a);
	assert_int_equal(a.state, APP_REGISTERED);
	application_release(&a);
}

static void test_art18_cancellation_by_holder_and_by_registry(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	struct application a;
	struct request_input in = { "cancel", NULL, NULL, NULL, 0, NULL };
	int64_t id1 = registered(f, "注销数据集甲", T("2024-03-04T09:00:00+08:00"));
	int64_t id2 = registered(f, "注销数据集乙", T("2024-03-04T09:00:00+08:00")), req;

	ok(svc_file_request(&f->v, &f->alice, id1, &in, T("2024-06-03"), &req, &e), &e);
	ok(svc_decide_request(&f->v, &f->examiner, req, 1, NULL, T("2024-06-04"), &e), &e);
	get_app(f, id1, &a);
	assert_int_equal(a.state, APP_CANCELLED);
	assert_int_equal(a.close_reason, CLOSE_BY_HOLDER);
	application_release(&a);
	assert_int_equal(svc_cancel_by_registry(&f->v, &f->examiner, id2, NULL, T("2024-06-04"), &e),
			 DIP_EINVAL);
	ok(svc_cancel_by_registry(&f->v, &f->examiner, id2, "持有人已注销且无权利承继人",
				  T("2024-06-04"), &e), &e);
	get_app(f, id2, &a);
	assert_int_equal(a.close_reason, CLOSE_BY_REGISTRY);
	application_release(&a);
	assert_false(open_deadline(f, id2, DL_EXPIRY, NULL));
}

static void test_art23_revocation_for_falsification(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	struct certificate c;
	int64_t id = registered(f, "虚假数据集", T("2024-03-04T09:00:00+08:00"));

	assert_int_equal(svc_revoke(&f->v, &f->alice, id, "x", T("2024-06-04"), &e), DIP_EFORBIDDEN);
	ok(svc_revoke(&f->v, &f->examiner, id, "经查申请人提交的来源证明系伪造", T("2024-06-04"), &e), &e);
	assert_int_equal(state_of(f, id), APP_REVOKED);
	f->v.st->begin(f->v.st, 0);
	assert_int_equal(f->v.st->cert_latest(f->v.st, id, &c), 0);
	f->v.st->rollback(f->v.st);
	assert_int_equal(c.status, CERT_REVOKED);
	certificate_release(&c);
}

static void test_art19_archive_records_who_when_why_and_deadline(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	struct event ev;
	json_t *events;
	int64_t id = registered(f, "档案数据集", T("2024-03-04T09:00:00+08:00"));

	assert_true(event_found(f, id, "create", NULL));
	assert_true(event_found(f, id, "submit", &ev));
	assert_int_equal(ev.actor_id, f->alice.id);
	assert_int_equal(ev.dl_kind, DL_EXAMINE);
	assert_true(event_found(f, id, "publish", &ev));
	assert_int_equal(ev.actor_id, f->examiner.id);
	assert_int_equal(ev.dl_kind, DL_PUBLICATION);
	assert_true(event_found(f, id, "end_publication", NULL));
	assert_true(event_found(f, id, "register", &ev));
	assert_int_equal(ev.dl_kind, DL_EXPIRY);
	/* Only parties and examiners read the archive. */
	ok(svc_events_json(&f->v, &f->alice, id, &events, &e), &e);
	assert_true(json_array_size(events) >= 5);
	json_decref(events);
	assert_int_equal(svc_events_json(&f->v, &f->bob, id, &events, &e), DIP_ENOTFOUND);
}

static void test_art10_public_sees_only_published_items(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	json_t *o;
	char *text;
	int64_t id = published(f, "公示数据集", FP, T("2024-09-02T09:00:00+08:00"));
	int64_t draft_id = draft(f, &f->alice, "草稿数据集", FP, NULL, T("2024-09-02"));

	ok(svc_app_json(&f->v, &f->public_, id, T("2024-09-03"), &o, &e), &e);
	text = json_dumps(o, 0);
	assert_non_null(strstr(text, "公示数据集"));
	assert_null(strstr(text, f->upload));          /* sample, lawful proof */
	assert_null(strstr(text, "card_id_hash"));      /* structure */
	assert_null(strstr(text, "加盐哈希"));          /* anonymisation statement */
	assert_null(strstr(text, "\"industry\""));
	assert_non_null(strstr(text, "北京数据科技有限公司"));
	free(text);
	json_decref(o);
	assert_int_equal(svc_app_json(&f->v, &f->public_, draft_id, T("2024-09-03"), &o, &e),
			 DIP_ENOTFOUND);
	assert_int_equal(svc_app_json(&f->v, &f->bob, draft_id, T("2024-09-03"), &o, &e),
			 DIP_ENOTFOUND);
	/* An examiner's read of the whole record is audited. */
	ok(svc_app_json(&f->v, &f->examiner, id, T("2024-09-03"), &o, &e), &e);
	assert_non_null(json_object_get(o, "content"));
	json_decref(o);
}

/* The public record sent ready-made is exactly what svc_app_json shows
 * the public, and never outlives a change: an objection, an update, or a
 * deadline that ran out (Arts. 10, 12, 20). */
static int public_is_current(struct fx *f, int64_t id, dip_time now, char **bytes)
{
	struct svc_blob *b = NULL;
	struct dip_error e;
	json_t *o;
	char *want;
	int same;

	ok(svc_app_public(&f->v, id, now, &b, &e), &e);
	ok(svc_app_json(&f->v, &f->public_, id, now, &o, &e), &e);
	want = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	same = strlen(want) == b->len && memcmp(want, b->data, b->len) == 0;
	if (bytes)
		*bytes = strdup(b->data);
	free(want);
	svc_blob_release(b);
	return same;
}

static void test_art10_art20_public_record_cache_follows_every_change(void **state)
{
	struct fx *f = *state;
	struct svc_blob *b;
	struct dip_error e;
	uint64_t hits, misses;
	size_t bytes;
	char token[65], *first, *again;
	int64_t id = published(f, "缓存数据集", FP, T("2024-09-02T09:00:00+08:00"));
	int64_t draft_id = draft(f, &f->alice, "草稿数据集", FP, NULL, T("2024-09-02"));

	f->reg.records = svc_cache_new(1 << 20);
	assert_true(public_is_current(f, id, T("2024-09-03T10:00:00+08:00"), &first));
	assert_true(public_is_current(f, id, T("2024-09-03T10:00:01+08:00"), &again));
	assert_string_equal(first, again);
	free(again);
	svc_cache_stats(f->reg.records, &hits, &misses, &bytes);
	assert_true(hits >= 1 && bytes > 0);
	/* Drafts stay invisible, cached or not. */
	assert_int_equal(svc_app_public(&f->v, draft_id, T("2024-09-03"), &b, &e), DIP_ENOTFOUND);
	/* An objection changes the record at once. */
	object(f, id, T("2024-09-04T10:00:00+08:00"), token);
	assert_true(public_is_current(f, id, T("2024-09-04T10:00:01+08:00"), &again));
	assert_string_not_equal(first, again);
	free(first);
	free(again);
	/* The end of publication is applied by the first read after it. */
	assert_true(public_is_current(f, id, T("2024-09-20T00:00:01+08:00"), &first));
	assert_non_null(strstr(first, "\"state\":\"objection\""));
	free(first);
}

/* With group commit the cache answers without asking the store while no
 * connection of the group wrote; any write makes it ask again. */
static void test_art10_art20_public_record_cache_with_group_commit(void **state)
{
	struct fx *f = *state;
	struct store_group *g = store_group_new(f->tdb.url);
	struct dip_error e;
	struct store *plain = f->v.st;
	char token[65], *first, *again;
	int64_t id = published(f, "缓存数据集", FP, T("2024-09-02T09:00:00+08:00"));

	if (g == NULL)
		return;  /* PostgreSQL: always asks the database */
	f->v.st = store_open_grouped(f->tdb.url, g, &e);
	assert_non_null(f->v.st);
	f->reg.records = svc_cache_new(1 << 20);
	assert_true(public_is_current(f, id, T("2024-09-03T10:00:00+08:00"), &first));
	assert_true(public_is_current(f, id, T("2024-09-03T10:00:01+08:00"), &again));
	assert_string_equal(first, again);
	free(again);
	object(f, id, T("2024-09-04T10:00:00+08:00"), token);
	assert_true(public_is_current(f, id, T("2024-09-04T10:00:01+08:00"), &again));
	assert_string_not_equal(first, again);
	free(first);
	free(again);
	store_close(f->v.st);
	f->v.st = plain;
	store_group_free(g);
}

static void test_scheduler_catches_up_after_60_day_outage(void **state)
{
	struct fx *f = *state;
	struct app_defects d;
	struct dip_error e;
	struct event ev;
	char token[65];
	int64_t a, b, c, obj;

	/* Three applications whose deadlines all fall during an outage. */
	a = submitted(f, "停机甲数据集", FP, T("2024-04-01T09:00:00+08:00"));
	memset(&d, 0, sizeof(d));
	d.n = 1;
	snprintf(d.v[0].field, sizeof(d.v[0].field), "scenario");
	snprintf(d.v[0].message, sizeof(d.v[0].message), "scenario: more detail");
	ok(svc_request_correction(&f->v, &f->examiner, a, &d, NULL, T("2024-04-01T10:00:00+08:00"),
				  &e), &e);
	b = published(f, "停机乙数据集", FP, T("2024-04-01T09:00:00+08:00"));
	c = published(f, "停机丙数据集", FP, T("2024-04-01T09:00:00+08:00"));
	obj = object(f, c, T("2024-04-02T09:00:00+08:00"), token);
	ok(svc_objection_step(&f->v, &f->examiner, obj, OBJA_FORWARD, NULL, NULL, 0,
			      T("2024-04-02T10:00:00+08:00"), &e), &e);
	/* 60 days without a tick, then one. */
	assert_int_equal(tick(f, T("2024-06-01T12:00:00+08:00")), 4);
	assert_int_equal(state_of(f, a), APP_DEEMED_WITHDRAWN);
	assert_int_equal(state_of(f, b), APP_REGISTERED);
	assert_int_equal(state_of(f, c), APP_OBJECTION);
	/* Each effect is dated when its period ran out. */
	assert_true(event_found(f, a, "deem_withdrawn", &ev));
	assert_time(ev.at, "2024-04-17T00:00:00+08:00");
	assert_true(event_found(f, b, "register", &ev));
	assert_time(ev.at, "2024-04-17T00:00:00+08:00");
	assert_true(event_found(f, c, "answer_lapsed", &ev));
	assert_time(ev.at, "2024-04-18T00:00:00+08:00");
	{
		struct application app;

		get_app(f, b, &app);
		assert_dayis(app.reg_day, "2024-04-17");
		application_release(&app);
	}
	/* Exactly once. */
	assert_int_equal(tick(f, T("2024-06-01T12:00:00+08:00")), 0);
	assert_int_equal(tick(f, T("2024-06-02T12:00:00+08:00")), 0);
	assert_int_equal(event_found(f, a, "deem_withdrawn", NULL), 1);
}

/* Several servers on one database: their schedulers, and the use cases
 * that apply an application's due deadlines before they act, may find the
 * same deadline due at once. */
struct server_sim {
	struct fx *f;
	const int64_t *ids;
	int n;
	int reader;      /* reads the applications instead of ticking */
	int applied;
	int rc;
	char msg[600];
};

static void *server_thread(void *arg)
{
	struct server_sim *s = arg;
	struct svc v = s->f->v;
	struct tick_report rep;
	struct dip_error e;
	int64_t size;
	json_t *o;
	int i;

	s->rc = -99;
	v.st = store_open(s->f->tdb.url, &e);
	if (v.st == NULL)
		return NULL;
	s->rc = 0;
	if (s->reader) {
		for (i = 0; s->rc == 0 && i < s->n; i++) {
			s->rc = svc_app_json(&v, &s->f->examiner, s->ids[i],
					     T("2024-06-01T12:00:00+08:00"), &o, &e);
			if (s->rc == 0)
				json_decref(o);
		}
	} else {
		s->rc = svc_tick(&v, T("2024-06-01T12:00:00+08:00"), &rep, &e);
		s->applied = rep.applied;
	}
	if (s->rc == 0)
		s->rc = svc_log_integrate(&v, T("2024-06-01T12:00:01+08:00"), &size, &e);
	if (s->rc)
		snprintf(s->msg, sizeof(s->msg), "%s", e.message);
	store_close(v.st);
	return NULL;
}

static void test_art10_art12_several_servers_apply_each_deadline_once(void **state)
{
	struct fx *f = *state;
	struct server_sim sim[4];
	struct log_verify_report rep;
	struct dip_error e;
	pthread_t th[4];
	int64_t ids[8];
	int i, applied = 0;

	for (i = 0; i < 8; i++)
		ids[i] = published(f, "多实例数据集", FP, T("2024-04-01T09:00:00+08:00"));
	/* Three schedulers and a reader, as if on four servers. */
	for (i = 0; i < 4; i++) {
		sim[i] = (struct server_sim){ f, ids, 8, i == 3, 0, -99, "" };
		assert_int_equal(pthread_create(&th[i], NULL, server_thread, &sim[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 4; i++) {
		if (sim[i].rc)
			fail_msg("server %d: %d: %s", i, sim[i].rc, sim[i].msg);
		applied += sim[i].applied;
	}
	/* Art. 10, 12: each publication ended once, each application
	 * registered once, and the schedulers' counts add up to that (the
	 * reader's svc__load applies without counting). */
	for (i = 0; i < 8; i++) {
		assert_int_equal(state_of(f, ids[i]), APP_REGISTERED);
		assert_int_equal(event_found(f, ids[i], "end_publication", NULL), 1);
		assert_int_equal(event_found(f, ids[i], "register", NULL), 1);
	}
	assert_true(applied <= 8);
	assert_int_equal(tick(f, T("2024-06-01T12:00:00+08:00")), 0);
	/* The sequencers signed over each other's work, never beside it. */
	ok(svc_log_verify(&f->v, NULL, 0, &rep, &e), &e);
	assert_int_equal(rep.checkpoint_size, rep.entries);
	assert_true(rep.signature_checked);
}

struct race {
	struct fx *f;
	int64_t id;
	int publish;
	int rc;
};

static void *race_thread(void *arg)
{
	struct race *r = arg;
	struct svc v = r->f->v;
	struct dip_error e;
	struct app_defects d;

	v.st = store_open(r->f->tdb.url, &e);
	if (v.st == NULL)
		return NULL;
	memset(&d, 0, sizeof(d));
	d.n = 1;
	snprintf(d.v[0].field, sizeof(d.v[0].field), "name");
	snprintf(d.v[0].message, sizeof(d.v[0].message), "name: unclear");
	if (r->publish)
		r->rc = svc_publish(&v, &r->f->examiner, r->id, T("2024-04-02T10:00:00+08:00"), &e);
	else
		r->rc = svc_request_correction(&v, &r->f->examiner2, r->id, &d, NULL,
					       T("2024-04-02T10:00:00+08:00"), &e);
	store_close(v.st);
	return NULL;
}

static void test_art8_two_examiners_deciding_at_once_one_wins(void **state)
{
	struct fx *f = *state;
	struct race r1, r2;
	pthread_t t1, t2;
	int i;

	for (i = 0; i < 5; i++) {
		int64_t id = submitted(f, "并发数据集", FP, T("2024-04-01T09:00:00+08:00"));

		r1 = (struct race){ f, id, 1, -99 };
		r2 = (struct race){ f, id, 0, -99 };
		pthread_create(&t1, NULL, race_thread, &r1);
		pthread_create(&t2, NULL, race_thread, &r2);
		pthread_join(t1, NULL);
		pthread_join(t2, NULL);
		/* Exactly one succeeds; the other is told the state changed. */
		assert_int_equal((r1.rc == 0) + (r2.rc == 0), 1);
		assert_true(r1.rc == 0 || r1.rc == DIP_ESTATE || r1.rc == DIP_ECONFLICT);
		assert_true(r2.rc == 0 || r2.rc == DIP_ESTATE || r2.rc == DIP_ECONFLICT);
	}
}

static void test_store_stale_version_is_a_conflict(void **state)
{
	struct fx *f = *state;
	struct application a1, a2;
	int64_t id = submitted(f, "版本数据集", FP, T("2024-04-01T09:00:00+08:00"));

	get_app(f, id, &a1);
	get_app(f, id, &a2);
	f->v.st->begin(f->v.st, 1);
	assert_int_equal(f->v.st->app_update(f->v.st, &a1), 0);
	assert_int_equal(f->v.st->app_update(f->v.st, &a2), DIP_ECONFLICT);
	f->v.st->rollback(f->v.st);
	application_release(&a1);
	application_release(&a2);
}

static json_t *cert_info(struct fx *f, const char *no, int version)
{
	struct dip_error e;
	json_t *o;

	ok(svc_certificate_json(&f->v, no, version, T("2027-03-01T09:00:00+08:00"), &o, &e), &e);
	return o;
}

static int verify_doc(struct fx *f, const json_t *doc, struct dip_error *e)
{
	struct led_verifier *keys[1] = { f->reg.keys->verifiers[0] };
	struct led_verify_opts opts;
	struct led_verify_result res;
	char *text = json_dumps(doc, JSON_COMPACT);
	int rc;

	memset(&opts, 0, sizeof(opts));
	opts.log_keys = keys;
	opts.nlog = 1;
	rc = led_cert_verify(text, strlen(text), &opts, &res, NULL, e);
	led_verify_result_release(&res);
	free(text);
	return rc;
}

static void test_art13_art21_art22_certificate_is_signed_logged_and_versioned(void **state)
{
	struct fx *f = *state;
	struct application a;
	struct dip_error e;
	json_t *info, *doc, *v1;
	char *text, *p;
	int64_t id = registered(f, "证书数据集", T("2024-03-04T09:00:00+08:00"));

	ok(svc_log_integrate(&f->v, T("2024-05-01"), NULL, &e), &e);
	get_app(f, id, &a);
	info = cert_info(f, a.cert_no, 0);
	assert_string_equal(json_string_value(json_object_get(info, "status")), "in_force");
	doc = json_object_get(info, "document");
	assert_non_null(json_object_get(doc, "receipt"));
	/* Art. 22: anyone can check it offline with the registry's key. */
	ok(verify_doc(f, doc, &e), &e);
	/* Art. 21: altering any certified fact is detected. */
	text = json_dumps(doc, JSON_COMPACT);
	p = strstr(text, "2027-03-");
	assert_non_null(p);
	p[3] = '8';
	{
		json_t *altered = json_loads(text, 0, NULL);

		assert_int_equal(verify_doc(f, altered, &e), DIP_ECRYPTO);
		assert_non_null(strstr(e.message, "bad signature"));
		json_decref(altered);
	}
	free(text);
	json_decref(info);
	/* Art. 14: renewal issues version 2; version 1 is genuine but
	 * superseded. */
	ok(svc_renew(&f->v, &f->alice, id, T("2027-02-18T09:00:00+08:00"), &e), &e);
	ok(svc_log_integrate(&f->v, T("2027-02-18T10:00:00+08:00"), NULL, &e), &e);
	info = cert_info(f, a.cert_no, 0);
	assert_int_equal(json_integer_value(json_object_get(info, "version")), 2);
	assert_string_equal(json_string_value(json_object_get(info, "valid_from")), "2027-03-19");
	ok(verify_doc(f, json_object_get(info, "document"), &e), &e);
	json_decref(info);
	v1 = cert_info(f, a.cert_no, 1);
	assert_string_equal(json_string_value(json_object_get(v1, "status")), "superseded");
	ok(verify_doc(f, json_object_get(v1, "document"), &e), &e);
	json_decref(v1);
	/* Revoked: genuine, not in force, with the reason. */
	ok(svc_revoke(&f->v, &f->examiner, id, "来源证明系伪造", T("2027-03-01T08:00:00+08:00"), &e), &e);
	info = cert_info(f, a.cert_no, 0);
	assert_string_equal(json_string_value(json_object_get(info, "status")), "revoked");
	assert_false(json_is_true(json_object_get(info, "in_force")));
	assert_string_equal(json_string_value(json_object_get(info, "reason")), "revoked");
	json_decref(info);
	assert_int_equal(svc_certificate_json(&f->v, "12345", 0, T("2027-03-01"), &info, &e),
			 DIP_ENOTFOUND);
	application_release(&a);
}

static void test_art10_shanghai_profile_publishes_15_working_days(void **state)
{
	struct fx *f = *state;
	struct deadline dl;
	int64_t id = published(f, "上海数据集", FP, T("2024-03-04T09:00:00+08:00"));

	assert_true(open_deadline(f, id, DL_PUBLICATION, &dl));
	/* Published Mon 4 Mar 2024 10:00: 15 working days -> Mon 25 Mar. */
	assert_time(dl.due_at, "2024-03-25T23:59:59+08:00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_art7_art10_views_with_the_stored_content_text, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art7_art12_path_from_draft_to_registration, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art5_submission_checks_the_content_stored_when_it_runs, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art8_correction_unanswered_is_deemed_withdrawn, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art8_reply_in_time_returns_to_examination, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art6_joint_applicants_all_confirm, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art6_agent_needs_confirmed_power_of_attorney, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art9_refusal_names_its_grounds, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art9_duplicates_and_reapplication_are_flagged, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art9_evidence_deposit_precedes_submission, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art9_zhejiang_profile_requires_evidence_before_filing, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art10_art11_objection_not_upheld_then_registered, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art11_objection_upheld_refuses, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art13_art14_renewal_window_and_expiry, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art12_announcements_listed_past_deposits, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art15_filing_after_ten_working_days_is_flagged_late, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art15_art17_change_registration, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art16_transfer_joint_and_unilateral, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art16_transferee_declines_or_holder_withdraws, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_art18_cancellation_by_holder_and_by_registry, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art23_revocation_for_falsification, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art19_archive_records_who_when_why_and_deadline, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art10_public_sees_only_published_items, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art10_art20_public_record_cache_follows_every_change, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art10_art20_public_record_cache_with_group_commit, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_scheduler_catches_up_after_60_day_outage, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art8_two_examiners_deciding_at_once_one_wins, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art10_art12_several_servers_apply_each_deadline_once, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_store_stale_version_is_a_conflict, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art13_art21_art22_certificate_is_signed_logged_and_versioned, fx_setup, fx_teardown),
	};
	const struct CMUnitTest shanghai[] = {
		cmocka_unit_test(test_art10_shanghai_profile_publishes_15_working_days),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	failed += cmocka_run_group_tests_name("shanghai", shanghai, fx_setup_shanghai, fx_teardown);
	return failed;
}
