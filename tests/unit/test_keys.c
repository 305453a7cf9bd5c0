// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the count key's dimensions (src/keys.c), stacks
 * (src/stacks.c: trimming, the cache), the --by caller helper table
 * (src/helpers.c), cgroup paths (src/cgroups.c) and how the summary
 * report shows them (--by, --stacks, --folded, JSON). Run from the
 * repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "counters/cgroups.h"
#include "trace/drop_table.h"
#include "trace/caller_skip.h"
#include "trace/keys.h"
#include "symbols/ksyms.h"
#include "render/rows.h"
#include "trace/stacks.h"

#define KALLSYMS "tests/unit/fixtures/stacks/kallsyms"

#define T_RAW	 0xffffffff81100010ULL /* trace_event_raw_event_kfree_skb+0x10 */
#define T_BPF	 0xffffffff81100120ULL /* __bpf_trace_kfree_skb+0x20 */
#define T_RUN	 0xffffffff81100220ULL /* bpf_trace_run4+0x20 */
#define T_PROG	 0xffffffffc0001040ULL /* bpf_prog_…_kfree_skb_btf+0x40 [bpf] */
#define FIRE	 0xffffffff81100490ULL /* sk_skb_reason_drop+0x90 */
#define LISTF	 0xffffffff8110054eULL /* kfree_skb_list_reason+0x1e */
#define XMIT	 0xffffffff81100720ULL /* __dev_xmit_skb+0x120 */
#define QXMIT	 0xffffffff81100f40ULL /* __dev_queue_xmit+0x40 */
#define UDP	 0xffffffff811024bcULL /* __udp4_lib_rcv+0x4bc */
#define DELIVER	 0xffffffff81102dd8ULL /* ip_protocol_deliver_rcu+0xd8 */
#define FINISH	 0xffffffff81102e81ULL /* ip_local_deliver_finish+0x81 */

static struct ksyms *load(void)
{
	struct ksyms *ks = ksyms__load_kallsyms(KALLSYMS);

	if (!ks)
		fail_msg("loading %s: %s (run from the repository root)", KALLSYMS,
			 strerror(errno));
	return ks;
}

/* ---- keys ---- */

static void test_keys_parse(void **state)
{
	char bad[64];
	__u32 d;

	(void)state;
	assert_int_equal(keys_parse("location", &d, bad, sizeof(bad)), 0);
	assert_int_equal(d, DIM_LOCATION);
	assert_int_equal(keys_parse("dev,netns,reason", &d, bad, sizeof(bad)), 0);
	assert_int_equal(d, DIM_DEV | DIM_NETNS | DIM_REASON);
	assert_int_equal(keys_parse("location,reason,proto,dev,netns,comm,cgroup,caller,stack", &d,
				    bad, sizeof(bad)),
			 0);
	assert_int_equal(d, 0x1ff);
	assert_int_equal(keys_parse("dev,dev", &d, bad, sizeof(bad)), 0);
	assert_int_equal(d, DIM_DEV);

	assert_int_equal(keys_parse("devs", &d, bad, sizeof(bad)), -1);
	assert_string_equal(bad, "devs");
	assert_int_equal(keys_parse("", &d, bad, sizeof(bad)), -1);
	assert_string_equal(bad, "");
	assert_int_equal(keys_parse("dev,", &d, bad, sizeof(bad)), -1);
	assert_string_equal(bad, "");
	assert_int_equal(keys_parse(",dev", &d, bad, sizeof(bad)), -1);
	assert_int_equal(keys_parse("DEV", &d, bad, sizeof(bad)), -1);
	assert_int_equal(keys_parse("location reason", &d, bad, sizeof(bad)), -1);
	assert_string_equal(bad, "location reason");
	/* The bad word is cut to the buffer, never overrun. */
	assert_int_equal(keys_parse("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", &d, bad, 8), -1);
	assert_string_equal(bad, "xxxxxxx");
}

static void test_keys_names(void **state)
{
	(void)state;
	assert_string_equal(keys_name(DIM_CGROUP), "cgroup");
	assert_string_equal(keys_name(DIM_STACK), "stack");
	assert_null(keys_name(0));
	assert_null(keys_name(DIM_DEV | DIM_NETNS));
	/* Every name keys_names() lists parses, and names its own bit. */
	for (__u32 bit = 1; bit <= DIM_STACK; bit <<= 1) {
		char bad[16];
		__u32 d;

		assert_non_null(strstr(keys_names(), keys_name(bit)));
		assert_int_equal(keys_parse(keys_name(bit), &d, bad, sizeof(bad)), 0);
		assert_int_equal(d, bit);
	}
}

