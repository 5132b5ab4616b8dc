/*
 * buf.c - growable byte buffers with a ceiling.
 */
#include "util/buf.h"
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dbuf_init(struct dbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void dbuf_free(struct dbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void dbuf_reset(struct dbuf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

static int grow(struct dbuf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX - b->len - 1)
		return DIP_ELIMIT;
	need = b->len + extra + 1;
	if (b->max && need - 1 > b->max)
		return DIP_ELIMIT;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->p, cap);
	if (p == NULL)
		return DIP_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

int dbuf_add(struct dbuf *b, const void *p, size_t n)
{
	int rc;

	/* Room already, under the ceiling: the common case of a writer's
	 * many small appends. */
	if (!(n < b->cap - b->len && (b->max == 0 || b->len + n <= b->max))) {
		rc = grow(b, n);
		if (rc)
			return rc;
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int dbuf_reserve(struct dbuf *b, size_t n)
{
	return grow(b, n);
}

int dbuf_adds(struct dbuf *b, const char *s)
{
	return dbuf_add(b, s, strlen(s));
}

int dbuf_addc(struct dbuf *b, char c)
{
	return dbuf_add(b, &c, 1);
}

int dbuf_addf(struct dbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return DIP_EINVAL;
	rc = grow(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int dbuf_addhex(struct dbuf *b, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	int rc = grow(b, n * 2);

	if (rc)
		return rc;
	for (i = 0; i < n; i++) {
		b->p[b->len++] = hex[p[i] >> 4];
		b->p[b->len++] = hex[p[i] & 15];
	}
	b->p[b->len] = '\0';
	return 0;
}

char *dbuf_detach(struct dbuf *b, size_t *len)
{
	char *p = b->p;

	if (p == NULL)
		p = calloc(1, 1);
	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void str_copy(char *dst, size_t n, const char *src)
{
	size_t len = strnlen(src, n - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}
