// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for render/drop_series.c: --max-series folding (sticky,
 * monotonic), the object budget and eviction, gone objects' ttl, the
 * exporter's sweep between scrapes.
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
#include "render/drop_series.h"

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
	struct drop_series *s = drop_series__new(3, 2);
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

	/* Later (deltas): a folded row grows past all others and a new row
	 * appears; both stay in "other", so no series ever goes down. */
	rows[0].count = 980;
	rows[1] = row(0xf, 6, 500);
	mbuf_free(&e.b);
	assert_int_equal(drop_series__write(s, &e, rows, 2, &ctx), 0);
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
	struct drop_series *s = drop_series__new(10, 2);
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

static struct drop_delta nsrow(__u64 loc, __u32 netns, __u64 count, bool gone)
{
	struct drop_delta d = row(loc, 1, count);

	d.key.netns = netns;
	d.gone = gone;
	return d;
}

#define N(a, ns) L(a, 1) ",netns=\"" #ns "\",netns_cookie=\"0\""

/* One scrape of these deltas; the text stays in e until the next. */
static void scrape(struct drop_series *s, struct expo *e, const struct drop_delta *rows, size_t n,
		   const struct drop_label_ctx *ctx)
{
	mbuf_free(&e->b);
	assert_int_equal(drop_series__write(s, e, rows, n, ctx), 0);
}

static void test_gone_ttl(void **state)
{
	struct drop_label_ctx ctx = { .sym = SYM_NAME, .dims = DIM_NETNS };
	struct drop_series *s = drop_series__new(10, 2);
	struct drop_delta r[2] = { nsrow(0xa, 7, 5, false), nsrow(0xa, 8, 3, false) };
	struct expo e = {};
	(void)state;

	scrape(s, &e, r, 2, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 7)), 5);
	/* netns 7 goes with a last count of 2: exposed with it at this
	 * scrape and the next (ttl 2), then no more. */
	r[0] = nsrow(0xa, 7, 2, true);
	scrape(s, &e, r, 1, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 7)), 7);
	scrape(s, &e, NULL, 0, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 7)), 7);
	assert_int_equal(drop_series__evicted(s), 0);
	scrape(s, &e, NULL, 0, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 7)), -1);
	assert_int_equal(sample(e.b.p, N(a, 8)), 3);
	assert_int_equal(drop_series__evicted(s), 1);
	assert_int_equal(drop_series__count(s), 1);
	mbuf_free(&e.b);
	drop_series__free(s);
}

static void test_object_budget(void **state)
{
	struct drop_label_ctx ctx = { .sym = SYM_NAME, .dims = DIM_NETNS };
	struct drop_series *s = drop_series__new(2, 100);
	struct drop_delta r[2] = { nsrow(0xa, 1, 4, false), nsrow(0xa, 2, 6, false) };
	struct expo e = {};
	(void)state;

	scrape(s, &e, r, 2, &ctx);
	/* netns 1 goes (a long ttl): when netns 3 comes, the budget is full
	 * and 1's scraped series is evicted for it, before anything folds. */
	r[0] = nsrow(0xa, 1, 0, true);
	scrape(s, &e, r, 1, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 1)), 4);
	r[0] = nsrow(0xa, 3, 9, false);
	r[1] = nsrow(0xa, 2, 1, false);
	scrape(s, &e, r, 2, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 1)), -1);
	assert_int_equal(sample(e.b.p, N(a, 3)), 9);
	assert_int_equal(sample(e.b.p, N(a, 2)), 7);
	assert_int_equal(drop_series__folded(s), 0);
	/* Both live and grown in this scrape: netns 4 cannot evict either and
	 * folds, keeping its location and reason; the host's base series are
	 * a budget of their own. */
	r[0] = nsrow(0xa, 4, 11, false);
	r[1] = nsrow(0xa, 3, 1, false);
	{
		struct drop_delta r3[3] = { r[0], r[1], nsrow(0xa, 2, 1, false) };

		scrape(s, &e, r3, 3, &ctx);
	}
	assert_int_equal(sample(e.b.p, N(a, 4)), -1);
	assert_int_equal(sample(e.b.p, L(a, 1) ",netns=\"other\",netns_cookie=\"other\""), 11);
	assert_int_equal(sample(e.b.p, OTHER ",netns=\"other\",netns_cookie=\"other\""), 0);
	assert_int_equal(drop_series__folded(s), 1);
	/* Idle now (netns 2 only grows): netns 5 takes netns 3's series, the
	 * least recently changed idle one; 3's rows get a new series later. */
	r[0] = nsrow(0xa, 2, 1, false);
	r[1] = nsrow(0xa, 5, 2, false);
	scrape(s, &e, r, 2, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 5)), 2);
	assert_int_equal(sample(e.b.p, N(a, 3)), -1);
	assert_int_equal(sample(e.b.p, N(a, 2)), 9);
	assert_int_equal(drop_series__evicted(s), 2);
	mbuf_free(&e.b);
	drop_series__free(s);
}

static void test_never_relabelled(void **state)
{
	/* A key keeps the series it was first given, even if its labels
	 * would now read otherwise: here the label context changes (as a
	 * cgroup's path does when it is removed). */
	struct drop_label_ctx ctx = { .sym = SYM_NAME, .dims = DIM_NETNS };
	struct drop_series *s = drop_series__new(10, 2);
	struct drop_delta r[1] = { nsrow(0xa, 9, 5, false) };
	struct expo e = {};
	(void)state;

	scrape(s, &e, r, 1, &ctx);
	ctx.no_reasons = true;
	r[0].count = 2;
	scrape(s, &e, r, 1, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 9)), 7);
	assert_int_equal(drop_series__count(s), 1);
	mbuf_free(&e.b);
	drop_series__free(s);
}

