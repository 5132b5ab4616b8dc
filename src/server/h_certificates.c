/*
 * h_certificates.c - certificates for anyone to check (Arts. 13, 21, 22):
 * status and versions, the signed document, the PDF, and the QR code.
 */
#include "server/handlers.h"
#include "server/internal.h"
#include "render/render.h"

#include <stdio.h>
#include <string.h>

static int version_param(struct req *r, long *v)
{
	return req_long(r, "version", 0, 0, 1000000, v);
}

void h_certificate(struct req *r)
{
	struct dip_error e;
	json_t *o;
	long ver;

	if (version_param(r, &ver))
		return;
	if (!h__check(r, svc_certificate_json(r->v, r->param[0], (int)ver, r->now, &o, &e), &e))
		reply_json(r, 200, o);
}

void h_certificate_document(struct req *r)
{
	struct dip_error e;
	json_t *o, *doc;
	char disp[120];
	long ver;

	if (version_param(r, &ver))
		return;
	if (h__check(r, svc_certificate_json(r->v, r->param[0], (int)ver, r->now, &o, &e), &e))
		return;
	doc = json_incref(json_object_get(o, "document"));
	json_decref(o);
	/* Saved as a file, it verifies offline: dipreg verify cert.json --key ... */
	snprintf(disp, sizeof(disp), "attachment; filename=\"certificate-%.17s.json\"", r->param[0]);
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Content-Disposition", disp);
	reply_json(r, 200, doc);
}

void h_certificate_pdf(struct req *r)
{
	struct dip_error e;
	struct dbuf b;
	char disp[120];
	long ver;

	if (version_param(r, &ver))
		return;
	dbuf_init(&b, 32 << 20);
	if (!h__check(r, svc_certificate_pdf(r->v, r->param[0], (int)ver, r->now, &b, &e), &e)) {
		snprintf(disp, sizeof(disp), "inline; filename=\"certificate-%.17s.pdf\"", r->param[0]);
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Content-Disposition", disp);
		reply_bytes(r, 200, "application/pdf", b.p, b.len, "no-cache");
	}
	dbuf_free(&b);
}

void h_certificate_qr(struct req *r)
{
	struct dip_error e;
	struct dbuf b;
	json_t *o;
	long ver;

	if (version_param(r, &ver))
		return;
	if (h__check(r, svc_certificate_json(r->v, r->param[0], (int)ver, r->now, &o, &e), &e))
		return;
	dbuf_init(&b, 1 << 20);
	if (!h__check(r, render_qr_svg(json_string_value(json_object_get(json_object_get(
					       json_object_get(o, "document"), "certificate"), "verify_url")),
				       &b, &e), &e))
		reply_bytes(r, 200, "image/svg+xml", b.p, b.len, "public, max-age=3600");
	dbuf_free(&b);
	json_decref(o);
}
