// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the packet header parser and its formatters: crafted
 * packets of every supported protocol, cuts at every byte offset, bogus
 * length fields and random bytes. Every parse runs on a heap copy of
 * exactly caplen bytes so that valgrind or ASan catches any over-read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "packet.h"

/* Packet builder: appends headers, then fixes up the IP length fields. */
struct pb {
	uint8_t b[600];
	size_t n;
	size_t ip_off; /* where the (last) IP header starts */
	int ip_ver;    /* 0: no IP header to fix up */
};

static void pb_bytes(struct pb *pb, const void *d, size_t n)
{
	assert_true(pb->n + n <= sizeof(pb->b));
	memcpy(pb->b + pb->n, d, n);
	pb->n += n;
}

static void pb_u8(struct pb *pb, uint8_t v)
{
	pb_bytes(pb, &v, 1);
}

static void pb_u16(struct pb *pb, uint16_t v)
{
	uint16_t be = htons(v);

	pb_bytes(pb, &be, 2);
}

static void pb_u32(struct pb *pb, uint32_t v)
{
	uint32_t be = htonl(v);

	pb_bytes(pb, &be, 4);
}

static void pb_zero(struct pb *pb, size_t n)
{
	assert_true(pb->n + n <= sizeof(pb->b));
	memset(pb->b + pb->n, 0, n);
	pb->n += n;
}

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x02};

static void pb_eth(struct pb *pb, uint16_t type)
{
	memset(pb, 0, sizeof(*pb));
	pb_bytes(pb, mac_b, 6);
	pb_bytes(pb, mac_a, 6);
	pb_u16(pb, type);
}

/* A VLAN tag: TCI, then the type of what follows. */
static void pb_vlan(struct pb *pb, uint8_t pcp, uint16_t vid, uint16_t next)
{
	pb_u16(pb, (uint16_t)(pcp << 13 | vid));
	pb_u16(pb, next);
}

static void pb_addr(struct pb *pb, int af, const char *s)
{
	uint8_t a[16];

	assert_int_equal(inet_pton(af, s, a), 1);
	pb_bytes(pb, a, af == AF_INET ? 4 : 16);
}

/* IPv4 header with `opt_words` 32-bit words of NOP options. */
static void pb_ipv4_opts(struct pb *pb, uint8_t proto, const char *src, const char *dst,
			 uint16_t frag, unsigned int opt_words)
{
	pb->ip_off = pb->n;
	pb->ip_ver = 4;
	pb_u8(pb, (uint8_t)(0x40 | (5 + opt_words)));
	pb_u8(pb, 0x10);
	pb_u16(pb, 0); /* total length: pb_finish() */
	pb_u16(pb, 0x1234);
	pb_u16(pb, frag);
	pb_u8(pb, 64);
	pb_u8(pb, proto);
	pb_u16(pb, 0);
	pb_addr(pb, AF_INET, src);
	pb_addr(pb, AF_INET, dst);
	for (unsigned int i = 0; i < opt_words * 4; i++)
		pb_u8(pb, 1);
}

static void pb_ipv4(struct pb *pb, uint8_t proto, const char *src, const char *dst)
{
	pb_ipv4_opts(pb, proto, src, dst, 0, 0);
}

static void pb_ipv6(struct pb *pb, uint8_t nh, const char *src, const char *dst)
{
	pb->ip_off = pb->n;
	pb->ip_ver = 6;
	pb_u32(pb, 0x60000000);
	pb_u16(pb, 0); /* payload length: pb_finish() */
	pb_u8(pb, nh);
	pb_u8(pb, 255);
	pb_addr(pb, AF_INET6, src);
	pb_addr(pb, AF_INET6, dst);
}

/* Extension header of the (len + 1) * 8 kind, with PadN filling it. */
static void pb_ext(struct pb *pb, uint8_t nh, uint8_t len)
{
	pb_u8(pb, nh);
	pb_u8(pb, len);
	pb_zero(pb, (size_t)(len + 1) * 8 - 2);
}

static void pb_frag6(struct pb *pb, uint8_t nh, uint16_t offset, bool more, uint32_t id)
{
	pb_u8(pb, nh);
	pb_u8(pb, 0);
	pb_u16(pb, (uint16_t)(offset | more));
	pb_u32(pb, id);
}

static void pb_udp(struct pb *pb, uint16_t sport, uint16_t dport)
{
	pb_u16(pb, sport);
	pb_u16(pb, dport);
	pb_u16(pb, 8);
	pb_u16(pb, 0);
}

static void pb_tcp(struct pb *pb, uint16_t sport, uint16_t dport, uint8_t flags)
{
	pb_u16(pb, sport);
	pb_u16(pb, dport);
	pb_u32(pb, 1000);
	pb_u32(pb, 0);
	pb_u8(pb, 5 << 4);
	pb_u8(pb, flags);
	pb_u16(pb, 65535);
	pb_u32(pb, 0);
}

static void pb_icmp(struct pb *pb, uint8_t type, uint8_t code)
{
	pb_u8(pb, type);
	pb_u8(pb, code);
	pb_u16(pb, 0);
	pb_u32(pb, 0x00010001);
}

static void pb_arp(struct pb *pb, uint16_t op, const uint8_t *sha, const char *spa,
		   const uint8_t *tha, const char *tpa)
{
	pb_u16(pb, 1);
	pb_u16(pb, 0x0800);
	pb_u8(pb, 6);
	pb_u8(pb, 4);
	pb_u16(pb, op);
	pb_bytes(pb, sha, 6);
	pb_addr(pb, AF_INET, spa);
	pb_bytes(pb, tha, 6);
	pb_addr(pb, AF_INET, tpa);
}

