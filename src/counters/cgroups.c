// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "counters/cgroups.h"

/* A bound on what one walk keeps: a machine with more cgroups than this
 * shows the rest as ids. */
#define MAX_CGROUPS 65536
/* A miss re-walks at most this often: short enough that a cgroup made a
 * moment ago is named by its path at its first drop (a series keeps the
 * label it was first given), long enough that ids of removed cgroups
 * asked for again and again cost little. */
#define REWALK_SECS 0.25
#define MAX_DEPTH   32
#define CG_PATH_MAX 4096

struct cg_entry {
	__u64 id;
	char *path;
};

struct cgroups {
	char root[4096]; /* the cgroup2 mount point, "" when none */
	struct cg_entry *v;
	size_t n, cap;
	double last_walk;
};

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* mountinfo: "id parent maj:min root mountpoint opts... - fstype src opts" */
static void find_root(struct cgroups *cg, const char *mountinfo)
{
	FILE *f = fopen(mountinfo ? mountinfo : "/proc/self/mountinfo", "re");
	char line[8192];

	cg->root[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char mnt[4096], type[64];
		const char *sep = strstr(line, " - ");

		if (!sep || sscanf(sep, " - %63s", type) != 1 || strcmp(type, "cgroup2"))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1) {
			/* mountinfo escapes spaces as \040; a cgroup2 mount point
			 * with one is not worth decoding. */
			if (!strchr(mnt, '\\')) {
				snprintf(cg->root, sizeof(cg->root), "%s", mnt);
				break;
			}
		}
	}
	fclose(f);
}

struct cgroups *cgroups__new(const char *mountinfo)
{
	struct cgroups *cg = calloc(1, sizeof(*cg));

	if (!cg)
		return NULL;
	find_root(cg, mountinfo);
	cg->last_walk = -1e9;
	return cg;
}

static void clear(struct cgroups *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		free(cg->v[i].path);
	cg->n = 0;
}

void cgroups__free(struct cgroups *cg)
{
	if (!cg)
		return;
	clear(cg);
	free(cg->v);
	free(cg);
}

static bool add(struct cgroups *cg, __u64 id, const char *rel)
{
	if (cg->n == MAX_CGROUPS)
		return false;
	if (cg->n == cg->cap) {
		size_t cap = cg->cap ? 2 * cg->cap : 256;
		struct cg_entry *v = realloc(cg->v, cap * sizeof(*v));

		if (!v)
			return false;
		cg->v = v;
		cg->cap = cap;
	}
	cg->v[cg->n].id = id;
	cg->v[cg->n].path = strdup(*rel ? rel : "/");
	if (!cg->v[cg->n].path)
		return false;
	cg->n++;
	return true;
}

/*
 * Depth first below dfd, whose path relative to the root is rel (len
 * bytes of buf). Directories only, never through a link (O_NOFOLLOW) and
 * never off the cgroup2 file system (st_dev), MAX_DEPTH levels at most.
 */
static bool walk_dir(struct cgroups *cg, int dfd, dev_t dev, char *buf, size_t len, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	bool more = true;

	if (!d) {
		close(dfd);
		return true;
	}
	while (more && (de = readdir(d))) {
		struct stat st;
		size_t nlen = strlen(de->d_name);
		int fd;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (len + 1 + nlen >= CG_PATH_MAX)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) || st.st_dev != dev) {
			close(fd);
			continue;
		}
		buf[len] = '/';
		memcpy(buf + len + 1, de->d_name, nlen + 1);
		more = add(cg, st.st_ino, buf);
		if (more && depth < MAX_DEPTH)
			more = walk_dir(cg, fd, dev, buf, len + 1 + nlen, depth + 1);
		else
			close(fd);
		buf[len] = 0;
	}
	closedir(d);
	return more;
}

static void walk(struct cgroups *cg)
{
	char buf[CG_PATH_MAX] = "";
	struct stat st;
	int fd;

	clear(cg);
	cg->last_walk = now_secs();
	if (!cg->root[0])
		return;
	fd = open(cg->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || !add(cg, st.st_ino, "")) {
		close(fd);
		return;
	}
	walk_dir(cg, fd, st.st_dev, buf, 0, 1);
}

const char *cgroups__path(struct cgroups *cg, __u64 id)
{
	if (!cg || !id)
		return NULL;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < cg->n; i++)
			if (cg->v[i].id == id)
				return cg->v[i].path;
		if (pass || now_secs() - cg->last_walk < REWALK_SECS)
			break;
		walk(cg);
	}
	return NULL;
}

int cgroups__exists(struct cgroups *cg, __u64 id, double since)
{
	if (!cg || !cg->root[0])
		return -1;
	/* A hit in an older walk is no proof: the cgroup may be gone since. */
	if (cg->last_walk < since)
		walk(cg);
	for (size_t i = 0; i < cg->n; i++)
		if (cg->v[i].id == id)
			return 1;
	return cg->n == MAX_CGROUPS ? -1 : 0;
}
