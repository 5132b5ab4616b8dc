/*
 * cmd_demo.c - "dipreg demo": a registry with history, for trying dipreg.
 *
 * Creates an admin, an examiner, two applicants with known passwords and a
 * dozen more holders, then files about 200 applications since the Beijing
 * measures took effect (2023-06-19) and drives each through the real
 * service layer to a state - drafts, examinations, corrections,
 * publications, objections, registrations, renewals, filings, transfers,
 * cancellations, refusals, revocations - with times spread over the years,
 * and finally lets the scheduler catch up to now.  Every act is recorded
 * as it would be in production: events, deadlines, notices and the log.
 */
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/config.h"
#include "cli/setup.h"
#include "crypto/hash.h"
#include "util/b64.h"
#include "util/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400
#define DEMO_USAGE "dipreg demo [--count N] [--now ISO8601] [--db PATH|URL] [--data-dir DIR] [SETTINGS]"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (unsigned)(rng % n) : 0;
}

struct subject {
	const char *topic, *industry, *scenario, *source;
};

static const struct subject subjects[] = {
	{ "公共交通客流", "54", "用于公交线网优化、运力调度和客流预测，服务交通管理部门与出行服务平台，解决高峰拥挤与运力错配问题。", "由运营的公交刷卡和扫码乘车系统采集形成。" },
	{ "新能源汽车充电行为", "44", "用于充电桩布局规划与电网负荷调度，服务充电运营商和电网企业，解决充电排队与峰谷失衡问题。", "由自有充电运营平台的充电订单日志汇聚形成。" },
	{ "医疗影像标注", "84", "用于医学影像辅助诊断模型的训练与评测，服务医疗器械企业和医院，解决标注样本稀缺问题。", "经医院授权并去标识化处理后的影像及专家标注。" },
	{ "电力负荷监测", "44", "用于负荷预测与需求响应，服务售电公司和大用户，解决用电成本高与尖峰负荷问题。", "由智能电表和用电信息采集系统自动采集。" },
	{ "气象观测格点", "74", "用于农业、物流和能源行业的气象风险评估，服务保险与物流企业，解决极端天气损失预估问题。", "由自建观测站网与公开气象数据融合加工形成。" },
	{ "企业信用画像", "72", "用于供应链金融的授信评估，服务银行和核心企业，解决中小企业融资信息不对称问题。", "由公开工商司法信息及经授权的经营数据加工形成。" },
	{ "城市物流轨迹", "58", "用于城市配送路径规划与仓网布局，服务物流企业，解决末端配送效率低的问题。", "由自有车队车载终端GPS轨迹采集形成。" },
	{ "空气质量监测", "77", "用于污染溯源与环境执法辅助，服务生态环境部门和园区，解决污染源定位难的问题。", "由自建微型监测站网络连续采集形成。" },
	{ "城市停车泊位", "78", "用于停车诱导与泊位共享，服务城市管理部门和停车运营方，解决找车位难的问题。", "由路侧和场库的地磁及视频设备采集形成。" },
	{ "农产品批发价格", "51", "用于农产品价格指数编制与产销对接，服务批发市场和种植合作社，解决价格信息滞后问题。", "由批发市场交易系统每日成交记录汇总形成。" },
	{ "工业设备运行工况", "34", "用于设备预测性维护，服务制造企业，解决非计划停机损失问题。", "由工业互联网平台接入的传感器数据采集形成。" },
	{ "电商消费趋势", "52", "用于商品选品与库存优化，服务零售品牌，解决库存积压与缺货问题。", "由自营电商平台交易数据脱敏聚合形成。" },
	{ "卫星遥感影像解译", "74", "用于耕地保护监测与灾害评估，服务自然资源部门和保险机构，解决大范围核查成本高的问题。", "由采购的遥感影像经自有算法解译加工形成。" },
	{ "城市供水管网", "46", "用于管网漏损检测与压力调度，服务供水企业，解决漏损率高的问题。", "由供水调度系统与管网压力监测点采集形成。" },
	{ "文旅景区客流", "88", "用于景区限流预约与营销，服务文旅部门和景区，解决客流过载与体验差的问题。", "由景区闸机和票务系统汇聚形成。" },
	{ "智能制造质检图像", "39", "用于缺陷检测模型训练，服务电子制造企业，解决人工质检漏检率高的问题。", "由产线工业相机采集并经质检员标注形成。" },
	{ "金融交易反欺诈特征", "66", "用于实时反欺诈风控模型，服务银行与支付机构，解决电信诈骗资金拦截难的问题。", "由自有支付系统交易流水经特征工程加工形成。" },
	{ "教育学习行为", "83", "用于个性化学习推荐与学情诊断，服务学校与教育机构，解决因材施教难的问题。", "由在线学习平台学习日志经匿名化处理形成。" },
};

