/*
 * test_calendar.c - working days and the deadlines counted in them
 * (Arts. 8, 10, 11, 15), on the State Council calendars of 2024-2026.
 */
#include "testutil.h"

#include "domain/calendar.h"
#include "util/res.h"

static struct calendar cal;
static int warned_year;

static void on_warn(void *ud, int year)
{
	(void)ud;
	warned_year = year;
}

static int setup(void **state)
{
	const struct dip_resource *r = res_get("data/cn-holidays.txt");

	(void)state;
	assert_int_equal(cal_parse(&cal, r->data, r->len, NULL), 0);
	cal.warn = on_warn;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cal_release(&cal);
	return 0;
}

static dip_day D(const char *s)
{
	dip_day d;

	assert_int_equal(day_parse(s, &d), 0);
	return d;
}

static void assert_due(const char *event, int n, const char *want)
{
	char got[11];

	day_format(cal_add_working_days(&cal, D(event), n), got);
	assert_string_equal(got, want);
}

static void test_art8_correction_notice_due_crosses_spring_festival_2024(void **state)
{
	(void)state;
	/* Received Fri 9 Feb; 10-17 Feb off; Sun 18 Feb is a working day. */
	assert_due("2024-02-09", 3, "2024-02-20");
}

static void test_art8_correction_reply_crosses_spring_festival_2024(void **state)
{
	(void)state;
	assert_due("2024-02-08", 10, "2024-02-28");
}

static void test_art8_correction_reply_crosses_spring_festival_2025(void **state)
{
	(void)state;
	/* Sun 26 Jan and Sat 8 Feb 2025 are adjusted working days. */
	assert_due("2025-01-24", 3, "2025-02-05");
	assert_due("2025-01-24", 10, "2025-02-13");
}

static void test_art8_correction_reply_crosses_spring_festival_2026(void **state)
{
	(void)state;
	assert_due("2026-02-13", 3, "2026-02-25");
	assert_due("2026-02-13", 10, "2026-03-05");
}

static void test_art10_publication_crosses_national_day_2025(void **state)
{
	(void)state;
	/* 1-8 Oct 2025 off (eight days); Sat 11 Oct is a working day. */
	assert_due("2025-09-30", 3, "2025-10-11");
	assert_due("2025-09-30", 10, "2025-10-21");
}

static void test_art11_event_on_holiday_counts_from_next_working_day(void **state)
{
	(void)state;
	assert_due("2025-10-03", 3, "2025-10-11");
	assert_due("2025-10-03", 5, "2025-10-14");
}

static void test_art11_adjusted_weekend_is_a_working_day(void **state)
{
	(void)state;
	assert_true(cal_is_working(&cal, D("2024-02-04")));
	assert_true(cal_is_working(&cal, D("2025-09-28")));
	assert_false(cal_is_working(&cal, D("2025-10-08")));
	/* Event Sat 27 Sep 2025: Sun 28 Sep counts. */
	assert_due("2025-09-27", 1, "2025-09-28");
	assert_due("2025-09-27", 3, "2025-09-30");
}

static void test_art8_event_day_not_counted_even_when_working(void **state)
{
	(void)state;
	/* Mon 3 Jun 2024 is a working day; within 3 -> Thu 6 Jun. */
	assert_due("2024-06-03", 3, "2024-06-06");
	/* Weekend event: Sat 15 Jun 2024 -> Mon, Tue, Wed. */
	assert_due("2024-06-15", 3, "2024-06-19");
}

static void test_art15_filing_within_10_working_days(void **state)
{
	(void)state;
	/* Dragon Boat Festival, Mon 10 Jun 2024. */
	assert_due("2024-06-05", 10, "2024-06-20");
}

static void test_art8_year_outside_calendar_falls_back_with_warning(void **state)
{
	(void)state;
	warned_year = 0;
	assert_false(cal_knows_year(&cal, 2027));
	assert_true(cal_knows_year(&cal, 2024));
	/* 2022 has only 31 December listed: not a known year. */
	assert_false(cal_knows_year(&cal, 2022));
	assert_due("2026-12-31", 3, "2027-01-05");
	assert_int_equal(warned_year, 2027);
	assert_true(cal_is_working(&cal, D("2027-01-01")));
}

static void test_working_days_between(void **state)
{
	(void)state;
	assert_int_equal(cal_working_days_between(&cal, D("2024-02-09"), D("2024-02-20")), 3);
	assert_int_equal(cal_working_days_between(&cal, D("2024-02-20"), D("2024-02-09")), -3);
	assert_int_equal(cal_working_days_between(&cal, D("2024-02-09"), D("2024-02-09")), 0);
}

static void test_holiday_file_errors_name_the_line(void **state)
{
	struct calendar c;
	struct dip_error e;
	const char *bad1 = "# x\n2024-02-30 off x\n";
	const char *bad2 = "2024-02-05 work x\n";
	const char *bad3 = "2024-02-10 off a\n2024-02-10 off b\n";
	const char *bad4 = "2024-02-10 holiday\n";

	(void)state;
	assert_int_equal(cal_parse(&c, bad1, strlen(bad1), &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "line 2"));
	assert_int_equal(cal_parse(&c, bad2, strlen(bad2), &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "weekday"));
	assert_int_equal(cal_parse(&c, bad3, strlen(bad3), &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "twice"));
	assert_int_equal(cal_parse(&c, bad4, strlen(bad4), &e), DIP_EINVAL);
	/* An empty or comment-only file is a calendar of no year (found by
	 * fuzzing: sorting an empty list). */
	assert_int_equal(cal_parse(&c, " ", 1, &e), 0);
	assert_false(cal_knows_year(&c, 2024));
	cal_release(&c);
	assert_int_equal(cal_check_single_year("2027-01-01 off 元旦\n2026-12-31 off 元旦\n", 38, 2027, &e), 0);
	assert_int_equal(cal_check_single_year("2027-01-01 off 元旦\n2028-01-01 off 元旦\n", 38, 2027, &e),
			 DIP_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_art8_correction_notice_due_crosses_spring_festival_2024),
		cmocka_unit_test(test_art8_correction_reply_crosses_spring_festival_2024),
		cmocka_unit_test(test_art8_correction_reply_crosses_spring_festival_2025),
		cmocka_unit_test(test_art8_correction_reply_crosses_spring_festival_2026),
		cmocka_unit_test(test_art10_publication_crosses_national_day_2025),
		cmocka_unit_test(test_art11_event_on_holiday_counts_from_next_working_day),
		cmocka_unit_test(test_art11_adjusted_weekend_is_a_working_day),
		cmocka_unit_test(test_art8_event_day_not_counted_even_when_working),
		cmocka_unit_test(test_art15_filing_within_10_working_days),
		cmocka_unit_test(test_art8_year_outside_calendar_falls_back_with_warning),
		cmocka_unit_test(test_working_days_between),
		cmocka_unit_test(test_holiday_file_errors_name_the_line),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
