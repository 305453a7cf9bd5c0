/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who is opening TCP connections to a namespace: the sources of the
 * connection requests (SYN without ACK) it receives, seen by a packet
 * socket in that namespace with a classic BPF filter, so that only those
 * reach user space. A listener that cannot route its SYN-ACK consumes the
 * SYN without a drop any tracepoint sees and keeps no request socket: the
 * arriving SYN is the only place the peer shows. Nothing is sent.
 */
#ifndef DROPSCOPE_SYNWATCH_H
#define DROPSCOPE_SYNWATCH_H

#include <linux/types.h>

#define SYN_SLOTS 64

/* One source of connection requests and how many were seen. */
struct syn_peer {
	__u8 family; /* AF_INET, AF_INET6; 0: empty slot */
	__u8 addr[16];
	__u64 n;
};

struct syn_sample {
	struct syn_peer peer[SYN_SLOTS];
	__u64 unsampled; /* from sources beyond SYN_SLOTS */
};

/*
 * A packet socket for the incoming SYNs of the namespace netns names
 * (PATH|INODE, NULL = ours), non-blocking. Returns it, or -errno.
 */
int synwatch_open(const char *netns);

/*
 * Add what waits on fd to s, at most max packets (bounded per call).
 * Returns how many were read.
 */
int synwatch_read(int fd, struct syn_sample *s, int max);

/* One packet from the network header on (IPv4 or IPv6, by proto: ETH_P_IP,
 * ETH_P_IPV6), added to s when it is a SYN without ACK. Exposed for the
 * unit tests. */
void synwatch_add(struct syn_sample *s, __u16 proto, const __u8 *pkt, size_t len);

#endif /* DROPSCOPE_SYNWATCH_H */
