/*
 * bench_fts.c - how the dipreg tokenizer and FTS5 behave on a register of
 * N synthetic records (DESIGN.md §6: broad queries are the hard part).
 *
 * Builds an FTS5 table (name, holder, body; tokenize='dipreg', detail=full
 * as phrases need) from deterministic pseudo-random Chinese and English
 * dataset names, holders and descriptions, then times each query four
 * ways: count of hits, BM25 top 20 over all hits, newest 20 by rowid, and
 * BM25 top 20 over the newest 5000 hits (a bounded candidate set).
 * Prints one line per query; not a test, not built by make.
 *
 *   bench/search/run.sh [N [DBFILE [contentless]]]
 */
#include "domain/query.h"
#include "domain/tokenize.h"
#include "store/fts5_tokenizer.h"
#include "util/buf.h"
#include "util/err.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

#define PICK(a) (a[rnd(sizeof(a) / sizeof(a[0]))])

/* 北京 about 10% of records, as in DESIGN.md's measurement. */
static const char *const regions[] = {
	"北京市", "北京市", "北京市", "北京市", "上海市", "上海市", "广东省", "深圳市", "广州市",
	"浙江省", "杭州市", "江苏省", "南京市", "苏州市", "天津市", "重庆市", "四川省", "成都市",
	"湖北省", "武汉市", "湖南省", "长沙市", "山东省", "青岛市", "济南市", "福建省", "厦门市",
	"河南省", "郑州市", "陕西省", "西安市", "安徽省", "合肥市", "辽宁省", "大连市", "贵州省",
	"贵阳市", "云南省",
};
static const char *const domains[] = {
	"公共交通", "城市道路", "出租车", "网约车", "共享单车", "轨道交通", "港口", "航运", "民航",
	"气象", "空气质量", "水文", "电力", "光伏发电", "新能源汽车", "充电桩", "医疗", "医保",
	"教育", "就业", "社保", "金融", "证券", "保险", "电子商务", "物流", "快递", "农业",
	"粮食", "林业", "旅游", "文化", "体育", "人口", "住房", "不动产", "工业互联网", "制造业",
	"半导体", "通信", "卫星遥感", "地理信息",
};
static const char *const kinds[] = {
	"客流", "轨迹", "观测", "负荷", "交易", "统计", "监测", "运行", "调度", "吞吐量", "价格",
	"销量", "订单", "用户行为", "画像", "事故", "能耗", "产量", "库存", "评价",
};
static const char *const suffixes[] = {
	"数据集", "数据集", "数据集", "数据集", "数据集", "数据集", "数据库", "数据资源", "数据产品",
	"指数", "样本库", "信息表",
};
static const char *const orgs[] = {
	"集团有限公司", "科技有限公司", "数据有限公司", "管理局", "研究院", "信息中心", "大数据中心",
	"监测站", "协会", "股份有限公司", "交通运输局", "统计局", "大学",
};
static const char *const en_cities[] = {
	"Beijing", "Shanghai", "Shenzhen", "Guangzhou", "Hangzhou", "Chengdu", "Wuhan", "Tianjin",
	"Chongqing", "Nanjing", "Xiamen", "Qingdao",
};
static const char *const en_domains[] = {
	"taxi", "bus", "metro", "port", "container", "air quality", "weather", "power grid",
	"hospital", "retail", "logistics", "satellite", "bike sharing", "housing", "tourism",
};
static const char *const en_kinds[] = {
	"trajectory", "ridership", "throughput", "observation", "load", "transaction", "statistics",
	"monitoring", "price", "sales",
};
static const char *const freq[] = { "实时", "每日", "每周", "每月", "每季度", "每年" };
static const char *const openers[] = { "本数据集汇集", "该资源汇集", "收录", "包含", "汇总", "覆盖" };

