/*
 * cmd_admin.c - "dipreg admin": the operator's commands on a registry's
 * database and data directory.
 *
 *   init, create-account, set-password, disable, enable, list-accounts
 *                   accounts (passwords are read from standard input, one
 *                   line, when it is not a terminal; otherwise one is
 *                   generated and printed once)
 *   rotate-key      a new log signing key; the old one stays published
 *   calendar-upload one year's holiday notice into the stored calendar
 *   scheduler-queue deadlines waiting for the scheduler, examiner tasks
 *   audit-export    the audit log of a date range, CSV or JSON lines
 *
 * Every command takes the settings of config.h (--db, --data-dir, ...).
 */
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/config.h"
#include "cli/setup.h"
#include "crypto/rand.h"
#include "crypto/sign.h"
#include "ledger/note.h"
#include "util/file.h"
#include "util/res.h"
#include "service/ledger.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ADMIN_USAGE                                                                                \
	"dipreg admin init [--login LOGIN] [--name NAME] [--id-number N]\n"                        \
	"dipreg admin create-account --login LOGIN --role admin|examiner|agent|applicant --name NAME --kind natural|legal|org --id-number N\n" \
	"dipreg admin set-password|disable|enable --login LOGIN\n"                                 \
	"dipreg admin list-accounts [--json]\n"                                                    \
	"dipreg admin rotate-key [--sm2]\n"                                                        \
	"dipreg admin calendar-upload FILE --year YEAR\n"                                          \
	"dipreg admin scheduler-queue [--now ISO8601] [--limit N] [--json]\n"                      \
	"dipreg admin audit-export [--from DATE] [--to DATE] [--format csv|json] [--out FILE]"

struct admin {
	struct config cfg;
	struct registry reg;
	struct svc v;
	struct actor root;
	const char *login, *role, *name, *kind, *idn, *year, *json, *now, *limit, *from, *to, *format,
		*out, *sm2;
};

/* A password from stdin, or a generated one (printed) when stdin is a
 * terminal or empty. */
static void get_password(char *out, size_t n, int *generated)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char raw[20];
	size_t i, len;

	*generated = 0;
	if (!isatty(0) && fgets(out, (int)n, stdin)) {
		len = strcspn(out, "\r\n");
		out[len] = '\0';
		if (len > 0)
			return;
	}
	crypto_random(raw, sizeof(raw));
	for (i = 0; i < sizeof(raw) && i + 1 < n; i++)
		out[i] = alphabet[raw[i] % (sizeof(alphabet) - 1)];
	out[i] = '\0';
	*generated = 1;
}

static unsigned parse_role(const char *s)
{
	if (s == NULL)
		return 0;
	if (strcmp(s, "admin") == 0)
		return ROLE_ADMIN;
	if (strcmp(s, "examiner") == 0)
		return ROLE_EXAMINER;
	if (strcmp(s, "agent") == 0)
		return ROLE_AGENT;
	if (strcmp(s, "applicant") == 0)
		return ROLE_APPLICANT;
	return 0;
}

/* ---- accounts -------------------------------------------------------------------------------- */

static int create(struct admin *a, int init)
{
	struct account_input in;
	struct dip_error e;
	int64_t count = 0;
	char pw[300];
	int generated;

	memset(&in, 0, sizeof(in));
	if (init) {
		a->v.st->begin(a->v.st, 0);
		a->v.st->account_count(a->v.st, &count);
		a->v.st->rollback(a->v.st);
		if (count > 0)
			return cli_fail("init: the database already has accounts; use create-account");
		in.login = a->login ? a->login : "admin";
		in.display_name = a->name ? a->name : "登记机构管理员";
		in.kind = "natural";
		in.id_number = a->idn ? a->idn : "11010519491231002X";
		in.roles = ROLE_ADMIN;
	} else {
		in.roles = parse_role(a->role);
		if (in.roles == 0 || a->login == NULL || a->name == NULL || a->kind == NULL ||
		    a->idn == NULL)
			return cli_usage(ADMIN_USAGE);
		in.login = a->login;
		in.display_name = a->name;
		in.kind = a->kind;
		in.id_number = a->idn;
	}
	get_password(pw, sizeof(pw), &generated);
	in.password = pw;
	if (svc_account_create(&a->v, &a->root, &in, (dip_time)time(NULL), NULL, &e))
		return cli_fail("%s", e.message);
	printf("created %s", in.login);
	if (generated)
		printf(" with password %s (shown once)", pw);
	printf("\n");
	return 0;
}

