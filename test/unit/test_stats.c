/*
 * test_stats.c - statistics, the trading-activity index and the open-data
 * exports, through the service layer on a real database (SQLite, or
 * PostgreSQL under DIPREG_TEST_PG), so both backends' aggregate queries
 * must give the figures that the test counts itself from the archive.
 */
#include "fixture.h"

#include <math.h>

#include "domain/actindex.h"
#include "service/stats.h"

static void ok(int rc, const struct dip_error *e)
{
	if (rc)
		fail_msg("unexpected error %d: %s (%s)", rc, e->message, e->field);
}

/* ---- building a history ---- */

/* Each applicant files with an upload and a deposit of their own. */
static int64_t deposit_of[64];

static int setup(void **state)
{
	struct fx *f;

	fx_setup(state);
	f = *state;
	fx_upload(f, f->bob.id, f->upload);
	fx_upload(f, f->carol.id, f->upload);
	memset(deposit_of, 0, sizeof(deposit_of));
	deposit_of[f->alice.id] = f->deposit_id;
	deposit_of[f->bob.id] = fx_deposit(f, f->bob.id, FP, T("2024-01-03T09:00:00+08:00"));
	deposit_of[f->carol.id] = fx_deposit(f, f->carol.id, FP, T("2024-01-03T09:00:00+08:00"));
	return 0;
}

static json_t *content_of(struct fx *f, const struct actor *who, const char *name)
{
	json_t *c = fx_content(f, name, FP);

	json_object_set_new(json_object_get(c, "evidence"), "deposit_id",
			    json_integer(deposit_of[who->id]));
	return c;
}

static int64_t draft_in(struct fx *f, const struct actor *who, const char *name,
			const char *industry, const char *co_login, dip_time at)
{
	const char *co[] = { co_login, NULL };
	struct draft_input in = { NULL, co_login ? co : NULL, NULL };
	struct dip_error e;
	int64_t id = 0;
	json_t *c = content_of(f, who, name);

	json_object_set_new(c, "industry", json_string(industry));
	in.content = c;
	ok(svc_draft_create(&f->v, who, &in, at, &id, &e), &e);
	json_decref(c);
	return id;
}

static int64_t submitted_in(struct fx *f, const struct actor *who, const char *name,
			    const char *industry, dip_time at)
{
	struct dip_error e;
	int64_t id = draft_in(f, who, name, industry, NULL, at - 600);

	ok(svc_submit(&f->v, who, id, at, NULL, &e), &e);
	return id;
}

static void tick(struct fx *f, dip_time now)
{
	struct tick_report rep;
	struct dip_error e;

	ok(svc_tick(&f->v, now, &rep, &e), &e);
}

/* Submitted the day before publish_at and published then; the scheduler
 * registers it when the 10 working days of Art. 10 have run. */
static int64_t published_in(struct fx *f, const struct actor *who, const char *name,
			    const char *industry, dip_time publish_at)
{
	struct dip_error e;
	int64_t id = submitted_in(f, who, name, industry, publish_at - 86400);

	ok(svc_publish(&f->v, &f->examiner, id, publish_at, &e), &e);
	return id;
}

/* A filing of Art. 15; amount < 0 declares none. */
static int64_t file_act(struct fx *f, const struct actor *who, int64_t app, const char *kind,
			const char *act_date, long long amount, dip_time at)
{
	json_t *p = json_pack("{s:s}", "counterparty", "数据交易所会员单位");
	struct request_input in = { kind, p, act_date, NULL, 0, NULL };
	struct dip_error e;
	int64_t req = 0;

	if (amount >= 0)
		json_object_set_new(p, "amount", json_integer(amount));
	ok(svc_file_request(&f->v, who, app, &in, at, &req, &e), &e);
	json_decref(p);
	return req;
}

static void decide(struct fx *f, int64_t req, int approve, dip_time at)
{
	struct dip_error e;

	ok(svc_decide_request(&f->v, &f->examiner, req, approve, approve ? NULL : "材料不全", at, &e),
	   &e);
}

/* ---- counting from the archive, independently of stats.c ---- */

#define MONTHS 64
#define YM0 (2024 * 12)        /* January 2024 */

struct expect {
	int64_t received[MONTHS], registered[MONTHS], renewed[MONTHS], changed[MONTHS];
	int64_t transferred[MONTHS], cancelled[MONTHS], revoked[MONTHS];
	int64_t cancel_reason[5];
	int64_t fil_n[MONTHS], fil_a[MONTHS], fil_d[MONTHS], fil_late[MONTHS];
	int64_t kind_n[3], kind_a[3];
	int64_t in_force, holders_in_force[5], state[APP__COUNT];
	int64_t div_registered[100];  /* by two-digit division (section codes aside) */
	int64_t sec_registered[26];
	struct fx *f;
	struct application a;
	int holder;
};

static int ym_of(dip_time t)
{
	int y, m, d;

	day_to_ymd(time_day(t, DIP_ZONE_SHANGHAI), &y, &m, &d);
	return y * 12 + m - 1 - YM0;
}

static int ym_of_day(dip_day day)
{
	int y, m, d;

	day_to_ymd(day, &y, &m, &d);
	return y * 12 + m - 1 - YM0;
}

static int kind_slot(const char *k)
{
	return strcmp(k, "transaction") == 0 ? 0 : strcmp(k, "pledge") == 0 ? 1
	       : strcmp(k, "licence") == 0 ? 2 : -1;
}

