/*
 * cmd_witness.c - "dipreg witness": an independent party watching a
 * registry's transparency log (DESIGN.md §4).
 *
 * Each round fetches URL/log/checkpoint, verifies the log's signature with
 * the configured log key(s), and decides with ledger/witness.c whether the
 * new checkpoint extends the one accepted last, which it keeps in
 * DIR/checkpoint: the consistency proof is computed here from the log's
 * tiles (URL/log/tile/...), never taken from the log's JSON.  When the
 * tree only grew, the new checkpoint replaces the stored one (atomically,
 * before anything is signed), and the witness cosigns it (C2SP
 * tlog-cosignature), prints the cosignature line on stdout and, with
 * --submit, posts it to URL/api/log/cosignatures.
 *
 * A bad signature, a tree that shrank, or another root at an accepted size
 * or a tree that is not consistent with the accepted one (a fork or a
 * rewrite) stop the witness with status 1 and a one-line message: those
 * are what a witness exists to report.  Network and HTTP failures end a
 * --once run with status 1 too, but a polling witness reports them and
 * tries again at the next round.
 */
#include "cli/cli.h"
#include "cli/common.h"
#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "ledger/note.h"
#include "ledger/tiles.h"
#include "ledger/witness.h"
#include "util/b64.h"
#include "util/file.h"
#include "util/http_client.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define WITNESS_USAGE                                                                          \
	"dipreg witness --log URL --key WITNESS_KEY --log-key VKEY... --state DIR [--submit]\n" \
	"               [--once | --interval SECONDS [--rounds N]] [--timeout SECONDS]\n"       \
	"               [--name NAME] [--origin ORIGIN]"
#define MAX_LOG_KEYS 16
/* A round that lost the race to a newer checkpoint starts over this often. */
#define CONFLICT_RETRIES 3

struct witness {
	struct httpc_url url;
	const char *log_url;
	struct led_verifier *log_keys[MAX_LOG_KEYS];
	size_t nlog;
	struct led_signer *signer;
	struct led_verifier *self; /* the signer's public half */
	const char *origin;
	char state_path[4096];
	int submit;
	int timeout_ms;
	struct dip_error fetch_err; /* why the last tile fetch failed */
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* ---- keys ---- */

/* The witness's signing key: a PEM private key (from dipreg keygen
 * --witness) whose name comes from --name or from the verifier key file
 * keygen wrote beside it (NAME-witness.vkey next to NAME-witness.key), or
 * a "PRIVATE+KEY+..." string in a file. */
static int load_signer(const char *path, const char *name, struct led_signer **out,
		       struct dip_error *e)
{
	struct crypto_key *key = NULL;
	struct led_verifier *v = NULL;
	struct dbuf mine;
	char *text = NULL, *vtext = NULL, vpath[4096], *p;
	size_t len, plen = strlen(path);
	int rc;

