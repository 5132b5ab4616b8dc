/*
 * config.c - the settings table, and reading it from flags, environment
 * and file.
 */
#include "cli/config.h"
#include "cli/cli.h"
#include "domain/calendar.h"
#include "domain/rules.h"
#include "ledger/note.h"
#include "util/file.h"
#include "util/netaddr.h"
#include "util/redact.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- validators ------------------------------------------------------------------------------ */

static int check_code(const char *v, char *msg, size_t n)
{
	if (strlen(v) == 4 && strspn(v, "0123456789") == 4)
		return 0;
	snprintf(msg, n, "four digits, such as 1100 for Beijing");
	return -1;
}

/* "+08:00", "-05:30", "UTC" or "Asia/Shanghai": a fixed offset, since
 * the procedure's zones keep no daylight saving time. */
int cfg_zone_offset(const char *v, int *off)
{
	int h, m;
	char sign, end;

	if (strcmp(v, "Asia/Shanghai") == 0 || strcmp(v, "PRC") == 0) {
		*off = 8 * 3600;
		return 0;
	}
	if (strcmp(v, "UTC") == 0 || strcmp(v, "Z") == 0) {
		*off = 0;
		return 0;
	}
	if (strlen(v) == 6 && sscanf(v, "%c%2d:%2d%c", &sign, &h, &m, &end) == 3 &&
	    (sign == '+' || sign == '-') && v[3] == ':' && h <= 14 && m < 60) {
		*off = (sign == '-' ? -1 : 1) * (h * 3600 + m * 60);
		return 0;
	}
	return DIP_EINVAL;
}

static int check_zone(const char *v, char *msg, size_t n)
{
	int off;

	if (cfg_zone_offset(v, &off) == 0)
		return 0;
	snprintf(msg, n, "a UTC offset such as +08:00, or Asia/Shanghai");
	return -1;
}

static int check_listen(const char *v, char *msg, size_t n)
{
	struct net_prefix a;
	const char *colon = strrchr(v, ':');
	char host[64];
	char *end;
	long port;

	if (colon && (size_t)(colon - v) < sizeof(host)) {
		memcpy(host, v, (size_t)(colon - v));
		host[colon - v] = '\0';
		port = strtol(colon + 1, &end, 10);
		if (colon[1] && *end == '\0' && port >= 0 && port <= 65535 &&
		    net_addr_parse(host, &a) == 0 && !a.v6)
			return 0;
	}
	snprintf(msg, n, "an IPv4 address and port, such as 127.0.0.1:8080");
	return -1;
}

static int check_url(const char *v, char *msg, size_t n)
{
	if ((strncmp(v, "https://", 8) == 0 || strncmp(v, "http://", 7) == 0) &&
	    strchr(strstr(v, "://") + 3, ' ') == NULL && v[strlen(v) - 1] != '/' &&
	    strlen(strstr(v, "://") + 3) > 0)
		return 0;
	snprintf(msg, n, "an http:// or https:// URL without a trailing slash, such as https://dipreg.example.org");
	return -1;
}

static int check_db(const char *v, char *msg, size_t n)
{
	(void)v;
	(void)msg;
	(void)n;
	return 0;
}

static int read_small(const char *path, size_t max, char **text, size_t *len, char *msg, size_t n)
{
	struct dip_error e;

	if (file_read(path, max, text, len, &e) != 0) {
		snprintf(msg, n, "%s", e.message);
		return -1;
	}
	return 0;
}

static int check_rules(const char *v, char *msg, size_t n)
{
	struct rules r;
	struct dip_error e;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (strchr(v, '/') || strchr(v, '.')) {
		if (read_small(v, 1 << 16, &text, &len, msg, n))
			return -1;
		rc = rules_parse(&r, text, len, &e);
		free(text);
	} else {
		rc = rules_builtin(&r, v, &e);
	}
	if (rc)
		snprintf(msg, n, "%s", e.message);
	return rc ? -1 : 0;
}

static int check_holidays(const char *v, char *msg, size_t n)
{
	struct calendar c;
	struct dip_error e;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (read_small(v, 1 << 20, &text, &len, msg, n))
		return -1;
	rc = cal_parse(&c, text, len, &e);
	free(text);
	if (rc) {
		snprintf(msg, n, "%s: %s", v, e.message);
		return -1;
	}
	cal_release(&c);
	return 0;
}

static int check_netlist(const char *v, char *msg, size_t n)
{
	struct net_list *l = malloc(sizeof(*l));
	struct dip_error e;
	int rc;

	if (l == NULL) {
		snprintf(msg, n, "out of memory");
		return -1;
	}
	rc = net_list_parse(v, l, &e);
	free(l);
	if (rc)
		snprintf(msg, n, "%s", e.message);
	return rc ? -1 : 0;
}

