/*
 * fingerprint.c - walking a dataset and hashing it on every core.
 *
 * The walk lists the regular files (lstat, never following links below the
 * top) and numbers all their chunks globally; workers take chunk numbers
 * from an atomic counter, read each chunk with pread in pieces small enough
 * to stay in the CPU cache, and store its leaf hash.  The file roots and
 * the dataset root are then folded on the calling thread, which meanwhile
 * reports progress.
 */
#include "ledger/fingerprint.h"
#include "ledger/merkle.h"
#include "util/b64.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEPTH 256
#define MAX_THREADS 256
#ifndef PIECE
#define PIECE (128 * 1024)
#endif

struct fentry {
	char *rel;            /* path relative to the root, '/'-separated */
	uint64_t size;
	uint64_t first_chunk; /* global number of its first chunk */
	uint64_t nchunks;
};

struct fp {
	const struct led_fp_opts *o;
	struct dip_error *e;
	const char *top;      /* the PATH given */
	int single;           /* top is a file */
	struct fentry *files;
	size_t nfiles, cap;
	uint64_t skipped;
	uint64_t total_bytes, total_chunks;
	led_hash *leaves;     /* one per chunk */

	/* shared by workers */
	atomic_uint_fast64_t next_chunk;
	atomic_uint_fast64_t done_bytes;
	atomic_int stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running;
	int err;
	struct dip_error werr;
};

/* ---- the walk ---- */

static int add_file(struct fp *f, const char *rel, uint64_t size)
{
	struct fentry *x;

	if (f->nfiles == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;

		x = realloc(f->files, cap * sizeof(*x));
		if (x == NULL)
			return dip_fail(f->e, DIP_ENOMEM, "", "out of memory listing files");
		f->files = x;
		f->cap = cap;
	}
	x = &f->files[f->nfiles];
	x->rel = strdup(rel);
	if (x->rel == NULL)
		return dip_fail(f->e, DIP_ENOMEM, "", "out of memory listing files");
	x->size = size;
	x->nchunks = (size + LED_FP_CHUNK - 1) / LED_FP_CHUNK;
	f->nfiles++;
	return 0;
}

/* A path that is not a regular file or directory, or cannot be read:
 * an error, or left out and reported. */
static int special(struct fp *f, const char *full, const char *why)
{
	if (!f->o->skip_special)
		return dip_fail(f->e, DIP_EINVAL, "path", "%s: %s", full, why);
	f->skipped++;
	if (f->o->on_skip)
		f->o->on_skip(f->o->ud, full, why);
	return 0;
}

static const char *kind_of(mode_t m)
{
	if (S_ISLNK(m))
		return "is a symbolic link, not a regular file";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "is a device, not a regular file";
	if (S_ISSOCK(m))
		return "is a socket, not a regular file";
	if (S_ISFIFO(m))
		return "is a FIFO, not a regular file";
	return "is not a regular file";
}

