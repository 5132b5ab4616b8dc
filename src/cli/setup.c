/*
 * setup.c - settings applied to logging and to the registry.
 */
#include "cli/setup.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "util/file.h"
#include "util/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void cli_setup_logging(const struct config *c)
{
	enum log_level lv;

	if (log_parse_level(cfg_str(c, CFG_LOG_LEVEL), &lv) == 0)
		log_set_level(lv);
	log_set_json(strcmp(cfg_str(c, CFG_LOG_FORMAT), "json") == 0);
}

int cli_setup_registry(struct registry *r, const struct config *c)
{
	struct cli_registry_opts ro = { NULL, NULL };
	int zone;

	if (*cfg_str(c, CFG_HOLIDAYS))
		ro.holidays = cfg_str(c, CFG_HOLIDAYS);
	if (strcmp(cfg_str(c, CFG_RULES), "beijing") != 0)
		ro.rules = cfg_str(c, CFG_RULES);
	if (cli_registry(r, &ro))
		return 1;
	snprintf(r->name, sizeof(r->name), "%s", cfg_str(c, CFG_REGISTRY_NAME));
	snprintf(r->code, sizeof(r->code), "%s", cfg_str(c, CFG_REGISTRY_CODE));
	snprintf(r->base_url, sizeof(r->base_url), "%s", cfg_str(c, CFG_BASE_URL));
	snprintf(r->data_dir, sizeof(r->data_dir), "%s", cfg_str(c, CFG_DATA_DIR));
	if (cfg_zone_offset(cfg_str(c, CFG_ZONE), &zone) == 0)
		r->zone = zone;
	r->pw_cost = (int)cfg_num(c, CFG_PW_COST);
	r->login_max_per_login = (int)cfg_num(c, CFG_LOGIN_FAILURES);
	r->login_max_per_addr = (int)cfg_num(c, CFG_LOGIN_FAILURES_ADDR);
	return 0;
}

int cli_load_stored_calendar(struct registry *r, struct store *st)
{
	struct dip_error e;
	struct dbuf b;
	int rc = 0;

	dbuf_init(&b, 1 << 20);
	if (st->begin(st, 0) == 0) {
		if (st->setting_get(st, "calendar", &b) == 0 &&
		    registry_set_calendar(r, b.p, b.len, &e) != 0)
			rc = cli_fail("the calendar stored in the database: %s", e.message);
		st->rollback(st);
	}
	dbuf_free(&b);
	return rc;
}

void cli_retired_path(const char *data_dir, char *out, size_t n)
{
	snprintf(out, n, "%s/keys/retired.vkeys", data_dir);
}

int cli_retired_read(const char *data_dir, char **text, const char **list, int *n, int max)
{
	char path[1100], *p, *nl;
	struct dip_error e;
	struct stat sb;
	size_t len;

	*text = NULL;
	cli_retired_path(data_dir, path, sizeof(path));
	if (stat(path, &sb) != 0)
		return errno == ENOENT ? 0 : cli_fail("%s: %s", path, strerror(errno));
	if (file_read(path, 1 << 16, text, &len, &e) != 0)
		return cli_fail("%s", e.message);
	for (p = *text; p && *p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		p[strcspn(p, "\r#")] = '\0';
		if (*p == '\0')
			continue;
		if (*n >= max) {
			free(*text);
			*text = NULL;
			return cli_fail("%s: at most %d retired keys are published; remove the oldest",
					path, max);
		}
		list[(*n)++] = p;
		list[*n] = NULL;
	}
	return 0;
}
