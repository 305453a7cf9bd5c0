// SPDX-License-Identifier: GPL-2.0
/*
 * The verdicts of other BPF programs: which tc/tcx program returned the
 * TC_ACT_SHOT behind a TC_INGRESS/TC_EGRESS drop, and XDP_DROP/XDP_ABORTED
 * of XDP programs, whose frames may never become skbs (native XDP on a
 * NIC or on a veth fed xdp_frames by XDP_REDIRECT) and so never reach
 * skb:kfree_skb.
 *
 * One object is loaded as the base (the two tracepoint programs, the maps)
 * and one more per watched program, with only its fexit program, attached
 * to that one target (an fexit's target is fixed at load) and sharing the
 * base's maps by fd. The count table `drops` is dropscope.bpf.c's, reused
 * by fd: XDP verdicts are rows of the same table.
 */
#include "bpf/vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "bpf/dropscope.h"

char LICENSE[] SEC("license") = "GPL";

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
struct xdp_rxq_info {
	struct net_device *dev;
};
struct xdp_buff {
	void *data;
	void *data_end;
	struct xdp_rxq_info *rxq;
};
struct bpf_prog {
	void *bpf_func;
};
#pragma clang attribute pop

#define XDP_ABORTED_ 0
#define XDP_DROP_    1
#define TC_ACT_SHOT_ 2

/* Set by user space before load. */
const volatile __u32 key_dims = DIMS_BASE; /* as dropscope.bpf.c's */
/* --netns, --dev: on; the values are dropscope.bpf.c's `netns_inum` and
 * `dev_ifindex`, shared by fd, which user space changes when the
 * namespace or device is made again (filter_maps.h). */
const volatile bool filter_netns;
const volatile bool filter_dev;
const volatile __u16 filter_ethertype;	/* 0 = any */
const volatile __u32 reason_tc_ingress; /* the running kernel's values */
const volatile __u32 reason_tc_egress;
/* Per watched program (one object each): its id and JIT address. */
const volatile __u32 target_id;
const volatile __u64 target_loc;

/* dropscope.bpf.c's count table, stats and xdp_pending, by fd. */
#include "bpf/count_maps.h"
#include "bpf/filter_maps.h"

/* The last TC_ACT_SHOT on this CPU: the skb is freed right after the
 * program returns, on the same CPU, before anything else runs there. */
struct shot {
	__u64 skb;
	__u32 prog_id;
	__u32 pad;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct shot);
} last_shot SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct tc_drop_key);
	__type(value, __u64);
} tc_drops SEC(".maps");

/* As count_drop() in dropscope.bpf.c: lookup, add, insert once. */
static __always_inline void count_key(void *map, const void *key, bool is_drops)
{
	__u64 one = 1, *val = bpf_map_lookup_elem(map, key);

	if (val) {
		__sync_fetch_and_add(val, 1);
		return;
	}
	if (!bpf_map_update_elem(map, key, &one, BPF_NOEXIST))
		return;
	val = bpf_map_lookup_elem(map, key);
	if (val)
		__sync_fetch_and_add(val, 1);
	else if (is_drops)
		stat_inc(STAT_OVERFLOW);
}

static __always_inline void mark_pending(struct net_device *dev)
{
	__u32 zero = 0;
	struct xdp_pending *p = bpf_map_lookup_elem(&xdp_pending, &zero);

	if (p) {
		p->dev = (__u64)dev;
		p->ns = bpf_ktime_get_ns();
	}
}

/* As filtered_out() in dropscope.bpf.c, from the same maps. */
static __always_inline bool filtered_out(__u32 netns, int ifindex)
{
	__u32 zero = 0;

	if (filter_netns) {
		__u32 *want = bpf_map_lookup_elem(&netns_inum, &zero);

		if (!want || !*want || netns != *want)
			return true;
	}
	if (filter_dev) {
		__s32 *want = bpf_map_lookup_elem(&dev_ifindex, &zero);

		if (!want || ifindex != *want)
			return true;
	}
	return false;
}

