/*
 * ledger.h - the registry's transparency log as the service layer runs it:
 * signing keys, the sequencer that folds new entries into tiles and signs
 * checkpoints, and the read side (checkpoint, tiles, bundles, proofs,
 * receipts) that the HTTP layer serves.
 *
 * Entries are appended by the use cases inside their own transactions
 * (svc__ledger); the sequencer later integrates every entry past the last
 * checkpoint in one transaction of its own: leaf hashes, tiles, root, and
 * a checkpoint signed by the registry's key(s).  One sequencer runs at a
 * time: a process lock among threads, the store's "sequencer" lock among
 * the servers that share a database (store.h, tx_lock).
 */
#ifndef DIP_SERVICE_LEDGER_H
#define DIP_SERVICE_LEDGER_H

#include <pthread.h>

#include "service/service.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/tiles.h"

#define LEDGER_MAX_WITNESSES 8
#define LEDGER_MAX_OLD_KEYS 8

struct ledger_keys {
	struct led_signer *signers[2];      /* Ed25519, and SM2 when configured */
	size_t nsigners;
	struct led_verifier *verifiers[2 + LEDGER_MAX_OLD_KEYS]; /* current, then retired */
	size_t nverifiers;
	struct led_verifier *witnesses[LEDGER_MAX_WITNESSES];
	size_t nwitnesses;
	unsigned quorum;
	struct led_tiles *tiles;            /* shared cache over the store's tiles */
	pthread_mutex_t seq_lock;
};

struct ledger_key_opts {
	const char *key;            /* Ed25519 private key PEM; created when missing */
	const char *sm2_key;        /* optional SM2 private key PEM; created when missing */
	const char *const *old_vkeys; /* retired verifier keys still published, NULL-ended */
	const char *const *witnesses; /* witness verifier keys, NULL-ended */
	unsigned quorum;
	size_t cache_bytes;         /* tile cache; default 64 MiB */
};

/* Opens (or creates) the keys and attaches them to r->keys.  The key name
 * is the log's origin (r->origin). */
int ledger_open(struct registry *r, const struct ledger_key_opts *o, struct dip_error *e);
void ledger_close(struct registry *r);
/* The verifier key strings, one per line: current keys, then retired. */
int ledger_vkeys(const struct registry *r, struct dbuf *out);

/* The sequencer: integrates entries past the last checkpoint and signs a
 * new checkpoint.  *size (may be NULL) gets the checkpointed size.  One
 * sequencer runs at a time, across the servers of one database too: this
 * waits for one at work to end. */
int svc_log_integrate(struct svc *v, dip_time now, int64_t *size, struct dip_error *e);
/* svc_log_integrate for a server's timer: when another sequencer is at
 * work (another thread or server), leaves the work to it: *busy = 1. */
int svc_log_integrate_if_idle(struct svc *v, dip_time now, int *busy, struct dip_error *e);
/* After a batch of transactions was lost (store.h): forgets the tiles
 * cached from what it appended. */
void svc_log_batch_lost(struct svc *v);
/* The latest signed checkpoint (note text). */
int svc_log_checkpoint(struct svc *v, struct dbuf *out, int64_t *size, struct dip_error *e);
/* A hash tile (level >= 0) or an entry bundle (level LED_TILE_ENTRIES) of
 * the published tree, as its bytes. */
int svc_log_tile(struct svc *v, int level, uint64_t index, unsigned width, struct dbuf *out,
		 struct dip_error *e);
/* An entry by index, with its leaf hash. */
int svc_log_entry_json(struct svc *v, int64_t index, json_t **out, struct dip_error *e);
/* Inclusion proof of index (or of the entry whose leaf hash is
 * leaf_hex when index < 0) in the tree of size (0: the latest checkpoint). */
int svc_log_inclusion_json(struct svc *v, int64_t index, const char *leaf_hex, int64_t size,
			   json_t **out, struct dip_error *e);
int svc_log_consistency_json(struct svc *v, int64_t from, int64_t to, json_t **out,
			     struct dip_error *e);
/* A receipt (ledger/receipt.h) for entry index against the latest
 * witnessed checkpoint that holds it, else against the latest checkpoint,
 * integrating first when the entry is not in that one yet. */
int svc_log_receipt(struct svc *v, int64_t index, dip_time now, struct dbuf *out,
		    struct dip_error *e);
/* Verifies a document someone holds, text[0..len) (whose "type" member
 * is type, NULL when it has none): a receipt or a certificate document.
 * *out tells whether it is genuine (signed by a key of this log, its
 * entry included in the tree of its checkpoint, and that tree one this
 * registry's log has grown), how many of the registry's witnesses
 * cosigned it, and for a certificate its status now.  A document that
 * fails is an answer ("valid": false, with the reason), not an error. */
int svc_verify_document(struct svc *v, const char *text, size_t len, const char *type,
			dip_time now, json_t **out, struct dip_error *e);
/* Deposits and registrations of a dataset fingerprint (Art. 9 (5)). */
int svc_log_by_fingerprint(struct svc *v, const char *fingerprint, json_t **out,
			   struct dip_error *e);
/* Adds a witness's cosignature lines to the checkpoint of size; each line
 * must verify with a configured witness key.  When they complete the
 * quorum, the checkpoint is witnessed: receipts are built on it from then
 * on, and each depositor whose entries it is the first to cover is told. */
int svc_log_cosign(struct svc *v, int64_t size, const char *lines, dip_time now,
		   struct dip_error *e);

struct log_verify_report {
	int64_t entries;          /* entries in the log */
	int64_t checkpoint_size;  /* size of the latest checkpoint */
	int signature_checked;    /* its signature verified with the keys */
	size_t heads_checked;     /* earlier checkpoints found consistent */
};

/* Recomputes the tree from the stored entries and checks it against the
 * latest checkpoint (root, signature, stored tiles) and against earlier
 * checkpoints handed out (heads: size and root each).  DIP_ECRYPTO names
 * the first disagreement. */
struct led_checkpoint;
int svc_log_verify(struct svc *v, const struct led_checkpoint *heads, size_t nheads,
		   struct log_verify_report *rep, struct dip_error *e);

#endif
