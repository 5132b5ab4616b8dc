/*
 * test_domain.c - identity numbers (Art. 6), the Art. 5 content and the
 * Art. 23 declaration, the transition tables, and rules profiles.
 */
#include "testutil.h"

#include "domain/application.h"
#include "domain/idnum.h"
#include "domain/rules.h"
#include "domain/workflow.h"
#include "util/res.h"

static struct industry_table industries;

static int setup(void **state)
{
	const struct dip_resource *r = res_get("data/gbt4754-2017.tsv");

	(void)state;
	assert_int_equal(industry_parse(&industries, r->data, r->len, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	industry_release(&industries);
	return 0;
}

static void test_art6_citizen_identity_number_check_digit(void **state)
{
	struct dip_error e;

	(void)state;
	assert_int_equal(idnum_check_citizen("11010519491231002X", "id", &e), 0);
	assert_int_equal(idnum_check_citizen("110105199003071239", "id", &e), 0);
	assert_int_equal(idnum_check_citizen("110105199003071238", "id", &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "check character"));
	assert_string_equal(e.field, "id");
	assert_int_equal(idnum_check_citizen("11010519491331002X", "id", &e), DIP_EINVAL);
	assert_int_equal(idnum_check_citizen("1101051949123100", "id", &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "18 characters"));
}

static void test_art6_unified_social_credit_code_check_character(void **state)
{
	struct dip_error e;

	(void)state;
	/* The example of GB 32100-2015. */
	assert_int_equal(idnum_check_uscc("91350100M000100Y43", "id", &e), 0);
	assert_int_equal(idnum_check_uscc("91110108MA01ABCDEN", "id", &e), 0);
	assert_int_equal(idnum_check_uscc("91350100M000100Y44", "id", &e), DIP_EINVAL);
	/* I, O, S, V, Z are not in the alphabet. */
	assert_int_equal(idnum_check_uscc("91350100I000100Y43", "id", &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "not allowed"));
}

static void test_art6_identity_masking_for_publication(void **state)
{
	char out[19];

	(void)state;
	idnum_mask(PARTY_NATURAL, "11010519491231002X", out);
	assert_string_equal(out, "110105********002X");
	idnum_mask(PARTY_LEGAL, "91350100M000100Y43", out);
	assert_string_equal(out, "91350100M000100Y43");
}

static json_t *good(void)
{
	const char *text =
		"{\"name\":\"北京市公共交通客流数据集\",\"industry\":\"54\","
		"\"scenario\":\"用于城市交通规划与公交线网优化。\","
		"\"source\":{\"kind\":\"own\",\"description\":\"自有公交刷卡系统采集。\","
		"\"formed_on\":\"2023-12-01\",\"lawful_proof\":\"" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "\"},"
		"\"structure\":{\"fields\":[{\"name\":\"station\",\"format\":\"varchar(32)\"}],"
		"\"records\":100,\"bytes\":2000},"
		"\"update\":{\"frequency\":\"daily\"},"
		"\"algorithm\":{\"summary\":\"清洗、去重、按站点聚合统计。\",\"personal_data\":false,"
		"\"public_data\":false},"
		"\"evidence\":{\"kind\":\"deposit\",\"fingerprint\":\"sha256:" "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456" "\",\"deposit_id\":1},"
		"\"sample\":\"" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "\","
		"\"declaration\":{\"truthful\":true}}";
	json_t *c = json_loads(text, 0, NULL);

	assert_non_null(c);
	return c;
}

static struct app_check_ctx ctx_complete(void)
{
	struct app_check_ctx c = { &industries, 0, 1 };

	assert_int_equal(day_parse("2024-03-01", &c.today), 0);
	return c;
}

static int has_defect(const struct app_defects *d, const char *field)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].field, field) == 0)
			return 1;
	return 0;
}

static void test_art5_complete_application_passes(void **state)
{
	struct app_check_ctx ctx = ctx_complete();
	struct app_defects d;
	json_t *c = good();

	(void)state;
	assert_int_equal(app_content_check(c, &ctx, &d), 0);
	assert_int_equal(d.n, 0);
	json_decref(c);
}

static void test_art5_every_item_is_required_and_reported_at_once(void **state)
{
	struct app_check_ctx ctx = ctx_complete();
	struct app_defects d;
	json_t *c = json_object();

	(void)state;
	assert_int_equal(app_content_check(c, &ctx, &d), DIP_EINVAL);
	assert_true(has_defect(&d, "name"));
	assert_true(has_defect(&d, "industry"));
	assert_true(has_defect(&d, "scenario"));
	assert_true(has_defect(&d, "source"));
	assert_true(has_defect(&d, "structure"));
	assert_true(has_defect(&d, "update"));
	assert_true(has_defect(&d, "algorithm"));
	assert_true(has_defect(&d, "evidence"));
	assert_true(has_defect(&d, "sample"));
	assert_true(has_defect(&d, "declaration"));
	assert_true(d.n >= 20);
	/* A draft may be incomplete. */
	ctx.complete = 0;
	assert_int_equal(app_content_check(c, &ctx, &d), 0);
	json_decref(c);
}

