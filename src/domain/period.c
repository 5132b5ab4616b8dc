/*
 * period.c - validity periods (Arts. 13, 14) and Civil Code periods.
 */
#include "domain/period.h"

static void shift_month(int *y, int *m, int years, int months)
{
	int total = *y * 12 + (*m - 1) + years * 12 + months;

	*y = total / 12;
	*m = total % 12 + 1;
}

dip_day period_corresponding(dip_day d, int years, int months)
{
	int y, m, dd;

	day_to_ymd(d, &y, &m, &dd);
	shift_month(&y, &m, years, months);
	if (dd > days_in_month(y, m))
		return DIP_DAY_NONE;
	return day_from_ymd(y, m, dd);
}

static dip_day month_end_after(dip_day d, int years, int months)
{
	int y, m, dd;

	day_to_ymd(d, &y, &m, &dd);
	shift_month(&y, &m, years, months);
	return day_from_ymd(y, m, days_in_month(y, m));
}

dip_day period_last_day(dip_day start, int years, int months)
{
	dip_day c = period_corresponding(start, years, months);

	if (c == DIP_DAY_NONE)
		return month_end_after(start, years, months);
	return c - 1;
}

dip_day period_civil_end(dip_day event, int years, int months)
{
	dip_day c = period_corresponding(event, years, months);

	return c == DIP_DAY_NONE ? month_end_after(event, years, months) : c;
}

dip_day period_window_opens(dip_day last, int months)
{
	dip_day c = period_corresponding(last, 0, -months);

	return c == DIP_DAY_NONE ? month_end_after(last, 0, -months) : c;
}
