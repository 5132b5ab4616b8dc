/*
 * test_store.c - every operation of store.h, called directly, on a fresh
 * database per test: SQLite, or PostgreSQL when DIPREG_TEST_PG is set
 * (testdb.h), so that both backends are held to one behaviour.  What the
 * service relies on is asserted here: round trips of every field, the
 * order of lists, not-found and conflict codes, versioned updates, gap-free
 * log indexes under concurrent appenders, and transactions.
 */
#include "testdb.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "domain/query.h"
#include "util/res.h"

struct sfx {
	struct testdb db;
	struct store *s;
};

static int setup(void **state)
{
	struct sfx *x = calloc(1, sizeof(*x));
	struct dip_error e;

	testdb_create(&x->db);
	x->s = store_open(x->db.url, &e);
	if (x->s == NULL)
		fail_msg("store: %s", e.message);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct sfx *x = *state;

	store_close(x->s);
	testdb_drop(&x->db);
	free(x);
	return 0;
}

#define S(state) (((struct sfx *)*(state))->s)

/* Fails the test with the store's message when rc is not 0. */
#define OK(s, call)                                                                    \
	do {                                                                           \
		int rc_ = (call);                                                      \
		if (rc_)                                                               \
			fail_msg("%s: %d: %s", #call, rc_, (s)->err.message);          \
	} while (0)

static int64_t add_account(struct store *s, const char *login)
{
	struct account a;

	memset(&a, 0, sizeof(a));
	snprintf(a.login, sizeof(a.login), "%s", login);
	snprintf(a.display_name, sizeof(a.display_name), "账户 %s", login);
	a.kind = PARTY_LEGAL;
	snprintf(a.id_number, sizeof(a.id_number), "91110108MA01ABCDEN");
	a.roles = ROLE_APPLICANT;
	snprintf(a.pw_hash, sizeof(a.pw_hash), "$scrypt$x");
	a.created_at = 1700000000;
	OK(s, s->account_insert(s, &a));
	assert_true(a.id > 0);
	return a.id;
}

static int64_t add_app(struct store *s, int64_t owner, enum app_state st, const char *fp,
		       int64_t agent)
{
	struct application a;

	memset(&a, 0, sizeof(a));
	a.state = st;
	a.created_by = owner;
	a.agent_id = agent;
	a.content = "{\"name\":\"数据集\"}";
	snprintf(a.name, sizeof(a.name), "数据集");
	snprintf(a.fingerprint, sizeof(a.fingerprint), "%s", fp);
	a.created_at = 1700000000;
	OK(s, s->app_insert(s, &a));
	assert_int_equal(a.version, 1);
	return a.id;
}

/* Every operation after close is a function pointer: none may be missing,
 * or the service would crash on this backend only. */
static void test_store_every_operation_is_implemented(void **state)
{
	struct store *s = S(state);
	const unsigned char *p = (const unsigned char *)s;
	void (*none)(void) = NULL;
	size_t off;

	for (off = offsetof(struct store, close); off + sizeof(none) <= sizeof(*s);
	     off += sizeof(none))
		if (memcmp(p + off, &none, sizeof(none)) == 0)
			fail_msg("%s: the operation at offset %zu is missing", s->backend, off);
}

/* ---- settings, counters ------------------------------------------------ */

static void test_store_settings(void **state)
{
	struct store *s = S(state);
	struct dbuf b;

	dbuf_init(&b, 0);
	assert_int_equal(s->setting_get(s, "name", &b), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "setting not found");
	OK(s, s->setting_put(s, "name", "北京数据登记中心"));
	OK(s, s->setting_get(s, "name", &b));
	assert_string_equal(b.p, "北京数据登记中心");
	OK(s, s->setting_put(s, "name", ""));
	OK(s, s->setting_get(s, "name", &b));
	assert_int_equal(b.len, 0);
	assert_string_equal(b.p, "");
	dbuf_free(&b);
}

static void test_store_counters_never_repeat(void **state)
{
	struct store *s = S(state);
	int64_t n;

	OK(s, s->counter_next(s, "serial", &n));
	assert_int_equal(n, 1);
	OK(s, s->counter_next(s, "serial", &n));
	assert_int_equal(n, 2);
	OK(s, s->counter_next(s, "other", &n));
	assert_int_equal(n, 1);
	/* A rolled back transaction gives its number back. */
	OK(s, s->begin(s, 1));
	OK(s, s->counter_next(s, "serial", &n));
	assert_int_equal(n, 3);
	s->rollback(s);
	OK(s, s->begin(s, 1));
	OK(s, s->counter_next(s, "serial", &n));
	assert_int_equal(n, 3);
	OK(s, s->commit(s));
	OK(s, s->counter_next(s, "serial", &n));
	assert_int_equal(n, 4);
}

/* ---- accounts ------------------------------------------------------------ */

struct ids {
	int64_t v[64];
	int n;
	int stop_at;
};

static int collect_account(void *ud, const struct account *a)
{
	struct ids *c = ud;

	c->v[c->n++] = a->id;
	return c->stop_at && c->n == c->stop_at ? 7 : 0;
}

static void test_store_accounts(void **state)
{
	struct store *s = S(state);
	struct account a, b;
	struct ids c;
	int64_t id1, id2, id3, n;

	assert_int_equal(s->account_get(s, 1, &a), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "account not found");
	memset(&a, 0, sizeof(a));
	snprintf(a.login, sizeof(a.login), "alice");
	snprintf(a.display_name, sizeof(a.display_name), "北京数据科技有限公司");
	a.kind = PARTY_LEGAL;
	snprintf(a.id_number, sizeof(a.id_number), "91110108MA01ABCDEN");
	a.roles = ROLE_APPLICANT | ROLE_AGENT;
	snprintf(a.pw_hash, sizeof(a.pw_hash), "$scrypt$ln=4$abc");
	snprintf(a.email, sizeof(a.email), "a@example.cn");
	snprintf(a.phone, sizeof(a.phone), "13800000000");
	a.created_at = 1700000001;
	OK(s, s->account_insert(s, &a));
	id1 = a.id;
	assert_true(id1 > 0);
	OK(s, s->account_get(s, id1, &b));
	assert_memory_equal(&a, &b, sizeof(a));
	OK(s, s->account_by_login(s, "alice", &b));
	assert_int_equal(b.id, id1);
	assert_int_equal(s->account_by_login(s, "nobody", &b), DIP_ENOTFOUND);

	/* A taken login is a conflict that leaves the transaction usable. */
	OK(s, s->begin(s, 1));
	a.id = 0;
	assert_int_equal(s->account_insert(s, &a), DIP_ECONFLICT);
	assert_string_equal(s->err.field, "login");
	assert_string_equal(s->err.message, "login: \"alice\" is taken");
	id2 = add_account(s, "bob");
	OK(s, s->commit(s));
	OK(s, s->account_by_login(s, "bob", &b));
	assert_int_equal(b.id, id2);

	b = a;
	b.id = id1;
	snprintf(b.display_name, sizeof(b.display_name), "新名称");
	b.disabled = 1;
	b.roles = ROLE_EXAMINER;
	OK(s, s->account_update(s, &b));
	OK(s, s->account_get(s, id1, &a));
	assert_string_equal(a.display_name, "新名称");
	assert_int_equal(a.disabled, 1);
	assert_int_equal(a.roles, ROLE_EXAMINER);
	assert_string_equal(a.login, "alice");
	b.id = 999;
	assert_int_equal(s->account_update(s, &b), DIP_ENOTFOUND);

	id3 = add_account(s, "carol");
	OK(s, s->account_count(s, &n));
	assert_int_equal(n, 3);
	memset(&c, 0, sizeof(c));
	OK(s, s->account_list(s, 0, 0, collect_account, &c));
	assert_int_equal(c.n, 3);
	assert_true(c.v[0] == id1 && c.v[1] == id2 && c.v[2] == id3);
	memset(&c, 0, sizeof(c));
	OK(s, s->account_list(s, id1, 1, collect_account, &c));
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0], id2);
	/* A callback's non-zero return stops the listing and is returned. */
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	assert_int_equal(s->account_list(s, 0, 0, collect_account, &c), 7);
	assert_int_equal(c.n, 2);
}

/* ---- sessions, login failures, agencies ---------------------------------- */

static void test_store_sessions_and_login_failures(void **state)
{
	struct store *s = S(state);
	int64_t alice = add_account(s, "alice"), n;
	struct session_row r, g;

	memset(&r, 0, sizeof(r));
	memset(r.token_hash, 'a', 64);
	r.account_id = alice;
	memset(r.csrf, 'c', 64);
	r.created_at = 100;
	r.expires_at = 200;
	r.api_token = 1;
	snprintf(r.label, sizeof(r.label), "ci 部署");
	assert_int_equal(s->session_get(s, r.token_hash, &g), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "session not found");
	OK(s, s->session_insert(s, &r));
	OK(s, s->session_get(s, r.token_hash, &g));
	assert_memory_equal(&r, &g, sizeof(r));
	assert_int_equal(s->session_insert(s, &r), DIP_ECONFLICT);
	OK(s, s->session_delete(s, r.token_hash));
	assert_int_equal(s->session_get(s, r.token_hash, &g), DIP_ENOTFOUND);
	OK(s, s->session_delete(s, r.token_hash));

	OK(s, s->session_insert(s, &r));
	memset(r.token_hash, 'b', 64);
	OK(s, s->session_insert(s, &r));
	OK(s, s->session_delete_account(s, alice));
	assert_int_equal(s->session_get(s, r.token_hash, &g), DIP_ENOTFOUND);

	OK(s, s->login_fail_add(s, "alice", 1000));
	OK(s, s->login_fail_add(s, "alice", 1010));
	OK(s, s->login_fail_add(s, "bob", 1010));
	OK(s, s->login_fail_count(s, "alice", 1000, &n));
	assert_int_equal(n, 2);
	OK(s, s->login_fail_count(s, "alice", 1001, &n));
	assert_int_equal(n, 1);
	/* Failures older than a day are pruned by the next one. */
	OK(s, s->login_fail_add(s, "bob", 1010 + 86401));
	OK(s, s->login_fail_count(s, "alice", 0, &n));
	assert_int_equal(n, 0);
	OK(s, s->login_fail_count(s, "bob", 0, &n));
	assert_int_equal(n, 1);
}

static void test_store_agencies(void **state)
{
	struct store *s = S(state);
	int64_t agent = add_account(s, "agency"), alice = add_account(s, "alice");
	char poa[65], want[65];
	dip_time conf = -1, rev = -1;

	assert_int_equal(s->agency_get(s, agent, alice, poa, &conf, &rev), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "power of attorney not found");
	memset(want, 'e', 64);
	want[64] = '\0';
	OK(s, s->agency_put(s, agent, alice, want, 0, 0));
	OK(s, s->agency_get(s, agent, alice, poa, &conf, &rev));
	assert_string_equal(poa, want);
	assert_int_equal(conf, 0);
	assert_int_equal(rev, 0);
	want[0] = 'f';
	OK(s, s->agency_put(s, agent, alice, want, 500, 600));
	OK(s, s->agency_get(s, agent, alice, poa, &conf, &rev));
	assert_string_equal(poa, want);
	assert_int_equal(conf, 500);
	assert_int_equal(rev, 600);
	assert_int_equal(s->agency_get(s, alice, agent, poa, &conf, &rev), DIP_ENOTFOUND);
}

/* ---- applications and parties ---------------------------------------------- */

static void assert_app_equal(const struct application *a, const struct application *b)
{
	struct application x = *a, y = *b;

	assert_string_equal(a->content, b->content);
	if (a->withdraw_reason || b->withdraw_reason) {
		assert_non_null(a->withdraw_reason);
		assert_non_null(b->withdraw_reason);
		assert_string_equal(a->withdraw_reason, b->withdraw_reason);
	}
	x.content = y.content = NULL;
	x.withdraw_reason = y.withdraw_reason = NULL;
	assert_memory_equal(&x, &y, sizeof(x));
}

static int collect_app(void *ud, const struct application *a)
{
	struct ids *c = ud;

	assert_non_null(a->content);
	c->v[c->n++] = a->id;
	return c->stop_at && c->n == c->stop_at ? 9 : 0;
}

static void test_store_applications(void **state)
{
	struct store *s = S(state);
	int64_t alice = add_account(s, "alice");
	struct application a, b, stale;
	char big[20000];

	memset(&a, 0, sizeof(a));
	memset(big, 'x', sizeof(big) - 40);
	snprintf(big + sizeof(big) - 40, 40, "\"名称\\u0000\"}");
	big[0] = '{';
	a.state = APP_SUBMITTED;
	a.created_by = alice;
	a.content = big;
	snprintf(a.name, sizeof(a.name), "城市公交客流数据集");
	snprintf(a.industry, sizeof(a.industry), "54");
	snprintf(a.fingerprint, sizeof(a.fingerprint), "sha256:%064d", 7);
	snprintf(a.reg_no, sizeof(a.reg_no), "DIP2024000001");
	snprintf(a.cert_no, sizeof(a.cert_no), "C2024000001");
	a.cert_version = 2;
	a.created_at = 1700000000;
	a.submitted_at = 1700000100;
	a.published_at = 1700000200;
	a.registered_at = 1700000300;
	a.closed_at = 1700000400;
	a.reg_day = 19700;
	a.valid_from = 19700;
	a.valid_until = 19700 + 3 * 365;
	a.corrections = 1;
	a.flags = APPF_DUPLICATE | APPF_NO_EVIDENCE;
	a.related_id = 42;
	a.refusal = 1u << 4;
	a.close_reason = CLOSE_BY_HOLDER;
	a.withdraw_reason = NULL;
	OK(s, s->app_insert(s, &a));
	assert_int_equal(a.version, 1);
	OK(s, s->app_get(s, a.id, &b));
	assert_null(b.withdraw_reason);
	assert_app_equal(&a, &b);
	application_release(&b);

	/* Versioned update: bumps the version, and a stale copy conflicts. */
	OK(s, s->app_get(s, a.id, &stale));
	a.state = APP_WITHDRAWN;
	a.withdraw_reason = "主动撤回";
	OK(s, s->app_update(s, &a));
	assert_int_equal(a.version, 2);
	OK(s, s->app_get(s, a.id, &b));
	assert_int_equal(b.version, 2);
	assert_app_equal(&a, &b);
	application_release(&b);
	OK(s, s->begin(s, 1));
	assert_int_equal(s->app_update(s, &stale), DIP_ECONFLICT);
	assert_int_equal(stale.version, 1);
	{
		char want[160];

		snprintf(want, sizeof(want),
			 "application %lld was changed by someone else meanwhile; reload and try again",
			 (long long)a.id);
		assert_string_equal(s->err.message, want);
	}
	/* The transaction goes on after a lost update. */
	OK(s, s->app_get(s, a.id, &b));
	application_release(&b);
	s->rollback(s);
	application_release(&stale);

	assert_int_equal(s->app_get(s, a.id + 100, &b), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "application not found");
	OK(s, s->app_by_reg_no(s, "DIP2024000001", &b));
	assert_int_equal(b.id, a.id);
	application_release(&b);
	assert_int_equal(s->app_by_reg_no(s, "DIP2024999999", &b), DIP_ENOTFOUND);
}

/* The register lists the newest applications of a few states however many
 * drafts and applications in examination are newer (Art. 20): each state's
 * ids come from its own range, the last state's too, and pages follow on. */
