/*
 * store_pg.c - the PostgreSQL backend of the store interface.
 */
#include "store/store.h"

struct store *store_open_pg(const char *conninfo, struct dip_error *e)
{
	(void)conninfo;
	dip_fail(e, DIP_EINVAL, "db", "db: this build has no PostgreSQL backend yet");
	return NULL;
}
