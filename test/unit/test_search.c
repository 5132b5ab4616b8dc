/*
 * test_search.c - searching the public register (Art. 20) through the
 * service layer, on SQLite or PostgreSQL (fixture.h): what is indexed and
 * when, what never is, queries as people type them, facets, totals,
 * pages, exact lookups, and the two backends giving the same answers.
 */
#include "fixture.h"

#include "domain/query.h"

static void ok(int rc, const struct dip_error *e)
{
	if (rc)
		fail_msg("unexpected error %d: %s (%s)", rc, e->message, e->field);
}

/* ---- driving applications ------------------------------------------------ */

static int64_t draft_with(struct fx *f, const struct actor *who, json_t *content, dip_time at)
{
	struct draft_input in = { content, NULL, NULL };
	struct dip_error e;
	int64_t id = 0;

	ok(svc_draft_create(&f->v, who, &in, at, &id, &e), &e);
	json_decref(content);
	return id;
}

static int64_t draft_named(struct fx *f, const char *name, dip_time at)
{
	return draft_with(f, &f->alice, fx_content(f, name, FP), at);
}

static void submit(struct fx *f, int64_t id, dip_time at)
{
	struct dip_error e;

	ok(svc_submit(&f->v, &f->alice, id, at, NULL, &e), &e);
}

static void publish(struct fx *f, int64_t id, dip_time at)
{
	struct dip_error e;

	ok(svc_publish(&f->v, &f->examiner, id, at, &e), &e);
}

static void tick(struct fx *f, dip_time now)
{
	struct tick_report rep;
	struct dip_error e;

	ok(svc_tick(&f->v, now, &rep, &e), &e);
}

/* Drafted, submitted and published at at; registered when the scheduler
 * ends the publication (the Beijing profile approves a clean one). */
static int64_t registered_content(struct fx *f, const struct actor *who, json_t *content,
				  dip_time at)
{
	struct dip_error e;
	int64_t id = draft_with(f, who, content, at);

	ok(svc_submit(&f->v, who, id, at, NULL, &e), &e);
	publish(f, id, at + 3600);
	tick(f, at + 40 * 86400);
	return id;
}

/* Content whose evidence is a deposit of owner's (Art. 9 (3)). */
static json_t *content_of(struct fx *f, const char *name, int64_t owner)
{
	json_t *c = fx_content(f, name, FP);

	json_object_set_new(json_object_get(c, "evidence"), "deposit_id",
			    json_integer(fx_deposit(f, owner, FP, T("2024-01-03"))));
	return c;
}

static int64_t registered(struct fx *f, const char *name, dip_time at)
{
	return registered_content(f, &f->alice, fx_content(f, name, FP), at);
}

static enum app_state state_of(struct fx *f, int64_t id)
{
	struct application a;

	assert_int_equal(f->v.st->begin(f->v.st, 0), 0);
	assert_int_equal(f->v.st->app_get(f->v.st, id, &a), 0);
	f->v.st->rollback(f->v.st);
	application_release(&a);
	return a.state;
}

/* ---- searching ----------------------------------------------------------- */

static json_t *search_p(struct fx *f, const struct search_params *p)
{
	struct dip_error e;
	json_t *o = NULL;

	ok(svc_search_json(&f->v, p, &o, NULL, &e), &e);
	return o;
}

static json_t *search(struct fx *f, const char *q)
{
	struct search_params p;

	memset(&p, 0, sizeof(p));
	p.q = q;
	p.limit = 100;
	return search_p(f, &p);
}

static size_t hits(struct fx *f, const char *q)
{
	json_t *o = search(f, q);
	size_t n = json_array_size(json_object_get(o, "items"));

	assert_int_equal(json_integer_value(json_object_get(o, "total")), n);
	json_decref(o);
	return n;
}

static json_t *hit_of(json_t *res, int64_t id)
{
	json_t *h;
	size_t i;

	json_array_foreach(json_object_get(res, "items"), i, h)
		if (json_integer_value(json_object_get(h, "application")) == id)
			return h;
	return NULL;
}

static const char *hs(json_t *h, const char *key)
{
	return json_string_value(json_object_get(h, key));
}

/* The whole register as the search shows it, for comparing before and
 * after a rebuild. */
static char *register_dump(struct fx *f)
{
	struct search_params p;
	json_t *o;
	char *s;

	memset(&p, 0, sizeof(p));
	p.limit = 100;
	o = search_p(f, &p);
	s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(o);
	return s;
}

/* The index kept act by act equals the index built from scratch. */
static void assert_index_consistent(struct fx *f)
{
	struct dip_error e;
	char *before = register_dump(f), *after;
	int64_t n;

	ok(svc_search_rebuild(&f->v, &n, &e), &e);
	after = register_dump(f);
	if (strcmp(before, after) != 0)
		fail_msg("index kept act by act:\n%s\nrebuilt:\n%s", before, after);
	free(before);
	free(after);
}

/* ---- what is indexed, and when ------------------------------------------- */

