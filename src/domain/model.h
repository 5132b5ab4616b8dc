/*
 * model.h - the records of a registry.
 *
 * Plain structs that the domain reasons about, the store persists and the
 * service passes between them.  Bounded text lives in fixed arrays; long or
 * structured text (the Art. 5 content, reasons, payloads) is a heap string
 * owned by the record and freed by its *_release function.  Identifiers are
 * positive; 0 means "none".  Instants are dip_time (UTC seconds), civil days
 * dip_day in the registry's zone.
 */
#ifndef DIP_MODEL_H
#define DIP_MODEL_H

#include <stdint.h>

#include "domain/idnum.h"
#include "domain/rules.h"
#include "util/date.h"

/* Who acts.  An account holds a set of roles; ROLE_SYSTEM is the scheduler
 * and ROLE_PUBLIC anyone without an account. */
enum role {
	ROLE_PUBLIC = 1u << 0,
	ROLE_APPLICANT = 1u << 1,
	ROLE_AGENT = 1u << 2,
	ROLE_EXAMINER = 1u << 3,
	ROLE_ADMIN = 1u << 4,
	ROLE_SYSTEM = 1u << 5,
};

struct account {
	int64_t id;
	char login[65];          /* unique, lower case */
	char display_name[301];  /* person's or organisation's name */
	enum party_kind kind;
	char id_number[19];      /* citizen number or credit code */
	unsigned roles;
	char pw_hash[200];
	char email[129];         /* contact: confidential */
	char phone[33];          /* contact: confidential */
	int disabled;
	dip_time created_at;
};

enum app_state {
	APP_DRAFT,
	APP_SUBMITTED,        /* received, in formal examination (Art. 7, 8) */
	APP_CORRECTION,       /* correction notice delivered (Art. 8) */
	APP_PUBLICATION,      /* 公示 (Art. 10) */
	APP_OBJECTION,        /* publication over, objections undecided (Art. 11) */
	APP_REGISTERED,       /* approved and announced (Art. 12) */
	APP_WITHDRAWN,
	APP_DEEMED_WITHDRAWN, /* correction not answered in time (Art. 8) */
	APP_REFUSED,          /* Art. 9 */
	APP_CANCELLED,        /* Art. 14 expiry, Art. 18 */
	APP_REVOKED,          /* concealment or falsification found later (Arts. 9, 23) */
	APP__COUNT
};

/* Flags the examiner sees on an application. */
enum app_flag {
	APPF_DUPLICATE = 1u << 0,     /* same fingerprint pending or registered: Art. 9 (5) */
	APPF_REAPPLIED = 1u << 1,     /* re-filed after an unexplained withdrawal: Art. 9 (5) */
	APPF_LATE_REPLY = 1u << 2,    /* a late correction reply awaits a decision (Art. 8) */
	APPF_NO_EVIDENCE = 1u << 3,   /* no deposit or notarisation before filing: Art. 9 (3) */
};

/* Why a registration ended. */
enum close_reason {
	CLOSE_NONE,
	CLOSE_EXPIRED,          /* Art. 14: not renewed */
	CLOSE_BY_HOLDER,        /* Art. 18 para 1 */
	CLOSE_BY_NEW_HOLDER,    /* Art. 18 para 2 */
	CLOSE_BY_REGISTRY,      /* Art. 18 para 2: no new rights holder */
};

struct application {
	int64_t id;
	int64_t version;         /* bumped by every store update */
	enum app_state state;
	int64_t created_by;      /* account that drafted it */
	int64_t agent_id;        /* acting agency, 0 when none */
	char *content;           /* Art. 5 content as JSON text; owned */
	char name[401];          /* content.name, for lists */
	char industry[5];        /* content.industry */
	char fingerprint[80];    /* content.evidence.fingerprint */
	char reg_no[17];         /* registration number, from submission */
	char cert_no[18];        /* certificate number, from registration */
	int cert_version;
	dip_time created_at, submitted_at, published_at, registered_at, closed_at;
	dip_day reg_day;         /* announcement date (Art. 13 start) */
	dip_day valid_from, valid_until;
	int corrections;         /* correction notices issued */
	unsigned flags;          /* enum app_flag */
	int64_t related_id;      /* the earlier application a flag points at */
	unsigned refusal;        /* bit n-1 set for Art. 9 (n) */
	enum close_reason close_reason;
	char *withdraw_reason;   /* owned; NULL when none was given */
};

struct party {
	int64_t app_id;
	int64_t account_id;
	int ord;                 /* 0 = first applicant */
	char name[301];
	enum party_kind kind;
	char id_number[19];
	dip_time confirmed_at;   /* Art. 6: joint applicants each confirm; 0 = not yet */
};

enum obj_state {
	OBJ_FILED,               /* registry forwards within 3 wd */
	OBJ_FORWARDED,           /* applicant answers within 10 wd */
	OBJ_ANSWERED,            /* registry forwards the answer within 3 wd */
	OBJ_ANSWER_FORWARDED,    /* objector may add evidence within 5 wd */
	OBJ_AWAITING_DECISION,
	OBJ_UPHELD,
	OBJ_NOT_UPHELD,
	OBJ_WITHDRAWN,           /* by the objector */
	OBJ_MOOT,                /* the application ended first */
	OBJ__COUNT
};

