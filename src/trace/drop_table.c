// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "trace/drop_table.h"
#include "trace/keys.h"
#include "lib/msg.h"

/*
 * Previous totals live in an open-addressing table twice the size of the
 * kernel's, so it never fills. A row is deleted on both sides only when
 * the reader installed a gone() check (counts__set_gone) and it says the
 * row's object (namespace, device, cgroup) no longer exists.
 */
struct slot {
	struct drop_key key;
	__u64 total;
	bool used;
};

struct counts {
	int drops_fd, stats_fd, prog_fd;
	int ncpus;
	size_t nslots, nused, maxslots;
	struct slot *slots;
	__u64 *percpu;		 /* one lookup's worth of per-CPU values */
	struct drop_delta *rows; /* this poll's result */
	size_t max_rows;
	__u64 stats_prev[STAT_MAX];
	__u64 missed_prev;
	bool stats_fresh; /* both were read by the last counts__read/poll */
	/* counts__totals() batch buffers, allocated at first use */
	struct drop_key *bkeys;
	__u64 *bvals;
	bool no_batch; /* the kernel has no batch lookup for this map (< 5.6) */
	/* bkeys hold every row of the last counts__read() (nread of them),
	 * not yet swept: the sweep checks those instead of walking again. */
	bool read_fresh;
	size_t nread;
	__u32 key_size;		 /* of the map's keys: BASE_KEY_SIZE or the whole struct */
	bool cookie_noted;	 /* the kernel has no netns cookie: said once */
	struct ksyms *const *ks; /* counts__set_classes(), else NULL */
	struct reasons *const *rs;
	enum class_filter filter;
	/* counts__set_gone(): rows of gone objects, deleted after the walk */
	counts_gone_fn gone;
	void (*gone_begin)(void *arg);
	void (*gone_prepare)(void *arg, const struct drop_key *keys, size_t n);
	void *gone_arg;
	struct drop_key *doomed;
	size_t ndoomed;
	bool no_lookup_delete; /* the kernel cannot lookup-and-delete this map (< 5.14) */
	__u64 freed;
	counts_rekey_fn rekey;
	void *rekey_ctx;
	struct drop_delta *moved; /* rekey_rows()' rewritten rows, at first use */
	/* counts__set_front(): the program's front table, and the key each
	 * slot was given here (location 0: none yet) */
	int front_fd, front_counts_fd;
	int sites_fd; /* the program's XDP drop sites (`xdp_sites`), -1: none */
	struct front_slot *fkeys;
	struct front_slot *fbuf; /* one slot's per-CPU values */
	__u64 *fcounts;		 /* ... and its per-CPU counts */
};

/* A namespace without a cookie: the kernel has no net->net_cookie (< 5.14),
 * so rows are keyed by the inode alone, which the kernel reuses. Said
 * once, where it first shows. */
static void note_cookie(struct counts *c, const struct drop_key *k)
{
	if (c->cookie_noted || !k->netns || k->netns_cookie)
		return;
	c->cookie_noted = true;
	msg_warn("this kernel has no network namespace cookie (< 5.14): namespaces are told "
		 "apart by inode, which the kernel reuses");
}

void counts__set_rekey(struct counts *c, counts_rekey_fn fn, void *ctx)
{
	c->rekey = fn;
	c->rekey_ctx = ctx;
}

/*
 * Rewrite the keys of rows[0, n) and merge the rewritten ones into rows of
 * the same key. Rewritten rows are few (the drops of the first
 * milliseconds), so each is merged by a linear search. Returns the new n.
 */
