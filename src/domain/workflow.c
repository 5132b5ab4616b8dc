/*
 * workflow.c - the transition tables of the procedure.
 */
#include "domain/workflow.h"

#include <string.h>

#define S(x) (1u << (x))
#define PARTY (ROLE_APPLICANT | ROLE_AGENT)
#define BEFORE_DECISION (S(APP_SUBMITTED) | S(APP_CORRECTION) | S(APP_PUBLICATION) | S(APP_OBJECTION))

static const struct wf_rule app_rules[WF__COUNT] = {
	{ WF_EDIT, S(APP_DRAFT), WF_SAME, PARTY, "Art. 5", DL_NONE },
	{ WF_CONFIRM, S(APP_DRAFT), WF_SAME, PARTY, "Art. 6", DL_NONE },
	{ WF_SUBMIT, S(APP_DRAFT), APP_SUBMITTED, PARTY, "Art. 7", DL_EXAMINE },
	{ WF_REQUEST_CORRECTION, S(APP_SUBMITTED), APP_CORRECTION, ROLE_EXAMINER, "Art. 8",
	  DL_CORRECTION_REPLY },
	{ WF_REPLY_CORRECTION, S(APP_CORRECTION), APP_SUBMITTED, PARTY, "Art. 8", DL_EXAMINE },
	{ WF_DEEM_WITHDRAWN, S(APP_CORRECTION), APP_DEEMED_WITHDRAWN, ROLE_SYSTEM, "Art. 8",
	  DL_NONE },
	{ WF_LATE_REPLY, S(APP_DEEMED_WITHDRAWN), WF_SAME, PARTY, "Art. 8", DL_LATE_REPLY },
	{ WF_ACCEPT_LATE_REPLY, S(APP_DEEMED_WITHDRAWN), APP_SUBMITTED, ROLE_EXAMINER, "Art. 8",
	  DL_EXAMINE },
	{ WF_REJECT_LATE_REPLY, S(APP_DEEMED_WITHDRAWN), WF_SAME, ROLE_EXAMINER, "Art. 8",
	  DL_NONE },
	{ WF_REFUSE, S(APP_SUBMITTED) | S(APP_PUBLICATION) | S(APP_OBJECTION), APP_REFUSED,
	  ROLE_EXAMINER, "Art. 9", DL_NONE },
	{ WF_PUBLISH, S(APP_SUBMITTED), APP_PUBLICATION, ROLE_EXAMINER, "Art. 10",
	  DL_PUBLICATION },
	{ WF_OBJECT, S(APP_PUBLICATION), WF_SAME,
	  ROLE_PUBLIC | ROLE_APPLICANT | ROLE_AGENT | ROLE_EXAMINER | ROLE_ADMIN, "Art. 10",
	  DL_OBJ_FORWARD },
	{ WF_END_PUBLICATION, S(APP_PUBLICATION), WF_SAME, ROLE_SYSTEM, "Art. 10", DL_NONE },
	{ WF_REGISTER, S(APP_PUBLICATION) | S(APP_OBJECTION), APP_REGISTERED,
	  ROLE_EXAMINER | ROLE_SYSTEM, "Art. 12", DL_EXPIRY },
	{ WF_WITHDRAW, S(APP_DRAFT) | BEFORE_DECISION, APP_WITHDRAWN, PARTY, "Art. 8", DL_NONE },
	{ WF_RENEW, S(APP_REGISTERED), WF_SAME, PARTY, "Art. 14", DL_EXPIRY },
	{ WF_EXPIRE, S(APP_REGISTERED), APP_CANCELLED, ROLE_SYSTEM, "Art. 14", DL_NONE },
	{ WF_FILE_REQUEST, S(APP_REGISTERED), WF_SAME, PARTY, "Art. 15", DL_REVIEW },
	{ WF_DECIDE_REQUEST, S(APP_REGISTERED), WF_SAME, ROLE_EXAMINER, "Art. 17", DL_NONE },
	{ WF_CANCEL_BY_REGISTRY, S(APP_REGISTERED), APP_CANCELLED, ROLE_EXAMINER, "Art. 18",
	  DL_NONE },
	{ WF_REVOKE, S(APP_REGISTERED), APP_REVOKED, ROLE_EXAMINER, "Art. 23", DL_NONE },
};