static int check_vkey(const char *v, char *msg, size_t n)
{
	struct led_verifier *k = NULL;
	struct dip_error e;

	if (led_verifier_parse(v, &k, &e) != 0) {
		snprintf(msg, n, "not a verifier key (NAME+HASH+KEY): %s", e.message);
		return -1;
	}
	led_verifier_free(k);
	return 0;
}

static int check_origin(const char *v, char *msg, size_t n)
{
	if (led_key_name_valid(v))
		return 0;
	snprintf(msg, n, "a log origin has no spaces or '+', such as dipreg.example.org/log");
	return -1;
}

static int check_level(const char *v, char *msg, size_t n)
{
	if (strcmp(v, "debug") == 0 || strcmp(v, "info") == 0 || strcmp(v, "warn") == 0 ||
	    strcmp(v, "error") == 0)
		return 0;
	snprintf(msg, n, "debug, info, warn or error");
	return -1;
}

static int check_format(const char *v, char *msg, size_t n)
{
	if (strcmp(v, "logfmt") == 0 || strcmp(v, "json") == 0)
		return 0;
	snprintf(msg, n, "logfmt or json");
	return -1;
}

/* ---- the table ------------------------------------------------------------------------------- */

#define SRV CFG_SERVE
#define ALL (CFG_SERVE | CFG_TICK | CFG_ADMIN | CFG_DEMO)
#define REG (CFG_SERVE | CFG_TICK | CFG_DEMO)