static void test_art20_registration_searchable_the_moment_it_is_announced(void **state)
{
	struct fx *f = *state;
	json_t *res, *h;
	int64_t id = draft_named(f, "北京Taxi轨迹数据集", T("2024-03-04T09:00:00+08:00"));

	assert_int_equal(hits(f, "taxi"), 0);
	submit(f, id, T("2024-03-04T09:00:00+08:00"));
	assert_int_equal(hits(f, "taxi"), 0);
	/* Art. 10: in publication, the applicants, name, scenario, data
	 * source and algorithm summary, nothing else. */
	publish(f, id, T("2024-03-05T09:00:00+08:00"));
	res = search(f, "taxi");
	h = hit_of(res, id);
	assert_non_null(h);
	assert_string_equal(hs(h, "status"), "publication");
	assert_string_equal(hs(h, "publication_date"), "2024-03-05");
	assert_string_equal(json_string_value(json_array_get(json_object_get(h, "applicants"), 0)),
			    "北京数据科技有限公司");
	assert_null(json_object_get(h, "industry"));
	assert_null(json_object_get(h, "certificate_number"));
	assert_null(json_object_get(h, "fingerprint"));
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(h, "highlight"),
								 "name")), "<mark>Taxi</mark>"));
	assert_int_equal(hits(f, "道路运输业"), 0);
	json_decref(res);
	/* Art. 12: the scheduler ends a clean publication and registers; the
	 * register entry is found as soon as that transaction commits. */
	tick(f, T("2024-04-30"));
	assert_int_equal(state_of(f, id), APP_REGISTERED);
	res = search(f, "taxi 北京");
	h = hit_of(res, id);
	assert_non_null(h);
	assert_string_equal(hs(h, "status"), "registered");
	assert_string_equal(hs(h, "industry"), "54");
	assert_string_equal(hs(h, "industry_name"), "道路运输业");
	assert_int_equal(strlen(hs(h, "certificate_number")), 17);
	assert_int_equal(strlen(hs(h, "registration_number")), 16);
	assert_string_equal(hs(h, "fingerprint"), FP);
	assert_non_null(json_object_get(h, "holders"));
	json_decref(res);
	assert_int_equal(hits(f, "道路运输业"), 1);
	assert_index_consistent(f);
}

static void test_art20_drafts_submissions_refusals_withdrawals_never_found(void **state)
{
	struct fx *f = *state;
	struct app_defects d;
	struct dip_error e;
	dip_time t = T("2024-03-04T09:00:00+08:00");
	int64_t drafted, submitted, corrected, refused, refused_pub, withdrawn, deemed, reg;

	drafted = draft_named(f, "草稿隐匿数据集", t);
	submitted = draft_named(f, "提交隐匿数据集", t);
	submit(f, submitted, t);
	corrected = draft_named(f, "补正隐匿数据集", t);
	submit(f, corrected, t);
	memset(&d, 0, sizeof(d));
	snprintf(d.v[0].field, sizeof(d.v[0].field), "scenario");
	snprintf(d.v[0].message, sizeof(d.v[0].message), "请具体说明");
	d.n = 1;
	ok(svc_request_correction(&f->v, &f->examiner, corrected, &d, NULL, t + 3600, &e), &e);
	refused = draft_named(f, "驳回隐匿数据集", t);
	submit(f, refused, t);
	ok(svc_refuse(&f->v, &f->examiner, refused, 1u << 3, "权属不清", t + 3600, &e), &e);
	/* In publication a record is public; refused or withdrawn there, it
	 * leaves the index with its publication. */
	refused_pub = draft_named(f, "公示后驳回隐匿数据集", t);
	submit(f, refused_pub, t);
	publish(f, refused_pub, t + 3600);
	withdrawn = draft_named(f, "公示后撤回隐匿数据集", t);
	submit(f, withdrawn, t);
	publish(f, withdrawn, t + 3600);
	assert_int_equal(hits(f, "隐匿"), 2);
	ok(svc_refuse(&f->v, &f->examiner, refused_pub, 1u << 5, "材料不实", t + 7200, &e), &e);
	ok(svc_withdraw(&f->v, &f->alice, withdrawn, "不再申请", t + 7200, &e), &e);
	deemed = draft_named(f, "视为撤回隐匿数据集", t);
	submit(f, deemed, t);
	ok(svc_request_correction(&f->v, &f->examiner, deemed, &d, NULL, t + 3600, &e), &e);
	reg = registered(f, "公开登记数据集", t);
	tick(f, T("2024-06-01"));
	assert_int_equal(state_of(f, deemed), APP_DEEMED_WITHDRAWN);
	assert_int_equal(state_of(f, drafted), APP_DRAFT);
	assert_int_equal(state_of(f, submitted), APP_SUBMITTED);
	assert_int_equal(state_of(f, refused), APP_REFUSED);
	assert_int_equal(state_of(f, withdrawn), APP_WITHDRAWN);
	assert_int_equal(hits(f, "隐匿"), 0);
	assert_int_equal(hits(f, "数据集"), 1);
	{
		json_t *res = search(f, "");

		assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
		assert_non_null(hit_of(res, reg));
		json_decref(res);
	}
	assert_index_consistent(f);
}

