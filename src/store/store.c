/*
 * store.c - choosing a backend by URL.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

struct store *store_open(const char *url, struct dip_error *e)
{
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
		return store_open_pg(url, e);
	if (strncmp(url, "sqlite:", 7) == 0)
		url += 7;
	if (*url == '\0') {
		dip_fail(e, DIP_EINVAL, "db", "db: empty database path");
		return NULL;
	}
	return store_open_sqlite(url, e);
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	s->close(s);
	free(s);
}

void checkpoint_row_release(struct checkpoint_row *c)
{
	free(c->note);
	c->note = NULL;
}
