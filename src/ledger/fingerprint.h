/*
 * fingerprint.h - the dataset fingerprint: a Merkle root over a file or a
 * directory tree, computed locally so the data never leaves its holder.
 *
 * The definition (docs/fingerprint.md has it with test vectors), so that
 * independent implementations agree:
 *
 *   - MTH is RFC 9162's Merkle Tree Hash with H = SHA-256 or SM3.
 *   - A file's root is the MTH over its contents split into 1 MiB
 *     (1,048,576-byte) chunks, the last one shorter; an empty file has no
 *     chunks, so its root is H of the empty string.
 *   - A directory's entries are its regular files at any depth, hidden ones
 *     included, each named by its path relative to the directory with '/'
 *     separators, sorted by the bytes of that path.  Entry i is
 *     path || 0x00 || size as 8-byte big-endian || the file's root; the
 *     dataset root is the MTH over the entries.  A single file is one entry
 *     named by its base name.
 *   - Symbolic links, devices, sockets, FIFOs and unreadable files or
 *     directories are errors naming the path, unless skip_special is set;
 *     then each is left out and reported through on_skip.  The PATH given
 *     itself is followed if it is a symbolic link.
 *
 * Hashing runs on several threads, which share the chunks of all files, so
 * one large file uses every core too.
 */
#ifndef DIP_LEDGER_FINGERPRINT_H
#define DIP_LEDGER_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/hash.h"
#include "util/err.h"

#define LED_FP_CHUNK 1048576
/* "sha256:" + 64 hex digits + NUL */
#define LED_FP_STRLEN 72

struct led_fp_opts {
	enum crypto_hash_alg alg;
	int threads;      /* 0 or less: the number of online CPUs */
	int skip_special; /* leave out what is not a regular file or directory */
	/* Called (from the calling thread) for each path left out. */
	void (*on_skip)(void *ud, const char *path, const char *why);
	/* Called from the calling thread about every 100 ms while hashing and
	 * once at the end with done == total. */
	void (*on_progress)(void *ud, uint64_t done, uint64_t total);
	void *ud;
};

struct led_fp_result {
	enum crypto_hash_alg alg;
	uint8_t root[CRYPTO_HASH_LEN];
	uint64_t files;   /* entries hashed */
	uint64_t bytes;   /* their total size */
	uint64_t skipped; /* paths left out */
};

/* Fingerprints path.  0; DIP_EINVAL naming the path for a special file or
 * an unreadable one (without skip_special) or for a path that is neither a
 * file nor a directory; DIP_EIO naming the path for read errors and for a
 * file that changed size while it was hashed; DIP_ELIMIT for directories
 * nested deeper than 256 levels; DIP_ENOMEM. */
int led_fingerprint(const char *path, const struct led_fp_opts *o, struct led_fp_result *r,
		    struct dip_error *e);

/* Writes "sha256:<hex>" or "sm3:<hex>" into out (LED_FP_STRLEN bytes). */
void led_fp_format(enum crypto_hash_alg alg, const uint8_t root[CRYPTO_HASH_LEN],
		   char out[LED_FP_STRLEN]);
/* Parses what led_fp_format writes (hex in either case).  0 or DIP_EINVAL. */
int led_fp_parse(const char *s, enum crypto_hash_alg *alg, uint8_t root[CRYPTO_HASH_LEN]);

#endif
