// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "counters/cgroups.h"
#include "counters/workload.h"
#include "lib/escape.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/* How long a resolved name is kept before it is resolved again: long
 * enough that a busy interval costs one resolution per workload, short
 * enough that a container started or renamed shows within seconds. */
#define TTL_SECS       5.0
#define MAX_CACHE      8192 /* slots; half full, the cache starts over */
#define MAX_NETNS_SCAN 4096 /* /run/netns entries looked at */
#define MAX_PROC_SCAN  (1 << 18)
#define MAX_NS_DIRS    64 /* containerd namespaces looked at */
#define NAME_LEN       256
#define WL_LEN	       WORKLOAD_NAME_LEN
_Static_assert(WL_LEN >= 4 * NAME_LEN, "room for a pod, its namespace and a container");
/*
 * Every value in a workload's name is in the text escape form with space
 * and '=' escaped too: the name is "key=value" words that every view prints
 * as they are (text, JSON string, label), and no name from a runtime's file
 * or `ip netns add` can add a word.
 */
#define WORD(v) escape_word((char[ESCAPED_SIZE(NAME_LEN)]){ 0 }, ESCAPED_SIZE(NAME_LEN), (v))

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- cgroup paths ------------------------------------------------------ */

static bool hex_id(const char *s, size_t n)
{
	if (n < 12 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

/* "prefix<hex>.scope" or "prefix<hex>" (cgroupfs): the id into id. */
static bool prefixed_id(const char *c, size_t n, const char *prefix, char id[65])
{
	size_t p = strlen(prefix);

	if (n <= p || memcmp(c, prefix, p))
		return false;
	c += p;
	n -= p;
	if (ends_with(c, n, ".scope"))
		n -= 6;
	if (!hex_id(c, n))
		return false;
	memcpy(id, c, n);
	id[n] = 0;
	return true;
}

/* "kubepods-besteffort-pod<uid>.slice" (systemd: '-' in the UID written
 * as '_') or "pod<uid>" (cgroupfs). */
static bool pod_uid(const char *c, size_t n, char uid[37])
{
	const char *p = NULL;
	size_t m;

	if (ends_with(c, n, ".slice")) {
		n -= 6;
		for (size_t i = 0; i + 3 < n; i++)
			if (!memcmp(c + i, "-pod", 4))
				p = c + i + 4;
	} else if (n > 3 && !memcmp(c, "pod", 3)) {
		p = c + 3;
	}
	if (!p)
		return false;
	m = (size_t)(c + n - p);
	if (m != 36 && m != 32)
		return false;
	for (size_t i = 0; i < m; i++) {
		char ch = p[i] == '_' ? '-' : p[i];

		if (!(isxdigit((unsigned char)ch) && !isupper((unsigned char)ch)) && ch != '-')
			return false;
		uid[i] = ch;
	}
	uid[m] = 0;
	return true;
}

void workload_parse_cgroup(const char *path, struct wl_cgroup *out)
{
	const char *c = path;
	bool in_kubepods = false, after_docker = false;

	memset(out, 0, sizeof(*out));
	while (c && *c) {
		size_t n;
		char id[65];

		while (*c == '/')
			c++;
		n = strcspn(c, "/");
		if (!n)
			break;
		if (prefixed_id(c, n, "cri-containerd-", id)) {
			out->runtime = WL_CONTAINERD;
			memcpy(out->id, id, sizeof(id));
		} else if (prefixed_id(c, n, "crio-", id)) {
			/* (crio-conmon-ID, libpod-conmon-ID: the runtime's
			 * monitor, a host unit: "conmon-" is not hex) */
			out->runtime = WL_CRIO;
			memcpy(out->id, id, sizeof(id));
		} else if (prefixed_id(c, n, "libpod-", id)) {
			out->runtime = WL_PODMAN;
			memcpy(out->id, id, sizeof(id));
		} else if (prefixed_id(c, n, "docker-", id)) {
			out->runtime = WL_DOCKER;
			memcpy(out->id, id, sizeof(id));
		} else if (hex_id(c, n) && (after_docker || in_kubepods)) {
			/* cgroupfs: /docker/<id>, /kubepods/<qos>/pod<uid>/<id> */
			out->runtime = after_docker ? WL_DOCKER : WL_NONE;
			memcpy(out->id, c, n);
			out->id[n] = 0;
		} else if (in_kubepods && pod_uid(c, n, out->pod_uid)) {
			/* the pod */
		} else if (n < sizeof(out->unit) &&
			   (ends_with(c, n, ".service") || ends_with(c, n, ".scope"))) {
			memcpy(out->unit, c, n);
			out->unit[n] = 0;
		}
		if ((n == 8 && !memcmp(c, "kubepods", 8)) ||
		    (n == 14 && !memcmp(c, "kubepods.slice", 14)) ||
		    (n > 9 && !memcmp(c, "kubepods-", 9)))
			in_kubepods = true;
		after_docker = n == 6 && !memcmp(c, "docker", 6);
		c += n;
	}
	/* A container's own scope is not a host service. */
	if (out->id[0])
		out->unit[0] = 0;
}

/* ---- state files ---------------------------------------------------------- */

/*
 * A whole state file into a new buffer: a regular file, the last
 * component not a symbolic link, at most WORKLOAD_MAX_FILE bytes (a
 * larger one is skipped: half a JSON document says nothing). A file that
 * vanishes or shrinks while read is what was read, or nothing.
 */
static char *read_state(const char *path, size_t *n)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	char *buf = NULL;
	size_t got = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > WORKLOAD_MAX_FILE)
		goto out;
	buf = malloc(WORKLOAD_MAX_FILE + 1);
	if (!buf)
		goto out;
	for (;;) {
		ssize_t r = read(fd, buf + got, WORKLOAD_MAX_FILE + 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			buf = NULL;
			goto out;
		}
		if (!r)
			break;
		got += (size_t)r;
		if (got > WORKLOAD_MAX_FILE) { /* it grew past the cap */
			free(buf);
			buf = NULL;
			goto out;
		}
	}
	buf[got] = 0;
	*n = got;
out:
	close(fd);
	return buf;
}