static void test_art20_store_lists_each_state_past_newer_ones(void **state)
{
	struct store *s = S(state);
	int64_t owner = add_account(s, "alice"), ids[APP__COUNT][3];
	struct app_filter f;
	struct ids c;
	int st, i;

	for (i = 0; i < 3; i++)
		for (st = 0; st < APP__COUNT; st++)
			ids[st][i] = add_app(s, owner, (enum app_state)st, "", 0);
	for (i = 0; i < 40; i++)
		add_app(s, owner, i % 2 ? APP_DRAFT : APP_SUBMITTED, "", 0);
	for (st = 0; st < APP__COUNT; st++) {
		if (st == APP_DRAFT || st == APP_SUBMITTED)
			continue;
		memset(&f, 0, sizeof(f));
		memset(&c, 0, sizeof(c));
		f.states = 1u << st;
		OK(s, s->app_list(s, &f, collect_app, &c));
		assert_int_equal(c.n, 3);
		for (i = 0; i < 3; i++)
			assert_int_equal(c.v[i], ids[st][2 - i]);
	}
	/* The register's three states, two at a time. */
	memset(&f, 0, sizeof(f));
	f.states = 1u << APP_REGISTERED | 1u << APP_CANCELLED | 1u << APP_REVOKED;
	f.limit = 2;
	memset(&c, 0, sizeof(c));
	OK(s, s->app_list(s, &f, collect_app, &c));
	assert_int_equal(c.n, 2);
	assert_true(c.v[0] == ids[APP_REVOKED][2] && c.v[1] == ids[APP_CANCELLED][2]);
	f.after_id = c.v[1];
	memset(&c, 0, sizeof(c));
	OK(s, s->app_list(s, &f, collect_app, &c));
	assert_int_equal(c.n, 2);
	assert_true(c.v[0] == ids[APP_REGISTERED][2] && c.v[1] == ids[APP_REVOKED][1]);
}

static void test_store_application_lists(void **state)
{
	struct store *s = S(state);
	int64_t alice = add_account(s, "alice"), bob = add_account(s, "bob");
	int64_t agent = add_account(s, "agency"), counts[APP__COUNT];
	int64_t d1, s1, p1, r1, s2, w1;
	struct app_filter f;
	struct party p, ps[4];
	struct ids c;
	int n;

	d1 = add_app(s, alice, APP_DRAFT, "fp:a", 0);
	s1 = add_app(s, alice, APP_SUBMITTED, "fp:a", agent);
	p1 = add_app(s, bob, APP_PUBLICATION, "fp:b", 0);
	r1 = add_app(s, bob, APP_REGISTERED, "fp:a", agent);
	s2 = add_app(s, bob, APP_SUBMITTED, "fp:c", 0);
	w1 = add_app(s, alice, APP_WITHDRAWN, "fp:a", 0);

	/* Newest first, by state, by agent, by party, with a keyset cursor. */
	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	OK(s, s->app_list(s, &f, collect_app, &c));
	assert_int_equal(c.n, 6);
	assert_true(c.v[0] == w1 && c.v[1] == s2 && c.v[2] == r1 && c.v[3] == p1 &&
		    c.v[4] == s1 && c.v[5] == d1);
	f.states = 1u << APP_SUBMITTED | 1u << APP_REGISTERED;
	memset(&c, 0, sizeof(c));
	OK(s, s->app_list(s, &f, collect_app, &c));
	assert_int_equal(c.n, 3);
	assert_true(c.v[0] == s2 && c.v[1] == r1 && c.v[2] == s1);
	f.after_id = r1;
	f.limit = 1;
	memset(&c, 0, sizeof(c));
	OK(s, s->app_list(s, &f, collect_app, &c));
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0], s1);
	memset(&f, 0, sizeof(f));
	f.agent_id = agent;
	memset(&c, 0, sizeof(c));
	OK(s, s->app_list(s, &f, collect_app, &c));
	assert_int_equal(c.n, 2);
	assert_true(c.v[0] == r1 && c.v[1] == s1);

	memset(&p, 0, sizeof(p));
	p.app_id = p1;
	p.ord = 1;
	p.account_id = alice;
	snprintf(p.name, sizeof(p.name), "北京数据科技有限公司");
	p.kind = PARTY_LEGAL;
	snprintf(p.id_number, sizeof(p.id_number), "91110108MA01ABCDEN");
	OK(s, s->party_put(s, &p));
	p.ord = 0;
	p.account_id = bob;
	p.confirmed_at = 77;
	OK(s, s->party_put(s, &p));
	p.app_id = d1;
	p.account_id = alice;
	OK(s, s->party_put(s, &p));
	memset(&f, 0, sizeof(f));
	f.party_id = alice;
	memset(&c, 0, sizeof(c));
	OK(s, s->app_list(s, &f, collect_app, &c));
	assert_int_equal(c.n, 2);
	assert_true(c.v[0] == p1 && c.v[1] == d1);
	f.states = 1u << APP_DRAFT;
	memset(&c, 0, sizeof(c));
	OK(s, s->app_list(s, &f, collect_app, &c));
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0], d1);
	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	assert_int_equal(s->app_list(s, &f, collect_app, &c), 9);

	/* Parties in order; an upsert by (application, order). */
	OK(s, s->party_list(s, p1, ps, 4, &n));
	assert_int_equal(n, 2);
	assert_int_equal(ps[0].ord, 0);
	assert_int_equal(ps[0].account_id, bob);
	assert_int_equal(ps[0].confirmed_at, 77);
	assert_int_equal(ps[1].ord, 1);
	assert_int_equal(ps[1].account_id, alice);
	assert_string_equal(ps[1].name, "北京数据科技有限公司");
	assert_int_equal(ps[1].kind, PARTY_LEGAL);
	assert_string_equal(ps[1].id_number, "91110108MA01ABCDEN");
	p.app_id = p1;
	p.ord = 1;
	p.confirmed_at = 99;
	OK(s, s->party_put(s, &p));
	OK(s, s->party_list(s, p1, ps, 1, &n));
	assert_int_equal(n, 1);
	OK(s, s->party_list(s, p1, ps, 4, &n));
	assert_int_equal(n, 2);
	assert_int_equal(ps[1].confirmed_at, 99);
	OK(s, s->party_delete_all(s, p1));
	OK(s, s->party_list(s, p1, ps, 4, &n));
	assert_int_equal(n, 0);

	OK(s, s->app_count_by_state(s, counts));
	assert_int_equal(counts[APP_DRAFT], 1);
	assert_int_equal(counts[APP_SUBMITTED], 2);
	assert_int_equal(counts[APP_PUBLICATION], 1);
	assert_int_equal(counts[APP_REGISTERED], 1);
	assert_int_equal(counts[APP_WITHDRAWN], 1);
	assert_int_equal(counts[APP_REFUSED], 0);

	/* Art. 9 (5): same fingerprint, pending or registered, not itself. */
	memset(&c, 0, sizeof(c));
	OK(s, s->app_by_fingerprint(s, "fp:a", 1u << APP_SUBMITTED | 1u << APP_REGISTERED |
				    1u << APP_PUBLICATION, s1, collect_app, &c));
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0], r1);
	memset(&c, 0, sizeof(c));
	OK(s, s->app_by_fingerprint(s, "fp:a", 0x7fffffff, 0, collect_app, &c));
	assert_int_equal(c.n, 4);
	assert_true(c.v[0] == d1 && c.v[1] == s1 && c.v[2] == r1 && c.v[3] == w1);
	memset(&c, 0, sizeof(c));
	OK(s, s->app_by_fingerprint(s, "fp:none", 0x7fffffff, 0, collect_app, &c));
	assert_int_equal(c.n, 0);
}

/* ---- objections, requests ------------------------------------------------------ */

static void test_store_objections(void **state)
{
	struct store *s = S(state);
	int64_t alice = add_account(s, "alice");
	int64_t app = add_app(s, alice, APP_PUBLICATION, "fp", 0), ids[4];
	struct objection o, g, stale;
	int n;

	memset(&o, 0, sizeof(o));
	o.app_id = app;
	o.state = OBJ_FILED;
	snprintf(o.objector_name, sizeof(o.objector_name), "张三");
	snprintf(o.objector_contact, sizeof(o.objector_contact), "zhang@example.cn");
	memset(o.token_hash, 'd', 64);
	o.grounds = "数据来源不合法";
	o.evidence = "[\"aa\"]";
	o.filed_at = 1000;
	OK(s, s->objection_insert(s, &o));
	assert_int_equal(o.version, 1);
	OK(s, s->objection_get(s, o.id, &g));
	assert_int_equal(g.app_id, app);
	assert_int_equal(g.version, 1);
	assert_int_equal(g.state, OBJ_FILED);
	assert_int_equal(g.objector_id, 0);
	assert_string_equal(g.objector_name, "张三");
	assert_string_equal(g.objector_contact, "zhang@example.cn");
	assert_string_equal(g.token_hash, o.token_hash);
	assert_string_equal(g.grounds, "数据来源不合法");
	assert_string_equal(g.evidence, "[\"aa\"]");
	assert_null(g.answer);
	assert_null(g.answer_evidence);
	assert_null(g.supplement);
	assert_null(g.supplement_evidence);
	assert_null(g.decision);
	assert_int_equal(g.filed_at, 1000);
	assert_int_equal(g.decided_at, 0);
	stale = g;
	stale.grounds = stale.evidence = NULL;
	objection_release(&g);

	o.state = OBJ_UPHELD;
	o.answer = "答复";
	o.answer_evidence = "[]";
	o.supplement = "补充";
	o.supplement_evidence = "[\"bb\"]";
	o.decision = "异议成立";
	o.decided_at = 2000;
	OK(s, s->objection_update(s, &o));
	assert_int_equal(o.version, 2);
	OK(s, s->objection_get(s, o.id, &g));
	assert_int_equal(g.version, 2);
	assert_int_equal(g.state, OBJ_UPHELD);
	assert_string_equal(g.answer, "答复");
	assert_string_equal(g.answer_evidence, "[]");
	assert_string_equal(g.supplement, "补充");
	assert_string_equal(g.supplement_evidence, "[\"bb\"]");
	assert_string_equal(g.decision, "异议成立");
	assert_int_equal(g.decided_at, 2000);
	objection_release(&g);
	assert_int_equal(s->objection_update(s, &stale), DIP_ECONFLICT);
	assert_non_null(strstr(s->err.message, "was changed by someone else meanwhile"));
	assert_int_equal(s->objection_get(s, o.id + 9, &g), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "objection not found");

	o.id = 0;
	OK(s, s->objection_insert(s, &o));
	OK(s, s->objection_ids(s, app, ids, 4, &n));
	assert_int_equal(n, 2);
	assert_true(ids[0] < ids[1] && ids[1] == o.id);
	OK(s, s->objection_ids(s, app, ids, 1, &n));
	assert_int_equal(n, 1);
	OK(s, s->objection_ids(s, app + 1, ids, 4, &n));
	assert_int_equal(n, 0);
}

static int64_t add_deadline(struct store *s, int64_t app, int64_t ref, int kind, dip_time due,
			    int binds);

/* The stamp changes with the application and its objections, and names
 * the earliest open deadline whose expiry the scheduler applies. */
static void test_store_app_stamp(void **state)
{
	struct store *s = S(state);
	int64_t alice = add_account(s, "alice");
	int64_t app = add_app(s, alice, APP_PUBLICATION, "fp", 0), other;
	struct app_stamp a, b;
	struct application g;
	struct objection o;

	other = add_app(s, alice, APP_PUBLICATION, "fp2", 0);
	OK(s, s->app_stamp(s, app, &a));
	assert_int_equal(a.version, 1);
	assert_int_equal(a.objections, 0);
	assert_int_equal(a.next_due, 0);
	/* Only open binding deadlines of this application count. */
	add_deadline(s, app, 0, DL_EXAMINE, 3000, 0);
	add_deadline(s, other, 0, DL_PUBLICATION, 2000, 1);
	add_deadline(s, app, 0, DL_PUBLICATION, 9000, 1);
	add_deadline(s, app, 0, DL_CORRECTION_REPLY, 7000, 1);
	OK(s, s->app_stamp(s, app, &b));
	assert_int_equal(b.next_due, 7000);
	memset(&o, 0, sizeof(o));
	o.app_id = app;
	snprintf(o.objector_name, sizeof(o.objector_name), "张三");
	o.grounds = "理由";
	o.filed_at = 1000;
	OK(s, s->objection_insert(s, &o));
	OK(s, s->app_stamp(s, app, &b));
	assert_int_not_equal(b.objections, a.objections);
	a = b;
	o.state = OBJ_FORWARDED;
	OK(s, s->objection_update(s, &o));
	OK(s, s->app_stamp(s, app, &b));
	assert_int_not_equal(b.objections, a.objections);
	assert_int_equal(b.version, 1);
	OK(s, s->app_get(s, app, &g));
	OK(s, s->app_update(s, &g));
	application_release(&g);
	OK(s, s->app_stamp(s, app, &b));
	assert_int_equal(b.version, 2);
	assert_int_equal(s->app_stamp(s, app + 100, &b), DIP_ENOTFOUND);
}

static void test_store_requests(void **state)
{
	struct store *s = S(state);
	int64_t alice = add_account(s, "alice"), bob = add_account(s, "bob");
	int64_t app = add_app(s, alice, APP_REGISTERED, "fp", 0), ids[4];
	struct request r, g, stale;
	int n;

	memset(&r, 0, sizeof(r));
	r.app_id = app;
	r.kind = REQ_TRANSFER;
	r.state = REQ_AWAITING_PARTY;
	r.filed_by = alice;
	r.counterparty_id = bob;
	r.unilateral = 2;
	r.payload = "{\"to\":\"bob\"}";
	r.filed_at = 3000;
	r.act_day = 19800;
	r.late = 1;
	OK(s, s->request_insert(s, &r));
	assert_int_equal(r.version, 1);
	OK(s, s->request_get(s, r.id, &g));
	assert_int_equal(g.app_id, app);
	assert_int_equal(g.kind, REQ_TRANSFER);
	assert_int_equal(g.state, REQ_AWAITING_PARTY);
	assert_int_equal(g.filed_by, alice);
	assert_int_equal(g.counterparty_id, bob);
	assert_int_equal(g.unilateral, 2);
	assert_string_equal(g.payload, "{\"to\":\"bob\"}");
	assert_int_equal(g.filed_at, 3000);
	assert_int_equal(g.decided_at, 0);
	assert_int_equal(g.act_day, 19800);
	assert_int_equal(g.late, 1);
	assert_null(g.decision);
	stale = g;
	stale.payload = stale.decision = NULL;
	request_release(&g);

	r.state = REQ_APPROVED;
	r.decided_at = 4000;
	r.decision = "准予转让";
	OK(s, s->request_update(s, &r));
	assert_int_equal(r.version, 2);
	OK(s, s->request_get(s, r.id, &g));
	assert_int_equal(g.version, 2);
	assert_int_equal(g.state, REQ_APPROVED);
	assert_string_equal(g.decision, "准予转让");
	request_release(&g);
	assert_int_equal(s->request_update(s, &stale), DIP_ECONFLICT);
	assert_non_null(strstr(s->err.message, "was changed by someone else meanwhile"));
	assert_int_equal(s->request_get(s, r.id + 5, &g), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "request not found");

	r.id = 0;
	OK(s, s->request_insert(s, &r));
	OK(s, s->request_ids(s, app, ids, 4, &n));
	assert_int_equal(n, 2);
	assert_true(ids[0] < ids[1] && ids[1] == r.id);
}

static int64_t add_request(struct store *s, int64_t app, enum req_kind kind, enum req_state st,
			   int64_t filed_by, int64_t counterparty)
{
	struct request r;

	memset(&r, 0, sizeof(r));
	r.app_id = app;
	r.kind = kind;
	r.state = st;
	r.filed_by = filed_by;
	r.counterparty_id = counterparty;
	r.payload = "{}";
	r.filed_at = 3000;
	OK(s, s->request_insert(s, &r));
	return r.id;
}

static int list_requests(struct store *s, int64_t account, int awaiting, int state, int kind,
			 int64_t before, int max, int64_t *ids)
{
	struct request_filter f = { account, awaiting, state, kind, before };
	int n = -1;

	OK(s, s->request_list(s, &f, ids, max, &n));
	return n;
}

/* GET /api/requests: an account sees what it filed, what passes to it and
 * what concerns what it holds, newest first; staff see everything. */
