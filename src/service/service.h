/*
 * service.h - the use cases of a registry, one function per action.
 *
 * Each function runs in one transaction on the caller's store: it loads
 * what it needs, asks the domain whether the action is allowed and what it
 * means, stores the result, records the act in the archive (an event row
 * naming who, when, why and the deadline it opened), delivers notices to
 * the parties' inboxes, appends public acts to the transparency log, and
 * commits.  On any failure it rolls back, so nothing half-done is stored.
 *
 * Time: every function takes now (UTC seconds); none reads the clock.
 * Before acting on an application, the function applies that
 * application's deadlines that expired before now (the same code the
 * scheduler runs), so an act never slips in after its deadline just
 * because the scheduler has not run yet.
 *
 * Shared configuration (struct registry) is read-only after start and may
 * be used by many threads; a struct svc is per thread (it holds a store
 * connection).
 *
 * Results that the server returns are jansson objects built here, because
 * this layer knows which fields each actor may see; callers own them
 * (json_decref).  Errors: DIP_EINVAL naming the field, DIP_ENOTFOUND (also
 * for objects the actor may not see), DIP_EFORBIDDEN, DIP_ESTATE,
 * DIP_EDEADLINE, DIP_ECONFLICT, DIP_EDB; the message is for people.
 */
#ifndef DIP_SERVICE_H
#define DIP_SERVICE_H

#include <jansson.h>

#include "domain/application.h"
#include "domain/calendar.h"
#include "domain/industry.h"
#include "domain/model.h"
#include "domain/rules.h"
#include "domain/workflow.h"
#include "store/store.h"

struct ledger_keys;
struct svc_cache;
struct svc_stats_cache;

struct registry {
	struct rules rules;
	struct calendar cal;
	struct industry_table industries;
	int zone;                   /* seconds east of UTC; Asia/Shanghai = 28800 */
	char name[256];             /* 北京市知识产权保护中心 */
	char code[5];               /* 4-digit registry code of the certificate number */
	char base_url[256];         /* public URL, for certificate QR codes */
	char origin[256];           /* transparency log origin line */
	char data_dir[1024];        /* uploads live under data_dir/files */
	struct ledger_keys *keys;   /* signing keys of the log; NULL: checkpoints unsigned */
	int pw_cost;                /* scrypt log2(N): 15 normally, lower in tests */
	int login_max_per_login;    /* failed sign-ins per login in 15 minutes; default 5 */
	int login_max_per_addr;     /* failed sign-ins per address in 15 minutes; default 20 */
	struct svc_cache *records;  /* public records ready to send (cache.c); NULL: none.
				     * Owned: registry_release frees it. */
	struct svc_stats_cache *stats; /* the store's statistics rows while no event is
					* added (stats.c); NULL: none.  Owned. */
};

/* Loads the built-in defaults: Beijing profile, embedded calendar and
 * industry table, zone +08:00.  Release with registry_release. */
int registry_init(struct registry *r, struct dip_error *e);
void registry_release(struct registry *r);
/* Replaces the calendar with the text of a holiday file. */
int registry_set_calendar(struct registry *r, const char *text, size_t len, struct dip_error *e);

struct svc_ahead;

struct svc {
	const struct registry *reg;
	struct store *st;
	struct svc_ahead *ahead; /* content read ahead for the next action, or NULL */
	/* The search index's generation as last read, and the store's
	 * generation and the monotonic time in ms it was read at. */
	int64_t search_gen;
	uint64_t search_gen_at;
	int64_t search_gen_ms;
};

/* An application's content, read and parsed ahead of an action that will
 * load the application, outside the action's transaction (and the write
 * lock).  The action takes it over, through v->ahead, when the content
 * stored then is still the same text; else it reads it again.  With
 * submit_at, the content is also checked for submission (Art. 5) as of
 * that day, and a submission on the same day need not check it again.
 * svc_read_ahead: 0, or -1 when there is nothing to read ahead. */
