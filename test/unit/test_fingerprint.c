/*
 * test_fingerprint.c - dataset fingerprints: the test vectors of
 * docs/fingerprint.md for both algorithms, thread counts, special files,
 * progress reports and the "sha256:<hex>" form.
 */
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger/fingerprint.h"
#include "util/err.h"

static char base[64];

static void write_file(const char *rel, const void *data, size_t n)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void write_pattern(const char *rel, size_t n)
{
	uint8_t *b = malloc(n);
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(i % 251);
	write_file(rel, b, n);
	free(b);
}

static void mkdir_rel(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "/tmp/dipreg-fp-XXXXXX");
	assert_non_null(mkdtemp(base));
	mkdir_rel("empty-dir");
	write_file("empty.txt", "", 0);
	write_pattern("pattern.bin", 3 * LED_FP_CHUNK);
	mkdir_rel("tree");
	mkdir_rel("tree/sub");
	mkdir_rel("tree/sub/deeper");
	mkdir_rel("tree/\xe6\x95\xb0\xe6\x8d\xae");
	write_file("tree/.hidden", "secret\n", 7);
	write_file("tree/a.txt", "hello\n", 6);
	write_file("tree/sub-x.txt", "a dash sorts before a slash\n", 28);
	write_pattern("tree/sub/b.bin", LED_FP_CHUNK + 1);
	write_file("tree/sub/deeper/c.txt", "", 0);
	write_file("tree/\xe6\x95\xb0\xe6\x8d\xae/\xe8\xaf\xb4\xe6\x98\x8e.txt",
		   "\xe6\x95\xb0\xe6\x8d\xae\xe7\x9f\xa5\xe8\xaf\x86\xe4\xba\xa7\xe6\x9d\x83\xe7\x99\xbb"
		   "\xe8\xae\xb0\n",
		   25);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static void expect_fp(const char *rel, enum crypto_hash_alg alg, int threads, const char *want,
		      uint64_t files, uint64_t bytes)
{
	struct led_fp_opts o;
	struct led_fp_result r;
	struct dip_error e;
	char p[256], got[LED_FP_STRLEN];

	memset(&o, 0, sizeof(o));
	o.alg = alg;
	o.threads = threads;
	snprintf(p, sizeof(p), "%s/%s", base, rel);
	dip_error_clear(&e);
	assert_int_equal(led_fingerprint(p, &o, &r, &e), 0);
	led_fp_format(r.alg, r.root, got);
	assert_string_equal(got, want);
	assert_true(r.files == files);
	assert_true(r.bytes == bytes);
}