static void test_art16_store_requests_listed_by_account_and_awaiting_transferee(void **state)
{
	struct store *s = S(state);
	int64_t alice = add_account(s, "alice"), bob = add_account(s, "bob");
	int64_t carol = add_account(s, "carol"), agent = add_account(s, "agency");
	int64_t app = add_app(s, alice, APP_REGISTERED, "fp1", agent);
	int64_t other = add_app(s, carol, APP_REGISTERED, "fp2", 0);
	int64_t t1, t2, ch, by_agent, theirs, ids[8];
	struct party p;

	memset(&p, 0, sizeof(p));
	p.app_id = app;
	p.account_id = alice;
	p.kind = PARTY_LEGAL;
	OK(s, s->party_put(s, &p));
	p.app_id = other;
	p.account_id = carol;
	OK(s, s->party_put(s, &p));
	t1 = add_request(s, app, REQ_TRANSFER, REQ_DECLINED, alice, bob);
	t2 = add_request(s, app, REQ_TRANSFER, REQ_AWAITING_PARTY, alice, bob);
	ch = add_request(s, app, REQ_CHANGE, REQ_PENDING, alice, 0);
	by_agent = add_request(s, app, REQ_LICENCE, REQ_PENDING, agent, 0);
	theirs = add_request(s, other, REQ_TRANSFER, REQ_AWAITING_PARTY, carol, alice);

	/* The transferee: only what waits for it, then all it was asked. */
	assert_int_equal(list_requests(s, bob, 1, -1, -1, 0, 8, ids), 1);
	assert_int_equal(ids[0], t2);
	assert_int_equal(list_requests(s, bob, 0, -1, -1, 0, 8, ids), 2);
	assert_true(ids[0] == t2 && ids[1] == t1);
	/* The holder: what it filed, what its agent filed on its
	 * registration, and the transfer passing to it; newest first. */
	assert_int_equal(list_requests(s, alice, 0, -1, -1, 0, 8, ids), 5);
	assert_true(ids[0] == theirs && ids[1] == by_agent && ids[2] == ch && ids[3] == t2 &&
		    ids[4] == t1);
	assert_int_equal(list_requests(s, alice, 1, -1, -1, 0, 8, ids), 1);
	assert_int_equal(ids[0], theirs);
	assert_int_equal(list_requests(s, alice, 0, REQ_PENDING, -1, 0, 8, ids), 2);
	assert_int_equal(list_requests(s, alice, 0, -1, REQ_TRANSFER, 0, 8, ids), 3);
	assert_int_equal(list_requests(s, alice, 0, REQ_PENDING, REQ_CHANGE, 0, 8, ids), 1);
	assert_int_equal(ids[0], ch);
	/* Pages: the cursor is the last id of the page before. */
	assert_int_equal(list_requests(s, alice, 0, -1, -1, 0, 2, ids), 2);
	assert_int_equal(list_requests(s, alice, 0, -1, -1, ids[1], 8, ids), 3);
	assert_int_equal(ids[0], ch);
	/* The agent sees what it filed; a stranger nothing. */
	assert_int_equal(list_requests(s, agent, 0, -1, -1, 0, 8, ids), 1);
	assert_int_equal(ids[0], by_agent);
	assert_int_equal(list_requests(s, add_account(s, "dave"), 0, -1, -1, 0, 8, ids), 0);
	/* Staff: every request. */
	assert_int_equal(list_requests(s, 0, 0, -1, -1, 0, 8, ids), 5);
	assert_int_equal(list_requests(s, 0, 0, REQ_AWAITING_PARTY, -1, 0, 8, ids), 2);
	assert_true(ids[0] == theirs && ids[1] == t2);
}

/* ---- events, deadlines ----------------------------------------------------------- */

struct evs {
	struct event v[8];
	int n;
};

static int collect_event(void *ud, const struct event *ev)
{
	struct evs *c = ud;

	c->v[c->n] = *ev;
	c->v[c->n].reason = ev->reason ? strdup(ev->reason) : NULL;
	c->v[c->n].detail = ev->detail ? strdup(ev->detail) : NULL;
	c->n++;
	return 0;
}

static void test_store_events(void **state)
{
	struct store *s = S(state);
	struct event ev;
	struct evs c;
	int64_t last = -1;
	int i;

	OK(s, s->event_last(s, &last));
	assert_int_equal(last, 0);
	memset(&ev, 0, sizeof(ev));
	ev.app_id = 5;
	ev.ref_id = 6;
	ev.at = 1000;
	ev.actor_id = 7;
	ev.actor_role = ROLE_EXAMINER;
	snprintf(ev.action, sizeof(ev.action), "request_correction");
	ev.from_state = APP_SUBMITTED;
	ev.to_state = APP_CORRECTION;
	ev.reason = "名称不清";
	ev.dl_kind = DL_CORRECTION_REPLY;
	ev.dl_due = 5000;
	ev.detail = "{\"defects\":[]}";
	OK(s, s->event_insert(s, &ev));
	assert_true(ev.id > 0);
	memset(&ev, 0, sizeof(ev));
	ev.app_id = 5;
	ev.at = 2000;
	snprintf(ev.action, sizeof(ev.action), "submit");
	ev.dl_kind = DL_NONE;
	OK(s, s->event_insert(s, &ev));
	ev.app_id = 8;
	OK(s, s->event_insert(s, &ev));
	OK(s, s->event_last(s, &last));
	assert_int_equal(last, ev.id);

	memset(&c, 0, sizeof(c));
	OK(s, s->event_list(s, 5, collect_event, &c));
	assert_int_equal(c.n, 2);
	assert_int_equal(c.v[0].ref_id, 6);
	assert_int_equal(c.v[0].at, 1000);
	assert_int_equal(c.v[0].actor_id, 7);
	assert_int_equal(c.v[0].actor_role, ROLE_EXAMINER);
	assert_string_equal(c.v[0].action, "request_correction");
	assert_int_equal(c.v[0].from_state, APP_SUBMITTED);
	assert_int_equal(c.v[0].to_state, APP_CORRECTION);
	assert_string_equal(c.v[0].reason, "名称不清");
	assert_int_equal(c.v[0].dl_kind, DL_CORRECTION_REPLY);
	assert_int_equal(c.v[0].dl_due, 5000);
	assert_string_equal(c.v[0].detail, "{\"defects\":[]}");
	assert_string_equal(c.v[1].action, "submit");
	assert_null(c.v[1].reason);
	assert_null(c.v[1].detail);
	assert_int_equal(c.v[1].dl_kind, DL_NONE);
	assert_true(c.v[0].id < c.v[1].id);
	for (i = 0; i < c.n; i++)
		event_release(&c.v[i]);
}

struct dls {
	struct deadline v[16];
	int n;
};

static int collect_deadline(void *ud, const struct deadline *d)
{
	struct dls *c = ud;

	c->v[c->n++] = *d;
	return 0;
}

static int64_t add_deadline(struct store *s, int64_t app, int64_t ref, int kind, dip_time due,
			    int binds)
{
	struct deadline d;

	memset(&d, 0, sizeof(d));
	d.app_id = app;
	d.ref_id = ref;
	d.kind = kind;
	d.opened_at = 100;
	d.due_at = due;
	d.binds_party = binds;
	OK(s, s->deadline_insert(s, &d));
	assert_true(d.id > 0);
	return d.id;
}

static void test_store_deadlines(void **state)
{
	struct store *s = S(state);
	int64_t a = add_deadline(s, 1, 0, DL_EXAMINE, 5000, 0);
	int64_t b = add_deadline(s, 1, 3, DL_OBJ_ANSWER, 4000, 1);
	int64_t c = add_deadline(s, 2, 0, DL_CORRECTION_REPLY, 4000, 1);
	int64_t d = add_deadline(s, 2, 0, DL_REVIEW, 3000, 0);
	int64_t e = add_deadline(s, 1, 0, DL_PUBLICATION, 9000, 1);
	struct dls l;

	/* Open deadlines of an application, soonest first; by reference. */
	memset(&l, 0, sizeof(l));
	OK(s, s->deadline_open_for(s, 1, -1, collect_deadline, &l));
	assert_int_equal(l.n, 3);
	assert_true(l.v[0].id == b && l.v[1].id == a && l.v[2].id == e);
	assert_int_equal(l.v[0].app_id, 1);
	assert_int_equal(l.v[0].ref_id, 3);
	assert_int_equal(l.v[0].kind, DL_OBJ_ANSWER);
	assert_int_equal(l.v[0].opened_at, 100);
	assert_int_equal(l.v[0].due_at, 4000);
	assert_int_equal(l.v[0].closed_at, 0);
	assert_int_equal(l.v[0].binds_party, 1);
	memset(&l, 0, sizeof(l));
	OK(s, s->deadline_open_for(s, 1, 0, collect_deadline, &l));
	assert_int_equal(l.n, 2);
	assert_true(l.v[0].id == a && l.v[1].id == e);

	/* Due ones: oldest due first, ties by id; binding only or all. */
	memset(&l, 0, sizeof(l));
	OK(s, s->deadline_due(s, 5000, 0, 0, collect_deadline, &l));
	assert_int_equal(l.n, 4);
	assert_true(l.v[0].id == d && l.v[1].id == b && l.v[2].id == c && l.v[3].id == a);
	memset(&l, 0, sizeof(l));
	OK(s, s->deadline_due(s, 5000, 1, 0, collect_deadline, &l));
	assert_int_equal(l.n, 2);
	assert_true(l.v[0].id == b && l.v[1].id == c);
	memset(&l, 0, sizeof(l));
	OK(s, s->deadline_due(s, 5000, 0, 1, collect_deadline, &l));
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].id, d);

	memset(&l, 0, sizeof(l));
	OK(s, s->deadline_tasks(s, 0, collect_deadline, &l));
	assert_int_equal(l.n, 2);
	assert_true(l.v[0].id == d && l.v[1].id == a);

	/* Closing twice is a conflict; closed ones leave every list. */
	OK(s, s->deadline_close(s, d, 3500));
	assert_int_equal(s->deadline_close(s, d, 3600), DIP_ECONFLICT);
	{
		char want[80];

		snprintf(want, sizeof(want), "deadline %lld is already closed", (long long)d);
		assert_string_equal(s->err.message, want);
	}
	memset(&l, 0, sizeof(l));
	OK(s, s->deadline_tasks(s, 0, collect_deadline, &l));
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].id, a);
	memset(&l, 0, sizeof(l));
	OK(s, s->deadline_open_for(s, 2, -1, collect_deadline, &l));
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].id, c);
}

/* ---- messages -------------------------------------------------------------------------- */

static int collect_message(void *ud, const struct message *m)
{
	struct ids *c = ud;

	assert_non_null(m->subject);
	assert_non_null(m->body);
	c->v[c->n++] = m->id;
	return 0;
}

static int64_t add_message(struct store *s, int64_t account, int64_t obj, int64_t app,
			   dip_time at)
{
	struct message m;

	memset(&m, 0, sizeof(m));
	m.account_id = account;
	m.objection_id = obj;
	m.app_id = app;
	snprintf(m.kind, sizeof(m.kind), "receipt");
	m.subject = "受理通知书";
	m.body = "已受理。";
	m.delivered_at = at;
	OK(s, s->message_insert(s, &m));
	assert_true(m.id > 0);
	return m.id;
}

static int first_message(void *ud, const struct message *m)
{
	struct message *out = ud;

	*out = *m;
	out->subject = strdup(m->subject);
	out->body = strdup(m->body);
	return 1;
}

static void test_store_messages(void **state)
{
	struct store *s = S(state);
	int64_t m1 = add_message(s, 10, 0, 1, 100);
	int64_t m2 = add_message(s, 10, 0, 2, 200);
	int64_t m3 = add_message(s, 10, 0, 1, 300);
	int64_t o1 = add_message(s, 0, 4, 1, 400);
	int64_t n;
	struct msg_filter f;
	struct message m;
	struct ids c;

	(void)add_message(s, 11, 4, 1, 500);
	memset(&f, 0, sizeof(f));
	f.account_id = 10;
	memset(&c, 0, sizeof(c));
	OK(s, s->message_list(s, &f, collect_message, &c));
	assert_int_equal(c.n, 3);
	assert_true(c.v[0] == m3 && c.v[1] == m2 && c.v[2] == m1);
	f.app_id = 1;
	memset(&c, 0, sizeof(c));
	OK(s, s->message_list(s, &f, collect_message, &c));
	assert_int_equal(c.n, 2);
	assert_true(c.v[0] == m3 && c.v[1] == m1);
	f.after_id = m3;
	memset(&c, 0, sizeof(c));
	OK(s, s->message_list(s, &f, collect_message, &c));
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0], m1);
	memset(&f, 0, sizeof(f));
	f.account_id = 10;
	f.limit = 2;
	memset(&c, 0, sizeof(c));
	OK(s, s->message_list(s, &f, collect_message, &c));
	assert_int_equal(c.n, 2);
	/* Documents for an objector without account. */
	memset(&f, 0, sizeof(f));
	f.objection_id = 4;
	memset(&c, 0, sizeof(c));
	OK(s, s->message_list(s, &f, collect_message, &c));
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0], o1);

	memset(&f, 0, sizeof(f));
	f.account_id = 10;
	OK(s, s->message_list(s, &f, first_message, &m) == 1 ? 0 : -1);
	assert_int_equal(m.id, m3);
	assert_int_equal(m.account_id, 10);
	assert_int_equal(m.objection_id, 0);
	assert_int_equal(m.app_id, 1);
	assert_string_equal(m.kind, "receipt");
	assert_string_equal(m.subject, "受理通知书");
	assert_string_equal(m.body, "已受理。");
	assert_int_equal(m.delivered_at, 300);
	assert_int_equal(m.read_at, 0);
	message_release(&m);

	/* Read once: the first reading time stays. */
	OK(s, s->message_unread(s, 10, &n));
	assert_int_equal(n, 3);
	OK(s, s->message_mark_read(s, m2, 10, 1000));
	OK(s, s->message_mark_read(s, m2, 10, 2000));
	assert_int_equal(s->message_mark_read(s, m1, 11, 1000), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "message not found");
	OK(s, s->message_unread(s, 10, &n));
	assert_int_equal(n, 2);
	f.unread_only = 1;
	memset(&c, 0, sizeof(c));
	OK(s, s->message_list(s, &f, collect_message, &c));
	assert_int_equal(c.n, 2);
	assert_true(c.v[0] == m3 && c.v[1] == m1);
	f.unread_only = 0;
	f.after_id = m3;
	OK(s, s->message_list(s, &f, first_message, &m) == 1 ? 0 : -1);
	assert_int_equal(m.id, m2);
	assert_int_equal(m.read_at, 1000);
	message_release(&m);
}

/* ---- uploads, deposits, certificates, audit ------------------------------------------------ */

static void test_store_uploads(void **state)
{
	struct store *s = S(state);
	struct upload u, g;
	char sha[65];

	memset(sha, 'a', 64);
	sha[64] = '\0';
	memset(&u, 0, sizeof(u));
	snprintf(u.sha256, sizeof(u.sha256), "%s", sha);
	u.owner_id = 5;
	u.size = 1234567890123;
	snprintf(u.mime, sizeof(u.mime), "application/pdf");
	snprintf(u.name, sizeof(u.name), "合法来源证明.pdf");
	u.created_at = 300;
	assert_int_equal(s->upload_get(s, sha, 5, &g), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "upload not found");
	OK(s, s->upload_insert(s, &u));
	OK(s, s->upload_get(s, sha, 5, &g));
	assert_memory_equal(&u, &g, sizeof(u));
	/* The same file again from its owner is no error, and changes nothing. */
	u.created_at = 999;
	OK(s, s->upload_insert(s, &u));
	OK(s, s->upload_get(s, sha, 5, &g));
	assert_int_equal(g.created_at, 300);
	/* Another owner's copy; without an owner, the oldest copy. */
	u.owner_id = 6;
	u.created_at = 200;
	OK(s, s->upload_insert(s, &u));
	OK(s, s->upload_get(s, sha, 0, &g));
	assert_int_equal(g.owner_id, 6);
	assert_int_equal(s->upload_get(s, sha, 7, &g), DIP_ENOTFOUND);

	assert_int_equal(s->upload_linked(s, sha, 1), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "upload link not found");
	OK(s, s->upload_link(s, sha, 1, "sample"));
	OK(s, s->upload_link(s, sha, 1, "sample"));
	OK(s, s->upload_link(s, sha, 1, "evidence"));
	OK(s, s->upload_linked(s, sha, 1));
	assert_int_equal(s->upload_linked(s, sha, 2), DIP_ENOTFOUND);
}