struct svc_ahead {
	int64_t id;
	char *text;
	json_t *content;
	int complete;         /* content complete for submission on complete_day */
	dip_day complete_day;
};
int svc_read_ahead(struct svc *v, int64_t id, dip_time submit_at, struct svc_ahead *a);
void svc_ahead_free(struct svc_ahead *a);

struct actor {
	int64_t id;        /* account id; 0 for the public and the system */
	unsigned roles;    /* enum role bits of the account, or ROLE_PUBLIC, ROLE_SYSTEM */
	char addr[64];     /* client address, for the audit log */
	const char *token; /* an objector's follow-up token, when acting as one */
};

extern const struct actor actor_system;

/* ---- accounts (account.c) ---- */

struct account_input {
	const char *login;
	const char *password;
	const char *display_name;
	const char *kind;        /* "natural", "legal", "org" */
	const char *id_number;
	const char *email;
	const char *phone;
	unsigned roles;          /* for admin-created accounts; sign-up gets applicant */
};

/* Sign-up (anyone) or creation by an admin (roles honoured only then). */
int svc_account_create(struct svc *v, const struct actor *who, const struct account_input *in,
		       dip_time now, int64_t *id, struct dip_error *e);
/* Checks a password, with rate limiting per login and per address.
 * DIP_EAUTH for wrong credentials (never saying which part), DIP_ERATE. */
int svc_login(struct svc *v, const char *login, const char *password, const char *addr,
	      dip_time now, struct account *out, struct dip_error *e);
int svc_account_set_roles(struct svc *v, const struct actor *who, int64_t id, unsigned roles,
			  int disabled, dip_time now, struct dip_error *e);
int svc_account_set_password(struct svc *v, const struct actor *who, int64_t id,
			     const char *password, dip_time now, struct dip_error *e);
/* Account id as stored (DIP_ENOTFOUND when there is none). */
int svc_account_get(struct svc *v, int64_t id, struct account *a, struct dip_error *e);
/* The unread messages of an account's delivery inbox. */
int svc_unread_count(struct svc *v, int64_t account_id, int64_t *n, struct dip_error *e);
/* Ends the session whose token hashes to token_hash. */
int svc_session_end(struct svc *v, const char *token_hash, struct dip_error *e);
/* Agency (Art. 6 para 2): the agent records a power of attorney, the
 * principal confirms it (or revokes it). */
int svc_agency_request(struct svc *v, const struct actor *agent, const char *principal_login,
		       const char *poa_sha256, dip_time now, struct dip_error *e);
int svc_agency_confirm(struct svc *v, const struct actor *principal, const char *agent_login,
		       int confirm, dip_time now, struct dip_error *e);
json_t *svc_account_json(const struct account *a, int with_contacts);

/* ---- applications (application.c) ---- */

struct draft_input {
	const json_t *content;          /* Art. 5 content */
	const char *const *coapplicants;/* logins of joint applicants (Art. 6), NULL-ended */
	const char *const *principals;  /* an agent files for these logins, NULL-ended */
};

int svc_draft_create(struct svc *v, const struct actor *who, const struct draft_input *in,
		     dip_time now, int64_t *id, struct dip_error *e);
/* Replaces the content of a draft; other applicants must confirm again. */
int svc_draft_update(struct svc *v, const struct actor *who, int64_t id, const json_t *content,
		     dip_time now, struct dip_error *e);
/* Art. 6: a joint applicant confirms the draft as it stands. */
int svc_confirm(struct svc *v, const struct actor *who, int64_t id, dip_time now,
		struct dip_error *e);
/* Art. 7: the submission date is now, the moment the registry stored it.
 * Fills defects (when not NULL) with every defect found. */
int svc_submit(struct svc *v, const struct actor *who, int64_t id, dip_time now,
	       struct app_defects *defects, struct dip_error *e);
