/*
 * store_pg.c - the PostgreSQL backend of the store interface.
 *
 * One struct store wraps one libpq connection.  Every statement is
 * prepared once per connection (PQprepare, named after its slot in a small
 * cache keyed by the SQL text's address, every SQL string here being a
 * static literal) and then run with PQexecPrepared; parameters and results
 * travel in binary, so no value is ever formatted into SQL.
 *
 * The semantics follow store_sqlite.c row for row; where PostgreSQL
 * differs, this file makes up for it:
 *
 *   - Write transactions run at READ COMMITTED.  SQLite's BEGIN IMMEDIATE
 *     serialises all writers; here writers run side by side, and what must
 *     not interleave is serialised per application: in a write
 *     transaction, app_get reads with FOR UPDATE, so a second transaction
 *     loading the same application waits for the first to end and then
 *     reads what it left, as it would have on SQLite (the service's
 *     read-check-write then fails its state check).  Taking the
 *     application's row first also keeps two use cases on one application
 *     from locking rows in opposite orders.  Versioned updates ("... WHERE
 *     id = $n AND version = $m") still catch a record read outside the
 *     transaction: the loser waits for the winner's row lock and then
 *     matches no row, DIP_ECONFLICT.  Read transactions run at REPEATABLE
 *     READ, so that they see one snapshot as SQLite's do.  Serialisation
 *     failures and deadlocks are DIP_EBUSY.
 *   - A failed statement aborts a PostgreSQL transaction, where SQLite
 *     only undoes the statement.  Unique keys a caller may hit (login,
 *     session token, certificate number and version) are therefore
 *     inserted with ON CONFLICT DO NOTHING and a lost insert reported as
 *     DIP_ECONFLICT without an error, so the transaction stays usable
 *     exactly as on SQLite.  After any other error the transaction can
 *     only be rolled back; the service does that on every error anyway.
 *   - The log's size is the one row of ledger_head: an append raises it
 *     in the appending transaction, so concurrent appenders queue on the
 *     row lock and take consecutive indexes, gap-free since a rollback
 *     undoes the increment with the entry.
 *   - Integrating the log (the sequencer) and cosigning its checkpoint
 *     read the log's size or latest checkpoint and write a checkpoint
 *     from them.  In a write transaction the first such read takes an
 *     advisory lock, the sequencer's, held to the end of the transaction:
 *     one instance sequences at a time, and the next one reads what the
 *     last one left.  Appenders do not take it.  tx_lock takes the same
 *     lock by name ("sequencer"), or the scheduler's, explicitly; a server
 *     that dies loses its connection and with it every such lock.
 *   - Whole tables (dipreg migrate) leave through a cursor a few hundred
 *     rows at a time and come in through COPY; an import then moves the
 *     identity sequences past the ids imported and sets the log's size.
 *   - Migrations run in one transaction holding an advisory lock, so two
 *     servers starting at once do not both migrate.
 *
 * A lost connection fails the operation with DIP_EDB, and the transaction
 * with it; outside a transaction the store reconnects by itself, retrying
 * a BEGIN or a read that found the connection dead.
 */
#include "store/store.h"
#include "domain/query.h"
#include "domain/tokenize.h"
#include "util/res.h"

#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE 128
#define MAX_PARAMS 32

/* Type OIDs of the parameters we send (pg_type.h is server-side only). */
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_TEXT 25

/* pg_advisory_xact_lock keys: "dipreg" and a number. */
#define MIGRATION_LOCK INT64_C(0x6469707265670001)
#define SEQUENCER_LOCK INT64_C(0x6469707265670002)
#define SCHEDULER_LOCK INT64_C(0x6469707265670003)

struct pg {
	PGconn *conn;
	const char *cache[STMT_CACHE]; /* SQL of statement "dip<i>" */
	int ncache;
	int in_tx;
	int write;               /* the open transaction is a write transaction */
	int sequencing;          /* it holds SEQUENCER_LOCK */
	int dirty;               /* it wrote what a kept answer is made from */
	/* The search's last estimate (search_walks): its tsquery, the rows
	 * the planner expects it to match, and the index's size. */
	char *est_query;
	int64_t est_rows, est_docs;
	int est_uses;
};

/* The parameters of one statement, in binary format. */
struct params {
	int n;
	const char *val[MAX_PARAMS];
	int len[MAX_PARAMS];
	int fmt[MAX_PARAMS];
	Oid type[MAX_PARAMS];
	unsigned char ints[MAX_PARAMS][8];
	int overflow;
	int adhoc;               /* run unprepared: planned for these values */
};

#define CONN(s) (((struct pg *)(s)->impl)->conn)

static void p_int(struct params *p, int64_t v)
{
	uint64_t u = (uint64_t)v;
	int i;

	if (p->n >= MAX_PARAMS) {
		p->overflow = 1;
		return;
	}
	for (i = 7; i >= 0; i--) {
		p->ints[p->n][i] = (unsigned char)(u & 0xff);
		u >>= 8;
	}
	p->val[p->n] = (const char *)p->ints[p->n];
	p->len[p->n] = 8;
	p->fmt[p->n] = 1;
	p->type[p->n] = OID_INT8;
	p->n++;
}

/* NULL binds SQL NULL. */
static void p_text(struct params *p, const char *t)
{
	if (p->n >= MAX_PARAMS) {
		p->overflow = 1;
		return;
	}
	p->val[p->n] = t;
	p->len[p->n] = t ? (int)strlen(t) : 0;
	p->fmt[p->n] = 1;
	p->type[p->n] = OID_TEXT;
	p->n++;
}

static void p_blob(struct params *p, const void *b, size_t n)
{
	if (p->n >= MAX_PARAMS || n > INT32_MAX) {
		p->overflow = 1;
		return;
	}
	p->val[p->n] = n ? b : "";
	p->len[p->n] = (int)n;
	p->fmt[p->n] = 1;
	p->type[p->n] = OID_BYTEA;
	p->n++;
}

/* The first line of libpq's message, without its trailing newline. */
static void conn_message(PGconn *c, char *out, size_t n)
{
	const char *m = c ? PQerrorMessage(c) : "out of memory";
	size_t len = strcspn(m, "\n");

	snprintf(out, n, "%.*s", (int)len, m);
}

/* Turns a failed result (or none) into s->err and returns the code. */
static int fail_res(struct store *s, const PGresult *res, const char *what)
{
	PGconn *c = CONN(s);
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char cm[400];
	int code = DIP_EDB;

	if (PQstatus(c) == CONNECTION_BAD) {
		conn_message(c, cm, sizeof(cm));
		return dip_fail(&s->err, DIP_EDB, "", "database: %s: connection to PostgreSQL lost (%s)%s",
				what, cm[0] ? cm : "no reply",
				strcmp(what, "commit") == 0 ? "; whether the transaction was committed is unknown"
				: ((struct pg *)s->impl)->in_tx ? "; the transaction was rolled back" : "");
	}
	if (state && strncmp(state, "23", 2) == 0)
		code = DIP_ECONFLICT;   /* integrity constraint violation */
	else if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
			   strcmp(state, "55P03") == 0))
		code = DIP_EBUSY;       /* serialisation failure, deadlock, lock not available */
	else if (state && strcmp(state, "53100") == 0)
		code = DIP_EIO;         /* disk full */
	if (msg == NULL) {
		conn_message(c, cm, sizeof(cm));
		msg = cm;
	}
	return dip_fail(&s->err, code, "", "database: %s: %s", what, msg);
}

static int not_found(struct store *s, const char *what)
{
	return dip_fail(&s->err, DIP_ENOTFOUND, "", "%s not found", what);
}

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Settings of every new or re-established connection. */
static int conn_setup(struct store *s)
{
	PGconn *c = CONN(s);

	PQsetNoticeProcessor(c, quiet_notices, NULL);
	if (PQserverVersion(c) < 100000)
		return dip_fail(&s->err, DIP_EDB, "db",
				"database: PostgreSQL %d is too old; version 10 or later is needed",
				PQserverVersion(c) / 10000);
	return 0;
}

/* Outside a transaction, a lost connection is re-established before the
 * next statement; its prepared statements went with it. */
static int ensure_conn(struct store *s)
{
	struct pg *g = s->impl;

	if (PQstatus(g->conn) == CONNECTION_OK)
		return 0;
	if (g->in_tx)
		return fail_res(s, NULL, "query");
	PQreset(g->conn);
	if (PQstatus(g->conn) != CONNECTION_OK)
		return fail_res(s, NULL, "reconnect");
	g->ncache = 0;
	return conn_setup(s);
}

/* The name of the prepared statement for sql, preparing it on first use;
 * "" when the cache is full (the statement then runs unprepared), NULL on
 * failure with s->err set. */
static const char *prepared(struct store *s, const char *sql, const struct params *p,
			    const char *what, char name[16])
{
	struct pg *g = s->impl;
	PGresult *res;
	int i;

	for (i = 0; i < g->ncache; i++)
		if (g->cache[i] == sql) {
			snprintf(name, 16, "dip%d", i);
			return name;
		}
	if (g->ncache == STMT_CACHE)
		return ""; /* static SQL fits; should not happen */
	snprintf(name, 16, "dip%d", g->ncache);
	res = PQprepare(g->conn, name, sql, p->n, p->type);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fail_res(s, res, what);
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	g->cache[g->ncache++] = sql;
	return name;
}

/* Whether a failure outside a transaction may be retried on a new
 * connection: the connection was found dead, and the statement either
 * never ran or only read. */
static int may_retry(struct store *s, int read, int ran)
{
	struct pg *g = s->impl;

	return !g->in_tx && PQstatus(g->conn) == CONNECTION_BAD && (read || !ran);
}

/* Tables that no answer a server keeps ready is made from (the public
 * records and searches of service/cache.c and server/cache.c): writing
 * only these announces nothing.  A notifying commit takes a lock that all
 * notifying commits of the cluster share until their WAL is flushed, so
 * signing in, uploading, depositing and the log's own bookkeeping stay
 * out of it. */
static const char *const unannounced[] = {
	"sessions", "login_failures", "audit", "messages", "uploads", "upload_links",
	"deposits", "ledger_entries", "ledger_announcements", "ledger_tiles", "ledger_head",
	"checkpoints", "counters",
	NULL,
};

/* Whether sql writes a table that some kept answer is made from. */
static int announces(const char *sql)
{
	static const char *const verbs[] = { "INSERT INTO ", "UPDATE ", "DELETE FROM ", NULL };
	const char *p, *t;
	size_t n;
	int i, k;

	for (i = 0; verbs[i]; i++)
		for (p = strstr(sql, verbs[i]); p; p = strstr(p + 1, verbs[i])) {
			t = p + strlen(verbs[i]);
			/* Table names are lower case; "DO UPDATE SET" names none. */
			n = strspn(t, "abcdefghijklmnopqrstuvwxyz_");
			if (n == 0)
				continue;
			for (k = 0; unannounced[k]; k++)
				if (strlen(unannounced[k]) == n && strncmp(t, unannounced[k], n) == 0)
					break;
			if (unannounced[k] == NULL)
				return 1;
		}
	return 0;
}

/* sql, which may have written, ran: a transaction announces a change with
 * its commit (pg_commit); a statement on its own has committed already,
 * and is announced after it. */
static void written(struct store *s, const char *sql)
{
	struct pg *g = s->impl;

	if (!announces(sql))
		return;
	if (g->in_tx) {
		g->dirty = 1;
		return;
	}
	/* The change stands whether or not the others hear of it; a lost
	 * connection is found by the next statement. */
	PQclear(PQexec(g->conn, "NOTIFY " STORE_PG_CHANNEL));
	store__pg_watch_bump();
}

/* Runs sql with the parameters p.  Returns the result, which the caller
 * PQclears, or NULL with s->err set.  A connection that died while idle
 * (the server restarted, a proxy timed out) is noticed only by the next
 * statement; outside a transaction that statement is retried once on a
 * new connection when it cannot have written anything. */
static PGresult *run_p(struct store *s, const char *sql, const struct params *p)
{
	int read = strncmp(sql, "SELECT", 6) == 0, attempt;
	const char *what = read ? "read" : "write";
	const char *name;
	char buf[16];
	PGresult *res;
	ExecStatusType st;

	if (p->overflow) {
		dip_fail(&s->err, DIP_EDB, "", "database: %s: too many or too large parameters", what);
		return NULL;
	}
	for (attempt = 0;; attempt++) {
		if (ensure_conn(s))
			return NULL;
		name = p->adhoc ? "" : prepared(s, sql, p, what, buf);
		if (name == NULL) {
			if (attempt == 0 && may_retry(s, read, 0))
				continue;
			return NULL;
		}
		if (*name)
			res = PQexecPrepared(CONN(s), name, p->n, p->val, p->len, p->fmt, 1);
		else
			res = PQexecParams(CONN(s), sql, p->n, p->type, p->val, p->len, p->fmt, 1);
		st = PQresultStatus(res);
		if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
			if (!read)
				written(s, sql);
			return res;
		}
		fail_res(s, res, what);
		PQclear(res);
		if (attempt == 0 && may_retry(s, read, 1))
			continue;
		return NULL;
	}
}

/*
 * Builds parameters from a format string, one letter an argument:
 *   i int64_t   d int   t const char * (NULL binds NULL)   b const void *, size_t
 */
static void vparams(struct params *p, const char *fmt, va_list ap)
{
	const void *b;
	size_t n;

	for (; *fmt; fmt++) {
		switch (*fmt) {
		case 'i':
			p_int(p, va_arg(ap, int64_t));
			break;
		case 'd':
			p_int(p, va_arg(ap, int));
			break;
		case 't':
			p_text(p, va_arg(ap, const char *));
			break;
		case 'b':
			b = va_arg(ap, const void *);
			n = va_arg(ap, size_t);
			p_blob(p, b, n);
			break;
		}
	}
}

/* Runs a statement; the result is the caller's to PQclear, NULL on error. */
static PGresult *run(struct store *s, const char *sql, const char *fmt, ...)
{
	struct params p;
	va_list ap;

	p.n = 0;
	p.overflow = 0;
	p.adhoc = 0;
	va_start(ap, fmt);
	vparams(&p, fmt, ap);
	va_end(ap);
	return run_p(s, sql, &p);
}

