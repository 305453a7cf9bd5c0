// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/conntrack.c: /proc/net/stat/nf_conntrack as kernels print it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters/conntrack.h"

/* 6.x: entries clashres found new invalid ignore delete chainlength insert insert_failed drop
 * early_drop icmp_error expect_new expect_create expect_delete search_restart */
static const char six[] =
	"entries  clashres found new invalid ignore delete chainlength insert insert_failed drop "
	"early_drop icmp_error  expect_new expect_create expect_delete search_restart\n"
	"0000000a  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
	"00000002 00000010 00000001 00000000  00000000 00000000 00000000 00000000\n"
	"0000000a  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
	"00000001 0000000f 00000000 00000000  00000000 00000000 00000000 00000000\n";

static void test_sums_cpus(void **state)
{
	struct conntrack_stats s;
	(void)state;

	assert_int_equal(conntrack_parse(six, &s), 0);
	assert_true(s.present);
	assert_int_equal(s.entries, 10);
	assert_int_equal(s.drop, 0x10 + 0xf);
	assert_int_equal(s.insert_failed, 3);
	assert_int_equal(s.early_drop, 1);
}

/* Columns by name: an older layout with drop elsewhere still reads right. */
static void test_columns_by_name(void **state)
{
	struct conntrack_stats s;
	(void)state;

	assert_int_equal(conntrack_parse("entries drop searched\n00000001 00000005 000000ff\n", &s),
			 0);
	assert_int_equal(s.drop, 5);
	assert_int_equal(s.insert_failed, 0);
}

static void test_hostile(void **state)
{
	struct conntrack_stats s;
	char big[8192];
	(void)state;

	assert_int_equal(conntrack_parse("", &s), -EINVAL);
	assert_int_equal(conntrack_parse("entries drop", &s), -EINVAL); /* no newline */
	assert_int_equal(conntrack_parse("drop entries\n1 2\n", &s), -EINVAL);
	/* A bad number ends that line, the rest still counts. */
	assert_int_equal(conntrack_parse("entries drop\n1 zz\n2 3\n", &s), 0);
	assert_int_equal(s.drop, 3);
	/* A line without its newline at the end of the text. */
	assert_int_equal(conntrack_parse("entries drop\n1 4", &s), 0);
	assert_int_equal(s.drop, 4);
	/* More columns than the parser keeps: no overrun. */
	memset(big, 0, sizeof(big));
	strcpy(big, "entries");
	for (int i = 0; i < 200; i++)
		strcat(big, " x");
	strcat(big, "\n1");
	for (int i = 0; i < 200; i++)
		strcat(big, " 1");
	assert_int_equal(conntrack_parse(big, &s), 0);
	assert_int_equal(s.entries, 1);
}

/* The running kernel's file, when conntrack is there: parses, and the header is its own. */
static void test_live(void **state)
{
	struct conntrack_stats s;
	char buf[1 << 16];
	size_t n;
	FILE *f = fopen("/proc/net/stat/nf_conntrack", "r");
	(void)state;

	if (!f)
		skip();
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	assert_int_equal(conntrack_parse(buf, &s), 0);
	assert_true(s.present);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sums_cpus),
		cmocka_unit_test(test_columns_by_name),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
