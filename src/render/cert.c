/*
 * cert.c - the layout of the data IP registration certificate: one A4 page
 * drawn with cairo (PDF or PNG surface) and Pango.
 *
 * The page, top to bottom: a bronze frame with a guilloche band; the title
 * 数据知识产权登记证书 with its English subtitle; a banner when the
 * certificate is no longer in force; the grant sentence; the labelled
 * fields; the QR code (lower left) and the issuer line under the seal
 * (lower right); a footer on electronic issue, verification and Art. 21.
 *
 * The fields share one column whose height is fixed.  Each long field
 * starts with a generous line cap; while the column is too tall, the field
 * showing the most lines gives one up (its text is cut and ends in an
 * ellipsis), down to a floor that is known to fit.  So a page never
 * overflows, and short certificates keep their texts whole with air
 * between the rows.  The PDF carries only the text it shows.
 *
 * All user text goes to Pango as plain text (never markup), folded to one
 * paragraph: a certificate field has no line breaks of its own.
 */
#include "render/render.h"
#include "render/render_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>

#include "util/date.h"
#include "util/utf8.h"

#define PAGE_W 595.2756 /* A4 in points */
#define PAGE_H 841.8898

#define FONT_SERIF "Noto Serif CJK SC"
#define FONT_SANS "Noto Sans CJK SC"
#define FONT_MONO "Noto Sans Mono CJK SC"

/* Frame: outer line, guilloche band, inner line (insets from the edge). */
#define FRAME_OUT 20.0
#define BAND_IN 24.0
#define BAND_OUT 38.0
#define FRAME_IN 42.0

/* The column of fields. */
#define COL_X 74.0
#define COL_W (PAGE_W - 2 * COL_X)
#define LABEL_W 74.0
#define BODY_BOTTOM 630.0
#define GAP_MIN 7.0
#define GAP_MAX 15.0

/* A field's text is cut to this many code points before layout: more than
 * any cap can show, so a cut text still ends in an ellipsis. */
#define TEXT_CUT 1200

#define BODY_SIZE 10.5
#define LABEL_SIZE 10.5

static const double ink[3] = { 0.106, 0.165, 0.255 };
static const double bronze[3] = { 0.541, 0.416, 0.184 };
static const double bronze_light[3] = { 0.760, 0.650, 0.420 };
static const double paper[3] = { 1.0, 0.992, 0.968 };
static const double red[3] = { 0.80, 0.06, 0.07 };

static const char *const status_zh[] = {
	[RENDER_IN_FORCE] = "",
	[RENDER_SUPERSEDED] = "已被新版本取代",
	[RENDER_CANCELLED] = "已注销",
	[RENDER_REVOKED] = "已撤销",
	[RENDER_EXPIRED] = "已过期",
};
static const char *const status_en[] = {
	[RENDER_IN_FORCE] = "",
	[RENDER_SUPERSEDED] = "SUPERSEDED",
	[RENDER_CANCELLED] = "CANCELLED",
	[RENDER_REVOKED] = "REVOKED",
	[RENDER_EXPIRED] = "EXPIRED",
};

enum face { F_SERIF, F_SANS, F_MONO };

/* Text ready to print: folded, cut, dates in Chinese. */
struct texts {
	char *registry, *basis, *cert_no, *reg_no, *note, *name, *industry;
	char *scenario, *source, *algorithm, *fingerprint, *url;
	char announced[40], valid_until[40], issued[40], version[24];
	char **holders; /* n_holders entries */
	size_t n_holders;
};

/* One field of the column that wraps: its layout, caps and height. */
struct field {
	const char *label;
	const char *name;      /* for errors */
	const char *text;
	enum face face;
	double size;
	int bold;
	PangoWrapMode wrap;
	int cap, floor;        /* lines (for holders: entries) shown, at most and at least */
	int holders;           /* this is the list of holders */
	PangoLayout *l;
	double h;
};

struct page {
	cairo_t *cr;
	PangoContext *pc;
	const struct cert_view *v;
	const struct texts *t;
	struct dip_error *e;
};

/* ---- input ---------------------------------------------------------- */

static int need_text(const char *s, const char *field, struct dip_error *e)
{
	size_t n;

	for (n = 0; s && s[n] && (unsigned char)s[n] <= 0x20; n++)
		;
	if (s == NULL || s[n] == '\0')
		return dip_fail(e, DIP_EINVAL, field, "%s: missing; the certificate prints it", field);
	n = strlen(s);
	if (n > RENDER_FIELD_MAX)
		return dip_fail(e, DIP_ELIMIT, field, "%s: %zu bytes, more than the %d a certificate "
				"field may have", field, n, RENDER_FIELD_MAX);
	if (!utf8_valid(s, n))
		return dip_fail(e, DIP_EINVAL, field, "%s: not valid utf-8", field);
	return 0;
}

static int opt_text(const char *s, const char *field, struct dip_error *e)
{
	return s == NULL || s[0] == '\0' ? 0 : need_text(s, field, e);
}

/* "2024-06-15" -> "2024年6月15日" */
static int need_date(const char *s, const char *field, char out[40], struct dip_error *e)
{
	dip_day d;
	int y, m, dd;

	if (s == NULL || s[0] == '\0')
		return dip_fail(e, DIP_EINVAL, field, "%s: missing; the certificate prints it", field);
	if (day_parse(s, &d) != 0)
		return dip_fail(e, DIP_EINVAL, field, "%s: \"%.40s\" is not a date in the form "
				"YYYY-MM-DD", field, s);
	day_to_ymd(d, &y, &m, &dd);
	snprintf(out, 40, "%d年%d月%d日", y, m, dd);
	return 0;
}

static int need_url(const char *s, const char *field, struct dip_error *e)
{
	size_t n, i;
	int rc = need_text(s, field, e);

	if (rc)
		return rc;
	n = strlen(s);
	if (n > RENDER_URL_MAX)
		return dip_fail(e, DIP_ELIMIT, field, "%s: %zu bytes is too long for a scannable qr code "
				"(at most %d)", field, n, RENDER_URL_MAX);
	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return dip_fail(e, DIP_EINVAL, field, "%s: must be an http:// or https:// url of the "
				"public record", field);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return dip_fail(e, DIP_EINVAL, field, "%s: spaces and control characters are not "
					"allowed in a url", field);
	return 0;
}

