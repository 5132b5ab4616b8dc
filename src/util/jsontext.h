/*
 * jsontext.h - compact JSON written straight into a buffer, with one
 * member already serialised.
 *
 * jansson's writer checks every object and array for a loop (formatting
 * its address with snprintf into a hash table it allocates per call) and
 * hands its output over in pieces of a few bytes: about 80 instructions a
 * byte of a reply.  Replies are trees dipreg built itself, so this writer
 * walks them directly and produces the same bytes.
 *
 * An application's content is stored as the compact JSON text jansson
 * writes.  A reply that shows the content can write that text as it is
 * instead of serialising the parsed content again, which for a submission
 * is most of the reply's bytes.
 */
#ifndef DIP_JSONTEXT_H
#define DIP_JSONTEXT_H

#include "util/buf.h"

#include <jansson.h>

/* s[0, n) as a JSON string between quotes, appended to b: the quote, the
 * backslash and control characters escaped, \u00XX in upper case as
 * jansson writes it (upper) or in lower case as RFC 8785 wants it;
 * everything else, UTF-8 included, as it is.  0, or DIP_ELIMIT or
 * DIP_ENOMEM from b. */
int json_text_string(struct dbuf *b, const char *s, size_t n, int upper);

/* v in decimal, as jansson writes an integer, appended to b.  0, or
 * DIP_ELIMIT or DIP_ENOMEM from b. */
int json_text_integer(struct dbuf *b, json_int_t v);

/* Values nested deeper are refused (DIP_EINVAL). */
#define JSON_TEXT_MAX_DEPTH 512

/* Appends json to b as json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY)
 * writes it, except that the value of the member key of json's top object
 * is written as text.  When text is the compact serialisation of that
 * value, the bytes are the same.  Without key or text, or without such a
 * member, json is written whole.  0; DIP_ELIMIT or DIP_ENOMEM from b, or
 * DIP_EINVAL for a value nested too deep or a number jansson cannot
 * write, with b as it was. */
int json_text_write(struct dbuf *b, const json_t *json, const char *key, const char *text);

/* json_loads(s, 0, error), the same tree or the same error, about three
 * times faster on the compact text dipreg stores: jansson reads a byte at
 * a time through a stream and copies every string byte by byte.  Text
 * this reader does not take whole (a real number, an error, nesting past
 * JSON_TEXT_MAX_DEPTH) is handed to json_loads as it is. */
json_t *json_text_loads(const char *s, json_error_t *error);

#endif