/* One XDP verdict as a row of the count table, with the dimensions asked for. */
static __always_inline void count_xdp(struct net_device *dev, __u64 loc, __u32 reason, __u16 proto)
{
	struct drop_key key = {};
	__u32 netns = 0;
	int ifindex = 0;

	if (dev) {
		ifindex = BPF_CORE_READ(dev, ifindex);
		netns = BPF_CORE_READ(dev, nd_net.net, ns.inum);
	}
	if (filtered_out(netns, ifindex) || (filter_ethertype && proto != filter_ethertype)) {
		stat_inc(STAT_FILTERED);
		mark_pending(dev); /* the skb path's kfree_skb must not count it either */
		return;
	}
	key.location = loc;
	key.reason = reason;
	key.protocol = proto;
	if ((key_dims & DIM_DEV) && dev) {
		key.ifindex = (__u32)ifindex;
		bpf_probe_read_kernel_str(key.dev, sizeof(key.dev), dev->name);
	}
	if (key_dims & DIM_NETNS) {
		key.netns = netns;
		/* Keyed as dropscope.bpf.c keys the kfree_skb rows (the cookie
		 * the kernel never reuses; 0 before 5.14): one namespace, one row. */
		if (dev && bpf_core_field_exists(((struct net *)0)->net_cookie))
			key.netns_cookie = BPF_CORE_READ(dev, nd_net.net, net_cookie);
	}
	if (key_dims & DIM_COMM)
		bpf_get_current_comm(key.comm, sizeof(key.comm));
	/* An XDP verdict has no kernel stack of its own. */
	if (key_dims & DIM_STACK)
		key.stack_id = STACK_UNAVAILABLE;
	count_key(&drops, &key, true);
	mark_pending(dev);
}

/*
 * fexit of one XDP program: XDP_DROP only (ABORTED is counted once, by
 * xdp:xdp_exception, which fires for it with or without this fexit). The
 * context is the kernel's xdp_buff (the verifier translates xdp_md).
 */
SEC("fexit")
int BPF_PROG(xdp_verdict, struct xdp_buff *xdp, int ret)
{
	__be16 h_proto = 0;
	void *data;

	if (ret != XDP_DROP_)
		return 0;
	data = BPF_CORE_READ(xdp, data);
	/* The frame's own bytes, bounded; a frame shorter than 14 bytes
	 * reads as protocol 0 (data_end is not checked: a probe read faults
	 * to zero at worst). */
	bpf_probe_read_kernel(&h_proto, sizeof(h_proto), data + 12);
	count_xdp(BPF_CORE_READ(xdp, rxq, dev), target_loc, DS_REASON_XDP_DROP, bpf_ntohs(h_proto));
	return 0;
}

/* Any XDP program that returned XDP_ABORTED (or an invalid action: the
 * kernel treats both as aborted and warns). Native and generic. */
SEC("ds_tp_btf/xdp_exception") /* loaded by trace/kbtf.c */
int BPF_PROG(xdp_exception, struct net_device *dev, struct bpf_prog *prog, __u32 act)
{
	if (act == XDP_ABORTED_ || act > 4 /* past XDP_REDIRECT: invalid */)
		count_xdp(dev, (__u64)BPF_CORE_READ(prog, bpf_func), DS_REASON_XDP_ABORTED, 0);
	return 0;
}

/* fexit of one tc/tcx program: remember a TC_ACT_SHOT and for which skb. */
SEC("fexit")
int BPF_PROG(tc_verdict, struct sk_buff *skb, int ret)
{
	struct shot *s;
	__u32 zero = 0;

	if (ret != TC_ACT_SHOT_)
		return 0;
	s = bpf_map_lookup_elem(&last_shot, &zero);
	if (s) {
		s->skb = (__u64)skb;
		s->prog_id = target_id;
	}
	return 0;
}

/* Every TC_INGRESS/TC_EGRESS drop, by hook, and by program where an fexit
 * saw the verdict for this very skb. */
SEC("ds_tp_btf/kfree_skb") /* loaded by trace/kbtf.c */
int BPF_PROG(tc_drop, struct sk_buff *skb, void *location, __u32 reason)
{
	struct tc_drop_key k = {};
	struct net_device *dev;
	struct shot *s;
	__u32 zero = 0;

	if (!reason || (reason != reason_tc_ingress && reason != reason_tc_egress))
		return 0;
	dev = BPF_CORE_READ(skb, dev);
	if (dev) {
		k.ifindex = BPF_CORE_READ(dev, ifindex);
		k.netns = BPF_CORE_READ(dev, nd_net.net, ns.inum);
	}
	k.reason = reason;
	s = bpf_map_lookup_elem(&last_shot, &zero);
	if (s && s->skb == (__u64)skb) {
		k.prog_id = s->prog_id;
		s->skb = 0;
	}
	count_key(&tc_drops, &k, false);
	return 0;
}
