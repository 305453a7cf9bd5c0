/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding tracefs without changing the machine: use a tracefs that is
 * already mounted (/sys/kernel/tracing, /sys/kernel/debug/tracing, or
 * anywhere /proc/self/mounts lists one); only when there is none, mount it
 * on /sys/kernel/tracing and unmount it again when done.
 */
#ifndef DROPSCOPE_TRACEFS_H
#define DROPSCOPE_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

/* Where tracefs is mounted when nobody else mounted it. */
#define TRACEFS_DEFAULT_DIR "/sys/kernel/tracing"

/*
 * Put the tracefs directory into buf. *mounted_by_us tells whether this
 * call mounted it (on TRACEFS_DEFAULT_DIR); if so, the caller must call
 * tracefs__release(true) when done. Returns 0, or -errno (-ENAMETOOLONG
 * when buf is too small, -ENODEV/-EPERM/... when mounting failed).
 */
int tracefs__dir(char *buf, size_t len, bool *mounted_by_us);

/* Undo tracefs__dir(): unmounts TRACEFS_DEFAULT_DIR if mounted_by_us. */
void tracefs__release(bool mounted_by_us);

/*
 * Whole content of a file below the tracefs directory, e.g.
 * "events/skb/kfree_skb/format", NUL-terminated and malloc'd; *len (may
 * be NULL) gets its length without the NUL. Mounts and unmounts tracefs
 * around the read if needed. NULL with errno set on failure.
 */
char *tracefs__read(const char *rel, size_t *len);

/*
 * A tracepoint format is a few KB (kfree_skb's, with every reason name in
 * its __print_symbolic(), about 10 KB on 6.18): 1 MiB bounds a wrong file.
 */
#define TRACEFS_MAX_FILE (1u << 20)

/* Read fd to EOF, at most TRACEFS_MAX_FILE bytes (else EFBIG), NUL-terminated. */
char *tracefs__read_fd(int fd, size_t *len);

#endif /* DROPSCOPE_TRACEFS_H */
