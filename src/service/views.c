/*
 * views.c - what each actor may read, as JSON.
 *
 * Parties see their own applications whole; examiners see everything and
 * every read of confidential material by them is written to the audit log
 * (Art. 19 para 2); the public sees only what Art. 10 publishes during
 * publication and what Art. 20 lets anyone consult after announcement.
 */
#include "service/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *time_json(const struct registry *r, dip_time t)
{
	char s[32];

	if (t == 0)
		return json_null();
	svc__time(r, t, s);
	return json_string(s);
}

static json_t *day_json(const struct registry *r, dip_day d)
{
	char s[11];

	if (d == 0)
		return json_null();
	svc__day(r, d, s);
	return json_string(s);
}

static json_t *flags_json(unsigned flags)
{
	json_t *a = json_array();

	if (flags & APPF_DUPLICATE)
		json_array_append_new(a, json_string("duplicate"));
	if (flags & APPF_REAPPLIED)
		json_array_append_new(a, json_string("reapplied_after_withdrawal"));
	if (flags & APPF_LATE_REPLY)
		json_array_append_new(a, json_string("late_reply_pending"));
	if (flags & APPF_NO_EVIDENCE)
		json_array_append_new(a, json_string("no_evidence"));
	return a;
}

static json_t *deadline_json(const struct registry *r, const struct deadline *d, dip_time now)
{
	json_t *o = json_object();
	dip_day today = time_day(now, r->zone), last = time_day(d->due_at, r->zone);
	int left = cal_working_days_between(&r->cal, today, last);
	const char *flag = "";

	json_object_set_new(o, "id", json_integer(d->id));
	json_object_set_new(o, "application", json_integer(d->app_id));
	if (d->ref_id)
		json_object_set_new(o, "ref", json_integer(d->ref_id));
	json_object_set_new(o, "kind", json_string(deadline_kind_name(d->kind)));
	json_object_set_new(o, "opened_at", time_json(r, d->opened_at));
	json_object_set_new(o, "due_at", time_json(r, d->due_at));
	json_object_set_new(o, "binds_party", json_boolean(d->binds_party));
	json_object_set_new(o, "working_days_left", json_integer(left));
	/* 两超期: past the deadline, or due within one working day. */
	if (now > d->due_at)
		flag = "overdue";
	else if (left <= 1)
		flag = "due_soon";
	json_object_set_new(o, "flag", json_string(flag));
	return o;
}

struct dl_json_ctx {
	const struct registry *r;
	json_t *arr;
	dip_time now;
};

static int add_deadline(void *ud, const struct deadline *d)
{
	struct dl_json_ctx *c = ud;

	json_array_append_new(c->arr, deadline_json(c->r, d, c->now));
	return 0;
}

static json_t *actions_json(unsigned set)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < WF__COUNT; i++)
		if (set & (1u << i))
			json_array_append_new(a, json_string(wf_action_name((enum wf_action)i)));
	return a;
}

static json_t *summary_json(const struct registry *r, const struct application *a)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "state", json_string(app_state_name(a->state)));
	json_object_set_new(o, "name", json_string(a->name));
	json_object_set_new(o, "industry", json_string(a->industry));
	if (a->cert_no[0])
		json_object_set_new(o, "certificate_number", json_string(a->cert_no));
	if (a->reg_no[0])
		json_object_set_new(o, "registration_number", json_string(a->reg_no));
	json_object_set_new(o, "submitted_at", time_json(r, a->submitted_at));
	json_object_set_new(o, "published_at", time_json(r, a->published_at));
	json_object_set_new(o, "registration_date", day_json(r, a->reg_day));
	json_object_set_new(o, "valid_until", day_json(r, a->valid_until));
	return o;
}

static int public_state(enum app_state s)
{
	return s == APP_PUBLICATION || s == APP_OBJECTION || s == APP_REGISTERED ||
	       s == APP_CANCELLED || s == APP_REVOKED;
}

struct fwd_ctx {
	int64_t obj_id;
	int found;
};

static int find_forward(void *ud, const struct event *ev)
{
	struct fwd_ctx *f = ud;

	if (ev->ref_id == f->obj_id && strcmp(ev->action, obj_action_name(OBJA_FORWARD)) == 0)
		f->found = 1;
	return 0;
}

/* Art. 11: the applicant learns of an objection when the registry forwards
 * it, or from the decision on it.  One withdrawn or made moot before that
 * was never theirs to read. */
static int objection_forwarded(struct svc *v, const struct objection *o)
{
	struct fwd_ctx f = { o->id, 0 };

	if (o->state == OBJ_FILED)
		return 0;
	if (o->state != OBJ_WITHDRAWN && o->state != OBJ_MOOT)
		return 1;
	v->st->event_list(v->st, o->app_id, find_forward, &f);
	return f.found;
}

