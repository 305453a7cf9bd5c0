/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU backlog counters from /proc/net/softnet_stat: drops before any
 * protocol sees the packet (netdev_max_backlog, flow limit).
 */
#ifndef DROPSCOPE_SOFTNET_H
#define DROPSCOPE_SOFTNET_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct softnet_cpu {
	unsigned cpu;	      /* column 13 where the kernel prints it (5.10+), else the line */
	__u64 processed;      /* packets taken off the backlog */
	__u64 dropped;	      /* dropped: the backlog queue was full (netdev_max_backlog) */
	__u64 time_squeeze;   /* net_rx_action ran out of budget/time with work left */
	__u64 flow_limit;     /* dropped by the per-flow limit (net.core.flow_limit_*) */
	bool have_flow_limit; /* the kernel prints column 11 (3.15+) */
};

/*
 * Parse the text of softnet_stat (len bytes; need not be NUL-terminated):
 * 9 to any number of hex columns per line, as kernels differ; a line that
 * does not parse is skipped. At most max CPUs are returned. Returns how
 * many were written to out, or -EINVAL when no line parsed.
 */
int softnet_parse(const char *text, size_t len, struct softnet_cpu *out, size_t max);

#endif /* DROPSCOPE_SOFTNET_H */
