// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/nscheck.c: does a namespace inode / an ifindex exist. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "trace/target_check.h"

static void test_find_netns(void **state)
{
	struct stat st;
	char path[512];
	(void)state;

	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	assert_int_equal(nscheck_find_netns((__u32)st.st_ino, path, sizeof(path)), 0);
	/* Whatever path was found is that namespace. */
	assert_int_equal(stat(path, &st), 0);
	/* Namespace inodes are near 0xf0000000, never this small. */
	assert_int_equal(nscheck_find_netns(123, path, sizeof(path)), -ENOENT);
}

static void test_ifindex(void **state)
{
	(void)state;
	/* lo is ifindex 1 in every namespace. */
	assert_int_equal(nscheck_ifindex_exists(NULL, 1), 1);
	assert_int_equal(nscheck_ifindex_exists(NULL, 0x7ffffff0), 0);
	assert_true(nscheck_ifindex_exists("/nonexistent/ns", 1) < 0);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_netns),
		cmocka_unit_test(test_ifindex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
