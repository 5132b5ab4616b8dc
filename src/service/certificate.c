/*
 * certificate.c - the public side of certificates: status and versions,
 * the signed document with its log receipt, and the PDF (Arts. 12-14, 17,
 * 20-22).
 *
 * Anyone may look a certificate up by its number: the answer says whether
 * that version is in force, superseded by a later version (renewal, change,
 * transfer), expired, cancelled or revoked, since when and why, so that a
 * genuine but outdated certificate is told apart from a current one.
 */
#include "service/internal.h"
#include "service/ledger.h"
#include "domain/certno.h"
#include "ledger/certificate.h"
#include "render/render.h"
#include "util/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *day_j(dip_day d)
{
	char s[11];

	day_format(d, s);
	return json_string(s);
}

/* The status a version shows now: an in-force version past its last day
 * is expired even before the scheduler cancels it. */
static enum cert_status status_now(const struct registry *r, const struct certificate *c,
				   dip_time now)
{
	if (c->status == CERT_IN_FORCE && time_day(now, r->zone) > c->valid_until)
		return CERT_EXPIRED;
	return c->status;
}

static int load(struct svc *v, const char *no, int version, struct certificate *c,
		struct certificate *latest, struct dip_error *e)
{
	int rc;

	if (no == NULL || certno_cert_parse(no, NULL, NULL) != 0)
		return dip_fail(e, DIP_ENOTFOUND, "certificate_number",
				"certificate_number: not a 17-digit certificate number");
	rc = svc__st(v, v->st->cert_get(v->st, no, 0, latest), e);
	if (rc == 0 && version > 0 && version != latest->version)
		rc = svc__st(v, v->st->cert_get(v->st, no, version, c), e);
	else if (rc == 0)
		rc = svc__st(v, v->st->cert_get(v->st, no, latest->version, c), e);
	if (rc == DIP_ENOTFOUND)
		dip_fail(e, rc, "certificate_number", "no certificate %s%s", no,
			 version > 0 ? " of that version" : "");
	return rc;
}

int svc_certificate_json(struct svc *v, const char *no, int version, dip_time now, json_t **out,
			 struct dip_error *e)
{
	struct certificate c, latest, each;
	struct application a;
	struct dbuf receipt;
	json_t *o, *versions, *doc;
	enum cert_status st;
	int rc, i;

	memset(&c, 0, sizeof(c));
	memset(&latest, 0, sizeof(latest));
	rc = svc__st(v, v->st->begin(v->st, 0), e);
	if (rc)
		return rc;
	rc = load(v, no, version, &c, &latest, e);
	if (rc)
		goto out;
	st = status_now(v->reg, &c, now);
	o = json_object();
	json_object_set_new(o, "certificate_number", json_string(c.cert_no));
	json_object_set_new(o, "registration_number", json_string(c.reg_no));
	json_object_set_new(o, "version", json_integer(c.version));
	json_object_set_new(o, "latest_version", json_integer(latest.version));
	json_object_set_new(o, "status", json_string(cert_status_name(st)));
	json_object_set_new(o, "in_force", json_boolean(st == CERT_IN_FORCE));
	json_object_set_new(o, "valid_from", day_j(c.valid_from));
	json_object_set_new(o, "valid_until", day_j(c.valid_until));
	{
		char ts[32];

		svc__time(v->reg, c.issued_at, ts);
		json_object_set_new(o, "issued_at", json_string(ts));
		svc__time(v->reg, st == CERT_EXPIRED && c.status == CERT_IN_FORCE
				  ? day_start(c.valid_until + 1, v->reg->zone) : c.status_at, ts);
		json_object_set_new(o, "status_since", json_string(ts));
	}
	if (v->st->app_get(v->st, c.app_id, &a) == 0) {
		if (a.close_reason && (st == CERT_CANCELLED || st == CERT_EXPIRED || st == CERT_REVOKED))
			json_object_set_new(o, "reason", json_string(close_reason_name(a.close_reason)));
		if (a.state == APP_REVOKED && st == CERT_REVOKED)
			json_object_set_new(o, "reason", json_string("revoked"));
		json_object_set_new(o, "application", json_integer(a.id));
		application_release(&a);
	}
	versions = json_array();
	for (i = 1; i <= latest.version; i++) {
		if (v->st->cert_get(v->st, c.cert_no, i, &each) != 0)
			continue;
		json_array_append_new(versions,
				      json_pack("{s:i,s:s,s:o,s:o}", "version", i, "status",
						cert_status_name(status_now(v->reg, &each, now)),
						"valid_from", day_j(each.valid_from), "valid_until",
						day_j(each.valid_until)));
		certificate_release(&each);
	}
	json_object_set_new(o, "versions", versions);
	doc = json_loads(c.doc, 0, NULL);
	v->st->rollback(v->st);
	/* The document with its receipt, when the log has a checkpoint
	 * covering its entry (the sequencer runs every second). */
	dbuf_init(&receipt, 1 << 20);
	if (doc && v->reg->keys && c.ledger_index >= 0 &&
	    svc_log_receipt(v, c.ledger_index, now, &receipt, NULL) == 0)
		json_object_set_new(doc, "receipt", json_loadb(receipt.p, receipt.len, 0, NULL));
	dbuf_free(&receipt);
	json_object_set_new(o, "document", doc ? doc : json_null());
	*out = o;
	certificate_release(&c);
	certificate_release(&latest);
	return 0;
out:
	v->st->rollback(v->st);
	certificate_release(&c);
	certificate_release(&latest);
	return rc;
}

