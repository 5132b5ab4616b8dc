/*
 * metrics.c - per-thread counters and the Prometheus text exposition.
 */
#include "server/metrics.h"
#include "server/internal.h"
#include "server/router.h"
#include "util/netaddr.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const int statuses[MET_STATUSES - 1] = { 200, 201, 204, 206, 301, 302, 304, 400, 401, 403, 404,
						  405, 409, 413, 415, 422, 429, 500, 501, 502, 503 };
static const double buckets[MET_BUCKETS - 1] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
						 0.1,   0.25,   0.5,   1.0,  2.5,   5.0 };

int metrics_thread_init(struct metrics_thread *m)
{
	memset(m, 0, sizeof(*m));
	m->slots = nroutes + 2;
	m->count = calloc(m->slots * MET_STATUSES, sizeof(*m->count));
	m->latency = calloc(m->slots * MET_BUCKETS, sizeof(*m->latency));
	m->micros = calloc(m->slots, sizeof(*m->micros));
	if (m->count == NULL || m->latency == NULL || m->micros == NULL) {
		metrics_thread_release(m);
		return DIP_ENOMEM;
	}
	return 0;
}

void metrics_thread_release(struct metrics_thread *m)
{
	free(m->count);
	free(m->latency);
	free(m->micros);
	m->count = m->latency = m->micros = NULL;
}

size_t metrics_slot_static(void)
{
	return nroutes;
}

size_t metrics_slot_none(void)
{
	return nroutes + 1;
}

size_t metrics_slot_route(const struct route *rt)
{
	return rt ? (size_t)(rt - routes) : metrics_slot_none();
}

size_t metrics_slot_req(const struct req *r)
{
	/* The route pattern, never the raw path: paths carry identifiers. */
	return r->route ? metrics_slot_route(r->route) : r->is_static ? metrics_slot_static()
								       : metrics_slot_none();
}

const char *metrics_route_label(const struct req *r)
{
	return r->route ? r->route->pattern : r->is_static ? "static" : "none";
}

double metrics_seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

double metrics_seconds(const struct req *r)
{
	return metrics_seconds_since(&r->started);
}

static int status_index(int status)
{
	int i;

	for (i = 0; i < MET_STATUSES - 1; i++)
		if (statuses[i] == status)
			return i;
	return MET_STATUSES - 1;
}

void metrics_request(struct metrics_thread *m, size_t slot, int status, double seconds)
{
	int b;

	if (m->count == NULL || slot >= m->slots)
		return;
	for (b = 0; b < MET_BUCKETS - 1 && seconds > buckets[b]; b++)
		;
	metrics_count(&m->count[slot * MET_STATUSES + (size_t)status_index(status)], 1);
	metrics_count(&m->latency[slot * MET_BUCKETS + (size_t)b], 1);
	metrics_count(&m->micros[slot], (uint64_t)(seconds * 1e6));
}

/* ---- the exposition -------------------------------------------------------------------------- */

static uint64_t load(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* Label values: the route patterns and state names need no escaping, but
 * a backslash, quote or newline would be escaped all the same. */
static void label(struct dbuf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			dbuf_addc(b, '\\');
		if (*v == '\n') {
			dbuf_adds(b, "\\n");
			continue;
		}
		dbuf_addc(b, *v);
	}
}

static void slot_labels(struct dbuf *b, size_t slot)
{
	dbuf_adds(b, "method=\"");
	if (slot < nroutes)
		dbuf_adds(b, route_method_name(routes[slot].method));
	else
		dbuf_adds(b, slot == metrics_slot_static() ? "GET" : "any");
	dbuf_adds(b, "\",route=\"");
	if (slot < nroutes)
		label(b, routes[slot].pattern);
	else
		dbuf_adds(b, slot == metrics_slot_static() ? "static" : "none");
	dbuf_adds(b, "\"");
}

static uint64_t sum_threads(struct server *s, size_t offset_of_counter)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < s->nthreads; i++)
		n += load((_Atomic uint64_t *)((char *)&s->threads[i].metrics + offset_of_counter));
	return n;
}

