/*
 * search.c - searching the public register (Art. 20, DESIGN.md §6).
 *
 * Indexing.  svc__search_index() runs in the transaction of every act that
 * changes a public record: publication (Art. 10), registration (Art. 12),
 * every new certificate version (renewal, change, transfer), cancellation,
 * revocation and expiry, and the end of a publication by refusal or
 * withdrawal.  It indexes the record as the public sees it
 * (svc__public_record): during publication the Art. 10 items (name,
 * applicants, scenario, data source description, algorithm summary),
 * after announcement the register entry (those items, the industry, the
 * certificate and registration numbers and the dataset fingerprint).
 * Cancelled and revoked registrations stay findable with their status.
 * Drafts, submissions, refusals and withdrawals are never in the index, and
 * neither is a confidential field.
 *
 * Searching.  The store finds the keys of matching documents, newest
 * first; everything else is computed here, the same way whatever the
 * backend:
 *   - count and facets: the first SEARCH_COUNT_LIMIT + 1 keys.  At most
 *     that many, the total and the facets are exact; past it the total is
 *     estimated from how far back in time the limit reached (the day counts
 *     of the whole index) and the facets are scaled to it, flagged
 *     "total_exact": false.  The unfiltered register's counts are kept by
 *     the store and exact.
 *   - relevance: the newest SEARCH_WINDOW matches are ranked by
 *     rank_score() (domain/rank.h), ties newest first; older matches
 *     follow, newest first.  Ranking every match of a word in most records
 *     costs seconds at a million records; ranking a bounded window costs
 *     milliseconds, and for any query with fewer matches than the window
 *     the order is exact.
 *   - pages: keyset cursors.  A relevance cursor keeps the window's
 *     boundary, so every page ranks the same window and a static register
 *     is visited once, each record exactly once.
 *   - exact lookup: a 17-digit certificate number, a 16-character
 *     registration number or a dataset fingerprint finds its record(s)
 *     directly.
 */
#include "service/internal.h"
#include "domain/query.h"
#include "domain/rank.h"
#include "domain/tokenize.h"
#include "util/jsontext.h"
#include "util/utf8.h"

#include <pthread.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_INDEX_VERSION "1"

/* ---- indexing ----------------------------------------------------------- */

static int is_public(enum app_state s)
{
	return s == APP_PUBLICATION || s == APP_OBJECTION || s == APP_REGISTERED ||
	       s == APP_CANCELLED || s == APP_REVOKED;
}

static int is_publication(enum app_state s)
{
	return s == APP_PUBLICATION || s == APP_OBJECTION;
}

static void add_line(struct dbuf *b, const char *s)
{
	if (s == NULL || *s == '\0')
		return;
	if (b->len)
		dbuf_addc(b, '\n');
	dbuf_adds(b, s);
}

static const char *jpath(const json_t *o, const char *path)
{
	return app_get_str(o, path);
}

int svc__search_index(struct svc *v, const struct app_ctx *c, struct dip_error *e)
{
	enum app_view view = is_publication(c->a.state) ? APP_VIEW_PUBLICATION : APP_VIEW_REGISTER;
	struct search_holder hs[SEARCH_MAX_HOLDERS];
	struct search_keyinfo k;
	struct search_doc d;
	struct dbuf holder, body;
	const struct industry *ind;
	json_t *rec, *content, *h;
	size_t i;
	int rc;

	if (!is_public(c->a.state))
		return svc__st(v, v->st->search_delete(v->st, c->a.id), e);
	memset(&d, 0, sizeof(d));
	memset(&k, 0, sizeof(k));
	/* Only what the public record shows goes in, so nothing confidential
	 * can (app_content_public drops those fields). */
	rec = svc__public_record(v, c, view);
	content = json_object_get(rec, "content");
	dbuf_init(&holder, 0);
	dbuf_init(&body, 0);
	json_array_foreach(json_object_get(rec, view == APP_VIEW_PUBLICATION ? "applicants" : "holders"),
			   i, h) {
		add_line(&holder, json_string_value(json_object_get(h, "name")));
		if (d.nholders < SEARCH_MAX_HOLDERS) {
			memset(&hs[d.nholders], 0, sizeof(hs[0]));
			snprintf(hs[d.nholders].name, sizeof(hs[0].name), "%s",
				 json_string_value(json_object_get(h, "name")));
			/* The register shows a legal person's or organisation's
			 * credit code unmasked, a citizen number masked. */
			if (i < (size_t)c->nparties && c->parties[i].kind != PARTY_NATURAL)
				snprintf(hs[d.nholders].code, sizeof(hs[0].code), "%s",
					 c->parties[i].id_number);
			d.nholders++;
		}
	}
	add_line(&body, jpath(content, "scenario"));
	add_line(&body, jpath(content, "source.description"));
	add_line(&body, jpath(content, "algorithm.summary"));
	k.app_id = c->a.id;
	k.status = c->a.state;
	if (view == APP_VIEW_PUBLICATION) {
		k.day = time_day(c->a.published_at, v->reg->zone);
	} else {
		k.day = c->a.reg_day;
		add_line(&body, json_string_value(json_object_get(rec, "industry_name")));
		add_line(&body, c->a.cert_no);
		add_line(&body, c->a.reg_no);
		ind = industry_find(&v->reg->industries, c->a.industry);
		if (ind) {
			snprintf(d.industry, sizeof(d.industry), "%s", c->a.industry);
			k.section = ind->section;
			if (isdigit((unsigned char)c->a.industry[0]))
				k.division = (c->a.industry[0] - '0') * 10 + (c->a.industry[1] - '0');
		}
		snprintf(d.cert_no, sizeof(d.cert_no), "%s", c->a.cert_no);
		snprintf(d.reg_no, sizeof(d.reg_no), "%s", c->a.reg_no);
		snprintf(d.fingerprint, sizeof(d.fingerprint), "%s",
			 jpath(content, "evidence.fingerprint") ? jpath(content, "evidence.fingerprint")
								: "");
	}
	d.key = store_search_key(&k);
	d.holders = hs;
	d.name = jpath(content, "name") ? jpath(content, "name") : c->a.name;
	d.holder = holder.p ? holder.p : "";
	d.body = body.p ? body.p : "";
	if (d.key < 0)
		rc = dip_fail(e, DIP_ELIMIT, "", "search: application %lld cannot be indexed "
			      "(id or date out of range)", (long long)c->a.id);
	else
		rc = svc__st(v, v->st->search_put(v->st, &d), e);
	dbuf_free(&holder);
	dbuf_free(&body);
	json_decref(rec);
	return rc;
}