static int64_t changes_of(const PGresult *res)
{
	const char *t = PQcmdTuples((PGresult *)res);

	return *t ? strtoll(t, NULL, 10) : 0;
}

/* Runs a statement whose rows are not needed.  *changes gets the count of
 * rows written (or returned). */
static int exec_changes(struct store *s, int64_t *changes, const char *sql, const char *fmt, ...)
{
	struct params p;
	PGresult *res;
	va_list ap;

	p.n = 0;
	p.overflow = 0;
	p.adhoc = 0;
	va_start(ap, fmt);
	vparams(&p, fmt, ap);
	va_end(ap);
	res = run_p(s, sql, &p);
	if (res == NULL)
		return s->err.code;
	if (changes)
		*changes = changes_of(res);
	PQclear(res);
	return 0;
}

#define exec(s, ...) exec_changes((s), NULL, __VA_ARGS__)

/* ---- reading binary results -------------------------------------------- */

/* Integer columns are BIGINT; count(*) and the like are too.  NULL is 0. */
static int64_t col_i(const PGresult *r, int row, int col)
{
	const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);
	int i, n = PQgetlength(r, row, col);
	uint64_t v = 0;

	if (PQgetisnull(r, row, col))
		return 0;
	for (i = 0; i < n && i < 8; i++)
		v = v << 8 | p[i];
	if (n == 4)
		return (int32_t)(uint32_t)v;
	if (n == 2)
		return (int16_t)(uint16_t)v;
	return (int64_t)v;
}

/* Copies a text column into a fixed array, cut to fit as snprintf does. */
static void col_text(const PGresult *r, int row, int col, char *out, size_t n)
{
	size_t len = (size_t)PQgetlength(r, row, col);

	if (len >= n)
		len = n - 1;
	memcpy(out, PQgetvalue(r, row, col), len);
	out[len] = '\0';
}

/* A heap copy of a text column, NULL for NULL (or out of memory). */
static char *col_dup(const PGresult *r, int row, int col)
{
	size_t len = (size_t)PQgetlength(r, row, col);
	char *t;

	if (PQgetisnull(r, row, col))
		return NULL;
	t = malloc(len + 1);
	if (t) {
		memcpy(t, PQgetvalue(r, row, col), len);
		t[len] = '\0';
	}
	return t;
}

/* The first column of the only row of a count query; 0 without rows. */
static int count_query(struct store *s, PGresult *res, int64_t *n)
{
	if (res == NULL)
		return s->err.code;
	*n = PQntuples(res) ? col_i(res, 0, 0) : 0;
	PQclear(res);
	return 0;
}

/* ---- transactions ---------------------------------------------------- */

/* Transaction control goes through the simple protocol: nothing to bind. */
static int tx_exec(struct store *s, const char *sql, const char *what, PGresult **out)
{
	PGresult *res;

	res = PQexec(CONN(s), sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fail_res(s, res, what);
		PQclear(res);
		return s->err.code;
	}
	if (out)
		*out = res;
	else
		PQclear(res);
	return 0;
}

static int pg_begin(struct store *s, int write)
{
	struct pg *g = s->impl;
	int rc;

	int attempt;

	if (g->in_tx)
		return dip_fail(&s->err, DIP_EDB, "", "database: transaction already open");
	/* A BEGIN that finds the connection dead did nothing: reconnect and
	 * begin again, once. */
	for (attempt = 0;; attempt++) {
		rc = ensure_conn(s);
		if (rc)
			return rc;
		rc = tx_exec(s, write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ",
			     "begin", NULL);
		if (rc == 0 || attempt > 0 || PQstatus(g->conn) != CONNECTION_BAD)
			break;
	}
	if (rc == 0) {
		g->in_tx = 1;
		g->write = write;
		g->sequencing = 0;
		g->dirty = 0;
	}
	return rc;
}

static void pg_rollback(struct store *s)
{
	struct pg *g = s->impl;
	PGresult *res;

	if (g->in_tx && PQstatus(g->conn) == CONNECTION_OK &&
	    PQtransactionStatus(g->conn) != PQTRANS_IDLE) {
		res = PQexec(g->conn, "ROLLBACK");
		PQclear(res);
	}
	g->in_tx = 0;
}

static int pg_commit(struct store *s)
{
	struct pg *g = s->impl;
	PGresult *res = NULL;
	int rc;

	/* A change is announced in the same round trip as the commit, and
	 * delivered by PostgreSQL once the commit is done (watch_pg.c).  A
	 * failed transaction has nothing to announce. */
	if (PQtransactionStatus(g->conn) == PQTRANS_INERROR)
		g->dirty = 0;
	rc = tx_exec(s, g->dirty ? "NOTIFY " STORE_PG_CHANNEL "; COMMIT" : "COMMIT", "commit", &res);
	if (rc == 0 && strcmp(PQcmdStatus(res), "ROLLBACK") == 0)
		/* PostgreSQL answers COMMIT of a failed transaction by rolling
		 * it back. */
		rc = dip_fail(&s->err, DIP_EDB, "",
			      "database: commit: the transaction failed earlier and was rolled back");
	PQclear(res);
	if (rc)
		pg_rollback(s);
	else if (g->dirty)
		store__pg_watch_bump();
	g->in_tx = 0;
	return rc;
}

/* ---- settings, counters ------------------------------------------------ */

static int pg_setting_get(struct store *s, const char *key, struct dbuf *out)
{
	PGresult *res = run(s, "SELECT value FROM settings WHERE key = $1", "t", key);
	int rc;

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "setting");
	}
	dbuf_reset(out);
	rc = dbuf_add(out, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
	PQclear(res);
	return rc;
}

static int pg_setting_put(struct store *s, const char *key, const char *value)
{
	return exec(s, "INSERT INTO settings(key, value) VALUES ($1, $2) "
		    "ON CONFLICT(key) DO UPDATE SET value = excluded.value", "tt", key, value);
}

static int pg_counter_next(struct store *s, const char *name, int64_t *out)
{
	PGresult *res = run(s, "INSERT INTO counters(name, value) VALUES ($1, 1) ON CONFLICT(name) "
			    "DO UPDATE SET value = counters.value + 1 RETURNING value", "t", name);

	if (res == NULL)
		return s->err.code;
	*out = col_i(res, 0, 0);
	PQclear(res);
	return 0;
}

/* ---- accounts ------------------------------------------------------------ */

#define ACCOUNT_COLS "id, login, display_name, kind, id_number, roles, pw_hash, email, phone, " \
		     "disabled, created_at"

static void read_account(const PGresult *r, int i, struct account *a)
{
	memset(a, 0, sizeof(*a));
	a->id = col_i(r, i, 0);
	col_text(r, i, 1, a->login, sizeof(a->login));
	col_text(r, i, 2, a->display_name, sizeof(a->display_name));
	a->kind = (enum party_kind)col_i(r, i, 3);
	col_text(r, i, 4, a->id_number, sizeof(a->id_number));
	a->roles = (unsigned)col_i(r, i, 5);
	col_text(r, i, 6, a->pw_hash, sizeof(a->pw_hash));
	col_text(r, i, 7, a->email, sizeof(a->email));
	col_text(r, i, 8, a->phone, sizeof(a->phone));
	a->disabled = (int)col_i(r, i, 9);
	a->created_at = col_i(r, i, 10);
}

static int pg_account_insert(struct store *s, struct account *a)
{
	PGresult *res = run(s, "INSERT INTO accounts(login, display_name, kind, id_number, roles, "
			    "pw_hash, email, phone, disabled, created_at) "
			    "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT DO NOTHING RETURNING id",
			    "ttdtitttdi", a->login, a->display_name, (int)a->kind, a->id_number,
			    (int64_t)a->roles, a->pw_hash, a->email, a->phone, a->disabled,
			    (int64_t)a->created_at);

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return dip_fail(&s->err, DIP_ECONFLICT, "login", "login: \"%s\" is taken", a->login);
	}
	a->id = col_i(res, 0, 0);
	PQclear(res);
	return 0;
}

static int get_account(struct store *s, PGresult *res, struct account *a)
{
	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "account");
	}
	read_account(res, 0, a);
	PQclear(res);
	return 0;
}

static int pg_account_get(struct store *s, int64_t id, struct account *a)
{
	return get_account(s, run(s, "SELECT " ACCOUNT_COLS " FROM accounts WHERE id = $1", "i", id),
			   a);
}

static int pg_account_by_login(struct store *s, const char *login, struct account *a)
{
	return get_account(s, run(s, "SELECT " ACCOUNT_COLS " FROM accounts WHERE login = $1", "t",
				  login), a);
}

static int pg_account_update(struct store *s, const struct account *a)
{
	int64_t n = 0;
	int rc = exec_changes(s, &n, "UPDATE accounts SET display_name = $1, kind = $2, "
			      "id_number = $3, roles = $4, pw_hash = $5, email = $6, phone = $7, "
			      "disabled = $8 WHERE id = $9", "tdtitttdi", a->display_name,
			      (int)a->kind, a->id_number, (int64_t)a->roles, a->pw_hash, a->email,
			      a->phone, a->disabled, a->id);

	return rc ? rc : n ? 0 : not_found(s, "account");
}

static int pg_account_list(struct store *s, int64_t after_id, int limit, store_account_cb cb,
			   void *ud)
{
	PGresult *res = run(s, "SELECT " ACCOUNT_COLS " FROM accounts WHERE id > $1 ORDER BY id "
			    "LIMIT $2", "id", after_id, limit > 0 ? limit : 100);
	struct account a;
	int i, rc = 0;

	if (res == NULL)
		return s->err.code;
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		read_account(res, i, &a);
		rc = cb(ud, &a);
	}
	PQclear(res);
	return rc;
}

static int pg_account_count(struct store *s, int64_t *n)
{
	return count_query(s, run(s, "SELECT count(*) FROM accounts", ""), n);
}

/* ---- sessions, login failures, agencies ---------------------------------- */

static int pg_session_insert(struct store *s, const struct session_row *r)
{
	int64_t n = 0;
	int rc = exec_changes(s, &n, "INSERT INTO sessions(token_hash, account_id, csrf, created_at, "
			      "expires_at, api_token, label) VALUES ($1,$2,$3,$4,$5,$6,$7) "
			      "ON CONFLICT DO NOTHING", "titiidt", r->token_hash, r->account_id,
			      r->csrf, (int64_t)r->created_at, (int64_t)r->expires_at, r->api_token,
			      r->label);

	if (rc == 0 && n == 0)
		return dip_fail(&s->err, DIP_ECONFLICT, "", "database: write: the session exists");
	return rc;
}

static int pg_session_get(struct store *s, const char *token_hash, struct session_row *r)
{
	PGresult *res = run(s, "SELECT token_hash, account_id, csrf, created_at, expires_at, "
			    "api_token, label FROM sessions WHERE token_hash = $1", "t", token_hash);

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "session");
	}
	memset(r, 0, sizeof(*r));
	col_text(res, 0, 0, r->token_hash, sizeof(r->token_hash));
	r->account_id = col_i(res, 0, 1);
	col_text(res, 0, 2, r->csrf, sizeof(r->csrf));
	r->created_at = col_i(res, 0, 3);
	r->expires_at = col_i(res, 0, 4);
	r->api_token = (int)col_i(res, 0, 5);
	col_text(res, 0, 6, r->label, sizeof(r->label));
	PQclear(res);
	return 0;
}

static int pg_session_delete(struct store *s, const char *token_hash)
{
	return exec(s, "DELETE FROM sessions WHERE token_hash = $1", "t", token_hash);
}

static int pg_session_delete_account(struct store *s, int64_t account_id)
{
	return exec(s, "DELETE FROM sessions WHERE account_id = $1", "i", account_id);
}

static int pg_login_fail_add(struct store *s, const char *key, dip_time at)
{
	int rc = exec(s, "INSERT INTO login_failures(key, at) VALUES ($1, $2)", "ti", key,
		      (int64_t)at);

	/* Old failures no longer count; keep the table small. */
	if (rc == 0)
		rc = exec(s, "DELETE FROM login_failures WHERE at < $1", "i", (int64_t)at - 86400);
	return rc;
}

static int pg_login_fail_count(struct store *s, const char *key, dip_time since, int64_t *n)
{
	return count_query(s, run(s, "SELECT count(*) FROM login_failures WHERE key = $1 AND "
				  "at >= $2", "ti", key, (int64_t)since), n);
}

static int pg_agency_put(struct store *s, int64_t agent_id, int64_t principal_id,
			 const char *poa, dip_time confirmed_at, dip_time revoked_at)
{
	return exec(s, "INSERT INTO agencies(agent_id, principal_id, poa_sha256, confirmed_at, "
		    "revoked_at) VALUES ($1,$2,$3,$4,$5) ON CONFLICT(agent_id, principal_id) DO "
		    "UPDATE SET poa_sha256 = excluded.poa_sha256, confirmed_at = excluded.confirmed_at, "
		    "revoked_at = excluded.revoked_at", "iitii", agent_id, principal_id, poa,
		    (int64_t)confirmed_at, (int64_t)revoked_at);
}

static int pg_agency_get(struct store *s, int64_t agent_id, int64_t principal_id, char poa[65],
			 dip_time *confirmed_at, dip_time *revoked_at)
{
	PGresult *res = run(s, "SELECT poa_sha256, confirmed_at, revoked_at FROM agencies "
			    "WHERE agent_id = $1 AND principal_id = $2", "ii", agent_id,
			    principal_id);

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "power of attorney");
	}
	col_text(res, 0, 0, poa, 65);
	*confirmed_at = col_i(res, 0, 1);
	*revoked_at = col_i(res, 0, 2);
	PQclear(res);
	return 0;
}

/* ---- applications ---------------------------------------------------------- */

#define APP_COLS "id, version, state, created_by, agent_id, content, name, industry, fingerprint, " \
		 "reg_no, cert_no, cert_version, created_at, submitted_at, published_at, " \
		 "registered_at, closed_at, reg_day, valid_from, valid_until, corrections, flags, " \
		 "related_id, refusal, close_reason, withdraw_reason"

/* Applications in a state of the bit set $n. */
#define IN_STATES(n) "((1::bigint << state::int) & $" n ") <> 0"

