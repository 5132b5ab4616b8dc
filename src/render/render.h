/*
 * render.h - the data IP registration certificate as a PDF (and a PNG of
 * the same page), and QR codes as SVG for the web portal.
 *
 * Art. 12 has the certificate issued electronically; Art. 13 lets the
 * registry set its style; DESIGN.md §2 "Numbers" fixes the national layout:
 * one A4 side, a QR code at the lower left that opens the public record,
 * the registry's seal at the lower right.  The PDF carries real text
 * (Noto Serif CJK SC for the title, Noto Sans CJK SC for the body, found
 * through fontconfig), so it can be searched and copied; the QR code is
 * drawn as vector rectangles.  The seal is a drawing: what proves a
 * certificate is the registry's signature and the public record behind the
 * QR code (DESIGN.md §4), which the footer says.
 *
 * The renderer takes strings as they are to be printed and lays them out:
 * it does not look numbers up or format identity numbers (the caller masks
 * a natural person's number before it gets here).  Long texts are wrapped
 * and, when the page would overflow, shortened with an ellipsis; a page
 * never overflows.
 *
 * Threads: every function here may be called from several threads at
 * once.  Each call uses its own cairo surface and Pango context; Pango
 * (>= 1.32.6) keeps one font map per thread, and fontconfig, HarfBuzz,
 * cairo's font caches and libqrencode are thread-safe, so there is no
 * global lock.  The first certificate in each thread pays for loading the
 * font map and the fonts (about 0.3 s, more on a cold font cache; then
 * about 50 ms per PDF); render_init does that up front.
 *
 * Memory: cairo 1.16 (Debian 12) leaks about 770 bytes per embedded Noto
 * CJK face per PDF in its CFF subsetter, some 4 KB per certificate.  A
 * certificate version never changes, so callers should keep the PDF
 * rather than render it on every download.
 */
#ifndef DIP_RENDER_H
#define DIP_RENDER_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Ceilings on input; past them the call fails with DIP_ELIMIT naming the
 * field.  (Far more than a page can show: text is cut to fit anyway.) */
#define RENDER_FIELD_MAX 65536   /* bytes per text field */
#define RENDER_HOLDERS_MAX 1000
#define RENDER_URL_MAX 1024      /* bytes; the QR code must stay scannable */

/* Whether the certificate is in force.  Anything but RENDER_IN_FORCE prints a
 * banner under the title and a diagonal watermark across the page, in the
 * registry's fixed wording (so every registry says "cancelled" the same
 * way), e.g. 已注销 CANCELLED. */
enum render_status {
	RENDER_IN_FORCE = 0,
	RENDER_SUPERSEDED,   /* 已被新版本取代: a later version was issued */
	RENDER_CANCELLED,    /* 已注销: Arts. 14, 18 */
	RENDER_REVOKED,      /* 已撤销: concealment or falsification (Arts. 9 (6), 23) */
	RENDER_EXPIRED,      /* 已过期: Art. 13 validity ended without renewal */
};

struct cert_holder {
	const char *name;      /* required: 北京某某科技有限公司 */
	const char *id_type;   /* optional label: 统一社会信用代码, 身份证件号码; NULL: 证件号码 */
	const char *id_number; /* required, as published: 110105********1234 */
};

/* Everything printed on a certificate.  All strings are UTF-8, owned by the
 * caller, and only read during the call.  Dates are "YYYY-MM-DD" and print
 * as 2024年6月15日. */
struct cert_view {
	const char *registry_name;   /* 北京市知识产权保护中心; issuer line and seal */
	const char *legal_basis;     /* optional: 《北京市数据知识产权登记管理办法（试行）》 */
	const char *cert_no;         /* 17-digit certificate number */
	const char *reg_no;          /* 16-character registration number */
	int version;                 /* 1, 2, ...: printed 第1版 */
	enum render_status status;
	const char *status_note;     /* optional, printed in the banner: 2025年3月1日注销 */
	const struct cert_holder *holders;
	size_t n_holders;            /* at least 1 */
	const char *dataset_name;
	const char *industry_code;   /* GB/T 4754-2017: I64 */
	const char *industry_name;   /* 互联网和相关服务 */
	const char *scenario;        /* application scenario (Art. 5 (3)) */
	const char *data_source;     /* data source as published (Art. 10) */
	const char *algorithm;       /* algorithm-rules summary (Art. 5 (7)) */
	const char *fingerprint;     /* sha256:<64 hex> (or sm3:...) */
	const char *announced;       /* registration announcement date (Art. 12) */
	const char *valid_until;     /* last day of validity (Art. 13) */
	const char *issued;          /* issue date, under the seal */
	const char *verify_url;      /* http(s) URL of the public record; QR code and footer */
};

/* Renders a throwaway certificate in the calling thread, so that fonts are
 * loaded and its first real certificate renders at full speed.  Optional;
 * a server calls it once per worker thread at start.  0, or DIP_EIO when
 * no font can show Chinese (fonts-noto-cjk missing). */
int render_init(struct dip_error *e);

/* Appends a one-page A4 PDF of the certificate to out (whose ceiling, if
 * any, applies).  On failure out is restored to its length before the
 * call.  Fails with:
 *   DIP_EINVAL  a required field is missing or malformed, or has
 *               characters no installed font can show (e->field names it);
 *   DIP_ELIMIT  a field is over its ceiling, or out's ceiling was reached;
 *   DIP_EIO     cairo or Pango failed, or no font can show Chinese;
 *   DIP_ENOMEM. */
int render_cert_pdf(const struct cert_view *v, struct dbuf *out, struct dip_error *e);

/* The same page as a PNG at dpi dots per inch (36-600), appended to out.
 * Same failures as render_cert_pdf, and DIP_EINVAL for a dpi out of range. */
int render_cert_png(const struct cert_view *v, int dpi, struct dbuf *out, struct dip_error *e);

/* Appends an SVG image of a QR code (error correction level M, 8-bit mode,
 * 4-module quiet zone, one module = one user unit, crisp edges) that
 * encodes text.  DIP_EINVAL for an empty text, DIP_ELIMIT when text is
 * longer than RENDER_URL_MAX or out's ceiling is reached, DIP_ENOMEM. */
int render_qr_svg(const char *text, struct dbuf *out, struct dip_error *e);

#endif
