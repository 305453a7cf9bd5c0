/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Does a --netns INODE or a --dev IFINDEX name something that exists?
 * Neither is an error when it does not: a namespace or a device may
 * appear after we start, so the caller warns.
 */
#ifndef DROPSCOPE_TARGET_CHECK_H
#define DROPSCOPE_TARGET_CHECK_H

#include <stddef.h>
#include <linux/types.h>

/*
 * Find a path to the network namespace with this inode: a bind mount in
 * /run/netns or a task's /proc/PID/ns/net. 0 and the path in buf, or
 * -ENOENT when no task or mount holds it now (an open descriptor alone
 * does not show).
 */
int nscheck_find_netns(__u32 inode, char *buf, size_t len);

/*
 * Whether ifindex exists in the namespace at netns_path (NULL = ours):
 * 1 yes, 0 no, -errno when it cannot be told (setns refused).
 */
int nscheck_ifindex_exists(const char *netns_path, __u32 ifindex);

#endif /* DROPSCOPE_TARGET_CHECK_H */
