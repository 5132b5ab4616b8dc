/*
 * application.c - the Art. 5 field table and the checks it drives.
 */
#include "domain/application.h"
#include "domain/period.h"
#include "util/b64.h"
#include "util/utf8.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum fkind {
	F_TEXT,      /* string, min..max characters */
	F_LINE,      /* one-line string */
	F_DATE,      /* YYYY-MM-DD, not after today */
	F_FUTURE,    /* YYYY-MM-DD, any */
	F_BOOL,
	F_COUNT,     /* integer 1..2^53 */
	F_ENUM,
	F_UPLOAD,    /* sha256 hex of an uploaded file */
	F_INDUSTRY,
	F_FIELDS,    /* [{name, format}] */
	F_FPRINT,    /* "sha256:<hex>" or "sm3:<hex>" */
	F_ID,        /* positive integer id */
	F_OBJECT,    /* a group: checked through its members */
};

/* When a field is required. */
enum need {
	N_OPTIONAL,
	N_ALWAYS,
	N_PERSONAL_OR_PUBLIC, /* algorithm.personal_data or .public_data is true */
	N_AGREEMENT,          /* source.kind is public_authorised or agreement */
	N_DEPOSIT,            /* evidence.kind is deposit */
	N_NOTARY,             /* evidence.kind is notarisation */
};

#define PUB_PUBLICATION 1u /* Art. 10 */
#define PUB_REGISTER 2u    /* Art. 20 */
#define CONFIDENTIAL 4u

struct field {
	const char *path;
	enum fkind kind;
	int min, max;
	enum need need;
	unsigned vis;
	const char *label;
	const char *label_en;
	const char *const *choices;
};

static const char *const source_kinds[] = {
	"own", "collected", "public_authorised", "agreement", "purchased", "other", NULL,
};
static const char *const frequencies[] = {
	"realtime", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular", "static", NULL,
};
static const char *const evidence_kinds[] = { "deposit", "notarisation", "none", NULL };

