// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "counters/counters.h"
#include "trace/drop_table.h"
#include "symbols/ksyms.h"
#include "counters/cgroups.h"
#include "trace/progwatch.h"
#include "counters/workload.h"
#include "render/exposition.h"
#include "trace/keys.h"
#include "trace/objects.h"
#include "render/naming.h"
#include "trace/packet.h"

static bool mbuf_reserve(struct mbuf *b, size_t more)
{
	size_t want;
	char *p;

	if (b->failed)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	want = b->cap ? b->cap : 4096;
	while (want < b->len + more + 1)
		want *= 2;
	p = realloc(b->p, want);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->p = p;
	b->cap = want;
	return true;
}

void mbuf_printf(struct mbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!mbuf_reserve(b, 256))
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (!mbuf_reserve(b, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

static void mbuf_put(struct mbuf *b, const char *s, size_t n)
{
	if (!mbuf_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void mbuf_free(struct mbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n;
	unsigned min, cp;

	if (*p < 0x80)
		return 1;
	if ((*p & 0xe0) == 0xc0)
		n = 2, min = 0x80, cp = *p & 0x1f;
	else if ((*p & 0xf0) == 0xe0)
		n = 3, min = 0x800, cp = *p & 0x0f;
	else if ((*p & 0xf8) == 0xf0)
		n = 4, min = 0x10000, cp = *p & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void labels_add(struct mbuf *l, const char *name, const char *value)
{
	const unsigned char *p = (const unsigned char *)value;

	if (l->len)
		mbuf_put(l, ",", 1);
	mbuf_put(l, name, strlen(name));
	mbuf_put(l, "=\"", 2);
	/*
	 * Values come from the kernel (device names, symbols), and a device
	 * name may hold any byte: escape the three characters the formats
	 * define, and write each byte that is not valid UTF-8 as U+FFFD, or
	 * the scraper would reject the whole scrape.
	 */
	while (*p) {
		size_t n = utf8_len(p);

		if (!n) {
			mbuf_put(l, "\xef\xbf\xbd", 3);
			p++;
		} else if (*p == '\\' || *p == '"' || *p == '\n') {
			mbuf_put(l, *p == '\n' ? "\\n" : *p == '"' ? "\\\"" : "\\\\", 2);
			p++;
		} else {
			mbuf_put(l, (const char *)p, n);
			p += n;
		}
	}
	mbuf_put(l, "\"", 1);
}

/* q= of one Accept element; 1 when absent. */
static double accept_q(const char *params, size_t len)
{
	const char *p = params, *end = params + len;

	while (p < end) {
		while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		if (end - p > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
			return strtod(p + 2, NULL);
		while (p < end && *p != ';')
			p++;
	}
	return 1;
}

enum expo_format expo_negotiate(const char *accept)
{
	static const char om[] = "application/openmetrics-text";
	const char *p = accept;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		if (len >= sizeof(om) - 1 && !strncasecmp(p, om, sizeof(om) - 1) &&
		    (len == sizeof(om) - 1 || p[sizeof(om) - 1] == ';' ||
		     p[sizeof(om) - 1] == ' ') &&
		    accept_q(p + sizeof(om) - 1, len - (sizeof(om) - 1)) > 0)
			return EXPO_OPENMETRICS;
		p = end ? end + 1 : NULL;
	}
	return EXPO_TEXT;
}

const char *expo_content_type(enum expo_format f)
{
	return f == EXPO_OPENMETRICS ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
				     : "text/plain; version=0.0.4; charset=utf-8";
}

void expo_family(struct expo *e, const char *name, const char *type, const char *help)
{
	size_t n = strlen(name);

	/* OpenMetrics names a counter family without the _total of its samples. */
	if (e->fmt == EXPO_OPENMETRICS && !strcmp(type, "counter") && n > 6 &&
	    !strcmp(name + n - 6, "_total"))
		n -= 6;
	mbuf_printf(&e->b, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, name, help, (int)n, name,
		    type);
}

void expo_u64(struct expo *e, const char *name, const char *labels, __u64 v)
{
	if (labels && *labels)
		mbuf_printf(&e->b, "%s{%s} %llu\n", name, labels, (unsigned long long)v);
	else
		mbuf_printf(&e->b, "%s %llu\n", name, (unsigned long long)v);
}

void expo_double(struct expo *e, const char *name, const char *labels, double v)
{
	if (labels && *labels)
		mbuf_printf(&e->b, "%s{%s} %.9g\n", name, labels, v);
	else
		mbuf_printf(&e->b, "%s %.9g\n", name, v);
}

void expo_end(struct expo *e)
{
	if (e->fmt == EXPO_OPENMETRICS)
		mbuf_printf(&e->b, "# EOF\n");
}

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
		labels_add(l, "workload",
			   workloads__name(ctx->workloads, ctx->cgroups, k->netns, k->netns_cookie,
					   k->cgroup));
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

/* The series a row's key is given at first sight: its own, its labels
 * with the object "other", or the one with every label "other". */
static int assign(struct drop_series *s, const struct drop_key *k, const struct drop_label_ctx *ctx,
		  bool only_existing, bool may_evict)
{
	struct drop_label_ctx folded = *ctx;
	bool object = ctx->dims & DIMS_OBJECT;
	size_t h;
	int slot;

	s->scratch.len = 0;
	drop_labels(&s->scratch, k, ctx);
	if (s->scratch.failed)
		return -ENOMEM;
	h = str_hash(s->scratch.p);
	slot = find_labels(s, s->scratch.p, h);
	if (slot >= 0)
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
		s->scratch.len = 0;
		drop_labels(&s->scratch, k, &folded);
		if (s->scratch.failed)
			return -ENOMEM;
		h = str_hash(s->scratch.p);
		slot = find_labels(s, s->scratch.p, h);
		if (slot >= 0)
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

static void dev_families(struct expo *e, const struct counter_snapshot *snap)
{
	struct mbuf l = {};

	expo_family(e, "dropscope_device_drops_total", "counter",
		    "Drops a device counted (rtnetlink stats64), by device and counter name.");
	for (size_t i = 0; i < snap->ndev; i++) {
		const struct dev_stats *d = &snap->dev[i];

		for (int k = 0; k < DEV_DROP_KINDS; k++) {
			if (!d->have[k])
				continue;
			l.len = 0;
			labels_add(&l, "device", d->name);
			labels_add(&l, "kind", devstats_kind_name((enum dev_drop_kind)k));
			expo_u64(e, "dropscope_device_drops_total", l.p, d->v[k]);
		}
	}
	mbuf_free(&l);
}

static void qdisc_labels(struct mbuf *l, const struct counter_snapshot *snap,
			 const struct qdisc_stats *q)
{
	const char *dev = counters_dev_name(snap, q->ifindex);
	char h[24], p[24], num[16];

	if (!dev) {
		snprintf(num, sizeof(num), "%d", q->ifindex);
		dev = num;
	}
	qdisc_handle_str(q->handle, h, sizeof(h));
	qdisc_handle_str(q->parent, p, sizeof(p));
	l->len = 0;
	labels_add(l, "device", dev);
	labels_add(l, "kind", q->kind);
	labels_add(l, "handle", h);
	labels_add(l, "parent", p);
}

static void qdisc_families(struct expo *e, const struct counter_snapshot *snap)
{
	static const struct {
		const char *name, *type, *help;
		size_t off;
		bool u64;
	} fam[] = {
		{ "dropscope_qdisc_drops_total", "counter",
		  "Packets a qdisc dropped (tc -s: dropped), 32 bits in the kernel.",
		  offsetof(struct qdisc_stats, drops), false },
		{ "dropscope_qdisc_overlimits_total", "counter",
		  "Times a qdisc was over its limit (tc -s: overlimits).",
		  offsetof(struct qdisc_stats, overlimits), false },
		{ "dropscope_qdisc_requeues_total", "counter",
		  "Packets a qdisc requeued (tc -s: requeues).",
		  offsetof(struct qdisc_stats, requeues), false },
		{ "dropscope_qdisc_packets_total", "counter", "Packets a qdisc sent (tc -s: pkt).",
		  offsetof(struct qdisc_stats, packets), true },
		{ "dropscope_qdisc_backlog_bytes", "gauge", "Bytes queued in a qdisc now.",
		  offsetof(struct qdisc_stats, backlog), false },
		{ "dropscope_qdisc_qlen", "gauge", "Packets queued in a qdisc now.",
		  offsetof(struct qdisc_stats, qlen), false },
	};
	struct mbuf l = {};

	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		expo_family(e, fam[f].name, fam[f].type, fam[f].help);
		for (size_t i = 0; i < snap->nqdisc; i++) {
			const char *q = (const char *)&snap->qdisc[i];
			__u64 v;

			if (fam[f].u64) {
				memcpy(&v, q + fam[f].off, sizeof(v));
			} else {
				__u32 v32;

				memcpy(&v32, q + fam[f].off, sizeof(v32));
				v = v32;
			}
			qdisc_labels(&l, snap, &snap->qdisc[i]);
			expo_u64(e, fam[f].name, l.p, v);
		}
	}
	mbuf_free(&l);
}

static void softnet_families(struct expo *e, const struct counter_snapshot *snap)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} fam[] = {
		{ "dropscope_softnet_dropped_total",
		  "Packets dropped because a CPU's backlog was full (netdev_max_backlog).",
		  offsetof(struct softnet_cpu, dropped) },
		{ "dropscope_softnet_flow_limit_total",
		  "Packets dropped by the per-flow backlog limit (net.core.flow_limit_*).",
		  offsetof(struct softnet_cpu, flow_limit) },
		{ "dropscope_softnet_time_squeeze_total",
		  "Times net_rx_action ran out of budget or time with work left (not drops: a "
		  "sign of a backlog that may overflow).",
		  offsetof(struct softnet_cpu, time_squeeze) },
	};
	struct mbuf l = {};
	char cpu[16];

	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		expo_family(e, fam[f].name, "counter", fam[f].help);
		for (size_t i = 0; i < snap->nsoftnet; i++) {
			const struct softnet_cpu *c = &snap->softnet[i];
			__u64 v;

			if (fam[f].off == offsetof(struct softnet_cpu, flow_limit) &&
			    !c->have_flow_limit)
				continue;
			memcpy(&v, (const char *)c + fam[f].off, sizeof(v));
			snprintf(cpu, sizeof(cpu), "%u", c->cpu);
			l.len = 0;
			labels_add(&l, "cpu", cpu);
			expo_u64(e, fam[f].name, l.p, v);
		}
	}
	mbuf_free(&l);
}

static void snmp_family(struct expo *e, const struct counter_snapshot *snap)
{
	struct mbuf l = {};

	expo_family(e, "dropscope_snmp_drops_total", "counter",
		    "Drop counters of /proc/net/snmp, netstat and snmp6, by nstat's name "
		    "(see the README for what each counts).");
	for (size_t i = 0; snap->snmp && i < snmp_drop_count; i++) {
		if (!snap->snmp[i].present)
			continue;
		l.len = 0;
		labels_add(&l, "counter", snmp_drop_counters[i].nstat);
		expo_u64(e, "dropscope_snmp_drops_total", l.p, snap->snmp[i].value);
	}
	mbuf_free(&l);
}

static void driver_family(struct expo *e, const struct counter_snapshot *snap)
{
	struct mbuf l = {};

	expo_family(e, "dropscope_driver_drops_total", "counter",
		    "A driver's own drop counters (ethtool -S), kept by their names (drop, "
		    "discard, miss, no_buf, out_of_buffer, fifo, overrun), by device and counter.");
	for (size_t i = 0; i < snap->ndrv; i++) {
		l.len = 0;
		labels_add(&l, "device", snap->drv[i].dev);
		labels_add(&l, "counter", snap->drv[i].name);
		expo_u64(e, "dropscope_driver_drops_total", l.p, snap->drv[i].value);
	}
	mbuf_free(&l);
}

void metrics_tc_programs(struct expo *e, const struct tc_attr *a, size_t n)
{
	struct mbuf l = {};

	expo_family(e, "dropscope_tc_program_drops_total", "counter",
		    "TC_INGRESS/TC_EGRESS drops by the tc program that returned TC_ACT_SHOT (name, "
		    "id, tag, tcx or clsact chain/pref/handle; \"one of: ...\" where it cannot be "
		    "known), since the exporter attached.");
	for (size_t i = 0; i < n; i++) {
		l.len = 0;
		labels_add(&l, "device", a[i].dev);
		labels_add(&l, "hook", a[i].egress ? "egress" : "ingress");
		labels_add(&l, "program", a[i].who);
		expo_u64(e, "dropscope_tc_program_drops_total", l.p, a[i].total);
	}
	mbuf_free(&l);
}

void metrics_counters(struct expo *e, const struct counter_snapshot *snap)
{
	static const char *const names[] = { "device", "qdisc", "softnet", "snmp", "driver" };
	int errs[] = { snap->err_dev, snap->err_qdisc, snap->err_softnet, snap->err_snmp,
		       snap->err_drv };
	struct mbuf l = {};

	dev_families(e, snap);
	qdisc_families(e, snap);
	softnet_families(e, snap);
	snmp_family(e, snap);
	driver_family(e, snap);
	expo_family(e, "dropscope_collector_success", "gauge",
		    "1 when a counter reader read its source at this scrape, 0 when it failed.");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		l.len = 0;
		labels_add(&l, "collector", names[i]);
		expo_u64(e, "dropscope_collector_success", l.p, !errs[i]);
	}
	mbuf_free(&l);
}
