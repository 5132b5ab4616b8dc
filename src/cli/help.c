/*
 * help.c - what "dipreg help" prints: usage lines, the manual pages in
 * mdoc, and the word lists the bash completion asks for.
 *
 * One source: the synopsis of a page is the usage of the subcommand table
 * (cli.c) with, for the subcommands that read the settings, the settings'
 * flags (config.h); the options and files sections come from the same
 * tables; only the prose of each page lives here.
 */
#include "cli/help.h"
#include "cli/cli.h"
#include "cli/config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAN_DATE "November 25, 2025"

/* The subcommands that take settings as flags. */
static const struct {
	const char *name;
	unsigned cmd;
} with_settings[] = {
	{ "serve", CFG_SERVE }, { "tick", CFG_TICK }, { "admin", CFG_ADMIN },
	{ "demo", CFG_DEMO },   { "config", CFG_CHECK },
};

static unsigned settings_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(with_settings) / sizeof(with_settings[0]); i++)
		if (strcmp(with_settings[i].name, name) == 0)
			return with_settings[i].cmd;
	return 0;
}

void cli_usage_text(const struct cli_command *c, struct dbuf *out)
{
	unsigned cmd = settings_of(c->name);

	dbuf_adds(out, c->usage);
	if (cmd == 0 || cmd == CFG_CHECK)
		return;
	/* One line: the flags follow it; several: a line of their own. */
	if (strchr(c->usage, '\n'))
		dbuf_addf(out, "\ndipreg %s VERB ", c->name);
	else
		dbuf_addc(out, ' ');
	cfg_usage_flags(cmd, out);
}

/* ---- the prose of each page ------------------------------------------------------------------ */

struct page_text {
	const char *name;
	const char *description; /* paragraphs separated by blank lines */
	const char *options;     /* "--flag ARG\thelp" lines, for flags that are not settings */
	const char *examples;    /* "# comment" and command lines */
};