/* Folds runs of white space and control characters into one space, trims
 * the ends, and cuts after max code points.  *out is the caller's. */
static int fold(const char *s, size_t max, char **out)
{
	struct dbuf b;
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, count = 0;
	int used, space = 0, rc = 0;
	uint32_t cp;

	dbuf_init(&b, 0);
	*out = NULL;
	while (i < n && count < max) {
		used = utf8_decode(p + i, n - i, &cp);
		if (used == 0)
			break; /* checked valid before; not reached */
		if (cp <= 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029) {
			space = b.len > 0;
		} else {
			if (space)
				rc = dbuf_addc(&b, ' ');
			if (rc == 0)
				rc = dbuf_add(&b, p + i, (size_t)used);
			if (rc)
				goto out;
			space = 0;
			count++;
		}
		i += (size_t)used;
	}
	*out = dbuf_detach(&b, NULL);
	if (*out == NULL)
		rc = DIP_ENOMEM;
out:
	dbuf_free(&b);
	return rc;
}

static void texts_free(struct texts *t)
{
	size_t i;

	free(t->registry);
	free(t->basis);
	free(t->cert_no);
	free(t->reg_no);
	free(t->note);
	free(t->name);
	free(t->industry);
	free(t->scenario);
	free(t->source);
	free(t->algorithm);
	free(t->fingerprint);
	free(t->url);
	for (i = 0; t->holders && i < t->n_holders; i++)
		free(t->holders[i]);
	free(t->holders);
	memset(t, 0, sizeof(*t));
}

/* Prepares the texts of a checked view; 0 or DIP_ENOMEM.  b is scratch. */
static int texts_fill(const struct cert_view *v, struct texts *t, struct dbuf *b)
{
	char *holder;
	size_t i;

	t->holders = calloc(v->n_holders, sizeof(*t->holders));
	if (t->holders == NULL)
		return DIP_ENOMEM;
	t->n_holders = v->n_holders;
	for (i = 0; i < v->n_holders; i++) {
		const struct cert_holder *h = &v->holders[i];

		dbuf_reset(b);
		if (dbuf_addf(b, "%s（%s：%s）", h->name,
			      h->id_type && h->id_type[0] ? h->id_type : "证件号码", h->id_number) ||
		    fold(b->p, TEXT_CUT, &holder))
			return DIP_ENOMEM;
		t->holders[i] = holder;
	}
	dbuf_reset(b);
	if (fold(v->registry_name, 60, &t->registry) ||
	    (v->legal_basis && v->legal_basis[0] && fold(v->legal_basis, 200, &t->basis)) ||
	    fold(v->cert_no, 64, &t->cert_no) || fold(v->reg_no, 64, &t->reg_no) ||
	    (v->status_note && v->status_note[0] && fold(v->status_note, 200, &t->note)) ||
	    fold(v->dataset_name, TEXT_CUT, &t->name) ||
	    fold(v->scenario, TEXT_CUT, &t->scenario) ||
	    fold(v->data_source, TEXT_CUT, &t->source) ||
	    fold(v->algorithm, TEXT_CUT, &t->algorithm) ||
	    fold(v->fingerprint, 400, &t->fingerprint) ||
	    fold(v->verify_url, RENDER_URL_MAX, &t->url) ||
	    dbuf_addf(b, "%s %s", v->industry_code, v->industry_name) ||
	    fold(b->p, TEXT_CUT, &t->industry))
		return DIP_ENOMEM;
	snprintf(t->version, sizeof(t->version), "第%d版", v->version);
	return 0;
}

/* Checks every field of v and prepares the texts to print. */
static int texts_init(const struct cert_view *v, struct texts *t, struct dip_error *e)
{
	char field[64];
	struct dbuf b;
	size_t i;
	int rc;

	memset(t, 0, sizeof(*t));
	dbuf_init(&b, 0);
	if ((rc = need_text(v->registry_name, "registry_name", e)) ||
	    (rc = opt_text(v->legal_basis, "legal_basis", e)) ||
	    (rc = need_text(v->cert_no, "cert_no", e)) ||
	    (rc = need_text(v->reg_no, "reg_no", e)) ||
	    (rc = opt_text(v->status_note, "status_note", e)) ||
	    (rc = need_text(v->dataset_name, "dataset_name", e)) ||
	    (rc = need_text(v->industry_code, "industry_code", e)) ||
	    (rc = need_text(v->industry_name, "industry_name", e)) ||
	    (rc = need_text(v->scenario, "scenario", e)) ||
	    (rc = need_text(v->data_source, "data_source", e)) ||
	    (rc = need_text(v->algorithm, "algorithm", e)) ||
	    (rc = need_text(v->fingerprint, "fingerprint", e)) ||
	    (rc = need_date(v->announced, "announced", t->announced, e)) ||
	    (rc = need_date(v->valid_until, "valid_until", t->valid_until, e)) ||
	    (rc = need_date(v->issued, "issued", t->issued, e)) ||
	    (rc = need_url(v->verify_url, "verify_url", e)))
		goto out;
	rc = DIP_EINVAL;
	if (v->version < 1 || v->version > 9999) {
		dip_fail(e, rc, "version", "version: %d is not a version number (1 or more)", v->version);
		goto out;
	}
	if ((int)v->status < RENDER_IN_FORCE || v->status > RENDER_EXPIRED) {
		dip_fail(e, rc, "status", "status: %d is not a certificate status", (int)v->status);
		goto out;
	}
	if (v->holders == NULL || v->n_holders == 0) {
		dip_fail(e, rc, "holders", "holders: missing; a certificate names at least one holder");
		goto out;
	}
	if (v->n_holders > RENDER_HOLDERS_MAX) {
		rc = dip_fail(e, DIP_ELIMIT, "holders", "holders: %zu, more than %d", v->n_holders,
			      RENDER_HOLDERS_MAX);
		goto out;
	}
	for (i = 0; i < v->n_holders; i++) {
		snprintf(field, sizeof(field), "holders[%zu].name", i);
		if ((rc = need_text(v->holders[i].name, field, e)))
			goto out;
		snprintf(field, sizeof(field), "holders[%zu].id_number", i);
		if ((rc = need_text(v->holders[i].id_number, field, e)))
			goto out;
		snprintf(field, sizeof(field), "holders[%zu].id_type", i);
		if ((rc = opt_text(v->holders[i].id_type, field, e)))
			goto out;
	}

	rc = texts_fill(v, t, &b);
	if (rc)
		dip_fail(e, rc, "", "render: out of memory");
out:
	dbuf_free(&b);
	if (rc)
		texts_free(t);
	return rc;
}

