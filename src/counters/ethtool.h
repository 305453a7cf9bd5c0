/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device's receive ring size and its maximum, as its driver reports them
 * (ETHTOOL_GRINGPARAM): the evidence for NIC ring overflows.
 */
#ifndef DROPSCOPE_ETHTOOL_H
#define DROPSCOPE_ETHTOOL_H

#include <linux/types.h>

struct ring_size {
	__u32 rx, rx_max; /* descriptors now, and the most the driver allows */
	__u32 tx, tx_max;
};

/*
 * Ask the driver of device ifname in the namespace netns names (PATH|INODE,
 * NULL = our own). Returns 0, or -errno (-EOPNOTSUPP: the driver does not
 * report rings, as veth and loopback do not).
 */
int ethtool_ring(const char *netns, const char *ifname, struct ring_size *r);

#endif /* DROPSCOPE_ETHTOOL_H */
