/*
 * opendata.c - the public register as open data (Art. 20): a CSV export, a
 * DCAT catalogue in JSON-LD, and an Atom feed of announcements and
 * publications (stats.h).
 *
 * What goes out is built from svc__public_record (the register view of
 * app_content_public, which never yields a confidential field) and from
 * the transparency log's public entries, nothing else: contacts, uploads,
 * field structures, anonymisation statements, counterparties and examiner
 * notes stay inside.  The exports page through the register newest first,
 * each page in its own read transaction, so a large register streams in
 * bounded memory.
 */
#include "service/stats.h"
#include "service/internal.h"
#include "render/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUBLIC_REGISTER (1u << APP_REGISTERED | 1u << APP_CANCELLED | 1u << APP_REVOKED)
#define PAGE_MAX 500

/* ---- one page of the register ---- */

struct ids {
	int64_t v[PAGE_MAX];
	int n;
};

static int collect(void *ud, const struct application *a)
{
	struct ids *l = ud;

	if (l->n < PAGE_MAX)
		l->v[l->n++] = a->id;
	return 0;
}

/* The ids of the next page after x->cursor, newest first. */
static int next_ids(struct svc *v, struct svc_export *x, int page, struct ids *l,
		    struct dip_error *e)
{
	struct app_filter f;
	struct application a;
	int rc;

	l->n = 0;
	if (x->only_id) {
		rc = svc__st(v, v->st->app_get(v->st, x->only_id, &a), e);
		if (rc == 0) {
			if (PUBLIC_REGISTER & (1u << a.state))
				l->v[l->n++] = a.id;
			application_release(&a);
		}
		if (rc == DIP_ENOTFOUND || (rc == 0 && l->n == 0))
			rc = dip_fail(e, DIP_ENOTFOUND, "application",
				      "application %lld is not in the register", (long long)x->only_id);
		return rc;
	}
	memset(&f, 0, sizeof(f));
	f.states = PUBLIC_REGISTER;
	f.after_id = x->cursor;
	f.limit = page > 0 && page <= PAGE_MAX ? page : 100;
	return svc__st(v, v->st->app_list(v->st, &f, collect, l), e);
}

static void day_str(const struct registry *r, dip_day d, char out[11])
{
	if (d)
		svc__day(r, d, out);
	else
		out[0] = '\0';
}

/* ---- CSV ---- */

struct reg_col {
	const char *key;   /* a content path, or a field of the record */
	const char *zh;
	const char *en;
};

static const struct reg_col reg_cols[] = {
	{ "registration_number", "登记号", "registration_number" },
	{ "certificate_number", "证书号", "certificate_number" },
	{ "certificate_version", "证书版本", "certificate_version" },
	{ "status", "状态", "status" },
	{ "name", "登记对象名称", "name" },
	{ "industry", "所属行业代码", "industry" },
	{ "industry_name", "所属行业", "industry_name" },
	{ "holders", "持有人", "holders" },
	{ "holder_kinds", "持有人类型", "holder_kinds" },
	{ "holder_ids", "持有人证件号码", "holder_ids" },
	{ "scenario", "应用场景", "scenario" },
	{ "source.kind", "数据来源类型", "source_kind" },
	{ "source.description", "数据来源说明", "source_description" },
	{ "source.formed_on", "数据集合形成时间", "source_formed_on" },
	{ "source.agreement_end", "协议截止日期", "source_agreement_end" },
	{ "structure.records", "记录条数", "records" },
	{ "structure.bytes", "数据规模（字节）", "bytes" },
	{ "update.frequency", "更新频率", "update_frequency" },
	{ "update.description", "更新期限说明", "update_description" },
	{ "algorithm.summary", "算法规则简要说明", "algorithm_summary" },
	{ "evidence.kind", "存证或公证", "evidence_kind" },
	{ "evidence.fingerprint", "数据指纹", "fingerprint" },
	{ "evidence.deposit_id", "存证编号", "deposit_id" },
	{ "evidence.notary_number", "公证书编号", "notary_number" },
	{ "evidence.notary_date", "公证日期", "notary_date" },
	{ "other.status", "其他情况", "other_status" },
	{ "registration_date", "登记公告日期", "registration_date" },
	{ "valid_from", "有效期起", "valid_from" },
	{ "valid_until", "有效期至", "valid_until" },
	{ "closed_on", "注销或撤销日期", "closed_on" },
	{ "close_reason", "注销原因", "close_reason" },
	{ "url", "公开记录", "url" },
};

