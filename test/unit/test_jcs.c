/*
 * test_jcs.c - RFC 8785 canonical JSON: the RFC's own examples (section
 * 3.2.2 and 3.2.3, the number table of appendix B) and the limits.
 */
#include "testutil.h"

#include "util/buf.h"
#include "util/err.h"
#include "util/jcs.h"

static void expect_canonical(const char *input, const char *want)
{
	json_error_t jerr;
	json_t *v = json_loads(input, JSON_DECODE_ANY, &jerr);
	struct dbuf b;
	struct dip_error e;

	assert_non_null(v);
	dbuf_init(&b, 0);
	dip_error_clear(&e);
	assert_int_equal(jcs_serialize(v, &b, &e), 0);
	assert_string_equal(b.p, want);
	dbuf_free(&b);
	json_decref(v);
}

static void test_rfc8785_section_3_2_2_example(void **state)
{
	(void)state;
	expect_canonical(
		"{\n"
		"  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
		"  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
		"  \"literals\": [null, true, false]\n"
		"}",
		"{\"literals\":[null,true,false],"
		"\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
		"\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

static void test_rfc8785_section_3_2_3_sorting(void **state)
{
	(void)state;
	expect_canonical("{\n"
			 "  \"\\u20ac\": \"Euro Sign\",\n"
			 "  \"\\r\": \"Carriage Return\",\n"
			 "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
			 "  \"1\": \"One\",\n"
			 "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
			 "  \"\\u0080\": \"Control\",\n"
			 "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
			 "}",
			 "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
			 "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
			 "\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
			 "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

static void test_rfc8785_appendix_b_numbers(void **state)
{
	static const struct {
		uint64_t bits;
		const char *want;
	} v[] = {
		{ 0x0000000000000000ULL, "0" },
		{ 0x8000000000000000ULL, "0" },
		{ 0x0000000000000001ULL, "5e-324" },
		{ 0x8000000000000001ULL, "-5e-324" },
		{ 0x7fefffffffffffffULL, "1.7976931348623157e+308" },
		{ 0xffefffffffffffffULL, "-1.7976931348623157e+308" },
		{ 0x4340000000000000ULL, "9007199254740992" },
		{ 0xc340000000000000ULL, "-9007199254740992" },
		{ 0x4430000000000000ULL, "295147905179352830000" },
		{ 0x44b52d02c7e14af5ULL, "9.999999999999997e+22" },
		{ 0x44b52d02c7e14af6ULL, "1e+23" },
		{ 0x44b52d02c7e14af7ULL, "1.0000000000000001e+23" },
		{ 0x444b1ae4d6e2ef4eULL, "999999999999999700000" },
		{ 0x444b1ae4d6e2ef4fULL, "999999999999999900000" },
		{ 0x444b1ae4d6e2ef50ULL, "1e+21" },
		{ 0x3eb0c6f7a0b5ed8cULL, "9.999999999999997e-7" },
		{ 0x3eb0c6f7a0b5ed8dULL, "0.000001" },
		{ 0x41b3de4355555553ULL, "333333333.3333332" },
		{ 0x41b3de4355555554ULL, "333333333.33333325" },
		{ 0x41b3de4355555555ULL, "333333333.3333333" },
		{ 0x41b3de4355555556ULL, "333333333.3333334" },
		{ 0x41b3de4355555557ULL, "333333333.33333343" },
		{ 0xbecbf647612f3696ULL, "-0.0000033333333333333333" },
		{ 0x43143ff3c1cb0959ULL, "1424953923781206.2" },
		/* Powers of two, whose rounding interval is lopsided (checked
		 * against node's String(Number)). */
		{ 0x7220000000000000ULL, "5.334411546303884e+241" },
		{ 0xbe70000000000000ULL, "-5.960464477539063e-8" },
	};
	char out[32];
	double d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		memcpy(&d, &v[i].bits, sizeof(d));
		assert_int_equal(jcs_format_double(d, out), 0);
		assert_string_equal(out, v[i].want);
	}
	d = 0.0;
	assert_int_equal(jcs_format_double(1.0 / d, out), DIP_EINVAL);
	assert_int_equal(jcs_format_double(d / d, out), DIP_EINVAL);
}

static void test_integers_exact_as_doubles(void **state)
{
	json_t *v = json_pack("[I,I,I,I]", (json_int_t)9007199254740992LL,
			      (json_int_t)-9007199254740992LL, (json_int_t)0,
			      (json_int_t)200000000000000000LL);
	json_t *big = json_pack("{s:{s:I}}", "entry", "size", (json_int_t)9007199254740993LL);
	struct dbuf b;
	struct dip_error e;

	(void)state;
	dbuf_init(&b, 0);
	dip_error_clear(&e);
	assert_int_equal(jcs_serialize(v, &b, &e), 0);
	assert_string_equal(b.p, "[9007199254740992,-9007199254740992,0,200000000000000000]");
	dbuf_reset(&b);
	assert_int_equal(jcs_serialize(big, &b, &e), DIP_EINVAL);
	assert_string_equal(e.field, "entry.size");
	assert_non_null(strstr(e.message, "would not read back"));
	dbuf_free(&b);
	json_decref(v);
	json_decref(big);
}

static void test_controls_and_nul_escaped(void **state)
{
	json_t *v = json_stringn("a\0b\x1f\x7f/", 6);
	struct dbuf b;

	(void)state;
	dbuf_init(&b, 0);
	assert_int_equal(jcs_serialize(v, &b, NULL), 0);
	assert_string_equal(b.p, "\"a\\u0000b\\u001f\x7f/\"");
	dbuf_free(&b);
	json_decref(v);
}

static void test_depth_and_size_limits(void **state)
{
	json_t *root = json_array(), *cur = root, *next;
	struct dbuf b;
	struct dip_error e;
	int i;

	(void)state;
	for (i = 0; i < JCS_MAX_DEPTH + 2; i++) {
		next = json_array();
		json_array_append_new(cur, next);
		cur = next;
	}
	dbuf_init(&b, 0);
	dip_error_clear(&e);
	assert_int_equal(jcs_serialize(root, &b, &e), DIP_ELIMIT);
	json_decref(root);
	dbuf_free(&b);

	root = json_pack("{s:s}", "k", "a fairly long value that will not fit");
	dbuf_init(&b, 16);
	assert_int_equal(jcs_serialize(root, &b, &e), DIP_ELIMIT);
	dbuf_free(&b);
	json_decref(root);
}

static void test_nested_sort_is_recursive(void **state)
{
	(void)state;
	expect_canonical("{\"b\":[{\"z\":1,\"a\":2}],\"a\":{\"y\":{},\"x\":[]},\"\":0}",
			 "{\"\":0,\"a\":{\"x\":[],\"y\":{}},\"b\":[{\"a\":2,\"z\":1}]}");
	expect_canonical("{\"aa\":1,\"a\":2,\"ab\":3}", "{\"a\":2,\"aa\":1,\"ab\":3}");
	expect_canonical("1.0", "1");
	expect_canonical("-0.0", "0");
	expect_canonical("\"\\u2028\"", "\"\xe2\x80\xa8\"");
	/* A real beyond 2^53 prints as digits, which read back as an integer
	 * and must canonicalise the same. */
	expect_canonical("200000000000000000e-0", "200000000000000000");
	expect_canonical("200000000000000000", "200000000000000000");
	expect_canonical("333333333.331E10", "3333333333310000000");
	expect_canonical("3333333333310000000", "3333333333310000000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8785_section_3_2_2_example),
		cmocka_unit_test(test_rfc8785_section_3_2_3_sorting),
		cmocka_unit_test(test_rfc8785_appendix_b_numbers),
		cmocka_unit_test(test_integers_exact_as_doubles),
		cmocka_unit_test(test_controls_and_nul_escaped),
		cmocka_unit_test(test_depth_and_size_limits),
		cmocka_unit_test(test_nested_sort_is_recursive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
