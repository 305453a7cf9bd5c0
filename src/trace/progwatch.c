// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "progverdict.skel.h"
#include "bpf/dropscope.h"
#include "counters/bpfhooks.h"
#include "symbols/ksyms.h"
#include "lib/caps.h"
#include "lib/netns.h"
#include "trace/progwatch.h"
#include "trace/kbtf.h"

/* Bounds on what other programs and namespaces can make us hold. */
#define MAX_WATCHED 256
#define MAX_NETNS   4096
#define MAX_ATTR    4096

struct inst {
	__u32 prog_id;
	struct progverdict_bpf *skel;
	struct bpf_link *link; /* NULL: loaded, attached by progwatch__begin() */
	bool tc;	       /* tc_verdict, else xdp_verdict */
};

struct proginfo {
	__u32 id;
	char name[BPF_OBJ_NAME_LEN];
	char tag[2 * BPF_TAG_SIZE + 1];
	__u64 loc;	/* its JIT image: the row's location */
	char func[128]; /* its BTF name, the fexit's target; "" = none */
};

struct progwatch {
	struct progwatch_opts o;
	struct filters filters; /* o.filters points here */
	char *netns;
	struct progverdict_bpf *base;
	struct bpf_link *l_tc, *l_exc;
	struct inst *inst;
	size_t ninst, capinst;
	__u32 *failed; /* programs an fexit could not be attached to: not retried */
	size_t nfailed, capfailed;
	struct bpf_hook *hooks;
	size_t nhooks, caphooks;
	struct tc_attr *attr;
	size_t nattr;
	/* Names and tags of the programs seen on hooks: read while we may (the
	 * exporter drops CAP_SYS_ADMIN after starting), kept for the labels. */
	struct proginfo *pc;
	size_t npc;
	double last_scan;
	/* Our own namespace's listing was refused (EPERM: BPF_PROG_QUERY of
	 * tcx wants CAP_NET_ADMIN or CAP_SYS_ADMIN, which the exporter gave
	 * up): not asked again, with its link dump, until one is effective. */
	bool own_refused;
	bool have_veth; /* veth_xdp_rcv_skb found (veth is a module) */
	/* a program not seen before is on a hook: symbols are stale */
	bool fresh;
	int ncpu;
	/* 0, or why the kernel refused an fexit on a BPF program (some
	 * kernels and LSM policies refuse every trampoline): not retried. */
	int fexit_err;
	bool tc_loaded; /* tc_drops is counted (stays readable after detach) */
	/* scan(): whether setns() may work (CAP_SYS_ADMIN effective), asked
	 * once and again after progwatch__caps_changed(), not at every scan. */
	bool enter, enter_known;
	bool own_enter; /* may list our own namespace's hooks (NET_ADMIN or SYS_ADMIN) */
	/* Load the fexits, attach them later: progwatch__load() loads those
	 * the programs already on hooks need before the symbol table is read,
	 * since each load parses the kernel's BTF (~11 MB for a moment). */
	bool defer_attach;
	unsigned int scans; /* scan()s so far: what tc_name's answer was made from */
	/* progwatch__tc_name()'s last answer: a flood of drops of one hook
	 * asks the same question each event. */
	struct {
		struct tc_attr a;
		unsigned int scans;
		bool valid;
	} tcn;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int prog_info(__u32 id, struct proginfo *pi)
{
	struct bpf_prog_info info = {};
	struct bpf_func_info fi = {};
	__u32 len = sizeof(info);
	__u64 addr = 0;
	int fd = bpf_prog_get_fd_by_id(id), err;

	memset(pi, 0, sizeof(*pi));
	pi->id = id;
	if (fd < 0)
		return -errno;
	info.nr_jited_ksyms = 1;
	info.jited_ksyms = (__u64)(unsigned long)&addr;
	info.nr_func_info = 1;
	info.func_info_rec_size = sizeof(fi);
	info.func_info = (__u64)(unsigned long)&fi;
	err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	if (!err) {
		memcpy(pi->name, info.name, sizeof(pi->name));
		pi->name[sizeof(pi->name) - 1] = 0;
		for (int i = 0; i < BPF_TAG_SIZE; i++)
			snprintf(pi->tag + 2 * i, 3, "%02x", info.tag[i]);
		pi->loc = info.nr_jited_ksyms ? addr : 0;
		if (info.btf_id && info.nr_func_info) {
			struct btf *btf = btf__load_from_kernel_by_id(info.btf_id);
			const struct btf_type *t = btf ? btf__type_by_id(btf, fi.type_id) : NULL;
			const char *n = t ? btf__name_by_offset(btf, t->name_off) : NULL;

			if (n)
				snprintf(pi->func, sizeof(pi->func), "%s", n);
			btf__free(btf);
		}
	}
	close(fd);
	return err;
}

static int cached_info(struct progwatch *pw, __u32 id, struct proginfo *pi)
{
	void *p;

	for (size_t i = 0; i < pw->npc; i++)
		if (pw->pc[i].id == id) {
			*pi = pw->pc[i];
			return 0;
		}
	if (prog_info(id, pi))
		return -ENOENT;
	pw->fresh = true;
	if (pw->npc < MAX_ATTR && (p = realloc(pw->pc, (pw->npc + 1) * sizeof(*pw->pc)))) {
		pw->pc = p;
		pw->pc[pw->npc++] = *pi;
	}
	return 0;
}

/* Relocated against the minimized kernel BTF where there is one. */
static struct progverdict_bpf *open_obj(const struct progwatch_opts *o)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo,
		    .btf_custom_path = o->kbtf ? kbtf_path(o->kbtf) : NULL);

	return progverdict_bpf__open_opts(&oo);
}

