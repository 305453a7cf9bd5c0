/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network namespaces processes hold open as files: /proc/PID/fd/N
 * links that read "net:[INODE]". Every descriptor on the host is another
 * process's, so the walk is bounded in count, not only in bytes: a
 * process with a million descriptors (a limit any user can raise to
 * fs.nr_open) must not make each walk take seconds.
 */
#ifndef DROPSCOPE_HELD_NETNS_H
#define DROPSCOPE_HELD_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/*
 * At most this many descriptors of one process are read (in directory
 * order): runtimes hold a namespace among their first few descriptors,
 * and one process cannot spend the whole walk.
 */
#define HELD_NETNS_PER_PROC 4096
/* And at most this many links in one walk (measured ~5 us each on a shared VM:
 * ~0.16 s; a 20,000-descriptor process alone took 0.1 s unbounded). */
#define HELD_NETNS_MAX_LINKS 32768

/* The inode a "net:[INODE]" link names; 0 for any other text. */
__u32 held_netns_parse(const char *s);

/*
 * Walk the processes under proc ("/proc", or a tree laid out as it in
 * tests) and call add(arg, inode) for each namespace
 * link found, reading at most per_proc descriptors of a process and
 * max_links in all. Returns the links read (readlink calls); *cut is set
 * when a bound stopped the walk short (some holders may have been
 * missed).
 */
size_t held_netns_scan(const char *proc, void (*add)(void *arg, __u32 inode), void *arg,
		       size_t per_proc, size_t max_links, bool *cut);

#endif /* DROPSCOPE_HELD_NETNS_H */