static void read_app(const PGresult *r, int i, struct application *a)
{
	memset(a, 0, sizeof(*a));
	a->id = col_i(r, i, 0);
	a->version = col_i(r, i, 1);
	a->state = (enum app_state)col_i(r, i, 2);
	a->created_by = col_i(r, i, 3);
	a->agent_id = col_i(r, i, 4);
	a->content = col_dup(r, i, 5);
	col_text(r, i, 6, a->name, sizeof(a->name));
	col_text(r, i, 7, a->industry, sizeof(a->industry));
	col_text(r, i, 8, a->fingerprint, sizeof(a->fingerprint));
	col_text(r, i, 9, a->reg_no, sizeof(a->reg_no));
	col_text(r, i, 10, a->cert_no, sizeof(a->cert_no));
	a->cert_version = (int)col_i(r, i, 11);
	a->created_at = col_i(r, i, 12);
	a->submitted_at = col_i(r, i, 13);
	a->published_at = col_i(r, i, 14);
	a->registered_at = col_i(r, i, 15);
	a->closed_at = col_i(r, i, 16);
	a->reg_day = (dip_day)col_i(r, i, 17);
	a->valid_from = (dip_day)col_i(r, i, 18);
	a->valid_until = (dip_day)col_i(r, i, 19);
	a->corrections = (int)col_i(r, i, 20);
	a->flags = (unsigned)col_i(r, i, 21);
	a->related_id = col_i(r, i, 22);
	a->refusal = (unsigned)col_i(r, i, 23);
	a->close_reason = (enum close_reason)col_i(r, i, 24);
	a->withdraw_reason = col_dup(r, i, 25);
}

/* The 25 stored fields of a in APP_COLS order, without id, as $1..$25. */
/* The end of an UPDATE ... WHERE id = ? AND version = ?: no row changed
 * means someone else changed row id meanwhile (DIP_ECONFLICT); otherwise
 * *version moves on.  Takes res. */
static int versioned_update(struct store *s, PGresult *res, const char *what, int64_t id,
			    int64_t *version)
{
	int64_t n;

	if (res == NULL)
		return s->err.code;
	n = changes_of(res);
	PQclear(res);
	if (n == 0)
		return dip_fail(&s->err, DIP_ECONFLICT, "",
				"%s %lld was changed by someone else meanwhile; reload and try again",
				what, (long long)id);
	(*version)++;
	return 0;
}

static void app_params(struct params *p, const struct application *a)
{
	p->n = 0;
	p->overflow = 0;
	p->adhoc = 0;
	p_int(p, a->version);
	p_int(p, a->state);
	p_int(p, a->created_by);
	p_int(p, a->agent_id);
	p_text(p, a->content ? a->content : "{}");
	p_text(p, a->name);
	p_text(p, a->industry);
	p_text(p, a->fingerprint);
	p_text(p, a->reg_no);
	p_text(p, a->cert_no);
	p_int(p, a->cert_version);
	p_int(p, a->created_at);
	p_int(p, a->submitted_at);
	p_int(p, a->published_at);
	p_int(p, a->registered_at);
	p_int(p, a->closed_at);
	p_int(p, a->reg_day);
	p_int(p, a->valid_from);
	p_int(p, a->valid_until);
	p_int(p, a->corrections);
	p_int(p, a->flags);
	p_int(p, a->related_id);
	p_int(p, a->refusal);
	p_int(p, a->close_reason);
	p_text(p, a->withdraw_reason);
}

/* The id a RETURNING id statement gave, into *id. */
static int returned_id(struct store *s, PGresult *res, int64_t *id)
{
	if (res == NULL)
		return s->err.code;
	*id = PQntuples(res) ? col_i(res, 0, 0) : 0;
	PQclear(res);
	return 0;
}

static int pg_app_insert(struct store *s, struct application *a)
{
	static const char sql[] =
		"INSERT INTO applications(version, state, created_by, agent_id, content, name, "
		"industry, fingerprint, reg_no, cert_no, cert_version, created_at, submitted_at, "
		"published_at, registered_at, closed_at, reg_day, valid_from, valid_until, "
		"corrections, flags, related_id, refusal, close_reason, withdraw_reason) "
		"VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,"
		"$21,$22,$23,$24,$25) RETURNING id";
	struct params p;

	a->version = 1;
	app_params(&p, a);
	return returned_id(s, run_p(s, sql, &p), &a->id);
}

static int pg_app_update(struct store *s, struct application *a)
{
	static const char sql[] =
		"UPDATE applications SET version = $1 + 1, state = $2, created_by = $3, "
		"agent_id = $4, content = $5, name = $6, industry = $7, fingerprint = $8, "
		"reg_no = $9, cert_no = $10, cert_version = $11, created_at = $12, "
		"submitted_at = $13, published_at = $14, registered_at = $15, closed_at = $16, "
		"reg_day = $17, valid_from = $18, valid_until = $19, corrections = $20, "
		"flags = $21, related_id = $22, refusal = $23, close_reason = $24, "
		"withdraw_reason = $25 WHERE id = $26 AND version = $1";
	struct params p;

	app_params(&p, a);
	p_int(&p, a->id);
	return versioned_update(s, run_p(s, sql, &p), "application", a->id, &a->version);
}

static int get_app(struct store *s, PGresult *res, struct application *a)
{
	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "application");
	}
	read_app(res, 0, a);
	PQclear(res);
	return 0;
}

static int pg_app_get(struct store *s, int64_t id, struct application *a)
{
	struct pg *g = s->impl;

	/* Held until commit: see the head of this file. */
	if (g->in_tx && g->write)
		return get_app(s, run(s, "SELECT " APP_COLS " FROM applications WHERE id = $1 "
				      "FOR UPDATE", "i", id), a);
	return get_app(s, run(s, "SELECT " APP_COLS " FROM applications WHERE id = $1", "i", id), a);
}

static int pg_app_by_reg_no(struct store *s, const char *reg_no, struct application *a)
{
	/* Like SQLite, the first row when (impossibly) several match. */
	return get_app(s, run(s, "SELECT " APP_COLS " FROM applications WHERE reg_no = $1 "
			      "AND reg_no <> '' ORDER BY id LIMIT 1", "t", reg_no), a);
}

static int each_app(struct store *s, PGresult *res, store_app_cb cb, void *ud)
{
	struct application a;
	int i, rc = 0;

	if (res == NULL)
		return s->err.code;
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		read_app(res, i, &a);
		rc = cb(ud, &a);
		application_release(&a);
	}
	PQclear(res);
	return rc;
}

/* The ids of the $3 newest applications below id $1 in the states of the
 * bit set $2, from each state's range of applications_state, as in
 * store_sqlite.c; the branch of a state not in the set is a one-time
 * filter that is false. */
#define PG_STATE_IDS(k)                                                                     \
	"(SELECT id FROM applications WHERE state = " #k " AND id < $1 AND "                  \
	"(($2::bigint >> " #k ") & 1) = 1 ORDER BY id DESC LIMIT $3)"
#define PG_NEWEST_IN_STATES STORE_EACH_STATE(PG_STATE_IDS) " ORDER BY 1 DESC LIMIT $3"

static int pg_app_list(struct store *s, const struct app_filter *f, store_app_cb cb, void *ud)
{
	int64_t after = f->after_id > 0 ? f->after_id : INT64_MAX;
	int limit = f->limit > 0 ? f->limit : 50;
	int64_t states = f->states ? f->states : 0x7fffffff;

	if (f->party_id)
		return each_app(s, run(s, "SELECT " APP_COLS " FROM applications WHERE id < $1 AND "
				       IN_STATES("2") " AND id IN (SELECT app_id FROM parties "
				       "WHERE account_id = $3) ORDER BY id DESC LIMIT $4",
				       "iiid", after, states, f->party_id, limit), cb, ud);
	if (f->agent_id)
		return each_app(s, run(s, "SELECT " APP_COLS " FROM applications WHERE id < $1 AND "
				       IN_STATES("2") " AND agent_id = $3 AND agent_id <> 0 ORDER BY id DESC LIMIT $4",
				       "iiid", after, states, f->agent_id, limit), cb, ud);
	return each_app(s, run(s, "WITH ids(k) AS (" PG_NEWEST_IN_STATES ") SELECT " APP_COLS
			       " FROM applications WHERE id IN (SELECT k FROM ids) ORDER BY id DESC",
			       "iid", after, states, limit), cb, ud);
}

static int pg_app_count_by_state(struct store *s, int64_t counts[APP__COUNT])
{
	PGresult *res = run(s, "SELECT state, count(*) FROM applications GROUP BY state", "");
	int64_t st;
	int i;

	if (res == NULL)
		return s->err.code;
	memset(counts, 0, sizeof(int64_t) * APP__COUNT);
	for (i = 0; i < PQntuples(res); i++) {
		st = col_i(res, i, 0);
		if (st >= 0 && st < APP__COUNT)
			counts[st] = col_i(res, i, 1);
	}
	PQclear(res);
	return 0;
}

static int pg_app_by_fingerprint(struct store *s, const char *fingerprint, unsigned states,
				 int64_t exclude_id, store_app_cb cb, void *ud)
{
	return each_app(s, run(s, "SELECT " APP_COLS " FROM applications WHERE fingerprint = $1 "
			       "AND fingerprint <> '' AND " IN_STATES("2") " AND id <> $3 ORDER BY id", "tii", fingerprint,
			       (int64_t)states, exclude_id), cb, ud);
}

static int pg_party_put(struct store *s, const struct party *p)
{
	return exec(s, "INSERT INTO parties(app_id, ord, account_id, name, kind, id_number, "
		    "confirmed_at) VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT(app_id, ord) DO UPDATE "
		    "SET account_id = excluded.account_id, name = excluded.name, kind = excluded.kind, "
		    "id_number = excluded.id_number, confirmed_at = excluded.confirmed_at",
		    "iditdti", p->app_id, p->ord, p->account_id, p->name, (int)p->kind, p->id_number,
		    (int64_t)p->confirmed_at);
}

static int pg_party_delete_all(struct store *s, int64_t app_id)
{
	return exec(s, "DELETE FROM parties WHERE app_id = $1", "i", app_id);
}

static int pg_party_list(struct store *s, int64_t app_id, struct party *out, int max, int *n)
{
	PGresult *res = run(s, "SELECT app_id, ord, account_id, name, kind, id_number, "
			    "confirmed_at FROM parties WHERE app_id = $1 ORDER BY ord", "i", app_id);
	struct party *p;
	int i;

	if (res == NULL)
		return s->err.code;
	*n = 0;
	for (i = 0; i < PQntuples(res) && *n < max; i++) {
		p = &out[(*n)++];
		memset(p, 0, sizeof(*p));
		p->app_id = col_i(res, i, 0);
		p->ord = (int)col_i(res, i, 1);
		p->account_id = col_i(res, i, 2);
		col_text(res, i, 3, p->name, sizeof(p->name));
		p->kind = (enum party_kind)col_i(res, i, 4);
		col_text(res, i, 5, p->id_number, sizeof(p->id_number));
		p->confirmed_at = col_i(res, i, 6);
	}
	PQclear(res);
	return 0;
}

/* ---- objections -------------------------------------------------------------- */

#define OBJ_COLS "id, app_id, version, state, objector_id, objector_name, objector_contact, " \
		 "token_hash, grounds, evidence, answer, answer_evidence, supplement, " \
		 "supplement_evidence, decision, filed_at, decided_at"

static void objection_params(struct params *p, const struct objection *o)
{
	p->n = 0;
	p->overflow = 0;
	p->adhoc = 0;
	p_int(p, o->app_id);
	p_int(p, o->version);
	p_int(p, o->state);
	p_int(p, o->objector_id);
	p_text(p, o->objector_name);
	p_text(p, o->objector_contact);
	p_text(p, o->token_hash);
	p_text(p, o->grounds ? o->grounds : "");
	p_text(p, o->evidence);
	p_text(p, o->answer);
	p_text(p, o->answer_evidence);
	p_text(p, o->supplement);
	p_text(p, o->supplement_evidence);
	p_text(p, o->decision);
	p_int(p, o->filed_at);
	p_int(p, o->decided_at);
}

static int pg_objection_insert(struct store *s, struct objection *o)
{
	static const char sql[] =
		"INSERT INTO objections(app_id, version, state, objector_id, objector_name, "
		"objector_contact, token_hash, grounds, evidence, answer, answer_evidence, "
		"supplement, supplement_evidence, decision, filed_at, decided_at) "
		"VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) RETURNING id";
	struct params p;

	o->version = 1;
	objection_params(&p, o);
	return returned_id(s, run_p(s, sql, &p), &o->id);
}

static int pg_objection_update(struct store *s, struct objection *o)
{
	static const char sql[] =
		"UPDATE objections SET app_id = $1, version = $2 + 1, state = $3, objector_id = $4, "
		"objector_name = $5, objector_contact = $6, token_hash = $7, grounds = $8, "
		"evidence = $9, answer = $10, answer_evidence = $11, supplement = $12, "
		"supplement_evidence = $13, decision = $14, filed_at = $15, decided_at = $16 "
		"WHERE id = $17 AND version = $2";
	struct params p;

	objection_params(&p, o);
	p_int(&p, o->id);
	return versioned_update(s, run_p(s, sql, &p), "objection", o->id, &o->version);
}

static int pg_objection_get(struct store *s, int64_t id, struct objection *o)
{
	PGresult *res = run(s, "SELECT " OBJ_COLS " FROM objections WHERE id = $1", "i", id);

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "objection");
	}
	memset(o, 0, sizeof(*o));
	o->id = col_i(res, 0, 0);
	o->app_id = col_i(res, 0, 1);
	o->version = col_i(res, 0, 2);
	o->state = (enum obj_state)col_i(res, 0, 3);
	o->objector_id = col_i(res, 0, 4);
	col_text(res, 0, 5, o->objector_name, sizeof(o->objector_name));
	col_text(res, 0, 6, o->objector_contact, sizeof(o->objector_contact));
	col_text(res, 0, 7, o->token_hash, sizeof(o->token_hash));
	o->grounds = col_dup(res, 0, 8);
	o->evidence = col_dup(res, 0, 9);
	o->answer = col_dup(res, 0, 10);
	o->answer_evidence = col_dup(res, 0, 11);
	o->supplement = col_dup(res, 0, 12);
	o->supplement_evidence = col_dup(res, 0, 13);
	o->decision = col_dup(res, 0, 14);
	o->filed_at = col_i(res, 0, 15);
	o->decided_at = col_i(res, 0, 16);
	PQclear(res);
	return 0;
}

