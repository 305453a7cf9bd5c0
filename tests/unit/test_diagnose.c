// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for diagnose's analysis (src/diagnose/analyse.c) and its
 * printers (print.c): fixture windows (count rows, counter snapshots at
 * the start and the end, a sample of dropped packets) in, findings out.
 * No kernel, no BPF: the analysis does no I/O.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "diagnose/analyse.h"
#include "diagnose/collect.h"
#include "diagnose/evidence_nft.h"
#include "diagnose/print.h"
#include "counters/snmp.h"
#include "bpf/dropscope.h"
#include "trace/classes.h"

#define NS_MAIN	 4026531840u
#define NS_OTHER 4026532000u

/* Kernel addresses of the fixture's functions. */
enum {
	A_UDP4 = 0x1000,    /* __udp4_lib_rcv */
	A_TCP4 = 0x2000,    /* tcp_v4_rcv */
	A_IPRCV = 0x3000,   /* ip_rcv_finish */
	A_FWD = 0x4000,	    /* ip_forward */
	A_VETH = 0x5000,    /* veth_xmit */
	A_DEVFWD = 0x6000,  /* __dev_forward_skb2 */
	A_XMIT = 0x7000,    /* __dev_queue_xmit */
	A_NFT = 0x8000,	    /* nft_do_chain */
	A_LOCALIN = 0x9000, /* ip_local_deliver */
	A_UNIXREL = 0xa000, /* unix_release_sock */
	A_PKTREL = 0xb000,  /* packet_release */
};

static const struct {
	__u64 addr;
	const char *name;
} syms[] = {
	{ A_UDP4, "__udp4_lib_rcv" },	   { A_TCP4, "tcp_v4_rcv" },
	{ A_IPRCV, "ip_rcv_finish" },	   { A_FWD, "ip_forward" },
	{ A_VETH, "veth_xmit" },	   { A_DEVFWD, "__dev_forward_skb2" },
	{ A_XMIT, "__dev_queue_xmit" },	   { A_NFT, "nft_do_chain" },
	{ A_LOCALIN, "ip_local_deliver" }, { A_UNIXREL, "unix_release_sock" },
	{ A_PKTREL, "packet_release" },
};

/* The fixture kernel's reasons. */
enum {
	R_NOT_SPECIFIED = 2,
	R_NO_SOCKET = 3,
	R_IP_INNOROUTES = 16,
	R_TCP_CSUM = 9,
	R_QDISC_DROP = 40,
	R_NETFILTER_DROP = 7,
	R_TC_INGRESS = 61,
	R_TC_EGRESS = 62,
};

static const char *fx_reason(const void *ctx, __u32 r)
{
	(void)ctx;
	switch (r) {
	case R_NOT_SPECIFIED:
		return "NOT_SPECIFIED";
	case R_NO_SOCKET:
		return "NO_SOCKET";
	case R_IP_INNOROUTES:
		return "IP_INNOROUTES";
	case R_TCP_CSUM:
		return "TCP_CSUM";
	case R_QDISC_DROP:
		return "QDISC_DROP";
	case R_NETFILTER_DROP:
		return "NETFILTER_DROP";
	case R_TC_INGRESS:
		return "TC_INGRESS";
	case R_TC_EGRESS:
		return "TC_EGRESS";
	case DS_REASON_XDP_DROP:
		return "XDP_DROP";
	}
	return NULL;
}

static const char *fx_sym_raw(const void *ctx, __u64 addr, char *buf, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		if (syms[i].addr == addr)
			return syms[i].name;
	snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	return buf;
}

static void fx_sym(const void *ctx, __u64 addr, char *buf, size_t len)
{
	const char *s = fx_sym_raw(ctx, addr, buf, len);

	if (s != buf)
		snprintf(buf, len, "%s", s);
}

/* A window of 5 s in NS_MAIN whose counters all read, and all zero. */
static struct window *fx_window(void)
{
	struct window *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	w->netns = NS_MAIN;
	w->netns_arg = "/run/netns/fixture";
	w->seconds = 5;
	w->have_src = true;
	w->names = (struct names){ .reason = fx_reason, .sym = fx_sym, .sym_raw = fx_sym_raw };
	w->start.snap.snmp = calloc(snmp_drop_count, sizeof(struct snmp_value));
	w->end.snap.snmp = calloc(snmp_drop_count, sizeof(struct snmp_value));
	assert_non_null(w->start.snap.snmp);
	assert_non_null(w->end.snap.snmp);
	for (size_t i = 0; i < snmp_drop_count; i++)
		w->start.snap.snmp[i].present = w->end.snap.snmp[i].present = true;
	return w;
}

static void fx_free(struct window *w)
{
	free(w->start.snap.snmp);
	free(w->end.snap.snmp);
	free(w->start.snap.dev);
	free(w->end.snap.dev);
	free(w->start.snap.drv);
	free(w->end.snap.drv);
	free(w->tc);
	free(w->peers);
	free(w->wl);
	free(w);
}

/* A counter's growth in the window: start 1000, end 1000 + by. */
static void fx_grew(struct window *w, const char *nstat, __u64 by)
{
	for (size_t i = 0; i < snmp_drop_count; i++)
		if (!strcmp(snmp_drop_counters[i].nstat, nstat)) {
			w->start.snap.snmp[i].value = 1000;
			w->end.snap.snmp[i].value = 1000 + by;
			return;
		}
	fail_msg("no counter %s", nstat);
}

static struct drop_delta row(__u32 netns, __u32 reason, __u64 loc, __u64 caller, __u64 n)
{
	struct drop_delta d = { .count = n };

	d.key.netns = netns;
	d.key.reason = reason;
	d.key.location = loc;
	d.key.caller = caller;
	return d;
}

/* Device ifindex (name) at the start and the end, its tx_dropped grown by tx; up or not. */
static void fx_dev(struct window *w, int ifindex, const char *name, bool up, __u64 tx)
{
	struct counter_snapshot *s[] = { &w->start.snap, &w->end.snap };

	for (int i = 0; i < 2; i++) {
		struct dev_stats *d;

		s[i]->dev = realloc(s[i]->dev, sizeof(*d) * (s[i]->ndev + 1));
		assert_non_null(s[i]->dev);
		d = &s[i]->dev[s[i]->ndev++];
		memset(d, 0, sizeof(*d));
		d->ifindex = ifindex;
		snprintf(d->name, sizeof(d->name), "%s", name);
		d->flags = up ? IFF_UP : 0;
		for (int k = 0; k < DEV_DROP_KINDS; k++)
			d->have[k] = true;
		d->v[DEV_TX_DROPPED] = i ? 50 + tx : 50;
	}
}

