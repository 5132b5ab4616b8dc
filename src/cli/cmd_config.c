/*
 * cmd_config.c - "dipreg config": check a configuration and show the
 * effective settings, or print the sample file.
 *
 *   dipreg config check [--config FILE] [any setting flag]...
 *   dipreg config sample
 */
#include "cli/cli.h"
#include "cli/config.h"
#include "service/ledger.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] = "dipreg config check [--config FILE] [SETTING FLAGS] | sample";

/* Problems no single value shows: how settings fit together. */
static int cross_checks(const struct config *c, struct dbuf *errors)
{
	int n = 0;

	if (c->v[CFG_WITNESSES].nitems > LEDGER_MAX_WITNESSES) {
		dbuf_addf(errors, "ledger.witnesses: at most %d\n", LEDGER_MAX_WITNESSES);
		n++;
	}
	if ((size_t)cfg_num(c, CFG_WITNESS_QUORUM) > c->v[CFG_WITNESSES].nitems) {
		dbuf_addf(errors, "ledger.quorum: %ld cosignatures need as many witness keys (%zu given)\n",
			  cfg_num(c, CFG_WITNESS_QUORUM), c->v[CFG_WITNESSES].nitems);
		n++;
	}
	if (c->v[CFG_OLD_LOG_KEYS].nitems > LEDGER_MAX_OLD_KEYS) {
		dbuf_addf(errors, "ledger.old_keys: at most %d\n", LEDGER_MAX_OLD_KEYS);
		n++;
	}
	return n;
}

int cli_config(int argc, char **argv)
{
	struct config c;
	struct dbuf errors, out;
	struct stat sb;
	int rc, problems;

	if (argc == 2 && strcmp(argv[1], "sample") == 0) {
		dbuf_init(&out, 0);
		cfg_sample(&out);
		fputs(out.p, stdout);
		dbuf_free(&out);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "check") != 0)
		return cli_usage(usage);
	dbuf_init(&errors, 0);
	dbuf_init(&out, 0);
	rc = cfg_load(&c, CFG_CHECK, argc, argv, 2, NULL, usage, &errors);
	if (rc == 2 || (rc == 0 && c.nargs > 0)) {
		rc = rc ? rc : cli_usage(usage);
		goto out;
	}
	problems = 0;
	cross_checks(&c, &errors);
	for (const char *p = errors.p; p && *p; p = strchr(p, '\n') + 1, problems++)
		fprintf(stderr, "dipreg: %.*s\n", (int)strcspn(p, "\n"), p);
	if (stat(cfg_str(&c, CFG_DATA_DIR), &sb) != 0)
		fprintf(stderr, "dipreg: note: the data directory %s does not exist yet; serve creates it\n",
			cfg_str(&c, CFG_DATA_DIR));
	cfg_print(&c, &out);
	fputs(out.p, stdout);
	if (problems) {
		fprintf(stderr, "dipreg: %d problem%s in the settings\n", problems, problems == 1 ? "" : "s");
		rc = 1;
	} else {
		rc = 0;
	}
out:
	cfg_release(&c);
	dbuf_free(&errors);
	dbuf_free(&out);
	return rc;
}