static int count_event(void *ud, const struct event *ev)
{
	struct expect *x = ud;
	int m = ym_of(ev->at);
	json_t *d;
	const char *k;

	assert_true(m >= 0 && m < MONTHS);
	if (strcmp(ev->action, "submit") == 0)
		x->received[m]++;
	if (strcmp(ev->action, "register") == 0) {
		const struct industry *it = industry_find(&x->f->reg.industries, x->a.industry);

		x->registered[m]++;
		x->sec_registered[it->section - 'A']++;
		if (it->code[1])
			x->div_registered[strtol(it->code, NULL, 10)]++;
	}
	if (strcmp(ev->action, "renew") == 0)
		x->renewed[m]++;
	if (ev->from_state == APP_REGISTERED && ev->to_state == APP_CANCELLED) {
		x->cancelled[m]++;
		x->cancel_reason[x->a.close_reason]++;
	}
	if (ev->from_state == APP_REGISTERED && ev->to_state == APP_REVOKED)
		x->revoked[m]++;
	if (strcmp(ev->action, "approve_request") != 0)
		return 0;
	d = json_loads(ev->detail, 0, NULL);
	k = json_string_value(json_object_get(d, "kind"));
	if (strcmp(k, "change") == 0)
		x->changed[m]++;
	if (strcmp(k, "transfer") == 0)
		x->transferred[m]++;
	if (kind_slot(k) >= 0) {
		struct request r;
		json_t *p, *amount;
		int am;

		assert_int_equal(x->f->v.st->request_get(x->f->v.st, ev->ref_id, &r), 0);
		am = ym_of_day(r.act_day);
		p = json_loads(r.payload, 0, NULL);
		amount = json_object_get(p, "amount");
		x->fil_n[am]++;
		x->kind_n[kind_slot(k)]++;
		x->fil_late[am] += r.late;
		if (amount) {
			x->fil_d[am]++;
			x->fil_a[am] += json_integer_value(amount);
			x->kind_a[kind_slot(k)] += json_integer_value(amount);
		}
		json_decref(p);
		request_release(&r);
	}
	json_decref(d);
	return 0;
}

static void expect_from_archive(struct fx *f, const int64_t *ids, int n, struct expect *x)
{
	struct party p[8];
	int i, np;

	memset(x, 0, sizeof(*x));
	x->f = f;
	assert_int_equal(f->v.st->begin(f->v.st, 0), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(f->v.st->app_get(f->v.st, ids[i], &x->a), 0);
		assert_int_equal(f->v.st->party_list(f->v.st, ids[i], p, 8, &np), 0);
		x->holder = np > 1 ? STATS_JOINT : (int)p[0].kind;
		if (x->a.state != APP_DRAFT)
			x->state[x->a.state]++;
		if (x->a.state == APP_REGISTERED) {
			x->in_force++;
			x->holders_in_force[x->holder]++;
		}
		assert_int_equal(f->v.st->event_list(f->v.st, ids[i], count_event, x), 0);
		application_release(&x->a);
	}
	f->v.st->rollback(f->v.st);
}

/* ---- reading reports ---- */

static const json_t *row_where(const json_t *rows, const char *key, const char *value)
{
	const json_t *r;
	size_t i;

	json_array_foreach(rows, i, r)
		if (json_string_value(json_object_get(r, key)) &&
		    strcmp(json_string_value(json_object_get(r, key)), value) == 0)
			return r;
	return NULL;
}

static int64_t ival(const json_t *row, const char *key)
{
	const json_t *v = json_object_get(row, key);

	if (!json_is_integer(v))
		fail_msg("%s: not an integer", key);
	return json_integer_value(v);
}

static double rval(const json_t *row, const char *key)
{
	const json_t *v = json_object_get(row, key);

	if (!json_is_number(v))
		fail_msg("%s: not a number", key);
	return json_number_value(v);
}

static void month_name(int m, char out[8])
{
	svc_stats_month_format(YM0 + m, out);
}

/* ---- the history of test 1 ---- */

struct history {
	int64_t ids[16];
	int n;
	int64_t a1, a2, a3;
};