static int id_list(struct store *s, PGresult *res, int64_t *ids, int max, int *n)
{
	int i;

	if (res == NULL)
		return s->err.code;
	*n = 0;
	for (i = 0; i < PQntuples(res) && *n < max; i++)
		ids[(*n)++] = col_i(res, i, 0);
	PQclear(res);
	return 0;
}

static int pg_objection_ids(struct store *s, int64_t app_id, int64_t *ids, int max, int *n)
{
	return id_list(s, run(s, "SELECT id FROM objections WHERE app_id = $1 ORDER BY id", "i",
			      app_id), ids, max, n);
}

/* ---- requests ------------------------------------------------------------------ */

static void request_params(struct params *p, const struct request *r)
{
	p->n = 0;
	p->overflow = 0;
	p->adhoc = 0;
	p_int(p, r->app_id);
	p_int(p, r->version);
	p_int(p, r->kind);
	p_int(p, r->state);
	p_int(p, r->filed_by);
	p_int(p, r->counterparty_id);
	p_int(p, r->unilateral);
	p_text(p, r->payload ? r->payload : "{}");
	p_int(p, r->filed_at);
	p_int(p, r->decided_at);
	p_int(p, r->act_day);
	p_int(p, r->late);
	p_text(p, r->decision);
}

static int pg_request_insert(struct store *s, struct request *r)
{
	static const char sql[] =
		"INSERT INTO requests(app_id, version, kind, state, filed_by, counterparty_id, "
		"unilateral, payload, filed_at, decided_at, act_day, late, decision) "
		"VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id";
	struct params p;

	r->version = 1;
	request_params(&p, r);
	return returned_id(s, run_p(s, sql, &p), &r->id);
}

static int pg_request_update(struct store *s, struct request *r)
{
	static const char sql[] =
		"UPDATE requests SET app_id = $1, version = $2 + 1, kind = $3, state = $4, "
		"filed_by = $5, counterparty_id = $6, unilateral = $7, payload = $8, filed_at = $9, "
		"decided_at = $10, act_day = $11, late = $12, decision = $13 "
		"WHERE id = $14 AND version = $2";
	struct params p;

	request_params(&p, r);
	p_int(&p, r->id);
	return versioned_update(s, run_p(s, sql, &p), "request", r->id, &r->version);
}

static int pg_request_get(struct store *s, int64_t id, struct request *r)
{
	PGresult *res = run(s, "SELECT id, app_id, version, kind, state, filed_by, "
			    "counterparty_id, unilateral, payload, filed_at, decided_at, act_day, "
			    "late, decision FROM requests WHERE id = $1", "i", id);

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "request");
	}
	memset(r, 0, sizeof(*r));
	r->id = col_i(res, 0, 0);
	r->app_id = col_i(res, 0, 1);
	r->version = col_i(res, 0, 2);
	r->kind = (enum req_kind)col_i(res, 0, 3);
	r->state = (enum req_state)col_i(res, 0, 4);
	r->filed_by = col_i(res, 0, 5);
	r->counterparty_id = col_i(res, 0, 6);
	r->unilateral = (int)col_i(res, 0, 7);
	r->payload = col_dup(res, 0, 8);
	r->filed_at = col_i(res, 0, 9);
	r->decided_at = col_i(res, 0, 10);
	r->act_day = (dip_day)col_i(res, 0, 11);
	r->late = (int)col_i(res, 0, 12);
	r->decision = col_dup(res, 0, 13);
	PQclear(res);
	return 0;
}

static int pg_request_ids(struct store *s, int64_t app_id, int64_t *ids, int max, int *n)
{
	return id_list(s, run(s, "SELECT id FROM requests WHERE app_id = $1 ORDER BY id", "i",
			      app_id), ids, max, n);
}

static int pg_request_list(struct store *s, const struct request_filter *f, int64_t *ids,
			   int max, int *n)
{
	int64_t before = f->before_id > 0 ? f->before_id : INT64_MAX;
	PGresult *res;

	if (f->account_id && f->awaiting)
		res = run(s, "SELECT id FROM requests WHERE counterparty_id = $1 AND state = $2 AND "
			  "id < $3 AND ($4 < 0 OR kind = $4) ORDER BY id DESC LIMIT $5", "idiid",
			  f->account_id, (int)REQ_AWAITING_PARTY, before, (int64_t)f->kind, max);
	else if (f->account_id)
		res = run(s, "SELECT id FROM requests WHERE id IN (SELECT id FROM requests WHERE "
			  "filed_by = $1 UNION SELECT id FROM requests WHERE counterparty_id = $1 "
			  "UNION SELECT r.id FROM parties p JOIN requests r ON r.app_id = p.app_id "
			  "WHERE p.account_id = $1) AND id < $2 AND ($3 < 0 OR state = $3) AND "
			  "($4 < 0 OR kind = $4) ORDER BY id DESC LIMIT $5", "iiiid", f->account_id,
			  before, (int64_t)f->state, (int64_t)f->kind, max);
	else
		res = run(s, "SELECT id FROM requests WHERE id < $1 AND ($2 < 0 OR state = $2) AND "
			  "($3 < 0 OR kind = $3) ORDER BY id DESC LIMIT $4", "iiid", before,
			  (int64_t)f->state, (int64_t)f->kind, max);
	return id_list(s, res, ids, max, n);
}

/* ---- events, deadlines ----------------------------------------------------------- */

static int pg_event_insert(struct store *s, struct event *ev)
{
	return returned_id(s, run(s, "INSERT INTO events(app_id, ref_id, at, actor_id, actor_role, "
				  "action, from_state, to_state, reason, dl_kind, dl_due, detail) "
				  "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id",
				  "iiiiitddtdit", ev->app_id, ev->ref_id, (int64_t)ev->at,
				  ev->actor_id, (int64_t)ev->actor_role, ev->action, ev->from_state,
				  ev->to_state, ev->reason, ev->dl_kind, (int64_t)ev->dl_due,
				  ev->detail), &ev->id);
}

static int pg_event_list(struct store *s, int64_t app_id, store_event_cb cb, void *ud)
{
	PGresult *res = run(s, "SELECT id, app_id, ref_id, at, actor_id, actor_role, action, "
			    "from_state, to_state, reason, dl_kind, dl_due, detail FROM events "
			    "WHERE app_id = $1 ORDER BY id", "i", app_id);
	struct event ev;
	int i, rc = 0;

	if (res == NULL)
		return s->err.code;
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		memset(&ev, 0, sizeof(ev));
		ev.id = col_i(res, i, 0);
		ev.app_id = col_i(res, i, 1);
		ev.ref_id = col_i(res, i, 2);
		ev.at = col_i(res, i, 3);
		ev.actor_id = col_i(res, i, 4);
		ev.actor_role = (unsigned)col_i(res, i, 5);
		col_text(res, i, 6, ev.action, sizeof(ev.action));
		ev.from_state = (int)col_i(res, i, 7);
		ev.to_state = (int)col_i(res, i, 8);
		ev.reason = col_dup(res, i, 9);
		ev.dl_kind = (int)col_i(res, i, 10);
		ev.dl_due = col_i(res, i, 11);
		ev.detail = col_dup(res, i, 12);
		rc = cb(ud, &ev);
		event_release(&ev);
	}
	PQclear(res);
	return rc;
}

static int pg_deadline_insert(struct store *s, struct deadline *d)
{
	return returned_id(s, run(s, "INSERT INTO deadlines(app_id, ref_id, kind, opened_at, due_at, "
				  "closed_at, binds_party) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id",
				  "iidiiid", d->app_id, d->ref_id, d->kind, (int64_t)d->opened_at,
				  (int64_t)d->due_at, (int64_t)d->closed_at, d->binds_party), &d->id);
}

static int pg_deadline_close(struct store *s, int64_t id, dip_time at)
{
	int64_t n = 0;
	int rc = exec_changes(s, &n, "UPDATE deadlines SET closed_at = $1 WHERE id = $2 AND "
			      "closed_at = 0", "ii", (int64_t)at, id);

	if (rc == 0 && n == 0)
		return dip_fail(&s->err, DIP_ECONFLICT, "", "deadline %lld is already closed",
				(long long)id);
	return rc;
}

static int each_deadline(struct store *s, PGresult *res, store_deadline_cb cb, void *ud)
{
	struct deadline d;
	int i, rc = 0;

	if (res == NULL)
		return s->err.code;
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		d.id = col_i(res, i, 0);
		d.app_id = col_i(res, i, 1);
		d.ref_id = col_i(res, i, 2);
		d.kind = (int)col_i(res, i, 3);
		d.opened_at = col_i(res, i, 4);
		d.due_at = col_i(res, i, 5);
		d.closed_at = col_i(res, i, 6);
		d.binds_party = (int)col_i(res, i, 7);
		rc = cb(ud, &d);
	}
	PQclear(res);
	return rc;
}

#define DL_COLS "id, app_id, ref_id, kind, opened_at, due_at, closed_at, binds_party"

static int pg_deadline_open_for(struct store *s, int64_t app_id, int64_t ref_id,
				store_deadline_cb cb, void *ud)
{
	if (ref_id < 0)
		return each_deadline(s, run(s, "SELECT " DL_COLS " FROM deadlines WHERE app_id = $1 "
					    "AND closed_at = 0 ORDER BY due_at, id", "i", app_id),
				     cb, ud);
	return each_deadline(s, run(s, "SELECT " DL_COLS " FROM deadlines WHERE app_id = $1 AND "
				    "ref_id = $2 AND closed_at = 0 ORDER BY due_at, id", "ii", app_id,
				    ref_id), cb, ud);
}

static int pg_deadline_due(struct store *s, dip_time t, int binding_only, int limit,
			   store_deadline_cb cb, void *ud)
{
	return each_deadline(s, run(s, "SELECT " DL_COLS " FROM deadlines WHERE closed_at = 0 AND "
				    "due_at <= $1 AND binds_party >= $2 ORDER BY due_at, id LIMIT $3",
				    "idd", (int64_t)t, binding_only ? 1 : 0, limit > 0 ? limit : 1000),
			     cb, ud);
}

static int pg_deadline_tasks(struct store *s, int limit, store_deadline_cb cb, void *ud)
{
	return each_deadline(s, run(s, "SELECT " DL_COLS " FROM deadlines WHERE closed_at = 0 AND "
				    "binds_party = 0 ORDER BY due_at, id LIMIT $1", "d",
				    limit > 0 ? limit : 1000), cb, ud);
}

/* ---- messages ------------------------------------------------------------------------ */

static int pg_message_insert(struct store *s, struct message *m)
{
	return returned_id(s, run(s, "INSERT INTO messages(account_id, objection_id, app_id, kind, "
				  "subject, body, delivered_at, read_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) "
				  "RETURNING id", "iiitttii", m->account_id, m->objection_id, m->app_id,
				  m->kind, m->subject ? m->subject : "", m->body ? m->body : "",
				  (int64_t)m->delivered_at, (int64_t)m->read_at), &m->id);
}

static int pg_message_list(struct store *s, const struct msg_filter *f, store_msg_cb cb, void *ud)
{
	static const char by_account[] =
		"SELECT id, account_id, objection_id, app_id, kind, subject, body, delivered_at, "
		"read_at FROM messages WHERE account_id = $1 AND id < $2 AND (read_at = 0 OR $3 = 0) "
		"AND (app_id = $4 OR $4 = 0) ORDER BY id DESC LIMIT $5";
	static const char by_objection[] =
		"SELECT id, account_id, objection_id, app_id, kind, subject, body, delivered_at, "
		"read_at FROM messages WHERE objection_id = $1 AND objection_id <> 0 AND account_id = 0 "
		"AND id < $2 AND "
		"(read_at = 0 OR $3 = 0) AND (app_id = $4 OR $4 = 0) ORDER BY id DESC LIMIT $5";
	int64_t after = f->after_id > 0 ? f->after_id : INT64_MAX;
	int limit = f->limit > 0 ? f->limit : 50;
	PGresult *res = f->account_id
		? run(s, by_account, "iidid", f->account_id, after, f->unread_only, f->app_id, limit)
		: run(s, by_objection, "iidid", f->objection_id, after, f->unread_only, f->app_id,
		      limit);
	struct message m;
	int i, rc = 0;

	if (res == NULL)
		return s->err.code;
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		memset(&m, 0, sizeof(m));
		m.id = col_i(res, i, 0);
		m.account_id = col_i(res, i, 1);
		m.objection_id = col_i(res, i, 2);
		m.app_id = col_i(res, i, 3);
		col_text(res, i, 4, m.kind, sizeof(m.kind));
		m.subject = col_dup(res, i, 5);
		m.body = col_dup(res, i, 6);
		m.delivered_at = col_i(res, i, 7);
		m.read_at = col_i(res, i, 8);
		rc = cb(ud, &m);
		message_release(&m);
	}
	PQclear(res);
	return rc;
}

static int pg_message_mark_read(struct store *s, int64_t id, int64_t account_id, dip_time at)
{
	int64_t n = 0;
	int rc = exec_changes(s, &n, "UPDATE messages SET read_at = CASE WHEN read_at = 0 "
			      "THEN $1 ELSE read_at END WHERE id = $2 AND account_id = $3", "iii",
			      (int64_t)at, id, account_id);

	return rc ? rc : n ? 0 : not_found(s, "message");
}

static int pg_message_unread(struct store *s, int64_t account_id, int64_t *n)
{
	return count_query(s, run(s, "SELECT count(*) FROM messages WHERE account_id = $1 AND "
				  "read_at = 0", "i", account_id), n);
}

/* ---- uploads, deposits ---------------------------------------------------------------- */

static int pg_upload_insert(struct store *s, const struct upload *u)
{
	return exec(s, "INSERT INTO uploads(sha256, owner_id, size, mime, name, created_at) "
		    "VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT(sha256, owner_id) DO NOTHING", "tiitti",
		    u->sha256, u->owner_id, u->size, u->mime, u->name, (int64_t)u->created_at);
}