static void test_keys_mask_cmp(void **state)
{
	struct drop_key a = { .location = UDP,
			      .reason = 2,
			      .protocol = 0x800,
			      .caller = XMIT,
			      .cgroup = 77,
			      .netns = 4026531840u,
			      .ifindex = 3,
			      .stack_id = 5,
			      .dev = "veth1",
			      .comm = "bash" };
	struct drop_key b = a, m;

	(void)state;
	m = keys_mask(&a, DIM_LOCATION);
	assert_int_equal(m.location, UDP);
	assert_int_equal(m.reason, 0);
	assert_int_equal(m.ifindex, 0);
	assert_int_equal(m.dev[0], 0);
	assert_int_equal(m.stack_id, 0);
	m = keys_mask(&a, DIM_DEV | DIM_COMM | DIM_STACK);
	assert_int_equal(m.location, 0);
	assert_string_equal(m.dev, "veth1");
	assert_int_equal(m.ifindex, 3);
	assert_string_equal(m.comm, "bash");
	assert_int_equal(m.stack_id, 5);
	assert_int_equal(m.netns, 0);

	/* Stack ids order last: other fields decide first. */
	b.stack_id = 9;
	assert_int_equal(keys_cmp(&a, &b, false), 0);
	assert_true(keys_cmp(&a, &b, true) < 0);
	assert_true(keys_cmp(&b, &a, true) > 0);
	b.stack_id = STACK_UNAVAILABLE;
	assert_true(keys_cmp(&b, &a, true) < 0);
	b = a;
	b.netns++;
	assert_true(keys_cmp(&a, &b, false) != 0);
}

/* ---- stacks ---- */

static void test_stacks_trim(void **state)
{
	struct ksyms *ks = load();
	const __u64 full[] = { T_PROG, T_RUN, T_BPF, FIRE, UDP, DELIVER, FINISH };
	const __u64 tracing_only[] = { T_RAW, FIRE, DELIVER, FINISH };
	const __u64 nothing_to_trim[] = { DELIVER, FINISH };
	const __u64 all_tracing[] = { T_RAW, T_BPF };
	/* A program loaded after the symbols were read: no symbol, on top. */
	const __u64 unnamed_prog[] = { 0x10, T_RUN, FIRE, UDP, DELIVER };

	(void)state;
	/* The location is a frame: the drop's part starts there. */
	assert_int_equal(stacks_trim(full, 7, UDP, ks), 4);
	/* Not found: past the tracing frames and the firing function. */
	assert_int_equal(stacks_trim(full, 7, 0x1234, ks), 4);
	assert_int_equal(stacks_trim(tracing_only, 4, UDP, ks), 2);
	assert_int_equal(stacks_trim(nothing_to_trim, 2, UDP, ks), 0);
	/* Nothing but tracing frames: keep them rather than show nothing. */
	assert_int_equal(stacks_trim(all_tracing, 2, UDP, ks), 0);
	assert_int_equal(stacks_trim(full, 0, UDP, ks), 0);
	/* Without the location (--by workload,stack): past the unnamed
	 * program and the tracing frames under it, to the drop's path. */
	assert_int_equal(stacks_trim(unnamed_prog, 5, 0, ks), 3);
	assert_int_equal(stacks_trim(unnamed_prog, 5, UDP, ks), 3);
	/* Without symbols only the location can be found. */
	assert_int_equal(stacks_trim(full, 7, UDP, NULL), 4);
	assert_int_equal(stacks_trim(full, 7, 0x1234, NULL), 0);

	assert_true(stacks_is_tracing_frame("trace_event_raw_event_kfree_skb", "kernel"));
	assert_true(stacks_is_tracing_frame("__traceiter_kfree_skb", "kernel"));
	assert_true(stacks_is_tracing_frame("anything", "bpf"));
	assert_false(stacks_is_tracing_frame("__udp4_lib_rcv", "kernel"));
	assert_false(stacks_is_tracing_frame("kfree_skb_list_reason", "kernel"));
	ksyms__free(ks);
}

