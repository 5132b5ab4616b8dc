/*
 * account.c - accounts, sign-in, and agency (Art. 6 para 2).
 *
 * Anyone may sign up as an applicant: a natural person with a citizen
 * identity number, a legal person or unincorporated organisation with a
 * unified social credit code, each checked by its check character.  Admins
 * create examiner and admin accounts and agencies (代理机构).  An agent
 * acts for a principal only after recording a power of attorney (an
 * uploaded 授权委托书) that the principal has confirmed.
 */
#include "service/internal.h"
#include "util/b64.h"
#include "crypto/password.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define LOGIN_WINDOW 900      /* seconds over which failures count */

static int check_login(const char *s, struct dip_error *e)
{
	size_t i, n = s ? strlen(s) : 0;

	if (n < 3 || n > 64)
		return dip_fail(e, DIP_EINVAL, "login", "login: 3 to 64 characters");
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
		      strchr("._-@+", s[i])))
			return dip_fail(e, DIP_EINVAL, "login",
					"login: use lower-case letters, digits and . _ - @ +");
	return 0;
}

static int check_password(const char *pw, struct dip_error *e)
{
	size_t n = pw ? strlen(pw) : 0;

	if (n < 10)
		return dip_fail(e, DIP_EINVAL, "password", "password: at least 10 characters");
	if (n > 256)
		return dip_fail(e, DIP_EINVAL, "password", "password: at most 256 characters");
	return 0;
}

static int hash_password(const struct registry *r, const char *pw, char *out, size_t n,
			 struct dip_error *e)
{
	struct crypto_scrypt_params prm = CRYPTO_SCRYPT_DEFAULT;
	struct dbuf b;
	int rc;

	prm.ln = (unsigned)r->pw_cost;
	dbuf_init(&b, n - 1);
	rc = crypto_password_hash(pw, strlen(pw), &prm, &b);
	if (rc == 0)
		snprintf(out, n, "%s", b.p);
	dbuf_free(&b);
	return rc ? dip_fail(e, rc, "password", "password: could not be hashed") : 0;
}

int svc_account_create(struct svc *v, const struct actor *who, const struct account_input *in,
		       dip_time now, int64_t *id, struct dip_error *e)
{
	struct account a;
	int rc, by_admin = (who->roles & ROLE_ADMIN) != 0;

	memset(&a, 0, sizeof(a));
	rc = check_login(in->login, e);
	if (rc == 0)
		rc = check_password(in->password, e);
	if (rc == 0)
		rc = svc__text(in->display_name, "display_name", 1, 100, e);
	if (rc)
		return rc;
	if (in->kind == NULL || party_kind_parse(in->kind, &a.kind))
		return dip_fail(e, DIP_EINVAL, "kind",
				"kind: \"natural\" (自然人), \"legal\" (法人) or \"org\" (非法人组织)");
	if (in->id_number == NULL)
		return dip_fail(e, DIP_EINVAL, "id_number", "id_number: required");
	rc = idnum_check(a.kind, in->id_number, "id_number", e);
	if (rc == 0)
		rc = svc__text(in->email, "email", 0, 128, e);
	if (rc == 0 && in->email && *in->email && !strchr(in->email, '@'))
		rc = dip_fail(e, DIP_EINVAL, "email", "email: not an e-mail address");
	if (rc == 0)
		rc = svc__text(in->phone, "phone", 0, 32, e);
	if (rc)
		return rc;
	a.roles = by_admin && in->roles ? in->roles : ROLE_APPLICANT;
	if (a.roles & ~(unsigned)(ROLE_APPLICANT | ROLE_AGENT | ROLE_EXAMINER | ROLE_ADMIN))
		return dip_fail(e, DIP_EINVAL, "roles", "roles: unknown role");
	snprintf(a.login, sizeof(a.login), "%s", in->login);
	snprintf(a.display_name, sizeof(a.display_name), "%s", in->display_name);
	snprintf(a.id_number, sizeof(a.id_number), "%s", in->id_number);
	snprintf(a.email, sizeof(a.email), "%s", in->email ? in->email : "");
	snprintf(a.phone, sizeof(a.phone), "%s", in->phone ? in->phone : "");
	a.created_at = now;
	rc = hash_password(v->reg, in->password, a.pw_hash, sizeof(a.pw_hash), e);
	if (rc)
		return rc;
	rc = svc__begin(v, e);
	if (rc)
		return rc;
	rc = svc__st(v, v->st->account_insert(v->st, &a), e);
	if (rc == 0)
		rc = svc__audit(v, who, by_admin ? "account_create" : "sign_up", a.login, "", now);
	if (rc) {
		svc__rollback(v);
		return rc;
	}
	if (id)
		*id = a.id;
	return svc__commit(v, e);
}

