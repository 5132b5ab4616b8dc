/*
 * fuzz_http.c - libFuzzer harness for the HTTP request path: any bytes
 * sent to a real dipreg server (libevent's parser, the router, the
 * authentication, the JSON handlers, the store) over a loopback socket,
 * with the server's event loop run in this process until it answers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <event2/http.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void server_fuzz_attach(struct server_thread *th, const char *db);

static struct server srv;
static struct server_thread th;
static struct registry reg;
static int port;

static void setup(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	struct dip_error e;
	char dir[] = "/tmp/dipreg-fuzz-XXXXXX", db[64];
	int fd;

	if (mkdtemp(dir) == NULL || registry_init(&reg, &e) != 0)
		abort();
	reg.pw_cost = 1;
	snprintf(reg.data_dir, sizeof(reg.data_dir), "%s", dir);
	snprintf(db, sizeof(db), "%s/r.db", dir);
	server_config_defaults(&srv.cfg);
	srv.cfg.max_body = 64 << 10;
	srv.cfg.max_upload = 64 << 10;
	srv.cfg.test_clock = 1;
	srv.reg = &reg;
	pthread_rwlock_init(&srv.reg_lock, NULL);
	pthread_mutex_init(&srv.anon_lock, NULL);
	th.srv = &srv;
	server_fuzz_attach(&th, db);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16) ||
	    evhttp_accept_socket(th.http, fd) || getsockname(fd, (struct sockaddr *)&sa, &len))
		abort();
	port = ntohs(sa.sin_port);
}

/* Connects the non-blocking fd to sa, letting the server's loop accept
 * meanwhile.  Non-blocking because libFuzzer's timer signal would
 * interrupt a blocking connect (EINTR). */
static int connected(int fd, const struct sockaddr_in *sa)
{
	socklen_t len = sizeof(int);
	int err = 0, i;

	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EINTR)
		return -1;
	for (i = 0; i < 10000; i++) {
		struct pollfd p = { fd, POLLOUT, 0 };

		event_base_loop(th.base, EVLOOP_NONBLOCK);
		if (poll(&p, 1, 1) == 1) {
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
				return -1;
			errno = err;
			return err ? -1 : 0;
		}
	}
	errno = ETIMEDOUT;
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linger lg = { 1, 0 };
	struct sockaddr_in sa;
	char buf[65536];
	size_t off = 0;
	ssize_t n;
	int fd, i;

	if (port == 0)
		setup();
	if (size > 64 << 10)
		return 0;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connected(fd, &sa) != 0) {
		fprintf(stderr, "fuzz_http: connect: %s\n", strerror(errno));
		abort();
	}
	/* Send the input, reading answers as they come, then half-close so
	 * the server sees the end; stop when it closes or after a bound. */
	for (i = 0; i < 2000; i++) {
		if (off < size) {
			n = write(fd, data + off, size - off);
			if (n > 0)
				off += (size_t)n;
		}
		if (off == size && off != (size_t)-1) {
			shutdown(fd, SHUT_WR);
			off = (size_t)-1;
			size = (size_t)-1;
		}
		event_base_loop(th.base, EVLOOP_NONBLOCK);
		n = read(fd, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			break;
		if (n < 0)
			usleep(100);
	}
	/* Close with a reset: a normal close leaves the client's port in
	 * TIME_WAIT, and a fast run (one connection per input, tens of
	 * thousands a run) would use up the ephemeral ports and fail to
	 * connect. */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	event_base_loop(th.base, EVLOOP_NONBLOCK);
	return 0;
}
