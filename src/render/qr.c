/*
 * qr.c - QR codes for certificates (vector rectangles in the PDF) and for
 * the web portal (SVG).
 *
 * libqrencode picks the smallest symbol version for the text at error
 * correction level M (15% of the symbol may be soiled or covered and it
 * still reads: a printed certificate gets folded and stamped).  Both
 * drawings merge each row's run of dark modules into one rectangle and
 * keep the 4-module quiet zone that scanners need.
 */
#include "render/render.h"
#include "render/render_int.h"

#include <errno.h>
#include <string.h>

int render__qr_encode(const char *text, const char *field, QRcode **out, struct dip_error *e)
{
	QRcode *qr = NULL;
	size_t n;
	int rc = 0;

	*out = NULL;
	if (text == NULL || text[0] == '\0') {
		rc = dip_fail(e, DIP_EINVAL, field, "%s: missing; nothing to encode in the qr code", field);
		goto out;
	}
	n = strlen(text);
	if (n > RENDER_URL_MAX) {
		rc = dip_fail(e, DIP_ELIMIT, field, "%s: %zu bytes is too long for a scannable qr code "
			      "(at most %d)", field, n, RENDER_URL_MAX);
		goto out;
	}
	errno = 0;
	qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (qr == NULL) {
		if (errno == ENOMEM)
			rc = dip_fail(e, DIP_ENOMEM, field, "%s: out of memory encoding the qr code", field);
		else
			rc = dip_fail(e, DIP_ELIMIT, field, "%s: cannot be encoded as a qr code (%s)",
				      field, strerror(errno ? errno : EINVAL));
		goto out;
	}
	*out = qr;
out:
	return rc;
}

void render__qr_draw(cairo_t *cr, const QRcode *qr, double x, double y, double size)
{
	int n = qr->width + 2 * RENDER__QR_QUIET;
	double m = size / n;
	int row, col, start;

	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_new_path(cr);
	for (row = 0; row < qr->width; row++) {
		for (col = 0; col < qr->width; col++) {
			if (!(qr->data[row * qr->width + col] & 1))
				continue;
			start = col;
			while (col + 1 < qr->width && (qr->data[row * qr->width + col + 1] & 1))
				col++;
			cairo_rectangle(cr, x + (start + RENDER__QR_QUIET) * m,
					y + (row + RENDER__QR_QUIET) * m, (col - start + 1) * m, m);
		}
	}
	/* One fill of the union: rasterisers compute coverage of the whole path,
	 * so touching rectangles leave no hairline gaps. */
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
	cairo_fill(cr);
	cairo_restore(cr);
}

int render_qr_svg(const char *text, struct dbuf *out, struct dip_error *e)
{
	QRcode *qr = NULL;
	size_t mark = out->len;
	int rc, n, row, col, start;

	rc = render__qr_encode(text, "text", &qr, e);
	if (rc)
		goto out;
	n = qr->width + 2 * RENDER__QR_QUIET;
	rc = dbuf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		       "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">"
		       "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		       n, n, n * 4, n * 4, n, n);
	for (row = 0; rc == 0 && row < qr->width; row++) {
		for (col = 0; rc == 0 && col < qr->width; col++) {
			if (!(qr->data[row * qr->width + col] & 1))
				continue;
			start = col;
			while (col + 1 < qr->width && (qr->data[row * qr->width + col + 1] & 1))
				col++;
			rc = dbuf_addf(out, "M%d %dh%dv1h-%dz", start + RENDER__QR_QUIET,
				       row + RENDER__QR_QUIET, col - start + 1, col - start + 1);
		}
	}
	if (rc == 0)
		rc = dbuf_adds(out, "\"/></svg>\n");
	if (rc)
		dip_fail(e, rc, "", rc == DIP_ELIMIT ? "qr code: the svg is larger than the output limit"
			 : "qr code: out of memory");
out:
	if (rc && out->p) {
		out->len = mark;
		out->p[mark] = '\0';
	}
	if (qr)
		QRcode_free(qr);
	return rc;
}
