/*
 * test_http_client.c - util/http_client.c: URL parsing, the response
 * parser on whole, partial, chunked, interim, oversized and malformed
 * responses, and real exchanges with a one-shot server on 127.0.0.1
 * (GET, POST, a server that never answers, a closed port).
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/http_client.h"

/* ---- URLs ---- */

static void test_http_url_parse(void **state)
{
	struct httpc_url u;
	struct dip_error e;

	(void)state;
	assert_int_equal(httpc_url_parse("http://127.0.0.1:18080", &u, &e), 0);
	assert_string_equal(u.host, "127.0.0.1");
	assert_string_equal(u.port, "18080");
	assert_string_equal(u.base, "");
	assert_int_equal(httpc_url_parse("HTTP://registry.example/dipreg/", &u, &e), 0);
	assert_string_equal(u.host, "registry.example");
	assert_string_equal(u.port, "80");
	assert_string_equal(u.base, "/dipreg");
	assert_int_equal(httpc_url_parse("http://[::1]:99/a/b//", &u, &e), 0);
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.port, "99");
	assert_string_equal(u.base, "/a/b");

	assert_int_equal(u.tls, 0);
	assert_int_equal(httpc_url_parse("HTTPS://registry.example/log", &u, &e), 0);
	assert_int_equal(u.tls, 1);
	assert_string_equal(u.host, "registry.example");
	assert_string_equal(u.port, "443");
	assert_string_equal(u.base, "/log");
	assert_int_equal(httpc_url_parse("https://[::1]:8443", &u, &e), 0);
	assert_true(u.tls && strcmp(u.port, "8443") == 0);

	assert_int_equal(httpc_url_parse("ftp://registry.example", &u, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "only http:// and https://"));
	assert_int_equal(httpc_url_parse("https://", &u, &e), DIP_EINVAL);
	assert_int_equal(httpc_url_parse("http://", &u, &e), DIP_EINVAL);
	assert_int_equal(httpc_url_parse("http://user@host/", &u, &e), DIP_EINVAL);
	assert_int_equal(httpc_url_parse("http://host:0/", &u, &e), DIP_EINVAL);
	assert_int_equal(httpc_url_parse("http://host:65536/", &u, &e), DIP_EINVAL);
	assert_int_equal(httpc_url_parse("http://host:/", &u, &e), DIP_EINVAL);
	assert_int_equal(httpc_url_parse("http://host/?q=1", &u, &e), DIP_EINVAL);
	assert_int_equal(httpc_url_parse("http://host/a b", &u, &e), DIP_EINVAL);
	assert_int_equal(httpc_url_parse("http://ho_st/", &u, &e), DIP_EINVAL);
	assert_int_equal(httpc_url_parse("http://[::1/", &u, &e), DIP_EINVAL);
}

/* ---- the parser ---- */

static int parse(const char *s, int eof, size_t max, int *status, struct dbuf *body)
{
	dbuf_free(body);
	dbuf_init(body, max);
	return httpc_parse_response(s, strlen(s), eof, status, body);
}

static void test_http_parse_content_length_and_every_prefix(void **state)
{
	const char *r = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
			"X-A:b\r\n\r\nhello world";
	struct dbuf body;
	size_t n, len = strlen(r);
	int status = 0;

	(void)state;
	dbuf_init(&body, 100);
	for (n = 0; n < len; n++) {
		assert_int_equal(httpc_parse_response(r, n, 0, &status, &body), 1);
		assert_int_equal(httpc_parse_response(r, n, 1, &status, &body), DIP_EINVAL);
	}
	assert_int_equal(httpc_parse_response(r, len, 0, &status, &body), 0);
	assert_int_equal(status, 200);
	assert_int_equal(body.len, 11);
	assert_string_equal(body.p, "hello world");
	dbuf_free(&body);
}

