// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters/procs.h"

/* The owners sorted by inode, so each link costs one binary search. */
struct by_inode {
	__u32 inode;
	size_t idx;
	int last_pid; /* the pid that last counted for nproc: a process counts once */
};

static int cmp_inode(const void *a, const void *b)
{
	const struct by_inode *x = a, *y = b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

/* A pid directory's name: digits only, a value that fits an int. */
static int parse_pid(const char *s)
{
	long v = 0;

	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
		if (v > INT32_MAX)
			return 0;
	}
	return (int)v;
}

/* "socket:[N]" with N a 32-bit inode; 0 for any other link. */
static __u32 socket_inode(const char *l, size_t len)
{
	static const char pre[] = "socket:[";
	unsigned long long v = 0;
	size_t i = sizeof(pre) - 1;

	if (len < i + 2 || memcmp(l, pre, i) || l[len - 1] != ']')
		return 0;
	for (; i < len - 1; i++) {
		if (l[i] < '0' || l[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(l[i] - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	return (__u32)v;
}

static void read_comm(int piddir, char comm[16])
{
	int fd = openat(piddir, "comm", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char buf[17];
	ssize_t n = -1;

	if (fd >= 0) {
		n = read(fd, buf, 16);
		close(fd);
	}
	if (n < 0)
		n = 0;
	/* The file is the name (up to 15 bytes, any but NUL) and a newline:
	 * only that newline goes, not one that ends the name itself. */
	if (n && buf[n - 1] == '\n')
		n--;
	if (n > 15)
		n = 15;
	memcpy(comm, buf, (size_t)n);
	comm[n] = 0;
}

/* The entries of sorted whose inode is ino: [*lo, *hi). */
static int find_range(struct by_inode *sorted, size_t n, __u32 ino, size_t *lo, size_t *hi)
{
	struct by_inode key = { .inode = ino };
	struct by_inode *hit = bsearch(&key, sorted, n, sizeof(*sorted), cmp_inode);

	if (!hit)
		return 0;
	*lo = *hi = (size_t)(hit - sorted);
	while (*lo > 0 && sorted[*lo - 1].inode == ino)
		(*lo)--;
	while (*hi < n && sorted[*hi].inode == ino)
		(*hi)++;
	return 1;
}

/* One process's fds. Returns 1 when PROCS_MAX_FDS cut it short. */
static int scan_pid(int piddir, int pid, struct sock_owner *owners, struct by_inode *sorted,
		    size_t n)
{
	int fdd = openat(piddir, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	struct dirent *de;
	unsigned seen = 0;
	int cut = 0;
	DIR *d;

	if (fdd < 0)
		return 0; /* gone, a zombie, or not ours to read */
	d = fdopendir(fdd);
	if (!d) {
		close(fdd);
		return 0;
	}
	while ((de = readdir(d))) {
		char link[64];
		ssize_t len;
		size_t lo, hi;
		__u32 ino;

		if (de->d_name[0] == '.')
			continue;
		if (++seen > PROCS_MAX_FDS) {
			cut = 1;
			break;
		}
		len = readlinkat(fdd, de->d_name, link, sizeof(link));
		if (len <= 0 || (size_t)len >= sizeof(link))
			continue;
		ino = socket_inode(link, (size_t)len);
		if (!ino || !find_range(sorted, n, ino, &lo, &hi))
			continue;
		for (size_t i = lo; i < hi; i++) {
			struct sock_owner *o = &owners[sorted[i].idx];

			if (sorted[i].last_pid == pid)
				continue;
			sorted[i].last_pid = pid;
			o->nproc++;
			/* /proc lists pids in no promised order: keep the lowest. */
			if (!o->pid || pid < o->pid) {
				o->pid = pid;
				read_comm(piddir, o->comm);
			}
		}
	}
	closedir(d);
	return cut;
}

int procs_socket_owners_at(int procfd, struct sock_owner *owners, size_t n)
{
	struct by_inode *sorted;
	struct dirent *de;
	unsigned pids = 0;
	int dfd, cut = 0;
	DIR *d;

	for (size_t i = 0; i < n; i++) {
		owners[i].pid = 0;
		owners[i].comm[0] = 0;
		owners[i].nproc = 0;
	}
	if (!n)
		return 0;
	sorted = calloc(n, sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		sorted[i] = (struct by_inode){ .inode = owners[i].inode, .idx = i, .last_pid = 0 };
	qsort(sorted, n, sizeof(*sorted), cmp_inode);

	/* A descriptor of our own: closedir() closes it, not the caller's procfd. */
	dfd = openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd < 0 ? NULL : fdopendir(dfd);
	if (!d) {
		int err = -errno;

		if (dfd >= 0)
			close(dfd);
		free(sorted);
		return err;
	}
	while ((de = readdir(d))) {
		int pid = parse_pid(de->d_name), piddir;

		if (pid <= 0)
			continue;
		if (++pids > PROCS_MAX_PIDS) {
			cut = 1;
			break;
		}
		piddir = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (piddir < 0)
			continue; /* it ended since readdir saw it */
		cut |= scan_pid(piddir, pid, owners, sorted, n);
		close(piddir);
	}
	closedir(d);
	free(sorted);
	return cut ? -E2BIG : 0;
}

int procs_socket_owners(struct sock_owner *owners, size_t n)
{
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (procfd < 0)
		return -errno;
	rc = procs_socket_owners_at(procfd, owners, n);
	close(procfd);
	return rc;
}
