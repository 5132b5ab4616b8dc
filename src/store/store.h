/*
 * store.h - the storage interface every backend implements.
 *
 * A struct store is a connection to one registry database, used by one
 * thread at a time, with a table of operations that a backend fills in:
 * store_sqlite.c (embedded, the default) and store_pg.c (PostgreSQL).  The
 * service layer calls only these operations, inside a transaction it opens
 * with begin() and ends with commit() or rollback(); every use case is one
 * transaction.  Nothing here knows about HTTP, and nothing below knows
 * about the procedure's rules.
 *
 * Conventions for every operation:
 *   - returns 0, or a negative enum dip_err: DIP_ENOTFOUND when a looked-up
 *     row does not exist, DIP_ECONFLICT when an update lost a race (the
 *     row's version changed since it was read) or a unique key is taken,
 *     DIP_EBUSY when the database stayed locked, DIP_EDB otherwise; the
 *     backend leaves a message in s->err;
 *   - records filled by a get are owned by the caller, who frees their
 *     heap fields with the model's *_release functions;
 *   - list operations call a callback per row with a record valid only
 *     during the call; a non-zero callback return stops the listing and is
 *     returned;
 *   - updates of versioned records (applications, objections, requests)
 *     succeed only when the stored version equals the record's version,
 *     and then increment both.
 */
#ifndef DIP_STORE_H
#define DIP_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "domain/model.h"
#include "util/buf.h"
#include "util/err.h"

struct store;
struct store_group;

struct app_filter {
	unsigned states;         /* bit set of enum app_state; 0 = all */
	int64_t party_id;        /* only applications this account is a party of */
	int64_t agent_id;        /* only applications filed by this agent */
	int64_t after_id;        /* keyset cursor: ids below this (newest first) */
	int limit;
};

/* For the stores' app_list: B(k), a query of the applications in state k
 * in each store's own SQL, for every state, joined by UNION ALL. */
#define STORE_EACH_STATE(B)                                                                 \
	B(0) " UNION ALL " B(1) " UNION ALL " B(2) " UNION ALL " B(3) " UNION ALL " B(4)     \
	" UNION ALL " B(5) " UNION ALL " B(6) " UNION ALL " B(7) " UNION ALL " B(8)           \
	" UNION ALL " B(9) " UNION ALL " B(10)
_Static_assert(APP__COUNT == 11, "STORE_EACH_STATE has a branch for each state");

/* Requests after registration, newest first.  With account_id, those it
 * filed, those passing to it and those on applications it holds; with
 * awaiting as well, only the transfers waiting for its confirmation. */
struct request_filter {
	int64_t account_id;      /* 0: every request (registry staff) */
	int awaiting;
	int state;               /* enum req_state, or -1 for any */
	int kind;                /* enum req_kind, or -1 for any */
	int64_t before_id;       /* cursor: ids below this; 0 from the newest */
};

struct msg_filter {
	int64_t account_id;
	int64_t objection_id;
	int64_t app_id;
	int unread_only;
	int64_t after_id;
	int limit;
};

struct audit_filter {
	int64_t actor_id;
	const char *object;      /* exact match, or NULL */
	int64_t after_id;
	int limit;
};

struct session_row {
	char token_hash[65];
	int64_t account_id;
	char csrf[65];
	dip_time created_at, expires_at;
	int api_token;           /* 1: a bearer token, 0: a browser session */
	char label[81];
};

struct checkpoint_row {
	int64_t size;
	uint8_t root[32];
	char *note;              /* the signed note text, owned */
	dip_time created_at;
	int witnessed;           /* cosigned by the quorum of the log's witnesses */
};

/* ---- the search index of the public register (Art. 20) ----
 *
 * A search document is the public text of one application in publication
 * (the Art. 10 items) or on the register (the Art. 20 entry), never a
 * confidential field; the service builds it (service/search.c) and puts it
 * in the transaction of the act that changed the public record.
 *
 * Its key orders the register newest first and carries what filters and
 * facets need, so that a search reads nothing but the full-text index
 * until it has chosen the records it shows:
 *
 *   bits 62..47  65535 - day (dip_day of registration, or of publication)
 *   bits 46..16  2^31 - 1 - application id
 *   bits 15..12  status (enum app_state)
 *   bits 11..7   industry section, 1..20 for A..T, 0 for none
 *   bits  6..0   industry division, 1..97, 0 for none
 *
 * Ascending keys run newest first: by day, then by application id, both
 * descending (the way FTS5 reads its index fastest).  No two documents
 * share a key.
 *
 * The status and industry are also indexed as words (store_search_tags),
 * where no query text can reach them (FTS5: a column of their own;
 * PostgreSQL: lexemes starting with '#', which the tokenizer never makes),
 * so that a filter narrows the full-text search inside the index: "数据"
 * among revoked registrations reads the few revoked documents, not the
 * many with 数据.
 */