struct workloads {
	char root[1024];
	struct cache_entry {
		__u64 cookie, cgroup;
		__u32 inode;
		bool used;
		double at;
		char *name;
	} * cache;
	size_t ncache;
	/* /proc: namespace inode -> its first pid, sorted by inode */
	struct proc_ns {
		__u32 inode;
		int pid;
	} * procs;
	size_t nprocs;
	double procs_at;
	/* /run/netns: inode -> name, sorted by inode */
	struct named_ns {
		__u32 inode;
		char *name;
	} * named;
	size_t nnamed;
	double named_at;
	__u32 host_netns; /* our init's (pid 1) */
};

struct names {
	char pod_ns[NAME_LEN], pod[NAME_LEN], container[NAME_LEN];
};

static int state_get(const char *path, const char *const *keys, size_t nkeys, char *out, size_t len)
{
	size_t n;
	char *buf = read_state(path, &n);
	int rc;

	if (!buf)
		return -1;
	rc = workload_json_get(buf, n, keys, nkeys, out, len);
	free(buf);
	return rc;
}

/* An OCI bundle's config.json: CRI annotations (containerd's, then
 * CRI-O's), else nerdctl's name. */
static bool oci_names(const char *path, struct names *nm)
{
	static const char *const cri[][2] = {
		{ "io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace" },
		{ "io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name" },
		{ "io.kubernetes.cri.container-name", "io.kubernetes.container.name" },
	};
	char *dst[] = { nm->pod_ns, nm->pod, nm->container };
	size_t n;
	char *buf = read_state(path, &n);
	bool any = false;

	if (!buf)
		return false;
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 2 && !dst[i][0]; k++) {
			const char *keys[] = { "annotations", cri[i][k] };

			if (!workload_json_get(buf, n, keys, 2, dst[i], NAME_LEN))
				any = true;
		}
	if (!nm->container[0]) {
		const char *keys[] = { "annotations", "nerdctl/name" };

		any |= !workload_json_get(buf, n, keys, 2, nm->container, NAME_LEN);
	}
	free(buf);
	return any;
}

