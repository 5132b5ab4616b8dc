/*
 * test_render.c - the certificate PDF and the QR code SVG (src/render/).
 *
 * The PDF is read back the way a person or a court would: pdftotext finds
 * every printed value (so the text is real text, not pictures of it),
 * pdfinfo says one A4 page, and zbarimg scans the QR code off a 150 dpi
 * rendering made by pdftoppm and must find the verification URL exactly.
 * These tools come from poppler-utils and zbar-tools (make deps-test).
 */
#include "testutil.h"

#include <pthread.h>
#include <qrencode.h>
#include <time.h>
#include <unistd.h>

#include "render/render.h"
#include "util/buf.h"
#include "util/err.h"

static char tmpdir[256];

/* For make SAN=1: cairo 1.16's CFF font subsetter (Debian 12) leaks about
 * 770 bytes per embedded Noto CJK face per PDF inside cairo_surface_finish,
 * and fontconfig keeps its parsed configuration for the process.  Neither
 * is ours; a cairo object we forget to destroy is not allocated inside
 * cairo_surface_finish and is still reported. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	/* cairo has no frame pointers: unwind slowly so that suppressions
	 * see the whole allocation stack */
	return "fast_unwind_on_malloc=0:malloc_context_size=40";
}

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:cairo_surface_finish\nleak:libfontconfig.so\n";
}

#define URL "https://dip.example.gov.cn/verify/20240611000000123"
#define FPR "sha256:3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"

static const struct cert_holder one_holder[] = {
	{ "北京数智未来科技有限公司", "统一社会信用代码", "91110105MA01ABCD2X" },
};

static const struct cert_holder three_holders[] = {
	{ "北京数智未来科技有限公司", "统一社会信用代码", "91110105MA01ABCD2X" },
	{ "张三", "身份证件号码", "110105********1234" },
	{ "上海浦江数据服务中心（有限合伙）", NULL, "91310000MA1K8X9Y0L" },
};

static struct cert_view sample(void)
{
	struct cert_view v = {
		.registry_name = "北京市知识产权保护中心",
		.legal_basis = "《北京市数据知识产权登记管理办法（试行）》",
		.cert_no = "20240611000000123",
		.reg_no = "2024120000001230",
		.version = 1,
		.status = RENDER_IN_FORCE,
		.holders = one_holder,
		.n_holders = 1,
		.dataset_name = "北京市城市交通出行轨迹脱敏数据集合",
		.industry_code = "I64",
		.industry_name = "互联网和相关服务",
		.scenario = "用于城市交通规划部门分析早晚高峰出行规律，优化公交线路与站点布局；"
			    "为网约车平台提供区域供需预测，缩短乘客等待时间。",
		.data_source = "自行采集：本公司出行服务平台在用户授权下产生的行程记录",
		.algorithm = "对原始轨迹进行K-匿名化处理（k≥20），时间粒度泛化至15分钟，空间粒度泛化至"
			     "500米网格；删除设备标识与手机号码，不可逆哈希替换用户标识。",
		.fingerprint = FPR,
		.announced = "2024-06-15",
		.valid_until = "2027-06-14",
		.issued = "2024-06-17",
		.verify_url = URL,
	};
	return v;
}

