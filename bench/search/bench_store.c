/*
 * bench_store.c - the real search path (store.h + service/search.c) on a
 * register of N synthetic registrations, on SQLite or PostgreSQL.
 *
 *   bench_store load  DB N       put N documents through store->search_put,
 *                                in transactions of 10,000, and report the
 *                                time (and, on SQLite, FTS5's optimize)
 *   bench_store query DB [SECONDS [WINDOW COUNT_LIMIT]]
 *                                run the query mix single-threaded through
 *                                svc_search_json for SECONDS (default 20),
 *                                and print p50/p99 per query and overall,
 *                                and queries per second
 *   bench_store optimize DB      SQLite: merge FTS5's segments into one
 *   bench_store match DB         the store alone: each query's matching
 *                                keys, with and without dropping the
 *                                hyper-common token (qry is_common hook)
 *
 * DB is a SQLite path or a postgresql:// URL.  The documents are what
 * svc__search_index would put for registrations and publications, made up
 * from pieces of realistic names (bench_fts.c's vocabulary); no
 * applications are created, so only search sees them.  Not a test, not
 * built by make: bench/search/run-store.sh builds and runs it.
 */
#include "domain/query.h"
#include "service/service.h"
#include "store/fts5_tokenizer.h"
#include "store/store.h"
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
#define N_OF(a) (sizeof(a) / sizeof(a[0]))

/* 北京 about 10% of records. */
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
/* Division, its section and name. */
static const struct { const char *code; char section; const char *name; } industries[] = {
	{ "54", 'G', "道路运输业" }, { "55", 'G', "水上运输业" }, { "58", 'G', "多式联运和运输代理业" },
	{ "44", 'D', "电力、热力生产和供应业" }, { "64", 'I', "互联网和相关服务" },
	{ "65", 'I', "软件和信息技术服务业" }, { "84", 'Q', "卫生" }, { "83", 'P', "教育" },
	{ "66", 'J', "货币金融服务" }, { "74", 'M', "专业技术服务业" }, { "77", 'N', "生态保护和环境治理业" },
	{ "01", 'A', "农业" }, { "39", 'C', "计算机、通信和其他电子设备制造业" }, { "52", 'F', "零售业" },
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of this thread: on a shared machine the wall clock also counts
 * other processes' turns. */
static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void make_doc(int64_t id, struct search_doc *d, struct dbuf *name, struct dbuf *holder,
		     struct dbuf *body)
{
	static struct search_holder h;
	const char *region = PICK(regions), *domain = PICK(domains), *kind = PICK(kinds);
	struct search_keyinfo k;
	uint32_t r = rnd(100);
	int ind = (int)rnd(N_OF(industries));

	memset(d, 0, sizeof(*d));
	memset(&k, 0, sizeof(k));
	dbuf_reset(name);
	dbuf_reset(holder);
	dbuf_reset(body);
	k.app_id = id;
	/* Since the Beijing measures, 2023-06-19, about 3.5 years. */
	k.day = 19527 + (dip_day)rnd(1250);
	k.status = r < 85 ? APP_REGISTERED : r < 90 ? APP_PUBLICATION : r < 92 ? APP_OBJECTION
		   : r < 98 ? APP_CANCELLED : APP_REVOKED;
	if (rnd(5) == 0) {
		dbuf_addf(name, "%s %s %s dataset %u", PICK(en_cities), PICK(en_domains),
			  PICK(en_kinds), 2015 + rnd(10));
		dbuf_addf(body, "%s %s data collected %s, about %u thousand records. ",
			  PICK(en_domains), PICK(en_kinds), rnd(2) ? "daily" : "hourly", 1 + rnd(900));
	} else {
		dbuf_addf(name, "%s%s%s%s", region, domain, kind, PICK(suffixes));
		if (rnd(4) == 0)
			dbuf_addf(name, "（%u）", 2015 + rnd(10));
	}
	dbuf_addf(holder, "%s%s%s", region, rnd(3) ? domain : "", PICK(orgs));
	dbuf_addf(body, "%s%s%s领域的%s信息，时间跨度%u年，%s更新，约%u万条记录。\n",
		  PICK(openers), region, domain, kind, 1 + rnd(10), PICK(freq), 1 + rnd(5000));
	dbuf_addf(body, "来源于%s%s业务系统，已按规定脱敏处理，涉及%s与%s。\n", PICK(regions),
		  PICK(orgs), PICK(domains), PICK(kinds));
	dbuf_addf(body, "对原始记录进行清洗、去重，按%s%s分析、%s优化。", PICK(domains), PICK(kinds),
		  PICK(domains));
	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "%s", holder->p);
	d->holders = &h;
	d->nholders = 1;
	if (k.status != APP_PUBLICATION && k.status != APP_OBJECTION) {
		k.section = industries[ind].section;
		k.division = (industries[ind].code[0] - '0') * 10 + industries[ind].code[1] - '0';
		snprintf(d->industry, sizeof(d->industry), "%s", industries[ind].code);
		snprintf(d->cert_no, sizeof(d->cert_no), "20%02u%02u1100%07u", 23 + rnd(3) % 100,
			 1 + rnd(12) % 100, (unsigned)(id % 10000000));
		snprintf(d->reg_no, sizeof(d->reg_no), "2024%u2%09u%u", 1 + rnd(5),
			 (unsigned)(id % 1000000000), rnd(10));
		snprintf(d->fingerprint, sizeof(d->fingerprint), "sha256:%016llx%048d",
			 (unsigned long long)id * 0x9e3779b97f4a7c15ull, 0);
		dbuf_addf(body, "\n%s\n%s\n%s", industries[ind].name, d->cert_no, d->reg_no);
	}
	d->key = store_search_key(&k);
	d->name = name->p;
	d->holder = holder->p;
	d->body = body->p;
}

