/*
 * cmd_admin.c - "dipreg admin": the operator's commands on a database.
 *
 *   dipreg admin init --db PATH [--login admin]     the first admin account
 *   dipreg admin create-account --db PATH --login L --role ROLE --name NAME
 *                               --kind natural|legal|org --id-number N
 *   dipreg admin set-password --db PATH --login L
 *   dipreg admin disable --db PATH --login L
 *
 * Passwords are read from standard input (one line) when it is not a
 * terminal; otherwise one is generated and printed once.
 */
#include "cli/cli.h"
#include "cli/common.h"
#include "crypto/rand.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"dipreg admin init|create-account|set-password|disable --db PATH [--login L] [--role ROLE]\n"
	"             [--name NAME] [--kind natural|legal|org] [--id-number N] [--pw-cost N]";

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

int cli_admin(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "login", required_argument, NULL, 'l' },
		{ "role", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "id-number", required_argument, NULL, 'i' },
		{ "pw-cost", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_registry_opts ro = { NULL, NULL };
	const char *db = NULL, *login = NULL, *role = NULL, *name = NULL, *kind = NULL, *idn = NULL;
	const char *verb;
	struct account_input in;
	struct actor root = { 0, ROLE_ADMIN, "cli", NULL };
	struct registry reg;
	struct account a;
	struct dip_error e;
	struct svc v;
	char pw[300];
	int c, rc = 1, generated;
	int64_t count = 0;
	long cost = 15;

	if (argc < 2)
		return cli_usage(usage);
	verb = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'l': login = optarg; break;
		case 'r': role = optarg; break;
		case 'n': name = optarg; break;
		case 'k': kind = optarg; break;
		case 'i': idn = optarg; break;
		case 'P':
			if (cli_long(optarg, 1, 20, &cost))
				return cli_fail("--pw-cost: 1 to 20");
			break;
		default: return cli_usage(usage);
		}
	}
	if (db == NULL || optind != argc)
		return cli_usage(usage);
	if (cli_registry(&reg, &ro))
		return 1;
	reg.pw_cost = (int)cost;
	v.reg = &reg;
	v.st = store_open(db, &e);
	if (v.st == NULL) {
		registry_release(&reg);
		return cli_fail("%s", e.message);
	}
	memset(&in, 0, sizeof(in));
	if (strcmp(verb, "init") == 0) {
		v.st->begin(v.st, 0);
		v.st->account_count(v.st, &count);
		v.st->rollback(v.st);
		if (count > 0) {
			rc = cli_fail("init: the database already has accounts; use create-account");
			goto out;
		}
		get_password(pw, sizeof(pw), &generated);
		in.login = login ? login : "admin";
		in.password = pw;
		in.display_name = name ? name : "登记机构管理员";
		in.kind = "natural";
		in.id_number = idn ? idn : "11010519491231002X";
		in.roles = ROLE_ADMIN;
	} else if (strcmp(verb, "create-account") == 0) {
		in.roles = parse_role(role);
		if (in.roles == 0 || login == NULL || name == NULL || kind == NULL || idn == NULL) {
			rc = cli_usage(usage);
			goto out;
		}
		get_password(pw, sizeof(pw), &generated);
		in.login = login;
		in.password = pw;
		in.display_name = name;
		in.kind = kind;
		in.id_number = idn;
	} else if (strcmp(verb, "set-password") == 0 || strcmp(verb, "disable") == 0) {
		if (login == NULL) {
			rc = cli_usage(usage);
			goto out;
		}
		v.st->begin(v.st, 0);
		c = v.st->account_by_login(v.st, login, &a);
		v.st->rollback(v.st);
		if (c) {
			rc = cli_fail("no account \"%s\"", login);
			goto out;
		}
		if (strcmp(verb, "disable") == 0) {
			rc = svc_account_set_roles(&v, &root, a.id, a.roles, 1, (dip_time)time(NULL), &e)
				     ? cli_fail("%s", e.message) : 0;
			if (rc == 0)
				printf("disabled %s\n", login);
			goto out;
		}
		get_password(pw, sizeof(pw), &generated);
		rc = svc_account_set_password(&v, &root, a.id, pw, (dip_time)time(NULL), &e)
			     ? cli_fail("%s", e.message) : 0;
		if (rc == 0)
			printf("password of %s set%s%s\n", login, generated ? ": " : "", generated ? pw : "");
		goto out;
	} else {
		rc = cli_usage(usage);
		goto out;
	}
	if (svc_account_create(&v, &root, &in, (dip_time)time(NULL), NULL, &e)) {
		rc = cli_fail("%s", e.message);
		goto out;
	}
	printf("created %s", in.login);
	if (generated)
		printf(" with password %s (shown once)", pw);
	printf("\n");
	rc = 0;
out:
	store_close(v.st);
	registry_release(&reg);
	return rc;
}
