// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/newfile.h"

int outfile_open(const char *path, mode_t mode, bool force, bool *existed)
{
	struct stat st;
	int fd, err;

	if (existed)
		*existed = false;
	if (!path || !*path)
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
	if (fd >= 0 || errno != EEXIST)
		return fd >= 0 ? fd : -errno;
	if (existed)
		*existed = true;
	/* There already: a link (dangling ones too) gives ELOOP here. */
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (S_ISREG(st.st_mode)) {
		if (!force) {
			close(fd);
			return -EEXIST;
		}
		if (ftruncate(fd, 0)) {
			err = -errno;
			close(fd);
			return err;
		}
	}
	return fd;
}

const char *outfile_strerror(int err)
{
	switch (err) {
	case -EEXIST:
		return "exists (--force replaces it)";
	case -ELOOP:
		return "is a symbolic link (never followed)";
	default:
		return strerror(-err);
	}
}