/* ---- text ----------------------------------------------------------- */

/* Latin runs go to the Japanese face of the same family.  Its Latin
 * glyphs are the very same design, but in a subset of their own: cairo
 * 1.16 loses track of CFF subroutines shared by some Latin glyphs (F, I,
 * K, L, ...) when they follow CJK ones in one subset, and then embeds all
 * of the font's subroutines, 900 KB instead of 60 KB. */
#define LATIN_SERIF "Noto Serif CJK JP"
#define LATIN_SANS "Noto Sans CJK JP"

static PangoAttrList *attrs(enum face f, const char *text, double spacing)
{
	PangoAttrList *al = pango_attr_list_new();
	PangoAttribute *a;
	size_t i = 0, start;

	if (spacing > 0)
		pango_attr_list_insert(al, pango_attr_letter_spacing_new((int)(spacing * PANGO_SCALE)));
	while (f != F_MONO && text[i]) {
		if ((unsigned char)text[i] >= 0x80 || text[i] == '\n') {
			i++;
			continue;
		}
		start = i;
		while (text[i] && (unsigned char)text[i] < 0x80 && text[i] != '\n')
			i++;
		a = pango_attr_family_new(f == F_SERIF ? LATIN_SERIF : LATIN_SANS);
		a->start_index = (guint)start;
		a->end_index = (guint)i;
		pango_attr_list_insert(al, a);
	}
	return al;
}

static void set_text(PangoLayout *l, enum face f, const char *text, double spacing)
{
	PangoAttrList *al = attrs(f, text, spacing);

	pango_layout_set_text(l, text, -1);
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
}

/* Cuts the layout's text so that it shows in at most lines lines, ending
 * in an ellipsis.  Done here rather than by Pango's own ellipsizing, which
 * keeps the omitted text in the PDF (as the "meaning" of the ellipsis
 * glyph): a certificate must not carry text that it does not show. */
static void cut_to_lines(PangoLayout *l, enum face f, const char *text, int lines, double spacing)
{
	PangoLayoutLine *line;
	struct dbuf b;
	size_t end;

	line = pango_layout_get_line_readonly(l, lines - 1);
	end = line ? (size_t)line->start_index + (size_t)line->length : strlen(text);
	dbuf_init(&b, 0);
	while (end > 0) {
		/* drop one character, and the spaces before it */
		do
			end--;
		while (end > 0 && (((unsigned char)text[end] & 0xc0) == 0x80 || text[end - 1] == ' '));
		dbuf_reset(&b);
		if (dbuf_add(&b, text, end) || dbuf_adds(&b, "…"))
			break; /* out of memory: keep what is set */
		set_text(l, f, b.p, spacing);
		if (pango_layout_get_line_count(l) <= lines)
			break;
	}
	dbuf_free(&b);
}

/* A layout of text; with a width, wrapped and cut to at most lines lines. */
static PangoLayout *layout_sp(struct page *pg, enum face f, double size, int bold, const char *text,
			      double width, int lines, PangoWrapMode wrap, double spacing)
{
	PangoLayout *l = pango_layout_new(pg->pc);
	PangoFontDescription *fd = pango_font_description_new();

	pango_font_description_set_family(fd, f == F_SERIF ? FONT_SERIF : f == F_SANS ? FONT_SANS : FONT_MONO);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, wrap);
	}
	set_text(l, f, text, spacing);
	if (width > 0 && lines > 0 && pango_layout_get_line_count(l) > lines)
		cut_to_lines(l, f, text, lines, spacing);
	return l;
}

static PangoLayout *layout(struct page *pg, enum face f, double size, int bold, const char *text,
			   double width, int lines, PangoWrapMode wrap)
{
	return layout_sp(pg, f, size, bold, text, width, lines, wrap, 0);
}

static double lw(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)w / PANGO_SCALE;
}