static void test_art20_confidential_fields_never_found(void **state)
{
	struct fx *f = *state;
	struct actor holder;
	struct dip_error e;
	json_t *c, *res;
	const char *const secrets[] = {
		"zqxfield", "zqxformat", "匿名机密说明", "zqxmail", "13912345678", "440306199501010010",
		"zqxreason", "zqxobjector",
	};
	char *dump;
	size_t i;
	int64_t id;

	/* Confidential: the field list (Art. 5 (5)), the anonymisation
	 * statement (Art. 5 (7)), uploads, and the holder's contacts. */
	{
		struct account_input in = { "secret", "correct horse battery", "保密持有人有限公司", "legal",
					    "91110108MA01PQRT7T", "zqxmail@example.cn", "13912345678",
					    ROLE_APPLICANT };
		int64_t aid;

		ok(svc_account_create(&f->v, &f->admin, &in, T("2024-01-02"), &aid, &e), &e);
		memset(&holder, 0, sizeof(holder));
		holder.id = aid;
		holder.roles = ROLE_APPLICANT;
		fx_upload(f, aid, f->upload);
		c = content_of(f, "保密检验数据集", aid);
	}
	json_object_set_new(json_object_get(c, "structure"), "fields",
			    json_pack("[{s:s,s:s}]", "name", "zqxfield", "format", "zqxformat"));
	json_object_set_new(json_object_get(c, "algorithm"), "anonymisation",
			    json_string("匿名机密说明：卡号经加盐哈希处理，无法还原。"));
	{
		/* An objector's contact and a withdrawal's reason are not part of
		 * the register either. */
		json_t *c2 = fx_content(f, "撤回检验数据集", FP);
		const char *ev[] = { f->upload2, NULL };
		struct objection_input oi = { "zqxobjector", "zqxmail@example.cn", "异议理由", ev };
		char token[65];
		int64_t obj, w = draft_with(f, &f->alice, c2, T("2024-03-04"));

		submit(f, w, T("2024-03-04"));
		publish(f, w, T("2024-03-05"));
		ok(svc_object(&f->v, &f->public_, w, &oi, T("2024-03-06"), &obj, token, &e), &e);
		ok(svc_withdraw(&f->v, &f->alice, w, "zqxreason", T("2024-03-07"), &e), &e);
	}
	id = registered_content(f, &holder, c, T("2024-03-04T09:00:00+08:00"));
	/* carol, a natural person, holds one too: her citizen number is masked
	 * on the register and must not be searchable. */
	fx_upload(f, f->carol.id, f->upload);
	registered_content(f, &f->carol, content_of(f, "自然人持有数据集", f->carol.id), T("2024-03-04"));
	assert_int_equal(state_of(f, id), APP_REGISTERED);
	assert_int_equal(hits(f, "保密检验"), 1);
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (hits(f, secrets[i]) != 0)
			fail_msg("confidential \"%s\" was found", secrets[i]);
	/* Not by the holder filter, not in any text the index returns. */
	{
		struct search_params p;

		memset(&p, 0, sizeof(p));
		p.holder = "440306199501010010";
		res = search_p(f, &p);
		assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
		json_decref(res);
		p.holder = "91110108MA01PQRT7T";
		res = search_p(f, &p);
		assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
		json_decref(res);
	}
	res = search(f, "");
	dump = json_dumps(res, 0);
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		assert_null(strstr(dump, secrets[i]));
	assert_null(strstr(dump, f->upload));
	free(dump);
	json_decref(res);
}

static void test_art20_cancelled_and_revoked_stay_findable_with_status(void **state)
{
	struct fx *f = *state;
	struct request_input in = { "cancel", NULL, NULL, NULL, 0, NULL };
	struct search_params p;
	struct dip_error e;
	json_t *res;
	int64_t a = registered(f, "注销留存数据集", T("2024-03-04T09:00:00+08:00"));
	int64_t b = registered(f, "撤销留存数据集", T("2024-03-04T09:00:00+08:00"));
	int64_t c = registered(f, "期满留存数据集", T("2024-03-04T09:00:00+08:00")), req;

	ok(svc_file_request(&f->v, &f->alice, a, &in, T("2024-06-03"), &req, &e), &e);
	ok(svc_decide_request(&f->v, &f->examiner, req, 1, NULL, T("2024-06-04"), &e), &e);
	ok(svc_revoke(&f->v, &f->examiner, b, "经查来源证明系伪造", T("2024-06-04"), &e), &e);
	/* Art. 14: not renewed, it expires and is cancelled by the registry. */
	tick(f, T("2027-06-01"));
	assert_int_equal(state_of(f, c), APP_CANCELLED);
	res = search(f, "留存");
	assert_string_equal(hs(hit_of(res, a), "status"), "cancelled");
	assert_string_equal(hs(hit_of(res, b), "status"), "revoked");
	assert_string_equal(hs(hit_of(res, c), "status"), "cancelled");
	json_decref(res);
	memset(&p, 0, sizeof(p));
	p.q = "留存";
	p.status = "registered";
	res = search_p(f, &p);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
	json_decref(res);
	p.status = "cancelled,revoked";
	res = search_p(f, &p);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 3);
	json_decref(res);
	assert_index_consistent(f);
}

static void test_art20_changes_and_transfers_update_the_index(void **state)
{
	struct fx *f = *state;
	struct dip_error e;
	json_t *change = json_pack("{s:{s:{s:s,s:s,s:s,s:s}}}", "changes", "source", "kind", "own",
				   "description", "改由新建的物联网传感网络自行采集形成zqxnew。",
				   "formed_on", "2023-12-01", "lawful_proof", f->upload);
	struct request_input in = { "change", change, NULL, NULL, 0, NULL };
	struct request_input tr = { "transfer", NULL, NULL, "carol", 0, NULL };
	struct search_params p;
	json_t *res;
	int64_t id = registered(f, "变更检索数据集", T("2024-03-04T09:00:00+08:00")), req;

	assert_int_equal(hits(f, "刷卡系统"), 1);
	ok(svc_file_request(&f->v, &f->alice, id, &in, T("2024-06-03"), &req, &e), &e);
	ok(svc_decide_request(&f->v, &f->examiner, req, 1, NULL, T("2024-06-04"), &e), &e);
	assert_int_equal(hits(f, "zqxnew"), 1);
	assert_int_equal(hits(f, "刷卡系统"), 0);
	/* Art. 16: the transferee is the holder now. */
	ok(svc_file_request(&f->v, &f->alice, id, &tr, T("2024-06-05"), &req, &e), &e);
	ok(svc_confirm_request(&f->v, &f->carol, req, T("2024-06-05"), &e), &e);
	ok(svc_decide_request(&f->v, &f->examiner, req, 1, NULL, T("2024-06-06"), &e), &e);
	assert_int_equal(hits(f, "张三"), 1);
	assert_int_equal(hits(f, "北京数据科技"), 0);
	memset(&p, 0, sizeof(p));
	p.holder = "张三";
	res = search_p(f, &p);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
	json_decref(res);
	json_decref(change);
	assert_index_consistent(f);
}

