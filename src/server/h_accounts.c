/*
 * h_accounts.c - sign-up, sign-in, tokens and agencies.
 */
#include "server/handlers.h"
#include "server/internal.h"

#include <stdio.h>
#include <string.h>

void auth__secret(char out[65]);
void auth__hash(const char *secret, char out[65]);
int auth__cookie(struct req *r, char out[80]);

unsigned h__roles_from(struct req *r, const json_t *arr, int *bad)
{
	unsigned roles = 0;
	json_t *it;
	size_t i;
	const char *s;

	*bad = 0;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr)) {
		*bad = 1;
		reply_fail(r, DIP_EINVAL, "roles", "roles: a list of applicant, agent, examiner, admin");
		return 0;
	}
	json_array_foreach(arr, i, it) {
		s = json_string_value(it);
		if (s && strcmp(s, "applicant") == 0)
			roles |= ROLE_APPLICANT;
		else if (s && strcmp(s, "agent") == 0)
			roles |= ROLE_AGENT;
		else if (s && strcmp(s, "examiner") == 0)
			roles |= ROLE_EXAMINER;
		else if (s && strcmp(s, "admin") == 0)
			roles |= ROLE_ADMIN;
		else {
			*bad = 1;
			reply_fail(r, DIP_EINVAL, "roles", "roles[%zu]: unknown role", i);
			return 0;
		}
	}
	return roles;
}

/* Shared by sign-up and admin creation. */
void h__account_create(struct req *r, int by_admin)
{
	json_t *b = req_json(r);
	struct account_input in;
	struct account a;
	struct dip_error e;
	int64_t id = 0;
	int bad;

	if (b == NULL)
		return;
	memset(&in, 0, sizeof(in));
	in.login = jstr(b, "login");
	in.password = jstr(b, "password");
	in.display_name = jstr(b, "display_name");
	in.kind = jstr(b, "kind");
	in.id_number = jstr(b, "id_number");
	in.email = jstr(b, "email");
	in.phone = jstr(b, "phone");
	in.roles = by_admin ? h__roles_from(r, json_object_get(b, "roles"), &bad) : 0;
	if (by_admin && bad)
		return;
	if (!by_admin && json_object_get(b, "roles")) {
		reply_fail(r, DIP_EFORBIDDEN, "roles", "roles: only an admin assigns roles");
		return;
	}
	if (h__check(r, svc_account_create(r->v, &r->who, &in, r->now, &id, &e), &e) ||
	    h__check(r, svc_account_get(r->v, id, &a, &e), &e))
		return;
	reply_json(r, 201, svc_account_json(&a, 1));
}

void h_signup(struct req *r)
{
	h__account_create(r, 0);
}

static json_t *session_json(struct req *r, const struct account *a, const char *csrf)
{
	struct dip_error e;
	int64_t unread = 0;

	svc_unread_count(r->v, a->id, &unread, &e);
	return json_pack("{s:o,s:s,s:I}", "account", svc_account_json(a, 1), "csrf", csrf ? csrf : "",
			 "unread", (json_int_t)unread);
}

void h_login(struct req *r)
{
	json_t *b = req_json(r);
	struct account a;
	struct dip_error e;
	char csrf[65];

	if (b == NULL)
		return;
	if (h__check(r, svc_login(r->v, jstr(b, "login"), jstr(b, "password"), r->addr, r->now, &a, &e),
		  &e))
		return;
	if (auth_start_session(r, &a, csrf) != 0) {
		reply_error(r, &r->v->st->err, NULL);
		return;
	}
	reply_json(r, 200, session_json(r, &a, csrf));
}

void h_me(struct req *r)
{
	reply_json(r, 200, session_json(r, &r->account, r->by_cookie ? r->session.csrf : ""));
}

