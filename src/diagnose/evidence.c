// SPDX-License-Identifier: GPL-2.0
/*
 * The evidence kinds diagnose reads for a finding, as a table: the
 * knowledge bit that asks for each, its reader, its text and its JSON.
 * Sockets from sock_diag, qdiscs and devices from the counter snapshots,
 * nftables drop points, neighbours and routes over rtnetlink, sysctls,
 * ring sizes from ethtool; netfilter's and the addresses' kinds have files of their own. Nothing is changed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>
#include <linux/pkt_sched.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "counters/procs.h"
#include "counters/delta.h"
#include "diagnose/evidence.h"
#include "diagnose/evidence_addr.h"
#include "diagnose/evidence_nft.h"
#include "lib/escape.h"

void note(struct finding *f, const char *fmt, ...)
{
	va_list ap;

	if (f->ev.nnotes >= MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(f->ev.notes[f->ev.nnotes++], sizeof(f->ev.notes[0]), fmt, ap);
	va_end(ap);
}

static const char *proto_name(__u8 p)
{
	return p == IPPROTO_UDP ? "udp" : p == IPPROTO_TCP ? "tcp" : "?";
}

/* The finding's sampled destination ports of proto, most first (at most max). */
static int top_ports(const struct window *w, const struct finding *f, __u8 proto,
		     struct ev_port *out, int max)
{
	int n = 0;