static bool docker_names(const struct workloads *w, const char *id, struct names *nm)
{
	char path[2048], name[NAME_LEN];
	const char *keys[] = { "Name" };

	snprintf(path, sizeof(path), "%s/var/lib/docker/containers/%s/config.v2.json", w->root, id);
	if (state_get(path, keys, 1, name, sizeof(name)))
		return false;
	/* docker writes the name as "/name" */
	snprintf(nm->container, sizeof(nm->container), "%s", name[0] == '/' ? name + 1 : name);
	return nm->container[0] != 0;
}

static bool containerd_names(const struct workloads *w, const char *id, struct names *nm)
{
	char dir[1200], path[2048];
	struct dirent *d;
	DIR *dp;
	int seen = 0;
	bool found = false;

	snprintf(dir, sizeof(dir), "%s/run/containerd/io.containerd.runtime.v2.task", w->root);
	dp = opendir(dir);
	if (!dp)
		return false;
	while (!found && (d = readdir(dp)) && seen++ < MAX_NS_DIRS) {
		if (d->d_name[0] == '.' || strchr(d->d_name, '/'))
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s/config.json", dir, d->d_name, id);
		found = oci_names(path, nm);
	}
	closedir(dp);
	return found;
}

static bool storage_names(const struct workloads *w, const char *id, struct names *nm)
{
	static const char *const bases[] = { "/run/containers/storage",
					     "/var/lib/containers/storage" };
	char path[2048];

	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s%s/overlay-containers/%s/userdata/config.json",
			 w->root, bases[i], id);
		if (oci_names(path, nm) && (nm->pod[0] || nm->container[0]))
			return true;
	}
	for (size_t i = 0; i < 2; i++) {
		size_t n;
		char *buf;
		int rc;

		snprintf(path, sizeof(path), "%s%s/overlay-containers/containers.json", w->root,
			 bases[i]);
		buf = read_state(path, &n);
		if (!buf)
			continue;
		rc = workload_storage_name(buf, n, id, nm->container, sizeof(nm->container));
		free(buf);
		if (!rc)
			return true;
	}
	return false;
}

static const char *runtime_name(enum wl_runtime r)
{
	switch (r) {
	case WL_DOCKER:
		return "docker";
	case WL_CONTAINERD:
		return "containerd";
	case WL_CRIO:
		return "crio";
	case WL_PODMAN:
		return "podman";
	default:
		return "container";
	}
}

static bool container_workload(const struct workloads *w, const struct wl_cgroup *c, char *out,
			       size_t len)
{
	struct names nm = {};

	if (!c->id[0] && !c->pod_uid[0])
		return false;
	if (c->id[0]) {
		switch (c->runtime) {
		case WL_DOCKER:
			docker_names(w, c->id, &nm);
			break;
		case WL_CONTAINERD:
			containerd_names(w, c->id, &nm);
			break;
		case WL_CRIO:
		case WL_PODMAN:
			storage_names(w, c->id, &nm);
			break;
		default: /* cgroupfs under kubepods: any CRI runtime */
			if (!containerd_names(w, c->id, &nm) && !storage_names(w, c->id, &nm))
				docker_names(w, c->id, &nm);
		}
	}
	if (nm.pod_ns[0] && nm.pod[0])
		snprintf(out, len, "pod=%s/%s", WORD(nm.pod_ns), WORD(nm.pod));
	else if (c->pod_uid[0])
		snprintf(out, len, "pod=uid:%s", WORD(c->pod_uid));
	else
		out[0] = 0;
	if (nm.container[0])
		snprintf(out + strlen(out), len - strlen(out), "%scontainer=%s", out[0] ? " " : "",
			 WORD(nm.container));
	else if (c->id[0])
		snprintf(out + strlen(out), len - strlen(out), "%scontainer=%s:%.12s",
			 out[0] ? " " : "", runtime_name(c->runtime), WORD(c->id));
	return true;
}

