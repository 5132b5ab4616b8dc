/*
 * industry.c - loading and looking up GB/T 4754-2017 codes.
 */
#include "domain/industry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_section(const char *s)
{
	return s[0] >= 'A' && s[0] <= 'T' && s[1] == '\0';
}

static int is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[n] == '\0';
}

/* The slot of a section letter or a two-digit division (industry_table). */
static size_t slot(const char *key)
{
	if (key[1] == '\0')
		return (size_t)(key[0] - 'A');
	return 20 + (size_t)((key[0] - '0') * 10 + key[1] - '0');
}

int industry_parse(struct industry_table *t, const char *text, size_t len, struct dip_error *e)
{
	const char *p = text, *end = text + len, *eol, *tab1, *tab2;
	struct industry *it, *grown;
	size_t cap = 0, n, k;
	int lineno = 0, rc = 0;
	char section = 0;

	memset(t, 0, sizeof(*t));
	while (p < end) {
		lineno++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		n = (size_t)(eol - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0 || p[0] == '#')
			goto next;
		tab1 = memchr(p, '\t', n);
		tab2 = tab1 ? memchr(tab1 + 1, '\t', n - (size_t)(tab1 + 1 - p)) : NULL;
		if (tab2 == NULL || tab1 - p > 4 || tab2 - tab1 - 1 > 1 ||
		    (size_t)(p + n - tab2 - 1) >= sizeof(it->name)) {
			rc = dip_fail(e, DIP_EINVAL, "industries",
				      "line %d: expected code TAB section TAB name", lineno);
			goto out;
		}
		if (t->n == INDUSTRY_SLOTS) {
			rc = dip_fail(e, DIP_EINVAL, "industries",
				      "line %d: more codes than GB/T 4754 has sections and divisions",
				      lineno);
			goto out;
		}
		if (t->n == cap) {
			cap = cap ? cap * 2 : 128;
			grown = realloc(t->v, cap * sizeof(*t->v));
			if (grown == NULL) {
				rc = dip_fail(e, DIP_ENOMEM, "industries", "out of memory");
				goto out;
			}
			t->v = grown;
		}
		it = &t->v[t->n];
		memset(it, 0, sizeof(*it));
		memcpy(it->code, p, (size_t)(tab1 - p));
		memcpy(it->name, tab2 + 1, (size_t)(p + n - tab2 - 1));
		if (is_section(it->code)) {
			section = it->code[0];
		} else if (!is_digits(it->code, 2) || tab2 - tab1 != 2 || tab1[1] != section) {
			rc = dip_fail(e, DIP_EINVAL, "industries",
				      "line %d: a division needs two digits and the section above it",
				      lineno);
			goto out;
		}
		it->section = section;
		t->n++;
		k = slot(it->code);
		if (t->at[k] == 0)
			t->at[k] = (unsigned short)t->n;
next:
		p = eol + 1;
	}
out:
	if (rc)
		industry_release(t);
	return rc;
}

void industry_release(struct industry_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

const struct industry *industry_find(const struct industry_table *t, const char *code)
{
	char key[3];
	size_t n = strlen(code), k;

	if (n == 1 && is_section(code)) {
		key[0] = code[0];
		key[1] = '\0';
	} else if ((n == 2 || n == 3 || n == 4) && is_digits(code, n)) {
		key[0] = code[0];
		key[1] = code[1];
		key[2] = '\0';
	} else {
		return NULL;
	}
	k = slot(key);
	return t->at[k] ? &t->v[t->at[k] - 1] : NULL;
}

int industry_check(const struct industry_table *t, const char *code, const char *field,
		   struct dip_error *e)
{
	if (industry_find(t, code) == NULL)
		return dip_fail(e, DIP_EINVAL, field,
				"%s: unknown GB/T 4754-2017 code \"%.8s\"; use a section letter (A-T) or a two-digit division",
				field, code);
	return 0;
}