static const struct page_text pages[] = {
	{ "dipreg",
	  "dipreg runs a data intellectual property registry (数据知识产权登记平台): applicants file "
	  "registrations online, examiners review them, the public searches the register, objects "
	  "and verifies certificates, and every public act is an entry of a transparency log. It "
	  "implements the procedure of the Beijing measures article by article, and the measures of "
	  "other provinces from another rules profile.\n\n"
	  "One binary does everything through its subcommands, listed below; each has its own page. "
	  "The subcommands that work on a registry (serve, tick, admin, demo, config) read the "
	  "settings of dipreg.conf(5) from a file, the environment and their flags.",
	  NULL,
	  "# a demo registry on 127.0.0.1:8080\n"
	  "dipreg demo --db var/dipreg.db --data-dir var\n"
	  "dipreg serve --db var/dipreg.db --data-dir var\n"
	  "# the settings in force, and where each comes from\n"
	  "dipreg config check" },
	{ "help", "Prints the subcommands, or one subcommand's usage. With --man it prints a manual "
		  "page in mdoc; --commands and --complete print the words the bash completion offers.",
	  "--man\tprint the manual page of SUBCOMMAND (or dipreg(1), or dipreg.conf(5) for \"dipreg.conf\")\n"
	  "--commands\tthe subcommands, one per line\n"
	  "--complete\tthe verbs and options of SUBCOMMAND, one per line",
	  "dipreg help serve\ndipreg help --man serve | man -l -" },
	{ "calendar",
	  "Answers questions about the registry's working-day calendar and validity periods, as "
	  "the procedure counts them. due DATE N prints the last day of \"within N working days of "
	  "DATE\" (the day of DATE not counted); period DATE Ny|Nm prints the last day of a validity "
	  "period starting on DATE; is-working DATE prints yes or no.",
	  "--holidays FILE\ta holiday file instead of the built-in calendar",
	  "dipreg calendar due 2024-02-09 3\ndipreg calendar period 2023-06-15 3y" },
	{ "serve",
	  "Runs the registry: the HTTP API under /api, the portal, the transparency log under /log, "
	  "the scheduler that applies deadlines, the sequencer that signs checkpoints, and GET "
	  "/metrics for the addresses of metrics_allow. It listens on one IPv4 address with several "
	  "threads; SIGTERM or SIGINT stops it.\n\n"
	  "Every line it logs is one event on standard error, logfmt or JSON, with the request id "
	  "that the response carries in X-Request-Id; each request has an access line with its "
	  "method, route pattern, status and duration. Passwords, tokens and the content of "
	  "applications are never logged.\n\n"
	  "Behind a reverse proxy, set trusted_proxies to its address, so that the client address "
	  "it forwards in X-Forwarded-For or X-Real-IP counts for the audit log and the rate limits.",
	  NULL,
	  "dipreg serve --config /etc/dipreg/dipreg.conf\n"
	  "DIPREG_LISTEN=127.0.0.1:9000 dipreg serve --db /var/lib/dipreg/dipreg.db\n"
	  "curl -s http://127.0.0.1:8080/metrics" },
	{ "admin",
	  "The operator's commands, run on the registry's host against its database and data "
	  "directory.\n\n"
	  "init creates the first admin account; create-account creates an account with a role; "
	  "set-password, disable and enable act on an existing account. Passwords are read from "
	  "standard input when it is not a terminal; otherwise one is generated and printed once. "
	  "list-accounts lists every account.\n\n"
	  "rotate-key gives the transparency log a new signing key: the old key's verifier key is "
	  "recorded in DATA_DIR/keys/retired.vkeys, which serve keeps publishing at /log/keys so "
	  "that earlier receipts and certificates still verify, and the old private key moves to "
	  "DATA_DIR/keys/retired/. Restart serve afterwards.\n\n"
	  "calendar-upload replaces one year of the stored holiday calendar with a holiday file of "
	  "that year (the State Council notice): every date must fall in the year, none twice; serve "
	  "and tick use the stored calendar from their next start.\n\n"
	  "scheduler-queue lists the open deadlines the scheduler will apply, soonest first, and the "
	  "examiner tasks with their statutory due times; due and overdue ones are flagged.\n\n"
	  "audit-export writes the audit log of a date range, oldest first, as CSV or as one JSON "
	  "object per line.",
	  "--login LOGIN\tthe account's login\n"
	  "--role ROLE\tadmin, examiner, agent or applicant\n"
	  "--name NAME\tthe person's or organisation's name\n"
	  "--kind KIND\tnatural, legal or org (Art. 6)\n"
	  "--id-number N\tcitizen identity number or unified social credit code\n"
	  "--json\tJSON output\n"
	  "--sm2\trotate the SM2 key instead of the Ed25519 one\n"
	  "--year YEAR\tthe year the holiday file covers\n"
	  "--now ISO8601\tthe time to look from (default: now)\n"
	  "--limit N\tat most this many rows per list (default 100)\n"
	  "--from DATE\tthe first day of the export, in the registry's zone\n"
	  "--to DATE\tthe last day of the export\n"
	  "--format FORMAT\tcsv (default) or json\n"
	  "--out FILE\twrite to a new file instead of standard output",
	  "printf '%s\\n' 'a long passphrase' | dipreg admin init --login admin\n"
	  "dipreg admin calendar-upload 2027.txt --year 2027\n"
	  "dipreg admin audit-export --from 2025-01-01 --to 2025-03-31 --format json --out q1.jsonl" },
	{ "demo",
	  "Fills a new database with a demo registry: an admin, an examiner, applicants and an "
	  "agency with known passwords, and about 200 applications in every state, driven through "
	  "the real procedure since the Beijing measures took effect.",
	  "--count N\thow many applications to file (default 200)\n"
	  "--now ISO8601\tthe time the demo ends at (default: now)",
	  "dipreg demo --db var/dipreg.db --data-dir var" },
	{ "tick",
	  "Runs the scheduler once: applies every deadline that ran out (deemed withdrawal, end of "
	  "publication, lapse of an objection step, expiry), each exactly once, in the order they "
	  "fell due. The server does the same on a timer; this is for cron or after an outage.",
	  "--now ISO8601\tthe time to run at (default: now)",
	  "dipreg tick --config /etc/dipreg/dipreg.conf" },
	{ "migrate",
	  "Copies a whole registry into an empty database, typically from the embedded SQLite "
	  "file to PostgreSQL when it outgrows one machine: every table, ids included, from one "
	  "snapshot of the source, in one transaction of the target, which must hold no row. "
	  "Sessions and API tokens come along unless --no-sessions; the failed sign-ins of the "
	  "rate limit do not. Row counts are compared before the commit; afterwards the copy is "
	  "checked as check does, the log against the source's latest checkpoint.\n\n"
	  "Uploaded files and the log's keys are not in the database: they stay in the data "
	  "directory, and the servers on the new database use the same one. Stop the server "
	  "first: what is written after the snapshot would stay behind.",
	  "--from DB\tthe registry to copy: a SQLite file, or a database URL\n"
	  "--to URL\tthe empty database to copy it into\n"
	  "--data-dir DIR\tthe registry's data directory, for the log key (default var)\n"
	  "--no-sessions\tleave sessions and API tokens behind",
	  "dipreg migrate --from var/dipreg.db --to postgresql://dipreg@db.internal/dipreg --data-dir var" },
	{ "fingerprint",
	  "Computes a dataset fingerprint: a Merkle root over the files of a directory (sorted "
	  "relative paths, sizes and contents), locally, so the data never leaves its holder.",
	  "--algo ALGO\tsha256 (default) or sm3\n--json\tone JSON object\n"
	  "--threads N\thashing threads (default: cores)\n--skip-special\tskip sockets, devices and fifos",
	  "dipreg fingerprint ./dataset --json" },
	{ "verify",
	  "Verifies a deposit receipt or a certificate offline with only the registry's verifier "
	  "key, and witness keys when a policy requires them; with --data it also recomputes the "
	  "dataset fingerprint and compares it.",
	  "--key VERIFIERKEY\tthe registry's verifier key, or a file holding it\n"
	  "--witness KEY\ta witness verifier key (repeatable)\n--quorum N\tcosignatures required\n"
	  "--data PATH\tthe dataset, to compare its fingerprint",
	  "dipreg verify receipt.json --key \"$(cat registry.vkey)\"" },
	{ "keygen",
	  "Generates a signing key for a log (Ed25519, or SM2 with --sm2) or a witness (--witness): "
	  "the private key, the public key and the verifier key, which it also prints.",
	  "--name NAME\tthe key name (the log origin)\n--out DIR\twhere to write the files\n"
	  "--sm2\tan SM2 key\n--witness\ta witness (cosignature) key",
	  "dipreg keygen --name notary.example/witness --out keys --witness" },
	{ "config",
	  "check reads the configuration as serve would (the file, the environment and any setting "
	  "flags given), reports every unknown key and bad value with its line, and prints the "
	  "effective settings with the source of each, secrets masked; it exits 1 when there is a "
	  "problem. sample prints a configuration file documenting every key.",
	  NULL, "dipreg config check --config /etc/dipreg/dipreg.conf\ndipreg config sample > dipreg.conf" },
};