static json_t *objections_json(struct svc *v, const struct app_ctx *c, int full)
{
	json_t *arr = json_array(), *o;
	struct objection ob;
	int64_t ids[256];
	int n = 0, i;

	v->st->objection_ids(v->st, c->a.id, ids, 256, &n);
	for (i = 0; i < n; i++) {
		if (v->st->objection_get(v->st, ids[i], &ob))
			continue;
		o = json_object();
		json_object_set_new(o, "id", json_integer(ob.id));
		json_object_set_new(o, "state", json_string(obj_state_name(ob.state)));
		json_object_set_new(o, "filed_at", time_json(v->reg, ob.filed_at));
		if (full && objection_forwarded(v, &ob)) {
			json_object_set_new(o, "objector", json_string(ob.objector_name));
			json_object_set_new(o, "grounds", json_string(ob.grounds ? ob.grounds : ""));
			if (ob.decision)
				json_object_set_new(o, "decision", json_string(ob.decision));
		}
		json_array_append_new(arr, o);
		objection_release(&ob);
	}
	return arr;
}

static json_t *request_summary(const struct registry *r, const struct request *q)
{
	json_t *o = json_object(), *p = json_loads(q->payload ? q->payload : "{}", 0, NULL);

	json_object_set_new(o, "id", json_integer(q->id));
	json_object_set_new(o, "application", json_integer(q->app_id));
	json_object_set_new(o, "kind", json_string(req_kind_name(q->kind)));
	json_object_set_new(o, "state", json_string(req_state_name(q->state)));
	json_object_set_new(o, "filed_at", time_json(r, q->filed_at));
	json_object_set_new(o, "decided_at", time_json(r, q->decided_at));
	if (q->act_day)
		json_object_set_new(o, "act_date", day_json(r, q->act_day));
	json_object_set_new(o, "late", json_boolean(q->late));
	json_object_set_new(o, "unilateral", json_integer(q->unilateral));
	json_object_set_new(o, "payload", p ? p : json_object());
	if (q->decision)
		json_object_set_new(o, "decision", json_string(q->decision));
	return o;
}

static json_t *requests_json(struct svc *v, int64_t app_id)
{
	json_t *arr = json_array();
	struct request q;
	int64_t ids[256];
	int n = 0, i;

	v->st->request_ids(v->st, app_id, ids, 256, &n);
	for (i = 0; i < n; i++) {
		if (v->st->request_get(v->st, ids[i], &q))
			continue;
		json_array_append_new(arr, request_summary(v->reg, &q));
		request_release(&q);
	}
	return arr;
}

/* The summary of c, with the end of its publication while it lasts. */
static json_t *summary_view(struct svc *v, const struct app_ctx *c, dip_time now)
{
	json_t *o = summary_json(v->reg, &c->a);

	/* Art. 10: when the publication (and with it the time to object) ends. */
	if (c->a.state == APP_PUBLICATION) {
		struct dl_json_ctx pd = { v->reg, json_array(), now };
		json_t *d;
		size_t k;

		v->st->deadline_open_for(v->st, c->a.id, 0, add_deadline, &pd);
		json_array_foreach(pd.arr, k, d)
			if (strcmp(json_string_value(json_object_get(d, "kind")), "publication") == 0)
				json_object_set(o, "publication_ends", json_object_get(d, "due_at"));
		json_decref(pd.arr);
	}
	return o;
}

/* What the public sees of c: Art. 10 during publication, Art. 20 after
 * announcement. */
static json_t *public_view(struct svc *v, const struct app_ctx *c, dip_time now)
{
	json_t *o = summary_view(v, c, now), *pub;
	/* Art. 10 during publication and while objections to it are
	 * undecided; Art. 20 only after announcement. */
	int published = c->a.state == APP_PUBLICATION || c->a.state == APP_OBJECTION;

	pub = svc__public_record(v, c, published ? APP_VIEW_PUBLICATION : APP_VIEW_REGISTER);
	json_object_update(o, pub);
	json_decref(pub);
	json_object_del(o, "industry");
	if (published) {
		json_object_del(o, "name");
		json_object_set(o, "name", json_object_get(json_object_get(o, "content"), "name"));
	}
	if (!published && c->a.industry[0])
		json_object_set_new(o, "industry", json_string(c->a.industry));
	if (c->a.state == APP_CANCELLED || c->a.state == APP_REVOKED)
		json_object_set_new(o, "closed_at", time_json(v->reg, c->a.closed_at));
	json_object_set_new(o, "objections", objections_json(v, c, 0));
	return o;
}

/* Opens the transaction of a view of application id.  A view writes only
 * when a deadline of the application ran out before now (svc__load applies
 * it first) or when it records an examiner's read (Art. 19 para 2); else a
 * read transaction does, which leaves the write lock to those who write.
 * The stamp read decides, in the transaction the view then uses. */