static void set_rodata(struct progverdict_bpf *s, const struct progwatch_opts *o)
{
	s->rodata->key_dims = o->dims;
	/* The values themselves are in the main object's maps (reuse_maps()). */
	s->rodata->filter_netns = o->filters && o->filters->netns;
	s->rodata->filter_dev = o->filters && o->filters->ifindex;
	s->rodata->filter_ethertype = o->filters ? o->filters->ethertype : 0;
	s->rodata->reason_tc_ingress = o->reason_tc_ingress;
	s->rodata->reason_tc_egress = o->reason_tc_egress;
}

static int reuse_maps(struct progverdict_bpf *s, const struct progwatch_opts *o,
		      const struct progverdict_bpf *base)
{
	int err = bpf_map__reuse_fd(s->maps.drops, o->drops_fd);

	if (!err)
		err = bpf_map__reuse_fd(s->maps.stats, o->stats_fd);
	if (!err)
		err = bpf_map__reuse_fd(s->maps.xdp_pending, o->xdp_pending_fd);
	/* The loader creates a filter's map only when the filter is on (no
	 * fd otherwise): then ours is never read either. */
	if (!err && o->netns_inum_fd >= 0)
		err = bpf_map__reuse_fd(s->maps.netns_inum, o->netns_inum_fd);
	if (!err && o->dev_ifindex_fd >= 0)
		err = bpf_map__reuse_fd(s->maps.dev_ifindex, o->dev_ifindex_fd);
	if (!err && base)
		err = bpf_map__reuse_fd(s->maps.last_shot, bpf_map__fd(base->maps.last_shot));
	if (!err && base)
		err = bpf_map__reuse_fd(s->maps.tc_drops, bpf_map__fd(base->maps.tc_drops));
	return err;
}