	*out = NULL;
	dbuf_init(&mine, 4096);
	rc = file_read(path, 64 * 1024, &text, &len, e);
	if (rc)
		goto out;
	if (strncmp(text, "PRIVATE+KEY+", 12) == 0) {
		text[strcspn(text, "\r\n")] = '\0';
		rc = led_signer_parse(text, out, e);
		if (rc == 0 && (*out)->type != LED_SIG_COSIG_V1)
			rc = dip_fail(e, DIP_EINVAL, "key",
				      "%s: not a witness key (type 0x04; make one with dipreg keygen --witness)",
				      path);
		if (rc == 0 && name && strcmp(name, (*out)->name) != 0)
			rc = dip_fail(e, DIP_EINVAL, "name", "--name %s differs from the key's name %s",
				      name, (*out)->name);
		goto out;
	}
	rc = crypto_key_from_pem(text, len, &key, e);
	if (rc)
		goto out;
	if (!crypto_key_has_private(key) || crypto_key_type(key) != CRYPTO_KEY_ED25519) {
		rc = dip_fail(e, DIP_EINVAL, "key", "%s: want the witness's Ed25519 private key", path);
		goto out;
	}
	if (name == NULL) {
		if (plen > 4 && strcmp(path + plen - 4, ".key") == 0)
			snprintf(vpath, sizeof(vpath), "%.*s.vkey", (int)(plen - 4), path);
		else
			snprintf(vpath, sizeof(vpath), "%s.vkey", path);
		if (file_read(vpath, 4096, &vtext, &len, NULL) != 0) {
			rc = dip_fail(e, DIP_EINVAL, "name",
				      "--name: the witness's key name is needed (no %s to read it from)",
				      vpath);
			goto out;
		}
		vtext[strcspn(vtext, "\r\n")] = '\0';
		for (p = vtext + strlen(vtext); p > vtext && p[-1] == ' '; p--)
			p[-1] = '\0';
		rc = led_verifier_parse(vtext, &v, e);
		if (rc)
			goto out;
		if (v->type != LED_SIG_COSIG_V1) {
			rc = dip_fail(e, DIP_EINVAL, "key",
				      "%s: not a witness key (type 0x04; make one with dipreg keygen --witness)",
				      vpath);
			goto out;
		}
		name = v->name;
	}
	rc = led_signer_new(name, LED_SIG_COSIG_V1, key, out, e);
	key = NULL; /* taken over, also on failure */
	if (rc)
		goto out;
	if (vtext && (led_signer_vkey(*out, &mine) != 0 || strcmp(mine.p, vtext) != 0))
		rc = dip_fail(e, DIP_EINVAL, "key", "%s and %s are not the same key", path, vpath);
out:
	if (rc && *out) {
		led_signer_free(*out);
		*out = NULL;
	}
	crypto_key_free(key);
	led_verifier_free(v);
	dbuf_free(&mine);
	free(text);
	free(vtext);
	return rc;
}

/* ---- talking to the log ---- */

/* A GET or POST to the log; the HTTP status goes to *status. */
static int log_request(struct witness *w, const char *method, const char *path, const char *json,
		       size_t max_body, int *status, struct dbuf *body, struct dip_error *e)
{
	struct httpc_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.method = method;
	rq.path = path;
	rq.timeout_ms = w->timeout_ms;
	rq.max_body = max_body;
	if (json) {
		rq.content_type = "application/json";
		rq.body = json;
		rq.body_len = strlen(json);
	}
	return httpc_do(&w->url, &rq, status, body, e);
}

/* The message of a dipreg API error body, or a stand-in; returns 1 when
 * the error's code is code. */
static int api_message(const struct dbuf *body, const char *code, char *out, size_t cap)
{
	json_t *j = body->p ? json_loadb(body->p, body->len, 0, NULL) : NULL;
	json_t *err = json_object_get(j, "error");
	const char *m = json_string_value(json_object_get(err, "message"));
	const char *c = json_string_value(json_object_get(err, "code"));
	int is = c && code && strcmp(c, code) == 0;

	snprintf(out, cap, "%.300s", m ? m : "no error message");
	json_decref(j);
	return is;
}

static int fetch_tile(void *ud, const char *path, struct dbuf *out)
{
	struct witness *w = ud;
	struct dbuf body;
	char p[LED_TILE_PATH_MAX + 8];
	int status = 0, rc;

	snprintf(p, sizeof(p), "/log/%s", path);
	rc = log_request(w, "GET", p, NULL, (size_t)LED_TILE_WIDTH * LED_HASH_LEN, &status, &body,
			 &w->fetch_err);
	if (rc == 0 && status != 200)
		rc = dip_fail(&w->fetch_err, status == 404 ? DIP_ENOTFOUND : DIP_EIO, "tiles",
			      "GET %s%s: HTTP %d", w->log_url, p, status);
	if (rc == 0)
		rc = dbuf_add(out, body.p ? body.p : "", body.len);
	dbuf_free(&body);
	return rc;
}

/* ---- the stored checkpoint ---- */

/* Loads DIR/checkpoint into *prev; *have is 0 when there is none yet. */
static int load_state(struct witness *w, struct led_checkpoint *prev, int *have, struct dip_error *e)
{
	struct dip_error sub;
	struct led_note n;
	char *text = NULL;
	size_t len;
	int rc;

	*have = 0;
	if (access(w->state_path, F_OK) != 0 && errno == ENOENT)
		return 0;
	rc = file_read(w->state_path, LED_NOTE_MAX, &text, &len, e);
	if (rc)
		return rc;
	memset(&n, 0, sizeof(n));
	rc = led_note_parse(text, len, &n, &sub);
	if (rc == 0)
		rc = led_checkpoint_parse(n.text, n.text_len, prev, &sub);
	led_note_release(&n);
	free(text);
	if (rc)
		return dip_fail(e, rc, "state", "%s is damaged (%s); restore it from a backup",
				w->state_path, sub.message);
	*have = 1;
	return 0;
}

/* ---- one round ---- */

enum outcome { ROUND_OK, ROUND_RETRY, ROUND_CONFLICT, ROUND_FATAL };

static enum outcome round_fail(enum outcome o, struct dip_error *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum outcome round_fail(enum outcome o, struct dip_error *e, const char *fmt, ...)
{
	va_list ap;

	e->code = o == ROUND_FATAL ? DIP_ECRYPTO : DIP_EIO;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return o;
}

static enum outcome witness_round(struct witness *w, struct dip_error *e)
{
	struct led_checkpoint cp, prev;
	struct led_tile_fetch fetch = { fetch_tile, w };
	struct led_tile_io io;
	struct led_tiles *tiles = NULL;
	enum led_witness_verdict verdict;
	struct dip_error sub;
	struct dbuf note, signed_note, body;
	struct led_note parsed;
	char msg[400], root[B64_ENCODED_LEN(LED_HASH_LEN) + 1];
	const char *line;
	char *post = NULL;
	json_t *j;
	unsigned mine = 0;
	int have_prev = 0, status = 0, rc;
	enum outcome o = ROUND_OK;

	dbuf_init(&note, LED_NOTE_MAX);
	dbuf_init(&signed_note, LED_NOTE_MAX);
	dbuf_init(&body, 0);
	memset(&parsed, 0, sizeof(parsed));
	dip_error_clear(&sub);

	rc = log_request(w, "GET", "/log/checkpoint", NULL, LED_NOTE_MAX, &status, &note, &sub);
	if (rc) {
		o = round_fail(ROUND_RETRY, e, "%s", sub.message);
		goto out;
	}
	if (status != 200) {
		api_message(&note, NULL, msg, sizeof(msg));
		o = round_fail(ROUND_RETRY, e, "GET %s/log/checkpoint: HTTP %d%s%s", w->log_url, status,
			       status == 404 ? " (the log has no checkpoint yet): " : ": ", msg);
		goto out;
	}
	rc = led_checkpoint_open(note.p, note.len, w->log_keys, w->nlog, NULL, 0, 0, &cp, NULL, &sub);
	if (rc == DIP_ECRYPTO) {
		o = round_fail(ROUND_FATAL, e, "checkpoint from %s: bad signature: %s", w->log_url,
			       sub.message);
		goto out;
	}
	if (rc) {
		o = round_fail(ROUND_RETRY, e, "checkpoint from %s is malformed: %s", w->log_url,
			       sub.message);
		goto out;
	}
	if (strcmp(cp.origin, w->origin) != 0) {
		o = round_fail(ROUND_FATAL, e,
			       "checkpoint from %s is for the log \"%.200s\", not \"%.200s\" (--origin)",
			       w->log_url, cp.origin, w->origin);
		goto out;
	}
	rc = load_state(w, &prev, &have_prev, &sub);
	if (rc) {
		o = round_fail(ROUND_FATAL, e, "state: %s", sub.message);
		goto out;
	}

	/* Consistency, from tiles this witness reads itself. */
	led_tile_io_from_fetch(&io, &fetch);
	dip_error_clear(&w->fetch_err);
	if (led_tiles_new(&io, (size_t)8 << 20, &tiles) != 0) {
		o = round_fail(ROUND_RETRY, e, "out of memory");
		goto out;
	}
	rc = led_witness_check(have_prev ? &prev : NULL, &cp, tiles, &verdict, &sub);
	if (rc && verdict == LED_WITNESS_UNAVAILABLE) {
		o = round_fail(ROUND_RETRY, e, "%s: %s", sub.message,
			       w->fetch_err.code ? w->fetch_err.message : "a tile has the wrong size");
		goto out;
	}
	if (rc) {
		o = round_fail(ROUND_FATAL, e, "will not cosign %s: %s", cp.origin, sub.message);
		goto out;
	}

	/* Remember the new tree before signing anything for it: a witness
	 * never cosigns a tree smaller than one it already vouched for. */
	if (!have_prev || prev.size != cp.size) {
		rc = file_write_atomic(w->state_path, note.p, note.len, &sub);
		if (rc) {
			o = round_fail(ROUND_RETRY, e, "state: %s", sub.message);
			goto out;
		}
	}

	rc = led_cosign(note.p, note.len, w->signer, (uint64_t)time(NULL), &signed_note, &sub);
	if (rc || signed_note.len <= note.len || memcmp(signed_note.p, note.p, note.len) != 0) {
		o = round_fail(ROUND_RETRY, e, "cosigning failed: %s",
			       rc ? sub.message : "unexpected note layout");
		goto out;
	}
	line = signed_note.p + note.len;
	fputs(line, stdout);
	fflush(stdout);

	/* Already cosigned by this witness (an unchanged tree seen again)? */
	if (led_note_parse(note.p, note.len, &parsed, NULL) == 0)
		led_cosig_quorum(&parsed, &w->self, 1, 0, &mine, NULL, NULL);
	b64_encode_to(root, cp.root, LED_HASH_LEN);
	if (!have_prev)
		snprintf(msg, sizeof(msg), "first checkpoint seen; its tiles lead to its root");
	else if (prev.size == cp.size)
		snprintf(msg, sizeof(msg), "the tree accepted before");
	else
		snprintf(msg, sizeof(msg), "consistent with the accepted tree of size %llu",
			 (unsigned long long)prev.size);
	if (w->submit && mine == 0) {
		j = json_pack("{s:I,s:s}", "size", (json_int_t)cp.size, "cosignature", line);
		post = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (post == NULL) {
			o = round_fail(ROUND_RETRY, e, "out of memory");
			goto out;
		}
		rc = log_request(w, "POST", "/api/log/cosignatures", post, LED_NOTE_MAX, &status,
				 &body, &sub);
		if (rc) {
			o = round_fail(ROUND_RETRY, e, "%s", sub.message);
			goto out;
		}
		if (status == 409 && api_message(&body, "conflict", msg, sizeof(msg))) {
			/* The sequencer signed a newer checkpoint meanwhile. */
			o = round_fail(ROUND_CONFLICT, e, "POST %s/api/log/cosignatures: %s", w->log_url,
				       msg);
			goto out;
		}
		if (status != 200) {
			api_message(&body, NULL, msg, sizeof(msg));
			o = round_fail(ROUND_RETRY, e, "POST %s/api/log/cosignatures: HTTP %d: %s",
				       w->log_url, status, msg);
			goto out;
		}
	}
	fprintf(stderr, "dipreg: witness: cosigned %s at tree size %llu, root %s (%s)%s\n",
		cp.origin, (unsigned long long)cp.size, root, msg,
		!w->submit ? ""
		: mine	   ? "; the log already has this witness's cosignature"
			   : "; submitted to the log");
out:
	free(post);
	led_note_release(&parsed);
	if (tiles)
		led_tiles_free(tiles);
	dbuf_free(&note);
	dbuf_free(&signed_note);
	dbuf_free(&body);
	return o;
}

/* ---- the command ---- */

static int lock_state(const char *dir, int *fd, struct dip_error *e)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/lock", dir);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return dip_fail(e, DIP_EIO, "state", "%s: %s", path, strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0)
		return dip_fail(e, DIP_ECONFLICT, "state",
				"another dipreg witness is using --state %s", dir);
	return 0;
}

static void pause_for(long seconds)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	long i;

