/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What diagnose knows about a drop: for a kernel drop reason or a counter
 * no tracepoint sees, one plain sentence, which live evidence explains it,
 * the knobs that change it and the counters that count the same drops.
 * The table is data (knowledge.c): adding a reason is adding an entry.
 */
#ifndef DROPSCOPE_KNOWLEDGE_H
#define DROPSCOPE_KNOWLEDGE_H

#include <stddef.h>

/* Live evidence diagnose reads for an entry (bits). */
enum evidence {
	EV_UDP_SOCKETS = 1 << 0, /* UDP receivers of the dropped packets' ports, their buffers */
	EV_LISTENERS = 1 << 1,	 /* TCP listeners: accept queue and backlog, owners */
	EV_QDISCS = 1 << 2,	 /* qdiscs whose drops grew: kind, limit */
	EV_NFT = 1 << 3,	 /* the hook (caller frame), nft drop points whose counters grew */
	EV_PORTS = 1 << 4,	 /* destination ports of the sampled drops: anything listening? */
	EV_DEVICE = 1 << 5,	 /* the device: MAC address, promiscuous mode */
	EV_SOFTNET = 1 << 6,	 /* per-CPU backlog drops: the skew */
	EV_SENDERS = 1 << 9,	 /* the sampled drops' source addresses and MACs */
	EV_ROUTE = 1 << 10,	 /* the route back to those senders (ip route get) */
	EV_NEIGH = 1 << 8,	 /* the neighbour table: unresolved entries on the device */
	EV_RING = 1 << 7,	 /* the device's receive ring size and maximum (ethtool) */
	EV_DESTS = 1 << 11,	 /* the sampled drops' destinations and the route to each */
	EV_SYN_PEERS = 1 << 12,	 /* the sources of the SYNs that arrived, the route back to each */
};

#define KNOWLEDGE_KNOBS	   5
#define KNOWLEDGE_COUNTERS 6

struct knowledge {
	/*
	 * A drop reason as the running kernel names it (BTF, without
	 * SKB_DROP_REASON_), or a counter: an nstat name ("UdpRcvbufErrors"),
	 * "dev:<stats64 field>" or "softnet:<column>", or a cause the analysis
	 * found behind a reason or a counter ("cause:link_down").
	 */
	const char *name;
	const char *why;			/* one plain sentence: what happened */
	unsigned evidence;			/* enum evidence bits */
	const char *knobs[KNOWLEDGE_KNOBS];	/* sysctls quoted with their live value */
	const char *change;			/* what to change, in the operator's words */
	const char *direction;			/* of the knobs: "raise", "lower", "check" */
	const char *knob_dirs[KNOWLEDGE_KNOBS]; /* a knob's own direction; NULL: direction */
	/*
	 * Counters whose sum sees the same drops (IPv4 + IPv6): nstat names,
	 * "qdisc:drops", "dev:<field>", "softnet:<column>". Compared with the
	 * tracepoint's count.
	 */
	const char *counters[KNOWLEDGE_COUNTERS];
	const char *counters_note; /* why they may differ, when they can; NULL */
	/*
	 * The protocol the counters count (IPPROTO_UDP: UdpNoPorts counts no
	 * TCP segment); 0: any. A finding of another protocol is not compared.
	 */
	unsigned char counters_proto;
	/*
	 * Counters that grow as a consequence of these drops (a listener's
	 * SYN-ACK with no route counts ListenDrops): when one grew by no more,
	 * it is said in this finding, not as a finding (and advice) of its own.
	 */
	const char *consequences[KNOWLEDGE_COUNTERS];
	/* Counters that include these drops among others: not compared, not
	 * reported again as findings of their own. */
	const char *overlaps[KNOWLEDGE_COUNTERS];
	const char *source; /* the kernel source it is based on: file: function */
};

/* The entry for name, or NULL: diagnose then says it does not know. */
const struct knowledge *knowledge_lookup(const char *name);

/*
 * The kernel build option a knob needs ("CONFIG_NET_FLOW_LIMIT"), or NULL
 * for knobs every kernel with the feature diagnose reads has.
 */
const char *knowledge_knob_config(const char *knob);

/* The whole table, for the unit test (every entry complete). */
const struct knowledge *knowledge_table(size_t *n);

#endif /* DROPSCOPE_KNOWLEDGE_H */
