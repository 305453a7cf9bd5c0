// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/counters/delta.c: what grew between two counter
 * snapshots, the one way top and diagnose compute it (qdisc identity with
 * its kind, 32-bit wrap-around, root, ingress and clsact qdiscs only in sums).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/pkt_sched.h>

#include "counters/delta.h"

#define QD(ifi, k, h, par, d)                                                                      \
	{                                                                                          \
		.ifindex = (ifi), .kind = k, .handle = (h), .parent = (par), .drops = (d)          \
	}

static void test_grew(void **state)
{
	(void)state;
	assert_int_equal(counter_grew32(10, 15), 5);
	/* A 32-bit qdisc counter that wrapped. */
	assert_int_equal(counter_grew32(0xfffffff0u, 0x10), 0x20);
	assert_int_equal(counter_grew64(7, 7), 0);
	/* A 64-bit counter that went back (device re-created): no growth. */
	assert_int_equal(counter_grew64(100, 3), 0);
}

/* Root qdiscs only: htb at the root counts its child's drops again. */
static void test_qdisc_root_only(void **state)
{
	struct qdisc_stats qa[] = { QD(2, "htb", 0x10000, TC_H_ROOT, 100),
				    QD(2, "fq_codel", 0x20000, 0x10001, 40) };
	struct qdisc_stats qb[] = { QD(2, "htb", 0x10000, TC_H_ROOT, 130),
				    QD(2, "fq_codel", 0x20000, 0x10001, 70) };
	struct counter_snapshot a = { .qdisc = qa, .nqdisc = 2 }, b = { .qdisc = qb, .nqdisc = 2 };
	__u64 d;
	(void)state;

	assert_true(counter_delta(&a, &b, "qdisc:drops", &d));
	assert_int_equal(d, 30);
}

/* A clsact (or ingress) qdisc counts its filters' drops, which no root
 * qdisc counts: summed with the roots. */
static void test_qdisc_clsact(void **state)
{
	struct qdisc_stats qa[] = { QD(2, "noqueue", 0, TC_H_ROOT, 0),
				    QD(2, "clsact", 0xffff0000, TC_H_INGRESS, 4),
				    QD(3, "pfifo_fast", 0, TC_H_ROOT, 1) };
	struct qdisc_stats qb[] = { QD(2, "noqueue", 0, TC_H_ROOT, 0),
				    QD(2, "clsact", 0xffff0000, TC_H_INGRESS, 29),
				    QD(3, "pfifo_fast", 0, TC_H_ROOT, 3) };
	struct counter_snapshot a = { .qdisc = qa, .nqdisc = 3 }, b = { .qdisc = qb, .nqdisc = 3 };
	__u64 d;
	(void)state;

	assert_true(counter_delta(&a, &b, "qdisc:drops", &d));
	assert_int_equal(d, 27);
}

/* The same handle with another kind is another qdisc (replaced): all its
 * drops are new; a wrapped counter grows by the wrapped amount. */
static void test_qdisc_kind_and_wrap(void **state)
{
	struct qdisc_stats qa[] = { QD(2, "pfifo", 0x10000, TC_H_ROOT, 500),
				    QD(3, "fq", 0x10000, TC_H_ROOT, 0xfffffffeu) };
	struct qdisc_stats qb[] = { QD(2, "fq_codel", 0x10000, TC_H_ROOT, 7),
				    QD(3, "fq", 0x10000, TC_H_ROOT, 3) };
	struct counter_snapshot a = { .qdisc = qa, .nqdisc = 2 }, b = { .qdisc = qb, .nqdisc = 2 };
	__u64 d;
	(void)state;

	assert_true(counter_delta(&a, &b, "qdisc:drops", &d));
	assert_int_equal(d, 7 + 5);
}

