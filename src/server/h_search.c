/*
 * h_search.c - GET /api/search: the public register's search box (Art. 20).
 *
 * The service does the searching (service/search.c); this file reads the
 * query parameters and answers a query that does not parse with 400 and
 * the position of the problem, so that a search box can point at it.
 */
#include "server/handlers.h"
#include "server/internal.h"
#include "domain/query.h"

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

void h_search(struct req *r)
{
	struct search_params p;
	struct qry_diag diag;
	struct dip_error e;
	long limit;
	json_t *o = NULL;
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
	rc = svc_search_json(r->v, &p, &o, &diag, &e);
	if (rc && strcmp(e.field, "q") == 0 && diag.reason != QRY_OK) {
		/* Malformed search syntax is the client's request, not a field
		 * value out of range: 400, with where it went wrong. */
		reply_json(r, 400, json_pack("{s:{s:s,s:s,s:s,s:I,s:s}}", "error", "code",
					     "invalid_query", "field", "q", "message", e.message,
					     "position", (json_int_t)diag.chr + 1, "reason",
					     reason_name(diag.reason)));
		return;
	}
	if (h__check(r, rc, &e) == 0)
		reply_json(r, 200, o);
}
