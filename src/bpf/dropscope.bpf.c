// SPDX-License-Identifier: GPL-2.0
/*
 * dropscope's kernel side: one program on the skb:kfree_skb tracepoint,
 * compiled three ways (tp_btf, raw_tp, classic tracepoint) so the loader
 * can pick whichever the running kernel supports. All three funnel into
 * count_drop(), which filters and counts in a per-CPU hash.
 */
#include "bpf/vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "bpf/dropscope.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader before load; the verifier sees them as constants and
 * drops the code of every filter that is off. */
/* --netns: on; the namespace's inode is in `netns_inum`, which user space
 * changes when the --netns path is deleted (0: matches nothing) and made
 * again (the new namespace's inode). */
const volatile bool filter_netns = false;
const volatile bool filter_netns_also = false; /* and those in `netns_filter` */
/* --dev: on; the ifindex is in `dev_ifindex`, which user space changes
 * when the device is deleted (-1) and made again under its name. */
const volatile bool filter_dev = false;
const volatile __u16 filter_ethertype = 0;
const volatile __u64 filter_loc_start = 0; /* [start, end) of one function */
const volatile __u64 filter_loc_end = 0;
const volatile bool filter_reasons = false; /* only reasons in `reason_filter` */
const volatile __s16 filter_ipproto = -1;   /* IPPROTO_* of IPv4/IPv6, -1 = any */
const volatile bool events_enabled = false; /* events mode: copy each drop out */
/* ... and count them per CPU only, not per key (events mode prints no
 * counts; diagnose, which samples events too, needs its table). */
const volatile bool events_only = false;
const volatile __u32 snaplen = 128;
const volatile __u64 rate_per_sec = 0;	   /* events per second, 0 = no cap */
const volatile bool events_cgroup = false; /* events carry the drop's cgroup */
const volatile __u32 key_dims = DIMS_BASE; /* enum key_dim: what --by asked for */
/* --by caller: how many entries the helper table can have (the built-in
 * names and --helper's): a constant bound for is_helper()'s loop, so the
 * verifier walks only the slots there can be. */
const volatile __u32 n_helper_slots = 0;
/* --stack-budget: stack unwinds per second per CPU, 0 = every drop. */
const volatile __u32 stack_budget = 0;
/* User space may put XDP drop sites in `xdp_sites` (progwatch.c): off with
 * --no-xdp and wherever a filter keeps XDP rows out, and then the verifier
 * drops xdp_drop_site()'s four lookups from every drop's path. */
const volatile bool xdp_sites_on = false;

/*
 * --rate's token bucket, shared by all CPUs. Updates race between CPUs
 * (tracing programs may not take a bpf_spin_lock), which can make the
 * cap a little loose; the accounting stays exact because every drop is
 * still counted once as sent, lost or rate-limited.
 */
struct {
	__u64 last_ns;
	__s64 tokens;
} bucket;

/*
 * DS_REASON_XDP_DROP, set by the loader: a variable, not the constant, so
 * that the verifier sees a value it does not know on this path as on the
 * kernel's own, and the paths after xdp_drop_site() prune as one (with the
 * constant, --by caller's stack walk was verified twice: 66k instructions
 * instead of 34k).
 */
__u32 xdp_drop_reason;

#include "bpf/count_maps.h"
#include "bpf/filter_maps.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_REASON_FILTER);
	__type(key, __u32);
	__type(value, __u8);
} reason_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_NETNS_FILTER);
	__type(key, __u32);
	__type(value, __u8);
} netns_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20); /* resized by the loader */
} events SEC(".maps");

/*
 * Stacks for --stacks, deduplicated by the kernel. bpf_get_stackid() is
 * called without BPF_F_REUSE_STACKID and without BPF_F_FAST_STACK_CMP:
 * an id is returned only when the bucket holds this very stack (the
 * kernel compares every frame), and a different stack hashing to a
 * taken bucket gets -EEXIST instead of the other's id or of evicting
 * it. So a count is never attributed to another stack, and an id, once
 * handed out, means one stack until exit (user space caches it by id).
 * Collisions and a full table count as STACK_UNAVAILABLE.
 */
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, DEFAULT_MAX_STACKS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

/*
 * --stack-budget's token bucket, one per CPU: the unwind is paid by the
 * CPU that drops, so each CPU's cost is bounded on its own and no cache
 * line bounces between CPUs. A drop in hard IRQ can interrupt an update
 * on the same CPU; the worst that does is one unwind more or fewer than
 * the budget, never a count lost (the drop is counted either way).
 */
struct stack_bucket {
	__u64 last_ns;
	__s64 tokens;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stack_bucket);
} stack_budget_state SEC(".maps");

/*
 * --by caller: the generic free/drop helpers to look past
 * (trace/caller_skip.c). A map, not .rodata, so that the program can be
 * attached before user space has read kallsyms for their addresses:
 * until `ready`, drops get CALLER_PENDING and a stack id (fill_dims()).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct helper_table);
} helpers SEC(".maps");

/* --by caller's view of the top of the stack (too big for the BPF stack). */
struct caller_frames {
	__u64 ip[CALLER_DEPTH];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct caller_frames);
} caller_scratch SEC(".maps");

