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
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <net/if.h>
#include <netinet/in.h>

#include "counters/delta.h"
#include "diagnose/analyse.h"
#include "trace/classes.h"

const struct dev_stats *dev_by_index(const struct counter_snapshot *s, int ifindex)
{
	for (size_t i = 0; i < s->ndev; i++)
		if (s->dev[i].ifindex == ifindex)
			return &s->dev[i];
	return NULL;
}

/* The growth of a dev: counter of one device (a cause found on it). */
static bool dev_delta(const struct window *w, const char *field, int ifindex, __u64 *delta)
{
	const struct counter_snapshot *a = &w->start.snap, *b = &w->end.snap;
	const struct dev_stats *p = dev_by_index(a, ifindex), *q = dev_by_index(b, ifindex);
	int k;

	for (k = 0; k < DEV_DROP_KINDS; k++)
		if (!strcmp(devstats_kind_name(k), field))
			break;
	if (k == DEV_DROP_KINDS || a->err_dev || b->err_dev)
		return false;
	*delta = p && q && q->have[k] ? counter_grew64(p->v[k], q->v[k]) : 0;
	return true;
}

/* window_delta(), a dev: counter of one device when ifindex is not 0. */
static bool counter_delta_dev(const struct window *w, const char *name, int ifindex, __u64 *delta)
{
	*delta = 0;
	if (!w->have_src)
		return false;
	if (ifindex && !strncmp(name, "dev:", 4))
		return dev_delta(w, name + 4, ifindex, delta);
	return counter_delta(&w->start.snap, &w->end.snap, name, delta);
}

bool window_delta(const struct window *w, const char *name, __u64 *delta)
{
	return counter_delta_dev(w, name, 0, delta);
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
		snprintf(buf, len, "reason_%u", reason); /* as render/naming spells it */
}

/*
 * The protocol a drop location belongs to, from its function's name
 * (tcp_v4_rcv, __udp4_lib_rcv): TCP and UDP drops of one reason are
 * different findings, reconciled with different counters.
 */
static __u8 loc_proto(const struct window *w, __u64 addr)
{
	char buf[32];
	const char *n;

	if (!w->names.sym_raw)
		return 0;
	n = w->names.sym_raw(w->names.ctx, addr, buf, sizeof(buf));
	if (strstr(n, "tcp"))
		return IPPROTO_TCP;
	if (strstr(n, "udp"))
		return IPPROTO_UDP;
	return 0;
}

static void ns_add(struct finding_at *at, __u32 netns, __u64 n)
{
	struct ns_count *g;

	for (int i = 0; i < at->nns; i++)
		if (at->ns[i].netns == netns) {
			at->ns[i].n += n;
			return;
		}
	/* Grows by doubling: a node has hundreds of namespaces, not millions. */
	if (!(at->nns & (at->nns - 1))) {
		g = realloc(at->ns, sizeof(*g) * (at->nns ? 2 * (size_t)at->nns : 1));
		if (!g)
			return; /* the total still counts them */
		at->ns = g;
	}
	at->ns[at->nns++] = (struct ns_count){ .netns = netns, .n = n };
}

static int ns_cmp(const void *a, const void *b)
{
	const struct ns_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return x->netns < y->netns ? -1 : x->netns > y->netns;
}

/* The top sampled destination port of the finding's drops in one namespace. */
static void ns_port(const struct window *w, const struct finding *f, struct ns_count *c)
{
	__u64 best = 0;

	for (int i = 0; i < PORT_SLOTS; i++) {
		const struct port_hit *p = &w->sample.ports[i];

		if (!p->proto || p->netns != c->netns || p->reason != f->reason ||
		    (f->at.proto && p->proto != f->at.proto) || p->n <= best)
			continue;
		best = p->n;
		c->proto = p->proto;
		c->port = p->port;
	}
}

/* Devices of the finding's own namespace first: an ifindex means nothing in another. */
static void devs_of(struct finding_at *at)
{
	struct where mine[TOP_WHERE], other[TOP_WHERE];
	int a = 0, b = 0;

	for (int i = 0; i < TOP_WHERE && at->dev[i].n; i++) {
		if ((__u32)(at->dev[i].addr >> 32) == at->netns)
			mine[a++] = at->dev[i];
		else
			other[b++] = at->dev[i];
	}
	for (int i = 0; i < a; i++)
		at->dev[i] = mine[i];
	for (int i = 0; i < b; i++)
		at->dev[a + i] = other[i];
	for (int i = 0; i < TOP_WHERE; i++)
		at->dev[i].addr &= 0xffffffffu;
	at->dev_mine = a;
}