	for (int i = 0; i < PORT_SLOTS; i++) {
		const struct port_hit *p = &w->sample.ports[i];
		int j;

		if (!p->proto || (proto && p->proto != proto) || p->netns != f->at.netns ||
		    p->reason != f->reason || (f->at.proto && p->proto != f->at.proto))
			continue;
		if (n < max) {
			j = n++;
		} else {
			j = max - 1;
			if (out[j].n >= p->n)
				continue;
		}
		out[j] = (struct ev_port){ p->proto, p->port, p->n, false };
		for (; j > 0 && out[j].n > out[j - 1].n; j--) {
			struct ev_port t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	}
	return n;
}

/* ---- sockets: UDP receivers, TCP listeners ----------------------------------- */

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
static void udp_collect(struct ev_ctx *c, struct finding *f)
{
	const struct window *w = c->w;
	struct ev_sockets *e = &f->ev.sockets;
	struct ev_port ports[EV_MAX];
	int np;

	for (int i = 0; i < w->end.nudp && e->nudp < EV_MAX; i++) {
		const struct sock_info *s = &w->end.udp[i], *p;

		p = sock_by_inode(w->start.udp, w->start.nudp, s->inode);
		if (!s->have_drops || !p || !p->have_drops || s->drops == p->drops)
			continue;
		e->udp[e->nudp++] = (struct ev_sock){ .si = s,
						      .drops_grew = s->drops - p->drops,
						      .grew_known = true };
	}
	np = top_ports(w, f, IPPROTO_UDP, ports, EV_MAX);
	for (int j = 0; !e->nudp && j < np; j++)
		for (int i = 0; i < w->end.nudp && e->nudp < EV_MAX; i++)
			if (w->end.udp[i].lport == ports[j].port)
				e->udp[e->nudp++] = (struct ev_sock){ .si = &w->end.udp[i] };
	if (!e->nudp)
		note(f, "no UDP socket whose drop counter grew or bound to a dropped packet's port "
			"(closed since, or not UDP)");
	owners(e->udp, e->nudp);
}

static void owner_text(FILE *out, const struct ev_sock *s)
{
	if (s->owner.pid)
		fprintf(out, " pid %d (%s)%s", s->owner.pid, ESC(s->owner.comm),
			s->owner.nproc > 1 ? " and others" : "");
	else
		fprintf(out, " (no process found)");
}

static void sock_addr_text(FILE *out, const char *what, const struct sock_info *s)
{
	fprintf(out, "%s %s%s%s:%u", what, s->family == AF_INET6 ? "[" : "", ESC(s->laddr),
		s->family == AF_INET6 ? "]" : "", s->lport);
}

static void udp_text(struct print_ctx *p, const struct finding *f)
{
	const struct ev_sockets *e = &f->ev.sockets;

	for (int j = 0; j < e->nudp; j++) {
		const struct sock_info *s = e->udp[j].si;

		ev_line(p);
		sock_addr_text(p->out, "udp", s);
		owner_text(p->out, &e->udp[j]);
		if (s->have_mem)
			fprintf(p->out, ": SO_RCVBUF %u bytes, %u queued", s->rcvbuf,
				s->rmem_alloc);
		if (e->udp[j].grew_known)
			fprintf(p->out, ", %u dropped by the socket in the window",
				e->udp[j].drops_grew);
		fprintf(p->out, "\n");
	}
}

static void owner_json(struct json *j, const struct ev_sock *s)
{
	json_u64(j, "pid", (__u64)s->owner.pid);
	json_str(j, "comm", s->owner.pid ? s->owner.comm : NULL);
}

static void udp_json(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	const struct ev_sockets *e = &f->ev.sockets;

	(void)p;
	if (!e->nudp)
		return;
	json_array_begin(j, "sockets");
	for (int i = 0; i < e->nudp; i++) {
		const struct sock_info *s = e->udp[i].si;

		json_object_begin(j, NULL);
		json_str(j, "protocol", "udp");
		json_str(j, "address", s->laddr);
		json_u64(j, "port", s->lport);
		json_u64(j, "inode", s->inode);
		owner_json(j, &e->udp[i]);
		if (s->have_mem) {
			json_u64(j, "rcvbuf", s->rcvbuf);
			json_u64(j, "rmem_alloc", s->rmem_alloc);
		}
		if (s->have_drops)
			json_u64(j, "drops", s->drops);
		if (e->udp[i].grew_known)
			json_u64(j, "drops_in_window", e->udp[i].drops_grew);
		json_object_end(j);
	}
	json_array_end(j);
}

/* The listeners the drops went to (sampled ports), else those whose queue is full now. */
static void listeners_collect(struct ev_ctx *c, struct finding *f)
{
	const struct window *w = c->w;
	struct ev_sockets *e = &f->ev.sockets;
	struct ev_port ports[EV_MAX];
	int np = top_ports(w, f, IPPROTO_TCP, ports, EV_MAX);

	for (int j = 0; j < np; j++)
		for (int i = 0; i < w->end.ntcp && e->nlisteners < EV_MAX; i++)
			if (w->end.tcp[i].lport == ports[j].port)
				e->listeners[e->nlisteners++] =
					(struct ev_sock){ .si = &w->end.tcp[i] };
	for (int i = 0; !e->nlisteners && i < w->end.ntcp; i++) {
		const struct sock_info *s = &w->end.tcp[i];

		if (s->rqueue && s->rqueue >= s->wqueue && e->nlisteners < EV_MAX)
			e->listeners[e->nlisteners++] = (struct ev_sock){ .si = s };
	}
	if (!e->nlisteners)
		note(f, "no TCP listener with a full accept queue now (it may have drained)");
	owners(e->listeners, e->nlisteners);
}

static void listeners_text(struct print_ctx *p, const struct finding *f)
{
	const struct ev_sockets *e = &f->ev.sockets;

	for (int j = 0; j < e->nlisteners; j++) {
		const struct sock_info *s = e->listeners[j].si;

		ev_line(p);
		sock_addr_text(p->out, "tcp listener", s);
		owner_text(p->out, &e->listeners[j]);
		fprintf(p->out, ": backlog %u, %u waiting for accept()\n", s->wqueue, s->rqueue);
	}
}

static void listeners_json(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	const struct ev_sockets *e = &f->ev.sockets;

	(void)p;
	if (!e->nlisteners)
		return;
	json_array_begin(j, "listeners");
	for (int i = 0; i < e->nlisteners; i++) {
		const struct sock_info *s = e->listeners[i].si;

		json_object_begin(j, NULL);
		json_str(j, "address", s->laddr);
		json_u64(j, "port", s->lport);
		json_u64(j, "backlog", s->wqueue);
		json_u64(j, "accept_queue", s->rqueue);
		json_u64(j, "inode", s->inode);
		owner_json(j, &e->listeners[i]);
		json_object_end(j);
	}
	json_array_end(j);
}

/* ---- knobs: the sysctls the knowledge names, with their values ----------------- */

static void knobs_collect(struct ev_ctx *c, struct finding *f)
{
	const char *dev = f->counter ? f->at.devname : f->at.dev[0].name;
	struct ev_knobs *e = &f->ev.knobs;

	for (int i = 0; i < KNOWLEDGE_KNOBS && f->k->knobs[i]; i++) {
		const char *k = f->k->knobs[i], *at = strstr(k, "{dev}");
		char *kn = e->names[e->n];

		if (at && !dev[0])
			continue;
		if (at) {
			size_t o = (size_t)(at - k);

			/* sysctl(8)'s form: a '.' of the device's name is a '/' (eth0/100). */
			snprintf(kn, sizeof(e->names[0]), "%.*s%s%s", (int)o, k, dev, at + 5);
			for (char *p = kn + o; *p && p < kn + o + strlen(dev); p++)
				if (*p == '.')
					*p = '/';
		} else {
			snprintf(kn, sizeof(e->names[0]), "%s", k);
		}
		e->v[e->n].name = kn;
		e->n++;
	}
	if (e->n)
		sysctls_read(c->w->netns_arg, e->v, (size_t)e->n);
}

static void knobs_json(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	const struct ev_knobs *e = &f->ev.knobs;

	(void)p;
	if (!e->n)
		return;
	json_object_begin(j, "sysctl");
	for (int i = 0; i < e->n; i++)
		if (!e->v[i].err)
			json_str(j, e->v[i].name, e->v[i].value);
	json_object_end(j);
}

/* ---- qdiscs whose drops grew --------------------------------------------------- */

static void qdiscs_collect(struct ev_ctx *c, struct finding *f)
{
	const struct counter_snapshot *a = &c->w->start.snap, *b = &c->w->end.snap;

	for (size_t i = 0; i < b->nqdisc && f->ev.nqdiscs < EV_MAX; i++) {
		const struct qdisc_stats *q = &b->qdisc[i], *p = counter_qdisc_match(a, q);
		const struct dev_stats *dev = dev_by_index(b, q->ifindex);
		struct ev_qdisc *e;

		if (!p || q->drops == p->drops)
			continue;
		e = &f->ev.qdiscs[f->ev.nqdiscs++];
		*e = (struct ev_qdisc){ .q = q,
					.dev = dev ? dev->name : NULL,
					.limit = q->limit,
					.unit = q->limit_unit,
					.drops = counter_grew32(p->drops, q->drops),
					.overlimits =
						counter_grew32(p->overlimits, q->overlimits) };
		/* pfifo_fast queues up to the device's txqueuelen. */
		if (!e->unit && dev && !strcmp(q->kind, "pfifo_fast")) {
			e->limit = dev->txqlen;
			e->unit = "packets";
		}
	}
	if (!f->ev.nqdiscs)
		note(f, "no qdisc's drop counter grew in the window");
}

static void qdiscs_text(struct print_ctx *p, const struct finding *f)
{
	char h[32];

	for (int j = 0; j < f->ev.nqdiscs; j++) {
		const struct ev_qdisc *q = &f->ev.qdiscs[j];

		ev_line(p);
		qdisc_handle_str(q->q->handle, h, sizeof(h));
		fprintf(p->out, "qdisc %s %s on %s", ESC(q->q->kind), h, ESC(q->dev ?: "?"));
		if (q->unit)
			fprintf(p->out, ": limit %u %s", q->limit, q->unit);
		else
			fprintf(p->out, ": limit not known for this kind");
		fprintf(p->out, ", %llu dropped in the window\n", (unsigned long long)q->drops);
	}
}

static void qdiscs_json(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	char h[32];

	(void)p;
	if (!f->ev.nqdiscs)
		return;
	json_array_begin(j, "qdiscs");
	for (int i = 0; i < f->ev.nqdiscs; i++) {
		const struct ev_qdisc *q = &f->ev.qdiscs[i];

		json_object_begin(j, NULL);
		json_str(j, "device", q->dev ?: "?");
		json_str(j, "kind", q->q->kind);
		qdisc_handle_str(q->q->handle, h, sizeof(h));
		json_str(j, "handle", h);
		if (q->q->parent == TC_H_ROOT)
			snprintf(h, sizeof(h), "root");
		else
			qdisc_handle_str(q->q->parent, h, sizeof(h));
		json_str(j, "parent", h);
		if (q->unit) {
			json_u64(j, "limit", q->limit);
			json_str(j, "limit_unit", q->unit);
		}
		json_u64(j, "drops", q->drops);
		json_u64(j, "overlimits", q->overlimits);
		json_u64(j, "netns", f->at.netns);
		json_object_end(j);
	}
	json_array_end(j);
}

/* ---- device, softnet ------------------------------------------------------------ */

static int finding_ifindex(const struct finding *f)
{
	return f->counter ? f->at.ifindex : (int)f->at.dev[0].addr;
}

static void device_collect(struct ev_ctx *c, struct finding *f)
{
	int ifindex = finding_ifindex(f);
	const struct dev_stats *b = dev_by_index(&c->w->end.snap, ifindex),
			       *a = dev_by_index(&c->w->start.snap, ifindex);
	struct ev_device *e = &f->ev.device;

	if (!ifindex || !b) {
		note(f, "the device is not known");
		return;
	}
	e->dev = b;
	if (f->k->evidence & EV_RING) {
		e->ring_err = ethtool_ring(c->w->netns_arg, b->name, &e->ring);
		if (e->ring_err)
			note(f, "the driver does not report its ring sizes (%s)",
			     strerror(-e->ring_err));
	}
	if (a && b->have[DEV_RX_OTHERHOST]) {
		e->otherhost = counter_grew64(a->v[DEV_RX_OTHERHOST], b->v[DEV_RX_OTHERHOST]);
		e->have_otherhost = true;
	}
}

static void mac_text(const struct dev_stats *dev, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (int i = 0; i < dev->addr_len && o + 4 <= len; i++)
		o += (size_t)snprintf(buf + o, len - o, i ? ":%02x" : "%02x", dev->addr[i]);
}

static void device_text(struct print_ctx *p, const struct finding *f)
{
	const struct ev_device *e = &f->ev.device;
	char mac[96];

	if (!e->dev)
		return;
	mac_text(e->dev, mac, sizeof(mac));
	ev_line(p);
	fprintf(p->out, "device %s: MAC %s, %s%s", ESC(e->dev->name), mac[0] ? mac : "none",
		e->dev->flags & IFF_PROMISC ? "promiscuous" : "not promiscuous",
		e->dev->flags & IFF_UP ? "" : ", down");
	if (f->cause && !strcmp(f->cause, "veth_peer"))
		fprintf(p->out, ", MTU %u", e->dev->mtu);
	if (e->have_otherhost &&
	    (e->otherhost || strstr(f->name, "OTHERHOST") || strstr(f->name, "otherhost")))
		fprintf(p->out, ", rx_otherhost_dropped grew by %llu",
			(unsigned long long)e->otherhost);
	if (!e->ring_err)
		fprintf(p->out, ", receive ring %u of at most %u descriptors", e->ring.rx,
			e->ring.rx_max);
	fprintf(p->out, "\n");
}

static void device_json(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	const struct ev_device *e = &f->ev.device;
	char mac[96];

	(void)p;
	if (!e->dev)
		return;
	mac_text(e->dev, mac, sizeof(mac));
	json_object_begin(j, "device");
	json_str(j, "name", e->dev->name);
	json_str(j, "mac", mac);
	json_bool(j, "promisc", e->dev->flags & IFF_PROMISC);
	json_bool(j, "up", e->dev->flags & IFF_UP);
	json_u64(j, "mtu", e->dev->mtu);
	if (e->have_otherhost)
		json_u64(j, "rx_otherhost_dropped", e->otherhost);
	if (!e->ring_err) {
		json_u64(j, "rx_ring", e->ring.rx);
		json_u64(j, "rx_ring_max", e->ring.rx_max);
	}
	json_object_end(j);
}

static void softnet_collect(struct ev_ctx *c, struct finding *f)
{
	const struct counter_snapshot *a = &c->w->start.snap, *b = &c->w->end.snap;
	struct ev_softnet *e = &f->ev.softnet;

	for (size_t i = 0; i < b->nsoftnet && i < a->nsoftnet; i++) {
		__u64 g = counter_grew64(a->softnet[i].dropped, b->softnet[i].dropped);

		e->sum += g;
		if (g > e->top) {
			e->top = g;
			e->cpu = (int)b->softnet[i].cpu;
		}
	}
}

static void softnet_text(struct print_ctx *p, const struct finding *f)
{
	const struct ev_softnet *e = &f->ev.softnet;

	if (e->cpu < 0)
		return;
	ev_line(p);
	fprintf(p->out, "CPU %d had %llu of the %llu backlog drops\n", e->cpu,
		(unsigned long long)e->top, (unsigned long long)e->sum);
}

static void softnet_json(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	const struct ev_softnet *e = &f->ev.softnet;

	(void)p;
	if (e->cpu < 0)
		return;
	json_object_begin(j, "softnet");
	json_i64(j, "cpu", e->cpu);
	json_u64(j, "cpu_drops", e->top);
	json_u64(j, "all_drops", e->sum);
	json_object_end(j);
}

/* ---- ports, senders and the routes back to them ---------------------------------- */

static void ports_collect(struct ev_ctx *c, struct finding *f)
{
	const struct side *s = &c->w->end;

	f->ev.nports = top_ports(c->w, f, 0, f->ev.ports, EV_MAX);
	for (int i = 0; i < f->ev.nports; i++) {
		struct ev_port *p = &f->ev.ports[i];

		if (p->proto == IPPROTO_UDP)
			for (int j = 0; j < s->nudp; j++)
				p->listening |= s->udp[j].lport == p->port;
		else
			for (int j = 0; j < s->ntcp; j++)
				p->listening |= s->tcp[j].lport == p->port;
	}
	if (!f->ev.nports)
		note(f, "no sampled packet had a TCP or UDP port");
}

static void ports_text(struct print_ctx *p, const struct finding *f)
{
	for (int j = 0; j < f->ev.nports; j++) {
		const struct ev_port *e = &f->ev.ports[j];

		ev_line(p);
		fprintf(p->out, "%s port %u: %llu sampled, %s\n", proto_name(e->proto), e->port,
			(unsigned long long)e->n,
			e->listening ? "something listens there now" : "nothing listens there");
	}
}

static void ports_json(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	(void)p;
	if (!f->ev.nports)
		return;
	json_array_begin(j, "ports");
	for (int i = 0; i < f->ev.nports; i++) {
		json_object_begin(j, NULL);
		json_str(j, "protocol", proto_name(f->ev.ports[i].proto));
		json_u64(j, "port", f->ev.ports[i].port);
		json_u64(j, "count", f->ev.ports[i].n);
		json_bool(j, "listening", f->ev.ports[i].listening);
		json_object_end(j);
	}
	json_array_end(j);
}

/* ---- neighbours: unresolved first (FAILED, INCOMPLETE, PROBE) on the device --------- */

static void neigh_collect(struct ev_ctx *c, struct finding *f)
{
	struct side *s = &c->w->end;
	struct ev_neigh *e = &f->ev.neigh;
	int ifindex = finding_ifindex(f);

	if (!s->neigh_read) {
		int n = neigh_read(c->src->nl, &c->src->seq, &s->neigh);

		s->neigh_read = true;
		s->nneigh = n > 0 ? n : 0;
		if (n < 0)
			note(f, "the neighbour table could not be read (%s)", strerror(-n));
	}
	e->total = (unsigned)s->nneigh;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < s->nneigh && e->n < EV_MAX; i++) {
			const struct neigh_entry *x = &s->neigh[i];
			bool bad = x->state & (NUD_FAILED | NUD_INCOMPLETE | NUD_PROBE);

			/* NOARP and PERMANENT entries (multicast, static) resolve nothing. */
			if ((ifindex && x->ifindex != ifindex) || bad != !pass ||
			    (x->state & (NUD_NOARP | NUD_PERMANENT)))
				continue;
			e->e[e->n++] = x;
		}
}

