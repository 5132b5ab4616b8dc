/*
 * cmd_benchgen.c - "dipreg bench-gen": a synthetic registry of N
 * registrations for the benchmarks in bench/ (a hidden subcommand).
 *
 * Unlike "dipreg demo", which drives every act through the service layer
 * (one durable transaction each, a few hundred a second), this writes the
 * rows straight through the store in large transactions, tens of
 * thousands of registrations a second, so that registries of a million
 * records can be built in minutes.  The rows are the ones the service
 * layer would have written: each application is filed at a time between
 * the Beijing measures' start (2023-06-19) and now, ids in filing order,
 * and its history is played forward on the registry's calendar until now
 * - deposit, draft, submission, correction notice and reply, refusal,
 * withdrawal, deemed withdrawal, publication, objection, registration
 * with a signed certificate, renewal, expiry, cancellation, revocation -
 * with the events, deadlines (closed ones, and open ones in the future),
 * notices, uploads and log entries each act leaves.  Log entries are
 * appended in time order and integrated into tiles and signed checkpoints
 * as the sequencer would.
 *
 * Names are Chinese and English dataset names built from vocabularies of
 * places, subjects and kinds of data; industries follow weights per GB/T
 * 4754 section; holders are legal persons, natural persons and
 * organisations with valid identity numbers, a few holding many datasets.
 * The same --seed gives the same registry.  Uploaded files are recorded
 * as rows only (their bytes are not written).
 *
 * --drafts K adds an applicant "bench" with K complete drafts ready to
 * submit and an API token, written with the drafts' id range to
 * --token-file, for the submission benchmark.  With --count 0 on a
 * registry generated before, it adds only that: a new applicant
 * ("bench-N") and K new drafts, so that a kept registry whose drafts a
 * benchmark has submitted can be measured again.
 */
#include "cli/cli.h"
#include "cli/common.h"
#include "crypto/hash.h"
#include "crypto/password.h"
#include "crypto/rand.h"
#include "domain/application.h"
#include "domain/certno.h"
#include "domain/period.h"
#include "ledger/certificate.h"
#include "util/b64.h"
#include "util/file.h"
#include "util/jcs.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAY 86400
#define HOUR 3600
#define MAX_EVENTS 24
#define MAX_DEADLINES 16
#define MAX_MESSAGES 16
#define MAX_LOG 8
#define BATCH 20000

/* ---- randomness ------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned rnd(unsigned n)
{
	return n ? (unsigned)(rnd64() % n) : 0;
}

static double rndf(void)
{
	return (double)(rnd64() >> 11) / (double)(1ull << 53);
}

/* 1 with probability p percent. */
static int chance(double pct)
{
	return rndf() * 100.0 < pct;
}

#define PICK(a) (a[rnd(sizeof(a) / sizeof(a[0]))])

/* ---- vocabularies ------------------------------------------------------ */

/* A Beijing registry: most holders are in Beijing, the rest nationwide. */
static const char *const bj_places[] = {
	"北京市", "海淀区", "朝阳区", "东城区", "西城区", "丰台区", "石景山区", "通州区", "顺义区",
	"昌平区", "大兴区", "亦庄经开区", "中关村", "怀柔区", "房山区", "门头沟区", "京津冀",
};
static const char *const cn_places[] = {
	"全国", "上海市", "天津市", "重庆市", "广东省", "深圳市", "浙江省", "杭州市", "江苏省",
	"苏州市", "山东省", "青岛市", "四川省", "成都市", "湖北省", "武汉市", "河北省", "雄安新区",
	"陕西省", "西安市", "长三角", "粤港澳大湾区",
};
static const char *const en_places[] = {
	"Beijing", "Haidian", "Chaoyang", "Zhongguancun", "Yizhuang", "Tongzhou", "Shanghai",
	"Shenzhen", "Hangzhou", "Tianjin", "China", "Jing-Jin-Ji",
};

/* Subjects of data, by GB/T 4754 section. */
struct section_vocab {
	char section;
	int weight;                 /* share of registrations, per mille */
	const char *subjects[6];    /* Chinese */
	const char *en[3];          /* English */
};

static const struct section_vocab sections[] = {
	{ 'A', 40, { "农作物长势", "耕地墒情", "畜禽养殖", "渔业捕捞", "林草资源", "农机作业" },
	  { "crop growth", "soil moisture", "livestock" } },
	{ 'B', 8, { "矿山安全监测", "油气勘探", "煤炭产量", "矿产储量", "尾矿库监测", "地质钻探" },
	  { "mine safety", "oil exploration", "coal output" } },
	{ 'C', 170, { "工业设备运行工况", "智能制造质检图像", "汽车零部件质量", "半导体良率", "钢铁能耗",
		      "医药生产批记录" }, { "machine telemetry", "quality inspection", "wafer yield" } },
	{ 'D', 60, { "电力负荷", "光伏发电功率", "城市燃气用量", "供热管网", "城市供水管网", "风电场运行" },
	  { "power load", "solar output", "water network" } },
	{ 'E', 20, { "建筑工地扬尘", "工程造价", "装配式建筑构件", "施工进度", "桥梁健康监测", "BIM模型" },
	  { "construction cost", "bridge monitoring", "site dust" } },
	{ 'F', 40, { "农产品批发价格", "电商消费趋势", "商超销售", "大宗商品交易", "跨境电商订单", "零售门店客流" },
	  { "retail sales", "e-commerce orders", "wholesale prices" } },
	{ 'G', 100, { "公共交通客流", "城市物流轨迹", "网约车订单", "航班运行", "港口集装箱吞吐", "城市停车泊位" },
	  { "bus ridership", "logistics trajectory", "container throughput" } },
	{ 'H', 15, { "酒店入住", "餐饮外卖订单", "连锁餐饮经营", "民宿预订", "团餐供应", "食品安全抽检" },
	  { "hotel occupancy", "food delivery", "restaurant sales" } },
	{ 'I', 190, { "移动互联网用户行为", "网络安全威胁情报", "卫星遥感影像解译", "城市时空大数据",
		      "政务服务事项", "语音语料" }, { "user behaviour", "threat intelligence", "satellite imagery" } },
	{ 'J', 90, { "企业信用画像", "金融交易反欺诈特征", "供应链金融票据", "保险理赔", "证券行情",
		     "普惠金融风控" }, { "credit scoring", "anti-fraud features", "insurance claims" } },
	{ 'K', 30, { "房地产成交", "不动产登记", "住房租赁", "物业服务", "商业地产客流", "二手房挂牌" },
	  { "housing transactions", "rental listings", "property services" } },
	{ 'L', 55, { "企业经营指标", "招投标信息", "广告投放效果", "人力资源招聘", "会展客流", "知识产权交易" },
	  { "procurement notices", "advertising reach", "job postings" } },
	{ 'M', 80, { "气象观测格点", "科研仪器共享", "检验检测报告", "基因测序", "材料性能试验", "专利引证" },
	  { "weather grid", "genome sequencing", "lab test reports" } },
	{ 'N', 30, { "空气质量监测", "水质自动监测", "生态环境遥感", "垃圾分类收运", "园林绿化", "水文监测" },
	  { "air quality", "water quality", "waste collection" } },
	{ 'O', 5, { "家政服务", "养老照护", "汽车维修保养", "洗衣连锁", "社区服务", "宠物医疗" },
	  { "home services", "elderly care", "car maintenance" } },
	{ 'P', 20, { "教育学习行为", "职业技能培训", "在线课程", "校园一卡通", "学业水平测评", "图书借阅" },
	  { "learning behaviour", "online courses", "skills training" } },
	{ 'Q', 40, { "医疗影像标注", "电子病历结构化", "医保结算", "公共卫生监测", "药品不良反应", "体检报告" },
	  { "medical imaging", "health records", "drug safety" } },
	{ 'R', 20, { "文旅景区客流", "影视票房", "数字文物", "体育赛事", "音乐版权使用", "出版物发行" },
	  { "tourist flows", "box office", "sports events" } },
	{ 'S', 8, { "政务热线工单", "社会保障", "公共资源交易", "城市管理事件", "应急救援", "人口统计" },
	  { "hotline tickets", "social security", "emergency response" } },
	{ 'T', 1, { "国际组织统计", "国际援助项目", "跨境合作", "国际标准", "国际会议", "外事活动" },
	  { "international statistics", "aid projects", "cooperation" } },
};

static const char *const cn_kinds[] = {
	"", "", "", "实时", "历史", "月度", "年度", "标注", "统计", "监测", "画像", "指数",
};
static const char *const cn_suffixes[] = {
	"数据集", "数据集", "数据集", "数据集", "数据集合", "数据集合", "数据资源", "数据库", "数据产品",
};
static const char *const en_suffixes[] = { "dataset", "dataset", "data collection", "database" };

