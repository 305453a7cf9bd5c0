/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A finding: what dropped (a reason, or a counter no tracepoint sees),
 * where, whether the counters agree, and the evidence read for it. The
 * analysis (analyse.c) fills the first three from a window; evidence.c
 * fills the last; print.c shows them.
 */
#ifndef DROPSCOPE_DIAGNOSE_FINDING_H
#define DROPSCOPE_DIAGNOSE_FINDING_H

#include <stdbool.h>
#include <net/if.h>
#include <linux/types.h>

#include "counters/ethtool.h"
#include "counters/procs.h"
#include "counters/route.h"
#include "counters/sysctl.h"
#include "diagnose/knowledge.h"
#include "diagnose/window.h"

#define MAX_FINDINGS 64
#define EV_MAX	     8 /* entries of one kind of evidence a finding shows */
#define TOP_WHERE    4 /* locations, callers, devices kept per finding */
#define MAX_NOTES    6

struct where {
	__u64 addr; /* location or caller address; ifindex for devices */
	char name[IFNAMSIZ];
	__u64 n;
};

#define TOP_NS 8 /* namespaces a text report lists per finding (JSON: all) */

/* One namespace's share of a finding, and what its sample says there. */
struct ns_count {
	__u32 netns;
	__u64 n;
	__u8 proto; /* the top sampled destination port there; 0: none sampled */
	__u16 port;
};

/* Where a finding's drops happened. */
struct finding_at {
	__u32 netns;	 /* the watched namespace when it is among them, else the largest */
	bool primary;	 /* some of its drops are in the namespace whose counters were sampled */
	__u64 primary_n; /* those drops */
	__u8 proto;	 /* IPPROTO_TCP, IPPROTO_UDP where its locations say, else 0 */
	struct ns_count *ns; /* every namespace, most drops first (malloc'ed) */
	int nns;
	struct where loc[TOP_WHERE], caller[TOP_WHERE], dev[TOP_WHERE];
	int ifindex; /* counter findings of one device */
	char devname[IFNAMSIZ];
	int dev_mine; /* dev[0..dev_mine) are devices of netns; the rest of others */
	int ndev;     /* devices in dev[] (all of them unless more than TOP_WHERE) */
	bool one_dev; /* every drop of the finding was on dev[0]: it is named alone */
};

/* The veth/netkit pair a finding's drops crossed, as the watched namespace sees it. */
struct finding_pair {
	const struct link_peer *p; /* its end of the pair (in the window's peers); NULL: none */
	bool receiver;	  /* it received: the kernel charged the drops to the peer's side */
	bool in_peer;	  /* the peer's namespace dropped them on its end (window_row_in_peer) */
	__u32 peer_netns; /* the peer's namespace inode; 0: not known (only its id) */
};

/* A finding's counters against the tracepoint's count. */
struct reconcile {
	char name[96]; /* "UdpNoPorts+Udp6NoPorts" */
	size_t len;
	__u64 delta; /* the counters' growth in the window */
	__u64 seen;  /* the tracepoint's count of every finding that names it */
	/* Not compared: the finding's protocol (IPPROTO_TCP), which the counters do not count. */
	__u8 other_proto;
	/* Not compared: no counter counts these drops ("tcx programs"). */
	const char *uncounted;
};

/* A counter that grew as a consequence of a finding's drops, said in it. */
struct merged {
	const char *name;
	__u64 delta;
};

struct ev_sock {
	const struct sock_info *si;
	struct sock_owner owner;
	__u32 drops_grew; /* sk_drops growth in the window, when seen at start too */
	bool grew_known;
};

struct ev_qdisc {
	const struct qdisc_stats *q;
	const char *dev;
	__u32 limit;
	const char *unit;
	__u64 drops, overlimits; /* growth in the window */
};

struct ev_nft {
	const struct nft_drop_point *p;
	__u64 packets; /* growth in the window */
	/* A candidate without a counter: the sampled packets it would drop (its
	 * dport; a policy: those no listed rule's port matches). */
	__u64 sampled;
	bool have_sampled;
};

struct ev_port {
	__u8 proto;
	__u16 port;
	__u64 n;
	bool listening;
};

/* The evidence kinds' data (evidence.c's table says which a finding reads). */
struct ev_sockets {
	struct ev_sock udp[EV_MAX], listeners[EV_MAX];
	int nudp, nlisteners;
};