	for (i = 0; i < seconds * 5 && !stop_requested; i++)
		nanosleep(&ts, NULL);
}

int cli_witness(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "key", required_argument, NULL, 'k' },
		{ "name", required_argument, NULL, 'n' },
		{ "log-key", required_argument, NULL, 'K' },
		{ "origin", required_argument, NULL, 'O' },
		{ "state", required_argument, NULL, 's' },
		{ "submit", no_argument, NULL, 'S' },
		{ "once", no_argument, NULL, '1' },
		{ "interval", required_argument, NULL, 'i' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct witness w;
	struct dip_error e;
	struct sigaction sa;
	struct dbuf vkey;
	const char *key = NULL, *name = NULL, *state = NULL;
	long interval = 60, rounds = 0, timeout = 10, round, attempt;
	int c, once = 0, lockfd = -1, status = 1;
	size_t i;
	enum outcome o = ROUND_OK;

	memset(&w, 0, sizeof(w));
	dbuf_init(&vkey, 4096);
	dip_error_clear(&e);
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': w.log_url = optarg; break;
		case 'k': key = optarg; break;
		case 'n': name = optarg; break;
		case 'O': w.origin = optarg; break;
		case 's': state = optarg; break;
		case 'S': w.submit = 1; break;
		case '1': once = 1; break;
		case 'K':
			if (w.nlog == MAX_LOG_KEYS) {
				status = cli_fail("witness: --log-key: at most %d keys", MAX_LOG_KEYS);
				goto out;
			}
			if (cli_load_vkey(optarg, &w.log_keys[w.nlog], &e) != 0) {
				status = cli_fail("witness: --log-key: %s", e.message);
				goto out;
			}
			if (w.log_keys[w.nlog++]->type == LED_SIG_COSIG_V1) {
				status = cli_fail("witness: --log-key: %s is a witness key, not the log's",
						  optarg);
				goto out;
			}
			break;
		case 'i':
			if (cli_long(optarg, 1, 86400, &interval)) {
				status = cli_fail("witness: --interval: 1 to 86400 seconds");
				goto out;
			}
			break;
		case 'r':
			if (cli_long(optarg, 1, 1000000000L, &rounds)) {
				status = cli_fail("witness: --rounds: 1 to 1000000000");
				goto out;
			}
			break;
		case 't':
			if (cli_long(optarg, 1, 300, &timeout)) {
				status = cli_fail("witness: --timeout: 1 to 300 seconds");
				goto out;
			}
			break;
		default: status = cli_usage(WITNESS_USAGE); goto out;
		}
	}
	if (optind != argc || w.log_url == NULL || key == NULL || state == NULL || w.nlog == 0) {
		status = cli_usage(WITNESS_USAGE);
		goto out;
	}
	if (httpc_url_parse(w.log_url, &w.url, &e) != 0) {
		status = cli_fail("witness: --log: %s", e.message);
		goto out;
	}
	if (load_signer(key, name, &w.signer, &e) != 0) {
		status = cli_fail("witness: --key: %s", e.message);
		goto out;
	}
	if (led_signer_vkey(w.signer, &vkey) != 0 || led_verifier_parse(vkey.p, &w.self, &e) != 0) {
		status = cli_fail("witness: --key: unusable key");
		goto out;
	}
	/* dipreg names its log key after the log's origin. */
	if (w.origin == NULL)
		w.origin = w.log_keys[0]->name;
	if (file_mkdirs(state, &e) != 0 || lock_state(state, &lockfd, &e) != 0) {
		status = cli_fail("witness: --state: %s", e.message);
		goto out;
	}
	snprintf(w.state_path, sizeof(w.state_path), "%s/checkpoint", state);
	w.timeout_ms = (int)timeout * 1000;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	for (round = 1; !stop_requested; round++) {
		for (attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
			o = witness_round(&w, &e);
			if (o != ROUND_CONFLICT)
				break;
		}
		if (o == ROUND_FATAL) {
			status = cli_fail("witness: %s", e.message);
			goto out;
		}
		if (o != ROUND_OK && (once || (rounds && round >= rounds))) {
			status = cli_fail("witness: %s", e.message);
			goto out;
		}
		if (o != ROUND_OK)
			fprintf(stderr, "dipreg: witness: %s (next try in %ld s)\n", e.message, interval);
		if (once || (rounds && round >= rounds))
			break;
		pause_for(interval);
	}
	status = 0;
out:
	if (lockfd >= 0)
		close(lockfd);
	for (i = 0; i < w.nlog; i++)
		led_verifier_free(w.log_keys[i]);
	led_signer_free(w.signer);
	led_verifier_free(w.self);
	dbuf_free(&vkey);
	return status;
}