static void test_http_parse_chunked_interim_and_eof_bodies(void **state)
{
	struct dbuf body;
	int status = 0;

	(void)state;
	dbuf_init(&body, 0);
	assert_int_equal(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			       "5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n",
			       0, 100, &status, &body),
			 0);
	assert_string_equal(body.p, "hello 0123456789");
	/* Incomplete chunked bodies wait for more, or fail at the end. */
	assert_int_equal(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", 0,
			       100, &status, &body),
			 1);
	assert_int_equal(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
			       1, 100, &status, &body),
			 DIP_EINVAL);
	/* Interim responses are skipped. */
	assert_int_equal(parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\n"
			       "Content-Length: 2\r\n\r\nno",
			       0, 100, &status, &body),
			 0);
	assert_int_equal(status, 404);
	assert_string_equal(body.p, "no");
	/* A body delimited by the end of the connection; bare LF lines. */
	assert_int_equal(parse("HTTP/1.0 200 OK\nServer: x\n\nuntil the end", 0, 100, &status, &body),
			 1);
	assert_int_equal(parse("HTTP/1.0 200 OK\nServer: x\n\nuntil the end", 1, 100, &status, &body),
			 0);
	assert_string_equal(body.p, "until the end");
	/* No body for 204 and 304. */
	assert_int_equal(parse("HTTP/1.1 204 No Content\r\n\r\n", 0, 100, &status, &body), 0);
	assert_int_equal(status, 204);
	assert_int_equal(body.len, 0);
	dbuf_free(&body);
}

static void test_http_parse_limits(void **state)
{
	struct dbuf body, big;
	int status = 0;
	size_t i;

	(void)state;
	dbuf_init(&body, 0);
	dbuf_init(&big, 0);
	assert_int_equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n", 0, 100, &status,
			       &body),
			 DIP_ELIMIT);
	assert_int_equal(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			       "40\r\n0123456789012345678901234567890123456789012345678901234567890123\r\n"
			       "40\r\n0123456789012345678901234567890123456789012345678901234567890123\r\n",
			       0, 100, &status, &body),
			 DIP_ELIMIT);
	assert_int_equal(parse("HTTP/1.1 200 OK\r\n\r\n"
			       "0123456789012345678901234567890123456789012345678901234567890123"
			       "0123456789012345678901234567890123456789012345678901234567890123",
			       0, 100, &status, &body),
			 DIP_ELIMIT);
	/* A header section that never ends. */
	dbuf_adds(&big, "HTTP/1.1 200 OK\r\n");
	for (i = 0; big.len <= HTTPC_HEADER_MAX; i++)
		dbuf_addf(&big, "X-Filler-%zu: %s\r\n", i, "........................................");
	assert_int_equal(parse(big.p, 0, 100, &status, &body), DIP_ELIMIT);
	dbuf_free(&big);
	dbuf_free(&body);
}

static void test_http_parse_malformed(void **state)
{
	static const char *const bad[] = {
		"HTTP/2 200 OK\r\n\r\n",
		"HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 600 Odd\r\n\r\n",
		"HTTP/1.1 200OK\r\n\r\n",
		"ICY 200 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n",
		"HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
		"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 1\r\n\r\nx",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY0\r\n\r\n",
		"HTTP/1.1 101 Switching Protocols\r\n\r\n",
	};
	struct dbuf body;
	int status = 0;
	size_t i;

	(void)state;
	dbuf_init(&body, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i], 1, 1000, &status, &body);

		if (rc != DIP_EINVAL)
			fail_msg("case %zu: %d for %s", i, rc, bad[i]);
	}
	dbuf_free(&body);
}

/* ---- exchanges with a one-shot server ---- */

struct oneshot {
	int lfd;
	const char *reply; /* NULL: accept, read, and never answer */
	char request[8192];
	size_t request_len;
	int hold_ms;
};

static void *oneshot_main(void *arg)
{
	struct oneshot *s = arg;
	int fd = accept(s->lfd, NULL, NULL);
	ssize_t n;

	if (fd < 0)
		return NULL;
	/* Read the whole request: headers and, for the tests' POST, a body
	 * that ends with '}'. */
	while (s->request_len < sizeof(s->request) - 1) {
		n = read(fd, s->request + s->request_len, sizeof(s->request) - 1 - s->request_len);
		if (n <= 0)
			break;
		s->request_len += (size_t)n;
		s->request[s->request_len] = '\0';
		if (strstr(s->request, "\r\n\r\n") &&
		    (strncmp(s->request, "POST", 4) != 0 || s->request[s->request_len - 1] == '}'))
			break;
	}
	if (s->reply) {
		if (write(fd, s->reply, strlen(s->reply)) < 0)
			s->request_len = 0;
	} else {
		struct timespec ts = { s->hold_ms / 1000, (long)(s->hold_ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
	}
	close(fd);
	return NULL;
}

static void oneshot_start(struct oneshot *s, pthread_t *th, struct httpc_url *u)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 4), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sa, &len), 0);
	memset(u, 0, sizeof(*u));
	snprintf(u->host, sizeof(u->host), "127.0.0.1");
	snprintf(u->port, sizeof(u->port), "%u", ntohs(sa.sin_port));
	snprintf(u->base, sizeof(u->base), "/base");
	assert_int_equal(pthread_create(th, NULL, oneshot_main, s), 0);
}

