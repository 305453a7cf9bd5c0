// SPDX-License-Identifier: GPL-2.0
/*
 * diagnose's report as text or JSON, to a stream: the frame of each
 * finding (what, where, why, what to change, whether the counters agree)
 * around the evidence kinds' own parts (evidence.c).
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>

#include "diagnose/analyse.h"
#include "diagnose/evidence.h"
#include "diagnose/print.h"
#include "lib/escape.h"
#include "lib/json.h"

/* ---- what every finding says ------------------------------------------------------- */

void ev_line(struct print_ctx *p)
{
	fputs(p->said ? EV_INDENT : "   evidence: ", p->out);
	p->said = true;
}

/* What a counter no entry knows counts, from the SNMP list's own words. */
static const char *counter_why(const struct finding *f)
{
	for (size_t i = 0; i < snmp_drop_count; i++)
		if (!strcmp(snmp_drop_counters[i].nstat, f->name))
			return snmp_drop_counters[i].why;
	return NULL;
}

const char *finding_why(const struct finding *f)
{
	if (f->k)
		return f->k->why;
	if (f->counter)
		return counter_why(f)
			       ?: "a drop counter no entry of dropscope's knowledge explains";
	return "not in dropscope's knowledge: the kernel's reason name and location are all "
	       "there is";
}

/* A knob's direction: its own, else the entry's (the i-th knob read is the i-th listed
 * unless a {dev} knob was skipped for want of a device: then the entry's). */
static const char *knob_dir(const struct finding *f, int i)
{
	/* The application's own limit is far below it: turning it changes nothing. */
	if (f->ev.knobs.app_set[i])
		return "check";
	for (int k = 0; k < KNOWLEDGE_KNOBS && f->k->knobs[k]; k++)
		if (!strcmp(f->k->knobs[k], f->ev.knobs.v[i].name))
			return f->k->knob_dirs[k] ?: f->k->direction;
	return f->k->direction;
}

static const char *proto_name(__u8 p)
{
	return p == IPPROTO_UDP ? "udp" : p == IPPROTO_TCP ? "tcp" : NULL;
}

static const char *proto_upper(__u8 p)
{
	return p == IPPROTO_UDP ? "UDP" : p == IPPROTO_TCP ? "TCP" : "this protocol";
}

/* A knob the running kernel does not have: said, never advised. */
static bool knob_absent(const struct sysctl_val *v)
{
	return v->err == -ENOENT;
}

static double rate(const struct window *w, __u64 n)
{
	return w->seconds > 0 ? n / w->seconds : 0.0;
}