/* Set the IP length field to cover everything after the IP header start. */
static void pb_finish(struct pb *pb)
{
	size_t len = pb->n - pb->ip_off;

	if (pb->ip_ver == 4) {
		pb->b[pb->ip_off + 2] = (uint8_t)(len >> 8);
		pb->b[pb->ip_off + 3] = (uint8_t)len;
	} else if (pb->ip_ver == 6) {
		len -= 40;
		pb->b[pb->ip_off + 4] = (uint8_t)(len >> 8);
		pb->b[pb->ip_off + 5] = (uint8_t)len;
	}
}

/* Parse the first caplen bytes from an exact-size heap copy. */
static void parse_n(const uint8_t *data, size_t caplen, struct pkt_info *p)
{
	uint8_t *copy = caplen ? malloc(caplen) : NULL;

	if (caplen) {
		assert_non_null(copy);
		memcpy(copy, data, caplen);
	}
	packet__parse(copy, caplen, (uint32_t)caplen, p);
	free(copy);
}

static void parse_pb(struct pb *pb, struct pkt_info *p)
{
	pb_finish(pb);
	parse_n(pb->b, pb->n, p);
}

static void assert_format(const struct pkt_info *p, const char *want)
{
	char buf[PKT_FORMAT_MAX];
	int n = packet__format(p, buf, sizeof(buf));

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

/* Parse and compare the formatted line. */
static void expect_line(struct pb *pb, const char *want)
{
	struct pkt_info p;

	parse_pb(pb, &p);
	assert_format(&p, want);
}

static char *json_of(const struct pkt_info *p)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	assert_non_null(f);
	assert_int_equal(packet__json(p, f), 0);
	assert_int_equal(fclose(f), 0);
	return s;
}

static void assert_json(const struct pkt_info *p, const char *want)
{
	char *s = json_of(p);

	assert_string_equal(s, want);
	free(s);
}

static void test_ipv4_udp(void **state)
{
	struct pkt_info p;
	struct pb pb;

	(void)state;
	pb_eth(&pb, 0x0800);
	pb_ipv4(&pb, 17, "10.0.0.1", "10.0.0.2");
	pb_udp(&pb, 40000, 9);
	pb_zero(&pb, 10);
	parse_pb(&pb, &p);

	assert_memory_equal(p.src_mac, mac_a, 6);
	assert_memory_equal(p.dst_mac, mac_b, 6);
	assert_int_equal(p.ethertype, 0x0800);
	assert_int_equal(p.vlan_count, 0);
	assert_int_equal(p.l3, PKT_L3_IPV4);
	assert_true(p.has_addrs);
	assert_memory_equal(p.src, "\x0a\x00\x00\x01", 4);
	assert_memory_equal(p.dst, "\x0a\x00\x00\x02", 4);
	assert_int_equal(p.ttl, 64);
	assert_int_equal(p.tos, 0x10);
	assert_int_equal(p.ip_id, 0x1234);
	assert_true(p.has_ip_proto);
	assert_int_equal(p.ip_proto, 17);
	assert_false(p.is_fragment);
	assert_int_equal(p.l4, PKT_L4_UDP);
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 9);
	assert_int_equal(p.truncated, PKT_LAYER_NONE);
	assert_int_equal(p.malformed, PKT_LAYER_NONE);
	assert_int_equal(p.caplen, pb.n);
	assert_int_equal(p.origlen, pb.n);

	assert_format(&p, "UDP 10.0.0.1:40000 > 10.0.0.2:9");
	assert_json(&p, "\"l3\":\"ipv4\",\"src_mac\":\"02:00:00:00:00:01\","
			"\"dst_mac\":\"02:00:00:00:00:02\",\"ethertype\":2048,"
			"\"src\":\"10.0.0.1\",\"dst\":\"10.0.0.2\",\"ttl\":64,\"df\":false,"
			"\"ip_proto\":17,\"l4\":\"udp\",\"sport\":40000,\"dport\":9");
}

