/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A driver's own statistics (`ethtool -S`: ETHTOOL_GSTRINGS/ETHTOOL_GSTATS
 * over the ETH_SS_STATS string set), of which only the counters whose names
 * say they count drops are kept: ring overflows, missed frames, XDP drops,
 * the drops a driver counts and no tracepoint sees.
 */
#ifndef DROPSCOPE_DRVSTATS_H
#define DROPSCOPE_DRVSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/types.h>

struct dev_stats;

/* One kept counter of one device. */
struct drv_counter {
	int ifindex;
	char dev[IFNAMSIZ];
	char name[ETH_GSTRING_LEN + 1]; /* the driver's name, NUL-terminated */
	__u64 value;
};

/* One name pattern that marks a driver counter as a drop counter. */
struct drv_pattern {
	const char *part; /* a substring of the lower-cased name */
	const char *why;  /* what a counter of that name counts */
};

extern const struct drv_pattern drv_patterns[];
extern const size_t drv_pattern_count;

/*
 * Whether a driver counter's name (at most ETH_GSTRING_LEN bytes, not
 * necessarily terminated) says it counts drops: the index of the first
 * pattern that matches, or -1.
 */
int drvstats_match(const char *name, size_t len);

/*
 * The class a kept counter's name falls in, as diagnose's knowledge names
 * it after "driver:": the first matching pattern, spellings of one thing
 * as one ("rx_nobuf" and "rx_no_buffer_count": "no_buf"; "rx_over_errors":
 * "overrun"); NULL when no pattern matches.
 */
const char *drvstats_class(const char *name);

/*
 * The drop counters of every device in devs (ndev of them, from
 * devstats_read in the same namespace), through fd, a socket of that
 * namespace: the ioctl names the device in the socket's namespace. A
 * device whose driver reports no statistics (loopback) has none. *out is
 * a malloc'ed array (free() it); returns their number or -errno.
 */
int drvstats_read(int fd, const struct dev_stats *devs, size_t ndev, struct drv_counter **out);

#endif /* DROPSCOPE_DRVSTATS_H */
