/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wall-clock time of a kernel timestamp. The BPF side stamps events with
 * bpf_ktime_get_ns(), CLOCK_MONOTONIC; people and other hosts' logs want
 * CLOCK_REALTIME. The two differ by an offset that only a step of the
 * realtime clock changes (NTP stepping it, settimeofday, a VM resumed;
 * slewing moves both clocks alike), so the offset is re-read at every batch
 * of events (wallclock__sync()): after a step, events follow the new
 * time. Re-reading costs three vDSO clock reads per batch; per event it
 * would cost two per event.
 *
 * What it cannot know is when, within a batch's wait, the clock stepped:
 * an event that happened before a step but is read after it (at most
 * about 100 ms later: a batch waits EVENTS_FLUSH_MS, then a poll) shows
 * the new time.
 */
#ifndef DROPSCOPE_WALLCLOCK_H
#define DROPSCOPE_WALLCLOCK_H

#include <stdint.h>

/* A clock, read in nanoseconds. */
typedef int64_t (*clock_ns_fn)(void);

struct wallclock {
	/*
	 * The one place the realtime clock is read: clock_realtime_ns(), or
	 * a unit test's own clock, to step it without touching the machine's.
	 */
	clock_ns_fn realtime;
	clock_ns_fn monotonic; /* bpf_ktime_get_ns()'s clock: clock_monotonic_ns() */
	int64_t offset_ns;     /* realtime minus monotonic, as of the last sync */
	int64_t offset_err_ns; /* how far off that reading may be, either way */
};

int64_t clock_realtime_ns(void);
int64_t clock_monotonic_ns(void);

/* On the system's clocks, synced once. */
void wallclock__init(struct wallclock *w);

/* On the given clocks (a unit test's), synced once. */
void wallclock__init_clocks(struct wallclock *w, clock_ns_fn realtime, clock_ns_fn monotonic);

/*
 * Re-read the offset. Returns how far the realtime clock stepped since the
 * last sync, in ns (0: not at all, or by less than the reading can tell).
 */
int64_t wallclock__sync(struct wallclock *w);

/* Nanoseconds since the Unix epoch of a CLOCK_MONOTONIC timestamp. */
int64_t wallclock__ns(const struct wallclock *w, uint64_t mono_ns);

#endif /* DROPSCOPE_WALLCLOCK_H */
