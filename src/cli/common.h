/*
 * common.h - what several subcommands share: loading the registry's
 * configuration from flags, reading the clock, parsing numbers.
 */
#ifndef DIP_CLI_COMMON_H
#define DIP_CLI_COMMON_H

#include "service/service.h"

struct cli_registry_opts {
	const char *holidays;  /* holiday file, or NULL for the built-in one */
	const char *rules;     /* profile name or file, or NULL for beijing */
};

/* Loads the registry with the overrides; prints the error and returns 1. */
int cli_registry(struct registry *r, const struct cli_registry_opts *o);
/* The wall clock, or the instant given by an --now option. 0 or 1. */
int cli_now(const char *opt, dip_time *now);
/* Strict decimal parse; 0 or DIP_EINVAL. */
int cli_long(const char *s, long min, long max, long *out);

#endif
