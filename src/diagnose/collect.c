// SPDX-License-Identifier: GPL-2.0
/*
 * diagnose's collection: counters first (the start must come before any
 * drop we count), then the shared program with a sample of the dropped
 * packets, then the end, read after detaching so that every drop of the
 * window is in the maps.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "counters/linkpeer.h"
#include "counters/synwatch.h"
#include "counters/workload.h"
#include "render/naming.h"
#include "diagnose/analyse.h"
#include "diagnose/collect.h"
#include "lib/escape.h"
#include "lib/msg.h"
#include "lib/netns.h"
#include "symbols/ksyms.h"
#include "symbols/reasons.h"
#include "trace/evbatch.h"
#include "trace/target_check.h"

#define DIAG_DIMS      (DIM_NETNS | DIM_DEV | DIM_CALLER)
#define SAMPLE_RATE    2000 /* events a second: enough for the top ports, cheap */
#define SAMPLE_SNAPLEN 96   /* Ethernet + IPv6 + a few extension headers + ports */
#define SYN_READ       512  /* SYNs read per 0.1 s at most: a sample, the socket drops the rest */
#define WL_MAX	       512  /* namespaces whose workload is looked up (each may scan /proc) */
#define NETFILTER_FRAMES                                                                           \
	"?nf_hook_slow,?nf_hook_slow_list,?nft_do_chain,?nft_do_chain_inet,"                       \
	"?nft_do_chain_ipv4,?nft_do_chain_ipv6,?nft_do_chain_netdev,?nft_do_chain_bridge,"         \
	"?nft_do_chain_arp"

/* ---- the events sample ----------------------------------------------------- */

static void port_add(struct sample *s, __u32 netns, __u32 reason, __u8 proto, __u16 port)
{
	size_t h = ((size_t)netns * 31 + reason) * 131 + proto * 65537u + port;

	for (int i = 0; i < PORT_SLOTS; i++) {
		struct port_hit *p = &s->ports[(h + i) % PORT_SLOTS];

		if (!p->proto) {
			*p = (struct port_hit){ .netns = netns,
						.reason = reason,
						.port = port,
						.proto = proto,
						.n = 1 };
			return;
		}
		if (p->netns == netns && p->reason == reason && p->proto == proto &&
		    p->port == port) {
			p->n++;
			return;
		}
	}
	s->ports_unsampled++;
}

static void sender_add(struct sample *s, __u32 netns, __u32 reason, __u64 location,
		       const struct pkt_info *p)
{
	__u8 family = p->l3 == PKT_L3_IPV4 ? AF_INET : AF_INET6;
	size_t alen = family == AF_INET ? 4 : 16,
	       h = ((size_t)netns * 31 + reason) * 131 + (size_t)location;

	for (size_t i = 0; i < alen; i++)
		h = h * 131 + p->src[i];
	for (int i = 0; i < SENDER_SLOTS; i++) {
		struct sender_hit *x = &s->senders[(h + i) % SENDER_SLOTS];

		if (!x->family) {
			*x = (struct sender_hit){ .netns = netns,
						  .reason = reason,
						  .location = location,
						  .family = family,
						  .n = 1 };
			memcpy(x->addr, p->src, alen);
			memcpy(x->mac, p->src_mac, sizeof(x->mac));
			return;
		}
		if (x->netns == netns && x->reason == reason && x->location == location &&
		    x->family == family && !memcmp(x->addr, p->src, alen) &&
		    !memcmp(x->mac, p->src_mac, sizeof(x->mac))) {
			x->n++;
			return;
		}
	}
	/* Full: the rest of the senders are not sampled (the ports say how many drops). */
}

