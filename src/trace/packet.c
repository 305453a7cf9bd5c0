// SPDX-License-Identifier: GPL-2.0
/*
 * Packet header parser and formatters for events mode. See packet.h.
 *
 * All reads go through pp_avail(), which checks both the captured length
 * and, once an IP header said how long its packet is, that length: bytes
 * past the IP packet (Ethernet padding) are never taken for a header.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "trace/packet.h"

#define ETH_HLEN      14
#define VLAN_HLEN     4
#define IPV4_MIN_HLEN 20
#define IPV6_HLEN     40
#define ARP_HLEN      8	 /* fixed part before the addresses */
#define ARP_ETH_IPV4  28 /* with Ethernet and IPv4 addresses */
#define TCP_MIN_HLEN  20
#define UDP_HLEN      8
#define ICMP_MIN_HLEN 4 /* type, code, checksum */

/* Parser state that does not belong in the result. */
struct pparse {
	const uint8_t *data;
	size_t caplen;
	size_t ip_end; /* end of the IP packet per its length field, SIZE_MAX if unknown */
	struct pkt_info *p;
};

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/*
 * May n bytes at off be read as a header of `layer`? If not, record why:
 * past the IP packet's own length is a malformed header (the sender says the
 * packet ends earlier), past the captured bytes is a truncated copy.
 */
static bool pp_avail(struct pparse *pp, size_t off, size_t n, enum pkt_layer layer)
{
	if (off > pp->ip_end || n > pp->ip_end - off) {
		pp->p->malformed = layer;
		return false;
	}
	if (off > pp->caplen || n > pp->caplen - off) {
		pp->p->truncated = layer;
		return false;
	}
	return true;
}

static void parse_l4(struct pparse *pp, size_t off)
{
	struct pkt_info *p = pp->p;
	const uint8_t *h = pp->data + off;

	switch (p->ip_proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		/* Ports first: they are what a drop is looked up by. */
		if (!pp_avail(pp, off, 4, PKT_LAYER_L4))
			return;
		p->l4 = p->ip_proto == IPPROTO_TCP ? PKT_L4_TCP : PKT_L4_UDP;
		p->sport = get16(h);
		p->dport = get16(h + 2);
		if (p->l4 == PKT_L4_UDP) {
			pp_avail(pp, off, UDP_HLEN, PKT_LAYER_L4);
			return;
		}
		if (!pp_avail(pp, off, TCP_MIN_HLEN, PKT_LAYER_L4))
			return;
		p->tcp_flags = h[13];
		if (h[12] >> 4 < 5)
			p->malformed = PKT_LAYER_L4;
		return;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (!pp_avail(pp, off, ICMP_MIN_HLEN, PKT_LAYER_L4))
			return;
		p->l4 = p->ip_proto == IPPROTO_ICMP ? PKT_L4_ICMP : PKT_L4_ICMP6;
		p->icmp_type = h[0];
		p->icmp_code = h[1];
		return;
	default:
		return;
	}
}

static void parse_ipv4(struct pparse *pp, size_t off)
{
	struct pkt_info *p = pp->p;
	const uint8_t *h = pp->data + off;
	unsigned int ihl, tot_len, frag;

	p->l3 = PKT_L3_IPV4;
	if (!pp_avail(pp, off, 1, PKT_LAYER_L3))
		return;
	if (h[0] >> 4 != 4) {
		p->malformed = PKT_LAYER_L3;
		return;
	}
	if (!pp_avail(pp, off, IPV4_MIN_HLEN, PKT_LAYER_L3))
		return;

	p->tos = h[1];
	tot_len = get16(h + 2);
	p->ip_id = get16(h + 4);
	frag = get16(h + 6);
	p->ip_df = frag & 0x4000;
	p->frag_more = frag & 0x2000;
	p->frag_offset = (frag & 0x1fff) * 8;
	p->is_fragment = p->frag_more || p->frag_offset;
	p->ttl = h[8];
	p->ip_proto = h[9];
	p->has_ip_proto = true;
	memcpy(p->src, h + 12, 4);
	memcpy(p->dst, h + 16, 4);
	p->has_addrs = true;

	/* Addresses and protocol are still shown: they are what identifies the flow. */
	ihl = (h[0] & 0xf) * 4;
	if (ihl < IPV4_MIN_HLEN) {
		p->malformed = PKT_LAYER_L3;
		return;
	}
	/* 0 is what GSO and BIG TCP packets carry: the length is unknown, not short. */
	if (tot_len) {
		if (tot_len < ihl) {
			p->malformed = PKT_LAYER_L3;
			return;
		}
		pp->ip_end = off + tot_len;
	}
	if (!pp_avail(pp, off, ihl, PKT_LAYER_L3))
		return;
	/* Only the first fragment carries the L4 header. */
	if (p->frag_offset)
		return;
	parse_l4(pp, off + ihl);
}

