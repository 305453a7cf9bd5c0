// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the socket readers (sockdiag.c, procs.c): the inet_diag
 * answer parser on hand-built messages, then live: sockets this process
 * makes, found by sock_diag in our own namespace and in one a child
 * makes, checked against what the test set up and what the kernel says
 * through other doors (fstat, getsockopt, what recv gets back, prctl).
 * The live part skips when the kernel has no NETLINK_SOCK_DIAG.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "counters/counters.h"
#include "counters/procs.h"
#include "counters/sockdiag.h"

/* ---- the parser on hand-built answers ---- */

struct msg {
	union {
		struct nlmsghdr h;
		char b[1024];
	};
};

static struct nlmsghdr *build(struct msg *m, int family, int state)
{
	struct nlmsghdr *nlh;
	struct inet_diag_msg *d;

	memset(m, 0, sizeof(*m));
	nlh = mnl_nlmsg_put_header(m->b);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	d = mnl_nlmsg_put_extra_header(nlh, sizeof(*d));
	d->idiag_family = (__u8)family;
	d->idiag_state = (__u8)state;
	d->id.idiag_sport = htons(5353);
	d->id.idiag_dport = htons(0);
	d->idiag_inode = 123456;
	d->idiag_uid = 1000;
	d->idiag_rqueue = 768;
	d->idiag_wqueue = 4;
	if (family == AF_INET) {
		inet_pton(AF_INET, "127.0.0.1", d->id.idiag_src);
		inet_pton(AF_INET, "10.1.2.3", d->id.idiag_dst);
	} else {
		inet_pton(AF_INET6, "fd00::1:2", d->id.idiag_src);
		inet_pton(AF_INET6, "::1", d->id.idiag_dst);
	}
	d->id.idiag_if = 3;
	return nlh;
}

/* An SKMEMINFO of len bytes: field i holds 100 + i. */
static void put_meminfo(struct nlmsghdr *nlh, size_t len)
{
	__u32 v[SK_MEMINFO_VARS + 2];

	for (unsigned i = 0; i < SK_MEMINFO_VARS + 2; i++)
		v[i] = 100 + i;
	mnl_attr_put(nlh, INET_DIAG_SKMEMINFO, len, v);
}

static void test_parse_v4(void **state)
{
	struct msg m;
	struct nlmsghdr *nlh = build(&m, AF_INET, 7);
	struct sock_info si;
	(void)state;

	put_meminfo(nlh, SK_MEMINFO_VARS * sizeof(__u32));
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), 0);
	assert_int_equal(si.family, AF_INET);
	assert_int_equal(si.protocol, IPPROTO_UDP);
	assert_int_equal(si.state, 7);
	assert_int_equal(si.lport, 5353);
	assert_int_equal(si.rport, 0);
	assert_string_equal(si.laddr, "127.0.0.1");
	assert_string_equal(si.raddr, "10.1.2.3");
	assert_int_equal(si.ifindex, 3);
	assert_int_equal(si.inode, 123456);
	assert_int_equal(si.uid, 1000);
	assert_int_equal(si.rqueue, 768);
	assert_int_equal(si.wqueue, 4);
	assert_true(si.have_mem);
	assert_true(si.have_drops);
	assert_int_equal(si.rmem_alloc, 100 + SK_MEMINFO_RMEM_ALLOC);
	assert_int_equal(si.rcvbuf, 100 + SK_MEMINFO_RCVBUF);
	assert_int_equal(si.drops, 100 + SK_MEMINFO_DROPS);
}

