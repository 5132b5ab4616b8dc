/*
 * help.h - usage lines, manual pages and completion words, from the
 * subcommand table (cli.c) and the settings table (config.h).
 */
#ifndef DIP_CLI_HELP_H
#define DIP_CLI_HELP_H

#include "cli/cli.h"
#include "util/buf.h"

/* The usage of a subcommand: its line(s) of the table, with the setting
 * flags it takes. */
void cli_usage_text(const struct cli_command *c, struct dbuf *out);
/* The manual page in mdoc: "dipreg" (section 1), "dipreg.conf" (5), or a
 * subcommand ("serve" or "dipreg-serve").  0 or DIP_ENOTFOUND. */
int cli_man(const char *name, struct dbuf *out);
/* The verbs and options of a subcommand for shell completion, one per
 * line, an option that takes an argument followed by its name. */
void cli_complete(const struct cli_command *c, struct dbuf *out);

#endif
