/*
 * jsontext.c - a JSON reply written with one member already serialised.
 */
#include "util/jsontext.h"

#include <string.h>

#define FLAGS (JSON_COMPACT | JSON_ENCODE_ANY)

/* A key as a JSON string: as it is when nothing in it needs escaping. */
static int dump_key(const char *k, json_dump_callback_t cb, void *data)
{
	const unsigned char *p;
	json_t *s;
	int rc;

	for (p = (const unsigned char *)k; *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\'; p++)
		;
	if (*p == '\0')
		return cb("\"", 1, data) || cb(k, (size_t)(p - (const unsigned char *)k), data) ||
		       cb("\"", 1, data) ? -1 : 0;
	s = json_string(k);
	rc = s ? json_dump_callback(s, cb, data, FLAGS) : -1;
	json_decref(s);
	return rc;
}

int json_dump_with_text(const json_t *json, const char *key, const char *text,
			json_dump_callback_t cb, void *data)
{
	const char *k;
	json_t *v;
	int first = 1;

	if (key == NULL || text == NULL || !json_is_object(json) ||
	    json_object_get(json, key) == NULL)
		return json_dump_callback(json, cb, data, FLAGS);
	if (cb("{", 1, data))
		return -1;
	/* jansson keeps an object's members in the order they were set and
	 * writes them in that order. */
	json_object_foreach((json_t *)json, k, v) {
		if ((!first && cb(",", 1, data)) || dump_key(k, cb, data) || cb(":", 1, data))
			return -1;
		first = 0;
		if (strcmp(k, key) == 0 ? cb(text, strlen(text), data)
					: json_dump_callback(v, cb, data, FLAGS))
			return -1;
	}
	return cb("}", 1, data);
}