/* The evidence kinds a finding's knowledge asks for, in the table's order. */
static bool kind_applies(const struct ev_kind *k, const struct finding *f)
{
	return f->k && (!k->flag || (f->k->evidence & k->flag));
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_where(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	const struct names *nm = &p->w->names;
	char buf[160];

	if (f->counter) {
		if (f->at.devname[0])
			json_str(j, "device", f->at.devname);
		json_u64(j, "netns", f->at.netns);
		json_str(j, "workload", window_workload(p->w, f->at.netns));
		return;
	}
	json_str(j, "location", nm->sym_raw(nm->ctx, f->at.loc[0].addr, buf, sizeof(buf)));
	/* The caller only where it is not the location itself (a helper freed it). */
	if (f->at.caller[0].n && f->at.caller[0].addr != f->at.loc[0].addr)
		json_str(j, "caller", nm->sym_raw(nm->ctx, f->at.caller[0].addr, buf, sizeof(buf)));
	/* A frame that came to us over a pair: our end (the kernel's is the sender's, in pair). */
	if (f->pair.receiver)
		json_str(j, "device", f->pair.p->name);
	else if (f->at.one_dev)
		json_str(j, "device", f->at.dev[0].name);
	else if (f->at.ndev)
		json_null(j, "device");
	/* The devices its drops were on (the finding's namespace's first, most first). */
	if (f->at.ndev && !f->pair.receiver) {
		json_array_begin(j, "devices");
		for (int i = 0; i < f->at.ndev; i++) {
			json_object_begin(j, NULL);
			json_str(j, "device", f->at.dev[i].name);
			json_u64(j, "count", f->at.dev[i].n);
			json_object_end(j);
		}
		json_array_end(j);
	}
	if (f->at.netns) {
		json_u64(j, "netns", f->at.netns);
		json_str(j, "workload", window_workload(p->w, f->at.netns));
	}
	if (proto_name(f->at.proto))
		json_str(j, "protocol", proto_name(f->at.proto));
	/* Every namespace: JSON keeps what the text bounds. */
	json_array_begin(j, "namespaces");
	for (int i = 0; i < f->at.nns; i++) {
		const struct ns_count *c = &f->at.ns[i];

		json_object_begin(j, NULL);
		json_u64(j, "netns", c->netns);
		json_u64(j, "count", c->n);
		json_numf(j, "rate_per_s", "%.1f", rate(p->w, c->n));
		/* Both: the namespace the kernel charged, what an operator calls it. */
		json_str(j, "workload", window_workload(p->w, c->netns));
		if (c->proto) {
			json_str(j, "port_protocol", proto_name(c->proto));
			json_u64(j, "port", c->port);
		}
		json_object_end(j);
	}
	json_array_end(j);
}

/* The veth/netkit pair the drops crossed: our end, which side it is, its peer. */
static void json_pair(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	const struct link_peer *lp = f->pair.p;

	if (!lp)
		return;
	json_object_begin(j, "pair");
	json_str(j, "kind", lp->kind);
	json_str(j, "device", lp->name);
	json_i64(j, "ifindex", lp->ifindex);
	json_u64(j, "mtu", lp->mtu);
	/* Dropped in the peer's namespace: traffic either way, the peer's end dropped it. */
	json_str(j, "side", f->pair.in_peer ? "either" : f->pair.receiver ? "receiver" : "sender");
	if (lp->peer_err) {
		json_null(j, "peer");
		json_str(j, "peer_error", strerror(-lp->peer_err));
	} else {
		json_str(j, "peer", lp->peer_name);
		json_u64(j, "peer_mtu", lp->peer_mtu);
		json_bool(j, "peer_up", lp->peer_flags & IFF_UP);
	}
	json_i64(j, "peer_ifindex", lp->peer_ifindex);
	if (lp->peer_nsid >= 0)
		json_i64(j, "peer_netnsid", lp->peer_nsid);
	else
		json_null(j, "peer_netnsid"); /* the same namespace */
	if (f->pair.peer_netns)
		json_u64(j, "peer_netns", f->pair.peer_netns);
	else
		json_null(j, "peer_netns");
	json_str(j, "peer_workload",
		 f->pair.peer_netns ? window_workload(p->w, f->pair.peer_netns) : NULL);
	json_str(j, "peer_side",
		 f->pair.in_peer    ? "dropped"
		 : f->pair.receiver ? "sender"
				    : "receiver");
	json_object_end(j);
}

/* The tc programs behind a TC_* finding (analyse.c), as the summary names them. */
static void json_tc(struct json *j, const struct finding *f)
{
	if (!f->ntc)
		return;
	json_array_begin(j, "tc_programs");
	for (int i = 0; i < f->ntc; i++) {
		const struct tc_attr *a = f->tc[i];

		json_object_begin(j, NULL);
		json_str(j, "program", a->who);
		if (a->named_id)
			json_u64(j, "prog_id", a->named_id);
		else
			json_null(j, "prog_id");
		json_str(j, "device", a->dev);
		json_i64(j, "ifindex", a->ifindex);
		json_u64(j, "netns", a->netns);
		json_str(j, "hook", a->egress ? "egress" : "ingress");
		json_u64(j, "count", a->total);
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_evidence(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	const struct names *nm = &p->w->names;
	const struct ev_kind *kinds;
	size_t nk;
	char buf[160];

	json_object_begin(j, "evidence");
	if (!f->counter && f->at.loc[1].n) {
		json_array_begin(j, "locations");
		for (int i = 0; i < TOP_WHERE && f->at.loc[i].n; i++) {
			json_object_begin(j, NULL);
			json_str(j, "location",
				 nm->sym_raw(nm->ctx, f->at.loc[i].addr, buf, sizeof(buf)));
			json_u64(j, "count", f->at.loc[i].n);
			json_object_end(j);
		}
		json_array_end(j);
	}
	kinds = ev_kinds(&nk);
	for (size_t i = 0; i < nk; i++)
		if (kind_applies(&kinds[i], f))
			kinds[i].json(j, p, f);
	if (f->ev.nnotes) {
		json_array_begin(j, "notes");
		for (int i = 0; i < f->ev.nnotes; i++)
			json_str(j, NULL, f->ev.notes[i]);
		json_array_end(j);
	}
	json_object_end(j);
}

static void json_change(struct json *j, const struct finding *f)
{
	const struct ev_knobs *e = &f->ev.knobs;

	json_array_begin(j, "change");
	if (f->k) {
		json_object_begin(j, NULL);
		json_str(j, "what", f->k->change);
		json_str(j, "direction", f->k->direction);
		json_object_end(j);
		for (int i = 0; i < e->n; i++) {
			json_object_begin(j, NULL);
			json_str(j, "knob", e->v[i].name);
			json_str(j, "value", e->v[i].err ? NULL : e->v[i].value);
			if (knob_absent(&e->v[i])) {
				json_bool(j, "absent", true);
				json_str(j, "needs", knowledge_knob_config(e->v[i].name));
				json_object_end(j);
				continue;
			}
			json_str(j, "direction", knob_dir(f, i));
			if (e->app_set[i])
				json_bool(j, "application_set", true);
			if (e->v[i].host)
				json_bool(j, "host_wide", true);
			json_object_end(j);
		}
	}
	json_array_end(j);
}

static void json_reconcile(struct json *j, const struct finding *f)
{
	json_array_begin(j, "reconcile");
	for (int i = 0; i < f->nrec; i++) {
		const struct reconcile *r = &f->rec[i];

		json_object_begin(j, NULL);
		json_str(j, "counter", r->name);
		if (r->other_proto || r->uncounted) {
			char note[96];

			snprintf(note, sizeof(note), "no counter for %s",
				 r->uncounted ?: proto_upper(r->other_proto));
			json_null(j, "agrees");
			json_str(j, "note", note);
			json_object_end(j);
			continue;
		}
		json_u64(j, "delta", r->delta);
		json_u64(j, "seen", r->seen);
		json_bool(j, "agrees", r->delta == r->seen);
		if (r->delta != r->seen && f->k->counters_note)
			json_str(j, "note", f->k->counters_note);
		json_object_end(j);
	}
	json_array_end(j);
	json_array_begin(j, "consequences");
	for (int i = 0; i < f->nmerged; i++) {
		json_object_begin(j, NULL);
		json_str(j, "counter", f->merged[i].name);
		json_u64(j, "delta", f->merged[i].delta);
		json_object_end(j);
	}
	json_array_end(j);
}

static void json_finding(struct json *j, const struct print_ctx *p, const struct finding *f)
{
	json_object_begin(j, NULL);
	json_str(j, "source", f->counter ? "counter" : "drops");
	json_str(j, "name", f->name);
	json_u64(j, "count", f->count);
	json_numf(j, "rate_per_s", "%.1f", rate(p->w, f->count));
	json_where(j, p, f);
	json_pair(j, p, f);
	json_tc(j, f);
	json_bool(j, "known", f->k);
	if (f->cause)
		json_str(j, "cause", f->cause);
	json_str(j, "why", finding_why(f));
	json_evidence(j, p, f);
	json_change(j, f);
	json_reconcile(j, f);
	if (f->k)
		json_str(j, "kernel_source", f->k->source);
	json_object_end(j);
}

#define CLOSED_WHY                                                                                 \
	"freed by sockets closing with data their owners never read: no network drop, "            \
	"nothing to tune (--class drop hides them)"

/*
 * Without a finding, what was seen: nothing, or only sockets closing (rows
 * of class close; "no drops seen" would read as if nothing was freed at
 * all while the close line below it counts hundreds). One wording for
 * text and JSON.
 */
static const char *verdict(const struct report *r, char *buf, size_t len)
{
	if (!r->closed.count)
		return "no drops seen";
	snprintf(buf, len, "no drops; %llu packets freed by sockets closing (not drops)",
		 (unsigned long long)r->closed.count);
	return buf;
}

/* The close rows: one object after the findings, as the text's one line. */
static void json_closed(struct json *j, const struct print_ctx *p, const struct report *r)
{
	const struct names *nm = &p->w->names;
	char buf[160];

	json_object_begin(j, "closed");
	json_str(j, "class", "close");
	json_u64(j, "count", r->closed.count);
	json_numf(j, "rate_per_s", "%.1f", rate(p->w, r->closed.count));
	json_array_begin(j, "locations");
	for (int i = 0; i < TOP_WHERE && r->closed.loc[i].n; i++) {
		json_object_begin(j, NULL);
		json_str(j, "location",
			 nm->sym_raw(nm->ctx, r->closed.loc[i].addr, buf, sizeof(buf)));
		json_u64(j, "count", r->closed.loc[i].n);
		json_object_end(j);
	}
	json_array_end(j);
	json_str(j, "why", CLOSED_WHY);
	json_object_end(j);
}

void print_json(FILE *out, const struct window *w, const struct report *r)
{
	struct print_ctx p = { .out = out, .w = w };
	struct json j;

	json_init(&j, out);
	json_object_begin(&j, NULL);
	json_numf(&j, "duration_s", "%.1f", w->seconds);
	json_str(&j, "netns", w->netns_arg);
	json_u64(&j, "netns_inode", w->netns);
	json_array_begin(&j, "findings");
	for (int i = 0; i < r->nf; i++)
		json_finding(&j, &p, &r->f[i]);
	json_array_end(&j);
	if (r->closed.count)
		json_closed(&j, &p, r);
	if (!r->nf) {
		char v[96];

		json_str(&j, "verdict", verdict(r, v, sizeof(v)));
	}
	if (r->folded)
		json_u64(&j, "not_shown", r->folded);
	/* Never silent: drops counted without their key, runs the kernel skipped. */
	json_u64(&j, "unattributed", w->overflow);
	json_u64(&j, "missed", w->missed);
	if (w->sample.ports_unsampled)
		json_u64(&j, "ports_unsampled", w->sample.ports_unsampled);
	if (w->sample.malformed)
		json_u64(&j, "malformed_events", w->sample.malformed);
	json_object_end(&j);
	json_newline(&j);
}

/* ---- text ------------------------------------------------------------------------- */

static void text_where(const struct print_ctx *p, const struct finding *f)
{
	const struct names *nm = &p->w->names;
	char buf[160];

	if (!f->counter) {
		/* As the summary says it: "at CALLER via LOCATION". */
		bool via = f->at.caller[0].n && f->at.caller[0].addr != f->at.loc[0].addr;

		nm->sym(nm->ctx, via ? f->at.caller[0].addr : f->at.loc[0].addr, buf, sizeof(buf));
		fprintf(p->out, " at %s", buf);
		if (via) {
			nm->sym(nm->ctx, f->at.loc[0].addr, buf, sizeof(buf));
			fprintf(p->out, " via %s", buf);
		}
		if (f->pair.receiver)
			fprintf(p->out, ", dev %s", ESC(f->pair.p->name));
		else if (f->at.one_dev)
			fprintf(p->out, ", dev %s", ESC(f->at.dev[0].name));
		else if (f->at.ndev > 1)
			fprintf(p->out, ", on %s%d devices",
				f->at.ndev == TOP_WHERE ? "at least " : "", f->at.ndev);
		else if (f->at.ndev)
			fprintf(p->out, ", %llu of them on dev %s",
				(unsigned long long)f->at.dev[0].n, ESC(f->at.dev[0].name));
	} else if (f->at.devname[0]) {
		fprintf(p->out, ", dev %s", ESC(f->at.devname));
	}
	if (f->at.netns)
		fprintf(p->out, ", netns %u", f->at.netns);
	if (f->at.netns && window_workload(p->w, f->at.netns))
		fprintf(p->out, " (%s)", window_workload(p->w, f->at.netns));
}

/* Where, when more than one namespace: the largest, then the rest summed (a screen). */
static void text_namespaces(const struct print_ctx *p, const struct finding *f)
{
	__u64 rest = 0;

	if (f->at.nns < 2)
		return;
	fprintf(p->out, "   where:    %d namespaces\n", f->at.nns);
	for (int i = 0; i < f->at.nns; i++) {
		const struct ns_count *c = &f->at.ns[i];

		if (i >= TOP_NS) {
			rest += c->n;
			continue;
		}
		/* The workload where one is known: what an operator calls it. */
		const char *wl = window_workload(p->w, c->netns);

		if (wl)
			fprintf(p->out, "%s%s (netns %u): %llu (%.1f/s)", EV_INDENT, wl, c->netns,
				(unsigned long long)c->n, rate(p->w, c->n));
		else
			fprintf(p->out, "%snetns %u: %llu (%.1f/s)", EV_INDENT, c->netns,
				(unsigned long long)c->n, rate(p->w, c->n));
		if (c->proto)
			fprintf(p->out, ", most to %s port %u", proto_name(c->proto), c->port);
		fprintf(p->out, "\n");
	}
	if (f->at.nns > TOP_NS)
		fprintf(p->out, "%sand %d more namespaces: %llu drops\n", EV_INDENT,
			f->at.nns - TOP_NS, (unsigned long long)rest);
}

/* The knobs, each with its value now and which way to turn it. */
static void text_change(FILE *out, const struct finding *f)
{
	if (f->k)
		fprintf(out, "   change:   %s\n", f->k->change);
	else if (f->counter)
		/* No skb was traced: there is no path for --stacks to show. */
		fprintf(out, "   change:   not known (only the counter saw these drops)\n");
	else
		fprintf(out,
			"   change:   not known; `dropscope --by location,caller --stacks` shows "
			"the path\n");
	for (int j = 0; j < f->ev.knobs.n; j++) {
		const struct sysctl_val *v = &f->ev.knobs.v[j];

		if (knob_absent(v)) {
			const char *cfg = knowledge_knob_config(v->name);

			fprintf(out, "%s%s: not on this kernel%s%s%s\n", EV_INDENT, ESC(v->name),
				cfg ? " (it needs " : "", cfg ?: "", cfg ? ")" : "");
			continue;
		}
		if (v->err)
			fprintf(out, "%s%s %s: not readable (%s)\n", EV_INDENT, knob_dir(f, j),
				ESC(v->name), strerror(-v->err));
		else
			fprintf(out, "%s%s %s (now %s%s)\n", EV_INDENT, knob_dir(f, j),
				ESC(v->name), ESC(v->value), v->host ? ", host-wide" : "");
	}
}

static void text_reconcile(FILE *out, const struct finding *f)
{
	for (int j = 0; j < f->nrec; j++) {
		const struct reconcile *r = &f->rec[j];

		if (r->uncounted)
			fprintf(out, "   counters: no counter for %s (%s counts none of theirs)\n",
				r->uncounted, r->name);
		else if (r->other_proto)
			fprintf(out, "   counters: no counter for %s (%s count %s only)\n",
				proto_upper(r->other_proto), r->name,
				proto_upper(f->k->counters_proto));
		else if (r->delta == r->seen)
			fprintf(out, "   agrees:   %s grew by %llu, as the tracepoint counted\n",
				r->name, (unsigned long long)r->delta);
		else
			fprintf(out,
				"   DIFFERS:  %s grew by %llu, the tracepoint counted %llu%s%s\n",
				r->name, (unsigned long long)r->delta, (unsigned long long)r->seen,
				f->k->counters_note ? ": " : "", f->k->counters_note ?: "");
	}
}

/* "pair:     veth B (MTU 1400) here is the receiving end; its peer A (MTU 1500) in netns N sent them" */
static void text_pair(const struct print_ctx *p, const struct finding *f)
{
	const struct link_peer *lp = f->pair.p;

	if (!lp)
		return;
	fprintf(p->out, "   pair:     %s %s (MTU %u) here is the %s end; its peer ", ESC(lp->kind),
		ESC(lp->name), lp->mtu,
		f->pair.in_peer	   ? "other"
		: f->pair.receiver ? "receiving"
				   : "sending");
	if (lp->peer_err)
		fprintf(p->out, "ifindex %d (not readable: %s)", lp->peer_ifindex,
			strerror(-lp->peer_err));
	else
		fprintf(p->out, "%s (MTU %u%s)", ESC(lp->peer_name), lp->peer_mtu,
			lp->peer_flags & IFF_UP ? "" : ", down");
	if (lp->peer_nsid < 0)
		fprintf(p->out, " in this namespace");
	else if (f->pair.peer_netns)
		fprintf(p->out, " in netns %u", f->pair.peer_netns);
	else
		fprintf(p->out, " in netnsid %d", lp->peer_nsid);
	if (lp->peer_nsid >= 0 && f->pair.peer_netns && window_workload(p->w, f->pair.peer_netns))
		fprintf(p->out, " (%s)", window_workload(p->w, f->pair.peer_netns));
	fprintf(p->out, " %s\n",
		f->pair.in_peer	   ? "dropped them on its end"
		: f->pair.receiver ? "sent them"
				   : "was to receive them");
}

static void text_finding(struct print_ctx *p, const struct finding *f, int i)
{
	const struct ev_kind *kinds;
	size_t nk;

	fprintf(p->out, "\n%d. %llu packets dropped (%.1f/s): %s", i + 1,
		(unsigned long long)f->count, rate(p->w, f->count), ESC(f->name));
	text_where(p, f);
	fprintf(p->out, "\n");
	text_namespaces(p, f);
	text_pair(p, f);
	for (int j = 0; j < f->ntc; j++)
		fprintf(p->out, "   program:  %llu by tc program %s (%s %s)\n",
			(unsigned long long)f->tc[j]->total, ESC(f->tc[j]->who), ESC(f->tc[j]->dev),
			f->tc[j]->egress ? "egress" : "ingress");
	fprintf(p->out, "   why:      %s\n", finding_why(f));
	p->said = false;
	kinds = ev_kinds(&nk);
	for (size_t k = 0; k < nk; k++)
		if (kinds[k].text && kind_applies(&kinds[k], f))
			kinds[k].text(p, f);
	for (int j = 0; j < f->ev.nnotes; j++) {
		ev_line(p);
		fprintf(p->out, "(%s)\n", ESC(f->ev.notes[j]));
	}
	text_change(p->out, f);
	text_reconcile(p->out, f);
	for (int j = 0; j < f->nmerged; j++)
		fprintf(p->out, "   also:     %s grew by %llu, a consequence of these drops\n",
			f->merged[j].name, (unsigned long long)f->merged[j].delta);
	if (f->k)
		fprintf(p->out, "   source:   %s\n", f->k->source);
}

/* The close rows last, in one line: "close: N freed ... at A N, B N: nothing to tune". */
static void text_closed(const struct print_ctx *p, const struct report *r)
{
	const struct names *nm = &p->w->names;
	char buf[160];

	fprintf(p->out, "\nclose: %llu packets (%.1f/s)", (unsigned long long)r->closed.count,
		rate(p->w, r->closed.count));
	for (int i = 0; i < TOP_WHERE && r->closed.loc[i].n; i++) {
		nm->sym(nm->ctx, r->closed.loc[i].addr, buf, sizeof(buf));
		fprintf(p->out, "%s%s %llu", i ? ", " : " at ", buf,
			(unsigned long long)r->closed.loc[i].n);
	}
	fprintf(p->out, ": %s\n", CLOSED_WHY);
}

void print_text(FILE *out, const struct window *w, const struct report *r)
{
	struct print_ctx p = { .out = out, .w = w };

	fprintf(out, "dropscope diagnose: %.1f s, netns %s", w->seconds,
		w->netns_arg ? ESC(w->netns_arg) : "(all; counters of our own)");
	if (!r->nf) {
		char v[96];

		fprintf(out, ": %s\n", verdict(r, v, sizeof(v)));
	} else
		fprintf(out, ": %d finding%s\n", r->nf, r->nf == 1 ? "" : "s");
	for (int i = 0; i < r->nf; i++)
		text_finding(&p, &r->f[i], i);
	if (r->closed.count)
		text_closed(&p, r);
	if (r->folded)
		fprintf(out, "\n(%llu more drops in findings beyond the first %d)\n",
			(unsigned long long)r->folded, MAX_FINDINGS);
	if (w->overflow)
		fprintf(out,
			"\n%llu drops not attributed (the in-kernel table was full: --max-keys)\n",
			(unsigned long long)w->overflow);
	if (w->missed)
		fprintf(out,
			"\n%llu program runs skipped by the kernel (nested): their drops are not "
			"counted\n",
			(unsigned long long)w->missed);
	if (w->sample.malformed)
		fprintf(out,
			"\n%llu events malformed (not in the sample of dropped packets; the counts "
			"are the table's)\n",
			(unsigned long long)w->sample.malformed);
}
