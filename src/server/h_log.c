/*
 * h_log.c - the transparency log over HTTP, in the ecosystem's formats:
 * the signed checkpoint (c2sp.org/tlog-checkpoint) at /log/checkpoint, the
 * tree as tlog-tiles under /log/tile/, plus JSON for people and the portal
 * (entries, proofs, lookups by fingerprint), deposits with their receipts,
 * and the witnesses' cosignatures.
 */
#include "server/handlers.h"
#include "server/internal.h"
#include "service/ledger.h"

#include <event2/buffer.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

void h_log_checkpoint(struct req *r)
{
	struct dip_error e;
	struct dbuf b;

	dbuf_init(&b, LED_NOTE_MAX);
	if (!h__check(r, svc_log_checkpoint(r->v, &b, NULL, &e), &e))
		reply_bytes(r, 200, "text/plain; charset=utf-8", b.p, b.len, "no-store");
	dbuf_free(&b);
}

void h_log_keys(struct req *r)
{
	struct dbuf b;

	dbuf_init(&b, 1 << 16);
	ledger_vkeys(r->srv->reg, &b);
	reply_bytes(r, 200, "text/plain; charset=utf-8", b.p ? b.p : "", b.len,
		    "public, max-age=300");
	dbuf_free(&b);
}

/* gzip-compresses in into out; 0 or -1. */
static int gzip(const struct dbuf *in, struct dbuf *out)
{
	z_stream z;
	unsigned char buf[16384];
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)in->p;
	z.avail_in = (uInt)in->len;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		rc = deflate(&z, Z_FINISH);
		if (rc == Z_STREAM_ERROR || dbuf_add(out, buf, sizeof(buf) - z.avail_out)) {
			deflateEnd(&z);
			return -1;
		}
	} while (rc != Z_STREAM_END);
	deflateEnd(&z);
	return 0;
}

void h_log_tile(struct req *r)
{
	const char *path = r->path + strlen("/log/");
	const char *accept = req_header(r, "Accept-Encoding");
	struct dip_error e;
	struct dbuf b, z;
	uint64_t index;
	unsigned width;
	int level;

	if (led_tile_path_parse(path, &level, &index, &width) != 0) {
		reply_fail(r, DIP_ENOTFOUND, "", "no such tile path");
		return;
	}
	dbuf_init(&b, 64u << 20);
	dbuf_init(&z, 64u << 20);
	if (h__check(r, svc_log_tile(r->v, level, index, width, &b, &e), &e))
		goto out;
	/* Tiles never change: clients and proxies may keep them forever.  A
	 * bundle's bytes depend on Accept-Encoding, which caches must key on. */
	if (level == LED_TILE_ENTRIES)
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Vary", "Accept-Encoding");
	if (level == LED_TILE_ENTRIES && accept && strstr(accept, "gzip") && gzip(&b, &z) == 0) {
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Content-Encoding", "gzip");
		reply_bytes(r, 200, "application/octet-stream", z.p, z.len,
			    "public, max-age=31536000, immutable");
	} else {
		reply_bytes(r, 200, "application/octet-stream", b.p ? b.p : "", b.len,
			    "public, max-age=31536000, immutable");
	}
out:
	dbuf_free(&b);
	dbuf_free(&z);
}

void h_log_entry(struct req *r)
{
	int64_t id = 0;
	struct dip_error e;
	json_t *o;
	const char *s = r->param[0];

	/* Index 0 is a valid entry: parse it here rather than with req_id. */
	if (s == NULL || *s == '\0' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 15) {
		reply_fail(r, DIP_ENOTFOUND, "", "no such entry");
		return;
	}
	id = strtoll(s, NULL, 10);
	if (!h__check(r, svc_log_entry_json(r->v, id, &o, &e), &e))
		reply_json(r, 200, o);
}

void h_log_inclusion(struct req *r)
{
	struct dip_error e;
	long index, size;
	json_t *o;

	if (req_long(r, "index", -1, 0, INT64_MAX >> 1, &index) ||
	    req_long(r, "size", 0, 0, INT64_MAX >> 1, &size))
		return;
	if (index < 0 && req_query(r, "leaf_hash") == NULL) {
		reply_fail(r, DIP_EINVAL, "index", "index or leaf_hash: which entry to prove");
		return;
	}
	if (!h__check(r, svc_log_inclusion_json(r->v, index, req_query(r, "leaf_hash"), size, &o, &e),
		      &e))
		reply_json(r, 200, o);
}

