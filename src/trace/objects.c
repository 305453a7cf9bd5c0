// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "counters/cgroups.h"
#include "lib/caps.h"
#include "lib/held_netns.h"
#include "trace/objects.h"

/* An open-addressing set of namespace inodes or cookies (0 = empty). */
struct u64set {
	__u64 *v;
	size_t n, cap;
};

/*
 * nsfs file handles (6.18+): name_to_handle_at() on a namespace file
 * gives {ns_id, type, inode}, and open_by_handle_at() of it fails with
 * ESTALE once the namespace is gone, whatever held it (a process, a bind
 * mount, an open descriptor or a socket), when asked with CAP_SYS_ADMIN.
 * The network namespace's ns_id is its cookie, which every row has:
 * probed, not assumed (see probe_handles()).
 */
#ifndef FILEID_NSFS
#define FILEID_NSFS 0xf1
#endif
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif
#define NS_HANDLE_MAX 64

struct ns_handle { /* the kernel's struct nsfs_file_handle, version 0 */
	__u64 ns_id;
	__u32 ns_type;
	__u32 ns_inum;
};

enum handles {
	HANDLES_UNPROBED,
	HANDLES_NO,  /* older kernel, or not the cookie: /proc and mounts */
	HANDLES_YES, /* with CAP_SYS_ADMIN: a live namespace opens, a gone one is ESTALE */
};

union ns_fh {
	struct file_handle fh;
	char buf[sizeof(struct file_handle) + NS_HANDLE_MAX];
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
	struct u64set netns;
	bool netns_read;
	struct held_walk *held; /* namespaces open as a file in some process */
	bool held_read;
	enum handles handles;
	int nsfs_fd;		   /* our own namespace's file: where handles are opened */
	union ns_fh tmpl;	   /* our namespace's handle: the layout others are built on */
	bool may_open;		   /* CAP_SYS_ADMIN effective or permitted: without it a
				    * live one is ESTALE too */
	bool raise;		   /* permitted only: raised around each handle open */
	cap_t caps;		   /* with raise: our sets, as the first poll found them */
	bool caps_read;		   /* raise, may_open and caps are set */
	bool cap_stuck;		   /* it could not be lowered again after one */
	struct u64set alive, dead; /* cookies answered by handle this poll */
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
	o->nsfs_fd = -1;
	return o;
}

void objects__free(struct objects *o)
{
	if (!o)
		return;
	free(o->netns.v);
	held_walk__free(o->held);
	free(o->alive.v);
	free(o->dead.v);
	if (o->nsfs_fd >= 0)
		close(o->nsfs_fd);
	if (o->caps)
		cap_free(o->caps);
	free(o->devs);
	free(o);
}

static size_t hash64(__u64 x, size_t cap)
{
	return (size_t)(((x ^ (x >> 32)) * 2654435761u) & (cap - 1));
}

static bool set_grow(struct u64set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	__u64 *v = calloc(cap, sizeof(*v)), *old = s->v;
	size_t oldcap = s->cap;

	if (!v)
		return false;
	s->v = v;
	s->cap = cap;
	s->n = 0;
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i]) {
			size_t j = hash64(old[i], cap);

			while (v[j])
				j = (j + 1) & (cap - 1);
			v[j] = old[i];
			s->n++;
		}
	}
	free(old);
	return true;
}

static void set_add(struct u64set *s, __u64 x)
{
	size_t j;

	if (!x || ((s->n + 1) * 2 > s->cap && !set_grow(s)))
		return;
	for (j = hash64(x, s->cap); s->v[j]; j = (j + 1) & (s->cap - 1))
		if (s->v[j] == x)
			return;
	s->v[j] = x;
	s->n++;
}

static bool set_has(const struct u64set *s, __u64 x)
{
	if (!s->cap)
		return false;
	for (size_t j = hash64(x, s->cap); s->v[j]; j = (j + 1) & (s->cap - 1))
		if (s->v[j] == x)
			return true;
	return false;
}

static void set_clear(struct u64set *s)
{
	if (s->n) /* before the first add the set has no storage */
		memset(s->v, 0, s->cap * sizeof(*s->v));
	s->n = 0;
}

void objects__begin(struct objects *o)
{
	o->netns_read = false;
	o->held_read = false;
	o->devs_read = false;
	set_clear(&o->alive);
	set_clear(&o->dead);
	/*
	 * The exporter keeps CAP_SYS_ADMIN permitted but not effective: it is
	 * raised around each open_by_handle_at() only (nsfs_open()), never for
	 * the rest of the poll (map reads, /proc). Our sets are asked once, at
	 * the first poll that may check a namespace: they do not change while
	 * we run, and asking each poll was three capget(2) a poll. Not at
	 * objects__new(): the exporter drops its privileges after creating us
	 * and before its first sweep, and a copy from before would raise what
	 * is no longer permitted.
	 */
	if (o->dims & (DIM_NETNS | DIM_WORKLOAD) && !o->caps_read) {
		o->caps_read = true;
		o->raise = !caps_effective(CAP_SYS_ADMIN);
		o->may_open = !o->raise || caps_permitted(CAP_SYS_ADMIN);
		o->caps = o->raise && o->may_open ? cap_get_proc() : NULL;
		if (o->raise && !o->caps)
			o->may_open = false;
	}
	o->since = now_secs();
}

