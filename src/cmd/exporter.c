// SPDX-License-Identifier: GPL-2.0
/*
 * `dropscope exporter`: the in-kernel drop counts and the counter readers
 * on /metrics, read at scrape time (no cache, no reset). A thin view: the
 * monitor attaches, counts.c reads totals, counters.c reads the kernel's
 * own counters, render/ writes the exposition format.
 *
 * One thread: libmicrohttpd runs on an epoll descriptor polled together
 * with the signal descriptor, so a scrape never races the shutdown.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <malloc.h>
#include <unistd.h>
#include <microhttpd.h>

#include "cmd/commands.h"
#include "counters/counters.h"
#include "trace/drop_table.h"
#include "symbols/ksyms.h"
#include "render/exposition.h"
#include "render/drop_series.h"
#include "render/counter_families.h"
#include "lib/escape.h"
#include "lib/http_guard.h"
#include "lib/netns.h"
#include "lib/microhttpd.h"
#include "trace/progwatch.h"
#include "trace/objects.h"
#include "lib/tls_keypair.h"
#include "trace/session.h"
#include "lib/version.h"
#include "lib/msg.h"
#include "lib/caps.h"

/*
 * The Prometheus wiki's default-port range 9100-9999 is fully allocated
 * (since 2023), so no port in it is free; 19100 is outside it, below the
 * ephemeral range (32768+), and used by no exporter we know of. See README.
 */
#define DEFAULT_LISTEN	   "127.0.0.1:19100"
#define DEFAULT_MAX_SERIES 1000
#define DEFAULT_SERIES_TTL 2

/*
 * Bounds on clients: a scrape is one small GET. The guard (lib/http_guard)
 * keeps CONN_LIMIT connections, CONN_PER_IP per address, cutting the
 * oldest to let a new client in, and gives each request REQUEST_DEADLINE_S
 * from accept (or the previous answer) to its answer; libmicrohttpd's
 * own limit is above it, room for cut connections not yet closed.
 */
#define CONN_LIMIT	   64
#define CONN_PER_IP	   16
#define CONN_TIMEOUT_S	   10
#define REQUEST_DEADLINE_S 10
#define CONN_HARD_LIMIT	   (CONN_LIMIT + CONN_PER_IP)
#define CONN_MEMORY	   (16 << 10) /* request line + headers must fit */
#define TLS_FILE_MAX	   (64 << 10)
/* Gone objects' rows are freed after each scrape, and at least this often
 * (seconds) when nobody scrapes, so a churning node never fills the table. */
#define SWEEP_S 5

struct exporter {
	struct mhd_api mhd;
	struct monitor m;
	const struct config *cfg;
	struct counter_src src;
	struct drop_series *series;
	struct http_guard *guard;
	__u64 netns_ino;    /* --netns PATH: the namespace followed, by its inode */
	bool netns_gone;    /* the path no longer names it: its counters were released */
	__u32 netns_failed; /* the new namespace we failed to enter (said once) */
	__u64 trimmed_at;   /* series evicted when the heap was last trimmed */
	bool sweep_due;	    /* a scrape was answered: sweep() next */
	double swept;	    /* monotonic time of the last sweep() */
	double netns_checked;
	int dev_ifindex; /* --dev NAME: the ifindex the filter matches now (-1 none, -2 unknown) */
	char kernel[65];
	bool keep_syslog; /* CAP_SYSLOG stays permitted: raised only to re-read kallsyms */
	bool keep_ptrace; /* CAP_SYS_PTRACE too, raised only to read /proc/PID/ns/net */
	/* CAP_SYS_ADMIN too, with --netns PATH (raised only to enter it again)
	 * or --by netns/workload (raised only to ask nsfs handles, objects.c) */
	bool keep_sysadmin;
	cap_t caps; /* our sets after drop_privileges(), for set_cap(); NULL before */
	char listen_desc[96];
	char mhd_said[256]; /* libmicrohttpd's last message: why it did not start */
};

static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len, bool *dual)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	char *end;
	unsigned long port;
	size_t hl;

	*dual = false;
	if (!colon)
		return -1;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port > 65535)
		return -1;
	hl = (size_t)(colon - s);
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = 0;
	memset(ss, 0, sizeof(*ss));
	if (!hl) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

		/* All addresses: IPv6 dual-stack where the host has IPv6. */
		int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd >= 0) {
			close(fd);
			a6->sin6_family = AF_INET6;
			a6->sin6_addr = in6addr_any;
			a6->sin6_port = htons((unsigned short)port);
			*len = sizeof(*a6);
			*dual = true;
			return 0;
		}
		strcpy(host, "0.0.0.0");
		hl = 7;
	}
	if (host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

		host[hl - 1] = 0;
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return -1;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((unsigned short)port);
		*len = sizeof(*a6);
		return 0;
	}
	{
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return -1;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((unsigned short)port);
		*len = sizeof(*a4);
	}
	return 0;
}

