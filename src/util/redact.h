/*
 * redact.h - secrets taken out of text that is shown or logged.
 */
#ifndef DIP_REDACT_H
#define DIP_REDACT_H

#include <stddef.h>

/* v with the password of "scheme://user:PASSWORD@host" and the value of
 * every "password=VALUE" (libpq conninfo, URL parameters) replaced by
 * "****", written into out (truncated to n). */
void redact_password(const char *v, char *out, size_t n);

#endif
