// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/reasons.c and src/tracefs.c: BTF built at test time,
 * kfree_skb format files of several kernels (tests/unit/fixtures/reasons,
 * see the README there for where each comes from) and the live kernel.
 * Run from the repository root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <bpf/btf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols/reasons.h"
#include "lib/tracefs.h"

#include "fixture.h"

#define FIXTURES "tests/unit/fixtures/reasons/"
#define MASK	 0xffff0000u

/* ------------------------------------------------------------ helpers */

static struct reasons *from_fixture(const char *name)
{
	char path[256];
	struct reasons *r;
	char *text;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	text = slurp(path);
	assert_non_null(text);
	r = reasons__from_format(text);
	free(text);
	assert_non_null(r);
	return r;
}

static void assert_name(const struct reasons *r, uint32_t v, const char *want)
{
	const char *got = reasons__name(r, v);

	if (!want) {
		if (got)
			fail_msg("reason %#x: expected no name, got %s", v, got);
		return;
	}
	if (!got)
		fail_msg("reason %#x: expected %s, got none", v, want);
	assert_string_equal(got, want);
}

static void assert_value(const struct reasons *r, const char *name, uint32_t want)
{
	uint32_t v = 0xdeadbeef;

	assert_int_equal(reasons__value(r, name, &v), 0);
	assert_int_equal(v, want);
}

struct enum_val {
	const char *name;
	int64_t value;
};

static int add_enum(struct btf *btf, const char *name, bool enum64, const struct enum_val *vals)
{
	int id, err;

	id = enum64 ? btf__add_enum64(btf, name, 4, false) : btf__add_enum(btf, name, 4);
	assert_true(id > 0);
	for (; vals->name; vals++) {
		err = enum64 ? btf__add_enum64_value(btf, vals->name, vals->value)
			     : btf__add_enum_value(btf, vals->name, vals->value);
		assert_int_equal(err, 0);
	}
	return id;
}

static const struct enum_val core_vals[] = {
	{ "SKB_NOT_DROPPED_YET", 0 },
	{ "SKB_CONSUMED", 1 },
	{ "SKB_DROP_REASON_NOT_SPECIFIED", 2 },
	{ "SKB_DROP_REASON_NO_SOCKET", 3 },
	{ "SKB_DROP_REASON_PKT_TOO_SMALL", 4 },
	{ "SKB_DROP_REASON_MAX", 5 },
	{ NULL, 0 },
};

/* A vmlinux-like BTF holding only enum skb_drop_reason, like 5.18..6.3. */
static struct btf *plain_btf(bool enum64)
{
	struct btf *btf = btf__new_empty();

	assert_non_null(btf);
	assert_true(btf__add_int(btf, "unsigned int", 4, 0) > 0);
	add_enum(btf, "skb_drop_reason", enum64, core_vals);
	return btf;
}

/*
 * A 6.4+-like vmlinux: core enum with the mask, the subsystem enum, and
 * mac80211's two enums built in (the sparse-helper one with "___" names).
 */
static struct btf *subsys_btf(uint32_t mask)
{
	unsigned int shift = __builtin_ctz(mask);
	struct btf *btf = btf__new_empty();
	const struct enum_val core[] = {
		{ "SKB_NOT_DROPPED_YET", 0 },
		{ "SKB_CONSUMED", 1 },
		{ "SKB_DROP_REASON_NOT_SPECIFIED", 2 },
		{ "SKB_DROP_REASON_NO_SOCKET", 3 },
		{ "SKB_DROP_REASON_MAX", 4 },
		{ "SKB_DROP_REASON_SUBSYS_MASK", mask },
		{ NULL, 0 },
	};
	const struct enum_val subsys[] = {
		{ "SKB_DROP_REASON_SUBSYS_CORE", 0 },
		{ "SKB_DROP_REASON_SUBSYS_MAC80211_UNUSABLE", 1 },
		{ "SKB_DROP_REASON_SUBSYS_OPENVSWITCH", 2 },
		{ "SKB_DROP_REASON_SUBSYS_NUM", 3 },
		{ NULL, 0 },
	};
	const struct enum_val mac_helper[] = {
		{ "___RX_CONTINUE", 1 },
		{ "___RX_QUEUED", 0 },
		{ "___RX_DROP_UNUSABLE", 1ll << shift },
		{ "___RX_DROP_U_MIC_FAIL", (1ll << shift) + 1 },
		{ "___RX_DROP_U_REPLAY", (1ll << shift) + 2 },
		{ NULL, 0 },
	};
	const struct enum_val mac[] = {
		{ "RX_CONTINUE", 1 },
		{ "RX_QUEUED", 0 },
		{ "RX_DROP_U_MIC_FAIL", (1ll << shift) + 1 },
		{ "RX_DROP_U_REPLAY", (1ll << shift) + 2 },
		{ NULL, 0 },
	};