static void build_history(struct fx *f, struct history *h)
{
	struct request_input cancel = { "cancel", NULL, NULL, NULL, 0, NULL };
	struct request_input transfer = { "transfer", NULL, NULL, "alice", 0, NULL };
	json_t *change = json_pack("{s:{s:{s:s,s:s}}}", "changes", "update", "frequency", "weekly",
				   "description", "每周一更新");
	struct request_input chg = { "change", change, NULL, NULL, 0, NULL };
	struct dip_error e;
	int64_t id, req, a7, a8, a9;

	memset(h, 0, sizeof(*h));
	/* Registered in March 2024: a legal person (I), a natural person (J),
	 * and two more to be cancelled later. */
	h->a1 = h->ids[h->n++] = published_in(f, &f->alice, "北京软件服务运行数据集", "64",
					      T("2024-03-04T10:00:00+08:00"));
	h->a2 = h->ids[h->n++] = published_in(f, &f->carol, "个人健身记录数据集", "66",
					      T("2024-03-04T10:00:00+08:00"));
	a8 = h->ids[h->n++] = published_in(f, &f->alice, "注销测试数据集甲", "6420",
					   T("2024-03-04T11:00:00+08:00"));
	a9 = h->ids[h->n++] = published_in(f, &f->carol, "注销测试数据集乙", "66",
					   T("2024-03-04T11:00:00+08:00"));
	tick(f, T("2024-03-25T09:00:00+08:00"));
	/* Joint holders, a section-level industry, registered in April. */
	id = draft_in(f, &f->alice, "联合制造数据集", "C", "bob", T("2024-04-01T09:00:00+08:00"));
	ok(svc_confirm(&f->v, &f->bob, id, T("2024-04-01T10:00:00+08:00"), &e), &e);
	ok(svc_submit(&f->v, &f->alice, id, T("2024-04-01T11:00:00+08:00"), NULL, &e), &e);
	ok(svc_publish(&f->v, &f->examiner, id, T("2024-04-02T09:00:00+08:00"), &e), &e);
	h->a3 = h->ids[h->n++] = id;
	/* Received, then refused; received, then withdrawn; a draft. */
	id = h->ids[h->n++] = submitted_in(f, &f->alice, "不予登记数据集", "54",
					   T("2024-04-10T09:00:00+08:00"));
	ok(svc_refuse(&f->v, &f->examiner, id, 1u << 1, "不具有智力成果属性",
		      T("2024-04-12T09:00:00+08:00"), &e), &e);
	/* Filings in April on A1: one with an amount, one without. */
	req = file_act(f, &f->alice, h->a1, "transaction", "2024-04-15", 300000,
		       T("2024-04-16T09:00:00+08:00"));
	decide(f, req, 1, T("2024-04-17T09:00:00+08:00"));
	req = file_act(f, &f->alice, h->a1, "licence", "2024-04-20", -1, T("2024-04-22T09:00:00+08:00"));
	decide(f, req, 1, T("2024-04-23T09:00:00+08:00"));
	tick(f, T("2024-04-25T09:00:00+08:00"));
	id = h->ids[h->n++] = submitted_in(f, &f->alice, "撤回数据集", "54",
					   T("2024-05-06T09:00:00+08:00"));
	ok(svc_withdraw(&f->v, &f->alice, id, "需补充授权", T("2024-05-07T09:00:00+08:00"), &e), &e);
	h->ids[h->n++] = draft_in(f, &f->alice, "草稿数据集", "54", NULL, T("2024-05-07T10:00:00+08:00"));
	a7 = h->ids[h->n++] = published_in(f, &f->bob, "撤销测试数据集", "74",
					   T("2024-05-06T10:00:00+08:00"));
	/* A transaction on A3 rejected, a licence on A2 still pending. */
	req = file_act(f, &f->alice, h->a3, "transaction", "2024-05-10", 100000,
		       T("2024-05-11T09:00:00+08:00"));
	decide(f, req, 0, T("2024-05-13T09:00:00+08:00"));
	file_act(f, &f->carol, h->a2, "licence", "2024-05-13", 200000, T("2024-05-14T09:00:00+08:00"));
	tick(f, T("2024-05-25T09:00:00+08:00"));
	/* A pledge of 6 May filed late on 31 May, approved in June. */
	req = file_act(f, &f->alice, h->a1, "pledge", "2024-05-06", 500000,
		       T("2024-05-31T09:00:00+08:00"));
	decide(f, req, 1, T("2024-06-03T09:00:00+08:00"));
	/* June: a change of A1, a joint transfer of A2 from carol to alice,
	 * a cancellation by the holder of A8. */
	ok(svc_file_request(&f->v, &f->alice, h->a1, &chg, T("2024-06-03T10:00:00+08:00"), &req, &e), &e);
	decide(f, req, 1, T("2024-06-04T09:00:00+08:00"));
	ok(svc_file_request(&f->v, &f->carol, h->a2, &transfer, T("2024-06-04T10:00:00+08:00"), &req,
			    &e), &e);
	ok(svc_confirm_request(&f->v, &f->alice, req, T("2024-06-04T11:00:00+08:00"), &e), &e);
	decide(f, req, 1, T("2024-06-05T09:00:00+08:00"));
	ok(svc_file_request(&f->v, &f->alice, a8, &cancel, T("2024-06-10T09:00:00+08:00"), &req, &e), &e);
	decide(f, req, 1, T("2024-06-11T09:00:00+08:00"));
	/* July: a revocation; August: a cancellation by the registry. */
	ok(svc_revoke(&f->v, &f->examiner, a7, "来源证明系伪造", T("2024-07-01T09:00:00+08:00"), &e), &e);
	ok(svc_cancel_by_registry(&f->v, &f->examiner, a9, "持有人已注销且无权利承继人",
				  T("2024-08-01T09:00:00+08:00"), &e), &e);
	/* 2027: A1 renews within its last month; A2 and A3 expire. */
	ok(svc_renew(&f->v, &f->alice, h->a1, T("2027-03-01T09:00:00+08:00"), &e), &e);
	tick(f, T("2027-05-05T09:00:00+08:00"));
	json_decref(change);
}

