/*
 * stats.c - statistics of the register and the trading-activity index
 * (stats.h, docs/index.md).
 *
 * One pass gathers everything a report needs: the store's aggregate rows
 * (per day, industry and key) are folded into calendar months in the
 * registry's zone, into GB/T 4754-2017 sections and divisions through the
 * industry table, and into holder classes and states.  The reports then
 * read what they show from that, so the same act is counted the same way
 * in every report.
 */
#include "service/stats.h"
#include "service/internal.h"
#include "domain/actindex.h"
#include "render/export.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NHOLD (STATS_JOINT + 1)  /* 0 unknown, natural, legal, org, joint */
#define NKIND 3                  /* transaction, pledge, licence */
#define NCLOSE (CLOSE_BY_REGISTRY + 1)

/* GB/T 4754-2017 sections in English, for the English headers and charts
 * (the table in data/ names them in Chinese). */
static const char *const section_en[AIX_SECTIONS] = {
	"Agriculture, forestry, animal husbandry and fishery",
	"Mining",
	"Manufacturing",
	"Electricity, heat, gas and water supply",
	"Construction",
	"Wholesale and retail trade",
	"Transport, storage and postal services",
	"Accommodation and catering",
	"Information transmission, software and IT services",
	"Finance",
	"Real estate",
	"Leasing and business services",
	"Scientific research and technical services",
	"Water, environment and public facilities management",
	"Resident, repair and other services",
	"Education",
	"Health and social work",
	"Culture, sports and entertainment",
	"Public administration, social security and social organisations",
	"International organisations",
};

static const enum req_kind filing_kinds[NKIND] = { REQ_TRANSACTION, REQ_PLEDGE, REQ_LICENCE };
static const char *const kind_zh[NKIND] = { "交易", "质押", "许可使用" };
static const char *const kind_en[NKIND] = { "transaction", "pledge", "licence" };
static const char *const holder_key[NHOLD] = { "unknown", "natural", "legal", "org", "joint" };
static const char *const holder_zh[NHOLD] = { "未知", "自然人", "法人", "非法人组织", "共同持有" };
static const char *const holder_en[NHOLD] = { "unknown", "natural person", "legal person",
					      "unincorporated organisation", "joint holders" };
static const char *const state_zh[APP__COUNT] = {
	"草稿", "已受理（形式审查）", "待补正", "公示中", "异议处理中", "已登记", "已撤回",
	"视为撤回", "不予登记", "已注销", "已撤销",
};
static const char *const state_en[APP__COUNT] = {
	"draft", "in formal examination", "correction requested", "in publication",
	"objection handling", "registered", "withdrawn", "deemed withdrawn", "refused",
	"cancelled", "revoked",
};

struct mrow {
	int64_t received, registered, renewed, changed, transferred, revoked;
	int64_t cancelled[NCLOSE];
	int64_t fn[NKIND], fd[NKIND], fa[NKIND], flate[NKIND];
	int64_t sn[AIX_SECTIONS], sa[AIX_SECTIONS];
};

/* Per entry of the industry table, and one more for codes not in it. */
struct irow {
	int64_t registered;          /* announced in the period */
	int64_t state[APP__COUNT];   /* applications now */
	int64_t fn, fd, fa, flate;   /* filings in the period */
};

struct agg {
	const struct registry *reg;
	dip_time now;
	dip_time as_of;              /* when the rows were read */
	int cur_ym;                  /* the current month */
	int lo, hi;                  /* months kept per month: [lo, hi] */
	int pf, pt;                  /* the period asked for (totals) */
	int data_lo;                 /* first month with any act, INT_MAX without */
	int first_reg_ym;            /* month of the first registration, INT_MAX without */
	int first_filing_ym;
	struct mrow *m;              /* hi - lo + 1 months */
	int64_t pre_registered, pre_closed;  /* before lo */
	struct irow *ind;            /* industries.n + 1 */
	int64_t hreg[NHOLD], hstate[NHOLD][APP__COUNT];
	int64_t states[APP__COUNT];
	int64_t kn[NKIND], kd[NKIND], ka[NKIND], klate[NKIND];
	struct {
		int64_t received, registered, renewed, changed, transferred, revoked;
		int64_t cancelled[NCLOSE];
	} tot;                       /* flows in the period */
};

/* ---- months ---- */

static int day_ym(dip_day d)
{
	int y, m, dd;

	day_to_ymd(d, &y, &m, &dd);
	return y * 12 + m - 1;
}

void svc_stats_month_format(int ym, char out[8])
{
	unsigned u = ym > 0 ? (unsigned)ym : 0;

	snprintf(out, 8, "%04u-%02u", (u / 12) % 10000, u % 12 + 1);
}

int svc_stats_month(const char *s, const char *field, int *ym, struct dip_error *e)
{
	int y, m;

	if (s == NULL || strlen(s) != 7 || s[4] != '-' || sscanf(s, "%4d-%2d", &y, &m) != 2 ||
	    strspn(s, "0123456789-") != 7 || y < 1970 || y > 9999 || m < 1 || m > 12)
		return dip_fail(e, DIP_EINVAL, field, "%s: a month as YYYY-MM, such as 2024-03", field);
	*ym = y * 12 + m - 1;
	return 0;
}

static dip_day month_last_day(int ym)
{
	int y = ym / 12, m = ym % 12 + 1;

	return day_from_ymd(y, m, days_in_month(y, m));
}

/* 1 when the month has ended (its last day is before today). */
static int month_complete(const struct agg *g, int ym)
{
	return month_last_day(ym) < time_day(g->now, g->reg->zone);
}

/* Filings for acts in the month may still arrive on time (Art. 15: within
 * 10 working days of the act), so its figures are provisional until the
 * filing period of its last day has run out. */
static int month_provisional(const struct agg *g, int ym)
{
	const struct rule_period *p = &g->reg->rules.dl[DL_FILING];
	dip_day last = month_last_day(ym), closes;

	closes = p->unit == UNIT_WORKING_DAYS ? cal_add_working_days(&g->reg->cal, last, p->n)
					      : last + p->n;
	return time_day(g->now, g->reg->zone) <= closes;
}

static struct mrow *month(struct agg *g, int ym)
{
	return ym >= g->lo && ym <= g->hi ? &g->m[ym - g->lo] : NULL;
}

static int in_period(const struct agg *g, int ym)
{
	return ym >= g->pf && ym <= g->pt;
}