static int pg_upload_get(struct store *s, const char *sha256, int64_t owner_id, struct upload *u)
{
	PGresult *res = owner_id
		? run(s, "SELECT sha256, owner_id, size, mime, name, created_at FROM uploads "
		      "WHERE sha256 = $1 AND owner_id = $2", "ti", sha256, owner_id)
		: run(s, "SELECT sha256, owner_id, size, mime, name, created_at FROM uploads "
		      "WHERE sha256 = $1 ORDER BY created_at, owner_id LIMIT 1", "t", sha256);

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "upload");
	}
	memset(u, 0, sizeof(*u));
	col_text(res, 0, 0, u->sha256, sizeof(u->sha256));
	u->owner_id = col_i(res, 0, 1);
	u->size = col_i(res, 0, 2);
	col_text(res, 0, 3, u->mime, sizeof(u->mime));
	col_text(res, 0, 4, u->name, sizeof(u->name));
	u->created_at = col_i(res, 0, 5);
	PQclear(res);
	return 0;
}

static int pg_upload_link(struct store *s, const char *sha256, int64_t app_id, const char *role)
{
	return exec(s, "INSERT INTO upload_links(sha256, app_id, role) VALUES ($1,$2,$3) "
		    "ON CONFLICT DO NOTHING", "tit", sha256, app_id, role);
}

static int pg_upload_linked(struct store *s, const char *sha256, int64_t app_id)
{
	int64_t n = 0;
	int rc = count_query(s, run(s, "SELECT count(*) FROM upload_links WHERE sha256 = $1 AND "
				    "app_id = $2", "ti", sha256, app_id), &n);

	return rc ? rc : n ? 0 : not_found(s, "upload link");
}

static int pg_upload_party_link(struct store *s, const char *sha256, int64_t account_id)
{
	int64_t n = 0;
	/* From the reader's applications, as the links are keyed.  An agency
	 * reads them while its power of attorney stands for every party, as
	 * it acts (svc__agent_authorised). */
	int rc = count_query(s, run(s, "SELECT CASE WHEN EXISTS (SELECT 1 FROM parties p JOIN "
				    "upload_links l ON l.app_id = p.app_id WHERE p.account_id = $1 AND "
				    "l.sha256 = $2) OR EXISTS (SELECT 1 FROM applications a JOIN "
				    "upload_links l ON l.app_id = a.id WHERE a.agent_id = $1 AND "
				    "a.agent_id <> 0 AND l.sha256 = $2 AND NOT EXISTS (SELECT 1 FROM "
				    "parties p WHERE p.app_id = a.id AND NOT EXISTS (SELECT 1 FROM "
				    "agencies g WHERE g.agent_id = a.agent_id AND g.principal_id = "
				    "p.account_id AND g.confirmed_at <> 0 AND g.revoked_at = 0))) "
				    "THEN 1 ELSE 0 END", "it", account_id, sha256), &n);

	return rc ? rc : n ? 0 : not_found(s, "upload link");
}

static int pg_event_last(struct store *s, int64_t *id)
{
	return count_query(s, run(s, "SELECT coalesce(max(id), 0) FROM events", ""), id);
}

static int pg_deposit_insert(struct store *s, struct deposit *d)
{
	return returned_id(s, run(s, "INSERT INTO deposits(account_id, fingerprint, files, bytes, "
				  "description, ledger_index, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7) "
				  "RETURNING id", "itiitii", d->account_id, d->fingerprint, d->files,
				  d->bytes, d->description, d->ledger_index, (int64_t)d->created_at),
			   &d->id);
}

static int pg_deposit_set_index(struct store *s, int64_t id, int64_t ledger_index)
{
	return exec(s, "UPDATE deposits SET ledger_index = $1 WHERE id = $2", "ii", ledger_index, id);
}

static int pg_app_stamp(struct store *s, int64_t id, struct app_stamp *out)
{
	PGresult *res = run(s, "SELECT a.version, "
			    "(SELECT (count(*) * 4294967296 + coalesce(sum(o.version), 0))::bigint "
			    "FROM objections o WHERE o.app_id = a.id), "
			    "(SELECT coalesce(min(d.due_at), 0) FROM deadlines d WHERE d.app_id = a.id "
			    "AND d.closed_at = 0 AND d.binds_party = 1) "
			    "FROM applications a WHERE a.id = $1", "i", id);

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "application");
	}
	out->version = col_i(res, 0, 0);
	out->objections = col_i(res, 0, 1);
	out->next_due = col_i(res, 0, 2);
	PQclear(res);
	return 0;
}

/* Other instances may write the same database: only what it announces
 * tells (watch_pg.c), and 0 while nobody in this process listens. */
static uint64_t pg_generation(struct store *s)
{
	(void)s;
	return store__pg_watch_gen();
}

/* Each commit is durable by itself: there is nothing to batch. */
static void pg_batch_allow(struct store *s, int on)
{
	(void)s;
	(void)on;
}

static int pg_batch_size(struct store *s)
{
	(void)s;
	return 0;
}

static int pg_batch_commit(struct store *s)
{
	(void)s;
	return 0;
}

static int pg_batch_try(struct store *s)
{
	(void)s;
	return 1;
}

#define DEPOSIT_COLS "id, account_id, fingerprint, files, bytes, description, ledger_index, " \
	"created_at"

static void deposit_row(PGresult *res, int i, struct deposit *d)
{
	memset(d, 0, sizeof(*d));
	d->id = col_i(res, i, 0);
	d->account_id = col_i(res, i, 1);
	col_text(res, i, 2, d->fingerprint, sizeof(d->fingerprint));
	d->files = col_i(res, i, 3);
	d->bytes = col_i(res, i, 4);
	col_text(res, i, 5, d->description, sizeof(d->description));
	d->ledger_index = col_i(res, i, 6);
	d->created_at = col_i(res, i, 7);
}

static int pg_deposit_get(struct store *s, int64_t id, struct deposit *d)
{
	PGresult *res = run(s, "SELECT " DEPOSIT_COLS " FROM deposits WHERE id = $1", "i", id);

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "deposit");
	}
	deposit_row(res, 0, d);
	PQclear(res);
	return 0;
}

static int pg_deposit_logged(struct store *s, int64_t lo, int64_t hi, store_deposit_cb cb,
			     void *ud)
{
	PGresult *res = run(s, "SELECT " DEPOSIT_COLS " FROM deposits WHERE ledger_index >= $1 "
			    "AND ledger_index < $2 ORDER BY account_id, ledger_index", "ii", lo, hi);
	struct deposit d;
	int i, rc = 0;

	if (res == NULL)
		return s->err.code;
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		deposit_row(res, i, &d);
		rc = cb(ud, &d);
	}
	PQclear(res);
	return rc;
}

/* ---- certificates -------------------------------------------------------------------------- */

#define CERT_COLS "id, app_id, cert_no, reg_no, version, status, issued_at, valid_from, " \
		  "valid_until, status_at, doc, ledger_index"

static int get_cert(struct store *s, PGresult *res, struct certificate *c)
{
	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "certificate");
	}
	memset(c, 0, sizeof(*c));
	c->id = col_i(res, 0, 0);
	c->app_id = col_i(res, 0, 1);
	col_text(res, 0, 2, c->cert_no, sizeof(c->cert_no));
	col_text(res, 0, 3, c->reg_no, sizeof(c->reg_no));
	c->version = (int)col_i(res, 0, 4);
	c->status = (enum cert_status)col_i(res, 0, 5);
	c->issued_at = col_i(res, 0, 6);
	c->valid_from = (dip_day)col_i(res, 0, 7);
	c->valid_until = (dip_day)col_i(res, 0, 8);
	c->status_at = col_i(res, 0, 9);
	c->doc = col_dup(res, 0, 10);
	c->ledger_index = col_i(res, 0, 11);
	PQclear(res);
	return 0;
}

static int pg_cert_insert(struct store *s, struct certificate *c)
{
	PGresult *res = run(s, "INSERT INTO certificates(app_id, cert_no, reg_no, version, status, "
			    "issued_at, valid_from, valid_until, status_at, doc, ledger_index) "
			    "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT DO NOTHING "
			    "RETURNING id", "ittddiiiiti", c->app_id, c->cert_no, c->reg_no,
			    c->version, (int)c->status, (int64_t)c->issued_at,
			    (int64_t)c->valid_from, (int64_t)c->valid_until, (int64_t)c->status_at,
			    c->doc ? c->doc : "{}", c->ledger_index);

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return dip_fail(&s->err, DIP_ECONFLICT, "",
				"database: write: certificate %s version %d exists", c->cert_no,
				c->version);
	}
	c->id = col_i(res, 0, 0);
	PQclear(res);
	return 0;
}

static int pg_cert_get(struct store *s, const char *cert_no, int version, struct certificate *c)
{
	if (version > 0)
		return get_cert(s, run(s, "SELECT " CERT_COLS " FROM certificates WHERE cert_no = $1 "
				       "AND version = $2", "td", cert_no, version), c);
	return get_cert(s, run(s, "SELECT " CERT_COLS " FROM certificates WHERE cert_no = $1 "
			       "ORDER BY version DESC LIMIT 1", "t", cert_no), c);
}

static int pg_cert_latest(struct store *s, int64_t app_id, struct certificate *c)
{
	return get_cert(s, run(s, "SELECT " CERT_COLS " FROM certificates WHERE app_id = $1 "
			       "ORDER BY version DESC LIMIT 1", "i", app_id), c);
}

static int pg_cert_set_status(struct store *s, int64_t app_id, int version_below,
			      enum cert_status from, enum cert_status to, dip_time at)
{
	return exec(s, "UPDATE certificates SET status = $1, status_at = $2 WHERE app_id = $3 AND "
		    "version < $4 AND status = $5", "diidd", (int)to, (int64_t)at, app_id,
		    version_below, (int)from);
}

/* ---- audit ----------------------------------------------------------------------------------- */

static int pg_audit_insert(struct store *s, struct audit_entry *a)
{
	return returned_id(s, run(s, "INSERT INTO audit(at, actor_id, action, object, detail, addr) "
				  "VALUES ($1,$2,$3,$4,$5,$6) RETURNING id", "iitttt", (int64_t)a->at,
				  a->actor_id, a->action, a->object, a->detail, a->addr), &a->id);
}

static int pg_audit_list(struct store *s, const struct audit_filter *f, store_audit_cb cb, void *ud)
{
	int64_t after = f->after_id > 0 ? f->after_id : INT64_MAX;
	PGresult *res = run(s, "SELECT id, at, actor_id, action, object, detail, addr FROM audit "
			    "WHERE id < $1 AND (actor_id = $2 OR $2 = 0) AND (object = $3 OR $3 IS NULL) "
			    "ORDER BY id DESC LIMIT $4", "iitd", after, f->actor_id, f->object,
			    f->limit > 0 ? f->limit : 100);
	struct audit_entry a;
	int i, rc = 0;

	if (res == NULL)
		return s->err.code;
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		memset(&a, 0, sizeof(a));
		a.id = col_i(res, i, 0);
		a.at = col_i(res, i, 1);
		a.actor_id = col_i(res, i, 2);
		col_text(res, i, 3, a.action, sizeof(a.action));
		col_text(res, i, 4, a.object, sizeof(a.object));
		col_text(res, i, 5, a.detail, sizeof(a.detail));
		col_text(res, i, 6, a.addr, sizeof(a.addr));
		rc = cb(ud, &a);
	}
	PQclear(res);
	return rc;
}

/* ---- ledger ---------------------------------------------------------------------------------- */

static int pg_ledger_append(struct store *s, const char *entry, size_t len, int announce,
			    int64_t *index)
{
	/* The UPDATE waits for any other appender's row lock and then reads
	 * the size it committed: indexes are serial across connections.  The
	 * announcement's INSERT runs whether or not the query reads it. */
	PGresult *res = run(s, "WITH head AS (UPDATE ledger_head SET size = size + 1 "
			    "RETURNING size - 1 AS idx), e AS (INSERT INTO ledger_entries(idx, entry) "
			    "SELECT idx, $1 FROM head RETURNING idx), a AS (INSERT INTO "
			    "ledger_announcements(idx) SELECT idx FROM e WHERE $2::int = 1) "
			    "SELECT idx FROM e", "bd", entry, len, announce ? 1 : 0);

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return dip_fail(&s->err, DIP_EDB, "", "database: ledger append: the log head is missing");
	}
	*index = col_i(res, 0, 0);
	PQclear(res);
	return 0;
}

static int pg_ledger_announcements(struct store *s, int64_t before, int64_t *out, int max, int *n)
{
	*n = 0;
	return id_list(s, run(s, "SELECT idx FROM ledger_announcements WHERE idx < $1 "
			      "ORDER BY idx DESC LIMIT $2", "id", before, max), out, max, n);
}

static int pg_ledger_entry(struct store *s, int64_t index, struct dbuf *out)
{
	PGresult *res = run(s, "SELECT entry FROM ledger_entries WHERE idx = $1", "i", index);
	int rc;

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "log entry");
	}
	dbuf_reset(out);
	rc = dbuf_add(out, PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0));
	PQclear(res);
	return rc;
}

/* In a write transaction, waits for and takes the sequencer's lock before
 * the log's head is read (see the head of this file). */
static int sequencer_lock(struct store *s)
{
	struct pg *g = s->impl;
	int rc;

	if (!g->in_tx || !g->write || g->sequencing)
		return 0;
	rc = exec(s, "SELECT pg_advisory_xact_lock($1)", "i", SEQUENCER_LOCK);
	if (rc == 0)
		g->sequencing = 1;
	return rc;
}

static int pg_ledger_size(struct store *s, int64_t *n)
{
	int rc = sequencer_lock(s);

	return rc ? rc : count_query(s, run(s, "SELECT size FROM ledger_head", ""), n);
}

