/*
 * rules.h - the rules profile: every number and switch of the procedure.
 *
 * Pilot provinces differ in their measures (publication length, objection
 * handling, whether an evidence deposit must precede filing), so the code
 * reads each of them from a profile and a registry under another
 * province's measures runs the same binary with another profile.  The
 * default profile is "beijing" (北京市数据知识产权登记管理办法（试行）).
 *
 * A profile is a text file of "key = value" lines ("#" comments):
 *
 *     examine = 3 working_days        # Art. 8
 *     validity = 3 years              # Art. 13
 *     evidence_before_filing = no
 *
 * Durations are "<n> working_days", "<n> days" (calendar days), "<n>
 * months" or "<n> years".  Every key must be present, so a profile never
 * silently inherits a number from another province.
 */
#ifndef DIP_RULES_H
#define DIP_RULES_H

#include <stddef.h>

#include "util/err.h"

enum rule_unit {
	UNIT_WORKING_DAYS,
	UNIT_DAYS,
	UNIT_MONTHS,
	UNIT_YEARS,
};

struct rule_period {
	int n;
	enum rule_unit unit;
};

/* The deadlines of the procedure.  Each opens on an event and is either a
 * duty of the registry (examiner tasks, flagged when overdue) or a time
 * limit for a party (whose expiry the scheduler applies). */
enum deadline_kind {
	DL_NONE = -1,
	DL_EXAMINE,            /* Art. 8: notify corrections within 3 wd of receipt */
	DL_CORRECTION_REPLY,   /* Art. 8: the applicant answers within 10 wd */
	DL_PUBLICATION,        /* Art. 10: publication lasts 10 wd */
	DL_OBJ_FORWARD,        /* Art. 11: forward the objection within 3 wd */
	DL_OBJ_ANSWER,         /* Art. 11: the applicant answers within 10 wd */
	DL_OBJ_FORWARD_ANSWER, /* Art. 11: forward the answer within 3 wd */
	DL_OBJ_SUPPLEMENT,     /* Art. 11: the objector may add evidence within 5 wd */
	DL_OBJ_DECIDE,         /* Art. 11: the registry decides (a target in Beijing) */
	DL_FILING,             /* Art. 15: file a transaction, pledge, licence within 10 wd */
	DL_REVIEW,             /* Art. 17: review a change "及时" (a registry target) */
	DL__COUNT
};

struct rules {
	char name[32];
	char title[256];
	struct rule_period dl[DL__COUNT];
	struct rule_period validity;       /* Art. 13: 3 years */
	struct rule_period renewal;        /* Art. 14: 3 years */
	struct rule_period renewal_window; /* Art. 14: 1 month before expiry */
	int evidence_before_filing;        /* deposit or notarisation required to submit */
	int correction_notices;            /* Art. 8 "一次性告知": at most this many */
	int auto_register;                 /* register when publication ends clean */
	int expiry_notice_days;            /* warn the holder this many days ahead */
};

/* Parses a profile; every key is required.  0 or DIP_EINVAL naming the
 * key (or the line). */
int rules_parse(struct rules *r, const char *text, size_t len, struct dip_error *e);
/* Loads a built-in profile ("beijing", "shanghai", "zhejiang"). */
int rules_builtin(struct rules *r, const char *name, struct dip_error *e);
/* The profile key of a deadline ("examine", "correction_reply", ...). */
const char *rules_deadline_key(enum deadline_kind k);
/* 1 when the deadline is a time limit of a party whose expiry has a legal
 * effect applied by the scheduler; 0 when it is a duty of the registry. */
int rules_deadline_binds_party(enum deadline_kind k);
/* Writes "10 working days" / "3 years" into out. */
void rules_period_format(const struct rule_period *p, char *out, size_t n);

#endif
