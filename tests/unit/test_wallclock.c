// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the wall-clock time of kernel timestamps (trace/wallclock):
 * its realtime clock is replaced by the test's own, which the test steps in
 * the middle of a run of event batches (the machine's clock is never
 * touched); the times of the events after the step must carry it exactly,
 * and those before it must not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>

#include "trace/wallclock.h"

#define NS 1000000000LL

/* The test's clocks: monotonic `mono`, realtime `mono + wall_base`. Each
 * monotonic read advances it by `tick` (0: reads take no time). */
static int64_t mono, wall_base, tick;
static bool jitter;
static unsigned reads;

static int64_t fake_mono(void)
{
	mono += tick;
	return mono;
}

static int64_t fake_real(void)
{
	/* Read at some moment between the monotonic reads around it. */
	int64_t j = jitter ? (int64_t)(reads++ % 3) * tick / 2 : 0;

	return mono + wall_base + j;
}

static void use_fake(struct wallclock *w, int64_t mono0, int64_t wall0)
{
	mono = mono0;
	wall_base = wall0 - mono0;
	tick = 0;
	jitter = false;
	reads = 0;
	wallclock__init_clocks(w, fake_real, fake_mono);
	assert_ptr_equal(w->realtime, fake_real);
	assert_int_equal(w->offset_ns, wall0 - mono0);
}

/* A batch of events that happened at mono times ts[], read after the
 * last of them (as the ring buffer's consumer does). */
static void batch(struct wallclock *w, const uint64_t *ts, int n, int64_t *out)
{
	mono = (int64_t)ts[n - 1] + 1000;
	wallclock__sync(w);
	for (int i = 0; i < n; i++)
		out[i] = wallclock__ns(w, ts[i]);
}

static void step_mid_run(int64_t step)
{
	const int64_t mono0 = 5 * NS, wall0 = 1700000000 * NS + 123456789;
	struct wallclock w;
	uint64_t ts1[] = { 5 * NS + 10, 5 * NS + 250000000, 5 * NS + 999999999 };
	uint64_t ts2[] = { 6 * NS + 1, 6 * NS + 500000000 };
	uint64_t ts3[] = { 7 * NS + 42 };
	int64_t out[3];

	use_fake(&w, mono0, wall0);
	batch(&w, ts1, 3, out);
	for (int i = 0; i < 3; i++)
		assert_int_equal(out[i], wall0 + ((int64_t)ts1[i] - mono0));

	/* The clock steps between two batches. */
	mono = 6 * NS;
	wall_base += step;
	batch(&w, ts2, 2, out);
	for (int i = 0; i < 2; i++)
		assert_int_equal(out[i], wall0 + step + ((int64_t)ts2[i] - mono0));
	/* And stays stepped: the next batch carries it too, once. */
	batch(&w, ts3, 1, out);
	assert_int_equal(out[0], wall0 + step + ((int64_t)ts3[0] - mono0));
}

static void test_step_forward(void **state)
{
	(void)state;
	step_mid_run(3 * NS + 500000);
}

static void test_step_back(void **state)
{
	(void)state;
	step_mid_run(-2 * NS - 7);
}

static void test_step_tiny(void **state)
{
	(void)state;
	/* Reads that take no time tell even 1 ns apart. */
	step_mid_run(1);
}

/* What sync says: the step, once, with its sign. */
static void test_sync_says_step(void **state)
{
	struct wallclock w;

	(void)state;
	use_fake(&w, NS, 1600000000 * NS);
	assert_int_equal(wallclock__sync(&w), 0);
	mono += 10 * NS;
	assert_int_equal(wallclock__sync(&w), 0); /* time passing is no step */
	wall_base -= 3600 * NS;
	assert_int_equal(wallclock__sync(&w), -3600 * NS);
	assert_int_equal(wallclock__sync(&w), 0);
	assert_int_equal(wallclock__ns(&w, (uint64_t)mono), mono + wall_base);
}

/* Reads that take time: noise within their spread is no step, and moves no
 * timestamp; a real step still shows, to within that spread. */
static void test_noise(void **state)
{
	struct wallclock w;
	int64_t first, t;

	(void)state;
	use_fake(&w, NS, 1600000000 * NS);
	tick = 400;
	jitter = true;
	wallclock__sync(&w);
	first = wallclock__ns(&w, 2 * NS);
	for (int i = 0; i < 50; i++) {
		assert_int_equal(wallclock__sync(&w), 0);
		assert_int_equal(wallclock__ns(&w, 2 * NS), first);
	}
	wall_base += NS;
	t = wallclock__sync(&w);
	assert_true(t >= NS - 400 && t <= NS + 400);
	t = wallclock__ns(&w, 2 * NS) - (2 * NS + wall_base);
	assert_true(t >= -400 && t <= 400);
}

/* The system's clocks: a monotonic timestamp of now is the time of now. */
static void test_system_clocks(void **state)
{
	struct wallclock w;
	int64_t a, b, r;

	(void)state;
	wallclock__init(&w);
	assert_ptr_equal(w.realtime, clock_realtime_ns);
	a = clock_realtime_ns();
	r = wallclock__ns(&w, (uint64_t)clock_monotonic_ns());
	b = clock_realtime_ns();
	/* Within 1 ms: clock_settime by someone else in between aside. */
	assert_true(r >= a - 1000000 && r <= b + 1000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_forward), cmocka_unit_test(test_step_back),
		cmocka_unit_test(test_step_tiny),    cmocka_unit_test(test_sync_says_step),
		cmocka_unit_test(test_noise),	     cmocka_unit_test(test_system_clocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