/*
 * A PEM file for TLS, read whole while we may still read it (before the
 * drop). `opt` names the option in the one-line error.
 */
static char *read_small_file(const char *opt, const char *path)
{
	/*
	 * The user names it and we only read it: links are followed, as
	 * Kubernetes mounts a Secret (tls.crt -> ..data/tls.crt) and certbot
	 * its live/ directory. What is opened must be a regular file of a
	 * bounded size; O_NONBLOCK so a FIFO is refused, not waited on.
	 */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	const char *why = NULL;
	char *buf = NULL;
	ssize_t n;

	if (fd < 0)
		why = strerror(errno);
	else if (fstat(fd, &st))
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode) || st.st_size > TLS_FILE_MAX)
		why = "not a regular file of at most 64 KiB";
	else if (!(buf = calloc(1, (size_t)st.st_size + 1)))
		why = strerror(ENOMEM);
	else if ((n = read(fd, buf, (size_t)st.st_size)) != st.st_size)
		why = n < 0 ? strerror(errno) : "short read";
	if (why) {
		msg_error("cannot read %s %s: %s", opt, ESC(path), why);
		free(buf);
		buf = NULL;
	}
	if (fd >= 0)
		close(fd);
	return buf;
}

/*
 * Whether the certificate and key make a pair the server can use, asked
 * before anything is attached: each fault its own line, exit 2 (the user's
 * files). Without GnuTLS to ask, libmicrohttpd's start says it later.
 */
static int check_tls(const struct config *cfg, const char *cert, const char *key)
{
	char why[256];
	const char *c = ESC(cfg->tls_cert), *k = ESC(cfg->tls_key);

	switch (tls_keypair_check(cert, key, why, sizeof(why))) {
	case TLS_PAIR_OK:
	case TLS_PAIR_UNCHECKED:
		return 0;
	case TLS_PAIR_BAD_CERT:
		msg_error("--tls-cert %s holds no usable PEM certificate (%s); give the "
			  "certificate file",
			  c, why);
		break;
	case TLS_PAIR_BAD_KEY:
		msg_error("--tls-key %s holds no usable PEM private key (%s); give the "
			  "key file, unencrypted",
			  k, why);
		break;
	case TLS_PAIR_MISMATCH:
		msg_error("--tls-cert %s and --tls-key %s: certificate and key do not "
			  "match; give the key the certificate was made for",
			  c, k);
		break;
	case TLS_PAIR_BAD:
		msg_error("--tls-cert %s with --tls-key %s: %s", c, k, why);
		break;
	}
	return 2;
}

/*
 * Try the listening address ourselves, as libmicrohttpd will bind it
 * (SO_REUSEADDR, dual-stack for :PORT), so that its start cannot fail for
 * the address in a way that says nothing: each cause its own line. An
 * address in use or a port we may not bind is the system's state (exit 1);
 * an address this machine does not have is the user's (exit 2).
 */
static int check_listen(const char *listen, const struct sockaddr_storage *ss, socklen_t sl,
			bool dual)
{
	int one = 1, zero = 0, err = 0;
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		msg_error("cannot serve on %s: socket: %s", ESC(listen), strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dual ? &zero : &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)ss, sl))
		err = errno;
	close(fd);
	switch (err) {
	case 0:
		return 0;
	case EADDRINUSE:
		msg_error("address %s is in use; stop what listens there or choose "
			  "another with --listen",
			  ESC(listen));
		return 1;
	case EADDRNOTAVAIL:
		msg_error("--listen %s: not an address of this machine; give one it has "
			  "(ip -br addr) or :PORT for all",
			  ESC(listen));
		return 2;
	case EACCES:
		msg_error("--listen %s: ports below 1024 need CAP_NET_BIND_SERVICE; "
			  "choose a port above 1023",
			  ESC(listen));
		return 1;
	default:
		msg_error("cannot serve on %s: %s", ESC(listen), strerror(err));
		return 1;
	}
}

/*
 * Raise or lower c in our effective set, if it was kept permitted. On the
 * copy of our sets taken after dropping privileges (they do not change
 * after): one capset(2), no capget(2) each time.
 */
static void set_cap(struct exporter *e, cap_value_t c, bool keep, cap_flag_value_t v)
{
	int err;

	if (!keep)
		return;
	err = e->caps ? caps_apply_effective(e->caps, c, v == CAP_SET)
		      : caps_set_effective(c, v == CAP_SET);
	/* A capability we cannot lower again would stay effective for every
	 * later scrape: better no exporter (its supervisor restarts it). */
	if (err && v == CAP_CLEAR) {
		msg_error("cannot lower capability %d again: %s", (int)c, strerror(-err));
		exit(1);
	}
}