#define SEARCH_KEY_DAY_SHIFT 47
#define SEARCH_KEY_APP_SHIFT 16
#define SEARCH_KEY_STATUS_SHIFT 12
#define SEARCH_KEY_SECTION_SHIFT 7
#define SEARCH_APP_MAX INT64_C(0x7fffffff)
#define SEARCH_DAY_MAX 65535

struct search_keyinfo {
	dip_day day;
	int64_t app_id;
	enum app_state status;
	char section;            /* 'A'..'T', or 0 */
	int division;            /* 1..97, or 0 */
};

/* The key of a document; -1 when a value is out of range. */
int64_t store_search_key(const struct search_keyinfo *k);
void store_search_key_split(int64_t key, struct search_keyinfo *out);
/* The filter words of a key: "s" and the status name ("sregistered"),
 * "x" and the section letter ("xg"), "d" and the division's digits as
 * letters a-j ("dfe" for 54); sections and divisions only when set.
 * Returns their number. */
#define SEARCH_TAG_MAX 24
int store_search_tags(int64_t key, char tags[3][SEARCH_TAG_MAX]);
void store_search_tag_status(enum app_state st, char out[SEARCH_TAG_MAX]);
void store_search_tag_section(char section, char out[SEARCH_TAG_MAX]);
void store_search_tag_division(int division, char out[SEARCH_TAG_MAX]);
/* Whether a query token of len bytes is a filter word (or, prefix 1,
 * begins one): only then can a query word find documents through their
 * filter words. */
int store_search_tag_reachable(const char *tok, size_t len, int prefix);

/* The smallest and the largest key of a day: the keys of the days
 * [from, to] run from store_search_day_first(to) to
 * store_search_day_last(from). */
int64_t store_search_day_first(dip_day day);
int64_t store_search_day_last(dip_day day);

/* A holder as the holder filter finds it. */
struct search_holder {
	char name[301];
	char code[19];           /* credit code of a legal person or organisation; "" else */
};

#define SEARCH_MAX_HOLDERS 16

struct search_doc {
	int64_t key;             /* store_search_key */
	char industry[5];        /* the code as filed; "" for publications */
	char cert_no[18];        /* "" for publications */
	char reg_no[17];         /* "" for publications */
	char fingerprint[80];    /* "" for publications */
	const char *name;        /* the indexed text, three fields: */
	const char *holder;      /*   holders' names, one a line */
	const char *body;        /*   the other public text, one item a line */
	const struct search_holder *holders; /* for search_put; not filled by reads */
	int nholders;
};

/* What a search matches: documents containing q (NULL: every document)
 * that pass every filter given, in key order, stopping after limit. */
struct search_match {
	const struct qry *q;
	unsigned statuses;       /* bit set of enum app_state; 0 = any */
	char section;            /* 0 = any */
	int division;            /* 0 = any */
	const char *holder;      /* exact holder name or credit code; NULL = any */
	int64_t lo, hi;          /* keys in [lo, hi]; hi 0 = no upper bound */
	int descending;          /* 0: smallest key (newest) first */
	int limit;
};

/* Dimensions of the precomputed counts of the whole index. */
enum search_dim {
	SEARCH_DIM_TOTAL,        /* value 0 */
	SEARCH_DIM_STATUS,       /* enum app_state */
	SEARCH_DIM_SECTION,      /* 0..20 */
	SEARCH_DIM_DIVISION,     /* 0..97 */
	SEARCH_DIM_YEAR,         /* of the key's day */
	SEARCH_DIM_DAY,          /* dip_day */
	SEARCH_NDIMS
};

/* Kept beside the counts: a number that every search_put and
 * search_delete raises, so that a result computed at one value is known
 * current while the value stands. */
