/*
 * h_stats.c - statistics of the register for anyone (Art. 20): the
 * reports as JSON and CSV, the trading-activity index, and SVG charts for
 * the portal's statistics page.
 *
 * A report's path names it and its format: /api/stats/filings is JSON,
 * /api/stats/filings.csv one of its tables as CSV (?table=, the first by
 * default; ?lang=en for English headers).  Charts are
 * /api/stats/charts/<name>.svg?lang=zh|en.  Every figure comes from the
 * service, counted from the records at the time of the request.
 */
#include "server/handlers.h"
#include "server/internal.h"
#include "render/chart.h"
#include "service/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATS_CACHE "public, max-age=60"

typedef int (*report_fn)(struct svc *v, const struct stats_query *q, dip_time now, json_t **out,
			 struct dip_error *e);

static const struct {
	const char *name;
	report_fn fn;
} reports[] = {
	{ "summary", svc_stats_summary },
	{ "registrations", svc_stats_registrations },
	{ "filings", svc_stats_filings },
	{ "index", svc_stats_index },
};

static int month_param(struct req *r, const char *name, int *ym)
{
	const char *s = req_query(r, name);
	struct dip_error e;

	*ym = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if (svc_stats_month(s, name, ym, &e) == 0)
		return 0;
	reply_error(r, &e, NULL);
	return -1;
}

static int query_params(struct req *r, struct stats_query *q)
{
	memset(q, 0, sizeof(*q));
	return month_param(r, "from", &q->from_ym) || month_param(r, "to", &q->to_ym) ||
	       month_param(r, "base", &q->base_ym);
}

static const char *lang_param(struct req *r)
{
	const char *l = req_query(r, "lang");

	return l && strcmp(l, "en") == 0 ? "en" : "zh";
}

/* Statistics change with every act but may be a minute old: unlike the
 * rest of the API they may be cached. */
static void reply_cached_json(struct req *r, json_t *o)
{
	char *text = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	if (text == NULL) {
		reply_fail(r, DIP_ENOMEM, "", "out of memory");
		return;
	}
	reply_bytes(r, 200, "application/json; charset=utf-8", text, strlen(text), STATS_CACHE);
	free(text);
}

/* "/api/stats/<name>[.csv]" into name and whether CSV was asked for. */
static report_fn report_for(const char *path, char name[32], int *csv)
{
	const char *p = path + strlen("/api/stats/");
	size_t n = strcspn(p, "."), i;

	*csv = strcmp(p + n, ".csv") == 0;
	snprintf(name, 32, "%.*s", (int)(n < 31 ? n : 31), p);
	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++)
		if (strcmp(reports[i].name, name) == 0)
			return reports[i].fn;
	return NULL;
}

void h_stats_report(struct req *r)
{
	const struct stats_table *t;
	struct stats_query q;
	struct dip_error e;
	struct dbuf b;
	report_fn fn;
	json_t *o;
	char name[32], disp[120];
	int csv;

	fn = report_for(r->path, name, &csv);
	if (fn == NULL) {
		reply_fail(r, DIP_ENOTFOUND, "", "no such report");
		return;
	}
	if (query_params(r, &q) || h__check(r, fn(r->v, &q, r->now, &o, &e), &e))
		return;
	if (!csv) {
		reply_cached_json(r, o);
		return;
	}
	t = svc_stats_table(name, req_query(r, "table"));
	if (t == NULL) {
		json_decref(o);
		reply_fail(r, DIP_EINVAL, "table", "table: not a table of the %s report", name);
		return;
	}
	dbuf_init(&b, 64u << 20);
	if (!h__check(r, svc_stats_csv(o, t, lang_param(r), &b, &e), &e)) {
		snprintf(disp, sizeof(disp), "attachment; filename=\"dipreg-%s-%s.csv\"", name, t->name);
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Content-Disposition", disp);
		reply_bytes(r, 200, "text/csv; charset=utf-8; header=present", b.p, b.len, STATS_CACHE);
	}
	dbuf_free(&b);
	json_decref(o);
}

void h_stats_index_base(struct req *r)
{
	json_t *b = req_json(r), *base;
	struct dip_error e;

	if (b == NULL)
		return;
	base = json_object_get(b, "base");
	if (base && !json_is_null(base) && !json_is_string(base)) {
		reply_fail(r, DIP_EINVAL, "base", "base: a month as YYYY-MM, or null for the default rule");
		return;
	}
	if (!h__check(r, svc_stats_set_index_base(r->v, &r->who, json_string_value(base), r->now,
						  &e), &e))
		reply_json(r, 200, json_pack("{s:b,s:o}", "ok", 1, "base",
					     json_string_value(base) && *json_string_value(base)
						     ? json_string(json_string_value(base)) : json_null()));
}

/* ---- charts ---- */

struct words {
	const char *zh, *en;
};

