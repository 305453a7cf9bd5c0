// SPDX-License-Identifier: GPL-2.0
/*
 * The address evidence kinds: who sent what was dropped (source address
 * and MAC) with the route back to each, and where it was going with the
 * route to each (forwarding with no route), as `ip route get` answers.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "diagnose/evidence_addr.h"
#include "lib/escape.h"

/*
 * Puts x among the EV_MAX hits (each `size` bytes, its count at count_off)
 * that count most, most first, after those that count as much; the list
 * keeps its last when x counts no more. Senders and destinations differ
 * in their hits' layout only.
 */
static void keep_top(void *hits, int *len, size_t size, size_t count_off, const void *x)
{
	char *h = hits;
	__u64 n, at;
	int j = *len < EV_MAX ? *len : EV_MAX - 1, k;

	memcpy(&n, (const char *)x + count_off, sizeof(n));
	if (*len == EV_MAX) {
		memcpy(&at, h + j * size + count_off, sizeof(at));
		if (at >= n)
			return;
	} else {
		(*len)++;
	}
	for (k = j; k > 0; k--) {
		memcpy(&at, h + (k - 1) * size + count_off, sizeof(at));
		if (at >= n)
			break;
	}
	memmove(h + (k + 1) * size, h + k * size, (j - k) * size);
	memcpy(h + k * size, x, size);
}

/* A drop location among the finding's (a reason's drops elsewhere are another finding's). */
static bool of_finding(const struct finding *f, __u64 location)
{
	for (int i = 0; i < TOP_WHERE && f->at.loc[i].n; i++)
		if (f->at.loc[i].addr == location)
			return true;
	return false;
}

/* Who sent what was dropped, most first: for drops a sender must fix. */
void senders_collect(struct ev_ctx *c, struct finding *f)
{
	struct ev_senders *e = &f->ev.senders;

	for (int i = 0; i < SENDER_SLOTS; i++) {
		const struct sender_hit *x = &c->w->sample.senders[i];

		if (!x->family || x->netns != f->at.netns || x->reason != f->reason ||
		    !of_finding(f, x->location))
			continue;
		keep_top(e->hit, &e->n, sizeof(*x), offsetof(struct sender_hit, n), x);
	}
	for (int i = 0; i < e->n; i++)
		e->route_err[i] = f->k->evidence & EV_ROUTE
					  ? route_get(c->src->nl, &c->src->seq, e->hit[i].family,
						      e->hit[i].addr, &e->routes[i])
					  : 1;
}

