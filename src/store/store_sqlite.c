/*
 * store_sqlite.c - the embedded SQLite backend of the store interface.
 *
 * One struct store wraps one sqlite3 connection in WAL mode with foreign
 * keys on and synchronous=FULL, so that a commit is on disk before the
 * service acknowledges it.  Statements are prepared once per connection
 * and kept in a small cache keyed by their SQL text's address (every SQL
 * string here is a static literal).  Write transactions start with BEGIN
 * IMMEDIATE: the write lock is taken at the start, so two writers never
 * deadlock half way and the loser of a race waits (busy timeout) instead
 * of failing.  Versioned updates ("... WHERE id = ? AND version = ?") turn
 * a lost race between two examiners into DIP_ECONFLICT.
 */
#include "store/store.h"
#include "domain/query.h"
#include "store/fts5_tokenizer.h"
#include "util/res.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STMT_CACHE 128

struct sq {
	sqlite3 *db;
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[STMT_CACHE];
	int ncache;
	int in_tx;
	int64_t ledger_next;     /* next log index in this write transaction; -1: ask */
	struct store_group *group; /* group commit, or NULL: every commit synced */
	sqlite3_int64 changes;   /* total changes when the transaction began */
	int holds_write;         /* holds group->write_mu */
	struct sq *home;         /* itself; the group's writer: its borrower's */
	/* Batched commit (store.h): while batch is set, one SQLite transaction
	 * is open and every begin() is a savepoint in it. */
	int batch_allowed;       /* a write transaction may open a batch */
	int batch;               /* a batch is open */
	int batch_n;             /* transactions ended in it */
	int batch_lost;          /* it ended without its changes, not yet reported */
	char batch_why[128];     /* SQLite's word for what ended it */
	uint64_t batch_ticket;   /* its ticket, taken at its first change; 0: none */
};


/* Group commit (store.h).  Writers are serialised by SQLite's write lock,
 * so tickets are reserved in commit order; committed is the highest ticket
 * whose COMMIT returned, which is what a sync can cover. */
struct store_group {
	pthread_mutex_t mu;       /* one sync at a time; guards the fields below */
	char wal[4200];           /* the database's write-ahead log */
	int fd;                   /* open on wal, or -1 */
	_Atomic uint64_t reserved, committed, durable;
	pthread_mutex_t ckpt_mu;  /* guards ckpt */
	sqlite3 *ckpt;            /* the checkpointer's own connection */
	/* Writers queue here rather than in SQLite's busy handler, which
	 * sleeps in steps of milliseconds while a commit takes far less. */
	pthread_mutex_t write_mu;
	struct sq *writer;        /* the connection that writes (take_write) */
	_Atomic int wal_frames;   /* in the log after the writer's last commit */
	void (*on_commit)(void *arg); /* store_group_on_commit */
	void *on_commit_arg;
};

#define DB(s) (((struct sq *)(s)->impl)->db)

static int fail_db(struct store *s, int rc, const char *what)
{
	sqlite3 *db = DB(s);
	int code = DIP_EDB;

	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		code = DIP_EBUSY;
	else if ((rc & 0xff) == SQLITE_CONSTRAINT)
		code = DIP_ECONFLICT;
	else if (rc == SQLITE_FULL)
		code = DIP_EIO;
	return dip_fail(&s->err, code, "", "database: %s: %s", what, sqlite3_errmsg(db));
}

/* The cached statement for sql, reset and unbound.  NULL on failure with
 * s->err set. */
static sqlite3_stmt *stmt(struct store *s, const char *sql)
{
	struct sq *q = s->impl;
	sqlite3_stmt *st;
	int i, rc;

	for (i = 0; i < q->ncache; i++)
		if (q->cache[i].sql == sql) {
			sqlite3_reset(q->cache[i].st);
			sqlite3_clear_bindings(q->cache[i].st);
			return q->cache[i].st;
		}
	rc = sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		fail_db(s, rc, "prepare");
		return NULL;
	}
	if (q->ncache < STMT_CACHE) {
		q->cache[q->ncache].sql = sql;
		q->cache[q->ncache].st = st;
		q->ncache++;
	} else {
		/* Cache full: should not happen with static SQL; keep working. */
		sqlite3_finalize(q->cache[0].st);
		q->cache[0].sql = sql;
		q->cache[0].st = st;
	}
	return st;
}

/*
 * Binds arguments by a format string, one letter an argument:
 *   i int64_t   d int   t const char * (NULL binds NULL)   b const void *, size_t
 */
static int vbind(struct store *s, sqlite3_stmt *st, const char *fmt, va_list ap)
{
	int i, rc = SQLITE_OK;
	const char *t;
	const void *p;
	size_t n;

	for (i = 1; *fmt && rc == SQLITE_OK; fmt++, i++) {
		switch (*fmt) {
		case 'i':
			rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = sqlite3_bind_int(st, i, va_arg(ap, int));
			break;
		case 't':
			t = va_arg(ap, const char *);
			rc = t ? sqlite3_bind_text(st, i, t, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
			break;
		case 'b':
			p = va_arg(ap, const void *);
			n = va_arg(ap, size_t);
			rc = sqlite3_bind_blob64(st, i, p, n, SQLITE_STATIC);
			break;
		}
	}
	return rc == SQLITE_OK ? 0 : fail_db(s, rc, "bind");
}

/* Prepares, binds and returns the statement ready to step; NULL on error. */
static sqlite3_stmt *run(struct store *s, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = stmt(s, sql);
	va_list ap;
	int rc;

	if (st == NULL)
		return NULL;
	va_start(ap, fmt);
	rc = vbind(s, st, fmt, ap);
	va_end(ap);
	return rc ? NULL : st;
}

/* Runs a statement that returns no rows.  *changes gets the row count. */
static int exec_changes(struct store *s, int *changes, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = stmt(s, sql);
	va_list ap;
	int rc;

	if (st == NULL)
		return s->err.code;
	va_start(ap, fmt);
	rc = vbind(s, st, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return fail_db(s, rc, "write");
	if (changes)
		*changes = sqlite3_changes(DB(s));
	return 0;
}

#define exec(s, ...) exec_changes((s), NULL, __VA_ARGS__)

/* Steps once: 1 for a row, 0 for none, negative on error. */
static int step_row(struct store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return fail_db(s, rc, "read");
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t n)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t len = t ? (size_t)sqlite3_column_bytes(st, i) : 0;

	/* Cut to fit, as snprintf would. */
	if (len >= n)
		len = n - 1;
	if (len)
		memcpy(out, t, len);
	out[len] = '\0';
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? strdup((const char *)t) : NULL;
}

static int64_t col_i(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

static int not_found(struct store *s, const char *what)
{
	return dip_fail(&s->err, DIP_ENOTFOUND, "", "%s not found", what);
}

/* ---- transactions ---------------------------------------------------- */

/*
 * The connections of a group write through one more connection of the
 * group's own, its writer: a write transaction takes the write lock and
 * lends s the writer (s->impl) until it ends.  SQLite drops a
 * connection's whole page cache whenever another connection has written,
 * so writers taking turns on their own connections would each start from
 * a cold cache; the one writer's cache stays warm.  Reads stay on each
 * thread's own connection.
 */
/* With the write lock just taken: s borrows the writer. */
static void lend_writer(struct store *s)
{
	struct sq *q = s->impl;
	struct sq *w = q->group->writer;

	if (w) {
		w->home = q;
		s->impl = w;
		q = w;
	}
	q->holds_write = 1;
}

static void take_write(struct store *s)
{
	pthread_mutex_lock(&((struct sq *)s->impl)->group->write_mu);
	lend_writer(s);
}

static void release_write(struct store *s)
{
	struct sq *q = s->impl;

	if (q->holds_write) {
		q->holds_write = 0;
		s->impl = q->home;
		pthread_mutex_unlock(&q->group->write_mu);
	}
}

static void batch_lose(struct store *s);

/* The writer's batch is over, committed or not: s lets the writer go. */
static void end_batch(struct store *s)
{
	struct sq *q = s->impl;

	q->batch = 0;
	q->batch_ticket = 0;
	q->in_tx = 0;
	q->ledger_next = -1;
	release_write(s);
}

/* Opens a batch on the writer that s holds; on failure lets it go. */
static int open_batch(struct store *s)
{
	struct sq *q = s->impl;

	if (exec(s, "BEGIN IMMEDIATE", "") != 0) {
		release_write(s);
		return s->err.code;
	}
	q->batch = 1;
	q->batch_n = 0;
	q->batch_ticket = 0;
	return 0;
}

static int sq_begin(struct store *s, int write)
{
	struct sq *q = s->impl;
	struct sq *home = q->home;
	int rc;

	if (q->in_tx)
		return dip_fail(&s->err, DIP_EDB, "", "database: transaction already open");
	/* SQLite rolls back the whole transaction by itself after some
	 * errors (a full disk, an I/O error): then the batch is gone. */
	if (q->batch && sqlite3_get_autocommit(q->db)) {
		batch_lose(s);
		q = s->impl;
	}
	/* A write that would have joined the lost batch must not commit on
	 * its own before the loss is reported: its answer is taken back with
	 * the batch's (store.h). */
	if (write && home->batch_allowed && home->batch_lost)
		return dip_fail(&s->err, DIP_EBUSY, "",
				"database: the batch this transaction would join was lost; try again");
	if (write && home->batch_allowed && !q->batch) {
		take_write(s);
		if (open_batch(s) != 0)
			return s->err.code;
		q = s->impl;
	}
	if (q->batch) {
		rc = exec(s, "SAVEPOINT txn", "");
	} else {
		if (write && q->group) {
			take_write(s);
			q = s->impl;
		}
		rc = exec(s, write ? "BEGIN IMMEDIATE" : "BEGIN", "");
		if (rc)
			release_write(s);
	}
	if (rc == 0)
		q->in_tx = 1;
	q->ledger_next = -1;
	q->changes = sqlite3_total_changes64(q->db);
	return rc;
}

/* Resets every cached statement still stepping, so that no read snapshot
 * outlives the transaction that took it. */
static void reset_all(struct store *s)
{
	struct sq *q = s->impl;
	int i;

	for (i = 0; i < q->ncache; i++)
		if (sqlite3_stmt_busy(q->cache[i].st))
			sqlite3_reset(q->cache[i].st);
}

static void group_committed(struct store_group *g, uint64_t t)
{
	uint64_t c = atomic_load(&g->committed);

	while (c < t && !atomic_compare_exchange_weak(&g->committed, &c, t))
		;
	if (g->on_commit)
		g->on_commit(g->on_commit_arg);
}

/* A ticket for a commit about to show its changes to other transactions. */
static uint64_t reserve_ticket(struct sq *q)
{
	return atomic_fetch_add(&q->group->reserved, 1) + 1;
}

static void sq_rollback(struct store *s);

static int sq_commit(struct store *s)
{
	struct sq *q = s->impl;
	uint64_t ticket = 0;
	int rc;

	reset_all(s);
	if (q->batch) {
		/* The next transactions of the batch see these changes at
		 * once, other connections after the batch's commit: whoever
		 * answers from them waits for the batch's ticket. */
		if (q->batch_ticket == 0 && sqlite3_total_changes64(q->db) != q->changes)
			q->batch_ticket = reserve_ticket(q);
		rc = exec(s, "RELEASE txn", "");
		if (rc) {
			sq_rollback(s);
			return rc;
		}
		q->in_tx = 0;
		q->batch_n++;
		return 0;
	}

	/* The ticket is taken before the changes become visible, so that no
	 * reader can see them without waiting for it. */
	if (q->group && sqlite3_total_changes64(q->db) != q->changes)
		ticket = reserve_ticket(q);
	rc = exec(s, "COMMIT", "");
	if (ticket)
		group_committed(q->group, ticket);
	q->ledger_next = -1;
	if (rc)
		exec(s, "ROLLBACK", "");
	q->in_tx = 0;
	release_write(s);
	return rc;
}

static void sq_rollback(struct store *s)
{
	struct sq *q = s->impl;

	reset_all(s);
	if (q->batch && q->in_tx && !sqlite3_get_autocommit(q->db)) {
		/* Undoes this transaction only; the batch goes on, unless
		 * nothing is left in it to commit. */
		if (exec(s, "ROLLBACK TO txn", "") != 0 || exec(s, "RELEASE txn", "") != 0) {
			batch_lose(s);
		} else if (q->batch_n == 0) {
			exec(s, "ROLLBACK", "");
			end_batch(s);
		}
	} else if (q->batch) {
		if (q->in_tx)
			batch_lose(s);
	} else {
		if (q->in_tx && !sqlite3_get_autocommit(q->db))
			exec(s, "ROLLBACK", "");
		q->in_tx = 0;
		release_write(s);
	}
	q = s->impl;
	q->in_tx = 0;
	q->ledger_next = -1;
}

/* The batch's transaction ended without its changes.  Its ticket is
 * marked done, since nothing of it is left to sync, so that nobody waits
 * for it; batch_commit reports the loss. */
static void batch_lose(struct store *s)
{
	struct sq *q = s->impl;
	int rc = sqlite3_errcode(q->db);

	/* The operator needs the cause (a full disk, an I/O error), which
	 * the rollback below would overwrite. */
	if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		snprintf(q->home->batch_why, sizeof(q->home->batch_why), "%s", sqlite3_errmsg(q->db));
	else
		snprintf(q->home->batch_why, sizeof(q->home->batch_why), "ended by an earlier error");
	if (!sqlite3_get_autocommit(q->db))
		exec(s, "ROLLBACK", "");
	if (q->batch_ticket)
		group_committed(q->group, q->batch_ticket);
	q->home->batch_lost = 1;
	end_batch(s);
}

static void sq_batch_allow(struct store *s, int on)
{
	struct sq *q = s->impl;

	q->home->batch_allowed = on && q->group != NULL;
}

static int sq_batch_size(struct store *s)
{
	struct sq *q = s->impl;

	/* An open batch holds the write lock: never 0, so that it is
	 * committed. */
	if (q->batch)
		return q->batch_n + q->in_tx > 0 ? q->batch_n + q->in_tx : 1;
	return q->batch_lost;
}

static int sq_batch_try(struct store *s)
{
	struct sq *q = s->impl;

	if (q->batch || q->group == NULL || q->in_tx || q->home->batch_lost)
		return 1;
	if (pthread_mutex_trylock(&q->group->write_mu) != 0)
		return 0;
	lend_writer(s);
	/* A failure shows again, to the request, at its begin(). */
	open_batch(s);
	return 1;
}

static int sq_batch_commit(struct store *s)
{
	struct sq *q = s->impl;
	uint64_t ticket;
	int n = q->batch_n;

	if (q->in_tx)
		return dip_fail(&s->err, DIP_EDB, "", "database: a transaction is open");
	if (q->batch && sqlite3_get_autocommit(q->db))
		batch_lose(s);
	q = s->impl;
	if (q->batch) {
		reset_all(s);
		ticket = q->batch_ticket;
		if (exec(s, "COMMIT", "") != 0) {
			batch_lose(s);
		} else {
			if (ticket)
				group_committed(q->group, ticket);
			end_batch(s);
		}
	}
	q = s->impl;
	if (q->batch_lost) {
		q->batch_lost = 0;
		return dip_fail(&s->err, DIP_EDB, "", "database: a batch of %d transactions was lost: %s",
				n, q->batch_why);
	}
	return 0;
}

/* ---- settings, counters ------------------------------------------------ */

static int sq_setting_get(struct store *s, const char *key, struct dbuf *out)
{
	sqlite3_stmt *st = run(s, "SELECT value FROM settings WHERE key = ?", "t", key);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0) {
		sqlite3_reset(st);
		return rc < 0 ? rc : not_found(s, "setting");
	}
	dbuf_reset(out);
	rc = dbuf_adds(out, (const char *)sqlite3_column_text(st, 0));
	/* A statement left on its row keeps its read snapshot past the
	 * transaction's end: the connection would not see later commits. */
	sqlite3_reset(st);
	return rc;
}

static int sq_setting_put(struct store *s, const char *key, const char *value)
{
	return exec(s, "INSERT INTO settings(key, value) VALUES (?, ?) "
		    "ON CONFLICT(key) DO UPDATE SET value = excluded.value", "tt", key, value);
}

static int sq_counter_next(struct store *s, const char *name, int64_t *out)
{
	sqlite3_stmt *st = run(s, "INSERT INTO counters(name, value) VALUES (?, 1) "
			       "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
			       "t", name);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : fail_db(s, SQLITE_ERROR, "counter");
	*out = col_i(st, 0);
	sqlite3_reset(st);
	return 0;
}

/* ---- accounts ------------------------------------------------------------ */

#define ACCOUNT_COLS "id, login, display_name, kind, id_number, roles, pw_hash, email, phone, " \
		     "disabled, created_at"

static void read_account(sqlite3_stmt *st, struct account *a)
{
	memset(a, 0, sizeof(*a));
	a->id = col_i(st, 0);
	col_text(st, 1, a->login, sizeof(a->login));
	col_text(st, 2, a->display_name, sizeof(a->display_name));
	a->kind = (enum party_kind)col_i(st, 3);
	col_text(st, 4, a->id_number, sizeof(a->id_number));
	a->roles = (unsigned)col_i(st, 5);
	col_text(st, 6, a->pw_hash, sizeof(a->pw_hash));
	col_text(st, 7, a->email, sizeof(a->email));
	col_text(st, 8, a->phone, sizeof(a->phone));
	a->disabled = (int)col_i(st, 9);
	a->created_at = col_i(st, 10);
}

static int sq_account_insert(struct store *s, struct account *a)
{
	int rc = exec(s, "INSERT INTO accounts(login, display_name, kind, id_number, roles, pw_hash, "
		      "email, phone, disabled, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
		      "ttdtitttdi", a->login, a->display_name, (int)a->kind, a->id_number,
		      (int64_t)a->roles, a->pw_hash, a->email, a->phone, a->disabled,
		      (int64_t)a->created_at);

	if (rc == DIP_ECONFLICT)
		return dip_fail(&s->err, rc, "login", "login: \"%s\" is taken", a->login);
	if (rc == 0)
		a->id = sqlite3_last_insert_rowid(DB(s));
	return rc;
}

static int get_account(struct store *s, sqlite3_stmt *st, struct account *a)
{
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "account");
	read_account(st, a);
	sqlite3_reset(st);
	return 0;
}

