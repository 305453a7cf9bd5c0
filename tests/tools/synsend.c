// SPDX-License-Identifier: GPL-2.0
/*
 * synsend - make a bounded number of TCP connect() attempts to ADDR PORT
 * from a fixed source port, so that every SYN's 4-tuple is known.
 *
 *   synsend [-n COUNT] [-s SRCPORT] [-t TIMEOUT_MS] ADDR PORT
 *
 * Like tcpsyn, but each attempt's socket is bound to SRCPORT (default
 * 40124, SO_REUSEADDR) before its non-blocking connect(), which is waited
 * for at most TIMEOUT_MS (default 1000). Against a closed port every
 * attempt sends exactly one SYN, answered with a RST, and fails with
 * ECONNREFUSED; the socket never reaches TIME_WAIT, so the next attempt can
 * bind the same port. Sockets are closed with SO_LINGER {1, 0}. Prints
 * "attempts N refused R connected C timeout T other O" and exits 0 only when
 * every attempt was refused.
 */
#define TOOL_NAME "synsend"
#include "tool.h"

static void usage(void)
{
	fprintf(stderr, "usage: synsend [-n COUNT] [-s SRCPORT] [-t TIMEOUT_MS] ADDR PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long count = 1, timeout = 1000, sport = 40124;
	struct sockaddr_storage dst = { 0 }, src = { 0 };
	socklen_t alen;
	int opt;

	while ((opt = getopt(argc, argv, "n:s:t:")) != -1) {
		switch (opt) {
		case 'n':
			count = num(optarg, 0, 100000);
			break;
		case 's':
			sport = num(optarg, 1, 65535);
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
	src.ss_family = dst.ss_family;
	set_port(&src, sport);

	return tcp_attempts((struct sockaddr *)&dst, (struct sockaddr *)&src, alen, timeout, count);
}
