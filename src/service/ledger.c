/*
 * ledger.c - keys, the sequencer and the read side of the transparency log.
 */
#include "service/ledger.h"
#include "service/internal.h"
#include "crypto/hash.h"
#include "crypto/sign.h"
#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "ledger/certificate.h"
#include "ledger/receipt.h"
#include "util/b64.h"
#include "util/file.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The tile cache is shared by all threads, but each thread reads tiles
 * through its own store connection: the I/O callbacks use this one. */
static _Thread_local struct store *tl_store;

static int tile_read(void *ud, int level, uint64_t index, unsigned width, uint8_t *hashes)
{
	(void)ud;
	if (tl_store == NULL)
		return DIP_EDB;
	/* A partial tile may since have been completed: the full one begins
	 * with the same hashes. */
	if (tl_store->tile_get(tl_store, level, (int64_t)index, (int)width, hashes) == 0)
		return 0;
	if (width < LED_TILE_WIDTH) {
		uint8_t full[LED_TILE_WIDTH * LED_HASH_LEN];

		if (tl_store->tile_get(tl_store, level, (int64_t)index, LED_TILE_WIDTH, full) == 0) {
			memcpy(hashes, full, (size_t)width * LED_HASH_LEN);
			return 0;
		}
	}
	return DIP_ENOTFOUND;
}

static int tile_write(void *ud, int level, uint64_t index, unsigned width, const uint8_t *hashes)
{
	(void)ud;
	if (tl_store == NULL)
		return DIP_EDB;
	return tl_store->tile_put(tl_store, level, (int64_t)index, (int)width, hashes);
}

static int load_or_create(const char *path, enum crypto_key_type type, struct crypto_key **key,
			  struct dip_error *e)
{
	struct stat sb;
	char dir[1024], *slash;
	int rc;

	if (stat(path, &sb) == 0)
		return crypto_key_load(path, key, e);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		rc = file_mkdirs(dir, e);
		if (rc)
			return rc;
	}
	rc = crypto_key_generate(type, key);
	if (rc)
		return dip_fail(e, rc, "key", "could not generate a signing key");
	rc = crypto_key_save_private(*key, path, e);
	if (rc == 0)
		log_event(LOG_WARN, "log_key_created", "path", path, "type",
			  crypto_key_type_name(type), "hint", "back this key up: it signs every checkpoint",
			  NULL);
	return rc;
}

static int add_signer(struct ledger_keys *k, const char *origin, const char *path,
		      enum crypto_key_type type, struct dip_error *e)
{
	struct crypto_key *key = NULL, *pub = NULL;
	struct led_signer *s = NULL;
	struct led_verifier *ver = NULL;
	uint8_t raw[CRYPTO_PUBKEY_MAX];
	size_t len;
	int rc;

	rc = load_or_create(path, type, &key, e);
	if (rc)
		return rc;
	rc = crypto_key_raw_public(key, raw, &len);
	if (rc == 0)
		rc = crypto_key_from_raw_public(type, raw, len, &pub);
	if (rc) {
		crypto_key_free(key);
		return dip_fail(e, DIP_ECRYPTO, "key", "%s: unusable key", path);
	}
	rc = led_signer_new(origin, type == CRYPTO_KEY_SM2 ? LED_SIG_SM2 : LED_SIG_ED25519, key, &s, e);
	if (rc) {
		crypto_key_free(pub);
		return rc;
	}
	rc = led_verifier_new(origin, type == CRYPTO_KEY_SM2 ? LED_SIG_SM2 : LED_SIG_ED25519, pub,
			      &ver, e);
	if (rc) {
		led_signer_free(s);
		return rc;
	}
	k->signers[k->nsigners++] = s;
	k->verifiers[k->nverifiers++] = ver;
	return 0;
}

int ledger_open(struct registry *r, const struct ledger_key_opts *o, struct dip_error *e)
{
	struct ledger_keys *k = calloc(1, sizeof(*k));
	struct led_tile_io io = { tile_read, tile_write, NULL };
	const char *const *p;
	struct led_verifier *ver;
	int rc;

	if (k == NULL)
		return dip_fail(e, DIP_ENOMEM, "", "out of memory");
	pthread_mutex_init(&k->seq_lock, NULL);
	r->keys = k;
	rc = add_signer(k, r->origin, o->key, CRYPTO_KEY_ED25519, e);
	if (rc == 0 && o->sm2_key)
		rc = add_signer(k, r->origin, o->sm2_key, CRYPTO_KEY_SM2, e);
	for (p = o->old_vkeys; rc == 0 && p && *p; p++) {
		if (k->nverifiers >= sizeof(k->verifiers) / sizeof(k->verifiers[0]))
			rc = dip_fail(e, DIP_ELIMIT, "old_keys", "at most %d retired keys",
				      LEDGER_MAX_OLD_KEYS);
		else if ((rc = led_verifier_parse(*p, &ver, e)) == 0)
			k->verifiers[k->nverifiers++] = ver;
	}
	for (p = o->witnesses; rc == 0 && p && *p; p++) {
		if (k->nwitnesses >= LEDGER_MAX_WITNESSES)
			rc = dip_fail(e, DIP_ELIMIT, "witness", "at most %d witnesses",
				      LEDGER_MAX_WITNESSES);
		else if ((rc = led_verifier_parse(*p, &ver, e)) == 0)
			k->witnesses[k->nwitnesses++] = ver;
	}
	k->quorum = o->quorum;
	if (rc == 0 && k->quorum > k->nwitnesses)
		rc = dip_fail(e, DIP_EINVAL, "quorum", "quorum %u needs as many witness keys",
			      k->quorum);
	if (rc == 0)
		rc = led_tiles_new(&io, o->cache_bytes ? o->cache_bytes : (size_t)64 << 20, &k->tiles);
	if (rc)
		ledger_close(r);
	return rc;
}

