/*
 * idnum.h - identity numbers with their check characters.
 *
 * Natural persons identify with the 18-character citizen identity number
 * of GB 11643-1999 (居民身份证号码): 6-digit region, 8-digit birth date,
 * 3-digit sequence, check character 0-9 or X by ISO 7064 MOD 11-2.
 * Legal persons and unincorporated organisations identify with the unified
 * social credit code of GB 32100-2015 (统一社会信用代码): 18 characters over
 * the 31-character alphabet 0-9 and A-Y without I, O, S, V, Z, the last a
 * check character (MOD 31 with weights 3^i mod 31).
 */
#ifndef DIP_IDNUM_H
#define DIP_IDNUM_H

#include "util/err.h"

enum party_kind {
	PARTY_NATURAL = 1, /* 自然人 */
	PARTY_LEGAL = 2,   /* 法人 */
	PARTY_ORG = 3,     /* 非法人组织 */
};

/* 0 or DIP_EINVAL with a message naming field and the exact defect. */
int idnum_check_citizen(const char *s, const char *field, struct dip_error *e);
int idnum_check_uscc(const char *s, const char *field, struct dip_error *e);
/* Appends the check character to 17 characters (for generating test and
 * demo identities); out has room for 19 bytes. */
void idnum_complete_uscc(const char *base17, char out[19]);
void idnum_complete_citizen(const char *base17, char out[19]);
/* The check that fits the kind of party. */
int idnum_check(enum party_kind kind, const char *s, const char *field, struct dip_error *e);
/* The number as it may be published: a citizen number keeps its first six
 * and last four characters ("110105********123X"); a credit code is public
 * and stays whole.  out has room for 19 bytes. */
void idnum_mask(enum party_kind kind, const char *s, char out[19]);
/* "natural", "legal", "org" <-> enum; 0 or DIP_EINVAL. */
int party_kind_parse(const char *s, enum party_kind *out);
const char *party_kind_name(enum party_kind k);

#endif