static void test_stacks_cache(void **state)
{
	struct ksyms *ks = load();
	struct stacks *s = stacks__new(-1, 4);
	const __u64 raw[] = { T_PROG, FIRE, UDP, DELIVER };
	const __u64 *f;

	(void)state;
	assert_non_null(s);
	assert_int_equal(stacks__insert(s, 2, raw, 4), 0);
	assert_int_equal(stacks__get(s, 2, UDP, ks, &f), 2);
	assert_true(f[0] == UDP && f[1] == DELIVER);
	/* Unavailable, out of range, never read: no frames. */
	assert_int_equal(stacks__get(s, STACK_UNAVAILABLE, UDP, ks, &f), 0);
	assert_null(f);
	assert_int_equal(stacks__get(s, 4, UDP, ks, &f), 0);
	assert_int_equal(stacks__get(s, 1, UDP, ks, &f), 0);
	assert_int_equal(stacks__get(NULL, 2, UDP, ks, &f), 0);
	assert_int_equal(stacks__insert(s, 4, raw, 4), -EINVAL);
	assert_int_equal(stacks__insert(s, -1, raw, 4), -EINVAL);
	stacks__free(s);
	ksyms__free(ks);
}

/* ---- helpers ---- */

static void test_helpers(void **state)
{
	struct ksyms *ks = load();
	__u64 start[MAX_HELPERS], end[MAX_HELPERS];
	char bad[128];
	const char *why, *name;
	int n;

	(void)state;
	/* Every built-in entry says why it is generic. */
	for (size_t i = 0; (name = helpers_name(i, &why)); i++) {
		assert_true(strlen(name) > 0);
		assert_true(strlen(why) > 10);
	}
	/* The fixture has two of the built-ins: the list free and the
	 * function that fires the tracepoint. */
	n = helpers_resolve(ks, NULL, start, end, MAX_HELPERS, bad, sizeof(bad));
	assert_int_equal(n, 2);
	for (int i = 0; i < n; i++)
		assert_true(start[i] < end[i]);
	n = helpers_resolve(ks, "__dev_queue_xmit,__dev_xmit_skb", start, end, MAX_HELPERS, bad,
			    sizeof(bad));
	assert_int_equal(n, 4);
	assert_true(start[2] == 0xffffffff81100f00ULL && end[2] == 0xffffffff81102000ULL);
	/* Given twice: once. */
	assert_int_equal(helpers_resolve(ks, "__dev_queue_xmit,__dev_queue_xmit", start, end,
					 MAX_HELPERS, bad, sizeof(bad)),
			 3);
	assert_int_equal(
		helpers_resolve(ks, "no_such_fn", start, end, MAX_HELPERS, bad, sizeof(bad)), -1);
	assert_non_null(strstr(bad, "no_such_fn"));
	assert_int_equal(helpers_resolve(ks, ",", start, end, MAX_HELPERS, bad, sizeof(bad)), -1);
	/* Room for fewer than there are. */
	assert_int_equal(helpers_resolve(ks, "__dev_queue_xmit", start, end, 2, bad, sizeof(bad)),
			 -1);
	assert_non_null(strstr(bad, "too many"));
	/* The user's word is said back escaped. */
	assert_int_equal(
		helpers_resolve(ks, "x\x1b[31m", start, end, MAX_HELPERS, bad, sizeof(bad)), -1);
	assert_null(strchr(bad, '\x1b'));
	assert_non_null(strstr(bad, "'x\\x1b[31m'"));
	/* Optional ones ('?'): skipped when absent, and when the table is full. */
	assert_int_equal(helpers_resolve(ks, "?no_such_fn,?__dev_queue_xmit", start, end, 2, bad,
					 sizeof(bad)),
			 2);
	assert_int_equal(helpers_resolve(ks, "?no_such_fn,?__dev_queue_xmit", start, end,
					 MAX_HELPERS, bad, sizeof(bad)),
			 3);
	ksyms__free(ks);
}

/*
 * The caller of a drop counted before the helper table was in the kernel,
 * found in its raw stack as the BPF program finds it: the location when it
 * is not a helper; else the first non-helper frame above the location's
 * own; 0 when the location is not in the top CALLER_DEPTH frames or only
 * helpers follow it there.
 */
