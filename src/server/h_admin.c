/*
 * h_admin.c - the registry operator's day: accounts, the audit log, the
 * holiday calendar, the scheduler, and (in tests only) the clock.
 */
#include "server/handlers.h"
#include "server/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/res.h"

void h_admin_accounts(struct req *r)
{
	struct dip_error e;
	long after;
	json_t *o;

	if (req_long(r, "after", 0, 0, INT64_MAX >> 1, &after))
		return;
	if (!h__check(r, svc_accounts_json(r->v, &r->who, after, 100, &o, &e), &e))
		reply_json(r, 200, o);
}

void h_admin_account_create(struct req *r)
{
	h__account_create(r, 1);
}

void h_admin_account_update(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct account a;
	struct dip_error e;
	json_t *b;
	unsigned set;
	int bad;

	if (!id || (b = req_json(r)) == NULL)
		return;
	if (h__check(r, svc_account_get(r->v, id, &a, &e), &e))
		return;
	set = h__roles_from(r, json_object_get(b, "roles"), &bad);
	if (bad)
		return;
	if (json_object_get(b, "roles") == NULL)
		set = a.roles;
	if (json_object_get(b, "disabled") && !json_is_boolean(json_object_get(b, "disabled"))) {
		reply_fail(r, DIP_EINVAL, "disabled", "disabled: true or false");
		return;
	}
	if (h__check(r, svc_account_set_roles(r->v, &r->who, id, set,
					      json_object_get(b, "disabled")
						      ? json_is_true(json_object_get(b, "disabled"))
						      : a.disabled, r->now, &e), &e))
		return;
	if (jstr(b, "password") &&
	    h__check(r, svc_account_set_password(r->v, &r->who, id, jstr(b, "password"), r->now, &e),
		     &e))
		return;
	if (h__check(r, svc_account_get(r->v, id, &a, &e), &e))
		return;
	reply_json(r, 200, svc_account_json(&a, 1));
}

void h_admin_audit(struct req *r)
{
	struct audit_filter f;
	struct dip_error e;
	long actor, after;
	json_t *o;

	if (req_long(r, "actor", 0, 0, INT64_MAX >> 1, &actor) ||
	    req_long(r, "after", 0, 0, INT64_MAX >> 1, &after))
		return;
	memset(&f, 0, sizeof(f));
	f.actor_id = actor;
	f.after_id = after;
	f.object = req_query(r, "object");
	if (!h__check(r, svc_audit_json(r->v, &r->who, &f, &o, &e), &e))
		reply_json(r, 200, o);
}

void h_admin_clock(struct req *r)
{
	json_t *b;
	dip_time t;
	char now[32];

	/* Without --test-clock the route does not exist. */
	if (!r->srv->cfg.test_clock) {
		reply_json(r, 404, json_pack("{s:{s:s,s:n,s:s}}", "error", "code", "no_route", "field",
					     "message", "no such API route"));
		return;
	}
	if ((b = req_json(r)) == NULL)
		return;
	if (jstr(b, "now") == NULL || time_parse(jstr(b, "now"), r->srv->reg->zone, &t)) {
		reply_fail(r, DIP_EINVAL, "now", "now: an RFC 3339 time");
		return;
	}
	atomic_store(&r->srv->clock_offset, t - (dip_time)time(NULL));
	atomic_store(&r->srv->tick_now, 1);
	time_format(t, r->srv->reg->zone, now);
	reply_json(r, 200, json_pack("{s:s}", "now", now));
}

void h_admin_tick(struct req *r)
{
	struct tick_report rep;
	struct dip_error e;

	if (!h__check(r, svc_tick(r->v, r->now, &rep, &e), &e))
		reply_json(r, 200, json_pack("{s:i}", "applied", rep.applied));
}

void h_admin_calendar_get(struct req *r)
{
	struct dbuf b;
	struct store *st = r->v->st;
	const struct dip_resource *res = res_get("data/cn-holidays.txt");
	int rc;

	dbuf_init(&b, 1 << 20);
	rc = st->begin(st, 0);
	if (rc == 0)
		rc = st->setting_get(st, "calendar", &b);
	st->rollback(st);
	reply_json(r, 200, json_pack("{s:s,s:s}", "source", rc == 0 ? "uploaded" : "built-in", "text",
				     rc == 0 ? b.p : res->data));
	dbuf_free(&b);
}

void h_admin_calendar_put(struct req *r)
{
	struct store *st = r->v->st;
	struct calendar c;
	struct dip_error e;
	const char *text;
	json_t *b;
	int rc;

	if ((b = req_json(r)) == NULL)
		return;
	text = jstr(b, "text");
	if (text == NULL) {
		reply_fail(r, DIP_EINVAL, "text", "text: the holiday file");
		return;
	}
	if (cal_parse(&c, text, strlen(text), &e) != 0) {
		snprintf(e.field, sizeof(e.field), "text");
		reply_error(r, &e, NULL);
		return;
	}
	cal_release(&c);
	rc = st->begin(st, 1);
	if (rc == 0)
		rc = st->setting_put(st, "calendar", text);
	if (rc == 0)
		rc = st->commit(st);
	else
		st->rollback(st);
	if (rc) {
		reply_error(r, &st->err, NULL);
		return;
	}
	/* Swap the calendar with no request in flight on any thread, and no
	 * batch holding the write lock that one of them waits for. */
	durable_batch_end(r->th);
	pthread_rwlock_unlock(&r->srv->reg_lock);
	pthread_rwlock_wrlock(&r->srv->reg_lock);
	registry_set_calendar(r->srv->reg, text, strlen(text), &e);
	pthread_rwlock_unlock(&r->srv->reg_lock);
	pthread_rwlock_rdlock(&r->srv->reg_lock);
	svc_audit(r->v, &r->who, "calendar_set", "calendar", "", r->now, &e);
	reply_json(r, 200, json_pack("{s:s,s:s}", "source", "uploaded", "text", text));
}
