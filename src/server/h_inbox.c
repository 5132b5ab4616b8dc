/*
 * h_inbox.c - documents delivered to an account (送达, Art. 7).
 */
#include "server/handlers.h"
#include "server/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void h_inbox(struct req *r)
{
	const char *unread = req_query(r, "unread");
	struct msg_filter f;
	struct dip_error e;
	long after, limit;
	json_t *o;

	if (req_page(r, &after, &limit))
		return;
	memset(&f, 0, sizeof(f));
	f.account_id = r->who.id;
	f.unread_only = unread && (strcmp(unread, "1") == 0 || strcmp(unread, "true") == 0);
	f.after_id = after;
	f.limit = (int)limit;
	if (!h__check(r, svc_inbox_json(r->v, &r->who, &f, &o, &e), &e))
		reply_json(r, 200, o);
}

void h_inbox_unread(struct req *r)
{
	struct store *st = r->v->st;
	int64_t n = 0;
	int rc = st->begin(st, 0);

	if (rc == 0)
		rc = st->message_unread(st, r->who.id, &n);
	st->rollback(st);
	if (rc) {
		reply_error(r, &st->err, NULL);
		return;
	}
	reply_json(r, 200, json_pack("{s:I}", "unread", (json_int_t)n));
}

void h_inbox_read(struct req *r)
{
	int64_t id = req_id(r, 0);
	struct dip_error e;

	if (id && !h__check(r, svc_inbox_read(r->v, &r->who, id, r->now, &e), &e))
		reply_json(r, 200, json_pack("{s:b}", "ok", 1));
}
