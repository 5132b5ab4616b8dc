/*
 * workflow.h - the procedure as tables of transitions.
 *
 * Three small state machines carry the measures: the application (Arts.
 * 6-18), the objection exchange inside publication (Arts. 10, 11), and the
 * requests a holder files after registration (Arts. 15-18).  Each row says
 * which action moves which states to which state, who may take it, which
 * article grants it, and which deadline it opens.  The service asks
 * wf_app_check() before it changes anything, so a forbidden move is refused
 * with a clear error and changes nothing.  Everything here is pure: no
 * clock, no storage.
 */
#ifndef DIP_WORKFLOW_H
#define DIP_WORKFLOW_H

#include "domain/model.h"
#include "util/err.h"

enum wf_action {
	WF_EDIT,               /* change a draft */
	WF_CONFIRM,            /* Art. 6: a joint applicant confirms */
	WF_SUBMIT,             /* Art. 7 */
	WF_REQUEST_CORRECTION, /* Art. 8: one notice listing every defect */
	WF_REPLY_CORRECTION,   /* Art. 8 */
	WF_DEEM_WITHDRAWN,     /* Art. 8: no reply in time */
	WF_LATE_REPLY,         /* Art. 8: a late reply with its reason */
	WF_ACCEPT_LATE_REPLY,  /* Art. 8: justified reason accepted */
	WF_REJECT_LATE_REPLY,
	WF_REFUSE,             /* Art. 9 */
	WF_PUBLISH,            /* Art. 10 */
	WF_OBJECT,             /* Art. 10: anyone during publication */
	WF_END_PUBLICATION,    /* Art. 10: the period is over */
	WF_REGISTER,           /* Art. 12 */
	WF_WITHDRAW,           /* any time before the decision */
	WF_RENEW,              /* Art. 14 */
	WF_EXPIRE,             /* Art. 14: not renewed */
	WF_FILE_REQUEST,       /* Arts. 15, 16, 18: change, filing, transfer, cancellation */
	WF_DECIDE_REQUEST,     /* Art. 17: the registry reviews and announces */
	WF_CANCEL_BY_REGISTRY, /* Art. 18 para 2: no new rights holder */
	WF_REVOKE,             /* Arts. 9 (6), 23: falsification found after registration */
	WF__COUNT
};

/* Marker for "the state does not change". */
#define WF_SAME (-1)

struct wf_rule {
	enum wf_action action;
	unsigned from;          /* bit set of enum app_state */
	int to;                 /* enum app_state or WF_SAME */
	unsigned roles;         /* enum role bits allowed to act */
	const char *article;    /* "Art. 8" */
	int opens;              /* deadline opened, DL_NONE when none */
};

const char *wf_action_name(enum wf_action a);
int wf_action_parse(const char *s, enum wf_action *out);
/* The rule for action, or NULL. */
const struct wf_rule *wf_rule_for(enum wf_action a);

/* May an actor holding roles take action on an application in state from?
 * 0 and *to set to the resulting state (from itself for WF_SAME), or
 * DIP_ESTATE ("cannot <action> an application that is <state>") or
 * DIP_EFORBIDDEN. */
int wf_app_check(enum app_state from, enum wf_action action, unsigned roles,
		 enum app_state *to, struct dip_error *e);

/* The actions an actor holding roles may take in state s, as a bit set
 * over enum wf_action (for the portal's buttons). */
unsigned wf_app_allowed(enum app_state s, unsigned roles);

/* 1 when the application is still before a decision (withdrawal allowed). */
int wf_app_pending(enum app_state s);
/* 1 for the final states. */
int wf_app_final(enum app_state s);

enum obj_action {
	OBJA_FORWARD,          /* registry -> applicant, 3 wd (Art. 11) */
	OBJA_ANSWER,           /* applicant, 10 wd */
	OBJA_FORWARD_ANSWER,   /* registry -> objector, 3 wd */
	OBJA_SUPPLEMENT,       /* objector, 5 wd */
	OBJA_ANSWER_LAPSED,    /* system: the applicant did not answer */
	OBJA_SUPPLEMENT_LAPSED,/* system: the objector added nothing */
	OBJA_DECIDE,           /* registry: upheld or not */
	OBJA_WITHDRAW,         /* objector */
	OBJA__COUNT
};

const char *obj_action_name(enum obj_action a);
/* Like wf_app_check for the objection exchange; for OBJA_DECIDE the target
 * is OBJ_UPHELD and the caller picks OBJ_NOT_UPHELD when not upheld. */
int wf_obj_check(enum obj_state from, enum obj_action action, unsigned roles,
		 enum obj_state *to, int *opens, struct dip_error *e);
/* 1 while the objection is undecided. */
int wf_obj_open(enum obj_state s);

/* Art. 9: the grounds for refusal, (1)-(7). */
#define ART9_GROUNDS 7
/* The text of ground n (1-7), or NULL. */
const char *wf_art9_text(int n);

/* Art. 16: the cases where one party alone may apply for a transfer. */
#define ART16_CASES 4
const char *wf_art16_text(int n);

#endif
