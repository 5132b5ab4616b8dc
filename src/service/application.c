/*
 * application.c - drafting, joint confirmation (Art. 6), submission
 * (Art. 7) and withdrawal.
 */
#include "service/internal.h"
#include "domain/certno.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int lenient_check(struct svc *v, const json_t *content, dip_time now, struct dip_error *e)
{
	struct app_defects d;
	struct app_check_ctx ctx = { &v->reg->industries, time_day(now, v->reg->zone), 0 };

	if (app_content_check(content, &ctx, &d) == 0)
		return 0;
	return app_defects_first(&d, e);
}

static int add_party(struct svc *v, int64_t app_id, int ord, const struct account *a,
		     dip_time confirmed, struct dip_error *e)
{
	struct party p;

	memset(&p, 0, sizeof(p));
	p.app_id = app_id;
	p.ord = ord;
	p.account_id = a->id;
	snprintf(p.name, sizeof(p.name), "%s", a->display_name);
	p.kind = a->kind;
	snprintf(p.id_number, sizeof(p.id_number), "%s", a->id_number);
	p.confirmed_at = confirmed;
	return svc__st(v, v->st->party_put(v->st, &p), e);
}

static int principal_ok(struct svc *v, int64_t agent_id, const struct account *p,
			struct dip_error *e)
{
	char poa[65];
	dip_time confirmed, revoked;

	if (v->st->agency_get(v->st, agent_id, p->id, poa, &confirmed, &revoked) != 0 ||
	    confirmed == 0 || revoked != 0)
		return dip_fail(e, DIP_EFORBIDDEN, "principals",
				"principals: %s has not confirmed a power of attorney for you (Art. 6)",
				p->login);
	return 0;
}

int svc_draft_create(struct svc *v, const struct actor *who, const struct draft_input *in,
		     dip_time now, int64_t *id, struct dip_error *e)
{
	struct application a;
	struct account acc;
	const char *const *l;
	int rc, ord = 0, agent = !(who->roles & ROLE_APPLICANT) && (who->roles & ROLE_AGENT);

	if (!(who->roles & (ROLE_APPLICANT | ROLE_AGENT)))
		return dip_fail(e, DIP_EFORBIDDEN, "", "only applicants and agencies file applications");
	if (agent && (in->principals == NULL || in->principals[0] == NULL))
		return dip_fail(e, DIP_EINVAL, "principals",
				"principals: an agency files for at least one principal");
	rc = lenient_check(v, in->content, now, e);
	if (rc)
		return rc;
	memset(&a, 0, sizeof(a));
	a.state = APP_DRAFT;
	a.created_by = who->id;
	a.agent_id = agent ? who->id : 0;
	a.created_at = now;
	a.content = json_dumps(in->content, JSON_COMPACT);
	snprintf(a.name, sizeof(a.name), "%s", app_get_str(in->content, "name") ? app_get_str(in->content, "name") : "");
	snprintf(a.industry, sizeof(a.industry), "%s",
		 app_get_str(in->content, "industry") ? app_get_str(in->content, "industry") : "");
	rc = svc__begin(v, e);
	if (rc)
		goto done;
	rc = svc__st(v, v->st->app_insert(v->st, &a), e);
	if (rc)
		goto out;
	if (!agent) {
		rc = svc__st(v, v->st->account_get(v->st, who->id, &acc), e);
		if (rc == 0)
			rc = add_party(v, a.id, ord++, &acc, now, e);
	}
	for (l = agent ? in->principals : in->coapplicants; rc == 0 && l && *l; l++) {
		if (ord >= SVC_MAX_PARTIES) {
			rc = dip_fail(e, DIP_ELIMIT, agent ? "principals" : "coapplicants",
				      "at most %d applicants", SVC_MAX_PARTIES);
			break;
		}
		if (v->st->account_by_login(v->st, *l, &acc) != 0 || acc.disabled ||
		    !(acc.roles & ROLE_APPLICANT)) {
			rc = dip_fail(e, DIP_EINVAL, agent ? "principals" : "coapplicants",
				      "%s: no applicant account \"%s\"",
				      agent ? "principals" : "coapplicants", *l);
			break;
		}
		if (acc.id == who->id)
			continue;
		if (agent)
			rc = principal_ok(v, who->id, &acc, e);
		/* An agent's confirmed power of attorney stands for the
		 * principal's confirmation; joint applicants confirm themselves. */
		if (rc == 0)
			rc = add_party(v, a.id, ord++, &acc, agent ? now : 0, e);
	}
	if (rc == 0)
		rc = svc__event(v, a.id, 0, who, "create", APP_DRAFT, APP_DRAFT, NULL, DL_NONE, 0,
				NULL, now, e);
out:
	if (rc) {
		svc__rollback(v);
		goto done;
	}
	rc = svc__commit(v, e);
	if (rc == 0 && id)
		*id = a.id;
done:
	application_release(&a);
	return rc;
}

