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