/* One fexit on program id: xdp_verdict for XDP, tc_verdict for tc. */
static int watch(struct progwatch *pw, __u32 id, bool tc)
{
	struct progverdict_bpf *s = NULL;
	struct bpf_program *want, *p;
	struct bpf_link *link = NULL;
	struct proginfo pi;
	int fd = -1, err;
	void *grown;

	if (pw->ninst >= MAX_WATCHED)
		return -E2BIG;
	err = prog_info(id, &pi);
	if (err)
		return err;
	if (!pi.func[0] || !pi.loc)
		return -ENOENT; /* no BTF or not JITed: no fexit possible */
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	s = open_obj(&pw->o);
	err = -errno;
	if (!s)
		goto out;
	set_rodata(s, &pw->o);
	s->rodata->target_id = id;
	s->rodata->target_loc = pi.loc;
	want = tc ? s->progs.tc_verdict : s->progs.xdp_verdict;
	bpf_object__for_each_program (p, s->obj)
		bpf_program__set_autoload(p, p == want);
	err = bpf_program__set_attach_target(want, fd, pi.func);
	if (!err)
		err = reuse_maps(s, &pw->o, pw->base);
	if (!err)
		err = progverdict_bpf__load(s);
	if (err)
		goto out;
	if (!pw->defer_attach) {
		link = bpf_program__attach_trace(want);
		if (!link) {
			err = -errno;
			goto out;
		}
	}
	grown = realloc(pw->inst, (pw->ninst + 1) * sizeof(*pw->inst));
	if (!grown) {
		bpf_link__destroy(link);
		err = -ENOMEM;
		goto out;
	}
	pw->inst = grown;
	pw->inst[pw->ninst++] = (struct inst){ id, s, link, tc };
	s = NULL;
out:
	progverdict_bpf__destroy(s);
	if (fd >= 0)
		close(fd);
	return err;
}

static void unwatch(struct progwatch *pw, size_t i)
{
	bpf_link__destroy(pw->inst[i].link);
	progverdict_bpf__destroy(pw->inst[i].skel);
	pw->inst[i] = pw->inst[--pw->ninst];
}

static void scan_ns(struct progwatch *pw, int fd, bool own, bool enter, __u32 *seen, size_t *nseen,
		    const struct bpf_hook *old, size_t nold)
{
	size_t n0 = pw->nhooks;
	struct stat st;

	if (fstat(fd, &st) || *nseen >= MAX_NETNS)
		return;
	for (size_t i = 0; i < *nseen; i++)
		if (seen[i] == (__u32)st.st_ino)
			return;
	seen[(*nseen)++] = (__u32)st.st_ino;
	/* Our own namespace needs no setns(), hence no CAP_SYS_ADMIN; once
	 * refused, it is asked again only when it would not be. */
	if (own && pw->own_refused)
		enter = pw->own_enter;
	if (own || enter) {
		int rc = enter ? bpfhooks_read(own ? -1 : fd, (__u32)st.st_ino, &pw->hooks,
					       &pw->nhooks, &pw->caphooks)
			       : -EPERM;

		if (own)
			pw->own_refused = rc == -EPERM;
		if (!rc)
			return;
	}
	/* Not readable now (the exporter has dropped the privilege to enter
	 * a namespace): its last listing stands. */
	pw->nhooks = n0;
	for (size_t i = 0; i < nold; i++) {
		void *p;

		if (old[i].netns != (__u32)st.st_ino)
			continue;
		p = realloc(pw->hooks, (pw->nhooks + 1) * sizeof(*pw->hooks));
		if (!p)
			return;
		pw->hooks = p;
		pw->caphooks = pw->nhooks + 1;
		pw->hooks[pw->nhooks++] = old[i];
	}
}

/* Our namespace, --netns and the named ones of /run/netns. */
static void scan(struct progwatch *pw)
{
	pw->scans++;
	__u32 *seen = calloc(MAX_NETNS, sizeof(*seen));
	struct bpf_hook *old = pw->hooks;
	size_t nseen = 0, nold = pw->nhooks;
	struct dirent *de;
	DIR *d;
	int fd;
	/* Without CAP_SYS_ADMIN (the exporter once it listens) setns() fails:
	 * not trying spares a thread per namespace per scrape, which on a node
	 * with a /run/netns entry per pod is most of a scrape. */
	bool enter;

	if (!seen)
		return;
	if (!pw->enter_known) {
		pw->enter = caps_effective(CAP_SYS_ADMIN);
		pw->own_enter = pw->enter || caps_effective(CAP_NET_ADMIN);
		pw->enter_known = true;
	}
	enter = pw->enter;
	pw->hooks = NULL;
	pw->nhooks = pw->caphooks = 0;
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		scan_ns(pw, fd, true, true, seen, &nseen, old, nold);
		close(fd);
	}
	if (pw->netns) {
		fd = netns_open(pw->netns);
		if (fd >= 0) {
			scan_ns(pw, fd, false, enter, seen, &nseen, old, nold);
			close(fd);
		}
	}
	d = opendir("/run/netns");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd < 0)
			continue;
		scan_ns(pw, fd, false, enter, seen, &nseen, old, nold);
		close(fd);
	}
	if (d)
		closedir(d);
	free(seen);
	free(old);
}

