/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Turns the kernel's monotonic per-CPU totals into per-interval counts:
 * each poll sums the CPUs of every row and reports what grew since the
 * previous poll.
 */
#ifndef DROPSCOPE_COUNTS_H
#define DROPSCOPE_COUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "bpf/dropscope.h"
#include "trace/classes.h"

struct drop_delta {
	struct drop_key key;
	__u64 count;
	bool gone; /* the row's object is gone: deleted from the table after this count */
};

struct interval_stats {
	__u64 overflow; /* drops not attributed: the count table was full */
	__u64 filtered; /* drops excluded by filters */
	__u64 missed;	/* program runs the kernel skipped (recursion) */
};

struct counts;

struct counts *counts__new(int drops_fd, int stats_fd, int prog_fd, size_t max_keys);

/*
 * Classify rows (key.cls, trace/classes.h) with the names *ks and *rs
 * hold at each read (they are replaced when symbols reload), and return
 * only the rows filter lets through. Without this call every row is a
 * drop and all are returned.
 */
struct ksyms;
struct reasons;
void counts__set_classes(struct counts *c, struct ksyms *const *ks, struct reasons *const *rs,
			 enum class_filter filter);

/*
 * A key rewrite applied to every row read, before it is returned: fn
 * changes *key in place and returns true when it did. Rows whose keys
 * become equal are merged (their counts added). For --by caller's
 * CALLER_PENDING rows, whose caller is found in user space.
 */
typedef bool (*counts_rekey_fn)(void *ctx, struct drop_key *key);
void counts__set_rekey(struct counts *c, counts_rekey_fn fn, void *ctx);

/*
 * The program's front table (loader__front_fd(), its counts
 * loader__front_counts_fd(); either < 0: none): rows read add what their
 * key's slot counted, and rows read with FRONT_MIN_DROPS or more are given
 * a free slot (struct front_slot in bpf/dropscope.h).
 */
void counts__set_front(struct counts *c, int fd, int counts_fd, int sites_fd);
/*
 * Before the program's XDP drop sites become t (a module's symbols read):
 * a slot whose key a site of t covers is taken back (the program looks
 * for a slot before it checks the sites), its counts kept in the row's
 * total. Before, not after: meanwhile such a key's drops would skip the
 * site check. c may be NULL.
 */
struct xdp_site_table;
void counts__front_sites(struct counts *c, const struct xdp_site_table *t);

/*
 * Gives the rows that counted FRONT_MIN_DROPS or more a free front slot,
 * between polls, so that a busy key leaves the hash soon after it first
 * drops. Returns how many slots it filled, or -ENOENT where there is no
 * front table (none will be).
 */
#define FRONT_MIN_DROPS 16
int counts__promote(struct counts *c);
void counts__free(struct counts *c);

/*
 * Read the maps and return the rows that grew since the last call (only
 * nonzero deltas), valid until the next call. Returns the number of rows
 * or -errno.
 */
int counts__poll(struct counts *c, const struct drop_delta **rows, struct interval_stats *st);

/*
 * Whether a row's object (namespace, device, cgroup) is gone. With one
 * installed, counts__poll() deletes such rows from the kernel's table and
 * from its own, and reports each one last with its final delta and
 * gone set (even a zero delta), so a churning host never fills the table.
 * Only for readers of deltas: counts__totals() then misses deleted rows.
 */
typedef bool (*counts_gone_fn)(void *arg, const struct drop_key *k);
/* begin: called once before each poll's walk (may be NULL). */
void counts__set_gone(struct counts *c, counts_gone_fn gone, void (*begin)(void *arg), void *arg);
/*
 * prepare: given, before the checks of a walk read in batches, every row
 * gone() will be asked about (n of them), so it can answer them together
 * (objects__prepare: one capability raise for all handle checks). Only an
 * optimisation: gone() must answer whatever prepare did or did not do.
 */
void counts__set_gone_prepare(struct counts *c,
			      void (*prepare)(void *arg, const struct drop_key *keys, size_t n));
/*
 * counts__poll() in two halves, for a reader that must answer fast (the
 * exporter's scrape): counts__read() reads every row and asks nothing
 * about objects; counts__sweep() (later, off the answer's path) only
 * checks which rows' objects are gone and deletes those, returning their
 * last deltas with gone set (live rows are left to the next read). Each
 * delta is returned once, by whichever call saw it.
 */
int counts__read(struct counts *c, const struct drop_delta **rows, struct interval_stats *st);
int counts__sweep(struct counts *c, const struct drop_delta **rows);
/* Rows deleted as gone so far. */
__u64 counts__freed(const struct counts *c);

/*
 * Every row with its total since the program was loaded (not a delta; the
 * previous-totals table is left alone), in the same buffer counts__poll()
 * returns. For readers that want monotonic totals (the exporter). Returns
 * the number of rows or -errno.
 */
int counts__totals(struct counts *c, const struct drop_delta **rows);

/* Program runs the kernel skipped (recursion), since load. */
__u64 counts__missed_total(struct counts *c);

/* Totals since start of the per-CPU `stats` slots (enum drop_stat). */
void counts__stat_totals(struct counts *c, __u64 totals[STAT_MAX]);

/*
 * Both, as the last counts__read() or counts__poll() read them (for a
 * scrape that just did: the same instant, without asking the kernel
 * again), or read now when it could not.
 */
void counts__last_stats(struct counts *c, __u64 totals[STAT_MAX], __u64 *missed);

#endif /* DROPSCOPE_COUNTS_H */
