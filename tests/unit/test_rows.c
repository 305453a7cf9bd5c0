// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/report.c: the summary text (dropwatch.stp byte for
 * byte by default), its --symbols, -r and --top variants and the JSON
 * lines, against a real symbol table and real drop-reason names loaded
 * from fixtures. Run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/drop_table.h"
#include "symbols/ksyms.h"
#include "symbols/reasons.h"
#include "render/rows.h"

#include "fixture.h"

#define KALLSYMS_FIXTURE "tests/unit/fixtures/report/kallsyms"
#define REASONS_FIXTURE	 "tests/unit/fixtures/reasons/kfree_skb-6.1.format"

/* Drop locations in the kallsyms fixture (see its README). */
#define A_TCP  0xffffffff814a104aULL /* tcp_v4_rcv+0xaa/0x8d0 */
#define B_TCP  0xffffffff814a1182ULL /* tcp_v4_rcv+0x1e2/0x8d0 */
#define IP     0xffffffff8149004aULL /* ip_rcv+0x4a/0x10f90 */
#define NFT    0xffffffffc0a011e4ULL /* nft_do_chain+0x1d4/0xa50 [nf_tables] */
#define NO_SYM 0xffffffff814a0f94ULL /* inside __pfx_tcp_v4_rcv: no symbol */
#define LONG   0xffffffff814a1910ULL /* LONG_NAME+0x10/0x100 */

/* A 330-character Rust symbol: names reach KSYM_NAME_LEN (512) since 6.1. */
#define LONG_NAME                                                                                  \
	"_RNvXs1_NtNtCsdropscope0test_6kernel3net6filterINtB5_8RegistryNtNtCs7f8g9h0i1j2_"         \
	"11rust_nf_drop5table9DropTableENtNtCs3yuwAp0waWO_4core3fmt5Debug3fmt_with_a_very"         \
	"_long_generic_instantiation_path_as_rust_emits_for_nested_closures_inside_trait_"         \
	"impls_of_the_network_filter_drop_table_for_every_registered_hook_in_each_network"         \
	"_namespace"

/* Drop reasons of the 6.1 format fixture. */
#define R_NONE		0 /* no name in 6.1 */
#define R_NO_SOCKET	2
#define R_SOCKET_FILTER 5
#define R_UDP_CSUM	6
#define R_NETFILTER	7
#define R_UNKNOWN	999

#define P_IPV4		0x0800
#define P_IPV6		0x86dd
#define P_ARP		0x0806
#define P_LLDP		0x88cc

#define ROW(a, r, p, n)                                                                            \
	{                                                                                          \
		.key = { .location = (a), .reason = (r), .protocol = (p) }, .count = (n)           \
	}

#define NROWS(rows) (sizeof(rows) / sizeof((rows)[0]))

struct env {
	struct ksyms *ks;
	struct reasons *rs;
};

static const struct interval_stats no_loss;

static int setup(void **state)
{
	struct env *env = calloc(1, sizeof(*env));
	char *text;

	if (!env)
		return -1;
	env->ks = ksyms__load_kallsyms(KALLSYMS_FIXTURE);
	if (!env->ks) {
		fprintf(stderr, "loading %s: %s (run from the repository root)\n", KALLSYMS_FIXTURE,
			strerror(errno));
		free(env);
		return -1;
	}
	text = slurp(REASONS_FIXTURE);
	if (!text) {
		fprintf(stderr, "reading %s: %s\n", REASONS_FIXTURE, strerror(errno));
		ksyms__free(env->ks);
		free(env);
		return -1;
	}
	env->rs = reasons__from_format(text);
	free(text);
	if (!env->rs) {
		fprintf(stderr, "parsing %s failed\n", REASONS_FIXTURE);
		ksyms__free(env->ks);
		free(env);
		return -1;
	}
	*state = env;
	return 0;
}

static int teardown(void **state)
{
	struct env *env = *state;

	reasons__free(env->rs);
	ksyms__free(env->ks);
	free(env);
	return 0;
}

/* A report writing into memory, with the fixture tables. */
struct capture {
	struct report r;
	char *buf;
	size_t len;
};

static struct report *cap_open(struct capture *c, void **state)
{
	struct env *env = *state;

	memset(c, 0, sizeof(*c));
	c->r.out = open_memstream(&c->buf, &c->len);
	assert_non_null(c->r.out);
	c->r.ks = env->ks;
	c->r.rs = env->rs;
	c->r.sym = SYM_NAME;
	return &c->r;
}