/* The same, and *view gets the application as svc_app_json shows it to
 * who afterwards, read in the same transaction; with content_text, also
 * the content's JSON text as stored (free() it; NULL on failure), which
 * a reply may write in place of serialising view's "content" again. */
int svc_submit_view(struct svc *v, const struct actor *who, int64_t id, dip_time now,
		    struct app_defects *defects, json_t **view, char **content_text,
		    struct dip_error *e);
int svc_withdraw(struct svc *v, const struct actor *who, int64_t id, const char *reason,
		 dip_time now, struct dip_error *e);

/* ---- examination (examine.c) ---- */

/* Art. 8: one notice listing every defect (field and message each). */
int svc_request_correction(struct svc *v, const struct actor *who, int64_t id,
			   const struct app_defects *defects, const char *note, dip_time now,
			   struct dip_error *e);
/* Art. 8: the corrected content and a reply text. */
int svc_reply_correction(struct svc *v, const struct actor *who, int64_t id,
			 const json_t *content, const char *reply, dip_time now,
			 struct app_defects *defects, struct dip_error *e);
/* Art. 8: a reply after the deadline, with the reason why it is late. */
int svc_late_reply(struct svc *v, const struct actor *who, int64_t id, const json_t *content,
		   const char *reply, const char *reason, dip_time now, struct dip_error *e);
int svc_decide_late_reply(struct svc *v, const struct actor *who, int64_t id, int accept,
			  const char *reason, dip_time now, struct dip_error *e);
/* Art. 9: grounds is a bit set (bit n-1 for ground (n)); text explains. */
int svc_refuse(struct svc *v, const struct actor *who, int64_t id, unsigned grounds,
	       const char *text, dip_time now, struct dip_error *e);
/* Art. 10. */
int svc_publish(struct svc *v, const struct actor *who, int64_t id, dip_time now,
		struct dip_error *e);
/* Art. 12: approve after a clean publication (when auto_register is off) or
 * after every objection was decided not upheld. */
int svc_register(struct svc *v, const struct actor *who, int64_t id, dip_time now,
		 struct dip_error *e);

/* ---- objections (objection.c) ---- */

struct objection_input {
	const char *name;        /* objector's name */
	const char *contact;     /* how to reach them (confidential) */
	const char *grounds;
	const char *const *evidence; /* upload hashes, NULL-ended */
};

/* Art. 10: anyone, during publication.  token (65 bytes) receives a
 * follow-up secret for objectors without an account. */
int svc_object(struct svc *v, const struct actor *who, int64_t app_id,
	       const struct objection_input *in, dip_time now, int64_t *obj_id, char token[65],
	       struct dip_error *e);
/* Art. 11: one step of the exchange.  text and evidence as the step
 * needs; upheld only for OBJA_DECIDE. */
int svc_objection_step(struct svc *v, const struct actor *who, int64_t obj_id,
		       enum obj_action action, const char *text, const char *const *evidence,
		       int upheld, dip_time now, struct dip_error *e);

/* ---- after registration (registered.c) ---- */

/* Art. 14: within the window before expiry. */
int svc_renew(struct svc *v, const struct actor *who, int64_t id, dip_time now,
	      struct dip_error *e);

struct request_input {
	const char *kind;            /* change, transaction, pledge, licence, transfer, cancel */
	const json_t *payload;       /* kind-specific fields */
	const char *act_date;        /* Art. 15: date of the transaction, pledge, licence */
	const char *counterparty;    /* transfer: the transferee's login */
	int unilateral;              /* Art. 16: 0 joint, 1-4 the case */
	const char *legal_document;  /* upload hash, for unilateral cases and new holders */
};

int svc_file_request(struct svc *v, const struct actor *who, int64_t app_id,
		     const struct request_input *in, dip_time now, int64_t *req_id,
		     struct dip_error *e);
/* Art. 16: the transferee confirms a joint transfer. */
int svc_confirm_request(struct svc *v, const struct actor *who, int64_t req_id, dip_time now,
			struct dip_error *e);
