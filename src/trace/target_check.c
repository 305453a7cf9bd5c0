// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/netns.h"
#include "trace/target_check.h"

/* Bind mounts first (cheap, the usual case), then every task. */
static const char *const ns_dirs[] = { "/run/netns", "/var/run/netns" };

static int scan(const char *dir, bool tasks, __u32 inode, char *buf, size_t len)
{
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);
	int rc = -ENOENT;

	if (!d)
		return -ENOENT;
	while (rc && (de = readdir(d))) {
		if (de->d_name[0] == '.' || (tasks && !isdigit((unsigned char)de->d_name[0])))
			continue;
		snprintf(buf, len, tasks ? "%s/%s/ns/net" : "%s/%s", dir, de->d_name);
		if (!stat(buf, &st) && st.st_ino == inode)
			rc = 0;
	}
	closedir(d);
	return rc;
}

int nscheck_find_netns(__u32 inode, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(ns_dirs) / sizeof(ns_dirs[0]); i++)
		if (!scan(ns_dirs[i], false, inode, buf, len))
			return 0;
	return scan("/proc", true, inode, buf, len);
}

static int index_exists(void *ifindex)
{
	char name[IF_NAMESIZE];

	return if_indextoname(*(__u32 *)ifindex, name) ? 1 : 0;
}

int nscheck_ifindex_exists(const char *netns_path, __u32 ifindex)
{
	if (!netns_path)
		return index_exists(&ifindex);
	return netns_call(netns_path, index_exists, &ifindex);
}