static const struct page_text *page_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(pages[i].name, name) == 0)
			return &pages[i];
	return NULL;
}

/* ---- mdoc ------------------------------------------------------------------------------------ */

/* Text for a body line: a leading '.' or '\'' would be a request, and a
 * backslash an escape. */
static void text(struct dbuf *o, const char *s, size_t n)
{
	size_t i;

	if (n && (s[0] == '.' || s[0] == '\''))
		dbuf_adds(o, "\\&");
	for (i = 0; i < n; i++) {
		if (s[i] == '\\')
			dbuf_adds(o, "\\e");
		else
			dbuf_addc(o, s[i]);
	}
}

/* Prose: one sentence per line, as mdoc wants, paragraphs with .Pp. */
static void prose(struct dbuf *o, const char *s)
{
	const char *p = s, *end;

	while (*p) {
		if (p[0] == '\n' && p[1] == '\n') {
			dbuf_adds(o, ".Pp\n");
			p += 2;
			continue;
		}
		end = p;
		while (*end && !(end[0] == '\n') &&
		       !((end[0] == '.' || end[0] == ';' || end[0] == ':') && end[1] == ' '))
			end++;
		if (*end && *end != '\n')
			end++; /* keep the punctuation */
		text(o, p, (size_t)(end - p));
		dbuf_addc(o, '\n');
		p = end;
		while (*p == ' ')
			p++;
		if (*p == '\n' && p[1] != '\n')
			p++;
	}
}

