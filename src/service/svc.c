/*
 * svc.c - the registry's shared configuration and the helpers every use
 * case needs: transactions, loading with access checks, the archive,
 * deadlines, delivery, the log and the audit trail.
 */
#include "service/internal.h"
#include "domain/period.h"
#include "util/jcs.h"
#include "util/jsontext.h"
#include "util/log.h"
#include "util/res.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct actor actor_system = { 0, ROLE_SYSTEM, "scheduler", NULL };

static void warn_year(void *ud, int year)
{
	char y[8];

	(void)ud;
	snprintf(y, sizeof(y), "%d", year);
	log_event(LOG_WARN, "calendar_year_unknown", "year", y, "fallback", "monday-friday",
		  "hint", "load the State Council holiday notice for this year", NULL);
}

int registry_init(struct registry *r, struct dip_error *e)
{
	const struct dip_resource *hol = res_get("data/cn-holidays.txt");
	const struct dip_resource *ind = res_get("data/gbt4754-2017.tsv");
	int rc;

	memset(r, 0, sizeof(*r));
	r->zone = DIP_ZONE_SHANGHAI;
	r->pw_cost = 15;
	r->login_max_per_login = 5;
	r->login_max_per_addr = 20;
	snprintf(r->name, sizeof(r->name), "%s", "北京市知识产权保护中心");
	snprintf(r->code, sizeof(r->code), "%s", "1100");
	snprintf(r->base_url, sizeof(r->base_url), "%s", "http://127.0.0.1:8080");
	snprintf(r->origin, sizeof(r->origin), "%s", "dipreg.example/log");
	snprintf(r->data_dir, sizeof(r->data_dir), "%s", "var");
	rc = rules_builtin(&r->rules, "beijing", e);
	if (rc == 0)
		rc = cal_parse(&r->cal, hol->data, hol->len, e);
	if (rc == 0)
		rc = industry_parse(&r->industries, ind->data, ind->len, e);
	r->cal.warn = warn_year;
	if (rc)
		registry_release(r);
	return rc;
}

void registry_release(struct registry *r)
{
	svc_cache_free(r->records);
	r->records = NULL;
	svc_stats_cache_free(r->stats);
	r->stats = NULL;
	cal_release(&r->cal);
	industry_release(&r->industries);
}

int registry_set_calendar(struct registry *r, const char *text, size_t len, struct dip_error *e)
{
	struct calendar c;
	int rc = cal_parse(&c, text, len, e);

	if (rc)
		return rc;
	cal_release(&r->cal);
	r->cal = c;
	r->cal.warn = warn_year;
	return 0;
}

int svc__st(struct svc *v, int rc, struct dip_error *e)
{
	if (e && rc)
		*e = v->st->err;
	if (e && rc && e->code == 0)
		e->code = rc;
	return rc;
}

int svc__begin(struct svc *v, struct dip_error *e)
{
	return svc__st(v, v->st->begin(v->st, 1), e);
}

int svc__commit(struct svc *v, struct dip_error *e)
{
	return svc__st(v, v->st->commit(v->st), e);
}

void svc__rollback(struct svc *v)
{
	v->st->rollback(v->st);
}

int svc__is_party(const struct app_ctx *c, int64_t account_id)
{
	int i;

	if (account_id == 0)
		return 0;
	for (i = 0; i < c->nparties; i++)
		if (c->parties[i].account_id == account_id)
			return 1;
	return 0;
}

int svc_read_ahead(struct svc *v, int64_t id, dip_time submit_at, struct svc_ahead *a)
{
	struct app_check_ctx ctx = { &v->reg->industries, time_day(submit_at, v->reg->zone), 1 };
	struct application app;
	struct app_defects d;
	int rc;

	memset(a, 0, sizeof(*a));
	if (v->st->begin(v->st, 0) != 0)
		return -1;
	rc = v->st->app_get(v->st, id, &app);
	v->st->rollback(v->st);
	if (rc)
		return -1;
	if (app.content)
		a->content = json_text_loads(app.content, NULL);
	if (a->content) {
		a->id = id;
		a->text = app.content;
		app.content = NULL;
		if (submit_at && json_is_object(a->content) &&
		    app_content_check(a->content, &ctx, &d) == 0) {
			a->complete = 1;
			a->complete_day = ctx.today;
		}
	}
	application_release(&app);
	return a->content ? 0 : -1;
}

void svc_ahead_free(struct svc_ahead *a)
{
	json_decref(a->content);
	free(a->text);
	memset(a, 0, sizeof(*a));
}

/* The content read ahead, taken over into c when it is application id's
 * and the same as what is stored now; else c->content stays NULL. */