void ledger_close(struct registry *r)
{
	struct ledger_keys *k = r->keys;
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->nsigners; i++)
		led_signer_free(k->signers[i]);
	for (i = 0; i < k->nverifiers; i++)
		led_verifier_free(k->verifiers[i]);
	for (i = 0; i < k->nwitnesses; i++)
		led_verifier_free(k->witnesses[i]);
	if (k->tiles)
		led_tiles_free(k->tiles);
	pthread_mutex_destroy(&k->seq_lock);
	free(k);
	r->keys = NULL;
}

int ledger_vkeys(const struct registry *r, struct dbuf *out)
{
	size_t i;
	int rc = 0;

	for (i = 0; r->keys && rc == 0 && i < r->keys->nverifiers; i++) {
		rc = led_verifier_vkey(r->keys->verifiers[i], out);
		if (rc == 0)
			rc = dbuf_addc(out, '\n');
	}
	return rc;
}

static int need_keys(struct svc *v, struct dip_error *e)
{
	if (v->reg->keys == NULL)
		return dip_fail(e, DIP_ESTATE, "", "this registry runs without a log key");
	tl_store = v->st;
	return 0;
}

/* The sequencer.  One runs at a time: across the threads of a server by
 * the process's mutex, across servers sharing a database by the store's
 * "sequencer" lock, held to the end of the transaction that signs; the
 * next one then reads the checkpoint that one wrote.  wait = 0 leaves the
 * work to a sequencer found at work (*busy = 1). */
static int integrate(struct svc *v, dip_time now, int wait, int64_t *size, int *busy,
		     struct dip_error *e)
{
	struct ledger_keys *k = v->reg->keys;
	struct checkpoint_row cp, row;
	struct led_checkpoint c;
	struct dbuf entry, note;
	led_hash *leaves = NULL;
	int64_t n = 0, m = 0, i;
	int rc, got = 0;

	rc = need_keys(v, e);
	if (rc)
		return rc;
	memset(&cp, 0, sizeof(cp));
	dbuf_init(&entry, LED_ENTRY_MAX);
	dbuf_init(&note, LED_NOTE_MAX);
	/* The transaction first, then the lock: a batch of write requests
	 * (store.h) holds the database's write lock from one request to the
	 * next, so taking them the other way round could deadlock. */
	rc = svc__begin(v, e);
	if (rc)
		goto done;
	if (wait) {
		pthread_mutex_lock(&k->seq_lock);
	} else if (pthread_mutex_trylock(&k->seq_lock) != 0) {
		*busy = 1;
		svc__rollback(v);
		goto done;
	}
	rc = svc__st(v, v->st->tx_lock(v->st, "sequencer", wait, &got), e);
	if (rc == 0 && !got) {
		*busy = 1;
		goto out;
	}
	if (rc == 0)
		rc = svc__st(v, v->st->ledger_size(v->st, &n), e);
	if (rc == 0 && v->st->checkpoint_latest(v->st, &cp) == 0)
		m = cp.size;
	if (rc || n == m)
		goto out;
	leaves = malloc((size_t)(n - m) * sizeof(*leaves));
	if (leaves == NULL) {
		rc = dip_fail(e, DIP_ENOMEM, "", "out of memory");
		goto out;
	}
	for (i = m; rc == 0 && i < n; i++) {
		rc = svc__st(v, v->st->ledger_entry(v->st, i, &entry), e);
		if (rc == 0)
			rc = led_hash_leaf(CRYPTO_SHA256, entry.p, entry.len, leaves[i - m]);
	}
	memset(&c, 0, sizeof(c));
	snprintf(c.origin, sizeof(c.origin), "%s", v->reg->origin);
	c.size = (uint64_t)n;
	if (rc == 0)
		rc = led_tiles_append(k->tiles, (uint64_t)m, (const led_hash *)leaves, (size_t)(n - m),
				      c.root);
	if (rc) {
		if (e && e->code == 0)
			dip_fail(e, rc, "", "log: could not extend the tree (%s)", dip_err_name(rc));
		goto out;
	}
	rc = led_checkpoint_sign(&c, k->signers, k->nsigners, (uint64_t)now, &note, e);
	if (rc)
		goto out;
	memset(&row, 0, sizeof(row));
	row.size = n;
	memcpy(row.root, c.root, LED_HASH_LEN);
	row.note = note.p;
	row.created_at = now;
	rc = svc__st(v, v->st->checkpoint_put(v->st, &row), e);
	m = n;
out:
	if (rc) {
		svc__rollback(v);
		led_tiles_cache_clear(k->tiles);
	} else {
		rc = svc__commit(v, e);
	}
	pthread_mutex_unlock(&k->seq_lock);
	if (rc == 0 && size)
		*size = m;
done:
	free(leaves);
	checkpoint_row_release(&cp);
	dbuf_free(&entry);
	dbuf_free(&note);
	return rc;
}

