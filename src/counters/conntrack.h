/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection tracking's per-CPU statistics (/proc/net/stat/nf_conntrack):
 * the packets conntrack itself dropped (a full table, a failed insert).
 */
#ifndef DROPSCOPE_CONNTRACK_H
#define DROPSCOPE_CONNTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct conntrack_stats {
	bool present;	     /* the file exists: nf_conntrack is loaded in this namespace */
	__u64 drop;	     /* "drop": no entry could be made (table full, no memory) */
	__u64 insert_failed; /* "insert_failed": the entry could not be confirmed */
	__u64 early_drop;    /* "early_drop": entries evicted to make room (not packets) */
	__u64 entries;	     /* "entries": the table's size now (the same on every line) */
};

/*
 * Parse the file's text (NUL-terminated): a header naming the columns,
 * then one line of hex values per CPU, summed. Columns are found by name,
 * as kernels add some. Returns 0, or -EINVAL when the header is not there.
 */
int conntrack_parse(const char *text, struct conntrack_stats *out);

#endif /* DROPSCOPE_CONNTRACK_H */
