/*
 * test_config.c - the settings table and its file format (cli/config.c),
 * address lists and the client behind trusted proxies (util/netaddr.c),
 * passwords taken out of connection strings (util/redact.c).
 */
#include "testutil.h"

#include "cli/config.h"
#include "util/netaddr.h"
#include "util/redact.h"

#include <arpa/inet.h>

/* ---- the table ------------------------------------------------------------------------------- */

static void test_table_is_consistent(void **state)
{
	char a[96], b[96], msg[256];
	struct cfg_value v;
	int i, k;

	(void)state;
	for (i = 0; i < CFG__COUNT; i++) {
		const struct cfg_setting *s = &cfg_settings[i];

		assert_int_equal(s->id, i);
		assert_non_null(s->help);
		assert_true(s->cmds & CFG_SERVE);
		/* Every default is a valid value of its setting. */
		memset(&v, 0, sizeof(v));
		assert_int_equal(cfg_value_set(s, &v, s->def, msg, sizeof(msg)), 0);
		free(v.text);
		for (k = 0; k < (int)v.nitems; k++)
			free(v.items[k]);
		free(v.items);
		/* Flags, variables and keys are unique. */
		cfg_env_name(s, a, sizeof(a));
		for (k = i + 1; k < CFG__COUNT; k++) {
			cfg_env_name(&cfg_settings[k], b, sizeof(b));
			assert_string_not_equal(a, b);
			assert_string_not_equal(s->flag, cfg_settings[k].flag);
			assert_false(strcmp(s->key, cfg_settings[k].key) == 0 &&
				     strcmp(s->section, cfg_settings[k].section) == 0);
		}
	}
	cfg_env_name(&cfg_settings[CFG_ANON_UPLOADS], a, sizeof(a));
	assert_string_equal(a, "DIPREG_ANON_UPLOADS_PER_HOUR");
}

static void test_values_by_type(void **state)
{
	struct cfg_value v;
	char msg[256];

	(void)state;
	memset(&v, 0, sizeof(v));
	assert_int_equal(cfg_value_set(&cfg_settings[CFG_THREADS], &v, "8", msg, sizeof(msg)), 0);
	assert_int_equal(v.num, 8);
	assert_int_equal(cfg_value_set(&cfg_settings[CFG_THREADS], &v, "65", msg, sizeof(msg)), DIP_EINVAL);
	assert_string_equal(msg, "a whole number from 0 to 64");
	assert_int_equal(v.num, 8); /* a bad value leaves the old one */
	assert_int_equal(cfg_value_set(&cfg_settings[CFG_THREADS], &v, "8k", msg, sizeof(msg)), DIP_EINVAL);
	assert_int_equal(cfg_value_set(&cfg_settings[CFG_TEST_CLOCK], &v, "on", msg, sizeof(msg)), 0);
	assert_int_equal(v.num, 1);
	assert_string_equal(v.text, "yes");
	assert_int_equal(cfg_value_set(&cfg_settings[CFG_TEST_CLOCK], &v, "maybe", msg, sizeof(msg)),
			 DIP_EINVAL);
	assert_int_equal(cfg_value_set(&cfg_settings[CFG_TRUSTED_PROXIES], &v, " 10.0.0.0/8,,::1  192.0.2.1",
				       msg, sizeof(msg)), 0);
	assert_int_equal(v.nitems, 3);
	assert_string_equal(v.items[1], "::1");
	assert_null(v.items[3]);
	assert_string_equal(v.text, "10.0.0.0/8, ::1, 192.0.2.1");
	assert_int_equal(cfg_value_set(&cfg_settings[CFG_TRUSTED_PROXIES], &v, "10.0.0.1/8", msg,
				       sizeof(msg)), DIP_EINVAL);
	assert_int_equal(cfg_value_set(&cfg_settings[CFG_REGISTRY_CODE], &v, "110", msg, sizeof(msg)),
			 DIP_EINVAL);
	assert_int_equal(cfg_value_set(&cfg_settings[CFG_BASE_URL], &v, "https://x.example/", msg,
				       sizeof(msg)), DIP_EINVAL);
	assert_int_equal(cfg_value_set(&cfg_settings[CFG_LISTEN], &v, "0.0.0.0:443", msg, sizeof(msg)), 0);
	assert_int_equal(cfg_value_set(&cfg_settings[CFG_LISTEN], &v, "localhost:80", msg, sizeof(msg)),
			 DIP_EINVAL);
	assert_int_equal(cfg_value_set(&cfg_settings[CFG_RULES], &v, "hainan", msg, sizeof(msg)),
			 DIP_EINVAL);
	free(v.text);
	for (size_t i = 0; i < v.nitems; i++)
		free(v.items[i]);
	free(v.items);
}