void svc_log_batch_lost(struct svc *v)
{
	if (v->reg->keys)
		led_tiles_cache_clear(v->reg->keys->tiles);
}

int svc_log_integrate(struct svc *v, dip_time now, int64_t *size, struct dip_error *e)
{
	int busy = 0;

	return integrate(v, now, 1, size, &busy, e);
}

int svc_log_integrate_if_idle(struct svc *v, dip_time now, int *busy, struct dip_error *e)
{
	*busy = 0;
	return integrate(v, now, 0, NULL, busy, e);
}

int svc_log_checkpoint(struct svc *v, struct dbuf *out, int64_t *size, struct dip_error *e)
{
	struct checkpoint_row cp;
	int rc = svc__st(v, v->st->begin(v->st, 0), e);

	if (rc)
		return rc;
	rc = svc__st(v, v->st->checkpoint_latest(v->st, &cp), e);
	v->st->rollback(v->st);
	if (rc)
		return rc;
	rc = dbuf_adds(out, cp.note);
	if (size)
		*size = cp.size;
	checkpoint_row_release(&cp);
	return rc;
}

/* The size of the latest checkpoint, inside an open transaction; 0 when
 * none was issued. */
static int64_t published(struct svc *v)
{
	struct checkpoint_row cp;
	int64_t n = 0;

	if (v->st->checkpoint_latest(v->st, &cp) == 0) {
		n = cp.size;
		checkpoint_row_release(&cp);
	}
	return n;
}

int svc_log_tile(struct svc *v, int level, uint64_t index, unsigned width, struct dbuf *out,
		 struct dip_error *e)
{
	uint8_t hashes[LED_TILE_WIDTH * LED_HASH_LEN];
	struct dbuf entry;
	uint64_t size, i, first;
	int rc;

	rc = need_keys(v, e);
	if (rc == 0)
		rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc)
		return rc;
	size = (uint64_t)published(v);
	/* Only tiles of the published tree exist for clients; a partial tile
	 * is served only at widths some checkpoint reached, which for our
	 * append-only log means any width up to the published one. */
	if (led_tile_width(size, level < 0 ? 0 : level, index) < width) {
		v->st->rollback(v->st);
		return dip_fail(e, DIP_ENOTFOUND, "", "no such tile");
	}
	if (level == LED_TILE_ENTRIES) {
		dbuf_init(&entry, LED_ENTRY_MAX);
		first = index * LED_TILE_WIDTH;
		for (i = 0; rc == 0 && i < width; i++) {
			rc = svc__st(v, v->st->ledger_entry(v->st, (int64_t)(first + i), &entry), e);
			if (rc == 0)
				rc = led_bundle_add(out, entry.p, entry.len);
		}
		dbuf_free(&entry);
	} else {
		rc = tile_read(NULL, level, index, width, hashes);
		if (rc == 0)
			rc = dbuf_add(out, hashes, (size_t)width * LED_HASH_LEN);
		else
			dip_fail(e, rc, "", "tile missing");
	}
	v->st->rollback(v->st);
	return rc;
}

int svc_log_entry_json(struct svc *v, int64_t index, json_t **out, struct dip_error *e)
{
	struct dbuf entry;
	uint8_t leaf[LED_HASH_LEN];
	char hex[LED_HASH_LEN * 2 + 1];
	json_t *j;
	int rc;

	dbuf_init(&entry, LED_ENTRY_MAX);
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc == 0)
		rc = svc__st(v, v->st->ledger_entry(v->st, index, &entry), e);
	v->st->rollback(v->st);
	if (rc == 0) {
		led_hash_leaf(CRYPTO_SHA256, entry.p, entry.len, leaf);
		hex_encode(hex, leaf, LED_HASH_LEN);
		hex[LED_HASH_LEN * 2] = '\0';
		j = json_loadb(entry.p, entry.len, 0, NULL);
		*out = json_pack("{s:I,s:s,s:o}", "index", (json_int_t)index, "leaf_hash", hex, "entry",
				 j ? j : json_null());
	}
	dbuf_free(&entry);
	return rc;
}

