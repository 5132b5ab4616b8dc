/*
 * test_query.c - the search box: every syntax form, its FTS5 and
 * PostgreSQL renderings, errors with positions, injection attempts, the
 * hyper-common token hook and the limits.
 */
#include "testutil.h"

#include "domain/query.h"
#include "util/buf.h"
#include "util/err.h"

/* Parses q and checks both renderings. */
static void both(const char *q, const char *fts5, const char *tsq)
{
	struct qry *p = NULL;
	struct dip_error e;
	struct dbuf a, b;

	dip_error_clear(&e);
	if (qry_parse(q, strlen(q), NULL, &p, NULL, &e) != 0)
		fail_msg("query %s: %s", q, e.message);
	dbuf_init(&a, 4096);
	dbuf_init(&b, 4096);
	assert_int_equal(qry_to_fts5(p, &a), 0);
	assert_int_equal(qry_to_tsquery(p, &b), 0);
	assert_string_equal(a.p, fts5);
	assert_string_equal(b.p, tsq);
	dbuf_free(&a);
	dbuf_free(&b);
	qry_free(p);
}

/* Parses q, expecting failure rc/why at byte, and a message containing
 * msg. */
static void bad(const char *q, int rc, enum qry_reason why, size_t byte, const char *msg)
{
	struct qry *p = (struct qry *)&p; /* must come back NULL */
	struct qry_diag d;
	struct dip_error e;

	dip_error_clear(&e);
	assert_int_equal(qry_parse(q, strlen(q), NULL, &p, &d, &e), rc);
	assert_null(p);
	assert_int_equal(d.reason, why);
	assert_int_equal(d.byte, byte);
	assert_string_equal(e.field, "q");
	if (strstr(e.message, msg) == NULL)
		fail_msg("query %s: message \"%s\" lacks \"%s\"", q, e.message, msg);
}

static void test_words_are_anded(void **state)
{
	(void)state;
	both("taxi", "\"taxi\"", "'taxi'");
	both("数据集 taxi", "((\"数据\" + \"据集\") AND \"taxi\")",
	     "(('数据' <-> '据集') & 'taxi')");
	both("  北京   交通 ", "(\"北京\" AND \"交通\")", "('北京' & '交通')");
	both("Taxi ＧＰＳ", "(\"taxi\" AND \"gps\")", "('taxi' & 'gps')");
}

static void test_phrases(void **state)
{
	(void)state;
	both("\"port container\"", "(\"port\" + \"container\")", "('port' <-> 'container')");
	both("“北京 交通”", "(\"北京\" + \"交通\")", "('北京' <-> '交通')");
	both("＂ＧＢ／Ｔ　4754＂", "(\"gb\" + \"t\" + \"4754\")", "('gb' <-> 't' <-> '4754')");
	/* OR, minus and parentheses inside quotes are text. */
	both("\"a OR (b) -c\"", "(\"a\" + \"or\" + \"b\" + \"c\")",
	     "('a' <-> 'or' <-> 'b' <-> 'c')");
	/* A word with letters and digits is a phrase of both. */
	both("GB4754", "(\"gb\" + \"4754\")", "('gb' <-> '4754')");
}

static void test_or(void **state)
{
	(void)state;
	both("交通 OR 物流", "(\"交通\" OR \"物流\")", "('交通' | '物流')");
	both("a b OR c", "((\"a\" AND \"b\") OR \"c\")", "(('a' & 'b') | 'c')");
	both("a ＯＲ b", "(\"a\" OR \"b\")", "('a' | 'b')");
	/* Lower-case "or" is a word. */
	both("this or that", "(\"this\" AND \"or\" AND \"that\")", "('this' & 'or' & 'that')");
	both("(a OR b) OR c", "(\"a\" OR \"b\" OR \"c\")", "('a' | 'b' | 'c')");
	both("a AND b", "(\"a\" AND \"b\")", "('a' & 'b')");
}