/* ---- helpers: files and the poppler / zbar tools -------------------- */

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/dipreg-render-XXXXXX", base && base[0] ? base : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[400];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void save(const char *name, const struct dbuf *b, char *path, size_t n)
{
	FILE *f;

	snprintf(path, n, "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b->p, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

/* Runs a shell command and returns its standard output (caller frees). */
static char *run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *run(const char *fmt, ...)
{
	char cmd[1024], chunk[4096];
	struct dbuf out;
	va_list ap;
	size_t n;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	dbuf_init(&out, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		assert_int_equal(dbuf_add(&out, chunk, n), 0);
	if (pclose(p) != 0)
		fail_msg("command failed: %s", cmd);
	return dbuf_detach(&out, NULL);
}

/* Drops all white space, so that text wrapped or spaced out by the layout
 * (or by pdftotext's reading of it) compares equal. */
static void squeeze(char *s)
{
	char *w = s;

	for (; *s; s++)
		if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r' && *s != '\f')
			*w++ = *s;
	*w = '\0';
}

static char *pdf_text(const char *pdf)
{
	char *t = run("pdftotext -layout '%s' -", pdf);

	squeeze(t);
	return t;
}

static void assert_has(const char *text, const char *want)
{
	char w[4096];

	snprintf(w, sizeof(w), "%s", want);
	squeeze(w);
	if (strstr(text, w) == NULL)
		fail_msg("\"%s\" not in the certificate's text", want);
}

static void assert_one_a4_page(const char *pdf)
{
	char *info = run("pdfinfo '%s'", pdf);

	assert_non_null(strstr(info, "Pages:           1\n"));
	assert_non_null(strstr(info, "Page size:       595.276 x 841.89 pts (A4)"));
	free(info);
}

/* The QR code, scanned off a 150 dpi rendering of the page. */
static void assert_qr_reads(const char *pdf, const char *url)
{
	char prefix[300], *got;

	snprintf(prefix, sizeof(prefix), "%s-p", pdf);
	free(run("pdftoppm -r 150 -png -singlefile '%s' '%s'", pdf, prefix));
	got = run("zbarimg --nodbus --raw -q '%s.png'", prefix);
	/* zbarimg ends each symbol with a newline; exactly one symbol */
	assert_string_equal(got, url);
	free(got);
	(void)0;
}

/* The lowest edge (yMax, in points from the top) of the word on the page,
 * from pdftotext -bbox; fails when the word is not there. */
static double word_bottom(const char *pdf, const char *word)
{
	char *xml = run("pdftotext -bbox '%s' -", pdf), key[200], *p, *q;
	double y = -1;

	snprintf(key, sizeof(key), "\">%s</word>", word);
	p = strstr(xml, key);
	if (p == NULL)
		fail_msg("word %s not found by pdftotext -bbox", word);
	*p = '\0';
	q = strrchr(xml, '<');
	assert_non_null(q);
	q = strstr(q, "yMax=\"");
	assert_non_null(q);
	y = strtod(q + 6, NULL);
	free(xml);
	return y;
}

/* The fields end above the QR code (top at 650 pt) and the seal: the page
 * did not overflow into them. */
static void assert_fields_above_bottom_block(const char *pdf)
{
	double y = word_bottom(pdf, "有效期至");

	if (y > 642)
		fail_msg("the last row of fields ends at %.1f pt, into the qr code and seal", y);
	assert_true(word_bottom(pdf, "扫码核验") > 730);
}

static struct dbuf render_ok(const struct cert_view *v)
{
	struct dip_error e;
	struct dbuf b;
	int rc;

	dbuf_init(&b, 8u << 20);
	rc = render_cert_pdf(v, &b, &e);
	if (rc)
		fail_msg("render_cert_pdf: %d %s: %s", rc, e.field, e.message);
	assert_true(b.len > 1000);
	assert_memory_equal(b.p, "%PDF-", 5);
	return b;
}

/* ---- the certificate ------------------------------------------------ */

static void test_art12_certificate_pdf_has_every_field(void **state)
{
	struct cert_view v = sample();
	struct dbuf b = render_ok(&v);
	char path[300], *text, want[300];

	(void)state;
	save("full.pdf", &b, path, sizeof(path));
	assert_one_a4_page(path);
	assert_fields_above_bottom_block(path);
	text = pdf_text(path);
	assert_has(text, "数据知识产权登记证书");
	assert_has(text, "DATA INTELLECTUAL PROPERTY REGISTRATION CERTIFICATE");
	assert_has(text, "依据《北京市数据知识产权登记管理办法（试行）》，经审查");
	static const char *const labels[] = { "证书编号", "登记号", "数据名称", "登记主体", "所属行业",
		"应用场景", "数据来源", "算法规则", "数据指纹", "登记公告日", "有效期至", "版本" };
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		assert_has(text, labels[i]);
	assert_has(text, v.registry_name);
	assert_has(text, v.cert_no);
	assert_has(text, v.reg_no);
	assert_has(text, v.dataset_name);
	assert_has(text, one_holder[0].name);
	assert_has(text, "统一社会信用代码：91110105MA01ABCD2X");
	assert_has(text, "I64 互联网和相关服务");
	assert_has(text, v.scenario);
	assert_has(text, v.data_source);
	assert_has(text, v.algorithm);
	assert_has(text, FPR);
	assert_has(text, "登记公告日2024年6月15日");
	assert_has(text, "有效期至2027年6月14日");
	assert_has(text, "发证日期：2024年6月17日");
	assert_has(text, "版本第1版");
	assert_has(text, URL);
	assert_has(text, "数据知识产权登记专用章");
	snprintf(want, sizeof(want), "核验：扫描左下角二维码，或访问%s", URL);
	assert_has(text, want);
	assert_null(strstr(text, "…"));
	assert_null(strstr(text, "CANCELLED"));
	free(text);
	assert_qr_reads(path, URL "\n");
	/* fonts subset, no image of text: a certificate stays small */
	assert_true(b.len < 600 * 1024);
	dbuf_free(&b);
}

static void test_art12_three_holders_and_long_texts_fit_one_page(void **state)
{
	struct cert_view v = sample();
	struct dbuf b, longtext, longname;
	char path[300], *text;
	int i;

	(void)state;
	dbuf_init(&longtext, 0);
	dbuf_init(&longname, 0);
	for (i = 0; i < 80; i++)
		assert_int_equal(dbuf_addf(&longtext, "第%d段：用于城市交通规划部门分析早晚高峰出行规律，优化公交线路与站点布局。\n", i), 0);
	assert_int_equal(dbuf_adds(&longtext, "末尾标记ZZQX"), 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(dbuf_adds(&longname, "超长名称的城市交通出行轨迹数据"), 0);
	assert_int_equal(dbuf_adds(&longname, "集合"), 0);
	v.holders = three_holders;
	v.n_holders = 3;
	v.scenario = longtext.p;
	v.algorithm = longtext.p;
	v.data_source = longtext.p;
	v.dataset_name = longname.p;
	v.registry_name = "深圳市市场监督管理局数据知识产权登记服务中心";
	b = render_ok(&v);
	save("long.pdf", &b, path, sizeof(path));
	assert_one_a4_page(path);
	assert_fields_above_bottom_block(path);
	text = pdf_text(path);
	for (i = 0; i < 3; i++) {
		assert_has(text, three_holders[i].name);
		assert_has(text, three_holders[i].id_number);
	}
	assert_has(text, "身份证件号码：110105********1234");
	/* the issuer is never cut */
	assert_has(text, "深圳市市场监督管理局数据知识产权登记服务中心");
	assert_has(text, "（证件号码：91310000MA1K8X9Y0L）");
	/* long texts are cut with an ellipsis, their starts kept */
	assert_has(text, "应用场景第0段：用于城市交通规划部门分析早晚高峰出行规律");
	assert_has(text, "数据名称超长名称的城市交通出行轨迹数据");
	assert_non_null(strstr(text, "…"));
	assert_null(strstr(text, "ZZQX"));
	/* and what follows them is all there */
	assert_has(text, FPR);
	assert_has(text, "有效期至2027年6月14日");
	assert_has(text, URL);
	free(text);
	assert_qr_reads(path, URL "\n");
	assert_true(b.len < 600 * 1024);
	dbuf_free(&b);
	dbuf_free(&longtext);
	dbuf_free(&longname);
}

static void test_art6_many_joint_holders_are_summarised(void **state)
{
	struct cert_holder h[12];
	struct cert_view v = sample();
	char names[12][64], path[300], *text;
	struct dbuf b;
	int i;

	(void)state;
	for (i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]), "联合数据处理单位%02d有限公司", i + 1);
		h[i] = (struct cert_holder){ names[i], NULL, "91110000MA0000000X" };
	}
	v.holders = h;
	v.n_holders = 12;
	b = render_ok(&v);
	save("many.pdf", &b, path, sizeof(path));
	assert_one_a4_page(path);
	assert_fields_above_bottom_block(path);
	text = pdf_text(path);
	assert_has(text, names[0]);
	assert_has(text, "等共12个登记主体，完整名单见核验页面");
	assert_null(strstr(text, names[11]));
	free(text);
	dbuf_free(&b);
}

static void test_art18_cancelled_certificate_shows_banner(void **state)
{
	struct cert_view v = sample();
	char path[300], *text;
	struct dbuf b;

	(void)state;
	v.status = RENDER_CANCELLED;
	v.status_note = "2025年3月1日依申请注销";
	v.version = 2;
	b = render_ok(&v);
	save("cancelled.pdf", &b, path, sizeof(path));
	assert_one_a4_page(path);
	assert_fields_above_bottom_block(path);
	text = pdf_text(path);
	assert_has(text, "本证书已注销，不再具有证明效力");
	assert_has(text, "CANCELLED");
	assert_has(text, "2025年3月1日依申请注销");
	assert_has(text, "版本第2版");
	assert_has(text, v.dataset_name);
	free(text);
	assert_qr_reads(path, URL "\n");
	dbuf_free(&b);

	v.status = RENDER_SUPERSEDED;
	v.status_note = NULL;
	b = render_ok(&v);
	save("superseded.pdf", &b, path, sizeof(path));
	text = pdf_text(path);
	assert_has(text, "本证书已被新版本取代");
	assert_has(text, "SUPERSEDED");
	free(text);
	dbuf_free(&b);
}

/* ---- errors --------------------------------------------------------- */

struct missing {
	const char *field;
	void (*clear)(struct cert_view *v);
};

#define CLEAR(f) static void clear_##f(struct cert_view *v) { v->f = NULL; }
CLEAR(registry_name)
CLEAR(cert_no)
CLEAR(reg_no)
CLEAR(dataset_name)
CLEAR(industry_code)
CLEAR(industry_name)
CLEAR(scenario)
CLEAR(data_source)
CLEAR(algorithm)
CLEAR(fingerprint)
CLEAR(announced)
CLEAR(valid_until)
CLEAR(issued)
CLEAR(verify_url)
CLEAR(holders)

static void test_missing_field_is_named(void **state)
{
	static const struct missing cases[] = {
		{ "registry_name", clear_registry_name }, { "cert_no", clear_cert_no },
		{ "reg_no", clear_reg_no }, { "dataset_name", clear_dataset_name },
		{ "industry_code", clear_industry_code }, { "industry_name", clear_industry_name },
		{ "scenario", clear_scenario }, { "data_source", clear_data_source },
		{ "algorithm", clear_algorithm }, { "fingerprint", clear_fingerprint },
		{ "announced", clear_announced }, { "valid_until", clear_valid_until },
		{ "issued", clear_issued }, { "verify_url", clear_verify_url },
		{ "holders", clear_holders },
	};
	struct cert_view v;
	struct dip_error e;
	struct dbuf b;
	size_t i;

	(void)state;
	dbuf_init(&b, 0);
	assert_int_equal(dbuf_adds(&b, "kept"), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = sample();
		cases[i].clear(&v);
		assert_int_equal(render_cert_pdf(&v, &b, &e), DIP_EINVAL);
		assert_string_equal(e.field, cases[i].field);
		assert_non_null(strstr(e.message, cases[i].field));
		assert_non_null(strstr(e.message, "missing"));
		assert_int_equal(b.len, 4);
		assert_string_equal(b.p, "kept");
	}
	dbuf_free(&b);
}

static void test_malformed_fields_are_named(void **state)
{
	struct cert_holder bad[2] = { one_holder[0], { "张三", NULL, "" } };
	struct cert_view v;
	struct dip_error e;
	struct dbuf b;

	(void)state;
	dbuf_init(&b, 0);
	v = sample();
	v.announced = "2024/06/15";
	assert_int_equal(render_cert_pdf(&v, &b, &e), DIP_EINVAL);
	assert_string_equal(e.field, "announced");
	assert_non_null(strstr(e.message, "YYYY-MM-DD"));
	v = sample();
	v.valid_until = "2027-02-29";
	assert_int_equal(render_cert_pdf(&v, &b, &e), DIP_EINVAL);
	assert_string_equal(e.field, "valid_until");
	v = sample();
	v.verify_url = "javascript:alert(1)";
	assert_int_equal(render_cert_pdf(&v, &b, &e), DIP_EINVAL);
	assert_string_equal(e.field, "verify_url");
	v = sample();
	v.verify_url = "https://example.org/a b";
	assert_int_equal(render_cert_pdf(&v, &b, &e), DIP_EINVAL);
	assert_string_equal(e.field, "verify_url");
	v = sample();
	v.algorithm = " \n\t ";
	assert_int_equal(render_cert_pdf(&v, &b, &e), DIP_EINVAL);
	assert_string_equal(e.field, "algorithm");
	assert_non_null(strstr(e.message, "missing"));
	v = sample();
	v.version = 0;
	assert_int_equal(render_cert_pdf(&v, &b, &e), DIP_EINVAL);
	assert_string_equal(e.field, "version");
	v = sample();
	v.holders = bad;
	v.n_holders = 2;
	assert_int_equal(render_cert_pdf(&v, &b, &e), DIP_EINVAL);
	assert_string_equal(e.field, "holders[1].id_number");
	v = sample();
	v.scenario = "\xe6\x95";
	assert_int_equal(render_cert_pdf(&v, &b, &e), DIP_EINVAL);
	assert_string_equal(e.field, "scenario");
	assert_non_null(strstr(e.message, "utf-8"));
	/* a character no installed font has (Egyptian hieroglyph A001) */
	v = sample();
	v.dataset_name = "\xf0\x93\x80\x80数据集合";
	assert_int_equal(render_cert_pdf(&v, &b, &e), DIP_EINVAL);
	assert_string_equal(e.field, "dataset_name");
	assert_non_null(strstr(e.message, "no installed font"));
	assert_int_equal(b.len, 0);
	assert_int_equal(render_cert_png(&v, 10, &b, &e), DIP_EINVAL);
	assert_string_equal(e.field, "dpi");
	dbuf_free(&b);
}

static void test_output_ceiling_restores_buffer(void **state)
{
	struct cert_view v = sample();
	struct dip_error e;
	struct dbuf b;

	(void)state;
	dbuf_init(&b, 20000);
	assert_int_equal(dbuf_adds(&b, "head"), 0);
	assert_int_equal(render_cert_pdf(&v, &b, &e), DIP_ELIMIT);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.p, "head");
	assert_int_equal(render_cert_png(&v, 72, &b, &e), DIP_ELIMIT);
	assert_string_equal(b.p, "head");
	dbuf_free(&b);
}