static int sq_account_get(struct store *s, int64_t id, struct account *a)
{
	return get_account(s, run(s, "SELECT " ACCOUNT_COLS " FROM accounts WHERE id = ?", "i", id), a);
}

static int sq_account_by_login(struct store *s, const char *login, struct account *a)
{
	return get_account(s, run(s, "SELECT " ACCOUNT_COLS " FROM accounts WHERE login = ?", "t",
				  login), a);
}

static int sq_account_update(struct store *s, const struct account *a)
{
	int n = 0, rc = exec_changes(s, &n, "UPDATE accounts SET display_name = ?, kind = ?, "
				     "id_number = ?, roles = ?, pw_hash = ?, email = ?, phone = ?, "
				     "disabled = ? WHERE id = ?", "tdtitttdi", a->display_name,
				     (int)a->kind, a->id_number, (int64_t)a->roles, a->pw_hash,
				     a->email, a->phone, a->disabled, a->id);

	return rc ? rc : n ? 0 : not_found(s, "account");
}

static int sq_account_list(struct store *s, int64_t after_id, int limit, store_account_cb cb,
			   void *ud)
{
	sqlite3_stmt *st = run(s, "SELECT " ACCOUNT_COLS " FROM accounts WHERE id > ? ORDER BY id "
			       "LIMIT ?", "id", after_id, limit > 0 ? limit : 100);
	struct account a;
	int rc;

	if (st == NULL)
		return s->err.code;
	while ((rc = step_row(s, st)) == 1) {
		read_account(st, &a);
		rc = cb(ud, &a);
		if (rc)
			break;
	}
	sqlite3_reset(st);
	return rc;
}

static int count_query(struct store *s, sqlite3_stmt *st, int64_t *n)
{
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc < 0)
		return rc;
	*n = rc ? col_i(st, 0) : 0;
	sqlite3_reset(st);
	return 0;
}

static int sq_account_count(struct store *s, int64_t *n)
{
	return count_query(s, run(s, "SELECT count(*) FROM accounts", ""), n);
}

/* ---- sessions, login failures, agencies ---------------------------------- */

static int sq_session_insert(struct store *s, const struct session_row *r)
{
	return exec(s, "INSERT INTO sessions(token_hash, account_id, csrf, created_at, expires_at, "
		    "api_token, label) VALUES (?,?,?,?,?,?,?)", "titiidt", r->token_hash,
		    r->account_id, r->csrf, (int64_t)r->created_at, (int64_t)r->expires_at,
		    r->api_token, r->label);
}

static int sq_session_get(struct store *s, const char *token_hash, struct session_row *r)
{
	sqlite3_stmt *st = run(s, "SELECT token_hash, account_id, csrf, created_at, expires_at, "
			       "api_token, label FROM sessions WHERE token_hash = ?", "t", token_hash);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "session");
	memset(r, 0, sizeof(*r));
	col_text(st, 0, r->token_hash, sizeof(r->token_hash));
	r->account_id = col_i(st, 1);
	col_text(st, 2, r->csrf, sizeof(r->csrf));
	r->created_at = col_i(st, 3);
	r->expires_at = col_i(st, 4);
	r->api_token = (int)col_i(st, 5);
	col_text(st, 6, r->label, sizeof(r->label));
	sqlite3_reset(st);
	return 0;
}

static int sq_session_delete(struct store *s, const char *token_hash)
{
	return exec(s, "DELETE FROM sessions WHERE token_hash = ?", "t", token_hash);
}

static int sq_session_delete_account(struct store *s, int64_t account_id)
{
	return exec(s, "DELETE FROM sessions WHERE account_id = ?", "i", account_id);
}

static int sq_login_fail_add(struct store *s, const char *key, dip_time at)
{
	int rc = exec(s, "INSERT INTO login_failures(key, at) VALUES (?, ?)", "ti", key, (int64_t)at);

	/* Old failures no longer count; keep the table small. */
	if (rc == 0)
		rc = exec(s, "DELETE FROM login_failures WHERE at < ?", "i", (int64_t)at - 86400);
	return rc;
}

static int sq_login_fail_count(struct store *s, const char *key, dip_time since, int64_t *n)
{
	return count_query(s, run(s, "SELECT count(*) FROM login_failures WHERE key = ? AND at >= ?",
				  "ti", key, (int64_t)since), n);
}

static int sq_agency_put(struct store *s, int64_t agent_id, int64_t principal_id,
			 const char *poa, dip_time confirmed_at, dip_time revoked_at)
{
	return exec(s, "INSERT INTO agencies(agent_id, principal_id, poa_sha256, confirmed_at, "
		    "revoked_at) VALUES (?,?,?,?,?) ON CONFLICT(agent_id, principal_id) DO UPDATE "
		    "SET poa_sha256 = excluded.poa_sha256, confirmed_at = excluded.confirmed_at, "
		    "revoked_at = excluded.revoked_at", "iitii", agent_id, principal_id, poa,
		    (int64_t)confirmed_at, (int64_t)revoked_at);
}

static int sq_agency_get(struct store *s, int64_t agent_id, int64_t principal_id, char poa[65],
			 dip_time *confirmed_at, dip_time *revoked_at)
{
	sqlite3_stmt *st = run(s, "SELECT poa_sha256, confirmed_at, revoked_at FROM agencies "
			       "WHERE agent_id = ? AND principal_id = ?", "ii", agent_id, principal_id);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "power of attorney");
	col_text(st, 0, poa, 65);
	*confirmed_at = col_i(st, 1);
	*revoked_at = col_i(st, 2);
	sqlite3_reset(st);
	return 0;
}

/* ---- applications ---------------------------------------------------------- */

#define APP_COLS "id, version, state, created_by, agent_id, content, name, industry, fingerprint, " \
		 "reg_no, cert_no, cert_version, created_at, submitted_at, published_at, " \
		 "registered_at, closed_at, reg_day, valid_from, valid_until, corrections, flags, " \
		 "related_id, refusal, close_reason, withdraw_reason"

static void read_app(sqlite3_stmt *st, struct application *a, int with_content)
{
	memset(a, 0, sizeof(*a));
	a->id = col_i(st, 0);
	a->version = col_i(st, 1);
	a->state = (enum app_state)col_i(st, 2);
	a->created_by = col_i(st, 3);
	a->agent_id = col_i(st, 4);
	a->content = with_content ? col_dup(st, 5) : NULL;
	col_text(st, 6, a->name, sizeof(a->name));
	col_text(st, 7, a->industry, sizeof(a->industry));
	col_text(st, 8, a->fingerprint, sizeof(a->fingerprint));
	col_text(st, 9, a->reg_no, sizeof(a->reg_no));
	col_text(st, 10, a->cert_no, sizeof(a->cert_no));
	a->cert_version = (int)col_i(st, 11);
	a->created_at = col_i(st, 12);
	a->submitted_at = col_i(st, 13);
	a->published_at = col_i(st, 14);
	a->registered_at = col_i(st, 15);
	a->closed_at = col_i(st, 16);
	a->reg_day = (dip_day)col_i(st, 17);
	a->valid_from = (dip_day)col_i(st, 18);
	a->valid_until = (dip_day)col_i(st, 19);
	a->corrections = (int)col_i(st, 20);
	a->flags = (unsigned)col_i(st, 21);
	a->related_id = col_i(st, 22);
	a->refusal = (unsigned)col_i(st, 23);
	a->close_reason = (enum close_reason)col_i(st, 24);
	a->withdraw_reason = with_content ? col_dup(st, 25) : NULL;
}

/* A row written by an INSERT or UPDATE whose parameters bind() binds. */
typedef int (*bind_fn)(struct store *s, sqlite3_stmt *st, const void *row);

/* Runs the INSERT or UPDATE sql (verb) with row bound, and id as parameter
 * id_param when that is not 0.  what names the row in errors. */
static int write_row(struct store *s, const char *sql, bind_fn bind, const void *row,
		     int id_param, int64_t id, const char *verb, const char *what)
{
	sqlite3_stmt *st = stmt(s, sql);
	char msg[64];
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = bind(s, st, row);
	if (rc)
		return rc;
	if (id_param)
		sqlite3_bind_int64(st, id_param, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		snprintf(msg, sizeof(msg), "%s %s", verb, what);
		return fail_db(s, rc, msg);
	}
	return 0;
}

/* Inserts row with sql; *id gets the new row's id. */
static int insert_row(struct store *s, const char *sql, bind_fn bind, const void *row,
		      const char *what, int64_t *id)
{
	int rc = write_row(s, sql, bind, row, 0, 0, "insert", what);

	if (rc == 0)
		*id = sqlite3_last_insert_rowid(DB(s));
	return rc;
}

/* Updates row id from version *version to the next (sql binds id as
 * parameter id_param and matches the version it was read at): a row that
 * someone else changed meanwhile is DIP_ECONFLICT and stays as they left
 * it. */
static int update_row(struct store *s, const char *sql, bind_fn bind, const void *row,
		      int id_param, int64_t id, const char *what, int64_t *version)
{
	int rc = write_row(s, sql, bind, row, id_param, id, "update", what);

	if (rc)
		return rc;
	if (sqlite3_changes(DB(s)) == 0)
		return dip_fail(&s->err, DIP_ECONFLICT, "",
				"%s %lld was changed by someone else meanwhile; reload and try again",
				what, (long long)id);
	(*version)++;
	return 0;
}

/* Binds the 25 stored fields of an application in APP_COLS order (without
 * id) from parameter 1. */
static int bind_app(struct store *s, sqlite3_stmt *st, const void *row)
{
	const struct application *a = row;
	int i = 1, rc = 0;

#define BI(v) rc = rc ? rc : sqlite3_bind_int64(st, i++, (int64_t)(v))
#define BT(v) rc = rc ? rc : ((v) ? sqlite3_bind_text(st, i++, (v), -1, SQLITE_STATIC) \
				  : sqlite3_bind_null(st, i++))
	BI(a->version);
	BI(a->state);
	BI(a->created_by);
	BI(a->agent_id);
	BT(a->content ? a->content : "{}");
	BT(a->name);
	BT(a->industry);
	BT(a->fingerprint);
	BT(a->reg_no);
	BT(a->cert_no);
	BI(a->cert_version);
	BI(a->created_at);
	BI(a->submitted_at);
	BI(a->published_at);
	BI(a->registered_at);
	BI(a->closed_at);
	BI(a->reg_day);
	BI(a->valid_from);
	BI(a->valid_until);
	BI(a->corrections);
	BI(a->flags);
	BI(a->related_id);
	BI(a->refusal);
	BI(a->close_reason);
	BT(a->withdraw_reason);
#undef BI
#undef BT
	return rc == SQLITE_OK ? 0 : fail_db(s, rc, "bind");
}

static int sq_app_insert(struct store *s, struct application *a)
{
	static const char sql[] =
		"INSERT INTO applications(version, state, created_by, agent_id, content, name, "
		"industry, fingerprint, reg_no, cert_no, cert_version, created_at, submitted_at, "
		"published_at, registered_at, closed_at, reg_day, valid_from, valid_until, "
		"corrections, flags, related_id, refusal, close_reason, withdraw_reason) "
		"VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

	a->version = 1;
	return insert_row(s, sql, bind_app, a, "application", &a->id);
}

/*
 * SQLite rewrites the entries of every index whose columns an UPDATE
 * sets, changed or not, and the fingerprint's index puts each entry on a
 * page of its own.  Most acts change neither the fingerprint nor the
 * agent, so the update without them is tried first, on the condition
 * that they are as stored; when it finds no such row (they changed, or
 * the version did), the whole update runs and tells which.
 */