static void test_parse_v6(void **state)
{
	struct msg m;
	struct nlmsghdr *nlh = build(&m, AF_INET6, 10);
	struct sock_info si;
	(void)state;

	mnl_attr_put_u8(nlh, INET_DIAG_PROTOCOL, IPPROTO_TCP);
	/* A later kernel's longer SKMEMINFO: the known fields still read. */
	put_meminfo(nlh, (SK_MEMINFO_VARS + 2) * sizeof(__u32));
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_TCP, &si), 0);
	assert_int_equal(si.family, AF_INET6);
	assert_int_equal(si.protocol, IPPROTO_TCP);
	assert_int_equal(si.state, 10);
	assert_string_equal(si.laddr, "fd00::1:2");
	assert_string_equal(si.raddr, "::1");
	assert_true(si.have_drops);
	assert_int_equal(si.drops, 100 + SK_MEMINFO_DROPS);
	/* The same answer read as UDP: INET_DIAG_PROTOCOL says otherwise. */
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), -EINVAL);
}

static void test_parse_no_meminfo(void **state)
{
	struct msg m;
	struct nlmsghdr *nlh = build(&m, AF_INET, 7);
	struct sock_info si;
	(void)state;

	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), 0);
	assert_false(si.have_mem);
	assert_false(si.have_drops);
	assert_int_equal(si.rcvbuf, 0);
	assert_int_equal(si.drops, 0);
	assert_int_equal(si.inode, 123456);
}

static void test_parse_short_meminfo(void **state)
{
	struct msg m;
	struct nlmsghdr *nlh;
	struct sock_info si;
	(void)state;

	/* Up to SK_MEMINFO_BACKLOG (a 4.x kernel): no sk_drops. */
	nlh = build(&m, AF_INET, 7);
	put_meminfo(nlh, SK_MEMINFO_DROPS * sizeof(__u32));
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), 0);
	assert_true(si.have_mem);
	assert_false(si.have_drops);
	assert_int_equal(si.rcvbuf, 100 + SK_MEMINFO_RCVBUF);
	assert_int_equal(si.drops, 0);

	/* Half of DROPS: still not there. */
	nlh = build(&m, AF_INET, 7);
	put_meminfo(nlh, SK_MEMINFO_DROPS * sizeof(__u32) + 2);
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), 0);
	assert_true(si.have_mem);
	assert_false(si.have_drops);

	/* RMEM_ALLOC alone, or a ragged 6 bytes: no buffer size, so nothing. */
	nlh = build(&m, AF_INET, 7);
	put_meminfo(nlh, sizeof(__u32));
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), 0);
	assert_false(si.have_mem);
	assert_int_equal(si.rmem_alloc, 0);
	nlh = build(&m, AF_INET, 7);
	put_meminfo(nlh, 6);
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), 0);
	assert_false(si.have_mem);
	nlh = build(&m, AF_INET, 7);
	put_meminfo(nlh, 0);
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), 0);
	assert_false(si.have_mem);
}

static void test_parse_truncated(void **state)
{
	struct msg m;
	struct nlmsghdr *nlh = build(&m, AF_INET, 7);
	struct sock_info si;
	__u32 full;
	struct nlattr *a;
	(void)state;

	put_meminfo(nlh, SK_MEMINFO_VARS * sizeof(__u32));
	full = nlh->nlmsg_len;
	/* The message ends inside the attribute: it is not read. */
	nlh->nlmsg_len = full - 4;
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), 0);
	assert_false(si.have_mem);
	/* Short of it by 2: not a multiple of 4, still not read. */
	nlh->nlmsg_len = full - 2;
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), 0);
	assert_false(si.have_mem);
	/* An attribute that claims more than the message holds. */
	nlh->nlmsg_len = full;
	a = (struct nlattr *)((char *)nlh + MNL_NLMSG_HDRLEN +
			      MNL_ALIGN(sizeof(struct inet_diag_msg)));
	a->nla_len = (__u16)(full + 64);
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), 0);
	assert_false(si.have_mem);
	/* One with a length below its own header. */
	a->nla_len = 2;
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), 0);
	assert_false(si.have_mem);
	/* The inet_diag_msg itself cut short, and a bare header. */
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + sizeof(struct inet_diag_msg) - 1;
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), -EINVAL);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN;
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), -EINVAL);
	nlh->nlmsg_len = 4;
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), -EINVAL);
}