/* ---- PNG, SVG ------------------------------------------------------- */

/* DIP_SAMPLE_PNG=docs/certificate-sample.png build/test/test_render
 * writes the sample certificate there (two holders, 96 dpi). */
static void write_sample_png(const char *path)
{
	struct cert_view v = sample();
	struct dip_error e;
	struct dbuf b;
	FILE *f;

	v.holders = three_holders;
	v.n_holders = 2;
	dbuf_init(&b, 0);
	assert_int_equal(render_cert_png(&v, 96, &b, &e), 0);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b.p, 1, b.len, f), b.len);
	assert_int_equal(fclose(f), 0);
	dbuf_free(&b);
}

static void test_certificate_png(void **state)
{
	struct cert_view v = sample();
	struct dip_error e;
	char path[300], *got;
	struct dbuf b;
	const unsigned char *p;

	(void)state;
	dbuf_init(&b, 0);
	assert_int_equal(render_cert_png(&v, 100, &b, &e), 0);
	p = (const unsigned char *)b.p;
	assert_memory_equal(p, "\x89PNG\r\n\x1a\n", 8);
	/* IHDR: width and height, big-endian, at bytes 16 and 20 */
	assert_int_equal((p[16] << 24) | (p[17] << 16) | (p[18] << 8) | p[19], 827);
	assert_int_equal((p[20] << 24) | (p[21] << 16) | (p[22] << 8) | p[23], 1170);
	save("cert.png", &b, path, sizeof(path));
	got = run("zbarimg --nodbus --raw -q '%s'", path);
	assert_string_equal(got, URL "\n");
	free(got);
	dbuf_free(&b);
	if (getenv("DIP_SAMPLE_PNG"))
		write_sample_png(getenv("DIP_SAMPLE_PNG"));
}

