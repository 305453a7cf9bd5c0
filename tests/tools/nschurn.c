// SPDX-License-Identifier: GPL-2.0
/*
 * nschurn - short-lived network namespaces, as pods come and go: COUNT
 * children, at most PAR alive at once, each unshares a network namespace,
 * sets lo up, sends DROPS UDP datagrams to 127.0.0.1:9 (no socket: each
 * is one NO_SOCKET drop in that namespace), waits HOLD_MS and exits, so
 * the namespace goes with it. Prints one line per namespace, "INODE
 * SENT", then "namespaces N sent M". Bounded: TIMEOUT_S for the whole run.
 *
 *   nschurn [-n COUNT] [-d DROPS] [-P PAR] [-H HOLD_MS] [-t TIMEOUT_S]
 */
#define TOOL_NAME "nschurn"
#include "tool.h"

#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define MAX_COUNT 100000
#define MAX_PAR	  512

static void usage(void)
{
	fprintf(stderr,
		"usage: nschurn [-n COUNT] [-d DROPS] [-P PAR] [-H HOLD_MS] [-t TIMEOUT_S]\n");
	exit(2);
}

/* In the child: the new namespace's inode goes up the pipe, then the drops. */
static int child(int out, long drops, long hold_ms)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct stat st;
	char line[64];
	long sent = 0;
	int fd;

	if (unshare(CLONE_NEWNET) || stat("/proc/self/ns/net", &st))
		return 1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		return 1;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		return 1;
	dst.sin_addr.s_addr = htonl(0x7f000001u);
	for (long i = 0; i < drops; i++)
		sent += sendto(fd, "x", 1, 0, (struct sockaddr *)&dst, sizeof(dst)) == 1;
	snprintf(line, sizeof(line), "%lu %ld\n", (unsigned long)st.st_ino, sent);
	if (write(out, line, strlen(line)) < 0)
		return 1;
	if (hold_ms)
		usleep((useconds_t)hold_ms * 1000);
	return sent == drops ? 0 : 1;
}

/* The lines waiting in the pipe (all of them, to the end, when last). */
static void drain(FILE *in, long *n, long *total, bool last)
{
	char line[64];

	if (last)
		fcntl(fileno(in), F_SETFL, 0);
	clearerr(in);
	while (fgets(line, sizeof(line), in)) {
		unsigned long ino;
		long sent;

		if (sscanf(line, "%lu %ld", &ino, &sent) == 2) {
			fputs(line, stdout);
			*total += sent;
			(*n)++;
		}
	}
}

int main(int argc, char **argv)
{
	long count = 100, drops = 1, par = 16, hold = 0, timeout = 60, started = 0, alive = 0,
	     failed = 0, total = 0, n = 0;
	double end;
	int p[2], opt;
	FILE *in;

	while ((opt = getopt(argc, argv, "n:d:P:H:t:")) != -1) {
		switch (opt) {
		case 'n':
			count = num(optarg, 1, MAX_COUNT);
			break;
		case 'd':
			drops = num(optarg, 0, 1000);
			break;
		case 'P':
			par = num(optarg, 1, MAX_PAR);
			break;
		case 'H':
			hold = num(optarg, 0, 10000);
			break;
		case 't':
			timeout = num(optarg, 1, 3600);
			break;
		default:
			usage();
		}
	}
	if (optind != argc || pipe2(p, O_CLOEXEC))
		usage();
	/* Read as the children write, or 10,000 lines would fill the pipe. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	in = fdopen(p[0], "r");
	if (!in)
		return 1;
	end = now() + (double)timeout;
	/* Lines are short (< PIPE_BUF): each child's is written whole. */
	while (started < count || alive) {
		pid_t pid;
		int status;

		while (started < count && alive < par && now() < end) {
			pid = fork();
			if (pid < 0)
				break;
			if (!pid) {
				close(p[0]);
				_exit(child(p[1], drops, hold));
			}
			started++;
			alive++;
		}
		drain(in, &n, &total, false);
		pid = wait(&status);
		if (pid < 0)
			break;
		alive--;
		failed += !WIFEXITED(status) || WEXITSTATUS(status);
		if (now() >= end && started < count) {
			fprintf(stderr, "nschurn: timeout after %ld namespaces\n", started);
			count = started;
		}
	}
	close(p[1]);
	drain(in, &n, &total, true);
	printf("namespaces %ld sent %ld\n", n, total);
	return failed || n != count ? 1 : 0;
}