static void test_parse_bad(void **state)
{
	struct msg m;
	struct nlmsghdr *nlh;
	struct sock_info si;
	(void)state;

	nlh = build(&m, AF_UNIX, 7);
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), -EINVAL);
	nlh = build(&m, AF_PACKET, 7);
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), -EINVAL);
	nlh = build(&m, AF_INET, 7);
	nlh->nlmsg_type = NLMSG_DONE;
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), -EINVAL);
	nlh = build(&m, AF_INET, 7);
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_RAW, &si), -EINVAL);
	/* An empty INET_DIAG_PROTOCOL says nothing: accepted. */
	nlh = build(&m, AF_INET, 7);
	mnl_attr_put(nlh, INET_DIAG_PROTOCOL, 0, NULL);
	assert_int_equal(sockdiag_parse(nlh, IPPROTO_UDP, &si), 0);
}

/* ---- live: sockets of this process ---- */

static struct mnl_socket *diag_or_skip(void)
{
	struct mnl_socket *d = sockdiag_open();

	if (!d) {
		print_message("NETLINK_SOCK_DIAG unavailable: %s\n", strerror(errno));
		skip();
	}
	return d;
}

/* Read protocol's sockets; skip when the kernel has no diag module for it. */
static int read_or_skip(struct mnl_socket *d, unsigned *seq, int protocol, __u32 mask,
			struct sock_info **out)
{
	int n = sockdiag_read(d, seq, protocol, mask, out);

	if (n == -ENOENT || n == -EOPNOTSUPP) {
		print_message("no inet_diag for protocol %d: %s\n", protocol, strerror(-n));
		mnl_socket_close(d);
		skip();
	}
	assert_true(n >= 0);
	return n;
}

static const struct sock_info *find(const struct sock_info *a, int n, int family, __u16 port,
				    __u32 inode)
{
	for (int i = 0; i < n; i++)
		if (a[i].family == family && a[i].lport == port && (!inode || a[i].inode == inode))
			return &a[i];
	return NULL;
}

static __u32 fd_inode(int fd)
{
	struct stat st;

	assert_int_equal(fstat(fd, &st), 0);
	return (__u32)st.st_ino;
}

static __u16 bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &l), 0);
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static int udp_bound(int family, const char *addr, int rcvbuf)
{
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)family };
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (rcvbuf)
		assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)), 0);
	if (family == AF_INET)
		inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr);
	else
		inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr);
	if (bind(fd, (struct sockaddr *)&ss,
		 family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6))) {
		close(fd);
		return -1;
	}
	return fd;
}

#define SENT 50

