/*
 * cmd_keys.c - "dipreg keygen": a new signing key for a log (Ed25519, or
 * SM2 with --sm2) or a witness (--witness, tlog-cosignature keys).  Writes
 * into DIR the private key (PKCS#8 PEM, mode 0600, never overwriting), the
 * public key (SPKI PEM) and the verifier key, and prints the verifier key,
 * which is what verifiers and witnesses are configured with.
 */
#include "cli/cli.h"
#include "crypto/sign.h"
#include "ledger/note.h"
#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define KEYGEN_USAGE "dipreg keygen --name NAME --out DIR [--sm2 | --witness]"

/* The key name as a file name: characters outside [A-Za-z0-9._-] become
 * '_', so "registry.example/log" is "registry.example_log". */
static void file_base(const char *name, char *out, size_t cap)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < cap; i++) {
		char c = name[i];

		out[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
				 c == '.' || c == '-' || c == '_'
			 ? c
			 : '_';
	}
	out[i] = '\0';
	if (out[0] == '.' || out[0] == '\0')
		out[0] = '_';
}

int cli_keygen(int argc, char **argv)
{
	const char *name = NULL, *dir = NULL, *suffix = "";
	enum led_sig_type type = LED_SIG_ED25519;
	struct crypto_key *key = NULL;
	struct led_signer *signer = NULL;
	struct dip_error e;
	struct dbuf vkey;
	char base[LED_KEY_NAME_MAX], path[4096];
	int i, status = 1;

	dbuf_init(&vkey, 0);
	dip_error_clear(&e);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--sm2") == 0 && type == LED_SIG_ED25519)
			type = LED_SIG_SM2;
		else if (strcmp(argv[i], "--witness") == 0 && type == LED_SIG_ED25519)
			type = LED_SIG_COSIG_V1;
		else
			return cli_usage(KEYGEN_USAGE);
	}
	if (name == NULL || dir == NULL)
		return cli_usage(KEYGEN_USAGE);
	if (!led_key_name_valid(name))
		return cli_fail("keygen: --name: a key name must be non-empty and contain no spaces "
				"or '+' (for example registry.example/log)");
	if (crypto_key_generate(type == LED_SIG_SM2 ? CRYPTO_KEY_SM2 : CRYPTO_KEY_ED25519, &key) !=
	    0) {
		status = cli_fail("keygen: key generation failed");
		goto out;
	}
	if (file_mkdirs(dir, &e) != 0) {
		status = cli_fail("keygen: %s", e.message);
		goto out;
	}
	file_base(name, base, sizeof(base));
	suffix = type == LED_SIG_SM2 ? "-sm2" : type == LED_SIG_COSIG_V1 ? "-witness" : "";
	snprintf(path, sizeof(path), "%s/%s%s.key", dir, base, suffix);
	if (crypto_key_save_private(key, path, &e) != 0) {
		status = cli_fail("keygen: %s", e.message);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s%s.pub", dir, base, suffix);
	if (crypto_key_save_public(key, path, &e) != 0) {
		status = cli_fail("keygen: %s", e.message);
		goto out;
	}
	/* The signer takes the key over, also when it fails. */
	if (led_signer_new(name, type, key, &signer, &e) != 0) {
		key = NULL;
		status = cli_fail("keygen: %s", e.message);
		goto out;
	}
	key = NULL;
	if (led_signer_vkey(signer, &vkey) != 0 || dbuf_addc(&vkey, '\n') != 0) {
		status = cli_fail("keygen: out of memory");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s%s.vkey", dir, base, suffix);
	if (file_write_atomic(path, vkey.p, vkey.len, &e) != 0) {
		status = cli_fail("keygen: %s", e.message);
		goto out;
	}
	if (chmod(path, 0644) != 0) {
		status = cli_fail("keygen: %s: %s", path, strerror(errno));
		goto out;
	}
	fputs(vkey.p, stdout);
	status = fflush(stdout) == 0 ? 0 : 1;
out:
	crypto_key_free(key);
	led_signer_free(signer);
	dbuf_free(&vkey);
	return status;
}