#define NREG_COLS (sizeof(reg_cols) / sizeof(reg_cols[0]))

/* The register entry of c as flat fields, strings or integers. */
static json_t *register_row(struct svc *v, const struct app_ctx *c)
{
	const struct registry *r = v->reg;
	json_t *rec = svc__public_record(v, c, APP_VIEW_REGISTER), *row = json_object(), *h, *val;
	const struct industry *ind = industry_find(&r->industries, c->a.industry);
	struct dbuf names, kinds, idns;
	char day[11], url[600];
	size_t i;

	dbuf_init(&names, 1 << 20);
	dbuf_init(&kinds, 1 << 16);
	dbuf_init(&idns, 1 << 16);
	json_array_foreach(json_object_get(rec, "holders"), i, h) {
		const char *sep = i ? "; " : "";

		dbuf_addf(&names, "%s%s", sep, json_string_value(json_object_get(h, "name")));
		dbuf_addf(&kinds, "%s%s", sep, json_string_value(json_object_get(h, "kind")));
		dbuf_addf(&idns, "%s%s", sep, json_string_value(json_object_get(h, "id_number")));
	}
	json_object_set_new(row, "registration_number", json_string(c->a.reg_no));
	json_object_set_new(row, "certificate_number", json_string(c->a.cert_no));
	json_object_set_new(row, "certificate_version", json_integer(c->a.cert_version));
	json_object_set_new(row, "status", json_string(app_state_name(c->a.state)));
	json_object_set_new(row, "industry_name", json_string(ind ? ind->name : ""));
	json_object_set_new(row, "holders", json_string(names.p ? names.p : ""));
	json_object_set_new(row, "holder_kinds", json_string(kinds.p ? kinds.p : ""));
	json_object_set_new(row, "holder_ids", json_string(idns.p ? idns.p : ""));
	/* Content items, only as the register view gives them. */
	for (i = 0; i < NREG_COLS; i++) {
		val = app_get(json_object_get(rec, "content"), reg_cols[i].key);
		if (val && (json_is_string(val) || json_is_integer(val)))
			json_object_set(row, reg_cols[i].key, val);
	}
	day_str(r, c->a.reg_day, day);
	json_object_set_new(row, "registration_date", json_string(day));
	day_str(r, c->a.valid_from, day);
	json_object_set_new(row, "valid_from", json_string(day));
	day_str(r, c->a.valid_until, day);
	json_object_set_new(row, "valid_until", json_string(day));
	if (c->a.state == APP_CANCELLED || c->a.state == APP_REVOKED) {
		day_str(r, c->a.closed_at ? time_day(c->a.closed_at, r->zone) : 0, day);
		json_object_set_new(row, "closed_on", json_string(day));
		json_object_set_new(row, "close_reason", json_string(
			c->a.state == APP_REVOKED ? "revoked" : close_reason_name(c->a.close_reason)));
	}
	snprintf(url, sizeof(url), "%s/api/applications/%lld", r->base_url, (long long)c->a.id);
	json_object_set_new(row, "url", json_string(url));
	dbuf_free(&names);
	dbuf_free(&kinds);
	dbuf_free(&idns);
	json_decref(rec);
	return row;
}

static int csv_row(struct dbuf *out, const json_t *row)
{
	const json_t *val;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < NREG_COLS; i++) {
		if (i)
			rc = csv_sep(out);
		val = json_object_get(row, reg_cols[i].key);
		if (rc == 0 && json_is_integer(val))
			rc = csv_int(out, (long long)json_integer_value(val));
		else if (rc == 0 && json_is_string(val))
			rc = strcmp(reg_cols[i].key, "url") == 0 ? csv_raw(out, json_string_value(val))
								  : csv_text(out, json_string_value(val));
	}
	return rc ? rc : csv_eol(out);
}