/*
 * Events mode's per-CPU batches (see EV_BATCH_BYTES in dropscope.h for
 * the record they become). Measured with bpf_stats side by side
 * (bench/README.md): one bpf_ringbuf_output() per drop was most of
 * events mode's cost: the ring's spinlock taken with interrupts off, a
 * record header and a commit per drop. Here a drop's event is built in
 * place in its CPU's batch (no copy from a scratch buffer either) and
 * the batch goes to the ring as one record once full.
 *
 * Two slots per CPU: [0] for the program, [1] for a drop that
 * interrupts it on the same CPU (a hard IRQ, on kernels whose raw
 * tracepoints have no recursion guard), flushed at once. `busy` says a
 * slot is being appended to: the flush program, which user space runs
 * on this CPU in an IPI (flush_events()), leaves such a slot alone and
 * says so, and user space tries again.
 */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct ev_batch);
} ev_batches SEC(".maps");

/* Flush a batch once it holds this many bytes: EV_BATCH_BYTES, set by the
 * loader once it has seen the flush program run on a CPU (loader.c); 0,
 * the default, flushes every event at once, for kernels that cannot run
 * it there. A variable: read per event. */
__u32 ev_flush_at;

/* The default mode's front table (see struct front_slot). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FRONT_SLOTS);
	__type(key, __u32);
	__type(value, struct front_slot);
} front SEC(".maps");

/* Its counts, by the same index: written by no one but this program. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FRONT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} front_counts SEC(".maps");

/* XDP drop sites and the verdict just counted (see struct xdp_site). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdp_site_table);
} xdp_sites SEC(".maps");

/* The fields of the running kernel's net_device and bpf_prog we need here
 * (CO-RE: the ___xdp flavour matches struct net_device). */
struct bpf_prog {
	void *bpf_func;
} __attribute__((preserve_access_index));
struct bpf_xdp_entity {
	struct bpf_prog *prog;
} __attribute__((preserve_access_index));
struct net_device___xdp {
	struct bpf_prog *xdp_prog;	    /* generic XDP */
	struct bpf_xdp_entity xdp_state[3]; /* XDP_MODE_SKB, _DRV, _HW */
} __attribute__((preserve_access_index));

/*
 * An skb freed where an XDP program dropped it becomes that program's row
 * (location = its JIT image, reason XDP_DROP), so every view names the
 * program. Returns true when progverdict.bpf.c has just counted this very
 * verdict (an fexit's XDP_DROP, xdp_exception's XDP_ABORTED): not again.
 */
static __always_inline bool xdp_drop_site(struct sk_buff *skb, __u64 *location, __u32 *reason)
{
	const struct xdp_site_table *t;
	struct net_device___xdp *dev;
	struct xdp_pending *p;
	struct bpf_prog *prog;
	__u32 zero = 0;
	bool hit = false;

	t = bpf_map_lookup_elem(&xdp_sites, &zero);
	if (!t)
		return false;
	/* Spelt out: a bounded loop here is "infinite loop detected" for the
	 * verifiers of 6.1 and 6.12 (make matrix), which 6.18's accepts, and
	 * clang will not unroll it for us. */
	_Static_assert(MAX_XDP_SITES == 4, "xdp_drop_site() looks at four sites");
	hit = xdp_site_hit(&t->s[0], *location, *reason) ||
	      xdp_site_hit(&t->s[1], *location, *reason) ||
	      xdp_site_hit(&t->s[2], *location, *reason) ||
	      xdp_site_hit(&t->s[3], *location, *reason);
	if (!hit)
		return false;
	dev = (void *)BPF_CORE_READ(skb, dev);
	if (!dev)
		return false;
	p = bpf_map_lookup_elem(&xdp_pending, &zero);
	if (p && p->dev == (__u64)dev && bpf_ktime_get_ns() - p->ns < XDP_PENDING_NS) {
		p->dev = 0;
		return true;
	}
	/* xdp_state is 5.13+: older kernels keep the kernel's own row. */
	prog = NULL;
	if (bpf_core_field_exists(dev->xdp_state))
		prog = BPF_CORE_READ(dev, xdp_state[1].prog);
	if (!prog && bpf_core_field_exists(dev->xdp_prog))
		prog = BPF_CORE_READ(dev, xdp_prog);
	if (prog) {
		*location = (__u64)BPF_CORE_READ(prog, bpf_func);
		*reason = xdp_drop_reason;
	}
	return false;
}

/*
 * tp_btf: the skb's device, read once at the top of the program. Every
 * load of a pointer from the skb (a trusted argument) costs the verifier
 * four name lookups through the whole kernel BTF (is the field marked
 * trusted or RCU-safe?), once per path that reaches it: loaded where
 * each function needed them, they were most of the verifier's time,
 * which start-to-attached pays. skb->sk, needed only for a namespace
 * without a device and for queue purges, is probe-read where it is
 * needed instead (no lookup at all). Unused (NULL) by the backends that
 * probe-read.
 */
struct skb_refs {
	struct net_device *dev;
};

