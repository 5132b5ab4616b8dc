/*
 * http_client.c - blocking HTTP/1.1 requests with a deadline and ceilings.
 */
#include "util/http_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#ifndef DIP_VERSION
#define DIP_VERSION "dev"
#endif

/* ---- URLs ---- */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ci_prefix(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (lower((unsigned char)*s) != *prefix)
			return 0;
	return 1;
}

static int url_fail(struct dip_error *e, const char *url, const char *why)
{
	return dip_fail(e, DIP_EINVAL, "url", "%.200s: %s", url, why);
}

int httpc_url_parse(const char *url, struct httpc_url *u, struct dip_error *e)
{
	const char *a, *end, *p, *host, *host_end, *port = NULL;
	size_t n;
	long v;

	memset(u, 0, sizeof(*u));
	if (ci_prefix(url, "https://"))
		u->tls = 1;
	else if (!ci_prefix(url, "http://"))
		return url_fail(e, url, "only http:// and https:// URLs are supported");
	a = url + (u->tls ? 8 : 7);
	end = a + strcspn(a, "/");
	for (p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '?' || *p == '#' || *p == '\\')
			return url_fail(e, url, "no spaces, query or fragment in the log URL");
	if (memchr(a, '@', (size_t)(end - a)))
		return url_fail(e, url, "no user name or password in the URL");
	if (*a == '[') {
		host = a + 1;
		host_end = memchr(host, ']', (size_t)(end - host));
		if (host_end == NULL)
			return url_fail(e, url, "unterminated [IPv6 address]");
		for (p = host; p < host_end; p++)
			if (!((*p >= '0' && *p <= '9') || (lower(*p) >= 'a' && lower(*p) <= 'f') ||
			      *p == ':' || *p == '.'))
				return url_fail(e, url, "bad IPv6 address");
		p = host_end + 1;
	} else {
		host = a;
		for (p = a; p < end && *p != ':'; p++)
			if (!((*p >= '0' && *p <= '9') || (lower(*p) >= 'a' && lower(*p) <= 'z') ||
			      *p == '.' || *p == '-'))
				return url_fail(e, url, "bad host name");
		host_end = p;
	}
	if (host_end == host)
		return url_fail(e, url, "no host");
	if (p < end) {
		if (*p != ':' || p + 1 == end)
			return url_fail(e, url, "bad port");
		port = p + 1;
		if ((size_t)(end - port) > 5 || strspn(port, "0123456789") < (size_t)(end - port))
			return url_fail(e, url, "bad port");
		v = strtol(port, NULL, 10);
		if (v < 1 || v > 65535)
			return url_fail(e, url, "port out of range");
		snprintf(u->port, sizeof(u->port), "%ld", v);
	} else {
		snprintf(u->port, sizeof(u->port), "%s", u->tls ? "443" : "80");
	}
	n = (size_t)(host_end - host);
	if (n >= sizeof(u->host))
		return url_fail(e, url, "host name too long");
	memcpy(u->host, host, n);
	n = strlen(end);
	while (n > 0 && end[n - 1] == '/')
		n--;
	if (n >= sizeof(u->base) - 64)
		return url_fail(e, url, "path too long");
	memcpy(u->base, end, n);
	return 0;
}

/* ---- parsing responses ---- */

/* The end of the line starting at p (the byte after its LF), or NULL when
 * no LF comes before lim.  *text_end gets the end of the text (before CR). */
static const char *line_end(const char *p, const char *lim, const char **text_end)
{
	const char *lf = memchr(p, '\n', (size_t)(lim - p));

	if (lf == NULL)
		return NULL;
	*text_end = lf > p && lf[-1] == '\r' ? lf - 1 : lf;
	return lf + 1;
}