const struct cfg_setting cfg_settings[CFG__COUNT] = {
	{ CFG_REGISTRY_NAME, "registry", "name", "registry-name", CFG_STR, "北京市知识产权保护中心", 0, 0,
	  REG, "NAME", 0, NULL,
	  "The registry's name (登记机构), printed on certificates and shown in the portal." },
	{ CFG_REGISTRY_CODE, "registry", "code", "registry-code", CFG_STR, "1100", 0, 0, REG, "NNNN", 0,
	  check_code, "The registry's 4-digit code in certificate numbers (1100 for Beijing)." },
	{ CFG_ZONE, "registry", "zone", "zone", CFG_STR, "+08:00", 0, 0, REG, "OFFSET", 0, check_zone,
	  "The registry's time zone as a UTC offset (Asia/Shanghai is +08:00): calendar days and "
	  "deadlines are counted in it." },
	{ CFG_BASE_URL, "registry", "base_url", "base-url", CFG_STR, "", 0, 0, REG, "URL", 0, check_url,
	  "The public URL of the portal, without a trailing slash; certificate QR codes point to it "
	  "and the log origin defaults to it. Default: http:// and the listen address." },
	{ CFG_RULES, "registry", "rules", "rules", CFG_STR, "beijing", 0, 0, REG, "PROFILE", 0,
	  check_rules,
	  "The rules profile: beijing, shanghai, zhejiang, or the path of a profile file." },
	{ CFG_HOLIDAYS, "registry", "holidays", "holidays", CFG_STR, "", 0, 0, ALL, "FILE", 0,
	  check_holidays,
	  "A holiday file replacing the built-in calendar (the format of data/cn-holidays.txt). A "
	  "calendar uploaded by an admin and stored in the database takes precedence." },
	{ CFG_DB, "database", "url", "db", CFG_STR, "var/dipreg.db", 0, 0, ALL, "PATH|URL", 1, check_db,
	  "The database: an SQLite file path, or a postgresql:// URL (its password is never shown)." },
	{ CFG_LISTEN, "server", "listen", "listen", CFG_STR, "127.0.0.1:8080", 0, 0, SRV, "ADDR:PORT",
	  0, check_listen, "The address and port to listen on (IPv4)." },
	{ CFG_THREADS, "server", "threads", "threads", CFG_INT, "0", 0, 64, SRV, "N", 0, NULL,
	  "Threads serving requests, each with its own database connection; 0 means one per core." },
	{ CFG_DATA_DIR, "server", "data_dir", "data-dir", CFG_STR, "var", 0, 0, ALL, "DIR", 0, NULL,
	  "The data directory: uploaded files, rendered certificates, signing keys (keys/)." },
	{ CFG_WEB, "server", "web", "web", CFG_STR, "", 0, 0, SRV, "DIR", 0, NULL,
	  "The portal's static files. Default: the web/ directory of the installation." },
	{ CFG_TICK_SECONDS, "server", "tick", "tick", CFG_INT, "30", 1, 86400, SRV, "SECONDS", 0, NULL,
	  "How often the scheduler applies deadlines that ran out." },
	{ CFG_READY_FILE, "server", "ready_file", "ready-file", CFG_STR, "", 0, 0, SRV, "FILE", 0, NULL,
	  "A file written with the server's URL once it listens (for scripts and tests)." },
	{ CFG_TEST_CLOCK, "server", "test_clock", "test-clock", CFG_BOOL, "no", 0, 1, SRV, NULL, 0, NULL,
	  "Lets an admin move the server's clock (POST /api/admin/clock). For tests only: never in "
	  "production." },
	{ CFG_SEARCH_CACHE, "server", "search_cache", "search-cache", CFG_INT, "4096", 0, 1000000, SRV,
	  "N", 0, NULL,
	  "Search answers kept in memory, each for as long as the search index is unchanged; 0 "
	  "keeps none." },
	{ CFG_RECORD_CACHE, "server", "record_cache", "record-cache", CFG_INT, "8", 0, 4096, SRV,
	  "MIB", 0, NULL,
	  "Public records kept ready to send, in MiB; each is checked against its application "
	  "before it is sent. 0 keeps none." },
	{ CFG_SQLITE_MMAP, "server", "sqlite_mmap", "sqlite-mmap", CFG_INT, "0", 0, 1L << 20, SRV,
	  "MIB", 0, NULL,
	  "SQLite only: MiB of the database each connection reads through a memory map. A map "
	  "makes searches of a large register cheaper in CPU but slows a stream of writes (each "
	  "checkpoint that grows the file remaps it) and counts the mapped file in the resident "
	  "size. 0 reads by copy." },
	{ CFG_SQLITE_CACHE, "server", "sqlite_cache", "sqlite-cache", CFG_INT, "16", 1, 4096, SRV,
	  "MIB", 0, NULL,
	  "SQLite only: MiB of pages each server thread's reading connection keeps, where "
	  "searches and reads find the index's common words without reading the file again. "
	  "The writing connection keeps SQLite's default." },
	{ CFG_STATS_BACKGROUND, "server", "stats_background_ms", "stats-background-ms", CFG_INT,
	  "1000", 0, 3600000, SRV, "MS", 0, NULL,
	  "Once a count of the statistics has taken this long (a large register), reports answer "
	  "from the last count, saying when it was made, and the count runs again on a thread of "
	  "its own at most once a minute." },
	{ CFG_MAX_BODY, "limits", "max_body", "max-body", CFG_INT, "1048576", 1024, 64L << 20, SRV,
	  "BYTES", 0, NULL, "The largest JSON request body, in bytes." },
	{ CFG_MAX_UPLOAD, "limits", "max_upload", "max-upload", CFG_INT, "20971520", 1024, 1L << 30,
	  SRV, "BYTES", 0, NULL,
	  "The largest uploaded file, in bytes. A reverse proxy in front needs a client body limit "
	  "at least this large (nginx: client_max_body_size)." },
	{ CFG_ANON_UPLOADS, "limits", "anon_uploads_per_hour", "anon-uploads-per-hour", CFG_INT, "30",
	  0, 100000, SRV, "N", 0, NULL,
	  "Uploads an anonymous client (an objector without an account) may make per hour, per "
	  "address." },
	{ CFG_LOGIN_FAILURES, "limits", "login_failures", "login-failures", CFG_INT, "5", 1, 1000, SRV,
	  "N", 0, NULL,
	  "Failed sign-ins for one login within 15 minutes before further attempts are refused." },
	{ CFG_LOGIN_FAILURES_ADDR, "limits", "login_failures_per_address", "login-failures-per-address",
	  CFG_INT, "20", 1, 100000, SRV, "N", 0, NULL,
	  "Failed sign-ins from one client address within 15 minutes before further attempts are "
	  "refused." },
	{ CFG_TRUSTED_PROXIES, "security", "trusted_proxies", "trusted-proxies", CFG_LIST, "", 0, 0,
	  SRV, "ADDRS", 0, check_netlist,
	  "Reverse proxies (addresses or prefixes) whose X-Forwarded-For and X-Real-IP headers name "
	  "the client, for the audit log and the rate limits. Default: none, the peer is the client." },
	{ CFG_METRICS_ALLOW, "security", "metrics_allow", "metrics-allow", CFG_LIST, "127.0.0.1, ::1",
	  0, 0, SRV, "ADDRS", 0, check_netlist,
	  "Client addresses or prefixes that may read GET /metrics; an empty list turns it off." },
	{ CFG_SESSION_HOURS, "security", "session_hours", "session-hours", CFG_INT, "12", 1, 720, SRV,
	  "HOURS", 0, NULL, "How long a browser session lasts." },
	{ CFG_PW_COST, "security", "pw_cost", "pw-cost", CFG_INT, "15", 1, 20, ALL, "N", 0, NULL,
	  "The cost of password hashing (scrypt, log2 of N) for new passwords." },
	{ CFG_LOG_ORIGIN, "ledger", "origin", "log-origin", CFG_STR, "", 0, 0, SRV, "ORIGIN", 0,
	  check_origin,
	  "The transparency log's origin line. Kept in the database on first start and never "
	  "changed after. Default: the base URL's host and path, then /log." },
	{ CFG_LOG_KEY, "ledger", "key", "log-key", CFG_STR, "", 0, 0, SRV | CFG_ADMIN, "PEM", 0, NULL,
	  "The log's Ed25519 signing key (PKCS#8 PEM), created when missing. Default: "
	  "DATA_DIR/keys/log.key." },
	{ CFG_LOG_SM2_KEY, "ledger", "sm2_key", "log-sm2-key", CFG_STR, "", 0, 0, SRV | CFG_ADMIN, "PEM",
	  0, NULL, "An SM2 signing key that adds a second signature to checkpoints (optional)." },
	{ CFG_OLD_LOG_KEYS, "ledger", "old_keys", "old-log-key", CFG_LIST, "", 0, 0, SRV, "VKEY", 0,
	  check_vkey,
	  "Retired verifier keys still published at /log/keys, besides those that dipreg admin "
	  "rotate-key recorded in DATA_DIR/keys/retired.vkeys." },
	{ CFG_WITNESSES, "ledger", "witnesses", "witness", CFG_LIST, "", 0, 0, SRV, "VKEY", 0,
	  check_vkey, "Verifier keys of the witnesses that may cosign checkpoints." },
	{ CFG_WITNESS_QUORUM, "ledger", "quorum", "witness-quorum", CFG_INT, "0", 0, 8, SRV, "N", 0,
	  NULL, "How many witness cosignatures make a checkpoint witnessed: receipts are then "
	  "built on it and its depositors told (0: none is)." },
	{ CFG_TILE_CACHE, "ledger", "tile_cache", "tile-cache", CFG_INT, "64", 1, 65536, SRV, "MIB", 0,
	  NULL,
	  "The log's tiles kept in memory for proofs, in MiB. About 64 bytes per log entry keep "
	  "every tile a proof needs." },
	{ CFG_LOG_LEVEL, "logging", "level", "log-level", CFG_STR, "info", 0, 0, ALL, "LEVEL", 0,
	  check_level, "The least level logged: debug, info, warn or error." },
	{ CFG_LOG_FORMAT, "logging", "format", "log-format", CFG_STR, "logfmt", 0, 0, ALL, "FORMAT", 0,
	  check_format,
	  "Log lines as logfmt (key=value) or json (one object per line), on standard error." },
};

