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
#define TOOL_NAME "udpsend"
#include "tool.h"

#define MAX_COUNT 1000000
#define MAX_LEN	  65000

static void usage(void)
{
	fprintf(stderr,
		"usage: udpsend [-n COUNT] [-l LEN] [-s SRCPORT] [-g GAP_US] [-t TIMEOUT_S] "
		"ADDR PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long count = 1, len = 32, sport = 0, gap = 0, timeout = 10, sent;
	struct sockaddr_storage dst = { 0 }, src = { 0 };
	socklen_t alen;
	char buf[MAX_LEN];
	double deadline;
	int opt, fd;

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

	parse_dst(argv[optind], argv[optind + 1], &dst, &alen);
	src.ss_family = dst.ss_family;
	set_port(&src, sport);

	fd = socket(dst.ss_family, SOCK_DGRAM, 0);
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
	sent = send_bounded(fd, buf, len, (struct sockaddr *)&dst, alen, count, gap, deadline);
	close(fd);
	printf("sent %ld\n", sent);
	return sent == count ? 0 : 1;
}