/*
 * The namespace a drop belongs to. First the receiving socket the
 * tracepoint names (6.11+), which is the only reliable owner once a
 * socket holds the skb: UDP then reuses skb->dev's storage as scratch
 * space. Then the device the packet is on: skb->sk may still be the
 * *sender's* socket from another namespace, since crossing a veth no
 * longer orphans the skb. The socket last, for packets without a device
 * (or whose device pointer was scratch and read as nothing).
 * tp_btf programs may dereference pointers directly (BTF-typed, faults
 * read as zero); the others must use probe reads. Returns the namespace
 * (NULL = none) and its inode in *inum.
 */
static __always_inline struct net *skb_net(struct sk_buff *skb, const struct skb_refs *r,
					   struct sock *rx_sk, bool direct, __u32 *inum)
{
	struct net_device *dev;
	struct net *net;
	struct sock *sk;

	/* rx_sk comes from an untyped argument slot: always probe-read. */
	if (rx_sk) {
		net = BPF_CORE_READ(rx_sk, __sk_common.skc_net.net);
		*inum = BPF_CORE_READ(net, ns.inum);
		return net;
	}
	dev = direct ? r->dev : BPF_CORE_READ(skb, dev);
	if (dev) {
		net = direct ? dev->nd_net.net : BPF_CORE_READ(dev, nd_net.net);
		*inum = direct ? net->ns.inum : BPF_CORE_READ(net, ns.inum);
		if (*inum)
			return net;
	}
	sk = BPF_CORE_READ(skb, sk);
	if (!sk) {
		*inum = 0;
		return NULL;
	}
	net = BPF_CORE_READ(sk, __sk_common.skc_net.net);
	*inum = BPF_CORE_READ(net, ns.inum);
	return net;
}

static __always_inline __u32 skb_netns(struct sk_buff *skb, const struct skb_refs *r,
				       struct sock *rx_sk, bool direct)
{
	__u32 inum;

	skb_net(skb, r, rx_sk, direct, &inum);
	return inum;
}

/* The namespace's cookie: unlike the inode, never reused (0 before 5.14,
 * which user space notes once). */
static __always_inline __u64 net_cookie(struct net *net)
{
	if (!net || !bpf_core_field_exists(net->net_cookie))
		return 0;
	return BPF_CORE_READ(net, net_cookie);
}

static __always_inline int skb_ifindex(struct sk_buff *skb, const struct skb_refs *r, bool direct)
{
	struct net_device *dev = direct ? r->dev : BPF_CORE_READ(skb, dev);

	if (!dev)
		return 0;
	return direct ? dev->ifindex : BPF_CORE_READ(dev, ifindex);
}

/*
 * --by caller's two loops are global functions: the verifier checks each
 * once, on its own, for any argument, and a call of one is a single
 * instruction to it wherever it is called. As static functions, each
 * call (one per frame walked) was checked with its loop again: ~17k
 * verified instructions, the most of --by caller's start to attached
 * (issue 20). Scalars only as arguments (kernels before 5.12 take no
 * pointers here): each looks its map up itself.
 */

/* Is ip inside one of the generic free/drop helpers? */
__noinline int is_helper(__u64 ip)
{
	const struct helper_table *t;
	__u32 zero = 0;

	t = bpf_map_lookup_elem(&helpers, &zero);
	if (!t)
		return 0;
	for (__u32 i = 0; i < MAX_HELPERS; i++) {
		/* Slots past t->n are [0, 0): they never match. */
		if (i >= n_helper_slots)
			break;
		if (ip >= t->start[i] && ip < t->end[i])
			return 1;
	}
	return 0;
}

/*
 * The frame after the location among the n in caller_scratch, skipping
 * helpers. The location is itself a frame of the stack (the return
 * address into the function that freed the skb), so the tracing frames
 * above it are skipped by finding it. 0 when it is not among the top
 * frames or everything there is a helper: unknown, never a guess.
 */
__noinline __u64 caller_walk(__u64 location, __s64 n)
{
	struct caller_frames *f;
	__u32 zero = 0, i;
	bool found = false;

	f = bpf_map_lookup_elem(&caller_scratch, &zero);
	if (!f)
		return 0;
	for (i = 0; i < CALLER_DEPTH; i++) {
		if (i >= n)
			break;
		if (!found) {
			found = f->ip[i] == location;
			continue;
		}
		if (!is_helper(f->ip[i]))
			return f->ip[i];
	}
	return 0;
}

/* --by caller: the first frame, from the location up, that is not a
 * generic free/drop helper. */
static __always_inline __u64 find_caller(void *ctx, __u64 location)
{
	struct caller_frames *f;
	__u32 zero = 0;
	long n;

	if (!is_helper(location))
		return location;
	f = bpf_map_lookup_elem(&caller_scratch, &zero);
	if (!f)
		return 0;
	n = bpf_get_stack(ctx, f->ip, sizeof(f->ip), 0);
	if (n <= 0)
		return 0;
	return caller_walk(location, n / sizeof(__u64));
}

/* The cgroup (v2 id) a drop is charged to: the socket that owns the skb
 * (the receiving one, else skb->sk), else the task the drop ran in. */