static json_t *proof_json(const led_hash *p, size_t n)
{
	json_t *arr = json_array();
	char b[64];
	size_t i;

	for (i = 0; i < n; i++) {
		b64_encode_to(b, p[i], LED_HASH_LEN);
		json_array_append_new(arr, json_string(b));
	}
	return arr;
}

/* Finds the index of the entry with leaf hash hex among the published
 * entries (newest first). */
static int find_leaf(struct svc *v, const char *hex, int64_t size, int64_t *index)
{
	uint8_t want[LED_HASH_LEN], leaf[LED_HASH_LEN];
	struct dbuf entry;
	int64_t i;
	int found = 0;

	if (strlen(hex) != 64 || hex_decode(hex, 64, want))
		return DIP_EINVAL;
	dbuf_init(&entry, LED_ENTRY_MAX);
	for (i = size - 1; i >= 0 && !found; i--) {
		if (v->st->ledger_entry(v->st, i, &entry))
			break;
		led_hash_leaf(CRYPTO_SHA256, entry.p, entry.len, leaf);
		if (memcmp(leaf, want, LED_HASH_LEN) == 0) {
			*index = i;
			found = 1;
		}
	}
	dbuf_free(&entry);
	return found ? 0 : DIP_ENOTFOUND;
}

int svc_log_inclusion_json(struct svc *v, int64_t index, const char *leaf_hex, int64_t size,
			   json_t **out, struct dip_error *e)
{
	led_hash proof[LED_PROOF_MAX];
	int64_t pub;
	size_t n = 0;
	int rc;

	rc = need_keys(v, e);
	if (rc == 0)
		rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc)
		return rc;
	pub = published(v);
	if (size <= 0)
		size = pub;
	if (size > pub) {
		rc = dip_fail(e, DIP_EINVAL, "size", "size: the log has published %lld entries",
			      (long long)pub);
		goto out;
	}
	if (index < 0 && leaf_hex) {
		rc = find_leaf(v, leaf_hex, size, &index);
		if (rc) {
			rc = dip_fail(e, rc, "leaf_hash", rc == DIP_EINVAL ? "leaf_hash: 64 hex digits"
							 : "leaf_hash: no such entry in the tree of size %lld",
				      (long long)size);
			goto out;
		}
	}
	if (index < 0 || index >= size) {
		rc = dip_fail(e, DIP_EINVAL, "index", "index: must be below the tree size %lld",
			      (long long)size);
		goto out;
	}
	rc = led_tiles_prove_inclusion(v->reg->keys->tiles, (uint64_t)index, (uint64_t)size, proof, &n);
	if (rc) {
		dip_fail(e, rc, "", "log: proof unavailable (%s)", dip_err_name(rc));
		goto out;
	}
	*out = json_pack("{s:I,s:I,s:o}", "index", (json_int_t)index, "tree_size", (json_int_t)size,
			 "inclusion_proof", proof_json((const led_hash *)proof, n));
out:
	v->st->rollback(v->st);
	return rc;
}

int svc_log_consistency_json(struct svc *v, int64_t from, int64_t to, json_t **out,
			     struct dip_error *e)
{
	led_hash proof[LED_PROOF_MAX];
	int64_t pub;
	size_t n = 0;
	int rc;

	rc = need_keys(v, e);
	if (rc == 0)
		rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc)
		return rc;
	pub = published(v);
	if (to <= 0)
		to = pub;
	if (from < 1 || from > to || to > pub) {
		rc = dip_fail(e, DIP_EINVAL, "from",
			      "from and to: 1 <= from <= to <= %lld (the published size)", (long long)pub);
		goto out;
	}
	rc = led_tiles_prove_consistency(v->reg->keys->tiles, (uint64_t)from, (uint64_t)to, proof, &n);
	if (rc) {
		dip_fail(e, rc, "", "log: proof unavailable (%s)", dip_err_name(rc));
		goto out;
	}
	*out = json_pack("{s:I,s:I,s:o}", "from", (json_int_t)from, "to", (json_int_t)to,
			 "consistency_proof", proof_json((const led_hash *)proof, n));
out:
	v->st->rollback(v->st);
	return rc;
}

int svc_log_receipt(struct svc *v, int64_t index, dip_time now, struct dbuf *out,
		    struct dip_error *e)
{
	struct checkpoint_row cp, w;
	struct dbuf entry;
	led_hash proof[LED_PROOF_MAX];
	json_t *j = NULL;
	size_t n = 0;
	int rc;

