/*
 * metrics.h - what GET /metrics reports, in the Prometheus text format.
 *
 * Internal to server/.  Each thread counts its own requests (by route
 * pattern, never by raw path, and status, with a latency histogram per
 * route), database errors and scheduler runs in counters no other thread
 * writes: the hot path takes no lock, and a read sums the threads.  The
 * registry's state (applications by state, overdue tasks, the log's size
 * and the age of its last checkpoint) is read from the database when
 * /metrics is asked for.
 */
#ifndef DIP_SERVER_METRICS_H
#define DIP_SERVER_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct req;
struct route;

#define MET_STATUSES 22 /* the statuses counted one by one, and "other" */
#define MET_BUCKETS 13  /* latency buckets, the last one +Inf */

struct metrics_thread {
	size_t slots;                /* nroutes, then static files, then no route */
	_Atomic uint64_t *count;     /* [slot * MET_STATUSES + status] */
	_Atomic uint64_t *latency;   /* [slot * MET_BUCKETS + bucket], not cumulative */
	_Atomic uint64_t *micros;    /* [slot]: summed duration in microseconds */
	_Atomic uint64_t db_errors;
	_Atomic uint64_t scheduler_runs, scheduler_failures, scheduler_applied;
	_Atomic uint64_t sequencer_failures;
	_Atomic uint64_t batches, batched, batches_lost; /* batched commit (durable.c) */
	_Atomic uint64_t connections; /* accepted by the thread (server.c) */
};

/* 0, or DIP_ENOMEM. */
int metrics_thread_init(struct metrics_thread *m);
void metrics_thread_release(struct metrics_thread *m);

/* The slot of a request: its route's index in the route table, or one of
 * these two. */
size_t metrics_slot_static(void);
size_t metrics_slot_none(void);
size_t metrics_slot_route(const struct route *rt);
/* The slot of request r as dispatched so far, and its label in metrics
 * and logs: the route's pattern, never the raw path. */
size_t metrics_slot_req(const struct req *r);
const char *metrics_route_label(const struct req *r);
/* Seconds from t0 (CLOCK_MONOTONIC), and from r's dispatch, to now. */
double metrics_seconds_since(const struct timespec *t0);
double metrics_seconds(const struct req *r);

/* One request answered with status after seconds. */
void metrics_request(struct metrics_thread *m, size_t slot, int status, double seconds);
static inline void metrics_count(_Atomic uint64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* GET /metrics: only for addresses in metrics_allow. */
void h_metrics(struct req *r);

#endif
