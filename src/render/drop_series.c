// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/drop_table.h"
#include "symbols/ksyms.h"
#include "counters/cgroups.h"
#include "counters/workload.h"
#include "render/drop_series.h"
#include "trace/keys.h"
#include "trace/objects.h"
#include "render/naming.h"

void drop_labels(struct mbuf *l, const struct drop_key *k, const struct drop_label_ctx *ctx)
{
	char loc[NAMING_LOCATION_LEN], num[NAMING_NUM_LEN];
	const char *proto;

	/* A label is one name: full's three forms would be three labels' worth. */
	naming_drop_location(ctx->ks, ctx->sym == SYM_FULL ? SYM_DATA : ctx->sym, k->location,
			     k->reason, loc, sizeof(loc));
	labels_add(l, "location", loc);
	labels_add(l, "reason",
		   naming_reason(ctx->rs, !ctx->no_reasons, k->reason, num, sizeof(num)));
	proto = naming_proto(k->protocol, num, sizeof(num));
	labels_add(l, "protocol", proto);
	/* Always there: an alert on real drops filters class="drop". */
	labels_add(l, "class", classes_name((enum drop_class)k->cls));

	if (ctx->dims & DIM_DEV)
		labels_add(l, "device", ctx->fold_objects ? "other" : k->dev[0] ? k->dev : "");
	if ((ctx->dims & DIM_NETNS) && ctx->fold_objects) {
		labels_add(l, "netns", "other");
		labels_add(l, "netns_cookie", "other");
	} else if (ctx->dims & DIM_NETNS) {
		snprintf(num, sizeof(num), "%u", k->netns);
		labels_add(l, "netns", num);
		/* The inode is what people know, the cookie what keeps two
		 * namespaces that had the same inode two series. */
		snprintf(num, sizeof(num), "%llu", (unsigned long long)k->netns_cookie);
		labels_add(l, "netns_cookie", num);
	}
	if (ctx->dims & DIM_COMM)
		labels_add(l, "comm", k->comm);
	if ((ctx->dims & DIM_WORKLOAD) && ctx->fold_objects)
		labels_add(l, "workload", "other");
	else if (ctx->dims & DIM_WORKLOAD)
		labels_add_escaped(l, "workload",
				   workloads__name(ctx->workloads, ctx->cgroups, k->netns,
						   k->netns_cookie, k->cgroup));
	if ((ctx->dims & DIM_CGROUP) && ctx->fold_objects) {
		labels_add(l, "cgroup", "other");
	} else if (ctx->dims & DIM_CGROUP) {
		const char *path = cgroups__path(ctx->cgroups, k->cgroup);

		snprintf(num, sizeof(num), "%llu", (unsigned long long)k->cgroup);
		labels_add(l, "cgroup", path ? path : num);
	}
	if (ctx->dims & DIM_CALLER) {
		if (k->caller)
			ksyms__symname(ctx->ks, k->caller, loc, sizeof(loc));
		else
			snprintf(loc, sizeof(loc), "unknown");
		labels_add(l, "caller", loc);
	}
}

/*
 * The series of dropscope_drops_total. Each scrape adds the rows' deltas
 * (counts__poll) to the series their key was first given, so a series
 * only grows while it exists and is never relabelled (a cgroup's path
 * may go, its series keeps the label it had). Series are kept in slots
 * that never move; an evicted slot is reused, its generation bumped so
 * that keys still pointing at it are given a series again.
 */
struct series {
	char *labels; /* NULL: a free slot */
	/* Its exposition line as last written, made again only when the sum
	 * moved: a scrape of mostly idle series copies them. */
	char *line;
	size_t line_len, line_cap;
	__u64 line_sum;
	bool line_ok;
	size_t hash;
	__u64 sum;
	__u64 changed;	/* scrape number of the last growth */
	__u64 gone_at;	/* scrape number its last row was freed (object gone), 0 = lives */
	unsigned nrows; /* kernel rows that map to it */
	unsigned gen;
	bool object;  /* names a namespace, device or cgroup: the object budget */
	bool scraped; /* exposed at least once */
};

