// SPDX-License-Identifier: GPL-2.0
/*
 * closeunread - sockets that close with data their owner never read: what
 * the drop classes call `close`, not a network drop.
 *
 *   closeunread unix COUNT   COUNT AF_UNIX stream pairs, one message each
 *                            left unread when both ends close
 *   closeunread udp COUNT    one UDP socket on 127.0.0.1 sends itself
 *                            COUNT datagrams and closes without reading
 *   closeunread tcp COUNT    COUNT TCP connections on 127.0.0.1 whose
 *                            accepting end closes with 100 bytes unread
 *
 * Prints "unread N": the messages each socket held when it was closed, as
 * the kernel reported them (SIOCINQ / FIONREAD before the close), summed.
 */
#define TOOL_NAME "closeunread"
#include "tool.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/un.h>

/* Wait (bounded) until fd has something to read. */
static void wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 5000) != 1) {
		fprintf(stderr, "closeunread: nothing arrived within 5 s\n");
		exit(1);
	}
}

static int queued(int fd)
{
	int n = 0;

	if (ioctl(fd, FIONREAD, &n))
		n = 0;
	return n;
}

static long do_unix(long count)
{
	long unread = 0;

	for (long i = 0; i < count; i++) {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
			perror("closeunread: socketpair");
			exit(1);
		}
		if (write(sv[0], "unread", 6) != 6) {
			perror("closeunread: write");
			exit(1);
		}
		wait_readable(sv[1]);
		unread += queued(sv[1]) == 6;
		close(sv[1]);
		close(sv[0]);
	}
	return unread;
}

static long do_udp(long count)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rcvbuf = 1 << 20;
	long sent = 0;

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len)) {
		perror("closeunread: udp socket");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	for (long i = 0; i < count; i++)
		sent += sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)) == 1;
	wait_readable(fd);
	close(fd);
	return sent;
}

static long do_tcp(long count)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char buf[100];
	long unread = 0;

	memset(buf, 'y', sizeof(buf));
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 16) ||
	    getsockname(l, (struct sockaddr *)&a, &len)) {
		perror("closeunread: tcp listener");
		exit(1);
	}
	for (long i = 0; i < count; i++) {
		int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), s;

		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a))) {
			perror("closeunread: connect");
			exit(1);
		}
		s = accept(l, NULL, NULL);
		if (s < 0 || write(c, buf, sizeof(buf)) != sizeof(buf)) {
			perror("closeunread: accept/write");
			exit(1);
		}
		wait_readable(s);
		unread += queued(s) > 0;
		close(s);
		close(c);
	}
	close(l);
	return unread;
}

int main(int argc, char **argv)
{
	long count;

	if (argc != 3) {
		fprintf(stderr, "usage: closeunread unix|udp|tcp COUNT\n");
		return 2;
	}
	count = num(argv[2], 1, 100000);
	if (!strcmp(argv[1], "unix"))
		printf("unread %ld\n", do_unix(count));
	else if (!strcmp(argv[1], "udp"))
		printf("unread %ld\n", do_udp(count));
	else if (!strcmp(argv[1], "tcp"))
		printf("unread %ld\n", do_tcp(count));
	else
		return 2;
	return 0;
}