	assert_non_null(btf);
	assert_true(btf__add_int(btf, "unsigned int", 4, 0) > 0);
	add_enum(btf, "skb_drop_reason", false, core);
	add_enum(btf, "skb_drop_reason_subsys", false, subsys);
	add_enum(btf, "___mac80211_drop_reason", false, mac_helper);
	add_enum(btf, "mac80211_drop_reason", false, mac);
	return btf;
}

/* A module BTF (openvswitch.ko) split on top of base. */
static struct btf *ovs_module_btf(struct btf *base, uint32_t mask)
{
	unsigned int shift = __builtin_ctz(mask);
	struct btf *btf = btf__new_empty_split(base);
	const struct enum_val ovs[] = {
		{ "__OVS_DROP_REASON", 2ll << shift },
		{ "OVS_DROP_LAST_ACTION", (2ll << shift) + 1 },
		{ "OVS_DROP_ACTION_ERROR", (2ll << shift) + 2 },
		{ "OVS_DROP_MAX", (2ll << shift) + 3 },
		{ NULL, 0 },
	};
	/* Subsystem 5 is not declared by this kernel: not a reason. */
	const struct enum_val stray[] = {
		{ "FOO_DROP_THING", (5ll << shift) + 1 },
		{ NULL, 0 },
	};
	/* Not a *drop_reason* enum: ignored even with subsystem bits. */
	const struct enum_val other[] = {
		{ "OTHER_THING", (2ll << shift) + 9 },
		{ NULL, 0 },
	};

	assert_non_null(btf);
	add_enum(btf, "ovs_drop_reason", false, ovs);
	add_enum(btf, "foo_drop_reason", false, stray);
	add_enum(btf, "ovs_other", false, other);
	return btf;
}

/* ---------------------------------------------------------------- BTF */

static void test_btf_basic_names(void **state)
{
	struct btf *btf = plain_btf(false);
	struct reasons *r = reasons__from_btf(btf, NULL, 0);

	(void)state;
	assert_non_null(r);
	assert_int_equal(reasons__source(r), REASONS_BTF);
	/* The two without the prefix keep their full names. */
	assert_name(r, 0, "SKB_NOT_DROPPED_YET");
	assert_name(r, 1, "SKB_CONSUMED");
	/* The rest lose SKB_DROP_REASON_. */
	assert_name(r, 2, "NOT_SPECIFIED");
	assert_name(r, 3, "NO_SOCKET");
	assert_name(r, 4, "PKT_TOO_SMALL");
	/* MAX is a bound, not a name; unknown values have none. */
	assert_name(r, 5, NULL);
	assert_name(r, 6, NULL);
	assert_name(r, 0xffffffffu, NULL);
	assert_int_equal(reasons__count(r), 5);
	reasons__free(r);
	btf__free(btf);
}

static void test_btf_enum64(void **state)
{
	struct btf *btf = plain_btf(true);
	struct reasons *r = reasons__from_btf(btf, NULL, 0);

	(void)state;
	assert_non_null(r);
	assert_name(r, 1, "SKB_CONSUMED");
	assert_name(r, 3, "NO_SOCKET");
	assert_name(r, 5, NULL);
	assert_int_equal(reasons__count(r), 5);
	reasons__free(r);
	btf__free(btf);
}