static int load(struct store *s, long n)
{
	struct dbuf name, holder, body;
	struct search_doc d;
	double t0 = now_ms(), c0 = cpu_ms(), t1;
	long i;
	int rc = 0;

	dbuf_init(&name, 0);
	dbuf_init(&holder, 0);
	dbuf_init(&body, 0);
	for (i = 0; rc == 0 && i < n; i++) {
		if (i % 10000 == 0 && (rc = s->begin(s, 1)) != 0)
			break;
		make_doc(i + 1, &d, &name, &holder, &body);
		rc = s->search_put(s, &d);
		if (rc == 0 && (i % 10000 == 9999 || i == n - 1))
			rc = s->commit(s);
		if (i % 100000 == 99999)
			fprintf(stderr, "  %ld documents, %.0f s\n", i + 1, (now_ms() - t0) / 1e3);
	}
	if (rc) {
		fprintf(stderr, "load: %s\n", s->err.message);
		return 1;
	}
	t1 = now_ms();
	printf("load: %ld documents through search_put in %.1f s (%.0f per second; %.1f s CPU)\n",
	       n, (t1 - t0) / 1e3, (double)n / ((t1 - t0) / 1e3), (cpu_ms() - c0) / 1e3);
	if (s->begin(s, 1) == 0) {
		s->setting_put(s, "search_index", "1");
		s->commit(s);
	}
	dbuf_free(&name);
	dbuf_free(&holder);
	dbuf_free(&body);
	return 0;
}

/* The query mix: what a register's visitors type, broad and narrow, with
 * and without filters; weight is how often it comes. */
struct mixq {
	const char *label;
	struct search_params p;
	int weight;
	int page2;                 /* also fetch the second page */
};

static struct mixq mix[] = {
	{ "browse (no q)", { .limit = 20 }, 4, 0 },
	{ "browse industry=G status=registered", { .industry = "G", .status = "registered", .limit = 20 }, 2, 0 },
	{ "数据 (74%)", { .q = "数据", .limit = 20 }, 3, 0 },
	{ "数据集 (45%)", { .q = "数据集", .limit = 20 }, 2, 0 },
	{ "北京 (10%)", { .q = "北京", .limit = 20 }, 3, 0 },
	{ "交通", { .q = "交通", .limit = 20 }, 3, 1 },
	{ "北京 客流", { .q = "北京 客流", .limit = 20 }, 3, 0 },
	{ "港口 吞吐量", { .q = "港口 吞吐量", .limit = 20 }, 2, 0 },
	{ "上海 出租车 轨迹", { .q = "上海 出租车 轨迹", .limit = 20 }, 3, 0 },
	{ "半导体 价格 青岛", { .q = "半导体 价格 青岛", .limit = 20 }, 2, 0 },
	{ "\"container throughput\"", { .q = "\"container throughput\"", .limit = 20 }, 2, 0 },
	{ "Beijing taxi", { .q = "Beijing taxi", .limit = 20 }, 2, 0 },
	{ "卫星遥感 OR 地理信息", { .q = "卫星遥感 OR 地理信息", .limit = 20 }, 2, 0 },
	{ "深圳 充电桩 -2020", { .q = "深圳 充电桩 -2020", .limit = 20 }, 1, 0 },
	{ "港 (one character)", { .q = "港", .limit = 20 }, 1, 0 },
	{ "数据 北京 交通", { .q = "数据 北京 交通", .limit = 20 }, 2, 0 },
	{ "电力 industry=D 2025", { .q = "电力", .industry = "D", .from = "2025-01-01", .to = "2025-12-31", .limit = 20 }, 2, 0 },
	{ "数据 status=revoked", { .q = "数据", .status = "revoked", .limit = 20 }, 1, 0 },
	{ "北京 sort=newest", { .q = "北京", .sort = "newest", .limit = 20 }, 1, 1 },
	{ "holder filter", { .holder = "北京市公共交通集团有限公司", .limit = 20 }, 1, 0 },
	{ "certificate number", { .q = "20241111000000042", .limit = 20 }, 2, 0 },
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct lat {
	double *v;
	size_t n, cap;
};

static void lat_add(struct lat *l, double ms)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = ms;
}

