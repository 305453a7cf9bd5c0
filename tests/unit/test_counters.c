// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the /proc/net parsers of the counter readers (softnet.c,
 * snmp.c) on fixtures of several kernels' layouts and on hostile input,
 * and for the stats64 length check of devstats.c. Fixtures are in
 * tests/unit/fixtures/counters (FIXTURES overrides).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>

#include "counters/devstats.h"
#include "fixture.h"
#include "counters/snmp.h"
#include "counters/softnet.h"

static char *fixture(const char *name)
{
	const char *dir = getenv("FIXTURES");
	char path[4096];
	char *text;

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "tests/unit/fixtures/counters",
		 name);
	text = slurp(path);
	if (!text)
		fail_msg("cannot read fixture %s", path);
	return text;
}

static int parse_softnet(const char *name, struct softnet_cpu *out, size_t max)
{
	char *t = fixture(name);
	int n = softnet_parse(t, strlen(t), out, max);

	free(t);
	return n;
}

static void test_softnet_11(void **state)
{
	struct softnet_cpu c[8];
	(void)state;

	assert_int_equal(parse_softnet("softnet-11.txt", c, 8), 2);
	/* No CPU column before 5.10: the line stands in for it. */
	assert_int_equal(c[0].cpu, 0);
	assert_int_equal(c[1].cpu, 1);
	assert_int_equal(c[0].processed, 0x3a1b2);
	assert_int_equal(c[0].dropped, 5);
	assert_int_equal(c[0].time_squeeze, 0x10);
	assert_int_equal(c[0].flow_limit, 2);
	assert_true(c[0].have_flow_limit);
}

static void test_softnet_13(void **state)
{
	struct softnet_cpu c[8];
	(void)state;

	assert_int_equal(parse_softnet("softnet-13.txt", c, 8), 2);
	assert_int_equal(c[0].cpu, 0);
	assert_int_equal(c[1].cpu, 3); /* offline CPUs have no line: the column says which */
	assert_int_equal(c[1].dropped, 7);
}

static void test_softnet_15(void **state)
{
	struct softnet_cpu c[8];
	(void)state;

	assert_int_equal(parse_softnet("softnet-15.txt", c, 8), 2);
	assert_int_equal(c[1].cpu, 3);
	assert_int_equal(c[1].processed, 0xffffffffULL);
	assert_int_equal(c[1].dropped, 10);
	assert_int_equal(c[1].time_squeeze, 255);
	assert_int_equal(c[1].flow_limit, 9);
}

static void test_softnet_16(void **state)
{
	struct softnet_cpu c[8];
	(void)state;

	/* A column more than we know of: ignored. */
	assert_int_equal(parse_softnet("softnet-16.txt", c, 8), 1);
	assert_int_equal(c[0].processed, 1);
	assert_int_equal(c[0].dropped, 2);
	assert_int_equal(c[0].time_squeeze, 3);
	assert_int_equal(c[0].flow_limit, 4);
}

static void test_softnet_hostile(void **state)
{
	static const char nine[] = "00000001 00000002 00000003 0 0 0 0 0 0\n";
	static const char junk[] = "hello world\n"
				   "00000001 00000002 00000003 0 0 0 0 0 0 0 0 0 zz\n"
				   "11111111111111111 00000002 00000003 0 0 0 0 0 0\n"
				   "1 2 3\n"
				   "\n"
				   "00000009 00000008 00000007 0 0 0 0 0 0 0 1\n";
	static const char unterminated[] = "00000001 00000002 00000003 0 0 0 0 0 0 0 5 0 0 0 0";
	struct softnet_cpu c[4];
	char *many;
	(void)state;

	/* Before 3.15: nine columns, no flow limit (absent, not zero). */
	assert_int_equal(softnet_parse(nine, strlen(nine), c, 4), 1);
	assert_false(c[0].have_flow_limit);
	assert_int_equal(c[0].dropped, 2);

	/* Junk lines are skipped, the good one is kept. */
	assert_int_equal(softnet_parse(junk, strlen(junk), c, 4), 1);
	assert_int_equal(c[0].processed, 9);
	assert_int_equal(c[0].flow_limit, 1);

	/* No NUL needed; a length shorter than the text is respected. */
	assert_int_equal(softnet_parse(unterminated, strlen(unterminated), c, 4), 1);
	assert_int_equal(c[0].flow_limit, 5);
	assert_int_equal(softnet_parse(unterminated, 20, c, 4), -EINVAL);

	assert_int_equal(softnet_parse("", 0, c, 4), -EINVAL);
	assert_int_equal(softnet_parse("x", 1, c, 4), -EINVAL);

	/* More lines than room: bounded by max. */
	many = malloc(100 * sizeof(nine));
	assert_non_null(many);
	many[0] = 0;
	for (int i = 0; i < 100; i++)
		strcat(many, nine);
	assert_int_equal(softnet_parse(many, strlen(many), c, 4), 4);
	free(many);
}