/*
 * The namespaces something holds: a process in it (/proc/PID/ns/net) or
 * a bind mount of it (ip netns add: an nsfs mount in mountinfo): the way
 * before nsfs file handles (< 6.18) or without CAP_SYS_ADMIN; then, for
 * one found in neither, open descriptors (read_held()). One held only by a
 * socket is missed: its row is then freed after its last count was
 * reported, and a later drop starts a new one. A process we may not
 * inspect (another user's, without CAP_SYS_PTRACE) is missed the same way.
 */
static void read_netns(struct objects *o)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	FILE *f;
	char buf[64], line[8192];

	set_clear(&o->netns);
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
		set_add(&o->netns, held_netns_parse(buf));
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
		set_add(&o->netns, held_netns_parse(root));
	}
	if (f)
		fclose(f);
	o->netns_read = true;
}

/*
 * open_by_handle_at() with CAP_SYS_ADMIN effective for this call only when
 * it is merely permitted. Returns the descriptor or -1 with errno set. A
 * capability that cannot be lowered again stops the handle checks for good
 * (objects__cap_stuck(): the exporter then exits).
 */
static int nsfs_open(struct objects *o, int mnt_fd, struct file_handle *fh)
{
	int fd, err;

	if (o->raise && caps_apply_effective(o->caps, CAP_SYS_ADMIN, true)) {
		errno = EPERM;
		return -1;
	}
	fd = open_by_handle_at(mnt_fd, fh, O_RDONLY | O_CLOEXEC);
	err = errno;
	if (o->raise && caps_apply_effective(o->caps, CAP_SYS_ADMIN, false)) {
		o->cap_stuck = true;
		o->may_open = false;
	}
	errno = err;
	return fd;
}

bool objects__cap_stuck(const struct objects *o)
{
	return o && o->cap_stuck;
}

/*
 * The namespaces processes hold open as files (/proc/PID/fd/N ->
 * "net:[N]"): the way without CAP_SYS_ADMIN to see a namespace held only
 * by a descriptor (a runtime's, or `exec {fd}<.../ns/net`). Reading another
 * user's fd links takes CAP_SYS_PTRACE (the DaemonSet grants it); one we
 * may not read is skipped. Read only when a namespace was found in no
 * process and no mount, one step per poll: its cost is one readlink per
 * open descriptor on the host, bounded (lib/held_netns.h) so that a host
 * with many descriptors cannot stall every poll. A walk the bound stops
 * goes on at the next poll, and until it is complete a namespace it has
 * not found is kept, not taken for gone (objects__walk_cut() counts
 * those polls). A namespace held only by a socket (made in it, then the
 * process left) is still missed: a socket's link names the socket, and its
 * namespace can be asked only from inside or with the socket itself
 * (pidfd_getfd, a ptrace attach per socket).
 */
static void read_held(struct objects *o)
{
	o->held_read = true;
	if (!o->held)
		o->held = held_walk__new("/proc", HELD_NETNS_PER_PROC, HELD_NETNS_MAX_LINKS);
	if (o->held)
		held_walk__step(o->held);
}

void objects__walk_cut(const struct objects *o, __u64 *links, __u64 *proc)
{
	*links = o ? held_walk__cut_links(o->held) : 0;
	*proc = o ? held_walk__cut_proc(o->held) : 0;
}

/*
 * Whether nsfs file handles tell a namespace's life here, decided once:
 * our own namespace's handle must hold our cookie and inode, and a handle
 * of an id no namespace has must say ESTALE. Measured on 6.18: a live
 * namespace other than ours opens only with CAP_SYS_ADMIN; without it the
 * answer is ESTALE as for a gone one, so handles are asked only while we
 * have it (objects__begin()).
 */
static void probe_handles(struct objects *o)
{
	__u64 cookie = 0;
	socklen_t len = sizeof(cookie);
	union ns_fh h = {};
	struct ns_handle nh;
	int mnt, sock, fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	o->handles = HANDLES_NO;
	if (fd < 0)
		return;
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock >= 0) {
		if (getsockopt(sock, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len))
			cookie = 0;
		close(sock);
	}
	h.fh.handle_bytes = NS_HANDLE_MAX;
	if (!cookie || name_to_handle_at(fd, "", &h.fh, &mnt, AT_EMPTY_PATH) ||
	    h.fh.handle_type != FILEID_NSFS || h.fh.handle_bytes < sizeof(nh))
		goto no;
	memcpy(&nh, h.fh.f_handle, sizeof(nh));
	if (nh.ns_id != cookie || nh.ns_inum != o->self_netns)
		goto no;
	o->tmpl = h;
	/* An id no namespace has: gone. */
	nh.ns_id = ~0ULL;
	memcpy(o->tmpl.fh.f_handle, &nh, sizeof(nh));
	sock = nsfs_open(o, fd, &o->tmpl.fh);
	if (sock >= 0)
		close(sock);
	if (sock >= 0 || errno != ESTALE)
		goto no;
	/* Ours, alive. */
	sock = nsfs_open(o, fd, &h.fh);
	if (sock < 0)
		goto no;
	close(sock);
	o->handles = HANDLES_YES;
	o->nsfs_fd = fd;
	return;