static void parse_ipv6(struct pparse *pp, size_t off)
{
	struct pkt_info *p = pp->p;
	const uint8_t *h = pp->data + off;
	unsigned int payload_len;
	size_t hlen;
	uint8_t nh;

	p->l3 = PKT_L3_IPV6;
	if (!pp_avail(pp, off, 1, PKT_LAYER_L3))
		return;
	if (h[0] >> 4 != 6) {
		p->malformed = PKT_LAYER_L3;
		return;
	}
	if (!pp_avail(pp, off, IPV6_HLEN, PKT_LAYER_L3))
		return;

	p->tos = (uint8_t)(get16(h) >> 4);
	payload_len = get16(h + 4);
	nh = h[6];
	p->ttl = h[7];
	memcpy(p->src, h + 8, 16);
	memcpy(p->dst, h + 24, 16);
	p->has_addrs = true;
	/* 0: jumbogram or BIG TCP, length unknown. */
	if (payload_len)
		pp->ip_end = off + IPV6_HLEN + payload_len;
	off += IPV6_HLEN;

	for (;;) {
		switch (nh) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case IPPROTO_AH:
		case IPPROTO_FRAGMENT:
			break;
		default:
			p->ip_proto = nh;
			p->has_ip_proto = true;
			parse_l4(pp, off);
			return;
		}
		if (p->ext_hdrs >= PKT_MAX_EXT_HDRS) {
			p->malformed = PKT_LAYER_L3;
			return;
		}
		if (!pp_avail(pp, off, 2, PKT_LAYER_L3))
			return;
		h = pp->data + off;
		if (nh == IPPROTO_FRAGMENT) {
			hlen = 8;
		} else if (nh == IPPROTO_AH) {
			/* AH counts 32-bit words minus 2 (RFC 4302), the others 8 bytes minus 1. */
			hlen = ((size_t)h[1] + 2) * 4;
		} else {
			hlen = ((size_t)h[1] + 1) * 8;
		}
		if (!pp_avail(pp, off, hlen, PKT_LAYER_L3))
			return;
		p->ext_hdrs++;
		if (nh == IPPROTO_FRAGMENT) {
			unsigned int fo = get16(h + 2);

			p->is_fragment = true;
			p->frag_offset = fo & 0xfff8;
			p->frag_more = fo & 1;
			p->frag_id = get32(h + 4);
			if (p->frag_offset) {
				/*
				 * The rest of the chain and the L4 header are in
				 * the first fragment: report what this one says
				 * follows and stop.
				 */
				p->ip_proto = h[0];
				p->has_ip_proto = true;
				return;
			}
		}
		nh = h[0];
		off += hlen;
	}
}

static void parse_arp(struct pparse *pp, size_t off)
{
	struct pkt_info *p = pp->p;
	const uint8_t *h = pp->data + off;

	p->l3 = PKT_L3_ARP;
	if (!pp_avail(pp, off, ARP_HLEN, PKT_LAYER_L3))
		return;
	p->arp_op = get16(h + 6);
	/* Only Ethernet/IPv4 has a layout worth decoding on an Ethernet capture. */
	if (get16(h) != 1 || get16(h + 2) != PKT_ETH_P_IPV4 || h[4] != 6 || h[5] != 4)
		return;
	p->arp_ipv4 = true;
	if (!pp_avail(pp, off, ARP_ETH_IPV4, PKT_LAYER_L3))
		return;
	memcpy(p->arp_sha, h + 8, 6);
	memcpy(p->src, h + 14, 4);
	memcpy(p->arp_tha, h + 18, 6);
	memcpy(p->dst, h + 24, 4);
	p->has_addrs = true;
}

static bool is_vlan_tpid(uint16_t type)
{
	return type == PKT_ETH_P_8021Q || type == PKT_ETH_P_8021AD || type == PKT_ETH_P_QINQ1;
}