static int pg_tile_get(struct store *s, int level, int64_t index, int width, uint8_t *hashes)
{
	PGresult *res = run(s, "SELECT hashes FROM ledger_tiles WHERE level = $1 AND idx = $2 AND "
			    "width = $3", "did", level, index, width);

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "tile");
	}
	if (PQgetlength(res, 0, 0) != width * 32) {
		PQclear(res);
		return dip_fail(&s->err, DIP_EDB, "", "tile %d/%lld has the wrong size", level,
				(long long)index);
	}
	memcpy(hashes, PQgetvalue(res, 0, 0), (size_t)width * 32);
	PQclear(res);
	return 0;
}

static int pg_tile_put(struct store *s, int level, int64_t index, int width, const uint8_t *hashes)
{
	return exec(s, "INSERT INTO ledger_tiles(level, idx, width, hashes) VALUES ($1,$2,$3,$4) "
		    "ON CONFLICT DO NOTHING", "didb", level, index, width, hashes,
		    (size_t)width * 32);
}

static int pg_checkpoint_put(struct store *s, const struct checkpoint_row *c)
{
	return exec(s, "INSERT INTO checkpoints(size, root, note, created_at, witnessed) VALUES "
		    "($1,$2,$3,$4,$5) ON CONFLICT(size) DO UPDATE SET note = excluded.note, "
		    "witnessed = excluded.witnessed", "ibtid", c->size, c->root, (size_t)32, c->note,
		    (int64_t)c->created_at, c->witnessed);
}

#define CHECKPOINT_COLS "size, root, note, created_at, witnessed"

static int checkpoint_read(struct store *s, PGresult *res, struct checkpoint_row *c)
{
	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return not_found(s, "checkpoint");
	}
	memset(c, 0, sizeof(*c));
	c->size = col_i(res, 0, 0);
	if (PQgetlength(res, 0, 1) == 32)
		memcpy(c->root, PQgetvalue(res, 0, 1), 32);
	c->note = col_dup(res, 0, 2);
	c->created_at = col_i(res, 0, 3);
	c->witnessed = col_i(res, 0, 4) != 0;
	PQclear(res);
	return 0;
}

static int pg_checkpoint_latest(struct store *s, struct checkpoint_row *c)
{
	if (sequencer_lock(s))
		return s->err.code;
	return checkpoint_read(s, run(s, "SELECT " CHECKPOINT_COLS " FROM checkpoints ORDER BY "
				      "size DESC LIMIT 1", ""), c);
}

static int pg_checkpoint_witnessed(struct store *s, int64_t size, struct checkpoint_row *c)
{
	return checkpoint_read(s, run(s, "SELECT " CHECKPOINT_COLS " FROM checkpoints WHERE "
				      "witnessed <> 0 AND size > $1 ORDER BY size DESC LIMIT 1", "i",
				      size), c);
}

/* ---- several servers; whole tables ------------------------------------------------------------ */

/* The advisory lock of each name tx_lock knows. */
static int64_t lock_key(const char *name)
{
	static const struct {
		const char *name;
		int64_t key;
	} keys[] = {
		{ "sequencer", SEQUENCER_LOCK },
		{ "scheduler", SCHEDULER_LOCK },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return keys[i].key;
	return 0;
}

static int pg_tx_lock(struct store *s, const char *name, int wait, int *got)
{
	struct pg *g = s->impl;
	int64_t key = lock_key(name), v = 0;
	int rc;

	*got = 0;
	if (key == 0)
		return dip_fail(&s->err, DIP_EINVAL, "", "database: no lock called \"%s\"", name);
	if (!g->in_tx)
		return dip_fail(&s->err, DIP_ESTATE, "", "database: the %s lock needs a transaction",
				name);
	if (key == SEQUENCER_LOCK && g->sequencing) {
		*got = 1;
		return 0;
	}
	if (wait) {
		rc = exec(s, "SELECT pg_advisory_xact_lock($1)", "i", key);
		v = 1;
	} else {
		rc = count_query(s, run(s, "SELECT pg_try_advisory_xact_lock($1)", "i", key), &v);
	}
	if (rc)
		return rc;
	*got = v != 0;
	if (*got && key == SEQUENCER_LOCK)
		g->sequencing = 1;
	return 0;
}

/* Formats an SQL text about a table of store_tables into out: names from
 * that list only, never outside values.  DIP_ELIMIT should it not fit. */
static int build_sql(struct store *s, char *out, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int build_sql(struct store *s, char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(out, n, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= n)
		return dip_fail(&s->err, DIP_ELIMIT, "", "database: statement too long");
	return 0;
}

/* Runs a statement of build_sql's: unprepared, since its text is no static
 * literal for the statement cache, with binary results. */
static PGresult *run_built(struct store *s, const char *sql, const char *what)
{
	PGresult *res;
	ExecStatusType st;

	if (ensure_conn(s))
		return NULL;
	res = PQexecParams(CONN(s), sql, 0, NULL, NULL, NULL, NULL, 1);
	st = PQresultStatus(res);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return res;
	fail_res(s, res, what);
	PQclear(res);
	return NULL;
}

static int exec_built(struct store *s, const char *sql, const char *what)
{
	PGresult *res = run_built(s, sql, what);

	if (res == NULL)
		return s->err.code;
	PQclear(res);
	return 0;
}

#define TABLE_MAX_COLS 64
#define EXPORT_BATCH 500
#define STR_(x) #x
#define STR(x) STR_(x)

/* Rows come through a cursor, EXPORT_BATCH at a time, so that a table of
 * any size costs the memory of one batch. */
static int pg_table_export(struct store *s, const struct store_table *t, store_row_cb cb, void *ud)
{
	struct pg *g = s->impl;
	struct store_value row[TABLE_MAX_COLS];
	size_t ncols = strlen(t->types), c;
	PGresult *res;
	char sql[4096];
	int i, n, rc;

	if (!g->in_tx)
		return dip_fail(&s->err, DIP_ESTATE, "", "database: export needs a transaction");
	if (ncols > TABLE_MAX_COLS)
		return dip_fail(&s->err, DIP_ELIMIT, "", "database: %s: too many columns", t->name);
	rc = build_sql(s, sql, sizeof(sql), "DECLARE dip_export NO SCROLL CURSOR FOR SELECT %s "
		       "FROM %s ORDER BY %s", t->cols, t->name, t->order);
	if (rc == 0)
		rc = exec_built(s, sql, "export");
	if (rc)
		return rc;
	do {
		res = run_built(s, "FETCH FORWARD " STR(EXPORT_BATCH) " FROM dip_export", "export");
		if (res == NULL)
			return s->err.code;
		n = PQntuples(res);
		if ((size_t)PQnfields(res) != ncols) {
			PQclear(res);
			return dip_fail(&s->err, DIP_EDB, "", "database: %s: unexpected columns", t->name);
		}
		for (i = 0; rc == 0 && i < n; i++) {
			for (c = 0; c < ncols; c++) {
				memset(&row[c], 0, sizeof(row[c]));
				row[c].null = PQgetisnull(res, i, (int)c);
				if (t->types[c] == 'i')
					row[c].i = col_i(res, i, (int)c);
				row[c].p = PQgetvalue(res, i, (int)c);
				row[c].len = (size_t)PQgetlength(res, i, (int)c);
			}
			rc = cb(ud, row);
		}
		PQclear(res);
	} while (rc == 0 && n == EXPORT_BATCH);
	if (rc == 0)
		rc = exec_built(s, "CLOSE dip_export", "export");
	return rc;
}

/* One value in COPY's text format: \N for NULL, bytea as \\x and hex,
 * text with backslash, tab, newline and carriage return escaped. */
static int copy_value(struct dbuf *b, char type, const struct store_value *v)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = v->p;
	size_t i;
	int rc = 0;

	if (v->null)
		return dbuf_add(b, "\\N", 2);
	if (type == 'i')
		return dbuf_addf(b, "%lld", (long long)v->i);
	if (type == 'b') {
		rc = dbuf_add(b, "\\\\x", 3);
		for (i = 0; rc == 0 && i < v->len; i++) {
			char two[2] = { hex[p[i] >> 4], hex[p[i] & 15] };

			rc = dbuf_add(b, two, 2);
		}
		return rc;
	}
	for (i = 0; rc == 0 && i < v->len; i++) {
		switch (p[i]) {
		case '\\': rc = dbuf_add(b, "\\\\", 2); break;
		case '\t': rc = dbuf_add(b, "\\t", 2); break;
		case '\n': rc = dbuf_add(b, "\\n", 2); break;
		case '\r': rc = dbuf_add(b, "\\r", 2); break;
		default: rc = dbuf_addc(b, (char)p[i]); break;
		}
	}
	return rc;
}

/* The rows go in with one COPY; then the numbering of new rows and the
 * log's size, which PostgreSQL keeps apart from the rows, catch up. */
static int pg_table_import(struct store *s, const struct store_table *t,
			   const struct store_value *rows, size_t nrows)
{
	struct pg *g = s->impl;
	size_t ncols = strlen(t->types), r, c;
	PGresult *res;
	struct dbuf b;
	char sql[4096];
	int rc = 0;

	if (!g->in_tx || !g->write)
		return dip_fail(&s->err, DIP_ESTATE, "", "database: import needs a write transaction");
	if (nrows == 0)
		return 0;
	g->dirty = 1;
	dbuf_init(&b, 0);
	for (r = 0; rc == 0 && r < nrows; r++)
		for (c = 0; rc == 0 && c < ncols; c++) {
			rc = copy_value(&b, t->types[c], &rows[r * ncols + c]);
			if (rc == 0)
				rc = dbuf_addc(&b, c + 1 < ncols ? '\t' : '\n');
		}
	if (rc == 0 && b.len > INT32_MAX)
		rc = DIP_ELIMIT;
	if (rc) {
		dbuf_free(&b);
		return dip_fail(&s->err, rc, "", "database: %s: the rows to import are too large",
				t->name);
	}
	rc = build_sql(s, sql, sizeof(sql), "COPY %s (%s) FROM STDIN", t->name, t->cols);
	if (rc)
		goto out;
	res = PQexec(CONN(s), sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		rc = fail_res(s, res, "import");
		PQclear(res);
		goto out;
	}
	PQclear(res);
	if (PQputCopyData(CONN(s), b.p, (int)b.len) != 1 || PQputCopyEnd(CONN(s), NULL) != 1) {
		rc = fail_res(s, NULL, "import");
		goto out;
	}
	/* The outcome of the COPY, then the end of results. */
	while ((res = PQgetResult(CONN(s))) != NULL) {
		if (rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = fail_res(s, res, "import");
		PQclear(res);
	}
	if (rc == 0 && t->identity) {
		rc = build_sql(s, sql, sizeof(sql), "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
			       "max(id)) FROM %s", t->name, t->name);
		if (rc == 0)
			rc = exec_built(s, sql, "import");
	}
	if (rc == 0 && strcmp(t->name, "ledger_entries") == 0)
		rc = exec(s, "UPDATE ledger_head SET size = (SELECT coalesce(max(idx) + 1, 0) FROM "
			  "ledger_entries)", "");
out:
	dbuf_free(&b);
	return rc;
}

static int pg_table_count(struct store *s, const struct store_table *t, int64_t *n)
{
	char sql[256];
	int rc = build_sql(s, sql, sizeof(sql), "SELECT count(*) FROM %s", t->name);

	return rc ? rc : count_query(s, run_built(s, sql, "count"), n);
}

/* ---- search (store.h: the key's layout) ------------------------------- */

/* One row a dimension (enum search_dim, in order), in one statement. */
static int stat_add(struct store *s, int64_t key, int64_t delta)
{
	int64_t v[SEARCH_NDIMS];

	_Static_assert(SEARCH_NDIMS == 6 && SEARCH_GENERATION_DIM == 6,
		       "the statement below writes six dimensions and the generation");

	store_search_dims(key, v);
	return exec(s, "INSERT INTO search_stats(dim, value, n) VALUES (0, $1, $7), (1, $2, $7), "
		    "(2, $3, $7), (3, $4, $7), (4, $5, $7), (5, $6, $7), (6, 0, 1) "
		    "ON CONFLICT (dim, value) DO UPDATE SET n = search_stats.n + excluded.n",
		    "iiiiiii", v[0], v[1], v[2], v[3], v[4], v[5], delta);
}

static int pg_search_delete(struct store *s, int64_t app_id)
{
	PGresult *res = run(s, "DELETE FROM search_docs WHERE app_id = $1 RETURNING key", "i", app_id);
	int64_t key;
	int rc;

	if (res == NULL)
		return s->err.code;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	key = col_i(res, 0, 0);
	PQclear(res);
	rc = exec(s, "DELETE FROM search_holders WHERE app_id = $1", "i", app_id);
	if (rc == 0)
		rc = stat_add(s, key, -1);
	return rc;
}

/* The tsvector literal of a document: its three fields one after the
 * other, a position apart, so that no phrase spans two (FTS5 columns),
 * then its filter words as '#' lexemes no query text can make. */
static int doc_tsvector(const struct search_doc *d, struct dbuf *out)
{
	const char *f[3] = { d->name, d->holder ? d->holder : "", d->body ? d->body : "" };
	char tags[3][SEARCH_TAG_MAX];
	size_t pos = 0;
	int i, n, rc = 0;

	for (i = 0; i < 3 && (rc == 0 || rc == DIP_ELIMIT); i++) {
		/* Past TOK_MAX_TOKENS a field is indexed that far, as by the
		 * FTS5 tokenizer. */
		rc = tok_tsvector_at(f[i], strlen(f[i]), &pos, out);
		pos++;
	}
	if (rc == DIP_ELIMIT && (out->max == 0 || out->len < out->max))
		rc = 0;
	n = store_search_tags(d->key, tags);
	for (i = 0; rc == 0 && i < n; i++)
		rc = dbuf_addf(out, "%s'#%s':%zu", out->len ? " " : "", tags[i],
			       pos + 1 > 16383 ? 16383 : pos + 1);
	return rc;
}

static int pg_search_put(struct store *s, const struct search_doc *d)
{
	struct search_keyinfo k;
	struct dbuf tsv;
	int i, rc;

	store_search_key_split(d->key, &k);
	dbuf_init(&tsv, 0);
	rc = doc_tsvector(d, &tsv);
	if (rc) {
		dbuf_free(&tsv);
		return dip_fail(&s->err, rc, "", "search: cannot index application %lld",
				(long long)k.app_id);
	}
	rc = pg_search_delete(s, k.app_id);
	if (rc == 0)
		rc = exec(s, "INSERT INTO search_docs(key, app_id, industry, cert_no, reg_no, "
			  "fingerprint, name, holder, body, tsv) VALUES ($1, $2, $3, $4, $5, $6, $7, "
			  "$8, $9, $10::tsvector)", "iitttttttt", d->key, k.app_id, d->industry,
			  d->cert_no, d->reg_no, d->fingerprint, d->name, d->holder ? d->holder : "",
			  d->body ? d->body : "", tsv.p ? tsv.p : "");
	for (i = 0; rc == 0 && i < d->nholders; i++)
		rc = exec(s, "INSERT INTO search_holders(app_id, key, name, code) "
			  "VALUES ($1, $2, $3, $4)", "iitt", k.app_id, d->key, d->holders[i].name,
			  d->holders[i].code);
	if (rc == 0)
		rc = stat_add(s, d->key, 1);
	dbuf_free(&tsv);
	return rc;
}

/* The statements of search_match and search_match_docs: $1 is the
 * tsquery (the query and the status and industry filters as '#' words; NULL
 * without either), $2 and $3 the key range, $7 the holder, $8 the limit.
 * They run unprepared, so the planner sees the values: the holder filter
 * folds away when not given, and it can tell a word in most records (walk
 * the key index) from a rare one (the GIN index), which a generic plan
 * cannot. */
#define PG_SEARCH_FILTER(k)                                                                \
	" AND " k " >= $2 AND " k " <= $3 AND ($7::text IS NULL OR key IN"                   \
	" (SELECT key FROM search_holders WHERE name = $7 OR code = $7))"
#define PG_COLS "key, industry, cert_no, reg_no, fingerprint, name, holder"
#define PG_DIRS_BY(head, k)                                                                \
	{ head PG_SEARCH_FILTER(k) " ORDER BY " k " ASC LIMIT $8",                           \
	  head PG_SEARCH_FILTER(k) " ORDER BY " k " DESC LIMIT $8" }
#define PG_DIRS(head) PG_DIRS_BY(head, "key")
/* The same with the keys as "key + 0", which no index gives: the rows
 * come from the GIN index and are sorted (search_walks).  Left to itself
 * the planner walks the key index over a range of keys, testing each
 * row, at the cost of a walk. */
#define PG_DIRS_SORTED(head) PG_DIRS_BY(head, "key + 0")

/* [what: keys, docs, docs with body][no tsquery, walk the keys, sort][descending] */
static const char *const pg_search_sql[3][3][2] = {
	{ PG_DIRS("SELECT key FROM search_docs WHERE $1::text IS NULL"),
	  PG_DIRS("SELECT key FROM search_docs WHERE tsv @@ $1::tsquery"),
	  PG_DIRS_SORTED("SELECT key FROM search_docs WHERE tsv @@ $1::tsquery") },
	{ PG_DIRS("SELECT " PG_COLS ", NULL FROM search_docs WHERE $1::text IS NULL"),
	  PG_DIRS("SELECT " PG_COLS ", NULL FROM search_docs WHERE tsv @@ $1::tsquery"),
	  PG_DIRS_SORTED("SELECT " PG_COLS ", NULL FROM search_docs WHERE tsv @@ $1::tsquery") },
	{ PG_DIRS("SELECT " PG_COLS ", body FROM search_docs WHERE $1::text IS NULL"),
	  PG_DIRS("SELECT " PG_COLS ", body FROM search_docs WHERE tsv @@ $1::tsquery"),
	  PG_DIRS_SORTED("SELECT " PG_COLS ", body FROM search_docs WHERE tsv @@ $1::tsquery") },
};

/* The planner's estimate of the documents the tsquery tsq matches; -1
 * when it gave none.  Not through run_p, which takes a statement that is
 * not a SELECT for a write. */
static int64_t plan_rows(struct store *s, const char *tsq)
{
	const char *val[1] = { tsq };
	Oid type[1] = { OID_TEXT };
	int len[1] = { (int)strlen(tsq) }, fmt[1] = { 0 };
	PGresult *res = PQexecParams(CONN(s), "EXPLAIN SELECT 1 FROM search_docs WHERE "
				     "tsv @@ $1::tsquery", 1, type, val, len, fmt, 0);
	const char *r = NULL;
	int64_t n = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0)
		r = strstr(PQgetvalue(res, 0, 0), " rows=");
	if (r)
		n = strtoll(r + 6, NULL, 10);
	PQclear(res);
	return n;
}

/*
 * Whether a search for tsq, limit rows in key order, should walk the key
 * index and test each row, or take every match from the GIN index and
 * sort.  PostgreSQL's planner costs a row's test as one operator, but the
 * row's tsvector (3 KB, kept out of line) is read and decompressed for
 * it: a walk costs 8-18 us a row (more as the table outgrows the cache),
 * and walks limit / share rows, where share is the part of the index that
 * matches; the GIN index costs about 5 us a match, rows * share of them.
 * On a registry of 20,000 the walk took 87 ms for a word in a fifth of
 * the records where the GIN index took 13 ms, and 17 ms for one in every
 * record where it took 130 ms; at 100,000, 169 ms against 110 ms for a
 * word in a fifth.  So the walk is taken only when est^2 > 2.5 limit docs,
 * from the planner's estimate of the matches (its statistics of the
 * words); the estimate is kept for the next statements of the same
 * search.
 */
static int search_walks(struct store *s, const char *tsq, int limit)
{
	struct pg *g = s->impl;

	if (ensure_conn(s))
		return 1;
	if (g->est_docs == 0 || ++g->est_uses > 4096) {
		PGresult *res = run(s, "SELECT greatest(reltuples, 0)::bigint FROM pg_class "
				    "WHERE oid = 'search_docs'::regclass", "");

		g->est_docs = res && PQntuples(res) ? col_i(res, 0, 0) : 0;
		PQclear(res);
		g->est_uses = 0;
		free(g->est_query);
		g->est_query = NULL;
		if (g->est_docs <= 0)
			return 1;   /* never analysed: the planner knows nothing */
	}
	if (g->est_query == NULL || strcmp(g->est_query, tsq) != 0) {
		free(g->est_query);
		g->est_query = NULL;
		g->est_rows = plan_rows(s, tsq);
		if (g->est_rows < 0)
			return 1;   /* the statement itself will say what is wrong */
		g->est_query = strdup(tsq);
	}
	return (double)g->est_rows * (double)g->est_rows >
	       2.5 * (double)(limit > 0 ? limit : 1) * (double)g->est_docs;
}

static int add_tag(struct dbuf *b, const char *tag)
{
	return dbuf_addf(b, "'#%s'", tag);
}

/* The tsquery of m into out: the query, and the filters as words, ANDed
 * (as store_sqlite.c's search_expr).  Empty when m has neither. */
static int search_expr(const struct search_match *m, struct dbuf *out)
{
	char tag[SEARCH_TAG_MAX];
	int st, first = 1, rc = 0;

	if (m->q) {
		rc = dbuf_addc(out, '(');
		if (rc == 0)
			rc = qry_to_tsquery(m->q, out);
		if (rc == 0)
			rc = dbuf_addc(out, ')');
	}
	if (rc == 0 && m->statuses) {
		rc = dbuf_adds(out, out->len ? " & (" : "(");
		for (st = 0; rc == 0 && st < APP__COUNT; st++) {
			if (!(m->statuses & 1u << st))
				continue;
			store_search_tag_status((enum app_state)st, tag);
			if (!first)
				rc = dbuf_adds(out, " | ");
			if (rc == 0)
				rc = add_tag(out, tag);
			first = 0;
		}
		if (rc == 0)
			rc = dbuf_addc(out, ')');
	}
	if (rc == 0 && m->section) {
		store_search_tag_section(m->section, tag);
		if (out->len)
			rc = dbuf_adds(out, " & ");
		if (rc == 0)
			rc = add_tag(out, tag);
	}
	if (rc == 0 && m->division) {
		store_search_tag_division(m->division, tag);
		if (out->len)
			rc = dbuf_adds(out, " & ");
		if (rc == 0)
			rc = add_tag(out, tag);
	}
	return rc;
}

/* Runs m's statement (what as above); the result is the caller's. */
static PGresult *search_run(struct store *s, const struct search_match *m, int what)
{
	int limit = m->limit < 0 ? 0 : m->limit > SEARCH_MAX_KEYS ? SEARCH_MAX_KEYS : m->limit;
	struct dbuf expr;
	struct params p;
	PGresult *res;

	dbuf_init(&expr, 64 * 1024);
	if (search_expr(m, &expr) != 0) {
		dbuf_free(&expr);
		dip_fail(&s->err, DIP_ELIMIT, "q", "q: the query is too large");
		return NULL;
	}
	p.n = 0;
	p.overflow = 0;
	p.adhoc = 1;
	p_text(&p, expr.len ? expr.p : NULL);
	p_int(&p, m->lo);
	p_int(&p, m->hi > 0 ? m->hi : INT64_MAX);
	p_int(&p, 0);
	p_int(&p, 0);
	p_int(&p, 0);
	p_text(&p, m->holder);
	p_int(&p, limit);
	res = run_p(s, pg_search_sql[what][expr.len == 0 ? 0 : search_walks(s, expr.p, limit) ? 1 : 2]
				    [m->descending != 0], &p);
	dbuf_free(&expr);
	return res;
}

static int pg_search_match(struct store *s, const struct search_match *m, int64_t *keys, int *n)
{
	*n = 0;
	return id_list(s, search_run(s, m, 0), keys, m->limit, n);
}

/* Calls cb with each row of a result of key, industry, cert_no, reg_no,
 * fingerprint, name, holder, body; clears it. */
static int each_doc(struct store *s, PGresult *res, store_search_cb cb, void *ud)
{
	struct search_doc d;
	int i, rc = 0;

	if (res == NULL)
		return s->err.code;
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		memset(&d, 0, sizeof(d));
		d.key = col_i(res, i, 0);
		col_text(res, i, 1, d.industry, sizeof(d.industry));
		col_text(res, i, 2, d.cert_no, sizeof(d.cert_no));
		col_text(res, i, 3, d.reg_no, sizeof(d.reg_no));
		col_text(res, i, 4, d.fingerprint, sizeof(d.fingerprint));
		d.name = PQgetvalue(res, i, 5);
		d.holder = PQgetvalue(res, i, 6);
		d.body = PQgetisnull(res, i, 7) ? NULL : PQgetvalue(res, i, 7);
		rc = cb(ud, &d);
	}
	PQclear(res);
	return rc;
}