#define TO_OTHER (-1) /* the key's drops go to the series with every label "other" */

struct key_ent {
	struct drop_key key;
	int slot; /* or TO_OTHER */
	unsigned gen;
	bool used;
};

struct drop_series {
	size_t max_series, nobject, nbase;
	unsigned ttl;
	__u64 scrape, folded, evicted, other_sum;
	struct series *v;
	size_t n, cap;
	size_t *free_slots;
	size_t nfree;
	int *index; /* labels -> slot, open addressing, -1 = empty; stale entries skipped */
	size_t nindex, nindexed;
	struct key_ent *keys; /* kernel row -> slot */
	size_t nkeys, nkeys_used;
	struct mbuf scratch;
};

struct drop_series *drop_series__new(size_t max_series, unsigned ttl)
{
	struct drop_series *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->max_series = max_series;
	s->ttl = ttl ? ttl : 1;
	s->scrape = 1; /* the number of the next exposure; gone_at 0 means alive */
	return s;
}

void drop_series__free(struct drop_series *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].labels);
		free(s->v[i].line);
	}
	free(s->v);
	free(s->free_slots);
	free(s->index);
	free(s->keys);
	mbuf_free(&s->scratch);
	free(s);
}

__u64 drop_series__folded(const struct drop_series *s)
{
	return s->folded;
}

__u64 drop_series__evicted(const struct drop_series *s)
{
	return s->evicted;
}

size_t drop_series__count(const struct drop_series *s)
{
	return s->nobject + s->nbase;
}

static size_t str_hash(const char *p)
{
	size_t h = 1469598103934665603ULL;

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

static int reindex(struct drop_series *s)
{
	size_t live = s->nobject + s->nbase, nindex = 128;
	int *idx;

	while (nindex < 4 * (live + 1))
		nindex *= 2;
	idx = malloc(nindex * sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < nindex; i++)
		idx[i] = -1;
	for (size_t i = 0; i < s->n; i++) {
		size_t j;

		if (!s->v[i].labels)
			continue;
		for (j = s->v[i].hash & (nindex - 1); idx[j] >= 0; j = (j + 1) & (nindex - 1))
			;
		idx[j] = (int)i;
	}
	free(s->index);
	s->index = idx;
	s->nindex = nindex;
	s->nindexed = live;
	return 0;
}

static int find_labels(const struct drop_series *s, const char *labels, size_t h)
{
	if (!s->nindex)
		return -1;
	for (size_t j = h & (s->nindex - 1); s->index[j] >= 0; j = (j + 1) & (s->nindex - 1)) {
		const struct series *e = &s->v[s->index[j]];

		if (e->labels && e->hash == h && !strcmp(e->labels, labels))
			return s->index[j];
	}
	return -1;
}

/* A new series in a free slot. Returns its slot or -ENOMEM. */
static int add_series(struct drop_series *s, const char *labels, size_t h, bool object)
{
	size_t slot, j;
	struct series *e;

	if ((s->nindexed + 1) * 2 > s->nindex && reindex(s))
		return -ENOMEM;
	if (s->nfree) {
		slot = s->free_slots[--s->nfree];
	} else {
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 64;
			struct series *v = realloc(s->v, cap * sizeof(*v));
			size_t *f = realloc(s->free_slots, cap * sizeof(*f));

			if (v)
				s->v = v;
			if (f)
				s->free_slots = f;
			if (!v || !f)
				return -ENOMEM;
			s->cap = cap;
		}
		slot = s->n++;
		s->v[slot].gen = 0;
		s->v[slot].line = NULL;
		s->v[slot].line_cap = 0;
	}
	e = &s->v[slot];
	e->line_ok = false;
	e->labels = strdup(labels);
	if (!e->labels) {
		s->free_slots[s->nfree++] = slot;
		return -ENOMEM;
	}
	e->hash = h;
	e->sum = 0;
	e->changed = s->scrape;
	e->gone_at = 0;
	e->nrows = 0;
	e->object = object;
	e->scraped = false;
	for (j = h & (s->nindex - 1); s->index[j] >= 0; j = (j + 1) & (s->nindex - 1))
		;
	s->index[j] = (int)slot;
	s->nindexed++;
	if (object)
		s->nobject++;
	else
		s->nbase++;
	return (int)slot;
}