static __always_inline __u64 drop_cgroup(struct sk_buff *skb, struct sock *rx_sk)
{
	struct sock *sk = rx_sk ? rx_sk : BPF_CORE_READ(skb, sk);
	struct cgroup *cg;

	if (sk && bpf_core_field_exists(sk->sk_cgrp_data.cgroup)) {
		cg = BPF_CORE_READ(sk, sk_cgrp_data.cgroup);
		if (cg)
			return BPF_CORE_READ(cg, kn, id);
	}
	return bpf_get_current_cgroup_id();
}

/*
 * May this drop's stack be unwound? The unwind is nearly all of --stacks'
 * cost (measured: bpf_get_stack() into a buffer costs the same as
 * bpf_get_stackid(), the stack table's hash and compare are noise), so it
 * is what the budget rations: a bucket of stack_budget tokens that
 * refills at stack_budget per second, so a CPU below the budget unwinds
 * every drop and one above it at most stack_budget (+ one second's burst)
 * a second.
 */
static __always_inline bool unwind_allowed(void)
{
	struct stack_bucket *b;
	__u32 zero = 0;
	__u64 now, elapsed, add;

	b = bpf_map_lookup_elem(&stack_budget_state, &zero);
	if (!b)
		return false;
	/* Tokens left: no clock read, the common case below the budget. */
	if (b->tokens > 0) {
		b->tokens--;
		return true;
	}
	now = bpf_ktime_get_ns();
	elapsed = now - b->last_ns;
	if (elapsed >= 1000000000ULL) {
		/* A second or more since the last refill: a full bucket. */
		b->tokens = stack_budget;
		b->last_ns = now;
	} else {
		/* Whole tokens only, and the clock moves by what they were
		 * worth, so a slow trickle of refills loses nothing. */
		add = elapsed * stack_budget / 1000000000ULL;
		if (!add)
			return false;
		b->tokens = add > stack_budget ? stack_budget : add;
		b->last_ns += add * 1000000000ULL / stack_budget;
	}
	b->tokens--;
	return true;
}

static __always_inline void fill_dims(void *ctx, struct drop_key *key, struct sk_buff *skb,
				      const struct skb_refs *r, struct sock *rx_sk, bool direct)
{
	struct net_device *dev;

	if (key_dims & DIM_DEV) {
		dev = BPF_CORE_READ(skb, dev);
		if (dev) {
			key->ifindex = BPF_CORE_READ(dev, ifindex);
			bpf_probe_read_kernel_str(key->dev, sizeof(key->dev), dev->name);
		}
	}
	if (key_dims & DIM_NETNS)
		key->netns_cookie = net_cookie(skb_net(skb, r, rx_sk, direct, &key->netns));
	if (key_dims & DIM_COMM)
		bpf_get_current_comm(key->comm, sizeof(key->comm));
	if (key_dims & DIM_CGROUP)
		key->cgroup = drop_cgroup(skb, rx_sk);
	if (key_dims & DIM_CALLER) {
		const struct helper_table *t;
		__u32 zero = 0;
		long id;

		t = bpf_map_lookup_elem(&helpers, &zero);
		if (t && t->ready) {
			key->caller = find_caller(ctx, key->location);
		} else {
			/* The first milliseconds: the stack, for user space to
			 * find the caller in (it doubles as --stacks' stack). */
			id = bpf_get_stackid(ctx, &stacks, 0);
			key->caller = CALLER_PENDING;
			key->stack_id = id < 0 ? STACK_UNAVAILABLE : (__s32)id;
		}
	}
	if ((key_dims & DIM_STACK) && key->caller != CALLER_PENDING) {
		long id;

		if (stack_budget && !unwind_allowed()) {
			key->stack_id = STACK_NOT_UNWOUND;
		} else {
			id = bpf_get_stackid(ctx, &stacks, 0);
			key->stack_id = id < 0 ? STACK_UNAVAILABLE : (__s32)id;
		}
	}
}

/* Protocol number of the IPv4/IPv6 header (IPv6: the first next header). */
static __always_inline int skb_ipproto(struct sk_buff *skb, __u16 proto)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u8 p;

	if (proto == 0x0800) {
		if (bpf_probe_read_kernel(&p, 1, head + nh + 9))
			return -1;
	} else if (proto == 0x86dd) {
		if (bpf_probe_read_kernel(&p, 1, head + nh + 6))
			return -1;
	} else {
		return -1;
	}
	return p;
}

static __always_inline bool filtered_out(struct sk_buff *skb, const struct skb_refs *r,
					 __u64 location, __u32 reason, struct sock *rx_sk,
					 __u16 proto, bool direct)
{
	if (filter_loc_end && (location < filter_loc_start || location >= filter_loc_end))
		return true;
	if (filter_ethertype && proto != filter_ethertype)
		return true;
	if (filter_reasons && !bpf_map_lookup_elem(&reason_filter, &reason))
		return true;
	if (filter_netns) {
		__u32 zero = 0;
		__u32 *want = bpf_map_lookup_elem(&netns_inum, &zero);
		__u32 ns = skb_netns(skb, r, rx_sk, direct);

		if ((!want || !*want || ns != *want) &&
		    (!filter_netns_also || !bpf_map_lookup_elem(&netns_filter, &ns)))
			return true;
	}
	if (filter_dev) {
		__u32 zero = 0;
		__s32 *want = bpf_map_lookup_elem(&dev_ifindex, &zero);

		if (!want || skb_ifindex(skb, r, direct) != *want)
			return true;
	}
	if (filter_ipproto >= 0 && skb_ipproto(skb, proto) != filter_ipproto)
		return true;
	return false;
}

