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
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: synsend [-n COUNT] [-s SRCPORT] [-t TIMEOUT_MS] ADDR PORT\n");
	exit(2);
}

static long num(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "synsend: bad number '%s' (%ld..%ld)\n", s, min, max);
		exit(2);
	}
	return v;
}

/* One attempt: 0 refused, 1 connected, 2 timed out, 3 other error. */
static int attempt(const struct sockaddr *dst, const struct sockaddr *src, socklen_t alen,
		   int timeout_ms)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	socklen_t elen = sizeof(int);
	struct pollfd pfd;
	int fd, one = 1, err = 0, ret;

	fd = socket(dst->sa_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		perror("synsend: socket");
		return 3;
	}
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, src, alen) < 0) {
		perror("synsend: bind");
		ret = 3;
		goto out;
	}
	if (connect(fd, dst, alen) == 0) {
		ret = 1;
		goto out;
	}
	if (errno == ECONNREFUSED) {
		ret = 0;
		goto out;
	}
	if (errno != EINPROGRESS) {
		perror("synsend: connect");
		ret = 3;
		goto out;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, timeout_ms) <= 0) {
		ret = 2;
		goto out;
	}
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	if (err == 0) {
		ret = 1;
	} else if (err == ECONNREFUSED) {
		ret = 0;
	} else {
		fprintf(stderr, "synsend: connect: %s\n", strerror(err));
		ret = 3;
	}
out:
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	long count = 1, timeout = 1000, sport = 40124, res[4] = { 0 }, i;
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

	if (inet_pton(AF_INET, argv[optind], &((struct sockaddr_in *)&dst)->sin_addr) == 1) {
		dst.ss_family = AF_INET;
		((struct sockaddr_in *)&dst)->sin_port = htons(num(argv[optind + 1], 1, 65535));
		((struct sockaddr_in *)&src)->sin_port = htons(sport);
		alen = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, argv[optind], &((struct sockaddr_in6 *)&dst)->sin6_addr) ==
		   1) {
		dst.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&dst)->sin6_port = htons(num(argv[optind + 1], 1, 65535));
		((struct sockaddr_in6 *)&src)->sin6_port = htons(sport);
		alen = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, "synsend: bad address '%s'\n", argv[optind]);
		return 2;
	}
	src.ss_family = dst.ss_family;

	for (i = 0; i < count; i++)
		res[attempt((struct sockaddr *)&dst, (struct sockaddr *)&src, alen, timeout)]++;

	printf("attempts %ld refused %ld connected %ld timeout %ld other %ld\n", count, res[0],
	       res[1], res[2], res[3]);
	return res[0] == count ? 0 : 1;
}