/* Art. 16: the transferee declines a joint transfer awaiting it. */
int svc_decline_request(struct svc *v, const struct actor *who, int64_t req_id,
			const char *reason, dip_time now, struct dip_error *e);
/* Its filer or the holder withdraws a request not yet decided. */
int svc_withdraw_request(struct svc *v, const struct actor *who, int64_t req_id,
			 const char *reason, dip_time now, struct dip_error *e);
/* Art. 17: the registry approves (and announces) or rejects. */
int svc_decide_request(struct svc *v, const struct actor *who, int64_t req_id, int approve,
		       const char *reason, dip_time now, struct dip_error *e);
/* Art. 18 para 2: cancellation by the registry when no holder remains. */
int svc_cancel_by_registry(struct svc *v, const struct actor *who, int64_t id,
			   const char *reason, dip_time now, struct dip_error *e);
/* Arts. 9 (6), 23: revocation for concealment or falsification. */
int svc_revoke(struct svc *v, const struct actor *who, int64_t id, const char *reason,
	       dip_time now, struct dip_error *e);

/* ---- evidence deposits (deposit.c) ---- */

struct deposit_input {
	const char *fingerprint;   /* "sha256:<hex>" or "sm3:<hex>" */
	int64_t files;
	int64_t bytes;
	const char *description;
};

/* Records a deposit and appends it to the transparency log. */
int svc_deposit(struct svc *v, const struct actor *who, const struct deposit_input *in,
		dip_time now, struct deposit *out, struct dip_error *e);

/* ---- certificates (certificate.c) ---- */

/* A certificate by number (version 0: the latest): its status now, every
 * version, and the signed document with its log receipt. */
int svc_certificate_json(struct svc *v, const char *no, int version, dip_time now, json_t **out,
			 struct dip_error *e);
/* Its PDF (render/), kept under data_dir/certificates once rendered. */
int svc_certificate_pdf(struct svc *v, const char *no, int version, dip_time now,
			struct dbuf *out, struct dip_error *e);

/* ---- uploads (upload.c) ---- */

/* Records an uploaded file (the caller stored the bytes). */
int svc_upload_add(struct svc *v, const struct actor *who, const struct upload *u,
		   struct dip_error *e);
/* May who read the file?  Fills out; examiner reads are audited.  A file
 * the actor may not read is DIP_ENOTFOUND. */
int svc_upload_access(struct svc *v, const struct actor *who, const char *sha256,
		      dip_time now, struct upload *out, struct dip_error *e);

/* ---- searching the public register (search.c) ---- */

#define SEARCH_PAGE_DEFAULT 20
#define SEARCH_PAGE_MAX 100
#define SEARCH_COUNT_LIMIT 2000   /* totals and facets exact up to this many matches */
#define SEARCH_WINDOW 500         /* the newest matches ranked by relevance */
#define SEARCH_SNIPPET_CHARS 80
#define SEARCH_COMMON_MIN 10000   /* documents before a word in most of them is dropped */

/* A search as the public asks it (GET /api/search); every member may be
 * NULL or 0 for "not given". */
struct search_params {
	const char *q;          /* query (domain/query.h syntax); blank: the whole register */
	const char *industry;   /* GB/T 4754-2017 section letter or division */
	const char *status;     /* publication, objection, registered, cancelled, revoked;
				 * several separated by commas */
	const char *holder;     /* a holder's exact name, or a legal person's credit code */
	const char *from, *to;  /* registration (or publication) dates, YYYY-MM-DD, inclusive */
	const char *sort;       /* relevance (the default with q), newest, oldest */
	const char *cursor;     /* "next" of the previous page */
	int limit;              /* 1..SEARCH_PAGE_MAX, 0: SEARCH_PAGE_DEFAULT */
	int count_limit;        /* 0: SEARCH_COUNT_LIMIT (other values for benchmarks) */
	int window;             /* 0: SEARCH_WINDOW (likewise) */
	int common_min;         /* 0: SEARCH_COMMON_MIN; -1: never drop a word (likewise) */
};