/* ---- namespaces ----------------------------------------------------------- */

/*
 * Both scan tables (procs, named) grow the same way and are searched the
 * same way, by an inode that is each entry's first member.
 */
_Static_assert(offsetof(struct proc_ns, inode) == 0, "inode first");
_Static_assert(offsetof(struct named_ns, inode) == 0, "inode first");

/* v doubled (at first `first` entries of `size`), or NULL with v and *cap untouched. */
static void *grow(void *v, size_t *cap, size_t first, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : first;
	void *nv = realloc(v, ncap * size);

	if (nv)
		*cap = ncap;
	return nv;
}

/* The first of n entries of `size`, sorted by inode, whose inode is not below it. */
static size_t inode_lower_bound(const void *v, size_t n, size_t size, __u32 inode)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		__u32 at;

		memcpy(&at, (const char *)v + mid * size, sizeof(at));
		if (at < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static __u32 ns_inode_of(const char *link)
{
	unsigned long v;

	if (sscanf(link, "net:[%lu]", &v) != 1 || v > 0xffffffffUL)
		return 0;
	return (__u32)v;
}

static int proc_cmp(const void *a, const void *b)
{
	const struct proc_ns *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* One walk of /proc per TTL: every namespace's lowest pid. */
static void scan_procs(struct workloads *w)
{
	DIR *dp = opendir("/proc");
	struct dirent *d;
	size_t n = 0, cap = 0, seen = 0;
	struct proc_ns *v = NULL;

	w->procs_at = now_secs();
	if (!dp)
		return;
	while ((d = readdir(dp)) && seen++ < MAX_PROC_SCAN) {
		char path[64], link[64];
		ssize_t r;
		char *end;
		long pid = strtol(d->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "%ld/ns/net", pid);
		r = readlinkat(dirfd(dp), path, link, sizeof(link) - 1);
		if (r <= 0)
			continue;
		link[r] = 0;
		if (n == cap) {
			struct proc_ns *nv = grow(v, &cap, 256, sizeof(*v));

			if (!nv)
				break;
			v = nv;
		}
		v[n++] = (struct proc_ns){ ns_inode_of(link), (int)pid };
	}
	closedir(dp);
	qsort(v, n, sizeof(*v), proc_cmp);
	free(w->procs);
	w->procs = v;
	w->nprocs = n;
}

static int first_pid(struct workloads *w, __u32 inode)
{
	size_t lo;

	if (now_secs() - w->procs_at > TTL_SECS)
		scan_procs(w);
	lo = inode_lower_bound(w->procs, w->nprocs, sizeof(*w->procs), inode);
	return lo < w->nprocs && w->procs[lo].inode == inode ? w->procs[lo].pid : 0;
}

struct cookie_probe {
	int fd;
	__u64 cookie;
	bool ok;
};

/* In a thread of its own: setns() moves only the calling thread. */
static void *probe_cookie(void *arg)
{
	struct cookie_probe *p = arg;
	socklen_t len = sizeof(p->cookie);
	int s;

	if (setns(p->fd, CLONE_NEWNET))
		return NULL;
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return NULL;
	p->ok = !getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, &p->cookie, &len);
	close(s);
	return NULL;
}

/*
 * Whether the namespace file at dirfd/name is known NOT to be the one
 * with this cookie: the kernel reuses inodes, so a row of a namespace
 * that is gone could otherwise be named after a new one. Unknown (no
 * cookie in the row, no CAP_SYS_ADMIN for setns, a kernel without
 * SO_NETNS_COOKIE) is not a mismatch: the inode then decides.
 */
static bool other_namespace(int dirfd, const char *name, __u64 cookie, bool magic_link)
{
	struct cookie_probe p = { .fd = -1 };
	pthread_t t;

	if (!cookie)
		return false;
	/* /proc/PID/ns/net is a link the kernel resolves to the namespace
	 * itself: it must be followed; /run/netns entries must not. */
	p.fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | (magic_link ? 0 : O_NOFOLLOW));
	if (p.fd < 0)
		return false;
	if (!pthread_create(&t, NULL, probe_cookie, &p))
		pthread_join(t, NULL);
	close(p.fd);
	return p.ok && p.cookie != cookie;
}