static int sq_app_update(struct store *s, struct application *a)
{
#define SQ_APP_SET(keys)                                                                          \
	"UPDATE applications SET version = ?1 + 1, state = ?2, created_by = ?3, " keys            \
	"content = ?5, name = ?6, industry = ?7, reg_no = ?9, cert_no = ?10, "                    \
	"cert_version = ?11, created_at = ?12, submitted_at = ?13, published_at = ?14, "          \
	"registered_at = ?15, closed_at = ?16, reg_day = ?17, valid_from = ?18, "                 \
	"valid_until = ?19, corrections = ?20, flags = ?21, related_id = ?22, refusal = ?23, "    \
	"close_reason = ?24, withdraw_reason = ?25 WHERE id = ?26 AND version = ?1"
	static const char same_keys[] = SQ_APP_SET("") " AND agent_id = ?4 AND fingerprint = ?8";
	static const char all[] = SQ_APP_SET("agent_id = ?4, fingerprint = ?8, ");
#undef SQ_APP_SET
	int rc = write_row(s, same_keys, bind_app, a, 26, a->id, "update", "application");

	if (rc == 0 && sqlite3_changes(DB(s)) == 1) {
		a->version++;
		return 0;
	}
	return rc ? rc : update_row(s, all, bind_app, a, 26, a->id, "application", &a->version);
}

static int sq_app_get(struct store *s, int64_t id, struct application *a)
{
	sqlite3_stmt *st = run(s, "SELECT " APP_COLS " FROM applications WHERE id = ?", "i", id);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "application");
	read_app(st, a, 1);
	sqlite3_reset(st);
	return 0;
}

static int sq_app_by_reg_no(struct store *s, const char *reg_no, struct application *a)
{
	sqlite3_stmt *st = run(s, "SELECT " APP_COLS " FROM applications WHERE reg_no = ? AND reg_no <> ''", "t",
			       reg_no);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "application");
	read_app(st, a, 1);
	sqlite3_reset(st);
	return 0;
}

static int each_app(struct store *s, sqlite3_stmt *st, store_app_cb cb, void *ud)
{
	struct application a;
	int rc;

	if (st == NULL)
		return s->err.code;
	while ((rc = step_row(s, st)) == 1) {
		read_app(st, &a, 1);
		rc = cb(ud, &a);
		application_release(&a);
		if (rc)
			break;
	}
	sqlite3_reset(st);
	return rc;
}

/*
 * The ids of the ?3 newest applications below id ?1 in the states of the
 * bit set ?2: the newest of each state's range of applications_state, the
 * ranges merged.  Walking the ids down from the newest and testing each
 * state crossed every draft and every application in examination before
 * the register's first page: at 1M registrations with 3M drafts, minutes
 * on a cold page cache, against milliseconds.  The branch of a state not
 * in the set has a condition false before any row is read, so SQLite
 * skips it.
 */
#define SQ_STATE_IDS(k)                                                                     \
	"SELECT id FROM (SELECT id FROM applications WHERE state = " #k " AND id < ?1 AND "  \
	"((?2 >> " #k ") & 1) = 1 ORDER BY id DESC LIMIT ?3)"
#define SQ_NEWEST_IN_STATES STORE_EACH_STATE(SQ_STATE_IDS) " ORDER BY 1 DESC LIMIT ?3"

static int sq_app_list(struct store *s, const struct app_filter *f, store_app_cb cb, void *ud)
{
	int64_t after = f->after_id > 0 ? f->after_id : INT64_MAX;
	int limit = f->limit > 0 ? f->limit : 50;
	int64_t states = f->states ? f->states : 0x7fffffff;

	if (f->party_id)
		return each_app(s, run(s, "SELECT " APP_COLS " FROM applications WHERE id < ? AND "
				       "((1 << state) & ?) <> 0 AND id IN (SELECT app_id FROM parties "
				       "WHERE account_id = ?) ORDER BY id DESC LIMIT ?",
				       "iiid", after, states, f->party_id, limit),
				cb, ud);
	if (f->agent_id)
		return each_app(s, run(s, "SELECT " APP_COLS " FROM applications WHERE id < ? AND "
				       "((1 << state) & ?) <> 0 AND agent_id = ? AND agent_id <> 0 ORDER BY id DESC "
				       "LIMIT ?", "iiid", after, states, f->agent_id, limit), cb, ud);
	return each_app(s, run(s, "WITH ids(k) AS (" SQ_NEWEST_IN_STATES ") SELECT " APP_COLS
			       " FROM applications WHERE id IN (SELECT k FROM ids) ORDER BY id DESC",
			       "iid", after, states, limit), cb, ud);
}

static int sq_app_count_by_state(struct store *s, int64_t counts[APP__COUNT])
{
	sqlite3_stmt *st = run(s, "SELECT state, count(*) FROM applications GROUP BY state", "");
	int rc;

	if (st == NULL)
		return s->err.code;
	memset(counts, 0, sizeof(int64_t) * APP__COUNT);
	while ((rc = step_row(s, st)) == 1)
		if (col_i(st, 0) >= 0 && col_i(st, 0) < APP__COUNT)
			counts[col_i(st, 0)] = col_i(st, 1);
	sqlite3_reset(st);
	return rc;
}

static int sq_app_by_fingerprint(struct store *s, const char *fingerprint, unsigned states,
				 int64_t exclude_id, store_app_cb cb, void *ud)
{
	return each_app(s, run(s, "SELECT " APP_COLS " FROM applications WHERE fingerprint = ? AND "
			       "fingerprint <> '' AND ((1 << state) & ?) <> 0 AND id <> ? ORDER BY id", "tii", fingerprint,
			       (int64_t)states, exclude_id), cb, ud);
}

static int sq_party_put(struct store *s, const struct party *p)
{
	return exec(s, "INSERT INTO parties(app_id, ord, account_id, name, kind, id_number, "
		    "confirmed_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT(app_id, ord) DO UPDATE SET "
		    "account_id = excluded.account_id, name = excluded.name, kind = excluded.kind, "
		    "id_number = excluded.id_number, confirmed_at = excluded.confirmed_at",
		    "iditdti", p->app_id, p->ord, p->account_id, p->name, (int)p->kind, p->id_number,
		    (int64_t)p->confirmed_at);
}

static int sq_party_delete_all(struct store *s, int64_t app_id)
{
	return exec(s, "DELETE FROM parties WHERE app_id = ?", "i", app_id);
}

static int sq_party_list(struct store *s, int64_t app_id, struct party *out, int max, int *n)
{
	sqlite3_stmt *st = run(s, "SELECT app_id, ord, account_id, name, kind, id_number, "
			       "confirmed_at FROM parties WHERE app_id = ? ORDER BY ord", "i", app_id);
	struct party *p;
	int rc;

	if (st == NULL)
		return s->err.code;
	*n = 0;
	while ((rc = step_row(s, st)) == 1 && *n < max) {
		p = &out[(*n)++];
		memset(p, 0, sizeof(*p));
		p->app_id = col_i(st, 0);
		p->ord = (int)col_i(st, 1);
		p->account_id = col_i(st, 2);
		col_text(st, 3, p->name, sizeof(p->name));
		p->kind = (enum party_kind)col_i(st, 4);
		col_text(st, 5, p->id_number, sizeof(p->id_number));
		p->confirmed_at = col_i(st, 6);
	}
	sqlite3_reset(st);
	return rc < 0 ? rc : 0;
}

/* ---- objections -------------------------------------------------------------- */

#define OBJ_COLS "id, app_id, version, state, objector_id, objector_name, objector_contact, " \
		 "token_hash, grounds, evidence, answer, answer_evidence, supplement, " \
		 "supplement_evidence, decision, filed_at, decided_at"

static int bind_objection(struct store *s, sqlite3_stmt *st, const void *row)
{
	const struct objection *o = row;
	int i = 1, rc = 0;

#define BI(v) rc = rc ? rc : sqlite3_bind_int64(st, i++, (int64_t)(v))
#define BT(v) rc = rc ? rc : ((v) ? sqlite3_bind_text(st, i++, (v), -1, SQLITE_STATIC) \
				  : sqlite3_bind_null(st, i++))
	BI(o->app_id);
	BI(o->version);
	BI(o->state);
	BI(o->objector_id);
	BT(o->objector_name);
	BT(o->objector_contact);
	BT(o->token_hash);
	BT(o->grounds ? o->grounds : "");
	BT(o->evidence);
	BT(o->answer);
	BT(o->answer_evidence);
	BT(o->supplement);
	BT(o->supplement_evidence);
	BT(o->decision);
	BI(o->filed_at);
	BI(o->decided_at);
#undef BI
#undef BT
	return rc == SQLITE_OK ? 0 : fail_db(s, rc, "bind");
}

static int sq_objection_insert(struct store *s, struct objection *o)
{
	static const char sql[] =
		"INSERT INTO objections(app_id, version, state, objector_id, objector_name, "
		"objector_contact, token_hash, grounds, evidence, answer, answer_evidence, "
		"supplement, supplement_evidence, decision, filed_at, decided_at) "
		"VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

	o->version = 1;
	return insert_row(s, sql, bind_objection, o, "objection", &o->id);
}

static int sq_objection_update(struct store *s, struct objection *o)
{
	static const char sql[] =
		"UPDATE objections SET app_id = ?1, version = ?2 + 1, state = ?3, objector_id = ?4, "
		"objector_name = ?5, objector_contact = ?6, token_hash = ?7, grounds = ?8, "
		"evidence = ?9, answer = ?10, answer_evidence = ?11, supplement = ?12, "
		"supplement_evidence = ?13, decision = ?14, filed_at = ?15, decided_at = ?16 "
		"WHERE id = ?17 AND version = ?2";

	return update_row(s, sql, bind_objection, o, 17, o->id, "objection", &o->version);
}

static int sq_objection_get(struct store *s, int64_t id, struct objection *o)
{
	sqlite3_stmt *st = run(s, "SELECT " OBJ_COLS " FROM objections WHERE id = ?", "i", id);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "objection");
	memset(o, 0, sizeof(*o));
	o->id = col_i(st, 0);
	o->app_id = col_i(st, 1);
	o->version = col_i(st, 2);
	o->state = (enum obj_state)col_i(st, 3);
	o->objector_id = col_i(st, 4);
	col_text(st, 5, o->objector_name, sizeof(o->objector_name));
	col_text(st, 6, o->objector_contact, sizeof(o->objector_contact));
	col_text(st, 7, o->token_hash, sizeof(o->token_hash));
	o->grounds = col_dup(st, 8);
	o->evidence = col_dup(st, 9);
	o->answer = col_dup(st, 10);
	o->answer_evidence = col_dup(st, 11);
	o->supplement = col_dup(st, 12);
	o->supplement_evidence = col_dup(st, 13);
	o->decision = col_dup(st, 14);
	o->filed_at = col_i(st, 15);
	o->decided_at = col_i(st, 16);
	sqlite3_reset(st);
	return 0;
}

static int id_list(struct store *s, sqlite3_stmt *st, int64_t *ids, int max, int *n)
{
	int rc;

	if (st == NULL)
		return s->err.code;
	*n = 0;
	while ((rc = step_row(s, st)) == 1 && *n < max)
		ids[(*n)++] = col_i(st, 0);
	sqlite3_reset(st);
	return rc < 0 ? rc : 0;
}

static int sq_objection_ids(struct store *s, int64_t app_id, int64_t *ids, int max, int *n)
{
	return id_list(s, run(s, "SELECT id FROM objections WHERE app_id = ? ORDER BY id", "i",
			      app_id), ids, max, n);
}

/* ---- requests ------------------------------------------------------------------ */

static int bind_request(struct store *s, sqlite3_stmt *st, const void *row)
{
	const struct request *r = row;
	int i = 1, rc = 0;

#define BI(v) rc = rc ? rc : sqlite3_bind_int64(st, i++, (int64_t)(v))
#define BT(v) rc = rc ? rc : ((v) ? sqlite3_bind_text(st, i++, (v), -1, SQLITE_STATIC) \
				  : sqlite3_bind_null(st, i++))
	BI(r->app_id);
	BI(r->version);
	BI(r->kind);
	BI(r->state);
	BI(r->filed_by);
	BI(r->counterparty_id);
	BI(r->unilateral);
	BT(r->payload ? r->payload : "{}");
	BI(r->filed_at);
	BI(r->decided_at);
	BI(r->act_day);
	BI(r->late);
	BT(r->decision);
#undef BI
#undef BT
	return rc == SQLITE_OK ? 0 : fail_db(s, rc, "bind");
}

static int sq_request_insert(struct store *s, struct request *r)
{
	static const char sql[] =
		"INSERT INTO requests(app_id, version, kind, state, filed_by, counterparty_id, "
		"unilateral, payload, filed_at, decided_at, act_day, late, decision) "
		"VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";

	r->version = 1;
	return insert_row(s, sql, bind_request, r, "request", &r->id);
}

static int sq_request_update(struct store *s, struct request *r)
{
	static const char sql[] =
		"UPDATE requests SET app_id = ?1, version = ?2 + 1, kind = ?3, state = ?4, "
		"filed_by = ?5, counterparty_id = ?6, unilateral = ?7, payload = ?8, filed_at = ?9, "
		"decided_at = ?10, act_day = ?11, late = ?12, decision = ?13 "
		"WHERE id = ?14 AND version = ?2";

	return update_row(s, sql, bind_request, r, 14, r->id, "request", &r->version);
}

static int sq_request_get(struct store *s, int64_t id, struct request *r)
{
	sqlite3_stmt *st = run(s, "SELECT id, app_id, version, kind, state, filed_by, "
			       "counterparty_id, unilateral, payload, filed_at, decided_at, act_day, "
			       "late, decision FROM requests WHERE id = ?", "i", id);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "request");
	memset(r, 0, sizeof(*r));
	r->id = col_i(st, 0);
	r->app_id = col_i(st, 1);
	r->version = col_i(st, 2);
	r->kind = (enum req_kind)col_i(st, 3);
	r->state = (enum req_state)col_i(st, 4);
	r->filed_by = col_i(st, 5);
	r->counterparty_id = col_i(st, 6);
	r->unilateral = (int)col_i(st, 7);
	r->payload = col_dup(st, 8);
	r->filed_at = col_i(st, 9);
	r->decided_at = col_i(st, 10);
	r->act_day = (dip_day)col_i(st, 11);
	r->late = (int)col_i(st, 12);
	r->decision = col_dup(st, 13);
	sqlite3_reset(st);
	return 0;
}

static int sq_request_ids(struct store *s, int64_t app_id, int64_t *ids, int max, int *n)
{
	return id_list(s, run(s, "SELECT id FROM requests WHERE app_id = ? ORDER BY id", "i", app_id),
		       ids, max, n);
}

