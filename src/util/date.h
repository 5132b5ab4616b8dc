/*
 * date.h - civil dates and instants, without the C library's time zone
 * machinery.
 *
 * dipreg keeps two kinds of time apart.  An instant (dip_time) is seconds
 * since 1970-01-01T00:00:00Z.  A civil day (dip_day) is a count of days since
 * 1970-01-01 on the proleptic Gregorian calendar, meaningful only together
 * with a zone.  A registry has one zone, a fixed offset from UTC (Asia/Shanghai
 * is +08:00 and has had no daylight saving time since 1991), so converting
 * between the two needs only that offset and never reads TZ or the clock.
 */
#ifndef DIP_DATE_H
#define DIP_DATE_H

#include <stdint.h>

typedef int64_t dip_time;
typedef int32_t dip_day;

#define DIP_ZONE_SHANGHAI (8 * 3600)
#define DIP_DAY_NONE INT32_MIN

int ymd_valid(int y, int m, int d);
int days_in_month(int y, int m);
int is_leap_year(int y);
dip_day day_from_ymd(int y, int m, int d);
void day_to_ymd(dip_day day, int *y, int *m, int *d);
/* 1 = Monday ... 7 = Sunday (ISO 8601). */
int day_weekday(dip_day day);

/* Strict "YYYY-MM-DD"; 0 or DIP_EINVAL. */
int day_parse(const char *s, dip_day *out);
/* Writes "YYYY-MM-DD" and a NUL into out (11 bytes). */
void day_format(dip_day day, char out[11]);

/* The civil day of instant t in the zone zone_off seconds east of UTC. */
dip_day time_day(dip_time t, int zone_off);
/* The first and the last second (00:00:00, 23:59:59) of day in the zone. */
dip_time day_start(dip_day day, int zone_off);
dip_time day_end(dip_day day, int zone_off);

/* RFC 3339 ("2024-02-09T10:00:00+08:00", "...Z", optional fraction which is
 * dropped) or a bare date, read as the start of that day in zone_off.
 * 0 or DIP_EINVAL. */
int time_parse(const char *s, int zone_off, dip_time *out);
/* "2024-02-09T10:00:00+08:00" into out (32 bytes room). */
void time_format(dip_time t, int zone_off, char out[32]);
/* The HTTP date of RFC 9110 ("Fri, 09 Feb 2024 02:00:00 GMT") into out
 * (30 bytes room), whatever the locale. */
void time_format_http(dip_time t, char out[30]);

#endif
