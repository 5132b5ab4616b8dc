/*
 * jcs.c - RFC 8785 canonical JSON.
 *
 * Numbers: the shortest decimal that round-trips is found by printing with
 * increasing precision (%.*e, which glibc rounds correctly) until strtod
 * gives the same double back; ECMAScript then chooses between plain and
 * exponent notation by the decimal exponent (ECMA-262, Number::toString).
 * Member order: UTF-8 byte order equals code point order, which differs
 * from UTF-16 code unit order only between U+E000..U+FFFF and supplementary
 * characters, so the comparison maps each code point to its first UTF-16
 * unit before comparing.
 */
#include "util/jcs.h"
#include "util/jsontext.h"
#include "util/utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes integer i as RFC 8785 would print the double a JSON parser reads
 * it as, and returns 0 when that is i's own decimal spelling, so that an
 * integer parser and a double parser (JSON.parse) agree on the value:
 * always within +-2^53, and beyond for integers such as 2e17 or
 * 3333333333310000000 whose nearest double prints back as the same digits.
 * DIP_EINVAL otherwise (2^53 + 1 reads as 2^53). */
static int integer_text(json_int_t i, char out[32])
{
	char dbl[32];

	snprintf(out, 32, "%lld", (long long)i);
	if (i <= 9007199254740992LL && i >= -9007199254740992LL)
		return 0;
	if (jcs_format_double((double)i, dbl) != 0 || strcmp(dbl, out) != 0)
		return DIP_EINVAL;
	return 0;
}

/* Reads digits[0..k) x 10^(exp10 - k + 1), with sign, back as a double. */
static double digits_value(const char *digits, int k, int exp10, int neg)
{
	char buf[48];
	int o = 0, i;

	if (neg)
		buf[o++] = '-';
	buf[o++] = digits[0];
	buf[o++] = '.';
	for (i = 1; i < k; i++)
		buf[o++] = digits[i];
	snprintf(buf + o, sizeof(buf) - (size_t)o, "e%d", exp10);
	return strtod(buf, NULL);
}

/* Adds delta (+1 or -1) to the last of k digits, carrying; keeps k digits
 * and adjusts exp10 when the leading digit carries out or borrows away.
 * Returns 0 when the result is not a k-digit number with a non-zero lead. */
static int digits_step(char *digits, int k, int *exp10, int delta)
{
	int i;

	for (i = k - 1; i >= 0; i--) {
		int v = digits[i] - '0' + delta;

		if (v >= 0 && v <= 9) {
			digits[i] = (char)('0' + v);
			break;
		}
		digits[i] = delta > 0 ? '0' : '9';
	}
	if (i < 0) {
		if (delta < 0)
			return 0;
		/* 99..9 + 1 = 100..0: one more digit, shifted into k. */
		digits[0] = '1';
		(*exp10)++;
	}
	if (digits[0] == '0') {
		/* 10..0 - 1 = 099..9: one digit fewer, then pad with 9. */
		memmove(digits, digits + 1, (size_t)(k - 1));
		digits[k - 1] = '9';
		(*exp10)--;
	}
	return 1;
}

/* The shortest digits (k of them, no trailing zeros) with decimal exponent
 * exp10 that read back as d, the closest to d when several of that length
 * do.  The correctly rounded p-digit string is the closest; when it does not
 * read back but a neighbour does (the rounding interval of a power of two
 * is lopsided), the neighbour is the answer for that length. */
