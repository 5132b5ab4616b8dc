/*
 * err.h - the one error convention of dipreg.
 *
 * Every function that can fail returns 0 on success and a negative
 * enum dip_err on failure.  When a person will read the failure, the caller
 * passes a struct dip_error and the callee fills it with the field that was
 * wrong (empty when no single field is to blame) and a lowercase message
 * that says what was wrong and what to do.
 */
#ifndef DIP_ERR_H
#define DIP_ERR_H

#include <stddef.h>

enum dip_err {
	DIP_OK = 0,
	DIP_EINVAL = -1,     /* bad input; field names it */
	DIP_ENOTFOUND = -2,  /* no such object, or not visible to the caller */
	DIP_ECONFLICT = -3,  /* lost a race, or the object already exists */
	DIP_ESTATE = -4,     /* the action is not allowed in the current state */
	DIP_EFORBIDDEN = -5, /* authenticated but not allowed */
	DIP_EAUTH = -6,      /* not authenticated, or bad credentials */
	DIP_ELIMIT = -7,     /* too large, too deep, too many */
	DIP_EIO = -8,        /* file system or network failure */
	DIP_ENOMEM = -9,
	DIP_EDB = -10,       /* the database failed */
	DIP_ECRYPTO = -11,   /* a signature or proof does not verify */
	DIP_EDEADLINE = -12, /* a statutory deadline has passed */
	DIP_ERATE = -13,     /* too many attempts; try later */
	DIP_EBUSY = -14,     /* the database is locked; try again */
	DIP_ETYPE = -15,     /* unsupported media type */
};

struct dip_error {
	int code;
	char field[96];
	char message[512];
};

/* Fills e (when not NULL) and returns code, so that callers can write
 * "return dip_fail(e, DIP_EINVAL, "name", "...")".  field may be NULL. */
int dip_fail(struct dip_error *e, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Clears e to "no error". */
void dip_error_clear(struct dip_error *e);

/* A stable snake_case name for the code, used in API errors and logs
 * ("invalid_field", "not_found", ...).  Static storage. */
const char *dip_err_name(int code);

#endif