/* Values written into deploy/dipreg.conf (cfg_sample) for a server
 * behind nginx under systemd; the rest stay commented out at default. */
static const struct {
	enum cfg_id id;
	const char *value;
} sample_values[] = {
	{ CFG_BASE_URL, "https://dipreg.example.org" },
	{ CFG_DB, "/var/lib/dipreg/dipreg.db" },
	{ CFG_DATA_DIR, "/var/lib/dipreg" },
	{ CFG_TRUSTED_PROXIES, "127.0.0.1, ::1" },
	{ CFG_LOG_FORMAT, "json" },
};

static const char *const sections[] = { "registry", "database", "server", "limits", "security",
					 "ledger", "logging" };

/* ---- values ---------------------------------------------------------------------------------- */

static void value_clear(struct cfg_value *v)
{
	size_t i;

	free(v->text);
	for (i = 0; i < v->nitems; i++)
		free(v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

static int list_add(struct cfg_value *v, const char *p, size_t len)
{
	char **items = realloc(v->items, (v->nitems + 2) * sizeof(*items));

	if (items == NULL)
		return DIP_ENOMEM;
	v->items = items;
	items[v->nitems] = strndup(p, len);
	if (items[v->nitems] == NULL)
		return DIP_ENOMEM;
	items[++v->nitems] = NULL;
	return 0;
}

/* Sets v from text; append (lists only) keeps the items there. */
static int value_set(const struct cfg_setting *s, struct cfg_value *v, const char *text, int append,
		     char *msg, size_t n)
{
	struct cfg_value nv;
	char *end;
	size_t len;
	const char *p;

	memset(&nv, 0, sizeof(nv));
	msg[0] = '\0';
	switch (s->type) {
	case CFG_INT:
		errno = 0;
		nv.num = strtol(text, &end, 10);
		if (errno || end == text || *end || nv.num < s->min || nv.num > s->max) {
			snprintf(msg, n, "a whole number from %ld to %ld", s->min, s->max);
			return DIP_EINVAL;
		}
		break;
	case CFG_BOOL:
		if (strcmp(text, "yes") == 0 || strcmp(text, "true") == 0 || strcmp(text, "on") == 0 ||
		    strcmp(text, "1") == 0)
			nv.num = 1;
		else if (strcmp(text, "no") == 0 || strcmp(text, "false") == 0 ||
			 strcmp(text, "off") == 0 || strcmp(text, "0") == 0)
			nv.num = 0;
		else {
			snprintf(msg, n, "yes or no");
			return DIP_EINVAL;
		}
		text = nv.num ? "yes" : "no";
		break;
	case CFG_LIST:
		if (append) {
			for (len = 0; len < v->nitems; len++)
				if (list_add(&nv, v->items[len], strlen(v->items[len]))) {
					value_clear(&nv);
					return DIP_ENOMEM;
				}
		}
		for (p = text; *p;) {
			p += strspn(p, ", \t");
			len = strcspn(p, ", \t");
			if (len == 0)
				break;
			if (list_add(&nv, p, len)) {
				value_clear(&nv);
				return DIP_ENOMEM;
			}
			if (s->check) {
				char one[1024];

				snprintf(one, sizeof(one), "%.*s", (int)len, p);
				if (s->check(one, msg, n)) {
					value_clear(&nv);
					return DIP_EINVAL;
				}
			}
			p += len;
		}
		break;
	case CFG_STR:
		if (*text && s->check && s->check(text, msg, n))
			return DIP_EINVAL;
		break;
	}
	if (s->type == CFG_LIST) {
		struct dbuf b;
		size_t i;

		dbuf_init(&b, 0);
		for (i = 0; i < nv.nitems; i++)
			dbuf_addf(&b, "%s%s", i ? ", " : "", nv.items[i]);
		nv.text = b.p ? dbuf_detach(&b, &len) : strdup("");
	} else {
		nv.text = strdup(text);
	}
	if (nv.text == NULL) {
		value_clear(&nv);
		return DIP_ENOMEM;
	}
	value_clear(v);
	*v = nv;
	return 0;
}

int cfg_value_set(const struct cfg_setting *s, struct cfg_value *v, const char *text, char *msg,
		  size_t n)
{
	return value_set(s, v, text, 0, msg, n);
}

void cfg_env_name(const struct cfg_setting *s, char *out, size_t n)
{
	size_t i, k;

	k = (size_t)snprintf(out, n, "DIPREG_");
	for (i = 0; s->flag[i] && k + 1 < n; i++, k++)
		out[k] = s->flag[i] == '-' ? '_' : (char)(s->flag[i] >= 'a' && s->flag[i] <= 'z'
							  ? s->flag[i] - 'a' + 'A' : s->flag[i]);
	out[k < n ? k : n - 1] = '\0';
}

const char *cfg_str(const struct config *c, enum cfg_id id)
{
	return c->v[id].text ? c->v[id].text : "";
}

long cfg_num(const struct config *c, enum cfg_id id)
{
	return c->v[id].num;
}

const char *const *cfg_list(const struct config *c, enum cfg_id id)
{
	static const char *const none[] = { NULL };

	return c->v[id].items ? (const char *const *)c->v[id].items : none;
}

void cfg_release(struct config *c)
{
	int i;

	for (i = 0; i < CFG__COUNT; i++)
		value_clear(&c->v[i]);
	free(c->args);
	c->args = NULL;
	c->nargs = 0;
}

static int add_error(struct dbuf *errors, int *count, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int add_error(struct dbuf *errors, int *count, const char *fmt, ...)
{
	char line[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	dbuf_adds(errors, line);
	dbuf_addc(errors, '\n');
	(*count)++;
	return 0;
}

static void defaults(struct config *c)
{
	char msg[256];
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < CFG__COUNT; i++) {
		/* The defaults are valid by construction (test_config checks). */
		value_set(&cfg_settings[i], &c->v[i], cfg_settings[i].def, 0, msg, sizeof(msg));
		c->v[i].src = CFG_SRC_DEFAULT;
	}
}

/* ---- the file -------------------------------------------------------------------------------- */

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int known_section(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strcmp(sections[i], s) == 0)
			return 1;
	return 0;
}

int cfg_parse_file(struct config *c, const char *path, const char *text, struct dbuf *errors)
{
	char section[64] = "", line[4096], msg[512];
	unsigned char seen[CFG__COUNT];
	const char *p = text, *nl;
	int lineno = 0, count = 0, i, found;
	size_t len;
	char *s, *eq, *key, *val, *hash;

	memset(seen, 0, sizeof(seen));
	while (*p) {
		lineno++;
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof(line)) {
			add_error(errors, &count, "%s:%d: line longer than %zu bytes", path, lineno,
				  sizeof(line) - 1);
			p += len + (nl ? 1 : 0);
			continue;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl ? 1 : 0);
		/* A comment starts a line, or follows a space. */
		for (hash = line; (hash = strpbrk(hash, "#;")) != NULL; hash++)
			if (hash == line || hash[-1] == ' ' || hash[-1] == '\t') {
				*hash = '\0';
				break;
			}
		s = trim(line);
		if (*s == '\0')
			continue;
		if (*s == '[') {
			len = strlen(s);
			if (s[len - 1] != ']' || len - 2 >= sizeof(section)) {
				add_error(errors, &count, "%s:%d: a section is written [name]", path, lineno);
				continue;
			}
			s[len - 1] = '\0';
			snprintf(section, sizeof(section), "%s", trim(s + 1));
			if (!known_section(section)) {
				add_error(errors, &count,
					  "%s:%d: unknown section [%s] (registry, database, server, limits, security, ledger, logging)",
					  path, lineno, section);
				snprintf(section, sizeof(section), "?");
			}
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL) {
			add_error(errors, &count, "%s:%d: expected key = value, got \"%.80s\"", path, lineno,
				  s);
			continue;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		/* A value may be quoted to keep a '#' or spaces at its ends. */
		len = strlen(val);
		if (len >= 2 && val[0] == '"' && val[len - 1] == '"') {
			val[len - 1] = '\0';
			val++;
		}
		if (strcmp(section, "?") == 0)
			continue; /* reported at the section */
		found = -1;
		for (i = 0; i < CFG__COUNT; i++)
			if (strcmp(cfg_settings[i].key, key) == 0 &&
			    strcmp(cfg_settings[i].section, section) == 0)
				found = i;
		if (found < 0) {
			const char *belongs = NULL;

			for (i = 0; i < CFG__COUNT; i++)
				if (strcmp(cfg_settings[i].key, key) == 0)
					belongs = cfg_settings[i].section;
			if (section[0] == '\0')
				add_error(errors, &count, "%s:%d: \"%s\" outside any section%s%s%s", path,
					  lineno, key, belongs ? " (it belongs in [" : "",
					  belongs ? belongs : "", belongs ? "])" : "");
			else if (belongs)
				add_error(errors, &count, "%s:%d: unknown key \"%s\" in [%s] (it belongs in [%s])",
					  path, lineno, key, section, belongs);
			else
				add_error(errors, &count, "%s:%d: unknown key \"%s\" in [%s]", path, lineno,
					  key, section);
			continue;
		}
		if (seen[found] && cfg_settings[found].type != CFG_LIST) {
			add_error(errors, &count, "%s:%d: %s given twice (first on line %d)", path, lineno,
				  key, c->v[found].line);
			continue;
		}
		if (value_set(&cfg_settings[found], &c->v[found], val, seen[found], msg, sizeof(msg))) {
			add_error(errors, &count, "%s:%d: %s: %s, got \"%.200s\"", path, lineno, key, msg,
				  cfg_settings[found].secret ? "****" : val);
			continue;
		}
		c->v[found].src = CFG_SRC_FILE;
		if (!seen[found])
			c->v[found].line = lineno;
		seen[found] = 1;
	}
	return count;
}

/* ---- the command line ------------------------------------------------------------------------ */

struct flag_value {
	int id;              /* setting, or -1 - extra index */
	const char *value;
};

static int takes(const struct cfg_setting *s, unsigned cmd)
{
	return (cmd & CFG_CHECK) || (s->cmds & cmd);
}

static int find_setting_flag(const char *name, size_t len, unsigned cmd)
{
	int i;

	for (i = 0; i < CFG__COUNT; i++)
		if (takes(&cfg_settings[i], cmd) && strlen(cfg_settings[i].flag) == len &&
		    strncmp(cfg_settings[i].flag, name, len) == 0)
			return i;
	return -1;
}

static int usage_error(const char *usage, const char *fmt, const char *what)
{
	fprintf(stderr, "dipreg: ");
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	return cli_usage(usage);
}

/* The directory of /proc/self/exe's parent's share/dipreg. */
const char *cfg_sharedir(void)
{
	static char dir[PATH_MAX + 16];
	char exe[PATH_MAX], web[PATH_MAX + 32];
	struct stat sb;
	ssize_t n;
	char *slash;

	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			slash = strrchr(exe, '/');
			if (slash) {
				*slash = '\0';
				snprintf(dir, sizeof(dir), "%s/share/dipreg", exe);
				snprintf(web, sizeof(web), "%s/web", dir);
				if (stat(web, &sb) == 0 && S_ISDIR(sb.st_mode))
					return dir;
			}
		}
	}
	snprintf(dir, sizeof(dir), "%s", DIP_SHAREDIR);
	return dir;
}

