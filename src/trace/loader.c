// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/dropscope.h"
#include "dropscope.skel.h"
#include "trace/loader.h"
#include "trace/kbtf.h"
#include "symbols/reasons.h"
#include "lib/tracefs.h"

struct loader {
	struct dropscope_bpf *skel;
	struct bpf_link *link;
	struct bpf_program *prog;
	enum backend backend;
	struct kbtf *kbtf; /* the caller's; NULL: libbpf parses the kernel's BTF */
	bool cache_used;   /* attached with the cached minimized BTF */
};

static const char *const backend_names[] = {
	[BACKEND_AUTO] = "auto",
	[BACKEND_TP_BTF] = "tp_btf",
	[BACKEND_RAW_TP] = "raw_tp",
	[BACKEND_TRACEPOINT] = "tracepoint",
};

enum backend backend_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(backend_names) / sizeof(backend_names[0]); i++)
		if (!strcmp(name, backend_names[i]))
			return (enum backend)i;
	return (enum backend) - 1;
}

const char *backend_name(enum backend b)
{
	return backend_names[b];
}

static struct bpf_program *backend_prog(struct dropscope_bpf *skel, enum backend b)
{
	switch (b) {
	case BACKEND_TP_BTF:
		return skel->progs.kfree_skb_btf;
	case BACKEND_RAW_TP:
		return skel->progs.kfree_skb_raw;
	default:
		return skel->progs.kfree_skb_tp;
	}
}

static int set_netns_inum(struct dropscope_bpf *skel, __u32 inum)
{
	__u32 zero = 0;

	return bpf_map_update_elem(bpf_map__fd(skel->maps.netns_inum), &zero, &inum, BPF_ANY)
		       ? -errno
		       : 0;
}

static int set_filters(struct dropscope_bpf *skel, const struct filters *f)
{
	skel->rodata->filter_netns = f->netns != 0;
	skel->rodata->filter_netns_also = f->netns && f->n_netns_also > 0;
	skel->rodata->filter_dev = f->ifindex != 0;
	skel->rodata->filter_ethertype = f->ethertype;
	skel->rodata->filter_loc_start = f->loc_start;
	skel->rodata->filter_loc_end = f->loc_end;
	skel->rodata->filter_reasons = f->reasons != NULL;
	skel->rodata->filter_ipproto = (__s16)f->ipproto;
	if (f->n_reasons > (int)bpf_map__max_entries(skel->maps.reason_filter) ||
	    f->n_netns_also > (int)bpf_map__max_entries(skel->maps.netns_filter))
		return -E2BIG;
	/* Each map is a syscall and kernel memory before attaching: only
	 * those a filter that is on reads. */
	if (!f->reasons)
		bpf_map__set_autocreate(skel->maps.reason_filter, false);
	if (!f->ifindex)
		bpf_map__set_autocreate(skel->maps.dev_ifindex, false);
	return 0;
}

/*
 * The count key: only the requested dimensions are filled (.rodata, so
 * the verifier drops the rest), the key shrinks to its base part when
 * nothing beyond it is asked for, and the maps only some dimensions need
 * are created only then.
 */
static int set_keys(struct dropscope_bpf *skel, const struct key_opts *k)
{
	__u32 dims = k->dims ? k->dims : DIMS_BASE;
	int err;

	skel->rodata->key_dims = dims;
	if (!(dims & ~DIMS_BASE)) {
		err = bpf_map__set_key_size(skel->maps.drops, BASE_KEY_SIZE);
		if (err)
			return err;
	} else {
		/* The front table serves the base key only (struct front_slot). */
		bpf_map__set_autocreate(skel->maps.front, false);
		bpf_map__set_autocreate(skel->maps.front_counts, false);
	}
	/* The budget's bucket only where there is a budget to keep. */
	skel->rodata->stack_budget = dims & DIM_STACK ? k->stack_budget : 0;
	if (!skel->rodata->stack_budget)
		bpf_map__set_autocreate(skel->maps.stack_budget_state, false);
	if (dims & DIM_STACK) {
		if (k->max_stacks) {
			err = bpf_map__set_max_entries(skel->maps.stacks, k->max_stacks);
			if (err)
				return err;
		}
	} else if (dims & DIM_CALLER) {
		/* Only the stacks of the drops before the helper table is
		 * filled (loader__set_helpers()): a few distinct ones. */
		err = bpf_map__set_max_entries(skel->maps.stacks, CALLER_PENDING_STACKS);
		if (err)
			return err;
	} else {
		bpf_map__set_autocreate(skel->maps.stacks, false);
	}
	skel->rodata->n_helper_slots =
		k->helper_slots > MAX_HELPERS ? MAX_HELPERS : k->helper_slots;
	/*
	 * caller_scratch and helpers are created in every mode: the caller
	 * walk's global functions look them up, and kernels before 6.8
	 * verify global functions whether or not anything calls them (a
	 * function referring to a map that was not created fails the load).
	 * Two one-entry arrays.
	 */
	return 0;
}