static int begin_view(struct svc *v, int64_t id, dip_time now, int audited, struct dip_error *e)
{
	struct app_stamp st;
	int rc;

	if (audited)
		return svc__begin(v, e);
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc)
		return rc;
	if (v->st->app_stamp(v->st, id, &st) == 0 && (st.next_due == 0 || st.next_due >= now))
		return 0;
	v->st->rollback(v->st);
	return svc__begin(v, e);
}

int svc_app_public(struct svc *v, int64_t id, dip_time now, struct svc_blob **out,
		   struct dip_error *e)
{
	static const struct actor anyone = { 0, ROLE_PUBLIC, "", NULL };
	struct svc_cache *cache = v->reg->records;
	struct app_stamp st;
	struct app_ctx c;
	uint64_t gen;
	char *text;
	json_t *o;
	int rc, stamped = 0;

	*out = NULL;
	/* Nothing written by anyone since the last check: no question to
	 * the store.  Else one indexed read, a statement of its own: it sees
	 * one state of the database without a transaction around it, which
	 * on PostgreSQL would cost two more round trips (BEGIN, ROLLBACK). */
	gen = v->st->generation(v->st);
	if (cache && (*out = svc__cache_peek(cache, id, gen, now)) != NULL)
		return 0;
	if (cache && v->st->app_stamp(v->st, id, &st) == 0 &&
	    (*out = svc__cache_get(cache, id, &st, gen, now)) != NULL)
		return 0;
	rc = begin_view(v, id, now, 0, e);
	if (rc)
		return rc;
	rc = svc__load(v, &anyone, id, now, &c, e);
	if (rc)
		return svc__finish(v, rc, e);
	o = public_view(v, &c, now);
	svc__release(&c);
	/* The stamp of what was just read, in the same transaction. */
	stamped = cache && v->st->app_stamp(v->st, id, &st) == 0;
	rc = svc__finish(v, 0, e);
	text = rc ? NULL : json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (rc)
		return rc;
	if (text)
		*out = svc_blob_new(text, strlen(text));
	free(text);
	if (*out == NULL)
		return dip_fail(e, DIP_ENOMEM, "", "out of memory");
	/* gen as read before this transaction: its own commit (deadlines
	 * applied) moves the generation on, so the entry is checked once more
	 * before it is sent unasked. */
	if (stamped)
		svc__cache_put(cache, id, &st, gen, *out);
	return 0;
}

void svc__take_content_text(struct app_ctx *c, const json_t *view, char **text)
{
	if (text == NULL || view == NULL || c->content == NULL ||
	    json_object_get(view, "content") != c->content)
		return;
	*text = c->a.content;
	c->a.content = NULL;
}

/* The view of c for who, with the roles c was loaded with, inside the
 * open transaction; *out gets it on success.  The view shares c's
 * content: c must not change after it. */
