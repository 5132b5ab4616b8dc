/*
 * jcs.h - the JSON Canonicalization Scheme (RFC 8785) for jansson values.
 *
 * Log entries, receipts' leaves and certificates are hashed and signed as
 * their canonical JSON bytes, so two programs that hold the same JSON value
 * must produce the same bytes.  jcs_serialize writes that form: no
 * whitespace, object members sorted by the UTF-16 code units of their names,
 * strings escaped exactly as RFC 8785 section 3.2.2.2 says (only '"', '\\'
 * and controls; \b \t \n \f \r short forms, other controls as \u00xx
 * lowercase), and numbers as ECMAScript's Number.prototype.toString prints
 * them (shortest representation that reads back to the same double).
 *
 * Integers are written exactly.  RFC 8785 numbers are IEEE 754 doubles, so
 * an integer is accepted only when the double a JSON parser reads it as
 * prints back as the same digits: every integer within +-2^53, and larger
 * ones such as 2e17; others (2^53 + 1, which JSON.parse reads as 2^53) are
 * refused rather than rounded.  Non-finite reals cannot occur in jansson.
 */
#ifndef DIP_JCS_H
#define DIP_JCS_H

#include <jansson.h>

#include "util/buf.h"
#include "util/err.h"

/* Nesting deeper than this is refused (DIP_ELIMIT). */
#define JCS_MAX_DEPTH 64

/* Appends the canonical form of v to out.  0; DIP_EINVAL (e names the
 * member path, e.g. "entry.size") for an integer refused as above or a string
 * that is not valid UTF-8; DIP_ELIMIT when nesting exceeds JCS_MAX_DEPTH
 * or out's ceiling is reached; DIP_ENOMEM.  On failure out may hold a
 * partial result; reset it.  The canonical form read back by jansson and
 * serialized again gives the same bytes. */
int jcs_serialize(const json_t *v, struct dbuf *out, struct dip_error *e);

/* Formats d as ECMAScript's Number.prototype.toString does into out (32
 * bytes room, NUL-terminated).  0, or DIP_EINVAL for NaN and infinities. */
int jcs_format_double(double d, char out[32]);

#endif
