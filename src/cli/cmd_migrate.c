/*
 * cmd_migrate.c - "dipreg migrate": moving a registry to another database,
 * typically from the embedded SQLite file to PostgreSQL when it outgrows
 * one machine (DESIGN.md §7).
 *
 *   dipreg migrate --from PATH.db --to postgresql://... [--data-dir DIR]
 *                  [--no-sessions]
 *
 * Every table of store_tables is copied row for row, ids included, from
 * one snapshot of the source into the target inside one transaction, so
 * the target holds either the whole registry or nothing.  The target must
 * be empty (its schema may exist: a fresh database is migrated first), so
 * a second run never mixes two registries.  Sessions and API tokens are
 * copied, so nobody is signed out, unless --no-sessions; the log of failed
 * sign-ins (a rate limit's memory) is not.  Uploaded files and the log's
 * keys stay where they are, in the data directory, which the servers on
 * the target use as before.
 *
 * Before the commit each table's row count is compared with the source's;
 * after it the target is checked as "dipreg check" does, with the source's
 * latest checkpoint as a checkpoint handed out: the log recomputed from
 * the copied entries must reach the same root.
 */
#include "cli/cli.h"
#include "cli/common.h"
#include "ledger/checkpoint.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define USAGE "dipreg migrate --from PATH.db --to postgresql://... [--data-dir DIR] [--no-sessions]"

/* A batch of rows on its way: up to BATCH_ROWS rows or about BATCH_BYTES
 * of text and blobs, whichever comes first, then one import. */
#define BATCH_ROWS 1000
#define BATCH_BYTES (8u << 20)

struct batch {
	struct store *dst;
	const struct store_table *t;
	size_t ncols;
	struct store_value *vals;  /* BATCH_ROWS * ncols */
	size_t *off;               /* where each value's bytes are in bytes */
	struct dbuf bytes;
	size_t rows;
	int64_t total;
};

static int flush(struct batch *b)
{
	size_t k;
	int rc;

	if (b->rows == 0)
		return 0;
	/* The bytes may have moved as they grew: point at them now. */
	for (k = 0; k < b->rows * b->ncols; k++)
		if (!b->vals[k].null && b->t->types[k % b->ncols] != 'i')
			b->vals[k].p = b->bytes.p ? b->bytes.p + b->off[k] : "";
	rc = b->dst->table_import(b->dst, b->t, b->vals, b->rows);
	b->rows = 0;
	dbuf_reset(&b->bytes);
	return rc;
}

static int add_row(void *ud, const struct store_value *row)
{
	struct batch *b = ud;
	size_t c, k = b->rows * b->ncols;
	int rc = 0;

	for (c = 0; c < b->ncols && rc == 0; c++, k++) {
		b->vals[k] = row[c];
		b->off[k] = b->bytes.len;
		if (!row[c].null && b->t->types[c] != 'i')
			rc = dbuf_add(&b->bytes, row[c].p, row[c].len);
	}
	if (rc)
		return rc;
	b->rows++;
	b->total++;
	if (b->rows == BATCH_ROWS || b->bytes.len >= BATCH_BYTES)
		return flush(b);
	return 0;
}

/* Copies table t; *rows gets the count copied. */
static int copy_table(struct store *src, struct store *dst, const struct store_table *t,
		      int64_t *rows)
{
	struct batch b;
	int rc;

	memset(&b, 0, sizeof(b));
	b.dst = dst;
	b.t = t;
	b.ncols = strlen(t->types);
	b.vals = calloc(BATCH_ROWS * b.ncols, sizeof(*b.vals));
	b.off = calloc(BATCH_ROWS * b.ncols, sizeof(*b.off));
	dbuf_init(&b.bytes, 0);
	if (b.vals == NULL || b.off == NULL) {
		rc = dip_fail(&dst->err, DIP_ENOMEM, "", "out of memory");
	} else {
		rc = src->table_export(src, t, add_row, &b);
		/* A failure of the export is in src->err, of an import in dst->err. */
		if (rc && src->err.code == 0 && dst->err.code == 0)
			dip_fail(&dst->err, rc, "", "%s: %s", t->name, dip_err_name(rc));
		if (rc == 0)
			rc = flush(&b);
	}
	*rows = b.total;
	free(b.vals);
	free(b.off);
	dbuf_free(&b.bytes);
	return rc;
}

static int skipped(const struct store_table *t, int no_sessions)
{
	/* Failed sign-ins only slow down guessing for a while. */
	return strcmp(t->name, "login_failures") == 0 ||
	       (no_sessions && strcmp(t->name, "sessions") == 0);
}

static int is_url(const char *db)
{
	return strstr(db, "://") != NULL;
}

/* Copies every table inside one transaction of dst, from one snapshot of
 * src; prints a line a table.  0 or 1 (reported). */
static int copy_all(struct store *src, struct store *dst, const char *to, int no_sessions,
		    struct checkpoint_row *head, int *have_head)
{
	const struct store_table *t;
	int64_t n, rows, want, total = 0;
	int rc, tables = 0;