struct qry_diag;

/* Searches the public register (Art. 20): hits with highlighted name,
 * holders and an excerpt, the total (exact, or estimated and flagged),
 * facet counts by status, industry section and division and year, and the
 * cursor of the next page.  A query that does not parse is DIP_EINVAL (or
 * DIP_ELIMIT) with field "q" and diag (may be NULL) saying where; other
 * bad parameters are DIP_EINVAL naming them.  The order and the marks are
 * the same on every backend (search.c, domain/rank.h). */
int svc_search_json(struct svc *v, const struct search_params *p, json_t **out,
		    struct qry_diag *diag, struct dip_error *e);
/* The same answer appended to out as compact JSON, the bytes jansson would
 * write for it; out is as it was after an error. */
int svc_search_text(struct svc *v, const struct search_params *p, struct dbuf *out,
		    struct qry_diag *diag, struct dip_error *e);
/* The search index's generation: it changes with every change of the
 * index, so an answer computed at one value stands while it does. */
int svc_search_generation(struct svc *v, int64_t *gen, struct dip_error *e);
/* Builds the search index anew from the applications, in one
 * transaction; *indexed (may be NULL) gets the number of records. */
int svc_search_rebuild(struct svc *v, int64_t *indexed, struct dip_error *e);
/* Rebuilds the index when it predates this version of dipreg (a database
 * from before the index, or a changed tokenizer); *indexed is -1 when
 * nothing had to be done. */
int svc_search_ensure(struct svc *v, int64_t *indexed, struct dip_error *e);

/* ---- scheduler (tick.c) ---- */

struct tick_report {
	int applied;        /* timeouts applied */
	int remaining;      /* due timeouts left (limit reached) */
	int busy;           /* svc_tick_if_idle: another scheduler was at work */
};

/* Applies every binding deadline due at or before now, oldest first, each
 * exactly once in its own transaction, dating each effect at the moment
 * the deadline ran out; deadlines those effects open are applied too when
 * they are also due.  Safe to run again: a second run finds nothing, and
 * safe to run on several servers of one database at once: each deadline
 * is applied by one of them (tick.c).  Waits for a scheduler at work
 * elsewhere to end each of its transactions. */
int svc_tick(struct svc *v, dip_time now, struct tick_report *rep, struct dip_error *e);
/* svc_tick for a server's timer: when another scheduler is at work (on
 * another server, or an operator's tick), leaves the round to it and
 * returns with rep->busy set. */
int svc_tick_if_idle(struct svc *v, dip_time now, struct tick_report *rep, struct dip_error *e);

/* ---- reading (views.c) ---- */

/* An application as the actor may see it: parties and examiners see
 * everything (examiner reads of confidential fields are audited), the
 * public sees the Art. 10 fields during publication and the register
 * fields after announcement, and nothing of drafts or refusals. */
int svc_app_json(struct svc *v, const struct actor *who, int64_t id, dip_time now, json_t **out,
		 struct dip_error *e);
/* The same, and *content_text gets the content's JSON text as stored
 * when the view shows the content whole, else NULL (as svc_submit_view). */
int svc_app_json_text(struct svc *v, const struct actor *who, int64_t id, dip_time now,
		      json_t **out, char **content_text, struct dip_error *e);
int svc_app_list_json(struct svc *v, const struct actor *who, const struct app_filter *f,
		      dip_time now, json_t **out, struct dip_error *e);
/* The archive of an application (Art. 19): parties and examiners. */
int svc_events_json(struct svc *v, const struct actor *who, int64_t id, json_t **out,
		    struct dip_error *e);
/* The examiner's queue: open registry duties with deadline, remaining
 * working days and a flag: "overdue", "due_soon" (within one working day)
 * or "". */
int svc_tasks_json(struct svc *v, const struct actor *who, dip_time now, json_t **out,
		   struct dip_error *e);
