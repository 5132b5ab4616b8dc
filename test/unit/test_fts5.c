/*
 * test_fts5.c - search as the public sees it: the dipreg tokenizer inside
 * SQLite FTS5, fed by the query parser, over a small register of
 * realistic records (Art. 20: public records are searchable).
 *
 * Every query goes the way the server will send it: qry_parse, then
 * qry_to_fts5 into "MATCH ?1".  Expected records are listed by rowid.
 */
#include "testutil.h"

#include "domain/query.h"
#include "domain/rank.h"
#include "store/fts5_tokenizer.h"
#include "util/buf.h"
#include "util/err.h"

#include <sqlite3.h>

static const struct {
	const char *name, *holder, *body, *sample;
} records[] = {
	/* 1 */ { "北京市公共交通客流数据集", "北京公交集团",
		  "2023年北京市地面公交线路客流统计，按站点和小时汇总。", NULL },
	/* 2 */ { "上海市出租车GPS轨迹数据集", "上海强生出租汽车有限公司",
		  "Taxi GPS trajectories of Shanghai, 2022-2023, sampled every 30 seconds.", NULL },
	/* 3 */ { "Shanghai port container throughput dataset", "上海国际港务",
		  "Monthly container throughput (TEU) of Shanghai port terminals.", NULL },
	/* 4 */ { "北京市Taxi GPS轨迹数据集2023", "北京出租汽车协会",
		  "北京市出租车轨迹点，已脱敏处理。", "绝密样本 zebrafish 车牌号京A12345" },
	/* 5 */ { "广东省电力负荷数据集", "南方电网广东公司", "全省电力负荷曲线，15分钟粒度。", NULL },
	/* 6 */ { "全国气象观测数据集", "国家气象信息中心",
		  "Hourly weather observations from 2,000 stations.", NULL },
	/* 7 */ { "深圳市新能源汽车充电数据集", "深圳充电联盟", "EV charging sessions in Shenzhen.",
		  NULL },
	/* 8 */ { "杭州市医疗机构门诊量数据集", "杭州市卫生健康委员会", "门诊量按科室统计。", NULL },
	/* 9 */ { "Beijing air quality monitoring dataset", "北京市生态环境监测中心",
		  "PM2.5 and PM10 hourly readings in Beijing.", NULL },
	/* 10 */ { "Ｃ端用户消费行为数据集（ＡＢＣ１２３）", "某电商平台",
		   "用户画像与消费记录，已匿名化。", "绝密 customer list" },
	/* 11 */ { "A股上市公司财务数据集", "证券数据服务公司", "沪深A股上市公司年报财务指标。", NULL },
	/* 12 */ { "长江航运货物吞吐量数据集", "长江航务管理局", "Yangtze River cargo throughput.",
		   NULL },
	/* 13 */ { "成都市共享单车骑行数据集", "成都市交通运输局", "Bike-sharing trips in Chengdu.",
		   NULL },
	/* 14 */ { "天津港集装箱吞吐量数据集", "天津港集团", "Container throughput of Tianjin port.",
		   NULL },
	/* 15 */ { "北京市公共交通刷卡数据集", "北京市政交通一卡通", "公交地铁刷卡记录，已脱敏。",
		   NULL },
	/* 16 */ { "Global shipping container freight index", "上海航运交易所",
		   "Container freight index, weekly.", NULL },
	/* 17 */ { "重庆市道路交通事故数据集", "重庆市公安局交通管理局",
		   "事故地点、时间与类型统计。", NULL },
	/* 18 */ { "武汉市地铁客流数据集", "武汉地铁集团", "Metro ridership in Wuhan.", NULL },
	/* 19 */ { "京津冀区域空气质量数据集", "京津冀环境气象预报中心", "区域空气质量指数日报。",
		   NULL },
	/* 20 */ { "GB/T 4754 行业分类对照数据集", "国家统计局", "GB4754-2017 industry code mapping.",
		   NULL },
	/* 21 */ { "Café menu dataset", "Straße Gastronomie GmbH", "Menus of Berlin cafés.", NULL },
	/* 22 */ { "城市综合运行监测数据集", "城市运行管理中心",
		   "本数据集汇集城市运行的多个方面，包括供水、供电、燃气、供热、环境卫生、园林绿化、"
		   "应急管理、人口流动等指标，其中也涉及交通，但以综合运行为主，覆盖多个区县和街道，"
		   "按日更新，时间跨度五年。", NULL },
};

static int exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

	if (rc != SQLITE_OK)
		fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
	sqlite3_free(err);
	return rc;
}

/* A database with the register in table reg (content kept) and the same
 * in a contentless table bare. */
