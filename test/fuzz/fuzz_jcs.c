/*
 * fuzz_jcs.c - libFuzzer harness for the RFC 8785 serializer: any JSON
 * jansson accepts is canonicalised without crashing, and canonical output
 * read back canonicalises to the same bytes (idempotence).
 * Built by "make fuzz" (mk/fuzz.mk); seeds in test/fuzz/corpus/jcs/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/jcs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL), *w;
	struct dbuf a, b;

	if (v == NULL)
		return 0;
	dbuf_init(&a, 1 << 20);
	dbuf_init(&b, 1 << 20);
	if (jcs_serialize(v, &a, NULL) == 0) {
		/* Integers past 2^63 written by the number formatter do not read
		 * back into jansson; everything else must be a fixed point. */
		w = json_loadb(a.p, a.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		if (w != NULL) {
			if (jcs_serialize(w, &b, NULL) != 0 || a.len != b.len ||
			    memcmp(a.p, b.p, a.len) != 0)
				abort();
			json_decref(w);
		}
	}
	dbuf_free(&a);
	dbuf_free(&b);
	json_decref(v);
	return 0;
}
