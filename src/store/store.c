/*
 * store.c - choosing a backend by URL.
 */
#include "store/store.h"

#include <stdio.h>
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

/* ---- search keys (store.h) --------------------------------------------- */

int64_t store_search_key(const struct search_keyinfo *k)
{
	int64_t sec = k->section ? k->section - 'A' + 1 : 0;

	if (k->day < 0 || k->day > SEARCH_DAY_MAX || k->app_id <= 0 || k->app_id > SEARCH_APP_MAX ||
	    (int)k->status < 0 || k->status >= APP__COUNT || sec < 0 || sec > 20 ||
	    k->division < 0 || k->division > 99)
		return -1;
	return (int64_t)(SEARCH_DAY_MAX - k->day) << SEARCH_KEY_DAY_SHIFT |
	       (SEARCH_APP_MAX - k->app_id) << SEARCH_KEY_APP_SHIFT |
	       (int64_t)k->status << SEARCH_KEY_STATUS_SHIFT | sec << SEARCH_KEY_SECTION_SHIFT |
	       k->division;
}

void store_search_key_split(int64_t key, struct search_keyinfo *out)
{
	int sec = (int)(key >> SEARCH_KEY_SECTION_SHIFT & 31);

	out->day = SEARCH_DAY_MAX - (dip_day)(key >> SEARCH_KEY_DAY_SHIFT & 0xffff);
	out->app_id = SEARCH_APP_MAX - (key >> SEARCH_KEY_APP_SHIFT & SEARCH_APP_MAX);
	out->status = (enum app_state)(key >> SEARCH_KEY_STATUS_SHIFT & 15);
	out->section = sec ? (char)('A' + sec - 1) : 0;
	out->division = (int)(key & 127);
}

int64_t store_search_day_first(dip_day day)
{
	if (day < 0)
		day = 0;
	if (day > SEARCH_DAY_MAX)
		day = SEARCH_DAY_MAX;
	return (int64_t)(SEARCH_DAY_MAX - day) << SEARCH_KEY_DAY_SHIFT;
}

int64_t store_search_day_last(dip_day day)
{
	return store_search_day_first(day) | ((INT64_C(1) << SEARCH_KEY_DAY_SHIFT) - 1);
}

void store_search_dims(int64_t key, int64_t values[SEARCH_NDIMS])
{
	struct search_keyinfo k;
	int y, m, d;

	store_search_key_split(key, &k);
	day_to_ymd(k.day, &y, &m, &d);
	values[SEARCH_DIM_TOTAL] = 0;
	values[SEARCH_DIM_STATUS] = k.status;
	values[SEARCH_DIM_SECTION] = k.section ? k.section - 'A' + 1 : 0;
	values[SEARCH_DIM_DIVISION] = k.division;
	values[SEARCH_DIM_YEAR] = y;
	values[SEARCH_DIM_DAY] = k.day;
}

void store_search_tag_status(enum app_state st, char out[SEARCH_TAG_MAX])
{
	const char *name = app_state_name(st);
	size_t n = 0;

	out[n++] = 's';
	for (; *name && n < SEARCH_TAG_MAX - 1; name++)
		if (*name >= 'a' && *name <= 'z')
			out[n++] = *name;
	out[n] = '\0';
}

void store_search_tag_section(char section, char out[SEARCH_TAG_MAX])
{
	snprintf(out, SEARCH_TAG_MAX, "x%c", section - 'A' + 'a');
}

void store_search_tag_division(int division, char out[SEARCH_TAG_MAX])
{
	snprintf(out, SEARCH_TAG_MAX, "d%c%c", 'a' + division / 10 % 10, 'a' + division % 10);
}

int store_search_tags(int64_t key, char tags[3][SEARCH_TAG_MAX])
{
	struct search_keyinfo k;
	int n = 0;

	store_search_key_split(key, &k);
	store_search_tag_status(k.status, tags[n++]);
	if (k.section)
		store_search_tag_section(k.section, tags[n++]);
	if (k.division)
		store_search_tag_division(k.division, tags[n++]);
	return n;
}
