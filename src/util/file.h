/*
 * file.h - whole-file reads with a size ceiling, and durable writes.
 */
#ifndef DIP_FILE_H
#define DIP_FILE_H

#include <stddef.h>

#include "util/err.h"

/* Reads path into a NUL-terminated heap buffer the caller frees.  Fails
 * with DIP_EIO (naming the path and the system's reason in e) or DIP_ELIMIT
 * when the file is larger than max bytes. */
int file_read(const char *path, size_t max, char **out, size_t *len, struct dip_error *e);
/* Writes data to path through a temporary file, fsync and rename, so that a
 * reader sees the old or the new contents, never a mix. */
int file_write_atomic(const char *path, const void *data, size_t len, struct dip_error *e);
/* mkdir -p with mode 0750 for the missing parts. */
int file_mkdirs(const char *path, struct dip_error *e);

#endif