#define SEARCH_GENERATION_DIM 6

/* The (dimension, value) pairs a document of this key counts in. */
void store_search_dims(int64_t key, int64_t values[SEARCH_NDIMS]);

/* Bounds on what the search store operations accept. */
#define SEARCH_MAX_KEYS 100000

struct qry;

typedef int (*store_search_cb)(void *ud, const struct search_doc *d);
typedef int (*store_stat_cb)(void *ud, enum search_dim dim, int64_t value, int64_t n);

/* What an application's public view depends on (see app_stamp). */
struct app_stamp {
	int64_t version;         /* the application's version */
	int64_t objections;      /* count * 2^32 + the sum of their versions */
	dip_time next_due;       /* earliest open binding deadline; 0: none */
};

typedef int (*store_app_cb)(void *ud, const struct application *a);
typedef int (*store_deposit_cb)(void *ud, const struct deposit *d);
typedef int (*store_msg_cb)(void *ud, const struct message *m);
typedef int (*store_event_cb)(void *ud, const struct event *ev);
typedef int (*store_deadline_cb)(void *ud, const struct deadline *d);
typedef int (*store_account_cb)(void *ud, const struct account *a);
typedef int (*store_audit_cb)(void *ud, const struct audit_entry *a);

/* ---- statistics ----
 * Aggregates of the register for the statistics and the trading-activity
 * index, counted from the stored records each time they are asked for,
 * never kept.  An instant is counted on its civil day in the zone the
 * caller gives (seconds east of UTC), so that months are the registry's. */

/* What a row of stats_flows counts, and its key. */
enum stats_flow {
	STF_RECEIVED,    /* applications received (Art. 7), by day of submission; key: state now */
	STF_REGISTERED,  /* registrations announced (Art. 12), by announcement day; key: holder class now */
	STF_RENEWED,     /* renewals (Art. 14), by day (the archive's "renew" acts); key: 0 */
	STF_REQUEST,     /* requests approved (Art. 17), by day of the decision; key: enum req_kind */
	STF_CLOSED,      /* registrations ended (Arts. 14, 18, 23), by day; key: enum close_reason,
			  * flag: 1 when revoked */
	STF__COUNT
};

/* The holders of an application as a class: the enum party_kind of a sole
 * holder, or STATS_JOINT when there are several (Art. 6). */
#define STATS_JOINT 4

/* The condition of every count in SQL: no count reads a draft, and the
 * statistics' covering index holds none (migrations sqlite/005, pg/004).
 * A database plans a partial index only for a query whose WHERE names its
 * condition, so the counts say it in these words. */
#define STATS_NOT_DRAFT "a.state <> 0"
_Static_assert(APP_DRAFT == 0, "STATS_NOT_DRAFT names the draft state by its number");

struct stats_row {
	int what;             /* stats_flows: enum stats_flow; else 0 */
	dip_day day;          /* the day counted; 0 for stats_register */
	int key;
	int flag;
	char industry[5];     /* the application's GB/T 4754-2017 code as filed */
	int64_t count;
	int64_t amount_count; /* stats_filings: how many declared an amount */
	int64_t amount_sum;   /* stats_filings: their sum in yuan */
};
typedef int (*store_stats_cb)(void *ud, const struct stats_row *r);

/* A table as whole rows, for moving a registry from one backend to the
 * other (dipreg migrate): every backend has the same tables with the same
 * columns, so one description serves both. */
struct store_table {
	const char *name;
	const char *cols;        /* the column list, as SQL */
	const char *types;       /* one letter a column: i integer, t text, b blob */
	const char *order;       /* the ORDER BY of an export: the primary key */
	int identity;            /* the database numbers new rows' "id" */
};

/* Every table that holds a registry's records, referenced tables before
 * those that reference them, ended by a NULL name.  Backend-private state
 * (PostgreSQL's ledger_head, schema versions) is not in it: an import
 * brings that up to date itself. */
extern const struct store_table store_tables[];
/* The entry of store_tables called name, or NULL. */
const struct store_table *store_table_find(const char *name);

/* One value of a row, by its column's type letter: i in .i, t and b as
 * bytes .p/.len (text is UTF-8 and not NUL-terminated); .null for SQL
 * NULL. */
