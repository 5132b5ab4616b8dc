/*
 * rank.h - how well a public record matches a search, and where (Art. 20,
 * DESIGN.md §6).
 *
 * The two database backends find the same records for a query, because
 * both index the tokens of domain/tokenize.c.  What they would rank and
 * highlight differently (FTS5's bm25() and highlight(), PostgreSQL's
 * ts_rank() and ts_headline()) is computed here instead, from the record's
 * own text, so the order and the marks are the same on both.
 *
 * A phrase of the query (qry_phrases: every phrase not excluded) occurs in
 * a text where its tokens stand at consecutive positions of the text's
 * TOK_INDEX tokens, colocated tokens sharing a position and a prefix token
 * matching any token that starts with it: the rule of FTS5 phrases and of
 * PostgreSQL's <->.
 *
 * Score of a record: the sum, over the phrases, of 4 when the phrase occurs
 * in the dataset's name, else 2 when in a holder's name, else 1 when every
 * record the query matches contains it (it is not an alternative of an OR),
 * else 0.  So the score reads only the two short fields, never the rest of
 * the text, and a ranked window of a thousand records costs little.  Ties
 * are the caller's to break.
 *
 * Highlighting marks every occurrence of every phrase, from the first
 * byte of its first token to the last byte of its last; a prefix token
 * that matched a longer one marks only its own character ("股" in
 * "股票").  Occurrences that overlap make one mark, adjacent ones two, as
 * FTS5's highlight() does where the two can be compared (it cannot mark
 * overlapping bigrams or part of a token).  Output is HTML: the text
 * escaped, the marks as <mark>...</mark>.
 *
 * A struct rank_query is made from one parsed query and used by one
 * thread (it keeps scratch memory between calls).
 */
#ifndef DIP_RANK_H
#define DIP_RANK_H

#include <stddef.h>
#include <stdint.h>

struct dbuf;
struct qry;

#define RANK_MAX_PHRASES 64
#define RANK_MAX_TERMS 64   /* distinct tokens of the phrases */

#define RANK_W_NAME 4
#define RANK_W_HOLDER 2
#define RANK_W_BODY 1

struct rank_query;

/* Prepares q for ranking.  0, DIP_ELIMIT (more than RANK_MAX_PHRASES
 * phrases or RANK_MAX_TERMS distinct tokens) or DIP_ENOMEM; *out is the
 * caller's to free with rank_query_free. */
int rank_query_new(const struct qry *q, struct rank_query **out);
void rank_query_free(struct rank_query *rq);

/* The phrases occurring in len bytes of text: bit i for the i-th phrase.
 * 0 also when memory runs out (nothing is then found). */
uint64_t rank_find(struct rank_query *rq, const char *text, size_t len);

/* The score of a record from its name and holders' names (NUL-terminated;
 * holder may be NULL for none). */
int rank_score(struct rank_query *rq, const char *name, const char *holder);

/* The same score from the phrases found in the name and in the holders'
 * names (rank_find's bit sets), for a caller that learnt them elsewhere:
 * from the index's own record of where each phrase occurs. */
int rank_score_found(const struct rank_query *rq, uint64_t in_name, uint64_t in_holder);

/* Appends len bytes of text as HTML without marks.  Returns as
 * rank_highlight. */
int rank_escape(const char *text, size_t len, struct dbuf *out);

/* Appends len bytes of text as HTML with every occurrence marked.  0,
 * DIP_ELIMIT (out's ceiling) or DIP_ENOMEM. */
int rank_highlight(struct rank_query *rq, const char *text, size_t len, struct dbuf *out);

/* Appends an excerpt of text of at most max_chars characters, as HTML
 * with marks: the window holding the most occurrences (the earliest of
 * equals), or the beginning when there is none (or rq is NULL), with "…"
 * where the text was cut.  Line breaks become spaces.  Returns as
 * rank_highlight. */
int rank_snippet(struct rank_query *rq, const char *text, size_t len, size_t max_chars,
		 struct dbuf *out);

#endif
