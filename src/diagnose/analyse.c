// SPDX-License-Identifier: GPL-2.0
/*
 * diagnose's analysis: findings from the kernel's count rows (one per
 * drop reason and namespace), their counters reconciled with what the
 * tracepoint counted, then a finding for each counter that grew and that
 * no finding accounts for. Only the window is read: no I/O, so the unit
 * test runs it on fixture snapshots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pkt_sched.h>

#include "diagnose/analyse.h"

const struct dev_stats *dev_by_index(const struct counter_snapshot *s, int ifindex)
{
	for (size_t i = 0; i < s->ndev; i++)
		if (s->dev[i].ifindex == ifindex)
			return &s->dev[i];
	return NULL;
}

const struct qdisc_stats *qdisc_match(const struct counter_snapshot *s, const struct qdisc_stats *q)
{
	for (size_t i = 0; i < s->nqdisc; i++)
		if (s->qdisc[i].ifindex == q->ifindex && s->qdisc[i].handle == q->handle &&
		    s->qdisc[i].parent == q->parent && !strcmp(s->qdisc[i].kind, q->kind))
			return &s->qdisc[i];
	return NULL;
}

/* Root qdiscs only: a classful parent counts its children's drops again. */
static bool qdisc_delta(const struct counter_snapshot *a, const struct counter_snapshot *b,
			__u64 *delta)
{
	if (a->err_qdisc || b->err_qdisc)
		return false;
	for (size_t i = 0; i < b->nqdisc; i++) {
		const struct qdisc_stats *q = &b->qdisc[i], *p;

		if (q->parent != TC_H_ROOT)
			continue;
		p = qdisc_match(a, q);
		*delta += p ? grew32(p->drops, q->drops) : q->drops;
	}
	return true;
}

static bool dev_delta(const struct counter_snapshot *a, const struct counter_snapshot *b,
		      const char *field, __u64 *delta)
{
	int k;

	for (k = 0; k < DEV_DROP_KINDS; k++)
		if (!strcmp(devstats_kind_name(k), field))
			break;
	if (k == DEV_DROP_KINDS || a->err_dev || b->err_dev)
		return false;
	for (size_t i = 0; i < b->ndev; i++) {
		const struct dev_stats *p = dev_by_index(a, b->dev[i].ifindex);

		if (b->dev[i].have[k])
			*delta += p ? grew64(p->v[k], b->dev[i].v[k]) : 0;
	}
	return true;
}

bool counter_delta(const struct window *w, const char *name, __u64 *delta)
{
	const struct counter_snapshot *a = &w->start.snap, *b = &w->end.snap;

	*delta = 0;
	if (!w->have_src)
		return false;
	if (!strcmp(name, "qdisc:drops"))
		return qdisc_delta(a, b, delta);
	if (!strncmp(name, "dev:", 4))
		return dev_delta(a, b, name + 4, delta);
	if (!strncmp(name, "softnet:", 8)) {
		bool flow = !strcmp(name + 8, "flow_limit");

		if (a->err_softnet || b->err_softnet)
			return false;
		for (size_t i = 0; i < b->nsoftnet && i < a->nsoftnet; i++)
			*delta += flow ? grew64(a->softnet[i].flow_limit, b->softnet[i].flow_limit)
				       : grew64(a->softnet[i].dropped, b->softnet[i].dropped);
		return true;
	}
	for (size_t i = 0; i < snmp_drop_count; i++) {
		if (strcmp(snmp_drop_counters[i].nstat, name))
			continue;
		if (!a->snmp || !b->snmp || !b->snmp[i].present)
			return false;
		*delta = grew64(a->snmp[i].value, b->snmp[i].value);
		return true;
	}
	return false;
}

/* ---- findings from the kernel's counts ---------------------------------- */

static void where_set(struct where *w, __u64 addr, const char *name, __u64 n)
{
	w->addr = addr;
	w->n = n;
	if (name)
		snprintf(w->name, sizeof(w->name), "%.*s", (int)sizeof(w->name) - 1, name);
}