struct ev_knobs {
	struct sysctl_val v[KNOWLEDGE_KNOBS];
	char names[KNOWLEDGE_KNOBS][96];
	int n;
	/* The sockets set their own limit far below this knob (SO_RCVBUF, a
	 * listen() backlog): turning the knob changes nothing for them. */
	bool app_set[KNOWLEDGE_KNOBS];
};

struct ev_netfilter {
	const char *hook;
	bool have_ct; /* conntrack's own drops, when it is loaded */
	__u64 ct_drop, ct_insert_failed, ct_entries;
	struct ev_nft points[EV_MAX];
	int n;
};

struct ev_senders {
	struct sender_hit hit[EV_MAX];	  /* most first */
	struct route_info routes[EV_MAX]; /* the way back to each sender (EV_ROUTE) */
	int route_err[EV_MAX];		  /* 0, -errno; 1: not looked up */
	int n;
};

struct ev_dests {
	struct dest_hit hit[EV_MAX];	  /* most first */
	struct route_info routes[EV_MAX]; /* the route to each, as `ip route get` */
	int route_err[EV_MAX];		  /* 0, -errno */
	int n;
};

/* The SYNs' sources, those with no route back first, and `ip route get`'s answer for each. */
struct ev_synpeers {
	struct syn_peer hit[EV_MAX];
	struct route_info routes[EV_MAX];
	int route_err[EV_MAX]; /* 0, -errno (-ENETUNREACH: no route back) */
	int n;
	int more; /* sampled sources beyond EV_MAX */
};

struct ev_neigh {
	const struct neigh_entry *e[EV_MAX];
	int n;
	unsigned total; /* entries in the table(s) */
};

struct ev_device {
	const struct dev_stats *dev;
	struct ring_size ring;
	int ring_err;	 /* 0: ring read; -errno; 1: not asked */
	__u64 otherhost; /* rx_otherhost_dropped growth of device */
	bool have_otherhost;
};

struct ev_softnet {
	int cpu; /* the CPU with most backlog drops, -1 none */
	__u64 top, sum;
};

struct ev_set {
	struct ev_sockets sockets;
	struct ev_knobs knobs;
	struct ev_qdisc qdiscs[EV_MAX];
	int nqdiscs;
	struct ev_netfilter nft;
	struct ev_port ports[EV_MAX];
	int nports;
	struct ev_senders senders;
	struct ev_dests dests;
	struct ev_synpeers syns;
	struct ev_neigh neigh;
	struct ev_device device;
	struct ev_softnet softnet;
	char notes[MAX_NOTES][160];
	int nnotes;
};

struct finding {
	bool counter; /* a counter no tracepoint sees, not a kfree_skb reason */
	char name[64];
	__u32 reason;
	__u64 count;
	const struct knowledge *k; /* the cause's entry when one was found */
	const char *cause;	   /* "link_down"...: what the analysis found behind it */
	struct finding_at at;
	struct finding_pair pair;
	__u64 pair_in_peer_n; /* of primary_n, dropped in a peer's namespace on its end of a pair */
	struct reconcile rec[1];
	int nrec;
	struct merged merged[KNOWLEDGE_COUNTERS];
	int nmerged;
	/* TC_INGRESS/TC_EGRESS: the tc programs that returned those drops, most
	 * first (into the window's tc; a hook's "one of: ..." where it cannot
	 * be known); none when progwatch attributed none. */
	const struct tc_attr *tc[TOP_WHERE];
	int ntc;
	struct ev_set ev;
};

/* The findings of one window, largest first. */
struct report {
	struct finding f[MAX_FINDINGS];
	int nf;
	__u64 folded; /* drops in findings beyond MAX_FINDINGS */
	/*
	 * Rows of class close (trace/classes.h): what sockets closing freed
	 * unread. No network refused them and no knob changes them, so they
	 * are no finding: one line after the findings, their count and where.
	 */
	struct {
		__u64 count;
		struct where loc[TOP_WHERE];
	} closed;
	struct claim {
		const char *name; /* static string */
		int ifindex;	  /* of a dev: counter; 0: every device */
	} claims[64];		  /* counters a finding accounts for */
	int nclaims;
};

#endif /* DROPSCOPE_DIAGNOSE_FINDING_H */
