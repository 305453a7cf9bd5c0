/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Defensive parser for the first bytes of a dropped packet, as the BPF side
 * copies them: starting at an Ethernet header (synthesized by BPF when the
 * skb has none), at most snaplen bytes. Nothing here trusts a length field:
 * every read is checked against the captured length, and a header that
 * cannot be read is reported instead of guessed.
 *
 * The parser walks Ethernet -> up to two VLAN tags -> IPv4 / IPv6 (with its
 * extension headers) / ARP -> TCP / UDP / ICMP / ICMPv6 and stops at the
 * first layer it cannot complete, recording why in `truncated` (the copy
 * ended) or `malformed` (a header field is impossible).
 */
#ifndef DROPSCOPE_PACKET_H
#define DROPSCOPE_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/json.h"

/* EtherTypes the parser knows, host order. */
#define PKT_ETH_P_IPV4	 0x0800
#define PKT_ETH_P_ARP	 0x0806
#define PKT_ETH_P_8021Q	 0x8100
#define PKT_ETH_P_8021AD 0x88a8
#define PKT_ETH_P_QINQ1	 0x9100 /* pre-802.1ad QinQ, still seen on old switches */
#define PKT_ETH_P_IPV6	 0x86dd

/* Outer and inner tag; a third tag is left unparsed (ethertype = its TPID). */
#define PKT_MAX_VLANS 2

/*
 * Bound on IPv6 extension headers walked. Real stacks send at most a handful
 * (RFC 8200 section 4.1 lists 6 kinds, each at most once or twice); the bound
 * keeps a crafted chain from costing more than a few iterations.
 */
#define PKT_MAX_EXT_HDRS 8

/* Size of a buffer that always holds packet__format()'s output untruncated. */
#define PKT_FORMAT_MAX 192

/* Where parsing stopped, for `truncated` and `malformed`. */
enum pkt_layer {
	PKT_LAYER_NONE = 0, /* nothing stopped it: every known header was read */
	PKT_LAYER_L2,	    /* Ethernet header or VLAN tag */
	PKT_LAYER_L3,	    /* IPv4 header and options, IPv6 header and extension headers, ARP */
	PKT_LAYER_L4,	    /* TCP / UDP / ICMP / ICMPv6 header */
};

enum pkt_l3 {
	PKT_L3_NONE = 0, /* Ethernet header (or a VLAN tag) incomplete */
	PKT_L3_IPV4,
	PKT_L3_IPV6,
	PKT_L3_ARP,
	PKT_L3_OTHER, /* ethertype the parser does not know (or < 0x600: 802.3 length) */
};

enum pkt_l4 {
	PKT_L4_NONE = 0, /* no L4 header read: see ip_proto, truncated, frag_offset */
	PKT_L4_TCP,
	PKT_L4_UDP,
	PKT_L4_ICMP,
	PKT_L4_ICMP6,
};

/* TCP flag bits as in the header's 13th byte. */
#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04
#define PKT_TCP_PSH 0x08
#define PKT_TCP_ACK 0x10
#define PKT_TCP_URG 0x20
#define PKT_TCP_ECE 0x40
#define PKT_TCP_CWR 0x80

/*
 * Result of packet__parse(). Multi-byte numbers are in host order, addresses
 * in network order. A field is meaningful only when the layer it belongs to
 * was reached (l3 / l4 say so, has_addrs for the addresses).
 */
struct pkt_info {
	uint32_t caplen;  /* bytes that were available to the parser */
	uint32_t origlen; /* length of the packet on the wire, as given */

	/* L2 */
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	uint8_t vlan_count;		   /* tags parsed, outermost first */
	uint16_t vlan_tpid[PKT_MAX_VLANS]; /* 0x8100, 0x88a8 or 0x9100 */
	uint16_t vlan_id[PKT_MAX_VLANS];   /* 12-bit VID */
	uint8_t vlan_pcp[PKT_MAX_VLANS];   /* priority code point */
	uint16_t ethertype;		   /* after the VLAN tags; < 0x600 is an 802.3 length */

