/*
 * calendar.h - the registry's working-day calendar.
 *
 * The measures count most deadlines in working days (工作日).  A working
 * day is a Monday to Friday that is not a statutory day off, plus the
 * weekend days that the State Council's notices turn into working days
 * (调休上班).  Both lists come from a holiday file, one line per date:
 *
 *     2024-02-10 off 春节
 *     2024-02-04 work 春节
 *
 * "#" starts a comment.  A year is known when the file lists at least
 * CAL_MIN_OFF_PER_YEAR days off in it (every real notice has far more, and
 * an isolated 31 December belonging to the next year's New Year holiday
 * does not make its year known).  Outside the known years the calendar
 * falls back to Monday-Friday and reports each such year once through the
 * warn callback, so the operator learns that a new notice is due.
 *
 * Counting rule (DESIGN.md §2): "within N working days of event day E" ends
 * at 23:59:59 of the Nth working day after E; E itself is not counted, even
 * when it is a working day.
 */
#ifndef DIP_CALENDAR_H
#define DIP_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "util/date.h"
#include "util/err.h"

#define CAL_MIN_OFF_PER_YEAR 5
#define CAL_FIRST_YEAR 1970
#define CAL_LAST_YEAR 2199

struct calendar {
	dip_day *off;   /* sorted */
	size_t noff;
	dip_day *work;  /* sorted; all weekend days */
	size_t nwork;
	uint8_t known[CAL_LAST_YEAR - CAL_FIRST_YEAR + 1];
	/* warned[] is written from const lookups: one flag per year */
	uint8_t warned[CAL_LAST_YEAR - CAL_FIRST_YEAR + 1];
	void (*warn)(void *ud, int year);
	void *warn_ud;
};

/* Parses a holiday file.  On failure e names the line ("line 12: ...")
 * and c is left empty.  Rejects malformed dates, unknown kinds, a date
 * listed twice, a "work" date that is not a weekend day and an "off" date
 * that is also listed as "work".  c is released with cal_release. */
int cal_parse(struct calendar *c, const char *text, size_t len, struct dip_error *e);
void cal_release(struct calendar *c);
/* Checks that every date of the file falls in the given year (for an
 * operator uploading one year's notice).  0 or DIP_EINVAL. */
int cal_check_single_year(const char *text, size_t len, int year, struct dip_error *e);

int cal_knows_year(const struct calendar *c, int year);
int cal_is_working(const struct calendar *c, dip_day d);
/* The Nth working day after e (e not counted); n >= 1. */
dip_day cal_add_working_days(const struct calendar *c, dip_day e, int n);
/* Working days in (from, to]; negative when to < from. */
int cal_working_days_between(const struct calendar *c, dip_day from, dip_day to);

#endif
