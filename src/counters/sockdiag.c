// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "lib/netlink.h"
#include "counters/sockdiag.h"

struct mnl_socket *sockdiag_open(void)
{
	struct timeval tv = { .tv_sec = 2 };
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	int err;

	if (!nl)
		return NULL;
	/* Like the rtnetlink readers: a dump must not hang on the kernel. */
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		err = errno;
		mnl_socket_close(nl);
		errno = err;
		return NULL;
	}
	return nl;
}

/* The address is in the first 4 or 16 bytes of the kernel's __be32[4]. */
static void addr_text(int family, const __be32 a[4], char *out, size_t len)
{
	unsigned char raw[16];

	memcpy(raw, a, sizeof(raw));
	if (!inet_ntop(family, raw, out, (socklen_t)len))
		out[0] = 0;
}

int sockdiag_parse(const struct nlmsghdr *nlh, int protocol, struct sock_info *si)
{
	struct inet_diag_msg m;
	const struct nlattr *a;
	const char *end;

	memset(si, 0, sizeof(*si));
	if (protocol != IPPROTO_UDP && protocol != IPPROTO_TCP)
		return -EINVAL;
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN || nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(m))
		return -EINVAL;
	/* memcpy: the message may come from a buffer with no alignment promise. */
	memcpy(&m, mnl_nlmsg_get_payload(nlh), sizeof(m));
	if (m.idiag_family != AF_INET && m.idiag_family != AF_INET6)
		return -EINVAL;
	si->family = m.idiag_family;
	si->protocol = (__u8)protocol;
	si->state = m.idiag_state;
	si->lport = ntohs(m.id.idiag_sport);
	si->rport = ntohs(m.id.idiag_dport);
	addr_text(si->family, m.id.idiag_src, si->laddr, sizeof(si->laddr));
	addr_text(si->family, m.id.idiag_dst, si->raddr, sizeof(si->raddr));
	si->ifindex = m.id.idiag_if;
	si->inode = m.idiag_inode;
	si->uid = m.idiag_uid;
	si->rqueue = m.idiag_rqueue;
	si->wqueue = m.idiag_wqueue;

	/*
	 * Not mnl_attr_for_each: it ends the walk at the aligned length,
	 * up to 3 bytes past a message whose nlmsg_len is not a multiple of 4.
	 * mnl_attr_ok stops at the first attribute that does not fit.
	 */
	end = (const char *)nlh + nlh->nlmsg_len;
	for (a = mnl_nlmsg_get_payload_offset(nlh, sizeof(m));
	     mnl_attr_ok(a, (int)(end - (const char *)a)); a = mnl_attr_next(a)) {
		size_t len = mnl_attr_get_payload_len(a);
		const char *p = mnl_attr_get_payload(a);

		switch (mnl_attr_get_type(a)) {
		case INET_DIAG_SKMEMINFO: {
			__u32 v[SK_MEMINFO_VARS] = {};
			size_t n = len < sizeof(v) ? len : sizeof(v);

			/* Older kernels sent fewer fields: only whole ones count. */
			memcpy(v, p, n - n % sizeof(__u32));
			si->have_mem = len >= (SK_MEMINFO_RCVBUF + 1) * sizeof(__u32);
			si->have_drops = len >= (SK_MEMINFO_DROPS + 1) * sizeof(__u32);
			si->rmem_alloc = si->have_mem ? v[SK_MEMINFO_RMEM_ALLOC] : 0;
			si->rcvbuf = si->have_mem ? v[SK_MEMINFO_RCVBUF] : 0;
			si->drops = si->have_drops ? v[SK_MEMINFO_DROPS] : 0;
			break;
		}
		case INET_DIAG_PROTOCOL:
			if (len >= 1 && (unsigned char)p[0] != protocol)
				return -EINVAL;
			break;
		}
	}
	return 0;
}

struct sock_dump {
	struct sock_info *arr;
	size_t n, cap;
	int protocol;
	int err;
};

static int sock_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sock_dump *d = data;
	struct sock_info si;

	/* One malformed answer is skipped; the others still count. */
	if (sockdiag_parse(nlh, d->protocol, &si))
		return MNL_CB_OK;
	d->arr = nl_grow(d->arr, &d->cap, d->n, sizeof(*d->arr)) ?: d->arr;
	if (d->n >= d->cap) {
		d->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	d->arr[d->n++] = si;
	return MNL_CB_OK;
}

static int dump_family(struct mnl_socket *diag, unsigned *seq, int family, __u32 state_mask,
		       struct sock_dump *d)
{
	char req[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct inet_diag_req_v2))] = {};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct inet_diag_req_v2 *r;

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));
	r->sdiag_family = (__u8)family;
	r->sdiag_protocol = (__u8)d->protocol;
	r->idiag_states = state_mask;
	r->idiag_ext = (1 << (INET_DIAG_MEMINFO - 1)) | (1 << (INET_DIAG_SKMEMINFO - 1));
	return nl_dump(diag, seq, nlh, sock_cb, d);
}

int sockdiag_read(struct mnl_socket *diag, unsigned *seq, int protocol, __u32 state_mask,
		  struct sock_info **out)
{
	struct sock_dump d = { .protocol = protocol };
	int err;

	*out = NULL;
	if (!diag)
		return -EOPNOTSUPP;
	if (protocol != IPPROTO_UDP && protocol != IPPROTO_TCP)
		return -EINVAL;
	err = dump_family(diag, seq, AF_INET, state_mask, &d);
	if (!err && !d.err) {
		err = dump_family(diag, seq, AF_INET6, state_mask, &d);
		/* A kernel without IPv6 still has the IPv4 sockets to show. */
		if (err == -EAFNOSUPPORT)
			err = 0;
	}
	if (d.err)
		err = d.err;
	if (err) {
		free(d.arr);
		return err;
	}
	*out = d.arr;
	return (int)d.n;
}