/* PostgreSQL's GIN index says which rows match, not where: the service
 * reads the documents (search_match_docs). */
static int pg_search_match_phrases(struct store *s, const struct search_match *m, int64_t *keys,
				   uint64_t *in_name, uint64_t *in_holder, int *n)
{
	(void)s;
	(void)m;
	(void)keys;
	(void)in_name;
	(void)in_holder;
	*n = -1;
	return 0;
}

static int pg_search_match_docs(struct store *s, const struct search_match *m, int with_body,
				store_search_cb cb, void *ud)
{
	return each_doc(s, search_run(s, m, with_body ? 2 : 1), cb, ud);
}

static int pg_search_docs(struct store *s, const int64_t *keys, int n, int with_body,
			  store_search_cb cb, void *ud)
{
	struct dbuf list;
	PGresult *res;
	int i, rc = 0;

	if (n <= 0)
		return 0;
	dbuf_init(&list, 0);
	for (i = 0; rc == 0 && i < n; i++)
		rc = dbuf_addf(&list, "%s%lld", i ? "," : "{", (long long)keys[i]);
	if (rc == 0)
		rc = dbuf_addc(&list, '}');
	if (rc) {
		dbuf_free(&list);
		return dip_fail(&s->err, rc, "", "out of memory");
	}
	res = with_body ? run(s, "SELECT " PG_COLS ", body FROM search_docs "
			      "WHERE key = ANY($1::bigint[])", "t", list.p)
			: run(s, "SELECT " PG_COLS ", NULL FROM search_docs "
			      "WHERE key = ANY($1::bigint[])", "t", list.p);
	dbuf_free(&list);
	return each_doc(s, res, cb, ud);
}

static int pg_search_lookup(struct store *s, char field, const char *value, int64_t *keys, int max,
			    int *n)
{
	PGresult *res;

	*n = 0;
	if (field == 'c')
		res = run(s, "SELECT key FROM search_docs WHERE cert_no = $1 AND cert_no <> '' "
			  "ORDER BY key ASC LIMIT $2", "td", value, max);
	else if (field == 'r')
		res = run(s, "SELECT key FROM search_docs WHERE reg_no = $1 AND reg_no <> '' "
			  "ORDER BY key ASC LIMIT $2", "td", value, max);
	else
		res = run(s, "SELECT key FROM search_docs WHERE fingerprint = $1 AND fingerprint <> '' "
			  "ORDER BY key ASC LIMIT $2", "td", value, max);
	return id_list(s, res, keys, max, n);
}

static int pg_search_stats(struct store *s, store_stat_cb cb, void *ud)
{
	PGresult *res = run(s, "SELECT dim, value, n FROM search_stats WHERE dim < $1 AND n <> 0 "
			    "ORDER BY dim, value", "d", (int)SEARCH_DIM_DAY);
	int i, rc = 0;

	if (res == NULL)
		return s->err.code;
	for (i = 0; rc == 0 && i < PQntuples(res); i++)
		rc = cb(ud, (enum search_dim)col_i(res, i, 0), col_i(res, i, 1), col_i(res, i, 2));
	PQclear(res);
	return rc;
}

static int pg_search_day_count(struct store *s, dip_day from, dip_day to, int64_t *n)
{
	/* Every day: the total, one row instead of a sum. */
	if (from <= 0 && to >= SEARCH_DAY_MAX)
		return count_query(s, run(s, "SELECT coalesce(sum(n), 0)::bigint FROM search_stats "
					  "WHERE dim = $1 AND value = 0", "d", (int)SEARCH_DIM_TOTAL), n);
	return count_query(s, run(s, "SELECT coalesce(sum(n), 0)::bigint FROM search_stats "
				  "WHERE dim = $1 AND value >= $2 AND value <= $3", "dii",
				  (int)SEARCH_DIM_DAY, (int64_t)from, (int64_t)to), n);
}

