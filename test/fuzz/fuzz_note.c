/*
 * fuzz_note.c - libFuzzer harness for the signed-note, checkpoint and
 * verifier-key parsers (ledger/note.c, ledger/checkpoint.c): no input may
 * crash them, and a note that parses must verify or fail cleanly.
 * Built by "make fuzz" (mk/fuzz.mk); seeds in test/fuzz/corpus/note/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/checkpoint.h"
#include "ledger/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct led_verifier *v;
	struct led_sig_result res;
	struct led_checkpoint cp;
	struct led_note n;
	char *s;

	if (v == NULL &&
	    led_verifier_parse("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", &v,
			       NULL) != 0)
		abort();
	if (led_note_parse((const char *)data, size, &n, NULL) == 0) {
		led_note_verify(&n, &v, 1, &res, NULL);
		led_checkpoint_parse(n.text, n.text_len, &cp, NULL);
		led_note_release(&n);
	}
	led_checkpoint_parse((const char *)data, size, &cp, NULL);
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	{
		struct led_verifier *x = NULL;

		if (led_verifier_parse(s, &x, NULL) == 0)
			led_verifier_free(x);
	}
	free(s);
	return 0;
}