static size_t rekey_rows(struct counts *c, size_t n)
{
	size_t kept = 0, moved = 0;

	if (!c->rekey)
		return n;
	if (!c->moved) {
		c->moved = calloc(c->max_rows, sizeof(*c->moved));
		if (!c->moved)
			return n; /* rows stay apart, each still right */
	}
	/* Unchanged rows stay in front; rewritten ones wait aside, then
	 * merge in. */
	for (size_t i = 0; i < n; i++) {
		struct drop_delta r = c->rows[i];

		if (c->rekey(c->rekey_ctx, &r.key))
			c->moved[moved++] = r;
		else
			c->rows[kept++] = r;
	}
	for (size_t m = 0; m < moved; m++) {
		struct drop_delta r = c->moved[m];
		size_t j;

		for (j = 0; j < kept; j++)
			if (!memcmp(&c->rows[j].key, &r.key, sizeof(r.key)))
				break;
		if (j < kept)
			c->rows[j].count += r.count;
		else
			c->rows[kept++] = r;
	}
	return kept;
}

static struct slot *slot_of(struct counts *c, const struct drop_key *k)
{
	size_t i = keys_hash(k) & (c->nslots - 1);

	while (c->slots[i].used && memcmp(&c->slots[i].key, k, sizeof(*k)))
		i = (i + 1) & (c->nslots - 1);
	return &c->slots[i];
}

/*
 * Linear probing without tombstones: a deleted slot's followers that hash
 * at or before it move back, so every lookup still finds its key.
 */
static void slot_delete(struct counts *c, struct slot *s)
{
	size_t mask = c->nslots - 1, i = (size_t)(s - c->slots), j = i;

	c->nused--;
	for (;;) {
		size_t h;

		c->slots[i].used = false;
		for (;;) {
			j = (j + 1) & mask;
			if (!c->slots[j].used)
				return;
			h = keys_hash(&c->slots[j].key) & mask;
			/* j may fill hole i when its home h is not in (i, j] */
			if (i <= j ? (h <= i || h > j) : (h <= i && h > j))
				break;
		}
		c->slots[i] = c->slots[j];
		i = j;
	}
}

/*
 * The slots grow with the rows seen (at most half full), up to twice
 * --max-keys: a table sized for the worst case from the start (3.4 MiB at
 * the default) ends up wholly resident once a churning node's keys have
 * hashed all over it, though only the live rows' few slots are in use.
 * Returns false when there is no room for one more (the row is then
 * counted at a later poll).
 */
static bool slot_room(struct counts *c)
{
	size_t cap = c->nslots * 2;
	struct slot *v, *old = c->slots;

	if ((c->nused + 1) * 2 <= c->nslots || c->nslots >= c->maxslots)
		return c->nused + 1 < c->nslots;
	v = calloc(cap, sizeof(*v));
	if (!v)
		return c->nused + 1 < c->nslots;
	for (size_t i = 0; i < c->nslots; i++) {
		size_t j;

		if (!old[i].used)
			continue;
		for (j = keys_hash(&old[i].key) & (cap - 1); v[j].used; j = (j + 1) & (cap - 1))
			;
		v[j] = old[i];
	}
	free(old);
	c->slots = v;
	c->nslots = cap;
	return true;
}

struct counts *counts__new(int drops_fd, int stats_fd, int prog_fd, size_t max_keys)
{
	struct counts *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->drops_fd = drops_fd;
	c->front_fd = -1;
	c->front_counts_fd = -1;
	c->sites_fd = -1;
	c->stats_fd = stats_fd;
	c->prog_fd = prog_fd;
	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0)
		goto fail;
	c->key_size = sizeof(struct drop_key);
	{
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(drops_fd, &info, &len) && info.key_size &&
		    info.key_size <= sizeof(struct drop_key))
			c->key_size = info.key_size;
	}
	c->maxslots = 16;
	while (c->maxslots < 2 * max_keys)
		c->maxslots <<= 1;
	c->nslots = c->maxslots < 256 ? c->maxslots : 256;
	c->max_rows = max_keys;
	c->slots = calloc(c->nslots, sizeof(*c->slots));
	c->percpu = calloc(c->ncpus, sizeof(*c->percpu));
	c->rows = calloc(c->max_rows, sizeof(*c->rows));
	c->doomed = calloc(c->max_rows, sizeof(*c->doomed));
	if (!c->slots || !c->percpu || !c->rows || !c->doomed)
		goto fail;
	return c;