/* Rasterises our own SVG (paths of "Mx yhWv1h-Wz" rectangles) into a PGM
 * at 6 pixels per module, so that zbar reads what a browser would draw. */
static void svg_to_pgm(const char *svg, const char *path)
{
	const char *d = strstr(svg, " d=\""), *vb = strstr(svg, "viewBox=\"0 0 ");
	int n, x, y, w, px, py, scale = 6, used;
	unsigned char *img;
	FILE *f;

	assert_non_null(d);
	assert_non_null(vb);
	assert_int_equal(sscanf(vb, "viewBox=\"0 0 %d", &n), 1);
	img = malloc((size_t)(n * scale) * (size_t)(n * scale));
	assert_non_null(img);
	memset(img, 255, (size_t)(n * scale) * (size_t)(n * scale));
	for (d += 4; *d == 'M'; d += used) {
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%*dz%n", &x, &y, &w, &used), 3);
		assert_true(x >= 4 && y >= 4 && x + w <= n - 4 && y < n - 4); /* quiet zone */
		for (py = y * scale; py < (y + 1) * scale; py++)
			for (px = x * scale; px < (x + w) * scale; px++)
				img[py * n * scale + px] = 0;
	}
	assert_int_equal(*d, '"');
	f = fopen(path, "wb");
	assert_non_null(f);
	fprintf(f, "P5\n%d %d\n255\n", n * scale, n * scale);
	assert_int_equal(fwrite(img, 1, (size_t)(n * scale) * (size_t)(n * scale), f),
			 (size_t)(n * scale) * (size_t)(n * scale));
	fclose(f);
	free(img);
}

