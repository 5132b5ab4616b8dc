/*
 * tick.c - the scheduler: applying deadlines that ran out.
 *
 * A binding deadline is a time limit whose end has a legal effect: the
 * correction reply (Art. 8: deemed withdrawn), the publication period
 * (Art. 10: publication ends), the applicant's answer and the objector's
 * supplement (Art. 11: the exchange moves on), and validity (Art. 14:
 * cancelled when not renewed).  The scheduler finds them in the store, not
 * in memory, so it catches up after any downtime: each effect is dated at
 * the moment the deadline ran out (the second after 23:59:59 of its last
 * day), applied in the order the deadlines fell due, and the deadline is
 * closed in the same transaction, so it is applied exactly once.  Effects
 * may open deadlines that are themselves already due; those are applied in
 * turn.
 *
 * Several servers may share one database (DESIGN.md §7), and a use case
 * applies its application's due deadlines before it acts (svc__load), so
 * two transactions may find the same deadline due at once.  Each takes the
 * application's row lock before closing any of its deadlines and reads
 * them again behind it, and a deadline is closed only while still open:
 * the second finds it closed and applies nothing.  Besides, one scheduler
 * runs at a time across servers: each of its transactions holds the
 * "scheduler" lock, and a server's timer that finds another scheduler at
 * work leaves the round to it; if that server dies, its lock goes with its
 * connection and the next timer takes over.
 */
#include "service/internal.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

#define MAX_CHAIN 64

struct due_list {
	struct deadline v[MAX_CHAIN];
	int n;
};

static int collect_due(void *ud, const struct deadline *d)
{
	struct due_list *l = ud;

	if (l->n < MAX_CHAIN)
		l->v[l->n++] = *d;
	return 0;
}

static int lapse_objection(struct svc *v, const struct deadline *d, enum obj_action act,
			   dip_time eff, dip_time now, struct dip_error *e)
{
	struct objection o;
	enum obj_state to;
	int opens, rc;
	dip_time due = 0;

	rc = svc__st(v, v->st->objection_get(v->st, d->ref_id, &o), e);
	if (rc)
		return rc;
	if (wf_obj_check(o.state, act, ROLE_SYSTEM, &to, &opens, NULL) != 0)
		goto out; /* already moved on: nothing to apply */
	o.state = to;
	rc = svc__st(v, v->st->objection_update(v->st, &o), e);
	if (rc == 0)
		rc = svc__open(v, d->app_id, o.id, opens, eff, 0, &due, e);
	if (rc == 0)
		rc = svc__event(v, d->app_id, o.id, &actor_system, obj_action_name(act), -1, -1, NULL,
				opens, due,
				json_pack("{s:I,s:I}", "objection", (json_int_t)o.id, "applied_at",
					  (json_int_t)now),
				eff, e);
out:
	objection_release(&o);
	return rc;
}

static int end_publication(struct svc *v, struct app_ctx *c, dip_time eff, dip_time now,
			   struct dip_error *e)
{
	struct objection o;
	int64_t ids[256];
	int n = 0, i, open = 0, rc;

	rc = svc__st(v, v->st->objection_ids(v->st, c->a.id, ids, 256, &n), e);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = svc__st(v, v->st->objection_get(v->st, ids[i], &o), e);
		if (rc == 0)
			open += wf_obj_open(o.state);
		objection_release(&o);
	}
	if (rc)
		return rc;
	rc = svc__event(v, c->a.id, 0, &actor_system, "end_publication", APP_PUBLICATION,
			open || !v->reg->rules.auto_register ? APP_OBJECTION : APP_PUBLICATION,
			NULL, DL_NONE, 0, json_pack("{s:i,s:I}", "open_objections", open,
						    "applied_at", (json_int_t)now), eff, e);
	if (rc)
		return rc;
	/* Art. 12: no objection, so the registry approves and announces. */
	if (!open && v->reg->rules.auto_register)
		return svc__register(v, c, &actor_system, eff, e);
	c->a.state = APP_OBJECTION;
	rc = svc__save(v, c, e);
	if (rc == 0)
		rc = svc__search_index(v, c, e);
	if (rc == 0 && !open)
		rc = svc__open(v, c->a.id, 0, DL_APPROVE, eff, 0, NULL, e);
	return rc;
}

