// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/counters/nft_rule_text.c: expressions built as the
 * kernel sends them (nested netlink attributes) back into nft's words,
 * and the comment out of a rule's user data, bounded on hostile input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "counters/nft_rule_text.h"

static char buf[4096];

/* An expression's NFTA_EXPR_DATA nest in a fresh message. */
static struct nlmsghdr *msg(void)
{
	memset(buf, 0, sizeof(buf));
	return mnl_nlmsg_put_header(buf);
}

static void meta(struct nft_text *t, __u32 key)
{
	struct nlmsghdr *n = msg();
	struct nlattr *d = mnl_attr_nest_start(n, NFTA_EXPR_DATA);

	mnl_attr_put_u32(n, NFTA_META_KEY, htonl(key));
	mnl_attr_put_u32(n, NFTA_META_DREG, htonl(NFT_REG_1));
	mnl_attr_nest_end(n, d);
	nft_text_expr(t, "meta", d);
}

static void payload(struct nft_text *t, __u32 base, __u32 off, __u32 len)
{
	struct nlmsghdr *n = msg();
	struct nlattr *d = mnl_attr_nest_start(n, NFTA_EXPR_DATA);

	mnl_attr_put_u32(n, NFTA_PAYLOAD_DREG, htonl(NFT_REG_1));
	mnl_attr_put_u32(n, NFTA_PAYLOAD_BASE, htonl(base));
	mnl_attr_put_u32(n, NFTA_PAYLOAD_OFFSET, htonl(off));
	mnl_attr_put_u32(n, NFTA_PAYLOAD_LEN, htonl(len));
	mnl_attr_nest_end(n, d);
	nft_text_expr(t, "payload", d);
}

static void cmp(struct nft_text *t, __u32 op, const void *v, size_t len)
{
	struct nlmsghdr *n = msg();
	struct nlattr *d = mnl_attr_nest_start(n, NFTA_EXPR_DATA), *dd;

	mnl_attr_put_u32(n, NFTA_CMP_SREG, htonl(NFT_REG_1));
	mnl_attr_put_u32(n, NFTA_CMP_OP, htonl(op));
	dd = mnl_attr_nest_start(n, NFTA_CMP_DATA);
	mnl_attr_put(n, NFTA_DATA_VALUE, len, v);
	mnl_attr_nest_end(n, dd);
	mnl_attr_nest_end(n, d);
	nft_text_expr(t, "cmp", d);
}

static void verdict(struct nft_text *t, int code)
{
	struct nlmsghdr *n = msg();
	struct nlattr *d = mnl_attr_nest_start(n, NFTA_EXPR_DATA), *dd, *v;

	mnl_attr_put_u32(n, NFTA_IMMEDIATE_DREG, htonl(NFT_REG_VERDICT));
	dd = mnl_attr_nest_start(n, NFTA_IMMEDIATE_DATA);
	v = mnl_attr_nest_start(n, NFTA_DATA_VERDICT);
	mnl_attr_put_u32(n, NFTA_VERDICT_CODE, htonl((__u32)code));
	mnl_attr_nest_end(n, v);
	mnl_attr_nest_end(n, dd);
	mnl_attr_nest_end(n, d);
	nft_text_expr(t, "immediate", d);
}

static void counter(struct nft_text *t)
{
	struct nlmsghdr *n = msg();
	struct nlattr *d = mnl_attr_nest_start(n, NFTA_EXPR_DATA);

	mnl_attr_put_u64(n, NFTA_COUNTER_PACKETS, 0);
	mnl_attr_nest_end(n, d);
	nft_text_expr(t, "counter", d);
}

