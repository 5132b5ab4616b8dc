/*
 * cmd_tick.c - "dipreg tick": run the scheduler once, for cron or after
 * an outage.  The server runs the same code on a timer.
 */
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/config.h"
#include "cli/setup.h"

#include <stdio.h>

#define TICK_USAGE "dipreg tick [--now ISO8601]"

int cli_tick(int argc, char **argv)
{
	const char *now_s = NULL;
	const struct cfg_opt extra[] = {
		{ "now", "ISO8601", &now_s, "the time to run at (default: now)" },
		{ NULL, NULL, NULL, NULL },
	};
	struct config cfg;
	struct registry reg;
	struct tick_report rep;
	struct dip_error e;
	struct svc v = { 0 };
	dip_time now;
	int rc;

	rc = cfg_load(&cfg, CFG_TICK, argc, argv, 1, extra, TICK_USAGE " [SETTINGS]", NULL);
	if (rc == 0 && cfg.nargs > 0)
		rc = cli_usage(TICK_USAGE " [SETTINGS]");
	if (rc == 0 && cli_now(now_s, &now))
		rc = 1;
	if (rc == 0 && cli_setup_registry(&reg, &cfg))
		rc = 1;
	if (rc) {
		cfg_release(&cfg);
		return rc;
	}
	cli_setup_logging(&cfg);
	v.reg = &reg;
	v.st = store_open(cfg_str(&cfg, CFG_DB), &e);
	if (v.st == NULL) {
		registry_release(&reg);
		cfg_release(&cfg);
		return cli_fail("%s", e.message);
	}
	/* The calendar an admin uploaded counts here as in the server. */
	rc = cli_load_stored_calendar(&reg, v.st);
	if (rc == 0) {
		rc = svc_tick(&v, now, &rep, &e);
		if (rc)
			rc = cli_fail("tick: %s", e.message);
		else
			printf("applied %d\n", rep.applied);
	}
	store_close(v.st);
	registry_release(&reg);
	cfg_release(&cfg);
	return rc;
}
