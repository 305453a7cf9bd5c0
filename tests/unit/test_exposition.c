// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/metrics.c: label escaping, Accept negotiation, the
 * two formats' family lines, and --max-series folding (sticky, monotonic).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/drop_table.h"
#include "render/exposition.h"

static void test_label_escaping(void **state)
{
	struct mbuf l = {};
	(void)state;

	labels_add(&l, "device", "a\\b\"c\nd");
	assert_string_equal(l.p, "device=\"a\\\\b\\\"c\\nd\"");
	labels_add(&l, "kind", "");
	assert_string_equal(l.p, "device=\"a\\\\b\\\"c\\nd\",kind=\"\"");
	l.len = 0;
	/* Other bytes (UTF-8, tabs, '}') pass through: the value is quoted. */
	labels_add(&l, "x", "é\t}{,=€𝄞");
	assert_string_equal(l.p, "x=\"é\t}{,=€𝄞\"");
	/* Bytes that are not UTF-8 (a lone continuation, a truncated or
	 * overlong sequence, a surrogate) become U+FFFD, one per byte. */
	l.len = 0;
	labels_add(&l, "d",
		   "a\x80"
		   "b\xc3\xe2\x82 \xc0\xaf\xed\xa0\x80\xff");
	assert_string_equal(l.p, "d=\"a\uFFFDb\uFFFD\uFFFD\uFFFD \uFFFD\uFFFD"
				 "\uFFFD\uFFFD\uFFFD\uFFFD\"");
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

static struct drop_delta row(__u64 loc, __u32 reason, __u64 count)
{
	return (struct drop_delta){ .key = { .location = loc, .reason = reason, .protocol = 0x800 },
				    .count = count };
}

/* The value of the sample with exactly these labels, or -1. */
static long long sample(const char *text, const char *labels)
{
	char want[256];
	const char *p;

	snprintf(want, sizeof(want), "\ndropscope_drops_total{%s} ", labels);
	p = strstr(text, want);
	return p ? atoll(p + strlen(want)) : -1;
}

static int nsamples(const char *text)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, "\ndropscope_drops_total{")); p++)
		n++;
	return n;
}

#define L(a, r) "location=\"0x" #a "\",reason=\"reason_" #r "\",protocol=\"IPv4\",class=\"drop\""
#define OTHER	"location=\"other\",reason=\"other\",protocol=\"other\",class=\"other\""

static void test_folding(void **state)
{
	struct drop_label_ctx ctx = { .sym = SYM_NAME };
	struct drop_series *s = drop_series__new(3);
	struct drop_delta rows[6] = { row(0xa, 1, 20), row(0xb, 2, 50), row(0xc, 3, 10),
				      row(0xd, 4, 40), row(0xe, 5, 30) };
	struct expo e = {};
	(void)state;

	assert_int_equal(drop_series__write(s, &e, rows, 5, &ctx), 0);
	/* The three largest get series; the others are summed in "other". */
	assert_int_equal(nsamples(e.b.p), 4);
	assert_int_equal(sample(e.b.p, L(b, 2)), 50);
	assert_int_equal(sample(e.b.p, L(d, 4)), 40);
	assert_int_equal(sample(e.b.p, L(e, 5)), 30);
	assert_int_equal(sample(e.b.p, OTHER), 30);
	assert_int_equal(drop_series__folded(s), 2);

	/* Later: a folded row grows past all others and a new row appears;
	 * both stay in "other", so no series ever goes down. */
	rows[0].count = 1000;
	rows[5] = row(0xf, 6, 500);
	mbuf_free(&e.b);
	assert_int_equal(drop_series__write(s, &e, rows, 6, &ctx), 0);
	assert_int_equal(nsamples(e.b.p), 4);
	assert_int_equal(sample(e.b.p, L(b, 2)), 50);
	assert_int_equal(sample(e.b.p, OTHER), 1510);
	assert_int_equal(drop_series__folded(s), 3);
	mbuf_free(&e.b);
	drop_series__free(s);
}

static void test_same_labels_summed(void **state)
{
	/* Rows that differ only in what the labels do not show (here the
	 * protocol is unknown to both, but the key is not) are one series. */
	struct drop_label_ctx ctx = { .sym = SYM_NAME, .no_reasons = true };
	struct drop_series *s = drop_series__new(10);
	struct drop_delta rows[2] = { row(0xa, 1, 2), row(0xa, 2, 3) };
	struct expo e = {};
	(void)state;

	assert_int_equal(drop_series__write(s, &e, rows, 2, &ctx), 0);
	assert_int_equal(
		sample(e.b.p,
		       "location=\"0xa\",reason=\"unknown\",protocol=\"IPv4\",class=\"drop\""),
		5);
	assert_int_equal(sample(e.b.p, OTHER), 0);
	assert_int_equal(drop_series__folded(s), 0);
	mbuf_free(&e.b);
	drop_series__free(s);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_escaping), cmocka_unit_test(test_big_buffer),
		cmocka_unit_test(test_negotiate),      cmocka_unit_test(test_families),
		cmocka_unit_test(test_folding),	       cmocka_unit_test(test_same_labels_summed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