/* A driver counter (ethtool -S) of device ifindex: from at the start, to at the end. */
static void fx_drv(struct window *w, int ifindex, const char *dev, const char *name, __u64 from,
		   __u64 to)
{
	struct counter_snapshot *s[] = { &w->start.snap, &w->end.snap };

	for (int i = 0; i < 2; i++) {
		struct drv_counter *c;

		s[i]->drv = realloc(s[i]->drv, sizeof(*c) * (s[i]->ndrv + 1));
		assert_non_null(s[i]->drv);
		c = &s[i]->drv[s[i]->ndrv++];
		memset(c, 0, sizeof(*c));
		c->ifindex = ifindex;
		snprintf(c->dev, sizeof(c->dev), "%s", dev);
		snprintf(c->name, sizeof(c->name), "%s", name);
		c->value = i ? to : from;
	}
}

/* progwatch's attribution of one tc hook in the window. */
static void fx_tc(struct window *w, __u32 netns, int ifindex, const char *dev, bool egress,
		  __u32 id, const char *who, __u64 total)
{
	struct tc_attr *a;

	w->tc = realloc(w->tc, sizeof(*a) * (size_t)(w->ntc + 1));
	assert_non_null(w->tc);
	a = &w->tc[w->ntc++];
	memset(a, 0, sizeof(*a));
	a->netns = netns;
	a->ifindex = ifindex;
	snprintf(a->dev, sizeof(a->dev), "%s", dev);
	a->egress = egress;
	a->prog_id = a->named_id = id;
	snprintf(a->who, sizeof(a->who), "%s", who);
	a->total = total;
}

static struct report *run(const struct window *w, const struct drop_delta *rows, int n)
{
	struct report *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	analyse(w, rows, n, r);
	return r;
}

static void done(struct report *r, struct window *w)
{
	report_free(r);
	free(r);
	fx_free(w);
}

/* The report as text (text) or JSON, in a string to free(). */
static char *printed(const struct window *w, const struct report *r, bool text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	if (text)
		print_text(out, w, r);
	else
		print_json(out, w, r);
	fclose(out);
	return buf;
}

static const struct finding *find(const struct report *r, const char *name)
{
	for (int i = 0; i < r->nf; i++)
		if (!strcmp(r->f[i].name, name))
			return &r->f[i];
	return NULL;
}

/* UDP to a closed port: one finding, its counters agree, no counter finding of its own. */
static void test_udp_noport_agrees(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[] = { row(NS_MAIN, R_NO_SOCKET, A_UDP4, 0, 7) };
	struct report *r;
	const struct finding *f;
	(void)state;

	fx_grew(w, "UdpNoPorts", 7);
	r = run(w, rows, 1);
	assert_int_equal(r->nf, 1);
	f = find(r, "NO_SOCKET");
	assert_non_null(f);
	assert_false(f->counter);
	assert_int_equal(f->count, 7);
	assert_non_null(f->k);
	assert_int_equal(f->at.loc[0].addr, A_UDP4);
	assert_int_equal(f->nrec, 1);
	assert_string_equal(f->rec[0].name, "UdpNoPorts+Udp6NoPorts");
	assert_int_equal(f->rec[0].delta, 7);
	assert_int_equal(f->rec[0].seen, 7);
	done(r, w);
}

/* A counter no tracepoint sees: its own finding; the counter that includes it is not. */
static void test_listen_overflow_counter(void **state)
{
	struct window *w = fx_window();
	struct report *r;
	const struct finding *f;
	(void)state;

	fx_grew(w, "TcpExtListenOverflows", 6);
	fx_grew(w, "TcpExtListenDrops", 6);
	r = run(w, NULL, 0);
	assert_int_equal(r->nf, 1);
	f = find(r, "TcpExtListenOverflows");
	assert_non_null(f);
	assert_true(f->counter);
	assert_int_equal(f->count, 6);
	assert_int_equal(f->at.netns, NS_MAIN);
	done(r, w);
}

/* Largest first; an unknown reason is named by its number. */
static void test_sorted_and_unknown(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[] = {
		row(NS_MAIN, R_TCP_CSUM, A_TCP4, 0, 2),
		row(NS_MAIN, 77, A_IPRCV, 0, 9),
	};
	struct report *r;
	(void)state;

	r = run(w, rows, 2);
	assert_int_equal(r->nf, 2);
	assert_string_equal(r->f[0].name, "reason_77");
	assert_null(r->f[0].k);
	assert_int_equal(r->f[0].count, 9);
	assert_string_equal(r->f[1].name, "TCP_CSUM");
	done(r, w);
}

/* The printers write to any stream: JSON with the findings, text with the verdict. */
static void test_print_to_stream(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[] = { row(NS_MAIN, R_NO_SOCKET, A_UDP4, 0, 4) };
	struct report *r;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	(void)state;

	fx_grew(w, "UdpNoPorts", 4);
	r = run(w, rows, 1);
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	print_json(out, w, r);
	fclose(out);
	assert_non_null(strstr(buf,
			       "\"findings\":[{\"source\":\"drops\",\"name\":\"NO_SOCKET\","
			       "\"count\":4,\"rate_per_s\":0.8,\"location\":\"__udp4_lib_rcv\""));
	assert_non_null(strstr(buf, "\"reconcile\":[{\"counter\":\"UdpNoPorts+Udp6NoPorts\","
				    "\"delta\":4,\"seen\":4,\"agrees\":true}]"));
	assert_true(buf[len - 1] == '\n' && buf[len - 2] == '}');
	free(buf);
	buf = NULL;
	out = open_memstream(&buf, &len);
	print_text(out, w, r);
	fclose(out);
	assert_non_null(strstr(buf, "1 finding\n"));
	assert_non_null(strstr(buf, "4 packets dropped (0.8/s): NO_SOCKET at __udp4_lib_rcv"));
	assert_non_null(strstr(buf, "agrees:   UdpNoPorts+Udp6NoPorts grew by 4"));
	free(buf);
	done(r, w);
}

/*
 * The same cause in 40 namespaces is one finding: every namespace in the
 * table (JSON), the text bounded to TOP_NS of them and the rest summed.
 */