/* Close the stream and check it holds exactly expect (no stray NULs). */
static void cap_check(struct capture *c, const char *expect)
{
	assert_int_equal(fclose(c->r.out), 0);
	assert_non_null(c->buf);
	assert_string_equal(c->buf, expect);
	assert_int_equal(c->len, strlen(expect));
	free(c->buf);
	c->buf = NULL;
}

static void interval(const struct report *r, const struct drop_delta *rows, size_t n)
{
	report__interval(r, rows, n, &no_loss, 1700000000.0, 5.0);
}

/* ---- sym_style_parse, reason_name ---- */

static void test_sym_style_parse(void **state)
{
	(void)state;
	assert_int_equal(sym_style_parse("name"), SYM_NAME);
	assert_int_equal(sym_style_parse("data"), SYM_DATA);
	assert_int_equal(sym_style_parse("addr"), SYM_ADDR);
	assert_int_equal(sym_style_parse("full"), SYM_FULL);
	assert_int_equal(sym_style_parse("NAME"), -1);
	assert_int_equal(sym_style_parse("names"), -1);
	assert_int_equal(sym_style_parse(""), -1);
}

static void test_reason_name(void **state)
{
	struct env *env = *state;

	assert_string_equal(reason_name(env->rs, R_NO_SOCKET), "NO_SOCKET");
	assert_string_equal(reason_name(env->rs, R_NETFILTER), "NETFILTER_DROP");
	assert_null(reason_name(env->rs, R_UNKNOWN));
	assert_null(reason_name(env->rs, R_NONE));
	assert_null(reason_name(NULL, R_NO_SOCKET));
}

/* ---- the seed's text ---- */

static void test_seed_session(void **state)
{
	/* Out of order on purpose; A_TCP comes in three rows (reasons and
	 * protocols the default output does not show). */
	const struct drop_delta first[] = {
		ROW(NO_SYM, R_NONE, 0, 1),	  ROW(A_TCP, R_NO_SOCKET, P_IPV4, 3),
		ROW(NFT, R_NETFILTER, P_IPV4, 2), ROW(A_TCP, R_SOCKET_FILTER, P_IPV6, 4),
		ROW(IP, R_NONE, P_IPV4, 8),	  ROW(A_TCP, R_NO_SOCKET, P_IPV6, 2),
	};
	const struct drop_delta third[] = {
		ROW(NFT, R_NETFILTER, P_IPV6, 1),
	};
	struct capture c;
	struct report *r = cap_open(&c, state);

	report__start(r);
	interval(r, first, NROWS(first));
	interval(r, NULL, 0);
	interval(r, third, NROWS(third));
	report__stop(r);
	cap_check(&c, "Monitoring for dropped packets\n"
		      "\n"
		      "9 packets dropped at tcp_v4_rcv\n"
		      "8 packets dropped at ip_rcv\n"
		      "2 packets dropped at nft_do_chain\n"
		      "1 packets dropped at 0xffffffff814a0f94\n"
		      "\n"
		      "\n"
		      "1 packets dropped at nft_do_chain\n"
		      "Stopping dropped packet monitor\n");
}

/* Keyed by address, as the seed: two places in one function, two lines. */
static void test_seed_two_addresses_one_function(void **state)
{
	const struct drop_delta rows[] = {
		ROW(A_TCP, R_NO_SOCKET, P_IPV4, 3),
		ROW(B_TCP, R_NO_SOCKET, P_IPV4, 7),
		ROW(A_TCP, R_UDP_CSUM, P_IPV4, 1),
	};
	struct capture c;
	struct report *r = cap_open(&c, state);

	interval(r, rows, NROWS(rows));
	cap_check(&c, "\n"
		      "7 packets dropped at tcp_v4_rcv\n"
		      "4 packets dropped at tcp_v4_rcv\n");
}

/* Equal counts: by symbol name, then by address. The addr style shows
 * which line is which, and that the order is by name, not address. */