static int find_account(struct admin *a, struct account *acc)
{
	int rc;

	if (a->login == NULL)
		return cli_usage(ADMIN_USAGE);
	a->v.st->begin(a->v.st, 0);
	rc = a->v.st->account_by_login(a->v.st, a->login, acc);
	a->v.st->rollback(a->v.st);
	return rc ? cli_fail("no account \"%s\"", a->login) : 0;
}

static int set_password(struct admin *a)
{
	struct account acc;
	struct dip_error e;
	char pw[300];
	int generated, rc = find_account(a, &acc);

	if (rc)
		return rc;
	get_password(pw, sizeof(pw), &generated);
	if (svc_account_set_password(&a->v, &a->root, acc.id, pw, (dip_time)time(NULL), &e))
		return cli_fail("%s", e.message);
	printf("password of %s set%s%s\n", a->login, generated ? ": " : "", generated ? pw : "");
	return 0;
}

static int set_disabled(struct admin *a, int disabled)
{
	struct account acc;
	struct dip_error e;
	int rc = find_account(a, &acc);

	if (rc)
		return rc;
	if (svc_account_set_roles(&a->v, &a->root, acc.id, acc.roles, disabled, (dip_time)time(NULL),
				  &e))
		return cli_fail("%s", e.message);
	printf("%s %s\n", disabled ? "disabled" : "enabled", a->login);
	return 0;
}

static void roles_text(unsigned roles, char *out, size_t n)
{
	static const unsigned bits[] = { ROLE_ADMIN, ROLE_EXAMINER, ROLE_AGENT, ROLE_APPLICANT };
	size_t i, k = 0;

	out[0] = '\0';
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (roles & bits[i])
			k += (size_t)snprintf(out + k, k < n ? n - k : 0, "%s%s", k ? "," : "",
					      role_name(bits[i]));
}

struct list_ctx {
	int json;
	int64_t last;
	int n;
};

static int print_account(void *ud, const struct account *acc)
{
	struct list_ctx *c = ud;
	char roles[80], created[32];

	c->last = acc->id;
	c->n++;
	roles_text(acc->roles, roles, sizeof(roles));
	time_format(acc->created_at, DIP_ZONE_SHANGHAI, created);
	if (c->json) {
		json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:b,s:s}", "id", (json_int_t)acc->id, "login",
				      acc->login, "name", acc->display_name, "roles", roles, "disabled",
				      acc->disabled, "created_at", created);
		char *text = json_dumps(o, JSON_COMPACT);

		printf("%s\n", text ? text : "{}");
		free(text);
		json_decref(o);
	} else {
		printf("%-6lld %-20s %-28s %-9s %s\n", (long long)acc->id, acc->login, roles,
		       acc->disabled ? "disabled" : "active", acc->display_name);
	}
	return 0;
}

static int list_accounts(struct admin *a)
{
	struct list_ctx c = { a->json != NULL, 0, 0 };
	struct store *st = a->v.st;
	int rc = 0, before;

	if (!c.json)
		printf("%-6s %-20s %-28s %-9s %s\n", "ID", "LOGIN", "ROLES", "STATE", "NAME");
	do {
		before = c.n;
		rc = st->begin(st, 0);
		if (rc == 0)
			rc = st->account_list(st, c.last, 500, print_account, &c);
		st->rollback(st);
	} while (rc == 0 && c.n - before == 500);
	return rc ? cli_fail("%s", st->err.message) : 0;
}

/* ---- keys ------------------------------------------------------------------------------------ */