static void test_art6_store_uploads_reach_the_parties_and_authorised_agent(void **state)
{
	struct store *s = S(state);
	int64_t alice = add_account(s, "alice"), bob = add_account(s, "bob");
	int64_t agent = add_account(s, "agency"), carol = add_account(s, "carol");
	int64_t app = add_app(s, alice, APP_SUBMITTED, "fp", agent);
	struct party p;
	char sha[65];

	memset(sha, 'c', 64);
	sha[64] = '\0';
	memset(&p, 0, sizeof(p));
	p.app_id = app;
	p.account_id = bob;
	p.kind = PARTY_LEGAL;
	OK(s, s->party_put(s, &p));
	assert_int_equal(s->upload_party_link(s, sha, bob), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "upload link not found");
	OK(s, s->upload_link(s, sha, app, "sample"));
	OK(s, s->upload_party_link(s, sha, bob));
	/* The agent, while its power of attorney from every party stands. */
	assert_int_equal(s->upload_party_link(s, sha, agent), DIP_ENOTFOUND);
	OK(s, s->agency_put(s, agent, bob, sha, 0, 0));
	assert_int_equal(s->upload_party_link(s, sha, agent), DIP_ENOTFOUND);
	OK(s, s->agency_put(s, agent, bob, sha, 300, 0));
	OK(s, s->upload_party_link(s, sha, agent));
	OK(s, s->agency_put(s, agent, bob, sha, 300, 400));
	assert_int_equal(s->upload_party_link(s, sha, agent), DIP_ENOTFOUND);
	/* The drafter is not a party unless listed as one. */
	assert_int_equal(s->upload_party_link(s, sha, alice), DIP_ENOTFOUND);
	assert_int_equal(s->upload_party_link(s, sha, carol), DIP_ENOTFOUND);
}

static int logged_deposit(void *ud, const struct deposit *d)
{
	return dbuf_addf(ud, "%lld@%lld ", (long long)d->account_id, (long long)d->ledger_index);
}

static void test_store_deposits(void **state)
{
	struct store *s = S(state);
	struct deposit d, g;
	struct dbuf seen = { 0 };
	int i;

	memset(&d, 0, sizeof(d));
	d.account_id = 3;
	snprintf(d.fingerprint, sizeof(d.fingerprint), "sm3:%064d", 5);
	d.files = 12;
	d.bytes = 9800000000;
	snprintf(d.description, sizeof(d.description), "2023 年客流数据");
	d.ledger_index = 17;
	d.created_at = 400;
	OK(s, s->deposit_insert(s, &d));
	assert_true(d.id > 0);
	OK(s, s->deposit_get(s, d.id, &g));
	assert_memory_equal(&d, &g, sizeof(d));
	assert_int_equal(s->deposit_get(s, d.id + 1, &g), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "deposit not found");
	/* The log index is known only once the entry is appended. */
	OK(s, s->deposit_set_index(s, d.id, 42));
	OK(s, s->deposit_get(s, d.id, &g));
	assert_int_equal(g.ledger_index, 42);
	assert_int_equal(g.bytes, 9800000000);
	/* By their place in the log: those of [lo, hi), by account. */
	for (i = 0; i < 4; i++) {
		d.id = 0;
		d.account_id = i % 2 ? 2 : 5;
		d.ledger_index = 40 + i;
		OK(s, s->deposit_insert(s, &d));
	}
	OK(s, s->deposit_logged(s, 41, 44, logged_deposit, &seen));
	assert_string_equal(seen.p, "2@41 2@43 3@42 5@42 ");
	dbuf_free(&seen);
}

static void test_store_certificates(void **state)
{
	struct store *s = S(state);
	int64_t alice = add_account(s, "alice");
	int64_t app = add_app(s, alice, APP_REGISTERED, "fp", 0);
	struct certificate c, g;

	memset(&c, 0, sizeof(c));
	c.app_id = app;
	snprintf(c.cert_no, sizeof(c.cert_no), "C2024000001");
	snprintf(c.reg_no, sizeof(c.reg_no), "DIP2024000001");
	c.version = 1;
	c.status = CERT_IN_FORCE;
	c.issued_at = 500;
	c.valid_from = 19700;
	c.valid_until = 20795;
	c.status_at = 500;
	c.doc = "{\"v\":1}";
	c.ledger_index = 3;
	assert_int_equal(s->cert_latest(s, app, &g), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "certificate not found");
	OK(s, s->cert_insert(s, &c));
	c.version = 2;
	c.issued_at = 600;
	c.doc = "{\"v\":2}";
	c.ledger_index = -1;
	OK(s, s->cert_insert(s, &c));
	/* Every version stays, and a number and version are issued once. */
	OK(s, s->begin(s, 1));
	assert_int_equal(s->cert_insert(s, &c), DIP_ECONFLICT);
	OK(s, s->cert_get(s, "C2024000001", 1, &g));
	s->rollback(s);
	assert_string_equal(g.doc, "{\"v\":1}");
	assert_int_equal(g.app_id, app);
	assert_string_equal(g.reg_no, "DIP2024000001");
	assert_int_equal(g.version, 1);
	assert_int_equal(g.issued_at, 500);
	assert_int_equal(g.valid_from, 19700);
	assert_int_equal(g.valid_until, 20795);
	assert_int_equal(g.ledger_index, 3);
	certificate_release(&g);
	OK(s, s->cert_get(s, "C2024000001", 0, &g));
	assert_int_equal(g.version, 2);
	assert_int_equal(g.ledger_index, -1);
	certificate_release(&g);
	OK(s, s->cert_latest(s, app, &g));
	assert_int_equal(g.version, 2);
	assert_int_equal(g.id, c.id);
	certificate_release(&g);
	assert_int_equal(s->cert_get(s, "C2024000001", 3, &g), DIP_ENOTFOUND);
	assert_int_equal(s->cert_get(s, "C2024999999", 0, &g), DIP_ENOTFOUND);

	/* Art. 13: a new version supersedes the ones below it. */
	OK(s, s->cert_set_status(s, app, 2, CERT_IN_FORCE, CERT_SUPERSEDED, 700));
	OK(s, s->cert_get(s, "C2024000001", 1, &g));
	assert_int_equal(g.status, CERT_SUPERSEDED);
	assert_int_equal(g.status_at, 700);
	certificate_release(&g);
	OK(s, s->cert_get(s, "C2024000001", 2, &g));
	assert_int_equal(g.status, CERT_IN_FORCE);
	assert_int_equal(g.status_at, 500);
	certificate_release(&g);
	OK(s, s->cert_set_status(s, app, 3, CERT_SUPERSEDED, CERT_CANCELLED, 800));
	OK(s, s->cert_get(s, "C2024000001", 1, &g));
	assert_int_equal(g.status, CERT_CANCELLED);
	certificate_release(&g);
	OK(s, s->cert_get(s, "C2024000001", 2, &g));
	assert_int_equal(g.status, CERT_IN_FORCE);
	certificate_release(&g);
}

static int collect_audit(void *ud, const struct audit_entry *a)
{
	struct ids *c = ud;

	c->v[c->n++] = a->id;
	return 0;
}

static int first_audit(void *ud, const struct audit_entry *a)
{
	*(struct audit_entry *)ud = *a;
	return 1;
}

static void test_store_audit(void **state)
{
	struct store *s = S(state);
	struct audit_entry a, g;
	struct audit_filter f;
	int64_t ids[4];
	struct ids c;
	int i;

	for (i = 0; i < 4; i++) {
		memset(&a, 0, sizeof(a));
		a.at = 1000 + i;
		a.actor_id = i % 2 ? 7 : 8;
		snprintf(a.action, sizeof(a.action), "account.update");
		snprintf(a.object, sizeof(a.object), "account:%d", i < 2 ? 1 : 2);
		snprintf(a.detail, sizeof(a.detail), "角色 %d", i);
		snprintf(a.addr, sizeof(a.addr), "203.0.113.%d", i);
		OK(s, s->audit_insert(s, &a));
		ids[i] = a.id;
	}
	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	OK(s, s->audit_list(s, &f, collect_audit, &c));
	assert_int_equal(c.n, 4);
	assert_true(c.v[0] == ids[3] && c.v[3] == ids[0]);
	f.actor_id = 7;
	memset(&c, 0, sizeof(c));
	OK(s, s->audit_list(s, &f, collect_audit, &c));
	assert_int_equal(c.n, 2);
	assert_true(c.v[0] == ids[3] && c.v[1] == ids[1]);
	f.actor_id = 0;
	f.object = "account:1";
	memset(&c, 0, sizeof(c));
	OK(s, s->audit_list(s, &f, collect_audit, &c));
	assert_int_equal(c.n, 2);
	assert_true(c.v[0] == ids[1] && c.v[1] == ids[0]);
	f.object = NULL;
	f.after_id = ids[3];
	f.limit = 2;
	memset(&c, 0, sizeof(c));
	OK(s, s->audit_list(s, &f, collect_audit, &c));
	assert_int_equal(c.n, 2);
	assert_true(c.v[0] == ids[2] && c.v[1] == ids[1]);
	memset(&f, 0, sizeof(f));
	assert_int_equal(s->audit_list(s, &f, first_audit, &g), 1);
	assert_memory_equal(&a, &g, sizeof(a));
}

/* ---- the transparency log ------------------------------------------------------------------ */

static void test_store_ledger_entries(void **state)
{
	struct store *s = S(state);
	const char bin[] = { 'a', '\0', (char)0xff, (char)0x80, 'z' };
	struct dbuf b;
	int64_t idx, n, ann[10];
	int k;

	dbuf_init(&b, 0);
	OK(s, s->ledger_size(s, &n));
	assert_int_equal(n, 0);
	assert_int_equal(s->ledger_entry(s, 0, &b), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "log entry not found");
	OK(s, s->ledger_append(s, "{\"type\":\"a\"}", 12, 1, &idx));
	assert_int_equal(idx, 0);
	OK(s, s->ledger_append(s, bin, sizeof(bin), 0, &idx));
	assert_int_equal(idx, 1);
	OK(s, s->ledger_append(s, "", 0, 1, &idx));
	assert_int_equal(idx, 2);
	OK(s, s->ledger_entry(s, 1, &b));
	assert_int_equal(b.len, sizeof(bin));
	assert_memory_equal(b.p, bin, sizeof(bin));
	OK(s, s->ledger_entry(s, 0, &b));
	assert_string_equal(b.p, "{\"type\":\"a\"}");
	OK(s, s->ledger_entry(s, 2, &b));
	assert_int_equal(b.len, 0);
	/* An append that is rolled back leaves no gap. */
	OK(s, s->begin(s, 1));
	OK(s, s->ledger_append(s, "x", 1, 1, &idx));
	assert_int_equal(idx, 3);
	s->rollback(s);
	OK(s, s->ledger_size(s, &n));
	assert_int_equal(n, 3);
	OK(s, s->begin(s, 1));
	OK(s, s->ledger_append(s, "y", 1, 1, &idx));
	assert_int_equal(idx, 3);
	OK(s, s->commit(s));
	OK(s, s->ledger_size(s, &n));
	assert_int_equal(n, 4);
	OK(s, s->ledger_entry(s, 3, &b));
	assert_string_equal(b.p, "y");
	dbuf_free(&b);
	/* The announced entries, newest first, below an index: the one that
	 * was not announced (1) and the one rolled back are not there. */
	OK(s, s->ledger_announcements(s, INT64_MAX, ann, 10, &k));
	assert_int_equal(k, 3);
	assert_true(ann[0] == 3 && ann[1] == 2 && ann[2] == 0);
	OK(s, s->ledger_announcements(s, 3, ann, 1, &k));
	assert_int_equal(k, 1);
	assert_int_equal(ann[0], 2);
	OK(s, s->ledger_announcements(s, 0, ann, 10, &k));
	assert_int_equal(k, 0);
}