no:
	close(fd);
}

/* 1: the namespace with this cookie and inode exists; 0: gone; -1: cannot tell. */
static int handle_alive(struct objects *o, __u64 cookie, __u32 inum)
{
	struct ns_handle nh = { .ns_id = cookie, .ns_type = CLONE_NEWNET, .ns_inum = inum };
	int fd;

	memcpy(o->tmpl.fh.f_handle, &nh, sizeof(nh));
	fd = nsfs_open(o, o->nsfs_fd, &o->tmpl.fh);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno == ESTALE ? 0 : -1;
}

void objects__prepare(void *arg, const struct drop_key *keys, size_t n)
{
	struct objects *o = arg;
	struct u64set asked = {};
	struct {
		__u64 cookie;
		__u32 inum;
		int fd, err;
	} * q;
	size_t nq = 0;

	if (!(o->dims & (DIM_NETNS | DIM_WORKLOAD)) || !n)
		return;
	if (o->handles == HANDLES_UNPROBED)
		probe_handles(o);
	/* Without a raise per check there is nothing to save. */
	if (o->handles != HANDLES_YES || !o->may_open || !o->raise || o->cap_stuck)
		return;
	q = calloc(n, sizeof(*q));
	if (!q)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct drop_key *k = &keys[i];

		/* Several rows of one namespace: asked once. */
		if (!k->netns || k->netns == o->self_netns || !k->netns_cookie ||
		    set_has(&o->alive, k->netns_cookie) || set_has(&o->dead, k->netns_cookie) ||
		    set_has(&asked, k->netns_cookie))
			continue;
		set_add(&asked, k->netns_cookie);
		q[nq].cookie = k->netns_cookie;
		q[nq].inum = k->netns;
		q[nq].fd = -1;
		nq++;
	}
	if (!nq || caps_apply_effective(o->caps, CAP_SYS_ADMIN, true))
		goto out;
	/* Only the opens while it is effective: their descriptors are closed
	 * after it is lowered. */
	for (size_t j = 0; j < nq; j++) {
		struct ns_handle nh = { .ns_id = q[j].cookie,
					.ns_type = CLONE_NEWNET,
					.ns_inum = q[j].inum };

		memcpy(o->tmpl.fh.f_handle, &nh, sizeof(nh));
		q[j].fd = open_by_handle_at(o->nsfs_fd, &o->tmpl.fh, O_RDONLY | O_CLOEXEC);
		q[j].err = errno;
	}
	if (caps_apply_effective(o->caps, CAP_SYS_ADMIN, false)) {
		o->cap_stuck = true;
		o->may_open = false;
	}
	/* As handle_alive() answers: open, alive; ESTALE, gone; else unknown
	 * (objects__gone() asks again, alone). */
	for (size_t j = 0; j < nq; j++) {
		if (q[j].fd >= 0) {
			close(q[j].fd);
			set_add(&o->alive, q[j].cookie);
		} else if (q[j].err == ESTALE) {
			set_add(&o->dead, q[j].cookie);
		}
	}
out:
	free(asked.v);
	free(q);
}

/*
 * Gone: no namespace with the row's cookie and inode (by handle, with
 * CAP_SYS_ADMIN: it sees one held only by a descriptor or a socket);
 * without handles or the capability, or for a row without a cookie, no
 * process in it and no bind mount of it.
 */
static bool netns_gone(struct objects *o, const struct drop_key *k)
{
	if (!k->netns || k->netns == o->self_netns)
		return false;
	if (o->handles == HANDLES_UNPROBED)
		probe_handles(o);
	if (o->handles == HANDLES_YES && o->may_open && k->netns_cookie) {
		int alive;

		if (set_has(&o->alive, k->netns_cookie))
			return false;
		if (set_has(&o->dead, k->netns_cookie))
			return true;
		alive = handle_alive(o, k->netns_cookie, k->netns);
		if (alive >= 0) {
			set_add(alive ? &o->alive : &o->dead, k->netns_cookie);
			return !alive;
		}
	}
	if (!o->netns_read)
		read_netns(o);
	if (set_has(&o->netns, k->netns))
		return false;
	if (!o->held_read)
		read_held(o);
	/* Out of memory, or a walk not complete yet: cannot tell, kept. */
	return o->held && held_walk__held(o->held, k->netns) == HELD_NO;
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
