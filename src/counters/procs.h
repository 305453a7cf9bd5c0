/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which processes hold a socket: a walk of /proc/PID/fd, bounded. Nothing
 * here prints.
 */
#ifndef DROPSCOPE_PROCS_H
#define DROPSCOPE_PROCS_H

#include <stddef.h>
#include <linux/types.h>

/* Bounds of one walk: far above a real machine, low enough to end. */
#define PROCS_MAX_PIDS 65536
#define PROCS_MAX_FDS  65536

struct sock_owner {
	__u32 inode;
	int pid; /* 0: no process found (it may live in another pid namespace or be gone) */
	char comm
		[16]; /* /proc/PID/comm, raw bytes NUL-terminated; the caller escapes it on output */
	unsigned nproc; /* how many processes hold it (fork/SO_REUSEPORT groups) */
};

/*
 * For each of the n entries of owners (inode set by the caller), find the
 * first (lowest) pid that holds socket:[inode] in /proc/PID/fd; fills pid,
 * comm, nproc. At most PROCS_MAX_PIDS pids and PROCS_MAX_FDS fds per pid
 * are looked at; links are read with readlinkat, never followed. A process
 * that vanishes or whose fds we may not read is skipped. Returns 0 or
 * -errno (-E2BIG when a bound was hit: the results are then partial).
 */
int procs_socket_owners(struct sock_owner *owners, size_t n);

/*
 * The same in the /proc mounted at procfd (an O_DIRECTORY descriptor);
 * exposed for tests on a prepared tree.
 */
int procs_socket_owners_at(int procfd, struct sock_owner *owners, size_t n);

#endif /* DROPSCOPE_PROCS_H */
