/*
 * certno.h - the two numbers of a data IP registration: the certificate
 * number and the registration number, in the national format the national
 * IP office prescribed for all pilot registries in September 2024.
 *
 * A certificate number names one issued certificate (a new version of a
 * registration gets a new certificate number); a registration number names
 * the registration through all its versions, renewals and changes.  Both
 * are printed on the certificate (Art. 13) and both are what the public
 * types into the search box (Art. 20), so parsing is strict and every kind
 * of mistake gets its own message.  docs/numbers.md explains the formats,
 * the codes and the check character with a worked example.
 *
 *   certificate number, 17 digits:   YYYY MM RRRR SSSSSSS
 *     year and month of issue, 4-digit registry code (the first four digits
 *     of the registry's GB/T 2260 division code: 1100 Beijing, 3100
 *     Shanghai, 4400 Guangdong, 4403 Shenzhen), 7-digit serial
 *
 *   registration number, 16 characters:   YYYY D T NNNNNNNNN C
 *     application year, data-source code, registrant-type code, 9-digit
 *     sequence, and a check character computed with ISO/IEC 7064 MOD 11-2
 *     over the first 15 characters (all digits): '0'-'9' or 'X'
 *
 * Pure functions: no I/O, no clock, no allocation; safe from any thread.
 * The serial and the sequence come from the caller's counters, which must
 * never hand out a value twice.
 */
#ifndef DIP_CERTNO_H
#define DIP_CERTNO_H

#include <stdint.h>

#include "util/err.h"

#define CERTNO_CERT_LEN 17
#define CERTNO_REG_LEN 16
#define CERTNO_SERIAL_MAX 9999999u
#define CERTNO_SEQ_MAX 999999999u
#define CERTNO_YEAR_MIN 2000
#define CERTNO_YEAR_MAX 9999

/* Data-source codes (position 5 of the registration number).  When a
 * dataset has several sources, the code is that of the principal one (the
 * source of most records); the application keeps every source in full, and
 * rules such as the shorter validity of Art. 13 read the application, never
 * this code.  0, 6, 7 and 8 are reserved and rejected. */
enum certno_source {
	CERTNO_SRC_OWN = 1,       /* 自行生产或采集: produced or collected in the holder's own operations */
	CERTNO_SRC_PUBLIC_AUTH = 2, /* 公共数据授权运营: authorised operation of public data (Art. 13) */
	CERTNO_SRC_AGREEMENT = 3, /* 协议或许可获取: obtained from enterprises or persons by agreement or licence (Art. 13) */
	CERTNO_SRC_PURCHASE = 4,  /* 交易购买: bought, on a data exchange or directly */
	CERTNO_SRC_OPEN = 5,      /* 公开渠道收集: collected from lawfully public sources */
	CERTNO_SRC_OTHER = 9,     /* 其他: none of the above */
};

/* Registrant-type codes (position 6), after Art. 6.  Joint applicants (two
 * or more, of any types) always get 4.  0 and 5-9 are reserved. */
enum certno_registrant {
	CERTNO_REG_NATURAL = 1,   /* 自然人 */
	CERTNO_REG_LEGAL = 2,     /* 法人 */
	CERTNO_REG_UNINC = 3,     /* 非法人组织 */
	CERTNO_REG_JOINT = 4,     /* 共同申请 (two or more applicants) */
};

struct certno_cert {
	int year;          /* of issue, CERTNO_YEAR_MIN..CERTNO_YEAR_MAX */
	int month;         /* of issue, 1..12 */
	int registry;      /* 0..9999, see certno_registry_valid */
	uint32_t serial;   /* 1..CERTNO_SERIAL_MAX */
};

struct certno_reg {
	int year;          /* of application, CERTNO_YEAR_MIN..CERTNO_YEAR_MAX */
	int source;        /* enum certno_source */
	int registrant;    /* enum certno_registrant */
	uint32_t seq;      /* 1..CERTNO_SEQ_MAX */
};

/* 1 when code is a registry code: a province-level GB/T 2260 prefix (11,
 * 12, ..., 65, 71, 81, 82) followed by two digits. */
int certno_registry_valid(int code);

/* Writes the 17-digit certificate number and a NUL into out.  Fails with
 * DIP_EINVAL, field "certificate_number", when a part is out of range;
 * out is then the empty string. */
int certno_cert_format(const struct certno_cert *c, char out[CERTNO_CERT_LEN + 1],
		       struct dip_error *e);

/* Parses and validates a certificate number.  out may be NULL to validate
 * only.  DIP_EINVAL, field "certificate_number", with a message for: a NULL
 * or wrong-length string, a non-digit, a bad year or month, an unknown
 * registry code, a zero serial. */
int certno_cert_parse(const char *s, struct certno_cert *out, struct dip_error *e);

/* The ISO/IEC 7064 MOD 11-2 check character ('0'-'9' or 'X') of the n
 * ASCII digits at s, or 0 when one of them is not a digit. */
char certno_mod11_2(const char *s, int n);

/* Writes the 16-character registration number (with its check character)
 * and a NUL into out.  DIP_EINVAL, field "registration_number", when a part
 * is out of range or a code is not defined; out is then the empty string. */
int certno_reg_format(const struct certno_reg *r, char out[CERTNO_REG_LEN + 1],
		      struct dip_error *e);

/* Parses and validates a registration number; out may be NULL.  A
 * lowercase 'x' is accepted as the check character.  DIP_EINVAL, field
 * "registration_number", with distinct messages for: wrong length, a
 * character that is not a digit where one is due, a bad year, an undefined
 * data-source code, an undefined registrant-type code, a zero sequence, and
 * a check character that does not match (which never reveals the expected
 * one, so that a mistyped number is re-read, not "repaired"). */
int certno_reg_parse(const char *s, struct certno_reg *out, struct dip_error *e);

/* Names of the codes, static UTF-8: Chinese as printed on the certificate,
 * or NULL for an undefined code. */
const char *certno_source_name(int code);
const char *certno_registrant_name(int code);

#endif