/* ---- queries as people type them ----------------------------------------- */

static void test_art20_mixed_chinese_english_short_and_full_width_queries(void **state)
{
	struct fx *f = *state;
	dip_time t = T("2024-03-04T09:00:00+08:00");
	int64_t taxi = registered(f, "北京Taxi轨迹数据集", t);
	int64_t port = registered(f, "上海港口container吞吐量数据集", t);
	int64_t stock = registered(f, "A股市场交易数据集", t);
	int64_t gb = registered(f, "ＧＢ４７５４行业分类数据集", t);
	int64_t cafe = registered(f, "Café咖啡消费数据集", t);
	json_t *res;

	(void)port;
	(void)gb;
	(void)cafe;
	assert_int_equal(hits(f, "taxi 北京"), 1);
	assert_int_equal(hits(f, "TAXI"), 1);
	assert_int_equal(hits(f, "ｔａｘｉ"), 1);
	assert_int_equal(hits(f, "北京taxi"), 1);
	assert_int_equal(hits(f, "\"taxi 轨迹\""), 1);
	assert_int_equal(hits(f, "\"轨迹 taxi\""), 0);
	assert_int_equal(hits(f, "container 上海"), 1);
	/* Shorter than two characters: one Chinese character is any word
	 * starting with it, one letter or digit a whole word. */
	assert_int_equal(hits(f, "股"), 1);
	assert_int_equal(hits(f, "港"), 1);
	assert_int_equal(hits(f, "a"), 1);
	assert_int_equal(hits(f, "A股"), 1);
	assert_int_equal(hits(f, "x"), 0);
	/* Punctuation separates; full-width letters, digits and syntax are
	 * the ASCII ones. */
	assert_int_equal(hits(f, "北京，taxi！"), 1);
	assert_int_equal(hits(f, "（上海 OR 咖啡）　数据集"), 2);
	assert_int_equal(hits(f, "gb4754"), 1);
	assert_int_equal(hits(f, "GB-4754"), 1);
	assert_int_equal(hits(f, "ｇｂ　４７５４"), 1);
	assert_int_equal(hits(f, "cafe"), 1);
	assert_int_equal(hits(f, "CAFÉ"), 1);
	assert_int_equal(hits(f, "数据集 -股 -港口"), 3);
	/* Relevance: the name counts more than the rest. */
	res = search(f, "交易 OR 北京");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(res, "items"), 0),
							    "application")) == stock ||
			 json_integer_value(json_object_get(json_array_get(json_object_get(res, "items"), 0),
							    "application")) == taxi, 1);
	json_decref(res);
}

static void test_art20_query_errors_name_the_position(void **state)
{
	struct fx *f = *state;
	struct search_params p;
	struct qry_diag diag;
	struct dip_error e;
	json_t *o = NULL;

	memset(&p, 0, sizeof(p));
	p.q = "交通 (北京";
	assert_int_equal(svc_search_json(&f->v, &p, &o, &diag, &e), DIP_EINVAL);
	assert_string_equal(e.field, "q");
	assert_int_equal(diag.reason, QRY_E_PAREN);
	assert_int_equal(diag.chr + 1, 4);
	assert_non_null(strstr(e.message, "position 4"));
	p.q = "交通 \"北京";
	assert_int_equal(svc_search_json(&f->v, &p, &o, &diag, &e), DIP_EINVAL);
	assert_int_equal(diag.reason, QRY_E_QUOTE);
	p.q = "，。！";
	assert_int_equal(svc_search_json(&f->v, &p, &o, &diag, &e), DIP_EINVAL);
	assert_int_equal(diag.reason, QRY_E_EMPTY);
	p.q = "\xff\xfe";
	assert_int_equal(svc_search_json(&f->v, &p, &o, &diag, &e), DIP_EINVAL);
	assert_int_equal(diag.reason, QRY_E_ENCODING);
	/* Other parameters are named. */
	p.q = "交通";
	p.status = "draft";
	assert_int_equal(svc_search_json(&f->v, &p, &o, &diag, &e), DIP_EINVAL);
	assert_string_equal(e.field, "status");
	assert_int_equal(diag.reason, QRY_OK);
	p.status = NULL;
	p.industry = "ZZ";
	assert_int_equal(svc_search_json(&f->v, &p, &o, &diag, &e), DIP_EINVAL);
	assert_string_equal(e.field, "industry");
	p.industry = NULL;
	p.from = "2024-02-30";
	assert_int_equal(svc_search_json(&f->v, &p, &o, &diag, &e), DIP_EINVAL);
	assert_string_equal(e.field, "from");
	p.from = NULL;
	p.cursor = "n.00000000.1.0.0.1";
	assert_int_equal(svc_search_json(&f->v, &p, &o, &diag, &e), DIP_EINVAL);
	assert_string_equal(e.field, "cursor");
	assert_null(o);
}

