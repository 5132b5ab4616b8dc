/*
 * log.c - structured log lines on stderr.
 */
#include "util/log.h"
#include "util/buf.h"
#include "util/err.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;
static int as_json;
static _Thread_local char request_id[40];
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

void log_set_level(enum log_level lv)
{
	min_level = lv;
}

int log_enabled(enum log_level lv)
{
	return lv >= min_level;
}

void log_set_json(int on)
{
	as_json = on;
}

int log_parse_level(const char *s, enum log_level *out)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return DIP_EINVAL;
}

void log_set_request_id(const char *id)
{
	str_copy(request_id, sizeof(request_id), id ? id : "");
}

const char *log_request_id(void)
{
	return request_id;
}

static void put_value(FILE *f, const char *v)
{
	const unsigned char *p;
	int quote = as_json || *v == '\0';

	for (p = (const unsigned char *)v; !quote && *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\')
			quote = 1;
	if (!quote) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void put_pair(FILE *f, int first, const char *k, const char *v)
{
	if (as_json) {
		fprintf(f, "%s\"%s\":", first ? "" : ",", k);
		put_value(f, v);
	} else {
		fprintf(f, "%s%s=", first ? "" : " ", k);
		put_value(f, v);
	}
}

void log_event(enum log_level lv, const char *event, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	char ts[80];
	struct timespec now;
	struct tm tm;
	const char *k, *v;
	va_list ap;

	if (lv < min_level)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 now.tv_nsec / 1000000);
	pthread_mutex_lock(&out_lock);
	if (as_json)
		fputc('{', stderr);
	put_pair(stderr, 1, "ts", ts);
	put_pair(stderr, 0, "level", names[lv]);
	put_pair(stderr, 0, "event", event);
	if (request_id[0])
		put_pair(stderr, 0, "req", request_id);
	va_start(ap, event);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		put_pair(stderr, 0, k, v ? v : "");
	}
	va_end(ap);
	fputs(as_json ? "}\n" : "\n", stderr);
	fflush(stderr);
	pthread_mutex_unlock(&out_lock);
}
