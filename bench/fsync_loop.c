/*
 * fsync_loop.c - the reference for durable submissions (bench P3): how
 * many small writes per second one thread can make durable on this disk,
 * each a write followed by fdatasync, as a server that syncs once per
 * transaction could at best.
 *
 * Writes 4 KiB blocks sequentially into a preallocated 16 MiB file in DIR
 * (wrapping around, as a write-ahead log reuses its file), so fdatasync
 * flushes data only and never file size metadata.  Runs for SECONDS, or
 * at most MAX_OPS writes, and prints "ops_per_s=... p50_us=... p99_us=...".
 *
 *   fsync_loop DIR [SECONDS [MAX_OPS]]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096
#define FILE_SIZE (16 << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	char path[4096], block[BLOCK];
	double seconds = argc > 2 ? strtod(argv[2], NULL) : 5;
	long max_ops = argc > 3 ? strtol(argv[3], NULL, 10) : 1000000;
	double t0, t1, end, *lat;
	long n = 0, off = 0;
	int fd;

	if (argc < 2 || seconds <= 0 || max_ops <= 0) {
		fprintf(stderr, "usage: fsync_loop DIR [SECONDS [MAX_OPS]]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/fsync_loop.tmp", argv[1]);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || posix_fallocate(fd, 0, FILE_SIZE) != 0 || fsync(fd) != 0) {
		fprintf(stderr, "fsync_loop: %s: %s\n", path, strerror(errno));
		return 1;
	}
	lat = malloc((size_t)max_ops * sizeof(*lat));
	if (lat == NULL)
		return 1;
	memset(block, 'x', sizeof(block));
	t0 = now_s();
	end = t0 + seconds;
	for (t1 = t0; n < max_ops && t1 < end; n++) {
		double a = t1;

		block[0] = (char)n;
		if (pwrite(fd, block, BLOCK, off) != BLOCK || fdatasync(fd) != 0) {
			fprintf(stderr, "fsync_loop: write: %s\n", strerror(errno));
			return 1;
		}
		off = (off + BLOCK) % FILE_SIZE;
		t1 = now_s();
		lat[n] = (t1 - a) * 1e6;
	}
	close(fd);
	unlink(path);
	qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
	printf("ops=%ld seconds=%.3f ops_per_s=%.1f p50_us=%.1f p99_us=%.1f\n", n, t1 - t0,
	       (double)n / (t1 - t0), n ? lat[n / 2] : 0, n ? lat[(long)((double)n * 0.99)] : 0);
	free(lat);
	return 0;
}
