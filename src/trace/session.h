/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every monitoring command shares: privilege check, signals as a file
 * descriptor, filters, attaching, the ready file, symbols and reasons.
 */
#ifndef DROPSCOPE_MONITOR_H
#define DROPSCOPE_MONITOR_H

#include <stdbool.h>
#include <sys/types.h>
#include "bpf/dropscope.h"
#include "trace/loader.h"
#include "trace/config.h"
#include "trace/kbtf.h"

struct cgroups;
struct objects;
struct workloads;
struct counts;
struct ksyms;
struct reasons;
struct stacks;
struct progwatch;

struct monitor {
	const struct config *cfg;
	struct loader *loader;
	struct counts *counts;	     /* the kernel's counts, per interval */
	struct stacks *stacks;	     /* --stacks: the kernel's stack table, else NULL */
	struct cgroups *cgroups;     /* --by cgroup: id to path, else NULL */
	struct workloads *workloads; /* --by workload, else NULL */
	struct objects *objects;     /* monitor_free_gone(): rows of gone objects are freed */
	__u64 helper_start[MAX_HELPERS], helper_end[MAX_HELPERS]; /* --by caller */
	int n_helpers;
	struct progwatch *pw; /* tc/XDP program verdicts, NULL: none */
	struct kbtf kbtf;     /* the minimized kernel BTF every load uses */
	struct ksyms *ks;
	unsigned ks_gen; /* bumped at every symbol reload: caches key on it */
	struct reasons *rs;
	__u32 *reason_buf;
	int sigfd;
	double last_reload;   /* monotonic seconds of the last symbol reload */
	double last_modcheck; /* ... and of the last look at /proc/modules */
	double next_front;    /* when monitor_wait() next fills the front table */
	double front_step;    /* ... and the step after that */
	bool sym_note_said;   /* the symbol source's note is said once */
	bool fexit_said;      /* the refused fexit is said once */
	bool walk_cut_said;   /* monitor_objects_said(): each said once */
	bool cap_stuck_said;
	int btf_fd;		/* checked copy of --btf; 0 = none (fds 0-2 are always open) */
	const char *ready_name; /* the --ready-file we made, to remove at the end */
	int ready_dirfd;	/* ... its directory, from when we made it (O_PATH) */
	int ready_fd;		/* kept open: its inode cannot be reused meanwhile */
	char btf_path[32];	/* /proc/self/fd/N of it, for the loader */
	/*
	 * Called with true just before and false just after a symbol table
	 * re-read (monitor_refresh_symbols()): kallsyms shows zeros without
	 * CAP_SYSLOG, which the exporter keeps permitted and raises for that
	 * moment only, not for the rest of the refresh (netlink dumps, program
	 * queries, /proc). NULL: nothing to raise.
	 */
	void (*syslog)(void *arg, bool on);
	void *syslog_arg;
};

/* Seconds on CLOCK_MONOTONIC / CLOCK_REALTIME. */
double mono_now(void);
double wall_now(void);

/*
 * Check privileges, resolve filters, attach, write the ready file, then
 * load symbols and reasons (after attaching: counting must not wait for
 * them). lopts carries command-specific loader settings; its backend,
 * filters, max_keys, btf and verbose are filled from cfg. Returns 0 or an
 * exit code (1 system error, 2 bad input) after printing one line.
 */
int monitor_start(struct monitor *m, const struct config *cfg, struct loader_opts *lopts);
/* The same, calling attached() as soon as the program is attached, before
 * the symbols, reason names and the rest are loaded (events mode starts
 * draining its ring there: trace/evring.h's hold). */
int monitor_start_then(struct monitor *m, const struct config *cfg, struct loader_opts *lopts,
		       void (*attached)(void *arg, struct loader *l), void *arg);

/*
 * Sleep until the monotonic time `until` or a SIGINT/SIGTERM/SIGHUP, whichever
 * comes first. Returns true when a signal asked to stop. Meanwhile, the
 * keys counting fast are given front slots (counts__promote()): soon after
 * attaching, then less and less often, at least once a second.
 */
bool monitor_wait(struct monitor *m, double until, int extra_fd);

/*
 * Reload symbols when a location had none (missed: a module or BPF program
 * loaded since) or the module list changed. Call once per interval, not per
 * drop: it reads /proc/modules.
 */
void monitor_refresh_symbols(struct monitor *m, bool missed);

/*
 * False only when the running kernel is known to pass no drop reason
 * (< 5.17): reasons then print as "unknown" rather than as a number.
 */
bool monitor_has_reasons(const struct monitor *m);

/*
 * From now on, each counts__poll() deletes the rows whose namespace,
 * device or cgroup (--by) is gone, after reporting their last counts.
 * For readers of deltas (summary, top, exporter), not of totals. Returns
 * 0 or -ENOMEM; nothing to do without a per-object dimension.
 */
int monitor_free_gone(struct monitor *m);

/*
 * After a poll that freed gone rows (summary, top): say once on stderr
 * what the object checks could not do. A capability that could not be
 * lowered again (a warning: handle checks stop, and namespaces held only by
 * a socket are then taken for gone); with -v, a /proc/PID/fd walk cut by
 * its bound (objects__walk_cut()).
 */
void monitor_objects_said(struct monitor *m);

/*
 * Create path holding our pid: the --ready-file. monitor_end() removes it
 * again, if it is still the file we made (it says "attached", which stops
 * being true; a next run with the same path would otherwise be refused).
 * Returns 0 or -errno.
 */
int monitor_write_ready(struct monitor *m, const char *path, bool force);

void monitor_end(struct monitor *m);

#endif /* DROPSCOPE_MONITOR_H */