int loader__set_helpers(struct loader *l, const __u64 *start, const __u64 *end, int n)
{
	struct helper_table t = {};
	__u32 zero = 0;
	int fd;

	if (!(l->skel->rodata->key_dims & DIM_CALLER))
		return -EINVAL;
	if (n < 0 || n > (int)l->skel->rodata->n_helper_slots)
		return -E2BIG;
	fd = bpf_map__fd(l->skel->maps.helpers);
	t.n = n;
	memcpy(t.start, start, n * sizeof(*start));
	memcpy(t.end, end, n * sizeof(*end));
	/*
	 * The kernel copies the value while the program may be reading it:
	 * the ranges first with ready still 0, then the same bytes again with
	 * ready set, so that a reader that sees ready sees every range.
	 */
	if (bpf_map_update_elem(fd, &zero, &t, BPF_ANY))
		return -errno;
	t.ready = 1;
	if (bpf_map_update_elem(fd, &zero, &t, BPF_ANY))
		return -errno;
	return 0;
}

static int fill_filter_maps(struct dropscope_bpf *skel, const struct filters *f)
{
	int fd = bpf_map__fd(skel->maps.reason_filter);
	__u8 yes = 1;

	for (int i = 0; i < f->n_reasons; i++)
		if (bpf_map_update_elem(fd, &f->reasons[i], &yes, BPF_ANY))
			return -errno;
	fd = bpf_map__fd(skel->maps.netns_filter);
	for (int i = 0; f->netns && i < f->n_netns_also; i++)
		if (bpf_map_update_elem(fd, &f->netns_also[i], &yes, BPF_ANY))
			return -errno;
	return 0;
}

/*
 * May a tracing program use a hash map that allocates its elements as they
 * are inserted (BPF_F_NO_PREALLOC)? Since 6.1 (the BPF memory allocator);
 * before, the verifier refuses it. Preallocating the count table costs
 * one per-CPU allocation per entry (DEFAULT_MAX_KEYS of them) before the
 * program can attach, while a run fills a few dozen rows. A kernel that
 * says 6.1 or later and refuses anyway (a backport) gets a second attempt
 * with the preallocated table.
 */
static bool lazy_tables_allowed(void)
{
	unsigned int major = 0, minor = 0;
	struct utsname u;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 1);
}

/*
 * Runs the flush program on every CPU (see flush_events() in
 * dropscope.bpf.c). Returns how many CPUs were mid-append (to try again),
 * or the first -errno, once every CPU was tried. An offline CPU (ENXIO) is
 * skipped: a partial batch of a CPU taken offline while events run waits
 * until it is back online.
 */
static int flush_on_cpus(struct dropscope_bpf *skel)
{
	int fd = bpf_program__fd(skel->progs.flush_events), ncpus = libbpf_num_possible_cpus();
	int busy = 0, err = 0;

	if (fd < 0 || ncpus < 0)
		return fd < 0 ? fd : ncpus;
	/* Every CPU, even past one that failed: the others' events go out. */
	for (int cpu = 0; cpu < ncpus; cpu++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = cpu);

		if (bpf_prog_test_run_opts(fd, &o)) {
			if (errno != ENXIO && !err)
				err = -errno;
			continue;
		}
		if (o.retval == EV_FLUSH_BUSY)
			busy++;
	}
	return err ? err : busy;
}

/*
 * One attempt with one backend: a fresh skeleton each time, because an
 * object whose load failed cannot be loaded again.
 */
