// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "counters/cgroups.h"
#include "trace/objects.h"

/* An open-addressing set of namespace inodes (0 = empty). */
struct u32set {
	__u32 *v;
	size_t n, cap;
};

struct dev {
	__u32 ifindex;
	char name[IF_NAMESIZE];
};

struct objects {
	__u32 dims;
	__u32 self_netns; /* ours: its devices can be checked, it lives */
	struct cgroups *cg;
	double since; /* monotonic start of this poll */
	struct u32set netns;
	bool netns_read;
	struct dev *devs;
	size_t ndevs;
	bool devs_read;
};

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static __u32 ino_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (__u32)st.st_ino;
}

struct objects *objects__new(__u32 dims, struct cgroups *cg)
{
	struct objects *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->dims = dims & DIMS_OBJECT;
	o->cg = cg;
	o->self_netns = ino_of("/proc/self/ns/net");
	return o;
}

void objects__free(struct objects *o)
{
	if (!o)
		return;
	free(o->netns.v);
	free(o->devs);
	free(o);
}

void objects__begin(struct objects *o)
{
	o->netns_read = false;
	o->devs_read = false;
	o->since = now_secs();
}

static bool set_grow(struct u32set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	__u32 *v = calloc(cap, sizeof(*v)), *old = s->v;
	size_t oldcap = s->cap;

	if (!v)
		return false;
	s->v = v;
	s->cap = cap;
	s->n = 0;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i]) {
			size_t j = (old[i] * 2654435761u) & (cap - 1);

			while (v[j])
				j = (j + 1) & (cap - 1);
			v[j] = old[i];
			s->n++;
		}
	}
	free(old);
	return true;
}

static void set_add(struct u32set *s, __u32 x)
{
	size_t j;

	if (!x || ((s->n + 1) * 2 > s->cap && !set_grow(s)))
		return;
	for (j = (x * 2654435761u) & (s->cap - 1); s->v[j]; j = (j + 1) & (s->cap - 1))
		if (s->v[j] == x)
			return;
	s->v[j] = x;
	s->n++;
}

static bool set_has(const struct u32set *s, __u32 x)
{
	if (!s->cap)
		return false;
	for (size_t j = (x * 2654435761u) & (s->cap - 1); s->v[j]; j = (j + 1) & (s->cap - 1))
		if (s->v[j] == x)
			return true;
	return false;
}

/* "net:[4026531840]" (a /proc/PID/ns/net link, an nsfs mount's root). */
static __u32 parse_net(const char *s)
{
	unsigned long long v;
	char end;

	if (sscanf(s, "net:[%llu%c", &v, &end) != 2 || end != ']' || v > 0xffffffffULL)
		return 0;
	return (__u32)v;
}

/*
 * The namespaces something holds: a process in it (/proc/PID/ns/net) or
 * a bind mount of it (ip netns add: an nsfs mount in mountinfo). One held
 * only by an open descriptor or a socket is missed: its row is then freed
 * after its last count was reported, and a later drop starts a new one.
 * A process we may not inspect (another user's, without CAP_SYS_PTRACE)
 * is missed the same way.
 */
static void read_netns(struct objects *o)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	FILE *f;
	char buf[64], line[8192];

	if (o->netns.cap) /* before the first add the set has no storage */
		memset(o->netns.v, 0, o->netns.cap * sizeof(*o->netns.v));
	o->netns.n = 0;
	set_add(&o->netns, o->self_netns);
	while (d && (de = readdir(d))) {
		char path[64];
		ssize_t n;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%.20s/ns/net", de->d_name);
		n = readlinkat(dirfd(d), path, buf, sizeof(buf) - 1);
		if (n <= 0)
			continue;
		buf[n] = 0;
		set_add(&o->netns, parse_net(buf));
	}
	if (d)
		closedir(d);
	f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char root[64], type[16];
		const char *sep = strstr(line, " - ");

		if (!sep || sscanf(sep, " - %15s", type) != 1 || strcmp(type, "nsfs") ||
		    sscanf(line, "%*s %*s %*s %63s", root) != 1)
			continue;
		set_add(&o->netns, parse_net(root));
	}
	if (f)
		fclose(f);
	o->netns_read = true;
}

static bool netns_gone(struct objects *o, const struct drop_key *k)
{
	if (!k->netns || k->netns == o->self_netns)
		return false;
	if (!o->netns_read)
		read_netns(o);
	return !set_has(&o->netns, k->netns);
}

/* Our namespace's devices: the only ones we can see without entering another. */
static void read_devs(struct objects *o)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	size_t n = 0;

	o->devs_read = true;
	o->ndevs = 0;
	if (!ifs)
		return;
	for (i = ifs; i->if_index; i++)
		n++;
	free(o->devs);
	o->devs = calloc(n ? n : 1, sizeof(*o->devs));
	if (o->devs) {
		for (i = ifs; i->if_index; i++) {
			o->devs[o->ndevs].ifindex = i->if_index;
			snprintf(o->devs[o->ndevs].name, IF_NAMESIZE, "%s", i->if_name);
			o->ndevs++;
		}
	}
	if_freenameindex(ifs);
}

/*
 * A device is checked in our namespace: when the row names it (--by
 * netns) or does not say (netns 0, --by dev alone, where a pod's host
 * side veth lives). An ifindex reused by a device of another name is a
 * new device: the old row is gone.
 */
static bool dev_gone(struct objects *o, const struct drop_key *k)
{
	if (!k->ifindex || !k->dev[0] || (k->netns && k->netns != o->self_netns))
		return false;
	if (!o->devs_read)
		read_devs(o);
	if (!o->devs)
		return false;
	for (size_t i = 0; i < o->ndevs; i++)
		if (o->devs[i].ifindex == k->ifindex)
			return strncmp(o->devs[i].name, k->dev, sizeof(k->dev)) != 0;
	return true;
}

static bool cgroup_gone(struct objects *o, const struct drop_key *k)
{
	return k->cgroup && cgroups__exists(o->cg, k->cgroup, o->since) == 0;
}

/*
 * A workload row keeps the namespace and cgroup it is named from
 * (trace/keys.c): it is gone when either is. The namespace by inode: one
 * the kernel gave again to a new namespace keeps the row (and its cookie
 * apart) until that one goes too; never freed too early.
 */
static bool workload_gone(struct objects *o, const struct drop_key *k)
{
	return netns_gone(o, k) || (o->cg && cgroup_gone(o, k));
}

static const struct {
	__u32 dim;
	bool (*gone)(struct objects *o, const struct drop_key *k);
} checks[] = {
	{ DIM_NETNS, netns_gone },
	{ DIM_DEV, dev_gone },
	{ DIM_CGROUP, cgroup_gone },
	{ DIM_WORKLOAD, workload_gone },
};

bool objects__gone(void *arg, const struct drop_key *k)
{
	struct objects *o = arg;

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		if ((o->dims & checks[i].dim) && checks[i].gone(o, k))
			return true;
	return false;
}