static void test_ipv4_tcp_flags(void **state)
{
	static const struct {
		uint8_t flags;
		const char *text;
	} cases[] = {
		{PKT_TCP_SYN, "[S]"},
		{PKT_TCP_FIN, "[F]"},
		{PKT_TCP_RST, "[R]"},
		{PKT_TCP_PSH, "[P]"},
		{PKT_TCP_ACK, "[.]"},
		{PKT_TCP_URG, "[U]"},
		{PKT_TCP_ECE, "[E]"},
		{PKT_TCP_CWR, "[W]"},
		{PKT_TCP_SYN | PKT_TCP_ACK, "[S.]"},
		{PKT_TCP_PSH | PKT_TCP_ACK, "[P.]"},
		{PKT_TCP_FIN | PKT_TCP_ACK, "[F.]"},
		{PKT_TCP_RST | PKT_TCP_ACK, "[R.]"},
		{PKT_TCP_SYN | PKT_TCP_ECE | PKT_TCP_CWR, "[SEW]"},
		{0xff, "[SFRP.UEW]"},
		{0, "[none]"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[128];
		struct pkt_info p;
		struct pb pb;
		char *json;

		pb_eth(&pb, 0x0800);
		pb_ipv4(&pb, 6, "10.0.0.1", "10.0.0.2");
		pb_tcp(&pb, 40000, 80, cases[i].flags);
		parse_pb(&pb, &p);
		assert_int_equal(p.l4, PKT_L4_TCP);
		assert_int_equal(p.tcp_flags, cases[i].flags);
		snprintf(want, sizeof(want), "TCP 10.0.0.1:40000 > 10.0.0.2:80 %s", cases[i].text);
		assert_format(&p, want);

		json = json_of(&p);
		snprintf(want, sizeof(want), "\"tcp_flags\":\"%.*s\"",
			 strcmp(cases[i].text, "[none]") ? (int)strlen(cases[i].text) - 2 : 0,
			 cases[i].text + 1);
		assert_non_null(strstr(json, want));
		assert_non_null(strstr(json, "\"l4\":\"tcp\",\"sport\":40000,\"dport\":80"));
		free(json);
	}
}

static void test_ipv4_icmp(void **state)
{
	struct pkt_info p;
	struct pb pb;

	(void)state;
	pb_eth(&pb, 0x0800);
	pb_ipv4(&pb, 1, "10.0.0.1", "10.0.0.2");
	pb_icmp(&pb, 8, 0);
	parse_pb(&pb, &p);
	assert_int_equal(p.l4, PKT_L4_ICMP);
	assert_int_equal(p.icmp_type, 8);
	assert_int_equal(p.icmp_code, 0);
	assert_format(&p, "ICMP 10.0.0.1 > 10.0.0.2 echo-request");
	{
		char *json = json_of(&p);

		assert_non_null(strstr(json, "\"l4\":\"icmp\",\"icmp_type\":8,\"icmp_code\":0"));
		free(json);
	}

	pb_eth(&pb, 0x0800);
	pb_ipv4(&pb, 1, "10.0.0.2", "10.0.0.1");
	pb_icmp(&pb, 0, 0);
	expect_line(&pb, "ICMP 10.0.0.2 > 10.0.0.1 echo-reply");

	pb_eth(&pb, 0x0800);
	pb_ipv4(&pb, 1, "10.0.0.1", "10.0.0.2");
	pb_icmp(&pb, 3, 3);
	expect_line(&pb, "ICMP 10.0.0.1 > 10.0.0.2 type 3 code 3");

	pb_eth(&pb, 0x0800);
	pb_ipv4(&pb, 1, "10.0.0.1", "10.0.0.2");
	pb_icmp(&pb, 11, 0);
	expect_line(&pb, "ICMP 10.0.0.1 > 10.0.0.2 type 11");
}

static void test_ipv4_unknown_proto(void **state)
{
	struct pkt_info p;
	struct pb pb;

	(void)state;
	pb_eth(&pb, 0x0800);
	pb_ipv4(&pb, 47, "10.0.0.1", "10.0.0.2");
	pb_zero(&pb, 8);
	parse_pb(&pb, &p);
	assert_int_equal(p.l4, PKT_L4_NONE);
	assert_int_equal(p.ip_proto, 47);
	assert_int_equal(p.truncated, PKT_LAYER_NONE);
	assert_format(&p, "IP 10.0.0.1 > 10.0.0.2 proto 47");
}

static void test_ipv4_options(void **state)
{
	struct pb pb;

	(void)state;
	pb_eth(&pb, 0x0800);
	pb_ipv4_opts(&pb, 17, "10.0.0.1", "10.0.0.2", 0x4000, 10); /* IHL 15, DF */
	pb_udp(&pb, 53, 5353);
	expect_line(&pb, "UDP 10.0.0.1:53 > 10.0.0.2:5353");
}

static void test_ipv4_fragments(void **state)
{
	struct pkt_info p;
	struct pb pb;
	char *json;

	(void)state;
	/* First fragment: MF, offset 0, carries the UDP header. */
	pb_eth(&pb, 0x0800);
	pb_ipv4_opts(&pb, 17, "10.0.0.1", "10.0.0.2", 0x2000, 0);
	pb_udp(&pb, 40000, 9);
	pb_zero(&pb, 64);
	parse_pb(&pb, &p);
	assert_true(p.is_fragment);
	assert_true(p.frag_more);
	assert_int_equal(p.frag_offset, 0);
	assert_int_equal(p.l4, PKT_L4_UDP);
	assert_format(&p, "UDP 10.0.0.1:40000 > 10.0.0.2:9 frag 0+");

	/* Middle fragment: offset 185 * 8 = 1480, no L4 header even though bytes follow. */
	pb_eth(&pb, 0x0800);
	pb_ipv4_opts(&pb, 17, "10.0.0.1", "10.0.0.2", 0x2000 | 185, 0);
	pb_udp(&pb, 1, 2); /* payload bytes that look like a header */
	parse_pb(&pb, &p);
	assert_true(p.is_fragment);
	assert_int_equal(p.frag_offset, 1480);
	assert_int_equal(p.l4, PKT_L4_NONE);
	assert_int_equal(p.sport, 0);
	assert_int_equal(p.truncated, PKT_LAYER_NONE);
	assert_format(&p, "IP 10.0.0.1 > 10.0.0.2 UDP frag 1480+");
	json = json_of(&p);
	assert_non_null(strstr(json, "\"ip_proto\":17,\"frag_offset\":1480,\"frag_more\":true"));
	assert_null(strstr(json, "\"l4\""));
	free(json);

	/* Last fragment, DF clear, unknown protocol. */
	pb_eth(&pb, 0x0800);
	pb_ipv4_opts(&pb, 47, "10.0.0.1", "10.0.0.2", 370, 0);
	pb_zero(&pb, 8);
	expect_line(&pb, "IP 10.0.0.1 > 10.0.0.2 proto 47 frag 2960");
}

static void test_ipv6_udp_tcp_icmp6(void **state)
{
	struct pkt_info p;
	struct pb pb;
	uint8_t want[16];

	(void)state;
	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 17, "2001:db8::1", "2001:db8::2");
	pb_udp(&pb, 40000, 9);
	parse_pb(&pb, &p);
	assert_int_equal(p.l3, PKT_L3_IPV6);
	inet_pton(AF_INET6, "2001:db8::1", want);
	assert_memory_equal(p.src, want, 16);
	assert_int_equal(p.ttl, 255);
	assert_int_equal(p.ip_proto, 17);
	assert_int_equal(p.ext_hdrs, 0);
	assert_format(&p, "UDP [2001:db8::1]:40000 > [2001:db8::2]:9");
	assert_json(&p, "\"l3\":\"ipv6\",\"src_mac\":\"02:00:00:00:00:01\","
			"\"dst_mac\":\"02:00:00:00:00:02\",\"ethertype\":34525,"
			"\"src\":\"2001:db8::1\",\"dst\":\"2001:db8::2\",\"ttl\":255,"
			"\"ip_proto\":17,\"l4\":\"udp\",\"sport\":40000,\"dport\":9");

	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 6, "2001:db8::1", "2001:db8::2");
	pb_tcp(&pb, 40000, 443, PKT_TCP_RST);
	expect_line(&pb, "TCP [2001:db8::1]:40000 > [2001:db8::2]:443 [R]");

	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 58, "fe80::1", "ff02::1");
	pb_icmp(&pb, 135, 0);
	parse_pb(&pb, &p);
	assert_int_equal(p.l4, PKT_L4_ICMP6);
	assert_int_equal(p.icmp_type, 135);
	assert_format(&p, "ICMP6 fe80::1 > ff02::1 type 135");

	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 58, "2001:db8::1", "2001:db8::2");
	pb_icmp(&pb, 128, 0);
	expect_line(&pb, "ICMP6 2001:db8::1 > 2001:db8::2 echo-request");

	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 58, "2001:db8::1", "2001:db8::2");
	pb_icmp(&pb, 1, 4);
	expect_line(&pb, "ICMP6 2001:db8::1 > 2001:db8::2 type 1 code 4");

	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 59, "2001:db8::1", "2001:db8::2"); /* no next header */
	expect_line(&pb, "IP6 2001:db8::1 > 2001:db8::2 proto 59");
}

