/*
 * test_certno.c - certificate numbers and registration numbers
 * (src/domain/certno.c): known answers worked by hand, round trips, a
 * distinct message for each kind of mistake, and the two error classes the
 * MOD 11-2 check character promises to catch (every single-character
 * change, every swap of neighbours).
 *
 * The weights of MOD 11-2 over 15 characters are 2^(16-i) mod 11 for
 * position i = 1..15 (counted from the left):
 *   10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
 * and the check value is (12 - (sum of digit x weight) mod 11) mod 11,
 * written 'X' when it is 10.
 */
#include "testutil.h"

#include "domain/certno.h"

/* Numbers used throughout: each check character worked out below. */
static const char *const good[] = {
	"2024120000001230",
	"202423000000018X",
	"2025310000045675",
};

static void test_art13_certificate_number_known_answer(void **state)
{
	struct certno_cert c = { 2024, 6, 1100, 123 }, back;
	char s[CERTNO_CERT_LEN + 1];
	struct dip_error e;

	(void)state;
	/* 2024 + 06 + 1100 (Beijing) + 0000123 */
	assert_int_equal(certno_cert_format(&c, s, &e), 0);
	assert_string_equal(s, "20240611000000123");
	assert_int_equal(certno_cert_parse(s, &back, &e), 0);
	assert_int_equal(back.year, 2024);
	assert_int_equal(back.month, 6);
	assert_int_equal(back.registry, 1100);
	assert_int_equal(back.serial, 123);

	c = (struct certno_cert){ 2025, 12, 4403, CERTNO_SERIAL_MAX };
	assert_int_equal(certno_cert_format(&c, s, &e), 0);
	assert_string_equal(s, "20251244039999999");
	assert_int_equal(certno_cert_parse("20251244039999999", NULL, &e), 0);
}

static void test_art13_certificate_number_errors(void **state)
{
	struct certno_cert c = { 2024, 6, 1100, 1 };
	char s[CERTNO_CERT_LEN + 1];
	struct dip_error e;

	(void)state;
	assert_int_equal(certno_cert_parse(NULL, NULL, &e), DIP_EINVAL);
	assert_string_equal(e.field, "certificate_number");
	assert_non_null(strstr(e.message, "missing"));
	assert_int_equal(certno_cert_parse("2024061100000012", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "must be 17 characters, got 16"));
	assert_int_equal(certno_cert_parse("证书编号", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "got 4"));
	assert_int_equal(certno_cert_parse("2024061100000012a", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "character 17 (\"a\", serial) must be a digit"));
	assert_int_equal(certno_cert_parse("20241311000000123", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "month of issue 13"));
	assert_int_equal(certno_cert_parse("20240600000000123", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "registry code 0000"));
	assert_int_equal(certno_cert_parse("20240699000000123", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "registry code 9900"));
	assert_int_equal(certno_cert_parse("20240611000000000", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "serial"));
	assert_int_equal(certno_cert_parse("19990611000000001", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "year of issue 1999"));

	c.registry = 9900;
	assert_int_equal(certno_cert_format(&c, s, &e), DIP_EINVAL);
	assert_string_equal(s, "");
	assert_non_null(strstr(e.message, "registry code 9900"));
	c.registry = 3100;
	c.serial = 0;
	assert_int_equal(certno_cert_format(&c, s, &e), DIP_EINVAL);
	c.serial = CERTNO_SERIAL_MAX + 1;
	assert_int_equal(certno_cert_format(&c, s, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "serial 10000000"));
	c.serial = 5;
	c.month = 0;
	assert_int_equal(certno_cert_format(&c, s, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "month of issue 0"));

	assert_true(certno_registry_valid(1100));
	assert_true(certno_registry_valid(3100));
	assert_true(certno_registry_valid(4400));
	assert_true(certno_registry_valid(4403));
	assert_false(certno_registry_valid(1000));
	assert_false(certno_registry_valid(-1100));
	assert_false(certno_registry_valid(11000));
}

static void test_mod11_2_known_answers(void **state)
{
	(void)state;
	/* ISO/IEC 7064's own example: 0794 -> 0. */
	assert_int_equal(certno_mod11_2("0794", 4), '0');
	/* GB 11643-1999's example resident identity number 11010519491231002X:
	 * the Chinese ID card uses the same MOD 11-2. */
	assert_int_equal(certno_mod11_2("11010519491231002", 17), 'X');
	assert_int_equal(certno_mod11_2("12a", 3), 0);

	/* 2024 1 2 000000123:
	 *   digits   2  0  2  4  1  2  0  0  0  0  0  0  1  2  3
	 *   weights 10  5  8  4  2  1  6  3  7  9 10  5  8  4  2
	 *   products 20+0+16+16+2+2+0+0+0+0+0+0+8+8+6 = 78
	 *   78 mod 11 = 1, (12 - 1) mod 11 = 0  -> "2024120000001230" */
	assert_int_equal(certno_mod11_2("202412000000123", 15), '0');
	/* 2024 2 3 000000018:
	 *   products 20+0+16+16+4+3+0+0+0+0+0+0+0+4+16 = 79
	 *   79 mod 11 = 2, (12 - 2) mod 11 = 10 -> 'X' */
	assert_int_equal(certno_mod11_2("202423000000018", 15), 'X');
	/* 2025 3 1 000004567:
	 *   products 20+0+16+20+6+1+0+0+0+0+0+20+40+24+14 = 161
	 *   161 mod 11 = 7, (12 - 7) mod 11 = 5 */
	assert_int_equal(certno_mod11_2("202531000004567", 15), '5');
}

