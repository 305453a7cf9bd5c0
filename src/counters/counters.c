// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "counters/counters.h"
#include "lib/escape.h"
#include "lib/netns.h"
#include "counters/sockdiag.h"

/* softnet_stat is ~140 bytes per CPU: 1 MiB is > 7000 CPUs. */
#define PROC_MAX (1 << 20)

static const char *const proc_names[PNF_FILES] = {
	[PNF_SNMP] = "snmp",
	[PNF_NETSTAT] = "netstat",
	[PNF_SNMP6] = "snmp6",
	[PNF_SOFTNET] = "softnet_stat",
	[PNF_CONNTRACK] = "stat/nf_conntrack",
};

struct open_args {
	struct counter_src *s;
	const char *proc; /* "/proc/self/net" or "/proc/thread-self/net" */
	unsigned extras;  /* COUNTER_SRC_* */
};

/*
 * The nftables socket (nftstats_read) is optional: without it (a kernel
 * without nf_tables, a seccomp filter) every other reader still works.
 */
static void open_nft(struct counter_src *s)
{
	struct timeval tv = { .tv_sec = 2 };

	s->nft = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!s->nft)
		return;
	if (mnl_socket_bind(s->nft, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(s->nft), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		mnl_socket_close(s->nft);
		s->nft = NULL;
	}
}

static void close_nft(struct counter_src *s)
{
	if (s->nft)
		mnl_socket_close(s->nft);
	s->nft = NULL;
}

/*
 * Runs in the target namespace (or our own). /proc/self/net would show the
 * thread group leader's namespace, not this thread's: a helper thread
 * must use /proc/thread-self/net. A /proc/net file, like a socket, stays
 * bound to the namespace it was opened in.
 */
