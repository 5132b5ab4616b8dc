/*
 * res.c - lookup in the table that resdata.S builds.
 */
#include "util/res.h"

#include <string.h>

extern const struct dip_resource dip_resources[];

const struct dip_resource *res_get(const char *name)
{
	const struct dip_resource *r;

	for (r = dip_resources; r->name; r++)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

void res_each(const char *prefix, void (*fn)(const struct dip_resource *r, void *ud), void *ud)
{
	const struct dip_resource *r;
	size_t n = strlen(prefix);

	/* resdata.S lists files in name order. */
	for (r = dip_resources; r->name; r++)
		if (strncmp(r->name, prefix, n) == 0)
			fn(r, ud);
}