void packet__parse(const uint8_t *data, size_t caplen, uint32_t origlen, struct pkt_info *p)
{
	struct pparse pp = {
		.data = data,
		.caplen = data ? caplen : 0,
		.ip_end = SIZE_MAX,
		.p = p,
	};
	size_t off = ETH_HLEN;

	memset(p, 0, sizeof(*p));
	p->caplen = pp.caplen > UINT32_MAX ? UINT32_MAX : (uint32_t)pp.caplen;
	p->origlen = origlen;

	if (!pp_avail(&pp, 0, ETH_HLEN, PKT_LAYER_L2))
		return;
	memcpy(p->dst_mac, data, 6);
	memcpy(p->src_mac, data + 6, 6);
	p->ethertype = get16(data + 12);

	while (is_vlan_tpid(p->ethertype) && p->vlan_count < PKT_MAX_VLANS) {
		uint16_t tci;

		if (!pp_avail(&pp, off, VLAN_HLEN, PKT_LAYER_L2))
			return;
		tci = get16(data + off);
		p->vlan_tpid[p->vlan_count] = p->ethertype;
		p->vlan_id[p->vlan_count] = tci & 0x0fff;
		p->vlan_pcp[p->vlan_count] = tci >> 13;
		p->vlan_count++;
		p->ethertype = get16(data + off + 2);
		off += VLAN_HLEN;
	}

	switch (p->ethertype) {
	case PKT_ETH_P_IPV4:
		parse_ipv4(&pp, off);
		break;
	case PKT_ETH_P_IPV6:
		parse_ipv6(&pp, off);
		break;
	case PKT_ETH_P_ARP:
		parse_arp(&pp, off);
		break;
	default:
		p->l3 = PKT_L3_OTHER;
		break;
	}
}

/* snprintf() that appends and keeps counting past the end of the buffer. */
struct sbuf {
	char *buf;
	size_t len;
	size_t pos;
};

__attribute__((format(printf, 2, 3))) static void sb_printf(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s->pos < s->len ? s->buf + s->pos : NULL,
		      s->pos < s->len ? s->len - s->pos : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->pos += (size_t)n;
}

/*
 * Appending without printf: events mode formats every dropped packet of a
 * flood, and vsnprintf's format parsing (and glibc's inet_ntop(), which
 * prints IPv4 through sprintf) was a third of the reader's time per event.
 * Past the end, only the length counts on, as sb_printf's.
 */
static void sb_mem(struct sbuf *s, const char *m, size_t n)
{
	if (s->pos < s->len) {
		size_t room = s->len - s->pos - 1, k = n < room ? n : room;

		memcpy(s->buf + s->pos, m, k);
		s->buf[s->pos + k] = '\0';
	}
	s->pos += n;
}

static void sb_str(struct sbuf *s, const char *str)
{
	sb_mem(s, str, strlen(str));
}

static void sb_uint(struct sbuf *s, unsigned v)
{
	char d[12];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_mem(s, d + i, sizeof(d) - i);
}

/* Dotted quad into buf (at least INET_ADDRSTRLEN bytes). */
static void ipv4_str(const uint8_t *a, char *buf)
{
	struct sbuf s = { .buf = buf, .len = INET_ADDRSTRLEN };

	for (int i = 0; i < 4; i++) {
		if (i)
			sb_mem(&s, ".", 1);
		sb_uint(&s, a[i]);
	}
}