static const char *jget(const json_t *o, const char *a, const char *b)
{
	const json_t *x = json_object_get(o, a);

	return json_string_value(b ? json_object_get(x, b) : x);
}

int svc_certificate_pdf(struct svc *v, const char *no, int version, dip_time now,
			struct dbuf *out, struct dip_error *e)
{
	struct cert_holder holders[16];
	struct cert_view view;
	json_t *info, *doc, *cert, *h;
	char path[1200], dir[1100], note[80];
	const char *status;
	char *data = NULL;
	size_t len, i, n;
	enum cert_status st = CERT_IN_FORCE;
	int rc;

	rc = svc_certificate_json(v, no, version, now, &info, e);
	if (rc)
		return rc;
	status = json_string_value(json_object_get(info, "status"));
	for (i = CERT_IN_FORCE; i <= CERT_REVOKED; i++)
		if (strcmp(cert_status_name((enum cert_status)i), status) == 0)
			st = (enum cert_status)i;
	/* A version's PDF never changes while its status does not: keep it. */
	snprintf(dir, sizeof(dir), "%s/certificates", v->reg->data_dir);
	snprintf(path, sizeof(path), "%s/%s-v%d-%s.pdf", dir, no,
		 (int)json_integer_value(json_object_get(info, "version")), status);
	if (file_read(path, 8 << 20, &data, &len, NULL) == 0) {
		rc = dbuf_add(out, data, len);
		free(data);
		json_decref(info);
		return rc;
	}
	doc = json_object_get(info, "document");
	cert = json_object_get(doc, "certificate");
	memset(&view, 0, sizeof(view));
	n = 0;
	json_array_foreach(json_object_get(cert, "holders"), i, h) {
		if (n == 16)
			break;
		holders[n].name = jget(h, "name", NULL);
		holders[n].id_type = strcmp(jget(h, "kind", NULL) ? jget(h, "kind", NULL) : "", "natural") == 0
					     ? "身份证件号码" : "统一社会信用代码";
		holders[n].id_number = jget(h, "id_number", NULL);
		n++;
	}
	view.registry_name = jget(cert, "registry", "name");
	view.legal_basis = jget(cert, "registry", "rules");
	view.cert_no = jget(cert, "certificate_number", NULL);
	view.reg_no = jget(cert, "registration_number", NULL);
	view.version = (int)json_integer_value(json_object_get(cert, "version"));
	/* render/ has its own status names (it sits below the domain). */
	view.status = st == CERT_SUPERSEDED ? RENDER_SUPERSEDED : st == CERT_CANCELLED ? RENDER_CANCELLED
		      : st == CERT_REVOKED ? RENDER_REVOKED : st == CERT_EXPIRED ? RENDER_EXPIRED
		      : RENDER_IN_FORCE;
	if (st != CERT_IN_FORCE) {
		snprintf(note, sizeof(note), "%.10s", json_string_value(json_object_get(info, "status_since")));
		view.status_note = note;
	}
	view.holders = holders;
	view.n_holders = n;
	view.dataset_name = jget(cert, "dataset", "name");
	view.industry_code = jget(cert, "dataset", "industry");
	view.industry_name = jget(cert, "industry_name", NULL);
	view.scenario = jget(cert, "dataset", "scenario");
	view.data_source = json_string_value(json_object_get(json_object_get(json_object_get(cert, "dataset"), "source"), "description"));
	view.algorithm = json_string_value(json_object_get(json_object_get(json_object_get(cert, "dataset"), "algorithm"), "summary"));
	view.fingerprint = json_string_value(json_object_get(json_object_get(json_object_get(cert, "dataset"), "evidence"), "fingerprint"));
	view.announced = jget(cert, "registration_date", NULL);
	view.valid_until = jget(cert, "valid_until", NULL);
	view.issued = jget(cert, "issued_at", NULL);
	{
		static char issued[11];

		snprintf(issued, sizeof(issued), "%.10s", view.issued ? view.issued : "");
		view.issued = issued;
	}
	view.verify_url = jget(cert, "verify_url", NULL);
	rc = render_cert_pdf(&view, out, e);
	if (rc == 0 && file_mkdirs(dir, NULL) == 0)
		file_write_atomic(path, out->p, out->len, NULL);
	json_decref(info);
	return rc;
}
