// SPDX-License-Identifier: GPL-2.0
/*
 * bpfdeny - run a command with one bpf(2) command refused (EPERM), as a
 * kernel or a security policy that refuses it would.
 *
 *   bpfdeny CMD_NUMBER COMMAND [ARG...]
 *
 * CMD_NUMBER is the bpf() command (enum bpf_cmd: 28 is BPF_LINK_CREATE,
 * which attaches tp_btf programs; BPF_RAW_TRACEPOINT_OPEN, 17, stays
 * allowed). A seccomp filter, inherited by the command; everything else
 * is allowed. Exits 2 on bad arguments, 1 if the filter cannot be set.
 */
#define TOOL_NAME "bpfdeny"
#include "tool.h"

#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bpfdeny CMD_NUMBER COMMAND [ARG...]\n");
		return 2;
	}
	__u32 cmd = num(argv[1], 0, 1000);
	/* The architecture first: a syscall number means nothing without it. */
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, cmd, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		fprintf(stderr, "bpfdeny: seccomp: %s\n", strerror(errno));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "bpfdeny: %s: %s\n", argv[2], strerror(errno));
	return 1;
}