static ssize_t find(const char *nstat)
{
	for (size_t i = 0; i < snmp_drop_count; i++)
		if (!strcmp(snmp_drop_counters[i].nstat, nstat))
			return (ssize_t)i;
	fail_msg("%s is not in the list", nstat);
	return -1;
}

static void assert_counter(const struct snmp_value *v, const char *nstat, long long want)
{
	ssize_t i = find(nstat);

	if (want < 0) {
		if (v[i].present)
			fail_msg("%s should be absent", nstat);
		return;
	}
	if (!v[i].present)
		fail_msg("%s should be present", nstat);
	assert_int_equal(v[i].value, want);
}

static void test_snmp_table(void **state)
{
	(void)state;
	assert_true(snmp_drop_count >= 40);
	for (size_t i = 0; i < snmp_drop_count; i++) {
		const struct snmp_counter_def *d = &snmp_drop_counters[i];
		char joined[96];

		snprintf(joined, sizeof(joined), "%s%s", d->group, d->name);
		assert_string_equal(joined, d->nstat);
		assert_true(strlen(d->why) > 10);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(d->nstat, snmp_drop_counters[j].nstat);
	}
}

static void test_snmp_old_kernel(void **state)
{
	struct snmp_value *v = calloc(snmp_drop_count, sizeof(*v));
	char *t = fixture("snmp-old.txt");
	(void)state;

	assert_int_equal(snmp_parse(SNMP_FILE_SNMP, t, v), 13);
	assert_counter(v, "IpInHdrErrors", 1);
	assert_counter(v, "IpInAddrErrors", 2);
	assert_counter(v, "IpInUnknownProtos", 3);
	assert_counter(v, "IpInDiscards", 4);
	assert_counter(v, "IpOutDiscards", 5);
	assert_counter(v, "IpOutNoRoutes", 6);
	assert_counter(v, "IpFragFails", 7);
	assert_counter(v, "IcmpInErrors", 8);
	assert_counter(v, "TcpInErrs", 9);
	assert_counter(v, "UdpNoPorts", 10);
	assert_counter(v, "UdpInErrors", 11);
	assert_counter(v, "UdpRcvbufErrors", 12);
	assert_counter(v, "UdpSndbufErrors", 13);
	/* Counters this kernel does not have are absent, not zero. */
	assert_counter(v, "IcmpInCsumErrors", -1);
	assert_counter(v, "UdpInCsumErrors", -1);
	assert_counter(v, "UdpMemErrors", -1);
	assert_counter(v, "UdpLiteNoPorts", -1);
	/* Another file's counters are not touched. */
	assert_counter(v, "TcpExtListenDrops", -1);
	free(t);
	free(v);
}

static void test_netstat_and_snmp6(void **state)
{
	struct snmp_value *v = calloc(snmp_drop_count, sizeof(*v));
	char *t = fixture("netstat-6.18.txt");
	(void)state;

	assert_int_equal(snmp_parse(SNMP_FILE_NETSTAT, t, v), 12);
	assert_counter(v, "TcpExtOutOfWindowIcmps", 1);
	assert_counter(v, "TcpExtLockDroppedIcmps", 2);
	assert_counter(v, "TcpExtListenOverflows", 3);
	assert_counter(v, "TcpExtListenDrops", 4);
	assert_counter(v, "TcpExtTCPBacklogDrop", 5);
	assert_counter(v, "TcpExtPFMemallocDrop", 6);
	assert_counter(v, "TcpExtTCPMinTTLDrop", 7);
	assert_counter(v, "TcpExtTCPRcvQDrop", 8);
	assert_counter(v, "TcpExtTCPZeroWindowDrop", 9);
	assert_counter(v, "TcpExtTCPOFODrop", -1);
	assert_counter(v, "IpExtInNoRoutes", 21);
	assert_counter(v, "IpExtInTruncatedPkts", 22);
	assert_counter(v, "IpExtInCsumErrors", 23);
	free(t);

	t = fixture("snmp6-6.18.txt");
	assert_int_equal(snmp_parse(SNMP_FILE_SNMP6, t, v), 6);
	assert_counter(v, "Ip6InHdrErrors", 1);
	assert_counter(v, "Ip6InDiscards", 2);
	assert_counter(v, "Icmp6InErrors", 3);
	assert_counter(v, "Udp6NoPorts", 4);
	assert_counter(v, "Udp6RcvbufErrors", 5);
	/* "UdpLite6NoPorts" must not be taken for Udp6 + "Lite6NoPorts". */
	assert_counter(v, "UdpLite6NoPorts", 6);
	assert_counter(v, "Udp6InErrors", -1);
	free(t);
	free(v);
}

