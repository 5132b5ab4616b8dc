/*
 * jsontext.c - compact JSON written straight into a buffer.
 */
#include "util/jsontext.h"
#include "util/b64.h"
#include "util/err.h"
#include "util/utf8.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int json_text_string(struct dbuf *b, const char *s, size_t n, int upper)
{
	const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i, run = 0;
	char esc[7];
	const char *e;
	int rc = dbuf_addc(b, '"');

	for (i = 0; rc == 0 && i < n; i++) {
		if (p[i] >= 0x20 && p[i] != '"' && p[i] != '\\')
			continue;
		switch (p[i]) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[p[i] >> 4];
			esc[5] = hex[p[i] & 15];
			esc[6] = '\0';
			e = esc;
		}
		rc = dbuf_add(b, s + run, i - run);
		if (rc == 0)
			rc = dbuf_adds(b, e);
		run = i + 1;
	}
	if (rc == 0)
		rc = dbuf_add(b, s + run, n - run);
	return rc ? rc : dbuf_addc(b, '"');
}

int json_text_integer(struct dbuf *b, json_int_t v)
{
	char d[24], *p = d + sizeof(d);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	return dbuf_add(b, p, (size_t)(d + sizeof(d) - p));
}

/* A real as jansson writes it: rare in replies, so jansson writes it. */
static int put_real(struct dbuf *b, const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	int rc = s ? dbuf_adds(b, s) : DIP_EINVAL;

	free(s);
	return rc;
}

static int put(struct dbuf *b, const json_t *v, int depth, const char *key, const char *text)
{
	const char *k;
	void *it;
	size_t i, n;
	int rc, first = 1;

	switch (json_typeof(v)) {
	case JSON_NULL:
		return dbuf_add(b, "null", 4);
	case JSON_TRUE:
		return dbuf_add(b, "true", 4);
	case JSON_FALSE:
		return dbuf_add(b, "false", 5);
	case JSON_INTEGER:
		return json_text_integer(b, json_integer_value(v));
	case JSON_REAL:
		return put_real(b, v);
	case JSON_STRING:
		return json_text_string(b, json_string_value(v), json_string_length(v), 1);
	case JSON_ARRAY:
		if (depth >= JSON_TEXT_MAX_DEPTH)
			return DIP_EINVAL;
		rc = dbuf_addc(b, '[');
		n = json_array_size(v);
		for (i = 0; rc == 0 && i < n; i++) {
			if (i)
				rc = dbuf_addc(b, ',');
			if (rc == 0)
				rc = put(b, json_array_get(v, i), depth + 1, NULL, NULL);
		}
		return rc ? rc : dbuf_addc(b, ']');
	case JSON_OBJECT:
		if (depth >= JSON_TEXT_MAX_DEPTH)
			return DIP_EINVAL;
		rc = dbuf_addc(b, '{');
		/* Members in the order they were set, as jansson writes them. */
		for (it = json_object_iter((json_t *)v); rc == 0 && it;
		     it = json_object_iter_next((json_t *)v, it)) {
			k = json_object_iter_key(it);
			n = json_object_iter_key_len(it);
			if (!first)
				rc = dbuf_addc(b, ',');
			first = 0;
			if (rc == 0)
				rc = json_text_string(b, k, n, 1);
			if (rc == 0)
				rc = dbuf_addc(b, ':');
			if (rc)
				break;
			if (key && strlen(key) == n && memcmp(k, key, n) == 0)
				rc = dbuf_adds(b, text);
			else
				rc = put(b, json_object_iter_value(it), depth + 1, NULL, NULL);
		}
		return rc ? rc : dbuf_addc(b, '}');
	}
	return DIP_EINVAL;
}