/* monitor.syslog: CAP_SYSLOG effective around a kallsyms re-read only. */
static void raise_syslog(void *arg, bool on)
{
	struct exporter *e = arg;

	set_cap(e, CAP_SYSLOG, e->keep_syslog, on ? CAP_SET : CAP_CLEAR);
}

/*
 * After attaching and opening everything: scrapes read BPF maps through
 * open descriptors, dump rtnetlink on an open socket and re-read opened
 * /proc files, none of which needs a capability. What stays: CAP_SYSLOG in
 * the permitted set only (CapEff 0), raised for the moment a module load
 * makes us re-read /proc/kallsyms, which hides addresses without it.
 *
 * CAP_SYS_ADMIN, when we were given it, stays permitted only for two
 * things, raised only around them:
 * - with --netns PATH, entering a namespace made again under the path: it
 *   can only be read from inside (its /proc/net files and rtnetlink have
 *   no other door; one made by `ip netns add` has no process whose
 *   /proc/PID/net we could read), and entering is setns(). The other way,
 *   a restart by the supervisor, loses every counter's history; a helper
 *   process holding the capability to enter for us would keep it as long.
 * - with --by netns or workload, the poll's liveness check by nsfs file
 *   handle (objects.c), the only one that sees a namespace held only by a
 *   socket (the fallback sees processes, mounts and open descriptors): a
 *   live namespace opens by handle only with it (6.18).
 * Without it (the DaemonSet in contrib/ does not grant it) those fall back:
 * exit for a restart, and /proc (processes, their descriptors) plus mounts.
 */
static int drop_privileges(struct exporter *e)
{
	cap_value_t syslog = CAP_SYSLOG, ptrace = CAP_SYS_PTRACE, sysadmin = CAP_SYS_ADMIN;
	cap_t caps;
	int rc = 0;

	e->keep_syslog = caps_effective(CAP_SYSLOG);
	/* --by netns and workload free the rows of gone namespaces: which live is read
	 * from /proc/PID/ns/net, which another user's process hides without
	 * it (objects.c). */
	e->keep_ptrace =
		caps_effective(CAP_SYS_PTRACE) && (e->cfg->by & (DIM_NETNS | DIM_WORKLOAD));
	e->keep_sysadmin = caps_effective(CAP_SYS_ADMIN) &&
			   ((e->cfg->netns && !netns_is_inode(e->cfg->netns)) ||
			    (e->cfg->by & (DIM_NETNS | DIM_WORKLOAD)));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	for (cap_value_t c = 0; c <= CAP_LAST_CAP || cap_get_bound(c) >= 0; c++) {
		if ((c == CAP_SYSLOG && e->keep_syslog) ||
		    (c == CAP_SYS_PTRACE && e->keep_ptrace) ||
		    (c == CAP_SYS_ADMIN && e->keep_sysadmin))
			continue;
		if (cap_get_bound(c) < 0)
			break;
		/* Needs CAP_SETPCAP: without it the bounding set stays, the sets below still go. */
		cap_drop_bound(c);
	}
	cap_reset_ambient();
	caps = cap_init();
	if (!caps)
		return -ENOMEM;
	if (e->keep_syslog)
		cap_set_flag(caps, CAP_PERMITTED, 1, &syslog, CAP_SET);
	if (e->keep_ptrace)
		cap_set_flag(caps, CAP_PERMITTED, 1, &ptrace, CAP_SET);
	if (e->keep_sysadmin)
		cap_set_flag(caps, CAP_PERMITTED, 1, &sysadmin, CAP_SET);
	if (cap_set_proc(caps))
		rc = -errno;
	cap_free(caps);
	return rc;
}

/*
 * --dev NAME follows the name: the filter is moved to the ifindex the
 * device of that name has now (read with the device counters, in the
 * --netns or ours), or to none while there is no such device. Said once
 * per change. Drops on a re-made device are counted from the scrape that
 * sees it.
 */
static void follow_dev(struct exporter *e, const struct counter_snapshot *snap)
{
	const char *name = e->cfg->dev;
	int now = -1;

	if (!name || netns_is_inode(name) || snap->err_dev)
		return;
	for (size_t i = 0; i < snap->ndev; i++)
		if (!strcmp(snap->dev[i].name, name))
			now = snap->dev[i].ifindex;
	if (now == e->dev_ifindex)
		return;
	if (loader__set_dev_ifindex(e->m.loader, now))
		return;
	if (e->dev_ifindex != -2) {
		if (now < 0)
			msg_warn("--dev %s: deleted; counting nothing until a device of "
				 "that name appears",
				 ESC(name));
		else
			msg_info("--dev %s: made again (ifindex %d), counted again", ESC(name),
				 now);
	}
	e->dev_ifindex = now;
}