	/* L3 */
	enum pkt_l3 l3;
	bool has_addrs; /* src / dst (and for ARP the MACs) were read */
	/*
	 * IPv4 (first 4 bytes), IPv6, or for ARP the sender and target protocol
	 * addresses when they are IPv4 (arp_ipv4).
	 */
	uint8_t src[16];
	uint8_t dst[16];
	uint8_t ttl;	      /* IPv4 TTL or IPv6 hop limit */
	uint8_t tos;	      /* IPv4 TOS or IPv6 traffic class */
	bool has_ip_proto;    /* ip_proto is valid (header read far enough) */
	uint8_t ip_proto;     /* IPv4 protocol, or IPv6 upper-layer next header */
	uint8_t ext_hdrs;     /* IPv6 extension headers walked */
	uint16_t ip_id;	      /* IPv4 identification */
	bool ip_df;	      /* IPv4 don't-fragment */
	bool is_fragment;     /* IPv4 MF or offset != 0, or an IPv6 fragment header */
	bool frag_more;	      /* more fragments follow */
	uint32_t frag_offset; /* in bytes; != 0 means no L4 header in this packet */
	uint32_t frag_id;     /* IPv6 fragment identification */

	/* ARP, l3 == PKT_L3_ARP */
	uint16_t arp_op;    /* 1 request, 2 reply; 0 (reserved) = not read */
	bool arp_ipv4;	    /* Ethernet/IPv4 ARP; other kinds only get arp_op */
	uint8_t arp_sha[6]; /* sender hardware address */
	uint8_t arp_tha[6]; /* target hardware address */

	/*
	 * L4. With truncated == PKT_LAYER_L4 and l4 set to TCP or UDP, only the
	 * ports were read (the copy ended inside the rest of the header).
	 */
	enum pkt_l4 l4;
	uint16_t sport; /* TCP / UDP */
	uint16_t dport;
	uint8_t tcp_flags; /* PKT_TCP_*, in a complete TCP header */
	uint8_t icmp_type; /* ICMP / ICMPv6 */
	uint8_t icmp_code;

	/* The copy ended inside this layer's header (PKT_LAYER_NONE: it did not). */
	enum pkt_layer truncated;
	/*
	 * A header of this layer has an impossible field: IPv4 IHL < 5 or a total
	 * length below it, wrong IP version, an IPv6 extension header running
	 * past the payload length, more than PKT_MAX_EXT_HDRS extension headers,
	 * TCP data offset < 5. Parsing stops there.
	 */
	enum pkt_layer malformed;
};

/*
 * Parse `caplen` bytes starting at an Ethernet header. Never reads past
 * data + caplen, never fails: what could not be read is left zero and
 * reported through truncated / malformed. `data` may be NULL when caplen is 0.
 */
void packet__parse(const uint8_t *data, size_t caplen, uint32_t origlen, struct pkt_info *p);

