// SPDX-License-Identifier: GPL-2.0
/*
 * udprecv - a UDP receiver that does not read until it is told to.
 *
 *   udprecv [-b RCVBUF] [-c COMM] [-r READYFILE] [-w GOFILE] [-t TIMEOUT_S] ADDR PORT
 *
 * Binds a socket to ADDR:PORT with SO_RCVBUF = RCVBUF (default 1: the
 * kernel rounds it up to its minimum), prints
 * "pid P comm dsudprecv port N rcvbuf B" (B what getsockopt(SO_RCVBUF)
 * returns, i.e. after the kernel's doubling) and creates READYFILE holding
 * the pid. Then it reads nothing until GOFILE exists, so that whatever is
 * sent to it beyond its buffer is dropped by the kernel (SOCKET_RCVBUFF)
 * while the socket stays open for anybody who inspects it. Then it drains
 * the socket and prints "received R".
 *
 * Its comm is "dsudprecv" (not the file name), so that a report naming the
 * owner of the socket can be told apart from everything else; -c sets
 * another (any bytes but NUL, as prctl allows: a hostile name for tests). Exits 0 when
 * GOFILE came within TIMEOUT_S (default 60) seconds, 1 otherwise (after
 * draining all the same).
 */
#include <sys/prctl.h>

#define TOOL_NAME "udprecv"
#include "tool.h"

#define COMM	"dsudprecv"
#define MAX_LEN 65536

static void usage(void)
{
	fprintf(stderr, "usage: udprecv [-b RCVBUF] [-c COMM] [-r READYFILE] [-w GOFILE] [-t "
			"TIMEOUT_S] ADDR PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long rcvbuf = 1, timeout = 60, received = 0;
	const char *ready = NULL, *go = NULL, *comm = COMM;
	struct sockaddr_storage addr = { 0 };
	struct pollfd pfd = { .events = POLLIN };
	static char buf[MAX_LEN];
	char text[32];
	socklen_t alen, olen = sizeof(int);
	int opt, fd, val, late;
	double deadline;

	while ((opt = getopt(argc, argv, "b:c:r:w:t:")) != -1) {
		switch (opt) {
		case 'b':
			rcvbuf = num(optarg, 1, 1 << 24);
			break;
		case 'c':
			comm = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		case 'w':
			go = optarg;
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
	parse_dst(argv[optind], argv[optind + 1], &addr, &alen);
	deadline = now() + timeout;
	prctl(PR_SET_NAME, comm, 0, 0, 0);

	fd = socket(addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("udprecv: socket");
		return 1;
	}
	val = rcvbuf;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, sizeof(val)) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &val, &olen) < 0) {
		perror("udprecv: SO_RCVBUF");
		return 1;
	}
	if (bind(fd, (struct sockaddr *)&addr, alen) < 0) {
		perror("udprecv: bind");
		return 1;
	}
	/* One word whatever -c set: the fields stay where readers look. */
	printf("pid %d comm %s port %s rcvbuf %d\n", (int)getpid(),
	       strcmp(comm, COMM) ? "(-c)" : COMM, argv[optind + 1], val);
	fflush(stdout);
	snprintf(text, sizeof(text), "%d\n", (int)getpid());
	if (ready && ready_file(ready, text) < 0)
		return 1;

	late = go ? wait_file(go, deadline) : 0;

	/* Drain: the first datagram may take the softirq a moment. */
	pfd.fd = fd;
	while (received < 1000000 && poll(&pfd, 1, received ? 50 : 200) > 0) {
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			perror("udprecv: recv");
			return 1;
		}
		received++;
	}
	printf("received %ld\n", received);
	close(fd);
	if (late)
		fprintf(stderr, "udprecv: %s did not appear within %ld s\n", go, timeout);
	return late ? 1 : 0;
}