static int rotate_key(struct admin *a)
{
	const char *data_dir = a->reg.data_dir;
	int sm2 = a->sm2 != NULL;
	enum crypto_key_type type = sm2 ? CRYPTO_KEY_SM2 : CRYPTO_KEY_ED25519;
	const char *listed[LEDGER_MAX_OLD_KEYS + 2] = { NULL };
	struct crypto_key *key = NULL, *fresh = NULL;
	struct led_signer *signer = NULL;
	struct dip_error e;
	struct dbuf origin, oldv, newv, line;
	char path[1100], dir[1100], retired[1300], stamp[32], vpath[1100], *existing = NULL;
	struct stat sb;
	struct tm tm;
	time_t now = time(NULL);
	int rc = 1, n = 0;

	dbuf_init(&origin, 1024);
	dbuf_init(&oldv, 0);
	dbuf_init(&newv, 0);
	dbuf_init(&line, 0);
	if (sm2 && *cfg_str(&a->cfg, CFG_LOG_SM2_KEY) == '\0') {
		rc = cli_fail("rotate-key --sm2: this registry signs with no SM2 key (ledger.sm2_key)");
		goto out;
	}
	if (sm2)
		snprintf(path, sizeof(path), "%s", cfg_str(&a->cfg, CFG_LOG_SM2_KEY));
	else if (*cfg_str(&a->cfg, CFG_LOG_KEY))
		snprintf(path, sizeof(path), "%s", cfg_str(&a->cfg, CFG_LOG_KEY));
	else
		snprintf(path, sizeof(path), "%s/keys/log.key", data_dir);
	/* The key's name is the log's origin, kept in the database. */
	if (a->v.st->begin(a->v.st, 0) == 0) {
		if (a->v.st->setting_get(a->v.st, "log_origin", &origin) != 0)
			dbuf_reset(&origin);
		a->v.st->rollback(a->v.st);
	}
	if (origin.len == 0) {
		rc = cli_fail("rotate-key: this registry has no log yet; dipreg serve creates the first key");
		goto out;
	}
	if (stat(path, &sb) != 0) {
		rc = cli_fail("rotate-key: %s: %s; dipreg serve creates the first key", path,
			      strerror(errno));
		goto out;
	}
	if (cli_retired_read(data_dir, &existing, listed, &n, LEDGER_MAX_OLD_KEYS + 1))
		goto out;
	if (n >= LEDGER_MAX_OLD_KEYS) {
		rc = cli_fail("rotate-key: %d retired keys are published already (the most dipreg serve takes); remove the oldest from the retired keys file first",
			      n);
		goto out;
	}
	if (crypto_key_load(path, &key, &e) != 0 ||
	    led_signer_new(origin.p, sm2 ? LED_SIG_SM2 : LED_SIG_ED25519, key, &signer, &e) != 0) {
		key = NULL;
		rc = cli_fail("rotate-key: %s", e.message);
		goto out;
	}
	key = NULL; /* the signer owns it */
	led_signer_vkey(signer, &oldv);
	/* Keep the old private key beside the others, out of use. */
	snprintf(dir, sizeof(dir), "%s/keys/retired", data_dir);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(retired, sizeof(retired), "%s/%s-%s.key", dir, sm2 ? "log-sm2" : "log", stamp);
	if (file_mkdirs(dir, &e) != 0) {
		rc = cli_fail("rotate-key: %s", e.message);
		goto out;
	}
	if (crypto_key_generate(type, &fresh) != 0) {
		rc = cli_fail("rotate-key: could not generate a key");
		goto out;
	}
	/* The retired key is recorded before the old file moves, so that a
	 * failure after this point leaves the old key published. */
	cli_retired_path(data_dir, vpath, sizeof(vpath));
	if (existing)
		dbuf_adds(&line, existing);
	if (line.len && line.p[line.len - 1] != '\n')
		dbuf_addc(&line, '\n');
	dbuf_addf(&line, "%s\n", oldv.p);
	if (file_write_atomic(vpath, line.p, line.len, &e) != 0) {
		rc = cli_fail("rotate-key: %s", e.message);
		goto out;
	}
	if (rename(path, retired) != 0) {
		rc = cli_fail("rotate-key: moving %s to %s: %s", path, retired, strerror(errno));
		goto out;
	}
	if (crypto_key_save_private(fresh, path, &e) != 0) {
		rename(retired, path);
		rc = cli_fail("rotate-key: %s", e.message);
		goto out;
	}
	led_signer_free(signer);
	signer = NULL;
	if (led_signer_new(origin.p, sm2 ? LED_SIG_SM2 : LED_SIG_ED25519, fresh, &signer, &e) != 0) {
		fresh = NULL;
		rc = cli_fail("rotate-key: %s", e.message);
		goto out;
	}
	fresh = NULL;
	led_signer_vkey(signer, &newv);
	svc_audit(&a->v, &a->root, "log_key_rotated", "ledger", oldv.p, (dip_time)now, &e);
	printf("new key:     %s\nretired key: %s (still published at /log/keys)\n"
	       "old private key moved to %s: keep it offline or destroy it\n"
	       "restart dipreg serve to sign with the new key\n",
	       newv.p, oldv.p, retired);
	rc = 0;
out:
	crypto_key_free(key);
	crypto_key_free(fresh);
	led_signer_free(signer);
	free(existing);
	dbuf_free(&origin);
	dbuf_free(&oldv);
	dbuf_free(&newv);
	dbuf_free(&line);
	return rc;
}