static void test_group_across_namespaces(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[40];
	struct report *r;
	const struct finding *f;
	__u64 total = 0, rest = 0;
	char *txt, *json, line[96];
	(void)state;

	for (int i = 0; i < 40; i++) {
		rows[i] = row(NS_OTHER + i, R_NO_SOCKET, A_UDP4, 0, (__u64)i + 1);
		total += i + 1;
		if (i < 40 - TOP_NS)
			rest += i + 1;
	}
	r = run(w, rows, 40);
	assert_int_equal(r->nf, 1);
	f = &r->f[0];
	assert_int_equal(f->count, total);
	assert_int_equal(f->at.nns, 40);
	assert_false(f->at.primary);
	/* Most first: the largest namespace is the finding's. */
	assert_int_equal(f->at.ns[0].netns, NS_OTHER + 39);
	assert_int_equal(f->at.ns[0].n, 40);
	assert_int_equal(f->at.netns, NS_OTHER + 39);
	assert_int_equal(f->nrec, 0); /* counters are read in the watched namespace only */
	txt = printed(w, r, true);
	assert_non_null(strstr(txt, "   where:    40 namespaces\n"));
	snprintf(line, sizeof(line), "and %d more namespaces: %llu drops\n", 40 - TOP_NS,
		 (unsigned long long)rest);
	assert_non_null(strstr(txt, line));
	snprintf(line, sizeof(line), "netns %u: 40 (8.0/s)", NS_OTHER + 39);
	assert_non_null(strstr(txt, line));
	snprintf(line, sizeof(line), "netns %u:", NS_OTHER + 39 - TOP_NS);
	assert_null(strstr(txt, line)); /* beyond the top: summed, not listed */
	json = printed(w, r, false);
	for (int i = 0; i < 40; i++) {
		snprintf(line, sizeof(line), "{\"netns\":%u,\"count\":%d,", NS_OTHER + i, i + 1);
		assert_non_null(strstr(json, line));
	}
	free(txt);
	free(json);
	done(r, w);
}

/* The watched namespace among others: evidence and counters are its own share's. */
static void test_group_with_primary(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[] = {
		row(NS_OTHER, R_NO_SOCKET, A_UDP4, 0, 10),
		row(NS_MAIN, R_NO_SOCKET, A_UDP4, 0, 3),
	};
	struct report *r;
	(void)state;

	fx_grew(w, "UdpNoPorts", 3);
	r = run(w, rows, 2);
	assert_int_equal(r->nf, 1);
	assert_int_equal(r->f[0].count, 13);
	assert_true(r->f[0].at.primary);
	assert_int_equal(r->f[0].at.netns, NS_MAIN);
	assert_int_equal(r->f[0].rec[0].delta, 3);
	assert_int_equal(r->f[0].rec[0].seen, 3);
	done(r, w);
}

/*
 * A TCP SYN to a closed port and UDP to a closed port: two findings, each
 * at its own location; UDP agrees with UdpNoPorts, TCP has no counter
 * (never DIFFERS).
 */
static void test_reconcile_per_protocol(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[] = {
		row(NS_MAIN, R_NO_SOCKET, A_TCP4, 0, 3),
		row(NS_MAIN, R_NO_SOCKET, A_UDP4, 0, 2),
	};
	struct report *r;
	const struct finding *tcp = NULL, *udp = NULL;
	char *txt, *json;
	(void)state;

	fx_grew(w, "UdpNoPorts", 2);
	r = run(w, rows, 2);
	assert_int_equal(r->nf, 2);
	for (int i = 0; i < r->nf; i++) {
		if (r->f[i].at.proto == IPPROTO_TCP)
			tcp = &r->f[i];
		if (r->f[i].at.proto == IPPROTO_UDP)
			udp = &r->f[i];
	}
	assert_non_null(tcp);
	assert_non_null(udp);
	assert_int_equal(tcp->count, 3);
	assert_int_equal(tcp->at.loc[0].addr, A_TCP4);
	assert_int_equal(tcp->at.loc[1].n, 0);
	assert_int_equal(tcp->rec[0].other_proto, IPPROTO_TCP);
	assert_int_equal(udp->at.loc[0].addr, A_UDP4);
	assert_int_equal(udp->rec[0].other_proto, 0);
	assert_int_equal(udp->rec[0].delta, 2);
	assert_int_equal(udp->rec[0].seen, 2);
	txt = printed(w, r, true);
	assert_null(strstr(txt, "DIFFERS:  driver:xdp_drop"));
	assert_null(strstr(txt, "DIFFERS:  qdisc:drops"));
	assert_non_null(strstr(txt, "3 packets dropped (0.6/s): NO_SOCKET at tcp_v4_rcv"));
	assert_non_null(strstr(txt, "counters: no counter for TCP (UdpNoPorts+Udp6NoPorts count "
				    "UDP only)"));
	assert_non_null(strstr(txt, "agrees:   UdpNoPorts+Udp6NoPorts grew by 2"));
	json = printed(w, r, false);
	assert_non_null(strstr(json, "\"agrees\":null,\"note\":\"no counter for TCP\""));
	assert_null(strstr(json, "\"agrees\":false"));
	free(txt);
	free(json);
	done(r, w);
}

/* A device that is down: the drops' cause, reconciled with its own tx_dropped. */
static void test_link_down(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[] = { row(NS_MAIN, R_QDISC_DROP, A_XMIT, 0, 7) };
	struct report *r;
	const struct finding *f;
	char *txt;
	(void)state;

	rows[0].key.ifindex = 1;
	memcpy(rows[0].key.dev, "lo", 3);
	fx_dev(w, 1, "lo", false, 7);
	fx_dev(w, 2, "eth0", true, 4); /* another device's own drops stay a finding */
	r = run(w, rows, 1);
	assert_int_equal(r->nf, 2);
	f = find(r, "QDISC_DROP");
	assert_non_null(f);
	assert_string_equal(f->cause, "link_down");
	assert_string_equal(f->k->name, "cause:link_down");
	assert_int_equal(f->nrec, 1);
	assert_string_equal(f->rec[0].name, "dev:tx_dropped");
	assert_int_equal(f->rec[0].delta, 7);
	assert_int_equal(f->rec[0].seen, 7);
	f = find(r, "dev:tx_dropped");
	assert_non_null(f);
	assert_string_equal(f->at.devname, "eth0");
	assert_null(f->cause);
	txt = printed(w, r, true);
	assert_non_null(strstr(txt, "why:      the device is down"));
	assert_null(strstr(txt, "raise"));
	free(txt);
	done(r, w);
}

/* Only the counter saw it, on a device that is down: the same cause, no --stacks advice. */
static void test_link_down_counter_only(void **state)
{
	struct window *w = fx_window();
	struct report *r;
	char *txt;
	(void)state;

	fx_dev(w, 1, "lo", false, 5);
	fx_grew(w, "UdpLiteNoPorts", 2); /* a counter no entry knows */
	r = run(w, NULL, 0);
	assert_int_equal(r->nf, 2);
	assert_string_equal(r->f[0].name, "dev:tx_dropped");
	assert_string_equal(r->f[0].cause, "link_down");
	txt = printed(w, r, true);
	assert_non_null(strstr(txt, "the device is down"));
	if (!strstr(txt, "not known (only the counter saw these drops)"))
		print_message("%s", txt);
	assert_non_null(strstr(txt, "not known (only the counter saw these drops)"));
	assert_null(strstr(txt, "--stacks"));
	free(txt);
	done(r, w);
}

/*
 * SYN-ACKs with no route back: IpOutNoRoutes, and ListenDrops as its
 * consequence in the same finding; no listener advice (somaxconn).
 */
