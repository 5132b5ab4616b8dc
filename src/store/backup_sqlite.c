/*
 * backup_sqlite.c - online backup, integrity check and restore of an
 * embedded registry database.
 *
 * The backup uses SQLite's online backup API: it copies a consistent
 * snapshot while the server keeps serving (readers and writers continue;
 * the copy restarts its step when a writer changed a page already copied).
 * PostgreSQL registries use the database's own tools (pg_dump,
 * pg_basebackup) instead.
 */
#include "store/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail_sq(struct dip_error *e, sqlite3 *db, const char *what, const char *path)
{
	return dip_fail(e, DIP_EDB, "", "%s %s: %s", what, path, db ? sqlite3_errmsg(db) : "cannot open");
}

int store_sqlite_backup(const char *src_path, const char *dst_path, struct dip_error *e)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b = NULL;
	struct stat sb;
	char tmp[4200];
	int rc = 0, step;

	if (strncmp(src_path, "sqlite:", 7) == 0)
		src_path += 7;
	if (stat(dst_path, &sb) == 0)
		return dip_fail(e, DIP_ECONFLICT, "to", "to: %s exists; choose a new file", dst_path);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.partial", dst_path) >= sizeof(tmp))
		return dip_fail(e, DIP_EINVAL, "to", "to: path too long");
	if (sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = fail_sq(e, src, "cannot open", src_path);
		goto out;
	}
	sqlite3_busy_timeout(src, 10000);
	unlink(tmp);
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rc = fail_sq(e, dst, "cannot create", tmp);
		goto out;
	}
	b = sqlite3_backup_init(dst, "main", src, "main");
	if (b == NULL) {
		rc = fail_sq(e, dst, "cannot back up to", tmp);
		goto out;
	}
	/* Small steps so that writers on the live database are never held
	 * up for long. */
	do {
		step = sqlite3_backup_step(b, 256);
		if (step == SQLITE_BUSY || step == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (step == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED);
	if (sqlite3_backup_finish(b) != SQLITE_OK || step != SQLITE_DONE) {
		b = NULL;
		rc = fail_sq(e, dst, "backup failed into", tmp);
		goto out;
	}
	b = NULL;
	/* The copy is in rollback-journal mode; make it WAL like the original
	 * and sync it before it takes its final name. */
	if (sqlite3_exec(dst, "PRAGMA journal_mode = WAL; PRAGMA wal_checkpoint(TRUNCATE);", NULL,
			 NULL, NULL) != SQLITE_OK) {
		rc = fail_sq(e, dst, "cannot finish", tmp);
		goto out;
	}
out:
	if (b)
		sqlite3_backup_finish(b);
	if (dst)
		sqlite3_close(dst);
	if (src)
		sqlite3_close(src);
	if (rc == 0 && rename(tmp, dst_path) != 0)
		rc = dip_fail(e, DIP_EIO, "to", "to: cannot rename %s", tmp);
	if (rc)
		unlink(tmp);
	return rc;
}

int store_sqlite_check(const char *path, struct dip_error *e)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const unsigned char *res;
	int rc = 0;

	if (strncmp(path, "sqlite:", 7) == 0)
		path += 7;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = fail_sq(e, db, "cannot open", path);
		goto out;
	}
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		rc = fail_sq(e, db, "cannot check", path);
		goto out;
	}
	res = sqlite3_column_text(st, 0);
	if (res == NULL || strcmp((const char *)res, "ok") != 0)
		rc = dip_fail(e, DIP_EDB, "", "%s is damaged: %s", path, res ? (const char *)res : "?");
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
