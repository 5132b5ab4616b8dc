/*
 * internal.h - helpers shared by the files of the service layer only.
 */
#ifndef DIP_SERVICE_INTERNAL_H
#define DIP_SERVICE_INTERNAL_H

#include "service/service.h"

#define SVC_MAX_PARTIES 16
#define SVC_MAX_TEXT 20000   /* characters of a reason, reply, grounds */

/* An application loaded for an action, with its parties and the roles the
 * actor holds on it. */
struct app_ctx {
	struct application a;
	struct party parties[SVC_MAX_PARTIES];
	int nparties;
	unsigned roles;
	json_t *content;   /* parsed a.content; owned */
	int complete;      /* content found complete for submission (Art. 5) */
	dip_day complete_day; /* on this day, by svc_read_ahead */
};

int svc__begin(struct svc *v, struct dip_error *e);
int svc__commit(struct svc *v, struct dip_error *e);
void svc__rollback(struct svc *v);
/* Copies the store's message into e and returns rc. */
int svc__st(struct svc *v, int rc, struct dip_error *e);

/* Loads application id inside the open transaction, first applying its
 * deadlines that ran out before now, and computes the actor's roles on
 * it.  An application the actor may not see is DIP_ENOTFOUND. */
int svc__load(struct svc *v, const struct actor *who, int64_t id, dip_time now,
	      struct app_ctx *c, struct dip_error *e);
int svc__start(struct svc *v, const struct actor *who, int64_t id, dip_time now,
	       struct app_ctx *c, struct dip_error *e);
int svc__finish(struct svc *v, int rc, struct dip_error *e);
/* Loads without access checks or deadline processing (the scheduler). */
int svc__load_raw(struct svc *v, int64_t id, struct app_ctx *c, struct dip_error *e);
void svc__release(struct app_ctx *c);
/* The view of c that svc_app_json gives who, built from c (loaded for
 * who) inside the open transaction (views.c); it shares c's content, so
 * c must not change after it. */
int svc__app_view(struct svc *v, const struct actor *who, struct app_ctx *c, dip_time now,
		  json_t **out, struct dip_error *e);
/* When view (may be NULL) shows c's content whole, moves the stored text
 * the content was parsed from into *text (text may be NULL; the public's
 * view shows part of the content and gets nothing). */
void svc__take_content_text(struct app_ctx *c, const json_t *view, char **text);
/* Stores c->a (versioned) after serialising c->content into it; the
 * columns drawn from the content (name, industry, fingerprint) with it. */
int svc__save(struct svc *v, struct app_ctx *c, struct dip_error *e);
/* The same for acts that never change the content: it is stored as
 * loaded, not serialised again, and the columns drawn from it anew. */
int svc__save_kept(struct svc *v, struct app_ctx *c, struct dip_error *e);
/* wf_app_check with the actor's roles on c. */
int svc__check(struct app_ctx *c, enum wf_action act, enum app_state *to, struct dip_error *e);
/* 1 when account id is an applicant (party) of c. */
int svc__is_party(const struct app_ctx *c, int64_t account_id);
/* 1 when agent_id is c's agency and every applicant's power of attorney
 * for it is confirmed and not revoked (Art. 6 para 2). */
int svc__agent_authorised(struct svc *v, const struct app_ctx *c, int64_t agent_id);

/* Records an event; detail is stolen (may be NULL). */
int svc__event(struct svc *v, int64_t app_id, int64_t ref_id, const struct actor *who,
	       const char *action, int from, int to, const char *reason, int dl_kind,
	       dip_time dl_due, json_t *detail, dip_time at, struct dip_error *e);

/* The due time of a deadline of kind opened at from. */
dip_time svc__due(const struct registry *r, int kind, dip_time from);
/* Opens a deadline; *due (when not NULL) gets its due time. */
int svc__open(struct svc *v, int64_t app_id, int64_t ref_id, int kind, dip_time from,
	      dip_time due, dip_time *out_due, struct dip_error *e);
/* Closes open deadlines of an application: of ref_id (-1: any) and kind
 * (-1: any). */