/*
 * The exporter's split: deltas a sweep adds between two scrapes (a gone
 * row's last count) are in the next scrape, the ttl is counted in scrapes
 * from the one after the sweep, and each series' kept line follows its sum.
 */
static void test_sweep_between_scrapes(void **state)
{
	struct drop_label_ctx ctx = { .sym = SYM_NAME, .dims = DIM_NETNS };
	struct drop_series *s = drop_series__new(10, 2);
	struct drop_delta r[2] = { nsrow(0xa, 7, 5, false), nsrow(0xa, 8, 3, false) };
	struct expo e = {};
	(void)state;

	scrape(s, &e, r, 2, &ctx);
	/* An unchanged sum is copied from the kept line, a new one written. */
	r[0] = nsrow(0xa, 8, 4, false);
	scrape(s, &e, r, 1, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 7)), 5);
	assert_int_equal(sample(e.b.p, N(a, 8)), 7);
	/* A sweep finds netns 7 gone with 2 more: exposed at the next two
	 * scrapes with 7, then gone. */
	r[0] = nsrow(0xa, 7, 2, true);
	assert_int_equal(drop_series__add(s, r, 1, &ctx, false), 0);
	mbuf_free(&e.b);
	assert_int_equal(drop_series__expose(s, &e, &ctx), 0);
	assert_int_equal(sample(e.b.p, N(a, 7)), 7);
	assert_int_equal(sample(e.b.p, N(a, 8)), 7);
	scrape(s, &e, NULL, 0, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 7)), 7);
	scrape(s, &e, NULL, 0, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 7)), -1);
	assert_int_equal(drop_series__evicted(s), 1);
	mbuf_free(&e.b);
	drop_series__free(s);
}

static void test_sweep_never_evicts(void **state)
{
	struct drop_label_ctx ctx = { .sym = SYM_NAME, .dims = DIM_NETNS };
	struct drop_series *s = drop_series__new(2, 100);
	struct drop_delta r[2] = { nsrow(0xa, 1, 4, false), nsrow(0xa, 2, 6, false) };
	struct expo e = {};
	(void)state;

	scrape(s, &e, r, 2, &ctx);
	/* Both idle and scraped, the budget full: a new namespace seen by a
	 * sweep folds rather than evict one (it could grow before the next
	 * scrape and reappear smaller); at a scrape it would evict. */
	r[0] = nsrow(0xa, 3, 9, true);
	assert_int_equal(drop_series__add(s, r, 1, &ctx, false), 0);
	assert_int_equal(drop_series__evicted(s), 0);
	assert_int_equal(drop_series__folded(s), 1);
	r[0] = nsrow(0xa, 1, 1, false);
	scrape(s, &e, r, 1, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 1)), 5);
	assert_int_equal(sample(e.b.p, N(a, 2)), 6);
	assert_int_equal(sample(e.b.p, L(a, 1) ",netns=\"other\",netns_cookie=\"other\""), 9);
	r[0] = nsrow(0xa, 4, 2, false);
	scrape(s, &e, r, 1, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 4)), 2);
	assert_int_equal(drop_series__evicted(s), 1);
	mbuf_free(&e.b);
	drop_series__free(s);
}

/*
 * A row taken for gone (freed in the kernel) whose key comes back with the
 * same labels: within the ttl it continues its series (never smaller) and
 * the kept line follows the new sum; past the ttl the series is gone and
 * a new one starts, its line written afresh (no stale kept line).
 */
static void test_swept_row_comes_back(void **state)
{
	struct drop_label_ctx ctx = { .sym = SYM_NAME, .dims = DIM_NETNS };
	struct drop_series *s = drop_series__new(10, 2);
	struct drop_delta r[1] = { nsrow(0xa, 7, 5, false) };
	struct expo e = {};
	(void)state;

	scrape(s, &e, r, 1, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 7)), 5);
	r[0] = nsrow(0xa, 7, 0, true);
	assert_int_equal(drop_series__add(s, r, 1, &ctx, false), 0);
	/* Back before the next scrape (a new kernel row: its total is the
	 * delta), and once more after it. */
	r[0] = nsrow(0xa, 7, 3, false);
	scrape(s, &e, r, 1, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 7)), 8);
	r[0] = nsrow(0xa, 7, 1, false);
	scrape(s, &e, r, 1, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 7)), 9);
	/* Gone for good: exposed ttl scrapes, then not. */
	r[0] = nsrow(0xa, 7, 0, true);
	scrape(s, &e, r, 1, &ctx);
	scrape(s, &e, NULL, 0, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 7)), 9);
	scrape(s, &e, NULL, 0, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 7)), -1);
	/* The same labels again, after a scrape without them: a new series
	 * with its own value, in a reused slot. */
	r[0] = nsrow(0xa, 7, 2, false);
	scrape(s, &e, r, 1, &ctx);
	assert_int_equal(sample(e.b.p, N(a, 7)), 2);
	assert_int_equal(drop_series__count(s), 1);
	mbuf_free(&e.b);
	drop_series__free(s);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_same_labels_summed),
		cmocka_unit_test(test_gone_ttl),
		cmocka_unit_test(test_object_budget),
		cmocka_unit_test(test_never_relabelled),
		cmocka_unit_test(test_sweep_between_scrapes),
		cmocka_unit_test(test_sweep_never_evicts),
		cmocka_unit_test(test_swept_row_comes_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