fail:
	counts__free(c);
	return NULL;
}

void counts__set_classes(struct counts *c, struct ksyms *const *ks, struct reasons *const *rs,
			 enum class_filter filter)
{
	c->ks = ks;
	c->rs = rs;
	c->filter = filter;
}

/* Set k's class; false when the filter hides it. */
static bool classify(const struct counts *c, struct drop_key *k)
{
	if (!c->ks)
		return true;
	k->cls = classes_of(*c->rs, *c->ks, k->reason, k->location, k->family);
	return classes_shown(c->filter, (enum drop_class)k->cls);
}

void counts__free(struct counts *c)
{
	if (!c)
		return;
	free(c->slots);
	free(c->percpu);
	free(c->rows);
	free(c->doomed);
	free(c->bkeys);
	free(c->bvals);
	free(c->moved);
	free(c->fkeys);
	free(c->fbuf);
	free(c->fcounts);
	free(c);
}

void counts__set_front(struct counts *c, int fd, int counts_fd, int sites_fd)
{
	c->sites_fd = sites_fd;
	if (fd < 0 || counts_fd < 0)
		return;
	c->fkeys = calloc(FRONT_SLOTS, sizeof(*c->fkeys));
	c->fbuf = calloc(c->ncpus, sizeof(*c->fbuf));
	c->fcounts = calloc(c->ncpus, sizeof(*c->fcounts));
	if (!c->fkeys || !c->fbuf || !c->fcounts) {
		/* Without it every drop is still counted, in the hash. */
		free(c->fkeys);
		free(c->fbuf);
		free(c->fcounts);
		c->fkeys = c->fbuf = NULL;
		c->fcounts = NULL;
		return;
	}
	c->front_fd = fd;
	c->front_counts_fd = counts_fd;
}

/* The key's slot of the front table, the key's base bytes in it. */
static __u32 front_of(const struct drop_key *k, struct front_slot *f)
{
	memset(f, 0, sizeof(*f));
	f->location = k->location;
	memcpy(&f->tail, &k->reason, sizeof(f->tail));
	return front_index(f->location, f->tail);
}

/* What the key's front slot has counted (0: the key has none). */
static __u64 front_total(struct counts *c, const struct drop_key *k)
{
	struct front_slot f;
	__u32 i;
	__u64 sum = 0;

	if (c->front_fd < 0)
		return 0;
	i = front_of(k, &f);
	if (!c->fkeys[i].location || memcmp(&c->fkeys[i], &f, 2 * sizeof(__u64)))
		return 0;
	if (bpf_map_lookup_elem(c->front_counts_fd, &i, c->fcounts))
		return 0;
	for (int cpu = 0; cpu < c->ncpus; cpu++)
		sum += c->fcounts[cpu];
	return sum;
}

/*
 * Whether drops of this key may be an XDP program's verdict: at one of the
 * program's XDP drop sites (as they are now), or a verdict row. The
 * program looks for a slot before it checks the sites (dropscope.bpf.c's
 * count_drop()), so such a key must never have a live one.
 */
static bool at_xdp_site(const struct drop_key *k, const struct xdp_site_table *t)
{
	if (k->reason == DS_REASON_XDP_DROP || k->reason == DS_REASON_XDP_ABORTED)
		return true;
	for (int i = 0; t && i < MAX_XDP_SITES; i++)
		if (xdp_site_hit(&t->s[i], k->location, k->reason))
			return true;
	return false;
}

/* The sites now; false where they cannot be read (then no slot is given). */
static bool read_sites(const struct counts *c, struct xdp_site_table *t, bool *have)
{
	__u32 zero = 0;

	*have = c->sites_fd >= 0;
	if (!*have)
		return true;
	return !bpf_map_lookup_elem(c->sites_fd, &zero, t);
}

/*
 * Gives a row that counted FRONT_MIN_DROPS or more the front slot of its
 * key, when the slot is free: its next drops are counted there (see struct
 * front_slot for why no drop is counted twice or lost). Not where rows are deleted (counts__set_gone):
 * a slot keeps counting, and its counts are read only beside a hash row.
 */