int svc__app_view(struct svc *v, const struct actor *who, struct app_ctx *c, dip_time now,
		  json_t **out, struct dip_error *e)
{
	struct dl_json_ctx dl;
	json_t *o, *parties, *p;
	char masked[19], obj[32];
	int rc = 0, i, inside, grounds;
	int64_t id = c->a.id;

	inside = (c->roles & (ROLE_APPLICANT | ROLE_AGENT | ROLE_EXAMINER | ROLE_ADMIN)) != 0;
	if (!inside) {
		*out = public_view(v, c, now);
		return 0;
	}
	o = summary_view(v, c, now);
	json_object_set_new(o, "version", json_integer(c->a.version));
	/* Shared, not copied: c is released unchanged once its view is made. */
	json_object_set(o, "content", c->content);
	json_object_set_new(o, "fingerprint", json_string(c->a.fingerprint));
	json_object_set_new(o, "cert_version", json_integer(c->a.cert_version));
	json_object_set_new(o, "created_at", time_json(v->reg, c->a.created_at));
	json_object_set_new(o, "registered_at", time_json(v->reg, c->a.registered_at));
	json_object_set_new(o, "closed_at", time_json(v->reg, c->a.closed_at));
	json_object_set_new(o, "valid_from", day_json(v->reg, c->a.valid_from));
	json_object_set_new(o, "corrections", json_integer(c->a.corrections));
	json_object_set_new(o, "flags", flags_json(c->a.flags));
	if (c->a.related_id)
		json_object_set_new(o, "related_application", json_integer(c->a.related_id));
	if (c->a.refusal) {
		p = json_array();
		for (grounds = 1; grounds <= ART9_GROUNDS; grounds++)
			if (c->a.refusal & (1u << (grounds - 1)))
				json_array_append_new(p, json_integer(grounds));
		json_object_set_new(o, "refusal_grounds", p);
	}
	if (c->a.close_reason)
		json_object_set_new(o, "close_reason", json_string(close_reason_name(c->a.close_reason)));
	if (c->a.withdraw_reason)
		json_object_set_new(o, "withdraw_reason", json_string(c->a.withdraw_reason));
	parties = json_array();
	for (i = 0; i < c->nparties; i++) {
		p = json_object();
		json_object_set_new(p, "account", json_integer(c->parties[i].account_id));
		json_object_set_new(p, "name", json_string(c->parties[i].name));
		json_object_set_new(p, "kind", json_string(party_kind_name(c->parties[i].kind)));
		idnum_mask(c->parties[i].kind, c->parties[i].id_number, masked);
		json_object_set_new(p, "id_number", json_string(c->roles & ROLE_EXAMINER ? c->parties[i].id_number : masked));
		json_object_set_new(p, "confirmed", json_boolean(c->parties[i].confirmed_at != 0));
		json_array_append_new(parties, p);
	}
	json_object_set_new(o, "applicants", parties);
	if (c->a.agent_id)
		json_object_set_new(o, "agent", json_integer(c->a.agent_id));
	dl.r = v->reg;
	dl.arr = json_array();
	dl.now = now;
	v->st->deadline_open_for(v->st, id, -1, add_deadline, &dl);
	json_object_set_new(o, "deadlines", dl.arr);
	json_object_set_new(o, "objections", objections_json(v, c, 1));
	json_object_set_new(o, "requests", requests_json(v, id));
	json_object_set_new(o, "actions", actions_json(wf_app_allowed(c->a.state, c->roles)));
	/* Art. 19 para 2: examiners' reads of confidential material are
	 * recorded. */
	if ((c->roles & (ROLE_EXAMINER | ROLE_ADMIN)) && !(c->roles & (ROLE_APPLICANT | ROLE_AGENT))) {
		snprintf(obj, sizeof(obj), "application:%lld", (long long)id);
		rc = svc__st(v, svc__audit(v, who, "read_confidential", obj, "content", now), e);
	}
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

int svc_app_json_text(struct svc *v, const struct actor *who, int64_t id, dip_time now,
		      json_t **out, char **content_text, struct dip_error *e)
{
	struct app_ctx c;
	int rc;

	if (content_text)
		*content_text = NULL;
	rc = begin_view(v, id, now, (who->roles & (ROLE_EXAMINER | ROLE_ADMIN)) != 0, e);
	if (rc)
		return rc;
	rc = svc__load(v, who, id, now, &c, e);
	if (rc)
		return svc__finish(v, rc, e);
	rc = svc__app_view(v, who, &c, now, out, e);
	svc__take_content_text(&c, rc == 0 ? *out : NULL, content_text);
	svc__release(&c);
	if (rc == 0 && (rc = svc__finish(v, 0, e)) != 0)
		json_decref(*out);
	else if (rc)
		svc__finish(v, rc, e);
	if (rc && content_text) {
		free(*content_text);
		*content_text = NULL;
	}
	return rc;
}

int svc_app_json(struct svc *v, const struct actor *who, int64_t id, dip_time now, json_t **out,
		 struct dip_error *e)
{
	return svc_app_json_text(v, who, id, now, out, NULL, e);
}

struct list_ctx {
	struct svc *v;
	json_t *arr;
	int64_t last;
	int public_only;
};

static int add_summary(void *ud, const struct application *a)
{
	struct list_ctx *l = ud;

	json_t *o;

	l->last = a->id;
	if (l->public_only && !public_state(a->state))
		return 0;
	o = summary_json(l->v->reg, a);
	/* Art. 10: before registration the public learns only what the
	 * publication shows; the industry belongs to the register. */
	if (l->public_only && (a->state == APP_PUBLICATION || a->state == APP_OBJECTION))
		json_object_del(o, "industry");
	json_array_append_new(l->arr, o);
	return 0;
}

int svc_app_list_json(struct svc *v, const struct actor *who, const struct app_filter *f,
		      dip_time now, json_t **out, struct dip_error *e)
{
	struct app_filter g = *f;
	struct list_ctx l = { v, json_array(), 0, 0 };
	unsigned pub = 1u << APP_PUBLICATION | 1u << APP_OBJECTION | 1u << APP_REGISTERED |
		       1u << APP_CANCELLED | 1u << APP_REVOKED;
	int rc;

	(void)now;
	if (!(who->roles & (ROLE_EXAMINER | ROLE_ADMIN)) && g.party_id == 0 && g.agent_id == 0) {
		g.states = g.states ? g.states & pub : pub;
		if (g.states == 0)
			g.states = pub;
		l.public_only = 1;
	}
	if (g.limit <= 0 || g.limit > 200)
		g.limit = 50;
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc == 0)
		rc = svc__st(v, v->st->app_list(v->st, &g, add_summary, &l), e);
	v->st->rollback(v->st);
	if (rc) {
		json_decref(l.arr);
		return rc;
	}
	*out = json_object();
	json_object_set_new(*out, "items", l.arr);
	json_object_set_new(*out, "next", json_array_size(l.arr) >= (size_t)g.limit && l.last
					       ? json_integer(l.last) : json_null());
	return 0;
}