static const char *places[] = {
	"北京市", "海淀区", "朝阳区", "京津冀", "亦庄经开区", "通州区", "大兴机场临空区", "全国", "丰台区", "昌平区",
};

struct holder {
	const char *login, *name;
	struct actor who;
	char upload[65];
};

static struct holder holders[] = {
	{ "alice", "北京智联交通数据科技有限公司", { 0 }, "" },
	{ "bob", "张伟", { 0 }, "" },
	{ NULL, "中关村数据资产运营有限公司", { 0 }, "" },
	{ NULL, "京能绿色电力数据服务有限公司", { 0 }, "" },
	{ NULL, "首都医科影像数据研究院", { 0 }, "" },
	{ NULL, "北京城市大脑科技有限公司", { 0 }, "" },
	{ NULL, "京东方工业互联网科技有限公司", { 0 }, "" },
	{ NULL, "北京农信数据有限公司", { 0 }, "" },
	{ NULL, "华北气象数据服务中心", { 0 }, "" },
	{ NULL, "燕山物流数据科技有限公司", { 0 }, "" },
	{ NULL, "北京金融科技风控有限公司", { 0 }, "" },
	{ NULL, "北京文旅大数据有限公司", { 0 }, "" },
};

#define NHOLDERS (sizeof(holders) / sizeof(holders[0]))

static int fail(const char *what, const struct dip_error *e)
{
	return cli_fail("demo: %s: %s", what, e->message);
}

static int make_account(struct svc *v, const char *login, const char *pw, const char *name,
			const char *kind, const char *idn, unsigned roles, dip_time now,
			struct actor *out)
{
	struct actor root = { 0, ROLE_ADMIN, "demo", NULL };
	struct account_input in = { login, pw, name, kind, idn, "", "", roles };
	struct dip_error e;
	int64_t id;

	if (svc_account_create(v, &root, &in, now, &id, &e))
		return fail(login, &e);
	memset(out, 0, sizeof(*out));
	out->id = id;
	out->roles = roles;
	snprintf(out->addr, sizeof(out->addr), "demo");
	return 0;
}

/* Stores bytes as an upload of owner, returning its SHA-256. */
static int put_file(struct svc *v, const struct registry *reg, const struct actor *owner,
		    const char *name, const char *mime, const char *data, size_t len,
		    dip_time now, char sha[65])
{
	uint8_t h[CRYPTO_HASH_LEN];
	char dir[1100], path[1200];
	struct upload u;
	struct dip_error e;

	crypto_hash(CRYPTO_SHA256, data, len, h);
	hex_encode(sha, h, sizeof(h));
	sha[64] = '\0';
	snprintf(dir, sizeof(dir), "%s/files/%.2s", reg->data_dir, sha);
	snprintf(path, sizeof(path), "%s/%s", dir, sha);
	if (file_mkdirs(dir, &e) || file_write_atomic(path, data, len, &e))
		return fail("file", &e);
	memset(&u, 0, sizeof(u));
	snprintf(u.sha256, sizeof(u.sha256), "%s", sha);
	u.size = (int64_t)len;
	snprintf(u.mime, sizeof(u.mime), "%s", mime);
	snprintf(u.name, sizeof(u.name), "%s", name);
	u.owner_id = owner->id;
	u.created_at = now;
	if (svc_upload_add(v, owner, &u, &e))
		return fail("upload", &e);
	return 0;
}

