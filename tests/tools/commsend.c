// SPDX-License-Identifier: GPL-2.0
/*
 * commsend - name this task NAME (prctl PR_SET_NAME, what any user may
 * do) and send COUNT UDP datagrams to ADDR PORT: a hostile comm for the
 * terminal-injection test.
 *
 *   commsend NAME COUNT ADDR PORT
 *
 * NAME may hold any bytes but NUL (the kernel keeps 15). Prints "sent N"
 * and exits 0 only when all COUNT datagrams were sent.
 */
#define TOOL_NAME "commsend"
#include "tool.h"

#include <sys/prctl.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage dst = { 0 };
	socklen_t alen;
	long count, sent;
	char buf[32];
	int fd;

	if (argc != 5) {
		fprintf(stderr, "usage: commsend NAME COUNT ADDR PORT\n");
		return 2;
	}
	count = num(argv[2], 0, 100000);
	parse_dst(argv[3], argv[4], &dst, &alen);
	if (prctl(PR_SET_NAME, argv[1], 0, 0, 0)) {
		perror("commsend: prctl");
		return 1;
	}
	fd = socket(dst.ss_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("commsend: socket");
		return 1;
	}
	memset(buf, 'x', sizeof(buf));
	sent = send_bounded(fd, buf, sizeof(buf), (struct sockaddr *)&dst, alen, count, 0,
			    now() + 10);
	close(fd);
	printf("sent %ld\n", sent);
	return sent == count ? 0 : 1;
}
