/*
 * watch_pg.c - news of every commit on a PostgreSQL registry.
 *
 * The servers of a registry on PostgreSQL share its database, so a
 * server's own commits do not tell it whether an answer it keeps ready
 * (a public record, a search) still stands: without more, it asks the
 * database before every send, one round trip.  So every write transaction
 * that changed rows also sends a notification on the channel
 * dipreg_changes (store_pg.c), which PostgreSQL delivers only once the
 * transaction has committed, and a server listens for them on a
 * connection of its own, in a thread of its own.
 *
 * The generation of the process's connections (store.h) is then a counter
 * that each local commit and each notification moves on: an answer
 * checked at one generation stands while the generation does.  A change
 * made through another server is seen when its notification arrives
 * (within a millisecond on one machine); the caches check every entry
 * against the database at least once a second besides.
 *
 * While the listening connection is down, nothing is known: the
 * generation is 0, which sends every question to the database, until the
 * connection is back and listening.  The counter then moves on, since the
 * notifications sent meanwhile are lost.
 */
#include "store/store.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The longest wait between two attempts to reconnect. */
#define RETRY_MAX_MS 2000

static struct {
	pthread_mutex_t mu;        /* start and stop */
	pthread_t thread;
	int running;
	int stop_fd[2];            /* written to stop the thread */
	char *url;
	_Atomic uint64_t gen;      /* moves on with every change */
	atomic_int live;           /* listening now */
} w = { .mu = PTHREAD_MUTEX_INITIALIZER, .stop_fd = { -1, -1 } };

uint64_t store__pg_watch_gen(void)
{
	return atomic_load(&w.live) ? atomic_load(&w.gen) : 0;
}

void store__pg_watch_bump(void)
{
	atomic_fetch_add(&w.gen, 1);
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* A connection listening on the channel, or NULL. */
static PGconn *listen_conn(void)
{
	/* Named, so that an operator sees it in pg_stat_activity; a peer
	 * that vanished without a word is noticed within half a minute, and
	 * an attempt to reach one gives up within ten seconds (a server
	 * stopping waits for this thread). */
	static const char *const keys[] = { "dbname", "application_name", "keepalives_idle",
					    "keepalives_interval", "keepalives_count",
					    "connect_timeout", NULL };
	const char *vals[] = { w.url, "dipreg-watch", "10", "5", "4", "10", NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	PGresult *res;
	int ok;

	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		return NULL;
	}
	/* Its loss is logged as the watch's, not printed by libpq. */
	PQsetNoticeProcessor(c, quiet, NULL);
	res = PQexec(c, "LISTEN " STORE_PG_CHANNEL);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	if (!ok || PQsetnonblocking(c, 1) != 0) {
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* Waits up to ms for the stop pipe: 1 when the thread is to stop. */
static int stopping(int ms)
{
	struct pollfd p = { w.stop_fd[0], POLLIN, 0 };

	return poll(&p, 1, ms) > 0;
}

static void *watch_main(void *arg)
{
	PGconn *c = NULL;
	PGnotify *n;
	int retry_ms = 50, was_lost = 0;

	(void)arg;
	pthread_setname_np(pthread_self(), "dipreg-pgwatch");
	for (;;) {
		struct pollfd p[2];

		if (c == NULL) {
			c = listen_conn();
			if (c == NULL) {
				if (!was_lost)
					log_event(LOG_WARN, "watch_lost", "error", "cannot connect", "action",
						  "asking the database at every send until it is back", NULL);
				was_lost = 1;
				if (stopping(retry_ms))
					break;
				retry_ms = retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : retry_ms * 2;
				continue;
			}
			/* What happened while nobody listened is unknown. */
			atomic_fetch_add(&w.gen, 1);
			atomic_store(&w.live, 1);
			if (was_lost)
				log_event(LOG_INFO, "watch_restored", NULL);
			was_lost = 0;
			retry_ms = 50;
		}
		p[0] = (struct pollfd){ w.stop_fd[0], POLLIN, 0 };
		p[1] = (struct pollfd){ PQsocket(c), POLLIN, 0 };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (p[1].revents == 0)
			continue;
		if (PQconsumeInput(c) == 0 || PQstatus(c) != CONNECTION_OK) {
			char msg[200];

			atomic_store(&w.live, 0);
			snprintf(msg, sizeof(msg), "%.*s", (int)strcspn(PQerrorMessage(c), "\n"),
				 PQerrorMessage(c));
			log_event(LOG_WARN, "watch_lost", "error", msg, "action",
				  "asking the database at every send until it is back", NULL);
			was_lost = 1;
			PQfinish(c);
			c = NULL;
			continue;
		}
		/* Many at once are one change as far as anyone reading is
		 * concerned: the counter moves once. */
		if ((n = PQnotifies(c)) != NULL) {
			do
				PQfreemem(n);
			while ((n = PQnotifies(c)) != NULL);
			atomic_fetch_add(&w.gen, 1);
		}
	}
	atomic_store(&w.live, 0);
	PQfinish(c);
	return NULL;
}

int store__pg_watch_start(const char *url, struct dip_error *e)
{
	int rc = 0;

	pthread_mutex_lock(&w.mu);
	if (w.running)
		goto out;
	w.url = strdup(url);
	if (w.url == NULL || pipe(w.stop_fd) != 0) {
		rc = dip_fail(e, DIP_ENOMEM, "", "watch: cannot start: %s", strerror(errno));
		goto fail;
	}
	fcntl(w.stop_fd[0], F_SETFD, FD_CLOEXEC);
	fcntl(w.stop_fd[1], F_SETFD, FD_CLOEXEC);
	if (pthread_create(&w.thread, NULL, watch_main, NULL) != 0) {
		rc = dip_fail(e, DIP_ENOMEM, "", "watch: cannot start its thread");
		goto fail;
	}
	w.running = 1;
	goto out;
fail:
	if (w.stop_fd[0] >= 0) {
		close(w.stop_fd[0]);
		close(w.stop_fd[1]);
	}
	w.stop_fd[0] = w.stop_fd[1] = -1;
	free(w.url);
	w.url = NULL;
out:
	pthread_mutex_unlock(&w.mu);
	return rc;
}

int store__pg_watch_listening(void)
{
	int on;

	pthread_mutex_lock(&w.mu);
	on = w.running ? atomic_load(&w.live) : -1;
	pthread_mutex_unlock(&w.mu);
	return on;
}

void store__pg_watch_stop(void)
{
	pthread_mutex_lock(&w.mu);
	if (w.running) {
		if (write(w.stop_fd[1], "x", 1) != 1)
			log_event(LOG_WARN, "watch_stop", "error", strerror(errno), NULL);
		pthread_join(w.thread, NULL);
		close(w.stop_fd[0]);
		close(w.stop_fd[1]);
		w.stop_fd[0] = w.stop_fd[1] = -1;
		free(w.url);
		w.url = NULL;
		w.running = 0;
	}
	pthread_mutex_unlock(&w.mu);
}