static void test_seed_ties(void **state)
{
	const struct drop_delta rows[] = {
		ROW(B_TCP, R_NO_SOCKET, P_IPV4, 4), ROW(NFT, R_NETFILTER, P_IPV4, 4),
		ROW(A_TCP, R_NO_SOCKET, P_IPV4, 4), ROW(IP, R_NONE, P_IPV4, 4),
		ROW(NO_SYM, R_NONE, P_IPV4, 4),	    ROW(IP, R_NONE, P_IPV4, 1),
	};
	struct capture c;
	struct report *r = cap_open(&c, state);

	r->sym = SYM_ADDR;
	interval(r, rows, NROWS(rows));
	cap_check(&c, "\n"
		      "5 packets dropped at 0xffffffff8149004a\n"   /* ip_rcv */
		      "4 packets dropped at 0xffffffff814a0f94\n"   /* "0x..." sorts first */
		      "4 packets dropped at 0xffffffffc0a011e4\n"   /* nft_do_chain */
		      "4 packets dropped at 0xffffffff814a104a\n"   /* tcp_v4_rcv, lower */
		      "4 packets dropped at 0xffffffff814a1182\n"); /* tcp_v4_rcv, higher */

	r = cap_open(&c, state);
	interval(r, rows, NROWS(rows));
	cap_check(&c, "\n"
		      "5 packets dropped at ip_rcv\n"
		      "4 packets dropped at 0xffffffff814a0f94\n"
		      "4 packets dropped at nft_do_chain\n"
		      "4 packets dropped at tcp_v4_rcv\n"
		      "4 packets dropped at tcp_v4_rcv\n");
}

/* Large counts are not truncated to int. */
static void test_seed_large_count(void **state)
{
	const struct drop_delta rows[] = {
		ROW(A_TCP, R_NO_SOCKET, P_IPV4, 5000000000ULL),
		ROW(A_TCP, R_UDP_CSUM, P_IPV4, 5000000000ULL),
	};
	struct capture c;
	struct report *r = cap_open(&c, state);

	interval(r, rows, NROWS(rows));
	cap_check(&c, "\n10000000000 packets dropped at tcp_v4_rcv\n");
}

static void test_empty_interval(void **state)
{
	const struct drop_delta row = ROW(A_TCP, R_NO_SOCKET, P_IPV4, 1);
	struct capture c;
	struct report *r = cap_open(&c, state);

	interval(r, NULL, 0);
	cap_check(&c, "\n");

	/* Rows are only read up to n. */
	r = cap_open(&c, state);
	interval(r, &row, 0);
	cap_check(&c, "\n");

	r = cap_open(&c, state);
	r->by_reason = true;
	r->top = 3;
	r->sym = SYM_FULL;
	report__start(r);
	interval(r, NULL, 0);
	report__stop(r);
	cap_check(&c, "Monitoring for dropped packets\n\nStopping dropped packet monitor\n");
}

/* ---- --symbols ---- */

static const struct drop_delta style_rows[] = {
	ROW(NFT, R_NETFILTER, P_IPV4, 2),
	ROW(NO_SYM, R_NONE, P_IPV4, 1),
	ROW(A_TCP, R_NO_SOCKET, P_IPV4, 3),
};

static void check_style(void **state, enum sym_style sym, const char *expect)
{
	struct capture c;
	struct report *r = cap_open(&c, state);

	r->sym = sym;
	interval(r, style_rows, NROWS(style_rows));
	cap_check(&c, expect);
}

static void test_symbols_name(void **state)
{
	check_style(state, SYM_NAME,
		    "\n"
		    "3 packets dropped at tcp_v4_rcv\n"
		    "2 packets dropped at nft_do_chain\n"
		    "1 packets dropped at 0xffffffff814a0f94\n");
}

static void test_symbols_data(void **state)
{
	check_style(state, SYM_DATA,
		    "\n"
		    "3 packets dropped at tcp_v4_rcv+0xaa/0x8d0 [kernel]\n"
		    "2 packets dropped at nft_do_chain+0x1d4/0xa50 [nf_tables]\n"
		    "1 packets dropped at 0xffffffff814a0f94\n");
}

static void test_symbols_addr(void **state)
{
	check_style(state, SYM_ADDR,
		    "\n"
		    "3 packets dropped at 0xffffffff814a104a\n"
		    "2 packets dropped at 0xffffffffc0a011e4\n"
		    "1 packets dropped at 0xffffffff814a0f94\n");
}

static void test_symbols_full(void **state)
{
	check_style(state, SYM_FULL,
		    "\n"
		    "3 packets dropped at 0xffffffff814a104a, tcp_v4_rcv, "
		    "tcp_v4_rcv+0xaa/0x8d0 [kernel]\n"
		    "2 packets dropped at 0xffffffffc0a011e4, nft_do_chain, "
		    "nft_do_chain+0x1d4/0xa50 [nf_tables]\n"
		    "1 packets dropped at 0xffffffff814a0f94, 0xffffffff814a0f94, "
		    "0xffffffff814a0f94\n");
}