/* ---- industries ---- */

static size_t ind_index(const struct agg *g, const char *code)
{
	const struct industry *it = industry_find(&g->reg->industries, code);

	return it ? (size_t)(it - g->reg->industries.v) : g->reg->industries.n;
}

static int ind_section(const struct agg *g, size_t i)
{
	return i < g->reg->industries.n ? aix_section(g->reg->industries.v[i].section) : -1;
}

static const struct industry *section_entry(const struct agg *g, int s)
{
	char code[2] = { (char)('A' + s), 0 };

	return industry_find(&g->reg->industries, code);
}

/* ---- gathering ---- */

static int add_flow(void *ud, const struct stats_row *r)
{
	struct agg *g = ud;
	int ym = day_ym(r->day), period;
	struct mrow *m = month(g, ym);
	size_t i = ind_index(g, r->industry);

	period = in_period(g, ym);
	if (ym < g->data_lo)
		g->data_lo = ym;
	switch (r->what) {
	case STF_RECEIVED:
		if (m)
			m->received += r->count;
		if (period)
			g->tot.received += r->count;
		break;
	case STF_REGISTERED:
		if (ym < g->first_reg_ym)
			g->first_reg_ym = ym;
		if (m)
			m->registered += r->count;
		else if (ym < g->lo)
			g->pre_registered += r->count;
		if (period) {
			g->tot.registered += r->count;
			g->ind[i].registered += r->count;
			if (r->key >= 0 && r->key < NHOLD)
				g->hreg[r->key] += r->count;
		}
		break;
	case STF_RENEWED:
		if (m)
			m->renewed += r->count;
		if (period)
			g->tot.renewed += r->count;
		break;
	case STF_REQUEST:
		if (r->key == REQ_CHANGE) {
			if (m)
				m->changed += r->count;
			if (period)
				g->tot.changed += r->count;
		} else if (r->key == REQ_TRANSFER) {
			if (m)
				m->transferred += r->count;
			if (period)
				g->tot.transferred += r->count;
		}
		break;
	case STF_CLOSED:
		if (ym < g->lo)
			g->pre_closed += r->count;
		if (r->flag) {
			if (m)
				m->revoked += r->count;
			if (period)
				g->tot.revoked += r->count;
		} else if (r->key >= 0 && r->key < NCLOSE) {
			if (m)
				m->cancelled[r->key] += r->count;
			if (period)
				g->tot.cancelled[r->key] += r->count;
		}
		break;
	}
	return 0;
}

static int add_filing(void *ud, const struct stats_row *r)
{
	struct agg *g = ud;
	int ym = day_ym(r->day), k, s;
	struct mrow *m = month(g, ym);
	size_t i = ind_index(g, r->industry);

	for (k = 0; k < NKIND && filing_kinds[k] != (enum req_kind)r->key; k++)
		;
	if (k == NKIND)
		return 0;
	if (ym < g->data_lo)
		g->data_lo = ym;
	if (ym < g->first_filing_ym)
		g->first_filing_ym = ym;
	s = ind_section(g, i);
	if (m) {
		m->fn[k] += r->count;
		m->fd[k] += r->amount_count;
		m->fa[k] += r->amount_sum;
		m->flate[k] += r->flag ? r->count : 0;
		if (s >= 0) {
			m->sn[s] += r->count;
			m->sa[s] += r->amount_sum;
		}
	}
	if (in_period(g, ym)) {
		g->kn[k] += r->count;
		g->kd[k] += r->amount_count;
		g->ka[k] += r->amount_sum;
		g->klate[k] += r->flag ? r->count : 0;
		g->ind[i].fn += r->count;
		g->ind[i].fd += r->amount_count;
		g->ind[i].fa += r->amount_sum;
		g->ind[i].flate += r->flag ? r->count : 0;
	}
	return 0;
}

static int add_register(void *ud, const struct stats_row *r)
{
	struct agg *g = ud;
	size_t i = ind_index(g, r->industry);
	int h = r->flag >= 0 && r->flag < NHOLD ? r->flag : 0;

	if (r->key < 0 || r->key >= APP__COUNT)
		return 0;
	g->states[r->key] += r->count;
	g->ind[i].state[r->key] += r->count;
	g->hstate[h][r->key] += r->count;
	return 0;
}

static void agg_release(struct agg *g)
{
	free(g->m);
	free(g->ind);
	memset(g, 0, sizeof(*g));
}

/* The rows of the three statistics queries as the store gave them, kept
 * with the newest event id they were read at: a report needs them anew
 * only after an act, so a public statistics page read by many costs the
 * register's scan once per change rather than once per reader. */
struct rowset {
	struct stats_row *rows[3];
	size_t n[3], cap[3];
};

struct svc_stats_cache {
	pthread_mutex_t mu;
	int64_t stamp;          /* the newest event id when read; -1: nothing kept */
	struct rowset set;
	dip_time read_at;       /* the registry's time when read */
	int background_ms;      /* counts this slow run in the background */
	int slow;               /* the last count was */
	int counting;           /* refresh was asked and has not finished */
	void (*refresh)(void *arg);
	void *refresh_arg;
};

/* Rows out of date are served for this long before a count is asked for. */
#define STATS_STALE_S 60

static void rowset_free(struct rowset *rs)
{
	int i;

	for (i = 0; i < 3; i++)
		free(rs->rows[i]);
	memset(rs, 0, sizeof(*rs));
}

struct svc_stats_cache *svc_stats_cache_new(int background_ms)
{
	struct svc_stats_cache *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	pthread_mutex_init(&c->mu, NULL);
	c->stamp = -1;
	c->background_ms = background_ms;
	return c;
}

void svc_stats_cache_refresher(struct svc_stats_cache *c, void (*refresh)(void *arg), void *arg)
{
	pthread_mutex_lock(&c->mu);
	c->refresh = refresh;
	c->refresh_arg = arg;
	pthread_mutex_unlock(&c->mu);
}

