// SPDX-License-Identifier: GPL-2.0
/*
 * ethertypes - send one broadcast Ethernet frame per ethertype BASE ..
 * BASE+N-1 out of IFNAME (AF_PACKET). No protocol handles them, so the
 * receiver drops each (UNHANDLED_PROTO, rx_nohandler) and dropscope's table
 * gets N distinct rows: the exporter bench's 1,000 series.
 *
 *   ethertypes IFNAME N [BASE]      (BASE defaults to 0x9100)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_halen = 6 };
	unsigned char frame[60] = {};
	long n, base = 0x9100;
	int fd;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: ethertypes IFNAME N [BASE]\n");
		return 2;
	}
	n = strtol(argv[2], NULL, 0);
	if (argc == 4)
		base = strtol(argv[3], NULL, 0);
	if (n <= 0 || n > 20000 || base < 0x600 || base + n > 0xffff) {
		fprintf(stderr, "ethertypes: N 1..20000 and BASE+N within 0x600..0xffff\n");
		return 2;
	}
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "ethertypes: no interface %s\n", argv[1]);
		return 1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("ethertypes: socket");
		return 1;
	}
	memset(frame, 0xff, 6);
	memcpy(sll.sll_addr, frame, 6);
	frame[6] = 0x02; /* a locally administered source */
	for (long i = 0; i < n; i++) {
		unsigned short et = htons((unsigned short)(base + i));

		memcpy(frame + 12, &et, 2);
		if (sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&sll, sizeof(sll)) !=
		    (ssize_t)sizeof(frame)) {
			perror("ethertypes: sendto");
			return 1;
		}
	}
	printf("sent %ld\n", n);
	close(fd);
	return 0;
}