/*
 * --netns PATH made again: enter the new namespace for its counter readers
 * and point the in-kernel filter at its inode. Entering takes
 * CAP_SYS_ADMIN, which the exporter keeps in its permitted set only for
 * this (see drop_privileges()) and raises for this one call. Returns 0,
 * -EPERM when it may not (the caller exits for a restart), or another
 * -errno (tried again at the next check).
 */
static int follow_netns(struct exporter *e, __u32 ino)
{
	const char *path = e->cfg->netns;
	char err[512];
	int rc;

	if (!e->keep_sysadmin)
		return -EPERM;
	set_cap(e, CAP_SYS_ADMIN, true, CAP_SET);
	rc = counter_src_open(&e->src, path, err, sizeof(err));
	set_cap(e, CAP_SYS_ADMIN, true, CAP_CLEAR);
	if (rc) {
		/* Tried again each second (deleted again meanwhile, say): said once. */
		if (e->netns_failed != ino)
			msg_warn("--netns %s: made again, but %s; trying again", ESC(path), err);
		e->netns_failed = ino;
		return rc;
	}
	rc = loader__set_netns(e->m.loader, ino);
	if (rc) {
		counter_src_close(&e->src);
		return rc;
	}
	e->netns_ino = ino;
	e->netns_gone = false;
	msg_info("--netns %s: made again (inode %u), counted from now on", ESC(path), ino);
	return 0;
}

/*
 * --netns PATH deleted (ip netns del): say so once, release what holds the
 * namespace (the counter readers' socket and files), so that it and its
 * devices go, and let the in-kernel filter match nothing (another
 * namespace may be given the inode). Made again under that path: a new
 * namespace (a new cookie, so its series are new ones), followed
 * (follow_netns()). Without the privilege to enter it, the exporter says
 * so and exits 1 for its supervisor to start it again there: returns -1.
 */
static int check_netns(struct exporter *e)
{
	const char *path = e->cfg->netns;
	double now = mono_now();
	struct stat st;
	__u32 ino;

	if (!path || netns_is_inode(path) || now - e->netns_checked < 1)
		return 0;
	e->netns_checked = now;
	if (!e->netns_gone && !stat(path, &st) && (__u64)st.st_ino == e->netns_ino)
		return 0;
	if (!e->netns_gone) {
		e->netns_gone = true;
		counter_src_close(&e->src);
		loader__set_netns(e->m.loader, 0);
		msg_warn("--netns %s: the namespace was deleted; its counters are "
			 "released (dropscope_netns_present 0)",
			 ESC(path));
		return 0;
	}
	/* A namespace there (not the empty file `ip netns add` mounts on);
	 * a new one, whatever its inode: ours was released, so the kernel
	 * may give its number to the next. */
	if (netns_resolve(path, &ino) || follow_netns(e, ino) != -EPERM)
		return 0;
	msg_error("--netns %s: a new namespace is there, which this exporter may not "
		  "enter (no CAP_SYS_ADMIN); exiting for a restart to follow it",
		  ESC(path));
	return -1;
}

static struct drop_label_ctx label_ctx(const struct exporter *e)
{
	return (struct drop_label_ctx){ .ks = e->m.ks,
					.rs = e->m.rs,
					.sym = e->cfg->sym,
					.no_reasons = !monitor_has_reasons(&e->m),
					.dims = e->cfg->by,
					.cgroups = e->m.cgroups,
					.workloads = e->m.workloads };
}

/*
 * The exporter's own poll, off the scrape's path: run after each answered
 * scrape and every SWEEP_S without one. It asks which rows' namespace,
 * device or cgroup is gone (/proc, nsfs handles, the cgroup tree), deletes
 * those rows in the kernel and adds their last deltas to the series, and
 * gives freed memory back. A scrape then only reads counters and writes:
 * on a node whose pods churn, this is most of the work, and a scrape is
 * answered before it, not after.
 */
