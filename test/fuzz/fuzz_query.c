/*
 * fuzz_query.c - libFuzzer harness for the search box: the query parser,
 * both emitters and the tokenizer under them, fed arbitrary bytes.
 *
 * Beyond the sanitizers it checks what the rest of dipreg relies on:
 * tokens have sane offsets and are stable when tokenized again; a refused
 * query says why and where; an accepted one renders to an FTS5 expression
 * made only of quoted strings and our own operators, and to a tsquery with
 * balanced parentheses.  Built with -DFUZZ_SQLITE (and linked with SQLite
 * and src/store/fts5_tokenizer.c) it also runs every expression as a
 * MATCH, which must never be an SQLite error.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
 *     test/fuzz/fuzz_query.c src/domain/query.c src/domain/tokenize.c \
 *     src/util/buf.c src/util/err.c src/util/utf8.c -o fuzz_query
 *   ./fuzz_query -max_total_time=60 test/fuzz/corpus/query
 */
#include "domain/query.h"
#include "domain/tokenize.h"
#include "util/buf.h"
#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef FUZZ_SQLITE
#include "store/fts5_tokenizer.h"
#include <sqlite3.h>
#endif

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

struct seen {
	size_t size;
	size_t n;
	size_t last_start;
};

static int again(void *ud, const struct tok_token *t)
{
	const char **want = ud;

	CHECK(*want != NULL && strcmp(*want, t->text) == 0);
	*want = NULL; /* exactly one token */
	return 0;
}

static int check_token(void *ud, const struct tok_token *t)
{
	struct seen *s = ud;
	const char *want = t->text;

	CHECK(t->len > 0 && t->len <= TOK_MAX_TOKEN_BYTES && strlen(t->text) == t->len);
	CHECK(t->start < t->end && t->end <= s->size);
	CHECK(s->n == 0 || t->start >= s->last_start || (t->flags & TOK_COLOCATED));
	CHECK(s->n > 0 || !(t->flags & TOK_COLOCATED));
	s->last_start = t->start;
	s->n++;
	CHECK(tok_run(t->text, t->len, TOK_QUERY, NULL, again, &want) == 0);
	CHECK(want == NULL);
	return 0;
}

/* Only "..." strings (with "" inside) and AND OR NOT + * ( ). */
static int fts5_safe(const char *s)
{
	static const char *const ops[] = { " AND ", " OR ", " NOT ", " + ", "(", ")", "*" };
	size_t i;
	int depth = 0;

	while (*s) {
		if (*s == '"') {
			for (s++; *s && !(*s == '"' && s[1] != '"'); s++)
				if (*s == '"')
					s++;
			if (*s != '"')
				return 0;
			s++;
			continue;
		}
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			if (strncmp(s, ops[i], strlen(ops[i])) == 0)
				break;
		if (i == sizeof(ops) / sizeof(ops[0]))
			return 0;
		depth += *s == '(' ? 1 : *s == ')' ? -1 : 0;
		if (depth < 0)
			return 0;
		s += strlen(ops[i]);
	}
	return depth == 0;
}

static int tsquery_balanced(const char *s)
{
	int depth = 0, quoted = 0;

	for (; *s; s++) {
		if (*s == '\'' && quoted && s[1] == '\'')
			s++;
		else if (*s == '\'')
			quoted = !quoted;
		else if (*s == '\\' && quoted && s[1])
			s++;
		else if (!quoted && (*s == '(' || *s == ')'))
			depth += *s == '(' ? 1 : -1;
		if (depth < 0)
			return 0;
	}
	return depth == 0 && !quoted;
}

#ifdef FUZZ_SQLITE
static sqlite3 *db;

static void run_match(const char *expr)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (db == NULL) {
		CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
		CHECK(fts_register(db, NULL) == 0);
		CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(a, tokenize='dipreg');"
				   "INSERT INTO t VALUES ('北京市Taxi GPS轨迹数据集2023'),"
				   "('Shanghai port container throughput');",
				   NULL, NULL, NULL) == SQLITE_OK);
	}
	CHECK(sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1", -1, &st, NULL) ==
	      SQLITE_OK);
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	CHECK(rc == SQLITE_DONE);
	sqlite3_finalize(st);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *q = (const char *)data;
	struct seen s = { size, 0, 0 };
	struct qry *p = NULL;
	struct qry_diag d;
	struct dip_error e;
	struct dbuf a, b;
	int rc;

	CHECK(tok_run(q, size, TOK_INDEX, NULL, check_token, &s) == 0 || size > 60000);
	s.n = 0;
	CHECK(tok_run(q, size, TOK_QUERY, NULL, check_token, &s) == 0 || size > 60000);

	dip_error_clear(&e);
	rc = qry_parse(q, size, NULL, &p, &d, &e);
	if (rc != 0) {
		CHECK(rc == DIP_EINVAL || rc == DIP_ELIMIT);
		CHECK(p == NULL && e.code == rc && e.message[0] != '\0');
		CHECK(d.reason != QRY_OK && d.byte <= size && d.chr <= d.byte);
		return 0;
	}
	CHECK(qry_token_count(p) > 0);
	dbuf_init(&a, 1 << 16);
	dbuf_init(&b, 1 << 16);
	CHECK(qry_to_fts5(p, &a) == 0);
	CHECK(qry_to_tsquery(p, &b) == 0);
	CHECK(fts5_safe(a.p));
	CHECK(tsquery_balanced(b.p));
#ifdef FUZZ_SQLITE
	run_match(a.p);
#endif
	dbuf_free(&a);
	dbuf_free(&b);
	qry_free(p);
	return 0;
}
