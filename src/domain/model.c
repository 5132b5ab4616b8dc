/*
 * model.c - names of states and kinds, and freeing records.
 */
#include "domain/model.h"

#include <stdlib.h>
#include <string.h>

/* The index of s in names[0..n), or -1. */
static int name_index(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static const char *app_states[APP__COUNT] = {
	"draft", "submitted", "correction_requested", "publication", "objection",
	"registered", "withdrawn", "deemed_withdrawn", "refused", "cancelled", "revoked",
};

const char *app_state_name(enum app_state s)
{
	return s >= 0 && s < APP__COUNT ? app_states[s] : "unknown";
}

int app_state_parse(const char *s, enum app_state *out)
{
	int i = name_index(app_states, APP__COUNT, s);

	if (i >= 0)
		*out = (enum app_state)i;
	return i >= 0 ? 0 : -1;
}

const char *obj_state_name(enum obj_state s)
{
	static const char *names[OBJ__COUNT] = {
		"filed", "forwarded", "answered", "answer_forwarded", "awaiting_decision",
		"upheld", "not_upheld", "withdrawn", "moot",
	};

	return s >= 0 && s < OBJ__COUNT ? names[s] : "unknown";
}

static const char *req_kinds[REQ__COUNT] = {
	"change", "transaction", "pledge", "licence", "transfer", "cancel",
};

const char *req_kind_name(enum req_kind k)
{
	return k >= 0 && k < REQ__COUNT ? req_kinds[k] : "unknown";
}

int req_kind_parse(const char *s, enum req_kind *out)
{
	int i = name_index(req_kinds, REQ__COUNT, s);

	if (i >= 0)
		*out = (enum req_kind)i;
	return i >= 0 ? 0 : -1;
}

static const char *req_states[REQ__STATES] = {
	"awaiting_party", "pending", "approved", "rejected", "withdrawn", "declined",
};

const char *req_state_name(enum req_state s)
{
	return s >= 0 && s < REQ__STATES ? req_states[s] : "unknown";
}

int req_state_parse(const char *s, enum req_state *out)
{
	int i = name_index(req_states, REQ__STATES, s);

	if (i >= 0)
		*out = (enum req_state)i;
	return i >= 0 ? 0 : -1;
}

const char *close_reason_name(enum close_reason r)
{
	static const char *names[] = { "", "expired", "by_holder", "by_new_holder", "by_registry" };

	return r >= CLOSE_NONE && r <= CLOSE_BY_REGISTRY ? names[r] : "";
}

const char *cert_status_name(enum cert_status s)
{
	static const char *names[] = { "in_force", "superseded", "expired", "cancelled", "revoked" };

	return s >= CERT_IN_FORCE && s <= CERT_REVOKED ? names[s] : "unknown";
}

const char *deadline_kind_name(int kind)
{
	switch (kind) {
	case DL_EXPIRY: return "expiry";
	case DL_EXPIRY_NOTICE: return "expiry_notice";
	case DL_LATE_REPLY: return "late_reply";
	case DL_APPROVE: return "approve";
	}
	return rules_deadline_key((enum deadline_kind)kind);
}

const char *role_name(unsigned role)
{
	switch (role) {
	case ROLE_PUBLIC: return "public";
	case ROLE_APPLICANT: return "applicant";
	case ROLE_AGENT: return "agent";
	case ROLE_EXAMINER: return "examiner";
	case ROLE_ADMIN: return "admin";
	case ROLE_SYSTEM: return "system";
	}
	return "unknown";
}

void application_release(struct application *a)
{
	free(a->content);
	free(a->withdraw_reason);
	a->content = NULL;
	a->withdraw_reason = NULL;
}

void objection_release(struct objection *o)
{
	free(o->grounds);
	free(o->evidence);
	free(o->answer);
	free(o->answer_evidence);
	free(o->supplement);
	free(o->supplement_evidence);
	free(o->decision);
	o->grounds = o->evidence = o->answer = o->answer_evidence = NULL;
	o->supplement = o->supplement_evidence = o->decision = NULL;
}

void request_release(struct request *r)
{
	free(r->payload);
	free(r->decision);
	r->payload = r->decision = NULL;
}

void event_release(struct event *ev)
{
	free(ev->reason);
	free(ev->detail);
	ev->reason = ev->detail = NULL;
}

void message_release(struct message *m)
{
	free(m->subject);
	free(m->body);
	m->subject = m->body = NULL;
}

void certificate_release(struct certificate *c)
{
	free(c->doc);
	c->doc = NULL;
}
