/*
 * stats.h - statistics of the register, the trading-activity index, and
 * the open-data exports (Art. 20: anyone may consult the register).
 *
 * Every figure is counted from the stored records and the archive each
 * time it is asked for (store stats_* operations); nothing here is entered
 * or kept by hand.  Months are calendar months in the registry's zone.
 * Flows (applications received, registrations announced, renewals,
 * changes, transfers, cancellations, revocations, Art. 15 filings) are
 * counted in the month of the act; filings in the month of the
 * transaction, pledge or licence itself (the act date the holder filed),
 * and only once the registry approved and announced them (Art. 17).  Stocks
 * (applications by state, registrations in force, holders) are as of now.
 *
 * Only public acts and aggregate counts leave this layer: no confidential
 * content field, contact, counterparty or amount of a single filing other
 * than what its announcement already published.
 *
 * The reports are JSON objects the caller owns (json_decref); each holds
 * one or more tables, arrays of flat rows, which svc_stats_csv writes as
 * CSV.  Errors: DIP_EINVAL naming the field (from, to, base), DIP_EDB.
 */
#ifndef DIP_SERVICE_STATS_H
#define DIP_SERVICE_STATS_H

#include "service/service.h"

#define STATS_MAX_MONTHS 600     /* months a report spans at most */

/* Months are numbered year * 12 + (month - 1); 0 means "not given". */
struct stats_query {
	int from_ym;   /* first month of the period; 0: the first month with data */
	int to_ym;     /* last month; 0: the current month */
	int base_ym;   /* index base month; 0: the configured one, else the default rule */
};

/* "YYYY-MM" into *ym; DIP_EINVAL naming field otherwise. */
int svc_stats_month(const char *s, const char *field, int *ym, struct dip_error *e);
void svc_stats_month_format(int ym, char out[8]);

/* Applications received, registrations announced, renewals, changes,
 * transfers, cancellations by reason and revocations per month, with the
 * registrations in force at each month's end; registrations by industry
 * section and division, by holder class (natural, legal, org, joint) and
 * applications by state.  Tables: months, sections, divisions, holders,
 * states. */
int svc_stats_registrations(struct svc *v, const struct stats_query *q, dip_time now,
			    json_t **out, struct dip_error *e);
/* Art. 15 filings per month, kind and industry, with declared amounts and
 * the share filed late.  Tables: months, kinds, sections, divisions. */
int svc_stats_filings(struct svc *v, const struct stats_query *q, dip_time now, json_t **out,
		      struct dip_error *e);
/* The trading-activity index (docs/index.md).  Tables: months, sections
 * (each section's sub-indices, base weights and contribution). */
int svc_stats_index(struct svc *v, const struct stats_query *q, dip_time now, json_t **out,
		    struct dip_error *e);
/* Headline figures.  Table: indicators. */
/* Counts the rows of the reports again into v->reg->stats, as of now:
 * what the cache's refresh asks for (svc_stats_cache_new). */
int svc_stats_refresh(struct svc *v, dip_time now, struct dip_error *e);
int svc_stats_summary(struct svc *v, const struct stats_query *q, dip_time now, json_t **out,
		      struct dip_error *e);
/* Admins set the index's base month ("YYYY-MM"), or clear it (NULL or ""):
 * then the default rule applies.  Audited. */
int svc_stats_set_index_base(struct svc *v, const struct actor *who, const char *base,
			     dip_time now, struct dip_error *e);

/* A column of a report table: the row's key, and its header in Chinese and
 * English. */
struct stats_column {
	const char *key;
	const char *zh;
	const char *en;
};

struct stats_table {
	const char *report;      /* "registrations", "filings", "index", "summary" */
	const char *name;        /* the member of the report holding the rows */
	const struct stats_column *cols;
};

/* The table of a report by name; name NULL or "" is the report's first
 * table.  NULL when there is none. */
const struct stats_table *svc_stats_table(const char *report, const char *name);
/* Appends the table's rows of report as CSV: BOM, a header row in lang
 * ("zh" or "en"), one record per row. */
int svc_stats_csv(const json_t *report, const struct stats_table *t, const char *lang,
		  struct dbuf *out, struct dip_error *e);

/* ---- open data (opendata.c) ---- */

/* One page of an export written into out, resumed from *cursor (0 at the
 * start); *done set after the last page.  Pages hold up to page
 * registrations, newest first, each in its own read transaction. */
struct svc_export {
	int64_t cursor;
	int started;
	int done;
	int64_t only_id;         /* one registration only, or 0 for all */
	char lang[3];            /* CSV header language: "zh" or "en" */
};

/* The public register as CSV (BOM, header, one record per registration:
 * only what Art. 20 lets anyone consult). */
int svc_open_register_csv(struct svc *v, struct svc_export *x, int page, struct dbuf *out,
			  struct dip_error *e);
/* The register as a DCAT catalogue in JSON-LD: a dcat:Dataset per
 * registration with its public fields and distributions (JSON record, CSV
 * row), and datasets for the whole register and its statistics. */
int svc_open_catalog(struct svc *v, struct svc_export *x, int page, struct dbuf *out,
		     struct dip_error *e);
/* An Atom feed (RFC 4287) of the latest announcements and publications:
 * the public acts of the transparency log, newest first, at most limit. */
int svc_open_feed(struct svc *v, int limit, dip_time now, struct dbuf *out, struct dip_error *e);

#endif