/* A drop where a veth hands the frame to its peer (the peer's MTU, the peer down). */
bool window_veth_forward(const struct window *w, __u64 addr)
{
	static const char *const fns[] = { "__dev_forward_skb", "__dev_forward_skb2", "veth_xmit",
					   "veth_forward_skb", "netkit_xmit" };
	char buf[32];
	const char *n;

	if (!w->names.sym_raw)
		return false;
	n = w->names.sym_raw(w->names.ctx, addr, buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (!strcmp(n, fns[i]))
			return true;
	return false;
}

static int nsid_of(const struct window *w, __u32 netns)
{
	for (int i = 0; i < w->nnsids; i++)
		if (w->nsids[i].netns == netns)
			return w->nsids[i].nsid;
	return -1;
}

/* The namespace with that id, 0 when none was found (the same namespace: -1, ours). */
static __u32 netns_of_nsid(const struct window *w, int nsid)
{
	if (nsid < 0)
		return w->netns;
	for (int i = 0; i < w->nnsids; i++)
		if (w->nsids[i].nsid == nsid)
			return w->nsids[i].netns;
	return 0;
}

const struct link_peer *window_row_pair(const struct window *w, const struct drop_key *k,
					bool *receiver)
{
	int nsid;

	*receiver = false;
	if (!k->ifindex || !w->npeers || !window_veth_forward(w, k->location))
		return NULL;
	/* The frame leaves through the device the row names: in our namespace, we sent it. */
	if (k->netns == w->netns) {
		for (int i = 0; i < w->npeers; i++)
			if (w->peers[i].ifindex == (int)k->ifindex)
				return &w->peers[i];
		return NULL;
	}
	/* In another: it is ours to receive when that device is the peer of one of ours. */
	nsid = nsid_of(w, k->netns);
	if (nsid < 0)
		return NULL;
	for (int i = 0; i < w->npeers; i++)
		if (w->peers[i].peer_nsid == nsid && w->peers[i].peer_ifindex == (int)k->ifindex) {
			*receiver = true;
			return &w->peers[i];
		}
	return NULL;
}

/*
 * A drop by the peer's sockets or its transport (no socket, a full
 * receive buffer, a TCP state): the peer's application's business, in
 * the peer's own report; what the watched namespace's traffic meets on
 * the peer's end is its devices, qdiscs, tc, netfilter and routing.
 */
static bool socket_reason(const char *name)
{
	static const char *const pfx[] = { "NO_SOCKET", "SOCKET_",   "TCP_",
					   "UDP_",	"PROTO_MEM", "ICMP_CSUM" };

	for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (!strncmp(name, pfx[i], strlen(pfx[i])))
			return true;
	return false;
}

const struct link_peer *window_row_in_peer(const struct window *w, const struct drop_key *k)
{
	char name[64];
	int nsid;

	if (!k->ifindex || !w->npeers || k->netns == w->netns ||
	    window_veth_forward(w, k->location))
		return NULL;
	finding_reason(w, k->reason, name, sizeof(name));
	if (socket_reason(name))
		return NULL;
	nsid = nsid_of(w, k->netns);
	if (nsid < 0)
		return NULL;
	for (int i = 0; i < w->npeers; i++)
		if (w->peers[i].peer_nsid == nsid && w->peers[i].peer_ifindex == (int)k->ifindex)
			return &w->peers[i];
	return NULL;
}

const char *window_workload(const struct window *w, __u32 netns)
{
	for (int i = 0; i < w->nwl; i++)
		if (w->wl[i].netns == netns)
			return strcmp(w->wl[i].name, "-") && w->wl[i].name[0] ? w->wl[i].name
									      : NULL;
	return NULL;
}

/* ip_error frees what an error route (blackhole, prohibit) matched
 * without a reason: the location says it. */
static bool error_route(const struct window *w, __u64 addr)
{
	char buf[32];

	return w->names.sym_raw &&
	       !strcmp(w->names.sym_raw(w->names.ctx, addr, buf, sizeof(buf)), "ip_error");
}

/*
 * A reason that says nothing (NOT_SPECIFIED, or one the knowledge lacks)
 * is one finding per location: there the location is all there is.
 */
static bool by_location(const struct window *w, __u32 reason)
{
	char name[64];

	finding_reason(w, reason, name, sizeof(name));
	return !strcmp(name, "NOT_SPECIFIED") || !knowledge_lookup(name);
}

static bool in_namespaces(const struct finding_at *at, __u32 netns)
{
	for (int i = 0; i < at->nns; i++)
		if (at->ns[i].netns == netns)
			return true;
	return false;
}

/*
 * The tc programs behind a TC_INGRESS/TC_EGRESS finding: progwatch's
 * attribution of the hooks of that direction in the finding's namespaces,
 * most drops first (TOP_WHERE of them). Its own words: a program's name,
 * id, tag and hook, or "one of: ..." where the hook had several.
 */
static void tc_programs(const struct window *w, struct finding *f)
{
	bool egress = !strcmp(f->name, "TC_EGRESS");

	if (!egress && strcmp(f->name, "TC_INGRESS"))
		return;
	for (int i = 0; i < w->ntc; i++) {
		const struct tc_attr *a = &w->tc[i];
		int j;

		if (a->egress != egress || !a->total || !in_namespaces(&f->at, a->netns))
			continue;
		for (j = f->ntc; j > 0 && f->tc[j - 1]->total < a->total; j--)
			if (j < TOP_WHERE)
				f->tc[j] = f->tc[j - 1];
		if (j < TOP_WHERE) {
			f->tc[j] = a;
			if (f->ntc < TOP_WHERE)
				f->ntc++;
		}
	}
}

/* A drop finding's namespaces, devices and knowledge, once all rows are in. */
static void finding_finish(const struct window *w, struct finding *f)
{
	const struct dev_stats *dev;

	qsort(f->at.ns, (size_t)f->at.nns, sizeof(f->at.ns[0]), ns_cmp);
	f->at.primary = f->at.primary_n > 0;
	f->at.netns = f->at.primary || !f->at.nns ? w->netns : f->at.ns[0].netns;
	for (int i = 0; i < f->at.nns; i++)
		ns_port(w, f, &f->at.ns[i]);
	qsort(f->at.loc, TOP_WHERE, sizeof(struct where), where_cmp);
	qsort(f->at.caller, TOP_WHERE, sizeof(struct where), where_cmp);
	qsort(f->at.dev, TOP_WHERE, sizeof(struct where), where_cmp);
	devs_of(&f->at);
	/* A device is the finding's only when all its drops were on it: drops
	 * spread over several (or partly on none) name none of them alone. */
	f->at.ndev = 0;
	for (int i = 0; i < TOP_WHERE && f->at.dev[i].n; i++)
		f->at.ndev++;
	f->at.one_dev = f->at.ndev == 1 && f->at.dev[0].n == f->count;
	f->k = knowledge_lookup(f->name);
	tc_programs(w, f);
	/*
	 * Where the kernel names no reason, a veth's forwarding function says
	 * why: on the device of ours the frame was crossing, the sending end
	 * or (charged to the sender's namespace) the receiving one.
	 */
	if (f->at.primary && (!f->k || !strcmp(f->name, "NOT_SPECIFIED")) &&
	    window_veth_forward(w, f->at.loc[0].addr) && (f->pair.p || f->at.dev_mine)) {
		f->cause = "veth_peer";
		f->k = knowledge_lookup("cause:veth_peer");
		f->at.ifindex = f->pair.p ? f->pair.p->ifindex : (int)f->at.dev[0].addr;
		snprintf(f->at.devname, sizeof(f->at.devname), "%s",
			 f->pair.p ? f->pair.p->name : f->at.dev[0].name);
	}
	if (f->at.primary && !strcmp(f->name, "NOT_SPECIFIED") &&
	    error_route(w, f->at.loc[0].addr)) {
		f->cause = "error_route";
		f->k = knowledge_lookup("cause:error_route");
	}
	/*
	 * Host-wide, the same drops in another namespace: its pairs are not
	 * read here, but the function says the cause, and the note that
	 * follows (--netns of it) where the pair and both MTUs are shown; not
	 * "not known" and stacks.
	 */
	if (!f->at.primary && !w->netns_arg && !strcmp(f->name, "NOT_SPECIFIED") &&
	    window_veth_forward(w, f->at.loc[0].addr)) {
		f->cause = "veth_peer";
		f->k = knowledge_lookup("cause:veth_peer");
	}
	/* A device that is down drops all it is given, whatever reason the kernel names. */
	dev = f->at.primary && f->at.dev_mine ? dev_by_index(&w->end.snap, (int)f->at.dev[0].addr)
					      : NULL;
	if (dev && !(dev->flags & IFF_UP)) {
		f->cause = "link_down";
		f->k = knowledge_lookup("cause:link_down");
		f->at.ifindex = dev->ifindex;
		memcpy(f->at.devname, dev->name, sizeof(f->at.devname));
	}
}

/*
 * One finding per reason and protocol, across namespaces: the same
 * cause in a hundred namespaces is one finding with a table of where.
 */
static void findings_from_rows(const struct window *w, struct report *r,
			       const struct drop_delta *rows, int n)
{
	for (int i = 0; i < n; i++) {
		const struct drop_key *k = &rows[i].key;
		__u8 proto = loc_proto(w, k->location);
		struct finding *f = NULL;
		const struct link_peer *pair;
		char dev[IFNAMSIZ];
		bool by_loc, receiver;

		/* Sockets closing unread: nothing to tune, said apart (the
		 * collection layer classed the row and applied --class). */
		if (k->cls == CLASS_CLOSE) {
			r->closed.count += rows[i].count;
			where_add(r->closed.loc, k->location, NULL, rows[i].count);
			continue;
		}
		by_loc = by_location(w, k->reason);
		for (int j = 0; j < r->nf && !f; j++)
			if (!r->f[j].counter && r->f[j].reason == k->reason &&
			    r->f[j].at.proto == proto &&
			    (!by_loc || r->f[j].at.loc[0].addr == k->location))
				f = &r->f[j];
		if (!f) {
			f = finding_new(r);
			if (!f) {
				/* Bounded: the rest is said, not shown. */
				r->folded += rows[i].count;
				continue;
			}
			f->reason = k->reason;
			f->at.proto = proto;
			finding_reason(w, k->reason, f->name, sizeof(f->name));
		}
		f->count += rows[i].count;
		ns_add(&f->at, k->netns, rows[i].count);
		pair = window_row_pair(w, k, &receiver);
		/* A frame coming to us over a pair is ours too, though charged to its sender. */
		if (k->netns == w->netns || (pair && receiver))
			f->at.primary_n += rows[i].count;
		/* So is one the peer's namespace dropped on its end of our pair. */
		if (!pair && (pair = window_row_in_peer(w, k))) {
			f->at.primary_n += rows[i].count;
			f->pair_in_peer_n += rows[i].count;
			if (!f->pair.p)
				f->pair = (struct finding_pair){ .p = pair,
								 .in_peer = true,
								 .peer_netns = k->netns };
		}
		if (pair && !f->pair.p)
			f->pair = (struct finding_pair){
				.p = pair,
				.receiver = receiver,
				.peer_netns =
					receiver ? k->netns : netns_of_nsid(w, pair->peer_nsid)
			};
		where_add(f->at.loc, k->location, NULL, rows[i].count);
		if (k->caller)
			where_add(f->at.caller, k->caller, NULL, rows[i].count);
		if (k->ifindex) {
			memcpy(dev, k->dev, sizeof(dev));
			dev[sizeof(dev) - 1] = 0;
			where_add(f->at.dev, (__u64)k->netns << 32 | k->ifindex, dev,
				  rows[i].count);
		}
	}
	for (int j = 0; j < r->nf; j++)
		finding_finish(w, &r->f[j]);
	qsort(r->closed.loc, TOP_WHERE, sizeof(struct where), where_cmp);
}

static bool claimed(const struct report *r, const char *name, int ifindex)
{
	for (int i = 0; i < r->nclaims; i++)
		if (!strcmp(r->claims[i].name, name) &&
		    (!r->claims[i].ifindex || r->claims[i].ifindex == ifindex))
			return true;
	return false;
}

static void claim(struct report *r, const char *name, int ifindex)
{
	if (!claimed(r, name, ifindex) &&
	    r->nclaims < (int)(sizeof(r->claims) / sizeof(r->claims[0])))
		r->claims[r->nclaims++] = (struct claim){ name, ifindex };
}

/*
 * Where counters count the same drops as the tracepoint (their sum: IPv4
 * and IPv6), say whether they agree. Every finding of the primary
 * namespace that names the same counters (of the same device, for a
 * cause on one) adds what it saw there.
 */
static bool same_counters(const struct finding *f, const struct finding *g)
{
	const struct knowledge *a = f->k, *b = g->k;

	for (int c = 0; c < KNOWLEDGE_COUNTERS; c++)
		if (!a->counters[c] != !b->counters[c] ||
		    (a->counters[c] && strcmp(a->counters[c], b->counters[c])))
			return false;
	if (a->counters_proto && g->at.proto && g->at.proto != a->counters_proto)
		return false;
	return f->at.ifindex == g->at.ifindex;
}

/*
 * Drops that the finding's counters cannot see: those of tcx programs on
 * devices with no clsact or ingress qdisc (the qdisc is what counts a
 * filter's drops; tcx has no counter), those of XDP programs run in
 * generic mode (drivers count only their own, native, XDP's). Only when
 * every device of the namespace the drops were on is such: else part of
 * them is counted and the comparison stands, with its note.
 */
static const char *uncounted(const struct window *w, const struct finding *f)
{
	const struct counter_snapshot *s = &w->end.snap;
	bool tc = !strcmp(f->k->name, "TC_INGRESS") || !strcmp(f->k->name, "TC_EGRESS");
	bool xdp = !strcmp(f->k->counters[0], "driver:xdp_drop");
	int n = 0;

	/* dev[0..dev_mine) are of at.netns, by ifindex (devs_of()). */
	if ((!tc && !xdp) || f->cause || s->err_dev || (tc && s->err_qdisc) ||
	    f->at.netns != w->netns)
		return NULL;
	for (int i = 0; i < f->at.dev_mine && i < TOP_WHERE && f->at.dev[i].n; i++) {
		int ifindex = (int)(__u32)f->at.dev[i].addr;
		const struct dev_stats *d = dev_by_index(s, ifindex);

		if (!d)
			return NULL;
		if (xdp && d->xdp_attached != XDP_ATTACHED_SKB)
			return NULL;
		for (size_t q = 0; tc && q < s->nqdisc; q++)
			if (s->qdisc[q].ifindex == ifindex && s->qdisc[q].parent == TC_H_INGRESS)
				return NULL;
		n++;
	}
	return !n ? NULL : tc ? "tcx programs" : "generic XDP";
}

static void reconcile_one(const struct window *w, struct report *r, struct finding *f)
{
	struct reconcile *rc = &f->rec[0];
	int ifindex = f->cause ? f->at.ifindex : 0;
	bool read = true,
	     other = f->k->counters_proto && f->at.proto && f->at.proto != f->k->counters_proto;

	rc->delta = 0;
	rc->len = 0;
	for (int c = 0; c < KNOWLEDGE_COUNTERS && f->k->counters[c]; c++) {
		__u64 v;

		read &= counter_delta_dev(w, f->k->counters[c], ifindex, &v);
		rc->delta += v;
		rc->len += snprintf(rc->name + rc->len, sizeof(rc->name) - rc->len, "%s%s",
				    c ? "+" : "", f->k->counters[c]);
		if (rc->len >= sizeof(rc->name))
			rc->len = sizeof(rc->name) - 1;
		/* TCP drops do not account for the UDP counter's growth. */
		if (!other)
			claim(r, f->k->counters[c], ifindex);
	}
	for (int c = 0; c < KNOWLEDGE_COUNTERS && f->k->overlaps[c]; c++)
		claim(r, f->k->overlaps[c], 0);
	if (other) {
		/* "no counter for TCP": nothing to agree or differ with. */
		rc->other_proto = f->at.proto;
		rc->delta = 0;
		f->nrec = 1;
		return;
	}
	rc->uncounted = uncounted(w, f);
	if (rc->uncounted) {
		rc->delta = 0;
		f->nrec = 1;
		return;
	}
	if (!read)
		return;
	rc->seen = 0;
	for (int j = 0; j < r->nf; j++) {
		const struct finding *g = &r->f[j];

		if (!g->counter && g->k && g->at.primary && same_counters(f, g))
			rc->seen += g->at.primary_n;
	}
	f->nrec = 1;
}

static void reconcile(const struct window *w, struct report *r)
{
	for (int i = 0; i < r->nf; i++) {
		struct finding *f = &r->f[i];

		if (f->k && f->at.primary && f->k->counters[0])
			reconcile_one(w, r, f);
	}
}

static void counter_finding(const struct window *w, struct report *r, const char *name, __u64 delta,
			    const struct dev_stats *dev)
{
	struct finding *f;

	if (!delta || claimed(r, name, dev ? dev->ifindex : 0))
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
	f->at.primary_n = delta;
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->k = knowledge_lookup(name);
	if (dev) {
		f->at.ifindex = dev->ifindex;
		memcpy(f->at.devname, dev->name, sizeof(f->at.devname));
		/* No drop traced, and the device is down: that is why. */
		if (!strcmp(name, "dev:tx_dropped") && !(dev->flags & IFF_UP)) {
			f->cause = "link_down";
			f->k = knowledge_lookup("cause:link_down");
		}
	}
	/* A counter that others include (ListenOverflows in ListenDrops) stands
	 * for them; a device's, for them on that device. */
	if (f->k)
		for (int c = 0; c < KNOWLEDGE_COUNTERS && f->k->overlaps[c]; c++)
			claim(r, f->k->overlaps[c], dev ? dev->ifindex : 0);
}

/*
 * The drivers' own drop counters (ethtool -S) that grew, one finding per
 * device and class ("driver:xdp_drop": native XDP frames no tracepoint
 * sees). Before the device counters: a class that is the same drops as one
 * of them (driver:miss, dev:rx_missed_errors) stands for it.
 */
static void findings_from_drivers(const struct window *w, struct report *r)
{
	const struct counter_snapshot *b = &w->end.snap;

	for (size_t i = 0; i < b->ndrv; i++) {
		const char *cls = drvstats_class(b->drv[i].name);
		const struct dev_stats *dev = dev_by_index(b, b->drv[i].ifindex);
		char name[64];
		bool first = true;
		__u64 v;

		if (!cls || !dev)
			continue;
		/* Once per device and class: at its first counter. */
		for (size_t j = 0; j < i && first; j++)
			first = b->drv[j].ifindex != b->drv[i].ifindex ||
				!drvstats_class(b->drv[j].name) ||
				strcmp(drvstats_class(b->drv[j].name), cls);
		if (!first || !counter_driver_delta(&w->start.snap, b, cls, dev->ifindex, &v))
			continue;
		snprintf(name, sizeof(name), "driver:%s", cls);
		counter_finding(w, r, name, v, dev);
	}
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
	findings_from_drivers(w, r);
	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		enum dev_drop_kind k = order[o];

		snprintf(name, sizeof(name), "dev:%s", devstats_kind_name(k));
		if (a->err_dev || b->err_dev)
			continue;
		for (size_t i = 0; i < b->ndev; i++) {
			const struct dev_stats *p = dev_by_index(a, b->dev[i].ifindex);

			if (p && b->dev[i].have[k])
				counter_finding(w, r, name, counter_grew64(p->v[k], b->dev[i].v[k]),
						&b->dev[i]);
		}
	}
	if (window_delta(w, "softnet:dropped", &v))
		counter_finding(w, r, "softnet:dropped", v, NULL);
	if (window_delta(w, "softnet:flow_limit", &v))
		counter_finding(w, r, "softnet:flow_limit", v, NULL);
	for (size_t i = 0; i < snmp_drop_count; i++)
		if (window_delta(w, snmp_drop_counters[i].nstat, &v))
			counter_finding(w, r, snmp_drop_counters[i].nstat, v, NULL);
}