static int is_arg(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (isupper((unsigned char)w[i]))
			return 1;
	return 0;
}

/* One usage line as a synopsis line: [ and ] become Oo and Oc, --flag Fl,
 * upper-case words Ar, other words Cm. */
static void synopsis_line(struct dbuf *o, const char *line, size_t len)
{
	const char *p = line, *end = line + len, *w;
	size_t n;
	int first = 1;

	/* "dipreg NAME" */
	p += strspn(p, " ");
	w = p;
	while (p < end && *p != ' ')
		p++;
	dbuf_addf(o, ".Nm %.*s", (int)(p - w), w);
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		if (*p == '[') {
			dbuf_adds(o, " Oo");
			p++;
			continue;
		}
		if (*p == ']') {
			dbuf_adds(o, " Oc");
			p++;
			if (p + 3 <= end && strncmp(p, "...", 3) == 0) {
				dbuf_adds(o, " Ns No ...");
				p += 3;
			}
			continue;
		}
		w = p;
		while (p < end && *p != ' ' && *p != '[' && *p != ']')
			p++;
		n = (size_t)(p - w);
		if (n == 1 && *w == '|')
			dbuf_adds(o, " |");
		else if (n == 3 && strncmp(w, "...", 3) == 0)
			dbuf_adds(o, " No ...");
		else if (n > 2 && w[0] == '-' && w[1] == '-')
			dbuf_addf(o, " Fl %.*s", (int)n - 1, w + 1);
		else if (first)
			dbuf_addf(o, " Cm %.*s", (int)n, w);
		else
			dbuf_addf(o, " %s %.*s", is_arg(w, n) ? "Ar" : "Cm", (int)n, w);
		first = 0;
	}
	dbuf_addc(o, '\n');
}