static void test_no_route_back_merged(void **state)
{
	struct window *w = fx_window();
	struct report *r;
	const struct finding *f;
	char *txt;
	(void)state;

	fx_grew(w, "IpOutNoRoutes", 5);
	fx_grew(w, "TcpExtListenDrops", 5);
	r = run(w, NULL, 0);
	assert_int_equal(r->nf, 1);
	f = &r->f[0];
	assert_string_equal(f->name, "IpOutNoRoutes");
	assert_int_equal(f->count, 5);
	assert_int_equal(f->nmerged, 1);
	assert_string_equal(f->merged[0].name, "TcpExtListenDrops");
	assert_int_equal(f->merged[0].delta, 5);
	/* The SYNs' sources as evidence.c read them: the one with no route back named. */
	r->f[0].ev.syns.n = 2;
	r->f[0].ev.syns.hit[0] = (struct syn_peer){ .family = AF_INET, .n = 5 };
	inet_pton(AF_INET, "10.201.1.1", r->f[0].ev.syns.hit[0].addr);
	r->f[0].ev.syns.route_err[0] = -ENETUNREACH;
	r->f[0].ev.syns.hit[1] = (struct syn_peer){ .family = AF_INET, .n = 1 };
	inet_pton(AF_INET, "10.201.1.9", r->f[0].ev.syns.hit[1].addr);
	r->f[0].ev.syns.routes[1].type = RTN_UNICAST;
	txt = printed(w, r, true);
	assert_non_null(strstr(txt, "also:     TcpExtListenDrops grew by 5, a consequence"));
	assert_null(strstr(txt, "somaxconn"));
	assert_non_null(strstr(txt,
			       "evidence: SYNs from 10.201.1.1: 5 seen; no route back: `ip route "
			       "get 10.201.1.1` answers \"Network is unreachable\"\n"));
	assert_non_null(strstr(txt, "SYNs from 10.201.1.9: 1 seen; the route back is unicast\n"));
	free(txt);
	txt = printed(w, r, false);
	assert_non_null(strstr(txt, "\"syn_senders\":[{\"address\":\"10.201.1.1\",\"count\":5,"
				    "\"route_back\":{\"error\":\"Network is unreachable\"}}"));
	free(txt);
	done(r, w);
}

/* ListenDrops that grew more than the no-route drops explain stay a finding. */
static void test_consequence_larger_stays(void **state)
{
	struct window *w = fx_window();
	struct report *r;
	(void)state;

	fx_grew(w, "IpOutNoRoutes", 2);
	fx_grew(w, "TcpExtListenDrops", 9);
	r = run(w, NULL, 0);
	assert_int_equal(r->nf, 2);
	assert_int_equal(r->f[0].nmerged + r->f[1].nmerged, 0);
	done(r, w);
}

/* A knob this kernel lacks is said as such, with its build option, and never advised. */
static void test_absent_knob(void **state)
{
	struct window *w = fx_window();
	struct report *r;
	struct finding *f;
	char *txt, *json;
	(void)state;

	fx_grew(w, "IpOutNoRoutes", 1);
	r = run(w, NULL, 0);
	assert_int_equal(r->nf, 1);
	f = &r->f[0];
	f->k = knowledge_lookup("softnet:dropped");
	assert_non_null(f->k);
	f->ev.knobs.n = 2;
	f->ev.knobs.v[0] =
		(struct sysctl_val){ .name = "net.core.netdev_max_backlog", .value = "1000" };
	f->ev.knobs.v[1] =
		(struct sysctl_val){ .name = "net.core.flow_limit_table_len", .err = -ENOENT };
	txt = printed(w, r, true);
	assert_non_null(strstr(txt, "raise net.core.netdev_max_backlog (now 1000)"));
	assert_non_null(strstr(txt, "net.core.flow_limit_table_len: not on this kernel (it needs "
				    "CONFIG_NET_FLOW_LIMIT)"));
	assert_null(strstr(txt, "raise net.core.flow_limit_table_len"));
	json = printed(w, r, false);
	assert_non_null(strstr(json, "{\"knob\":\"net.core.flow_limit_table_len\",\"value\":null,"
				     "\"absent\":true,\"needs\":\"CONFIG_NET_FLOW_LIMIT\"}"));
	free(txt);
	free(json);
	done(r, w);
}

/* The sample keeps each dropped packet's destination (forwarding: which had no route). */
static void test_sample_destinations(void **state)
{
	struct window *w = fx_window();
	struct pkt_info p = {
		.l3 = PKT_L3_IPV4, .l4 = PKT_L4_UDP, .has_addrs = true, .dport = 7014
	};
	const __u8 dst[4] = { 10, 203, 9, 9 }, src[4] = { 10, 203, 1, 2 };
	int dests = 0, ports = 0, senders = 0;
	(void)state;

	memcpy(p.dst, dst, 4);
	memcpy(p.src, src, 4);
	for (int i = 0; i < 3; i++)
		sample_packet(&w->sample, NS_MAIN, R_IP_INNOROUTES, A_FWD, &p);
	/* The same sender and reason at another location: its own slot (a
	 * finding takes only its own locations' senders). */
	sample_packet(&w->sample, NS_MAIN, R_IP_INNOROUTES, A_IPRCV, &p);
	for (int i = 0; i < SENDER_SLOTS; i++)
		if (w->sample.senders[i].family) {
			senders++;
			assert_memory_equal(w->sample.senders[i].addr, src, 4);
			assert_int_equal(w->sample.senders[i].n,
					 w->sample.senders[i].location == A_FWD ? 3 : 1);
		}
	assert_int_equal(senders, 2);
	for (int i = 0; i < DEST_SLOTS; i++)
		if (w->sample.dests[i].family) {
			dests++;
			assert_int_equal(w->sample.dests[i].family, AF_INET);
			assert_memory_equal(w->sample.dests[i].addr, dst, 4);
			assert_int_equal(w->sample.dests[i].n,
					 w->sample.dests[i].location == A_FWD ? 3 : 1);
			assert_int_equal(w->sample.dests[i].reason, R_IP_INNOROUTES);
		}
	for (int i = 0; i < PORT_SLOTS; i++)
		if (w->sample.ports[i].proto) {
			ports++;
			assert_int_equal(w->sample.ports[i].port, 7014);
			assert_int_equal(w->sample.ports[i].n, 4);
		}
	assert_int_equal(dests, 2);
	assert_int_equal(ports, 1);
	fx_free(w);
}

/*
 * A counter-less drop rule beside a chain's drop policy: one finding, and
 * the sampled packets split between them by the rule's port.
 */
