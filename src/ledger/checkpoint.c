/*
 * checkpoint.c - tlog-checkpoint bodies, signing and opening.
 */
#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "util/b64.h"

#include <stdlib.h>
#include <string.h>

/* The next line of text at *p (without its newline), advancing *p. */
static int next_line(const char **p, const char *end, const char **line, size_t *n)
{
	const char *nl;

	if (*p >= end)
		return 0;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	if (nl == NULL)
		return DIP_EINVAL;
	*line = *p;
	*n = (size_t)(nl - *p);
	*p = nl + 1;
	return 1;
}

int led_checkpoint_parse(const char *text, size_t len, struct led_checkpoint *cp,
			 struct dip_error *e)
{
	const char *p = text, *end = text + len, *line;
	size_t n, i, rlen;
	uint64_t size = 0;

	memset(cp, 0, sizeof(*cp));
	if (len == 0 || text[len - 1] != '\n')
		return dip_fail(e, DIP_EINVAL, "checkpoint", "checkpoint: must end with a newline");
	if (next_line(&p, end, &line, &n) != 1 || n == 0)
		return dip_fail(e, DIP_EINVAL, "checkpoint", "checkpoint: the origin line is empty");
	if (n >= sizeof(cp->origin))
		return dip_fail(e, DIP_ELIMIT, "checkpoint", "checkpoint: origin longer than %d bytes",
				LED_ORIGIN_MAX - 1);
	memcpy(cp->origin, line, n);
	if (next_line(&p, end, &line, &n) != 1 || n == 0 || n > 20 || (line[0] == '0' && n > 1))
		return dip_fail(e, DIP_EINVAL, "checkpoint",
				"checkpoint: line 2 must be the tree size in decimal");
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)(line[i] - '0');

		if (line[i] < '0' || line[i] > '9' || size > (UINT64_MAX - d) / 10)
			return dip_fail(e, DIP_EINVAL, "checkpoint",
					"checkpoint: line 2 must be the tree size in decimal");
		size = size * 10 + d;
	}
	cp->size = size;
	if (next_line(&p, end, &line, &n) != 1 ||
	    b64_decode(line, n, cp->root, sizeof(cp->root), &rlen) != 0 || rlen != LED_HASH_LEN)
		return dip_fail(e, DIP_EINVAL, "checkpoint",
				"checkpoint: line 3 must be a 32-byte root hash in base64");
	if ((size_t)(end - p) >= sizeof(cp->ext))
		return dip_fail(e, DIP_ELIMIT, "checkpoint",
				"checkpoint: extension lines longer than %d bytes",
				LED_CHECKPOINT_EXT_MAX - 1);
	memcpy(cp->ext, p, (size_t)(end - p));
	cp->ext_len = (size_t)(end - p);
	while (next_line(&p, end, &line, &n) == 1)
		if (n == 0)
			return dip_fail(e, DIP_EINVAL, "checkpoint",
					"checkpoint: extension lines must not be empty");
	return 0;
}

int led_checkpoint_format(const struct led_checkpoint *cp, struct dbuf *out)
{
	char root[B64_ENCODED_LEN(LED_HASH_LEN) + 1];

	if (cp->origin[0] == '\0' || strchr(cp->origin, '\n'))
		return DIP_EINVAL;
	b64_encode_to(root, cp->root, LED_HASH_LEN);
	return dbuf_addf(out, "%s\n%llu\n%s\n%.*s", cp->origin, (unsigned long long)cp->size, root,
			 (int)cp->ext_len, cp->ext);
}

int led_checkpoint_sign(const struct led_checkpoint *cp, struct led_signer *const *signers,
			size_t n, uint64_t timestamp, struct dbuf *out, struct dip_error *e)
{
	struct dbuf text;
	int rc;

	dbuf_init(&text, LED_NOTE_MAX);
	rc = led_checkpoint_format(cp, &text);
	if (rc)
		dip_fail(e, rc, "checkpoint", "checkpoint: cannot format (empty origin?)");
	else
		rc = led_note_sign(text.p, text.len, signers, n, timestamp, out, e);
	dbuf_free(&text);
	return rc;
}

int led_checkpoint_open(const char *note, size_t len, struct led_verifier *const *log_keys,
			size_t nlog, struct led_verifier *const *witnesses, size_t nw,
			unsigned quorum, struct led_checkpoint *cp, unsigned *cosigned,
			struct dip_error *e)
{
	struct led_sig_result *res = NULL;
	struct led_note n;
	unsigned ok = 0;
	int rc;

	rc = led_note_parse(note, len, &n, e);
	if (rc)
		return rc;
	res = calloc(nlog ? nlog : 1, sizeof(*res));
	if (res == NULL) {
		rc = dip_fail(e, DIP_ENOMEM, "", "out of memory");
		goto out;
	}
	rc = led_note_verify(&n, log_keys, nlog, res, e);
	if (rc)
		goto out;
	rc = led_checkpoint_parse(n.text, n.text_len, cp, e);
	if (rc)
		goto out;
	rc = led_cosig_quorum(&n, witnesses, nw, quorum, &ok, NULL, e);
	if (cosigned)
		*cosigned = ok;
out:
	free(res);
	led_note_release(&n);
	return rc;
}
