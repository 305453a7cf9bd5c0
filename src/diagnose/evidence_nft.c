// SPDX-License-Identifier: GPL-2.0
/*
 * The netfilter evidence: which hook dropped (from the function that
 * called into netfilter), the nftables drop rules and policies whose
 * counters grew in the window, else those without a counter that may be
 * it, and conntrack's own drops.
 */
#include <string.h>

#include "counters/delta.h"
#include "diagnose/evidence_nft.h"
#include "lib/escape.h"

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

/* The drop points whose counter grew, most first. */
static void nft_grown(const struct window *w, struct ev_netfilter *e)
{
	for (int i = 0; i < w->end.nnft && e->n < EV_MAX; i++) {
		const struct nft_drop_point *p = &w->end.nft[i], *q = nft_match(&w->start, p);
		__u64 g = q ? counter_grew64(q->packets, p->packets) : p->packets;
		int j;

		/* Any hook: a regular chain (jumped to) has none of its own. */
		if (!p->have_counter || !g)
			continue;
		j = e->n++;
		e->points[j] = (struct ev_nft){ .p = p, .packets = g };
		for (; j > 0 && e->points[j].packets > e->points[j - 1].packets; j--) {
			struct ev_nft t = e->points[j];

			e->points[j] = e->points[j - 1];
			e->points[j - 1] = t;
		}
	}
}

/* What the ruleset read could not tell. */
static void nft_limits(const struct nftstats_info *i, struct finding *f)
{
	if (i->vmap_rules)
		note(f,
		     "%u rules take their verdict from a map (vmap), whose elements are not read",
		     i->vmap_rules);
	if (i->named_counters)
		note(f, "%u drop rules count with a named counter, which is not read",
		     i->named_counters);
	if (i->truncated || i->changed || i->unparsed)
		note(f,
		     "the ruleset was read in part (too large, changing, or %u messages not "
		     "understood)",
		     i->unparsed);
}

/* The finding's sampled packets to port (proto 0: either); port -1: all of them. */
static __u64 sampled_to(const struct window *w, const struct finding *f, __u8 proto, int port)
{
	__u64 n = 0;

	for (int i = 0; i < PORT_SLOTS; i++) {
		const struct port_hit *h = &w->sample.ports[i];

		if (h->proto && h->netns == f->at.netns && h->reason == f->reason &&
		    (!proto || h->proto == proto) && (port < 0 || h->port == port))
			n += h->n;
	}
	return n;
}

/*
 * Which counter-less candidate dropped what: a rule that matches one
 * destination port would drop the sampled packets to it; a policy drops
 * those no listed rule matches. Most first. Rules matching on more than a
 * port are not split (their count is not known).
 */
static void candidates_sampled(const struct window *w, const struct finding *f,
			       struct ev_netfilter *e)
{
	__u64 all = sampled_to(w, f, 0, -1), matched = 0;
	bool simple = true;

	if (!all)
		return;
	for (int i = 0; i < e->n; i++) {
		struct ev_nft *c = &e->points[i];

		if (c->p->kind != NFT_DROP_RULE)
			continue;
		if (c->p->match_dport < 0) {
			simple = false;
			continue;
		}
		c->sampled = sampled_to(w, f, c->p->match_proto, c->p->match_dport);
		c->have_sampled = true;
		matched += c->sampled;
	}
	for (int i = 0; simple && i < e->n; i++)
		if (e->points[i].p->kind != NFT_DROP_RULE) {
			e->points[i].sampled = all > matched ? all - matched : 0;
			e->points[i].have_sampled = true;
		}
	for (int i = 1; i < e->n; i++)
		for (int j = i; j > 0 && e->points[j].sampled > e->points[j - 1].sampled; j--) {
			struct ev_nft t = e->points[j];

			e->points[j] = e->points[j - 1];
			e->points[j - 1] = t;
		}
}

