/*
 * registered.c - life after registration: certificates (Arts. 12, 13),
 * renewal (Art. 14), changes, filings and transfers (Arts. 15-17),
 * cancellation (Art. 18) and revocation (Arts. 9 (6), 23).
 */
#include "service/internal.h"
#include "util/b64.h"
#include "domain/calendar.h"
#include "domain/certno.h"
#include "domain/period.h"
#include "ledger/certificate.h"
#include "service/ledger.h"
#include "util/jcs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The certificate number: year and month of issue, the registry's code,
 * and a serial that is never reused (docs/numbers.md). */
static int new_cert_no(struct svc *v, dip_time at, char out[18], struct dip_error *e)
{
	struct certno_cert c;
	int64_t serial;
	int d, rc;

	rc = svc__st(v, v->st->counter_next(v->st, "certificate_serial", &serial), e);
	if (rc)
		return rc;
	if (serial > CERTNO_SERIAL_MAX)
		return dip_fail(e, DIP_ELIMIT, "", "certificate serials exhausted");
	day_to_ymd(time_day(at, v->reg->zone), &c.year, &c.month, &d);
	c.registry = (int)strtol(v->reg->code, NULL, 10);
	c.serial = (uint32_t)serial;
	return certno_cert_format(&c, out, e);
}

int svc__issue_certificate(struct svc *v, struct app_ctx *c, dip_time at, struct dip_error *e)
{
	struct certificate cert;
	json_t *body, *rec, *entry, *doc = NULL;
	char day[11], ts[32], url[600];
	int64_t index = -1;
	int rc;

	memset(&cert, 0, sizeof(cert));
	if (c->a.cert_no[0] == '\0') {
		rc = new_cert_no(v, at, c->a.cert_no, e);
		if (rc)
			return rc;
	}
	c->a.cert_version++;
	rec = svc__public_record(v, c, APP_VIEW_REGISTER);
	body = json_object();
	json_object_set_new(body, "certificate_number", json_string(c->a.cert_no));
	json_object_set_new(body, "registration_number", json_string(c->a.reg_no));
	json_object_set_new(body, "version", json_integer(c->a.cert_version));
	json_object_set(body, "holders", json_object_get(rec, "holders"));
	json_object_set(body, "dataset", json_object_get(rec, "content"));
	if (json_object_get(rec, "industry_name"))
		json_object_set(body, "industry_name", json_object_get(rec, "industry_name"));
	svc__day(v->reg, c->a.reg_day, day);
	json_object_set_new(body, "registration_date", json_string(day));
	svc__day(v->reg, c->a.valid_from, day);
	json_object_set_new(body, "valid_from", json_string(day));
	svc__day(v->reg, c->a.valid_until, day);
	json_object_set_new(body, "valid_until", json_string(day));
	svc__time(v->reg, at, ts);
	json_object_set_new(body, "issued_at", json_string(ts));
	json_object_set_new(body, "registry", json_pack("{s:s,s:s,s:s}", "name", v->reg->name, "code",
						       v->reg->code, "rules", v->reg->rules.title));
	snprintf(url, sizeof(url), "%s/verify?cert=%s&v=%d", v->reg->base_url, c->a.cert_no,
		 c->a.cert_version);
	json_object_set_new(body, "verify_url", json_string(url));
	json_decref(rec);
	/* Arts. 12, 17: the certificate is announced in the log, whole, so the
	 * log alone proves what was certified and when. */
	entry = json_object();
	json_object_set_new(entry, "application", json_integer(c->a.id));
	json_object_set(entry, "certificate", body);
	rc = svc__ledger(v, c->a.cert_version == 1 ? "registration" : "certificate_version", entry,
			 at, &index, e);
	if (rc == 0 && v->reg->keys)
		rc = led_cert_sign(body, v->reg->keys->signers, v->reg->keys->nsigners, &doc, e);
	else if (rc == 0)
		doc = json_pack("{s:s,s:O,s:[]}", "type", LED_CERT_TYPE, "certificate", body,
				"signatures");
	json_decref(body);
	if (rc)
		goto out;
	snprintf(cert.cert_no, sizeof(cert.cert_no), "%s", c->a.cert_no);
	snprintf(cert.reg_no, sizeof(cert.reg_no), "%s", c->a.reg_no);
	cert.app_id = c->a.id;
	cert.version = c->a.cert_version;
	cert.status = CERT_IN_FORCE;
	cert.issued_at = at;
	cert.status_at = at;
	cert.valid_from = c->a.valid_from;
	cert.valid_until = c->a.valid_until;
	cert.doc = json_dumps(doc, JSON_COMPACT);
	cert.ledger_index = index;
	rc = svc__st(v, v->st->cert_set_status(v->st, c->a.id, cert.version, CERT_IN_FORCE,
					       CERT_SUPERSEDED, at), e);
	if (rc == 0)
		rc = svc__st(v, v->st->cert_insert(v->st, &cert), e);
out:
	free(cert.doc);
	json_decref(doc);
	return rc;
}

