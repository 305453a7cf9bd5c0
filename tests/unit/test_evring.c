// SPDX-License-Identifier: GPL-2.0
/*
 * The events ring's reader on a ring laid out in memory as the kernel lays
 * it out: records in order, a record still being written stops the batch,
 * discarded ones are skipped, a callback's error stops it after consuming
 * that record, and the consumer position is given back every
 * EVRING_RELEASE_BYTES and at the end, never past what was read. The
 * data is there once, as evring maps it: a record that runs past the end
 * goes on at the start, and the callback gets it whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/evring.h"

#define RING_SIZE (1 << 20)
#define BUSY	  (1U << 31)
#define DISCARD	  (1U << 30)

struct fake {
	uint64_t cons, prod;
	uint8_t *data;
	struct evring r;
	/* what the callback saw */
	int n;
	uint32_t first_word[4096];
	size_t size[4096];
	int fail_at;		 /* callback number that returns -5, -1 = none */
	uint64_t read;		 /* absolute position the reader has read to */
	uint64_t max_unreleased; /* most bytes read but not given back, seen from fn */
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct fake *f = ctx;
	uint32_t w;

	memcpy(&w, data, sizeof(w));
	f->first_word[f->n] = w;
	f->size[f->n] = size;
	if (f->n == f->fail_at) {
		f->n++;
		return -5;
	}
	f->n++;
	return 0;
}

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->data = calloc(1, 2 * RING_SIZE);
	assert_non_null(f->data);
	f->fail_at = -1;
	f->r.consumer_pos = &f->cons;
	f->r.producer_pos = &f->prod;
	f->r.data = f->data;
	f->r.mask = RING_SIZE - 1;
	f->r.fn = on_record;
	f->r.ctx = f;
}

/* Writes n bytes at ring position pos, going on at the start past the end. */
static void ring_write(struct fake *f, uint64_t pos, const void *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		f->data[(pos + i) & (RING_SIZE - 1)] = ((const uint8_t *)src)[i];
}

/* Appends a record of size bytes whose first word is tag, the rest of its
 * bytes (i % 251) from its start. */
static void put(struct fake *f, uint32_t size, uint32_t tag, uint32_t flags)
{
	uint32_t len = size | flags, zero = 0;

	ring_write(f, f->prod, &len, 4);
	ring_write(f, f->prod + 4, &zero, 4);
	for (uint32_t i = 4; i < size; i++) {
		uint8_t b = (uint8_t)(i % 251);

		ring_write(f, f->prod + 8 + i, &b, 1);
	}
	ring_write(f, f->prod + 8, &tag, size < 4 ? size : 4);
	f->prod += (size + 8 + 7) & ~7ULL;
}

static void in_order(void **state)
{
	struct fake f;
	(void)state;

	fake_init(&f);
	for (uint32_t i = 0; i < 10; i++)
		put(&f, 13 + i, i, 0);
	assert_int_equal(evring__consume(&f.r), 10);
	assert_int_equal(f.n, 10);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(f.first_word[i], i);
		assert_int_equal(f.size[i], 13 + i);
	}
	assert_int_equal(f.cons, f.prod);
	/* Nothing new: nothing handed out, nothing moved. */
	assert_int_equal(evring__consume(&f.r), 0);
	assert_int_equal(f.cons, f.prod);
	free(f.data);
}

static void busy_stops_discard_skips(void **state)
{
	struct fake f;
	uint64_t before_busy;
	(void)state;

	fake_init(&f);
	put(&f, 16, 1, 0);
	put(&f, 16, 2, DISCARD);
	put(&f, 16, 3, 0);
	before_busy = f.prod;
	put(&f, 16, 4, BUSY);
	put(&f, 16, 5, 0);
	assert_int_equal(evring__consume(&f.r), 2);
	assert_int_equal(f.first_word[0], 1);
	assert_int_equal(f.first_word[1], 3);
	/* Given back up to the record still being written, not past it. */
	assert_int_equal(f.cons, before_busy);
	/* Submitted now: the rest comes. */
	memcpy(f.data + before_busy, &(uint32_t){ 16 }, 4);
	assert_int_equal(evring__consume(&f.r), 2);
	assert_int_equal(f.first_word[2], 4);
	assert_int_equal(f.first_word[3], 5);
	assert_int_equal(f.cons, f.prod);
	free(f.data);
}

