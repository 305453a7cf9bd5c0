// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/sysctl.c: knob names in sysctl(8)'s form, with device
 * names that hold any byte but '/' (a '/' in a component is the device's
 * own '.'), read from our /proc/sys; names that would leave a knob's
 * directory are refused, not opened.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "counters/sysctl.h"

static int read_knob(const char *name, char *value, size_t len)
{
	struct sysctl_val v = { .name = name };

	assert_int_equal(sysctls_read(NULL, &v, 1), 0);
	snprintf(value, len, "%s", v.value);
	return v.err;
}

/* What /proc/sys says, read by the test itself. */
static void proc_value(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_non_null(fgets(buf, (int)len, f));
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

static void test_plain_knob(void **state)
{
	char got[SYSCTL_VALUE_MAX], want[SYSCTL_VALUE_MAX];
	(void)state;

	assert_int_equal(read_knob("net.ipv4.conf.lo.rp_filter", got, sizeof(got)), 0);
	proc_value("/proc/sys/net/ipv4/conf/lo/rp_filter", want, sizeof(want));
	assert_string_equal(got, want);
}

static void test_refused_names(void **state)
{
	static const char *const bad[] = {
		"",
		".net.core.somaxconn",
		"net..core.somaxconn",
		"net.core.somaxconn.",
		"net.ipv4.conf./.rp_filter",  /* a component "." */
		"net.ipv4.conf.//.rp_filter", /* a component ".." */
		"net.ipv4.conf.//.//.//.//.//.//.etc.passwd",
	};
	char got[SYSCTL_VALUE_MAX];
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (read_knob(bad[i], got, sizeof(got)) != -EINVAL)
			fail_msg("'%s' was not refused", bad[i]);
}

/* Bytes a device name may hold are tried, not refused: a missing device is ENOENT. */
static void test_device_bytes(void **state)
{
	char got[SYSCTL_VALUE_MAX];
	(void)state;

	assert_int_equal(read_knob("net.ipv4.conf.No\x1bSuch/dev\\.rp_filter", got, sizeof(got)),
			 -ENOENT);
	assert_int_equal(read_knob("net.ipv4.conf.UPPER.rp_filter", got, sizeof(got)), -ENOENT);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_knob),
		cmocka_unit_test(test_refused_names),
		cmocka_unit_test(test_device_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