static void dest_add(struct sample *s, __u32 netns, __u32 reason, __u64 location,
		     const struct pkt_info *p)
{
	__u8 family = p->l3 == PKT_L3_IPV4 ? AF_INET : AF_INET6;
	size_t alen = family == AF_INET ? 4 : 16,
	       h = ((size_t)netns * 31 + reason) * 131 + (size_t)location;

	for (size_t i = 0; i < alen; i++)
		h = h * 131 + p->dst[i];
	for (int i = 0; i < DEST_SLOTS; i++) {
		struct dest_hit *x = &s->dests[(h + i) % DEST_SLOTS];

		if (!x->family) {
			*x = (struct dest_hit){ .netns = netns,
						.reason = reason,
						.location = location,
						.family = family,
						.len_max = p->origlen,
						.n = 1 };
			memcpy(x->addr, p->dst, alen);
			return;
		}
		if (x->netns == netns && x->reason == reason && x->location == location &&
		    x->family == family && !memcmp(x->addr, p->dst, alen)) {
			x->n++;
			if (p->origlen > x->len_max)
				x->len_max = p->origlen;
			return;
		}
	}
	/* Full: the rest are not sampled. */
}

void sample_packet(struct sample *s, __u32 netns, __u32 reason, __u64 location,
		   const struct pkt_info *p)
{
	if ((p->l3 == PKT_L3_IPV4 || p->l3 == PKT_L3_IPV6) && p->has_addrs) {
		sender_add(s, netns, reason, location, p);
		dest_add(s, netns, reason, location, p);
	}
	if (p->l4 == PKT_L4_UDP || p->l4 == PKT_L4_TCP)
		port_add(s, netns, reason, p->l4 == PKT_L4_UDP ? IPPROTO_UDP : IPPROTO_TCP,
			 p->dport);
}

static int sample_event(void *ctx, const void *data, size_t size)
{
	const struct drop_event *e = data;
	struct window *w = ctx;
	struct pkt_info p;

	if (size < offsetof(struct drop_event, data) ||
	    e->caplen > size - offsetof(struct drop_event, data))
		return 0;
	/*
	 * --netns: the program counts every namespace (a frame crossing a veth
	 * into ours is charged to its sender's); of the others, only drops
	 * at a pair's crossing can be ours.
	 */
	if (w->netns_arg && e->netns != w->netns && !window_veth_forward(w, e->location))
		return 0;
	packet__parse(e->data, e->caplen, e->len, &p);
	sample_packet(&w->sample, e->netns, e->reason, e->location, &p);
	return 0;
}

/* A ring record holds a batch of events (trace/evbatch.h): diagnose asks
 * for no batching (one event a record, at once), the layout is the same.
 * A malformed record is the program's bug, not the sample's: the sample
 * is a sample and the counts come from the table, but it is counted and
 * said (print.c), as events mode does. */
int sample_record(struct window *w, const void *data, size_t size)
{
	evbatch__each(data, size, sample_event, w, &w->sample.malformed);
	return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	return sample_record(ctx, data, size);
}

/* ---- reading the counters ----------------------------------------------- */

void side_read(struct counter_src *src, struct side *s)
{
	counters_sample(src, &s->snap);
	if (src->diag) {
		s->nudp = sockdiag_read(src->diag, &src->diag_seq, IPPROTO_UDP, ~0u, &s->udp);
		s->ntcp = sockdiag_read(src->diag, &src->diag_seq, IPPROTO_TCP, 1u << 10, &s->tcp);
	}
	s->nft_err = -EOPNOTSUPP;
	if (src->nft) {
		s->nnft = nftstats_read_info(src->nft, &src->nft_seq, &s->nft, &s->nft_info);
		s->nft_err = s->nnft < 0 ? s->nnft : 0;
	}
	if (s->nudp < 0)
		s->nudp = 0;
	if (s->ntcp < 0)
		s->ntcp = 0;
	if (s->nnft < 0)
		s->nnft = 0;
}

void side_free(struct side *s)
{
	counter_snapshot_free(&s->snap);
	free(s->udp);
	free(s->tcp);
	free(s->nft);
	free(s->neigh);
}

/* ---- naming, from the monitor's symbols and reasons ------------------------ */

static const char *name_reason(const void *ctx, __u32 reason)
{
	const struct monitor *m = ctx;

	return reasons__name(m->rs, reason);
}

/* Already escaped (ksyms.h): printed as is. */
static void name_sym(const void *ctx, __u64 addr, char *buf, size_t len)
{
	const struct monitor *m = ctx;

	if (m->ks)
		naming_location(m->ks, SYM_NAME, addr, buf, len);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
}

/*
 * For JSON: the raw name (the JSON writer escapes it), as the summary
 * writes symbols, so that a name decodes to its own bytes, not to its
 * text form.
 */