static void test_zone_offsets(void **state)
{
	int off;

	(void)state;
	assert_int_equal(cfg_zone_offset("+08:00", &off), 0);
	assert_int_equal(off, 8 * 3600);
	assert_int_equal(cfg_zone_offset("Asia/Shanghai", &off), 0);
	assert_int_equal(off, 8 * 3600);
	assert_int_equal(cfg_zone_offset("-05:30", &off), 0);
	assert_int_equal(off, -(5 * 3600 + 1800));
	assert_int_equal(cfg_zone_offset("+8", &off), DIP_EINVAL);
	assert_int_equal(cfg_zone_offset("+08:60", &off), DIP_EINVAL);
	assert_int_equal(cfg_zone_offset("Europe/Berlin", &off), DIP_EINVAL);
}

/* ---- the file -------------------------------------------------------------------------------- */

static struct config *defaults(void)
{
	struct config *c = calloc(1, sizeof(*c));
	char msg[256];
	int i;

	for (i = 0; i < CFG__COUNT; i++)
		assert_int_equal(cfg_value_set(&cfg_settings[i], &c->v[i], cfg_settings[i].def, msg,
					       sizeof(msg)), 0);
	return c;
}

static void test_file_values_and_comments(void **state)
{
	struct config *c = defaults();
	struct dbuf err;
	static const char text[] =
		"# a comment\n"
		"; another\n"
		"[registry]\r\n"
		"  name  =  上海登记中心   # trailing comment\n"
		"code=3100\n"
		"[ server ]\n"
		"ready_file = \"/run/dipreg/ready#1\"\n"
		"[ledger]\n"
		"witnesses = \n"
		"[security]\n"
		"trusted_proxies = 127.0.0.1\n"
		"trusted_proxies = ::1, 10.0.0.0/8\n";

	(void)state;
	dbuf_init(&err, 0);
	assert_int_equal(cfg_parse_file(c, "t.conf", text, &err), 0);
	assert_null(err.p);
	assert_string_equal(cfg_str(c, CFG_REGISTRY_NAME), "上海登记中心");
	assert_int_equal(c->v[CFG_REGISTRY_NAME].src, CFG_SRC_FILE);
	assert_int_equal(c->v[CFG_REGISTRY_NAME].line, 4);
	assert_string_equal(cfg_str(c, CFG_REGISTRY_CODE), "3100");
	assert_string_equal(cfg_str(c, CFG_READY_FILE), "/run/dipreg/ready#1");
	assert_null(cfg_list(c, CFG_WITNESSES)[0]);
	/* A repeated list key adds to the list. */
	assert_int_equal(c->v[CFG_TRUSTED_PROXIES].nitems, 3);
	assert_string_equal(cfg_list(c, CFG_TRUSTED_PROXIES)[2], "10.0.0.0/8");
	cfg_release(c);
	free(c);
	dbuf_free(&err);
}

static void test_file_errors_name_their_lines(void **state)
{
	struct config *c = defaults();
	struct dbuf err;
	static const char text[] =
		"listen = 127.0.0.1:1\n"            /* 1: outside a section */
		"[server]\n"
		"threads = 2\n"
		"threads = 3\n"                     /* 4: twice */
		"tick = 0\n"                        /* 5: out of range */
		"[limits\n"                         /* 6: malformed section */
		"[ledger]\n"
		"witnesses = not-a-key\n"           /* 8: bad list item */
		"frobnicate = 1\n"                  /* 9: unknown */
		"[servers]\n"                       /* 10: unknown section */
		"threads = 4\n"                     /* under an unknown section: not reported again */
		"[logging]\n"
		"level: debug\n";                   /* 13: no '=' */

	(void)state;
	dbuf_init(&err, 0);
	assert_int_equal(cfg_parse_file(c, "t.conf", text, &err), 8);
	assert_non_null(strstr(err.p, "t.conf:1: \"listen\" outside any section (it belongs in [server])\n"));
	assert_non_null(strstr(err.p, "t.conf:4: threads given twice (first on line 3)\n"));
	assert_non_null(strstr(err.p, "t.conf:5: tick: a whole number from 1 to 86400, got \"0\"\n"));
	assert_non_null(strstr(err.p, "t.conf:6: a section is written [name]\n"));
	assert_non_null(strstr(err.p, "t.conf:8: witnesses: not a verifier key"));
	assert_non_null(strstr(err.p, "t.conf:9: unknown key \"frobnicate\" in [ledger]\n"));
	assert_non_null(strstr(err.p, "t.conf:10: unknown section [servers]"));
	assert_non_null(strstr(err.p, "t.conf:13: expected key = value, got \"level: debug\"\n"));
	assert_int_equal(cfg_num(c, CFG_THREADS), 2);
	cfg_release(c);
	free(c);
	dbuf_free(&err);
}

