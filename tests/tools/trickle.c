// SPDX-License-Identifier: GPL-2.0
/*
 * trickle - slow HTTP clients: hold N connections to 127.0.0.1:PORT, each
 * sending a request one header line every GAP seconds and never ending
 * it, from source addresses 127.0.0.2 .. 127.0.0.(1+ADDRS) in turn. A
 * connection the server ends is opened again. Runs DURATION seconds, then
 * prints "opened N ended M" (M: connections the server ended).
 *
 *   trickle -p PORT [-n CONNS] [-a ADDRS] [-g GAP_S] [-t DURATION_S]
 */
#define TOOL_NAME "trickle"
#include "tool.h"

#define MAX_CONNS 1024

static void usage(void)
{
	fprintf(stderr,
		"usage: trickle -p PORT [-n CONNS] [-a ADDRS] [-g GAP_S] [-t DURATION_S]\n");
	exit(2);
}

struct client {
	int fd;
	double next; /* when the next line goes */
};

static int open_one(int port, int i, int addrs)
{
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { .tv_sec = 1 };
	static const char req[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n";

	if (fd < 0)
		return -1;
	src.sin_addr.s_addr = htonl(0x7f000002u + (unsigned)(i % addrs));
	dst.sin_addr.s_addr = htonl(0x7f000001u);
	dst.sin_port = htons((unsigned short)port);
	/* Loopback: the connect is done at once, or within the 1 s bound. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) ||
	    connect(fd, (struct sockaddr *)&dst, sizeof(dst)) ||
	    send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	long port = 0, n = 64, addrs = 4, gap = 4, duration = 10, opened = 0, ended = 0;
	struct client c[MAX_CONNS];
	double end;
	int opt;

	while ((opt = getopt(argc, argv, "p:n:a:g:t:")) != -1) {
		long *v = opt == 'p'   ? &port
			  : opt == 'n' ? &n
			  : opt == 'a' ? &addrs
			  : opt == 'g' ? &gap
			  : opt == 't' ? &duration
				       : NULL;
		char *e;

		if (!v)
			usage();
		*v = strtol(optarg, &e, 10);
		if (*e || *v < 1)
			usage();
	}
	if (!port || port > 65535 || n > MAX_CONNS || addrs > 250 || duration > 600)
		usage();
	end = now() + (double)duration;
	for (long i = 0; i < n; i++) {
		c[i].fd = open_one((int)port, (int)i, (int)addrs);
		c[i].next = now() + (double)gap;
		opened += c[i].fd >= 0;
	}
	while (now() < end) {
		double t = now();

		for (long i = 0; i < n; i++) {
			char buf[256];

			if (c[i].fd >= 0) {
				ssize_t r = recv(c[i].fd, buf, sizeof(buf), MSG_DONTWAIT);

				/* An answer or the end: the server let go of it. */
				if (r > 0 || r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
					close(c[i].fd);
					c[i].fd = -1;
					ended++;
				}
			}
			if (c[i].fd < 0) {
				c[i].fd = open_one((int)port, (int)i, (int)addrs);
				c[i].next = t + (double)gap;
				opened += c[i].fd >= 0;
				continue;
			}
			if (t >= c[i].next) {
				static const char line[] = "X-Slow: 1\r\n";

				send(c[i].fd, line, sizeof(line) - 1, MSG_NOSIGNAL);
				c[i].next = t + (double)gap;
			}
		}
		usleep(50000);
	}
	for (long i = 0; i < n; i++)
		if (c[i].fd >= 0)
			close(c[i].fd);
	printf("opened %ld ended %ld\n", opened, ended);
	return 0;
}