static int named_cmp(const void *a, const void *b)
{
	const struct named_ns *x = a, *y = b;

	return (x->inode > y->inode) - (x->inode < y->inode);
}

/*
 * One scan of /run/netns per TTL into a table sorted by inode: a scan per
 * row costs a path walk across every bind mount there, per namespace
 * (1,000 named namespaces took 17 s to print that way). Our /run/netns,
 * not below --workload-root: a name is only worth showing for a namespace
 * whose bind mount we can see. No link followed.
 */
static void scan_named(struct workloads *w)
{
	DIR *dp = opendir("/run/netns");
	struct dirent *d;
	size_t n = 0, cap = 0, seen = 0;
	struct named_ns *v = NULL;

	w->named_at = now_secs();
	if (dp) {
		while ((d = readdir(dp)) && seen++ < MAX_NETNS_SCAN) {
			struct stat st;

			if (d->d_name[0] == '.' ||
			    fstatat(dirfd(dp), d->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
			    S_ISLNK(st.st_mode) || st.st_ino > 0xffffffffULL)
				continue;
			if (n == cap) {
				struct named_ns *nv = grow(v, &cap, 64, sizeof(*v));

				if (!nv)
					break;
				v = nv;
			}
			v[n].inode = (__u32)st.st_ino;
			v[n].name = strdup(d->d_name);
			if (v[n].name)
				n++;
		}
		closedir(dp);
	}
	qsort(v, n, sizeof(*v), named_cmp);
	for (size_t i = 0; i < w->nnamed; i++)
		free(w->named[i].name);
	free(w->named);
	w->named = v;
	w->nnamed = n;
}

/* /run/netns/NAME whose namespace has this inode and, where it can be
 * told, this cookie. */
static bool netns_name(struct workloads *w, __u32 inode, __u64 cookie, char *out, size_t len)
{
	size_t lo;
	int dfd;
	bool found = false;

	if (now_secs() - w->named_at > TTL_SECS)
		scan_named(w);
	lo = inode_lower_bound(w->named, w->nnamed, sizeof(*w->named), inode);
	if (lo == w->nnamed || w->named[lo].inode != inode)
		return false;
	dfd = open("/run/netns", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (; !found && lo < w->nnamed && w->named[lo].inode == inode; lo++) {
		if (dfd >= 0 && other_namespace(dfd, w->named[lo].name, cookie, false))
			continue;
		snprintf(out, len, "ipnetns=%s", WORD(w->named[lo].name));
		found = true;
	}
	if (dfd >= 0)
		close(dfd);
	return found;
}

static bool proc_workload(struct workloads *w, __u32 inode, __u64 cookie, char *out, size_t len)
{
	char path[64], comm[64] = "";
	int pid = first_pid(w, inode), fd;
	ssize_t r;

	if (!pid)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	if (other_namespace(AT_FDCWD, path, cookie, true))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		r = read(fd, comm, sizeof(comm) - 1);
		comm[r > 0 ? r : 0] = 0;
		comm[strcspn(comm, "\n")] = 0;
		close(fd);
	}
	snprintf(out, len, "proc=%d/%s", pid, comm[0] ? WORD(comm) : "-");
	return true;
}

/* ---- the cache --------------------------------------------------------- */

/*
 * The initial namespace: kthreadd's (kernel threads never leave it), else
 * init's, else ours. Drops there are named by their cgroup's unit, not by
 * the namespace's first process.
 */
static __u32 host_netns(void)
{
	static const char *const links[] = { "/proc/2/ns/net", "/proc/1/ns/net",
					     "/proc/self/ns/net" };
	char comm[32] = "", link[64];
	int fd = open("/proc/2/comm", O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd >= 0) {
		r = read(fd, comm, sizeof(comm) - 1);
		comm[r > 0 ? r : 0] = 0;
		close(fd);
	}
	for (size_t i = strcmp(comm, "kthreadd\n") ? 1 : 0; i < 3; i++) {
		r = readlink(links[i], link, sizeof(link) - 1);
		if (r > 0) {
			link[r] = 0;
			return ns_inode_of(link);
		}
	}
	return 0;
}

struct workloads *workloads__new(const char *root)
{
	struct workloads *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	snprintf(w->root, sizeof(w->root), "%s", root && strcmp(root, "/") ? root : "");
	w->cache = calloc(MAX_CACHE, sizeof(*w->cache));
	if (!w->cache) {
		free(w);
		return NULL;
	}
	w->host_netns = host_netns();
	w->procs_at = -1e9;
	w->named_at = -1e9;
	return w;
}

void workloads__free(struct workloads *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < MAX_CACHE; i++)
		free(w->cache[i].name);
	free(w->cache);
	free(w->procs);
	for (size_t i = 0; i < w->nnamed; i++)
		free(w->named[i].name);
	free(w->named);
	free(w);
}

