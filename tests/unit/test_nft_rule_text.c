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

static void bitwise(struct nft_text *t, const void *mask, const void * xor, size_t len)
{
	struct nlmsghdr *n = msg();
	struct nlattr *d = mnl_attr_nest_start(n, NFTA_EXPR_DATA), *dd;

	mnl_attr_put_u32(n, NFTA_BITWISE_SREG, htonl(NFT_REG_1));
	mnl_attr_put_u32(n, NFTA_BITWISE_DREG, htonl(NFT_REG_1));
	mnl_attr_put_u32(n, NFTA_BITWISE_LEN, htonl((__u32)len));
	dd = mnl_attr_nest_start(n, NFTA_BITWISE_MASK);
	mnl_attr_put(n, NFTA_DATA_VALUE, len, mask);
	mnl_attr_nest_end(n, dd);
	dd = mnl_attr_nest_start(n, NFTA_BITWISE_XOR);
	mnl_attr_put(n, NFTA_DATA_VALUE, len, xor);
	mnl_attr_nest_end(n, dd);
	mnl_attr_nest_end(n, d);
	nft_text_expr(t, "bitwise", d);
}

/* dreg: -1 a set, else a map into that register (NFT_REG_VERDICT, 0: a vmap). */
static void lookup(struct nft_text *t, const char *set, __u32 flags, int dreg)
{
	struct nlmsghdr *n = msg();
	struct nlattr *d = mnl_attr_nest_start(n, NFTA_EXPR_DATA);

	mnl_attr_put_strz(n, NFTA_LOOKUP_SET, set);
	mnl_attr_put_u32(n, NFTA_LOOKUP_SREG, htonl(NFT_REG_1));
	if (dreg >= 0)
		mnl_attr_put_u32(n, NFTA_LOOKUP_DREG, htonl((__u32)dreg));
	mnl_attr_put_u32(n, NFTA_LOOKUP_FLAGS, htonl(flags));
	mnl_attr_nest_end(n, d);
	nft_text_expr(t, "lookup", d);
}

/* dir: -1 none (`ct state`), else `ct original|reply ...`. */
static void ct(struct nft_text *t, __u32 key, int dir)
{
	struct nlmsghdr *n = msg();
	struct nlattr *d = mnl_attr_nest_start(n, NFTA_EXPR_DATA);

	mnl_attr_put_u32(n, NFTA_CT_DREG, htonl(NFT_REG_1));
	mnl_attr_put_u32(n, NFTA_CT_KEY, htonl(key));
	if (dir >= 0)
		mnl_attr_put_u8(n, NFTA_CT_DIRECTION, (__u8)dir);
	mnl_attr_nest_end(n, d);
	nft_text_expr(t, "ct", d);
}

