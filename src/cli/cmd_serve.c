/*
 * cmd_serve.c - "dipreg serve": run the registry's HTTP server.
 */
#include "cli/cli.h"
#include "cli/common.h"
#include "server/server.h"
#include "service/ledger.h"
#include "util/file.h"
#include "util/log.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"dipreg serve [--db PATH|URL] [--listen ADDR:PORT] [--threads N] [--data-dir DIR]\n"
	"             [--web DIR] [--rules PROFILE] [--holidays FILE] [--test-clock]\n"
	"             [--max-body BYTES] [--max-upload BYTES] [--tick SECONDS]\n"
	"             [--log-level debug|info|warn|error] [--log-json] [--ready-file FILE]\n"
	"             [--registry-name NAME] [--registry-code NNNN] [--base-url URL]\n"
	"             [--log-key PEM] [--log-sm2-key PEM] [--log-origin ORIGIN] [--old-log-key VKEY]...\n"
	"             [--witness VKEY]... [--witness-quorum N]";

int cli_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "data-dir", required_argument, NULL, 'D' },
		{ "web", required_argument, NULL, 'w' },
		{ "rules", required_argument, NULL, 'r' },
		{ "holidays", required_argument, NULL, 'H' },
		{ "test-clock", no_argument, NULL, 'C' },
		{ "max-body", required_argument, NULL, 'b' },
		{ "max-upload", required_argument, NULL, 'u' },
		{ "tick", required_argument, NULL, 'k' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "log-json", no_argument, NULL, 'J' },
		{ "ready-file", required_argument, NULL, 'R' },
		{ "registry-name", required_argument, NULL, 'n' },
		{ "registry-code", required_argument, NULL, 'c' },
		{ "base-url", required_argument, NULL, 'U' },
		{ "pw-cost", required_argument, NULL, 'P' },
		{ "log-key", required_argument, NULL, 'K' },
		{ "log-sm2-key", required_argument, NULL, 'S' },
		{ "log-origin", required_argument, NULL, 'O' },
		{ "old-log-key", required_argument, NULL, 'o' },
		{ "witness", required_argument, NULL, 'W' },
		{ "witness-quorum", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_registry_opts ro = { NULL, NULL };
	struct server_config cfg;
	struct registry reg;
	struct dip_error e;
	enum log_level lv;
	const char *data_dir = "var", *name = NULL, *code = NULL, *base = NULL;
	const char *witnesses[LEDGER_MAX_WITNESSES + 1] = { NULL }, *old[LEDGER_MAX_OLD_KEYS + 1] = { NULL };
	const char *origin = NULL;
	struct ledger_key_opts ko;
	int nw = 0, nold = 0;
	long n, pw_cost = 15, quorum = 0;
	int c, rc;

	server_config_defaults(&cfg);
	memset(&ko, 0, sizeof(ko));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': cfg.db = optarg; break;
		case 'l': cfg.listen = optarg; break;
		case 't':
			if (cli_long(optarg, 1, 64, &n))
				return cli_fail("--threads: 1 to 64");
			cfg.threads = (int)n;
			break;
		case 'D': data_dir = optarg; break;
		case 'w': cfg.web_dir = optarg; break;
		case 'r': ro.rules = optarg; break;
		case 'H': ro.holidays = optarg; break;
		case 'C': cfg.test_clock = 1; break;
		case 'b':
			if (cli_long(optarg, 1024, 64L << 20, &n))
				return cli_fail("--max-body: 1024 to 67108864 bytes");
			cfg.max_body = (size_t)n;
			break;
		case 'u':
			if (cli_long(optarg, 1024, 1L << 30, &n))
				return cli_fail("--max-upload: 1024 to 1073741824 bytes");
			cfg.max_upload = (size_t)n;
			break;
		case 'k':
			if (cli_long(optarg, 1, 86400, &n))
				return cli_fail("--tick: 1 to 86400 seconds");
			cfg.tick_seconds = (int)n;
			break;
		case 'L':
			if (log_parse_level(optarg, &lv))
				return cli_fail("--log-level: debug, info, warn or error");
			log_set_level(lv);
			break;
		case 'J': log_set_json(1); break;
		case 'R': cfg.ready_file = optarg; break;
		case 'n': name = optarg; break;
		case 'c': code = optarg; break;
		case 'U': base = optarg; break;
		case 'P':
			if (cli_long(optarg, 1, 20, &pw_cost))
				return cli_fail("--pw-cost: 1 to 20");
			break;
		case 'K': ko.key = optarg; break;
		case 'S': ko.sm2_key = optarg; break;
		case 'O': origin = optarg; break;
		case 'o':
			if (nold >= LEDGER_MAX_OLD_KEYS)
				return cli_fail("--old-log-key: at most %d", LEDGER_MAX_OLD_KEYS);
			old[nold++] = optarg;
			break;
		case 'W':
			if (nw >= LEDGER_MAX_WITNESSES)
				return cli_fail("--witness: at most %d", LEDGER_MAX_WITNESSES);
			witnesses[nw++] = optarg;
			break;
		case 'q':
			if (cli_long(optarg, 0, LEDGER_MAX_WITNESSES, &quorum))
				return cli_fail("--witness-quorum: 0 to %d", LEDGER_MAX_WITNESSES);
			break;
		default: return cli_usage(usage);
		}
	}
	if (optind != argc)
		return cli_usage(usage);
	if (code && (strlen(code) != 4 || strspn(code, "0123456789") != 4))
		return cli_fail("--registry-code: four digits, e.g. 1100 for Beijing");
	if (cli_registry(&reg, &ro))
		return 1;
	reg.pw_cost = (int)pw_cost;
	snprintf(reg.data_dir, sizeof(reg.data_dir), "%s", data_dir);
	if (name)
		snprintf(reg.name, sizeof(reg.name), "%s", name);
	if (code)
		snprintf(reg.code, sizeof(reg.code), "%s", code);
	if (file_mkdirs(data_dir, &e)) {
		registry_release(&reg);
		return cli_fail("--data-dir: %s", e.message);
	}
	if (base)
		snprintf(reg.base_url, sizeof(reg.base_url), "%s", base);
	else
		snprintf(reg.base_url, sizeof(reg.base_url), "http://%s", cfg.listen);
	/* The log's origin names it in checkpoints: by default the public URL
	 * without its scheme, as the C2SP specs suggest. */
	{
		char fallback[300];
		const char *host = strstr(reg.base_url, "://");

		snprintf(fallback, sizeof(fallback), "%.200s/log", host ? host + 3 : reg.base_url);
		ko.witnesses = witnesses;
		ko.old_vkeys = old;
		ko.quorum = (unsigned)quorum;
		if (cli_log_open(&reg, cfg.db, origin, fallback, &ko)) {
			registry_release(&reg);
			return 1;
		}
	}
	rc = server_run(&reg, &cfg);
	ledger_close(&reg);
	registry_release(&reg);
	return rc;
}
