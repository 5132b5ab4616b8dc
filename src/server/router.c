/*
 * router.c - the route table, matching, and the OpenAPI document built
 * from it.
 */
#include "server/router.h"
#include "server/handlers.h"
#include "server/metrics.h"
#include "util/res.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GET EVHTTP_REQ_GET
#define POST EVHTTP_REQ_POST
#define PUT EVHTTP_REQ_PUT
#define DEL EVHTTP_REQ_DELETE
#define PATCH EVHTTP_REQ_PATCH

#define E_READ "401 403 404"
#define E_WRITE "400 401 403 404 409 413 415 422"

const struct route routes[] = {
	/* meta */
	{ GET, "/api/health", h_health, AUTH_NONE, "meta", "Liveness and database check", NULL,
	  "Health", 200, NULL, "503" },
	{ GET, "/api/openapi.json", h_openapi, AUTH_NONE, "meta", "This document", NULL, NULL, 200,
	  NULL, "" },
	{ GET, "/api/reference/industries", h_industries, AUTH_NONE, "meta",
	  "GB/T 4754-2017 sections and divisions (Art. 5 (2))", NULL, "Industries", 200, NULL, "" },
	{ GET, "/api/reference/rules", h_rules, AUTH_NONE, "meta",
	  "The rules profile in force: every deadline of the procedure", NULL, "Rules", 200, NULL, "" },
	{ GET, "/api/reference/fields", h_fields, AUTH_NONE, "meta",
	  "The Art. 5 application fields, their labels and confidentiality", NULL, "Fields", 200,
	  NULL, "" },
	/* accounts */
	{ POST, "/api/accounts", h_signup, AUTH_NONE, "accounts",
	  "Sign up as a natural person, legal person or unincorporated organisation (Art. 6)",
	  "AccountInput", "Account", 201, NULL, E_WRITE },
	{ POST, "/api/session", h_login, AUTH_NONE, "accounts",
	  "Sign in; sets the session cookie and returns the CSRF token", "Login", "Session", 200,
	  NULL, "400 401 422 429" },
	{ GET, "/api/session", h_me, AUTH_USER, "accounts", "The signed-in account", NULL, "Session",
	  200, NULL, "401" },
	{ DEL, "/api/session", h_logout, AUTH_USER, "accounts", "Sign out", NULL, "Ok", 200, NULL,
	  "401 403" },
	{ PUT, "/api/session/password", h_password, AUTH_USER, "accounts",
	  "Change your password; ends your other sessions and API tokens (a browser goes on with a new session and CSRF token)",
	  "PasswordInput", "Ok", 200, NULL, E_WRITE },
	{ POST, "/api/tokens", h_token_create, AUTH_USER, "accounts",
	  "Create an API token for programs (shown once)", "TokenInput", "Token", 201, NULL, E_WRITE },
	{ DEL, "/api/tokens", h_token_revoke, AUTH_USER, "accounts", "Revoke an API token",
	  "TokenRevoke", "Ok", 200, NULL, E_WRITE },
	{ POST, "/api/agencies", h_agency_request, AUTH_AGENT, "accounts",
	  "An agency records a power of attorney (授权委托书) from a principal (Art. 6 para 2)",
	  "AgencyRequest", "Ok", 200, NULL, E_WRITE },
	{ POST, "/api/agencies/confirm", h_agency_confirm, AUTH_PARTY, "accounts",
	  "A principal confirms or revokes an agency's power of attorney", "AgencyConfirm", "Ok",
	  200, NULL, E_WRITE },
	/* applications */
	{ GET, "/api/applications", h_app_list, AUTH_USER, "applications",
	  "Your applications (examiners: all), newest first", NULL, "ApplicationList", 200,
	  "state:string:filter by state|after:integer:cursor from the previous page|limit:integer:page size (at most 200)",
	  E_READ },
	{ POST, "/api/applications", h_app_create, AUTH_PARTY, "applications",
	  "Create a draft with the Art. 5 content, joint applicants (Art. 6) or principals",
	  "DraftInput", "Application", 201, NULL, E_WRITE },
	{ GET, "/api/applications/{id}", h_app_get, AUTH_NONE, "applications",
	  "An application as you may see it: whole for parties and examiners, the Art. 10 items during publication, the register entry after announcement",
	  NULL, "Application", 200, NULL, "404" },
	{ PUT, "/api/applications/{id}", h_app_update, AUTH_PARTY, "applications",
	  "Replace the content of a draft (joint applicants confirm again)", "ContentInput",
	  "Application", 200, NULL, E_WRITE },
	{ POST, "/api/applications/{id}/confirm", h_app_confirm, AUTH_PARTY, "applications",
	  "A joint applicant confirms the draft (Art. 6)", NULL, "Application", 200, NULL, E_WRITE },
	{ POST, "/api/applications/{id}/submit", h_app_submit, AUTH_PARTY, "applications",
	  "Submit (Art. 7); 422 lists every defect", NULL, "Application", 200, NULL, E_WRITE },
	{ POST, "/api/applications/{id}/withdraw", h_app_withdraw, AUTH_PARTY, "applications",
	  "Withdraw before the decision, with a reason (Art. 9 (5) looks at it)", "ReasonInput",
	  "Application", 200, NULL, E_WRITE },
	{ POST, "/api/applications/{id}/reply", h_app_reply, AUTH_PARTY, "applications",
	  "Answer the correction notice with the corrected content (Art. 8)", "ReplyInput",
	  "Application", 200, NULL, E_WRITE },
	{ POST, "/api/applications/{id}/late-reply", h_app_late_reply, AUTH_PARTY, "applications",
	  "Reply after the deadline, stating the justified reason (Art. 8)", "LateReplyInput",
	  "Application", 200, NULL, E_WRITE },
	{ POST, "/api/applications/{id}/renew", h_app_renew, AUTH_PARTY, "applications",
	  "Renew within the month before expiry (Art. 14)", NULL, "Application", 200, NULL, E_WRITE },
	{ GET, "/api/applications/{id}/events", h_app_events, AUTH_USER, "applications",
	  "The registration archive of every act (Art. 19)", NULL, "Events", 200, NULL, E_READ },
	{ POST, "/api/applications/{id}/objections", h_objection_file, AUTH_NONE, "objections",
	  "Anyone objects during publication, with evidence (Art. 10); returns a follow-up token",
	  "ObjectionInput", "ObjectionFiled", 201, NULL, "400 404 409 413 415 422" },
	{ POST, "/api/applications/{id}/requests", h_request_file, AUTH_PARTY, "requests",
	  "File a change, transaction, pledge, licence, transfer or cancellation (Arts. 15, 16, 18)",
	  "RequestInput", "Request", 201, NULL, E_WRITE },
	/* examination */
	{ GET, "/api/tasks", h_tasks, AUTH_EXAMINER, "examination",
	  "Open registry duties with statutory deadlines; overdue and due-soon flagged", NULL,
	  "Tasks", 200, NULL, "401 403" },
	{ POST, "/api/applications/{id}/correction", h_app_correction, AUTH_EXAMINER, "examination",
	  "Send the one correction notice listing every defect (Art. 8)", "CorrectionInput",
	  "Application", 200, NULL, E_WRITE },
	{ POST, "/api/applications/{id}/late-reply/decision", h_app_late_decision, AUTH_EXAMINER,
	  "examination", "Accept or reject a late reply (Art. 8)", "DecisionInput", "Application",
	  200, NULL, E_WRITE },
	{ POST, "/api/applications/{id}/refuse", h_app_refuse, AUTH_EXAMINER, "examination",
	  "Refuse on one or more grounds of Art. 9", "RefuseInput", "Application", 200, NULL,
	  E_WRITE },
	{ POST, "/api/applications/{id}/publish", h_app_publish, AUTH_EXAMINER, "examination",
	  "Publish for 10 working days (Art. 10)", NULL, "Application", 200, NULL, E_WRITE },
	{ POST, "/api/applications/{id}/register", h_app_register, AUTH_EXAMINER, "examination",
	  "Approve and announce after publication (Art. 12)", NULL, "Application", 200, NULL,
	  E_WRITE },
	{ POST, "/api/applications/{id}/cancel", h_app_cancel, AUTH_EXAMINER, "examination",
	  "Cancel when no rights holder remains (Art. 18 para 2)", "ReasonInput", "Application", 200,
	  NULL, E_WRITE },
	{ POST, "/api/applications/{id}/revoke", h_app_revoke, AUTH_EXAMINER, "examination",
	  "Revoke for concealment or falsification (Arts. 9 (6), 23)", "ReasonInput", "Application",
	  200, NULL, E_WRITE },
	/* objections */
	{ GET, "/api/objections/{id}", h_objection_get, AUTH_NONE, "objections",
	  "An objection: examiners, the applicant once forwarded, the objector (X-Objection-Token)",
	  NULL, "Objection", 200, NULL, "404" },
	{ POST, "/api/objections/{id}/forward", h_objection_step, AUTH_EXAMINER, "objections",
	  "Forward the objection to the applicant (Art. 11, 3 working days)", "StepInput",
	  "Objection", 200, NULL, E_WRITE },
	{ POST, "/api/objections/{id}/answer", h_objection_step, AUTH_PARTY, "objections",
	  "The applicant answers with evidence (Art. 11, 10 working days)", "StepInput", "Objection",
	  200, NULL, E_WRITE },
	{ POST, "/api/objections/{id}/forward-answer", h_objection_step, AUTH_EXAMINER,
	  "objections", "Forward the answer to the objector (Art. 11, 3 working days)", "StepInput",
	  "Objection", 200, NULL, E_WRITE },
	{ POST, "/api/objections/{id}/supplement", h_objection_step, AUTH_NONE, "objections",
	  "The objector adds evidence (Art. 11, 5 working days; X-Objection-Token)", "StepInput",
	  "Objection", 200, NULL, "400 403 404 409 413 415 422" },
	{ POST, "/api/objections/{id}/decide", h_objection_step, AUTH_EXAMINER, "objections",
	  "Decide: upheld (refuses on the given Art. 9 grounds) or not (Art. 11)", "ObjectionDecision",
	  "Objection", 200, NULL, E_WRITE },
	{ POST, "/api/objections/{id}/withdraw", h_objection_step, AUTH_NONE, "objections",
	  "The objector withdraws the objection (X-Objection-Token)", "StepInput", "Objection", 200,
	  NULL, "400 403 404 409 422" },
	{ GET, "/api/objections/{id}/messages", h_objection_messages, AUTH_NONE, "objections",
	  "Notices delivered to an objector without an account (X-Objection-Token)", NULL, "Inbox",
	  200, NULL, "403 404" },
	/* requests after registration */
	{ GET, "/api/requests", h_request_list, AUTH_USER, "requests",
	  "Your requests, newest first: those you filed, those on registrations you hold, transfers passing to you; registry staff see every request",
	  NULL, "Requests", 200,
	  "awaiting:boolean:only the transfers waiting for your confirmation (Art. 16)|state:string:awaiting_party, pending, approved, rejected, withdrawn or declined|kind:string:change, transaction, pledge, licence, transfer or cancel|after:integer:cursor|limit:integer:page size (at most 200)",
	  "401 422" },
	{ GET, "/api/requests/{id}", h_request_get, AUTH_USER, "requests", "A request", NULL,
	  "Request", 200, NULL, E_READ },
	{ POST, "/api/requests/{id}/confirm", h_request_confirm, AUTH_PARTY, "requests",
	  "The transferee confirms a joint transfer (Art. 16)", NULL, "Request", 200, NULL, E_WRITE },
	{ POST, "/api/requests/{id}/decline", h_request_decline, AUTH_PARTY, "requests",
	  "The transferee declines a joint transfer: the request ends, the holders are told (Art. 16)",
	  "ReasonInput", "Request", 200, NULL, E_WRITE },
	{ POST, "/api/requests/{id}/withdraw", h_request_withdraw, AUTH_PARTY, "requests",
	  "Its filer or the holder withdraws a request the registry has not decided", "ReasonInput",
	  "Request", 200, NULL, E_WRITE },
	{ POST, "/api/requests/{id}/decision", h_request_decide, AUTH_EXAMINER, "requests",
	  "Approve and announce, or reject (Art. 17)", "DecisionInput", "Request", 200, NULL,
	  E_WRITE },
	/* uploads */
	{ POST, "/api/uploads", h_upload_put, AUTH_NONE, "uploads",
	  "Upload a file (raw body; PDF, PNG, JPEG, ZIP, CSV, JSON or text); content-addressed by SHA-256",
	  NULL, "Upload", 201, "name:string:the file's name", "400 413 415 422 429" },
	{ GET, "/api/uploads/{sha256}", h_upload_get, AUTH_USER, "uploads",
	  "Download a file you may read (reads of confidential material are audited)", NULL, NULL,
	  200, NULL, E_READ },
	/* inbox */
	{ GET, "/api/inbox", h_inbox, AUTH_USER, "inbox", "Documents delivered to you (送达, Art. 7)",
	  NULL, "Inbox", 200, "unread:boolean:only unread|after:integer:cursor|limit:integer:page size (at most 200)", "401 422" },
	{ GET, "/api/inbox/unread", h_inbox_unread, AUTH_USER, "inbox", "Unread count", NULL, "Unread",
	  200, NULL, "401" },
	{ POST, "/api/inbox/{id}/read", h_inbox_read, AUTH_USER, "inbox", "Mark a document read",
	  NULL, "Ok", 200, NULL, E_WRITE },
	/* public register */
	{ GET, "/api/publications", h_publications, AUTH_NONE, "public",
	  "Applications in publication (公示, Art. 10)", NULL, "ApplicationList", 200,
	  "after:integer:cursor|limit:integer:page size", "" },
	{ GET, "/api/register", h_register, AUTH_NONE, "public",
	  "The register of announced registrations (Art. 20)", NULL, "ApplicationList", 200,
	  "state:string:registered, cancelled or revoked|after:integer:cursor|limit:integer:page size",
	  "" },
	{ GET, "/api/search", h_search, AUTH_NONE, "public",
	  "Search the register and the publications (Art. 20): words in Chinese or English, \"phrases\", OR, -excluded, (groups); a certificate number, registration number or sha256: fingerprint finds its record. Hits are highlighted; totals past 2,000 are estimated",
	  NULL, "SearchResult", 200,
	  "q:string:the query; blank lists the register|industry:string:GB/T 4754-2017 section letter or division|status:string:publication, objection, registered, cancelled, revoked (comma-separated)|holder:string:a holder's exact name or credit code|from:string:registration (publication) date from, YYYY-MM-DD|to:string:up to this date, inclusive|sort:string:relevance (default with q), newest, oldest|cursor:string:next of the previous page|limit:integer:page size, 1 to 100 (default 20)",
	  "400 422" },
	{ GET, "/api/announcements", h_announcements, AUTH_NONE, "public",
	  "Announcements (公告) and publications, newest first, from the transparency log", NULL,
	  "Announcements", 200, "before:integer:log index cursor|limit:integer:page size", "" },
	/* certificates */
	{ GET, "/api/certificates/{number}", h_certificate, AUTH_NONE, "certificates",
	  "A certificate's status now (in force, superseded, expired, cancelled, revoked), its versions, and the signed document with its log receipt",
	  NULL, "CertificateStatus", 200, "version:integer:a version (default: the latest)", "404 422" },
	{ POST, "/api/verify", h_verify, AUTH_NONE, "certificates",
	  "Verify a receipt or a certificate document you hold, as issued: signed by this registry's log, its entry in the log's tree, cosigned by how many witnesses, and a certificate's status now; a document that fails gets valid: false and the reason",
	  "DocumentInput", "Verification", 200, NULL, "400 413 415 422" },
	{ GET, "/api/certificates/{number}/document", h_certificate_document, AUTH_NONE,
	  "certificates", "The signed certificate document, to verify offline with dipreg verify",
	  NULL, "CertificateDocument", 200, "version:integer:a version (default: the latest)",
	  "404 422" },
	{ GET, "/api/certificates/{number}/pdf", h_certificate_pdf, AUTH_NONE, "certificates",
	  "The certificate as a one-page PDF (A4, Chinese layout, QR code, registry seal)", NULL, NULL,
	  200, "version:integer:a version (default: the latest)", "404 422" },
	{ GET, "/api/certificates/{number}/qr.svg", h_certificate_qr, AUTH_NONE, "certificates",
	  "The QR code of the certificate's verification URL, as SVG", NULL, NULL, 200,
	  "version:integer:a version (default: the latest)", "404 422" },
	/* the transparency log (C2SP formats) and evidence deposits */
	{ GET, "/log/checkpoint", h_log_checkpoint, AUTH_NONE, "log",
	  "The latest signed checkpoint (C2SP tlog-checkpoint signed note, with witness cosignatures)",
	  NULL, NULL, 200, NULL, "404" },
	{ GET, "/log/keys", h_log_keys, AUTH_NONE, "log",
	  "The log's verifier keys (signed-note format), current first, then retired ones", NULL,
	  NULL, 200, NULL, "" },
	{ GET, "/log/tile/*", h_log_tile, AUTH_NONE, "log",
	  "C2SP tlog-tiles: hash tiles tile/<L>/<N>[.p/<W>] and entry bundles tile/entries/<N>[.p/<W>] (immutable; bundles gzip on request)",
	  NULL, NULL, 200, NULL, "404" },
	{ GET, "/api/log/entries/{index}", h_log_entry, AUTH_NONE, "log",
	  "A log entry and its leaf hash", NULL, "LogEntry", 200, NULL, "404" },
	{ GET, "/api/log/proof/inclusion", h_log_inclusion, AUTH_NONE, "log",
	  "RFC 9162 inclusion proof of an entry", NULL, "InclusionProof", 200,
	  "index:integer:entry index|leaf_hash:string:hex leaf hash, instead of index|size:integer:tree size (default: the latest checkpoint)",
	  "404 422" },
	{ GET, "/api/log/proof/consistency", h_log_consistency, AUTH_NONE, "log",
	  "RFC 9162 consistency proof between two tree sizes", NULL, "ConsistencyProof", 200,
	  "from:integer:older size|to:integer:newer size (default: the latest)", "422" },
	{ GET, "/api/log/fingerprints/{fingerprint}", h_log_fingerprint, AUTH_NONE, "log",
	  "Publications and registrations of a dataset fingerprint (Art. 9 (5))", NULL,
	  "FingerprintLookup", 200, NULL, "422" },
	{ POST, "/api/log/cosignatures", h_log_cosign, AUTH_NONE, "log",
	  "A configured witness adds its cosignature (C2SP tlog-cosignature) to the latest checkpoint",
	  "Cosignature", NULL, 200, NULL, "400 409 415 422" },
	{ POST, "/api/deposits", h_deposit, AUTH_PARTY, "log",
	  "Deposit a dataset fingerprint (存证, Art. 9 (3)); returns the receipt", "DepositInput",
	  "Receipt", 201, NULL, E_WRITE },
	{ GET, "/api/deposits/{id}/receipt", h_deposit_receipt, AUTH_USER, "log",
	  "The receipt of your deposit against the latest checkpoint the witnesses cosigned that holds it, else the latest", NULL, "Receipt", 200, NULL,
	  E_READ },
	/* admin */
	{ GET, "/api/admin/accounts", h_admin_accounts, AUTH_ADMIN, "admin", "Accounts", NULL,
	  "AccountList", 200, "after:integer:cursor", "401 403" },
	{ POST, "/api/admin/accounts", h_admin_account_create, AUTH_ADMIN, "admin",
	  "Create an account with roles (examiners, admins, agencies)", "AccountInput", "Account",
	  201, NULL, E_WRITE },
	{ PATCH, "/api/admin/accounts/{id}", h_admin_account_update, AUTH_ADMIN, "admin",
	  "Change roles, disable, or reset the password", "AccountUpdate", "Account", 200, NULL,
	  E_WRITE },
	{ GET, "/api/admin/audit", h_admin_audit, AUTH_ADMIN, "admin",
	  "The audit log: every act and every read of confidential material", NULL, "Audit", 200,
	  "actor:integer:account id|object:string:e.g. application:12|after:integer:cursor",
	  "401 403" },
	{ GET, "/api/admin/calendar", h_admin_calendar_get, AUTH_ADMIN, "admin",
	  "The holiday calendar in force", NULL, "Calendar", 200, NULL, "401 403" },
	{ PUT, "/api/admin/calendar", h_admin_calendar_put, AUTH_ADMIN, "admin",
	  "Replace the holiday calendar (the file format of data/cn-holidays.txt)", "Calendar",
	  "Calendar", 200, NULL, E_WRITE },
	{ POST, "/api/admin/tick", h_admin_tick, AUTH_ADMIN, "admin",
	  "Run the scheduler now", NULL, "TickReport", 200, NULL, "401 403" },
	{ POST, "/api/admin/clock", h_admin_clock, AUTH_ADMIN, "admin",
	  "Set the server's clock (only with --test-clock; 404 otherwise)", "Clock", "Clock", 200,
	  NULL, E_WRITE },
	/* statistics and open data (Art. 20) */
#define Q_PERIOD "from:string:first month, YYYY-MM (default: the first with data)|to:string:last month, YYYY-MM (default: the current one)"
#define Q_CSV "table:string:which table of the report (default: the first)|lang:string:zh (default) or en headers|" Q_PERIOD
#define Q_CHART "lang:string:zh (default) or en|" Q_PERIOD
	{ GET, "/api/stats/summary", h_stats_report, AUTH_NONE, "statistics",
	  "Headline figures of the register: applications, registrations in force, renewals, changes, transfers, cancellations, revocations, filings and amounts, the latest index",
	  NULL, "StatsSummary", 200, Q_PERIOD, "422" },
	{ GET, "/api/stats/summary.csv", h_stats_report, AUTH_NONE, "statistics",
	  "The headline figures as CSV (UTF-8 with BOM)", NULL, NULL, 200, Q_CSV, "422" },
	{ GET, "/api/stats/registrations", h_stats_report, AUTH_NONE, "statistics",
	  "Registrations by month (received, announced, renewed, changed, transferred, cancelled by reason, revoked, in force at month end), by industry section and division, by holder class, and applications by state",
	  NULL, "StatsRegistrations", 200, Q_PERIOD, "422" },
	{ GET, "/api/stats/registrations.csv", h_stats_report, AUTH_NONE, "statistics",
	  "A table of the registrations report as CSV: months, sections, divisions, holders or states",
	  NULL, NULL, 200, Q_CSV, "422" },
	{ GET, "/api/stats/filings", h_stats_report, AUTH_NONE, "statistics",
	  "Transaction, pledge and licence filings (Art. 15) by month of the act, kind and industry, with declared amounts and the share filed late",
	  NULL, "StatsFilings", 200, Q_PERIOD, "422" },
	{ GET, "/api/stats/filings.csv", h_stats_report, AUTH_NONE, "statistics",
	  "A table of the filings report as CSV: months, kinds, sections or divisions", NULL, NULL,
	  200, Q_CSV, "422" },
	{ GET, "/api/stats/index", h_stats_report, AUTH_NONE, "statistics",
	  "The registry trading-activity index (数据要素交易活跃度指数), base month = 100, with its count and value sub-indices and each section's contribution (docs/index.md)",
	  NULL, "StatsIndex", 200,
	  "base:string:base month YYYY-MM (default: configured, else the first full month with filings)|" Q_PERIOD,
	  "422" },
	{ GET, "/api/stats/index.csv", h_stats_report, AUTH_NONE, "statistics",
	  "A table of the index as CSV: months or sections", NULL, NULL, 200,
	  "base:string:base month YYYY-MM|" Q_CSV, "422" },
	{ GET, "/api/stats/charts/registrations.svg", h_stats_chart, AUTH_NONE, "statistics",
	  "Chart: registrations announced per month (SVG, no script)", NULL, NULL, 200, Q_CHART,
	  "422" },
	{ GET, "/api/stats/charts/filings.svg", h_stats_chart, AUTH_NONE, "statistics",
	  "Chart: filings per month by kind, stacked (SVG)", NULL, NULL, 200, Q_CHART, "422" },
	{ GET, "/api/stats/charts/amounts.svg", h_stats_chart, AUTH_NONE, "statistics",
	  "Chart: amounts declared in filings per month, in 10,000 yuan (SVG)", NULL, NULL, 200,
	  Q_CHART, "422" },
	{ GET, "/api/stats/charts/index.svg", h_stats_chart, AUTH_NONE, "statistics",
	  "Chart: the trading-activity index and its sub-indices (SVG)", NULL, NULL, 200,
	  "base:string:base month YYYY-MM|" Q_CHART, "422" },
	{ GET, "/api/stats/charts/sections.svg", h_stats_chart, AUTH_NONE, "statistics",
	  "Chart: registrations by industry section (SVG)", NULL, NULL, 200, Q_CHART, "422" },
	{ GET, "/api/stats/charts/holders.svg", h_stats_chart, AUTH_NONE, "statistics",
	  "Chart: registrations in force by holder class (SVG)", NULL, NULL, 200, Q_CHART, "422" },
	{ PUT, "/api/admin/stats/index-base", h_stats_index_base, AUTH_ADMIN, "admin",
	  "Set the trading-activity index's base month, or null for the default rule", "IndexBase",
	  "IndexBase", 200, NULL, E_WRITE },
	{ GET, "/api/open/register.csv", h_open_register_csv, AUTH_NONE, "open data",
	  "The public register as CSV (UTF-8 with BOM), streamed: only what Art. 20 lets anyone consult",
	  NULL, NULL, 200,
	  "application:integer:one registration only|lang:string:zh (default) or en headers|page:integer:registrations per streamed chunk (1-500, default 200)",
	  "404 422" },
	{ GET, "/api/open/catalog.jsonld", h_open_catalog, AUTH_NONE, "open data",
	  "The register as a DCAT catalogue (JSON-LD): a dcat:Dataset per registration, with JSON and CSV distributions",
	  NULL, NULL, 200, "page:integer:registrations per streamed chunk (1-500, default 200)",
	  "422" },
	{ GET, "/api/open/feed.atom", h_open_feed, AUTH_NONE, "open data",
	  "Announcements and publications as an Atom feed (RFC 4287), newest first", NULL, NULL, 200,
	  "limit:integer:entries (at most 200, default 50)", "422" },
#undef Q_PERIOD
#undef Q_CSV
#undef Q_CHART
	/* operations */
	{ GET, "/metrics", h_metrics, AUTH_NONE, "meta",
	  "Prometheus metrics: requests by route and status with latency histograms, applications by state, overdue tasks, the log, the scheduler, database errors (only to the addresses of the metrics_allow setting)",
	  NULL, NULL, 200, NULL, "403" },
};