static double lh(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static void show(struct page *pg, PangoLayout *l, double x, double y, const double rgb[3])
{
	cairo_set_source_rgb(pg->cr, rgb[0], rgb[1], rgb[2]);
	cairo_move_to(pg->cr, x, y);
	pango_cairo_show_layout(pg->cr, l);
}

/* Draws text centred on x; returns its height. */
static double show_centred(struct page *pg, enum face f, double size, int bold, const char *text,
			   double x, double y, const double rgb[3], double spacing)
{
	PangoLayout *l = layout_sp(pg, f, size, bold, text, 0, 0, PANGO_WRAP_WORD, spacing);
	double h;

	/* letter spacing trails the last character too; centre the ink */
	show(pg, l, x - (lw(l) - spacing) / 2, y, rgb);
	h = lh(l);
	g_object_unref(l);
	return h;
}

/* Fails naming field when some character of l has no glyph in any font. */
static int check_glyphs(struct page *pg, PangoLayout *l, const char *field)
{
	if (pango_layout_get_unknown_glyphs_count(l) == 0)
		return 0;
	return dip_fail(pg->e, DIP_EINVAL, field, "%s: has characters that no installed font can "
			"show; use standard Chinese characters", field);
}

/* ---- frame and ornaments ---------------------------------------------- */

/* A smooth parametric curve: the point and its derivative at t. */
typedef void (*curve_fn)(const void *ud, double t, double *x, double *y, double *dx, double *dy);

/* Appends the curve over [t0, t1] as n cubic Bezier pieces, each the
 * Hermite interpolation of two samples and their derivatives: a few bytes
 * per wave in the PDF, where a polyline needs hundreds. */
static void curve(cairo_t *cr, curve_fn f, const void *ud, double t0, double t1, int n)
{
	double h = (t1 - t0) / n, x0, y0, dx0, dy0, x1, y1, dx1, dy1;
	int i;

	f(ud, t0, &x0, &y0, &dx0, &dy0);
	cairo_move_to(cr, x0, y0);
	for (i = 1; i <= n; i++) {
		f(ud, t0 + i * h, &x1, &y1, &dx1, &dy1);
		cairo_curve_to(cr, x0 + dx0 * h / 3, y0 + dy0 * h / 3,
			       x1 - dx1 * h / 3, y1 - dy1 * h / 3, x1, y1);
		x0 = x1, y0 = y1, dx0 = dx1, dy0 = dy1;
	}
}

struct wave {
	double x0, y0, dx, dy; /* start and unit direction */
	double amp, omega, phase;
};

static void wave_at(const void *ud, double s, double *x, double *y, double *dx, double *dy)
{
	const struct wave *w = ud;
	double off = w->amp * sin(w->omega * s + w->phase);
	double doff = w->amp * w->omega * cos(w->omega * s + w->phase);

	/* the normal of (dx, dy) is (-dy, dx) */
	*x = w->x0 + w->dx * s - w->dy * off;
	*y = w->y0 + w->dy * s + w->dx * off;
	*dx = w->dx - w->dy * doff;
	*dy = w->dy + w->dx * doff;
}

/* One side of the guilloche band: four interlaced sine waves between two
 * corner boxes, from (x0, y0) along the unit direction (dx, dy) for len
 * points, a whole number of periods so the corners meet cleanly. */
static void band_side(cairo_t *cr, double x0, double y0, double dx, double dy, double len)
{
	double amp = (BAND_OUT - BAND_IN) / 2 - 1.2;
	int n = (int)(len / 18.0 + 0.5), k;
	struct wave w;

	if (n < 1)
		n = 1;
	for (k = 0; k < 4; k++) {
		w = (struct wave){ x0, y0, dx, dy, amp * (k < 2 ? 1.0 : 0.55), 2 * M_PI * n / len,
				   k * M_PI / 2 };
		curve(cr, wave_at, &w, 0, len, n * 4);
	}
	cairo_stroke(cr);
}

static void corner(cairo_t *cr, double cx, double cy)
{
	double r = (BAND_OUT - BAND_IN) / 2;
	int k;

	cairo_set_source_rgb(cr, bronze[0], bronze[1], bronze[2]);
	cairo_rectangle(cr, cx - r, cy - r, 2 * r, 2 * r);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, paper[0], paper[1], paper[2]);
	cairo_set_line_width(cr, 0.6);
	for (k = 0; k < 4; k++) {
		double a = k * M_PI / 4;

		cairo_save(cr);
		cairo_translate(cr, cx, cy);
		cairo_rotate(cr, a);
		cairo_scale(cr, 1.0, 0.38);
		cairo_arc(cr, 0, 0, r * 0.78, 0, 2 * M_PI);
		cairo_restore(cr);
		cairo_stroke(cr);
	}
	cairo_arc(cr, cx, cy, r * 0.18, 0, 2 * M_PI);
	cairo_fill(cr);
}

struct ring {
	double cx, cy, r0, amp, phase;
	int petals;
};

static void ring_at(const void *ud, double t, double *x, double *y, double *dx, double *dy)
{
	const struct ring *g = ud;
	double r = g->r0 + g->amp * sin(g->petals * t + g->phase);
	double dr = g->amp * g->petals * cos(g->petals * t + g->phase);

	*x = g->cx + r * cos(t);
	*y = g->cy + r * sin(t);
	*dx = dr * cos(t) - r * sin(t);
	*dy = dr * sin(t) + r * cos(t);
}

/* A faint rosette of wavy rings behind the fields, as on security paper. */
static void rosette(cairo_t *cr, double cx, double cy, double R)
{
	struct ring g;
	int k;

	cairo_save(cr);
	cairo_set_source_rgba(cr, bronze_light[0], bronze_light[1], bronze_light[2], 0.30);
	cairo_set_line_width(cr, 0.35);
	for (k = 0; k < 6; k++) {
		g = (struct ring){ cx, cy, R * (0.55 + 0.075 * k), R * 0.10, k * M_PI / 2, 30 };
		curve(cr, ring_at, &g, 0, 2 * M_PI, g.petals * 6);
		cairo_close_path(cr);
	}
	cairo_stroke(cr);
	cairo_restore(cr);
}

static void frame(struct page *pg)
{
	cairo_t *cr = pg->cr;
	double c0 = (BAND_IN + BAND_OUT) / 2, r = (BAND_OUT - BAND_IN) / 2;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, paper[0], paper[1], paper[2]);
	cairo_rectangle(cr, FRAME_OUT, FRAME_OUT, PAGE_W - 2 * FRAME_OUT, PAGE_H - 2 * FRAME_OUT);
	cairo_fill(cr);
	rosette(cr, PAGE_W / 2, 400, 190);

	cairo_set_source_rgb(cr, bronze[0], bronze[1], bronze[2]);
	cairo_set_line_width(cr, 1.8);
	cairo_rectangle(cr, FRAME_OUT, FRAME_OUT, PAGE_W - 2 * FRAME_OUT, PAGE_H - 2 * FRAME_OUT);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 0.5);
	cairo_rectangle(cr, BAND_IN, BAND_IN, PAGE_W - 2 * BAND_IN, PAGE_H - 2 * BAND_IN);
	cairo_stroke(cr);
	cairo_rectangle(cr, BAND_OUT, BAND_OUT, PAGE_W - 2 * BAND_OUT, PAGE_H - 2 * BAND_OUT);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 1.2);
	cairo_rectangle(cr, FRAME_IN, FRAME_IN, PAGE_W - 2 * FRAME_IN, PAGE_H - 2 * FRAME_IN);
	cairo_stroke(cr);

	cairo_set_source_rgb(cr, bronze_light[0], bronze_light[1], bronze_light[2]);
	cairo_set_line_width(cr, 0.45);
	band_side(cr, c0 + r, c0, 1, 0, PAGE_W - 2 * c0 - 2 * r);
	band_side(cr, c0 + r, PAGE_H - c0, 1, 0, PAGE_W - 2 * c0 - 2 * r);
	band_side(cr, c0, c0 + r, 0, 1, PAGE_H - 2 * c0 - 2 * r);
	band_side(cr, PAGE_W - c0, c0 + r, 0, 1, PAGE_H - 2 * c0 - 2 * r);
	corner(cr, c0, c0);
	corner(cr, PAGE_W - c0, c0);
	corner(cr, c0, PAGE_H - c0);
	corner(cr, PAGE_W - c0, PAGE_H - c0);
}

