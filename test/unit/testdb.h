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

/* Runs one statement on the maintenance database; fails the test when it
 * fails.  sql holds only names the test made, never outside values. */
static inline void testdb__admin(const char *base, const char *sql)
{
	PGconn *c = PQconnectdb(base);
	PGresult *r;

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("DIPREG_TEST_PG: %s", PQerrorMessage(c));
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

static inline void testdb_create(struct testdb *d)
{
	static unsigned seq;
	char tmpl[] = "/tmp/dipreg-test-XXXXXX";
	const char *base = testdb_pg(), *auth, *path, *query;
	char sql[128];

	memset(d, 0, sizeof(*d));
	assert_non_null(mkdtemp(tmpl));
	snprintf(d->dir, sizeof(d->dir), "%s", tmpl);
	if (base == NULL) {
		snprintf(d->url, sizeof(d->url), "%s/reg.db", d->dir);
		return;
	}
	/* The same server and options, another database: replace the path
	 * of the URL. */
	auth = strstr(base, "://");
	if (auth == NULL)
		fail_msg("DIPREG_TEST_PG: expected a postgresql:// URL, got \"%s\"", base);
	auth += 3;
	path = auth + strcspn(auth, "/?");
	query = strchr(path, '?');
	snprintf(d->pgname, sizeof(d->pgname), "dipreg_test_%ld_%u", (long)getpid(), ++seq);
	snprintf(d->url, sizeof(d->url), "%.*s/%s%s", (int)(path - base), base, d->pgname,
		 query ? query : "");
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", d->pgname);
	testdb__admin(base, sql);
}

static inline void testdb_drop(struct testdb *d)
{
	char cmd[400];

	if (d->pgname[0]) {
		/* FORCE: a test that failed half way may have left a store open. */
		snprintf(cmd, sizeof(cmd), "DROP DATABASE IF EXISTS %s WITH (FORCE)", d->pgname);
		testdb__admin(testdb_pg(), cmd);
	}
	if (d->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->dir);
		if (system(cmd) != 0)
			fail_msg("cannot remove %s", d->dir);
	}
	memset(d, 0, sizeof(*d));
}

#endif
