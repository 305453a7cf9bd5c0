/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reader of the events ring buffer (a BPF_MAP_TYPE_RINGBUF), mapped as
 * libbpf maps it, but giving the space back once per batch instead of once
 * per record.
 *
 * The data is mapped once, not twice in a row as libbpf maps it (so that a
 * record that wraps reads as one): the kernel maps every page of such a
 * mapping at mmap time, so the second copy cost the ring's size again in
 * resident memory. The few records that wrap are put together in a
 * buffer of our own instead.
 *
 * Why: the BPF side reads the ring's consumer position on every reserve
 * (to see whether there is room). libbpf's reader stores that position
 * after each record, so at a flood's rate the cache line holding it moved
 * between the dropping CPU and the reader's CPU on every drop, a miss on
 * each side. Stored every EVRING_RELEASE_BYTES, the line moves once per
 * few hundred events, and the producer still never waits on more than
 * that much already-read space.
 */
#ifndef DROPSCOPE_EVRING_H
#define DROPSCOPE_EVRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Read space given back to the producer at least this often. */
#define EVRING_RELEASE_BYTES (64 << 10)
/* At most this much is read per evring__consume() call (a record that
 * starts below it is read whole): the caller gets back to its loop. */
#define EVRING_CONSUME_BYTES (256 << 10)

/* Called per record; a negative return stops the batch (that record is
 * consumed) and is returned by evring__consume(). */
typedef int (*evring_fn)(void *ctx, void *data, size_t size);

struct evring {
	/* The three pieces the kernel shares (see <linux/bpf.h>'s
	 * ring buffer layout): ours to write, its to write, and the data. */
	uint64_t *consumer_pos;
	const uint64_t *producer_pos;
	const uint8_t *data;
	uint64_t mask; /* data size - 1 (a power of two) */
	evring_fn fn;
	void *ctx;
	/* A record that wraps past the end, put back together. */
	void *wrap;
	size_t wrap_cap;
	/* Internal: the mappings, for evring__free(). */
	void *cons_map, *prod_map;
	size_t prod_len;
	int fd;
	/* evring__hold_start(): records copied out by a thread of ours, as
	 * [u32 size, pad, record] at multiples of 8, handed to fn first. */
	struct evring_hold *hold;
};

/* Maps the ring of map_fd (a BPF_MAP_TYPE_RINGBUF). NULL with errno. */
struct evring *evring__new(int map_fd, evring_fn fn, void *ctx);
/* The whole records ready now, in order, up to EVRING_CONSUME_BYTES (call
 * again for more). Returns how many were handed to fn (0: none ready), or
 * fn's negative return. */
int evring__consume(struct evring *r);
/* evring__consume() until it reads nothing more: everything, for a ring
 * whose producer has stopped (a running one could keep it going). */
int evring__drain(struct evring *r);
/*
 * While the caller cannot handle records yet (the monitor loads symbols
 * and reason names after attaching: ~50-90 ms, when an 8 MiB ring holds
 * ~35 ms of a 1.5M drops/s flood), a thread of ours copies them out of the
 * ring into memory, at most max bytes (grown as needed, given back once
 * handled): a flood already running at start loses only what neither can
 * hold. Returns 0 or -errno (then nothing is held; records wait in the
 * ring as before).
 */
int evring__hold_start(struct evring *r, size_t max);
/* Stops the thread. What it held is handed to fn by the next
 * evring__consume() calls, before anything in the ring. Returns the
 * bytes held; *full: it reached max (the rest waited in the ring). */
size_t evring__hold_stop(struct evring *r, int *full);
/* Held records are still to be handed to fn (the fd does not say so). */
bool evring__has_held(const struct evring *r);
/* The fd to poll for POLLIN: readable when records are waiting. */
int evring__fd(const struct evring *r);
void evring__free(struct evring *r);

#endif
