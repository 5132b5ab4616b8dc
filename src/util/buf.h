/*
 * buf.h - growable byte buffers with a ceiling.
 *
 * Anything filled from the network or a file grows through a struct dbuf,
 * whose max stops growth at a known size: appending past it fails with
 * DIP_ELIMIT and leaves the buffer as it was.  The contents are always
 * NUL-terminated (the NUL is not counted in len), so text can be used as a
 * C string.  A zeroed struct with max 0 means "no ceiling".
 */
#ifndef DIP_BUF_H
#define DIP_BUF_H

#include <stddef.h>
#include <stdint.h>

struct dbuf {
	char *p;     /* owned; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max;  /* 0 = unlimited */
};

void dbuf_init(struct dbuf *b, size_t max);
void dbuf_free(struct dbuf *b);
/* Empties the buffer, keeping its memory. */
void dbuf_reset(struct dbuf *b);
/* 0, DIP_ELIMIT past max, DIP_ENOMEM. */
int dbuf_add(struct dbuf *b, const void *p, size_t n);
int dbuf_adds(struct dbuf *b, const char *s);
int dbuf_addc(struct dbuf *b, char c);
int dbuf_addf(struct dbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends n bytes as lowercase hex. */
int dbuf_addhex(struct dbuf *b, const uint8_t *p, size_t n);
/* Makes room for n more bytes; 0, DIP_ELIMIT past max, DIP_ENOMEM. */
int dbuf_reserve(struct dbuf *b, size_t n);
/* Hands the memory to the caller (free() it) and resets b. */
char *dbuf_detach(struct dbuf *b, size_t *len);

/* Copies the string src into dst of n > 0 bytes, cut short to fit and
 * always terminated, as snprintf(dst, n, "%s", src) does without reading
 * a format: for copies made on every request. */
void str_copy(char *dst, size_t n, const char *src);

#endif
