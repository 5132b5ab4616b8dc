/*
 * cli.c - the table of subcommands and the dispatcher.
 */
#include "cli/cli.h"
#include "cli/help.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("dipreg: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int cli_usage(const char *usage)
{
	fprintf(stderr, "usage: %s\n", usage);
	return 2;
}

const struct cli_command cli_hidden_commands[] = {
	{ "bench-gen", cli_bench_gen, "a synthetic registry for the benchmarks",
	  "dipreg bench-gen --db PATH --count N [--seed S] [--drafts K --token-file FILE]" },
	{ "bench-ledger", cli_bench_ledger, "grow a log and time its proofs, for the benchmarks",
	  "dipreg bench-ledger --db PATH --entries N [--batch B] [--proofs P] [--cache-mb M]" },
	{ NULL, NULL, NULL, NULL },
};

static int cli_help(int argc, char **argv);

const struct cli_command cli_commands[] = {
	{ "help", cli_help, "show the subcommands, or one subcommand's usage or manual page",
	  "dipreg help [SUBCOMMAND]\ndipreg help --man [SUBCOMMAND|dipreg.conf]\n"
	  "dipreg help --commands | --complete SUBCOMMAND" },
	{ "calendar", cli_calendar, "working days and validity periods of the registry's calendar",
	  "dipreg calendar due DATE N | period DATE Ny|Nm | is-working DATE [--holidays FILE]" },
	/* serve, admin, demo, tick and config also take the settings of
	 * config.h as flags: help.c adds them to these lines. */
	{ "serve", cli_serve, "run the registry: HTTP API, portal and scheduler", "dipreg serve" },
	{ "admin", cli_admin,
	  "the operator's commands: accounts, key rotation, holiday calendar, scheduler queue, audit export",
	  "dipreg admin init [--login LOGIN] [--name NAME] [--id-number N]\n"
	  "dipreg admin create-account --login LOGIN --role ROLE --name NAME --kind natural|legal|org --id-number N\n"
	  "dipreg admin set-password|disable|enable --login LOGIN\n"
	  "dipreg admin list-accounts [--json]\n"
	  "dipreg admin rotate-key [--sm2]\n"
	  "dipreg admin calendar-upload FILE --year YEAR\n"
	  "dipreg admin scheduler-queue [--now ISO8601] [--limit N] [--json]\n"
	  "dipreg admin audit-export [--from DATE] [--to DATE] [--format csv|json] [--out FILE]" },
	{ "demo", cli_demo, "fill a database with a demo registry (accounts and applications in every state)",
	  "dipreg demo [--count N] [--now ISO8601]" },
	{ "backup", cli_backup, "an online, verified copy of an embedded (SQLite) registry",
	  "dipreg backup --db PATH --to FILE [--data-dir DIR]" },
	{ "restore", cli_restore, "restore a verified backup (the server stopped)",
	  "dipreg restore --from FILE --db PATH [--data-dir DIR] [--force]" },
	{ "check", cli_check, "database integrity and the transparency log recomputed and verified",
	  "dipreg check --db PATH [--data-dir DIR] [--head CHECKPOINT_FILE]..." },
	{ "migrate", cli_migrate, "copy a registry into an empty database, e.g. from SQLite to PostgreSQL, and verify the copy",
	  "dipreg migrate --from PATH.db --to postgresql://... [--data-dir DIR] [--no-sessions]" },
	{ "tick", cli_tick, "apply every deadline that ran out (the scheduler, once)",
	  "dipreg tick [--now ISO8601]" },
	{ "fingerprint", cli_fingerprint, "compute a dataset fingerprint (Merkle root of a file or directory)",
	  "dipreg fingerprint PATH [--algo sha256|sm3] [--json] [--threads N] [--skip-special]" },
	{ "verify", cli_verify, "verify a deposit receipt offline",
	  "dipreg verify FILE --key VERIFIERKEY [--witness KEY]... [--quorum N] [--data PATH]" },
	{ "keygen", cli_keygen, "generate a log, witness or SM2 signing key",
	  "dipreg keygen --name NAME --out DIR [--sm2 | --witness]" },
	{ "witness", cli_witness, "check that a registry's log only grows, and cosign its checkpoints",
	  "dipreg witness --log URL --key WITNESS_KEY --log-key VKEY... --state DIR [--submit] "
	  "[--once | --interval SECONDS [--rounds N]] [--timeout SECONDS]" },
	{ "config", cli_config, "check the configuration and show the effective settings",
	  "dipreg config check [--config FILE] [SETTING FLAGS]\ndipreg config sample" },
	{ NULL, NULL, NULL, NULL },
};

static int cli_help(int argc, char **argv)
{
	const struct cli_command *c;
	struct dbuf out;
	int rc = 0;

	dbuf_init(&out, 0);
	if (argc > 1 && strcmp(argv[1], "--man") == 0) {
		if (argc > 3)
			return cli_usage("dipreg help --man [SUBCOMMAND|dipreg.conf]");
		if (cli_man(argc > 2 ? argv[2] : NULL, &out) != 0)
			return cli_fail("help: no manual page \"%s\"", argv[2]);
		fputs(out.p, stdout);
		dbuf_free(&out);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--commands") == 0) {
		for (c = cli_commands; c->name; c++)
			printf("%s\n", c->name);
		return 0;
	}
	if (argc > 1) {
		const char *name = strcmp(argv[1], "--complete") == 0 && argc == 3 ? argv[2] : argv[1];

		if (argc > 2 && name == argv[1])
			return cli_usage("dipreg help [SUBCOMMAND]");
		for (c = cli_commands; c->name; c++)
			if (strcmp(c->name, name) == 0)
				break;
		if (c->name == NULL)
			return cli_fail("help: unknown subcommand \"%s\"", name);
		if (name == argv[1]) {
			cli_usage_text(c, &out);
			printf("usage: %s\n  %s\n", out.p, c->summary);
		} else {
			cli_complete(c, &out);
			fputs(out.p ? out.p : "", stdout);
		}
		dbuf_free(&out);
		return rc;
	}
	printf("usage: dipreg SUBCOMMAND [ARGS]\n\nsubcommands:\n");
	for (c = cli_commands; c->name; c++)
		printf("  %-12s %s\n", c->name, c->summary);
	return 0;
}

int cli_main(int argc, char **argv)
{
	const struct cli_command *c;

	if (argc < 2)
		return cli_help(1, argv);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("dipreg %s\n", DIP_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cli_help(1, argv);
	for (c = cli_commands; c->name; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->fn(argc - 1, argv + 1);
	for (c = cli_hidden_commands; c->name; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->fn(argc - 1, argv + 1);
	return cli_fail("unknown subcommand \"%s\"; try \"dipreg help\"", argv[1]);
}