static __always_inline bool take_token(void)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 elapsed = now - bucket.last_ns;
	__u64 add;

	if (elapsed >= 1000000000ULL) {
		/* A second or more idle: a full bucket (one second's burst). */
		bucket.tokens = rate_per_sec;
		bucket.last_ns = now;
	} else {
		/* Whole tokens only, and the clock advances by exactly what they
		 * were worth: at low rates the remainder must not be lost. */
		add = elapsed * rate_per_sec / 1000000000ULL;
		if (add) {
			__s64 t = bucket.tokens + (__s64)add;

			bucket.tokens = t > (__s64)rate_per_sec ? (__s64)rate_per_sec : t;
			bucket.last_ns += add * 1000000000ULL / rate_per_sec;
		}
	}
	if (bucket.tokens <= 0)
		return false;
	__sync_fetch_and_add(&bucket.tokens, -1);
	return true;
}

/*
 * Where the copy starts: the MAC header when it is an Ethernet one, else
 * the network header behind a made-up Ethernet header (TX path before
 * dev_queue_xmit, tunnels, raw IP devices).
 */
static __always_inline void copy_packet(struct sk_buff *skb, struct drop_event *e, __u16 proto,
					struct net_device *dev, bool direct, const __u32 room)
{
	/* tp_btf reads the skb with plain loads; the others pay a probe
	 * read (a helper call) per field. */
	unsigned char *head = direct ? skb->head : BPF_CORE_READ(skb, head);
	unsigned char *data = direct ? skb->data : BPF_CORE_READ(skb, data);
	__u16 mac = direct ? skb->mac_header : BPF_CORE_READ(skb, mac_header);
	__u16 nh = direct ? skb->network_header : BPF_CORE_READ(skb, network_header);
	__u32 len = direct ? skb->len : BPF_CORE_READ(skb, len);
	__u32 data_len = direct ? skb->data_len : BPF_CORE_READ(skb, data_len);
	unsigned short type = !dev ? 0 : direct ? dev->type : BPF_CORE_READ(dev, type);
	unsigned char *start, *linear_end = data + (len - data_len), *end = data + len;
	__u32 off = 0, avail;
	__u64 cap; /* 64-bit: a 32-bit one is clamped in a zero-extended copy */

	/* ARPHRD_ETHER (1) and ARPHRD_LOOPBACK (772) carry an Ethernet header. */
	if (mac != (__u16)~0U && nh >= mac + ETH_HLEN_ && (type == 1 || type == 772)) {
		start = head + mac;
	} else {
		start = nh ? head + nh : data;
		__builtin_memset(e->data, 0, 12);
		e->data[12] = proto >> 8;
		e->data[13] = proto & 0xff;
		off = ETH_HLEN_;
		e->flags |= EV_SYNTH_ETH;
	}
	avail = linear_end > start ? linear_end - start : 0;
	e->len = (end > start ? end - start : 0) + off;
	if (data_len && e->len > avail + off)
		e->flags |= EV_NONLINEAR;
	cap = snaplen > off ? snaplen - off : 0;
	if (cap > avail)
		cap = avail;
	/* A bound the verifier can follow whatever the compiler made of the
	 * comparisons above (it may test a copy of cap): data[] has room
	 * bytes and more, and off is 0 or ETH_HLEN_. */
	barrier_var(cap);
	if (cap > room - ETH_HLEN_)
		cap = room - ETH_HLEN_;
	barrier_var(cap);
	if (off)
		off = ETH_HLEN_;
	if (bpf_probe_read_kernel(e->data + off, cap, start))
		cap = 0;
	e->caplen = cap + off;
}

static __always_inline void stat_add(__u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		__sync_fetch_and_add(v, n);
}

/* Orders the stores around a batch's `busy` for the compiler; the CPU
 * sees its own stores in order, and only this CPU touches its batches. */
#define batch_barrier() asm volatile("" ::: "memory")

/*
 * Puts batch b in the ring as one record. from_drop: wake the reader once
 * per EVENTS_WAKEUP_BYTES this CPU wrote (user space also looks every
 * EVENTS_POLL_MS); the flush program's records are read right after it.
 * A record the ring has no room for loses its n events, and says so.
 */
static __always_inline void flush_batch(struct ev_batch *b, bool from_drop)
{
	struct ev_batch_hdr *h = (void *)b->data;
	__u64 wake = BPF_RB_NO_WAKEUP;
	__u32 len = b->len, n = b->n;

	if (!n)
		return;
	if (len > sizeof(b->data))
		len = sizeof(b->data);
	h->n = n;
	h->pad = 0;
	if (from_drop) {
		b->unwoken += len;
		if (b->unwoken >= EVENTS_WAKEUP_BYTES) {
			b->unwoken = 0;
			wake = BPF_RB_FORCE_WAKEUP;
		}
	}
	if (bpf_ringbuf_output(&events, b->data, len, wake))
		stat_add(STAT_EV_LOST, n);
	else
		stat_add(STAT_EV_SENT, n);
	b->len = sizeof(struct ev_batch_hdr);
	b->n = 0;
}