struct store_value {
	int null;
	int64_t i;
	const void *p;
	size_t len;
};

/* The row has strlen(t->types) values. */
typedef int (*store_row_cb)(void *ud, const struct store_value *row);

struct store {
	void *impl;
	struct dip_error err;
	const char *backend;     /* "sqlite" or "postgresql" */

	void (*close)(struct store *s);
	/* write=1 takes the write lock at once, so that a transaction never
	 * fails half way for lack of it. */
	int (*begin)(struct store *s, int write);
	int (*commit)(struct store *s);
	void (*rollback)(struct store *s);

	/* Settings: small key/value pairs (registry name, calendar, ...). */
	int (*setting_get)(struct store *s, const char *key, struct dbuf *out);
	int (*setting_put)(struct store *s, const char *key, const char *value);
	/* Named counters that never repeat (certificate serials, ...). */
	int (*counter_next)(struct store *s, const char *name, int64_t *out);

	/* Accounts. */
	int (*account_insert)(struct store *s, struct account *a);
	int (*account_get)(struct store *s, int64_t id, struct account *a);
	int (*account_by_login)(struct store *s, const char *login, struct account *a);
	int (*account_update)(struct store *s, const struct account *a);
	int (*account_list)(struct store *s, int64_t after_id, int limit, store_account_cb cb,
			    void *ud);
	int (*account_count)(struct store *s, int64_t *n);

	/* Sessions and API tokens, found by the SHA-256 of their secret. */
	int (*session_insert)(struct store *s, const struct session_row *r);
	int (*session_get)(struct store *s, const char *token_hash, struct session_row *r);
	int (*session_delete)(struct store *s, const char *token_hash);
	int (*session_delete_account)(struct store *s, int64_t account_id);
	/* Login attempts for rate limiting: count failures since a time. */
	int (*login_fail_add)(struct store *s, const char *key, dip_time at);
	int (*login_fail_count)(struct store *s, const char *key, dip_time since, int64_t *n);

	/* Agency: a principal's confirmation of an agent's power of attorney. */
	int (*agency_put)(struct store *s, int64_t agent_id, int64_t principal_id,
			  const char *poa_sha256, dip_time confirmed_at, dip_time revoked_at);
	/* confirmed_at = 0 when not (yet) confirmed; DIP_ENOTFOUND when none. */
	int (*agency_get)(struct store *s, int64_t agent_id, int64_t principal_id,
			  char poa_sha256[65], dip_time *confirmed_at, dip_time *revoked_at);

	/* Applications and their parties.  In a write transaction app_get
	 * also locks the application until the transaction ends: another
	 * write transaction's app_get of it waits, then reads what the first
	 * left (SQLite: the write transaction excludes every other anyway;
	 * PostgreSQL: FOR UPDATE). */
	int (*app_insert)(struct store *s, struct application *a);
	int (*app_get)(struct store *s, int64_t id, struct application *a);
	int (*app_update)(struct store *s, struct application *a);
	int (*app_list)(struct store *s, const struct app_filter *f, store_app_cb cb, void *ud);
	int (*app_count_by_state)(struct store *s, int64_t counts[APP__COUNT]);
	/* Applications with this fingerprint in one of states (Art. 9 (5)). */
	int (*app_by_fingerprint)(struct store *s, const char *fingerprint, unsigned states,
				  int64_t exclude_id, store_app_cb cb, void *ud);
	int (*app_by_reg_no)(struct store *s, const char *reg_no, struct application *a);
	int (*party_put)(struct store *s, const struct party *p);
	int (*party_delete_all)(struct store *s, int64_t app_id);
	/* Fills up to max parties in order; *n gets the count. */
	int (*party_list)(struct store *s, int64_t app_id, struct party *out, int max, int *n);

	/* Objections. */
	int (*objection_insert)(struct store *s, struct objection *o);
	int (*objection_get)(struct store *s, int64_t id, struct objection *o);
	int (*objection_update)(struct store *s, struct objection *o);
	int (*objection_ids)(struct store *s, int64_t app_id, int64_t *ids, int max, int *n);

	/* Requests after registration (Arts. 15-18). */
	int (*request_insert)(struct store *s, struct request *r);
	int (*request_get)(struct store *s, int64_t id, struct request *r);
	int (*request_update)(struct store *s, struct request *r);
	int (*request_ids)(struct store *s, int64_t app_id, int64_t *ids, int max, int *n);
	int (*request_list)(struct store *s, const struct request_filter *f, int64_t *ids, int max,
			    int *n);

