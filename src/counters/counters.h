/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counter readers' common front: where they read from (one network
 * namespace's rtnetlink socket and /proc/net files, opened once inside it)
 * and one snapshot of all of them. Used by the exporter and the `counters`
 * command; nothing here prints.
 */
#ifndef DROPSCOPE_COUNTERS_H
#define DROPSCOPE_COUNTERS_H

#include <stddef.h>
#include <sys/types.h>

#include "counters/conntrack.h"
#include "counters/devstats.h"
#include "counters/drvstats.h"
#include "counters/qdiscstats.h"
#include "counters/snmp.h"
#include "counters/softnet.h"

enum proc_net_file {
	PNF_SNMP,
	PNF_NETSTAT,
	PNF_SNMP6,
	PNF_SOFTNET,
	PNF_CONNTRACK, /* stat/nf_conntrack: absent without conntrack, or not asked for */
	PNF_FILES,
};

struct counter_src {
	struct mnl_socket *nl;
	unsigned seq;
	/* NETLINK_SOCK_DIAG in the same namespace (sockdiag.h); NULL when the
	 * kernel refused it, and then only the socket readers are missing. */
	struct mnl_socket *diag;
	unsigned diag_seq;
	struct mnl_socket *nft; /* NETLINK_NETFILTER (nftstats_read), NULL: could not be opened */
	unsigned nft_seq;
	int fd[PNF_FILES]; /* -1: the file is absent (snmp6 without IPv6) */
	/* A datagram socket of the namespace for the drivers' ethtool ioctls
	 * (drvstats_read); -1: none could be made, and that part is empty. */
	int ethfd;
	char *buf; /* one /proc file's text */
	size_t cap;
	/* The drivers' stat names as last read (drvstats.h); NULL: none kept,
	 * read every time. Per namespace, as the socket is. */
	struct drv_cache *drv_cache;
};

/*
 * Open the socket and files in the namespace netns names (PATH|INODE, NULL
 * = our own). A foreign namespace is entered by a helper thread only, so
 * the caller never changes namespace; after this, reading needs no
 * privilege. A sock_diag socket that cannot be opened leaves s->diag NULL
 * and is not an error. Returns 0, or -errno with a message in err.
 */
int counter_src_open(struct counter_src *s, const char *netns, char *err, size_t errlen);
void counter_src_close(struct counter_src *s);

/* What counter_src_open_extra() opens besides (bits). */
enum {
	COUNTER_SRC_SOCKETS = 1 << 0, /* the NETLINK_SOCK_DIAG socket (diag) */
	COUNTER_SRC_NFT = 1 << 1,     /* the NETLINK_NETFILTER socket (nft) */
	/* stat/nf_conntrack (snap->conntrack): per-CPU records formatted on
	 * every read, so only for who shows them (diagnose). */
	COUNTER_SRC_CONNTRACK = 1 << 2,
};

/* counter_src_open() that also opens the extras asked for (diagnose). */
int counter_src_open_extra(struct counter_src *s, const char *netns, unsigned extras, char *err,
			   size_t errlen);

/*
 * Re-read one file from its start into s->buf (NUL-terminated). Returns
 * its length, or -errno (-EFBIG: larger than the bound, not parsed).
 */
ssize_t counter_src_read(struct counter_src *s, enum proc_net_file f);

struct counter_snapshot {
	struct dev_stats *dev;
	size_t ndev;
	struct qdisc_stats *qdisc;
	size_t nqdisc;
	struct softnet_cpu *softnet;
	size_t nsoftnet;
	struct snmp_value *snmp; /* snmp_drop_count entries, as snmp_drop_counters[] */
	struct drv_counter *drv; /* the drivers' own drop counters (ethtool -S) */
	size_t ndrv;
	/* 0, or -errno: that reader failed and its part is empty */
	struct conntrack_stats conntrack; /* .present false: not loaded here, or not asked for */
	int err_dev, err_qdisc, err_softnet, err_snmp, err_drv;
};

/* Read every counter once. Returns 0 when all readers succeeded, else the first error. */
int counters_sample(struct counter_src *s, struct counter_snapshot *snap);
void counter_snapshot_free(struct counter_snapshot *snap);

/* The name of ifindex in the snapshot's devices, or NULL. */
const char *counters_dev_name(const struct counter_snapshot *snap, int ifindex);

#endif /* DROPSCOPE_COUNTERS_H */