static void take_ahead(struct svc *v, int64_t id, struct app_ctx *c)
{
	struct svc_ahead *a = v->ahead;

	if (a == NULL || a->content == NULL || a->id != id || c->a.content == NULL ||
	    strcmp(a->text, c->a.content) != 0)
		return;
	c->content = a->content;
	c->complete = a->complete;
	c->complete_day = a->complete_day;
	a->content = NULL;
}

int svc__load_raw(struct svc *v, int64_t id, struct app_ctx *c, struct dip_error *e)
{
	json_error_t jerr;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = v->st->app_get(v->st, id, &c->a);
	if (rc)
		return svc__st(v, rc, e);
	rc = v->st->party_list(v->st, id, c->parties, SVC_MAX_PARTIES, &c->nparties);
	if (rc)
		return svc__st(v, rc, e);
	take_ahead(v, id, c);
	if (c->content == NULL)
		c->content = json_text_loads(c->a.content ? c->a.content : "{}", &jerr);
	if (c->content == NULL)
		return dip_fail(e, DIP_EDB, "", "stored content of application %lld is damaged",
				(long long)id);
	return 0;
}

/* The agent acts for the principals only while each first applicant's
 * power of attorney is confirmed and not revoked (Art. 6 para 2). */
int svc__agent_authorised(struct svc *v, const struct app_ctx *c, int64_t agent_id)
{
	char poa[65];
	dip_time confirmed, revoked;
	int i;

	if (c->a.agent_id != agent_id || c->nparties == 0)
		return 0;
	for (i = 0; i < c->nparties; i++)
		if (v->st->agency_get(v->st, agent_id, c->parties[i].account_id, poa, &confirmed,
				      &revoked) != 0 || confirmed == 0 || revoked != 0)
			return 0;
	return 1;
}

int svc__load(struct svc *v, const struct actor *who, int64_t id, dip_time now,
	      struct app_ctx *c, struct dip_error *e)
{
	int rc, applied = 0;

	rc = svc__apply_due(v, id, now, &applied, e);
	if (rc)
		return rc;
	rc = svc__load_raw(v, id, c, e);
	if (rc)
		return rc;
	c->roles = who->roles & (ROLE_PUBLIC | ROLE_SYSTEM | ROLE_EXAMINER | ROLE_ADMIN);
	c->roles |= ROLE_PUBLIC;
	/* Rights follow the parties: whoever drafted it, a holder who
	 * transferred it away acts no more. */
	if (who->id && svc__is_party(c, who->id))
		c->roles |= ROLE_APPLICANT;
	if (who->id && (who->roles & ROLE_AGENT) && svc__agent_authorised(v, c, who->id))
		c->roles |= ROLE_AGENT;
	/* What the public cannot see does not exist for it. */
	if (!(c->roles & (ROLE_APPLICANT | ROLE_AGENT | ROLE_EXAMINER | ROLE_ADMIN | ROLE_SYSTEM)) &&
	    (c->a.state == APP_DRAFT || c->a.state == APP_SUBMITTED ||
	     c->a.state == APP_CORRECTION || c->a.state == APP_WITHDRAWN ||
	     c->a.state == APP_DEEMED_WITHDRAWN || c->a.state == APP_REFUSED)) {
		svc__release(c);
		return dip_fail(e, DIP_ENOTFOUND, "", "application %lld not found", (long long)id);
	}
	return 0;
}

/* Ends the transaction of an action: commits it when rc is 0, rolls it
 * back otherwise; returns rc, or the commit's failure. */
int svc__finish(struct svc *v, int rc, struct dip_error *e)
{
	if (rc) {
		svc__rollback(v);
		return rc;
	}
	return svc__commit(v, e);
}

/* Begins an action's write transaction and loads application id into c as
 * who sees it.  On failure nothing stays open: no transaction, nothing to
 * release. */
int svc__start(struct svc *v, const struct actor *who, int64_t id, dip_time now,
	       struct app_ctx *c, struct dip_error *e)
{
	int rc = svc__begin(v, e);

	if (rc)
		return rc;
	rc = svc__load(v, who, id, now, c, e);
	if (rc)
		svc__rollback(v);
	return rc;
}

void svc__release(struct app_ctx *c)
{
	application_release(&c->a);
	json_decref(c->content);
	c->content = NULL;
}

int svc__save_kept(struct svc *v, struct app_ctx *c, struct dip_error *e)
{
	const char *s;
	int rc;

	s = app_get_str(c->content, "name");
	snprintf(c->a.name, sizeof(c->a.name), "%s", s ? s : "");
	s = app_get_str(c->content, "industry");
	snprintf(c->a.industry, sizeof(c->a.industry), "%s", s ? s : "");
	s = app_get_str(c->content, "evidence.fingerprint");
	snprintf(c->a.fingerprint, sizeof(c->a.fingerprint), "%s", s ? s : "");
	rc = v->st->app_update(v->st, &c->a);
	return svc__st(v, rc, e);
}