int svc__close(struct svc *v, int64_t app_id, int64_t ref_id, int kind, dip_time at,
	       struct dip_error *e);

/* Delivers a notice (送达) to one account or objector. */
int svc__deliver(struct svc *v, int64_t account_id, int64_t obj_id, int64_t app_id,
		 const char *kind, const char *subject, const char *body, dip_time at,
		 struct dip_error *e);
/* Delivers to every applicant and the agent of c. */
int svc__deliver_parties(struct svc *v, const struct app_ctx *c, const char *kind,
			 const char *subject, const char *body, dip_time at, struct dip_error *e);

/* Appends a public act to the transparency log; entry is stolen.  The
 * entry gets "type" and "time" added. */
int svc__ledger(struct svc *v, const char *type, json_t *entry, dip_time at, int64_t *index,
		struct dip_error *e);
/* The public record of c for the log and the register. */
json_t *svc__public_record(struct svc *v, const struct app_ctx *c, enum app_view view);

/* Audit log entry. */
int svc__audit(struct svc *v, const struct actor *who, const char *action, const char *object,
	       const char *detail, dip_time at);

/* Applies the binding deadlines of one application due before now, within
 * the open transaction (tick.c). */
int svc__apply_due(struct svc *v, int64_t app_id, dip_time now, int *applied,
		   struct dip_error *e);
/* Refuses c (Art. 9; examine.c). */
int svc__refuse(struct svc *v, struct app_ctx *c, const struct actor *who, unsigned grounds,
		const char *text, dip_time now, struct dip_error *e);
/* Registers c at time at (Art. 12; examine.c). */
int svc__register(struct svc *v, struct app_ctx *c, const struct actor *who, dip_time at,
		  struct dip_error *e);
/* Issues certificate version c->a.cert_version + 1 (registered.c). */
int svc__issue_certificate(struct svc *v, struct app_ctx *c, dip_time at, struct dip_error *e);
/* Closes c as cancelled or revoked, with announcement (registered.c). */
int svc__close_registration(struct svc *v, struct app_ctx *c, const struct actor *who,
			    enum app_state to, enum close_reason why, const char *action,
			    const char *reason, dip_time at, struct dip_error *e);
/* Brings c's document in the search index in line with its public record
 * (search.c): indexed while in publication or on the register, removed
 * otherwise.  In the transaction of the act that changed it. */
int svc__search_index(struct svc *v, const struct app_ctx *c, struct dip_error *e);
/* Moves every open objection of c to OBJ_MOOT (the application ended). */
int svc__moot_objections(struct svc *v, const struct app_ctx *c, dip_time at,
			 struct dip_error *e);

/* The cached public record of id when st (read now) shows it current;
 * a new reference, or NULL (cache.c).  gen is the store's generation read
 * before st; it is kept for svc__cache_peek. */
struct svc_blob *svc__cache_get(struct svc_cache *c, int64_t id, const struct app_stamp *st,
				uint64_t gen, dip_time now);
/* The cached record of id without asking the store: only when the store's
 * generation (not 0) is still gen as last checked, at most a second ago,
 * and no deadline of it has run out. */
struct svc_blob *svc__cache_peek(struct svc_cache *c, int64_t id, uint64_t gen, dip_time now);
/* Milliseconds on the monotonic clock: how old a check is, never a date. */
int64_t svc__mono_ms(void);
/* Keeps b (a reference of its own) as the public record of id at st. */
void svc__cache_put(struct svc_cache *c, int64_t id, const struct app_stamp *st, uint64_t gen,
		    struct svc_blob *b);

/* The SHA-256 hex under which an objector's follow-up token is stored. */
void svc__objection_token_hash(const char *token, char out[65]);

/* Text checks: non-empty (when required), valid UTF-8, at most max
 * characters. */
int svc__text(const char *s, const char *field, int required, int max, struct dip_error *e);
/* Formats a day in the registry's zone. */
void svc__day(const struct registry *r, dip_day d, char out[11]);
void svc__time(const struct registry *r, dip_time t, char out[32]);

#endif