static const char *addr_str(const struct pkt_info *p, const uint8_t *addr, char *buf, size_t len)
{
	int af = p->l3 == PKT_L3_IPV6 ? AF_INET6 : AF_INET;

	if (af == AF_INET && len >= INET_ADDRSTRLEN) {
		ipv4_str(addr, buf);
		return buf;
	}
	if (!inet_ntop(af, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static void mac_str(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void tcp_flags_str(uint8_t f, char *buf)
{
	/* tcpdump's letters and order, so lines can be compared with its output. */
	static const struct {
		uint8_t bit;
		char c;
	} letters[] = {
		{ PKT_TCP_SYN, 'S' }, { PKT_TCP_FIN, 'F' }, { PKT_TCP_RST, 'R' },
		{ PKT_TCP_PSH, 'P' }, { PKT_TCP_ACK, '.' }, { PKT_TCP_URG, 'U' },
		{ PKT_TCP_ECE, 'E' }, { PKT_TCP_CWR, 'W' },
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof(letters) / sizeof(letters[0]); i++) {
		if (f & letters[i].bit)
			buf[n++] = letters[i].c;
	}
	buf[n] = '\0';
}

static const char *ip_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	case IPPROTO_ICMP:
		return "ICMP";
	case IPPROTO_ICMPV6:
		return "ICMP6";
	default:
		return NULL;
	}
}

static const char *icmp_name(const struct pkt_info *p)
{
	if (p->l4 == PKT_L4_ICMP) {
		if (p->icmp_type == 0)
			return "echo-reply";
		if (p->icmp_type == 8)
			return "echo-request";
	} else {
		if (p->icmp_type == 128)
			return "echo-request";
		if (p->icmp_type == 129)
			return "echo-reply";
	}
	return NULL;
}

static void format_ip(const struct pkt_info *p, struct sbuf *s)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], flags[9];
	bool v6 = p->l3 == PKT_L3_IPV6;
	const char *name;

	if (!p->has_addrs) {
		sb_printf(s, "%s", v6 ? "IP6" : "IP");
		return;
	}
	addr_str(p, p->src, src, sizeof(src));
	addr_str(p, p->dst, dst, sizeof(dst));

	switch (p->l4) {
	case PKT_L4_TCP:
	case PKT_L4_UDP:
		/* "UDP 10.0.0.1:53 > 10.0.0.2:9", IPv6 in brackets. */
		sb_str(s, p->l4 == PKT_L4_TCP ? "TCP " : "UDP ");
		if (v6)
			sb_mem(s, "[", 1);
		sb_str(s, src);
		sb_str(s, v6 ? "]:" : ":");
		sb_uint(s, p->sport);
		sb_str(s, v6 ? " > [" : " > ");
		sb_str(s, dst);
		sb_str(s, v6 ? "]:" : ":");
		sb_uint(s, p->dport);
		/* A cut TCP header has ports but no flags. */
		if (p->l4 == PKT_L4_TCP && p->truncated != PKT_LAYER_L4) {
			tcp_flags_str(p->tcp_flags, flags);
			sb_str(s, " [");
			sb_str(s, flags[0] ? flags : "none");
			sb_mem(s, "]", 1);
		}
		return;
	case PKT_L4_ICMP:
	case PKT_L4_ICMP6:
		sb_printf(s, "%s %s > %s ", p->l4 == PKT_L4_ICMP ? "ICMP" : "ICMP6", src, dst);
		name = icmp_name(p);
		if (name)
			sb_printf(s, "%s", name);
		else
			sb_printf(s, "type %u", p->icmp_type);
		if (p->icmp_code)
			sb_printf(s, " code %u", p->icmp_code);
		return;
	case PKT_L4_NONE:
		break;
	}

	sb_str(s, v6 ? "IP6 " : "IP ");
	sb_str(s, src);
	sb_str(s, " > ");
	sb_str(s, dst);
	if (!p->has_ip_proto)
		return;
	name = ip_proto_name(p->ip_proto);
	if (name) {
		sb_mem(s, " ", 1);
		sb_str(s, name);
	} else {
		sb_str(s, " proto ");
		sb_uint(s, p->ip_proto);
	}
}

static void format_arp(const struct pkt_info *p, struct sbuf *s)
{
	char spa[INET_ADDRSTRLEN], tpa[INET_ADDRSTRLEN], sha[18];

	if (!p->has_addrs || (p->arp_op != 1 && p->arp_op != 2)) {
		if (p->arp_op)
			sb_printf(s, "ARP op %u", p->arp_op);
		else
			sb_printf(s, "ARP");
		return;
	}
	addr_str(p, p->src, spa, sizeof(spa));
	addr_str(p, p->dst, tpa, sizeof(tpa));
	if (p->arp_op == 1) {
		sb_printf(s, "ARP who-has %s tell %s", tpa, spa);
	} else {
		mac_str(p->arp_sha, sha, sizeof(sha));
		sb_printf(s, "ARP reply %s is-at %s", spa, sha);
	}
}