/* Loads each registration of a page and hands its row to fn. */
static int each_page_row(struct svc *v, struct svc_export *x, int page,
			 int (*fn)(struct svc *v, const struct app_ctx *c, void *ud), void *ud,
			 struct dip_error *e)
{
	struct ids *l = malloc(sizeof(*l));
	struct app_ctx c;
	int i, rc;

	if (l == NULL)
		return dip_fail(e, DIP_ENOMEM, "", "out of memory");
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc == 0)
		rc = next_ids(v, x, page, l, e);
	for (i = 0; rc == 0 && i < l->n; i++) {
		rc = svc__load_raw(v, l->v[i], &c, e);
		if (rc == 0) {
			rc = fn(v, &c, ud);
			svc__release(&c);
		}
	}
	v->st->rollback(v->st);
	if (rc == 0) {
		if (l->n)
			x->cursor = l->v[l->n - 1];
		x->done = x->only_id || l->n < (page > 0 && page <= PAGE_MAX ? page : 100);
	}
	free(l);
	return rc;
}

static int csv_page_row(struct svc *v, const struct app_ctx *c, void *ud)
{
	json_t *row = register_row(v, c);
	int rc = csv_row(ud, row);

	json_decref(row);
	return rc;
}

int svc_open_register_csv(struct svc *v, struct svc_export *x, int page, struct dbuf *out,
			  struct dip_error *e)
{
	int en = strcmp(x->lang, "en") == 0, rc = 0;
	size_t i;

	if (!x->started) {
		rc = dbuf_adds(out, CSV_BOM);
		for (i = 0; rc == 0 && i < NREG_COLS; i++) {
			if (i)
				rc = csv_sep(out);
			if (rc == 0)
				rc = csv_text(out, en ? reg_cols[i].en : reg_cols[i].zh);
		}
		if (rc == 0)
			rc = csv_eol(out);
		if (rc)
			return dip_fail(e, rc, "", "csv: output limit");
		x->started = 1;
	}
	rc = each_page_row(v, x, page, csv_page_row, out, e);
	if (rc == DIP_ELIMIT)
		dip_fail(e, rc, "", "csv: a page is larger than the output limit");
	return rc;
}

/* ---- DCAT catalogue in JSON-LD ---- */

static json_t *lit(const char *s, const char *lang)
{
	return json_pack("{s:s,s:s}", "@value", s ? s : "", "@language", lang);
}

static json_t *typed(const char *s, const char *type)
{
	return json_pack("{s:s,s:s}", "@value", s, "@type", type);
}

/* An IRI made of fmt with two strings, as a JSON string or a node
 * reference {"@id": ...}. */
static json_t *iri(const char *fmt, const char *a, const char *b)
{
	char url[800];

	snprintf(url, sizeof(url), fmt, a, b ? b : "");
	return json_string(url);
}

static json_t *idref(const char *fmt, const char *a, const char *b)
{
	return json_pack("{s:o}", "@id", iri(fmt, a, b));
}

static json_t *distribution(const char *base, const char *path, const char *media,
			    const char *title_zh, const char *title_en, int download)
{
	char url[800], type[120];

	snprintf(url, sizeof(url), "%s%s", base, path);
	snprintf(type, sizeof(type), "https://www.iana.org/assignments/media-types/%s", media);
	return json_pack("{s:s,s:[o,o],s:{s:s},s:{s:s}}", "@type", "dcat:Distribution", "dct:title",
			 lit(title_zh, "zh"), lit(title_en, "en"),
			 download ? "dcat:downloadURL" : "dcat:accessURL", "@id", url,
			 "dcat:mediaType", "@id", type);
}