static void test_secrets_are_masked(void **state)
{
	struct config *c = defaults();
	struct dbuf out, err;
	char buf[256];

	(void)state;
	dbuf_init(&out, 0);
	dbuf_init(&err, 0);
	assert_int_equal(cfg_parse_file(c, "t.conf",
					"[database]\nurl = postgresql://reg:Hunter2@db:5432/reg?sslmode=require\n",
					&err), 0);
	cfg_masked(c, CFG_DB, buf, sizeof(buf));
	assert_string_equal(buf, "postgresql://reg:****@db:5432/reg?sslmode=require");
	cfg_print(c, &out);
	assert_null(strstr(out.p, "Hunter2"));
	assert_non_null(strstr(out.p, "url = postgresql://reg:****@db:5432/reg?sslmode=require    # file line 2\n"));
	/* A bad value of a secret setting is not echoed either. */
	assert_int_equal(cfg_parse_file(c, "t.conf", "[database]\nurl = x\nurl = postgresql://a:Hunter2@b/c\n", &err),
			 1);
	assert_null(strstr(err.p, "Hunter2"));
	cfg_release(c);
	free(c);
	dbuf_free(&out);
	dbuf_free(&err);
}

static void test_redact_password(void **state)
{
	char out[256];

	(void)state;
	redact_password("var/dipreg.db", out, sizeof(out));
	assert_string_equal(out, "var/dipreg.db");
	redact_password("postgresql://reg@db/reg", out, sizeof(out));
	assert_string_equal(out, "postgresql://reg@db/reg");
	redact_password("postgres://u:p%40ss@h:5432/d", out, sizeof(out));
	assert_string_equal(out, "postgres://u:****@h:5432/d");
	redact_password("postgresql://h/d?user=u&password=secret&sslmode=verify-full", out, sizeof(out));
	assert_string_equal(out, "postgresql://h/d?user=u&password=****&sslmode=verify-full");
	redact_password("host=h password='two words' dbname=d", out, sizeof(out));
	assert_string_equal(out, "host=h password=**** dbname=d");
	redact_password("host=h password=plain", out, sizeof(out));
	assert_string_equal(out, "host=h password=****");
}

/* ---- addresses ------------------------------------------------------------------------------- */

static void test_prefixes(void **state)
{
	struct net_list l;
	struct net_prefix p;
	struct dip_error e;

	(void)state;
	assert_int_equal(net_prefix_parse("10.0.0.0/8", &p), 0);
	assert_int_equal(p.bits, 8);
	assert_int_equal(net_prefix_parse("10.1.0.0/8", &p), DIP_EINVAL); /* host bits set */
	assert_int_equal(net_prefix_parse("10.0.0.0/33", &p), DIP_EINVAL);
	assert_int_equal(net_prefix_parse("10.0.0.0/", &p), DIP_EINVAL);
	assert_int_equal(net_prefix_parse("fd00::/8", &p), 0);
	assert_int_equal(net_prefix_parse("example.org", &p), DIP_EINVAL);
	assert_int_equal(net_list_parse("127.0.0.1, 10.0.0.0/8 fd00::/8 192.168.1.128/25", &l, &e), 0);
	assert_int_equal(l.n, 4);
	assert_true(net_list_contains(&l, "127.0.0.1"));
	assert_false(net_list_contains(&l, "127.0.0.2"));
	assert_true(net_list_contains(&l, "10.255.1.2"));
	assert_false(net_list_contains(&l, "11.0.0.1"));
	assert_true(net_list_contains(&l, "fd12:3456::1"));
	assert_false(net_list_contains(&l, "fe80::1"));
	assert_true(net_list_contains(&l, "192.168.1.200"));
	assert_false(net_list_contains(&l, "192.168.1.127"));
	/* IPv4-mapped IPv6 is the IPv4 address. */
	assert_true(net_list_contains(&l, "::ffff:10.1.2.3"));
	assert_false(net_list_contains(&l, "garbage"));
	assert_int_equal(net_list_parse("", &l, &e), 0);
	assert_int_equal(l.n, 0);
	assert_false(net_list_contains(&l, "127.0.0.1"));
	assert_int_equal(net_list_parse("127.0.0.1, nope", &l, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "\"nope\""));
}