	/* The archive (Art. 19). */
	int (*event_insert)(struct store *s, struct event *ev);
	int (*event_list)(struct store *s, int64_t app_id, store_event_cb cb, void *ud);

	/* Deadlines: open ones are examiner tasks or scheduler timers. */
	int (*deadline_insert)(struct store *s, struct deadline *d);
	int (*deadline_close)(struct store *s, int64_t id, dip_time at);
	/* Open deadlines of an application (ref_id < 0: any). */
	int (*deadline_open_for)(struct store *s, int64_t app_id, int64_t ref_id,
				 store_deadline_cb cb, void *ud);
	/* Open deadlines due at or before t, binding ones only or all, oldest
	 * due first. */
	int (*deadline_due)(struct store *s, dip_time t, int binding_only, int limit,
			    store_deadline_cb cb, void *ud);
	/* Open registry duties (binds_party = 0) ordered by due time. */
	int (*deadline_tasks)(struct store *s, int limit, store_deadline_cb cb, void *ud);

	/* Delivery (送达, Art. 7). */
	int (*message_insert)(struct store *s, struct message *m);
	int (*message_list)(struct store *s, const struct msg_filter *f, store_msg_cb cb, void *ud);
	int (*message_mark_read)(struct store *s, int64_t id, int64_t account_id, dip_time at);
	int (*message_unread)(struct store *s, int64_t account_id, int64_t *n);

	/* Uploaded files (metadata; the bytes live in the data directory). */
	int (*upload_insert)(struct store *s, const struct upload *u);
	int (*upload_get)(struct store *s, const char *sha256, int64_t owner_id, struct upload *u);
	/* Links an upload to an application so examiners may read it. */
	int (*upload_link)(struct store *s, const char *sha256, int64_t app_id, const char *role);
	int (*upload_linked)(struct store *s, const char *sha256, int64_t app_id);

	/* Evidence deposits (存证). */
	int (*deposit_insert)(struct store *s, struct deposit *d);
	int (*deposit_get)(struct store *s, int64_t id, struct deposit *d);

	/* Certificates: every version stays. */
	int (*cert_insert)(struct store *s, struct certificate *c);
	int (*cert_get)(struct store *s, const char *cert_no, int version, struct certificate *c);
	int (*cert_latest)(struct store *s, int64_t app_id, struct certificate *c);
	int (*cert_set_status)(struct store *s, int64_t app_id, int version_below,
			       enum cert_status from, enum cert_status to, dip_time at);

	/* Audit log (Art. 19 para 2). */
	int (*audit_insert)(struct store *s, struct audit_entry *a);
	int (*audit_list)(struct store *s, const struct audit_filter *f, store_audit_cb cb, void *ud);

	/* The transparency log: entries, tiles and checkpoints. */
	/* announce: the entry is one that GET /api/announcements lists (every
	 * kind but deposits); it is then also in ledger_announcements. */
	int (*ledger_append)(struct store *s, const char *entry, size_t len, int announce,
			     int64_t *index);
	int (*ledger_entry)(struct store *s, int64_t index, struct dbuf *out);
	/* The indexes of the newest announced entries below before, newest
	 * first, at most max; *n gets their count. */
	int (*ledger_announcements)(struct store *s, int64_t before, int64_t *out, int max, int *n);
	int (*ledger_size)(struct store *s, int64_t *n);
	int (*tile_get)(struct store *s, int level, int64_t index, int width, uint8_t *hashes);
	int (*tile_put)(struct store *s, int level, int64_t index, int width, const uint8_t *hashes);
	int (*checkpoint_put)(struct store *s, const struct checkpoint_row *c);
	int (*checkpoint_latest)(struct store *s, struct checkpoint_row *c);
	/* The latest witnessed checkpoint larger than size; DIP_ENOTFOUND if
	 * there is none. */
	int (*checkpoint_witnessed)(struct store *s, int64_t size, struct checkpoint_row *c);
	/* The deposits whose entries have log indexes in [lo, hi), by account
	 * and then index. */
	int (*deposit_logged)(struct store *s, int64_t lo, int64_t hi, store_deposit_cb cb, void *ud);