static void mac6_text(const __u8 *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

void senders_text(struct print_ctx *p, const struct finding *f)
{
	const struct ev_senders *e = &f->ev.senders;

	for (int j = 0; j < e->n; j++) {
		const struct sender_hit *x = &e->hit[j];
		char a[INET6_ADDRSTRLEN], m[18];

		inet_ntop(x->family, x->addr, a, sizeof(a));
		mac6_text(x->mac, m, sizeof(m));
		ev_line(p);
		fprintf(p->out, "from %s (MAC %s): %llu sampled", a, m, (unsigned long long)x->n);
		if (e->route_err[j] == 0) {
			const struct dev_stats *o = dev_by_index(&p->w->end.snap, e->routes[j].oif);

			fprintf(p->out, "; the route back is %s",
				route_type_name(e->routes[j].type));
			if (o)
				fprintf(p->out, " via dev %s%s", ESC(o->name),
					f->at.dev[0].n && e->routes[j].oif != (int)f->at.dev[0].addr
						? " (not where it came in)"
						: "");
			if (e->routes[j].gateway[0])
				fprintf(p->out, " gateway %s", e->routes[j].gateway);
		} else if (e->route_err[j] < 0) {
			fprintf(p->out, "; no route back (%s)", strerror(-e->route_err[j]));
		}
		fprintf(p->out, "\n");
	}
}

void senders_json(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	const struct ev_senders *e = &f->ev.senders;

	if (!e->n)
		return;
	json_array_begin(j, "senders");
	for (int i = 0; i < e->n; i++) {
		const struct sender_hit *x = &e->hit[i];
		char a[INET6_ADDRSTRLEN], m[18];

		inet_ntop(x->family, x->addr, a, sizeof(a));
		mac6_text(x->mac, m, sizeof(m));
		json_object_begin(j, NULL);
		json_str(j, "address", a);
		json_str(j, "mac", m);
		json_u64(j, "count", x->n);
		if (e->route_err[i] == 0) {
			const struct dev_stats *o = dev_by_index(&p->w->end.snap, e->routes[i].oif);

			json_object_begin(j, "route_back");
			json_str(j, "type", route_type_name(e->routes[i].type));
			json_str(j, "device", o ? o->name : "");
			json_str(j, "gateway", e->routes[i].gateway);
			json_object_end(j);
		} else if (e->route_err[i] < 0) {
			json_object_begin(j, "route_back");
			json_str(j, "error", strerror(-e->route_err[i]));
			json_object_end(j);
		}
		json_object_end(j);
	}
	json_array_end(j);
}

/* Where what was dropped was going, most first, and the route to each: forwarding drops. */
void dests_collect(struct ev_ctx *c, struct finding *f)
{
	struct ev_dests *e = &f->ev.dests;

	for (int i = 0; i < DEST_SLOTS; i++) {
		const struct dest_hit *x = &c->w->sample.dests[i];

		/* A frame that came to us over a pair was sampled in its sender's namespace. */
		bool ns = x->netns == f->at.netns ||
			  (f->pair.receiver && x->netns == f->pair.peer_netns);

		if (!x->family || !ns || x->reason != f->reason || !of_finding(f, x->location))
			continue;
		keep_top(e->hit, &e->n, sizeof(*x), offsetof(struct dest_hit, n), x);
	}
	for (int i = 0; i < e->n; i++)
		e->route_err[i] = route_get(c->src->nl, &c->src->seq, e->hit[i].family,
					    e->hit[i].addr, &e->routes[i]);
	if (!e->n)
		note(f, "no sampled packet had an IP destination");
}

/* A route lookup's answer as `ip route get` gives it: "TYPE via dev DEV". */
static void route_text(const struct print_ctx *p, const struct route_info *r)
{
	const struct dev_stats *o = dev_by_index(&p->w->end.snap, r->oif);

	fprintf(p->out, "%s", route_type_name(r->type));
	if (o)
		fprintf(p->out, " via dev %s", ESC(o->name));
}

/* The same as a JSON object under key: type, device and gateway, or error. */
static void route_json(struct json *j, const struct print_ctx *p, const char *key,
		       const struct route_info *r, int err)
{
	json_object_begin(j, key);
	if (err) {
		json_str(j, "error", strerror(-err));
	} else {
		const struct dev_stats *o = dev_by_index(&p->w->end.snap, r->oif);

		json_str(j, "type", route_type_name(r->type));
		json_str(j, "device", o ? o->name : "");
		json_str(j, "gateway", r->gateway);
	}
	json_object_end(j);
}

void dests_text(struct print_ctx *p, const struct finding *f)
{
	const struct ev_dests *e = &f->ev.dests;

	for (int j = 0; j < e->n; j++) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(e->hit[j].family, e->hit[j].addr, a, sizeof(a));
		ev_line(p);
		fprintf(p->out, "to %s: %llu sampled, up to %u bytes", a,
			(unsigned long long)e->hit[j].n, e->hit[j].len_max);
		if (e->route_err[j] == 0) {
			fprintf(p->out, "; the route is ");
			route_text(p, &e->routes[j]);
		} else {
			fprintf(p->out, "; no route (%s)", strerror(-e->route_err[j]));
		}
		fprintf(p->out, "\n");
	}
}

