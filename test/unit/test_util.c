/*
 * test_util.c - dates, buffers and UTF-8.
 */
#include "testutil.h"

#include "util/buf.h"
#include "util/date.h"
#include "util/err.h"
#include "util/jsontext.h"
#include "util/res.h"
#include "util/utf8.h"

#include <time.h>

static void test_day_roundtrip(void **state)
{
	dip_day d;
	char s[11];
	int y, m, dd;

	(void)state;
	assert_int_equal(day_from_ymd(1970, 1, 1), 0);
	assert_int_equal(day_weekday(0), 4);
	for (d = day_from_ymd(1900, 1, 1); d < day_from_ymd(2100, 12, 31); d += 17) {
		day_to_ymd(d, &y, &m, &dd);
		assert_int_equal(day_from_ymd(y, m, dd), d);
	}
	assert_int_equal(day_parse("2024-02-29", &d), 0);
	day_format(d, s);
	assert_string_equal(s, "2024-02-29");
	assert_int_equal(day_weekday(d), 4);
	assert_int_equal(day_parse("2023-02-29", &d), DIP_EINVAL);
	assert_int_equal(day_parse("2023-2-1", &d), DIP_EINVAL);
}

static void test_time_zone(void **state)
{
	dip_time t;
	char s[32];

	(void)state;
	assert_int_equal(time_parse("2024-02-09T23:30:00+08:00", 0, &t), 0);
	assert_int_equal(time_day(t, DIP_ZONE_SHANGHAI), day_from_ymd(2024, 2, 9));
	assert_int_equal(time_day(t, 0), day_from_ymd(2024, 2, 9));
	assert_int_equal(time_parse("2024-02-09T16:30:00Z", 0, &t), 0);
	assert_int_equal(time_day(t, DIP_ZONE_SHANGHAI), day_from_ymd(2024, 2, 10));
	time_format(day_end(day_from_ymd(2024, 2, 9), DIP_ZONE_SHANGHAI), DIP_ZONE_SHANGHAI, s);
	assert_string_equal(s, "2024-02-09T23:59:59+08:00");
	assert_int_equal(time_parse("2024-02-09", DIP_ZONE_SHANGHAI, &t), 0);
	assert_int_equal(t, day_start(day_from_ymd(2024, 2, 9), DIP_ZONE_SHANGHAI));
	assert_int_equal(time_parse("2024-02-09T25:00:00Z", 0, &t), DIP_EINVAL);
	assert_int_equal(time_parse("1969-12-31T23:59:59Z", 0, &t), 0);
	assert_int_equal(t, -1);
	assert_int_equal(time_day(t, 0), -1);
}

static char *dumped_with_text(const json_t *o, const char *key, const char *text)
{
	struct dbuf b;

	dbuf_init(&b, 0);
	assert_int_equal(json_text_write(&b, o, key, text), 0);
	return dbuf_detach(&b, NULL);
}

static uint64_t rnd_state = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
	return test_rnd(&rnd_state, n);
}

/* A string of n pieces: control characters, the quote, the backslash,
 * the slash, DEL, NUL, ASCII, and two-, three- and four-byte UTF-8. */
static json_t *random_string(void)
{
	static const char *const pieces[] = { "\x01", "\x1f", "\"", "\\", "/", "\x7f", "a", "Z 9",
					      "\b\f\n\r\t", "é", "数据", "\xf0\x9f\x98\x80", "" };
	const char *p;
	char s[128];
	size_t len = 0, k, n = rnd(9);

	for (k = 0; k < n; k++) {
		if (rnd(12) == 0) {
			s[len++] = '\0';
			continue;
		}
		p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
		memcpy(s + len, p, strlen(p));
		len += strlen(p);
	}
	return json_stringn(s, len);
}

static json_t *random_value(int depth)
{
	static const json_int_t ints[] = { 0, 1, -1, 9, 10, -10, 120838194, INT64_MAX, INT64_MIN };
	json_t *v, *k;
	unsigned i, n;

	switch (depth > 4 ? rnd(6) : rnd(8)) {
	case 0: return json_null();
	case 1: return json_boolean(rnd(2));
	case 2: return json_integer(ints[rnd(sizeof(ints) / sizeof(ints[0]))]);
	case 3: return json_real((double)rnd(100000) / 7.0 - 300);
	case 4:
	case 5: return random_string();
	case 6:
		v = json_array();
		for (i = 0, n = rnd(5); i < n; i++)
			json_array_append_new(v, random_value(depth + 1));
		return v;
	default:
		v = json_object();
		for (i = 0, n = rnd(5); i < n; i++) {
			k = random_string();
			json_object_setn_new(v, json_string_value(k), json_string_length(k),
					     random_value(depth + 1));
			json_decref(k);
		}
		return v;
	}
}