int svc__close_registration(struct svc *v, struct app_ctx *c, const struct actor *who,
			    enum app_state to, enum close_reason why, const char *action,
			    const char *reason, dip_time at, struct dip_error *e)
{
	enum cert_status cs = to == APP_REVOKED ? CERT_REVOKED
			      : why == CLOSE_EXPIRED ? CERT_EXPIRED : CERT_CANCELLED;
	json_t *rec;
	char body[600];
	int rc;

	c->a.state = to;
	c->a.closed_at = at;
	c->a.close_reason = why;
	rc = svc__save(v, c, e);
	if (rc == 0)
		rc = svc__search_index(v, c, e);
	if (rc == 0)
		rc = svc__close(v, c->a.id, -1, -1, at, e);
	if (rc == 0)
		rc = svc__st(v, v->st->cert_set_status(v->st, c->a.id, c->a.cert_version + 1,
						       CERT_IN_FORCE, cs, at), e);
	if (rc == 0)
		rc = svc__event(v, c->a.id, 0, who, action, APP_REGISTERED, to, reason, DL_NONE, 0,
				NULL, at, e);
	/* Arts. 14, 17, 18: the end of a registration is announced. */
	rec = json_object();
	json_object_set_new(rec, "application", json_integer(c->a.id));
	json_object_set_new(rec, "certificate_number", json_string(c->a.cert_no));
	json_object_set_new(rec, "reason", json_string(to == APP_REVOKED ? "revoked"
								   : close_reason_name(why)));
	if (rc == 0)
		rc = svc__ledger(v, to == APP_REVOKED ? "revocation" : "cancellation", rec, at, NULL, e);
	else
		json_decref(rec);
	snprintf(body, sizeof(body), "%s%s%s",
		 to == APP_REVOKED ? "登记已撤销并公告 / the registration was revoked and announced"
				   : "登记已注销并公告 / the registration was cancelled and announced",
		 reason ? ": " : "", reason ? reason : "");
	if (rc == 0)
		rc = svc__deliver_parties(v, c, to == APP_REVOKED ? "revocation" : "cancellation",
					  to == APP_REVOKED ? "登记撤销 / revocation" : "登记注销 / cancellation",
					  body, at, e);
	return rc;
}

int svc_renew(struct svc *v, const struct actor *who, int64_t id, dip_time now,
	      struct dip_error *e)
{
	const struct rules *r = &v->reg->rules;
	struct app_ctx c;
	enum app_state to;
	dip_day today = time_day(now, v->reg->zone), opens, from, until, agreed;
	char o_s[11], u_s[11], body[400];
	const char *kind, *end;
	dip_time due = 0;
	int rc;

