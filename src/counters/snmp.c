// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "counters/snmp.h"

#define E(f, g, n, w)                                                                              \
	{                                                                                          \
		SNMP_FILE_##f, g, n, g n, w                                                        \
	}

/*
 * The drop counters, each with why it counts packets the kernel threw away
 * (names as in the kernel's net/ipv4/proc.c and net/ipv6/proc.c, which
 * are also nstat's). Counters of errors that do not lose a packet (a
 * retransmission, a cookie sent) are deliberately not here.
 */
const struct snmp_counter_def snmp_drop_counters[] = {
	E(SNMP, "Ip", "InHdrErrors",
	  "IPv4 packets dropped: bad header (version, length, TTL, options)"),
	E(SNMP, "Ip", "InAddrErrors",
	  "IPv4 packets dropped: destination not valid for this host (martians, not forwarding)"),
	E(SNMP, "Ip", "InUnknownProtos",
	  "IPv4 packets for us dropped: no handler for the IP protocol"),
	E(SNMP, "Ip", "InDiscards",
	  "IPv4 packets dropped on input with no error in them (e.g. no memory)"),
	E(SNMP, "Ip", "OutDiscards",
	  "IPv4 packets dropped on output with no error in them (e.g. no memory, netfilter)"),
	E(SNMP, "Ip", "OutNoRoutes", "IPv4 packets dropped on output: no route"),
	E(SNMP, "Ip", "FragFails",
	  "IPv4 packets dropped: needed fragmenting but DF was set or fragmenting failed"),
	E(SNMP, "Icmp", "InErrors",
	  "ICMP messages dropped: bad (checksum, length) or rate-limited"),
	E(SNMP, "Icmp", "InCsumErrors", "ICMP messages dropped: bad checksum"),
	E(SNMP, "Icmp", "OutErrors", "ICMP messages not sent: an error while sending"),
	E(SNMP, "Tcp", "InErrs", "TCP segments dropped: bad checksum, length or header"),
	E(SNMP, "Tcp", "InCsumErrors", "TCP segments dropped: bad checksum"),
	E(SNMP, "Udp", "NoPorts", "UDP datagrams dropped: no socket on the destination port"),
	E(SNMP, "Udp", "InErrors",
	  "UDP datagrams dropped on receive (buffer full, checksum, memory)"),
	E(SNMP, "Udp", "RcvbufErrors",
	  "UDP datagrams dropped: the socket's receive buffer was full"),
	E(SNMP, "Udp", "SndbufErrors", "UDP datagrams dropped on send: no send buffer space"),
	E(SNMP, "Udp", "InCsumErrors", "UDP datagrams dropped: bad checksum"),
	E(SNMP, "Udp", "MemErrors",
	  "UDP datagrams dropped: protocol memory limit (udp_mem) reached"),
	E(SNMP, "UdpLite", "NoPorts",
	  "UDP-Lite datagrams dropped: no socket on the destination port"),
	E(SNMP, "UdpLite", "InErrors", "UDP-Lite datagrams dropped on receive"),
	E(SNMP, "UdpLite", "RcvbufErrors", "UDP-Lite datagrams dropped: receive buffer full"),
	E(NETSTAT, "TcpExt", "ListenOverflows",
	  "SYNs/ACKs dropped: the listener's accept queue was full"),
	E(NETSTAT, "TcpExt", "ListenDrops",
	  "segments for a listener dropped for any reason (includes ListenOverflows)"),
	E(NETSTAT, "TcpExt", "TCPBacklogDrop",
	  "segments dropped: the socket's backlog was full while the user held it"),
	E(NETSTAT, "TcpExt", "TCPRcvQDrop", "segments dropped: no receive memory for the socket"),
	E(NETSTAT, "TcpExt", "TCPZeroWindowDrop",
	  "segments dropped: data beyond a zero receive window"),
	E(NETSTAT, "TcpExt", "TCPOFODrop",
	  "out-of-order segments dropped: no memory to queue them"),
	E(NETSTAT, "TcpExt", "TCPMinTTLDrop", "segments dropped: TTL below the socket's IP_MINTTL"),
	E(NETSTAT, "TcpExt", "PFMemallocDrop",
	  "segments dropped: pfmemalloc skb for a socket not allowed it"),
	E(NETSTAT, "TcpExt", "TCPReqQFullDrop",
	  "SYNs dropped: the SYN queue was full and syncookies off"),
	E(NETSTAT, "TcpExt", "TCPDeferAcceptDrop", "bare ACKs dropped by TCP_DEFER_ACCEPT"),
	E(NETSTAT, "TcpExt", "LockDroppedIcmps",
	  "ICMPs dropped: the socket was locked by the user"),
	E(NETSTAT, "TcpExt", "OutOfWindowIcmps",
	  "ICMPs dropped: they refer to data outside the window"),
	E(NETSTAT, "TcpExt", "TCPMD5NotFound",
	  "segments dropped: MD5 signature expected but missing"),
	E(NETSTAT, "TcpExt", "TCPMD5Unexpected", "segments dropped: MD5 signature not expected"),
	E(NETSTAT, "TcpExt", "TCPMD5Failure", "segments dropped: wrong MD5 signature"),
	E(NETSTAT, "IpExt", "InNoRoutes",
	  "IPv4 packets dropped: no route to forward or deliver them"),
	E(NETSTAT, "IpExt", "InTruncatedPkts",
	  "IPv4 packets dropped: shorter than their header says"),
	E(NETSTAT, "IpExt", "InCsumErrors", "IPv4 packets dropped: bad header checksum"),
	E(SNMP6, "Ip6", "InHdrErrors",
	  "IPv6 packets dropped: bad header (version, hop limit, options)"),
	E(SNMP6, "Ip6", "InNoRoutes", "IPv6 packets dropped: no route"),
	E(SNMP6, "Ip6", "InAddrErrors",
	  "IPv6 packets dropped: destination not valid for this host"),
	E(SNMP6, "Ip6", "InUnknownProtos",
	  "IPv6 packets for us dropped: no handler for the next header"),
	E(SNMP6, "Ip6", "InTruncatedPkts", "IPv6 packets dropped: shorter than their header says"),
	E(SNMP6, "Ip6", "InDiscards", "IPv6 packets dropped on input with no error in them"),
	E(SNMP6, "Ip6", "OutDiscards", "IPv6 packets dropped on output with no error in them"),
	E(SNMP6, "Ip6", "OutNoRoutes", "IPv6 packets dropped on output: no route"),
	E(SNMP6, "Ip6", "FragFails", "IPv6 packets dropped: fragmenting failed"),
	E(SNMP6, "Icmp6", "InErrors", "ICMPv6 messages dropped: bad or rate-limited"),
	E(SNMP6, "Icmp6", "InCsumErrors", "ICMPv6 messages dropped: bad checksum"),
	E(SNMP6, "Udp6", "NoPorts",
	  "UDP/IPv6 datagrams dropped: no socket on the destination port"),
	E(SNMP6, "Udp6", "InErrors", "UDP/IPv6 datagrams dropped on receive"),
	E(SNMP6, "Udp6", "RcvbufErrors", "UDP/IPv6 datagrams dropped: receive buffer full"),
	E(SNMP6, "Udp6", "SndbufErrors", "UDP/IPv6 datagrams dropped on send: no buffer space"),
	E(SNMP6, "Udp6", "InCsumErrors", "UDP/IPv6 datagrams dropped: bad checksum"),
	E(SNMP6, "Udp6", "MemErrors", "UDP/IPv6 datagrams dropped: udp_mem limit reached"),
	E(SNMP6, "UdpLite6", "NoPorts", "UDP-Lite/IPv6 datagrams dropped: no socket"),
	E(SNMP6, "UdpLite6", "InErrors", "UDP-Lite/IPv6 datagrams dropped on receive"),
	E(SNMP6, "UdpLite6", "RcvbufErrors",
	  "UDP-Lite/IPv6 datagrams dropped: receive buffer full"),
};
const size_t snmp_drop_count = sizeof(snmp_drop_counters) / sizeof(snmp_drop_counters[0]);

