/*
 * test_merkle.c - RFC 9162 Merkle trees, checked against a deliberately
 * naive implementation written here straight from the RFC's recursive
 * definitions (MTH, PATH, PROOF/SUBPROOF), for every tree size 1..64, every
 * leaf index and every pair of sizes, plus tampering of every proof hash.
 */
#include "testutil.h"

#include "crypto/hash.h"
#include "ledger/merkle.h"
#include "util/b64.h"
#include "util/err.h"

#define MAXN 64

/* ---- the naive model: byte strings in, RFC 9162 section 2.1 verbatim ---- */

static uint8_t data[MAXN][8];
static size_t data_len[MAXN];
static enum crypto_hash_alg model_alg;

static void H(const uint8_t *p, size_t n, uint8_t out[32])
{
	assert_int_equal(crypto_hash(model_alg, p, n, out), 0);
}

static void naive_mth(size_t lo, size_t hi, uint8_t out[32])
{
	uint8_t buf[65];
	size_t n = hi - lo, k;

	if (n == 0) {
		H(NULL, 0, out);
		return;
	}
	if (n == 1) {
		buf[0] = 0x00;
		memcpy(buf + 1, data[lo], data_len[lo]);
		H(buf, 1 + data_len[lo], out);
		return;
	}
	for (k = 1; k * 2 < n; k *= 2)
		;
	buf[0] = 0x01;
	naive_mth(lo, lo + k, buf + 1);
	naive_mth(lo + k, hi, buf + 33);
	H(buf, 65, out);
}

static void naive_path(size_t m, size_t lo, size_t hi, led_hash *out, size_t *n)
{
	size_t k, len = hi - lo;

	if (len <= 1)
		return;
	for (k = 1; k * 2 < len; k *= 2)
		;
	if (m - lo < k) {
		naive_path(m, lo, lo + k, out, n);
		naive_mth(lo + k, hi, out[(*n)++]);
	} else {
		naive_path(m, lo + k, hi, out, n);
		naive_mth(lo, lo + k, out[(*n)++]);
	}
}

static void naive_subproof(size_t m, size_t lo, size_t hi, int b, led_hash *out, size_t *n)
{
	size_t k, len = hi - lo;

	if (m == len) {
		if (!b)
			naive_mth(lo, hi, out[(*n)++]);
		return;
	}
	for (k = 1; k * 2 < len; k *= 2)
		;
	if (m <= k) {
		naive_subproof(m, lo, lo + k, b, out, n);
		naive_mth(lo + k, hi, out[(*n)++]);
	} else {
		naive_subproof(m - k, lo + k, hi, 0, out, n);
		naive_mth(lo, lo + k, out[(*n)++]);
	}
}

/* Node source for the module under test, answering from the model. */
static int model_node(void *ud, int level, uint64_t index, uint8_t out[32])
{
	uint64_t lo = index << level, hi = (index + 1) << level;

	(void)ud;
	if (hi > MAXN)
		return DIP_ENOTFOUND;
	naive_mth((size_t)lo, (size_t)hi, out);
	return 0;
}

static void setup_data(enum crypto_hash_alg alg)
{
	size_t i;

	model_alg = alg;
	for (i = 0; i < MAXN; i++) {
		data_len[i] = i % 8;
		memset(data[i], (int)(i * 37 + 1), sizeof(data[i]));
	}
}

static void leaf_hash(size_t i, uint8_t out[32])
{
	assert_int_equal(led_hash_leaf(model_alg, data[i], data_len[i], out), 0);
}

/* ---- tests ---- */