	rc = need_keys(v, e);
	if (rc)
		return rc;
	memset(&cp, 0, sizeof(cp));
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc == 0 && (v->st->checkpoint_latest(v->st, &cp) != 0 || cp.size <= index)) {
		v->st->rollback(v->st);
		checkpoint_row_release(&cp);
		rc = svc_log_integrate(v, now, NULL, e);
		if (rc == 0)
			rc = svc__st(v, v->st->begin(v->st, 0), e);
		if (rc == 0)
			rc = svc__st(v, v->st->checkpoint_latest(v->st, &cp), e);
	}
	if (rc)
		return rc;
	/* Not yet witnessed: the latest witnessed checkpoint that holds the
	 * entry, when there is one, so that the receipt carries the
	 * witnesses' cosignatures. */
	if (!cp.witnessed && v->st->checkpoint_witnessed(v->st, index, &w) == 0) {
		checkpoint_row_release(&cp);
		cp = w;
	}
	dbuf_init(&entry, LED_ENTRY_MAX);
	rc = svc__st(v, v->st->ledger_entry(v->st, index, &entry), e);
	if (rc == 0 && index >= cp.size)
		rc = dip_fail(e, DIP_ENOTFOUND, "", "entry %lld is not in the log yet", (long long)index);
	if (rc == 0)
		rc = led_tiles_prove_inclusion(v->reg->keys->tiles, (uint64_t)index, (uint64_t)cp.size,
					       proof, &n);
	if (rc == 0) {
		j = json_loadb(entry.p, entry.len, 0, NULL);
		rc = j ? led_receipt_build(j, (uint64_t)index, cp.note, strlen(cp.note),
					   (const led_hash *)proof, n, out, e)
		       : dip_fail(e, DIP_EDB, "", "log entry %lld is damaged", (long long)index);
	}
	v->st->rollback(v->st);
	json_decref(j);
	dbuf_free(&entry);
	checkpoint_row_release(&cp);
	return rc;
}

struct fp_ctx {
	json_t *arr;
};

static int add_registration(void *ud, const struct application *a)
{
	struct fp_ctx *c = ud;

	json_array_append_new(c->arr, json_pack("{s:I,s:s,s:s,s:s}", "application", (json_int_t)a->id,
						"state", app_state_name(a->state), "name", a->name,
						"certificate_number", a->cert_no));
	return 0;
}

int svc_log_by_fingerprint(struct svc *v, const char *fingerprint, json_t **out,
			   struct dip_error *e)
{
	struct fp_ctx c = { json_array() };
	unsigned states = 1u << APP_PUBLICATION | 1u << APP_OBJECTION | 1u << APP_REGISTERED |
			  1u << APP_CANCELLED | 1u << APP_REVOKED;
	int rc;

	if (fingerprint == NULL || strlen(fingerprint) > 80) {
		json_decref(c.arr);
		return dip_fail(e, DIP_EINVAL, "fingerprint", "fingerprint: sha256:<hex> or sm3:<hex>");
	}
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc == 0)
		rc = svc__st(v, v->st->app_by_fingerprint(v->st, fingerprint, states, 0,
							  add_registration, &c), e);
	v->st->rollback(v->st);
	if (rc) {
		json_decref(c.arr);
		return rc;
	}
	*out = json_pack("{s:s,s:o}", "fingerprint", fingerprint, "registrations", c.arr);
	return 0;
}

/* Whether n valid witness cosignatures make a checkpoint witnessed. */
static int quorum_met(const struct ledger_keys *k, unsigned n)
{
	return k->quorum > 0 && n >= k->quorum;
}

/* One message to each account with deposits that a newly witnessed
 * checkpoint is the first to cover: their receipts can now be fetched with
 * the witnesses' cosignatures. */
struct told {
	struct svc *v;
	struct dip_error *e;
	dip_time now;
	int64_t size;
	int64_t account_id;
	int n;
	struct dbuf ids;     /* "#12, #13, ..." */
	int rc;
};

static int tell_account(struct told *t)
{
	char body[1536];

	if (t->n == 0)
		return 0;
	snprintf(body, sizeof(body),
		 "您的 %d 项存证（%s）已由见证人在日志树大小 %lld 处共同签署；现在下载的存证回执带有见证签名。\n"
		 "%d of your deposits (%s) are now cosigned by the log's witnesses at tree size %lld; "
		 "their receipts fetched from now on carry the cosignatures.",
		 t->n, t->ids.p, (long long)t->size, t->n, t->ids.p, (long long)t->size);
	t->n = 0;
	dbuf_reset(&t->ids);
	return svc__deliver(t->v, t->account_id, 0, 0, "receipt_witnessed",
			    "存证回执已获见证 / deposit receipts witnessed", body, t->now, t->e);
}

