// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "trace/kbtf.h"

/* Most ds_tp_btf programs the objects may have in all. */
#define MAX_TARGETS 16

void kbtf_init(struct kbtf *k)
{
	memset(k, 0, sizeof(*k));
	k->cache.fd = -1;
	k->cache.dfd = -1;
	k->memfd = -1;
}

static __u64 objs_hash(const struct kbtf_obj *objs, int n)
{
	__u64 h = BTF_CACHE_HASH_INIT;

	for (int i = 0; i < n; i++)
		h = btf_cache_obj_hash(h, objs[i].bytes, objs[i].len);
	return h;
}

/* min's bytes in a memory file, for libbpf's btf_custom_path. */
static int to_memfd(struct kbtf *k)
{
	__u32 size = 0;
	const void *raw = btf__raw_data(k->min, &size);
	const char *p = raw;
	int fd;

	if (!raw)
		return -errno;
	fd = memfd_create("dropscope-btf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? -errno : -EIO;

			close(fd);
			return err;
		}
		p += n;
		size -= n;
	}
	k->memfd = fd;
	snprintf(k->path, sizeof(k->path), "/proc/self/fd/%d", fd);
	return 0;
}

/*
 * Made from the kernel's BTF: the objects' own BTF (opened, not loaded)
 * name what to keep; each ds_tp_btf program names its target.
 */
static int make_min(struct kbtf *k)
{
	struct bpf_object *objs[KBTF_MAX_OBJS] = {};
	const struct btf *locals[KBTF_MAX_OBJS];
	char names[MAX_TARGETS][64];
	const char *ids[MAX_TARGETS];
	struct btf *vmlinux = NULL;
	int n_ids = 0, n_locals = 0, err = 0;

	for (int i = 0; i < k->n_objs; i++) {
		struct bpf_program *prog;

		objs[i] = bpf_object__open_mem(k->objs[i].bytes, k->objs[i].len, NULL);
		if (!objs[i]) {
			err = -errno;
			goto out;
		}
		locals[n_locals] = bpf_object__btf(objs[i]);
		if (locals[n_locals])
			n_locals++;
		bpf_object__for_each_program (prog, objs[i]) {
			const char *sec = bpf_program__section_name(prog);

			bool dup = false;

			if (strncmp(sec, KBTF_SEC_PREFIX, strlen(KBTF_SEC_PREFIX)) ||
			    n_ids == MAX_TARGETS)
				continue;
			snprintf(names[n_ids], sizeof(names[n_ids]), "btf_trace_%s",
				 sec + strlen(KBTF_SEC_PREFIX));
			/* Two objects on one tracepoint: one name. */
			for (int j = 0; j < n_ids && !dup; j++)
				dup = !strcmp(ids[j], names[n_ids]);
			if (dup)
				continue;
			ids[n_ids] = names[n_ids];
			n_ids++;
		}
	}
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		err = -errno;
		goto out;
	}
	k->min = btf_minimize(vmlinux, locals, n_locals, ids, n_ids);
	if (!k->min) {
		err = -errno;
		goto out;
	}
	err = to_memfd(k);
	if (err) {
		btf__free(k->min);
		k->min = NULL;
		goto out;
	}
	k->made = true;
out:
	btf__free(vmlinux);
	for (int i = 0; i < k->n_objs; i++)
		bpf_object__close(objs[i]);
	return err;
}

void kbtf_open(struct kbtf *k, const struct kbtf_obj *objs, int n_objs, const char *dir,
	       bool use_cache)
{
	if (n_objs < 0 || n_objs > KBTF_MAX_OBJS) {
		/* A caller's mistake; no key for it, so no file is read or
		 * made (the cache stays NONE, kbtf_save does nothing). */
		snprintf(k->cache.note, sizeof(k->cache.note), "not used: %d objects (most %d)",
			 n_objs, KBTF_MAX_OBJS);
		return;
	}
	memcpy(k->objs, objs, n_objs * sizeof(*objs));
	k->n_objs = n_objs;
	if (!use_cache) {
		snprintf(k->cache.note, sizeof(k->cache.note), "off (--no-btf-cache)");
		return;
	}
	btf_cache_open(&k->cache, dir, objs_hash(objs, n_objs));
	if (k->cache.state != BTF_CACHE_HIT)
		return;
	/* A file that does not parse is one that will not load. */
	k->min = btf__parse(k->cache.path, NULL);
	if (!k->min) {
		btf_cache_discard(&k->cache);
		return;
	}
	k->from_cache = true;
	snprintf(k->path, sizeof(k->path), "%s", k->cache.path);
}

void kbtf_set_aside(struct kbtf *k)
{
	/* Put aside, not freed: the file stays until a load without it shows
	 * it was at fault (kbtf_discard); a load can fail for reasons of its
	 * own, and then it is put back (kbtf_keep). */
	btf__free(k->stash);
	k->stash = k->min;
	snprintf(k->stash_path, sizeof(k->stash_path), "%s", k->path);
	k->min = NULL;
	k->path[0] = 0;
	k->from_cache = false;
}

void kbtf_discard(struct kbtf *k)
{
	btf__free(k->stash);
	k->stash = NULL;
	k->stash_path[0] = 0;
	btf_cache_discard(&k->cache);
}

void kbtf_keep(struct kbtf *k, const char *what)
{
	if (!k->stash)
		return;
	btf__free(k->min);
	k->min = k->stash;
	k->stash = NULL;
	snprintf(k->path, sizeof(k->path), "%s", k->stash_path);
	k->stash_path[0] = 0;
	k->from_cache = true;
	snprintf(k->cache.note, sizeof(k->cache.note),
		 "%s/%s kept: %s failed without it too (not the file's fault)", k->cache.dir,
		 k->cache.name, what);
}

