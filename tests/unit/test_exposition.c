// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for render/exposition.c: label escaping, the buffer, Accept
 * negotiation, the two formats' family lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/exposition.h"

static void test_label_escaping(void **state)
{
	struct mbuf l = {};
	(void)state;

	/* The text escape form (a backslash \\, a newline \x0a), quoted: each
	 * backslash of it doubled, a quote \". */
	labels_add(&l, "device", "a\\b\"c\nd");
	assert_string_equal(l.p, "device=\"a\\\\\\\\b\\\"c\\\\x0ad\"");
	labels_add(&l, "kind", "");
	assert_string_equal(l.p, "device=\"a\\\\\\\\b\\\"c\\\\x0ad\",kind=\"\"");
	l.len = 0;
	/* Printable UTF-8 and ASCII ('}', '=') pass through: the value is
	 * quoted. A tab, \x01, DEL and a C1 control (U+0085) are escaped as
	 * every other output escapes them. */
	labels_add(&l, "x", "é}{,=€𝄞");
	assert_string_equal(l.p, "x=\"é}{,=€𝄞\"");
	l.len = 0;
	labels_add(&l, "x",
		   "a\tb\x01"
		   "c\x7f\xc2\x85");
	assert_string_equal(l.p, "x=\"a\\\\x09b\\\\x01c\\\\x7f\\\\xc2\\\\x85\"");
	/* Bytes that are not UTF-8 (a lone continuation, a truncated or
	 * overlong sequence, a surrogate) are \xNN, one per byte. */
	l.len = 0;
	labels_add(&l, "d",
		   "a\x80"
		   "b\xc3\xe2\x82 \xc0\xaf\xed\xa0\x80\xff");
	assert_string_equal(l.p, "d=\"a\\\\x80b\\\\xc3\\\\xe2\\\\x82 \\\\xc0\\\\xaf"
				 "\\\\xed\\\\xa0\\\\x80\\\\xff\"");
	/* A value already in that form (a workload's name): only quoted. */
	l.len = 0;
	labels_add_escaped(&l, "workload", "netns=a\\x20b");
	assert_string_equal(l.p, "workload=\"netns=a\\\\x20b\"");
	mbuf_free(&l);
}

static void test_big_buffer(void **state)
{
	struct mbuf b = {};
	char big[10000];
	(void)state;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	for (int i = 0; i < 50; i++)
		mbuf_printf(&b, "%s\n", big);
	assert_false(b.failed);
	assert_int_equal(b.len, 50 * sizeof(big));
	assert_int_equal(strlen(b.p), b.len);
	mbuf_free(&b);
}

static void test_negotiate(void **state)
{
	(void)state;
	assert_int_equal(expo_negotiate(NULL), EXPO_TEXT);
	assert_int_equal(expo_negotiate(""), EXPO_TEXT);
	assert_int_equal(expo_negotiate("*/*"), EXPO_TEXT);
	assert_int_equal(expo_negotiate("text/plain;version=0.0.4"), EXPO_TEXT);
	/* What Prometheus 2.x sends. */
	assert_int_equal(expo_negotiate("application/openmetrics-text;version=1.0.0,application/"
					"openmetrics-text;version=0.0.1;q=0.75,text/plain;version="
					"0.0.4;q=0.5,*/*;q=0.1"),
			 EXPO_OPENMETRICS);
	assert_int_equal(expo_negotiate("text/plain, Application/OpenMetrics-Text"),
			 EXPO_OPENMETRICS);
	assert_int_equal(expo_negotiate("application/openmetrics-text;q=0"), EXPO_TEXT);
	assert_int_equal(expo_negotiate("application/openmetrics-textual"), EXPO_TEXT);
}

static void test_families(void **state)
{
	struct expo t = { .fmt = EXPO_TEXT }, o = { .fmt = EXPO_OPENMETRICS };
	(void)state;

	expo_family(&t, "a_total", "counter", "help");
	expo_u64(&t, "a_total", "", 3);
	expo_family(&t, "g", "gauge", "h");
	expo_u64(&t, "g", "x=\"1\"", 4);
	expo_end(&t);
	assert_string_equal(t.b.p, "# HELP a_total help\n# TYPE a_total counter\na_total 3\n"
				   "# HELP g h\n# TYPE g gauge\ng{x=\"1\"} 4\n");
	expo_family(&o, "a_total", "counter", "help");
	expo_u64(&o, "a_total", "", 3);
	expo_family(&o, "g", "gauge", "h");
	expo_end(&o);
	assert_string_equal(o.b.p, "# HELP a help\n# TYPE a counter\na_total 3\n"
				   "# HELP g h\n# TYPE g gauge\n# EOF\n");
	mbuf_free(&t.b);
	mbuf_free(&o.b);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_big_buffer),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_families),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