static void oneshot_stop(struct oneshot *s, pthread_t th)
{
	pthread_join(th, NULL);
	close(s->lfd);
}

static void test_http_get_and_post(void **state)
{
	struct oneshot s;
	struct httpc_url u;
	struct httpc_request rq;
	struct dip_error e;
	struct dbuf body;
	pthread_t th;
	int status = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
	oneshot_start(&s, &th, &u);
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.path = "/log/checkpoint";
	rq.timeout_ms = 5000;
	rq.max_body = 1000;
	assert_int_equal(httpc_do(&u, &rq, &status, &body, &e), 0);
	oneshot_stop(&s, th);
	assert_int_equal(status, 200);
	assert_string_equal(body.p, "abc");
	assert_non_null(strstr(s.request, "GET /base/log/checkpoint HTTP/1.1\r\n"));
	assert_non_null(strstr(s.request, "\r\nHost: 127.0.0.1:"));
	assert_non_null(strstr(s.request, "\r\nConnection: close\r\n"));
	assert_null(strstr(s.request, "Accept-Encoding"));
	dbuf_free(&body);

	memset(&s, 0, sizeof(s));
	s.reply = "HTTP/1.1 409 Conflict\r\nContent-Length: 2\r\n\r\n{}";
	oneshot_start(&s, &th, &u);
	rq.method = "POST";
	rq.path = "/api/log/cosignatures";
	rq.content_type = "application/json";
	rq.body = "{\"size\":3}";
	rq.body_len = 10;
	assert_int_equal(httpc_do(&u, &rq, &status, &body, &e), 0);
	oneshot_stop(&s, th);
	assert_int_equal(status, 409);
	assert_string_equal(body.p, "{}");
	assert_non_null(strstr(s.request, "POST /base/api/log/cosignatures HTTP/1.1\r\n"));
	assert_non_null(strstr(s.request, "\r\nContent-Type: application/json\r\nContent-Length: 10\r\n"));
	assert_non_null(strstr(s.request, "\r\n\r\n{\"size\":3}"));
	dbuf_free(&body);
}

static void test_http_timeout_refused_and_truncated(void **state)
{
	struct oneshot s;
	struct httpc_url u;
	struct httpc_request rq;
	struct dip_error e;
	struct dbuf body;
	struct timespec t0, t1;
	pthread_t th;
	int status = 0;
	double took;

	(void)state;
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.path = "/slow";
	rq.timeout_ms = 300;
	rq.max_body = 1000;

	/* A server that takes the request and never answers. */
	memset(&s, 0, sizeof(s));
	s.hold_ms = 1500;
	oneshot_start(&s, &th, &u);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(httpc_do(&u, &rq, &status, &body, &e), DIP_EIO);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(took >= 0.25 && took < 1.2);
	assert_non_null(strstr(e.message, "no complete response before the timeout"));
	assert_non_null(strstr(e.message, "GET http://127.0.0.1:"));
	dbuf_free(&body);
	oneshot_stop(&s, th);

	/* A response cut short by the server closing. */
	memset(&s, 0, sizeof(s));
	s.reply = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
	oneshot_start(&s, &th, &u);
	rq.timeout_ms = 5000;
	assert_int_equal(httpc_do(&u, &rq, &status, &body, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "malformed or truncated"));
	dbuf_free(&body);
	oneshot_stop(&s, th);

	/* Nobody listens on the port any more. */
	assert_int_equal(httpc_do(&u, &rq, &status, &body, &e), DIP_EIO);
	assert_non_null(strstr(e.message, "refused"));
	dbuf_free(&body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_url_parse),
		cmocka_unit_test(test_http_parse_content_length_and_every_prefix),
		cmocka_unit_test(test_http_parse_chunked_interim_and_eof_bodies),
		cmocka_unit_test(test_http_parse_limits),
		cmocka_unit_test(test_http_parse_malformed),
		cmocka_unit_test(test_http_get_and_post),
		cmocka_unit_test(test_http_timeout_refused_and_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