static void test_btf_reverse_lookup(void **state)
{
	struct btf *btf = plain_btf(false);
	struct reasons *r = reasons__from_btf(btf, NULL, 0);
	uint32_t v;

	(void)state;
	assert_non_null(r);
	assert_value(r, "NO_SOCKET", 3);
	assert_value(r, "SKB_DROP_REASON_NO_SOCKET", 3);
	assert_value(r, "no_socket", 3);
	assert_value(r, "skb_drop_reason_pkt_too_small", 4);
	assert_value(r, "SKB_CONSUMED", 1);
	assert_value(r, "SKB_NOT_DROPPED_YET", 0);
	assert_int_equal(reasons__value(r, "MAX", &v), -ENOENT);
	assert_int_equal(reasons__value(r, "SKB_DROP_REASON_MAX", &v), -ENOENT);
	assert_int_equal(reasons__value(r, "SKB_DROP_REASON_", &v), -ENOENT);
	assert_int_equal(reasons__value(r, "", &v), -ENOENT);
	assert_int_equal(reasons__value(r, "BOGUS", &v), -ENOENT);
	assert_int_equal(reasons__value(r, NULL, &v), -EINVAL);
	assert_int_equal(reasons__value(r, "NO_SOCKET", NULL), -EINVAL);
	assert_int_equal(reasons__value(NULL, "NO_SOCKET", &v), -EINVAL);
	reasons__free(r);
	btf__free(btf);
}

static void test_btf_missing_enum(void **state)
{
	struct btf *btf = btf__new_empty();
	const struct enum_val other[] = { { "FOO", 1 }, { NULL, 0 } };

	(void)state;
	assert_non_null(btf);
	assert_true(btf__add_int(btf, "unsigned int", 4, 0) > 0);
	add_enum(btf, "not_skb_drop_reason", false, other);
	errno = 0;
	assert_null(reasons__from_btf(btf, NULL, 0));
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_null(reasons__from_btf(NULL, NULL, 0));
	assert_int_equal(errno, EINVAL);
	btf__free(btf);
}

static void check_subsystems(uint32_t mask)
{
	unsigned int shift = __builtin_ctz(mask);
	struct btf *vmlinux = subsys_btf(mask);
	struct btf *ovs = ovs_module_btf(vmlinux, mask);
	const struct btf *extra[] = { ovs };
	struct reasons *r;

	/* Core, plus mac80211 built in; openvswitch is a module not given. */
	r = reasons__from_btf(vmlinux, NULL, 0);
	assert_non_null(r);
	assert_name(r, 1, "SKB_CONSUMED"); /* not RX_CONTINUE: no subsystem bits */
	assert_name(r, 0, "SKB_NOT_DROPPED_YET");
	assert_name(r, 3, "NO_SOCKET");
	assert_name(r, mask, NULL);
	assert_name(r, (1u << shift) + 1, "RX_DROP_U_MIC_FAIL");
	assert_name(r, (1u << shift) + 2, "RX_DROP_U_REPLAY");
	assert_name(r, 1u << shift, NULL); /* only ___RX_DROP_UNUSABLE names it */
	assert_name(r, (2u << shift) + 1, NULL);
	assert_int_equal(reasons__count(r), 6);
	reasons__free(r);

	/* With the module's BTF. */
	r = reasons__from_btf(vmlinux, extra, 1);
	assert_non_null(r);
	assert_name(r, (2u << shift) + 1, "OVS_DROP_LAST_ACTION");
	assert_name(r, (2u << shift) + 2, "OVS_DROP_ACTION_ERROR");
	assert_name(r, 2u << shift, NULL);	 /* __OVS_DROP_REASON */
	assert_name(r, (2u << shift) + 3, NULL); /* OVS_DROP_MAX */
	assert_name(r, (2u << shift) + 9, NULL); /* enum ovs_other */
	assert_name(r, (5u << shift) + 1, NULL); /* undeclared subsystem */
	assert_name(r, (1u << shift) + 1, "RX_DROP_U_MIC_FAIL");
	assert_name(r, 2, "NOT_SPECIFIED");
	assert_value(r, "OVS_DROP_LAST_ACTION", (2u << shift) + 1);
	assert_value(r, "rx_drop_u_replay", (1u << shift) + 2);
	assert_int_equal(reasons__count(r), 8);
	reasons__free(r);

	btf__free(ovs);
	btf__free(vmlinux);
}