static void evict(struct drop_series *s, size_t slot)
{
	struct series *e = &s->v[slot];

	free(e->labels);
	e->labels = NULL;
	/* Freed with it: a churning node's evicted series keep no memory. */
	free(e->line);
	e->line = NULL;
	e->line_cap = 0;
	e->line_ok = false;
	e->gen++;
	s->nobject--;
	s->evicted++;
	s->free_slots[s->nfree++] = slot;
}

/*
 * Room in the object budget: the series of a gone object that has been
 * scraped goes first, whatever its grace period; else an idle series of a
 * live object (not grown in this scrape, scraped), least recently changed
 * first. Base series (location, reason, protocol...) are never evicted.
 */
static bool evict_one(struct drop_series *s)
{
	size_t best = SIZE_MAX;
	bool best_gone = false;

	for (size_t i = 0; i < s->n; i++) {
		const struct series *e = &s->v[i];
		bool gone = e->gone_at != 0;

		if (!e->labels || !e->object || !e->scraped || e->changed >= s->scrape)
			continue;
		if (best == SIZE_MAX || (gone && !best_gone) ||
		    (gone == best_gone && e->changed < s->v[best].changed)) {
			best = i;
			best_gone = gone;
		}
	}
	if (best == SIZE_MAX)
		return false;
	evict(s, best);
	return true;
}

static size_t key_home(const struct drop_series *s, const struct drop_key *k)
{
	return keys_hash(k) & (s->nkeys - 1);
}

static struct key_ent *key_find(struct drop_series *s, const struct drop_key *k)
{
	if (!s->nkeys)
		return NULL;
	for (size_t j = key_home(s, k); s->keys[j].used; j = (j + 1) & (s->nkeys - 1))
		if (!memcmp(&s->keys[j].key, k, sizeof(*k)))
			return &s->keys[j];
	return NULL;
}

static int key_insert(struct drop_series *s, const struct drop_key *k, int slot)
{
	size_t j;

	if ((s->nkeys_used + 1) * 2 > s->nkeys) {
		size_t n = s->nkeys ? s->nkeys * 2 : 1024;
		struct key_ent *old = s->keys, *v = calloc(n, sizeof(*v));
		size_t oldn = s->nkeys;

		if (!v)
			return -ENOMEM;
		s->keys = v;
		s->nkeys = n;
		for (size_t i = 0; i < oldn; i++) {
			if (!old[i].used)
				continue;
			for (j = key_home(s, &old[i].key); v[j].used; j = (j + 1) & (n - 1))
				;
			v[j] = old[i];
		}
		free(old);
	}
	for (j = key_home(s, k); s->keys[j].used; j = (j + 1) & (s->nkeys - 1))
		;
	s->keys[j] = (struct key_ent){
		.key = *k, .slot = slot, .gen = slot >= 0 ? s->v[slot].gen : 0, .used = true
	};
	s->nkeys_used++;
	return 0;
}

/* Linear probing without tombstones (as trace/drop_table.c). */
static void key_delete(struct drop_series *s, struct key_ent *ent)
{
	size_t mask = s->nkeys - 1, i = (size_t)(ent - s->keys), j = i;

	s->nkeys_used--;
	for (;;) {
		size_t h;

		s->keys[i].used = false;
		for (;;) {
			j = (j + 1) & mask;
			if (!s->keys[j].used)
				return;
			h = key_home(s, &s->keys[j].key);
			if (i <= j ? (h <= i || h > j) : (h <= i && h > j))
				break;
		}
		s->keys[i] = s->keys[j];
		i = j;
	}
}