/* ---- calendar -------------------------------------------------------------------------------- */

/* The dates (YYYY-MM-DD) that text lists, as one string "d1 d2 ...". */
static void dates_of(const char *text, struct dbuf *out)
{
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		p += strspn(p, " \t");
		if (strlen(p) >= 10 && p[4] == '-' && p[7] == '-')
			dbuf_addf(out, "%.10s ", p);
	}
}

static int calendar_upload(struct admin *a)
{
	const struct dip_resource *builtin = res_get("data/cn-holidays.txt");
	struct store *st = a->v.st;
	struct calendar cal;
	struct dip_error e;
	struct dbuf base, merged, dates;
	char *text = NULL, head[5], when[32];
	const char *p, *eol;
	size_t len;
	long year;
	int rc = 1;

	dbuf_init(&base, 1 << 20);
	dbuf_init(&merged, 0);
	dbuf_init(&dates, 0);
	if (a->cfg.nargs != 2 || a->year == NULL)
		return cli_usage(ADMIN_USAGE);
	if (cli_long(a->year, CAL_FIRST_YEAR, CAL_LAST_YEAR, &year)) {
		rc = cli_fail("--year: a year from %d to %d", CAL_FIRST_YEAR, CAL_LAST_YEAR);
		goto out;
	}
	if (file_read(a->cfg.args[1], 1 << 20, &text, &len, &e) != 0) {
		rc = cli_fail("%s", e.message);
		goto out;
	}
	/* The file alone: every date in the year, each once, well formed. */
	if (cal_check_single_year(text, len, (int)year, &e) != 0 || cal_parse(&cal, text, len, &e) != 0) {
		rc = cli_fail("%s: %s", a->cfg.args[1], e.message);
		goto out;
	}
	if (!cal_knows_year(&cal, (int)year)) {
		cal_release(&cal);
		rc = cli_fail("%s: lists fewer than %d days off in %ld; is it the whole notice?",
			      a->cfg.args[1], CAL_MIN_OFF_PER_YEAR, year);
		goto out;
	}
	cal_release(&cal);
	/* The calendar in force with that year replaced. */
	rc = st->begin(st, 1);
	if (rc == 0 && st->setting_get(st, "calendar", &base) != 0) {
		dbuf_reset(&base);
		dbuf_add(&base, builtin->data, builtin->len);
	}
	if (rc) {
		rc = cli_fail("%s", st->err.message);
		goto out;
	}
	dates_of(text, &dates);
	snprintf(head, sizeof(head), "%04ld", year);
	for (p = base.p; p && *p; p = *eol ? eol + 1 : eol) {
		const char *q = p + strspn(p, " \t");
		char day[12];

		eol = strchr(p, '\n');
		if (eol == NULL)
			eol = p + strlen(p);
		snprintf(day, sizeof(day), "%.10s ", q);
		if (strncmp(q, head, 4) == 0 && q[4] == '-')
			continue;
		if (strlen(q) >= 10 && q[4] == '-' && dates.p && strstr(dates.p, day))
			continue;
		dbuf_add(&merged, p, (size_t)(eol - p));
		dbuf_addc(&merged, '\n');
	}
	time_format((dip_time)time(NULL), DIP_ZONE_SHANGHAI, when);
	dbuf_addf(&merged, "# %ld: uploaded with dipreg admin calendar-upload at %s\n", year, when);
	dbuf_add(&merged, text, len);
	if (len && text[len - 1] != '\n')
		dbuf_addc(&merged, '\n');
	if (cal_parse(&cal, merged.p, merged.len, &e) != 0) {
		st->rollback(st);
		rc = cli_fail("%s does not fit the calendar in force: %s", a->cfg.args[1], e.message);
		goto out;
	}
	cal_release(&cal);
	if (st->setting_put(st, "calendar", merged.p) != 0 || st->commit(st) != 0) {
		st->rollback(st);
		rc = cli_fail("%s", st->err.message);
		goto out;
	}
	svc_audit(&a->v, &a->root, "calendar_set", "calendar", a->year, (dip_time)time(NULL), &e);
	printf("calendar: %ld replaced; dipreg serve uses it from its next start\n", year);
	rc = 0;
out:
	free(text);
	dbuf_free(&base);
	dbuf_free(&merged);
	dbuf_free(&dates);
	return rc;
}

