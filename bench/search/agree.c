/*
 * agree.c - do SQLite FTS5 and PostgreSQL find the same records?
 *
 * DESIGN.md §6 promises that both backends return the same results.  This
 * program makes a register of mixed records (pieces of realistic names in
 * Chinese, English, full-width and accented forms, joined by spaces and
 * punctuation) and random queries cut out of those records (substrings of
 * one to five characters, phrases, exclusions, OR), then prints either
 *
 *   agree fts5 N Q   one line "qNNN ids" per query, from SQLite FTS5 with
 *                    the dipreg tokenizer and qry_to_fts5
 *   agree pg N Q     an SQL script that prints the same lines from
 *                    PostgreSQL, with tok_tsvector and qry_to_tsquery
 *
 * bench/search/agree.sh runs both and compares.  Not built by make.
 */
#include "domain/query.h"
#include "domain/tokenize.h"
#include "store/fts5_tokenizer.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/utf8.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

#define PICK(a) (a[rnd(sizeof(a) / sizeof(a[0]))])

static const char *const pieces[] = {
	"北京市", "上海", "公共交通", "客流", "数据集", "数据", "出租车", "GPS", "轨迹", "Taxi",
	"集装箱", "吞吐量", "港", "股", "A股", "上市公司", "管理局", "有限公司", "气象", "观测",
	"空气质量", "PM2.5", "container", "throughput", "Shanghai", "port", "ＡＢＣ", "１２３",
	"GB/T 4754", "GB4754", "2023", "Café", "STRASSE", "Straße", "ソフトウェア", "서울",
	"交通运输", "运输", "输局", "京津冀", "区域", "天津港", "长江航运", "充电桩", "新能源",
	"（试行）", "Ⅻ期", "data", "Data-set", "x86_64",
};
static const char *const seps[] = { "", "", "", " ", " ", "，", "、", "-", "/", "·", "　" };

static char *make_record(void)
{
	struct dbuf b;
	int i, n = 2 + (int)rnd(8);

	dbuf_init(&b, 0);
	for (i = 0; i < n; i++) {
		if (i)
			dbuf_adds(&b, PICK(seps));
		dbuf_adds(&b, PICK(pieces));
	}
	return dbuf_detach(&b, NULL);
}

/* A substring of 1..5 characters of s, on character boundaries. */
static void cut(struct dbuf *out, const char *s)
{
	size_t n = utf8_count(s, strlen(s)), from = rnd((uint32_t)n), len = 1 + rnd(5), i = 0, k = 0;
	const char *a = NULL, *p = s;

	for (; *p; p++) {
		if (((unsigned char)*p & 0xc0) == 0x80)
			continue;
		if (i == from)
			a = p;
		if (i == from + len)
			break;
		i++;
	}
	if (a)
		k = (size_t)(p - a);
	dbuf_add(out, a ? a : "", k);
}

static void make_query(struct dbuf *q, char **recs, int nrec)
{
	int i, n = 1 + (int)rnd(3);

	dbuf_reset(q);
	for (i = 0; i < n; i++) {
		if (i)
			dbuf_adds(q, rnd(5) == 0 ? " OR " : " ");
		if (i && rnd(4) == 0)
			dbuf_addc(q, '-');
		if (rnd(4) == 0) {
			dbuf_addc(q, '"');
			cut(q, recs[rnd((uint32_t)nrec)]);
			dbuf_addc(q, ' ');
			cut(q, recs[rnd((uint32_t)nrec)]);
			dbuf_addc(q, '"');
		} else {
			cut(q, recs[rnd((uint32_t)nrec)]);
		}
	}
}