/* Longest name the kernel uses is ~30 bytes; anything longer is not ours. */
#define TOKEN_MAX 64

static int set_value(enum snmp_file file, const char *group, size_t glen, const char *name,
		     size_t nlen, const char *val, size_t vlen, struct snmp_value *vals)
{
	char buf[24];
	char *end;
	__u64 v;

	if (!vlen || vlen >= sizeof(buf) || *val == '-')
		return 0; /* negative (Tcp MaxConn -1) or absurd: not a counter of ours */
	memcpy(buf, val, vlen);
	buf[vlen] = 0;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || *end)
		return 0;
	for (size_t i = 0; i < snmp_drop_count; i++) {
		const struct snmp_counter_def *d = &snmp_drop_counters[i];

		if (d->file != file || strlen(d->group) != glen || strlen(d->name) != nlen ||
		    memcmp(d->group, group, glen) || memcmp(d->name, name, nlen))
			continue;
		vals[i].value = v;
		vals[i].present = true;
		return 1;
	}
	return 0;
}

/* Next whitespace-separated token of [*p, end): its start and length. */
static size_t token(const char **p, const char *end, const char **start)
{
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	*start = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	*p = s;
	return (size_t)(s - *start);
}

static const char *line_end(const char *p)
{
	const char *e = strchr(p, '\n');

	return e ? e : p + strlen(p);
}

