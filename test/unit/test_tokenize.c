/*
 * test_tokenize.c - the search tokenizer: folding, CJK bigrams, Latin
 * words, offsets into the original text, limits, hostile bytes.
 *
 * Tokens are rendered as one string, "text@start-end" separated by
 * spaces, with a "+" before a colocated token, so each test reads as the
 * rule it checks.
 */
#include "testutil.h"

#include "domain/tokenize.h"
#include "util/buf.h"
#include "util/err.h"

struct render {
	struct dbuf out;
	const char *text;  /* the original, for offset checks */
	int offsets;       /* 1: text@start-end, 0: text only */
	size_t last_pos;
	size_t n;
};

static int render_emit(void *ud, const struct tok_token *t)
{
	struct render *r = ud;

	assert_true(t->start < t->end);
	assert_int_equal(strlen(t->text), t->len);
	if (t->flags & TOK_COLOCATED) {
		assert_true(r->n > 0);
		assert_int_equal(t->pos, r->last_pos);
	} else {
		assert_int_equal(t->pos, r->n == 0 ? 0 : r->last_pos + 1);
	}
	r->last_pos = t->pos;
	if (r->n++ > 0)
		dbuf_addc(&r->out, ' ');
	if (t->flags & TOK_COLOCATED)
		dbuf_addc(&r->out, '+');
	dbuf_add(&r->out, t->text, t->len);
	if (r->offsets)
		dbuf_addf(&r->out, "@%zu-%zu", t->start, t->end);
	return 0;
}

/* The tokens of s (len bytes) as one string; free() it. */
static char *toks_n(const char *s, size_t len, enum tok_mode mode, int offsets)
{
	struct render r;

	memset(&r, 0, sizeof(r));
	dbuf_init(&r.out, 0);
	r.text = s;
	r.offsets = offsets;
	assert_int_equal(tok_run(s, len, mode, NULL, render_emit, &r), 0);
	return dbuf_detach(&r.out, NULL);
}

static void check(const char *s, enum tok_mode mode, const char *want)
{
	char *got = toks_n(s, strlen(s), mode, 0);

	assert_string_equal(got, want);
	free(got);
}

/* Original substrings of each token, "|"-separated. */
struct spans {
	struct dbuf out;
	const char *text;
};

static int spans_emit(void *ud, const struct tok_token *t)
{
	struct spans *s = ud;

	if (s->out.len)
		dbuf_addc(&s->out, '|');
	dbuf_add(&s->out, s->text + t->start, t->end - t->start);
	return 0;
}

static void check_spans(const char *s, enum tok_mode mode, const char *want)
{
	struct spans sp;

	dbuf_init(&sp.out, 0);
	sp.text = s;
	assert_int_equal(tok_run(s, strlen(s), mode, NULL, spans_emit, &sp), 0);
	assert_string_equal(sp.out.p ? sp.out.p : "", want);
	dbuf_free(&sp.out);
}

static void test_mixed_chinese_english(void **state)
{
	const char *s = "北京市Taxi GPS轨迹数据集2023";
	char *got;

	(void)state;
	check(s, TOK_INDEX, "北京 京市 +市 taxi gps 轨迹 迹数 数据 据集 +集 2023");
	check(s, TOK_QUERY, "北京 京市 taxi gps 轨迹 迹数 数据 据集 2023");
	got = toks_n(s, strlen(s), TOK_INDEX, 1);
	assert_string_equal(got, "北京@0-6 京市@3-9 +市@6-9 taxi@9-13 gps@14-17 轨迹@17-23 "
				 "迹数@20-26 数据@23-29 据集@26-32 +集@29-32 2023@32-36");
	free(got);
	check_spans(s, TOK_INDEX, "北京|京市|市|Taxi|GPS|轨迹|迹数|数据|据集|集|2023");
}

static void test_single_character_runs(void **state)
{
	(void)state;
	check("股", TOK_INDEX, "股");
	check("A股", TOK_INDEX, "a 股");
	check("的 x 数 y", TOK_QUERY, "的 x 数 y");
	check("买A股B", TOK_INDEX, "买 a 股 b");
	/* A run of two: one bigram, plus its last character when indexing. */
	check("北京", TOK_INDEX, "北京 +京");
	check("北京", TOK_QUERY, "北京");
}