static void test_live_udp(void **state)
{
	struct mnl_socket *d = diag_or_skip();
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct timespec pause = { .tv_nsec = 50 * 1000 * 1000 };
	const struct sock_info *si;
	struct sock_info *a = NULL;
	char payload[200] = { 0 };
	unsigned seq = 0, received = 0;
	int fd, tx, rcvbuf = 0, n;
	socklen_t l = sizeof(rcvbuf);
	__u16 port;
	(void)state;

	fd = udp_bound(AF_INET, "127.0.0.1", 4096);
	assert_true(fd >= 0);
	port = bound_port(fd);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &l), 0);
	tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(tx >= 0);
	to.sin_port = htons(port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < SENT; i++)
		assert_int_equal(
			sendto(tx, payload, sizeof(payload), 0, (struct sockaddr *)&to, sizeof(to)),
			sizeof(payload));
	/* Loopback delivers in the sender's softirq; the pause is for a busy CI. */
	nanosleep(&pause, NULL);

	n = read_or_skip(d, &seq, IPPROTO_UDP, ~0u, &a);
	si = find(a, n, AF_INET, port, 0);
	assert_non_null(si);
	assert_int_equal(si->protocol, IPPROTO_UDP);
	assert_int_equal(si->state, SOCKDIAG_CLOSE);
	assert_string_equal(si->laddr, "127.0.0.1");
	assert_int_equal(si->inode, fd_inode(fd));
	assert_int_equal(si->uid, getuid());
	assert_true(si->have_mem);
	assert_true(si->have_drops);
	assert_int_equal(si->rcvbuf, (unsigned)rcvbuf);
	assert_true(si->rmem_alloc > 0);
	/* Everything queued comes back now; the rest the kernel dropped. */
	while (received < SENT && recv(fd, payload, sizeof(payload), MSG_DONTWAIT) >= 0)
		received++;
	print_message("sent %d, received %u, sock_diag drops %u, rcvbuf %u\n", SENT, received,
		      si->drops, si->rcvbuf);
	assert_true(received > 0 && received < SENT);
	assert_int_equal(si->drops, SENT - received);
	free(a);

	/* Drained: the kernel holds nothing for it any more. */
	n = read_or_skip(d, &seq, IPPROTO_UDP, 1u << SOCKDIAG_CLOSE, &a);
	si = find(a, n, AF_INET, port, fd_inode(fd));
	assert_non_null(si);
	assert_int_equal(si->rmem_alloc, 0);
	assert_int_equal(si->drops, SENT - received);
	for (int i = 0; i < n; i++)
		assert_int_equal(a[i].state, SOCKDIAG_CLOSE);
	free(a);

	/* A mask without CLOSE leaves it out. */
	n = read_or_skip(d, &seq, IPPROTO_UDP, 1u << SOCKDIAG_ESTABLISHED, &a);
	assert_null(find(a, n, AF_INET, port, 0));
	free(a);
	close(tx);
	close(fd);
	mnl_socket_close(d);
}

static void test_live_udp6(void **state)
{
	struct mnl_socket *d = diag_or_skip();
	const struct sock_info *si;
	struct sock_info *a = NULL;
	unsigned seq = 0;
	int fd, n;
	(void)state;

	fd = udp_bound(AF_INET6, "::1", 0);
	if (fd < 0) {
		mnl_socket_close(d);
		print_message("no IPv6 loopback: %s\n", strerror(errno));
		skip();
	}
	n = read_or_skip(d, &seq, IPPROTO_UDP, ~0u, &a);
	si = find(a, n, AF_INET6, bound_port(fd), fd_inode(fd));
	assert_non_null(si);
	assert_string_equal(si->laddr, "::1");
	free(a);
	close(fd);
	mnl_socket_close(d);
}

static int tcp_listener(int backlog)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, backlog), 0);
	return fd;
}