void svc_stats_cache_free(struct svc_stats_cache *c)
{
	if (c == NULL)
		return;
	rowset_free(&c->set);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

typedef int (*add_fn)(void *ud, const struct stats_row *r);
static const add_fn adders[3] = { add_flow, add_filing, add_register };

/* Adds a row to the aggregate, and keeps it when a rowset is given. */
struct collect {
	struct agg *g;
	struct rowset *keep;    /* NULL: none */
	int which;
	int oom;
};

static int collect(void *ud, const struct stats_row *r)
{
	struct collect *k = ud;
	struct rowset *rs = k->keep;
	int w = k->which;

	if (rs && !k->oom) {
		if (rs->n[w] == rs->cap[w]) {
			size_t cap = rs->cap[w] ? rs->cap[w] * 2 : 256;
			struct stats_row *p = realloc(rs->rows[w], cap * sizeof(*p));

			if (p == NULL) {
				k->oom = 1;
			} else {
				rs->rows[w] = p;
				rs->cap[w] = cap;
			}
		}
		if (!k->oom)
			rs->rows[w][rs->n[w]++] = *r;
	}
	return adders[w](k->g, r);
}

/* Adds the kept rows to g; c->mu held. */
static void add_kept(const struct svc_stats_cache *c, struct agg *g)
{
	size_t j;
	int w;

	for (w = 0; w < 3; w++)
		for (j = 0; j < c->set.n[w]; j++)
			adders[w](g, &c->set.rows[w][j]);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Reads the rows from the store, or from the cache while no event has been
 * added since (or, after a slow count, while the rows are young or being
 * counted again: svc_stats_cache_new); in one read transaction, so stamp
 * and rows agree.  force counts whatever the cache holds. */
static int load_rows(struct svc *v, struct agg *g, int force, struct dip_error *e)
{
	struct svc_stats_cache *c = v->reg->stats;
	struct rowset fresh;
	struct collect k;
	struct timespec t0;
	int64_t stamp = -1;
	int rc, kept = 0, ask = 0;

	memset(&fresh, 0, sizeof(fresh));
	g->as_of = g->now;
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc)
		return rc;
	if (c)
		rc = svc__st(v, v->st->event_last(v->st, &stamp), e);
	if (rc == 0 && c && !force) {
		pthread_mutex_lock(&c->mu);
		if (c->stamp == stamp) {
			kept = 1;
		} else if (c->stamp != -1 && c->slow && c->refresh) {
			/* Out of date, and counting is slow: answer from what
			 * was counted, saying when, and have it counted again
			 * elsewhere once the rows are a minute old. */
			kept = 1;
			g->as_of = c->read_at;
			if (!c->counting && g->now - c->read_at >= STATS_STALE_S)
				ask = c->counting = 1;
		}
		if (kept)
			add_kept(c, g);
		pthread_mutex_unlock(&c->mu);
		if (kept) {
			v->st->rollback(v->st);
			if (ask)
				c->refresh(c->refresh_arg);
			return 0;
		}
	}
	memset(&k, 0, sizeof(k));
	k.g = g;
	k.keep = c ? &fresh : NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (rc == 0)
		rc = svc__st(v, v->st->stats_flows(v->st, v->reg->zone, collect, &k), e);
	k.which = 1;
	if (rc == 0)
		rc = svc__st(v, v->st->stats_filings(v->st, collect, &k), e);
	k.which = 2;
	if (rc == 0)
		rc = svc__st(v, v->st->stats_register(v->st, collect, &k), e);
	v->st->rollback(v->st);
	if (c) {
		pthread_mutex_lock(&c->mu);
		if (rc == 0 && !k.oom) {
			rowset_free(&c->set);
			c->set = fresh;
			memset(&fresh, 0, sizeof(fresh));
			c->stamp = stamp;
			c->read_at = g->now;
			c->slow = ms_since(&t0) >= c->background_ms;
		}
		pthread_mutex_unlock(&c->mu);
	}
	rowset_free(&fresh);
	return rc;
}

static int gather(struct svc *v, const struct stats_query *q, dip_time now, int force,
		  struct agg *g, struct dip_error *e)
{
	int rc;

	memset(g, 0, sizeof(*g));
	g->reg = v->reg;
	g->now = now;
	g->cur_ym = day_ym(time_day(now, v->reg->zone));
	if (q->from_ym && q->to_ym && q->from_ym > q->to_ym)
		return dip_fail(e, DIP_EINVAL, "from", "from: the period starts after it ends");
	if (q->from_ym && q->from_ym > g->cur_ym)
		return dip_fail(e, DIP_EINVAL, "from", "from: the period starts after the current month");
	if (q->to_ym && q->to_ym > g->cur_ym)
		return dip_fail(e, DIP_EINVAL, "to", "to: the period ends after the current month");
	if (q->from_ym && q->to_ym && q->to_ym - q->from_ym >= STATS_MAX_MONTHS)
		return dip_fail(e, DIP_EINVAL, "from", "from: a period spans at most %d months",
				STATS_MAX_MONTHS);
	g->hi = g->cur_ym;
	g->lo = g->hi - STATS_MAX_MONTHS + 1;
	g->pf = q->from_ym ? q->from_ym : INT_MIN;
	g->pt = q->to_ym ? q->to_ym : INT_MAX;
	g->data_lo = g->first_reg_ym = g->first_filing_ym = INT_MAX;
	g->m = calloc(STATS_MAX_MONTHS, sizeof(*g->m));
	g->ind = calloc(v->reg->industries.n + 1, sizeof(*g->ind));
	if (g->m == NULL || g->ind == NULL) {
		agg_release(g);
		return dip_fail(e, DIP_ENOMEM, "", "out of memory");
	}
	rc = load_rows(v, g, force, e);
	if (rc)
		agg_release(g);
	return rc;
}

int svc_stats_refresh(struct svc *v, dip_time now, struct dip_error *e)
{
	struct stats_query q;
	struct agg g;
	int rc;

	memset(&q, 0, sizeof(q));
	rc = gather(v, &q, now, 1, &g, e);
	if (rc == 0)
		agg_release(&g);
	/* Counted or not, the next report that finds the rows old asks
	 * again. */
	if (v->reg->stats) {
		pthread_mutex_lock(&v->reg->stats->mu);
		v->reg->stats->counting = 0;
		pthread_mutex_unlock(&v->reg->stats->mu);
	}
	return rc;
}

/* The months a report lists: the period asked for, by default from the
 * first month with data (or the current one) to the current month, within
 * the months kept. */
static void months_listed(const struct agg *g, const struct stats_query *q, int *from, int *to)
{
	*from = q->from_ym ? q->from_ym : g->data_lo != INT_MAX ? g->data_lo : g->cur_ym;
	*to = q->to_ym ? q->to_ym : g->cur_ym;
	if (*from < g->lo)
		*from = g->lo;
	if (*to > g->hi)
		*to = g->hi;
}

/* ---- JSON helpers ---- */

static json_t *jint(int64_t v)
{
	return json_integer((json_int_t)v);
}

/* A ratio rounded to 4 decimals, null when undefined. */
static json_t *jshare(int64_t num, int64_t den)
{
	return den > 0 ? json_real(round((double)num / (double)den * 1e4) / 1e4) : json_null();
}

static json_t *jround(double v, int decimals)
{
	double f = pow(10, decimals);

	return isfinite(v) ? json_real(round(v * f) / f) : json_null();
}

static json_t *jmonth(int ym)
{
	char s[8];

	svc_stats_month_format(ym, s);
	return json_string(s);
}

static json_t *report_head(const struct agg *g, const char *report, int from, int to)
{
	char ts[32];
	json_t *o = json_object();

	svc__time(g->reg, g->as_of, ts);
	json_object_set_new(o, "report", json_string(report));
	json_object_set_new(o, "registry", json_string(g->reg->name));
	json_object_set_new(o, "as_of", json_string(ts));
	json_object_set_new(o, "from", from <= to ? jmonth(from) : json_null());
	json_object_set_new(o, "to", from <= to ? jmonth(to) : json_null());
	return o;
}

static void section_names(const struct agg *g, int s, json_t *row)
{
	const struct industry *it = section_entry(g, s);

	json_object_set_new(row, "name", json_string(it ? it->name : ""));
	json_object_set_new(row, "name_en", json_string(section_en[s]));
}

/* ---- registrations ---- */

int svc_stats_registrations(struct svc *v, const struct stats_query *q, dip_time now,
			    json_t **out, struct dip_error *e)
{
	const struct industry_table *t = &v->reg->industries;
	struct agg g;
	json_t *o, *months, *sections, *divisions, *holders, *states, *row;
	int64_t in_force, sec_reg[AIX_SECTIONS] = { 0 }, sec_state[AIX_SECTIONS][APP__COUNT];
	int from, to, ym, s, h, k, rc;
	size_t i;

	rc = gather(v, q, now, 0, &g, e);
	if (rc)
		return rc;
	months_listed(&g, q, &from, &to);
	o = report_head(&g, "registrations", from, to);
	months = json_array();
	/* The stock in force at a month's end follows from the flows since the
	 * first registration. */
	in_force = g.pre_registered - g.pre_closed;
	for (ym = g.lo; ym <= to; ym++) {
		const struct mrow *m = &g.m[ym - g.lo];
		int64_t cancelled = 0;

		for (k = 0; k < NCLOSE; k++)
			cancelled += m->cancelled[k];
		in_force += m->registered - cancelled - m->revoked;
		if (ym < from)
			continue;
		row = json_object();
		json_object_set_new(row, "month", jmonth(ym));
		json_object_set_new(row, "complete", json_boolean(month_complete(&g, ym)));
		json_object_set_new(row, "received", jint(m->received));
		json_object_set_new(row, "registered", jint(m->registered));
		json_object_set_new(row, "renewed", jint(m->renewed));
		json_object_set_new(row, "changed", jint(m->changed));
		json_object_set_new(row, "transferred", jint(m->transferred));
		json_object_set_new(row, "cancelled", jint(cancelled));
		json_object_set_new(row, "cancelled_expired", jint(m->cancelled[CLOSE_EXPIRED]));
		json_object_set_new(row, "cancelled_by_holder", jint(m->cancelled[CLOSE_BY_HOLDER]));
		json_object_set_new(row, "cancelled_by_new_holder",
				    jint(m->cancelled[CLOSE_BY_NEW_HOLDER]));
		json_object_set_new(row, "cancelled_by_registry",
				    jint(m->cancelled[CLOSE_BY_REGISTRY]));
		json_object_set_new(row, "revoked", jint(m->revoked));
		json_object_set_new(row, "in_force_end", jint(in_force));
		json_array_append_new(months, row);
	}
	json_object_set_new(o, "months", months);
	memset(sec_state, 0, sizeof(sec_state));
	divisions = json_array();
	for (i = 0; i <= t->n; i++) {
		const struct irow *r = &g.ind[i];
		int64_t any = r->registered;

		for (k = 0; k < APP__COUNT; k++)
			any += r->state[k];
		s = ind_section(&g, i);
		if (s >= 0) {
			sec_reg[s] += r->registered;
			for (k = 0; k < APP__COUNT; k++)
				sec_state[s][k] += r->state[k];
		}
		if (any == 0)
			continue;
		row = json_object();
		json_object_set_new(row, "code", json_string(i < t->n ? t->v[i].code : ""));
		json_object_set_new(row, "section", i < t->n ? json_stringn(&t->v[i].section, 1)
							     : json_string(""));
		json_object_set_new(row, "name", json_string(i < t->n ? t->v[i].name : "未分类"));
		json_object_set_new(row, "registered", jint(r->registered));
		json_object_set_new(row, "in_force", jint(r->state[APP_REGISTERED]));
		json_object_set_new(row, "cancelled", jint(r->state[APP_CANCELLED]));
		json_object_set_new(row, "revoked", jint(r->state[APP_REVOKED]));
		json_object_set_new(row, "pending", jint(r->state[APP_SUBMITTED] + r->state[APP_CORRECTION] +
						       r->state[APP_PUBLICATION] + r->state[APP_OBJECTION]));
		json_array_append_new(divisions, row);
	}
	sections = json_array();
	for (s = 0; s < AIX_SECTIONS; s++) {
		int64_t any = sec_reg[s];

		for (k = 0; k < APP__COUNT; k++)
			any += sec_state[s][k];
		if (any == 0)
			continue;
		row = json_object();
		json_object_set_new(row, "section", json_stringn((const char[]){ (char)('A' + s) }, 1));
		section_names(&g, s, row);
		json_object_set_new(row, "registered", jint(sec_reg[s]));
		json_object_set_new(row, "in_force", jint(sec_state[s][APP_REGISTERED]));
		json_object_set_new(row, "cancelled", jint(sec_state[s][APP_CANCELLED]));
		json_object_set_new(row, "revoked", jint(sec_state[s][APP_REVOKED]));
		json_object_set_new(row, "pending", jint(sec_state[s][APP_SUBMITTED] +
						       sec_state[s][APP_CORRECTION] +
						       sec_state[s][APP_PUBLICATION] +
						       sec_state[s][APP_OBJECTION]));
		json_array_append_new(sections, row);
	}
	json_object_set_new(o, "sections", sections);
	json_object_set_new(o, "divisions", divisions);
	holders = json_array();
	for (h = 1; h < NHOLD; h++) {
		row = json_object();
		json_object_set_new(row, "holder", json_string(holder_key[h]));
		json_object_set_new(row, "label", json_string(holder_zh[h]));
		json_object_set_new(row, "label_en", json_string(holder_en[h]));
		json_object_set_new(row, "registered", jint(g.hreg[h]));
		json_object_set_new(row, "in_force", jint(g.hstate[h][APP_REGISTERED]));
		json_array_append_new(holders, row);
	}
	json_object_set_new(o, "holders", holders);
	states = json_array();
	for (k = APP_SUBMITTED; k < APP__COUNT; k++) {
		row = json_object();
		json_object_set_new(row, "state", json_string(app_state_name((enum app_state)k)));
		json_object_set_new(row, "label", json_string(state_zh[k]));
		json_object_set_new(row, "label_en", json_string(state_en[k]));
		json_object_set_new(row, "count", jint(g.states[k]));
		json_array_append_new(states, row);
	}
	json_object_set_new(o, "states", states);
	agg_release(&g);
	*out = o;
	return 0;
}

/* ---- filings ---- */

int svc_stats_filings(struct svc *v, const struct stats_query *q, dip_time now, json_t **out,
		      struct dip_error *e)
{
	const struct industry_table *t = &v->reg->industries;
	struct agg g;
	json_t *o, *months, *kinds, *sections, *divisions, *row;
	int64_t sn[AIX_SECTIONS] = { 0 }, sd[AIX_SECTIONS] = { 0 }, sa[AIX_SECTIONS] = { 0 };
	int64_t sl[AIX_SECTIONS] = { 0 };
	int from, to, ym, k, s, rc;
	size_t i;

	rc = gather(v, q, now, 0, &g, e);
	if (rc)
		return rc;
	months_listed(&g, q, &from, &to);
	o = report_head(&g, "filings", from, to);
	json_object_set_new(o, "basis", json_string("act_date"));
	months = json_array();
	for (ym = from; ym <= to; ym++) {
		const struct mrow *m = &g.m[ym - g.lo];
		int64_t n = 0, d = 0, a = 0, late = 0;

		row = json_object();
		json_object_set_new(row, "month", jmonth(ym));
		json_object_set_new(row, "complete", json_boolean(month_complete(&g, ym)));
		json_object_set_new(row, "provisional", json_boolean(month_provisional(&g, ym)));
		for (k = 0; k < NKIND; k++) {
			char key[40];

			json_object_set_new(row, kind_en[k], jint(m->fn[k]));
			snprintf(key, sizeof(key), "%s_amount", kind_en[k]);
			json_object_set_new(row, key, jint(m->fa[k]));
			n += m->fn[k];
			d += m->fd[k];
			a += m->fa[k];
			late += m->flate[k];
		}
		json_object_set_new(row, "total", jint(n));
		json_object_set_new(row, "declared", jint(d));
		json_object_set_new(row, "amount", jint(a));
		json_object_set_new(row, "late", jint(late));
		json_object_set_new(row, "late_share", jshare(late, n));
		json_array_append_new(months, row);
	}
	json_object_set_new(o, "months", months);
	kinds = json_array();
	for (k = 0; k < NKIND; k++) {
		row = json_object();
		json_object_set_new(row, "kind", json_string(kind_en[k]));
		json_object_set_new(row, "label", json_string(kind_zh[k]));
		json_object_set_new(row, "label_en", json_string(kind_en[k]));
		json_object_set_new(row, "count", jint(g.kn[k]));
		json_object_set_new(row, "declared", jint(g.kd[k]));
		json_object_set_new(row, "amount", jint(g.ka[k]));
		json_object_set_new(row, "late", jint(g.klate[k]));
		json_object_set_new(row, "late_share", jshare(g.klate[k], g.kn[k]));
		json_array_append_new(kinds, row);
	}
	json_object_set_new(o, "kinds", kinds);
	divisions = json_array();
	for (i = 0; i <= t->n; i++) {
		const struct irow *r = &g.ind[i];

		s = ind_section(&g, i);
		if (s >= 0) {
			sn[s] += r->fn;
			sd[s] += r->fd;
			sa[s] += r->fa;
			sl[s] += r->flate;
		}
		if (r->fn == 0)
			continue;
		row = json_object();
		json_object_set_new(row, "code", json_string(i < t->n ? t->v[i].code : ""));
		json_object_set_new(row, "section", i < t->n ? json_stringn(&t->v[i].section, 1)
							     : json_string(""));
		json_object_set_new(row, "name", json_string(i < t->n ? t->v[i].name : "未分类"));
		json_object_set_new(row, "count", jint(r->fn));
		json_object_set_new(row, "declared", jint(r->fd));
		json_object_set_new(row, "amount", jint(r->fa));
		json_object_set_new(row, "late", jint(r->flate));
		json_object_set_new(row, "late_share", jshare(r->flate, r->fn));
		json_array_append_new(divisions, row);
	}
	sections = json_array();
	for (s = 0; s < AIX_SECTIONS; s++) {
		if (sn[s] == 0)
			continue;
		row = json_object();
		json_object_set_new(row, "section", json_stringn((const char[]){ (char)('A' + s) }, 1));
		section_names(&g, s, row);
		json_object_set_new(row, "count", jint(sn[s]));
		json_object_set_new(row, "declared", jint(sd[s]));
		json_object_set_new(row, "amount", jint(sa[s]));
		json_object_set_new(row, "late", jint(sl[s]));
		json_object_set_new(row, "late_share", jshare(sl[s], sn[s]));
		json_array_append_new(sections, row);
	}
	json_object_set_new(o, "sections", sections);
	json_object_set_new(o, "divisions", divisions);
	agg_release(&g);
	*out = o;
	return 0;
}

/* ---- the trading-activity index ---- */

/* The base month: asked for, else configured, else the default rule. */
static int choose_base(struct svc *v, const struct stats_query *q, const struct agg *g,
		       const struct aix_month *am, int n, int *base, const char **rule,
		       struct dip_error *e)
{
	struct dbuf b;
	int ym = 0, rc = 0, i;

	*base = -1;
	*rule = "default";
	if (q->base_ym) {
		ym = q->base_ym;
		*rule = "query";
	} else {
		dbuf_init(&b, 64);
		if (v->st->begin(v->st, 0) == 0) {
			if (v->st->setting_get(v->st, "stats_index_base", &b) == 0 && b.len &&
			    svc_stats_month(b.p, "base", &ym, NULL) == 0)
				*rule = "configured";
			v->st->rollback(v->st);
		}
		dbuf_free(&b);
	}
	if (ym == 0) {
		*base = aix_default_base(am, (size_t)n, g->first_reg_ym, g->cur_ym - 1);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (am[i].ym == ym)
			break;
	if (i == n) {
		char s[8];

		svc_stats_month_format(ym, s);
		return dip_fail(e, DIP_EINVAL, "base", "base: %s is outside the months with data", s);
	}
	rc = aix_check_base(&am[i], e);
	if (rc == 0)
		*base = i;
	return rc;
}

/* The index report from what g gathered. */
static int index_report(struct svc *v, const struct stats_query *q, const struct agg *gp,
			json_t **out, struct dip_error *e)
{
	const struct agg g = *gp;
	struct aix_month *am = NULL;
	struct aix_value val;
	json_t *o = NULL, *months, *sections, *row, *f;
	const char *rule;
	int from, to, first, n = 0, i, s, base = -1, rc = 0;
	char bs[8];

	months_listed(&g, q, &from, &to);
	/* The series runs from the first month a filing or registration fell in. */
	first = g.first_filing_ym < g.first_reg_ym ? g.first_filing_ym : g.first_reg_ym;
	if (first < g.lo)
		first = g.lo;
	if (first != INT_MAX) {
		n = g.hi - first + 1;
		am = calloc((size_t)n, sizeof(*am));
		if (am == NULL) {
			rc = dip_fail(e, DIP_ENOMEM, "", "out of memory");
			goto out;
		}
		for (i = 0; i < n; i++) {
			am[i].ym = first + i;
			memcpy(am[i].n, g.m[first + i - g.lo].sn, sizeof(am[i].n));
			memcpy(am[i].a, g.m[first + i - g.lo].sa, sizeof(am[i].a));
		}
	}
	rc = choose_base(v, q, &g, am, n, &base, &rule, e);
	if (rc)
		goto out;
	o = report_head(&g, "index", from, to);
	f = json_object();
	json_object_set_new(f, "count_weight", json_real(AIX_COUNT_WEIGHT));
	json_object_set_new(f, "value_weight", json_real(1 - AIX_COUNT_WEIGHT));
	json_object_set_new(f, "expression",
			    json_string("I = 0.5 * 100 * n / n_base + 0.5 * 100 * a / a_base"));
	json_object_set_new(f, "document", json_string("docs/index.md"));
	json_object_set_new(o, "formula", f);
	json_object_set_new(o, "base_rule", json_string(rule));
	if (base >= 0) {
		svc_stats_month_format(am[base].ym, bs);
		json_object_set_new(o, "base", json_string(bs));
		json_object_set_new(o, "base_filings", jint(aix_total_n(&am[base])));
		json_object_set_new(o, "base_amount", jint(aix_total_a(&am[base])));
	} else {
		json_object_set_new(o, "base", json_null());
		json_object_set_new(o, "note", json_string(
			"no complete month after the first registration has announced filings with a declared amount yet; the index starts once one has"));
	}
	months = json_array();
	sections = json_array();
	for (i = 0; i < n; i++) {
		if (am[i].ym < from || am[i].ym > to)
			continue;
		if (base >= 0)
			aix_compute(&am[base], &am[i], &val);
		row = json_object();
		json_object_set_new(row, "month", jmonth(am[i].ym));
		json_object_set_new(row, "complete", json_boolean(month_complete(&g, am[i].ym)));
		json_object_set_new(row, "provisional", json_boolean(month_provisional(&g, am[i].ym)));
		json_object_set_new(row, "filings", jint(aix_total_n(&am[i])));
		json_object_set_new(row, "amount", jint(aix_total_a(&am[i])));
		json_object_set_new(row, "count_index", base >= 0 ? jround(val.count_index, 2) : json_null());
		json_object_set_new(row, "value_index", base >= 0 ? jround(val.value_index, 2) : json_null());
		json_object_set_new(row, "index", base >= 0 ? jround(val.index, 2) : json_null());
		json_array_append_new(months, row);
		if (base < 0)
			continue;
		for (s = 0; s < AIX_SECTIONS; s++) {
			if (am[i].n[s] == 0 && am[i].a[s] == 0 && am[base].n[s] == 0)
				continue;
			row = json_object();
			json_object_set_new(row, "month", jmonth(am[i].ym));
			json_object_set_new(row, "section",
					    json_stringn((const char[]){ (char)('A' + s) }, 1));
			section_names(&g, s, row);
			json_object_set_new(row, "filings", jint(am[i].n[s]));
			json_object_set_new(row, "amount", jint(am[i].a[s]));
			json_object_set_new(row, "count_weight", jround(val.count_weight[s], 4));
			json_object_set_new(row, "value_weight", jround(val.value_weight[s], 4));
			json_object_set_new(row, "count_index", jround(val.count_sub[s], 2));
			json_object_set_new(row, "value_index", jround(val.value_sub[s], 2));
			json_object_set_new(row, "contribution", jround(val.contribution[s], 2));
			json_array_append_new(sections, row);
		}
	}
	json_object_set_new(o, "months", months);
	json_object_set_new(o, "sections", sections);
out:
	free(am);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int svc_stats_index(struct svc *v, const struct stats_query *q, dip_time now, json_t **out,
		    struct dip_error *e)
{
	struct agg g;
	int rc = gather(v, q, now, 0, &g, e);

	if (rc == 0)
		rc = index_report(v, q, &g, out, e);
	agg_release(&g);
	return rc;
}

int svc_stats_set_index_base(struct svc *v, const struct actor *who, const char *base,
			     dip_time now, struct dip_error *e)
{
	int ym, rc;

	if (!(who->roles & ROLE_ADMIN))
		return dip_fail(e, DIP_EFORBIDDEN, "", "admins only");
	if (base && *base && svc_stats_month(base, "base", &ym, e))
		return DIP_EINVAL;
	rc = svc__begin(v, e);
	if (rc)
		return rc;
	rc = svc__st(v, v->st->setting_put(v->st, "stats_index_base", base ? base : ""), e);
	if (rc == 0)
		rc = svc__st(v, svc__audit(v, who, "set_index_base", "setting:stats_index_base",
					   base && *base ? base : "default", now), e);
	if (rc) {
		svc__rollback(v);
		return rc;
	}
	return svc__commit(v, e);
}

/* ---- summary ---- */

static void indicator(json_t *arr, const char *key, const char *zh, const char *en, json_t *v)
{
	json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:o}", "indicator", key, "label", zh,
					     "label_en", en, "value", v));
}

