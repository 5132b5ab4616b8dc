/*
 * tokenize.c - the search tokenizer: folding, classes, bigrams, offsets.
 *
 * One pass over the text.  Each code point is folded to zero or more ASCII
 * or UTF-8 bytes and given a class; runs of one class make tokens.  CJK
 * runs keep only the previous character, so memory is constant whatever
 * the text's length.  The rules are listed in tokenize.h.
 */
#include "domain/tokenize.h"

#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"

#include <string.h>

enum cls {
	C_SEP,    /* ends any run */
	C_IGNORE, /* produces nothing, ends nothing */
	C_LETTER,
	C_DIGIT,
	C_CJK,
};

struct folded {
	char s[8]; /* folded text, UTF-8 */
	int n;
};

/* Base letters of Latin Extended-A, U+0100..U+017F; '1' is "ij", '2' is
 * "oe".  Lower-casing and diacritic removal in one table. */
static const char latin_ext_a[129] =
	"aaaaaacccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii"
	"11" "jj" "kkk" "llllllllll" "nnnnnnn" "nn" "oooooo" "22" "rrrrrr"
	"ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";

/* Latin-1 U+00C0..U+00FF; '*' is not a letter (× ÷), digits index the
 * expansions below. */
static const char latin_1[65] =
	"aaaaaa1ceeeeiiiidnooooo*ouuuuy32"
	"aaaaaa1ceeeeiiiidnooooo*ouuuuy3y";
static const char *const latin_1_exp[] = { "", "ae", "ss", "th" };

/* Pinyin tone letters Ǎ..ǜ, U+01CD..U+01DC. */
static const char pinyin[17] = "aaiioouuuuuuuuuu";

static const char *const roman[16] = {
	"i", "ii", "iii", "iv", "v", "vi", "vii", "viii",
	"ix", "x", "xi", "xii", "l", "c", "d", "m",
};

static const char *const ligature[7] = { "ff", "fi", "fl", "ffi", "ffl", "st", "st" };

static void put_ascii(struct folded *f, const char *s)
{
	size_t n = strlen(s);

	memcpy(f->s, s, n);
	f->n = (int)n;
}

static void put_cp(struct folded *f, uint32_t cp)
{
	f->n = utf8_encode(cp, f->s);
}

static int in(uint32_t cp, uint32_t lo, uint32_t hi)
{
	return cp >= lo && cp <= hi;
}

static int is_cjk(uint32_t cp)
{
	return in(cp, 0x4e00, 0x9fff) || in(cp, 0x3400, 0x4dbf) ||
	       in(cp, 0x20000, 0x3134f) || in(cp, 0xf900, 0xfaff) ||
	       in(cp, 0x3005, 0x3007) || cp == 0x303b ||
	       in(cp, 0x3041, 0x3098) || in(cp, 0x309d, 0x309f) ||
	       in(cp, 0x30a1, 0x30fa) || in(cp, 0x30fc, 0x30ff) ||
	       in(cp, 0x31f0, 0x31ff) || in(cp, 0xff66, 0xff9d) ||
	       in(cp, 0xac00, 0xd7a3) || in(cp, 0x1100, 0x11ff) ||
	       in(cp, 0x3131, 0x318e) || in(cp, 0xffa0, 0xffdc);
}

static int is_ignorable(uint32_t cp)
{
	return in(cp, 0x0300, 0x036f) || cp == 0x00ad || cp == 0x200c ||
	       cp == 0x200d || cp == 0x2060 || cp == 0xfeff ||
	       in(cp, 0xfe00, 0xfe0f) || in(cp, 0xe0100, 0xe01ef) ||
	       in(cp, 0x3099, 0x309c) || in(cp, 0xff9e, 0xff9f);
}