struct rebuild_ctx {
	int64_t ids[256];
	int n;
	int64_t last;
};

static int collect_id(void *ud, const struct application *a)
{
	struct rebuild_ctx *r = ud;

	r->last = a->id;
	if (r->n < 256)
		r->ids[r->n++] = a->id;
	return 0;
}

int svc_search_rebuild(struct svc *v, int64_t *indexed, struct dip_error *e)
{
	struct rebuild_ctx r;
	struct app_filter f;
	struct app_ctx c;
	int64_t count = 0;
	int i, rc;

	rc = svc__begin(v, e);
	if (rc)
		return rc;
	rc = svc__st(v, v->st->search_clear(v->st), e);
	memset(&f, 0, sizeof(f));
	f.states = 1u << APP_PUBLICATION | 1u << APP_OBJECTION | 1u << APP_REGISTERED |
		   1u << APP_CANCELLED | 1u << APP_REVOKED;
	f.limit = 256;
	while (rc == 0) {
		memset(&r, 0, sizeof(r));
		rc = svc__st(v, v->st->app_list(v->st, &f, collect_id, &r), e);
		for (i = 0; rc == 0 && i < r.n; i++) {
			rc = svc__load_raw(v, r.ids[i], &c, e);
			if (rc == 0)
				rc = svc__search_index(v, &c, e);
			if (rc == 0)
				count++;
			svc__release(&c);
		}
		if (r.n < f.limit)
			break;
		f.after_id = r.last;
	}
	if (rc == 0)
		rc = svc__st(v, v->st->setting_put(v->st, "search_index", SEARCH_INDEX_VERSION), e);
	if (rc) {
		svc__rollback(v);
		return rc;
	}
	rc = svc__commit(v, e);
	if (rc == 0)
		rc = svc__begin(v, e);
	if (rc == 0)
		rc = svc__finish(v, svc__st(v, v->st->search_optimize(v->st), e), e);
	if (rc == 0 && indexed)
		*indexed = count;
	return rc;
}

/* Nothing committed since the last read (the store's generation stands,
 * store.h): the index's generation is what it was, without asking.  A
 * process that writes the database without announcing it is seen at the
 * next read, at least once a second, as the record cache sees it. */
int svc_search_generation(struct svc *v, int64_t *gen, struct dip_error *e)
{
	uint64_t at = v->st->generation(v->st);
	int64_t ms = svc__mono_ms();
	int rc;

	if (at != 0 && at == v->search_gen_at && ms - v->search_gen_ms < 1000) {
		*gen = v->search_gen;
		return 0;
	}
	rc = svc__st(v, v->st->search_generation(v->st, gen), e);
	v->search_gen_at = rc ? 0 : at;
	v->search_gen = *gen;
	v->search_gen_ms = ms;
	return rc;
}

int svc_search_ensure(struct svc *v, int64_t *indexed, struct dip_error *e)
{
	struct dbuf b;
	int rc, current;

	if (indexed)
		*indexed = -1;
	dbuf_init(&b, 64);
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc)
		return rc;
	rc = v->st->setting_get(v->st, "search_index", &b);
	current = rc == 0 && strcmp(b.p, SEARCH_INDEX_VERSION) == 0;
	v->st->rollback(v->st);
	dbuf_free(&b);
	if (rc && rc != DIP_ENOTFOUND)
		return svc__st(v, rc, e);
	return current ? 0 : svc_search_rebuild(v, indexed, e);
}

/* ---- searching ---------------------------------------------------------- */

/* Dimensions of the facets. */
enum { F_STATUS, F_SECTION, F_DIVISION, F_YEAR, F__COUNT };
#define F_VALUES 128 /* status 0..15, section 0..20, division 0..99; years are offset */
#define YEAR_BASE 1970

struct facets {
	int64_t n[F__COUNT][F_VALUES];
	int64_t total;
};

struct search_run {
	struct svc *v;
	const struct search_params *p;
	struct search_match m;     /* the filters, reused for every match */
	struct qry *q;
	struct rank_query *rq;
	enum { S_RELEVANCE, S_NEWEST, S_OLDEST } sort;
	char sortc;
	unsigned hash;             /* of the query and filters, checked in cursors */
	int limit, count_limit, window;
	dip_day from, to;
	int filtered;              /* any filter given */
	const char *lookup;        /* exact lookup kind, or NULL */
	/* cursor */
	int has_cursor, c_tier;
	int64_t c_boundary, c_key;
	int c_score;
	/* results */
	int64_t *keys;             /* the counted keys */
	int nkeys;
	struct facets fa;
	int exact;
	int64_t page[SEARCH_PAGE_MAX];
	int page_score[SEARCH_PAGE_MAX];  /* -1: not ranked yet */
	int npage;
	int next_tier;
	int64_t boundary;
	int next_score;
	int more;
	/* the hyper-common token hook */
	int64_t common_min, indexed, gen;
	int common_failed;
	struct dip_error common_err;
};

static int dim_index(int dim, int64_t value)
{
	if (dim == F_YEAR)
		value -= YEAR_BASE;
	return value >= 0 && value < F_VALUES ? (int)value : -1;
}

/* The year of a day, through a one-year cache: counted keys come in day
 * order. */
struct year_cache {
	dip_day lo, hi;
	int year;
};

static int year_of(struct year_cache *c, dip_day day)
{
	int m, d;

	if (c->hi == 0 || day < c->lo || day > c->hi) {
		day_to_ymd(day, &c->year, &m, &d);
		c->lo = day_from_ymd(c->year, 1, 1);
		c->hi = day_from_ymd(c->year + 1, 1, 1) - 1;
	}
	return c->year;
}