static int is_tchar(int c)
{
	return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int name_is(const char *p, size_t n, const char *want)
{
	return strlen(want) == n && ci_prefix(p, want);
}

struct head {
	int status;
	int chunked;
	int has_length;
	uint64_t length;
	const char *body; /* first byte after the header section */
};

/* Parses one header section at p.  0, 1 (incomplete), DIP_EINVAL, DIP_ELIMIT. */
static int parse_head(const char *p, const char *lim, int eof, struct head *h)
{
	const char *hlim = lim - p > HTTPC_HEADER_MAX ? p + HTTPC_HEADER_MAX : lim;
	const char *next, *t, *colon, *v, *ve;
	int first = 1;

	memset(h, 0, sizeof(*h));
	for (;;) {
		next = line_end(p, hlim, &t);
		if (next == NULL)
			return hlim < lim || lim - p >= HTTPC_HEADER_MAX ? DIP_ELIMIT : eof ? DIP_EINVAL : 1;
		if (first) {
			/* HTTP/1.x SP 3DIGIT [SP reason] */
			if (t - p < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' || p[7] > '9' ||
			    p[8] != ' ' || p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' ||
			    p[11] < '0' || p[11] > '9' || (t - p > 12 && p[12] != ' '))
				return DIP_EINVAL;
			h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
			first = 0;
			p = next;
			continue;
		}
		if (t == p) { /* the empty line ends the section */
			h->body = next;
			return 0;
		}
		colon = memchr(p, ':', (size_t)(t - p));
		if (colon == NULL || colon == p)
			return DIP_EINVAL;
		for (v = p; v < colon; v++)
			if (!is_tchar((unsigned char)*v))
				return DIP_EINVAL;
		for (v = colon + 1; v < t && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = t; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
			;
		if (name_is(p, (size_t)(colon - p), "content-length")) {
			uint64_t n = 0;
			const char *d;

			if (ve == v || ve - v > 18)
				return DIP_EINVAL;
			for (d = v; d < ve; d++) {
				if (*d < '0' || *d > '9')
					return DIP_EINVAL;
				n = n * 10 + (uint64_t)(*d - '0');
			}
			if (h->has_length && h->length != n)
				return DIP_EINVAL;
			h->has_length = 1;
			h->length = n;
		} else if (name_is(p, (size_t)(colon - p), "transfer-encoding")) {
			if (!name_is(v, (size_t)(ve - v), "chunked"))
				return DIP_EINVAL; /* no other coding was offered */
			h->chunked = 1;
		} else if (name_is(p, (size_t)(colon - p), "content-encoding")) {
			if (ve != v && !name_is(v, (size_t)(ve - v), "identity"))
				return DIP_EINVAL;
		}
		p = next;
	}
}

/* Decodes a chunked body at p.  0, 1, DIP_EINVAL, DIP_ELIMIT. */
static int dechunk(const char *p, const char *lim, int eof, struct dbuf *body)
{
	const char *next, *t, *d;
	uint64_t n;
	int rc;

	for (;;) {
		next = line_end(p, lim - p > 4096 ? p + 4096 : lim, &t);
		if (next == NULL)
			return lim - p >= 4096 ? DIP_EINVAL : eof ? DIP_EINVAL : 1;
		n = 0;
		for (d = p; d < t && d - p < 16; d++) {
			int c = lower((unsigned char)*d);

			if (c >= '0' && c <= '9')
				n = n * 16 + (uint64_t)(c - '0');
			else if (c >= 'a' && c <= 'f')
				n = n * 16 + (uint64_t)(c - 'a' + 10);
			else
				break;
		}
		if (d == p || (d < t && *d != ';' && *d != ' ' && *d != '\t'))
			return DIP_EINVAL;
		p = next;
		if (n == 0)
			break;
		if (body->max && n > body->max - body->len)
			return DIP_ELIMIT;
		if ((uint64_t)(lim - p) < n)
			return eof ? DIP_EINVAL : 1;
		rc = dbuf_add(body, p, (size_t)n);
		if (rc)
			return rc;
		p += n;
		next = line_end(p, lim - p > 2 ? p + 2 : lim, &t);
		if (next == NULL)
			return lim - p >= 2 ? DIP_EINVAL : eof ? DIP_EINVAL : 1;
		if (t != p)
			return DIP_EINVAL;
		p = next;
	}
	/* Trailer fields, then the empty line. */
	for (;;) {
		next = line_end(p, lim - p > HTTPC_HEADER_MAX ? p + HTTPC_HEADER_MAX : lim, &t);
		if (next == NULL)
			return lim - p >= HTTPC_HEADER_MAX ? DIP_ELIMIT : eof ? DIP_EINVAL : 1;
		if (t == p)
			return 0;
		p = next;
	}
}

int httpc_parse_response(const char *buf, size_t len, int eof, int *status, struct dbuf *body)
{
	const char *p = buf, *lim = buf + len;
	struct head h;
	int rc, interim;

	dbuf_reset(body);
	/* Interim responses (100 Continue and the like) come first; at most a
	 * few are believable. */
	for (interim = 0;; interim++) {
		rc = parse_head(p, lim, eof, &h);
		if (rc)
			return rc;
		if (h.status >= 200 || h.status == 101)
			break;
		if (interim == 8)
			return DIP_EINVAL;
		p = h.body;
	}
	if (h.status == 101)
		return DIP_EINVAL;
	*status = h.status;
	if (h.status == 204 || h.status == 304)
		return 0;
	if (h.chunked)
		return dechunk(h.body, lim, eof, body);
	if (h.has_length) {
		if (body->max && h.length > body->max)
			return DIP_ELIMIT;
		if ((uint64_t)(lim - h.body) < h.length)
			return eof ? DIP_EINVAL : 1;
		return dbuf_add(body, h.body, (size_t)h.length);
	}
	/* Delimited by the end of the connection. */
	if (body->max && (size_t)(lim - h.body) > body->max)
		return DIP_ELIMIT;
	if (!eof)
		return 1;
	return dbuf_add(body, h.body, (size_t)(lim - h.body));
}

/* ---- the exchange ---- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for ev or the deadline passes: 0, or -1 with
 * errno (ETIMEDOUT at the deadline). */
static int wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd pfd = { fd, ev, 0 };
	int64_t left;
	int n;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

static int connect_to(const struct httpc_url *u, int64_t deadline, int *fd_out, int *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	socklen_t elen;
	int fd = -1, rc, soerr;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(u->host, u->port, &hints, &res);
	if (rc) {
		*err = 0;
		return rc;
	}
	*err = ECONNREFUSED;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			*err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline) == 0) {
			elen = sizeof(soerr);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen) == 0 && soerr == 0)
				break;
			errno = soerr;
		}
		*err = errno;
		close(fd);
		fd = -1;
		if (*err == ETIMEDOUT)
			break;
	}
	freeaddrinfo(res);
	*fd_out = fd;
	return fd < 0 ? -1 : 0;
}