/* Lower-cases Greek and Cyrillic capitals; other code points unchanged. */
static uint32_t lower_greek_cyrillic(uint32_t cp)
{
	if (in(cp, 0x0391, 0x03a9) && cp != 0x03a2)
		return cp + 0x20;
	if (cp == 0x03c2)
		return 0x03c3;
	if (cp == 0x0386)
		return 0x03ac;
	if (in(cp, 0x0388, 0x038a))
		return cp + 0x25;
	if (cp == 0x038c)
		return 0x03cc;
	if (in(cp, 0x038e, 0x038f))
		return cp + 0x3f;
	if (in(cp, 0x0400, 0x040f))
		return cp + 0x50;
	if (in(cp, 0x0410, 0x042f))
		return cp + 0x20;
	if ((in(cp, 0x0460, 0x0481) || in(cp, 0x048a, 0x04bf) ||
	     in(cp, 0x04d0, 0x04ff)) && cp % 2 == 0)
		return cp + 1;
	if (in(cp, 0x04c1, 0x04ce) && cp % 2 == 1)
		return cp + 1;
	if (cp == 0x04c0)
		return 0x04cf;
	return cp;
}

/* The class of cp and, for letters, digits and CJK, its folded form. */
static enum cls classify(uint32_t cp, struct folded *f)
{
	char c;

	f->n = 0;
	if (in(cp, 0xff01, 0xff5e))
		cp -= 0xfee0; /* full-width ASCII */
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
			f->s[0] = (char)cp;
			f->n = 1;
			return cp <= '9' ? C_DIGIT : C_LETTER;
		}
		return C_SEP;
	}
	if (cp < 0x0100) {
		if (cp == 0xb2 || cp == 0xb3 || cp == 0xb9) {
			f->s[0] = cp == 0xb9 ? '1' : (char)('0' + cp - 0xb0);
			f->n = 1;
			return C_DIGIT;
		}
		if (cp == 0xaa || cp == 0xba) {
			f->s[0] = cp == 0xaa ? 'a' : 'o';
			f->n = 1;
			return C_LETTER;
		}
		if (cp == 0xb5) {
			put_cp(f, 0x03bc);
			return C_LETTER;
		}
		if (cp == 0xad)
			return C_IGNORE;
		if (cp < 0xc0)
			return C_SEP;
		c = latin_1[cp - 0xc0];
		if (c == '*')
			return C_SEP;
		if (c >= '1' && c <= '3')
			put_ascii(f, latin_1_exp[c - '0']);
		else
			put_ascii(f, (char[2]){ c, 0 });
		return C_LETTER;
	}
	if (cp < 0x0180) {
		c = latin_ext_a[cp - 0x100];
		put_ascii(f, c == '1' ? "ij" : c == '2' ? "oe" : (char[2]){ c, 0 });
		return C_LETTER;
	}
	if (in(cp, 0x01cd, 0x01dc)) {
		put_ascii(f, (char[2]){ pinyin[cp - 0x1cd], 0 });
		return C_LETTER;
	}
	if (cp < 0x02b0) {
		put_cp(f, cp);
		return C_LETTER;
	}
	if (cp < 0x0370)
		return is_ignorable(cp) ? C_IGNORE : C_SEP;
	if (cp < 0x0500) {
		if (cp == 0x037e || cp == 0x0387 || cp == 0x0482 || cp == 0x0375 ||
		    in(cp, 0x0384, 0x0385))
			return C_SEP;
		if (in(cp, 0x0483, 0x0489))
			return C_IGNORE;
		put_cp(f, lower_greek_cyrillic(cp));
		return C_LETTER;
	}
	if (cp < 0x1e00) {
		if (is_cjk(cp)) {
			put_cp(f, cp);
			return C_CJK;
		}
		put_cp(f, cp);
		return C_LETTER;
	}
	if (cp < 0x2000) {
		if (cp >= 0x1f00) {
			put_cp(f, cp); /* Greek Extended, not folded */
		} else if (cp == 0x1e9e) {
			put_ascii(f, "ss");
		} else {
			if ((cp <= 0x1e95 || cp >= 0x1ea0) && cp % 2 == 0)
				cp++;
			put_cp(f, cp);
		}
		return C_LETTER;
	}
	if (cp == 0x2070 || in(cp, 0x2074, 0x2079) || in(cp, 0x2080, 0x2089)) {
		f->s[0] = (char)('0' + (cp & 0x0f));
		f->n = 1;
		return C_DIGIT;
	}
	if (in(cp, 0x2160, 0x217f)) {
		put_ascii(f, roman[(cp - 0x2160) & 0x0f]);
		return C_LETTER;
	}
	if (in(cp, 0xfb00, 0xfb06)) {
		put_ascii(f, ligature[cp - 0xfb00]);
		return C_LETTER;
	}
	if (is_ignorable(cp))
		return C_IGNORE;
	if (is_cjk(cp)) {
		put_cp(f, cp);
		return C_CJK;
	}
	return C_SEP;
}