static int sq_request_list(struct store *s, const struct request_filter *f, int64_t *ids,
			   int max, int *n)
{
	int64_t before = f->before_id > 0 ? f->before_id : INT64_MAX;
	sqlite3_stmt *st;

	if (f->account_id && f->awaiting)
		st = run(s, "SELECT id FROM requests WHERE counterparty_id = ? AND state = ? AND "
			 "id < ? AND (kind = ? OR ? < 0) ORDER BY id DESC LIMIT ?", "ididdd",
			 f->account_id, (int)REQ_AWAITING_PARTY, before, f->kind, f->kind, max);
	else if (f->account_id)
		st = run(s, "SELECT id FROM requests WHERE id IN (SELECT id FROM requests WHERE "
			 "filed_by = ?1 UNION SELECT id FROM requests WHERE counterparty_id = ?1 "
			 "UNION SELECT r.id FROM parties p JOIN requests r ON r.app_id = p.app_id "
			 "WHERE p.account_id = ?1) AND id < ?2 AND (state = ?3 OR ?3 < 0) AND "
			 "(kind = ?4 OR ?4 < 0) ORDER BY id DESC LIMIT ?5", "iiddd", f->account_id,
			 before, f->state, f->kind, max);
	else
		st = run(s, "SELECT id FROM requests WHERE id < ?1 AND (state = ?2 OR ?2 < 0) AND "
			 "(kind = ?3 OR ?3 < 0) ORDER BY id DESC LIMIT ?4", "iddd", before, f->state,
			 f->kind, max);
	return id_list(s, st, ids, max, n);
}

/* ---- events, deadlines ----------------------------------------------------------- */

static int sq_event_insert(struct store *s, struct event *ev)
{
	int rc = exec(s, "INSERT INTO events(app_id, ref_id, at, actor_id, actor_role, action, "
		      "from_state, to_state, reason, dl_kind, dl_due, detail) "
		      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", "iiiiitddtdit", ev->app_id, ev->ref_id,
		      (int64_t)ev->at, ev->actor_id, (int64_t)ev->actor_role, ev->action,
		      ev->from_state, ev->to_state, ev->reason, ev->dl_kind, (int64_t)ev->dl_due,
		      ev->detail);

	if (rc == 0)
		ev->id = sqlite3_last_insert_rowid(DB(s));
	return rc;
}

static int sq_event_list(struct store *s, int64_t app_id, store_event_cb cb, void *ud)
{
	sqlite3_stmt *st = run(s, "SELECT id, app_id, ref_id, at, actor_id, actor_role, action, "
			       "from_state, to_state, reason, dl_kind, dl_due, detail FROM events "
			       "WHERE app_id = ? ORDER BY id", "i", app_id);
	struct event ev;
	int rc;

	if (st == NULL)
		return s->err.code;
	while ((rc = step_row(s, st)) == 1) {
		memset(&ev, 0, sizeof(ev));
		ev.id = col_i(st, 0);
		ev.app_id = col_i(st, 1);
		ev.ref_id = col_i(st, 2);
		ev.at = col_i(st, 3);
		ev.actor_id = col_i(st, 4);
		ev.actor_role = (unsigned)col_i(st, 5);
		col_text(st, 6, ev.action, sizeof(ev.action));
		ev.from_state = (int)col_i(st, 7);
		ev.to_state = (int)col_i(st, 8);
		ev.reason = col_dup(st, 9);
		ev.dl_kind = (int)col_i(st, 10);
		ev.dl_due = col_i(st, 11);
		ev.detail = col_dup(st, 12);
		rc = cb(ud, &ev);
		event_release(&ev);
		if (rc)
			break;
	}
	sqlite3_reset(st);
	return rc;
}

static int sq_deadline_insert(struct store *s, struct deadline *d)
{
	int rc = exec(s, "INSERT INTO deadlines(app_id, ref_id, kind, opened_at, due_at, closed_at, "
		      "binds_party) VALUES (?,?,?,?,?,?,?)", "iidiiid", d->app_id, d->ref_id, d->kind,
		      (int64_t)d->opened_at, (int64_t)d->due_at, (int64_t)d->closed_at, d->binds_party);

	if (rc == 0)
		d->id = sqlite3_last_insert_rowid(DB(s));
	return rc;
}

static int sq_deadline_close(struct store *s, int64_t id, dip_time at)
{
	int n = 0, rc = exec_changes(s, &n, "UPDATE deadlines SET closed_at = ? WHERE id = ? AND "
				     "closed_at = 0", "ii", (int64_t)at, id);

	if (rc == 0 && n == 0)
		return dip_fail(&s->err, DIP_ECONFLICT, "", "deadline %lld is already closed",
				(long long)id);
	return rc;
}

static int each_deadline(struct store *s, sqlite3_stmt *st, store_deadline_cb cb, void *ud)
{
	struct deadline d;
	int rc;

	if (st == NULL)
		return s->err.code;
	while ((rc = step_row(s, st)) == 1) {
		d.id = col_i(st, 0);
		d.app_id = col_i(st, 1);
		d.ref_id = col_i(st, 2);
		d.kind = (int)col_i(st, 3);
		d.opened_at = col_i(st, 4);
		d.due_at = col_i(st, 5);
		d.closed_at = col_i(st, 6);
		d.binds_party = (int)col_i(st, 7);
		rc = cb(ud, &d);
		if (rc)
			break;
	}
	sqlite3_reset(st);
	return rc;
}

#define DL_COLS "id, app_id, ref_id, kind, opened_at, due_at, closed_at, binds_party"

static int sq_deadline_open_for(struct store *s, int64_t app_id, int64_t ref_id,
				store_deadline_cb cb, void *ud)
{
	if (ref_id < 0)
		return each_deadline(s, run(s, "SELECT " DL_COLS " FROM deadlines WHERE app_id = ? "
					    "AND closed_at = 0 ORDER BY due_at, id", "i", app_id),
				     cb, ud);
	return each_deadline(s, run(s, "SELECT " DL_COLS " FROM deadlines WHERE app_id = ? AND "
				    "ref_id = ? AND closed_at = 0 ORDER BY due_at, id", "ii", app_id,
				    ref_id), cb, ud);
}

static int sq_deadline_due(struct store *s, dip_time t, int binding_only, int limit,
			   store_deadline_cb cb, void *ud)
{
	return each_deadline(s, run(s, "SELECT " DL_COLS " FROM deadlines WHERE closed_at = 0 AND "
				    "due_at <= ? AND binds_party >= ? ORDER BY due_at, id LIMIT ?",
				    "idd", (int64_t)t, binding_only ? 1 : 0, limit > 0 ? limit : 1000),
			     cb, ud);
}

static int sq_deadline_tasks(struct store *s, int limit, store_deadline_cb cb, void *ud)
{
	return each_deadline(s, run(s, "SELECT " DL_COLS " FROM deadlines WHERE closed_at = 0 AND "
				    "binds_party = 0 ORDER BY due_at, id LIMIT ?", "d",
				    limit > 0 ? limit : 1000), cb, ud);
}

/* ---- messages ------------------------------------------------------------------------ */

static int sq_message_insert(struct store *s, struct message *m)
{
	int rc = exec(s, "INSERT INTO messages(account_id, objection_id, app_id, kind, subject, body, "
		      "delivered_at, read_at) VALUES (?,?,?,?,?,?,?,?)", "iiitttii", m->account_id,
		      m->objection_id, m->app_id, m->kind, m->subject ? m->subject : "",
		      m->body ? m->body : "", (int64_t)m->delivered_at, (int64_t)m->read_at);

	if (rc == 0)
		m->id = sqlite3_last_insert_rowid(DB(s));
	return rc;
}

static int sq_message_list(struct store *s, const struct msg_filter *f, store_msg_cb cb, void *ud)
{
	static const char by_account[] =
		"SELECT id, account_id, objection_id, app_id, kind, subject, body, delivered_at, "
		"read_at FROM messages WHERE account_id = ? AND id < ? AND (read_at = 0 OR ? = 0) "
		"AND (app_id = ? OR ? = 0) ORDER BY id DESC LIMIT ?";
	static const char by_objection[] =
		"SELECT id, account_id, objection_id, app_id, kind, subject, body, delivered_at, "
		"read_at FROM messages WHERE objection_id = ? AND objection_id <> 0 AND account_id = 0 "
		"AND id < ? AND "
		"(read_at = 0 OR ? = 0) AND (app_id = ? OR ? = 0) ORDER BY id DESC LIMIT ?";
	int64_t after = f->after_id > 0 ? f->after_id : INT64_MAX;
	sqlite3_stmt *st = f->account_id
		? run(s, by_account, "iidiid", f->account_id, after, f->unread_only, f->app_id,
		      f->app_id, f->limit > 0 ? f->limit : 50)
		: run(s, by_objection, "iidiid", f->objection_id, after, f->unread_only, f->app_id,
		      f->app_id, f->limit > 0 ? f->limit : 50);
	struct message m;
	int rc;

	if (st == NULL)
		return s->err.code;
	while ((rc = step_row(s, st)) == 1) {
		memset(&m, 0, sizeof(m));
		m.id = col_i(st, 0);
		m.account_id = col_i(st, 1);
		m.objection_id = col_i(st, 2);
		m.app_id = col_i(st, 3);
		col_text(st, 4, m.kind, sizeof(m.kind));
		m.subject = col_dup(st, 5);
		m.body = col_dup(st, 6);
		m.delivered_at = col_i(st, 7);
		m.read_at = col_i(st, 8);
		rc = cb(ud, &m);
		message_release(&m);
		if (rc)
			break;
	}
	sqlite3_reset(st);
	return rc;
}

static int sq_message_mark_read(struct store *s, int64_t id, int64_t account_id, dip_time at)
{
	int n = 0, rc = exec_changes(s, &n, "UPDATE messages SET read_at = CASE WHEN read_at = 0 "
				     "THEN ? ELSE read_at END WHERE id = ? AND account_id = ?", "iii",
				     (int64_t)at, id, account_id);

	return rc ? rc : n ? 0 : not_found(s, "message");
}

static int sq_message_unread(struct store *s, int64_t account_id, int64_t *n)
{
	return count_query(s, run(s, "SELECT count(*) FROM messages WHERE account_id = ? AND "
				  "read_at = 0", "i", account_id), n);
}

/* ---- uploads, deposits ---------------------------------------------------------------- */

static int sq_upload_insert(struct store *s, const struct upload *u)
{
	return exec(s, "INSERT INTO uploads(sha256, owner_id, size, mime, name, created_at) "
		    "VALUES (?,?,?,?,?,?) ON CONFLICT(sha256, owner_id) DO NOTHING", "tiitti",
		    u->sha256, u->owner_id, u->size, u->mime, u->name, (int64_t)u->created_at);
}

static int sq_upload_get(struct store *s, const char *sha256, int64_t owner_id, struct upload *u)
{
	sqlite3_stmt *st = owner_id
		? run(s, "SELECT sha256, owner_id, size, mime, name, created_at FROM uploads "
		      "WHERE sha256 = ? AND owner_id = ?", "ti", sha256, owner_id)
		: run(s, "SELECT sha256, owner_id, size, mime, name, created_at FROM uploads "
		      "WHERE sha256 = ? ORDER BY created_at LIMIT 1", "t", sha256);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "upload");
	memset(u, 0, sizeof(*u));
	col_text(st, 0, u->sha256, sizeof(u->sha256));
	u->owner_id = col_i(st, 1);
	u->size = col_i(st, 2);
	col_text(st, 3, u->mime, sizeof(u->mime));
	col_text(st, 4, u->name, sizeof(u->name));
	u->created_at = col_i(st, 5);
	sqlite3_reset(st);
	return 0;
}

static int sq_upload_link(struct store *s, const char *sha256, int64_t app_id, const char *role)
{
	return exec(s, "INSERT INTO upload_links(sha256, app_id, role) VALUES (?,?,?) "
		    "ON CONFLICT DO NOTHING", "tit", sha256, app_id, role);
}

static int sq_upload_linked(struct store *s, const char *sha256, int64_t app_id)
{
	int64_t n = 0;
	int rc = count_query(s, run(s, "SELECT count(*) FROM upload_links WHERE sha256 = ? AND "
				    "app_id = ?", "ti", sha256, app_id), &n);

	return rc ? rc : n ? 0 : not_found(s, "upload link");
}

static int sq_upload_party_link(struct store *s, const char *sha256, int64_t account_id)
{
	int64_t n = 0;
	/* From the reader's applications, as the links are keyed.  An agency
	 * reads them while its power of attorney stands for every party, as
	 * it acts (svc__agent_authorised). */
	int rc = count_query(s, run(s, "SELECT EXISTS (SELECT 1 FROM parties p JOIN upload_links l "
				    "ON l.app_id = p.app_id WHERE p.account_id = ?1 AND l.sha256 = ?2) "
				    "OR EXISTS (SELECT 1 FROM applications a JOIN upload_links l ON "
				    "l.app_id = a.id WHERE a.agent_id = ?1 AND a.agent_id <> 0 AND "
				    "l.sha256 = ?2 AND NOT EXISTS (SELECT 1 FROM parties p WHERE "
				    "p.app_id = a.id AND NOT EXISTS (SELECT 1 FROM agencies g WHERE "
				    "g.agent_id = a.agent_id AND g.principal_id = p.account_id AND "
				    "g.confirmed_at <> 0 AND g.revoked_at = 0)))", "it", account_id,
				    sha256), &n);

	return rc ? rc : n ? 0 : not_found(s, "upload link");
}

static int sq_event_last(struct store *s, int64_t *id)
{
	return count_query(s, run(s, "SELECT coalesce(max(id), 0) FROM events", ""), id);
}

static int sq_deposit_insert(struct store *s, struct deposit *d)
{
	int rc = exec(s, "INSERT INTO deposits(account_id, fingerprint, files, bytes, description, "
		      "ledger_index, created_at) VALUES (?,?,?,?,?,?,?)", "itiitii", d->account_id,
		      d->fingerprint, d->files, d->bytes, d->description, d->ledger_index,
		      (int64_t)d->created_at);

	if (rc == 0)
		d->id = sqlite3_last_insert_rowid(DB(s));
	return rc;
}

static int sq_deposit_set_index(struct store *s, int64_t id, int64_t ledger_index)
{
	return exec(s, "UPDATE deposits SET ledger_index = ? WHERE id = ?", "ii", ledger_index, id);
}

#define DEPOSIT_COLS "id, account_id, fingerprint, files, bytes, description, ledger_index, " \
	"created_at"

static void deposit_row(sqlite3_stmt *st, struct deposit *d)
{
	memset(d, 0, sizeof(*d));
	d->id = col_i(st, 0);
	d->account_id = col_i(st, 1);
	col_text(st, 2, d->fingerprint, sizeof(d->fingerprint));
	d->files = col_i(st, 3);
	d->bytes = col_i(st, 4);
	col_text(st, 5, d->description, sizeof(d->description));
	d->ledger_index = col_i(st, 6);
	d->created_at = col_i(st, 7);
}

static int sq_deposit_get(struct store *s, int64_t id, struct deposit *d)
{
	sqlite3_stmt *st = run(s, "SELECT " DEPOSIT_COLS " FROM deposits WHERE id = ?", "i", id);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "deposit");
	deposit_row(st, d);
	sqlite3_reset(st);
	return 0;
}

static int sq_deposit_logged(struct store *s, int64_t lo, int64_t hi, store_deposit_cb cb,
			     void *ud)
{
	sqlite3_stmt *st = run(s, "SELECT " DEPOSIT_COLS " FROM deposits WHERE ledger_index >= ? "
			       "AND ledger_index < ? ORDER BY account_id, ledger_index", "ii", lo, hi);
	struct deposit d;
	int rc;

	if (st == NULL)
		return s->err.code;
	while ((rc = step_row(s, st)) == 1) {
		deposit_row(st, &d);
		rc = cb(ud, &d);
		if (rc)
			break;
	}
	sqlite3_reset(st);
	return rc;
}

