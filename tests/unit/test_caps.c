// SPDX-License-Identifier: GPL-2.0
/* Unit tests for src/lib/caps.c: our effective capabilities, read and
 * changed through libcap, checked against the kernel's own CapEff line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "lib/caps.h"

/* The kernel's view: CapEff of /proc/self/status. */
static unsigned long long cap_eff(void)
{
	unsigned long long eff = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return eff;
}

static void test_effective_matches_kernel(void **state)
{
	unsigned long long eff = cap_eff();
	(void)state;

	for (cap_value_t c = 0; c <= CAP_BPF; c++)
		assert_int_equal(caps_effective(c), !!(eff & (1ULL << c)));
}

/* Lowered and raised again: the kernel sees each step. */
static void test_set_effective(void **state)
{
	(void)state;
	if (!caps_effective(CAP_SYSLOG))
		skip(); /* not root: nothing permitted to play with */
	assert_int_equal(caps_set_effective(CAP_SYSLOG, false), 0);
	assert_false(caps_effective(CAP_SYSLOG));
	assert_false(cap_eff() & (1ULL << CAP_SYSLOG));
	assert_int_equal(caps_set_effective(CAP_SYSLOG, true), 0);
	assert_true(caps_effective(CAP_SYSLOG));
	assert_true(cap_eff() & (1ULL << CAP_SYSLOG));
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_effective_matches_kernel),
		cmocka_unit_test(test_set_effective),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
