/*
 * cli.h - subcommands of the dipreg binary.
 *
 * Each subcommand is a function int cli_NAME(int argc, char **argv) that
 * receives argv[0] = its own name and returns the process exit status:
 * 0 on success, 1 on a failure it reported with a one-line message on
 * stderr, 2 on a usage error.
 */
#ifndef DIP_CLI_H
#define DIP_CLI_H

int cli_main(int argc, char **argv);

/* One-line error on stderr, "dipreg: <msg>"; returns 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Usage error on stderr; returns 2. */
int cli_usage(const char *usage);

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage;
};

int cli_calendar(int argc, char **argv);
int cli_tick(int argc, char **argv);
int cli_serve(int argc, char **argv);
int cli_admin(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_backup(int argc, char **argv);
int cli_restore(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_migrate(int argc, char **argv);
/* Subcommands of the ledger (cmd_fingerprint.c, cmd_verify.c, cmd_keys.c). */
int cli_fingerprint(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_keygen(int argc, char **argv);
/* A witness of a registry's log (cmd_witness.c). */
int cli_witness(int argc, char **argv);
/* cmd_config.c */
int cli_config(int argc, char **argv);

/* Defined in cli.c: the table of subcommands, ended by a NULL name. */
extern const struct cli_command cli_commands[];
/* Subcommands for bench/ only, in no list, manual or completion
 * (cmd_benchgen.c, cmd_benchledger.c); ended by a NULL name. */
int cli_bench_gen(int argc, char **argv);
int cli_bench_ledger(int argc, char **argv);
extern const struct cli_command cli_hidden_commands[];

#endif