static void test_nft_candidates_split(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[] = { row(NS_MAIN, R_NETFILTER_DROP, A_NFT, A_LOCALIN, 7) };
	struct nft_drop_point pts[2] = {
		{ .family = "inet",
		  .table = "t",
		  .chain = "in",
		  .hook = "input",
		  .kind = NFT_DROP_RULE,
		  .handle = 3,
		  .rule = "udp dport 7018 drop",
		  .match_dport = 7018,
		  .match_proto = IPPROTO_UDP },
		{ .family = "inet",
		  .table = "t",
		  .chain = "in",
		  .hook = "input",
		  .kind = NFT_DROP_POLICY,
		  .match_dport = -1 },
	};
	struct pkt_info p = { .l3 = PKT_L3_IPV4, .l4 = PKT_L4_UDP };
	struct report *r;
	struct finding *f;
	char *txt;
	(void)state;

	w->end.nft = pts;
	w->end.nnft = 2;
	for (int i = 0; i < 7; i++) {
		p.dport = i < 4 ? 7018 : 7019;
		sample_packet(&w->sample, NS_MAIN, R_NETFILTER_DROP, A_NFT, &p);
	}
	r = run(w, rows, 1);
	assert_int_equal(r->nf, 1);
	f = &r->f[0];
	nft_collect(&(struct ev_ctx){ .w = w }, f);
	assert_string_equal(f->ev.nft.hook, "input");
	assert_int_equal(f->ev.nft.n, 2);
	assert_int_equal(f->ev.nft.points[0].p->handle, 3);
	assert_true(f->ev.nft.points[0].have_sampled);
	assert_int_equal(f->ev.nft.points[0].sampled, 4);
	assert_int_equal(f->ev.nft.points[1].p->kind, NFT_DROP_POLICY);
	assert_int_equal(f->ev.nft.points[1].sampled, 3);
	txt = printed(w, r, true);
	assert_non_null(strstr(txt, ", handle 3: no counter; 4 of the sampled packets are its\n"));
	assert_non_null(strstr(txt, "  udp dport 7018 drop\n"));
	assert_non_null(strstr(txt, "policy drop of inet t chain in (hook input): no counter; 3 of "
				    "the sampled packets are its\n"));
	free(txt);
	w->end.nft = NULL;
	done(r, w);
}

/* The pair ifindex (name, MTU) of the window's namespace, its peer in namespace id nsid. */
static void fx_peer(struct window *w, int ifindex, const char *name, __u32 mtu, int peer_ifindex,
		    const char *peer, __u32 peer_mtu, int nsid)
{
	struct link_peer *p;

	w->peers = realloc(w->peers, sizeof(*p) * (size_t)(w->npeers + 1));
	assert_non_null(w->peers);
	p = &w->peers[w->npeers++];
	memset(p, 0, sizeof(*p));
	p->ifindex = ifindex;
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->kind, sizeof(p->kind), "veth");
	p->mtu = mtu;
	p->peer_ifindex = peer_ifindex;
	snprintf(p->peer_name, sizeof(p->peer_name), "%s", peer);
	p->peer_mtu = peer_mtu;
	p->peer_flags = IFF_UP;
	p->peer_nsid = nsid;
}

/*
 * Frames too big for a veth's peer: NOT_SPECIFIED at __dev_forward_skb2
 * is one finding with that cause, and the counters the same frames grew
 * (the device's tx_dropped, IpOutDiscards, UdpSndbufErrors) are its
 * consequences, not findings of their own; NOT_SPECIFIED elsewhere stays
 * apart (by location).
 */
static void test_veth_peer(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[] = {
		row(NS_MAIN, R_NOT_SPECIFIED, A_DEVFWD, 0, 20),
		row(NS_MAIN, R_NOT_SPECIFIED, A_IPRCV, 0, 3),
	};
	struct report *r;
	const struct finding *f;
	char *txt;
	(void)state;

	rows[0].key.ifindex = 5;
	memcpy(rows[0].key.dev, "va", 3);
	fx_dev(w, 5, "va", true, 20);
	fx_peer(w, 5, "va", 1500, 9, "vb", 1400, 3);
	fx_grew(w, "IpOutDiscards", 20);
	fx_grew(w, "UdpSndbufErrors", 20);
	r = run(w, rows, 2);
	assert_int_equal(r->nf, 2);
	f = &r->f[0];
	assert_int_equal(f->count, 20);
	assert_string_equal(f->cause, "veth_peer");
	assert_int_equal(f->at.loc[0].addr, A_DEVFWD);
	assert_int_equal(f->nmerged, 3);
	for (int i = 0; i < f->nmerged; i++)
		assert_int_equal(f->merged[i].delta, 20);
	assert_int_equal(r->f[1].count, 3);
	assert_int_equal(r->f[1].at.loc[0].addr, A_IPRCV);
	assert_null(r->f[1].cause);
	assert_non_null(f->pair.p);
	assert_false(f->pair.receiver);
	assert_int_equal(f->at.ifindex, 5);
	txt = printed(w, r, true);
	assert_non_null(strstr(txt, "also:     dev:tx_dropped grew by 20, a consequence"));
	assert_non_null(strstr(txt, "also:     UdpSndbufErrors grew by 20, a consequence"));
	assert_non_null(strstr(txt, "   pair:     veth va (MTU 1500) here is the sending end; its "
				    "peer vb (MTU 1400) in netnsid 3 was to receive them\n"));
	free(txt);
	done(r, w);
}

/*
 * The receiving side of a veth: the frames too large for our end were
 * dropped at __dev_forward_skb2, charged to the sender's namespace (the
 * row is there, on the sender's device). Seen from ours: one finding of
 * ours, the veth cause on our end, the side said, our rx_dropped its
 * consequence. A row on another device there, or on the same ifindex in a
 * namespace that is not the peer's, is not ours.
 */