/* A long name is printed whole in every style, never cut. */
static void test_symbols_long_name(void **state)
{
	const struct drop_delta rows[] = {
		ROW(LONG, R_NO_SOCKET, P_IPV4, 2),
		ROW(A_TCP, R_NO_SOCKET, P_IPV4, 1),
	};
	struct capture c;
	struct report *r;

	assert_int_equal(strlen(LONG_NAME), 330);
	r = cap_open(&c, state);
	interval(r, rows, NROWS(rows));
	cap_check(&c, "\n2 packets dropped at " LONG_NAME "\n1 packets dropped at tcp_v4_rcv\n");

	r = cap_open(&c, state);
	r->sym = SYM_DATA;
	r->top = 1;
	interval(r, rows, NROWS(rows));
	cap_check(&c, "\n2 packets dropped at " LONG_NAME "+0x10/0x100 [kernel]\n");

	r = cap_open(&c, state);
	r->sym = SYM_FULL;
	r->top = 1;
	r->by_reason = true;
	interval(r, rows, NROWS(rows));
	cap_check(&c, "\n2 packets dropped at 0xffffffff814a1910, " LONG_NAME ", " LONG_NAME
		      "+0x10/0x100 [kernel] (NO_SOCKET)\n");

	r = cap_open(&c, state);
	r->json = true;
	r->top = 1;
	report__interval(r, rows, NROWS(rows), &no_loss, 1.0, 1.0);
	cap_check(&c, "{\"timestamp\":1.000000,\"interval\":1.000000,\"entries\":["
		      "{\"count\":2,\"address\":\"0xffffffff814a1910\",\"symbol\":\"" LONG_NAME
		      "\",\"offset\":16,\"size\":256,\"module\":\"kernel\","
		      "\"reason\":\"NO_SOCKET\",\"reason_code\":2,\"protocol\":\"IPv4\",\"class\":"
		      "\"drop\"}],"
		      "\"not_counted\":0,\"missed\":0,\"filtered\":0}\n");
}

/* ---- -r ---- */

static const struct drop_delta reason_rows[] = {
	ROW(A_TCP, R_SOCKET_FILTER, P_IPV4, 2),
	ROW(NFT, R_NETFILTER, P_IPV4, 9),
	ROW(A_TCP, R_NO_SOCKET, P_IPV4, 3),
	ROW(B_TCP, R_UNKNOWN, P_IPV4, 1),
	ROW(A_TCP, R_UDP_CSUM, P_IPV6, 2),
	ROW(A_TCP, R_NO_SOCKET, P_IPV6, 4),
	ROW(IP, R_NONE, P_ARP, 1),
};

static void test_by_reason(void **state)
{
	struct capture c;
	struct report *r = cap_open(&c, state);

	r->by_reason = true;
	report__start(r);
	interval(r, reason_rows, NROWS(reason_rows));
	report__stop(r);
	/* A_TCP/NO_SOCKET sums its IPv4 and IPv6 rows; equal counts at one
	 * address go by reason number. */
	cap_check(&c, "Monitoring for dropped packets\n"
		      "\n"
		      "9 packets dropped at nft_do_chain (NETFILTER_DROP)\n"
		      "7 packets dropped at tcp_v4_rcv (NO_SOCKET)\n"
		      "2 packets dropped at tcp_v4_rcv (SOCKET_FILTER)\n"
		      "2 packets dropped at tcp_v4_rcv (UDP_CSUM)\n"
		      "1 packets dropped at ip_rcv (reason_0)\n"
		      "1 packets dropped at tcp_v4_rcv (reason_999)\n"
		      "Stopping dropped packet monitor\n");
}

static void test_by_reason_with_style(void **state)
{
	struct capture c;
	struct report *r = cap_open(&c, state);

	r->by_reason = true;
	r->sym = SYM_DATA;
	r->top = 2;
	interval(r, reason_rows, NROWS(reason_rows));
	cap_check(&c, "\n"
		      "9 packets dropped at nft_do_chain+0x1d4/0xa50 [nf_tables] (NETFILTER_DROP)\n"
		      "7 packets dropped at tcp_v4_rcv+0xaa/0x8d0 [kernel] (NO_SOCKET)\n");
}

/* No names known (the table could not be read): every reason as reason_N. */
static void test_by_reason_no_names(void **state)
{
	const struct drop_delta rows[] = {
		ROW(A_TCP, R_NO_SOCKET, P_IPV4, 3),
		ROW(A_TCP, R_NONE, P_IPV4, 1),
	};
	struct capture c;
	struct report *r = cap_open(&c, state);

	r->by_reason = true;
	r->rs = NULL;
	interval(r, rows, NROWS(rows));
	cap_check(&c, "\n"
		      "3 packets dropped at tcp_v4_rcv (reason_2)\n"
		      "1 packets dropped at tcp_v4_rcv (reason_0)\n");
}

