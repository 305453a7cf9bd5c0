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

#include "trace/packet.h"

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

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x02 };

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

/*
 * A packet as data: a list of builder steps, ending with PB_END. The macros
 * below spell one step each, after the pb_*() function they call.
 */
enum pb_op {
	PB_END,
	PB_ETH,
	PB_VLAN,
	PB_IPV4,
	PB_IPV6,
	PB_EXT,
	PB_EXT_CHAIN,
	PB_FRAG6,
	PB_UDP,
	PB_TCP,
	PB_ICMP,
	PB_ARP,
	PB_ZERO,
	PB_PAD_TO,
	PB_U8,
	PB_U16,
	PB_FINISH,
	PB_NO_LENGTH,
	PB_POKE,
};

struct pb_step {
	enum pb_op op;
	uint32_t a, b, c, d;
	const char *src, *dst;
	const uint8_t *sha, *tha;
};

/* A braced initializer: the macros below stay one line each under clang-format. */
#define INIT(...)                                                                                  \
	{                                                                                          \
		__VA_ARGS__                                                                        \
	}
#define ETH(type)	     INIT(.op = PB_ETH, .a = (type))
#define VLAN(pcp, vid, next) INIT(.op = PB_VLAN, .a = (pcp), .b = (vid), .c = (next))
#define IPV4_OPTS(proto, s, t, frag, words)                                                        \
	INIT(.op = PB_IPV4, .a = (proto), .b = (frag), .c = (words), .src = (s), .dst = (t))
#define IPV4(proto, s, t) IPV4_OPTS(proto, s, t, 0, 0)
#define IPV6(nh, s, t)	  INIT(.op = PB_IPV6, .a = (nh), .src = (s), .dst = (t))
#define EXT(nh, len)	  INIT(.op = PB_EXT, .a = (nh), .b = (len))
/* n empty destination options headers (60), the last one followed by `last`. */
#define EXT_CHAIN(n, last)	 INIT(.op = PB_EXT_CHAIN, .a = (n), .b = (last))
#define FRAG6(nh, off, more, id) INIT(.op = PB_FRAG6, .a = (nh), .b = (off), .c = (more), .d = (id))
#define UDP(sport, dport)	 INIT(.op = PB_UDP, .a = (sport), .b = (dport))
#define TCP(sport, dport, flags) INIT(.op = PB_TCP, .a = (sport), .b = (dport), .c = (flags))
#define ICMP(type, code)	 INIT(.op = PB_ICMP, .a = (type), .b = (code))
#define ARP(op_, sha_, spa, tha_, tpa)                                                             \
	INIT(.op = PB_ARP, .a = (op_), .sha = (sha_), .src = (spa), .tha = (tha_), .dst = (tpa))
#define ZERO(n) INIT(.op = PB_ZERO, .a = (n))
/* Zeros up to n bytes in all. */
#define PAD_TO(n) INIT(.op = PB_PAD_TO, .a = (n))
#define U8(v)	  INIT(.op = PB_U8, .a = (v))
#define U16(v)	  INIT(.op = PB_U16, .a = (v))
/* Set the IP length now: what follows is not covered by it. */
#define FINISH() INIT(.op = PB_FINISH)
/* Leave the IP length field 0. */
#define NO_LENGTH() INIT(.op = PB_NO_LENGTH)
/* Overwrite one byte (after FINISH() if it is part of the IP length). */
#define POKE(off, v) INIT(.op = PB_POKE, .a = (off), .b = (v))

#define PKT(...)     ((const struct pb_step[]){ __VA_ARGS__, { .op = PB_END } })

/* The plain IPv4 UDP packet most cases start from. */
#define V4_UDP ETH(0x0800), IPV4(17, "10.0.0.1", "10.0.0.2"), UDP(40000, 9)