/*
 * The fields of an event that name things (task, namespace, device). tp_btf
 * reads them with plain loads, 8 bytes at a time, where the other backends
 * call a helper per field: those calls (comm, pid, the device name's
 * string copy, the namespace cookie's probe read) cost 11-17 ns a drop
 * more (bpf_stats run time, both programs attached over one flood, both
 * orders; bench/README.md).
 */
static __always_inline void event_task(struct drop_event *e, bool direct)
{
	if (direct) {
		struct task_struct *t = bpf_get_current_task_btf();
		const __u64 *src = (const __u64 *)t->comm;
		__u64 *c = (__u64 *)e->comm;

		/* comm is NUL-terminated within its 16 bytes, and user space
		 * reads it only up to the NUL. Two 8-byte loads: the compiler
		 * is not to split them by the local struct's char alignment. */
		barrier_var(src);
		c[0] = src[0];
		c[1] = src[1];
		e->pid = t->tgid;
		return;
	}
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

static __always_inline void event_ifname(struct drop_event *e, struct net_device *dev, bool direct)
{
	__u64 *n = (__u64 *)e->ifname;

	if (direct) {
		const __u64 *src;

		/* As comm: the kernel keeps the name NUL-terminated. No test
		 * for NULL: a load through it reads zeros (a name of ""). The
		 * barrier keeps the compiler from using what it knows of dev
		 * from the tests around (a NULL it would load from as a
		 * constant, which the verifier refuses). */
		barrier_var(dev);
		src = (const __u64 *)dev->name;
		barrier_var(src);
		n[0] = src[0];
		n[1] = src[1];
	} else if (!dev || bpf_probe_read_kernel_str(e->ifname, sizeof(e->ifname), dev->name) < 0) {
		e->ifname[0] = 0;
	}
}

/* The namespace of the event: skb_net()'s, with the cookie read with a
 * plain load on tp_btf's usual path (the device's namespace). */
static __always_inline void event_netns(struct sk_buff *skb, const struct skb_refs *r,
					struct sock *rx_sk, bool direct, struct drop_event *e)
{
	if (direct && !rx_sk && r->dev) {
		struct net *net = r->dev->nd_net.net;

		e->netns = net->ns.inum;
		if (e->netns) {
			e->netns_cookie =
				bpf_core_field_exists(net->net_cookie) ? net->net_cookie : 0;
			return;
		}
	}
	e->netns_cookie = net_cookie(skb_net(skb, r, rx_sk, direct, &e->netns));
}

/*
 * One event, written in place at the end of this CPU's batch (see struct
 * ev_batch); the batch goes to the ring once it holds ev_flush_at bytes.
 * Events are of their exact size (the packet bytes copied, rounded up to
 * 8), as the per-event records were: a ring holds as many.
 */
static __always_inline void emit_event(struct sk_buff *skb, const struct skb_refs *r,
				       const struct drop_key *key, struct sock *rx_sk, bool direct)
{
	const __u32 room = MAX_SNAPLEN + ETH_HLEN_;
	struct net_device *dev;
	struct drop_event *e;
	struct ev_batch *b;
	__u32 zero = 0, one = 1, off;
	bool nested = false;

	b = bpf_map_lookup_elem(&ev_batches, &zero);
	if (b && b->busy) {
		/* This CPU's batch is half written below us: slot 1, sent at
		 * once. A third level has nowhere to go and is counted lost. */
		nested = true;
		b = bpf_map_lookup_elem(&ev_batches, &one);
		if (b && b->busy)
			b = NULL;
	}
	if (!b) {
		if (events_only)
			stat_inc(STAT_EV_COUNTED);
		stat_inc(STAT_EV_LOST);
		return;
	}
	b->busy = 1;
	batch_barrier();
	/* Counted in the slot we hold: nothing else adds to it meanwhile. */
	if (events_only)
		b->counted++;
	if (rate_per_sec && !take_token()) {
		stat_inc(STAT_EV_RATE);
		batch_barrier();
		b->busy = 0;
		return;
	}
	off = b->len;
	if (off < sizeof(struct ev_batch_hdr))
		off = sizeof(struct ev_batch_hdr);
	/* Below EV_BATCH_BYTES (the batch is flushed once past it) and a
	 * multiple of 8: said again for the verifier. */
	off &= (EV_BATCH_BYTES - 1) & ~7U;
	e = (void *)(b->data + off);
	e->ts_ns = bpf_ktime_get_ns();
	e->location = key->location;
	e->reason = key->reason;
	e->protocol = key->protocol;
	e->family = key->family;
	e->pad = 0;
	e->pad2 = 0;
	/* The count's stack is the event's: one unwind per drop. */
	e->stack_id = key_dims & DIM_STACK ? key->stack_id : STACK_UNAVAILABLE;
	e->cpu = bpf_get_smp_processor_id();
	event_task(e, direct);
	event_netns(skb, r, rx_sk, direct, e);
	/* Read for the event itself, not keyed: in events mode the count
	 * table only accounts, and keying it by netns and cgroup cost
	 * 310-840 ns a drop more (bpf_stats, side by side) than this. */
	e->cgroup = events_cgroup ? drop_cgroup(skb, rx_sk) : 0;
	e->flags = 0;
	dev = direct ? r->dev : BPF_CORE_READ(skb, dev);
	e->ifindex = !dev ? 0 : direct ? dev->ifindex : BPF_CORE_READ(dev, ifindex);
	event_ifname(e, dev, direct);
	copy_packet(skb, e, key->protocol, dev, direct, room);
	b->len = off + EV_SIZE(e->caplen);
	b->n++;
	if (nested || b->len >= ev_flush_at || b->len >= EV_BATCH_BYTES)
		flush_batch(b, true);
	batch_barrier();
	b->busy = 0;
}

/*
 * The family of the socket holding the skb (the receiving one, else
 * skb->sk), for the drop classes: a queue purge of an AF_UNIX, packet or
 * netlink socket's own queue is a socket closing, the same reason on a
 * queue of packets in flight a real drop. Only queue purges pay the
 * reads; a kernel without QUEUE_PURGE (its purges say NOT_SPECIFIED or
 * nothing) reads it for every drop.
 */
static __always_inline __u16 skb_family(struct sk_buff *skb, const struct skb_refs *r, __u32 reason,
					struct sock *rx_sk, bool direct)
{
	struct sock *sk;

	if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_QUEUE_PURGE) &&
	    reason != bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_QUEUE_PURGE))
		return 0;
	if (rx_sk)
		return BPF_CORE_READ(rx_sk, __sk_common.skc_family);
	sk = BPF_CORE_READ(skb, sk);
	if (!sk)
		return 0;
	return BPF_CORE_READ(sk, __sk_common.skc_family);
}

