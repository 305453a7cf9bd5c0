/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sockets of one network namespace from sock_diag (NETLINK_SOCK_DIAG,
 * inet_diag): address, owner inode, queues and the memory counters
 * (SO_RCVBUF, what is queued, sk_drops) that explain receive-buffer and
 * listen-queue drops. Nothing here prints.
 */
#ifndef DROPSCOPE_SOCKDIAG_H
#define DROPSCOPE_SOCKDIAG_H

#include <stdbool.h>
#include <arpa/inet.h>
#include <linux/types.h>

struct mnl_socket;
struct nlmsghdr;

/* idiag_state values (the kernel's TCP states, which UDP reuses). */
#define SOCKDIAG_ESTABLISHED 1
#define SOCKDIAG_CLOSE	     7
#define SOCKDIAG_LISTEN	     10

struct sock_info {
	__u8 family;   /* AF_INET or AF_INET6 */
	__u8 protocol; /* IPPROTO_UDP or IPPROTO_TCP */
	__u8 state; /* idiag_state: 10 = TCP_LISTEN; UDP sockets are 7 (CLOSE) or 1 (bound+connected) */
	__u16 lport; /* host byte order */
	__u16 rport;
	char laddr[INET6_ADDRSTRLEN]; /* inet_ntop text */
	__u32 inode;		      /* idiag_inode: matches /proc/PID/fd -> socket:[inode] */
	__u32 uid;
	__u32 rqueue;	  /* idiag_rqueue: for a listener the accept queue length now */
	__u32 wqueue;	  /* idiag_wqueue: for a listener its backlog (sk_max_ack_backlog) */
	__u32 rcvbuf;	  /* SK_MEMINFO_RCVBUF (from INET_DIAG_SKMEMINFO) */
	__u32 rmem_alloc; /* SK_MEMINFO_RMEM_ALLOC */
	__u32 drops;	  /* SK_MEMINFO_DROPS (sk_drops) */
	bool have_mem;	  /* INET_DIAG_SKMEMINFO was in the answer */
	bool have_drops;  /* it was long enough to carry SK_MEMINFO_DROPS */
	/* Added beyond the first API: */
	char raddr[INET6_ADDRSTRLEN]; /* the peer's address, inet_ntop text ("0.0.0.0" when none) */
	__u32 ifindex;		      /* idiag_if: the bound device, 0 for none */
};

/*
 * Dump the sockets of protocol (IPPROTO_UDP / IPPROTO_TCP) whose state is in
 * state_mask (1 << state; ~0u for all), IPv4 and IPv6, in the namespace the
 * NETLINK_SOCK_DIAG socket `diag` was opened in. *out malloc'ed (free()),
 * returns the count or -errno (-EOPNOTSUPP: diag is NULL; -ENOENT: the
 * kernel has no inet_diag for that protocol, e.g. udp_diag not loaded).
 * Answers that do not parse are skipped, not fatal. TCP TIME_WAIT and
 * SYN_RECV entries (in the mask) come with inode 0 and without memory info.
 */
int sockdiag_read(struct mnl_socket *diag, unsigned *seq, int protocol, __u32 state_mask,
		  struct sock_info **out);

/*
 * Parse one inet_diag_msg answer of nlh->nlmsg_len bytes (attributes
 * included) into si; exposed for unit tests and the fuzzer. Returns 0 or
 * -EINVAL (not an answer of type SOCK_DIAG_BY_FAMILY, too short, a family
 * other than AF_INET/AF_INET6, protocol not UDP/TCP, or an
 * INET_DIAG_PROTOCOL attribute naming another protocol).
 */
int sockdiag_parse(const struct nlmsghdr *nlh, int protocol, struct sock_info *si);

/*
 * Open a NETLINK_SOCK_DIAG socket in the calling thread's namespace, bound,
 * with a 2 s receive timeout. Returns it, or NULL with errno set.
 */
struct mnl_socket *sockdiag_open(void);

#endif /* DROPSCOPE_SOCKDIAG_H */
