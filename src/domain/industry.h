/*
 * industry.h - the GB/T 4754-2017 industry classification (国民经济行业分类).
 *
 * Art. 5 (2) asks for the industry the data belongs to "按照国民经济行业分类".
 * The table holds the 20 sections (门类, letters A-T) and 97 divisions
 * (大类, two digits), one per line: code TAB parent section TAB name.  An
 * application names a section or a division; a three- or four-digit group
 * or class code is accepted when its first two digits are a known division
 * (the table does not list groups, so their names are the division's).
 */
#ifndef DIP_INDUSTRY_H
#define DIP_INDUSTRY_H

#include <stddef.h>

#include "util/err.h"

struct industry {
	char code[5];
	char section; /* 'A'..'T' */
	char name[120];
};

#define INDUSTRY_SLOTS (20 + 100)

struct industry_table {
	struct industry *v; /* in file order */
	size_t n;
	/* By code: sections A..T, then divisions 00..99; each 1 + its
	 * index in v, 0 when the file has no such code. */
	unsigned short at[INDUSTRY_SLOTS];
};

int industry_parse(struct industry_table *t, const char *text, size_t len, struct dip_error *e);
void industry_release(struct industry_table *t);
/* The section or division that code denotes (for a group or class code, its
 * division), or NULL.  Points into t. */
const struct industry *industry_find(const struct industry_table *t, const char *code);
/* 0, or DIP_EINVAL naming field: 'industry: unknown GB/T 4754-2017 code "99"'. */
int industry_check(const struct industry_table *t, const char *code, const char *field,
		   struct dip_error *e);

#endif
