// SPDX-License-Identifier: GPL-2.0
/*
 * tcplisten - a TCP listener that never accepts.
 *
 *   tcplisten [-b BACKLOG] [-r READYFILE] [-w GOFILE] [-t TIMEOUT_S] ADDR PORT
 *
 * Listens on ADDR:PORT with listen(fd, BACKLOG) (default 1), prints
 * "pid P comm dstcplisten port N backlog B" and creates READYFILE holding
 * the pid. It never calls accept(): once the accept queue is full the
 * kernel drops further connection attempts (ListenOverflows). It keeps the
 * listener open until GOFILE exists, so that anybody who inspects it finds
 * it, and then closes it.
 *
 * Its comm is "dstcplisten" (not the file name). Exits 0 when GOFILE came
 * within TIMEOUT_S (default 60) seconds, 1 otherwise.
 */
#include <sys/prctl.h>

#define TOOL_NAME "tcplisten"
#include "tool.h"

#define COMM "dstcplisten"

static void usage(void)
{
	fprintf(stderr, "usage: tcplisten [-b BACKLOG] [-r READYFILE] [-w GOFILE] [-t TIMEOUT_S] "
			"ADDR PORT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long backlog = 1, timeout = 60;
	const char *ready = NULL, *go = NULL;
	struct sockaddr_storage addr = { 0 };
	char text[32];
	socklen_t alen;
	int opt, fd, one = 1;

	while ((opt = getopt(argc, argv, "b:r:w:t:")) != -1) {
		switch (opt) {
		case 'b':
			backlog = num(optarg, 0, 65535);
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
	prctl(PR_SET_NAME, COMM, 0, 0, 0);

	fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("tcplisten: socket");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&addr, alen) < 0 || listen(fd, backlog) < 0) {
		perror("tcplisten: bind/listen");
		return 1;
	}
	printf("pid %d comm %s port %s backlog %ld\n", (int)getpid(), COMM, argv[optind + 1],
	       backlog);
	fflush(stdout);
	snprintf(text, sizeof(text), "%d\n", (int)getpid());
	if (ready && ready_file(ready, text) < 0)
		return 1;

	if (go && wait_file(go, now() + timeout) < 0) {
		fprintf(stderr, "tcplisten: %s did not appear within %ld s\n", go, timeout);
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}