/* ---- certificates -------------------------------------------------------------------------- */

#define CERT_COLS "id, app_id, cert_no, reg_no, version, status, issued_at, valid_from, " \
		  "valid_until, status_at, doc, ledger_index"

static int get_cert(struct store *s, sqlite3_stmt *st, struct certificate *c)
{
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "certificate");
	memset(c, 0, sizeof(*c));
	c->id = col_i(st, 0);
	c->app_id = col_i(st, 1);
	col_text(st, 2, c->cert_no, sizeof(c->cert_no));
	col_text(st, 3, c->reg_no, sizeof(c->reg_no));
	c->version = (int)col_i(st, 4);
	c->status = (enum cert_status)col_i(st, 5);
	c->issued_at = col_i(st, 6);
	c->valid_from = (dip_day)col_i(st, 7);
	c->valid_until = (dip_day)col_i(st, 8);
	c->status_at = col_i(st, 9);
	c->doc = col_dup(st, 10);
	c->ledger_index = col_i(st, 11);
	sqlite3_reset(st);
	return 0;
}

static int sq_cert_insert(struct store *s, struct certificate *c)
{
	int rc = exec(s, "INSERT INTO certificates(app_id, cert_no, reg_no, version, status, "
		      "issued_at, valid_from, valid_until, status_at, doc, ledger_index) "
		      "VALUES (?,?,?,?,?,?,?,?,?,?,?)", "ittddiiiiti", c->app_id, c->cert_no,
		      c->reg_no, c->version, (int)c->status, (int64_t)c->issued_at,
		      (int64_t)c->valid_from, (int64_t)c->valid_until, (int64_t)c->status_at,
		      c->doc ? c->doc : "{}", c->ledger_index);

	if (rc == 0)
		c->id = sqlite3_last_insert_rowid(DB(s));
	return rc;
}

static int sq_cert_get(struct store *s, const char *cert_no, int version, struct certificate *c)
{
	if (version > 0)
		return get_cert(s, run(s, "SELECT " CERT_COLS " FROM certificates WHERE cert_no = ? AND "
				       "version = ?", "td", cert_no, version), c);
	return get_cert(s, run(s, "SELECT " CERT_COLS " FROM certificates WHERE cert_no = ? ORDER BY "
			       "version DESC LIMIT 1", "t", cert_no), c);
}

static int sq_cert_latest(struct store *s, int64_t app_id, struct certificate *c)
{
	return get_cert(s, run(s, "SELECT " CERT_COLS " FROM certificates WHERE app_id = ? ORDER BY "
			       "version DESC LIMIT 1", "i", app_id), c);
}

static int sq_cert_set_status(struct store *s, int64_t app_id, int version_below,
			      enum cert_status from, enum cert_status to, dip_time at)
{
	return exec(s, "UPDATE certificates SET status = ?, status_at = ? WHERE app_id = ? AND "
		    "version < ? AND status = ?", "diidd", (int)to, (int64_t)at, app_id,
		    version_below, (int)from);
}

/* ---- audit ----------------------------------------------------------------------------------- */

static int sq_audit_insert(struct store *s, struct audit_entry *a)
{
	int rc = exec(s, "INSERT INTO audit(at, actor_id, action, object, detail, addr) "
		      "VALUES (?,?,?,?,?,?)", "iitttt", (int64_t)a->at, a->actor_id, a->action,
		      a->object, a->detail, a->addr);

	if (rc == 0)
		a->id = sqlite3_last_insert_rowid(DB(s));
	return rc;
}

static int sq_audit_list(struct store *s, const struct audit_filter *f, store_audit_cb cb, void *ud)
{
	int64_t after = f->after_id > 0 ? f->after_id : INT64_MAX;
	sqlite3_stmt *st = run(s, "SELECT id, at, actor_id, action, object, detail, addr FROM audit "
			       "WHERE id < ? AND (actor_id = ? OR ? = 0) AND (object = ? OR ? IS NULL) "
			       "ORDER BY id DESC LIMIT ?", "iiittd", after, f->actor_id, f->actor_id,
			       f->object, f->object, f->limit > 0 ? f->limit : 100);
	struct audit_entry a;
	int rc;

	if (st == NULL)
		return s->err.code;
	while ((rc = step_row(s, st)) == 1) {
		memset(&a, 0, sizeof(a));
		a.id = col_i(st, 0);
		a.at = col_i(st, 1);
		a.actor_id = col_i(st, 2);
		col_text(st, 3, a.action, sizeof(a.action));
		col_text(st, 4, a.object, sizeof(a.object));
		col_text(st, 5, a.detail, sizeof(a.detail));
		col_text(st, 6, a.addr, sizeof(a.addr));
		rc = cb(ud, &a);
		if (rc)
			break;
	}
	sqlite3_reset(st);
	return rc;
}

/* ---- ledger ---------------------------------------------------------------------------------- */

/* The write lock (BEGIN IMMEDIATE) keeps other appenders out for the whole
 * transaction, so the next index is looked up once per transaction and
 * counted on from there: a batch of appends costs one plain insert each. */
static int sq_ledger_append(struct store *s, const char *entry, size_t len, int announce,
			    int64_t *index)
{
	struct sq *q = s->impl;
	int rc;

	if (q->ledger_next < 0 || !q->in_tx) {
		rc = count_query(s, run(s, "SELECT coalesce(max(idx) + 1, 0) FROM ledger_entries", ""),
				 &q->ledger_next);
		if (rc)
			return rc;
	}
	rc = exec(s, "INSERT INTO ledger_entries(idx, entry) VALUES (?, ?)", "ib", q->ledger_next,
		  entry, len);
	if (rc == 0 && announce)
		rc = exec(s, "INSERT INTO ledger_announcements(idx) VALUES (?)", "i", q->ledger_next);
	if (rc) {
		q->ledger_next = -1;
		return rc;
	}
	*index = q->ledger_next++;
	return 0;
}

static int sq_ledger_entry(struct store *s, int64_t index, struct dbuf *out)
{
	sqlite3_stmt *st = run(s, "SELECT entry FROM ledger_entries WHERE idx = ?", "i", index);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "log entry");
	dbuf_reset(out);
	rc = dbuf_add(out, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_reset(st);
	return rc;
}

static int sq_ledger_announcements(struct store *s, int64_t before, int64_t *out, int max, int *n)
{
	*n = 0;
	return id_list(s, run(s, "SELECT idx FROM ledger_announcements WHERE idx < ? "
			      "ORDER BY idx DESC LIMIT ?", "id", before, max), out, max, n);
}

static int sq_ledger_size(struct store *s, int64_t *n)
{
	return count_query(s, run(s, "SELECT coalesce(max(idx) + 1, 0) FROM ledger_entries", ""), n);
}

static int sq_tile_get(struct store *s, int level, int64_t index, int width, uint8_t *hashes)
{
	sqlite3_stmt *st = run(s, "SELECT hashes FROM ledger_tiles WHERE level = ? AND idx = ? AND "
			       "width = ?", "did", level, index, width);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "tile");
	if (sqlite3_column_bytes(st, 0) != width * 32) {
		sqlite3_reset(st);
		return dip_fail(&s->err, DIP_EDB, "", "tile %d/%lld has the wrong size", level,
				(long long)index);
	}
	memcpy(hashes, sqlite3_column_blob(st, 0), (size_t)width * 32);
	sqlite3_reset(st);
	return 0;
}

static int sq_tile_put(struct store *s, int level, int64_t index, int width, const uint8_t *hashes)
{
	return exec(s, "INSERT INTO ledger_tiles(level, idx, width, hashes) VALUES (?,?,?,?) "
		    "ON CONFLICT DO NOTHING", "didb", level, index, width, hashes,
		    (size_t)width * 32);
}

static int sq_checkpoint_put(struct store *s, const struct checkpoint_row *c)
{
	return exec(s, "INSERT INTO checkpoints(size, root, note, created_at, witnessed) VALUES "
		    "(?,?,?,?,?) ON CONFLICT(size) DO UPDATE SET note = excluded.note, witnessed = "
		    "excluded.witnessed", "ibtid", c->size, c->root, (size_t)32, c->note,
		    (int64_t)c->created_at, c->witnessed);
}

#define CHECKPOINT_COLS "size, root, note, created_at, witnessed"

static int checkpoint_read(struct store *s, sqlite3_stmt *st, struct checkpoint_row *c)
{
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "checkpoint");
	memset(c, 0, sizeof(*c));
	c->size = col_i(st, 0);
	if (sqlite3_column_bytes(st, 1) == 32)
		memcpy(c->root, sqlite3_column_blob(st, 1), 32);
	c->note = col_dup(st, 2);
	c->created_at = col_i(st, 3);
	c->witnessed = col_i(st, 4) != 0;
	sqlite3_reset(st);
	return 0;
}

static int sq_checkpoint_latest(struct store *s, struct checkpoint_row *c)
{
	return checkpoint_read(s, run(s, "SELECT " CHECKPOINT_COLS " FROM checkpoints ORDER BY size "
				      "DESC LIMIT 1", ""), c);
}

static int sq_checkpoint_witnessed(struct store *s, int64_t size, struct checkpoint_row *c)
{
	/* "witnessed <> 0" lets SQLite take the partial index. */
	return checkpoint_read(s, run(s, "SELECT " CHECKPOINT_COLS " FROM checkpoints WHERE "
				      "witnessed <> 0 AND size > ? ORDER BY size DESC LIMIT 1", "i",
				      size), c);
}

/* ---- several servers; whole tables ------------------------------------------------------------ */

/* BEGIN IMMEDIATE already gave the transaction the database's only write
 * lock, across processes too: every named lock is held with it. */
static int sq_tx_lock(struct store *s, const char *name, int wait, int *got)
{
	struct sq *q = s->impl;

	(void)wait;
	*got = 0;
	if (!q->in_tx)
		return dip_fail(&s->err, DIP_ESTATE, "", "database: the %s lock needs a transaction",
				name);
	*got = 1;
	return 0;
}

#define TABLE_MAX_COLS 64

/* Prepares an SQL text about a table of store_tables (names from that
 * list only, never outside values), outside the statement cache: its
 * text is no static literal.  The caller finalizes it; NULL on error. */
static sqlite3_stmt *prepare_built(struct store *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static sqlite3_stmt *prepare_built(struct store *s, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	char sql[4096];
	va_list ap;
	int len, rc;

	va_start(ap, fmt);
	len = vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(sql)) {
		dip_fail(&s->err, DIP_ELIMIT, "", "database: statement too long");
		return NULL;
	}
	rc = sqlite3_prepare_v2(DB(s), sql, -1, &st, NULL);
	if (rc != SQLITE_OK) {
		fail_db(s, rc, "prepare");
		return NULL;
	}
	return st;
}

/* Stepping the statement keeps one row in memory at a time. */
static int sq_table_export(struct store *s, const struct store_table *t, store_row_cb cb, void *ud)
{
	struct store_value row[TABLE_MAX_COLS];
	size_t ncols = strlen(t->types), c;
	sqlite3_stmt *st;
	int rc;

	if (ncols > TABLE_MAX_COLS)
		return dip_fail(&s->err, DIP_ELIMIT, "", "database: %s: too many columns", t->name);
	st = prepare_built(s, "SELECT %s FROM %s ORDER BY %s", t->cols, t->name, t->order);
	if (st == NULL)
		return s->err.code;
	if ((size_t)sqlite3_column_count(st) != ncols) {
		sqlite3_finalize(st);
		return dip_fail(&s->err, DIP_EDB, "", "database: %s: unexpected columns", t->name);
	}
	while ((rc = step_row(s, st)) == 1) {
		for (c = 0; c < ncols; c++) {
			memset(&row[c], 0, sizeof(row[c]));
			row[c].null = sqlite3_column_type(st, (int)c) == SQLITE_NULL;
			if (t->types[c] == 'i') {
				row[c].i = sqlite3_column_int64(st, (int)c);
			} else if (t->types[c] == 'b') {
				row[c].p = sqlite3_column_blob(st, (int)c);
				row[c].len = (size_t)sqlite3_column_bytes(st, (int)c);
			} else {
				row[c].p = sqlite3_column_text(st, (int)c);
				row[c].len = (size_t)sqlite3_column_bytes(st, (int)c);
			}
			if (row[c].p == NULL)
				row[c].p = "";
		}
		rc = cb(ud, row);
		if (rc)
			break;
	}
	sqlite3_finalize(st);
	return rc;
}

static int sq_table_import(struct store *s, const struct store_table *t,
			   const struct store_value *rows, size_t nrows)
{
	struct sq *q = s->impl;
	size_t ncols = strlen(t->types), r, c;
	char marks[TABLE_MAX_COLS * 2];
	const struct store_value *v;
	sqlite3_stmt *st;
	int rc = SQLITE_OK;

	if (!q->in_tx)
		return dip_fail(&s->err, DIP_ESTATE, "", "database: import needs a write transaction");
	if (ncols == 0 || ncols > TABLE_MAX_COLS)
		return dip_fail(&s->err, DIP_ELIMIT, "", "database: %s: too many columns", t->name);
	if (nrows == 0)
		return 0;
	for (c = 0; c < ncols; c++) {
		marks[2 * c] = '?';
		marks[2 * c + 1] = c + 1 < ncols ? ',' : '\0';
	}
	st = prepare_built(s, "INSERT INTO %s (%s) VALUES (%s)", t->name, t->cols, marks);
	if (st == NULL)
		return s->err.code;
	for (r = 0; rc == SQLITE_OK && r < nrows; r++) {
		sqlite3_reset(st);
		for (c = 0; rc == SQLITE_OK && c < ncols; c++) {
			v = &rows[r * ncols + c];
			if (v->null)
				rc = sqlite3_bind_null(st, (int)c + 1);
			else if (t->types[c] == 'i')
				rc = sqlite3_bind_int64(st, (int)c + 1, v->i);
			else if (t->types[c] == 'b')
				rc = sqlite3_bind_blob64(st, (int)c + 1, v->p, v->len, SQLITE_STATIC);
			else
				rc = sqlite3_bind_text64(st, (int)c + 1, v->p, v->len, SQLITE_STATIC,
							 SQLITE_UTF8);
		}
		if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		fail_db(s, rc, "import");
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : s->err.code;
}

static int sq_table_count(struct store *s, const struct store_table *t, int64_t *n)
{
	sqlite3_stmt *st = prepare_built(s, "SELECT count(*) FROM %s", t->name);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc == 1)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc < 0 ? rc : 0;
}

/* ---- search (store.h: the key's layout) ------------------------------- */

