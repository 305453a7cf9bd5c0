// SPDX-License-Identifier: GPL-2.0
/*
 * `dropscope diagnose`: one window of drops, the counters no tracepoint
 * sees, and the live settings that explain them, as findings largest
 * first. A view like the others: the counts come from the shared program
 * (monitor.c, counts.c), the counters from the readers behind counters.c,
 * sockets and nftables from sockdiag.c and nftstats.c, sysctls from
 * sysctl.c, and what it all means from knowledge.c. Nothing is changed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include <linux/neighbour.h>
#include <linux/pkt_sched.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include "diagnose/diagnose.h"
#include "counters/counters.h"
#include "trace/drop_table.h"
#include "lib/escape.h"
#include "counters/ethtool.h"
#include "lib/json.h"
#include "diagnose/knowledge.h"
#include "symbols/ksyms.h"
#include "trace/session.h"
#include "counters/neigh.h"
#include "lib/netns.h"
#include "counters/nftstats.h"
#include "lib/stdout.h"
#include "trace/packet.h"
#include "counters/procs.h"
#include "symbols/reasons.h"
#include "counters/route.h"
#include "counters/sockdiag.h"
#include "counters/sysctl.h"

#define DIAG_DIMS      (DIM_NETNS | DIM_DEV | DIM_CALLER)
#define SAMPLE_RATE    2000 /* events a second: enough for the top ports, cheap */
#define SAMPLE_SNAPLEN 96   /* Ethernet + IPv6 + a few extension headers + ports */
#define PORT_SLOTS     512
#define MAX_FINDINGS   64
#define EV_MAX	       8 /* entries of one kind of evidence a finding shows */
#define TOP_WHERE      4 /* locations, callers, devices kept per finding */
#define MAX_SYSCTLS    (KNOWLEDGE_KNOBS)
#define NETFILTER_FRAMES                                                                           \
	"?nf_hook_slow,?nf_hook_slow_list,?nft_do_chain,?nft_do_chain_inet,"                       \
	"?nft_do_chain_ipv4,?nft_do_chain_ipv6,?nft_do_chain_netdev,?nft_do_chain_bridge,"         \
	"?nft_do_chain_arp"

/* One destination port the sampled drops went to. */
struct port_hit {
	__u32 netns, reason;
	__u16 port;
	__u8 proto; /* IPPROTO_TCP / IPPROTO_UDP; 0 = empty slot */
	__u64 n;
};

/* One sender of the sampled drops: its address and the frame's source MAC. */
struct sender_hit {
	__u32 netns, reason;
	__u8 family; /* AF_INET, AF_INET6; 0 = empty slot */
	__u8 addr[16];
	__u8 mac[6];
	__u64 n;
};

#define SENDER_SLOTS 256

struct where {
	__u64 addr; /* location or caller address; ifindex for devices */
	char name[IFNAMSIZ];
	__u64 n;
};

struct ev_sock {
	const struct sock_info *si;
	struct sock_owner owner;
	__u32 drops_grew; /* sk_drops growth in the window, when seen at start too */
	bool grew_known;
};

struct ev_qdisc {
	const struct qdisc_stats *q;
	const char *dev;
	__u32 limit;
	const char *unit;
	__u64 drops, overlimits; /* growth in the window */
};

struct ev_nft {
	const struct nft_drop_point *p;
	__u64 packets; /* growth in the window */
};

struct ev_port {
	__u8 proto;
	__u16 port;
	__u64 n;
	bool listening;
};

struct reconcile {
	char name[96]; /* "UdpNoPorts+Udp6NoPorts" */
	size_t len;
	__u64 delta; /* the counters' growth in the window */
	__u64 seen;  /* the tracepoint's count of every finding that names it */
};

struct finding {
	bool counter; /* a counter no tracepoint sees, not a kfree_skb reason */
	char name[64];
	__u32 reason;
	__u64 count;
	__u32 netns;
	bool primary; /* in the namespace whose counters were sampled */
	struct where loc[TOP_WHERE], caller[TOP_WHERE], dev[TOP_WHERE];
	int ifindex; /* counter findings of one device */
	char devname[IFNAMSIZ];
	const struct knowledge *k;
	struct reconcile rec[1];
	int nrec;
	/* evidence */
	struct ev_sock socks[EV_MAX], listeners[EV_MAX];
	int nsocks, nlisteners;
	struct sysctl_val sysctl[MAX_SYSCTLS];
	char knob_names[MAX_SYSCTLS][96];
	int nsysctl;
	struct ev_qdisc qdiscs[EV_MAX];
	int nqdiscs;
	const char *hook;
	bool have_ct; /* conntrack's own drops, when it is loaded */
	__u64 ct_drop, ct_insert_failed, ct_entries;
	struct ev_nft nft[EV_MAX];
	int nnft;
	struct ev_port ports[EV_MAX];
	int nports;
	struct sender_hit senders[EV_MAX]; /* most first */
	int nsenders;
	struct route_info routes[EV_MAX]; /* the way back to each sender (EV_ROUTE) */
	int route_err[EV_MAX];		  /* 0, -errno; 1: not looked up */
	const struct neigh_entry *neigh[EV_MAX];
	int nneigh;
	unsigned neigh_total; /* entries in the table(s) */
	const struct dev_stats *device;
	struct ring_size ring;
	int ring_err;	 /* 0: ring read; -errno; 1: not asked */
	__u64 otherhost; /* rx_otherhost_dropped growth of device */
	bool have_otherhost;
	int softnet_cpu; /* the CPU with most backlog drops, -1 none */
	__u64 softnet_top, softnet_sum;
	char notes[6][160];
	int nnotes;
};

/* One namespace's counters and sockets at the start and the end. */
struct side {
	struct counter_snapshot snap;
	struct sock_info *udp, *tcp;
	int nudp, ntcp;
	struct nft_drop_point *nft;
	int nnft, nft_err;
	struct nftstats_info nft_info;
	struct neigh_entry *neigh; /* read at the end only */
	int nneigh;
};

struct diag {
	const struct config *cfg;
	struct monitor m;
	struct counter_src src;
	bool have_src;
	__u32 netns; /* the primary namespace's inode */
	struct side start, end;
	struct port_hit ports[PORT_SLOTS];
	struct sender_hit senders[SENDER_SLOTS];
	__u64 ports_unsampled;
	struct finding f[MAX_FINDINGS];
	int nf;
	__u64 findings_folded;	/* drops in findings beyond MAX_FINDINGS */
	__u64 overflow, missed; /* drops the count table had no row for; runs skipped */
	double seconds;
	const char *claim_names[64]; /* counters a finding accounts for (static strings) */
	int nclaims;
};

/* Already escaped (ksyms.h): printed as is. */
static void symname(const struct diag *d, __u64 addr, char *buf, size_t len)
{
	if (d->m.ks)
		ksyms__symname(d->m.ks, addr, buf, len);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
}

/*
 * For JSON: the raw name (json_string() escapes it), as report.c writes
 * symbols, so that a name decodes to its own bytes, not to its text form.
 */
static const char *symname_raw(const struct diag *d, __u64 addr, char *buf, size_t len)
{
	const struct ksym *s = d->m.ks ? ksyms__find(d->m.ks, addr) : NULL;

	if (s)
		return s->name;
	snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	return buf;
}

/* ---- the events sample: destination ports ------------------------------- */

static void port_add(struct diag *d, __u32 netns, __u32 reason, __u8 proto, __u16 port)
{
	size_t h = ((size_t)netns * 31 + reason) * 131 + proto * 65537u + port;

	for (int i = 0; i < PORT_SLOTS; i++) {
		struct port_hit *p = &d->ports[(h + i) % PORT_SLOTS];

		if (!p->proto) {
			*p = (struct port_hit){ netns, reason, port, proto, 1 };
			return;
		}
		if (p->netns == netns && p->reason == reason && p->proto == proto &&
		    p->port == port) {
			p->n++;
			return;
		}
	}
	d->ports_unsampled++;
}