int svc_stats_summary(struct svc *v, const struct stats_query *q, dip_time now, json_t **out,
		      struct dip_error *e)
{
	struct stats_query iq = *q;
	struct agg g;
	json_t *o, *arr, *idx = NULL, *last = NULL, *it;
	int64_t fn = 0, fd = 0, fa = 0, fl = 0, cancelled = 0;
	int from, to, k, rc;
	size_t i;

	rc = gather(v, q, now, 0, &g, e);
	if (rc)
		return rc;
	/* The latest complete month of the index, whatever the period. */
	iq.from_ym = iq.to_ym = 0;
	if (index_report(v, &iq, &g, &idx, NULL) == 0)
		json_array_foreach(json_object_get(idx, "months"), i, it)
			if (json_is_true(json_object_get(it, "complete")) &&
			    json_is_number(json_object_get(it, "index")))
				last = it;
	months_listed(&g, q, &from, &to);
	o = report_head(&g, "summary", from, to);
	for (k = 0; k < NKIND; k++) {
		fn += g.kn[k];
		fd += g.kd[k];
		fa += g.ka[k];
		fl += g.klate[k];
	}
	for (k = 0; k < NCLOSE; k++)
		cancelled += g.tot.cancelled[k];
	arr = json_array();
	indicator(arr, "received", "受理登记申请", "applications received", jint(g.tot.received));
	indicator(arr, "registered", "登记公告", "registrations announced", jint(g.tot.registered));
	indicator(arr, "in_force", "有效登记（当前）", "registrations in force now",
		  jint(g.states[APP_REGISTERED]));
	indicator(arr, "in_publication", "公示中（当前）", "in publication now",
		  jint(g.states[APP_PUBLICATION] + g.states[APP_OBJECTION]));
	indicator(arr, "renewed", "续展登记", "renewals", jint(g.tot.renewed));
	indicator(arr, "changed", "变更登记", "changes", jint(g.tot.changed));
	indicator(arr, "transferred", "转让登记", "transfers", jint(g.tot.transferred));
	indicator(arr, "cancelled", "注销登记", "cancellations", jint(cancelled));
	indicator(arr, "revoked", "撤销登记", "revocations", jint(g.tot.revoked));
	indicator(arr, "filings", "交易、质押、许可备案", "transaction, pledge and licence filings",
		  jint(fn));
	indicator(arr, "filings_declared", "申报金额的备案", "filings declaring an amount", jint(fd));
	indicator(arr, "amount", "申报金额合计（元）", "amounts declared (yuan)", jint(fa));
	indicator(arr, "late_share", "逾期备案占比", "share of filings filed late", jshare(fl, fn));
	indicator(arr, "index_month", "活跃度指数最新月份", "latest month of the activity index",
		  last ? json_incref(json_object_get(last, "month")) : json_null());
	indicator(arr, "index", "交易活跃度指数", "trading-activity index",
		  last ? json_incref(json_object_get(last, "index")) : json_null());
	indicator(arr, "index_base", "指数基期", "index base month",
		  idx ? json_incref(json_object_get(idx, "base")) : json_null());
	json_object_set_new(o, "indicators", arr);
	json_decref(idx);
	agg_release(&g);
	*out = o;
	return 0;
}