static void test_store_tiles_and_checkpoints(void **state)
{
	struct store *s = S(state);
	uint8_t h[256 * 32], g[256 * 32];
	struct checkpoint_row c, got;
	int i;

	for (i = 0; i < (int)sizeof(h); i++)
		h[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(s->tile_get(s, 0, 0, 256, g), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "tile not found");
	OK(s, s->tile_put(s, 0, 0, 256, h));
	OK(s, s->tile_put(s, 1, 0, 3, h + 32));
	OK(s, s->tile_get(s, 0, 0, 256, g));
	assert_memory_equal(g, h, sizeof(h));
	OK(s, s->tile_get(s, 1, 0, 3, g));
	assert_memory_equal(g, h + 32, 3 * 32);
	assert_int_equal(s->tile_get(s, 1, 0, 4, g), DIP_ENOTFOUND);
	/* A tile is immutable: putting it again keeps the first. */
	OK(s, s->tile_put(s, 1, 0, 3, h));
	OK(s, s->tile_get(s, 1, 0, 3, g));
	assert_memory_equal(g, h + 32, 3 * 32);

	assert_int_equal(s->checkpoint_latest(s, &got), DIP_ENOTFOUND);
	assert_string_equal(s->err.message, "checkpoint not found");
	memset(&c, 0, sizeof(c));
	c.size = 5;
	memcpy(c.root, h, 32);
	c.note = "dipreg.example.cn/log\n5\nroot\n\n— sig\n";
	c.created_at = 900;
	OK(s, s->checkpoint_put(s, &c));
	c.size = 3;
	memcpy(c.root, h + 32, 32);
	OK(s, s->checkpoint_put(s, &c));
	OK(s, s->checkpoint_latest(s, &got));
	assert_int_equal(got.size, 5);
	assert_memory_equal(got.root, h, 32);
	assert_string_equal(got.note, c.note);
	assert_int_equal(got.created_at, 900);
	checkpoint_row_release(&got);
	/* A cosigned note replaces the note of the same size. */
	c.size = 5;
	c.note = "cosigned";
	OK(s, s->checkpoint_put(s, &c));
	OK(s, s->checkpoint_latest(s, &got));
	assert_string_equal(got.note, "cosigned");
	assert_memory_equal(got.root, h, 32);
	assert_false(got.witnessed);
	checkpoint_row_release(&got);
	/* Witnessed: the latest such checkpoint larger than a size. */
	assert_int_equal(s->checkpoint_witnessed(s, -1, &got), DIP_ENOTFOUND);
	c.size = 3;
	c.witnessed = 1;
	OK(s, s->checkpoint_put(s, &c));
	c.size = 8;
	c.witnessed = 0;
	OK(s, s->checkpoint_put(s, &c));
	OK(s, s->checkpoint_witnessed(s, -1, &got));
	assert_int_equal(got.size, 3);
	assert_true(got.witnessed);
	checkpoint_row_release(&got);
	assert_int_equal(s->checkpoint_witnessed(s, 3, &got), DIP_ENOTFOUND);
	c.size = 5;
	c.witnessed = 1;
	OK(s, s->checkpoint_put(s, &c));
	OK(s, s->checkpoint_witnessed(s, 2, &got));
	assert_int_equal(got.size, 5);
	checkpoint_row_release(&got);
	OK(s, s->checkpoint_latest(s, &got));
	assert_int_equal(got.size, 8);
	assert_false(got.witnessed);
	checkpoint_row_release(&got);
}

/* ---- transactions and concurrency ---------------------------------------------------------- */

static void test_store_transactions(void **state)
{
	struct sfx *x = *state;
	struct store *s = x->s, *t;
	struct dip_error e;
	struct account a;
	int64_t n;

	OK(s, s->begin(s, 1));
	assert_int_equal(s->begin(s, 1), DIP_EDB);
	assert_string_equal(s->err.message, "database: transaction already open");
	(void)add_account(s, "alice");
	s->rollback(s);
	assert_int_equal(s->account_by_login(s, "alice", &a), DIP_ENOTFOUND);
	s->rollback(s); /* harmless without a transaction */

	/* A read transaction sees one snapshot, whatever commits meanwhile. */
	t = store_open(x->db.url, &e);
	if (t == NULL)
		fail_msg("store: %s", e.message);
	OK(s, s->begin(s, 0));
	OK(s, s->account_count(s, &n));
	assert_int_equal(n, 0);
	OK(t, t->begin(t, 1));
	(void)add_account(t, "bob");
	OK(t, t->commit(t));
	OK(s, s->account_count(s, &n));
	assert_int_equal(n, 0);
	s->rollback(s);
	OK(s, s->account_count(s, &n));
	assert_int_equal(n, 1);
	store_close(t);
}

#define APPENDERS 6
#define APPENDS 20

struct appender {
	const char *url;
	int who;
	int64_t idx[APPENDS];
	int committed[APPENDS];
	int rc;
	char msg[512];
};

static void *append_thread(void *arg)
{
	struct appender *ap = arg;
	struct dip_error e;
	struct store *s = store_open(ap->url, &e);
	char entry[32];
	int i, rc = 0;

	if (s == NULL) {
		ap->rc = e.code;
		snprintf(ap->msg, sizeof(ap->msg), "%s", e.message);
		return NULL;
	}
	for (i = 0; rc == 0 && i < APPENDS; i++) {
		snprintf(entry, sizeof(entry), "%d/%d", ap->who, i);
		/* The loser of a lock race may be told to try again. */
		do {
			rc = s->begin(s, 1);
			if (rc == 0)
				rc = s->ledger_append(s, entry, strlen(entry), 1, &ap->idx[i]);
			/* Every fifth append changes its mind: no gap may stay. */
			if (rc == 0 && i % 5 == 4) {
				s->rollback(s);
			} else if (rc == 0) {
				rc = s->commit(s);
				ap->committed[i] = rc == 0;
			} else {
				s->rollback(s);
			}
		} while (rc == DIP_EBUSY);
	}
	if (rc) {
		ap->rc = rc;
		snprintf(ap->msg, sizeof(ap->msg), "%s", s->err.message);
	}
	store_close(s);
	return NULL;
}

static void test_store_concurrent_appends_are_gap_free_and_serial(void **state)
{
	struct sfx *x = *state;
	struct store *s = x->s;
	static struct appender ap[APPENDERS];
	pthread_t th[APPENDERS];
	char seen[APPENDERS * APPENDS];
	char want[32];
	struct dbuf b;
	int64_t n, total = 0;
	int i, j;

	for (i = 0; i < APPENDERS; i++) {
		memset(&ap[i], 0, sizeof(ap[i]));
		ap[i].url = x->db.url;
		ap[i].who = i;
		assert_int_equal(pthread_create(&th[i], NULL, append_thread, &ap[i]), 0);
	}
	for (i = 0; i < APPENDERS; i++)
		pthread_join(th[i], NULL);
	memset(seen, 0, sizeof(seen));
	dbuf_init(&b, 0);
	for (i = 0; i < APPENDERS; i++) {
		if (ap[i].rc)
			fail_msg("appender %d: %d: %s", i, ap[i].rc, ap[i].msg);
		for (j = 0; j < APPENDS; j++) {
			if (!ap[i].committed[j])
				continue;
			total++;
			assert_true(ap[i].idx[j] >= 0 && ap[i].idx[j] < APPENDERS * APPENDS);
			assert_int_equal(seen[ap[i].idx[j]], 0);
			seen[ap[i].idx[j]] = 1;
			/* Each index holds the entry of the transaction that got it. */
			OK(s, s->ledger_entry(s, ap[i].idx[j], &b));
			snprintf(want, sizeof(want), "%d/%d", i, j);
			assert_string_equal(b.p, want);
			/* One appender's entries keep their order. */
			if (j > 0 && ap[i].committed[j - 1])
				assert_true(ap[i].idx[j] > ap[i].idx[j - 1]);
		}
	}
	dbuf_free(&b);
	assert_int_equal(total, APPENDERS * (APPENDS - APPENDS / 5));
	OK(s, s->ledger_size(s, &n));
	assert_int_equal(n, total);
	for (i = 0; i < total; i++)
		assert_int_equal(seen[i], 1);
}

/* Group commit: a commit that wrote takes a ticket before it is visible,
 * one that wrote nothing takes none, and one sync covers every ticket so
 * far.  Writers of a group queue for each other without failing. */
struct grouped {
	const char *url;
	struct store_group *g;
	int n;                                     /* transactions */
	int (*write)(struct store *s, int i);      /* the change of transaction i */
	int pause_us;                              /* between transactions */
	_Atomic int done;
	int rc;
	char msg[600];
};

static void *grouped_writer(void *arg)
{
	struct grouped *w = arg;
	struct dip_error e;
	struct store *s = store_open_grouped(w->url, w->g, &e);
	int i;

	if (s == NULL) {
		w->rc = -1;
		snprintf(w->msg, sizeof(w->msg), "%s", e.message);
		atomic_store(&w->done, 1);
		return NULL;
	}
	for (i = 0; i < w->n && w->rc == 0; i++) {
		w->rc = s->begin(s, 1);
		if (w->rc == 0)
			w->rc = w->write(s, i);
		if (w->rc == 0)
			w->rc = s->commit(s);
		else
			s->rollback(s);
		if (w->pause_us)
			usleep((useconds_t)w->pause_us);
	}
	if (w->rc)
		snprintf(w->msg, sizeof(w->msg), "%s", s->err.message);
	store_close(s);
	atomic_store(&w->done, 1);
	return NULL;
}

static int append_entry(struct store *s, int i)
{
	int64_t idx;

	(void)i;
	return s->ledger_append(s, "x", 1, 1, &idx);
}

static void test_store_group_commit_tickets_and_sync(void **state)
{
	struct sfx *x = *state;
	struct store_group *g = store_group_new(x->db.url);
	struct grouped w[4];
	pthread_t th[4];
	struct dip_error e;
	struct store *s;
	uint64_t d = 0;
	int64_t n;
	int i;

	if (testdb_pg()) {
		/* PostgreSQL commits are durable by themselves. */
		assert_null(g);
		return;
	}
	assert_non_null(g);
	s = store_open_grouped(x->db.url, g, &e);
	assert_non_null(s);
	OK(s, s->begin(s, 1));
	OK(s, s->setting_put(s, "a", "1"));
	assert_int_equal(store_group_reserved(g), 0);
	OK(s, s->commit(s));
	assert_int_equal(store_group_reserved(g), 1);
	assert_int_equal(store_group_durable(g), 0);
	/* Nothing written, nothing to wait for. */
	OK(s, s->begin(s, 1));
	OK(s, s->ledger_size(s, &n));
	OK(s, s->commit(s));
	OK(s, s->begin(s, 1));
	OK(s, s->setting_put(s, "a", "2"));
	s->rollback(s);
	assert_int_equal(store_group_reserved(g), 1);
	OK(s, store_group_sync(g, &d, &e));
	assert_int_equal(d, 1);
	assert_int_equal(store_group_durable(g), 1);
	for (i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].url = x->db.url;
		w[i].g = g;
		w[i].n = 50;
		w[i].write = append_entry;
		assert_int_equal(pthread_create(&th[i], NULL, grouped_writer, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		if (w[i].rc)
			fail_msg("writer %d: %d: %s", i, w[i].rc, w[i].msg);
	}
	assert_int_equal(store_group_reserved(g), 201);
	OK(s, store_group_sync(g, &d, &e));
	assert_int_equal(d, 201);
	OK(s, s->ledger_size(s, &n));
	assert_int_equal(n, 200);
	OK(s, store_group_checkpoint(g, 0, &e));
	store_close(s);
	store_group_free(g);
}

/* Checkpoints under a steady stream of commits: the log is copied into
 * the database and starts over, so it stays a few times min_bytes long
 * instead of growing to the 16-times limit; nothing is lost on the way,
 * and a reader holding an old snapshot never makes a checkpoint wait. */
static int put_setting(struct store *s, int i)
{
	char key[32], value[3001];

	memset(value, 'v', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	snprintf(key, sizeof(key), "stream.%d", i);
	return s->setting_put(s, key, value);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void test_store_checkpoints_keep_the_log_short_under_steady_commits(void **state)
{
	struct sfx *x = *state;
	struct store_group *g = store_group_new(x->db.url);
	const int64_t min_bytes = 1 << 20;
	/* A server's pace rather than a tight loop. */
	struct grouped w = { x->db.url, g, 3000, put_setting, 200, 0, 0, "" };
	struct timespec t0;
	struct dip_error e;
	struct dbuf v = { 0 };
	struct store *r;
	struct stat st;
	char wal[700], key[32];
	off_t longest = 0;
	double slowest = 0, ms;
	pthread_t th;
	int i;

	if (testdb_pg()) {
		assert_null(g);
		return;
	}
	snprintf(wal, sizeof(wal), "%s-wal", x->db.url);
	r = store_open_grouped(x->db.url, g, &e);
	assert_non_null(r);
	assert_int_equal(pthread_create(&th, NULL, grouped_writer, &w), 0);
	while (!atomic_load(&w.done)) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		OK(r, store_group_checkpoint(g, min_bytes, &e));
		if ((ms = ms_since(&t0)) > slowest)
			slowest = ms;
		if (stat(wal, &st) == 0 && st.st_size > longest)
			longest = st.st_size;
		usleep(2000);
	}
	pthread_join(th, NULL);
	if (w.rc)
		fail_msg("writer: %d: %s", w.rc, w.msg);
	/* About 3000 * 3 KB went through the log: without restarts it would
	 * have reached the limit of 16 times min_bytes. */
	if (longest >= 8 * min_bytes)
		fail_msg("the log grew to %lld bytes", (long long)longest);
	for (i = 0; i < w.n; i += 97) {
		snprintf(key, sizeof(key), "stream.%d", i);
		OK(r, r->begin(r, 0));
		OK(r, r->setting_get(r, key, &v));
		assert_int_equal(v.len, 3000);
		r->rollback(r);
	}
	/* A reader on an old snapshot: the checkpoint copies what it can
	 * and returns at once; the log restarts once the reader is done. */
	OK(r, r->begin(r, 0));
	OK(r, r->setting_get(r, "stream.0", &v));
	w.n = 600;
	atomic_store(&w.done, 0);
	assert_int_equal(pthread_create(&th, NULL, grouped_writer, &w), 0);
	pthread_join(th, NULL);
	assert_int_equal(w.rc, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	OK(r, store_group_checkpoint(g, min_bytes, &e));
	if ((ms = ms_since(&t0)) > slowest)
		slowest = ms;
	r->rollback(r);
	if (slowest > 500)
		fail_msg("a checkpoint took %.0f ms", slowest);
	dbuf_free(&v);
	store_close(r);
	store_group_free(g);
}

/* Batched commit: the transactions of a batch are savepoints of one, seen
 * by other connections only when the batch is committed; one that rolls
 * back takes only its own changes with it; the batch takes one ticket. */
static int visible(struct store *s, const char *key)
{
	struct dbuf v = { 0 };
	int rc;

	assert_int_equal(s->begin(s, 0), 0);
	rc = s->setting_get(s, key, &v);
	s->rollback(s);
	dbuf_free(&v);
	return rc == 0;
}

static void test_store_batch_commits_many_transactions_as_one(void **state)
{
	struct sfx *x = *state;
	struct store_group *g = store_group_new(x->db.url);
	struct dip_error e;
	struct store *a, *b;
	uint64_t d = 0;

	a = store_open_grouped(x->db.url, g, &e);
	b = store_open_grouped(x->db.url, g, &e);
	assert_non_null(a);
	assert_non_null(b);
	a->batch_allow(a, 1);
	OK(a, a->begin(a, 1));
	OK(a, a->setting_put(a, "batch.1", "1"));
	OK(a, a->commit(a));
	if (g == NULL) {
		/* PostgreSQL: every commit is durable by itself, no batch. */
		assert_int_equal(a->batch_size(a), 0);
		assert_true(visible(b, "batch.1"));
		OK(a, a->batch_commit(a));
		goto out;
	}
	assert_int_equal(a->batch_size(a), 1);
	assert_int_equal(store_group_reserved(g), 1);
	assert_int_equal(store_group_committed(g), 0);
	assert_false(visible(b, "batch.1"));
	/* A transaction of the batch that fails undoes only itself. */
	OK(a, a->begin(a, 1));
	OK(a, a->setting_put(a, "batch.2", "2"));
	a->rollback(a);
	OK(a, a->begin(a, 1));
	OK(a, a->setting_put(a, "batch.3", "3"));
	OK(a, a->commit(a));
	a->batch_allow(a, 0);
	/* Still in the batch, which it sees whole. */
	assert_int_equal(a->batch_size(a), 2);
	assert_true(visible(a, "batch.1"));
	assert_false(visible(a, "batch.2"));
	assert_int_equal(a->batch_size(a), 2);
	assert_int_equal(store_group_reserved(g), 1);
	OK(a, a->batch_commit(a));
	assert_int_equal(a->batch_size(a), 0);
	assert_int_equal(store_group_committed(g), 1);
	assert_true(visible(b, "batch.1"));
	assert_false(visible(b, "batch.2"));
	assert_true(visible(b, "batch.3"));
	OK(a, store_group_sync(g, &d, &e));
	assert_int_equal(d, 1);
	/* Nothing open: nothing to do.  Without batching, commits are single. */
	OK(a, a->batch_commit(a));
	OK(b, b->begin(b, 1));
	OK(b, b->setting_put(b, "batch.4", "4"));
	OK(b, b->commit(b));
	assert_int_equal(b->batch_size(b), 0);
	assert_true(visible(a, "batch.4"));
	assert_int_equal(store_group_committed(g), 2);
out:
	store_close(a);
	store_close(b);
	store_group_free(g);
}

/*
 * A full disk (or a file grown to the size limit) refuses the log's
 * growth: here the process's own file size limit, set just past the log's
 * size, so that the next write of a frame fails (EFBIG, SIGXFSZ ignored as
 * the server does).  The teardown lifts it, whatever the test did.
 */
static struct rlimit fsize_saved;

static void refuse_writes_past(const char *db)
{
	char wal[700];
	struct stat st;
	struct rlimit rl;

	snprintf(wal, sizeof(wal), "%s-wal", db);
	if (stat(wal, &st) != 0)
		fail_msg("%s: %s", wal, strerror(errno));
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &fsize_saved), 0);
	rl = fsize_saved;
	rl.rlim_cur = (rlim_t)st.st_size + 100;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

static void accept_writes(void)
{
	if (fsize_saved.rlim_max != 0)
		setrlimit(RLIMIT_FSIZE, &fsize_saved);
}

static int teardown_fsize(void **state)
{
	accept_writes();
	return teardown(state);
}

/* A new group of x's database with two connections, a to write and b to
 * read; NULL on PostgreSQL, which has no groups and no batches. */
static struct store_group *open_two(struct sfx *x, struct store **a, struct store **b)
{
	struct store_group *g = store_group_new(x->db.url);
	struct dip_error e;

	*a = *b = NULL;
	if (g == NULL)
		return NULL;
	*a = store_open_grouped(x->db.url, g, &e);
	*b = store_open_grouped(x->db.url, g, &e);
	assert_non_null(*a);
	assert_non_null(*b);
	return g;
}

static void put(struct store *s, const char *key, const char *value)
{
	OK(s, s->begin(s, 1));
	OK(s, s->setting_put(s, key, value));
	OK(s, s->commit(s));
}

/* Art. 7: what was acknowledged stays; a batch the disk refuses at its
 * commit is lost whole, says why, and keeps nobody waiting. */
static void test_art7_store_batch_refused_by_the_disk_is_lost_whole(void **state)
{
	struct sfx *x = *state;
	struct store *a, *b;
	struct store_group *g = open_two(x, &a, &b);
	struct dip_error e;
	uint64_t d = 0;

	if (g == NULL)
		return;
	put(a, "kept", "1");
	OK(a, store_group_sync(g, &d, &e));
	a->batch_allow(a, 1);
	put(a, "lost.1", "1");
	put(a, "lost.2", "2");
	a->batch_allow(a, 0);
	assert_int_equal(a->batch_size(a), 2);
	refuse_writes_past(x->db.url);
	assert_int_equal(a->batch_commit(a), DIP_EDB);
	assert_non_null(strstr(a->err.message, "a batch of 2 transactions was lost: disk I/O error"));
	accept_writes();
	/* Reported once; its ticket counts as done, so a sync covers it. */
	assert_int_equal(a->batch_size(a), 0);
	OK(a, a->batch_commit(a));
	assert_int_equal(store_group_committed(g), store_group_reserved(g));
	OK(a, store_group_sync(g, &d, &e));
	assert_int_equal(d, store_group_reserved(g));
	assert_true(visible(b, "kept"));
	assert_false(visible(b, "lost.1"));
	assert_false(visible(b, "lost.2"));
	/* The disk takes writes again: so does the store. */
	put(a, "after", "1");
	assert_true(visible(b, "after"));
	store_close(a);
	store_close(b);
	store_group_free(g);
}

/* Art. 7: a batch that SQLite ends midway (a write of the log failing
 * while a large transaction spills its pages) is lost; until that is
 * reported, no write commits on its own on that connection, since the
 * server takes back every answer given meanwhile as part of the batch. */
static void test_art7_store_no_write_commits_alone_while_a_lost_batch_is_unreported(void **state)
{
	struct sfx *x = *state;
	struct store *a, *b;
	struct store_group *g = open_two(x, &a, &b);
	size_t n = 4 << 20;
	char *big;

	if (g == NULL)
		return;
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'x', n);
	big[n] = '\0';
	put(a, "kept", "1");
	a->batch_allow(a, 1);
	put(a, "lost.1", "1");
	refuse_writes_past(x->db.url);
	/* More pages than the page cache holds: SQLite writes some to the
	 * log before the commit, which fails, and rolls the batch back. */
	OK(a, a->begin(a, 1));
	assert_int_not_equal(a->setting_put(a, "lost.big", big), 0);
	a->rollback(a);
	accept_writes();
	assert_true(a->batch_size(a) > 0);
	/* The next request of the loop's turn: refused, not stored alone. */
	assert_int_equal(a->begin(a, 1), DIP_EBUSY);
	assert_int_equal(a->batch_size(a), 1);
	a->batch_allow(a, 0);
	assert_int_equal(a->batch_commit(a), DIP_EDB);
	assert_int_equal(a->batch_size(a), 0);
	assert_true(visible(b, "kept"));
	assert_false(visible(b, "lost.1"));
	assert_false(visible(b, "lost.big"));
	/* Reported: writes go on. */
	a->batch_allow(a, 1);
	put(a, "after", "1");
	a->batch_allow(a, 0);
	OK(a, a->batch_commit(a));
	assert_true(visible(b, "after"));
	free(big);
	store_close(a);
	store_close(b);
	store_group_free(g);
}

struct race {
	const char *url;
	int64_t app_id;
	int rc;
	pthread_barrier_t *bar;
};

static void *race_thread(void *arg)
{
	struct race *r = arg;
	struct dip_error e;
	struct store *s = store_open(r->url, &e);
	struct application a;
	int got;

	r->rc = -99;
	got = s && s->app_get(s, r->app_id, &a) == 0;
	/* Both hold version 1 before either writes. */
	pthread_barrier_wait(r->bar);
	if (got) {
		a.corrections++;
		r->rc = s->begin(s, 1);
		if (r->rc == 0)
			r->rc = s->app_update(s, &a);
		if (r->rc == 0)
			r->rc = s->commit(s);
		else
			s->rollback(s);
		application_release(&a);
	}
	store_close(s);
	return NULL;
}

static void test_store_concurrent_versioned_updates_one_wins(void **state)
{
	struct sfx *x = *state;
	struct store *s = x->s;
	pthread_barrier_t bar;
	struct race r[2];
	pthread_t th[2];
	struct application a;
	int64_t app;
	int i;

	app = add_app(s, add_account(s, "alice"), APP_SUBMITTED, "fp", 0);
	pthread_barrier_init(&bar, NULL, 2);
	for (i = 0; i < 2; i++) {
		r[i] = (struct race){ x->db.url, app, -99, &bar };
		assert_int_equal(pthread_create(&th[i], NULL, race_thread, &r[i]), 0);
	}
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&bar);
	assert_int_equal((r[0].rc == 0) + (r[1].rc == 0), 1);
	assert_true(r[0].rc == DIP_ECONFLICT || r[1].rc == DIP_ECONFLICT);
	OK(s, s->app_get(s, app, &a));
	assert_int_equal(a.version, 2);
	assert_int_equal(a.corrections, 1);
	application_release(&a);
}

struct loader {
	const char *url;
	int64_t app_id;
	int64_t version;
	int rc;
};

static void *load_thread(void *arg)
{
	struct loader *l = arg;
	struct dip_error e;
	struct store *s = store_open(l->url, &e);
	struct application a;

	l->rc = -99;
	if (s == NULL)
		return NULL;
	l->rc = s->begin(s, 1);
	if (l->rc == 0)
		l->rc = s->app_get(s, l->app_id, &a);
	if (l->rc == 0) {
		l->version = a.version;
		application_release(&a);
	}
	s->rollback(s);
	store_close(s);
	return NULL;
}

static void test_store_write_transactions_on_one_application_queue(void **state)
{
	struct sfx *x = *state;
	struct store *s = x->s;
	struct application a;
	struct loader l;
	pthread_t th;

	/* As with BEGIN IMMEDIATE: a write transaction that loads an
	 * application another write transaction loaded sees it only after
	 * that one ends, with its changes. */
	l.app_id = add_app(s, add_account(s, "alice"), APP_SUBMITTED, "fp", 0);
	l.url = x->db.url;
	OK(s, s->begin(s, 1));
	OK(s, s->app_get(s, l.app_id, &a));
	assert_int_equal(pthread_create(&th, NULL, load_thread, &l), 0);
	usleep(200 * 1000);
	a.state = APP_PUBLICATION;
	OK(s, s->app_update(s, &a));
	OK(s, s->commit(s));
	application_release(&a);
	pthread_join(th, NULL);
	assert_int_equal(l.rc, 0);
	assert_int_equal(l.version, 2);
}

struct head_reader {
	const char *url;
	int64_t size;
	int rc;
};

static void *head_thread(void *arg)
{
	struct head_reader *h = arg;
	struct dip_error e;
	struct store *s = store_open(h->url, &e);
	struct checkpoint_row c;

	h->rc = -99;
	if (s == NULL)
		return NULL;
	h->rc = s->begin(s, 1);
	if (h->rc == 0)
		h->rc = s->checkpoint_latest(s, &c);
	if (h->rc == 0) {
		h->size = c.size;
		checkpoint_row_release(&c);
	}
	s->rollback(s);
	store_close(s);
	return NULL;
}

static void test_store_one_sequencer_at_a_time(void **state)
{
	struct sfx *x = *state;
	struct store *s = x->s;
	struct checkpoint_row c;
	struct head_reader h;
	pthread_t th;
	int64_t idx, n;

	/* A write transaction that reads the log's head (size, latest
	 * checkpoint) to sign a checkpoint excludes every other such
	 * transaction until it ends: the next sequencer or cosigner reads the
	 * checkpoint it wrote, not the one before. */
	OK(s, s->ledger_append(s, "a", 1, 1, &idx));
	OK(s, s->ledger_append(s, "b", 1, 1, &idx));
	h.url = x->db.url;
	OK(s, s->begin(s, 1));
	OK(s, s->ledger_size(s, &n));
	assert_int_equal(n, 2);
	assert_int_equal(pthread_create(&th, NULL, head_thread, &h), 0);
	usleep(200 * 1000);
	memset(&c, 0, sizeof(c));
	c.size = n;
	c.note = "checkpoint 2";
	OK(s, s->checkpoint_put(s, &c));
	OK(s, s->commit(s));
	pthread_join(th, NULL);
	assert_int_equal(h.rc, 0);
	assert_int_equal(h.size, 2);
}

struct opener {
	const char *url;
	int rc;
	char msg[512];
};

static void *open_thread(void *arg)
{
	struct opener *o = arg;
	struct dip_error e;
	struct store *s = store_open(o->url, &e);

	if (s == NULL) {
		o->rc = e.code;
		snprintf(o->msg, sizeof(o->msg), "%s", e.message);
		return NULL;
	}
	store_close(s);
	return NULL;
}

static void test_store_servers_starting_at_once_migrate_once(void **state)
{
	struct opener o[4];
	pthread_t th[4];
	struct testdb db;
	struct store *s;
	struct dip_error e;
	int64_t n;
	int i;

	(void)state;
	testdb_create_ex(&db, 1);
	for (i = 0; i < 4; i++) {
		memset(&o[i], 0, sizeof(o[i]));
		o[i].url = db.url;
		assert_int_equal(pthread_create(&th[i], NULL, open_thread, &o[i]), 0);
	}
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 4; i++)
		if (o[i].rc)
			fail_msg("opener %d: %d: %s", i, o[i].rc, o[i].msg);
	s = store_open(db.url, &e);
	if (s == NULL)
		fail_msg("store: %s", e.message);
	OK(s, s->ledger_size(s, &n));
	assert_int_equal(n, 0);
	store_close(s);
	testdb_drop(&db);
}