int packet__format(const struct pkt_info *p, char *buf, size_t len)
{
	struct sbuf s = { .buf = buf, .len = len };
	unsigned int i;

	if (buf && len)
		buf[0] = '\0';
	else
		s.len = 0;

	if (p->vlan_count) {
		sb_printf(&s, "vlan ");
		for (i = 0; i < p->vlan_count && i < PKT_MAX_VLANS; i++)
			sb_printf(&s, "%s%u", i ? "," : "", p->vlan_id[i]);
		sb_printf(&s, " ");
	}

	switch (p->l3) {
	case PKT_L3_NONE:
		sb_printf(&s, "ether");
		break;
	case PKT_L3_OTHER:
		if (p->ethertype < 0x600)
			sb_printf(&s, "802.3 len %u", p->ethertype);
		else
			sb_printf(&s, "ethertype 0x%04x", p->ethertype);
		break;
	case PKT_L3_ARP:
		format_arp(p, &s);
		break;
	case PKT_L3_IPV4:
	case PKT_L3_IPV6:
		format_ip(p, &s);
		if (p->is_fragment)
			sb_printf(&s, " frag %u%s", p->frag_offset, p->frag_more ? "+" : "");
		break;
	}

	if (p->truncated)
		sb_str(&s, " [truncated]");
	if (p->malformed)
		sb_str(&s, " [malformed]");
	return s.pos > INT_MAX ? INT_MAX : (int)s.pos;
}

static void json_mac(struct json *j, const char *key, const uint8_t *mac)
{
	char buf[18];

	mac_str(mac, buf, sizeof(buf));
	json_str(j, key, buf);
}

static const char *layer_name(enum pkt_layer l)
{
	switch (l) {
	case PKT_LAYER_L2:
		return "l2";
	case PKT_LAYER_L3:
		return "l3";
	case PKT_LAYER_L4:
		return "l4";
	case PKT_LAYER_NONE:
		break;
	}
	return "none";
}

static const char *l3_name(enum pkt_l3 l3)
{
	switch (l3) {
	case PKT_L3_IPV4:
		return "ipv4";
	case PKT_L3_IPV6:
		return "ipv6";
	case PKT_L3_ARP:
		return "arp";
	case PKT_L3_OTHER:
		return "other";
	case PKT_L3_NONE:
		break;
	}
	return "none";
}

static const char *l4_name(enum pkt_l4 l4)
{
	switch (l4) {
	case PKT_L4_TCP:
		return "tcp";
	case PKT_L4_UDP:
		return "udp";
	case PKT_L4_ICMP:
		return "icmp";
	case PKT_L4_ICMP6:
		return "icmp6";
	case PKT_L4_NONE:
		break;
	}
	return NULL;
}

int packet__json(const struct pkt_info *p, struct json *j)
{
	char buf[INET6_ADDRSTRLEN];
	bool ip = p->l3 == PKT_L3_IPV4 || p->l3 == PKT_L3_IPV6;
	unsigned int i;

	json_str(j, "l3", l3_name(p->l3));
	if (p->l3 != PKT_L3_NONE) {
		json_mac(j, "src_mac", p->src_mac);
		json_mac(j, "dst_mac", p->dst_mac);
		json_u64(j, "ethertype", p->ethertype);
	}
	if (p->vlan_count) {
		json_array_begin(j, "vlan");
		for (i = 0; i < p->vlan_count && i < PKT_MAX_VLANS; i++)
			json_u64(j, NULL, p->vlan_id[i]);
		json_array_end(j);
	}
	if (p->has_addrs && (ip || p->arp_ipv4)) {
		json_str(j, "src", addr_str(p, p->src, buf, sizeof(buf)));
		json_str(j, "dst", addr_str(p, p->dst, buf, sizeof(buf)));
	}
	if (ip && p->has_addrs) {
		json_u64(j, "ttl", p->ttl);
		if (p->l3 == PKT_L3_IPV4)
			json_bool(j, "df", p->ip_df);
	}
	if (ip && p->has_ip_proto)
		json_u64(j, "ip_proto", p->ip_proto);
	if (ip && p->is_fragment) {
		json_u64(j, "frag_offset", p->frag_offset);
		json_bool(j, "frag_more", p->frag_more);
	}
	if (p->l3 == PKT_L3_ARP) {
		if (p->arp_op)
			json_u64(j, "arp_op", p->arp_op);
		if (p->has_addrs) {
			json_mac(j, "arp_sha", p->arp_sha);
			json_mac(j, "arp_tha", p->arp_tha);
		}
	}
	if (l4_name(p->l4)) {
		json_str(j, "l4", l4_name(p->l4));
		if (p->l4 == PKT_L4_TCP || p->l4 == PKT_L4_UDP) {
			json_u64(j, "sport", p->sport);
			json_u64(j, "dport", p->dport);
		}
		if (p->l4 == PKT_L4_TCP && p->truncated != PKT_LAYER_L4) {
			char flags[9];

			tcp_flags_str(p->tcp_flags, flags);
			json_str(j, "tcp_flags", flags);
		}
		if (p->l4 == PKT_L4_ICMP || p->l4 == PKT_L4_ICMP6) {
			json_u64(j, "icmp_type", p->icmp_type);
			json_u64(j, "icmp_code", p->icmp_code);
		}
	}
	if (p->truncated)
		json_str(j, "truncated", layer_name(p->truncated));
	if (p->malformed)
		json_str(j, "malformed", layer_name(p->malformed));

	return json_error(j);
}

