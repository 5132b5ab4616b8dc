/*
 * actindex.c - the trading-activity index (actindex.h, docs/index.md).
 */
#include "domain/actindex.h"

#include <math.h>
#include <string.h>

int aix_section(char c)
{
	return c >= 'A' && c < 'A' + AIX_SECTIONS ? c - 'A' : -1;
}

int64_t aix_total_n(const struct aix_month *m)
{
	int64_t t = 0;
	int s;

	for (s = 0; s < AIX_SECTIONS; s++)
		t += m->n[s];
	return t;
}

int64_t aix_total_a(const struct aix_month *m)
{
	int64_t t = 0;
	int s;

	for (s = 0; s < AIX_SECTIONS; s++)
		t += m->a[s];
	return t;
}

int aix_default_base(const struct aix_month *m, size_t n, int first_reg_ym,
		     int last_complete_ym)
{
	size_t i;

	/* The month of the first registration is not a full month of a
	 * register that could be traded in. */
	for (i = 0; i < n; i++)
		if (m[i].ym > first_reg_ym && m[i].ym <= last_complete_ym &&
		    aix_total_n(&m[i]) > 0 && aix_total_a(&m[i]) > 0)
			return (int)i;
	return -1;
}

int aix_check_base(const struct aix_month *b, struct dip_error *e)
{
	int y = b->ym / 12, mo = b->ym % 12 + 1;

	if (aix_total_n(b) <= 0)
		return dip_fail(e, DIP_EINVAL, "base",
				"base: %04d-%02d has no announced filing (Art. 15); choose a month with filings",
				y, mo);
	if (aix_total_a(b) <= 0)
		return dip_fail(e, DIP_EINVAL, "base",
				"base: no filing of %04d-%02d declared an amount, so the value sub-index has no base; choose another month",
				y, mo);
	return 0;
}

void aix_compute(const struct aix_month *b, const struct aix_month *m, struct aix_value *out)
{
	const double lambda = AIX_COUNT_WEIGHT;
	double nb = (double)aix_total_n(b), ab = (double)aix_total_a(b);
	int s;

	memset(out, 0, sizeof(*out));
	out->count_index = 100.0 * (double)aix_total_n(m) / nb;
	out->value_index = 100.0 * (double)aix_total_a(m) / ab;
	out->index = lambda * out->count_index + (1 - lambda) * out->value_index;
	for (s = 0; s < AIX_SECTIONS; s++) {
		out->contribution[s] = 100.0 * (lambda * (double)m->n[s] / nb +
						(1 - lambda) * (double)m->a[s] / ab);
		out->count_weight[s] = (double)b->n[s] / nb;
		out->value_weight[s] = (double)b->a[s] / ab;
		out->count_sub[s] = b->n[s] > 0 ? 100.0 * (double)m->n[s] / (double)b->n[s] : NAN;
		out->value_sub[s] = b->a[s] > 0 ? 100.0 * (double)m->a[s] / (double)b->a[s] : NAN;
	}
}