struct ev_ctx {
	const struct registry *r;
	struct store *st;
	json_t *arr;
	json_t *names;   /* account id -> display name, read once each */
};

static json_t *actor_name(struct ev_ctx *c, int64_t id)
{
	struct account a;
	char key[24];
	json_t *n;

	snprintf(key, sizeof(key), "%lld", (long long)id);
	n = json_object_get(c->names, key);
	if (n == NULL) {
		n = json_string(c->st->account_get(c->st, id, &a) == 0 ? a.display_name : "");
		json_object_set_new(c->names, key, n);
	}
	return json_incref(n);
}

static int add_event(void *ud, const struct event *ev)
{
	struct ev_ctx *c = ud;
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(ev->id));
	json_object_set_new(o, "at", time_json(c->r, ev->at));
	json_object_set_new(o, "actor", json_integer(ev->actor_id));
	if (ev->actor_id)
		json_object_set_new(o, "actor_name", actor_name(c, ev->actor_id));
	json_object_set_new(o, "actor_role", json_string(ev->actor_role & ROLE_SYSTEM ? "system"
						       : ev->actor_role & ROLE_EXAMINER ? "examiner"
						       : ev->actor_id ? "party" : "public"));
	json_object_set_new(o, "action", json_string(ev->action));
	if (ev->from_state >= 0)
		json_object_set_new(o, "from", json_string(app_state_name((enum app_state)ev->from_state)));
	if (ev->to_state >= 0)
		json_object_set_new(o, "to", json_string(app_state_name((enum app_state)ev->to_state)));
	if (ev->reason)
		json_object_set_new(o, "reason", json_string(ev->reason));
	if (ev->dl_kind >= 0) {
		json_object_set_new(o, "deadline", json_string(deadline_kind_name(ev->dl_kind)));
		json_object_set_new(o, "deadline_due", time_json(c->r, ev->dl_due));
	}
	if (ev->detail)
		json_object_set_new(o, "detail", json_loads(ev->detail, 0, NULL));
	json_array_append_new(c->arr, o);
	return 0;
}

int svc_events_json(struct svc *v, const struct actor *who, int64_t id, json_t **out,
		    struct dip_error *e)
{
	struct app_ctx c;
	struct ev_ctx ec = { v->reg, v->st, NULL, json_object() };
	int rc;

	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc)
		return rc;
	rc = svc__load_raw(v, id, &c, e);
	if (rc == 0) {
		/* As for acting (svc__load): the holders and their authorised
		 * agency, not whoever drafted it once. */
		int mine = who->id && (svc__is_party(&c, who->id) ||
				       svc__agent_authorised(v, &c, who->id));

		if (!mine && !(who->roles & (ROLE_EXAMINER | ROLE_ADMIN)))
			rc = dip_fail(e, DIP_ENOTFOUND, "", "application %lld not found", (long long)id);
		svc__release(&c);
	}
	if (rc == 0) {
		ec.arr = json_array();
		rc = svc__st(v, v->st->event_list(v->st, id, add_event, &ec), e);
	}
	v->st->rollback(v->st);
	json_decref(ec.names);
	if (rc) {
		json_decref(ec.arr);
		return rc;
	}
	*out = ec.arr;
	return 0;
}

struct task_ctx {
	struct svc *v;
	json_t *arr;
	dip_time now;
	int overdue;
};

static int add_task(void *ud, const struct deadline *d)
{
	struct task_ctx *t = ud;
	struct application a;
	json_t *o = deadline_json(t->v->reg, d, t->now);

	if (t->v->st->app_get(t->v->st, d->app_id, &a) == 0) {
		json_object_set_new(o, "name", json_string(a.name));
		json_object_set_new(o, "state", json_string(app_state_name(a.state)));
		json_object_set_new(o, "flags", flags_json(a.flags));
		application_release(&a);
	}
	t->overdue += t->now > d->due_at;
	json_array_append_new(t->arr, o);
	return 0;
}

int svc_tasks_json(struct svc *v, const struct actor *who, dip_time now, json_t **out,
		   struct dip_error *e)
{
	struct task_ctx t = { v, json_array(), now, 0 };
	int rc;

	if (!(who->roles & (ROLE_EXAMINER | ROLE_ADMIN))) {
		json_decref(t.arr);
		return dip_fail(e, DIP_EFORBIDDEN, "", "the task queue is for examiners");
	}
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc == 0)
		rc = svc__st(v, v->st->deadline_tasks(v->st, 1000, add_task, &t), e);
	v->st->rollback(v->st);
	if (rc) {
		json_decref(t.arr);
		return rc;
	}
	*out = json_object();
	json_object_set_new(*out, "items", t.arr);
	json_object_set_new(*out, "overdue", json_integer(t.overdue));
	return 0;
}

