/*
 * common.h - what several subcommands share: loading the registry's
 * configuration from flags, reading the clock, parsing numbers.
 */
#ifndef DIP_CLI_COMMON_H
#define DIP_CLI_COMMON_H

#include "service/ledger.h"
#include "service/service.h"

struct led_verifier;

struct cli_registry_opts {
	const char *holidays;  /* holiday file, or NULL for the built-in one */
	const char *rules;     /* profile name or file, or NULL for beijing */
};

/* Loads the registry with the overrides; prints the error and returns 1. */
int cli_registry(struct registry *r, const struct cli_registry_opts *o);
/* Settles the log's origin (kept in the database: an origin never changes
 * once checkpoints name it) and opens the signing keys.  origin may be
 * NULL (then the stored one, or fallback for a new registry).  key NULL:
 * DATA_DIR/keys/log.key.  Prints the error and returns 1. */
int cli_log_open(struct registry *r, const char *db, const char *origin, const char *fallback,
		 const struct ledger_key_opts *ko);
/* "dipreg check" of the database at db (cmd_backup.c): the database's
 * integrity (SQLite), then the log recomputed and compared with its latest
 * checkpoint (and its signature, when DATA_DIR/keys/log.key exists) and
 * with the nheads checkpoints handed out earlier.  Prints a one-line
 * summary; 0, or 1 with the failure reported. */
struct led_checkpoint;
int cli_check_db(const char *db, const char *data_dir, const struct led_checkpoint *heads,
		 size_t nheads);
/* The wall clock, or the instant given by an --now option. 0 or 1. */
int cli_now(const char *opt, dip_time *now);
/* Strict decimal parse; 0 or DIP_EINVAL. */
int cli_long(const char *s, long min, long max, long *out);

/* A signed-note verifier key given as the string itself or as a file whose
 * first line holds it.  0, or DIP_EINVAL with a message. */
int cli_load_vkey(const char *arg, struct led_verifier **out, struct dip_error *e);

#endif