/*
 * The tcpdump-like middle of an event line, without timestamp, device or
 * length (the event line prints those itself):
 *
 *   [vlan ID[,ID] ]BODY[ frag OFF[+]][ [truncated]][ [malformed]]
 *
 * where BODY is one of
 *   UDP 10.0.0.1:40000 > 10.0.0.2:9
 *   TCP 10.0.0.1:40000 > 10.0.0.2:80 [S.]      flags in the order S F R P . U E W,
 *                                                "[none]" when no flag is set
 *   UDP [2001:db8::1]:40000 > [2001:db8::2]:9  IPv6 addresses bracketed before ports
 *   ICMP 10.0.0.1 > 10.0.0.2 echo-request      echo-request / echo-reply by name,
 *   ICMP 10.0.0.1 > 10.0.0.2 type 3 code 3     else "type T", plus " code C" if C != 0
 *   ICMP6 fe80::1 > ff02::1 type 135
 *   IP 10.0.0.1 > 10.0.0.2 proto 47            no L4 header parsed: the protocol's
 *   IP6 2001:db8::1 > 2001:db8::2 UDP          name (TCP, UDP, ICMP, ICMP6) or number,
 *                                              e.g. a non-first fragment or a cut header
 *   IP 10.0.0.1 > 10.0.0.2                     protocol unknown (L3 header cut or bad)
 *   IP                                         not even the addresses were read
 *   ARP who-has 10.0.0.2 tell 10.0.0.1
 *   ARP reply 10.0.0.2 is-at 02:00:00:00:00:02
 *   ARP op 3                                   other operations and non-IPv4 ARP
 *   ethertype 0x88cc                           unknown ethertype
 *   802.3 len 38                               length field instead of an ethertype
 *   ether                                      Ethernet header (or VLAN tag) cut
 *
 * "frag OFF" appears for fragments (OFF in bytes, "+" when more follow).
 *
 * Returns what snprintf() would: the length of the full text, which was
 * truncated to fit `len` bytes (always NUL-terminated when len > 0).
 */
int packet__format(const struct pkt_info *p, char *buf, size_t len);

/*
 * Write the packet's fields as JSON members of the object j is in (the
 * caller's event object; lib/json.h places the commas). Always writes
 * "l3" first; the others, in this order, only
 * when known:
 *
 *   "l3":"ipv4"|"ipv6"|"arp"|"other"|"none"
 *   "src_mac","dst_mac":"02:00:00:00:00:01"  "ethertype":2048 (number)
 *   "vlan":[100,200]
 *   "src","dst":"10.0.0.1" (ARP: sender / target IPv4 address)
 *   "ttl":64 (IPv6 hop limit too)  "df":true (IPv4 only)  "ip_proto":17
 *   "frag_offset":1480,"frag_more":false (fragments only)
 *   "arp_op":1,"arp_sha","arp_tha":"02:00:00:00:00:01"
 *   "l4":"tcp"|"udp"|"icmp"|"icmp6"  "sport":40000,"dport":9
 *   "tcp_flags":"S."  "icmp_type":8,"icmp_code":0
 *   "truncated":"l2"|"l3"|"l4"  "malformed":"l2"|"l3"|"l4"
 *
 * Lengths are left to the caller, which has them in the event record.
 * Returns json_error(j): 0, or -EIO when the stream reports an error.
 */
int packet__json(const struct pkt_info *p, struct json *j);

/*
 * What a --proto name selects. ethertype 0 with ip_proto >= 0 means "IPv4 or
 * IPv6 carrying ip_proto" (tcp, udp, ...); ip_proto -1 means any payload of
 * that ethertype (ipv4, ipv6, arp).
 */
struct pkt_proto {
	uint16_t ethertype; /* host order, 0 = IPv4 or IPv6 */
	int ip_proto;	    /* IPPROTO_*, -1 = any */
};

/*
 * Parse a protocol name, case-insensitive: tcp udp icmp icmp6 (icmpv6) sctp
 * gre esp ah udplite ipv4 (ip) ipv6 (ip6) arp, "ip:N" for IP protocol N
 * (0-255, over IPv4 or IPv6), or a raw ethertype "0xNNNN". Returns 0 or
 * -EINVAL.
 */
int packet__proto_parse(const char *name, struct pkt_proto *out);

/* The accepted names, for --help: "tcp, udp, ..." */
const char *packet__proto_names(void);

/*
 * Does a parsed packet match? IP protocols match the upper-layer protocol
 * after IPv6 extension headers, including non-first fragments.
 */
bool packet__proto_match(const struct pkt_proto *f, const struct pkt_info *p);

/* "IPv4", "IPv6", "ARP" for those ethertypes (host order), else NULL. */
const char *packet__ethertype_name(uint16_t ethertype);

#endif /* DROPSCOPE_PACKET_H */
