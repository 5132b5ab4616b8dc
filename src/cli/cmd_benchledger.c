/*
 * cmd_benchledger.c - "dipreg bench-ledger": grows a registry's
 * transparency log to N entries and measures it (bench P5, P7; hidden).
 *
 * Appends synthetic entries shaped like the registry's own (deposits,
 * publications, registrations with their certificate) through the store,
 * B to a transaction, and runs the sequencer after each transaction, as
 * a busy registry would: leaf hashes, tiles and a signed checkpoint.  The
 * append rate counts both.  Then it asks for P inclusion proofs of random
 * entries through the service (svc_log_inclusion_json: a read transaction,
 * the latest checkpoint, the proof from tiles, its JSON), first with an
 * empty tile cache, then after one proof in every bottom tile has filled
 * the cache as far as it goes (--cache-mb, default the service's 64 MiB),
 * and checks every proof against the checkpoint's root.  Prints one JSON object.  Run it again
 * with a larger N to grow the same log.
 */
#include "cli/cli.h"
#include "cli/common.h"
#include "crypto/hash.h"
#include "ledger/merkle.h"
#include "util/b64.h"
#include "util/file.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static uint64_t rng = 0x853c49e6748fea9bull;

static uint64_t rnd64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Filler text of about n bytes of Chinese (3 bytes a character). */
static void filler(struct dbuf *b, size_t n)
{
	static const char *const words[] = {
		"数据", "采集", "清洗", "聚合", "交通", "客流", "监测", "指标", "服务", "平台", "企业",
		"城市", "规划", "预测", "模型", "训练", "质量", "统计",
	};
	size_t start = b->len;

	while (b->len - start < n)
		dbuf_adds(b, words[rnd64() % (sizeof(words) / sizeof(words[0]))]);
}

/* One entry, canonical JSON (keys in order), of the registry's three
 * common kinds in the proportions the synthetic registries have; 1 when it
 * is an announcement, 0 for a deposit. */
static int make_entry(struct dbuf *b, int64_t i, dip_time at)
{
	char ts[32], hex[65];
	uint8_t raw[32];
	unsigned kind = (unsigned)(rnd64() % 100);
	size_t k;

	time_format(at, DIP_ZONE_SHANGHAI, ts);
	for (k = 0; k < 32; k += 8) {
		uint64_t r = rnd64();

		memcpy(raw + k, &r, 8);
	}
	hex_encode(hex, raw, 32);
	hex[64] = '\0';
	dbuf_reset(b);
	if (kind < 45) {
		dbuf_addf(b, "{\"bytes\":%llu,\"deposit\":%lld,\"files\":%u,\"fingerprint\":\"sha256:%s\","
			  "\"time\":\"%s\",\"type\":\"deposit\"}",
			  (unsigned long long)(rnd64() % 40000000000ull), (long long)i + 1,
			  (unsigned)(1 + rnd64() % 2000), hex, ts);
	} else if (kind < 75) {
		dbuf_addf(b, "{\"applicants\":[{\"id_number\":\"9111********%04u\",\"kind\":\"legal\","
			  "\"name\":\"北京智联数据科技有限公司\"}],\"application\":%lld,\"content\":{"
			  "\"algorithm\":{\"summary\":\"", (unsigned)(rnd64() % 10000), (long long)i / 2);
		filler(b, 90);
		dbuf_adds(b, "\"},\"name\":\"北京市公共交通客流数据集\",\"scenario\":\"");
		filler(b, 150 + rnd64() % 200);
		dbuf_adds(b, "\",\"source\":{\"description\":\"");
		filler(b, 80);
		dbuf_addf(b, "\"}},\"publication_ends\":%lld,\"time\":\"%s\",\"type\":\"publication\"}",
			  (long long)at + 14 * 86400, ts);
	} else {
		dbuf_addf(b, "{\"application\":%lld,\"certificate\":{\"certificate_number\":"
			  "\"2025061100%07u\",\"dataset\":{\"name\":\"北京市电力负荷数据集\",\"scenario\":\"",
			  (long long)i / 2, (unsigned)(rnd64() % 10000000));
		filler(b, 400 + rnd64() % 400);
		dbuf_addf(b, "\"},\"registration_number\":\"2025%012llu\",\"verify_url\":"
			  "\"http://127.0.0.1:8080/verify?cert=x\",\"version\":1},\"time\":\"%s\","
			  "\"type\":\"registration\"}", (unsigned long long)(rnd64() % 1000000000000ull), ts);
	}
	return kind >= 45;
}

struct stats {
	double p50, p99, mean, max;
};

static void summarise(double *v, size_t n, struct stats *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return;
	qsort(v, n, sizeof(*v), cmp_double);
	for (i = 0; i < n; i++)
		s->mean += v[i];
	s->mean /= (double)n;
	s->p50 = v[n / 2];
	s->p99 = v[(size_t)((double)n * 0.99)];
	s->max = v[n - 1];
}