/* `udp dport 53 counter drop`: l4proto and the port load are one match in nft's words. */
static void test_udp_dport(void **state)
{
	struct nft_text t;
	__u8 udp = IPPROTO_UDP, port[2] = { 0, 53 };
	(void)state;

	nft_text_init(&t, NFPROTO_INET);
	meta(&t, NFT_META_L4PROTO);
	cmp(&t, NFT_CMP_EQ, &udp, 1);
	payload(&t, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	cmp(&t, NFT_CMP_EQ, port, 2);
	counter(&t);
	verdict(&t, NF_DROP);
	nft_text_end(&t);
	assert_string_equal(t.text, "udp dport 53 counter drop");
	assert_false(t.partial);
	assert_int_equal(t.dport, 53); /* what diagnose matches sampled packets with */
	assert_int_equal(t.dport_proto, IPPROTO_UDP);
}

/* inet's implicit nfproto, an address, a != port, an interface name, a bare l4proto. */
static void test_addresses_and_names(void **state)
{
	struct nft_text t;
	__u8 v4 = NFPROTO_IPV4, tcp = IPPROTO_TCP, icmp = IPPROTO_ICMP, addr[4] = { 10, 0, 0, 2 };
	__u8 port[2] = { 0, 22 };
	char lo[16] = "lo";
	(void)state;

	nft_text_init(&t, NFPROTO_INET);
	meta(&t, NFT_META_NFPROTO);
	cmp(&t, NFT_CMP_EQ, &v4, 1);
	payload(&t, NFT_PAYLOAD_NETWORK_HEADER, 12, 4);
	cmp(&t, NFT_CMP_EQ, addr, 4);
	meta(&t, NFT_META_L4PROTO);
	cmp(&t, NFT_CMP_EQ, &tcp, 1);
	payload(&t, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	cmp(&t, NFT_CMP_NEQ, port, 2);
	meta(&t, NFT_META_IIFNAME);
	cmp(&t, NFT_CMP_EQ, lo, sizeof(lo));
	meta(&t, NFT_META_L4PROTO);
	cmp(&t, NFT_CMP_EQ, &icmp, 1);
	verdict(&t, NF_ACCEPT);
	nft_text_end(&t);
	assert_string_equal(
		t.text,
		"ip saddr 10.0.0.2 tcp dport != 22 iifname \"lo\" meta l4proto icmp accept");
	assert_false(t.partial);
}

/* What it does not know is marked, not guessed; the text stays bounded. */
static void test_unknown_and_bounded(void **state)
{
	struct nft_text t;
	__u8 v = 1;
	(void)state;

	nft_text_init(&t, NFPROTO_IPV4);
	nft_text_expr(&t, "ct", NULL);
	meta(&t, NFT_META_MARK);
	cmp(&t, NFT_CMP_GT, &v, 1);
	verdict(&t, NF_DROP);
	assert_true(t.partial);
	assert_string_equal(t.text, "[ct] [cmp] drop");
	for (int i = 0; i < 200; i++)
		counter(&t);
	assert_true(strlen(t.text) < NFT_RULE_TEXT_MAX);
}

static void test_comment(void **state)
{
	const __u8 ok[] = { 1, 2, 'x', 'y', 0, 5, 'a', 'b', 'c', 'd', 0 };
	const __u8 cut[] = { 0, 9, 'a', 'b' };	      /* says 9 bytes, has 2 */
	const __u8 nonul[] = { 0, 3, 'a', 'b', 'c' }; /* no NUL inside its length */
	char c[8];
	(void)state;

	nft_rule_comment(ok, sizeof(ok), c, sizeof(c));
	assert_string_equal(c, "abcd");
	nft_rule_comment(cut, sizeof(cut), c, sizeof(c));
	assert_string_equal(c, "");
	nft_rule_comment(nonul, sizeof(nonul), c, sizeof(c));
	assert_string_equal(c, "abc");
	nft_rule_comment(ok, 3, c, sizeof(c));
	assert_string_equal(c, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_dport),
		cmocka_unit_test(test_addresses_and_names),
		cmocka_unit_test(test_unknown_and_bounded),
		cmocka_unit_test(test_comment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
