/*
 * tokenize.h - the one search tokenizer of dipreg (DESIGN.md §6).
 *
 * The same code turns a record's text into index tokens (SQLite FTS5 through
 * store/fts5_tokenizer.c, PostgreSQL through tok_tsvector) and turns a
 * user's query words into query tokens (domain/query.c), so the two
 * backends and the two sides of a search always agree.  Pure: no I/O, no
 * allocation, no locale.
 *
 * Rules, in order (the README repeats them for users):
 *
 * 1. Normalisation, one code point at a time:
 *    - full-width ASCII U+FF01..U+FF5E becomes ASCII (Ａ -> a, １ -> 1);
 *      the ideographic space U+3000 is a separator like any space;
 *    - Latin letters are lower-cased and lose their diacritics: ASCII,
 *      Latin-1 (À..ÿ), Latin Extended-A (Ā..ſ), the pinyin tone letters
 *      Ǎ..ǜ (U+01CD..U+01DC); æ -> ae, œ -> oe, ĳ -> ij, ß and ẞ -> ss,
 *      þ -> th, ð/đ -> d, ł -> l, ø -> o, ı/İ -> i, ſ -> s;
 *      Latin Extended Additional (U+1E00..U+1EFF) is lower-cased only;
 *      other Latin Extended-B and IPA letters are kept as they are;
 *    - Greek and Cyrillic capitals are lower-cased (ς -> σ, Ά -> ά; accents
 *      stay); Greek Extended (U+1F00..U+1FFF) is kept as it is;
 *    - compatibility forms that NFKC folds and that occur in Chinese
 *      filings: superscript and subscript digits (² -> 2), ª º -> a o,
 *      µ -> μ, Roman numerals Ⅰ..Ⅿ and ⅰ..ⅿ -> i, ii, .., xii, l, c, d, m,
 *      ligatures ﬀ..ﬆ -> ff, fi, fl, ffi, ffl, st;
 *    - combining marks U+0300..U+036F, variation selectors, ZWJ/ZWNJ,
 *      word joiner, soft hyphen and BOM are ignored: they neither produce
 *      text nor break a word (so "cafe\u0301" and "café" both give "cafe");
 *    - not folded: circled and parenthesised numbers (①, ⑴: list markers,
 *      treated as separators), CJK compatibility ideographs, half-width
 *      katakana, traditional/simplified Chinese.
 * 2. Classes after folding: letters (Latin U+0041..U+02AF and
 *    U+1E00..U+1EFF, Greek, Cyrillic, and, without any script-specific
 *    segmentation, U+0500..U+1DFF outside Hangul Jamo), digits 0-9, CJK
 *    (Han: U+3400..U+4DBF, U+4E00..U+9FFF, U+F900..U+FAFF,
 *    U+20000..U+3134F, and 々 〆 〇 〻; kana: U+3041..U+309F,
 *    U+30A1..U+30FA, U+30FC..U+30FF, U+31F0..U+31FF, U+FF66..U+FF9D;
 *    Hangul: U+1100..U+11FF, U+3131..U+318E, U+AC00..U+D7A3,
 *    U+FFA0..U+FFDC) and separators (everything else: spaces, punctuation,
 *    symbols, emoji, NUL, and every byte that is not valid UTF-8).
 * 3. Tokens:
 *    - a run of letters is one token, a run of digits is another: letters
 *      and digits are split ("gb4754" -> "gb" "4754", "5G" -> "5" "g"), so
 *      a query "GB4754" (the phrase gb 4754) also finds "GB 4754" and
 *      "GB-4754";
 *    - a CJK run of n >= 2 characters gives its n-1 overlapping bigrams
 *      ("数据集" -> "数据" "据集"); a run of one character gives that
 *      character;
 *    - when indexing (TOK_INDEX), the last character of a run of n >= 2 is
 *      also given, colocated with (at the same position as) the last
 *      bigram ("数据集" -> "数据" "据集" + "集").  With it every character
 *      of a text starts some token, so a one-character query X is the
 *      prefix query X* (see query.h).  Queries (TOK_QUERY) do not get it.
 *    - a word longer than max_token_bytes (after folding) is cut at a
 *      character boundary; its offsets still cover the whole word.
 * 4. Every token carries its byte offsets [start, end) in the ORIGINAL
 *    text and its position (0, 1, 2, ...; a colocated token shares the
 *    position of the one before it).
 *
 * Tokenizing a token again in TOK_QUERY gives the token itself, which the
 * FTS5 glue relies on when SQLite re-tokenizes the quoted query strings.
 */