	if (src->begin(src, 0) != 0)
		return cli_fail("migrate: --from: %s", src->err.message);
	if (dst->begin(dst, 1) != 0) {
		src->rollback(src);
		return cli_fail("migrate: --to: %s", dst->err.message);
	}
	rc = 0;
	for (t = store_tables; rc == 0 && t->name; t++) {
		if (dst->table_count(dst, t, &n) != 0)
			rc = cli_fail("migrate: --to: %s", dst->err.message);
		else if (n > 0)
			rc = cli_fail("migrate: --to: %s is not empty (table %s holds %lld row%s); migrate copies a registry into an empty database only",
				      to, t->name, (long long)n, n == 1 ? "" : "s");
	}
	*have_head = rc == 0 && src->checkpoint_latest(src, head) == 0;
	for (t = store_tables; rc == 0 && t->name; t++) {
		if (skipped(t, no_sessions))
			continue;
		memset(&src->err, 0, sizeof(src->err));
		memset(&dst->err, 0, sizeof(dst->err));
		if (copy_table(src, dst, t, &rows) != 0) {
			rc = cli_fail("migrate: %s: %s", t->name,
				      src->err.code ? src->err.message : dst->err.message);
			break;
		}
		/* What arrived is what there was. */
		if (src->table_count(src, t, &want) != 0 || dst->table_count(dst, t, &n) != 0) {
			rc = cli_fail("migrate: %s: %s", t->name,
				      src->err.code ? src->err.message : dst->err.message);
			break;
		}
		if (n != want || rows != want) {
			rc = cli_fail("migrate: %s: %lld rows in the source, %lld copied, %lld in the target",
				      t->name, (long long)want, (long long)rows, (long long)n);
			break;
		}
		printf("  %-16s %10lld rows\n", t->name, (long long)n);
		total += n;
		tables++;
	}
	src->rollback(src);
	if (rc) {
		dst->rollback(dst);
		return rc;
	}
	if (dst->commit(dst) != 0)
		return cli_fail("migrate: --to: %s", dst->err.message);
	printf("copied %lld rows in %d tables%s\n", (long long)total, tables,
	       no_sessions ? " (without sessions)" : "");
	return 0;
}

int cli_migrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "data-dir", required_argument, NULL, 'D' },
		{ "no-sessions", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL, *data_dir = "var";
	struct store *src = NULL, *dst = NULL;
	struct checkpoint_row head;
	struct led_checkpoint heads[1];
	struct dip_error e;
	struct stat sb;
	int c, rc = 1, no_sessions = 0, have_head = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'D': data_dir = optarg; break;
		case 'S': no_sessions = 1; break;
		default: return cli_usage(USAGE);
		}
	}
	if (from == NULL || to == NULL || optind != argc)
		return cli_usage(USAGE);
	if (strcmp(from, to) == 0)
		return cli_fail("migrate: --from and --to name the same database");
	/* Opening a missing SQLite file would create an empty registry. */
	if (!is_url(from) && stat(strncmp(from, "sqlite:", 7) == 0 ? from + 7 : from, &sb) != 0)
		return cli_fail("migrate: --from: %s: no such database file", from);
	memset(&head, 0, sizeof(head));
	src = store_open(from, &e);
	if (src == NULL)
		return cli_fail("migrate: --from: %s", e.message);
	dst = store_open(to, &e);
	if (dst == NULL) {
		rc = cli_fail("migrate: --to: %s", e.message);
		goto out;
	}
	printf("migrating %s (%s) to %s (%s)\n", from, src->backend, to, dst->backend);
	if (copy_all(src, dst, to, no_sessions, &head, &have_head) != 0)
		goto out;
	store_close(dst);
	dst = NULL;
	/* The copy is checked as the operator would check it, with the
	 * source's latest checkpoint as one handed out. */
	memset(heads, 0, sizeof(heads));
	if (have_head) {
		heads[0].size = (uint64_t)head.size;
		memcpy(heads[0].root, head.root, sizeof(heads[0].root));
	}
	if (cli_check_db(to, data_dir, heads, have_head ? 1 : 0) != 0) {
		rc = cli_fail("migrate: the copy in %s does not verify; drop that database before migrating again",
			      to);
		goto out;
	}
	/* The search index is derived from the records: rebuilt, not copied. */
	{
		struct cli_registry_opts ro = { NULL, NULL };
		struct registry reg;
		struct svc v = { 0 };
		int64_t indexed = 0;

		if (cli_registry(&reg, &ro))
			goto out;
		v.reg = &reg;
		v.st = store_open(to, &e);
		rc = v.st ? svc_search_rebuild(&v, &indexed, &e) : 1;
		if (v.st)
			store_close(v.st);
		registry_release(&reg);
		if (rc) {
			rc = cli_fail("migrate: rebuilding the search index: %s", e.message);
			goto out;
		}
		printf("search index rebuilt: %lld records\n", (long long)indexed);
	}
	printf("migrated %s to %s; uploaded files and log keys stay in %s: serve the new database with --data-dir %s\n",
	       from, to, data_dir, data_dir);
	rc = 0;
out:
	checkpoint_row_release(&head);
	store_close(dst);
	store_close(src);
	return rc;
}
