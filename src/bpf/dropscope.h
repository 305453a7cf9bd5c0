/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by the BPF side (dropscope.bpf.c) and user space.
 * Everything here must compile both with clang -target bpf (on top of
 * vmlinux_min.h) and with gcc (on top of <linux/types.h>).
 */
#ifndef DROPSCOPE_H
#define DROPSCOPE_H

/* Default size of the in-kernel count table; --max-keys changes it. */
#define DEFAULT_MAX_KEYS 10240

/* Default size of the stack table (--stacks); --max-stacks changes it. */
#define DEFAULT_MAX_STACKS 4096
/* Frames kept per stack: room for the tracing frames above the location
 * and a deep receive path below it (softirq on top of a syscall). */
#define MAX_STACK_DEPTH 64
/* Frames --by caller looks at in the kernel, from the top, and the most
 * generic helpers it can skip (the verifier walks both loops). */
#define CALLER_DEPTH 24
#define MAX_HELPERS  24
/*
 * --by caller before the helper table is in the kernel (user space fills
 * it once attached, after reading kallsyms): the caller is not known yet,
 * so the key says so and carries the drop's stack id instead; user space
 * finds the caller in that stack (caller_from_frames()). No kernel text
 * address is 1.
 */
#define CALLER_PENDING 1ULL

/* The generic free helpers --by caller looks past, as [start, end)
 * ranges: one entry of the `helpers` array map, filled after attaching. */
struct helper_table {
	__u32 ready; /* 0 until user space has written the ranges */
	__u32 n;
	__u64 start[MAX_HELPERS];
	__u64 end[MAX_HELPERS];
};
/* A stack id that is no id: the stack could not be taken (stack table
 * full, a hash collision with another stack, an unwinder fault). */
#define STACK_UNAVAILABLE (-1)
/* A stack id that says the stack was not taken on purpose: this CPU had
 * spent its --stack-budget of unwinds for the current second. The drop
 * is still counted under its key; only its stack is unknown. */
#define STACK_NOT_UNWOUND (-2)
/* Default --stack-budget: unwinds per second per CPU. One unwind costs
 * ~1.4-2.4 us here (bench/README.md), so this bounds --stacks to ~0.2%
 * of each CPU under any flood, while a CPU dropping fewer than this many
 * packets a second gets every stack. */
#define DEFAULT_STACK_BUDGET 1000
/* Size of the in-kernel --reason table: more names are refused up front. */
#define MAX_REASON_FILTER 256
/* Namespaces a --netns filter may pass besides its own (diagnose: the
 * namespaces of its veth/netkit peers). */
#define MAX_NETNS_FILTER 64

/*
 * The dimensions a count can be grouped by (--by). The kernel fills only
 * the requested ones (a .rodata mask, so the verifier drops the code of
 * the others); location, reason and protocol are always there.
 */
enum key_dim {
	DIM_LOCATION = 1 << 0,
	DIM_REASON = 1 << 1,
	DIM_PROTO = 1 << 2,
	DIM_DEV = 1 << 3,
	DIM_NETNS = 1 << 4,
	DIM_COMM = 1 << 5,
	DIM_CGROUP = 1 << 6,
	DIM_CALLER = 1 << 7,
	DIM_STACK = 1 << 8,
	/* Derived in user space from what the kernel keys (never passed to
	 * the BPF side): the drop class (trace/classes.h). */
	DIM_CLASS = 1 << 9,
	/* The workload (counters/workload.h), named from the netns and the
	 * cgroup, which the kernel keys instead. */
	DIM_WORKLOAD = 1 << 10,
};
#define DIMS_BASE (DIM_LOCATION | DIM_REASON | DIM_PROTO)
#define DIMS_USER (DIM_CLASS | DIM_WORKLOAD)

