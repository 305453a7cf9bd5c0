/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The workload behind a drop (--by workload): from its network namespace
 * and cgroup, which the kernel side records, to what an operator knows —
 * a Kubernetes pod and container, a docker/podman/containerd/CRI-O
 * container, a systemd service, a named netns or the process in it.
 *
 * Files only, no runtime API or daemon socket: cgroup v2 paths, the
 * runtimes' own state files, /run/netns and /proc. Every file is
 * untrusted: opened without following a final symbolic link, regular
 * files only, at most WORKLOAD_MAX_FILE bytes (a larger one is skipped),
 * directory scans bounded. Names come back raw: callers escape them.
 */
#ifndef DROPSCOPE_WORKLOAD_H
#define DROPSCOPE_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct cgroups;
struct workloads;

/* Room for the longest name workloads__name() returns, NUL included. */
#define WORKLOAD_NAME_LEN 1024

/* The largest state file read; a larger one is skipped, not cut. */
#define WORKLOAD_MAX_FILE (1 << 20)

enum wl_runtime {
	WL_NONE,
	WL_DOCKER,
	WL_CONTAINERD,
	WL_CRIO,
	WL_PODMAN,
};

/* What a cgroup v2 path says by itself. */
struct wl_cgroup {
	enum wl_runtime runtime; /* WL_NONE: no container in the path */
	char id[65];		 /* the container id (hex), "" = none */
	char pod_uid[37];	 /* from kubepods…pod<uid>: the pod's UID, "" = none */
	char unit[256];		 /* the deepest systemd unit (x.service, x.scope), "" = none */
};

/* Parse a cgroup path ("/kubepods.slice/…/cri-containerd-ID.scope"):
 * systemd and cgroupfs layouts of the four runtimes. */
void workload_parse_cgroup(const char *path, struct wl_cgroup *out);

/*
 * The string value at a path of object keys in JSON text (not
 * NUL-terminated): {"annotations", "io.kubernetes.cri.sandbox-name"}
 * finds that annotation, {"Name"} a top-level member only. Escapes are
 * decoded (\u0000 is left out). Returns 0 and the value in out (cut to
 * len), or -1 when absent, not a string, or the text is malformed.
 */
int workload_json_get(const char *text, size_t n, const char *const *keys, size_t nkeys, char *out,
		      size_t len);

/*
 * containers/storage's containers.json (podman, CRI-O): the first of
 * "names" of the entry whose "id" is id. 0 or -1 as above.
 */
int workload_storage_name(const char *text, size_t n, const char *id, char *out, size_t len);

/*
 * root: where the runtimes' state lives, "" or NULL = "/" (--workload-root:
 * a node's filesystem mounted elsewhere). /proc is always ours.
 */
struct workloads *workloads__new(const char *root);
void workloads__free(struct workloads *w);

/*
 * The workload of a drop as "key=value" words ("pod=NS/NAME container=C",
 * "container=NAME", "service=foo.service", "ipnetns=NAME",
 * "proc=PID/COMM", "-" when nothing applies); raw bytes from files,
 * escape before printing. Cached per (namespace, cgroup) and resolved
 * again after a few seconds. Valid until the next call.
 */
const char *workloads__name(struct workloads *w, struct cgroups *cg, __u32 netns_inode,
			    __u64 netns_cookie, __u64 cgroup_id);

/* What workloads__name() resolves, uncached, from a cgroup path (NULL =
 * none) and a namespace's inode and cookie (0 = none), into out. A
 * namespace file of that inode is taken only when its cookie (read with
 * setns() in a thread, when allowed) matches or cannot be read. */
void workloads__resolve(struct workloads *w, const char *cgroup_path, __u32 netns_inode,
			__u64 netns_cookie, char *out, size_t len);

#endif /* DROPSCOPE_WORKLOAD_H */