/* One row a dimension (enum search_dim, in order), in one statement. */
static int stat_add(struct store *s, int64_t key, int64_t delta)
{
	int64_t v[SEARCH_NDIMS];

	_Static_assert(SEARCH_NDIMS == 6 && SEARCH_GENERATION_DIM == 6,
		       "the statement below writes six dimensions and the generation");

	store_search_dims(key, v);
	return exec(s, "INSERT INTO search_stats(dim, value, n) VALUES (0, ?1, ?7), (1, ?2, ?7), "
		    "(2, ?3, ?7), (3, ?4, ?7), (4, ?5, ?7), (5, ?6, ?7), (6, 0, 1) "
		    "ON CONFLICT(dim, value) DO UPDATE SET n = n + excluded.n", "iiiiiii", v[0], v[1],
		    v[2], v[3], v[4], v[5], delta);
}

/* The text of a document's tags column: its filter words. */
static void tags_text(int64_t key, char out[3 * SEARCH_TAG_MAX + 3])
{
	char tags[3][SEARCH_TAG_MAX];
	int n = store_search_tags(key, tags);

	snprintf(out, 3 * SEARCH_TAG_MAX + 3, "%s %s %s", tags[0], n > 1 ? tags[1] : "",
		 n > 2 ? tags[2] : "");
}

static int sq_search_delete(struct store *s, int64_t app_id)
{
	sqlite3_stmt *st = run(s, "SELECT d.key, d.name, d.holder, b.body FROM search_docs d "
			       "JOIN search_bodies b ON b.key = d.key WHERE d.app_id = ?", "i", app_id);
	char *name = NULL, *holder = NULL, *body = NULL, tags[3 * SEARCH_TAG_MAX + 3];
	int64_t key;
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0) {
		sqlite3_reset(st);
		return rc;
	}
	key = col_i(st, 0);
	name = col_dup(st, 1);
	holder = col_dup(st, 2);
	body = col_dup(st, 3);
	sqlite3_reset(st);
	if (name == NULL || holder == NULL || body == NULL) {
		rc = dip_fail(&s->err, DIP_ENOMEM, "", "out of memory");
		goto out;
	}
	/* The index is contentless: removing a document takes the text that
	 * was indexed. */
	tags_text(key, tags);
	rc = exec(s, "INSERT INTO search_fts(search_fts, rowid, name, holder, body, tags) "
		  "VALUES ('delete', ?, ?, ?, ?, ?)", "itttt", key, name, holder, body, tags);
	if (rc == 0)
		rc = exec(s, "DELETE FROM search_docs WHERE key = ?", "i", key);
	if (rc == 0)
		rc = exec(s, "DELETE FROM search_bodies WHERE key = ?", "i", key);
	if (rc == 0)
		rc = exec(s, "DELETE FROM search_holders WHERE app_id = ?", "i", app_id);
	if (rc == 0)
		rc = stat_add(s, key, -1);
out:
	free(name);
	free(holder);
	free(body);
	return rc;
}

static int sq_search_put(struct store *s, const struct search_doc *d)
{
	char tags[3 * SEARCH_TAG_MAX + 3];
	struct search_keyinfo k;
	int i, rc;

	store_search_key_split(d->key, &k);
	tags_text(d->key, tags);
	rc = sq_search_delete(s, k.app_id);
	if (rc == 0)
		rc = exec(s, "INSERT INTO search_docs(key, app_id, industry, cert_no, reg_no, "
			  "fingerprint, name, holder) VALUES (?,?,?,?,?,?,?,?)", "iitttttt",
			  d->key, k.app_id, d->industry, d->cert_no, d->reg_no, d->fingerprint,
			  d->name, d->holder ? d->holder : "");
	if (rc == 0)
		rc = exec(s, "INSERT INTO search_bodies(key, body) VALUES (?, ?)", "it", d->key,
			  d->body ? d->body : "");
	if (rc == 0)
		rc = exec(s, "INSERT INTO search_fts(rowid, name, holder, body, tags) "
			  "VALUES (?, ?, ?, ?, ?)", "itttt", d->key, d->name, d->holder ? d->holder : "",
			  d->body ? d->body : "", tags);
	for (i = 0; rc == 0 && i < d->nholders; i++)
		rc = exec(s, "INSERT INTO search_holders(app_id, key, name, code) VALUES (?, ?, ?, ?)",
			  "iitt", k.app_id, d->key, d->holders[i].name, d->holders[i].code);
	if (rc == 0)
		rc = stat_add(s, d->key, 1);
	return rc;
}

/*
 * The statements of search_match and search_match_docs.  ?1 is the FTS5
 * expression, ?2 and ?3 the key range, ?7 the holder, ?8 the limit.  The
 * status and industry filters are words of the expression (the tags
 * column); without a query or those filters the documents are read by
 * key.  The holder filter has a variant of its own, since SQLite evaluates
 * every term for every row.  The index is read in key order and the
 * documents looked up row by row (CROSS JOIN fixes that order).
 */
#define SQ_W_PLAIN(c) " AND " c " >= ?2 AND " c " <= ?3"
#define SQ_W_HOLDER(c)                                                                      \
	SQ_W_PLAIN(c) " AND " c " IN (SELECT key FROM search_holders WHERE name = ?7 OR code = ?7)"
#define SQ_COLS "d.industry, d.cert_no, d.reg_no, d.fingerprint, d.name, d.holder"

#define SQ_FTS_KEYS "SELECT f.rowid FROM search_fts f WHERE f.search_fts MATCH ?1"
#define SQ_FTS_DOCS                                                                         \
	"SELECT f.rowid, " SQ_COLS ", NULL FROM search_fts f CROSS JOIN search_docs d "      \
	"ON d.key = f.rowid WHERE f.search_fts MATCH ?1"
#define SQ_FTS_BODY                                                                         \
	"SELECT f.rowid, " SQ_COLS ", b.body FROM search_fts f CROSS JOIN search_docs d "    \
	"ON d.key = f.rowid CROSS JOIN search_bodies b ON b.key = f.rowid "                  \
	"WHERE f.search_fts MATCH ?1"
#define SQ_FTS_COLS                                                                         \
	"SELECT f.rowid, " FTS_COLUMNS_NAME "(search_fts) FROM search_fts f "                  \
	"WHERE f.search_fts MATCH ?1"
#define SQ_ALL_KEYS "SELECT d.key FROM search_docs d WHERE 1"
#define SQ_ALL_COLS "SELECT d.key, NULL FROM search_docs d WHERE 1"
#define SQ_ALL_DOCS "SELECT d.key, " SQ_COLS ", NULL FROM search_docs d WHERE 1"
#define SQ_ALL_BODY                                                                         \
	"SELECT d.key, " SQ_COLS ", b.body FROM search_docs d CROSS JOIN search_bodies b "   \
	"ON b.key = d.key WHERE 1"

#define SQ_ORDER(c, dir) " ORDER BY " c " " dir " LIMIT ?8"
#define SQ_DIRS(head, c)                                                                    \
	{ { head SQ_W_PLAIN(c) SQ_ORDER(c, "ASC"), head SQ_W_HOLDER(c) SQ_ORDER(c, "ASC") },    \
	  { head SQ_W_PLAIN(c) SQ_ORDER(c, "DESC"), head SQ_W_HOLDER(c) SQ_ORDER(c, "DESC") } }

/* [what: keys, docs, docs with body, keys with the phrases' columns][fts]
 * [descending][holder] */
static const char *const sq_search_sql[4][2][2][2] = {
	{ SQ_DIRS(SQ_ALL_KEYS, "d.key"), SQ_DIRS(SQ_FTS_KEYS, "f.rowid") },
	{ SQ_DIRS(SQ_ALL_DOCS, "d.key"), SQ_DIRS(SQ_FTS_DOCS, "f.rowid") },
	{ SQ_DIRS(SQ_ALL_BODY, "d.key"), SQ_DIRS(SQ_FTS_BODY, "f.rowid") },
	{ SQ_DIRS(SQ_ALL_COLS, "d.key"), SQ_DIRS(SQ_FTS_COLS, "f.rowid") },
};

static int add_tag(struct dbuf *b, const char *tag)
{
	return dbuf_addf(b, "\"%s\"", tag);
}

/* Whether a token of q could be found in the tags column.  Only then
 * does the query need the column filter that keeps it to the text: the
 * filter makes FTS5 sift every posting's positions by column, 15-25% of
 * the time of a query ("上海 出租车 轨迹" at 1M: 18.0 -> 14.4 ms). */
static int reaches_tags(const struct qry *q)
{
	const char *tok;
	size_t i, len;
	int prefix;

	for (i = 0; (tok = qry_token(q, i, &len, &prefix)) != NULL; i++)
		if (store_search_tag_reachable(tok, len, prefix))
			return 1;
	return 0;
}

/* The FTS5 expression of m into out: the query within the text columns,
 * and the status and industry filters on the tags column, ANDed.  Empty
 * when m has neither. */
static int search_expr(const struct search_match *m, struct dbuf *out)
{
	char tag[SEARCH_TAG_MAX];
	int st, first = 1, rc = 0;

	if (m->q) {
		rc = dbuf_adds(out, reaches_tags(m->q) ? "{name holder body} : (" : "(");
		if (rc == 0)
			rc = qry_to_fts5(m->q, out);
		if (rc == 0)
			rc = dbuf_addc(out, ')');
	}
	if (rc == 0 && m->statuses) {
		rc = dbuf_adds(out, out->len ? " AND {tags} : (" : "{tags} : (");
		for (st = 0; rc == 0 && st < APP__COUNT; st++) {
			if (!(m->statuses & 1u << st))
				continue;
			store_search_tag_status((enum app_state)st, tag);
			if (!first)
				rc = dbuf_adds(out, " OR ");
			if (rc == 0)
				rc = add_tag(out, tag);
			first = 0;
		}
		if (rc == 0)
			rc = dbuf_addc(out, ')');
	}
	if (rc == 0 && m->section) {
		store_search_tag_section(m->section, tag);
		rc = dbuf_adds(out, out->len ? " AND {tags} : " : "{tags} : ");
		if (rc == 0)
			rc = add_tag(out, tag);
	}
	if (rc == 0 && m->division) {
		store_search_tag_division(m->division, tag);
		rc = dbuf_adds(out, out->len ? " AND {tags} : " : "{tags} : ");
		if (rc == 0)
			rc = add_tag(out, tag);
	}
	return rc;
}

/* The statement of m, bound; what is 0 for keys, 1 for documents, 2 for
 * documents with their body, 3 for keys with the columns of each phrase.
 * expr receives the FTS5 expression. */
static sqlite3_stmt *search_stmt(struct store *s, const struct search_match *m, int what,
				 struct dbuf *expr)
{
	int limit = m->limit < 0 ? 0 : m->limit > SEARCH_MAX_KEYS ? SEARCH_MAX_KEYS : m->limit;

	if (search_expr(m, expr) != 0) {
		dip_fail(&s->err, DIP_ELIMIT, "q", "q: the query is too large");
		return NULL;
	}
	return run(s, sq_search_sql[what][expr->len > 0][m->descending != 0][m->holder != NULL],
		   "tiiiiitd", expr->len ? expr->p : NULL, m->lo, m->hi > 0 ? m->hi : INT64_MAX,
		   (int64_t)0, (int64_t)0, (int64_t)0, m->holder, limit);
}

/* Steps statement what (search_stmt) of m, calling row with each of its
 * first m->limit rows and the row's number; *n gets their count. */
static int each_match(struct store *s, const struct search_match *m, int what,
		      void (*row)(sqlite3_stmt *st, int i, void *ud), void *ud, int *n)
{
	struct dbuf expr;
	sqlite3_stmt *st;
	int rc = 0;

	*n = 0;
	dbuf_init(&expr, 64 * 1024);
	st = search_stmt(s, m, what, &expr);
	if (st == NULL) {
		rc = s->err.code;
		goto out;
	}
	while (*n < m->limit && (rc = step_row(s, st)) == 1)
		row(st, (*n)++, ud);
	sqlite3_reset(st);
	if (rc > 0)
		rc = 0;
out:
	dbuf_free(&expr);
	return rc;
}

static void match_key(sqlite3_stmt *st, int i, void *ud)
{
	((int64_t *)ud)[i] = col_i(st, 0);
}

static int sq_search_match(struct store *s, const struct search_match *m, int64_t *keys, int *n)
{
	return each_match(s, m, 0, match_key, keys, n);
}

/* The phrases' places from dipreg_columns instead of the documents' text:
 * ranking the newest 500 matches of a query at 1M records fetched 500
 * rows of search_docs, scattered over the table, and tokenized their
 * names and holders again (bench/search/README.md).  The columns of
 * search_fts: 0 name, 1 holder. */
#define SQ_MAX_PHRASES 64

struct phrase_rows {
	int64_t *keys;
	uint64_t *in_name, *in_holder;
	const int *index;    /* FTS5's phrase i is the ranking's index[i] (< 0: none) */
	size_t nphrases;
};

static void match_phrases(sqlite3_stmt *st, int n, void *ud)
{
	struct phrase_rows *p = ud;
	const unsigned char *cols = sqlite3_column_blob(st, 1);
	int len = sqlite3_column_bytes(st, 1);
	size_t i;

	p->keys[n] = col_i(st, 0);
	p->in_name[n] = p->in_holder[n] = 0;
	/* The phrases of the filters follow the query's: not ranked. */
	for (i = 0; cols && i < p->nphrases && i < (size_t)len; i++) {
		if (p->index[i] < 0)
			continue;
		if (cols[i] & 1)
			p->in_name[n] |= UINT64_C(1) << p->index[i];
		if (cols[i] & 2)
			p->in_holder[n] |= UINT64_C(1) << p->index[i];
	}
}

static int sq_search_match_phrases(struct store *s, const struct search_match *m, int64_t *keys,
				   uint64_t *in_name, uint64_t *in_holder, int *n)
{
	int index[SQ_MAX_PHRASES];
	struct phrase_rows p = { keys, in_name, in_holder, index, 0 };

	*n = -1;
	if (m->q == NULL || qry_fts5_phrases(m->q, index, SQ_MAX_PHRASES, &p.nphrases) != 0 ||
	    p.nphrases > SQ_MAX_PHRASES)
		return 0;
	return each_match(s, m, 3, match_phrases, &p, n);
}

/* Calls cb with each row of a statement selecting key, industry, cert_no,
 * reg_no, fingerprint, name, holder, body. */
static int each_doc(struct store *s, sqlite3_stmt *st, store_search_cb cb, void *ud)
{
	struct search_doc d;
	int rc;

	while ((rc = step_row(s, st)) == 1) {
		memset(&d, 0, sizeof(d));
		d.key = col_i(st, 0);
		col_text(st, 1, d.industry, sizeof(d.industry));
		col_text(st, 2, d.cert_no, sizeof(d.cert_no));
		col_text(st, 3, d.reg_no, sizeof(d.reg_no));
		col_text(st, 4, d.fingerprint, sizeof(d.fingerprint));
		d.name = (const char *)sqlite3_column_text(st, 5);
		d.holder = (const char *)sqlite3_column_text(st, 6);
		d.body = (const char *)sqlite3_column_text(st, 7);
		if (d.name == NULL)
			d.name = "";
		if (d.holder == NULL)
			d.holder = "";
		rc = cb(ud, &d);
		if (rc)
			break;
	}
	sqlite3_reset(st);
	return rc;
}

