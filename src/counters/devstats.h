/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-device drop counters from rtnetlink (RTM_GETLINK dump, IFLA_STATS64):
 * drops no tracepoint sees, counted by drivers and the core.
 */
#ifndef DROPSCOPE_DEVSTATS_H
#define DROPSCOPE_DEVSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <linux/types.h>

struct mnl_socket;

#define DEV_ADDR_MAX 32 /* MAX_ADDR_LEN */

/* The counters of struct rtnl_link_stats64 that count dropped packets. */
enum dev_drop_kind {
	DEV_RX_DROPPED,	  /* no buffer / dropped by the core (rx path) */
	DEV_TX_DROPPED,	  /* dropped on transmit (no memory, driver refused) */
	DEV_RX_MISSED,	  /* rx_missed_errors: the NIC's ring was full */
	DEV_RX_FIFO,	  /* rx_fifo_errors: the NIC's FIFO overran */
	DEV_RX_OVER,	  /* rx_over_errors: ring buffer overflow (driver's count) */
	DEV_RX_NOHANDLER, /* no protocol handler for the frame (4.6+) */
	DEV_RX_OTHERHOST, /* frame for another host's MAC (5.18+) */
	DEV_DROP_KINDS,
};

struct dev_stats {
	int ifindex;
	char name[IFNAMSIZ];
	__u64 v[DEV_DROP_KINDS];
	bool have[DEV_DROP_KINDS]; /* false: the kernel's stats64 is shorter than this field */
	/* What explains some of those drops (diagnose's evidence). */
	unsigned flags;		 /* ifi_flags: IFF_UP, IFF_PROMISC... */
	__u32 txqlen;		 /* IFLA_TXQLEN: pfifo_fast's limit */
	__u32 mtu;		 /* IFLA_MTU */
	__u8 addr[DEV_ADDR_MAX]; /* IFLA_ADDRESS, addr_len bytes */
	__u8 addr_len;
	__u8 xdp_attached; /* IFLA_XDP_ATTACHED: XDP_ATTACHED_NONE, _DRV, _SKB, _HW, _MULTI */
};

/* "rx_dropped", "rx_otherhost_dropped"...: the kernel's field names. */
const char *devstats_kind_name(enum dev_drop_kind k);

/*
 * Dump every device of the namespace nl belongs to. *out is a malloc'ed
 * array (free() it); returns the number of devices or -errno.
 */
int devstats_read(struct mnl_socket *nl, unsigned *seq, struct dev_stats **out);

/*
 * Fill d from one IFLA_STATS64 payload of len bytes: fields beyond len
 * (older kernels) are marked absent. Exposed for the unit tests.
 */
void devstats_from_stats64(struct dev_stats *d, const void *payload, size_t len);

#endif /* DROPSCOPE_DEVSTATS_H */