static int open_all(void *p)
{
	struct open_args *a = p;
	struct counter_src *s = a->s;
	struct timeval tv = { .tv_sec = 2 };
	char path[64];

	s->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!s->nl)
		return -errno;
	if (mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	/* A scrape must not hang on the kernel: give up on a dump after 2 s. */
	if (setsockopt(mnl_socket_get_fd(s->nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -errno;
	/* Optional, and only for who asks (diagnose): without them only that
	 * evidence is missing; the exporter keeps its sockets few. */
	if (a->extras & COUNTER_SRC_SOCKETS)
		s->diag = sockdiag_open();
	if (a->extras & COUNTER_SRC_NFT)
		open_nft(s);
	/* Any socket of the namespace carries SIOCETHTOOL; IPv4 may be
	 * absent, AF_UNIX never is. */
	s->ethfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->ethfd < 0)
		s->ethfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	for (int i = 0; i < PNF_FILES; i++) {
		if (i == PNF_CONNTRACK && !(a->extras & COUNTER_SRC_CONNTRACK))
			continue;
		snprintf(path, sizeof(path), "%s/%s", a->proc, proc_names[i]);
		s->fd[i] = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		/* snmp6 is absent without IPv6, nf_conntrack without conntrack:
		 * that part is then empty. */
		if (s->fd[i] < 0 && i != PNF_SNMP6 && i != PNF_CONNTRACK)
			return -errno;
	}
	return 0;
}

int counter_src_open(struct counter_src *s, const char *netns, char *err, size_t errlen)
{
	return counter_src_open_extra(s, netns, 0, err, errlen);
}

int counter_src_open_extra(struct counter_src *s, const char *netns, unsigned extras, char *err,
			   size_t errlen)
{
	struct open_args a = { .s = s, .proc = "/proc/self/net", .extras = extras };
	int nsfd, rc;

	memset(s, 0, sizeof(*s));
	for (int i = 0; i < PNF_FILES; i++)
		s->fd[i] = -1;
	s->ethfd = -1;
	s->cap = 64 << 10;
	s->buf = malloc(s->cap);
	/* Without it the names are read every time: slower, as exact. */
	s->drv_cache = drv_cache_new();
	if (!s->buf) {
		snprintf(err, errlen, "out of memory");
		counter_src_close(s);
		return -ENOMEM;
	}
	if (!netns) {
		rc = open_all(&a);
	} else {
		nsfd = netns_open(netns);
		if (nsfd < 0) {
			snprintf(err, errlen,
				 "--netns %s: %s (expected /run/netns/NAME, /proc/PID/ns/net or "
				 "the inode of a namespace some process is in)",
				 ESC(netns), strerror(-nsfd));
			counter_src_close(s);
			return nsfd;
		}
		a.proc = "/proc/thread-self/net";
		/* Reading needs no CAP_SYS_ADMIN: only the switch does (the
		 * exporter raises it for this call alone, to follow --netns). */
		rc = netns_run_in_lowered(nsfd, open_all, &a);
		close(nsfd);
	}
	if (rc) {
		snprintf(err, errlen, "opening rtnetlink and /proc/net%s%s: %s",
			 netns ? " in " : "", netns ? ESC(netns) : "", strerror(-rc));
		counter_src_close(s);
	}
	return rc;
}

void counter_src_close(struct counter_src *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	if (s->diag)
		mnl_socket_close(s->diag);
	close_nft(s);
	for (int i = 0; i < PNF_FILES; i++)
		if (s->fd[i] >= 0)
			close(s->fd[i]);
	if (s->ethfd >= 0)
		close(s->ethfd);
	free(s->buf);
	drv_cache_free(s->drv_cache);
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < PNF_FILES; i++)
		s->fd[i] = -1;
	s->ethfd = -1;
}

ssize_t counter_src_read(struct counter_src *s, enum proc_net_file f)
{
	size_t len = 0;

	if (f >= PNF_FILES || s->fd[f] < 0)
		return -ENOENT;
	for (;;) {
		ssize_t n;

		if (len + 1 >= s->cap) {
			char *p;

			if (s->cap >= PROC_MAX)
				return -EFBIG;
			p = realloc(s->buf, s->cap * 2);
			if (!p)
				return -ENOMEM;
			s->buf = p;
			s->cap *= 2;
		}
		/* pread from 0: a seq_file starts its walk over at offset 0. */
		n = pread(s->fd[f], s->buf + len, s->cap - 1 - len, (off_t)len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	s->buf[len] = 0;
	return (ssize_t)len;
}

static int sample_softnet(struct counter_src *s, struct counter_snapshot *snap)
{
	ssize_t len = counter_src_read(s, PNF_SOFTNET);
	size_t max;
	int n;

	if (len < 0)
		return (int)len;
	/* A line is at least 9 * 9 bytes: more CPUs than that cannot be in it. */
	max = (size_t)len / 81 + 1;
	snap->softnet = calloc(max, sizeof(*snap->softnet));
	if (!snap->softnet)
		return -ENOMEM;
	n = softnet_parse(s->buf, (size_t)len, snap->softnet, max);
	if (n < 0)
		return n;
	snap->nsoftnet = (size_t)n;
	return 0;
}

static int sample_snmp(struct counter_src *s, struct counter_snapshot *snap)
{
	static const enum proc_net_file files[SNMP_FILES] = {
		[SNMP_FILE_SNMP] = PNF_SNMP,
		[SNMP_FILE_NETSTAT] = PNF_NETSTAT,
		[SNMP_FILE_SNMP6] = PNF_SNMP6,
	};
	int err = 0;

	snap->snmp = calloc(snmp_drop_count, sizeof(*snap->snmp));
	if (!snap->snmp)
		return -ENOMEM;
	for (int f = 0; f < SNMP_FILES; f++) {
		ssize_t len;
		int rc;

		if (s->fd[files[f]] < 0)
			continue;
		len = counter_src_read(s, files[f]);
		rc = len < 0 ? (int)len : snmp_parse((enum snmp_file)f, s->buf, snap->snmp);
		if (rc < 0 && !err)
			err = rc;
	}
	return err;
}

int counters_sample(struct counter_src *s, struct counter_snapshot *snap)
{
	int n;

	memset(snap, 0, sizeof(*snap));
	n = devstats_read(s->nl, &s->seq, &snap->dev);
	if (n < 0)
		snap->err_dev = n;
	else
		snap->ndev = (size_t)n;
	/* The drivers' counters of the devices just listed. */
	n = s->ethfd < 0 ? -ENOTSOCK
			 : drvstats_read(s->ethfd, s->drv_cache, snap->dev, snap->ndev, &snap->drv);
	if (n < 0)
		snap->err_drv = n;
	else
		snap->ndrv = (size_t)n;
	n = qdiscstats_read(s->nl, &s->seq, &snap->qdisc);
	if (n < 0)
		snap->err_qdisc = n;
	else
		snap->nqdisc = (size_t)n;
	snap->err_softnet = sample_softnet(s, snap);
	snap->err_snmp = sample_snmp(s, snap);
	/* Optional, and not an error when absent or odd: diagnose's evidence only. */
	if (s->fd[PNF_CONNTRACK] >= 0 && counter_src_read(s, PNF_CONNTRACK) >= 0)
		conntrack_parse(s->buf, &snap->conntrack);
	if (snap->err_dev)
		return snap->err_dev;
	if (snap->err_qdisc)
		return snap->err_qdisc;
	if (snap->err_softnet)
		return snap->err_softnet;
	return snap->err_snmp ? snap->err_snmp : snap->err_drv;
}

void counter_snapshot_free(struct counter_snapshot *snap)
{
	free(snap->dev);
	free(snap->qdisc);
	free(snap->softnet);
	free(snap->snmp);
	free(snap->drv);
	memset(snap, 0, sizeof(*snap));
}

const char *counters_dev_name(const struct counter_snapshot *snap, int ifindex)
{
	for (size_t i = 0; i < snap->ndev; i++)
		if (snap->dev[i].ifindex == ifindex)
			return snap->dev[i].name;
	return NULL;
}
