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
#include <string.h>
#include <unistd.h>

#include "devstats.h"
#include "knowledge.h"
#include "reasons.h"
#include "snmp.h"

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
		if (!is_reason_name(k->name) && !is_counter(k->name))
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
static void test_knobs_exist(void **state)
{
	const struct knowledge *t;
	size_t n, missing = 0, total = 0;
	(void)state;

	t = knowledge_table(&n);
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < KNOWLEDGE_KNOBS && t[i].knobs[c]; c++) {
			char path[160];

			if (strstr(t[i].knobs[c], "{dev}"))
				snprintf(path, sizeof(path), "/proc/sys/%s", "net/ipv4/conf/lo");
			else
				snprintf(path, sizeof(path), "/proc/sys/%s", t[i].knobs[c]);
			for (char *p = path + 10; *p; p++)
				if (*p == '.')
					*p = '/';
			/* Conntrack's knobs exist only where it is built in or loaded. */
			if (!strncmp(t[i].knobs[c], "net.netfilter.", 14) &&
			    access("/proc/sys/net/netfilter/nf_conntrack_max", F_OK))
				continue;
			total++;
			if (access(path, F_OK)) {
				print_message("knob %s not on this kernel\n", t[i].knobs[c]);
				missing++;
			}
		}
	assert_true(total > 10);
	assert_int_equal(missing, 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_complete),
		cmocka_unit_test(test_knobs_exist),
		cmocka_unit_test(test_reasons_from_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