/* The tokenizer's state between code points. */
struct tk {
	enum tok_mode mode;
	size_t max_bytes, max_tokens;
	tok_emit_fn emit;
	void *ud;
	size_t count;   /* tokens emitted */
	size_t pos;     /* position of the next non-colocated token */
	enum cls run;   /* C_SEP when no run is open */
	size_t start;   /* where the run (word) or the previous CJK char starts */
	size_t end;     /* where it ends so far */
	char word[TOK_TOKEN_BYTES_CAP + 8];
	size_t wlen;
	int cut;        /* the word reached max_bytes: later letters dropped */
	/* CJK: the previous character, and how long the run is */
	char prev[8];
	int prevlen;
	size_t nchars;
};

static int emit(struct tk *t, const char *s, size_t len, size_t start, size_t end,
		enum tok_kind kind, unsigned flags)
{
	struct tok_token tok;
	char buf[TOK_TOKEN_BYTES_CAP + 8];

	if (t->count >= t->max_tokens)
		return DIP_ELIMIT;
	memcpy(buf, s, len);
	buf[len] = '\0';
	tok.text = buf;
	tok.len = len;
	tok.start = start;
	tok.end = end;
	tok.kind = kind;
	tok.flags = flags;
	if (flags & TOK_COLOCATED) {
		tok.pos = t->pos - 1;
	} else {
		tok.pos = t->pos;
		t->pos++;
	}
	t->count++;
	return t->emit(t->ud, &tok);
}

/* Closes the open run, emitting what it still owes. */
static int flush(struct tk *t)
{
	enum cls run = t->run;

	t->run = C_SEP;
	switch (run) {
	case C_LETTER:
	case C_DIGIT:
		return emit(t, t->word, t->wlen, t->start, t->end,
			    run == C_LETTER ? TOK_WORD : TOK_NUMBER, 0);
	case C_CJK:
		if (t->nchars == 1)
			return emit(t, t->prev, (size_t)t->prevlen, t->start, t->end,
				    TOK_CJK_SINGLE, 0);
		if (t->mode == TOK_INDEX)
			return emit(t, t->prev, (size_t)t->prevlen, t->start, t->end,
				    TOK_CJK_SINGLE, TOK_COLOCATED);
		return 0;
	default:
		return 0;
	}
}

static int step(struct tk *t, enum cls c, const struct folded *f, size_t at, size_t n)
{
	char pair[16];
	int rc;

	if (c == C_IGNORE) {
		if (t->run != C_SEP)
			t->end = at + n;
		return 0;
	}
	if (c != t->run) {
		rc = flush(t);
		if (rc)
			return rc;
		if (c == C_SEP)
			return 0;
		t->run = c;
		t->start = at;
		t->wlen = 0;
		t->cut = 0;
		t->nchars = 0;
	}
	if (c == C_CJK) {
		if (t->nchars > 0) {
			memcpy(pair, t->prev, (size_t)t->prevlen);
			memcpy(pair + t->prevlen, f->s, (size_t)f->n);
			rc = emit(t, pair, (size_t)(t->prevlen + f->n), t->start, at + n,
				  TOK_CJK_PAIR, 0);
			if (rc)
				return rc;
		}
		memcpy(t->prev, f->s, (size_t)f->n);
		t->prevlen = f->n;
		t->nchars++;
		t->start = at;
		t->end = at + n;
		return 0;
	}
	/* A word past the cut length keeps its offsets but no more text. */
	if (!t->cut && t->wlen + (size_t)f->n <= t->max_bytes) {
		memcpy(t->word + t->wlen, f->s, (size_t)f->n);
		t->wlen += (size_t)f->n;
	} else {
		t->cut = 1;
	}
	t->end = at + n;
	return 0;
}