/* Times proofs of the given indexes; each is checked against root. */
static int time_proofs(struct svc *v, const int64_t *idx, size_t n, int64_t size,
		       const uint8_t root[LED_HASH_LEN], double *us, struct dip_error *e)
{
	struct dbuf entry;
	led_hash proof[LED_PROOF_MAX], leaf;
	json_t *o, *p;
	size_t i, k, np;
	double t;
	int rc = 0;

	dbuf_init(&entry, LED_ENTRY_MAX);
	for (i = 0; rc == 0 && i < n; i++) {
		t = mono();
		rc = svc_log_inclusion_json(v, idx[i], NULL, size, &o, e);
		us[i] = (mono() - t) * 1e6;
		if (rc)
			break;
		/* Verify: the proof leads from the entry's leaf to the root. */
		p = json_object_get(o, "inclusion_proof");
		np = json_array_size(p);
		for (k = 0; k < np && k < LED_PROOF_MAX; k++) {
			size_t got = 0;

			if (b64_decode(json_string_value(json_array_get(p, k)),
				       strlen(json_string_value(json_array_get(p, k))), proof[k],
				       LED_HASH_LEN, &got) || got != LED_HASH_LEN)
				rc = dip_fail(e, DIP_ECRYPTO, "", "proof %zu of entry %lld undecodable", k,
					      (long long)idx[i]);
		}
		if (rc == 0 && v->st->begin(v->st, 0) == 0) {
			rc = v->st->ledger_entry(v->st, idx[i], &entry);
			v->st->rollback(v->st);
		}
		if (rc == 0)
			rc = led_hash_leaf(CRYPTO_SHA256, entry.p, entry.len, leaf);
		if (rc == 0 && led_verify_inclusion(CRYPTO_SHA256, (uint64_t)idx[i], (uint64_t)size, leaf,
						    (const led_hash *)proof, np, root) != 0)
			rc = dip_fail(e, DIP_ECRYPTO, "", "inclusion proof of entry %lld does not verify",
				      (long long)idx[i]);
		json_decref(o);
	}
	dbuf_free(&entry);
	return rc;
}

static void print_stats(const char *name, const struct stats *s)
{
	printf("\"%s\": {\"p50\": %.1f, \"p99\": %.1f, \"mean\": %.1f, \"max\": %.1f}", name, s->p50,
	       s->p99, s->mean, s->max);
}

#define USAGE "dipreg bench-ledger --db PATH --entries N [--batch B] [--proofs P] [--cache-mb M] " \
	      "[--data-dir DIR]"