static void facet_add(struct facets *f, struct year_cache *yc, int64_t key, int64_t count)
{
	struct search_keyinfo k;
	int i;

	store_search_key_split(key, &k);
	if ((i = dim_index(F_STATUS, k.status)) >= 0)
		f->n[F_STATUS][i] += count;
	if ((i = dim_index(F_SECTION, k.section ? k.section - 'A' + 1 : 0)) >= 0)
		f->n[F_SECTION][i] += count;
	if ((i = dim_index(F_DIVISION, k.division)) >= 0)
		f->n[F_DIVISION][i] += count;
	if ((i = dim_index(F_YEAR, year_of(yc, k.day))) >= 0)
		f->n[F_YEAR][i] += count;
	f->total += count;
}

static int stat_cb(void *ud, enum search_dim dim, int64_t value, int64_t n)
{
	struct facets *f = ud;
	int d = dim == SEARCH_DIM_STATUS ? F_STATUS : dim == SEARCH_DIM_SECTION ? F_SECTION
		: dim == SEARCH_DIM_DIVISION ? F_DIVISION : dim == SEARCH_DIM_YEAR ? F_YEAR : -1;
	int i;

	if (dim == SEARCH_DIM_TOTAL)
		f->total = n;
	if (d >= 0 && (i = dim_index(d, value)) >= 0)
		f->n[d][i] = n;
	return 0;
}

/* Scales one dimension's counts, which sum to from, to sum to to: the
 * largest remainders get the units rounding leaves over, the lowest value
 * first among equals. */
static void scale_dim(int64_t *n, int64_t from, int64_t to)
{
	int64_t rem[F_VALUES], left = to;
	int i, best;

	if (from <= 0)
		return;
	for (i = 0; i < F_VALUES; i++) {
		rem[i] = n[i] * to % from;
		n[i] = n[i] * to / from;
		left -= n[i];
	}
	while (left > 0) {
		best = -1;
		for (i = 0; i < F_VALUES; i++)
			if (rem[i] > 0 && (best < 0 || rem[i] > rem[best]))
				best = i;
		if (best < 0)
			break;
		n[best]++;
		rem[best] = 0;
		left--;
	}
}

/* FNV-1a over the n bytes at s, then a separator byte, so that fields
 * hashed one after the other do not run together. */
static unsigned fnv_n(unsigned h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return (h ^ 0xff) * 16777619u;
}

/* FNV-1a over the parameters that decide the order, so that a cursor is
 * only used with the search that made it. */
static unsigned fnv(unsigned h, const char *s)
{
	return fnv_n(h, s, s ? strlen(s) : 0);
}

static int bad(struct dip_error *e, const char *field, const char *msg)
{
	return dip_fail(e, DIP_EINVAL, field, "%s: %s", field, msg);
}

static int parse_statuses(const char *s, unsigned *out, struct dip_error *e)
{
	char word[32];
	enum app_state st;
	size_t n;

	*out = 0;
	while (s && *s) {
		n = strcspn(s, ",");
		if (n == 0 || n >= sizeof(word))
			return bad(e, "status", "publication, objection, registered, cancelled or "
				   "revoked, several separated by commas");
		memcpy(word, s, n);
		word[n] = '\0';
		if (app_state_parse(word, &st) || !is_public(st))
			return dip_fail(e, DIP_EINVAL, "status", "status: unknown status \"%.31s\"; use "
					"publication, objection, registered, cancelled or revoked", word);
		*out |= 1u << st;
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}

static int parse_day(const char *s, const char *field, dip_day *out, struct dip_error *e)
{
	if (day_parse(s, out) || *out < 0 || *out > SEARCH_DAY_MAX)
		return bad(e, field, "a date as YYYY-MM-DD");
	return 0;
}

/* The cursor: "<sort>.<hash>.<tier>.<boundary>.<score>.<key>", hex
 * numbers; opaque to clients. */
static void cursor_make(const struct search_run *r, int tier, int score, int64_t key, char *out,
			size_t n)
{
	snprintf(out, n, "%c.%08x.%d.%llx.%x.%llx", r->sortc, r->hash, tier,
		 (unsigned long long)r->boundary, (unsigned)score, (unsigned long long)key);
}

static int cursor_parse(struct search_run *r, const char *s, struct dip_error *e)
{
	unsigned long long boundary, key;
	unsigned hash, score;
	char sortc, end;
	int tier;

	if (sscanf(s, "%c.%8x.%d.%llx.%x.%llx%c", &sortc, &hash, &tier, &boundary, &score, &key,
		   &end) != 6 || strlen(s) > 80)
		return bad(e, "cursor", "not a cursor of this search; use \"next\" of the previous page");
	if (sortc != r->sortc || hash != r->hash || tier < 1 || tier > 2 || key > INT64_MAX ||
	    boundary > INT64_MAX || score > 1000000)
		return bad(e, "cursor", "not a cursor of this search (the query, a filter or the "
			   "sort changed); start again without a cursor");
	r->has_cursor = 1;
	r->c_tier = tier;
	r->c_boundary = (int64_t)boundary;
	r->c_score = (int)score;
	r->c_key = (int64_t)key;
	return 0;
}

static int is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return s[n] == '\0';
}