static int try_backend(struct loader *l, const struct loader_opts *opts, enum backend b, bool lazy,
		       const char *btf_path)
{
	LIBBPF_OPTS(bpf_object_open_opts, oopts, .btf_custom_path = btf_path);
	struct dropscope_bpf *skel;
	struct bpf_program *prog;
	bool hooked = false;
	int err;

	/* tp_btf needs the minimized BTF's target id (kbtf.h). */
	if (b == BACKEND_TP_BTF) {
		if (!l->kbtf)
			return -ENOENT;
		err = kbtf_hook_begin(l->kbtf);
		if (err)
			return err;
		hooked = true;
	}
	skel = dropscope_bpf__open_opts(&oopts);
	if (!skel) {
		err = -errno;
		if (hooked)
			kbtf_hook_end(l->kbtf);
		return err;
	}

	bpf_object__for_each_program (prog, skel->obj)
		bpf_program__set_autoload(prog, false);
	prog = backend_prog(skel, b);
	bpf_program__set_autoload(prog, true);

	err = set_filters(skel, &opts->filters);
	if (err)
		goto fail;
	err = set_keys(skel, &opts->keys);
	if (err)
		goto fail;
	skel->rodata->xdp_sites_on = opts->xdp_sites;
	skel->bss->xdp_drop_reason = DS_REASON_XDP_DROP;
	if (!opts->xdp_sites)
		bpf_map__set_autocreate(skel->maps.xdp_sites, false);
	if (opts->max_keys) {
		err = bpf_map__set_max_entries(skel->maps.drops, opts->max_keys);
		if (err)
			goto fail;
	}
	if (lazy) {
		err = bpf_map__set_map_flags(
			skel->maps.drops, bpf_map__map_flags(skel->maps.drops) | BPF_F_NO_PREALLOC);
		if (err)
			goto fail;
	}

	if (opts->events.enabled) {
		skel->rodata->events_enabled = true;
		skel->rodata->events_only = opts->events.only;
		/* Events mode counts no key: no front table to read either. */
		if (opts->events.only) {
			bpf_map__set_autocreate(skel->maps.front, false);
			bpf_map__set_autocreate(skel->maps.front_counts, false);
		}
		skel->rodata->snaplen = opts->events.snaplen;
		skel->rodata->rate_per_sec = opts->events.rate;
		skel->rodata->events_cgroup = opts->events.cgroup;
		bpf_program__set_autoload(skel->progs.flush_events, true);
		if (opts->events.ring_bytes) {
			err = bpf_map__set_max_entries(skel->maps.events, opts->events.ring_bytes);
			if (err)
				goto fail;
		}
	} else {
		/* Summary mode needs neither: kernels without ring buffers (< 5.8)
		 * can still count. */
		bpf_map__set_autocreate(skel->maps.events, false);
		bpf_map__set_autocreate(skel->maps.ev_batches, false);
	}

	err = dropscope_bpf__load(skel);
	if (hooked)
		kbtf_hook_end(l->kbtf);
	hooked = false;
	if (err)
		goto fail;
	err = fill_filter_maps(skel, &opts->filters);
	if (err)
		goto fail;
	/* Batch events only where user space can flush a CPU's batch (the
	 * flush program runs on a chosen CPU since 5.10), and only for
	 * events mode, which flushes them: else one record per event, as
	 * before batching (diagnose's 2,000/s sample). */
	if (opts->events.enabled && opts->events.only && flush_on_cpus(skel) >= 0)
		skel->bss->ev_flush_at = EV_BATCH_BYTES;
	if (opts->filters.netns) {
		err = set_netns_inum(skel, opts->filters.netns);
		if (err)
			goto fail;
	}
	if (opts->filters.ifindex) {
		__u32 zero = 0;
		__s32 ifindex = opts->filters.ifindex;

		if (bpf_map_update_elem(bpf_map__fd(skel->maps.dev_ifindex), &zero, &ifindex,
					BPF_ANY)) {
			err = -errno;
			goto fail;
		}
	}

	/*
	 * Counting starts here: the filters are in place before the first drop.
	 * The classic tracepoint is found by its id in tracefs; mount it only
	 * for that, and leave the machine as it was once attached.
	 */
	if (b == BACKEND_TRACEPOINT) {
		char dir[256];
		bool mounted = false;

		err = tracefs__dir(dir, sizeof(dir), &mounted);
		if (err)
			goto fail;
		l->link = bpf_program__attach(prog);
		err = l->link ? 0 : -errno;
		tracefs__release(mounted);
	} else if (b == BACKEND_TP_BTF) {
		l->link = kbtf_attach(prog);
		err = l->link ? 0 : -errno;
	} else {
		l->link = bpf_program__attach(prog);
		err = l->link ? 0 : -errno;
	}
	if (err)
		goto fail;
	l->skel = skel;
	l->prog = prog;
	l->backend = b;
	return 0;
fail:
	if (hooked)
		kbtf_hook_end(l->kbtf);
	dropscope_bpf__destroy(skel);
	return err;
}

