/*
 * date.c - civil dates and instants.
 *
 * Day numbers use the well-known "days from civil" arithmetic on a calendar
 * whose years start in March, which puts the leap day at the end and keeps
 * the month lengths regular.
 */
#include "util/date.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

int is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m)
{
	static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap_year(y) ? 29 : len[m - 1];
}

int ymd_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

dip_day day_from_ymd(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void day_to_ymd(dip_day day, int *y, int *m, int *d)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	int mm = mp + (mp < 10 ? 3 : -9);

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mm;
	*y = yoe + era * 400 + (mm <= 2);
}

int day_weekday(dip_day day)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)((day % 7 + 7 + 3) % 7);

	return w + 1;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int parse_ymd(const char *s, int *y, int *m, int *d)
{
	if (digits(s, 4, y) || s[4] != '-' || digits(s + 5, 2, m) || s[7] != '-' ||
	    digits(s + 8, 2, d) || !ymd_valid(*y, *m, *d))
		return DIP_EINVAL;
	return 0;
}

int day_parse(const char *s, dip_day *out)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || parse_ymd(s, &y, &m, &d))
		return DIP_EINVAL;
	*out = day_from_ymd(y, m, d);
	return 0;
}

void day_format(dip_day day, char out[11])
{
	int y, m, d;

	day_to_ymd(day, &y, &m, &d);
	y = y < 0 ? 0 : y % 10000;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

dip_day time_day(dip_time t, int zone_off)
{
	return (dip_day)floor_div(t + zone_off, 86400);
}

dip_time day_start(dip_day day, int zone_off)
{
	return (dip_time)day * 86400 - zone_off;
}

dip_time day_end(dip_day day, int zone_off)
{
	return day_start(day, zone_off) + 86399;
}

int time_parse(const char *s, int zone_off, dip_time *out)
{
	int y, m, d, hh, mi, ss, oh, om, off;
	size_t n = s ? strlen(s) : 0;
	const char *p;

	if (n == 10) {
		if (parse_ymd(s, &y, &m, &d))
			return DIP_EINVAL;
		*out = day_start(day_from_ymd(y, m, d), zone_off);
		return 0;
	}
	if (n < 20 || parse_ymd(s, &y, &m, &d) || (s[10] != 'T' && s[10] != ' ') ||
	    digits(s + 11, 2, &hh) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
	    digits(s + 17, 2, &ss) || hh > 23 || mi > 59 || ss > 60)
		return DIP_EINVAL;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return DIP_EINVAL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && !digits(p + 1, 2, &oh) &&
		   p[3] == ':' && !digits(p + 4, 2, &om) && oh <= 23 && om <= 59) {
		off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
	} else {
		return DIP_EINVAL;
	}
	if (ss == 60)
		ss = 59;
	*out = (dip_time)day_from_ymd(y, m, d) * 86400 + hh * 3600 + mi * 60 + ss - off;
	return 0;
}

static char *two_digits(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* Written by hand, not with snprintf: every view formats several. */
void time_format(dip_time t, int zone_off, char out[32])
{
	dip_day day = time_day(t, zone_off);
	int sec = (int)(t + zone_off - (int64_t)day * 86400);
	int off = (zone_off < 0 ? -zone_off : zone_off) % 86400;
	char *p = out + 10;

	day_format(day, out);
	*p++ = 'T';
	p = two_digits(p, sec / 3600 % 24);
	*p++ = ':';
	p = two_digits(p, sec / 60 % 60);
	*p++ = ':';
	p = two_digits(p, sec % 60);
	if (zone_off == 0) {
		*p++ = 'Z';
	} else {
		*p++ = zone_off < 0 ? '-' : '+';
		p = two_digits(p, off / 3600);
		*p++ = ':';
		p = two_digits(p, off / 60 % 60);
	}
	*p = '\0';
}

void time_format_http(dip_time t, char out[30])
{
	static const char wd[] = "MonTueWedThuFriSatSun";
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	dip_day day = time_day(t, 0);
	int sec = (int)(t - (int64_t)day * 86400), y, m, d;
	char *p = out;

	day_to_ymd(day, &y, &m, &d);
	memcpy(p, wd + 3 * (day_weekday(day) - 1), 3);
	p += 3;
	*p++ = ',';
	*p++ = ' ';
	p = two_digits(p, d);
	*p++ = ' ';
	memcpy(p, mon + 3 * (m - 1), 3);
	p += 3;
	*p++ = ' ';
	p = two_digits(p, y / 100 % 100);
	p = two_digits(p, y % 100);
	*p++ = ' ';
	p = two_digits(p, sec / 3600);
	*p++ = ':';
	p = two_digits(p, sec / 60 % 60);
	*p++ = ':';
	p = two_digits(p, sec % 60);
	memcpy(p, " GMT", 5);
}
