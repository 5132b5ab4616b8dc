/*
 * cmd_verify.c - "dipreg verify": checks a deposit receipt offline with
 * only the registry's verifier key (and witness keys when a policy wants
 * them), and with --data recomputes the dataset fingerprint and compares it
 * with the entry's "fingerprint".  Exit 0 with a one-line summary, 1 with
 * the reason: bad signature, proof mismatch, quorum not met, data differs.
 */
#include "cli/cli.h"
#include "cli/common.h"
#include "ledger/certificate.h"
#include "ledger/fingerprint.h"
#include "ledger/note.h"
#include "ledger/receipt.h"
#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERIFY_USAGE \
	"dipreg verify RECEIPT|CERTIFICATE --key VERIFIERKEY [--witness KEY]... [--quorum N] [--data PATH]"
#define MAX_KEYS 64

int cli_verify(int argc, char **argv)
{
	struct led_verifier *keys[MAX_KEYS], *wit[MAX_KEYS];
	struct led_verify_opts opts;
	struct led_verify_result res;
	struct dip_error e;
	const char *file = NULL, *data = NULL;
	size_t nkeys = 0, nwit = 0, len = 0, i;
	long quorum = -1;
	char *text = NULL;
	json_t *cert = NULL;
	int rc = 0, status = 1, is_cert = 0;

	memset(&res, 0, sizeof(res));
	dip_error_clear(&e);
	for (i = 1; i < (size_t)argc; i++) {
		const char *a = argv[i];

		if ((strcmp(a, "--key") == 0 || strcmp(a, "--witness") == 0 ||
		     strcmp(a, "--quorum") == 0 || strcmp(a, "--data") == 0) &&
		    i + 1 >= (size_t)argc) {
			status = cli_usage(VERIFY_USAGE);
			goto out;
		}
		if (strcmp(a, "--key") == 0 || strcmp(a, "--witness") == 0) {
			int w = a[2] == 'w';
			struct led_verifier **slot = w ? &wit[nwit] : &keys[nkeys];

			if ((w ? nwit : nkeys) == MAX_KEYS) {
				status = cli_fail("verify: at most %d keys of each kind", MAX_KEYS);
				goto out;
			}
			if (cli_load_vkey(argv[++i], slot, &e) != 0) {
				status = cli_fail("verify: %s: %s", w ? "--witness" : "--key", e.message);
				goto out;
			}
			if (w)
				nwit++;
			else
				nkeys++;
		} else if (strcmp(a, "--quorum") == 0) {
			char *end;

			errno = 0;
			quorum = strtol(argv[++i], &end, 10);
			if (errno || *end || end == argv[i] || quorum < 0 || quorum > MAX_KEYS) {
				status = cli_fail("verify: --quorum: want a number from 0 to %d",
						  MAX_KEYS);
				goto out;
			}
		} else if (strcmp(a, "--data") == 0) {
			data = argv[++i];
		} else if (a[0] == '-' && a[1] != '\0') {
			status = cli_usage(VERIFY_USAGE);
			goto out;
		} else if (file == NULL) {
			file = a;
		} else {
			status = cli_usage(VERIFY_USAGE);
			goto out;
		}
	}
	if (file == NULL || nkeys == 0) {
		status = cli_usage(VERIFY_USAGE);
		goto out;
	}
	if (quorum < 0)
		quorum = (long)nwit; /* by default every witness named must have cosigned */
	if ((size_t)quorum > nwit) {
		status = cli_fail("verify: --quorum %ld needs at least %ld --witness keys", quorum,
				  quorum);
		goto out;
	}
	rc = file_read(file, LED_RECEIPT_MAX, &text, &len, &e);
	if (rc) {
		status = cli_fail("verify: %s", e.message);
		goto out;
	}
	memset(&opts, 0, sizeof(opts));
	opts.log_keys = keys;
	opts.nlog = nkeys;
	opts.witnesses = wit;
	opts.nwitnesses = nwit;
	opts.quorum = (unsigned)quorum;
	is_cert = strstr(text, "\"" LED_CERT_TYPE "\"") != NULL;
	rc = is_cert ? led_cert_verify(text, len, &opts, &res, &cert, &e)
		     : led_receipt_verify(text, len, &opts, &res, &e);
	if (rc) {
		status = cli_fail("verify: %s: %s", file, e.message);
		goto out;
	}
	if (is_cert) {
		/* A certificate's status (renewed, cancelled, revoked) is on the
		 * registry's public record; offline we prove what was issued. */
		printf("ok: certificate %s version %lld, signed by %s and logged as entry %llu at tree size %llu",
		       json_string_value(json_object_get(cert, "certificate_number")),
		       (long long)json_integer_value(json_object_get(cert, "version")),
		       res.checkpoint.origin, (unsigned long long)res.index,
		       (unsigned long long)res.checkpoint.size);
		if (nwit)
			printf(", cosigned by %u of %zu witnesses", res.cosigned, nwit);
		printf("; valid %s to %s; check its current status at %s\n",
		       json_string_value(json_object_get(cert, "valid_from")),
		       json_string_value(json_object_get(cert, "valid_until")),
		       json_string_value(json_object_get(cert, "verify_url")));
		if (data == NULL) {
			status = 0;
			goto out;
		}
	}
	if (data) {
		json_t *fpv = is_cert ? json_object_get(json_object_get(json_object_get(cert, "dataset"),
									"evidence"), "fingerprint")
				      : json_object_get(res.entry, "fingerprint");
		struct led_fp_opts fo;
		struct led_fp_result fr;
		uint8_t want[CRYPTO_HASH_LEN];
		char got[LED_FP_STRLEN];

		memset(&fo, 0, sizeof(fo));
		if (!json_is_string(fpv) || led_fp_parse(json_string_value(fpv), &fo.alg, want) != 0) {
			status = cli_fail("verify: %s: the entry has no \"fingerprint\" of the form "
					  "sha256:<hex> to compare --data with",
					  file);
			goto out;
		}
		if (led_fingerprint(data, &fo, &fr, &e) != 0) {
			status = cli_fail("verify: --data: %s", e.message);
			goto out;
		}
		led_fp_format(fr.alg, fr.root, got);
		if (memcmp(fr.root, want, CRYPTO_HASH_LEN) != 0) {
			status = cli_fail("verify: data differs: %s has %s, the entry records %s", data,
					  got, json_string_value(fpv));
			goto out;
		}
		if (is_cert) {
			printf("ok: the data at %s matches the certified fingerprint %s\n", data, got);
			status = 0;
			goto out;
		}
		printf("ok: entry %llu is in %s at tree size %llu, signed by the log",
		       (unsigned long long)res.index, res.checkpoint.origin,
		       (unsigned long long)res.checkpoint.size);
		if (nwit)
			printf(", cosigned by %u of %zu witnesses", res.cosigned, nwit);
		printf("; %s matches %s\n", data, got);
	} else {
		printf("ok: entry %llu is in %s at tree size %llu, signed by the log",
		       (unsigned long long)res.index, res.checkpoint.origin,
		       (unsigned long long)res.checkpoint.size);
		if (nwit)
			printf(", cosigned by %u of %zu witnesses", res.cosigned, nwit);
		printf("\n");
	}
	status = 0;
out:
	json_decref(cert);
	led_verify_result_release(&res);
	free(text);
	for (i = 0; i < nkeys; i++)
		led_verifier_free(keys[i]);
	for (i = 0; i < nwit; i++)
		led_verifier_free(wit[i]);
	return status;
}
