/*
 * test_rank.c - relevance and highlighting of search hits (domain/rank.c),
 * the part of search that both backends leave to dipreg (Art. 20).
 */
#include "testutil.h"

#include <sqlite3.h>

#include "domain/query.h"
#include "domain/rank.h"
#include "store/fts5_tokenizer.h"
#include "util/buf.h"
#include "util/err.h"

static struct rank_query *rq_of(const char *q, struct qry **keep)
{
	struct rank_query *rq;
	struct dip_error e;
	struct qry *p;

	if (qry_parse(q, strlen(q), NULL, &p, NULL, &e) != 0)
		fail_msg("%s: %s", q, e.message);
	assert_int_equal(rank_query_new(p, &rq), 0);
	if (keep)
		*keep = p;
	else
		qry_free(p);
	return rq;
}

static void hl_is(const char *q, const char *text, const char *want)
{
	struct rank_query *rq = rq_of(q, NULL);
	struct dbuf b;

	dbuf_init(&b, 0);
	assert_int_equal(rank_highlight(rq, text, strlen(text), &b), 0);
	if (strcmp(b.p ? b.p : "", want) != 0)
		fail_msg("q=%s text=%s: got %s, want %s", q, text, b.p, want);
	dbuf_free(&b);
	rank_query_free(rq);
}

static int score_of(const char *q, const char *name, const char *holder)
{
	struct rank_query *rq = rq_of(q, NULL);
	int s = rank_score(rq, name, holder);

	rank_query_free(rq);
	return s;
}

static void test_art20_score_counts_each_phrase_by_its_best_field(void **state)
{
	(void)state;
	/* name 4, else holder 2, else 1 for a phrase every match holds. */
	assert_int_equal(score_of("交通", "公共交通数据集", "交通科技公司"), 4);
	assert_int_equal(score_of("交通", "客流数据集", "交通科技公司"), 2);
	assert_int_equal(score_of("交通", "客流数据集", "某公司"), 1);
	assert_int_equal(score_of("交通 客流", "公共交通客流数据集", ""), 8);
	assert_int_equal(score_of("交通 北京", "公共交通数据集", "北京某公司\n上海某公司"), 6);
	assert_int_equal(score_of("交通 出行", "公共交通数据集", NULL), 5);
	/* An OR alternative counts only where it shows: the name, a holder. */
	assert_int_equal(score_of("交通 OR 气象", "公共交通数据集", ""), 4);
	assert_int_equal(score_of("交通 OR 气象", "公共交通数据集", "气象服务中心"), 6);
	assert_int_equal(score_of("交通 OR 气象", "客流数据集", ""), 0);
	/* Excluded words are not ranked. */
	assert_int_equal(score_of("交通 -气象", "公共交通数据集", ""), 4);
	/* Phrases need their tokens in order and adjacent. */
	assert_int_equal(score_of("\"taxi trajectory\" OR x", "taxi GPS trajectory", ""), 0);
	assert_int_equal(score_of("\"gps trajectory\" OR x", "taxi GPS trajectory", ""), 4);
	/* Normalised like the index: full width, case, accents. */
	assert_int_equal(score_of("taxi", "ＴＡＸＩ数据", ""), 4);
	assert_int_equal(score_of("cafe", "Café", ""), 4);
}

static void test_art20_highlight_marks_what_matched(void **state)
{
	(void)state;
	hl_is("交通", "北京交通数据", "北京<mark>交通</mark>数据");
	/* A one-character query marks that character, also inside a bigram
	 * or as the last character of a run. */
	hl_is("股", "A股市场数据集", "A<mark>股</mark>市场数据集");
	hl_is("集", "数据集", "数据<mark>集</mark>");
	hl_is("A股", "A股市场", "<mark>A股</mark>市场");
	/* A word of three characters is the phrase of its bigrams. */
	hl_is("数据集", "某数据集合", "某<mark>数据集</mark>合");
	/* Overlapping occurrences make one mark, adjacent ones two. */
	hl_is("交通 通客", "交通客流", "<mark>交通客</mark>流");
	hl_is("交通 客流", "交通客流", "<mark>交通</mark><mark>客流</mark>");
	/* The user's own characters are marked, escaped for HTML. */
	hl_is("taxi", "<b>ＴＡＸＩ</b> & taxi's", "&lt;b&gt;<mark>ＴＡＸＩ</mark>&lt;/b&gt; &amp; <mark>taxi</mark>&#39;s");
	hl_is("gb4754", "GB-4754, GB/T 4754, GB4754", "<mark>GB-4754</mark>, GB/T 4754, <mark>GB4754</mark>");
	/* Excluded and absent words mark nothing. */
	hl_is("交通 -数据", "北京交通数据", "北京<mark>交通</mark>数据");
	hl_is("气象 OR 交通", "北京交通", "北京<mark>交通</mark>");
}

