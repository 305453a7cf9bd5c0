/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diagnose's analysis: the findings of a window from the kernel's count
 * rows and the counters' start and end snapshots. No I/O: a unit test
 * runs it on fixtures (tests/unit/test_diagnose.c).
 */
#ifndef DROPSCOPE_DIAGNOSE_ANALYSE_H
#define DROPSCOPE_DIAGNOSE_ANALYSE_H

#include "diagnose/finding.h"
#include "trace/drop_table.h"

/*
 * Fill r (zeroed by the caller) with the window's findings, largest
 * first: one per drop reason and protocol from rows (across namespaces,
 * with a table of where), with its counters reconciled, then one per
 * counter that grew and that no finding accounts for, less those that
 * are the consequence of another finding (merged into it).
 */
void analyse(const struct window *w, const struct drop_delta *rows, int nrows, struct report *r);

/* Free what analyse() allocated in r (not r itself). */
void report_free(struct report *r);

/*
 * How much a counter diagnose knows by name grew in the window
 * (counters/delta.h's counter_delta on its two snapshots). Returns false
 * when it cannot be read.
 */
bool window_delta(const struct window *w, const char *name, __u64 *delta);

/* Is addr a function where a veth or netkit hands a frame to its peer? */
bool window_veth_forward(const struct window *w, __u64 addr);

/*
 * The pair a count row's drop crossed, as the watched namespace sees it:
 * its end of the pair (in w->peers), *receiver true when that end was
 * receiving (the kernel charged the drop to the sender's namespace, where
 * the row is). NULL when the drop crossed none of its pairs.
 */
const struct link_peer *window_row_pair(const struct window *w, const struct drop_key *k,
					bool *receiver);
/*
 * A count row of a peer's namespace whose drop was on the peer's end of
 * one of our pairs (its qdisc, tc, netfilter hooks, routing: traffic to
 * or from us), not the pair's own forwarding (window_row_pair) nor the
 * peer's sockets (no socket, a full buffer): our end of that pair, else
 * NULL.
 */
const struct link_peer *window_row_in_peer(const struct window *w, const struct drop_key *k);

/* The workload behind a namespace (counters/workload.h's words, raw), NULL: none known. */
const char *window_workload(const struct window *w, __u32 netns);

#endif /* DROPSCOPE_DIAGNOSE_ANALYSE_H */
