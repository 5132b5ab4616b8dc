/*
 * rules.c - parsing rules profiles.
 */
#include "domain/rules.h"
#include "util/res.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *deadline_keys[DL__COUNT] = {
	"examine", "correction_reply", "publication", "objection_forward",
	"objection_answer", "objection_forward_answer", "objection_supplement",
	"objection_decide", "filing", "review",
};

const char *rules_deadline_key(enum deadline_kind k)
{
	return k >= 0 && k < DL__COUNT ? deadline_keys[k] : "none";
}

int rules_deadline_binds_party(enum deadline_kind k)
{
	return k == DL_CORRECTION_REPLY || k == DL_PUBLICATION || k == DL_OBJ_ANSWER ||
	       k == DL_OBJ_SUPPLEMENT || k == DL_FILING;
}

static int parse_period(const char *v, struct rule_period *p)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || n < 0 || n > 10000 || *end != ' ')
		return DIP_EINVAL;
	while (*end == ' ')
		end++;
	p->n = (int)n;
	if (strcmp(end, "working_days") == 0)
		p->unit = UNIT_WORKING_DAYS;
	else if (strcmp(end, "days") == 0)
		p->unit = UNIT_DAYS;
	else if (strcmp(end, "months") == 0)
		p->unit = UNIT_MONTHS;
	else if (strcmp(end, "years") == 0)
		p->unit = UNIT_YEARS;
	else
		return DIP_EINVAL;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (strcmp(v, "yes") == 0)
		*out = 1;
	else if (strcmp(v, "no") == 0)
		*out = 0;
	else
		return DIP_EINVAL;
	return 0;
}

static int parse_int(const char *v, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0 || n > 100000)
		return DIP_EINVAL;
	*out = (int)n;
	return 0;
}

enum { K_NAME = DL__COUNT, K_TITLE, K_VALIDITY, K_RENEWAL, K_WINDOW, K_EVIDENCE,
       K_NOTICES, K_AUTO, K_EXPIRY_NOTICE, K__COUNT };

static const char *other_keys[K__COUNT - DL__COUNT] = {
	"name", "title", "validity", "renewal", "renewal_window", "evidence_before_filing",
	"correction_notices", "auto_register", "expiry_notice_days",
};

static int key_index(const char *k)
{
	int i;

	for (i = 0; i < DL__COUNT; i++)
		if (strcmp(k, deadline_keys[i]) == 0)
			return i;
	for (i = DL__COUNT; i < K__COUNT; i++)
		if (strcmp(k, other_keys[i - DL__COUNT]) == 0)
			return i;
	return -1;
}

static int set_key(struct rules *r, int k, const char *v)
{
	if (k < DL__COUNT)
		return parse_period(v, &r->dl[k]);
	switch (k) {
	case K_NAME:
		if (strlen(v) >= sizeof(r->name) || !*v)
			return DIP_EINVAL;
		snprintf(r->name, sizeof(r->name), "%s", v);
		return 0;
	case K_TITLE:
		if (strlen(v) >= sizeof(r->title))
			return DIP_EINVAL;
		snprintf(r->title, sizeof(r->title), "%s", v);
		return 0;
	case K_VALIDITY: return parse_period(v, &r->validity);
	case K_RENEWAL: return parse_period(v, &r->renewal);
	case K_WINDOW: return parse_period(v, &r->renewal_window);
	case K_EVIDENCE: return parse_bool(v, &r->evidence_before_filing);
	case K_NOTICES: return parse_int(v, &r->correction_notices);
	case K_AUTO: return parse_bool(v, &r->auto_register);
	case K_EXPIRY_NOTICE: return parse_int(v, &r->expiry_notice_days);
	}
	return DIP_EINVAL;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

int rules_parse(struct rules *r, const char *text, size_t len, struct dip_error *e)
{
	const char *p = text, *end = text + len, *eol;
	char line[512], *key, *val, *hash, *eq;
	int seen[K__COUNT] = { 0 };
	int lineno = 0, k, i;
	size_t n;

	memset(r, 0, sizeof(*r));
	while (p < end) {
		lineno++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		n = (size_t)(eol - p);
		if (n >= sizeof(line))
			return dip_fail(e, DIP_EINVAL, "rules", "line %d: too long", lineno);
		memcpy(line, p, n);
		line[n] = '\0';
		p = eol + 1;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		key = trim(line);
		if (*key == '\0')
			continue;
		eq = strchr(key, '=');
		if (eq == NULL)
			return dip_fail(e, DIP_EINVAL, "rules", "line %d: expected key = value", lineno);
		*eq = '\0';
		val = trim(eq + 1);
		key = trim(key);
		k = key_index(key);
		if (k < 0)
			return dip_fail(e, DIP_EINVAL, key, "line %d: unknown key \"%s\"", lineno, key);
		if (seen[k])
			return dip_fail(e, DIP_EINVAL, key, "line %d: \"%s\" given twice", lineno, key);
		if (set_key(r, k, val))
			return dip_fail(e, DIP_EINVAL, key,
					"line %d: bad value \"%s\" for %s (durations: <n> working_days|days|months|years; switches: yes|no)",
					lineno, val, key);
		seen[k] = 1;
	}
	for (i = 0; i < K__COUNT; i++)
		if (!seen[i]) {
			const char *name = i < DL__COUNT ? deadline_keys[i] : other_keys[i - DL__COUNT];

			return dip_fail(e, DIP_EINVAL, name, "rules profile lacks \"%s\"", name);
		}
	return 0;
}

int rules_builtin(struct rules *r, const char *name, struct dip_error *e)
{
	char path[96];
	const struct dip_resource *res;

	snprintf(path, sizeof(path), "data/rules/%s.conf", name);
	res = strchr(name, '/') ? NULL : res_get(path);
	if (res == NULL)
		return dip_fail(e, DIP_ENOTFOUND, "rules",
				"no built-in rules profile \"%s\" (beijing, shanghai, zhejiang)", name);
	return rules_parse(r, res->data, res->len, e);
}

void rules_period_format(const struct rule_period *p, char *out, size_t n)
{
	static const char *units[] = { "working days", "days", "months", "years" };

	snprintf(out, n, "%d %s", p->n, units[p->unit]);
}