void h_logout(struct req *r)
{
	struct dip_error e;

	if (h__check(r, svc_session_end(r->v, r->session.token_hash, &e), &e))
		return;
	auth_set_cookie(r, "", 0);
	reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void h_password(struct req *r)
{
	json_t *b = req_json(r);
	struct dip_error e;
	char csrf[65];

	if (b == NULL)
		return;
	if (h__check(r, svc_account_set_password(r->v, &r->who, r->who.id, jstr(b, "password"), r->now,
					      &e), &e))
		return;
	/* The change ended every session of the account; the browser that
	 * made it goes on in a new one (a new cookie and CSRF token). */
	if (r->by_cookie) {
		if (auth_start_session(r, &r->account, csrf) != 0) {
			reply_error(r, &r->v->st->err, NULL);
			return;
		}
		reply_json(r, 200, json_pack("{s:b,s:s}", "ok", 1, "csrf", csrf));
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void h_token_create(struct req *r)
{
	json_t *b = req_json(r);
	struct session_row row;
	struct store *st = r->v->st;
	char secret[65], token[80], exp[32];
	const char *label;
	int rc;

	if (b == NULL)
		return;
	label = jstr(b, "label");
	if (label && strlen(label) > 80) {
		reply_fail(r, DIP_EINVAL, "label", "label: at most 80 bytes");
		return;
	}
	memset(&row, 0, sizeof(row));
	auth__secret(secret);
	snprintf(token, sizeof(token), "dpt_%s", secret);
	auth__hash(token, row.token_hash);
	row.account_id = r->who.id;
	auth__secret(row.csrf);
	row.created_at = r->now;
	row.expires_at = r->now + 365 * 86400;
	row.api_token = 1;
	snprintf(row.label, sizeof(row.label), "%s", label ? label : "");
	rc = st->begin(st, 1);
	if (rc == 0)
		rc = st->session_insert(st, &row);
	if (rc == 0)
		rc = st->commit(st);
	else
		st->rollback(st);
	if (rc) {
		reply_error(r, &st->err, NULL);
		return;
	}
	time_format(row.expires_at, r->srv->reg->zone, exp);
	reply_json(r, 201, json_pack("{s:s,s:s}", "token", token, "expires_at", exp));
}

void h_token_revoke(struct req *r)
{
	json_t *b = req_json(r);
	struct session_row row;
	struct store *st = r->v->st;
	char hash[65];
	const char *token;
	int rc;

	if (b == NULL)
		return;
	token = jstr(b, "token");
	if (token == NULL || strlen(token) > 100) {
		reply_fail(r, DIP_EINVAL, "token", "token: the API token to revoke");
		return;
	}
	auth__hash(token, hash);
	rc = st->begin(st, 1);
	if (rc == 0)
		rc = st->session_get(st, hash, &row);
	if (rc == 0 && (row.account_id != r->who.id || !row.api_token))
		rc = DIP_ENOTFOUND;
	if (rc == 0)
		rc = st->session_delete(st, hash);
	if (rc == 0)
		rc = st->commit(st);
	else
		st->rollback(st);
	if (rc) {
		reply_fail(r, DIP_ENOTFOUND, "token", "token: no such API token of yours");
		return;
	}
	reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void h_agency_request(struct req *r)
{
	json_t *b = req_json(r);
	struct dip_error e;

	if (b == NULL)
		return;
	if (h__check(r, svc_agency_request(r->v, &r->who, jstr(b, "principal"),
					jstr(b, "power_of_attorney"), r->now, &e), &e))
		return;
	reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}

void h_agency_confirm(struct req *r)
{
	json_t *b = req_json(r);
	struct dip_error e;
	json_t *c;

	if (b == NULL)
		return;
	c = json_object_get(b, "confirm");
	if (!json_is_boolean(c)) {
		reply_fail(r, DIP_EINVAL, "confirm", "confirm: true to confirm, false to revoke");
		return;
	}
	if (h__check(r, svc_agency_confirm(r->v, &r->who, jstr(b, "agent"), json_is_true(c), r->now,
					&e), &e))
		return;
	reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
