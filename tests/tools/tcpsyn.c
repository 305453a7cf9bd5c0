// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsyn - make a bounded number of TCP connect() attempts to ADDR PORT.
 *
 *   tcpsyn [-n COUNT] [-t TIMEOUT_MS] ADDR PORT
 *
 * Each attempt is a fresh non-blocking socket whose connect() is waited for
 * at most TIMEOUT_MS (default 1000). Against a closed port every attempt
 * sends exactly one SYN, which the kernel answers with a RST (and drops as
 * NO_SOCKET); the attempt then fails with ECONNREFUSED. Sockets are closed
 * with SO_LINGER {1, 0} so nothing lingers. Prints
 * "attempts N refused R connected C timeout T other O" and exits 0 only when
 * every attempt was refused.
 */
#define TOOL_NAME "tcpsyn"
#include "tool.h"

static void usage(void)
{
	fprintf(stderr, "usage: tcpsyn [-n COUNT] [-t TIMEOUT_MS] ADDR PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long count = 1, timeout = 1000;
	struct sockaddr_storage dst = { 0 };
	socklen_t alen;
	int opt;

	while ((opt = getopt(argc, argv, "n:t:")) != -1) {
		switch (opt) {
		case 'n':
			count = num(optarg, 0, 100000);
			break;
		case 't':
			timeout = num(optarg, 1, 60000);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();

	parse_dst(argv[optind], argv[optind + 1], &dst, &alen);

	return tcp_attempts((struct sockaddr *)&dst, NULL, alen, timeout, count);
}