static void sender_add(struct diag *d, __u32 netns, __u32 reason, const struct pkt_info *p)
{
	__u8 family = p->l3 == PKT_L3_IPV4 ? AF_INET : AF_INET6;
	size_t alen = family == AF_INET ? 4 : 16, h = (size_t)netns * 31 + reason;

	for (size_t i = 0; i < alen; i++)
		h = h * 131 + p->src[i];
	for (int i = 0; i < SENDER_SLOTS; i++) {
		struct sender_hit *x = &d->senders[(h + i) % SENDER_SLOTS];

		if (!x->family) {
			*x = (struct sender_hit){
				.netns = netns, .reason = reason, .family = family, .n = 1
			};
			memcpy(x->addr, p->src, alen);
			memcpy(x->mac, p->src_mac, sizeof(x->mac));
			return;
		}
		if (x->netns == netns && x->reason == reason && x->family == family &&
		    !memcmp(x->addr, p->src, alen) && !memcmp(x->mac, p->src_mac, sizeof(x->mac))) {
			x->n++;
			return;
		}
	}
	/* Full: the rest of the senders are not sampled (the ports say how many drops). */
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct drop_event *e = data;
	struct diag *d = ctx;
	struct pkt_info p;

	if (size < offsetof(struct drop_event, data) ||
	    e->caplen > size - offsetof(struct drop_event, data))
		return 0;
	packet__parse(e->data, e->caplen, e->len, &p);
	if ((p.l3 == PKT_L3_IPV4 || p.l3 == PKT_L3_IPV6) && p.has_addrs)
		sender_add(d, e->netns, e->reason, &p);
	if (p.l4 == PKT_L4_UDP || p.l4 == PKT_L4_TCP)
		port_add(d, e->netns, e->reason, p.l4 == PKT_L4_UDP ? IPPROTO_UDP : IPPROTO_TCP,
			 p.dport);
	return 0;
}

/* ---- reading the counters ----------------------------------------------- */

static void side_read(struct diag *d, struct side *s)
{
	if (!d->have_src)
		return;
	counters_sample(&d->src, &s->snap);
	if (d->src.diag) {
		s->nudp = sockdiag_read(d->src.diag, &d->src.diag_seq, IPPROTO_UDP, ~0u, &s->udp);
		s->ntcp = sockdiag_read(d->src.diag, &d->src.diag_seq, IPPROTO_TCP, 1u << 10,
					&s->tcp);
	}
	s->nft_err = -EOPNOTSUPP;
	if (d->src.nft) {
		s->nnft = nftstats_read_info(d->src.nft, &d->src.nft_seq, &s->nft, &s->nft_info);
		s->nft_err = s->nnft < 0 ? s->nnft : 0;
	}
	if (s->nudp < 0)
		s->nudp = 0;
	if (s->ntcp < 0)
		s->ntcp = 0;
	if (s->nnft < 0)
		s->nnft = 0;
}

static void side_free(struct side *s)
{
	counter_snapshot_free(&s->snap);
	free(s->udp);
	free(s->tcp);
	free(s->nft);
	free(s->neigh);
}

static const struct dev_stats *dev_by_index(const struct counter_snapshot *s, int ifindex)
{
	for (size_t i = 0; i < s->ndev; i++)
		if (s->dev[i].ifindex == ifindex)
			return &s->dev[i];
	return NULL;
}

static const struct qdisc_stats *qdisc_match(const struct counter_snapshot *s,
					     const struct qdisc_stats *q)
{
	for (size_t i = 0; i < s->nqdisc; i++)
		if (s->qdisc[i].ifindex == q->ifindex && s->qdisc[i].handle == q->handle &&
		    s->qdisc[i].parent == q->parent && !strcmp(s->qdisc[i].kind, q->kind))
			return &s->qdisc[i];
	return NULL;
}

/* Growth of a 32-bit kernel counter (qdisc drops wrap at 2^32). */
static __u64 grew32(__u32 before, __u32 after)
{
	return (__u32)(after - before);
}

static __u64 grew64(__u64 before, __u64 after)
{
	return after >= before ? after - before : 0;
}

/*
 * How much a counter diagnose knows by name grew in the window: nstat
 * names, "qdisc:drops" (root qdiscs: a classful parent counts its
 * children's drops again), "dev:FIELD" (all devices), "softnet:COLUMN".
 * Returns false when it cannot be read.
 */