/*
 * One row of the in-kernel count table. The default mode uses only the
 * first BASE_KEY_SIZE bytes (the loader shrinks the map's key to that),
 * so it hashes and compares what it did before the other dimensions
 * existed. The key is hashed byte for byte, so padding must stay
 * explicit and zeroed, and unrequested dimensions stay zero.
 */
struct drop_key {
	__u64 location; /* return address of the kfree_skb() caller */
	__u32 reason;	/* enum skb_drop_reason, 0 where the kernel has none */
	__u16 protocol; /* skb->protocol in host order (ETH_P_*) */
	/* AF_* of the socket holding the skb, for the drop classes
	 * (trace/classes.c): read only for the reason whose rows the class
	 * table tells apart by family (queue purges), else 0. */
	__u16 family;
	/* BASE_KEY_SIZE ends here */
	__u64 caller;	/* first non-helper frame from the location up, 0 = unknown */
	__u64 cgroup;	/* cgroup v2 id: the owning socket's, else the task's */
	__u32 netns;	/* inode */
	__u32 ifindex;	/* of skb->dev, in its namespace */
	__s32 stack_id; /* in the `stacks` map, or STACK_UNAVAILABLE */
	/* User space only (the kernel leaves it 0): enum drop_class, set by
	 * the collection layer from trace/classes.c when it reads the row. */
	__u32 cls;
	char dev[16];  /* skb->dev's name at the drop */
	char comm[16]; /* the task the drop ran in */
	/* With netns: the namespace's cookie (net->net_cookie, what
	 * SO_NETNS_COOKIE returns), which the kernel never reuses, unlike
	 * the inode: two namespaces that had the same inode one after the
	 * other stay two rows. 0 where the kernel has no cookie (< 5.14). */
	__u64 netns_cookie;
};
#define BASE_KEY_SIZE 16

/*
 * The front table: in the default mode (no --by dimension), the busiest
 * keys are also given a slot of a per-CPU array, where a drop of that key
 * is counted without the hash table's lookup (hashing the key, comparing
 * it: about a third of what a drop costs the program, bench/README.md).
 * A key's slot is fixed, front_index() of its 16 base bytes; a key whose
 * slot is taken stays in the hash only. Only user space fills a slot
 * (drop_table.c, with a key the hash already has a row for), and a slot
 * once live keeps its key until the program goes, so a row's total is its
 * hash row's plus its slot's count, both monotonic, and every drop is
 * counted in exactly one of them:
 *  - the slot (`front`) is written twice, first with the key and
 *    live = 0, then the same bytes with live = 1; the program counts into
 *    a slot only when it sees live set and both key words equal, and the
 *    key words hold the key in full from the second write's start, so a
 *    write seen half done (a per-CPU value is copied word by word, with
 *    no lock against the program, and on a weakly ordered CPU its stores
 *    may be seen in any order) never matches a key it does not hold;
 *  - the slot's count is in another per-CPU array (`front_counts`, same
 *    index) that user space never writes: a count beside the key would be
 *    rewritten by the second write, and a drop counted between that
 *    write's store of live and its store of the count would be lost;
 *    nothing adds to it before live is set, and the key never changes
 *    after, so it is that key's alone.
 */
#define FRONT_BITS  10
#define FRONT_SLOTS (1U << FRONT_BITS)
struct front_slot {
	__u64 location;
	__u64 tail; /* the key's reason, protocol and family: bytes 8-15 */
	__u64 live;
};

