// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "counters/cgroups.h"
#include "trace/objects.h"
#include "counters/workload.h"
#include "symbols/btfcheck.h"
#include "trace/drop_table.h"
#include "lib/escape.h"
#include "trace/filters.h"
#include "trace/progwatch.h"
#include "trace/caller_skip.h"
#include "symbols/ksyms.h"
#include "trace/session.h"
#include "lib/newfile.h"
#include "symbols/reasons.h"
#include "trace/stacks.h"
#include "lib/msg.h"
#include "lib/caps.h"

static double clock_secs(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double mono_now(void)
{
	return clock_secs(CLOCK_MONOTONIC);
}

double wall_now(void)
{
	return clock_secs(CLOCK_REALTIME);
}

/* Name what is missing up front, instead of a bare EPERM from the loader. */
static int check_privileges(void)
{
	bool bpf = caps_effective(CAP_BPF), perfmon = caps_effective(CAP_PERFMON);

	if (caps_effective(CAP_SYS_ADMIN) || (bpf && perfmon))
		return 0;
	msg_error("needs root, or CAP_BPF and CAP_PERFMON (missing:%s%s)", bpf ? "" : " CAP_BPF",
		  perfmon ? "" : " CAP_PERFMON");
	return 1;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int verbose_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int monitor_write_ready(struct monitor *m, const char *path, bool force)
{
	bool existed = false;
	const char *name;
	struct stat st;
	int dirfd, fd, n;
	char buf[32];

	/*
	 * Made and, at the end, removed in the directory opened here: a
	 * directory of the path renamed or replaced meanwhile (one holding a
	 * hard link to our file) cannot aim the removal at another name.
	 */
	dirfd = outfile_dir(path, &name);
	if (dirfd < 0)
		return dirfd;
	fd = outfile_openat(dirfd, name, 0644, force, &existed);
	if (fd < 0) {
		close(dirfd);
		return fd;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", getpid());
	if (write(fd, buf, n) != n) {
		close(fd);
		close(dirfd);
		return -EIO;
	}
	/*
	 * Only a regular file we made is ours to remove (not one --force
	 * rewrote, a FIFO or /dev/null). Its descriptor stays open until then,
	 * so that its inode number cannot name another file by the time we
	 * compare; ready_name says there is one (the descriptor may be 0).
	 */
	if (!existed && !fstat(fd, &st) && S_ISREG(st.st_mode) && !m->ready_name) {
		m->ready_name = name;
		m->ready_dirfd = dirfd;
		m->ready_fd = fd;
		return 0;
	}
	close(dirfd);
	if (close(fd))
		return -errno;
	return 0;
}

/* The ready file goes with us, if its name in the directory we made it in
 * is still the file we made. */
static void remove_ready(struct monitor *m)
{
	if (!m->ready_name)
		return;
	outfile_remove(m->ready_dirfd, m->ready_name, m->ready_fd);
	close(m->ready_fd);
	close(m->ready_dirfd);
	m->ready_name = NULL;
}

static struct ksyms *load_symbols(struct monitor *m)
{
	char note[1024];
	struct ksyms *ks = symbols_load(&m->cfg->syms, note, sizeof(note));

	/* Say which source is in use when it is not kallsyms; without any,
	 * the tool still counts and addresses print as 0x…. Once: reloads
	 * every few seconds would repeat it. */
	if (note[0] && !m->sym_note_said)
		msg_info("%s", note);
	m->sym_note_said |= note[0] != 0;
	return ks;
}

/* What the count key holds, and what each event carries. */
static void resolve_keys(const struct config *cfg, struct loader_opts *lopts)
{
	struct key_opts *k = &lopts->keys;

	k->dims = (DIMS_BASE | cfg->by) & ~DIMS_USER;
	/* The workload is named in user space from the namespace and cgroup:
	 * of each row, or of each event, which has its namespace anyway (in
	 * events mode the count table only accounts: a smaller key). */
	if ((cfg->by & DIM_WORKLOAD) && lopts->events.enabled)
		lopts->events.cgroup = true;
	else if (cfg->by & DIM_WORKLOAD)
		k->dims |= DIM_NETNS | DIM_CGROUP;
	k->max_stacks = cfg->max_stacks;
	k->stack_budget = cfg->stack_budget_set ? cfg->stack_budget : DEFAULT_STACK_BUDGET;
	k->helper_slots = cfg->by & DIM_CALLER ? helpers_slots(cfg->helpers) : 0;
}

/*
 * A row counted before the helper table was in the kernel: its caller,
 * found in its stack as the kernel would have found it. Its stack id goes
 * back to 0 unless stacks are a dimension, so that it joins the rows the
 * kernel keyed itself.
 */
static bool rekey_pending_caller(void *ctx, struct drop_key *k)
{
	struct monitor *m = ctx;
	const __u64 *ips;
	size_t n;

	if (k->caller != CALLER_PENDING)
		return false;
	n = stacks__raw(m->stacks, k->stack_id, &ips);
	k->caller = n ? caller_from_frames(ips, n, k->location, m->helper_start, m->helper_end,
					   m->n_helpers)
		      : 0;
	if (!(m->cfg->by & DIM_STACK))
		k->stack_id = 0;
	return true;
}

/*
 * --by caller, once attached: the helpers' addresses from the symbol
 * table into the kernel. Reading kallsyms takes longer than loading and
 * attaching together, so counting does not wait for it: the drops of the
 * meantime carry their stack, and rekey_pending_caller() finds their
 * caller.
 */
static int start_callers(struct monitor *m, const struct config *cfg)
{
	char bad[320];
	int n, err;

	if (!m->ks) {
		msg_error("--by caller needs kernel symbols, and none could be "
			  "read (see above)");
		return 1;
	}
	n = helpers_resolve(m->ks, cfg->helpers, m->helper_start, m->helper_end, MAX_HELPERS, bad,
			    sizeof(bad));
	if (n < 0) {
		msg_error("--helper: %s", bad);
		return 2;
	}
	m->n_helpers = n;
	err = loader__set_helpers(m->loader, m->helper_start, m->helper_end, n);
	if (err) {
		msg_error("cannot set the helper table: %s", strerror(-err));
		return 1;
	}
	counts__set_rekey(m->counts, rekey_pending_caller, m);
	return 0;
}

/* Signals arrive through a descriptor: no handler, no global state. */
static int signals_fd(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	/* A hangup (the ssh session closed) ends the run as ^C does. */
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	/* A reader that goes away shows up as EPIPE on write, not death. */
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Said once, when a program needed an fexit the kernel refused. */
static void say_fexit(struct monitor *m)
{
	int err = progwatch__fexit_error(m->pw);

	if (!err || m->fexit_said)
		return;
	m->fexit_said = true;
	msg_warn("the kernel refuses fexit on BPF programs (%s): drops on a tc hook with "
		 "several programs are said as \"one of\" them, and native XDP_DROP of frames "
		 "never carried as skbs (a NIC's, or redirected into a veth) is not counted "
		 "(XDP_DROP of skbs and XDP_ABORTED are; drivers' xdp_drops are in `dropscope "
		 "counters`)",
		 strerror(-err));
}

/*
 * Whether XDP programs' drops are looked for: not with --no-xdp, nor when
 * a filter could pass no XDP row (--location and --proto look into the
 * skb, which an XDP frame is not; a --reason list without XDP_DROP or
 * XDP_ABORTED). Known before loading, so that the program does not look
 * at XDP drop sites at all when none will ever be set.
 */
static bool xdp_wanted(const struct config *cfg, const struct filters *f)
{
	bool x = false;

	if (cfg->no_xdp || cfg->location || f->ipproto >= 0)
		return false;
	if (!f->reasons)
		return true;
	for (int i = 0; i < f->n_reasons; i++)
		x |= f->reasons[i] == DS_REASON_XDP_DROP || f->reasons[i] == DS_REASON_XDP_ABORTED;
	return x;
}

/*
 * The verdicts of tc and XDP programs (progwatch.h): loaded after the
 * ready file and the reasons (it needs the TC reasons' values), attached
 * once the symbols say where the XDP drop sites are (begin_progwatch());
 * its own object and the namespace scan would otherwise delay the ready
 * file by a BTF parse and more.
 */
static void load_progwatch(struct monitor *m, const struct config *cfg,
			   const struct loader_opts *lopts)
{
	struct progwatch_opts o = { .xdp = lopts->xdp_sites,
				    .tc = true,
				    .drops_fd = loader__drops_fd(m->loader),
				    .stats_fd = loader__stats_fd(m->loader),
				    .xdp_sites_fd = loader__xdp_sites_fd(m->loader),
				    .xdp_pending_fd = loader__xdp_pending_fd(m->loader),
				    .netns_inum_fd = loader__netns_inum_fd(m->loader),
				    .dev_ifindex_fd = loader__dev_ifindex_fd(m->loader),
				    .dims = lopts->keys.dims,
				    .filters = &lopts->filters,
				    .netns = cfg->netns,
				    .kbtf = &m->kbtf };
	char err[512];

	if (m->rs) {
		reasons__value(m->rs, "TC_INGRESS", &o.reason_tc_ingress);
		reasons__value(m->rs, "TC_EGRESS", &o.reason_tc_egress);
		reasons__value(m->rs, "NOT_SPECIFIED", &o.reason_not_specified);
	}
	/* A --reason list keeps only what it names (XDP: xdp_wanted()). */
	if (lopts->filters.reasons) {
		bool tci = false, tce = false;

		for (int i = 0; i < lopts->filters.n_reasons; i++) {
			__u32 r = lopts->filters.reasons[i];

			tci |= r && r == o.reason_tc_ingress;
			tce |= r && r == o.reason_tc_egress;
		}
		if (!tci)
			o.reason_tc_ingress = 0;
		if (!tce)
			o.reason_tc_egress = 0;
	}
	m->pw = progwatch__load(&o, err, sizeof(err));
	/* Counting drops does not depend on it: said, not fatal. */
	if (!m->pw)
		msg_warn("tc/XDP program verdicts not counted: %s", err);
}

/* Once the symbols are read: the XDP drop sites, then attach. */
static void begin_progwatch(struct monitor *m)
{
	char err[512];

	if (m->pw && progwatch__begin(m->pw, m->ks, err, sizeof(err))) {
		msg_warn("tc/XDP program verdicts not counted: %s", err);
		progwatch__free(m->pw);
		m->pw = NULL;
	}
	say_fexit(m);
}

int monitor_start(struct monitor *m, const struct config *cfg, struct loader_opts *lopts)
{
	return monitor_start_then(m, cfg, lopts, NULL, NULL);
}

int monitor_start_then(struct monitor *m, const struct config *cfg, struct loader_opts *lopts,
		       void (*attached)(void *arg, struct loader *l), void *arg)
{
	char err[512];
	int rc;

	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->sigfd = -1;
	kbtf_init(&m->kbtf);
	libbpf_set_print(cfg->verbose ? verbose_print : quiet_print);

	if (check_privileges())
		return 1;

	m->sigfd = signals_fd();
	if (m->sigfd < 0) {
		msg_error("signalfd: %s", strerror(errno));
		return 1;
	}

	/* A mistyped --workload-root would otherwise only show as no names. */
	if ((cfg->by & DIM_WORKLOAD) && cfg->workload_root) {
		struct stat st;
		const char *why = NULL;

		if (stat(cfg->workload_root, &st))
			why = strerror(errno);
		else if (!S_ISDIR(st.st_mode))
			why = "not a directory";
		if (why) {
			msg_error("invalid --workload-root '%s': %s", ESC(cfg->workload_root), why);
			return 2;
		}
	}

	/*
	 * The kernel BTF every load relocates against, the tp_btf targets'
	 * ids and the reason names: from the cache, else the kernel's BTF
	 * until the file is made, once attached. Which of them is in
	 * m->kbtf (min, kbtf_path); why, in its -v note (kbtf.h).
	 */
	struct kbtf_obj objs[2];

	objs[0].bytes = loader__obj_bytes(&objs[0].len);
	objs[1].bytes = progwatch__obj_bytes(&objs[1].len);
	kbtf_open(&m->kbtf, objs, 2, NULL, !cfg->no_btf_cache);

	/* Only these filters need names before attaching. */
	if (cfg->reasons) {
		m->rs = reasons__load_min(m->kbtf.min);
		if (!m->rs) {
			msg_error("--reason: cannot read drop reasons: %s", strerror(errno));
			return 1;
		}
	}
	if (cfg->location) {
		m->ks = load_symbols(m);
		m->last_reload = mono_now();
	}
	rc = filters_resolve(cfg, m->rs, m->ks, &lopts->filters, &m->reason_buf);
	if (rc)
		return rc;
	resolve_keys(cfg, lopts);

	lopts->backend = cfg->backend;
	lopts->max_keys = cfg->max_keys;
	lopts->btf_path = NULL;
	if (cfg->btf) {
		char msg[ESCAPE_MSG_MAX + 320];

		/* Checked, and the loader reads the checked copy. */
		m->btf_fd = btfcheck_file(cfg->btf, msg, sizeof(msg));
		if (m->btf_fd < 0) {
			m->btf_fd = 0;
			msg_error("%s", msg);
			return 2;
		}
		snprintf(m->btf_path, sizeof(m->btf_path), "/proc/self/fd/%d", m->btf_fd);
		lopts->btf_path = m->btf_path;
		kbtf_btf_given(&m->kbtf);
	}
	lopts->verbose = cfg->verbose;
	lopts->kbtf = &m->kbtf;
	lopts->xdp_sites = xdp_wanted(cfg, &lopts->filters);
	m->loader = loader__start(lopts, err, sizeof(err));
	if (!m->loader) {
		msg_error("%s", err);
		return 1;
	}
	if (cfg->verbose) {
		msg_info("attached with %s", loader__backend(m->loader));
		msg_info("BTF cache: %s", ESC(kbtf_note(&m->kbtf)));
	}
	if (cfg->ready_file) {
		rc = monitor_write_ready(m, cfg->ready_file, cfg->force);
		if (rc) {
			msg_error("--ready-file %s: %s", ESC(cfg->ready_file),
				  outfile_strerror(rc));
			return 1;
		}
	}
	/* Before the work below, which the caller's reading of what is
	 * counted would otherwise wait for. */
	if (attached)
		attached(arg, m->loader);
	/* Counting has started: the next start's CO-RE relocation can be
	 * made cheap now, at no cost to this one's. A failure only means
	 * the next start relocates against the whole kernel BTF again. */
	if (kbtf_save(&m->kbtf) <= 0 && cfg->verbose)
		msg_info("BTF cache: %s", ESC(kbtf_note(&m->kbtf)));

	/* Everything from here on only reads or names what is counted. */
	m->counts = counts__new(loader__drops_fd(m->loader), loader__stats_fd(m->loader),
				loader__prog_fd(m->loader),
				cfg->max_keys ? cfg->max_keys : DEFAULT_MAX_KEYS);
	if (!m->counts) {
		msg_error("out of memory");
		return 1;
	}
	counts__set_front(m->counts, loader__front_fd(m->loader),
			  loader__front_counts_fd(m->loader), loader__xdp_sites_fd(m->loader));
	m->front_step = 0.05;
	m->next_front = mono_now() + m->front_step;
	/* Classes are named when rows are read: symbols and reasons load
	 * below, and reload; the counts see them through m. */
	counts__set_classes(m->counts, &m->ks, &m->rs, cfg->classes);
	if (cfg->by & (DIM_STACK | DIM_CALLER)) {
		m->stacks = stacks__new(loader__stacks_fd(m->loader),
					!(cfg->by & DIM_STACK) ? CALLER_PENDING_STACKS
					: cfg->max_stacks      ? cfg->max_stacks
							       : DEFAULT_MAX_STACKS);
		if (!m->stacks) {
			msg_error("out of memory");
			return 1;
		}
	}
	if (cfg->by & (DIM_CGROUP | DIM_WORKLOAD)) {
		m->cgroups = cgroups__new(NULL);
		if (!m->cgroups) {
			msg_error("out of memory");
			return 1;
		}
	}
	if (cfg->by & DIM_WORKLOAD) {
		m->workloads = workloads__new(cfg->workload_root);
		if (!m->workloads) {
			msg_error("out of memory");
			return 1;
		}
	}
	/*
	 * Reasons before symbols: parsing BTF briefly takes ~10 MB that is
	 * given back once the names are copied out, so the peak stays lower
	 * when the symbol table is not yet there.
	 */
	if (!m->rs) {
		m->rs = reasons__load_min(m->kbtf.min);
		if (!m->rs && cfg->verbose)
			msg_info("no drop-reason names: %s", strerror(errno));
	}
	if (cfg->verbose && !monitor_has_reasons(m))
		msg_info("this kernel passes no drop reason (< 5.17)");
	/*
	 * After the ready file, as reasons and symbols: counting drops does
	 * not wait for the program verdicts, which need both. Loaded before
	 * the symbol table is read: the load parses the kernel's BTF (~11 MB
	 * while it lasts), which with the symbol table resident made the
	 * run's peak RSS (18.0 MB against 14.5 at attaching).
	 */
	load_progwatch(m, cfg, lopts);
	if (!m->ks) {
		m->ks = load_symbols(m);
		m->last_reload = mono_now();
	}
	if (cfg->by & DIM_CALLER) {
		rc = start_callers(m, cfg);
		if (rc)
			return rc;
	}
	begin_progwatch(m);
	return 0;
}

bool monitor_wait(struct monitor *m, double until, int extra_fd)
{
	struct pollfd pfd[2] = { { .fd = m->sigfd, .events = POLLIN },
				 { .fd = extra_fd, .events = POLLIN } };
	struct signalfd_siginfo si;

	for (;;) {
		double now = mono_now(), left = until - now;
		int ms;

		if (read(m->sigfd, &si, sizeof(si)) == sizeof(si))
			return true;
		if (m->counts && m->front_step > 0 && now >= m->next_front) {
			/* A drop's key counts in the hash until it has a slot:
			 * the first look is 50 ms in, the step doubles to 1 s. */
			if (counts__promote(m->counts) < 0)
				m->front_step = 0; /* no front table: never again */
			m->next_front = now + m->front_step;
			m->front_step = m->front_step * 2 < 1.0 ? m->front_step * 2 : 1.0;
		}
		if (left <= 0)
			return false;
		if (m->front_step > 0 && m->next_front - now < left)
			left = m->next_front - now;
		ms = (int)ceil(left * 1000);
		if (poll(pfd, extra_fd >= 0 ? 2 : 1, ms) < 0 && errno != EINTR)
			return false;
		if (extra_fd >= 0 && (pfd[1].revents & POLLIN))
			return false;
	}
}

static void front_sites(void *counts, const struct xdp_site_table *t)
{
	counts__front_sites(counts, t);
}

void monitor_refresh_symbols(struct monitor *m, bool missed)
{
	struct ksyms *fresh;
	double now = mono_now();

	/* Once per interval too: programs attached or detached since. */
	progwatch__refresh(m->pw);
	say_fexit(m);
	missed |= progwatch__take_fresh(m->pw);

	/* Never re-read kallsyms more than every 2 s: an address that has no
	 * symbol at all would otherwise cost a full parse per interval. */
	if (now - m->last_reload < 2.0)
		return;
	/* /proc/modules is read and hashed at most as often as a reload may
	 * happen: not on every scrape of a node with many modules. A drop in
	 * a module loaded since has no symbol (missed) and reloads at once. */
	if (m->ks && !missed) {
		if (now - m->last_modcheck < 2.0)
			return;
		m->last_modcheck = now;
		if (!ksyms__modules_changed(m->ks))
			return;
	}
	m->last_reload = now;
	if (m->syslog)
		m->syslog(m->syslog_arg, true);
	fresh = load_symbols(m);
	if (m->syslog)
		m->syslog(m->syslog_arg, false);
	if (fresh) {
		ksyms__free(m->ks);
		m->ks = fresh;
		m->ks_gen++;
		/* A site found only now (veth is a module) takes back the slot
		 * of a key it covers, before the program sees the site. */
		progwatch__set_symbols(m->pw, m->ks, front_sites, m->counts);
	}
}

bool monitor_has_reasons(const struct monitor *m)
{
	return !m->rs || reasons__source(m->rs) != REASONS_NONE;
}

void monitor_end(struct monitor *m)
{
	remove_ready(m);
	counts__free(m->counts);
	stacks__free(m->stacks);
	objects__free(m->objects);
	cgroups__free(m->cgroups);
	progwatch__free(m->pw);
	workloads__free(m->workloads);
	loader__free(m->loader);
	kbtf_close(&m->kbtf);
	ksyms__free(m->ks);
	reasons__free(m->rs);
	free(m->reason_buf);
	if (m->sigfd >= 0)
		close(m->sigfd);
	if (m->btf_fd > 0)
		close(m->btf_fd);
	memset(m, 0, sizeof(*m));
	m->sigfd = -1;
	kbtf_init(&m->kbtf);
}

static void objects_begin(void *o)
{
	objects__begin(o);
}

void monitor_objects_said(struct monitor *m)
{
	__u64 links, proc;

	if (!m->objects)
		return;
	if (!m->cap_stuck_said && objects__cap_stuck(m->objects)) {
		m->cap_stuck_said = true;
		msg_warn("cannot lower capability %d again after a namespace check: it stays "
			 "effective; namespaces held only by a socket are taken for gone from now",
			 (int)CAP_SYS_ADMIN);
	}
	objects__walk_cut(m->objects, &links, &proc);
	if (m->cfg->verbose && !m->walk_cut_said && (links || proc)) {
		m->walk_cut_said = true;
		msg_info("the /proc/PID/fd walk for namespaces held by a descriptor was cut by "
			 "its bound (%s): %s",
			 links ? "32768 links a poll" : "4096 descriptors of a process",
			 links ? "it goes on at the next poll, and no namespace is taken for "
				 "gone until it is complete"
			       : "a namespace held only past them is taken for gone");
	}
}

int monitor_free_gone(struct monitor *m)
{
	if (!(m->cfg->by & DIMS_OBJECT) || m->objects)
		return 0;
	m->objects = objects__new(m->cfg->by, m->cgroups);
	if (!m->objects)
		return -ENOMEM;
	counts__set_gone(m->counts, objects__gone, objects_begin, m->objects);
	counts__set_gone_prepare(m->counts, objects__prepare);
	return 0;
}