int svc_objection_json(struct svc *v, const struct actor *who, int64_t obj_id, json_t **out,
		       struct dip_error *e);
int svc_request_json(struct svc *v, const struct actor *who, int64_t req_id, json_t **out,
		     struct dip_error *e);
/* A page of requests as {items, next}: registry staff see every request,
 * others their own (struct request_filter). */
int svc_requests_json(struct svc *v, const struct actor *who, const struct request_filter *f,
		      int limit, json_t **out, struct dip_error *e);
int svc_inbox_json(struct svc *v, const struct actor *who, const struct msg_filter *f,
		   json_t **out, struct dip_error *e);
int svc_inbox_read(struct svc *v, const struct actor *who, int64_t msg_id, dip_time now,
		   struct dip_error *e);
/* ---- public records ready to send (cache.c, views.c) ---- */

/* An application as the public sees it in a publication or the register
 * (what the log records and search indexes): its public content, the
 * parties with masked identity numbers, and in the register the industry
 * name and numbers. */
json_t *svc_public_record(const struct registry *reg, const struct application *a,
			  const struct party *parties, int n, const json_t *content,
			  enum app_view view);

/* Immutable bytes shared by reference: whoever holds one releases it. */
struct svc_blob {
	_Atomic long refs;
	size_t len;
	char data[];   /* NUL-terminated */
};

/* A blob of a copy of p[0..n), one reference; NULL when out of memory. */
struct svc_blob *svc_blob_new(const char *p, size_t n);
void svc_blob_release(struct svc_blob *b);
/* A cache of at most max_bytes (NULL for 0 or out of memory), shared by
 * every thread; freed with svc_cache_free. */
struct svc_cache *svc_cache_new(size_t max_bytes);
/* The statistics' rows kept between requests (stats.c), for every thread;
 * freed with svc_stats_cache_free.
 *
 * A report counts again when an act happened since the rows were read.
 * Once a count has taken background_ms or longer (a large register), and
 * refresh is set, a report that finds the rows out of date answers from
 * them at once, saying when they were read (as_of), and asks refresh(arg)
 * to have svc_stats_refresh run elsewhere, at most once a minute of the
 * registry's time: a serving thread never spends seconds counting, and
 * many readers cost one count a minute. */
struct svc_stats_cache *svc_stats_cache_new(int background_ms);
void svc_stats_cache_refresher(struct svc_stats_cache *c, void (*refresh)(void *arg), void *arg);
void svc_stats_cache_free(struct svc_stats_cache *c);
void svc_cache_free(struct svc_cache *c);
void svc_cache_stats(const struct svc_cache *c, uint64_t *hits, uint64_t *misses,
		     size_t *bytes);
/* The JSON text of application id as svc_app_json shows it to the public
 * (an anonymous actor), from r->records when it is still current, else
 * built and kept there.  *out is a new reference.  Errors as svc_app_json. */
int svc_app_public(struct svc *v, int64_t id, dip_time now, struct svc_blob **out,
		   struct dip_error *e);

/* Announcements (公告) and publications, newest first: the public acts of
 * the transparency log, with their log index.  before < 0: from the end;
 * limit 1..SVC_ANNOUNCEMENTS_MAX, else 50. */
#define SVC_ANNOUNCEMENTS_MAX 200
int svc_announcements_json(struct svc *v, int64_t before, int limit, json_t **out,
			   struct dip_error *e);
/* Records an act in the audit log, in its own transaction. */
int svc_audit(struct svc *v, const struct actor *who, const char *action, const char *object,
	      const char *detail, dip_time now, struct dip_error *e);
/* Admin views. */
int svc_accounts_json(struct svc *v, const struct actor *who, int64_t after, int limit,
		      json_t **out, struct dip_error *e);
int svc_audit_json(struct svc *v, const struct actor *who, const struct audit_filter *f,
		   json_t **out, struct dip_error *e);

#endif