static void reject(struct nft_text *t, __u32 type, __u8 code)
{
	struct nlmsghdr *n = msg();
	struct nlattr *d = mnl_attr_nest_start(n, NFTA_EXPR_DATA);

	mnl_attr_put_u32(n, NFTA_REJECT_TYPE, htonl(type));
	mnl_attr_put_u8(n, NFTA_REJECT_ICMP_CODE, code);
	mnl_attr_nest_end(n, d);
	nft_text_expr(t, "reject", d);
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

/* An inet rule's implicit `meta nfproto ipv4` before an ip field. */
static void inet4(struct nft_text *t)
{
	__u8 v4 = NFPROTO_IPV4;

	nft_text_init(t, NFPROTO_INET);
	meta(t, NFT_META_NFPROTO);
	cmp(t, NFT_CMP_EQ, &v4, 1);
}

/*
 * Prefixes as nft compiles them (nft --debug=netlink): a byte-aligned one
 * is a shorter load (`ip saddr 10.0.0.0/8`: 1 byte at +12), another a
 * load, a mask and a compare (`/12`: 2 bytes & 0xfff0).
 */
static void test_prefixes(void **state)
{
	struct nft_text t;
	__u8 ten = 10, m12[2] = { 0xff, 0xf0 }, z2[2] = { 0 }, v12[2] = { 10, 16 };
	__u8 v6 = NFPROTO_IPV6, fd[8] = { 0xfd }, net24[3] = { 192, 168, 1 };
	(void)state;

	inet4(&t);
	payload(&t, NFT_PAYLOAD_NETWORK_HEADER, 12, 1);
	cmp(&t, NFT_CMP_EQ, &ten, 1);
	verdict(&t, NF_DROP);
	nft_text_end(&t);
	assert_string_equal(t.text, "ip saddr 10.0.0.0/8 drop");
	assert_false(t.partial);

	inet4(&t);
	payload(&t, NFT_PAYLOAD_NETWORK_HEADER, 12, 2);
	bitwise(&t, m12, z2, 2);
	cmp(&t, NFT_CMP_EQ, v12, 2);
	verdict(&t, NF_DROP);
	nft_text_end(&t);
	assert_string_equal(t.text, "ip saddr 10.16.0.0/12 drop");
	assert_false(t.partial);

	nft_text_init(&t, NFPROTO_INET);
	meta(&t, NFT_META_NFPROTO);
	cmp(&t, NFT_CMP_EQ, &v6, 1);
	payload(&t, NFT_PAYLOAD_NETWORK_HEADER, 8, 8);
	cmp(&t, NFT_CMP_EQ, fd, 8);
	verdict(&t, NF_DROP);
	nft_text_end(&t);
	assert_string_equal(t.text, "ip6 saddr fd00::/64 drop");

	/* An ip table: no nfproto match; 192.168.1.0/24 is 3 bytes at +12. */
	nft_text_init(&t, NFPROTO_IPV4);
	payload(&t, NFT_PAYLOAD_NETWORK_HEADER, 12, 3);
	cmp(&t, NFT_CMP_EQ, net24, 3);
	reject(&t, NFT_REJECT_ICMP_UNREACH, 1);
	nft_text_end(&t);
	assert_string_equal(t.text, "ip saddr 192.168.1.0/24 reject with icmp host-unreachable");
	assert_false(t.partial);

	/* A mask that is not a prefix is not guessed at. */
	inet4(&t);
	payload(&t, NFT_PAYLOAD_NETWORK_HEADER, 12, 2);
	m12[1] = 0x0f;
	bitwise(&t, m12, z2, 2);
	cmp(&t, NFT_CMP_EQ, v12, 2);
	verdict(&t, NF_DROP);
	nft_text_end(&t);
	assert_true(t.partial);
	assert_string_equal(t.text, "[payload] drop");
}

/* Sets: named (`@bl`, `!= @bl`), anonymous (elements not read), maps. */
static void test_sets(void **state)
{
	struct nft_text t;
	__u8 tcp = IPPROTO_TCP;
	(void)state;

	inet4(&t);
	payload(&t, NFT_PAYLOAD_NETWORK_HEADER, 16, 4);
	lookup(&t, "bl", 0, -1);
	verdict(&t, NF_DROP);
	nft_text_end(&t);
	assert_string_equal(t.text, "ip daddr @bl drop");
	assert_false(t.partial);

	inet4(&t);
	payload(&t, NFT_PAYLOAD_NETWORK_HEADER, 16, 4);
	lookup(&t, "bl", NFT_LOOKUP_F_INV, -1);
	counter(&t);
	verdict(&t, NF_DROP);
	nft_text_end(&t);
	assert_string_equal(t.text, "ip daddr != @bl counter drop");

	nft_text_init(&t, NFPROTO_INET);
	meta(&t, NFT_META_L4PROTO);
	cmp(&t, NFT_CMP_EQ, &tcp, 1);
	payload(&t, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	lookup(&t, "__set0", 0, -1);
	verdict(&t, NF_DROP);
	nft_text_end(&t);
	assert_string_equal(t.text, "tcp dport { [anonymous set] } drop");
	assert_true(t.partial);
	assert_int_equal(t.dport, -2); /* several ports: none to split samples by */

	inet4(&t);
	payload(&t, NFT_PAYLOAD_NETWORK_HEADER, 12, 4);
	lookup(&t, "vm", 0, NFT_REG_VERDICT);
	nft_text_end(&t);
	assert_string_equal(t.text, "[map]");
	assert_true(t.partial);
}

/* ct and meta keys, with the values in host order as the kernel holds them. */
static void test_ct_meta(void **state)
{
	struct nft_text t;
	__u32 inv = 1, estrel = 6, zero = 0, mark = 0x2a, cmark = 5;
	__u8 reply = 1, bcast = 1, ether[2] = { 1, 0 },
	     mac[6] = { 0, 0x11, 0x22, 0x33, 0x44, 0x55 };
	__u8 v6 = NFPROTO_IPV6, ttl = 1;
	(void)state;

	nft_text_init(&t, NFPROTO_INET);
	ct(&t, NFT_CT_STATE, -1);
	bitwise(&t, &inv, &zero, 4);
	cmp(&t, NFT_CMP_NEQ, &zero, 4);
	verdict(&t, NF_DROP);
	nft_text_end(&t);
	assert_string_equal(t.text, "ct state invalid drop");
	assert_false(t.partial);

	nft_text_init(&t, NFPROTO_INET);
	ct(&t, NFT_CT_STATE, -1);
	bitwise(&t, &estrel, &zero, 4);
	cmp(&t, NFT_CMP_NEQ, &zero, 4);
	verdict(&t, NF_ACCEPT);
	ct(&t, NFT_CT_DIRECTION, -1);
	cmp(&t, NFT_CMP_EQ, &reply, 1);
	ct(&t, NFT_CT_MARK, -1);
	cmp(&t, NFT_CMP_EQ, &cmark, 4);
	meta(&t, NFT_META_MARK);
	cmp(&t, NFT_CMP_EQ, &mark, 4);
	meta(&t, NFT_META_PKTTYPE);
	cmp(&t, NFT_CMP_EQ, &bcast, 1);
	nft_text_end(&t);
	assert_string_equal(t.text,
			    "ct state established,related accept ct direction reply "
			    "ct mark 0x00000005 meta mark 0x0000002a meta pkttype broadcast");
	assert_false(t.partial);

	/* `ether saddr` carries an implicit `meta iiftype ether`; an ip field in an ip table. */
	nft_text_init(&t, NFPROTO_INET);
	meta(&t, NFT_META_IIFTYPE);
	cmp(&t, NFT_CMP_EQ, ether, 2);
	payload(&t, NFT_PAYLOAD_LL_HEADER, 6, 6);
	cmp(&t, NFT_CMP_EQ, mac, 6);
	verdict(&t, NF_DROP);
	nft_text_end(&t);
	assert_string_equal(t.text, "ether saddr 00:11:22:33:44:55 drop");

	nft_text_init(&t, NFPROTO_IPV4);
	payload(&t, NFT_PAYLOAD_NETWORK_HEADER, 8, 1);
	cmp(&t, NFT_CMP_EQ, &ttl, 1);
	verdict(&t, NF_DROP);
	nft_text_end(&t);
	assert_string_equal(t.text, "ip ttl 1 drop");

	/* An nfproto match no field uses is said. */
	nft_text_init(&t, NFPROTO_INET);
	meta(&t, NFT_META_NFPROTO);
	cmp(&t, NFT_CMP_EQ, &v6, 1);
	verdict(&t, NF_DROP);
	nft_text_end(&t);
	assert_string_equal(t.text, "meta nfproto ipv6 drop");

	/* `iifname "veth*"`: nft compares the 4 bytes without a NUL. */
	nft_text_init(&t, NFPROTO_INET);
	meta(&t, NFT_META_IIFNAME);
	cmp(&t, NFT_CMP_EQ, "veth", 4);
	verdict(&t, NF_DROP);
	assert_string_equal(t.text, "iifname \"veth*\" drop");

	/* `ct original saddr`: a direction is not rendered. */
	nft_text_init(&t, NFPROTO_INET);
	ct(&t, NFT_CT_SRC, 0);
	cmp(&t, NFT_CMP_EQ, &mark, 4);
	verdict(&t, NF_DROP);
	assert_string_equal(t.text, "[ct] [cmp] drop");
	assert_true(t.partial);
}

/* reject as nft prints it: bare where it is the family's default. */
static void test_reject(void **state)
{
	struct nft_text t;
	__u8 udp = IPPROTO_UDP, tcp = IPPROTO_TCP, port[2] = { 0, 53 };
	(void)state;

	nft_text_init(&t, NFPROTO_INET);
	meta(&t, NFT_META_L4PROTO);
	cmp(&t, NFT_CMP_EQ, &udp, 1);
	payload(&t, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	cmp(&t, NFT_CMP_EQ, port, 2);
	reject(&t, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_PORT_UNREACH);
	nft_text_end(&t);
	assert_string_equal(t.text, "udp dport 53 reject");
	assert_int_equal(t.dport, 53);

	nft_text_init(&t, NFPROTO_INET);
	meta(&t, NFT_META_L4PROTO);
	cmp(&t, NFT_CMP_EQ, &tcp, 1);
	reject(&t, NFT_REJECT_TCP_RST, 0);
	nft_text_end(&t);
	assert_string_equal(t.text, "meta l4proto tcp reject with tcp reset");

	nft_text_init(&t, NFPROTO_INET);
	reject(&t, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
	assert_string_equal(t.text, "reject with icmpx admin-prohibited");

	nft_text_init(&t, NFPROTO_IPV4);
	reject(&t, NFT_REJECT_ICMP_UNREACH, 3);
	assert_string_equal(t.text, "reject");
	nft_text_init(&t, NFPROTO_IPV6);
	reject(&t, NFT_REJECT_ICMP_UNREACH, 4);
	assert_string_equal(t.text, "reject");
	assert_false(t.partial);

	nft_text_init(&t, NFPROTO_INET);
	reject(&t, 77, 9);
	assert_string_equal(t.text, "reject [type 77 code 9]");
	assert_true(t.partial);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_dport),
		cmocka_unit_test(test_addresses_and_names),
		cmocka_unit_test(test_unknown_and_bounded),
		cmocka_unit_test(test_comment),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_sets),
		cmocka_unit_test(test_ct_meta),
		cmocka_unit_test(test_reject),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