static void test_ipv6_ext_chain(void **state)
{
	struct pkt_info p;
	struct pb pb;

	(void)state;
	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 0, "2001:db8::1", "2001:db8::2");
	pb_ext(&pb, 43, 0); /* hop-by-hop, 8 bytes */
	pb_ext(&pb, 60, 2); /* routing, 24 bytes */
	pb_ext(&pb, 51, 1); /* destination options, 16 bytes */
	pb_u8(&pb, 6);	    /* AH: (len + 2) * 4 = 16 bytes */
	pb_u8(&pb, 2);
	pb_zero(&pb, 14);
	pb_tcp(&pb, 1234, 22, PKT_TCP_SYN);
	parse_pb(&pb, &p);
	assert_int_equal(p.ext_hdrs, 4);
	assert_int_equal(p.ip_proto, 6);
	assert_int_equal(p.l4, PKT_L4_TCP);
	assert_int_equal(p.sport, 1234);
	assert_int_equal(p.truncated, PKT_LAYER_NONE);
	assert_int_equal(p.malformed, PKT_LAYER_NONE);
	assert_format(&p, "TCP [2001:db8::1]:1234 > [2001:db8::2]:22 [S]");
}

static void test_ipv6_fragments(void **state)
{
	struct pkt_info p;
	struct pb pb;

	(void)state;
	/* First fragment: L4 header follows the fragment header. */
	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 44, "2001:db8::1", "2001:db8::2");
	pb_frag6(&pb, 17, 0, true, 0xdeadbeef);
	pb_udp(&pb, 40000, 9);
	parse_pb(&pb, &p);
	assert_true(p.is_fragment);
	assert_true(p.frag_more);
	assert_int_equal(p.frag_id, 0xdeadbeef);
	assert_int_equal(p.ext_hdrs, 1);
	assert_int_equal(p.l4, PKT_L4_UDP);
	assert_format(&p, "UDP [2001:db8::1]:40000 > [2001:db8::2]:9 frag 0+");

	/* Non-first fragment: no L4 header, the protocol is still known. */
	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 0, "2001:db8::1", "2001:db8::2");
	pb_ext(&pb, 44, 0);
	pb_frag6(&pb, 17, 1448, false, 7);
	pb_udp(&pb, 1, 2);
	parse_pb(&pb, &p);
	assert_int_equal(p.frag_offset, 1448);
	assert_false(p.frag_more);
	assert_int_equal(p.l4, PKT_L4_NONE);
	assert_true(p.has_ip_proto);
	assert_int_equal(p.ip_proto, 17);
	assert_format(&p, "IP6 2001:db8::1 > 2001:db8::2 UDP frag 1448");
}

static void test_arp(void **state)
{
	static const uint8_t zero[6];
	struct pkt_info p;
	struct pb pb;

	(void)state;
	pb_eth(&pb, 0x0806);
	pb_arp(&pb, 1, mac_a, "10.0.0.1", zero, "10.0.0.2");
	parse_pb(&pb, &p);
	assert_int_equal(p.l3, PKT_L3_ARP);
	assert_int_equal(p.arp_op, 1);
	assert_true(p.arp_ipv4);
	assert_memory_equal(p.arp_sha, mac_a, 6);
	assert_format(&p, "ARP who-has 10.0.0.2 tell 10.0.0.1");
	assert_json(&p, "\"l3\":\"arp\",\"src_mac\":\"02:00:00:00:00:01\","
			"\"dst_mac\":\"02:00:00:00:00:02\",\"ethertype\":2054,"
			"\"src\":\"10.0.0.1\",\"dst\":\"10.0.0.2\",\"arp_op\":1,"
			"\"arp_sha\":\"02:00:00:00:00:01\",\"arp_tha\":\"00:00:00:00:00:00\"");

	pb_eth(&pb, 0x0806);
	pb_arp(&pb, 2, mac_b, "10.0.0.2", mac_a, "10.0.0.1");
	expect_line(&pb, "ARP reply 10.0.0.2 is-at 02:00:00:00:00:02");

	pb_eth(&pb, 0x0806);
	pb_arp(&pb, 8, mac_b, "10.0.0.2", mac_a, "10.0.0.1"); /* InARP request */
	expect_line(&pb, "ARP op 8");

	/* Not Ethernet/IPv4: only the operation is decoded. */
	pb_eth(&pb, 0x0806);
	pb_u16(&pb, 6);
	pb_u16(&pb, 0x0800);
	pb_u8(&pb, 6);
	pb_u8(&pb, 4);
	pb_u16(&pb, 1);
	parse_pb(&pb, &p);
	assert_false(p.arp_ipv4);
	assert_int_equal(p.truncated, PKT_LAYER_NONE);
	assert_format(&p, "ARP op 1");
}

