/*
 * h_uploads.c - files: proofs of lawful acquisition, samples, notarial
 * certificates, powers of attorney, objection evidence.
 *
 * A file is sent as the raw request body.  Its SHA-256 names it on disk
 * (data_dir/files/ab/abcdef...), so storing the same bytes twice keeps one
 * copy.  The declared type must be one the registry accepts and must match
 * what the bytes are (a PDF starts with %PDF-, and so on); the file name
 * is only a label, never a path.
 */
#include "server/handlers.h"
#include "server/internal.h"
#include "crypto/hash.h"
#include "util/b64.h"
#include "util/file.h"
#include "util/utf8.h"

#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kind {
	const char *mime;
	const char *magic;
	size_t magic_len;
	int text;
};

static const struct kind kinds[] = {
	{ "application/pdf", "%PDF-", 5, 0 },
	{ "image/png", "\x89PNG\r\n\x1a\n", 8, 0 },
	{ "image/jpeg", "\xff\xd8\xff", 3, 0 },
	{ "application/zip", "PK\x03\x04", 4, 0 },
	{ "text/csv", NULL, 0, 1 },
	{ "text/plain", NULL, 0, 1 },
	{ "application/json", NULL, 0, 1 },
};

static const struct kind *kind_of(const char *type)
{
	char base[80];
	size_t i, n = strcspn(type, ";");

	if (n >= sizeof(base))
		return NULL;
	memcpy(base, type, n);
	base[n] = '\0';
	while (n > 0 && base[n - 1] == ' ')
		base[--n] = '\0';
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].mime, base) == 0)
			return &kinds[i];
	return NULL;
}

static int name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < 200 && utf8_valid(name, n) && !utf8_has_control(name) &&
	       strpbrk(name, "\t\r\n/\\") == NULL && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

void h_upload_put(struct req *r)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);
	size_t n = evbuffer_get_length(in);
	const char *type = req_header(r, "Content-Type"), *name = req_query(r, "name");
	const struct kind *k;
	const unsigned char *p;
	uint8_t h[CRYPTO_HASH_LEN];
	char dir[1100], path[1200];
	struct upload u;
	struct dip_error e;

	if (n == 0) {
		reply_fail(r, DIP_EINVAL, "body", "send the file as the request body");
		return;
	}
	if (n > r->srv->cfg.max_upload) {
		reply_fail(r, DIP_ELIMIT, "body", "file larger than %zu bytes", r->srv->cfg.max_upload);
		return;
	}
	k = type ? kind_of(type) : NULL;
	if (k == NULL) {
		reply_fail(r, DIP_ETYPE, "Content-Type",
			   "Content-Type: send a PDF, PNG, JPEG, ZIP, CSV, JSON or plain text file");
		return;
	}
	if (name && !name_ok(name)) {
		reply_fail(r, DIP_EINVAL, "name", "name: a file name without path separators, under 200 bytes");
		return;
	}
	p = evbuffer_pullup(in, -1);
	if ((k->magic && (n < k->magic_len || memcmp(p, k->magic, k->magic_len) != 0)) ||
	    (k->text && !utf8_valid((const char *)p, n))) {
		reply_fail(r, DIP_ETYPE, "Content-Type", "the file's bytes are not a %s file", k->mime);
		return;
	}
	if (r->who.id == 0 && !server_anon_upload_ok(r->srv, r->addr, r->now)) {
		reply_fail(r, DIP_ERATE, "", "too many uploads from your address; sign in or wait an hour");
		return;
	}
	crypto_hash(CRYPTO_SHA256, p, n, h);
	memset(&u, 0, sizeof(u));
	hex_encode(u.sha256, h, sizeof(h));
	u.sha256[64] = '\0';
	u.size = (int64_t)n;
	snprintf(u.mime, sizeof(u.mime), "%s", k->mime);
	snprintf(u.name, sizeof(u.name), "%s", name ? name : "upload");
	u.owner_id = r->who.id;
	u.created_at = r->now;
	snprintf(dir, sizeof(dir), "%s/files/%.2s", r->srv->reg->data_dir, u.sha256);
	snprintf(path, sizeof(path), "%s/%s", dir, u.sha256);
	if (file_mkdirs(dir, &e) != 0 || file_write_atomic(path, p, n, &e) != 0) {
		reply_fail(r, DIP_EIO, "", "could not store the file");
		return;
	}
	if (h__check(r, svc_upload_add(r->v, &r->who, &u, &e), &e))
		return;
	reply_json(r, 201, json_pack("{s:s,s:I,s:s,s:s}", "sha256", u.sha256, "size",
				     (json_int_t)u.size, "mime", u.mime, "name", u.name));
}

void h_upload_get(struct req *r)
{
	const char *sha = r->param[0];
	struct upload u;
	struct dip_error e;
	char path[1200], disp[400], *data = NULL;
	size_t len = 0, i;

	for (i = 0; sha && sha[i]; i++)
		if (!((sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f')))
			break;
	if (sha == NULL || i != 64 || sha[i]) {
		reply_fail(r, DIP_ENOTFOUND, "", "no such file");
		return;
	}
	if (h__check(r, svc_upload_access(r->v, &r->who, sha, r->now, &u, &e), &e))
		return;
	snprintf(path, sizeof(path), "%s/files/%.2s/%s", r->srv->reg->data_dir, sha, sha);
	if (file_read(path, r->srv->cfg.max_upload + 1, &data, &len, &e) != 0) {
		reply_fail(r, DIP_ENOTFOUND, "", "the file's bytes are missing from the data directory");
		return;
	}
	snprintf(disp, sizeof(disp), "attachment; filename*=UTF-8''%.64s", u.sha256);
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Content-Disposition", disp);
	reply_bytes(r, 200, u.mime, data, len, "private, no-store");
	free(data);
}
