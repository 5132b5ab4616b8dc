/*
 * fts5_tokenizer.c - glue between SQLite FTS5 and domain/tokenize.c, and
 * the auxiliary function that tells where a row's phrases occur.
 *
 * FTS5 hands out its API only through "SELECT fts5(?1)" with a pointer
 * bound under the type "fts5_api_ptr"; the tokenizer object it creates per
 * table holds nothing, since the domain tokenizer has no state between
 * calls.  See fts5_tokenizer.h for the contract.
 */
#include "store/fts5_tokenizer.h"

#include "domain/tokenize.h"
#include "util/err.h"

#include <limits.h>
#include <stdlib.h>

/* What xTokenize's callback needs to call FTS5 back. */
struct fts_call {
	void *ctx;
	int (*xToken)(void *, int, const char *, int, int, int);
	int rc; /* an SQLite code from xToken, when it stopped us */
};

/* One byte for every table: FTS5 wants a non-NULL handle. */
static char fts_handle;

static int fts_create(void *ud, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)ud;
	(void)argv;
	if (argc != 0)
		return SQLITE_ERROR; /* the dipreg tokenizer takes no arguments */
	*out = (Fts5Tokenizer *)&fts_handle;
	return SQLITE_OK;
}

static void fts_delete(Fts5Tokenizer *t)
{
	(void)t;
}

static int fts_emit(void *ud, const struct tok_token *t)
{
	struct fts_call *c = ud;
	int rc;

	if (t->end > INT_MAX)
		return DIP_ELIMIT; /* SQLite texts are shorter; never reached */
	rc = c->xToken(c->ctx, (t->flags & TOK_COLOCATED) ? FTS5_TOKEN_COLOCATED : 0,
		       t->text, (int)t->len, (int)t->start, (int)t->end);
	if (rc != SQLITE_OK) {
		c->rc = rc;
		return DIP_EDB;
	}
	return 0;
}

static int fts_tokenize(Fts5Tokenizer *tk, void *ctx, int flags, const char *text, int len,
			int (*xToken)(void *, int, const char *, int, int, int))
{
	struct fts_call c = { ctx, xToken, SQLITE_OK };
	enum tok_mode mode = (flags & FTS5_TOKENIZE_QUERY) ? TOK_QUERY : TOK_INDEX;
	int rc;

	(void)tk;
	if (len <= 0)
		return SQLITE_OK;
	rc = tok_run(text, (size_t)len, mode, NULL, fts_emit, &c);
	if (rc == DIP_EDB)
		return c.rc;
	if (rc == DIP_ELIMIT)
		return SQLITE_OK; /* indexed up to TOK_MAX_TOKENS (header) */
	return rc == 0 ? SQLITE_OK : SQLITE_ERROR;
}

static fts5_api *fts_api(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	fts5_api *api = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
out:
	sqlite3_finalize(st);
	return api;
}

/* FTS_COLUMNS_NAME(table): for each phrase of the row's MATCH expression,
 * one byte, bit c set when the phrase occurs in column c (c < 8).  FTS5
 * has the positions at hand while it matches; reading them back costs far
 * less than fetching the row's text and finding the phrases again. */
static void fts_columns(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
			int nval, sqlite3_value **val)
{
	Fts5PhraseIter it;
	unsigned char *cols;
	int n = api->xPhraseCount(fts), i, col, rc = SQLITE_OK;

	(void)val;
	if (nval != 0) {
		sqlite3_result_error(ctx, FTS_COLUMNS_NAME "() takes no arguments", -1);
		return;
	}
	cols = sqlite3_malloc(n > 0 ? n : 1);
	if (cols == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (i = 0; rc == SQLITE_OK && i < n; i++) {
		cols[i] = 0;
		rc = api->xPhraseFirstColumn(fts, i, &it, &col);
		for (; rc == SQLITE_OK && col >= 0 && col < 8; api->xPhraseNextColumn(fts, &it, &col))
			cols[i] |= (unsigned char)(1u << col);
	}
	if (rc != SQLITE_OK) {
		sqlite3_free(cols);
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	sqlite3_result_blob(ctx, cols, n, sqlite3_free);
}

int fts_register(sqlite3 *db, struct dip_error *e)
{
	static fts5_tokenizer tokenizer = { fts_create, fts_delete, fts_tokenize };
	fts5_api *api = fts_api(db);
	int rc;

	if (api == NULL || api->iVersion < 2)
		return dip_fail(e, DIP_EDB, "", "sqlite has no usable fts5 module: %s",
				sqlite3_errmsg(db));
	rc = api->xCreateTokenizer(api, FTS_TOKENIZER_NAME, NULL, &tokenizer, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, FTS_COLUMNS_NAME, NULL, fts_columns, NULL);
	if (rc != SQLITE_OK)
		return dip_fail(e, DIP_EDB, "", "registering the fts5 tokenizer failed: %s",
				sqlite3_errstr(rc));
	return 0;
}