static bool front_promote(struct counts *c, const struct drop_key *k,
			  const struct xdp_site_table *sites)
{
	struct front_slot f;
	__u32 i;
	int cpu, err;

	if (c->front_fd < 0 || c->gone || !k->location || at_xdp_site(k, sites))
		return false;
	i = front_of(k, &f);
	if (c->fkeys[i].location)
		return false;
	for (cpu = 0; cpu < c->ncpus; cpu++)
		c->fbuf[cpu] = f;
	err = bpf_map_update_elem(c->front_fd, &i, c->fbuf, BPF_ANY);
	if (!err) {
		for (cpu = 0; cpu < c->ncpus; cpu++)
			c->fbuf[cpu].live = 1;
		err = bpf_map_update_elem(c->front_fd, &i, c->fbuf, BPF_ANY);
	}
	/* Marked taken even when a write failed: a slot half written stays
	 * unused (live is 0) rather than written again and again. */
	c->fkeys[i] = f;
	c->fkeys[i].live = !err;
	if (err)
		c->fkeys[i].location = ~0ULL;
	return !err;
}

/*
 * Takes back the live slots of keys the sites t cover (t NULL: the sites
 * could not be read, so every live slot): the same key words with live 0,
 * so the program stops counting there (its drops go to the site check and
 * the hash) whichever of the two it sees. The slot stays the key's here,
 * so what it counted stays in the row's total. A write that fails is
 * tried again at the next call (counts__promote(): every second).
 */
static void take_back(struct counts *c, const struct xdp_site_table *t, bool have)
{
	for (__u32 i = 0; i < FRONT_SLOTS; i++) {
		struct front_slot f = c->fkeys[i];
		struct drop_key k = { .location = f.location };

		if (!f.live)
			continue;
		memcpy(&k.reason, &f.tail, sizeof(f.tail));
		if (t && !at_xdp_site(&k, have ? t : NULL))
			continue;
		f.live = 0;
		for (int cpu = 0; cpu < c->ncpus; cpu++)
			c->fbuf[cpu] = f;
		if (!bpf_map_update_elem(c->front_fd, &i, c->fbuf, BPF_ANY))
			c->fkeys[i].live = 0;
	}
}

void counts__front_sites(struct counts *c, const struct xdp_site_table *t)
{
	if (c && c->front_fd >= 0)
		take_back(c, t, true);
}

static __u64 sum_percpu(const struct counts *c)
{
	__u64 sum = 0;

	for (int i = 0; i < c->ncpus; i++)
		sum += c->percpu[i];
	return sum;
}

void counts__stat_totals(struct counts *c, __u64 totals[STAT_MAX])
{
	for (__u32 i = 0; i < STAT_MAX; i++)
		totals[i] = bpf_map_lookup_elem(c->stats_fd, &i, c->percpu) ? 0 : sum_percpu(c);
}

static void poll_stats(struct counts *c, struct interval_stats *st)
{
	__u64 now[STAT_MAX];
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	counts__stat_totals(c, now);
	st->overflow = now[STAT_OVERFLOW] - c->stats_prev[STAT_OVERFLOW];
	st->filtered = now[STAT_FILTERED] - c->stats_prev[STAT_FILTERED];
	memcpy(c->stats_prev, now, sizeof(now));

	/* Runs the kernel skipped because the program was already active on
	 * that CPU are drops we never saw: report them, never hide them. */
	st->missed = 0;
	if (!bpf_obj_get_info_by_fd(c->prog_fd, &info, &len)) {
		st->missed = info.recursion_misses - c->missed_prev;
		c->missed_prev = info.recursion_misses;
		c->stats_fresh = true;
	}
}

void counts__set_gone(struct counts *c, counts_gone_fn gone, void (*begin)(void *arg), void *arg)
{
	c->gone = gone;
	c->gone_begin = begin;
	c->gone_arg = arg;
}