static bool same_tc_hook(const struct bpf_hook *a, const struct bpf_hook *b)
{
	return a->netns == b->netns && a->ifindex == b->ifindex && a->dir == b->dir &&
	       (a->kind == HOOK_TCX || a->kind == HOOK_CLSACT) &&
	       (b->kind == HOOK_TCX || b->kind == HOOK_CLSACT);
}

/* Does program id need our fexit now? (1 XDP, 2 tc, 0 no) */
static int wanted(const struct progwatch *pw, __u32 id)
{
	for (size_t i = 0; i < pw->nhooks; i++) {
		const struct bpf_hook *h = &pw->hooks[i];
		size_t on_hook = 0;

		if (h->prog_id != id)
			continue;
		if (h->kind == HOOK_XDP_DRV || h->kind == HOOK_XDP_SKB) {
			if (pw->o.xdp)
				return 1;
			continue;
		}
		if (h->kind == HOOK_XDP_HW || !pw->o.tc)
			continue;
		/* One program alone on its hook is named by the listing. */
		for (size_t j = 0; j < pw->nhooks; j++)
			on_hook += same_tc_hook(h, &pw->hooks[j]);
		if (on_hook > 1)
			return 2;
	}
	return 0;
}

static bool has_failed(const struct progwatch *pw, __u32 id)
{
	for (size_t i = 0; i < pw->nfailed; i++)
		if (pw->failed[i] == id)
			return true;
	return false;
}

/*
 * The tc drop counter runs on every drop (~35 ns here): attached only
 * while some watched device has a tc program or filter. Drops before the
 * rescan that sees a new one stay in the table, without a program named.
 */
static void follow_tc(struct progwatch *pw)
{
	bool any = false;

	for (size_t i = 0; i < pw->nhooks && !any; i++)
		any = pw->hooks[i].kind == HOOK_TCX || pw->hooks[i].kind == HOOK_CLSACT;
	if (any && !pw->l_tc && pw->o.tc)
		pw->l_tc = kbtf_attach(pw->base->progs.tc_drop);
	if (!any && pw->l_tc) {
		bpf_link__destroy(pw->l_tc);
		pw->l_tc = NULL;
	}
}

/* An fexit the kernel would not take: for this program, or for any. */
static void watch_failed(struct progwatch *pw, __u32 id, int rc)
{
	/* Refused as such (not this program's fault): no fexit at all. */
	if (rc == -EPERM || rc == -EOPNOTSUPP || rc == -524 /* ENOTSUPP */ || rc == -EACCES) {
		pw->fexit_err = rc;
		return;
	}
	if (pw->nfailed < MAX_WATCHED) {
		void *p = realloc(pw->failed, (pw->nfailed + 1) * sizeof(*pw->failed));

		if (p) {
			pw->failed = p;
			pw->failed[pw->nfailed++] = id;
		}
	}
}

/* The fexits progwatch__load() loaded, attached now. */
static void attach_deferred(struct progwatch *pw)
{
	for (size_t i = 0; i < pw->ninst;) {
		struct inst *in = &pw->inst[i];
		struct bpf_program *p =
			in->tc ? in->skel->progs.tc_verdict : in->skel->progs.xdp_verdict;
		__u32 id = in->prog_id;
		int rc;

		if (in->link || (in->link = bpf_program__attach_trace(p))) {
			i++;
			continue;
		}
		rc = -errno;
		unwatch(pw, i);
		watch_failed(pw, id, rc);
	}
}

