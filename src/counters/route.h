/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One route lookup, as `ip route get ADDR` does it (RTM_GETROUTE): where
 * the kernel would send a packet to ADDR. The evidence for reverse-path
 * and address drops: is there a way back to the sender, and through which
 * device?
 */
#ifndef DROPSCOPE_ROUTE_H
#define DROPSCOPE_ROUTE_H

#include <arpa/inet.h>
#include <linux/types.h>

struct mnl_socket;

struct route_info {
	int oif;			/* output device, 0 if none */
	__u8 type;			/* RTN_UNICAST, RTN_LOCAL, RTN_UNREACHABLE... */
	char gateway[INET6_ADDRSTRLEN]; /* "" when on-link */
};

/*
 * Look up the route to addr (family AF_INET: 4 bytes, AF_INET6: 16) in
 * nl's namespace. Returns 0, or -errno: -ENETUNREACH / -EHOSTUNREACH when
 * there is no route, as the kernel answers.
 */
int route_get(struct mnl_socket *nl, unsigned *seq, int family, const void *addr,
	      struct route_info *out);

/* "unicast", "local", "unreachable", "blackhole", "prohibit"...: ip-route's words. */
const char *route_type_name(__u8 type);

#endif /* DROPSCOPE_ROUTE_H */