_Static_assert(__builtin_offsetof(struct drop_key, reason) == 8 &&
		       __builtin_offsetof(struct drop_key, family) + 2 == BASE_KEY_SIZE,
	       "count_drop() writes reason, protocol and family as one 64-bit word");

/* reason, protocol and family as the key's bytes 8-15 hold them. */
static __always_inline __u64 key_tail(__u32 reason, __u16 proto, __u16 family)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (__u64)reason | (__u64)proto << 32 | (__u64)family << 48;
#else
	return (__u64)reason << 32 | (__u64)proto << 16 | family;
#endif
}

/* The count of the key's front slot when the key has one (struct
 * front_slot), else NULL: counted in the hash. */
static __always_inline __u64 *front_val(__u64 location, __u64 tail)
{
	__u32 i = front_index(location, tail);
	struct front_slot *f = bpf_map_lookup_elem(&front, &i);

	if (!f || f->location != location || f->tail != tail || !f->live)
		return NULL;
	return bpf_map_lookup_elem(&front_counts, &i);
}

static __always_inline int count_drop(void *ctx, struct sk_buff *skb, __u64 location, __u32 reason,
				      struct sock *rx_sk, bool direct)
{
	struct drop_key key;
	__u64 tail;
	__u16 family;
	struct skb_refs r = {};
	__u64 one = 1, *val;
	__u16 proto;

	if (!skb)
		return 0;
	if (direct) {
		r.dev = skb->dev;
		/* Here, on the one path there is so far, and not copied by
		 * the compiler into each branch that reads it. */
		barrier_var(r.dev);
	}
	proto = bpf_ntohs(direct ? skb->protocol : BPF_CORE_READ(skb, protocol));
	/*
	 * With XDP drop sites, the default mode looks for the key's front
	 * slot before the site check: no slot holds a key at a site (user
	 * space gives none such a slot, and takes its slot back from a key a
	 * site found later covers: drop_table.c), so a drop its slot counts
	 * is no XDP verdict, and the check (~30 instructions) is paid only by
	 * the drops of keys without a slot. The filters see the same
	 * location and reason as below: only a site's drops are rewritten.
	 */
	if (xdp_sites_on && !(key_dims & ~DIMS_BASE) && !events_only) {
		family = skb_family(skb, &r, reason, rx_sk, direct);
		tail = key_tail(reason, proto, family);
		val = front_val(location, tail);
		if (val) {
			if (filtered_out(skb, &r, location, reason, rx_sk, proto, direct)) {
				stat_inc(STAT_FILTERED);
				return 0;
			}
			__sync_fetch_and_add(val, 1);
			key.location = location;
			__builtin_memcpy(&key.reason, &tail, sizeof(tail));
			goto counted;
		}
	}
	if (xdp_sites_on && xdp_drop_site(skb, &location, &reason))
		return 0;
	if (filtered_out(skb, &r, location, reason, rx_sk, proto, direct)) {
		stat_inc(STAT_FILTERED);
		return 0;
	}

	/*
	 * The whole key is zeroed only where a dimension beyond the base is
	 * asked for: otherwise the loader made the map's keys BASE_KEY_SIZE
	 * bytes (set_keys(), on the same condition) and nothing reads past
	 * them, so the other 72 bytes would be 9 stores a drop for nothing.
	 */
	if (key_dims & ~DIMS_BASE)
		__builtin_memset(&key, 0, sizeof(key));
	key.location = location;
	/*
	 * reason, protocol and family in one 64-bit store: the hash reads the
	 * key in 32-bit words and its compare in 64-bit ones, and a load that
	 * spans several smaller stores still in the store buffer is not
	 * forwarded from it but waits for them to reach the cache.
	 */
	family = skb_family(skb, &r, reason, rx_sk, direct);
	tail = key_tail(reason, proto, family);
	__builtin_memcpy(&key.reason, &tail, sizeof(tail));
	if (key_dims & ~DIMS_BASE)
		fill_dims(ctx, &key, skb, &r, rx_sk, direct);

