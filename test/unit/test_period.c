/*
 * test_period.c - validity (Art. 13), renewal (Art. 14) and Civil Code
 * periods, at month ends and leap days.
 */
#include "testutil.h"

#include "domain/period.h"

static dip_day D(const char *s)
{
	dip_day d;

	assert_int_equal(day_parse(s, &d), 0);
	return d;
}

static void assert_day(dip_day d, const char *want)
{
	char got[11];

	day_format(d, got);
	assert_string_equal(got, want);
}

static void test_art13_validity_three_years_start_day_counts(void **state)
{
	(void)state;
	assert_day(period_last_day(D("2023-06-15"), 3, 0), "2026-06-14");
	assert_day(period_last_day(D("2023-06-19"), 3, 0), "2026-06-18");
	assert_day(period_last_day(D("2024-01-01"), 3, 0), "2026-12-31");
}

static void test_art13_validity_from_leap_day(void **state)
{
	(void)state;
	/* 2027-02-29 does not exist: the period ends on 28 February. */
	assert_day(period_last_day(D("2024-02-29"), 3, 0), "2027-02-28");
	assert_day(period_last_day(D("2028-02-29"), 3, 0), "2031-02-28");
	/* 1 March: the day before 1 March 2027. */
	assert_day(period_last_day(D("2024-03-01"), 3, 0), "2027-02-28");
	/* Ending in a leap year. */
	assert_day(period_last_day(D("2025-03-01"), 3, 0), "2028-02-29");
}

static void test_art13_validity_month_end(void **state)
{
	(void)state;
	assert_day(period_last_day(D("2023-01-31"), 0, 1), "2023-02-28");
	assert_day(period_last_day(D("2024-01-31"), 0, 1), "2024-02-29");
	assert_day(period_last_day(D("2023-01-28"), 0, 1), "2023-02-27");
	assert_day(period_last_day(D("2023-08-31"), 0, 1), "2023-09-30");
	assert_day(period_last_day(D("2023-12-31"), 3, 0), "2026-12-30");
}

static void test_art14_renewal_runs_from_day_after_expiry(void **state)
{
	dip_day last = D("2026-06-14");

	(void)state;
	assert_day(period_last_day(last + 1, 3, 0), "2029-06-14");
	last = D("2027-02-28");
	assert_day(period_last_day(last + 1, 3, 0), "2030-02-28");
}

static void test_art14_renewal_window_opens_one_month_before(void **state)
{
	(void)state;
	assert_day(period_window_opens(D("2026-06-14"), 1), "2026-05-14");
	/* 30 March: 30 February does not exist -> last day of February. */
	assert_day(period_window_opens(D("2026-03-30"), 1), "2026-02-28");
	assert_day(period_window_opens(D("2028-03-31"), 1), "2028-02-29");
	assert_day(period_window_opens(D("2027-02-28"), 1), "2027-01-28");
	assert_day(period_window_opens(D("2026-12-31"), 1), "2026-11-30");
}

static void test_civil_code_period_excludes_event_day(void **state)
{
	(void)state;
	assert_day(period_civil_end(D("2024-01-31"), 0, 1), "2024-02-29");
	assert_day(period_civil_end(D("2024-03-15"), 0, 1), "2024-04-15");
	assert_day(period_civil_end(D("2024-02-29"), 1, 0), "2025-02-28");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_art13_validity_three_years_start_day_counts),
		cmocka_unit_test(test_art13_validity_from_leap_day),
		cmocka_unit_test(test_art13_validity_month_end),
		cmocka_unit_test(test_art14_renewal_runs_from_day_after_expiry),
		cmocka_unit_test(test_art14_renewal_window_opens_one_month_before),
		cmocka_unit_test(test_civil_code_period_excludes_event_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