static const struct field fields[] = {
	{ "name", F_LINE, 4, 100, N_ALWAYS, PUB_PUBLICATION | PUB_REGISTER, "登记对象名称", "Name of the data collection", NULL },
	{ "industry", F_INDUSTRY, 0, 0, N_ALWAYS, PUB_REGISTER, "所属行业", "Industry (GB/T 4754-2017)", NULL },
	{ "scenario", F_TEXT, 10, 2000, N_ALWAYS, PUB_PUBLICATION | PUB_REGISTER, "应用场景", "Application scenario", NULL },
	{ "source", F_OBJECT, 0, 0, N_ALWAYS, 0, "数据来源", "Data source", NULL },
	{ "source.kind", F_ENUM, 0, 0, N_ALWAYS, PUB_REGISTER, "数据来源类型", "Kind of source", source_kinds },
	{ "source.description", F_TEXT, 10, 2000, N_ALWAYS, PUB_PUBLICATION | PUB_REGISTER,
	  "数据来源说明", "Data source", NULL },
	{ "source.formed_on", F_DATE, 0, 0, N_ALWAYS, PUB_REGISTER, "数据集合形成时间", "Date the collection was formed", NULL },
	{ "source.agreement_end", F_FUTURE, 0, 0, N_AGREEMENT, PUB_REGISTER, "协议截止日期", "End of the agreement", NULL },
	{ "source.lawful_proof", F_UPLOAD, 0, 0, N_ALWAYS, CONFIDENTIAL, "依法依规获取的证明", "Proof of lawful acquisition", NULL },
	{ "structure", F_OBJECT, 0, 0, N_ALWAYS, 0, "结构规模", "Structure and scale", NULL },
	{ "structure.fields", F_FIELDS, 1, 1000, N_ALWAYS, CONFIDENTIAL, "数据字段名称与格式", "Field names and formats", NULL },
	{ "structure.records", F_COUNT, 0, 0, N_ALWAYS, PUB_REGISTER, "记录条数", "Number of records", NULL },
	{ "structure.bytes", F_COUNT, 0, 0, N_ALWAYS, PUB_REGISTER, "数据规模（字节）", "Size in bytes", NULL },
	{ "update", F_OBJECT, 0, 0, N_ALWAYS, 0, "更新频次", "Update frequency", NULL },
	{ "update.frequency", F_ENUM, 0, 0, N_ALWAYS, PUB_REGISTER, "更新频率", "Update frequency", frequencies },
	{ "update.description", F_TEXT, 0, 1000, N_OPTIONAL, PUB_REGISTER, "更新期限说明", "Update period", NULL },
	{ "algorithm", F_OBJECT, 0, 0, N_ALWAYS, 0, "算法规则", "Algorithm rules", NULL },
	{ "algorithm.summary", F_TEXT, 10, 2000, N_ALWAYS, PUB_PUBLICATION | PUB_REGISTER,
	  "算法规则简要说明", "Summary of the algorithm rules", NULL },
	{ "algorithm.personal_data", F_BOOL, 0, 0, N_ALWAYS, 0, "是否涉及个人数据", "Involves personal data", NULL },
	{ "algorithm.public_data", F_BOOL, 0, 0, N_ALWAYS, 0, "是否涉及公共数据", "Involves public data", NULL },
	{ "algorithm.anonymisation", F_TEXT, 10, 2000, N_PERSONAL_OR_PUBLIC, CONFIDENTIAL,
	  "匿名化、去标识化说明", "Anonymisation and de-identification", NULL },
	{ "evidence", F_OBJECT, 0, 0, N_ALWAYS, 0, "存证公证情况", "Evidence deposit or notarisation", NULL },
	{ "evidence.kind", F_ENUM, 0, 0, N_ALWAYS, PUB_REGISTER, "存证或公证", "Deposit or notarisation", evidence_kinds },
	{ "evidence.fingerprint", F_FPRINT, 0, 0, N_ALWAYS, PUB_REGISTER, "数据指纹", "Dataset fingerprint", NULL },
	{ "evidence.deposit_id", F_ID, 0, 0, N_DEPOSIT, PUB_REGISTER, "存证编号", "Deposit number", NULL },
	{ "evidence.notary_number", F_LINE, 4, 100, N_NOTARY, PUB_REGISTER, "公证书编号", "Notarial certificate number", NULL },
	{ "evidence.notary_date", F_DATE, 0, 0, N_NOTARY, PUB_REGISTER, "公证日期", "Notarisation date", NULL },
	{ "evidence.notary_scan", F_UPLOAD, 0, 0, N_NOTARY, CONFIDENTIAL, "公证书扫描件", "Scan of the notarial certificate", NULL },
	{ "sample", F_UPLOAD, 0, 0, N_ALWAYS, CONFIDENTIAL, "样例数据", "Sample data", NULL },
	{ "other", F_OBJECT, 0, 0, N_OPTIONAL, 0, "其他情况", "Other status", NULL },
	{ "other.status", F_TEXT, 0, 2000, N_OPTIONAL, PUB_REGISTER, "登记对象状态等其他情况", "Status and other remarks", NULL },
	{ "declaration", F_OBJECT, 0, 0, N_ALWAYS, 0, "声明承诺", "Declaration", NULL },
	{ "declaration.truthful", F_BOOL, 0, 0, N_ALWAYS, 0, "真实性声明承诺", "Declaration and commitment of truthfulness", NULL },
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

json_t *app_get(const json_t *content, const char *path)
{
	char key[64];
	const char *dot;
	json_t *cur = (json_t *)content;
	size_t n;

	while (cur && json_is_object(cur)) {
		dot = strchr(path, '.');
		if (dot == NULL)
			return json_object_get(cur, path);
		n = (size_t)(dot - path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		cur = json_object_get(cur, key);
		path = dot + 1;
	}
	return NULL;
}

const char *app_get_str(const json_t *content, const char *path)
{
	return json_string_value(app_get(content, path));
}

static void defect(struct app_defects *d, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void defect(struct app_defects *d, const char *field, const char *fmt, ...)
{
	struct app_defect *x;
	char msg[300];
	va_list ap;

	if (d->n == APP_MAX_DEFECTS) {
		d->truncated = 1;
		return;
	}
	x = &d->v[d->n++];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(x->field, sizeof(x->field), "%s", field);
	snprintf(x->message, sizeof(x->message), "%s: %s", field, msg);
}

static int required(const struct field *f, const json_t *c)
{
	const char *kind;

	switch (f->need) {
	case N_OPTIONAL: return 0;
	case N_ALWAYS: return 1;
	case N_PERSONAL_OR_PUBLIC:
		return json_is_true(app_get(c, "algorithm.personal_data")) ||
		       json_is_true(app_get(c, "algorithm.public_data"));
	case N_AGREEMENT:
		kind = app_get_str(c, "source.kind");
		return kind && (strcmp(kind, "public_authorised") == 0 || strcmp(kind, "agreement") == 0);
	case N_DEPOSIT:
		kind = app_get_str(c, "evidence.kind");
		return kind && strcmp(kind, "deposit") == 0;
	case N_NOTARY:
		kind = app_get_str(c, "evidence.kind");
		return kind && strcmp(kind, "notarisation") == 0;
	}
	return 0;
}

static void check_text(const struct field *f, const char *s, struct app_defects *d)
{
	size_t len = strlen(s), chars;

	if (!utf8_valid(s, len)) {
		defect(d, f->path, "is not valid UTF-8 text");
		return;
	}
	chars = utf8_count(s, len);
	if ((int)chars < f->min)
		defect(d, f->path, "too short: at least %d characters (%s)", f->min, f->label);
	else if ((int)chars > f->max)
		defect(d, f->path, "too long: at most %d characters, got %zu", f->max, chars);
	if (utf8_has_control(s) || (f->kind == F_LINE && strpbrk(s, "\r\n\t")))
		defect(d, f->path, "contains control characters or line breaks");
}

/* Art. 5 (1): "名称格式为'数据集合名称'" - the name must name a collection of
 * data, as in "北京市公共交通客流数据集". */
static void check_name(const char *s, struct app_defects *d)
{
	char lower[512];
	size_t i, n = strlen(s);

	if (n >= sizeof(lower))
		return;
	for (i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)s[i]);
	if (strstr(s, "数据") == NULL && strstr(lower, "data") == NULL)
		defect(d, "name",
		       "must name a data collection in the form \"数据集合名称\", e.g. \"北京市公共交通客流数据集\"");
}

static void check_fields_list(const struct field *f, const json_t *v, struct app_defects *d)
{
	char path[96];
	size_t i;
	json_t *item, *nm, *fmt;

	if (!json_is_array(v)) {
		defect(d, f->path, "must be a list of {\"name\", \"format\"}");
		return;
	}
	if ((int)json_array_size(v) < f->min)
		defect(d, f->path, "list at least one field with its name and format");
	if ((int)json_array_size(v) > f->max) {
		defect(d, f->path, "at most %d fields", f->max);
		return;
	}
	json_array_foreach(v, i, item) {
		nm = json_object_get(item, "name");
		fmt = json_object_get(item, "format");
		snprintf(path, sizeof(path), "%s[%zu]", f->path, i);
		if (!json_is_object(item) || !json_is_string(nm) || !json_is_string(fmt) ||
		    json_string_length(nm) == 0 || json_string_length(fmt) == 0 ||
		    utf8_count(json_string_value(nm), json_string_length(nm)) > 100 ||
		    utf8_count(json_string_value(fmt), json_string_length(fmt)) > 100 ||
		    !utf8_valid(json_string_value(nm), json_string_length(nm)) ||
		    !utf8_valid(json_string_value(fmt), json_string_length(fmt)))
			defect(d, path, "each field needs a name and a format of 1-100 characters");
	}
}

static void check_value(const struct field *f, const json_t *v, const struct app_check_ctx *ctx,
			struct app_defects *d)
{
	const char *s = json_string_value(v);
	const char *const *c;
	dip_day day;
	json_int_t n;

	switch (f->kind) {
	case F_TEXT:
	case F_LINE:
		if (!s) {
			defect(d, f->path, "must be text");
			return;
		}
		check_text(f, s, d);
		if (strcmp(f->path, "name") == 0)
			check_name(s, d);
		return;
	case F_DATE:
	case F_FUTURE:
		if (!s || day_parse(s, &day)) {
			defect(d, f->path, "must be a date written YYYY-MM-DD");
			return;
		}
		if (f->kind == F_DATE && day > ctx->today)
			defect(d, f->path, "lies in the future");
		return;
	case F_BOOL:
		if (!json_is_boolean(v))
			defect(d, f->path, "must be true or false");
		return;
	case F_COUNT:
		n = json_integer_value(v);
		if (!json_is_integer(v) || n < 1 || n > ((json_int_t)1 << 53))
			defect(d, f->path, "must be a whole number of at least 1");
		return;
	case F_ID:
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			defect(d, f->path, "must be the number of a deposit receipt");
		return;
	case F_ENUM:
		for (c = f->choices; s && *c; c++)
			if (strcmp(s, *c) == 0)
				return;
		{
			char list[256] = "";
			size_t used = 0;

			for (c = f->choices; *c; c++)
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
							 c == f->choices ? "" : ", ", *c);
			defect(d, f->path, "must be one of %s", list);
		}
		return;
	case F_UPLOAD:
		if (!s || strlen(s) != 64 || !hex_is_lower(s, 64))
			defect(d, f->path, "must name an uploaded file by its SHA-256 (64 hex digits)");
		return;
	case F_INDUSTRY:
		if (!s || industry_find(ctx->industries, s) == NULL)
			defect(d, f->path,
			       "unknown GB/T 4754-2017 code \"%.8s\"; use a section letter (A-T) or a two-digit division",
			       s ? s : "");
		return;
	case F_FIELDS:
		check_fields_list(f, v, d);
		return;
	case F_FPRINT:
		if (!s || !((strncmp(s, "sha256:", 7) == 0 && strlen(s) == 71 && hex_is_lower(s + 7, 64)) ||
			    (strncmp(s, "sm3:", 4) == 0 && strlen(s) == 68 && hex_is_lower(s + 4, 64))))
			defect(d, f->path,
			       "must be a dataset fingerprint \"sha256:<64 hex>\" or \"sm3:<64 hex>\" from \"dipreg fingerprint\"");
		return;
	case F_OBJECT:
		if (!json_is_object(v))
			defect(d, f->path, "must be an object");
		return;
	}
}

/* Reports keys of obj that the table does not know (typos lose data). */
static void check_unknown(const json_t *obj, const char *prefix, struct app_defects *d)
{
	const char *key;
	json_t *v;
	char path[96];
	size_t i, plen = strlen(prefix), klen;
	int known;

	/* prefix.key, cut to the buffer, built without snprintf: every
	 * submission checks each key it holds.  prefix is a path of the
	 * table, far shorter than the buffer. */
	if (plen + 1 >= sizeof(path))
		plen = sizeof(path) - 2;
	memcpy(path, prefix, plen);
	if (plen)
		path[plen++] = '.';
	json_object_foreach((json_t *)obj, key, v) {
		klen = strlen(key);
		if (klen > sizeof(path) - 1 - plen)
			klen = sizeof(path) - 1 - plen;
		memcpy(path + plen, key, klen);
		path[plen + klen] = '\0';
		known = 0;
		for (i = 0; i < NFIELDS && !known; i++)
			if (strcmp(fields[i].path, path) == 0) {
				known = 1;
				if (fields[i].kind == F_OBJECT && json_is_object(v))
					check_unknown(v, path, d);
			}
		if (!known)
			defect(d, path, "unknown field");
	}
}

int app_content_check(const json_t *content, const struct app_check_ctx *ctx,
		      struct app_defects *out)
{
	const struct field *f;
	json_t *v;
	size_t i;

	app_defects_clear(out);
	if (!json_is_object(content)) {
		defect(out, "content", "must be a JSON object");
		return DIP_EINVAL;
	}
	check_unknown(content, "", out);
	for (i = 0; i < NFIELDS; i++) {
		f = &fields[i];
		v = app_get(content, f->path);
		if (v == NULL || json_is_null(v)) {
			if (ctx->complete && required(f, content))
				defect(out, f->path, "required (%s)", f->label);
			continue;
		}
		check_value(f, v, ctx, out);
	}
	if (ctx->complete && app_get(content, "declaration.truthful") &&
	    !json_is_true(app_get(content, "declaration.truthful")))
		defect(out, "declaration.truthful",
		       "the declaration and commitment of truthfulness must be given (Art. 23)");
	return out->n ? DIP_EINVAL : 0;
}

void app_defects_clear(struct app_defects *d)
{
	d->n = 0;
	d->truncated = 0;
}

int app_defects_first(const struct app_defects *d, struct dip_error *e)
{
	if (d->n == 0)
		return 0;
	return dip_fail(e, DIP_EINVAL, d->v[0].field, "%s", d->v[0].message);
}

static void put_path(json_t *root, const char *path, json_t *v)
{
	char key[64];
	const char *dot = strchr(path, '.');
	json_t *child;
	size_t n;

	if (dot == NULL) {
		json_object_set(root, path, v);
		return;
	}
	n = (size_t)(dot - path);
	if (n >= sizeof(key))
		return;
	memcpy(key, path, n);
	key[n] = '\0';
	child = json_object_get(root, key);
	if (child == NULL) {
		child = json_object();
		json_object_set_new(root, key, child);
	}
	put_path(child, dot + 1, v);
}

json_t *app_content_public(const json_t *content, enum app_view view)
{
	unsigned want = view == APP_VIEW_PUBLICATION ? PUB_PUBLICATION : PUB_REGISTER;
	json_t *out = json_object(), *v;
	size_t i;

	for (i = 0; i < NFIELDS; i++) {
		if (!(fields[i].vis & want) || (fields[i].vis & CONFIDENTIAL))
			continue;
		v = app_get(content, fields[i].path);
		if (v && !json_is_null(v) && !json_is_object(v))
			put_path(out, fields[i].path, v);
	}
	return out;
}

int app_field_confidential(const char *path)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].path, path) == 0)
			return (fields[i].vis & CONFIDENTIAL) != 0;
	return 0;
}

void app_fields_each(void (*fn)(void *ud, const char *path, const char *label_zh,
				const char *label_en, int required, int confidential), void *ud)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		fn(ud, fields[i].path, fields[i].label, fields[i].label_en,
		   fields[i].need == N_ALWAYS, (fields[i].vis & CONFIDENTIAL) != 0);
}

dip_day app_validity_end(const json_t *content, dip_day reg_day, const struct rules *r)
{
	int years = r->validity.unit == UNIT_YEARS ? r->validity.n : 0;
	int months = r->validity.unit == UNIT_MONTHS ? r->validity.n : 0;
	dip_day last = period_last_day(reg_day, years, months), agreed;
	const char *kind = app_get_str(content, "source.kind");
	const char *end = app_get_str(content, "source.agreement_end");

	/* Art. 13 para 4: an agreement shorter than the period limits it. */
	if (kind && end && (strcmp(kind, "public_authorised") == 0 || strcmp(kind, "agreement") == 0) &&
	    day_parse(end, &agreed) == 0 && agreed < last)
		last = agreed;
	return last;
}
