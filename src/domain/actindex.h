/*
 * actindex.h - the registry's trading-activity index (数据要素交易活跃度指数).
 *
 * A monthly, fixed-base composite of two sub-indices: the number of Art. 15
 * filings (transactions, pledges, licences) and the amounts declared in
 * them, each the ratio of the month's total to the base month's, with the
 * base month = 100.  Written per GB/T 4754-2017 section, the same number is
 * the base-share weighted mean of the sections' own sub-indices plus the
 * contribution of sections that had no filings in the base month, so the
 * index splits exactly into section contributions.  docs/index.md states
 * the formula and works an example that test_stats.c reproduces.
 *
 * Pure arithmetic on counts the caller gathered: no I/O, no clock.
 */
#ifndef DIP_ACTINDEX_H
#define DIP_ACTINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define AIX_SECTIONS 20          /* GB/T 4754-2017 sections A to T */
#define AIX_COUNT_WEIGHT 0.5     /* lambda: the count sub-index's weight */

/* Months are numbered year * 12 + (month - 1). */
struct aix_month {
	int ym;
	int64_t n[AIX_SECTIONS];  /* filings whose act fell in the month, per section */
	int64_t a[AIX_SECTIONS];  /* the amounts they declared, yuan */
};

struct aix_value {
	double count_index;                 /* C = 100 n / n_base */
	double value_index;                 /* V = 100 a / a_base */
	double index;                       /* I = lambda C + (1 - lambda) V */
	double contribution[AIX_SECTIONS];  /* sums to index */
	double count_sub[AIX_SECTIONS];     /* 100 n_s / n_s,base; NAN without base filings */
	double value_sub[AIX_SECTIONS];     /* 100 a_s / a_s,base; NAN without base amounts */
	double count_weight[AIX_SECTIONS];  /* base shares n_s,base / n_base */
	double value_weight[AIX_SECTIONS];  /* base shares a_s,base / a_base */
};

/* The position of GB/T 4754-2017 section letter c ('A'..'T'), or -1. */
int aix_section(char c);
/* Totals of a month over the sections. */
int64_t aix_total_n(const struct aix_month *m);
int64_t aix_total_a(const struct aix_month *m);
/* The default base month among m[0..n) (ascending months): the first month
 * later than the month of the first announced registration (first_reg_ym),
 * complete (at most last_complete_ym), with at least one filing and a
 * positive declared amount.  Its position in m, or -1 when none is. */
int aix_default_base(const struct aix_month *m, size_t n, int first_reg_ym,
		     int last_complete_ym);
/* 0 when b can be the base, else DIP_EINVAL with a message naming field
 * "base". */
int aix_check_base(const struct aix_month *b, struct dip_error *e);
/* The index of month m against base b (aix_check_base(b) == 0). */
void aix_compute(const struct aix_month *b, const struct aix_month *m, struct aix_value *out);

#endif
