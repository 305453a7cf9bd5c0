/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic free/drop helpers --by caller looks past: functions that
 * free skbs on behalf of their caller, so that their own name says
 * nothing about why a packet was dropped.
 */
#ifndef DROPSCOPE_HELPERS_H
#define DROPSCOPE_HELPERS_H

#include <stddef.h>
#include <linux/types.h>

struct ksyms;

/* The built-in table: name and why it is generic. i past the end: NULL. */
const char *helpers_name(size_t i, const char **why);

/*
 * [start, end) of every built-in helper the running kernel has, plus the
 * comma-separated `extra` (--helper), at most max of them. Names the
 * kernel does not have are skipped (they differ between versions), but
 * an unknown name in `extra` is an error: returns -1 after writing it to
 * bad. Returns the number of ranges.
 */
int helpers_resolve(const struct ksyms *ks, const char *extra, __u64 *start, __u64 *end, int max,
		    char *bad, size_t badlen);

#endif /* DROPSCOPE_HELPERS_H */