static void error_consumes_that_record(void **state)
{
	struct fake f;
	(void)state;

	fake_init(&f);
	for (uint32_t i = 0; i < 5; i++)
		put(&f, 24, i, 0);
	f.fail_at = 2;
	assert_int_equal(evring__consume(&f.r), -5);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.cons, 3 * 32);
	f.fail_at = -1;
	assert_int_equal(evring__consume(&f.r), 2);
	assert_int_equal(f.first_word[3], 3);
	assert_int_equal(f.first_word[4], 4);
	free(f.data);
}

/* Space goes back while a long batch is read, not only at its end. */
static int watch_release(void *ctx, void *data, size_t size)
{
	struct fake *f = ctx;

	(void)data;
	/* Read before this record, and not yet given back. */
	if (f->read - f->cons > f->max_unreleased)
		f->max_unreleased = f->read - f->cons;
	f->read += (size + 8 + 7) & ~7ULL;
	f->n++;
	return 0;
}

static void releases_during_batch(void **state)
{
	struct fake f;
	int n = 0;
	(void)state;

	fake_init(&f);
	f.r.fn = watch_release;
	/* Wraps the ring's index too: 3/4 of the ring, twice. */
	for (int round = 0; round < 2; round++) {
		while (f.prod - f.cons < (uint64_t)RING_SIZE * 3 / 4) {
			put(&f, 120, (uint32_t)n, 0);
			n++;
		}
		evring__drain(&f.r);
		assert_int_equal(f.cons, f.prod);
	}
	assert_int_equal(f.n, n);
	/* At most one record past the release step; and it did hold some. */
	assert_true(f.max_unreleased < EVRING_RELEASE_BYTES + 128);
	assert_true(f.max_unreleased >= EVRING_RELEASE_BYTES - 128);
	free(f.data);
}

/* A producer as fast as the reader: each record read makes another. */
static int refill(void *ctx, void *data, size_t size)
{
	struct fake *f = ctx;

	(void)data;
	(void)size;
	f->n++;
	put(f, 120, (uint32_t)f->n, 0);
	return 0;
}

static void flood_returns(void **state)
{
	struct fake f;
	int n;
	(void)state;

	fake_init(&f);
	f.r.fn = refill;
	/* A backlog of more than one call's worth, growing while read. */
	for (int i = 0; i < 3000; i++)
		put(&f, 120, 0, 0);
	/* One call reads what was there, at most EVRING_CONSUME_BYTES, and
	 * returns; it would otherwise never see the ring empty. */
	n = evring__consume(&f.r);
	assert_int_equal(n, f.n);
	assert_true(n >= (int)(EVRING_CONSUME_BYTES / 128));
	assert_true(n <= (int)(EVRING_CONSUME_BYTES / 128) + 1);
	assert_true(f.cons < f.prod);
	/* The next call goes on where it stopped, as bounded. */
	assert_int_equal(evring__consume(&f.r), n);
	assert_true(f.cons < f.prod);
	free(f.data);
}

/* What the callback saw of one record, past its first word. */
static uint8_t seen[4096];
static size_t seen_size;

static int keep_record(void *ctx, void *data, size_t size)
{
	struct fake *f = ctx;

	memcpy(seen, data, size < sizeof(seen) ? size : sizeof(seen));
	seen_size = size;
	f->n++;
	return 0;
}

/* A record that runs past the end of the data reaches the callback whole,
 * and the ones after it are read from the start. */
static void wrapped_record_whole(void **state)
{
	struct fake f;
	uint32_t w;
	(void)state;

	fake_init(&f);
	f.r.fn = keep_record;
	/* The producer and the reader 64 bytes before the end. */
	f.prod = f.cons = 3ULL * RING_SIZE - 64;
	put(&f, 1000, 7, 0);
	assert_int_equal(evring__consume(&f.r), 1);
	assert_int_equal(seen_size, 1000);
	memcpy(&w, seen, 4);
	assert_int_equal(w, 7);
	for (uint32_t i = 4; i < 1000; i++)
		assert_int_equal(seen[i], i % 251);
	put(&f, 120, 8, 0);
	assert_int_equal(evring__consume(&f.r), 1);
	memcpy(&w, seen, 4);
	assert_int_equal(w, 8);
	assert_int_equal(f.cons, f.prod);
	free(f.r.wrap); /* evring__free()'s part: the fake ring has no mappings */
	free(f.data);
}