static void follow(struct progwatch *pw)
{
	struct proginfo pi;

	/* Loading only (progwatch__load()): nothing attached yet. */
	if (!pw->defer_attach)
		follow_tc(pw);

	for (size_t i = 0; i < pw->nhooks; i++)
		if (pw->hooks[i].prog_id)
			cached_info(pw, pw->hooks[i].prog_id, &pi);
	/* Released first: a program that left its hook is not held by us. */
	for (size_t i = 0; i < pw->ninst;)
		if (!wanted(pw, pw->inst[i].prog_id))
			unwatch(pw, i);
		else
			i++;
	for (size_t i = 0; i < pw->nhooks; i++) {
		__u32 id = pw->hooks[i].prog_id;
		bool have = false;
		int w, rc;

		if (!id || has_failed(pw, id))
			continue;
		for (size_t j = 0; j < pw->ninst && !have; j++)
			have = pw->inst[j].prog_id == id;
		w = have || pw->fexit_err ? 0 : wanted(pw, id);
		if (!w)
			continue;
		rc = watch(pw, id, w == 2);
		if (rc)
			watch_failed(pw, id, rc);
	}
}

/*
 * Where the kernel frees an skb an XDP program dropped or aborted (veth's
 * skb path, generic XDP): functions whose kfree_skb() dropscope.bpf.c turns
 * into the program's row. Suffixes (.constprop.0, .isra.0) are the same
 * function.
 */
static const char *const xdp_site_names[] = { "veth_xdp_rcv_skb", "netif_receive_generic_xdp",
					      "do_xdp_generic" };
#define N_SITE_NAMES (sizeof(xdp_site_names) / sizeof(xdp_site_names[0]))

static int site_of(const char *name)
{
	for (size_t i = 0; i < N_SITE_NAMES; i++) {
		size_t l = strlen(xdp_site_names[i]);

		if (!strncmp(name, xdp_site_names[i], l) && (!name[l] || name[l] == '.'))
			return (int)i;
	}
	return -1;
}

/* From the symbols the monitor has read anyway: no kallsyms read of our own. */
void progwatch__caps_changed(struct progwatch *pw)
{
	if (pw)
		pw->enter_known = false;
}

void progwatch__set_symbols(struct progwatch *pw, const struct ksyms *ks,
			    void (*before)(void *arg, const struct xdp_site_table *t), void *arg)
{
	struct xdp_site_table t = {};
	struct xdp_site *s = t.s;
	const struct ksym *k;
	__u32 zero = 0;
	int n = 0;

	if (!pw || !pw->o.xdp || !ks || pw->have_veth)
		return;
	for (size_t i = 0; n < MAX_XDP_SITES && (k = ksyms__at(ks, i)); i++) {
		int site = site_of(k->name);

		if (site < 0 || !k->addr)
			continue;
		pw->have_veth |= site == 0;
		s[n].start = k->addr;
		/* size: to the next symbol; 0 for the very last, its first byte only */
		s[n].end = k->addr + (k->size ? k->size : 1);
		n++;
	}
	for (__u32 i = 0; i < MAX_XDP_SITES; i++)
		s[i].reason = pw->o.reason_not_specified;
	if (before)
		before(arg, &t);
	bpf_map_update_elem(pw->o.xdp_sites_fd, &zero, &t, BPF_ANY);
}

void progwatch__refresh(struct progwatch *pw)
{
	double now = now_s();

	if (!pw || !pw->base || now - pw->last_scan < 1.0)
		return;
	pw->last_scan = now;
	scan(pw);
	follow(pw);
}

const void *progwatch__obj_bytes(size_t *len)
{
	return progverdict_bpf__elf_bytes(len);
}

struct progwatch *progwatch__load(const struct progwatch_opts *o, char *err, size_t errlen)
{
	struct progwatch *pw = calloc(1, sizeof(*pw));
	int rc;