static void test_btf_subsystems(void **state)
{
	(void)state;
	check_subsystems(MASK);
}

/* The shift comes from the mask, not from a constant 16. */
static void test_btf_subsystems_other_shift(void **state)
{
	(void)state;
	check_subsystems(0xff000000u);
}

/* A mask without enum skb_drop_reason_subsys: subsystem enums are ignored. */
static void test_btf_mask_without_subsys_enum(void **state)
{
	struct btf *btf = btf__new_empty();
	const struct enum_val core[] = {
		{ "SKB_DROP_REASON_NOT_SPECIFIED", 2 },
		{ "SKB_DROP_REASON_SUBSYS_MASK", MASK },
		{ NULL, 0 },
	};
	const struct enum_val ovs[] = { { "OVS_DROP_LAST_ACTION", 0x20001 }, { NULL, 0 } };
	struct reasons *r;

	(void)state;
	assert_non_null(btf);
	add_enum(btf, "skb_drop_reason", false, core);
	add_enum(btf, "ovs_drop_reason", false, ovs);
	r = reasons__from_btf(btf, NULL, 0);
	assert_non_null(r);
	assert_name(r, 2, "NOT_SPECIFIED");
	assert_name(r, 0x20001, NULL);
	assert_int_equal(reasons__count(r), 1);
	reasons__free(r);
	btf__free(btf);
}

static void test_entries_sorted(void **state)
{
	struct btf *vmlinux = subsys_btf(MASK);
	struct reasons *r = reasons__from_btf(vmlinux, NULL, 0);
	uint32_t v, prev = 0;
	const char *name;
	size_t i;

	(void)state;
	assert_non_null(r);
	for (i = 0; i < reasons__count(r); i++) {
		assert_int_equal(reasons__entry(r, i, &v, &name), 0);
		if (i)
			assert_true(v > prev);
		assert_string_equal(reasons__name(r, v), name);
		prev = v;
	}
	assert_int_equal(reasons__entry(r, i, &v, &name), -ERANGE);
	reasons__free(r);
	btf__free(vmlinux);
}

/* ------------------------------------------------------------ tracefs */

static void test_format_5_10(void **state)
{
	struct reasons *r = from_fixture("kfree_skb-5.10.format");

	(void)state;
	assert_int_equal(reasons__source(r), REASONS_NONE);
	assert_int_equal(reasons__count(r), 0);
	assert_name(r, 0, NULL);
	assert_name(r, 2, NULL);
	reasons__free(r);
}

static void test_format_5_17(void **state)
{
	struct reasons *r = from_fixture("kfree_skb-5.17.format");
	uint32_t v;

	(void)state;
	assert_int_equal(reasons__source(r), REASONS_TRACEFS);
	assert_int_equal(reasons__count(r), 6);
	/* 5.17 counts from NOT_SPECIFIED = 0: no NOT_DROPPED_YET, no CONSUMED. */
	assert_name(r, 0, "NOT_SPECIFIED");
	assert_name(r, 1, "NO_SOCKET");
	assert_name(r, 2, "PKT_TOO_SMALL");
	assert_name(r, 4, "SOCKET_FILTER");
	assert_name(r, 5, "UDP_CSUM");
	assert_name(r, 6, NULL); /* MAX */
	assert_value(r, "SKB_DROP_REASON_UDP_CSUM", 5);
	assert_int_equal(reasons__value(r, "SKB_CONSUMED", &v), -ENOENT);
	assert_int_equal(reasons__value(r, "NETFILTER_DROP", &v), -ENOENT);
	reasons__free(r);
}

static void test_format_6_0(void **state)
{
	/* Reason field, but printed through drop_reasons[]: no names here. */
	struct reasons *r = from_fixture("kfree_skb-6.0.format");

	(void)state;
	assert_int_equal(reasons__source(r), REASONS_TRACEFS);
	assert_int_equal(reasons__count(r), 0);
	assert_name(r, 1, NULL);
	reasons__free(r);
}