/* ---- several servers; whole tables ---------------------------------------------------------- */

struct locker {
	const char *url;
	const char *name;
	int got;
	int rc;
};

static void *try_lock_thread(void *arg)
{
	struct locker *l = arg;
	struct dip_error e;
	struct store *s = store_open(l->url, &e);

	l->rc = -99;
	if (s == NULL)
		return NULL;
	l->rc = s->begin(s, 1);
	if (l->rc == 0)
		l->rc = s->tx_lock(s, l->name, 0, &l->got);
	s->rollback(s);
	store_close(s);
	return NULL;
}

static int try_lock_elsewhere(const char *url, const char *name)
{
	struct locker l = { url, name, -1, -99 };
	pthread_t th;

	assert_int_equal(pthread_create(&th, NULL, try_lock_thread, &l), 0);
	pthread_join(th, NULL);
	assert_int_equal(l.rc, 0);
	return l.got;
}

static void test_store_named_locks_have_one_holder_at_a_time(void **state)
{
	struct sfx *x = *state;
	struct store *s = x->s, *t;
	struct dip_error e;
	int got = -1;

	assert_int_equal(s->tx_lock(s, "scheduler", 0, &got), DIP_ESTATE);
	OK(s, s->begin(s, 1));
	OK(s, s->tx_lock(s, "scheduler", 0, &got));
	assert_int_equal(got, 1);
	OK(s, s->tx_lock(s, "scheduler", 1, &got)); /* again: a no-op */
	assert_int_equal(got, 1);
	if (strcmp(s->backend, "postgresql") != 0) {
		/* SQLite: the write transaction holds every lock; no other
		 * writer could even begin. */
		OK(s, s->commit(s));
		return;
	}
	assert_int_equal(s->tx_lock(s, "no such lock", 0, &got), DIP_EINVAL);
	s->rollback(s);
	OK(s, s->begin(s, 1));
	OK(s, s->tx_lock(s, "scheduler", 0, &got));
	/* Another server finds it taken, but not the sequencer's. */
	assert_int_equal(try_lock_elsewhere(x->db.url, "scheduler"), 0);
	assert_int_equal(try_lock_elsewhere(x->db.url, "sequencer"), 1);
	/* The end of the transaction releases it. */
	OK(s, s->commit(s));
	assert_int_equal(try_lock_elsewhere(x->db.url, "scheduler"), 1);
	/* Reading the log's head takes the sequencer's lock; tx_lock then
	 * has it already. */
	OK(s, s->begin(s, 1));
	{
		int64_t n;

		OK(s, s->ledger_size(s, &n));
	}
	assert_int_equal(try_lock_elsewhere(x->db.url, "sequencer"), 0);
	OK(s, s->tx_lock(s, "sequencer", 0, &got));
	assert_int_equal(got, 1);
	s->rollback(s);
	/* A server that dies mid-transaction hands the lock on. */
	t = store_open(x->db.url, &e);
	if (t == NULL)
		fail_msg("store: %s", e.message);
	OK(t, t->begin(t, 1));
	OK(t, t->tx_lock(t, "sequencer", 1, &got));
	assert_int_equal(try_lock_elsewhere(x->db.url, "sequencer"), 0);
	store_close(t);
	{
		int i, free_ = 0;

		/* The server notices the closed connection in a moment. */
		for (i = 0; i < 200 && !free_; i++) {
			free_ = try_lock_elsewhere(x->db.url, "sequencer");
			if (!free_)
				usleep(10 * 1000);
		}
		assert_true(free_);
	}
}

/* A table's rows as text, to compare two databases: NULL as N, integers
 * in decimal, text and blobs in hex. */
struct dump {
	const struct store_table *t;
	struct dbuf b;
	int64_t rows;
};

static int dump_row(void *ud, const struct store_value *row)
{
	struct dump *d = ud;
	size_t c;

	for (c = 0; c < strlen(d->t->types); c++) {
		if (row[c].null)
			dbuf_adds(&d->b, "N");
		else if (d->t->types[c] == 'i')
			dbuf_addf(&d->b, "%lld", (long long)row[c].i);
		else
			dbuf_addhex(&d->b, row[c].p, row[c].len);
		dbuf_addc(&d->b, c + 1 < strlen(d->t->types) ? '|' : '\n');
	}
	d->rows++;
	return 0;
}

static void dump_table(struct store *s, const struct store_table *t, struct dump *d)
{
	memset(d, 0, sizeof(*d));
	d->t = t;
	dbuf_init(&d->b, 0);
	OK(s, s->begin(s, 0));
	OK(s, s->table_export(s, t, dump_row, d));
	s->rollback(s);
}

/* Copies every table from src into dst in batches of up to 3 rows. */
struct copier {
	struct store *dst;
	const struct store_table *t;
	struct store_value vals[3 * 64];
	struct dbuf bytes[3 * 64];
	size_t n;
	int64_t rows;
};

static int flush_rows(struct copier *c)
{
	int rc = c->dst->table_import(c->dst, c->t, c->vals, c->n / strlen(c->t->types));

	c->n = 0;
	return rc;
}

static int copy_row(void *ud, const struct store_value *row)
{
	struct copier *c = ud;
	size_t k, ncols = strlen(c->t->types);

	/* The row is valid only during the call: keep copies. */
	for (k = 0; k < ncols; k++, c->n++) {
		c->vals[c->n] = row[k];
		dbuf_reset(&c->bytes[c->n]);
		dbuf_add(&c->bytes[c->n], row[k].p, row[k].len);
		c->vals[c->n].p = c->bytes[c->n].p ? c->bytes[c->n].p : "";
	}
	c->rows++;
	return c->n == 3 * ncols ? flush_rows(c) : 0;
}

static void test_store_tables_move_between_databases_as_they_are(void **state)
{
	struct sfx *x = *state;
	struct store *dst = x->s, *src;
	const struct store_table *t;
	struct dip_error e;
	struct copier *cp = calloc(1, sizeof(*cp));
	struct objection o;
	struct event ev;
	struct checkpoint_row c;
	struct dump a, b;
	char url[400];
	const char bin[] = { 'a', '\0', '\t', '\n', '\\', (char)0xff, '.', 'z' };
	uint8_t h[3 * 32];
	int64_t app, idx, n;
	size_t k;

	/* The source is SQLite, as dipreg migrate's; the destination this
	 * test's database, PostgreSQL in the [pg] run. */
	snprintf(url, sizeof(url), "%s/source.db", x->db.dir);
	src = store_open(url, &e);
	if (src == NULL)
		fail_msg("store: %s", e.message);
	app = add_app(src, add_account(src, "alice"), APP_OBJECTION, "sha256:ab", 0);
	(void)add_account(src, "bob\twith a tab");
	OK(src, src->setting_put(src, "calendar", "2024-02-10 off 春节\n2024-02-04 work\t\\ tab"));
	OK(src, src->counter_next(src, "cert", &n));
	memset(&o, 0, sizeof(o));
	o.app_id = app;
	snprintf(o.objector_name, sizeof(o.objector_name), "异议人");
	snprintf(o.objector_contact, sizeof(o.objector_contact), "x@example.cn");
	o.grounds = "line one\nline two\r\nback\\slash";
	o.filed_at = 1700000000;
	OK(src, src->objection_insert(src, &o)); /* evidence, answer, ... stay NULL */
	memset(&ev, 0, sizeof(ev));
	ev.app_id = app;
	ev.at = 1700000001;
	snprintf(ev.action, sizeof(ev.action), "submit");
	ev.dl_kind = -1;
	OK(src, src->event_insert(src, &ev));
	OK(src, src->ledger_append(src, bin, sizeof(bin), 1, &idx));
	OK(src, src->ledger_append(src, "", 0, 1, &idx));
	OK(src, src->ledger_append(src, "{\"type\":\"deposit\"}", 18, 0, &idx));
	for (k = 0; k < sizeof(h); k++)
		h[k] = (uint8_t)(k * 13 + 5);
	OK(src, src->tile_put(src, 0, 0, 3, h));
	memset(&c, 0, sizeof(c));
	c.size = 3;
	memcpy(c.root, h, 32);
	c.note = "dipreg.example/log\n3\nroot\n\n— sig\n";
	c.created_at = 1700000002;
	OK(src, src->checkpoint_put(src, &c));

	OK(dst, dst->begin(dst, 1));
	for (t = store_tables; t->name; t++) {
		cp->dst = dst;
		cp->t = t;
		cp->n = 0;
		cp->rows = 0;
		OK(src, src->begin(src, 0));
		OK(src, src->table_export(src, t, copy_row, cp));
		src->rollback(src);
		if (cp->n)
			OK(dst, flush_rows(cp));
		OK(dst, dst->table_count(dst, t, &n));
		assert_int_equal(n, cp->rows);
	}
	OK(dst, dst->commit(dst));
	for (t = store_tables; t->name; t++) {
		dump_table(src, t, &a);
		dump_table(dst, t, &b);
		if (a.b.len != b.b.len || (a.b.len && memcmp(a.b.p, b.b.p, a.b.len) != 0))
			fail_msg("%s differs:\n%s\n---\n%s", t->name, a.b.p ? a.b.p : "",
				 b.b.p ? b.b.p : "");
		dbuf_free(&a.b);
		dbuf_free(&b.b);
	}
	/* New rows are numbered after the imported ones, the log goes on
	 * from its imported size, and a key already there is a conflict. */
	assert_true(add_account(dst, "carol") > 2);
	OK(dst, dst->ledger_size(dst, &n));
	assert_int_equal(n, 3);
	OK(dst, dst->ledger_append(dst, "next", 4, 1, &idx));
	assert_int_equal(idx, 3);
	OK(dst, dst->begin(dst, 1));
	cp->t = store_table_find("settings");
	assert_non_null(cp->t);
	cp->vals[0] = (struct store_value){ 0, 0, "calendar", 8 };
	cp->vals[1] = (struct store_value){ 0, 0, "x", 1 };
	assert_int_equal(dst->table_import(dst, cp->t, cp->vals, 1), DIP_ECONFLICT);
	dst->rollback(dst);
	for (k = 0; k < sizeof(cp->bytes) / sizeof(cp->bytes[0]); k++)
		dbuf_free(&cp->bytes[k]);
	free(cp);
	store_close(src);
}