static double pct(struct lat *l, double p)
{
	size_t i;

	if (l->n == 0)
		return 0;
	qsort(l->v, l->n, sizeof(*l->v), cmp_double);
	i = (size_t)(p * (double)(l->n - 1) + 0.5);
	return l->v[i];
}

static int query(struct svc *v, double seconds, int window, int count_limit)
{
	struct lat per[N_OF(mix)], cpu[N_OF(mix)], all, allcpu;
	struct dip_error e;
	int64_t totals[N_OF(mix)];
	int exact[N_OF(mix)];
	size_t order[256], norder = 0, i, j;
	double t0, c0, t, c, start, cstart;
	long done = 0;
	json_t *o, *o2;
	char cursor[128];

	memset(per, 0, sizeof(per));
	memset(cpu, 0, sizeof(cpu));
	memset(&all, 0, sizeof(all));
	memset(&allcpu, 0, sizeof(allcpu));
	for (i = 0; i < N_OF(mix); i++) {
		mix[i].p.window = window;
		mix[i].p.count_limit = count_limit;
		for (j = 0; j < (size_t)mix[i].weight && norder < 256; j++)
			order[norder++] = i;
	}
	/* Warm the caches once. */
	for (i = 0; i < N_OF(mix); i++) {
		if (svc_search_json(v, &mix[i].p, &o, NULL, &e) != 0) {
			fprintf(stderr, "%s: %s\n", mix[i].label, e.message);
			return 1;
		}
		totals[i] = json_integer_value(json_object_get(o, "total"));
		exact[i] = json_is_true(json_object_get(o, "total_exact"));
		json_decref(o);
	}
	start = now_ms();
	cstart = cpu_ms();
	while (now_ms() - start < seconds * 1e3) {
		i = order[rnd((uint32_t)norder)];
		t0 = now_ms();
		c0 = cpu_ms();
		if (svc_search_json(v, &mix[i].p, &o, NULL, &e) != 0) {
			fprintf(stderr, "%s: %s\n", mix[i].label, e.message);
			return 1;
		}
		if (mix[i].page2 && json_is_string(json_object_get(o, "next"))) {
			struct search_params p2 = mix[i].p;

			snprintf(cursor, sizeof(cursor), "%s",
				 json_string_value(json_object_get(o, "next")));
			p2.cursor = cursor;
			if (svc_search_json(v, &p2, &o2, NULL, &e) == 0)
				json_decref(o2);
		}
		json_decref(o);
		t = now_ms() - t0;
		c = cpu_ms() - c0;
		lat_add(&per[i], t);
		lat_add(&cpu[i], c);
		lat_add(&all, t);
		lat_add(&allcpu, c);
		done++;
	}
	t = now_ms() - start;
	c = cpu_ms() - cstart;
	printf("%-34s %8s %5s %6s %8s %8s %8s %8s\n", "query", "total", "exact", "runs", "p50 ms",
	       "p99 ms", "cpu p50", "cpu p99");
	for (i = 0; i < N_OF(mix); i++)
		printf("%-34s %8lld %5s %6zu %8.2f %8.2f %8.2f %8.2f\n", mix[i].label,
		       (long long)totals[i], exact[i] ? "yes" : "no", per[i].n, pct(&per[i], 0.5),
		       pct(&per[i], 0.99), pct(&cpu[i], 0.5), pct(&cpu[i], 0.99));
	printf("%-34s %8s %5s %6ld %8.2f %8.2f %8.2f %8.2f\n", "all (weighted mix)", "", "", done,
	       pct(&all, 0.5), pct(&all, 0.99), pct(&allcpu, 0.5), pct(&allcpu, 0.99));
	printf("single thread: %.0f queries/s by the wall clock, %.0f per CPU second "
	       "(window %d, count limit %d)\n", (double)done / (t / 1e3), (double)done / (c / 1e3),
	       window ? window : SEARCH_WINDOW, count_limit ? count_limit : SEARCH_COUNT_LIMIT);
	for (i = 0; i < N_OF(mix); i++) {
		free(per[i].v);
		free(cpu[i].v);
	}
	free(all.v);
	free(allcpu.v);
	return 0;
}

