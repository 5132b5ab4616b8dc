/*
 * jsontext.c - compact JSON written straight into a buffer.
 */
#include "util/jsontext.h"
#include "util/err.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* A string between quotes, escaped as jansson escapes it without
 * JSON_ENSURE_ASCII: the quote, the backslash and control characters;
 * everything else, UTF-8 included, as it is. */
static int put_string(struct dbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
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

static int put_integer(struct dbuf *b, json_int_t v)
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
		return put_integer(b, json_integer_value(v));
	case JSON_REAL:
		return put_real(b, v);
	case JSON_STRING:
		return put_string(b, json_string_value(v), json_string_length(v));
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
				rc = put_string(b, k, n);
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

