/*
 * err.c - filling struct dip_error and naming error codes.
 */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int dip_fail(struct dip_error *e, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	e->code = code;
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return code;
}

void dip_error_clear(struct dip_error *e)
{
	if (e == NULL)
		return;
	e->code = 0;
	e->field[0] = '\0';
	e->message[0] = '\0';
}

const char *dip_err_name(int code)
{
	switch (code) {
	case DIP_OK: return "ok";
	case DIP_EINVAL: return "invalid_field";
	case DIP_ENOTFOUND: return "not_found";
	case DIP_ECONFLICT: return "conflict";
	case DIP_ESTATE: return "invalid_state";
	case DIP_EFORBIDDEN: return "forbidden";
	case DIP_EAUTH: return "unauthenticated";
	case DIP_ELIMIT: return "too_large";
	case DIP_EIO: return "io_error";
	case DIP_ENOMEM: return "out_of_memory";
	case DIP_EDB: return "database_error";
	case DIP_ECRYPTO: return "verification_failed";
	case DIP_EDEADLINE: return "deadline_passed";
	case DIP_ERATE: return "rate_limited";
	case DIP_EBUSY: return "busy";
	case DIP_ETYPE: return "unsupported_media_type";
	}
	return "error";
}
