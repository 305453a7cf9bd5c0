// SPDX-License-Identifier: GPL-2.0
/*
 * pktpurge - drops made by a socket's queue purge: a packet socket on a
 * device collects the copies of COUNT UDP datagrams sent to 127.0.0.1:PORT
 * and is closed unread, so the kernel frees its whole receive queue in a
 * generic helper (skb_queue_purge / skb_queue_purge_reason) called from
 * packet_release: the case --by caller exists for.
 *
 *   pktpurge [-i IFACE] COUNT PORT
 *
 * Prints "queued N": the packets the socket held when it was closed, from
 * the kernel's own PACKET_STATISTICS (received minus dropped), i.e. the
 * number of drops the close makes. Builds static too (the qemu matrix).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static long num(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < 1 || v > max) {
		fprintf(stderr, "pktpurge: bad number '%s' (1..%ld)\n", s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *ifname = "lo";
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct tpacket_stats st;
	socklen_t len = sizeof(st);
	long count, port;
	int p, u, c;

	while ((c = getopt(argc, argv, "i:")) != -1) {
		if (c != 'i') {
			fprintf(stderr, "usage: pktpurge [-i IFACE] COUNT PORT\n");
			return 2;
		}
		ifname = optarg;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: pktpurge [-i IFACE] COUNT PORT\n");
		return 2;
	}
	count = num(argv[optind], 100000);
	port = num(argv[optind + 1], 65535);
	ll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!ll.sll_ifindex) {
		fprintf(stderr, "pktpurge: %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	p = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	u = socket(AF_INET, SOCK_DGRAM, 0);
	if (p < 0 || u < 0 || bind(p, (struct sockaddr *)&ll, sizeof(ll))) {
		perror("pktpurge: socket");
		return 1;
	}
	to.sin_port = htons((unsigned short)port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (long i = 0; i < count; i++)
		if (sendto(u, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) != 1) {
			perror("pktpurge: sendto");
			return 1;
		}
	/* Loopback delivers in the sender's softirq; the ICMP answers too. */
	poll(NULL, 0, 200);
	if (getsockopt(p, SOL_PACKET, PACKET_STATISTICS, &st, &len)) {
		perror("pktpurge: PACKET_STATISTICS");
		return 1;
	}
	/* Reading the statistics resets them; nothing arrives after this. */
	printf("queued %u\n", st.tp_packets - st.tp_drops);
	fflush(stdout);
	close(p);
	close(u);
	return 0;
}