static void sweep(struct exporter *e)
{
	const struct drop_delta *rows;
	struct drop_label_ctx ctx;
	int n;

	e->sweep_due = false;
	e->swept = mono_now();
	if (e->m.objects) {
		/* CAP_SYS_ADMIN is not raised here: objects.c raises it around
		 * each nsfs handle open only, the one call that needs it. */
		set_cap(e, CAP_SYS_PTRACE, e->keep_ptrace, CAP_SET);
		n = counts__sweep(e->m.counts, &rows);
		set_cap(e, CAP_SYS_PTRACE, e->keep_ptrace, CAP_CLEAR);
		if (objects__cap_stuck(e->m.objects)) {
			msg_error("cannot lower capability %d again after a namespace check",
				  (int)CAP_SYS_ADMIN);
			exit(1);
		}
		ctx = label_ctx(e);
		/* No idle series is evicted between scrapes (exposition.h). */
		if (n > 0 && drop_series__add(e->series, rows, (size_t)n, &ctx, false))
			msg_warn("out of memory: drops of gone namespaces, devices or "
				 "cgroups not added to their series");
	}
	/* Churn frees many small label strings: give the pages back now and
	 * then, or the peak of a busy hour stays resident for good. */
	if (drop_series__evicted(e->series) - e->trimmed_at >= 512) {
		e->trimmed_at = drop_series__evicted(e->series);
		malloc_trim(0);
	}
}

static void scrape(struct exporter *e, struct expo *x)
{
	double t0 = mono_now();
	const struct drop_delta *rows;
	struct counter_snapshot snap;
	__u64 st[STAT_MAX] = {}, missed_total;
	struct interval_stats ist;
	struct drop_label_ctx ctx;
	struct mbuf l = {};
	bool missed = false;
	int n;

	/* Deltas, not totals: rows of gone objects are deleted in the kernel
	 * once read (by sweep(), after the answer), and the series keep the
	 * sums. A scrape only reads the counters. */
	n = counts__read(e->m.counts, &rows, &ist);
	for (int i = 0; i < n && !missed; i++)
		missed = !ksyms__find(e->m.ks, rows[i].key.location);
	monitor_refresh_symbols(&e->m, missed);
	ctx = label_ctx(e);

	expo_family(x, "dropscope_up", "gauge", "1 when the in-kernel counts could be read.");
	expo_u64(x, "dropscope_up", "", n >= 0);
	expo_family(x, "dropscope_build_info", "gauge",
		    "Version, BPF backend in use and running kernel; always 1.");
	labels_add(&l, "version", DROPSCOPE_VERSION);
	labels_add(&l, "backend", loader__backend(e->m.loader));
	labels_add(&l, "kernel", e->kernel);
	expo_u64(x, "dropscope_build_info", l.p, 1);
	mbuf_free(&l);

	/* Out of memory: a 500 (the server marks the target down), not an
	 * answer without drops_total that reads as every series gone. */
	if (n >= 0 && (drop_series__add(e->series, rows, (size_t)n, &ctx, true) ||
		       drop_series__expose(e->series, x, &ctx)))
		x->b.failed = true;
	e->sweep_due = true;
	expo_family(
		x, "dropscope_series_folded_total", "counter",
		"Label sets summed into the series with location other (--max-series), so far.");
	expo_u64(x, "dropscope_series_folded_total", "", drop_series__folded(e->series));
	expo_family(x, "dropscope_series_evicted_total", "counter",
		    "drops_total series no longer exposed: their namespace, device or cgroup "
		    "was gone for --series-ttl scrapes, or they were idle when the budget "
		    "(--max-series) was short.");
	expo_u64(x, "dropscope_series_evicted_total", "", drop_series__evicted(e->series));
	expo_family(x, "dropscope_series", "gauge", "drops_total series exposed now.");
	expo_u64(x, "dropscope_series", "", drop_series__count(e->series));
	expo_family(x, "dropscope_table_rows_freed_total", "counter",
		    "In-kernel table rows deleted because their namespace, device or cgroup "
		    "was gone (after their last count was read).");
	expo_u64(x, "dropscope_table_rows_freed_total", "", counts__freed(e->m.counts));
	{
		__u64 cut_links, cut_proc;

		objects__walk_cut(e->m.objects, &cut_links, &cut_proc);
		expo_family(
			x, "dropscope_netns_walk_cut_total", "counter",
			"Sweeps whose /proc/PID/fd walk (a namespace held only by a descriptor) "
			"was stopped short by its bound. bound=\"sweep\": 32768 links a sweep; the "
			"walk goes on at the next sweep and no namespace is taken for gone until "
			"it "
			"is complete. bound=\"process\": a process had more than 4096 descriptors; "
			"a namespace held only past them is taken for gone.");
		expo_u64(x, "dropscope_netns_walk_cut_total", "bound=\"sweep\"", cut_links);
		expo_u64(x, "dropscope_netns_walk_cut_total", "bound=\"process\"", cut_proc);
	}

	{
		const struct tc_attr *tc;
		int ntc = progwatch__tc_poll(e->m.pw, &tc);

		metrics_tc_programs(x, tc, ntc > 0 ? (size_t)ntc : 0);
	}
	counts__last_stats(e->m.counts, st, &missed_total);
	expo_family(
		x, "dropscope_table_overflow_total", "counter",
		"Drops counted without location: the in-kernel table was full (raise --max-keys).");
	expo_u64(x, "dropscope_table_overflow_total", "", st[STAT_OVERFLOW]);
	expo_family(x, "dropscope_filtered_total", "counter",
		    "Drops seen but excluded by the filters (--netns, --dev, --proto, ...).");
	expo_u64(x, "dropscope_filtered_total", "", st[STAT_FILTERED]);
	expo_family(x, "dropscope_missed_total", "counter",
		    "Program runs the kernel skipped (nested call): drops not seen at all.");
	expo_u64(x, "dropscope_missed_total", "", missed_total);

	if (e->netns_gone) {
		/* Released: every reader says it failed (dropscope_collector_success 0). */
		snap = (struct counter_snapshot){ .err_dev = -ENOENT,
						  .err_qdisc = -ENOENT,
						  .err_softnet = -ENOENT,
						  .err_snmp = -ENOENT,
						  .err_drv = -ENOENT };
	} else {
		counters_sample(&e->src, &snap);
		follow_dev(e, &snap);
	}
	metrics_counters(x, &snap);
	counter_snapshot_free(&snap);
	if (e->cfg->netns && !netns_is_inode(e->cfg->netns)) {
		expo_family(
			x, "dropscope_netns_present", "gauge",
			"1 while the --netns path names the namespace the exporter follows; 0 once "
			"it was deleted (its counters released) until one is made again there.");
		expo_u64(x, "dropscope_netns_present", "", !e->netns_gone);
	}

	expo_family(x, "dropscope_scrape_duration_seconds", "gauge",
		    "Time this scrape took to read the kernel and format.");
	expo_double(x, "dropscope_scrape_duration_seconds", "", mono_now() - t0);
	expo_end(x);
}

