/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether the object a count-table row names still exists: its network
 * namespace, its device, its cgroup. A host with pods churns through
 * these for ever; rows (and series) of gone objects must be freed or the
 * table fills and later drops lose their labels. One check per
 * per-object dimension, behind one function (objects__gone), so a new
 * dimension plugs in with its own check.
 */
#ifndef DROPSCOPE_OBJECTS_H
#define DROPSCOPE_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "bpf/dropscope.h"

struct cgroups;
struct objects;

/* The dimensions that name an object that comes and goes (a pod's). */
#define DIMS_OBJECT (DIM_NETNS | DIM_DEV | DIM_CGROUP | DIM_WORKLOAD)

/* dims: the --by mask (only its per-object dimensions are checked);
 * cg: the cgroup walker when dims has DIM_CGROUP or DIM_WORKLOAD. NULL on ENOMEM. */
struct objects *objects__new(__u32 dims, struct cgroups *cg);
void objects__free(struct objects *o);

/*
 * Forget what the last poll learnt: the next check re-reads the host's
 * namespaces, devices and cgroups (each at most once per poll, and only
 * when a row asks).
 */
void objects__begin(struct objects *o);

/*
 * True when an object the row names is known gone. Unknown is not gone:
 * a row without the dimension, a device in another namespace that lives
 * (it goes with its namespace). A counts_gone_fn (trace/drop_table.h).
 */
bool objects__gone(void *o, const struct drop_key *k);

/*
 * Check the namespaces of rows (n of them) by handle together, before
 * objects__gone() asks about each: where CAP_SYS_ADMIN is permitted but
 * not effective it is raised once around all their open_by_handle_at()
 * calls, nothing else running while it is, instead of a raise and a
 * lower per namespace. What it could not tell, objects__gone() asks
 * alone. For counts__set_gone_prepare().
 */
void objects__prepare(void *o, const struct drop_key *keys, size_t n);

/*
 * CAP_SYS_ADMIN, raised around an nsfs handle check, could not be lowered
 * again: it stays effective. The caller should end (the exporter exits 1).
 */
bool objects__cap_stuck(const struct objects *o);

/*
 * Polls whose /proc/PID/fd walk (a namespace held only by a descriptor,
 * lib/held_netns.h) was stopped short: *links by the bound on one poll's
 * reads (the walk goes on at the next poll; meanwhile no namespace is taken
 * for gone on its word), *proc by the bound on one process's descriptors
 * (those past it are not read: a namespace held only there is taken for
 * gone). Both 0 while no walk was needed. o may be NULL.
 */
void objects__walk_cut(const struct objects *o, __u64 *links, __u64 *proc);

#endif /* DROPSCOPE_OBJECTS_H */
