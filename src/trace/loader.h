/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF lifecycle: open the skeleton, set the filters in .rodata, load and
 * attach, trying tp_btf, then raw_tp, then the classic tracepoint.
 */
#ifndef DROPSCOPE_LOADER_H
#define DROPSCOPE_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

enum backend {
	BACKEND_AUTO,
	BACKEND_TP_BTF,
	BACKEND_RAW_TP,
	BACKEND_TRACEPOINT,
};

struct filters {
	__u32 netns; /* inode, 0 = any */
	/* With netns: more namespaces that pass (at most MAX_NETNS_FILTER) */
	const __u32 *netns_also;
	int n_netns_also;
	int ifindex;	 /* 0 = any */
	__u16 ethertype; /* host order, 0 = any */
	__u64 loc_start; /* [start, end) address range, end 0 = any */
	__u64 loc_end;
	const __u32 *reasons; /* n_reasons values, NULL = any */
	int n_reasons;
	int ipproto; /* IPPROTO_* inside IPv4/IPv6, -1 = any */
};

struct event_opts {
	bool enabled;
	__u32 snaplen;
	__u64 rate;	  /* events per second, 0 = no cap */
	__u32 ring_bytes; /* ring buffer size, a power of two; 0 = default */
	bool cgroup;	  /* each event carries its cgroup (--by workload) */
	bool only;	  /* events instead of per-key counts (events mode); else both */
};

/* What the count key holds (--by, --stacks). */
struct key_opts {
	__u32 dims;	    /* enum key_dim; 0 = DIMS_BASE */
	__u32 max_stacks;   /* stack table size, 0 = DEFAULT_MAX_STACKS */
	__u32 stack_budget; /* unwinds per second per CPU, 0 = every drop */
	__u32 helper_slots; /* --by caller: most helpers loader__set_helpers() may set */
};

/* Size of the stack table --by caller alone makes (see CALLER_PENDING). */
#define CALLER_PENDING_STACKS 1024

struct loader_opts {
	enum backend backend;
	struct filters filters;
	struct event_opts events;
	struct key_opts keys;
	__u32 max_keys;	      /* 0 = DEFAULT_MAX_KEYS */
	const char *btf_path; /* custom BTF for kernels without /sys/kernel/btf/vmlinux */
	struct kbtf *kbtf;    /* the minimized kernel BTF (kbtf.h); NULL: none */
	bool xdp_sites;	      /* progwatch may set XDP drop sites (else none are looked at) */
	bool verbose;
};

struct loader;

/*
 * Load and attach. On failure returns NULL and writes one line saying what
 * was tried and why it failed into err.
 */
struct loader *loader__start(const struct loader_opts *opts, char *err, size_t errlen);

/* Detach the program; the maps stay readable for a last read. */
void loader__detach(struct loader *l);
void loader__free(struct loader *l);

const char *loader__backend(const struct loader *l);
int loader__drops_fd(const struct loader *l);
/* The front table (struct front_slot) the program counts into beside
 * `drops`, or -1 where it has none (a --by dimension, events mode). */
int loader__front_fd(const struct loader *l);
/* ... and its counts (`front_counts`), or -1 likewise. */
int loader__front_counts_fd(const struct loader *l);
int loader__stats_fd(const struct loader *l);
int loader__prog_fd(const struct loader *l);
/*
 * --dev: the ifindex the filter matches from now on (-1: none), for a
 * device deleted and made again under its name. An update of a map the
 * loader holds: no privilege needed after attaching.
 */
int loader__set_dev_ifindex(struct loader *l, int ifindex);
/*
 * --netns: the namespace inode the filter matches from now on (0: none),
 * for a --netns path deleted and made again. Only when the loader was
 * started with a --netns filter (-EINVAL otherwise).
 */
int loader__set_netns(struct loader *l, __u32 inum);
int loader__events_fd(const struct loader *l); /* the ring buffer, -1 unless events mode */
/* Events mode's drops counted in the CPUs' batch slots (struct ev_batch's
 * counted), summed into *counted; 0 or -errno. */
int loader__events_counted(const struct loader *l, __u64 *counted);
/* Events mode: puts every CPU's partial batch of events in the ring (see
 * EV_BATCH_BYTES). Returns how many CPUs were mid-append and kept theirs
 * (call again), or -errno. */
int loader__events_flush(struct loader *l);
/* Whether events are batched (else one ring record per event: the kernel
 * cannot run the flush program on a chosen CPU, < 5.10). */
bool loader__events_batched(const struct loader *l);
/* the stack table, -1 without --stacks or --by caller */
int loader__stacks_fd(const struct loader *l);
/*
 * --by caller: put the helpers' [start, end) ranges in the kernel, after
 * attaching. Until then drops are counted with caller CALLER_PENDING and
 * their stack id. Returns 0 or -errno.
 */
int loader__set_helpers(struct loader *l, const __u64 *start, const __u64 *end, int n);
/* Where XDP programs' skbs are freed, and the verdict just counted (progwatch.h). */
int loader__xdp_sites_fd(const struct loader *l);
int loader__xdp_pending_fd(const struct loader *l);
/* The --netns and --dev filter values (bpf/filter_maps.h), for progwatch. */
int loader__netns_inum_fd(const struct loader *l);
int loader__dev_ifindex_fd(const struct loader *l);
/* Bytes of struct drop_key the count table's keys hold (BASE_KEY_SIZE
 * or the whole struct). */
__u32 loader__key_size(const struct loader *l);

/* The BPF object's bytes (for kbtf_open()). */
const void *loader__obj_bytes(size_t *len);

/* Whether this start attached with the cached minimized BTF (kbtf.h). */
bool loader__btf_cache_used(const struct loader *l);

enum backend backend_parse(const char *name); /* -1 when unknown */
const char *backend_name(enum backend b);

#endif /* DROPSCOPE_LOADER_H */