static void test_art20_stats_figures_equal_counts_from_the_archive(void **state)
{
	struct fx *f = *state;
	struct stats_query q = { 0, 0, 0 };
	struct dip_error e;
	struct history h;
	struct expect x;
	json_t *reg, *fil, *sum;
	const json_t *row;
	dip_time now = T("2027-05-10T12:00:00+08:00");
	int64_t in_force_end = 0;
	char mn[8];
	int m, k;

	build_history(f, &h);
	expect_from_archive(f, h.ids, h.n, &x);
	ok(svc_stats_registrations(&f->v, &q, now, &reg, &e), &e);
	ok(svc_stats_filings(&f->v, &q, now, &fil, &e), &e);
	ok(svc_stats_summary(&f->v, &q, now, &sum, &e), &e);
	/* The period runs from the first act to the current month. */
	assert_string_equal(json_string_value(json_object_get(reg, "from")), "2024-03");
	assert_string_equal(json_string_value(json_object_get(reg, "to")), "2027-05");
	for (m = 0; m < MONTHS; m++) {
		month_name(m, mn);
		row = row_where(json_object_get(reg, "months"), "month", mn);
		if (row == NULL) {
			assert_true(m < 2 || m > 40);
			continue;
		}
		assert_int_equal(ival(row, "received"), x.received[m]);
		assert_int_equal(ival(row, "registered"), x.registered[m]);
		assert_int_equal(ival(row, "renewed"), x.renewed[m]);
		assert_int_equal(ival(row, "changed"), x.changed[m]);
		assert_int_equal(ival(row, "transferred"), x.transferred[m]);
		assert_int_equal(ival(row, "cancelled"), x.cancelled[m]);
		assert_int_equal(ival(row, "revoked"), x.revoked[m]);
		in_force_end = ival(row, "in_force_end");
		row = row_where(json_object_get(fil, "months"), "month", mn);
		assert_non_null(row);
		assert_int_equal(ival(row, "total"), x.fil_n[m]);
		assert_int_equal(ival(row, "amount"), x.fil_a[m]);
		assert_int_equal(ival(row, "declared"), x.fil_d[m]);
		assert_int_equal(ival(row, "late"), x.fil_late[m]);
	}
	/* The stock at the last month's end is the register now. */
	assert_int_equal(in_force_end, x.in_force);
	/* What happened, as this history made it. */
	month_name(2, mn);  /* 2024-03 */
	assert_int_equal(ival(row_where(json_object_get(reg, "months"), "month", mn), "registered"), 4);
	month_name(4, mn);  /* 2024-05: the transaction and licence of April, the late pledge */
	assert_int_equal(ival(row_where(json_object_get(fil, "months"), "month", "2024-04"), "total"), 2);
	assert_int_equal(ival(row_where(json_object_get(fil, "months"), "month", "2024-04"), "declared"), 1);
	assert_int_equal(ival(row_where(json_object_get(fil, "months"), "month", mn), "late"), 1);
	assert_true(fabs(rval(row_where(json_object_get(fil, "months"), "month", mn), "late_share") - 1.0) < 1e-9);
	assert_int_equal(x.cancel_reason[CLOSE_BY_HOLDER], 1);
	assert_int_equal(x.cancel_reason[CLOSE_BY_REGISTRY], 1);
	assert_int_equal(x.cancel_reason[CLOSE_EXPIRED], 2);
	/* Cancellations by reason over the period. */
	{
		int64_t exp = 0, holder = 0, registry = 0;
		size_t i;
		const json_t *r;

		json_array_foreach(json_object_get(reg, "months"), i, r) {
			exp += ival(r, "cancelled_expired");
			holder += ival(r, "cancelled_by_holder");
			registry += ival(r, "cancelled_by_registry");
		}
		assert_int_equal(exp, x.cancel_reason[CLOSE_EXPIRED]);
		assert_int_equal(holder, x.cancel_reason[CLOSE_BY_HOLDER]);
		assert_int_equal(registry, x.cancel_reason[CLOSE_BY_REGISTRY]);
	}
	/* Kinds. */
	for (k = 0; k < 3; k++) {
		static const char *const kinds[] = { "transaction", "pledge", "licence" };

		row = row_where(json_object_get(fil, "kinds"), "kind", kinds[k]);
		assert_int_equal(ival(row, "count"), x.kind_n[k]);
		assert_int_equal(ival(row, "amount"), x.kind_a[k]);
	}
	/* Industries: sections and divisions; "6420" counts in division 64,
	 * "C" in section C only. */
	row = row_where(json_object_get(reg, "sections"), "section", "I");
	assert_int_equal(ival(row, "registered"), x.sec_registered['I' - 'A']);
	assert_int_equal(ival(row, "registered"), 2);
	assert_string_equal(json_string_value(json_object_get(row, "name")), "信息传输、软件和信息技术服务业");
	row = row_where(json_object_get(reg, "sections"), "section", "C");
	assert_int_equal(ival(row, "registered"), x.sec_registered['C' - 'A']);
	assert_int_equal(ival(row_where(json_object_get(reg, "divisions"), "code", "64"), "registered"),
			 x.div_registered[64]);
	assert_int_equal(ival(row_where(json_object_get(reg, "divisions"), "code", "66"), "registered"),
			 x.div_registered[66]);
	assert_int_equal(ival(row_where(json_object_get(reg, "divisions"), "code", "C"), "registered"), 1);
	assert_int_equal(ival(row_where(json_object_get(fil, "sections"), "section", "I"), "count"), 3);
	/* Holders now: A2 went from carol (natural) to alice (legal). */
	for (k = 1; k <= STATS_JOINT; k++) {
		static const char *const hk[] = { "", "natural", "legal", "org", "joint" };

		assert_int_equal(ival(row_where(json_object_get(reg, "holders"), "holder", hk[k]), "in_force"),
				 x.holders_in_force[k]);
	}
	/* States now, drafts left out. */
	for (k = APP_SUBMITTED; k < APP__COUNT; k++)
		assert_int_equal(ival(row_where(json_object_get(reg, "states"), "state",
						app_state_name((enum app_state)k)), "count"),
				 x.state[k]);
	assert_null(row_where(json_object_get(reg, "states"), "state", "draft"));
	/* The summary says the same. */
	assert_int_equal(ival(row_where(json_object_get(sum, "indicators"), "indicator", "in_force"), "value"),
			 x.in_force);
	assert_int_equal(ival(row_where(json_object_get(sum, "indicators"), "indicator", "filings"), "value"),
			 x.kind_n[0] + x.kind_n[1] + x.kind_n[2]);
	json_decref(reg);
	json_decref(fil);
	json_decref(sum);
	/* A period restricts the flows. */
	q.from_ym = 2024 * 12 + 5;   /* 2024-06 */
	q.to_ym = 2024 * 12 + 7;     /* 2024-08 */
	ok(svc_stats_registrations(&f->v, &q, now, &reg, &e), &e);
	assert_int_equal(json_array_size(json_object_get(reg, "months")), 3);
	assert_int_equal(ival(row_where(json_object_get(reg, "sections"), "section", "I"), "registered"), 0);
	json_decref(reg);
	q.from_ym = 2024 * 12 + 8;
	assert_int_equal(svc_stats_registrations(&f->v, &q, now, &reg, &e), DIP_EINVAL);
	assert_string_equal(e.field, "from");
}

/* ---- the index: docs/index.md, worked example ---- */

static void test_stats_index_formula_of_docs_index_md(void **state)
{
	struct aix_month b, may, june;
	struct aix_value v;
	int I = 'I' - 'A', J = 'J' - 'A', M = 'M' - 'A';

	(void)state;
	memset(&b, 0, sizeof(b));
	memset(&may, 0, sizeof(may));
	memset(&june, 0, sizeof(june));
	b.ym = 2024 * 12 + 3;
	b.n[I] = 2, b.a[I] = 400000, b.n[J] = 1, b.a[J] = 600000;
	may.n[I] = 3, may.a[I] = 500000, may.n[J] = 1, may.a[J] = 300000, may.n[M] = 1, may.a[M] = 200000;
	june.n[J] = 1, june.a[J] = 1500000;
	assert_int_equal(aix_check_base(&b, NULL), 0);
	aix_compute(&b, &b, &v);
	assert_true(fabs(v.index - 100) < 1e-9);
	aix_compute(&b, &may, &v);
	assert_true(fabs(v.count_index - 500.0 / 3) < 1e-9);
	assert_true(fabs(v.value_index - 100) < 1e-9);
	assert_true(fabs(v.index - 400.0 / 3) < 1e-9);
	assert_true(fabs(v.count_sub[I] - 150) < 1e-9 && fabs(v.value_sub[I] - 125) < 1e-9);
	assert_true(fabs(v.count_sub[J] - 100) < 1e-9 && fabs(v.value_sub[J] - 50) < 1e-9);
	assert_true(isnan(v.count_sub[M]) && isnan(v.value_sub[M]));
	/* The section form: base-share weighted sub-indices plus the new
	 * section's activity equal the index. */
	assert_true(fabs(0.5 * (v.count_weight[I] * v.count_sub[I] + v.count_weight[J] * v.count_sub[J]) +
			 0.5 * (v.value_weight[I] * v.value_sub[I] + v.value_weight[J] * v.value_sub[J]) +
			 v.contribution[M] - v.index) < 1e-9);
	assert_true(fabs(v.contribution[I] - 75) < 1e-9);
	assert_true(fabs(v.contribution[J] - 95.0 / 3) < 1e-9);
	assert_true(fabs(v.contribution[M] - 80.0 / 3) < 1e-9);
	aix_compute(&b, &june, &v);
	assert_true(fabs(v.count_index - 100.0 / 3) < 1e-9);
	assert_true(fabs(v.value_index - 150) < 1e-9);
	assert_true(fabs(v.index - 275.0 / 3) < 1e-9);
	/* A base needs filings and a declared amount. */
	b.a[I] = b.a[J] = 0;
	assert_int_equal(aix_check_base(&b, NULL), DIP_EINVAL);
}