/* Whatever the tree, the bytes jansson writes. */
static void test_json_text_write_as_jansson(void **state)
{
	struct dbuf b;
	json_t *v, *deep;
	char *want, *got;
	int i;

	(void)state;
	for (i = 0; i < 3000; i++) {
		v = random_value(0);
		want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		assert_non_null(want);
		got = dumped_with_text(v, NULL, NULL);
		assert_string_equal(got, want);
		free(got);
		free(want);
		json_decref(v);
	}
	/* Too deep: refused, and the buffer as it was. */
	deep = json_array();
	for (i = 0; i < JSON_TEXT_MAX_DEPTH; i++) {
		v = json_array();
		json_array_append_new(v, deep);
		deep = v;
	}
	dbuf_init(&b, 0);
	dbuf_adds(&b, "kept");
	assert_int_equal(json_text_write(&b, deep, NULL, NULL), DIP_EINVAL);
	assert_string_equal(b.p, "kept");
	assert_int_equal(b.len, 4);
	dbuf_free(&b);
	json_decref(deep);
}

/* json_text_loads(s) against json_loads(s, 0, NULL): the same tree, or
 * both refuse. */
static void same_as_jansson(const char *s)
{
	json_t *want = json_loads(s, 0, NULL), *got = json_text_loads(s, NULL);
	char *a, *b;

	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	a = json_dumps(want, JSON_COMPACT);
	b = json_dumps(got, JSON_COMPACT);
	assert_string_equal(b, a);
	free(a);
	free(b);
	json_decref(want);
	json_decref(got);
}

/* Trees written by jansson, compact and indented, then the same with one
 * byte changed, dropped or added, then text made of pieces of JSON: read
 * as json_loads reads them. */
static void test_json_text_loads_as_jansson(void **state)
{
	static const char *const bits[] = { "{", "}", "[", "]", ",", ":", "\"", "\\", "u", "d83d",
					    "de00", "0041", "0000", "true", "fals", "null", "-", "0",
					    "19", ".", "e5", " ", "\n", "é", "\xff", "\xc0\xaf",
					    "\xed\xa0\x80", "数", "\x01", "a", "/", "\x7f" };
	static const char edits[] = "{}[],:\"\\u0-.e \x01\x80\xe6" "a";
	char buf[256], *text;
	const char *b;
	size_t len, at, k, n;
	json_t *v;
	int i;

	(void)state;
	for (i = 0; i < 3000; i++) {
		v = json_object();
		json_object_set_new(v, "v", random_value(1));
		json_object_set_new(v, "w", random_value(1));
		text = json_dumps(v, i % 3 ? JSON_COMPACT : JSON_INDENT(1));
		same_as_jansson(text);
		len = strlen(text);
		if (len < sizeof(buf) - 2) {
			at = rnd((unsigned)len);
			memcpy(buf, text, len + 1);
			buf[at] = edits[rnd(sizeof(edits) - 1)];
			same_as_jansson(buf);
			memmove(buf + at, buf + at + 1, len - at);
			same_as_jansson(buf);
			memcpy(buf, text, at);
			buf[at] = edits[rnd(sizeof(edits) - 1)];
			memcpy(buf + at + 1, text + at, len - at + 1);
			same_as_jansson(buf);
		}
		free(text);
		json_decref(v);
	}
	for (i = 0; i < 20000; i++) {
		len = 0;
		for (k = 0, n = 1 + rnd(14); k < n; k++) {
			b = bits[rnd(sizeof(bits) / sizeof(bits[0]))];
			memcpy(buf + len, b, strlen(b));
			len += strlen(b);
		}
		buf[len] = '\0';
		same_as_jansson(buf);
	}
	same_as_jansson("{\"a\":1,\"a\":2}");
	same_as_jansson("[9223372036854775807,-9223372036854775808,9223372036854775808,-0,1.5,01]");
	same_as_jansson("{\"k\\u00e9\\n\":\"\\ud83d\\ude00\\/\",\"x\":[[[]]],\"\":{}}");
}