static void test_art5_industry_must_be_gbt4754(void **state)
{
	struct app_check_ctx ctx = ctx_complete();
	struct app_defects d;
	json_t *c = good();

	(void)state;
	json_object_set_new(c, "industry", json_string("99"));
	assert_int_equal(app_content_check(c, &ctx, &d), DIP_EINVAL);
	assert_string_equal(d.v[0].field, "industry");
	assert_non_null(strstr(d.v[0].message, "unknown GB/T 4754-2017 code \"99\""));
	json_object_set_new(c, "industry", json_string("I"));
	assert_int_equal(app_content_check(c, &ctx, &d), 0);
	json_object_set_new(c, "industry", json_string("6440"));
	assert_int_equal(app_content_check(c, &ctx, &d), 0);
	json_decref(c);
}

static void test_art5_name_names_a_data_collection(void **state)
{
	struct app_check_ctx ctx = ctx_complete();
	struct app_defects d;
	json_t *c = good();

	(void)state;
	json_object_set_new(c, "name", json_string("我的宝贝"));
	assert_int_equal(app_content_check(c, &ctx, &d), DIP_EINVAL);
	assert_string_equal(d.v[0].field, "name");
	json_object_set_new(c, "name", json_string("Shanghai Port Container Dataset"));
	assert_int_equal(app_content_check(c, &ctx, &d), 0);
	json_decref(c);
}

static void test_art5_anonymisation_required_for_personal_or_public_data(void **state)
{
	struct app_check_ctx ctx = ctx_complete();
	struct app_defects d;
	json_t *c = good();

	(void)state;
	json_object_set_new(json_object_get(c, "algorithm"), "personal_data", json_true());
	assert_int_equal(app_content_check(c, &ctx, &d), DIP_EINVAL);
	assert_true(has_defect(&d, "algorithm.anonymisation"));
	json_object_set_new(json_object_get(c, "algorithm"), "anonymisation",
			    json_string("手机号经不可逆哈希处理，无法还原。"));
	assert_int_equal(app_content_check(c, &ctx, &d), 0);
	json_decref(c);
}

static void test_art5_formation_date_not_in_future(void **state)
{
	struct app_check_ctx ctx = ctx_complete();
	struct app_defects d;
	json_t *c = good();

	(void)state;
	json_object_set_new(json_object_get(c, "source"), "formed_on", json_string("2024-03-02"));
	assert_int_equal(app_content_check(c, &ctx, &d), DIP_EINVAL);
	assert_true(has_defect(&d, "source.formed_on"));
	json_object_set_new(json_object_get(c, "source"), "formed_on", json_string("2024-13-01"));
	assert_int_equal(app_content_check(c, &ctx, &d), DIP_EINVAL);
	json_decref(c);
}

static void test_art5_unknown_fields_are_reported(void **state)
{
	struct app_check_ctx ctx = ctx_complete();
	struct app_defects d;
	json_t *c = good();
	char longkey[200];
	size_t i, cut = 0;

	(void)state;
	json_object_set_new(json_object_get(c, "source"), "descripton", json_string("typo"));
	json_object_set_new(c, "scenaria", json_string("typo"));
	memset(longkey, 'k', sizeof(longkey) - 1);
	longkey[sizeof(longkey) - 1] = '\0';
	json_object_set_new(json_object_get(c, "update"), longkey, json_true());
	assert_int_equal(app_content_check(c, &ctx, &d), DIP_EINVAL);
	assert_true(has_defect(&d, "source.descripton"));
	assert_true(has_defect(&d, "scenaria"));
	/* A key longer than any path is reported by its start. */
	assert_int_equal(d.n, 3);
	for (i = 0; i < d.n; i++)
		cut += strncmp(d.v[i].field, "update.kkkk", 11) == 0;
	assert_int_equal(cut, 1);
	json_decref(c);
}