	/* 0 when the upload is linked to an application that account_id is a
	 * party or the agent of; DIP_ENOTFOUND otherwise. */
	int (*upload_party_link)(struct store *s, const char *sha256, int64_t account_id);
	/* Records the log index of a deposit's entry. */
	int (*deposit_set_index)(struct store *s, int64_t id, int64_t ledger_index);

	/* ---- statistics (service/stats.c) ---- */
	/* Acts per day and industry, one row per group (enum stats_flow). */
	int (*stats_flows)(struct store *s, int zone, store_stats_cb cb, void *ud);
	/* Approved filings of Art. 15 (transaction, pledge, licence) per day of
	 * the act, kind (key, enum req_kind), lateness (flag) and industry, with
	 * the amounts declared. */
	int (*stats_filings)(struct store *s, store_stats_cb cb, void *ud);
	/* Applications now, drafts left out, per state (key), holder class
	 * (flag) and industry; day is 0. */
	int (*stats_register)(struct store *s, store_stats_cb cb, void *ud);
	/* The id of the newest event (0 when there is none): every act that
	 * the statistics count adds one, so while it stands they stand. */
	int (*event_last)(struct store *s, int64_t *id);

	/* Several servers on one database (DESIGN.md §7).  Takes the lock
	 * called name ("scheduler", "sequencer", ...) until the open
	 * transaction ends.  wait = 1 waits for it; wait = 0 returns at once,
	 * *got = 0 when another connection holds it.  PostgreSQL: a
	 * transaction-scoped advisory lock, released by commit, rollback or
	 * the connection's end, so a server that dies hands it on; taking it
	 * again in the same transaction is a no-op.  "sequencer" is the lock
	 * a write transaction also takes by reading the log's head (size,
	 * latest checkpoint).  SQLite: a write transaction already excludes
	 * every other, so *got = 1.  DIP_ESTATE outside a transaction. */
	int (*tx_lock)(struct store *s, const char *name, int wait, int *got);

	/* Whole tables, for dipreg migrate.  table_export calls cb with every
	 * row of t in key order, one row in memory at a time, each valid only
	 * during the call; it runs in the caller's transaction (a read
	 * transaction sees one snapshot), one export at a time on a store.  table_import inserts nrows rows
	 * (nrows * strlen(t->types) values, row after row) as they are, ids
	 * included, in the caller's write transaction; later inserts number
	 * their rows after the largest id imported.  DIP_ECONFLICT when a key
	 * is taken. */
	int (*table_export)(struct store *s, const struct store_table *t, store_row_cb cb, void *ud);
	int (*table_import)(struct store *s, const struct store_table *t,
			    const struct store_value *rows, size_t nrows);
	int (*table_count)(struct store *s, const struct store_table *t, int64_t *n);