int json_text_write(struct dbuf *b, const json_t *json, const char *key, const char *text)
{
	size_t len = b->len;
	int rc;

	if (json == NULL)
		return DIP_EINVAL;
	/* Room for the text and the rest of a reply, at once. */
	if (text && dbuf_reserve(b, strlen(text) + 2048) == DIP_ENOMEM)
		return DIP_ENOMEM;
	rc = put(b, json, 0, text ? key : NULL, text);
	if (rc && b->p) {
		b->len = len;
		b->p[len] = '\0';
	}
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

struct reader {
	const char *p, *end;
	int depth;
	struct dbuf tmp;   /* a string with escapes, unescaped */
};

static void skip_space(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

/* The code unit of the four hex digits at p, as \u writes it. */
static int hex4(const char *p, unsigned *out)
{
	uint8_t b[2];

	if (hex_decode(p, 4, b))
		return -1;
	*out = (unsigned)b[0] << 8 | b[1];
	return 0;
}

/* The string whose opening quote r->p is past: *s and *n point into the
 * text, or into r->tmp when it had escapes.  -1 for what json_loads
 * refuses (a control character, invalid UTF-8, a bad escape, \u0000). */
static int read_string(struct reader *r, const char **s, size_t *n)
{
	const char *q = r->p, *run;
	unsigned c, lo;
	char u[4];

	while (q < r->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
		q++;
	if (q < r->end && *q == '"') {
		if (!utf8_valid(r->p, (size_t)(q - r->p)))
			return -1;
		*s = r->p;
		*n = (size_t)(q - r->p);
		r->p = q + 1;
		return 0;
	}
	dbuf_reset(&r->tmp);
	run = r->p;
	for (;;) {
		while (q < r->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
			q++;
		if (q >= r->end || (unsigned char)*q < 0x20 || !utf8_valid(run, (size_t)(q - run)) ||
		    dbuf_add(&r->tmp, run, (size_t)(q - run)))
			return -1;
		if (*q == '"')
			break;
		if (q + 1 >= r->end)
			return -1;
		switch (q[1]) {
		case '"': case '\\': case '/':
			c = (unsigned char)q[1];
			q += 2;
			break;
		case 'b': c = '\b'; q += 2; break;
		case 'f': c = '\f'; q += 2; break;
		case 'n': c = '\n'; q += 2; break;
		case 'r': c = '\r'; q += 2; break;
		case 't': c = '\t'; q += 2; break;
		case 'u':
			if (r->end - q < 6 || hex4(q + 2, &c))
				return -1;
			q += 6;
			if (c >= 0xdc00 && c <= 0xdfff)
				return -1;
			if (c >= 0xd800 && c <= 0xdbff) {
				if (r->end - q < 6 || q[0] != '\\' || q[1] != 'u' || hex4(q + 2, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					return -1;
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				q += 6;
			}
			if (c == 0)
				return -1;
			break;
		default:
			return -1;
		}
		if (dbuf_add(&r->tmp, u, (size_t)utf8_encode(c, u)))
			return -1;
		run = q;
	}
	*s = r->tmp.p ? r->tmp.p : "";
	*n = r->tmp.len;
	r->p = q + 1;
	return 0;
}

/* An integer as json_loads reads one; NULL for a real, a leading zero,
 * "-0" or one too large, which json_loads is left to judge. */
static json_t *read_integer(struct reader *r)
{
	const char *q = r->p;
	uint64_t v = 0, limit;
	int neg = *q == '-';

	if (neg)
		q++;
	if (q >= r->end || *q < '0' || *q > '9' || (*q == '0' && q + 1 < r->end && q[1] >= '0' &&
						       q[1] <= '9'))
		return NULL;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; q < r->end && *q >= '0' && *q <= '9'; q++) {
		if (v > (limit - (uint64_t)(*q - '0')) / 10)
			return NULL;
		v = v * 10 + (uint64_t)(*q - '0');
	}
	if (q < r->end && (*q == '.' || *q == 'e' || *q == 'E'))
		return NULL;
	if (neg && v == 0)
		return NULL;
	r->p = q;
	if (!neg)
		return json_integer((json_int_t)v);
	return json_integer(v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(json_int_t)v);
}

static json_t *read_value(struct reader *r);

/* Past an opening bracket: 1, and past close too, when close follows. */
static int opens_empty(struct reader *r, char close)
{
	r->p++;
	skip_space(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 1;
	}
	return 0;
}

/* After an element or a member: 1 past a comma, 0 past close, -1 for
 * anything else. */
static int next(struct reader *r, char close)
{
	skip_space(r);
	if (r->p < r->end && (*r->p == ',' || *r->p == close))
		return *r->p++ == ',';
	return -1;
}

static json_t *read_array(struct reader *r)
{
	json_t *a = json_array(), *v;
	int more;

	if (opens_empty(r, ']'))
		return a;
	do {
		v = read_value(r);
		more = v == NULL || json_array_append_new(a, v) ? -1 : next(r, ']');
	} while (more == 1);
	if (more == 0)
		return a;
	json_decref(a);
	return NULL;
}

/* A member: "key" : value, into o. */
static int read_member(struct reader *r, json_t *o)
{
	const char *k;
	char *own = NULL;
	json_t *v;
	size_t n;
	int rc = -1;

	skip_space(r);
	if (r->p >= r->end || *r->p != '"')
		return -1;
	r->p++;
	if (read_string(r, &k, &n))
		return -1;
	/* The value may reuse r->tmp: a key with escapes is kept. */
	if (k == r->tmp.p) {
		own = malloc(n + 1);
		if (own == NULL)
			return -1;
		memcpy(own, k, n + 1);
		k = own;
	}
	skip_space(r);
	if (r->p < r->end && *r->p == ':') {
		r->p++;
		v = read_value(r);
		rc = v == NULL || json_object_setn_new_nocheck(o, k, n, v) ? -1 : 0;
	}
	free(own);
	return rc;
}

static json_t *read_object(struct reader *r)
{
	json_t *o = json_object();
	int more;

	if (opens_empty(r, '}'))
		return o;
	do
		more = read_member(r, o) ? -1 : next(r, '}');
	while (more == 1);
	if (more == 0)
		return o;
	json_decref(o);
	return NULL;
}

static json_t *read_value(struct reader *r)
{
	const char *s;
	size_t n, left;
	json_t *v;

	skip_space(r);
	if (r->p >= r->end)
		return NULL;
	left = (size_t)(r->end - r->p);
	switch (*r->p) {
	case '{':
	case '[':
		if (++r->depth > JSON_TEXT_MAX_DEPTH)
			return NULL;
		v = *r->p == '{' ? read_object(r) : read_array(r);
		r->depth--;
		return v;
	case '"':
		r->p++;
		return read_string(r, &s, &n) ? NULL : json_stringn_nocheck(s, n);
	case 't':
		if (left < 4 || memcmp(r->p, "true", 4))
			return NULL;
		r->p += 4;
		return json_true();
	case 'f':
		if (left < 5 || memcmp(r->p, "false", 5))
			return NULL;
		r->p += 5;
		return json_false();
	case 'n':
		if (left < 4 || memcmp(r->p, "null", 4))
			return NULL;
		r->p += 4;
		return json_null();
	default:
		return read_integer(r);
	}
}

json_t *json_text_loads(const char *s, json_error_t *error)
{
	struct reader r;
	json_t *v = NULL;

	r.p = s;
	r.end = s + strlen(s);
	r.depth = 0;
	dbuf_init(&r.tmp, 0);
	skip_space(&r);
	/* As json_loads without JSON_DECODE_ANY: an object or an array, then
	 * nothing but space. */
	if (r.p < r.end && (*r.p == '{' || *r.p == '[')) {
		v = read_value(&r);
		skip_space(&r);
		if (v && r.p != r.end) {
			json_decref(v);
			v = NULL;
		}
	}
	dbuf_free(&r.tmp);
	return v ? v : json_loads(s, 0, error);
}