/* Fibonacci hashing of the two key words: a multiply, a shift. */
static inline __u32 front_index(__u64 location, __u64 tail)
{
	return (__u32)(((location ^ (tail * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL) >>
		       (64 - FRONT_BITS));
}

/* Slots of the per-CPU `stats` array: what did not make it into `drops`,
 * and what became of each drop in events mode. */
enum drop_stat {
	STAT_OVERFLOW, /* drops counted here because `drops` was full */
	STAT_FILTERED, /* drops seen but excluded by a filter */
	STAT_EV_SENT,  /* events written to the ring buffer */
	STAT_EV_LOST,  /* events the ring buffer had no room for */
	STAT_EV_RATE,  /* events held back by --rate (still counted, in STAT_EV_COUNTED) */
	/* Events mode: every drop that passed the filters. There the count
	 * table is not updated (no per-key counts are shown): a per-CPU
	 * counter costs a fraction of a hash update per drop. Most are
	 * counted in their batch slot instead (struct ev_batch's counted);
	 * here only the drops no slot took. */
	STAT_EV_COUNTED,
	STAT_MAX,
};

/*
 * The BPF side wakes the reader only once this much is waiting; user space
 * also looks every EVENTS_POLL_MS. Waking per event would cost an
 * irq_work and a context switch per drop; per 256 KiB it still cost a
 * flood's CPU ~11 ns a drop (perf, bench/README.md). 1 MiB is an eighth
 * of events mode's ring (EVENTS_RING_BYTES): the reader is woken with
 * most of the ring still free. diagnose reads every 0.1 s regardless.
 */
#define EVENTS_WAKEUP_BYTES (1 << 20)
#define EVENTS_POLL_MS	    50

/*
 * Events are batched per CPU (dropscope.bpf.c, emit_event()): each CPU
 * appends its events to a buffer of its own and puts the buffer in the
 * ring as one record once EV_BATCH_BYTES are in it, so the ring's lock
 * and record header are paid once per batch instead of once per drop.
 * User space has a partial batch flushed after EVENTS_FLUSH_MS
 * (loader__events_flush()), which bounds how long an event waits at a
 * low rate, and flushes every CPU's after detaching, so none is lost.
 *
 * A ring record is a struct ev_batch_hdr, then `n` events, each a struct
 * drop_event's header and caplen bytes of packet, starting at a multiple
 * of 8 (EV_SIZE()).
 */
#define EV_BATCH_BYTES	(16 << 10)
#define EVENTS_FLUSH_MS 50
struct ev_batch_hdr {
	__u32 n;   /* events in the record */
	__u32 pad; /* 0 */
};
#define EV_SIZE(caplen) ((__builtin_offsetof(struct drop_event, data) + (caplen) + 7) & ~7UL)
/* What the flush program returns for a CPU caught mid-append: try again. */
#define EV_FLUSH_BUSY 1

/* Largest --snaplen: a power of two so the BPF side can bound copies. */
#define MAX_SNAPLEN 1024
#define ETH_HLEN_   14

enum event_flags {
	EV_SYNTH_ETH = 1 << 0, /* no usable MAC header: a zeroed one was made up */
	EV_NONLINEAR = 1 << 1, /* the packet went on past the linear part: copy ends early */
};

/*
 * One dropped packet, as the BPF side writes it to the ring buffer: the
 * header, then caplen bytes of the packet from its Ethernet header.
 */
struct drop_event {
	__u64 ts_ns; /* bpf_ktime_get_ns() at the drop */
	__u64 location;
	__u32 reason;
	__u32 netns;
	__u32 ifindex;
	__u32 pid;	/* tgid of the task the drop ran in, 0 = idle/softirq */
	__u32 len;	/* the packet's length from its first copied byte */
	__u16 caplen;	/* bytes in data[] */
	__u16 protocol; /* skb->protocol, host order */
	__u16 cpu;
	__u16 flags; /* enum event_flags */
	char comm[16];
	char ifname[16];
	__s32 stack_id; /* in the `stacks` map (--stacks), else STACK_UNAVAILABLE */
	__u16 family;	/* AF_* of the skb's socket, 0 = none (drop classes) */
	__u16 pad;
	__u32 pad2;
	__u64 netns_cookie; /* as in struct drop_key, 0 = the kernel has none */
	/* With --by workload: the cgroup v2 id of the drop (the owning
	 * socket's, else the task's, as struct drop_key's), which user space
	 * names as a workload with the namespace; 0 otherwise. */
	__u64 cgroup;
	/* caplen bytes are used; the rest is room the BPF side's masked
	 * bounds need (see copy_packet()) */
	__u8 data[2 * MAX_SNAPLEN + ETH_HLEN_];
};
/* Both compilers lay the header out alike: every hole is a named field. */
_Static_assert(__builtin_offsetof(struct drop_event, data) == 104,
	       "struct drop_event's header has implicit padding");

/* One CPU's batch (a slot of the ev_batches per-CPU array; see
 * dropscope.bpf.c's emit_event()). */
struct ev_batch {
	__u32 busy;
	__u32 len;     /* bytes used in data[], an ev_batch_hdr first */
	__u32 n;       /* events in data[] */
	__u32 unwoken; /* bytes this CPU put in the ring since it woke the reader */
	/* Events mode: drops that came to this slot (STAT_EV_COUNTED's share
	 * counted here: a plain add on a line the event writes anyway, no
	 * atomic, since only the slot's holder adds to it). User space sums
	 * the slots of every CPU (loader__events_counted()). */
	__u64 counted;
	/* EV_BATCH_BYTES, then room for one more event at its largest, so
	 * that an event starting below EV_BATCH_BYTES always fits. */
	__u8 data[EV_BATCH_BYTES + sizeof(struct drop_event)];
};

/*
 * The verdicts of XDP programs as rows of the count table (progverdict.bpf.c):
 * location = the program's JIT image (kallsyms names it bpf_prog_TAG_NAME),
 * reason = one of these. Not values of the kernel's enum skb_drop_reason,
 * whose subsystems (the high 16 bits) are all far below 0x7fff;
 * symbols/reasons.c names them.
 */
#define DS_REASON_XDP_DROP    0x7fff0001u
#define DS_REASON_XDP_ABORTED 0x7fff0002u

/*
 * Where the kernel frees an skb an XDP program dropped (veth_xdp_rcv_skb,
 * generic XDP): [start, end) text ranges user space puts in `xdp_sites`.
 * Such a drop is counted as the program's row (XDP_DROP), or not at all
 * when progverdict.bpf.c has just counted its verdict (`xdp_pending`).
 */
#define MAX_XDP_SITES 4
struct xdp_site {
	__u64 start, end;
	/* The reason of that kfree_skb (NOT_SPECIFIED: a plain kfree_skb());
	 * 0 = any. do_xdp_generic also frees with SKB_DROP_REASON_XDP when a
	 * redirect failed: not a verdict of the program. */
	__u32 reason;
	__u32 pad;
};
/* All the sites in the one entry of `xdp_sites`: the program looks the
 * table up once per drop, not once per site (four inlined lookups, each
 * storing and reloading its index, were a third of the summary program's
 * own time on an OTHERHOST flood: bench/README.md). */
struct xdp_site_table {
	struct xdp_site s[MAX_XDP_SITES];
};

/* Whether a drop at location with reason is at site s: the program's test,
 * and user space's when it keeps such keys out of the front table. */
static inline _Bool xdp_site_hit(const struct xdp_site *s, __u64 location, __u32 reason)
{
	return location >= s->start && location < s->end && (!s->reason || s->reason == reason);
}
/* The device whose XDP verdict was just counted on this CPU, and when:
 * the skb path frees the skb right after, on the same CPU. */
struct xdp_pending {
	__u64 dev;
	__u64 ns;
};
#define XDP_PENDING_NS 100000 /* 100 us: one veth_xdp_rcv_skb() call */

/*
 * One TC_INGRESS/TC_EGRESS drop as progverdict.bpf.c counts it: the hook
 * (namespace, device, the reason says the direction) and the program whose
 * fexit saw it return TC_ACT_SHOT for that skb; prog_id 0 when none did
 * (no fexit on that hook's programs: the attach listing says who).
 */
struct tc_drop_key {
	__u32 netns;
	__u32 ifindex;
	__u32 reason;
	__u32 prog_id;
};

#endif /* DROPSCOPE_H */
