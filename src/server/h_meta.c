/*
 * h_meta.c - health, the OpenAPI document, reference data, and the
 * portal's static files.
 */
#include "server/handlers.h"
#include "server/internal.h"
#include "server/router.h"
#include "util/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void h_health(struct req *r)
{
	struct store *st = r->v->st;
	char now[32];
	int64_t n = 0;
	int rc;

	rc = st->begin(st, 0);
	if (rc == 0)
		rc = st->ledger_size(st, &n);
	st->rollback(st);
	if (rc) {
		reply_fail(r, DIP_EBUSY, "", "database unavailable: %s", st->err.message);
		return;
	}
	time_format(r->now, r->srv->reg->zone, now);
	reply_json(r, 200, json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "status", "ok", "version",
				     DIP_VERSION, "time", now, "rules", r->srv->reg->rules.name,
				     "backend", st->backend, "log_size", (json_int_t)n));
}

void h_openapi(struct req *r)
{
	reply_json(r, 200, openapi_document());
}

void h_industries(struct req *r)
{
	const struct industry_table *t = &r->srv->reg->industries;
	json_t *arr = json_array();
	char sec[2] = { 0, 0 };
	size_t i;

	for (i = 0; i < t->n; i++) {
		sec[0] = t->v[i].section;
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s}", "code", t->v[i].code,
						     "section", sec, "name", t->v[i].name, "level",
						     t->v[i].code[1] ? "division" : "section"));
	}
	reply_json(r, 200, json_pack("{s:s,s:o}", "standard", "GB/T 4754-2017", "items", arr));
}

void h_rules(struct req *r)
{
	const struct rules *ru = &r->srv->reg->rules;
	json_t *o = json_object(), *dl = json_object();
	static const char *units[] = { "working_days", "days", "months", "years" };
	int k;

	json_object_set_new(o, "name", json_string(ru->name));
	json_object_set_new(o, "title", json_string(ru->title));
	for (k = 0; k < DL__COUNT; k++)
		json_object_set_new(dl, rules_deadline_key((enum deadline_kind)k),
				    json_pack("{s:i,s:s,s:b}", "n", ru->dl[k].n, "unit",
					      units[ru->dl[k].unit], "binds_party",
					      rules_deadline_binds_party((enum deadline_kind)k)));
	json_object_set_new(o, "deadlines", dl);
	json_object_set_new(o, "validity", json_pack("{s:i,s:s}", "n", ru->validity.n, "unit",
						     units[ru->validity.unit]));
	json_object_set_new(o, "renewal", json_pack("{s:i,s:s}", "n", ru->renewal.n, "unit",
						    units[ru->renewal.unit]));
	json_object_set_new(o, "renewal_window", json_pack("{s:i,s:s}", "n", ru->renewal_window.n,
							   "unit", units[ru->renewal_window.unit]));
	json_object_set_new(o, "evidence_before_filing", json_boolean(ru->evidence_before_filing));
	json_object_set_new(o, "correction_notices", json_integer(ru->correction_notices));
	json_object_set_new(o, "auto_register", json_boolean(ru->auto_register));
	json_object_set_new(o, "zone_offset_seconds", json_integer(r->srv->reg->zone));
	json_object_set_new(o, "registry", json_string(r->srv->reg->name));
	reply_json(r, 200, o);
}

static void add_field(void *ud, const char *path, const char *label, const char *label_en,
		      int required, int confidential)
{
	json_array_append_new(ud, json_pack("{s:s,s:s,s:s,s:b,s:b}", "path", path, "label", label,
					    "label_en", label_en, "required", required,
					    "confidential", confidential));
}

void h_fields(struct req *r)
{
	json_t *arr = json_array();

	app_fields_each(add_field, arr);
	reply_json(r, 200, json_pack("{s:o}", "items", arr));
}

static const char *mime_of(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
		{ ".json", "application/json" }, { ".svg", "image/svg+xml" }, { ".png", "image/png" },
		{ ".ico", "image/x-icon" }, { ".woff2", "font/woff2" }, { ".txt", "text/plain; charset=utf-8" },
		{ ".webmanifest", "application/manifest+json" },
	};
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

void h_static(struct req *r)
{
	char file[1200];
	const char *rel = r->path;
	struct dip_error e;
	struct stat sb;
	char *data = NULL;
	size_t len = 0;

	if (strcmp(rel, "/") == 0 || strrchr(rel, '.') == NULL || strrchr(rel, '.') < strrchr(rel, '/'))
		rel = "/index.html"; /* the portal routes in the browser */
	snprintf(file, sizeof(file), "%s%s", r->srv->cfg.web_dir, rel);
	if (stat(file, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    file_read(file, 16 << 20, &data, &len, &e) != 0) {
		reply_fail(r, DIP_ENOTFOUND, "", "no such page");
		return;
	}
	reply_bytes(r, 200, mime_of(file), data, len,
		    strstr(file, ".html") ? "no-cache" : "public, max-age=300");
	free(data);
}