/* Applies the effect of deadline d, which the caller just closed. */
static int apply_one(struct svc *v, const struct deadline *d, dip_time now, struct dip_error *e)
{
	struct app_ctx c;
	dip_time eff = d->due_at + 1;
	char until[11], body[400];
	int rc;

	switch (d->kind) {
	case DL_OBJ_ANSWER:
		return lapse_objection(v, d, OBJA_ANSWER_LAPSED, eff, now, e);
	case DL_OBJ_SUPPLEMENT:
		return lapse_objection(v, d, OBJA_SUPPLEMENT_LAPSED, eff, now, e);
	default:
		break;
	}
	rc = svc__load_raw(v, d->app_id, &c, e);
	if (rc)
		return rc;
	c.roles = ROLE_SYSTEM;
	switch (d->kind) {
	case DL_CORRECTION_REPLY:
		if (c.a.state != APP_CORRECTION)
			break;
		/* Art. 8: no reply in time, so the application is deemed
		 * withdrawn. */
		c.a.state = APP_DEEMED_WITHDRAWN;
		c.a.closed_at = eff;
		rc = svc__save(v, &c, e);
		if (rc == 0)
			rc = svc__event(v, c.a.id, 0, &actor_system, "deem_withdrawn", APP_CORRECTION,
					APP_DEEMED_WITHDRAWN, NULL, DL_NONE, 0,
					json_pack("{s:I}", "applied_at", (json_int_t)now), eff, e);
		if (rc == 0)
			rc = svc__deliver_parties(v, &c, "deemed_withdrawn", "视为撤回 / deemed withdrawn",
						  "The correction period ended without a reply, so the application is deemed withdrawn (Art. 8). A late reply stating a justified reason may still be filed.",
						  eff, e);
		break;
	case DL_PUBLICATION:
		if (c.a.state == APP_PUBLICATION)
			rc = end_publication(v, &c, eff, now, e);
		break;
	case DL_EXPIRY:
		if (c.a.state == APP_REGISTERED)
			rc = svc__close_registration(v, &c, &actor_system, APP_CANCELLED, CLOSE_EXPIRED,
						     "expire", "有效期满未续展（第十四条）/ expired without renewal (Art. 14)",
						     eff, e);
		break;
	case DL_EXPIRY_NOTICE:
		if (c.a.state != APP_REGISTERED)
			break;
		svc__day(v->reg, c.a.valid_until, until);
		snprintf(body, sizeof(body),
			 "登记证书有效期至 %s。请在期满前一个月内办理续展（第十四条）。\n"
			 "The certificate is valid through %s. Renew within the month before expiry (Art. 14).",
			 until, until);
		rc = svc__deliver_parties(v, &c, "expiry_notice", "续展提醒 / renewal reminder", body, eff, e);
		break;
	default:
		break;
	}
	svc__release(&c);
	return rc;
}

int svc__apply_due(struct svc *v, int64_t app_id, dip_time now, int *applied,
		   struct dip_error *e)
{
	struct application a;
	struct due_list l;
	int rc, i, round, locked = 0;

	for (round = 0; round < MAX_CHAIN + 1; round++) {
		l.n = 0;
		rc = svc__st(v, v->st->deadline_open_for(v->st, app_id, -1, collect_due, &l), e);
		if (rc)
			return rc;
		/* Open deadlines come ordered by due time; apply the first that
		 * ran out, then look again, since its effect may open or close
		 * others. */
		for (i = 0; i < l.n; i++)
			if (l.v[i].binds_party && l.v[i].due_at < now)
				break;
		if (i == l.n)
			return 0;
		if (!locked) {
			/* Behind the application's lock, what another
			 * transaction applied meanwhile is closed: look again. */
			rc = svc__st(v, v->st->app_get(v->st, app_id, &a), e);
			if (rc)
				return rc;
			application_release(&a);
			locked = 1;
			continue;
		}
		rc = v->st->deadline_close(v->st, l.v[i].id, l.v[i].due_at + 1);
		if (rc == DIP_ECONFLICT)
			continue; /* closed since it was read: applied already */
		if (rc)
			return svc__st(v, rc, e);
		rc = apply_one(v, &l.v[i], now, e);
		if (rc)
			return rc;
		(*applied)++;
	}
	return 0;
}

struct app_ids {
	int64_t v[256];
	int n;
};

static int collect_apps(void *ud, const struct deadline *d)
{
	struct app_ids *a = ud;
	int i;

	for (i = 0; i < a->n; i++)
		if (a->v[i] == d->app_id)
			return 0;
	if (a->n < 256)
		a->v[a->n++] = d->app_id;
	return 0;
}

/* A round of the scheduler; wait = 0 leaves it to another scheduler found
 * at work. */
static int tick(struct svc *v, dip_time now, int wait, struct tick_report *rep,
		struct dip_error *e)
{
	struct app_ids ids;
	int i, rc, applied, got, rounds;
	char n_s[16];

	memset(rep, 0, sizeof(*rep));
	for (rounds = 0; rounds < 100000 && !rep->busy; rounds++) {
		ids.n = 0;
		rc = svc__st(v, v->st->begin(v->st, 0), e);
		if (rc)
			return rc;
		rc = svc__st(v, v->st->deadline_due(v->st, now - 1, 1, 1000, collect_apps, &ids), e);
		v->st->rollback(v->st);
		if (rc)
			return rc;
		if (ids.n == 0)
			break;
		for (i = 0; i < ids.n && !rep->busy; i++) {
			applied = 0;
			rc = svc__begin(v, e);
			if (rc)
				return rc;
			got = 0;
			rc = svc__st(v, v->st->tx_lock(v->st, "scheduler", wait, &got), e);
			if (rc == 0 && got)
				rc = svc__apply_due(v, ids.v[i], now, &applied, e);
			if (rc || !got) {
				svc__rollback(v);
				if (rc)
					return rc;
				rep->busy = 1;
				break;
			}
			rc = svc__commit(v, e);
			if (rc)
				return rc;
			rep->applied += applied;
		}
	}
	if (rep->applied) {
		snprintf(n_s, sizeof(n_s), "%d", rep->applied);
		log_event(LOG_INFO, "scheduler_applied", "count", n_s, NULL);
	}
	return 0;
}

int svc_tick(struct svc *v, dip_time now, struct tick_report *rep, struct dip_error *e)
{
	return tick(v, now, 1, rep, e);
}

int svc_tick_if_idle(struct svc *v, dip_time now, struct tick_report *rep, struct dip_error *e)
{
	return tick(v, now, 0, rep, e);
}
