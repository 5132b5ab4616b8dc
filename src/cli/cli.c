/*
 * cli.c - the table of subcommands and the dispatcher.
 */
#include "cli/cli.h"

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

static int cli_help(int argc, char **argv);

const struct cli_command cli_commands[] = {
	{ "help", cli_help, "show the subcommands, or one subcommand's usage", "dipreg help [SUBCOMMAND]" },
	{ "calendar", cli_calendar, "working days and validity periods of the registry's calendar",
	  "dipreg calendar due DATE N | period DATE Ny|Nm | is-working DATE [--holidays FILE]" },
	{ "serve", cli_serve, "run the registry: HTTP API, portal and scheduler",
	  "dipreg serve [--db PATH|URL] [--listen ADDR:PORT] [--threads N] [--data-dir DIR] [--test-clock] ..." },
	{ "admin", cli_admin, "the operator's commands: init, create-account, set-password, disable",
	  "dipreg admin init|create-account|set-password|disable --db PATH [--login L] ..." },
	{ "demo", cli_demo, "fill a database with a demo registry (accounts and applications in every state)",
	  "dipreg demo --db PATH [--data-dir DIR] [--count N]" },
	{ "backup", cli_backup, "an online, verified copy of an embedded (SQLite) registry",
	  "dipreg backup --db PATH --to FILE [--data-dir DIR]" },
	{ "restore", cli_restore, "restore a verified backup (the server stopped)",
	  "dipreg restore --from FILE --db PATH [--data-dir DIR] [--force]" },
	{ "check", cli_check, "database integrity and the transparency log recomputed and verified",
	  "dipreg check --db PATH [--data-dir DIR] [--head CHECKPOINT_FILE]..." },
	{ "tick", cli_tick, "apply every deadline that ran out (the scheduler, once)",
	  "dipreg tick --db PATH [--now ISO8601] [--holidays FILE] [--rules PROFILE]" },
	{ "fingerprint", cli_fingerprint, "compute a dataset fingerprint (Merkle root of a file or directory)",
	  "dipreg fingerprint PATH [--algo sha256|sm3] [--json] [--threads N] [--skip-special]" },
	{ "verify", cli_verify, "verify a deposit receipt offline",
	  "dipreg verify FILE --key VERIFIERKEY [--witness KEY]... [--quorum N] [--data PATH]" },
	{ "keygen", cli_keygen, "generate a log, witness or SM2 signing key",
	  "dipreg keygen --name NAME --out DIR [--sm2 | --witness]" },
	{ "witness", cli_witness, "check that a registry's log only grows, and cosign its checkpoints",
	  "dipreg witness --log URL --key WITNESS_KEY --log-key VKEY... --state DIR [--submit] "
	  "[--once | --interval SECONDS [--rounds N]] [--timeout SECONDS]" },
	{ NULL, NULL, NULL, NULL },
};

static int cli_help(int argc, char **argv)
{
	const struct cli_command *c;

	if (argc > 1) {
		for (c = cli_commands; c->name; c++)
			if (strcmp(c->name, argv[1]) == 0) {
				printf("usage: %s\n  %s\n", c->usage, c->summary);
				return 0;
			}
		return cli_fail("help: unknown subcommand \"%s\"", argv[1]);
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
	return cli_fail("unknown subcommand \"%s\"; try \"dipreg help\"", argv[1]);
}