/* ---- --top ---- */

static void test_top(void **state)
{
	struct capture c;
	struct report *r = cap_open(&c, state);

	/* Cut after folding: A_TCP (11 over four rows) leads. */
	r->top = 2;
	interval(r, reason_rows, NROWS(reason_rows));
	cap_check(&c, "\n"
		      "11 packets dropped at tcp_v4_rcv\n"
		      "9 packets dropped at nft_do_chain\n");

	r = cap_open(&c, state);
	r->top = 1;
	interval(r, reason_rows, NROWS(reason_rows));
	cap_check(&c, "\n11 packets dropped at tcp_v4_rcv\n");

	/* More than there are: all of them. */
	r = cap_open(&c, state);
	r->top = 10;
	interval(r, reason_rows, NROWS(reason_rows));
	cap_check(&c, "\n"
		      "11 packets dropped at tcp_v4_rcv\n"
		      "9 packets dropped at nft_do_chain\n"
		      "1 packets dropped at ip_rcv\n"
		      "1 packets dropped at tcp_v4_rcv\n");
}

/* ---- namespaces that share an inode ---- */

#define NS_ROW(ino, cookie, n)                                                                     \
	{                                                                                          \
		.key = { .location = A_TCP,                                                        \
			 .reason = R_NO_SOCKET,                                                    \
			 .protocol = P_IPV4,                                                       \
			 .netns = (ino),                                                           \
			 .netns_cookie = (cookie) },                                               \
		.count = (n)                                                                       \
	}

/* Inode 4026532000 was freed and handed to a second namespace: the two are
 * keyed apart by cookie, and their rows must not read alike. */
static const struct drop_delta netns_rows[] = {
	NS_ROW(4026532000U, 5, 13), NS_ROW(4026532001U, 6, 4), NS_ROW(4026532000U, 9, 21),
	NS_ROW(4026532002U, 7, 0), /* a freed row with no drops: not shown */
};

static void test_netns_shared_inode(void **state)
{
	struct capture c;
	struct report *r = cap_open(&c, state);

	r->dims = DIM_LOCATION | DIM_NETNS;
	interval(r, netns_rows, NROWS(netns_rows));
	cap_check(&c, "\n"
		      "21 packets dropped at tcp_v4_rcv netns=4026532000/9\n"
		      "13 packets dropped at tcp_v4_rcv netns=4026532000/5\n"
		      "4 packets dropped at tcp_v4_rcv netns=4026532001\n");

	/* Only within what is shown together: alone, the plain inode. */
	r = cap_open(&c, state);
	r->dims = DIM_LOCATION | DIM_NETNS;
	interval(r, netns_rows, 2);
	cap_check(&c, "\n"
		      "13 packets dropped at tcp_v4_rcv netns=4026532000\n"
		      "4 packets dropped at tcp_v4_rcv netns=4026532001\n");

	/* Folded: the same pseudo-frame. */
	r = cap_open(&c, state);
	r->dims = DIM_NETNS;
	r->folded = true;
	interval(r, netns_rows, NROWS(netns_rows));
	cap_check(&c, "netns=4026532000/9;[stack unavailable];tcp_v4_rcv 21\n"
		      "netns=4026532000/5;[stack unavailable];tcp_v4_rcv 13\n"
		      "netns=4026532001;[stack unavailable];tcp_v4_rcv 4\n");
}

static void test_netns_shared_list(void **state)
{
	struct drop_delta rows[] = {
		NS_ROW(30, 1, 1), NS_ROW(10, 2, 1), NS_ROW(30, 3, 1), NS_ROW(10, 2, 1),
		NS_ROW(20, 4, 1), NS_ROW(30, 5, 1), NS_ROW(10, 6, 1),
	};
	__u32 *shared;

	(void)state;
	/* 10 (cookies 2 and 6) and 30 (1, 3, 5), each once, sorted; a repeated
	 * (inode, cookie) is one namespace. */
	assert_int_equal(report__netns_shared(rows, NROWS(rows), sizeof(rows[0]),
					      offsetof(struct drop_delta, key), &shared),
			 2);
	assert_int_equal(shared[0], 10);
	assert_int_equal(shared[1], 30);
	free(shared);
	assert_int_equal(report__netns_shared(rows, 2, sizeof(rows[0]),
					      offsetof(struct drop_delta, key), &shared),
			 0);
	assert_null(shared);
	assert_int_equal(report__netns_shared(rows, 0, sizeof(rows[0]),
					      offsetof(struct drop_delta, key), &shared),
			 0);
	assert_null(shared);
}