/* Runs sql on the test's database on a connection of its own. */
static void exec_raw(struct sfx *x, const char *sql)
{
	if (x->db.pgname[0]) {
		PGconn *c = PQconnectdb(x->db.url);
		PGresult *r;

		assert_int_equal(PQstatus(c), CONNECTION_OK);
		r = PQexec(c, sql);
		assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *db;

		assert_int_equal(sqlite3_open(x->db.url, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
	}
}

/* An upgrade across the migration that keeps which checkpoints are
 * witnessed: the latest one that already carried a line besides the log's
 * own signature counts as witnessed, so that the first quorum after the
 * upgrade tells only the depositors since it. */
static void test_store_upgrade_marks_the_last_cosigned_checkpoint_witnessed(void **state)
{
	struct sfx *x = *state;
	struct store *s = x->s;
	const struct dip_resource *m = res_get(x->db.pgname[0]
					       ? "migrations/pg/007_witnessed_checkpoints.sql"
					       : "migrations/sqlite/008_witnessed_checkpoints.sql");
	struct checkpoint_row c, got;
	const char *update;

	assert_non_null(m);
	update = strstr(m->data, "UPDATE checkpoints");
	assert_non_null(update);
	memset(&c, 0, sizeof(c));
	c.created_at = 900;
	c.size = 3;
	c.note = "registry.test/log\n3\nroot\n\n\xe2\x80\x94 registry.test/log sig\n"
		 "\xe2\x80\x94 notary.test/witness sig\n";
	OK(s, s->checkpoint_put(s, &c));
	c.size = 5;
	OK(s, s->checkpoint_put(s, &c));
	/* The latest, signed by the log alone, and the last a witness saw. */
	c.size = 7;
	c.note = "registry.test/log\n7\nroot\n\n\xe2\x80\x94 registry.test/log sig\n";
	OK(s, s->checkpoint_put(s, &c));
	exec_raw(x, update);
	OK(s, s->checkpoint_witnessed(s, -1, &got));
	assert_int_equal(got.size, 5);
	checkpoint_row_release(&got);
	assert_int_equal(s->checkpoint_witnessed(s, 5, &got), DIP_ENOTFOUND);
}

/* The tables of the schema, as the database lists them. */
static int schema_tables(struct sfx *x, char names[][64], int max)
{
	int n = 0, i;

	if (x->db.pgname[0]) {
		PGconn *c = PQconnectdb(x->db.url);
		PGresult *r;

		assert_int_equal(PQstatus(c), CONNECTION_OK);
		r = PQexec(c, "SELECT table_name FROM information_schema.tables WHERE "
			   "table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1");
		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		for (i = 0; i < PQntuples(r) && n < max; i++)
			snprintf(names[n++], 64, "%s", PQgetvalue(r, i, 0));
		PQclear(r);
		PQfinish(c);
	} else {
		sqlite3 *db;
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_open(x->db.url, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE "
						    "type = 'table' ORDER BY 1", -1, &st, NULL),
				 SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW && n < max)
			snprintf(names[n++], 64, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	return n;
}

static void test_store_tables_cover_the_schema(void **state)
{
	struct sfx *x = *state;
	struct store *s = x->s;
	const struct store_table *t;
	char names[128][64];
	struct dump d;
	int i, n;
	int64_t rows;
	const char *p;
	size_t cols;

	/* Every table a registry keeps its records in is in store_tables,
	 * or dipreg migrate would leave it behind; the backends' own
	 * bookkeeping is not. */
	n = schema_tables(x, names, 128);
	assert_true(n > 10);
	for (i = 0; i < n; i++) {
		/* The search index (search_docs, _holders, _stats, the FTS5
		 * table and its shadow tables) is rebuilt from the records. */
		if (strcmp(names[i], "schema_migrations") == 0 ||
		    strcmp(names[i], "ledger_head") == 0 || strncmp(names[i], "sqlite_", 7) == 0 ||
		    strncmp(names[i], "search_", 7) == 0)
			continue;
		if (store_table_find(names[i]) == NULL)
			fail_msg("table %s is not in store_tables (store.c): dipreg migrate would not copy it; "
				 "add it there, or, for an index rebuilt from other tables, exclude it "
				 "here and rebuild it in cmd_migrate.c", names[i]);
	}
	/* Each description matches its table: a letter a column. */
	for (t = store_tables; t->name; t++) {
		for (cols = 1, p = t->cols; *p; p++)
			cols += *p == ',';
		if (cols != strlen(t->types))
			fail_msg("%s: %zu columns but %zu types", t->name, cols, strlen(t->types));
		OK(s, s->begin(s, 0));
		OK(s, s->table_count(s, t, &rows));
		s->rollback(s);
		dump_table(s, t, &d);
		dbuf_free(&d.b);
	}
}

/* ---- PostgreSQL only ---------------------------------------------------------------------- */

/* Ends every other session on the test's database, as a server restart
 * or a network failure would. */
static void kill_sessions(struct sfx *x)
{
	char sql[256];
	PGconn *c;
	PGresult *r;

	c = PQconnectdb(testdb_pg());
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
		 "WHERE datname = '%s' AND pid <> pg_backend_pid()", x->db.pgname);
	r = PQexec(c, sql);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_true(PQntuples(r) >= 1);
	PQclear(r);
	PQfinish(c);
}

static void test_store_pg_lost_connection_is_reported_then_restored(void **state)
{
	struct sfx *x = *state;
	struct store *s = x->s;
	struct account a;
	int64_t n;

	if (strcmp(s->backend, "postgresql") != 0)
		skip();
	(void)add_account(s, "alice");
	/* Inside a transaction: the operation fails, the transaction is lost. */
	OK(s, s->begin(s, 1));
	(void)add_account(s, "bob");
	kill_sessions(x);
	assert_int_equal(s->account_by_login(s, "alice", &a), DIP_EDB);
	assert_non_null(strstr(s->err.message, "connection to PostgreSQL lost"));
	assert_int_equal(s->account_count(s, &n), DIP_EDB);
	s->rollback(s);
	/* The next transaction reconnects, with its statements prepared anew. */
	OK(s, s->begin(s, 0));
	OK(s, s->account_by_login(s, "alice", &a));
	assert_int_equal(s->account_by_login(s, "bob", &a), DIP_ENOTFOUND);
	s->rollback(s);
	/* A connection that died while idle is replaced unnoticed, by a
	 * BEGIN or a read outside a transaction. */
	kill_sessions(x);
	OK(s, s->begin(s, 1));
	(void)add_account(s, "carol");
	OK(s, s->commit(s));
	kill_sessions(x);
	OK(s, s->account_count(s, &n));
	assert_int_equal(n, 2);
}

/* 1 when a notification reaches c within ms. */
static int notified_within(PGconn *c, int ms)
{
	struct pollfd p = { PQsocket(c), POLLIN, 0 };
	PGnotify *n;
	int waited = 0;

	for (;;) {
		assert_int_equal(PQconsumeInput(c), 1);
		if ((n = PQnotifies(c)) != NULL) {
			while (n) {
				PQfreemem(n);
				n = PQnotifies(c);
			}
			return 1;
		}
		if (waited >= ms)
			return 0;
		(void)poll(&p, 1, 10);
		waited += 10;
	}
}

/* The store's generation once it differs from was, within 5 s; was when
 * it never does. */
static uint64_t generation_after(struct store *s, uint64_t was)
{
	uint64_t g;
	int i;

	for (i = 0; i < 500; i++) {
		g = s->generation(s);
		if (g != was)
			return g;
		(void)poll(NULL, 0, 10);
	}
	return was;
}

static void test_store_pg_changes_are_announced_and_heard(void **state)
{
	struct sfx *x = *state;
	struct store *s = x->s;
	struct dbuf v;
	uint64_t g0, g1, g2, g3;
	struct session_row sess;
	struct dip_error e;
	PGconn *other;
	int i;
	PGresult *r;
	char sql[256];

	if (strcmp(s->backend, "postgresql") != 0)
		skip();
	dbuf_init(&v, 0);
	other = PQconnectdb(x->db.url);
	assert_int_equal(PQstatus(other), CONNECTION_OK);
	r = PQexec(other, "LISTEN " STORE_PG_CHANNEL);
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);

	/* A transaction that wrote tells everyone listening at its commit... */
	OK(s, s->begin(s, 1));
	OK(s, s->setting_put(s, "a", "1"));
	assert_false(notified_within(other, 100));
	OK(s, s->commit(s));
	assert_true(notified_within(other, 5000));
	/* ... one that only read, or wrote nothing, does not. */
	OK(s, s->begin(s, 0));
	OK(s, s->setting_get(s, "a", &v));
	OK(s, s->commit(s));
	OK(s, s->begin(s, 1));
	OK(s, s->setting_get(s, "a", &v));
	OK(s, s->commit(s));
	/* ... nor one rolled back. */
	OK(s, s->begin(s, 1));
	OK(s, s->setting_put(s, "a", "2"));
	s->rollback(s);
	assert_false(notified_within(other, 300));
	/* A sign-in writes nothing that any answer kept ready is made of. */
	memset(&sess, 0, sizeof(sess));
	memset(sess.token_hash, 'b', 64);
	sess.account_id = add_account(s, "dora");
	assert_true(notified_within(other, 5000));
	OK(s, s->begin(s, 1));
	OK(s, s->session_insert(s, &sess));
	OK(s, s->commit(s));
	assert_false(notified_within(other, 300));

	/* Nobody in this process listens: the generation says "ask". */
	assert_int_equal(s->generation(s), 0);
	assert_int_equal(store_watch_start(x->db.url, &e), 0);
	g0 = generation_after(s, 0);
	assert_true(g0 != 0);
	/* This process's commit moves it at once, before any notification. */
	OK(s, s->begin(s, 1));
	OK(s, s->setting_put(s, "a", "3"));
	OK(s, s->commit(s));
	g1 = s->generation(s);
	assert_true(g1 > g0);
	/* Another process's commit moves it when its notification arrives. */
	(void)poll(NULL, 0, 200); /* the notification of our own commit */
	g1 = s->generation(s);
	r = PQexec(other, "BEGIN; UPDATE settings SET value = '4' WHERE key = 'a'; NOTIFY "
		   STORE_PG_CHANNEL "; COMMIT");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	g2 = generation_after(s, g1);
	assert_true(g2 > g1);
	/* The listening connection lost (a restart, a proxy): it comes back
	 * by itself, and the generation moves on, since what was announced
	 * meanwhile is unknown. */
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
		 "WHERE datname = '%s' AND application_name = 'dipreg-watch'", x->db.pgname);
	r = PQexec(other, sql);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_int_equal(PQntuples(r), 1);
	PQclear(r);
	g3 = generation_after(s, g2);
	for (i = 0; g3 == 0 && i < 5; i++)
		g3 = generation_after(s, 0);
	assert_true(g3 > g2);
	/* One listening connection again (the old one's entry goes as its
	 * backend exits). */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_stat_activity WHERE datname = '%s' "
		 "AND application_name = 'dipreg-watch'", x->db.pgname);
	for (i = 0; i < 500; i++) {
		int one;

		r = PQexec(other, sql);
		one = strcmp(PQgetvalue(r, 0, 0), "1") == 0;
		PQclear(r);
		if (one)
			break;
		(void)poll(NULL, 0, 10);
	}
	assert_true(i < 500);
	store_watch_stop();
	assert_int_equal(s->generation(s), 0);
	PQfinish(other);
	dbuf_free(&v);
}

static void test_store_pg_error_aborts_the_whole_transaction(void **state)
{
	struct sfx *x = *state;
	struct store *s = x->s;
	struct session_row r;
	struct account a;

	if (strcmp(s->backend, "postgresql") != 0)
		skip();
	/* A foreign key violation is a conflict, as on SQLite; unlike SQLite,
	 * PostgreSQL then refuses the rest of the transaction, and its commit
	 * fails without writing anything. */
	OK(s, s->begin(s, 1));
	(void)add_account(s, "alice");
	memset(&r, 0, sizeof(r));
	memset(r.token_hash, 'a', 64);
	r.account_id = 12345;
	assert_int_equal(s->session_insert(s, &r), DIP_ECONFLICT);
	assert_int_equal(s->account_by_login(s, "alice", &a), DIP_EDB);
	assert_int_equal(s->commit(s), DIP_EDB);
	assert_non_null(strstr(s->err.message, "rolled back"));
	assert_int_equal(s->account_by_login(s, "alice", &a), DIP_ENOTFOUND);
	OK(s, s->begin(s, 1));
	(void)add_account(s, "alice");
	OK(s, s->commit(s));
}

/* ---- search index ------------------------------------------------------- */

static int64_t skey(dip_day day, int64_t app, enum app_state st, char sec, int div)
{
	struct search_keyinfo k = { day, app, st, sec, div };
	int64_t key = store_search_key(&k);
	struct search_keyinfo back;

	assert_true(key > 0);
	store_search_key_split(key, &back);
	assert_int_equal(back.day, day);
	assert_int_equal(back.app_id, app);
	assert_int_equal(back.status, st);
	assert_int_equal(back.section, sec);
	assert_int_equal(back.division, div);
	return key;
}

static void put_doc(struct store *s, int64_t key, const char *name, const char *holder,
		    const char *code, const char *body, const char *cert)
{
	struct search_holder h;
	struct search_doc d;

	memset(&d, 0, sizeof(d));
	memset(&h, 0, sizeof(h));
	d.key = key;
	snprintf(d.industry, sizeof(d.industry), "%s", cert ? "54" : "");
	snprintf(d.cert_no, sizeof(d.cert_no), "%s", cert ? cert : "");
	snprintf(d.reg_no, sizeof(d.reg_no), "%s", cert ? "202413000000001X" : "");
	snprintf(d.fingerprint, sizeof(d.fingerprint), "%s", cert ? "sha256:00ff" : "");
	d.name = name;
	d.holder = holder;
	d.body = body;
	snprintf(h.name, sizeof(h.name), "%s", holder);
	snprintf(h.code, sizeof(h.code), "%s", code);
	d.holders = &h;
	d.nholders = 1;
	OK(s, s->search_put(s, &d));
}