int svc__save(struct svc *v, struct app_ctx *c, struct dip_error *e)
{
	char *text = json_dumps(c->content, JSON_COMPACT);

	if (text == NULL)
		return dip_fail(e, DIP_ENOMEM, "", "out of memory");
	free(c->a.content);
	c->a.content = text;
	return svc__save_kept(v, c, e);
}

int svc__check(struct app_ctx *c, enum wf_action act, enum app_state *to, struct dip_error *e)
{
	return wf_app_check(c->a.state, act, c->roles, to, e);
}

int svc__event(struct svc *v, int64_t app_id, int64_t ref_id, const struct actor *who,
	       const char *action, int from, int to, const char *reason, int dl_kind,
	       dip_time dl_due, json_t *detail, dip_time at, struct dip_error *e)
{
	struct event ev;
	int rc;

	memset(&ev, 0, sizeof(ev));
	ev.app_id = app_id;
	ev.ref_id = ref_id;
	ev.at = at;
	ev.actor_id = who->id;
	ev.actor_role = who->roles;
	snprintf(ev.action, sizeof(ev.action), "%s", action);
	ev.from_state = from;
	ev.to_state = to;
	ev.reason = (char *)reason;
	ev.dl_kind = dl_kind;
	ev.dl_due = dl_due;
	ev.detail = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	json_decref(detail);
	rc = v->st->event_insert(v->st, &ev);
	free(ev.detail);
	return svc__st(v, rc, e);
}

dip_time svc__due(const struct registry *r, int kind, dip_time from)
{
	const struct rule_period *p;
	dip_day day = time_day(from, r->zone);

	if (kind == DL_LATE_REPLY || kind == DL_APPROVE)
		kind = DL_EXAMINE;
	if (kind < 0 || kind >= DL__COUNT)
		return from;
	p = &r->rules.dl[kind];
	switch (p->unit) {
	case UNIT_WORKING_DAYS:
		return day_end(cal_add_working_days(&r->cal, day, p->n), r->zone);
	case UNIT_DAYS:
		return day_end(day + p->n, r->zone);
	case UNIT_MONTHS:
		return day_end(period_civil_end(day, 0, p->n), r->zone);
	case UNIT_YEARS:
		return day_end(period_civil_end(day, p->n, 0), r->zone);
	}
	return from;
}

static int binds(int kind)
{
	if (kind == DL_EXPIRY || kind == DL_EXPIRY_NOTICE)
		return 1;
	if (kind >= DL__COUNT)
		return 0;
	return rules_deadline_binds_party((enum deadline_kind)kind);
}

int svc__open(struct svc *v, int64_t app_id, int64_t ref_id, int kind, dip_time from,
	      dip_time due, dip_time *out_due, struct dip_error *e)
{
	struct deadline d;
	int rc;

	memset(&d, 0, sizeof(d));
	d.app_id = app_id;
	d.ref_id = ref_id;
	d.kind = kind;
	d.opened_at = from;
	d.due_at = due ? due : svc__due(v->reg, kind, from);
	d.binds_party = binds(kind);
	rc = v->st->deadline_insert(v->st, &d);
	if (rc == 0 && out_due)
		*out_due = d.due_at;
	return svc__st(v, rc, e);
}

struct close_ctx {
	int64_t ids[64];
	int n;
	int kind;
	int64_t ref_id;
};

static int collect_open(void *ud, const struct deadline *d)
{
	struct close_ctx *c = ud;

	if ((c->kind < 0 || d->kind == c->kind) && (c->ref_id < 0 || d->ref_id == c->ref_id) &&
	    c->n < 64)
		c->ids[c->n++] = d->id;
	return 0;
}

int svc__close(struct svc *v, int64_t app_id, int64_t ref_id, int kind, dip_time at,
	       struct dip_error *e)
{
	struct close_ctx c;
	int i, rc;

	memset(&c, 0, sizeof(c));
	c.kind = kind;
	c.ref_id = ref_id;
	rc = v->st->deadline_open_for(v->st, app_id, -1, collect_open, &c);
	for (i = 0; rc == 0 && i < c.n; i++)
		rc = v->st->deadline_close(v->st, c.ids[i], at);
	return svc__st(v, rc, e);
}

int svc__deliver(struct svc *v, int64_t account_id, int64_t obj_id, int64_t app_id,
		 const char *kind, const char *subject, const char *body, dip_time at,
		 struct dip_error *e)
{
	struct message m;
	int rc;

	memset(&m, 0, sizeof(m));
	m.account_id = account_id;
	m.objection_id = obj_id;
	m.app_id = app_id;
	snprintf(m.kind, sizeof(m.kind), "%s", kind);
	m.subject = (char *)subject;
	m.body = (char *)body;
	m.delivered_at = at;
	rc = v->st->message_insert(v->st, &m);
	return svc__st(v, rc, e);
}

