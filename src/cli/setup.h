/*
 * setup.h - settings (config.h) turned into what the subcommands run
 * with: logging, the registry, its stored calendar, retired log keys.
 */
#ifndef DIP_CLI_SETUP_H
#define DIP_CLI_SETUP_H

#include "cli/config.h"
#include "service/service.h"

/* Log level and format.  Never fails: the values were validated. */
void cli_setup_logging(const struct config *c);
/* registry_init with the registry settings applied (name, code, zone,
 * base URL, rules, holidays, data directory, password cost, sign-in
 * limits).  Prints the error and returns 1. */
int cli_setup_registry(struct registry *r, const struct config *c);
/* Replaces the calendar with the one an admin stored in the database
 * (setting "calendar"), when there is one.  Prints a bad one and
 * returns 1. */
int cli_load_stored_calendar(struct registry *r, struct store *st);

/* DATA_DIR/keys/retired.vkeys: the verifier keys that "dipreg admin
 * rotate-key" retired, one per line, which serve keeps publishing. */
void cli_retired_path(const char *data_dir, char *out, size_t n);
/* The retired keys of data_dir appended to list (NULL-ended, at most max
 * entries before the NULL); the strings are owned by text, which the
 * caller frees.  0, or 1 after printing the problem. */
int cli_retired_read(const char *data_dir, char **text, const char **list, int *n, int max);

#endif
