// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/newfile.h"

int outfile_open(const char *path, mode_t mode, bool force, bool *existed)
{
	return outfile_openat(AT_FDCWD, path, mode, force, existed);
}

int outfile_openat(int dirfd, const char *path, mode_t mode, bool force, bool *existed)
{
	struct stat st;
	int fd, err;

	if (existed)
		*existed = false;
	if (!path || !*path)
		return -EINVAL;
	fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
		    mode);
	if (fd >= 0 || errno != EEXIST)
		return fd >= 0 ? fd : -errno;
	if (existed)
		*existed = true;
	/* There already: a link (dangling ones too) gives ELOOP here. */
	fd = openat(dirfd, path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
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

int outfile_dir(const char *path, const char **name)
{
	char dir[PATH_MAX];
	const char *slash;
	size_t len;
	int fd;

	if (!path || !*path)
		return -EINVAL;
	slash = strrchr(path, '/');
	if (!slash) {
		*name = path;
		fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		return fd >= 0 ? fd : -errno;
	}
	if (!slash[1])
		return -EISDIR;
	*name = slash + 1;
	len = slash > path ? (size_t)(slash - path) : 1; /* "/name": the root */
	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, len);
	dir[len] = '\0';
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd >= 0 ? fd : -errno;
}

int outfile_remove(int dirfd, const char *name, int fd)
{
	struct stat ours, now;

	if (fstat(fd, &ours) || fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (!S_ISREG(now.st_mode) || now.st_dev != ours.st_dev || now.st_ino != ours.st_ino)
		return -ESTALE;
	/* A writer of this directory could still swap the name between the
	 * look and the unlink; what it can aim at is a name in this
	 * directory, which it could remove itself. */
	return unlinkat(dirfd, name, 0) ? -errno : 0;
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
