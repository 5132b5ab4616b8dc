/*
 * fixture.h - a registry on a temporary database, with accounts and a
 * complete Art. 5 application, for the service and store suites.  The
 * database is SQLite, or PostgreSQL when DIPREG_TEST_PG is set (testdb.h).
 */
#ifndef DIP_FIXTURE_H
#define DIP_FIXTURE_H

#include "testdb.h"

#include <unistd.h>

#include "service/ledger.h"
#include "service/service.h"
#include "util/res.h"

struct fx {
	struct registry reg;
	struct svc v;
	struct testdb tdb;       /* tdb.url names the store */
	struct actor admin, examiner, examiner2, alice, bob, carol, agent, public_;
	int64_t deposit_id;
	char upload[65];
	char upload2[65];
};

#define FP "sha256:5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456"

static inline dip_time T(const char *s)
{
	dip_time t;

	assert_int_equal(time_parse(s, DIP_ZONE_SHANGHAI, &t), 0);
	return t;
}

static inline void fx_account(struct fx *f, struct actor *who, const char *login,
			      const char *kind, const char *name, const char *idn, unsigned roles)
{
	struct account_input in = { login, "correct horse battery", name, kind, idn,
				    "x@example.cn", "", roles };
	struct dip_error e;
	int64_t id = 0;
	int rc = svc_account_create(&f->v, &f->admin, &in, T("2024-01-02"), &id, &e);

	if (rc)
		fail_msg("account %s: %s", login, e.message);
	memset(who, 0, sizeof(*who));
	who->id = id;
	who->roles = roles;
	snprintf(who->addr, sizeof(who->addr), "127.0.0.1");
}

static inline void fx_upload(struct fx *f, int64_t owner, const char *sha)
{
	struct upload u;

	memset(&u, 0, sizeof(u));
	snprintf(u.sha256, sizeof(u.sha256), "%s", sha);
	u.owner_id = owner;
	u.size = 100;
	snprintf(u.mime, sizeof(u.mime), "application/pdf");
	snprintf(u.name, sizeof(u.name), "proof.pdf");
	u.created_at = T("2024-01-02");
	assert_int_equal(f->v.st->begin(f->v.st, 1), 0);
	assert_int_equal(f->v.st->upload_insert(f->v.st, &u), 0);
	assert_int_equal(f->v.st->commit(f->v.st), 0);
}

static inline int64_t fx_deposit(struct fx *f, int64_t owner, const char *fp, dip_time at)
{
	struct deposit d;

	memset(&d, 0, sizeof(d));
	d.account_id = owner;
	snprintf(d.fingerprint, sizeof(d.fingerprint), "%s", fp);
	d.files = 3;
	d.bytes = 12345;
	d.created_at = at;
	assert_int_equal(f->v.st->begin(f->v.st, 1), 0);
	assert_int_equal(f->v.st->deposit_insert(f->v.st, &d), 0);
	assert_int_equal(f->v.st->commit(f->v.st), 0);
	return d.id;
}

static inline int fx_setup_profile(void **state, const char *profile)
{
	static struct fx *f;
	struct dip_error e;

	f = calloc(1, sizeof(*f));
	testdb_create(&f->tdb);
	assert_int_equal(registry_init(&f->reg, &e), 0);
	if (profile)
		assert_int_equal(rules_builtin(&f->reg.rules, profile, &e), 0);
	f->reg.pw_cost = 4;
	{
		struct ledger_key_opts ko;
		char key[400];

		memset(&ko, 0, sizeof(ko));
		snprintf(key, sizeof(key), "%s/keys/log.key", f->tdb.dir);
		ko.key = key;
		ko.cache_bytes = 1 << 20;
		assert_int_equal(ledger_open(&f->reg, &ko, &e), 0);
	}
	f->v.reg = &f->reg;
	f->v.st = store_open(f->tdb.url, &e);
	if (f->v.st == NULL)
		fail_msg("store: %s", e.message);
	f->admin.roles = ROLE_ADMIN;
	fx_account(f, &f->admin, "admin", "natural", "管理员", "11010519491231002X", ROLE_ADMIN);
	fx_account(f, &f->examiner, "examiner", "natural", "审查员甲", "110105199003071239",
		   ROLE_EXAMINER);
	fx_account(f, &f->examiner2, "examiner2", "natural", "审查员乙", "310115198512123215",
		   ROLE_EXAMINER);
	fx_account(f, &f->alice, "alice", "legal", "北京数据科技有限公司", "91110108MA01ABCDEN",
		   ROLE_APPLICANT);
	fx_account(f, &f->bob, "bob", "legal", "上海港口数据有限公司", "91110000100001234U",
		   ROLE_APPLICANT);
	fx_account(f, &f->carol, "carol", "natural", "张三", "440306199501010010", ROLE_APPLICANT);
	fx_account(f, &f->agent, "agency", "legal", "知产代理事务所", "91440300MA5F000007",
		   ROLE_AGENT);
	f->public_.roles = ROLE_PUBLIC;
	snprintf(f->upload, sizeof(f->upload), "%064d", 1);
	memset(f->upload, 'a', 64);
	memset(f->upload2, 'b', 64);
	fx_upload(f, f->alice.id, f->upload);
	fx_upload(f, 0, f->upload2);
	f->deposit_id = fx_deposit(f, f->alice.id, FP, T("2024-01-03T09:00:00+08:00"));
	*state = f;
	return 0;
}

static inline int fx_setup(void **state)
{
	return fx_setup_profile(state, NULL);
}

static inline int fx_setup_shanghai(void **state)
{
	return fx_setup_profile(state, "shanghai");
}

static inline int fx_teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->v.st);
	ledger_close(&f->reg);
	registry_release(&f->reg);
	testdb_drop(&f->tdb);
	free(f);
	return 0;
}

/* A complete application whose every Art. 5 item is valid. */
static inline json_t *fx_content(struct fx *f, const char *name, const char *fp)
{
	json_error_t jerr;
	char text[4096];
	json_t *c;

	snprintf(text, sizeof(text),
		 "{\"name\":\"%s\",\"industry\":\"54\","
		 "\"scenario\":\"用于城市交通规划与公交线网优化，服务交通管理部门与出行平台，解决客流预测问题。\","
		 "\"source\":{\"kind\":\"own\",\"description\":\"由本公司运营的公交刷卡系统自行采集形成的客流记录。\","
		 "\"formed_on\":\"2023-12-01\",\"lawful_proof\":\"%s\"},"
		 "\"structure\":{\"fields\":[{\"name\":\"card_id_hash\",\"format\":\"char(64)\"},"
		 "{\"name\":\"station\",\"format\":\"varchar(32)\"}],\"records\":120000000,\"bytes\":9800000000},"
		 "\"update\":{\"frequency\":\"daily\",\"description\":\"每日凌晨增量更新\"},"
		 "\"algorithm\":{\"summary\":\"对刷卡记录进行清洗、去重、按站点和时段聚合统计。\","
		 "\"personal_data\":true,\"public_data\":false,"
		 "\"anonymisation\":\"卡号经加盐哈希处理，不保留可还原原始卡号的信息。\"},"
		 "\"evidence\":{\"kind\":\"deposit\",\"fingerprint\":\"%s\",\"deposit_id\":%lld},"
		 "\"sample\":\"%s\",\"other\":{\"status\":\"正常运营中\"},"
		 "\"declaration\":{\"truthful\":true}}",
		 name, f->upload, fp, (long long)f->deposit_id, f->upload);
	c = json_loads(text, 0, &jerr);
	if (c == NULL)
		fail_msg("content: %s", jerr.text);
	return c;
}

#endif