static void test_exclusion(void **state)
{
	(void)state;
	both("数据 -气象", "(\"数据\" NOT (\"气象\"))", "('数据' & !('气象'))");
	both("a b -\"test data\" -c",
	     "((\"a\" AND \"b\") NOT ((\"test\" + \"data\")) NOT (\"c\"))",
	     "(('a' & 'b') & !(('test' <-> 'data')) & !('c'))");
	both("－气象 数据", "(\"数据\" NOT (\"气象\"))", "('数据' & !('气象'))");
	both("x -(a OR b)", "(\"x\" NOT ((\"a\" OR \"b\")))", "('x' & !(('a' | 'b')))");
	/* A minus inside a word, or before a space, excludes nothing. */
	both("covid-19", "(\"covid\" + \"19\")", "('covid' <-> '19')");
	both("a - b", "(\"a\" AND \"b\")", "('a' & 'b')");
	/* After a minus, OR and a second minus are text. */
	both("x -OR", "(\"x\" NOT (\"or\"))", "('x' & !('or'))");
	both("--a b", "(\"b\" NOT (\"a\"))", "('b' & !('a'))");
}

/* FTS5 numbers phrases in the order of the expression, where an AND's
 * exclusions come last; the ranking numbers those not excluded in query
 * order. */
static void fts5_phrases_are(const char *q, int and_in_or, const int *want, size_t nwant)
{
	struct qry *p = NULL;
	struct dip_error e;
	int index[16];
	size_t n, i;

	if (qry_parse(q, strlen(q), NULL, &p, NULL, &e) != 0)
		fail_msg("%s: %s", q, e.message);
	assert_int_equal(qry_fts5_phrases(p, index, 16, &n), and_in_or);
	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++)
		if (index[i] != want[i])
			fail_msg("%s: phrase %zu of the FTS5 expression is %d, want %d", q, i,
				 index[i], want[i]);
	qry_free(p);
}

static void test_fts5_phrase_order(void **state)
{
	(void)state;
	fts5_phrases_are("数据 交通", 0, (const int[]){ 0, 1 }, 2);
	fts5_phrases_are("a -b c", 0, (const int[]){ 0, 1, -1 }, 3);
	fts5_phrases_are("-气象 数据 \"test data\"", 0, (const int[]){ 0, 1, -1 }, 3);
	fts5_phrases_are("x -(a OR b) y", 0, (const int[]){ 0, 1, -1, -1 }, 4);
	fts5_phrases_are("x (a OR b)", 0, (const int[]){ 0, 1, 2 }, 3);
	fts5_phrases_are("a OR b OR c", 0, (const int[]){ 0, 1, 2 }, 3);
	/* An AND as an alternative of an OR, even one level down. */
	fts5_phrases_are("(a b) OR c", 1, (const int[]){ 0, 1, 2 }, 3);
	fts5_phrases_are("x ((a b) OR c)", 1, (const int[]){ 0, 1, 2, 3 }, 4);
	/* ... but not when it is excluded. */
	fts5_phrases_are("x -((a b) OR c)", 0, (const int[]){ 0, -1, -1, -1 }, 4);
}

static void test_groups(void **state)
{
	(void)state;
	both("(北京 OR 上海) 交通", "((\"北京\" OR \"上海\") AND \"交通\")",
	     "(('北京' | '上海') & '交通')");
	both("（北京 ＯＲ 上海）", "(\"北京\" OR \"上海\")", "('北京' | '上海')");
	both("a (b -c)", "((\"a\" AND \"b\") NOT (\"c\"))", "(('a' & 'b') & !('c'))");
	both("((((((((a))))))))", "\"a\"", "'a'");
	/* Groups and words with no searchable text vanish. */
	both("a (***) \"\" ^", "\"a\"", "'a'");
}