static void test_format_6_1(void **state)
{
	struct reasons *r = from_fixture("kfree_skb-6.1.format");

	(void)state;
	assert_int_equal(reasons__source(r), REASONS_TRACEFS);
	assert_int_equal(reasons__count(r), 64);
	/* 6.1: NOT_DROPPED_YET = 0 (not printed), no SKB_CONSUMED yet. */
	assert_name(r, 0, NULL);
	assert_name(r, 1, "NOT_SPECIFIED");
	assert_name(r, 2, "NO_SOCKET");
	assert_name(r, 6, "UDP_CSUM");
	assert_name(r, 7, "NETFILTER_DROP");
	assert_name(r, 45, "QDISC_DROP");
	assert_name(r, 64, "PKT_TOO_BIG");
	assert_name(r, 65, NULL); /* MAX */
	assert_value(r, "TCP_CSUM", 4);
	reasons__free(r);
}

static void test_format_6_18(void **state)
{
	struct reasons *r = from_fixture("kfree_skb-6.18.format");

	(void)state;
	assert_int_equal(reasons__source(r), REASONS_TRACEFS);
	assert_int_equal(reasons__count(r), 126);
	assert_name(r, 0, NULL);
	assert_name(r, 1, NULL);
	assert_name(r, 2, "NOT_SPECIFIED");
	assert_name(r, 3, "NO_SOCKET");
	assert_name(r, 4, "SOCKET_CLOSE");
	assert_name(r, 12, "NETFILTER_DROP");
	assert_name(r, 64, "QDISC_DROP");
	assert_name(r, 127, "RECURSION_LIMIT");
	assert_name(r, 128, NULL); /* MAX */
	assert_value(r, "SKB_DROP_REASON_QDISC_DROP", 64);
	reasons__free(r);
}

/* The same number means different things on different kernels. */
static void test_format_versions_differ(void **state)
{
	struct reasons *v517 = from_fixture("kfree_skb-5.17.format");
	struct reasons *v61 = from_fixture("kfree_skb-6.1.format");
	struct reasons *v618 = from_fixture("kfree_skb-6.18.format");

	(void)state;
	assert_name(v517, 2, "PKT_TOO_SMALL");
	assert_name(v61, 2, "NO_SOCKET");
	assert_name(v618, 2, "NOT_SPECIFIED");
	assert_value(v517, "NOT_SPECIFIED", 0);
	assert_value(v61, "NOT_SPECIFIED", 1);
	assert_value(v618, "NOT_SPECIFIED", 2);
	assert_value(v517, "SOCKET_FILTER", 4);
	assert_value(v61, "SOCKET_FILTER", 5);
	assert_value(v618, "SOCKET_FILTER", 5);
	assert_value(v61, "QDISC_DROP", 45);
	assert_value(v618, "QDISC_DROP", 64);
	reasons__free(v517);
	reasons__free(v61);
	reasons__free(v618);
}

static const char odd_format[] =
	"name: kfree_skb\n"
	"ID: 7\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:int flags;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:enum skb_drop_reason   reason ;\toffset:12;\tsize:4;\tsigned:0;\n"
	"\n"
	"print fmt: \"flags=%s __print_symbolic(REC->reason, { 9, \\\"FAKE\\\" }) reason: %s\", "
	"__print_symbolic(REC->flags, { 1, \"FLAG_ONE\" }, { 2, \"FLAG_TWO\" }), "
	"__print_symbolic( ( REC->reason ) ,\n"
	"\t{ 0x2 ,\"NOT_SPECIFIED\"},{0X1f, \"HEX UPPER\" },\n"
	"  {\n 4,\n \"with, comma {brace} (paren) \\\\ backslash\" } ,\n"
	"\t{ SKB_DROP_REASON_UNRESOLVED, \"UNRESOLVED\" },\n"
	"\t{ 18446744073709551615, \"TOO_BIG\" },\n"
	"\t{ 5, \"\" },\n"
	"\t{ 10, \"TEN\" }, { 10, \"TEN_AGAIN\" },\n"
	"\t{ 11, \"MAX\" }\n"
	")\n";

