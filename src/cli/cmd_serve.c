/*
 * cmd_serve.c - "dipreg serve": run the registry's HTTP server.  Every
 * flag is a setting of config.h.
 */
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/config.h"
#include "cli/setup.h"
#include "server/server.h"
#include "service/ledger.h"
#include "util/file.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_serve(int argc, char **argv)
{
	struct server_config cfg;
	struct config c;
	struct registry reg;
	struct dip_error e;
	struct ledger_key_opts ko;
	const char *old[LEDGER_MAX_OLD_KEYS + 1] = { NULL };
	const char *const *p;
	char *retired = NULL, usage[4096], fallback[300];
	struct dbuf u;
	int nold = 0, rc;
	const char *host;

	dbuf_init(&u, sizeof(usage));
	dbuf_adds(&u, "dipreg serve ");
	cfg_usage_flags(CFG_SERVE, &u);
	snprintf(usage, sizeof(usage), "%s", u.p);
	dbuf_free(&u);
	rc = cfg_load(&c, CFG_SERVE, argc, argv, 1, NULL, usage, NULL);
	if (rc == 0 && c.nargs > 0)
		rc = cli_usage(usage);
	if (rc) {
		cfg_release(&c);
		return rc;
	}
	cli_setup_logging(&c);
	server_config_defaults(&cfg);
	cfg.db = cfg_str(&c, CFG_DB);
	cfg.listen = cfg_str(&c, CFG_LISTEN);
	cfg.threads = (int)cfg_num(&c, CFG_THREADS);
	cfg.web_dir = cfg_str(&c, CFG_WEB);
	cfg.max_body = (size_t)cfg_num(&c, CFG_MAX_BODY);
	cfg.max_upload = (size_t)cfg_num(&c, CFG_MAX_UPLOAD);
	cfg.test_clock = (int)cfg_num(&c, CFG_TEST_CLOCK);
	cfg.tick_seconds = (int)cfg_num(&c, CFG_TICK_SECONDS);
	cfg.search_cache = (size_t)cfg_num(&c, CFG_SEARCH_CACHE);
	store_sqlite_set_mmap(cfg_num(&c, CFG_SQLITE_MMAP) << 20);
	store_sqlite_set_cache(cfg_num(&c, CFG_SQLITE_CACHE) << 20);
	cfg.session_hours = (int)cfg_num(&c, CFG_SESSION_HOURS);
	cfg.anon_uploads_per_hour = (int)cfg_num(&c, CFG_ANON_UPLOADS);
	cfg.ready_file = *cfg_str(&c, CFG_READY_FILE) ? cfg_str(&c, CFG_READY_FILE) : NULL;
	cfg.trusted_proxies = cfg_str(&c, CFG_TRUSTED_PROXIES);
	cfg.metrics_allow = cfg_str(&c, CFG_METRICS_ALLOW);
	if (cli_setup_registry(&reg, &c)) {
		cfg_release(&c);
		return 1;
	}
	rc = 1;
	if (file_mkdirs(reg.data_dir, &e)) {
		cli_fail("--data-dir: %s", e.message);
		goto out;
	}
	/* Retired keys: those named in the settings, then those that
	 * "dipreg admin rotate-key" recorded. */
	for (p = cfg_list(&c, CFG_OLD_LOG_KEYS); *p; p++) {
		if (nold >= LEDGER_MAX_OLD_KEYS) {
			cli_fail("--old-log-key: at most %d", LEDGER_MAX_OLD_KEYS);
			goto out;
		}
		old[nold++] = *p;
	}
	if (cli_retired_read(reg.data_dir, &retired, old, &nold, LEDGER_MAX_OLD_KEYS))
		goto out;
	if (c.v[CFG_WITNESSES].nitems > LEDGER_MAX_WITNESSES) {
		cli_fail("--witness: at most %d", LEDGER_MAX_WITNESSES);
		goto out;
	}
	memset(&ko, 0, sizeof(ko));
	ko.key = *cfg_str(&c, CFG_LOG_KEY) ? cfg_str(&c, CFG_LOG_KEY) : NULL;
	ko.sm2_key = *cfg_str(&c, CFG_LOG_SM2_KEY) ? cfg_str(&c, CFG_LOG_SM2_KEY) : NULL;
	ko.witnesses = cfg_list(&c, CFG_WITNESSES);
	ko.old_vkeys = old;
	ko.quorum = (unsigned)cfg_num(&c, CFG_WITNESS_QUORUM);
	ko.cache_bytes = (size_t)cfg_num(&c, CFG_TILE_CACHE) << 20;
	/* The log's origin names it in checkpoints: by default the public URL
	 * without its scheme, as the C2SP specs suggest. */
	host = strstr(reg.base_url, "://");
	snprintf(fallback, sizeof(fallback), "%.200s/log", host ? host + 3 : reg.base_url);
	if (cli_log_open(&reg, cfg.db, *cfg_str(&c, CFG_LOG_ORIGIN) ? cfg_str(&c, CFG_LOG_ORIGIN) : NULL,
			 fallback, &ko))
		goto out;
	/* Public records ready to send (service/cache.c); 0 turns it off. */
	reg.records = svc_cache_new((size_t)cfg_num(&c, CFG_RECORD_CACHE) << 20);
	reg.stats = svc_stats_cache_new((int)cfg_num(&c, CFG_STATS_BACKGROUND));
	rc = server_run(&reg, &cfg);
	ledger_close(&reg);
out:
	free(retired);
	registry_release(&reg);
	cfg_release(&c);
	return rc;
}