int tok_run(const char *text, size_t len, enum tok_mode mode,
	    const struct tok_limits *lim, tok_emit_fn emit_fn, void *ud)
{
	const unsigned char *p = (const unsigned char *)text;
	struct tk t;
	struct folded f;
	size_t i = 0;
	uint32_t cp;
	enum cls c;
	int k, rc = 0;

	memset(&t, 0, sizeof(t));
	t.max_bytes = lim && lim->max_token_bytes ? lim->max_token_bytes : TOK_MAX_TOKEN_BYTES;
	if (t.max_bytes < 8 || t.max_bytes > TOK_TOKEN_BYTES_CAP)
		return DIP_EINVAL;
	t.mode = mode;
	t.max_tokens = lim && lim->max_tokens ? lim->max_tokens : TOK_MAX_TOKENS;
	t.emit = emit_fn;
	t.ud = ud;
	t.run = C_SEP;
	while (i < len) {
		if (p[i] < 0x80) {
			k = 1;
			c = classify(p[i], &f);
		} else if ((k = utf8_decode(p + i, len - i, &cp)) == 0) {
			k = 1;
			c = C_SEP;
		} else if (cp >= 0x4e00 && cp <= 0x9fff) {
			/* The common ideographs, most of a Chinese text: CJK,
			 * folded to their own (shortest, so the same) bytes. */
			c = C_CJK;
			memcpy(f.s, p + i, 3);
			f.n = 3;
		} else {
			c = classify(cp, &f);
		}
		rc = step(&t, c, &f, i, (size_t)k);
		if (rc)
			goto out;
		i += (size_t)k;
	}
	rc = flush(&t);
out:
	return rc;
}

struct tsv {
	struct dbuf *out;
	int first;
	size_t base;  /* added to every position */
	size_t last;  /* the last position written, before the cap */
};

static int tsv_emit(void *ud, const struct tok_token *t)
{
	struct tsv *v = ud;
	size_t pos = v->base + t->pos + 1 > 16383 ? 16383 : v->base + t->pos + 1;
	int rc = 0;

	v->last = v->base + t->pos + 1;

	if (!v->first)
		rc = dbuf_addc(v->out, ' ');
	v->first = 0;
	if (rc == 0)
		rc = tok_pg_quote(v->out, t->text, t->len);
	if (rc == 0)
		rc = dbuf_addf(v->out, ":%zu", pos);
	return rc;
}

int tok_tsvector(const char *text, size_t len, struct dbuf *out)
{
	struct tsv v = { out, 1, 0, 0 };

	return tok_run(text, len, TOK_INDEX, NULL, tsv_emit, &v);
}

int tok_tsvector_at(const char *text, size_t len, size_t *pos, struct dbuf *out)
{
	struct tsv v = { out, out->len == 0, *pos, *pos };
	int rc = tok_run(text, len, TOK_INDEX, NULL, tsv_emit, &v);

	*pos = v.last;
	return rc;
}

int tok_pg_quote(struct dbuf *out, const char *s, size_t len)
{
	size_t i;
	int rc = dbuf_addc(out, '\'');

	for (i = 0; rc == 0 && i < len; i++) {
		if (s[i] == '\'')
			rc = dbuf_add(out, "''", 2);
		else if (s[i] == '\\')
			rc = dbuf_add(out, "\\\\", 2);
		else
			rc = dbuf_addc(out, s[i]);
	}
	if (rc == 0)
		rc = dbuf_addc(out, '\'');
	return rc;
}