static json_t *evidence_json(const char *text)
{
	json_t *j = text ? json_loads(text, 0, NULL) : NULL;

	return j ? j : json_array();
}

int svc_objection_json(struct svc *v, const struct actor *who, int64_t obj_id, json_t **out,
		       struct dip_error *e)
{
	struct objection o;
	struct app_ctx c;
	json_t *j;
	int rc, examiner, party, objector = 0;

	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc)
		return rc;
	rc = svc__st(v, v->st->objection_get(v->st, obj_id, &o), e);
	if (rc) {
		v->st->rollback(v->st);
		return rc;
	}
	rc = svc__load_raw(v, o.app_id, &c, e);
	if (rc)
		goto out;
	examiner = (who->roles & (ROLE_EXAMINER | ROLE_ADMIN)) != 0;
	party = who->id && (svc__is_party(&c, who->id) || svc__agent_authorised(v, &c, who->id));
	if (who->id && who->id == o.objector_id)
		objector = 1;
	if (who->token) {
		char th[65];

		svc__objection_token_hash(who->token, th);
		objector |= strcmp(th, o.token_hash) == 0;
	}
	/* The applicant sees an objection once the registry forwarded it. */
	if (!examiner && !objector && !(party && objection_forwarded(v, &o))) {
		rc = dip_fail(e, DIP_ENOTFOUND, "", "objection %lld not found", (long long)obj_id);
		goto out1;
	}
	j = json_object();
	json_object_set_new(j, "id", json_integer(o.id));
	json_object_set_new(j, "application", json_integer(o.app_id));
	json_object_set_new(j, "state", json_string(obj_state_name(o.state)));
	json_object_set_new(j, "objector", json_string(o.objector_name));
	if (examiner || objector)
		json_object_set_new(j, "contact", json_string(o.objector_contact));
	json_object_set_new(j, "grounds", json_string(o.grounds ? o.grounds : ""));
	json_object_set_new(j, "evidence", evidence_json(o.evidence));
	if (o.answer && (examiner || party || (objector && o.state >= OBJ_ANSWER_FORWARDED))) {
		json_object_set_new(j, "answer", json_string(o.answer));
		json_object_set_new(j, "answer_evidence", evidence_json(o.answer_evidence));
	}
	if (o.supplement || o.supplement_evidence) {
		json_object_set_new(j, "supplement", json_string(o.supplement ? o.supplement : ""));
		json_object_set_new(j, "supplement_evidence", evidence_json(o.supplement_evidence));
	}
	if (o.decision)
		json_object_set_new(j, "decision", json_string(o.decision));
	json_object_set_new(j, "filed_at", time_json(v->reg, o.filed_at));
	json_object_set_new(j, "decided_at", time_json(v->reg, o.decided_at));
	*out = j;
out1:
	svc__release(&c);
out:
	objection_release(&o);
	v->st->rollback(v->st);
	return rc;
}

int svc_request_json(struct svc *v, const struct actor *who, int64_t req_id, json_t **out,
		     struct dip_error *e)
{
	struct request q;
	struct app_ctx c;
	int rc;

	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc)
		return rc;
	rc = svc__st(v, v->st->request_get(v->st, req_id, &q), e);
	if (rc) {
		v->st->rollback(v->st);
		return rc;
	}
	rc = svc__load_raw(v, q.app_id, &c, e);
	if (rc == 0) {
		if (!(who->roles & (ROLE_EXAMINER | ROLE_ADMIN)) && q.filed_by != who->id &&
		    q.counterparty_id != who->id && !(who->id && svc__is_party(&c, who->id)) &&
		    !(who->id && svc__agent_authorised(v, &c, who->id)))
			rc = dip_fail(e, DIP_ENOTFOUND, "", "request %lld not found", (long long)req_id);
		else
			*out = request_summary(v->reg, &q);
		svc__release(&c);
	}
	request_release(&q);
	v->st->rollback(v->st);
	return rc;
}

