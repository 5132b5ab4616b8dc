/*
 * server.h - "dipreg serve": the HTTP API and the portal on libevent.
 *
 * One listening socket, N threads, each with its own event loop, its own
 * evhttp and its own store connection; requests are handled to the end on
 * the thread that accepted them, so a handler never shares a connection.
 * The scheduler runs on thread 0 on a timer.  SIGTERM and SIGINT stop
 * accepting, let the requests in flight finish, and close the databases.
 *
 * Nothing here knows SQL or the rules of the procedure: handlers turn JSON
 * into service calls and service results into JSON.
 */
#ifndef DIP_SERVER_H
#define DIP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "service/service.h"

struct server_config {
	const char *db;            /* path or URL */
	const char *listen;        /* "127.0.0.1:8080" */
	int threads;               /* 0 = number of cores */
	const char *web_dir;       /* the portal's static files */
	size_t max_body;           /* JSON request bodies; default 1 MiB */
	size_t max_upload;         /* uploaded files; default 20 MiB */
	int max_depth;             /* JSON nesting; default 32 */
	int test_clock;            /* enables POST /api/admin/clock */
	int tick_seconds;          /* scheduler period; default 30 */
	int session_hours;         /* browser sessions expire; default 12 */
	int anon_uploads_per_hour; /* per address; default 30 */
	const char *ready_file;    /* written with the URL once listening */
	const char *trusted_proxies; /* net_list text (util/netaddr.h); "" or NULL: none */
	const char *metrics_allow;   /* net_list text; default "127.0.0.1, ::1" */
	size_t search_cache;       /* search answers kept; 0 = none; default 4096 */
};

void server_config_defaults(struct server_config *c);
/* Runs until SIGTERM/SIGINT.  0 on a clean stop; prints why and returns 1
 * when it cannot start. */
int server_run(struct registry *reg, const struct server_config *cfg);

#endif
