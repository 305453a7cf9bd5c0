/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dropscope_drops_total: the label set of a count-table row and the
 * series kept for them (budgets, folding, eviction of gone objects'
 * series), written with the exposition writer.
 */
#ifndef DROPSCOPE_DROP_SERIES_H
#define DROPSCOPE_DROP_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "bpf/dropscope.h"
#include "render/exposition.h"
#include "render/rows.h"

struct drop_delta;

/* What naming a drop-table row needs. */
struct drop_label_ctx {
	const struct ksyms *ks;
	const struct reasons *rs;
	enum sym_style sym;
	bool no_reasons;
	__u32 dims;		     /* --by beyond location, reason, protocol (enum key_dim) */
	struct cgroups *cgroups;     /* --by cgroup: id to path */
	struct workloads *workloads; /* --by workload */
	bool fold_objects; /* netns, workload, device, cgroup say "other" (their budget is spent) */
};

/*
 * The label set of one count-table row: location, reason, protocol, and
 * what --by adds (device, netns, comm, cgroup, caller). The one place
 * that names a row's dimensions as labels.
 */
void drop_labels(struct mbuf *labels, const struct drop_key *k, const struct drop_label_ctx *ctx);

/*
 * The drops_total series, from per-interval deltas (counts__poll): each
 * row's key is given a series at first sight and keeps it, so a series
 * only grows while it exists and is never relabelled.
 *
 * Two budgets of max_series each. Series that name an object (netns,
 * device, cgroup) have their own: when it is full, a series whose object
 * is gone and that was scraped is evicted first, then the idle series
 * (scraped, not grown in this scrape) least recently changed; only when
 * none can go is the new object folded, keeping its location, reason
 * and protocol with netns/device/cgroup "other". The rest (location,
 * reason, protocol, comm, caller) have the other budget, are never
 * evicted, and fold into the series with every label "other" once it is
 * full. A series whose object is gone (its rows freed in the kernel) is
 * exposed at ttl more scrapes, counting the one that saw it go, then
 * dropped. folded counts keys folded, evicted series evicted.
 */
struct drop_series;

struct drop_series *drop_series__new(size_t max_series, unsigned ttl);
void drop_series__free(struct drop_series *s);
/*
 * Add these deltas (from counts__read or counts__sweep) to their series.
 * may_evict false: between scrapes (a sweep), no idle series is evicted
 * for a new label set, which then folds if the budget is full: a series
 * evicted there could grow again before the next scrape and reappear
 * smaller. Returns 0 or -ENOMEM.
 */
int drop_series__add(struct drop_series *s, const struct drop_delta *rows, size_t n,
		     const struct drop_label_ctx *ctx, bool may_evict);
/*
 * Write the family as it stands (each series' line is kept and made again
 * only when its sum moved) and end this scrape: series of gone objects past
 * their ttl are dropped first. Returns 0 or -ENOMEM.
 */
int drop_series__expose(struct drop_series *s, struct expo *e, const struct drop_label_ctx *ctx);
/* drop_series__add (evicting when needed), then drop_series__expose. */
int drop_series__write(struct drop_series *s, struct expo *e, const struct drop_delta *rows,
		       size_t n, const struct drop_label_ctx *ctx);
/* Keys folded into an "other" series so far. */
__u64 drop_series__folded(const struct drop_series *s);
/* Series evicted so far (gone objects, idle ones when the budget is short). */
__u64 drop_series__evicted(const struct drop_series *s);
/* Series exposed now. */
size_t drop_series__count(const struct drop_series *s);

#endif /* DROPSCOPE_DROP_SERIES_H */
