/* SPDX-License-Identifier: GPL-2.0 */
/* Network-namespace arguments: a path (/run/netns/x, /proc/PID/ns/net) or an inode. */
#ifndef DROPSCOPE_NETNS_H
#define DROPSCOPE_NETNS_H

#include <stdbool.h>
#include <linux/types.h>

/*
 * Resolve PATH|INODE to the namespace inode the kernel reports as
 * net->ns.inum. Returns 0 or -errno (-EINVAL: not a network namespace).
 */
int netns_resolve(const char *arg, __u32 *inode);

/* Is arg a number (an inode or an ifindex) rather than a path or a name? */
bool netns_is_inode(const char *arg);

/*
 * if_nametoindex() inside the namespace at path (NULL = our own), or a
 * number taken as is. Returns the index or -errno.
 */
int netns_ifindex(const char *netns_path, const char *dev);

#endif /* DROPSCOPE_NETNS_H */