static void test_art13_registration_number_known_answer(void **state)
{
	struct certno_reg r = { 2024, CERTNO_SRC_OWN, CERTNO_REG_LEGAL, 123 }, back;
	char s[CERTNO_REG_LEN + 1];
	struct dip_error e;

	(void)state;
	assert_int_equal(certno_reg_format(&r, s, &e), 0);
	assert_string_equal(s, good[0]);
	r = (struct certno_reg){ 2024, CERTNO_SRC_PUBLIC_AUTH, CERTNO_REG_UNINC, 18 };
	assert_int_equal(certno_reg_format(&r, s, &e), 0);
	assert_string_equal(s, good[1]);
	r = (struct certno_reg){ 2025, CERTNO_SRC_AGREEMENT, CERTNO_REG_NATURAL, 4567 };
	assert_int_equal(certno_reg_format(&r, s, &e), 0);
	assert_string_equal(s, good[2]);

	assert_int_equal(certno_reg_parse(good[1], &back, &e), 0);
	assert_int_equal(back.year, 2024);
	assert_int_equal(back.source, CERTNO_SRC_PUBLIC_AUTH);
	assert_int_equal(back.registrant, CERTNO_REG_UNINC);
	assert_int_equal(back.seq, 18);
	/* people type the X in lowercase */
	assert_int_equal(certno_reg_parse("202423000000018x", NULL, &e), 0);
}

static void test_registration_number_round_trip(void **state)
{
	static const int sources[] = { 1, 2, 3, 4, 5, 9 };
	struct certno_reg r, back;
	char s[CERTNO_REG_LEN + 1];
	struct dip_error e;
	uint32_t seq;
	size_t i;
	int t, xs = 0;

	(void)state;
	for (i = 0; i < 6; i++) {
		for (t = 1; t <= 4; t++) {
			for (seq = 1; seq < CERTNO_SEQ_MAX; seq = seq * 7 + 3) {
				r = (struct certno_reg){ 2023 + t, sources[i], t, seq };
				assert_int_equal(certno_reg_format(&r, s, &e), 0);
				assert_int_equal(strlen(s), 16);
				assert_int_equal(certno_reg_parse(s, &back, &e), 0);
				assert_memory_equal(&r, &back, sizeof(r));
				xs += s[15] == 'X';
			}
		}
	}
	assert_true(xs > 0);
}

static void test_registration_number_distinct_errors(void **state)
{
	struct certno_reg r = { 2024, 7, 1, 1 };
	char s[CERTNO_REG_LEN + 1];
	char msgs[8][512];
	struct dip_error e;
	int i, j, n = 0;

	(void)state;
	/* wrong length */
	assert_int_equal(certno_reg_parse("202412000000123", NULL, &e), DIP_EINVAL);
	assert_string_equal(e.field, "registration_number");
	assert_non_null(strstr(e.message, "must be 16 characters, got 15"));
	memcpy(msgs[n++], e.message, sizeof(e.message));
	assert_int_equal(certno_reg_parse("20241200000012300", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "got 17"));
	assert_int_equal(certno_reg_parse("", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "missing"));
	/* a letter in the sequence */
	assert_int_equal(certno_reg_parse("2024120000O01230", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "character 11 (\"O\", sequence) must be a digit"));
	memcpy(msgs[n++], e.message, sizeof(e.message));
	/* a bad check character class */
	assert_int_equal(certno_reg_parse("202412000000123Y", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "digit or X"));
	memcpy(msgs[n++], e.message, sizeof(e.message));
	/* undefined data-source code 7, with a correct check character */
	assert_int_equal(certno_mod11_2("202471000000001", 15), '9');
	assert_int_equal(certno_reg_parse("2024710000000019", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "data-source code \"7\""));
	memcpy(msgs[n++], e.message, sizeof(e.message));
	/* undefined registrant-type code 5, with a correct check character */
	assert_int_equal(certno_mod11_2("202415000000001", 15), '6');
	assert_int_equal(certno_reg_parse("2024150000000016", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "registrant-type code \"5\""));
	memcpy(msgs[n++], e.message, sizeof(e.message));
	/* sequence zero */
	assert_int_equal(certno_reg_parse("2024120000000000", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "sequence"));
	memcpy(msgs[n++], e.message, sizeof(e.message));
	/* year */
	assert_int_equal(certno_reg_parse("1999120000001230", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "application year 1999"));
	memcpy(msgs[n++], e.message, sizeof(e.message));
	/* check character */
	assert_int_equal(certno_reg_parse("2024120000001231", NULL, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "check character (character 16) does not match"));
	assert_null(strstr(e.message, "\"0\""));
	memcpy(msgs[n++], e.message, sizeof(e.message));

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			assert_string_not_equal(msgs[i], msgs[j]);

	assert_int_equal(certno_reg_format(&r, s, &e), DIP_EINVAL);
	assert_string_equal(s, "");
	assert_non_null(strstr(e.message, "data-source code 7"));
	r.source = 1;
	r.registrant = 0;
	assert_int_equal(certno_reg_format(&r, s, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "registrant-type code 0"));
	r.registrant = 4;
	r.seq = CERTNO_SEQ_MAX + 1;
	assert_int_equal(certno_reg_format(&r, s, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "sequence 1000000000"));
}

