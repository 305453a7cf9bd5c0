/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What diagnose collected in its window (collect.c): the counters and
 * sockets of the watched namespace at the start and the end, the sample
 * of dropped packets (ports, senders), and how to name reasons and
 * addresses. The analysis (analyse.c) reads only this, so a unit test can
 * build one from fixtures.
 */
#ifndef DROPSCOPE_DIAGNOSE_WINDOW_H
#define DROPSCOPE_DIAGNOSE_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "counters/counters.h"
#include "counters/linkpeer.h"
#include "counters/neigh.h"
#include "counters/nftstats.h"
#include "counters/sockdiag.h"
#include "counters/synwatch.h"
#include "trace/progwatch.h"

#define PORT_SLOTS   512
#define SENDER_SLOTS 256

/* One destination port the sampled drops went to. */
struct port_hit {
	__u32 netns, reason;
	__u16 port;
	__u8 proto; /* IPPROTO_TCP / IPPROTO_UDP; 0 = empty slot */
	__u64 n;
};

/* One sender of the sampled drops: its address and the frame's source MAC. */
struct sender_hit {
	__u32 netns, reason;
	__u64 location; /* of the drop: a finding takes its own locations' */
	__u8 family;	/* AF_INET, AF_INET6; 0 = empty slot */
	__u8 addr[16];
	__u8 mac[6];
	__u64 n;
};

#define DEST_SLOTS 128

/* One destination of the sampled drops (forwarding: the one with no route). */
struct dest_hit {
	__u32 netns, reason;
	__u64 location; /* of the drop: a finding takes its own locations' */
	__u8 family;	/* 0 = empty slot */
	__u8 addr[16];
	__u32 len_max; /* the longest packet to it, as the drop saw it (from its first byte) */
	__u64 n;
};

/* The sampled dropped packets, bounded hash tables. */
struct sample {
	struct port_hit ports[PORT_SLOTS];
	struct sender_hit senders[SENDER_SLOTS];
	struct dest_hit dests[DEST_SLOTS];
	__u64 ports_unsampled;
	/* Events the ring's records claimed and did not hold (trace/evbatch.h):
	 * the program's bug, never expected; counted, not silently skipped. */
	__u64 malformed;
};

/* One namespace's counters and sockets at the start or the end. */
struct side {
	struct counter_snapshot snap;
	struct sock_info *udp, *tcp;
	int nudp, ntcp;
	struct nft_drop_point *nft;
	int nnft, nft_err;
	struct nftstats_info nft_info;
	struct neigh_entry *neigh; /* read at the end only, when a finding asks */
	int nneigh;
	bool neigh_read;
};

/* How to name what the kernel gave as numbers (no I/O: lookups). */
struct names {
	const void *ctx;
	/* The reason's name on the running kernel, NULL when not known. */
	const char *(*reason)(const void *ctx, __u32 reason);
	/* A kernel address as text, escaped for a terminal ("0x..." unknown). */
	void (*sym)(const void *ctx, __u64 addr, char *buf, size_t len);
	/* The raw symbol name for JSON (its writer escapes), or buf with "0x...". */
	const char *(*sym_raw)(const void *ctx, __u64 addr, char *buf, size_t len);
};

#define NSID_SLOTS 16 /* other namespaces whose id the watched one was asked for */

/* The id the watched namespace gives another (IFLA_LINK_NETNSID's numbering). */
struct nsid_map {
	__u32 netns;
	int nsid; /* -1: none, or it could not be asked */
};

#define WL_NAME 96

/* The workload behind a namespace of the count rows (counters/workload.h's words). */
struct ns_workload {
	__u32 netns;
	char name[WL_NAME]; /* raw: escaped when printed */
};

struct window {
	__u32 netns;	       /* the watched namespace's inode */
	const char *netns_arg; /* --netns as given, NULL: our own */
	double seconds;
	bool have_src; /* the namespace's counters were read */
	struct side start, end;
	struct sample sample;
	__u64 overflow, missed; /* drops the count table had no row for; runs skipped */
	/* The tc programs behind the window's TC_INGRESS/TC_EGRESS drops, as
	 * progwatch attributed them (its totals since start: the window's). */
	struct tc_attr *tc;
	int ntc;
	struct names names;
	/* The watched namespace's veth/netkit devices and their peers (at the
	 * end), and the ids it gives the namespaces of the rows that may have
	 * crossed one: how a drop charged to the sending namespace is found
	 * from the receiving one. */
	struct link_peer *peers;
	int npeers;
	struct nsid_map nsids[NSID_SLOTS];
	int nnsids;
	/* The sources of the SYNs that arrived in the window (synwatch). */
	struct syn_sample syns;
	int syn_err; /* 0, or -errno: they could not be watched */
	/* The workloads of the rows' namespaces, where one is known. */
	struct ns_workload *wl;
	int nwl;
};

/* The device of the snapshot with that ifindex, or NULL. */
const struct dev_stats *dev_by_index(const struct counter_snapshot *s, int ifindex);

#endif /* DROPSCOPE_DIAGNOSE_WINDOW_H */
