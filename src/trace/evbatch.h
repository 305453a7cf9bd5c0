/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The events in one record of the events ring: the BPF side batches them
 * per CPU (EV_BATCH_BYTES in bpf/dropscope.h), a struct ev_batch_hdr then
 * the events, each a struct drop_event's header and caplen bytes of
 * packet, at multiples of 8.
 *
 * The record comes from the kernel: every bound is checked against the
 * record's size before it is used, and the events a record says it holds
 * but whose bounds do not hold are counted, so that the accounting of
 * events (printed + lost + ... = counted) stays exact even then.
 */
#ifndef DROPSCOPE_EVBATCH_H
#define DROPSCOPE_EVBATCH_H

#include <stddef.h>
#include <linux/types.h>

/* Called per event with its header and packet bytes (size = the header's
 * size + caplen); a negative return stops the record and is returned. */
typedef int (*evbatch_fn)(void *ctx, const void *event, size_t size);

/*
 * Hands each event of the record rec (size bytes, 8-aligned) to fn, in
 * order. Adds to *malformed the events the record claims that cannot be
 * read within it (a record too short for its header counts as one).
 * Returns how many events fn was given, or fn's negative return.
 */
int evbatch__each(const void *rec, size_t size, evbatch_fn fn, void *ctx, __u64 *malformed);

#endif