/* "Group: a b c\nGroup: 1 2 3\n" pairs. */
static int parse_pairs(enum snmp_file file, const char *text, struct snmp_value *vals)
{
	const char *p = text;
	int found = 0, pairs = 0;

	while (*p) {
		const char *e1 = line_end(p), *l2 = *e1 ? e1 + 1 : e1, *e2 = line_end(l2);
		const char *c1 = memchr(p, ':', (size_t)(e1 - p));
		const char *c2 = memchr(l2, ':', (size_t)(e2 - l2));
		size_t glen;

		if (!c1 || !c2 || c1 - p != c2 - l2 || memcmp(p, l2, (size_t)(c1 - p))) {
			/* Not a pair: resynchronise on the next line. */
			p = *e1 ? e1 + 1 : e1;
			continue;
		}
		glen = (size_t)(c1 - p);
		pairs++;
		{
			const char *n = c1 + 1, *v = c2 + 1, *ns, *vs;
			size_t nl, vl;

			while ((nl = token(&n, e1, &ns)) && (vl = token(&v, e2, &vs)))
				if (nl < TOKEN_MAX && glen < TOKEN_MAX)
					found += set_value(file, p, glen, ns, nl, vs, vl, vals);
		}
		p = *e2 ? e2 + 1 : e2;
	}
	return pairs ? found : -EINVAL;
}

/* "Udp6NoPorts   12" lines: split the name at the longest group that matches. */
static int parse_snmp6(const char *text, struct snmp_value *vals)
{
	const char *p = text;
	int found = 0, lines = 0;

	while (*p) {
		const char *e = line_end(p), *q = p, *ns, *vs;
		size_t nl = token(&q, e, &ns), vl = token(&q, e, &vs);

		p = *e ? e + 1 : e;
		if (!nl || !vl || nl >= TOKEN_MAX)
			continue;
		lines++;
		for (size_t i = 0; i < snmp_drop_count; i++) {
			const struct snmp_counter_def *d = &snmp_drop_counters[i];
			size_t gl = strlen(d->group);

			if (d->file == SNMP_FILE_SNMP6 && gl < nl && !memcmp(ns, d->group, gl) &&
			    strlen(d->name) == nl - gl && !memcmp(ns + gl, d->name, nl - gl)) {
				found += set_value(SNMP_FILE_SNMP6, d->group, gl, d->name, nl - gl,
						   vs, vl, vals);
				break;
			}
		}
	}
	return lines ? found : -EINVAL;
}

int snmp_parse(enum snmp_file file, const char *text, struct snmp_value *vals)
{
	switch (file) {
	case SNMP_FILE_SNMP:
	case SNMP_FILE_NETSTAT:
		return parse_pairs(file, text, vals);
	case SNMP_FILE_SNMP6:
		return parse_snmp6(text, vals);
	default:
		return -EINVAL;
	}
}