/* The key's labels, written into s->scratch, and their series if there is
 * one: its slot, -ENOENT if none yet (*hash set for add_series()), -ENOMEM. */
static int lookup(struct drop_series *s, const struct drop_key *k, const struct drop_label_ctx *ctx,
		  size_t *hash)
{
	int slot;

	s->scratch.len = 0;
	drop_labels(&s->scratch, k, ctx);
	if (s->scratch.failed)
		return -ENOMEM;
	*hash = str_hash(s->scratch.p);
	slot = find_labels(s, s->scratch.p, *hash);
	return slot >= 0 ? slot : -ENOENT;
}

/* The series a row's key is given at first sight: its own, its labels
 * with the object "other", or the one with every label "other". */
static int assign(struct drop_series *s, const struct drop_key *k, const struct drop_label_ctx *ctx,
		  bool only_existing, bool may_evict)
{
	struct drop_label_ctx folded = *ctx;
	bool object = ctx->dims & DIMS_OBJECT;
	size_t h;
	int slot;

	slot = lookup(s, k, ctx, &h);
	if (slot != -ENOENT)
		return slot;
	if (only_existing)
		return -EAGAIN;
	if (object) {
		if (s->nobject < s->max_series || (may_evict && evict_one(s)))
			return add_series(s, s->scratch.p, h, true);
		/* The object budget is spent: the drop keeps its location,
		 * reason and protocol, only the object is "other". */
		s->folded++;
		folded.fold_objects = true;
		slot = lookup(s, k, &folded, &h);
		if (slot != -ENOENT)
			return slot;
		if (s->nbase < s->max_series)
			return add_series(s, s->scratch.p, h, false);
		return TO_OTHER;
	}
	if (s->nbase < s->max_series)
		return add_series(s, s->scratch.p, h, false);
	s->folded++;
	return TO_OTHER;
}

