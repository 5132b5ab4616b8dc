/*
 * receipt.h - deposit receipts: one JSON document that proves, offline,
 * that a log entry is in the registry's log.
 *
 *     {"type": "dipreg-receipt/v1",
 *      "entry": { the log entry },
 *      "index": N,
 *      "leaf_hash": "<hex of H(0x00 || JCS(entry))>",
 *      "checkpoint": "<the signed checkpoint note, with any cosignatures>",
 *      "inclusion_proof": ["<base64 hash>", ...],
 *      "log": "<origin>"}
 *
 * The log's leaf for an entry is its RFC 8785 canonical JSON, so the
 * receipt may carry the entry in any formatting.  Verifying checks, in
 * this order, the shape and limits of the JSON, the log's signature on the
 * checkpoint, the leaf hash and the inclusion proof against the
 * checkpoint's root, and the number of valid witness cosignatures against
 * the quorum.  Members other than the seven above are refused.
 */
#ifndef DIP_LEDGER_RECEIPT_H
#define DIP_LEDGER_RECEIPT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "util/buf.h"
#include "util/err.h"

#define LED_RECEIPT_TYPE "dipreg-receipt/v1"
#define LED_RECEIPT_MAX (1024 * 1024)
#define LED_RECEIPT_MAX_DEPTH 32

struct led_verify_opts {
	struct led_verifier *const *log_keys; /* at least one */
	size_t nlog;
	struct led_verifier *const *witnesses;
	size_t nwitnesses;
	unsigned quorum;  /* valid witness cosignatures required */
	size_t max_size;  /* 0: LED_RECEIPT_MAX */
};

/* What failed, for callers that act on the kind; the message says more. */
enum led_verify_failure {
	LED_VERIFY_OK = 0,
	LED_VERIFY_MALFORMED, /* not a well-formed receipt */
	LED_VERIFY_SIGNATURE, /* "bad signature: ..." */
	LED_VERIFY_PROOF,     /* "proof mismatch: ..." */
	LED_VERIFY_QUORUM,    /* "quorum not met: ..." */
};

struct led_verify_result {
	enum led_verify_failure failure;
	uint64_t index;
	uint8_t leaf_hash[LED_HASH_LEN];
	struct led_checkpoint checkpoint;
	unsigned cosigned; /* valid witness cosignatures */
	json_t *entry;     /* the entry, a reference the result holds */
};

/* Verifies the receipt json[0..len) as described above.  res is filled as
 * far as verification got and must be released with
 * led_verify_result_release, also after a failure.  0 when everything
 * holds; DIP_ELIMIT past the size or depth limit; DIP_EINVAL for a
 * malformed receipt (the field names the member); DIP_ECRYPTO for a bad
 * signature, a proof mismatch or an unmet quorum, with the message
 * starting "bad signature: ", "proof mismatch: " or "quorum not met: ". */
int led_receipt_verify(const char *json, size_t len, const struct led_verify_opts *opts,
		       struct led_verify_result *res, struct dip_error *e);
void led_verify_result_release(struct led_verify_result *res);

/* Appends the receipt for entry (at index, with the given inclusion proof
 * in the tree of the signed checkpoint note) as compact JSON to out.  The
 * origin is taken from the checkpoint.  DIP_EINVAL when the entry cannot
 * be canonicalised or the checkpoint does not parse. */
int led_receipt_build(const json_t *entry, uint64_t index, const char *checkpoint, size_t cplen,
		      const led_hash *proof, size_t nproof, struct dbuf *out, struct dip_error *e);

/* The log leaf hash of entry: H(0x00 || JCS(entry)) with SHA-256.  Fails
 * as jcs_serialize. */
int led_entry_leaf_hash(const json_t *entry, uint8_t out[LED_HASH_LEN], struct dip_error *e);

#endif
