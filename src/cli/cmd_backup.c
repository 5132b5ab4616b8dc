/*
 * cmd_backup.c - keeping a registry's records safe.
 *
 *   dipreg backup --db PATH --to FILE           online, consistent copy (SQLite)
 *   dipreg restore --from FILE --db PATH [--force]
 *   dipreg check --db PATH [--data-dir DIR] [--head CHECKPOINT_FILE]...
 *
 * "check" is what a court-minded operator runs after any incident: the
 * database's own integrity check, then the transparency log recomputed
 * from its entries and compared with the latest signed checkpoint (root,
 * signature, stored tiles) and with any checkpoints handed out earlier
 * (files as fetched from /log/checkpoint).  backup and restore run it on
 * the copy before they report success.
 */
#include "cli/cli.h"
#include "cli/common.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "util/file.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADS 256

static int is_pg(const char *db)
{
	return strncmp(db, "postgres", 8) == 0;
}

int cli_check_db(const char *db, const char *data_dir, const struct led_checkpoint *heads,
		    size_t nheads)
{
	struct cli_registry_opts ro = { NULL, NULL };
	struct ledger_key_opts ko;
	struct log_verify_report rep;
	struct registry reg;
	struct dip_error e;
	struct stat sb;
	struct svc v = { 0 };
	char key[1100];
	int64_t n = 0;
	int rc = 1;

	if (!is_pg(db) && store_sqlite_check(db, &e) != 0)
		return cli_fail("check: %s", e.message);
	if (cli_registry(&reg, &ro))
		return 1;
	snprintf(reg.data_dir, sizeof(reg.data_dir), "%s", data_dir);
	snprintf(key, sizeof(key), "%s/keys/log.key", data_dir);
	memset(&ko, 0, sizeof(ko));
	ko.key = key;
	/* Verify signatures only with a key that exists; never create one. */
	if (stat(key, &sb) == 0 && cli_log_open(&reg, db, NULL, "", &ko)) {
		registry_release(&reg);
		return 1;
	}
	v.reg = &reg;
	v.st = store_open(db, &e);
	if (v.st == NULL) {
		rc = cli_fail("check: %s", e.message);
		goto out;
	}
	if (svc_log_verify(&v, heads, nheads, &rep, &e) != 0) {
		rc = cli_fail("check: %s", e.message);
		goto out;
	}
	v.st->begin(v.st, 0);
	v.st->account_count(v.st, &n);
	v.st->rollback(v.st);
	printf("ok: %s: %slog of %lld entries matches its checkpoint of size %lld%s",
	       db, is_pg(db) ? "" : "integrity ok; ", (long long)rep.entries, (long long)rep.checkpoint_size,
	       rep.signature_checked ? " (signature and tiles verified)" : " (no key to verify the signature)");
	if (nheads)
		printf("; consistent with %zu checkpoint(s) handed out", rep.heads_checked);
	printf("; %lld accounts\n", (long long)n);
	rc = 0;
out:
	if (v.st)
		store_close(v.st);
	ledger_close(&reg);
	registry_release(&reg);
	return rc;
}

static int read_head(const char *path, struct led_checkpoint *cp)
{
	struct dip_error e;
	struct led_note n;
	char *text = NULL;
	size_t len;
	int rc;

	if (file_read(path, LED_NOTE_MAX, &text, &len, &e))
		return cli_fail("--head: %s", e.message);
	rc = led_note_parse(text, len, &n, &e);
	if (rc == 0) {
		rc = led_checkpoint_parse(n.text, n.text_len, cp, &e);
		led_note_release(&n);
	}
	free(text);
	return rc ? cli_fail("--head: %s: %s", path, e.message) : 0;
}

int cli_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "data-dir", required_argument, NULL, 'D' },
		{ "head", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct led_checkpoint heads[MAX_HEADS];
	const char *db = NULL, *data_dir = "var";
	size_t nheads = 0;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'D': data_dir = optarg; break;
		case 'h':
			if (nheads == MAX_HEADS)
				return cli_fail("--head: at most %d", MAX_HEADS);
			if (read_head(optarg, &heads[nheads]))
				return 1;
			nheads++;
			break;
		default:
			return cli_usage("dipreg check --db PATH [--data-dir DIR] [--head FILE]...");
		}
	}
	if (db == NULL || optind != argc)
		return cli_usage("dipreg check --db PATH [--data-dir DIR] [--head FILE]...");
	return cli_check_db(db, data_dir, heads, nheads);
}

int cli_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, 't' },
		{ "data-dir", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *to = NULL, *data_dir = "var";
	struct dip_error e;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 't': to = optarg; break;
		case 'D': data_dir = optarg; break;
		default: return cli_usage("dipreg backup --db PATH --to FILE [--data-dir DIR]");
		}
	}
	if (db == NULL || to == NULL || optind != argc)
		return cli_usage("dipreg backup --db PATH --to FILE [--data-dir DIR]");
	if (is_pg(db))
		return cli_fail("backup: a PostgreSQL registry is backed up with pg_dump or pg_basebackup");
	if (store_sqlite_backup(db, to, &e))
		return cli_fail("backup: %s", e.message);
	/* A backup that does not verify is no backup. */
	if (cli_check_db(to, data_dir, NULL, 0)) {
		unlink(to);
		return cli_fail("backup: the copy did not verify and was removed");
	}
	printf("backed up %s to %s (uploaded files and keys live in %s: back that up too)\n", db, to,
	       data_dir);
	return 0;
}

int cli_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "db", required_argument, NULL, 'd' },
		{ "data-dir", required_argument, NULL, 'D' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *db = NULL, *data_dir = "var";
	char aside[4200], suffix[64];
	struct dip_error e;
	struct stat sb;
	int c, force = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 'd': db = optarg; break;
		case 'D': data_dir = optarg; break;
		case 'F': force = 1; break;
		default: return cli_usage("dipreg restore --from FILE --db PATH [--data-dir DIR] [--force]");
		}
	}
	if (from == NULL || db == NULL || optind != argc || is_pg(db))
		return cli_usage("dipreg restore --from FILE --db PATH [--data-dir DIR] [--force]");
	if (cli_check_db(from, data_dir, NULL, 0))
		return cli_fail("restore: %s does not verify; nothing was changed", from);
	if (stat(db, &sb) == 0) {
		if (!force)
			return cli_fail("restore: %s exists; stop the server and add --force to replace it (the old file is kept aside)",
					db);
		snprintf(suffix, sizeof(suffix), ".before-restore-%ld", (long)time(NULL));
		snprintf(aside, sizeof(aside), "%s%s", db, suffix);
		if (rename(db, aside) != 0)
			return cli_fail("restore: cannot move %s aside", db);
		snprintf(aside + strlen(db), sizeof(aside) - strlen(db), "%s-wal", suffix);
		/* The old write-ahead log belongs to the old file. */
		{
			char wal[4200];

			snprintf(wal, sizeof(wal), "%s-wal", db);
			rename(wal, aside);
			snprintf(wal, sizeof(wal), "%s-shm", db);
			unlink(wal);
		}
		printf("kept the previous database as %s%s\n", db, suffix);
	}
	if (store_sqlite_backup(from, db, &e))
		return cli_fail("restore: %s", e.message);
	printf("restored %s from %s\n", db, from);
	return 0;
}