static void synopsis(struct dbuf *o, const char *usage)
{
	const char *p = usage, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		synopsis_line(o, p, nl ? (size_t)(nl - p) : strlen(p));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/* "--flag ARG\thelp" lines as a tagged list. */
static void option_list(struct dbuf *o, const char *opts)
{
	const char *p = opts, *tab, *nl, *sp;

	while (p && *p) {
		tab = strchr(p, '\t');
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (tab == NULL || tab > nl)
			break;
		sp = memchr(p, ' ', (size_t)(tab - p));
		if (sp)
			dbuf_addf(o, ".It Fl %.*s Ar %.*s\n", (int)(sp - p - 1), p + 1, (int)(tab - sp - 1),
				  sp + 1);
		else
			dbuf_addf(o, ".It Fl %.*s\n", (int)(tab - p - 1), p + 1);
		text(o, tab + 1, (size_t)(nl - tab - 1));
		dbuf_addc(o, '\n');
		p = *nl ? nl + 1 : nl;
	}
}

static void settings_list(struct dbuf *o, unsigned cmd, int as_keys)
{
	char env[96];
	int i;

	dbuf_adds(o, ".Bl -tag -width Ds\n");
	for (i = 0; i < CFG__COUNT; i++) {
		const struct cfg_setting *s = &cfg_settings[i];

		if (!as_keys && !(s->cmds & cmd) && !(cmd & CFG_CHECK))
			continue;
		cfg_env_name(s, env, sizeof(env));
		if (as_keys)
			dbuf_addf(o, ".It Cm %s No = Ar %s\n", s->key, s->arg ? s->arg : "yes|no");
		else if (s->arg)
			dbuf_addf(o, ".It Fl -%s Ar %s\n", s->flag, s->arg);
		else
			dbuf_addf(o, ".It Fl -%s\n", s->flag);
		prose(o, s->help);
		if (as_keys)
			dbuf_addf(o, "Flag\n.Fl -%s ,\nenvironment\n.Ev %s .\n", s->flag, env);
		else
			dbuf_addf(o, "Setting\n.Cm %s.%s ,\nenvironment\n.Ev %s .\n", s->section, s->key,
				  env);
		if (s->def[0]) {
			dbuf_adds(o, "Default:\n.Ql ");
			text(o, s->def, strlen(s->def));
			dbuf_adds(o, " .\n");
		}
		if (s->type == CFG_LIST)
			dbuf_adds(o, "A list; repeat the flag or separate items with commas.\n");
	}
	dbuf_adds(o, ".El\n");
}

static void examples(struct dbuf *o, const char *ex)
{
	const char *p = ex, *nl;

	dbuf_adds(o, ".Sh EXAMPLES\n.Bd -literal -offset indent\n");
	while (p && *p) {
		nl = strchr(p, '\n');
		text(o, p, nl ? (size_t)(nl - p) : strlen(p));
		dbuf_addc(o, '\n');
		p = nl ? nl + 1 : NULL;
	}
	dbuf_adds(o, ".Ed\n");
}

static void header(struct dbuf *o, const char *name, int section)
{
	char up[64];
	size_t i;

	for (i = 0; name[i] && i + 1 < sizeof(up); i++)
		up[i] = (char)toupper((unsigned char)name[i]);
	up[i] = '\0';
	dbuf_addf(o, ".Dd %s\n.Dt %s %d\n.Os dipreg %s\n.Sh NAME\n.Nm %s\n", MAN_DATE, up, section,
		  DIP_VERSION, name);
}

static const char see_also_conf[] = ".Xr dipreg.conf 5";

static void page_main(struct dbuf *o)
{
	const struct page_text *t = page_of("dipreg");
	const struct cli_command *c;

	header(o, "dipreg", 1);
	dbuf_adds(o, ".Nd data intellectual property registry\n.Sh SYNOPSIS\n"
		     ".Nm dipreg\n.Ar SUBCOMMAND\n.Op Ar ARGS\n.Nm dipreg\n.Fl -version\n.Sh DESCRIPTION\n");
	prose(o, t->description);
	dbuf_adds(o, ".Pp\nThe subcommands:\n.Bl -tag -width \"fingerprint\"\n");
	for (c = cli_commands; c->name; c++) {
		dbuf_addf(o, ".It Cm %s\n", c->name);
		prose(o, c->summary);
		dbuf_addf(o, "See\n.Xr dipreg-%s 1 .\n", c->name);
	}
	dbuf_adds(o, ".El\n.Sh ENVIRONMENT\n.Bl -tag -width Ds\n.It Ev DIPREG_CONFIG\n"
		     "The configuration file, when no\n.Fl -config\nis given.\n"
		     ".It Ev DIPREG_*\nEach setting of\n.Xr dipreg.conf 5 .\n.El\n"
		     ".Sh FILES\n.Bl -tag -width Ds\n.It Pa /etc/dipreg/dipreg.conf\n"
		     "The default configuration file.\n.It Pa /var/lib/dipreg\n"
		     "The data directory of the packaged service (the default is\n.Pa var\n"
		     "in the working directory).\n.El\n");
	examples(o, t->examples);
	/* SEE ALSO in alphabetical order, as mandoc likes it. */
	{
		const char *names[64];
		size_t n = 0, i, j;

		for (c = cli_commands; c->name && n < 64; c++) {
			for (i = n; i > 0 && strcmp(names[i - 1], c->name) > 0; i--)
				names[i] = names[i - 1];
			names[i] = c->name;
			n++;
		}
		dbuf_adds(o, ".Sh SEE ALSO\n");
		for (j = 0; j < n; j++)
			dbuf_addf(o, ".Xr dipreg-%s 1 ,\n", names[j]);
	}
	dbuf_addf(o, "%s\n", see_also_conf);
}

static void page_conf(struct dbuf *o)
{
	int i;
	const char *sec = "";

	header(o, "dipreg.conf", 5);
	dbuf_adds(o, ".Nd settings of a dipreg registry\n.Sh DESCRIPTION\n");
	prose(o, "The subcommands of dipreg(1) that work on a registry read their settings from a "
		 "configuration file, the environment and their flags. A flag beats the environment "
		 "variable, which beats the file, which beats the built-in default.\n\n"
		 "The file is the one --config names, else the one DIPREG_CONFIG names, else "
		 "/etc/dipreg/dipreg.conf when it exists. Lines are key = value in [sections]; a # or ; "
		 "at the start of a line or after a space starts a comment, and a value in double "
		 "quotes keeps its spaces and comment characters. Lists take commas or spaces between "
		 "items, and a list key may be repeated to add items. An unknown section or key, a key "
		 "outside its section, a key given twice and a bad value are errors that name the "
		 "line; dipreg config check reports them all.");
	for (i = 0; i < CFG__COUNT; i++) {
		if (strcmp(sec, cfg_settings[i].section) == 0)
			continue;
		sec = cfg_settings[i].section;
		dbuf_addf(o, ".Ss [%s]\n", sec);
		/* The keys of one section, as a list. */
		{
			struct dbuf part;
			int k;

			dbuf_init(&part, 0);
			dbuf_adds(&part, ".Bl -tag -width Ds\n");
			for (k = i; k < CFG__COUNT && strcmp(cfg_settings[k].section, sec) == 0; k++) {
				const struct cfg_setting *s = &cfg_settings[k];
				char env[96];

				cfg_env_name(s, env, sizeof(env));
				dbuf_addf(&part, ".It Cm %s No = Ar %s\n", s->key, s->arg ? s->arg : "yes|no");
				prose(&part, s->help);
				dbuf_addf(&part, "Flag\n.Fl -%s ,\nenvironment\n.Ev %s .\n", s->flag, env);
				if (s->def[0]) {
					dbuf_adds(&part, "Default:\n.Ql ");
					text(&part, s->def, strlen(s->def));
					dbuf_adds(&part, " .\n");
				}
			}
			dbuf_adds(&part, ".El\n");
			dbuf_add(o, part.p, part.len);
			dbuf_free(&part);
		}
	}
	dbuf_adds(o, ".Sh FILES\n.Bl -tag -width Ds\n.It Pa /etc/dipreg/dipreg.conf\n"
		     "The default file.\n.El\n.Sh EXAMPLES\n.Bd -literal -offset indent\n[registry]\n"
		     "name = 北京市知识产权保护中心\ncode = 1100\nbase_url = https://dipreg.example.org\n\n"
		     "[database]\nurl = /var/lib/dipreg/dipreg.db\n\n[security]\n"
		     "trusted_proxies = 127.0.0.1, ::1\n.Ed\n.Sh SEE ALSO\n.Xr dipreg 1 ,\n"
		     ".Xr dipreg-config 1 ,\n.Xr dipreg-serve 1\n");
}

static void page_command(struct dbuf *o, const struct cli_command *c)
{
	const struct page_text *t = page_of(c->name);
	unsigned cmd = settings_of(c->name);
	struct dbuf usage;
	char name[64];

	snprintf(name, sizeof(name), "dipreg-%s", c->name);
	header(o, name, 1);
	dbuf_adds(o, ".Nd ");
	text(o, c->summary, strlen(c->summary));
	dbuf_adds(o, "\n.Sh SYNOPSIS\n");
	dbuf_init(&usage, 0);
	cli_usage_text(c, &usage);
	synopsis(o, usage.p);
	dbuf_free(&usage);
	dbuf_adds(o, ".Sh DESCRIPTION\n");
	prose(o, t && t->description ? t->description : c->summary);
	if (t && t->options) {
		dbuf_adds(o, ".Sh OPTIONS\n.Bl -tag -width Ds\n");
		option_list(o, t->options);
		dbuf_adds(o, ".El\n");
	}
	if (cmd) {
		dbuf_adds(o, ".Sh SETTINGS\nThese flags are settings of\n.Xr dipreg.conf 5 :\n"
			     "each may also come from the configuration file or its environment variable,\n"
			     "in that order of precedence after the flag.\n"
			     ".Bl -tag -width Ds\n.It Fl -config Ar FILE\nThe configuration file.\n"
			     "Default:\n.Ev DIPREG_CONFIG ,\nelse\n.Pa /etc/dipreg/dipreg.conf\nwhen it exists.\n.El\n");
		settings_list(o, cmd, 0);
	}
	dbuf_adds(o, ".Sh EXIT STATUS\n0 on success, 1 on a failure explained on standard error,\n"
		     "2 on a usage error.\n");
	if (t && t->examples)
		examples(o, t->examples);
	if (cmd)
		dbuf_addf(o, ".Sh SEE ALSO\n.Xr dipreg 1 ,\n%s\n", see_also_conf);
	else
		dbuf_adds(o, ".Sh SEE ALSO\n.Xr dipreg 1\n");
}

int cli_man(const char *name, struct dbuf *out)
{
	const struct cli_command *c;

	if (name == NULL || strcmp(name, "dipreg") == 0) {
		page_main(out);
		return 0;
	}
	if (strcmp(name, "dipreg.conf") == 0) {
		page_conf(out);
		return 0;
	}
	if (strncmp(name, "dipreg-", 7) == 0)
		name += 7;
	for (c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0) {
			page_command(out, c);
			return 0;
		}
	return DIP_ENOTFOUND;
}

/* ---- completion ------------------------------------------------------------------------------ */

/* Whether out has a line starting with the word w[0..n). */
static int seen(const struct dbuf *o, const char *w, size_t n)
{
	const char *p;

	for (p = o->p; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, w, n) == 0 && (p[n] == '\n' || p[n] == ' '))
			return 1;
	return 0;
}