static int readable(const char *full)
{
	int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* full and rel are NUL-terminated in buffers that children extend. */
static int walk(struct fp *f, char *full, size_t flen, char *rel, size_t rlen, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	size_t n;
	int rc = 0;

	if (depth > MAX_DEPTH)
		return dip_fail(f->e, DIP_ELIMIT, "path", "%s: nested deeper than %d levels", full,
				MAX_DEPTH);
	d = opendir(full);
	if (d == NULL) {
		char why[160];

		snprintf(why, sizeof(why), "cannot read the directory: %s", strerror(errno));
		return special(f, full, why);
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (de == NULL) {
			if (errno)
				rc = dip_fail(f->e, DIP_EIO, "path", "%s: %s", full, strerror(errno));
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		n = strlen(de->d_name);
		if (flen + 1 + n >= PATH_MAX || rlen + 1 + n >= PATH_MAX) {
			rc = dip_fail(f->e, DIP_ELIMIT, "path", "%s/%s: path too long", full, de->d_name);
			break;
		}
		full[flen] = '/';
		memcpy(full + flen + 1, de->d_name, n + 1);
		if (rlen) {
			rel[rlen] = '/';
			memcpy(rel + rlen + 1, de->d_name, n + 1);
		} else {
			memcpy(rel, de->d_name, n + 1);
		}
		if (lstat(full, &st) != 0) {
			rc = dip_fail(f->e, DIP_EIO, "path", "%s: %s", full, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk(f, full, flen + 1 + n, rel, rlen ? rlen + 1 + n : n, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			if (!readable(full))
				rc = special(f, full, "cannot be read (permission denied?)");
			else
				rc = add_file(f, rel, (uint64_t)st.st_size);
		} else {
			rc = special(f, full, kind_of(st.st_mode));
		}
		full[flen] = '\0';
		rel[rlen] = '\0';
		if (rc)
			break;
	}
	closedir(d);
	return rc;
}

static int cmp_rel(const void *a, const void *b)
{
	/* strcmp compares as unsigned char: byte order. */
	return strcmp(((const struct fentry *)a)->rel, ((const struct fentry *)b)->rel);
}

/* ---- hashing ---- */

static void worker_fail(struct fp *f, int code, const char *fmt, const char *path, const char *why)
{
	pthread_mutex_lock(&f->mu);
	if (f->err == 0) {
		f->err = code;
		dip_fail(&f->werr, code, "path", fmt, path, why);
	}
	pthread_mutex_unlock(&f->mu);
	atomic_store(&f->stop, 1);
}

/* The file that holds global chunk g (binary search over first_chunk). */
static size_t file_of_chunk(const struct fp *f, uint64_t g)
{
	size_t lo = 0, hi = f->nfiles;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->files[mid].first_chunk <= g)
			lo = mid;
		else
			hi = mid;
	}
	/* Skip empty files that share a first_chunk with the next one. */
	while (f->files[lo].nchunks == 0 || g >= f->files[lo].first_chunk + f->files[lo].nchunks)
		lo++;
	return lo;
}

static const char *full_path(const struct fp *f, const struct fentry *x, char *buf, size_t cap)
{
	if (f->single)
		snprintf(buf, cap, "%s", f->top);
	else
		snprintf(buf, cap, "%s/%s", f->top, x->rel);
	return buf;
}

static void *worker(void *arg)
{
	struct fp *f = arg;
	struct crypto_hash_ctx hc = CRYPTO_HASH_CTX_INIT;
	static const uint8_t zero = 0;
	uint8_t *buf = malloc(PIECE + 1);
	char path[PATH_MAX + 8];
	size_t cur = (size_t)-1;
	int fd = -1;
	uint64_t g;

	pthread_setname_np(pthread_self(), "dipreg-hash");
	if (buf == NULL) {
		worker_fail(f, DIP_ENOMEM, "%s%s", "out of memory", "");
		goto out;
	}
	while (!atomic_load(&f->stop)) {
		const struct fentry *x;
		uint64_t off, want, got = 0;
		size_t i;
		ssize_t n;

		g = atomic_fetch_add(&f->next_chunk, 1);
		if (g >= f->total_chunks)
			break;
		i = file_of_chunk(f, g);
		x = &f->files[i];
		if (i != cur) {
			if (fd >= 0)
				close(fd);
			fd = open(full_path(f, x, path, sizeof(path)), O_RDONLY | O_CLOEXEC);
			cur = i;
			if (fd < 0) {
				worker_fail(f, DIP_EIO, "%s: %s", path, strerror(errno));
				break;
			}
			posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		}
		off = (g - x->first_chunk) * LED_FP_CHUNK;
		want = x->size - off < LED_FP_CHUNK ? x->size - off : LED_FP_CHUNK;
		if (crypto_hash_init(&hc, f->o->alg) || crypto_hash_update(&hc, &zero, 1)) {
			worker_fail(f, DIP_ECRYPTO, "%s%s", "hashing failed", "");
			break;
		}
		while (got < want) {
			size_t ask = want - got < PIECE ? (size_t)(want - got) : PIECE;
			int last = g == x->first_chunk + x->nchunks - 1 && got + ask == want;

			/* On the file's last piece ask for one byte more, to notice
			 * a file that grew since it was listed. */
			n = pread(fd, buf, ask + (size_t)last, (off_t)(off + got));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				worker_fail(f, DIP_EIO, "%s: %s", full_path(f, x, path, sizeof(path)),
					    strerror(errno));
				goto out;
			}
			if (n == 0) {
				worker_fail(f, DIP_EIO, "%s: %s", full_path(f, x, path, sizeof(path)),
					    "file shrank while being hashed");
				goto out;
			}
			if (last && (size_t)n > ask) {
				worker_fail(f, DIP_EIO, "%s: %s", full_path(f, x, path, sizeof(path)),
					    "file grew while being hashed");
				goto out;
			}
			/* A short read continues with the next pread. */
			if (crypto_hash_update(&hc, buf, (size_t)n)) {
				worker_fail(f, DIP_ECRYPTO, "%s%s", "hashing failed", "");
				goto out;
			}
			got += (uint64_t)n;
			atomic_fetch_add(&f->done_bytes, (uint64_t)n);
		}
		if (crypto_hash_final(&hc, f->leaves[g])) {
			worker_fail(f, DIP_ECRYPTO, "%s%s", "hashing failed", "");
			break;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	crypto_hash_release(&hc);
	pthread_mutex_lock(&f->mu);
	f->running--;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

static int hash_chunks(struct fp *f, int threads)
{
	pthread_t th[MAX_THREADS];
	struct timespec ts;
	int i, started = 0;

	atomic_init(&f->next_chunk, 0);
	atomic_init(&f->done_bytes, 0);
	atomic_init(&f->stop, 0);
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	f->running = 0;
	f->err = 0;
	dip_error_clear(&f->werr);
	pthread_mutex_lock(&f->mu);
	for (i = 0; i < threads; i++) {
		f->running++;
		if (pthread_create(&th[i], NULL, worker, f) != 0) {
			f->running--;
			break;
		}
		started++;
	}
	if (started == 0) {
		pthread_mutex_unlock(&f->mu);
		pthread_mutex_destroy(&f->mu);
		pthread_cond_destroy(&f->cv);
		return dip_fail(f->e, DIP_ENOMEM, "", "cannot start hashing threads");
	}
	while (f->running > 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&f->cv, &f->mu, &ts);
		if (f->running > 0 && f->o->on_progress) {
			pthread_mutex_unlock(&f->mu);
			f->o->on_progress(f->o->ud, atomic_load(&f->done_bytes), f->total_bytes);
			pthread_mutex_lock(&f->mu);
		}
	}
	pthread_mutex_unlock(&f->mu);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	if (f->err) {
		if (f->e)
			*f->e = f->werr;
		return f->err;
	}
	return 0;
}

/* ---- folding ---- */

static int fold(struct fp *f, struct led_fp_result *r)
{
	enum crypto_hash_alg alg = f->o->alg;
	led_hash *entries = NULL;
	uint8_t froot[CRYPTO_HASH_LEN], size_be[8];
	struct crypto_hash_ctx hc = CRYPTO_HASH_CTX_INIT;
	static const uint8_t zero = 0;
	size_t i;
	int k, rc = 0;

	entries = malloc((f->nfiles ? f->nfiles : 1) * sizeof(*entries));
	if (entries == NULL)
		return dip_fail(f->e, DIP_ENOMEM, "", "out of memory");
	for (i = 0; i < f->nfiles; i++) {
		const struct fentry *x = &f->files[i];

		rc = led_mth(alg, (const led_hash *)f->leaves + x->first_chunk, x->nchunks, froot);
		for (k = 0; k < 8; k++)
			size_be[k] = (uint8_t)(x->size >> (56 - 8 * k));
		/* Leaf hash of the entry: H(0x00 || path || 0x00 || size || root). */
		if (rc == 0)
			rc = crypto_hash_init(&hc, alg);
		if (rc == 0)
			rc = crypto_hash_update(&hc, &zero, 1);
		if (rc == 0)
			rc = crypto_hash_update(&hc, x->rel, strlen(x->rel));
		if (rc == 0)
			rc = crypto_hash_update(&hc, &zero, 1);
		if (rc == 0)
			rc = crypto_hash_update(&hc, size_be, 8);
		if (rc == 0)
			rc = crypto_hash_update(&hc, froot, sizeof(froot));
		if (rc == 0)
			rc = crypto_hash_final(&hc, entries[i]);
		if (rc) {
			rc = dip_fail(f->e, DIP_ECRYPTO, "", "hashing failed");
			goto out;
		}
	}
	rc = led_mth(alg, (const led_hash *)entries, f->nfiles, r->root);
	if (rc)
		rc = dip_fail(f->e, DIP_ECRYPTO, "", "hashing failed");
out:
	crypto_hash_release(&hc);
	free(entries);
	return rc;
}

static const char *base_name(const char *path, char *buf, size_t cap)
{
	size_t n = strlen(path), end;

	while (n > 1 && path[n - 1] == '/')
		n--;
	end = n;
	while (n > 0 && path[n - 1] != '/')
		n--;
	snprintf(buf, cap, "%.*s", (int)(end - n), path + n);
	return buf;
}

int led_fingerprint(const char *path, const struct led_fp_opts *o, struct led_fp_result *r,
		    struct dip_error *e)
{
	struct fp f;
	struct stat st;
	char *full = NULL, *rel = NULL;
	size_t i, plen = strlen(path);
	long ncpu;
	int threads, rc = 0;

	memset(&f, 0, sizeof(f));
	memset(r, 0, sizeof(*r));
	f.o = o;
	f.e = e;
	f.top = path;
	r->alg = o->alg;
	if (stat(path, &st) != 0)
		return dip_fail(e, DIP_EIO, "path", "%s: %s", path, strerror(errno));
	full = malloc(PATH_MAX);
	rel = malloc(PATH_MAX);
	if (full == NULL || rel == NULL) {
		rc = dip_fail(e, DIP_ENOMEM, "", "out of memory");
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		if (plen >= PATH_MAX) {
			rc = dip_fail(e, DIP_ELIMIT, "path", "%s: path too long", path);
			goto out;
		}
		memcpy(full, path, plen + 1);
		/* "dir/" and "dir" name the same entries. */
		while (plen > 1 && full[plen - 1] == '/')
			full[--plen] = '\0';
		f.top = full;
		rel[0] = '\0';
		rc = walk(&f, full, plen, rel, 0, 0);
		/* walk restored full to the top directory */
	} else if (S_ISREG(st.st_mode)) {
		f.single = 1;
		if (!readable(path))
			rc = dip_fail(e, DIP_EINVAL, "path", "%s: cannot be read (permission denied?)",
				      path);
		else
			rc = add_file(&f, base_name(path, rel, PATH_MAX), (uint64_t)st.st_size);
	} else {
		rc = dip_fail(e, DIP_EINVAL, "path", "%s: %s", path, kind_of(st.st_mode));
	}
	if (rc)
		goto out;
	if (f.nfiles > 1)
		qsort(f.files, f.nfiles, sizeof(*f.files), cmp_rel);
	for (i = 0; i < f.nfiles; i++) {
		f.files[i].first_chunk = f.total_chunks;
		f.total_chunks += f.files[i].nchunks;
		f.total_bytes += f.files[i].size;
	}
	f.leaves = malloc((f.total_chunks ? f.total_chunks : 1) * sizeof(*f.leaves));
	if (f.leaves == NULL) {
		rc = dip_fail(e, DIP_ENOMEM, "", "out of memory");
		goto out;
	}
	threads = o->threads;
	if (threads <= 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		threads = ncpu > 0 ? (int)ncpu : 1;
	}
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if ((uint64_t)threads > f.total_chunks)
		threads = (int)f.total_chunks;
	if (threads > 0 && (rc = hash_chunks(&f, threads)))
		goto out;
	if (o->on_progress)
		o->on_progress(o->ud, f.total_bytes, f.total_bytes);
	rc = fold(&f, r);
	r->files = f.nfiles;
	r->bytes = f.total_bytes;
	r->skipped = f.skipped;
out:
	for (i = 0; i < f.nfiles; i++)
		free(f.files[i].rel);
	free(f.files);
	free(f.leaves);
	free(full);
	free(rel);
	return rc;
}

void led_fp_format(enum crypto_hash_alg alg, const uint8_t root[CRYPTO_HASH_LEN],
		   char out[LED_FP_STRLEN])
{
	const char *name = crypto_hash_name(alg);
	size_t n = strlen(name);

	memcpy(out, name, n);
	out[n] = ':';
	hex_encode(out + n + 1, root, CRYPTO_HASH_LEN);
}

int led_fp_parse(const char *s, enum crypto_hash_alg *alg, uint8_t root[CRYPTO_HASH_LEN])
{
	const char *colon = strchr(s, ':');
	char name[8];

	if (colon == NULL || colon - s >= (long)sizeof(name))
		return DIP_EINVAL;
	memcpy(name, s, (size_t)(colon - s));
	name[colon - s] = '\0';
	if (crypto_hash_parse(name, alg) != 0)
		return DIP_EINVAL;
	if (strlen(colon + 1) != 2 * CRYPTO_HASH_LEN)
		return DIP_EINVAL;
	return hex_decode(colon + 1, 2 * CRYPTO_HASH_LEN, root);
}
