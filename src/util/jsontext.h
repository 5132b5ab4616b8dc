/*
 * jsontext.h - a JSON reply written with one member already serialised.
 *
 * An application's content is stored as the compact JSON text jansson
 * writes.  A reply that shows the content can write that text as it is
 * instead of serialising the parsed content again, which for a submission
 * is most of the reply's bytes.
 */
#ifndef DIP_JSONTEXT_H
#define DIP_JSONTEXT_H

#include <jansson.h>

/* Writes json as json_dump_callback(json, cb, data, JSON_COMPACT |
 * JSON_ENCODE_ANY) does, except that the value of the member key of
 * json's top object is written as text.  When text is the compact
 * serialisation of that value, the bytes are the same.  Without key,
 * text or such a member, json is serialised whole.  0, or -1 when cb
 * failed. */
int json_dump_with_text(const json_t *json, const char *key, const char *text,
			json_dump_callback_t cb, void *data);

#endif