	if (!pw || (o->netns && !(pw->netns = strdup(o->netns)))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	pw->o = *o;
	pw->o.netns = pw->netns;
	pw->o.ks = NULL;
	/* Ours: each program watched later is loaded with these filters. */
	if (o->filters) {
		pw->filters = *o->filters;
		pw->filters.reasons = NULL; /* not the verdict programs' concern */
		pw->filters.n_reasons = 0;
		pw->o.filters = &pw->filters;
	}
	pw->ncpu = libbpf_num_possible_cpus();
	/* Its tp_btf programs load with the target ids of the minimized
	 * BTF (kbtf.h): without it they cannot. */
	if (!o->kbtf || kbtf_hook_begin(o->kbtf)) {
		snprintf(err, errlen, "no kernel BTF for the program-verdict object");
		goto fail;
	}
	pw->base = open_obj(o);
	if (!pw->base || pw->ncpu <= 0) {
		snprintf(err, errlen, "opening the program-verdict object: %s", strerror(errno));
		kbtf_hook_end(o->kbtf);
		goto fail;
	}
	set_rodata(pw->base, o);
	/* Without the kernel's TC reasons there is nothing to attribute. */
	if (!o->reason_tc_ingress && !o->reason_tc_egress)
		pw->o.tc = false;
	bpf_program__set_autoload(pw->base->progs.xdp_verdict, false);
	bpf_program__set_autoload(pw->base->progs.tc_verdict, false);
	bpf_program__set_autoload(pw->base->progs.tc_drop, pw->o.tc);
	bpf_program__set_autoload(pw->base->progs.xdp_exception, pw->o.xdp);
	rc = reuse_maps(pw->base, o, NULL);
	if (!rc)
		rc = progverdict_bpf__load(pw->base);
	kbtf_hook_end(o->kbtf);
	if (rc) {
		snprintf(err, errlen, "loading the program-verdict object: %s", strerror(-rc));
		goto fail;
	}
	/* The programs on hooks now: their fexits loaded while the symbol
	 * table is not resident (with it, each load's BTF parse made the
	 * peak: 18 MB against 14.4), attached by progwatch__begin(). */
	pw->defer_attach = true;
	pw->last_scan = now_s();
	scan(pw);
	follow(pw);
	pw->defer_attach = false;
	return pw;
fail:
	progwatch__free(pw);
	return NULL;
}

int progwatch__begin(struct progwatch *pw, const struct ksyms *ks, char *err, size_t errlen)
{
	/* The sites before anything counts, so no XDP verdict is counted twice. */
	progwatch__set_symbols(pw, ks, NULL, NULL);
	if (pw->o.xdp && !(pw->l_exc = kbtf_attach(pw->base->progs.xdp_exception))) {
		snprintf(err, errlen, "attaching to xdp:xdp_exception: %s", strerror(errno));
		return -1;
	}
	pw->tc_loaded = pw->o.tc;
	/* What progwatch__load() saw, attached; then a rescan, so a program
	 * put on a hook while the symbol table was read is watched from now,
	 * not a second later (its object is the only one loaded with the
	 * table resident). */
	attach_deferred(pw);
	pw->last_scan = now_s();
	scan(pw);
	follow(pw);
	return 0;
}

struct progwatch *progwatch__start(const struct progwatch_opts *o, char *err, size_t errlen)
{
	struct progwatch *pw = progwatch__load(o, err, errlen);

