/*
 * certno.c - formatting and strict parsing of certificate numbers and
 * registration numbers, and the ISO/IEC 7064 MOD 11-2 check character.
 *
 * Parsing checks in the order a person reading the message can act on:
 * length, then character classes, then each field's range or code, and the
 * check character last, so "check character does not match" always means a
 * well-formed number with a typo or a swap in it.
 */
#include "domain/certno.h"

#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

#define F_CERT "certificate_number"
#define F_REG "registration_number"

/* GB/T 2260 province-level prefixes. */
static const int provinces[] = {
	11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
	41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
	71, 81, 82,
};

int certno_registry_valid(int code)
{
	size_t i;

	if (code < 0 || code > 9999)
		return 0;
	for (i = 0; i < sizeof(provinces) / sizeof(provinces[0]); i++)
		if (provinces[i] == code / 100)
			return 1;
	return 0;
}

const char *certno_source_name(int code)
{
	switch (code) {
	case CERTNO_SRC_OWN: return "自行生产或采集";
	case CERTNO_SRC_PUBLIC_AUTH: return "公共数据授权运营";
	case CERTNO_SRC_AGREEMENT: return "协议或许可获取";
	case CERTNO_SRC_PURCHASE: return "交易购买";
	case CERTNO_SRC_OPEN: return "公开渠道收集";
	case CERTNO_SRC_OTHER: return "其他";
	}
	return NULL;
}

const char *certno_registrant_name(int code)
{
	switch (code) {
	case CERTNO_REG_NATURAL: return "自然人";
	case CERTNO_REG_LEGAL: return "法人";
	case CERTNO_REG_UNINC: return "非法人组织";
	case CERTNO_REG_JOINT: return "共同申请";
	}
	return NULL;
}

/* Value of the n digits at s; the caller has checked they are digits. */
static uint32_t digits_value(const char *s, int n)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v * 10 + (uint32_t)(s[i] - '0');
	return v;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Fails with a message on the first non-digit among the n characters at s
 * (positions counted from 1 as a person counts them). */
static int need_digits(const char *s, int from, int n, const char *field, const char *what,
		       struct dip_error *e)
{
	int i;

	for (i = from; i < from + n; i++) {
		if (is_digit(s[i]))
			continue;
		if ((unsigned char)s[i] > 0x20 && (unsigned char)s[i] < 0x7f)
			return dip_fail(e, DIP_EINVAL, field,
					"%s: character %d (\"%c\", %s) must be a digit",
					field, i + 1, s[i], what);
		return dip_fail(e, DIP_EINVAL, field,
				"%s: character %d (%s) must be a digit", field, i + 1, what);
	}
	return 0;
}

/* Fails when s is not exactly want bytes of ASCII; the message counts
 * characters as the person typed them. */
static int need_length(const char *s, size_t want, const char *field, struct dip_error *e)
{
	size_t n;

	if (s == NULL || s[0] == '\0')
		return dip_fail(e, DIP_EINVAL, field, "%s: missing", field);
	n = strlen(s);
	if (n == want)
		return 0;
	if (utf8_valid(s, n))
		n = utf8_count(s, n);
	return dip_fail(e, DIP_EINVAL, field, "%s: must be %zu characters, got %zu",
			field, want, n);
}

char certno_mod11_2(const char *s, int n)
{
	int i, p = 0;

	/* ISO/IEC 7064 pure system MOD 11-2, computed the recursive way:
	 * p = (p + digit) * 2 mod 11 for each digit, then the check value c
	 * makes (p + c) mod 11 == 1. */
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return 0;
		p = (p + (s[i] - '0')) * 2 % 11;
	}
	p = (12 - p) % 11;
	return p == 10 ? 'X' : (char)('0' + p);
}

int certno_cert_format(const struct certno_cert *c, char out[CERTNO_CERT_LEN + 1],
		       struct dip_error *e)
{
	int rc = DIP_EINVAL;

	out[0] = '\0';
	if (c->year < CERTNO_YEAR_MIN || c->year > CERTNO_YEAR_MAX) {
		dip_fail(e, rc, F_CERT, "%s: year of issue %d is outside %d-%d",
			 F_CERT, c->year, CERTNO_YEAR_MIN, CERTNO_YEAR_MAX);
		goto out;
	}
	if (c->month < 1 || c->month > 12) {
		dip_fail(e, rc, F_CERT, "%s: month of issue %d is outside 1-12", F_CERT, c->month);
		goto out;
	}
	if (!certno_registry_valid(c->registry)) {
		dip_fail(e, rc, F_CERT, "%s: registry code %04d is not a GB/T 2260 province prefix "
			 "and two digits (1100 Beijing, 3100 Shanghai, ...); check the setting",
			 F_CERT, c->registry);
		goto out;
	}
	if (c->serial < 1 || c->serial > CERTNO_SERIAL_MAX) {
		dip_fail(e, rc, F_CERT, "%s: serial %u is outside 1-%u",
			 F_CERT, (unsigned)c->serial, CERTNO_SERIAL_MAX);
		goto out;
	}
	snprintf(out, CERTNO_CERT_LEN + 1, "%04d%02d%04d%07u",
		 c->year, c->month, c->registry, (unsigned)c->serial);
	rc = 0;
out:
	return rc;
}

