/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Summary output: the dropwatch.stp text (byte for byte by default) or one
 * JSON object per interval, from one path.
 */
#ifndef DROPSCOPE_REPORT_H
#define DROPSCOPE_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "symbols/source.h"
#include "trace/drop_table.h"
#include "trace/progwatch.h"
#include "lib/json.h"

struct cgroups;
struct ksym;
struct ksyms;
struct reasons;
struct stacks;

struct report {
	FILE *out;
	const struct ksyms *ks; /* may be NULL while symbols load: addresses print raw */
	const struct reasons *rs;
	enum sym_style sym;
	bool by_reason;	 /* -r: one line per (location, reason) */
	bool no_reasons; /* the kernel passes no reason (< 5.17): print "unknown" */
	bool json;
	bool folded; /* --folded: "frame;frame;location COUNT" lines, nothing else */
	int top;     /* 0 = all */
	/*
	 * --by: enum key_dim bits to show, 0 = location (plus reason with
	 * -r). JSON always shows reason and protocol too.
	 */
	__u32 dims;
	struct stacks *stacks;	     /* --stacks: the kernel's stack table */
	struct cgroups *cgroups;     /* --by cgroup: id to path */
	struct workloads *workloads; /* --by workload */
	/* Text: one line per interval saying how many of its drops were
	 * sockets closing (class close) and that --class drop hides them;
	 * set when no --class was given. */
	bool class_note;
	/* The tc programs behind this interval's TC_INGRESS/TC_EGRESS drops
	 * (progwatch__tc_poll; their delta is this interval's). */
	const struct tc_attr *tc;
	size_t ntc;
	/* Inodes that more than one namespace holds among the rows shown
	 * together (report__netns_shared): text names those rows
	 * netns=INODE/COOKIE. Sorted; NULL when none. report__interval
	 * finds its own; views that place rows themselves (top) set it. */
	const __u32 *netns_shared;
	size_t n_netns_shared;
};

void report__start(const struct report *r);
void report__interval(const struct report *r, const struct drop_delta *rows, size_t n,
		      const struct interval_stats *st, double timestamp, double interval);
void report__stop(const struct report *r);

/*
 * The text of a row's key as the summary prints it after the count ("at
 * tcp_v4_rcv (NO_SOCKET) dev=veth1"), dims as in struct report, into buf
 * (cut to len). For views that place it themselves (top).
 */
struct drop_key;
void report__key_text(const struct report *r, const struct drop_key *k, __u32 dims, char *buf,
		      size_t len);

/*
 * A namespace's inode is reused once it is freed; its cookie never is, and
 * --by netns keys by the cookie. So that two such rows never look alike,
 * text names a namespace netns=INODE, and netns=INODE/COOKIE when another
 * namespace among the rows shown with it has the same inode (JSON always
 * has both). The inodes more than one cookie holds among n rows of `size`
 * bytes each, with a struct drop_key at key_off in each: sorted, into *out
 * (free() it; NULL when none). Their number, or -1 when out of memory.
 */
long report__netns_shared(const void *rows, size_t n, size_t size, size_t key_off, __u32 **out);

/* "symbol","offset","size","module" members for addr (nulls without a symbol). */
void report__json_symbol(struct json *j, const struct ksym *s, __u64 addr);

/* "NO_SOCKET", or NULL when the kernel gives no name for it. */
const char *reason_name(const struct reasons *rs, __u32 reason);

#endif /* DROPSCOPE_REPORT_H */