static const char *const common_tokens[] = { "数据", "据集" };

static int is_common(void *ud, const char *tok, size_t len)
{
	size_t i;

	(void)ud;
	for (i = 0; i < N_OF(common_tokens); i++)
		if (strlen(common_tokens[i]) == len && memcmp(common_tokens[i], tok, len) == 0)
			return 1;
	return 0;
}

/* The store's matching alone, for the first SEARCH_COUNT_LIMIT + 1 keys as
 * the service asks, with and without the hyper-common hook. */
static int match(struct store *s)
{
	static const char *const qs[] = { "数据", "北京", "数据 北京", "数据 北京 交通", "数据集 港口",
					  "数据 上海 出租车 轨迹", "交通 数据集" };
	struct qry_opts opts = { is_common, NULL, 0, 0, 0 };
	struct search_match m;
	struct dip_error e;
	int64_t *keys = malloc((SEARCH_COUNT_LIMIT + 1) * sizeof(*keys));
	double t[2][9];
	int n[2], pass, run;
	size_t i;
	struct qry *q;

	printf("%-26s %9s %9s %9s %9s   (CPU ms, median of 9)\n", "query", "keys", "ms", "keys",
	       "ms (common dropped)");
	for (i = 0; i < N_OF(qs); i++) {
		for (pass = 0; pass < 2; pass++) {
			if (qry_parse(qs[i], strlen(qs[i]), pass ? &opts : NULL, &q, NULL, &e) != 0)
				return 1;
			for (run = 0; run < 9; run++) {
				double t0 = cpu_ms();

				memset(&m, 0, sizeof(m));
				m.q = q;
				m.limit = SEARCH_COUNT_LIMIT + 1;
				s->begin(s, 0);
				if (s->search_match(s, &m, keys, &n[pass]) != 0) {
					fprintf(stderr, "%s\n", s->err.message);
					return 1;
				}
				s->rollback(s);
				t[pass][run] = cpu_ms() - t0;
			}
			qsort(t[pass], 9, sizeof(double), cmp_double);
			qry_free(q);
		}
		printf("%-26s %9d %9.2f %9d %9.2f\n", qs[i], n[0], t[0][4], n[1], t[1][4]);
	}
	free(keys);
	return 0;
}

/* SQLite only: FTS5 merges its segments into one (what automerge does
 * bit by bit as a live index grows). */
static int optimize(const char *path)
{
	sqlite3 *db;
	double t0 = now_ms();
	char *err = NULL;

	if (strncmp(path, "postgres", 8) == 0)
		return 0;
	if (sqlite3_open(path, &db) != SQLITE_OK || fts_register(db, NULL) != 0 ||
	    sqlite3_exec(db, "INSERT INTO search_fts(search_fts) VALUES ('optimize')", NULL, NULL,
			 &err) != SQLITE_OK) {
		fprintf(stderr, "optimize: %s\n", err ? err : sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_close(db);
	printf("optimize: %.1f s\n", (now_ms() - t0) / 1e3);
	return 0;
}

int main(int argc, char **argv)
{
	struct registry reg;
	struct dip_error e;
	struct svc v;
	struct store *s;
	int rc = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_store load DB N | optimize DB | query DB [SECONDS [WINDOW COUNT_LIMIT]] | match DB\n");
		return 2;
	}
	s = store_open(argv[2], &e);
	if (s == NULL) {
		fprintf(stderr, "%s\n", e.message);
		return 1;
	}
	if (strcmp(argv[1], "load") == 0 && argc > 3) {
		rc = load(s, strtol(argv[3], NULL, 10));
	} else if (strcmp(argv[1], "query") == 0) {
		if (registry_init(&reg, &e) != 0) {
			fprintf(stderr, "%s\n", e.message);
			return 1;
		}
		v.reg = &reg;
		v.st = s;
		rc = query(&v, argc > 3 ? strtod(argv[3], NULL) : 20,
			   argc > 5 ? (int)strtol(argv[4], NULL, 10) : 0,
			   argc > 5 ? (int)strtol(argv[5], NULL, 10) : 0);
		registry_release(&reg);
	} else if (strcmp(argv[1], "match") == 0) {
		rc = match(s);
	} else if (strcmp(argv[1], "optimize") == 0) {
		rc = optimize(argv[2]);
	}
	store_close(s);
	return rc;
}