const size_t nroutes = sizeof(routes) / sizeof(routes[0]);

const char *route_method_name(int m)
{
	switch (m) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_PATCH: return "PATCH";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	case EVHTTP_REQ_TRACE: return "TRACE";
	case EVHTTP_REQ_CONNECT: return "CONNECT";
	}
	return "OTHER";
}

/* Matches path against pattern, capturing {params}. */
static int match(const char *pattern, const char *path, struct req *r)
{
	const char *p = pattern, *s = path, *close, *seg_end;
	int n = 0;
	size_t len;

	while (*p && *s) {
		if (*p == '*' && p[1] == '\0') {
			/* The rest of the path, as one parameter. */
			size_t rest = strlen(s);

			if (n >= REQ_MAX_PARAMS || rest >= sizeof(r->param_buf[0]))
				return 0;
			memcpy(r->param_buf[n], s, rest + 1);
			r->param[n] = r->param_buf[n];
			return 1;
		}
		if (*p == '{') {
			close = strchr(p, '}');
			seg_end = strchr(s, '/');
			if (seg_end == NULL)
				seg_end = s + strlen(s);
			len = (size_t)(seg_end - s);
			if (close == NULL || len == 0 || len >= sizeof(r->param_buf[0]) ||
			    n >= REQ_MAX_PARAMS)
				return 0;
			memcpy(r->param_buf[n], s, len);
			r->param_buf[n][len] = '\0';
			r->param[n] = r->param_buf[n];
			n++;
			p = close + 1;
			s = seg_end;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

const struct route *route_match(struct req *r, int *path_known)
{
	int method = r->method == EVHTTP_REQ_HEAD ? EVHTTP_REQ_GET : r->method;
	size_t i;

	/* The method first, since it costs less than the path; the paths of
	 * the other methods only for a request that found no route. */
	*path_known = 0;
	for (i = 0; i < nroutes; i++)
		if (routes[i].method == method && match(routes[i].pattern, r->path, r)) {
			*path_known = 1;
			return &routes[i];
		}
	for (i = 0; i < nroutes; i++)
		if (match(routes[i].pattern, r->path, r)) {
			*path_known = 1;
			break;
		}
	return NULL;
}

static const char *auth_roles(enum auth_need a)
{
	switch (a) {
	case AUTH_NONE: return "anyone";
	case AUTH_USER: return "any signed-in account";
	case AUTH_PARTY: return "applicant or agency";
	case AUTH_AGENT: return "agency";
	case AUTH_EXAMINER: return "examiner";
	case AUTH_ADMIN: return "admin";
	}
	return "";
}

static json_t *ref(const char *name)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "#/components/schemas/%s", name);
	return json_pack("{s:s}", "$ref", buf);
}

static json_t *operation(const struct route *rt)
{
	json_t *op = json_object(), *params = json_array(), *resp = json_object();
	const char *p, *q, *end;
	char name[64], type[32], desc[200], status[8];
	size_t n;

	json_object_set_new(op, "summary", json_string(rt->summary));
	json_object_set_new(op, "tags", json_pack("[s]", rt->tag));
	json_object_set_new(op, "x-roles", json_string(auth_roles(rt->auth)));
	if (rt->pattern[strlen(rt->pattern) - 1] == '*')
		json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:s,s:{s:s}}", "name", "path",
							"in", "path", "required", 1, "description",
							"the tile path, e.g. 0/x001/234.p/7 or entries/000",
							"schema", "type", "string"));
	for (p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{')) {
		end = strchr(p, '}');
		n = (size_t)(end - p - 1);
		snprintf(name, sizeof(name), "%.*s", (int)n, p + 1);
		json_array_append_new(params, json_pack("{s:s,s:s,s:b,s:{s:s}}", "name", name, "in",
							"path", "required", 1, "schema", "type",
							strcmp(name, "sha256") == 0 ||
								strcmp(name, "fingerprint") == 0 ||
								strcmp(name, "number") == 0 ? "string" : "integer"));
	}
	for (q = rt->query; q && *q; q = end ? end + 1 : q + strlen(q)) {
		end = strchr(q, '|');
		if (sscanf(q, "%63[^:]:%31[^:]:%199[^|]", name, type, desc) == 3)
			json_array_append_new(params, json_pack("{s:s,s:s,s:s,s:{s:s}}", "name", name, "in",
								"query", "description", desc, "schema",
								"type", type));
		if (end == NULL)
			break;
	}
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (rt->body)
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b,s:{s:{s:o}}}", "required", 1, "content",
					      "application/json", "schema", ref(rt->body)));
	else if (rt->fn == h_upload_put)
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b,s:{s:{s:{s:s,s:s}}}}", "required", 1, "content",
					      "application/octet-stream", "schema", "type", "string",
					      "format", "binary"));
	snprintf(status, sizeof(status), "%d", rt->ok_status);
	if (rt->ok)
		json_object_set_new(resp, status,
				    json_pack("{s:s,s:{s:{s:o}}}", "description", "success", "content",
					      "application/json", "schema", ref(rt->ok)));
	else
		json_object_set_new(resp, status, json_pack("{s:s}", "description", "success"));
	for (p = rt->errors; p && *p; p = end) {
		while (*p == ' ')
			p++;
		end = strchr(p, ' ');
		if (end == NULL)
			end = p + strlen(p);
		if (end == p)
			break;
		snprintf(status, sizeof(status), "%.*s", (int)(end - p), p);
		json_object_set_new(resp, status,
				    json_pack("{s:s,s:{s:{s:o}}}", "description", "error", "content",
					      "application/json", "schema", ref("Error")));
	}
	json_object_set_new(op, "responses", resp);
	if (rt->auth != AUTH_NONE)
		json_object_set_new(op, "security", json_pack("[{s:[]},{s:[]}]", "session", "bearer"));
	return op;
}