/* ---- the scheduler's queue ------------------------------------------------------------------- */

struct queue_ctx {
	const struct registry *reg;
	dip_time now;
	int json;
	json_t *arr;
	int n, limit;
};

static int queue_row(void *ud, const struct deadline *d)
{
	struct queue_ctx *q = ud;
	char due[32];
	const char *flag = d->due_at < q->now ? "due" : "";

	if (q->n >= q->limit)
		return 1;
	q->n++;
	time_format(d->due_at, q->reg->zone, due);
	if (!d->binds_party && d->due_at < q->now)
		flag = "overdue";
	if (q->json)
		json_array_append_new(q->arr, json_pack("{s:I,s:I,s:I,s:s,s:s,s:s}", "id",
							(json_int_t)d->id, "application",
							(json_int_t)d->app_id, "ref", (json_int_t)d->ref_id,
							"kind", deadline_kind_name(d->kind), "due_at", due,
							"flag", flag));
	else
		printf("  %-25s  %-6lld %-26s %s\n", due, (long long)d->app_id,
		       deadline_kind_name(d->kind), flag);
	return 0;
}

static int scheduler_queue(struct admin *a)
{
	struct store *st = a->v.st;
	struct queue_ctx timers = { &a->reg, 0, a->json != NULL, NULL, 0, 100 };
	struct queue_ctx tasks;
	long limit = 100;
	char now[32];
	int rc;

	if (a->now && cli_now(a->now, &timers.now))
		return 1;
	if (a->now == NULL)
		timers.now = (dip_time)time(NULL);
	if (a->limit && cli_long(a->limit, 1, 100000, &limit))
		return cli_fail("--limit: 1 to 100000");
	timers.limit = (int)limit;
	tasks = timers;
	timers.arr = json_array();
	tasks.arr = json_array();
	time_format(timers.now, a->reg.zone, now);
	rc = st->begin(st, 0);
	if (!timers.json)
		printf("now %s\nscheduler (binding deadlines; \"due\": applied at the scheduler's next run)\n"
		       "  %-25s  %-6s %-26s %s\n", now, "DUE", "APP", "KIND", "FLAG");
	/* Every open binding deadline, soonest first. */
	if (rc == 0)
		rc = st->deadline_due(st, (dip_time)INT64_MAX / 2, 1, timers.limit + 1, queue_row, &timers);
	if (!timers.json)
		printf("tasks (registry duties with statutory deadlines)\n  %-25s  %-6s %-26s %s\n", "DUE",
		       "APP", "KIND", "FLAG");
	if (rc == 0 || rc == 1)
		rc = st->deadline_tasks(st, tasks.limit + 1, queue_row, &tasks);
	st->rollback(st);
	if (rc != 0 && rc != 1) {
		json_decref(timers.arr);
		json_decref(tasks.arr);
		return cli_fail("%s", st->err.message);
	}
	if (timers.json) {
		json_t *o = json_pack("{s:s,s:o,s:o}", "now", now, "scheduler", timers.arr, "tasks",
				      tasks.arr);
		char *text = json_dumps(o, JSON_INDENT(2));

		printf("%s\n", text ? text : "{}");
		free(text);
		json_decref(o);
	} else {
		json_decref(timers.arr);
		json_decref(tasks.arr);
	}
	return 0;
}