	if (pw && progwatch__begin(pw, o->ks, err, errlen)) {
		progwatch__free(pw);
		return NULL;
	}
	return pw;
}

void progwatch__detach(struct progwatch *pw)
{
	struct xdp_site_table none = {};
	__u32 zero = 0;

	if (!pw)
		return;
	/* The main program's own rows again, should it still run. */
	if (pw->o.xdp)
		bpf_map_update_elem(pw->o.xdp_sites_fd, &zero, &none, BPF_ANY);
	while (pw->ninst)
		unwatch(pw, pw->ninst - 1);
	bpf_link__destroy(pw->l_tc);
	bpf_link__destroy(pw->l_exc);
	pw->l_tc = pw->l_exc = NULL;
	/* no more following after this */
	pw->o.xdp = pw->o.tc = false;
}

void progwatch__free(struct progwatch *pw)
{
	if (!pw)
		return;
	progwatch__detach(pw);
	progverdict_bpf__destroy(pw->base);
	free(pw->inst);
	free(pw->failed);
	free(pw->hooks);
	free(pw->attr);
	free(pw->pc);
	free(pw->netns);
	free(pw);
}

bool progwatch__take_fresh(struct progwatch *pw)
{
	bool f = pw && pw->fresh;

	if (pw)
		pw->fresh = false;
	return f;
}

int progwatch__fexit_error(const struct progwatch *pw)
{
	return pw ? pw->fexit_err : 0;
}

size_t progwatch__watched(const struct progwatch *pw)
{
	return pw ? pw->ninst : 0;
}

/* "NAME id N tag T, tcx" / "..., clsact chain C pref P handle 0xH". */
static void describe(struct progwatch *pw, const struct bpf_hook *h, char *buf, size_t len)
{
	struct proginfo pi;
	int n = 0;

	if (h->prog_id && !cached_info(pw, h->prog_id, &pi))
		n = snprintf(buf, len, "%s id %u tag %s, ", pi.name, pi.id, pi.tag);
	else if (h->prog_id)
		n = snprintf(buf, len, "id %u, ", h->prog_id);
	else
		n = snprintf(buf, len, "%s filter, ", h->fkind);
	if (n < 0 || (size_t)n >= len)
		return;
	if (h->kind == HOOK_TCX)
		snprintf(buf + n, len - (size_t)n, "tcx");
	else
		snprintf(buf + n, len - (size_t)n, "clsact chain %u pref %u handle 0x%x", h->chain,
			 h->pref, h->handle);
}

static void attribute(struct progwatch *pw, struct tc_attr *a)
{
	const struct bpf_hook *only = NULL;
	size_t n = 0, len = 0;
	char one[256];

	a->who[0] = 0;
	a->named_id = a->prog_id;
	for (size_t i = 0; i < pw->nhooks; i++) {
		const struct bpf_hook *h = &pw->hooks[i];

		if (h->netns != a->netns || h->ifindex != a->ifindex)
			continue;
		snprintf(a->dev, sizeof(a->dev), "%s", h->dev);
		if (h->dir != (a->egress ? HOOK_EGRESS : HOOK_INGRESS) ||
		    (h->kind != HOOK_TCX && h->kind != HOOK_CLSACT))
			continue;
		if (a->prog_id && h->prog_id == a->prog_id) {
			describe(pw, h, a->who, sizeof(a->who));
			return;
		}
		only = h;
		n++;
	}
	if (a->prog_id) {
		struct proginfo pi;

		if (!cached_info(pw, a->prog_id, &pi))
			snprintf(a->who, sizeof(a->who), "%s id %u tag %s (left the hook)", pi.name,
				 pi.id, pi.tag);
		else
			snprintf(a->who, sizeof(a->who), "id %u (unloaded since)", a->prog_id);
		return;
	}
	if (n == 1) {
		a->named_id = only->prog_id;
		describe(pw, only, a->who, sizeof(a->who));
		return;
	}
	if (!n) {
		snprintf(a->who, sizeof(a->who), "unknown: nothing on this hook now");
		return;
	}
	/* Drops before our fexit was on them: never a guess. */
	len = (size_t)snprintf(a->who, sizeof(a->who), "one of: ");
	for (size_t i = 0; i < pw->nhooks && len < sizeof(a->who); i++) {
		const struct bpf_hook *h = &pw->hooks[i];

		if (h->netns != a->netns || h->ifindex != a->ifindex ||
		    h->dir != (a->egress ? HOOK_EGRESS : HOOK_INGRESS) ||
		    (h->kind != HOOK_TCX && h->kind != HOOK_CLSACT))
			continue;
		describe(pw, h, one, sizeof(one));
		len += (size_t)snprintf(a->who + len, sizeof(a->who) - len, "%s%s",
					len > 8 ? "; " : "", one);
	}
}

static int by_total(const void *x, const void *y)
{
	const struct tc_attr *a = x, *b = y;

	return a->total != b->total ? (a->total > b->total ? -1 : 1) : 0;
}

int progwatch__tc_poll(struct progwatch *pw, const struct tc_attr **out)
{
	struct tc_drop_key k, next, *prev = NULL;
	__u64 *vals;
	int fd;

	*out = NULL;
	if (!pw || !pw->base || !pw->tc_loaded)
		return pw && pw->nattr ? (*out = pw->attr, (int)pw->nattr) : 0;
	/* The listing as of now: a hook that changed since the last read is
	 * then seen (its drops said as one of both), never attributed to a
	 * program that has left it by a listing a second old. */
	if (now_s() - pw->last_scan > 0.05) {
		pw->last_scan = now_s();
		scan(pw);
		follow(pw);
	}
	fd = bpf_map__fd(pw->base->maps.tc_drops);
	vals = calloc((size_t)pw->ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (size_t i = 0; i < pw->nattr; i++)
		pw->attr[i].delta = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct tc_attr *a = NULL;
		__u64 sum = 0;

		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, vals))
			continue;
		for (int c = 0; c < pw->ncpu; c++)
			sum += vals[c];
		for (size_t i = 0; i < pw->nattr && !a; i++)
			if (pw->attr[i].netns == k.netns && pw->attr[i].ifindex == (int)k.ifindex &&
			    pw->attr[i].egress == (k.reason == pw->o.reason_tc_egress) &&
			    pw->attr[i].prog_id == k.prog_id)
				a = &pw->attr[i];
		if (!a) {
			void *p;

			if (pw->nattr >= MAX_ATTR)
				continue;
			p = realloc(pw->attr, (pw->nattr + 1) * sizeof(*pw->attr));
			if (!p)
				continue;
			pw->attr = p;
			a = &pw->attr[pw->nattr++];
			memset(a, 0, sizeof(*a));
			a->netns = k.netns;
			a->ifindex = (int)k.ifindex;
			a->egress = k.reason == pw->o.reason_tc_egress;
			a->prog_id = k.prog_id;
			snprintf(a->dev, sizeof(a->dev), "%u", k.ifindex);
		}
		a->delta = sum - a->total;
		a->total = sum;
	}
	free(vals);
	for (size_t i = 0; i < pw->nattr; i++) {
		struct tc_attr *a = &pw->attr[i];
		char before[sizeof(a->who)];

		memcpy(before, a->who, sizeof(before));
		attribute(pw, a);
		/* The hook changed since the last read, and some drops of this
		 * interval may be the old program's: not a guess either. */
		if (!a->prog_id && a->delta && before[0] && strcmp(before, a->who) &&
		    strncmp(a->who, "one of: ", 8)) {
			char now[sizeof(a->who)];

			memcpy(now, a->who, sizeof(now));
			a->named_id = 0;
			snprintf(a->who, sizeof(a->who), "one of: %.250s; %.250s",
				 strncmp(before, "one of: ", 8) ? before : before + 8, now);
		}
	}
	if (pw->nattr)
		qsort(pw->attr, pw->nattr, sizeof(*pw->attr), by_total);
	*out = pw->attr;
	return (int)pw->nattr;
}