static void requests(struct server *s, struct dbuf *b)
{
	size_t slots = nroutes + 2, slot, k;
	uint64_t *count = calloc(slots * MET_STATUSES, sizeof(*count));
	uint64_t *lat = calloc(slots * MET_BUCKETS, sizeof(*lat));
	uint64_t *micros = calloc(slots, sizeof(*micros));
	uint64_t cum, total;
	int i;

	if (count == NULL || lat == NULL || micros == NULL)
		goto out;
	for (i = 0; i < s->nthreads; i++) {
		struct metrics_thread *m = &s->threads[i].metrics;

		if (m->count == NULL)
			continue;
		for (k = 0; k < slots * MET_STATUSES; k++)
			count[k] += load(&m->count[k]);
		for (k = 0; k < slots * MET_BUCKETS; k++)
			lat[k] += load(&m->latency[k]);
		for (k = 0; k < slots; k++)
			micros[k] += load(&m->micros[k]);
	}
	dbuf_adds(b, "# HELP dipreg_http_requests_total HTTP requests answered, by route pattern and status.\n"
		     "# TYPE dipreg_http_requests_total counter\n");
	for (slot = 0; slot < slots; slot++)
		for (k = 0; k < MET_STATUSES; k++) {
			if (count[slot * MET_STATUSES + k] == 0)
				continue;
			dbuf_adds(b, "dipreg_http_requests_total{");
			slot_labels(b, slot);
			if (k < MET_STATUSES - 1)
				dbuf_addf(b, ",status=\"%d\"} %llu\n", statuses[k],
					  (unsigned long long)count[slot * MET_STATUSES + k]);
			else
				dbuf_addf(b, ",status=\"other\"} %llu\n",
					  (unsigned long long)count[slot * MET_STATUSES + k]);
		}
	dbuf_adds(b, "# HELP dipreg_http_request_duration_seconds Time from a request's dispatch to its answer.\n"
		     "# TYPE dipreg_http_request_duration_seconds histogram\n");
	for (slot = 0; slot < slots; slot++) {
		total = 0;
		for (k = 0; k < MET_BUCKETS; k++)
			total += lat[slot * MET_BUCKETS + k];
		if (total == 0)
			continue;
		cum = 0;
		for (k = 0; k < MET_BUCKETS; k++) {
			cum += lat[slot * MET_BUCKETS + k];
			dbuf_adds(b, "dipreg_http_request_duration_seconds_bucket{");
			slot_labels(b, slot);
			if (k < MET_BUCKETS - 1)
				dbuf_addf(b, ",le=\"%g\"} %llu\n", buckets[k], (unsigned long long)cum);
			else
				dbuf_addf(b, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
		}
		dbuf_adds(b, "dipreg_http_request_duration_seconds_sum{");
		slot_labels(b, slot);
		dbuf_addf(b, "} %.6f\n", (double)micros[slot] / 1e6);
		dbuf_adds(b, "dipreg_http_request_duration_seconds_count{");
		slot_labels(b, slot);
		dbuf_addf(b, "} %llu\n", (unsigned long long)total);
	}
out:
	free(count);
	free(lat);
	free(micros);
}

struct overdue_ctx {
	dip_time now;
	int64_t n;
};

static int count_overdue(void *ud, const struct deadline *d)
{
	struct overdue_ctx *c = ud;

	if (d->due_at >= c->now)
		return 1; /* ordered by due time: the rest are not overdue */
	c->n++;
	return 0;
}

static int count_due(void *ud, const struct deadline *d)
{
	(void)d;
	((struct overdue_ctx *)ud)->n++;
	return 0;
}

/* What the database says; a failure is reported as dipreg_database_up 0. */
static int registry_state(struct req *r, struct dbuf *b)
{
	struct store *st = r->v->st;
	int64_t counts[APP__COUNT], size = 0;
	struct overdue_ctx overdue = { r->now, 0 }, due = { r->now, 0 };
	struct checkpoint_row cp;
	int rc, k, have_cp = 0;

	memset(&cp, 0, sizeof(cp));
	rc = st->begin(st, 0);
	if (rc == 0)
		rc = st->app_count_by_state(st, counts);
	if (rc == 0) {
		rc = st->deadline_tasks(st, 1000000, count_overdue, &overdue);
		rc = rc == 1 ? 0 : rc;
	}
	if (rc == 0)
		rc = st->deadline_due(st, r->now, 1, 1000000, count_due, &due);
	if (rc == 0)
		rc = st->ledger_size(st, &size);
	if (rc == 0) {
		int c = st->checkpoint_latest(st, &cp);

		if (c == 0)
			have_cp = 1;
		else if (c != DIP_ENOTFOUND)
			rc = c;
	}
	st->rollback(st);
	dbuf_addf(b, "# HELP dipreg_database_up Whether the database answered this scrape.\n"
		     "# TYPE dipreg_database_up gauge\ndipreg_database_up %d\n", rc == 0);
	if (rc) {
		metrics_count(&r->th->metrics.db_errors, 1);
		checkpoint_row_release(&cp);
		return rc;
	}
	dbuf_adds(b, "# HELP dipreg_applications Applications by state.\n"
		     "# TYPE dipreg_applications gauge\n");
	for (k = 0; k < APP__COUNT; k++)
		dbuf_addf(b, "dipreg_applications{state=\"%s\"} %lld\n", app_state_name((enum app_state)k),
			  (long long)counts[k]);
	dbuf_addf(b, "# HELP dipreg_tasks_overdue Examiner tasks past their statutory deadline.\n"
		     "# TYPE dipreg_tasks_overdue gauge\ndipreg_tasks_overdue %lld\n",
		  (long long)overdue.n);
	dbuf_addf(b, "# HELP dipreg_scheduler_due Binding deadlines that ran out and wait for the scheduler.\n"
		     "# TYPE dipreg_scheduler_due gauge\ndipreg_scheduler_due %lld\n", (long long)due.n);
	dbuf_addf(b, "# HELP dipreg_log_entries Entries appended to the transparency log.\n"
		     "# TYPE dipreg_log_entries gauge\ndipreg_log_entries %lld\n", (long long)size);
	if (have_cp) {
		dbuf_addf(b, "# HELP dipreg_log_checkpoint_size Tree size of the latest signed checkpoint.\n"
			     "# TYPE dipreg_log_checkpoint_size gauge\ndipreg_log_checkpoint_size %lld\n",
			  (long long)cp.size);
		dbuf_addf(b, "# HELP dipreg_log_checkpoint_age_seconds Seconds since the latest checkpoint was signed.\n"
			     "# TYPE dipreg_log_checkpoint_age_seconds gauge\n"
			     "dipreg_log_checkpoint_age_seconds %lld\n",
			  (long long)(r->now - cp.created_at));
	}
	checkpoint_row_release(&cp);
	return 0;
}

/* The counters each thread keeps, summed by a scrape. */
static const struct {
	const char *name, *help;
	size_t offset;
} counters[] = {
	{ "dipreg_database_errors_total",
	  "Database failures seen by requests, the scheduler and the sequencer.",
	  offsetof(struct metrics_thread, db_errors) },
	{ "dipreg_scheduler_runs_total", "Runs of the scheduler.",
	  offsetof(struct metrics_thread, scheduler_runs) },
	{ "dipreg_scheduler_failures_total", "Runs of the scheduler that failed.",
	  offsetof(struct metrics_thread, scheduler_failures) },
	{ "dipreg_scheduler_applied_total", "Deadlines the scheduler applied.",
	  offsetof(struct metrics_thread, scheduler_applied) },
	{ "dipreg_sequencer_failures_total", "Runs of the log sequencer that failed.",
	  offsetof(struct metrics_thread, sequencer_failures) },
	{ "dipreg_commit_batches_total", "Batches of write transactions committed together.",
	  offsetof(struct metrics_thread, batches) },
	{ "dipreg_commit_batched_transactions_total", "Write transactions committed in those batches.",
	  offsetof(struct metrics_thread, batched) },
	{ "dipreg_commit_batches_lost_total",
	  "Batches lost to a database error; their requests were answered 503.",
	  offsetof(struct metrics_thread, batches_lost) },
};

void h_metrics(struct req *r)
{
	struct server *s = r->srv;
	struct dbuf b;
	size_t k;
	int listening;

	if (!net_list_contains(&s->metrics_allow, r->addr)) {
		reply_fail(r, DIP_EFORBIDDEN, "",
			   "/metrics is served only to the addresses of the metrics_allow setting");
		return;
	}
	dbuf_init(&b, 16 << 20);
	dbuf_addf(&b, "# HELP dipreg_build_info The running version.\n# TYPE dipreg_build_info gauge\n"
		      "dipreg_build_info{version=\"%s\"} 1\n", DIP_VERSION);
	dbuf_addf(&b, "# HELP dipreg_start_time_seconds When this server started, in Unix seconds.\n"
		      "# TYPE dipreg_start_time_seconds gauge\ndipreg_start_time_seconds %lld\n",
		  (long long)s->started);
	dbuf_addf(&b, "# HELP dipreg_threads Threads serving requests.\n# TYPE dipreg_threads gauge\n"
		      "dipreg_threads %d\n", s->nthreads);
	listening = store_watch_listening();
	if (listening >= 0)
		dbuf_addf(&b, "# HELP dipreg_database_listening Whether this server hears of every "
			      "commit (PostgreSQL); 0: it asks the database before each kept answer.\n"
			      "# TYPE dipreg_database_listening gauge\ndipreg_database_listening %d\n",
			  listening);
	/* Per thread: how evenly the threads share the clients. */
	dbuf_addf(&b, "# HELP dipreg_connections_accepted_total Connections each serving thread accepted.\n"
		      "# TYPE dipreg_connections_accepted_total counter\n");
	for (k = 0; k < (size_t)s->nthreads; k++)
		dbuf_addf(&b, "dipreg_connections_accepted_total{thread=\"%zu\"} %llu\n", k,
			  (unsigned long long)load(&s->threads[k].metrics.connections));
	requests(s, &b);
	registry_state(r, &b);
	for (k = 0; k < sizeof(counters) / sizeof(counters[0]); k++)
		dbuf_addf(&b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", counters[k].name,
			  counters[k].help, counters[k].name, counters[k].name,
			  (unsigned long long)sum_threads(s, counters[k].offset));
	reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.p ? b.p : "", b.len, "no-store");
	dbuf_free(&b);
}