static void test_qr_svg_scans(void **state)
{
	struct dip_error e;
	char path[300], *got;
	struct dbuf b;

	(void)state;
	dbuf_init(&b, 0);
	assert_int_equal(render_qr_svg(URL, &b, &e), 0);
	assert_memory_equal(b.p, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39);
	assert_non_null(strstr(b.p, "shape-rendering=\"crispEdges\""));
	assert_non_null(strstr(b.p, "</svg>"));
	snprintf(path, sizeof(path), "%s/qr.pgm", tmpdir);
	svg_to_pgm(b.p, path);
	got = run("zbarimg --nodbus --raw -q '%s'", path);
	assert_string_equal(got, URL "\n");
	free(got);

	/* errors leave the buffer as it was */
	dbuf_reset(&b);
	assert_int_equal(render_qr_svg("", &b, &e), DIP_EINVAL);
	assert_int_equal(b.len, 0);
	{
		char big[RENDER_URL_MAX + 2];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(render_qr_svg(big, &b, &e), DIP_ELIMIT);
	}
	dbuf_free(&b);
	dbuf_init(&b, 100);
	assert_int_equal(render_qr_svg(URL, &b, &e), DIP_ELIMIT);
	assert_int_equal(b.len, 0);
	dbuf_free(&b);
}

