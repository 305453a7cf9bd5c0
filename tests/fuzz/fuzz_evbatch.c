// SPDX-License-Identifier: GPL-2.0
/*
 * The split of one events ring record into its events (trace/evbatch.c)
 * on arbitrary bytes, as the kernel hands a record over (8-aligned, of its
 * exact size). Checked: every event handed on lies inside the record and
 * starts 8-aligned, in order; the events handed on and those counted as
 * malformed add up to what the record's header claims (a record too short
 * for a header counts as one).
 */
#include <assert.h>
#include <linux/types.h>

#include "fuzz.h"
#include "bpf/dropscope.h"
#include "trace/evbatch.h"

struct walk {
	const uint8_t *start, *end, *last;
	__u32 n;
};

static int on_event(void *ctx, const void *event, size_t size)
{
	struct walk *w = ctx;
	const uint8_t *e = event;

	assert(((uintptr_t)e & 7) == 0);
	assert(e >= w->start && e > w->last && size <= (size_t)(w->end - e));
	assert(size >= offsetof(struct drop_event, data));
	assert(size == offsetof(struct drop_event, data) + ((const struct drop_event *)e)->caplen);
	w->last = e;
	w->n++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walk w = { 0 };
	__u64 malformed = 0;
	uint8_t *copy;
	int n;

	/* An exact-size 8-aligned heap copy: a read past it is an ASan report. */
	copy = aligned_alloc(8, (size + 7) & ~(size_t)7 ? (size + 7) & ~(size_t)7 : 8);
	assert(copy);
	memcpy(copy, data, size);
	w.start = w.last = copy;
	w.last = copy - 1;
	w.end = copy + size;
	n = evbatch__each(copy, size, on_event, &w, &malformed);
	assert(n >= 0 && (__u32)n == w.n);
	if (size < sizeof(struct ev_batch_hdr))
		assert(malformed == 1 && n == 0);
	else
		assert(w.n + malformed == ((const struct ev_batch_hdr *)copy)->n);
	free(copy);
	return 0;
}