static void test_art20_exact_lookup_of_numbers_and_fingerprints(void **state)
{
	struct fx *f = *state;
	const char *fp2 = "sha256:aa6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456b";
	struct application a;
	json_t *res, *c = fx_content(f, "指纹检索数据集", fp2);
	int64_t id, other = registered(f, "另一数据集", T("2024-03-04T09:00:00+08:00"));
	char upper[80];

	(void)other;
	json_object_set_new(json_object_get(c, "evidence"), "kind", json_string("notarisation"));
	json_object_del(json_object_get(c, "evidence"), "deposit_id");
	json_object_set_new(json_object_get(c, "evidence"), "notary_number", json_string("(2024)京证字第1号"));
	json_object_set_new(json_object_get(c, "evidence"), "notary_date", json_string("2024-01-02"));
	json_object_set_new(json_object_get(c, "evidence"), "notary_scan", json_string(f->upload));
	id = registered_content(f, &f->alice, c, T("2024-03-04T09:00:00+08:00"));
	assert_int_equal(f->v.st->begin(f->v.st, 0), 0);
	assert_int_equal(f->v.st->app_get(f->v.st, id, &a), 0);
	f->v.st->rollback(f->v.st);
	res = search(f, a.cert_no);
	assert_string_equal(json_string_value(json_object_get(res, "lookup")), "certificate_number");
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
	assert_non_null(hit_of(res, id));
	json_decref(res);
	res = search(f, a.reg_no);
	assert_string_equal(json_string_value(json_object_get(res, "lookup")), "registration_number");
	assert_non_null(hit_of(res, id));
	json_decref(res);
	snprintf(upper, sizeof(upper), "  %s ", fp2);
	res = search(f, upper);
	assert_string_equal(json_string_value(json_object_get(res, "lookup")), "fingerprint");
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
	assert_non_null(hit_of(res, id));
	json_decref(res);
	/* A number that names nothing is searched as text. */
	res = search(f, "20990199000000001");
	assert_true(json_is_null(json_object_get(res, "lookup")));
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 0);
	json_decref(res);
	application_release(&a);
}

/* ---- facets, totals, pages ----------------------------------------------- */

static int64_t facet_sum(json_t *res, const char *name)
{
	json_t *v;
	size_t i;
	int64_t n = 0;

	json_array_foreach(json_object_get(json_object_get(res, "facets"), name), i, v)
		n += json_integer_value(json_object_get(v, "count"));
	return n;
}

static void assert_facets_add_up(json_t *res)
{
	int64_t total = json_integer_value(json_object_get(res, "total"));

	assert_int_equal(facet_sum(res, "status"), total);
	assert_int_equal(facet_sum(res, "industry_section"), total);
	assert_int_equal(facet_sum(res, "industry_division"), total);
	assert_int_equal(facet_sum(res, "year"), total);
}

/* A small register of varied industries, years and statuses. */
static void varied_register(struct fx *f, int n)
{
	static const char *const industries[] = { "54", "44", "I", "84", "6420", "A" };
	static const char *const topics[] = { "公共交通客流", "电力负荷", "北京气象观测", "医疗影像",
					      "交通运输物流", "农业遥感" };
	struct dip_error e;
	char name[100];
	json_t *c;
	int i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s数据集%d", topics[i % 6], i);
		c = fx_content(f, name, FP);
		json_object_set_new(c, "industry", json_string(industries[i % 6]));
		if (i % 7 == 3) {
			int64_t id = draft_with(f, &f->alice, c, T("2024-03-04") + i * 86400 * 20);

			submit(f, id, T("2024-03-04") + i * 86400 * 20);
			publish(f, id, T("2024-03-05") + i * 86400 * 20);
			continue;
		}
		{
			int64_t id = registered_content(f, &f->alice, c, T("2024-03-04") + i * 86400 * 20);

			if (i % 5 == 4)
				ok(svc_revoke(&f->v, &f->examiner, id, "经查材料不实",
					      T("2024-03-04") + (i + 3) * 86400 * 20, &e), &e);
		}
	}
}

static void test_art20_facets_add_up_to_the_total(void **state)
{
	struct fx *f = *state;
	static const char *const queries[] = { "", "数据集", "交通", "数据集 -气象", "电力 OR 医疗" };
	struct search_params p;
	json_t *res, *all;
	size_t i;

	varied_register(f, 24);
	memset(&p, 0, sizeof(p));
	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		p.q = queries[i];
		p.status = NULL;
		p.industry = NULL;
		res = search_p(f, &p);
		assert_true(json_is_true(json_object_get(res, "total_exact")));
		assert_true(json_integer_value(json_object_get(res, "total")) > 0);
		assert_facets_add_up(res);
		json_decref(res);
		p.status = "registered,revoked";
		p.industry = "G";
		res = search_p(f, &p);
		assert_facets_add_up(res);
		json_decref(res);
	}
	/* The unfiltered register's kept counts equal counting its records. */
	p.q = NULL;
	p.status = NULL;
	p.industry = NULL;
	all = search_p(f, &p);
	p.q = "数据集";
	res = search_p(f, &p);
	assert_true(json_equal(json_object_get(all, "facets"), json_object_get(res, "facets")));
	assert_int_equal(json_integer_value(json_object_get(all, "total")), 24);
	json_decref(res);
	json_decref(all);
	/* Past the count limit the total is an estimate, flagged, and the
	 * facets add up to it. */
	p.count_limit = 5;
	p.window = 3;
	res = search_p(f, &p);
	assert_true(json_is_false(json_object_get(res, "total_exact")));
	assert_true(json_integer_value(json_object_get(res, "total")) > 5);
	assert_true(json_integer_value(json_object_get(res, "total")) <= 24);
	assert_facets_add_up(res);
	json_decref(res);
	p.industry = "G";
	res = search_p(f, &p);
	assert_facets_add_up(res);
	json_decref(res);
}