static void test_vlan(void **state)
{
	struct pkt_info p;
	struct pb pb;

	(void)state;
	pb_eth(&pb, 0x8100);
	pb_vlan(&pb, 5, 100, 0x0800);
	pb_ipv4(&pb, 17, "10.0.0.1", "10.0.0.2");
	pb_udp(&pb, 40000, 9);
	parse_pb(&pb, &p);
	assert_int_equal(p.vlan_count, 1);
	assert_int_equal(p.vlan_tpid[0], 0x8100);
	assert_int_equal(p.vlan_id[0], 100);
	assert_int_equal(p.vlan_pcp[0], 5);
	assert_int_equal(p.ethertype, 0x0800);
	assert_format(&p, "vlan 100 UDP 10.0.0.1:40000 > 10.0.0.2:9");
	{
		char *json = json_of(&p);

		assert_non_null(strstr(json, "\"ethertype\":2048,\"vlan\":[100],"));
		free(json);
	}

	/* 802.1ad QinQ. */
	pb_eth(&pb, 0x88a8);
	pb_vlan(&pb, 0, 100, 0x8100);
	pb_vlan(&pb, 0, 200, 0x86dd);
	pb_ipv6(&pb, 17, "2001:db8::1", "2001:db8::2");
	pb_udp(&pb, 40000, 9);
	parse_pb(&pb, &p);
	assert_int_equal(p.vlan_count, 2);
	assert_int_equal(p.vlan_tpid[0], 0x88a8);
	assert_int_equal(p.vlan_tpid[1], 0x8100);
	assert_int_equal(p.vlan_id[1], 200);
	assert_format(&p, "vlan 100,200 UDP [2001:db8::1]:40000 > [2001:db8::2]:9");
	{
		char *json = json_of(&p);

		assert_non_null(strstr(json, "\"vlan\":[100,200]"));
		free(json);
	}

	/* Pre-standard 0x9100 QinQ around ARP. */
	pb_eth(&pb, 0x9100);
	pb_vlan(&pb, 0, 4094, 0x8100);
	pb_vlan(&pb, 0, 1, 0x0806);
	pb_arp(&pb, 1, mac_a, "10.0.0.1", mac_b, "10.0.0.2");
	expect_line(&pb, "vlan 4094,1 ARP who-has 10.0.0.2 tell 10.0.0.1");

	/* A third tag is not parsed: its TPID is the ethertype. */
	pb_eth(&pb, 0x88a8);
	pb_vlan(&pb, 0, 10, 0x8100);
	pb_vlan(&pb, 0, 20, 0x8100);
	pb_vlan(&pb, 0, 30, 0x0800);
	expect_line(&pb, "vlan 10,20 ethertype 0x8100");
}

static void test_other_ethertypes(void **state)
{
	struct pkt_info p;
	struct pb pb;

	(void)state;
	pb_eth(&pb, 0x88cc);
	pb_zero(&pb, 30);
	parse_pb(&pb, &p);
	assert_int_equal(p.l3, PKT_L3_OTHER);
	assert_int_equal(p.ethertype, 0x88cc);
	assert_format(&p, "ethertype 0x88cc");
	assert_json(&p, "\"l3\":\"other\",\"src_mac\":\"02:00:00:00:00:01\","
			"\"dst_mac\":\"02:00:00:00:00:02\",\"ethertype\":35020");

	pb_eth(&pb, 38); /* 802.3 length */
	pb_zero(&pb, 38);
	expect_line(&pb, "802.3 len 38");
}

/* Cut a packet at every offset and check the result is consistent. */
static void check_every_cut(struct pb *pb)
{
	char full_line[PKT_FORMAT_MAX], line[PKT_FORMAT_MAX];
	struct pkt_info full, p;

	pb_finish(pb);
	parse_n(pb->b, pb->n, &full);
	assert_int_equal(full.truncated, PKT_LAYER_NONE);
	assert_int_equal(full.malformed, PKT_LAYER_NONE);
	packet__format(&full, full_line, sizeof(full_line));

	for (size_t len = 0; len <= pb->n; len++) {
		int n;

		parse_n(pb->b, len, &p);
		assert_int_equal(p.caplen, len);
		assert_int_equal(p.malformed, PKT_LAYER_NONE);
		if (len < 14) {
			assert_int_equal(p.truncated, PKT_LAYER_L2);
			assert_int_equal(p.l3, PKT_L3_NONE);
		}
		n = packet__format(&p, line, sizeof(line));
		assert_true(n > 0 && n < PKT_FORMAT_MAX);
		if (p.truncated) {
			assert_non_null(strstr(line, " [truncated]"));
			/* A cut header never shows more than the whole packet does. */
			assert_true(p.l3 == PKT_L3_NONE || p.l3 == full.l3);
		} else {
			/* Every header was there: only payload is missing. */
			assert_string_equal(line, full_line);
		}
		free(json_of(&p));
	}
}