static void neigh_text(struct print_ctx *p, const struct finding *f)
{
	const struct ev_neigh *e = &f->ev.neigh;

	for (int j = 0; j < e->n; j++) {
		const struct dev_stats *dev = dev_by_index(&p->w->end.snap, e->e[j]->ifindex);

		ev_line(p);
		fprintf(p->out, "neighbour %s on %s: %s\n", ESC(e->e[j]->addr),
			ESC(dev ? dev->name : "?"), neigh_state_name(e->e[j]->state));
	}
	ev_line(p);
	fprintf(p->out, "%u entries in the neighbour tables\n", e->total);
}

static void neigh_json(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	const struct ev_neigh *e = &f->ev.neigh;

	json_object_begin(j, "neighbours");
	json_u64(j, "entries", e->total);
	json_array_begin(j, "shown");
	for (int i = 0; i < e->n; i++) {
		const struct dev_stats *dev = dev_by_index(&p->w->end.snap, e->e[i]->ifindex);

		json_object_begin(j, NULL);
		json_str(j, "address", e->e[i]->addr);
		json_str(j, "device", dev ? dev->name : "?");
		json_str(j, "state", neigh_state_name(e->e[i]->state));
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

/* ---- the table ------------------------------------------------------------------- */

static const struct ev_kind kinds[] = {
	{ EV_UDP_SOCKETS, udp_collect, udp_text, udp_json },
	{ EV_LISTENERS, listeners_collect, listeners_text, listeners_json },
	{ 0, knobs_collect, NULL, knobs_json },
	{ EV_QDISCS, qdiscs_collect, qdiscs_text, qdiscs_json },
	{ EV_NFT, nft_collect, nft_text, nft_json },
	{ EV_DEVICE, device_collect, device_text, device_json },
	{ EV_PORTS, ports_collect, ports_text, ports_json },
	{ EV_SENDERS, senders_collect, senders_text, senders_json },
	{ EV_DESTS, dests_collect, dests_text, dests_json },
	{ EV_SYN_PEERS, synpeers_collect, synpeers_text, synpeers_json },
	{ EV_NEIGH, neigh_collect, neigh_text, neigh_json },
	{ EV_SOFTNET, softnet_collect, softnet_text, softnet_json },
};

/* The value of knob name as read for the finding, or -1. */
static long long knob_value(const struct finding *f, const char *name, int *idx)
{
	const struct ev_knobs *e = &f->ev.knobs;
	char *end;
	long long v;

	for (int i = 0; i < e->n; i++) {
		if (strcmp(e->v[i].name, name) || e->v[i].err)
			continue;
		errno = 0;
		v = strtoll(e->v[i].value, &end, 10);
		if (errno || end == e->v[i].value || v <= 0)
			return -1;
		*idx = i;
		return v;
	}
	return -1;
}

/*
 * A socket's own limit far below the sysctl that would be its default
 * (under a quarter) was set by the application: SO_RCVBUF (a socket
 * that sets none gets rmem_default), a listen() backlog (capped, not
 * set, by somaxconn). Advising to raise the sysctl would change nothing:
 * said, and the knob turned to "check".
 */
static void app_limits(struct finding *f)
{
	const struct ev_sockets *e = &f->ev.sockets;
	struct ev_knobs *k = &f->ev.knobs;
	long long def;
	__u32 most = 0;
	int idx, n = 0;

	if ((f->k->evidence & EV_UDP_SOCKETS) &&
	    (def = knob_value(f, "net.core.rmem_default", &idx)) > 0) {
		for (int i = 0; i < e->nudp; i++, n++)
			if (e->udp[i].si->rcvbuf > most)
				most = e->udp[i].si->rcvbuf;
		if (n && (long long)most * 4 <= def) {
			k->app_set[idx] = true;
			if (knob_value(f, "net.core.rmem_max", &idx) > 0)
				k->app_set[idx] = true;
			note(f,
			     "the application set the socket's own SO_RCVBUF (%s%u bytes) far "
			     "below net.core.rmem_default (%lld): the sysctls change nothing for "
			     "it; give it a larger SO_RCVBUF",
			     n > 1 ? "the largest of its sockets: " : "", most, def);
		}
	}
	most = 0;
	n = 0;
	if ((f->k->evidence & EV_LISTENERS) &&
	    (def = knob_value(f, "net.core.somaxconn", &idx)) > 0) {
		for (int i = 0; i < e->nlisteners; i++, n++)
			if (e->listeners[i].si->wqueue > most)
				most = e->listeners[i].si->wqueue;
		if (n && (long long)most * 4 <= def) {
			k->app_set[idx] = true;
			note(f,
			     "the application called listen() with a backlog of %u, far below "
			     "net.core.somaxconn (%lld), which only caps it: raising the sysctl "
			     "changes nothing; listen() with a larger backlog",
			     most, def);
		}
	}
}

const struct ev_kind *ev_kinds(size_t *n)
{
	*n = sizeof(kinds) / sizeof(kinds[0]);
	return kinds;
}

void evidence_collect(struct ev_ctx *c, struct finding *f)
{
	if (!f->k)
		return;
	if (!f->at.primary) {
		if (f->at.nns > 1)
			note(f,
			     "evidence is read in one namespace; these drops are in %d others: run "
			     "with --netns %u for the largest",
			     f->at.nns, f->at.netns);
		else
			note(f,
			     "evidence is read in one namespace; run with --netns %u for this one",
			     f->at.netns);
		return;
	}
	if (f->pair.in_peer) {
		note(f,
		     "%llu of them were dropped in the pair's peer namespace %u, on its end %s; "
		     "its counters and rules are not read here: run with --netns %u for them",
		     (unsigned long long)f->pair_in_peer_n, f->pair.peer_netns,
		     f->pair.p->peer_err ? "(not readable)" : f->pair.p->peer_name,
		     f->pair.peer_netns);
		/* All there: this namespace's counters and rules say nothing of them. */
		if (f->pair_in_peer_n >= f->at.primary_n)
			return;
	}
	if (!c->w->have_src) {
		note(f, "the namespace's counters could not be read");
		return;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!kinds[i].flag || (f->k->evidence & kinds[i].flag))
			kinds[i].collect(c, f);
	app_limits(f);
}
