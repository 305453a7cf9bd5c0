/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The other end of a namespace's veth and netkit devices, from rtnetlink:
 * IFLA_LINK (the peer's ifindex) and IFLA_LINK_NETNSID (the peer's
 * namespace, as this namespace numbers it), then the peer's own link read
 * in its namespace with IFLA_TARGET_NETNSID (Linux 4.20+): its name, MTU
 * and state. A drop while a frame crosses such a pair is charged by the
 * kernel to the sending namespace; this is what lets the receiving one
 * find it.
 */
#ifndef DROPSCOPE_LINKPEER_H
#define DROPSCOPE_LINKPEER_H

#include <stdbool.h>
#include <net/if.h>
#include <linux/types.h>

struct mnl_socket;

struct link_peer {
	int ifindex; /* the device in the namespace that was read */
	char name[IFNAMSIZ];
	char kind[16]; /* "veth", "netkit" */
	__u32 mtu;
	int peer_ifindex; /* IFLA_LINK, an index in the peer's namespace */
	int peer_nsid;	  /* IFLA_LINK_NETNSID; -1: the peer is in the same namespace */
	/* The peer's link as its namespace has it; err 0 when read, else -errno. */
	int peer_err;
	char peer_name[IFNAMSIZ];
	__u32 peer_mtu;
	unsigned peer_flags;
};

/*
 * The veth/netkit devices of nl's namespace with their peers. *out is a
 * malloc'ed array (free() it); returns how many, or -errno.
 */
int linkpeer_read(struct mnl_socket *nl, unsigned *seq, struct link_peer **out);

/*
 * The id nl's namespace gives the namespace nsfd refers to (RTM_GETNSID
 * with NETNSA_FD), as IFLA_LINK_NETNSID numbers it. Returns it (>= 0),
 * -ENOENT when the namespace has none for it (no device links them), or
 * another -errno.
 */
int linkpeer_nsid(struct mnl_socket *nl, unsigned *seq, int nsfd);

#endif /* DROPSCOPE_LINKPEER_H */
