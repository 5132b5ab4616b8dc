/*
 * testdb.h - a fresh, empty database for one test, on either backend.
 *
 * By default a SQLite file in a new temporary directory.  When the
 * environment variable DIPREG_TEST_PG holds the URL of a PostgreSQL
 * maintenance database ("postgresql://dipreg@127.0.0.1:PORT/postgres", as
 * test/pg/cluster.sh prints it), a new PostgreSQL database is created for
 * the test instead and dropped after it; the temporary directory is made
 * all the same, for the files a test keeps beside its database.  Either
 * way, url is what store_open takes.
 */
#ifndef DIP_TESTDB_H
#define DIP_TESTDB_H

#include "testutil.h"

#include <libpq-fe.h>
#include <unistd.h>

#include "store/store.h"

struct testdb {
	char dir[256];    /* temporary directory, removed by testdb_drop */
	char url[600];    /* the store to open */
	char pgname[64];  /* the PostgreSQL database, "" on SQLite */
};

/* The PostgreSQL maintenance URL, or NULL when the tests run on SQLite. */
static inline const char *testdb_pg(void)
{
	const char *base = getenv("DIPREG_TEST_PG");

	return base && *base ? base : NULL;
}

static PGconn *testdb__conn;     /* to the maintenance database */
static char testdb__template[64];

/* Runs one statement on the maintenance database; fails the test when it
 * fails.  sql holds only names the test made, never outside values.  A
 * CREATE DATABASE copies files on PostgreSQL 15 and later (STRATEGY
 * FILE_COPY), several times faster than through the WAL for a database
 * as small as a test's.  The connection stays open for the process:
 * connecting costs more than creating a database. */
static inline void testdb__admin(const char *sql)
{
	PGresult *r;
	char buf[512];

	if (testdb__conn == NULL) {
		testdb__conn = PQconnectdb(testdb_pg());
		if (PQstatus(testdb__conn) != CONNECTION_OK)
			fail_msg("DIPREG_TEST_PG: %s", PQerrorMessage(testdb__conn));
	}
	if (strncmp(sql, "CREATE DATABASE", 15) == 0 && PQserverVersion(testdb__conn) >= 150000) {
		snprintf(buf, sizeof(buf), "%s STRATEGY FILE_COPY", sql);
		sql = buf;
	}
	r = PQexec(testdb__conn, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

/* The URL of database name on the server of base, with base's options:
 * base with its path replaced. */
static inline void testdb__url(const char *base, const char *name, char *out, size_t n)
{
	const char *auth = strstr(base, "://"), *path, *query;

	if (auth == NULL)
		fail_msg("DIPREG_TEST_PG: expected a postgresql:// URL, got \"%s\"", base);
	auth += 3;
	path = auth + strcspn(auth, "/?");
	query = strchr(path, '?');
	snprintf(out, n, "%.*s/%s%s", (int)(path - base), base, name, query ? query : "");
}

static inline void testdb__exit(void)
{
	char sql[128];

	/* At exit no test is running to fail: a leftover database goes with
	 * the throwaway cluster. */
	if (testdb__template[0] && testdb__conn) {
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
			 testdb__template);
		PQclear(PQexec(testdb__conn, sql));
	}
	PQfinish(testdb__conn);
	testdb__conn = NULL;
}

/* A database with the schema applied, made once per process, from which
 * every test's database is copied: creating the tables anew each time
 * would cost more than the copy. */
static inline const char *testdb__schema_template(const char *base)
{
	struct dip_error e;
	struct store *s;
	char sql[128], url[600];

	if (testdb__template[0])
		return testdb__template;
	snprintf(testdb__template, sizeof(testdb__template), "dipreg_tmpl_%ld", (long)getpid());
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", testdb__template);
	testdb__admin(sql);
	testdb__url(base, testdb__template, url, sizeof(url));
	s = store_open(url, &e);
	if (s == NULL)
		fail_msg("store %s: %s", url, e.message);
	store_close(s);
	return testdb__template;
}

/* A new database: with the schema in place, or empty when empty is set
 * (the first store_open then migrates it).  On SQLite both are an
 * absent file. */
static inline void testdb_create_ex(struct testdb *d, int empty)
{
	static unsigned seq;
	char tmpl[] = "/tmp/dipreg-test-XXXXXX";
	const char *base = testdb_pg();
	char sql[200];

	memset(d, 0, sizeof(*d));
	assert_non_null(mkdtemp(tmpl));
	snprintf(d->dir, sizeof(d->dir), "%s", tmpl);
	if (base == NULL) {
		snprintf(d->url, sizeof(d->url), "%s/reg.db", d->dir);
		return;
	}
	snprintf(d->pgname, sizeof(d->pgname), "dipreg_test_%ld_%u", (long)getpid(), ++seq);
	testdb__url(base, d->pgname, d->url, sizeof(d->url));
	if (testdb__conn == NULL)
		atexit(testdb__exit);
	if (empty)
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", d->pgname);
	else
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s TEMPLATE %s", d->pgname,
			 testdb__schema_template(base));
	testdb__admin(sql);
}

static inline void testdb_create(struct testdb *d)
{
	testdb_create_ex(d, 0);
}

/* Waits up to a second for the sessions on database name to end. */
static inline void testdb__wait_idle(const char *name)
{
	const char *v[1] = { name };
	PGresult *r;
	int i, busy = 1;

	for (i = 0; busy && i < 1000; i++) {
		r = PQexecParams(testdb__conn, "SELECT count(*) FROM pg_stat_activity "
				 "WHERE datname = $1", 1, NULL, v, NULL, NULL, 0);
		busy = PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "0") != 0;
		PQclear(r);
		if (busy)
			usleep(1000);
	}
}

static inline void testdb_drop(struct testdb *d)
{
	char cmd[400];

	if (d->pgname[0]) {
		/* The backends of closed stores take a moment to exit, and DROP
		 * DATABASE would sleep 100 ms at a time waiting for them. */
		testdb__wait_idle(d->pgname);
		/* FORCE: a test that failed half way may have left a store open. */
		snprintf(cmd, sizeof(cmd), "DROP DATABASE IF EXISTS %s WITH (FORCE)", d->pgname);
		testdb__admin(cmd);
	}
	if (d->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->dir);
		if (system(cmd) != 0)
			fail_msg("cannot remove %s", d->dir);
	}
	memset(d, 0, sizeof(*d));
}

#endif