/* A thin rule with a diamond in the middle, under the title. */
static void title_rule(cairo_t *cr, double y, double half)
{
	double cx = PAGE_W / 2;

	cairo_set_source_rgb(cr, bronze[0], bronze[1], bronze[2]);
	cairo_set_line_width(cr, 0.7);
	cairo_move_to(cr, cx - half, y);
	cairo_line_to(cr, cx - 7, y);
	cairo_move_to(cr, cx + 7, y);
	cairo_line_to(cr, cx + half, y);
	cairo_stroke(cr);
	cairo_move_to(cr, cx, y - 3.5);
	cairo_line_to(cr, cx + 4.5, y);
	cairo_line_to(cr, cx, y + 3.5);
	cairo_line_to(cr, cx - 4.5, y);
	cairo_close_path(cr);
	cairo_fill(cr);
}

/* ---- the page ------------------------------------------------------- */

static double title_block(struct page *pg)
{
	const char *title = "数据知识产权登记证书";
	PangoLayout *l = layout(pg, F_SERIF, 30, 1, title, 0, 0, PANGO_WRAP_WORD);
	double y = 66;

	/* If the title font cannot show Chinese, nothing on the page can. */
	if (pango_layout_get_unknown_glyphs_count(l) > 0) {
		dip_fail(pg->e, DIP_EIO, "", "render: no installed font can show chinese; install "
			 "fonts-noto-cjk (%s, %s)", FONT_SERIF, FONT_SANS);
		g_object_unref(l);
		return -1;
	}
	g_object_unref(l);
	y += show_centred(pg, F_SERIF, 30, 1, title, PAGE_W / 2, y, ink, 7);
	y += 1;
	y += show_centred(pg, F_SERIF, 8, 1, "DATA INTELLECTUAL PROPERTY REGISTRATION CERTIFICATE",
			  PAGE_W / 2, y, bronze, 1.6);
	title_rule(pg->cr, y + 9, 120);
	return y + 20;
}