/* ---- tables and CSV ---- */

static const struct stats_column reg_months[] = {
	{ "month", "月份", "month" },
	{ "complete", "完整月份", "complete" },
	{ "received", "受理申请", "received" },
	{ "registered", "登记公告", "registered" },
	{ "renewed", "续展", "renewed" },
	{ "changed", "变更", "changed" },
	{ "transferred", "转让", "transferred" },
	{ "cancelled", "注销", "cancelled" },
	{ "cancelled_expired", "期满未续展注销", "cancelled_expired" },
	{ "cancelled_by_holder", "持有人申请注销", "cancelled_by_holder" },
	{ "cancelled_by_new_holder", "新权利人申请注销", "cancelled_by_new_holder" },
	{ "cancelled_by_registry", "登记机构注销", "cancelled_by_registry" },
	{ "revoked", "撤销", "revoked" },
	{ "in_force_end", "月末有效登记", "in_force_end" },
	{ NULL, NULL, NULL },
};

static const struct stats_column reg_sections[] = {
	{ "section", "门类", "section" },
	{ "name", "门类名称", "name_zh" },
	{ "name_en", "门类名称（英文）", "name" },
	{ "registered", "登记公告", "registered" },
	{ "in_force", "有效登记", "in_force" },
	{ "cancelled", "已注销", "cancelled" },
	{ "revoked", "已撤销", "revoked" },
	{ "pending", "审查和公示中", "pending" },
	{ NULL, NULL, NULL },
};

