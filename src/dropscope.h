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

/* Size of the in-kernel --reason table: more names are refused up front. */
#define MAX_REASON_FILTER 256

/*
 * One row of the in-kernel count table. Dimensions are added at the end,
 * so a new one (ifindex, netns, stack id, pid) only widens the key; user
 * space aggregates away whatever a report does not show. The key is hashed
 * byte for byte, so padding must stay explicit and zeroed.
 */
struct drop_key {
	__u64 location; /* return address of the kfree_skb() caller */
	__u32 reason;	/* enum skb_drop_reason, 0 where the kernel has none */
	__u16 protocol; /* skb->protocol in host order (ETH_P_*) */
	__u16 pad;
};

/* Slots of the per-CPU `stats` array: what did not make it into `drops`,
 * and what became of each drop in events mode. */
enum drop_stat {
	STAT_OVERFLOW, /* drops counted here because `drops` was full */
	STAT_FILTERED, /* drops seen but excluded by a filter */
	STAT_EV_SENT,  /* events written to the ring buffer */
	STAT_EV_LOST,  /* events the ring buffer had no room for */
	STAT_EV_RATE,  /* events held back by --rate (still counted in `drops`) */
	STAT_MAX,
};

/*
 * The BPF side wakes the reader only once this much is waiting; user space
 * also polls every EVENTS_POLL_MS, so a lone event waits at most that long.
 * Waking per event would cost an irq_work and a context switch per drop.
 */
#define EVENTS_WAKEUP_BYTES (64 << 10)
#define EVENTS_POLL_MS	    100

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
	/* caplen bytes are used; the rest is room the BPF side's masked
	 * bounds need (see copy_packet()) */
	__u8 data[2 * MAX_SNAPLEN + ETH_HLEN_];
};

#endif /* DROPSCOPE_H */
