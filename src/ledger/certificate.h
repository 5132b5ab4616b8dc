/*
 * certificate.h - electronic certificates as signed, logged documents
 * (Arts. 12, 13, 21, 22).
 *
 * A certificate is one JSON document:
 *
 *     {"type": "dipreg-certificate/v1",
 *      "certificate": { the certified facts: numbers, holders, dataset,
 *                       dates, version, registry },
 *      "signatures": [{"name": <key name>, "key_id": "<8 hex>",
 *                      "type": "ed25519" | "sm2",
 *                      "value": "<base64 signature of JCS(certificate)>"}],
 *      "receipt": { a dipreg-receipt/v1 (receipt.h) of the log entry
 *                   that published it; the entry's "certificate" member is
 *                   exactly the certificate above }}
 *
 * So a certificate proves itself twice over, offline: the registry's
 * signature says who issued it, and the receipt shows it was published in
 * the transparency log at a checkpoint that witnesses may have cosigned,
 * so it cannot have been made up afterwards or altered since (Art. 21).
 * Whether it is still in force (renewed, changed, cancelled, revoked) is a
 * question for the registry's public record, which the QR code opens.
 */
#ifndef DIP_LEDGER_CERTIFICATE_H
#define DIP_LEDGER_CERTIFICATE_H

#include <jansson.h>

#include "ledger/note.h"
#include "ledger/receipt.h"
#include "util/err.h"

#define LED_CERT_TYPE "dipreg-certificate/v1"

/* A new document {"type", "certificate", "signatures"} for body, signed by
 * each of the n signers (Ed25519 or SM2).  *doc is a new reference. */
int led_cert_sign(const json_t *body, struct led_signer *const *signers, size_t n,
		  json_t **doc, struct dip_error *e);

/* Verifies the certificate document json[0..len): a valid signature by
 * one of opts->log_keys (and no invalid one by a key it knows), the
 * receipt as led_receipt_verify does, and that the receipt's entry carries
 * exactly this certificate.  res is filled as far as verification got and
 * released with led_verify_result_release; *body (when not NULL) receives
 * a reference to the certificate.  0, DIP_EINVAL (malformed), DIP_ELIMIT,
 * DIP_ECRYPTO ("bad signature: ...", "proof mismatch: ...", "not the
 * logged certificate: ...", "quorum not met: ..."). */
int led_cert_verify(const char *json, size_t len, const struct led_verify_opts *opts,
		    struct led_verify_result *res, json_t **body, struct dip_error *e);

#endif
