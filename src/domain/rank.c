/*
 * rank.c - phrase occurrences in a record's text, the score they make, and
 * the marks they leave (rules in rank.h).
 *
 * A text is tokenized once; each token is compared with the query's
 * distinct tokens and kept, with a bit set of those it matches, when it
 * matches any.  Phrases are then found among the kept tokens by position.
 */
#include "domain/rank.h"

#include "domain/query.h"
#include "domain/tokenize.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

struct rterm {
	char text[TOK_TOKEN_BYTES_CAP + 1];
	size_t len;
	int prefix;
};

struct rphrase {
	int first;    /* index of its first token in tok[] */
	int n;
	int required;
};

/* A token of the text that matches some query token. */
struct hit {
	size_t pos;
	size_t start, end;  /* bytes of the whole token */
	size_t end1;        /* end of its first character */
	uint64_t terms;     /* bit t: matches rq->term[t] */
};

struct range {
	size_t a, b;
};

struct rank_query {
	struct rterm term[RANK_MAX_TERMS];
	int nterms;
	struct rphrase phrase[RANK_MAX_PHRASES];
	int nphrases;
	int tok[QRY_MAX_NODES];  /* the phrases' tokens, as term indexes */
	int ntok;
	/* scratch */
	struct hit *hits;
	size_t nhits, caphits;
	const char *text;
	size_t len;
	int oom;
};

static int term_index(struct rank_query *rq, const struct qry_token *t)
{
	int i;

	for (i = 0; i < rq->nterms; i++)
		if (rq->term[i].len == t->len && rq->term[i].prefix == t->prefix &&
		    memcmp(rq->term[i].text, t->text, t->len) == 0)
			return i;
	if (rq->nterms >= RANK_MAX_TERMS || t->len > TOK_TOKEN_BYTES_CAP)
		return -1;
	memcpy(rq->term[i].text, t->text, t->len);
	rq->term[i].text[t->len] = '\0';
	rq->term[i].len = t->len;
	rq->term[i].prefix = t->prefix;
	rq->nterms++;
	return i;
}

static int add_phrase(void *ud, const struct qry_token *toks, size_t n, int required)
{
	struct rank_query *rq = ud;
	struct rphrase *p;
	size_t i;
	int t;

	if (rq->nphrases >= RANK_MAX_PHRASES || rq->ntok + (int)n > QRY_MAX_NODES)
		return DIP_ELIMIT;
	p = &rq->phrase[rq->nphrases];
	p->first = rq->ntok;
	p->n = (int)n;
	p->required = required;
	for (i = 0; i < n; i++) {
		t = term_index(rq, &toks[i]);
		if (t < 0)
			return DIP_ELIMIT;
		rq->tok[rq->ntok++] = t;
	}
	rq->nphrases++;
	return 0;
}

int rank_query_new(const struct qry *q, struct rank_query **out)
{
	struct rank_query *rq = calloc(1, sizeof(*rq));
	int rc;

	*out = NULL;
	if (rq == NULL)
		return DIP_ENOMEM;
	rc = qry_phrases(q, add_phrase, rq);
	if (rc) {
		rank_query_free(rq);
		return rc;
	}
	*out = rq;
	return 0;
}

void rank_query_free(struct rank_query *rq)
{
	if (rq == NULL)
		return;
	free(rq->hits);
	free(rq);
}

static int keep(void *ud, const struct tok_token *t)
{
	struct rank_query *rq = ud;
	struct hit *h;
	uint64_t m = 0;
	int i, k;

	for (i = 0; i < rq->nterms; i++) {
		const struct rterm *q = &rq->term[i];

		if (q->prefix ? t->len >= q->len && memcmp(t->text, q->text, q->len) == 0
			      : t->len == q->len && memcmp(t->text, q->text, q->len) == 0)
			m |= UINT64_C(1) << i;
	}
	if (m == 0)
		return 0;
	if (rq->nhits == rq->caphits) {
		size_t cap = rq->caphits ? rq->caphits * 2 : 64;
		struct hit *nh = realloc(rq->hits, cap * sizeof(*nh));

		if (nh == NULL) {
			rq->oom = 1;
			return DIP_ENOMEM;
		}
		rq->hits = nh;
		rq->caphits = cap;
	}
	h = &rq->hits[rq->nhits++];
	h->pos = t->pos;
	h->start = t->start;
	h->end = t->end;
	k = utf8_len((const unsigned char *)rq->text + t->start, t->end - t->start);
	h->end1 = k > 0 ? t->start + (size_t)k : t->end;
	h->terms = m;
	return 0;
}