const char *kbtf_path(const struct kbtf *k)
{
	return k->path[0] ? k->path : NULL;
}

/* Most bytes of kernel BTF read (6.x: ~6 MB). */
#define KBTF_MAX_RAW (256u << 20)

/*
 * Without the minimized BTF (no cache yet, or off): the target's id from
 * the kernel's own BTF, by a walk of its bytes, read once per load
 * (kbtf_hook_end() frees them). Only if the walk cannot tell, libbpf's
 * parse. 0: none.
 */
static __u32 kernel_id(struct kbtf *k, const char *name)
{
	struct btf *v;
	int id = -EINVAL;

	if (!k->raw) {
		int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
		struct stat st;

		if (fd >= 0 && !fstat(fd, &st) && st.st_size > 0 && st.st_size <= KBTF_MAX_RAW &&
		    (k->raw = malloc(st.st_size))) {
			size_t got = 0;
			ssize_t n;

			while (got < (size_t)st.st_size &&
			       ((n = read(fd, k->raw + got, st.st_size - got)) > 0 ||
				(n < 0 && errno == EINTR)))
				got += n > 0 ? n : 0;
			k->raw_len = got;
		}
		if (fd >= 0)
			close(fd);
	}
	if (k->raw)
		id = btf_raw_find(k->raw, k->raw_len, name);
	if (id >= 0)
		return id;
	v = btf__load_vmlinux_btf();
	id = v ? btf__find_by_name(v, name) : -1;
	btf__free(v);
	return id > 0 ? id : 0;
}

/*
 * libbpf calls this as it loads a program of a section it does not know
 * (the fallback handler): ours are ds_tp_btf programs. Their type was
 * raw_tracepoint until now so that libbpf would not parse the kernel's BTF
 * for them (it does for every tracing program); they load as tracing
 * programs on the target whose id the minimized BTF holds.
 */
static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	struct kbtf *k = (struct kbtf *)cookie;
	const char *sec = bpf_program__section_name(prog);
	char name[80];
	__u32 id;
	int err;

	if (strncmp(sec, KBTF_SEC_PREFIX, strlen(KBTF_SEC_PREFIX)))
		return -EINVAL;
	snprintf(name, sizeof(name), "btf_trace_%s", sec + strlen(KBTF_SEC_PREFIX));
	id = k->min ? btf_cache_vmlinux_id(k->min, name) : kernel_id(k, name);
	if (!id)
		return -ESRCH;
	err = bpf_program__set_type(prog, BPF_PROG_TYPE_TRACING);
	if (err)
		return err;
	opts->expected_attach_type = BPF_TRACE_RAW_TP;
	opts->attach_btf_id = id;
	opts->attach_btf_obj_fd = 0;
	return 0;
}

int kbtf_hook_begin(struct kbtf *k)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, o, .cookie = (long)k,
		    .prog_prepare_load_fn = prepare_load);
	int id = libbpf_register_prog_handler(NULL, BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_TRACE_RAW_TP,
					      &o);

	if (id < 0)
		return id;
	k->handler = id;
	return 0;
}

void kbtf_hook_end(struct kbtf *k)
{
	if (k->handler > 0)
		libbpf_unregister_prog_handler(k->handler);
	k->handler = 0;
	free(k->raw);
	k->raw = NULL;
	k->raw_len = 0;
}

struct bpf_link *kbtf_attach(struct bpf_program *prog)
{
	const char *tp = bpf_program__section_name(prog) + strlen(KBTF_SEC_PREFIX);
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	struct bpf_link *link;
	char name[64] = "";

	link = bpf_program__attach_trace(prog);
	if (!link)
		return NULL;
	/* The tracepoint the kernel attached to, by name: an id from a file
	 * is checked against the kernel's own view before anything counts. */
	info.raw_tracepoint.tp_name = (unsigned long)name;
	info.raw_tracepoint.tp_name_len = sizeof(name);
	if (bpf_obj_get_info_by_fd(bpf_link__fd(link), &info, &len) == 0 &&
	    info.type == BPF_LINK_TYPE_RAW_TRACEPOINT && strcmp(name, tp)) {
		bpf_link__destroy(link);
		errno = ESRCH;
		return NULL;
	}
	return link;
}

int kbtf_save(struct kbtf *k)
{
	int err;

	if (k->min || k->cache.state != BTF_CACHE_MISS)
		return 1;
	/* From here on the other loads and the reason names use it too. */
	err = make_min(k);
	if (err) {
		snprintf(k->cache.note, sizeof(k->cache.note), "not made: %s", strerror(-err));
		return err;
	}
	return btf_cache_make(&k->cache, k->min);
}

void kbtf_btf_given(struct kbtf *k)
{
	char was[sizeof(k->cache.note)];

	snprintf(was, sizeof(was), "%s", k->cache.note);
	snprintf(k->cache.note, sizeof(k->cache.note),
		 "--btf FILE relocates; only tp_btf's target ids from the minimized BTF: %.400s",
		 was[0] ? was : "none");
}

const char *kbtf_note(const struct kbtf *k)
{
	return k->cache.note;
}

void kbtf_close(struct kbtf *k)
{
	kbtf_hook_end(k);
	btf_cache_close(&k->cache);
	btf__free(k->min);
	k->min = NULL;
	btf__free(k->stash);
	k->stash = NULL;
	if (k->memfd >= 0)
		close(k->memfd);
	k->memfd = -1;
	k->path[0] = 0;
}
