// SPDX-License-Identifier: GPL-2.0
/*
 * tcx - attach a pinned tc program to a device's tcx hook, or detach it
 * (bpftool 7.1 and iproute2 6.1 cannot: tcx is 6.6+).
 *
 *   tcx attach|detach ingress|egress NETNS-PATH IFNAME PINNED-PROG
 *
 * BPF_PROG_ATTACH with the tcx attach type: the program stays on the hook
 * without a link held by this process (appended after those there), until
 * `tcx detach` or the device goes. The pin is opened first, then the
 * namespace entered (`ip netns exec` would hide /sys/fs/bpf).
 *
 * Exit 3, with a line starting "refused:", when the kernel does not know
 * the tcx hooks (before 6.6): a test skips then rather than fails. Told
 * apart from any other failure by asking the hook itself (BPF_PROG_QUERY),
 * which a kernel without tcx refuses with EINVAL for any device, so an
 * attach refused for another reason on a tcx kernel stays an error.
 */
#define TOOL_NAME "tcx"
#include "tool.h"

#include <net/if.h>
#include <stdbool.h>
#include <sched.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#define TCX_INGRESS 46 /* enum bpf_attach_type, 6.6+ */
#define TCX_EGRESS  47

static long sys_bpf(int cmd, union bpf_attr *a)
{
	return syscall(__NR_bpf, cmd, a, sizeof(*a));
}

/* Whether the kernel knows attach type TYPE on device IFINDEX: a query of
 * the hook, which holds no program and needs none. */
static bool hook_known(unsigned ifindex, __u32 type)
{
	union bpf_attr q;

	memset(&q, 0, sizeof(q));
	q.query.target_fd = ifindex;
	q.query.attach_type = type;
	return sys_bpf(BPF_PROG_QUERY, &q) == 0 || errno != EINVAL;
}

int main(int argc, char **argv)
{
	union bpf_attr a;
	unsigned ifindex;
	long fd;
	bool attach;

	int nsfd;

	if (argc != 6 || (strcmp(argv[1], "attach") && strcmp(argv[1], "detach")) ||
	    (strcmp(argv[2], "ingress") && strcmp(argv[2], "egress"))) {
		fprintf(stderr,
			"usage: tcx attach|detach ingress|egress NETNS-PATH IFNAME PINNED-PROG\n");
		return 2;
	}
	attach = !strcmp(argv[1], "attach");
	memset(&a, 0, sizeof(a));
	a.pathname = (__u64)(unsigned long)argv[5];
	fd = sys_bpf(BPF_OBJ_GET, &a);
	if (fd < 0) {
		fprintf(stderr, TOOL_NAME ": %s: %s\n", argv[5], strerror(errno));
		return 1;
	}
	nsfd = open(argv[3], O_RDONLY | O_CLOEXEC);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET)) {
		fprintf(stderr, TOOL_NAME ": %s: %s\n", argv[3], strerror(errno));
		return 1;
	}
	close(nsfd);
	ifindex = if_nametoindex(argv[4]);
	if (!ifindex) {
		fprintf(stderr, TOOL_NAME ": %s: %s\n", argv[4], strerror(errno));
		return 1;
	}
	memset(&a, 0, sizeof(a));
	a.target_fd = ifindex; /* target_ifindex for tcx */
	a.attach_bpf_fd = (__u32)fd;
	a.attach_type = strcmp(argv[2], "ingress") ? TCX_EGRESS : TCX_INGRESS;
	if (sys_bpf(attach ? BPF_PROG_ATTACH : BPF_PROG_DETACH, &a)) {
		int err = errno;

		if (!hook_known(ifindex, a.attach_type)) {
			fprintf(stderr, "refused: the kernel has no tcx %s hook (6.6+): %s\n",
				argv[2], strerror(err));
			return 3;
		}
		fprintf(stderr, TOOL_NAME ": %s %s %s: %s\n", argv[1], argv[2], argv[4],
			strerror(err));
		return 1;
	}
	close((int)fd);
	return 0;
}
