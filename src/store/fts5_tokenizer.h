/*
 * fts5_tokenizer.h - the dipreg search tokenizer inside SQLite FTS5.
 *
 * FTS5 tables of public records name it: USING fts5(name, holder, body,
 * tokenize='dipreg').  It runs domain/tokenize.c, so SQLite indexes the
 * same tokens PostgreSQL gets from tok_tsvector and that domain/query.c
 * puts in MATCH expressions:
 *   - documents (FTS5_TOKENIZE_DOCUMENT) and auxiliary functions
 *     (FTS5_TOKENIZE_AUX: highlight, snippet, bm25 column sizes) get
 *     TOK_INDEX tokens, the colocated last character of CJK runs flagged
 *     FTS5_TOKEN_COLOCATED;
 *   - query strings (FTS5_TOKENIZE_QUERY, with or without
 *     FTS5_TOKENIZE_PREFIX) get TOK_QUERY tokens; a quoted token from
 *     qry_to_fts5 gives back exactly itself, and for a prefix string the
 *     last token is the prefix, as FTS5 expects.
 * Offsets are byte offsets into the text SQLite passed, that is the
 * original column value, so highlight() and snippet() show the user's own
 * characters (full-width, upper case) around the match.
 *
 * A document with more than TOK_MAX_TOKENS tokens is indexed up to that
 * many; the rest is not searchable.  The tokenizer takes no arguments.
 * Tables must keep detail=full: qry_to_fts5 writes phrases.
 */
#ifndef DIP_FTS5_TOKENIZER_H
#define DIP_FTS5_TOKENIZER_H

#include <sqlite3.h>

struct dip_error;

#define FTS_TOKENIZER_NAME "dipreg"

/* The auxiliary function dipreg_columns(table): a blob of one byte for
 * each phrase of the MATCH expression, in FTS5's numbering (the order of
 * the expression's text), bit c set when the current row holds the phrase
 * in column c (the first eight columns).  It reports what FTS5 matched: a
 * phrase in an AND that is an alternative of an OR shows no column in a
 * row that AND does not match, even when the row holds it
 * (qry_fts5_phrases says when a query has such phrases). */
#define FTS_COLUMNS_NAME "dipreg_columns"

/* Registers the tokenizer "dipreg" and the function dipreg_columns on db;
 * call once per connection before any statement touches a table that uses
 * them.  Returns 0, or DIP_EDB when SQLite lacks FTS5 or refuses the
 * registration (e says why). */
int fts_register(sqlite3 *db, struct dip_error *e);

#endif
