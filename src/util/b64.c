/*
 * b64.c - strict base64 and hex codecs.
 *
 * Decoding rejects anything that would let two different strings stand for
 * the same bytes: missing or extra padding, non-zero bits in the last
 * character before the padding, and characters outside the alphabet.
 */
#include "util/b64.h"
#include "util/err.h"

static const char b64_alpha[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void b64_encode_to(char *s, const uint8_t *p, size_t n)
{
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		s[o++] = b64_alpha[v >> 18];
		s[o++] = b64_alpha[v >> 12 & 63];
		s[o++] = b64_alpha[v >> 6 & 63];
		s[o++] = b64_alpha[v & 63];
	}
	if (n - i == 1) {
		v = (uint32_t)p[i] << 16;
		s[o++] = b64_alpha[v >> 18];
		s[o++] = b64_alpha[v >> 12 & 63];
		s[o++] = '=';
		s[o++] = '=';
	} else if (n - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		s[o++] = b64_alpha[v >> 18];
		s[o++] = b64_alpha[v >> 12 & 63];
		s[o++] = b64_alpha[v >> 6 & 63];
		s[o++] = '=';
	}
	s[o] = '\0';
}

int b64_encode(struct dbuf *out, const uint8_t *p, size_t n)
{
	char chunk[B64_ENCODED_LEN(768) + 1];
	size_t old = out->len, i, k;
	int rc = 0;

	/* 768 bytes encode to whole groups, so chunks concatenate cleanly. */
	for (i = 0; i < n; i += k) {
		k = n - i < 768 ? n - i : 768;
		b64_encode_to(chunk, p + i, k);
		rc = dbuf_add(out, chunk, B64_ENCODED_LEN(k));
		if (rc) {
			out->len = old;
			if (out->p)
				out->p[old] = '\0';
			return rc;
		}
	}
	return 0;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int b64_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, o = 0, pad = 0, total;
	int v[4], k;

	if (n % 4 != 0)
		return DIP_EINVAL;
	if (n >= 1 && u[n - 1] == '=')
		pad++;
	if (n >= 2 && u[n - 2] == '=')
		pad++;
	total = n / 4 * 3 - pad;
	if (total > cap)
		return DIP_ELIMIT;
	for (i = 0; i < n; i += 4) {
		for (k = 0; k < 4; k++) {
			if (i + 4 == n && k >= 4 - (int)pad)
				v[k] = 0;
			else if ((v[k] = b64_value(u[i + k])) < 0)
				return DIP_EINVAL;
		}
		out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (i + 4 < n || pad < 2)
			out[o++] = (uint8_t)((v[1] & 15) << 4 | v[2] >> 2);
		if (i + 4 < n || pad < 1)
			out[o++] = (uint8_t)((v[2] & 3) << 6 | v[3]);
	}
	/* Canonical form: the bits dropped by the padding are zero. */
	if (pad == 2 && (v[1] & 15) != 0)
		return DIP_EINVAL;
	if (pad == 1 && (v[2] & 3) != 0)
		return DIP_EINVAL;
	*outlen = o;
	return 0;
}

void hex_encode(char *s, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		s[2 * i] = hex[p[i] >> 4];
		s[2 * i + 1] = hex[p[i] & 15];
	}
	s[2 * n] = '\0';
}

int hex_is_lower(const char *s, size_t n)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *s, size_t n, uint8_t *out)
{
	size_t i;
	int hi, lo;

	if (n % 2 != 0)
		return DIP_EINVAL;
	for (i = 0; i < n; i += 2) {
		hi = hex_value((unsigned char)s[i]);
		lo = hex_value((unsigned char)s[i + 1]);
		if (hi < 0 || lo < 0)
			return DIP_EINVAL;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