static double banner(struct page *pg, double y)
{
	const struct cert_view *v = pg->v;
	char text[400];
	PangoLayout *l;
	double h, w;

	if (v->status == RENDER_IN_FORCE)
		return y;
	snprintf(text, sizeof(text), "本证书%s，不再具有证明效力　%s%s%s", status_zh[v->status],
		 status_en[v->status], pg->t->note ? "　" : "", pg->t->note ? pg->t->note : "");
	l = layout(pg, F_SERIF, 11, 1, text, COL_W - 20, 2, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	h = lh(l) + 10;
	w = COL_W;
	cairo_set_source_rgba(pg->cr, red[0], red[1], red[2], 0.08);
	cairo_rectangle(pg->cr, COL_X, y, w, h);
	cairo_fill_preserve(pg->cr);
	cairo_set_source_rgb(pg->cr, red[0], red[1], red[2]);
	cairo_set_line_width(pg->cr, 1.2);
	cairo_stroke(pg->cr);
	show(pg, l, COL_X + 10, y + 5, red);
	g_object_unref(l);
	return y + h + 8;
}

static void watermark(struct page *pg)
{
	const struct cert_view *v = pg->v;
	PangoLayout *l;

	if (v->status == RENDER_IN_FORCE)
		return;
	cairo_save(pg->cr);
	cairo_translate(pg->cr, PAGE_W / 2, PAGE_H / 2 - 20);
	cairo_rotate(pg->cr, -M_PI / 6);
	cairo_set_source_rgba(pg->cr, red[0], red[1], red[2], 0.16);
	l = layout(pg, F_SERIF, 88, 1, status_zh[v->status], 0, 0, PANGO_WRAP_WORD);
	if (lw(l) > PAGE_W * 0.9) {
		g_object_unref(l);
		l = layout(pg, F_SERIF, 60, 1, status_zh[v->status], 0, 0, PANGO_WRAP_WORD);
	}
	cairo_move_to(pg->cr, -lw(l) / 2, -lh(l) * 0.75);
	pango_cairo_show_layout(pg->cr, l);
	g_object_unref(l);
	l = layout(pg, F_SERIF, 30, 1, status_en[v->status], 0, 0, PANGO_WRAP_WORD);
	cairo_move_to(pg->cr, -lw(l) / 2, 38);
	pango_cairo_show_layout(pg->cr, l);
	g_object_unref(l);
	cairo_restore(pg->cr);
}

static double grant_sentence(struct page *pg, double y)
{
	char text[800];
	PangoLayout *l;
	double h;

	if (pg->t->basis)
		snprintf(text, sizeof(text), "依据%s，经审查，下列数据知识产权准予登记，特发此证。",
			 pg->t->basis);
	else
		snprintf(text, sizeof(text), "经审查，下列数据知识产权准予登记，特发此证。");
	/* a paragraph of prose: justified, first line indented two characters */
	l = layout(pg, F_SANS, 10.5, 0, text, COL_W, 3, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_justify(l, TRUE);
	pango_layout_set_indent(l, 22 * PANGO_SCALE);
	show(pg, l, COL_X, y, ink);
	h = lh(l);
	g_object_unref(l);
	return y + h + 10;
}

/* The holders' text for the current cap: everyone if they fit, else the
 * first cap - 1 and a line saying how many there are in all.  Each holder
 * is one paragraph of at most two lines. */
static char *holders_text(struct page *pg, const struct field *f)
{
	const struct texts *t = pg->t;
	size_t i, shown = t->n_holders;
	PangoLayout *l;
	struct dbuf b;
	int rc = 0;

	dbuf_init(&b, 0);
	if ((size_t)f->cap < t->n_holders)
		shown = f->cap > 1 ? (size_t)f->cap - 1 : 1;
	for (i = 0; i < shown && rc == 0; i++) {
		l = layout(pg, f->face, f->size, f->bold, t->holders[i], COL_W - LABEL_W, 2, f->wrap);
		rc = dbuf_addf(&b, "%s%s", i ? "\n" : "", pango_layout_get_text(l));
		g_object_unref(l);
	}
	if (rc == 0 && shown < t->n_holders)
		rc = dbuf_addf(&b, "\n等共%zu个登记主体，完整名单见核验页面", t->n_holders);
	if (rc) {
		dbuf_free(&b);
		return NULL;
	}
	return dbuf_detach(&b, NULL);
}

static int field_layout(struct page *pg, struct field *f)
{
	char *text = NULL;
	int rc = 0;

	if (f->l)
		g_object_unref(f->l);
	f->l = NULL;
	if (f->holders) {
		text = holders_text(pg, f);
		if (text == NULL) {
			rc = dip_fail(pg->e, DIP_ENOMEM, "", "render: out of memory");
			goto out;
		}
		f->l = layout(pg, f->face, f->size, f->bold, text, COL_W - LABEL_W, 0, f->wrap);
	} else {
		f->l = layout(pg, f->face, f->size, f->bold, f->text, COL_W - LABEL_W, f->cap, f->wrap);
	}
	f->h = lh(f->l);
	rc = check_glyphs(pg, f->l, f->name);
out:
	free(text);
	return rc;
}

/* Lines a field shows now, as the shrinking loop counts them. */
static int field_lines(const struct field *f)
{
	return f->holders ? f->cap : pango_layout_get_line_count(f->l);
}

/* A row of short fields side by side (label + value, one line each). */
struct cell {
	const char *label, *name, *text;
	enum face face;
	double x, w; /* w: room for label and value */
};

static int cells(struct page *pg, const struct cell *c, int n, double y, double *h)
{
	PangoLayout *ll, *vl;
	double lwid, row = 0;
	int i, rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		ll = layout(pg, F_SERIF, LABEL_SIZE, 1, c[i].label, 0, 0, PANGO_WRAP_WORD);
		lwid = i == 0 ? LABEL_W : lw(ll) + 9;
		vl = layout(pg, c[i].face, c[i].face == F_MONO ? 11 : BODY_SIZE, 0,
			    c[i].text, c[i].w - lwid, 1, PANGO_WRAP_CHAR);
		rc = check_glyphs(pg, vl, c[i].name);
		show(pg, ll, c[i].x, y + (lh(vl) - lh(ll)) / 2, bronze);
		show(pg, vl, c[i].x + lwid, y, ink);
		row = fmax(row, fmax(lh(ll), lh(vl)));
		g_object_unref(ll);
		g_object_unref(vl);
	}
	*h = row;
	return rc;
}

static void rule(cairo_t *cr, double y)
{
	cairo_set_source_rgba(cr, bronze[0], bronze[1], bronze[2], 0.35);
	cairo_set_line_width(cr, 0.4);
	cairo_move_to(cr, COL_X, y);
	cairo_line_to(cr, COL_X + COL_W, y);
	cairo_stroke(cr);
}

static int body(struct page *pg, double top)
{
	const struct texts *t = pg->t;
	struct field f[] = {
		{ "数据名称", "dataset_name", t->name, F_SERIF, 13, 1, PANGO_WRAP_WORD_CHAR, 3, 1, 0, NULL, 0 },
		{ "登记主体", "holders", NULL, F_SANS, BODY_SIZE, 0, PANGO_WRAP_WORD_CHAR, 8, 2, 1, NULL, 0 },
		{ "所属行业", "industry_name", t->industry, F_SANS, BODY_SIZE, 0, PANGO_WRAP_WORD_CHAR, 2, 1, 0, NULL, 0 },
		{ "应用场景", "scenario", t->scenario, F_SANS, BODY_SIZE, 0, PANGO_WRAP_WORD_CHAR, 8, 2, 0, NULL, 0 },
		{ "数据来源", "data_source", t->source, F_SANS, BODY_SIZE, 0, PANGO_WRAP_WORD_CHAR, 4, 1, 0, NULL, 0 },
		{ "算法规则", "algorithm", t->algorithm, F_SANS, BODY_SIZE, 0, PANGO_WRAP_WORD_CHAR, 8, 2, 0, NULL, 0 },
		{ "数据指纹", "fingerprint", t->fingerprint, F_MONO, 8.5, 0, PANGO_WRAP_CHAR, 2, 2, 0, NULL, 0 },
	};
	const int nf = (int)(sizeof(f) / sizeof(f[0]));
	const struct cell numbers[] = {
		{ "证书编号", "cert_no", t->cert_no, F_MONO, COL_X, 240 },
		{ "登记号", "reg_no", t->reg_no, F_MONO, COL_X + 262, COL_W - 262 },
	};
	const struct cell dates[] = {
		{ "登记公告日", "announced", t->announced, F_SANS, COL_X, 170 },
		{ "有效期至", "valid_until", t->valid_until, F_SANS, COL_X + 180, 160 },
		{ "版本", "version", t->version, F_SANS, COL_X + 350, COL_W - 350 },
	};
	double total, gap, y, lh0, row_h;
	int i, best, rc = 0;
	PangoLayout *ll;

	/* a row of cells is one line of label or value, whichever is taller */
	ll = layout(pg, F_MONO, 11, 0, "0", 0, 0, PANGO_WRAP_WORD);
	row_h = lh(ll);
	g_object_unref(ll);
	ll = layout(pg, F_SERIF, LABEL_SIZE, 1, "登", 0, 0, PANGO_WRAP_WORD);
	row_h = fmax(row_h, lh(ll));
	g_object_unref(ll);
	ll = layout(pg, F_SANS, BODY_SIZE, 0, "登", 0, 0, PANGO_WRAP_WORD);
	row_h = fmax(row_h, lh(ll));
	g_object_unref(ll);
	if (t->n_holders < 8)
		f[1].cap = (int)t->n_holders;
	if (f[1].floor > f[1].cap)
		f[1].floor = f[1].cap;
	for (i = 0; i < nf && rc == 0; i++)
		rc = field_layout(pg, &f[i]);
	/* Give up lines, one at a time, from the field showing the most. */
	for (;;) {
		if (rc)
			goto out;
		total = 2 * row_h;
		for (i = 0; i < nf; i++)
			total += f[i].h;
		if (top + total + (nf + 1) * GAP_MIN * 2 <= BODY_BOTTOM)
			break;
		best = -1;
		for (i = 0; i < nf; i++)
			if (field_lines(&f[i]) > f[i].floor &&
			    (best < 0 || field_lines(&f[i]) > field_lines(&f[best])))
				best = i;
		if (best < 0) {
			rc = dip_fail(pg->e, DIP_ELIMIT, "", "render: the fields do not fit on the page");
			goto out;
		}
		f[best].cap = field_lines(&f[best]) - 1;
		rc = field_layout(pg, &f[best]);
	}
	gap = fmin(GAP_MAX, (BODY_BOTTOM - top - total) / ((nf + 1) * 2));

	y = top;
	if ((rc = cells(pg, numbers, 2, y, &lh0)))
		goto out;
	y += lh0 + gap;
	for (i = 0; i < nf; i++) {
		rule(pg->cr, y);
		y += gap;
		ll = layout(pg, F_SERIF, LABEL_SIZE, 1, f[i].label, 0, 0, PANGO_WRAP_WORD);
		/* labels sit on the first line of their value */
		show(pg, ll, COL_X, y + (f[i].face == F_SERIF ? 1.5 : f[i].face == F_MONO ? -1.5 : 0), bronze);
		g_object_unref(ll);
		show(pg, f[i].l, COL_X + LABEL_W, y, ink);
		y += f[i].h + gap;
	}
	rule(pg->cr, y);
	y += gap;
	rc = cells(pg, dates, 3, y, &lh0);
out:
	for (i = 0; i < nf; i++)
		if (f[i].l)
			g_object_unref(f[i].l);
	return rc;
}

/* The registry's name above the issue date, centred under the seal.  A
 * long name is set smaller, never cut (it names the issuer), and moved
 * left so that it stays inside the frame. */
static int issuer_line(struct page *pg, const char *name, double cx, double cy)
{
	const double room = 270, right = COL_X + COL_W + 12;
	double size = 12, x;
	PangoLayout *l = layout(pg, F_SERIF, size, 1, name, 0, 0, PANGO_WRAP_CHAR);
	int rc;

	if (lw(l) > room) {
		size = fmax(7, size * room / lw(l));
		g_object_unref(l);
		l = layout(pg, F_SERIF, size, 1, name, room, 1, PANGO_WRAP_CHAR);
	}
	x = fmin(cx - lw(l) / 2, right - lw(l));
	show(pg, l, x, cy - lh(l) - 1, ink);
	rc = check_glyphs(pg, l, "registry_name");
	g_object_unref(l);
	return rc;
}

static int bottom(struct page *pg)
{
	const struct texts *t = pg->t;
	const double qr_size = 92, qr_x = 64, qr_y = 650;
	const double seal_r = 58, seal_cx = PAGE_W - 150, seal_cy = 700;
	char line[400];
	QRcode *qr = NULL;
	PangoLayout *l;
	int rc;

	rc = render__qr_encode(pg->v->verify_url, "verify_url", &qr, pg->e);
	if (rc)
		goto out;
	render__qr_draw(pg->cr, qr, qr_x, qr_y, qr_size);
	l = layout(pg, F_SANS, 7.5, 0, "扫码核验  Scan to verify", 0, 0, PANGO_WRAP_WORD);
	show(pg, l, qr_x + (qr_size - lw(l)) / 2, qr_y + qr_size + 1, bronze);
	g_object_unref(l);

	/* the issuer and the date, with the seal stamped over them */
	rc = issuer_line(pg, t->registry, seal_cx, seal_cy);
	if (rc)
		goto out;
	snprintf(line, sizeof(line), "发证日期：%s", t->issued);
	l = layout(pg, F_SERIF, 11, 1, line, 200, 1, PANGO_WRAP_CHAR);
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	show(pg, l, seal_cx - 100, seal_cy + 3, ink);
	g_object_unref(l);
	render__seal_draw(pg->cr, pg->pc, seal_cx, seal_cy, seal_r, t->registry, "数据知识产权登记专用章");

	/* footer */
	{
		struct dbuf b;

		dbuf_init(&b, 0);
		/* the URL on a line of its own, so that it is not broken */
		rc = dbuf_addf(&b, "本证书以电子方式签发，内容以登记平台公告记录为准；任何单位和个人"
			       "不得非法复制、涂改、倒卖、出租、伪造登记证书。\n"
			       "核验：扫描左下角二维码，或访问 %s", t->url);
		if (rc) {
			dbuf_free(&b);
			rc = dip_fail(pg->e, rc, "", "render: out of memory");
			goto out;
		}
		l = layout(pg, F_SANS, 7.5, 0, b.p, COL_W + 20, 4, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
		show(pg, l, COL_X - 10, FRAME_IN + (PAGE_H - 2 * FRAME_IN) - 12 - lh(l), ink);
		g_object_unref(l);
		dbuf_free(&b);
	}
out:
	if (qr)
		QRcode_free(qr);
	return rc;
}

static int draw_page(cairo_t *cr, const struct cert_view *v, const struct texts *t,
		     struct dip_error *e)
{
	struct page pg = { cr, NULL, v, t, e };
	cairo_font_options_t *fo = NULL;
	double y;
	int rc = 0;

	pg.pc = pango_cairo_create_context(cr);
	if (pg.pc == NULL) {
		rc = dip_fail(e, DIP_EIO, "", "render: pango could not create a context");
		goto out;
	}
	/* Layout in points, identical on PDF and PNG surfaces: no hinting of
	 * metrics, which would move line breaks with the resolution. */
	pango_cairo_context_set_resolution(pg.pc, 72);
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pg.pc, fo);

	frame(&pg);
	y = title_block(&pg);
	if (y < 0) {
		rc = e ? e->code : DIP_EIO;
		goto out;
	}
	y = banner(&pg, y);
	y = grant_sentence(&pg, y);
	if ((rc = body(&pg, y)) || (rc = bottom(&pg)))
		goto out;
	watermark(&pg);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
		rc = dip_fail(e, cairo_status(cr) == CAIRO_STATUS_NO_MEMORY ? DIP_ENOMEM : DIP_EIO, "",
			      "render: cairo: %s", cairo_status_to_string(cairo_status(cr)));
		goto out;
	}
out:
	if (fo)
		cairo_font_options_destroy(fo);
	if (pg.pc)
		g_object_unref(pg.pc);
	return rc;
}

