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

/*
 * One row of the in-kernel count table. Dimensions are added at the end,
 * so a new one (ifindex, netns, stack id, pid) only widens the key; user
 * space aggregates away whatever a report does not show. The key is hashed
 * byte for byte, so padding must stay explicit and zeroed.
 */
struct drop_key {
	__u64 location; /* return address of the kfree_skb() caller */
	__u32 reason;   /* enum skb_drop_reason, 0 where the kernel has none */
	__u16 protocol; /* skb->protocol in host order (ETH_P_*) */
	__u16 pad;
};

/* Slots of the per-CPU `stats` array: what did not make it into `drops`. */
enum drop_stat {
	STAT_OVERFLOW, /* drops counted here because `drops` was full */
	STAT_FILTERED, /* drops seen but excluded by a filter */
	STAT_MAX,
};

#endif /* DROPSCOPE_H */
