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

/*
 * A descriptor of the namespace PATH|INODE names, for setns(). An inode
 * cannot be opened by itself: the first process found in /proc whose
 * ns/net has that inode stands in for it. Returns the fd or -errno
 * (-ESRCH: no process is in a namespace with that inode).
 */
int netns_open(const char *arg);

/*
 * Run fn(arg) in a short-lived thread that has entered the namespace
 * nsfd (the calling thread stays where it is). Sockets and /proc/thread-self
 * files fn opens stay bound to that namespace after the thread ends.
 * Returns fn's result, or -errno when the thread could not enter it.
 */
int netns_run_in(int nsfd, int (*fn)(void *arg), void *arg);

/*
 * netns_run_in() whose thread gives up CAP_SYS_ADMIN (effective) once it
 * has entered: fn runs without it. For a caller that raised it only for
 * the setns() (the exporter re-entering --netns PATH), so no code but the
 * switch runs with it. Capabilities are per thread: the caller's are
 * untouched (it lowers its own). -EPERM if it could not be given up.
 */
int netns_run_in_lowered(int nsfd, int (*fn)(void *arg), void *arg);

/* netns_run_in() in the namespace at path (/run/netns/x, /proc/PID/ns/net).
 * Every namespace switch of dropscope goes through these two. */
int netns_call(const char *path, int (*fn)(void *arg), void *arg);

#endif /* DROPSCOPE_NETNS_H */
