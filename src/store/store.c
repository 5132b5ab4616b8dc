/*
 * store.c - choosing a backend by URL, and the tables of a registry as
 * dipreg migrate moves them.
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
	{ "upload_links", "sha256, app_id, role", "tit", "sha256, app_id, role", 0 },
	{ "deposits", "id, account_id, fingerprint, files, bytes, description, ledger_index, "
	  "created_at", "iitiitii", "id", 1 },
	{ "certificates", "id, app_id, cert_no, reg_no, version, status, issued_at, valid_from, "
	  "valid_until, status_at, doc, ledger_index", "iittiiiiiiti", "id", 1 },
	{ "audit", "id, at, actor_id, action, object, detail, addr", "iiitttt", "id", 1 },
	{ "ledger_entries", "idx, entry", "ib", "idx", 0 },
	{ "ledger_tiles", "level, idx, width, hashes", "iiib", "level, idx, width", 0 },
	{ "checkpoints", "size, root, note, created_at", "ibti", "size", 0 },
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