static void test_veth_receiver(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[] = {
		row(NS_OTHER, R_NOT_SPECIFIED, A_DEVFWD, 0, 20),
		row(NS_OTHER, R_NOT_SPECIFIED, A_DEVFWD, 0, 4),
		row(NS_OTHER + 1, R_NOT_SPECIFIED, A_DEVFWD, 0, 2),
	};
	struct report *r;
	const struct finding *f;
	char *txt, *json, line[200];
	(void)state;

	rows[0].key.ifindex = 5;
	memcpy(rows[0].key.dev, "va", 3);
	rows[1].key.ifindex = 6; /* another device in the sender's namespace */
	rows[2].key.ifindex = 5; /* the same index in a namespace with no pair to us */
	fx_peer(w, 9, "vb", 1400, 5, "va", 1500, 3);
	w->nsids[w->nnsids++] = (struct nsid_map){ NS_OTHER, 3 };
	w->nsids[w->nnsids++] = (struct nsid_map){ NS_OTHER + 1, 4 };
	fx_dev(w, 9, "vb", true, 0);
	w->end.snap.dev[0].v[DEV_RX_DROPPED] += 20;
	r = run(w, rows, 3);
	f = &r->f[0];
	assert_int_equal(f->count, 26); /* one finding per location: all three rows */
	assert_int_equal(f->at.primary_n, 20);
	assert_true(f->at.primary);
	assert_int_equal(f->at.netns, NS_MAIN);
	assert_non_null(f->cause);
	assert_string_equal(f->cause, "veth_peer");
	assert_non_null(f->pair.p);
	assert_true(f->pair.receiver);
	assert_int_equal(f->pair.peer_netns, NS_OTHER);
	assert_int_equal(f->at.ifindex, 9);
	assert_string_equal(f->at.devname, "vb");
	assert_int_equal(f->nmerged, 1);
	assert_string_equal(f->merged[0].name, "dev:rx_dropped");
	assert_int_equal(f->merged[0].delta, 20);
	assert_null(find(r, "dev:rx_dropped")); /* merged, not a finding of its own */
	txt = printed(w, r, true);
	snprintf(line, sizeof(line),
		 "   pair:     veth vb (MTU 1400) here is the receiving end; its peer va (MTU "
		 "1500) in netns %u sent them\n",
		 NS_OTHER);
	assert_non_null(strstr(txt, line));
	json = printed(w, r, false);
	assert_non_null(strstr(json, "\"pair\":{\"kind\":\"veth\",\"device\":\"vb\",\"ifindex\":9,"
				     "\"mtu\":1400,\"side\":\"receiver\",\"peer\":\"va\","
				     "\"peer_mtu\":1500,"));
	free(txt);
	free(json);
	done(r, w);

	/* Without the id of the row's namespace, nothing says the row is ours. */
	w = fx_window();
	fx_peer(w, 9, "vb", 1400, 5, "va", 1500, 3);
	r = run(w, rows, 1);
	assert_false(r->f[0].at.primary);
	assert_null(r->f[0].pair.p);
	done(r, w);

	/* The sending side: the peer's namespace found by its id, named with its workload. */
	w = fx_window();
	fx_peer(w, 5, "va", 1500, 9, "vb", 1400, 3);
	w->nsids[w->nnsids++] = (struct nsid_map){ NS_OTHER, 3 };
	w->wl = calloc(1, sizeof(*w->wl));
	assert_non_null(w->wl);
	w->wl[0].netns = NS_OTHER;
	snprintf(w->wl[0].name, sizeof(w->wl[0].name), "ipnetns=b");
	w->nwl = 1;
	rows[0] = row(NS_MAIN, R_NOT_SPECIFIED, A_DEVFWD, 0, 7);
	rows[0].key.ifindex = 5;
	r = run(w, rows, 1);
	assert_non_null(r->f[0].pair.p);
	assert_false(r->f[0].pair.receiver);
	assert_int_equal(r->f[0].pair.peer_netns, NS_OTHER);
	txt = printed(w, r, true);
	snprintf(line, sizeof(line),
		 "here is the sending end; its peer vb (MTU 1400) in netns %u (ipnetns=b) was to "
		 "receive them\n",
		 NS_OTHER);
	assert_non_null(strstr(txt, line));
	json = printed(w, r, false);
	snprintf(line, sizeof(line), "\"peer_netns\":%u,\"peer_workload\":\"ipnetns=b\"", NS_OTHER);
	assert_non_null(strstr(json, line));
	free(txt);
	free(json);
	done(r, w);
}

/* The workload of a namespace, where known, next to it in the where-table; JSON keeps both. */
static void test_workload_column(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[3];
	struct report *r;
	char *txt, *json, line[160];
	(void)state;

	for (int i = 0; i < 3; i++)
		rows[i] = row(NS_OTHER + i, R_NO_SOCKET, A_UDP4, 0, (__u64)(i + 1) * 10);
	w->wl = calloc(2, sizeof(*w->wl));
	assert_non_null(w->wl);
	w->wl[0] = (struct ns_workload){ .netns = NS_OTHER + 2 };
	/* as the resolver makes it: its values already escaped (escape_word) */
	snprintf(w->wl[0].name, sizeof(w->wl[0].name), "ipnetns=pod\\x1b-a");
	w->wl[1] = (struct ns_workload){ .netns = NS_OTHER + 1 };
	snprintf(w->wl[1].name, sizeof(w->wl[1].name), "-"); /* nothing known */
	w->nwl = 2;
	r = run(w, rows, 3);
	assert_int_equal(r->nf, 1);
	txt = printed(w, r, true);
	/* printed as it is: not escaped twice */
	snprintf(line, sizeof(line), "ipnetns=pod\\x1b-a (netns %u): 30 (6.0/s)", NS_OTHER + 2);
	assert_non_null(strstr(txt, line));
	snprintf(line, sizeof(line), "             netns %u: 20 (4.0/s)", NS_OTHER + 1);
	assert_non_null(strstr(txt, line));
	json = printed(w, r, false);
	snprintf(line, sizeof(line),
		 "{\"netns\":%u,\"count\":30,\"rate_per_s\":6.0,\"workload\":"
		 "\"ipnetns=pod\\\\x1b-a\"",
		 NS_OTHER + 2);
	assert_non_null(strstr(json, line));
	snprintf(line, sizeof(line),
		 "{\"netns\":%u,\"count\":20,\"rate_per_s\":4.0,\"workload\":null", NS_OTHER + 1);
	assert_non_null(strstr(json, line));
	free(txt);
	free(json);
	done(r, w);
}

/*
 * TC_INGRESS and TC_EGRESS findings name the programs progwatch attributed
 * their drops to: of that direction, in the finding's namespaces only,
 * most drops first; in the text and the JSON.
 */
static void test_tc_programs_named(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[] = { row(NS_MAIN, R_TC_INGRESS, A_IPRCV, 0, 30),
				     row(NS_MAIN, R_TC_EGRESS, A_XMIT, 0, 50) };
	const struct finding *f;
	struct report *r;
	char *txt;
	(void)state;

	fx_tc(w, NS_MAIN, 10, "dummy10", true, 3323, "tcx prog drop_all id 3323 tag 0a1b", 50);
	fx_tc(w, NS_MAIN, 10, "dummy10", false, 0, "one of: clsact prog a id 7, clsact prog b id 8",
	      10);
	fx_tc(w, NS_MAIN, 11, "dummy11", false, 3324, "clsact prog drop_in id 3324 tag 0c", 20);
	fx_tc(w, NS_OTHER, 4, "eth0", false, 99, "clsact prog elsewhere id 99", 500);
	fx_tc(w, NS_MAIN, 12, "dummy12", false, 98, "clsact prog idle id 98", 0);
	r = run(w, rows, 2);
	f = find(r, "TC_INGRESS");
	assert_non_null(f);
	assert_non_null(f->k);
	assert_int_equal(f->ntc, 2);
	assert_string_equal(f->tc[0]->dev, "dummy11");
	assert_int_equal(f->tc[0]->named_id, 3324);
	assert_string_equal(f->tc[1]->who, "one of: clsact prog a id 7, clsact prog b id 8");
	f = find(r, "TC_EGRESS");
	assert_non_null(f);
	assert_int_equal(f->ntc, 1);
	assert_string_equal(f->tc[0]->who, "tcx prog drop_all id 3323 tag 0a1b");
	txt = printed(w, r, true);
	assert_non_null(strstr(txt, "program:  50 by tc program tcx prog drop_all id 3323 tag "
				    "0a1b (dummy10 egress)\n"));
	assert_non_null(strstr(txt, "program:  20 by tc program clsact prog drop_in"));
	assert_null(strstr(txt, "elsewhere"));
	assert_null(strstr(txt, "idle"));
	free(txt);
	txt = printed(w, r, false);
	assert_non_null(strstr(txt, "\"tc_programs\":[{\"program\":\"tcx prog drop_all id 3323 "
				    "tag 0a1b\",\"prog_id\":3323,\"device\":\"dummy10\","));
	assert_non_null(strstr(txt, "\"prog_id\":null"));
	free(txt);
	done(r, w);
}