#ifndef DIP_TOKENIZE_H
#define DIP_TOKENIZE_H

#include <stddef.h>

struct dbuf;

/* Default and hard limits. */
#define TOK_MAX_TOKEN_BYTES 64    /* default cut length of a word */
#define TOK_TOKEN_BYTES_CAP 256   /* largest max_token_bytes accepted */
#define TOK_MAX_TOKENS 65536      /* default tokens per text */

enum tok_mode {
	TOK_INDEX,  /* record text: adds the colocated last character of runs */
	TOK_QUERY,  /* query text: the plain tokens */
};

enum tok_kind {
	TOK_WORD,       /* letters */
	TOK_NUMBER,     /* digits */
	TOK_CJK_PAIR,   /* two CJK characters */
	TOK_CJK_SINGLE, /* one CJK character: a run of one, or a run's last */
};

#define TOK_COLOCATED 1u  /* same position as the token before */

struct tok_token {
	const char *text;  /* normalised, NUL-terminated; valid during the call */
	size_t len;        /* bytes of text */
	size_t start, end; /* [start, end) byte offsets in the original text */
	size_t pos;        /* 0-based position */
	enum tok_kind kind;
	unsigned flags;    /* TOK_COLOCATED */
};

/* Called once per token in text order.  A non-zero return stops the
 * tokenizer, which returns that value unchanged. */
typedef int (*tok_emit_fn)(void *ud, const struct tok_token *t);

struct tok_limits {
	size_t max_token_bytes; /* 8..TOK_TOKEN_BYTES_CAP; 0 = default */
	size_t max_tokens;      /* 0 = default */
};

/* Tokenizes len bytes of text (any bytes; need not be NUL-terminated or
 * valid UTF-8) and calls emit for each token.  lim may be NULL for the
 * defaults.  Returns 0; DIP_EINVAL for limits out of range; DIP_ELIMIT
 * after emitting max_tokens tokens when more would follow (the tokens
 * emitted so far stand); or what emit returned. */
int tok_run(const char *text, size_t len, enum tok_mode mode,
	    const struct tok_limits *lim, tok_emit_fn emit, void *ud);

/* Appends to out the PostgreSQL tsvector literal of text's TOK_INDEX
 * tokens ("'数据':1 '据集':2 '集':2"), to be cast with ::tsvector (not
 * to_tsvector, which would tokenize again).  Positions are 1-based and,
 * as PostgreSQL requires, stop growing at 16383.  Returns 0, DIP_ELIMIT
 * (too many tokens, or out's ceiling; out is then partly filled) or
 * DIP_ENOMEM. */
int tok_tsvector(const char *text, size_t len, struct dbuf *out);

/* The same for one field of a record of several: the field's positions
 * start at *pos + 1, a space separates them from what out held, and *pos
 * is left at the field's last position (unchanged without tokens), so
 * that a caller adding 1 between fields keeps phrases from running across
 * them, as FTS5's columns do.  Returns as tok_tsvector. */
int tok_tsvector_at(const char *text, size_t len, size_t *pos, struct dbuf *out);

/* Appends s quoted as a PostgreSQL tsquery/tsvector lexeme: in single
 * quotes, with ' doubled and \ escaped.  0, DIP_ELIMIT or DIP_ENOMEM. */
int tok_pg_quote(struct dbuf *out, const char *s, size_t len);

#endif