	rc = svc__start(v, who, id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__check(&c, WF_RENEW, &to, e);
	if (rc)
		goto out;
	/* Art. 14: "期满前一个月内". */
	opens = period_window_opens(c.a.valid_until,
				    r->renewal_window.unit == UNIT_MONTHS ? r->renewal_window.n : 0);
	if (today < opens) {
		svc__day(v->reg, opens, o_s);
		svc__day(v->reg, c.a.valid_until, u_s);
		rc = dip_fail(e, DIP_ESTATE, "",
			      "renewal opens on %s and closes at the end of %s (Art. 14: within one month before expiry)",
			      o_s, u_s);
		goto out;
	}
	from = c.a.valid_until + 1;
	until = period_last_day(from, r->renewal.unit == UNIT_YEARS ? r->renewal.n : 0,
				r->renewal.unit == UNIT_MONTHS ? r->renewal.n : 0);
	kind = app_get_str(c.content, "source.kind");
	end = app_get_str(c.content, "source.agreement_end");
	if (kind && end && (strcmp(kind, "agreement") == 0 || strcmp(kind, "public_authorised") == 0) &&
	    day_parse(end, &agreed) == 0 && agreed < until) {
		if (agreed < from) {
			rc = dip_fail(e, DIP_ESTATE, "source.agreement_end",
				      "source.agreement_end: the agreement ends before the renewed period would start; register the renewed agreement by a change first (Arts. 13, 15)");
			goto out;
		}
		until = agreed;
	}
	c.a.valid_from = from;
	c.a.valid_until = until;
	rc = svc__close(v, id, 0, DL_EXPIRY, now, e);
	if (rc == 0)
		rc = svc__close(v, id, 0, DL_EXPIRY_NOTICE, now, e);
	if (rc == 0)
		rc = svc__issue_certificate(v, &c, now, e);
	if (rc == 0)
		rc = svc__save(v, &c, e);
	if (rc == 0)
		rc = svc__search_index(v, &c, e);
	if (rc == 0)
		rc = svc__open(v, id, 0, DL_EXPIRY, now, day_end(until, v->reg->zone), &due, e);
	if (rc == 0 && until - r->expiry_notice_days > today)
		rc = svc__open(v, id, 0, DL_EXPIRY_NOTICE, now,
			       day_start(until - r->expiry_notice_days, v->reg->zone), NULL, e);
	if (rc == 0)
		rc = svc__event(v, id, 0, who, "renew", APP_REGISTERED, APP_REGISTERED, NULL,
				DL_EXPIRY, due, NULL, now, e);
	svc__day(v->reg, from, o_s);
	svc__day(v->reg, until, u_s);
	snprintf(body, sizeof(body), "续展登记完成，有效期 %s 至 %s（第十四条）。\nRenewed: valid %s through %s (Art. 14).",
		 o_s, u_s, o_s, u_s);
	if (rc == 0)
		rc = svc__deliver_parties(v, &c, "renewal", "续展登记 / renewal", body, now, e);
out:
	svc__release(&c);
	return svc__finish(v, rc, e);
}

/* ---- requests (Arts. 15-18) ---- */

/* Art. 15 para 2: what a change registration may alter. */
static const char *const changeable[] = {
	"source", "update", "evidence", "other", NULL,
};

static const char *const holder_events[] = {
	"merger", "split", "dissolution", "bankruptcy", "death", "rename", NULL,
};

static int one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static int check_change(struct svc *v, const struct app_ctx *c, const json_t *payload,
			dip_time now, struct dip_error *e)
{
	const json_t *changes = json_object_get(payload, "changes");
	const char *ev = json_string_value(json_object_get(payload, "holder_event"));
	struct app_check_ctx ctx = { &v->reg->industries, time_day(now, v->reg->zone), 1 };
	struct app_defects d;
	const char *key;
	json_t *val, *merged;
	int rc;

	if (changes == NULL && ev == NULL)
		return dip_fail(e, DIP_EINVAL, "changes",
				"changes: give the changed items (source, update, evidence, other) or a holder_event");
	if (ev && !one_of(ev, holder_events))
		return dip_fail(e, DIP_EINVAL, "holder_event",
				"holder_event: merger, split, dissolution, bankruptcy, death or rename (Art. 15 para 3)");
	if (changes == NULL)
		return 0;
	if (!json_is_object(changes))
		return dip_fail(e, DIP_EINVAL, "changes", "changes: an object of changed items");
	merged = json_deep_copy(c->content);
	json_object_foreach((json_t *)changes, key, val) {
		if (!one_of(key, changeable)) {
			json_decref(merged);
			return dip_fail(e, DIP_EINVAL, "changes",
					"changes.%s: Art. 15 lets a change registration alter the data source, update frequency, evidence and other status; a new dataset needs a new application",
					key);
		}
		json_object_set(merged, key, val);
	}
	rc = app_content_check(merged, &ctx, &d) ? app_defects_first(&d, e) : 0;
	json_decref(merged);
	if (rc)
		snprintf(e->field, sizeof(e->field), "changes.%.80s", d.v[0].field);
	return rc;
}

static int check_filing(const json_t *payload, struct dip_error *e)
{
	const json_t *amount = json_object_get(payload, "amount");
	const char *cp = json_string_value(json_object_get(payload, "counterparty"));

	if (cp == NULL || *cp == '\0' || strlen(cp) > 600)
		return dip_fail(e, DIP_EINVAL, "counterparty",
				"counterparty: the other party of the transaction, pledge or licence");
	if (amount && (!json_is_integer(amount) || json_integer_value(amount) < 0))
		return dip_fail(e, DIP_EINVAL, "amount", "amount: whole yuan, not negative");
	return 0;
}

int svc_file_request(struct svc *v, const struct actor *who, int64_t app_id,
		     const struct request_input *in, dip_time now, int64_t *req_id,
		     struct dip_error *e)
{
	struct request r;
	struct app_ctx c;
	struct account cp;
	struct upload u;
	enum app_state to;
	enum req_kind kind;
	const json_t *payload = in->payload;
	dip_day today = time_day(now, v->reg->zone), act, last;
	dip_time due = 0;
	int rc, party, needs_doc = 0;

