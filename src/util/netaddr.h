/*
 * netaddr.h - IP addresses and prefixes (IPv4 and IPv6), for the lists an
 * operator configures: the reverse proxies trusted to say who the client
 * is, and the addresses allowed to read /metrics.
 *
 * A list is written "127.0.0.1, 10.0.0.0/8 ::1" (commas or spaces between
 * entries); an entry without a length is one address.  IPv4-mapped IPv6
 * addresses (::ffff:192.0.2.1) are the IPv4 address they map.
 */
#ifndef DIP_NETADDR_H
#define DIP_NETADDR_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define NET_LIST_MAX 64
#define NET_ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

struct net_prefix {
	int v6;            /* 0: IPv4 (addr[0..3]), 1: IPv6 */
	uint8_t addr[16];
	int bits;
};

struct net_list {
	struct net_prefix v[NET_LIST_MAX];
	size_t n;
};

/* One address in text form to its bytes; 0 or DIP_EINVAL. */
int net_addr_parse(const char *s, struct net_prefix *out);
/* "ADDR" or "ADDR/BITS"; host bits past the length must be zero.  0 or
 * DIP_EINVAL. */
int net_prefix_parse(const char *s, struct net_prefix *out);
/* A whole list; an empty string is the empty list.  On failure e names the
 * entry.  0, DIP_EINVAL or DIP_ELIMIT (more than NET_LIST_MAX). */
int net_list_parse(const char *s, struct net_list *out, struct dip_error *e);
/* 1 when the address (text) falls in one of the prefixes; 0 otherwise,
 * also for text that is not an address. */
int net_list_contains(const struct net_list *l, const char *addr);

/* The address of the client behind a request that came from peer.  Only a
 * peer in trusted may speak for another: then X-Forwarded-For (xff, may be
 * NULL) is read from the right, skipping trusted proxies, and the first
 * address that is not one is the client; without that header, X-Real-IP
 * (may be NULL).  A header that does not parse is ignored.  The result is
 * written in canonical text form into out (at least NET_ADDR_STRLEN). */
void net_client_addr(const struct net_list *trusted, const char *peer, const char *xff,
		     const char *xrealip, char *out, size_t n);

#endif