void counts__set_gone_prepare(struct counts *c,
			      void (*prepare)(void *arg, const struct drop_key *keys, size_t n))
{
	c->gone_prepare = prepare;
}

__u64 counts__freed(const struct counts *c)
{
	return c->freed;
}

/*
 * Delete a gone row and report what it counted since the last poll. One
 * lookup-and-delete is atomic: a drop counted between a lookup and a
 * delete would be lost. Kernels before 5.14 cannot do it for hash maps:
 * there a drop may slip in between (the object is gone, so rarely).
 */
static void reap(struct counts *c, const struct drop_key *key, size_t *n)
{
	struct slot *s = slot_of(c, key);
	__u64 total;
	int err = -EOPNOTSUPP;

	if (!c->no_lookup_delete) {
		err = bpf_map_lookup_and_delete_elem(c->drops_fd, key, c->percpu);
		if (err == -EOPNOTSUPP || err == -EINVAL || err == -524 /* the kernel's ENOTSUPP */)
			c->no_lookup_delete = true;
	}
	if (c->no_lookup_delete) {
		err = bpf_map_lookup_elem(c->drops_fd, key, c->percpu);
		if (!err)
			err = bpf_map_delete_elem(c->drops_fd, key);
	}
	if (err)
		return;
	total = sum_percpu(c);
	c->freed++;
	/* Reported even when nothing grew: readers that keep state per row
	 * (the exporter's series) learn that it is gone. */
	if (*n < c->max_rows) {
		c->rows[*n].key = *key;
		c->rows[*n].count = s->used && total > s->total ? total - s->total
				    : s->used			? 0
								: total;
		c->rows[*n].gone = true;
		if (classify(c, &c->rows[*n].key))
			(*n)++;
	}
	if (s->used)
		slot_delete(c, s);
}

/*
 * Every row's key and per-CPU values into c->bkeys/c->bvals, one syscall
 * per batch of rows instead of two per row (get_next_key and lookup): a
 * scrape of 1,000 rows costs ~0.2 ms instead of ~4. Returns the rows, or
 * -errno to walk key by key instead (-ENOSPC: a bucket larger than what
 * was left; others: no batch ops, < 5.6).
 */
static int batch_read(struct counts *c)
{
	__u32 token = 0, count;
	size_t n = 0;
	bool first = true;
	int err;

	c->read_fresh = false; /* overwritten from here */
	if (!c->bkeys) {
		c->bkeys = calloc(c->max_rows, sizeof(*c->bkeys)); /* room at any key size */
		c->bvals = calloc(c->max_rows * (size_t)c->ncpus, sizeof(*c->bvals));
		if (!c->bkeys || !c->bvals)
			return -ENOMEM;
	}
	for (;;) {
		count = (__u32)(c->max_rows - n);
		if (!count)
			break;
		/* Keys come packed at the map's key size, not the struct's. */
		err = bpf_map_lookup_batch(c->drops_fd, first ? NULL : &token, &token,
					   (char *)c->bkeys + n * (size_t)c->key_size,
					   c->bvals + n * (size_t)c->ncpus, &count, NULL);
		if (err && err != -ENOENT)
			return err;
		n += count;
		if (err == -ENOENT)
			break;
		first = false;
	}
	return (int)n;
}

/* Row i of the last batch_read(): its key (zero past the map's key size) and total. */
static __u64 batch_row(const struct counts *c, size_t i, struct drop_key *key)
{
	const __u64 *v = c->bvals + i * (size_t)c->ncpus;
	__u64 sum = 0;

	for (int cpu = 0; cpu < c->ncpus; cpu++)
		sum += v[cpu];
	memset(key, 0, sizeof(*key));
	memcpy(key, (char *)c->bkeys + i * (size_t)c->key_size, c->key_size);
	return sum;
}

static int totals_batch(struct counts *c)
{
	int nrows = batch_read(c);
	size_t out = 0; /* rows kept (the class filter) */

	if (nrows < 0)
		return nrows;
	for (size_t i = 0; i < (size_t)nrows; i++) {
		c->rows[out].count = batch_row(c, i, &c->rows[out].key);
		c->rows[out].count += front_total(c, &c->rows[out].key);
		c->rows[out].gone = false;
		if (classify(c, &c->rows[out].key))
			out++;
	}
	return (int)out;
}