static int tell_deposit(void *ud, const struct deposit *d)
{
	struct told *t = ud;

	if (d->account_id != t->account_id) {
		t->rc = tell_account(t);
		if (t->rc)
			return t->rc;
		t->account_id = d->account_id;
	}
	/* The first twenty in the log's order; the count says how many. */
	t->n++;
	if (t->n <= 20)
		t->rc = dbuf_addf(&t->ids, "%s#%lld", t->n > 1 ? ", " : "", (long long)d->id);
	else if (t->n == 21)
		t->rc = dbuf_adds(&t->ids, ", …");
	if (t->rc)
		t->rc = dip_fail(t->e, DIP_ENOMEM, "", "out of memory");
	return t->rc;
}

static int tell_witnessed(struct svc *v, int64_t size, dip_time now, struct dip_error *e)
{
	struct checkpoint_row prev;
	struct told t;
	int64_t from = 0;
	int rc;

	memset(&prev, 0, sizeof(prev));
	rc = v->st->checkpoint_witnessed(v->st, -1, &prev);
	if (rc == 0)
		from = prev.size;
	checkpoint_row_release(&prev);
	if (rc && rc != DIP_ENOTFOUND)
		return svc__st(v, rc, e);
	if (from >= size)
		return 0;
	memset(&t, 0, sizeof(t));
	t.v = v;
	t.e = e;
	t.now = now;
	t.size = size;
	dbuf_init(&t.ids, 1024);
	rc = v->st->deposit_logged(v->st, from, size, tell_deposit, &t);
	if (rc == 0)
		rc = tell_account(&t);
	else if (!t.rc)
		rc = svc__st(v, rc, e);
	dbuf_free(&t.ids);
	return rc;
}

int svc_log_cosign(struct svc *v, int64_t size, const char *lines, dip_time now,
		   struct dip_error *e)
{
	struct ledger_keys *k = v->reg->keys;
	struct checkpoint_row cp;
	struct led_note before, after;
	struct dbuf note;
	unsigned had = 0, now_valid = 0;
	size_t i, j;
	int rc, got = 0;

	rc = need_keys(v, e);
	if (rc)
		return rc;
	if (k->nwitnesses == 0)
		return dip_fail(e, DIP_ESTATE, "", "this registry has no configured witnesses");
	if (lines == NULL || strlen(lines) > 8192)
		return dip_fail(e, DIP_EINVAL, "cosignature", "cosignature: the signature lines");
	memset(&cp, 0, sizeof(cp));
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	dbuf_init(&note, LED_NOTE_MAX);
	rc = svc__begin(v, e);
	if (rc)
		goto done;
	/* After the transaction, as in integrate. */
	pthread_mutex_lock(&k->seq_lock);
	/* A sequencer on another server must not sign over the cosigned
	 * note, nor this one over its checkpoint. */
	rc = svc__st(v, v->st->tx_lock(v->st, "sequencer", 1, &got), e);
	if (rc == 0)
		rc = svc__st(v, v->st->checkpoint_latest(v->st, &cp), e);
	if (rc == 0 && cp.size != size)
		rc = dip_fail(e, DIP_ECONFLICT, "size",
			      "size: the latest checkpoint has size %lld; cosign that one",
			      (long long)cp.size);
	if (rc == 0)
		rc = led_note_parse(cp.note, strlen(cp.note), &before, e);
	if (rc == 0)
		led_cosig_quorum(&before, k->witnesses, k->nwitnesses, 0, &had, NULL, NULL);
	if (rc == 0)
		rc = dbuf_adds(&note, cp.note);
	if (rc == 0)
		rc = dbuf_adds(&note, lines);
	if (rc == 0 && note.len && note.p[note.len - 1] != '\n')
		rc = dbuf_addc(&note, '\n');
	if (rc == 0)
		rc = led_note_parse(note.p, note.len, &after, e);
	/* Only configured witnesses may add lines: a line in the log's own
	 * name with a bad signature would make the published checkpoint, and
	 * every receipt built on it, fail to verify. */
	for (i = before.nsigs; rc == 0 && i < after.nsigs; i++) {
		for (j = 0; j < k->nwitnesses; j++)
			if (after.sigs[i].id == k->witnesses[j]->id &&
			    strcmp(after.sigs[i].name, k->witnesses[j]->name) == 0)
				break;
		if (j == k->nwitnesses)
			rc = dip_fail(e, DIP_EINVAL, "cosignature",
				      "cosignature: the line for \"%.100s\" is not by a configured witness",
				      after.sigs[i].name);
	}
	/* Every witness line must verify; at least one must be new. */
	if (rc == 0)
		rc = led_cosig_quorum(&after, k->witnesses, k->nwitnesses, 0, &now_valid, NULL, e);
	if (rc == 0 && now_valid <= had)
		rc = dip_fail(e, DIP_ECRYPTO, "cosignature",
			      "cosignature: no new valid cosignature from a configured witness");
	/* Witnessed by these lines: the quorum is met now and was not before. */
	if (rc == 0 && !cp.witnessed && quorum_met(k, now_valid)) {
		rc = tell_witnessed(v, cp.size, now, e);
		cp.witnessed = 1;
	}
	if (rc == 0) {
		free(cp.note);
		cp.note = note.p;
		note.p = NULL;
		rc = svc__st(v, v->st->checkpoint_put(v->st, &cp), e);
	}
	if (rc)
		svc__rollback(v);
	else
		rc = svc__commit(v, e);
	pthread_mutex_unlock(&k->seq_lock);
done:
	led_note_release(&before);
	led_note_release(&after);
	checkpoint_row_release(&cp);
	dbuf_free(&note);
	return rc;
}