static int pg_search_generation(struct store *s, int64_t *gen)
{
	return count_query(s, run(s, "SELECT n FROM search_stats WHERE dim = $1 AND value = 0", "d",
				  SEARCH_GENERATION_DIM), gen);
}

/* A rebuilt table has no statistics until autovacuum comes by, and the
 * plans of search_run choose between the key index and GIN by them.  The
 * rows a rebuild inserted wait in GIN's pending list, which every search
 * reads through and which makes the planner think GIN dear: moved into
 * the index, "北京" at 20,000 documents took 17 ms through GIN instead
 * of 337 ms testing every row (docs/performance.md). */
static int pg_search_optimize(struct store *s)
{
	int rc = exec(s, "SELECT gin_clean_pending_list('search_docs_tsv')", "");

	return rc ? rc : exec(s, "ANALYZE search_docs, search_holders", "");
}

static int pg_search_clear(struct store *s)
{
	int rc = exec(s, "DELETE FROM search_docs", "");

	if (rc == 0)
		rc = exec(s, "DELETE FROM search_holders", "");
	/* The generation goes on: a result cached before the rebuild must not
	 * pass for one after it. */
	if (rc == 0)
		rc = exec(s, "DELETE FROM search_stats WHERE dim <> $1", "d", SEARCH_GENERATION_DIM);
	if (rc == 0)
		rc = exec(s, "INSERT INTO search_stats(dim, value, n) VALUES ($1, 0, 1) "
			  "ON CONFLICT (dim, value) DO UPDATE SET n = search_stats.n + 1", "d",
			  SEARCH_GENERATION_DIM);
	return rc;
}

/* ---- opening, migrations ------------------------------------------------------------------------ */

struct migrate_ctx {
	struct store *s;
	int64_t current;
	int rc;
};

static void apply_migration(const struct dip_resource *r, void *ud)
{
	struct migrate_ctx *m = ud;
	const char *base = strrchr(r->name, '/');
	char what[200];
	PGresult *res;
	long version;

	if (m->rc)
		return;
	version = strtol(base ? base + 1 : r->name, NULL, 10);
	if (version <= m->current)
		return;
	/* A migration is several statements: the simple protocol runs them
	 * all, inside the transaction migrate() opened. */
	res = PQexec(CONN(m->s), r->data);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(what, sizeof(what), "migration %s", r->name);
		m->rc = fail_res(m->s, res, what);
		PQclear(res);
		return;
	}
	PQclear(res);
	m->rc = exec(m->s, "INSERT INTO schema_migrations(version) VALUES ($1)", "i",
		     (int64_t)version);
}

static int migrate(struct store *s)
{
	struct migrate_ctx m = { s, 0, 0 };
	int64_t v = 0;
	int rc;

	rc = pg_begin(s, 1);
	if (rc)
		return rc;
	/* Held to the end of the transaction: a second server starting now
	 * waits here and then finds the schema current. */
	rc = exec(s, "SELECT pg_advisory_xact_lock($1)", "i", MIGRATION_LOCK);
	if (rc == 0)
		rc = exec(s, "CREATE TABLE IF NOT EXISTS schema_migrations(version BIGINT PRIMARY KEY)",
			  "");
	if (rc == 0)
		rc = count_query(s, run(s, "SELECT coalesce(max(version), 0) FROM schema_migrations",
					""), &v);
	if (rc)
		goto out;
	m.current = v;
	res_each("migrations/pg/", apply_migration, &m);
	rc = m.rc;
out:
	if (rc)
		pg_rollback(s);
	else
		rc = pg_commit(s);
	return rc;
}

/* ---- statistics -------------------------------------------------------- */

#define STR_(x) #x
#define STR(x) STR_(x)
/* The holder class of application a (STATS_JOINT or a party kind). */
#define HOLDER_CLASS "CASE WHEN (SELECT count(*) FROM parties p WHERE p.app_id = a.id) > 1 " \
	"THEN " STR(STATS_JOINT) " ELSE coalesce((SELECT max(p.kind) FROM parties p " \
	"WHERE p.app_id = a.id), 0) END"

static int each_stats(struct store *s, PGresult *res, int with_what, int with_amounts,
		      store_stats_cb cb, void *ud)
{
	struct stats_row r;
	int i, c, rc = 0;

	if (res == NULL)
		return s->err.code;
	for (i = 0; rc == 0 && i < PQntuples(res); i++) {
		memset(&r, 0, sizeof(r));
		c = 0;
		if (with_what)
			r.what = (int)col_i(res, i, c++);
		r.day = (dip_day)col_i(res, i, c++);
		r.key = (int)col_i(res, i, c++);
		r.flag = (int)col_i(res, i, c++);
		col_text(res, i, c++, r.industry, sizeof(r.industry));
		r.count = col_i(res, i, c++);
		if (with_amounts) {
			r.amount_count = col_i(res, i, c++);
			r.amount_sum = col_i(res, i, c++);
		}
		rc = cb(ud, &r);
	}
	PQclear(res);
	return rc;
}

/* The same groups as store_sqlite.c: instants count on their civil day in
 * the zone, (t + zone) / 86400 in integer arithmetic. */
static int pg_stats_flows(struct store *s, int zone, store_stats_cb cb, void *ud)
{
	return each_stats(s, run(s,
		"SELECT 0, (a.submitted_at + $1) / 86400, a.state, 0, a.industry, count(*) "
		"FROM applications a WHERE a.submitted_at > 0 AND " STATS_NOT_DRAFT " GROUP BY 2, 3, 5 "
		"UNION ALL "
		"SELECT 1, x.reg_day, x.holder, 0, x.industry, count(*) FROM (SELECT a.reg_day, "
		HOLDER_CLASS " AS holder, a.industry FROM applications a "
		"WHERE a.reg_day > 0 AND " STATS_NOT_DRAFT ") x "
		"GROUP BY 2, 3, 5 "
		"UNION ALL "
		"SELECT 2, (e.at + $1) / 86400, 0, 0, a.industry, count(*) "
		"FROM events e JOIN applications a ON a.id = e.app_id WHERE e.action = 'renew' "
		"GROUP BY 2, 5 "
		"UNION ALL "
		"SELECT 3, (r.decided_at + $1) / 86400, r.kind, 0, a.industry, count(*) "
		"FROM requests r JOIN applications a ON a.id = r.app_id WHERE r.state = $2 "
		"GROUP BY 2, 3, 5 "
		"UNION ALL "
		"SELECT 4, (a.closed_at + $1) / 86400, a.close_reason, "
		"CASE WHEN a.state = $4 THEN 1 ELSE 0 END, a.industry, count(*) "
		"FROM applications a WHERE a.state IN ($3, $4) AND " STATS_NOT_DRAFT " GROUP BY 2, 3, 4, 5 "
		"ORDER BY 1, 2, 3, 4, 5",
		"iddd", (int64_t)zone, (int)REQ_APPROVED, (int)APP_CANCELLED, (int)APP_REVOKED),
		1, 0, cb, ud);
}

/* An amount counts when the payload holds it as a JSON integer, as
 * SQLite's json_type() = 'integer' decides. */
#define AMOUNT_IS_INT "jsonb_typeof(r.payload::jsonb -> 'amount') = 'number' AND " \
	"(r.payload::jsonb ->> 'amount') ~ '^-?[0-9]+$'"

static int pg_stats_filings(struct store *s, store_stats_cb cb, void *ud)
{
	return each_stats(s, run(s,
		"SELECT r.act_day, r.kind, r.late, a.industry, count(*), "
		"count(*) FILTER (WHERE " AMOUNT_IS_INT "), "
		"coalesce(sum((r.payload::jsonb ->> 'amount')::bigint) FILTER (WHERE "
		AMOUNT_IS_INT "), 0)::bigint "
		"FROM requests r JOIN applications a ON a.id = r.app_id "
		"WHERE r.state = $1 AND r.kind IN ($2, $3, $4) GROUP BY 1, 2, 3, 4 "
		"ORDER BY 1, 2, 3, 4",
		"dddd", (int)REQ_APPROVED, (int)REQ_TRANSACTION, (int)REQ_PLEDGE, (int)REQ_LICENCE),
		0, 1, cb, ud);
}

static int pg_stats_register(struct store *s, store_stats_cb cb, void *ud)
{
	return each_stats(s, run(s,
		"SELECT 0, x.state, x.holder, x.industry, count(*) FROM (SELECT a.state, "
		HOLDER_CLASS " AS holder, a.industry FROM applications a WHERE " STATS_NOT_DRAFT ") x "
		"GROUP BY 2, 3, 4 ORDER BY 2, 3, 4", ""),
		0, 0, cb, ud);
}

static void pg_close(struct store *s)
{
	struct pg *g = s->impl;

	if (g == NULL)
		return;
	PQfinish(g->conn);
	free(g->est_query);
	free(g);
	s->impl = NULL;
}

static const struct store pg_ops = {
	.backend = "postgresql",
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.setting_get = pg_setting_get,
	.setting_put = pg_setting_put,
	.counter_next = pg_counter_next,
	.account_insert = pg_account_insert,
	.account_get = pg_account_get,
	.account_by_login = pg_account_by_login,
	.account_update = pg_account_update,
	.account_list = pg_account_list,
	.account_count = pg_account_count,
	.session_insert = pg_session_insert,
	.session_get = pg_session_get,
	.session_delete = pg_session_delete,
	.session_delete_account = pg_session_delete_account,
	.login_fail_add = pg_login_fail_add,
	.login_fail_count = pg_login_fail_count,
	.agency_put = pg_agency_put,
	.agency_get = pg_agency_get,
	.app_insert = pg_app_insert,
	.app_get = pg_app_get,
	.app_update = pg_app_update,
	.app_list = pg_app_list,
	.app_count_by_state = pg_app_count_by_state,
	.app_by_fingerprint = pg_app_by_fingerprint,
	.app_by_reg_no = pg_app_by_reg_no,
	.party_put = pg_party_put,
	.party_delete_all = pg_party_delete_all,
	.party_list = pg_party_list,
	.objection_insert = pg_objection_insert,
	.objection_get = pg_objection_get,
	.objection_update = pg_objection_update,
	.objection_ids = pg_objection_ids,
	.request_insert = pg_request_insert,
	.request_get = pg_request_get,
	.request_update = pg_request_update,
	.request_ids = pg_request_ids,
	.request_list = pg_request_list,
	.event_insert = pg_event_insert,
	.event_list = pg_event_list,
	.deadline_insert = pg_deadline_insert,
	.deadline_close = pg_deadline_close,
	.deadline_open_for = pg_deadline_open_for,
	.deadline_due = pg_deadline_due,
	.deadline_tasks = pg_deadline_tasks,
	.message_insert = pg_message_insert,
	.message_list = pg_message_list,
	.message_mark_read = pg_message_mark_read,
	.message_unread = pg_message_unread,
	.upload_insert = pg_upload_insert,
	.upload_get = pg_upload_get,
	.upload_link = pg_upload_link,
	.upload_linked = pg_upload_linked,
	.deposit_insert = pg_deposit_insert,
	.deposit_get = pg_deposit_get,
	.cert_insert = pg_cert_insert,
	.cert_get = pg_cert_get,
	.cert_latest = pg_cert_latest,
	.cert_set_status = pg_cert_set_status,
	.audit_insert = pg_audit_insert,
	.audit_list = pg_audit_list,
	.ledger_append = pg_ledger_append,
	.ledger_announcements = pg_ledger_announcements,
	.ledger_entry = pg_ledger_entry,
	.ledger_size = pg_ledger_size,
	.tile_get = pg_tile_get,
	.tile_put = pg_tile_put,
	.checkpoint_put = pg_checkpoint_put,
	.checkpoint_latest = pg_checkpoint_latest,
	.checkpoint_witnessed = pg_checkpoint_witnessed,
	.deposit_logged = pg_deposit_logged,
	.upload_party_link = pg_upload_party_link,
	.deposit_set_index = pg_deposit_set_index,
	.stats_flows = pg_stats_flows,
	.stats_filings = pg_stats_filings,
	.stats_register = pg_stats_register,
	.event_last = pg_event_last,
	.tx_lock = pg_tx_lock,
	.table_export = pg_table_export,
	.table_import = pg_table_import,
	.table_count = pg_table_count,
	.search_put = pg_search_put,
	.search_delete = pg_search_delete,
	.search_match = pg_search_match,
	.search_match_docs = pg_search_match_docs,
	.search_match_phrases = pg_search_match_phrases,
	.search_docs = pg_search_docs,
	.search_lookup = pg_search_lookup,
	.search_stats = pg_search_stats,
	.search_day_count = pg_search_day_count,
	.search_clear = pg_search_clear,
	.search_optimize = pg_search_optimize,
	.search_generation = pg_search_generation,
	.app_stamp = pg_app_stamp,
	.generation = pg_generation,
	.batch_allow = pg_batch_allow,
	.batch_size = pg_batch_size,
	.batch_commit = pg_batch_commit,
	.batch_try = pg_batch_try,
};

struct store *store_open_pg(const char *conninfo, struct dip_error *e)
{
	/* The URL may name its own application_name; the encoding is ours. */
	static const char *const keys[] = { "fallback_application_name", "dbname",
					    "client_encoding", NULL };
	const char *vals[] = { "dipreg", conninfo, "UTF8", NULL };
	struct store *s = calloc(1, sizeof(*s));
	struct pg *g = calloc(1, sizeof(*g));
	char cm[400];

	if (s == NULL || g == NULL) {
		free(s);
		free(g);
		dip_fail(e, DIP_ENOMEM, "", "out of memory");
		return NULL;
	}
	*s = pg_ops;
	s->impl = g;
	g->conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(g->conn) != CONNECTION_OK) {
		conn_message(g->conn, cm, sizeof(cm));
		dip_fail(e, DIP_EDB, "db", "database: cannot connect to PostgreSQL: %s", cm);
		goto fail;
	}
	if (conn_setup(s) || migrate(s)) {
		if (e)
			*e = s->err;
		goto fail;
	}
	return s;
fail:
	pg_close(s);
	free(s);
	return NULL;
}