static void test_art15_index_worked_example_from_the_register(void **state)
{
	struct fx *f = *state;
	struct stats_query q = { 0, 0, 0 };
	struct dip_error e;
	json_t *o, *s;
	const json_t *row;
	dip_time now = T("2024-08-01T09:00:00+08:00");
	int64_t i64, j66, m74, req;
	size_t i;

	i64 = published_in(f, &f->alice, "信息技术服务数据集", "64", T("2024-03-04T10:00:00+08:00"));
	j66 = published_in(f, &f->bob, "金融服务数据集", "66", T("2024-03-04T10:00:00+08:00"));
	m74 = published_in(f, &f->carol, "科研服务数据集", "74", T("2024-03-04T10:00:00+08:00"));
	tick(f, T("2024-03-21T09:00:00+08:00"));
	/* April, the base. */
	decide(f, file_act(f, &f->alice, i64, "transaction", "2024-04-08", 300000,
			   T("2024-04-09T09:00:00+08:00")), 1, T("2024-04-10T09:00:00+08:00"));
	decide(f, file_act(f, &f->alice, i64, "licence", "2024-04-15", 100000,
			   T("2024-04-16T09:00:00+08:00")), 1, T("2024-04-17T09:00:00+08:00"));
	decide(f, file_act(f, &f->bob, j66, "pledge", "2024-04-22", 600000,
			   T("2024-04-23T09:00:00+08:00")), 1, T("2024-04-24T09:00:00+08:00"));
	/* May. */
	decide(f, file_act(f, &f->alice, i64, "transaction", "2024-05-06", 200000,
			   T("2024-05-07T09:00:00+08:00")), 1, T("2024-05-08T09:00:00+08:00"));
	decide(f, file_act(f, &f->alice, i64, "licence", "2024-05-09", 300000,
			   T("2024-05-10T09:00:00+08:00")), 1, T("2024-05-13T09:00:00+08:00"));
	decide(f, file_act(f, &f->alice, i64, "licence", "2024-05-14", -1,
			   T("2024-05-15T09:00:00+08:00")), 1, T("2024-05-16T09:00:00+08:00"));
	decide(f, file_act(f, &f->bob, j66, "pledge", "2024-05-20", 300000,
			   T("2024-05-21T09:00:00+08:00")), 1, T("2024-05-22T09:00:00+08:00"));
	decide(f, file_act(f, &f->carol, m74, "transaction", "2024-05-27", 200000,
			   T("2024-05-28T09:00:00+08:00")), 1, T("2024-05-29T09:00:00+08:00"));
	/* Not counted: rejected, and pending. */
	decide(f, file_act(f, &f->alice, i64, "transaction", "2024-05-28", 9000000,
			   T("2024-05-29T09:00:00+08:00")), 0, T("2024-05-30T09:00:00+08:00"));
	file_act(f, &f->alice, i64, "transaction", "2024-05-29", 8000000, T("2024-05-30T09:00:00+08:00"));
	/* June: a late pledge. */
	req = file_act(f, &f->bob, j66, "pledge", "2024-06-03", 1500000, T("2024-06-28T09:00:00+08:00"));
	decide(f, req, 1, T("2024-07-01T09:00:00+08:00"));
	ok(svc_stats_index(&f->v, &q, now, &o, &e), &e);
	assert_string_equal(json_string_value(json_object_get(o, "base")), "2024-04");
	assert_string_equal(json_string_value(json_object_get(o, "base_rule")), "default");
	assert_int_equal(ival(o, "base_filings"), 3);
	assert_int_equal(ival(o, "base_amount"), 1000000);
	row = row_where(json_object_get(o, "months"), "month", "2024-04");
	assert_true(fabs(rval(row, "index") - 100) < 1e-9);
	row = row_where(json_object_get(o, "months"), "month", "2024-05");
	assert_int_equal(ival(row, "filings"), 5);
	assert_int_equal(ival(row, "amount"), 1000000);
	assert_true(fabs(rval(row, "count_index") - 166.67) < 1e-9);
	assert_true(fabs(rval(row, "value_index") - 100.00) < 1e-9);
	assert_true(fabs(rval(row, "index") - 133.33) < 1e-9);
	row = row_where(json_object_get(o, "months"), "month", "2024-06");
	assert_true(fabs(rval(row, "count_index") - 33.33) < 1e-9);
	assert_true(fabs(rval(row, "value_index") - 150.00) < 1e-9);
	assert_true(fabs(rval(row, "index") - 91.67) < 1e-9);
	/* The month of the first registration has no filings: index 0. */
	row = row_where(json_object_get(o, "months"), "month", "2024-03");
	assert_true(fabs(rval(row, "index")) < 1e-9);
	/* Section contributions of May and the base weights. */
	json_array_foreach(json_object_get(o, "sections"), i, s) {
		const char *m = json_string_value(json_object_get(s, "month"));
		const char *sec = json_string_value(json_object_get(s, "section"));

		if (strcmp(m, "2024-05") != 0)
			continue;
		if (strcmp(sec, "I") == 0) {
			assert_true(fabs(rval(s, "contribution") - 75.00) < 1e-9);
			assert_true(fabs(rval(s, "count_weight") - 0.6667) < 1e-9);
			assert_true(fabs(rval(s, "value_weight") - 0.4) < 1e-9);
			assert_true(fabs(rval(s, "count_index") - 150) < 1e-9);
			assert_true(fabs(rval(s, "value_index") - 125) < 1e-9);
		} else if (strcmp(sec, "J") == 0) {
			assert_true(fabs(rval(s, "contribution") - 31.67) < 1e-9);
			assert_true(fabs(rval(s, "value_index") - 50) < 1e-9);
		} else if (strcmp(sec, "M") == 0) {
			assert_true(fabs(rval(s, "contribution") - 26.67) < 1e-9);
			assert_true(json_is_null(json_object_get(s, "count_index")));
		} else {
			fail_msg("unexpected section %s", sec);
		}
	}
	/* July: its filing period still runs on 1 August. */
	row = row_where(json_object_get(o, "months"), "month", "2024-07");
	assert_true(json_is_true(json_object_get(row, "provisional")));
	assert_true(json_is_false(json_object_get(row_where(json_object_get(o, "months"), "month",
							    "2024-05"), "provisional")));
	json_decref(o);
	/* Another base, asked for or configured; a month without filings
	 * cannot be one. */
	q.base_ym = 2024 * 12 + 4;   /* 2024-05 */
	ok(svc_stats_index(&f->v, &q, now, &o, &e), &e);
	assert_true(fabs(rval(row_where(json_object_get(o, "months"), "month", "2024-04"), "count_index") - 60) < 1e-9);
	json_decref(o);
	q.base_ym = 2024 * 12 + 2;   /* 2024-03 */
	assert_int_equal(svc_stats_index(&f->v, &q, now, &o, &e), DIP_EINVAL);
	assert_string_equal(e.field, "base");
	q.base_ym = 0;
	assert_int_equal(svc_stats_set_index_base(&f->v, &f->alice, "2024-05", now, &e), DIP_EFORBIDDEN);
	ok(svc_stats_set_index_base(&f->v, &f->admin, "2024-05", now, &e), &e);
	ok(svc_stats_index(&f->v, &q, now, &o, &e), &e);
	assert_string_equal(json_string_value(json_object_get(o, "base")), "2024-05");
	assert_string_equal(json_string_value(json_object_get(o, "base_rule")), "configured");
	json_decref(o);
	ok(svc_stats_set_index_base(&f->v, &f->admin, NULL, now, &e), &e);
	ok(svc_stats_index(&f->v, &q, now, &o, &e), &e);
	assert_string_equal(json_string_value(json_object_get(o, "base")), "2024-04");
	json_decref(o);
}

