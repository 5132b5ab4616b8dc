/*
 * cmd_calendar.c - "dipreg calendar": the registry's working days and
 * validity periods from the command line.
 *
 *   dipreg calendar due DATE N [--holidays FILE]    last day of "within N working days of DATE"
 *   dipreg calendar period DATE Ny|Nm               last day of a validity period from DATE
 *   dipreg calendar is-working DATE [--holidays FILE]
 */
#include "cli/cli.h"
#include "cli/common.h"
#include "domain/period.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
	"dipreg calendar due DATE N | period DATE Ny|Nm | is-working DATE [--holidays FILE]";

int cli_calendar(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "holidays", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_registry_opts ro = { NULL, NULL };
	struct registry reg;
	const char *verb, *date;
	char out[11];
	dip_day day;
	long n;
	int c, rc = 0;
	size_t len;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'H')
			ro.holidays = optarg;
		else
			return cli_usage(usage);
	}
	if (argc - optind < 2)
		return cli_usage(usage);
	verb = argv[optind];
	date = argv[optind + 1];
	if (day_parse(date, &day))
		return cli_fail("DATE: expected YYYY-MM-DD, got \"%s\"", date);
	if (cli_registry(&reg, &ro))
		return 1;
	if (strcmp(verb, "due") == 0 && argc - optind == 3) {
		if (cli_long(argv[optind + 2], 1, 10000, &n)) {
			rc = cli_fail("N: expected a number of working days from 1 to 10000, got \"%s\"",
				      argv[optind + 2]);
			goto out;
		}
		day_format(cal_add_working_days(&reg.cal, day, (int)n), out);
		printf("%s\n", out);
	} else if (strcmp(verb, "period") == 0 && argc - optind == 3) {
		const char *p = argv[optind + 2];
		char num[16];

		len = strlen(p);
		if (len < 2 || len > sizeof(num) || (p[len - 1] != 'y' && p[len - 1] != 'm')) {
			rc = cli_fail("LENGTH: expected Ny or Nm (3y, 1m), got \"%s\"", p);
			goto out;
		}
		memcpy(num, p, len - 1);
		num[len - 1] = '\0';
		if (cli_long(num, 1, 1200, &n)) {
			rc = cli_fail("LENGTH: expected Ny or Nm (3y, 1m), got \"%s\"", p);
			goto out;
		}
		day_format(period_last_day(day, p[len - 1] == 'y' ? (int)n : 0,
					   p[len - 1] == 'm' ? (int)n : 0), out);
		printf("%s\n", out);
	} else if (strcmp(verb, "is-working") == 0 && argc - optind == 2) {
		printf("%s\n", cal_is_working(&reg.cal, day) ? "yes" : "no");
	} else {
		rc = cli_usage(usage);
	}
out:
	registry_release(&reg);
	return rc;
}