void h_log_consistency(struct req *r)
{
	struct dip_error e;
	long from, to;
	json_t *o;

	if (req_long(r, "from", 0, 0, INT64_MAX >> 1, &from) ||
	    req_long(r, "to", 0, 0, INT64_MAX >> 1, &to))
		return;
	if (!h__check(r, svc_log_consistency_json(r->v, from, to, &o, &e), &e))
		reply_json(r, 200, o);
}

void h_log_fingerprint(struct req *r)
{
	struct dip_error e;
	json_t *o;

	if (!h__check(r, svc_log_by_fingerprint(r->v, r->param[0], &o, &e), &e))
		reply_json(r, 200, o);
}

void h_log_cosign(struct req *r)
{
	struct dip_error e;
	long size;
	json_t *b = req_json(r);

	if (b == NULL)
		return;
	if (!json_is_integer(json_object_get(b, "size"))) {
		reply_fail(r, DIP_EINVAL, "size", "size: the checkpoint's tree size");
		return;
	}
	size = (long)json_integer_value(json_object_get(b, "size"));
	if (!h__check(r, svc_log_cosign(r->v, size, jstr(b, "cosignature"), r->now, &e), &e))
		h_log_checkpoint(r);
}

static void reply_receipt(struct req *r, int64_t index, int status)
{
	struct dip_error e;
	struct dbuf b;

	dbuf_init(&b, 1 << 20);
	if (!h__check(r, svc_log_receipt(r->v, index, r->now, &b, &e), &e))
		reply_bytes(r, status, "application/json", b.p, b.len, "no-store");
	dbuf_free(&b);
}

void h_deposit(struct req *r)
{
	struct deposit_input in;
	struct deposit d;
	struct dip_error e;
	json_t *b = req_json(r), *f, *n;

	if (b == NULL)
		return;
	memset(&in, 0, sizeof(in));
	in.fingerprint = jstr(b, "fingerprint");
	f = json_object_get(b, "files");
	n = json_object_get(b, "bytes");
	if ((f && !json_is_integer(f)) || (n && !json_is_integer(n))) {
		reply_fail(r, DIP_EINVAL, f && !json_is_integer(f) ? "files" : "bytes",
			   "files and bytes: whole numbers");
		return;
	}
	in.files = json_integer_value(f);
	in.bytes = json_integer_value(n);
	in.description = jstr(b, "description");
	if (h__check(r, svc_deposit(r->v, &r->who, &in, r->now, &d, &e), &e))
		return;
	{
		char id[24];

		snprintf(id, sizeof(id), "%lld", (long long)d.id);
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "X-Deposit-Id", id);
	}
	reply_receipt(r, d.ledger_index, 201);
}

void h_deposit_receipt(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct deposit d;
	struct store *st = r->v->st;
	int rc;

	if (!id)
		return;
	rc = st->begin(st, 0);
	if (rc == 0)
		rc = st->deposit_get(st, id, &d);
	st->rollback(st);
	if (rc || (d.account_id != r->who.id && !(r->who.roles & (ROLE_EXAMINER | ROLE_ADMIN)))) {
		reply_fail(r, DIP_ENOTFOUND, "", "no deposit %lld of yours", (long long)id);
		return;
	}
	reply_receipt(r, d.ledger_index, 200);
}

/* POST /api/verify: a receipt or a certificate document someone holds,
 * as the registry issued it (the bytes are what the signatures cover). */
void h_verify(struct req *r)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);
	struct dip_error e;
	json_t *b = req_json(r), *o;

	if (b == NULL)
		return;
	if (!h__check(r, svc_verify_document(r->v, (const char *)evbuffer_pullup(in, -1),
					     evbuffer_get_length(in), jstr(b, "type"), r->now, &o,
					     &e), &e))
		reply_json(r, 200, o);
}
