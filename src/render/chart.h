/*
 * chart.h - bar and line charts as plain SVG, for the statistics page of
 * the portal and for anyone who links to them.
 *
 * The document is self-contained and inert: presentation attributes only
 * (no <style>, no style="", no script, no external reference), so it shows
 * under the strictest Content-Security-Policy, inside <img> and opened on
 * its own.  Text is drawn in the language the caller chose (the strings it
 * passes) with a CJK-capable font stack, and the chart has a <title> and
 * <desc> for screen readers; every bar and point carries its own <title>
 * with the category and the value.
 */
#ifndef DIP_RENDER_CHART_H
#define DIP_RENDER_CHART_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define CHART_MAX_CATEGORIES 600
#define CHART_MAX_SERIES 6

enum chart_kind {
	CHART_COLUMNS,   /* vertical bars, series side by side */
	CHART_STACKED,   /* vertical bars, series stacked */
	CHART_LINE,      /* one polyline per series; NAN leaves a gap */
	CHART_BARS,      /* horizontal bars, one series, long category names */
};

struct chart_series {
	const char *name;
	const double *v;         /* n values */
};

struct chart {
	enum chart_kind kind;
	const char *lang;        /* "zh" or "en": xml:lang */
	const char *title;
	const char *subtitle;    /* or NULL */
	const char *x_title;     /* or NULL */
	const char *y_title;     /* or NULL */
	const char *const *cats; /* n category labels */
	size_t n;
	const struct chart_series *series;
	size_t nseries;
	double ref;              /* a dashed reference line (the index base); NAN for none */
	const char *ref_label;
	const char *empty;       /* shown when there is nothing to draw */
	int decimals;            /* of the values in labels and tooltips */
};

/* Appends the SVG document to out.  DIP_EINVAL when the chart has too many
 * categories or series; DIP_ELIMIT past the buffer's ceiling. */
int chart_svg(const struct chart *c, struct dbuf *out, struct dip_error *e);

#endif