/* ---- surfaces ------------------------------------------------------- */

struct sink {
	struct dbuf *b;
	int rc;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int n)
{
	struct sink *s = closure;
	int rc;

	if (s->rc)
		return CAIRO_STATUS_WRITE_ERROR;
	rc = dbuf_add(s->b, data, n);
	if (rc) {
		s->rc = rc;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* Maps a failed surface to an error; the sink's own failure (the output
 * ceiling, memory) explains a write error best. */
static int surface_error(cairo_status_t st, const struct sink *s, struct dip_error *e)
{
	if (s->rc == DIP_ELIMIT)
		return dip_fail(e, DIP_ELIMIT, "", "render: the output is larger than its limit");
	if (s->rc || st == CAIRO_STATUS_NO_MEMORY)
		return dip_fail(e, DIP_ENOMEM, "", "render: out of memory");
	return dip_fail(e, DIP_EIO, "", "render: cairo: %s", cairo_status_to_string(st));
}

static void restore(struct dbuf *out, size_t mark)
{
	if (out->p) {
		out->len = mark;
		out->p[mark] = '\0';
	}
}

int render_cert_pdf(const struct cert_view *v, struct dbuf *out, struct dip_error *e)
{
	struct sink s = { out, 0 };
	cairo_surface_t *surf = NULL;
	cairo_t *cr = NULL;
	struct texts t;
	size_t mark = out->len;
	char meta[256];
	int rc, have_texts = 0;

	rc = texts_init(v, &t, e);
	if (rc)
		goto out;
	have_texts = 1;
	surf = cairo_pdf_surface_create_for_stream(sink_write, &s, PAGE_W, PAGE_H);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		rc = surface_error(cairo_surface_status(surf), &s, e);
		goto out;
	}
	snprintf(meta, sizeof(meta), "数据知识产权登记证书 %s", t.cert_no);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, meta);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_AUTHOR, t.registry);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "dipreg");
	/* dated by the issue date, not the clock, so a re-rendering matches */
	snprintf(meta, sizeof(meta), "%sT00:00:00+08:00", v->issued);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, meta);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_MOD_DATE, meta);
	cr = cairo_create(surf);
	rc = draw_page(cr, v, &t, e);
	if (rc)
		goto out;
	cairo_show_page(cr);
	cairo_destroy(cr);
	cr = NULL;
	cairo_surface_finish(surf);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS || s.rc) {
		rc = surface_error(cairo_surface_status(surf), &s, e);
		goto out;
	}