static bool counter_delta(const struct diag *d, const char *name, __u64 *delta)
{
	const struct counter_snapshot *a = &d->start.snap, *b = &d->end.snap;

	*delta = 0;
	if (!d->have_src)
		return false;
	if (!strcmp(name, "qdisc:drops")) {
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
	if (!strncmp(name, "dev:", 4)) {
		int k;

		for (k = 0; k < DEV_DROP_KINDS; k++)
			if (!strcmp(devstats_kind_name(k), name + 4))
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

static void where_add(struct where *w, __u64 addr, const char *name, __u64 n)
{
	int i, min = 0;

	for (i = 0; i < TOP_WHERE; i++) {
		if (w[i].n && w[i].addr == addr) {
			w[i].n += n;
			return;
		}
		if (!w[i].n) {
			w[i].addr = addr;
			w[i].n = n;
			if (name)
				snprintf(w[i].name, sizeof(w[i].name), "%.*s",
					 (int)sizeof(w[i].name) - 1, name);
			return;
		}
		if (w[i].n < w[min].n)
			min = i;
	}
	/* Full: the smallest makes room only for a larger one. */
	if (n > w[min].n) {
		w[min].addr = addr;
		w[min].n = n;
		if (name)
			snprintf(w[min].name, sizeof(w[min].name), "%.*s",
				 (int)sizeof(w[min].name) - 1, name);
	}
}

static int where_cmp(const void *a, const void *b)
{
	const struct where *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

static struct finding *finding_new(struct diag *d)
{
	if (d->nf >= MAX_FINDINGS)
		return NULL;
	memset(&d->f[d->nf], 0, sizeof(d->f[0]));
	d->f[d->nf].softnet_cpu = -1;
	d->f[d->nf].ring_err = 1;
	return &d->f[d->nf++];
}

static void finding_reason(const struct diag *d, __u32 reason, char *buf, size_t len)
{
	const char *n = monitor_has_reasons(&d->m) ? reasons__name(d->m.rs, reason) : "unknown";

	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "reason %u", reason);
}

static void findings_from_rows(struct diag *d, const struct drop_delta *rows, int n)
{
	for (int i = 0; i < n; i++) {
		const struct drop_key *k = &rows[i].key;
		struct finding *f = NULL;
		char dev[IFNAMSIZ];

		for (int j = 0; j < d->nf; j++)
			if (!d->f[j].counter && d->f[j].reason == k->reason &&
			    d->f[j].netns == k->netns)
				f = &d->f[j];
		if (!f) {
			f = finding_new(d);
			if (!f) {
				/* Bounded: the rest is said, not shown. */
				d->findings_folded += rows[i].count;
				continue;
			}
			f->reason = k->reason;
			f->netns = k->netns;
			f->primary = k->netns == d->netns;
			finding_reason(d, k->reason, f->name, sizeof(f->name));
		}
		f->count += rows[i].count;
		where_add(f->loc, k->location, NULL, rows[i].count);
		if (k->caller)
			where_add(f->caller, k->caller, NULL, rows[i].count);
		if (k->ifindex) {
			memcpy(dev, k->dev, sizeof(dev));
			dev[sizeof(dev) - 1] = 0;
			where_add(f->dev, (__u64)k->ifindex, dev, rows[i].count);
		}
	}
	for (int j = 0; j < d->nf; j++) {
		qsort(d->f[j].loc, TOP_WHERE, sizeof(struct where), where_cmp);
		qsort(d->f[j].caller, TOP_WHERE, sizeof(struct where), where_cmp);
		qsort(d->f[j].dev, TOP_WHERE, sizeof(struct where), where_cmp);
		d->f[j].k = knowledge_lookup(d->f[j].name);
	}
}

static bool claimed(struct diag *d, const char *name)
{
	for (int i = 0; i < d->nclaims; i++)
		if (!strcmp(d->claim_names[i], name))
			return true;
	return false;
}

static void claim(struct diag *d, const char *name)
{
	if (!claimed(d, name) &&
	    d->nclaims < (int)(sizeof(d->claim_names) / sizeof(d->claim_names[0])))
		d->claim_names[d->nclaims++] = name;
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

static void reconcile(struct diag *d)
{
	for (int i = 0; i < d->nf; i++) {
		struct finding *f = &d->f[i];
		struct reconcile *r = &f->rec[0];
		bool read = true;

		if (!f->k || !f->primary || !f->k->counters[0])
			continue;
		r->delta = 0;
		r->len = 0;
		for (int c = 0; c < KNOWLEDGE_COUNTERS && f->k->counters[c]; c++) {
			__u64 v;

			read &= counter_delta(d, f->k->counters[c], &v);
			r->delta += v;
			r->len += snprintf(r->name + r->len, sizeof(r->name) - r->len, "%s%s",
					   c ? "+" : "", f->k->counters[c]);
			if (r->len >= sizeof(r->name))
				r->len = sizeof(r->name) - 1;
			claim(d, f->k->counters[c]);
		}
		for (int c = 0; c < KNOWLEDGE_COUNTERS && f->k->overlaps[c]; c++)
			claim(d, f->k->overlaps[c]);
		if (!read)
			continue;
		r->seen = 0;
		for (int j = 0; j < d->nf; j++) {
			const struct finding *g = &d->f[j];

			if (!g->counter && g->k && g->primary && same_counters(f->k, g->k))
				r->seen += g->count;
		}
		f->nrec = 1;
	}
}

static void counter_finding(struct diag *d, const char *name, __u64 delta,
			    const struct dev_stats *dev)
{
	struct finding *f;

	if (!delta || claimed(d, name))
		return;
	f = finding_new(d);
	if (!f) {
		d->findings_folded += delta;
		return;
	}
	f->counter = true;
	f->count = delta;
	f->netns = d->netns;
	f->primary = true;
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->k = knowledge_lookup(name);
	if (dev) {
		f->ifindex = dev->ifindex;
		memcpy(f->devname, dev->name, sizeof(f->devname));
	}
	/* A counter that others include (ListenOverflows in ListenDrops) stands for them. */
	if (f->k)
		for (int c = 0; c < KNOWLEDGE_COUNTERS && f->k->overlaps[c]; c++)
			claim(d, f->k->overlaps[c]);
}

/* The counters that grew and that no finding above accounts for. */
static void findings_from_counters(struct diag *d)
{
	const struct counter_snapshot *a = &d->start.snap, *b = &d->end.snap;
	static const enum dev_drop_kind order[] = { DEV_RX_MISSED,    DEV_RX_FIFO,
						    DEV_RX_OVER,      DEV_RX_OTHERHOST,
						    DEV_RX_NOHANDLER, DEV_RX_DROPPED,
						    DEV_TX_DROPPED };
	char name[64];
	__u64 v;

	if (!d->have_src)
		return;
	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		enum dev_drop_kind k = order[o];

		snprintf(name, sizeof(name), "dev:%s", devstats_kind_name(k));
		if (claimed(d, name) || a->err_dev || b->err_dev)
			continue;
		for (size_t i = 0; i < b->ndev; i++) {
			const struct dev_stats *p = dev_by_index(a, b->dev[i].ifindex);

			if (p && b->dev[i].have[k])
				counter_finding(d, name, grew64(p->v[k], b->dev[i].v[k]),
						&b->dev[i]);
		}
	}
	if (counter_delta(d, "softnet:dropped", &v))
		counter_finding(d, "softnet:dropped", v, NULL);
	if (counter_delta(d, "softnet:flow_limit", &v))
		counter_finding(d, "softnet:flow_limit", v, NULL);
	for (size_t i = 0; i < snmp_drop_count; i++)
		if (counter_delta(d, snmp_drop_counters[i].nstat, &v))
			counter_finding(d, snmp_drop_counters[i].nstat, v, NULL);
}

/* ---- evidence ------------------------------------------------------------ */

static void note(struct finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct finding *f, const char *fmt, ...)
{
	va_list ap;

	if (f->nnotes >= (int)(sizeof(f->notes) / sizeof(f->notes[0])))
		return;
	va_start(ap, fmt);
	vsnprintf(f->notes[f->nnotes++], sizeof(f->notes[0]), fmt, ap);
	va_end(ap);
}

/* The finding's sampled destination ports of proto, most first (at most max). */
static int top_ports(const struct diag *d, const struct finding *f, __u8 proto, struct ev_port *out,
		     int max)
{
	int n = 0;

	for (int i = 0; i < PORT_SLOTS; i++) {
		const struct port_hit *p = &d->ports[i];
		int j;

		if (!p->proto || (proto && p->proto != proto) || p->netns != f->netns ||
		    p->reason != f->reason)
			continue;
		if (n < max) {
			j = n++;
		} else {
			j = max - 1;
			if (out[j].n >= p->n)
				continue;
		}
		out[j] = (struct ev_port){ p->proto, p->port, p->n, false };
		while (j > 0 && out[j].n > out[j - 1].n) {
			struct ev_port t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
			j--;
		}
	}
	return n;
}

static const struct sock_info *sock_by_inode(const struct sock_info *s, int n, __u32 inode)
{
	for (int i = 0; i < n; i++)
		if (s[i].inode == inode)
			return &s[i];
	return NULL;
}

static void owners(struct ev_sock *socks, int n)
{
	struct sock_owner o[EV_MAX];

	for (int i = 0; i < n; i++)
		o[i] = (struct sock_owner){ .inode = socks[i].si->inode };
	if (n && procs_socket_owners(o, (size_t)n) >= -E2BIG)
		for (int i = 0; i < n; i++)
			socks[i].owner = o[i];
}

/*
 * The UDP receivers: the sockets whose own drop counter grew in the window
 * (exact), else those bound to the ports the sampled drops went to.
 */
static void ev_udp_sockets(struct diag *d, struct finding *f)
{
	struct ev_port ports[EV_MAX];
	int np;

	for (int i = 0; i < d->end.nudp && f->nsocks < EV_MAX; i++) {
		const struct sock_info *s = &d->end.udp[i], *p;

		p = sock_by_inode(d->start.udp, d->start.nudp, s->inode);
		if (!s->have_drops || !p || !p->have_drops || s->drops == p->drops)
			continue;
		f->socks[f->nsocks++] = (struct ev_sock){ .si = s,
							  .drops_grew = s->drops - p->drops,
							  .grew_known = true };
	}
	np = top_ports(d, f, IPPROTO_UDP, ports, EV_MAX);
	for (int j = 0; !f->nsocks && j < np; j++)
		for (int i = 0; i < d->end.nudp && f->nsocks < EV_MAX; i++)
			if (d->end.udp[i].lport == ports[j].port)
				f->socks[f->nsocks++] = (struct ev_sock){ .si = &d->end.udp[i] };
	if (!f->nsocks)
		note(f, "no UDP socket whose drop counter grew or bound to a dropped packet's port "
			"(closed since, or not UDP)");
	owners(f->socks, f->nsocks);
}

/* The listeners the drops went to (sampled ports), else those whose queue is full now. */
static void ev_listeners(struct diag *d, struct finding *f)
{
	struct ev_port ports[EV_MAX];
	int np = top_ports(d, f, IPPROTO_TCP, ports, EV_MAX);

	for (int j = 0; j < np; j++)
		for (int i = 0; i < d->end.ntcp && f->nlisteners < EV_MAX; i++)
			if (d->end.tcp[i].lport == ports[j].port)
				f->listeners[f->nlisteners++] =
					(struct ev_sock){ .si = &d->end.tcp[i] };
	for (int i = 0; !f->nlisteners && i < d->end.ntcp; i++) {
		const struct sock_info *s = &d->end.tcp[i];

		if (s->rqueue && s->rqueue >= s->wqueue && f->nlisteners < EV_MAX)
			f->listeners[f->nlisteners++] = (struct ev_sock){ .si = s };
	}
	if (!f->nlisteners)
		note(f, "no TCP listener with a full accept queue now (it may have drained)");
	owners(f->listeners, f->nlisteners);
}

static void ev_qdiscs(struct diag *d, struct finding *f)
{
	const struct counter_snapshot *a = &d->start.snap, *b = &d->end.snap;

	for (size_t i = 0; i < b->nqdisc && f->nqdiscs < EV_MAX; i++) {
		const struct qdisc_stats *q = &b->qdisc[i], *p = qdisc_match(a, q);
		const struct dev_stats *dev = dev_by_index(b, q->ifindex);
		struct ev_qdisc *e;

		if (!p || q->drops == p->drops)
			continue;
		e = &f->qdiscs[f->nqdiscs++];
		*e = (struct ev_qdisc){ .q = q,
					.dev = dev ? dev->name : NULL,
					.limit = q->limit,
					.unit = q->limit_unit,
					.drops = grew32(p->drops, q->drops),
					.overlimits = grew32(p->overlimits, q->overlimits) };
		/* pfifo_fast queues up to the device's txqueuelen. */
		if (!e->unit && dev && !strcmp(q->kind, "pfifo_fast")) {
			e->limit = dev->txqlen;
			e->unit = "packets";
		}
	}
	if (!f->nqdiscs)
		note(f, "no qdisc's drop counter grew in the window");
}

/* The netfilter hook, from the function that called into it. */
static const char *hook_of(const char *caller)
{
	static const struct {
		const char *fn, *hook;
	} map[] = {
		{ "ip_local_deliver", "input" },    { "ip6_input", "input" },
		{ "ip_rcv", "prerouting" },	    { "ipv6_rcv", "prerouting" },
		{ "ip_list_rcv", "prerouting" },    { "ipv6_list_rcv", "prerouting" },
		{ "ip_sublist_rcv", "prerouting" }, { "ip6_sublist_rcv", "prerouting" },
		{ "ip_forward", "forward" },	    { "ip6_forward", "forward" },
		{ "__ip_local_out", "output" },	    { "__ip6_local_out", "output" },
		{ "ip_output", "postrouting" },	    { "ip6_output", "postrouting" },
		{ "ip_mc_output", "postrouting" },  { "ip6_finish_output", "postrouting" },
		{ "nf_ingress", "ingress" },	    { "__netif_receive_skb_core", "ingress" },
		{ "nf_hook_egress", "egress" },	    { "__dev_queue_xmit", "egress" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(caller, map[i].fn))
			return map[i].hook;
	return NULL;
}

static const struct nft_drop_point *nft_match(const struct side *s, const struct nft_drop_point *p)
{
	for (int i = 0; i < s->nnft; i++) {
		const struct nft_drop_point *q = &s->nft[i];

		if (q->kind == p->kind && q->handle == p->handle && !strcmp(q->family, p->family) &&
		    !strcmp(q->table, p->table) && !strcmp(q->chain, p->chain))
			return q;
	}
	return NULL;
}

static void ev_nft(struct diag *d, struct finding *f)
{
	char caller[128];

	f->hook = NULL;
	if (f->caller[0].n) {
		symname(d, f->caller[0].addr, caller, sizeof(caller));
		f->hook = hook_of(caller);
	}
	if (!f->hook)
		note(f, "the hook is not known: no caller frame that names one");
	if (d->start.snap.conntrack.present && d->end.snap.conntrack.present) {
		const struct conntrack_stats *a = &d->start.snap.conntrack,
					     *b = &d->end.snap.conntrack;

		f->have_ct = true;
		f->ct_drop = grew64(a->drop, b->drop);
		f->ct_insert_failed = grew64(a->insert_failed, b->insert_failed);
		f->ct_entries = b->entries;
	}
	if (d->end.nft_err) {
		note(f,
		     "the nftables ruleset could not be read (%s); iptables-legacy rules are "
		     "not read",
		     strerror(-d->end.nft_err));
		return;
	}
	/* The drop points whose counter grew, most first; then those without a counter. */
	for (int i = 0; i < d->end.nnft && f->nnft < EV_MAX; i++) {
		const struct nft_drop_point *p = &d->end.nft[i], *q = nft_match(&d->start, p);
		__u64 g = q ? grew64(q->packets, p->packets) : p->packets;
		int j;

		/* Any hook: a regular chain (jumped to) has none of its own. */
		if (!p->have_counter || !g)
			continue;
		j = f->nnft++;
		f->nft[j] = (struct ev_nft){ p, g };
		while (j > 0 && f->nft[j].packets > f->nft[j - 1].packets) {
			struct ev_nft t = f->nft[j];

			f->nft[j] = f->nft[j - 1];
			f->nft[j - 1] = t;
			j--;
		}
	}
	/* What the ruleset read could not tell. */
	if (d->end.nft_info.vmap_rules)
		note(f,
		     "%u rules take their verdict from a map (vmap), whose elements are not read",
		     d->end.nft_info.vmap_rules);
	if (d->end.nft_info.named_counters)
		note(f, "%u drop rules count with a named counter, which is not read",
		     d->end.nft_info.named_counters);
	if (d->end.nft_info.truncated || d->end.nft_info.changed || d->end.nft_info.unparsed)
		note(f,
		     "the ruleset was read in part (too large, changing, or %u messages not "
		     "understood)",
		     d->end.nft_info.unparsed);
	if (!f->nnft) {
		for (int i = 0; i < d->end.nnft && f->nnft < EV_MAX; i++) {
			const struct nft_drop_point *p = &d->end.nft[i];

			if (!p->have_counter &&
			    (!f->hook || !p->hook[0] || !strcmp(p->hook, f->hook)))
				f->nft[f->nnft++] = (struct ev_nft){ p, 0 };
		}
		note(f, f->nnft ? "no drop rule's counter grew; these drop points have no counter "
				  "and may be it (add `counter` to tell)"
				: "no nftables drop rule or policy matches (iptables-legacy, or a "
				  "reject/queue verdict?)");
	}
}

static void ev_ports(struct diag *d, struct finding *f)
{
	f->nports = top_ports(d, f, 0, f->ports, EV_MAX);
	for (int i = 0; i < f->nports; i++) {
		struct ev_port *p = &f->ports[i];

		if (p->proto == IPPROTO_UDP)
			for (int j = 0; j < d->end.nudp; j++)
				p->listening |= d->end.udp[j].lport == p->port;
		else
			for (int j = 0; j < d->end.ntcp; j++)
				p->listening |= d->end.tcp[j].lport == p->port;
	}
	if (!f->nports)
		note(f, "no sampled packet had a TCP or UDP port");
}

static void ev_device(struct diag *d, struct finding *f)
{
	int ifindex = f->counter ? f->ifindex : (int)f->dev[0].addr;
	const struct dev_stats *b = dev_by_index(&d->end.snap, ifindex),
			       *a = dev_by_index(&d->start.snap, ifindex);

	if (!ifindex || !b) {
		note(f, "the device is not known");
		return;
	}
	f->device = b;
	if (f->k->evidence & EV_RING) {
		f->ring_err = ethtool_ring(d->cfg->netns, b->name, &f->ring);
		if (f->ring_err)
			note(f, "the driver does not report its ring sizes (%s)",
			     strerror(-f->ring_err));
	}
	if (a && b->have[DEV_RX_OTHERHOST]) {
		f->otherhost = grew64(a->v[DEV_RX_OTHERHOST], b->v[DEV_RX_OTHERHOST]);
		f->have_otherhost = true;
	}
}

/* Who sent what was dropped, most first: for drops a sender must fix. */
static void ev_senders(struct diag *d, struct finding *f)
{
	for (int i = 0; i < SENDER_SLOTS; i++) {
		const struct sender_hit *x = &d->senders[i];
		int j;

		if (!x->family || x->netns != f->netns || x->reason != f->reason)
			continue;
		if (f->nsenders < EV_MAX) {
			j = f->nsenders++;
		} else {
			j = EV_MAX - 1;
			if (f->senders[j].n >= x->n)
				continue;
		}
		f->senders[j] = *x;
		for (; j > 0 && f->senders[j].n > f->senders[j - 1].n; j--) {
			struct sender_hit t = f->senders[j];

			f->senders[j] = f->senders[j - 1];
			f->senders[j - 1] = t;
		}
	}
}

/* Unresolved neighbours first (FAILED, INCOMPLETE, PROBE), on the finding's device if known. */
static void ev_neigh(struct diag *d, struct finding *f)
{
	int ifindex = f->counter ? f->ifindex : (int)f->dev[0].addr;

	if (!d->end.neigh) {
		int n = neigh_read(d->src.nl, &d->src.seq, &d->end.neigh);

		d->end.nneigh = n > 0 ? n : 0;
		if (n < 0)
			note(f, "the neighbour table could not be read (%s)", strerror(-n));
	}
	f->neigh_total = (unsigned)d->end.nneigh;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < d->end.nneigh && f->nneigh < EV_MAX; i++) {
			const struct neigh_entry *e = &d->end.neigh[i];
			bool bad = e->state & (NUD_FAILED | NUD_INCOMPLETE | NUD_PROBE);

			/* NOARP and PERMANENT entries (multicast, static) resolve nothing. */
			if ((ifindex && e->ifindex != ifindex) || bad != !pass ||
			    (e->state & (NUD_NOARP | NUD_PERMANENT)))
				continue;
			f->neigh[f->nneigh++] = e;
		}
}

static void ev_softnet(struct diag *d, struct finding *f)
{
	const struct counter_snapshot *a = &d->start.snap, *b = &d->end.snap;

	for (size_t i = 0; i < b->nsoftnet && i < a->nsoftnet; i++) {
		__u64 g = grew64(a->softnet[i].dropped, b->softnet[i].dropped);

		f->softnet_sum += g;
		if (g > f->softnet_top) {
			f->softnet_top = g;
			f->softnet_cpu = (int)b->softnet[i].cpu;
		}
	}
}

static void ev_sysctls(struct diag *d, struct finding *f)
{
	const char *dev = f->counter ? f->devname : f->dev[0].name;

	for (int i = 0; i < KNOWLEDGE_KNOBS && f->k->knobs[i]; i++) {
		const char *k = f->k->knobs[i], *at = strstr(k, "{dev}");

		if (at && !dev[0])
			continue;
		if (at) {
			char *kn = f->knob_names[f->nsysctl], *c;
			size_t o = (size_t)(at - k);

			/* sysctl(8)'s form: a '.' of the device's name is a '/' (eth0/100). */
			snprintf(kn, sizeof(f->knob_names[0]), "%.*s%s%s", (int)o, k, dev, at + 5);
			for (c = kn + o; *c && c < kn + o + strlen(dev); c++)
				if (*c == '.')
					*c = '/';
		} else
			snprintf(f->knob_names[f->nsysctl], sizeof(f->knob_names[0]), "%s", k);
		f->sysctl[f->nsysctl].name = f->knob_names[f->nsysctl];
		f->nsysctl++;
	}
	if (f->nsysctl)
		sysctls_read(d->cfg->netns, f->sysctl, (size_t)f->nsysctl);
}

static void evidence(struct diag *d, struct finding *f)
{
	if (!f->k)
		return;
	if (!f->primary) {
		note(f, "evidence is read in one namespace; run with --netns %u for this one",
		     f->netns);
		return;
	}
	if (!d->have_src) {
		note(f, "the namespace's counters could not be read");
		return;
	}
	if (f->k->evidence & EV_UDP_SOCKETS)
		ev_udp_sockets(d, f);
	if (f->k->evidence & EV_LISTENERS)
		ev_listeners(d, f);
	if (f->k->evidence & EV_QDISCS)
		ev_qdiscs(d, f);
	if (f->k->evidence & EV_NFT)
		ev_nft(d, f);
	if (f->k->evidence & EV_PORTS)
		ev_ports(d, f);
	if (f->k->evidence & EV_DEVICE)
		ev_device(d, f);
	if (f->k->evidence & EV_SOFTNET)
		ev_softnet(d, f);
	if (f->k->evidence & EV_NEIGH)
		ev_neigh(d, f);
	if (f->k->evidence & EV_SENDERS)
		ev_senders(d, f);
	for (int i = 0; i < f->nsenders; i++)
		f->route_err[i] = f->k->evidence & EV_ROUTE
					  ? route_get(d->src.nl, &d->src.seq, f->senders[i].family,
						      f->senders[i].addr, &f->routes[i])
					  : 1;
	ev_sysctls(d, f);
}

static int finding_cmp(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* ---- output -------------------------------------------------------------- */

static const char *qdisc_parent(__u32 parent, char *buf, size_t len)
{
	if (parent == TC_H_ROOT)
		return "root";
	qdisc_handle_str(parent, buf, len);
	return buf;
}

static void mac_text(const struct dev_stats *dev, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (int i = 0; i < dev->addr_len && o + 4 <= len; i++)
		o += (size_t)snprintf(buf + o, len - o, i ? ":%02x" : "%02x", dev->addr[i]);
}

static const char *proto_name(__u8 p)
{
	return p == IPPROTO_UDP ? "udp" : p == IPPROTO_TCP ? "tcp" : "?";
}

static void json_kv_u64(const char *name, __u64 v, bool *first)
{
	printf("%s\"%s\":%llu", *first ? "" : ",", name, (unsigned long long)v);
	*first = false;
}

static void json_kv_str(const char *name, const char *v, bool *first)
{
	printf("%s", *first ? "" : ",");
	json_member_str(stdout, name, v);
	*first = false;
}

static void json_owner(const struct ev_sock *s, bool *first)
{
	json_kv_u64("pid", (__u64)s->owner.pid, first);
	if (s->owner.pid)
		json_kv_str("comm", s->owner.comm, first);
	else
		printf(",\"comm\":null");
}

/* A knob's direction: its own, else the entry's (the i-th knob read is the i-th listed
 * unless a {dev} knob was skipped for want of a device: then the entry's). */
static const char *knob_dir(const struct finding *f, int i)
{
	for (int k = 0; k < KNOWLEDGE_KNOBS && f->k->knobs[k]; k++)
		if (!strcmp(f->k->knobs[k], f->sysctl[i].name))
			return f->k->knob_dirs[k] ?: f->k->direction;
	return f->k->direction;
}

/* What a counter no entry knows counts, from the SNMP list's own words. */
static const char *counter_why(const struct finding *f)
{
	for (size_t i = 0; i < snmp_drop_count; i++)
		if (!strcmp(snmp_drop_counters[i].nstat, f->name))
			return snmp_drop_counters[i].why;
	return NULL;
}

static const char *finding_why(const struct finding *f)
{
	if (f->k)
		return f->k->why;
	if (f->counter)
		return counter_why(f)
			       ?: "a drop counter no entry of dropscope's knowledge explains";
	return "not in dropscope's knowledge: the kernel's reason name and location are all "
	       "there is";
}

static void print_json_finding(const struct diag *d, const struct finding *f)
{
	char buf[160], b2[32];
	bool first = true;

	printf("{");
	json_kv_str("source", f->counter ? "counter" : "drops", &first);
	json_kv_str("name", f->name, &first);
	json_kv_u64("count", f->count, &first);
	printf(",\"rate_per_s\":%.1f", d->seconds > 0 ? f->count / d->seconds : 0.0);
	if (!f->counter) {
		json_kv_str("location", symname_raw(d, f->loc[0].addr, buf, sizeof(buf)), &first);
		/* The caller only where it is not the location itself (a helper freed it). */
		if (f->caller[0].n && f->caller[0].addr != f->loc[0].addr)
			json_kv_str("caller", symname_raw(d, f->caller[0].addr, buf, sizeof(buf)),
				    &first);
		if (f->dev[0].n)
			json_kv_str("device", f->dev[0].name, &first);
		if (f->netns)
			json_kv_u64("netns", f->netns, &first);
	} else {
		if (f->devname[0])
			json_kv_str("device", f->devname, &first);
		json_kv_u64("netns", f->netns, &first);
	}
	printf(",\"known\":%s", f->k ? "true" : "false");
	json_kv_str("why", finding_why(f), &first);
	printf(",\"evidence\":{");
	first = true;
	if (!f->counter && f->loc[1].n) {
		printf("\"locations\":[");
		for (int i = 0; i < TOP_WHERE && f->loc[i].n; i++) {
			bool fi = true;

			printf("%s{", i ? "," : "");
			json_kv_str("location", symname_raw(d, f->loc[i].addr, buf, sizeof(buf)),
				    &fi);
			json_kv_u64("count", f->loc[i].n, &fi);
			printf("}");
		}
		printf("]");
		first = false;
	}
	if (f->nsocks) {
		printf("%s\"sockets\":[", first ? "" : ",");
		for (int i = 0; i < f->nsocks; i++) {
			const struct sock_info *s = f->socks[i].si;
			bool fi = true;

			printf("%s{", i ? "," : "");
			json_kv_str("protocol", "udp", &fi);
			json_kv_str("address", s->laddr, &fi);
			json_kv_u64("port", s->lport, &fi);
			json_kv_u64("inode", s->inode, &fi);
			json_owner(&f->socks[i], &fi);
			if (s->have_mem) {
				json_kv_u64("rcvbuf", s->rcvbuf, &fi);
				json_kv_u64("rmem_alloc", s->rmem_alloc, &fi);
			}
			if (s->have_drops)
				json_kv_u64("drops", s->drops, &fi);
			if (f->socks[i].grew_known)
				json_kv_u64("drops_in_window", f->socks[i].drops_grew, &fi);
			printf("}");
		}
		printf("]");
		first = false;
	}
	if (f->nlisteners) {
		printf("%s\"listeners\":[", first ? "" : ",");
		for (int i = 0; i < f->nlisteners; i++) {
			const struct sock_info *s = f->listeners[i].si;
			bool fi = true;

			printf("%s{", i ? "," : "");
			json_kv_str("address", s->laddr, &fi);
			json_kv_u64("port", s->lport, &fi);
			json_kv_u64("backlog", s->wqueue, &fi);
			json_kv_u64("accept_queue", s->rqueue, &fi);
			json_kv_u64("inode", s->inode, &fi);
			json_owner(&f->listeners[i], &fi);
			printf("}");
		}
		printf("]");
		first = false;
	}
	if (f->nsysctl) {
		bool fi = true;

		printf("%s\"sysctl\":{", first ? "" : ",");
		for (int i = 0; i < f->nsysctl; i++)
			if (!f->sysctl[i].err)
				json_kv_str(f->sysctl[i].name, f->sysctl[i].value, &fi);
		printf("}");
		first = false;
	}
	if (f->nqdiscs) {
		printf("%s\"qdiscs\":[", first ? "" : ",");
		for (int i = 0; i < f->nqdiscs; i++) {
			const struct ev_qdisc *q = &f->qdiscs[i];
			bool fi = true;

			printf("%s{", i ? "," : "");
			json_kv_str("device", q->dev ?: "?", &fi);
			json_kv_str("kind", q->q->kind, &fi);
			qdisc_handle_str(q->q->handle, b2, sizeof(b2));
			json_kv_str("handle", b2, &fi);
			json_kv_str("parent", qdisc_parent(q->q->parent, b2, sizeof(b2)), &fi);
			if (q->unit) {
				json_kv_u64("limit", q->limit, &fi);
				json_kv_str("limit_unit", q->unit, &fi);
			}
			json_kv_u64("drops", q->drops, &fi);
			json_kv_u64("overlimits", q->overlimits, &fi);
			json_kv_u64("netns", f->netns, &fi);
			printf("}");
		}
		printf("]");
		first = false;
	}
	if (f->k && (f->k->evidence & EV_NFT)) {
		printf("%s\"hook\":", first ? "" : ",");
		if (f->hook)
			json_string(stdout, f->hook);
		else
			printf("null");
		printf(",\"nft\":[");
		for (int i = 0; i < f->nnft; i++) {
			const struct nft_drop_point *p = f->nft[i].p;
			bool fi = true;

			printf("%s{", i ? "," : "");
			json_kv_str("family", p->family, &fi);
			json_kv_str("table", p->table, &fi);
			json_kv_str("chain", p->chain, &fi);
			json_kv_str("hook", p->hook, &fi);
			json_kv_str("kind", p->kind == NFT_DROP_RULE ? "rule" : "policy", &fi);
			json_kv_u64("handle", p->handle, &fi);
			if (p->have_counter)
				json_kv_u64("packets", f->nft[i].packets, &fi);
			else
				printf(",\"packets\":null");
			printf("}");
		}
		printf("]");
		if (f->have_ct)
			printf(",\"conntrack\":{\"drop\":%llu,\"insert_failed\":%llu,\"entries\":%"
			       "llu}",
			       (unsigned long long)f->ct_drop,
			       (unsigned long long)f->ct_insert_failed,
			       (unsigned long long)f->ct_entries);
		first = false;
	}
	if (f->device) {
		bool fi = true;

		mac_text(f->device, buf, sizeof(buf));
		printf("%s\"device\":{", first ? "" : ",");
		json_kv_str("name", f->device->name, &fi);
		json_kv_str("mac", buf, &fi);
		printf(",\"promisc\":%s", f->device->flags & IFF_PROMISC ? "true" : "false");
		if (f->have_otherhost)
			json_kv_u64("rx_otherhost_dropped", f->otherhost, &fi);
		if (!f->ring_err)
			printf(",\"rx_ring\":%u,\"rx_ring_max\":%u", f->ring.rx, f->ring.rx_max);
		printf("}");
		first = false;
	}
	if (f->nports) {
		printf("%s\"ports\":[", first ? "" : ",");
		for (int i = 0; i < f->nports; i++) {
			bool fi = true;

			printf("%s{", i ? "," : "");
			json_kv_str("protocol", proto_name(f->ports[i].proto), &fi);
			json_kv_u64("port", f->ports[i].port, &fi);
			json_kv_u64("count", f->ports[i].n, &fi);
			printf(",\"listening\":%s}", f->ports[i].listening ? "true" : "false");
		}
		printf("]");
		first = false;
	}
	if (f->nsenders) {
		printf("%s\"senders\":[", first ? "" : ",");
		for (int i = 0; i < f->nsenders; i++) {
			const struct sender_hit *x = &f->senders[i];
			char a[INET6_ADDRSTRLEN], m[18];
			bool fi = true;

			inet_ntop(x->family, x->addr, a, sizeof(a));
			snprintf(m, sizeof(m), "%02x:%02x:%02x:%02x:%02x:%02x", x->mac[0],
				 x->mac[1], x->mac[2], x->mac[3], x->mac[4], x->mac[5]);
			printf("%s{", i ? "," : "");
			json_kv_str("address", a, &fi);
			json_kv_str("mac", m, &fi);
			json_kv_u64("count", x->n, &fi);
			if (f->route_err[i] == 0) {
				const struct dev_stats *o =
					dev_by_index(&d->end.snap, f->routes[i].oif);

				printf(",\"route_back\":{");
				fi = true;
				json_kv_str("type", route_type_name(f->routes[i].type), &fi);
				json_kv_str("device", o ? o->name : "", &fi);
				json_kv_str("gateway", f->routes[i].gateway, &fi);
				printf("}");
			} else if (f->route_err[i] < 0) {
				printf(",\"route_back\":{\"error\":");
				json_string(stdout, strerror(-f->route_err[i]));
				printf("}");
			}
			printf("}");
		}
		printf("]");
		first = false;
	}
	if (f->k && (f->k->evidence & EV_NEIGH)) {
		printf("%s\"neighbours\":{\"entries\":%u,\"shown\":[", first ? "" : ",",
		       f->neigh_total);
		for (int i = 0; i < f->nneigh; i++) {
			const struct neigh_entry *e = f->neigh[i];
			const struct dev_stats *dev = dev_by_index(&d->end.snap, e->ifindex);
			bool fi = true;

			printf("%s{", i ? "," : "");
			json_kv_str("address", e->addr, &fi);
			json_kv_str("device", dev ? dev->name : "?", &fi);
			json_kv_str("state", neigh_state_name(e->state), &fi);
			printf("}");
		}
		printf("]}");
		first = false;
	}
	if (f->softnet_cpu >= 0) {
		printf("%s\"softnet\":{\"cpu\":%d,\"cpu_drops\":%llu,\"all_drops\":%llu}",
		       first ? "" : ",", f->softnet_cpu, (unsigned long long)f->softnet_top,
		       (unsigned long long)f->softnet_sum);
		first = false;
	}
	if (f->nnotes) {
		printf("%s\"notes\":[", first ? "" : ",");
		for (int i = 0; i < f->nnotes; i++) {
			printf("%s", i ? "," : "");
			json_string(stdout, f->notes[i]);
		}
		printf("]");
	}
	printf("},\"change\":[");
	if (f->k) {
		bool fi = true;

		printf("{");
		json_kv_str("what", f->k->change, &fi);
		json_kv_str("direction", f->k->direction, &fi);
		printf("}");
		for (int i = 0; i < f->nsysctl; i++) {
			fi = true;
			printf(",{");
			json_kv_str("knob", f->sysctl[i].name, &fi);
			if (f->sysctl[i].err)
				printf(",\"value\":null");
			else
				json_kv_str("value", f->sysctl[i].value, &fi);
			json_kv_str("direction", knob_dir(f, i), &fi);
			if (f->sysctl[i].host)
				printf(",\"host_wide\":true");
			printf("}");
		}
	}
	printf("],\"reconcile\":[");
	for (int i = 0; i < f->nrec; i++) {
		const struct reconcile *r = &f->rec[i];
		bool fi = true;

		printf("%s{", i ? "," : "");
		json_kv_str("counter", r->name, &fi);
		json_kv_u64("delta", r->delta, &fi);
		json_kv_u64("seen", r->seen, &fi);
		printf(",\"agrees\":%s", r->delta == r->seen ? "true" : "false");
		if (r->delta != r->seen && f->k->counters_note)
			json_kv_str("note", f->k->counters_note, &fi);
		printf("}");
	}
	printf("]");
	if (f->k) {
		first = false;
		json_kv_str("kernel_source", f->k->source, &first);
	}
	printf("}");
}

static void print_json(const struct diag *d)
{
	printf("{\"duration_s\":%.1f,\"netns\":", d->seconds);
	if (d->cfg->netns)
		json_string(stdout, d->cfg->netns);
	else
		printf("null");
	printf(",\"netns_inode\":%u,\"findings\":[", d->netns);
	for (int i = 0; i < d->nf; i++) {
		printf("%s", i ? "," : "");
		print_json_finding(d, &d->f[i]);
	}
	printf("]");
	if (!d->nf)
		printf(",\"verdict\":\"no drops seen\"");
	if (d->findings_folded)
		printf(",\"not_shown\":%llu", (unsigned long long)d->findings_folded);
	/* Never silent: drops counted without their key, runs the kernel skipped. */
	printf(",\"unattributed\":%llu,\"missed\":%llu", (unsigned long long)d->overflow,
	       (unsigned long long)d->missed);
	if (d->ports_unsampled)
		printf(",\"ports_unsampled\":%llu", (unsigned long long)d->ports_unsampled);
	printf("}\n");
}

static void print_owner(const struct ev_sock *s)
{
	if (s->owner.pid)
		printf(" pid %d (%s)%s", s->owner.pid, ESC(s->owner.comm),
		       s->owner.nproc > 1 ? " and others" : "");
	else
		printf(" (no process found)");
}

static void print_text_finding(const struct diag *d, const struct finding *f, int i)
{
	const char *ind = "             ";
	char buf[160], b2[32];
	bool said = false;

	printf("\n%d. %llu packets dropped (%.1f/s): %s", i + 1, (unsigned long long)f->count,
	       d->seconds > 0 ? f->count / d->seconds : 0.0, ESC(f->name));
	if (!f->counter) {
		/* As the summary says it: "at CALLER via LOCATION". */
		bool via = f->caller[0].n && f->caller[0].addr != f->loc[0].addr;

		symname(d, via ? f->caller[0].addr : f->loc[0].addr, buf, sizeof(buf));
		printf(" at %s", buf);
		if (via) {
			symname(d, f->loc[0].addr, buf, sizeof(buf));
			printf(" via %s", buf);
		}
		if (f->dev[0].n)
			printf(", dev %s", ESC(f->dev[0].name));
	} else if (f->devname[0]) {
		printf(", dev %s", ESC(f->devname));
	}
	if (f->netns)
		printf(", netns %u", f->netns);
	printf("\n   why:      %s\n", finding_why(f));

#define EVIDENCE() printf("%s", said ? ind : "   evidence: "), said = true
	for (int j = 0; j < f->nsocks; j++) {
		const struct sock_info *s = f->socks[j].si;

		EVIDENCE();
		printf("udp %s%s%s:%u", s->family == AF_INET6 ? "[" : "", ESC(s->laddr),
		       s->family == AF_INET6 ? "]" : "", s->lport);
		print_owner(&f->socks[j]);
		if (s->have_mem)
			printf(": SO_RCVBUF %u bytes, %u queued", s->rcvbuf, s->rmem_alloc);
		if (f->socks[j].grew_known)
			printf(", %u dropped by the socket in the window", f->socks[j].drops_grew);
		printf("\n");
	}
	for (int j = 0; j < f->nlisteners; j++) {
		const struct sock_info *s = f->listeners[j].si;

		EVIDENCE();
		printf("tcp listener %s%s%s:%u", s->family == AF_INET6 ? "[" : "", ESC(s->laddr),
		       s->family == AF_INET6 ? "]" : "", s->lport);
		print_owner(&f->listeners[j]);
		printf(": backlog %u, %u waiting for accept()\n", s->wqueue, s->rqueue);
	}
	for (int j = 0; j < f->nqdiscs; j++) {
		const struct ev_qdisc *q = &f->qdiscs[j];

		EVIDENCE();
		qdisc_handle_str(q->q->handle, b2, sizeof(b2));
		printf("qdisc %s %s on %s", ESC(q->q->kind), b2, ESC(q->dev ?: "?"));
		if (q->unit)
			printf(": limit %u %s", q->limit, q->unit);
		else
			printf(": limit not known for this kind");
		printf(", %llu dropped in the window\n", (unsigned long long)q->drops);
	}
	if (f->k && (f->k->evidence & EV_NFT)) {
		EVIDENCE();
		printf("hook %s\n", f->hook ?: "unknown");
		for (int j = 0; j < f->nnft; j++) {
			const struct nft_drop_point *p = f->nft[j].p;

			printf("%s%s %s %s chain %s", ind,
			       p->kind == NFT_DROP_RULE ? "rule in" : "policy drop of",
			       ESC(p->family), ESC(p->table), ESC(p->chain));
			if (p->hook[0])
				printf(" (hook %s)", ESC(p->hook));
			if (p->kind == NFT_DROP_RULE)
				printf(", handle %llu", (unsigned long long)p->handle);
			if (p->have_counter)
				printf(": %llu packets in the window\n",
				       (unsigned long long)f->nft[j].packets);
			else
				printf(": no counter\n");
		}
		if (f->have_ct && (f->ct_drop || f->ct_insert_failed))
			printf("%sconntrack dropped %llu (no room: %llu entries now), %llu failed "
			       "inserts\n",
			       ind, (unsigned long long)f->ct_drop,
			       (unsigned long long)f->ct_entries,
			       (unsigned long long)f->ct_insert_failed);
	}
	if (f->device) {
		mac_text(f->device, buf, sizeof(buf));
		EVIDENCE();
		printf("device %s: MAC %s, %s", ESC(f->device->name), buf[0] ? buf : "none",
		       f->device->flags & IFF_PROMISC ? "promiscuous" : "not promiscuous");
		if (f->have_otherhost &&
		    (f->otherhost || strstr(f->name, "OTHERHOST") || strstr(f->name, "otherhost")))
			printf(", rx_otherhost_dropped grew by %llu",
			       (unsigned long long)f->otherhost);
		if (!f->ring_err)
			printf(", receive ring %u of at most %u descriptors", f->ring.rx,
			       f->ring.rx_max);
		printf("\n");
	}
	for (int j = 0; j < f->nports; j++) {
		EVIDENCE();
		printf("%s port %u: %llu sampled, %s\n", proto_name(f->ports[j].proto),
		       f->ports[j].port, (unsigned long long)f->ports[j].n,
		       f->ports[j].listening ? "something listens there now"
					     : "nothing listens there");
	}
	for (int j = 0; j < f->nsenders; j++) {
		const struct sender_hit *x = &f->senders[j];
		char a[INET6_ADDRSTRLEN];

		inet_ntop(x->family, x->addr, a, sizeof(a));
		EVIDENCE();
		printf("from %s (MAC %02x:%02x:%02x:%02x:%02x:%02x): %llu sampled", a, x->mac[0],
		       x->mac[1], x->mac[2], x->mac[3], x->mac[4], x->mac[5],
		       (unsigned long long)x->n);
		if (f->route_err[j] == 0) {
			const struct dev_stats *o = dev_by_index(&d->end.snap, f->routes[j].oif);

			printf("; the route back is %s", route_type_name(f->routes[j].type));
			if (o)
				printf(" via dev %s%s", ESC(o->name),
				       f->dev[0].n && f->routes[j].oif != (int)f->dev[0].addr
					       ? " (not where it came in)"
					       : "");
			if (f->routes[j].gateway[0])
				printf(" gateway %s", f->routes[j].gateway);
		} else if (f->route_err[j] < 0) {
			printf("; no route back (%s)", strerror(-f->route_err[j]));
		}
		printf("\n");
	}
	for (int j = 0; j < f->nneigh; j++) {
		const struct neigh_entry *e = f->neigh[j];
		const struct dev_stats *dev = dev_by_index(&d->end.snap, e->ifindex);

		EVIDENCE();
		printf("neighbour %s on %s: %s\n", ESC(e->addr), ESC(dev ? dev->name : "?"),
		       neigh_state_name(e->state));
	}
	if (f->k && (f->k->evidence & EV_NEIGH)) {
		EVIDENCE();
		printf("%u entries in the neighbour tables\n", f->neigh_total);
	}
	if (f->softnet_cpu >= 0) {
		EVIDENCE();
		printf("CPU %d had %llu of the %llu backlog drops\n", f->softnet_cpu,
		       (unsigned long long)f->softnet_top, (unsigned long long)f->softnet_sum);
	}
	for (int j = 0; j < f->nnotes; j++) {
		EVIDENCE();
		printf("(%s)\n", ESC(f->notes[j]));
	}
#undef EVIDENCE
	if (f->k)
		printf("   change:   %s\n", f->k->change);
	else
		printf("   change:   not known; `dropscope --by location,caller --stacks` shows "
		       "the "
		       "path\n");
	/* The knobs, each with its value now and which way to turn it. */
	for (int j = 0; j < f->nsysctl; j++) {
		const struct sysctl_val *v = &f->sysctl[j];

		/* A knob of a module not loaded here says nothing. */
		if (v->err == -ENOENT)
			continue;
		if (v->err)
			printf("%s%s %s: not readable (%s)\n", ind, knob_dir(f, j), ESC(v->name),
			       strerror(-v->err));
		else
			printf("%s%s %s (now %s%s)\n", ind, knob_dir(f, j), ESC(v->name),
			       ESC(v->value), v->host ? ", host-wide" : "");
	}
	for (int j = 0; j < f->nrec; j++) {
		const struct reconcile *r = &f->rec[j];

		if (r->delta == r->seen)
			printf("   agrees:   %s grew by %llu, as the tracepoint counted\n", r->name,
			       (unsigned long long)r->delta);
		else
			printf("   DIFFERS:  %s grew by %llu, the tracepoint counted %llu%s%s\n",
			       r->name, (unsigned long long)r->delta, (unsigned long long)r->seen,
			       f->k->counters_note ? ": " : "", f->k->counters_note ?: "");
	}
	if (f->k)
		printf("   source:   %s\n", f->k->source);
}

static void print_text(const struct diag *d)
{
	printf("dropscope diagnose: %.1f s, netns %s", d->seconds,
	       d->cfg->netns ? ESC(d->cfg->netns) : "(all; counters of our own)");
	if (!d->nf)
		printf(": no drops seen\n");
	else
		printf(": %d finding%s\n", d->nf, d->nf == 1 ? "" : "s");
	for (int i = 0; i < d->nf; i++)
		print_text_finding(d, &d->f[i], i);
	if (d->findings_folded)
		printf("\n(%llu more drops in findings beyond the first %d)\n",
		       (unsigned long long)d->findings_folded, MAX_FINDINGS);
	if (d->overflow)
		printf("\n%llu drops not attributed (the in-kernel table was full: --max-keys)\n",
		       (unsigned long long)d->overflow);
	if (d->missed)
		printf("\n%llu program runs skipped by the kernel (nested): their drops are not "
		       "counted\n",
		       (unsigned long long)d->missed);
}

/* ---- the command --------------------------------------------------------- */

static __u32 own_netns(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : (__u32)st.st_ino;
}

int diagnose_run(const struct config *cfg)
{
	struct config mcfg = *cfg;
	struct loader_opts lopts = {};
	struct ring_buffer *rb = NULL;
	struct diag *d;
	const struct drop_delta *rows;
	char err[512], helpers[512];
	double start, end;
	int rc, n;

	if (cfg->by || cfg->folded || cfg->by_reason || cfg->write || cfg->filter_expr) {
		fprintf(stderr, "dropscope diagnose: --by, -r, --stacks, --folded and -w are not "
				"for diagnose (it groups by reason itself)\n");
		return 2;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		fprintf(stderr, "dropscope: out of memory\n");
		return 1;
	}
	d->cfg = cfg;
	d->m.sigfd = -1;
	if (cfg->netns) {
		rc = netns_resolve(cfg->netns, &d->netns);
		if (rc) {
			fprintf(stderr, "dropscope: --netns %s: %s\n", ESC(cfg->netns),
				strerror(-rc));
			rc = 2;
			goto out;
		}
	} else {
		d->netns = own_netns();
	}
	/* The counters first: "start" must come before any drop we count. */
	/* Without the namespace's counters there is no evidence: refuse, as the exporter does. */
	rc = counter_src_open_extra(&d->src, cfg->netns, COUNTER_SRC_SOCKETS | COUNTER_SRC_NFT, err,
				    sizeof(err));
	if (rc) {
		fprintf(stderr, "dropscope: %s\n", err);
		rc = rc == -ENOENT || rc == -EINVAL || rc == -ESRCH ? 2 : 1;
		goto out;
	}
	d->have_src = true;
	side_read(d, &d->start);

	mcfg.by = DIAG_DIMS;
	/*
	 * The netfilter hook is the function that called into netfilter: look
	 * past the hook runner and the nftables chain walkers (6.x drops in
	 * nft_do_chain itself; these exist only where nftables is built in
	 * or loaded).
	 */
	snprintf(helpers, sizeof(helpers), "%s%s%s", cfg->helpers ?: "", cfg->helpers ? "," : "",
		 NETFILTER_FRAMES);
	mcfg.helpers = helpers;
	lopts.events = (struct event_opts){ .enabled = true,
					    .snaplen = SAMPLE_SNAPLEN,
					    .rate = SAMPLE_RATE };
	rc = monitor_start(&d->m, &mcfg, &lopts);
	if (rc)
		goto out;
	rb = ring_buffer__new(loader__events_fd(d->m.loader), on_event, d, NULL);
	if (!rb) {
		fprintf(stderr, "dropscope: ring buffer: %s\n", strerror(errno));
		rc = 1;
		goto out;
	}
	start = mono_now();
	end = start + (cfg->duration > 0 ? cfg->duration : DIAGNOSE_SECONDS);
	while (mono_now() < end) {
		double until = mono_now() + 0.1;

		if (monitor_wait(&d->m, until < end ? until : end, ring_buffer__epoll_fd(rb)))
			break;
		ring_buffer__consume(rb);
	}
	d->seconds = mono_now() - start;
	/* Detach, then read: every drop of the window is in the maps. */
	loader__detach(d->m.loader);
	ring_buffer__consume(rb);
	side_read(d, &d->end);

	n = counts__totals(d->m.counts, &rows);
	if (n < 0) {
		fprintf(stderr, "dropscope: reading the counts: %s\n", strerror(-n));
		rc = 1;
		goto out;
	}
	{
		__u64 st[STAT_MAX];

		counts__stat_totals(d->m.counts, st);
		d->overflow = st[STAT_OVERFLOW];
		d->missed = counts__missed_total(d->m.counts);
	}
	findings_from_rows(d, rows, n);
	reconcile(d);
	findings_from_counters(d);
	/* Sorted before the evidence: a finding's knob names point into it. */
	qsort(d->f, (size_t)d->nf, sizeof(d->f[0]), finding_cmp);
	for (int i = 0; i < d->nf; i++)
		evidence(d, &d->f[i]);
	if (cfg->json)
		print_json(d);
	else
		print_text(d);
	rc = 0;
out:
	ring_buffer__free(rb);
	monitor_end(&d->m);
	if (d->have_src)
		counter_src_close(&d->src);
	side_free(&d->start);
	side_free(&d->end);
	free(d);
	return rc;
}