/* A reply that writes the stored content's text is the reply that
 * serialises the content again, byte for byte. */
static void test_json_dump_with_stored_text(void **state)
{
	json_t *content = json_loads("{\"name\":\"北京\\u0001\\\"出租车\\\" 数据\","
				     "\"records\":120838194,\"ratio\":0.1,\"fields\":[{\"name\":\"id\"}],"
				     "\"declaration\":{\"truthful\":true},\"other\":null}", 0, NULL);
	json_t *view = json_object();
	char *text, *whole, *spliced;

	(void)state;
	assert_non_null(content);
	json_object_set_new(view, "id", json_integer(7));
	json_object_set_new(view, "state", json_string("submitted"));
	json_object_set(view, "content", content);
	json_object_set_new(view, "deadlines", json_array());
	text = json_dumps(content, JSON_COMPACT);
	whole = json_dumps(view, JSON_COMPACT);
	spliced = dumped_with_text(view, "content", text);
	assert_string_equal(spliced, whole);
	free(spliced);
	/* The text is written as given, in the member's place. */
	spliced = dumped_with_text(view, "content", "[]");
	assert_string_equal(spliced, "{\"id\":7,\"state\":\"submitted\",\"content\":[],\"deadlines\":[]}");
	free(spliced);
	/* No such member (the public's view has no content): the whole. */
	spliced = dumped_with_text(view, "withdraw_reason", "[]");
	assert_string_equal(spliced, whole);
	free(spliced);
	spliced = dumped_with_text(content, NULL, NULL);
	assert_string_equal(spliced, text);
	free(spliced);
	free(text);
	free(whole);
	json_decref(content);
	json_decref(view);
}

/* time_format as printf would write it, from the same day and second. */
static void time_printf(dip_time t, int zone_off, char out[32])
{
	dip_day day = time_day(t, zone_off);
	int64_t sec = t + zone_off - (int64_t)day * 86400;
	int y, m, d, off = (zone_off < 0 ? -zone_off : zone_off) % 86400;

	day_to_ymd(day, &y, &m, &d);
	y = y < 0 ? 0 : y % 10000;
	if (zone_off == 0)
		snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(sec / 3600),
			 (int)(sec / 60 % 60), (int)(sec % 60));
	else
		snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d,
			 (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60),
			 zone_off < 0 ? '-' : '+', off / 3600, off / 60 % 60);
}

static void test_time_format_every_field(void **state)
{
	static const int zones[] = { 0, 8 * 3600, -5 * 3600, 5 * 3600 + 45 * 60, -(9 * 3600 + 30 * 60) };
	char got[32], want[32];
	dip_time t;
	size_t z;

	(void)state;
	for (z = 0; z < sizeof(zones) / sizeof(zones[0]); z++)
		for (t = -86400 * 3; t < (dip_time)4102444800; t += 86400 * 37 + 3607 * 3 + 61) {
			time_format(t, zones[z], got);
			time_printf(t, zones[z], want);
			assert_string_equal(got, want);
		}
	time_format(1709517600, DIP_ZONE_SHANGHAI, got);
	assert_string_equal(got, "2024-03-04T10:00:00+08:00");
	time_format(1709517600, 0, got);
	assert_string_equal(got, "2024-03-04T02:00:00Z");
}

/* RFC 9110's date as strftime writes it in the C locale. */
static void test_time_format_http(void **state)
{
	char got[30], want[64];
	struct tm tm;
	time_t tt;
	dip_time t;

	(void)state;
	for (t = 0; t < (dip_time)4102444800; t += 86400 * 11 + 3607 * 5 + 59) {
		tt = (time_t)t;
		gmtime_r(&tt, &tm);
		strftime(want, sizeof(want), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		time_format_http(t, got);
		assert_string_equal(got, want);
	}
	time_format_http(1709517600, got);
	assert_string_equal(got, "Mon, 04 Mar 2024 02:00:00 GMT");
	assert_int_equal(strlen(got), 29);
}

static void test_buf_ceiling(void **state)
{
	struct dbuf b;

	(void)state;
	dbuf_init(&b, 8);
	assert_int_equal(dbuf_adds(&b, "12345678"), 0);
	assert_int_equal(dbuf_adds(&b, "9"), DIP_ELIMIT);
	assert_string_equal(b.p, "12345678");
	dbuf_free(&b);
}

/* As snprintf(dst, n, "%s", src): cut to fit, always terminated. */
static void test_str_copy(void **state)
{
	static const char *const srcs[] = { "", "a", "abcdefg", "abcdefgh", "abcdefghijk" };
	char got[8], want[8];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++)
		for (n = 1; n <= sizeof(got); n++) {
			memset(got, 'x', sizeof(got));
			memset(want, 'x', sizeof(want));
			str_copy(got, n, srcs[i]);
			snprintf(want, n, "%s", srcs[i]);
			assert_memory_equal(got, want, sizeof(got));
		}
}

