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
#include <arpa/inet.h>
#include <netinet/in.h>

#include "diagnose/analyse.h"
#include "diagnose/print.h"
#include "counters/snmp.h"

#define NS_MAIN	 4026531840u
#define NS_OTHER 4026532000u

/* Kernel addresses of the fixture's functions. */
enum {
	A_UDP4 = 0x1000,   /* __udp4_lib_rcv */
	A_TCP4 = 0x2000,   /* tcp_v4_rcv */
	A_IPRCV = 0x3000,  /* ip_rcv_finish */
	A_FWD = 0x4000,	   /* ip_forward */
	A_VETH = 0x5000,   /* veth_xmit */
	A_DEVFWD = 0x6000, /* __dev_forward_skb2 */
};

static const struct {
	__u64 addr;
	const char *name;
} syms[] = {
	{ A_UDP4, "__udp4_lib_rcv" }, { A_TCP4, "tcp_v4_rcv" }, { A_IPRCV, "ip_rcv_finish" },
	{ A_FWD, "ip_forward" },      { A_VETH, "veth_xmit" },	{ A_DEVFWD, "__dev_forward_skb2" },
};

/* The fixture kernel's reasons. */
enum { R_NOT_SPECIFIED = 2, R_NO_SOCKET = 3, R_IP_INNOROUTES = 16, R_TCP_CSUM = 9 };

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

static struct report *run(const struct window *w, const struct drop_delta *rows, int n)
{
	struct report *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	analyse(w, rows, n, r);
	return r;
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
	free(r);
	fx_free(w);
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
	free(r);
	fx_free(w);
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
	assert_string_equal(r->f[0].name, "reason 77");
	assert_null(r->f[0].k);
	assert_int_equal(r->f[0].count, 9);
	assert_string_equal(r->f[1].name, "TCP_CSUM");
	free(r);
	fx_free(w);
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
	free(r);
	fx_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_noport_agrees),
		cmocka_unit_test(test_listen_overflow_counter),
		cmocka_unit_test(test_sorted_and_unknown),
		cmocka_unit_test(test_print_to_stream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
