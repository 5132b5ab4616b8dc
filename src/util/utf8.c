/*
 * utf8.c - UTF-8 decoding and checks.
 */
#include "util/utf8.h"

#include <string.h>

int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	int len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if ((size_t)len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Character by character (utf8_len): the same answers as decoding each
 * code point with utf8_decode, at a fraction of the cost: every string of
 * stored content is checked on every read.  A NUL byte passes only with
 * nul_ok. */
static int well_formed(const char *s, size_t n, int nul_ok)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	int k;

	while (p < end) {
		if (*p == 0 && !nul_ok)
			return 0;
		k = utf8_len(p, (size_t)(end - p));
		if (k == 0)
			return 0;
		p += k;
	}
	return 1;
}

int utf8_valid(const char *s, size_t n)
{
	return well_formed(s, n, 0);
}

int utf8_well_formed(const char *s, size_t n)
{
	return well_formed(s, n, 1);
}

size_t utf8_count(const char *s, size_t n)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}

int utf8_has_control(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
			return 1;
	return 0;
}