static const char *const brands[] = {
	"智联", "华信", "中科", "京能", "星图", "数融", "云帆", "天元", "博睿", "海纳", "易通", "首信",
	"金桥", "长城", "九州", "国信", "启明", "远景", "同方", "鼎新", "瑞达", "汇智", "泰和", "恒远",
	"新源", "明略", "东方", "卓越", "正元", "普惠",
};
static const char *const fields_cn[] = {
	"数据科技", "信息技术", "大数据", "智能科技", "网络科技", "数字科技", "科技发展", "数据服务",
};
static const char *const org_suffixes[] = {
	"有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司",
};
static const char *const institutions[] = {
	"研究院", "信息中心", "大数据中心", "监测站", "研究所", "协会", "数据交易服务中心",
};
static const char *const en_brands[] = {
	"Zhilian", "Huaxin", "Starmap", "Cloudsail", "Tianyuan", "Borui", "Haina", "Yitong",
	"Jinqiao", "Qiming", "Dingxin", "Huizhi",
};
static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
	"何", "郭", "马", "罗",
};
static const char *const given[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
	"超", "秀英", "华", "平", "建国", "海燕", "志强", "晓东",
};
static const char *const scen_users[] = {
	"交通管理部门", "行业主管部门", "金融机构", "科研院所", "制造企业", "平台企业", "城市运营方",
	"中小企业", "公共服务机构", "保险公司",
};
static const char *const scen_goals[] = {
	"预测与调度优化", "风险识别与预警", "精准营销与选品", "规划选址", "质量追溯", "模型训练与评测",
	"监管执法辅助", "运营效率提升", "供需匹配", "成本核算",
};
static const char *const source_texts[] = {
	"由自有业务系统在日常经营中自动采集形成，采集前已取得用户授权。",
	"由自建传感器网络连续采集，并经清洗、校验后入库。",
	"经合作方书面授权后汇聚，并与公开数据融合加工形成。",
	"依据公共数据授权运营协议获取，并在授权范围内加工形成。",
	"通过数据交易所合规采购取得原始数据，经自有算法加工形成。",
};
static const char *const algo_texts[] = {
	"对原始记录进行清洗、去重、异常值剔除，并按时空维度聚合统计，形成标准化指标。",
	"采用规则引擎与机器学习模型对原始数据进行分类标注，并经人工复核抽检。",
	"对多源数据进行实体对齐与关联融合，按统一编码规则生成主题宽表。",
	"基于时间序列模型对缺失值插补、对异常值修正，并生成小时级与日级汇总。",
};
static const char *const anonym_texts[] = {
	"个人标识经加盐哈希和泛化处理，不可通过可逆算法还原原始数据。",
	"对直接标识符删除、对准标识符泛化并满足k匿名（k≥5），无法识别特定自然人。",
};
static const char *const frequencies[] = { "realtime", "daily", "daily", "weekly", "monthly", "quarterly", "yearly", "static" };

/* ---- the registry being built ------------------------------------------ */

struct holder {
	int64_t id;
	enum party_kind kind;
	char name[160];
	char id_number[19];
	char proof[65], sample[65];   /* upload hashes */
	char place[40];
};

/* A log entry waiting for its turn (entries are appended in time order). */
enum pend_kind { PEND_PLAIN, PEND_DEPOSIT, PEND_CERT };

struct pending {
	dip_time at;
	uint64_t seq;
	enum pend_kind kind;
	int64_t ref;                  /* deposit id */
	char *entry;                  /* canonical JSON */
	size_t len;
	char *body;                   /* PEND_CERT: the certificate body, JSON */
	struct certificate cert;      /* PEND_CERT: the row, without doc and index */
};

struct gen {
	struct svc *v;
	const struct registry *reg;
	struct store *st;
	dip_time start, now;
	struct holder *holders;
	size_t nholders;
	int64_t examiner;
	char pw_hash[200];
	struct pending *heap;
	size_t nheap, capheap;
	uint64_t seq;
	int64_t log_entries, certs, events, deadlines, messages;
	int64_t last_app;             /* id of the last application written */
	dip_time last_time;           /* filing time of the last one */
	int64_t states[APP__COUNT];
	struct dip_error e;
};

static int fail(const char *what, const struct dip_error *e)
{
	return cli_fail("bench-gen: %s: %s", what, e->message);
}

static int st_fail(struct gen *g, const char *what)
{
	return cli_fail("bench-gen: %s: %s", what, g->st->err.message);
}

/* ---- the log, in time order -------------------------------------------- */