static void test_art20_a_word_in_most_records_is_dropped_from_a_longer_query(void **state)
{
	struct fx *f = *state;
	struct search_params p;
	json_t *res;
	int64_t t = T("2024-03-04T09:00:00+08:00");
	int64_t a = registered(f, "电力负荷数据集", t);

	registered(f, "公共交通客流数据集", t);
	registered(f, "气象观测数据集", t);
	memset(&p, 0, sizeof(p));
	p.q = "数据 电力";
	p.common_min = 1;
	res = search_p(f, &p);
	/* 数据 is in every record: the query runs as 电力 and says so. */
	assert_string_equal(json_string_value(json_array_get(json_object_get(res, "dropped"), 0)), "数据");
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 1);
	assert_non_null(hit_of(res, a));
	json_decref(res);
	/* Alone it stays, and with only excluded words or OR alternatives. */
	p.q = "数据";
	res = search_p(f, &p);
	assert_int_equal(json_array_size(json_object_get(res, "dropped")), 0);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 3);
	json_decref(res);
	p.q = "数据 -电力";
	res = search_p(f, &p);
	assert_int_equal(json_array_size(json_object_get(res, "dropped")), 0);
	assert_int_equal(json_integer_value(json_object_get(res, "total")), 2);
	json_decref(res);
	p.q = "数据 OR 电力";
	res = search_p(f, &p);
	assert_int_equal(json_array_size(json_object_get(res, "dropped")), 0);
	json_decref(res);
	/* Nor when every word is that common; nor in a small register. */
	p.q = "数据 交通";
	res = search_p(f, &p);
	assert_int_equal(json_array_size(json_object_get(res, "dropped")), 0);
	json_decref(res);
	p.q = "数据 电力";
	p.common_min = 0;
	res = search_p(f, &p);
	assert_int_equal(json_array_size(json_object_get(res, "dropped")), 0);
	json_decref(res);
}

/* Follows next until the end, checking no record comes twice; returns the
 * number of records seen and fills ids. */
static int walk_pages(struct fx *f, struct search_params p, int64_t *ids, int max)
{
	json_t *res, *h;
	char cursor[128];
	size_t i;
	int n = 0, pages, j;

	cursor[0] = '\0';
	for (pages = 0; pages < 200; pages++) {
		p.cursor = cursor[0] ? cursor : NULL;
		res = search_p(f, &p);
		json_array_foreach(json_object_get(res, "items"), i, h) {
			int64_t id = json_integer_value(json_object_get(h, "application"));

			for (j = 0; j < n; j++)
				if (ids[j] == id)
					fail_msg("record %lld came twice (q=%s sort=%s window=%d)",
						 (long long)id, p.q, p.sort, p.window);
			assert_true(n < max);
			ids[n++] = id;
		}
		if (json_is_null(json_object_get(res, "next"))) {
			json_decref(res);
			return n;
		}
		snprintf(cursor, sizeof(cursor), "%s", hs(res, "next"));
		json_decref(res);
	}
	fail_msg("more than 200 pages");
	return n;
}

static void test_art20_pagination_visits_every_record_exactly_once(void **state)
{
	struct fx *f = *state;
	static const char *const sorts[] = { NULL, "newest", "oldest" };
	static const char *const queries[] = { "数据集", "交通 OR 电力 OR 气象", NULL };
	struct search_params p;
	int64_t ids[64], all;
	json_t *res;
	size_t s, q;
	int w, limit, n;

	varied_register(f, 24);
	for (q = 0; q < sizeof(queries) / sizeof(queries[0]); q++)
		for (s = 0; s < sizeof(sorts) / sizeof(sorts[0]); s++)
			for (w = 0; w < 3; w++)
				for (limit = 1; limit <= 7; limit += 3) {
					if (w > 0 && limit != 4)
						continue;
					memset(&p, 0, sizeof(p));
					p.q = queries[q];
					p.sort = sorts[s];
					p.limit = limit;
					/* Default, a window smaller than the results,
					 * and one that makes the total an estimate. */
					p.window = w == 0 ? 0 : w == 1 ? 5 : 2;
					p.count_limit = w == 2 ? 4 : 0;
					p.limit = limit;
					res = search_p(f, &(struct search_params){ .q = p.q, .limit = 100 });
					all = (int64_t)json_array_size(json_object_get(res, "items"));
					json_decref(res);
					n = walk_pages(f, p, ids, 64);
					assert_int_equal(n, all);
				}
	/* Relevance: within the window, better scores first. */
	memset(&p, 0, sizeof(p));
	p.q = "交通 OR 电力";
	p.limit = 100;
	res = search_p(f, &p);
	{
		json_t *h;
		size_t i;
		int64_t last = 1000;

		json_array_foreach(json_object_get(res, "items"), i, h) {
			assert_true(json_integer_value(json_object_get(h, "score")) <= last);
			last = json_integer_value(json_object_get(h, "score"));
		}
	}
	json_decref(res);
}