static void test_truncated_every_offset(void **state)
{
	struct pb pb;

	(void)state;
	pb_eth(&pb, 0x8100);
	pb_vlan(&pb, 0, 7, 0x0800);
	pb_ipv4_opts(&pb, 6, "192.168.1.1", "192.168.1.2", 0x4000, 2);
	pb_tcp(&pb, 40000, 80, PKT_TCP_SYN);
	pb_zero(&pb, 4);
	check_every_cut(&pb);

	pb_eth(&pb, 0x88a8);
	pb_vlan(&pb, 0, 100, 0x8100);
	pb_vlan(&pb, 0, 200, 0x86dd);
	pb_ipv6(&pb, 0, "2001:db8::1", "2001:db8::2");
	pb_ext(&pb, 43, 0);
	pb_ext(&pb, 44, 1);
	pb_frag6(&pb, 60, 0, true, 1);
	pb_ext(&pb, 17, 0);
	pb_udp(&pb, 40000, 9);
	pb_zero(&pb, 3);
	check_every_cut(&pb);

	pb_eth(&pb, 0x0806);
	pb_arp(&pb, 1, mac_a, "10.0.0.1", mac_b, "10.0.0.2");
	check_every_cut(&pb);

	pb_eth(&pb, 0x0800);
	pb_ipv4(&pb, 1, "10.0.0.1", "10.0.0.2");
	pb_icmp(&pb, 8, 0);
	check_every_cut(&pb);

	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 58, "fe80::1", "ff02::1");
	pb_icmp(&pb, 135, 0);
	check_every_cut(&pb);
}

static void test_truncated_lines(void **state)
{
	struct pkt_info p;
	struct pb pb;

	(void)state;
	pb_eth(&pb, 0x0800);
	pb_ipv4(&pb, 17, "10.0.0.1", "10.0.0.2");
	pb_udp(&pb, 40000, 9);
	pb_finish(&pb);

	parse_n(pb.b, 10, &p);
	assert_format(&p, "ether [truncated]");
	assert_json(&p, "\"l3\":\"none\",\"truncated\":\"l2\"");
	parse_n(pb.b, 20, &p);
	assert_format(&p, "IP [truncated]");
	parse_n(pb.b, 34, &p); /* IP header complete, UDP header absent */
	assert_int_equal(p.truncated, PKT_LAYER_L4);
	assert_format(&p, "IP 10.0.0.1 > 10.0.0.2 UDP [truncated]");
	parse_n(pb.b, 38, &p); /* ports only */
	assert_int_equal(p.l4, PKT_L4_UDP);
	assert_format(&p, "UDP 10.0.0.1:40000 > 10.0.0.2:9 [truncated]");

	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 6, "2001:db8::1", "2001:db8::2");
	pb_tcp(&pb, 40000, 80, PKT_TCP_SYN);
	pb_finish(&pb);
	parse_n(pb.b, 14 + 40 + 10, &p); /* ports but no flags */
	assert_format(&p, "TCP [2001:db8::1]:40000 > [2001:db8::2]:80 [truncated]");
	{
		char *json = json_of(&p);

		assert_null(strstr(json, "tcp_flags"));
		assert_non_null(strstr(json, "\"truncated\":\"l4\""));
		free(json);
	}

	pb_eth(&pb, 0x8100);
	pb_vlan(&pb, 0, 5, 0x0800);
	pb_finish(&pb);
	parse_n(pb.b, 16, &p);
	assert_format(&p, "ether [truncated]");
	parse_n(pb.b, 18, &p);
	assert_format(&p, "vlan 5 IP [truncated]");
}

static void test_bogus_ipv4(void **state)
{
	struct pkt_info p;
	struct pb pb;

	(void)state;
	/* IHL 3: addresses are readable, nothing past them is trusted. */
	pb_eth(&pb, 0x0800);
	pb_ipv4(&pb, 17, "10.0.0.1", "10.0.0.2");
	pb_udp(&pb, 40000, 9);
	pb_finish(&pb);
	pb.b[14] = 0x43;
	parse_n(pb.b, pb.n, &p);
	assert_int_equal(p.malformed, PKT_LAYER_L3);
	assert_int_equal(p.l4, PKT_L4_NONE);
	assert_format(&p, "IP 10.0.0.1 > 10.0.0.2 UDP [malformed]");
	{
		char *json = json_of(&p);

		assert_non_null(strstr(json, "\"malformed\":\"l3\""));
		free(json);
	}

	/* IHL 15 but only the UDP header follows 20 bytes: the options are cut. */
	pb.b[14] = 0x4f;
	pb.b[16] = 0; /* total length unknown (0), so the cut is the copy's */
	pb.b[17] = 0;
	parse_n(pb.b, pb.n, &p);
	assert_int_equal(p.truncated, PKT_LAYER_L3);
	assert_int_equal(p.malformed, PKT_LAYER_NONE);
	assert_format(&p, "IP 10.0.0.1 > 10.0.0.2 UDP [truncated]");

	/* IHL 15 with a total length of 28: the header is longer than the packet. */
	pb.b[17] = 28;
	parse_n(pb.b, pb.n, &p);
	assert_int_equal(p.malformed, PKT_LAYER_L3);

	/* Total length 24 cannot hold the UDP header. */
	pb.b[14] = 0x45;
	pb.b[17] = 24;
	parse_n(pb.b, pb.n, &p);
	assert_int_equal(p.malformed, PKT_LAYER_L4);
	assert_int_equal(p.truncated, PKT_LAYER_NONE);
	assert_format(&p, "UDP 10.0.0.1:40000 > 10.0.0.2:9 [malformed]");

	/* Version 6 in an IPv4 ethertype. */
	pb.b[14] = 0x65;
	parse_n(pb.b, pb.n, &p);
	assert_int_equal(p.malformed, PKT_LAYER_L3);
	assert_false(p.has_addrs);
	assert_format(&p, "IP [malformed]");

	/* Ethernet padding after a short IP packet is not a header. */
	pb_eth(&pb, 0x0800);
	pb_ipv4(&pb, 17, "10.0.0.1", "10.0.0.2");
	pb_udp(&pb, 40000, 9);
	pb_finish(&pb);
	pb_zero(&pb, 60 - pb.n);
	parse_n(pb.b, pb.n, &p);
	assert_int_equal(p.truncated, PKT_LAYER_NONE);
	assert_int_equal(p.malformed, PKT_LAYER_NONE);
	assert_format(&p, "UDP 10.0.0.1:40000 > 10.0.0.2:9");

	/* TCP data offset below 5: flags are shown, the header is flagged. */
	pb_eth(&pb, 0x0800);
	pb_ipv4(&pb, 6, "10.0.0.1", "10.0.0.2");
	pb_tcp(&pb, 1, 2, PKT_TCP_SYN);
	pb_finish(&pb);
	pb.b[14 + 20 + 12] = 0x20;
	parse_n(pb.b, pb.n, &p);
	assert_int_equal(p.malformed, PKT_LAYER_L4);
	assert_format(&p, "TCP 10.0.0.1:1 > 10.0.0.2:2 [S] [malformed]");
}