static int by_count_desc(const void *a, const void *b)
{
	const struct drop_delta *x = *(const struct drop_delta *const *)a,
				*y = *(const struct drop_delta *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return keys_cmp(&x->key, &y->key, true);
}

/*
 * One row's delta into its series; a gone row lets go of its series.
 * only_existing: a key without a series is given one only if its labels
 * have one (returns 1 otherwise, nothing done).
 */
static int account(struct drop_series *s, const struct drop_delta *r,
		   const struct drop_label_ctx *ctx, bool only_existing, bool may_evict)
{
	struct key_ent *ent = key_find(s, &r->key);
	int slot;

	if (ent && ent->slot >= 0 && (!s->v[ent->slot].labels || s->v[ent->slot].gen != ent->gen)) {
		/* Its series was evicted: given one again, as a new key. */
		key_delete(s, ent);
		ent = NULL;
	}
	if (!ent) {
		if (r->gone && !r->count)
			return 0;
		slot = assign(s, &r->key, ctx, only_existing, may_evict);
		if (slot == -EAGAIN)
			return 1;
		if (slot < TO_OTHER)
			return slot;
		if (slot >= 0)
			s->v[slot].nrows++;
		if (!r->gone && key_insert(s, &r->key, slot))
			return -ENOMEM;
	} else {
		slot = ent->slot;
		if (r->gone)
			key_delete(s, ent);
	}
	if (slot == TO_OTHER) {
		s->other_sum += r->count;
		return 0;
	}
	if (r->count) {
		s->v[slot].sum += r->count;
		s->v[slot].changed = s->scrape;
		s->v[slot].gone_at = 0;
	}
	if (r->gone && s->v[slot].nrows && !--s->v[slot].nrows && s->v[slot].object)
		s->v[slot].gone_at = s->scrape;
	return 0;
}

int drop_series__add(struct drop_series *s, const struct drop_delta *rows, size_t n,
		     const struct drop_label_ctx *ctx, bool may_evict)
{
	const struct drop_delta **order = calloc(n ? n : 1, sizeof(*order));
	size_t nnew = 0;
	int err = 0;

	if (!order)
		return -ENOMEM;
	/*
	 * First what has a series (the key's, or one with its labels, as a
	 * namespace inode the kernel reused), so that what grew since the
	 * last scrape is known before anything is evicted, and no label set is
	 * evicted and made anew between two scrapes (a counter going down);
	 * then the new label sets, the largest first to the free series.
	 */
	for (size_t i = 0; i < n && err >= 0; i++) {
		err = account(s, &rows[i], ctx, true, may_evict);
		if (err == 1)
			order[nnew++] = &rows[i];
	}
	qsort(order, nnew, sizeof(*order), by_count_desc);
	for (size_t i = 0; i < nnew && err >= 0; i++)
		err = account(s, order[i], ctx, false, may_evict);
	free(order);
	return err < 0 ? err : 0;
}

/* "dropscope_drops_total{labels} sum\n", kept for the next scrape. */
static void write_series(struct expo *e, struct series *v)
{
	static const char name[] = "dropscope_drops_total";

	if (!v->line_ok || v->line_sum != v->sum) {
		size_t want = sizeof(name) + strlen(v->labels) + 32;
		int len;

		if (want > v->line_cap) {
			char *p = realloc(v->line, want);

			if (!p) {
				e->b.failed = true;
				return;
			}
			v->line = p;
			v->line_cap = want;
		}
		len = snprintf(v->line, v->line_cap, "%s{%s} %llu\n", name, v->labels,
			       (unsigned long long)v->sum);
		if (len < 0 || (size_t)len >= v->line_cap) {
			e->b.failed = true;
			return;
		}
		v->line_len = (size_t)len;
		v->line_sum = v->sum;
		v->line_ok = true;
	}
	mbuf_put(&e->b, v->line, v->line_len);
}

int drop_series__expose(struct drop_series *s, struct expo *e, const struct drop_label_ctx *ctx)
{
	struct mbuf other = {};
	bool evicted = false;

	/* A gone object's series stays ttl scrapes (counting the one that saw
	 * it go), so the server reads its last value, then goes. */
	for (size_t i = 0; i < s->n; i++) {
		struct series *v = &s->v[i];

		if (v->labels && v->gone_at && v->scraped && s->scrape - v->gone_at >= s->ttl) {
			evict(s, i);
			evicted = true;
		}
	}
	if (evicted && reindex(s))
		return -ENOMEM;

	expo_family(e, "dropscope_drops_total", "counter",
		    "Packets the kernel freed as dropped (skb:kfree_skb), by location, reason "
		    "and protocol, since the exporter attached.");
	for (size_t i = 0; i < s->n; i++) {
		if (!s->v[i].labels)
			continue;
		write_series(e, &s->v[i]);
		s->v[i].scraped = true;
	}
	labels_add(&other, "location", "other");
	labels_add(&other, "reason", "other");
	labels_add(&other, "protocol", "other");
	labels_add(&other, "class", "other");
	/* The same label names as every other series of the family. */
	static const struct {
		__u32 dim;
		const char *label;
	} extra[] = { { DIM_DEV, "device" },	     { DIM_NETNS, "netns" },
		      { DIM_NETNS, "netns_cookie" }, { DIM_COMM, "comm" },
		      { DIM_WORKLOAD, "workload" },  { DIM_CGROUP, "cgroup" },
		      { DIM_CALLER, "caller" } };
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (ctx->dims & extra[i].dim)
			labels_add(&other, extra[i].label, "other");
	expo_u64(e, "dropscope_drops_total", other.p ? other.p : "", s->other_sum);
	mbuf_free(&other);
	/* What is accounted from now on belongs to the next scrape. */
	s->scrape++;
	return e->b.failed ? -ENOMEM : 0;
}

int drop_series__write(struct drop_series *s, struct expo *e, const struct drop_delta *rows,
		       size_t n, const struct drop_label_ctx *ctx)
{
	int err = drop_series__add(s, rows, n, ctx, true);

	return err ? err : drop_series__expose(s, e, ctx);
}