static const struct stats_column reg_divisions[] = {
	{ "code", "行业代码", "code" },
	{ "section", "门类", "section" },
	{ "name", "行业名称", "name_zh" },
	{ "registered", "登记公告", "registered" },
	{ "in_force", "有效登记", "in_force" },
	{ "cancelled", "已注销", "cancelled" },
	{ "revoked", "已撤销", "revoked" },
	{ "pending", "审查和公示中", "pending" },
	{ NULL, NULL, NULL },
};

static const struct stats_column reg_holders[] = {
	{ "holder", "持有人类型代码", "holder" },
	{ "label", "持有人类型", "label_zh" },
	{ "label_en", "持有人类型（英文）", "label" },
	{ "registered", "登记公告", "registered" },
	{ "in_force", "有效登记", "in_force" },
	{ NULL, NULL, NULL },
};

static const struct stats_column reg_states[] = {
	{ "state", "状态代码", "state" },
	{ "label", "状态", "label_zh" },
	{ "label_en", "状态（英文）", "label" },
	{ "count", "申请数", "count" },
	{ NULL, NULL, NULL },
};

static const struct stats_column fil_months[] = {
	{ "month", "月份", "month" },
	{ "complete", "完整月份", "complete" },
	{ "provisional", "初步数", "provisional" },
	{ "transaction", "交易", "transaction" },
	{ "pledge", "质押", "pledge" },
	{ "licence", "许可使用", "licence" },
	{ "total", "合计", "total" },
	{ "declared", "申报金额的备案", "declared" },
	{ "transaction_amount", "交易金额（元）", "transaction_amount" },
	{ "pledge_amount", "质押金额（元）", "pledge_amount" },
	{ "licence_amount", "许可金额（元）", "licence_amount" },
	{ "amount", "金额合计（元）", "amount" },
	{ "late", "逾期备案", "late" },
	{ "late_share", "逾期占比", "late_share" },
	{ NULL, NULL, NULL },
};