/* With and then without the lazily allocated count table (see
 * lazy_tables_allowed()). */
static int try_backends(struct loader *l, const struct loader_opts *opts, enum backend b, bool lazy,
			const char *btf_path)
{
	int rc = try_backend(l, opts, b, lazy, btf_path);

	if (rc && lazy)
		rc = try_backend(l, opts, b, false, btf_path);
	return rc;
}

struct loader *loader__start(const struct loader_opts *opts, char *err, size_t errlen)
{
	static const enum backend order[] = { BACKEND_TP_BTF, BACKEND_RAW_TP, BACKEND_TRACEPOINT };
	struct loader *l = calloc(1, sizeof(*l));
	size_t used = 0;

	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}

	bool tp_denied = false, lazy = lazy_tables_allowed();

	/* With --btf FILE, that file relocates; tp_btf still finds its
	 * target in the minimized BTF, if the kernel has BTF at all. */
	l->kbtf = opts->kbtf;
	used = snprintf(err, errlen, "cannot attach to skb:kfree_skb:");
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum backend b = order[i];
		const char *path = opts->btf_path ? opts->btf_path
				   : l->kbtf	  ? kbtf_path(l->kbtf)
						  : NULL;
		bool cached = !opts->btf_path && l->kbtf && l->kbtf->from_cache;
		int rc;

		if (opts->backend != BACKEND_AUTO && opts->backend != b)
			continue;
		rc = try_backends(l, opts, b, lazy, path);
		if (rc && cached) {
			/* Whatever the cause, a start never fails for the cache:
			 * the load is tried as without the file; if that works
			 * on the same backend, the file was at fault (stale,
			 * foreign, damaged): it goes, and is made again once
			 * attached. If not, the cause was not the file (e.g. a
			 * kernel refusing tp_btf): it stays, or every start
			 * would remove and rewrite a good file. */
			kbtf_set_aside(l->kbtf);
			rc = try_backends(l, opts, b, lazy, NULL);
			if (!rc)
				kbtf_discard(l->kbtf);
			else
				kbtf_keep(l->kbtf, backend_name(b));
		}
		if (!rc) {
			l->cache_used = cached && l->kbtf->from_cache;
			return l;
		}
		/* The classic tracepoint's id is read from tracefs (mode 0700). */
		if (b == BACKEND_TRACEPOINT && (rc == -EACCES || rc == -EPERM))
			tp_denied = true;
		if (used < errlen) {
			char e[128];

			/* libbpf's own codes (4001...) have no strerror text. */
			libbpf_strerror(rc, e, sizeof(e));
			used += snprintf(err + used, errlen - used, " %s: %s;", backend_name(b), e);
		}
	}
	if (used < errlen && tp_denied && opts->backend == BACKEND_TRACEPOINT)
		snprintf(err + used, errlen - used,
			 " -- tracefs is not readable: run as root, or add CAP_DAC_READ_SEARCH "
			 "(CAP_SYS_ADMIN if tracefs is not mounted)");
	else if (used < errlen)
		snprintf(err + used, errlen - used,
			 " -- kernel too old, BPF disabled, or BTF missing (try --btf FILE)?");
	free(l);
	return NULL;
}

void loader__detach(struct loader *l)
{
	if (!l || !l->link)
		return;
	bpf_link__destroy(l->link);
	l->link = NULL;
	/*
	 * Unregistering the probe does not wait for runs already under way on
	 * other CPUs; they finish within an RCU grace period. membarrier's
	 * global command waits for one (synchronize_rcu), so the caller's last
	 * read sees every drop the program counted. Where it is refused
	 * (nohz_full CPUs), a short sleep outlasts any single run.
	 */
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		usleep(10000);
}

