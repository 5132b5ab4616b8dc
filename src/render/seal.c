/*
 * seal.c - the registry's round red seal on the certificate.
 *
 * Drawn the way a Chinese official seal is cut: a thick ring, a
 * five-pointed star in the middle, the registry's name running clockwise
 * along the upper arc with each character upright towards the rim, and the
 * seal's purpose (数据知识产权登记专用章) in a straight line under the star.
 * The ink is slightly translucent so the issuer line under it stays
 * legible, as with a real stamp.  It is a picture of a seal, not an
 * electronic seal in the sense of GB/T 38540: the registry's signature
 * proves the certificate.
 */
#include "render/render_int.h"

#include <math.h>
#include <string.h>

#include "util/utf8.h"

#define SEAL_FONT "Noto Serif CJK SC"

static const double seal_red[4] = { 0.80, 0.06, 0.07, 0.88 };

static void star(cairo_t *cr, double cx, double cy, double ro)
{
	double ri = ro * 0.381966; /* the inner radius of a regular pentagram */
	double a;
	int k;

	for (k = 0; k < 10; k++) {
		a = -M_PI / 2 + k * M_PI / 5;
		if (k == 0)
			cairo_move_to(cr, cx + ro * cos(a), cy + ro * sin(a));
		else
			cairo_line_to(cr, cx + (k % 2 ? ri : ro) * cos(a), cy + (k % 2 ? ri : ro) * sin(a));
	}
	cairo_close_path(cr);
	cairo_fill(cr);
}

static PangoLayout *glyph_layout(PangoContext *ctx, const char *s, size_t n, double size)
{
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family(fd, SEAL_FONT);
	pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(l, s, (int)n);
	return l;
}

/* The name along the upper arc, centred on the top, clockwise. */
static void arc_text(cairo_t *cr, PangoContext *ctx, double cx, double cy, double r,
		     double ring, const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t len = strlen(name), i;
	int nchars = 0, k = 0, used;
	double size, span, step, rc, theta, w, h;
	uint32_t cp;
	PangoLayout *l;

	for (i = 0; i < len; i += (size_t)used) {
		used = utf8_decode(s + i, len - i, &cp);
		if (used == 0)
			return;
		nchars++;
	}
	if (nchars == 0)
		return;
	/* Up to 220 degrees of arc, centred on the top; characters shrink
	 * when the name is long. */
	size = r * 0.22;
	rc = r - ring - 2.5 - size * 0.55;
	span = fmin(220.0 * M_PI / 180, nchars * size * 1.22 / rc);
	step = span / nchars;
	size = fmin(size, step * rc / 1.18);
	rc = r - ring - 2.5 - size * 0.55;
	for (i = 0; i < len; i += (size_t)used, k++) {
		used = utf8_decode(s + i, len - i, &cp);
		l = glyph_layout(ctx, name + i, (size_t)used, size);
		pango_cairo_update_layout(cr, l);
		{
			PangoRectangle ink, logical;

			pango_layout_get_extents(l, &ink, &logical);
			w = (double)logical.width / PANGO_SCALE;
			h = (double)logical.height / PANGO_SCALE;
		}
		theta = -M_PI / 2 - span / 2 + (k + 0.5) * step;
		cairo_save(cr);
		cairo_translate(cr, cx + rc * cos(theta), cy + rc * sin(theta));
		cairo_rotate(cr, theta + M_PI / 2);
		cairo_move_to(cr, -w / 2, -h / 2);
		pango_cairo_show_layout(cr, l);
		cairo_restore(cr);
		g_object_unref(l);
	}
}

void render__seal_draw(cairo_t *cr, PangoContext *ctx, double cx, double cy, double r,
		       const char *name, const char *purpose)
{
	double ring = r * 0.055, w, h, size;
	PangoRectangle logical;
	PangoLayout *l;

	cairo_save(cr);
	cairo_set_source_rgba(cr, seal_red[0], seal_red[1], seal_red[2], seal_red[3]);
	cairo_set_line_width(cr, ring);
	cairo_new_path(cr);
	cairo_arc(cr, cx, cy, r - ring / 2, 0, 2 * M_PI);
	cairo_stroke(cr);
	star(cr, cx, cy - r * 0.02, r * 0.27);
	arc_text(cr, ctx, cx, cy, r, ring, name);

	size = r * 0.13;
	l = glyph_layout(ctx, purpose, strlen(purpose), size);
	pango_layout_get_extents(l, NULL, &logical);
	w = (double)logical.width / PANGO_SCALE;
	/* shrink to the chord at that height */
	if (w > r * 1.35) {
		size *= r * 1.35 / w;
		g_object_unref(l);
		l = glyph_layout(ctx, purpose, strlen(purpose), size);
		pango_layout_get_extents(l, NULL, &logical);
		w = (double)logical.width / PANGO_SCALE;
	}
	h = (double)logical.height / PANGO_SCALE;
	pango_cairo_update_layout(cr, l);
	cairo_move_to(cr, cx - w / 2, cy + r * 0.52 - h / 2);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
	cairo_restore(cr);
}
