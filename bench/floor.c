// SPDX-License-Identifier: GPL-2.0
/*
 * floor: load and attach bench/floor.bpf.c (an empty tp_btf program on
 * kfree_skb), write --ready-file once attached, and exit on SIGINT or
 * SIGTERM. The bench's lower bound for any BPF drop monitor.
 *
 *   floor [--ready-file FILE]
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "floor.skel.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static int write_ready(const char *path)
{
	char buf[32];
	int fd, n;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof(buf), "%d\n", getpid());
	if (write(fd, buf, n) != n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int main(int argc, char **argv)
{
	const char *ready = NULL;
	struct floor_bpf *skel;
	sigset_t mask;
	int sig = 0;

	if (argc == 3 && !strcmp(argv[1], "--ready-file")) {
		ready = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "usage: floor [--ready-file FILE]\n");
		return 2;
	}
	/* Blocked before attaching, so a SIGINT that comes early is not lost. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	libbpf_set_print(quiet);

	skel = floor_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "floor: cannot load the BPF program: %s\n", strerror(errno));
		return 1;
	}
	if (floor_bpf__attach(skel)) {
		fprintf(stderr, "floor: cannot attach to tp_btf/kfree_skb: %s\n", strerror(errno));
		floor_bpf__destroy(skel);
		return 1;
	}
	if (ready && write_ready(ready)) {
		fprintf(stderr, "floor: --ready-file %s: %s\n", ready, strerror(errno));
		floor_bpf__destroy(skel);
		return 1;
	}
	sigwait(&mask, &sig);
	floor_bpf__destroy(skel);
	return 0;
}
