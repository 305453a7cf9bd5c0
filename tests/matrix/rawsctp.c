// SPDX-License-Identifier: GPL-2.0
/*
 * rawsctp - send COUNT IPv4 packets of protocol 132 (SCTP) to 127.0.0.1
 * whose payload is too short for an SCTP header, nothing else.
 *
 *   rawsctp COUNT
 *
 * Built static for the matrix initramfs. Without the sctp module IP drops
 * them (no protocol handler); with it, sctp_rcv drops each one inside the
 * module: the matrix's check of module symbols. Prints "sent N".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	char *end;
	long n, sent = 0;
	int s;

	errno = 0;
	n = argc == 2 ? strtol(argv[1], &end, 10) : 0;
	if (argc != 2 || errno || *end || n < 1 || n > 100000) {
		fprintf(stderr, "usage: rawsctp COUNT (1..100000)\n");
		return 2;
	}
	s = socket(AF_INET, SOCK_RAW, IPPROTO_SCTP);
	if (s < 0) {
		perror("rawsctp: socket");
		return 1;
	}
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (long i = 0; i < n; i++)
		if (sendto(s, "dsc", 4, 0, (struct sockaddr *)&to, sizeof(to)) == 4)
			sent++;
	printf("sent %ld\n", sent);
	return sent == n ? 0 : 1;
}
