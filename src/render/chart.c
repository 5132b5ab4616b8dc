/*
 * chart.c - SVG bar and line charts (chart.h).
 *
 * Layout is computed here from the data: a "nice" value axis (steps of 1,
 * 2, 2.5 or 5 times a power of ten), thinned and slanted category labels
 * when there are many, a legend when there are several series.  Text width
 * is estimated (a CJK character as wide as the font size, other characters
 * six tenths of it), which is enough to leave room for labels.
 */
#include "render/chart.h"
#include "render/export.h"
#include "util/utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define W 880
#define FONT "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"

static const char *const palette[CHART_MAX_SERIES] = {
	"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
};

struct out {
	struct dbuf *b;
	int rc;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	if (o->rc)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		o->rc = DIP_ELIMIT;
	else
		o->rc = dbuf_add(o->b, buf, (size_t)n);
}

static void text(struct out *o, const char *s)
{
	if (o->rc == 0)
		o->rc = xml_text(o->b, s);
}

static double text_width(const char *s, double size)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p);
	double w = 0;
	uint32_t c;
	int len;

	while (n > 0) {
		len = utf8_decode(p, n, &c);
		if (len == 0) {
			len = 1;
			c = '?';
		}
		w += c >= 0x2E80 ? size : 0.6 * size;
		p += len;
		n -= (size_t)len;
	}
	return w;
}

static void fmt(double v, int decimals, char out[40])
{
	if (!isfinite(v))
		snprintf(out, 40, "-");
	else
		snprintf(out, 40, "%.*f", decimals, v);
}

/* A step of 1, 2, 2.5 or 5 times a power of ten giving about five ticks. */
static double nice_step(double max, int whole)
{
	double raw = max / 5, mag, f, step;

	if (!(raw > 0))
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
	if (whole && step < 1)
		step = 1;
	return step;
}

static int step_decimals(double step)
{
	int d = 0;

	while (d < 4 && fabs(step * pow(10, d) - round(step * pow(10, d))) > 1e-9)
		d++;
	return d;
}

static double value_max(const struct chart *c)
{
	double m = 0, sum, v;
	size_t i, k;

	for (i = 0; i < c->n; i++) {
		sum = 0;
		for (k = 0; k < c->nseries; k++) {
			v = c->series[k].v[i];
			if (!isfinite(v))
				continue;
			if (c->kind == CHART_STACKED)
				sum += v > 0 ? v : 0;
			else if (v > m)
				m = v;
		}
		if (sum > m)
			m = sum;
	}
	if (isfinite(c->ref) && c->ref > m)
		m = c->ref;
	return m;
}

static void header(struct out *o, const struct chart *c, int h)
{
	put(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" xml:lang=\"%s\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" "
	    "font-family=\"" FONT "\">\n",
	    strcmp(c->lang ? c->lang : "", "en") == 0 ? "en" : "zh-Hans", W, h, W, h);
	put(o, "<title id=\"chart-title\">");
	text(o, c->title);
	put(o, "</title>\n<desc id=\"chart-desc\">");
	text(o, c->subtitle ? c->subtitle : c->title);
	put(o, "</desc>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", W, h);
	put(o, "<text x=\"24\" y=\"30\" font-size=\"18\" font-weight=\"bold\" fill=\"#111827\">");
	text(o, c->title);
	put(o, "</text>\n");
	if (c->subtitle) {
		put(o, "<text x=\"24\" y=\"50\" font-size=\"12\" fill=\"#4b5563\">");
		text(o, c->subtitle);
		put(o, "</text>\n");
	}
}

static void legend(struct out *o, const struct chart *c, double x, double y)
{
	size_t k;

	if (c->nseries < 2)
		return;
	for (k = 0; k < c->nseries; k++) {
		put(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>", x,
		    y - 9, palette[k]);
		put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#374151\">", x + 14, y);
		text(o, c->series[k].name);
		put(o, "</text>\n");
		x += 14 + text_width(c->series[k].name, 12) + 18;
	}
}

/* The <title> of a bar or point: "category series: value". */
static void tip(struct out *o, const struct chart *c, size_t i, size_t k, double v)
{
	char num[40];

	fmt(v, c->decimals, num);
	put(o, "<title>");
	text(o, c->cats[i]);
	if (c->nseries > 1) {
		put(o, " ");
		text(o, c->series[k].name);
	}
	put(o, ": %s</title>", num);
}