static void test_art20_snippet_shows_the_densest_window(void **state)
{
	struct rank_query *rq = rq_of("客流", NULL);
	struct dbuf b;
	const char *text = "用于公交线网优化、运力调度，服务交通管理部门与出行服务平台，解决高峰拥挤与运力错配问题，"
			   "并进行客流预测和客流分析。\n由运营的公交刷卡系统采集形成。";

	(void)state;
	dbuf_init(&b, 0);
	assert_int_equal(rank_snippet(rq, text, strlen(text), 20, &b), 0);
	assert_non_null(strstr(b.p, "<mark>客流</mark>预测和<mark>客流</mark>"));
	assert_true(strncmp(b.p, "…", 3) == 0);
	assert_null(strchr(b.p, '\n'));
	dbuf_reset(&b);
	assert_int_equal(rank_snippet(rq, "短文本", 9, 20, &b), 0);
	assert_string_equal(b.p, "短文本");
	dbuf_reset(&b);
	/* An occurrence longer than the excerpt is cut like any text. */
	assert_int_equal(rank_snippet(rq, "前文客流后文", 18, 1, &b), 0);
	assert_string_equal(b.p, "…<mark>客</mark>…");
	dbuf_reset(&b);
	assert_int_equal(rank_snippet(NULL, text, strlen(text), 5, &b), 0);
	assert_string_equal(b.p, "用于公交线…");
	dbuf_free(&b);
	rank_query_free(rq);
}

/* Where both can mark a text (whole tokens, no overlapping occurrences),
 * the marks are those of FTS5's highlight() on a table with the dipreg
 * tokenizer. */
static void test_art20_highlight_agrees_with_fts5(void **state)
{
	static const char *const texts[] = {
		"Beijing taxi GPS trajectory data, taxi fleet of Chaoyang",
		"北京市公共交通客流数据集，覆盖北京全市公交线路",
		"上海港集装箱吞吐量 container throughput 2023",
		"ＧＢ/Ｔ 4754 国民经济行业分类 Café",
	};
	static const char *const queries[] = {
		"taxi", "\"gps trajectory\"", "taxi OR fleet", "北京", "公交 客流", "\"container throughput\"",
		"2023 集装箱", "gb 4754", "cafe", "行业 OR 上海港", "数据集",
	};
	sqlite3 *db;
	sqlite3_stmt *ins, *sel;
	struct rank_query *rq;
	struct dbuf b, m;
	struct qry *p;
	size_t i, j;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(fts_register(db, NULL), 0);
	assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='dipreg')",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(rowid, x) VALUES (?, ?)", -1, &ins,
					    NULL), SQLITE_OK);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		sqlite3_bind_int(ins, 1, (int)i + 1);
		sqlite3_bind_text(ins, 2, texts[i], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid, highlight(t, 0, '<mark>', '</mark>') "
					    "FROM t WHERE t MATCH ? ORDER BY rowid", -1, &sel, NULL),
			 SQLITE_OK);
	dbuf_init(&b, 0);
	dbuf_init(&m, 0);
	for (j = 0; j < sizeof(queries) / sizeof(queries[0]); j++) {
		rq = rq_of(queries[j], &p);
		dbuf_reset(&m);
		assert_int_equal(qry_to_fts5(p, &m), 0);
		sqlite3_bind_text(sel, 1, m.p, -1, SQLITE_STATIC);
		i = 0;
		while (sqlite3_step(sel) == SQLITE_ROW) {
			const char *t = texts[sqlite3_column_int(sel, 0) - 1];

			dbuf_reset(&b);
			assert_int_equal(rank_highlight(rq, t, strlen(t), &b), 0);
			if (strcmp(b.p, (const char *)sqlite3_column_text(sel, 1)) != 0)
				fail_msg("%s: dipreg %s, fts5 %s", queries[j], b.p,
					 sqlite3_column_text(sel, 1));
			i++;
		}
		sqlite3_reset(sel);
		assert_true(i > 0);
		qry_free(p);
		rank_query_free(rq);
	}
	dbuf_free(&b);
	dbuf_free(&m);
	sqlite3_finalize(sel);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_art20_score_counts_each_phrase_by_its_best_field),
		cmocka_unit_test(test_art20_highlight_marks_what_matched),
		cmocka_unit_test(test_art20_snippet_shows_the_densest_window),
		cmocka_unit_test(test_art20_highlight_agrees_with_fts5),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