/*
 * A counter finding that is the consequence of another finding (a
 * listener's ListenDrops when its SYN-ACKs had no route: IpOutNoRoutes)
 * goes into that finding: one cause, one piece of advice.
 */
static void merge_consequences(struct report *r)
{
	for (int i = 0; i < r->nf; i++) {
		struct finding *f = &r->f[i];

		for (int c = 0; f->k && c < KNOWLEDGE_COUNTERS && f->k->consequences[c]; c++)
			for (int j = 0; j < r->nf; j++) {
				struct finding *g = &r->f[j];

				if (j == i || !g->counter ||
				    strcmp(g->name, f->k->consequences[c]) ||
				    g->count > f->at.primary_n || !f->at.primary ||
				    /* a device's counter: of the finding's device */
				    (g->at.ifindex && g->at.ifindex != f->at.ifindex))
					continue;
				f->merged[f->nmerged++] =
					(struct merged){ f->k->consequences[c], g->count };
				free(g->at.ns);
				memmove(g, g + 1, sizeof(*g) * (size_t)(r->nf - j - 1));
				r->nf--;
				if (j < i) {
					i--;
					f = &r->f[i];
				}
				break;
			}
	}
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
	merge_consequences(r);
	qsort(r->f, (size_t)r->nf, sizeof(r->f[0]), finding_cmp);
}

void report_free(struct report *r)
{
	for (int i = 0; i < r->nf; i++) {
		free(r->f[i].at.ns);
		r->f[i].at.ns = NULL;
	}
}