static void test_caller_from_frames(void **state)
{
	const __u64 start[] = { 0x1000, 0x3000 }, end[] = { 0x1100, 0x3100 };
	const __u64 trace = 0x9000, loc = 0x1010, inner = 0x3020, caller = 0x5000;
	const __u64 s1[] = { trace, trace + 8, loc, inner, caller, 0x6000 };
	const __u64 s2[] = { trace, loc, inner };
	__u64 deep[CALLER_DEPTH + 4];
	(void)state;

	assert_true(caller_from_frames(s1, 6, 0x7777, start, end, 2) == 0x7777);
	assert_true(caller_from_frames(s1, 6, loc, start, end, 2) == caller);
	assert_true(caller_from_frames(s2, 3, loc, start, end, 2) == 0);
	assert_true(caller_from_frames(s1, 6, 0x1050, start, end, 2) == 0);
	assert_true(caller_from_frames(NULL, 0, loc, start, end, 2) == 0);
	for (size_t i = 0; i < sizeof(deep) / sizeof(deep[0]); i++)
		deep[i] = trace;
	deep[CALLER_DEPTH - 2] = loc;
	deep[CALLER_DEPTH - 1] = caller;
	assert_true(caller_from_frames(deep, CALLER_DEPTH + 4, loc, start, end, 2) == caller);
	/* The caller past the top CALLER_DEPTH frames: unknown, as in the kernel. */
	deep[CALLER_DEPTH - 1] = inner;
	deep[CALLER_DEPTH] = caller;
	assert_true(caller_from_frames(deep, CALLER_DEPTH + 4, loc, start, end, 2) == 0);
	/* The table's size bound: the built-ins plus --helper's names. */
	assert_int_equal(helpers_slots(NULL) + 2, helpers_slots("a,?b"));
	assert_int_equal(helpers_slots("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o"), MAX_HELPERS);
}

/* ---- cgroups ---- */

static void test_cgroups(void **state)
{
	char root[] = "/tmp/test_keys_cg.XXXXXX", path[512], mi[600];
	struct cgroups *cg;
	struct stat st;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/a", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/a/b", root);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/link", root);
	assert_int_equal(symlink("/", path), 0);
	snprintf(mi, sizeof(mi), "%s/mountinfo", root);
	f = fopen(mi, "w");
	assert_non_null(f);
	fprintf(f, "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw\n");
	fprintf(f, "41 31 0:38 / %s rw,relatime - cgroup2 cgroup2 rw\n", root);
	fclose(f);

	cg = cgroups__new(mi);
	assert_non_null(cg);
	snprintf(path, sizeof(path), "%s/a/b", root);
	assert_int_equal(stat(path, &st), 0);
	assert_string_equal(cgroups__path(cg, st.st_ino), "/a/b");
	assert_int_equal(stat(root, &st), 0);
	assert_string_equal(cgroups__path(cg, st.st_ino), "/");
	/* A link is never followed out of the hierarchy. */
	assert_int_equal(stat("/", &st), 0);
	assert_null(cgroups__path(cg, st.st_ino));
	assert_null(cgroups__path(cg, 0));
	cgroups__free(cg);

	/* No cgroup2 mount: ids stay ids. */
	f = fopen(mi, "w");
	assert_non_null(f);
	fprintf(f, "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw\n");
	fclose(f);
	cg = cgroups__new(mi);
	assert_non_null(cg);
	assert_null(cgroups__path(cg, 1));
	cgroups__free(cg);

	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

/* ---- the report ---- */

struct capture {
	struct report r;
	char *buf;
	size_t len;
	struct ksyms *ks;
	struct stacks *st;
};

static struct report *cap_open(struct capture *c)
{
	const __u64 s0[] = { T_PROG, FIRE, UDP, DELIVER, FINISH };
	const __u64 s1[] = { T_PROG, FIRE, UDP, FINISH };

	memset(c, 0, sizeof(*c));
	c->ks = load();
	c->st = stacks__new(-1, 8);
	assert_non_null(c->st);
	assert_int_equal(stacks__insert(c->st, 0, s0, 5), 0);
	assert_int_equal(stacks__insert(c->st, 1, s1, 4), 0);
	c->r.out = open_memstream(&c->buf, &c->len);
	assert_non_null(c->r.out);
	c->r.ks = c->ks;
	c->r.sym = SYM_NAME;
	c->r.stacks = c->st;
	return &c->r;
}

