// SPDX-License-Identifier: GPL-2.0
#include <time.h>

#include "trace/wallclock.h"

/* Tries at reading the offset when the reads are far apart (preempted). */
#define SYNC_TRIES 3
/* Reads this close together give the offset to within half of it. */
#define SYNC_GOOD_NS 20000

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t clock_realtime_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

int64_t clock_monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/*
 * The offset, read between two monotonic reads: it is exact to within half
 * their distance, which is returned in *err. A task preempted between the
 * reads would see a wide distance: then it tries again, keeping the best.
 */
static int64_t read_offset(const struct wallclock *w, int64_t *err)
{
	int64_t best = 0, best_gap = INT64_MAX;

	for (int i = 0; i < SYNC_TRIES && best_gap > SYNC_GOOD_NS; i++) {
		int64_t m1 = w->monotonic();
		int64_t r = w->realtime();
		int64_t m2 = w->monotonic();
		int64_t gap = m2 - m1;

		if (gap < 0)
			gap = 0;
		if (gap < best_gap) {
			best_gap = gap;
			best = r - (m1 + gap / 2);
		}
	}
	*err = best_gap / 2;
	return best;
}

void wallclock__init_clocks(struct wallclock *w, clock_ns_fn realtime, clock_ns_fn monotonic)
{
	int64_t err;

	w->realtime = realtime;
	w->monotonic = monotonic;
	w->offset_ns = read_offset(w, &err);
	w->offset_err_ns = err;
}

void wallclock__init(struct wallclock *w)
{
	wallclock__init_clocks(w, clock_realtime_ns, clock_monotonic_ns);
}

int64_t wallclock__sync(struct wallclock *w)
{
	int64_t err, off = read_offset(w, &err), step = off - w->offset_ns;

	/* Two readings of one offset can differ by both their errors: that
	 * is noise, not a step. Keeping the old offset then keeps timestamps
	 * from wobbling by nanoseconds from one batch to the next. */
	if (step <= err + w->offset_err_ns && step >= -(err + w->offset_err_ns))
		return 0;
	w->offset_ns = off;
	w->offset_err_ns = err;
	return step;
}

int64_t wallclock__ns(const struct wallclock *w, uint64_t mono_ns)
{
	return (int64_t)mono_ns + w->offset_ns;
}
