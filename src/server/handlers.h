/*
 * handlers.h - one function per route, grouped in a file per resource.
 */
#ifndef DIP_SERVER_HANDLERS_H
#define DIP_SERVER_HANDLERS_H

#include "server/http.h"

/* h_meta.c */
void h_health(struct req *r);
void h_openapi(struct req *r);
void h_industries(struct req *r);
void h_rules(struct req *r);
void h_fields(struct req *r);
void h_static(struct req *r);

/* h_accounts.c */
void h_signup(struct req *r);
void h_login(struct req *r);
void h_logout(struct req *r);
void h_me(struct req *r);
void h_password(struct req *r);
void h_token_create(struct req *r);
void h_token_revoke(struct req *r);
void h_agency_request(struct req *r);
void h_agency_confirm(struct req *r);

/* h_applications.c */
void h_app_list(struct req *r);
void h_app_create(struct req *r);
void h_app_get(struct req *r);
void h_app_update(struct req *r);
void h_app_confirm(struct req *r);
void h_app_submit(struct req *r);
void h_app_withdraw(struct req *r);
void h_app_reply(struct req *r);
void h_app_late_reply(struct req *r);
void h_app_renew(struct req *r);
void h_app_events(struct req *r);

/* h_examine.c */
void h_tasks(struct req *r);
void h_app_correction(struct req *r);
void h_app_late_decision(struct req *r);
void h_app_refuse(struct req *r);
void h_app_publish(struct req *r);
void h_app_register(struct req *r);
void h_app_cancel(struct req *r);
void h_app_revoke(struct req *r);

/* h_objections.c */
void h_objection_file(struct req *r);
void h_objection_get(struct req *r);
void h_objection_step(struct req *r);
void h_objection_messages(struct req *r);

/* h_requests.c */
void h_request_file(struct req *r);
void h_request_get(struct req *r);
void h_request_confirm(struct req *r);
void h_request_decide(struct req *r);
void h_request_list(struct req *r);
void h_request_decline(struct req *r);
void h_request_withdraw(struct req *r);

/* h_uploads.c */
void h_upload_put(struct req *r);
void h_upload_get(struct req *r);

/* h_inbox.c */
void h_inbox(struct req *r);
void h_inbox_unread(struct req *r);
void h_inbox_read(struct req *r);

/* h_public.c */
void h_publications(struct req *r);
void h_register(struct req *r);
void h_announcements(struct req *r);

/* h_search.c */
void h_search(struct req *r);

/* h_admin.c */
void h_admin_accounts(struct req *r);
void h_admin_account_create(struct req *r);
void h_admin_account_update(struct req *r);
void h_admin_audit(struct req *r);
void h_admin_clock(struct req *r);
void h_admin_tick(struct req *r);
void h_admin_calendar_get(struct req *r);
void h_admin_calendar_put(struct req *r);



/* h_log.c */
void h_log_checkpoint(struct req *r);
void h_log_keys(struct req *r);
void h_log_tile(struct req *r);
void h_log_entry(struct req *r);
void h_log_inclusion(struct req *r);
void h_log_consistency(struct req *r);
void h_log_fingerprint(struct req *r);
void h_log_cosign(struct req *r);
void h_deposit(struct req *r);
void h_deposit_receipt(struct req *r);
void h_verify(struct req *r);

/* h_certificates.c */
void h_certificate(struct req *r);
void h_certificate_document(struct req *r);
void h_certificate_pdf(struct req *r);
void h_certificate_qr(struct req *r);

/* Shared by the handler files (h_applications.c). */
/* Sends the application as the caller may see it, with status. */
void h__reply_app(struct req *r, int64_t id, int status);
/* Sends e as the error when rc is not 0; returns rc. */
int h__check(struct req *r, int rc, const struct dip_error *e);
/* Admin account creation shares sign-up (h_accounts.c). */
void h__account_create(struct req *r, int by_admin);
/* The role bits of a JSON list of role names; on a bad list replies 422
 * naming the field and sets *bad.  0 for a missing list. */
unsigned h__roles_from(struct req *r, const json_t *arr, int *bad);

/* h_stats.c, h_open.c: statistics and open data */
void h_stats_report(struct req *r);
void h_stats_chart(struct req *r);
void h_stats_index_base(struct req *r);
void h_open_register_csv(struct req *r);
void h_open_catalog(struct req *r);
void h_open_feed(struct req *r);
#endif
