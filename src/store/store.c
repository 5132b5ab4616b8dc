/*
 * store.c - choosing a backend by URL, and the tables of a registry as
 * dipreg migrate moves them.
 */
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_pg(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

struct store *store_open(const char *url, struct dip_error *e)
{
	return store_open_grouped(url, NULL, e);
}

struct store *store_open_grouped(const char *url, struct store_group *g, struct dip_error *e)
{
	if (is_pg(url))
		return store_open_pg(url, e);
	if (strncmp(url, "sqlite:", 7) == 0)
		url += 7;
	if (*url == '\0') {
		dip_fail(e, DIP_EINVAL, "db", "db: empty database path");
		return NULL;
	}
	return store__open_sqlite(url, g, e);
}

struct store_group *store_group_new(const char *url)
{
	return is_pg(url) ? NULL : store__group_new_sqlite();
}

int store_watch_start(const char *url, struct dip_error *e)
{
	return is_pg(url) ? store__pg_watch_start(url, e) : 0;
}

void store_watch_stop(void)
{
	store__pg_watch_stop();
}

int store_watch_listening(void)
{
	return store__pg_watch_listening();
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

/* The columns of each table as both migrations/ schemas define them.  A
 * table added by a migration belongs here too, or dipreg migrate would
 * leave it behind (test_store checks that none is missing). */
const struct store_table store_tables[] = {
	{ "settings", "key, value", "tt", "key", 0 },
	{ "counters", "name, value", "ti", "name", 0 },
	{ "accounts", "id, login, display_name, kind, id_number, roles, pw_hash, email, phone, "
	  "disabled, created_at", "ittititttii", "id", 1 },
	{ "sessions", "token_hash, account_id, csrf, created_at, expires_at, api_token, label",
	  "titiiit", "token_hash", 0 },
	{ "login_failures", "key, at", "ti", "key, at", 0 },
	{ "agencies", "agent_id, principal_id, poa_sha256, confirmed_at, revoked_at", "iitii",
	  "agent_id, principal_id", 0 },
	{ "applications", "id, version, state, created_by, agent_id, content, name, industry, "
	  "fingerprint, reg_no, cert_no, cert_version, created_at, submitted_at, published_at, "
	  "registered_at, closed_at, reg_day, valid_from, valid_until, corrections, flags, "
	  "related_id, refusal, close_reason, withdraw_reason",
	  "iiiiitttttti" "iiiiiiiiiiiiit", "id", 1 },
	{ "parties", "app_id, ord, account_id, name, kind, id_number, confirmed_at", "iiititi",
	  "app_id, ord", 0 },
	{ "objections", "id, app_id, version, state, objector_id, objector_name, objector_contact, "
	  "token_hash, grounds, evidence, answer, answer_evidence, supplement, "
	  "supplement_evidence, decision, filed_at, decided_at", "iiiiittttttttttii", "id", 1 },
	{ "requests", "id, app_id, version, kind, state, filed_by, counterparty_id, unilateral, "
	  "payload, filed_at, decided_at, act_day, late, decision", "iiiiiiiitiiiit", "id", 1 },
	{ "events", "id, app_id, ref_id, at, actor_id, actor_role, action, from_state, to_state, "
	  "reason, dl_kind, dl_due, detail", "iiiiiitiitiit", "id", 1 },
	{ "deadlines", "id, app_id, ref_id, kind, opened_at, due_at, closed_at, binds_party",
	  "iiiiiiii", "id", 1 },
	{ "messages", "id, account_id, objection_id, app_id, kind, subject, body, delivered_at, "
	  "read_at", "iiiitttii", "id", 1 },
	{ "uploads", "sha256, owner_id, size, mime, name, created_at", "tiitti", "sha256, owner_id",
	  0 },
	{ "upload_links", "sha256, app_id, role", "tit", "app_id, sha256, role", 0 },
	{ "deposits", "id, account_id, fingerprint, files, bytes, description, ledger_index, "
	  "created_at", "iitiitii", "id", 1 },
	{ "certificates", "id, app_id, cert_no, reg_no, version, status, issued_at, valid_from, "
	  "valid_until, status_at, doc, ledger_index", "iittiiiiiiti", "id", 1 },
	{ "audit", "id, at, actor_id, action, object, detail, addr", "iiitttt", "id", 1 },
	{ "ledger_entries", "idx, entry", "ib", "idx", 0 },
	{ "ledger_announcements", "idx", "i", "idx", 0 },
	{ "ledger_tiles", "level, idx, width, hashes", "iiib", "level, idx, width", 0 },
	{ "checkpoints", "size, root, note, created_at, witnessed", "ibtii", "size", 0 },
	{ NULL, NULL, NULL, NULL, 0 },
};

const struct store_table *store_table_find(const char *name)
{
	const struct store_table *t;

	for (t = store_tables; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
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

static int tag_is(const char *tag, const char *tok, size_t len, int prefix)
{
	size_t n = strlen(tag);

	return prefix ? n >= len && memcmp(tag, tok, len) == 0
		      : n == len && memcmp(tag, tok, len) == 0;
}

int store_search_tag_reachable(const char *tok, size_t len, int prefix)
{
	char tag[SEARCH_TAG_MAX];
	int i;

	/* Every tag begins with s, x or d (the three below), so a word that
	 * does not cannot reach one: most words, without 126 tags made. */
	if (len > 0 && tok[0] != 's' && tok[0] != 'x' && tok[0] != 'd')
		return 0;
	for (i = 0; i < APP__COUNT; i++) {
		store_search_tag_status((enum app_state)i, tag);
		if (tag_is(tag, tok, len, prefix))
			return 1;
	}
	for (i = 'A'; i <= 'Z'; i++) {
		store_search_tag_section((char)i, tag);
		if (tag_is(tag, tok, len, prefix))
			return 1;
	}
	for (i = 0; i < 100; i++) {
		store_search_tag_division(i, tag);
		if (tag_is(tag, tok, len, prefix))
			return 1;
	}
	return 0;
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
