// SPDX-License-Identifier: GPL-2.0
/*
 * inject - send a bounded number of hand-made Ethernet frames out of one
 * interface with an AF_PACKET socket (for a veth: into its peer).
 *
 *   inject -i IFNAME -m otherhost|badcsum|good [-6] [-n COUNT] [-d DSTMAC] [-g GAP_US]
 *
 * Every frame carries a UDP datagram 192.0.2.1:4000 -> 192.0.2.2:4001
 * (with -6: 2001:db8::1 -> 2001:db8::2) from the interface's own MAC.
 *   otherhost  destination MAC DSTMAC, default 02:00:5e:00:53:01 (nobody's):
 *              the receiver sees PACKET_OTHERHOST and IP drops it (OTHERHOST)
 *   badcsum    IPv4 only; destination DSTMAC (default broadcast) and an IPv4
 *              header checksum that is off by one: IP drops it (IP_CSUM)
 *   good       like badcsum but with a correct checksum
 * The socket's protocol is 0, so it never receives anything. Prints
 * "sent N" and exits 0 only when all COUNT frames were sent.
 */
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <sys/ioctl.h>

#define TOOL_NAME "inject"
#include "tool.h"

#define PAYLOAD 18

enum mode { MODE_OTHERHOST, MODE_BADCSUM, MODE_GOOD };

static void usage(void)
{
	fprintf(stderr, "usage: inject -i IFNAME -m otherhost|badcsum|good [-6] [-n COUNT] "
			"[-d DSTMAC] [-g GAP_US]\n");
	exit(2);
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];
	char extra;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &extra) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = b[i];
	}
	return 0;
}

static uint16_t csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (p[0] << 8) | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* Build the frame into buf; returns its length. */
static size_t build(uint8_t *buf, const uint8_t *dst, const uint8_t *src, int v6, enum mode mode)
{
	struct ether_header *eth = (struct ether_header *)buf;
	struct udphdr *udp;
	size_t l3;

	memcpy(eth->ether_dhost, dst, 6);
	memcpy(eth->ether_shost, src, 6);
	if (v6) {
		struct ip6_hdr *ip6 = (struct ip6_hdr *)(eth + 1);

		eth->ether_type = htons(ETHERTYPE_IPV6);
		ip6->ip6_flow = htonl(6u << 28);
		ip6->ip6_plen = htons(sizeof(*udp) + PAYLOAD);
		ip6->ip6_nxt = IPPROTO_UDP;
		ip6->ip6_hlim = 64;
		inet_pton(AF_INET6, "2001:db8::1", &ip6->ip6_src);
		inet_pton(AF_INET6, "2001:db8::2", &ip6->ip6_dst);
		udp = (struct udphdr *)(ip6 + 1);
		l3 = sizeof(*ip6);
	} else {
		struct iphdr *ip = (struct iphdr *)(eth + 1);

		eth->ether_type = htons(ETHERTYPE_IP);
		ip->version = 4;
		ip->ihl = 5;
		ip->tot_len = htons(sizeof(*ip) + sizeof(*udp) + PAYLOAD);
		ip->id = htons(0x5344);
		ip->ttl = 64;
		ip->protocol = IPPROTO_UDP;
		inet_pton(AF_INET, "192.0.2.1", &ip->saddr);
		inet_pton(AF_INET, "192.0.2.2", &ip->daddr);
		ip->check = 0;
		ip->check = htons(csum(ip, sizeof(*ip), 0));
		if (mode == MODE_BADCSUM)
			ip->check = htons(ntohs(ip->check) ^ 0x0101);
		udp = (struct udphdr *)(ip + 1);
		l3 = sizeof(*ip);
	}
	udp->source = htons(4000);
	udp->dest = htons(4001);
	udp->len = htons(sizeof(*udp) + PAYLOAD);
	udp->check = 0; /* "no checksum": valid for IPv4, dropped later for IPv6 */
	memset(udp + 1, 'i', PAYLOAD);
	return sizeof(*eth) + l3 + sizeof(*udp) + PAYLOAD;
}

int main(int argc, char **argv)
{
	/* Two bytes in, the IP header after the 14-byte Ethernet header is
	 * 4-byte aligned as struct iphdr needs (UBSan). */
	static uint32_t frame_buf[65];
	uint8_t dst[6], src[6], *frame = (uint8_t *)frame_buf + 2;
	const char *ifname = NULL, *dstmac = NULL;
	long count = 1, gap = 0, sent = 0;
	struct sockaddr_ll sll = { 0 };
	enum mode mode = MODE_OTHERHOST;
	int opt, fd, v6 = 0, have_mode = 0;
	struct ifreq ifr = { 0 };
	size_t len;

	while ((opt = getopt(argc, argv, "i:m:6n:d:g:")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'm':
			have_mode = 1;
			if (!strcmp(optarg, "otherhost"))
				mode = MODE_OTHERHOST;
			else if (!strcmp(optarg, "badcsum"))
				mode = MODE_BADCSUM;
			else if (!strcmp(optarg, "good"))
				mode = MODE_GOOD;
			else
				usage();
			break;
		case '6':
			v6 = 1;
			break;
		case 'n':
			count = num(optarg, 0, 100000);
			break;
		case 'd':
			dstmac = optarg;
			break;
		case 'g':
			gap = num(optarg, 0, 1000000);
			break;
		default:
			usage();
		}
	}
	if (!ifname || !have_mode || optind != argc || strlen(ifname) >= IFNAMSIZ)
		usage();
	if (v6 && mode != MODE_OTHERHOST) {
		fprintf(stderr,
			"inject: -6 only with -m otherhost (IPv6 has no header checksum)\n");
		return 2;
	}
	if (!dstmac)
		dstmac = mode == MODE_OTHERHOST ? "02:00:5e:00:53:01" : "ff:ff:ff:ff:ff:ff";
	if (parse_mac(dstmac, dst) < 0) {
		fprintf(stderr, "inject: bad MAC '%s'\n", dstmac);
		return 2;
	}

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("inject: socket");
		return 1;
	}
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		perror("inject: SIOCGIFINDEX");
		return 1;
	}
	sll.sll_ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("inject: SIOCGIFHWADDR");
		return 1;
	}
	memcpy(src, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_family = AF_PACKET;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, dst, 6);

	len = build(frame, dst, src, v6, mode);
	while (sent < count) {
		if (sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
			perror("inject: sendto");
			break;
		}
		sent++;
		if (gap)
			usleep(gap);
	}
	close(fd);
	printf("sent %ld\n", sent);
	return sent == count ? 0 : 1;
}