/* The verbs (words right after "dipreg NAME" or after a lone "|") and the
 * options of a subcommand, one per line; an option taking an argument is
 * followed by a space and the argument's name. */
void cli_complete(const struct cli_command *c, struct dbuf *out)
{
	struct dbuf usage;
	const char *p, *w, *end;
	size_t n, k;
	int after_name = 0, after_bar = 0;

	dbuf_init(&usage, 0);
	cli_usage_text(c, &usage);
	for (p = usage.p; p && *p;) {
		p += strspn(p, " []");
		if (*p == '\n') {
			p++;
			continue;
		}
		w = p;
		p += strcspn(p, " []\n");
		n = (size_t)(p - w);
		if (n == 0)
			continue;
		if (n == 6 && strncmp(w, "dipreg", 6) == 0) {
			p += strspn(p, " ");
			p += strcspn(p, " \n"); /* the subcommand */
			after_name = 1;
			continue;
		}
		if (n == 1 && *w == '|') {
			after_bar = 1;
			continue;
		}
		if (n > 2 && w[0] == '-' && w[1] == '-') {
			/* The argument follows when it is an upper-case word. */
			const char *a = p + strspn(p, " ");

			end = a + strcspn(a, " []\n");
			if (!seen(out, w, n)) {
				if (end > a && *p == ' ' && !(a[0] == '-' && a[1] == '-') &&
				    !(end - a == 1 && *a == '|'))
					dbuf_addf(out, "%.*s %.*s\n", (int)n, w, (int)(end - a), a);
				else
					dbuf_addf(out, "%.*s\n", (int)n, w);
			}
		} else if ((after_name || after_bar) && !is_arg(w, n)) {
			/* "set-password|disable|enable": one verb each. */
			for (end = w; end < w + n; end = w + k + 1) {
				k = (size_t)(end - w) + strcspn(end, "|");
				if (k > n)
					k = n;
				if (w + k > end && !seen(out, end, (size_t)(w + k - end)))
					dbuf_addf(out, "%.*s\n", (int)(w + k - end), end);
				if (k >= n)
					break;
			}
		}
		after_name = after_bar = 0;
	}
	dbuf_free(&usage);
}