static const struct {
	const char *name;
	struct pkt_proto proto;
} proto_table[] = {
	{ "tcp", { 0, IPPROTO_TCP } },
	{ "udp", { 0, IPPROTO_UDP } },
	{ "icmp", { PKT_ETH_P_IPV4, IPPROTO_ICMP } },
	{ "icmp6", { PKT_ETH_P_IPV6, IPPROTO_ICMPV6 } },
	{ "icmpv6", { PKT_ETH_P_IPV6, IPPROTO_ICMPV6 } },
	{ "sctp", { 0, 132 } },
	{ "gre", { 0, 47 } },
	{ "esp", { 0, 50 } },
	{ "ah", { 0, IPPROTO_AH } },
	{ "udplite", { 0, 136 } },
	{ "ipv4", { PKT_ETH_P_IPV4, -1 } },
	{ "ip", { PKT_ETH_P_IPV4, -1 } },
	{ "ipv6", { PKT_ETH_P_IPV6, -1 } },
	{ "ip6", { PKT_ETH_P_IPV6, -1 } },
	{ "arp", { PKT_ETH_P_ARP, -1 } },
};

const char *packet__proto_names(void)
{
	return "tcp, udp, icmp, icmp6, sctp, gre, esp, ah, udplite, ipv4, ipv6, arp, "
	       "ip:N (IP protocol number), 0xNNNN (ethertype)";
}

/* Strict unsigned number: digits only (base as given), no sign, no trailing junk. */
static int parse_num(const char *s, int base, unsigned long max, unsigned long *out)
{
	char *end;

	if (!*s || !strchr("0123456789abcdefABCDEF", *s))
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, base);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

int packet__proto_parse(const char *name, struct pkt_proto *out)
{
	unsigned long n;
	size_t i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < sizeof(proto_table) / sizeof(proto_table[0]); i++) {
		if (!strcasecmp(name, proto_table[i].name)) {
			*out = proto_table[i].proto;
			return 0;
		}
	}
	if (!strncasecmp(name, "ip:", 3)) {
		if (parse_num(name + 3, 10, 255, &n))
			return -EINVAL;
		out->ethertype = 0;
		out->ip_proto = (int)n;
		return 0;
	}
	if (!strncasecmp(name, "0x", 2)) {
		/* Below 0x600 the field is an 802.3 length, never a type. */
		if (parse_num(name + 2, 16, 0xffff, &n) || n < 0x600)
			return -EINVAL;
		out->ethertype = (uint16_t)n;
		out->ip_proto = -1;
		return 0;
	}
	return -EINVAL;
}

bool packet__proto_match(const struct pkt_proto *f, const struct pkt_info *p)
{
	bool ip = p->l3 == PKT_L3_IPV4 || p->l3 == PKT_L3_IPV6;

	if (f->ethertype) {
		if (p->l3 == PKT_L3_NONE || p->ethertype != f->ethertype)
			return false;
	} else if (!ip) {
		return false;
	}
	if (f->ip_proto < 0)
		return true;
	return ip && p->has_ip_proto && p->ip_proto == f->ip_proto;
}

const char *packet__ethertype_name(uint16_t ethertype)
{
	switch (ethertype) {
	case PKT_ETH_P_IPV4:
		return "IPv4";
	case PKT_ETH_P_IPV6:
		return "IPv6";
	case PKT_ETH_P_ARP:
		return "ARP";
	default:
		return NULL;
	}
}