static void test_art13_agreement_data_requires_agreement_end(void **state)
{
	struct app_check_ctx ctx = ctx_complete();
	struct app_defects d;
	struct rules r;
	json_t *c = good();
	dip_day reg, end;
	char s[11];

	(void)state;
	json_object_set_new(json_object_get(c, "source"), "kind", json_string("agreement"));
	assert_int_equal(app_content_check(c, &ctx, &d), DIP_EINVAL);
	assert_true(has_defect(&d, "source.agreement_end"));
	json_object_set_new(json_object_get(c, "source"), "agreement_end", json_string("2025-12-31"));
	assert_int_equal(app_content_check(c, &ctx, &d), 0);
	assert_int_equal(rules_builtin(&r, "beijing", NULL), 0);
	assert_int_equal(day_parse("2024-06-03", &reg), 0);
	end = app_validity_end(c, reg, &r);
	day_format(end, s);
	assert_string_equal(s, "2025-12-31");
	/* A longer agreement does not extend the three years. */
	json_object_set_new(json_object_get(c, "source"), "agreement_end", json_string("2030-01-01"));
	day_format(app_validity_end(c, reg, &r), s);
	assert_string_equal(s, "2027-06-02");
	json_decref(c);
}

static void test_art23_declaration_must_be_given(void **state)
{
	struct app_check_ctx ctx = ctx_complete();
	struct app_defects d;
	json_t *c = good();

	(void)state;
	json_object_set_new(json_object_get(c, "declaration"), "truthful", json_false());
	assert_int_equal(app_content_check(c, &ctx, &d), DIP_EINVAL);
	assert_true(has_defect(&d, "declaration.truthful"));
	assert_non_null(strstr(d.v[0].message, "Art. 23"));
	json_decref(c);
}

static void test_art10_publication_shows_only_five_items(void **state)
{
	json_t *c = good(), *p = app_content_public(c, APP_VIEW_PUBLICATION), *r;
	const char *key;
	json_t *val;
	int n = 0;

	(void)state;
	json_object_foreach(p, key, val)
		n++;
	assert_non_null(json_object_get(p, "name"));
	assert_non_null(json_object_get(p, "scenario"));
	assert_non_null(app_get(p, "source.description"));
	assert_non_null(app_get(p, "algorithm.summary"));
	assert_null(json_object_get(p, "industry"));
	assert_null(json_object_get(p, "sample"));
	assert_null(app_get(p, "source.lawful_proof"));
	assert_null(app_get(p, "source.kind"));
	assert_int_equal(n, 4); /* name, scenario, source, algorithm; applicants come from parties */
	r = app_content_public(c, APP_VIEW_REGISTER);
	assert_non_null(json_object_get(r, "industry"));
	assert_null(json_object_get(r, "sample"));
	assert_null(app_get(r, "structure.fields"));
	assert_null(app_get(r, "algorithm.anonymisation"));
	assert_true(app_field_confidential("sample"));
	assert_false(app_field_confidential("name"));
	json_decref(p);
	json_decref(r);
	json_decref(c);
}

static void test_art8_forbidden_transitions_are_refused(void **state)
{
	struct dip_error e;
	enum app_state to;

	(void)state;
	assert_int_equal(wf_app_check(APP_SUBMITTED, WF_REQUEST_CORRECTION, ROLE_EXAMINER, &to, &e), 0);
	assert_int_equal(to, APP_CORRECTION);
	/* An applicant cannot examine. */
	assert_int_equal(wf_app_check(APP_SUBMITTED, WF_PUBLISH, ROLE_APPLICANT, &to, &e),
			 DIP_EFORBIDDEN);
	/* Nothing moves a refused application. */
	assert_int_equal(wf_app_check(APP_REFUSED, WF_PUBLISH, ROLE_EXAMINER, &to, &e), DIP_ESTATE);
	assert_non_null(strstr(e.message, "refused"));
	assert_int_equal(wf_app_check(APP_DRAFT, WF_PUBLISH, ROLE_EXAMINER, &to, &e), DIP_ESTATE);
	assert_int_equal(wf_app_check(APP_REGISTERED, WF_WITHDRAW, ROLE_APPLICANT, &to, &e),
			 DIP_ESTATE);
	assert_int_equal(wf_app_check(APP_CORRECTION, WF_DEEM_WITHDRAWN, ROLE_EXAMINER, &to, &e),
			 DIP_EFORBIDDEN);
	assert_int_equal(wf_app_check(APP_CORRECTION, WF_DEEM_WITHDRAWN, ROLE_SYSTEM, &to, &e), 0);
	assert_int_equal(to, APP_DEEMED_WITHDRAWN);
}

static void test_art10_objection_only_during_publication(void **state)
{
	enum app_state to;
	int s;

	(void)state;
	for (s = 0; s < APP__COUNT; s++)
		assert_int_equal(wf_app_check((enum app_state)s, WF_OBJECT, ROLE_PUBLIC, &to, NULL) == 0,
				 s == APP_PUBLICATION);
}

