/*
 * utf8.h - just enough UTF-8 for validation, length limits and tokenizing.
 */
#ifndef DIP_UTF8_H
#define DIP_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s (n bytes available).  Returns the number of
 * bytes used (1-4) and stores the code point, or 0 for an invalid or
 * truncated sequence (overlongs, surrogates and values past U+10FFFF are
 * invalid). */
int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* The length (1-4) of the well-formed character at s (n > 0 bytes
 * available), by the byte ranges of Unicode's table 3-7: the second byte's
 * range excludes overlong forms (E0, F0), surrogates (ED) and code points
 * past U+10FFFF (F4).  0 for an invalid or truncated sequence.  The same
 * lengths as utf8_decode, without the code point; inline, since the
 * validation of every stored string steps through it. */
static inline int utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0], lo, hi;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
		return n >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
		return n >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
		       (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}
/* Writes cp as UTF-8 into out (4 bytes room); returns the byte count. */
int utf8_encode(uint32_t cp, char out[4]);
/* 1 when the n bytes are valid UTF-8 without NUL bytes. */
int utf8_valid(const char *s, size_t n);
/* 1 when the n bytes are valid UTF-8, NUL bytes allowed (a JSON string
 * may hold U+0000). */
int utf8_well_formed(const char *s, size_t n);
/* Number of code points in valid UTF-8. */
size_t utf8_count(const char *s, size_t n);
/* 1 when the string has a control character other than tab, CR and LF. */
int utf8_has_control(const char *s);

#endif