static const char *action_names[WF__COUNT] = {
	"edit", "confirm", "submit", "request_correction", "reply_correction",
	"deem_withdrawn", "late_reply", "accept_late_reply", "reject_late_reply", "refuse",
	"publish", "object", "end_publication", "register", "withdraw", "renew", "expire",
	"file_request", "decide_request", "cancel_by_registry", "revoke",
};

/* What the measures call the action, for error messages. */
static const char *action_words[WF__COUNT] = {
	"edit", "confirm", "submit", "send a correction notice for",
	"reply to a correction notice for", "deem withdrawn", "reply late to",
	"accept the late reply of", "reject the late reply of", "refuse", "publish",
	"object to", "end the publication of", "register", "withdraw", "renew", "expire",
	"file a change, filing, transfer or cancellation for", "decide a request on",
	"cancel", "revoke",
};

const char *wf_action_name(enum wf_action a)
{
	return a >= 0 && a < WF__COUNT ? action_names[a] : "unknown";
}

int wf_action_parse(const char *s, enum wf_action *out)
{
	int i;

	for (i = 0; i < WF__COUNT; i++)
		if (strcmp(s, action_names[i]) == 0) {
			*out = (enum wf_action)i;
			return 0;
		}
	return DIP_EINVAL;
}

const struct wf_rule *wf_rule_for(enum wf_action a)
{
	return a >= 0 && a < WF__COUNT ? &app_rules[a] : NULL;
}

int wf_app_check(enum app_state from, enum wf_action action, unsigned roles,
		 enum app_state *to, struct dip_error *e)
{
	const struct wf_rule *r = wf_rule_for(action);

	if (r == NULL)
		return dip_fail(e, DIP_EINVAL, "action", "unknown action");
	if (!(r->roles & roles))
		return dip_fail(e, DIP_EFORBIDDEN, "", "your role may not %s an application (%s)",
				action_words[action], r->article);
	if (!(r->from & S(from)))
		return dip_fail(e, DIP_ESTATE, "state", "cannot %s an application that is %s",
				action_words[action], app_state_name(from));
	*to = r->to == WF_SAME ? from : (enum app_state)r->to;
	return 0;
}

unsigned wf_app_allowed(enum app_state s, unsigned roles)
{
	unsigned set = 0;
	int i;

	for (i = 0; i < WF__COUNT; i++)
		if ((app_rules[i].roles & roles) && (app_rules[i].from & S(s)))
			set |= 1u << i;
	return set;
}

int wf_app_pending(enum app_state s)
{
	return (BEFORE_DECISION & S(s)) != 0;
}

int wf_app_final(enum app_state s)
{
	return s == APP_WITHDRAWN || s == APP_DEEMED_WITHDRAWN || s == APP_REFUSED ||
	       s == APP_CANCELLED || s == APP_REVOKED;
}

struct obj_rule {
	unsigned from;
	int to;
	unsigned roles;
	int opens;
};