int cfg_load(struct config *c, unsigned cmd, int argc, char **argv, int skip,
	     const struct cfg_opt *extra, const char *usage, struct dbuf *errors)
{
	struct flag_value *flags = calloc((size_t)argc + 1, sizeof(*flags));
	const char *config = NULL, *env, *name, *eq, *val;
	char msg[512], envname[96];
	struct dbuf own;
	int i, k, nflags = 0, count = 0, only_args = 0, rc = 0;
	unsigned char flagged[CFG__COUNT];
	size_t len;
	struct stat sb;

	defaults(c);
	dbuf_init(&own, 0);
	if (errors == NULL)
		errors = &own;
	c->args = calloc((size_t)argc + 1, sizeof(*c->args));
	if (flags == NULL || c->args == NULL) {
		free(flags);
		return cli_fail("out of memory");
	}
	for (i = skip; i < argc; i++) {
		if (only_args || strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
			if (!only_args && strcmp(argv[i], "--") == 0) {
				only_args = 1;
				continue;
			}
			if (argv[i][0] == '-' && argv[i][1] && !only_args) {
				rc = usage_error(usage, "unknown option \"%s\"", argv[i]);
				goto out;
			}
			c->args[c->nargs++] = argv[i];
			continue;
		}
		name = argv[i] + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		val = eq ? eq + 1 : NULL;
		if (len == 6 && strncmp(name, "config", 6) == 0) {
			if (val == NULL && i + 1 >= argc) {
				rc = usage_error(usage, "--config: which file?%s", "");
				goto out;
			}
			config = val ? val : argv[++i];
			continue;
		}
		/* --log-json: the older spelling of --log-format json. */
		if (len == 8 && strncmp(name, "log-json", 8) == 0 && val == NULL &&
		    (cmd & (CFG_SERVE | CFG_CHECK))) {
			flags[nflags].id = CFG_LOG_FORMAT;
			flags[nflags++].value = "json";
			continue;
		}
		k = find_setting_flag(name, len, cmd);
		if (k >= 0) {
			if (cfg_settings[k].type == CFG_BOOL) {
				flags[nflags].id = k;
				flags[nflags++].value = val ? val : "yes";
				continue;
			}
			if (val == NULL && i + 1 >= argc) {
				rc = usage_error(usage, "%s needs a value", argv[i]);
				goto out;
			}
			flags[nflags].id = k;
			flags[nflags++].value = val ? val : argv[++i];
			continue;
		}
		for (k = 0; extra && extra[k].name; k++)
			if (strlen(extra[k].name) == len && strncmp(extra[k].name, name, len) == 0)
				break;
		if (extra == NULL || extra[k].name == NULL) {
			rc = usage_error(usage, "unknown option \"%s\"", argv[i]);
			goto out;
		}
		if (extra[k].arg == NULL) {
			*extra[k].value = val ? val : "1";
			continue;
		}
		if (val == NULL && i + 1 >= argc) {
			rc = usage_error(usage, "%s needs a value", argv[i]);
			goto out;
		}
		*extra[k].value = val ? val : argv[++i];
	}

	/* The file. */
	if (config == NULL && (env = getenv("DIPREG_CONFIG")) != NULL && *env)
		config = env;
	if (config == NULL && stat(CFG_DEFAULT_PATH, &sb) == 0)
		config = CFG_DEFAULT_PATH;
	if (config) {
		struct dip_error e;
		char *text = NULL;
		size_t tlen;

		snprintf(c->path, sizeof(c->path), "%s", config);
		if (file_read(config, 1 << 20, &text, &tlen, &e) != 0) {
			add_error(errors, &count, "%s", e.message);
		} else {
			if (memchr(text, '\0', tlen))
				add_error(errors, &count, "%s: not a text file", config);
			else
				count += cfg_parse_file(c, config, text, errors);
			free(text);
		}
	}

	/* The environment. */
	for (i = 0; i < CFG__COUNT; i++) {
		cfg_env_name(&cfg_settings[i], envname, sizeof(envname));
		env = getenv(envname);
		if (env == NULL)
			continue;
		if (value_set(&cfg_settings[i], &c->v[i], env, 0, msg, sizeof(msg)))
			add_error(errors, &count, "%s: %s, got \"%.200s\"", envname, msg,
				  cfg_settings[i].secret ? "****" : env);
		else
			c->v[i].src = CFG_SRC_ENV;
	}

	/* The flags, repeated list flags adding up. */
	memset(flagged, 0, sizeof(flagged));
	for (i = 0; i < nflags; i++) {
		const struct cfg_setting *s = &cfg_settings[flags[i].id];

		if (value_set(s, &c->v[s->id], flags[i].value, flagged[s->id], msg, sizeof(msg)))
			add_error(errors, &count, "--%s: %s, got \"%.200s\"", s->flag, msg,
				  s->secret ? "****" : flags[i].value);
		else
			c->v[s->id].src = CFG_SRC_FLAG;
		flagged[s->id] = 1;
	}

	/* Defaults that follow from other settings. */
	if (c->v[CFG_WEB].src == CFG_SRC_DEFAULT) {
		char web[PATH_MAX + 32];

		snprintf(web, sizeof(web), "%s/web", cfg_sharedir());
		free(c->v[CFG_WEB].text);
		c->v[CFG_WEB].text = strdup(web);
	}
	if (c->v[CFG_BASE_URL].src == CFG_SRC_DEFAULT) {
		char url[300];

		snprintf(url, sizeof(url), "http://%s", cfg_str(c, CFG_LISTEN));
		free(c->v[CFG_BASE_URL].text);
		c->v[CFG_BASE_URL].text = strdup(url);
	}
	if (count > 0) {
		if (errors == &own)
			fprintf(stderr, "dipreg: %.*s", (int)strcspn(own.p, "\n") + 1, own.p);
		rc = 1;
	}
out:
	dbuf_free(&own);
	free(flags);
	return rc;
}