int svc_requests_json(struct svc *v, const struct actor *who, const struct request_filter *f,
		      int limit, json_t **out, struct dip_error *e)
{
	struct request_filter g = *f;
	int64_t ids[200];
	json_t *arr;
	int n = 0, i, rc;

	if (limit < 1 || limit > 200)
		limit = 200;
	/* Registry staff see the registry's requests; anyone else their own. */
	if (g.account_id == 0 && !(who->roles & (ROLE_EXAMINER | ROLE_ADMIN)))
		g.account_id = who->id;
	if (g.account_id == 0 && g.awaiting)
		return dip_fail(e, DIP_EINVAL, "awaiting", "awaiting: only an account is asked to confirm");
	if (g.account_id && g.account_id != who->id)
		return dip_fail(e, DIP_EFORBIDDEN, "", "you list only your own requests");
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc)
		return rc;
	rc = svc__st(v, v->st->request_list(v->st, &g, ids, limit, &n), e);
	arr = json_array();
	for (i = 0; rc == 0 && i < n; i++) {
		struct party parties[SVC_MAX_PARTIES];
		struct application a;
		struct request q;
		json_t *o, *holders;
		int np = 0, k, filer, holder = 0;

		rc = svc__st(v, v->st->request_get(v->st, ids[i], &q), e);
		if (rc)
			break;
		o = request_summary(v->reg, &q);
		filer = g.account_id && g.account_id == q.filed_by;
		/* What the registration is, so that a transferee knows what it
		 * is asked to take over before opening anything. */
		rc = svc__st(v, v->st->app_get(v->st, q.app_id, &a), e);
		if (rc == 0) {
			rc = svc__st(v, v->st->party_list(v->st, q.app_id, parties, SVC_MAX_PARTIES,
							  &np), e);
			json_object_set_new(o, "name", json_string(a.name));
			if (a.reg_no[0])
				json_object_set_new(o, "registration_number", json_string(a.reg_no));
			if (a.cert_no[0])
				json_object_set_new(o, "certificate_number", json_string(a.cert_no));
			application_release(&a);
		}
		request_release(&q);
		if (rc) {
			json_decref(o);
			break;
		}
		holders = json_array();
		for (k = 0; k < np; k++) {
			json_array_append_new(holders, json_string(parties[k].name));
			holder |= g.account_id && parties[k].account_id == g.account_id;
		}
		json_object_set_new(o, "holders", holders);
		/* What the account is to the request: it may withdraw as its
		 * filer or holder, and confirms or declines as its transferee. */
		if (g.account_id)
			json_object_set_new(o, "you", json_string(filer ? "filer" : holder ? "holder"
									 : "transferee"));
		json_array_append_new(arr, o);
	}
	v->st->rollback(v->st);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*out = json_object();
	json_object_set_new(*out, "items", arr);
	json_object_set_new(*out, "next", n >= limit && n > 0 ? json_integer(ids[n - 1]) : json_null());
	return 0;
}

struct inbox_ctx {
	const struct registry *r;
	json_t *arr;
	int64_t last;
};

static int add_message(void *ud, const struct message *m)
{
	struct inbox_ctx *c = ud;
	json_t *o = json_object();

	c->last = m->id;
	json_object_set_new(o, "id", json_integer(m->id));
	json_object_set_new(o, "kind", json_string(m->kind));
	if (m->app_id)
		json_object_set_new(o, "application", json_integer(m->app_id));
	if (m->objection_id)
		json_object_set_new(o, "objection", json_integer(m->objection_id));
	json_object_set_new(o, "subject", json_string(m->subject ? m->subject : ""));
	json_object_set_new(o, "body", json_string(m->body ? m->body : ""));
	json_object_set_new(o, "delivered_at", time_json(c->r, m->delivered_at));
	json_object_set_new(o, "read_at", time_json(c->r, m->read_at));
	json_array_append_new(c->arr, o);
	return 0;
}

int svc_inbox_json(struct svc *v, const struct actor *who, const struct msg_filter *f,
		   json_t **out, struct dip_error *e)
{
	struct inbox_ctx c = { v->reg, json_array(), 0 };
	struct msg_filter g = *f;
	int64_t unread = 0;
	int rc;

	if (g.account_id == 0 && g.objection_id == 0)
		g.account_id = who->id;
	if (g.account_id && g.account_id != who->id) {
		json_decref(c.arr);
		return dip_fail(e, DIP_EFORBIDDEN, "", "you read only your own inbox");
	}
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc == 0)
		rc = svc__st(v, v->st->message_list(v->st, &g, add_message, &c), e);
	if (rc == 0 && g.account_id)
		rc = svc__st(v, v->st->message_unread(v->st, g.account_id, &unread), e);
	v->st->rollback(v->st);
	if (rc) {
		json_decref(c.arr);
		return rc;
	}
	*out = json_object();
	json_object_set_new(*out, "next", g.limit > 0 && (int)json_array_size(c.arr) >= g.limit
					       ? json_integer(c.last) : json_null());
	json_object_set_new(*out, "items", c.arr);
	json_object_set_new(*out, "unread", json_integer(unread));
	return 0;
}

int svc_inbox_read(struct svc *v, const struct actor *who, int64_t msg_id, dip_time now,
		   struct dip_error *e)
{
	int rc = svc__begin(v, e);