static void test_art11_objection_exchange_order(void **state)
{
	enum obj_state to;
	int opens;

	(void)state;
	assert_int_equal(wf_obj_check(OBJ_FILED, OBJA_FORWARD, ROLE_EXAMINER, &to, &opens, NULL), 0);
	assert_int_equal(to, OBJ_FORWARDED);
	assert_int_equal(opens, DL_OBJ_ANSWER);
	assert_int_equal(wf_obj_check(OBJ_FILED, OBJA_ANSWER, ROLE_APPLICANT, &to, &opens, NULL),
			 DIP_ESTATE);
	assert_int_equal(wf_obj_check(OBJ_FORWARDED, OBJA_ANSWER, ROLE_APPLICANT, &to, &opens, NULL), 0);
	assert_int_equal(opens, DL_OBJ_FORWARD_ANSWER);
	assert_int_equal(wf_obj_check(OBJ_ANSWERED, OBJA_FORWARD_ANSWER, ROLE_EXAMINER, &to, &opens,
				      NULL), 0);
	assert_int_equal(opens, DL_OBJ_SUPPLEMENT);
	assert_int_equal(wf_obj_check(OBJ_ANSWER_FORWARDED, OBJA_SUPPLEMENT, ROLE_PUBLIC, &to, &opens,
				      NULL), 0);
	assert_int_equal(to, OBJ_AWAITING_DECISION);
	assert_int_equal(wf_obj_check(OBJ_AWAITING_DECISION, OBJA_DECIDE, ROLE_APPLICANT, &to,
				      &opens, NULL), DIP_EFORBIDDEN);
}

static void test_art9_grounds_are_the_seven_of_the_measures(void **state)
{
	(void)state;
	assert_non_null(strstr(wf_art9_text(3), "存证"));
	assert_non_null(strstr(wf_art9_text(5), "重复登记"));
	assert_null(wf_art9_text(8));
	assert_non_null(strstr(wf_art16_text(1), "继承"));
}

static void test_rules_profiles_differ_only_in_data(void **state)
{
	struct rules bj, sh, zj;
	struct dip_error e;
	const char *missing = "name = x\n";

	(void)state;
	assert_int_equal(rules_builtin(&bj, "beijing", &e), 0);
	assert_int_equal(rules_builtin(&sh, "shanghai", &e), 0);
	assert_int_equal(rules_builtin(&zj, "zhejiang", &e), 0);
	assert_int_equal(bj.dl[DL_PUBLICATION].n, 10);
	assert_int_equal(bj.dl[DL_PUBLICATION].unit, UNIT_WORKING_DAYS);
	assert_int_equal(sh.dl[DL_PUBLICATION].n, 15);
	assert_int_equal(sh.dl[DL_OBJ_DECIDE].n, 60);
	assert_int_equal(sh.dl[DL_OBJ_DECIDE].unit, UNIT_DAYS);
	assert_int_equal(bj.dl[DL_CORRECTION_REPLY].n, 10);
	assert_int_equal(bj.validity.n, 3);
	assert_false(bj.evidence_before_filing);
	assert_true(zj.evidence_before_filing);
	assert_int_equal(rules_parse(&bj, missing, strlen(missing), &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "lacks"));
	assert_int_equal(rules_builtin(&bj, "../etc", &e), DIP_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_art6_citizen_identity_number_check_digit),
		cmocka_unit_test(test_art6_unified_social_credit_code_check_character),
		cmocka_unit_test(test_art6_identity_masking_for_publication),
		cmocka_unit_test(test_art5_complete_application_passes),
		cmocka_unit_test(test_art5_every_item_is_required_and_reported_at_once),
		cmocka_unit_test(test_art5_industry_must_be_gbt4754),
		cmocka_unit_test(test_art5_name_names_a_data_collection),
		cmocka_unit_test(test_art5_anonymisation_required_for_personal_or_public_data),
		cmocka_unit_test(test_art5_formation_date_not_in_future),
		cmocka_unit_test(test_art5_unknown_fields_are_reported),
		cmocka_unit_test(test_art13_agreement_data_requires_agreement_end),
		cmocka_unit_test(test_art23_declaration_must_be_given),
		cmocka_unit_test(test_art10_publication_shows_only_five_items),
		cmocka_unit_test(test_art8_forbidden_transitions_are_refused),
		cmocka_unit_test(test_art10_objection_only_during_publication),
		cmocka_unit_test(test_art11_objection_exchange_order),
		cmocka_unit_test(test_art9_grounds_are_the_seven_of_the_measures),
		cmocka_unit_test(test_rules_profiles_differ_only_in_data),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