static void test_rfc6962_reference_tree(void **state)
{
	/* The eight-leaf tree used by RFC 6962 implementations' test suites
	 * (certificate-transparency): its root is a published constant. */
	static const char *leaves[] = { "", "00", "10", "2021", "3031", "40414243",
					 "5051525354555657", "606162636465666768696a6b6c6d6e6f" };
	led_hash lh[8];
	uint8_t raw[16], root[32];
	char hex[65];
	size_t i;

	(void)state;
	for (i = 0; i < 8; i++) {
		assert_int_equal(hex_decode(leaves[i], strlen(leaves[i]), raw), 0);
		assert_int_equal(led_hash_leaf(CRYPTO_SHA256, raw, strlen(leaves[i]) / 2, lh[i]), 0);
	}
	hex_encode(hex, lh[0], 32);
	assert_string_equal(hex, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
	assert_int_equal(led_mth(CRYPTO_SHA256, lh, 8, root), 0);
	hex_encode(hex, root, 32);
	assert_string_equal(hex, "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
	assert_int_equal(led_mth(CRYPTO_SHA256, lh, 0, root), 0);
	hex_encode(hex, root, 32);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void mth_matches_model(enum crypto_hash_alg alg)
{
	led_hash lh[MAXN];
	uint8_t a[32], b[32];
	struct led_node_source src = { model_node, NULL, alg };
	size_t n, i;

	setup_data(alg);
	for (i = 0; i < MAXN; i++)
		leaf_hash(i, lh[i]);
	for (n = 0; n <= MAXN; n++) {
		naive_mth(0, n, a);
		assert_int_equal(led_mth(alg, lh, n, b), 0);
		assert_memory_equal(a, b, 32);
		src.alg = alg;
		assert_int_equal(led_root(&src, n, b), 0);
		assert_memory_equal(a, b, 32);
	}
}

static void test_mth_matches_naive_sha256(void **state)
{
	(void)state;
	mth_matches_model(CRYPTO_SHA256);
}

static void test_mth_matches_naive_sm3(void **state)
{
	(void)state;
	mth_matches_model(CRYPTO_SM3);
}

static void inclusion_all(enum crypto_hash_alg alg, int sources)
{
	struct led_node_source model = { model_node, NULL, alg }, arr;
	struct led_leaves lv;
	led_hash want[LED_PROOF_MAX], got[LED_PROOF_MAX], lh[MAXN];
	uint8_t root[32], leaf[32], other[32];
	size_t n, m, wn, gn, j;

	setup_data(alg);
	for (m = 0; m < MAXN; m++)
		leaf_hash(m, lh[m]);
	led_leaves_source(&arr, &lv, alg, lh, MAXN);
	for (n = 1; n <= MAXN; n++) {
		naive_mth(0, n, root);
		for (m = 0; m < n; m++) {
			wn = 0;
			naive_path(m, 0, n, want, &wn);
			assert_int_equal(led_prove_inclusion(sources ? &arr : &model, m, n, got, &gn), 0);
			assert_int_equal(gn, wn);
			assert_memory_equal(got, want, wn * 32);
			leaf_hash(m, leaf);
			assert_int_equal(led_verify_inclusion(alg, m, n, leaf, got, gn, root), 0);
			/* Every proof hash matters. */
			for (j = 0; j < gn; j++) {
				got[j][j % 32] ^= 0x01;
				assert_int_equal(led_verify_inclusion(alg, m, n, leaf, got, gn, root),
						 DIP_ECRYPTO);
				got[j][j % 32] ^= 0x01;
			}
			/* A different leaf, index, size, or proof length fails. */
			leaf_hash((m + 1) % MAXN, other);
			assert_int_equal(led_verify_inclusion(alg, m, n, other, got, gn, root),
					 DIP_ECRYPTO);
			if (n > 1)
				assert_int_equal(led_verify_inclusion(alg, (m + 1) % n, n, leaf, got, gn,
								      root),
						 DIP_ECRYPTO);
			/* The size is bound through the root it was signed with: the
			 * same path can fit a larger tree, but not that tree's root. */
			if (n < MAXN) {
				naive_mth(0, n + 1, other);
				assert_int_equal(led_verify_inclusion(alg, m, n + 1, leaf, got, gn,
								      other),
						 DIP_ECRYPTO);
			}
			assert_int_equal(led_verify_inclusion(alg, m, n, leaf, got, gn + 1, root),
					 DIP_ECRYPTO);
			if (gn > 0)
				assert_int_equal(led_verify_inclusion(alg, m, n, leaf, got, gn - 1,
								      root),
						 DIP_ECRYPTO);
			assert_int_equal(led_verify_inclusion(alg, n, n, leaf, got, gn, root),
					 DIP_ECRYPTO);
		}
	}
	assert_int_equal(led_prove_inclusion(&model, 5, 5, got, &gn), DIP_EINVAL);
}

static void test_inclusion_every_index_sizes_1_to_64(void **state)
{
	(void)state;
	inclusion_all(CRYPTO_SHA256, 0);
}

static void test_inclusion_from_leaf_array_sm3(void **state)
{
	(void)state;
	inclusion_all(CRYPTO_SM3, 1);
}

static void test_consistency_every_pair_sizes_1_to_64(void **state)
{
	struct led_node_source model = { model_node, NULL, CRYPTO_SHA256 };
	led_hash want[LED_PROOF_MAX], got[LED_PROOF_MAX];
	uint8_t r1[32], r2[32], r3[32];
	size_t m, n, wn, gn, j;

	(void)state;
	setup_data(CRYPTO_SHA256);
	for (n = 1; n <= MAXN; n++) {
		naive_mth(0, n, r2);
		for (m = 1; m <= n; m++) {
			naive_mth(0, m, r1);
			wn = 0;
			if (m < n)
				naive_subproof(m, 0, n, 1, want, &wn);
			assert_int_equal(led_prove_consistency(&model, m, n, got, &gn), 0);
			assert_int_equal(gn, wn);
			assert_memory_equal(got, want, wn * 32);
			assert_int_equal(
				led_verify_consistency(CRYPTO_SHA256, m, n, r1, r2, got, gn), 0);
			for (j = 0; j < gn; j++) {
				got[j][31 - j % 32] ^= 0x80;
				assert_int_equal(led_verify_consistency(CRYPTO_SHA256, m, n, r1, r2,
									got, gn),
						 DIP_ECRYPTO);
				got[j][31 - j % 32] ^= 0x80;
			}
			/* Wrong old root, wrong new root, wrong sizes. */
			r1[0] ^= 1;
			assert_int_equal(
				led_verify_consistency(CRYPTO_SHA256, m, n, r1, r2, got, gn),
				DIP_ECRYPTO);
			r1[0] ^= 1;
			r2[5] ^= 1;
			assert_int_equal(
				led_verify_consistency(CRYPTO_SHA256, m, n, r1, r2, got, gn),
				DIP_ECRYPTO);
			r2[5] ^= 1;
			if (m < n) {
				naive_mth(0, m + 1, r3);
				if (m + 1 < n)
					assert_int_equal(led_verify_consistency(CRYPTO_SHA256, m + 1,
										n, r3, r2, got, gn),
							 DIP_ECRYPTO);
				if (n < MAXN) {
					naive_mth(0, n + 1, r3);
					assert_int_equal(led_verify_consistency(CRYPTO_SHA256, m,
										n + 1, r1, r3, got,
										gn),
							 DIP_ECRYPTO);
				}
				assert_int_equal(led_verify_consistency(CRYPTO_SHA256, m, n, r1, r2,
									got, 0),
						 DIP_ECRYPTO);
			}
		}
	}
	/* Edge cases: empty old tree, equal sizes, shrinking. */
	naive_mth(0, 0, r1);
	naive_mth(0, 10, r2);
	assert_int_equal(led_prove_consistency(&model, 0, 10, got, &gn), 0);
	assert_int_equal(gn, 0);
	assert_int_equal(led_verify_consistency(CRYPTO_SHA256, 0, 10, r1, r2, got, 0), 0);
	assert_int_equal(led_verify_consistency(CRYPTO_SHA256, 10, 10, r2, r2, got, 0), 0);
	assert_int_equal(led_verify_consistency(CRYPTO_SHA256, 10, 10, r1, r2, got, 0), DIP_ECRYPTO);
	assert_int_equal(led_prove_consistency(&model, 11, 10, got, &gn), DIP_EINVAL);
	assert_int_equal(led_verify_consistency(CRYPTO_SHA256, 11, 10, r2, r2, got, 0), DIP_ECRYPTO);
}

static void test_range_hash_alignment(void **state)
{
	struct led_node_source model = { model_node, NULL, CRYPTO_SHA256 };
	uint8_t a[32], b[32];

	(void)state;
	setup_data(CRYPTO_SHA256);
	assert_int_equal(led_range_hash(&model, 32, 45, a), 0);
	naive_mth(32, 45, b);
	assert_memory_equal(a, b, 32);
	assert_int_equal(led_range_hash(&model, 8, 45, a), DIP_EINVAL);
	assert_int_equal(led_range_hash(&model, 8, 8, a), DIP_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6962_reference_tree),
		cmocka_unit_test(test_mth_matches_naive_sha256),
		cmocka_unit_test(test_mth_matches_naive_sm3),
		cmocka_unit_test(test_inclusion_every_index_sizes_1_to_64),
		cmocka_unit_test(test_inclusion_from_leaf_array_sm3),
		cmocka_unit_test(test_consistency_every_pair_sizes_1_to_64),
		cmocka_unit_test(test_range_hash_alignment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