/* ---- showing --------------------------------------------------------------------------------- */

void cfg_masked(const struct config *c, enum cfg_id id, char *out, size_t n)
{
	if (cfg_settings[id].secret)
		redact_password(cfg_str(c, id), out, n);
	else
		snprintf(out, n, "%s", cfg_str(c, id));
}

void cfg_print(const struct config *c, struct dbuf *out)
{
	char val[2048], env[96], src[160];
	const char *sec = "";
	int i;

	dbuf_addf(out, "# effective settings; file: %s\n", c->path[0] ? c->path : "(none)");
	for (i = 0; i < CFG__COUNT; i++) {
		const struct cfg_setting *s = &cfg_settings[i];
		const struct cfg_value *v = &c->v[i];

		if (strcmp(sec, s->section) != 0) {
			sec = s->section;
			dbuf_addf(out, "\n[%s]\n", sec);
		}
		cfg_masked(c, (enum cfg_id)i, val, sizeof(val));
		cfg_env_name(s, env, sizeof(env));
		switch (v->src) {
		case CFG_SRC_DEFAULT: snprintf(src, sizeof(src), "default"); break;
		case CFG_SRC_FILE: snprintf(src, sizeof(src), "file line %d", v->line); break;
		case CFG_SRC_ENV: snprintf(src, sizeof(src), "environment %s", env); break;
		case CFG_SRC_FLAG: snprintf(src, sizeof(src), "flag --%s", s->flag); break;
		}
		/* Quoted when a '#' or ';' would start a comment, or spaces
		 * would be trimmed. */
		if (strpbrk(val, "#;") || (val[0] && (val[0] == ' ' || val[strlen(val) - 1] == ' ')))
			dbuf_addf(out, "%s = \"%s\"    # %s\n", s->key, val, src);
		else
			dbuf_addf(out, "%s = %s    # %s\n", s->key, val, src);
	}
}

