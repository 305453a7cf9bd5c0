// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/held_netns.h"

struct held_walk {
	char *proc;
	size_t per_proc, max_links;
	unsigned long cursor; /* the last process this walk went over; 0: none yet */
	bool complete;	      /* the last step ended a walk */
	bool lost;	      /* out of memory in this walk: it can never say "no" */
	__u32 *found;	      /* namespaces found by this walk, sorted and unique after a step */
	size_t n, cap;
	size_t last_links;
	__u64 cut_links, cut_proc;
};

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

struct held_walk *held_walk__new(const char *proc, size_t per_proc, size_t max_links)
{
	struct held_walk *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->proc = strdup(proc);
	if (!w->proc) {
		free(w);
		return NULL;
	}
	w->per_proc = per_proc ? per_proc : 1;
	w->max_links = max_links ? max_links : 1;
	return w;
}

void held_walk__free(struct held_walk *w)
{
	if (!w)
		return;
	free(w->proc);
	free(w->found);
	free(w);
}

static void found_add(struct held_walk *w, __u32 inode)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		__u32 *v = realloc(w->found, cap * sizeof(*v));

		if (!v) {
			w->lost = true;
			return;
		}
		w->found = v;
		w->cap = cap;
	}
	w->found[w->n++] = inode;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Sorted and unique: a namespace held by many descriptors is one entry. */
static void found_settle(struct held_walk *w)
{
	size_t out = 0;

	qsort(w->found, w->n, sizeof(*w->found), cmp_u32);
	for (size_t i = 0; i < w->n; i++)
		if (!out || w->found[out - 1] != w->found[i])
			w->found[out++] = w->found[i];
	w->n = out;
}

/*
 * The processes after the cursor, ascending: a step goes on where the last
 * one stopped whatever order the directory lists them in. Listing costs no
 * readlink; NULL (and *n 0) when /proc cannot be read or on ENOMEM.
 */
static unsigned long *pids_after(const struct held_walk *w, size_t *n)
{
	DIR *d = opendir(w->proc);
	unsigned long *v = NULL, *nv;
	size_t cap = 0;
	struct dirent *de;

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		unsigned long pid;
		char *end;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = strtoul(de->d_name, &end, 10);
		if (*end || pid <= w->cursor)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				*n = 0;
				return NULL;
			}
			v = nv;
		}
		v[(*n)++] = pid;
	}
	closedir(d);
	if (!v) /* no process after the cursor: an empty list, not a failure */
		v = malloc(sizeof(*v));
	qsort(v, *n, sizeof(*v), cmp_ul);
	return v;
}

enum proc_end { PROC_DONE, PROC_CUT, PROC_BUDGET };

/* One process's descriptors, at most per_proc and what is left of the step. */
static enum proc_end walk_proc(struct held_walk *w, unsigned long pid)
{
	char path[96], buf[64];
	size_t mine = 0;
	struct dirent *fe;
	DIR *fds;
	int dfd;

	snprintf(path, sizeof(path), "%s/%lu/fd", w->proc, pid);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return PROC_DONE; /* gone, or not ours to read: skipped as before */
	fds = fdopendir(dfd);
	if (!fds) {
		close(dfd);
		return PROC_DONE;
	}
	while ((fe = readdir(fds))) {
		ssize_t n;
		__u32 ino;

		if (fe->d_name[0] < '0' || fe->d_name[0] > '9')
			continue;
		if (mine >= w->per_proc) {
			closedir(fds);
			return PROC_CUT;
		}
		if (w->last_links >= w->max_links) {
			closedir(fds);
			return PROC_BUDGET;
		}
		mine++;
		w->last_links++;
		n = readlinkat(dirfd(fds), fe->d_name, buf, sizeof(buf) - 1);
		/* "net:[" is short: most links (files, sockets) are
		 * told apart by their first bytes. */
		if (n <= 5 || memcmp(buf, "net:[", 5))
			continue;
		buf[n] = 0;
		ino = held_netns_parse(buf);
		if (ino)
			found_add(w, ino);
	}
	closedir(fds);
	return PROC_DONE;
}

bool held_walk__step(struct held_walk *w)
{
	unsigned long *pids;
	bool proc_cut = false, partial = false;
	size_t n, i;

	if (w->complete) { /* the last step ended a walk: begin the next */
		w->n = 0;
		w->cursor = 0;
		w->lost = false;
		w->complete = false;
	}
	w->last_links = 0;
	pids = pids_after(w, &n);
	if (!pids) /* /proc unreadable or no memory: nothing can be said */
		return false;
	for (i = 0; i < n; i++) {
		enum proc_end end;

		if (w->last_links >= w->max_links) {
			partial = true;
			break;
		}
		end = walk_proc(w, pids[i]);
		/* The step's budget ran out inside a process: read it again
		 * from its start at the next step, unless it was the first
		 * of this one (it alone is more than a step: taken as cut). */
		if (end == PROC_BUDGET && i > 0) {
			partial = true;
			break;
		}
		if (end != PROC_DONE)
			proc_cut = true;
		w->cursor = pids[i];
	}
	free(pids);
	found_settle(w);
	if (proc_cut)
		w->cut_proc++;
	if (partial) {
		w->cut_links++;
		return false;
	}
	w->complete = true;
	return true;
}

enum held_answer held_walk__held(const struct held_walk *w, __u32 inode)
{
	if (w->n && bsearch(&inode, w->found, w->n, sizeof(inode), cmp_u32))
		return HELD_YES;
	return w->complete && !w->lost ? HELD_NO : HELD_UNKNOWN;
}

__u64 held_walk__cut_links(const struct held_walk *w)
{
	return w ? w->cut_links : 0;
}

__u64 held_walk__cut_proc(const struct held_walk *w)
{
	return w ? w->cut_proc : 0;
}

size_t held_walk__last_links(const struct held_walk *w)
{
	return w->last_links;
}
