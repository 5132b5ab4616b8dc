/*
 * query.h - the public search box: parse what a person typed, emit what a
 * database runs (DESIGN.md §6).
 *
 * Syntax, as search engines taught users:
 *
 *   数据集 taxi        words are ANDed
 *   "port container"   a quoted phrase: its words adjacent, in order
 *   交通 OR 物流       OR (upper case) between two terms; binds looser than AND
 *   -气象  -"test data"  a leading minus excludes a word, phrase or group
 *   (北京 OR 上海) 交通  parentheses group, at most max_depth levels
 *   a AND b            upper-case AND is accepted and changes nothing
 *
 * Full-width forms of the syntax work too: ＂ “ ” for quotes, （ ） for
 * parentheses, － and − for minus, ＯＲ and ＡＮＤ.  A minus inside a word
 * is part of the word ("covid-19"); a minus followed by a space is
 * ignored.  Everything else a user types is text: * ^ : { } + NEAR and
 * column names mean nothing here, they are tokenized like any text and
 * every token is quoted on output, so no search-engine syntax gets through.
 *
 * Each word or phrase is run through tok_run(TOK_QUERY) and becomes a
 * phrase of its tokens: 数据集 -> the phrase 数据 据集, GB4754 -> gb 4754,
 * so a word matches wherever its text appears as a substring (on token
 * boundaries for Latin).  A one-character CJK run that is the last token of
 * its phrase becomes a prefix token (股 -> 股*): the index holds a token
 * starting with every CJK character (tokenize.h), so a one-character query
 * finds every text containing that character, and "A股" finds "A股市场".
 * A one-character CJK run followed by another token stays exact: the index
 * holds it as the last character of a run.
 *
 * Words that yield no token (punctuation, emoji) are dropped, and so are
 * groups left empty; what remains must search for something: a query, an
 * OR alternative or a group that only excludes is refused.
 */
#ifndef DIP_QUERY_H
#define DIP_QUERY_H

#include <stddef.h>

struct dbuf;
struct dip_error;

#define QRY_MAX_BYTES 1024  /* default longest query */
#define QRY_MAX_DEPTH 8     /* default deepest parentheses */
#define QRY_MAX_TERMS 64    /* default most tokens in a query */
#define QRY_MAX_NODES 256   /* hard bound on the tree */

enum qry_reason {
	QRY_OK = 0,
	QRY_E_EMPTY,         /* blank, or no searchable word */
	QRY_E_ENCODING,      /* not valid UTF-8 */
	QRY_E_QUOTE,         /* unclosed quote */
	QRY_E_PAREN,         /* unclosed, unmatched or empty parentheses */
	QRY_E_OPERATOR,      /* OR or AND without a term on each side */
	QRY_E_ONLY_NEGATIVE, /* only excluded terms (the query, a group or an OR side) */
	QRY_E_LIMIT,         /* too long, too deep, too many words */
};

/* Where and why a parse failed.  byte is the 0-based byte offset in the
 * query, chr the 0-based character offset; messages say "position
 * chr + 1", as a person counts. */
struct qry_diag {
	enum qry_reason reason;
	size_t byte;
	size_t chr;
};

/* The hyper-common token hook (DESIGN.md §6: a token in most records makes
 * ranking slow and filters nothing).  Called with each token that stands
 * alone as a positive term of an AND (a one-token word, not a prefix, not
 * excluded, not inside an OR alternative of its own); returning 1 drops
 * that term, provided the AND keeps at least one other positive term that
 * was not dropped.  So "数据 北京 交通" may run as "北京 交通", "数据" alone
 * still runs as "数据", and phrases, exclusions and OR are never changed.
 * The caller decides what is common (for example from fts5vocab document
 * counts refreshed now and then) and may report qry_dropped() to the user. */
typedef int (*qry_common_fn)(void *ud, const char *tok, size_t len);

struct qry_opts {
	qry_common_fn is_common; /* may be NULL */
	void *common_ud;
	size_t max_bytes;        /* 0 = QRY_MAX_BYTES */
	size_t max_depth;        /* 0 = QRY_MAX_DEPTH */
	size_t max_terms;        /* 0 = QRY_MAX_TERMS */
};

struct qry;

/* Parses len bytes of q.  opts and diag may be NULL.  On success *out is a
 * new query the caller frees with qry_free.  Fails with DIP_EINVAL (syntax,
 * encoding, empty, only negative) or DIP_ELIMIT (a limit of opts), filling
 * diag and e (field "q", a message for the user that names the position);
 * or DIP_ENOMEM.  *out is NULL on failure. */
int qry_parse(const char *q, size_t len, const struct qry_opts *opts,
	      struct qry **out, struct qry_diag *diag, struct dip_error *e);

void qry_free(struct qry *q);

/* Appends the SQLite FTS5 MATCH expression ("数据" + "据集") AND "taxi").
 * Every token is a double-quoted string; the operators are AND, OR, NOT,
 * + and a trailing *, with parentheses around every composite.  The table
 * must use the dipreg tokenizer with detail=full (phrases need positions).
 * 0, DIP_ELIMIT (out's ceiling; out is then partly filled) or DIP_ENOMEM. */
int qry_to_fts5(const struct qry *q, struct dbuf *out);

/* Appends the same query as PostgreSQL tsquery text ('数据' <-> '据集') &
 * 'taxi', with :* for prefixes and & ! | <-> ), to be cast with ::tsquery
 * (to_tsquery would tokenize the lexemes again) against tok_tsvector
 * output.  Returns as qry_to_fts5. */
int qry_to_tsquery(const struct qry *q, struct dbuf *out);

/* Tokens the is_common hook dropped, in query order.  The string belongs
 * to q.  NULL past the end. */
const char *qry_dropped(const struct qry *q, size_t i);

/* The i-th token of the query, dropped and excluded ones included (a
 * string of q's), NULL past the end; *len and *prefix describe it. */
const char *qry_token(const struct qry *q, size_t i, size_t *len, int *prefix);

/* Number of tokens in the query after dropping, excluded ones included. */
size_t qry_token_count(const struct qry *q);

/* One token of a phrase, as the index holds it (normalised). */
struct qry_token {
	const char *text;  /* NUL-terminated; belongs to q */
	size_t len;
	int prefix;        /* matches any token that starts with text */
};

/* Called for each phrase a matching record may contain: the phrases that
 * are not excluded (nor inside an excluded group), in query order (the
 * order of qry_to_fts5's output).  required is 1 when every record the
 * query matches contains the phrase (it is not inside an OR).  toks is
 * valid during the call.  A non-zero return stops the walk and is
 * returned. */
typedef int (*qry_phrase_fn)(void *ud, const struct qry_token *toks, size_t n, int required);

int qry_phrases(const struct qry *q, qry_phrase_fn fn, void *ud);

/* The phrases of qry_to_fts5's output, in that order (the order in which
 * FTS5 numbers them): for each, the index qry_phrases gives it, or -1 for
 * an excluded one.  index has room for max entries; *n gets the number of
 * phrases, which may be larger (then only max are written).  Returns 1
 * when a phrase that qry_phrases reports lies inside an AND that is an
 * alternative of an OR, at any depth ("(a b) OR c"): a record may hold
 * such a phrase without that AND matching it, and FTS5 then reports no
 * occurrence of the phrase in it.  0 otherwise. */
int qry_fts5_phrases(const struct qry *q, int *index, size_t max, size_t *n);

#endif