static void test_snmp_hostile(void **state)
{
	struct snmp_value *v = calloc(snmp_drop_count, sizeof(*v));
	char *t = fixture("snmp-hostile.txt");
	(void)state;

	assert_int_equal(snmp_parse(SNMP_FILE_SNMP, t, v), 2);
	assert_counter(v, "UdpNoPorts", 2);
	assert_counter(v, "UdpInErrors", -1); /* "x" is no number */
	assert_counter(v, "IpInDiscards", 6); /* after an over-long name */
	free(t);

	assert_int_equal(snmp_parse(SNMP_FILE_SNMP, "no pairs here\n", v), -EINVAL);
	assert_int_equal(snmp_parse(SNMP_FILE_SNMP, "", v), -EINVAL);
	assert_int_equal(snmp_parse(SNMP_FILE_SNMP6, "", v), -EINVAL);
	/* A value too long to be a 64-bit number is ignored, not wrapped. */
	memset(v, 0, snmp_drop_count * sizeof(*v));
	assert_int_equal(snmp_parse(SNMP_FILE_SNMP6, "Udp6NoPorts 123456789012345678901234\n", v),
			 0);
	assert_counter(v, "Udp6NoPorts", -1);
	assert_int_equal(snmp_parse(SNMP_FILES, "x", v), -EINVAL);
	free(v);
}

static void test_stats64_length(void **state)
{
	struct rtnl_link_stats64 s = { .rx_dropped = 1,
				       .tx_dropped = 2,
				       .rx_missed_errors = 3,
				       .rx_nohandler = 4,
				       .rx_otherhost_dropped = 5 };
	struct dev_stats d;
	(void)state;

	devstats_from_stats64(&d, &s, sizeof(s));
	assert_true(d.have[DEV_RX_OTHERHOST]);
	assert_int_equal(d.v[DEV_RX_OTHERHOST], 5);
	assert_int_equal(d.v[DEV_RX_NOHANDLER], 4);
	assert_int_equal(d.v[DEV_RX_MISSED], 3);
	assert_int_equal(d.v[DEV_TX_DROPPED], 2);
	assert_int_equal(d.v[DEV_RX_DROPPED], 1);

	/* A kernel before 5.18 sends the struct without rx_otherhost_dropped. */
	devstats_from_stats64(&d, &s, offsetof(struct rtnl_link_stats64, rx_otherhost_dropped));
	assert_false(d.have[DEV_RX_OTHERHOST]);
	assert_true(d.have[DEV_RX_NOHANDLER]);
	/* Before 4.6: no rx_nohandler either. */
	devstats_from_stats64(&d, &s, offsetof(struct rtnl_link_stats64, rx_nohandler));
	assert_false(d.have[DEV_RX_NOHANDLER]);
	assert_true(d.have[DEV_RX_MISSED]);
	/* A runt attribute: nothing present. */
	devstats_from_stats64(&d, &s, 3);
	for (int k = 0; k < DEV_DROP_KINDS; k++)
		assert_false(d.have[k]);
	assert_string_equal(devstats_kind_name(DEV_RX_OTHERHOST), "rx_otherhost_dropped");
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_softnet_11),	cmocka_unit_test(test_softnet_13),
		cmocka_unit_test(test_softnet_15),	cmocka_unit_test(test_softnet_16),
		cmocka_unit_test(test_softnet_hostile), cmocka_unit_test(test_snmp_table),
		cmocka_unit_test(test_snmp_old_kernel), cmocka_unit_test(test_netstat_and_snmp6),
		cmocka_unit_test(test_snmp_hostile),	cmocka_unit_test(test_stats64_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