static void shortest_digits(double d, char digits[20], int *k, int *exp10)
{
	char buf[40], up[20], down[20];
	int prec, n, eu, ed, oku, okd;
	const char *p;
	char *end;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, fabs(d));
		n = 0;
		for (p = buf; *p && *p != 'e'; p++)
			if (*p >= '0' && *p <= '9')
				digits[n++] = *p;
		*exp10 = (int)strtol(p + 1, &end, 10);
		if (strtod(buf, NULL) == fabs(d))
			break;
		if (prec == 17)
			break;
		memcpy(up, digits, (size_t)n);
		memcpy(down, digits, (size_t)n);
		eu = ed = *exp10;
		oku = digits_step(up, n, &eu, 1) && digits_value(up, n, eu, 0) == fabs(d);
		okd = digits_step(down, n, &ed, -1) && digits_value(down, n, ed, 0) == fabs(d);
		if (oku && okd) {
			/* Both neighbours read back: take the closer one. */
			long double lu, ld;
			char tb[48];

			snprintf(tb, sizeof(tb), "%c.%.*se%d", up[0], n - 1, up + 1, eu);
			lu = strtold(tb, NULL) - (long double)fabs(d);
			snprintf(tb, sizeof(tb), "%c.%.*se%d", down[0], n - 1, down + 1, ed);
			ld = (long double)fabs(d) - strtold(tb, NULL);
			okd = ld < lu;
			oku = !okd;
		}
		if (oku) {
			memcpy(digits, up, (size_t)n);
			*exp10 = eu;
			break;
		}
		if (okd) {
			memcpy(digits, down, (size_t)n);
			*exp10 = ed;
			break;
		}
	}
	while (n > 1 && digits[n - 1] == '0')
		n--;
	*k = n;
}