/* ---- the audit log --------------------------------------------------------------------------- */

#define AUDIT_PAGE 500

struct audit_page {
	struct audit_entry v[AUDIT_PAGE];
	int n;
};

static int collect(void *ud, const struct audit_entry *e)
{
	struct audit_page *p = ud;

	p->v[p->n++] = *e;
	return 0;
}

static void csv_field(FILE *f, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

static int audit_export(struct admin *a)
{
	struct store *st = a->v.st;
	struct audit_page *page = malloc(sizeof(*page));
	struct audit_filter f;
	int64_t *cursors = NULL;
	size_t ncur = 0, cap = 0;
	dip_day day;
	dip_time from = INT64_MIN, to = INT64_MAX;
	int json = a->format && strcmp(a->format, "json") == 0, rc = 1, i;
	FILE *out = stdout;
	char at[32], num[24];
	long k;

	if (page == NULL)
		return cli_fail("out of memory");
	if (a->format && !json && strcmp(a->format, "csv") != 0) {
		rc = cli_fail("--format: csv or json");
		goto done;
	}
	if (a->from) {
		if (day_parse(a->from, &day)) {
			rc = cli_fail("--from: a date YYYY-MM-DD, got \"%s\"", a->from);
			goto done;
		}
		from = day_start(day, a->reg.zone);
	}
	if (a->to) {
		if (day_parse(a->to, &day)) {
			rc = cli_fail("--to: a date YYYY-MM-DD, got \"%s\"", a->to);
			goto done;
		}
		to = day_start(day + 1, a->reg.zone) - 1; /* the whole day */
	}
	if (a->out && (out = fopen(a->out, "wx")) == NULL) {
		rc = cli_fail("--out: %s: %s", a->out, strerror(errno));
		goto done;
	}
	/* The store lists newest first, a page at a time: one pass finds the
	 * cursor of every page, a second writes the pages oldest first. */
	memset(&f, 0, sizeof(f));
	f.limit = AUDIT_PAGE;
	if (st->begin(st, 0) != 0) {
		rc = cli_fail("%s", st->err.message);
		goto done;
	}
	for (;;) {
		if (ncur == cap) {
			int64_t *c = realloc(cursors, (cap = cap ? cap * 2 : 64) * sizeof(*c));

			if (c == NULL) {
				rc = cli_fail("out of memory");
				goto rollback;
			}
			cursors = c;
		}
		cursors[ncur++] = f.after_id;
		page->n = 0;
		if (st->audit_list(st, &f, collect, page) != 0) {
			rc = cli_fail("%s", st->err.message);
			goto rollback;
		}
		if (page->n < AUDIT_PAGE)
			break;
		f.after_id = page->v[page->n - 1].id;
	}
	if (!json)
		fputs("id,at,actor,action,object,detail,addr\n", out);
	for (k = (long)ncur - 1; k >= 0; k--) {
		f.after_id = cursors[k];
		page->n = 0;
		if (st->audit_list(st, &f, collect, page) != 0) {
			rc = cli_fail("%s", st->err.message);
			goto rollback;
		}
		for (i = page->n - 1; i >= 0; i--) {
			const struct audit_entry *e = &page->v[i];

			if (e->at < from || e->at > to)
				continue;
			time_format(e->at, a->reg.zone, at);
			if (json) {
				json_t *o = json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s}", "id",
						      (json_int_t)e->id, "at", at, "actor",
						      (json_int_t)e->actor_id, "action", e->action,
						      "object", e->object, "detail", e->detail, "addr",
						      e->addr);
				char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

				fprintf(out, "%s\n", text ? text : "{}");
				free(text);
				json_decref(o);
			} else {
				snprintf(num, sizeof(num), "%lld", (long long)e->id);
				csv_field(out, num, 0);
				csv_field(out, at, 0);
				snprintf(num, sizeof(num), "%lld", (long long)e->actor_id);
				csv_field(out, num, 0);
				csv_field(out, e->action, 0);
				csv_field(out, e->object, 0);
				csv_field(out, e->detail, 0);
				csv_field(out, e->addr, 1);
			}
		}
	}
	rc = ferror(out) ? cli_fail("writing the export failed") : 0;