/* ---- the connection: a socket, with a TLS session over it for https ---- */

struct conn {
	int fd;
	SSL *ssl;
};

static void conn_close(struct conn *c)
{
	if (c->ssl)
		SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
}

/* One context for the process: the trusted authorities are read once,
 * not for every request of a witness's round. */
static SSL_CTX *tls_ctx;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;

static void tls_ctx_make(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx && SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) &&
	    SSL_CTX_set_default_verify_paths(ctx)) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		tls_ctx = ctx;
	} else {
		SSL_CTX_free(ctx);
	}
}

/* Why the last TLS call failed, into why. */
static void tls_why(const struct conn *c, char *why, size_t n)
{
	unsigned long err = ERR_get_error();
	long v = c->ssl ? SSL_get_verify_result(c->ssl) : X509_V_OK;

	if (v != X509_V_OK)
		snprintf(why, n, "the server's certificate: %s", X509_verify_cert_error_string(v));
	else if (err && ERR_reason_error_string(err))
		/* Plain HTTP read as TLS records gives one of these two. */
		snprintf(why, n, "TLS: %s%s", ERR_reason_error_string(err),
			 ERR_GET_REASON(err) == SSL_R_WRONG_VERSION_NUMBER ||
					 ERR_GET_REASON(err) == SSL_R_PACKET_LENGTH_TOO_LONG
				 ? " (is it an https server?)" : "");
	else if (err)
		ERR_error_string_n(err, why, n);
	else
		snprintf(why, n, "%s", errno ? strerror(errno) : "the TLS connection failed");
	ERR_clear_error();
}

