// SPDX-License-Identifier: GPL-2.0
/*
 * udpsend - send a bounded number of UDP datagrams to ADDR PORT.
 *
 *   udpsend [-n COUNT] [-l LEN] [-s SRCPORT] [-g GAP_US] [-t TIMEOUT_S] ADDR PORT
 *
 * ADDR is an IPv4 or IPv6 literal. Uses an unconnected socket (sendto), so
 * ICMP port-unreachable answers never turn into errors on later sends. Prints
 * "sent N" and exits 0 only when all COUNT datagrams were sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNT 1000000
#define MAX_LEN	  65000

static void usage(void)
{
	fprintf(stderr,
		"usage: udpsend [-n COUNT] [-l LEN] [-s SRCPORT] [-g GAP_US] [-t TIMEOUT_S] "
		"ADDR PORT\n");
	exit(2);
}

static long num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "udpsend: bad number '%s' (%ld..%ld)\n", s, min, max);
		exit(2);
	}
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long count = 1, len = 32, sport = 0, gap = 0, timeout = 10, sent = 0;
	struct sockaddr_storage dst = { 0 }, src = { 0 };
	socklen_t alen;
	char buf[MAX_LEN];
	double deadline;
	int opt, fd, family;

	while ((opt = getopt(argc, argv, "n:l:s:g:t:")) != -1) {
		switch (opt) {
		case 'n':
			count = num(optarg, 0, MAX_COUNT);
			break;
		case 'l':
			len = num(optarg, 0, MAX_LEN);
			break;
		case 's':
			sport = num(optarg, 0, 65535);
			break;
		case 'g':
			gap = num(optarg, 0, 1000000);
			break;
		case 't':
			timeout = num(optarg, 1, 3600);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();

	if (inet_pton(AF_INET, argv[optind], &((struct sockaddr_in *)&dst)->sin_addr) == 1) {
		family = AF_INET;
		((struct sockaddr_in *)&dst)->sin_port = htons(num(argv[optind + 1], 1, 65535));
		((struct sockaddr_in *)&src)->sin_port = htons(sport);
		alen = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, argv[optind], &((struct sockaddr_in6 *)&dst)->sin6_addr) ==
		   1) {
		family = AF_INET6;
		((struct sockaddr_in6 *)&dst)->sin6_port = htons(num(argv[optind + 1], 1, 65535));
		((struct sockaddr_in6 *)&src)->sin6_port = htons(sport);
		alen = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, "udpsend: bad address '%s'\n", argv[optind]);
		return 2;
	}
	dst.ss_family = family;
	src.ss_family = family;

	fd = socket(family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udpsend: socket");
		return 1;
	}
	if (sport) {
		int one = 1;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&src, alen) < 0) {
			perror("udpsend: bind");
			return 1;
		}
	}

	memset(buf, 'x', sizeof(buf));
	deadline = now() + timeout;
	while (sent < count && now() < deadline) {
		ssize_t n = sendto(fd, buf, len, 0, (struct sockaddr *)&dst, alen);

		if (n < 0) {
			if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			perror("udpsend: sendto");
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
