/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files we write (-w, --ready-file), created safely in directories other
 * users may write to (/tmp):
 *   - a new file is created with O_EXCL, so nothing planted there (a
 *     symbolic or hard link to someone's file) is written through;
 *   - a symbolic link is never followed, --force or not;
 *   - an existing regular file is refused unless `force`, then truncated;
 *     its mode is never changed (we may not own it);
 *   - an existing FIFO, character device (/dev/null) or socket is written
 *     to without `force`: that is what naming one asks for, and there is
 *     nothing in it to clobber.
 */
#ifndef DROPSCOPE_OUTFILE_H
#define DROPSCOPE_OUTFILE_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Open path for writing as above; a new file gets `mode` (umask applies).
 * *existed (may be NULL) tells whether it was there before. Returns a
 * descriptor (O_CLOEXEC) or -errno: -EEXIST for an existing regular file
 * without force, -ELOOP for a symbolic link.
 */
int outfile_open(const char *path, mode_t mode, bool force, bool *existed);

/* The same for name in the directory dirfd (AT_FDCWD: the current one). */
int outfile_openat(int dirfd, const char *name, mode_t mode, bool force, bool *existed);

/*
 * Open (O_PATH) the directory path's last component is in, and point *name
 * at that component within path: for outfile_openat() and, at the end,
 * outfile_remove() on the same directory, whatever its path names by then.
 * Returns a descriptor or -errno (-EISDIR if path ends in '/').
 */
int outfile_dir(const char *path, const char **name);

/*
 * Remove name from the directory dirfd if it still is the file fd is open
 * on (a link in its place is neither followed nor removed). By the
 * directory's descriptor, not a path: a directory on the way that was
 * renamed or replaced meanwhile cannot aim the removal at another one.
 * Returns 0, -ESTALE if name is another file now, or -errno.
 */
int outfile_remove(int dirfd, const char *name, int fd);

/* The cause for a message: "exists (--force replaces it)" for -EEXIST,
 * "is a symbolic link (never followed)" for -ELOOP, else strerror. */
const char *outfile_strerror(int err);

#endif /* DROPSCOPE_OUTFILE_H */
