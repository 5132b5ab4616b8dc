/*
 * query.c - the search box parser and its two emitters.
 *
 * A recursive-descent parser over a tiny lexer builds a tree of at most
 * QRY_MAX_NODES nodes: phrases (runs of tokens from tok_run), ANDs whose
 * children may be excluded, and ORs.  The tree is normalised while it is
 * built (empty words and groups vanish, single children collapse, nested
 * ANDs and ORs flatten), so the emitters only print.  The syntax and its
 * meaning are described in query.h.
 */
#include "domain/query.h"

#include "domain/tokenize.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

enum nkind { N_PHRASE, N_AND, N_OR };

struct node {
	enum nkind kind;
	int neg;      /* excluded; only ever a child of N_AND */
	int child;    /* first child, -1 for none */
	int next;     /* next sibling, -1 for none */
	size_t t0;    /* N_PHRASE: terms t0 .. t0 + nt - 1 */
	size_t nt;
};

struct term {
	size_t off;   /* in text */
	size_t len;
	enum tok_kind kind;
	int prefix;
	int dropped;
};

struct qry {
	struct node nodes[QRY_MAX_NODES];
	size_t nnodes;
	struct term *terms;
	size_t nterms;
	struct dbuf text;   /* the tokens, each NUL-terminated */
	int root;
};

enum lkind { L_END, L_WORD, L_QUOTED, L_LPAREN, L_RPAREN, L_MINUS, L_OR, L_AND };

struct lexeme {
	enum lkind kind;
	size_t at;    /* first byte */
	size_t end;   /* byte after it */
	size_t a, b;  /* L_WORD, L_QUOTED: the text */
};

struct parser {
	const char *q;
	size_t len;
	size_t i;
	struct qry *r;
	const struct qry_opts *o;
	size_t max_depth, max_terms;
	size_t depth;
	struct qry_diag *diag;
	struct dip_error *e;
};

static uint32_t cp_at(const struct parser *p, size_t i, size_t *k)
{
	uint32_t cp = 0;
	int n = utf8_decode((const unsigned char *)p->q + i, p->len - i, &cp);

	*k = n > 0 ? (size_t)n : 1; /* the input was validated */
	return cp;
}

