/*
 * fuzz_tiles.c - libFuzzer harness for tile paths, entry bundles, base64
 * and inclusion-proof verification: parsers must not crash, a parsed path
 * must print back to the same string, and decoded base64 must encode back
 * to its input (one accepted spelling per value).
 * Built by "make fuzz" (mk/fuzz.mk); seeds in test/fuzz/corpus/tiles/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/merkle.h"
#include "ledger/tiles.h"
#include "util/b64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), back[LED_TILE_PATH_MAX], *enc;
	const uint8_t *p = data, *ent;
	size_t left = size, len, n;
	uint8_t *dec;
	uint64_t index;
	unsigned width;
	int level;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (led_tile_path_parse(s, &level, &index, &width) == 0) {
		if (led_tile_path(back, sizeof(back), level, index, width) != 0 || strcmp(back, s) != 0)
			abort();
	}
	while (led_bundle_next(&p, &left, &ent, &len) == 1)
		;
	dec = malloc(size + 1);
	enc = malloc(B64_ENCODED_LEN(size) + 1);
	if (dec && enc && b64_decode(s, size, dec, size + 1, &n) == 0) {
		b64_encode_to(enc, dec, n);
		if (strlen(enc) != size || memcmp(enc, s, size) != 0)
			abort();
	}
	/* index, size, then proof hashes and a leaf from the rest. */
	if (size >= 16 + 32) {
		uint64_t idx, sz;
		uint8_t root[32];

		memcpy(&idx, data, 8);
		memcpy(&sz, data + 8, 8);
		led_root_from_inclusion(CRYPTO_SHA256, idx % 1000, sz % 2000, data + 16,
					(const led_hash *)(data + 16), (size - 16) / 32 > 64 ? 64 : (size - 16) / 32,
					root);
		led_verify_consistency(CRYPTO_SHA256, idx % 1000, sz % 2000, data + 16, data + 16,
				       (const led_hash *)(data + 16),
				       (size - 16) / 32 > 64 ? 64 : (size - 16) / 32);
	}
	free(dec);
	free(enc);
	free(s);
	return 0;
}