static void client(const char *trusted, const char *peer, const char *xff, const char *xri,
		   const char *want)
{
	struct net_list l;
	struct dip_error e;
	char out[NET_ADDR_STRLEN];

	assert_int_equal(net_list_parse(trusted, &l, &e), 0);
	net_client_addr(&l, peer, xff, xri, out, sizeof(out));
	assert_string_equal(out, want);
}

static void test_client_behind_trusted_proxies(void **state)
{
	(void)state;
	/* No trusted proxy: the peer, whatever the headers say. */
	client("", "203.0.113.5", "198.51.100.1", "198.51.100.2", "203.0.113.5");
	/* An untrusted peer cannot speak for another. */
	client("10.0.0.0/8", "203.0.113.5", "198.51.100.1", NULL, "203.0.113.5");
	/* A trusted proxy names the client ... */
	client("10.0.0.0/8", "10.0.0.2", "198.51.100.1", NULL, "198.51.100.1");
	client("10.0.0.0/8", "10.0.0.2", NULL, "198.51.100.9", "198.51.100.9");
	/* ... from the right, skipping proxies, ignoring what the client
	 * itself put further left. */
	client("10.0.0.0/8", "10.0.0.2", "1.2.3.4, 198.51.100.1, 10.0.0.7", NULL, "198.51.100.1");
	client("10.0.0.0/8", "10.0.0.2", "1.2.3.4,198.51.100.1", "5.6.7.8", "198.51.100.1");
	/* Only proxies in the chain: the leftmost. */
	client("10.0.0.0/8", "10.0.0.2", "10.1.1.1, 10.0.0.3", NULL, "10.1.1.1");
	/* A hop that is not an address stops the walk at the last good one. */
	client("10.0.0.0/8", "10.0.0.2", "198.51.100.1, bogus, 10.0.0.3", NULL, "10.0.0.3");
	client("10.0.0.0/8", "10.0.0.2", "unknown", "bad", "10.0.0.2");
	client("10.0.0.0/8", "10.0.0.2", NULL, "not-an-address", "10.0.0.2");
	/* IPv6 and mapped forms come out canonical. */
	client("::1", "::1", "2001:DB8::0:1", NULL, "2001:db8::1");
	client("127.0.0.1", "::ffff:127.0.0.1", NULL, "::ffff:192.0.2.4", "192.0.2.4");
	/* Every IPv4 address comes out as inet_ntop writes it. */
	{
		static const unsigned char bytes[] = { 0, 1, 9, 10, 99, 100, 199, 200, 255 };
		char peer[NET_ADDR_STRLEN];
		unsigned char a[4];
		size_t i;

		for (i = 0; i < 9 * 9 * 9 * 9; i++) {
			a[0] = bytes[i % 9];
			a[1] = bytes[i / 9 % 9];
			a[2] = bytes[i / 81 % 9];
			a[3] = bytes[i / 729];
			assert_non_null(inet_ntop(AF_INET, a, peer, sizeof(peer)));
			client("", peer, NULL, NULL, peer);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_consistent),
		cmocka_unit_test(test_values_by_type),
		cmocka_unit_test(test_zone_offsets),
		cmocka_unit_test(test_file_values_and_comments),
		cmocka_unit_test(test_file_errors_name_their_lines),
		cmocka_unit_test(test_secrets_are_masked),
		cmocka_unit_test(test_redact_password),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_client_behind_trusted_proxies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