static int setup(void **state)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	struct dip_error e;
	size_t i;
	int rc = -1;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		goto out;
	if (fts_register(db, &e) != 0) {
		fprintf(stderr, "%s\n", e.message);
		goto out;
	}
	if (exec(db, "CREATE VIRTUAL TABLE reg USING fts5(name, holder, body, sample UNINDEXED,"
		     " tokenize='dipreg')") != SQLITE_OK ||
	    exec(db, "CREATE VIRTUAL TABLE bare USING fts5(name, holder, body, content='',"
		     " tokenize='dipreg')") != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO reg(rowid, name, holder, body, sample)"
			       " VALUES (?1, ?2, ?3, ?4, ?5)", -1, &st, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
		sqlite3_bind_text(st, 2, records[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, records[i].holder, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, records[i].body, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, records[i].sample, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto out;
		sqlite3_reset(st);
	}
	if (exec(db, "INSERT INTO bare(rowid, name, holder, body)"
		     " SELECT rowid, name, holder, body FROM reg") != SQLITE_OK)
		goto out;
	*state = db;
	db = NULL;
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

static int teardown(void **state)
{
	sqlite3_close(*state);
	return 0;
}

/* The FTS5 expression of a user's query; free() it. */
static char *match_of(const char *q)
{
	struct qry *p = NULL;
	struct dip_error e;
	struct dbuf b;

	if (qry_parse(q, strlen(q), NULL, &p, NULL, &e) != 0)
		fail_msg("query %s: %s", q, e.message);
	dbuf_init(&b, 4096);
	assert_int_equal(qry_to_fts5(p, &b), 0);
	qry_free(p);
	return dbuf_detach(&b, NULL);
}

/* Runs sql (with ?1 = the FTS5 expression of q) and returns column 0 of
 * each row joined by sep; free() it. */
static char *rows(sqlite3 *db, const char *sql, const char *q, const char *sep)
{
	sqlite3_stmt *st = NULL;
	char *m = match_of(q);
	struct dbuf b;
	int rc;

	dbuf_init(&b, 0);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, m, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (b.len)
			dbuf_adds(&b, sep);
		dbuf_adds(&b, (const char *)sqlite3_column_text(st, 0));
	}
	if (rc != SQLITE_DONE)
		fail_msg("query %s (%s): %s", q, m, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	free(m);
	return dbuf_detach(&b, NULL);
}

static void found_in(sqlite3 *db, const char *table, const char *q, const char *want)
{
	char sql[128];
	char *got;

	snprintf(sql, sizeof(sql), "SELECT rowid FROM %s WHERE %s MATCH ?1 ORDER BY rowid",
		 table, table);
	got = rows(db, sql, q, ",");
	if (strcmp(got, want) != 0)
		fail_msg("query %s found [%s], want [%s]", q, got, want);
	free(got);
}

static void found(sqlite3 *db, const char *q, const char *want)
{
	found_in(db, "reg", q, want);
	found_in(db, "bare", q, want);
}

static void test_art20_chinese_words(void **state)
{
	sqlite3 *db = *state;

	found(db, "交通", "1,13,15,17,22");
	found(db, "客流", "1,18");
	found(db, "吞吐量", "12,14");
	found(db, "北京市公共交通", "1,15");
	/* 数据集 is in every Chinese name, never in the English ones. */
	found(db, "数据集", "1,2,4,5,6,7,8,10,11,12,13,14,15,17,18,19,20,22");
	/* A long word needs all its bigrams in sequence. */
	found(db, "交通客流", "1");
}

static void test_art20_english_words(void **state)
{
	sqlite3 *db = *state;

	found(db, "container", "3,14,16");
	found(db, "CONTAINER Shanghai", "3");
	found(db, "hourly", "6,9");
	/* No stemming: "cafés" is not "cafe". */
	found(db, "cafe", "21");
	found(db, "STRASSE", "21");
}

static void test_art20_mixed(void **state)
{
	sqlite3 *db = *state;

	found(db, "北京 taxi", "4");
	found(db, "GPS轨迹", "2,4");
	found(db, "(北京 OR 上海) 出租", "2,4");
	found(db, "GB4754", "20");
	found(db, "\"GB/T 4754\"", "20");
	found(db, "PM2.5", "9");
}

static void test_art20_phrases(void **state)
{
	sqlite3 *db = *state;

	found(db, "\"container throughput\"", "3,14");
	found(db, "\"throughput container\"", "");
	found(db, "\"Taxi GPS\"", "2,4");
	found(db, "“公共交通”", "1,15");
}

static void test_art20_or_and_exclusion(void **state)
{
	sqlite3 *db = *state;

	found(db, "天津港 OR 武汉", "14,18");
	found(db, "吞吐量 -长江", "14");
	found(db, "北京 -交通", "4,9");
	found(db, "container -\"freight index\"", "3,14");
	found(db, "数据集 -(北京 OR 上海 OR 交通 OR 气象)", "5,7,8,10,11,12,14,18,20");
}

static void test_art20_single_character(void **state)
{
	sqlite3 *db = *state;

	found(db, "股", "11");
	found(db, "A股", "11");
	/* 港 starts a bigram in 港务 and 港集. */
	found(db, "港", "3,14");
	/* 局 and 司 also end runs (管理局, 有限公司), where only the indexed
	 * last character of the run holds them. */
	found(db, "局", "12,13,17,20");
	found(db, "司", "2,5,11");
	found(db, "-股 司", "2,5");
}

static void test_art20_full_width_matches_half_width(void **state)
{
	sqlite3 *db = *state;

	found(db, "ＴＡＸＩ", "2,4");
	found(db, "ＧＰＳ轨迹", "2,4");
	found(db, "abc", "10");
	found(db, "ABC123", "10");
	found(db, "ａｂｃ１２３", "10");
}

static void test_art20_confidential_column_never_matches(void **state)
{
	sqlite3 *db = *state;

	found(db, "zebrafish", "");
	found(db, "绝密", "");
	found(db, "customer", "");
	found(db, "车牌号", "");
}

static void test_art20_injection_is_plain_text(void **state)
{
	sqlite3 *db = *state;

	/* A column filter would find 1,4,9,15; as text it finds nothing. */
	found(db, "holder:北京", "");
	found(db, "\"foo\" OR container*", "3,14,16");
	found(db, "NEAR(北京 taxi)", "");
	found(db, "^北京 taxi", "4");
	found(db, "{name}: container", "");
	found(db, "container + index", "16");
}

static void test_art20_bm25_ranks_name_matches_first(void **state)
{
	sqlite3 *db = *state;
	char *got;

	/* 交通 twice in 15 and 17 (name and holder), once in 1 and 13, once
	 * in the long body of 22. */
	got = rows(db, "SELECT rowid FROM reg WHERE reg MATCH ?1 ORDER BY bm25(reg)",
		   "交通", ",");
	assert_true(strncmp(got, "15,", 3) == 0 || strncmp(got, "17,", 3) == 0);
	assert_string_equal(got + strlen(got) - 3, ",22");
	free(got);
	got = rows(db, "SELECT rowid FROM reg WHERE reg MATCH ?1 ORDER BY bm25(reg)",
		   "客流", ",");
	assert_string_equal(got, "1,18");
	free(got);
}

static void test_art20_highlight_shows_original_text(void **state)
{
	sqlite3 *db = *state;
	const char *sql = "SELECT highlight(reg, 0, '[', ']') FROM reg WHERE reg MATCH ?1 "
			  "ORDER BY rowid";
	char *got;

	got = rows(db, sql, "数据集 taxi", "|");
	assert_string_equal(got, "上海市出租车GPS轨迹[数据集]|北京市[Taxi] GPS轨迹[数据集]2023");
	free(got);
	got = rows(db, sql, "ａｂｃ", "|");
	assert_string_equal(got, "Ｃ端用户消费行为数据集（[ＡＢＣ]１２３）");
	free(got);
	got = rows(db, sql, "\"Taxi GPS轨迹\"", "|");
	assert_string_equal(got, "北京市[Taxi GPS轨迹]数据集2023");
	free(got);
	got = rows(db, sql, "cafe", "|");
	assert_string_equal(got, "[Café] menu dataset");
	free(got);
	/* A one-character query highlights the two-character token that
	 * holds the match: FTS5 shows the first token at a position. */
	got = rows(db, "SELECT highlight(reg, 1, '[', ']') FROM reg WHERE reg MATCH ?1 "
		       "AND rowid = 12", "局", "|");
	assert_string_equal(got, "长江航务管[理局]");
	free(got);
	got = rows(db, "SELECT snippet(reg, 2, '[', ']', '…', 6) FROM reg WHERE reg MATCH ?1 "
		       "AND rowid = 22", "交通", "|");
	assert_non_null(strstr(got, "[交通]"));
	free(got);
}

/* The phrases rank_find finds in a record's name and holders' names, and
 * those dipreg_columns reports from the index for the same record, as
 * bit sets in qry_phrases' order. */
static void phrase_columns_agree(sqlite3 *db, const char *q)
{
	sqlite3_stmt *st = NULL;
	struct rank_query *rq = NULL;
	struct qry *p = NULL;
	struct dip_error e;
	struct dbuf m;
	const unsigned char *cols;
	uint64_t name, holder, want_name, want_holder;
	int index[64], rc, rows = 0;
	size_t n, i;

	if (qry_parse(q, strlen(q), NULL, &p, NULL, &e) != 0)
		fail_msg("query %s: %s", q, e.message);
	assert_int_equal(rank_query_new(p, &rq), 0);
	assert_int_equal(qry_fts5_phrases(p, index, 64, &n), 0);
	dbuf_init(&m, 4096);
	dbuf_adds(&m, "{name holder body} : (");
	assert_int_equal(qry_to_fts5(p, &m), 0);
	dbuf_addc(&m, ')');
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT r.rowid, r.name, r.holder, "
					    "dipreg_columns(bare) FROM bare CROSS JOIN reg r "
					    "ON r.rowid = bare.rowid WHERE bare MATCH ?1",
					    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, m.p, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *tn = (const char *)sqlite3_column_text(st, 1);
		const char *th = (const char *)sqlite3_column_text(st, 2);

		want_name = rank_find(rq, tn, strlen(tn));
		want_holder = rank_find(rq, th, strlen(th));
		cols = sqlite3_column_blob(st, 3);
		assert_int_equal(sqlite3_column_bytes(st, 3), (int)n);
		name = holder = 0;
		for (i = 0; i < n; i++) {
			if (index[i] < 0)
				continue;
			if (cols[i] & 1)
				name |= UINT64_C(1) << index[i];
			if (cols[i] & 2)
				holder |= UINT64_C(1) << index[i];
		}
		if (name != want_name || holder != want_holder)
			fail_msg("query %s, record %lld: index says name %llx holder %llx, the text "
				 "%llx %llx", q, (long long)sqlite3_column_int64(st, 0),
				 (unsigned long long)name, (unsigned long long)holder,
				 (unsigned long long)want_name, (unsigned long long)want_holder);
		rows++;
	}
	assert_int_equal(rc, SQLITE_DONE);
	assert_true(rows > 0);
	sqlite3_finalize(st);
	dbuf_free(&m);
	rank_query_free(rq);
	qry_free(p);
}

/* The service ranks the window from the index's report of where each
 * phrase occurs (store_sqlite.c); it must be what the text says. */
static void test_art20_phrase_columns_agree_with_the_text(void **state)
{
	static const char *const qs[] = {
		"数据集", "北京 交通", "\"Taxi GPS轨迹\"", "上海 OR 北京", "港", "局", "ａｂｃ",
		"cafe", "交通 -北京", "数据集 -(北京 OR 上海)", "container OR 吞吐量 OR 港",
		"北京 (交通 OR 客流)", "集团", "gb4754", "A股",
	};
	struct qry *p = NULL;
	struct dip_error e;
	int index[64];
	size_t i, n;

	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		phrase_columns_agree(*state, qs[i]);
	/* An AND inside an OR: FTS5 reports its phrases only where the AND
	 * matched, so the service reads the text instead. */
	assert_int_equal(qry_parse("(北京 交通) OR 上海", strlen("(北京 交通) OR 上海"), NULL, &p,
				   NULL, &e), 0);
	assert_int_equal(qry_fts5_phrases(p, index, 64, &n), 1);
	qry_free(p);
}

static void test_delete_uses_the_same_tokens(void **state)
{
	sqlite3 *db = *state;

	assert_int_equal(exec(db, "SAVEPOINT d"), SQLITE_OK);
	assert_int_equal(exec(db, "DELETE FROM reg WHERE rowid = 4"), SQLITE_OK);
	found_in(db, "reg", "taxi", "2");
	found_in(db, "reg", "北京", "1,9,15");
	assert_int_equal(exec(db, "INSERT INTO reg(reg) VALUES ('integrity-check')"), SQLITE_OK);
	assert_int_equal(exec(db, "ROLLBACK TO d"), SQLITE_OK);
	assert_int_equal(exec(db, "RELEASE d"), SQLITE_OK);
	found_in(db, "reg", "taxi", "2,4");
}

static void test_register_twice_and_bad_arguments(void **state)
{
	sqlite3 *db = *state;
	struct dip_error e;
	char *err = NULL;

	assert_int_equal(fts_register(db, &e), 0);
	assert_int_not_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE x USING fts5(a,"
					  " tokenize='dipreg extra')", NULL, NULL, &err),
			     SQLITE_OK);
	sqlite3_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_art20_chinese_words),
		cmocka_unit_test(test_art20_english_words),
		cmocka_unit_test(test_art20_mixed),
		cmocka_unit_test(test_art20_phrases),
		cmocka_unit_test(test_art20_or_and_exclusion),
		cmocka_unit_test(test_art20_single_character),
		cmocka_unit_test(test_art20_full_width_matches_half_width),
		cmocka_unit_test(test_art20_confidential_column_never_matches),
		cmocka_unit_test(test_art20_injection_is_plain_text),
		cmocka_unit_test(test_art20_bm25_ranks_name_matches_first),
		cmocka_unit_test(test_art20_highlight_shows_original_text),
		cmocka_unit_test(test_art20_phrase_columns_agree_with_the_text),
		cmocka_unit_test(test_delete_uses_the_same_tokens),
		cmocka_unit_test(test_register_twice_and_bad_arguments),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