/* Wraps text into "# " comment lines of at most 76 columns. */
static void comment(struct dbuf *out, const char *text)
{
	const char *p = text, *space, *line;
	size_t width;

	while (*p) {
		line = p;
		width = 0;
		for (space = NULL; *p && width < 74; p++) {
			if ((*p & 0xc0) != 0x80)
				width++;
			if (*p == ' ')
				space = p;
		}
		if (*p && space)
			p = space;
		dbuf_addf(out, "# %.*s\n", (int)(p - line), line);
		while (*p == ' ')
			p++;
	}
}

void cfg_sample(struct dbuf *out)
{
	char env[96];
	const char *sec = "", *val;
	size_t k;
	int i;

	dbuf_adds(out,
		  "# dipreg.conf - the settings of a dipreg registry (see dipreg.conf(5)).\n"
		  "#\n"
		  "# Every key has a command-line flag and an environment variable, named\n"
		  "# below; a flag beats the variable, which beats this file, which beats\n"
		  "# the default.  \"dipreg config check\" validates this file and shows the\n"
		  "# effective settings with their sources.  Keys left commented out keep\n"
		  "# the default shown.  Lists take commas or spaces between items.\n"
		  "#\n"
		  "# This sample suits a registry under systemd (deploy/dipreg.service)\n"
		  "# behind nginx (deploy/nginx-dipreg.conf); install it as\n"
		  "# /etc/dipreg/dipreg.conf and adjust the values that are set.\n");
	for (i = 0; i < CFG__COUNT; i++) {
		const struct cfg_setting *s = &cfg_settings[i];

		if (strcmp(sec, s->section) != 0) {
			sec = s->section;
			dbuf_addf(out, "\n[%s]\n", sec);
		}
		dbuf_adds(out, "\n");
		comment(out, s->help);
		cfg_env_name(s, env, sizeof(env));
		dbuf_addf(out, "# flag --%s, environment %s\n", s->flag, env);
		val = NULL;
		for (k = 0; k < sizeof(sample_values) / sizeof(sample_values[0]); k++)
			if (sample_values[k].id == s->id)
				val = sample_values[k].value;
		if (val)
			dbuf_addf(out, "%s = %s\n", s->key, val);
		else
			dbuf_addf(out, "#%s = %s\n", s->key, s->def);
	}
}

void cfg_usage_flags(unsigned cmd, struct dbuf *out)
{
	int i, first = 1;

	for (i = 0; i < CFG__COUNT; i++) {
		const struct cfg_setting *s = &cfg_settings[i];

		if (!takes(s, cmd))
			continue;
		dbuf_addf(out, "%s[--%s%s%s]%s", first ? "" : " ", s->flag, s->arg ? " " : "",
			  s->arg ? s->arg : "", s->type == CFG_LIST ? "..." : "");
		first = 0;
	}
	dbuf_addf(out, "%s[--config FILE]", first ? "" : " ");
}