static void pb_build(struct pb *pb, const struct pb_step *s)
{
	memset(pb, 0, sizeof(*pb));
	for (; s->op != PB_END; s++) {
		switch (s->op) {
		case PB_ETH:
			pb_eth(pb, s->a);
			break;
		case PB_VLAN:
			pb_vlan(pb, s->a, s->b, s->c);
			break;
		case PB_IPV4:
			pb_ipv4_opts(pb, s->a, s->src, s->dst, s->b, s->c);
			break;
		case PB_IPV6:
			pb_ipv6(pb, s->a, s->src, s->dst);
			break;
		case PB_EXT:
			pb_ext(pb, s->a, s->b);
			break;
		case PB_EXT_CHAIN:
			for (uint32_t i = 0; i < s->a; i++)
				pb_ext(pb, i == s->a - 1 ? s->b : 60, 0);
			break;
		case PB_FRAG6:
			pb_frag6(pb, s->a, s->b, s->c, s->d);
			break;
		case PB_UDP:
			pb_udp(pb, s->a, s->b);
			break;
		case PB_TCP:
			pb_tcp(pb, s->a, s->b, s->c);
			break;
		case PB_ICMP:
			pb_icmp(pb, s->a, s->b);
			break;
		case PB_ARP:
			pb_arp(pb, s->a, s->sha, s->src, s->tha, s->dst);
			break;
		case PB_ZERO:
			pb_zero(pb, s->a);
			break;
		case PB_PAD_TO:
			assert_true(pb->n <= s->a);
			pb_zero(pb, s->a - pb->n);
			break;
		case PB_U8:
			pb_u8(pb, s->a);
			break;
		case PB_U16:
			pb_u16(pb, s->a);
			break;
		case PB_FINISH:
			pb_finish(pb);
			pb->ip_ver = 0;
			break;
		case PB_NO_LENGTH:
			pb->ip_ver = 0;
			break;
		case PB_POKE:
			assert_true(s->a < pb->n);
			pb->b[s->a] = s->b;
			break;
		case PB_END:
			break;
		}
	}
	pb_finish(pb);
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

/* Build and parse a packet, all of it. */
static void parse_pkt(const struct pb_step *pkt, struct pkt_info *p)
{
	struct pb pb;

	pb_build(&pb, pkt);
	parse_n(pb.b, pb.n, p);
}

static void assert_format(const struct pkt_info *p, const char *want)
{
	char buf[PKT_FORMAT_MAX];
	int n = packet__format(p, buf, sizeof(buf));

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static char *json_of(const struct pkt_info *p)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	struct json j;

	assert_non_null(f);
	json_init(&j, f);
	assert_int_equal(packet__json(p, &j), 0);
	assert_int_equal(fclose(f), 0);
	return s;
}

/* One struct pkt_info field and the value it must have. */
struct field_want {
	const char *name; /* NULL ends a list */
	size_t off, size;
	uint32_t val;	   /* for a number (bool and enum too) */
	const void *bytes; /* or the first `size` bytes of an array */
};

#define FIELD(f)	    .name = #f, .off = offsetof(struct pkt_info, f)
#define WANT(f, v)	    INIT(FIELD(f), .size = sizeof(((struct pkt_info *)0)->f), .val = (v))
#define WANT_BYTES(f, b, n) INIT(FIELD(f), .size = (n), .bytes = (b))
#define WANTS(...)	    ((const struct field_want[]){ __VA_ARGS__, { .name = NULL } })
#define STRS(...)	    ((const char *const[]){ __VA_ARGS__, NULL })

static void check_field(const char *what, const struct pkt_info *p, const struct field_want *w)
{
	const uint8_t *at = (const uint8_t *)p + w->off;
	uint32_t got = 0;

	if (w->bytes) {
		if (memcmp(at, w->bytes, w->size))
			fail_msg("%s: %s differs", what, w->name);
		return;
	}
	switch (w->size) {
	case 1:
		got = *at;
		break;
	case 2: {
		uint16_t v;

		memcpy(&v, at, 2);
		got = v;
		break;
	}
	case 4:
		memcpy(&got, at, 4);
		break;
	default:
		fail_msg("%s: %s has size %zu", what, w->name, w->size);
	}
	if (got != w->val)
		fail_msg("%s: %s is %u (0x%x), want %u (0x%x)", what, w->name, got, got, w->val,
			 w->val);
}

/*
 * A packet (maybe cut to caplen bytes) and what the parser and formatters
 * must make of it. What is NULL is not checked.
 */
struct pkt_case {
	const char *name;
	const struct pb_step *pkt;
	size_t caplen; /* 0: the whole packet */
	const struct field_want *want;
	const char *line;	       /* packet__format() */
	const char *json;	       /* all of packet__json() */
	const char *const *json_has;   /* parts packet__json() holds */
	const char *const *json_lacks; /* and parts it does not */
};

static void run_case(const struct pkt_case *c)
{
	struct pkt_info p;
	struct pb pb;

	pb_build(&pb, c->pkt);
	parse_n(pb.b, c->caplen ? c->caplen : pb.n, &p);
	for (const struct field_want *w = c->want; w && w->name; w++)
		check_field(c->name, &p, w);
	if (c->line) {
		char buf[PKT_FORMAT_MAX];
		int n = packet__format(&p, buf, sizeof(buf));

		if (strcmp(buf, c->line))
			fail_msg("%s: line\n  got  \"%s\"\n  want \"%s\"", c->name, buf, c->line);
		assert_int_equal(n, strlen(c->line));
	}
	if (c->json || c->json_has || c->json_lacks) {
		char *json = json_of(&p);

		if (c->json && strcmp(json, c->json))
			fail_msg("%s: json\n  got  %s\n  want %s", c->name, json, c->json);
		for (const char *const *s = c->json_has; s && *s; s++)
			if (!strstr(json, *s))
				fail_msg("%s: json %s\n  lacks %s", c->name, json, *s);
		for (const char *const *s = c->json_lacks; s && *s; s++)
			if (strstr(json, *s))
				fail_msg("%s: json %s\n  holds %s", c->name, json, *s);
		free(json);
	}
}

/* A cmocka test running the table NAME_cases[]: CASES(NAME) in main(). */
struct case_table {
	const struct pkt_case *cases;
	size_t n;
};

static void test_cases(void **state)
{
	const struct case_table *t = *state;

	for (size_t i = 0; i < t->n; i++)
		run_case(&t->cases[i]);
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CASES(t)                                                                                   \
	INIT(.name = "test_" #t, .test_func = test_cases,                                          \
	     .initial_state = &(struct case_table){ t##_cases, ARRAY_SIZE(t##_cases) })

static const struct pkt_case ipv4_udp_cases[] = {
	{ "IPv4 UDP", PKT(V4_UDP, ZERO(10)),
	  .want = WANTS(WANT_BYTES(src_mac, mac_a, 6), WANT_BYTES(dst_mac, mac_b, 6),
			WANT(ethertype, 0x0800), WANT(vlan_count, 0), WANT(l3, PKT_L3_IPV4),
			WANT(has_addrs, true), WANT_BYTES(src, "\x0a\x00\x00\x01", 4),
			WANT_BYTES(dst, "\x0a\x00\x00\x02", 4), WANT(ttl, 64), WANT(tos, 0x10),
			WANT(ip_id, 0x1234), WANT(has_ip_proto, true), WANT(ip_proto, 17),
			WANT(is_fragment, false), WANT(l4, PKT_L4_UDP), WANT(sport, 40000),
			WANT(dport, 9), WANT(truncated, PKT_LAYER_NONE),
			WANT(malformed, PKT_LAYER_NONE), WANT(caplen, 14 + 20 + 8 + 10),
			WANT(origlen, 14 + 20 + 8 + 10)),
	  .line = "UDP 10.0.0.1:40000 > 10.0.0.2:9",
	  .json = "\"l3\":\"ipv4\",\"src_mac\":\"02:00:00:00:00:01\","
		  "\"dst_mac\":\"02:00:00:00:00:02\",\"ethertype\":2048,"
		  "\"src\":\"10.0.0.1\",\"dst\":\"10.0.0.2\",\"ttl\":64,\"df\":false,"
		  "\"ip_proto\":17,\"l4\":\"udp\",\"sport\":40000,\"dport\":9" },
};

static void test_ipv4_tcp_flags(void **state)
{
	static const struct {
		uint8_t flags;
		const char *text;
	} cases[] = {
		{ PKT_TCP_SYN, "[S]" },
		{ PKT_TCP_FIN, "[F]" },
		{ PKT_TCP_RST, "[R]" },
		{ PKT_TCP_PSH, "[P]" },
		{ PKT_TCP_ACK, "[.]" },
		{ PKT_TCP_URG, "[U]" },
		{ PKT_TCP_ECE, "[E]" },
		{ PKT_TCP_CWR, "[W]" },
		{ PKT_TCP_SYN | PKT_TCP_ACK, "[S.]" },
		{ PKT_TCP_PSH | PKT_TCP_ACK, "[P.]" },
		{ PKT_TCP_FIN | PKT_TCP_ACK, "[F.]" },
		{ PKT_TCP_RST | PKT_TCP_ACK, "[R.]" },
		{ PKT_TCP_SYN | PKT_TCP_ECE | PKT_TCP_CWR, "[SEW]" },
		{ 0xff, "[SFRP.UEW]" },
		{ 0, "[none]" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char want[128];
		struct pkt_info p;
		char *json;

		parse_pkt(PKT(ETH(0x0800), IPV4(6, "10.0.0.1", "10.0.0.2"),
			      TCP(40000, 80, cases[i].flags)),
			  &p);
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

static const struct pkt_case ipv4_icmp_cases[] = {
	{ "echo request", PKT(ETH(0x0800), IPV4(1, "10.0.0.1", "10.0.0.2"), ICMP(8, 0)),
	  .want = WANTS(WANT(l4, PKT_L4_ICMP), WANT(icmp_type, 8), WANT(icmp_code, 0)),
	  .line = "ICMP 10.0.0.1 > 10.0.0.2 echo-request",
	  .json_has = STRS("\"l4\":\"icmp\",\"icmp_type\":8,\"icmp_code\":0") },
	{ "echo reply", PKT(ETH(0x0800), IPV4(1, "10.0.0.2", "10.0.0.1"), ICMP(0, 0)),
	  .line = "ICMP 10.0.0.2 > 10.0.0.1 echo-reply" },
	{ "type and code", PKT(ETH(0x0800), IPV4(1, "10.0.0.1", "10.0.0.2"), ICMP(3, 3)),
	  .line = "ICMP 10.0.0.1 > 10.0.0.2 type 3 code 3" },
	{ "type, code 0", PKT(ETH(0x0800), IPV4(1, "10.0.0.1", "10.0.0.2"), ICMP(11, 0)),
	  .line = "ICMP 10.0.0.1 > 10.0.0.2 type 11" },
};

static const struct pkt_case ipv4_unknown_proto_cases[] = {
	{ "GRE", PKT(ETH(0x0800), IPV4(47, "10.0.0.1", "10.0.0.2"), ZERO(8)),
	  .want = WANTS(WANT(l4, PKT_L4_NONE), WANT(ip_proto, 47), WANT(truncated, PKT_LAYER_NONE)),
	  .line = "IP 10.0.0.1 > 10.0.0.2 proto 47" },
};

static const struct pkt_case ipv4_options_cases[] = {
	{ "IHL 15, DF",
	  PKT(ETH(0x0800), IPV4_OPTS(17, "10.0.0.1", "10.0.0.2", 0x4000, 10), UDP(53, 5353)),
	  .line = "UDP 10.0.0.1:53 > 10.0.0.2:5353" },
};

static const struct pkt_case ipv4_fragments_cases[] = {
	/* MF, offset 0, carries the UDP header. */
	{ "first fragment",
	  PKT(ETH(0x0800), IPV4_OPTS(17, "10.0.0.1", "10.0.0.2", 0x2000, 0), UDP(40000, 9),
	      ZERO(64)),
	  .want = WANTS(WANT(is_fragment, true), WANT(frag_more, true), WANT(frag_offset, 0),
			WANT(l4, PKT_L4_UDP)),
	  .line = "UDP 10.0.0.1:40000 > 10.0.0.2:9 frag 0+" },
	/* Offset 185 * 8 = 1480, no L4 header even though bytes that look like one follow. */
	{ "middle fragment",
	  PKT(ETH(0x0800), IPV4_OPTS(17, "10.0.0.1", "10.0.0.2", 0x2000 | 185, 0), UDP(1, 2)),
	  .want = WANTS(WANT(is_fragment, true), WANT(frag_offset, 1480), WANT(l4, PKT_L4_NONE),
			WANT(sport, 0), WANT(truncated, PKT_LAYER_NONE)),
	  .line = "IP 10.0.0.1 > 10.0.0.2 UDP frag 1480+",
	  .json_has = STRS("\"ip_proto\":17,\"frag_offset\":1480,\"frag_more\":true"),
	  .json_lacks = STRS("\"l4\"") },
	/* DF clear, unknown protocol. */
	{ "last fragment", PKT(ETH(0x0800), IPV4_OPTS(47, "10.0.0.1", "10.0.0.2", 370, 0), ZERO(8)),
	  .line = "IP 10.0.0.1 > 10.0.0.2 proto 47 frag 2960" },
};

static const struct pkt_case ipv6_udp_tcp_icmp6_cases[] = {
	{ "IPv6 UDP", PKT(ETH(0x86dd), IPV6(17, "2001:db8::1", "2001:db8::2"), UDP(40000, 9)),
	  .want = WANTS(WANT(l3, PKT_L3_IPV6),
			WANT_BYTES(src, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16),
			WANT(ttl, 255), WANT(ip_proto, 17), WANT(ext_hdrs, 0)),
	  .line = "UDP [2001:db8::1]:40000 > [2001:db8::2]:9",
	  .json = "\"l3\":\"ipv6\",\"src_mac\":\"02:00:00:00:00:01\","
		  "\"dst_mac\":\"02:00:00:00:00:02\",\"ethertype\":34525,"
		  "\"src\":\"2001:db8::1\",\"dst\":\"2001:db8::2\",\"ttl\":255,"
		  "\"ip_proto\":17,\"l4\":\"udp\",\"sport\":40000,\"dport\":9" },
	{ "IPv6 TCP",
	  PKT(ETH(0x86dd), IPV6(6, "2001:db8::1", "2001:db8::2"), TCP(40000, 443, PKT_TCP_RST)),
	  .line = "TCP [2001:db8::1]:40000 > [2001:db8::2]:443 [R]" },
	{ "neighbour solicitation", PKT(ETH(0x86dd), IPV6(58, "fe80::1", "ff02::1"), ICMP(135, 0)),
	  .want = WANTS(WANT(l4, PKT_L4_ICMP6), WANT(icmp_type, 135)),
	  .line = "ICMP6 fe80::1 > ff02::1 type 135" },
	{ "echo request", PKT(ETH(0x86dd), IPV6(58, "2001:db8::1", "2001:db8::2"), ICMP(128, 0)),
	  .line = "ICMP6 2001:db8::1 > 2001:db8::2 echo-request" },
	{ "type and code", PKT(ETH(0x86dd), IPV6(58, "2001:db8::1", "2001:db8::2"), ICMP(1, 4)),
	  .line = "ICMP6 2001:db8::1 > 2001:db8::2 type 1 code 4" },
	{ "no next header", PKT(ETH(0x86dd), IPV6(59, "2001:db8::1", "2001:db8::2")),
	  .line = "IP6 2001:db8::1 > 2001:db8::2 proto 59" },
};

static const struct pkt_case ipv6_ext_chain_cases[] = {
	/* Hop-by-hop (8 bytes), routing (24), destination options (16), AH ((2 + 2) * 4 = 16). */
	{ "four extension headers",
	  PKT(ETH(0x86dd), IPV6(0, "2001:db8::1", "2001:db8::2"), EXT(43, 0), EXT(60, 2),
	      EXT(51, 1), U8(6), U8(2), ZERO(14), TCP(1234, 22, PKT_TCP_SYN)),
	  .want = WANTS(WANT(ext_hdrs, 4), WANT(ip_proto, 6), WANT(l4, PKT_L4_TCP),
			WANT(sport, 1234), WANT(truncated, PKT_LAYER_NONE),
			WANT(malformed, PKT_LAYER_NONE)),
	  .line = "TCP [2001:db8::1]:1234 > [2001:db8::2]:22 [S]" },
};

static const struct pkt_case ipv6_fragments_cases[] = {
	/* The L4 header follows the fragment header. */
	{ "first fragment",
	  PKT(ETH(0x86dd), IPV6(44, "2001:db8::1", "2001:db8::2"), FRAG6(17, 0, true, 0xdeadbeef),
	      UDP(40000, 9)),
	  .want = WANTS(WANT(is_fragment, true), WANT(frag_more, true), WANT(frag_id, 0xdeadbeef),
			WANT(ext_hdrs, 1), WANT(l4, PKT_L4_UDP)),
	  .line = "UDP [2001:db8::1]:40000 > [2001:db8::2]:9 frag 0+" },
	/* No L4 header, the protocol is still known. */
	{ "non-first fragment",
	  PKT(ETH(0x86dd), IPV6(0, "2001:db8::1", "2001:db8::2"), EXT(44, 0),
	      FRAG6(17, 1448, false, 7), UDP(1, 2)),
	  .want = WANTS(WANT(frag_offset, 1448), WANT(frag_more, false), WANT(l4, PKT_L4_NONE),
			WANT(has_ip_proto, true), WANT(ip_proto, 17)),
	  .line = "IP6 2001:db8::1 > 2001:db8::2 UDP frag 1448" },
};

static const uint8_t mac_zero[6];

static const struct pkt_case arp_cases[] = {
	{ "request", PKT(ETH(0x0806), ARP(1, mac_a, "10.0.0.1", mac_zero, "10.0.0.2")),
	  .want = WANTS(WANT(l3, PKT_L3_ARP), WANT(arp_op, 1), WANT(arp_ipv4, true),
			WANT_BYTES(arp_sha, mac_a, 6)),
	  .line = "ARP who-has 10.0.0.2 tell 10.0.0.1",
	  .json = "\"l3\":\"arp\",\"src_mac\":\"02:00:00:00:00:01\","
		  "\"dst_mac\":\"02:00:00:00:00:02\",\"ethertype\":2054,"
		  "\"src\":\"10.0.0.1\",\"dst\":\"10.0.0.2\",\"arp_op\":1,"
		  "\"arp_sha\":\"02:00:00:00:00:01\",\"arp_tha\":\"00:00:00:00:00:00\"" },
	{ "reply", PKT(ETH(0x0806), ARP(2, mac_b, "10.0.0.2", mac_a, "10.0.0.1")),
	  .line = "ARP reply 10.0.0.2 is-at 02:00:00:00:00:02" },
	{ "InARP request", PKT(ETH(0x0806), ARP(8, mac_b, "10.0.0.2", mac_a, "10.0.0.1")),
	  .line = "ARP op 8" },
	/* Not Ethernet/IPv4: only the operation is decoded. */
	{ "not Ethernet/IPv4", PKT(ETH(0x0806), U16(6), U16(0x0800), U8(6), U8(4), U16(1)),
	  .want = WANTS(WANT(arp_ipv4, false), WANT(truncated, PKT_LAYER_NONE)),
	  .line = "ARP op 1" },
};

static const struct pkt_case vlan_cases[] = {
	{ "802.1Q",
	  PKT(ETH(0x8100), VLAN(5, 100, 0x0800), IPV4(17, "10.0.0.1", "10.0.0.2"), UDP(40000, 9)),
	  .want = WANTS(WANT(vlan_count, 1), WANT(vlan_tpid[0], 0x8100), WANT(vlan_id[0], 100),
			WANT(vlan_pcp[0], 5), WANT(ethertype, 0x0800)),
	  .line = "vlan 100 UDP 10.0.0.1:40000 > 10.0.0.2:9",
	  .json_has = STRS("\"ethertype\":2048,\"vlan\":[100],") },
	{ "802.1ad QinQ",
	  PKT(ETH(0x88a8), VLAN(0, 100, 0x8100), VLAN(0, 200, 0x86dd),
	      IPV6(17, "2001:db8::1", "2001:db8::2"), UDP(40000, 9)),
	  .want = WANTS(WANT(vlan_count, 2), WANT(vlan_tpid[0], 0x88a8), WANT(vlan_tpid[1], 0x8100),
			WANT(vlan_id[1], 200)),
	  .line = "vlan 100,200 UDP [2001:db8::1]:40000 > [2001:db8::2]:9",
	  .json_has = STRS("\"vlan\":[100,200]") },
	{ "pre-standard 0x9100 QinQ around ARP",
	  PKT(ETH(0x9100), VLAN(0, 4094, 0x8100), VLAN(0, 1, 0x0806),
	      ARP(1, mac_a, "10.0.0.1", mac_b, "10.0.0.2")),
	  .line = "vlan 4094,1 ARP who-has 10.0.0.2 tell 10.0.0.1" },
	/* A third tag is not parsed: its TPID is the ethertype. */
	{ "three tags",
	  PKT(ETH(0x88a8), VLAN(0, 10, 0x8100), VLAN(0, 20, 0x8100), VLAN(0, 30, 0x0800)),
	  .line = "vlan 10,20 ethertype 0x8100" },
};

static const struct pkt_case other_ethertypes_cases[] = {
	{ "LLDP", PKT(ETH(0x88cc), ZERO(30)),
	  .want = WANTS(WANT(l3, PKT_L3_OTHER), WANT(ethertype, 0x88cc)),
	  .line = "ethertype 0x88cc",
	  .json = "\"l3\":\"other\",\"src_mac\":\"02:00:00:00:00:01\","
		  "\"dst_mac\":\"02:00:00:00:00:02\",\"ethertype\":35020" },
	{ "802.3 length", PKT(ETH(38), ZERO(38)), .line = "802.3 len 38" },
};

/* Cut a packet at every offset and check the result is consistent. */
static void check_every_cut(const struct pb_step *pkt)
{
	char full_line[PKT_FORMAT_MAX], line[PKT_FORMAT_MAX];
	struct pkt_info full, p;
	struct pb pb;

	pb_build(&pb, pkt);
	parse_n(pb.b, pb.n, &full);
	assert_int_equal(full.truncated, PKT_LAYER_NONE);
	assert_int_equal(full.malformed, PKT_LAYER_NONE);
	packet__format(&full, full_line, sizeof(full_line));

	for (size_t len = 0; len <= pb.n; len++) {
		int n;

		parse_n(pb.b, len, &p);
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
	const struct pb_step *const pkts[] = {
		PKT(ETH(0x8100), VLAN(0, 7, 0x0800),
		    IPV4_OPTS(6, "192.168.1.1", "192.168.1.2", 0x4000, 2),
		    TCP(40000, 80, PKT_TCP_SYN), ZERO(4)),
		PKT(ETH(0x88a8), VLAN(0, 100, 0x8100), VLAN(0, 200, 0x86dd),
		    IPV6(0, "2001:db8::1", "2001:db8::2"), EXT(43, 0), EXT(44, 1),
		    FRAG6(60, 0, true, 1), EXT(17, 0), UDP(40000, 9), ZERO(3)),
		PKT(ETH(0x0806), ARP(1, mac_a, "10.0.0.1", mac_b, "10.0.0.2")),
		PKT(ETH(0x0800), IPV4(1, "10.0.0.1", "10.0.0.2"), ICMP(8, 0)),
		PKT(ETH(0x86dd), IPV6(58, "fe80::1", "ff02::1"), ICMP(135, 0)),
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(pkts); i++)
		check_every_cut(pkts[i]);
}

static const struct pkt_case truncated_lines_cases[] = {
	{ "IPv4 UDP cut at 10", PKT(V4_UDP), 10, .line = "ether [truncated]",
	  .json = "\"l3\":\"none\",\"truncated\":\"l2\"" },
	{ "IPv4 UDP cut at 20", PKT(V4_UDP), 20, .line = "IP [truncated]" },
	/* IP header complete, UDP header absent. */
	{ "IPv4 UDP cut at 34", PKT(V4_UDP), 34, .want = WANTS(WANT(truncated, PKT_LAYER_L4)),
	  .line = "IP 10.0.0.1 > 10.0.0.2 UDP [truncated]" },
	/* Ports only. */
	{ "IPv4 UDP cut at 38", PKT(V4_UDP), 38, .want = WANTS(WANT(l4, PKT_L4_UDP)),
	  .line = "UDP 10.0.0.1:40000 > 10.0.0.2:9 [truncated]" },
	/* Ports but no flags. */
	{ "IPv6 TCP cut at 64",
	  PKT(ETH(0x86dd), IPV6(6, "2001:db8::1", "2001:db8::2"), TCP(40000, 80, PKT_TCP_SYN)),
	  14 + 40 + 10, .line = "TCP [2001:db8::1]:40000 > [2001:db8::2]:80 [truncated]",
	  .json_has = STRS("\"truncated\":\"l4\""), .json_lacks = STRS("tcp_flags") },
	{ "VLAN cut at 16", PKT(ETH(0x8100), VLAN(0, 5, 0x0800)), 16, .line = "ether [truncated]" },
	{ "VLAN cut at 18", PKT(ETH(0x8100), VLAN(0, 5, 0x0800)), 18,
	  .line = "vlan 5 IP [truncated]" },
};

/* Byte 14 is the IPv4 version and IHL, 16 and 17 its total length. */
static const struct pkt_case bogus_ipv4_cases[] = {
	/* IHL 3: addresses are readable, nothing past them is trusted. */
	{ "IHL 3", PKT(V4_UDP, FINISH(), POKE(14, 0x43)),
	  .want = WANTS(WANT(malformed, PKT_LAYER_L3), WANT(l4, PKT_L4_NONE)),
	  .line = "IP 10.0.0.1 > 10.0.0.2 UDP [malformed]",
	  .json_has = STRS("\"malformed\":\"l3\"") },
	/* Only the UDP header follows 20 bytes: the options are cut. Total length 0 is
	 * unknown, so the cut is the copy's. */
	{ "IHL 15, no total length",
	  PKT(V4_UDP, FINISH(), POKE(14, 0x4f), POKE(16, 0), POKE(17, 0)),
	  .want = WANTS(WANT(truncated, PKT_LAYER_L3), WANT(malformed, PKT_LAYER_NONE)),
	  .line = "IP 10.0.0.1 > 10.0.0.2 UDP [truncated]" },
	/* The header is longer than the packet. */
	{ "IHL 15, total length 28",
	  PKT(V4_UDP, FINISH(), POKE(14, 0x4f), POKE(16, 0), POKE(17, 28)),
	  .want = WANTS(WANT(malformed, PKT_LAYER_L3)) },
	/* Total length 24 cannot hold the UDP header. */
	{ "total length 24", PKT(V4_UDP, FINISH(), POKE(14, 0x45), POKE(16, 0), POKE(17, 24)),
	  .want = WANTS(WANT(malformed, PKT_LAYER_L4), WANT(truncated, PKT_LAYER_NONE)),
	  .line = "UDP 10.0.0.1:40000 > 10.0.0.2:9 [malformed]" },
	{ "version 6 in an IPv4 ethertype",
	  PKT(V4_UDP, FINISH(), POKE(14, 0x65), POKE(16, 0), POKE(17, 24)),
	  .want = WANTS(WANT(malformed, PKT_LAYER_L3), WANT(has_addrs, false)),
	  .line = "IP [malformed]" },
	/* Ethernet padding after a short IP packet is not a header. */
	{ "Ethernet padding", PKT(V4_UDP, FINISH(), PAD_TO(60)),
	  .want = WANTS(WANT(truncated, PKT_LAYER_NONE), WANT(malformed, PKT_LAYER_NONE)),
	  .line = "UDP 10.0.0.1:40000 > 10.0.0.2:9" },
	/* Flags are shown, the header is flagged. */
	{ "TCP data offset below 5",
	  PKT(ETH(0x0800), IPV4(6, "10.0.0.1", "10.0.0.2"), TCP(1, 2, PKT_TCP_SYN), FINISH(),
	      POKE(14 + 20 + 12, 0x20)),
	  .want = WANTS(WANT(malformed, PKT_LAYER_L4)),
	  .line = "TCP 10.0.0.1:1 > 10.0.0.2:2 [S] [malformed]" },
};

static const struct pkt_case bogus_ipv6_cases[] = {
	/* Length 255 (2048 bytes); payload length 0 is unknown, so the cut is the copy's. */
	{ "extension header past the copy",
	  PKT(ETH(0x86dd), IPV6(0, "2001:db8::1", "2001:db8::2"), EXT(17, 0), UDP(40000, 9),
	      POKE(14 + 40 + 1, 255), NO_LENGTH()),
	  .want = WANTS(WANT(truncated, PKT_LAYER_L3), WANT(malformed, PKT_LAYER_NONE),
			WANT(has_ip_proto, false)),
	  .line = "IP6 2001:db8::1 > 2001:db8::2 [truncated]" },
	/* The same with a payload length that the header overruns. */
	{ "extension header past the payload",
	  PKT(ETH(0x86dd), IPV6(0, "2001:db8::1", "2001:db8::2"), EXT(17, 0), UDP(40000, 9),
	      POKE(14 + 40 + 1, 255), NO_LENGTH(), POKE(14 + 5, 16)),
	  .want = WANTS(WANT(malformed, PKT_LAYER_L3)),
	  .line = "IP6 2001:db8::1 > 2001:db8::2 [malformed]" },
	/* An endless chain of destination options stops at the bound. */
	{ "40 extension headers",
	  PKT(ETH(0x86dd), IPV6(60, "2001:db8::1", "2001:db8::2"), EXT_CHAIN(40, 60)),
	  .want = WANTS(WANT(ext_hdrs, PKT_MAX_EXT_HDRS), WANT(malformed, PKT_LAYER_L3),
			WANT(truncated, PKT_LAYER_NONE)),
	  .line = "IP6 2001:db8::1 > 2001:db8::2 [malformed]" },
	{ "PKT_MAX_EXT_HDRS extension headers",
	  PKT(ETH(0x86dd), IPV6(60, "2001:db8::1", "2001:db8::2"), EXT_CHAIN(PKT_MAX_EXT_HDRS, 17),
	      UDP(1, 2)),
	  .line = "UDP [2001:db8::1]:1 > [2001:db8::2]:2" },
	{ "version 4 in an IPv6 ethertype",
	  PKT(ETH(0x86dd), IPV6(17, "2001:db8::1", "2001:db8::2"), FINISH(), POKE(14, 0x45)),
	  .line = "IP6 [malformed]" },
};

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
	static const uint16_t types[] = { 0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8, 0x9100, 0x88cc };
	static const uint8_t protos[] = { 0, 1, 6, 17, 43, 44, 51, 58, 60 };
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
	int n;

	(void)state;
	parse_pkt(PKT(ETH(0x88a8), VLAN(0, 4095, 0x8100), VLAN(0, 4095, 0x86dd),
		      IPV6(44, "2001:db8:1111:2222:3333:4444:5555:6666",
			   "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff"),
		      FRAG6(6, 0, true, 1), TCP(65535, 65535, 0xff), FINISH(),
		      POKE(14 + 8 + 40 + 8 + 12, 0x10)), /* TCP data offset 1 */
		  &p);
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
		{ "tcp", 0, 6 },	  { "UDP", 0, 17 },	    { "icmp", 0x0800, 1 },
		{ "icmp6", 0x86dd, 58 },  { "ICMPv6", 0x86dd, 58 }, { "sctp", 0, 132 },
		{ "gre", 0, 47 },	  { "esp", 0, 50 },	    { "ah", 0, 51 },
		{ "udplite", 0, 136 },	  { "ipv4", 0x0800, -1 },   { "ip", 0x0800, -1 },
		{ "ipv6", 0x86dd, -1 },	  { "ip6", 0x86dd, -1 },    { "arp", 0x0806, -1 },
		{ "ip:47", 0, 47 },	  { "ip:0", 0, 0 },	    { "ip:255", 0, 255 },
		{ "0x88cc", 0x88cc, -1 }, { "0X8906", 0x8906, -1 }, { "0x0600", 0x0600, -1 },
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
	/* Which packets each protocol filter matches. */
	const struct {
		const char *proto;
		const struct pkt_info *p;
		bool match;
	} cases[] = {
		{ "udp", &v4udp, true },    { "udp", &v6frag, true },	  { "udp", &arp, false },
		{ "udp", &trunc, false },   { "udp", &vlan_v4, false },	  { "tcp", &vlan_v4, true },
		{ "ipv6", &v6frag, true },  { "ipv6", &trunc, true },	  { "ipv6", &v4udp, false },
		{ "arp", &arp, true },	    { "arp", &v4udp, false },	  { "icmp", &v4udp, false },
		{ "0x0800", &v4udp, true }, { "0x0800", &vlan_v4, true },
	};
	struct pkt_proto f;

	(void)state;
	parse_pkt(PKT(ETH(0x0800), IPV4(17, "10.0.0.1", "10.0.0.2"), UDP(1, 2)), &v4udp);
	parse_pkt(PKT(ETH(0x86dd), IPV6(44, "2001:db8::1", "2001:db8::2"), FRAG6(17, 8, false, 1)),
		  &v6frag);
	parse_pkt(PKT(ETH(0x0806), ARP(1, mac_a, "10.0.0.1", mac_b, "10.0.0.2")), &arp);
	/* Hop-by-hop header missing: protocol unknown. */
	parse_pkt(PKT(ETH(0x86dd), IPV6(0, "2001:db8::1", "2001:db8::2")), &trunc);
	parse_pkt(
		PKT(ETH(0x8100), VLAN(0, 3, 0x0800), IPV4(6, "10.0.0.1", "10.0.0.2"), TCP(1, 2, 0)),
		&vlan_v4);

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(packet__proto_parse(cases[i].proto, &f), 0);
		if (packet__proto_match(&f, cases[i].p) != cases[i].match)
			fail_msg("case %zu: proto %s should%s match", i, cases[i].proto,
				 cases[i].match ? "" : " not");
	}
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

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		CASES(ipv4_udp),
		cmocka_unit_test(test_ipv4_tcp_flags),
		CASES(ipv4_icmp),
		CASES(ipv4_unknown_proto),
		CASES(ipv4_options),
		CASES(ipv4_fragments),
		CASES(ipv6_udp_tcp_icmp6),
		CASES(ipv6_ext_chain),
		CASES(ipv6_fragments),
		CASES(arp),
		CASES(vlan),
		CASES(other_ethertypes),
		cmocka_unit_test(test_truncated_every_offset),
		CASES(truncated_lines),
		CASES(bogus_ipv4),
		CASES(bogus_ipv6),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_format_small_buffers),
		cmocka_unit_test(test_proto_parse),
		cmocka_unit_test(test_proto_match),
		cmocka_unit_test(test_ethertype_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