int cli_bench_ledger(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "data-dir", required_argument, NULL, 'D' },
		{ "entries", required_argument, NULL, 'n' },
		{ "batch", required_argument, NULL, 'b' },
		{ "proofs", required_argument, NULL, 'p' },
		{ "cache-mb", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_registry_opts ro = { NULL, NULL };
	struct ledger_key_opts ko;
	const char *db = NULL, *data_dir = "var";
	struct registry reg;
	struct checkpoint_row cp;
	struct dip_error e;
	struct dbuf b, one;
	size_t *off = NULL;
	char *announce = NULL;
	struct svc v = { 0 };
	struct stats cold, warm;
	long entries = 0, batch = 10000, proofs = 2000, cache_mb = -1;
	int64_t size = 0, i, idx, start;
	dip_time at;
	double t0, c0, t_append = 0, t_integrate = 0, t_cpu = 0, *us = NULL;
	int64_t *pick = NULL;
	struct stat sb;
	int c, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'D': data_dir = optarg; break;
		case 'n':
			if (cli_long(optarg, 1, 1000000000, &entries))
				return cli_fail("--entries: 1 to 1000000000");
			break;
		case 'b':
			if (cli_long(optarg, 1, 1000000, &batch))
				return cli_fail("--batch: 1 to 1000000");
			break;
		case 'p':
			if (cli_long(optarg, 1, 1000000, &proofs))
				return cli_fail("--proofs: 1 to 1000000");
			break;
		case 'c':
			if (cli_long(optarg, 0, 65536, &cache_mb))
				return cli_fail("--cache-mb: 0 to 65536");
			break;
		default:
			return cli_usage(USAGE);
		}
	}
	if (db == NULL || entries == 0 || optind != argc)
		return cli_usage(USAGE);
	if (cli_registry(&reg, &ro))
		return 1;
	snprintf(reg.data_dir, sizeof(reg.data_dir), "%s", data_dir);
	memset(&ko, 0, sizeof(ko));
	/* The tile cache: the service's default (64 MiB) unless given; 0
	 * reads every tile from the store. */
	if (cache_mb >= 0)
		ko.cache_bytes = cache_mb ? (size_t)cache_mb << 20 : 1;
	if (file_mkdirs(data_dir, &e) || cli_log_open(&reg, db, NULL, "bench.example/log", &ko)) {
		registry_release(&reg);
		return 1;
	}
	dbuf_init(&b, 0);
	dbuf_init(&one, LED_ENTRY_MAX);
	v.reg = &reg;
	v.st = store_open(db, &e);
	if (v.st == NULL) {
		rc = cli_fail("%s", e.message);
		goto out;
	}
	off = calloc((size_t)batch + 1, sizeof(*off));
	announce = calloc((size_t)batch, 1);
	if (off == NULL || announce == NULL) {
		rc = cli_fail("out of memory");
		goto out;
	}
	if (v.st->begin(v.st, 0) || v.st->ledger_size(v.st, &size)) {
		rc = cli_fail("%s", v.st->err.message);
		goto out;
	}
	v.st->rollback(v.st);
	start = size;
	at = (dip_time)time(NULL) - 86400;
	while (size < entries) {
		int64_t n = entries - size < batch ? entries - size : batch;

		/* The entries are made before the clock starts. */
		dbuf_reset(&b);
		for (i = 0; i < n; i++) {
			announce[i] = (char)make_entry(&one, size + i, at);
			off[i] = b.len;
			dbuf_add(&b, one.p, one.len);
		}
		off[n] = b.len;
		t0 = mono();
		c0 = cpu();
		if (v.st->begin(v.st, 1)) {
			rc = cli_fail("%s", v.st->err.message);
			goto out;
		}
		for (i = 0; i < n; i++) {
			if (v.st->ledger_append(v.st, b.p + off[i], off[i + 1] - off[i], announce[i],
						&idx)) {
				v.st->rollback(v.st);
				rc = cli_fail("%s", v.st->err.message);
				goto out;
			}
		}
		if (v.st->commit(v.st)) {
			rc = cli_fail("%s", v.st->err.message);
			goto out;
		}
		t_append += mono() - t0;
		t0 = mono();
		if (svc_log_integrate(&v, at, NULL, &e)) {
			rc = cli_fail("log: %s", e.message);
			goto out;
		}
		t_integrate += mono() - t0;
		t_cpu += cpu() - c0;
		size += n;
		if ((size / batch) % 100 == 0)
			fprintf(stderr, "bench-ledger: %lld entries, %.0f appends/s\n", (long long)size,
				(double)(size - start) / (t_append + t_integrate));
	}
	/* Proofs of random entries against the latest checkpoint. */
	if (v.st->begin(v.st, 0) || v.st->checkpoint_latest(v.st, &cp)) {
		rc = cli_fail("%s", v.st->err.message);
		goto out;
	}
	v.st->rollback(v.st);
	pick = calloc((size_t)proofs, sizeof(*pick));
	us = calloc((size_t)proofs, sizeof(*us));
	if (pick == NULL || us == NULL) {
		checkpoint_row_release(&cp);
		rc = cli_fail("out of memory");
		goto out;
	}
	for (i = 0; i < proofs; i++)
		pick[i] = (int64_t)(rnd64() % (uint64_t)cp.size);
	led_tiles_cache_clear(reg.keys->tiles);
	rc = time_proofs(&v, pick, (size_t)proofs, cp.size, cp.root, us, &e);
	summarise(us, (size_t)proofs, &cold);
	/* Warm: one proof in every bottom tile loads as many tiles as the
	 * cache holds, then new random entries are timed. */
	for (i = 0; rc == 0 && i < cp.size; i += LED_TILE_WIDTH) {
		json_t *o;

		rc = svc_log_inclusion_json(&v, i, NULL, cp.size, &o, &e);
		if (rc == 0)
			json_decref(o);
	}
	for (i = 0; rc == 0 && i < proofs; i++)
		pick[i] = (int64_t)(rnd64() % (uint64_t)cp.size);
	if (rc == 0)
		rc = time_proofs(&v, pick, (size_t)proofs, cp.size, cp.root, us, &e);
	summarise(us, (size_t)proofs, &warm);
	if (rc) {
		checkpoint_row_release(&cp);
		rc = cli_fail("proof: %s", e.message);
		goto out;
	}
	printf("{\"entries\": %lld, \"appended\": %lld, \"batch\": %ld, ", (long long)cp.size,
	       (long long)(size - start), batch);
	if (size > start)
		printf("\"append_per_s\": %.0f, \"append_s\": %.2f, \"integrate_s\": %.2f, "
		       "\"cpu_s\": %.2f, \"append_per_cpu_s\": %.0f, ",
		       (double)(size - start) / (t_append + t_integrate), t_append, t_integrate, t_cpu,
		       (double)(size - start) / t_cpu);
	printf("\"proofs\": %ld, \"tile_cache_mb\": %ld, ", proofs, cache_mb < 0 ? 64 : cache_mb);
	print_stats("proof_cold_us", &cold);
	printf(", ");
	print_stats("proof_us", &warm);
	printf(", \"db_bytes\": %lld}\n", stat(db, &sb) == 0 ? (long long)sb.st_size : -1LL);
	checkpoint_row_release(&cp);
	rc = 0;
out:
	free(pick);
	free(us);
	free(off);
	free(announce);
	dbuf_free(&b);
	dbuf_free(&one);
	if (v.st)
		store_close(v.st);
	ledger_close(&reg);
	registry_release(&reg);
	return rc;
}
