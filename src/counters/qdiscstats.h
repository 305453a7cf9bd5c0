/* SPDX-License-Identifier: GPL-2.0 */
/* Per-qdisc counters from rtnetlink (RTM_GETQDISC dump, TCA_STATS2). */
#ifndef DROPSCOPE_QDISCSTATS_H
#define DROPSCOPE_QDISCSTATS_H

#include <stddef.h>
#include <linux/types.h>

struct mnl_socket;

struct qdisc_stats {
	int ifindex;
	char kind[32]; /* TCA_KIND: "pfifo", "fq_codel", "noqueue"... */
	__u32 handle;  /* tcm_handle: major in the upper 16 bits */
	__u32 parent;  /* tcm_parent: TC_H_ROOT, TC_H_INGRESS or a class */
	__u64 bytes, packets;
	__u32 drops, overlimits, requeues; /* 32 bits in the kernel's gnet_stats_queue */
	__u32 qlen, backlog;		   /* now: packets and bytes queued */
	__u32 limit;			   /* the queue's limit, from TCA_OPTIONS */
	const char *limit_unit;		   /* "packets", "bytes"; NULL: not known for this kind */
};

/*
 * Dump every qdisc of nl's namespace. *out is malloc'ed (free() it);
 * returns the number of qdiscs or -errno.
 */
int qdiscstats_read(struct mnl_socket *nl, unsigned *seq, struct qdisc_stats **out);

/* tc's notation: "root", "ingress"/"clsact" parent as "ffff:fff1", "1:", "1:2". */
void qdisc_handle_str(__u32 h, char *buf, size_t len);

#endif /* DROPSCOPE_QDISCSTATS_H */
