/*
 * deposit.c - evidence deposits (存证, Art. 9 (3)).
 *
 * A holder fingerprints the dataset locally ("dipreg fingerprint"; the
 * data never leaves their machine) and deposits the root.  The deposit is
 * an entry of the transparency log, so its time and content can be proved
 * later without trusting the registry's database.  The entry names only
 * the fingerprint, the size and the deposit number, not the depositor.
 */
#include "service/internal.h"
#include "util/b64.h"

#include <stdio.h>
#include <string.h>

static int fingerprint_ok(const char *s)
{
	const char *hex;

	if (s == NULL)
		return 0;
	if (strncmp(s, "sha256:", 7) == 0)
		hex = s + 7;
	else if (strncmp(s, "sm3:", 4) == 0)
		hex = s + 4;
	else
		return 0;
	return hex_is_lower(hex, 64);
}

int svc_deposit(struct svc *v, const struct actor *who, const struct deposit_input *in,
		dip_time now, struct deposit *out, struct dip_error *e)
{
	struct deposit d;
	json_t *entry;
	int rc;

	if (!(who->roles & (ROLE_APPLICANT | ROLE_AGENT)))
		return dip_fail(e, DIP_EFORBIDDEN, "", "deposits are made by applicants and agencies");
	if (!fingerprint_ok(in->fingerprint))
		return dip_fail(e, DIP_EINVAL, "fingerprint",
				"fingerprint: \"sha256:<64 hex>\" or \"sm3:<64 hex>\" as printed by \"dipreg fingerprint\"");
	if (in->files < 0 || in->bytes < 0 || in->files > ((int64_t)1 << 40) ||
	    in->bytes > ((int64_t)1 << 60))
		return dip_fail(e, DIP_EINVAL, "files", "files and bytes: whole numbers, not negative");
	rc = svc__text(in->description, "description", 0, 200, e);
	if (rc)
		return rc;
	memset(&d, 0, sizeof(d));
	d.account_id = who->id;
	snprintf(d.fingerprint, sizeof(d.fingerprint), "%s", in->fingerprint);
	d.files = in->files;
	d.bytes = in->bytes;
	snprintf(d.description, sizeof(d.description), "%s", in->description ? in->description : "");
	d.created_at = now;
	rc = svc__begin(v, e);
	if (rc)
		return rc;
	d.ledger_index = -1;
	rc = svc__st(v, v->st->deposit_insert(v->st, &d), e);
	entry = json_pack("{s:I,s:s,s:I,s:I}", "deposit", (json_int_t)d.id, "fingerprint",
			  d.fingerprint, "files", (json_int_t)d.files, "bytes", (json_int_t)d.bytes);
	if (rc == 0)
		rc = svc__ledger(v, "deposit", entry, now, &d.ledger_index, e);
	else
		json_decref(entry);
	if (rc == 0)
		rc = svc__st(v, v->st->deposit_set_index(v->st, d.id, d.ledger_index), e);
	if (rc == 0)
		rc = svc__audit(v, who, "deposit", d.fingerprint, "", now);
	if (rc) {
		svc__rollback(v);
		return rc;
	}
	rc = svc__commit(v, e);
	if (rc == 0 && out)
		*out = d;
	return rc;
}