static void make_record(struct dbuf *name, struct dbuf *holder, struct dbuf *body)
{
	const char *region = PICK(regions), *domain = PICK(domains), *kind = PICK(kinds);

	dbuf_reset(name);
	dbuf_reset(holder);
	dbuf_reset(body);
	if (rnd(5) == 0) {
		dbuf_addf(name, "%s %s %s dataset %u", PICK(en_cities), PICK(en_domains),
			  PICK(en_kinds), 2015 + rnd(10));
		dbuf_addf(body, "%s %s data collected %s, about %u thousand records, "
			  "anonymised before release. ", PICK(en_domains), PICK(en_kinds),
			  rnd(2) ? "daily" : "hourly", 1 + rnd(900));
	} else {
		dbuf_addf(name, "%s%s%s%s", region, domain, kind, PICK(suffixes));
		if (rnd(4) == 0)
			dbuf_addf(name, "（%u）", 2015 + rnd(10));
	}
	dbuf_addf(holder, "%s%s%s", region, rnd(3) ? domain : "", PICK(orgs));
	dbuf_addf(body, "%s%s%s领域的%s信息，时间跨度%u年，%s更新，约%u万条记录。",
		  PICK(openers), region, domain, kind, 1 + rnd(10), PICK(freq), 1 + rnd(5000));
	if (rnd(2))
		dbuf_addf(body, "来源于%s%s业务系统，已按规定脱敏处理，涉及%s与%s。",
			  PICK(regions), PICK(orgs), PICK(domains), PICK(kinds));
	if (rnd(3) == 0)
		dbuf_addf(body, "应用场景：%s%s分析、%s优化。", PICK(domains), PICK(kinds),
			  PICK(domains));
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

	if (rc != SQLITE_OK)
		fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
	sqlite3_free(err);
	return rc;
}

/* Median of `runs` timings of sql with ?1 = expr; *rows gets the row count
 * (or the count(*) value when the first column is one). */
static double time_query(sqlite3 *db, const char *sql, const char *expr, int runs, long *rows)
{
	double t[16], tmp;
	sqlite3_stmt *st = NULL;
	int i, j, rc;

	for (i = 0; i < runs; i++) {
		double t0 = now_ms();

		*rows = 0;
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
			fprintf(stderr, "%s\n", sqlite3_errmsg(db));
			exit(1);
		}
		sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			*rows = strstr(sql, "count(") ? sqlite3_column_int64(st, 0) : *rows + 1;
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "%s: %s\n", expr, sqlite3_errmsg(db));
			exit(1);
		}
		sqlite3_finalize(st);
		t[i] = now_ms() - t0;
	}
	for (i = 1; i < runs; i++)
		for (j = i; j > 0 && t[j - 1] > t[j]; j--) {
			tmp = t[j];
			t[j] = t[j - 1];
			t[j - 1] = tmp;
		}
	return t[runs / 2];
}