static enum MHD_Result reply(const struct exporter *e, struct MHD_Connection *c, unsigned status,
			     const char *type, char *body, size_t len, bool owned)
{
	struct MHD_Response *r = e->mhd.create_response_from_buffer(
		len, body, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	e->mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		e->mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = e->mhd.queue_response(c, status, r);
	e->mhd.destroy_response(r);
	return ret;
}

static const char landing[] =
	"<!DOCTYPE html>\n<html><head><title>dropscope exporter</title></head><body>\n"
	"<h1>dropscope exporter</h1>\n"
	"<p>Where and why the kernel drops packets, with the device, qdisc, softnet and "
	"SNMP drop counters.</p>\n<p><a href=\"/metrics\">/metrics</a></p>\n</body></html>\n";

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	static const char nf[] = "404 not found: try /metrics\n";
	static const char na[] = "405 method not allowed: GET or HEAD\n";
	static const char big[] = "413 a scrape has no body\n";
	static const char oom[] = "500 out of memory\n";
	struct exporter *e = cls;
	struct expo x = {};
	(void)version;
	(void)upload;
	(void)state;

	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(e, c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", (char *)na,
			     sizeof(na) - 1, false);
	/* A scrape has no body: refuse one before reading it. */
	if (*upload_size ||
	    e->mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH) ||
	    e->mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
		return reply(e, c, MHD_HTTP_CONTENT_TOO_LARGE, "text/plain", (char *)big,
			     sizeof(big) - 1, false);
	if (!strcmp(url, "/"))
		return reply(e, c, MHD_HTTP_OK, "text/html; charset=utf-8", (char *)landing,
			     sizeof(landing) - 1, false);
	if (strcmp(url, "/metrics"))
		return reply(e, c, MHD_HTTP_NOT_FOUND, "text/plain", (char *)nf, sizeof(nf) - 1,
			     false);
	x.fmt = expo_negotiate(
		e->mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT));
	scrape(e, &x);
	if (x.b.failed || !x.b.p) {
		mbuf_free(&x.b);
		return reply(e, c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain", (char *)oom,
			     sizeof(oom) - 1, false);
	}
	return reply(e, c, MHD_HTTP_OK, expo_content_type(x.fmt), x.b.p, x.b.len, true);
}

static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct exporter *e = cls;

	http_guard__admit(e->guard, addr, len);
	return MHD_YES;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **ctx,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct exporter *e = cls;
	const union MHD_ConnectionInfo *fd =
		e->mhd.get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *addr =
		e->mhd.get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	(void)ctx;

	if (!fd)
		return;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		http_guard__opened(e->guard, fd->connect_fd, addr ? addr->client_addr : NULL,
				   mono_now());
	else
		http_guard__closed(e->guard, fd->connect_fd);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx,
			 enum MHD_RequestTerminationCode toe)
{
	struct exporter *e = cls;
	const union MHD_ConnectionInfo *fd =
		e->mhd.get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	(void)ctx;
	(void)toe;

