/*
 * netaddr.c - address parsing, prefix lists and the client address behind
 * trusted proxies.
 */
#include "util/netaddr.h"
#include "util/buf.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int net_addr_parse(const char *s, struct net_prefix *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	char buf[NET_ADDR_STRLEN + 1];
	size_t len = strlen(s);

	memset(out, 0, sizeof(*out));
	if (len == 0 || len >= sizeof(buf))
		return DIP_EINVAL;
	memcpy(buf, s, len + 1);
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->bits = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		if (memcmp(out->addr, mapped, sizeof(mapped)) == 0) {
			memmove(out->addr, out->addr + 12, 4);
			memset(out->addr + 4, 0, 12);
			out->bits = 32;
			return 0;
		}
		out->v6 = 1;
		out->bits = 128;
		return 0;
	}
	return DIP_EINVAL;
}

int net_prefix_parse(const char *s, struct net_prefix *out)
{
	char addr[NET_ADDR_STRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	long bits;
	char *end;
	int i, max;

	if (len >= sizeof(addr))
		return DIP_EINVAL;
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (net_addr_parse(addr, out))
		return DIP_EINVAL;
	max = out->v6 ? 128 : 32;
	if (slash == NULL)
		return 0;
	if (slash[1] < '0' || slash[1] > '9')
		return DIP_EINVAL;
	bits = strtol(slash + 1, &end, 10);
	if (*end || bits < 0 || bits > max)
		return DIP_EINVAL;
	out->bits = (int)bits;
	/* 10.1.0.0/8 is a mistake worth reporting: the operator meant 10.0.0.0/8
	 * or 10.1.0.0/16. */
	for (i = out->bits; i < max; i++)
		if (out->addr[i / 8] & (0x80 >> (i % 8)))
			return DIP_EINVAL;
	return 0;
}

static int in_prefix(const struct net_prefix *p, const struct net_prefix *a)
{
	int full = p->bits / 8, rest = p->bits % 8;

	if (p->v6 != a->v6)
		return 0;
	if (memcmp(p->addr, a->addr, (size_t)full) != 0)
		return 0;
	return rest == 0 || ((p->addr[full] ^ a->addr[full]) & (0xff00 >> rest) & 0xff) == 0;
}

int net_list_parse(const char *s, struct net_list *out, struct dip_error *e)
{
	char item[NET_ADDR_STRLEN + 8];
	size_t len;

	out->n = 0;
	while (s && *s) {
		s += strspn(s, ", \t");
		len = strcspn(s, ", \t");
		if (len == 0)
			break;
		if (len >= sizeof(item))
			return dip_fail(e, DIP_EINVAL, "", "\"%.*s\" is not an address or prefix",
					(int)(len > 60 ? 60 : len), s);
		memcpy(item, s, len);
		item[len] = '\0';
		if (out->n >= NET_LIST_MAX)
			return dip_fail(e, DIP_ELIMIT, "", "at most %d addresses or prefixes", NET_LIST_MAX);
		if (net_prefix_parse(item, &out->v[out->n]))
			return dip_fail(e, DIP_EINVAL, "",
					"\"%s\" is not an address or prefix (such as 10.0.0.0/8 or ::1)",
					item);
		out->n++;
		s += len;
	}
	return 0;
}

static int contains(const struct net_list *l, const struct net_prefix *a)
{
	size_t i;

	for (i = 0; l && i < l->n; i++)
		if (in_prefix(&l->v[i], a))
			return 1;
	return 0;
}

int net_list_contains(const struct net_list *l, const char *addr)
{
	struct net_prefix a;

	return net_addr_parse(addr, &a) == 0 && contains(l, &a);
}

/* inet_ntop's dotted quad, written without its sprintf: every request
 * formats its client's address. */
static void format_v4(const uint8_t *a, char *buf)
{
	size_t k = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			buf[k++] = '.';
		if (a[i] >= 100)
			buf[k++] = (char)('0' + a[i] / 100);
		if (a[i] >= 10)
			buf[k++] = (char)('0' + a[i] / 10 % 10);
		buf[k++] = (char)('0' + a[i] % 10);
	}
	buf[k] = '\0';
}

static void format(const struct net_prefix *a, char *out, size_t n)
{
	char buf[NET_ADDR_STRLEN];

	if (!a->v6)
		format_v4(a->addr, buf);
	else if (inet_ntop(AF_INET6, a->addr, buf, sizeof(buf)) == NULL)
		buf[0] = '\0';
	str_copy(out, n, buf);
}

/* Trims spaces around [p, p+len) into out; 0 when it is an address. */
static int token_addr(const char *p, size_t len, struct net_prefix *out)
{
	char buf[NET_ADDR_STRLEN + 1];

	while (len && (*p == ' ' || *p == '\t'))
		p++, len--;
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(buf))
		return DIP_EINVAL;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return net_addr_parse(buf, out);
}

void net_client_addr(const struct net_list *trusted, const char *peer, const char *xff,
		     const char *xrealip, char *out, size_t n)
{
	struct net_prefix a, hop, client;
	const char *end, *comma;

	if (net_addr_parse(peer ? peer : "", &a) != 0) {
		str_copy(out, n, peer ? peer : "");
		return;
	}
	client = a;
	if (!contains(trusted, &a))
		goto out;
	if (xff && *xff) {
		/* From the right: each trusted proxy appended the address it
		 * saw; the first untrusted one is the client.  A malformed hop
		 * ends the walk: whatever lies left of it is not to be believed. */
		end = xff + strlen(xff);
		while (end > xff) {
			comma = end;
			while (comma > xff && comma[-1] != ',')
				comma--;
			if (token_addr(comma, (size_t)(end - comma), &hop) != 0)
				break;
			client = hop;
			if (!contains(trusted, &hop))
				break;
			end = comma > xff ? comma - 1 : xff;
		}
	} else if (xrealip && token_addr(xrealip, strlen(xrealip), &hop) == 0) {
		client = hop;
	}
out:
	format(&client, out, n);
}