static int count_tok(void *ud, const struct tok_token *t)
{
	(void)t;
	(*(size_t *)ud)++;
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
	const char *path = argc > 2 ? argv[2] : ":memory:";
	int contentless = argc > 3 && strcmp(argv[3], "contentless") == 0;
	static const char *const queries[] = {
		"数据", "北京", "数据集", "交通", "股", "北京 客流", "北京 客流 数据", "港口 吞吐量",
		"上海 出租车 轨迹",
		"\"container throughput\"", "深圳 充电桩 -2020", "Beijing taxi", "卫星遥感 OR 地理信息",
		"半导体 价格 青岛",
	};
	struct dbuf name, holder, body, expr;
	struct dip_error e;
	struct qry *q;
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL;
	double t0, build_ms, tok_ms;
	size_t bytes = 0, ntok = 0, qi;
	long i, hits, rows;
	sqlite3_int64 pages = 0, psize = 0;
	char **recs;
	size_t *lens;

	if (n <= 0 || sqlite3_open(path, &db) != SQLITE_OK || fts_register(db, &e) != 0) {
		fprintf(stderr, "bench_fts: cannot open %s\n", path);
		return 1;
	}
	dbuf_init(&name, 0);
	dbuf_init(&holder, 0);
	dbuf_init(&body, 0);
	dbuf_init(&expr, 0);
	exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;"
		 "DROP TABLE IF EXISTS reg;");
	exec(db, contentless ? "CREATE VIRTUAL TABLE reg USING fts5(name, holder, body,"
			       " content='', tokenize='dipreg')"
			     : "CREATE VIRTUAL TABLE reg USING fts5(name, holder, body,"
			       " tokenize='dipreg')");

	/* The records are generated first, so that the tokenizer alone and
	 * the index build are timed on the same text without generating it. */
	recs = calloc((size_t)n * 3, sizeof(*recs));
	lens = calloc((size_t)n * 3, sizeof(*lens));
	if (recs == NULL || lens == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		make_record(&name, &holder, &body);
		recs[3 * i] = strdup(name.p);
		recs[3 * i + 1] = strdup(holder.p);
		recs[3 * i + 2] = strdup(body.p);
		lens[3 * i] = name.len;
		lens[3 * i + 1] = holder.len;
		lens[3 * i + 2] = body.len;
		bytes += name.len + holder.len + body.len;
	}
	t0 = now_ms();
	for (i = 0; i < 3 * n; i++)
		tok_run(recs[i], lens[i], TOK_INDEX, NULL, count_tok, &ntok);
	tok_ms = now_ms() - t0;
	t0 = now_ms();
	exec(db, "BEGIN");
	sqlite3_prepare_v2(db, "INSERT INTO reg(rowid, name, holder, body) VALUES (?1, ?2, ?3, ?4)",
			   -1, &ins, NULL);
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(ins, 1, i + 1);
		sqlite3_bind_text(ins, 2, recs[3 * i], (int)lens[3 * i], SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, recs[3 * i + 1], (int)lens[3 * i + 1], SQLITE_STATIC);
		sqlite3_bind_text(ins, 4, recs[3 * i + 2], (int)lens[3 * i + 2], SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	exec(db, "COMMIT");
	exec(db, "INSERT INTO reg(reg) VALUES ('optimize')");
	build_ms = now_ms() - t0;
	{
		sqlite3_stmt *st;

		sqlite3_prepare_v2(db, "SELECT (SELECT page_count FROM pragma_page_count),"
				   " (SELECT page_size FROM pragma_page_size)", -1, &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW) {
			pages = sqlite3_column_int64(st, 0);
			psize = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
	}
	printf("table %s\n", contentless ? "contentless (content='')" : "with content");
	printf("records %ld, text %.1f MiB, %zu tokens (%.1f per record)\n", n,
	       (double)bytes / 1048576.0, ntok, (double)ntok / (double)n);
	printf("tokenizer alone %.0f ms (%.1f MiB/s); index build + optimize %.0f ms;"
	       " database %.1f MiB\n\n", tok_ms, (double)bytes / 1048576.0 / (tok_ms / 1e3),
	       build_ms, (double)(pages * psize) / 1048576.0);
	printf("%8s %6s %9s %9s %9s %9s  %s\n", "hits", "%", "count ms", "bm25 ms",
	       "rowid ms", "cand ms", "query");
	for (qi = 0; qi < sizeof(queries) / sizeof(queries[0]); qi++) {
		double tc, tb, tr, tk;

		if (qry_parse(queries[qi], strlen(queries[qi]), NULL, &q, NULL, &e) != 0) {
			fprintf(stderr, "%s: %s\n", queries[qi], e.message);
			return 1;
		}
		dbuf_reset(&expr);
		qry_to_fts5(q, &expr);
		qry_free(q);
		tc = time_query(db, "SELECT count(*) FROM reg WHERE reg MATCH ?1", expr.p, 5, &hits);
		tb = time_query(db, "SELECT rowid FROM reg WHERE reg MATCH ?1 ORDER BY rank LIMIT 20",
				expr.p, 5, &rows);
		tr = time_query(db, "SELECT rowid FROM reg WHERE reg MATCH ?1 ORDER BY rowid DESC"
				" LIMIT 20", expr.p, 5, &rows);
		tk = time_query(db, "SELECT rowid FROM (SELECT rowid, bm25(reg) AS s FROM reg"
				" WHERE reg MATCH ?1 ORDER BY rowid DESC LIMIT 5000)"
				" ORDER BY s LIMIT 20", expr.p, 5, &rows);
		printf("%8ld %5.1f%% %9.2f %9.2f %9.2f %9.2f  %s\n", hits,
		       100.0 * (double)hits / (double)n, tc, tb, tr, tk, queries[qi]);
	}
	dbuf_free(&name);
	dbuf_free(&holder);
	dbuf_free(&body);
	dbuf_free(&expr);
	for (i = 0; i < 3 * n; i++)
		free(recs[i]);
	free(recs);
	free(lens);
	sqlite3_close(db);
	return 0;
}