out:
	if (cr)
		cairo_destroy(cr);
	if (surf)
		cairo_surface_destroy(surf);
	if (have_texts)
		texts_free(&t);
	if (rc)
		restore(out, mark);
	return rc;
}

int render_cert_png(const struct cert_view *v, int dpi, struct dbuf *out, struct dip_error *e)
{
	struct sink s = { out, 0 };
	cairo_surface_t *surf = NULL;
	cairo_t *cr = NULL;
	struct texts t;
	size_t mark = out->len;
	cairo_status_t st;
	int rc, have_texts = 0;

	if (dpi < 36 || dpi > 600) {
		rc = dip_fail(e, DIP_EINVAL, "dpi", "dpi: %d is outside 36-600", dpi);
		goto out;
	}
	rc = texts_init(v, &t, e);
	if (rc)
		goto out;
	have_texts = 1;
	surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(PAGE_W * dpi / 72),
					  (int)ceil(PAGE_H * dpi / 72));
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		rc = surface_error(cairo_surface_status(surf), &s, e);
		goto out;
	}
	cr = cairo_create(surf);
	cairo_scale(cr, dpi / 72.0, dpi / 72.0);
	rc = draw_page(cr, v, &t, e);
	if (rc)
		goto out;
	cairo_surface_flush(surf);
	st = cairo_surface_write_to_png_stream(surf, sink_write, &s);
	if (st != CAIRO_STATUS_SUCCESS || s.rc) {
		rc = surface_error(st, &s, e);
		goto out;
	}
out:
	if (cr)
		cairo_destroy(cr);
	if (surf)
		cairo_surface_destroy(surf);
	if (have_texts)
		texts_free(&t);
	if (rc)
		restore(out, mark);
	return rc;
}

int render_init(struct dip_error *e)
{
	/* A throwaway certificate: it opens every face in the calling thread's
	 * font map and takes cairo through subsetting once. */
	static const struct cert_holder h = { "数据持有者 Holder", NULL, "0000" };
	const struct cert_view v = {
		.registry_name = "登记机构", .cert_no = "0", .reg_no = "0", .version = 1,
		.status = RENDER_CANCELLED, .holders = &h, .n_holders = 1,
		.dataset_name = "数据集合 Dataset", .industry_code = "I64", .industry_name = "行业",
		.scenario = "场景", .data_source = "来源", .algorithm = "算法", .fingerprint = "sha256:0",
		.announced = "2024-01-01", .valid_until = "2024-01-01", .issued = "2024-01-01",
		.verify_url = "https://localhost/",
	};
	struct dbuf b;
	int rc;

	dbuf_init(&b, 0);
	rc = render_cert_pdf(&v, &b, e);
	dbuf_free(&b);
	return rc;
}
