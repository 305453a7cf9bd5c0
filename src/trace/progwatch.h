/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verdicts of other BPF programs (progverdict.bpf.c): XDP_DROP and
 * XDP_ABORTED as rows of the count table, and which tc/tcx program is
 * behind each TC_INGRESS/TC_EGRESS drop. Watches the hooks of our own
 * namespace, --netns and every /run/netns namespace, and follows programs
 * as they come and go: an fexit is attached to a program only while it is
 * on a hook that needs one, and released when it leaves (our fexit links
 * are descriptors of this process: they die with it, also on kill -9).
 */
#ifndef DROPSCOPE_PROGWATCH_H
#define DROPSCOPE_PROGWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <linux/types.h>

#include "trace/loader.h"

struct progwatch_opts {
	bool xdp;		/* count XDP verdicts (--no-xdp turns it off) */
	bool tc;		/* name the programs behind tc drops */
	int drops_fd, stats_fd; /* the count table to add XDP rows to */
	int xdp_sites_fd;	/* dropscope.bpf.c's xdp_sites and xdp_pending */
	int xdp_pending_fd;
	/* Its --netns and --dev filter values, changed while counting: the
	 * verdict programs read the same (filter_maps.h). */
	int netns_inum_fd, dev_ifindex_fd;
	__u32 dims; /* what its key holds */
	const struct filters *filters;
	__u32 reason_tc_ingress; /* the running kernel's values, 0 = unknown */
	__u32 reason_tc_egress;
	__u32 reason_not_specified; /* a plain kfree_skb()'s reason, 0 = unknown */
	const char *netns;	    /* --netns: watched besides our own and /run/netns */
	const struct ksyms *ks;	    /* where the XDP drop sites are (NULL: not yet) */
	struct kbtf *kbtf;	    /* the minimized kernel BTF (kbtf.h); NULL: none */
};

struct progwatch;
struct kbtf;

/* The BPF object's bytes (for kbtf_open()). */
const void *progwatch__obj_bytes(size_t *len);

/* Load and attach; NULL with a message in err. Scans once before returning. */
struct progwatch *progwatch__start(const struct progwatch_opts *o, char *err, size_t errlen);

struct ksyms;
/*
 * progwatch__start() in two steps: load (its object and, after a first scan
 * of the hooks, the fexit objects of the programs found there: without
 * o->kbtf each load parses the kernel's BTF, so it is done before the
 * symbol table is read, which keeps the two off the peak RSS together;
 * o->ks is not used), then
 * once the symbols are there set the XDP drop sites and attach
 * (-1 with a message in err).
 */
struct progwatch *progwatch__load(const struct progwatch_opts *o, char *err, size_t errlen);
int progwatch__begin(struct progwatch *pw, const struct ksyms *ks, char *err, size_t errlen);
/*
 * Where the kernel frees the skbs XDP programs drop, from the symbols the
 * monitor read (again after a reload, until veth's site is found: veth is
 * a module). before(arg, sites), when given, runs just before the
 * program sees the new sites.
 */
struct xdp_site_table;
void progwatch__set_symbols(struct progwatch *pw, const struct ksyms *ks,
			    void (*before)(void *arg, const struct xdp_site_table *t), void *arg);
/* Our capabilities changed (the exporter dropped its privileges): the next
 * scan asks again whether it may enter namespaces. pw may be NULL. */
void progwatch__caps_changed(struct progwatch *pw);

/* Rescan the hooks (at most once a second) and follow what changed. */
void progwatch__refresh(struct progwatch *pw);

/* Detach everything; the maps stay readable for a last read. */
void progwatch__detach(struct progwatch *pw);
void progwatch__free(struct progwatch *pw);

/*
 * 0, or -errno when the kernel refused an fexit on a BPF program: then
 * hooks with several programs are said as "one of: ..." and XDP_DROP is
 * not counted (XDP_ABORTED still is, by its tracepoint).
 */
int progwatch__fexit_error(const struct progwatch *pw);

/* True once after a program not seen before appeared on a hook: its
 * kallsyms name (bpf_prog_TAG_NAME) is not in symbols read before. */
bool progwatch__take_fresh(struct progwatch *pw);

/* How many programs have our fexit now, for tests and -v. */
size_t progwatch__watched(const struct progwatch *pw);

/* One line of the tc attribution: the drops of one hook by one program. */
struct tc_attr {
	__u32 netns;
	int ifindex;
	char dev[IFNAMSIZ];
	bool egress;
	__u32 prog_id;	/* 0: not known (who says why) */
	__u32 named_id; /* the program said in who, 0: none or several */
	char who[512];	/* "tcx prog NAME id N tag T", "one of: ..." */
	__u64 total;	/* since start */
	__u64 delta;	/* since the previous progwatch__tc_poll() */
};

/*
 * Read the tc drop counts and attribute them with the latest listing.
 * *out points into pw (valid until the next call). Returns their number.
 */
int progwatch__tc_poll(struct progwatch *pw, const struct tc_attr **out);

/*
 * Which tc program a drop with this reason on device ifindex of namespace
 * netns (inode) came from, from the listing of the hooks (the fexit's
 * per-program counts are not per event): its who is "NAME id N tag T,
 * tcx" and named_id the program's id when one program is on that hook,
 * "one of: ..." when several are (never a guess), "unknown: nothing on
 * this hook now". NULL when the reason is not TC_INGRESS/TC_EGRESS or tc
 * drops are not watched. Valid until the next call.
 */
const struct tc_attr *progwatch__tc_name(struct progwatch *pw, __u32 netns, int ifindex,
					 __u32 reason);

#endif /* DROPSCOPE_PROGWATCH_H */