/* Other applicants confirmed the content as it was; they confirm again. */
static int reset_confirmations(struct svc *v, struct app_ctx *c, int64_t keep, dip_time now,
			       struct dip_error *e)
{
	int i, rc = 0;

	if (c->a.agent_id)
		return 0;
	for (i = 0; rc == 0 && i < c->nparties; i++) {
		if (c->parties[i].account_id == keep || c->parties[i].confirmed_at == 0)
			continue;
		c->parties[i].confirmed_at = 0;
		rc = svc__st(v, v->st->party_put(v->st, &c->parties[i]), e);
		if (rc == 0)
			rc = svc__deliver(v, c->parties[i].account_id, 0, c->a.id, "confirm_request",
					  "联合申请内容已修改 / joint application changed",
					  "A joint applicant changed the application; review it and confirm again (Art. 6).",
					  now, e);
	}
	return rc;
}

int svc_draft_update(struct svc *v, const struct actor *who, int64_t id, const json_t *content,
		     dip_time now, struct dip_error *e)
{
	struct app_ctx c;
	enum app_state to;
	int rc;

	rc = lenient_check(v, content, now, e);
	if (rc)
		return rc;
	rc = svc__start(v, who, id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__check(&c, WF_EDIT, &to, e);
	if (rc)
		goto out;
	json_decref(c.content);
	c.content = json_deep_copy(content);
	rc = svc__save(v, &c, e);
	if (rc == 0)
		rc = reset_confirmations(v, &c, who->id, now, e);
	if (rc == 0)
		rc = svc__event(v, id, 0, who, "edit", c.a.state, to, NULL, DL_NONE, 0, NULL, now, e);
out:
	svc__release(&c);
	return svc__finish(v, rc, e);
}

int svc_confirm(struct svc *v, const struct actor *who, int64_t id, dip_time now,
		struct dip_error *e)
{
	struct app_ctx c;
	enum app_state to;
	int i, rc;

	rc = svc__start(v, who, id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__check(&c, WF_CONFIRM, &to, e);
	for (i = 0; rc == 0 && i < c.nparties; i++)
		if (c.parties[i].account_id == who->id)
			break;
	if (rc == 0 && i == c.nparties)
		rc = dip_fail(e, DIP_EFORBIDDEN, "", "only a joint applicant confirms (Art. 6)");
	if (rc == 0 && c.parties[i].confirmed_at == 0) {
		c.parties[i].confirmed_at = now;
		rc = svc__st(v, v->st->party_put(v->st, &c.parties[i]), e);
		if (rc == 0)
			rc = svc__event(v, id, 0, who, "confirm", c.a.state, to, NULL, DL_NONE, 0,
					NULL, now, e);
	}
	svc__release(&c);
	return svc__finish(v, rc, e);
}

/* An upload named in the content must belong to a party or the agent; it
 * is then linked to the application so examiners may read it. */
static int link_upload(struct svc *v, const struct app_ctx *c, const char *path,
		       struct dip_error *e)
{
	const char *sha = app_get_str(c->content, path);
	struct upload u;
	int i;

	if (sha == NULL)
		return 0;
	for (i = 0; i < c->nparties; i++)
		if (v->st->upload_get(v->st, sha, c->parties[i].account_id, &u) == 0)
			goto found;
	if (c->a.agent_id && v->st->upload_get(v->st, sha, c->a.agent_id, &u) == 0)
		goto found;
	return dip_fail(e, DIP_EINVAL, path, "%s: no upload %.12s... by an applicant", path, sha);
found:
	return svc__st(v, v->st->upload_link(v->st, sha, c->a.id, path), e);
}

/* Art. 9 (3): the evidence must exist before the application is filed. */
static int check_evidence(struct svc *v, struct app_ctx *c, dip_time now, struct dip_error *e)
{
	const char *kind = app_get_str(c->content, "evidence.kind");
	const char *fp = app_get_str(c->content, "evidence.fingerprint");
	json_t *dep = app_get(c->content, "evidence.deposit_id");
	struct deposit d;
	int rc;

	if (kind && strcmp(kind, "deposit") == 0) {
		rc = v->st->deposit_get(v->st, json_integer_value(dep), &d);
		if (rc || !(svc__is_party(c, d.account_id) || d.account_id == c->a.agent_id))
			return dip_fail(e, DIP_EINVAL, "evidence.deposit_id",
					"evidence.deposit_id: no deposit %lld by an applicant",
					(long long)json_integer_value(dep));
		if (fp == NULL || strcmp(fp, d.fingerprint) != 0)
			return dip_fail(e, DIP_EINVAL, "evidence.fingerprint",
					"evidence.fingerprint: differs from the fingerprint of deposit %lld",
					(long long)d.id);
		/* Times are whole seconds: a deposit of the same second was
		 * committed before this submission began. */
		if (d.created_at > now)
			return dip_fail(e, DIP_EINVAL, "evidence.deposit_id",
					"evidence.deposit_id: the deposit must precede the submission");
		return 0;
	}
	if (kind && strcmp(kind, "none") == 0) {
		if (v->reg->rules.evidence_before_filing)
			return dip_fail(e, DIP_EINVAL, "evidence.kind",
					"evidence.kind: this registry accepts applications only after an evidence deposit or notarisation (%s)",
					v->reg->rules.title);
		c->a.flags |= APPF_NO_EVIDENCE;
	}
	return 0;
}

struct dup_ctx {
	struct app_ctx *c;
	int64_t found;
	int reapplied;
};

static int dup_seen(void *ud, const struct application *a)
{
	struct dup_ctx *d = ud;

	if (a->state == APP_WITHDRAWN) {
		if (a->withdraw_reason == NULL || a->withdraw_reason[0] == '\0') {
			d->reapplied = 1;
			d->found = a->id;
		}
		return 0;
	}
	d->found = a->id;
	d->reapplied = 0;
	return 1;
}

/* Art. 9 (5): the same dataset pending or registered, or filed again
 * after a withdrawal without a stated reason, is flagged for refusal. */
static int flag_duplicates(struct svc *v, struct app_ctx *c, struct dip_error *e)
{
	struct dup_ctx d = { c, 0, 0 };
	const char *fp = app_get_str(c->content, "evidence.fingerprint");
	unsigned live = 1u << APP_SUBMITTED | 1u << APP_CORRECTION | 1u << APP_PUBLICATION |
			1u << APP_OBJECTION | 1u << APP_REGISTERED | 1u << APP_WITHDRAWN;
	int rc;

	if (fp == NULL)
		return 0;
	rc = v->st->app_by_fingerprint(v->st, fp, live, c->a.id, dup_seen, &d);
	if (rc < 0)
		return svc__st(v, rc, e);
	if (d.found) {
		c->a.flags |= d.reapplied ? APPF_REAPPLIED : APPF_DUPLICATE;
		c->a.related_id = d.found;
	}
	return 0;
}

/* The registration number: application year, data-source and
 * registrant-type codes, a yearly sequence and a check character
 * (docs/numbers.md).  It stays with the registration for life. */
static int assign_reg_no(struct svc *v, struct app_ctx *c, dip_time now, struct dip_error *e)
{
	static const struct {
		const char *kind;
		int code;
	} sources[] = {
		{ "own", CERTNO_SRC_OWN }, { "collected", CERTNO_SRC_OPEN },
		{ "public_authorised", CERTNO_SRC_PUBLIC_AUTH }, { "agreement", CERTNO_SRC_AGREEMENT },
		{ "purchased", CERTNO_SRC_PURCHASE }, { "other", CERTNO_SRC_OTHER },
	};
	const char *kind = app_get_str(c->content, "source.kind");
	struct certno_reg r;
	char counter[32];
	int64_t seq;
	size_t i;
	int m, d, rc;

	if (c->a.reg_no[0])
		return 0;
	day_to_ymd(time_day(now, v->reg->zone), &r.year, &m, &d);
	r.source = CERTNO_SRC_OTHER;
	for (i = 0; kind && i < sizeof(sources) / sizeof(sources[0]); i++)
		if (strcmp(kind, sources[i].kind) == 0)
			r.source = sources[i].code;
	r.registrant = c->nparties > 1 ? CERTNO_REG_JOINT
		       : c->parties[0].kind == PARTY_NATURAL ? CERTNO_REG_NATURAL
		       : c->parties[0].kind == PARTY_LEGAL ? CERTNO_REG_LEGAL : CERTNO_REG_UNINC;
	snprintf(counter, sizeof(counter), "registration_seq_%04d", r.year);
	rc = svc__st(v, v->st->counter_next(v->st, counter, &seq), e);
	if (rc)
		return rc;
	r.seq = (uint32_t)seq;
	return certno_reg_format(&r, c->a.reg_no, e);
}

int svc_submit(struct svc *v, const struct actor *who, int64_t id, dip_time now,
	       struct app_defects *defects, struct dip_error *e)
{
	return svc_submit_view(v, who, id, now, defects, NULL, NULL, e);
}

int svc_submit_view(struct svc *v, const struct actor *who, int64_t id, dip_time now,
		    struct app_defects *defects, json_t **view, char **content_text,
		    struct dip_error *e)
{
	struct app_defects local;
	struct app_defects *d = defects ? defects : &local;
	struct app_check_ctx ctx = { &v->reg->industries, time_day(now, v->reg->zone), 1 };
	static const char *uploads[] = { "source.lawful_proof", "sample", "evidence.notary_scan" };
	struct app_ctx c;
	enum app_state to;
	char due_s[32], at_s[32], body[512];
	dip_time due = 0;
	size_t k;
	int i, rc;

	app_defects_clear(d);
	if (view)
		*view = NULL;
	if (content_text)
		*content_text = NULL;
	rc = svc__start(v, who, id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__check(&c, WF_SUBMIT, &to, e);
	for (i = 0; rc == 0 && i < c.nparties; i++)
		if (c.parties[i].confirmed_at == 0)
			rc = dip_fail(e, DIP_ESTATE, "coapplicants",
				      "coapplicants: %s has not confirmed the application yet (Art. 6: joint processors apply jointly)",
				      c.parties[i].name);
	if (rc)
		goto out;
	/* Checked already when it was read ahead, the same day. */
	if (!(c.complete && c.complete_day == ctx.today) && app_content_check(c.content, &ctx, d)) {
		rc = app_defects_first(d, e);
		goto out;
	}
	for (k = 0; rc == 0 && k < sizeof(uploads) / sizeof(uploads[0]); k++)
		rc = link_upload(v, &c, uploads[k], e);
	if (rc == 0)
		rc = check_evidence(v, &c, now, e);
	if (rc == 0)
		rc = flag_duplicates(v, &c, e);
	if (rc == 0)
		rc = svc__open(v, id, 0, DL_EXAMINE, now, 0, &due, e);
	if (rc == 0)
		rc = svc__event(v, id, 0, who, "submit", APP_DRAFT, to, NULL, DL_EXAMINE, due,
				NULL, now, e);
	svc__time(v->reg, now, at_s);
	svc__time(v->reg, due, due_s);
	snprintf(body, sizeof(body),
		 "登记机构已于 %s 收到申请（第七条）。形式审查将在 %s 前完成（第八条）。\n"
		 "The registry received the application at %s (Art. 7); formal examination ends by %s (Art. 8).",
		 at_s, due_s, at_s, due_s);
	if (rc == 0)
		rc = svc__deliver_parties(v, &c, "receipt", "申请受理回执 / receipt of application",
					  body, now, e);
	/* The yearly counter last: on PostgreSQL its row stays locked until
	 * the commit, and every other submission waits for it. */
	if (rc == 0)
		rc = assign_reg_no(v, &c, now, e);
	if (rc)
		goto out;
	c.a.state = to;
	c.a.submitted_at = now;
	rc = svc__save_kept(v, &c, e);
	if (rc == 0 && view)
		rc = svc__app_view(v, who, &c, now, view, e);
	if (rc == 0 && view)
		svc__take_content_text(&c, *view, content_text);
out:
	svc__release(&c);
	rc = svc__finish(v, rc, e);
	if (rc && view && *view) {
		json_decref(*view);
		*view = NULL;
	}
	if (rc && content_text && *content_text) {
		free(*content_text);
		*content_text = NULL;
	}
	return rc;
}

int svc__moot_objections(struct svc *v, const struct app_ctx *c, dip_time at,
			 struct dip_error *e)
{
	struct objection o;
	int64_t ids[256];
	int n = 0, i, rc;

	rc = svc__st(v, v->st->objection_ids(v->st, c->a.id, ids, 256, &n), e);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = svc__st(v, v->st->objection_get(v->st, ids[i], &o), e);
		if (rc)
			break;
		if (wf_obj_open(o.state)) {
			o.state = OBJ_MOOT;
			o.decided_at = at;
			rc = svc__st(v, v->st->objection_update(v->st, &o), e);
			if (rc == 0)
				rc = svc__deliver(v, o.objector_id, o.id, c->a.id, "objection_moot",
						  "异议程序终结 / objection closed",
						  "The application ended before a decision on your objection.",
						  at, e);
		}
		objection_release(&o);
	}
	return rc;
}

int svc_withdraw(struct svc *v, const struct actor *who, int64_t id, const char *reason,
		 dip_time now, struct dip_error *e)
{
	struct app_ctx c;
	enum app_state to, from;
	json_t *rec;
	int rc;

	rc = svc__text(reason, "reason", 0, SVC_MAX_TEXT, e);
	if (rc)
		return rc;
	rc = svc__start(v, who, id, now, &c, e);
	if (rc)
		return rc;
	rc = svc__check(&c, WF_WITHDRAW, &to, e);
	if (rc)
		goto out;
	from = c.a.state;
	c.a.state = to;
	c.a.closed_at = now;
	free(c.a.withdraw_reason);
	c.a.withdraw_reason = reason && *reason ? strdup(reason) : NULL;
	rc = svc__save(v, &c, e);
	if (rc == 0)
		rc = svc__search_index(v, &c, e);
	if (rc == 0)
		rc = svc__close(v, id, -1, -1, now, e);
	if (rc == 0)
		rc = svc__moot_objections(v, &c, now, e);
	if (rc == 0)
		rc = svc__event(v, id, 0, who, "withdraw", from, to, reason, DL_NONE, 0, NULL, now, e);
	if (rc == 0 && from != APP_DRAFT)
		rc = svc__deliver_parties(v, &c, "withdrawal", "申请已撤回 / application withdrawn",
					  "The application was withdrawn.", now, e);
	/* A publication is public; so is its end. */
	if (rc == 0 && (from == APP_PUBLICATION || from == APP_OBJECTION)) {
		rec = json_object();
		json_object_set_new(rec, "application", json_integer(id));
		rc = svc__ledger(v, "publication_withdrawn", rec, now, NULL, e);
	}
out:
	svc__release(&c);
	return svc__finish(v, rc, e);
}
