/*
 * idnum.c - GB 11643-1999 and GB 32100-2015 check characters.
 */
#include "domain/idnum.h"
#include "util/date.h"

#include <stdio.h>
#include <string.h>

int idnum_check_citizen(const char *s, const char *field, struct dip_error *e)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char check[11] = "10X98765432";
	int i, sum = 0, y, m, d;

	if (strlen(s) != 18)
		return dip_fail(e, DIP_EINVAL, field,
				"%s: a citizen identity number has 18 characters", field);
	for (i = 0; i < 17; i++) {
		if (s[i] < '0' || s[i] > '9')
			return dip_fail(e, DIP_EINVAL, field,
					"%s: character %d must be a digit", field, i + 1);
		sum += (s[i] - '0') * w[i];
	}
	y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
	m = (s[10] - '0') * 10 + (s[11] - '0');
	d = (s[12] - '0') * 10 + (s[13] - '0');
	if (s[0] == '0' || !ymd_valid(y, m, d) || y < 1900)
		return dip_fail(e, DIP_EINVAL, field,
				"%s: region or birth date part is not valid", field);
	if (s[17] != check[sum % 11])
		return dip_fail(e, DIP_EINVAL, field,
				"%s: check character does not match (GB 11643-1999); please re-check the number",
				field);
	return 0;
}

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_value(char c)
{
	const char *p = c ? strchr(uscc_alphabet, c) : NULL;

	return p ? (int)(p - uscc_alphabet) : -1;
}

int idnum_check_uscc(const char *s, const char *field, struct dip_error *e)
{
	int i, v, sum = 0, weight = 1, want;

	if (strlen(s) != 18)
		return dip_fail(e, DIP_EINVAL, field,
				"%s: a unified social credit code has 18 characters", field);
	for (i = 0; i < 18; i++) {
		v = uscc_value(s[i]);
		if (v < 0)
			return dip_fail(e, DIP_EINVAL, field,
					"%s: character %d is not allowed in a unified social credit code (digits and capital letters except I, O, S, V, Z)",
					field, i + 1);
		if (i < 17) {
			sum += v * weight;
			weight = weight * 3 % 31;
		}
	}
	want = (31 - sum % 31) % 31;
	if (uscc_value(s[17]) != want)
		return dip_fail(e, DIP_EINVAL, field,
				"%s: check character does not match (GB 32100-2015); please re-check the code",
				field);
	return 0;
}

void idnum_complete_uscc(const char *base17, char out[19])
{
	int i, v, sum = 0, weight = 1;

	for (i = 0; i < 17; i++) {
		v = uscc_value(base17[i]);
		sum += (v < 0 ? 0 : v) * weight;
		weight = weight * 3 % 31;
		out[i] = base17[i];
	}
	out[17] = uscc_alphabet[(31 - sum % 31) % 31];
	out[18] = '\0';
}

void idnum_complete_citizen(const char *base17, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	static const char check[11] = "10X98765432";
	int i, sum = 0;

	for (i = 0; i < 17; i++) {
		sum += (base17[i] - '0') * w[i];
		out[i] = base17[i];
	}
	out[17] = check[sum % 11];
	out[18] = '\0';
}

int idnum_check(enum party_kind kind, const char *s, const char *field, struct dip_error *e)
{
	if (kind == PARTY_NATURAL)
		return idnum_check_citizen(s, field, e);
	return idnum_check_uscc(s, field, e);
}

void idnum_mask(enum party_kind kind, const char *s, char out[19])
{
	size_t n = strlen(s), i;

	if (n > 18)
		n = 18;
	memcpy(out, s, n);
	out[n] = '\0';
	if (kind != PARTY_NATURAL || n != 18)
		return;
	for (i = 6; i < 14; i++)
		out[i] = '*';
}

int party_kind_parse(const char *s, enum party_kind *out)
{
	if (strcmp(s, "natural") == 0)
		*out = PARTY_NATURAL;
	else if (strcmp(s, "legal") == 0)
		*out = PARTY_LEGAL;
	else if (strcmp(s, "org") == 0)
		*out = PARTY_ORG;
	else
		return DIP_EINVAL;
	return 0;
}

const char *party_kind_name(enum party_kind k)
{
	switch (k) {
	case PARTY_NATURAL: return "natural";
	case PARTY_LEGAL: return "legal";
	case PARTY_ORG: return "org";
	}
	return "unknown";
}