static void test_punctuation_separates(void **state)
{
	(void)state;
	check("数据，集合。“Test-Case”; foo_bar/baz (GB/T 4754—2017)!", TOK_QUERY,
	      "数据 集合 test case foo bar baz gb t 4754 2017");
	check("《北京》【上海】、广州…深圳·杭州", TOK_QUERY, "北京 上海 广州 深圳 杭州");
	check("ソフトウェア・データ", TOK_QUERY, "ソフ フト トウ ウェ ェア デー ータ");
	check("   \t\n", TOK_INDEX, "");
	check("", TOK_INDEX, "");
}

static void test_letters_and_digits_split(void **state)
{
	(void)state;
	check("GB4754", TOK_QUERY, "gb 4754");
	check("5G x86_64 PM2.5", TOK_QUERY, "5 g x 86 64 pm 2 5");
	check("covid-19", TOK_QUERY, "covid 19");
}

static void test_full_width_forms(void **state)
{
	const char *s = "ＡＢＣ１２３";
	char *got;

	(void)state;
	got = toks_n(s, strlen(s), TOK_INDEX, 1);
	assert_string_equal(got, "abc@0-9 123@9-18");
	free(got);
	check_spans(s, TOK_INDEX, "ＡＢＣ|１２３");
	/* Full-width solidus and ideographic space separate like ASCII ones. */
	check("ＧＢ／Ｔ　４７５４", TOK_QUERY, "gb t 4754");
	check("（ＡＢＣ１２３）数据", TOK_QUERY, "abc 123 数据");
}

static void test_latin_folding(void **state)
{
	(void)state;
	check("Café NAÏVE Straße Łódź İstanbul Œuvre ÆØÅ Þór", TOK_QUERY,
	      "cafe naive strasse lodz istanbul oeuvre aeoa thor");
	/* Decomposed accents fold like precomposed ones. */
	check("cafe\xcc\x81 CAFE\xcc\x81", TOK_QUERY, "cafe cafe");
	/* Pinyin tone letters. */
	check("Běijīng Lǚyóu", TOK_QUERY, "beijing luyou");
	check("ΕΛΛΆΔΑ МОСКВА", TOK_QUERY, "ελλάδα москва");
}

static void test_compatibility_forms(void **state)
{
	(void)state;
	check("Ⅻ期 ⅳ m² H₂O", TOK_QUERY, "xii 期 iv m 2 h 2 o");
	check("ﬁle ﬂow", TOK_QUERY, "file flow");
	/* Circled numbers are list markers: separators. */
	check("①数据②", TOK_QUERY, "数据");
}

static void test_scripts(void **state)
{
	(void)state;
	check("서울시 교통", TOK_QUERY, "서울 울시 교통");
	check("东京タワー", TOK_QUERY, "东京 京タ タワ ワー");
	/* Extension A and B ideographs are CJK too. */
	check("\xe3\x90\x80\xf0\xa0\x80\x80京", TOK_QUERY,
	      "\xe3\x90\x80\xf0\xa0\x80\x80 \xf0\xa0\x80\x80京");
}

static void test_emoji_and_invalid_utf8(void **state)
{
	const char bad[] = "\xff数据\xc0\xaf集\xed\xa0\x80x\xe6\x95";
	char *got;

	(void)state;
	check("数😀据", TOK_INDEX, "数 据");
	check("😀👍🏽 🇨🇳", TOK_INDEX, "");
	check("1️⃣ ok", TOK_QUERY, "1 ok");
	got = toks_n(bad, sizeof(bad) - 1, TOK_INDEX, 1);
	/* \xff skipped; 数据 at 1; \xc0 \xaf skipped; 集 at 9; a surrogate
	 * skipped byte by byte; x at 15; a truncated 数 at the end skipped. */
	assert_string_equal(got, "数据@1-7 +据@4-7 集@9-12 x@15-16");
	free(got);
	got = toks_n("ab\0cd", 5, TOK_INDEX, 1);
	assert_string_equal(got, "ab@0-2 cd@3-5");
	free(got);
}

static void test_ignorables_keep_runs(void **state)
{
	(void)state;
	/* Soft hyphen, zero-width joiner and a variation selector inside. */
	check("data\xc2\xadset 数\xef\xb8\x80据 a\xe2\x80\x8d" "b", TOK_QUERY, "dataset 数据 ab");
	/* A zero-width space separates. */
	check("ab\xe2\x80\x8b" "cd", TOK_QUERY, "ab cd");
}

