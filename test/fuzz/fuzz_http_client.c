/*
 * fuzz_http_client.c - libFuzzer harness for the HTTP response parser
 * (util/http_client.c), which reads what a registry, or anything posing as
 * one, sends to dipreg witness: no input may crash it, at any split point
 * or body ceiling, and a complete response stays within the ceiling.
 * Built by "make fuzz" (mk/fuzz.mk); seeds in test/fuzz/corpus/http_client/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "util/buf.h"
#include "util/http_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t ceilings[] = { 0, 1, 64, 8192 };
	struct dbuf body;
	size_t i;
	int status = 0, rc;

	for (i = 0; i < sizeof(ceilings) / sizeof(ceilings[0]); i++) {
		dbuf_init(&body, ceilings[i]);
		rc = httpc_parse_response((const char *)data, size, 1, &status, &body);
		if (rc == 0 && (status < 100 || status > 599 ||
				(ceilings[i] && body.len > ceilings[i])))
			abort();
		/* The same bytes before the connection ended. */
		httpc_parse_response((const char *)data, size / 2, 0, &status, &body);
		dbuf_free(&body);
	}
	return 0;
}