void nft_collect(struct ev_ctx *c, struct finding *f)
{
	const struct window *w = c->w;
	struct ev_netfilter *e = &f->ev.nft;
	char caller[128];

	e->hook = NULL;
	if (f->at.caller[0].n) {
		w->names.sym(w->names.ctx, f->at.caller[0].addr, caller, sizeof(caller));
		e->hook = hook_of(caller);
	}
	if (!e->hook)
		note(f, "the hook is not known: no caller frame that names one");
	if (w->start.snap.conntrack.present && w->end.snap.conntrack.present) {
		const struct conntrack_stats *a = &w->start.snap.conntrack,
					     *b = &w->end.snap.conntrack;

		e->have_ct = true;
		e->ct_drop = counter_grew64(a->drop, b->drop);
		e->ct_insert_failed = counter_grew64(a->insert_failed, b->insert_failed);
		e->ct_entries = b->entries;
	}
	if (w->end.nft_err) {
		note(f,
		     "the nftables ruleset could not be read (%s); iptables-legacy rules are "
		     "not read",
		     strerror(-w->end.nft_err));
		return;
	}
	nft_grown(w, e);
	nft_limits(&w->end.nft_info, f);
	if (e->n)
		return;
	/* None grew: those without a counter, at the hook when it is known. */
	for (int i = 0; i < w->end.nnft && e->n < EV_MAX; i++) {
		const struct nft_drop_point *p = &w->end.nft[i];

		if (!p->have_counter && (!e->hook || !p->hook[0] || !strcmp(p->hook, e->hook)))
			e->points[e->n++] = (struct ev_nft){ .p = p };
	}
	candidates_sampled(w, f, e);
	note(f, e->n ? "no drop rule's counter grew; these drop points have no counter "
		       "and may be it (add `counter` to tell)"
		     : "no nftables drop rule or policy matches: an iptables-legacy rule "
		       "(not read here; `iptables-legacy -nvxL` shows its counters), or a "
		       "queue verdict");
}

void nft_text(struct print_ctx *p, const struct finding *f)
{
	const struct ev_netfilter *e = &f->ev.nft;

	ev_line(p);
	fprintf(p->out, "hook %s\n", e->hook ?: "unknown");
	for (int j = 0; j < e->n; j++) {
		const struct nft_drop_point *d = e->points[j].p;

		fprintf(p->out, "%s%s %s %s chain %s", EV_INDENT,
			d->kind == NFT_DROP_RULE ? "rule in" : "policy drop of", ESC(d->family),
			ESC(d->table), ESC(d->chain));
		if (d->hook[0])
			fprintf(p->out, " (hook %s)", ESC(d->hook));
		if (d->kind == NFT_DROP_RULE)
			fprintf(p->out, ", handle %llu", (unsigned long long)d->handle);
		if (d->have_counter)
			fprintf(p->out, ": %llu packets in the window\n",
				(unsigned long long)e->points[j].packets);
		else if (e->points[j].have_sampled)
			fprintf(p->out, ": no counter; %llu of the sampled packets are its\n",
				(unsigned long long)e->points[j].sampled);
		else
			fprintf(p->out, ": no counter\n");
		/* What the rule matches and why it is there, in the ruleset's own words. */
		if (d->rule[0])
			fprintf(p->out, "%s  %s%s%s%s\n", EV_INDENT, ESC(d->rule),
				d->comment[0] ? " comment \"" : "",
				d->comment[0] ? ESC(d->comment) : "", d->comment[0] ? "\"" : "");
	}
	if (e->have_ct && (e->ct_drop || e->ct_insert_failed))
		fprintf(p->out,
			"%sconntrack dropped %llu (no room: %llu entries now), %llu failed "
			"inserts\n",
			EV_INDENT, (unsigned long long)e->ct_drop,
			(unsigned long long)e->ct_entries, (unsigned long long)e->ct_insert_failed);
}

void nft_json(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	const struct ev_netfilter *e = &f->ev.nft;

	(void)p;
	json_str(j, "hook", e->hook);
	json_array_begin(j, "nft");
	for (int i = 0; i < e->n; i++) {
		const struct nft_drop_point *d = e->points[i].p;

		json_object_begin(j, NULL);
		json_str(j, "family", d->family);
		json_str(j, "table", d->table);
		json_str(j, "chain", d->chain);
		json_str(j, "hook", d->hook);
		json_str(j, "kind", d->kind == NFT_DROP_RULE ? "rule" : "policy");
		json_u64(j, "handle", d->handle);
		if (d->have_counter)
			json_u64(j, "packets", e->points[i].packets);
		else
			json_null(j, "packets");
		if (e->points[i].have_sampled)
			json_u64(j, "sampled", e->points[i].sampled);
		if (d->kind == NFT_DROP_RULE) {
			json_str(j, "rule", d->rule);
			json_str(j, "comment", d->comment[0] ? d->comment : NULL);
		}
		json_object_end(j);
	}
	json_array_end(j);
	if (e->have_ct) {
		json_object_begin(j, "conntrack");
		json_u64(j, "drop", e->ct_drop);
		json_u64(j, "insert_failed", e->ct_insert_failed);
		json_u64(j, "entries", e->ct_entries);
		json_object_end(j);
	}
}
