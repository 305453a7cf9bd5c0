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

/* The most ranges helpers_resolve() can return with this `extra`: the
 * built-in names and extra's, capped at MAX_HELPERS. */
int helpers_slots(const char *extra);

/*
 * The caller in a raw stack (the kernel's frames, tracing frames first),
 * as the BPF program's find_caller() finds it: the location itself when it
 * is not in a helper range, else the first frame above the location's own
 * frame that is not, among the top CALLER_DEPTH frames; 0 (unknown) when
 * the location is not among them or everything there is a helper. For the
 * drops counted before the helper table was in the kernel.
 */
__u64 caller_from_frames(const __u64 *ips, size_t n, __u64 location, const __u64 *start,
			 const __u64 *end, int nh);

#endif /* DROPSCOPE_HELPERS_H */