static const struct stats_column fil_kinds[] = {
	{ "kind", "类型代码", "kind" },
	{ "label", "类型", "label_zh" },
	{ "count", "备案数", "count" },
	{ "declared", "申报金额的备案", "declared" },
	{ "amount", "金额合计（元）", "amount" },
	{ "late", "逾期备案", "late" },
	{ "late_share", "逾期占比", "late_share" },
	{ NULL, NULL, NULL },
};

static const struct stats_column fil_sections[] = {
	{ "section", "门类", "section" },
	{ "name", "门类名称", "name_zh" },
	{ "name_en", "门类名称（英文）", "name" },
	{ "count", "备案数", "count" },
	{ "declared", "申报金额的备案", "declared" },
	{ "amount", "金额合计（元）", "amount" },
	{ "late", "逾期备案", "late" },
	{ "late_share", "逾期占比", "late_share" },
	{ NULL, NULL, NULL },
};

static const struct stats_column fil_divisions[] = {
	{ "code", "行业代码", "code" },
	{ "section", "门类", "section" },
	{ "name", "行业名称", "name_zh" },
	{ "count", "备案数", "count" },
	{ "declared", "申报金额的备案", "declared" },
	{ "amount", "金额合计（元）", "amount" },
	{ "late", "逾期备案", "late" },
	{ "late_share", "逾期占比", "late_share" },
	{ NULL, NULL, NULL },
};