/* EU frequency vocabulary for update.frequency. */
static const char *frequency_uri(const char *f)
{
	static const char *const map[][2] = {
		{ "realtime", "CONT" }, { "daily", "DAILY" }, { "weekly", "WEEKLY" },
		{ "monthly", "MONTHLY" }, { "quarterly", "QUARTERLY" }, { "yearly", "ANNUAL" },
		{ "irregular", "IRREG" }, { "static", "NEVER" },
	};
	size_t i;

	for (i = 0; f && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(f, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

static const char *sget(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static json_t *catalog_dataset(struct svc *v, const struct app_ctx *c)
{
	const char *base = v->reg->base_url, *freq;
	json_t *row = register_row(v, c), *d = json_object(), *holders = json_array(), *dist, *h;
	json_t *rec = svc__public_record(v, c, APP_VIEW_REGISTER);
	char id[40], day[11], path[120];
	size_t i;

	snprintf(id, sizeof(id), "%lld", (long long)c->a.id);
	json_object_set_new(d, "@id", iri("%s/api/applications/%s", base, id));
	json_object_set_new(d, "@type", json_string("dcat:Dataset"));
	json_object_set_new(d, "dct:identifier", json_string(c->a.reg_no));
	if (c->a.cert_no[0])
		json_object_set_new(d, "adms:identifier",
				    json_pack("{s:s,s:s,s:s}", "@type", "adms:Identifier",
					      "skos:notation", c->a.cert_no, "dct:type",
					      "certificate number (登记证书号)"));
	json_object_set_new(d, "dct:title", lit(sget(row, "name"), "zh"));
	json_object_set_new(d, "dct:description", lit(sget(row, "scenario"), "zh"));
	day_str(v->reg, c->a.reg_day, day);
	if (day[0])
		json_object_set_new(d, "dct:issued", typed(day, "xsd:date"));
	if (c->a.valid_from && c->a.valid_until) {
		char from[11], until[11];

		day_str(v->reg, c->a.valid_from, from);
		day_str(v->reg, c->a.valid_until, until);
		json_object_set_new(d, "dct:valid", json_pack("{s:s,s:o,s:o}", "@type", "dct:PeriodOfTime",
							      "dcat:startDate", typed(from, "xsd:date"),
							      "dcat:endDate", typed(until, "xsd:date")));
	}
	if (c->a.industry[0])
		json_object_set_new(d, "dcat:theme",
				    json_pack("{s:s,s:s,s:s,s:o}", "@type", "skos:Concept",
					      "skos:notation", c->a.industry, "skos:inScheme",
					      "GB/T 4754-2017", "skos:prefLabel",
					      lit(sget(row, "industry_name"), "zh")));
	json_array_foreach(json_object_get(rec, "holders"), i, h)
		json_array_append_new(holders, json_pack("{s:s,s:s}", "@type", "foaf:Agent",
							 "foaf:name",
							 json_string_value(json_object_get(h, "name"))));
	json_object_set_new(d, "dct:rightsHolder", holders);
	freq = frequency_uri(app_get_str(c->content, "update.frequency"));
	if (freq)
		json_object_set_new(d, "dct:accrualPeriodicity",
				    idref("http://publications.europa.eu/resource/authority/frequency/%s%s",
					  freq, NULL));
	json_object_set_new(d, "adms:status",
			    idref("http://purl.org/adms/status/%s%s",
				  c->a.state == APP_REGISTERED ? "Completed"
				  : c->a.state == APP_CANCELLED ? "Deprecated" : "Withdrawn", NULL));
	if (c->a.cert_no[0]) {
		char q[60];

		snprintf(q, sizeof(q), "%s&v=%d", c->a.cert_no, c->a.cert_version);
		json_object_set_new(d, "dcat:landingPage", idref("%s/verify?cert=%s", base, q));
	}
	dist = json_array();
	snprintf(path, sizeof(path), "/api/applications/%s", id);
	json_array_append_new(dist, distribution(base, path, "application/json", "登记簿记录（JSON）",
						 "register record (JSON)", 0));
	snprintf(path, sizeof(path), "/api/open/register.csv?application=%s", id);
	json_array_append_new(dist, distribution(base, path, "text/csv", "登记簿记录（CSV）",
						 "register record (CSV)", 1));
	json_object_set_new(d, "dcat:distribution", dist);
	json_decref(rec);
	json_decref(row);
	return d;
}

/* The catalogue itself and the datasets that are not one registration:
 * the whole register and its statistics. */
static json_t *catalog_head(struct svc *v)
{
	const char *base = v->reg->base_url;
	json_t *c = json_object(), *reg, *stats, *dist;
	static const char *const reports[] = { "summary", "registrations", "filings", "index" };
	char path[80];
	size_t i;

	json_object_set_new(c, "@context",
			    json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "dcat", "http://www.w3.org/ns/dcat#",
				      "dct", "http://purl.org/dc/terms/", "foaf",
				      "http://xmlns.com/foaf/0.1/", "adms", "http://www.w3.org/ns/adms#",
				      "skos", "http://www.w3.org/2004/02/skos/core#", "xsd",
				      "http://www.w3.org/2001/XMLSchema#"));
	json_object_set_new(c, "@id", iri("%s/api/open/catalog.jsonld%s", base, NULL));
	json_object_set_new(c, "@type", json_string("dcat:Catalog"));
	json_object_set_new(c, "dct:title", json_pack("[o,o]", lit("数据知识产权登记簿", "zh"),
						      lit("Register of data intellectual property", "en")));
	json_object_set_new(c, "dct:description",
			    json_pack("[o,o]",
				      lit("已登记公告的数据知识产权，任何单位或者个人均可查阅（《北京市数据知识产权登记管理办法（试行）》第二十条）。", "zh"),
				      lit("Announced data intellectual property registrations, open to anyone (Beijing measures, Art. 20).", "en")));
	json_object_set_new(c, "dct:publisher",
			    json_pack("{s:s,s:s}", "@type", "foaf:Agent", "foaf:name", v->reg->name));
	json_object_set_new(c, "foaf:homepage", idref("%s/%s", base, NULL));
	json_object_set_new(c, "dct:language", idref("http://publications.europa.eu/resource/authority/language/ZHO%s%s", "", NULL));
	reg = json_object();
	json_object_set_new(reg, "@id", iri("%s/api/open/register%s", base, NULL));
	json_object_set_new(reg, "@type", json_string("dcat:Dataset"));
	json_object_set_new(reg, "dct:title", json_pack("[o,o]", lit("数据知识产权登记簿（全量）", "zh"),
							lit("The whole register", "en")));
	json_object_set_new(reg, "dct:description",
			    lit("每项已公告登记的公开信息：登记号、证书号、名称、行业、持有人、应用场景、数据来源、算法规则简要说明、有效期与状态。", "zh"));
	json_object_set_new(reg, "dct:publisher",
			    json_pack("{s:s,s:s}", "@type", "foaf:Agent", "foaf:name", v->reg->name));
	json_object_set_new(reg, "dct:accrualPeriodicity",
			    idref("http://publications.europa.eu/resource/authority/frequency/%s%s",
				  "CONT", NULL));
	dist = json_array();
	json_array_append_new(dist, distribution(base, "/api/open/register.csv", "text/csv",
						 "登记簿（CSV）", "register (CSV)", 1));
	json_array_append_new(dist, distribution(base, "/api/register", "application/json",
						 "登记簿（JSON，分页）", "register (JSON, paged)", 0));
	json_array_append_new(dist, distribution(base, "/api/open/feed.atom", "application/atom+xml",
						 "公告与公示（Atom）", "announcements and publications (Atom)",
						 0));
	json_object_set_new(reg, "dcat:distribution", dist);
	stats = json_object();
	json_object_set_new(stats, "@id", iri("%s/api/stats%s", base, NULL));
	json_object_set_new(stats, "@type", json_string("dcat:Dataset"));
	json_object_set_new(stats, "dct:title", json_pack("[o,o]", lit("登记统计与交易活跃度指数", "zh"),
							  lit("Register statistics and trading-activity index", "en")));
	json_object_set_new(stats, "dct:publisher",
			    json_pack("{s:s,s:s}", "@type", "foaf:Agent", "foaf:name", v->reg->name));
	dist = json_array();
	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		char zh[80], en[80];

		snprintf(path, sizeof(path), "/api/stats/%s", reports[i]);
		snprintf(zh, sizeof(zh), "统计：%s（JSON）", reports[i]);
		snprintf(en, sizeof(en), "statistics: %s (JSON)", reports[i]);
		json_array_append_new(dist, distribution(base, path, "application/json", zh, en, 0));
		snprintf(path, sizeof(path), "/api/stats/%s.csv", reports[i]);
		snprintf(zh, sizeof(zh), "统计：%s（CSV）", reports[i]);
		snprintf(en, sizeof(en), "statistics: %s (CSV)", reports[i]);
		json_array_append_new(dist, distribution(base, path, "text/csv", zh, en, 1));
	}
	json_object_set_new(stats, "dcat:distribution", dist);
	json_object_set_new(c, "dcat:dataset", json_pack("[o,o]", reg, stats));
	return c;
}

static int catalog_page_row(struct svc *v, const struct app_ctx *c, void *ud)
{
	json_t *d = catalog_dataset(v, c);
	char *text = json_dumps(d, JSON_COMPACT);
	int rc;

	json_decref(d);
	if (text == NULL)
		return DIP_ENOMEM;
	rc = dbuf_addc(ud, ',');
	if (rc == 0)
		rc = dbuf_adds(ud, text);
	free(text);
	return rc;
}

int svc_open_catalog(struct svc *v, struct svc_export *x, int page, struct dbuf *out,
		     struct dip_error *e)
{
	json_t *head;
	char *text;
	size_t n;
	int rc;

	if (!x->started) {
		/* The head ends with the dataset list still open: "...]}" is cut
		 * to "..." and the registrations follow, each after a comma. */
		head = catalog_head(v);
		text = json_dumps(head, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(head);
		if (text == NULL)
			return dip_fail(e, DIP_ENOMEM, "", "out of memory");
		n = strlen(text);
		rc = n > 2 && strcmp(text + n - 2, "]}") == 0 ? dbuf_add(out, text, n - 2) : DIP_EINVAL;
		free(text);
		if (rc)
			return dip_fail(e, rc, "", "catalogue: the head did not end with the dataset list");
		x->started = 1;
	}
	rc = each_page_row(v, x, page, catalog_page_row, out, e);
	if (rc == 0 && x->done)
		rc = dbuf_adds(out, "]}\n");
	if (rc > 0 || rc == DIP_ELIMIT || rc == DIP_ENOMEM)
		return dip_fail(e, rc > 0 ? DIP_EINVAL : rc, "", "catalogue: a page is larger than the output limit");
	return rc;
}

/* ---- Atom feed of announcements and publications ---- */

static const struct {
	const char *type, *zh, *en;
} entry_kinds[] = {
	{ "publication", "登记前公示", "Publication" },
	{ "publication_refused", "公示终止（不予登记）", "Publication ended: refused" },
	{ "publication_withdrawn", "公示终止（申请撤回）", "Publication ended: withdrawn" },
	{ "registration", "登记公告", "Registration" },
	{ "certificate_version", "登记证书新版本", "New certificate version" },
	{ "change", "变更登记公告", "Change registration" },
	{ "transfer", "转让登记公告", "Transfer" },
	{ "filing", "备案公告", "Filing" },
	{ "cancellation", "注销公告", "Cancellation" },
	{ "revocation", "撤销公告", "Revocation" },
};

static void entry_kind(const char *type, const char **zh, const char **en)
{
	size_t i;

	*zh = *en = type;
	for (i = 0; i < sizeof(entry_kinds) / sizeof(entry_kinds[0]); i++)
		if (strcmp(entry_kinds[i].type, type) == 0) {
			*zh = entry_kinds[i].zh;
			*en = entry_kinds[i].en;
		}
}

/* The name of the dataset an entry is about: from the entry, else from the
 * application while it is public. */
static void entry_name(struct svc *v, const json_t *entry, char *out, size_t n)
{
	const char *s = json_string_value(json_object_get(json_object_get(entry, "content"), "name"));
	struct application a;
	int64_t id = json_integer_value(json_object_get(entry, "application"));

	if (s == NULL)
		s = json_string_value(json_object_get(
			json_object_get(json_object_get(entry, "certificate"), "dataset"), "name"));
	if (s) {
		snprintf(out, n, "%s", s);
		return;
	}
	out[0] = '\0';
	if (id > 0 && v->st->app_get(v->st, id, &a) == 0) {
		if ((PUBLIC_REGISTER | 1u << APP_PUBLICATION | 1u << APP_OBJECTION) & (1u << a.state))
			snprintf(out, n, "%s", a.name);
		application_release(&a);
	}
}

static const char *kind_zh(const char *k)
{
	return !k ? "" : strcmp(k, "transaction") == 0 ? "交易" : strcmp(k, "pledge") == 0 ? "质押"
		: strcmp(k, "licence") == 0 ? "许可使用" : strcmp(k, "change") == 0 ? "变更"
		: strcmp(k, "transfer") == 0 ? "转让" : k;
}

/* A one-paragraph summary of the public facts of an entry. */
static void entry_summary(struct svc *v, const char *type, const json_t *entry, struct dbuf *b)
{
	const json_t *cert = json_object_get(entry, "certificate"), *h;
	const char *no = json_string_value(json_object_get(entry, "certificate_number"));
	const char *k = json_string_value(json_object_get(entry, "kind"));
	char ts[32];
	size_t i;

	if (no == NULL && cert)
		no = json_string_value(json_object_get(cert, "certificate_number"));
	if (strcmp(type, "publication") == 0) {
		svc__time(v->reg, (dip_time)json_integer_value(json_object_get(entry, "publication_ends")), ts);
		dbuf_adds(b, "申请人：");
		json_array_foreach(json_object_get(entry, "applicants"), i, h)
			dbuf_addf(b, "%s%s", i ? "、" : "", json_string_value(json_object_get(h, "name")));
		dbuf_addf(b, "。公示期至 %s（第十条），期间任何单位和个人可提出异议。应用场景：%s Published until %s (Art. 10); anyone may object meanwhile.",
			  ts, json_string_value(json_object_get(json_object_get(entry, "content"), "scenario"))
				  ? json_string_value(json_object_get(json_object_get(entry, "content"), "scenario")) : "",
			  ts);
		return;
	}
	if (no)
		dbuf_addf(b, "证书号 %s。", no);
	if (cert) {
		dbuf_adds(b, "持有人：");
		json_array_foreach(json_object_get(cert, "holders"), i, h)
			dbuf_addf(b, "%s%s", i ? "、" : "", json_string_value(json_object_get(h, "name")));
		dbuf_addf(b, "。有效期 %s 至 %s。Valid %s through %s.",
			  json_string_value(json_object_get(cert, "valid_from")),
			  json_string_value(json_object_get(cert, "valid_until")),
			  json_string_value(json_object_get(cert, "valid_from")),
			  json_string_value(json_object_get(cert, "valid_until")));
		return;
	}
	if (strcmp(type, "filing") == 0) {
		const json_t *amount = json_object_get(entry, "amount");

		dbuf_addf(b, "%s备案，行为日期 %s", kind_zh(k),
			  json_string_value(json_object_get(entry, "act_date")));
		if (json_is_integer(amount))
			dbuf_addf(b, "，申报金额 %lld 元", (long long)json_integer_value(amount));
		if (json_is_true(json_object_get(entry, "late")))
			dbuf_adds(b, "，逾期备案");
		dbuf_addf(b, "（第十五条）。%s filed (Art. 15).", k ? k : "");
		return;
	}
	if (strcmp(type, "cancellation") == 0 || strcmp(type, "revocation") == 0) {
		dbuf_addf(b, "原因 reason: %s.", json_string_value(json_object_get(entry, "reason"))
					       ? json_string_value(json_object_get(entry, "reason")) : "");
		return;
	}
	if (k)
		dbuf_addf(b, "%s（第十七条）。%s (Art. 17).", kind_zh(k), k);
}

static int feed_entry(struct svc *v, int64_t index, const json_t *entry, struct dbuf *b)
{
	const char *base = v->reg->base_url;
	const char *type = json_string_value(json_object_get(entry, "type"));
	const char *time = json_string_value(json_object_get(entry, "time"));
	const char *zh, *en;
	int64_t app = json_integer_value(json_object_get(entry, "application"));
	char name[600], title[1200];
	struct dbuf sum;
	int rc;

	if (type == NULL || time == NULL)
		return 0;
	entry_kind(type, &zh, &en);
	entry_name(v, entry, name, sizeof(name));
	snprintf(title, sizeof(title), "%s %s%s%s", zh, en, name[0] ? "：" : "", name);
	dbuf_init(&sum, 1 << 20);
	entry_summary(v, type, entry, &sum);
	rc = dbuf_addf(b, "<entry>\n<id>%s/api/log/entries/%lld</id>\n<title>", base, (long long)index);
	if (rc == 0)
		rc = xml_text(b, title);
	if (rc == 0)
		rc = dbuf_addf(b, "</title>\n<updated>%s</updated>\n<published>%s</published>\n"
			       "<link rel=\"alternate\" type=\"application/json\" href=\"", time, time);
	if (rc == 0)
		rc = xml_text(b, base);
	if (rc == 0)
		rc = dbuf_addf(b, "/api/log/entries/%lld\"/>\n", (long long)index);
	if (rc == 0 && app > 0) {
		rc = dbuf_adds(b, "<link rel=\"related\" type=\"application/json\" href=\"");
		if (rc == 0)
			rc = xml_text(b, base);
		if (rc == 0)
			rc = dbuf_addf(b, "/api/applications/%lld\"/>\n", (long long)app);
	}
	if (rc == 0)
		rc = dbuf_adds(b, "<category term=\"");
	if (rc == 0)
		rc = xml_text(b, type);
	if (rc == 0)
		rc = dbuf_adds(b, "\" label=\"");
	if (rc == 0)
		rc = xml_text(b, zh);
	if (rc == 0)
		rc = dbuf_adds(b, "\"/>\n<summary type=\"text\">");
	if (rc == 0)
		rc = xml_text(b, sum.p);
	if (rc == 0)
		rc = dbuf_adds(b, "</summary>\n</entry>\n");
	dbuf_free(&sum);
	return rc;
}

int svc_open_feed(struct svc *v, int limit, dip_time now, struct dbuf *out, struct dip_error *e)
{
	const char *base = v->reg->base_url;
	json_t *list = NULL, *it;
	const char *updated = NULL;
	char ts[32];
	size_t i;
	int rc;

	if (limit <= 0 || limit > SVC_ANNOUNCEMENTS_MAX)
		limit = 50;
	rc = svc_announcements_json(v, -1, limit, &list, e);
	if (rc)
		return rc;
	/* The log's order is the order of appending; the feed was updated
	 * when its latest entry was made. */
	json_array_foreach(json_object_get(list, "items"), i, it) {
		const char *t = json_string_value(json_object_get(it, "time"));

		if (t && (updated == NULL || strcmp(t, updated) > 0))
			updated = t;
	}
	svc__time(v->reg, now, ts);
	rc = dbuf_adds(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-Hans\">\n<id>");
	if (rc == 0)
		rc = xml_text(out, base);
	if (rc == 0)
		rc = dbuf_adds(out, "/api/open/feed.atom</id>\n<title>");
	if (rc == 0)
		rc = xml_text(out, v->reg->name);
	if (rc == 0)
		rc = dbuf_adds(out, " 数据知识产权登记公告与公示</title>\n<subtitle>Announcements and "
				    "publications of data intellectual property registrations</subtitle>\n"
				    "<updated>");
	if (rc == 0)
		rc = dbuf_addf(out, "%s</updated>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"",
			       updated ? updated : ts);
	if (rc == 0)
		rc = xml_text(out, base);
	if (rc == 0)
		rc = dbuf_adds(out, "/api/open/feed.atom\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	if (rc == 0)
		rc = xml_text(out, base);
	if (rc == 0)
		rc = dbuf_adds(out, "/\"/>\n<author><name>");
	if (rc == 0)
		rc = xml_text(out, v->reg->name);
	if (rc == 0)
		rc = dbuf_adds(out, "</name></author>\n<generator>dipreg</generator>\n");
	/* Names of applications are read within one snapshot. */
	if (rc == 0 && v->st->begin(v->st, 0) == 0) {
		json_array_foreach(json_object_get(list, "items"), i, it) {
			rc = feed_entry(v, json_integer_value(json_object_get(it, "log_index")), it, out);
			if (rc)
				break;
		}
		v->st->rollback(v->st);
	}
	if (rc == 0)
		rc = dbuf_adds(out, "</feed>\n");
	json_decref(list);
	if (rc)
		return dip_fail(e, rc, "", "feed: larger than the output limit");
	return 0;
}