#define W2(l, w) (strcmp((l), "en") == 0 ? (w).en : (w).zh)

static const struct words
	w_months = { "月份", "month" },
	w_registered = { "登记公告（件）", "registrations announced" },
	w_reg_title = { "数据知识产权登记公告（按月）", "Data IP registrations announced per month" },
	w_fil_title = { "交易、质押、许可备案（按行为月份）",
			"Transaction, pledge and licence filings by month of the act" },
	w_fil_y = { "备案（件）", "filings" },
	w_amt_title = { "备案申报金额（按行为月份）", "Amounts declared in filings by month of the act" },
	w_amt_y = { "万元", "10,000 yuan" },
	w_idx_title = { "数据要素交易活跃度指数", "Registry trading-activity index" },
	w_idx_y = { "指数（基期 = 100）", "index (base month = 100)" },
	w_sec_title = { "登记公告按行业门类（GB/T 4754-2017）",
			"Registrations by industry section (GB/T 4754-2017)" },
	w_hold_title = { "有效登记按持有人类型", "Registrations in force by holder" },
	w_count = { "件", "registrations" },
	w_empty = { "暂无数据", "no data yet" },
	w_index = { "综合指数", "index" },
	w_count_idx = { "笔数分指数", "count sub-index" },
	w_value_idx = { "金额分指数", "value sub-index" },
	w_tx = { "交易", "transactions" },
	w_pledge = { "质押", "pledges" },
	w_licence = { "许可使用", "licences" };

struct chart_data {
	struct chart c;
	struct chart_series s[CHART_MAX_SERIES];
	double *v[CHART_MAX_SERIES];
	const char **cats;
	char subtitle[400];
	char ref_label[80];
};

static void chart_data_free(struct chart_data *d)
{
	int k;

	for (k = 0; k < CHART_MAX_SERIES; k++)
		free(d->v[k]);
	free(d->cats);
}

static int chart_alloc(struct chart_data *d, size_t n, size_t nseries)
{
	size_t k;

	d->cats = calloc(n + 1, sizeof(*d->cats));
	for (k = 0; k < nseries; k++)
		d->v[k] = calloc(n + 1, sizeof(double));
	for (k = 0; k < nseries; k++)
		if (d->v[k] == NULL)
			return -1;
	d->c.cats = d->cats;
	d->c.series = d->s;
	d->c.nseries = nseries;
	for (k = 0; k < nseries; k++)
		d->s[k].v = d->v[k];
	return d->cats ? 0 : -1;
}

static double num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* A series per key over the rows of a month table. */
static int month_chart(struct chart_data *d, const json_t *rows, const char *const *keys,
		       size_t nkeys, double scale)
{
	const json_t *row;
	size_t i, k;

	if (chart_alloc(d, json_array_size(rows), nkeys))
		return -1;
	json_array_foreach(rows, i, row) {
		d->cats[i] = json_string_value(json_object_get(row, "month"));
		for (k = 0; k < nkeys; k++)
			d->v[k][i] = num(row, keys[k]) / scale;
	}
	d->c.n = json_array_size(rows);
	return 0;
}

static int cmp_desc(const void *a, const void *b)
{
	double x = num(*(json_t *const *)a, "registered"), y = num(*(json_t *const *)b, "registered");

	return x < y ? 1 : x > y ? -1 : 0;
}