/* A length no kernel writes (more than the ring holds) is not read past:
 * what is there is skipped and said. */
static void impossible_length(void **state)
{
	struct fake f;
	uint32_t len = RING_SIZE;
	(void)state;

	fake_init(&f);
	ring_write(&f, 0, &len, 4);
	f.prod = 64;
	assert_int_equal(evring__consume(&f.r), -EBADMSG);
	assert_int_equal(f.cons, f.prod);
	assert_int_equal(f.n, 0);
	free(f.data);
}

static void drain_reads_all(void **state)
{
	struct fake f;
	uint64_t n = 0;
	(void)state;

	fake_init(&f);
	/* More than one call's worth (2,500 records of 128 bytes). */
	for (; n < 2500; n++)
		put(&f, 120, (uint32_t)n, 0);
	assert_int_equal(evring__drain(&f.r), (int)n);
	assert_int_equal(f.first_word[2499], 2499);
	assert_int_equal(f.cons, f.prod);
	assert_int_equal(evring__drain(&f.r), 0);
	free(f.data);
}

/* Waits (2 s at most) until the hold thread has read everything written. */
static void wait_read(struct fake *f)
{
	for (int i = 0; i < 2000 && __atomic_load_n(&f->cons, __ATOMIC_ACQUIRE) != f->prod; i++)
		usleep(1000);
	assert_int_equal(__atomic_load_n(&f->cons, __ATOMIC_ACQUIRE), f->prod);
}

/* While held, records leave the ring but reach no callback; after the
 * stop, the held ones come first, then the ring's, all in order. */
static void hold_then_ring(void **state)
{
	struct fake f;
	int full = -1;
	size_t held;
	uint32_t n = 0;
	(void)state;

	fake_init(&f);
	f.r.fd = -1;
	/* More than one consume() call's worth, written before the thread
	 * starts (this fake producer publishes its position with a plain
	 * store, which a reader running meanwhile would race with). */
	for (; n < 3000; n++)
		put(&f, 120, n, 0);
	assert_int_equal(evring__hold_start(&f.r, 64 << 20), 0);
	assert_int_equal(evring__hold_start(&f.r, 64 << 20), -EBUSY);
	wait_read(&f);
	assert_int_equal(f.n, 0);
	held = evring__hold_stop(&f.r, &full);
	for (; n < 3005; n++)
		put(&f, 40, n, 0);
	assert_true(held >= 3000 * 128);
	assert_int_equal(full, 0);
	assert_int_equal(evring__drain(&f.r), 3005);
	for (uint32_t i = 0; i < 3005; i++)
		assert_int_equal(f.first_word[i], i);
	assert_int_equal(f.size[2999], 120);
	assert_int_equal(f.size[3000], 40);
	assert_null(f.r.hold);
	assert_int_equal(evring__drain(&f.r), 0);
	free(f.data);
}

/* A hold with no room holds nothing: the records wait in the ring. */
static void hold_full_leaves_ring(void **state)
{
	struct fake f;
	int full = -1;
	(void)state;

	fake_init(&f);
	f.r.fd = -1;
	for (uint32_t i = 0; i < 100; i++)
		put(&f, 64, i, 0);
	assert_int_equal(evring__hold_start(&f.r, 4096), 0);
	usleep(20000);
	assert_int_equal(evring__hold_stop(&f.r, &full), 0);
	assert_int_equal(full, 1);
	assert_int_equal(f.cons, 0);
	assert_int_equal(evring__drain(&f.r), 100);
	assert_int_equal(f.first_word[99], 99);
	free(f.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_order),
		cmocka_unit_test(busy_stops_discard_skips),
		cmocka_unit_test(error_consumes_that_record),
		cmocka_unit_test(releases_during_batch),
		cmocka_unit_test(flood_returns),
		cmocka_unit_test(drain_reads_all),
		cmocka_unit_test(wrapped_record_whole),
		cmocka_unit_test(impossible_length),
		cmocka_unit_test(hold_then_ring),
		cmocka_unit_test(hold_full_leaves_ring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