/* ---- speed and threads ---------------------------------------------- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_render_time(void **state)
{
	struct cert_view v = sample();
	struct dip_error e;
	struct dbuf b;
	double t0, cold, warm;
	int i, n = 20;

	(void)state;
	dbuf_init(&b, 0);
	t0 = now_ms();
	assert_int_equal(render_init(&e), 0);
	cold = now_ms() - t0;
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		dbuf_reset(&b);
		assert_int_equal(render_cert_pdf(&v, &b, &e), 0);
	}
	warm = (now_ms() - t0) / n;
	print_message("render: render_init %.1f ms (fonts already loaded by earlier tests), "
		      "%.1f ms per certificate PDF (%zu bytes)\n", cold, warm, b.len);
	/* generous: a busy CI machine (or a sanitizer build) must not fail this */
#ifdef __SANITIZE_ADDRESS__
	assert_true(warm < 20000);
#else
	assert_true(warm < 1000);
#endif
	dbuf_free(&b);
}

struct job {
	int rc;
	size_t len;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	struct cert_view v = sample();
	struct dip_error e;
	struct dbuf b;
	int i;

	dbuf_init(&b, 0);
	for (i = 0; i < 3 && j->rc == 0; i++) {
		dbuf_reset(&b);
		j->rc = render_cert_pdf(&v, &b, &e);
		if (j->rc == 0)
			j->rc = render_qr_svg(URL, &b, &e);
	}
	j->len = b.len;
	dbuf_free(&b);
	return NULL;
}

static void test_render_from_threads(void **state)
{
	pthread_t th[4];
	struct job jobs[4];
	char path[300], *text;
	struct dbuf b;
	int i;

	(void)state;
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(jobs[i].rc, 0);
		assert_int_equal(jobs[i].len, jobs[0].len);
	}
	/* and the main thread still renders a good page afterwards */
	{
		struct cert_view v = sample();

		b = render_ok(&v);
	}
	save("after-threads.pdf", &b, path, sizeof(path));
	text = pdf_text(path);
	assert_has(text, "数据知识产权登记证书");
	free(text);
	dbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_art12_certificate_pdf_has_every_field),
		cmocka_unit_test(test_art12_three_holders_and_long_texts_fit_one_page),
		cmocka_unit_test(test_art6_many_joint_holders_are_summarised),
		cmocka_unit_test(test_art18_cancelled_certificate_shows_banner),
		cmocka_unit_test(test_missing_field_is_named),
		cmocka_unit_test(test_malformed_fields_are_named),
		cmocka_unit_test(test_output_ceiling_restores_buffer),
		cmocka_unit_test(test_certificate_png),
		cmocka_unit_test(test_qr_svg_scans),
		cmocka_unit_test(test_render_time),
		cmocka_unit_test(test_render_from_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
