/*
 * calendar.c - working days from the holiday file.
 */
#include "domain/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	dip_day day;
	int work;
};

static int cmp_day(const void *a, const void *b)
{
	dip_day x = *(const dip_day *)a, y = *(const dip_day *)b;

	return (x > y) - (x < y);
}

static int cmp_entry(const void *a, const void *b)
{
	return cmp_day(&((const struct entry *)a)->day, &((const struct entry *)b)->day);
}

/* Returns the start of the next line (NULL at the end) and sets *eol to
 * its newline or to the end of the text. */
static const char *next_line(const char *p, const char *end, const char **eol)
{
	const char *q;

	if (p >= end)
		return NULL;
	q = memchr(p, '\n', (size_t)(end - p));
	*eol = q ? q : end;
	return p;
}

static int parse_line(const char *p, size_t n, int lineno, struct entry *out, int *blank,
		      struct dip_error *e)
{
	char line[256], date[11];
	size_t i = 0, k;

	*blank = 0;
	while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i == n || p[i] == '#') {
		*blank = 1;
		return 0;
	}
	if (n - i >= sizeof(line))
		return dip_fail(e, DIP_EINVAL, "holidays", "line %d: too long", lineno);
	memcpy(line, p + i, n - i);
	line[n - i] = '\0';
	for (k = 0; k < 10 && line[k]; k++)
		date[k] = line[k];
	date[k] = '\0';
	if (k < 10 || day_parse(date, &out->day) ||
	    (line[10] != ' ' && line[10] != '\t'))
		return dip_fail(e, DIP_EINVAL, "holidays",
				"line %d: expected \"YYYY-MM-DD off|work name\"", lineno);
	for (k = 10; line[k] == ' ' || line[k] == '\t'; k++)
		;
	if (strncmp(line + k, "off", 3) == 0 && (line[k + 3] == '\0' || line[k + 3] == ' ' || line[k + 3] == '\t'))
		out->work = 0;
	else if (strncmp(line + k, "work", 4) == 0 && (line[k + 4] == '\0' || line[k + 4] == ' ' || line[k + 4] == '\t'))
		out->work = 1;
	else
		return dip_fail(e, DIP_EINVAL, "holidays",
				"line %d: kind must be \"off\" or \"work\"", lineno);
	if (out->work && day_weekday(out->day) < 6)
		return dip_fail(e, DIP_EINVAL, "holidays",
				"line %d: %s is a weekday; only weekend days can be adjusted working days",
				lineno, date);
	return 0;
}

int cal_parse(struct calendar *c, const char *text, size_t len, struct dip_error *e)
{
	const char *p = text, *end = text + len, *eol;
	struct entry *ents = NULL, *tmp;
	size_t n = 0, cap = 0, i;
	int lineno = 0, blank, rc = 0, y, m, d;
	int offcount[CAL_LAST_YEAR - CAL_FIRST_YEAR + 1];
	char ds[11];

	memset(c, 0, sizeof(*c));
	memset(offcount, 0, sizeof(offcount));
	while ((p = next_line(p, end, &eol)) != NULL) {
		lineno++;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			tmp = realloc(ents, cap * sizeof(*ents));
			if (tmp == NULL) {
				rc = dip_fail(e, DIP_ENOMEM, "holidays", "out of memory");
				goto out;
			}
			ents = tmp;
		}
		rc = parse_line(p, (size_t)(eol - p), lineno, &ents[n], &blank, e);
		if (rc)
			goto out;
		if (!blank) {
			day_to_ymd(ents[n].day, &y, &m, &d);
			if (y < CAL_FIRST_YEAR || y > CAL_LAST_YEAR) {
				rc = dip_fail(e, DIP_EINVAL, "holidays", "line %d: year %d out of range",
					      lineno, y);
				goto out;
			}
			n++;
		}
		p = eol + 1;
	}
	if (n > 1)
		qsort(ents, n, sizeof(*ents), cmp_entry);
	for (i = 1; i < n; i++)
		if (ents[i].day == ents[i - 1].day) {
			day_format(ents[i].day, ds);
			rc = dip_fail(e, DIP_EINVAL, "holidays", "%s is listed twice", ds);
			goto out;
		}
	c->off = malloc((n ? n : 1) * sizeof(dip_day));
	c->work = malloc((n ? n : 1) * sizeof(dip_day));
	if (c->off == NULL || c->work == NULL) {
		rc = dip_fail(e, DIP_ENOMEM, "holidays", "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (ents[i].work) {
			c->work[c->nwork++] = ents[i].day;
		} else {
			c->off[c->noff++] = ents[i].day;
			day_to_ymd(ents[i].day, &y, &m, &d);
			offcount[y - CAL_FIRST_YEAR]++;
		}
	}
	for (i = 0; i < sizeof(offcount) / sizeof(offcount[0]); i++)
		c->known[i] = offcount[i] >= CAL_MIN_OFF_PER_YEAR;
out:
	free(ents);
	if (rc)
		cal_release(c);
	return rc;
}

void cal_release(struct calendar *c)
{
	free(c->off);
	free(c->work);
	memset(c, 0, sizeof(*c));
}

int cal_check_single_year(const char *text, size_t len, int year, struct dip_error *e)
{
	const char *p = text, *end = text + len, *eol;
	struct entry ent;
	int lineno = 0, blank, y, m, d, rc;

	while ((p = next_line(p, end, &eol)) != NULL) {
		lineno++;
		rc = parse_line(p, (size_t)(eol - p), lineno, &ent, &blank, e);
		if (rc)
			return rc;
		p = eol + 1;
		if (blank)
			continue;
		day_to_ymd(ent.day, &y, &m, &d);
		/* The New Year holiday may start on 31 December of the year before. */
		if (y != year && !(y == year - 1 && m == 12 && d == 31))
			return dip_fail(e, DIP_EINVAL, "holidays",
					"line %d: %04d-%02d-%02d is not in %d", lineno, y, m, d, year);
	}
	return 0;
}

int cal_knows_year(const struct calendar *c, int year)
{
	if (year < CAL_FIRST_YEAR || year > CAL_LAST_YEAR)
		return 0;
	return c->known[year - CAL_FIRST_YEAR];
}

static int listed(const dip_day *v, size_t n, dip_day d)
{
	return n > 0 && bsearch(&d, v, n, sizeof(*v), cmp_day) != NULL;
}

int cal_is_working(const struct calendar *c, dip_day d)
{
	int y, m, dd, idx;

	day_to_ymd(d, &y, &m, &dd);
	if (!cal_knows_year(c, y)) {
		idx = y - CAL_FIRST_YEAR;
		if (idx >= 0 && idx <= CAL_LAST_YEAR - CAL_FIRST_YEAR &&
		    !__atomic_exchange_n((uint8_t *)&c->warned[idx], 1, __ATOMIC_RELAXED) &&
		    c->warn)
			c->warn(c->warn_ud, y);
		return day_weekday(d) <= 5;
	}
	if (day_weekday(d) <= 5)
		return !listed(c->off, c->noff, d);
	return listed(c->work, c->nwork, d);
}

dip_day cal_add_working_days(const struct calendar *c, dip_day e, int n)
{
	dip_day d = e;

	while (n > 0) {
		d++;
		if (cal_is_working(c, d))
			n--;
	}
	return d;
}

int cal_working_days_between(const struct calendar *c, dip_day from, dip_day to)
{
	int count = 0, sign = 1;
	dip_day d, t;

	if (to < from) {
		t = from;
		from = to;
		to = t;
		sign = -1;
	}
	for (d = from + 1; d <= to; d++)
		count += cal_is_working(c, d);
	return sign * count;
}
