/*
 * statsbg.c - counting the statistics again, off the serving threads.
 *
 * On a large register a count of the statistics takes seconds (18 s at a
 * million registrations).  Once one has been slow, the reports answer
 * from the rows counted last and ask for a new count here
 * (svc_stats_cache_new): one thread of its own, with a connection of its
 * own, counts while the loops go on serving.
 */
#include "server/internal.h"
#include "service/stats.h"
#include "util/log.h"

#include <stdlib.h>

/* Called by a report, on a serving thread: wakes the counter. */
static void ask(void *arg)
{
	struct server *s = arg;

	pthread_mutex_lock(&s->stats_mu);
	s->stats_want = 1;
	pthread_cond_signal(&s->stats_cv);
	pthread_mutex_unlock(&s->stats_mu);
}

static void *counter_main(void *arg)
{
	struct server *s = arg;
	struct dip_error e;

	pthread_setname_np(pthread_self(), "dipreg-stats");
	pthread_mutex_lock(&s->stats_mu);
	for (;;) {
		while (!s->stats_stop && !s->stats_want)
			pthread_cond_wait(&s->stats_cv, &s->stats_mu);
		if (s->stats_stop)
			break;
		s->stats_want = 0;
		pthread_mutex_unlock(&s->stats_mu);
		pthread_rwlock_rdlock(&s->reg_lock);
		if (svc_stats_refresh(&s->stats_svc, server_now(s), &e) != 0)
			log_event(LOG_WARN, "statistics_count_failed", "error", e.message, NULL);
		pthread_rwlock_unlock(&s->reg_lock);
		pthread_mutex_lock(&s->stats_mu);
	}
	pthread_mutex_unlock(&s->stats_mu);
	return NULL;
}

int statsbg_start(struct server *s)
{
	struct dip_error e;

	if (s->reg->stats == NULL)
		return 0;
	s->stats_svc.reg = s->reg;
	s->stats_svc.st = store_open(s->cfg.db, &e);
	if (s->stats_svc.st == NULL) {
		log_event(LOG_ERROR, "statistics_counter", "error", e.message, NULL);
		return -1;
	}
	pthread_mutex_init(&s->stats_mu, NULL);
	pthread_cond_init(&s->stats_cv, NULL);
	if (pthread_create(&s->stats_tid, NULL, counter_main, s) != 0) {
		store_close(s->stats_svc.st);
		s->stats_svc.st = NULL;
		return -1;
	}
	s->stats_running = 1;
	svc_stats_cache_refresher(s->reg->stats, ask, s);
	return 0;
}

void statsbg_stop(struct server *s)
{
	if (!s->stats_running)
		return;
	svc_stats_cache_refresher(s->reg->stats, NULL, NULL);
	pthread_mutex_lock(&s->stats_mu);
	s->stats_stop = 1;
	pthread_cond_signal(&s->stats_cv);
	pthread_mutex_unlock(&s->stats_mu);
	pthread_join(s->stats_tid, NULL);
	s->stats_running = 0;
	store_close(s->stats_svc.st);
	s->stats_svc.st = NULL;
	pthread_cond_destroy(&s->stats_cv);
	pthread_mutex_destroy(&s->stats_mu);
}