/* ---- loss lines ---- */

static void test_overflow_and_missed(void **state)
{
	const struct drop_delta rows[] = { ROW(A_TCP, R_NO_SOCKET, P_IPV4, 3) };
	const struct interval_stats both = { .overflow = 12, .missed = 3, .filtered = 99 };
	const struct interval_stats overflow = { .overflow = 1 };
	const struct interval_stats missed = { .missed = 7 };
	const struct interval_stats filtered = { .filtered = 5 };
	struct capture c;
	struct report *r = cap_open(&c, state);

	report__interval(r, rows, NROWS(rows), &both, 1.0, 5.0);
	cap_check(&c, "\n"
		      "3 packets dropped at tcp_v4_rcv\n"
		      "12 packets dropped at locations not counted (count table full or busy; "
		      "raise --max-keys)\n"
		      "3 drops missed (the kernel skipped the program: nested call)\n");

	r = cap_open(&c, state);
	report__interval(r, NULL, 0, &overflow, 1.0, 5.0);
	cap_check(&c, "\n"
		      "1 packets dropped at locations not counted (count table full or busy; raise "
		      "--max-keys)\n");

	r = cap_open(&c, state);
	r->top = 1;
	report__interval(r, style_rows, NROWS(style_rows), &missed, 1.0, 5.0);
	cap_check(&c, "\n"
		      "3 packets dropped at tcp_v4_rcv\n"
		      "7 drops missed (the kernel skipped the program: nested call)\n");

	/* Drops a filter excluded were asked for: no line. */
	r = cap_open(&c, state);
	report__interval(r, rows, NROWS(rows), &filtered, 1.0, 5.0);
	cap_check(&c, "\n3 packets dropped at tcp_v4_rcv\n");
}

/* ---- JSON ---- */

static const struct drop_delta json_rows[] = {
	ROW(NO_SYM, R_UNKNOWN, P_LLDP, 2),	ROW(A_TCP, R_NO_SOCKET, P_IPV6, 3),
	ROW(A_TCP, R_NO_SOCKET, P_IPV4, 5),	ROW(IP, R_NONE, P_ARP, 1),
	ROW(NFT, R_NETFILTER, P_IPV4, 4),	ROW(A_TCP, R_NO_SOCKET, P_IPV4, 2),
	ROW(B_TCP, R_SOCKET_FILTER, 0x0000, 1),
};

#define JSON_A_V4                                                                                  \
	"{\"count\":7,\"address\":\"0xffffffff814a104a\",\"symbol\":\"tcp_v4_rcv\","               \
	"\"offset\":170,\"size\":2256,\"module\":\"kernel\",\"reason\":\"NO_SOCKET\","             \
	"\"reason_code\":2,\"protocol\":\"IPv4\",\"class\":\"drop\"}"
#define JSON_NFT                                                                                   \
	"{\"count\":4,\"address\":\"0xffffffffc0a011e4\",\"symbol\":\"nft_do_chain\","             \
	"\"offset\":468,\"size\":2640,\"module\":\"nf_tables\","                                   \
	"\"reason\":\"NETFILTER_DROP\",\"reason_code\":7,\"protocol\":\"IPv4\",\"class\":"         \
	"\"drop\"}"
#define JSON_A_V6                                                                                  \
	"{\"count\":3,\"address\":\"0xffffffff814a104a\",\"symbol\":\"tcp_v4_rcv\","               \
	"\"offset\":170,\"size\":2256,\"module\":\"kernel\",\"reason\":\"NO_SOCKET\","             \
	"\"reason_code\":2,\"protocol\":\"IPv6\",\"class\":\"drop\"}"
#define JSON_NO_SYM                                                                                \
	"{\"count\":2,\"address\":\"0xffffffff814a0f94\",\"symbol\":null,\"offset\":null,"         \
	"\"size\":null,\"module\":null,\"reason\":null,\"reason_code\":999,"                       \
	"\"protocol\":\"0x88cc\",\"class\":\"drop\"}"
#define JSON_IP                                                                                    \
	"{\"count\":1,\"address\":\"0xffffffff8149004a\",\"symbol\":\"ip_rcv\","                   \
	"\"offset\":74,\"size\":69520,\"module\":\"kernel\",\"reason\":null,"                      \
	"\"reason_code\":0,\"protocol\":\"ARP\",\"class\":\"drop\"}"
#define JSON_B                                                                                     \
	"{\"count\":1,\"address\":\"0xffffffff814a1182\",\"symbol\":\"tcp_v4_rcv\","               \
	"\"offset\":482,\"size\":2256,\"module\":\"kernel\","                                      \
	"\"reason\":\"SOCKET_FILTER\",\"reason_code\":5,\"protocol\":\"0x0000\",\"class\":"        \
	"\"drop\"}"