	memset(&r, 0, sizeof(r));
	if (in->kind == NULL || req_kind_parse(in->kind, &kind))
		return dip_fail(e, DIP_EINVAL, "kind",
				"kind: change, transaction, pledge, licence, transfer or cancel");
	if (payload && !json_is_object(payload))
		return dip_fail(e, DIP_EINVAL, "payload", "payload: an object");
	rc = svc__start(v, who, app_id, now, &c, e);
	if (rc)
		return rc;
	party = (c.roles & (ROLE_APPLICANT | ROLE_AGENT)) != 0;
	/* A new rights holder after a legal document (Arts. 16 (1)-(2), 18
	 * para 2) is not yet a party; everyone else must be. */
	if (!party) {
		if (!(who->roles & ROLE_APPLICANT) ||
		    !((kind == REQ_TRANSFER && in->unilateral >= 1 && in->unilateral <= 2) ||
		      kind == REQ_CANCEL)) {
			rc = dip_fail(e, DIP_EFORBIDDEN, "",
				      "only the holder files this; a new rights holder files a unilateral transfer or a cancellation with the legal document (Arts. 16, 18)");
			goto out;
		}
		needs_doc = 1;
		c.roles |= ROLE_APPLICANT;
	}
	rc = svc__check(&c, WF_FILE_REQUEST, &to, e);
	if (rc)
		goto out;
	r.app_id = app_id;
	r.kind = kind;
	r.state = REQ_PENDING;
	r.filed_by = who->id;
	r.filed_at = now;
	switch (kind) {
	case REQ_TRANSACTION:
	case REQ_PLEDGE:
	case REQ_LICENCE:
		if (in->act_date == NULL || day_parse(in->act_date, &act) || act > today) {
			rc = dip_fail(e, DIP_EINVAL, "act_date",
				      "act_date: the date of the act, YYYY-MM-DD, not in the future");
			goto out;
		}
		rc = check_filing(payload, e);
		if (rc)
			goto out;
		/* Art. 15: within 10 working days; late filings are accepted
		 * and flagged. */
		r.act_day = act;
		last = cal_add_working_days(&v->reg->cal, act, v->reg->rules.dl[DL_FILING].n);
		r.late = today > last;
		break;
	case REQ_CHANGE:
		rc = check_change(v, &c, payload, now, e);
		if (rc)
			goto out;
		break;
	case REQ_TRANSFER:
		if (in->unilateral < 0 || in->unilateral > ART16_CASES) {
			rc = dip_fail(e, DIP_EINVAL, "unilateral",
				      "unilateral: 0 for a joint application, or the case (1)-(4) of Art. 16");
			goto out;
		}
		r.unilateral = in->unilateral;
		if (in->counterparty == NULL ||
		    v->st->account_by_login(v->st, in->counterparty, &cp) != 0 || cp.disabled ||
		    !(cp.roles & ROLE_APPLICANT)) {
			rc = dip_fail(e, DIP_EINVAL, "counterparty",
				      "counterparty: the login of the account the rights pass to");
			goto out;
		}
		r.counterparty_id = cp.id;
		if (r.unilateral == 0) {
			if (!party) {
				rc = dip_fail(e, DIP_EFORBIDDEN, "", "a joint transfer is filed by the holder");
				goto out;
			}
			r.state = REQ_AWAITING_PARTY;
		} else {
			needs_doc = 1;
		}
		break;
	case REQ_CANCEL:
		break;
	case REQ__COUNT:
		break;
	}
	if (needs_doc || (kind == REQ_TRANSFER && r.unilateral)) {
		if (!hex_is_lower(in->legal_document, 64) ||
		    v->st->upload_get(v->st, in->legal_document, who->id, &u) != 0) {
			rc = dip_fail(e, DIP_EINVAL, "legal_document",
				      "legal_document: upload the legal document (judgment, decision, certificate of succession) and give its sha256");
			goto out;
		}
		rc = svc__st(v, v->st->upload_link(v->st, in->legal_document, app_id, "legal_document"), e);
		if (rc)
			goto out;
	}
	{
		json_t *p = payload ? json_deep_copy(payload) : json_object();

		if (in->legal_document)
			json_object_set_new(p, "legal_document", json_string(in->legal_document));
		r.payload = json_dumps(p, JSON_COMPACT);
		json_decref(p);
	}
	rc = svc__st(v, v->st->request_insert(v->st, &r), e);
	if (rc == 0 && r.state == REQ_PENDING)
		rc = svc__open(v, app_id, r.id, DL_REVIEW, now, 0, &due, e);
	if (rc == 0) {
		json_t *detail = json_pack("{s:s,s:I,s:b}", "kind", req_kind_name(kind), "request",
					   (json_int_t)r.id, "late", r.late);

		rc = svc__event(v, app_id, r.id, who, "file_request", c.a.state, c.a.state, NULL,
				r.state == REQ_PENDING ? DL_REVIEW : DL_NONE, due, detail, now, e);
	}
	if (rc == 0 && r.state == REQ_AWAITING_PARTY) {
		char body[512];

		/* The number is what the transferee confirms (POST
		 * /api/requests/{id}/confirm); the portal reads it from here. */
		snprintf(body, sizeof(body),
			 "登记的数据知识产权持有人申请将该权利转让给您，确认后即为共同申请（第十六条）。转让事项编号：%lld\n"
			 "A holder filed a transfer of a registered data IP right to you; confirm it to apply jointly (Art. 16). Request no. %lld",
			 (long long)r.id, (long long)r.id);
		rc = svc__deliver(v, r.counterparty_id, 0, app_id, "transfer_confirm",
				  "转让登记待确认 / transfer to confirm", body, now, e);
	}
	if (rc == 0 && req_id)
		*req_id = r.id;
out:
	request_release(&r);
	svc__release(&c);
	return svc__finish(v, rc, e);
}

int svc_confirm_request(struct svc *v, const struct actor *who, int64_t req_id, dip_time now,
			struct dip_error *e)
{
	struct request r;
	dip_time due = 0;
	int rc;