static int is_space(uint32_t cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x3000 || cp == 0xa0 ||
	       (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f || cp == 0x205f;
}

static int is_quote(uint32_t cp)
{
	return cp == '"' || cp == 0xff02 || cp == 0x201c || cp == 0x201d;
}

static int is_lparen(uint32_t cp)
{
	return cp == '(' || cp == 0xff08;
}

static int is_rparen(uint32_t cp)
{
	return cp == ')' || cp == 0xff09;
}

static int is_minus(uint32_t cp)
{
	return cp == '-' || cp == 0xff0d || cp == 0x2212;
}

static int word_is(const struct parser *p, size_t a, size_t b, const char *ascii, const char *wide)
{
	size_t n = b - a;

	return (n == strlen(ascii) && memcmp(p->q + a, ascii, n) == 0) ||
	       (n == strlen(wide) && memcmp(p->q + a, wide, n) == 0);
}

static size_t chr_of(const char *q, size_t byte)
{
	return utf8_count(q, byte);
}

/* Records where and why parsing failed; returns the position to show a
 * person (1-based characters). */
static size_t diag_at(struct parser *p, enum qry_reason why, size_t at)
{
	size_t chr = chr_of(p->q, at);

	if (p->diag) {
		p->diag->reason = why;
		p->diag->byte = at;
		p->diag->chr = chr;
	}
	return chr + 1;
}

/* The next lexeme from p->i, without consuming it.  keywords is 0 right
 * after a minus, where OR, AND and a second minus are plain text. */
static int lex(struct parser *p, int keywords, struct lexeme *lx)
{
	size_t i = p->i, k, j, kk;
	uint32_t cp;

	memset(lx, 0, sizeof(*lx));
	for (;;) {
		while (i < p->len && is_space(cp_at(p, i, &k)))
			i += k;
		if (i >= p->len) {
			lx->kind = L_END;
			lx->at = lx->end = p->len;
			return 0;
		}
		cp = cp_at(p, i, &k);
		if (!(keywords && is_minus(cp)))
			break;
		/* A minus before a space, a ")" or the end excludes nothing. */
		if (i + k >= p->len || is_space(cp_at(p, i + k, &kk)) || is_rparen(cp_at(p, i + k, &kk))) {
			i += k;
			continue;
		}
		lx->kind = L_MINUS;
		lx->at = i;
		lx->end = i + k;
		return 0;
	}
	lx->at = i;
	if (is_quote(cp)) {
		for (j = i + k; j < p->len; j += kk)
			if (is_quote(cp_at(p, j, &kk)))
				break;
		if (j >= p->len)
			return dip_fail(p->e, DIP_EINVAL, "q",
					"unclosed quote at position %zu: add the closing quote",
					diag_at(p, QRY_E_QUOTE, i));
		lx->kind = L_QUOTED;
		lx->a = i + k;
		lx->b = j;
		lx->end = j + kk;
		return 0;
	}
	if (is_lparen(cp) || is_rparen(cp)) {
		lx->kind = is_lparen(cp) ? L_LPAREN : L_RPAREN;
		lx->end = i + k;
		return 0;
	}
	for (j = i; j < p->len; j += kk) {
		cp = cp_at(p, j, &kk);
		if (is_space(cp) || is_quote(cp) || is_lparen(cp) || is_rparen(cp))
			break;
	}
	lx->kind = L_WORD;
	if (keywords && word_is(p, i, j, "OR", "\xef\xbc\xaf\xef\xbc\xb2"))
		lx->kind = L_OR;
	else if (keywords && word_is(p, i, j, "AND", "\xef\xbc\xa1\xef\xbc\xae\xef\xbc\xa4"))
		lx->kind = L_AND;
	lx->a = i;
	lx->b = j;
	lx->end = j;
	return 0;
}

static int new_node(struct parser *p, enum nkind kind, size_t at, int *out)
{
	struct node *n;

	if (p->r->nnodes >= QRY_MAX_NODES)
		return dip_fail(p->e, DIP_ELIMIT, "q",
				"query too complex at position %zu: use fewer words and groups",
				diag_at(p, QRY_E_LIMIT, at));
	n = &p->r->nodes[p->r->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->child = n->next = -1;
	*out = (int)p->r->nnodes++;
	return 0;
}

/* tok_run callback: one more term of the phrase being made. */
static int add_term(void *ud, const struct tok_token *t)
{
	struct parser *p = ud;
	struct qry *r = p->r;
	struct term *tm;
	int rc;

	if (r->nterms >= p->max_terms)
		return DIP_ELIMIT;
	tm = &r->terms[r->nterms];
	memset(tm, 0, sizeof(*tm));
	tm->off = r->text.len;
	tm->len = t->len;
	tm->kind = t->kind;
	rc = dbuf_add(&r->text, t->text, t->len + 1); /* with its NUL */
	if (rc)
		return rc;
	r->nterms++;
	return 0;
}

/* A phrase node for the text q[a, b), or -1 when it has no token. */
static int make_phrase(struct parser *p, size_t a, size_t b, int *out)
{
	struct qry *r = p->r;
	size_t t0 = r->nterms;
	int rc, id;

	*out = -1;
	rc = tok_run(p->q + a, b - a, TOK_QUERY, NULL, add_term, p);
	if (rc == DIP_ENOMEM)
		return rc;
	if (rc) {
		diag_at(p, QRY_E_LIMIT, a);
		return dip_fail(p->e, DIP_ELIMIT, "q", "too many words in the query: at most %zu",
				p->max_terms);
	}
	if (r->nterms == t0)
		return 0;
	/* A lone CJK character at the end of a phrase matches any token that
	 * starts with it (query.h). */
	if (r->terms[r->nterms - 1].kind == TOK_CJK_SINGLE)
		r->terms[r->nterms - 1].prefix = 1;
	rc = new_node(p, N_PHRASE, a, &id);
	if (rc)
		return rc;
	r->nodes[id].t0 = t0;
	r->nodes[id].nt = r->nterms - t0;
	*out = id;
	return 0;
}

/* Appends node id, or its children when it is of kind flat and not
 * excluded, to the list head..tail. */
static void append(struct qry *r, int *head, int *tail, int id, enum nkind flat)
{
	int c, last;

	if (r->nodes[id].kind == flat && !r->nodes[id].neg) {
		c = r->nodes[id].child;
		for (last = c; r->nodes[last].next >= 0; last = r->nodes[last].next)
			;
	} else {
		c = last = id;
		r->nodes[id].next = -1;
	}
	if (*tail >= 0)
		r->nodes[*tail].next = c;
	else
		*head = c;
	*tail = last;
}

static int common(struct parser *p, const struct node *n)
{
	const struct term *t;

	if (p->o == NULL || p->o->is_common == NULL || n->kind != N_PHRASE || n->neg || n->nt != 1)
		return 0;
	t = &p->r->terms[n->t0];
	if (t->prefix)
		return 0;
	return p->o->is_common(p->o->common_ud, p->r->text.p + t->off, t->len) == 1;
}

/* Drops hyper-common one-token terms from the AND list when something
 * else positive remains (query.h). */
static void drop_common(struct parser *p, int *head)
{
	struct qry *r = p->r;
	int id, prev, next, kept = 0, any = 0;

	for (id = *head; id >= 0; id = r->nodes[id].next) {
		if (r->nodes[id].neg)
			continue;
		if (common(p, &r->nodes[id])) {
			r->terms[r->nodes[id].t0].dropped = 1;
			any = 1;
		} else {
			kept++;
		}
	}
	if (!any)
		return;
	for (prev = -1, id = *head; id >= 0; id = next) {
		next = r->nodes[id].next;
		if (r->nodes[id].kind == N_PHRASE && !r->nodes[id].neg &&
		    r->terms[r->nodes[id].t0].dropped) {
			if (kept == 0) {
				r->terms[r->nodes[id].t0].dropped = 0;
				prev = id;
				continue;
			}
			if (prev >= 0)
				r->nodes[prev].next = next;
			else
				*head = next;
		} else {
			prev = id;
		}
	}
}

static int parse_or(struct parser *p, int *out);

static int parse_primary(struct parser *p, const struct lexeme *lx, int *out)
{
	struct lexeme nx;
	int rc;

	*out = -1;
	if (lx->kind == L_WORD || lx->kind == L_QUOTED) {
		p->i = lx->end;
		return make_phrase(p, lx->a, lx->b, out);
	}
	/* L_LPAREN */
	if (p->depth >= p->max_depth)
		return dip_fail(p->e, DIP_ELIMIT, "q",
				"parentheses nested too deep at position %zu: use fewer levels",
				diag_at(p, QRY_E_LIMIT, lx->at));
	p->i = lx->end;
	rc = lex(p, 1, &nx);
	if (rc)
		return rc;
	if (nx.kind == L_RPAREN)
		return dip_fail(p->e, DIP_EINVAL, "q",
				"empty parentheses at position %zu: put words inside or remove them",
				diag_at(p, QRY_E_PAREN, lx->at));
	p->depth++;
	rc = parse_or(p, out);
	p->depth--;
	if (rc)
		return rc;
	rc = lex(p, 1, &nx);
	if (rc)
		return rc;
	if (nx.kind != L_RPAREN)
		return dip_fail(p->e, DIP_EINVAL, "q",
				"unclosed parenthesis at position %zu: add the closing parenthesis",
				diag_at(p, QRY_E_PAREN, lx->at));
	p->i = nx.end;
	return 0;
}

static int parse_unary(struct parser *p, const struct lexeme *lx, int *out)
{
	struct lexeme nx;
	int rc;

	if (lx->kind != L_MINUS)
		return parse_primary(p, lx, out);
	p->i = lx->end;
	rc = lex(p, 0, &nx); /* a word, a quote or "(": see lex() */
	if (rc)
		return rc;
	if (nx.kind == L_RPAREN || nx.kind == L_END)
		return dip_fail(p->e, DIP_EINVAL, "q",
				"minus at position %zu excludes nothing: put a word after it",
				diag_at(p, QRY_E_OPERATOR, lx->at));
	rc = parse_primary(p, &nx, out);
	if (rc == 0 && *out >= 0)
		p->r->nodes[*out].neg = 1;
	return rc;
}

/* A run of terms up to OR, ")" or the end.  *nlex counts the terms
 * written, including those that yield no token. */
static int parse_and(struct parser *p, int whole, size_t *nlex, int *out)
{
	struct qry *r = p->r;
	struct lexeme lx, nx;
	size_t at = p->i, pos;
	int head = -1, tail = -1, id, npos = 0, nneg = 0, rc;

	*out = -1;
	*nlex = 0;
	for (;;) {
		rc = lex(p, 1, &lx);
		if (rc)
			return rc;
		if (*nlex == 0)
			at = lx.at;
		if (lx.kind == L_END || lx.kind == L_RPAREN || lx.kind == L_OR)
			break;
		if (lx.kind == L_AND) {
			p->i = lx.end;
			rc = lex(p, 1, &nx);
			if (rc)
				return rc;
			if (*nlex == 0 || nx.kind == L_END || nx.kind == L_RPAREN ||
			    nx.kind == L_OR || nx.kind == L_AND)
				return dip_fail(p->e, DIP_EINVAL, "q",
						"AND at position %zu needs a word on each side",
						diag_at(p, QRY_E_OPERATOR, lx.at));
			continue;
		}
		rc = parse_unary(p, &lx, &id);
		if (rc)
			return rc;
		(*nlex)++;
		if (id >= 0)
			append(r, &head, &tail, id, N_AND);
	}
	for (id = head; id >= 0; id = r->nodes[id].next) {
		if (r->nodes[id].neg)
			nneg++;
		else
			npos++;
	}
	if (npos + nneg == 0)
		return 0;
	if (npos == 0) {
		pos = diag_at(p, QRY_E_ONLY_NEGATIVE, at);
		if (whole && p->depth == 0 && lx.kind == L_END)
			return dip_fail(p->e, DIP_EINVAL, "q",
					"the query only excludes words: add a word to search for");
		return dip_fail(p->e, DIP_EINVAL, "q", "the part at position %zu only excludes "
				"words: add a word to search for", pos);
	}
	drop_common(p, &head);
	if (r->nodes[head].next < 0 && !r->nodes[head].neg) {
		*out = head;
		return 0;
	}
	rc = new_node(p, N_AND, at, &id);
	if (rc)
		return rc;
	r->nodes[id].child = head;
	*out = id;
	return 0;
}

static int parse_or(struct parser *p, int *out)
{
	struct qry *r = p->r;
	struct lexeme lx;
	size_t nlex, at = p->i;
	int head = -1, tail = -1, id, n = 0, rc, first = 1;

	*out = -1;
	for (;;) {
		rc = parse_and(p, first, &nlex, &id);
		if (rc)
			return rc;
		rc = lex(p, 1, &lx);
		if (rc)
			return rc;
		if (nlex == 0 && !first)
			return dip_fail(p->e, DIP_EINVAL, "q",
					"OR at position %zu needs a word on each side",
					diag_at(p, QRY_E_OPERATOR, at));
		if (nlex == 0 && lx.kind == L_OR)
			return dip_fail(p->e, DIP_EINVAL, "q",
					"OR at position %zu needs a word on each side",
					diag_at(p, QRY_E_OPERATOR, lx.at));
		if (id >= 0) {
			append(r, &head, &tail, id, N_OR);
			n++;
		}
		if (lx.kind != L_OR)
			break;
		at = lx.at;
		p->i = lx.end;
		first = 0;
	}
	if (n == 0)
		return 0;
	if (r->nodes[head].next < 0) {
		*out = head;
		return 0;
	}
	rc = new_node(p, N_OR, at, &id);
	if (rc)
		return rc;
	r->nodes[id].child = head;
	*out = id;
	return 0;
}

static int blank(const char *q, size_t len)
{
	struct parser p = { .q = q, .len = len };
	size_t i = 0, k;

	while (i < len && is_space(cp_at(&p, i, &k)))
		i += k;
	return i >= len;
}

int qry_parse(const char *q, size_t len, const struct qry_opts *opts,
	      struct qry **out, struct qry_diag *diag, struct dip_error *e)
{
	struct parser p;
	struct qry *r = NULL;
	struct lexeme lx;
	size_t max_bytes, i;
	uint32_t cp;
	int rc, k;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.q = q;
	p.len = len;
	p.o = opts;
	p.diag = diag;
	p.e = e;
	if (diag)
		memset(diag, 0, sizeof(*diag));
	max_bytes = opts && opts->max_bytes ? opts->max_bytes : QRY_MAX_BYTES;
	p.max_depth = opts && opts->max_depth ? opts->max_depth : QRY_MAX_DEPTH;
	p.max_terms = opts && opts->max_terms ? opts->max_terms : QRY_MAX_TERMS;
	if (p.max_terms > QRY_MAX_NODES)
		p.max_terms = QRY_MAX_NODES;
	if (len > max_bytes) {
		diag_at(&p, QRY_E_LIMIT, max_bytes);
		rc = dip_fail(e, DIP_ELIMIT, "q", "query too long: at most %zu bytes", max_bytes);
		goto out;
	}
	for (i = 0; i < len; i += (size_t)k) {
		k = utf8_decode((const unsigned char *)q + i, len - i, &cp);
		if (k == 0 || cp == 0) {
			if (diag) {
				diag->reason = QRY_E_ENCODING;
				diag->byte = i;
				diag->chr = utf8_count(q, i);
			}
			rc = dip_fail(e, DIP_EINVAL, "q", "the query is not valid UTF-8 at byte %zu", i);
			goto out;
		}
	}
	if (blank(q, len)) {
		diag_at(&p, QRY_E_EMPTY, 0);
		rc = dip_fail(e, DIP_EINVAL, "q", "empty query: type a word to search for");
		goto out;
	}
	r = calloc(1, sizeof(*r));
	if (r)
		r->terms = calloc(p.max_terms, sizeof(*r->terms));
	if (r == NULL || r->terms == NULL) {
		rc = DIP_ENOMEM;
		goto out;
	}
	dbuf_init(&r->text, p.max_terms * (TOK_MAX_TOKEN_BYTES + 1));
	r->root = -1;
	p.r = r;
	rc = parse_or(&p, &r->root);
	if (rc)
		goto out;
	rc = lex(&p, 1, &lx);
	if (rc)
		goto out;
	if (lx.kind == L_RPAREN) {
		rc = dip_fail(p.e, DIP_EINVAL, "q",
				"unmatched closing parenthesis at position %zu: remove it or add an opening one",
				diag_at(&p, QRY_E_PAREN, lx.at));
		goto out;
	}
	if (r->root < 0) {
		diag_at(&p, QRY_E_EMPTY, 0);
		rc = dip_fail(e, DIP_EINVAL, "q", "the query has no searchable words: "
			      "use letters, digits or Chinese characters");
		goto out;
	}
	*out = r;
	r = NULL;
out:
	qry_free(r);
	return rc;
}

void qry_free(struct qry *q)
{
	if (q == NULL)
		return;
	dbuf_free(&q->text);
	free(q->terms);
	free(q);
}

/* The two output dialects. */
struct dialect {
	const char *and_, *or_, *not_, *then, *prefix;
	int (*quote)(struct dbuf *out, const char *s, size_t len);
};

static int fts5_quote(struct dbuf *out, const char *s, size_t len)
{
	size_t i;
	int rc = dbuf_addc(out, '"');

	for (i = 0; rc == 0 && i < len; i++)
		rc = s[i] == '"' ? dbuf_add(out, "\"\"", 2) : dbuf_addc(out, s[i]);
	if (rc == 0)
		rc = dbuf_addc(out, '"');
	return rc;
}

static const struct dialect fts5 = { " AND ", " OR ", " NOT ", " + ", "*", fts5_quote };
static const struct dialect tsq = { " & ", " | ", " & !", " <-> ", ":*", tok_pg_quote };

/* How many children of n are excluded (neg 1) or not (neg 0). */
static size_t neg_count(const struct qry *q, const struct node *n, int neg)
{
	size_t k = 0;
	int c;

	for (c = n->child; c >= 0; c = q->nodes[c].next)
		k += q->nodes[c].neg == neg;
	return k;
}

static int emit(const struct qry *q, const struct dialect *d, int id, struct dbuf *out)
{
	const struct node *n = &q->nodes[id];
	const struct term *t;
	size_t i;
	int c, rc = 0, first = 1, pass, wrap;
	size_t npos;

	if (n->kind == N_PHRASE) {
		if (n->nt > 1)
			rc = dbuf_addc(out, '(');
		for (i = 0; rc == 0 && i < n->nt; i++) {
			t = &q->terms[n->t0 + i];
			if (i > 0)
				rc = dbuf_adds(out, d->then);
			if (rc == 0)
				rc = d->quote(out, q->text.p + t->off, t->len);
			if (rc == 0 && t->prefix)
				rc = dbuf_adds(out, d->prefix);
		}
		if (rc == 0 && n->nt > 1)
			rc = dbuf_addc(out, ')');
		return rc;
	}
	rc = dbuf_addc(out, '(');
	if (n->kind == N_OR) {
		for (c = n->child; rc == 0 && c >= 0; c = q->nodes[c].next) {
			if (c != n->child)
				rc = dbuf_adds(out, d->or_);
			if (rc == 0)
				rc = emit(q, d, c, out);
		}
	} else {
		/* Positives first, in their own parentheses when there are
		 * several: FTS5's NOT needs something on its left, and no
		 * reader should need to know which operator binds tighter. */
		npos = neg_count(q, n, 0);
		wrap = npos > 1 && neg_count(q, n, 1) > 0;
		if (wrap)
			rc = dbuf_addc(out, '(');
		for (pass = 0; pass < 2; pass++) {
			if (rc == 0 && pass == 1 && wrap)
				rc = dbuf_addc(out, ')');
			for (c = n->child; rc == 0 && c >= 0; c = q->nodes[c].next) {
				if (q->nodes[c].neg != pass)
					continue;
				if (!first)
					rc = dbuf_adds(out, pass ? d->not_ : d->and_);
				first = 0;
				if (rc == 0 && pass)
					rc = dbuf_addc(out, '(');
				if (rc == 0)
					rc = emit(q, d, c, out);
				if (rc == 0 && pass)
					rc = dbuf_addc(out, ')');
			}
		}
	}
	if (rc == 0)
		rc = dbuf_addc(out, ')');
	return rc;
}

int qry_to_fts5(const struct qry *q, struct dbuf *out)
{
	return emit(q, &fts5, q->root, out);
}

int qry_to_tsquery(const struct qry *q, struct dbuf *out)
{
	return emit(q, &tsq, q->root, out);
}

const char *qry_dropped(const struct qry *q, size_t i)
{
	size_t t;

	for (t = 0; t < q->nterms; t++)
		if (q->terms[t].dropped && i-- == 0)
			return q->text.p + q->terms[t].off;
	return NULL;
}

const char *qry_token(const struct qry *q, size_t i, size_t *len, int *prefix)
{
	if (i >= q->nterms)
		return NULL;
	*len = q->terms[i].len;
	*prefix = q->terms[i].prefix;
	return q->text.p + q->terms[i].off;
}

size_t qry_token_count(const struct qry *q)
{
	size_t t, n = 0;

	for (t = 0; t < q->nterms; t++)
		n += !q->terms[t].dropped;
	return n;
}

static int walk(const struct qry *q, int id, int required, qry_phrase_fn fn, void *ud)
{
	const struct node *n = &q->nodes[id];
	struct qry_token toks[QRY_MAX_NODES];
	const struct term *t;
	size_t i;
	int c, rc = 0;

	if (n->neg)
		return 0;
	if (n->kind == N_PHRASE) {
		for (i = 0; i < n->nt && i < QRY_MAX_NODES; i++) {
			t = &q->terms[n->t0 + i];
			toks[i].text = q->text.p + t->off;
			toks[i].len = t->len;
			toks[i].prefix = t->prefix;
		}
		return fn(ud, toks, i, required);
	}
	/* An AND keeps its children required; an OR's alternatives may be
	 * absent from a record it matches. */
	for (c = n->child; rc == 0 && c >= 0; c = q->nodes[c].next)
		rc = walk(q, c, required && n->kind == N_AND, fn, ud);
	return rc;
}

int qry_phrases(const struct qry *q, qry_phrase_fn fn, void *ud)
{
	return q->root < 0 ? 0 : walk(q, q->root, 1, fn, ud);
}

/* What qry_fts5_phrases collects. */
struct fts5_order {
	int *index;
	size_t max, n;
	int next;      /* qry_phrases' index of the next phrase not excluded */
	int and_in_or; /* a reported phrase lies in an AND inside an OR */
};

/* The walk of emit(): an AND's positive children first, then its
 * excluded ones. */
static void fts5_order(const struct qry *q, int id, int excluded, int in_or, int and_in_or,
		       struct fts5_order *o)
{
	const struct node *n = &q->nodes[id];
	int c, pass;

	excluded |= n->neg;
	if (n->kind == N_PHRASE) {
		if (o->n < o->max)
			o->index[o->n] = excluded ? -1 : o->next;
		o->n++;
		if (!excluded) {
			o->next++;
			o->and_in_or |= and_in_or;
		}
		return;
	}
	if (n->kind == N_OR) {
		for (c = n->child; c >= 0; c = q->nodes[c].next)
			fts5_order(q, c, excluded, 1, and_in_or, o);
		return;
	}
	for (pass = 0; pass < 2; pass++)
		for (c = n->child; c >= 0; c = q->nodes[c].next)
			if (q->nodes[c].neg == pass)
				fts5_order(q, c, excluded, in_or, and_in_or || in_or, o);
}

int qry_fts5_phrases(const struct qry *q, int *index, size_t max, size_t *n)
{
	struct fts5_order o = { index, max, 0, 0, 0 };

	if (q->root >= 0)
		fts5_order(q, q->root, 0, 0, 0, &o);
	*n = o.n;
	return o.and_in_or;
}