/* ---- the two backends ---------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	return test_rnd(&rng, n);
}

#define PICK(a) (a[rnd(sizeof(a) / sizeof(a[0]))])

static const char *const pieces[] = {
	"北京市", "上海", "公共交通", "客流", "数据集", "数据", "出租车", "GPS", "轨迹", "Taxi",
	"集装箱", "吞吐量", "港", "股", "A股", "上市公司", "管理局", "有限公司", "气象", "观测",
	"空气质量", "PM2.5", "container", "throughput", "Shanghai", "port", "ＡＢＣ", "１２３",
	"GB/T 4754", "GB4754", "2023", "Café", "Straße", "交通运输", "运输", "京津冀", "天津港",
	"充电桩", "新能源", "（试行）", "Ⅻ期", "data", "Data-set", "x86_64",
};
static const char *const seps[] = { "", "", " ", "，", "、", "-", "/", "　", "\n" };
static const char *const holders[] = {
	"北京智联交通数据科技有限公司", "张伟", "中关村数据资产运营有限公司", "上海港口数据有限公司",
	"华北气象数据服务中心", "Shanghai Port Data Co., Ltd.",
};
static const char *const sections[] = { "G54", "D44", "I64", "Q84", "A01", "" };

static void random_text(struct dbuf *b, int words)
{
	int i;

	dbuf_reset(b);
	for (i = 0; i < words; i++) {
		if (i)
			dbuf_adds(b, PICK(seps));
		dbuf_adds(b, PICK(pieces));
	}
}

static void fill_index(struct store *s, int n)
{
	static const enum app_state st[] = { APP_REGISTERED, APP_REGISTERED, APP_REGISTERED,
					     APP_PUBLICATION, APP_OBJECTION, APP_CANCELLED,
					     APP_REVOKED };
	struct dbuf name, body;
	struct search_holder h;
	struct search_keyinfo k;
	struct search_doc d;
	const char *sec;
	int i, rc;

	dbuf_init(&name, 0);
	dbuf_init(&body, 0);
	assert_int_equal(s->begin(s, 1), 0);
	for (i = 0; i < n; i++) {
		memset(&d, 0, sizeof(d));
		memset(&k, 0, sizeof(k));
		k.app_id = i + 1;
		k.day = day_from_ymd(2023, 6, 19) + (dip_day)rnd(1200);
		k.status = st[rnd(7)];
		sec = k.status == APP_PUBLICATION || k.status == APP_OBJECTION ? "" : PICK(sections);
		if (*sec) {
			k.section = sec[0];
			k.division = (sec[1] - '0') * 10 + (sec[2] - '0');
			snprintf(d.industry, sizeof(d.industry), "%s", sec + 1);
			snprintf(d.cert_no, sizeof(d.cert_no), "2024011100%07u", (unsigned)(i + 1) % 10000000u);
			snprintf(d.reg_no, sizeof(d.reg_no), "202411%09u%c", (unsigned)(i + 1) % 1000000000u, '0' + i % 10);
		}
		d.key = store_search_key(&k);
		random_text(&name, 2 + (int)rnd(4));
		random_text(&body, 5 + (int)rnd(30));
		d.name = name.p;
		memset(&h, 0, sizeof(h));
		snprintf(h.name, sizeof(h.name), "%s", PICK(holders));
		d.holders = &h;
		d.nholders = 1;
		d.holder = h.name;
		d.body = body.p;
		rc = s->search_put(s, &d);
		if (rc)
			fail_msg("put: %s", s->err.message);
	}
	assert_int_equal(s->commit(s), 0);
	dbuf_free(&name);
	dbuf_free(&body);
}

/* A substring of 1..4 characters of a piece, or a piece. */
static void query_word(struct dbuf *q)
{
	const char *p = PICK(pieces), *a = p;
	size_t skip = rnd(3), len = 1 + rnd(4), i;

	for (i = 0; i < skip && *a; i++)
		do
			a++;
		while (((unsigned char)*a & 0xc0) == 0x80);
	if (*a == '\0')
		a = p;
	for (p = a, i = 0; *p && i < len; i++)
		do
			p++;
		while (((unsigned char)*p & 0xc0) == 0x80);
	dbuf_add(q, a, (size_t)(p - a));
}

static void random_query(struct dbuf *q)
{
	int i, n = 1 + (int)rnd(3);

	dbuf_reset(q);
	for (i = 0; i < n; i++) {
		if (i)
			dbuf_adds(q, rnd(5) == 0 ? " OR " : " ");
		if (i && rnd(5) == 0)
			dbuf_addc(q, '-');
		if (rnd(5) == 0) {
			dbuf_addc(q, '"');
			query_word(q);
			dbuf_addc(q, ' ');
			query_word(q);
			dbuf_addc(q, '"');
		} else {
			query_word(q);
		}
	}
}