static int pend_less(const struct pending *a, const struct pending *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static int pend_push(struct gen *g, struct pending *p)
{
	size_t i;
	struct pending tmp;

	if (g->nheap == g->capheap) {
		size_t cap = g->capheap ? g->capheap * 2 : 4096;
		struct pending *h = realloc(g->heap, cap * sizeof(*h));

		if (h == NULL)
			return cli_fail("bench-gen: out of memory");
		g->heap = h;
		g->capheap = cap;
	}
	p->seq = g->seq++;
	i = g->nheap++;
	g->heap[i] = *p;
	while (i > 0 && pend_less(&g->heap[i], &g->heap[(i - 1) / 2])) {
		tmp = g->heap[i];
		g->heap[i] = g->heap[(i - 1) / 2];
		g->heap[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
	return 0;
}

static void pend_pop(struct gen *g, struct pending *out)
{
	size_t i = 0, c;
	struct pending tmp;

	*out = g->heap[0];
	g->heap[0] = g->heap[--g->nheap];
	for (;;) {
		c = 2 * i + 1;
		if (c >= g->nheap)
			break;
		if (c + 1 < g->nheap && pend_less(&g->heap[c + 1], &g->heap[c]))
			c++;
		if (!pend_less(&g->heap[c], &g->heap[i]))
			break;
		tmp = g->heap[i];
		g->heap[i] = g->heap[c];
		g->heap[c] = tmp;
		i = c;
	}
}

/* Queues entry (stolen) of type at time at, as svc__ledger would write it. */
static int log_entry(struct gen *g, const char *type, json_t *entry, dip_time at,
		     enum pend_kind kind, int64_t ref, json_t *cert_body, const struct certificate *c)
{
	struct pending p;
	struct dbuf b;
	char ts[32];
	int rc;

	memset(&p, 0, sizeof(p));
	time_format(at, g->reg->zone, ts);
	json_object_set_new(entry, "type", json_string(type));
	json_object_set_new(entry, "time", json_string(ts));
	dbuf_init(&b, LED_ENTRY_MAX);
	rc = jcs_serialize(entry, &b, &g->e);
	json_decref(entry);
	if (rc) {
		dbuf_free(&b);
		return fail("log entry", &g->e);
	}
	p.at = at;
	p.kind = kind;
	p.ref = ref;
	p.entry = dbuf_detach(&b, &p.len);
	if (cert_body) {
		p.body = json_dumps(cert_body, JSON_COMPACT);
		p.cert = *c;
	}
	return pend_push(g, &p);
}

/* Appends every queued entry dated before t. */
static int log_flush(struct gen *g, dip_time t)
{
	struct store *st = g->st;
	struct pending p;
	json_t *body, *doc = NULL;
	int64_t idx;
	int rc = 0;

	while (rc == 0 && g->nheap && g->heap[0].at <= t) {
		pend_pop(g, &p);
		rc = st->ledger_append(st, p.entry, p.len, p.kind != PEND_DEPOSIT, &idx);
		if (rc) {
			rc = st_fail(g, "log append");
		} else if (p.kind == PEND_DEPOSIT) {
			if (st->deposit_set_index(st, p.ref, idx))
				rc = st_fail(g, "deposit");
		} else if (p.kind == PEND_CERT) {
			body = json_loads(p.body, 0, NULL);
			if (body == NULL ||
			    led_cert_sign(body, g->reg->keys->signers, g->reg->keys->nsigners, &doc, &g->e)) {
				rc = fail("certificate", &g->e);
			} else {
				p.cert.doc = json_dumps(doc, JSON_COMPACT);
				p.cert.ledger_index = idx;
				if (st->cert_insert(st, &p.cert))
					rc = st_fail(g, "certificate");
				free(p.cert.doc);
				g->certs++;
			}
			json_decref(body);
			json_decref(doc);
			doc = NULL;
		}
		g->log_entries++;
		free(p.entry);
		free(p.body);
	}
	return rc;
}

/* ---- holders ----------------------------------------------------------- */

static void make_uscc(char out[19])
{
	static const char alnum[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	char base[18];
	int i;

	/* 9 + 1 (enterprise) + 6-digit area code + 9-character organisation code. */
	snprintf(base, sizeof(base), "91%s", rnd(3) ? "110108" : "110105");
	for (i = 8; i < 17; i++)
		base[i] = alnum[rnd(i == 8 ? 10 : (unsigned)(sizeof(alnum) - 1))];
	base[17] = '\0';
	idnum_complete_uscc(base, out);
}

static void make_citizen(char out[19])
{
	char base[18];
	int y = 1960 + (int)rnd(40), m = 1 + (int)rnd(12), d = 1 + (int)rnd(28);

	snprintf(base, sizeof(base), "110%03u%04d%02d%02d%03u", 101 + rnd(17), y, m, d, rnd(1000));
	idnum_complete_citizen(base, out);
}

static void upload_hash(int64_t holder, const char *what, char out[65])
{
	uint8_t h[CRYPTO_HASH_LEN];
	char in[64];

	snprintf(in, sizeof(in), "bench-gen %lld %s", (long long)holder, what);
	crypto_hash(CRYPTO_SHA256, in, strlen(in), h);
	hex_encode(out, h, sizeof(h));
	out[64] = '\0';
}

static int add_account(struct gen *g, const char *login, const char *name, enum party_kind kind,
		       const char *idn, unsigned roles, int64_t *id)
{
	struct account a;

	memset(&a, 0, sizeof(a));
	snprintf(a.login, sizeof(a.login), "%s", login);
	snprintf(a.display_name, sizeof(a.display_name), "%s", name);
	a.kind = kind;
	snprintf(a.id_number, sizeof(a.id_number), "%s", idn);
	a.roles = roles;
	snprintf(a.pw_hash, sizeof(a.pw_hash), "%s", g->pw_hash);
	a.created_at = g->start;
	if (g->st->account_insert(g->st, &a))
		return st_fail(g, "account");
	*id = a.id;
	return 0;
}

static int add_uploads(struct gen *g, struct holder *h)
{
	struct upload u;

	upload_hash(h->id, "proof", h->proof);
	upload_hash(h->id, "sample", h->sample);
	memset(&u, 0, sizeof(u));
	u.owner_id = h->id;
	u.created_at = g->start;
	snprintf(u.sha256, sizeof(u.sha256), "%s", h->proof);
	snprintf(u.mime, sizeof(u.mime), "application/pdf");
	snprintf(u.name, sizeof(u.name), "数据来源合法性证明.pdf");
	u.size = 180000 + rnd(900000);
	if (g->st->upload_insert(g->st, &u))
		return st_fail(g, "upload");
	snprintf(u.sha256, sizeof(u.sha256), "%s", h->sample);
	snprintf(u.mime, sizeof(u.mime), "text/csv");
	snprintf(u.name, sizeof(u.name), "sample.csv");
	u.size = 2000 + rnd(200000);
	if (g->st->upload_insert(g->st, &u))
		return st_fail(g, "upload");
	return 0;
}

static int make_holders(struct gen *g, size_t n)
{
	char login[32];
	size_t i;
	unsigned k;

	g->holders = calloc(n, sizeof(*g->holders));
	if (g->holders == NULL)
		return cli_fail("bench-gen: out of memory");
	for (i = 0; i < n; i++) {
		struct holder *h = &g->holders[i];

		snprintf(h->place, sizeof(h->place), "%s", rnd(10) < 7 ? PICK(bj_places) : PICK(cn_places));
		k = rnd(100);
		if (k < 80) {
			h->kind = PARTY_LEGAL;
			if (rnd(10) == 0)
				snprintf(h->name, sizeof(h->name), "%s %s Data Technology Co., Ltd.",
					 PICK(en_places), PICK(en_brands));
			else
				snprintf(h->name, sizeof(h->name), "%s%s%s%s", h->place, PICK(brands),
					 PICK(fields_cn), PICK(org_suffixes));
			make_uscc(h->id_number);
		} else if (k < 90) {
			h->kind = PARTY_ORG;
			snprintf(h->name, sizeof(h->name), "%s%s%s", h->place, PICK(brands), PICK(institutions));
			make_uscc(h->id_number);
			h->id_number[0] = '5';
			h->id_number[1] = '2';
			{
				char base[18];

				memcpy(base, h->id_number, 17);
				base[17] = '\0';
				idnum_complete_uscc(base, h->id_number);
			}
		} else {
			h->kind = PARTY_NATURAL;
			snprintf(h->name, sizeof(h->name), "%s%s", PICK(surnames), PICK(given));
			make_citizen(h->id_number);
		}
		snprintf(login, sizeof(login), "holder%zu", i + 1);
		if (add_account(g, login, h->name, h->kind, h->id_number, ROLE_APPLICANT, &h->id) ||
		    add_uploads(g, h))
			return 1;
	}
	g->nholders = n;
	return 0;
}

/* A few holders file many datasets: index by a skewed distribution. */
static struct holder *pick_holder(struct gen *g)
{
	double u = rndf();

	return &g->holders[(size_t)((double)g->nholders * u * u * u) % g->nholders];
}

/* ---- application content ------------------------------------------------ */

static const struct section_vocab *pick_section(void)
{
	int total = 0, r;
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		total += sections[i].weight;
	r = (int)rnd((unsigned)total);
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		r -= sections[i].weight;
		if (r < 0)
			return &sections[i];
	}
	return &sections[0];
}

/* A division of the section (or, now and then, the section itself). */
static void pick_industry(const struct registry *reg, char section, char out[5])
{
	const struct industry_table *t = &reg->industries;
	size_t i, n = 0, want;

	for (i = 0; i < t->n; i++)
		if (t->v[i].section == section && t->v[i].code[0] >= '0' && t->v[i].code[0] <= '9')
			n++;
	if (n == 0 || rnd(10) == 0) {
		snprintf(out, 5, "%c", section);
		return;
	}
	want = rnd((unsigned)n);
	for (i = 0; i < t->n; i++)
		if (t->v[i].section == section && t->v[i].code[0] >= '0' && t->v[i].code[0] <= '9' &&
		    want-- == 0) {
			snprintf(out, 5, "%s", t->v[i].code);
			return;
		}
	snprintf(out, 5, "%c", section);
}

struct content_in {
	const struct holder *h;
	const char *fingerprint;
	int64_t deposit_id;
	dip_day formed;
	dip_time filed;
	char name[200];
	char industry[5];
	const char *source_kind;
	dip_day agreement_end;
};

static json_t *make_content(struct gen *g, struct content_in *in)
{
	const struct section_vocab *s = pick_section();
	const char *subject = s->subjects[rnd(6)];
	int personal = chance(30), public_data = 0, english = chance(12);
	char scenario[600], source[400], formed[11], agreed[11], upd[200], algo[400];
	json_t *c, *fields;
	unsigned k;
	int i, nf;

	pick_industry(g->reg, s->section, in->industry);
	if (english)
		snprintf(in->name, sizeof(in->name), "%s %s %s %u", PICK(en_places), s->en[rnd(3)],
			 PICK(en_suffixes), 2018 + rnd(8));
	else
		snprintf(in->name, sizeof(in->name), "%s%s%s%s%s", rnd(3) ? in->h->place : PICK(cn_places),
			 subject, PICK(cn_kinds), PICK(cn_suffixes),
			 rnd(5) == 0 ? (rnd(2) ? "（2024版）" : "（第二期）") : "");
	snprintf(scenario, sizeof(scenario),
		 "用于%s%s，服务%s和%s，解决%s数据分散、口径不一、时效性不足的问题。%s"
		 "典型场景包括%s与%s，可与%s等外部数据融合使用。",
		 subject, PICK(scen_goals), PICK(scen_users), PICK(scen_users), subject,
		 rnd(2) ? "数据产品以接口和离线文件两种方式提供，已在多个项目中应用。"
			: "已形成稳定的数据服务能力，按约定口径持续交付。",
		 PICK(scen_goals), PICK(scen_goals), sections[rnd(20)].subjects[rnd(6)]);
	k = rnd(100);
	in->source_kind = k < 60 ? "own" : k < 75 ? "collected" : k < 87 ? "agreement"
		       : k < 95 ? "purchased" : "public_authorised";
	public_data = strcmp(in->source_kind, "public_authorised") == 0;
	snprintf(source, sizeof(source), "%s覆盖%s范围，时间跨度%u年，累计接入%u个数据源，"
		 "原始数据经质量校验后方可入库。", PICK(source_texts), in->h->place, 1 + rnd(10),
		 2 + rnd(60));
	day_format(in->formed, formed);
	fields = json_array();
	nf = 3 + (int)rnd(6);
	for (i = 0; i < nf; i++) {
		static const char *const names[] = { "record_id", "observed_at", "region_code", "value",
						      "category", "lng", "lat", "status", "amount" };
		static const char *const fmts[] = { "char(32)", "timestamp", "char(12)", "decimal(12,4)",
						     "varchar(64)", "decimal(9,6)", "decimal(9,6)", "int", "decimal(18,2)" };

		json_array_append_new(fields, json_pack("{s:s,s:s}", "name", names[i], "format", fmts[i]));
	}
	snprintf(algo, sizeof(algo), "%s%s", PICK(algo_texts), PICK(algo_texts));
	snprintf(upd, sizeof(upd), "按%s增量更新，历史数据保留%u年。", rnd(2) ? "自然日" : "自然月",
		 3 + rnd(8));
	c = json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s},s:{s:o,s:I,s:I},s:{s:s,s:s},"
		      "s:{s:s,s:b,s:b},s:{s:s,s:s,s:I},s:s,s:{s:s},s:{s:b}}",
		      "name", in->name, "industry", in->industry, "scenario", scenario,
		      "source", "kind", in->source_kind, "description", source, "formed_on", formed,
		      "lawful_proof", in->h->proof,
		      "structure", "fields", fields, "records", (json_int_t)(10000 + rnd(900000000)),
		      "bytes", (json_int_t)(1000000 + (json_int_t)rnd(2000000000) * 32),
		      "update", "frequency", PICK(frequencies), "description", upd,
		      "algorithm", "summary", algo, "personal_data", personal, "public_data",
		      public_data,
		      "evidence", "kind", "deposit", "fingerprint", in->fingerprint, "deposit_id",
		      (json_int_t)in->deposit_id,
		      "sample", in->h->sample,
		      "other", "status", rnd(2) ? "持续运营，数据质量稳定" : "已通过第三方数据质量评估",
		      "declaration", "truthful", 1);
	if (personal || public_data)
		json_object_set_new(json_object_get(c, "algorithm"), "anonymisation",
				    json_string(PICK(anonym_texts)));
	in->agreement_end = 0;
	if (strcmp(in->source_kind, "agreement") == 0 || public_data) {
		/* Most agreements outlast a registration; some end sooner (Art. 13). */
		in->agreement_end = time_day(in->filed, g->reg->zone) + 365 * (2 + (int)rnd(6));
		day_format(in->agreement_end, agreed);
		json_object_set_new(json_object_get(c, "source"), "agreement_end", json_string(agreed));
	}
	return c;
}

/* ---- one application's history ----------------------------------------- */

enum outcome { O_REGISTER, O_DRAFT, O_WITHDRAW, O_DEEMED, O_REFUSE, O_REFUSE_PUBLISHED };

struct hist {
	struct gen *g;
	struct application a;
	struct holder *h[3];
	int nh;
	json_t *content;
	struct event ev[MAX_EVENTS];
	char ev_reason[MAX_EVENTS][200];
	int nev;
	struct deadline dl[MAX_DEADLINES];
	int ndl;
	struct message msg[MAX_MESSAGES];
	char msg_body[MAX_MESSAGES][400];
	int nmsg;
	struct objection obj;
	int has_obj;
	dip_time conf_at[3];
	/* log entries to write once the id is known */
	struct { const char *type; dip_time at; int version; dip_day from, until; } log[MAX_LOG];
	int nlog;
	int cert_status;
	dip_time cert_status_at[3];
	int cert_final_status[3];
};

static void ev_add(struct hist *x, dip_time at, int64_t actor, unsigned role, const char *action,
		   int from, int to, const char *reason, int dl_kind, dip_time dl_due)
{
	struct event *ev;

	if (x->nev == MAX_EVENTS)
		return;
	ev = &x->ev[x->nev];
	memset(ev, 0, sizeof(*ev));
	ev->at = at;
	ev->actor_id = actor;
	ev->actor_role = role;
	snprintf(ev->action, sizeof(ev->action), "%s", action);
	ev->from_state = from;
	ev->to_state = to;
	if (reason) {
		snprintf(x->ev_reason[x->nev], sizeof(x->ev_reason[0]), "%s", reason);
		ev->reason = x->ev_reason[x->nev];
	}
	ev->dl_kind = dl_kind;
	ev->dl_due = dl_due;
	x->nev++;
}

static dip_time due_of(const struct registry *r, int kind, dip_time from)
{
	const struct rule_period *p = &r->rules.dl[kind];
	dip_day day = time_day(from, r->zone);

	switch (p->unit) {
	case UNIT_WORKING_DAYS:
		return day_end(cal_add_working_days(&r->cal, day, p->n), r->zone);
	case UNIT_DAYS:
		return day_end(day + p->n, r->zone);
	case UNIT_MONTHS:
		return day_end(period_civil_end(day, 0, p->n), r->zone);
	case UNIT_YEARS:
		return day_end(period_civil_end(day, p->n, 0), r->zone);
	}
	return from;
}

/* Opens a deadline; returns its index. */
static int dl_open(struct hist *x, int kind, dip_time at, dip_time due, int ref)
{
	struct deadline *d;

	if (x->ndl == MAX_DEADLINES)
		return MAX_DEADLINES - 1;
	d = &x->dl[x->ndl];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->opened_at = at;
	d->due_at = due ? due : due_of(x->g->reg, kind, at);
	d->ref_id = ref;
	d->binds_party = kind == DL_EXPIRY || kind == DL_EXPIRY_NOTICE ? 1
			 : kind < DL__COUNT ? rules_deadline_binds_party((enum deadline_kind)kind) : 0;
	return x->ndl++;
}

static void dl_close_all(struct hist *x, dip_time at)
{
	int i;

	for (i = 0; i < x->ndl; i++)
		if (x->dl[i].closed_at == 0)
			x->dl[i].closed_at = at;
}

static void deliver(struct hist *x, const char *kind, const char *subject, dip_time at,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void deliver(struct hist *x, const char *kind, const char *subject, dip_time at,
		    const char *fmt, ...)
{
	struct message *m;
	va_list ap;

	if (x->nmsg == MAX_MESSAGES)
		return;
	m = &x->msg[x->nmsg];
	memset(m, 0, sizeof(*m));
	snprintf(m->kind, sizeof(m->kind), "%s", kind);
	m->subject = (char *)subject;
	va_start(ap, fmt);
	vsnprintf(x->msg_body[x->nmsg], sizeof(x->msg_body[0]), fmt, ap);
	va_end(ap);
	m->body = x->msg_body[x->nmsg];
	m->delivered_at = at;
	/* Notices older than a month are mostly read. */
	if (at < x->g->now - 30 * DAY && rnd(10) < 8)
		m->read_at = at + (dip_time)rnd(3 * DAY);
	x->nmsg++;
}

static void log_add(struct hist *x, const char *type, dip_time at, int version, dip_day from,
		    dip_day until)
{
	if (x->nlog == MAX_LOG)
		return;
	x->log[x->nlog].type = type;
	x->log[x->nlog].at = at;
	x->log[x->nlog].version = version;
	x->log[x->nlog].from = from;
	x->log[x->nlog].until = until;
	x->nlog++;
}

/* An instant within office hours on working day d. */
static dip_time office(const struct registry *r, dip_day d)
{
	while (!cal_is_working(&r->cal, d))
		d++;
	return day_start(d, r->zone) + 9 * HOUR + (dip_time)rnd(8 * HOUR);
}

/* Working day n after the day of t, in office hours. */
static dip_time after_wd(const struct registry *r, dip_time t, int n)
{
	return office(r, cal_add_working_days(&r->cal, time_day(t, r->zone), n));
}

static int assign_reg_no(struct gen *g, struct hist *x, dip_time at)
{
	static const struct {
		const char *kind;
		int code;
	} srcs[] = {
		{ "own", CERTNO_SRC_OWN }, { "collected", CERTNO_SRC_OPEN },
		{ "public_authorised", CERTNO_SRC_PUBLIC_AUTH }, { "agreement", CERTNO_SRC_AGREEMENT },
		{ "purchased", CERTNO_SRC_PURCHASE },
	};
	const char *kind = app_get_str(x->content, "source.kind");
	struct certno_reg r;
	char counter[32];
	int64_t seq;
	int m, d;
	size_t i;

	day_to_ymd(time_day(at, g->reg->zone), &r.year, &m, &d);
	r.source = CERTNO_SRC_OTHER;
	for (i = 0; kind && i < sizeof(srcs) / sizeof(srcs[0]); i++)
		if (strcmp(kind, srcs[i].kind) == 0)
			r.source = srcs[i].code;
	r.registrant = x->nh > 1 ? CERTNO_REG_JOINT
		       : x->h[0]->kind == PARTY_NATURAL ? CERTNO_REG_NATURAL
		       : x->h[0]->kind == PARTY_LEGAL ? CERTNO_REG_LEGAL : CERTNO_REG_UNINC;
	/* The same counters as the service, so later submissions go on. */
	snprintf(counter, sizeof(counter), "registration_seq_%04d", r.year);
	if (g->st->counter_next(g->st, counter, &seq))
		return st_fail(g, "counter");
	r.seq = (uint32_t)seq;
	return certno_reg_format(&r, x->a.reg_no, &g->e);
}

static int assign_cert_no(struct gen *g, struct hist *x, dip_time at)
{
	struct certno_cert c;
	int64_t serial;
	int d;

	if (g->st->counter_next(g->st, "certificate_serial", &serial))
		return st_fail(g, "counter");
	day_to_ymd(time_day(at, g->reg->zone), &c.year, &c.month, &d);
	c.registry = (int)strtol(g->reg->code, NULL, 10);
	c.serial = (uint32_t)serial;
	return certno_cert_format(&c, x->a.cert_no, &g->e);
}

/* Plays an application's history forward from filing time t0 until now. */
static int play(struct gen *g, struct hist *x, dip_time t0, enum outcome out)
{
	const struct registry *r = g->reg;
	int64_t ex = g->examiner, hid = x->h[0]->id;
	dip_time now = g->now, t, due;
	int i, k;
	char ds[32];

	x->a.state = APP_DRAFT;
	x->a.created_at = t0;
	ev_add(x, t0, hid, ROLE_APPLICANT, "create", APP_DRAFT, APP_DRAFT, NULL, DL_NONE, 0);
	x->conf_at[0] = t0;
	/* Art. 6: joint applicants confirm. */
	t = t0 + (dip_time)(HOUR + rnd(DAY));
	for (i = 1; i < x->nh; i++) {
		if (t >= now || out == O_DRAFT)
			return 0;
		ev_add(x, t, x->h[i]->id, ROLE_APPLICANT, "confirm", APP_DRAFT, APP_DRAFT, NULL, DL_NONE, 0);
		x->conf_at[i] = t;
		t += (dip_time)rnd(DAY);
	}
	if (out == O_DRAFT || t >= now)
		return 0;
	/* Art. 7: submitted. */
	if (assign_reg_no(g, x, t))
		return fail("registration number", &g->e);
	x->a.state = APP_SUBMITTED;
	x->a.submitted_at = t;
	k = dl_open(x, DL_EXAMINE, t, 0, 0);
	ev_add(x, t, hid, ROLE_APPLICANT, "submit", APP_DRAFT, APP_SUBMITTED, NULL, DL_EXAMINE,
	       x->dl[k].due_at);
	time_format(x->dl[k].due_at, r->zone, ds);
	deliver(x, "receipt", "申请受理回执 / receipt of application", t,
		"登记机构已收到申请（第七条）。形式审查将在 %s 前完成（第八条）。", ds);
	/* Art. 8: examined within 3 working days. */
	t = after_wd(r, t, 1 + (int)rnd(3));
	if (t > x->dl[k].due_at)
		t = x->dl[k].due_at - (dip_time)rnd(4 * HOUR);
	if (t >= now)
		return 0;
	if (out == O_REFUSE) {
		x->dl[k].closed_at = t;
		x->a.state = APP_REFUSED;
		x->a.refusal = 1u << rnd(7);
		x->a.closed_at = t;
		ev_add(x, t, ex, ROLE_EXAMINER, "refuse", APP_SUBMITTED, APP_REFUSED,
		       "经审查，申请材料不符合第九条规定的登记条件。", DL_NONE, 0);
		deliver(x, "refusal", "不予登记决定 / refusal", t, "不予登记决定（第九条）。");
		return 0;
	}
	if (out == O_DEEMED || chance(18)) {
		/* One correction notice listing every defect. */
		x->dl[k].closed_at = t;
		x->a.state = APP_CORRECTION;
		x->a.corrections = 1;
		k = dl_open(x, DL_CORRECTION_REPLY, t, 0, 0);
		ev_add(x, t, ex, ROLE_EXAMINER, "request_correction", APP_SUBMITTED, APP_CORRECTION,
		       "请补充数据来源合法性证明并细化应用场景说明。", DL_CORRECTION_REPLY, x->dl[k].due_at);
		time_format(x->dl[k].due_at, r->zone, ds);
		deliver(x, "correction_notice", "补正通知书 / correction notice", t,
			"请于 %s 前补正（第八条）：scenario、source.lawful_proof。", ds);
		if (out == O_DEEMED) {
			t = x->dl[k].due_at + 1;
			if (t >= now)
				return 0;
			x->dl[k].closed_at = t;
			x->a.state = APP_DEEMED_WITHDRAWN;
			x->a.closed_at = t;
			ev_add(x, t, 0, ROLE_SYSTEM, "deemed_withdrawn", APP_CORRECTION,
			       APP_DEEMED_WITHDRAWN, NULL, DL_NONE, 0);
			deliver(x, "deemed_withdrawn", "视为撤回 / deemed withdrawn", t,
				"未在期限内补正，申请视为撤回（第八条）。");
			return 0;
		}
		t = after_wd(r, t, 1 + (int)rnd(8));
		if (t >= now)
			return 0;
		x->dl[k].closed_at = t;
		x->a.state = APP_SUBMITTED;
		k = dl_open(x, DL_EXAMINE, t, 0, 0);
		ev_add(x, t, hid, ROLE_APPLICANT, "reply_correction", APP_CORRECTION, APP_SUBMITTED,
		       "已按补正通知补充材料。", DL_EXAMINE, x->dl[k].due_at);
		t = after_wd(r, t, 1 + (int)rnd(3));
		if (t > x->dl[k].due_at)
			t = x->dl[k].due_at - (dip_time)rnd(4 * HOUR);
		if (t >= now)
			return 0;
	}
	if (out == O_WITHDRAW) {
		dl_close_all(x, t);
		x->a.state = APP_WITHDRAWN;
		x->a.closed_at = t;
		if (rnd(2))
			x->a.withdraw_reason = strdup("需补充采集授权后重新申请");
		ev_add(x, t, hid, ROLE_APPLICANT, "withdraw", APP_SUBMITTED, APP_WITHDRAWN,
		       x->a.withdraw_reason, DL_NONE, 0);
		deliver(x, "withdrawal", "申请已撤回 / application withdrawn", t, "申请已撤回。");
		return 0;
	}
	/* Art. 10: published for 10 working days. */
	dl_close_all(x, t);
	x->a.state = APP_PUBLICATION;
	x->a.published_at = t;
	k = dl_open(x, DL_PUBLICATION, t, 0, 0);
	due = x->dl[k].due_at;
	ev_add(x, t, ex, ROLE_EXAMINER, "publish", APP_SUBMITTED, APP_PUBLICATION, NULL,
	       DL_PUBLICATION, due);
	log_add(x, "publication", t, (int)due, 0, 0);
	time_format(due, r->zone, ds);
	deliver(x, "publication", "登记前公示 / publication", t,
		"申请已通过形式审查并公示至 %s（第十条）。", ds);
	if (chance(2) || out == O_REFUSE_PUBLISHED) {
		/* Arts. 10, 11: an objection and its exchange, step by step; a
		 * step not reached by now leaves its deadline open. */
		static const struct {
			int dl;
			enum obj_state after;
			const char *action;
			unsigned role;
			int lo, hi;  /* working days the act takes; 0: at the deadline */
		} steps[] = {
			{ DL_OBJ_FORWARD, OBJ_FORWARDED, "forward", ROLE_EXAMINER, 1, 2 },
			{ DL_OBJ_ANSWER, OBJ_ANSWERED, "answer", ROLE_APPLICANT, 2, 8 },
			{ DL_OBJ_FORWARD_ANSWER, OBJ_ANSWER_FORWARDED, "forward_answer", ROLE_EXAMINER, 1, 2 },
			{ DL_OBJ_SUPPLEMENT, OBJ_AWAITING_DECISION, "supplement_lapsed", ROLE_SYSTEM, 0, 0 },
			{ DL_OBJ_DECIDE, OBJ_NOT_UPHELD, "decide", ROLE_EXAMINER, 1, 5 },
		};
		size_t sI;

		t += (dip_time)(DAY + rnd(5 * DAY));
		if (t >= now || t >= due)
			return 0;
		x->has_obj = 1;
		memset(&x->obj, 0, sizeof(x->obj));
		x->obj.state = OBJ_FILED;
		snprintf(x->obj.objector_name, sizeof(x->obj.objector_name), "%s%s", PICK(surnames),
			 PICK(given));
		snprintf(x->obj.objector_contact, sizeof(x->obj.objector_contact), "1390000%04u", rnd(10000));
		x->obj.grounds = "该数据集的采集范围与我方已登记数据高度重合，疑似重复登记。";
		x->obj.filed_at = t;
		ev_add(x, t, 0, ROLE_PUBLIC, "object", APP_PUBLICATION, APP_PUBLICATION, NULL,
		       DL_OBJ_FORWARD, due_of(r, DL_OBJ_FORWARD, t));
		for (sI = 0; sI < sizeof(steps) / sizeof(steps[0]); sI++) {
			k = dl_open(x, steps[sI].dl, t, 0, 1);
			t = steps[sI].lo ? after_wd(r, t, steps[sI].lo + (int)rnd((unsigned)(steps[sI].hi - steps[sI].lo + 1)))
					 : x->dl[k].due_at + 1;
			if (t > x->dl[k].due_at && steps[sI].lo)
				t = x->dl[k].due_at - (dip_time)rnd(4 * HOUR);
			/* The registry decides once the publication is over. */
			if (steps[sI].dl == DL_OBJ_DECIDE && t <= due)
				t = after_wd(r, due, 1 + (int)rnd(3));
			if (x->a.state == APP_PUBLICATION && due < now && due < t) {
				for (i = 0; i < x->ndl; i++)
					if (x->dl[i].kind == DL_PUBLICATION)
						x->dl[i].closed_at = due + 1;
				x->a.state = APP_OBJECTION;
				ev_add(x, due + 1, 0, ROLE_SYSTEM, "publication_ended", APP_PUBLICATION,
				       APP_OBJECTION, NULL, DL_NONE, 0);
			}
			if (t >= now)
				return 0;
			x->dl[k].closed_at = t;
			x->obj.state = steps[sI].after;
			ev_add(x, t, steps[sI].role == ROLE_APPLICANT ? hid : steps[sI].role == ROLE_EXAMINER ? ex : 0,
			       steps[sI].role, steps[sI].action, x->a.state, x->a.state, NULL, DL_NONE, 0);
			if (sI == 0)
				deliver(x, "objection_forwarded", "异议转送 / objection forwarded", t,
					"收到针对本申请的异议，请于十个工作日内答复（第十一条）。");
		}
		x->obj.state = out == O_REFUSE_PUBLISHED ? OBJ_UPHELD : OBJ_NOT_UPHELD;
		x->obj.decided_at = t;
		x->obj.decision = out == O_REFUSE_PUBLISHED ? "异议成立。" : "异议理由不成立，不予支持。";
		deliver(x, "objection_decision", "异议处理结果 / objection decision", t, "%s",
			x->obj.decision);
		if (out == O_REFUSE_PUBLISHED) {
			dl_close_all(x, t);
			x->a.state = APP_REFUSED;
			x->a.refusal = 1u << 4;
			x->a.closed_at = t;
			ev_add(x, t, ex, ROLE_EXAMINER, "refuse", APP_OBJECTION, APP_REFUSED,
			       "异议成立，与已登记数据重复（第九条第（五）项）。", DL_NONE, 0);
			log_add(x, "publication_refused", t, 0, 0, 0);
			return 0;
		}
		due = t - 1;
	} else if (out == O_REFUSE_PUBLISHED) {
		return 0;
	}
	/* Art. 12: registered when the publication ends clean. */
	t = due + 1;
	if (t >= now)
		return 0;
	dl_close_all(x, t);
	if (assign_cert_no(g, x, t))
		return fail("certificate number", &g->e);
	x->a.state = APP_REGISTERED;
	x->a.registered_at = t;
	x->a.reg_day = time_day(t, r->zone);
	x->a.valid_from = x->a.reg_day;
	x->a.valid_until = app_validity_end(x->content, x->a.reg_day, &r->rules);
	x->a.cert_version = 1;
	log_add(x, "registration", t, 1, x->a.valid_from, x->a.valid_until);
	k = dl_open(x, DL_EXPIRY, t, day_end(x->a.valid_until, r->zone), 0);
	ev_add(x, t, 0, ROLE_SYSTEM, "register", APP_PUBLICATION, APP_REGISTERED, NULL, DL_EXPIRY,
	       x->dl[k].due_at);
	if (x->a.valid_until - r->rules.expiry_notice_days > x->a.reg_day)
		dl_open(x, DL_EXPIRY_NOTICE, t,
			day_start(x->a.valid_until - r->rules.expiry_notice_days, r->zone), 0);
	deliver(x, "certificate", "登记证书已签发 / certificate issued", t,
		"数据知识产权已登记并公告，证书编号 %s（第十二条、第十三条）。", x->a.cert_no);
	x->cert_final_status[0] = CERT_IN_FORCE;
	x->cert_status_at[0] = t;
	/* Later: cancelled by the holder, revoked, renewed, or expired. */
	for (;;) {
		dip_time notice = day_start(x->a.valid_until - r->rules.expiry_notice_days, r->zone);
		dip_time expiry = day_end(x->a.valid_until, r->zone);
		dip_day opens = period_window_opens(x->a.valid_until, r->rules.renewal_window.n);
		int v = x->a.cert_version, renewable = 1;

		if (chance(1.5) || chance(0.5)) {
			int revoke = chance(25);
			dip_time tc = t + (dip_time)(30 * DAY + rnd(700) * DAY);

			if (tc < now && tc < notice) {
				dl_close_all(x, tc);
				x->a.state = revoke ? APP_REVOKED : APP_CANCELLED;
				x->a.closed_at = tc;
				x->a.close_reason = revoke ? CLOSE_NONE : CLOSE_BY_HOLDER;
				x->cert_final_status[v - 1] = revoke ? CERT_REVOKED : CERT_CANCELLED;
				x->cert_status_at[v - 1] = tc;
				ev_add(x, tc, revoke ? ex : hid, revoke ? ROLE_EXAMINER : ROLE_APPLICANT,
				       revoke ? "revoke" : "cancel", APP_REGISTERED, x->a.state,
				       revoke ? "经核查，数据来源证明系伪造（第二十三条）。" : "权利人申请注销。",
				       DL_NONE, 0);
				log_add(x, revoke ? "revocation" : "cancellation", tc, 0, 0, 0);
				deliver(x, revoke ? "revocation" : "cancellation",
					revoke ? "登记撤销 / revocation" : "登记注销 / cancellation", tc,
					"%s", revoke ? "登记已撤销并公告。" : "登记已注销并公告。");
				return 0;
			}
		}
		if (notice >= now)
			return 0;
		for (i = 0; i < x->ndl; i++)
			if (x->dl[i].kind == DL_EXPIRY_NOTICE && x->dl[i].closed_at == 0)
				x->dl[i].closed_at = notice;
		deliver(x, "expiry_notice", "有效期届满提醒 / expiry notice", notice,
			"登记有效期即将届满，可在期满前一个月内申请续展（第十四条）。");
		{
			/* Art. 13: an agreement ending earlier bounds the renewed period. */
			const char *end = app_get_str(x->content, "source.agreement_end");
			dip_day agreed = 0;

			if (end && day_parse(end, &agreed) == 0 && agreed <= x->a.valid_until)
				renewable = 0;
		}
		if (renewable && v < 3 && chance(70)) {
			dip_time tr = office(r, opens + (dip_day)rnd(25));
			const char *end = app_get_str(x->content, "source.agreement_end");
			dip_day agreed = 0;

			if (tr >= now)
				return 0;
			if (tr > expiry)
				tr = expiry - HOUR;
			dl_close_all(x, tr);
			x->cert_final_status[v - 1] = CERT_SUPERSEDED;
			x->cert_status_at[v - 1] = tr;
			x->a.valid_from = x->a.valid_until + 1;
			x->a.valid_until = period_last_day(x->a.valid_from, r->rules.renewal.n, 0);
			if (end && day_parse(end, &agreed) == 0 && agreed < x->a.valid_until)
				x->a.valid_until = agreed;
			x->a.cert_version = v + 1;
			x->cert_final_status[v] = CERT_IN_FORCE;
			x->cert_status_at[v] = tr;
			log_add(x, "certificate_version", tr, v + 1, x->a.valid_from, x->a.valid_until);
			k = dl_open(x, DL_EXPIRY, tr, day_end(x->a.valid_until, r->zone), 0);
			dl_open(x, DL_EXPIRY_NOTICE, tr,
				day_start(x->a.valid_until - r->rules.expiry_notice_days, r->zone), 0);
			ev_add(x, tr, hid, ROLE_APPLICANT, "renew", APP_REGISTERED, APP_REGISTERED, NULL,
			       DL_EXPIRY, x->dl[k].due_at);
			deliver(x, "renewal", "续展登记 / renewal", tr, "续展登记完成（第十四条）。");
			t = tr;
			continue;
		}
		if (expiry + 1 >= now)
			return 0;
		t = expiry + 1;
		dl_close_all(x, t);
		x->a.state = APP_CANCELLED;
		x->a.closed_at = t;
		x->a.close_reason = CLOSE_EXPIRED;
		x->cert_final_status[v - 1] = CERT_EXPIRED;
		x->cert_status_at[v - 1] = t;
		ev_add(x, t, 0, ROLE_SYSTEM, "expire", APP_REGISTERED, APP_CANCELLED, NULL, DL_NONE, 0);
		log_add(x, "cancellation", t, 0, 0, 0);
		deliver(x, "cancellation", "登记注销 / cancellation", t,
			"有效期届满未续展，登记已注销并公告（第十四条）。");
		return 0;
	}
}

/* ---- writing an application -------------------------------------------- */

/* The record as the service logs it, from the generator's holders. */
static json_t *public_record(struct gen *g, struct hist *x, enum app_view view)
{
	struct party p[8];
	int i, n = x->nh < 8 ? x->nh : 8;

	memset(p, 0, sizeof(p));
	for (i = 0; i < n; i++) {
		snprintf(p[i].name, sizeof(p[i].name), "%s", x->h[i]->name);
		p[i].kind = x->h[i]->kind;
		snprintf(p[i].id_number, sizeof(p[i].id_number), "%s", x->h[i]->id_number);
	}
	return svc_public_record(g->reg, &x->a, p, n, x->content, view);
}

static int queue_log(struct gen *g, struct hist *x, int i)
{
	const char *type = x->log[i].type;
	dip_time at = x->log[i].at;
	json_t *entry = json_object(), *rec, *body;
	struct certificate c;
	char day[11], ts[32], url[600];
	int v = x->log[i].version;

	json_object_set_new(entry, "application", json_integer(x->a.id));
	if (strcmp(type, "publication") == 0) {
		json_decref(entry);
		entry = public_record(g, x, APP_VIEW_PUBLICATION);
		json_object_set_new(entry, "publication_ends", json_integer(x->log[i].version));
		return log_entry(g, type, entry, at, PEND_PLAIN, 0, NULL, NULL);
	}
	if (strcmp(type, "cancellation") == 0 || strcmp(type, "revocation") == 0) {
		json_object_set_new(entry, "certificate_number", json_string(x->a.cert_no));
		json_object_set_new(entry, "reason",
				    json_string(type[0] == 'r' ? "revoked" : close_reason_name(x->a.close_reason)));
		return log_entry(g, type, entry, at, PEND_PLAIN, 0, NULL, NULL);
	}
	if (strcmp(type, "registration") != 0 && strcmp(type, "certificate_version") != 0)
		return log_entry(g, type, entry, at, PEND_PLAIN, 0, NULL, NULL);
	/* The certificate, as svc__issue_certificate builds it. */
	rec = public_record(g, x, APP_VIEW_REGISTER);
	body = json_object();
	json_object_set_new(body, "certificate_number", json_string(x->a.cert_no));
	json_object_set_new(body, "registration_number", json_string(x->a.reg_no));
	json_object_set_new(body, "version", json_integer(v));
	json_object_set(body, "holders", json_object_get(rec, "holders"));
	json_object_set(body, "dataset", json_object_get(rec, "content"));
	if (json_object_get(rec, "industry_name"))
		json_object_set(body, "industry_name", json_object_get(rec, "industry_name"));
	day_format(x->a.reg_day, day);
	json_object_set_new(body, "registration_date", json_string(day));
	day_format(x->log[i].from, day);
	json_object_set_new(body, "valid_from", json_string(day));
	day_format(x->log[i].until, day);
	json_object_set_new(body, "valid_until", json_string(day));
	time_format(at, g->reg->zone, ts);
	json_object_set_new(body, "issued_at", json_string(ts));
	json_object_set_new(body, "registry", json_pack("{s:s,s:s,s:s}", "name", g->reg->name, "code",
						       g->reg->code, "rules", g->reg->rules.title));
	snprintf(url, sizeof(url), "%s/verify?cert=%s&v=%d", g->reg->base_url, x->a.cert_no, v);
	json_object_set_new(body, "verify_url", json_string(url));
	json_decref(rec);
	json_object_set(entry, "certificate", body);
	memset(&c, 0, sizeof(c));
	snprintf(c.cert_no, sizeof(c.cert_no), "%s", x->a.cert_no);
	snprintf(c.reg_no, sizeof(c.reg_no), "%s", x->a.reg_no);
	c.app_id = x->a.id;
	c.version = v;
	c.status = (enum cert_status)x->cert_final_status[v - 1];
	c.status_at = x->cert_status_at[v - 1];
	c.issued_at = at;
	c.valid_from = x->log[i].from;
	c.valid_until = x->log[i].until;
	{
		int rc = log_entry(g, type, entry, at, PEND_CERT, 0, body, &c);

		json_decref(body);
		return rc;
	}
}

static int write_app(struct gen *g, struct hist *x)
{
	struct store *st = g->st;
	struct party p;
	char *text;
	int i, j, rc;

	text = json_dumps(x->content, JSON_COMPACT);
	x->a.content = text;
	snprintf(x->a.name, sizeof(x->a.name), "%s", app_get_str(x->content, "name"));
	snprintf(x->a.industry, sizeof(x->a.industry), "%s", app_get_str(x->content, "industry"));
	snprintf(x->a.fingerprint, sizeof(x->a.fingerprint), "%s",
		 app_get_str(x->content, "evidence.fingerprint"));
	x->a.created_by = x->h[0]->id;
	rc = st->app_insert(st, &x->a);
	x->a.content = NULL;
	free(text);
	if (rc)
		return st_fail(g, "application");
	for (i = 0; i < x->nh; i++) {
		memset(&p, 0, sizeof(p));
		p.app_id = x->a.id;
		p.account_id = x->h[i]->id;
		p.ord = i;
		snprintf(p.name, sizeof(p.name), "%s", x->h[i]->name);
		p.kind = x->h[i]->kind;
		snprintf(p.id_number, sizeof(p.id_number), "%s", x->h[i]->id_number);
		p.confirmed_at = x->conf_at[i];
		if (st->party_put(st, &p))
			return st_fail(g, "party");
	}
	if (x->a.state != APP_DRAFT &&
	    (st->upload_link(st, x->h[0]->proof, x->a.id, "source.lawful_proof") ||
	     st->upload_link(st, x->h[0]->sample, x->a.id, "sample")))
		return st_fail(g, "upload link");
	if (x->has_obj) {
		x->obj.app_id = x->a.id;
		if (st->objection_insert(st, &x->obj))
			return st_fail(g, "objection");
	}
	for (i = 0; i < x->nev; i++) {
		x->ev[i].app_id = x->a.id;
		if (x->ev[i].ref_id == 0 && x->has_obj &&
		    (strcmp(x->ev[i].action, "object") == 0 || strncmp(x->ev[i].action, "forward", 7) == 0 ||
		     strcmp(x->ev[i].action, "answer") == 0 || strcmp(x->ev[i].action, "decide") == 0 ||
		     strcmp(x->ev[i].action, "supplement_lapsed") == 0))
			x->ev[i].ref_id = x->obj.id;
		if (st->event_insert(st, &x->ev[i]))
			return st_fail(g, "event");
	}
	for (i = 0; i < x->ndl; i++) {
		x->dl[i].app_id = x->a.id;
		if (x->dl[i].ref_id)
			x->dl[i].ref_id = x->obj.id;
		if (st->deadline_insert(st, &x->dl[i]))
			return st_fail(g, "deadline");
	}
	for (i = 0; i < x->nmsg; i++)
		for (j = 0; j < x->nh; j++) {
			x->msg[i].app_id = x->a.id;
			x->msg[i].account_id = x->h[j]->id;
			if (st->message_insert(st, &x->msg[i]))
				return st_fail(g, "message");
			g->messages++;
		}
	for (i = 0; i < x->nlog; i++)
		if (queue_log(g, x, i))
			return 1;
	g->last_app = x->a.id;
	g->last_time = x->a.created_at;
	g->events += x->nev;
	g->deadlines += x->ndl;
	g->states[x->a.state]++;
	return 0;
}

/* A deposit by h at time at, queued for the log; fills fp and *id. */
static int deposit(struct gen *g, struct holder *h, dip_time at, uint64_t n, char fp[80],
		   int64_t *id)
{
	struct deposit d;
	struct audit_entry au;
	uint8_t raw[32];
	char hex[65];

	memset(&d, 0, sizeof(d));
	for (size_t i = 0; i < 32; i += 8) {
		uint64_t r = rnd64() ^ (n << 1);

		memcpy(raw + i, &r, 8);
	}
	hex_encode(hex, raw, 32);
	hex[64] = '\0';
	snprintf(fp, 80, "sha256:%s", hex);
	d.account_id = h->id;
	snprintf(d.fingerprint, sizeof(d.fingerprint), "%s", fp);
	d.files = 1 + rnd(2000);
	d.bytes = 1000000 + (int64_t)rnd(2000000000) * 16;
	d.ledger_index = -1;
	d.created_at = at;
	if (g->st->deposit_insert(g->st, &d))
		return st_fail(g, "deposit");
	memset(&au, 0, sizeof(au));
	au.at = at;
	au.actor_id = h->id;
	snprintf(au.action, sizeof(au.action), "deposit");
	snprintf(au.object, sizeof(au.object), "%s", fp);
	if (g->st->audit_insert(g->st, &au))
		return st_fail(g, "audit");
	*id = d.id;
	return log_entry(g, "deposit",
			 json_pack("{s:I,s:s,s:I,s:I}", "deposit", (json_int_t)d.id, "fingerprint", fp,
				   "files", (json_int_t)d.files, "bytes", (json_int_t)d.bytes),
			 at, PEND_DEPOSIT, d.id, NULL, NULL);
}

static enum outcome pick_outcome(void)
{
	double u = rndf() * 100;

	if (u < 2)
		return O_DRAFT;
	if (u < 5)
		return O_WITHDRAW;
	if (u < 8)
		return O_DEEMED;
	if (u < 12)
		return O_REFUSE;
	if (u < 12.3)
		return O_REFUSE_PUBLISHED;
	return O_REGISTER;
}

/* Registration i of n, filed at a time that grows denser towards now
 * (registrations increase as the system is adopted). */
static int one(struct gen *g, int64_t i, int64_t n, dip_time forced, int draft_of)
{
	struct hist *x = calloc(1, sizeof(*x));
	struct content_in in;
	dip_time t0, dep;
	char fp[80];
	int64_t dep_id = 0;
	int rc = 1;

	if (x == NULL)
		return cli_fail("bench-gen: out of memory");
	x->g = g;
	if (forced) {
		t0 = forced;
	} else {
		double p = ((double)i + rndf()) / (double)n;

		t0 = g->start + DAY + (dip_time)((double)(g->now - g->start - 2 * DAY) * sqrt(p));
	}
	x->h[0] = draft_of >= 0 ? &g->holders[draft_of] : pick_holder(g);
	x->nh = 1;
	if (draft_of < 0 && chance(5)) {
		x->h[1] = pick_holder(g);
		if (x->h[1] != x->h[0])
			x->nh = 2;
	}
	dep = t0 - (dip_time)(HOUR + rnd(20 * DAY));
	if (log_flush(g, dep) || deposit(g, x->h[0], dep, (uint64_t)i, fp, &dep_id))
		goto out;
	memset(&in, 0, sizeof(in));
	in.h = x->h[0];
	in.fingerprint = fp;
	in.deposit_id = dep_id;
	in.formed = time_day(t0, g->reg->zone) - 30 - (dip_day)rnd(2000);
	in.filed = t0;
	x->content = make_content(g, &in);
	if (log_flush(g, t0))
		goto out;
	if (play(g, x, t0, draft_of >= 0 ? O_DRAFT : pick_outcome()))
		goto out;
	rc = write_app(g, x);
out:
	json_decref(x->content);
	free(x->a.withdraw_reason);
	free(x);
	return rc;
}

/* ---- the command ----------------------------------------------------------- */

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int commit_batch(struct gen *g, dip_time at, int reopen)
{
	struct dip_error e;

	if (g->st->commit(g->st))
		return st_fail(g, "commit");
	/* The sequencer folds the new entries into tiles and a checkpoint. */
	if (svc_log_integrate(g->v, at, NULL, &e))
		return fail("log", &e);
	if (reopen && g->st->begin(g->st, 1))
		return st_fail(g, "begin");
	return 0;
}

/* The applicant "bench" with k drafts ready to submit and an API token,
 * written to token_file with the drafts' id range. */
static int bench_drafts(struct gen *g, long k, const char *login, const char *token_file)
{
	struct holder *hs = realloc(g->holders, (g->nholders + 1) * sizeof(*hs)), *h;
	struct session_row row;
	uint8_t raw[32], hash[CRYPTO_HASH_LEN];
	char secret[65], text[256];
	int64_t first = 0;
	struct dip_error e;
	long i;

	if (hs == NULL)
		return cli_fail("bench-gen: out of memory");
	g->holders = hs;
	h = &hs[g->nholders];
	memset(h, 0, sizeof(*h));
	h->kind = PARTY_LEGAL;
	snprintf(h->name, sizeof(h->name), "北京基准测试数据科技有限公司");
	snprintf(h->place, sizeof(h->place), "北京市");
	make_uscc(h->id_number);
	if (add_account(g, login, h->name, h->kind, h->id_number, ROLE_APPLICANT, &h->id) ||
	    add_uploads(g, h))
		return 1;
	crypto_random(raw, sizeof(raw));
	hex_encode(secret, raw, sizeof(raw));
	secret[64] = '\0';
	memset(&row, 0, sizeof(row));
	crypto_hash(CRYPTO_SHA256, secret, 64, hash);
	hex_encode(row.token_hash, hash, sizeof(hash));
	row.token_hash[64] = '\0';
	row.account_id = h->id;
	row.created_at = g->now;
	row.expires_at = g->now + 365 * DAY;
	row.api_token = 1;
	snprintf(row.label, sizeof(row.label), "bench");
	if (g->st->session_insert(g->st, &row))
		return st_fail(g, "token");
	for (i = 0; i < k; i++) {
		if (one(g, i, k, g->now - 2 * HOUR - (dip_time)(k - i) % HOUR, (int)g->nholders))
			return 1;
		if (i == 0)
			first = g->last_app;
		if (i > 0 && i % BATCH == 0 && commit_batch(g, g->now - 2 * HOUR, 1))
			return 1;
	}
	g->nholders++;
	if (log_flush(g, g->now) || commit_batch(g, g->now - HOUR, 1))
		return 1;
	snprintf(text, sizeof(text), "token=%s\nfirst=%lld\nlast=%lld\n", secret, (long long)first,
		 (long long)g->last_app);
	if (file_write_atomic(token_file, text, strlen(text), &e))
		return fail("token file", &e);
	return 0;
}

#define USAGE "dipreg bench-gen --db PATH --count N [--seed S] [--now ISO] [--data-dir DIR]\n" \
	      "                 [--drafts K --token-file FILE]   (--count 0: drafts only, added)"

int cli_bench_gen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "data-dir", required_argument, NULL, 'D' },
		{ "count", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "now", required_argument, NULL, 'n' },
		{ "drafts", required_argument, NULL, 'k' },
		{ "token-file", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_registry_opts ro = { NULL, NULL };
	struct ledger_key_opts ko;
	const char *db = NULL, *data_dir = "var", *now_s = NULL, *token_file = NULL;
	struct crypto_scrypt_params prm = { 15, 8, 1 };
	struct registry reg;
	struct dip_error e;
	struct dbuf pw;
	struct svc v = { 0 };
	struct gen g;
	long count = 0, seed = 1, drafts = 0;
	int64_t n = 0, i, accounts, indexed = 0;
	double t0, t1, t2, t3;
	int c, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'D': data_dir = optarg; break;
		case 'n': now_s = optarg; break;
		case 't': token_file = optarg; break;
		case 'c':
			if (cli_long(optarg, 0, 100000000, &count))
				return cli_fail("--count: 0 to 100000000");
			break;
		case 's':
			if (cli_long(optarg, 0, 1L << 62, &seed))
				return cli_fail("--seed: a whole number");
			break;
		case 'k':
			if (cli_long(optarg, 0, 10000000, &drafts))
				return cli_fail("--drafts: 0 to 10000000");
			break;
		default:
			return cli_usage(USAGE);
		}
	}
	if (db == NULL || optind != argc || (drafts > 0) != (token_file != NULL))
		return cli_usage(USAGE);
	memset(&g, 0, sizeof(g));
	rng_state = (uint64_t)seed * 0x2545f4914f6cdd1dull + 1;
	if (cli_now(now_s, &g.now) || cli_registry(&reg, &ro))
		return 1;
	snprintf(reg.data_dir, sizeof(reg.data_dir), "%s", data_dir);
	memset(&ko, 0, sizeof(ko));
	if (file_mkdirs(data_dir, &e)) {
		registry_release(&reg);
		return fail(data_dir, &e);
	}
	if (cli_log_open(&reg, db, NULL, "127.0.0.1:8080/log", &ko)) {
		registry_release(&reg);
		return 1;
	}
	v.reg = &reg;
	v.st = store_open(db, &e);
	if (v.st == NULL) {
		ledger_close(&reg);
		registry_release(&reg);
		return cli_fail("%s", e.message);
	}
	g.v = &v;
	g.reg = &reg;
	g.st = v.st;
	time_parse("2023-06-19T09:00:00+08:00", 0, &g.start);
	dbuf_init(&pw, 512);
	prm.ln = (unsigned)reg.pw_cost;
	if (crypto_password_hash("bench-pass", 10, &prm, &pw)) {
		rc = cli_fail("bench-gen: password hash failed");
		goto out;
	}
	snprintf(g.pw_hash, sizeof(g.pw_hash), "%s", pw.p);
	dbuf_free(&pw);
	t0 = mono();
	if (v.st->begin(v.st, 1)) {
		rc = st_fail(&g, "begin");
		goto out;
	}
	v.st->account_count(v.st, &n);
	if (n > 0 && count == 0 && drafts > 0) {
		/* New drafts only, for a registry generated before: a login and
		 * fingerprints of their own. */
		char login[32];

		snprintf(login, sizeof(login), "bench-%lld", (long long)n);
		rng_state ^= (uint64_t)n * 0x9e3779b97f4a7c15ull;
		t1 = mono();
		if (bench_drafts(&g, drafts, login, token_file) || v.st->commit(v.st)) {
			rc = 1;
			goto out;
		}
		t2 = mono();
		fprintf(stderr, "bench-gen: %ld drafts for %s in %.1f s\n", drafts, login, t2 - t1);
		printf("{\"drafts\": %ld, \"login\": \"%s\", \"seconds\": %.1f}\n", drafts, login,
		       t2 - t1);
		rc = 0;
		goto out;
	}
	if (n > 0) {
		v.st->rollback(v.st);
		rc = cli_fail("bench-gen: %s already has accounts; use a new database, "
			      "or --count 0 --drafts K to add drafts only", db);
		goto out;
	}
	{
		char idn[19];

		make_citizen(idn);
		if (add_account(&g, "admin", "登记机构管理员", PARTY_NATURAL, idn, ROLE_ADMIN, &n) ||
		    add_account(&g, "examiner", "审查员", PARTY_NATURAL, idn, ROLE_EXAMINER, &g.examiner))
			goto out;
	}
	/* About one holder per eight registrations. */
	accounts = count / 8 < 50 ? 50 : count / 8;
	if (make_holders(&g, (size_t)accounts))
		goto out;
	for (i = 0; i < count; i++) {
		if (one(&g, i, count, 0, -1))
			goto out;
		if (i > 0 && i % BATCH == 0) {
			if (commit_batch(&g, g.last_time, 1))
				goto out;
			t1 = mono();
			fprintf(stderr, "bench-gen: %lld of %ld registrations, %.0f/s, %lld log entries\n",
				(long long)i, count, (double)i / (t1 - t0), (long long)g.log_entries);
		}
	}
	if (log_flush(&g, g.now) || commit_batch(&g, g.now - 2 * DAY, 1))
		goto out;
	t1 = mono();
	if (drafts > 0 && bench_drafts(&g, drafts, "bench", token_file))
		goto out;
	if (v.st->commit(v.st)) {
		rc = st_fail(&g, "commit");
		goto out;
	}
	/* The search index as the server keeps it, built once from the records
	 * (the server would otherwise build it when it starts). */
	t2 = mono();
	if (svc_search_rebuild(&v, &indexed, &e)) {
		rc = fail("search index", &e);
		goto out;
	}
	t3 = mono();
	fprintf(stderr, "bench-gen: search index of %lld records in %.1f s\n", (long long)indexed,
		t3 - t2);
	printf("{\"registrations\": %ld, \"seconds\": %.1f, \"per_second\": %.0f, \"holders\": %lld, "
	       "\"search_indexed\": %lld, \"search_seconds\": %.1f, "
	       "\"log_entries\": %lld, \"certificates\": %lld, \"events\": %lld, \"deadlines\": %lld, "
	       "\"messages\": %lld, \"drafts\": %ld, \"states\": {",
	       count, t1 - t0, count ? (double)count / (t1 - t0) : 0, (long long)accounts,
	       (long long)indexed, t3 - t2,
	       (long long)g.log_entries, (long long)g.certs, (long long)g.events,
	       (long long)g.deadlines, (long long)g.messages, drafts);
	for (c = 0; c < APP__COUNT; c++)
		printf("%s\"%s\": %lld", c ? ", " : "", app_state_name((enum app_state)c),
		       (long long)g.states[c]);
	printf("}}\n");
	rc = 0;
out:
	if (rc)
		v.st->rollback(v.st);
	while (g.nheap) {
		struct pending p;

		pend_pop(&g, &p);
		free(p.entry);
		free(p.body);
	}
	free(g.heap);
	free(g.holders);
	store_close(v.st);
	ledger_close(&reg);
	registry_release(&reg);
	return rc;
}