static void where_add(struct where *w, __u64 addr, const char *name, __u64 n)
{
	int i, min = 0;

	for (i = 0; i < TOP_WHERE; i++) {
		if (w[i].n && w[i].addr == addr) {
			w[i].n += n;
			return;
		}
		if (!w[i].n) {
			where_set(&w[i], addr, name, n);
			return;
		}
		if (w[i].n < w[min].n)
			min = i;
	}
	/* Full: the smallest makes room only for a larger one. */
	if (n > w[min].n)
		where_set(&w[min], addr, name, n);
}

static int where_cmp(const void *a, const void *b)
{
	const struct where *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

static struct finding *finding_new(struct report *r)
{
	struct finding *f;

	if (r->nf >= MAX_FINDINGS)
		return NULL;
	f = &r->f[r->nf++];
	memset(f, 0, sizeof(*f));
	f->ev.softnet.cpu = -1;
	f->ev.device.ring_err = 1;
	return f;
}

static void finding_reason(const struct window *w, __u32 reason, char *buf, size_t len)
{
	const char *n = w->names.reason ? w->names.reason(w->names.ctx, reason) : "unknown";

	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "reason %u", reason);
}

static void findings_from_rows(const struct window *w, struct report *r,
			       const struct drop_delta *rows, int n)
{
	for (int i = 0; i < n; i++) {
		const struct drop_key *k = &rows[i].key;
		struct finding *f = NULL;
		char dev[IFNAMSIZ];

		for (int j = 0; j < r->nf; j++)
			if (!r->f[j].counter && r->f[j].reason == k->reason &&
			    r->f[j].at.netns == k->netns)
				f = &r->f[j];
		if (!f) {
			f = finding_new(r);
			if (!f) {
				/* Bounded: the rest is said, not shown. */
				r->folded += rows[i].count;
				continue;
			}
			f->reason = k->reason;
			f->at.netns = k->netns;
			f->at.primary = k->netns == w->netns;
			finding_reason(w, k->reason, f->name, sizeof(f->name));
		}
		f->count += rows[i].count;
		where_add(f->at.loc, k->location, NULL, rows[i].count);
		if (k->caller)
			where_add(f->at.caller, k->caller, NULL, rows[i].count);
		if (k->ifindex) {
			memcpy(dev, k->dev, sizeof(dev));
			dev[sizeof(dev) - 1] = 0;
			where_add(f->at.dev, (__u64)k->ifindex, dev, rows[i].count);
		}
	}
	for (int j = 0; j < r->nf; j++) {
		qsort(r->f[j].at.loc, TOP_WHERE, sizeof(struct where), where_cmp);
		qsort(r->f[j].at.caller, TOP_WHERE, sizeof(struct where), where_cmp);
		qsort(r->f[j].at.dev, TOP_WHERE, sizeof(struct where), where_cmp);
		r->f[j].k = knowledge_lookup(r->f[j].name);
	}
}

static bool claimed(const struct report *r, const char *name)
{
	for (int i = 0; i < r->nclaims; i++)
		if (!strcmp(r->claim_names[i], name))
			return true;
	return false;
}

static void claim(struct report *r, const char *name)
{
	if (!claimed(r, name) &&
	    r->nclaims < (int)(sizeof(r->claim_names) / sizeof(r->claim_names[0])))
		r->claim_names[r->nclaims++] = name;
}

/*
 * Where counters count the same drops as the tracepoint (their sum: IPv4
 * and IPv6), say whether they agree. Every finding of the primary
 * namespace that names the same counters adds to what the tracepoint saw.
 */
static bool same_counters(const struct knowledge *a, const struct knowledge *b)
{
	for (int c = 0; c < KNOWLEDGE_COUNTERS; c++)
		if (!a->counters[c] != !b->counters[c] ||
		    (a->counters[c] && strcmp(a->counters[c], b->counters[c])))
			return false;
	return true;
}

