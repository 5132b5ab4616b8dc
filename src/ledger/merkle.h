/*
 * merkle.h - RFC 9162 section 2.1 Merkle trees: hashing, proofs and their
 * verification, with the hash algorithm as a parameter.
 *
 * The log uses SHA-256, as RFC 9162 and C2SP tlog-tiles require; dataset
 * fingerprints may use SM3.  With H the algorithm:
 *
 *     leaf hash   H(0x00 || d)
 *     node hash   H(0x01 || left || right)
 *     MTH({})     H()  (the hash of the empty string)
 *
 * Proofs are generated from a node-hash source: a callback that returns the
 * hash of any complete subtree, named by (level, index) = the subtree over
 * leaves [index * 2^level, (index + 1) * 2^level).  Level 0 are the leaf
 * hashes.  The tiles module is one such source; an array of leaf hashes is
 * another (led_leaves_source).  Proofs are arrays of at most LED_PROOF_MAX
 * hashes, in the order RFC 9162 defines (the leaf's sibling first).
 */
#ifndef DIP_LEDGER_MERKLE_H
#define DIP_LEDGER_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/hash.h"

#define LED_HASH_LEN 32
/* A tree of at most 2^64 - 1 leaves has proofs of at most 64 hashes;
 * consistency proofs may hold one more. */
#define LED_PROOF_MAX 65

typedef uint8_t led_hash[LED_HASH_LEN];

/* out = H(0x00 || d[0..n)).  0 or DIP_ECRYPTO. */
int led_hash_leaf(enum crypto_hash_alg alg, const void *d, size_t n, uint8_t out[LED_HASH_LEN]);
/* out = H(0x01 || l || r); out may alias l or r.  0 or DIP_ECRYPTO. */
int led_hash_children(enum crypto_hash_alg alg, const uint8_t l[LED_HASH_LEN],
		      const uint8_t r[LED_HASH_LEN], uint8_t out[LED_HASH_LEN]);
/* MTH over n leaf hashes (already H(0x00 || d) each); n = 0 gives H().
 * Uses O(log n) memory.  0 or DIP_ECRYPTO. */
int led_mth(enum crypto_hash_alg alg, const led_hash *leaves, uint64_t n, uint8_t out[LED_HASH_LEN]);

/* Where proofs get their hashes from.  node fills out with the hash of the
 * complete subtree (level, index) and returns 0, or a negative dip_err
 * (DIP_ENOTFOUND, DIP_EIO, ...) that is passed on to the caller. */
struct led_node_source {
	int (*node)(void *ud, int level, uint64_t index, uint8_t out[LED_HASH_LEN]);
	void *ud;
	enum crypto_hash_alg alg;
};

/* The MTH of leaves [start, end) where end - start > 0 and start is a
 * multiple of the smallest power of two >= end - start (every subtree the
 * RFC's recursion visits is so aligned).  DIP_EINVAL otherwise. */
int led_range_hash(const struct led_node_source *src, uint64_t start, uint64_t end,
		   uint8_t out[LED_HASH_LEN]);
/* The root of the tree of the given size (H() for size 0). */
int led_root(const struct led_node_source *src, uint64_t size, uint8_t out[LED_HASH_LEN]);
/* PATH(index, D[size]) of RFC 9162 2.1.3.1 into proof; *n gets its
 * length.  DIP_EINVAL when index >= size. */
int led_prove_inclusion(const struct led_node_source *src, uint64_t index, uint64_t size,
			led_hash proof[LED_PROOF_MAX], size_t *n);
/* PROOF(size1, D[size2]) of RFC 9162 2.1.4.1; empty when size1 is 0 or
 * equals size2.  DIP_EINVAL when size1 > size2. */
int led_prove_consistency(const struct led_node_source *src, uint64_t size1, uint64_t size2,
			  led_hash proof[LED_PROOF_MAX], size_t *n);

/* The root that an inclusion proof implies (RFC 9162 2.1.3.2 steps 1-4).
 * DIP_ECRYPTO when the proof has the wrong length for (index, size) or
 * index >= size. */
int led_root_from_inclusion(enum crypto_hash_alg alg, uint64_t index, uint64_t size,
			    const uint8_t leaf[LED_HASH_LEN], const led_hash *proof, size_t n,
			    uint8_t out[LED_HASH_LEN]);
/* 0 when proof shows leaf at index in the tree of size with the given
 * root, DIP_ECRYPTO otherwise. */
int led_verify_inclusion(enum crypto_hash_alg alg, uint64_t index, uint64_t size,
			 const uint8_t leaf[LED_HASH_LEN], const led_hash *proof, size_t n,
			 const uint8_t root[LED_HASH_LEN]);
/* 0 when proof shows the tree (size1, root1) is a prefix of (size2, root2)
 * (RFC 9162 2.1.4.2; size1 = 0 needs an empty proof, size1 = size2 an empty
 * proof and equal roots), DIP_ECRYPTO otherwise. */
int led_verify_consistency(enum crypto_hash_alg alg, uint64_t size1, uint64_t size2,
			   const uint8_t root1[LED_HASH_LEN], const uint8_t root2[LED_HASH_LEN],
			   const led_hash *proof, size_t n);

/* A node source over an array of n leaf hashes that the caller keeps
 * alive; node hashes are computed on demand, so it suits small trees
 * (fingerprints, tests, one-off receipts). */
struct led_leaves {
	const led_hash *leaves;
	uint64_t n;
	enum crypto_hash_alg alg;
};
void led_leaves_source(struct led_node_source *src, struct led_leaves *lv, enum crypto_hash_alg alg,
		       const led_hash *leaves, uint64_t n);

#endif
