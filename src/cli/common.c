/*
 * common.c - registry loading and small parsers for the subcommands.
 */
#include "cli/common.h"
#include "cli/cli.h"
#include "util/file.h"
#include "ledger/note.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int cli_registry(struct registry *r, const struct cli_registry_opts *o)
{
	struct dip_error e;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (registry_init(r, &e))
		return cli_fail("%s", e.message);
	if (o->holidays) {
		rc = file_read(o->holidays, 1 << 20, &text, &len, &e);
		if (rc == 0)
			rc = registry_set_calendar(r, text, len, &e);
		free(text);
		if (rc) {
			registry_release(r);
			return cli_fail("holidays: %s", e.message);
		}
	}
	if (o->rules) {
		if (strchr(o->rules, '/') || strchr(o->rules, '.')) {
			rc = file_read(o->rules, 1 << 16, &text, &len, &e);
			if (rc == 0)
				rc = rules_parse(&r->rules, text, len, &e);
			free(text);
		} else {
			rc = rules_builtin(&r->rules, o->rules, &e);
		}
		if (rc) {
			registry_release(r);
			return cli_fail("rules: %s", e.message);
		}
	}
	return 0;
}

int cli_now(const char *opt, dip_time *now)
{
	if (opt == NULL) {
		*now = (dip_time)time(NULL);
		return 0;
	}
	if (time_parse(opt, DIP_ZONE_SHANGHAI, now))
		return cli_fail("--now: expected an ISO 8601 time such as 2024-03-01T09:00:00+08:00, got \"%s\"", opt);
	return 0;
}

int cli_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return DIP_EINVAL;
	*out = v;
	return 0;
}

int cli_log_open(struct registry *r, const char *db, const char *origin, const char *fallback,
		 const struct ledger_key_opts *ko)
{
	struct ledger_key_opts o = *ko;
	struct checkpoint_row cp;
	struct dip_error e;
	struct store *st;
	struct dbuf stored;
	struct stat sb;
	char key[1100];
	int rc = 0, signed_before = 0;

	st = store_open(db, &e);
	if (st == NULL)
		return cli_fail("%s", e.message);
	dbuf_init(&stored, 256);
	if (st->begin(st, 1) == 0) {
		if (st->setting_get(st, "log_origin", &stored) == 0) {
			if (origin && strcmp(origin, stored.p) != 0)
				rc = cli_fail("--log-origin: this registry's log is \"%s\"; an origin cannot change once checkpoints name it",
					      stored.p);
			snprintf(r->origin, sizeof(r->origin), "%s", stored.p);
		} else {
			snprintf(r->origin, sizeof(r->origin), "%s", origin ? origin : fallback);
			st->setting_put(st, "log_origin", r->origin);
		}
		if (st->checkpoint_latest(st, &cp) == 0) {
			signed_before = 1;
			checkpoint_row_release(&cp);
		}
		if (st->commit(st) != 0 && rc == 0)
			rc = cli_fail("%s", st->err.message);
	}
	dbuf_free(&stored);
	store_close(st);
	if (rc)
		return rc;
	if (o.key == NULL) {
		snprintf(key, sizeof(key), "%s/keys/log.key", r->data_dir);
		o.key = key;
	}
	/* A new key is made only for a log that has signed nothing yet: a
	 * missing key of a running log is a loss to repair from the backup,
	 * never to paper over with a different key. */
	if (signed_before && stat(o.key, &sb) != 0)
		return cli_fail("log key: %s is missing but this registry's log has signed checkpoints with it; restore the key from your backup",
				o.key);
	if (ledger_open(r, &o, &e))
		return cli_fail("log key: %s", e.message);
	return 0;
}

/* A verifier key given as the string itself or as a file holding it. */
int cli_load_vkey(const char *arg, struct led_verifier **out, struct dip_error *e)
{
	char *text = NULL, *end;
	size_t len;
	int rc;

	rc = led_verifier_parse(arg, out, e);
	if (rc == 0 || strchr(arg, '+'))
		return rc;
	rc = file_read(arg, 4096, &text, &len, e);
	if (rc)
		return dip_fail(e, DIP_EINVAL, "key",
				"%s: neither a verifier key (name+id+key) nor a readable file", arg);
	/* The first line, without surrounding white space. */
	end = strchr(text, '\n');
	if (end)
		*end = '\0';
	for (end = text + strlen(text); end > text && (end[-1] == ' ' || end[-1] == '\r'); end--)
		end[-1] = '\0';
	rc = led_verifier_parse(text, out, e);
	free(text);
	return rc;
}