static void reconcile(const struct window *w, struct report *r)
{
	for (int i = 0; i < r->nf; i++) {
		struct finding *f = &r->f[i];
		struct reconcile *rc = &f->rec[0];
		bool read = true;

		if (!f->k || !f->at.primary || !f->k->counters[0])
			continue;
		rc->delta = 0;
		rc->len = 0;
		for (int c = 0; c < KNOWLEDGE_COUNTERS && f->k->counters[c]; c++) {
			__u64 v;

			read &= counter_delta(w, f->k->counters[c], &v);
			rc->delta += v;
			rc->len += snprintf(rc->name + rc->len, sizeof(rc->name) - rc->len, "%s%s",
					    c ? "+" : "", f->k->counters[c]);
			if (rc->len >= sizeof(rc->name))
				rc->len = sizeof(rc->name) - 1;
			claim(r, f->k->counters[c]);
		}
		for (int c = 0; c < KNOWLEDGE_COUNTERS && f->k->overlaps[c]; c++)
			claim(r, f->k->overlaps[c]);
		if (!read)
			continue;
		rc->seen = 0;
		for (int j = 0; j < r->nf; j++) {
			const struct finding *g = &r->f[j];

			if (!g->counter && g->k && g->at.primary && same_counters(f->k, g->k))
				rc->seen += g->count;
		}
		f->nrec = 1;
	}
}

static void counter_finding(const struct window *w, struct report *r, const char *name, __u64 delta,
			    const struct dev_stats *dev)
{
	struct finding *f;

	if (!delta || claimed(r, name))
		return;
	f = finding_new(r);
	if (!f) {
		r->folded += delta;
		return;
	}
	f->counter = true;
	f->count = delta;
	f->at.netns = w->netns;
	f->at.primary = true;
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->k = knowledge_lookup(name);
	if (dev) {
		f->at.ifindex = dev->ifindex;
		memcpy(f->at.devname, dev->name, sizeof(f->at.devname));
	}
	/* A counter that others include (ListenOverflows in ListenDrops) stands for them. */
	if (f->k)
		for (int c = 0; c < KNOWLEDGE_COUNTERS && f->k->overlaps[c]; c++)
			claim(r, f->k->overlaps[c]);
}

/* The counters that grew and that no finding above accounts for. */
static void findings_from_counters(const struct window *w, struct report *r)
{
	const struct counter_snapshot *a = &w->start.snap, *b = &w->end.snap;
	static const enum dev_drop_kind order[] = { DEV_RX_MISSED,    DEV_RX_FIFO,
						    DEV_RX_OVER,      DEV_RX_OTHERHOST,
						    DEV_RX_NOHANDLER, DEV_RX_DROPPED,
						    DEV_TX_DROPPED };
	char name[64];
	__u64 v;

	if (!w->have_src)
		return;
	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		enum dev_drop_kind k = order[o];

		snprintf(name, sizeof(name), "dev:%s", devstats_kind_name(k));
		if (claimed(r, name) || a->err_dev || b->err_dev)
			continue;
		for (size_t i = 0; i < b->ndev; i++) {
			const struct dev_stats *p = dev_by_index(a, b->dev[i].ifindex);

			if (p && b->dev[i].have[k])
				counter_finding(w, r, name, grew64(p->v[k], b->dev[i].v[k]),
						&b->dev[i]);
		}
	}
	if (counter_delta(w, "softnet:dropped", &v))
		counter_finding(w, r, "softnet:dropped", v, NULL);
	if (counter_delta(w, "softnet:flow_limit", &v))
		counter_finding(w, r, "softnet:flow_limit", v, NULL);
	for (size_t i = 0; i < snmp_drop_count; i++)
		if (counter_delta(w, snmp_drop_counters[i].nstat, &v))
			counter_finding(w, r, snmp_drop_counters[i].nstat, v, NULL);
}

static int finding_cmp(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

void analyse(const struct window *w, const struct drop_delta *rows, int nrows, struct report *r)
{
	findings_from_rows(w, r, rows, nrows);
	reconcile(w, r);
	findings_from_counters(w, r);
	qsort(r->f, (size_t)r->nf, sizeof(r->f[0]), finding_cmp);
}
