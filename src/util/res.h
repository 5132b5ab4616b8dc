/*
 * res.h - data files compiled into the binary.
 *
 * The holiday calendar, the GB/T 4754-2017 table, the rules profiles and
 * the SQL migrations travel inside the dipreg binary (see resdata.S), so a copied
 * binary runs without its source tree.  Operators can still point settings
 * at files of their own; these are the defaults.
 */
#ifndef DIP_RES_H
#define DIP_RES_H

#include <stddef.h>

struct dip_resource {
	const char *name; /* the path in the source tree: "data/cn-holidays.txt" */
	const char *data; /* NUL-terminated; static storage */
	size_t len;       /* without the NUL */
};

/* The resource called name, or NULL. */
const struct dip_resource *res_get(const char *name);
/* Calls fn for each resource whose name starts with prefix, in name order. */
void res_each(const char *prefix, void (*fn)(const struct dip_resource *r, void *ud), void *ud);

#endif
