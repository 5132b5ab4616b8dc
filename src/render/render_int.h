/*
 * render_int.h - what the files of render/ share and nothing else uses:
 * QR encoding and drawing (qr.c) and the registry seal (seal.c), called
 * by the certificate layout (cert.c).
 */
#ifndef DIP_RENDER_INT_H
#define DIP_RENDER_INT_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "util/err.h"

#define RENDER__QR_QUIET 4 /* modules of white around the symbol (ISO/IEC 18004) */

/* Encodes text (1..RENDER_URL_MAX bytes) at error correction level M in
 * 8-bit mode.  On success *out is the caller's, freed with QRcode_free.
 * DIP_EINVAL (empty), DIP_ELIMIT (too long), DIP_ENOMEM; field is field. */
int render__qr_encode(const char *text, const char *field, QRcode **out, struct dip_error *e);

/* Draws qr with its quiet zone as a size x size square whose top left is
 * (x, y): a white square, then the dark modules as one path of rectangles
 * (one per run of dark modules in a row), so there are no seams. */
void render__qr_draw(cairo_t *cr, const QRcode *qr, double x, double y, double size);

/* Draws a round red seal of radius r centred on (cx, cy): a ring, a
 * five-pointed star, name along the upper arc, purpose in a line under the
 * star.  Uses ctx for text.  Draw errors land in cr's status. */
void render__seal_draw(cairo_t *cr, PangoContext *ctx, double cx, double cy, double r,
		       const char *name, const char *purpose);

#endif