static void cap_check(struct capture *c, const char *expect)
{
	assert_int_equal(fclose(c->r.out), 0);
	assert_string_equal(c->buf, expect);
	free(c->buf);
	stacks__free(c->st);
	ksyms__free(c->ks);
}

static const struct interval_stats none;

static void test_report_dims_text(void **state)
{
	struct drop_delta rows[] = {
		{ .key = { .location = UDP,
			   .reason = 2,
			   .protocol = 0x800,
			   .netns = 11,
			   .ifindex = 1,
			   .dev = "lo",
			   .comm = "udpsend" },
		  .count = 3 },
		{ .key = { .location = UDP,
			   .reason = 2,
			   .protocol = 0x86dd,
			   .netns = 11,
			   .ifindex = 1,
			   .dev = "lo",
			   .comm = "udpsend" },
		  .count = 2 },
		{ .key = { .location = UDP,
			   .reason = 2,
			   .protocol = 0x800,
			   .netns = 12,
			   .ifindex = 4,
			   .dev = "veth\x1b[31m",
			   .comm = "a\nb" },
		  .count = 7 },
	};
	struct capture c;
	struct report *r = cap_open(&c);

	(void)state;
	r->dims = DIM_LOCATION | DIM_DEV | DIM_NETNS;
	report__interval(r, rows, 3, &none, 1.0, 1.0);
	r->dims = DIM_PROTO | DIM_COMM;
	report__interval(r, rows, 3, &none, 1.0, 1.0);
	/* Only location: the seed's line, whatever else the rows hold. */
	r->dims = DIM_LOCATION;
	report__interval(r, rows, 3, &none, 1.0, 1.0);
	cap_check(&c, "\n"
		      "7 packets dropped at __udp4_lib_rcv dev=veth\\x1b[31m netns=12\n"
		      "5 packets dropped at __udp4_lib_rcv dev=lo netns=11\n"
		      "\n"
		      "7 packets dropped proto=IPv4 comm=a\\x0ab\n"
		      "3 packets dropped proto=IPv4 comm=udpsend\n"
		      "2 packets dropped proto=IPv6 comm=udpsend\n"
		      "\n"
		      "12 packets dropped at __udp4_lib_rcv\n");
}

static void test_report_caller(void **state)
{
	struct drop_delta rows[] = {
		{ .key = { .location = LISTF, .caller = XMIT }, .count = 4 },
		{ .key = { .location = UDP, .caller = UDP }, .count = 2 },
		{ .key = { .location = LISTF, .caller = 0 }, .count = 1 },
	};
	struct capture c;
	struct report *r = cap_open(&c);

	(void)state;
	r->dims = DIM_CALLER;
	report__interval(r, rows, 3, &none, 1.0, 1.0);
	cap_check(&c, "\n"
		      "4 packets dropped at __dev_xmit_skb via kfree_skb_list_reason\n"
		      "2 packets dropped at __udp4_lib_rcv\n"
		      "1 packets dropped at [caller unknown] via kfree_skb_list_reason\n");
}

static void test_report_stacks_text(void **state)
{
	struct drop_delta rows[] = {
		{ .key = { .location = UDP, .reason = 2, .stack_id = 0 }, .count = 5 },
		{ .key = { .location = UDP, .reason = 2, .stack_id = 1 }, .count = 2 },
		{ .key = { .location = UDP, .reason = 2, .stack_id = STACK_UNAVAILABLE },
		  .count = 1 },
		{ .key = { .location = UDP, .reason = 3, .stack_id = 1 }, .count = 9 },
	};
	struct capture c;
	struct report *r = cap_open(&c);

	(void)state;
	r->dims = DIM_LOCATION | DIM_STACK;
	report__interval(r, rows, 4, &none, 1.0, 1.0);
	/* -t cuts rows and each row's stacks. */
	r->top = 1;
	report__interval(r, rows, 4, &none, 1.0, 1.0);
	cap_check(&c, "\n"
		      "17 packets dropped at __udp4_lib_rcv\n"
		      "    11 packets:\n"
		      "        __udp4_lib_rcv+0x4bc/0xd00\n"
		      "        ip_local_deliver_finish+0x81/0x100\n"
		      "    5 packets:\n"
		      "        __udp4_lib_rcv+0x4bc/0xd00\n"
		      "        ip_protocol_deliver_rcu+0xd8/0x100\n"
		      "        ip_local_deliver_finish+0x81/0x100\n"
		      "    1 packets: [stack unavailable]\n"
		      "\n"
		      "17 packets dropped at __udp4_lib_rcv\n"
		      "    11 packets:\n"
		      "        __udp4_lib_rcv+0x4bc/0xd00\n"
		      "        ip_local_deliver_finish+0x81/0x100\n");
}