int certno_cert_parse(const char *s, struct certno_cert *out, struct dip_error *e)
{
	struct certno_cert c;
	int rc;

	rc = need_length(s, CERTNO_CERT_LEN, F_CERT, e);
	if (rc)
		goto out;
	rc = need_digits(s, 0, 4, F_CERT, "year of issue", e);
	if (rc == 0)
		rc = need_digits(s, 4, 2, F_CERT, "month of issue", e);
	if (rc == 0)
		rc = need_digits(s, 6, 4, F_CERT, "registry code", e);
	if (rc == 0)
		rc = need_digits(s, 10, 7, F_CERT, "serial", e);
	if (rc)
		goto out;
	c.year = (int)digits_value(s, 4);
	c.month = (int)digits_value(s + 4, 2);
	c.registry = (int)digits_value(s + 6, 4);
	c.serial = digits_value(s + 10, 7);
	rc = DIP_EINVAL;
	if (c.year < CERTNO_YEAR_MIN) {
		dip_fail(e, rc, F_CERT, "%s: year of issue %04d (characters 1-4) is before %d",
			 F_CERT, c.year, CERTNO_YEAR_MIN);
		goto out;
	}
	if (c.month < 1 || c.month > 12) {
		dip_fail(e, rc, F_CERT, "%s: month of issue %02d (characters 5-6) is not 01-12",
			 F_CERT, c.month);
		goto out;
	}
	if (!certno_registry_valid(c.registry)) {
		dip_fail(e, rc, F_CERT, "%s: registry code %04d (characters 7-10) is unknown",
			 F_CERT, c.registry);
		goto out;
	}
	if (c.serial == 0) {
		dip_fail(e, rc, F_CERT, "%s: serial (characters 11-17) is 0000000; serials start at 1",
			 F_CERT);
		goto out;
	}
	if (out)
		*out = c;
	rc = 0;
out:
	return rc;
}

int certno_reg_format(const struct certno_reg *r, char out[CERTNO_REG_LEN + 1],
		      struct dip_error *e)
{
	int rc = DIP_EINVAL;

	out[0] = '\0';
	if (r->year < CERTNO_YEAR_MIN || r->year > CERTNO_YEAR_MAX) {
		dip_fail(e, rc, F_REG, "%s: application year %d is outside %d-%d",
			 F_REG, r->year, CERTNO_YEAR_MIN, CERTNO_YEAR_MAX);
		goto out;
	}
	if (certno_source_name(r->source) == NULL) {
		dip_fail(e, rc, F_REG, "%s: data-source code %d is not defined (1-5 or 9)",
			 F_REG, r->source);
		goto out;
	}
	if (certno_registrant_name(r->registrant) == NULL) {
		dip_fail(e, rc, F_REG, "%s: registrant-type code %d is not defined (1-4)",
			 F_REG, r->registrant);
		goto out;
	}
	if (r->seq < 1 || r->seq > CERTNO_SEQ_MAX) {
		dip_fail(e, rc, F_REG, "%s: sequence %u is outside 1-%u",
			 F_REG, (unsigned)r->seq, CERTNO_SEQ_MAX);
		goto out;
	}
	snprintf(out, CERTNO_REG_LEN + 1, "%04d%d%d%09u",
		 r->year, r->source, r->registrant, (unsigned)r->seq);
	out[CERTNO_REG_LEN - 1] = certno_mod11_2(out, CERTNO_REG_LEN - 1);
	out[CERTNO_REG_LEN] = '\0';
	rc = 0;
out:
	return rc;
}

int certno_reg_parse(const char *s, struct certno_reg *out, struct dip_error *e)
{
	struct certno_reg r;
	char check, given;
	int rc;

	rc = need_length(s, CERTNO_REG_LEN, F_REG, e);
	if (rc)
		goto out;
	rc = need_digits(s, 0, 4, F_REG, "application year", e);
	if (rc == 0)
		rc = need_digits(s, 4, 1, F_REG, "data-source code", e);
	if (rc == 0)
		rc = need_digits(s, 5, 1, F_REG, "registrant-type code", e);
	if (rc == 0)
		rc = need_digits(s, 6, 9, F_REG, "sequence", e);
	if (rc)
		goto out;
	rc = DIP_EINVAL;
	given = s[CERTNO_REG_LEN - 1] == 'x' ? 'X' : s[CERTNO_REG_LEN - 1];
	if (!is_digit(given) && given != 'X') {
		dip_fail(e, rc, F_REG, "%s: character 16 (check character) must be a digit or X",
			 F_REG);
		goto out;
	}
	r.year = (int)digits_value(s, 4);
	r.source = s[4] - '0';
	r.registrant = s[5] - '0';
	r.seq = digits_value(s + 6, 9);
	if (r.year < CERTNO_YEAR_MIN) {
		dip_fail(e, rc, F_REG, "%s: application year %04d (characters 1-4) is before %d",
			 F_REG, r.year, CERTNO_YEAR_MIN);
		goto out;
	}
	if (certno_source_name(r.source) == NULL) {
		dip_fail(e, rc, F_REG, "%s: data-source code \"%d\" (character 5) is not defined; "
			 "it is 1-5 or 9", F_REG, r.source);
		goto out;
	}
	if (certno_registrant_name(r.registrant) == NULL) {
		dip_fail(e, rc, F_REG, "%s: registrant-type code \"%d\" (character 6) is not defined; "
			 "it is 1-4", F_REG, r.registrant);
		goto out;
	}
	if (r.seq == 0) {
		dip_fail(e, rc, F_REG, "%s: sequence (characters 7-15) is 000000000; sequences start at 1",
			 F_REG);
		goto out;
	}
	check = certno_mod11_2(s, CERTNO_REG_LEN - 1);
	if (check != given) {
		dip_fail(e, rc, F_REG, "%s: check character (character 16) does not match; "
			 "a character is mistyped or two are swapped", F_REG);
		goto out;
	}
	if (out)
		*out = r;
	rc = 0;
out:
	return rc;
}
