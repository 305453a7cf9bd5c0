// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/lib/netns.c's namespace switch: what the entering
 * thread may do there, checked against the kernel's own view of that
 * thread's capabilities (caps_effective reads them per thread). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <unistd.h>

#include "lib/caps.h"
#include "lib/netns.h"

static int sysadmin_in_thread(void *arg)
{
	*(int *)arg = caps_effective(CAP_SYS_ADMIN);
	return 0;
}

/* Our own namespace: setns() into it still takes CAP_SYS_ADMIN. */
static int own_ns(void)
{
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

static void test_run_in_keeps(void **state)
{
	int fd, seen = -1;
	(void)state;

	if (!caps_effective(CAP_SYS_ADMIN))
		skip();
	fd = own_ns();
	assert_int_equal(netns_run_in(fd, sysadmin_in_thread, &seen), 0);
	assert_int_equal(seen, 1);
	close(fd);
}

/* The exporter's re-entry: fn runs without CAP_SYS_ADMIN, the caller
 * keeps it (capabilities are per thread). */
static void test_run_in_lowered(void **state)
{
	int fd, seen = -1;
	(void)state;

	if (!caps_effective(CAP_SYS_ADMIN))
		skip();
	fd = own_ns();
	assert_int_equal(netns_run_in_lowered(fd, sysadmin_in_thread, &seen), 0);
	assert_int_equal(seen, 0);
	assert_true(caps_effective(CAP_SYS_ADMIN));
	close(fd);
}

/* Not entered (no such namespace): fn is not run at all. */
static void test_run_in_lowered_bad_fd(void **state)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), seen = -1;
	(void)state;

	assert_true(fd >= 0);
	assert_true(netns_run_in_lowered(fd, sysadmin_in_thread, &seen) < 0);
	assert_int_equal(seen, -1);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_in_keeps),
		cmocka_unit_test(test_run_in_lowered),
		cmocka_unit_test(test_run_in_lowered_bad_fd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
