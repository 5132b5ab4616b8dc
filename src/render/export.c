/*
 * export.c - CSV and XML text for the exports (export.h).
 */
#include "render/export.h"
#include "util/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int csv_field(struct dbuf *b, const char *s, int guard)
{
	size_t n = s ? strlen(s) : 0;
	int quote, rc = 0;
	const char *p;

	if (n == 0)
		return 0;
	quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || s[n - 1] == ' ';
	guard = guard && strchr("=+-@\t", s[0]) != NULL;
	if (quote)
		rc = dbuf_addc(b, '"');
	if (rc == 0 && guard)
		rc = dbuf_addc(b, '\'');
	for (p = s; rc == 0 && *p; p++) {
		if (*p == '"')
			rc = dbuf_addc(b, '"');
		if (rc == 0)
			rc = dbuf_addc(b, *p);
	}
	if (rc == 0 && quote)
		rc = dbuf_addc(b, '"');
	return rc;
}

int csv_text(struct dbuf *b, const char *s)
{
	return csv_field(b, s, 1);
}

int csv_raw(struct dbuf *b, const char *s)
{
	return csv_field(b, s, 0);
}

int csv_int(struct dbuf *b, long long v)
{
	return dbuf_addf(b, "%lld", v);
}

int csv_real(struct dbuf *b, double v, int decimals)
{
	if (!isfinite(v))
		return 0;
	return dbuf_addf(b, "%.*f", decimals, v);
}

int csv_sep(struct dbuf *b)
{
	return dbuf_addc(b, ',');
}

int csv_eol(struct dbuf *b)
{
	return dbuf_add(b, "\r\n", 2);
}

/* XML 1.0 Char production. */
static int xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
	       (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

int xml_text(struct dbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	uint32_t c;
	int len, rc = 0;

	while (rc == 0 && n > 0) {
		len = utf8_decode(p, n, &c);
		if (len == 0) {
			p++;
			n--;
			continue;
		}
		switch (c) {
		case '&': rc = dbuf_adds(b, "&amp;"); break;
		case '<': rc = dbuf_adds(b, "&lt;"); break;
		case '>': rc = dbuf_adds(b, "&gt;"); break;
		case '"': rc = dbuf_adds(b, "&quot;"); break;
		case '\'': rc = dbuf_adds(b, "&apos;"); break;
		default:
			if (xml_char(c))
				rc = dbuf_add(b, p, (size_t)len);
		}
		p += len;
		n -= (size_t)len;
	}
	return rc;
}
