/*
 * fuzz_receipt.c - libFuzzer harness for led_receipt_verify: any bytes as
 * a receipt, checked against a fixed log key and two witness keys.
 * Built by "make fuzz" (mk/fuzz.mk); seeds in test/fuzz/corpus/receipt/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ledger/receipt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct led_verifier *keys[3];
	struct led_verify_opts o = { 0 };
	struct led_verify_result res;

	if (keys[0] == NULL &&
	    (led_verifier_parse("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
				&keys[0], NULL) != 0 ||
	     led_verifier_parse("w1.example+e5db3522+BFETZbSF8gBUPOYcGanNft1LLjNEaxW28lyUHLY5vWfD",
				&keys[1], NULL) != 0 ||
	     led_verifier_parse("dipreg.example/log+a0beb25d+/3NtMi1zbTMEqd8fcO3CCtMInZCIGfI2trjf+PRHSAeW5H2xmy8zsISkn+OdbUW8a5KINnJunRv7fOgF3b9P2Dvkrgb2EaFjMA==",
				&keys[2], NULL) != 0))
		abort();
	o.log_keys = keys;
	o.nlog = 1;
	o.witnesses = keys + 1;
	o.nwitnesses = 2;
	o.quorum = 1;
	led_receipt_verify((const char *)data, size, &o, &res, NULL);
	led_verify_result_release(&res);
	return 0;
}