enum poll_mode {
	POLL_ALL,   /* read every row, free the gone ones */
	POLL_READ,  /* read every row, ask nothing about objects */
	POLL_SWEEP, /* only free the gone ones (their last deltas) */
};

static int poll_rows(struct counts *c, const struct drop_delta **rows, struct interval_stats *st,
		     enum poll_mode mode)
{
	/* The kernel fills only the map's key size (the base key in the
	 * default mode): the rest must read as zero, as it is in the kernel. */
	struct drop_key key = {}, next = {};
	struct drop_key *prev = NULL;
	size_t n = 0;
	int err, nbatch;
	struct xdp_site_table sites;
	/* The sites as they are now, for the slots given below (one read). */
	bool have_sites = false, sites_ok = c->front_fd >= 0 && mode != POLL_SWEEP &&
					    read_sites(c, &sites, &have_sites);

	bool check = c->gone && mode != POLL_READ;

	if (st)
		c->stats_fresh = false;

	c->ndoomed = 0;
	if (check && c->gone_begin)
		c->gone_begin(c->gone_arg);
	/*
	 * Rows are deleted only after the walk, so walking with get_next_key
	 * (or in batches) cannot skip or repeat one; a row inserted during
	 * the walk may be missed this time and is then seen, with its full
	 * total, at the next poll.
	 */
	/*
	 * A sweep right after a read checks the rows that read saw: the same
	 * rows a walk now would check, as only rows seen at an earlier poll
	 * are checked and rows are deleted only by a sweep (a key the read
	 * saw that is gone since is simply not found to delete).
	 */
	if (mode == POLL_SWEEP && c->read_fresh)
		nbatch = (int)c->nread;
	else
		nbatch = c->no_batch ? -EOPNOTSUPP : batch_read(c);
	if (nbatch < 0 && nbatch != -ENOSPC)
		c->no_batch = true;
	c->read_fresh = mode == POLL_READ && nbatch >= 0;
	c->nread = nbatch >= 0 ? (size_t)nbatch : 0;
	/* The rows the loop below will ask about, all at once first (the
	 * doomed list is free until the loop). */
	if (check && nbatch > 0 && c->gone_prepare) {
		for (size_t i = 0; i < (size_t)nbatch; i++) {
			batch_row(c, i, &key);
			if (slot_of(c, &key)->used)
				c->doomed[c->ndoomed++] = key;
		}
		c->gone_prepare(c->gone_arg, c->doomed, c->ndoomed);
		c->ndoomed = 0;
	}
	for (size_t i = 0;; i++) {
		struct slot *s;
		__u64 total = 0;

		if (nbatch >= 0) {
			if (i >= (size_t)nbatch) {
				err = -ENOENT;
				break;
			}
			total = batch_row(c, i, &key);
		} else {
			err = bpf_map_get_next_key(c->drops_fd, prev, &next);
			if (err)
				break;
			key = next;
			prev = &key;
		}
		s = slot_of(c, &key);
		/* Only a row seen at an earlier poll, so before the object
		 * check re-read the host: a row of an object made since is
		 * never taken for one that is gone. */
		if (s->used && check && c->ndoomed < c->max_rows && c->gone(c->gone_arg, &key)) {
			c->doomed[c->ndoomed++] = key;
			continue;
		}
		/* A sweep leaves live rows to the next read: no lookup at all. */
		if (mode == POLL_SWEEP)
			continue;
		if (nbatch < 0) {
			if (bpf_map_lookup_elem(c->drops_fd, &key, c->percpu))
				continue;
			total = sum_percpu(c);
		}
		total += front_total(c, &key);
		note_cookie(c, &key);
		if (!s->used) {
			if (!slot_room(c))
				continue;
			s = slot_of(c, &key); /* the table may have grown */
			s->used = true;
			s->key = key;
			s->total = 0;
			c->nused++;
		}
		/* The slot is keyed without the class (key.cls is 0 here): a
		 * class that changes with a symbol reload must not look like a
		 * new row with its whole total. */
		if (total > s->total && n < c->max_rows) {
			c->rows[n].key = key;
			c->rows[n].count = total - s->total;
			c->rows[n].gone = false;
			s->total = total;
			/* The same bar as between reads (counts__promote):
			 * slots are never given back, and a key that dropped
			 * once must not take one from a busier key sharing it. */
			if (total >= FRONT_MIN_DROPS && sites_ok)
				front_promote(c, &key, have_sites ? &sites : NULL);
			if (classify(c, &c->rows[n].key))
				n++;
		}
	}
	if (err != -ENOENT)
		return err;
	for (size_t i = 0; i < c->ndoomed; i++)
		reap(c, &c->doomed[i], &n);
	if (st)
		poll_stats(c, st);
	*rows = c->rows;
	return (int)rekey_rows(c, n);
}

