// SPDX-License-Identifier: GPL-2.0
/*
 * udpburst - send COUNT UDP datagrams to 127.0.0.1:PORT, nothing else.
 *
 *   udpburst COUNT PORT
 *
 * Built with gcc -static for the matrix initramfs, where there is no libc.
 * The socket is unconnected (sendto), so the ICMP port-unreachable answers
 * never turn into errors on later sends. Prints "sent N" and exits 0 only
 * when all COUNT datagrams were sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
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
	if (errno || *s == '\0' || *end != '\0' || v < 1 || v > max) {
		fprintf(stderr, "udpburst: bad number '%s' (1..%ld)\n", s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	char buf[32];
	long count, sent = 0;
	int fd, tries = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: udpburst COUNT PORT\n");
		return 2;
	}
	count = num(argv[1], 100000);
	dst.sin_port = htons(num(argv[2], 65535));
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udpburst: socket");
		return 1;
	}
	memset(buf, 'x', sizeof(buf));
	while (sent < count) {
		if (sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
			/* Transient only; anything else, or too many, ends the burst. */
			if ((errno == EINTR || errno == ENOBUFS || errno == EAGAIN) &&
			    ++tries < 1000) {
				usleep(1000);
				continue;
			}
			perror("udpburst: sendto");
			break;
		}
		sent++;
	}
	close(fd);
	printf("sent %ld\n", sent);
	return sent == count ? 0 : 1;
}
