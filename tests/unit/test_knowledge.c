// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/knowledge.c: every entry is complete, names what it
 * can be matched against, and its counters and knobs exist. Reason names
 * are checked against the running kernel's BTF (a name this kernel lacks
 * is allowed: another kernel has it; most must be there).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters/devstats.h"
#include "counters/drvstats.h"
#include "diagnose/knowledge.h"
#include "symbols/reasons.h"
#include "counters/snmp.h"

static bool is_nstat(const char *name)
{
	for (size_t i = 0; i < snmp_drop_count; i++)
		if (!strcmp(snmp_drop_counters[i].nstat, name))
			return true;
	return false;
}

static bool is_dev_field(const char *name)
{
	for (int k = 0; k < DEV_DROP_KINDS; k++)
		if (!strcmp(devstats_kind_name(k), name))
			return true;
	return false;
}

/* A counter diagnose can read: an nstat name, dev:FIELD, qdisc:drops, softnet:COL. */
static bool is_counter(const char *name)
{
	if (!strncmp(name, "dev:", 4))
		return is_dev_field(name + 4);
	/* A driver's counters by the pattern that keeps them (drvstats.c). */
	if (!strncmp(name, "driver:", 7)) {
		for (size_t i = 0; i < drv_pattern_count; i++)
			if (!strcmp(name + 7, drv_patterns[i].part))
				return true;
		return false;
	}
	if (!strncmp(name, "softnet:", 8))
		return !strcmp(name + 8, "dropped") || !strcmp(name + 8, "flow_limit");
	return !strcmp(name, "qdisc:drops") || is_nstat(name);
}

static bool is_reason_name(const char *name)
{
	for (const char *p = name; *p; p++)
		if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_')
			return false;
	return *name;
}

static void test_entries_complete(void **state)
{
	const struct knowledge *t;
	size_t n;
	(void)state;

	t = knowledge_table(&n);
	assert_true(n >= 20);
	for (size_t i = 0; i < n; i++) {
		const struct knowledge *k = &t[i];

		assert_non_null(k->name);
		/* A reason or a counter, nothing else can match. */
		if (!is_reason_name(k->name) && !is_counter(k->name) &&
		    strncmp(k->name, "cause:", 6))
			fail_msg("entry %s: neither a reason name nor a readable counter", k->name);
		assert_non_null(k->why);
		assert_true(strlen(k->why) > 20);
		assert_non_null(k->change);
		assert_non_null(k->direction);
		assert_true(!strcmp(k->direction, "raise") || !strcmp(k->direction, "lower") ||
			    !strcmp(k->direction, "check"));
		assert_non_null(k->source);
		/* The kernel source: a path under the tree. */
		assert_true(!strncmp(k->source, "net/", 4) || !strncmp(k->source, "include/", 8));
		for (int c = 0; c < KNOWLEDGE_COUNTERS; c++) {
			if (k->counters[c] && !is_counter(k->counters[c]))
				fail_msg("entry %s: counter %s cannot be read", k->name,
					 k->counters[c]);
			if (k->overlaps[c] && !is_counter(k->overlaps[c]))
				fail_msg("entry %s: overlap %s cannot be read", k->name,
					 k->overlaps[c]);
		}
		for (int c = 0; c < KNOWLEDGE_KNOBS && k->knobs[c]; c++)
			assert_true(!strncmp(k->knobs[c], "net.", 4));
		/* One entry a name: lookups find this one. */
		assert_ptr_equal(knowledge_lookup(k->name), k);
	}
	assert_null(knowledge_lookup("NO_SUCH_REASON"));
	assert_null(knowledge_lookup(""));
}

/* Knob names are sysctl paths that exist here (in our own namespace). */
/*
 * Is the knob in the sysctl tree under root? root is /proc/sys, or a
 * fixture tree that leaves one out (a kernel built without an option).
 */
static bool knob_in(const char *root, const char *knob)
{
	char path[256];
	int n;

	if (strstr(knob, "{dev}"))
		knob = "net.ipv4.conf.lo.rp_filter";
	n = snprintf(path, sizeof(path), "%s/", root);
	snprintf(path + n, sizeof(path) - n, "%s", knob);
	for (char *p = path + n; *p; p++)
		if (*p == '.')
			*p = '/';
	return access(path, F_OK) == 0;
}