static void test_report_folded(void **state)
{
	struct drop_delta rows[] = {
		{ .key = { .location = UDP, .reason = 2, .stack_id = 0 }, .count = 5 },
		{ .key = { .location = UDP, .reason = 2, .stack_id = STACK_UNAVAILABLE },
		  .count = 1 },
		{ .key = { .location = UDP, .reason = 3, .stack_id = 1 }, .count = 9 },
	};
	const struct interval_stats lost = { .overflow = 4, .missed = 2 };
	struct capture c;
	struct report *r = cap_open(&c);

	(void)state;
	r->folded = true;
	r->top = 1; /* a profile keeps every row */
	report__start(r);
	report__interval(r, rows, 3, &lost, 1.0, 1.0);
	r->dims = DIM_REASON | DIM_STACK;
	report__interval(r, rows, 3, &none, 1.0, 1.0);
	report__stop(r);
	cap_check(
		&c,
		"ip_local_deliver_finish;__udp4_lib_rcv 9\n"
		"ip_local_deliver_finish;ip_protocol_deliver_rcu;__udp4_lib_rcv 5\n"
		"[stack unavailable];__udp4_lib_rcv 1\n"
		"[not counted: count table full] 4\n"
		"[missed: nested call] 2\n"
		"reason=reason_3;ip_local_deliver_finish;__udp4_lib_rcv 9\n"
		"reason=reason_2;ip_local_deliver_finish;ip_protocol_deliver_rcu;__udp4_lib_rcv 5\n"
		"reason=reason_2;[stack unavailable];__udp4_lib_rcv 1\n");
}

/* Stacks that differ only in offsets are one folded line; --stacks alone
 * keeps the location rows. */
static void test_report_folded_merges(void **state)
{
	const __u64 s2[] = { T_PROG, FIRE, UDP, DELIVER + 2, FINISH + 1 };
	struct drop_delta rows[] = {
		{ .key = { .location = UDP, .stack_id = 0 }, .count = 5 },
		{ .key = { .location = UDP, .stack_id = 2 }, .count = 3 },
	};
	struct capture c;
	struct report *r = cap_open(&c);

	(void)state;
	assert_int_equal(stacks__insert(c.st, 2, s2, 5), 0);
	r->folded = true;
	report__interval(r, rows, 2, &none, 1.0, 1.0);
	r->folded = false;
	r->dims = DIM_STACK;
	r->top = 1;
	report__interval(r, rows, 2, &none, 1.0, 1.0);
	cap_check(&c, "ip_local_deliver_finish;ip_protocol_deliver_rcu;__udp4_lib_rcv 8\n"
		      "\n"
		      "8 packets dropped at __udp4_lib_rcv\n"
		      "    5 packets:\n"
		      "        __udp4_lib_rcv+0x4bc/0xd00\n"
		      "        ip_protocol_deliver_rcu+0xd8/0x100\n"
		      "        ip_local_deliver_finish+0x81/0x100\n");
}