/*
 * Driver counters no tracepoint saw are findings of their own, one per
 * device and class; one that is the same drops as a device counter stands
 * for it on that device only; one that did not grow is none.
 */
static void test_driver_counters(void **state)
{
	struct window *w = fx_window();
	const struct finding *f;
	struct report *r;
	char *txt;
	(void)state;

	fx_dev(w, 3, "veth0", true, 0);
	fx_dev(w, 4, "eth0", true, 0);
	fx_dev(w, 5, "eth1", true, 0);
	fx_dev(w, 6, "eth2", true, 0);
	fx_drv(w, 3, "veth0", "rx_queue_0_xdp_drops", 100, 130);
	fx_drv(w, 3, "veth0", "rx_queue_1_xdp_drops", 7, 21);
	fx_drv(w, 3, "veth0", "rx_queue_0_drops", 5, 5);
	fx_drv(w, 4, "eth0", "rx_missed", 0, 10);
	/* virtio: a total and its queue's, each drop in both */
	fx_drv(w, 6, "eth2", "rx0_drops", 1, 7);
	fx_drv(w, 6, "eth2", "rx_drops", 1, 7);
	w->end.snap.dev[1].v[DEV_RX_MISSED] = 10; /* eth0's, the same drops */
	w->end.snap.dev[2].v[DEV_RX_MISSED] = 3;  /* eth1's, no driver counter */
	r = run(w, NULL, 0);
	assert_int_equal(r->nf, 4);
	f = find(r, "driver:xdp_drop");
	assert_non_null(f);
	assert_true(f->counter);
	assert_int_equal(f->count, 44); /* both queues */
	assert_string_equal(f->at.devname, "veth0");
	assert_non_null(f->k);
	f = find(r, "driver:drop"); /* eth2's, by its total; veth0's did not grow */
	assert_non_null(f);
	assert_string_equal(f->at.devname, "eth2");
	assert_int_equal(f->count, 6);
	f = find(r, "driver:miss");
	assert_non_null(f);
	assert_int_equal(f->count, 10);
	assert_string_equal(f->at.devname, "eth0");
	f = find(r, "dev:rx_missed_errors");
	assert_non_null(f);
	assert_string_equal(f->at.devname, "eth1");
	txt = printed(w, r, true);
	assert_non_null(strstr(txt, "44 packets dropped (8.8/s): driver:xdp_drop, dev veth0"));
	free(txt);
	done(r, w);
}

/* XDP_DROP seen by the fexit rows agrees with the drivers' xdp_drops: one finding. */
static void test_xdp_drop_reconciled(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[] = { row(NS_MAIN, DS_REASON_XDP_DROP, 0xa000, 0, 44) };
	const struct finding *f;
	struct report *r;
	(void)state;

	fx_dev(w, 3, "veth0", true, 0);
	fx_drv(w, 3, "veth0", "rx_queue_0_xdp_drops", 0, 44);
	r = run(w, rows, 1);
	assert_int_equal(r->nf, 1);
	f = find(r, "XDP_DROP");
	assert_non_null(f);
	assert_int_equal(f->nrec, 1);
	assert_string_equal(f->rec[0].name, "driver:xdp_drop");
	assert_int_equal(f->rec[0].delta, 44);
	assert_int_equal(f->rec[0].seen, 44);
	done(r, w);
}

static struct drop_delta row_dev(__u32 reason, __u64 loc, int ifindex, const char *dev, __u64 n)
{
	struct drop_delta d = row(NS_MAIN, reason, loc, 0, n);

	d.key.ifindex = ifindex;
	snprintf(d.key.dev, sizeof(d.key.dev), "%s", dev);
	return d;
}

/*
 * Drops no counter counts are said so, not compared: a tcx program's on a
 * device with no clsact qdisc, generic XDP's. A finding over several
 * devices names none of them alone.
 */
static void test_uncounted_and_devices(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[] = { row_dev(DS_REASON_XDP_DROP, 0xa000, 3, "veth0", 30),
				     row_dev(R_TC_INGRESS, A_IPRCV, 4, "veth1", 25),
				     row_dev(R_NO_SOCKET, A_IPRCV, 3, "veth0", 10),
				     row_dev(R_NO_SOCKET, A_IPRCV, 4, "veth1", 8) };
	const struct finding *f;
	struct report *r;
	char *txt;
	(void)state;

	fx_dev(w, 3, "veth0", true, 0);
	fx_dev(w, 4, "veth1", true, 0);
	w->start.snap.dev[0].xdp_attached = w->end.snap.dev[0].xdp_attached = XDP_ATTACHED_SKB;
	fx_drv(w, 3, "veth0", "rx_queue_0_xdp_drops", 0, 0);
	r = run(w, rows, 4);
	f = find(r, "XDP_DROP");
	assert_non_null(f);
	assert_int_equal(f->nrec, 1);
	assert_string_equal(f->rec[0].uncounted, "generic XDP");
	assert_true(f->at.one_dev);
	f = find(r, "TC_INGRESS");
	assert_non_null(f);
	assert_int_equal(f->nrec, 1);
	assert_string_equal(f->rec[0].uncounted, "tcx programs");
	f = find(r, "NO_SOCKET");
	assert_non_null(f);
	assert_int_equal(f->count, 18);
	assert_int_equal(f->at.ndev, 2);
	assert_false(f->at.one_dev);
	txt = printed(w, r, true);
	assert_non_null(strstr(txt, "counters: no counter for generic XDP"));
	assert_non_null(strstr(txt, "counters: no counter for tcx programs"));
	assert_non_null(strstr(txt, ", on 2 devices"));
	assert_null(strstr(txt, "DIFFERS:  driver:xdp_drop"));
	assert_null(strstr(txt, "DIFFERS:  qdisc:drops"));
	free(txt);
	txt = printed(w, r, false);
	assert_non_null(strstr(txt, "\"device\":null"));
	assert_non_null(strstr(txt, "\"devices\":[{\"device\":\"veth0\",\"count\":10},"
				    "{\"device\":\"veth1\",\"count\":8}]"));
	assert_non_null(strstr(txt, "\"note\":\"no counter for tcx programs\""));
	free(txt);
	done(r, w);
}