/* Waits for what a TLS call that returned r needs: 0 to call it again,
 * 1 when the peer closed the connection, -1 on an error. */
static int tls_wait(struct conn *c, int r, int64_t deadline)
{
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		return wait_fd(c->fd, POLLIN, deadline) == 0 ? 0 : -1;
	case SSL_ERROR_WANT_WRITE:
		return wait_fd(c->fd, POLLOUT, deadline) == 0 ? 0 : -1;
	case SSL_ERROR_ZERO_RETURN:
		return 1;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0 && (errno == 0 || errno == ECONNRESET))
			return 1;
		return -1;
	case SSL_ERROR_SSL:
		/* Closed without close_notify: as plain HTTP, the response
		 * parser decides whether what came is whole. */
		if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			ERR_clear_error();
			return 1;
		}
		return -1;
	default:
		return -1;
	}
}

/* The TLS handshake with u's host: TLS 1.2 at least, the certificate
 * verified against the trusted authorities and for the host (its name,
 * or its address when the URL gives one). */
static int tls_start(struct conn *c, const struct httpc_url *u, int64_t deadline, char *why,
		     size_t n)
{
	unsigned char addr[16];
	int r, literal;

	literal = inet_pton(AF_INET, u->host, addr) == 1 || inet_pton(AF_INET6, u->host, addr) == 1;
	pthread_once(&tls_once, tls_ctx_make);
	if (tls_ctx == NULL || (c->ssl = SSL_new(tls_ctx)) == NULL) {
		tls_why(c, why, n);
		return -1;
	}
	if (literal ? !X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), u->host)
		    : !SSL_set_tlsext_host_name(c->ssl, u->host) || !SSL_set1_host(c->ssl, u->host)) {
		tls_why(c, why, n);
		return -1;
	}
	SSL_set_fd(c->ssl, c->fd);
	errno = 0;
	while ((r = SSL_connect(c->ssl)) != 1)
		if (tls_wait(c, r, deadline) != 0) {
			if (errno == ETIMEDOUT)
				snprintf(why, n, "no TLS session before the timeout");
			else
				tls_why(c, why, n);
			return -1;
		}
	return 0;
}