static const char *name_sym_raw(const void *ctx, __u64 addr, char *buf, size_t len)
{
	const struct monitor *m = ctx;

	return naming_symbol(m->ks ? ksyms__find(m->ks, addr) : NULL, addr, buf, len);
}

/* ---- the window ------------------------------------------------------------ */

static __u32 own_netns(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : (__u32)st.st_ino;
}

#define PEER_SCAN_MAX (1 << 16) /* entries of /run/netns and /proc looked at for the peers */
#define PEER_SEEN_MAX 256	/* namespaces remembered as asked, so a task's is asked once */
#define RUN_NETNS_MAX 1024	/* entries of /run/netns looked at */

/* The peers' ids (as the watched namespace numbers them) and, once found, their inodes. */
struct peer_scan {
	struct collector *c;
	int want[MAX_NETNS_FILTER];
	int nwant, left, scanned;
	__u32 seen[PEER_SEEN_MAX];
	int nseen;
};

/* One candidate namespace (an open fd): is it one of the peers'? */
static void peer_try(struct peer_scan *s, int fd)
{
	struct window *w = s->c->w;
	struct stat st;
	int nsid;

	s->scanned++;
	if (fstat(fd, &st) || (__u32)st.st_ino == w->netns)
		return;
	for (int i = 0; i < s->nseen; i++)
		if (s->seen[i] == (__u32)st.st_ino)
			return;
	if (s->nseen < PEER_SEEN_MAX)
		s->seen[s->nseen++] = (__u32)st.st_ino;
	nsid = linkpeer_nsid(s->c->src.nl, &s->c->src.seq, fd);
	for (int i = 0; i < s->nwant && nsid >= 0; i++) {
		if (s->want[i] != nsid || s->c->peer_ns[i])
			continue;
		s->c->peer_ns[i] = (__u32)st.st_ino;
		s->left--;
		/* Named now, so the rows need not be looked up after the window. */
		if (w->nnsids < NSID_SLOTS)
			w->nsids[w->nnsids++] = (struct nsid_map){ (__u32)st.st_ino, nsid };
	}
}

static void peer_scan_dir(struct peer_scan *s, const char *dir, bool tasks)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	char path[64];
	int fd;

	while (d && s->left && s->scanned < PEER_SCAN_MAX && (de = readdir(d))) {
		if (tasks && (de->d_name[0] < '1' || de->d_name[0] > '9'))
			continue;
		if (!tasks && de->d_name[0] == '.')
			continue;
		if (tasks) {
			snprintf(path, sizeof(path), "/proc/%.16s/ns/net", de->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
		} else {
			fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		}
		if (fd < 0)
			continue;
		peer_try(s, fd);
		close(fd);
	}
	if (d)
		closedir(d);
}

/*
 * --netns: the namespaces of the watched one's veth/netkit peers, so that
 * the kernel counts those beside it (a frame that cannot cross into the
 * watched namespace is charged to the sender's) and not every namespace of
 * the node, whose drops would crowd the samples and the count table. The
 * peers' ids are matched against namespaces we can open: ours and init's
 * first (a container's peer is usually the host), then /run/netns, then
 * every task's, bounded. Returns how many, or -1 when a peer's namespace
 * was not found (or there are too many): then every namespace is counted.
 */
static int peer_filter(struct collector *c)
{
	struct peer_scan s = { .c = c };
	static const char *const first[] = { "/proc/self/ns/net", "/proc/1/ns/net" };
	struct link_peer *lp;
	int n = linkpeer_read(c->src.nl, &c->src.seq, &lp), fd;

	if (n < 0)
		return -1;
	memset(c->peer_ns, 0, sizeof(c->peer_ns));
	for (int i = 0; i < n; i++) {
		bool dup = lp[i].peer_nsid < 0;

		for (int j = 0; j < s.nwant && !dup; j++)
			dup = s.want[j] == lp[i].peer_nsid;
		if (dup)
			continue;
		if (s.nwant == MAX_NETNS_FILTER) {
			free(lp);
			return -1;
		}
		s.want[s.nwant++] = lp[i].peer_nsid;
	}
	free(lp);
	s.left = s.nwant;
	for (size_t i = 0; i < sizeof(first) / sizeof(first[0]) && s.left; i++) {
		fd = open(first[i], O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			peer_try(&s, fd);
			close(fd);
		}
	}
	peer_scan_dir(&s, "/run/netns", false);
	peer_scan_dir(&s, "/proc", true);
	return s.left ? -1 : s.nwant;
}

