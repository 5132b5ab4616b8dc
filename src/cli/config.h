/*
 * config.h - a registry's settings: one table, read from a file, the
 * environment and the command line.
 *
 * Every setting has a key in a [section] of the configuration file, an
 * environment variable DIPREG_<FLAG> and a command-line flag --<flag>.  A
 * value given on the command line beats the environment, which beats the
 * file, which beats the built-in default.  The file is the one --config
 * names, else the one DIPREG_CONFIG names, else /etc/dipreg/dipreg.conf
 * when it exists:
 *
 *     # comments start with '#' or ';'
 *     [server]
 *     listen = 127.0.0.1:8080
 *     trusted_proxies = 127.0.0.1, ::1
 *
 * Lists take commas or spaces between items, and a list key may be
 * repeated to add items.  Any other key given twice, a key outside its
 * section, an unknown key and a bad value are errors naming the line.
 *
 * The subcommands that run against a registry (serve, tick, admin, demo,
 * config) parse their arguments here: the settings they use as flags, plus
 * options of their own (struct cfg_opt), plus positional arguments.  The
 * table also yields their usage lines, the manual's option lists, the
 * sample configuration file and the shell completion.
 */
#ifndef DIP_CLI_CONFIG_H
#define DIP_CLI_CONFIG_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define CFG_DEFAULT_PATH "/etc/dipreg/dipreg.conf"

/* The subcommands, as bits: which of them take a setting as a flag. */
#define CFG_SERVE 0x01u
#define CFG_TICK 0x02u
#define CFG_ADMIN 0x04u
#define CFG_DEMO 0x08u
#define CFG_CHECK 0x10u /* "dipreg config": every flag */

enum cfg_id {
	/* [registry] */
	CFG_REGISTRY_NAME,
	CFG_REGISTRY_CODE,
	CFG_ZONE,
	CFG_BASE_URL,
	CFG_RULES,
	CFG_HOLIDAYS,
	/* [database] */
	CFG_DB,
	/* [server] */
	CFG_LISTEN,
	CFG_THREADS,
	CFG_DATA_DIR,
	CFG_WEB,
	CFG_TICK_SECONDS,
	CFG_READY_FILE,
	CFG_TEST_CLOCK,
	CFG_SEARCH_CACHE,
	CFG_RECORD_CACHE,
	CFG_SQLITE_MMAP,
	CFG_SQLITE_CACHE,
	CFG_STATS_BACKGROUND,
	/* [limits] */
	CFG_MAX_BODY,
	CFG_MAX_UPLOAD,
	CFG_ANON_UPLOADS,
	CFG_LOGIN_FAILURES,
	CFG_LOGIN_FAILURES_ADDR,
	/* [security] */
	CFG_TRUSTED_PROXIES,
	CFG_METRICS_ALLOW,
	CFG_SESSION_HOURS,
	CFG_PW_COST,
	/* [ledger] */
	CFG_LOG_ORIGIN,
	CFG_LOG_KEY,
	CFG_LOG_SM2_KEY,
	CFG_OLD_LOG_KEYS,
	CFG_WITNESSES,
	CFG_WITNESS_QUORUM,
	CFG_TILE_CACHE,
	/* [logging] */
	CFG_LOG_LEVEL,
	CFG_LOG_FORMAT,
	CFG__COUNT
};

enum cfg_type { CFG_STR, CFG_INT, CFG_BOOL, CFG_LIST };
enum cfg_src { CFG_SRC_DEFAULT, CFG_SRC_FILE, CFG_SRC_ENV, CFG_SRC_FLAG };

struct cfg_setting {
	enum cfg_id id;
	const char *section;
	const char *key;      /* in the file */
	const char *flag;     /* --flag; the variable is DIPREG_FLAG */
	enum cfg_type type;
	const char *def;      /* the default as text ("" for none) */
	long min, max;        /* CFG_INT */
	unsigned cmds;        /* CFG_SERVE | ...: the subcommands taking the flag */
	const char *arg;      /* the argument's name in usage lines */
	int secret;           /* shown masked */
	/* Extra validation of a (non-empty) value: 0, or a message in msg. */
	int (*check)(const char *v, char *msg, size_t n);
	const char *help;     /* one sentence or two, for the manual and the sample */
};

extern const struct cfg_setting cfg_settings[CFG__COUNT];

struct cfg_value {
	char *text;           /* owned; lists as written, items joined by ", " */
	enum cfg_src src;
	int line;             /* CFG_SRC_FILE: the line */
	long num;             /* CFG_INT, CFG_BOOL */
	char **items;         /* CFG_LIST: owned, NULL-ended */
	size_t nitems;
};

struct config {
	char path[1024];      /* the file read, or "" */
	struct cfg_value v[CFG__COUNT];
	char **args;          /* positional arguments (into argv) */
	int nargs;
};

/* An option of one subcommand that is not a setting.  arg NULL: a switch,
 * whose value becomes "1". */
struct cfg_opt {
	const char *name;
	const char *arg;
	const char **value;
	const char *help;
};

/* Parses argv (argv[0] is the subcommand, skip more words before the
 * options: 1 for "serve", 2 for "admin VERB"), then the environment and
 * the file, into c.  errors (may be NULL) collects every problem, one per
 * line; otherwise the first one is printed.  Returns the exit status to
 * use when not 0: 2 for a usage error (printed with usage), 1 for a bad
 * value.  Release c with cfg_release, also after a failure. */
int cfg_load(struct config *c, unsigned cmd, int argc, char **argv, int skip,
	     const struct cfg_opt *extra, const char *usage, struct dbuf *errors);
void cfg_release(struct config *c);

/* Values: the text ("" when unset), the number, the list (NULL-ended). */
const char *cfg_str(const struct config *c, enum cfg_id id);
long cfg_num(const struct config *c, enum cfg_id id);
const char *const *cfg_list(const struct config *c, enum cfg_id id);

/* Parses one value of setting s from text, replacing v's; on failure msg
 * says why.  0 or DIP_EINVAL.  (For tests and cfg_load.) */
int cfg_value_set(const struct cfg_setting *s, struct cfg_value *v, const char *text, char *msg,
		  size_t n);
/* Reads configuration text (path names it in messages) into c, which has
 * defaults; every problem is appended to errors as "path:line: message".
 * Returns the number of problems. */
int cfg_parse_file(struct config *c, const char *path, const char *text, struct dbuf *errors);

/* The value as it may be shown: secrets (the password of a database URL or
 * conninfo) replaced by "****".  Writes into out. */
void cfg_masked(const struct config *c, enum cfg_id id, char *out, size_t n);
/* The effective settings as configuration text, each with its source in a
 * comment; secrets masked. */
void cfg_print(const struct config *c, struct dbuf *out);
/* A sample configuration file documenting every key (deploy/dipreg.conf). */
void cfg_sample(struct dbuf *out);
/* The flag part of a usage line of the subcommand: "[--db URL] ...". */
void cfg_usage_flags(unsigned cmd, struct dbuf *out);
/* The environment variable of a setting: "DIPREG_LISTEN". */
void cfg_env_name(const struct cfg_setting *s, char *out, size_t n);

/* The zone setting as seconds east of UTC; 0 or DIP_EINVAL. */
int cfg_zone_offset(const char *v, int *off);

/* The directory of the installed portal and data: PREFIX/share/dipreg next
 * to the executable when it exists, else the directory compiled in. */
const char *cfg_sharedir(void);

#endif