int jcs_format_double(double d, char out[32])
{
	char digits[20];
	int k = 0, n, exp10, i, o = 0;

	if (!isfinite(d))
		return DIP_EINVAL;
	if (d == 0) {
		/* Both zeros print as "0". */
		out[0] = '0';
		out[1] = '\0';
		return 0;
	}
	shortest_digits(d, digits, &k, &exp10);
	if (d < 0)
		out[o++] = '-';
	n = exp10 + 1; /* the decimal point sits after n digits */
	if (k <= n && n <= 21) {
		for (i = 0; i < k; i++)
			out[o++] = digits[i];
		for (i = 0; i < n - k; i++)
			out[o++] = '0';
	} else if (0 < n && n <= 21) {
		for (i = 0; i < n; i++)
			out[o++] = digits[i];
		out[o++] = '.';
		for (; i < k; i++)
			out[o++] = digits[i];
	} else if (-6 < n && n <= 0) {
		out[o++] = '0';
		out[o++] = '.';
		for (i = 0; i < -n; i++)
			out[o++] = '0';
		for (i = 0; i < k; i++)
			out[o++] = digits[i];
	} else {
		out[o++] = digits[0];
		if (k > 1) {
			out[o++] = '.';
			for (i = 1; i < k; i++)
				out[o++] = digits[i];
		}
		o += snprintf(out + o, (size_t)(32 - o), "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
	}
	out[o] = '\0';
	return 0;
}

struct member {
	const char *key;
	size_t len;
	json_t *value;
};

/* The first UTF-16 code unit of code point cp. */
static uint32_t utf16_lead(uint32_t cp)
{
	return cp < 0x10000 ? cp : 0xd800 + ((cp - 0x10000) >> 10);
}

static int cmp_utf16(const void *pa, const void *pb)
{
	const struct member *a = pa, *b = pb;
	const unsigned char *x = (const unsigned char *)a->key, *y = (const unsigned char *)b->key;
	size_t i = 0, j = 0;
	uint32_t ca, cb, ua, ub;
	int ka, kb;

	while (i < a->len && j < b->len) {
		ka = utf8_decode(x + i, a->len - i, &ca);
		kb = utf8_decode(y + j, b->len - j, &cb);
		if (ka == 0 || kb == 0) /* invalid UTF-8 was refused before sorting */
			return ka == 0 ? (kb == 0 ? 0 : -1) : 1;
		if (ca != cb) {
			ua = utf16_lead(ca);
			ub = utf16_lead(cb);
			/* Same lead surrogate: the trail units order as the code points do. */
			if (ua == ub)
				return ca < cb ? -1 : 1;
			return ua < ub ? -1 : 1;
		}
		i += (size_t)ka;
		j += (size_t)kb;
	}
	if (i < a->len)
		return 1;
	if (j < b->len)
		return -1;
	return 0;
}

/* path is the dotted member path for messages, in a fixed buffer. */
static int put_value(const json_t *v, struct dbuf *out, int depth, char *path, size_t pathlen,
		     struct dip_error *e)
{
	const char *where = path[0] ? path : "value";
	char num[32];
	int rc = 0;

	if (depth > JCS_MAX_DEPTH)
		return dip_fail(e, DIP_ELIMIT, path, "%s: nested deeper than %d levels", where,
				JCS_MAX_DEPTH);
	switch (json_typeof(v)) {
	case JSON_NULL:
		return dbuf_adds(out, "null");
	case JSON_TRUE:
		return dbuf_adds(out, "true");
	case JSON_FALSE:
		return dbuf_adds(out, "false");
	case JSON_INTEGER:
		if (integer_text(json_integer_value(v), num) != 0)
			return dip_fail(e, DIP_EINVAL, path,
					"%s: integer %lld would not read back as the same number "
					"(RFC 8785 numbers are IEEE 754 doubles)",
					where, (long long)json_integer_value(v));
		return dbuf_adds(out, num);
	case JSON_REAL:
		if (jcs_format_double(json_real_value(v), num) != 0)
			return dip_fail(e, DIP_EINVAL, path, "%s: not a finite number", where);
		return dbuf_adds(out, num);
	case JSON_STRING:
		if (!utf8_well_formed(json_string_value(v), json_string_length(v)))
			return dip_fail(e, DIP_EINVAL, path, "%s: string is not valid UTF-8", where);
		return json_text_string(out, json_string_value(v), json_string_length(v), 0);
	case JSON_ARRAY: {
		size_t i, n = json_array_size(v);

		if ((rc = dbuf_addc(out, '[')))
			return rc;
		for (i = 0; i < n; i++) {
			if (i && (rc = dbuf_addc(out, ',')))
				return rc;
			rc = put_value(json_array_get(v, i), out, depth + 1, path, pathlen, e);
			if (rc)
				return rc;
		}
		return dbuf_addc(out, ']');
	}
	case JSON_OBJECT: {
		size_t n = json_object_size(v), i = 0, plen = strlen(path);
		struct member *m;
		void *it;

		m = calloc(n ? n : 1, sizeof(*m));
		if (m == NULL)
			return DIP_ENOMEM;
		for (it = json_object_iter((json_t *)v); it && i < n;
		     it = json_object_iter_next((json_t *)v, it), i++) {
			m[i].key = json_object_iter_key(it);
			m[i].len = json_object_iter_key_len(it);
			m[i].value = json_object_iter_value(it);
			if (!utf8_well_formed(m[i].key, m[i].len)) {
				rc = dip_fail(e, DIP_EINVAL, path, "%s: member name is not valid UTF-8",
					      where);
				goto obj_out;
			}
		}
		n = i;
		qsort(m, n, sizeof(*m), cmp_utf16);
		if ((rc = dbuf_addc(out, '{')))
			goto obj_out;
		for (i = 0; i < n; i++) {
			if (i && (rc = dbuf_addc(out, ',')))
				goto obj_out;
			if ((rc = json_text_string(out, m[i].key, m[i].len, 0)) || (rc = dbuf_addc(out, ':')))
				goto obj_out;
			/* Extend the path with ".name" (or "name" at the top), truncated. */
			snprintf(path + plen, pathlen - plen, "%s%.*s", plen ? "." : "",
				 (int)(m[i].len > 64 ? 64 : m[i].len), m[i].key);
			rc = put_value(m[i].value, out, depth + 1, path, pathlen, e);
			path[plen] = '\0';
			if (rc)
				goto obj_out;
		}
		rc = dbuf_addc(out, '}');
obj_out:
		free(m);
		return rc;
	}
	}
	return dip_fail(e, DIP_EINVAL, path, "%s: unknown JSON type", where);
}

int jcs_serialize(const json_t *v, struct dbuf *out, struct dip_error *e)
{
	char path[96] = "";
	int rc;

	dip_error_clear(e);
	if (v == NULL)
		return dip_fail(e, DIP_EINVAL, "", "no JSON value");
	rc = put_value(v, out, 0, path, sizeof(path), e);
	if (rc == DIP_ELIMIT && e && e->message[0] == '\0')
		dip_fail(e, rc, "", "canonical JSON larger than allowed");
	if (rc == DIP_ENOMEM && e)
		dip_fail(e, rc, "", "out of memory");
	return rc;
}