static void test_short_cjk_terms(void **state)
{
	(void)state;
	/* One character: a prefix, matching the bigrams it starts and the
	 * indexed last character of runs. */
	both("股", "\"股\"*", "'股':*");
	both("A股", "(\"a\" + \"股\"*)", "('a' <-> '股':*)");
	/* Followed by another token it must end a run: exact. */
	both("股A", "(\"股\" + \"a\")", "('股' <-> 'a')");
	both("-股 基金", "(\"基金\" NOT (\"股\"*))", "('基金' & !('股':*))");
	both("数据集", "(\"数据\" + \"据集\")", "('数据' <-> '据集')");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	bad("taxi \"GPS data", DIP_EINVAL, QRY_E_QUOTE, 5, "unclosed quote at position 6");
	/* Positions count characters, bytes are in the diagnosis. */
	bad("北京 “交通", DIP_EINVAL, QRY_E_QUOTE, 7, "unclosed quote at position 4");
	bad("(a OR b", DIP_EINVAL, QRY_E_PAREN, 0, "unclosed parenthesis at position 1");
	bad("a) b", DIP_EINVAL, QRY_E_PAREN, 1, "unmatched closing parenthesis at position 2");
	bad("a () b", DIP_EINVAL, QRY_E_PAREN, 2, "empty parentheses at position 3");
	bad("a OR", DIP_EINVAL, QRY_E_OPERATOR, 2, "OR at position 3 needs a word on each side");
	bad("OR a", DIP_EINVAL, QRY_E_OPERATOR, 0, "OR at position 1");
	bad("a OR OR b", DIP_EINVAL, QRY_E_OPERATOR, 2, "OR at position 3");
	bad("(a OR) b", DIP_EINVAL, QRY_E_OPERATOR, 3, "OR at position 4");
	bad("a AND", DIP_EINVAL, QRY_E_OPERATOR, 2, "AND at position 3");
	bad("", DIP_EINVAL, QRY_E_EMPTY, 0, "empty query");
	bad(" 　 ", DIP_EINVAL, QRY_E_EMPTY, 0, "empty query");
	bad("*** !!! 😀", DIP_EINVAL, QRY_E_EMPTY, 0, "no searchable words");
	bad("ab\xff", DIP_EINVAL, QRY_E_ENCODING, 2, "not valid UTF-8 at byte 2");
	bad("\xe6\x95", DIP_EINVAL, QRY_E_ENCODING, 0, "not valid UTF-8");
}

static void test_only_negative_refused(void **state)
{
	(void)state;
	bad("-气象", DIP_EINVAL, QRY_E_ONLY_NEGATIVE, 0, "the query only excludes words");
	bad("-a -\"b c\"", DIP_EINVAL, QRY_E_ONLY_NEGATIVE, 0, "only excludes words");
	bad("a OR -b", DIP_EINVAL, QRY_E_ONLY_NEGATIVE, 5,
	    "the part at position 6 only excludes words");
	bad("x (-a)", DIP_EINVAL, QRY_E_ONLY_NEGATIVE, 3, "position 4 only excludes");
	bad("-a ***", DIP_EINVAL, QRY_E_ONLY_NEGATIVE, 0, "only excludes");
}

/* True when s, with its double-quoted strings removed, holds only the
 * operators qry_to_fts5 writes. */
static int fts5_safe(const char *s)
{
	const char *ops[] = { " AND ", " OR ", " NOT ", " + ", "(", ")", "*" };
	size_t i, k;

	while (*s) {
		if (*s == '"') {
			for (s++; *s; s++) {
				if (*s == '"' && s[1] == '"')
					s++;
				else if (*s == '"')
					break;
			}
			if (*s != '"')
				return 0;
			s++;
			continue;
		}
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			k = strlen(ops[i]);
			if (strncmp(s, ops[i], k) == 0)
				break;
		}
		if (i == sizeof(ops) / sizeof(ops[0]))
			return 0;
		s += strlen(ops[i]);
	}
	return 1;
}

static void test_injection_is_text(void **state)
{
	const char *attempts[] = {
		"\"foo\" OR bar*", "NEAR(a b, 3)", "name:北京", "{name holder}: x", "^北京",
		"a + b", "a* OR \"b\"*", "'; DROP TABLE reg; --", "\"\"\"\"x", "a NOT b",
		"\"a\"\"b\"", "col : x", "x:* & !y | z <-> w", "\\\"x\\\"", "NEAR/3",
	};
	struct qry *p;
	struct dip_error e;
	struct dbuf a;
	size_t i;

	(void)state;
	both("\"foo\" OR bar*", "(\"foo\" OR \"bar\")", "('foo' | 'bar')");
	both("name:北京", "(\"name\" + \"北京\")", "('name' <-> '北京')");
	both("x:* & !y | z <-> w", "(\"x\" AND \"y\" AND \"z\" AND \"w\")",
	     "('x' & 'y' & 'z' & 'w')");
	bad("NEAR(", DIP_EINVAL, QRY_E_PAREN, 4, "unclosed parenthesis at position 5");
	for (i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		p = NULL;
		if (qry_parse(attempts[i], strlen(attempts[i]), NULL, &p, NULL, &e) != 0)
			continue; /* refused with a message: fine too */
		dbuf_init(&a, 0);
		assert_int_equal(qry_to_fts5(p, &a), 0);
		if (!fts5_safe(a.p))
			fail_msg("%s gave unsafe %s", attempts[i], a.p);
		dbuf_free(&a);
		qry_free(p);
	}
}

