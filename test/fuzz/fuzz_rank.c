/*
 * fuzz_rank.c - libFuzzer harness for ranking and highlighting search hits
 * (src/domain/rank.c): a query, a newline, then the text of a record.
 *
 * Beyond the sanitizers it checks what the search results rely on: the
 * highlighted HTML, its marks removed and its entities decoded, is the
 * text itself; marks are balanced and never nested; an excerpt is no
 * longer than asked (plus the two ellipses) and, decoded, a piece of the
 * text with line breaks as spaces.
 */
#include "domain/query.h"
#include "domain/rank.h"
#include "util/buf.h"
#include "util/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

/* Decodes the HTML rank.c writes into out; checks the marks. */
static void decode(const char *h, struct dbuf *out)
{
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&#39;", '\'' },
	};
	int open = 0;
	size_t i;

	while (*h) {
		if (strncmp(h, "<mark>", 6) == 0) {
			CHECK(!open);
			open = 1;
			h += 6;
			continue;
		}
		if (strncmp(h, "</mark>", 7) == 0) {
			CHECK(open);
			open = 0;
			h += 7;
			continue;
		}
		CHECK(*h != '<' && *h != '>');
		if (*h == '&') {
			for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
				if (strncmp(h, ents[i].ent, strlen(ents[i].ent)) == 0)
					break;
			CHECK(i < sizeof(ents) / sizeof(ents[0]));
			dbuf_addc(out, ents[i].c);
			h += strlen(ents[i].ent);
			continue;
		}
		dbuf_addc(out, *h++);
	}
	CHECK(!open);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	struct rank_query *rq = NULL;
	struct qry *q = NULL;
	struct dbuf h, d, flat;
	char *text;
	size_t tlen, i;

	if (nl == NULL)
		return 0;
	tlen = size - (size_t)(nl - (const char *)data) - 1;
	text = malloc(tlen + 1);
	if (text == NULL)
		return 0;
	memcpy(text, nl + 1, tlen);
	text[tlen] = '\0';
	/* Records are valid UTF-8 without NUL (the service checks them). */
	if (!utf8_valid(text, tlen) ||
	    qry_parse((const char *)data, (size_t)(nl - (const char *)data), NULL, &q, NULL, NULL) != 0 ||
	    rank_query_new(q, &rq) != 0)
		goto out;
	dbuf_init(&h, 0);
	dbuf_init(&d, 0);
	dbuf_init(&flat, 0);
	CHECK(rank_score(rq, text, text) >= 0);
	CHECK(rank_highlight(rq, text, tlen, &h) == 0);
	decode(h.p ? h.p : "", &d);
	CHECK(d.len == tlen && (tlen == 0 || memcmp(d.p, text, tlen) == 0));
	for (i = 0; i < tlen; i++)
		dbuf_addc(&flat, text[i] == '\n' || text[i] == '\r' || text[i] == '\t' ? ' ' : text[i]);
	dbuf_reset(&h);
	dbuf_reset(&d);
	CHECK(rank_snippet(rq, text, tlen, 12, &h) == 0);
	decode(h.p ? h.p : "", &d);
	/* Without an ellipsis of its own in the text, the excerpt is one
	 * where it was cut, a piece of the text, and one where it ends early. */
	if (memmem(text, tlen, "…", 3) == NULL) {
		const char *p = d.p ? d.p : "";
		size_t n = d.len;

		if (n >= 3 && memcmp(p, "…", 3) == 0) {
			p += 3;
			n -= 3;
		}
		if (n >= 3 && memcmp(p + n - 3, "…", 3) == 0)
			n -= 3;
		CHECK(utf8_count(p, n) <= 12);
		CHECK(n == 0 || memmem(flat.p, flat.len, p, n) != NULL);
	}
	dbuf_free(&h);
	dbuf_free(&d);
	dbuf_free(&flat);
out:
	rank_query_free(rq);
	qry_free(q);
	free(text);
	return 0;
}
