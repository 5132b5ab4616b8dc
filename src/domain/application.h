/*
 * application.h - the content of an application (Art. 5) and its checks.
 *
 * The ten items of Art. 5 and the Art. 23 declaration are one JSON object,
 * validated field by field against one table (application.c) that also
 * says which fields the public may see.  The paths below are the names the
 * API, the portal and every error message use:
 *
 *   (1)  name                      登记对象名称 "数据集合名称"
 *   (2)  industry                  GB/T 4754-2017 section or division
 *   (3)  scenario                  application scenario
 *   (4)  source.kind, source.description, source.formed_on,
 *        source.agreement_end, source.lawful_proof (upload, confidential)
 *   (5)  structure.fields [{name, format}] (confidential),
 *        structure.records, structure.bytes
 *   (6)  update.frequency, update.description
 *   (7)  algorithm.summary, algorithm.personal_data, algorithm.public_data,
 *        algorithm.anonymisation (required when personal or public data)
 *   (8)  evidence.kind = deposit | notarisation | none, evidence.fingerprint,
 *        evidence.deposit_id | evidence.notary_number, evidence.notary_date,
 *        evidence.notary_scan (upload, confidential)
 *   (9)  sample (upload, confidential)
 *   (10) other.status
 *   Art. 23: declaration.truthful = true
 *
 * A draft is checked leniently (types and lengths of what is present); a
 * submission completely (every required item).  All defects are reported
 * at once, because Art. 8 wants one notice that lists them all.
 */
#ifndef DIP_APPLICATION_H
#define DIP_APPLICATION_H

#include <jansson.h>

#include "domain/industry.h"
#include "domain/rules.h"
#include "util/date.h"
#include "util/err.h"

#define APP_MAX_DEFECTS 64

struct app_defect {
	char field[96];
	char message[400];
};

struct app_defects {
	struct app_defect v[APP_MAX_DEFECTS];
	size_t n;
	int truncated;
};

struct app_check_ctx {
	const struct industry_table *industries;
	dip_day today;  /* registry-zone day of "now" */
	int complete;   /* 1 for submission: every required item must be there */
};

/* Fills out with every defect of content; 0 when there is none, else
 * DIP_EINVAL.  content must be a JSON object. */
int app_content_check(const json_t *content, const struct app_check_ctx *ctx,
		      struct app_defects *out);
/* Copies the first defect into e and returns DIP_EINVAL; 0 when none. */
int app_defects_first(const struct app_defects *d, struct dip_error *e);
/* Empties d.  Only the count is reset: an entry is written whole before
 * it is counted, and zeroing all of d (32 KB) cost a submission more than
 * checking its content. */
void app_defects_clear(struct app_defects *d);

/* What the public may see of content at a stage.  APP_VIEW_PUBLICATION is
 * exactly Art. 10's list (name, scenario, data source, algorithm-rules
 * summary; the applicants come from the parties); APP_VIEW_REGISTER adds
 * what the register shows after announcement (Art. 20), never a
 * confidential field.  Returns a new reference the caller decrefs. */
enum app_view { APP_VIEW_PUBLICATION, APP_VIEW_REGISTER };
json_t *app_content_public(const json_t *content, enum app_view view);
/* 1 when path (e.g. "sample") is confidential. */
int app_field_confidential(const char *path);
/* Calls fn for every field path in table order (for forms and docs). */
void app_fields_each(void (*fn)(void *ud, const char *path, const char *label_zh,
				const char *label_en, int required, int confidential), void *ud);

/* Nested lookup by dotted path; borrowed reference or NULL. */
json_t *app_get(const json_t *content, const char *path);
const char *app_get_str(const json_t *content, const char *path);

/* Art. 13: the last day of validity for an announcement on reg_day: the
 * profile's validity period, or the agreement's end date when the data is
 * public data under authorised operation or obtained by agreement and the
 * agreement ends earlier. */
dip_day app_validity_end(const json_t *content, dip_day reg_day, const struct rules *r);

#endif