	/* The search index (see struct search_doc).  search_put replaces the
	 * application's document, if any; search_delete removes it (0 also
	 * when there was none).  Both keep the precomputed counts. */
	int (*search_put)(struct store *s, const struct search_doc *d);
	int (*search_delete)(struct store *s, int64_t app_id);
	/* Keys of the documents m matches, in key order, into keys (room for
	 * m->limit, at most SEARCH_MAX_KEYS); *n gets their number. */
	int (*search_match)(struct store *s, const struct search_match *m, int64_t *keys, int *n);
	/* The documents m matches, in key order, each passed to cb (body NULL
	 * unless with_body). */
	int (*search_match_docs)(struct store *s, const struct search_match *m, int with_body,
				 store_search_cb cb, void *ud);
	/* Keys of the documents m (with a query) matches, as search_match,
	 * each with the phrases of m->q it holds in its name (in_name) and in
	 * its holders' names (in_holder): bit i for the i-th phrase of
	 * qry_phrases, as rank_find reports them from the text.  *n is -1
	 * when the index cannot tell for this query (nothing else is then
	 * filled); the caller reads the documents instead. */
	int (*search_match_phrases)(struct store *s, const struct search_match *m, int64_t *keys,
				    uint64_t *in_name, uint64_t *in_holder, int *n);
	/* The documents of n keys (those that exist), in no particular order;
	 * with_body 0 leaves body NULL. */
	int (*search_docs)(struct store *s, const int64_t *keys, int n, int with_body,
			   store_search_cb cb, void *ud);
	/* Keys of the documents whose certificate number (field 'c'),
	 * registration number ('r') or fingerprint ('f') is value, newest
	 * first, up to max. */
	int (*search_lookup)(struct store *s, char field, const char *value, int64_t *keys, int max,
			     int *n);
	/* The precomputed counts, every dimension but SEARCH_DIM_DAY. */
	int (*search_stats)(struct store *s, store_stat_cb cb, void *ud);
	/* Documents whose day is in [from, to], from the precomputed counts. */
	int (*search_day_count)(struct store *s, dip_day from, dip_day to, int64_t *n);
	/* Empties the index, for a rebuild. */
	int (*search_clear)(struct store *s);
	/* Puts the index in its best shape for reading, after a rebuild (in
	 * a write transaction of its own): SQLite merges FTS5's segments into
	 * one, PostgreSQL gathers the planner's statistics. */
	int (*search_optimize)(struct store *s);
	/* The index's generation (SEARCH_GENERATION_DIM); 0 before any change. */
	int (*search_generation)(struct store *s, int64_t *gen);
	/* The stamp of application id in one indexed read: it changes with
	 * every update of the application or of one of its objections, and
	 * next_due says when the scheduler may next change it.  DIP_ENOTFOUND. */
	int (*app_stamp)(struct store *s, int64_t id, struct app_stamp *out);
	/* A number that changes whenever any connection of this process's
	 * group (see store_group below) commits a change; 0 when the backend
	 * cannot tell, and then only the database knows what changed. */
	uint64_t (*generation)(struct store *s);

	/* Batched commit (see "Batched commit" at the end); no-ops for a
	 * backend whose commits are durable by themselves. */
	void (*batch_allow)(struct store *s, int on);
	int (*batch_size)(struct store *s);
	int (*batch_commit)(struct store *s);
	int (*batch_try)(struct store *s);
};

/* Opens the store that url names: a file path or "sqlite:PATH" for
 * SQLite, "postgresql://..." or "postgres://..." for PostgreSQL.
 * Migrations are applied.  On failure returns NULL and fills e. */
struct store *store_open(const char *url, struct dip_error *e);
struct store *store_open_sqlite(const char *path, struct dip_error *e);
/* For store.c: a SQLite connection of group g (may be NULL), a SQLite group. */
struct store *store__open_sqlite(const char *path, struct store_group *g, struct dip_error *e);
struct store_group *store__group_new_sqlite(void);
struct store *store_open_pg(const char *conninfo, struct dip_error *e);
void store_close(struct store *s);

/* Bytes of an SQLite database that connections opened from now on read
 * through a memory map (0, the default: none).  Thread-safe. */
void store_sqlite_set_mmap(int64_t bytes);
/* Bytes of page cache for each reading connection of a store group (the
 * server threads'); 0 leaves SQLite's default. */
void store_sqlite_set_cache(int64_t bytes);

/* An online, consistent copy of an SQLite registry into a new file
 * (refuses to overwrite).  0, DIP_ECONFLICT, DIP_EDB, DIP_EIO. */
int store_sqlite_backup(const char *src_path, const char *dst_path, struct dip_error *e);
/* SQLite's integrity check: 0, or DIP_EDB naming the damage. */
int store_sqlite_check(const char *path, struct dip_error *e);

void checkpoint_row_release(struct checkpoint_row *c);

/*
 * Group commit: many transactions made durable by one sync of the log.
 *
 * The connections of a store_group commit without waiting for the disk
 * (SQLite: synchronous=NORMAL in WAL mode): commit() returns once the
 * transaction is in the write-ahead log and visible to others, but perhaps
 * not yet on disk.  A commit that changed something first reserves a
 * ticket, in commit order; store_group_sync() makes every commit so far
 * durable with one fdatasync of the log and returns the highest ticket now
 * on disk.  So whoever acknowledges a write, or shows data that another
 * transaction may have written, waits until the durable ticket reaches
 * store_group_reserved() as read when the answer is ready: nothing is
 * acknowledged before it is on disk, and a crash loses only transactions
 * nobody was told about.
 *
 * store_group_new returns NULL for a backend whose commits are durable by
 * themselves (PostgreSQL); store_open_grouped with a NULL group is
 * store_open.  The group outlives its connections.  Thread-safe.
 */