int svc__deliver_parties(struct svc *v, const struct app_ctx *c, const char *kind,
			 const char *subject, const char *body, dip_time at, struct dip_error *e)
{
	int i, rc = 0;

	for (i = 0; rc == 0 && i < c->nparties; i++)
		rc = svc__deliver(v, c->parties[i].account_id, 0, c->a.id, kind, subject, body, at, e);
	if (rc == 0 && c->a.agent_id)
		rc = svc__deliver(v, c->a.agent_id, 0, c->a.id, kind, subject, body, at, e);
	return rc;
}

int svc__ledger(struct svc *v, const char *type, json_t *entry, dip_time at, int64_t *index,
		struct dip_error *e)
{
	char ts[32];
	struct dbuf b;
	int64_t idx = -1;
	int rc;

	svc__time(v->reg, at, ts);
	json_object_set_new(entry, "type", json_string(type));
	json_object_set_new(entry, "time", json_string(ts));
	/* The leaf is the entry's canonical form (RFC 8785), so anyone can
	 * recompute it from the JSON. */
	dbuf_init(&b, 65535);
	rc = jcs_serialize(entry, &b, e);
	json_decref(entry);
	if (rc == DIP_ELIMIT)
		dip_fail(e, rc, "", "log entry larger than 65535 bytes");
	if (rc)
		goto out;
	rc = svc__st(v, v->st->ledger_append(v->st, b.p, b.len, strcmp(type, "deposit") != 0, &idx),
		     e);
	if (rc == 0 && index)
		*index = idx;
out:
	dbuf_free(&b);
	return rc;
}

json_t *svc_public_record(const struct registry *reg, const struct application *a,
			  const struct party *parties, int n, const json_t *content,
			  enum app_view view)
{
	json_t *rec = json_object(), *holders = json_array(), *h;
	const struct industry *ind;
	char masked[19];
	int i;

	json_object_set_new(rec, "application", json_integer(a->id));
	for (i = 0; i < n; i++) {
		h = json_object();
		idnum_mask(parties[i].kind, parties[i].id_number, masked);
		json_object_set_new(h, "name", json_string(parties[i].name));
		json_object_set_new(h, "kind", json_string(party_kind_name(parties[i].kind)));
		json_object_set_new(h, "id_number", json_string(masked));
		json_array_append_new(holders, h);
	}
	json_object_set_new(rec, view == APP_VIEW_PUBLICATION ? "applicants" : "holders", holders);
	json_object_set_new(rec, "content", app_content_public(content, view));
	if (view == APP_VIEW_REGISTER) {
		ind = industry_find(&reg->industries, a->industry);
		if (ind)
			json_object_set_new(rec, "industry_name", json_string(ind->name));
		if (a->reg_no[0])
			json_object_set_new(rec, "registration_number", json_string(a->reg_no));
		if (a->cert_no[0])
			json_object_set_new(rec, "certificate_number", json_string(a->cert_no));
	}
	return rec;
}

json_t *svc__public_record(struct svc *v, const struct app_ctx *c, enum app_view view)
{
	return svc_public_record(v->reg, &c->a, c->parties, c->nparties, c->content, view);
}

int svc__audit(struct svc *v, const struct actor *who, const char *action, const char *object,
	       const char *detail, dip_time at)
{
	struct audit_entry a;

	memset(&a, 0, sizeof(a));
	a.at = at;
	a.actor_id = who->id;
	snprintf(a.action, sizeof(a.action), "%s", action);
	snprintf(a.object, sizeof(a.object), "%s", object);
	snprintf(a.detail, sizeof(a.detail), "%s", detail ? detail : "");
	snprintf(a.addr, sizeof(a.addr), "%s", who->addr);
	return v->st->audit_insert(v->st, &a);
}

int svc__text(const char *s, const char *field, int required, int max, struct dip_error *e)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return required ? dip_fail(e, DIP_EINVAL, field, "%s: required", field) : 0;
	n = strlen(s);
	if (!utf8_valid(s, n))
		return dip_fail(e, DIP_EINVAL, field, "%s: not valid UTF-8 text", field);
	if (utf8_count(s, n) > (size_t)max)
		return dip_fail(e, DIP_EINVAL, field, "%s: at most %d characters", field, max);
	if (utf8_has_control(s))
		return dip_fail(e, DIP_EINVAL, field, "%s: contains control characters", field);
	return 0;
}

void svc__day(const struct registry *r, dip_day d, char out[11])
{
	(void)r;
	day_format(d, out);
}

void svc__time(const struct registry *r, dip_time t, char out[32])
{
	time_format(t, r->zone, out);
}
