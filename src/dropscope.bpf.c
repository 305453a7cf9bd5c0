// SPDX-License-Identifier: GPL-2.0
/*
 * dropscope's kernel side: one program on the skb:kfree_skb tracepoint,
 * compiled three ways (tp_btf, raw_tp, classic tracepoint) so the loader
 * can pick whichever the running kernel supports. All three funnel into
 * count_drop(), which filters and counts in a per-CPU hash.
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "dropscope.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader before load; the verifier sees them as constants and
 * drops the code of every filter that is off. */
const volatile bool has_reason = false; /* tracepoint passes a reason (>= 5.17) */
const volatile __u32 filter_netns = 0;  /* netns inode, 0 = any */
const volatile __s32 filter_ifindex = 0;
const volatile __u16 filter_ethertype = 0;
const volatile __u64 filter_loc_start = 0; /* [start, end) of one function */
const volatile __u64 filter_loc_end = 0;
const volatile bool filter_reasons = false; /* only reasons in `reason_filter` */

/*
 * Counts are monotonic: nothing ever resets or deletes a row. User space
 * reads the totals each interval and reports the difference from the
 * previous read, so a drop counted while user space is reading simply
 * shows up in the next interval's difference — none is lost and none is
 * counted twice, with no generation swap and no race between read and
 * reset. The price is that a row, once created, stays until exit; when
 * the table is full, new keys are counted in stats[STAT_OVERFLOW] instead.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, DEFAULT_MAX_KEYS);
	__type(key, struct drop_key);
	__type(value, __u64);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u8);
} reason_filter SEC(".maps");

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

/*
 * The namespace a drop belongs to: the socket's when the skb is owned by
 * one, else the device's. The socket comes first because once a socket
 * owns an skb, UDP reuses skb->dev's storage as scratch space
 * (dev_scratch), so the device pointer is then meaningless.
 * tp_btf programs may dereference the skb directly (BTF-typed pointer,
 * faults handled by the kernel); the others must use probe reads.
 */
static __always_inline __u32 skb_netns(struct sk_buff *skb, bool direct)
{
	struct net_device *dev;
	struct sock *sk;

	if (direct) {
		sk = skb->sk;
		if (sk)
			return sk->__sk_common.skc_net.net->ns.inum;
		dev = skb->dev;
		return dev ? dev->nd_net.net->ns.inum : 0;
	}
	sk = BPF_CORE_READ(skb, sk);
	if (sk)
		return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	dev = BPF_CORE_READ(skb, dev);
	return dev ? BPF_CORE_READ(dev, nd_net.net, ns.inum) : 0;
}

static __always_inline int skb_ifindex(struct sk_buff *skb, bool direct)
{
	struct net_device *dev = direct ? skb->dev : BPF_CORE_READ(skb, dev);

	if (!dev)
		return 0;
	return direct ? dev->ifindex : BPF_CORE_READ(dev, ifindex);
}

static __always_inline bool filtered_out(struct sk_buff *skb, __u64 location, __u32 reason,
					 __u16 proto, bool direct)
{
	if (filter_loc_end && (location < filter_loc_start || location >= filter_loc_end))
		return true;
	if (filter_ethertype && proto != filter_ethertype)
		return true;
	if (filter_reasons && !bpf_map_lookup_elem(&reason_filter, &reason))
		return true;
	if (filter_netns && skb_netns(skb, direct) != filter_netns)
		return true;
	if (filter_ifindex && skb_ifindex(skb, direct) != filter_ifindex)
		return true;
	return false;
}

static __always_inline int count_drop(struct sk_buff *skb, __u64 location, __u32 reason,
				      bool direct)
{
	struct drop_key key = {};
	__u64 one = 1, *val;
	__u16 proto;

	if (!skb)
		return 0;
	proto = bpf_ntohs(direct ? skb->protocol : BPF_CORE_READ(skb, protocol));
	if (filtered_out(skb, location, reason, proto, direct)) {
		stat_inc(STAT_FILTERED);
		return 0;
	}

	key.location = location;
	key.reason = reason;
	key.protocol = proto;

	/*
	 * The add is atomic although the value is per CPU: on kernels without
	 * per-program recursion protection, a drop in hard IRQ can interrupt
	 * this very update on the same CPU.
	 */
	val = bpf_map_lookup_elem(&drops, &key);
	if (val) {
		__sync_fetch_and_add(val, 1);
		return 0;
	}
	if (!bpf_map_update_elem(&drops, &key, &one, BPF_NOEXIST))
		return 0;
	/* Lost a race with an interrupting drop that inserted the same key. */
	val = bpf_map_lookup_elem(&drops, &key);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		stat_inc(STAT_OVERFLOW);
	return 0;
}

/* Kernel 5.5+ with BTF: arguments are typed, the skb can be read directly. */
SEC("tp_btf/kfree_skb")
int BPF_PROG(kfree_skb_btf, struct sk_buff *skb, void *location)
{
	/* ctx[2] exists only on 5.17+; the verifier never sees this load
	 * when has_reason is false, so older kernels accept the program. */
	__u32 reason = has_reason ? (__u32)ctx[2] : 0;

	return count_drop(skb, (__u64)location, reason, true);
}

/* Kernel 4.17+: untyped arguments, probe reads. */
SEC("raw_tp/kfree_skb")
int BPF_PROG(kfree_skb_raw, struct sk_buff *skb, void *location)
{
	__u32 reason = has_reason ? (__u32)ctx[2] : 0;

	return count_drop(skb, (__u64)location, reason, false);
}

/* Any kernel with tracepoints: the record the kernel formats for tracefs. */
SEC("tracepoint/skb/kfree_skb")
int kfree_skb_tp(struct trace_event_raw_kfree_skb *ctx)
{
	__u32 reason = 0;

	if (bpf_core_field_exists(ctx->reason))
		reason = ctx->reason;
	return count_drop(ctx->skbaddr, (__u64)ctx->location, reason, false);
}
