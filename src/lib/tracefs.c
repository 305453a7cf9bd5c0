// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs lookup: reuse whatever tracefs the machine already has, and
 * mount one only when there is none, so that the tool leaves the mount
 * table as it found it.
 */
#include "lib/tracefs.h"

#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

/*
 * Find a mounted tracefs in /proc/self/mounts (our mount namespace, which
 * is the one our opens resolve in). /sys/kernel/tracing wins over others,
 * e.g. the automount below /sys/kernel/debug/tracing, only because it is
 * the canonical place; any tracefs mount shows the same instance.
 */
static int find_mounted(char *buf, size_t len)
{
	char line[4096];
	struct mntent ent;
	bool found = false;
	FILE *f;
	int err = -ENOENT;

	f = setmntent("/proc/self/mounts", "re");
	if (!f)
		return -errno;
	while (getmntent_r(f, &ent, line, sizeof(line))) {
		bool canonical;

		if (strcmp(ent.mnt_type, "tracefs") != 0)
			continue;
		canonical = strcmp(ent.mnt_dir, TRACEFS_DEFAULT_DIR) == 0;
		if (found && !canonical)
			continue;
		if ((size_t)snprintf(buf, len, "%s", ent.mnt_dir) >= len) {
			err = -ENAMETOOLONG;
			continue;
		}
		found = true;
		err = 0;
		if (canonical)
			break;
	}
	endmntent(f);
	return err;
}

int tracefs__dir(char *buf, size_t len, bool *mounted_by_us)
{
	int err;

	*mounted_by_us = false;
	err = find_mounted(buf, len);
	if (err != -ENOENT)
		return err;

	if (len <= strlen(TRACEFS_DEFAULT_DIR))
		return -ENAMETOOLONG;
	if (mount("nodev", TRACEFS_DEFAULT_DIR, "tracefs", 0, NULL) < 0) {
		/* Someone mounted it between our look and our mount. */
		if (errno == EBUSY && find_mounted(buf, len) == 0)
			return 0;
		return -errno;
	}
	strcpy(buf, TRACEFS_DEFAULT_DIR);
	*mounted_by_us = true;
	return 0;
}

void tracefs__release(bool mounted_by_us)
{
	if (!mounted_by_us)
		return;
	/*
	 * A reader that still has a file open keeps the mount busy; detach
	 * it then, so it disappears from the mount table now and from the
	 * kernel once the last file is closed.
	 */
	if (umount2(TRACEFS_DEFAULT_DIR, 0) < 0 && errno == EBUSY)
		umount2(TRACEFS_DEFAULT_DIR, MNT_DETACH);
}

/* tracefs files report st_size 0, so read until EOF into a growing buffer,
 * at most TRACEFS_MAX_FILE bytes (EFBIG beyond). */
char *tracefs__read_fd(int fd, size_t *len)
{
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap);
	int err;

	if (!buf)
		return NULL;
	for (;;) {
		ssize_t r;

		if (cap - n < 2) {
			char *p;

			if (cap > TRACEFS_MAX_FILE) {
				errno = EFBIG;
				goto err;
			}
			p = realloc(buf, cap * 2);
			if (!p)
				goto err;
			buf = p;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto err;
		}
		if (r == 0)
			break;
		n += r;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
err:
	err = errno;
	free(buf);
	errno = err;
	return NULL;
}

char *tracefs__read(const char *rel, size_t *len)
{
	char dir[4096], path[4096 + 256];
	bool mounted;
	char *text = NULL;
	int fd, err;

	if (!rel || rel[0] == '/' || rel[0] == '\0') {
		errno = EINVAL;
		return NULL;
	}
	err = tracefs__dir(dir, sizeof(dir), &mounted);
	if (err) {
		errno = -err;
		return NULL;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, rel) >= sizeof(path)) {
		err = ENAMETOOLONG;
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	text = tracefs__read_fd(fd, len);
	err = text ? 0 : errno;
	close(fd);
out:
	tracefs__release(mounted);
	if (err)
		errno = err;
	return text;
}