static void test_format_robust(void **state)
{
	struct reasons *r = reasons__from_format(odd_format);

	(void)state;
	assert_non_null(r);
	assert_int_equal(reasons__source(r), REASONS_TRACEFS);
	assert_name(r, 2, "NOT_SPECIFIED");
	assert_name(r, 0x1f, "HEX UPPER");
	assert_name(r, 4, "with, comma {brace} (paren) \\\\ backslash");
	assert_name(r, 9, NULL);   /* inside the format string */
	assert_name(r, 1, NULL);   /* another field's symbols */
	assert_name(r, 5, NULL);   /* empty name */
	assert_name(r, 10, "TEN"); /* first name wins */
	assert_name(r, 11, NULL);  /* MAX */
	assert_int_equal(reasons__count(r), 4);
	reasons__free(r);
}

static void test_format_malformed(void **state)
{
	static const char *const bad[] = {
		/* unterminated list */
		"\tfield:u32 reason;\n"
		"print fmt: \"%s\", __print_symbolic(REC->reason, { 1, \"A\" }, { 2, \"B\"",
		/* unterminated name */
		"\tfield:u32 reason;\n"
		"print fmt: \"%s\", __print_symbolic(REC->reason, { 1, \"A }, { 2, B })",
		/* missing brace */
		"\tfield:u32 reason;\n"
		"print fmt: \"%s\", __print_symbolic(REC->reason, 1, \"A\")",
		/* unterminated format string */
		"\tfield:u32 reason;\n"
		"print fmt: \"%s, __print_symbolic(REC->reason, { 1, \"A\" })\\",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (reasons__from_format(bad[i]))
			fail_msg("malformed format %zu accepted", i);
		assert_int_equal(errno, EINVAL);
	}
	errno = 0;
	assert_null(reasons__from_format(NULL));
	assert_int_equal(errno, EINVAL);
}

static void test_format_field_detection(void **state)
{
	/* "reasonable" and "reason_code" are not "reason". */
	static const char no_reason[] = "format:\n"
					"\tfield:int reasonable;\toffset:8;\tsize:4;\tsigned:1;\n"
					"\tfield:int reason_code;\toffset:12;\tsize:4;\tsigned:1;\n"
					"\tfield:char comm[16];\toffset:16;\tsize:16;\tsigned:0;\n"
					"print fmt: \"%d\", REC->reasonable\n";
	static const char array_reason[] = "format:\n"
					   "\tfield:u32 reason[2];\toffset:8;\tsize:8;\tsigned:0;\n"
					   "print fmt: \"\"\n";
	struct reasons *r;

	(void)state;
	r = reasons__from_format(no_reason);
	assert_non_null(r);
	assert_int_equal(reasons__source(r), REASONS_NONE);
	reasons__free(r);
	r = reasons__from_format(array_reason);
	assert_non_null(r);
	assert_int_equal(reasons__source(r), REASONS_TRACEFS);
	assert_int_equal(reasons__count(r), 0);
	reasons__free(r);
	r = reasons__from_format("");
	assert_non_null(r);
	assert_int_equal(reasons__source(r), REASONS_NONE);
	reasons__free(r);
}

/* ---------------------------------------------------------- live kernel */

static struct btf *live_btf(void)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return NULL;
	return btf__load_vmlinux_btf();
}

/* SKB_DROP_REASON_MAX of the running kernel, read straight from BTF. */
static uint32_t live_max(const struct btf *btf)
{
	__s32 id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	const struct btf_type *t;
	const struct btf_enum *e;
	int i;

	if (id < 0)
		return 0;
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, e[i].name_off), "SKB_DROP_REASON_MAX"))
			return e[i].val;
	return 0;
}