int counts__poll(struct counts *c, const struct drop_delta **rows, struct interval_stats *st)
{
	return poll_rows(c, rows, st, POLL_ALL);
}

int counts__read(struct counts *c, const struct drop_delta **rows, struct interval_stats *st)
{
	return poll_rows(c, rows, st, POLL_READ);
}

int counts__sweep(struct counts *c, const struct drop_delta **rows)
{
	return poll_rows(c, rows, NULL, POLL_SWEEP);
}

int counts__totals(struct counts *c, const struct drop_delta **rows)
{
	/* Zeroed: the kernel fills only the map's key size (see counts__poll). */
	struct drop_key key = {}, next = {}, *prev = NULL;
	size_t n = 0;
	int err;

	*rows = c->rows;
	if (!c->no_batch) {
		err = totals_batch(c);
		if (err >= 0)
			return (int)rekey_rows(c, (size_t)err);
		/* No batch ops (< 5.6), or a bucket larger than what was left
		 * (-ENOSPC): walk key by key, this time or for good. */
		if (err != -ENOSPC)
			c->no_batch = true;
	}
	while (!(err = bpf_map_get_next_key(c->drops_fd, prev, &next)) && n < c->max_rows) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(c->drops_fd, &key, c->percpu))
			continue;
		c->rows[n].key = key;
		c->rows[n].gone = false;
		c->rows[n].count = sum_percpu(c) + front_total(c, &c->rows[n].key);
		if (classify(c, &c->rows[n].key))
			n++;
	}
	if (err && err != -ENOENT)
		return err;
	return (int)rekey_rows(c, n);
}

void counts__last_stats(struct counts *c, __u64 totals[STAT_MAX], __u64 *missed)
{
	if (!c->stats_fresh) {
		counts__stat_totals(c, totals);
		*missed = counts__missed_total(c);
		return;
	}
	memcpy(totals, c->stats_prev, sizeof(c->stats_prev));
	*missed = c->missed_prev;
}

__u64 counts__missed_total(struct counts *c)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(c->prog_fd, &info, &len) ? 0 : info.recursion_misses;
}

int counts__promote(struct counts *c)
{
	struct xdp_site_table sites;
	struct drop_key key;
	int n, filled = 0;
	bool have;

	if (c->front_fd < 0 || c->gone)
		return -ENOENT;
	/* One batch read of the hash (a few rows: microseconds); a kernel
	 * without batch reads (< 5.6) fills slots at polls only. */
	if (c->no_batch)
		return 0;
	/* Also a slot a take-back could not write before (front_sites()). */
	if (!read_sites(c, &sites, &have)) {
		take_back(c, NULL, false);
		return 0;
	}
	take_back(c, &sites, have);
	n = batch_read(c);
	for (int i = 0; i < n; i++)
		if (batch_row(c, (size_t)i, &key) >= FRONT_MIN_DROPS)
			filled += front_promote(c, &key, have ? &sites : NULL);
	return filled;
}
