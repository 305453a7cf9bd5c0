// SPDX-License-Identifier: GPL-2.0
/*
 * rcvbuf - overflow the receive buffer of a UDP socket, then count.
 *
 *   rcvbuf [-n COUNT] [-l LEN] [-b RCVBUF] [-t TIMEOUT_S] ADDR [PORT]
 *
 * Binds a receiver to ADDR:PORT (PORT 0 or absent: any free port) with
 * SO_RCVBUF = RCVBUF (default 1, the kernel rounds it up to its minimum),
 * sends COUNT datagrams of LEN bytes to it from a second socket without
 * reading, then drains the receiver. Every datagram that was sent but not
 * received was dropped by the kernel (SOCKET_RCVBUFF).
 *
 * As a second opinion it asks the kernel itself: SO_RXQ_OVFL reports the
 * socket's drop counter (sk_drops) with every datagram read; after the
 * drain one extra probe datagram is sent and read so the value covers all
 * drops. The probe is not part of COUNT, sent or received.
 *
 * Prints "sent S received R dropped D sk_drops K" (D = S - R) and exits 0
 * when everything was sent and D == K.
 */
#include <stdint.h>

#define TOOL_NAME "rcvbuf"
#include "tool.h"

#define MAX_LEN 65000

static void usage(void)
{
	fprintf(stderr,
		"usage: rcvbuf [-n COUNT] [-l LEN] [-b RCVBUF] [-t TIMEOUT_S] ADDR [PORT]\n");
	exit(2);
}

/*
 * Read one datagram, waiting at most wait_ms. Returns 1 and updates *drops
 * from SO_RXQ_OVFL if one was read, 0 if none came, -1 on error.
 */
static int recv_one(int fd, char *buf, int wait_ms, uint32_t *drops)
{
	char cbuf[CMSG_SPACE(sizeof(uint32_t))];
	struct iovec iov = { .iov_base = buf, .iov_len = MAX_LEN };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct cmsghdr *cm;

	if (poll(&pfd, 1, wait_ms) <= 0)
		return 0;
	if (recvmsg(fd, &msg, MSG_DONTWAIT) < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		perror("rcvbuf: recvmsg");
		return -1;
	}
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_RXQ_OVFL)
			memcpy(drops, CMSG_DATA(cm), sizeof(*drops));
	return 1;
}

int main(int argc, char **argv)
{
	long count = 100, len = 1000, rcvbuf = 1, timeout = 10, sent, received = 0;
	struct sockaddr_storage addr = { 0 };
	socklen_t alen;
	uint32_t drops = 0;
	int opt, rx, tx, one = 1, port = 0, r;
	static char buf[MAX_LEN];
	double deadline;

	while ((opt = getopt(argc, argv, "n:l:b:t:")) != -1) {
		switch (opt) {
		case 'n':
			count = num(optarg, 0, 1000000);
			break;
		case 'l':
			len = num(optarg, 0, MAX_LEN);
			break;
		case 'b':
			rcvbuf = num(optarg, 1, 1 << 24);
			break;
		case 't':
			timeout = num(optarg, 1, 3600);
			break;
		default:
			usage();
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		usage();
	if (argc - optind == 2)
		port = num(argv[optind + 1], 0, 65535);

	parse_addr(argv[optind], &addr, &alen);
	set_port(&addr, port);

	rx = socket(addr.ss_family, SOCK_DGRAM, 0);
	tx = socket(addr.ss_family, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0) {
		perror("rcvbuf: socket");
		return 1;
	}
	if (setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(int)) < 0 ||
	    setsockopt(rx, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one)) < 0) {
		perror("rcvbuf: setsockopt");
		return 1;
	}
	if (bind(rx, (struct sockaddr *)&addr, alen) < 0 ||
	    getsockname(rx, (struct sockaddr *)&addr, &alen) < 0) {
		perror("rcvbuf: bind");
		return 1;
	}

	memset(buf, 'r', sizeof(buf));
	deadline = now() + timeout;
	sent = send_bounded(tx, buf, len, (struct sockaddr *)&addr, alen, count, 0, deadline);

	/* Drain: the first read may wait a little for the softirq to finish. */
	while ((r = recv_one(rx, buf, received ? 50 : 200, &drops)) == 1 && now() < deadline)
		received++;
	if (r < 0)
		return 1;

	/* The probe: its SO_RXQ_OVFL value covers every drop so far. */
	if (sendto(tx, buf, 1, 0, (struct sockaddr *)&addr, alen) < 0 ||
	    recv_one(rx, buf, 1000, &drops) != 1) {
		fprintf(stderr, "rcvbuf: probe datagram lost\n");
		return 1;
	}

	printf("sent %ld received %ld dropped %ld sk_drops %u\n", sent, received, sent - received,
	       drops);
	close(rx);
	close(tx);
	return sent == count && (uint32_t)(sent - received) == drops ? 0 : 1;
}