static void vertical(struct out *o, const struct chart *c)
{
	const int h = 450, left = 76, right = 24, top = 86, bottom = 96;
	double x0 = left, x1 = W - right, y0 = top, y1 = h - bottom;
	double max = value_max(c), step = nice_step(max, c->decimals == 0), ymax, band, t, x, y;
	double bw, base, v, hgt, sum;
	size_t i, k, every = c->n > 24 ? (c->n + 23) / 24 : 1;
	int slant = c->n > 12, dec;
	char num[40];

	ymax = step * ceil((max > 0 ? max : step) / step);
	dec = step_decimals(step);
	header(o, c, h);
	legend(o, c, x0, 70);
	/* value axis and grid */
	for (t = 0; t <= ymax + step / 2; t += step) {
		y = y1 - t / ymax * (y1 - y0);
		put(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>",
		    x0, y, x1, y, t == 0 ? "#6b7280" : "#e5e7eb");
		fmt(t, dec, num);
		put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#4b5563\">%s</text>\n",
		    x0 - 6, y + 4, num);
	}
	if (c->y_title) {
		put(o, "<text x=\"16\" y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\" fill=\"#374151\" "
		    "transform=\"rotate(-90 16 %.1f)\">", (y0 + y1) / 2, (y0 + y1) / 2);
		text(o, c->y_title);
		put(o, "</text>\n");
	}
	if (c->x_title) {
		put(o, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" fill=\"#374151\">",
		    (x0 + x1) / 2, h - 10);
		text(o, c->x_title);
		put(o, "</text>\n");
	}
	if (c->n == 0) {
		put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" text-anchor=\"middle\" fill=\"#6b7280\">",
		    (x0 + x1) / 2, (y0 + y1) / 2);
		text(o, c->empty ? c->empty : "");
		put(o, "</text>\n");
		return;
	}
	band = (x1 - x0) / (double)c->n;
	/* category labels */
	for (i = 0; i < c->n; i += every) {
		x = x0 + band * ((double)i + 0.5);
		if (slant)
			put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" fill=\"#4b5563\" "
			    "transform=\"rotate(-40 %.1f %.1f)\">", x, y1 + 14, x, y1 + 14);
		else
			put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" fill=\"#4b5563\">",
			    x, y1 + 18);
		text(o, c->cats[i]);
		put(o, "</text>\n");
	}
	if (isfinite(c->ref) && c->ref <= ymax) {
		y = y1 - c->ref / ymax * (y1 - y0);
		put(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#9ca3af\" "
		    "stroke-width=\"1\" stroke-dasharray=\"6 4\"/>", x0, y, x1, y);
		if (c->ref_label) {
			put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#6b7280\">", x0 + 4,
			    y - 4);
			text(o, c->ref_label);
			put(o, "</text>\n");
		}
	}
	if (c->kind == CHART_LINE) {
		for (k = 0; k < c->nseries; k++) {
			int open = 0;

			for (i = 0; i < c->n; i++) {
				v = c->series[k].v[i];
				if (!isfinite(v)) {
					if (open)
						put(o, "\"/>\n");
					open = 0;
					continue;
				}
				x = x0 + band * ((double)i + 0.5);
				y = y1 - v / ymax * (y1 - y0);
				if (!open)
					put(o, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
					    palette[k]);
				put(o, "%s%.1f,%.1f", open ? " " : "", x, y);
				open = 1;
			}
			if (open)
				put(o, "\"/>\n");
			for (i = 0; i < c->n; i++) {
				v = c->series[k].v[i];
				if (!isfinite(v))
					continue;
				x = x0 + band * ((double)i + 0.5);
				y = y1 - v / ymax * (y1 - y0);
				put(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\">", x, y,
				    c->n > 60 ? "1.5" : "3", palette[k]);
				tip(o, c, i, k, v);
				put(o, "</circle>\n");
			}
		}
		return;
	}
	bw = c->kind == CHART_STACKED ? band * 0.7 : band * 0.8 / (double)c->nseries;
	for (i = 0; i < c->n; i++) {
		base = y1;
		sum = 0;
		for (k = 0; k < c->nseries; k++) {
			v = c->series[k].v[i];
			if (!isfinite(v) || v <= 0)
				continue;
			hgt = v / ymax * (y1 - y0);
			if (c->kind == CHART_STACKED) {
				x = x0 + band * (double)i + (band - bw) / 2;
				base -= hgt;
				y = base;
				sum += v;
			} else {
				x = x0 + band * (double)i + band * 0.1 + bw * (double)k;
				y = y1 - hgt;
			}
			put(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">", x, y,
			    bw > 1 ? bw - 0.5 : bw, hgt, palette[k]);
			tip(o, c, i, k, v);
			put(o, "</rect>\n");
			if (c->kind == CHART_COLUMNS && c->nseries == 1 && c->n <= 24) {
				fmt(v, c->decimals, num);
				put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\" "
				    "fill=\"#374151\">%s</text>\n", x + bw / 2, y - 4, num);
			}
		}
		if (c->kind == CHART_STACKED && sum > 0 && c->n <= 24) {
			fmt(sum, c->decimals, num);
			put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\" "
			    "fill=\"#374151\">%s</text>\n", x0 + band * ((double)i + 0.5), base - 4, num);
		}
	}
}