static json_t *content(const struct holder *h, const struct subject *s, const char *name,
		       const char *fp, int64_t deposit, dip_time formed)
{
	char day[11];
	int personal = rnd(3) == 0;

	day_format(time_day(formed, DIP_ZONE_SHANGHAI), day);
	return json_pack("{s:s,s:s,s:s,s:{s:s,s:s,s:s,s:s},s:{s:[{s:s,s:s},{s:s,s:s},{s:s,s:s}],s:I,s:I},"
			 "s:{s:s,s:s},s:{s:s,s:b,s:b,s:s*},s:{s:s,s:s,s:I},s:s,s:{s:s},s:{s:b}}",
			 "name", name, "industry", s->industry, "scenario", s->scenario,
			 "source", "kind", rnd(4) ? "own" : "collected", "description", s->source,
			 "formed_on", day, "lawful_proof", h->upload,
			 "structure", "fields", "name", "record_id", "format", "char(32)", "name",
			 "observed_at", "format", "timestamp", "name", "value", "format", "decimal(12,4)",
			 "records", (json_int_t)(100000 + rnd(90000000)),
			 "bytes", (json_int_t)(1000000 + (json_int_t)rnd(2000000000) * 16),
			 "update", "frequency", rnd(2) ? "daily" : "monthly", "description",
			 "按自然日增量更新，历史数据保留五年",
			 "algorithm", "summary",
			 "对原始记录进行清洗、去重、异常值剔除，并按时空维度聚合统计，形成标准化指标。",
			 "personal_data", personal, "public_data", 0, "anonymisation",
			 personal ? "个人标识经加盐哈希和泛化处理，不可通过可逆算法还原原始数据。" : NULL,
			 "evidence", "kind", "deposit", "fingerprint", fp, "deposit_id", (json_int_t)deposit,
			 "sample", h->upload, "other", "status", "持续运营，数据质量稳定",
			 "declaration", "truthful", 1);
}

enum target {
	T_DRAFT, T_SUBMITTED, T_CORRECTION, T_DEEMED, T_REFUSED, T_WITHDRAWN, T_PUBLICATION,
	T_OBJECTION, T_REGISTERED, T_RENEWED, T_EXPIRED, T_FILED, T_TRANSFERRED, T_CANCELLED,
	T_REVOKED, T__COUNT
};

/* Out of 100. */
static const int weights[T__COUNT] = { 5, 6, 6, 4, 5, 4, 8, 3, 27, 6, 4, 10, 3, 3, 2 };

static enum target pick(void)
{
	int r = (int)rnd(100), i;

	for (i = 0; i < T__COUNT; i++) {
		r -= weights[i];
		if (r < 0)
			return (enum target)i;
	}
	return T_REGISTERED;
}

struct demo {
	struct svc *v;
	struct actor examiner;
	dip_time now, start;
};