static void test_live_listener(void **state)
{
	struct mnl_socket *d = diag_or_skip();
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	const struct sock_info *si;
	struct sock_info *a = NULL;
	unsigned seq = 0, rq = 0;
	int fd, c, n;
	__u16 port;
	(void)state;

	fd = tcp_listener(1);
	port = bound_port(fd);
	n = read_or_skip(d, &seq, IPPROTO_TCP, 1u << SOCKDIAG_LISTEN, &a);
	si = find(a, n, AF_INET, port, 0);
	assert_non_null(si);
	assert_int_equal(si->state, SOCKDIAG_LISTEN);
	assert_int_equal(si->inode, fd_inode(fd));
	assert_int_equal(si->wqueue, 1);
	assert_int_equal(si->rqueue, 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(a[i].state, SOCKDIAG_LISTEN);
	free(a);

	/* One connection, never accepted: the accept queue holds it. */
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(c >= 0);
	sa.sin_port = htons(port);
	assert_int_equal(connect(c, (struct sockaddr *)&sa, sizeof(sa)), 0);
	for (int i = 0; i < 100 && rq != 1; i++) {
		n = read_or_skip(d, &seq, IPPROTO_TCP, 1u << SOCKDIAG_LISTEN, &a);
		si = find(a, n, AF_INET, port, fd_inode(fd));
		assert_non_null(si);
		rq = si->rqueue;
		free(a);
		if (rq != 1)
			nanosleep(&tick, NULL);
	}
	assert_int_equal(rq, 1);
	close(c);
	close(fd);
	mnl_socket_close(d);
}

/* A comm is any 15 bytes: one that ends in a newline keeps it. */
static void test_owner_comm_bytes(void **state)
{
	static const char *const names[] = { "abcdefghijklmn\n", "x\n\x1b[31mEV\xff", "a\n" };
	struct sock_owner o = { .inode = 0 };
	char saved[17] = { 0 };
	int udp;
	(void)state;

	assert_int_equal(prctl(PR_GET_NAME, saved), 0);
	udp = udp_bound(AF_INET, "127.0.0.1", 0);
	assert_true(udp >= 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(prctl(PR_SET_NAME, names[i]), 0);
		o = (struct sock_owner){ .inode = fd_inode(udp) };
		assert_int_equal(procs_socket_owners(&o, 1), 0);
		prctl(PR_SET_NAME, saved);
		assert_int_equal(o.pid, getpid());
		assert_string_equal(o.comm, names[i]);
	}
	close(udp);
}

static void test_owners(void **state)
{
	struct sock_owner o[3] = { { .inode = 0 } };
	char comm[17] = { 0 };
	int udp, lis, p[2], ready[2], child;
	char c;
	(void)state;

	assert_int_equal(prctl(PR_GET_NAME, comm), 0);
	udp = udp_bound(AF_INET, "127.0.0.1", 0);
	assert_true(udp >= 0);
	lis = tcp_listener(1);
	o[0].inode = fd_inode(udp);
	o[1].inode = fd_inode(lis);
	o[2].inode = 0xfffffff0u; /* nobody's */

	assert_int_equal(procs_socket_owners(o, 3), 0);
	assert_int_equal(o[0].pid, getpid());
	assert_string_equal(o[0].comm, comm);
	assert_int_equal(o[0].nproc, 1);
	assert_int_equal(o[1].pid, getpid());
	assert_int_equal(o[1].nproc, 1);
	assert_int_equal(o[2].pid, 0);
	assert_int_equal(o[2].nproc, 0);
	assert_string_equal(o[2].comm, "");

	/* A child holding the UDP socket too (dup'ed twice: still one process). */
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	child = fork();
	assert_true(child >= 0);
	if (!child) {
		int extra = dup(udp);

		close(p[1]);
		close(ready[0]);
		close(lis);
		prctl(PR_SET_NAME, "sockdiag-kid");
		if (extra < 0 || write(ready[1], "r", 1) != 1)
			_exit(1);
		/* Blocks until the parent closes its end (or dies). */
		while (read(p[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	assert_int_equal(procs_socket_owners(o, 2), 0);
	assert_int_equal(o[0].nproc, 2);
	assert_int_equal(o[0].pid, getpid() < child ? getpid() : child);
	assert_int_equal(o[1].nproc, 1);
	assert_int_equal(o[1].pid, getpid());
	close(p[1]);
	assert_int_equal(waitpid(child, NULL, 0), child);
	close(udp);
	close(lis);
}

/* A UDP socket a child made in a network namespace of its own. */
struct ns_sock {
	__u32 inode;
	__u16 port;
};

struct ns_child {
	int pid;
	int hold; /* closing it ends the child */
	struct ns_sock sock;
};

/* Returns 0, 77 when the child could not make a namespace, else 1. */
static int ns_child_start(struct ns_child *k)
{
	int up[2], hold[2], st;
	char c;

	assert_int_equal(pipe2(up, O_CLOEXEC), 0);
	assert_int_equal(pipe2(hold, O_CLOEXEC), 0);
	k->pid = fork();
	assert_true(k->pid >= 0);
	if (!k->pid) {
		struct ns_sock me = { 0 };
		int fd;

		close(up[0]);
		close(hold[1]);
		if (unshare(CLONE_NEWNET))
			_exit(77);
		fd = udp_bound(AF_INET, "0.0.0.0", 0);
		if (fd < 0)
			_exit(1);
		me.inode = fd_inode(fd);
		me.port = bound_port(fd);
		if (write(up[1], &me, sizeof(me)) != sizeof(me))
			_exit(1);
		while (read(hold[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(up[1]);
	close(hold[0]);
	k->hold = hold[1];
	if (read(up[0], &k->sock, sizeof(k->sock)) == sizeof(k->sock)) {
		close(up[0]);
		return 0;
	}
	close(up[0]);
	close(k->hold);
	waitpid(k->pid, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 77 ? 77 : 1;
}

static void test_counter_src_netns(void **state)
{
	struct mnl_socket *probe = diag_or_skip();
	struct counter_src s;
	struct ns_child k = { 0 };
	struct sock_info *a = NULL;
	char err[256], path[64];
	int n, mine, rc;
	__u16 myport;
	(void)state;

	mnl_socket_close(probe);
	/* Our own namespace: the socket is there and finds our socket. */
	mine = udp_bound(AF_INET, "127.0.0.1", 0);
	assert_true(mine >= 0);
	myport = bound_port(mine);
	assert_int_equal(counter_src_open_extra(&s, NULL, COUNTER_SRC_SOCKETS, err, sizeof(err)),
			 0);
	assert_non_null(s.diag);
	n = sockdiag_read(s.diag, &s.diag_seq, IPPROTO_UDP, ~0u, &a);
	assert_true(n > 0);
	assert_non_null(find(a, n, AF_INET, myport, fd_inode(mine)));
	free(a);
	counter_src_close(&s);
	assert_null(s.diag);

	rc = ns_child_start(&k);
	if (rc == 77) {
		close(mine);
		print_message("cannot make a network namespace (not root?)\n");
		skip();
	}
	assert_int_equal(rc, 0);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", k.pid);
	rc = counter_src_open_extra(&s, path, COUNTER_SRC_SOCKETS, err, sizeof(err));
	if (rc)
		print_message("%s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(s.diag);
	n = sockdiag_read(s.diag, &s.diag_seq, IPPROTO_UDP, ~0u, &a);
	assert_true(n > 0);
	/* The child's socket, and not ours: the dump is of its namespace. */
	assert_non_null(find(a, n, AF_INET, k.sock.port, k.sock.inode));
	assert_null(find(a, n, AF_INET, myport, fd_inode(mine)));
	free(a);
	counter_src_close(&s);
	close(k.hold);
	assert_int_equal(waitpid(k.pid, NULL, 0), k.pid);
	close(mine);
}

static void test_read_args(void **state)
{
	struct sock_info *a = (struct sock_info *)1;
	struct mnl_socket *d;
	unsigned seq = 0;
	(void)state;

	assert_int_equal(sockdiag_read(NULL, &seq, IPPROTO_UDP, ~0u, &a), -EOPNOTSUPP);
	assert_null(a);
	d = diag_or_skip();
	assert_int_equal(sockdiag_read(d, &seq, IPPROTO_ICMP, ~0u, &a), -EINVAL);
	assert_null(a);
	mnl_socket_close(d);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_v4),
		cmocka_unit_test(test_parse_v6),
		cmocka_unit_test(test_parse_no_meminfo),
		cmocka_unit_test(test_parse_short_meminfo),
		cmocka_unit_test(test_parse_truncated),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_read_args),
		cmocka_unit_test(test_live_udp),
		cmocka_unit_test(test_live_udp6),
		cmocka_unit_test(test_live_listener),
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_owner_comm_bytes),
		cmocka_unit_test(test_counter_src_netns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
