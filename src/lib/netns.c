// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "lib/caps.h"
#include "lib/netns.h"

static int parse_u32(const char *s, __u32 *v)
{
	char *end;
	unsigned long n;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	n = strtoul(s, &end, 0);
	if (errno || *end || n > 0xffffffffUL)
		return -EINVAL;
	*v = (__u32)n;
	return 0;
}

bool netns_is_inode(const char *arg)
{
	__u32 v;

	return !parse_u32(arg, &v);
}

int netns_resolve(const char *arg, __u32 *inode)
{
	struct stat st;
	int fd, type;

	if (!parse_u32(arg, inode))
		return *inode ? 0 : -EINVAL;
	fd = open(arg, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = -errno;
		char link[64];
		ssize_t n;

		/* Another process's namespace of another type may not open
		 * (ptrace rules), yet its link says what it is: not ours. */
		n = readlink(arg, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = '\0';
			if (strchr(link, ':') && strncmp(link, "net:[", 5))
				return -EINVAL;
		}
		return err;
	}
	/* A bind mount of anything else would give a meaningless inode. */
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0 || type != CLONE_NEWNET || fstat(fd, &st)) {
		close(fd);
		return -EINVAL;
	}
	close(fd);
	*inode = (__u32)st.st_ino;
	return 0;
}

static int nametoindex(void *dev)
{
	int idx = if_nametoindex(dev);

	return idx ? idx : -ENODEV;
}

int netns_ifindex(const char *netns_path, const char *dev)
{
	__u32 n;

	if (!parse_u32(dev, &n))
		return n ? (int)n : -EINVAL;
	/* An inode cannot be entered: names resolve in our namespace. */
	if (!netns_path || !parse_u32(netns_path, &n))
		return nametoindex((void *)dev);
	return netns_call(netns_path, nametoindex, (void *)dev);
}

int netns_call(const char *path, int (*fn)(void *arg), void *arg)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	rc = netns_run_in(fd, fn, arg);
	close(fd);
	return rc;
}

int netns_open(const char *arg)
{
	char path[64];
	struct dirent *de;
	__u32 ino;
	DIR *d;
	int fd;

	if (parse_u32(arg, &ino)) {
		fd = open(arg, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET) {
			close(fd);
			return -EINVAL;
		}
		return fd;
	}
	if (!ino)
		return -EINVAL;
	d = opendir("/proc");
	if (!d)
		return -errno;
	fd = -ESRCH;
	while ((de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/ns/net", de->d_name);
		if (stat(path, &st) || st.st_ino != ino)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			break;
		fd = -ESRCH; /* it exited meanwhile: look on */
	}
	closedir(d);
	return fd;
}

/* The one place that switches namespaces: a thread of its own enters it, so
 * the calling thread (and every file it opens later) stays where it is. */
struct ns_call {
	int nsfd;
	int (*fn)(void *arg);
	void *arg;
	bool lower; /* CAP_SYS_ADMIN given up between setns() and fn */
	int rc;
};

static void *ns_thread(void *p)
{
	struct ns_call *c = p;

	if (setns(c->nsfd, CLONE_NEWNET))
		c->rc = -errno;
	else if (c->lower && caps_effective(CAP_SYS_ADMIN) &&
		 caps_set_effective(CAP_SYS_ADMIN, false))
		c->rc = -EPERM; /* fn is not run with it */
	else
		c->rc = c->fn(c->arg);
	return NULL;
}

static int run_in(int nsfd, int (*fn)(void *arg), void *arg, bool lower)
{
	struct ns_call c = { .nsfd = nsfd, .fn = fn, .arg = arg, .lower = lower };
	pthread_t t;
	int err;

	err = pthread_create(&t, NULL, ns_thread, &c);
	if (err)
		return -err;
	pthread_join(t, NULL);
	return c.rc;
}

int netns_run_in(int nsfd, int (*fn)(void *arg), void *arg)
{
	return run_in(nsfd, fn, arg, false);
}

int netns_run_in_lowered(int nsfd, int (*fn)(void *arg), void *arg)
{
	return run_in(nsfd, fn, arg, true);
}
