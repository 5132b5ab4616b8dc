/*
 * fuzz_loaders.c - libFuzzer harness for the data-file loaders an operator
 * can replace: the holiday calendar (also uploaded through the admin API),
 * the GB/T 4754-2017 table and rules profiles.  The first byte picks the
 * loader; a calendar that loads must answer working-day questions.
 */
#include <stddef.h>
#include <stdint.h>

#include "domain/calendar.h"
#include "domain/industry.h"
#include "domain/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data + 1;
	struct industry_table t;
	struct calendar c;
	struct rules r;
	size_t n;

	if (size == 0)
		return 0;
	n = size - 1;
	switch (data[0] % 4) {
	case 0:
		if (cal_parse(&c, text, n, NULL) == 0) {
			cal_add_working_days(&c, day_from_ymd(2024, 2, 9), 10);
			cal_working_days_between(&c, day_from_ymd(2023, 1, 1), day_from_ymd(2027, 1, 1));
			cal_release(&c);
		}
		break;
	case 1:
		cal_check_single_year(text, n, 2025, NULL);
		break;
	case 2:
		if (industry_parse(&t, text, n, NULL) == 0) {
			industry_find(&t, "54");
			industry_find(&t, "A");
			industry_release(&t);
		}
		break;
	case 3:
		rules_parse(&r, text, n, NULL);
		break;
	}
	return 0;
}