/* utf8_valid (nul_ok 0) or utf8_well_formed (1) as a loop of
 * utf8_decode would answer. */
static int valid_by_decoding(const unsigned char *s, size_t n, int nul_ok)
{
	uint32_t cp;
	size_t i = 0;
	int k;

	while (i < n) {
		k = utf8_decode(s + i, n - i, &cp);
		if (k == 0 || (cp == 0 && !nul_ok))
			return 0;
		i += (size_t)k;
	}
	return 1;
}

/* Both, on every string of up to three bytes, and four-byte ones around
 * the lead bytes of four-byte sequences. */
static void test_utf8_valid_as_decoding(void **state)
{
	static const unsigned char tails[] = { 0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0,
					       0xbf, 0xc0, 0xe6, 0xf4, 0xff };
	unsigned char s[4];
	unsigned a, b, c, d;

	(void)state;
	for (a = 0; a < 256; a++) {
		s[0] = (unsigned char)a;
		assert_int_equal(utf8_valid((char *)s, 1), valid_by_decoding(s, 1, 0));
		assert_int_equal(utf8_well_formed((char *)s, 1), valid_by_decoding(s, 1, 1));
		for (b = 0; b < 256; b++) {
			s[1] = (unsigned char)b;
			assert_int_equal(utf8_valid((char *)s, 2), valid_by_decoding(s, 2, 0));
			assert_int_equal(utf8_well_formed((char *)s, 2), valid_by_decoding(s, 2, 1));
			for (c = 0; c < 256; c++) {
				s[2] = (unsigned char)c;
				if (utf8_valid((char *)s, 3) != valid_by_decoding(s, 3, 0) ||
				    utf8_well_formed((char *)s, 3) != valid_by_decoding(s, 3, 1))
					fail_msg("%02x %02x %02x", a, b, c);
			}
		}
	}
	for (a = 0xee; a <= 0xf6; a++)
		for (b = 0; b < 256; b++)
			for (c = 0; c < sizeof(tails); c++)
				for (d = 0; d < sizeof(tails); d++) {
					s[0] = (unsigned char)a;
					s[1] = (unsigned char)b;
					s[2] = tails[c];
					s[3] = tails[d];
					if (utf8_valid((char *)s, 4) != valid_by_decoding(s, 4, 0) ||
					    utf8_well_formed((char *)s, 4) != valid_by_decoding(s, 4, 1))
						fail_msg("%02x %02x %02x %02x", a, b, s[2], s[3]);
				}
}

static void test_utf8(void **state)
{
	uint32_t cp;

	(void)state;
	assert_true(utf8_valid("数据集", strlen("数据集")));
	assert_int_equal(utf8_count("数据集", strlen("数据集")), 3);
	assert_false(utf8_valid("\xc0\xaf", 2));
	assert_false(utf8_valid("\xed\xa0\x80", 3));
	assert_int_equal(utf8_decode((const unsigned char *)"\xe6\x95\xb0", 3, &cp), 3);
	assert_int_equal(cp, 0x6570);
}

static void test_resources_embedded(void **state)
{
	const struct dip_resource *r = res_get("data/cn-holidays.txt");

	(void)state;
	assert_non_null(r);
	assert_true(r->len > 1000);
	assert_int_equal(r->data[r->len], '\0');
	assert_null(res_get("data/nothing"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_roundtrip),
		cmocka_unit_test(test_time_zone),
		cmocka_unit_test(test_time_format_every_field),
		cmocka_unit_test(test_time_format_http),
		cmocka_unit_test(test_buf_ceiling),
		cmocka_unit_test(test_json_dump_with_stored_text),
		cmocka_unit_test(test_json_text_write_as_jansson),
		cmocka_unit_test(test_json_text_loads_as_jansson),
		cmocka_unit_test(test_str_copy),
		cmocka_unit_test(test_utf8_valid_as_decoding),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_resources_embedded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