static void test_bogus_ipv6(void **state)
{
	struct pkt_info p;
	struct pb pb;

	(void)state;
	/* Extension header length 255 (2048 bytes) runs past the copy. */
	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 0, "2001:db8::1", "2001:db8::2");
	pb_ext(&pb, 17, 0);
	pb_udp(&pb, 40000, 9);
	pb.b[14 + 40 + 1] = 255;
	pb.ip_ver = 0; /* payload length 0: unknown, so the cut is the copy's */
	parse_n(pb.b, pb.n, &p);
	assert_int_equal(p.truncated, PKT_LAYER_L3);
	assert_int_equal(p.malformed, PKT_LAYER_NONE);
	assert_false(p.has_ip_proto);
	assert_format(&p, "IP6 2001:db8::1 > 2001:db8::2 [truncated]");

	/* The same with a payload length that the header overruns. */
	pb.b[14 + 5] = 16;
	parse_n(pb.b, pb.n, &p);
	assert_int_equal(p.malformed, PKT_LAYER_L3);
	assert_format(&p, "IP6 2001:db8::1 > 2001:db8::2 [malformed]");

	/* An endless chain of destination options stops at the bound. */
	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 60, "2001:db8::1", "2001:db8::2");
	for (int i = 0; i < 40; i++)
		pb_ext(&pb, 60, 0);
	parse_pb(&pb, &p);
	assert_int_equal(p.ext_hdrs, PKT_MAX_EXT_HDRS);
	assert_int_equal(p.malformed, PKT_LAYER_L3);
	assert_int_equal(p.truncated, PKT_LAYER_NONE);
	assert_format(&p, "IP6 2001:db8::1 > 2001:db8::2 [malformed]");

	/* PKT_MAX_EXT_HDRS headers are still fine. */
	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 60, "2001:db8::1", "2001:db8::2");
	for (int i = 0; i < PKT_MAX_EXT_HDRS; i++)
		pb_ext(&pb, i == PKT_MAX_EXT_HDRS - 1 ? 17 : 60, 0);
	pb_udp(&pb, 1, 2);
	expect_line(&pb, "UDP [2001:db8::1]:1 > [2001:db8::2]:2");

	/* Version 4 in an IPv6 ethertype. */
	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 17, "2001:db8::1", "2001:db8::2");
	pb_finish(&pb);
	pb.b[14] = 0x45;
	parse_n(pb.b, pb.n, &p);
	assert_format(&p, "IP6 [malformed]");
}

/* Deterministic xorshift so a failure reproduces. */
static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_random_bytes(void **state)
{
	static const uint16_t types[] = {0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8, 0x9100, 0x88cc};
	static const uint8_t protos[] = {0, 1, 6, 17, 43, 44, 51, 58, 60};
	uint32_t seed = 0x12345678;
	uint8_t pkt[200];

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = xorshift(&seed) % sizeof(pkt);
		char line[PKT_FORMAT_MAX];
		struct pkt_info p;
		int n;

		for (size_t i = 0; i < sizeof(pkt); i++)
			pkt[i] = (uint8_t)xorshift(&seed);
		/* Steer most packets past the Ethernet header into the interesting code. */
		if (iter % 4) {
			uint16_t t = types[xorshift(&seed) % 7];
			uint8_t proto = protos[xorshift(&seed) % 9];

			pkt[12] = (uint8_t)(t >> 8);
			pkt[13] = (uint8_t)t;
			pkt[14] = iter % 2 ? 0x45 : 0x60;
			pkt[14 + 9] = proto; /* IPv4 protocol */
			pkt[14 + 6] = proto; /* IPv6 next header */
			pkt[14 + 40] = protos[xorshift(&seed) % 9];
		}
		parse_n(pkt, len, &p);
		n = packet__format(&p, line, sizeof(line));
		assert_true(n > 0 && n < PKT_FORMAT_MAX);
		assert_int_equal(strlen(line), n);
		assert_true(p.ext_hdrs <= PKT_MAX_EXT_HDRS);
		free(json_of(&p));
	}
}

static void test_format_small_buffers(void **state)
{
	char full[PKT_FORMAT_MAX], buf[PKT_FORMAT_MAX];
	struct pkt_info p;
	struct pb pb;
	int n;

	(void)state;
	pb_eth(&pb, 0x88a8);
	pb_vlan(&pb, 0, 4095, 0x8100);
	pb_vlan(&pb, 0, 4095, 0x86dd);
	pb_ipv6(&pb, 44, "2001:db8:1111:2222:3333:4444:5555:6666",
		"2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff");
	pb_frag6(&pb, 6, 0, true, 1);
	pb_tcp(&pb, 65535, 65535, 0xff);
	pb_finish(&pb);
	pb.b[pb.n - 8] = 0x10; /* data offset 1 */
	parse_n(pb.b, pb.n, &p);
	n = packet__format(&p, full, sizeof(full));
	assert_string_equal(full,
			    "vlan 4095,4095 TCP [2001:db8:1111:2222:3333:4444:5555:6666]:65535 > "
			    "[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535 [SFRP.UEW] frag 0+ "
			    "[malformed]");
	assert_int_equal(n, strlen(full));

	assert_int_equal(packet__format(&p, NULL, 0), n);
	for (size_t len = 1; len <= (size_t)n + 1; len++) {
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(packet__format(&p, buf, len), n);
		assert_int_equal(strlen(buf), len - 1);
		assert_memory_equal(buf, full, len - 1);
		assert_int_equal(buf[len], 'x');
	}
}

