/*
 * upload.c - who may store and read uploaded files.
 *
 * The bytes live in the data directory under their SHA-256; the store
 * keeps who uploaded what and to which application it is linked.  A file
 * is readable by its uploader, by the parties of an application it is
 * linked to, and by examiners, whose every read of confidential material
 * is audited (Art. 19 para 2).
 */
#include "service/internal.h"

#include <stdio.h>
#include <string.h>

int svc_upload_add(struct svc *v, const struct actor *who, const struct upload *u,
		   struct dip_error *e)
{
	int rc = svc__begin(v, e);

	if (rc)
		return rc;
	rc = svc__st(v, v->st->upload_insert(v->st, u), e);
	if (rc == 0)
		rc = svc__audit(v, who, "upload", u->sha256, u->name, u->created_at);
	if (rc) {
		svc__rollback(v);
		return rc;
	}
	return svc__commit(v, e);
}

int svc_upload_access(struct svc *v, const struct actor *who, const char *sha256,
		      dip_time now, struct upload *out, struct dip_error *e)
{
	int rc, allowed = 0, examiner = (who->roles & (ROLE_EXAMINER | ROLE_ADMIN)) != 0;
	char obj[80];

	rc = svc__begin(v, e);
	if (rc)
		return rc;
	if (who->id && v->st->upload_get(v->st, sha256, who->id, out) == 0)
		allowed = 1;
	else if (v->st->upload_get(v->st, sha256, 0, out) == 0)
		allowed = examiner ? 2
			  : who->id && v->st->upload_party_link(v->st, sha256, who->id) == 0;
	if (!allowed) {
		svc__rollback(v);
		return dip_fail(e, DIP_ENOTFOUND, "", "file %.16s... not found", sha256);
	}
	if (allowed == 2) {
		snprintf(obj, sizeof(obj), "upload:%.64s", sha256);
		rc = svc__st(v, svc__audit(v, who, "read_confidential", obj, out->name, now), e);
		if (rc) {
			svc__rollback(v);
			return rc;
		}
	}
	return svc__commit(v, e);
}