static void test_vectors_sha256(void **state)
{
	(void)state;
	expect_fp("empty-dir", CRYPTO_SHA256, 0,
		  "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0, 0);
	expect_fp("empty.txt", CRYPTO_SHA256, 0,
		  "sha256:ebbaf0e24a8ad8558da8efdd29fb34112c28c8f001a1beb9c44015e8bbf21ed5", 1, 0);
	expect_fp("pattern.bin", CRYPTO_SHA256, 0,
		  "sha256:bebdd6c171157d7008177936c149a7cf9f763c34eecc6dfa798af7f9a8922f2c", 1,
		  3145728);
	expect_fp("tree", CRYPTO_SHA256, 0,
		  "sha256:8e2b4c520486f300efe5854724cdcf45e0b3b16512fbb33dd8e5b54105fc13f3", 6,
		  1048643);
	/* A trailing slash names the same directory. */
	expect_fp("tree/", CRYPTO_SHA256, 0,
		  "sha256:8e2b4c520486f300efe5854724cdcf45e0b3b16512fbb33dd8e5b54105fc13f3", 6,
		  1048643);
}

static void test_vectors_sm3(void **state)
{
	(void)state;
	expect_fp("empty-dir", CRYPTO_SM3, 0,
		  "sm3:1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b", 0, 0);
	expect_fp("empty.txt", CRYPTO_SM3, 0,
		  "sm3:733d572e140e8213ceaf6d837239460e61e81985fa3882d40f889822a71a868a", 1, 0);
	expect_fp("pattern.bin", CRYPTO_SM3, 0,
		  "sm3:eb975afd24f5860420ccb09ade29012610d5858672f22855a69cd07acae311ae", 1,
		  3145728);
	expect_fp("tree", CRYPTO_SM3, 0,
		  "sm3:47d74185553441082a8f6a53e03badd17d3f2a2ee0dac99f0ff647059ef1b264", 6, 1048643);
}

static void test_thread_counts_agree(void **state)
{
	int t;

	(void)state;
	for (t = 1; t <= 9; t += 2) {
		expect_fp("pattern.bin", CRYPTO_SHA256, t,
			  "sha256:bebdd6c171157d7008177936c149a7cf9f763c34eecc6dfa798af7f9a8922f2c", 1,
			  3145728);
		expect_fp("tree", CRYPTO_SM3, t,
			  "sm3:47d74185553441082a8f6a53e03badd17d3f2a2ee0dac99f0ff647059ef1b264", 6,
			  1048643);
	}
}

struct seen {
	int skips;
	char last_skip[256];
	int progress_calls;
	uint64_t last_done, last_total;
};

static void on_skip(void *ud, const char *path, const char *why)
{
	struct seen *s = ud;

	(void)why;
	s->skips++;
	snprintf(s->last_skip, sizeof(s->last_skip), "%s", path);
}

static void on_progress(void *ud, uint64_t done, uint64_t total)
{
	struct seen *s = ud;

	assert_true(done <= total);
	s->progress_calls++;
	s->last_done = done;
	s->last_total = total;
}

static void test_special_files(void **state)
{
	struct led_fp_opts o;
	struct led_fp_result r, r2;
	struct dip_error e;
	struct seen s;
	char dir[128], p[192];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/special", base);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(p, sizeof(p), "%s/data.txt", dir);
	write_file("special/data.txt", "x", 1);
	snprintf(p, sizeof(p), "%s/link", dir);
	assert_int_equal(symlink("data.txt", p), 0);
	snprintf(p, sizeof(p), "%s/fifo", dir);
	assert_int_equal(mkfifo(p, 0644), 0);

	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	o.alg = CRYPTO_SHA256;
	o.on_skip = on_skip;
	o.on_progress = on_progress;
	o.ud = &s;
	dip_error_clear(&e);
	assert_int_equal(led_fingerprint(dir, &o, &r, &e), DIP_EINVAL);
	assert_string_equal(e.field, "path");
	assert_true(strstr(e.message, "/special/fifo: is a FIFO") ||
		    strstr(e.message, "/special/link: is a symbolic link"));

	o.skip_special = 1;
	assert_int_equal(led_fingerprint(dir, &o, &r, &e), 0);
	assert_int_equal(s.skips, 2);
	assert_true(r.skipped == 2);
	assert_true(r.files == 1);
	assert_true(s.progress_calls >= 1);
	assert_true(s.last_done == 1 && s.last_total == 1);

	/* The same as the directory without the special files. */
	snprintf(p, sizeof(p), "%s/link", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/fifo", dir);
	unlink(p);
	o.skip_special = 0;
	assert_int_equal(led_fingerprint(dir, &o, &r2, &e), 0);
	assert_memory_equal(r.root, r2.root, 32);

	/* A FIFO given as PATH itself is refused too. */
	assert_int_equal(mkfifo(p, 0644), 0);
	assert_int_equal(led_fingerprint(p, &o, &r2, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "is a FIFO"));
	unlink(p);
	assert_int_equal(led_fingerprint("/nonexistent/dipreg", &o, &r2, &e), DIP_EIO);
	assert_non_null(strstr(e.message, "/nonexistent/dipreg"));
}

static void test_unreadable_file(void **state)
{
	struct led_fp_opts o;
	struct led_fp_result r;
	struct dip_error e;
	struct seen s;
	char dir[128], p[192];

	(void)state;
	if (geteuid() == 0)
		skip(); /* root reads everything */
	snprintf(dir, sizeof(dir), "%s/locked", base);
	assert_int_equal(mkdir(dir, 0755), 0);
	write_file("locked/secret", "x", 1);
	snprintf(p, sizeof(p), "%s/secret", dir);
	assert_int_equal(chmod(p, 0), 0);
	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	o.on_skip = on_skip;
	o.ud = &s;
	assert_int_equal(led_fingerprint(dir, &o, &r, &e), DIP_EINVAL);
	assert_non_null(strstr(e.message, "secret: cannot be read"));
	o.skip_special = 1;
	assert_int_equal(led_fingerprint(dir, &o, &r, &e), 0);
	assert_int_equal(s.skips, 1);
	chmod(p, 0644);
}

static void test_format_parse(void **state)
{
	uint8_t root[32], back[32];
	enum crypto_hash_alg alg;
	char s[LED_FP_STRLEN];
	int i;

	(void)state;
	for (i = 0; i < 32; i++)
		root[i] = (uint8_t)(i * 9);
	led_fp_format(CRYPTO_SM3, root, s);
	assert_int_equal(strlen(s), 4 + 64);
	assert_int_equal(led_fp_parse(s, &alg, back), 0);
	assert_int_equal(alg, CRYPTO_SM3);
	assert_memory_equal(root, back, 32);
	assert_int_equal(led_fp_parse("sha256:abc", &alg, back), DIP_EINVAL);
	assert_int_equal(led_fp_parse("md5:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
				      &alg, back),
			 DIP_EINVAL);
	assert_int_equal(led_fp_parse("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
				      &alg, back),
			 DIP_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_sha256),
		cmocka_unit_test(test_vectors_sm3),
		cmocka_unit_test(test_thread_counts_agree),
		cmocka_unit_test(test_special_files),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_format_parse),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