void workloads__resolve(struct workloads *w, const char *path, __u32 inode, __u64 cookie, char *out,
			size_t len)
{
	struct wl_cgroup c;

	workload_parse_cgroup(path ? path : "", &c);
	if (container_workload(w, &c, out, len))
		return;
	if (inode && inode != w->host_netns &&
	    (netns_name(w, inode, cookie, out, len) || proc_workload(w, inode, cookie, out, len)))
		return;
	if (c.unit[0]) {
		snprintf(out, len, "%s=%s",
			 ends_with(c.unit, strlen(c.unit), ".service") ? "service" : "unit",
			 WORD(c.unit));
		return;
	}
	snprintf(out, len, "-");
}

const char *workloads__name(struct workloads *w, struct cgroups *cg, __u32 netns_inode,
			    __u64 netns_cookie, __u64 cgroup_id)
{
	__u64 h = (netns_cookie * 0x9e3779b97f4a7c15ULL) ^ (cgroup_id * 0xc2b2ae3d27d4eb4fULL) ^
		  netns_inode;
	size_t i = (size_t)(h ^ (h >> 31)) & (MAX_CACHE - 1);
	struct cache_entry *e;
	char name[WL_LEN];

	for (;;) {
		e = &w->cache[i];
		if (!e->used || (e->cookie == netns_cookie && e->inode == netns_inode &&
				 e->cgroup == cgroup_id))
			break;
		i = (i + 1) & (MAX_CACHE - 1);
	}
	if (e->used && e->name && now_secs() - e->at < TTL_SECS)
		return e->name;
	if (!e->used && w->ncache >= MAX_CACHE / 2) {
		/* Full enough: start over rather than grow without bound. */
		for (size_t k = 0; k < MAX_CACHE; k++)
			free(w->cache[k].name);
		memset(w->cache, 0, MAX_CACHE * sizeof(*w->cache));
		w->ncache = 0;
		return workloads__name(w, cg, netns_inode, netns_cookie, cgroup_id);
	}
	if (!e->used)
		w->ncache++;
	e->used = true;
	e->cookie = netns_cookie;
	e->inode = netns_inode;
	e->cgroup = cgroup_id;
	e->at = now_secs();
	workloads__resolve(w, cg && cgroup_id ? cgroups__path(cg, cgroup_id) : NULL, netns_inode,
			   netns_cookie, name, sizeof(name));
	free(e->name);
	e->name = strdup(name);
	return e->name ? e->name : "-";
}