static int sq_search_match_docs(struct store *s, const struct search_match *m, int with_body,
				store_search_cb cb, void *ud)
{
	struct dbuf expr;
	sqlite3_stmt *st;
	int rc;

	dbuf_init(&expr, 64 * 1024);
	st = search_stmt(s, m, with_body ? 2 : 1, &expr);
	rc = st ? each_doc(s, st, cb, ud) : s->err.code;
	dbuf_free(&expr);
	return rc;
}

static int sq_search_docs(struct store *s, const int64_t *keys, int n, int with_body,
			  store_search_cb cb, void *ud)
{
	struct dbuf list;
	sqlite3_stmt *st;
	int i, rc = 0;

	if (n <= 0)
		return 0;
	dbuf_init(&list, 0);
	for (i = 0; rc == 0 && i < n; i++)
		rc = dbuf_addf(&list, "%s%lld", i ? "," : "[", (long long)keys[i]);
	if (rc == 0)
		rc = dbuf_addc(&list, ']');
	if (rc) {
		dbuf_free(&list);
		return dip_fail(&s->err, rc, "", "out of memory");
	}
	st = with_body ? run(s, "SELECT d.key, " SQ_COLS ", b.body FROM search_docs d "
			     "JOIN search_bodies b ON b.key = d.key "
			     "WHERE d.key IN (SELECT value FROM json_each(?))", "t", list.p)
		       : run(s, "SELECT d.key, " SQ_COLS ", NULL FROM search_docs d "
			     "WHERE d.key IN (SELECT value FROM json_each(?))", "t", list.p);
	rc = st ? each_doc(s, st, cb, ud) : s->err.code;
	dbuf_free(&list);
	return rc;
}

static int sq_search_lookup(struct store *s, char field, const char *value, int64_t *keys, int max,
			    int *n)
{
	sqlite3_stmt *st;

	*n = 0;
	if (field == 'c')
		st = run(s, "SELECT key FROM search_docs WHERE cert_no = ? AND cert_no <> '' "
			 "ORDER BY key ASC LIMIT ?", "td", value, max);
	else if (field == 'r')
		st = run(s, "SELECT key FROM search_docs WHERE reg_no = ? AND reg_no <> '' "
			 "ORDER BY key ASC LIMIT ?", "td", value, max);
	else
		st = run(s, "SELECT key FROM search_docs WHERE fingerprint = ? AND fingerprint <> '' "
			 "ORDER BY key ASC LIMIT ?", "td", value, max);
	return id_list(s, st, keys, max, n);
}

static int sq_search_stats(struct store *s, store_stat_cb cb, void *ud)
{
	sqlite3_stmt *st = run(s, "SELECT dim, value, n FROM search_stats WHERE dim < ? AND n <> 0 "
			       "ORDER BY dim, value", "d", (int)SEARCH_DIM_DAY);
	int rc = 0;

	if (st == NULL)
		return s->err.code;
	while ((rc = step_row(s, st)) == 1) {
		rc = cb(ud, (enum search_dim)col_i(st, 0), col_i(st, 1), col_i(st, 2));
		if (rc)
			break;
	}
	sqlite3_reset(st);
	return rc;
}

static int sq_search_day_count(struct store *s, dip_day from, dip_day to, int64_t *n)
{
	/* Every day: the total, one row instead of a sum over a thousand
	 * (asked by every search with a query, 3-5% of its time at 1M). */
	if (from <= 0 && to >= SEARCH_DAY_MAX)
		return count_query(s, run(s, "SELECT coalesce(sum(n), 0) FROM search_stats "
					  "WHERE dim = ? AND value = 0", "d", (int)SEARCH_DIM_TOTAL), n);
	return count_query(s, run(s, "SELECT coalesce(sum(n), 0) FROM search_stats WHERE dim = ? "
				  "AND value >= ? AND value <= ?", "dii", (int)SEARCH_DIM_DAY,
				  (int64_t)from, (int64_t)to), n);
}

static int sq_search_generation(struct store *s, int64_t *gen)
{
	return count_query(s, run(s, "SELECT n FROM search_stats WHERE dim = ? AND value = 0", "d",
				  SEARCH_GENERATION_DIM), gen);
}

/* Inserting document after document leaves FTS5 with a few segments a
 * level (automerge), and every word of a query is then read from each of
 * them and merged: at 100k records the rebuilt index had 17.  One segment
 * reads each posting list in one pass (docs/performance.md, P2). */
static int sq_search_optimize(struct store *s)
{
	return exec(s, "INSERT INTO search_fts(search_fts) VALUES ('optimize')", "");
}

static int sq_search_clear(struct store *s)
{
	int rc = exec(s, "INSERT INTO search_fts(search_fts) VALUES ('delete-all')", "");

	if (rc == 0)
		rc = exec(s, "DELETE FROM search_docs", "");
	if (rc == 0)
		rc = exec(s, "DELETE FROM search_bodies", "");
	if (rc == 0)
		rc = exec(s, "DELETE FROM search_holders", "");
	/* The generation goes on: a result cached before the rebuild must not
	 * pass for one after it. */
	if (rc == 0)
		rc = exec(s, "DELETE FROM search_stats WHERE dim <> ?", "d", SEARCH_GENERATION_DIM);
	if (rc == 0)
		rc = exec(s, "INSERT INTO search_stats(dim, value, n) VALUES (?, 0, 1) "
			  "ON CONFLICT(dim, value) DO UPDATE SET n = n + 1", "d", SEARCH_GENERATION_DIM);
	return rc;
}

/* Runs sql, again while the database is busy, for up to the busy timeout:
 * a new database's switch to WAL takes an exclusive lock for which SQLite
 * does not call the busy handler, so servers opening one at the same
 * moment would otherwise see "database is locked". */
static int exec_retrying(sqlite3 *db, const char *sql)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int rc, i;

	for (i = 0; i < 1000; i++) {
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		nanosleep(&pause, NULL);
	}
	return rc;
}

/* How much of the database file each connection reads through a memory
 * map instead of a copy per page.  A map halves the CPU of a search over
 * a large index, but every checkpoint that grows the file makes each
 * connection remap it, inside its next transaction: under a stream of
 * submissions that cost more than half the write rate (bench P3), and the
 * mapped pages count in the process's resident size.  So none unless the
 * operator asks (server.sqlite_mmap). */
static _Atomic int64_t sqlite_mmap_bytes;

void store_sqlite_set_mmap(int64_t bytes)
{
	atomic_store(&sqlite_mmap_bytes, bytes < 0 ? 0 : bytes);
}

/* A server thread's reading connection serves the searches: FTS5 reads
 * the posting lists of the common words again and again, and SQLite's
 * default cache (2 MiB) keeps few of them at a million registrations.
 * 16 MiB raised the search rate at 1M by half (bench P2, no answer cache)
 * for some 11 MiB of resident memory.  The writer keeps the default: what
 * it touches is scattered, and a larger cache measured no faster. */
static _Atomic int64_t sqlite_cache_bytes;

void store_sqlite_set_cache(int64_t bytes)
{
	atomic_store(&sqlite_cache_bytes, bytes < 0 ? 0 : bytes);
}

/* ---- opening, migrations ------------------------------------------------------------------------ */

struct migrate_ctx {
	struct store *s;
	int rc;
};

static void apply_migration(const struct dip_resource *r, void *ud)
{
	struct migrate_ctx *m = ud;
	const char *base = strrchr(r->name, '/');
	char *err = NULL;
	int64_t applied = 0;
	long version;

	if (m->rc)
		return;
	version = strtol(base ? base + 1 : r->name, NULL, 10);
	/* Every migration not applied yet, not only those above the highest
	 * applied: branches add migrations in any order. */
	m->rc = count_query(m->s, run(m->s, "SELECT count(*) FROM schema_migrations WHERE version = ?",
				      "i", (int64_t)version), &applied);
	if (m->rc || applied)
		return;
	if (sqlite3_exec(DB(m->s), r->data, NULL, NULL, &err) != SQLITE_OK) {
		m->rc = dip_fail(&m->s->err, DIP_EDB, "", "database: migration %s: %s", r->name,
				 err ? err : "failed");
		sqlite3_free(err);
		return;
	}
	m->rc = exec(m->s, "INSERT INTO schema_migrations(version) VALUES (?)", "i", (int64_t)version);
}

static int migrate(struct store *s)
{
	struct migrate_ctx m = { s, 0 };
	int rc;

	rc = exec(s, "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY)", "");
	if (rc)
		return rc;
	rc = sq_begin(s, 1);
	if (rc)
		return rc;
	res_each("migrations/sqlite/", apply_migration, &m);
	rc = m.rc;
	if (rc)
		sq_rollback(s);
	else
		rc = sq_commit(s);
	return rc;
}

/* ---- statistics -------------------------------------------------------- */

#define STR_(x) #x
#define STR(x) STR_(x)
/* The holder class of application a (STATS_JOINT or a party kind). */
#define HOLDER_CLASS "CASE WHEN (SELECT count(*) FROM parties p WHERE p.app_id = a.id) > 1 " \
	"THEN " STR(STATS_JOINT) " ELSE coalesce((SELECT max(p.kind) FROM parties p " \
	"WHERE p.app_id = a.id), 0) END"

static int each_stats(struct store *s, sqlite3_stmt *st, int with_what, int with_amounts,
		      store_stats_cb cb, void *ud)
{
	struct stats_row r;
	int rc, c;

	if (st == NULL)
		return s->err.code;
	while ((rc = step_row(s, st)) == 1) {
		memset(&r, 0, sizeof(r));
		c = 0;
		if (with_what)
			r.what = (int)col_i(st, c++);
		r.day = (dip_day)col_i(st, c++);
		r.key = (int)col_i(st, c++);
		r.flag = (int)col_i(st, c++);
		col_text(st, c++, r.industry, sizeof(r.industry));
		r.count = col_i(st, c++);
		if (with_amounts) {
			r.amount_count = col_i(st, c++);
			r.amount_sum = col_i(st, c++);
		}
		rc = cb(ud, &r);
		if (rc)
			break;
	}
	sqlite3_reset(st);
	return rc;
}

/* Instants count on their civil day in the zone: (t + zone) / 86400, exact
 * for every instant after 1970 and the same in store_pg.c. */
static int sq_stats_flows(struct store *s, int zone, store_stats_cb cb, void *ud)
{
	return each_stats(s, run(s,
		"SELECT 0, (a.submitted_at + ?1) / 86400, a.state, 0, a.industry, count(*) "
		"FROM applications a WHERE a.submitted_at > 0 AND " STATS_NOT_DRAFT " GROUP BY 2, 3, 5 "
		"UNION ALL "
		"SELECT 1, x.reg_day, x.holder, 0, x.industry, count(*) FROM (SELECT a.reg_day, "
		HOLDER_CLASS " AS holder, a.industry FROM applications a "
		"WHERE a.reg_day > 0 AND " STATS_NOT_DRAFT ") x "
		"GROUP BY 2, 3, 5 "
		"UNION ALL "
		"SELECT 2, (e.at + ?1) / 86400, 0, 0, a.industry, count(*) "
		"FROM events e JOIN applications a ON a.id = e.app_id WHERE e.action = 'renew' "
		"GROUP BY 2, 5 "
		"UNION ALL "
		"SELECT 3, (r.decided_at + ?1) / 86400, r.kind, 0, a.industry, count(*) "
		"FROM requests r JOIN applications a ON a.id = r.app_id WHERE r.state = ?2 "
		"GROUP BY 2, 3, 5 "
		"UNION ALL "
		"SELECT 4, (a.closed_at + ?1) / 86400, a.close_reason, "
		"CASE WHEN a.state = ?4 THEN 1 ELSE 0 END, a.industry, count(*) "
		"FROM applications a WHERE a.state IN (?3, ?4) AND " STATS_NOT_DRAFT " GROUP BY 2, 3, 4, 5 "
		"ORDER BY 1, 2, 3, 4, 5",
		"iddd", (int64_t)zone, (int)REQ_APPROVED, (int)APP_CANCELLED, (int)APP_REVOKED),
		1, 0, cb, ud);
}

/* An amount counts when the payload holds it as a JSON integer, as
 * check_filing in registered.c requires. */
static int sq_stats_filings(struct store *s, store_stats_cb cb, void *ud)
{
	return each_stats(s, run(s,
		"SELECT r.act_day, r.kind, r.late, a.industry, count(*), "
		"count(CASE WHEN json_type(r.payload, '$.amount') = 'integer' THEN 1 END), "
		"coalesce(sum(CASE WHEN json_type(r.payload, '$.amount') = 'integer' "
		"THEN json_extract(r.payload, '$.amount') END), 0) "
		"FROM requests r JOIN applications a ON a.id = r.app_id "
		"WHERE r.state = ? AND r.kind IN (?, ?, ?) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
		"dddd", (int)REQ_APPROVED, (int)REQ_TRANSACTION, (int)REQ_PLEDGE, (int)REQ_LICENCE),
		0, 1, cb, ud);
}

static int sq_stats_register(struct store *s, store_stats_cb cb, void *ud)
{
	return each_stats(s, run(s,
		"SELECT 0, x.state, x.holder, x.industry, count(*) FROM (SELECT a.state, "
		HOLDER_CLASS " AS holder, a.industry FROM applications a WHERE " STATS_NOT_DRAFT ") x "
		"GROUP BY 2, 3, 4 ORDER BY 2, 3, 4", ""),
		0, 0, cb, ud);
}

static void sq_free(struct sq *q)
{
	int i;

	if (q == NULL)
		return;
	for (i = 0; i < q->ncache; i++)
		sqlite3_finalize(q->cache[i].st);
	sqlite3_close(q->db);
	free(q);
}

static void sq_close(struct store *s)
{
	struct sq *q = s->impl;

	if (q == NULL)
		return;
	/* A transaction or batch left open on the writer ends with its
	 * borrower, unstored. */
	if (q->holds_write)
		batch_lose(s);
	sq_free(s->impl);
	s->impl = NULL;
}

static int sq_app_stamp(struct store *s, int64_t id, struct app_stamp *out)
{
	sqlite3_stmt *st = run(s, "SELECT a.version, "
			       "(SELECT count(*) * 4294967296 + coalesce(sum(o.version), 0) "
			       "FROM objections o WHERE o.app_id = a.id), "
			       "(SELECT coalesce(min(d.due_at), 0) FROM deadlines d WHERE d.app_id = a.id "
			       "AND d.closed_at = 0 AND d.binds_party = 1) "
			       "FROM applications a WHERE a.id = ?", "i", id);
	int rc;

	if (st == NULL)
		return s->err.code;
	rc = step_row(s, st);
	if (rc <= 0)
		return rc < 0 ? rc : not_found(s, "application");
	out->version = col_i(st, 0);
	out->objections = col_i(st, 1);
	out->next_due = col_i(st, 2);
	sqlite3_reset(st);
	return 0;
}

static uint64_t sq_generation(struct store *s)
{
	struct sq *q = s->impl;

	return q->group ? atomic_load(&q->group->committed) + 1 : 0;
}