#define JSON_LINE                                                                                  \
	"{\"timestamp\":1700000000.250000,\"interval\":5.000000,\"entries\":[" JSON_A_V4           \
	"," JSON_NFT "," JSON_A_V6 "," JSON_NO_SYM "," JSON_IP "," JSON_B "],"                     \
	"\"not_counted\":3,\"missed\":1,\"filtered\":42}\n"

#define JSON_EMPTY                                                                                 \
	"{\"timestamp\":1700000005.000000,\"interval\":0.500000,\"entries\":[],"                   \
	"\"not_counted\":0,\"missed\":0,\"filtered\":0}\n"

static bool have_jq(void)
{
	return system("command -v jq >/dev/null 2>&1") == 0;
}

static void assert_jq(const char *text, const char *opts, const char *filter)
{
	char path[] = "/tmp/test_report_jq.XXXXXX";
	char cmd[512];
	int fd = mkstemp(path);
	size_t len = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	/* jq -e fails on a parse error and on a false or null result. */
	snprintf(cmd, sizeof(cmd), "jq -e %s '%s' < %s > /dev/null", opts, filter, path);
	if (system(cmd) != 0) {
		unlink(path);
		fail_msg("jq -e %s '%s' rejected:\n%s", opts, filter, text);
	}
	unlink(path);
}

static void test_json_interval(void **state)
{
	const struct interval_stats st = { .overflow = 3, .missed = 1, .filtered = 42 };
	struct capture c;
	struct report *r = cap_open(&c, state);

	r->json = true;
	report__interval(r, json_rows, NROWS(json_rows), &st, 1700000000.25, 5.0);
	cap_check(&c, JSON_LINE);
}

/* No header or footer: every line is one JSON object. */
static void test_json_session(void **state)
{
	const struct interval_stats st = { .overflow = 3, .missed = 1, .filtered = 42 };
	struct capture c;
	struct report *r = cap_open(&c, state);

	r->json = true;
	report__start(r);
	report__interval(r, json_rows, NROWS(json_rows), &st, 1700000000.25, 5.0);
	report__interval(r, NULL, 0, &no_loss, 1700000005.0, 0.5);
	report__stop(r);
	cap_check(&c, JSON_LINE JSON_EMPTY);
}

/* JSON always keeps reason and protocol apart, -r or not; the style of
 * the text output does not matter; --top still cuts. */
static void test_json_ignores_text_options(void **state)
{
	const struct interval_stats st = { .overflow = 3, .missed = 1, .filtered = 42 };
	struct capture c;
	struct report *r = cap_open(&c, state);

	r->json = true;
	r->by_reason = true;
	r->sym = SYM_FULL;
	report__interval(r, json_rows, NROWS(json_rows), &st, 1700000000.25, 5.0);
	cap_check(&c, JSON_LINE);

	r = cap_open(&c, state);
	r->json = true;
	r->top = 2;
	report__interval(r, json_rows, NROWS(json_rows), &no_loss, 1700000005.0, 0.5);
	cap_check(&c,
		  "{\"timestamp\":1700000005.000000,\"interval\":0.500000,\"entries\":[" JSON_A_V4
		  "," JSON_NFT "],\"not_counted\":0,\"missed\":0,\"filtered\":0}\n");
}

static void test_json_parses(void **state)
{
	const struct interval_stats st = { .overflow = 3, .missed = 1, .filtered = 42 };
	struct capture c;
	struct report *r;
	char *text;

	if (!have_jq())
		skip();
	r = cap_open(&c, state);
	r->json = true;
	report__start(r);
	report__interval(r, json_rows, NROWS(json_rows), &st, 1700000000.25, 5.0);
	report__interval(r, NULL, 0, &no_loss, 1700000005.0, 0.5);
	r->ks = NULL;
	r->rs = NULL;
	report__interval(r, json_rows, NROWS(json_rows), &st, 1700000010.0, 5.0);
	report__stop(r);
	assert_int_equal(fclose(r->out), 0);
	text = c.buf;
	assert_jq(text, "", ".");
	/* All three lines parse, as three objects, with the fields typed. */
	assert_jq(text, "-s", "length == 3");
	assert_jq(text, "-s", "[.[0].entries[].count] == [7,4,3,2,1,1]");
	assert_jq(text, "-s", ".[0].entries[3].symbol == null and .[0].entries[4].reason == null");
	assert_jq(text, "-s", ".[1].entries == [] and .[2].entries[0].symbol == null");
	free(text);
	/* The same checks must fail on broken input, or they prove nothing. */
	if (system("echo '{\"a\":' | jq -e . >/dev/null 2>&1") == 0)
		fail_msg("jq accepted broken JSON");
}