	if (rc)
		return rc;
	rc = svc__st(v, v->st->message_mark_read(v->st, msg_id, who->id, now), e);
	if (rc) {
		svc__rollback(v);
		return rc;
	}
	return svc__commit(v, e);
}

int svc_announcements_json(struct svc *v, int64_t before, int limit, json_t **out,
			   struct dip_error *e)
{
	json_t *arr = json_array(), *entry;
	int64_t idx[SVC_ANNOUNCEMENTS_MAX + 1];
	struct dbuf b;
	int i, n = 0, rc;

	if (limit <= 0 || limit > SVC_ANNOUNCEMENTS_MAX)
		limit = 50;
	if (before < 0)
		before = INT64_MAX;
	dbuf_init(&b, 1 << 17);
	/* Deposits are receipts for their depositor, not announcements: the
	 * store lists the others (ledger_announcements). */
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc == 0)
		rc = svc__st(v, v->st->ledger_announcements(v->st, before, idx, limit + 1, &n), e);
	for (i = 0; rc == 0 && i < n && i < limit; i++) {
		rc = svc__st(v, v->st->ledger_entry(v->st, idx[i], &b), e);
		if (rc)
			break;
		entry = json_loadb(b.p, b.len, 0, NULL);
		if (entry == NULL)
			continue;
		json_object_set_new(entry, "log_index", json_integer(idx[i]));
		json_array_append_new(arr, entry);
	}
	v->st->rollback(v->st);
	dbuf_free(&b);
	if (rc) {
		json_decref(arr);
		return rc;
	}
	*out = json_object();
	json_object_set_new(*out, "items", arr);
	json_object_set_new(*out, "next", n > limit ? json_integer(idx[limit - 1]) : json_null());
	return 0;
}

struct acc_ctx {
	json_t *arr;
	int64_t last;
};

static int add_account(void *ud, const struct account *a)
{
	struct acc_ctx *c = ud;

	c->last = a->id;
	json_array_append_new(c->arr, svc_account_json(a, 1));
	return 0;
}

int svc_accounts_json(struct svc *v, const struct actor *who, int64_t after, int limit,
		      json_t **out, struct dip_error *e)
{
	struct acc_ctx c = { NULL, 0 };
	int rc;

	if (!(who->roles & ROLE_ADMIN))
		return dip_fail(e, DIP_EFORBIDDEN, "", "admins only");
	if (limit <= 0 || limit > 500)
		limit = 100;
	c.arr = json_array();
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc == 0)
		rc = svc__st(v, v->st->account_list(v->st, after, limit, add_account, &c), e);
	v->st->rollback(v->st);
	if (rc) {
		json_decref(c.arr);
		return rc;
	}
	*out = json_object();
	json_object_set_new(*out, "items", c.arr);
	json_object_set_new(*out, "next", (int)json_array_size(c.arr) >= limit ? json_integer(c.last)
									: json_null());
	return 0;
}

struct audit_ctx {
	const struct registry *r;
	json_t *arr;
	int64_t last;
};

static int add_audit(void *ud, const struct audit_entry *a)
{
	struct audit_ctx *c = ud;

	c->last = a->id;
	json_array_append_new(c->arr, json_pack("{s:I,s:o,s:I,s:s,s:s,s:s,s:s}", "id",
						(json_int_t)a->id, "at", time_json(c->r, a->at),
						"actor", (json_int_t)a->actor_id, "action", a->action,
						"object", a->object, "detail", a->detail, "addr",
						a->addr));
	return 0;
}

int svc_audit_json(struct svc *v, const struct actor *who, const struct audit_filter *f,
		   json_t **out, struct dip_error *e)
{
	struct audit_ctx c = { v->reg, NULL, 0 };
	struct audit_filter g = *f;
	int rc;

	if (!(who->roles & ROLE_ADMIN))
		return dip_fail(e, DIP_EFORBIDDEN, "", "admins only");
	if (g.limit <= 0 || g.limit > 500)
		g.limit = 100;
	c.arr = json_array();
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc == 0)
		rc = svc__st(v, v->st->audit_list(v->st, &g, add_audit, &c), e);
	v->st->rollback(v->st);
	if (rc) {
		json_decref(c.arr);
		return rc;
	}
	*out = json_object();
	json_object_set_new(*out, "items", c.arr);
	json_object_set_new(*out, "next", (int)json_array_size(c.arr) >= g.limit ? json_integer(c.last)
									 : json_null());
	return 0;
}

int svc_audit(struct svc *v, const struct actor *who, const char *action, const char *object,
	      const char *detail, dip_time now, struct dip_error *e)
{
	int rc = svc__begin(v, e);

	if (rc)
		return rc;
	rc = svc__st(v, svc__audit(v, who, action, object, detail, now), e);
	if (rc) {
		svc__rollback(v);
		return rc;
	}
	return svc__commit(v, e);
}
