/*
 * period.h - validity periods and other periods in months and years.
 *
 * Arts. 13 and 14 word the certificate's validity as the Trademark Law
 * does ("有效期为三年，自登记公告之日起计算"; "续展…自上一届有效期满次日起
 * 计算"), so dipreg follows its practice: the start day counts, and the
 * period's last day is the day before the corresponding date N years or
 * months later (announced 2023-06-15 -> valid through 2026-06-14).  Where
 * the corresponding date does not exist (29 February in a common year, the
 * 31st of a shorter month), the period ends on that month's last day
 * (2024-02-29 + 3 years -> through 2027-02-28).
 *
 * Other periods in months or years (for example a limitation period)
 * follow the Civil Code, Arts. 201-203: the day of the event is not
 * counted, and the period ends on the corresponding date, or on the last
 * day of the month where there is none.
 */
#ifndef DIP_PERIOD_H
#define DIP_PERIOD_H

#include "util/date.h"

/* The last day of a validity period of years and months starting on
 * start (start counted). */
dip_day period_last_day(dip_day start, int years, int months);
/* The last day of a Civil Code period of years and months after the
 * event day (event day not counted). */
dip_day period_civil_end(dip_day event, int years, int months);
/* The first day of the renewal window "期满前 N 个月内" for a period whose
 * last day is last: the day N calendar months before last, or the last day
 * of that month where the corresponding day does not exist.  The window
 * closes at the end of last. */
dip_day period_window_opens(dip_day last, int months);
/* The date years/months after d on the calendar, or DIP_DAY_NONE when
 * that month has no such day (31 April, 29 February in a common year). */
dip_day period_corresponding(dip_day d, int years, int months);

#endif