static int smatch(struct store *s, const char *q, const struct search_match *base, int64_t *keys)
{
	struct search_match m;
	struct qry *p = NULL;
	struct dip_error e;
	int n = -1;

	if (base)
		m = *base;
	else
		memset(&m, 0, sizeof(m));
	if (q && qry_parse(q, strlen(q), NULL, &p, NULL, &e) != 0)
		fail_msg("%s: %s", q, e.message);
	m.q = p;
	if (m.limit == 0)
		m.limit = 10;
	OK(s, s->search_match(s, &m, keys, &n));
	qry_free(p);
	return n;
}

/* On PostgreSQL a search either walks the keys in order testing each row,
 * or takes the matches from the GIN index and sorts them, as the planner's
 * estimate of the matches says (store_pg.c, search_walks): a short page of
 * a word in every record walks, the whole list sorts.  Both give the same
 * keys, in either direction and within a range of keys. */
static void test_store_search_walked_and_sorted_agree(void **state)
{
	struct store *s = S(state);
	dip_day d = day_from_ymd(2024, 3, 4);
	struct search_match m;
	int64_t all[64], part[64], ranged[64];
	char name[64];
	int i, n, dir;

	OK(s, s->begin(s, 1));
	for (i = 1; i <= 48; i++) {
		snprintf(name, sizeof(name), "%s客流数据集 %d", i % 6 ? "北京" : "上海", i);
		put_doc(s, skey(d + i, i, APP_REGISTERED, 'G', 54), name, "智联交通科技有限公司",
			"", i % 4 ? "公交刷卡" : "出租车轨迹", NULL);
	}
	OK(s, s->search_optimize(s));
	OK(s, s->commit(s));
	OK(s, s->begin(s, 0));
	for (dir = 0; dir < 2; dir++) {
		memset(&m, 0, sizeof(m));
		m.descending = dir;
		m.limit = 64;
		n = smatch(s, "客流", &m, all);
		assert_int_equal(n, 48);
		for (i = 1; i < n; i++)
			assert_true(dir ? all[i - 1] > all[i] : all[i - 1] < all[i]);
		m.limit = 3;
		assert_int_equal(smatch(s, "客流", &m, part), 3);
		assert_memory_equal(part, all, 3 * sizeof(int64_t));
		/* A range of keys: the middle of the list. */
		m.lo = dir ? all[30] : all[10];
		m.hi = dir ? all[10] : all[30];
		m.limit = 4;
		assert_int_equal(smatch(s, "客流", &m, ranged), 4);
		assert_memory_equal(ranged, all + 10, 4 * sizeof(int64_t));
		m.limit = 64;
		assert_int_equal(smatch(s, "客流", &m, ranged), 21);
		assert_memory_equal(ranged, all + 10, 21 * sizeof(int64_t));
		/* A rarer word: the matches among all, in the same order. */
		m.lo = m.hi = 0;
		assert_int_equal(smatch(s, "上海 轨迹", &m, part), 4);
		m.limit = 1;
		assert_int_equal(smatch(s, "上海 轨迹", &m, ranged), 1);
		assert_true(ranged[0] == part[0]);
	}
	s->rollback(s);
}

struct doc_seen {
	int n;
	int64_t key;
	char name[200], body[400];
	int body_null;
};

static int seen_doc(void *ud, const struct search_doc *d)
{
	struct doc_seen *x = ud;

	x->n++;
	x->key = d->key;
	snprintf(x->name, sizeof(x->name), "%s", d->name);
	x->body_null = d->body == NULL;
	snprintf(x->body, sizeof(x->body), "%s", d->body ? d->body : "");
	return 0;
}

static int sum_stat(void *ud, enum search_dim dim, int64_t value, int64_t n)
{
	int64_t *v = ud;

	if (dim == SEARCH_DIM_TOTAL)
		v[0] += n;
	if (dim == SEARCH_DIM_STATUS && value == APP_REGISTERED)
		v[1] += n;
	if (dim == SEARCH_DIM_YEAR && value == 2024)
		v[2] += n;
	return 0;
}

/* Each document in a transaction of its own (FTS5: a segment each), then
 * the index optimized as after a rebuild: the same answers. */
static void test_store_search_optimize_keeps_answers(void **state)
{
	struct store *s = S(state);
	dip_day d = day_from_ymd(2024, 3, 4);
	int64_t keys[10];
	char name[64];
	int i;

	for (i = 1; i <= 12; i++) {
		snprintf(name, sizeof(name), "%s客流数据集 %d", i % 3 ? "北京" : "上海", i);
		OK(s, s->begin(s, 1));
		put_doc(s, skey(d + i, i, APP_REGISTERED, 'G', 54), name, "智联交通科技有限公司",
			"", i % 4 ? "公交刷卡" : "出租车轨迹", NULL);
		OK(s, s->commit(s));
	}
	OK(s, s->begin(s, 1));
	OK(s, s->search_optimize(s));
	OK(s, s->commit(s));
	OK(s, s->begin(s, 0));
	assert_int_equal(smatch(s, "北京", NULL, keys), 8);
	assert_int_equal(smatch(s, "上海 客流", NULL, keys), 4);
	assert_true(keys[0] == skey(d + 12, 12, APP_REGISTERED, 'G', 54));
	assert_int_equal(smatch(s, "\"出租车轨迹\" -上海", NULL, keys), 2);
	assert_int_equal(smatch(s, "轨迹 OR 上海", NULL, keys), 6);
	assert_int_equal(smatch(s, "刷卡 -上海", NULL, keys), 6);
	s->rollback(s);
}

static void test_store_search_index(void **state)
{
	struct store *s = S(state);
	dip_day d1 = day_from_ymd(2024, 3, 4), d2 = day_from_ymd(2024, 5, 6),
		d3 = day_from_ymd(2025, 1, 2);
	int64_t k1 = skey(d1, 1, APP_REGISTERED, 'G', 54), k2 = skey(d2, 2, APP_PUBLICATION, 0, 0);
	int64_t k3 = skey(d3, 3, APP_REGISTERED, 'I', 64), k1b, keys[10], stats[3] = { 0 }, n;
	struct search_match m;
	struct doc_seen seen;

	OK(s, s->begin(s, 1));
	put_doc(s, k1, "北京公共交通客流数据集", "北京智联交通科技有限公司", "91110108MA01ABCDEN",
		"用于公交线网优化\n由刷卡系统采集", "20240311000000001");
	put_doc(s, k2, "上海港口集装箱吞吐量数据集", "张三", "", "港口 container throughput", NULL);
	put_doc(s, k3, "Beijing taxi GPS trajectory", "北京出租车数据有限公司", "91110000100001234U",
		"出租车轨迹", "20250111000000002");
	OK(s, s->commit(s));
	OK(s, s->begin(s, 0));
	/* Newest first, oldest first, every document without a query. */
	assert_int_equal(smatch(s, NULL, NULL, keys), 3);
	assert_true(keys[0] == k3 && keys[1] == k2 && keys[2] == k1);
	memset(&m, 0, sizeof(m));
	m.descending = 1;
	assert_int_equal(smatch(s, NULL, &m, keys), 3);
	assert_true(keys[0] == k1 && keys[2] == k3);
	/* Text, on either backend's index. */
	assert_int_equal(smatch(s, "交通", NULL, keys), 1);
	assert_true(keys[0] == k1);
	assert_int_equal(smatch(s, "北京", NULL, keys), 2);
	assert_int_equal(smatch(s, "\"gps trajectory\"", NULL, keys), 1);
	assert_int_equal(smatch(s, "\"taxi trajectory\"", NULL, keys), 0);
	assert_int_equal(smatch(s, "港 -张三", NULL, keys), 0);
	assert_int_equal(smatch(s, "港 OR 轨迹", NULL, keys), 2);
	/* The filter words are out of the query's reach. */
	assert_int_equal(smatch(s, "sregistered", NULL, keys), 0);
	assert_int_equal(smatch(s, "xg OR dfe", NULL, keys), 0);
	assert_int_equal(smatch(s, "北京 xg", NULL, keys), 0);
	assert_int_equal(smatch(s, "北京 -xg", NULL, keys), 2);
	assert_int_equal(smatch(s, "北京 -\"dfe\"", NULL, keys), 2);
	/* No phrase runs from one field into the next. */
	assert_int_equal(smatch(s, "\"数据集 北京\"", NULL, keys), 0);
	/* Filters: status, section, division, holder, days, limit. */
	memset(&m, 0, sizeof(m));
	m.statuses = 1u << APP_REGISTERED;
	assert_int_equal(smatch(s, "北京", &m, keys), 2);
	m.statuses = 1u << APP_PUBLICATION;
	assert_int_equal(smatch(s, "北京", &m, keys), 0);
	memset(&m, 0, sizeof(m));
	m.section = 'G';
	assert_int_equal(smatch(s, NULL, &m, keys), 1);
	m.section = 0;
	m.division = 64;
	assert_int_equal(smatch(s, NULL, &m, keys), 1);
	assert_true(keys[0] == k3);
	memset(&m, 0, sizeof(m));
	m.holder = "张三";
	assert_int_equal(smatch(s, NULL, &m, keys), 1);
	assert_true(keys[0] == k2);
	m.holder = "91110000100001234U";
	assert_int_equal(smatch(s, "北京", &m, keys), 1);
	assert_true(keys[0] == k3);
	memset(&m, 0, sizeof(m));
	m.lo = store_search_day_first(d2);
	m.hi = store_search_day_last(d2);
	assert_int_equal(smatch(s, NULL, &m, keys), 1);
	assert_true(keys[0] == k2);
	m.lo = 0;
	m.hi = k2 - 1;
	assert_int_equal(smatch(s, NULL, &m, keys), 1);
	memset(&m, 0, sizeof(m));
	m.limit = 2;
	assert_int_equal(smatch(s, NULL, &m, keys), 2);
	/* Documents by key: the text, with or without the body. */
	memset(&seen, 0, sizeof(seen));
	OK(s, s->search_docs(s, &k1, 1, 1, seen_doc, &seen));
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.name, "北京公共交通客流数据集");
	assert_string_equal(seen.body, "用于公交线网优化\n由刷卡系统采集");
	memset(&seen, 0, sizeof(seen));
	OK(s, s->search_docs(s, keys, 2, 0, seen_doc, &seen));
	assert_int_equal(seen.n, 2);
	assert_true(seen.body_null);
	/* Exact lookups. */
	OK(s, s->search_lookup(s, 'c', "20250111000000002", keys, 5, &seen.n));
	assert_int_equal(seen.n, 1);
	assert_true(keys[0] == k3);
	OK(s, s->search_lookup(s, 'r', "202413000000001X", keys, 5, &seen.n));
	assert_int_equal(seen.n, 2);
	OK(s, s->search_lookup(s, 'f', "sha256:00ff", keys, 1, &seen.n));
	assert_int_equal(seen.n, 1);
	assert_true(keys[0] == k3);
	OK(s, s->search_lookup(s, 'c', "", keys, 5, &seen.n));
	assert_int_equal(seen.n, 0);
	/* Counts. */
	OK(s, s->search_stats(s, sum_stat, stats));
	assert_int_equal(stats[0], 3);
	assert_int_equal(stats[1], 2);
	assert_int_equal(stats[2], 2);
	OK(s, s->search_day_count(s, d2, d3, &n));
	assert_int_equal(n, 2);
	OK(s, s->search_day_count(s, 0, SEARCH_DAY_MAX, &n));
	assert_int_equal(n, 3);
	OK(s, s->search_day_count(s, d1, SEARCH_DAY_MAX, &n));
	assert_int_equal(n, 3);
	s->rollback(s);

	/* A new key replaces the document: the old one is gone from the
	 * index and from the counts. */
	k1b = skey(d1, 1, APP_CANCELLED, 'G', 54);
	OK(s, s->begin(s, 1));
	put_doc(s, k1b, "北京公共交通客流数据集", "北京智联交通科技有限公司", "", "已注销", "20240311000000001");
	OK(s, s->commit(s));
	OK(s, s->begin(s, 0));
	assert_int_equal(smatch(s, "交通", NULL, keys), 1);
	assert_true(keys[0] == k1b);
	assert_int_equal(smatch(s, "公交", NULL, keys), 0);
	memset(stats, 0, sizeof(stats));
	OK(s, s->search_stats(s, sum_stat, stats));
	assert_int_equal(stats[0], 3);
	assert_int_equal(stats[1], 1);
	s->rollback(s);

	/* Index writes belong to the transaction: a rollback undoes them. */
	OK(s, s->begin(s, 1));
	OK(s, s->search_delete(s, 2));
	OK(s, s->search_delete(s, 99));
	assert_int_equal(smatch(s, "港口", NULL, keys), 0);
	s->rollback(s);
	OK(s, s->begin(s, 0));
	assert_int_equal(smatch(s, "港口", NULL, keys), 1);
	s->rollback(s);

	OK(s, s->begin(s, 1));
	OK(s, s->search_generation(s, &n));
	OK(s, s->search_delete(s, 2));
	OK(s, s->search_generation(s, &stats[0]));
	assert_true(stats[0] > n);
	OK(s, s->commit(s));
	OK(s, s->begin(s, 0));
	assert_int_equal(smatch(s, "港口", NULL, keys), 0);
	memset(stats, 0, sizeof(stats));
	OK(s, s->search_stats(s, sum_stat, stats));
	assert_int_equal(stats[0], 2);
	s->rollback(s);

	OK(s, s->begin(s, 1));
	OK(s, s->search_generation(s, &n));
	OK(s, s->search_clear(s));
	OK(s, s->search_generation(s, &stats[2]));
	assert_true(stats[2] > n);
	OK(s, s->commit(s));
	OK(s, s->begin(s, 0));
	assert_int_equal(smatch(s, NULL, NULL, keys), 0);
	assert_int_equal(smatch(s, "北京", NULL, keys), 0);
	memset(stats, 0, sizeof(stats));
	OK(s, s->search_stats(s, sum_stat, stats));
	assert_int_equal(stats[0], 0);
	OK(s, s->search_day_count(s, 0, SEARCH_DAY_MAX, &n));
	assert_int_equal(n, 0);
	s->rollback(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_store_every_operation_is_implemented),
		T(test_store_settings),
		T(test_store_counters_never_repeat),
		T(test_store_accounts),
		T(test_store_sessions_and_login_failures),
		T(test_store_agencies),
		T(test_store_applications),
		T(test_store_application_lists),
		T(test_art20_store_lists_each_state_past_newer_ones),
		T(test_store_objections),
	T(test_store_app_stamp),
		T(test_store_requests),
		T(test_art16_store_requests_listed_by_account_and_awaiting_transferee),
		T(test_store_events),
		T(test_store_deadlines),
		T(test_store_messages),
		T(test_store_uploads),
		T(test_art6_store_uploads_reach_the_parties_and_authorised_agent),
		T(test_store_deposits),
		T(test_store_certificates),
		T(test_store_audit),
		T(test_store_ledger_entries),
		T(test_store_tiles_and_checkpoints),
		T(test_store_upgrade_marks_the_last_cosigned_checkpoint_witnessed),
		T(test_store_transactions),
		T(test_store_concurrent_appends_are_gap_free_and_serial),
		T(test_store_concurrent_versioned_updates_one_wins),
		T(test_store_group_commit_tickets_and_sync),
		T(test_store_checkpoints_keep_the_log_short_under_steady_commits),
		T(test_store_batch_commits_many_transactions_as_one),
		cmocka_unit_test_setup_teardown(test_art7_store_batch_refused_by_the_disk_is_lost_whole,
						setup, teardown_fsize),
		cmocka_unit_test_setup_teardown(
			test_art7_store_no_write_commits_alone_while_a_lost_batch_is_unreported, setup,
			teardown_fsize),
		T(test_store_write_transactions_on_one_application_queue),
		T(test_store_one_sequencer_at_a_time),
		T(test_store_servers_starting_at_once_migrate_once),
		T(test_store_named_locks_have_one_holder_at_a_time),
		T(test_store_tables_move_between_databases_as_they_are),
		T(test_store_tables_cover_the_schema),
		T(test_store_pg_lost_connection_is_reported_then_restored),
		T(test_store_pg_error_aborts_the_whole_transaction),
		T(test_store_pg_changes_are_announced_and_heard),
		T(test_store_search_index),
		T(test_store_search_optimize_keeps_answers),
		T(test_store_search_walked_and_sorted_agree),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
