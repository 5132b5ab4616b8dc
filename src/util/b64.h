/*
 * b64.h - base64 (RFC 4648 section 4, standard alphabet, with padding) and
 * lowercase hex, the two text encodings of bytes that dipreg's formats use.
 *
 * Signed notes, checkpoints and receipts carry hashes and signatures as
 * base64; fingerprints and leaf hashes are shown in hex.  Decoding is strict
 * on purpose, because these strings are compared and signed: base64 must be
 * padded, may not contain whitespace or characters outside the alphabet, and
 * its unused trailing bits must be zero, so that every byte string has
 * exactly one accepted encoding.  Hex accepts upper and lower case.
 */
#ifndef DIP_B64_H
#define DIP_B64_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* Length of the base64 text for n bytes (without NUL). */
#define B64_ENCODED_LEN(n) ((((n) + 2) / 3) * 4)
/* Upper bound of the bytes decoded from n characters. */
#define B64_DECODED_MAX(n) (((n) / 4) * 3)

/* Appends the base64 encoding of p[0..n) to out.  0, DIP_ELIMIT past the
 * buffer's ceiling, DIP_ENOMEM. */
int b64_encode(struct dbuf *out, const uint8_t *p, size_t n);
/* Writes the base64 of p[0..n) and a NUL into s, which has room for
 * B64_ENCODED_LEN(n) + 1 bytes. */
void b64_encode_to(char *s, const uint8_t *p, size_t n);
/* Decodes the n characters at s into out (room for cap bytes) and stores
 * the decoded length.  0, DIP_EINVAL for anything but canonical padded
 * base64, DIP_ELIMIT when the result would not fit in cap bytes. */
int b64_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen);

/* Writes 2n lowercase hex digits and a NUL into s (2n + 1 bytes room). */
void hex_encode(char *s, const uint8_t *p, size_t n);
/* Decodes exactly n characters of hex into out, which must have room for
 * n / 2 bytes.  0, or DIP_EINVAL for an odd length or a non-hex digit. */
int hex_decode(const char *s, size_t n, uint8_t *out);
/* 1 when s is exactly n lowercase hex digits (a digest as dipreg writes
 * it), 0 otherwise; s may be NULL. */
int hex_is_lower(const char *s, size_t n);

#endif
