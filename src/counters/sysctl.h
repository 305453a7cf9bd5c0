/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live value of sysctl knobs as a network namespace sees them
 * (/proc/sys/net is per namespace): the evidence diagnose quotes.
 */
#ifndef DROPSCOPE_SYSCTL_H
#define DROPSCOPE_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>

#define SYSCTL_VALUE_MAX 64

struct sysctl_val {
	const char *name;	      /* "net.core.rmem_max", set by the caller */
	char value[SYSCTL_VALUE_MAX]; /* as read: tabs become spaces, no newline */
	int err;		      /* 0, or -errno: not read (value empty) */
	bool host;		      /* the namespace has no such knob: ours (a global one) */
};

/*
 * Read the n knobs in the namespace netns names (PATH|INODE, NULL = our
 * own). A knob the namespace lacks (global ones such as
 * net.core.netdev_max_backlog exist only in the initial namespace) is read
 * in ours and marked host. Returns 0, or -errno when the namespace could
 * not be entered (then every err is set).
 */
int sysctls_read(const char *netns, struct sysctl_val *v, size_t n);

/* The value of name among v[0..n), NULL when absent or not read. */
const char *sysctl_value(const struct sysctl_val *v, size_t n, const char *name);

#endif /* DROPSCOPE_SYSCTL_H */