static void test_dev_softnet_snmp(void **state)
{
	struct dev_stats da[2] = { { .ifindex = 1, .name = "lo" },
				   { .ifindex = 2, .name = "eth0" } };
	struct dev_stats db[3] = { { .ifindex = 1, .name = "lo" },
				   { .ifindex = 2, .name = "eth0" },
				   { .ifindex = 9, .name = "new0" } };
	struct softnet_cpu sa[2] = { { .dropped = 1, .flow_limit = 0 }, { .dropped = 5 } };
	struct softnet_cpu sb[2] = { { .dropped = 4, .flow_limit = 2 }, { .dropped = 5 } };
	struct snmp_value va[64] = {}, vb[64] = {};
	struct counter_snapshot a = {
		.dev = da, .ndev = 2, .softnet = sa, .nsoftnet = 2, .snmp = va
	};
	struct counter_snapshot b = {
		.dev = db, .ndev = 3, .softnet = sb, .nsoftnet = 2, .snmp = vb
	};
	char name[64];
	__u64 d;
	(void)state;

	assert_true(snmp_drop_count <= 64);
	for (int i = 0; i < 3; i++) {
		db[i].have[DEV_RX_DROPPED] = true;
		if (i < 2)
			da[i].have[DEV_RX_DROPPED] = true;
	}
	da[1].v[DEV_RX_DROPPED] = 10;
	db[1].v[DEV_RX_DROPPED] = 25;
	db[2].v[DEV_RX_DROPPED] = 1000; /* appeared: nothing to compare with */
	snprintf(name, sizeof(name), "dev:%s", devstats_kind_name(DEV_RX_DROPPED));
	assert_true(counter_delta(&a, &b, name, &d));
	assert_int_equal(d, 15);
	assert_false(counter_delta(&a, &b, "dev:no_such_field", &d));

	assert_true(counter_delta(&a, &b, "softnet:dropped", &d));
	assert_int_equal(d, 3);
	assert_true(counter_delta(&a, &b, "softnet:flow_limit", &d));
	assert_int_equal(d, 2);

	va[0] = (struct snmp_value){ .value = 4, .present = true };
	vb[0] = (struct snmp_value){ .value = 9, .present = true };
	assert_true(counter_delta(&a, &b, snmp_drop_counters[0].nstat, &d));
	assert_int_equal(d, 5);
	/* A counter this kernel does not have cannot be read. */
	vb[1].present = false;
	assert_false(counter_delta(&a, &b, snmp_drop_counters[1].nstat, &d));
	assert_false(counter_delta(&a, &b, "NoSuchCounter", &d));

	/* A family a snapshot could not read is not read as 0. */
	b.err_softnet = -EIO;
	assert_false(counter_delta(&a, &b, "softnet:dropped", &d));
}

struct seen {
	char text[512];
	size_t len;
};

static void note(void *ctx, const struct counter_move *m)
{
	struct seen *s = ctx;

	s->len += snprintf(s->text + s->len, sizeof(s->text) - s->len, "%d %s %s%s +%llu;",
			   m->family, m->dev ? m->dev : "-", m->name,
			   m->family == CF_QDISC && !m->root ? " child" : "",
			   (unsigned long long)m->delta);
}

/* Every counter that grew, once, children marked; nothing that did not. */
static void test_moves(void **state)
{
	struct dev_stats da[1] = { { .ifindex = 2, .name = "eth0" } };
	struct dev_stats db[1] = { { .ifindex = 2, .name = "eth0" } };
	struct qdisc_stats qa[] = { QD(2, "htb", 0x10000, TC_H_ROOT, 1),
				    QD(2, "pfifo", 0x20000, 0x10001, 1) };
	struct qdisc_stats qb[] = { QD(2, "htb", 0x10000, TC_H_ROOT, 3),
				    QD(2, "pfifo", 0x20000, 0x10001, 2) };
	struct counter_snapshot a = { .dev = da, .ndev = 1, .qdisc = qa, .nqdisc = 2 };
	struct counter_snapshot b = { .dev = db, .ndev = 1, .qdisc = qb, .nqdisc = 2 };
	struct seen s = {};
	(void)state;

	da[0].have[DEV_TX_DROPPED] = db[0].have[DEV_TX_DROPPED] = true;
	db[0].v[DEV_TX_DROPPED] = 4;
	counter_moves(&a, &b, note, &s);
	char want[256];

	snprintf(want, sizeof(want), "0 eth0 %s +4;1 eth0 htb +2;1 eth0 pfifo child +1;",
		 devstats_kind_name(DEV_TX_DROPPED));
	assert_string_equal(s.text, want);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grew),
		cmocka_unit_test(test_qdisc_root_only),
		cmocka_unit_test(test_qdisc_clsact),
		cmocka_unit_test(test_qdisc_kind_and_wrap),
		cmocka_unit_test(test_dev_softnet_snmp),
		cmocka_unit_test(test_moves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
