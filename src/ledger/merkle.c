/*
 * merkle.c - RFC 9162 Merkle tree hashing, proof generation and
 * verification.
 *
 * Generation follows the RFC's recursive definitions literally, splitting
 * at k, the largest power of two smaller than n; each left part is then a
 * complete subtree the source can name, and each right part a range whose
 * start is aligned, which led_range_hash folds from complete subtrees.
 * Verification is the iterative algorithm of RFC 9162 2.1.3.2 and 2.1.4.2,
 * step for step.
 */
#include "ledger/merkle.h"
#include "util/err.h"

#include <string.h>

int led_hash_leaf(enum crypto_hash_alg alg, const void *d, size_t n, uint8_t out[LED_HASH_LEN])
{
	static const uint8_t zero = 0x00;
	const void *parts[2] = { &zero, d };
	size_t lens[2] = { 1, n };

	return crypto_hash_parts(alg, parts, lens, 2, out);
}

int led_hash_children(enum crypto_hash_alg alg, const uint8_t l[LED_HASH_LEN],
		      const uint8_t r[LED_HASH_LEN], uint8_t out[LED_HASH_LEN])
{
	uint8_t buf[1 + 2 * LED_HASH_LEN];

	buf[0] = 0x01;
	memcpy(buf + 1, l, LED_HASH_LEN);
	memcpy(buf + 1 + LED_HASH_LEN, r, LED_HASH_LEN);
	return crypto_hash(alg, buf, sizeof(buf), out);
}

/* The largest power of two smaller than n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
	uint64_t k = 1;

	while (k < n - k)
		k <<= 1;
	return k;
}

static int bit_length(uint64_t x)
{
	int b = 0;

	while (x) {
		b++;
		x >>= 1;
	}
	return b;
}

int led_mth(enum crypto_hash_alg alg, const led_hash *leaves, uint64_t n, uint8_t out[LED_HASH_LEN])
{
	/* A stack of complete subtrees whose sizes are decreasing powers of
	 * two, merged as equal sizes meet (the binary counter). */
	led_hash stack[65];
	int level[65], top = 0, rc;
	uint64_t i;

	if (n == 0)
		return crypto_hash(alg, "", 0, out);
	for (i = 0; i < n; i++) {
		memcpy(stack[top], leaves[i], LED_HASH_LEN);
		level[top++] = 0;
		while (top >= 2 && level[top - 1] == level[top - 2]) {
			rc = led_hash_children(alg, stack[top - 2], stack[top - 1], stack[top - 2]);
			if (rc)
				return rc;
			level[top - 2]++;
			top--;
		}
	}
	/* Fold the remaining peaks from the right: RFC 9162's tree puts the
	 * smaller subtrees on the right. */
	while (top >= 2) {
		rc = led_hash_children(alg, stack[top - 2], stack[top - 1], stack[top - 2]);
		if (rc)
			return rc;
		top--;
	}
	memcpy(out, stack[0], LED_HASH_LEN);
	return 0;
}

int led_range_hash(const struct led_node_source *src, uint64_t start, uint64_t end,
		   uint8_t out[LED_HASH_LEN])
{
	led_hash peaks[64];
	uint64_t n, pos = start, size;
	int np = 0, rc, lv;

	if (end <= start)
		return DIP_EINVAL;
	n = end - start;
	/* start must be aligned to the subtree that holds the range. */
	lv = bit_length(n - 1);
	if (lv < 64 && (start & ((1ULL << lv) - 1)) != 0)
		return DIP_EINVAL;
	/* The range splits into complete subtrees of the sizes of n's set
	 * bits, largest first. */
	for (lv = 63; lv >= 0; lv--) {
		size = 1ULL << lv;
		if (!(n & size))
			continue;
		rc = src->node(src->ud, lv, pos >> lv, peaks[np++]);
		if (rc)
			return rc;
		pos += size;
	}
	while (np >= 2) {
		rc = led_hash_children(src->alg, peaks[np - 2], peaks[np - 1], peaks[np - 2]);
		if (rc)
			return rc;
		np--;
	}
	memcpy(out, peaks[0], LED_HASH_LEN);
	return 0;
}

int led_root(const struct led_node_source *src, uint64_t size, uint8_t out[LED_HASH_LEN])
{
	if (size == 0)
		return crypto_hash(src->alg, "", 0, out);
	return led_range_hash(src, 0, size, out);
}

/* The complete subtree [start, start + k) with k a power of two. */
static int complete(const struct led_node_source *src, uint64_t start, uint64_t k,
		    uint8_t out[LED_HASH_LEN])
{
	int lv = bit_length(k) - 1;

	return src->node(src->ud, lv, start >> lv, out);
}

/* PATH(m, D[lo:hi]) appended to proof (deepest first). */
static int path(const struct led_node_source *src, uint64_t m, uint64_t lo, uint64_t hi,
		led_hash *proof, size_t *n)
{
	uint64_t k;
	int rc;

	if (hi - lo <= 1)
		return 0;
	k = split_point(hi - lo);
	if (m < lo + k) {
		rc = path(src, m, lo, lo + k, proof, n);
		if (rc == 0)
			rc = led_range_hash(src, lo + k, hi, proof[*n]);
	} else {
		rc = path(src, m, lo + k, hi, proof, n);
		if (rc == 0)
			rc = complete(src, lo, k, proof[*n]);
	}
	if (rc == 0)
		(*n)++;
	return rc;
}

int led_prove_inclusion(const struct led_node_source *src, uint64_t index, uint64_t size,
			led_hash proof[LED_PROOF_MAX], size_t *n)
{
	*n = 0;
	if (index >= size)
		return DIP_EINVAL;
	return path(src, index, 0, size, proof, n);
}