int svc_log_verify(struct svc *v, const struct led_checkpoint *heads, size_t nheads,
		   struct log_verify_report *rep, struct dip_error *e)
{
	struct checkpoint_row cp;
	struct led_checkpoint c;
	struct dbuf entry;
	led_hash *leaves = NULL;
	uint8_t root[LED_HASH_LEN], tiles_root[LED_HASH_LEN];
	int64_t n = 0, i;
	size_t k;
	int rc;

	memset(rep, 0, sizeof(*rep));
	memset(&cp, 0, sizeof(cp));
	dbuf_init(&entry, LED_ENTRY_MAX);
	if (v->reg->keys)
		tl_store = v->st;
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc)
		return rc;
	rc = svc__st(v, v->st->ledger_size(v->st, &n), e);
	if (rc == 0 && n > 0) {
		leaves = malloc((size_t)n * sizeof(*leaves));
		if (leaves == NULL)
			rc = dip_fail(e, DIP_ENOMEM, "", "out of memory");
	}
	for (i = 0; rc == 0 && i < n; i++) {
		rc = svc__st(v, v->st->ledger_entry(v->st, i, &entry), e);
		if (rc == 0)
			rc = led_hash_leaf(CRYPTO_SHA256, entry.p, entry.len, leaves[i]);
	}
	rep->entries = n;
	if (rc)
		goto out;
	if (v->st->checkpoint_latest(v->st, &cp) == 0) {
		rep->checkpoint_size = cp.size;
		if (cp.size > n) {
			rc = dip_fail(e, DIP_ECRYPTO, "", "the latest checkpoint names %lld entries but the log holds %lld",
				      (long long)cp.size, (long long)n);
			goto out;
		}
		led_mth(CRYPTO_SHA256, (const led_hash *)leaves, (uint64_t)cp.size, root);
		if (memcmp(root, cp.root, LED_HASH_LEN) != 0) {
			rc = dip_fail(e, DIP_ECRYPTO, "",
				      "the entries do not hash to the root of the latest checkpoint (size %lld): the log was altered",
				      (long long)cp.size);
			goto out;
		}
		if (v->reg->keys) {
			rc = led_checkpoint_open(cp.note, strlen(cp.note),
						 v->reg->keys->verifiers, v->reg->keys->nverifiers, NULL, 0,
						 0, &c, NULL, e);
			if (rc)
				goto out;
			rep->signature_checked = 1;
			if (led_tiles_root(v->reg->keys->tiles, (uint64_t)cp.size, tiles_root) != 0 ||
			    memcmp(tiles_root, root, LED_HASH_LEN) != 0) {
				rc = dip_fail(e, DIP_ECRYPTO, "",
					      "the stored tiles disagree with the entries at size %lld",
					      (long long)cp.size);
				goto out;
			}
		}
	}
	for (k = 0; k < nheads; k++) {
		if ((int64_t)heads[k].size > n) {
			rc = dip_fail(e, DIP_ECRYPTO, "",
				      "a checkpoint handed out names %llu entries but the log holds %lld: acknowledged entries were lost",
				      (unsigned long long)heads[k].size, (long long)n);
			goto out;
		}
		led_mth(CRYPTO_SHA256, (const led_hash *)leaves, heads[k].size, root);
		if (memcmp(root, heads[k].root, LED_HASH_LEN) != 0) {
			rc = dip_fail(e, DIP_ECRYPTO, "",
				      "the log is not consistent with the checkpoint of size %llu handed out earlier",
				      (unsigned long long)heads[k].size);
			goto out;
		}
		rep->heads_checked++;
	}
out:
	v->st->rollback(v->st);
	free(leaves);
	checkpoint_row_release(&cp);
	dbuf_free(&entry);
	return rc;
}

/* What failed, from a verification's error (its message begins with the
 * kind, led_receipt_verify and led_cert_verify). */
static const char *failure_name(int rc, const char *message)
{
	if (rc != DIP_ECRYPTO)
		return "malformed";
	if (strncmp(message, "bad signature", 13) == 0)
		return "signature";
	if (strncmp(message, "proof mismatch", 14) == 0)
		return "proof";
	if (strncmp(message, "not the logged certificate", 26) == 0)
		return "not_logged";
	return "signature";
}