	if (fd)
		http_guard__answered(e->guard, fd->connect_fd, mono_now());
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct exporter *e = cls;
	va_list aq;
	size_t n;

	/* Kept for a start that fails after all (a port taken since we tried). */
	va_copy(aq, ap);
	vsnprintf(e->mhd_said, sizeof(e->mhd_said), fmt, aq);
	va_end(aq);
	n = strcspn(e->mhd_said, "\n");
	e->mhd_said[n] = 0;
	if (!e->cfg->verbose)
		return;
	/* Its first line, escaped: it may quote what a client sent. */
	msg_info("http: %s", ESC(e->mhd_said));
}

static struct MHD_Daemon *start_http(struct exporter *e, char *cert, char *key)
{
	const char *listen = e->cfg->listen ? e->cfg->listen : DEFAULT_LISTEN;
	struct sockaddr_storage ss;
	socklen_t sl;
	bool dual;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	struct MHD_OptionItem opts[16];
	int k = 0;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *di;
	char addr[INET6_ADDRSTRLEN] = "?";

	if (parse_listen(listen, &ss, &sl, &dual)) {
		msg_error("invalid --listen '%s': expected ADDR:PORT, [ADDR6]:PORT or "
			  ":PORT (numeric address)",
			  listen);
		return NULL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= dual ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
	if (cert)
		flags |= MHD_USE_TLS;
	/* First, so that no message goes to MHD's own logger. */
	opts[k++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, e };
	opts[k++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &ss };
	/* No per-address limit of libmicrohttpd's: it refuses the newcomer. */
	opts[k++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT, CONN_HARD_LIMIT, NULL };
	opts[k++] =
		(struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, e };
	opts[k++] =
		(struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, e };
	opts[k++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT, CONN_TIMEOUT_S, NULL };
	opts[k++] =
		(struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY, NULL };
	opts[k++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_BACKLOG_SIZE, 64, NULL };
	opts[k++] = (struct MHD_OptionItem){ MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL };
	if (cert) {
		opts[k++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, cert };
		opts[k++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, key };
	}
	opts[k++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	d = e->mhd.start_daemon(flags, 0, on_accept, e, handle, e, MHD_OPTION_ARRAY, opts,
				MHD_OPTION_END);
	if (!d) {
		msg_error("cannot serve on %s: %s", ESC(listen),
			  e->mhd_said[0] ? ESC(e->mhd_said) : "libmicrohttpd did not start");
		return NULL;
	}
	di = e->mhd.get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, sizeof(addr));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof(addr));
	snprintf(e->listen_desc, sizeof(e->listen_desc), "%s://%s%s%s:%u/metrics",
		 cert ? "https" : "http", ss.ss_family == AF_INET6 ? "[" : "", addr,
		 ss.ss_family == AF_INET6 ? "]" : "", di ? di->port : 0);
	return d;
}

static int serve(struct exporter *e, struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *di = e->mhd.get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	struct pollfd pfd[2] = { { .fd = e->m.sigfd, .events = POLLIN },
				 { .fd = di ? di->epoll_fd : -1, .events = POLLIN } };
	struct signalfd_siginfo si;

	if (!di) {
		msg_error("libmicrohttpd has no epoll descriptor");
		return 1;
	}
	for (;;) {
		MHD_UNSIGNED_LONG_LONG to;
		int ms;

		/* Often enough that a request past its deadline is cut within 0.25 s. */
		ms = 250;
		if (e->mhd.get_timeout(d, &to) == MHD_YES && to < (MHD_UNSIGNED_LONG_LONG)ms)
			ms = (int)to;
		if (poll(pfd, 2, ms) < 0 && errno != EINTR) {
			msg_error("poll: %s", strerror(errno));
			return 1;
		}
		if (read(e->m.sigfd, &si, sizeof(si)) == sizeof(si))
			return 0;
		if (check_netns(e))
			return 1;
		/* Cut before the run, which then sees the end and closes them. */
		http_guard__expire(e->guard, mono_now());
		e->mhd.run(d);
		/* After the run that sent the answer: the sweep's work is not
		 * the scraper's wait. */
		if (e->sweep_due || mono_now() - e->swept >= SWEEP_S)
			sweep(e);
	}
}