#define O(x) (1u << (x))
static const struct obj_rule obj_rules[OBJA__COUNT] = {
	[OBJA_FORWARD] = { O(OBJ_FILED), OBJ_FORWARDED, ROLE_EXAMINER, DL_OBJ_ANSWER },
	[OBJA_ANSWER] = { O(OBJ_FORWARDED), OBJ_ANSWERED, PARTY, DL_OBJ_FORWARD_ANSWER },
	[OBJA_FORWARD_ANSWER] = { O(OBJ_ANSWERED), OBJ_ANSWER_FORWARDED, ROLE_EXAMINER,
				  DL_OBJ_SUPPLEMENT },
	[OBJA_SUPPLEMENT] = { O(OBJ_ANSWER_FORWARDED), OBJ_AWAITING_DECISION,
			      ROLE_PUBLIC | ROLE_APPLICANT | ROLE_AGENT | ROLE_EXAMINER | ROLE_ADMIN,
			      DL_OBJ_DECIDE },
	[OBJA_ANSWER_LAPSED] = { O(OBJ_FORWARDED), OBJ_AWAITING_DECISION, ROLE_SYSTEM,
				 DL_OBJ_DECIDE },
	[OBJA_SUPPLEMENT_LAPSED] = { O(OBJ_ANSWER_FORWARDED), OBJ_AWAITING_DECISION, ROLE_SYSTEM,
				     DL_OBJ_DECIDE },
	/* The registry may also dismiss an objection at once when it has no
	 * evidence at all (Art. 10 asks for "必要的证据材料"). */
	[OBJA_DECIDE] = { O(OBJ_FILED) | O(OBJ_AWAITING_DECISION), OBJ_UPHELD, ROLE_EXAMINER,
			  DL_NONE },
	[OBJA_WITHDRAW] = { O(OBJ_FILED) | O(OBJ_FORWARDED) | O(OBJ_ANSWERED) |
				    O(OBJ_ANSWER_FORWARDED) | O(OBJ_AWAITING_DECISION),
			    OBJ_WITHDRAWN,
			    ROLE_PUBLIC | ROLE_APPLICANT | ROLE_AGENT | ROLE_EXAMINER | ROLE_ADMIN,
			    DL_NONE },
};

const char *obj_action_name(enum obj_action a)
{
	static const char *names[OBJA__COUNT] = {
		"forward", "answer", "forward_answer", "supplement", "answer_lapsed",
		"supplement_lapsed", "decide", "withdraw",
	};

	return a >= 0 && a < OBJA__COUNT ? names[a] : "unknown";
}

int wf_obj_check(enum obj_state from, enum obj_action action, unsigned roles,
		 enum obj_state *to, int *opens, struct dip_error *e)
{
	const struct obj_rule *r;

	if (action < 0 || action >= OBJA__COUNT)
		return dip_fail(e, DIP_EINVAL, "action", "unknown objection action");
	r = &obj_rules[action];
	if (!(r->roles & roles))
		return dip_fail(e, DIP_EFORBIDDEN, "", "your role may not %s this objection (Art. 11)",
				obj_action_name(action));
	if (!(r->from & O(from)))
		return dip_fail(e, DIP_ESTATE, "state", "cannot %s an objection that is %s (Art. 11)",
				obj_action_name(action), obj_state_name(from));
	*to = (enum obj_state)r->to;
	if (opens)
		*opens = r->opens;
	return 0;
}

int wf_obj_open(enum obj_state s)
{
	return s <= OBJ_AWAITING_DECISION;
}

const char *wf_art9_text(int n)
{
	static const char *grounds[ART9_GROUNDS] = {
		"不符合本办法适用范围及原则规定的",
		"不符合本办法第二条、第三条规定的",
		"登记前未进行数据存证或者公证的",
		"存在未解决的数据知识产权权属诉讼纠纷的",
		"重复登记，或者登记申请主动撤回后无正当理由再次提出登记申请的",
		"申请人隐瞒事实或者弄虚作假的",
		"其他不符合相关法律规定的情形",
	};

	return n >= 1 && n <= ART9_GROUNDS ? grounds[n - 1] : NULL;
}

const char *wf_art16_text(int n)
{
	static const char *cases[ART16_CASES] = {
		"继承、接受遗赠取得权益的",
		"因生效的法律文书或者人民政府生效的决定等设立、变更、转让、消灭权益的",
		"权益主体姓名、名称或者自然状况发生变化的",
		"法律法规规定的其他情形",
	};

	return n >= 1 && n <= ART16_CASES ? cases[n - 1] : NULL;
}