struct store_group;

struct store_group *store_group_new(const char *url);
void store_group_free(struct store_group *g);
struct store *store_open_grouped(const char *url, struct store_group *g, struct dip_error *e);
/* Tickets handed out so far; the durable ticket; both only grow. */
uint64_t store_group_reserved(struct store_group *g);
uint64_t store_group_durable(struct store_group *g);
/* One fdatasync for every commit completed so far; *durable (may be NULL)
 * gets the durable ticket.  0, or DIP_EIO naming the log file (then
 * nothing more may be acknowledged: the kernel may have dropped what it
 * could not write). */
int store_group_sync(struct store_group *g, uint64_t *durable, struct dip_error *e);
/* The connections of a group leave checkpoints (copying the log into the
 * database) to this, run by a thread of its own when the log has grown
 * past min_bytes.  0, or DIP_EIO (busy readers are not an error). */
int store_group_checkpoint(struct store_group *g, int64_t min_bytes, struct dip_error *e);
/* The highest ticket whose commit is complete: what a sync now covers. */
uint64_t store_group_committed(struct store_group *g);
/* fn(arg) is called after each commit of the group that a sync could now
 * cover (and when a lost batch's ticket is marked done), by the thread
 * that committed, holding the write lock: it must be quick.  Set it
 * before the group's connections write, and to NULL before they close. */
void store_group_on_commit(struct store_group *g, void (*fn)(void *arg), void *arg);

/*
 * Changes announced (PostgreSQL).  Every write transaction that changed
 * rows notifies STORE_PG_CHANNEL with its commit, whoever runs it (a
 * server, "dipreg tick", an import).  After store_watch_start(url) the
 * process listens on a connection of its own (watch_pg.c), and the
 * generation() of its connections to that database moves with every
 * commit of any process, seen when its notification arrives: an answer
 * checked at a generation stands while the generation does.  While the
 * listening connection is down the generation is 0 (ask the database).
 * No-ops for SQLite, whose group generation counts the process's own
 * commits.  One database per process; thread-safe.
 */
#define STORE_PG_CHANNEL "dipreg_changes"

int store_watch_start(const char *url, struct dip_error *e);
void store_watch_stop(void);
/* 1 while the process listens, 0 while its listening connection is down,
 * -1 when it does not watch (not started, or SQLite). */
int store_watch_listening(void);
/* For store.c and store_pg.c (watch_pg.c). */
int store__pg_watch_start(const char *url, struct dip_error *e);
void store__pg_watch_stop(void);
int store__pg_watch_listening(void);
uint64_t store__pg_watch_gen(void);
void store__pg_watch_bump(void);

/*
 * Batched commit: the transactions of many requests in one.
 *
 * While batch_allow(s, 1) is in force on a connection of a group,
 * a write transaction that finds no batch open opens one: it takes the
 * write lock and begins a database transaction that stays open after its
 * commit().  Every transaction begun on s from then on, whether batching
 * is still allowed or not, is a savepoint in it: commit() keeps its
 * changes in the batch, rollback() undoes its own changes only.  The
 * first change takes the batch's ticket, so an answer that saw it waits
 * for the batch to be committed and synced.  batch_commit() commits
 * the batch and lets the write lock go; until then other connections
 * neither write nor see its changes.  The pages that a stream of similar
 * transactions all touch (the ends of the tables and indexes they append
 * to) are then written to the log once per batch instead of once per
 * transaction.
 *
 * batch_try() opens a batch on s when none is open and the write lock is
 * free: 1 when s has a batch open now (or the backend needs none), 0 when
 * another connection holds the lock (the caller may come back later
 * rather than wait).  batch_size() is the number of transactions in the
 * open batch (0: none).  batch_commit() returns 0 when the batch was committed or
 * none was open, DIP_EDB when it was lost, whether SQLite ended it after
 * an error (a full disk) or its commit failed: then nothing of it was
 * stored, and whatever was answered from it must be taken back.  Until
 * then a lost batch counts in batch_size(), and a write transaction that
 * batching would let join it fails with DIP_EBUSY rather than commit on
 * its own, since its answer is taken back with the batch's.  No-ops for a
 * backend without groups.
 */

#endif