static int fts5(char **recs, int nrec, int nq)
{
	sqlite3 *db;
	sqlite3_stmt *ins, *sel;
	struct dbuf q, m;
	struct qry *p;
	int i, printed;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK || fts_register(db, NULL) != 0)
		return 1;
	sqlite3_exec(db, "CREATE VIRTUAL TABLE r USING fts5(t, tokenize='dipreg')", NULL, NULL,
		     NULL);
	sqlite3_prepare_v2(db, "INSERT INTO r(rowid, t) VALUES (?1, ?2)", -1, &ins, NULL);
	for (i = 0; i < nrec; i++) {
		sqlite3_bind_int(ins, 1, i + 1);
		sqlite3_bind_text(ins, 2, recs[i], -1, SQLITE_STATIC);
		sqlite3_step(ins);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	sqlite3_prepare_v2(db, "SELECT rowid FROM r WHERE r MATCH ?1 ORDER BY rowid", -1, &sel,
			   NULL);
	dbuf_init(&q, 0);
	dbuf_init(&m, 0);
	for (i = 0; i < nq; i++) {
		make_query(&q, recs, nrec);
		if (qry_parse(q.p, q.len, NULL, &p, NULL, NULL) != 0)
			continue;
		dbuf_reset(&m);
		qry_to_fts5(p, &m);
		qry_free(p);
		sqlite3_bind_text(sel, 1, m.p, -1, SQLITE_STATIC);
		printf("q%04d ", i);
		printed = 0;
		while (sqlite3_step(sel) == SQLITE_ROW)
			printf("%s%d", printed++ ? "," : "", sqlite3_column_int(sel, 0));
		printf("\t%s\n", q.p);
		sqlite3_reset(sel);
	}
	sqlite3_finalize(sel);
	sqlite3_close(db);
	dbuf_free(&q);
	dbuf_free(&m);
	return 0;
}

/* Appends s as an SQL string literal. */
static void sql_str(struct dbuf *out, const char *s)
{
	dbuf_addc(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			dbuf_addc(out, '\'');
		dbuf_addc(out, *s);
	}
	dbuf_addc(out, '\'');
}

static int pg(char **recs, int nrec, int nq)
{
	struct dbuf q, t, line;
	struct qry *p;
	int i;

	dbuf_init(&q, 0);
	dbuf_init(&t, 0);
	dbuf_init(&line, 0);
	printf("\\set ON_ERROR_STOP 1\n\\pset tuples_only on\n\\pset format unaligned\n"
	       "\\pset fieldsep ' '\nSET client_min_messages = warning;\n"
	       "DROP TABLE IF EXISTS r;\nCREATE TABLE r (id int PRIMARY KEY, t text, v tsvector);\n");
	for (i = 0; i < nrec; i++) {
		dbuf_reset(&t);
		tok_tsvector(recs[i], strlen(recs[i]), &t);
		dbuf_reset(&line);
		dbuf_addf(&line, "INSERT INTO r VALUES (%d, ", i + 1);
		sql_str(&line, recs[i]);
		dbuf_adds(&line, ", ");
		sql_str(&line, t.p ? t.p : "");
		dbuf_adds(&line, "::tsvector);\n");
		fputs(line.p, stdout);
	}
	for (i = 0; i < nq; i++) {
		make_query(&q, recs, nrec);
		if (qry_parse(q.p, q.len, NULL, &p, NULL, NULL) != 0)
			continue;
		dbuf_reset(&t);
		qry_to_tsquery(p, &t);
		qry_free(p);
		dbuf_reset(&line);
		dbuf_addf(&line, "SELECT 'q%04d', coalesce(string_agg(id::text, ',' ORDER BY id), '')"
			  " FROM r WHERE v @@ ", i);
		sql_str(&line, t.p);
		dbuf_adds(&line, "::tsquery;\n");
		fputs(line.p, stdout);
	}
	dbuf_free(&q);
	dbuf_free(&t);
	dbuf_free(&line);
	return 0;
}

int main(int argc, char **argv)
{
	int nrec = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 2000;
	int nq = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 2000;
	char **recs;
	int i, rc;

	if (argc < 2 || nrec <= 0 || nq <= 0) {
		fprintf(stderr, "usage: agree fts5|pg [RECORDS [QUERIES]]\n");
		return 2;
	}
	recs = calloc((size_t)nrec, sizeof(*recs));
	if (recs == NULL)
		return 1;
	for (i = 0; i < nrec; i++)
		recs[i] = make_record();
	rc = strcmp(argv[1], "pg") == 0 ? pg(recs, nrec, nq) : fts5(recs, nrec, nq);
	for (i = 0; i < nrec; i++)
		free(recs[i]);
	free(recs);
	return rc;
}