	rc = svc__begin(v, e);
	if (rc)
		return rc;
	rc = svc__st(v, v->st->request_get(v->st, req_id, &r), e);
	if (rc)
		return svc__finish(v, rc, e);
	if (r.counterparty_id != who->id)
		rc = dip_fail(e, DIP_ENOTFOUND, "", "request %lld not found", (long long)req_id);
	else if (r.state != REQ_AWAITING_PARTY)
		rc = dip_fail(e, DIP_ESTATE, "", "the request is %s, not awaiting your confirmation",
			      req_state_name(r.state));
	if (rc)
		goto out;
	r.state = REQ_PENDING;
	rc = svc__st(v, v->st->request_update(v->st, &r), e);
	if (rc == 0)
		rc = svc__open(v, r.app_id, r.id, DL_REVIEW, now, 0, &due, e);
	if (rc == 0)
		rc = svc__event(v, r.app_id, r.id, who, "confirm_request", APP_REGISTERED,
				APP_REGISTERED, NULL, DL_REVIEW, due, NULL, now, e);
out:
	request_release(&r);
	return svc__finish(v, rc, e);
}

/* Checks the reason and begins the write transaction with request req_id
 * read into r; on failure nothing stays open. */
static int request_begin(struct svc *v, int64_t req_id, const char *reason, int required,
			 struct request *r, struct dip_error *e)
{
	int rc = svc__text(reason, "reason", required, SVC_MAX_TEXT, e);