static void test_art20_sqlite_and_postgresql_return_the_same(void **state)
{
	struct fx *f = *state;
	struct svc other = { .reg = &f->reg };
	struct search_params p;
	struct dip_error e;
	struct dbuf q;
	char path[400], cursor[2][128];
	static const char *const statuses[] = { NULL, NULL, "registered", "publication,objection",
						"cancelled,revoked" };
	static const char *const industries[] = { NULL, NULL, NULL, "G", "54", "I" };
	static const char *const sorts[] = { NULL, NULL, "newest", "oldest" };
	int i, page, compared = 0, nonempty = 0, rc[2];
	json_t *res[2];
	char *s[2];

	if (testdb_pg() == NULL)
		skip(); /* runs in the PostgreSQL pass, against SQLite */
	snprintf(path, sizeof(path), "%s/other.db", f->tdb.dir);
	other.st = store_open(path, &e);
	if (other.st == NULL)
		fail_msg("sqlite: %s", e.message);
	rng = 0x2545f4914f6cdd1dull;
	fill_index(f->v.st, 3000);
	rng = 0x2545f4914f6cdd1dull;
	fill_index(other.st, 3000);
	dbuf_init(&q, 0);
	for (i = 0; i < 200; i++) {
		memset(&p, 0, sizeof(p));
		random_query(&q);
		p.q = i % 20 == 0 ? NULL : q.p;
		p.status = PICK(statuses);
		p.industry = PICK(industries);
		p.sort = PICK(sorts);
		if (rnd(4) == 0) {
			p.from = "2024-01-01";
			p.to = rnd(2) ? "2025-06-30" : NULL;
		}
		if (rnd(6) == 0)
			p.holder = PICK(holders);
		p.limit = 1 + (int)rnd(30);
		/* Small limits exercise the estimates and the ranked window. */
		if (rnd(2)) {
			p.count_limit = 50 + (int)rnd(200);
			p.window = 10 + (int)rnd(40);
		}
		/* The hyper-common hook, on this small register. */
		if (rnd(2))
			p.common_min = 100;
		cursor[0][0] = cursor[1][0] = '\0';
		for (page = 0; page < 3; page++) {
			p.cursor = page ? cursor[0] : NULL;
			rc[0] = svc_search_json(&f->v, &p, &res[0], NULL, &e);
			rc[1] = svc_search_json(&other, &p, &res[1], NULL, &e);
			assert_int_equal(rc[0], rc[1]);
			if (rc[0])
				break;
			s[0] = json_dumps(res[0], JSON_SORT_KEYS | JSON_COMPACT);
			s[1] = json_dumps(res[1], JSON_SORT_KEYS | JSON_COMPACT);
			if (strcmp(s[0], s[1]) != 0)
				fail_msg("q=%s status=%s industry=%s sort=%s page %d:\npostgresql %s\nsqlite %s",
					 p.q, p.status, p.industry, p.sort, page, s[0], s[1]);
			compared++;
			nonempty += json_array_size(json_object_get(res[0], "items")) > 0;
			free(s[0]);
			free(s[1]);
			if (json_is_null(json_object_get(res[0], "next"))) {
				json_decref(res[0]);
				json_decref(res[1]);
				break;
			}
			snprintf(cursor[0], sizeof(cursor[0]), "%s", hs(res[0], "next"));
			json_decref(res[0]);
			json_decref(res[1]);
		}
	}
	/* The comparison compared something. */
	assert_true(compared > 200);
	assert_true(nonempty > 100);
	print_message("compared %d pages, %d with hits\n", compared, nonempty);
	dbuf_free(&q);
	store_close(other.st);
}

/* The filter words (status, section, division) live in the index beside
 * the text; a query word reaches them only as the whole word or, with *,
 * as a prefix of one.  Checked against every tag, for every word of up to
 * three letters and a few others. */
static int reaches(const char *w, int prefix)
{
	char tag[SEARCH_TAG_MAX];
	size_t n = strlen(w);
	int i;

	for (i = 0; i < APP__COUNT + 26 + 100; i++) {
		if (i < APP__COUNT)
			store_search_tag_status((enum app_state)i, tag);
		else if (i < APP__COUNT + 26)
			store_search_tag_section((char)('A' + i - APP__COUNT), tag);
		else
			store_search_tag_division(i - APP__COUNT - 26, tag);
		if (prefix ? strncmp(tag, w, n) == 0 : strcmp(tag, w) == 0)
			return 1;
	}
	return 0;
}

static void test_art20_filter_words_reached_only_by_their_own_spelling(void **state)
{
	static const char *const others[] = { "", "数据", "sregistered", "sregister", "xq", "dbj",
					      "dzz", "sx", "registered", "beijing", "s数" };
	char w[4];
	int a, b, c, prefix, hits = 0;
	size_t i;

	(void)state;
	for (prefix = 0; prefix < 2; prefix++) {
		for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
			assert_int_equal(store_search_tag_reachable(others[i], strlen(others[i]), prefix),
					 reaches(others[i], prefix));
		for (a = 'a'; a <= 'z'; a++)
			for (b = 'a' - 1; b <= 'z'; b++)
				for (c = 'a' - 1; c <= 'z'; c++) {
					if (b < 'a' && c >= 'a')
						continue;
					w[0] = (char)a;
					w[1] = b < 'a' ? '\0' : (char)b;
					w[2] = c < 'a' ? '\0' : (char)c;
					w[3] = '\0';
					assert_int_equal(store_search_tag_reachable(w, strlen(w), prefix),
							 reaches(w, prefix));
					hits += reaches(w, prefix);
				}
	}
	assert_true(hits > 200);
	assert_int_equal(store_search_tag_reachable("sregistered", 11, 0), 1);
	assert_int_equal(store_search_tag_reachable("xa", 2, 0), 1);
	assert_int_equal(store_search_tag_reachable("daa", 3, 0), 1);
	assert_int_equal(store_search_tag_reachable("beijing", 7, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
		T(test_art20_registration_searchable_the_moment_it_is_announced),
		T(test_art20_drafts_submissions_refusals_withdrawals_never_found),
		T(test_art20_confidential_fields_never_found),
		T(test_art20_cancelled_and_revoked_stay_findable_with_status),
		T(test_art20_changes_and_transfers_update_the_index),
		T(test_art20_mixed_chinese_english_short_and_full_width_queries),
		T(test_art20_query_errors_name_the_position),
		T(test_art20_exact_lookup_of_numbers_and_fingerprints),
		T(test_art20_facets_add_up_to_the_total),
		T(test_art20_pagination_visits_every_record_exactly_once),
		T(test_art20_a_word_in_most_records_is_dropped_from_a_longer_query),
		T(test_art20_sqlite_and_postgresql_return_the_same),
#undef T
		cmocka_unit_test(test_art20_filter_words_reached_only_by_their_own_spelling),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