int collect_open(struct collector *c, const struct config *cfg, struct window *w)
{
	struct config *mcfg = &c->mcfg;
	struct loader_opts lopts = {};
	char err[512];
	int rc;

	c->cfg = cfg;
	c->w = w;
	c->m.sigfd = -1;
	c->synfd = -1;
	w->netns_arg = cfg->netns;
	if (cfg->netns) {
		rc = netns_resolve(cfg->netns, &w->netns);
		if (rc) {
			msg_error("--netns %s: %s", ESC(cfg->netns), strerror(-rc));
			return 2;
		}
	} else {
		w->netns = own_netns();
	}
	/* Without the namespace's counters there is no evidence: refuse, as the exporter does. */
	rc = counter_src_open_extra(&c->src, cfg->netns,
				    COUNTER_SRC_SOCKETS | COUNTER_SRC_NFT | COUNTER_SRC_CONNTRACK,
				    err, sizeof(err));
	if (rc) {
		msg_error("%s", err);
		return rc == -ENOENT || rc == -EINVAL || rc == -ESRCH ? 2 : 1;
	}
	w->have_src = true;
	/* Who opens connections to it: the one place a peer whose SYN-ACK has
	 * no route shows (the SYN is consumed, no drop is traced). */
	c->synfd = synwatch_open(cfg->netns);
	if (c->synfd < 0) {
		w->syn_err = c->synfd;
		c->synfd = -1;
	}
	/* The counters first: "start" must come before any drop we count. */
	side_read(&c->src, &w->start);

	*mcfg = *cfg;
	mcfg->by = DIAG_DIMS;
	/*
	 * The watched namespace and its pairs' peers' are counted, and the
	 * rows are chosen after the window (collect_watch): a frame that
	 * cannot cross a veth into the watched namespace is charged to the
	 * sending one. When a peer's namespace cannot be found, every one is
	 * counted. A --dev NAME is named in --netns's namespace: filtered there.
	 */
	if (cfg->netns && !cfg->dev) {
		rc = peer_filter(c);
		if (rc >= 0) {
			mcfg->netns_also = c->peer_ns;
			mcfg->n_netns_also = rc;
		} else {
			if (cfg->verbose)
				msg_info("--netns: a veth peer's namespace was not found: "
					 "counting every namespace");
			mcfg->netns = NULL;
		}
	}
	/*
	 * The netfilter hook is the function that called into netfilter: look
	 * past the hook runner and the nftables chain walkers (6.x drops in
	 * nft_do_chain itself; these exist only where nftables is built in
	 * or loaded).
	 */
	snprintf(c->helpers, sizeof(c->helpers), "%s%s%s", cfg->helpers ?: "",
		 cfg->helpers ? "," : "", NETFILTER_FRAMES);
	mcfg->helpers = c->helpers;
	lopts.events = (struct event_opts){ .enabled = true,
					    .snaplen = SAMPLE_SNAPLEN,
					    .rate = SAMPLE_RATE };
	rc = monitor_start(&c->m, mcfg, &lopts);
	if (rc)
		return rc;
	w->names = (struct names){ .ctx = &c->m,
				   .reason = monitor_has_reasons(&c->m) ? name_reason : NULL,
				   .sym = name_sym,
				   .sym_raw = name_sym_raw };
	c->rb = ring_buffer__new(loader__events_fd(c->m.loader), on_record, w, NULL);
	if (!c->rb) {
		msg_error("ring buffer: %s", strerror(errno));
		return 1;
	}
	return 0;
}

/* The window's tc attribution, a copy: progwatch's goes with the monitor. */
static void tc_programs(struct collector *c)
{
	const struct tc_attr *tc;
	int n = progwatch__tc_poll(c->m.pw, &tc);

	if (n <= 0)
		return;
	c->w->tc = malloc(sizeof(*tc) * (size_t)n);
	if (!c->w->tc)
		return; /* the findings then name no program: said as not known */
	memcpy(c->w->tc, tc, sizeof(*tc) * (size_t)n);
	c->w->ntc = n;
}