static void openapi_media_types(json_t *paths);

json_t *openapi_document(void)
{
	const struct dip_resource *base = res_get("data/openapi.json");
	json_t *doc = base ? json_loadb(base->data, base->len, 0, NULL) : NULL, *paths, *item;
	size_t i;

	if (doc == NULL)
		doc = json_object();
	paths = json_object();
	for (i = 0; i < nroutes; i++) {
		char pattern[160];
		size_t plen = strlen(routes[i].pattern);

		/* A trailing wildcard is documented as a path parameter spanning segments. */
		if (plen && routes[i].pattern[plen - 1] == '*')
			snprintf(pattern, sizeof(pattern), "%.*s{path}", (int)plen - 1, routes[i].pattern);
		else
			snprintf(pattern, sizeof(pattern), "%s", routes[i].pattern);
		item = json_object_get(paths, pattern);
		if (item == NULL) {
			item = json_object();
			json_object_set_new(paths, pattern, item);
		}
		json_object_set_new(item, route_method_name(routes[i].method) [0] == 'D' ? "delete"
				    : routes[i].method == EVHTTP_REQ_GET ? "get"
				    : routes[i].method == EVHTTP_REQ_POST ? "post"
				    : routes[i].method == EVHTTP_REQ_PUT ? "put" : "patch",
				    operation(&routes[i]));
	}
	json_object_set_new(doc, "paths", paths);
	openapi_media_types(paths);
	return doc;
}

/* ---- statistics and open data: what the non-JSON routes answer ---- */

static const struct {
	const char *suffix, *type;
} media_types[] = {
	{ ".csv", "text/csv" },
	{ ".svg", "image/svg+xml" },
	{ ".jsonld", "application/ld+json" },
	{ ".atom", "application/atom+xml" },
};

/* A 200 of a route whose path ends in one of the suffixes gets its content
 * type, where the table could only say "success". */
static void openapi_media_types(json_t *paths)
{
	const char *path, *method;
	json_t *item, *op, *ok;
	size_t i, n;

	json_object_foreach(paths, path, item) {
		for (i = 0; i < sizeof(media_types) / sizeof(media_types[0]); i++) {
			n = strlen(media_types[i].suffix);
			if (strlen(path) < n || strcmp(path + strlen(path) - n, media_types[i].suffix) != 0)
				continue;
			json_object_foreach(item, method, op) {
				ok = json_object_get(json_object_get(op, "responses"), "200");
				if (ok && !json_object_get(ok, "content"))
					json_object_set_new(ok, "content",
							    json_pack("{s:{s:{s:s}}}", media_types[i].type,
								      "schema", "type", "string"));
			}
		}
	}
}