static void test_report_json_dims(void **state)
{
	struct drop_delta rows[] = {
		{ .key = { .location = LISTF,
			   .reason = 2,
			   .protocol = 0x800,
			   .caller = XMIT,
			   .netns = 11,
			   .ifindex = 1,
			   .dev = "lo",
			   .comm = "x\"y",
			   .cgroup = 5,
			   .stack_id = 0 },
		  .count = 3 },
		{ .key = { .location = LISTF,
			   .reason = 2,
			   .protocol = 0x800,
			   .caller = XMIT,
			   .netns = 11,
			   .ifindex = 1,
			   .dev = "lo",
			   .comm = "x\"y",
			   .cgroup = 5,
			   .stack_id = STACK_UNAVAILABLE },
		  .count = 1 },
	};
	struct capture c;
	struct report *r = cap_open(&c);

	(void)state;
	r->json = true;
	r->dims = DIM_CALLER | DIM_DEV | DIM_NETNS | DIM_COMM | DIM_CGROUP | DIM_STACK;
	report__interval(r, rows, 2, &none, 1.0, 1.0);
	cap_check(&c,
		  "{\"timestamp\":1.000000,\"interval\":1.000000,\"entries\":[{\"count\":4,"
		  "\"address\":\"0xffffffff8110054e\",\"symbol\":\"kfree_skb_list_reason\","
		  "\"offset\":30,\"size\":208,\"module\":\"kernel\",\"reason\":null,"
		  "\"reason_code\":2,\"protocol\":\"IPv4\",\"class\":\"drop\",\"caller\":\"__dev_"
		  "xmit_skb\","
		  "\"caller_address\":\"0xffffffff81100720\",\"dev\":\"lo\",\"ifindex\":1,"
		  "\"netns\":11,\"netns_cookie\":0,\"comm\":\"x\\\"y\",\"cgroup\":null,\"cgroup_"
		  "id\":5,\"stacks\":["
		  "{\"count\":3,\"frames\":[\"__udp4_lib_rcv+0x4bc/0xd00\","
		  "\"ip_protocol_deliver_rcu+0xd8/0x100\",\"ip_local_deliver_finish+0x81/0x100\"]},"
		  "{\"count\":1,\"frames\":null}],\"not_unwound\":0}],\"not_counted\":0,"
		  "\"missed\":0,\"filtered\":0}"
		  "\n");
}

/*
 * Drops over --stack-budget: their own line, last in the row whatever -t
 * says, so that the stacks shown and it add up to the row's count; a
 * frame of its own in --folded; a member of its own in JSON.
 */
static void test_report_not_unwound(void **state)
{
	struct drop_delta rows[] = {
		{ .key = { .location = UDP, .reason = 2, .stack_id = STACK_NOT_UNWOUND },
		  .count = 40 },
		{ .key = { .location = UDP, .reason = 2, .stack_id = 0 }, .count = 5 },
		{ .key = { .location = UDP, .reason = 2, .stack_id = 1 }, .count = 2 },
	};
	struct capture c;
	struct report *r = cap_open(&c);

	(void)state;
	r->dims = DIM_LOCATION | DIM_STACK;
	r->top = 1;
	report__interval(r, rows, 3, &none, 1.0, 1.0);
	r->top = 0;
	r->folded = true;
	report__interval(r, rows, 3, &none, 1.0, 1.0);
	r->folded = false;
	r->json = true;
	r->dims = DIM_STACK;
	report__interval(r, rows, 1, &none, 1.0, 1.0);
	cap_check(&c, "\n"
		      "47 packets dropped at __udp4_lib_rcv\n"
		      "    5 packets:\n"
		      "        __udp4_lib_rcv+0x4bc/0xd00\n"
		      "        ip_protocol_deliver_rcu+0xd8/0x100\n"
		      "        ip_local_deliver_finish+0x81/0x100\n"
		      "    [not unwound: 40]\n"
		      "[not_unwound];__udp4_lib_rcv 40\n"
		      "ip_local_deliver_finish;ip_protocol_deliver_rcu;__udp4_lib_rcv 5\n"
		      "ip_local_deliver_finish;__udp4_lib_rcv 2\n"
		      "{\"timestamp\":1.000000,\"interval\":1.000000,\"entries\":[{\"count\":40,"
		      "\"address\":\"0xffffffff811024bc\",\"symbol\":\"__udp4_lib_rcv\","
		      "\"offset\":1212,\"size\":3328,\"module\":\"kernel\",\"reason\":null,"
		      "\"reason_code\":2,\"protocol\":\"0x0000\",\"class\":\"drop\",\"stacks\":[],"
		      "\"not_unwound\":40}],"
		      "\"not_counted\":0,\"missed\":0,\"filtered\":0}\n");
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_parse),
		cmocka_unit_test(test_keys_names),
		cmocka_unit_test(test_keys_mask_cmp),
		cmocka_unit_test(test_stacks_trim),
		cmocka_unit_test(test_stacks_cache),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_caller_from_frames),
		cmocka_unit_test(test_cgroups),
		cmocka_unit_test(test_report_dims_text),
		cmocka_unit_test(test_report_caller),
		cmocka_unit_test(test_report_stacks_text),
		cmocka_unit_test(test_report_folded),
		cmocka_unit_test(test_report_folded_merges),
		cmocka_unit_test(test_report_not_unwound),
		cmocka_unit_test(test_report_json_dims),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