static bool nsid_known(const struct window *w, __u32 netns)
{
	for (int i = 0; i < w->nnsids; i++)
		if (w->nsids[i].netns == netns)
			return true;
	return false;
}

static bool peer_ifindex(const struct window *w, __u32 ifindex)
{
	for (int i = 0; i < w->npeers; i++)
		if (w->peers[i].peer_nsid >= 0 && w->peers[i].peer_ifindex == (int)ifindex)
			return true;
	return false;
}

/*
 * The id the watched namespace gives each other namespace of the rows
 * that may have crossed one of its pairs (a peer's ifindex at a veth's
 * forwarding function): RTM_GETNSID on a descriptor of that namespace,
 * found by its inode in /run/netns or /proc. Bounded: NSID_SLOTS.
 */
static void peer_namespaces(struct collector *c, const struct drop_delta *rows, int n)
{
	struct window *w = c->w;
	char path[64];

	for (int i = 0; i < n && w->nnsids < NSID_SLOTS; i++) {
		const struct drop_key *k = &rows[i].key;
		int fd, nsid = -1;

		if (k->netns == w->netns || !k->ifindex || nsid_known(w, k->netns) ||
		    !peer_ifindex(w, k->ifindex) || !window_veth_forward(w, k->location))
			continue;
		if (!nscheck_find_netns(k->netns, path, sizeof(path))) {
			struct stat st;

			fd = open(path, O_RDONLY | O_CLOEXEC);
			/* The task found may have exited and its pid gone to another
			 * in between: ask only for the namespace of the row. */
			if (fd >= 0 && !fstat(fd, &st) && st.st_ino == k->netns)
				nsid = linkpeer_nsid(c->src.nl, &c->src.seq, fd);
			if (fd >= 0)
				close(fd);
		}
		w->nsids[w->nnsids++] = (struct nsid_map){ k->netns, nsid < 0 ? -1 : nsid };
	}
}

static bool nsid_mapped(const struct window *w, int nsid)
{
	for (int i = 0; i < w->nnsids; i++)
		if (w->nsids[i].nsid == nsid)
			return true;
	return false;
}

/* A peer of ours with an id no mapping has, that a row of ours crossed to. */
static bool peer_unnamed(const struct window *w, const struct drop_delta *rows, int n)
{
	for (int i = 0; i < n; i++) {
		const struct drop_key *k = &rows[i].key;
		bool receiver;
		const struct link_peer *p =
			k->netns == w->netns ? window_row_pair(w, k, &receiver) : NULL;

		if (p && p->peer_nsid >= 0 && !nsid_mapped(w, p->peer_nsid))
			return true;
	}
	return false;
}

/*
 * The sending side's peer namespace: the ids say which, not its inode.
 * The named namespaces (/run/netns, where ip netns and CNI plugins put
 * them) are asked for their id in turn until every peer a row crossed to
 * is named; a peer elsewhere stays an id. Only when such a row exists.
 */
static void peer_namespaces_named(struct collector *c, const struct drop_delta *rows, int n)
{
	struct window *w = c->w;
	struct dirent *de;
	DIR *d;
	int seen = 0;

	if (!peer_unnamed(w, rows, n) || !(d = opendir("/run/netns")))
		return;
	while ((de = readdir(d)) && seen++ < RUN_NETNS_MAX && w->nnsids < NSID_SLOTS) {
		struct stat st;
		int fd, nsid;

		if (de->d_name[0] == '.')
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		nsid = fstat(fd, &st) || nsid_known(w, (__u32)st.st_ino)
			       ? -1
			       : linkpeer_nsid(c->src.nl, &c->src.seq, fd);
		close(fd);
		if (nsid < 0 || nsid_mapped(w, nsid))
			continue;
		for (int i = 0; i < w->npeers; i++)
			if (w->peers[i].peer_nsid == nsid) {
				w->nsids[w->nnsids++] = (struct nsid_map){ (__u32)st.st_ino, nsid };
				break;
			}
		if (!peer_unnamed(w, rows, n))
			break;
	}
	closedir(d);
}

/*
 * --netns: the rows of the watched namespace, those that crossed a pair
 * into it, and those its pairs' peers dropped on their ends.
 */