static void horizontal(struct out *o, const struct chart *c)
{
	const int row = 26, top = 70, right = 70;
	double label_w = 80, w, max = value_max(c), step = nice_step(max, c->decimals == 0);
	double xmax, x0, x1, y, v, t, len;
	int h = top + (int)(c->n ? c->n : 2) * row + 44, dec;
	size_t i;
	char num[40];

	for (i = 0; i < c->n; i++) {
		w = text_width(c->cats[i], 12);
		if (w > label_w)
			label_w = w;
	}
	if (label_w > 380)
		label_w = 380;
	x0 = 24 + label_w + 10;
	x1 = W - right;
	xmax = step * ceil((max > 0 ? max : step) / step);
	dec = step_decimals(step);
	header(o, c, h);
	for (t = 0; t <= xmax + step / 2; t += step) {
		double x = x0 + t / xmax * (x1 - x0);

		put(o, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1\"/>",
		    x, top - 6, x, h - 38, t == 0 ? "#6b7280" : "#e5e7eb");
		fmt(t, dec, num);
		put(o, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#4b5563\">%s</text>\n",
		    x, h - 24, num);
	}
	if (c->x_title) {
		put(o, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" fill=\"#374151\">",
		    (x0 + x1) / 2, h - 6);
		text(o, c->x_title);
		put(o, "</text>\n");
	}
	if (c->n == 0 || c->nseries == 0) {
		put(o, "<text x=\"%.1f\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\" fill=\"#6b7280\">",
		    (x0 + x1) / 2, top + row);
		text(o, c->empty ? c->empty : "");
		put(o, "</text>\n");
		return;
	}
	for (i = 0; i < c->n; i++) {
		y = top + (double)i * row;
		v = c->series[0].v[i];
		put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" text-anchor=\"end\" fill=\"#374151\">",
		    x0 - 8, y + row / 2.0 + 4);
		text(o, c->cats[i]);
		put(o, "</text>\n");
		if (!isfinite(v) || v < 0)
			v = 0;
		len = v / xmax * (x1 - x0);
		put(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">", x0, y + 4,
		    len, row - 8, palette[0]);
		tip(o, c, i, 0, v);
		put(o, "</rect>\n");
		fmt(v, c->decimals, num);
		put(o, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#374151\">%s</text>\n",
		    x0 + len + 6, y + row / 2.0 + 4, num);
	}
}

int chart_svg(const struct chart *c, struct dbuf *out, struct dip_error *e)
{
	struct out o = { out, 0 };

	if (c->n > CHART_MAX_CATEGORIES)
		return dip_fail(e, DIP_EINVAL, "", "chart: at most %d categories; choose a shorter period",
				CHART_MAX_CATEGORIES);
	if (c->nseries > CHART_MAX_SERIES || (c->n && c->nseries == 0))
		return dip_fail(e, DIP_EINVAL, "", "chart: one to %d series", CHART_MAX_SERIES);
	if (c->kind == CHART_BARS)
		horizontal(&o, c);
	else
		vertical(&o, c);
	put(&o, "</svg>\n");
	if (o.rc)
		return dip_fail(e, o.rc, "", "chart: the svg is larger than the output limit");
	return 0;
}