/* Every character, replaced by any other character a person might type,
 * is rejected. */
static void check_single_changes(const char *number)
{
	static const char alphabet[] = "0123456789XxO -";
	char s[CERTNO_REG_LEN + 1];
	struct dip_error e;
	size_t i, k;

	assert_int_equal(certno_reg_parse(number, NULL, &e), 0);
	for (i = 0; i < CERTNO_REG_LEN; i++) {
		for (k = 0; alphabet[k]; k++) {
			memcpy(s, number, sizeof(s));
			if (s[i] == alphabet[k])
				continue;
			if (i == 15 && (s[i] | 0x20) == 'x' && (alphabet[k] | 0x20) == 'x')
				continue; /* x and X are the same check character */
			s[i] = alphabet[k];
			if (certno_reg_parse(s, NULL, &e) != DIP_EINVAL)
				fail_msg("change of character %zu to '%c' in %s not detected",
					 i + 1, alphabet[k], number);
		}
	}
}

static void check_transpositions(const char *number)
{
	char s[CERTNO_REG_LEN + 1], t;
	struct dip_error e;
	size_t i;

	for (i = 0; i + 1 < CERTNO_REG_LEN; i++) {
		memcpy(s, number, sizeof(s));
		if (s[i] == s[i + 1])
			continue;
		t = s[i];
		s[i] = s[i + 1];
		s[i + 1] = t;
		if (certno_reg_parse(s, NULL, &e) != DIP_EINVAL)
			fail_msg("swap of characters %zu and %zu in %s not detected", i + 1, i + 2, number);
	}
}

static void test_every_single_change_detected(void **state)
{
	struct certno_reg r;
	char s[CERTNO_REG_LEN + 1];
	struct dip_error e;
	uint32_t seq;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		check_single_changes(good[i]);
	/* and over many numbers, so every check value 0-9 and X is covered */
	for (seq = 1; seq < 5000; seq += 7) {
		r = (struct certno_reg){ 2024 + (int)(seq % 3), 1 + (int)(seq % 5), 1 + (int)(seq % 4), seq * 199933u };
		assert_int_equal(certno_reg_format(&r, s, &e), 0);
		check_single_changes(s);
	}
}

static void test_every_adjacent_transposition_detected(void **state)
{
	struct certno_reg r;
	char s[CERTNO_REG_LEN + 1];
	struct dip_error e;
	uint32_t seq;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		check_transpositions(good[i]);
	for (seq = 1; seq < 20000; seq += 3) {
		r = (struct certno_reg){ 2024, 1 + (int)(seq % 5), 1 + (int)(seq % 4), seq * 49999u };
		assert_int_equal(certno_reg_format(&r, s, &e), 0);
		check_transpositions(s);
	}
}

static void test_code_names(void **state)
{
	(void)state;
	assert_string_equal(certno_source_name(CERTNO_SRC_PUBLIC_AUTH), "公共数据授权运营");
	assert_string_equal(certno_source_name(9), "其他");
	assert_null(certno_source_name(0));
	assert_null(certno_source_name(6));
	assert_string_equal(certno_registrant_name(CERTNO_REG_JOINT), "共同申请");
	assert_null(certno_registrant_name(5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_art13_certificate_number_known_answer),
		cmocka_unit_test(test_art13_certificate_number_errors),
		cmocka_unit_test(test_mod11_2_known_answers),
		cmocka_unit_test(test_art13_registration_number_known_answer),
		cmocka_unit_test(test_registration_number_round_trip),
		cmocka_unit_test(test_registration_number_distinct_errors),
		cmocka_unit_test(test_every_single_change_detected),
		cmocka_unit_test(test_every_adjacent_transposition_detected),
		cmocka_unit_test(test_code_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