int svc_login(struct svc *v, const char *login, const char *password, const char *addr,
	      dip_time now, struct account *out, struct dip_error *e)
{
	char key_login[80], key_addr[80];
	int64_t by_login = 0, by_addr = 0;
	int rc, found;

	snprintf(key_login, sizeof(key_login), "login:%s", login ? login : "");
	snprintf(key_addr, sizeof(key_addr), "addr:%s", addr ? addr : "");
	rc = svc__begin(v, e);
	if (rc)
		return rc;
	rc = v->st->login_fail_count(v->st, key_login, now - LOGIN_WINDOW, &by_login);
	if (rc == 0)
		rc = v->st->login_fail_count(v->st, key_addr, now - LOGIN_WINDOW, &by_addr);
	if (rc) {
		svc__rollback(v);
		return svc__st(v, rc, e);
	}
	if (by_login >= v->reg->login_max_per_login || by_addr >= v->reg->login_max_per_addr) {
		svc__rollback(v);
		return dip_fail(e, DIP_ERATE, "",
				"too many failed sign-in attempts; wait 15 minutes and try again");
	}
	found = login && v->st->account_by_login(v->st, login, out) == 0;
	if (found && !out->disabled && password &&
	    crypto_password_verify(password, strlen(password), out->pw_hash) == 0) {
		svc__rollback(v);
		return 0;
	}
	/* Same answer whether the login exists or not. */
	v->st->login_fail_add(v->st, key_login, now);
	v->st->login_fail_add(v->st, key_addr, now);
	rc = svc__commit(v, e);
	if (rc)
		return rc;
	return dip_fail(e, DIP_EAUTH, "", "wrong login or password");
}

int svc_account_set_roles(struct svc *v, const struct actor *who, int64_t id, unsigned roles,
			  int disabled, dip_time now, struct dip_error *e)
{
	struct account a;
	char detail[64];
	int rc;

	if (!(who->roles & ROLE_ADMIN))
		return dip_fail(e, DIP_EFORBIDDEN, "", "only an admin may change roles");
	if (roles == 0 || roles & ~(unsigned)(ROLE_APPLICANT | ROLE_AGENT | ROLE_EXAMINER | ROLE_ADMIN))
		return dip_fail(e, DIP_EINVAL, "roles", "roles: at least one known role");
	if (id == who->id && (!(roles & ROLE_ADMIN) || disabled))
		return dip_fail(e, DIP_EINVAL, "roles", "roles: an admin cannot demote or disable themself");
	rc = svc__begin(v, e);
	if (rc)
		return rc;
	rc = svc__st(v, v->st->account_get(v->st, id, &a), e);
	if (rc)
		goto out;
	a.roles = roles;
	a.disabled = disabled;
	rc = svc__st(v, v->st->account_update(v->st, &a), e);
	if (rc == 0 && disabled)
		rc = svc__st(v, v->st->session_delete_account(v->st, id), e);
	snprintf(detail, sizeof(detail), "roles=%u disabled=%d", roles, disabled);
	if (rc == 0)
		rc = svc__audit(v, who, "account_roles", a.login, detail, now);
out:
	if (rc) {
		svc__rollback(v);
		return rc;
	}
	return svc__commit(v, e);
}

int svc_account_set_password(struct svc *v, const struct actor *who, int64_t id,
			     const char *password, dip_time now, struct dip_error *e)
{
	struct account a;
	int rc;

	if (who->id != id && !(who->roles & ROLE_ADMIN))
		return dip_fail(e, DIP_EFORBIDDEN, "", "you may change only your own password");
	rc = check_password(password, e);
	if (rc)
		return rc;
	rc = svc__begin(v, e);
	if (rc)
		return rc;
	rc = svc__st(v, v->st->account_get(v->st, id, &a), e);
	if (rc == 0)
		rc = hash_password(v->reg, password, a.pw_hash, sizeof(a.pw_hash), e);
	if (rc == 0)
		rc = svc__st(v, v->st->account_update(v->st, &a), e);
	/* Every other session of the account ends with the old password. */
	if (rc == 0)
		rc = svc__st(v, v->st->session_delete_account(v->st, id), e);
	if (rc == 0)
		rc = svc__audit(v, who, "password_set", a.login, "", now);
	if (rc) {
		svc__rollback(v);
		return rc;
	}
	return svc__commit(v, e);
}