/*
 * Rows the collection layer classed close (sockets closing unread) are no
 * finding: they are counted apart, said last in one line with where,
 * "nothing to tune", and do not touch the real drops' reconciliation.
 */
static void test_close_rows_last(void **state)
{
	struct window *w = fx_window();
	struct drop_delta rows[] = {
		row(NS_MAIN, R_NOT_SPECIFIED, A_UNIXREL, 0, 200),
		row(NS_MAIN, R_NO_SOCKET, A_UDP4, 0, 50),
		row(NS_OTHER, R_NOT_SPECIFIED, A_PKTREL, 0, 30),
	};
	struct report *r;
	const struct finding *f;
	char *txt, *find_at, *close_at;
	(void)state;

	rows[0].key.cls = CLASS_CLOSE;
	rows[2].key.cls = CLASS_CLOSE;
	fx_grew(w, "UdpNoPorts", 50);
	r = run(w, rows, 3);
	assert_int_equal(r->nf, 1);
	f = find(r, "NO_SOCKET");
	assert_non_null(f);
	assert_int_equal(f->count, 50);
	assert_int_equal(f->rec[0].delta, 50);
	assert_int_equal(f->rec[0].seen, 50);
	assert_int_equal(r->closed.count, 230);
	assert_int_equal(r->closed.loc[0].addr, A_UNIXREL);
	assert_int_equal(r->closed.loc[0].n, 200);
	assert_int_equal(r->closed.loc[1].addr, A_PKTREL);
	assert_int_equal(r->closed.loc[1].n, 30);
	txt = printed(w, r, true);
	assert_non_null(strstr(txt, ": 1 finding\n"));
	find_at = strstr(txt, "1. 50 packets dropped");
	close_at = strstr(txt, "\nclose: 230 packets (46.0/s) at unix_release_sock 200, "
			       "packet_release 30: freed by sockets closing");
	assert_non_null(find_at);
	assert_non_null(close_at);
	assert_true(close_at > find_at);
	assert_non_null(strstr(close_at, "nothing to tune (--class drop hides them)\n"));
	/* One line, the last. */
	assert_int_equal(strchr(close_at + 1, '\n')[1], '\0');
	free(txt);
	txt = printed(w, r, false);
	assert_non_null(strstr(txt, "\"closed\":{\"class\":\"close\",\"count\":230,"
				    "\"rate_per_s\":46.0,\"locations\":[{\"location\":"
				    "\"unix_release_sock\",\"count\":200},{\"location\":"
				    "\"packet_release\",\"count\":30}],\"why\":"));
	free(txt);
	done(r, w);

	/* Only close rows (--class close): no finding, and the verdict says
	 * what was freed ("no drops seen" read as if nothing was), the one
	 * line after it; JSON's verdict in the same words. */
	w = fx_window();
	r = run(w, rows, 1);
	assert_int_equal(r->nf, 0);
	txt = printed(w, r, true);
	assert_null(strstr(txt, "no drops seen"));
	assert_non_null(strstr(txt, ": no drops; 200 packets freed by sockets closing "
				    "(not drops)\n\nclose: 200 packets"));
	free(txt);
	txt = printed(w, r, false);
	assert_non_null(strstr(txt, "\"verdict\":\"no drops; 200 packets freed by sockets "
				    "closing (not drops)\""));
	assert_non_null(strstr(txt, "\"closed\":{\"class\":\"close\",\"count\":200,"));
	free(txt);
	done(r, w);

	/* Nothing at all: as before. */
	w = fx_window();
	r = run(w, rows, 0);
	assert_int_equal(r->nf, 0);
	txt = printed(w, r, true);
	assert_non_null(strstr(txt, ": no drops seen\n"));
	assert_null(strstr(txt, "close"));
	free(txt);
	txt = printed(w, r, false);
	assert_non_null(strstr(txt, "\"verdict\":\"no drops seen\""));
	free(txt);
	done(r, w);
}

/*
 * A ring record that claims events it does not hold (the batch splitter's
 * malformed count) is counted in the window and said in both outputs, as
 * events mode says it; the well-formed event before it is sampled.
 */
static void test_malformed_record_said(void **state)
{
	struct window *w = fx_window();
	union {
		struct ev_batch_hdr h;
		unsigned char b[sizeof(struct ev_batch_hdr) + sizeof(struct drop_event) + 64];
		__u64 align;
	} rec = { .h = { .n = 3 } };
	struct drop_event *e = (struct drop_event *)(rec.b + sizeof(rec.h));
	struct report *r;
	char *txt;
	(void)state;

	/* One event with no packet bytes, then two the record is too short for. */
	e->caplen = 0;
	e->netns = NS_MAIN;
	assert_int_equal(sample_record(w, &rec, sizeof(rec.h) + EV_SIZE(0)), 0);
	assert_int_equal(w->sample.malformed, 2);
	/* No room even for the header: one more. */
	assert_int_equal(sample_record(w, &rec, 4), 0);
	assert_int_equal(w->sample.malformed, 3);
	r = run(w, NULL, 0);
	txt = printed(w, r, true);
	assert_non_null(strstr(txt, "\n3 events malformed (not in the sample"));
	free(txt);
	txt = printed(w, r, false);
	assert_non_null(strstr(txt, "\"malformed_events\":3"));
	free(txt);
	done(r, w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_noport_agrees),
		cmocka_unit_test(test_malformed_record_said),
		cmocka_unit_test(test_listen_overflow_counter),
		cmocka_unit_test(test_sorted_and_unknown),
		cmocka_unit_test(test_print_to_stream),
		cmocka_unit_test(test_group_across_namespaces),
		cmocka_unit_test(test_group_with_primary),
		cmocka_unit_test(test_reconcile_per_protocol),
		cmocka_unit_test(test_link_down),
		cmocka_unit_test(test_link_down_counter_only),
		cmocka_unit_test(test_no_route_back_merged),
		cmocka_unit_test(test_consequence_larger_stays),
		cmocka_unit_test(test_absent_knob),
		cmocka_unit_test(test_sample_destinations),
		cmocka_unit_test(test_nft_candidates_split),
		cmocka_unit_test(test_veth_peer),
		cmocka_unit_test(test_veth_receiver),
		cmocka_unit_test(test_workload_column),
		cmocka_unit_test(test_tc_programs_named),
		cmocka_unit_test(test_driver_counters),
		cmocka_unit_test(test_xdp_drop_reconciled),
		cmocka_unit_test(test_uncounted_and_devices),
		cmocka_unit_test(test_close_rows_last),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
