// SPDX-License-Identifier: GPL-2.0
/* The events ring's reader. See evring.h. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "trace/evring.h"

/* The record header's flags in its length word, and its size (the
 * kernel's BPF_RINGBUF_BUSY_BIT, _DISCARD_BIT and _HDR_SZ). */
#define REC_BUSY    (1U << 31)
#define REC_DISCARD (1U << 30)
#define REC_HDR	    8U

struct evring_hold {
	pthread_t thread;
	bool running;
	int stop; /* set by evring__hold_stop(), read by the thread */
	bool full;
	uint8_t *buf;
	size_t len, cap, max;
	size_t off; /* the next held record to hand to fn */
	/* the caller's handler, while the thread reads with its own */
	evring_fn fn;
	void *ctx;
};

struct evring *evring__new(int map_fd, evring_fn fn, void *ctx)
{
	struct bpf_map_info info = {};
	__u32 ilen = sizeof(info);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct evring *r;
	int err;

	if (bpf_obj_get_info_by_fd(map_fd, &info, &ilen))
		return NULL;
	if (info.type != BPF_MAP_TYPE_RINGBUF || !info.max_entries ||
	    (info.max_entries & (info.max_entries - 1))) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->fd = map_fd;
	r->fn = fn;
	r->ctx = ctx;
	r->mask = info.max_entries - 1;
	r->cons_map = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (r->cons_map == MAP_FAILED)
		goto fail;
	/* The producer's page, then the data once: read-only for us. */
	r->prod_len = page + (size_t)info.max_entries;
	r->prod_map = mmap(NULL, r->prod_len, PROT_READ, MAP_SHARED, map_fd, (off_t)page);
	if (r->prod_map == MAP_FAILED)
		goto fail;
	r->consumer_pos = r->cons_map;
	r->producer_pos = r->prod_map;
	r->data = (const uint8_t *)r->prod_map + page;
	return r;
fail:
	err = errno;
	evring__free(r);
	errno = err;
	return NULL;
}

/*
 * The record of size bytes (its header not included) whose header is at
 * off: in place, or put together in r->wrap when it runs past the end of
 * the data. NULL when no buffer can be had for it.
 */
static void *record(struct evring *r, uint64_t off, uint32_t size)
{
	uint64_t start = (off + REC_HDR) & r->mask, first;

	if (start + size <= r->mask + 1)
		return (void *)(r->data + start);
	if (size > r->wrap_cap) {
		void *p = realloc(r->wrap, size);

		if (!p)
			return NULL;
		r->wrap = p;
		r->wrap_cap = size;
	}
	first = r->mask + 1 - start;
	memcpy(r->wrap, r->data + start, first);
	memcpy((uint8_t *)r->wrap + first, r->data, size - first);
	return r->wrap;
}

/* The held records, up to EVRING_CONSUME_BYTES a call, as consume() would
 * hand them; the buffer goes once all are handled. */
static int consume_held(struct evring *r)
{
	struct evring_hold *h = r->hold;
	size_t start = h->off;
	int n = 0, err;

	while (h->off < h->len && h->off - start < EVRING_CONSUME_BYTES) {
		uint32_t size;

		memcpy(&size, h->buf + h->off, sizeof(size));
		err = r->fn(r->ctx, h->buf + h->off + 8, size);
		h->off += 8 + ((size + 7) & ~7UL);
		if (err < 0)
			return err;
		n++;
	}
	if (h->off >= h->len) {
		free(h->buf);
		free(h);
		r->hold = NULL;
	}
	return n;
}

int evring__consume(struct evring *r)
{
	uint64_t cons = __atomic_load_n(r->consumer_pos, __ATOMIC_RELAXED);
	uint64_t released = cons, prod;
	int n = 0, err;

	/* Held records are older than anything in the ring now. */
	if (r->hold && !r->hold->running)
		return consume_held(r);

	/*
	 * What is there now, and at most EVRING_CONSUME_BYTES of it: under a
	 * flood the ring refills as fast as it is read, and a reader that
	 * looped until it found it empty would never get back to its signals
	 * (a SIGINT waited for the flood to end).
	 */
	prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
	if (prod - cons > EVRING_CONSUME_BYTES)
		prod = cons + EVRING_CONSUME_BYTES;
	while (cons < prod) {
		/* Records start at multiples of 8: a header never wraps. */
		const uint32_t *hdr = (const uint32_t *)(r->data + (cons & r->mask));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		uint32_t size = len & ~(REC_BUSY | REC_DISCARD);
		uint64_t at = cons;
		void *rec;

		/* Reserved but not yet submitted: the rest waits. */
		if (len & REC_BUSY)
			break;
		/* A length past the ring is none the kernel wrote: what is
		 * there now is skipped (the tally says it was not read). */
		if (size > r->mask + 1 - REC_HDR) {
			cons = prod;
			err = -EBADMSG;
			goto out_err;
		}
		cons += (size + REC_HDR + 7) & ~7ULL;
		if (!(len & REC_DISCARD)) {
			rec = record(r, at, size);
			if (!rec) {
				err = -ENOMEM;
				goto out_err;
			}
			err = r->fn(r->ctx, rec, size);
			if (err < 0) {
				__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
				return err;
			}
			n++;
		}
		if (cons - released >= EVRING_RELEASE_BYTES) {
			__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
			released = cons;
		}
	}
	if (cons != released)
		__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
	return n;
out_err:
	__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
	return err;
}