static void test_proto_parse(void **state)
{
	static const struct {
		const char *name;
		uint16_t ethertype;
		int ip_proto;
	} good[] = {
		{"tcp", 0, 6},		{"UDP", 0, 17},		{"icmp", 0x0800, 1},
		{"icmp6", 0x86dd, 58},	{"ICMPv6", 0x86dd, 58}, {"sctp", 0, 132},
		{"gre", 0, 47},		{"esp", 0, 50},		{"ah", 0, 51},
		{"udplite", 0, 136},	{"ipv4", 0x0800, -1},	{"ip", 0x0800, -1},
		{"ipv6", 0x86dd, -1},	{"ip6", 0x86dd, -1},	{"arp", 0x0806, -1},
		{"ip:47", 0, 47},	{"ip:0", 0, 0},		{"ip:255", 0, 255},
		{"0x88cc", 0x88cc, -1}, {"0X8906", 0x8906, -1}, {"0x0600", 0x0600, -1},
	};
	static const char *const bad[] = {
		"",   "tcpx",	"ip:",	   "ip:256", "ip:-1", "ip:+5", "ip:4x", "ip: 4",
		"0x", "0x05ff", "0x10000", "0xzz",   "0x-1",  "47",    "ether",
	};
	struct pkt_proto f;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&f, 0xaa, sizeof(f));
		assert_int_equal(packet__proto_parse(good[i].name, &f), 0);
		assert_int_equal(f.ethertype, good[i].ethertype);
		assert_int_equal(f.ip_proto, good[i].ip_proto);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(packet__proto_parse(bad[i], &f), -EINVAL);
	assert_int_equal(packet__proto_parse(NULL, &f), -EINVAL);
	assert_non_null(strstr(packet__proto_names(), "icmp6"));
}

static void test_proto_match(void **state)
{
	struct pkt_info v4udp, v6frag, arp, trunc, vlan_v4;
	struct pkt_proto f;
	struct pb pb;

	(void)state;
	pb_eth(&pb, 0x0800);
	pb_ipv4(&pb, 17, "10.0.0.1", "10.0.0.2");
	pb_udp(&pb, 1, 2);
	parse_pb(&pb, &v4udp);

	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 44, "2001:db8::1", "2001:db8::2");
	pb_frag6(&pb, 17, 8, false, 1);
	parse_pb(&pb, &v6frag);

	pb_eth(&pb, 0x0806);
	pb_arp(&pb, 1, mac_a, "10.0.0.1", mac_b, "10.0.0.2");
	parse_pb(&pb, &arp);

	pb_eth(&pb, 0x86dd);
	pb_ipv6(&pb, 0, "2001:db8::1", "2001:db8::2");
	pb_finish(&pb);
	parse_n(pb.b, pb.n, &trunc); /* hop-by-hop header missing: protocol unknown */

	pb_eth(&pb, 0x8100);
	pb_vlan(&pb, 0, 3, 0x0800);
	pb_ipv4(&pb, 6, "10.0.0.1", "10.0.0.2");
	pb_tcp(&pb, 1, 2, 0);
	parse_pb(&pb, &vlan_v4);

	assert_int_equal(packet__proto_parse("udp", &f), 0);
	assert_true(packet__proto_match(&f, &v4udp));
	assert_true(packet__proto_match(&f, &v6frag));
	assert_false(packet__proto_match(&f, &arp));
	assert_false(packet__proto_match(&f, &trunc));
	assert_false(packet__proto_match(&f, &vlan_v4));

	assert_int_equal(packet__proto_parse("tcp", &f), 0);
	assert_true(packet__proto_match(&f, &vlan_v4));

	assert_int_equal(packet__proto_parse("ipv6", &f), 0);
	assert_true(packet__proto_match(&f, &v6frag));
	assert_true(packet__proto_match(&f, &trunc));
	assert_false(packet__proto_match(&f, &v4udp));

	assert_int_equal(packet__proto_parse("arp", &f), 0);
	assert_true(packet__proto_match(&f, &arp));
	assert_false(packet__proto_match(&f, &v4udp));

	assert_int_equal(packet__proto_parse("icmp", &f), 0);
	assert_false(packet__proto_match(&f, &v4udp));

	assert_int_equal(packet__proto_parse("0x0800", &f), 0);
	assert_true(packet__proto_match(&f, &v4udp));
	assert_true(packet__proto_match(&f, &vlan_v4));
}

static void test_ethertype_name(void **state)
{
	(void)state;
	assert_string_equal(packet__ethertype_name(0x0800), "IPv4");
	assert_string_equal(packet__ethertype_name(0x86dd), "IPv6");
	assert_string_equal(packet__ethertype_name(0x0806), "ARP");
	assert_null(packet__ethertype_name(0x88cc));
	assert_null(packet__ethertype_name(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_udp),
		cmocka_unit_test(test_ipv4_tcp_flags),
		cmocka_unit_test(test_ipv4_icmp),
		cmocka_unit_test(test_ipv4_unknown_proto),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv6_udp_tcp_icmp6),
		cmocka_unit_test(test_ipv6_ext_chain),
		cmocka_unit_test(test_ipv6_fragments),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_other_ethertypes),
		cmocka_unit_test(test_truncated_every_offset),
		cmocka_unit_test(test_truncated_lines),
		cmocka_unit_test(test_bogus_ipv4),
		cmocka_unit_test(test_bogus_ipv6),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_format_small_buffers),
		cmocka_unit_test(test_proto_parse),
		cmocka_unit_test(test_proto_match),
		cmocka_unit_test(test_ethertype_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