static const struct stats_column idx_months[] = {
	{ "month", "月份", "month" },
	{ "complete", "完整月份", "complete" },
	{ "provisional", "初步数", "provisional" },
	{ "filings", "备案数", "filings" },
	{ "amount", "申报金额（元）", "amount" },
	{ "count_index", "笔数分指数", "count_index" },
	{ "value_index", "金额分指数", "value_index" },
	{ "index", "交易活跃度指数", "index" },
	{ NULL, NULL, NULL },
};

static const struct stats_column idx_sections[] = {
	{ "month", "月份", "month" },
	{ "section", "门类", "section" },
	{ "name", "门类名称", "name_zh" },
	{ "name_en", "门类名称（英文）", "name" },
	{ "filings", "备案数", "filings" },
	{ "amount", "申报金额（元）", "amount" },
	{ "count_weight", "基期笔数权重", "count_weight" },
	{ "value_weight", "基期金额权重", "value_weight" },
	{ "count_index", "笔数分指数", "count_index" },
	{ "value_index", "金额分指数", "value_index" },
	{ "contribution", "对指数的贡献", "contribution" },
	{ NULL, NULL, NULL },
};

static const struct stats_column sum_indicators[] = {
	{ "indicator", "指标代码", "indicator" },
	{ "label", "指标", "label_zh" },
	{ "label_en", "指标（英文）", "label" },
	{ "value", "数值", "value" },
	{ NULL, NULL, NULL },
};

static const struct stats_table tables[] = {
	{ "registrations", "months", reg_months },
	{ "registrations", "sections", reg_sections },
	{ "registrations", "divisions", reg_divisions },
	{ "registrations", "holders", reg_holders },
	{ "registrations", "states", reg_states },
	{ "filings", "months", fil_months },
	{ "filings", "kinds", fil_kinds },
	{ "filings", "sections", fil_sections },
	{ "filings", "divisions", fil_divisions },
	{ "index", "months", idx_months },
	{ "index", "sections", idx_sections },
	{ "summary", "indicators", sum_indicators },
};

const struct stats_table *svc_stats_table(const char *report, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (strcmp(tables[i].report, report) == 0 &&
		    (name == NULL || *name == '\0' || strcmp(tables[i].name, name) == 0))
			return &tables[i];
	return NULL;
}

static int csv_value(struct dbuf *b, const json_t *v)
{
	char num[64];

	switch (json_typeof(v)) {
	case JSON_STRING:
		return csv_text(b, json_string_value(v));
	case JSON_INTEGER:
		return csv_int(b, (long long)json_integer_value(v));
	case JSON_REAL:
		/* Shortest form that reads back the same, without exponent
		 * for the magnitudes of statistics. */
		snprintf(num, sizeof(num), "%.10g", json_real_value(v));
		return csv_raw(b, num);
	case JSON_TRUE:
		return csv_raw(b, "true");
	case JSON_FALSE:
		return csv_raw(b, "false");
	default:
		return 0;
	}
}

int svc_stats_csv(const json_t *report, const struct stats_table *t, const char *lang,
		  struct dbuf *out, struct dip_error *e)
{
	const struct stats_column *c;
	const json_t *rows = json_object_get(report, t->name), *row;
	int en = lang && strcmp(lang, "en") == 0, rc;
	size_t i;

	rc = dbuf_adds(out, CSV_BOM);
	for (c = t->cols; rc == 0 && c->key; c++) {
		if (c != t->cols)
			rc = csv_sep(out);
		if (rc == 0)
			rc = csv_text(out, en ? c->en : c->zh);
	}
	if (rc == 0)
		rc = csv_eol(out);
	json_array_foreach(rows, i, row) {
		for (c = t->cols; rc == 0 && c->key; c++) {
			if (c != t->cols)
				rc = csv_sep(out);
			if (rc == 0)
				rc = csv_value(out, json_object_get(row, c->key));
		}
		if (rc == 0)
			rc = csv_eol(out);
		if (rc)
			break;
	}
	if (rc)
		return dip_fail(e, rc, "", "csv: the table is larger than the output limit");
	return 0;
}