static void test_long_word_is_cut(void **state)
{
	struct tok_limits lim = { 9, 0 };
	char word[101];
	char *got;
	struct render r;

	(void)state;
	memset(word, 'a', 100);
	word[100] = '\0';
	got = toks_n(word, 100, TOK_INDEX, 1);
	assert_int_equal(strlen(got), 64 + strlen("@0-100"));
	assert_string_equal(got + 64, "@0-100");
	free(got);
	/* Cut at a character boundary: four 2-byte letters fit in 9 bytes. */
	memset(&r, 0, sizeof(r));
	dbuf_init(&r.out, 0);
	r.offsets = 1;
	assert_int_equal(tok_run("αβγδεζ x", strlen("αβγδεζ x"), TOK_QUERY, &lim,
				 render_emit, &r), 0);
	assert_string_equal(r.out.p, "αβγδ@0-12 x@13-14");
	dbuf_free(&r.out);
}

static int count_emit(void *ud, const struct tok_token *t)
{
	(void)t;
	(*(int *)ud)++;
	return 0;
}

static int stop_emit(void *ud, const struct tok_token *t)
{
	(void)t;
	(*(int *)ud)++;
	return 42;
}

static void test_limits(void **state)
{
	struct tok_limits lim = { 0, 3 };
	struct tok_limits small = { 7, 0 }, big = { TOK_TOKEN_BYTES_CAP + 1, 0 };
	int n = 0;

	(void)state;
	assert_int_equal(tok_run("a b c d e", 9, TOK_QUERY, &lim, count_emit, &n), DIP_ELIMIT);
	assert_int_equal(n, 3);
	n = 0;
	assert_int_equal(tok_run("a b c", 5, TOK_QUERY, &lim, count_emit, &n), 0);
	assert_int_equal(n, 3);
	n = 0;
	assert_int_equal(tok_run("a b c", 5, TOK_QUERY, NULL, stop_emit, &n), 42);
	assert_int_equal(n, 1);
	assert_int_equal(tok_run("a", 1, TOK_QUERY, &small, count_emit, &n), DIP_EINVAL);
	assert_int_equal(tok_run("a", 1, TOK_QUERY, &big, count_emit, &n), DIP_EINVAL);
}

/* Every token, tokenized again as a query, is itself: SQLite re-tokenizes
 * the quoted strings of qry_to_fts5. */
struct again {
	int bad;
	char first[TOK_TOKEN_BYTES_CAP + 8];
	int n;
};

static int again_inner(void *ud, const struct tok_token *t)
{
	struct again *a = ud;

	if (a->n++ == 0)
		snprintf(a->first, sizeof(a->first), "%s", t->text);
	return 0;
}

static int again_outer(void *ud, const struct tok_token *t)
{
	struct again *a = ud, in;

	memset(&in, 0, sizeof(in));
	tok_run(t->text, t->len, TOK_QUERY, NULL, again_inner, &in);
	if (in.n != 1 || strcmp(in.first, t->text) != 0) {
		fprintf(stderr, "token \"%s\" is not stable\n", t->text);
		a->bad++;
	}
	return 0;
}

static void test_tokens_are_stable(void **state)
{
	const char *s = "北京市Taxi GPS轨迹数据集2023 ＡＢＣ１２３ Straße Ⅻ ﬁle ĳssel "
			"ΕΛΛΆΔΑ 서울 タワー 股 m² \xf0\xa0\x80\x80京 "
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	struct again a;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(tok_run(s, strlen(s), TOK_INDEX, NULL, again_outer, &a), 0);
	assert_int_equal(a.bad, 0);
}

static void test_tsvector(void **state)
{
	struct dbuf b;

	(void)state;
	dbuf_init(&b, 0);
	assert_int_equal(tok_tsvector("数据集 Taxi", strlen("数据集 Taxi"), &b), 0);
	assert_string_equal(b.p, "'数据':1 '据集':2 '集':2 'taxi':3");
	dbuf_reset(&b);
	assert_int_equal(tok_pg_quote(&b, "it's a\\b", 8), 0);
	assert_string_equal(b.p, "'it''s a\\\\b'");
	dbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mixed_chinese_english),
		cmocka_unit_test(test_single_character_runs),
		cmocka_unit_test(test_punctuation_separates),
		cmocka_unit_test(test_letters_and_digits_split),
		cmocka_unit_test(test_full_width_forms),
		cmocka_unit_test(test_latin_folding),
		cmocka_unit_test(test_compatibility_forms),
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_emoji_and_invalid_utf8),
		cmocka_unit_test(test_ignorables_keep_runs),
		cmocka_unit_test(test_long_word_is_cut),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_tokens_are_stable),
		cmocka_unit_test(test_tsvector),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