/* ---- CSV ---- */

/* An RFC 4180 parser: records of fields; fails the test on a malformed
 * file.  Returns the number of records; fields[r][c] are heap strings. */
#define MAXREC 64
#define MAXFLD 40

struct csv {
	char *f[MAXREC][MAXFLD];
	int nf[MAXREC];
	int n;
};

static void csv_parse(const char *p, size_t len, struct csv *c)
{
	const char *end = p + len;
	char buf[8192];
	size_t b;
	int quoted;

	memset(c, 0, sizeof(*c));
	while (p < end) {
		assert_true(c->n < MAXREC);
		for (;;) {
			b = 0;
			quoted = *p == '"';
			if (quoted) {
				for (p++;; p++) {
					assert_true(p < end);
					if (*p == '"' && p + 1 < end && p[1] == '"') {
						buf[b++] = '"';
						p++;
					} else if (*p == '"') {
						p++;
						break;
					} else {
						buf[b++] = *p;
					}
					assert_true(b < sizeof(buf));
				}
			} else {
				while (p < end && *p != ',' && *p != '\r') {
					/* A bare quote or line feed inside an unquoted field is malformed. */
					assert_true(*p != '"' && *p != '\n');
					buf[b++] = *p++;
					assert_true(b < sizeof(buf));
				}
			}
			buf[b] = '\0';
			assert_true(c->nf[c->n] < MAXFLD);
			c->f[c->n][c->nf[c->n]++] = strdup(buf);
			assert_true(p < end);
			if (*p == ',') {
				p++;
				continue;
			}
			/* Records end with CRLF. */
			assert_true(p + 1 < end && p[0] == '\r' && p[1] == '\n');
			p += 2;
			break;
		}
		c->n++;
	}
}

static void csv_free(struct csv *c)
{
	int r, k;

	for (r = 0; r < c->n; r++)
		for (k = 0; k < c->nf[r]; k++)
			free(c->f[r][k]);
}

static int csv_col(const struct csv *c, const char *name)
{
	int k;

	for (k = 0; k < c->nf[0]; k++)
		if (strcmp(c->f[0][k], name) == 0)
			return k;
	fail_msg("no column %s", name);
	return -1;
}

static void export_all(struct fx *f, struct svc_export *x, int page,
		       int (*fn)(struct svc *, struct svc_export *, int, struct dbuf *, struct dip_error *),
		       struct dbuf *out)
{
	struct dip_error e;
	int pages = 0;

	while (!x->done) {
		ok(fn(&f->v, x, page, out, &e), &e);
		assert_true(++pages < 1000);
	}
}

