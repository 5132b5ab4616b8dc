/*
 * export.h - text formats of the open-data exports: CSV (RFC 4180) for
 * spreadsheets and XML character data for the Atom feed and the SVG charts.
 *
 * CSV: fields are separated by commas and records end with CRLF; a field is
 * quoted when it holds a comma, a quote, a line break or leading or
 * trailing white space, with quotes doubled.  A file starts with the UTF-8
 * byte order mark, so spreadsheet programs read Chinese as UTF-8 rather
 * than the local code page.  Text fields written with csv_text that begin
 * with = + - @ or a tab are prefixed with an apostrophe, so that a
 * spreadsheet shows a registrant's text instead of evaluating it as a
 * formula (CSV injection); numbers and dates go through csv_raw unchanged.
 *
 * XML: xml_text escapes & < > " ' and drops what XML 1.0 cannot carry (C0
 * controls other than tab and line breaks, U+FFFE, U+FFFF, malformed
 * UTF-8), so any stored text yields a well-formed document.
 *
 * Every function appends to b and returns 0, or DIP_ELIMIT / DIP_ENOMEM
 * from the buffer.
 */
#ifndef DIP_RENDER_EXPORT_H
#define DIP_RENDER_EXPORT_H

#include "util/buf.h"

#define CSV_BOM "\xEF\xBB\xBF"

/* A text field (NULL is empty), guarded against formulas. */
int csv_text(struct dbuf *b, const char *s);
/* A field written as it is (numbers, dates, codes); quoted when needed. */
int csv_raw(struct dbuf *b, const char *s);
/* A whole number. */
int csv_int(struct dbuf *b, long long v);
/* A number with the given decimals; empty when v is not finite. */
int csv_real(struct dbuf *b, double v, int decimals);
/* The separator before the next field, and the end of a record. */
int csv_sep(struct dbuf *b);
int csv_eol(struct dbuf *b);

/* s (NULL is empty) as XML character data or attribute value text. */
int xml_text(struct dbuf *b, const char *s);

#endif