static int file_one(struct demo *d, int i)
{
	const struct subject *s = &subjects[rnd(sizeof(subjects) / sizeof(subjects[0]))];
	struct holder *h = &holders[i < 12 ? (unsigned)(i % 2) : rnd(NHOLDERS)];
	enum target t = pick();
	struct svc *v = d->v;
	struct dip_error e;
	struct app_defects defects;
	struct deposit dep;
	struct deposit_input din;
	struct draft_input in;
	char name[200], fp[80], hex[65], token[65];
	uint8_t hash[32];
	dip_time t0, span;
	int64_t id, obj, req;
	json_t *c;
	int rc = 0;

	snprintf(name, sizeof(name), "%s%s数据集%s", places[rnd(10)], s->topic,
		 rnd(3) == 0 ? "（2023版）" : "");
	crypto_hash(CRYPTO_SHA256, name, strlen(name), hash);
	hash[0] ^= (uint8_t)i;
	hash[1] ^= (uint8_t)(i >> 8);
	hex_encode(hex, hash, 32);
	hex[64] = '\0';
	snprintf(fp, sizeof(fp), "sha256:%s", hex);
	/* When it was filed, by what it should have become by now. */
	span = d->now - d->start;
	switch (t) {
	case T_RENEWED:
	case T_EXPIRED:
		t0 = d->start + (dip_time)rnd(60) * DAY;
		break;
	case T_DRAFT:
	case T_SUBMITTED:
		t0 = d->now - (dip_time)rnd(6) * DAY - 3600;
		break;
	case T_CORRECTION:
		t0 = d->now - (dip_time)(2 + rnd(6)) * DAY;
		break;
	case T_PUBLICATION:
		t0 = d->now - (dip_time)(2 + rnd(10)) * DAY;
		break;
	case T_OBJECTION:
		t0 = d->now - (dip_time)(20 + rnd(5)) * DAY;
		break;
	default:
		t0 = d->start + 90 * DAY + (dip_time)rnd((unsigned)((span - 150 * DAY) / DAY)) * DAY;
	}
	t0 = day_start(time_day(t0, DIP_ZONE_SHANGHAI), DIP_ZONE_SHANGHAI) + 9 * 3600 + rnd(8 * 3600);
	din.fingerprint = fp;
	din.files = 1 + rnd(500);
	din.bytes = 1000000 + rnd(1000000000);
	din.description = "";
	if (svc_deposit(v, &h->who, &din, t0 - DAY, &dep, &e))
		return fail("deposit", &e);
	c = content(h, s, name, fp, dep.id, t0 - 200 * DAY);
	memset(&in, 0, sizeof(in));
	in.content = c;
	rc = svc_draft_create(v, &h->who, &in, t0 - 3600, &id, &e);
	json_decref(c);
	if (rc)
		return fail("draft", &e);
	if (t == T_DRAFT)
		return 0;
	if (svc_submit(v, &h->who, id, t0, NULL, &e))
		return fail("submit", &e);
	switch (t) {
	case T_SUBMITTED:
		return 0;
	case T_CORRECTION:
	case T_DEEMED:
		memset(&defects, 0, sizeof(defects));
		defects.n = 2;
		snprintf(defects.v[0].field, sizeof(defects.v[0].field), "scenario");
		snprintf(defects.v[0].message, sizeof(defects.v[0].message),
			 "scenario: 请说明数据适用的对象和范围");
		snprintf(defects.v[1].field, sizeof(defects.v[1].field), "source.lawful_proof");
		snprintf(defects.v[1].message, sizeof(defects.v[1].message),
			 "source.lawful_proof: 请补充数据采集授权协议");
		if (svc_request_correction(v, &d->examiner, id, &defects, NULL, t0 + DAY, &e))
			return fail("correction", &e);
		return 0;
	case T_REFUSED:
		if (svc_refuse(v, &d->examiner, id, 1u << 1, "数据未经一定规则或算法处理，不具有智力成果属性。",
			       t0 + 2 * DAY, &e))
			return fail("refuse", &e);
		return 0;
	case T_WITHDRAWN:
		if (svc_withdraw(v, &h->who, id, rnd(2) ? "需补充采集授权后重新申请" : NULL, t0 + 2 * DAY, &e))
			return fail("withdraw", &e);
		return 0;
	default:
		break;
	}
	if (svc_publish(v, &d->examiner, id, t0 + DAY, &e))
		return fail("publish", &e);
	if (t == T_PUBLICATION)
		return 0;
	if (t == T_OBJECTION) {
		struct objection_input oi = { "李明", "liming@example.cn",
					      "该数据集的采集范围与我方已登记数据高度重合，疑似重复登记。",
					      NULL };
		struct holder *o = h == &holders[2] ? &holders[3] : &holders[2];
		const char *ev[] = { o->upload, NULL };

		oi.evidence = ev;
		if (svc_object(v, &o->who, id, &oi, t0 + 3 * DAY, &obj, token, &e))
			return fail("object", &e);
		if (svc_objection_step(v, &d->examiner, obj, OBJA_FORWARD, NULL, NULL, 0, t0 + 4 * DAY, &e))
			return fail("forward", &e);
		return 0;
	}
	/* Registered at the end of publication (the scheduler applies it on
	 * the next action or tick). */
	switch (t) {
	case T_RENEWED:
		/* Within the month before expiry, three years later. */
		if (svc_renew(v, &h->who, id, t0 + (3 * 365 - 10) * DAY, &e))
			return fail("renew", &e);
		return 0;
	case T_FILED: {
		json_t *p = json_pack("{s:s,s:I}", "counterparty", "北京国际大数据交易所挂牌企业",
				      "amount", (json_int_t)(10000 * (1 + rnd(500))));
		static const char *kinds[] = { "transaction", "licence", "pledge" };
		struct request_input ri = { kinds[rnd(3)], p, NULL, NULL, 0, NULL };
		dip_time at = t0 + (40 + rnd(200)) * DAY;
		char day[11];

		if (at > d->now - 5 * DAY)
			at = d->now - 5 * DAY;
		day_format(time_day(at - (dip_time)rnd(20) * DAY, DIP_ZONE_SHANGHAI), day);
		ri.act_date = day;
		rc = svc_file_request(v, &h->who, id, &ri, at, &req, &e);
		json_decref(p);
		if (rc)
			return fail("filing", &e);
		if (rnd(4) && svc_decide_request(v, &d->examiner, req, 1, "符合备案条件", at + DAY, &e))
			return fail("filing decision", &e);
		return 0;
	}
	case T_TRANSFERRED: {
		struct holder *to = &holders[2 + rnd(NHOLDERS - 2)];
		struct request_input ri = { "transfer", NULL, NULL, to->login, 0, NULL };
		dip_time at = t0 + 60 * DAY;

		if (to == h || to->login == NULL)
			return 0;
		if (svc_file_request(v, &h->who, id, &ri, at, &req, &e) ||
		    svc_confirm_request(v, &to->who, req, at + DAY, &e) ||
		    svc_decide_request(v, &d->examiner, req, 1, "转让双方共同申请，材料齐全", at + 2 * DAY, &e))
			return fail("transfer", &e);
		return 0;
	}
	case T_CANCELLED: {
		struct request_input ri = { "cancel", NULL, NULL, NULL, 0, NULL };

		if (svc_file_request(v, &h->who, id, &ri, t0 + 90 * DAY, &req, &e) ||
		    svc_decide_request(v, &d->examiner, req, 1, NULL, t0 + 91 * DAY, &e))
			return fail("cancel", &e);
		return 0;
	}
	case T_REVOKED:
		if (svc_revoke(v, &d->examiner, id, "经核查，申请人提交的数据来源证明系伪造（第二十三条）。",
			       t0 + 100 * DAY, &e))
			return fail("revoke", &e);
		return 0;
	default:
		return 0;
	}
}

