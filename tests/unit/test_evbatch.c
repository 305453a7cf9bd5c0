// SPDX-License-Identifier: GPL-2.0
/*
 * The events of one ring record (a CPU's batch), laid out as the BPF side
 * lays them out (flush_batch() in dropscope.bpf.c): each event handed over
 * whole and in order at multiples of 8; a record that claims more than it
 * holds stops at the first event whose bounds do not hold, and every event
 * it claimed and did not give is counted as malformed, so the accounting
 * stays exact; a callback's error stops the record.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "bpf/dropscope.h"
#include "trace/evbatch.h"

#define HEAD offsetof(struct drop_event, data)

struct rec {
	/* 8-aligned, as a record in the ring */
	__u64 words[EV_BATCH_BYTES / 8 + 512];
	size_t len;
};

struct seen {
	int n;
	__u64 location[256];
	size_t size[256];
	__u8 first_byte[256];
	int fail_at; /* event that returns -7, -1: none */
};

static int on_event(void *ctx, const void *event, size_t size)
{
	struct seen *s = ctx;
	const struct drop_event *e = event;

	assert_true(((uintptr_t)event & 7) == 0);
	s->location[s->n] = e->location;
	s->size[s->n] = size;
	s->first_byte[s->n] = e->caplen ? e->data[0] : 0;
	if (s->n++ == s->fail_at)
		return -7;
	return 0;
}

static void rec_init(struct rec *r)
{
	memset(r, 0, sizeof(*r));
	r->len = sizeof(struct ev_batch_hdr);
}

/* Appends an event with caplen bytes of packet, each byte = location. */
static void rec_add(struct rec *r, __u64 location, __u16 caplen)
{
	struct drop_event *e = (void *)((char *)r->words + r->len);
	struct ev_batch_hdr *h = (void *)r->words;

	e->location = location;
	e->caplen = caplen;
	memset(e->data, (int)(location & 0xff), caplen);
	r->len += EV_SIZE(caplen);
	h->n++;
}

static void in_order_aligned(void **state)
{
	struct seen s = { .fail_at = -1 };
	struct rec *r = malloc(sizeof(*r));
	__u64 bad = 0;
	int n;

	(void)state;
	rec_init(r);
	/* Sizes that need 0..7 bytes of padding, and none. */
	for (int i = 0; i < 20; i++)
		rec_add(r, 100 + i, (__u16)(i * 13 % 70));
	rec_add(r, 200, 0);
	rec_add(r, 201, MAX_SNAPLEN + ETH_HLEN_);
	n = evbatch__each(r->words, r->len, on_event, &s, &bad);
	assert_int_equal(n, 22);
	assert_int_equal(s.n, 22);
	assert_int_equal(bad, 0);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(s.location[i], 100 + i);
		assert_int_equal(s.size[i], HEAD + i * 13 % 70);
		if (i * 13 % 70)
			assert_int_equal(s.first_byte[i], 100 + i);
	}
	assert_int_equal(s.size[20], HEAD);
	assert_int_equal(s.size[21], HEAD + MAX_SNAPLEN + ETH_HLEN_);
	free(r);
}

static void empty_and_short(void **state)
{
	struct seen s = { .fail_at = -1 };
	struct rec *r = malloc(sizeof(*r));
	__u64 bad = 0;

	(void)state;
	rec_init(r);
	assert_int_equal(evbatch__each(r->words, r->len, on_event, &s, &bad), 0);
	assert_int_equal(bad, 0);
	/* No room for the header: one malformed record, nothing handed on. */
	assert_int_equal(evbatch__each(r->words, 4, on_event, &s, &bad), 0);
	assert_int_equal(bad, 1);
	assert_int_equal(s.n, 0);
	free(r);
}

/* Claims more events than it holds, or an event's caplen runs past the
 * end: the ones before are handed on, the rest counted. */
static void truncated_counts_the_rest(void **state)
{
	struct seen s = { .fail_at = -1 };
	struct rec *r = malloc(sizeof(*r));
	struct ev_batch_hdr *h = (void *)r->words;
	size_t len;
	__u64 bad = 0;

	(void)state;
	rec_init(r);
	for (int i = 0; i < 5; i++)
		rec_add(r, i, 60);
	h->n = 9; /* 4 more than are there */
	assert_int_equal(evbatch__each(r->words, r->len, on_event, &s, &bad), 5);
	assert_int_equal(bad, 4);

	/* The third event's packet ends a byte past the record. */
	rec_init(r);
	s.n = 0;
	bad = 0;
	for (int i = 0; i < 3; i++)
		rec_add(r, i, 60);
	len = r->len - EV_SIZE(60) + HEAD + 59;
	assert_int_equal(evbatch__each(r->words, len, on_event, &s, &bad), 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(bad, 1);

	/* The record ends inside an event's header. */
	s.n = 0;
	bad = 0;
	len = sizeof(struct ev_batch_hdr) + EV_SIZE(60) + HEAD - 1;
	assert_int_equal(evbatch__each(r->words, len, on_event, &s, &bad), 1);
	assert_int_equal(bad, 2);

	/* A huge caplen in the header cannot take the walk out of the record. */
	s.n = 0;
	bad = 0;
	((struct drop_event *)((char *)r->words + sizeof(*h)))->caplen = 0xffff;
	assert_int_equal(evbatch__each(r->words, r->len, on_event, &s, &bad), 0);
	assert_int_equal(bad, 3);
	free(r);
}

static void error_stops_the_record(void **state)
{
	struct seen s = { .fail_at = 2 };
	struct rec *r = malloc(sizeof(*r));
	__u64 bad = 0;

	(void)state;
	rec_init(r);
	for (int i = 0; i < 6; i++)
		rec_add(r, i, 30);
	assert_int_equal(evbatch__each(r->words, r->len, on_event, &s, &bad), -7);
	assert_int_equal(s.n, 3);
	assert_int_equal(bad, 0);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_order_aligned),
		cmocka_unit_test(empty_and_short),
		cmocka_unit_test(truncated_counts_the_rest),
		cmocka_unit_test(error_stops_the_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