/* SUBPROOF(m, D[lo:hi], b) appended to proof. */
static int subproof(const struct led_node_source *src, uint64_t m, uint64_t lo, uint64_t hi, int b,
		    led_hash *proof, size_t *n)
{
	uint64_t k;
	int rc;

	if (m == hi - lo) {
		if (b)
			return 0;
		rc = led_range_hash(src, lo, hi, proof[*n]);
		if (rc == 0)
			(*n)++;
		return rc;
	}
	k = split_point(hi - lo);
	if (m <= k) {
		rc = subproof(src, m, lo, lo + k, b, proof, n);
		if (rc == 0)
			rc = led_range_hash(src, lo + k, hi, proof[*n]);
	} else {
		rc = subproof(src, m - k, lo + k, hi, 0, proof, n);
		if (rc == 0)
			rc = complete(src, lo, k, proof[*n]);
	}
	if (rc == 0)
		(*n)++;
	return rc;
}

int led_prove_consistency(const struct led_node_source *src, uint64_t size1, uint64_t size2,
			  led_hash proof[LED_PROOF_MAX], size_t *n)
{
	*n = 0;
	if (size1 > size2)
		return DIP_EINVAL;
	if (size1 == 0 || size1 == size2)
		return 0;
	return subproof(src, size1, 0, size2, 1, proof, n);
}

int led_root_from_inclusion(enum crypto_hash_alg alg, uint64_t index, uint64_t size,
			    const uint8_t leaf[LED_HASH_LEN], const led_hash *proof, size_t n,
			    uint8_t out[LED_HASH_LEN])
{
	uint64_t fn, sn;
	uint8_t r[LED_HASH_LEN];
	size_t i;
	int rc;

	if (index >= size)
		return DIP_ECRYPTO;
	fn = index;
	sn = size - 1;
	memcpy(r, leaf, LED_HASH_LEN);
	for (i = 0; i < n; i++) {
		if (sn == 0)
			return DIP_ECRYPTO;
		if ((fn & 1) || fn == sn) {
			rc = led_hash_children(alg, proof[i], r, r);
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			rc = led_hash_children(alg, r, proof[i], r);
		}
		if (rc)
			return rc;
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return DIP_ECRYPTO;
	memcpy(out, r, LED_HASH_LEN);
	return 0;
}

int led_verify_inclusion(enum crypto_hash_alg alg, uint64_t index, uint64_t size,
			 const uint8_t leaf[LED_HASH_LEN], const led_hash *proof, size_t n,
			 const uint8_t root[LED_HASH_LEN])
{
	uint8_t got[LED_HASH_LEN];
	int rc = led_root_from_inclusion(alg, index, size, leaf, proof, n, got);

	if (rc)
		return rc == DIP_ECRYPTO ? rc : DIP_ECRYPTO;
	return memcmp(got, root, LED_HASH_LEN) == 0 ? 0 : DIP_ECRYPTO;
}

int led_verify_consistency(enum crypto_hash_alg alg, uint64_t size1, uint64_t size2,
			   const uint8_t root1[LED_HASH_LEN], const uint8_t root2[LED_HASH_LEN],
			   const led_hash *proof, size_t n)
{
	uint8_t fr[LED_HASH_LEN], sr[LED_HASH_LEN];
	uint64_t fn, sn;
	size_t i = 0;
	int rc;

	if (size1 > size2)
		return DIP_ECRYPTO;
	if (size1 == size2)
		return n == 0 && memcmp(root1, root2, LED_HASH_LEN) == 0 ? 0 : DIP_ECRYPTO;
	if (size1 == 0)
		return n == 0 ? 0 : DIP_ECRYPTO;
	/* Step 1. */
	if (n == 0)
		return DIP_ECRYPTO;
	/* Steps 2 and 5: when size1 is a power of two, the proof starts
	 * implicitly with root1. */
	if ((size1 & (size1 - 1)) == 0) {
		memcpy(fr, root1, LED_HASH_LEN);
	} else {
		memcpy(fr, proof[0], LED_HASH_LEN);
		i = 1;
	}
	memcpy(sr, fr, LED_HASH_LEN);
	/* Steps 3 and 4. */
	fn = size1 - 1;
	sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	/* Step 6. */
	for (; i < n; i++) {
		if (sn == 0)
			return DIP_ECRYPTO;
		if ((fn & 1) || fn == sn) {
			if ((rc = led_hash_children(alg, proof[i], fr, fr)) ||
			    (rc = led_hash_children(alg, proof[i], sr, sr)))
				return rc;
			if (!(fn & 1))
				while (fn != 0 && !(fn & 1)) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			if ((rc = led_hash_children(alg, sr, proof[i], sr)))
				return rc;
		}
		fn >>= 1;
		sn >>= 1;
	}
	/* Step 7. */
	if (sn != 0 || memcmp(fr, root1, LED_HASH_LEN) != 0 || memcmp(sr, root2, LED_HASH_LEN) != 0)
		return DIP_ECRYPTO;
	return 0;
}

static int leaves_node(void *ud, int level, uint64_t index, uint8_t out[LED_HASH_LEN])
{
	struct led_leaves *lv = ud;

	if (level < 0 || level > 63)
		return DIP_EINVAL;
	/* Complete means (index + 1) * 2^level <= n. */
	if (index >= (lv->n >> level))
		return DIP_ENOTFOUND;
	return led_mth(lv->alg, lv->leaves + (index << level), 1ULL << level, out);
}

void led_leaves_source(struct led_node_source *src, struct led_leaves *lv, enum crypto_hash_alg alg,
		       const led_hash *leaves, uint64_t n)
{
	lv->leaves = leaves;
	lv->n = n;
	lv->alg = alg;
	src->node = leaves_node;
	src->ud = lv;
	src->alg = alg;
}
