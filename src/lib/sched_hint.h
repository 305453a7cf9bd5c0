/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A latency hint to the scheduler for a thread that wakes, works briefly
 * and sleeps (the exporter answering a scrape): a short EEVDF slice.
 */
#ifndef DROPSCOPE_SCHED_HINT_H
#define DROPSCOPE_SCHED_HINT_H

#include <stdint.h>

/*
 * Ask for a slice of slice_ns for the calling thread (Linux 6.12+:
 * sched_attr.sched_runtime of a SCHED_OTHER thread; clamped by the kernel
 * to 0.1-100 ms). A shorter slice gives an earlier virtual deadline, so the
 * woken thread runs before busy ones instead of waiting out their slices;
 * its weight, so its share of the CPU, is unchanged, and no privilege is
 * needed. Only a SCHED_OTHER thread is changed (one run under chrt keeps
 * what it was given), its nice value kept. Returns 0, -ENOTSUP when the
 * thread is not SCHED_OTHER or the kernel has no slice (it reads back
 * another), or -errno. Older kernels ignore or refuse it: harmless.
 */
int sched_hint_slice(uint64_t slice_ns);

#endif /* DROPSCOPE_SCHED_HINT_H */