void h_stats_chart(struct req *r)
{
	const char *lang = lang_param(r), *name = r->path + strlen("/api/stats/charts/");
	struct chart_data d;
	struct stats_query q;
	struct dip_error e;
	struct dbuf b;
	json_t *o = NULL, *rows;
	report_fn fn;
	char label[400];
	int rc = 0;

	memset(&d, 0, sizeof(d));
	d.c.lang = lang;
	d.c.ref = NAN;
	d.c.empty = W2(lang, w_empty);
	d.c.x_title = W2(lang, w_months);
	if (query_params(r, &q))
		return;
	fn = strcmp(name, "filings.svg") == 0 || strcmp(name, "amounts.svg") == 0 ? svc_stats_filings
	     : strcmp(name, "index.svg") == 0 ? svc_stats_index : svc_stats_registrations;
	if (h__check(r, fn(r->v, &q, r->now, &o, &e), &e))
		return;
	snprintf(d.subtitle, sizeof(d.subtitle), "%s · %s – %s · %s %.10s", r->srv->reg->name,
		 json_string_value(json_object_get(o, "from")) ? json_string_value(json_object_get(o, "from")) : "",
		 json_string_value(json_object_get(o, "to")) ? json_string_value(json_object_get(o, "to")) : "",
		 strcmp(lang, "en") == 0 ? "as of" : "截至",
		 json_string_value(json_object_get(o, "as_of")));
	d.c.subtitle = d.subtitle;
	rows = json_object_get(o, "months");
	if (strcmp(name, "registrations.svg") == 0) {
		static const char *const keys[] = { "registered" };

		d.c.kind = CHART_COLUMNS;
		d.c.title = W2(lang, w_reg_title);
		d.c.y_title = W2(lang, w_registered);
		rc = month_chart(&d, rows, keys, 1, 1);
		d.s[0].name = W2(lang, w_registered);
	} else if (strcmp(name, "filings.svg") == 0) {
		static const char *const keys[] = { "transaction", "pledge", "licence" };

		d.c.kind = CHART_STACKED;
		d.c.title = W2(lang, w_fil_title);
		d.c.y_title = W2(lang, w_fil_y);
		rc = month_chart(&d, rows, keys, 3, 1);
		d.s[0].name = W2(lang, w_tx);
		d.s[1].name = W2(lang, w_pledge);
		d.s[2].name = W2(lang, w_licence);
	} else if (strcmp(name, "amounts.svg") == 0) {
		static const char *const keys[] = { "amount" };

		d.c.kind = CHART_COLUMNS;
		d.c.title = W2(lang, w_amt_title);
		d.c.y_title = W2(lang, w_amt_y);
		d.c.decimals = 1;
		rc = month_chart(&d, rows, keys, 1, 10000);
		d.s[0].name = W2(lang, w_amt_y);
	} else if (strcmp(name, "index.svg") == 0) {
		static const char *const keys[] = { "index", "count_index", "value_index" };

		d.c.kind = CHART_LINE;
		d.c.title = W2(lang, w_idx_title);
		d.c.y_title = W2(lang, w_idx_y);
		d.c.decimals = 2;
		rc = month_chart(&d, rows, keys, 3, 1);
		d.s[0].name = W2(lang, w_index);
		d.s[1].name = W2(lang, w_count_idx);
		d.s[2].name = W2(lang, w_value_idx);
		if (json_is_string(json_object_get(o, "base"))) {
			d.c.ref = 100;
			snprintf(d.ref_label, sizeof(d.ref_label), "%s = 100",
				 json_string_value(json_object_get(o, "base")));
			d.c.ref_label = d.ref_label;
		}
	} else if (strcmp(name, "sections.svg") == 0 || strcmp(name, "holders.svg") == 0) {
		int sections = name[0] == 's';
		json_t *sorted = json_array(), *row;
		size_t i, n;

		json_array_extend(sorted, json_object_get(o, sections ? "sections" : "holders"));
		n = json_array_size(sorted);
		if (sections && n > 1) {
			json_t **v = calloc(n, sizeof(*v));

			for (i = 0; v && i < n; i++)
				v[i] = json_array_get(sorted, i);
			if (v) {
				qsort(v, n, sizeof(*v), cmp_desc);
				for (i = 0; i < n; i++)
					json_incref(v[i]);
				json_array_clear(sorted);
				for (i = 0; i < n; i++)
					json_array_append_new(sorted, v[i]);
			}
			free(v);
		}
		d.c.kind = CHART_BARS;
		d.c.title = sections ? W2(lang, w_sec_title) : W2(lang, w_hold_title);
		d.c.x_title = W2(lang, w_count);
		rc = chart_alloc(&d, n, 1);
		json_array_foreach(sorted, i, row) {
			if (rc)
				break;
			if (sections)
				snprintf(label, sizeof(label), "%s %s",
					 json_string_value(json_object_get(row, "section")),
					 json_string_value(json_object_get(row, strcmp(lang, "en") == 0
										 ? "name_en" : "name")));
			else
				snprintf(label, sizeof(label), "%s",
					 json_string_value(json_object_get(row, strcmp(lang, "en") == 0
										 ? "label_en" : "label")));
			d.cats[i] = strdup(label);
			d.v[0][i] = num(row, sections ? "registered" : "in_force");
		}
		d.c.n = n;
		d.s[0].name = W2(lang, w_count);
		dbuf_init(&b, 8u << 20);
		if (rc == 0 && !h__check(r, chart_svg(&d.c, &b, &e), &e))
			reply_bytes(r, 200, "image/svg+xml; charset=utf-8", b.p, b.len, STATS_CACHE);
		else if (rc)
			reply_fail(r, DIP_ENOMEM, "", "out of memory");
		dbuf_free(&b);
		for (i = 0; i < n; i++)
			free((char *)d.cats[i]);
		json_decref(sorted);
		goto out;
	} else {
		reply_fail(r, DIP_ENOTFOUND, "", "no such chart");
		goto out;
	}
	dbuf_init(&b, 8u << 20);
	if (rc)
		reply_fail(r, DIP_ENOMEM, "", "out of memory");
	else if (!h__check(r, chart_svg(&d.c, &b, &e), &e))
		reply_bytes(r, 200, "image/svg+xml; charset=utf-8", b.p, b.len, STATS_CACHE);
	dbuf_free(&b);
out:
	chart_data_free(&d);
	json_decref(o);
}