int evring__drain(struct evring *r)
{
	uint64_t before;
	int n = 0, k;

	do {
		before = __atomic_load_n(r->consumer_pos, __ATOMIC_RELAXED);
		k = evring__consume(r);
		if (k < 0)
			return k;
		n += k;
	} while (__atomic_load_n(r->consumer_pos, __ATOMIC_RELAXED) != before || k > 0);
	return n;
}

/* The thread's handler: the record appended to the held buffer, which
 * hold_thread() made large enough for a whole consume() call. */
static int hold_record(void *ctx, void *data, size_t size)
{
	struct evring_hold *h = ctx;
	size_t need = 8 + ((size + 7) & ~7UL);
	uint32_t size32 = (uint32_t)size;

	if (h->len + need > h->cap)
		return -ENOSPC; /* cannot be: a record is at most EV_BATCH_BYTES-odd */
	memcpy(h->buf + h->len, &size32, sizeof(size32));
	memset(h->buf + h->len + 4, 0, 4);
	memcpy(h->buf + h->len + 8, data, size);
	h->len += need;
	return 0;
}

/* Room for what one consume() call may read: EVRING_CONSUME_BYTES, and a
 * record starting below that may end past it. */
#define HOLD_ROOM (EVRING_CONSUME_BYTES + (64 << 10))

static bool hold_room(struct evring_hold *h)
{
	size_t cap = h->cap ? h->cap : (1 << 20);
	uint8_t *p;

	if (h->cap - h->len >= HOLD_ROOM)
		return true;
	while (cap - h->len < HOLD_ROOM)
		cap *= 2;
	if (cap > h->max)
		return false;
	p = realloc(h->buf, cap);
	if (!p)
		return false;
	h->buf = p;
	h->cap = cap;
	return true;
}

static void *hold_thread(void *arg)
{
	struct evring *r = arg;
	struct evring_hold *h = r->hold;
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };

	while (!__atomic_load_n(&h->stop, __ATOMIC_ACQUIRE)) {
		/* Without room (max reached, or no memory) the rest waits
		 * in the ring, as it would without us. */
		if (!h->full && !hold_room(h))
			h->full = true;
		if (!h->full && evring__consume(r) > 0)
			continue;
		/* Full: the ring stays readable (nobody reads it now), so a
		 * poll would return at once, again and again. */
		if (h->full) {
			nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
			continue;
		}
		/* Woken per batch of the program's at most (EVENTS_WAKEUP_BYTES);
		 * the short timeout bounds how late a stop is seen. */
		poll(&pfd, 1, 2);
	}
	return NULL;
}

int evring__hold_start(struct evring *r, size_t max)
{
	struct evring_hold *h;
	int err;

	if (r->hold)
		return -EBUSY;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->max = max;
	h->fn = r->fn;
	h->ctx = r->ctx;
	r->fn = hold_record;
	r->ctx = h;
	r->hold = h;
	h->running = true;
	err = pthread_create(&h->thread, NULL, hold_thread, r);
	if (err) {
		r->fn = h->fn;
		r->ctx = h->ctx;
		r->hold = NULL;
		free(h);
		return -err;
	}
	return 0;
}

size_t evring__hold_stop(struct evring *r, int *full)
{
	struct evring_hold *h = r->hold;
	size_t len;

	if (full)
		*full = 0;
	if (!h || !h->running)
		return 0;
	__atomic_store_n(&h->stop, 1, __ATOMIC_RELEASE);
	pthread_join(h->thread, NULL);
	h->running = false;
	r->fn = h->fn;
	r->ctx = h->ctx;
	len = h->len;
	if (full)
		*full = h->full;
	if (!len) {
		free(h->buf);
		free(h);
		r->hold = NULL;
	}
	return len;
}

bool evring__has_held(const struct evring *r)
{
	return r->hold && !r->hold->running && r->hold->off < r->hold->len;
}

int evring__fd(const struct evring *r)
{
	return r->fd;
}

void evring__free(struct evring *r)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (!r)
		return;
	evring__hold_stop(r, NULL);
	if (r->hold) {
		free(r->hold->buf);
		free(r->hold);
	}
	if (r->cons_map && r->cons_map != MAP_FAILED)
		munmap(r->cons_map, page);
	if (r->prod_map && r->prod_map != MAP_FAILED)
		munmap(r->prod_map, r->prod_len);
	free(r->wrap);
	free(r);
}