/* A document that fails: what failed and why. */
static void not_valid(json_t *r, const char *failure, const char *message)
{
	json_object_set_new(r, "valid", json_false());
	json_object_set_new(r, "failure", json_string(failure));
	json_object_set_new(r, "message", json_string(message));
}

/* Whether the tree of cp is one this log has grown: published, and with
 * the same root at that size.  0, or a reason into why. */
static int grown_here(struct svc *v, const struct led_checkpoint *cp, char *why, size_t n)
{
	uint8_t root[LED_HASH_LEN];
	int64_t pub;

	if (v->st->begin(v->st, 0) != 0) {
		snprintf(why, n, "the registry's log cannot be read now");
		return -1;
	}
	pub = published(v);
	if ((uint64_t)pub < cp->size)
		snprintf(why, n, "its checkpoint names %llu entries; this registry's log has published %lld",
			 (unsigned long long)cp->size, (long long)pub);
	else if (led_tiles_root(v->reg->keys->tiles, cp->size, root) != 0)
		snprintf(why, n, "the registry's log cannot be read now");
	else if (memcmp(root, cp->root, LED_HASH_LEN) != 0)
		snprintf(why, n, "its tree of %llu entries is not the one this registry's log holds: "
			 "the log or the document was altered", (unsigned long long)cp->size);
	else
		why[0] = '\0';
	v->st->rollback(v->st);
	return why[0] ? -1 : 0;
}

int svc_verify_document(struct svc *v, const char *text, size_t len, const char *type,
			dip_time now, json_t **out, struct dip_error *e)
{
	struct ledger_keys *k = v->reg->keys;
	struct led_verify_opts o;
	struct led_verify_result res;
	struct dip_error ve;
	json_t *cert = NULL, *r;
	char why[200];
	int is_cert, rc;

	rc = need_keys(v, e);
	if (rc)
		return rc;
	is_cert = type && strcmp(type, LED_CERT_TYPE) == 0;
	if (!is_cert && !(type && strcmp(type, LED_RECEIPT_TYPE) == 0))
		return dip_fail(e, DIP_EINVAL, "type", "type: send a receipt (%s) or a certificate "
				"document (%s) as the registry issued it", LED_RECEIPT_TYPE, LED_CERT_TYPE);
	memset(&o, 0, sizeof(o));
	memset(&res, 0, sizeof(res));
	o.log_keys = k->verifiers;
	o.nlog = k->nverifiers;
	o.witnesses = k->witnesses;
	o.nwitnesses = k->nwitnesses;
	o.quorum = 0;   /* the cosignatures are counted and reported */
	dip_error_clear(&ve);
	rc = is_cert ? led_cert_verify(text, len, &o, &res, &cert, &ve)
		     : led_receipt_verify(text, len, &o, &res, &ve);
	r = json_pack("{s:s}", "kind", is_cert ? "certificate" : "receipt");
	if (rc) {
		not_valid(r, failure_name(rc, ve.message), ve.message);
		goto out;
	}
	if (grown_here(v, &res.checkpoint, why, sizeof(why)) != 0) {
		not_valid(r, "not_in_log", why);
		goto out;
	}
	json_object_set_new(r, "valid", json_true());
	json_object_set_new(r, "origin", json_string(res.checkpoint.origin));
	json_object_set_new(r, "index", json_integer((json_int_t)res.index));
	json_object_set_new(r, "tree_size", json_integer((json_int_t)res.checkpoint.size));
	json_object_set_new(r, "cosignatures", json_integer(res.cosigned));
	json_object_set_new(r, "witnesses", json_integer((json_int_t)k->nwitnesses));
	json_object_set_new(r, "quorum", json_integer(k->quorum));
	json_object_set_new(r, "witnessed", json_boolean(quorum_met(k, res.cosigned)));
	if (is_cert) {
		const char *no = json_string_value(json_object_get(cert, "certificate_number"));
		json_int_t ver = json_integer_value(json_object_get(cert, "version"));
		json_t *now_j = NULL;
		struct dip_error ce;

		json_object_set_new(r, "certificate", json_incref(cert));
		/* What was issued is proven; whether it still stands is the
		 * register's to say (renewed, changed, cancelled, revoked). */
		if (no && svc_certificate_json(v, no, (int)ver, now, &now_j, &ce) == 0) {
			json_object_set(r, "status", json_object_get(now_j, "status"));
			json_object_set(r, "status_since", json_object_get(now_j, "status_since"));
			json_object_set(r, "latest_version", json_object_get(now_j, "latest_version"));
			json_decref(now_j);
		}
	} else {
		json_object_set(r, "entry", res.entry);
	}
out:
	json_decref(cert);
	led_verify_result_release(&res);
	*out = r;
	return 0;
}
