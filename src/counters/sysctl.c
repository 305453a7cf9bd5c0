// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/netns.h"
#include "counters/sysctl.h"

struct sysctl_job {
	struct sysctl_val *v;
	size_t n;
	bool mark_host; /* a second pass in our namespace */
};

/*
 * net.core.rmem_max -> net/core/rmem_max, as sysctl(8) names knobs: a
 * dot separates, and a '/' inside a component (a device "eth0.100" is
 * net.ipv4.conf.eth0/100.rp_filter) is the directory's own '.'. A device
 * name may hold any other byte, so components are checked, not bytes:
 * none may be empty, "." or "..", and the result stays under /proc/sys.
 */
static int knob_path(const char *name, char *path, size_t len)
{
	size_t i, l = strlen(name), start = 0;

	if (!l || l >= len)
		return -EINVAL;
	for (i = 0; i <= l; i++) {
		char c = name[i];

		if (c == '.' || !c) {
			size_t n = i - start;

			if (!n || (n == 1 && path[start] == '.') ||
			    (n == 2 && path[start] == '.' && path[start + 1] == '.'))
				return -EINVAL;
			path[i] = c ? '/' : 0;
			start = i + 1;
		} else {
			path[i] = c == '/' ? '.' : c;
		}
	}
	return 0;
}

static int read_one(int dirfd, struct sysctl_val *v)
{
	char path[128], buf[SYSCTL_VALUE_MAX];
	ssize_t r;
	int fd, err = knob_path(v->name, path, sizeof(path));

	if (err)
		return err;
	fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read(fd, buf, sizeof(buf) - 1);
	err = r < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == ' '))
		r--;
	for (ssize_t i = 0; i < r; i++)
		buf[i] = buf[i] == '\t' || buf[i] == '\n' ? ' ' : buf[i];
	buf[r] = 0;
	memcpy(v->value, buf, (size_t)r + 1);
	return 0;
}

/*
 * /proc/sys/net shows the namespace of the thread that opens the file, so
 * this runs in the thread netns_run_in() moved there.
 */
static int read_all(void *arg)
{
	struct sysctl_job *j = arg;
	int dirfd = open("/proc/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dirfd < 0)
		return -errno;
	for (size_t i = 0; i < j->n; i++) {
		struct sysctl_val *v = &j->v[i];

		if (j->mark_host && v->err != -ENOENT)
			continue;
		v->err = read_one(dirfd, v);
		if (j->mark_host && !v->err)
			v->host = true;
		if (v->err)
			v->value[0] = 0;
	}
	close(dirfd);
	return 0;
}

int sysctls_read(const char *netns, struct sysctl_val *v, size_t n)
{
	struct sysctl_job j = { .v = v, .n = n };
	int fd, err;

	for (size_t i = 0; i < n; i++) {
		v[i].err = -ENOENT;
		v[i].value[0] = 0;
		v[i].host = false;
	}
	if (!netns)
		return read_all(&j);
	fd = netns_open(netns);
	if (fd < 0)
		return fd;
	err = netns_run_in(fd, read_all, &j);
	close(fd);
	if (err)
		return err;
	j.mark_host = true;
	return read_all(&j);
}

const char *sysctl_value(const struct sysctl_val *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return v[i].err ? NULL : v[i].value;
	return NULL;
}
