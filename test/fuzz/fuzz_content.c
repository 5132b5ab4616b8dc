/*
 * fuzz_content.c - libFuzzer harness for the JSON commands applicants send:
 * any bytes parsed as the API does (size and depth limits, duplicate keys
 * refused), then checked as an Art. 5 application, draft and complete, and
 * reduced to its public views.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "domain/application.h"
#include "util/res.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct industry_table t;
	static int loaded;
	struct app_check_ctx ctx = { &t, 19800, 1 };
	struct app_defects d;
	json_t *j, *p;

	if (!loaded) {
		const struct dip_resource *r = res_get("data/gbt4754-2017.tsv");

		if (industry_parse(&t, r->data, r->len, NULL) != 0)
			abort();
		loaded = 1;
	}
	if (size > 1 << 20)
		return 0;
	j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (j == NULL)
		return 0;
	app_content_check(j, &ctx, &d);
	ctx.complete = 0;
	app_content_check(j, &ctx, &d);
	if (json_is_object(j)) {
		p = app_content_public(j, APP_VIEW_PUBLICATION);
		json_decref(p);
		p = app_content_public(j, APP_VIEW_REGISTER);
		json_decref(p);
	}
	json_decref(j);
	return 0;
}
