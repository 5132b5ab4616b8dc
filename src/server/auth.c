/*
 * auth.c - who is calling: browser sessions, API tokens and CSRF.
 *
 * Browsers sign in and get a session cookie (HttpOnly, SameSite=Strict)
 * plus a CSRF token that every state-changing request must echo in the
 * X-CSRF-Token header.  Programs use revocable API tokens in
 * "Authorization: Bearer".  Both secrets are stored only as their SHA-256.
 */
#include "server/internal.h"
#include "server/router.h"
#include "server/handlers.h"
#include "crypto/hash.h"
#include "crypto/rand.h"
#include "util/b64.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#define COOKIE "dipreg_session"

static void secret_hash(const char *secret, char out[65])
{
	uint8_t h[CRYPTO_HASH_LEN];

	crypto_hash(CRYPTO_SHA256, secret, strlen(secret), h);
	hex_encode(out, h, sizeof(h));
	out[64] = '\0';
}

static void new_secret(char out[65])
{
	uint8_t raw[32];

	crypto_random(raw, sizeof(raw));
	hex_encode(out, raw, sizeof(raw));
	out[64] = '\0';
}

/* The value of the session cookie, copied into out; 0 when found. */
static int cookie_value(struct req *r, char out[80])
{
	const char *c = req_header(r, "Cookie"), *p, *end;
	size_t n = strlen(COOKIE);

	for (p = c; p && *p; p = end) {
		while (*p == ' ' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (end == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) > n + 1 && strncmp(p, COOKIE, n) == 0 && p[n] == '=' &&
		    (size_t)(end - p - (long)n - 1) < 80) {
			memcpy(out, p + n + 1, (size_t)(end - p) - n - 1);
			out[end - p - (long)n - 1] = '\0';
			return 0;
		}
	}
	return -1;
}

static int unsafe_method(int m)
{
	return m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD;
}

int auth_request(struct req *r)
{
	const char *authz = req_header(r, "Authorization"), *csrf;
	const char *objtok = req_header(r, "X-Objection-Token");
	char secret[80], hash[65];
	struct store *st = r->v->st;
	int rc, bearer = 0;

	if (objtok && strlen(objtok) < 80)
		r->who.token = objtok;
	if (authz && strncmp(authz, "Bearer ", 7) == 0 && strlen(authz + 7) < sizeof(secret)) {
		snprintf(secret, sizeof(secret), "%s", authz + 7);
		bearer = 1;
	} else if (cookie_value(r, secret) != 0) {
		return 0; /* anonymous */
	}
	secret_hash(secret, hash);
	/* Two statements, each seeing one state of the database by itself:
	 * no transaction around them, which on PostgreSQL would cost two more
	 * round trips on every signed-in request.  An account disabled between
	 * the two is seen disabled; one disabled just after, by the next. */
	rc = st->session_get(st, hash, &r->session);
	if (rc == 0 && r->session.expires_at > r->now && r->session.api_token == bearer)
		rc = st->account_get(st, r->session.account_id, &r->account);
	else if (rc == 0)
		rc = DIP_EAUTH;
	if (rc != 0 && rc != DIP_ENOTFOUND && rc != DIP_EAUTH) {
		/* The database failed, not the credentials. */
		reply_error(r, &st->err, NULL);
		return -1;
	}
	if (rc != 0 || r->account.disabled) {
		if (bearer) {
			reply_fail(r, DIP_EAUTH, "", "the API token is unknown, expired or revoked");
			return -1;
		}
		/* A session that ended (expiry, sign-out elsewhere, a new
		 * password): the browser cannot drop an HttpOnly cookie itself,
		 * so clear it.  Reading, signing in and signing up go on as
		 * anonymous; any other write is refused rather than silently
		 * done as nobody (an upload would lose its owner). */
		auth_set_cookie(r, "", 0);
		memset(&r->account, 0, sizeof(r->account));
		if (unsafe_method(r->method) && r->route && r->route->fn != h_login &&
		    r->route->fn != h_signup) {
			reply_fail(r, DIP_EAUTH, "", "your session has ended; sign in again");
			return -1;
		}
		return 0;
	}
	r->by_cookie = !bearer;
	if (r->by_cookie && unsafe_method(r->method)) {
		csrf = req_header(r, "X-CSRF-Token");
		if (csrf == NULL || strlen(csrf) != 64 || CRYPTO_memcmp(csrf, r->session.csrf, 64) != 0) {
			reply_fail(r, DIP_EFORBIDDEN, "", "missing or wrong X-CSRF-Token header");
			return -1;
		}
	}
	r->who.id = r->account.id;
	r->who.roles = r->account.roles | ROLE_PUBLIC;
	return 0;
}

int auth_start_session(struct req *r, const struct account *a, char csrf[65])
{
	struct session_row row;
	struct store *st = r->v->st;
	char secret[65];
	int rc;

	memset(&row, 0, sizeof(row));
	new_secret(secret);
	new_secret(csrf);
	secret_hash(secret, row.token_hash);
	row.account_id = a->id;
	snprintf(row.csrf, sizeof(row.csrf), "%s", csrf);
	row.created_at = r->now;
	row.expires_at = r->now + (dip_time)r->srv->cfg.session_hours * 3600;
	rc = st->begin(st, 1);
	if (rc == 0)
		rc = st->session_insert(st, &row);
	if (rc == 0)
		rc = st->commit(st);
	else
		st->rollback(st);
	if (rc)
		return rc;
	auth_set_cookie(r, secret, r->srv->cfg.session_hours * 3600);
	return 0;
}

void auth_set_cookie(struct req *r, const char *secret, int max_age)
{
	char cookie[256];

	/* Behind TLS (an https base URL) the browser must never send it in
	 * the clear. */
	snprintf(cookie, sizeof(cookie), COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
		 secret, max_age,
		 strncmp(r->v->reg->base_url, "https://", 8) == 0 ? "; Secure" : "");
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Set-Cookie", cookie);
}

int auth_allows(struct req *r, int need)
{
	unsigned roles = r->who.roles;
	unsigned want;

	switch (need) {
	case AUTH_NONE:
		return 0;
	case AUTH_USER:
		want = ROLE_APPLICANT | ROLE_AGENT | ROLE_EXAMINER | ROLE_ADMIN;
		break;
	case AUTH_PARTY:
		want = ROLE_APPLICANT | ROLE_AGENT;
		break;
	case AUTH_AGENT:
		want = ROLE_AGENT;
		break;
	case AUTH_EXAMINER:
		want = ROLE_EXAMINER;
		break;
	case AUTH_ADMIN:
		want = ROLE_ADMIN;
		break;
	default:
		want = 0;
	}
	if (r->who.id == 0) {
		reply_fail(r, DIP_EAUTH, "", "sign in first");
		return -1;
	}
	if (!(roles & want)) {
		reply_fail(r, DIP_EFORBIDDEN, "", "your account's role may not do this");
		return -1;
	}
	return 0;
}

/* Helpers for h_accounts.c. */
void auth__secret(char out[65])
{
	new_secret(out);
}

void auth__hash(const char *secret, char out[65])
{
	secret_hash(secret, out);
}

int auth__cookie(struct req *r, char out[80])
{
	return cookie_value(r, out);
}
