/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The neighbour tables (ARP, NDP) from rtnetlink (RTM_GETNEIGH dump): the
 * evidence for drops while resolving a next hop.
 */
#ifndef DROPSCOPE_NEIGH_H
#define DROPSCOPE_NEIGH_H

#include <stdbool.h>
#include <arpa/inet.h>
#include <linux/types.h>

struct mnl_socket;

struct neigh_entry {
	int ifindex;
	__u8 family;		     /* AF_INET, AF_INET6 */
	__u16 state;		     /* NUD_* */
	char addr[INET6_ADDRSTRLEN]; /* the neighbour's IP address */
	__u8 lladdr[32];	     /* its link-layer address, lladdr_len bytes */
	__u8 lladdr_len;
};

/*
 * Dump the IPv4 and IPv6 neighbours of nl's namespace. *out is malloc'ed
 * (free()); returns the count or -errno.
 */
int neigh_read(struct mnl_socket *nl, unsigned *seq, struct neigh_entry **out);

/* "REACHABLE", "STALE", "FAILED", "INCOMPLETE"...: ip-neighbour's words. */
const char *neigh_state_name(__u16 state);

#endif /* DROPSCOPE_NEIGH_H */