rollback:
	st->rollback(st);
done:
	if (out != stdout && out && fclose(out) != 0 && rc == 0)
		rc = cli_fail("--out: %s: %s", a->out, strerror(errno));
	free(cursors);
	free(page);
	return rc;
}

/* ---- dispatch -------------------------------------------------------------------------------- */

int cli_admin(int argc, char **argv)
{
	struct admin a;
	const struct cfg_opt extra[] = {
		{ "login", "LOGIN", &a.login, "the account's login" },
		{ "role", "ROLE", &a.role, "admin, examiner, agent or applicant" },
		{ "name", "NAME", &a.name, "the person's or organisation's name" },
		{ "kind", "KIND", &a.kind, "natural, legal or org (Art. 6)" },
		{ "id-number", "N", &a.idn, "citizen identity number or unified social credit code" },
		{ "json", NULL, &a.json, "JSON output" },
		{ "sm2", NULL, &a.sm2, "rotate the SM2 key instead of the Ed25519 one" },
		{ "year", "YEAR", &a.year, "the year the holiday file covers" },
		{ "now", "ISO8601", &a.now, "the time to look from (default: now)" },
		{ "limit", "N", &a.limit, "at most this many rows per list (default 100)" },
		{ "from", "DATE", &a.from, "first day of the export (registry zone)" },
		{ "to", "DATE", &a.to, "last day of the export" },
		{ "format", "FORMAT", &a.format, "csv (default) or json (one object per line)" },
		{ "out", "FILE", &a.out, "write to a new file instead of standard output" },
		{ NULL, NULL, NULL, NULL },
	};
	struct dip_error e;
	const char *verb;
	int rc;

	memset(&a, 0, sizeof(a));
	a.root.roles = ROLE_ADMIN;
	snprintf(a.root.addr, sizeof(a.root.addr), "cli");
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage(ADMIN_USAGE);
	verb = argv[1];
	rc = cfg_load(&a.cfg, CFG_ADMIN, argc, argv, 1, extra, ADMIN_USAGE, NULL);
	if (rc) {
		cfg_release(&a.cfg);
		return rc;
	}
	cli_setup_logging(&a.cfg);
	if (cli_setup_registry(&a.reg, &a.cfg)) {
		cfg_release(&a.cfg);
		return 1;
	}
	a.v.reg = &a.reg;
	a.v.st = store_open(cfg_str(&a.cfg, CFG_DB), &e);
	if (a.v.st == NULL) {
		registry_release(&a.reg);
		cfg_release(&a.cfg);
		return cli_fail("%s", e.message);
	}
	/* args[0] is the verb; only calendar-upload takes a file after it. */
	if (a.cfg.nargs > (strcmp(verb, "calendar-upload") == 0 ? 2 : 1))
		rc = cli_usage(ADMIN_USAGE);
	else if (strcmp(verb, "init") == 0)
		rc = create(&a, 1);
	else if (strcmp(verb, "create-account") == 0)
		rc = create(&a, 0);
	else if (strcmp(verb, "set-password") == 0)
		rc = set_password(&a);
	else if (strcmp(verb, "disable") == 0)
		rc = set_disabled(&a, 1);
	else if (strcmp(verb, "enable") == 0)
		rc = set_disabled(&a, 0);
	else if (strcmp(verb, "list-accounts") == 0)
		rc = list_accounts(&a);
	else if (strcmp(verb, "rotate-key") == 0)
		rc = rotate_key(&a);
	else if (strcmp(verb, "calendar-upload") == 0)
		rc = calendar_upload(&a);
	else if (strcmp(verb, "scheduler-queue") == 0)
		rc = cli_load_stored_calendar(&a.reg, a.v.st) ? 1 : scheduler_queue(&a);
	else if (strcmp(verb, "audit-export") == 0)
		rc = audit_export(&a);
	else
		rc = cli_usage(ADMIN_USAGE);
	store_close(a.v.st);
	registry_release(&a.reg);
	cfg_release(&a.cfg);
	return rc;
}
