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
 * What each device's string set was when it was last read, kept between
 * reads (one per counter_src: per namespace). A scrape then asks a driver
 * for its values only, and not at all when none of its names is a drop
 * counter: ETHTOOL_GSTRINGS makes the kernel allocate a buffer and format
 * every name again. A device's names are read again whenever its ifindex,
 * name or count (ETHTOOL_GSSET_INFO, asked on every read) differs from
 * what they were read with, or a values call returns another count, so
 * no value is served under a name of an older set. Devices no longer
 * listed are forgotten at the next read.
 */
struct drv_cache;

struct drv_cache *drv_cache_new(void);
void drv_cache_free(struct drv_cache *c);

/*
 * The drop counters of every device in devs (ndev of them, from
 * devstats_read in the same namespace), through fd, a socket of that
 * namespace: the ioctl names the device in the socket's namespace. cache:
 * from drv_cache_new() for that same namespace, or NULL (names read every
 * time). A device whose driver reports no statistics (loopback) has none.
 * *out is a malloc'ed array (free() it); returns their number or -errno.
 */
int drvstats_read(int fd, struct drv_cache *cache, const struct dev_stats *devs, size_t ndev,
		  struct drv_counter **out);

/*
 * One SIOCETHTOOL call on device dev with data as its ifr_data: 0 or
 * -errno. drvstats_read's, or a test's fake driver.
 */
typedef int (*drv_ioctl_fn)(void *ctx, const char *dev, void *data);

/* drvstats_read() with its ioctls made through fn (unit tests). */
int drvstats_read_with(drv_ioctl_fn fn, void *ctx, struct drv_cache *cache,
		       const struct dev_stats *devs, size_t ndev, struct drv_counter **out);

#endif /* DROPSCOPE_DRVSTATS_H */