static int keep_rows(struct collector *c, const struct drop_delta **rows, int n)
{
	int kept = 0;
	bool receiver;

	c->kept = malloc(sizeof(**rows) * (size_t)(n ? n : 1));
	if (!c->kept)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		if ((*rows)[i].key.netns == c->w->netns ||
		    (window_row_pair(c->w, &(*rows)[i].key, &receiver) && receiver) ||
		    window_row_in_peer(c->w, &(*rows)[i].key))
			c->kept[kept++] = (*rows)[i];
	*rows = c->kept;
	return kept;
}

/* The workloads behind the rows' namespaces (a named netns, a container, a process). */
static void workloads(struct window *w, const struct drop_delta *rows, int n)
{
	struct workloads *wls = workloads__new(NULL);

	if (!wls)
		return;
	w->wl = calloc(WL_MAX, sizeof(*w->wl));
	/* The watched namespace first (its counter findings have no row), the
	 * namespaces of its pairs' peers where known, then the rows'. */
	for (int i = -1 - w->nnsids; i < n && w->wl && w->nwl < WL_MAX; i++) {
		__u32 netns = i == -1 - w->nnsids ? w->netns
			      : i < 0		  ? w->nsids[i + w->nnsids].netns
						  : rows[i].key.netns;
		bool seen = false;

		for (int j = 0; j < w->nwl && !seen; j++)
			seen = w->wl[j].netns == netns;
		if (seen || !netns)
			continue;
		w->wl[w->nwl].netns = netns;
		/* No cookie for the watched one: its inode is checked as it is now. */
		workloads__resolve(wls, NULL, netns, i < 0 ? 0 : rows[i].key.netns_cookie,
				   w->wl[w->nwl].name, sizeof(w->wl[w->nwl].name));
		w->nwl++;
	}
	workloads__free(wls);
}

int collect_watch(struct collector *c, double seconds, const struct drop_delta **rows)
{
	struct window *w = c->w;
	double start = mono_now(), end = start + seconds;
	__u64 st[STAT_MAX];
	int n;

	while (mono_now() < end) {
		double until = mono_now() + 0.1;

		if (monitor_wait(&c->m, until < end ? until : end, ring_buffer__epoll_fd(c->rb)))
			break;
		ring_buffer__consume(c->rb);
		if (c->synfd >= 0)
			synwatch_read(c->synfd, &w->syns, SYN_READ);
	}
	w->seconds = mono_now() - start;
	/* Detach, then read: every drop of the window is in the maps. */
	loader__detach(c->m.loader);
	ring_buffer__consume(c->rb);
	side_read(&c->src, &w->end);
	if (c->synfd >= 0)
		synwatch_read(c->synfd, &w->syns, SYN_READ);

	n = counts__totals(c->m.counts, rows);
	if (n < 0) {
		msg_error("reading the counts: %s", strerror(-n));
		return -1;
	}
	/* Our pairs and their peers, and which rows crossed one. */
	w->npeers = linkpeer_read(c->src.nl, &c->src.seq, &w->peers);
	if (w->npeers < 0)
		w->npeers = 0;
	peer_namespaces(c, *rows, n);
	peer_namespaces_named(c, *rows, n);
	if (w->netns_arg) {
		n = keep_rows(c, rows, n);
		if (n < 0) {
			msg_error("reading the counts: %s", strerror(-n));
			return -1;
		}
	}
	workloads(w, *rows, n);
	counts__stat_totals(c->m.counts, st);
	w->overflow = st[STAT_OVERFLOW];
	w->missed = counts__missed_total(c->m.counts);
	tc_programs(c);
	return n;
}

void collect_close(struct collector *c)
{
	ring_buffer__free(c->rb);
	monitor_end(&c->m);
	free(c->kept);
	if (c->synfd >= 0)
		close(c->synfd);
	if (c->w && c->w->have_src)
		counter_src_close(&c->src);
	if (c->w) {
		side_free(&c->w->start);
		side_free(&c->w->end);
		free(c->w->tc);
		c->w->tc = NULL;
		free(c->w->peers);
		c->w->peers = NULL;
		free(c->w->wl);
		c->w->wl = NULL;
	}
}