	if (rc == 0)
		rc = svc__begin(v, e);
	if (rc)
		return rc;
	rc = svc__st(v, v->st->request_get(v->st, req_id, r), e);
	return rc ? svc__finish(v, rc, e) : 0;
}

/* r is decided, or ended undecided: in state since now, for reason. */
static void request_end(struct request *r, enum req_state state, const char *reason, dip_time now)
{
	r->state = state;
	r->decided_at = now;
	free(r->decision);
	r->decision = reason && *reason ? strdup(reason) : NULL;
}

/* The transferee declines a joint transfer awaiting it: it never joined
 * the application, so the registry has nothing to decide (Art. 16). */
static int may_decline(const struct actor *who, const struct request *r, struct dip_error *e)
{
	if (who->id == 0 || r->counterparty_id != who->id)
		return dip_fail(e, DIP_ENOTFOUND, "", "request %lld not found", (long long)r->id);
	if (r->state != REQ_AWAITING_PARTY)
		return dip_fail(e, DIP_ESTATE, "", "the request is %s, not awaiting your confirmation",
				req_state_name(r->state));
	return 0;
}

/* Whoever filed a request, or holds the registration it is about (or acts
 * for the holder), takes it back while the registry has not decided. */
static int may_withdraw(struct svc *v, const struct actor *who, const struct app_ctx *c,
			const struct request *r, struct dip_error *e)
{
	if (who->id == 0 || (r->filed_by != who->id && !svc__is_party(c, who->id) &&
			     !((who->roles & ROLE_AGENT) && svc__agent_authorised(v, c, who->id)))) {
		if (who->id && r->counterparty_id == who->id)
			return dip_fail(e, DIP_EFORBIDDEN, "",
					"the transferee declines (POST /api/requests/%lld/decline)",
					(long long)r->id);
		if (who->roles & (ROLE_EXAMINER | ROLE_ADMIN))
			return dip_fail(e, DIP_EFORBIDDEN, "",
					"only its filer or the holder withdraws a request");
		return dip_fail(e, DIP_ENOTFOUND, "", "request %lld not found", (long long)r->id);
	}
	if (r->state != REQ_AWAITING_PARTY && r->state != REQ_PENDING)
		return dip_fail(e, DIP_ESTATE, "", "the request is %s; only one not yet decided is withdrawn",
				req_state_name(r->state));
	return 0;
}

/* Ends request req_id before the registry's decision: declined by its
 * transferee, or withdrawn.  The review a pending request opened is
 * closed; the holders hear of a decline, the transferee of a transfer it
 * was still asked to confirm that it was withdrawn. */
static int end_undecided(struct svc *v, const struct actor *who, int64_t req_id, int decline,
			 const char *reason, dip_time now, struct dip_error *e)
{
	static const char declined[] = "受让方未确认转让 / the transferee declined the transfer";
	enum req_state was;
	struct request r;
	struct app_ctx c;
	int rc;

	rc = request_begin(v, req_id, reason, 0, &r, e);
	if (rc)
		return rc;
	rc = svc__load_raw(v, r.app_id, &c, e);
	if (rc)
		goto out0;
	rc = decline ? may_decline(who, &r, e) : may_withdraw(v, who, &c, &r, e);
	if (rc)
		goto out;
	was = r.state;
	request_end(&r, decline ? REQ_DECLINED : REQ_WITHDRAWN, reason, now);
	rc = svc__st(v, v->st->request_update(v->st, &r), e);
	if (rc == 0 && was == REQ_PENDING)
		rc = svc__close(v, r.app_id, r.id, -1, now, e);
	if (rc == 0)
		rc = svc__event(v, r.app_id, r.id, who, decline ? "decline_request" : "withdraw_request",
				c.a.state, c.a.state, reason, DL_NONE, 0,
				json_pack("{s:s,s:I}", "kind", req_kind_name(r.kind), "request",
					  (json_int_t)r.id), now, e);
	if (rc == 0 && decline) {
		rc = svc__deliver_parties(v, &c, "transfer_declined", declined, reason ? reason : "",
					  now, e);
		if (rc == 0 && r.filed_by && !svc__is_party(&c, r.filed_by))
			rc = svc__deliver(v, r.filed_by, 0, r.app_id, "transfer_declined", declined,
					  reason ? reason : "", now, e);
	} else if (rc == 0 && was == REQ_AWAITING_PARTY && r.counterparty_id) {
		char body[256];

		snprintf(body, sizeof(body),
			 "转让事项编号 %lld 已由申请人撤回，无需确认。\n"
			 "Request no. %lld was withdrawn by its filer; nothing to confirm.",
			 (long long)r.id, (long long)r.id);
		rc = svc__deliver(v, r.counterparty_id, 0, r.app_id, "transfer_withdrawn",
				  "转让申请已撤回 / transfer withdrawn", body, now, e);
	}
out:
	svc__release(&c);
out0:
	request_release(&r);
	return svc__finish(v, rc, e);
}

int svc_decline_request(struct svc *v, const struct actor *who, int64_t req_id,
			const char *reason, dip_time now, struct dip_error *e)
{
	return end_undecided(v, who, req_id, 1, reason, now, e);
}

int svc_withdraw_request(struct svc *v, const struct actor *who, int64_t req_id,
			 const char *reason, dip_time now, struct dip_error *e)
{
	return end_undecided(v, who, req_id, 0, reason, now, e);
}

/* Replaces the holders by the transferee (Art. 16). */
static int transfer_holders(struct svc *v, struct app_ctx *c, int64_t to_id, struct dip_error *e)
{
	struct account a;
	struct party p;
	int rc;

	rc = svc__st(v, v->st->account_get(v->st, to_id, &a), e);
	if (rc == 0)
		rc = svc__st(v, v->st->party_delete_all(v->st, c->a.id), e);
	if (rc)
		return rc;
	memset(&p, 0, sizeof(p));
	p.app_id = c->a.id;
	p.account_id = a.id;
	snprintf(p.name, sizeof(p.name), "%s", a.display_name);
	p.kind = a.kind;
	snprintf(p.id_number, sizeof(p.id_number), "%s", a.id_number);
	p.confirmed_at = 1;
	rc = svc__st(v, v->st->party_put(v->st, &p), e);
	if (rc == 0) {
		c->parties[0] = p;
		c->nparties = 1;
		c->a.agent_id = 0;
	}
	return rc;
}

static int apply_request(struct svc *v, struct app_ctx *c, const struct actor *who,
			 const struct request *r, dip_time now, struct dip_error *e)
{
	json_t *payload = json_loads(r->payload ? r->payload : "{}", 0, NULL), *changes, *val, *rec;
	const char *key;
	int rc = 0;

	if (payload == NULL)
		return dip_fail(e, DIP_EDB, "", "stored request %lld is damaged", (long long)r->id);
	switch (r->kind) {
	case REQ_CHANGE:
		changes = json_object_get(payload, "changes");
		json_object_foreach(changes, key, val)
			json_object_set(c->content, key, val);
		rc = svc__issue_certificate(v, c, now, e);
		break;
	case REQ_TRANSFER:
		rc = transfer_holders(v, c, r->counterparty_id, e);
		if (rc == 0)
			rc = svc__issue_certificate(v, c, now, e);
		break;
	case REQ_CANCEL:
		rc = svc__close_registration(v, c, who, APP_CANCELLED,
					     svc__is_party(c, r->filed_by) ? CLOSE_BY_HOLDER
									    : CLOSE_BY_NEW_HOLDER,
					     "cancel", r->decision, now, e);
		json_decref(payload);
		return rc;
	default:
		break;
	}
	if (rc == 0)
		rc = svc__save(v, c, e);
	if (rc == 0)
		rc = svc__search_index(v, c, e);
	/* Art. 17: the change or filing is announced. */
	rec = json_object();
	json_object_set_new(rec, "application", json_integer(c->a.id));
	json_object_set_new(rec, "certificate_number", json_string(c->a.cert_no));
	json_object_set_new(rec, "kind", json_string(req_kind_name(r->kind)));
	if (r->kind == REQ_TRANSACTION || r->kind == REQ_PLEDGE || r->kind == REQ_LICENCE) {
		char day[11];

		svc__day(v->reg, r->act_day, day);
		json_object_set_new(rec, "act_date", json_string(day));
		json_object_set_new(rec, "late", json_boolean(r->late));
		if (json_object_get(payload, "amount"))
			json_object_set(rec, "amount", json_object_get(payload, "amount"));
	}
	if (r->kind == REQ_CHANGE && json_object_get(payload, "holder_event"))
		json_object_set(rec, "holder_event", json_object_get(payload, "holder_event"));
	if (rc == 0)
		rc = svc__ledger(v, r->kind == REQ_CHANGE ? "change" : r->kind == REQ_TRANSFER ? "transfer"
									   : "filing",
				 rec, now, NULL, e);
	else
		json_decref(rec);
	json_decref(payload);
	return rc;
}

int svc_decide_request(struct svc *v, const struct actor *who, int64_t req_id, int approve,
		       const char *reason, dip_time now, struct dip_error *e)
{
	struct request r;
	struct app_ctx c;
	enum app_state to;
	int rc;

	rc = request_begin(v, req_id, reason, !approve, &r, e);
	if (rc)
		return rc;
	rc = svc__load(v, who, r.app_id, now, &c, e);
	if (rc)
		goto out0;
	rc = svc__check(&c, WF_DECIDE_REQUEST, &to, e);
	if (rc == 0 && r.state != REQ_PENDING)
		rc = dip_fail(e, DIP_ESTATE, "", "the request is %s, not pending", req_state_name(r.state));
	if (rc)
		goto out;
	request_end(&r, approve ? REQ_APPROVED : REQ_REJECTED, reason, now);
	rc = svc__st(v, v->st->request_update(v->st, &r), e);
	if (rc == 0)
		rc = svc__close(v, r.app_id, r.id, -1, now, e);
	if (rc == 0) {
		json_t *detail = json_pack("{s:s,s:I}", "kind", req_kind_name(r.kind), "request",
					   (json_int_t)r.id);

		rc = svc__event(v, r.app_id, r.id, who, approve ? "approve_request" : "reject_request",
				APP_REGISTERED, APP_REGISTERED, reason, DL_NONE, 0, detail, now, e);
	}
	if (rc == 0)
		rc = svc__deliver_parties(v, &c, approve ? "request_approved" : "request_rejected",
					  approve ? "变更/备案已核准并公告 / request approved and announced"
						  : "变更/备案不予核准 / request rejected",
					  reason ? reason : "", now, e);
	if (rc == 0 && r.filed_by && !svc__is_party(&c, r.filed_by))
		rc = svc__deliver(v, r.filed_by, 0, r.app_id, approve ? "request_approved" : "request_rejected",
				  approve ? "申请已核准 / request approved" : "申请不予核准 / request rejected",
				  reason ? reason : "", now, e);
	if (rc == 0 && approve)
		rc = apply_request(v, &c, who, &r, now, e);
out:
	svc__release(&c);
out0:
	request_release(&r);
	return svc__finish(v, rc, e);
}

static int end_by_registry(struct svc *v, const struct actor *who, int64_t id,
			   enum wf_action act, const char *reason, dip_time now, struct dip_error *e)
{
	struct app_ctx c;
	enum app_state to;
	int rc;

	rc = svc__text(reason, "reason", 1, SVC_MAX_TEXT, e);
	if (rc)
		return rc;
	rc = svc__start(v, who, id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__check(&c, act, &to, e);
	if (rc == 0)
		rc = svc__close_registration(v, &c, who, to,
					     act == WF_REVOKE ? CLOSE_NONE : CLOSE_BY_REGISTRY,
					     wf_action_name(act), reason, now, e);
	svc__release(&c);
	return svc__finish(v, rc, e);
}

int svc_cancel_by_registry(struct svc *v, const struct actor *who, int64_t id,
			   const char *reason, dip_time now, struct dip_error *e)
{
	return end_by_registry(v, who, id, WF_CANCEL_BY_REGISTRY, reason, now, e);
}

int svc_revoke(struct svc *v, const struct actor *who, int64_t id, const char *reason,
	       dip_time now, struct dip_error *e)
{
	return end_by_registry(v, who, id, WF_REVOKE, reason, now, e);
}