void dests_json(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	const struct ev_dests *e = &f->ev.dests;

	if (!e->n)
		return;
	json_array_begin(j, "destinations");
	for (int i = 0; i < e->n; i++) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(e->hit[i].family, e->hit[i].addr, a, sizeof(a));
		json_object_begin(j, NULL);
		json_str(j, "address", a);
		json_u64(j, "count", e->hit[i].n);
		json_u64(j, "length_max", e->hit[i].len_max);
		route_json(j, p, "route", &e->routes[i], e->route_err[i]);
		json_object_end(j);
	}
	json_array_end(j);
}

/* ---- the sources of the SYNs, and the route back to each -------------------------- */

/*
 * Who the SYN-ACKs were for (a listener that cannot route them consumes
 * the SYN: no drop shows the peer), and the route back to each as `ip
 * route get` answers it in the namespace: those with none first, most
 * SYNs first.
 */
void synpeers_collect(struct ev_ctx *c, struct finding *f)
{
	struct ev_synpeers *e = &f->ev.syns;
	struct syn_peer all[SYN_SLOTS];
	struct route_info routes[SYN_SLOTS];
	int err[SYN_SLOTS], n = 0;

	if (c->w->syn_err) {
		note(f, "the senders of SYNs could not be watched (%s)", strerror(-c->w->syn_err));
		return;
	}
	for (int i = 0; i < SYN_SLOTS; i++)
		if (c->w->syns.peer[i].family)
			all[n++] = c->w->syns.peer[i];
	if (!n) {
		note(f, "no TCP connection request (SYN) arrived in the window");
		return;
	}
	for (int i = 0; i < n; i++)
		err[i] =
			route_get(c->src->nl, &c->src->seq, all[i].family, all[i].addr, &routes[i]);
	/* Unroutable first, then most SYNs first: selection, n is at most SYN_SLOTS. */
	for (int k = 0; k < n && e->n < EV_MAX; k++) {
		int best = -1;

		for (int i = 0; i < n; i++) {
			if (!all[i].family)
				continue;
			if (best < 0 || (err[i] && !err[best]) ||
			    (!err[i] == !err[best] && all[i].n > all[best].n))
				best = i;
		}
		e->hit[e->n] = all[best];
		e->routes[e->n] = routes[best];
		e->route_err[e->n++] = err[best];
		all[best].family = 0;
	}
	e->more = n - e->n;
}

void synpeers_text(struct print_ctx *p, const struct finding *f)
{
	const struct ev_synpeers *e = &f->ev.syns;

	for (int j = 0; j < e->n; j++) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(e->hit[j].family, e->hit[j].addr, a, sizeof(a));
		ev_line(p);
		fprintf(p->out, "SYNs from %s: %llu seen; ", a, (unsigned long long)e->hit[j].n);
		if (e->route_err[j]) {
			fprintf(p->out, "no route back: `ip route get %s` answers \"%s\"\n", a,
				strerror(-e->route_err[j]));
		} else {
			fprintf(p->out, "the route back is ");
			route_text(p, &e->routes[j]);
			fprintf(p->out, "\n");
		}
	}
	if (e->more) {
		ev_line(p);
		fprintf(p->out, "(and SYNs from %d more sources)\n", e->more);
	}
}

void synpeers_json(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	const struct ev_synpeers *e = &f->ev.syns;

	if (!e->n)
		return;
	json_array_begin(j, "syn_senders");
	for (int i = 0; i < e->n; i++) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(e->hit[i].family, e->hit[i].addr, a, sizeof(a));
		json_object_begin(j, NULL);
		json_str(j, "address", a);
		json_u64(j, "count", e->hit[i].n);
		route_json(j, p, "route_back", &e->routes[i], e->route_err[i]);
		json_object_end(j);
	}
	json_array_end(j);
	if (e->more)
		json_u64(j, "syn_senders_more", (__u64)e->more);
}
