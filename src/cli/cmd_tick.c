/*
 * cmd_tick.c - "dipreg tick": run the scheduler once, for cron or after
 * an outage.  The server runs the same code on a timer.
 */
#include "cli/cli.h"
#include "cli/common.h"

#include <getopt.h>
#include <stdio.h>

static const char usage[] = "dipreg tick --db PATH [--now ISO8601] [--holidays FILE] [--rules PROFILE]";

int cli_tick(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "now", required_argument, NULL, 'n' },
		{ "holidays", required_argument, NULL, 'H' },
		{ "rules", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_registry_opts ro = { NULL, NULL };
	const char *db = NULL, *now_s = NULL;
	struct registry reg;
	struct tick_report rep;
	struct dip_error e;
	struct svc v;
	dip_time now;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'n': now_s = optarg; break;
		case 'H': ro.holidays = optarg; break;
		case 'r': ro.rules = optarg; break;
		default: return cli_usage(usage);
		}
	}
	if (db == NULL || optind != argc)
		return cli_usage(usage);
	if (cli_now(now_s, &now) || cli_registry(&reg, &ro))
		return 1;
	v.reg = &reg;
	v.st = store_open(db, &e);
	if (v.st == NULL) {
		registry_release(&reg);
		return cli_fail("%s", e.message);
	}
	rc = svc_tick(&v, now, &rep, &e);
	if (rc)
		rc = cli_fail("tick: %s", e.message);
	else
		printf("applied %d\n", rep.applied);
	store_close(v.st);
	registry_release(&reg);
	return rc;
}