struct objection {
	int64_t id;
	int64_t app_id;
	int64_t version;
	enum obj_state state;
	int64_t objector_id;       /* account, or 0 for a member of the public */
	char objector_name[301];
	char objector_contact[201];/* confidential */
	char token_hash[65];       /* lets an objector without account follow up */
	char *grounds;             /* owned */
	char *evidence;            /* JSON array of upload hashes; owned */
	char *answer;              /* applicant's answer; owned */
	char *answer_evidence;     /* owned */
	char *supplement;          /* objector's additional evidence; owned */
	char *supplement_evidence; /* owned */
	char *decision;            /* reasons of the decision; owned */
	dip_time filed_at, decided_at;
};

enum req_kind {
	REQ_CHANGE,       /* Art. 15 paras 2, 3 */
	REQ_TRANSACTION,  /* Art. 15 para 1 */
	REQ_PLEDGE,       /* Art. 15 para 1 */
	REQ_LICENCE,      /* Art. 15 para 1 */
	REQ_TRANSFER,     /* Art. 16 */
	REQ_CANCEL,       /* Art. 18 */
	REQ__COUNT
};

enum req_state {
	REQ_AWAITING_PARTY, /* a joint transfer waits for the other party */
	REQ_PENDING,        /* the registry reviews (Art. 17) */
	REQ_APPROVED,
	REQ_REJECTED,
	REQ_WITHDRAWN,      /* by its filer before the registry decided */
	REQ_DECLINED,       /* the transferee did not join the transfer */
	REQ__STATES
};

struct request {
	int64_t id;
	int64_t app_id;
	int64_t version;
	enum req_kind kind;
	enum req_state state;
	int64_t filed_by;
	int64_t counterparty_id;  /* transfer: the transferee's account */
	int unilateral;           /* Art. 16: 0 joint, or case (1)-(4) */
	char *payload;            /* JSON; owned */
	dip_time filed_at, decided_at;
	dip_day act_day;          /* day of the transaction, pledge, licence */
	int late;                 /* Art. 15: filed after the 10 wd */
	char *decision;           /* owned */
};

enum deadline_kind_extra {
	DL_EXPIRY = DL__COUNT,    /* Art. 14: end of validity */
	DL_EXPIRY_NOTICE,         /* a reminder to the holder */
	DL_LATE_REPLY,            /* a late correction reply awaits the examiner */
	DL_APPROVE,               /* publication ended clean; approve (Art. 12) */
	DL__ALL
};

struct deadline {
	int64_t id;
	int64_t app_id;
	int64_t ref_id;          /* objection or request id, 0 for the application */
	int kind;                /* enum deadline_kind or deadline_kind_extra */
	dip_time opened_at;
	dip_time due_at;         /* 23:59:59 of the last day */
	dip_time closed_at;      /* 0 while open */
	int binds_party;         /* 1: its expiry has an effect the scheduler applies */
};

/* One row of the registration archive (Art. 19): every act on an
 * application, who did it, when, why, and the deadline it opened. */
struct event {
	int64_t id;
	int64_t app_id;
	int64_t ref_id;
	dip_time at;
	int64_t actor_id;        /* 0 for the system or the public */
	unsigned actor_role;
	char action[40];
	int from_state, to_state;
	char *reason;            /* owned, may be NULL */
	int dl_kind;             /* deadline opened, or DL_NONE */
	dip_time dl_due;
	char *detail;            /* JSON, owned, may be NULL */
};

/* A document delivered (送达, Art. 7) to an account or to an objector. */
struct message {
	int64_t id;
	int64_t account_id;      /* 0 when addressed to an objector without account */
	int64_t objection_id;
	int64_t app_id;
	char kind[40];           /* "receipt", "correction_notice", ... */
	char *subject;           /* owned */
	char *body;              /* owned */
	dip_time delivered_at;
	dip_time read_at;
};

struct upload {
	char sha256[65];
	int64_t size;
	char mime[80];
	char name[256];
	int64_t owner_id;
	dip_time created_at;
};

struct deposit {
	int64_t id;
	int64_t account_id;
	char fingerprint[80];    /* "sha256:<hex>" or "sm3:<hex>" */
	int64_t files;
	int64_t bytes;
	char description[601];
	int64_t ledger_index;
	dip_time created_at;
};

enum cert_status {
	CERT_IN_FORCE,
	CERT_SUPERSEDED,
	CERT_EXPIRED,
	CERT_CANCELLED,
	CERT_REVOKED,
};

struct certificate {
	int64_t id;
	int64_t app_id;
	char cert_no[18];
	char reg_no[17];
	int version;
	enum cert_status status;
	dip_time issued_at;
	dip_day valid_from, valid_until;
	dip_time status_at;      /* when the status last changed */
	char *doc;               /* signed canonical JSON; owned */
	int64_t ledger_index;
};

struct audit_entry {
	int64_t id;
	dip_time at;
	int64_t actor_id;
	char action[48];
	char object[80];
	char detail[301];
	char addr[64];
};

const char *app_state_name(enum app_state s);
int app_state_parse(const char *s, enum app_state *out);
const char *obj_state_name(enum obj_state s);
const char *req_kind_name(enum req_kind k);
int req_kind_parse(const char *s, enum req_kind *out);
const char *req_state_name(enum req_state s);
int req_state_parse(const char *s, enum req_state *out);
const char *close_reason_name(enum close_reason r);
const char *cert_status_name(enum cert_status s);
const char *deadline_kind_name(int kind);
const char *role_name(unsigned role);

void application_release(struct application *a);
void objection_release(struct objection *o);
void request_release(struct request *r);
void event_release(struct event *ev);
void message_release(struct message *m);
void certificate_release(struct certificate *c);

#endif