/* Sends all of p[0..len): 0, or -1 with errno. */
static int conn_send(struct conn *c, const char *p, size_t len, int64_t deadline)
{
	size_t sent = 0;
	ssize_t k;
	int r;

	while (sent < len) {
		if (c->ssl) {
			errno = 0;
			r = SSL_write(c->ssl, p + sent, (int)(len - sent > INT32_MAX ? INT32_MAX : len - sent));
			if (r > 0)
				sent += (size_t)r;
			else if (tls_wait(c, r, deadline) != 0)
				return errno ? -1 : (errno = EPIPE, -1);
			continue;
		}
		if (wait_fd(c->fd, POLLOUT, deadline) != 0)
			return -1;
		k = send(c->fd, p + sent, len - sent, MSG_NOSIGNAL);
		if (k < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (k < 0)
			return -1;
		sent += (size_t)k;
	}
	return 0;
}

/* Reads what comes: the count, 0 at the end, or -1 with errno. */
static ssize_t conn_recv(struct conn *c, char *buf, size_t cap, int64_t deadline)
{
	ssize_t k;
	int r;

	for (;;) {
		if (c->ssl) {
			errno = 0;
			r = SSL_read(c->ssl, buf, (int)cap);
			if (r > 0)
				return r;
			r = tls_wait(c, r, deadline);
			if (r == 1)
				return 0;
			if (r < 0)
				return errno ? -1 : (errno = EPROTO, -1);
			continue;
		}
		if (wait_fd(c->fd, POLLIN, deadline) != 0)
			return -1;
		k = recv(c->fd, buf, cap, 0);
		if (k < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (k < 0 && errno == ECONNRESET)
			return 0;
		return k;
	}
}

static int request_text(const struct httpc_url *u, const struct httpc_request *rq,
			struct dbuf *out)
{
	const char *p;
	int v6 = strchr(u->host, ':') != NULL;
	int other = strcmp(u->port, u->tls ? "443" : "80") != 0;
	int rc;

	for (p = rq->path; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return DIP_EINVAL;
	rc = dbuf_addf(out, "%s %s%s HTTP/1.1\r\nHost: %s%s%s%s%s\r\n", rq->method, u->base,
		       rq->path, v6 ? "[" : "", u->host, v6 ? "]" : "", other ? ":" : "",
		       other ? u->port : "");
	if (rc == 0)
		rc = dbuf_addf(out, "User-Agent: dipreg/%s\r\nAccept: */*\r\nConnection: close\r\n",
			       DIP_VERSION);
	if (rc == 0 && rq->body)
		rc = dbuf_addf(out, "Content-Type: %s\r\nContent-Length: %zu\r\n",
			       rq->content_type ? rq->content_type : "application/octet-stream",
			       rq->body_len);
	if (rc == 0)
		rc = dbuf_adds(out, "\r\n");
	if (rc == 0 && rq->body)
		rc = dbuf_add(out, rq->body, rq->body_len);
	return rc;
}

int httpc_do(const struct httpc_url *u, const struct httpc_request *rq, int *status,
	     struct dbuf *body, struct dip_error *e)
{
	int64_t deadline = now_ms() + (rq->timeout_ms > 0 ? rq->timeout_ms : 10000);
	struct conn c = { -1, NULL };
	struct dbuf req, raw;
	char where[HTTPC_HOST_MAX + HTTPC_PATH_MAX * 2 + 32], why[256];
	ssize_t n;
	int rc, err = 0, eof = 0;

	snprintf(where, sizeof(where), "%s %s://%s%s%s:%s%s%s", rq->method, u->tls ? "https" : "http",
		 strchr(u->host, ':') ? "[" : "", u->host, strchr(u->host, ':') ? "]" : "", u->port,
		 u->base, rq->path);
	dbuf_init(&req, HTTPC_HEADER_MAX + rq->body_len + 64);
	/* The raw response: headers, the body and chunk framing. */
	dbuf_init(&raw, 2 * HTTPC_HEADER_MAX + 2 * rq->max_body + 4096);
	dbuf_init(body, rq->max_body);
	if (request_text(u, rq, &req) != 0) {
		rc = dip_fail(e, DIP_EINVAL, "url", "%s: bad request path", where);
		goto out;
	}
	rc = connect_to(u, deadline, &c.fd, &err);
	if (rc) {
		rc = dip_fail(e, DIP_EIO, "url", "%s: %s", where,
			      err ? strerror(err) : gai_strerror(rc));
		goto out;
	}
	if (u->tls && tls_start(&c, u, deadline, why, sizeof(why)) != 0) {
		rc = dip_fail(e, DIP_EIO, "url", "%s: %s", where, why);
		goto out;
	}
	if (conn_send(&c, req.p, req.len, deadline) != 0) {
		rc = dip_fail(e, DIP_EIO, "url", "%s: %s", where, strerror(errno));
		goto out;
	}
	for (;;) {
		char chunk[16384];

		n = conn_recv(&c, chunk, sizeof(chunk), deadline);
		if (n < 0) {
			rc = dip_fail(e, DIP_EIO, "url", "%s: %s", where,
				      errno == ETIMEDOUT ? "no complete response before the timeout"
							 : strerror(errno));
			goto out;
		}
		if (n == 0)
			eof = 1;
		else if (dbuf_add(&raw, chunk, (size_t)n) != 0) {
			rc = dip_fail(e, DIP_ELIMIT, "url", "%s: response larger than %zu bytes", where,
				      raw.max);
			goto out;
		}
		rc = httpc_parse_response(raw.p ? raw.p : "", raw.len, eof, status, body);
		if (rc == 0)
			break;
		if (rc == 1 && !eof)
			continue;
		rc = rc == DIP_ELIMIT
			     ? dip_fail(e, rc, "url", "%s: response body larger than %zu bytes", where,
					rq->max_body)
			     : dip_fail(e, DIP_EINVAL, "url", "%s: malformed or truncated HTTP response",
					where);
		goto out;
	}
	rc = 0;
out:
	conn_close(&c);
	dbuf_free(&req);
	dbuf_free(&raw);
	return rc;
}