int cli_demo(int argc, char **argv)
{
	const char *count_s = NULL, *now_s = NULL, *db;
	const struct cfg_opt extra[] = {
		{ "count", "N", &count_s, "how many applications to file (default 200)" },
		{ "now", "ISO8601", &now_s, "the time the demo ends at (default: now)" },
		{ NULL, NULL, NULL, NULL },
	};
	struct config cfg;
	struct registry reg;
	struct tick_report rep;
	struct dip_error e;
	struct svc v = { 0 };
	struct demo d;
	struct actor admin, bob_agent;
	char base[18], idn[19], pw[64], csv[2000], fallback[300];
	long count = 200;
	int64_t n = 0;
	size_t i;
	int rc = 1;
	const char *host;
	static const char pdf[] = "%PDF-1.4\n% dipreg demo proof of lawful acquisition\n%%EOF\n";

	rc = cfg_load(&cfg, CFG_DEMO, argc, argv, 1, extra, DEMO_USAGE, NULL);
	if (rc == 0 && cfg.nargs > 0)
		rc = cli_usage(DEMO_USAGE);
	if (rc == 0 && count_s && cli_long(count_s, 1, 100000, &count))
		rc = cli_fail("--count: 1 to 100000");
	memset(&d, 0, sizeof(d));
	if (rc == 0 && cli_now(now_s, &d.now))
		rc = 1;
	if (rc) {
		cfg_release(&cfg);
		return rc;
	}
	cli_setup_logging(&cfg);
	db = cfg_str(&cfg, CFG_DB);
	if (cli_setup_registry(&reg, &cfg)) {
		cfg_release(&cfg);
		return 1;
	}
	host = strstr(reg.base_url, "://");
	snprintf(fallback, sizeof(fallback), "%.200s/log", host ? host + 3 : reg.base_url);
	{
		struct ledger_key_opts ko;

		memset(&ko, 0, sizeof(ko));
		if (file_mkdirs(reg.data_dir, &e) || cli_log_open(&reg, db, NULL, fallback, &ko)) {
			registry_release(&reg);
			cfg_release(&cfg);
			return 1;
		}
	}
	rc = 1;
	v.reg = &reg;
	v.st = store_open(db, &e);
	if (v.st == NULL) {
		ledger_close(&reg);
		registry_release(&reg);
		cfg_release(&cfg);
		return cli_fail("%s", e.message);
	}
	v.st->begin(v.st, 0);
	v.st->account_count(v.st, &n);
	v.st->rollback(v.st);
	if (n > 0) {
		rc = cli_fail("demo: %s already has accounts; use a new database", db);
		goto out;
	}
	d.v = &v;
	time_parse("2023-06-19T09:00:00+08:00", 0, &d.start);
	if (make_account(&v, "admin", "demo-admin-pass", "登记机构管理员", "natural",
			 "11010519491231002X", ROLE_ADMIN, d.start, &admin) ||
	    make_account(&v, "examiner", "demo-examiner-pass", "审查员 王芳", "natural",
			 "110105199003071239", ROLE_EXAMINER, d.start, &d.examiner) ||
	    make_account(&v, "agency", "demo-agency-pass", "北京知识产权代理事务所", "legal",
			 "91110000100001234U", ROLE_AGENT, d.start, &bob_agent))
		goto out;
	for (i = 0; i < NHOLDERS; i++) {
		char login[32];

		if (i == 1) {
			idnum_complete_citizen("11010819850315123", idn);
			rc = make_account(&v, "bob", "demo-bob-pass", holders[i].name, "natural", idn,
					  ROLE_APPLICANT, d.start, &holders[i].who);
		} else {
			snprintf(base, sizeof(base), "9111010%dMA0%c%04dX", (int)(i % 10),
				 "ABCDEFGHJKLMNPQRTUWXY"[i], (int)(1000 + i * 37));
			idnum_complete_uscc(base, idn);
			snprintf(login, sizeof(login), "holder%zu", i);
			snprintf(pw, sizeof(pw), "demo-%s-%lx", login, (unsigned long)rnd(1u << 30));
			rc = make_account(&v, i == 0 ? "alice" : login, i == 0 ? "demo-alice-pass" : pw,
					  holders[i].name, "legal", idn, ROLE_APPLICANT, d.start,
					  &holders[i].who);
		}
		if (rc)
			goto out;
		if (holders[i].login == NULL)
			holders[i].login = strdup(login);
		snprintf(csv, sizeof(csv), "record_id,observed_at,value\n%zu-1,2023-06-01T00:00:00,1.25\n", i);
		if (put_file(&v, &reg, &holders[i].who, "sample.csv", "text/csv", csv, strlen(csv),
			     d.start, holders[i].upload) ||
		    put_file(&v, &reg, &holders[i].who, "proof.pdf", "application/pdf", pdf,
			     sizeof(pdf) - 1, d.start, csv))
			goto out;
	}
	for (i = 0; i < (size_t)count; i++) {
		rc = file_one(&d, (int)i);
		if (rc)
			goto out;
	}
	if (svc_tick(&v, d.now, &rep, &e)) {
		rc = fail("tick", &e);
		goto out;
	}
	if (svc_log_integrate(&v, d.now, NULL, &e)) {
		rc = fail("log", &e);
		goto out;
	}
	printf("demo registry: %ld applications filed since 2023-06-19, %d deadlines applied\n",
	       count, rep.applied);
	printf("logins: admin / demo-admin-pass, examiner / demo-examiner-pass,\n"
	       "        alice / demo-alice-pass (legal person), bob / demo-bob-pass (natural person),\n"
	       "        agency / demo-agency-pass\n");
	rc = 0;
out:
	store_close(v.st);
	ledger_close(&reg);
	registry_release(&reg);
	cfg_release(&cfg);
	return rc;
}