static int common_tokens(void *ud, const char *tok, size_t len)
{
	(void)ud;
	assert_int_equal(strlen(tok), len);
	return strcmp(tok, "数据") == 0 || strcmp(tok, "北京") == 0;
}

static void test_common_tokens_dropped(void **state)
{
	struct qry_opts o = { .is_common = common_tokens };
	struct qry *p;
	struct dbuf a;
	struct dip_error e;
	size_t i;
	static const struct {
		const char *q, *fts5, *dropped;
	} cases[] = {
		{ "数据 交通", "\"交通\"", "数据" },
		{ "数据 北京 交通", "\"交通\"", "数据 北京" },
		/* nothing else to search for: kept */
		{ "数据", "\"数据\"", "" },
		{ "数据 北京", "(\"数据\" AND \"北京\")", "" },
		/* an exclusion is not something to search for */
		{ "数据 -交通", "(\"数据\" NOT (\"交通\"))", "" },
		/* phrases, prefixes, exclusions and OR are never changed */
		{ "北京市", "(\"北京\" + \"京市\")", "" },
		{ "北京市 数据", "(\"北京\" + \"京市\")", "数据" },
		{ "数据 OR 交通", "(\"数据\" OR \"交通\")", "" },
		{ "交通 -数据", "(\"交通\" NOT (\"数据\"))", "" },
		{ "(数据 交通) OR x", "(\"交通\" OR \"x\")", "数据" },
	};

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[64] = "";
		size_t k, n = 0;
		const char *d;

		assert_int_equal(qry_parse(cases[i].q, strlen(cases[i].q), &o, &p, NULL, &e), 0);
		dbuf_init(&a, 0);
		assert_int_equal(qry_to_fts5(p, &a), 0);
		assert_string_equal(a.p, cases[i].fts5);
		for (k = 0; (d = qry_dropped(p, k)) != NULL; k++)
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s", k ? " " : "", d);
		assert_string_equal(got, cases[i].dropped);
		dbuf_free(&a);
		qry_free(p);
	}
}

static void test_limits(void **state)
{
	struct qry_opts o = { .max_terms = 3, .max_depth = 2, .max_bytes = 16 };
	char big[2000];
	struct qry *p;
	struct dbuf a;

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	bad(big, DIP_ELIMIT, QRY_E_LIMIT, QRY_MAX_BYTES, "query too long: at most 1024 bytes");
	bad("(((((((((a)))))))))", DIP_ELIMIT, QRY_E_LIMIT, 8, "nested too deep at position 9");
	assert_int_equal(qry_parse("a b c d", 7, &o, &p, NULL, NULL), DIP_ELIMIT);
	assert_int_equal(qry_parse("a b c", 5, &o, &p, NULL, NULL), 0);
	assert_int_equal(qry_token_count(p), 3);
	qry_free(p);
	assert_int_equal(qry_parse("((a))", 5, &o, &p, NULL, NULL), 0);
	qry_free(p);
	assert_int_equal(qry_parse("(((a)))", 7, &o, &p, NULL, NULL), DIP_ELIMIT);
	assert_int_equal(qry_parse("abcdefghijklmnopq", 17, &o, &p, NULL, NULL), DIP_ELIMIT);
	/* The caller's output ceiling holds. */
	assert_int_equal(qry_parse("alpha beta", 10, NULL, &p, NULL, NULL), 0);
	dbuf_init(&a, 8);
	assert_int_equal(qry_to_fts5(p, &a), DIP_ELIMIT);
	dbuf_free(&a);
	qry_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_are_anded),
		cmocka_unit_test(test_phrases),
		cmocka_unit_test(test_or),
		cmocka_unit_test(test_exclusion),
		cmocka_unit_test(test_fts5_phrase_order),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_short_cjk_terms),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_only_negative_refused),
		cmocka_unit_test(test_injection_is_text),
		cmocka_unit_test(test_common_tokens_dropped),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