/* ---- symbols not loaded yet ---- */

static void test_null_ksyms_text(void **state)
{
	const struct drop_delta rows[] = {
		ROW(NFT, R_NETFILTER, P_IPV4, 3),
		ROW(IP, R_NONE, P_IPV4, 5),
		ROW(A_TCP, R_NO_SOCKET, P_IPV4, 3),
	};
	static const enum sym_style raw[] = { SYM_NAME, SYM_DATA, SYM_ADDR };
	struct capture c;
	struct report *r;

	/* Names are all "0x...": equal counts go by address. */
	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
		r = cap_open(&c, state);
		r->ks = NULL;
		r->sym = raw[i];
		report__start(r);
		interval(r, rows, NROWS(rows));
		report__stop(r);
		cap_check(&c, "Monitoring for dropped packets\n"
			      "\n"
			      "5 packets dropped at 0xffffffff8149004a\n"
			      "3 packets dropped at 0xffffffff814a104a\n"
			      "3 packets dropped at 0xffffffffc0a011e4\n"
			      "Stopping dropped packet monitor\n");
	}

	r = cap_open(&c, state);
	r->ks = NULL;
	r->sym = SYM_FULL;
	r->by_reason = true;
	interval(r, rows, NROWS(rows));
	cap_check(&c, "\n"
		      "5 packets dropped at 0xffffffff8149004a, 0xffffffff8149004a, "
		      "0xffffffff8149004a (reason_0)\n"
		      "3 packets dropped at 0xffffffff814a104a, 0xffffffff814a104a, "
		      "0xffffffff814a104a (NO_SOCKET)\n"
		      "3 packets dropped at 0xffffffffc0a011e4, 0xffffffffc0a011e4, "
		      "0xffffffffc0a011e4 (NETFILTER_DROP)\n");
}

static void test_null_ksyms_json(void **state)
{
	const struct drop_delta rows[] = {
		ROW(A_TCP, R_NO_SOCKET, P_IPV6, 2),
		ROW(NFT, R_NETFILTER, P_IPV4, 3),
	};
	struct capture c;
	struct report *r = cap_open(&c, state);

	r->ks = NULL;
	r->rs = NULL;
	r->json = true;
	report__interval(r, rows, NROWS(rows), &no_loss, 2.5, 1.0);
	cap_check(&c, "{\"timestamp\":2.500000,\"interval\":1.000000,\"entries\":["
		      "{\"count\":3,\"address\":\"0xffffffffc0a011e4\",\"symbol\":null,"
		      "\"offset\":null,\"size\":null,\"module\":null,\"reason\":null,"
		      "\"reason_code\":7,\"protocol\":\"IPv4\",\"class\":\"drop\"},"
		      "{\"count\":2,\"address\":\"0xffffffff814a104a\",\"symbol\":null,"
		      "\"offset\":null,\"size\":null,\"module\":null,\"reason\":null,"
		      "\"reason_code\":2,\"protocol\":\"IPv6\",\"class\":\"drop\"}"
		      "],\"not_counted\":0,\"missed\":0,\"filtered\":0}\n");
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sym_style_parse),
		cmocka_unit_test(test_reason_name),
		cmocka_unit_test(test_seed_session),
		cmocka_unit_test(test_seed_two_addresses_one_function),
		cmocka_unit_test(test_seed_ties),
		cmocka_unit_test(test_seed_large_count),
		cmocka_unit_test(test_empty_interval),
		cmocka_unit_test(test_symbols_name),
		cmocka_unit_test(test_symbols_data),
		cmocka_unit_test(test_symbols_addr),
		cmocka_unit_test(test_symbols_full),
		cmocka_unit_test(test_symbols_long_name),
		cmocka_unit_test(test_by_reason),
		cmocka_unit_test(test_by_reason_with_style),
		cmocka_unit_test(test_by_reason_no_names),
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_netns_shared_inode),
		cmocka_unit_test(test_netns_shared_list),
		cmocka_unit_test(test_overflow_and_missed),
		cmocka_unit_test(test_json_interval),
		cmocka_unit_test(test_json_session),
		cmocka_unit_test(test_json_ignores_text_options),
		cmocka_unit_test(test_json_parses),
		cmocka_unit_test(test_null_ksyms_text),
		cmocka_unit_test(test_null_ksyms_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
