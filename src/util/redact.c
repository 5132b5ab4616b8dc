/*
 * redact.c - passwords out of connection strings.
 */
#include "util/redact.h"
#include "util/buf.h"

#include <stdio.h>
#include <string.h>

void redact_password(const char *v, char *out, size_t n)
{
	const char *scheme = strstr(v, "://"), *at, *colon, *p;
	struct dbuf b;
	size_t i = 0;

	dbuf_init(&b, 0);
	if (scheme) {
		at = strchr(scheme + 3, '@');
		colon = memchr(scheme + 3, ':', at ? (size_t)(at - scheme - 3) : 0);
		if (at && colon) {
			dbuf_add(&b, v, (size_t)(colon - v) + 1);
			dbuf_adds(&b, "****");
			i = (size_t)(at - v);
		}
	}
	while (v[i]) {
		p = strstr(v + i, "password=");
		if (p == NULL) {
			dbuf_adds(&b, v + i);
			break;
		}
		dbuf_add(&b, v + i, (size_t)(p - v - (long)i) + 9);
		dbuf_adds(&b, "****");
		i = (size_t)(p - v) + 9;
		if (v[i] == '\'') {
			const char *q = strchr(v + i + 1, '\'');

			i = q ? (size_t)(q - v) + 1 : strlen(v);
		} else {
			i += strcspn(v + i, " &");
		}
	}
	snprintf(out, n, "%s", b.p ? b.p : "");
	dbuf_free(&b);
}

