/*
 * h_search.c - GET /api/search: the public register's search box (Art. 20).
 *
 * The service does the searching (service/search.c); this file reads the
 * query parameters, answers a query that does not parse with 400 and the
 * position of the problem, so that a search box can point at it, and keeps
 * answers in the server's cache (cache.c) for as long as the index's
 * generation stands.
 */
#include "server/handlers.h"
#include "server/internal.h"
#include "domain/query.h"

#include <stdlib.h>
#include <string.h>

static const char *reason_name(enum qry_reason r)
{
	switch (r) {
	case QRY_E_EMPTY: return "empty";
	case QRY_E_ENCODING: return "encoding";
	case QRY_E_QUOTE: return "unclosed_quote";
	case QRY_E_PAREN: return "parenthesis";
	case QRY_E_OPERATOR: return "operator";
	case QRY_E_ONLY_NEGATIVE: return "only_excluded";
	case QRY_E_LIMIT: return "too_long";
	case QRY_OK: break;
	}
	return "invalid";
}

/* The cache key of a search: every parameter, length-prefixed. */
static void cache_key(const struct search_params *p, struct dbuf *key)
{
	const char *v[] = { p->q, p->industry, p->status, p->holder, p->from, p->to, p->sort,
			    p->cursor };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		dbuf_addf(key, "%zu:%s|", v[i] ? strlen(v[i]) : 0, v[i] ? v[i] : "");
	dbuf_addf(key, "%d", p->limit);
}

void h_search(struct req *r)
{
	struct search_params p;
	struct qry_diag diag;
	struct dip_error e;
	struct dbuf key, body;
	int64_t gen = -1;
	long limit;
	int rc;

	if (req_long(r, "limit", SEARCH_PAGE_DEFAULT, 1, SEARCH_PAGE_MAX, &limit))
		return;
	memset(&p, 0, sizeof(p));
	p.q = req_query(r, "q");
	p.industry = req_query(r, "industry");
	p.status = req_query(r, "status");
	p.holder = req_query(r, "holder");
	p.from = req_query(r, "from");
	p.to = req_query(r, "to");
	p.sort = req_query(r, "sort");
	p.cursor = req_query(r, "cursor");
	p.limit = (int)limit;
	dbuf_init(&key, 8192);
	dbuf_init(&body, 0);
	/* An answer computed while the index stood at this generation is the
	 * answer now. */
	if (r->srv->search_cache && svc_search_generation(r->v, &gen, &e) == 0) {
		cache_key(&p, &key);
		if (key.p && resp_cache_get(r->srv->search_cache, key.p, gen, &body)) {
			reply_bytes(r, 200, "application/json; charset=utf-8", body.p, body.len, NULL);
			goto out;
		}
	}
	dbuf_reset(&body);
	rc = svc_search_text(r->v, &p, &body, &diag, &e);
	if (rc && strcmp(e.field, "q") == 0 && diag.reason != QRY_OK) {
		/* Malformed search syntax is the client's request, not a field
		 * value out of range: 400, with where it went wrong. */
		reply_json(r, 400, json_pack("{s:{s:s,s:s,s:s,s:I,s:s}}", "error", "code",
					     "invalid_query", "field", "q", "message", e.message,
					     "position", (json_int_t)diag.chr + 1, "reason",
					     reason_name(diag.reason)));
		goto out;
	}
	if (h__check(r, rc, &e))
		goto out;
	if (gen >= 0 && key.p)
		resp_cache_put(r->srv->search_cache, key.p, gen, body.p, body.len);
	reply_bytes(r, 200, "application/json; charset=utf-8", body.p, body.len, NULL);
out:
	dbuf_free(&key);
	dbuf_free(&body);
}
