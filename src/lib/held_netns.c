// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/held_netns.h"

/* "net:[4026531840]" (a /proc/PID/ns/net or fd link, an nsfs mount's
 * root): its inode, 0 when it is anything else. */
__u32 held_netns_parse(const char *s)
{
	unsigned long long v;
	char end;

	if (sscanf(s, "net:[%llu%c", &v, &end) != 2 || end != ']' || v > 0xffffffffULL)
		return 0;
	return (__u32)v;
}

size_t held_netns_scan(const char *proc, void (*add)(void *arg, __u32 inode), void *arg,
		       size_t per_proc, size_t max_links, bool *cut)
{
	DIR *d = opendir(proc);
	struct dirent *de, *fe;
	size_t links = 0;
	char path[64], buf[64];

	*cut = false;
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t mine = 0;
		DIR *fds;
		int dfd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (links >= max_links) {
			*cut = true;
			break;
		}
		snprintf(path, sizeof(path), "%.20s/fd", de->d_name);
		dfd = openat(dirfd(d), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		fds = fdopendir(dfd);
		if (!fds) {
			close(dfd);
			continue;
		}
		while ((fe = readdir(fds))) {
			ssize_t n;
			__u32 ino;

			if (fe->d_name[0] < '0' || fe->d_name[0] > '9')
				continue;
			if (mine >= per_proc || links >= max_links) {
				*cut = true;
				break;
			}
			mine++;
			links++;
			n = readlinkat(dirfd(fds), fe->d_name, buf, sizeof(buf) - 1);
			/* "net:[" is short: most links (files, sockets) are
			 * told apart by their first bytes. */
			if (n <= 5 || memcmp(buf, "net:[", 5))
				continue;
			buf[n] = 0;
			ino = held_netns_parse(buf);
			if (ino)
				add(arg, ino);
		}
		closedir(fds);
	}
	closedir(d);
	return links;
}