int cmd_exporter(struct config *cfg)
{
	struct config mcfg = *cfg;
	struct loader_opts lopts = {};
	struct exporter e = { .cfg = cfg, .m = { .sigfd = -1 } };
	struct MHD_Daemon *d = NULL;
	char err[512], *cert = NULL, *key = NULL;
	struct utsname u;
	int rc;

	/* A stack is no label: unbounded, and not what a dashboard sums. */
	if (cfg->by & DIM_STACK) {
		msg_error("exporter: --stacks/--by stack make no labels; "
			  "use `dropscope --folded` for stacks");
		return 2;
	}
	/* The ready file says "scrapes work": written once we listen. */
	mcfg.ready_file = NULL;
	{
		struct sockaddr_storage ss;
		socklen_t sl;
		bool dual;

		/* Bad input is refused before anything is attached. */
		if (cfg->listen && parse_listen(cfg->listen, &ss, &sl, &dual)) {
			msg_error("invalid --listen '%s': expected ADDR:PORT, "
				  "[ADDR6]:PORT or :PORT (numeric address)",
				  cfg->listen);
			return 2;
		}
	}
	if (!uname(&u))
		snprintf(e.kernel, sizeof(e.kernel), "%s", u.release);
	if (cfg->tls_cert) {
		cert = read_small_file("--tls-cert", cfg->tls_cert);
		key = cert ? read_small_file("--tls-key", cfg->tls_key) : NULL;
		if (!key) {
			free(cert);
			return 2;
		}
	}
	e.series = drop_series__new(cfg->max_series ? cfg->max_series : DEFAULT_MAX_SERIES,
				    cfg->series_ttl ? cfg->series_ttl : DEFAULT_SERIES_TTL);
	if (!e.series) {
		rc = 1;
		goto out_free;
	}
	e.guard = http_guard__new(CONN_LIMIT, CONN_PER_IP, REQUEST_DEADLINE_S);
	if (!e.guard) {
		rc = 1;
		goto out_free;
	}
	if (mhd_load(&e.mhd, err, sizeof(err))) {
		msg_error("exporter: %s", err);
		rc = 1;
		goto out;
	}
	/* What would make the server's start fail, found before attaching. */
	if (cert && (rc = check_tls(cfg, cert, key)))
		goto out;
	{
		const char *listen = cfg->listen ? cfg->listen : DEFAULT_LISTEN;
		struct sockaddr_storage ss;
		socklen_t sl;
		bool dual;

		if (!parse_listen(listen, &ss, &sl, &dual) &&
		    (rc = check_listen(listen, &ss, sl, dual)))
			goto out;
	}
	/*
	 * One malloc arena: the threads that enter namespaces (lib/netns) live
	 * for one call each, and an arena of their own per CPU would keep its
	 * pages for the months the exporter runs.
	 */
	mallopt(M_ARENA_MAX, 1);
	/* Where the counters are read: a --netns that names nothing is bad
	 * input, said once and before anything is attached. */
	rc = counter_src_open(&e.src, cfg->netns, err, sizeof(err));
	if (rc) {
		msg_error("%s", err);
		rc = rc == -ENOENT || rc == -EINVAL || rc == -ESRCH ? 2 : 1;
		e.netns_gone = true; /* nothing to close */
		goto out;
	}
	rc = monitor_start(&e.m, &mcfg, &lopts);
	if (rc)
		goto out;
	if (monitor_free_gone(&e.m)) {
		msg_error("out of memory");
		rc = 1;
		goto out;
	}
	e.dev_ifindex = -2;
	if (cfg->netns && !netns_is_inode(cfg->netns)) {
		struct stat st;

		if (!stat(cfg->netns, &st))
			e.netns_ino = st.st_ino;
	}
	d = start_http(&e, cert, key);
	if (!d) {
		/* The address and files were checked: what is left is the system. */
		rc = 1;
		goto out;
	}
	rc = drop_privileges(&e);
	if (rc) {
		msg_error("dropping capabilities: %s", strerror(-rc));
		rc = 1;
		goto out;
	}
	/* Asked once: NULL (out of memory) asks at each set_cap() instead. */
	e.caps = cap_get_proc();
	progwatch__caps_changed(e.m.pw);
	e.m.syslog = raise_syslog;
	e.m.syslog_arg = &e;
	/* What attaching parsed (BTF, kallsyms, ELF) is freed: give its pages back
	 * now rather than keep the start's peak resident. */
	malloc_trim(0);
	msg_info("serving %s", e.listen_desc);
	if (cfg->ready_file && (rc = monitor_write_ready(&e.m, cfg->ready_file, cfg->force))) {
		msg_error("--ready-file %s: %s", cfg->ready_file, strerror(-rc));
		rc = 1;
		goto out;
	}
	rc = serve(&e, d);
out:
	if (d)
		e.mhd.stop_daemon(d);
	mhd_unload(&e.mhd);
	if (!e.netns_gone)
		counter_src_close(&e.src);
	monitor_end(&e.m);
	drop_series__free(e.series);
	if (e.caps)
		cap_free(e.caps);
out_free:
	http_guard__free(e.guard);
	free(cert);
	free(key);
	return rc;
}