static void test_art20_csv_is_rfc4180_with_bom_and_chinese_intact(void **state)
{
	struct fx *f = *state;
	struct stats_query q = { 0, 0, 0 };
	struct svc_export x;
	struct dip_error e;
	struct dbuf b;
	struct csv c;
	json_t *o, *content;
	dip_time now = T("2024-06-01T09:00:00+08:00");
	int64_t id;
	int r, k;

	/* A name with a comma and quotes; other status that a spreadsheet
	 * would take for a formula. */
	content = fx_content(f, "x", FP);
	json_object_set_new(content, "name", json_string("交通\"客流\",站点数据集"));
	json_object_set_new(content, "industry", json_string("64"));
	json_object_set_new(json_object_get(content, "other"), "status", json_string("=1+1 正常运营"));
	{
		struct draft_input in = { content, NULL, NULL };

		ok(svc_draft_create(&f->v, &f->alice, &in, T("2024-03-01T09:00:00+08:00"), &id, &e), &e);
	}
	json_decref(content);
	ok(svc_submit(&f->v, &f->alice, id, T("2024-03-01T10:00:00+08:00"), NULL, &e), &e);
	ok(svc_publish(&f->v, &f->examiner, id, T("2024-03-04T10:00:00+08:00"), &e), &e);
	published_in(f, &f->carol, "个人出行轨迹数据集", "54", T("2024-03-04T10:00:00+08:00"));
	tick(f, T("2024-03-25T09:00:00+08:00"));
	/* The register, two pages of one. */
	memset(&x, 0, sizeof(x));
	snprintf(x.lang, sizeof(x.lang), "zh");
	dbuf_init(&b, 0);
	export_all(f, &x, 1, svc_open_register_csv, &b);
	assert_memory_equal(b.p, "\xEF\xBB\xBF", 3);
	csv_parse(b.p + 3, b.len - 3, &c);
	assert_int_equal(c.n, 3);
	for (r = 1; r < c.n; r++)
		assert_int_equal(c.nf[r], c.nf[0]);
	assert_string_equal(c.f[0][0], "登记号");
	k = csv_col(&c, "登记对象名称");
	assert_string_equal(c.f[1][k], "个人出行轨迹数据集");
	assert_string_equal(c.f[2][k], "交通\"客流\",站点数据集");
	assert_string_equal(c.f[2][csv_col(&c, "所属行业")], "互联网和相关服务");
	assert_string_equal(c.f[2][csv_col(&c, "其他情况")], "'=1+1 正常运营");
	assert_string_equal(c.f[2][csv_col(&c, "状态")], "registered");
	csv_free(&c);
	dbuf_free(&b);
	/* One registration, English headers. */
	memset(&x, 0, sizeof(x));
	x.only_id = id;
	snprintf(x.lang, sizeof(x.lang), "en");
	dbuf_init(&b, 0);
	export_all(f, &x, 100, svc_open_register_csv, &b);
	csv_parse(b.p + 3, b.len - 3, &c);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.f[0][0], "registration_number");
	assert_string_equal(c.f[1][csv_col(&c, "holders")], "北京数据科技有限公司");
	csv_free(&c);
	dbuf_free(&b);
	/* Statistics tables, in both languages. */
	ok(svc_stats_registrations(&f->v, &q, now, &o, &e), &e);
	dbuf_init(&b, 0);
	ok(svc_stats_csv(o, svc_stats_table("registrations", "sections"), "zh", &b, &e), &e);
	assert_memory_equal(b.p, "\xEF\xBB\xBF", 3);
	csv_parse(b.p + 3, b.len - 3, &c);
	assert_string_equal(c.f[0][0], "门类");
	for (r = 1; r < c.n; r++)
		if (strcmp(c.f[r][0], "I") == 0)
			assert_string_equal(c.f[r][1], "信息传输、软件和信息技术服务业");
	csv_free(&c);
	dbuf_reset(&b);
	ok(svc_stats_csv(o, svc_stats_table("registrations", NULL), "en", &b, &e), &e);
	csv_parse(b.p + 3, b.len - 3, &c);
	assert_string_equal(c.f[0][0], "month");
	assert_string_equal(c.f[1][0], "2024-03");
	assert_string_equal(c.f[1][csv_col(&c, "registered")], "2");
	assert_string_equal(c.f[1][csv_col(&c, "complete")], "true");
	csv_free(&c);
	dbuf_free(&b);
	json_decref(o);
	assert_null(svc_stats_table("registrations", "nonsense"));
	assert_non_null(svc_stats_table("index", "sections"));
	/* A draft is not in the register. */
	memset(&x, 0, sizeof(x));
	x.only_id = draft_in(f, &f->alice, "草稿数据集", "54", NULL, now);
	dbuf_init(&b, 0);
	assert_int_equal(svc_open_register_csv(&f->v, &x, 10, &b, &e), DIP_ENOTFOUND);
	dbuf_free(&b);
}

/* ---- confidentiality ---- */

#define MK_FIELD "MARKERfieldname7c1"
#define MK_ANON "MARKER匿名化说明7c2，卡号经加盐哈希处理"
#define MK_CP "MARKER交易对手7c3"
#define MK_CONTACT "MARKER联系人7c4@example.cn"
#define MK_WITHDRAW "MARKER撤回理由7c5"
#define MK_NOTE "MARKER审查意见7c6"
#define MK_EMAIL "marker7c7@example.cn"