/*
 * Every knob the table names exists under root, except those that need a
 * build option (knowledge_knob_config) where the kernel was built without
 * it. Returns how many are missing that should not be.
 */
static size_t knobs_missing(const char *root, size_t *total, size_t *optional_absent)
{
	const struct knowledge *t;
	size_t n, missing = 0;

	*total = *optional_absent = 0;
	t = knowledge_table(&n);
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < KNOWLEDGE_KNOBS && t[i].knobs[c]; c++) {
			const char *k = t[i].knobs[c];

			(*total)++;
			if (knob_in(root, k))
				continue;
			if (knowledge_knob_config(k)) {
				(*optional_absent)++;
				continue;
			}
			print_message("knob %s not under %s, and needs no build option\n", k, root);
			missing++;
		}
	return missing;
}

static void test_knobs_exist(void **state)
{
	size_t total, absent;
	(void)state;

	assert_int_equal(knobs_missing("/proc/sys", &total, &absent), 0);
	assert_true(total > 10);
	if (absent)
		print_message("%zu knobs need a build option this kernel lacks\n", absent);
}

/* Knobs that need a build option say which; the rest say none. */
static void test_knob_configs(void **state)
{
	(void)state;
	assert_string_equal(knowledge_knob_config("net.core.flow_limit_table_len"),
			    "CONFIG_NET_FLOW_LIMIT");
	assert_string_equal(knowledge_knob_config("net.netfilter.nf_conntrack_max"),
			    "CONFIG_NF_CONNTRACK");
	assert_null(knowledge_knob_config("net.core.netdev_max_backlog"));
	assert_null(knowledge_knob_config("net.core.flow_limit"));
}

/*
 * A sysctl tree built like a kernel's without CONFIG_NET_FLOW_LIMIT (every
 * knob of the table but net.core.flow_limit_*): the check passes; with a
 * knob that needs no option removed too, it fails. So the test above
 * passes on kernels with and without the option, and still catches a
 * misspelt knob.
 */
static void test_knobs_fixture_tree(void **state)
{
	char root[] = "/tmp/dstest-sysctl.XXXXXX";
	const struct knowledge *t;
	size_t n, total, absent;
	char cmd[512];
	(void)state;

	assert_non_null(mkdtemp(root));
	t = knowledge_table(&n);
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < KNOWLEDGE_KNOBS && t[i].knobs[c]; c++) {
			const char *k = t[i].knobs[c];
			char path[256], *slash;

			if (!strncmp(k, "net.core.flow_limit_", 20))
				continue;
			if (strstr(k, "{dev}"))
				k = "net.ipv4.conf.lo.rp_filter";
			snprintf(path, sizeof(path), "%s/%s", root, k);
			for (char *p = path + strlen(root) + 1; *p; p++)
				if (*p == '.')
					*p = '/';
			slash = strrchr(path, '/');
			*slash = 0;
			snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
			assert_int_equal(system(cmd), 0);
			*slash = '/';
			fclose(fopen(path, "w"));
		}
	assert_int_equal(knobs_missing(root, &total, &absent), 0);
	assert_true(absent >= 1);
	snprintf(cmd, sizeof(cmd), "%s/net/core/netdev_max_backlog", root);
	assert_int_equal(unlink(cmd), 0);
	assert_true(knobs_missing(root, &total, &absent) > 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/* The reasons named are the running kernel's (most of them: a few are newer or older). */
static void test_reasons_from_kernel(void **state)
{
	struct reasons *rs = reasons__load(NULL);
	const struct knowledge *t;
	size_t n, known = 0, total = 0;
	(void)state;

	if (!rs || reasons__source(rs) == 0) {
		reasons__free(rs);
		skip();
	}
	t = knowledge_table(&n);
	for (size_t i = 0; i < n; i++) {
		uint32_t v;

		if (!is_reason_name(t[i].name))
			continue;
		total++;
		if (!reasons__value(rs, t[i].name, &v))
			known++;
		else
			print_message("reason %s not in this kernel\n", t[i].name);
	}
	reasons__free(rs);
	assert_true(total >= 15);
	assert_true(known * 10 >= total * 9);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_complete),
		cmocka_unit_test(test_knobs_exist),
		cmocka_unit_test(test_knob_configs),
		cmocka_unit_test(test_knobs_fixture_tree),
		cmocka_unit_test(test_reasons_from_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