static const struct store sqlite_ops = {
	.backend = "sqlite",
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.batch_allow = sq_batch_allow,
	.batch_size = sq_batch_size,
	.batch_commit = sq_batch_commit,
	.batch_try = sq_batch_try,
	.setting_get = sq_setting_get,
	.setting_put = sq_setting_put,
	.counter_next = sq_counter_next,
	.account_insert = sq_account_insert,
	.account_get = sq_account_get,
	.account_by_login = sq_account_by_login,
	.account_update = sq_account_update,
	.account_list = sq_account_list,
	.account_count = sq_account_count,
	.session_insert = sq_session_insert,
	.session_get = sq_session_get,
	.session_delete = sq_session_delete,
	.session_delete_account = sq_session_delete_account,
	.login_fail_add = sq_login_fail_add,
	.login_fail_count = sq_login_fail_count,
	.agency_put = sq_agency_put,
	.agency_get = sq_agency_get,
	.app_insert = sq_app_insert,
	.app_get = sq_app_get,
	.app_update = sq_app_update,
	.app_list = sq_app_list,
	.app_count_by_state = sq_app_count_by_state,
	.app_by_fingerprint = sq_app_by_fingerprint,
	.app_by_reg_no = sq_app_by_reg_no,
	.party_put = sq_party_put,
	.party_delete_all = sq_party_delete_all,
	.party_list = sq_party_list,
	.objection_insert = sq_objection_insert,
	.objection_get = sq_objection_get,
	.objection_update = sq_objection_update,
	.objection_ids = sq_objection_ids,
	.request_insert = sq_request_insert,
	.request_get = sq_request_get,
	.request_update = sq_request_update,
	.request_ids = sq_request_ids,
	.request_list = sq_request_list,
	.event_insert = sq_event_insert,
	.event_list = sq_event_list,
	.deadline_insert = sq_deadline_insert,
	.deadline_close = sq_deadline_close,
	.deadline_open_for = sq_deadline_open_for,
	.deadline_due = sq_deadline_due,
	.deadline_tasks = sq_deadline_tasks,
	.message_insert = sq_message_insert,
	.message_list = sq_message_list,
	.message_mark_read = sq_message_mark_read,
	.message_unread = sq_message_unread,
	.upload_insert = sq_upload_insert,
	.upload_get = sq_upload_get,
	.upload_link = sq_upload_link,
	.upload_linked = sq_upload_linked,
	.deposit_insert = sq_deposit_insert,
	.deposit_get = sq_deposit_get,
	.cert_insert = sq_cert_insert,
	.cert_get = sq_cert_get,
	.cert_latest = sq_cert_latest,
	.cert_set_status = sq_cert_set_status,
	.audit_insert = sq_audit_insert,
	.audit_list = sq_audit_list,
	.ledger_append = sq_ledger_append,
	.ledger_announcements = sq_ledger_announcements,
	.ledger_entry = sq_ledger_entry,
	.ledger_size = sq_ledger_size,
	.tile_get = sq_tile_get,
	.tile_put = sq_tile_put,
	.checkpoint_put = sq_checkpoint_put,
	.checkpoint_latest = sq_checkpoint_latest,
	.checkpoint_witnessed = sq_checkpoint_witnessed,
	.deposit_logged = sq_deposit_logged,
	.upload_party_link = sq_upload_party_link,
	.deposit_set_index = sq_deposit_set_index,
	.stats_flows = sq_stats_flows,
	.stats_filings = sq_stats_filings,
	.stats_register = sq_stats_register,
	.event_last = sq_event_last,
	.tx_lock = sq_tx_lock,
	.table_export = sq_table_export,
	.table_import = sq_table_import,
	.table_count = sq_table_count,
	.search_put = sq_search_put,
	.search_delete = sq_search_delete,
	.search_match = sq_search_match,
	.search_match_docs = sq_search_match_docs,
	.search_match_phrases = sq_search_match_phrases,
	.search_docs = sq_search_docs,
	.search_lookup = sq_search_lookup,
	.search_stats = sq_search_stats,
	.search_day_count = sq_search_day_count,
	.search_clear = sq_search_clear,
	.search_optimize = sq_search_optimize,
	.search_generation = sq_search_generation,
	.app_stamp = sq_app_stamp,
	.generation = sq_generation,
};

struct store *store_open_sqlite(const char *path, struct dip_error *e)
{
	return store__open_sqlite(path, NULL, e);
}

/* SQLite counts every allocation for sqlite3_memory_used(), under one
 * mutex that all connections share: the threads' searches and the writer
 * took turns at it for each row they read.  Nothing here asks for those
 * counts, so they are switched off before SQLite starts. */
static pthread_once_t sq_once = PTHREAD_ONCE_INIT;

static void sq_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static struct store *open_conn(const char *path, struct store_group *g, struct dip_error *e)
{
	struct store *s = calloc(1, sizeof(*s));
	struct sq *q = calloc(1, sizeof(*q));
	char pragmas[256];
	int rc;

	if (s == NULL || q == NULL) {
		free(s);
		free(q);
		dip_fail(e, DIP_ENOMEM, "", "out of memory");
		return NULL;
	}
	*s = sqlite_ops;
	s->impl = q;
	q->home = q;
	pthread_once(&sq_once, sq_configure);
	rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		dip_fail(e, DIP_EDB, "db", "database %s: %s", path,
			 q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(q->db, 10000);
	sqlite3_extended_result_codes(q->db, 0);
	snprintf(pragmas, sizeof(pragmas), "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
		 "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY; PRAGMA mmap_size = %lld;",
		 (long long)atomic_load(&sqlite_mmap_bytes));
	if (exec_retrying(q->db, pragmas) != SQLITE_OK) {
		dip_fail(e, DIP_EDB, "db", "database %s: %s", path, sqlite3_errmsg(q->db));
		goto fail;
	}
	/* The search index's table names the tokenizer: every connection
	 * needs it before any statement touches that table. */
	if (fts_register(q->db, e) != 0)
		goto fail;
	if (migrate(s)) {
		if (e)
			*e = s->err;
		goto fail;
	}
	if (g) {
		/* Commits reach the log without a sync; store_group_sync
		 * makes them durable, many at once. */
		if (sqlite3_exec(q->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK) {
			dip_fail(e, DIP_EDB, "db", "database %s: %s", path, sqlite3_errmsg(q->db));
			goto fail;
		}
		/* Checkpoints move to store_group_checkpoint, off the
		 * committing threads. */
		if (sqlite3_exec(q->db, "PRAGMA wal_autocheckpoint = 0", NULL, NULL, NULL) != SQLITE_OK) {
			dip_fail(e, DIP_EDB, "db", "database %s: %s", path, sqlite3_errmsg(q->db));
			goto fail;
		}
		q->group = g;
		pthread_mutex_lock(&g->mu);
		if (g->wal[0] == '\0')
			snprintf(g->wal, sizeof(g->wal), "%s-wal", sqlite3_db_filename(q->db, "main"));
		pthread_mutex_unlock(&g->mu);
	}
	return s;
fail:
	sq_close(s);
	free(s);
	return NULL;
}

/* After each commit of the writer: how long the log is, for the
 * checkpointer. */
static int on_wal(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store_group *g = arg;

	(void)db;
	(void)name;
	atomic_store(&g->wal_frames, frames);
	return SQLITE_OK;
}

struct store *store__open_sqlite(const char *path, struct store_group *g, struct dip_error *e)
{
	struct store *s = open_conn(path, g, e), *w;
	int64_t cache = atomic_load(&sqlite_cache_bytes);
	char pragma[64];

	if (s == NULL || g == NULL)
		return s;
	if (cache > 0) {
		snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%lld", (long long)(cache >> 10));
		sqlite3_exec(((struct sq *)s->impl)->db, pragma, NULL, NULL, NULL);
	}
	/* The group's writer (take_write), opened with its first member. */
	pthread_mutex_lock(&g->write_mu);
	if (g->writer == NULL) {
		w = open_conn(path, g, e);
		if (w == NULL) {
			pthread_mutex_unlock(&g->write_mu);
			store_close(s);
			return NULL;
		}
		g->writer = w->impl;
		free(w);
		sqlite3_wal_hook(g->writer->db, on_wal, g);
	}
	pthread_mutex_unlock(&g->write_mu);
	return s;
}

/* ---- group commit ---------------------------------------------------------- */

struct store_group *store__group_new_sqlite(void)
{
	struct store_group *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	pthread_mutex_init(&g->mu, NULL);
	pthread_mutex_init(&g->ckpt_mu, NULL);
	pthread_mutex_init(&g->write_mu, NULL);
	g->fd = -1;
	return g;
}

void store_group_free(struct store_group *g)
{
	if (g == NULL)
		return;
	if (g->fd >= 0)
		close(g->fd);
	if (g->ckpt)
		sqlite3_close(g->ckpt);
	sq_free(g->writer);
	pthread_mutex_destroy(&g->ckpt_mu);
	pthread_mutex_destroy(&g->write_mu);
	pthread_mutex_destroy(&g->mu);
	free(g);
}

/* One checkpoint of the group's log in mode; *log and *done (may be
 * NULL) get its frames and those copied.  0, or DIP_EIO; busy readers or
 * writers are no error. */
static int checkpoint(struct store_group *g, int mode, int *log, int *done, struct dip_error *e)
{
	if (sqlite3_wal_checkpoint_v2(g->ckpt, "main", mode, log, done) != SQLITE_OK &&
	    sqlite3_errcode(g->ckpt) != SQLITE_BUSY)
		return dip_fail(e, DIP_EIO, "db", "checkpoint of %s: %s", sqlite3_db_filename(g->ckpt, "main"),
				sqlite3_errmsg(g->ckpt));
	return 0;
}

/* A frame of the log: a page (SQLite's default size, which dipreg never
 * changes) and its header. */
#define WAL_FRAME_BYTES (4096 + 24)
int store_group_checkpoint(struct store_group *g, int64_t min_bytes, struct dip_error *e)
{
	char path[4200];
	int64_t frames = atomic_load(&g->wal_frames);
	int log = -1, done = -1, round, rc = 0;

	if (g->writer == NULL || frames * WAL_FRAME_BYTES < min_bytes)
		return 0;
	pthread_mutex_lock(&g->mu);
	snprintf(path, sizeof(path), "%.*s", (int)(strlen(g->wal) > 4 ? strlen(g->wal) - 4 : 0),
		 g->wal);
	pthread_mutex_unlock(&g->mu);
	if (path[0] == '\0')
		return 0;
	pthread_mutex_lock(&g->ckpt_mu);
	if (g->ckpt == NULL &&
	    sqlite3_open_v2(path, &g->ckpt, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK)
		sqlite3_exec(g->ckpt, "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0",
			     NULL, NULL, NULL);
	/*
	 * PASSIVE copies what no reader still needs and never blocks writers
	 * (the log is synced before, the database after).  But the log starts
	 * over from its beginning only once all of it is copied, which under
	 * a steady stream of commits a passive checkpoint never achieves: the
	 * log would grow, each sync would write the file's new size too, and
	 * every read would search a longer index.  So passive rounds, each
	 * copying what the writers added during the last, run until what is
	 * left is under a quarter of min_bytes; then the writers are held off
	 * while a RESTART copies the rest and the log starts over.  Past 16
	 * times min_bytes the restart copies whatever is left.  A reader still
	 * on an older snapshot makes the restart give up at once, rather than
	 * keep the writers waiting; the next round tries again.
	 */
	if (g->ckpt == NULL) {
		rc = dip_fail(e, DIP_EIO, "db", "checkpoint of %s: cannot open", path);
		pthread_mutex_unlock(&g->ckpt_mu);
		return rc;
	}
	for (round = 0; round < 4 && rc == 0; round++) {
		rc = checkpoint(g, SQLITE_CHECKPOINT_PASSIVE, &log, &done, e);
		if ((int64_t)(log - done) * WAL_FRAME_BYTES <= min_bytes / 4)
			break;
	}
	if (rc == 0 && log > 0 && ((int64_t)(log - done) * WAL_FRAME_BYTES <= min_bytes / 4 ||
				   (int64_t)log * WAL_FRAME_BYTES >= 16 * min_bytes)) {
		pthread_mutex_lock(&g->write_mu);
		sqlite3_busy_timeout(g->ckpt, 5);
		rc = checkpoint(g, SQLITE_CHECKPOINT_RESTART, NULL, NULL, e);
		sqlite3_busy_timeout(g->ckpt, 0);
		pthread_mutex_unlock(&g->write_mu);
	}
	pthread_mutex_unlock(&g->ckpt_mu);
	return rc;
}

uint64_t store_group_reserved(struct store_group *g)
{
	return g ? atomic_load(&g->reserved) : 0;
}

void store_group_on_commit(struct store_group *g, void (*fn)(void *arg), void *arg)
{
	g->on_commit = fn;
	g->on_commit_arg = arg;
}

uint64_t store_group_committed(struct store_group *g)
{
	return g ? atomic_load(&g->committed) : 0;
}

uint64_t store_group_durable(struct store_group *g)
{
	return g ? atomic_load(&g->durable) : 0;
}

/* Opens the log when it is not open or was replaced (SQLite deletes it
 * when the last connection closes).  A new log's name must be durable in
 * its directory too: SQLite would sync the directory on the log's first
 * sync, which group commit does itself. */
static int open_wal(struct store_group *g, struct dip_error *e)
{
	struct stat by_name, by_fd;
	char dir[4200], *slash;
	int dfd;

	if (stat(g->wal, &by_name) != 0)
		return errno == ENOENT ? 0 : dip_fail(e, DIP_EIO, "db", "%s: %s", g->wal, strerror(errno));
	if (g->fd >= 0 && fstat(g->fd, &by_fd) == 0 && by_fd.st_nlink > 0 &&
	    by_fd.st_dev == by_name.st_dev && by_fd.st_ino == by_name.st_ino)
		return 0;
	if (g->fd >= 0)
		close(g->fd);
	g->fd = open(g->wal, O_RDONLY | O_CLOEXEC);
	if (g->fd < 0)
		return dip_fail(e, DIP_EIO, "db", "%s: %s", g->wal, strerror(errno));
	snprintf(dir, sizeof(dir), "%s", g->wal);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) != 0) {
		if (dfd >= 0)
			close(dfd);
		return dip_fail(e, DIP_EIO, "db", "%s: %s", dir, strerror(errno));
	}
	close(dfd);
	return 0;
}

int store_group_sync(struct store_group *g, uint64_t *durable, struct dip_error *e)
{
	uint64_t target;
	int rc = 0;

	pthread_mutex_lock(&g->mu);
	target = atomic_load(&g->committed);
	if (target > atomic_load(&g->durable)) {
		/* fdatasync on any descriptor of the file writes all of its
		 * dirty data, whoever wrote it. */
		rc = open_wal(g, e);
		if (rc == 0 && g->fd >= 0 && fdatasync(g->fd) != 0)
			rc = dip_fail(e, DIP_EIO, "db", "%s: %s", g->wal, strerror(errno));
		if (rc == 0)
			atomic_store(&g->durable, target);
	}
	if (durable)
		*durable = atomic_load(&g->durable);
	pthread_mutex_unlock(&g->mu);
	return rc;
}
