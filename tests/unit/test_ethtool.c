// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/ethtool.c: the ring sizes it reads are the ones
 * `ethtool -g` prints for every device whose driver answers here; a driver
 * that does not (loopback) gives -EOPNOTSUPP, a missing device -ENODEV.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters/ethtool.h"

static void test_loopback_and_missing(void **state)
{
	struct ring_size r;
	(void)state;

	assert_int_equal(ethtool_ring(NULL, "lo", &r), -EOPNOTSUPP);
	assert_int_equal(ethtool_ring(NULL, "dsnosuchdev0", &r), -ENODEV);
	assert_int_equal(ethtool_ring(NULL, "a-name-longer-than-ifnamsiz", &r), -EINVAL);
}

/* "RX:  256" under "Pre-set maximums:" then under "Current hardware settings:". */
static int ethtool_g(const char *dev, unsigned *rx_max, unsigned *rx)
{
	char cmd[128], line[256];
	int section = 0, found = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ethtool -g %s 2>/dev/null", dev);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		unsigned v;

		if (strstr(line, "maximums"))
			section = 1;
		else if (strstr(line, "Current"))
			section = 2;
		else if (sscanf(line, "RX: %u", &v) == 1 && section) {
			*(section == 1 ? rx_max : rx) = v;
			found |= section;
		}
	}
	return pclose(p) == 0 && found == 3 ? 0 : -1;
}

static void test_against_ethtool(void **state)
{
	struct dirent *de;
	int compared = 0;
	DIR *d;
	(void)state;

	if (system("command -v ethtool >/dev/null"))
		skip();
	d = opendir("/sys/class/net");
	assert_non_null(d);
	while ((de = readdir(d))) {
		struct ring_size r;
		unsigned rx = 0, rx_max = 0;

		if (de->d_name[0] == '.' || ethtool_g(de->d_name, &rx_max, &rx))
			continue;
		assert_int_equal(ethtool_ring(NULL, de->d_name, &r), 0);
		assert_int_equal(r.rx, rx);
		assert_int_equal(r.rx_max, rx_max);
		compared++;
	}
	closedir(d);
	if (!compared)
		skip(); /* no driver here reports rings */
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback_and_missing),
		cmocka_unit_test(test_against_ethtool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