static void assert_no_marker(const char *what, const char *text, const char *upload)
{
	static const char *const markers[] = { MK_FIELD, MK_ANON, MK_CP, MK_CONTACT, MK_WITHDRAW,
					       MK_NOTE, MK_EMAIL, "MARKER" };
	size_t i;

	for (i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		if (strstr(text, markers[i]))
			fail_msg("%s shows the confidential \"%s\"", what, markers[i]);
	/* Uploads (sample, proof of lawful acquisition, an objector's
	 * evidence) by their hash. */
	if (strstr(text, upload) || strstr(text, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"))
		fail_msg("%s names a confidential upload", what);
}

static void test_art19_art20_confidential_fields_never_reach_open_outputs(void **state)
{
	struct fx *f = *state;
	struct stats_query q = { 0, 0, 0 };
	struct objection_input oi = { "异议人", MK_CONTACT, "该数据集与我方数据重合，疑似重复登记。", NULL };
	struct account_input ai = { "marked", "correct horse battery", "标记科技有限公司", "legal",
				    "91110108MA01ABCDEN", MK_EMAIL, "13800000000", ROLE_APPLICANT };
	struct svc_export x;
	struct dip_error e;
	struct dbuf b;
	json_t *content, *o, *field;
	dip_time now = T("2024-07-01T09:00:00+08:00");
	int64_t id, other, obj, acct;
	char token[65], *text;
	size_t i;
	static const char *const reports[] = { "summary", "registrations", "filings", "index" };

	/* Markers in every confidential place: the field structure, the
	 * anonymisation statement, contacts, a counterparty, reasons. */
	svc_account_create(&f->v, &f->admin, &ai, T("2024-01-05"), &acct, &e);
	content = fx_content(f, "标记数据集", FP);
	json_object_set_new(content, "industry", json_string("64"));
	field = json_array_get(json_object_get(json_object_get(content, "structure"), "fields"), 0);
	json_object_set_new(field, "name", json_string(MK_FIELD));
	json_object_set_new(json_object_get(content, "algorithm"), "anonymisation", json_string(MK_ANON));
	{
		struct draft_input in = { content, NULL, NULL };

		ok(svc_draft_create(&f->v, &f->alice, &in, T("2024-03-01T09:00:00+08:00"), &id, &e), &e);
	}
	json_decref(content);
	ok(svc_submit(&f->v, &f->alice, id, T("2024-03-01T10:00:00+08:00"), NULL, &e), &e);
	{
		struct app_defects d;

		memset(&d, 0, sizeof(d));
		d.n = 1;
		snprintf(d.v[0].field, sizeof(d.v[0].field), "scenario");
		snprintf(d.v[0].message, sizeof(d.v[0].message), "scenario: 请补充");
		ok(svc_request_correction(&f->v, &f->examiner, id, &d, MK_NOTE,
					  T("2024-03-02T10:00:00+08:00"), &e), &e);
		content = fx_content(f, "标记数据集", FP);
		json_object_set_new(content, "industry", json_string("64"));
		field = json_array_get(json_object_get(json_object_get(content, "structure"), "fields"), 0);
		json_object_set_new(field, "name", json_string(MK_FIELD));
		json_object_set_new(json_object_get(content, "algorithm"), "anonymisation",
				    json_string(MK_ANON));
		ok(svc_reply_correction(&f->v, &f->alice, id, content, "已补充",
					T("2024-03-03T10:00:00+08:00"), NULL, &e), &e);
		json_decref(content);
	}
	ok(svc_publish(&f->v, &f->examiner, id, T("2024-03-04T10:00:00+08:00"), &e), &e);
	/* An objection with a contact, on another publication, withdrawn by
	 * its applicant with a reason. */
	other = published_in(f, &f->carol, "异议对象数据集", "66", T("2024-03-04T10:00:00+08:00"));
	{
		const char *ev[] = { f->upload2, NULL };

		oi.evidence = ev;
		ok(svc_object(&f->v, &f->public_, other, &oi, T("2024-03-05T10:00:00+08:00"), &obj, token, &e), &e);
	}
	ok(svc_withdraw(&f->v, &f->carol, other, MK_WITHDRAW, T("2024-03-06T10:00:00+08:00"), &e), &e);
	tick(f, T("2024-03-25T09:00:00+08:00"));
	decide(f, file_act(f, &f->alice, id, "licence", "2024-04-08", 250000, T("2024-04-09T09:00:00+08:00")),
	       1, T("2024-04-10T09:00:00+08:00"));
	{
		json_t *p = json_pack("{s:s,s:i}", "counterparty", MK_CP, "amount", 80000);
		struct request_input in = { "transaction", p, "2024-05-06", NULL, 0, NULL };
		int64_t req;

		ok(svc_file_request(&f->v, &f->alice, id, &in, T("2024-05-07T09:00:00+08:00"), &req, &e), &e);
		decide(f, req, 1, T("2024-05-08T09:00:00+08:00"));
		json_decref(p);
	}
	/* Every output. */
	dbuf_init(&b, 0);
	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		int (*fn)(struct svc *, const struct stats_query *, dip_time, json_t **, struct dip_error *) =
			i == 0 ? svc_stats_summary : i == 1 ? svc_stats_registrations
			: i == 2 ? svc_stats_filings : svc_stats_index;
		const struct stats_table *t;
		size_t k;
		static const char *const tables[] = { "months", "sections", "divisions", "holders",
						      "states", "kinds", "indicators" };

		ok(fn(&f->v, &q, now, &o, &e), &e);
		text = json_dumps(o, 0);
		assert_no_marker(reports[i], text, f->upload);
		free(text);
		for (k = 0; k < sizeof(tables) / sizeof(tables[0]); k++) {
			t = svc_stats_table(reports[i], tables[k]);
			if (t == NULL || strcmp(t->name, tables[k]) != 0)
				continue;
			dbuf_reset(&b);
			ok(svc_stats_csv(o, t, "zh", &b, &e), &e);
			assert_no_marker(t->name, b.p, f->upload);
		}
		json_decref(o);
	}
	memset(&x, 0, sizeof(x));
	snprintf(x.lang, sizeof(x.lang), "zh");
	dbuf_reset(&b);
	export_all(f, &x, 1, svc_open_register_csv, &b);
	assert_non_null(strstr(b.p, "标记数据集"));
	assert_no_marker("register.csv", b.p, f->upload);
	memset(&x, 0, sizeof(x));
	dbuf_reset(&b);
	export_all(f, &x, 1, svc_open_catalog, &b);
	{
		json_error_t jerr;
		json_t *cat = json_loadb(b.p, b.len, 0, &jerr);

		if (cat == NULL)
			fail_msg("catalog: %s at %d", jerr.text, jerr.position);
		assert_string_equal(json_string_value(json_object_get(cat, "@type")), "dcat:Catalog");
		/* The register, the statistics, and one registration. */
		assert_int_equal(json_array_size(json_object_get(cat, "dcat:dataset")), 3);
		json_decref(cat);
	}
	assert_non_null(strstr(b.p, "标记数据集"));
	assert_no_marker("catalog.jsonld", b.p, f->upload);
	dbuf_reset(&b);
	ok(svc_open_feed(&f->v, 200, now, &b, &e), &e);
	assert_non_null(strstr(b.p, "<feed xmlns=\"http://www.w3.org/2005/Atom\""));
	assert_non_null(strstr(b.p, "标记数据集"));
	assert_non_null(strstr(b.p, "250000"));
	assert_no_marker("feed.atom", b.p, f->upload);
	dbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_art20_stats_figures_equal_counts_from_the_archive, setup, fx_teardown),
		cmocka_unit_test(test_stats_index_formula_of_docs_index_md),
		cmocka_unit_test_setup_teardown(test_art15_index_worked_example_from_the_register, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art20_csv_is_rfc4180_with_bom_and_chinese_intact, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_art19_art20_confidential_fields_never_reach_open_outputs, setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