const struct tc_attr *progwatch__tc_name(struct progwatch *pw, __u32 netns, int ifindex,
					 __u32 reason)
{
	struct tc_attr *a;
	bool egress;

	if (!pw || !pw->base || !pw->o.tc || !reason ||
	    (reason != pw->o.reason_tc_ingress && reason != pw->o.reason_tc_egress))
		return NULL;
	a = &pw->tcn.a;
	egress = reason == pw->o.reason_tc_egress;
	if (pw->tcn.valid && a->netns == netns && a->ifindex == ifindex && a->egress == egress &&
	    pw->tcn.scans == pw->scans)
		return a;
	memset(a, 0, sizeof(*a));
	a->netns = netns;
	a->ifindex = ifindex;
	a->egress = egress;
	snprintf(a->dev, sizeof(a->dev), "%d", ifindex);
	attribute(pw, a);
	/* A program attached since the last listing (they are a second
	 * apart at most): looked for again, at most once a second, so that
	 * a drop of a new program is not said to be of none. */
	if (!a->named_id && !strncmp(a->who, "unknown", 7) && now_s() - pw->last_scan >= 1.0) {
		pw->last_scan = now_s();
		scan(pw);
		follow(pw);
		attribute(pw, a);
	}
	pw->tcn.scans = pw->scans;
	pw->tcn.valid = true;
	return a;
}