int svc_agency_request(struct svc *v, const struct actor *agent, const char *principal_login,
		       const char *poa_sha256, dip_time now, struct dip_error *e)
{
	struct account p;
	struct upload u;
	char detail[128];
	int rc;

	if (!(agent->roles & ROLE_AGENT))
		return dip_fail(e, DIP_EFORBIDDEN, "", "only a registered agency may act for others");
	if (!hex_is_lower(poa_sha256, 64))
		return dip_fail(e, DIP_EINVAL, "power_of_attorney",
				"power_of_attorney: upload the signed 授权委托书 and give its sha256");
	rc = svc__begin(v, e);
	if (rc)
		return rc;
	rc = v->st->account_by_login(v->st, principal_login ? principal_login : "", &p);
	if (rc) {
		rc = dip_fail(e, DIP_EINVAL, "principal", "principal: no account \"%s\"",
			      principal_login ? principal_login : "");
		goto out;
	}
	rc = v->st->upload_get(v->st, poa_sha256, agent->id, &u);
	if (rc) {
		rc = dip_fail(e, DIP_EINVAL, "power_of_attorney",
			      "power_of_attorney: no such upload of yours");
		goto out;
	}
	rc = svc__st(v, v->st->agency_put(v->st, agent->id, p.id, poa_sha256, 0, 0), e);
	if (rc == 0)
		rc = svc__deliver(v, p.id, 0, 0, "agency_request", "代理授权待确认 / power of attorney to confirm",
				  "An agency recorded a power of attorney to act for you. Confirm it under Account > Agencies if you signed it.",
				  now, e);
	snprintf(detail, sizeof(detail), "principal=%s", p.login);
	if (rc == 0)
		rc = svc__audit(v, agent, "agency_request", "agency", detail, now);
out:
	if (rc) {
		svc__rollback(v);
		return rc;
	}
	return svc__commit(v, e);
}

int svc_agency_confirm(struct svc *v, const struct actor *principal, const char *agent_login,
		       int confirm, dip_time now, struct dip_error *e)
{
	struct account ag;
	char poa[65], detail[128];
	dip_time confirmed, revoked;
	int rc;

	rc = svc__begin(v, e);
	if (rc)
		return rc;
	rc = v->st->account_by_login(v->st, agent_login ? agent_login : "", &ag);
	if (rc == 0)
		rc = v->st->agency_get(v->st, ag.id, principal->id, poa, &confirmed, &revoked);
	if (rc) {
		rc = dip_fail(e, DIP_ENOTFOUND, "agent", "agent: no power of attorney from \"%s\"",
			      agent_login ? agent_login : "");
		goto out;
	}
	rc = svc__st(v, v->st->agency_put(v->st, ag.id, principal->id, poa, confirm ? now : 0,
					   confirm ? 0 : now), e);
	snprintf(detail, sizeof(detail), "agent=%s confirm=%d", ag.login, confirm);
	if (rc == 0)
		rc = svc__audit(v, principal, "agency_confirm", "agency", detail, now);
out:
	if (rc) {
		svc__rollback(v);
		return rc;
	}
	return svc__commit(v, e);
}

json_t *svc_account_json(const struct account *a, int with_contacts)
{
	json_t *o = json_object(), *roles = json_array();
	unsigned bit;

	for (bit = ROLE_APPLICANT; bit <= ROLE_ADMIN; bit <<= 1)
		if (a->roles & bit)
			json_array_append_new(roles, json_string(role_name(bit)));
	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "login", json_string(a->login));
	json_object_set_new(o, "display_name", json_string(a->display_name));
	json_object_set_new(o, "kind", json_string(party_kind_name(a->kind)));
	json_object_set_new(o, "roles", roles);
	json_object_set_new(o, "disabled", json_boolean(a->disabled));
	if (with_contacts) {
		json_object_set_new(o, "id_number", json_string(a->id_number));
		json_object_set_new(o, "email", json_string(a->email));
		json_object_set_new(o, "phone", json_string(a->phone));
	}
	return o;
}

int svc_account_get(struct svc *v, int64_t id, struct account *a, struct dip_error *e)
{
	int rc = svc__st(v, v->st->begin(v->st, 0), e);

	if (rc)
		return rc;
	rc = svc__st(v, v->st->account_get(v->st, id, a), e);
	svc__rollback(v);
	if (rc == DIP_ENOTFOUND)
		return dip_fail(e, DIP_ENOTFOUND, "", "no account %lld", (long long)id);
	return rc;
}

int svc_unread_count(struct svc *v, int64_t account_id, int64_t *n, struct dip_error *e)
{
	int rc = svc__st(v, v->st->begin(v->st, 0), e);

	*n = 0;
	if (rc)
		return rc;
	rc = svc__st(v, v->st->message_unread(v->st, account_id, n), e);
	svc__rollback(v);
	return rc;
}

int svc_session_end(struct svc *v, const char *token_hash, struct dip_error *e)
{
	int rc = svc__begin(v, e);

	if (rc)
		return rc;
	return svc__finish(v, svc__st(v, v->st->session_delete(v->st, token_hash), e), e);
}
