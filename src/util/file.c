/*
 * file.c - whole-file reads and atomic writes.
 */
#include "util/file.h"
#include "util/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read(const char *path, size_t max, char **out, size_t *len, struct dip_error *e)
{
	struct dbuf b;
	char chunk[65536];
	ssize_t n;
	int fd, rc = 0;

	dbuf_init(&b, max);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dip_fail(e, DIP_EIO, "", "%s: %s", path, strerror(errno));
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = dip_fail(e, DIP_EIO, "", "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		rc = dbuf_add(&b, chunk, (size_t)n);
		if (rc) {
			dip_fail(e, rc, "", "%s: larger than %zu bytes", path, max);
			goto out;
		}
	}
	*out = dbuf_detach(&b, len);
out:
	close(fd);
	dbuf_free(&b);
	return rc;
}

int file_write_atomic(const char *path, const void *data, size_t len, struct dip_error *e)
{
	char tmp[4096];
	const char *p = data;
	ssize_t n;
	int fd, rc = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp))
		return dip_fail(e, DIP_EINVAL, "", "%s: path too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return dip_fail(e, DIP_EIO, "", "%s: %s", tmp, strerror(errno));
	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = dip_fail(e, DIP_EIO, "", "%s: %s", tmp, strerror(errno));
			goto out;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0) {
		rc = dip_fail(e, DIP_EIO, "", "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (rename(tmp, path) != 0)
		rc = dip_fail(e, DIP_EIO, "", "%s: %s", path, strerror(errno));
out:
	close(fd);
	if (rc)
		unlink(tmp);
	return rc;
}

int file_mkdirs(const char *path, struct dip_error *e)
{
	char buf[4096];
	size_t i, n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return dip_fail(e, DIP_EINVAL, "", "bad directory path");
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0750) != 0 && errno != EEXIST)
			return dip_fail(e, DIP_EIO, "", "%s: %s", buf, strerror(errno));
		buf[i] = i == n ? '\0' : '/';
	}
	return 0;
}
