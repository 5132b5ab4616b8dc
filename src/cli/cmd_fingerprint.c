/*
 * cmd_fingerprint.c - "dipreg fingerprint": the dataset fingerprint of a
 * file or directory (ledger/fingerprint.h), printed as "sha256:<hex>" with
 * the file count and bytes, or as one JSON object with --json.  On a
 * terminal, stderr shows a progress bar with bytes done, rate and time
 * left; when stderr is not a terminal nothing is drawn.
 */
#include "cli/cli.h"
#include "ledger/fingerprint.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FP_USAGE "dipreg fingerprint PATH [--algo sha256|sm3] [--json] [--threads N] [--skip-special]"

struct progress {
	int tty;
	double start;
	int drawn;
};

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "1.5 GiB" style, into out. */
static void human(double v, char *out, size_t cap)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(out, cap, u ? "%.1f %s" : "%.0f %s", v, unit[u]);
}

static void on_progress(void *ud, uint64_t done, uint64_t total)
{
	struct progress *p = ud;
	char d[32], t[32], r[32], bar[31];
	double el = mono_now() - p->start, rate, eta;
	int i, fill;

	if (!p->tty || total == 0)
		return;
	rate = el > 0 ? (double)done / el : 0;
	eta = rate > 0 ? (double)(total - done) / rate : 0;
	fill = (int)((double)done * 30 / (double)total);
	for (i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '-';
	bar[30] = '\0';
	human((double)done, d, sizeof(d));
	human((double)total, t, sizeof(t));
	human(rate, r, sizeof(r));
	fprintf(stderr, "\r[%s] %3d%%  %s / %s  %s/s  ETA %d:%02d\033[K", bar,
		(int)((double)done * 100 / (double)total), d, t, r, (int)eta / 60, (int)eta % 60);
	p->drawn = 1;
}

static void on_skip(void *ud, const char *path, const char *why)
{
	struct progress *p = ud;

	if (p->drawn) {
		fputs("\r\033[K", stderr);
		p->drawn = 0;
	}
	fprintf(stderr, "dipreg: fingerprint: skipped %s: %s\n", path, why);
}

int cli_fingerprint(int argc, char **argv)
{
	struct led_fp_opts o;
	struct led_fp_result r;
	struct progress pg;
	struct dip_error e;
	const char *path = NULL;
	char fp[LED_FP_STRLEN];
	int json = 0, i, rc;

	memset(&o, 0, sizeof(o));
	o.alg = CRYPTO_SHA256;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;

		if (strncmp(a, "--algo", 6) == 0 || strncmp(a, "--threads", 9) == 0) {
			const char *eq = strchr(a, '=');
			size_t n = eq ? (size_t)(eq - a) : strlen(a);

			if (!(n == 6 && strncmp(a, "--algo", 6) == 0) &&
			    !(n == 9 && strncmp(a, "--threads", 9) == 0))
				return cli_usage(FP_USAGE);
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return cli_usage(FP_USAGE);
			if (n == 6) {
				if (crypto_hash_parse(val, &o.alg) != 0)
					return cli_fail("fingerprint: --algo: unknown algorithm \"%s\" "
							"(sha256 or sm3)",
							val);
			} else {
				char *end;
				long t;

				errno = 0;
				t = strtol(val, &end, 10);
				if (errno || *end || end == val || t < 1 || t > 256)
					return cli_fail("fingerprint: --threads: want a number from 1 "
							"to 256, not \"%s\"",
							val);
				o.threads = (int)t;
			}
		} else if (strcmp(a, "--json") == 0) {
			json = 1;
		} else if (strcmp(a, "--skip-special") == 0) {
			o.skip_special = 1;
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_usage(FP_USAGE);
		} else if (path == NULL) {
			path = a;
		} else {
			return cli_usage(FP_USAGE);
		}
	}
	if (path == NULL)
		return cli_usage(FP_USAGE);
	memset(&pg, 0, sizeof(pg));
	pg.tty = isatty(STDERR_FILENO);
	pg.start = mono_now();
	o.on_progress = on_progress;
	o.on_skip = on_skip;
	o.ud = &pg;
	dip_error_clear(&e);
	rc = led_fingerprint(path, &o, &r, &e);
	if (pg.drawn)
		fputs("\r\033[K", stderr);
	if (rc)
		return cli_fail("fingerprint: %s%s", e.message,
				rc == DIP_EINVAL && strstr(e.message, "regular file")
					? " (--skip-special leaves such paths out)"
					: "");
	led_fp_format(r.alg, r.root, fp);
	if (json) {
		json_t *j = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I}", "fingerprint", fp, "algorithm",
				      crypto_hash_name(r.alg), "path", path, "files",
				      (json_int_t)r.files, "bytes", (json_int_t)r.bytes, "skipped",
				      (json_int_t)r.skipped);
		char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;

		if (s == NULL) {
			json_decref(j);
			return cli_fail("fingerprint: out of memory");
		}
		puts(s);
		free(s);
		json_decref(j);
	} else {
		printf("%s  %llu file%s, %llu bytes\n", fp, (unsigned long long)r.files,
		       r.files == 1 ? "" : "s", (unsigned long long)r.bytes);
	}
	return fflush(stdout) == 0 ? 0 : cli_fail("fingerprint: cannot write the result");
}