/* Tokenizes text into rq->hits.  -1 when memory ran out. */
static int scan(struct rank_query *rq, const char *text, size_t len)
{
	rq->nhits = 0;
	rq->oom = 0;
	rq->text = text;
	rq->len = len;
	if (rq->nterms == 0 || len == 0)
		return 0;
	/* Past TOK_MAX_TOKENS the index holds nothing either (DIP_ELIMIT). */
	tok_run(text, len, TOK_INDEX, NULL, keep, rq);
	return rq->oom ? -1 : 0;
}

/* The first hit at position pos or later. */
static size_t first_at(const struct rank_query *rq, size_t pos)
{
	size_t lo = 0, hi = rq->nhits, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rq->hits[mid].pos < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether phrase p occurs with its first token at hit h0; *end gets the
 * byte after the occurrence. */
static int occurs_at(const struct rank_query *rq, const struct rphrase *p, size_t h0, size_t *end)
{
	const struct hit *h = &rq->hits[h0], *last = h;
	size_t j;
	int k, found;

	if (!(h->terms & UINT64_C(1) << rq->tok[p->first]))
		return 0;
	for (k = 1; k < p->n; k++) {
		uint64_t bit = UINT64_C(1) << rq->tok[p->first + k];

		found = 0;
		for (j = first_at(rq, h->pos + (size_t)k);
		     j < rq->nhits && rq->hits[j].pos == h->pos + (size_t)k; j++)
			if (rq->hits[j].terms & bit) {
				found = 1;
				last = &rq->hits[j];
				break;
			}
		if (!found)
			return 0;
	}
	/* A prefix that matched a longer token marks its own character. */
	*end = rq->term[rq->tok[p->first + p->n - 1]].prefix ? last->end1 : last->end;
	return 1;
}

static uint64_t found(const struct rank_query *rq)
{
	uint64_t m = 0;
	size_t h, end;
	int p;

	for (p = 0; p < rq->nphrases; p++)
		for (h = 0; h < rq->nhits; h++)
			if (occurs_at(rq, &rq->phrase[p], h, &end)) {
				m |= UINT64_C(1) << p;
				break;
			}
	return m;
}

uint64_t rank_find(struct rank_query *rq, const char *text, size_t len)
{
	if (scan(rq, text, len))
		return 0;
	return found(rq);
}

int rank_score_found(const struct rank_query *rq, uint64_t in_name, uint64_t in_holder)
{
	uint64_t bit;
	int p, score = 0;

	for (p = 0; p < rq->nphrases; p++) {
		bit = UINT64_C(1) << p;
		if (in_name & bit)
			score += RANK_W_NAME;
		else if (in_holder & bit)
			score += RANK_W_HOLDER;
		else if (rq->phrase[p].required)
			score += RANK_W_BODY;
	}
	return score;
}

int rank_score(struct rank_query *rq, const char *name, const char *holder)
{
	uint64_t fn = rank_find(rq, name, strlen(name));
	uint64_t fh = holder && *holder ? rank_find(rq, holder, strlen(holder)) : 0;

	return rank_score_found(rq, fn, fh);
}

static int by_start(const void *x, const void *y)
{
	const struct range *a = x, *b = y;

	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

/* The merged, ordered occurrence ranges of rq->hits' text; *out is
 * malloc'd (NULL when there is none).  -1 when memory ran out. */
static int ranges(const struct rank_query *rq, struct range **out, size_t *n)
{
	struct range *r = NULL, *nr;
	size_t cap = 0, k = 0, h, end, i, m;
	int p;

	*out = NULL;
	*n = 0;
	for (p = 0; p < rq->nphrases; p++)
		for (h = 0; h < rq->nhits; h++) {
			if (!occurs_at(rq, &rq->phrase[p], h, &end))
				continue;
			if (k == cap) {
				cap = cap ? cap * 2 : 16;
				nr = realloc(r, cap * sizeof(*r));
				if (nr == NULL) {
					free(r);
					return -1;
				}
				r = nr;
			}
			r[k].a = rq->hits[h].start;
			r[k].b = end;
			k++;
		}
	if (k == 0)
		return 0;
	qsort(r, k, sizeof(*r), by_start);
	for (i = 1, m = 0; i < k; i++) {
		/* Overlapping occurrences merge (bigrams overlap by a
		 * character); adjacent ones stay apart, as in FTS5's
		 * highlight(). */
		if (r[i].a < r[m].b) {
			if (r[i].b > r[m].b)
				r[m].b = r[i].b;
		} else {
			r[++m] = r[i];
		}
	}
	*out = r;
	*n = m + 1;
	return 0;
}

/* Appends text[a, b) escaped for HTML; line breaks as spaces when flat. */
static int escape(struct dbuf *out, const char *text, size_t a, size_t b, int flat)
{
	size_t i, from = a;
	const char *rep;
	int rc = 0;

	for (i = a; rc == 0 && i < b; i++) {
		switch (text[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\n': case '\r': case '\t': rep = flat ? " " : NULL; break;
		default: rep = NULL;
		}
		if (rep == NULL)
			continue;
		rc = dbuf_add(out, text + from, i - from);
		if (rc == 0)
			rc = dbuf_adds(out, rep);
		from = i + 1;
	}
	if (rc == 0)
		rc = dbuf_add(out, text + from, b - from);
	return rc;
}

/* Appends text[a, b) with the marks of r[0..n) that fall inside it. */
static int marked(struct dbuf *out, const char *text, size_t a, size_t b, const struct range *r,
		  size_t n, int flat)
{
	size_t i, at = a, x, y;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		x = r[i].a < a ? a : r[i].a;
		y = r[i].b > b ? b : r[i].b;
		if (x >= y)
			continue;
		rc = escape(out, text, at, x, flat);
		if (rc == 0)
			rc = dbuf_adds(out, "<mark>");
		if (rc == 0)
			rc = escape(out, text, x, y, flat);
		if (rc == 0)
			rc = dbuf_adds(out, "</mark>");
		at = y;
	}
	if (rc == 0)
		rc = escape(out, text, at, b, flat);
	return rc;
}

int rank_escape(const char *text, size_t len, struct dbuf *out)
{
	return escape(out, text, 0, len, 0);
}

int rank_highlight(struct rank_query *rq, const char *text, size_t len, struct dbuf *out)
{
	struct range *r = NULL;
	size_t n = 0;
	int rc;

	if (scan(rq, text, len) || ranges(rq, &r, &n))
		return DIP_ENOMEM;
	rc = marked(out, text, 0, len, r, n, 0);
	free(r);
	return rc;
}

/* The byte offset after count characters from byte i (at most len). */
static size_t skip_chars(const char *text, size_t len, size_t i, size_t count)
{
	int k;

	while (count > 0 && i < len) {
		/* A byte that begins no character counts as one, as the
		 * tokenizer steps over it. */
		k = utf8_len((const unsigned char *)text + i, len - i);
		i += k > 0 ? (size_t)k : 1;
		count--;
	}
	return i;
}

/* Characters in text[a, b). */
static size_t chars(const char *text, size_t a, size_t b)
{
	size_t n = 0;

	for (; a < b; a++)
		n += ((unsigned char)text[a] & 0xc0) != 0x80;
	return n;
}

int rank_snippet(struct rank_query *rq, const char *text, size_t len, size_t max_chars,
		 struct dbuf *out)
{
	struct range *r = NULL;
	size_t n = 0, i, j, best = 0, best_count = 0, count, a, b, span, lead;
	int rc = 0;

	if (rq && (scan(rq, text, len) || ranges(rq, &r, &n)))
		return DIP_ENOMEM;
	if (max_chars == 0)
		max_chars = 1;
	a = 0;
	if (n > 0) {
		/* The window starting at an occurrence that holds the most. */
		for (i = 0; i < n; i++) {
			b = skip_chars(text, len, r[i].a, max_chars);
			for (j = i, count = 0; j < n && r[j].b <= b; j++)
				count++;
			if (count > best_count) {
				best_count = count;
				best = i;
			}
		}
		/* Some context before it, from what the window does not need. */
		b = skip_chars(text, len, r[best].a, max_chars);
		for (j = best; j < n && r[j].b <= b; j++)
			;
		/* (None fits when one occurrence is longer than the window.) */
		span = j > best ? chars(text, r[best].a, r[j - 1].b) : max_chars;
		lead = span < max_chars ? (max_chars - span) / 3 : 0;
		a = r[best].a;
		while (lead > 0 && a > 0) {
			do
				a--;
			while (a > 0 && ((unsigned char)text[a] & 0xc0) == 0x80);
			lead--;
		}
	}
	b = skip_chars(text, len, a, max_chars);
	if (a > 0)
		rc = dbuf_adds(out, "…");
	if (rc == 0)
		rc = marked(out, text, a, b, r, n, 1);
	if (rc == 0 && b < len)
		rc = dbuf_adds(out, "…");
	free(r);
	return rc;
}