static void test_live_btf_matches_tracefs(void **state)
{
	struct btf *btf = live_btf();
	struct reasons *from_btf, *from_fs;
	uint32_t v, max;
	char *text;

	(void)state;
	if (!btf)
		skip();
	max = live_max(btf);
	text = tracefs__read("events/skb/kfree_skb/format", NULL);
	if (!max || !text) {
		free(text);
		btf__free(btf);
		skip();
	}
	from_btf = reasons__from_btf(btf, NULL, 0);
	from_fs = reasons__from_format(text);
	assert_non_null(from_btf);
	assert_non_null(from_fs);
	assert_int_equal(reasons__source(from_fs), REASONS_TRACEFS);
	assert_true(reasons__count(from_fs) > 0);
	for (v = 0; v <= max; v++) {
		const char *b = reasons__name(from_btf, v);
		const char *f = reasons__name(from_fs, v);

		if (f) {
			if (!b)
				fail_msg("reason %u: tracefs %s, BTF none", v, f);
			assert_string_equal(b, f);
		} else if (b && strncmp(b, "SKB_", 4) != 0) {
			/*
			 * Only SKB_NOT_DROPPED_YET and SKB_CONSUMED are
			 * missing from the tracepoint's list.
			 */
			fail_msg("reason %u: BTF %s, tracefs none", v, b);
		}
	}
	assert_name(from_btf, max, NULL);
	reasons__free(from_btf);
	reasons__free(from_fs);
	free(text);
	btf__free(btf);
}

/*
 * The tracefs lines of the mount table: other mounts may come and go
 * while the tests run (other tests create network namespaces).
 */
static char *tracefs_mounts(void)
{
	char *all = slurp("/proc/self/mounts"), *line, *save = NULL, *out;
	size_t n = 0;

	assert_non_null(all);
	out = calloc(1, strlen(all) + 1);
	assert_non_null(out);
	for (line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strstr(line, " tracefs "))
			continue;
		n += sprintf(out + n, "%s\n", line);
	}
	free(all);
	return out;
}

static void test_live_load(void **state)
{
	char *before = tracefs_mounts(), *after;
	struct btf *btf = live_btf();
	struct reasons *r;

	(void)state;
	r = reasons__load(NULL);
	after = tracefs_mounts();
	assert_non_null(r);
	if (btf) {
		assert_int_equal(reasons__source(r), REASONS_BTF);
		if (live_max(btf) > 3)
			assert_name(r, 3, "NO_SOCKET");
	}
	/* Loading leaves tracefs mounted or not, as it found it. */
	assert_string_equal(before, after);
	reasons__free(r);
	btf__free(btf);
	free(before);
	free(after);
}

static void test_live_tracefs_read(void **state)
{
	char dir[256], path[512];
	char *direct, *text;
	bool mounted;
	size_t len = 0;

	(void)state;
	if (tracefs__dir(dir, sizeof(dir), &mounted) != 0)
		skip();
	tracefs__release(mounted);
	snprintf(path, sizeof(path), "%s/events/skb/kfree_skb/format", dir);
	direct = mounted ? NULL : slurp(path);
	text = tracefs__read("events/skb/kfree_skb/format", &len);
	assert_non_null(text);
	assert_int_equal(len, strlen(text));
	assert_non_null(strstr(text, "name: kfree_skb"));
	if (direct)
		assert_string_equal(direct, text);
	free(direct);
	free(text);

	errno = 0;
	assert_null(tracefs__read("events/skb/no_such_event/format", NULL));
	assert_int_equal(errno, ENOENT);
	errno = 0;
	assert_null(tracefs__read("/etc/passwd", NULL));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(tracefs__dir(dir, 4, &mounted), -ENAMETOOLONG);
	assert_false(mounted);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_btf_basic_names),
		cmocka_unit_test(test_btf_enum64),
		cmocka_unit_test(test_btf_reverse_lookup),
		cmocka_unit_test(test_btf_missing_enum),
		cmocka_unit_test(test_btf_subsystems),
		cmocka_unit_test(test_btf_subsystems_other_shift),
		cmocka_unit_test(test_btf_mask_without_subsys_enum),
		cmocka_unit_test(test_entries_sorted),
		cmocka_unit_test(test_format_5_10),
		cmocka_unit_test(test_format_5_17),
		cmocka_unit_test(test_format_6_0),
		cmocka_unit_test(test_format_6_1),
		cmocka_unit_test(test_format_6_18),
		cmocka_unit_test(test_format_versions_differ),
		cmocka_unit_test(test_format_robust),
		cmocka_unit_test(test_format_malformed),
		cmocka_unit_test(test_format_field_detection),
		cmocka_unit_test(test_live_btf_matches_tracefs),
		cmocka_unit_test(test_live_load),
		cmocka_unit_test(test_live_tracefs_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
