/*
 * http_client.h - a small blocking HTTP/1.1 client for the commands that
 * talk to a registry (dipreg witness): http://, or https:// with the
 * server's certificate checked against the system's trusted authorities
 * (or SSL_CERT_FILE / SSL_CERT_DIR) and its name, one request per
 * connection ("Connection: close"), a deadline on the whole exchange, and a
 * ceiling on every byte it buffers.
 *
 * The response parser is separate from the socket code so that it can be
 * tested and fuzzed on its own: it reads a status line, header fields
 * (Content-Length, Transfer-Encoding: chunked, Content-Encoding) and a body
 * delimited by length, by chunks, or by the end of the connection, and
 * skips interim 1xx responses.  It does not decompress: requests do not
 * offer any content coding, and a response that uses one anyway is
 * refused.
 */
#ifndef DIP_HTTP_CLIENT_H
#define DIP_HTTP_CLIENT_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define HTTPC_HEADER_MAX (16 * 1024)
#define HTTPC_HOST_MAX 256
#define HTTPC_PATH_MAX 1024

/* "http[s]://host[:port][/base]" split up; base has no trailing slash. */
struct httpc_url {
	int tls;                   /* https:// */
	char host[HTTPC_HOST_MAX]; /* without brackets for an IPv6 literal */
	char port[8];
	char base[HTTPC_PATH_MAX];
};

/* Parses an http:// or https:// URL without query, fragment or user info.
 * DIP_EINVAL with a message (field "url") for anything else. */
int httpc_url_parse(const char *url, struct httpc_url *u, struct dip_error *e);

/* Parses the response in buf[0..len), which the caller has read so far,
 * eof telling whether the connection has ended.  Returns 0 with *status
 * and body (whose ceiling is the body limit) filled when the response is
 * complete, 1 when more bytes are needed, DIP_EINVAL for a malformed
 * response, DIP_ELIMIT for a header section longer than HTTPC_HEADER_MAX
 * or a body past the ceiling.  body is reset first. */
int httpc_parse_response(const char *buf, size_t len, int eof, int *status, struct dbuf *body);

struct httpc_request {
	const char *method;       /* "GET" or "POST" */
	const char *path;         /* appended to the URL's base; begins with '/' */
	const char *content_type; /* of body, for POST */
	const void *body;
	size_t body_len;
	int timeout_ms;           /* for the whole exchange, name lookup excepted */
	size_t max_body;          /* response body ceiling */
};

/* Sends the request and waits for the response.  body is initialised
 * here with the ceiling max_body; the caller frees it with dbuf_free, also
 * after a failure.  0 with *status and body filled (any status: the caller
 * judges it), or DIP_EIO (cannot connect, connection lost, timed out, no
 * TLS session with a server whose certificate verifies for the host),
 * DIP_EINVAL (malformed response), DIP_ELIMIT (too large), each with a
 * message naming the method and URL. */
int httpc_do(const struct httpc_url *u, const struct httpc_request *rq, int *status,
	     struct dbuf *body, struct dip_error *e);

#endif
