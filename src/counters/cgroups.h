/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup v2 ids (what the kernel side records) to paths below the cgroup2
 * mount ("/system.slice/ssh.service"). On cgroup2 a directory's inode
 * number is its cgroup id, so one walk of the hierarchy names them all.
 */
#ifndef DROPSCOPE_CGROUPS_H
#define DROPSCOPE_CGROUPS_H

#include <linux/types.h>

struct cgroups;

/* mountinfo: NULL = /proc/self/mountinfo. Never NULL but on ENOMEM. */
struct cgroups *cgroups__new(const char *mountinfo);
void cgroups__free(struct cgroups *cg);

/*
 * The path of cgroup id, or NULL when it is not (or no longer) in the
 * hierarchy. A miss walks the hierarchy again, at most every 0.25 s.
 */
const char *cgroups__path(struct cgroups *cg, __u64 id);

/*
 * Whether cgroup id exists, as a walk of the hierarchy made at or after
 * the monotonic time since saw it (one is made when the last is older, so
 * at most one per poll when since is the poll's start):
 * 1 yes, 0 no, -1 cannot tell (no cgroup2 mount, too many cgroups).
 */
int cgroups__exists(struct cgroups *cg, __u64 id, double since);

#endif /* DROPSCOPE_CGROUPS_H */
