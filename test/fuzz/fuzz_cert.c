/*
 * fuzz_cert.c - libFuzzer harness for certificate verification: any bytes
 * as a certificate document, checked against a fixed log key.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ledger/certificate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct led_verifier *keys[1];
	struct led_verify_opts o = { 0 };
	struct led_verify_result res;
	json_t *body = NULL;

	if (keys[0] == NULL &&
	    led_verifier_parse("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
			       &keys[0], NULL) != 0)
		abort();
	o.log_keys = keys;
	o.nlog = 1;
	led_cert_verify((const char *)data, size, &o, &res, &body, NULL);
	json_decref(body);
	led_verify_result_release(&res);
	return 0;
}