void loader__free(struct loader *l)
{
	if (!l)
		return;
	loader__detach(l);
	dropscope_bpf__destroy(l->skel);
	free(l);
}

const char *loader__backend(const struct loader *l)
{
	return backend_name(l->backend);
}

int loader__drops_fd(const struct loader *l)
{
	return bpf_map__fd(l->skel->maps.drops);
}

int loader__front_fd(const struct loader *l)
{
	return bpf_map__autocreate(l->skel->maps.front) ? bpf_map__fd(l->skel->maps.front) : -1;
}

int loader__front_counts_fd(const struct loader *l)
{
	return bpf_map__autocreate(l->skel->maps.front_counts)
		       ? bpf_map__fd(l->skel->maps.front_counts)
		       : -1;
}

int loader__stats_fd(const struct loader *l)
{
	return bpf_map__fd(l->skel->maps.stats);
}

int loader__events_fd(const struct loader *l)
{
	return l->skel->rodata->events_enabled ? bpf_map__fd(l->skel->maps.events) : -1;
}

int loader__events_counted(const struct loader *l, __u64 *counted)
{
	int fd = bpf_map__fd(l->skel->maps.ev_batches), ncpus = libbpf_num_possible_cpus();
	struct ev_batch *v;
	size_t stride = (sizeof(*v) + 7) & ~(size_t)7;
	int err = 0;

	*counted = 0;
	if (!l->skel->rodata->events_enabled)
		return 0;
	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	/* A per-CPU value is every CPU's slot in a row. */
	v = malloc(stride * (size_t)ncpus);
	if (!v)
		return -ENOMEM;
	for (__u32 slot = 0; slot < 2 && !err; slot++) {
		if (bpf_map_lookup_elem(fd, &slot, v)) {
			err = -errno;
			break;
		}
		for (int cpu = 0; cpu < ncpus; cpu++)
			*counted += ((const struct ev_batch *)((const char *)v + stride * cpu))
					    ->counted;
	}
	free(v);
	return err;
}

bool loader__events_batched(const struct loader *l)
{
	return l->skel->rodata->events_enabled && l->skel->bss->ev_flush_at;
}

int loader__events_flush(struct loader *l)
{
	if (!l->skel->rodata->events_enabled || !l->skel->bss->ev_flush_at)
		return 0;
	return flush_on_cpus(l->skel);
}

int loader__stacks_fd(const struct loader *l)
{
	return l->skel->rodata->key_dims & (DIM_STACK | DIM_CALLER)
		       ? bpf_map__fd(l->skel->maps.stacks)
		       : -1;
}

int loader__xdp_sites_fd(const struct loader *l)
{
	return l->skel->rodata->xdp_sites_on ? bpf_map__fd(l->skel->maps.xdp_sites) : -1;
}

int loader__xdp_pending_fd(const struct loader *l)
{
	return bpf_map__fd(l->skel->maps.xdp_pending);
}

int loader__netns_inum_fd(const struct loader *l)
{
	return bpf_map__fd(l->skel->maps.netns_inum);
}

int loader__dev_ifindex_fd(const struct loader *l)
{
	return bpf_map__fd(l->skel->maps.dev_ifindex);
}

__u32 loader__key_size(const struct loader *l)
{
	return bpf_map__key_size(l->skel->maps.drops);
}

int loader__set_dev_ifindex(struct loader *l, int ifindex)
{
	__u32 zero = 0;
	__s32 v = ifindex;

	return bpf_map_update_elem(bpf_map__fd(l->skel->maps.dev_ifindex), &zero, &v, BPF_ANY)
		       ? -errno
		       : 0;
}

int loader__set_netns(struct loader *l, __u32 inum)
{
	if (!l->skel->rodata->filter_netns)
		return -EINVAL;
	return set_netns_inum(l->skel, inum);
}

const void *loader__obj_bytes(size_t *len)
{
	return dropscope_bpf__elf_bytes(len);
}

bool loader__btf_cache_used(const struct loader *l)
{
	return l->cache_used;
}

int loader__prog_fd(const struct loader *l)
{
	return bpf_program__fd(l->prog);
}