static int is_hex(const char *s)
{
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* The exact-lookup kind of q: 'c' certificate number, 'r' registration
 * number, 'f' fingerprint, or 0. */
static char lookup_kind(const char *q, char *norm, size_t n)
{
	size_t len;

	while (*q == ' ')
		q++;
	len = strlen(q);
	while (len && q[len - 1] == ' ')
		len--;
	if (len >= n)
		return 0;
	memcpy(norm, q, len);
	norm[len] = '\0';
	if (len == 17 && is_digits(norm, 17))
		return 'c';
	if (len == 16 && strspn(norm, "0123456789") >= 15 &&
	    (isdigit((unsigned char)norm[15]) || norm[15] == 'X' || norm[15] == 'x')) {
		norm[15] = (char)toupper((unsigned char)norm[15]);
		return 'r';
	}
	if ((strncmp(norm, "sha256:", 7) == 0 && len == 7 + 64 && is_hex(norm + 7)) ||
	    (strncmp(norm, "sm3:", 4) == 0 && len == 4 + 64 && is_hex(norm + 4))) {
		for (len = 0; norm[len]; len++)
			norm[len] = (char)tolower((unsigned char)norm[len]);
		return 'f';
	}
	return 0;
}

/* DESIGN.md §6: a word in most of the register narrows nothing, and in an
 * AND with rarer words it makes the index read its long list for nothing.
 * qry_parse asks about each one-word term of an AND that has others; such
 * a term is dropped (and reported) when the register holds at least
 * common_min documents and the word is in more than half of them, by the
 * same estimate as the totals': exact to SEARCH_COUNT_LIMIT matches, then
 * from how far back in time those reach.  The same data gives the same
 * answer on either backend. */
/* The answers of is_common, by connection, index generation and word: the
 * estimate reads a few thousand keys, which PostgreSQL takes its time over,
 * and the answer stands until the index changes. */
#define COMMON_CACHE 1024
static struct {
	const struct store *st;
	int64_t gen;
	char tok[TOK_TOKEN_BYTES_CAP + 1];
	int common;
} common_cache[COMMON_CACHE];
static pthread_mutex_t common_lock = PTHREAD_MUTEX_INITIALIZER;

/* The slot of word tok (len bytes: the query goes on after it) for r's
 * connection. */
static size_t common_slot(const struct search_run *r, const char *tok, size_t len)
{
	return (fnv_n(2166136261u, tok, len) + (uintptr_t)r->v->st) % COMMON_CACHE;
}

static int common_cached(const struct search_run *r, const char *tok, size_t len, int *common)
{
	size_t i = common_slot(r, tok, len);
	int found;

	pthread_mutex_lock(&common_lock);
	found = common_cache[i].st == r->v->st && common_cache[i].gen == r->gen &&
		strlen(common_cache[i].tok) == len && memcmp(common_cache[i].tok, tok, len) == 0;
	if (found)
		*common = common_cache[i].common;
	pthread_mutex_unlock(&common_lock);
	return found;
}

static void common_keep(const struct search_run *r, const char *tok, size_t len, int common)
{
	size_t i = common_slot(r, tok, len);

	pthread_mutex_lock(&common_lock);
	common_cache[i].st = r->v->st;
	common_cache[i].gen = r->gen;
	memcpy(common_cache[i].tok, tok, len);
	common_cache[i].tok[len] = '\0';
	common_cache[i].common = common;
	pthread_mutex_unlock(&common_lock);
}

static int is_common(void *ud, const char *tok, size_t len)
{
	struct search_run *r = ud;
	struct search_match m;
	struct search_keyinfo k;
	struct qry *q = NULL;
	int64_t *keys = NULL, since = 0, est;
	int n = 0, rc, common = 0;

	if (r->common_failed || r->common_min < 0 || len > TOK_TOKEN_BYTES_CAP)
		return 0;
	if (r->indexed < 0) {
		rc = r->v->st->search_day_count(r->v->st, 0, SEARCH_DAY_MAX, &r->indexed);
		if (rc == 0)
			rc = r->v->st->search_generation(r->v->st, &r->gen);
		if (rc)
			goto fail;
	}
	if (r->indexed < r->common_min || r->indexed == 0)
		return 0;
	if (common_cached(r, tok, len, &common))
		return common;
	keys = malloc((SEARCH_COUNT_LIMIT + 1) * sizeof(*keys));
	if (keys == NULL || qry_parse(tok, len, NULL, &q, NULL, NULL) != 0) {
		free(keys);
		return 0;
	}
	memset(&m, 0, sizeof(m));
	m.q = q;
	m.limit = SEARCH_COUNT_LIMIT + 1;
	rc = r->v->st->search_match(r->v->st, &m, keys, &n);
	if (rc == 0 && n > SEARCH_COUNT_LIMIT) {
		store_search_key_split(keys[SEARCH_COUNT_LIMIT - 1], &k);
		rc = r->v->st->search_day_count(r->v->st, k.day, SEARCH_DAY_MAX, &since);
	}
	est = n <= SEARCH_COUNT_LIMIT ? n : since > 0 ? SEARCH_COUNT_LIMIT * r->indexed / since
							 : r->indexed;
	common = rc == 0 && est * 2 > r->indexed;
	qry_free(q);
	free(keys);
	if (rc == 0) {
		common_keep(r, tok, len, common);
		return common;
	}
fail:
	/* The store failed: say so after the parse. */
	r->common_failed = rc;
	r->common_err = r->v->st->err;
	return 0;
}

static int prepare(struct search_run *r, const struct search_params *p, struct qry_diag *diag,
		   struct dip_error *e)
{
	const struct registry *reg = r->v->reg;
	const struct industry *ind;
	const char *sort = p->sort && *p->sort ? p->sort : NULL;
	char sortname[2] = { 0, 0 };
	struct qry_opts opts;
	int rc, blank = 1;
	const char *s;

	r->p = p;
	r->indexed = -1;
	r->common_min = p->common_min ? p->common_min : SEARCH_COMMON_MIN;
	r->limit = p->limit > 0 ? p->limit : SEARCH_PAGE_DEFAULT;
	if (r->limit > SEARCH_PAGE_MAX)
		return bad(e, "limit", "at most 100");
	r->count_limit = p->count_limit > 0 ? p->count_limit : SEARCH_COUNT_LIMIT;
	r->window = p->window > 0 ? p->window : SEARCH_WINDOW;
	if (r->count_limit >= SEARCH_MAX_KEYS || r->window > r->count_limit)
		return bad(e, "window", "window and count limit out of range");
	for (s = p->q; s && *s; s++)
		if (*s != ' ' && *s != '\t')
			blank = 0;
	if (sort == NULL)
		r->sort = blank ? S_NEWEST : S_RELEVANCE;
	else if (strcmp(sort, "relevance") == 0)
		r->sort = blank ? S_NEWEST : S_RELEVANCE;
	else if (strcmp(sort, "newest") == 0)
		r->sort = S_NEWEST;
	else if (strcmp(sort, "oldest") == 0)
		r->sort = S_OLDEST;
	else
		return bad(e, "sort", "relevance, newest or oldest");
	r->sortc = r->sort == S_RELEVANCE ? 'r' : r->sort == S_NEWEST ? 'n' : 'o';
	rc = parse_statuses(p->status, &r->m.statuses, e);
	if (rc)
		return rc;
	if (p->industry && *p->industry) {
		ind = industry_find(&reg->industries, p->industry);
		if (ind == NULL)
			return industry_check(&reg->industries, p->industry, "industry", e);
		r->m.section = ind->section;
		if (isdigit((unsigned char)ind->code[0]))
			r->m.division = (ind->code[0] - '0') * 10 + (ind->code[1] - '0');
	}
	if (p->holder && *p->holder) {
		rc = svc__text(p->holder, "holder", 1, 300, e);
		if (rc)
			return rc;
		r->m.holder = p->holder;
	}
	r->from = 0;
	r->to = SEARCH_DAY_MAX;
	if (p->from && *p->from && (rc = parse_day(p->from, "from", &r->from, e)))
		return rc;
	if (p->to && *p->to && (rc = parse_day(p->to, "to", &r->to, e)))
		return rc;
	if (r->from > r->to)
		return bad(e, "from", "after \"to\"");
	r->m.lo = store_search_day_first(r->to);
	r->m.hi = store_search_day_last(r->from);
	r->filtered = r->m.statuses || r->m.section || r->m.holder || r->from > 0 ||
		      r->to < SEARCH_DAY_MAX;
	sortname[0] = r->sortc;
	r->hash = fnv(fnv(fnv(fnv(fnv(fnv(fnv(2166136261u, p->q), p->industry), p->status), p->holder),
		      p->from), p->to), sortname);
	if (p->cursor && *p->cursor && (rc = cursor_parse(r, p->cursor, e)))
		return rc;
	if (blank)
		return 0;
	memset(&opts, 0, sizeof(opts));
	opts.is_common = is_common;
	opts.common_ud = r;
	rc = qry_parse(p->q, strlen(p->q), &opts, &r->q, diag, e);
	if (rc == 0 && r->common_failed)
		rc = dip_fail(e, r->common_failed, "", "%s", r->common_err.message);
	if (rc)
		return rc;
	rc = rank_query_new(r->q, &r->rq);
	if (rc)
		return dip_fail(e, rc, "q", "q: too many words to rank; use fewer");
	r->m.q = r->q;
	return 0;
}

/* Keys of the matches in [lo, hi] (hi 0: no bound) by the run's filters,
 * newest first or, descending, oldest first. */
static int match(struct search_run *r, int64_t lo, int64_t hi, int descending, int limit,
		 int64_t *keys, int *n, struct dip_error *e)
{
	struct search_match m = r->m;

	if (lo > m.lo)
		m.lo = lo;
	if (hi > 0 && hi < m.hi)
		m.hi = hi;
	m.descending = descending;
	m.limit = limit;
	*n = 0;
	if (m.hi < m.lo)
		return 0;
	return svc__st(r->v, r->v->st->search_match(r->v->st, &m, keys, n), e);
}

/* The total and the facets from the counted keys (r->keys, newest
 * first): exact up to the count limit, else estimated. */
static int tally(struct search_run *r, struct dip_error *e)
{
	struct year_cache yc = { 0, 0, 0 };
	int64_t all = 0, since = 0, est;
	struct search_keyinfo k;
	int i, d, rc;

	memset(&r->fa, 0, sizeof(r->fa));
	r->exact = r->nkeys <= r->count_limit;
	for (i = 0; i < r->nkeys && i < r->count_limit; i++)
		facet_add(&r->fa, &yc, r->keys[i], 1);
	if (r->exact)
		return 0;
	/* The newest count_limit matches reach back to day k.day: suppose
	 * matches as dense before it as after. */
	store_search_key_split(r->keys[r->count_limit - 1], &k);
	rc = svc__st(r->v, r->v->st->search_day_count(r->v->st, r->from, r->to, &all), e);
	if (rc == 0)
		rc = svc__st(r->v, r->v->st->search_day_count(r->v->st, k.day, r->to, &since), e);
	if (rc)
		return rc;
	est = since > 0 ? (int64_t)((double)r->count_limit * (double)all / (double)since + 0.5) : all;
	if (est > all)
		est = all;
	if (est <= r->count_limit)
		est = r->count_limit + 1;
	for (d = 0; d < F__COUNT; d++)
		scale_dim(r->fa.n[d], r->count_limit, est);
	r->fa.total = est;
	return 0;
}

static int alloc_keys(struct search_run *r, struct dip_error *e)
{
	r->keys = malloc(((size_t)r->count_limit + 1) * sizeof(*r->keys));
	return r->keys ? 0 : dip_fail(e, DIP_ENOMEM, "", "out of memory");
}

/* The total and facets of the whole search. */
static int count(struct search_run *r, struct dip_error *e)
{
	int rc;

	if (r->q == NULL && !r->filtered) {
		memset(&r->fa, 0, sizeof(r->fa));
		r->exact = 1;
		return svc__st(r->v, r->v->st->search_stats(r->v->st, stat_cb, &r->fa), e);
	}
	rc = alloc_keys(r, e);
	if (rc == 0)
		rc = match(r, 0, 0, 0, r->count_limit + 1, r->keys, &r->nkeys, e);
	return rc ? rc : tally(r, e);
}

struct ranked {
	int64_t key;
	int score;
};

/* Better scores first; among equals the newer, the smaller key. */
static int by_rank(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->key < b->key ? -1 : a->key > b->key;
}

struct score_ctx {
	struct rank_query *rq;
	struct ranked *v;
	int n, max;
	int64_t *keys;             /* also collects the keys, when not NULL */
};

static int score_doc(void *ud, const struct search_doc *d)
{
	struct score_ctx *s = ud;

	if (s->n < s->max) {
		if (s->keys)
			s->keys[s->n] = d->key;
		s->v[s->n].key = d->key;
		s->v[s->n].score = rank_score(s->rq, d->name, d->holder);
		s->n++;
	}
	return 0;
}

/* Scores the window from where the index saw each phrase, when it can
 * tell: *done 1 then. */
static int rank_window_phrases(struct search_run *r, const struct search_match *m, int64_t *keys,
			       struct score_ctx *sc, int *done, struct dip_error *e)
{
	int64_t *k = keys ? keys : malloc((size_t)m->limit * sizeof(*k));
	uint64_t *in = malloc((size_t)m->limit * 2 * sizeof(*in));
	int i, n = -1, rc = 0;

	*done = 0;
	if (k == NULL || in == NULL) {
		rc = dip_fail(e, DIP_ENOMEM, "", "out of memory");
		goto out;
	}
	rc = svc__st(r->v, r->v->st->search_match_phrases(r->v->st, m, k, in, in + m->limit, &n), e);
	for (i = 0; rc == 0 && i < n; i++) {
		sc->v[i].key = k[i];
		sc->v[i].score = rank_score_found(r->rq, in[i], in[m->limit + i]);
	}
	if (rc == 0 && n >= 0) {
		sc->n = n;
		*done = 1;
	}
out:
	if (k != keys)
		free(k);
	free(in);
	return rc;
}

/* Scores the window: the matches with keys up to hi (0: any), newest
 * first, at most max.  keys (may be NULL) collects their keys too. */
static int rank_window(struct search_run *r, int64_t hi, int max, int64_t *keys,
		       struct score_ctx *sc, struct dip_error *e)
{
	struct search_match m = r->m;
	int rc, done = 0;

	memset(sc, 0, sizeof(*sc));
	sc->rq = r->rq;
	sc->max = max;
	sc->keys = keys;
	sc->v = malloc(((size_t)max + 1) * sizeof(*sc->v));
	if (sc->v == NULL)
		return dip_fail(e, DIP_ENOMEM, "", "out of memory");
	if (hi > 0 && hi < m.hi)
		m.hi = hi;
	m.descending = 0;
	m.limit = max;
	if (max > 0) {
		rc = rank_window_phrases(r, &m, keys, sc, &done, e);
		if (rc || done)
			return rc;
	}
	return svc__st(r->v, r->v->st->search_match_docs(r->v->st, &m, 0, score_doc, sc), e);
}

/* The page in relevance order: the window ranked, then older matches.  On
 * the first page the window is the start of the counted keys, read with
 * the documents, and only the rest is counted by key. */
static int page_relevance(struct search_run *r, struct dip_error *e)
{
	struct score_ctx sc;
	int n = 0, i, start, rc = 0, got = 0;

	memset(&sc, 0, sizeof(sc));
	if (!r->has_cursor) {
		rc = alloc_keys(r, e);
		if (rc == 0)
			rc = rank_window(r, 0, r->window, r->keys, &sc, e);
		r->nkeys = sc.n;
		if (rc == 0 && sc.n == r->window && r->window <= r->count_limit) {
			rc = match(r, r->keys[sc.n - 1] + 1, 0, 0, r->count_limit + 1 - sc.n,
				   r->keys + sc.n, &n, e);
			r->nkeys += n;
		}
		if (rc == 0)
			rc = tally(r, e);
		if (rc)
			goto out;
		r->boundary = r->nkeys > r->window ? r->keys[r->window - 1] : 0;
	} else {
		rc = count(r, e);
		if (rc)
			goto out;
		r->boundary = r->c_boundary;
		/* Records added since the first page join the window. */
		if (r->c_tier == 1)
			rc = rank_window(r, r->boundary, r->window * 2, NULL, &sc, e);
		if (rc)
			goto out;
	}
	if (!r->has_cursor || r->c_tier == 1) {
		qsort(sc.v, (size_t)sc.n, sizeof(*sc.v), by_rank);
		start = 0;
		if (r->has_cursor) {
			struct ranked at = { r->c_key, r->c_score };

			while (start < sc.n && by_rank(&sc.v[start], &at) <= 0)
				start++;
		}
		for (i = start; i < sc.n && got < r->limit; i++) {
			r->page_score[got] = sc.v[i].score;
			r->page[got++] = sc.v[i].key;
			r->next_tier = 1;
			r->next_score = sc.v[i].score;
		}
		if (i < sc.n) {
			r->more = 1;
			goto out;
		}
	}
	/* Older than the window, newest first. */
	if (r->boundary > 0 && got < r->limit) {
		int64_t lo = r->boundary + 1, tail[SEARCH_PAGE_MAX + 1];

		if (r->has_cursor && r->c_tier == 2 && r->c_key + 1 > lo)
			lo = r->c_key + 1;
		rc = match(r, lo, 0, 0, r->limit - got + 1, tail, &n, e);
		for (i = 0; rc == 0 && i < n && got < r->limit; i++) {
			r->page_score[got] = -1;
			r->page[got++] = tail[i];
			r->next_tier = 2;
			r->next_score = 0;
		}
		if (rc == 0 && i < n)
			r->more = 1;
	} else if (r->boundary > 0 && got == r->limit) {
		/* The window ended exactly with this page. */
		r->more = 1;
	}
out:
	r->npage = got;
	free(sc.v);
	return rc;
}

static int page_by_key(struct search_run *r, struct dip_error *e)
{
	int64_t keys[SEARCH_PAGE_MAX + 1];
	int n = 0, rc, oldest = r->sort == S_OLDEST;

	if (r->has_cursor)
		rc = oldest ? match(r, 0, r->c_key - 1, 1, r->limit + 1, keys, &n, e)
			    : match(r, r->c_key + 1, 0, 0, r->limit + 1, keys, &n, e);
	else
		rc = match(r, 0, 0, oldest, r->limit + 1, keys, &n, e);
	if (rc)
		return rc;
	r->more = n > r->limit;
	r->npage = n > r->limit ? r->limit : n;
	memcpy(r->page, keys, (size_t)r->npage * sizeof(*keys));
	memset(r->page_score, 0xff, sizeof(r->page_score));
	r->next_tier = 1;
	return 0;
}

/* ---- output -------------------------------------------------------------- */

/*
 * The answer is written as compact JSON straight into a buffer, with the
 * bytes jansson would write for the same members in the same order; a
 * string that is not UTF-8 is left out, as jansson's json_string refuses
 * it.  A member or an element takes a comma unless it opens its object or
 * array.
 */
struct jw {
	struct dbuf *b;
	int rc;
};

static void jw_raw(struct jw *w, const char *s, size_t n)
{
	if (w->rc == 0)
		w->rc = dbuf_add(w->b, s, n);
}

static void jw_sep(struct jw *w)
{
	char last = w->b->len ? w->b->p[w->b->len - 1] : '[';

	if (last != '{' && last != '[')
		jw_raw(w, ",", 1);
}

/* The member's name and colon; key NULL: an array element. */
static void jw_key(struct jw *w, const char *key)
{
	jw_sep(w);
	if (key && w->rc == 0)
		w->rc = json_text_string(w->b, key, strlen(key), 1);
	if (key)
		jw_raw(w, ":", 1);
}

static void jw_strn(struct jw *w, const char *key, const char *s, size_t n)
{
	if (!utf8_valid(s, n))
		return;
	jw_key(w, key);
	if (w->rc == 0)
		w->rc = json_text_string(w->b, s, n, 1);
}

static void jw_str(struct jw *w, const char *key, const char *s)
{
	jw_strn(w, key, s, strlen(s));
}

static void jw_int(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	if (w->rc == 0)
		w->rc = json_text_integer(w->b, (json_int_t)v);
}

static void jw_lit(struct jw *w, const char *key, const char *lit)
{
	jw_key(w, key);
	jw_raw(w, lit, strlen(lit));
}

/* Opens an object ('{') or array ('[') as a member or element. */
static void jw_open(struct jw *w, const char *key, char c)
{
	jw_key(w, key);
	jw_raw(w, &c, 1);
}

static void jw_close(struct jw *w, char c)
{
	jw_raw(w, &c, 1);
}

static void facet_json(struct jw *w, const struct registry *reg, const struct facets *f, int d,
		       const char *key)
{
	const struct industry *ind;
	int used[F_VALUES], nused = 0, i, j, t;
	char code[4];

	for (i = 0; i < F_VALUES; i++)
		if (f->n[d][i] > 0)
			used[nused++] = i;
	/* Largest first, then by value. */
	for (i = 1; i < nused; i++)
		for (j = i; j > 0 && f->n[d][used[j - 1]] < f->n[d][used[j]]; j--) {
			t = used[j];
			used[j] = used[j - 1];
			used[j - 1] = t;
		}
	jw_open(w, key, '[');
	for (i = 0; i < nused; i++) {
		jw_open(w, NULL, '{');
		switch (d) {
		case F_STATUS:
			jw_str(w, "value", app_state_name((enum app_state)used[i]));
			break;
		case F_SECTION:
		case F_DIVISION:
			if (used[i] == 0) {
				jw_lit(w, "value", "null");
				break;
			}
			if (d == F_SECTION)
				snprintf(code, sizeof(code), "%c", 'A' + used[i] - 1);
			else
				snprintf(code, sizeof(code), "%02d", used[i]);
			jw_str(w, "value", code);
			ind = industry_find(&reg->industries, code);
			if (ind)
				jw_str(w, "name", ind->name);
			break;
		default:
			jw_int(w, "value", used[i] + YEAR_BASE);
		}
		jw_int(w, "count", f->n[d][used[i]]);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

struct out_ctx {
	struct search_run *r;
	struct dbuf hits[SEARCH_PAGE_MAX];
	char have[SEARCH_PAGE_MAX];
	struct dbuf mark;          /* a highlight or snippet being made */
	struct dip_error *e;
	int rc;
};

/* text with the query's words marked, as an excerpt when snippet. */
static void marked(struct jw *w, struct out_ctx *o, const char *key, const char *text, int snippet)
{
	struct rank_query *rq = o->r->rq;

	dbuf_reset(&o->mark);
	if (snippet)
		rank_snippet(rq, text, strlen(text), SEARCH_SNIPPET_CHARS, &o->mark);
	else if (rq)
		rank_highlight(rq, text, strlen(text), &o->mark);
	else
		rank_escape(text, strlen(text), &o->mark);
	jw_strn(w, key, o->mark.p ? o->mark.p : "", o->mark.len);
}

static int hit_json(void *ud, const struct search_doc *d)
{
	struct out_ctx *o = ud;
	struct search_run *r = o->r;
	const struct registry *reg = r->v->reg;
	const struct industry *ind;
	struct search_keyinfo k;
	struct dbuf marks;
	struct jw w, mw;
	const char *p, *nl, *parties;
	char day[11], line[1024];
	int i;

	for (i = 0; i < r->npage && r->page[i] != d->key; i++)
		;
	if (i == r->npage || o->have[i])
		return 0;
	store_search_key_split(d->key, &k);
	parties = is_publication(k.status) ? "applicants" : "holders";
	dbuf_init(&o->hits[i], 0);
	dbuf_init(&marks, 0);
	w.b = &o->hits[i];
	w.rc = 0;
	mw.b = &marks;
	mw.rc = 0;
	jw_open(&w, NULL, '{');
	jw_int(&w, "application", k.app_id);
	jw_str(&w, "status", app_state_name(k.status));
	jw_str(&w, "name", d->name);
	jw_open(&w, parties, '[');
	jw_open(&mw, NULL, '[');
	for (p = d->holder; *p; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		jw_str(&w, NULL, line);
		marked(&mw, o, NULL, line, 0);
	}
	jw_close(&w, ']');
	jw_close(&mw, ']');
	svc__day(reg, k.day, day);
	jw_str(&w, is_publication(k.status) ? "publication_date" : "registration_date", day);
	if (d->industry[0]) {
		jw_str(&w, "industry", d->industry);
		ind = industry_find(&reg->industries, d->industry);
		if (ind)
			jw_str(&w, "industry_name", ind->name);
	}
	if (d->cert_no[0])
		jw_str(&w, "certificate_number", d->cert_no);
	if (d->reg_no[0])
		jw_str(&w, "registration_number", d->reg_no);
	if (d->fingerprint[0])
		jw_str(&w, "fingerprint", d->fingerprint);
	if (r->rq)
		jw_int(&w, "score", r->page_score[i] >= 0 ? r->page_score[i]
							  : rank_score(r->rq, d->name, d->holder));
	jw_open(&w, "highlight", '{');
	marked(&w, o, "name", d->name, 0);
	jw_key(&w, parties);
	if (mw.rc == 0)
		jw_raw(&w, marks.p, marks.len);
	marked(&w, o, "snippet", d->body ? d->body : "", 1);
	jw_close(&w, '}');
	jw_close(&w, '}');
	dbuf_free(&marks);
	o->have[i] = 1;
	if (w.rc == 0)
		w.rc = mw.rc;
	return w.rc ? dip_fail(o->e, w.rc, "", "out of memory") : 0;
}

static int respond(struct search_run *r, struct dbuf *out, struct dip_error *e)
{
	struct out_ctx *o = calloc(1, sizeof(*o));
	struct jw w = { out, 0 };
	char cur[96];
	const char *t;
	size_t i;
	int rc;

	if (o == NULL)
		return dip_fail(e, DIP_ENOMEM, "", "out of memory");
	o->r = r;
	o->e = e;
	dbuf_init(&o->mark, 0);
	rc = svc__st(r->v, r->v->st->search_docs(r->v->st, r->page, r->npage, 1, hit_json, o), e);
	if (rc)
		goto out;
	jw_open(&w, NULL, '{');
	jw_open(&w, "items", '[');
	for (i = 0; i < (size_t)r->npage; i++)
		if (o->have[i]) {
			jw_sep(&w);
			jw_raw(&w, o->hits[i].p, o->hits[i].len);
		}
	jw_close(&w, ']');
	jw_int(&w, "total", r->fa.total);
	jw_lit(&w, "total_exact", r->exact ? "true" : "false");
	jw_open(&w, "facets", '{');
	facet_json(&w, r->v->reg, &r->fa, F_STATUS, "status");
	facet_json(&w, r->v->reg, &r->fa, F_SECTION, "industry_section");
	facet_json(&w, r->v->reg, &r->fa, F_DIVISION, "industry_division");
	facet_json(&w, r->v->reg, &r->fa, F_YEAR, "year");
	jw_close(&w, '}');
	jw_str(&w, "sort", r->sort == S_RELEVANCE ? "relevance" : r->sort == S_NEWEST ? "newest"
										  : "oldest");
	if (r->more && r->npage > 0) {
		cursor_make(r, r->next_tier, r->next_score, r->page[r->npage - 1], cur, sizeof(cur));
		jw_str(&w, "next", cur);
	} else {
		jw_lit(&w, "next", "null");
	}
	if (r->lookup)
		jw_str(&w, "lookup", r->lookup);
	else
		jw_lit(&w, "lookup", "null");
	jw_open(&w, "dropped", '[');
	for (i = 0; r->q && (t = qry_dropped(r->q, i)) != NULL; i++)
		jw_str(&w, NULL, t);
	jw_close(&w, ']');
	jw_close(&w, '}');
	if (w.rc)
		rc = dip_fail(e, w.rc, "", "out of memory");
out:
	for (i = 0; i < (size_t)r->npage; i++)
		if (o->have[i])
			dbuf_free(&o->hits[i]);
	dbuf_free(&o->mark);
	free(o);
	return rc;
}

/* Certificate number, registration number or fingerprint: the record(s)
 * themselves, whatever the filters.  0 with r->lookup NULL when q is none
 * of those or names nothing public. */
static int lookup(struct search_run *r, struct dip_error *e)
{
	struct year_cache yc = { 0, 0, 0 };
	char norm[100];
	char kind = lookup_kind(r->p->q ? r->p->q : "", norm, sizeof(norm));
	int i, rc;

	if (kind == 0)
		return 0;
	memset(r->page_score, 0xff, sizeof(r->page_score));
	rc = svc__st(r->v, r->v->st->search_lookup(r->v->st, kind, norm, r->page, r->limit,
						   &r->npage), e);
	if (rc || r->npage == 0)
		return rc;
	r->lookup = kind == 'c' ? "certificate_number" : kind == 'r' ? "registration_number"
				: "fingerprint";
	r->exact = 1;
	memset(&r->fa, 0, sizeof(r->fa));
	for (i = 0; i < r->npage; i++)
		facet_add(&r->fa, &yc, r->page[i], 1);
	/* A number names its record: the ranking is moot. */
	rank_query_free(r->rq);
	r->rq = NULL;
	return 0;
}

int svc_search_text(struct svc *v, const struct search_params *p, struct dbuf *out,
		    struct qry_diag *diag, struct dip_error *e)
{
	struct search_run *r = calloc(1, sizeof(*r));
	size_t len = out->len;
	int rc;

	if (diag)
		memset(diag, 0, sizeof(*diag));
	if (r == NULL)
		return dip_fail(e, DIP_ENOMEM, "", "out of memory");
	r->v = v;
	/* One snapshot for everything, the parse's hook included. */
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc)
		goto out;
	rc = prepare(r, p, diag, e);
	if (rc == 0 && !r->has_cursor)
		rc = lookup(r, e);
	if (rc == 0 && r->lookup == NULL) {
		if (r->sort == S_RELEVANCE) {
			rc = page_relevance(r, e);
		} else {
			rc = count(r, e);
			if (rc == 0)
				rc = page_by_key(r, e);
		}
	}
	if (rc == 0)
		rc = respond(r, out, e);
	v->st->rollback(v->st);
out:
	if (rc && out->p) {
		out->len = len;
		out->p[len] = '\0';
	}
	qry_free(r->q);
	rank_query_free(r->rq);
	free(r->keys);
	free(r);
	return rc;
}

int svc_search_json(struct svc *v, const struct search_params *p, json_t **out,
		    struct qry_diag *diag, struct dip_error *e)
{
	struct dbuf b;
	int rc;

	*out = NULL;
	dbuf_init(&b, 0);
	rc = svc_search_text(v, p, &b, diag, e);
	if (rc == 0 && (*out = json_text_loads(b.p, NULL)) == NULL)
		rc = dip_fail(e, DIP_ENOMEM, "", "out of memory");
	dbuf_free(&b);
	return rc;
}