	if (events_only) {
		/* Events mode shows no per-key counts: what the count table
		 * did there (accounting for every drop) a per-CPU counter does
		 * for ~40 ns a drop less (bench/README.md); emit_event() counts
		 * the drop in its batch slot, a plain add, no atomic. */
		emit_event(skb, &r, &key, rx_sk, direct);
		return 0;
	}

	/*
	 * The adds are atomic although the values are per CPU: on kernels
	 * without per-program recursion protection, a drop in hard IRQ can
	 * interrupt this very update on the same CPU.
	 */
	if (!xdp_sites_on && !(key_dims & ~DIMS_BASE) && (val = front_val(location, tail))) {
		__sync_fetch_and_add(val, 1);
		goto counted;
	}
	val = bpf_map_lookup_elem(&drops, &key);
	if (val) {
		__sync_fetch_and_add(val, 1);
	} else if (bpf_map_update_elem(&drops, &key, &one, BPF_NOEXIST)) {
		/* Full, or lost a race with an interrupting drop that
		 * inserted the same key. */
		val = bpf_map_lookup_elem(&drops, &key);
		if (val)
			__sync_fetch_and_add(val, 1);
		else
			stat_inc(STAT_OVERFLOW);
	}
counted:
	/* A sample beside the counts (diagnose). */
	if (events_enabled)
		emit_event(skb, &r, &key, rx_sk, direct);
	return 0;
}

/*
 * The tracepoint's arguments beyond (skb, location) depend on the kernel:
 * reason since 5.17, rx_sk since 6.11, each added together with the field
 * of the same name in the tracepoint's record. So the record's fields,
 * relocated against the running kernel's BTF, say which arguments exist:
 * where one does not, the check is a constant 0 and the verifier never
 * sees the load, so older kernels accept the program as it is.
 */
#define HAS_REASON	bpf_core_field_exists(((struct trace_event_raw_kfree_skb *)0)->reason)
#define HAS_RX_SK	bpf_core_field_exists(((struct trace_event_raw_kfree_skb *)0)->rx_sk)
#define REASON_ARG(ctx) (HAS_REASON ? (__u32)(ctx)[2] : 0)
#define RX_SK_ARG(ctx)	(HAS_RX_SK ? (struct sock *)(ctx)[3] : NULL)

/* Kernel 5.5+ with BTF: arguments are typed, the skb can be read directly. */
SEC("ds_tp_btf/kfree_skb") /* loaded by trace/kbtf.c */
int BPF_PROG(kfree_skb_btf, struct sk_buff *skb, void *location)
{
	return count_drop(ctx, skb, (__u64)location, REASON_ARG(ctx), RX_SK_ARG(ctx), true);
}

/* Kernel 4.17+: untyped arguments, probe reads. */
SEC("raw_tp/kfree_skb")
int BPF_PROG(kfree_skb_raw, struct sk_buff *skb, void *location)
{
	return count_drop(ctx, skb, (__u64)location, REASON_ARG(ctx), RX_SK_ARG(ctx), false);
}

/* Any kernel with tracepoints: the record the kernel formats for tracefs. */
SEC("tracepoint/skb/kfree_skb")
int kfree_skb_tp(struct trace_event_raw_kfree_skb *ctx)
{
	struct sock *rx_sk = NULL;
	__u32 reason = 0;

	if (bpf_core_field_exists(ctx->reason))
		reason = ctx->reason;
	if (bpf_core_field_exists(ctx->rx_sk))
		rx_sk = ctx->rx_sk;
	count_drop(ctx, ctx->skbaddr, (__u64)ctx->location, reason, rx_sk, false);
	/* 1: the kernel goes on to feed perf's own users of this event (perf
	 * stat, perf record); 0 would silently starve them. */
	return 1;
}

/*
 * Flushes this CPU's partial batches: not attached, run by user space on
 * each CPU in turn (BPF_PROG_TEST_RUN with BPF_F_TEST_RUN_ON_CPU: an IPI
 * to that CPU, or a direct call on its own), every EVENTS_FLUSH_MS and
 * after detaching. An IPI can land in the middle of an append on that
 * CPU: such a slot is left alone and EV_FLUSH_BUSY tells user space to
 * try again. It marks a slot busy itself, since where it runs directly a
 * drop in a hard IRQ may interrupt it (that drop then uses slot 1).
 */
static __always_inline int flush_slot(__u32 i)
{
	struct ev_batch *b = bpf_map_lookup_elem(&ev_batches, &i);

	if (!b)
		return 0;
	if (b->busy)
		return EV_FLUSH_BUSY;
	b->busy = 1;
	batch_barrier();
	flush_batch(b, false);
	batch_barrier();
	b->busy = 0;
	return 0;
}

SEC("raw_tp")
int flush_events(void *ctx)
{
	return flush_slot(0) | flush_slot(1);
}
