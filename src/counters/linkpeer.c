// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>

#include "counters/linkpeer.h"
#include "lib/netlink.h"

/* One link message with its stats: a few KiB; a dump part is at most 32 KiB. */
#define REQ_BUF (32 << 10)
/* More veth/netkit devices than this in one namespace is not a real machine. */
#define MAX_PEERS 65536

/* An attribute's string, not trusted to be terminated: at most len - 1 bytes. */
static void attr_str(const struct nlattr *a, char *out, size_t len)
{
	size_t l = mnl_attr_get_payload_len(a);
	const char *s = mnl_attr_get_payload(a);

	l = strnlen(s, l < len ? l : len - 1);
	memcpy(out, s, l);
	out[l] = 0;
}

static bool attr_u32(const struct nlattr *a, __u32 *v)
{
	if (mnl_attr_get_payload_len(a) < sizeof(__u32))
		return false;
	*v = mnl_attr_get_u32(a);
	return true;
}

struct link_msg {
	struct link_peer lp;
	bool have_link, have_nsid;
};

/* One RTM_NEWLINK: the name, MTU, flags, kind and the link to the peer. */
static void link_parse(const struct nlmsghdr *nlh, struct link_msg *m)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *b;
	__u32 v;

	memset(m, 0, sizeof(*m));
	m->lp.ifindex = ifm->ifi_index;
	m->lp.peer_flags = ifm->ifi_flags; /* the peer's own flags when this is the peer */
	m->lp.peer_nsid = -1;
	mnl_attr_for_each(a, nlh, sizeof(*ifm))
	{
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			attr_str(a, m->lp.name, sizeof(m->lp.name));
			break;
		case IFLA_MTU:
			if (attr_u32(a, &v))
				m->lp.mtu = v;
			break;
		case IFLA_LINK:
			if (attr_u32(a, &v)) {
				m->lp.peer_ifindex = (int)v;
				m->have_link = true;
			}
			break;
		case IFLA_LINK_NETNSID:
			if (attr_u32(a, &v) && (int)v >= 0) {
				m->lp.peer_nsid = (int)v;
				m->have_nsid = true;
			}
			break;
		case IFLA_LINKINFO:
			mnl_attr_for_each_nested(b, a)
			{
				if (mnl_attr_get_type(b) == IFLA_INFO_KIND)
					attr_str(b, m->lp.kind, sizeof(m->lp.kind));
			}
			break;
		}
	}
}

struct peer_dump {
	struct link_peer *arr;
	size_t n, cap;
	int err;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct peer_dump *d = data;
	struct link_msg m;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg))
		return MNL_CB_OK;
	link_parse(nlh, &m);
	/* Pairs only: a veth or netkit names its peer in IFLA_LINK. */
	if (!m.have_link || !m.lp.peer_ifindex || !m.lp.name[0] ||
	    (strcmp(m.lp.kind, "veth") && strcmp(m.lp.kind, "netkit")))
		return MNL_CB_OK;
	if (d->n >= MAX_PEERS)
		return MNL_CB_OK;
	d->arr = nl_grow(d->arr, &d->cap, d->n, sizeof(*d->arr)) ?: d->arr;
	if (d->n >= d->cap) {
		d->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	m.lp.peer_err = -ENOENT;
	m.lp.peer_flags = 0;
	d->arr[d->n++] = m.lp;
	return MNL_CB_OK;
}

/* Answers to earlier requests skipped before ours: more would be a flood, not a late answer. */
#define STALE_MAX 64

/*
 * One request and its one answer (or error), bounded by the socket's
 * receive timeout. An answer that came after its request timed out is
 * still queued: it is skipped, not taken for this one's (the request is
 * built in buf, which the answer overwrites: its seq is kept first).
 */
static int request(struct mnl_socket *nl, struct nlmsghdr *nlh, char *buf, mnl_cb_t cb, void *data)
{
	unsigned portid = mnl_socket_get_portid(nl), seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (int i = 0;; i++) {
		n = mnl_socket_recvfrom(nl, buf, REQ_BUF);
		if (n < 0)
			return -errno;
		if ((size_t)n < sizeof(struct nlmsghdr) ||
		    ((struct nlmsghdr *)buf)->nlmsg_seq == seq || i == STALE_MAX)
			break;
	}
	errno = 0;
	ret = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
	if (ret < 0)
		return errno ? -errno : -EIO;
	return 0;
}

static int peer_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_peer *p = data;
	struct link_msg m;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg))
		return MNL_CB_OK;
	link_parse(nlh, &m);
	if (m.lp.ifindex != p->peer_ifindex)
		return MNL_CB_OK;
	memcpy(p->peer_name, m.lp.name, sizeof(p->peer_name));
	p->peer_mtu = m.lp.mtu;
	p->peer_flags = m.lp.peer_flags;
	p->peer_err = 0;
	return MNL_CB_STOP;
}

/* The peer's link, read in its own namespace (IFLA_TARGET_NETNSID) when it is another. */
static void peer_read(struct mnl_socket *nl, unsigned *seq, struct link_peer *p, char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	int ret;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++*seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = p->peer_ifindex;
	if (p->peer_nsid >= 0)
		mnl_attr_put_u32(nlh, IFLA_TARGET_NETNSID, (__u32)p->peer_nsid);
	/* No statistics: only the name, MTU and flags are wanted. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, 0);
	ret = request(nl, nlh, buf, peer_cb, p);
	if (ret)
		p->peer_err = ret;
}

int linkpeer_read(struct mnl_socket *nl, unsigned *seq, struct link_peer **out)
{
	char req[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg))] = {};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct peer_dump d = {};
	struct ifinfomsg *ifm;
	char *buf;
	int err;

	*out = NULL;
	nlh->nlmsg_type = RTM_GETLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	err = nl_dump(nl, seq, nlh, dump_cb, &d);
	if (d.err)
		err = d.err;
	if (err) {
		free(d.arr);
		return err;
	}
	buf = d.n ? malloc(REQ_BUF) : NULL;
	for (size_t i = 0; i < d.n && buf; i++)
		peer_read(nl, seq, &d.arr[i], buf);
	free(buf);
	*out = d.arr;
	return (int)d.n;
}

static int nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;
	int *nsid = data;

	if (nlh->nlmsg_type != RTM_NEWNSID ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct rtgenmsg))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(struct rtgenmsg))
	{
		if (mnl_attr_get_type(a) == NETNSA_NSID && mnl_attr_get_payload_len(a) >= 4)
			*nsid = (int)mnl_attr_get_u32(a);
	}
	return MNL_CB_STOP;
}

int linkpeer_nsid(struct mnl_socket *nl, unsigned *seq, int nsfd)
{
	char *buf = malloc(REQ_BUF);
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;
	int nsid = NETNSA_NSID_NOT_ASSIGNED, ret;

	if (!buf)
		return -ENOMEM;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETNSID;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++*seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (__u32)nsfd);
	ret = request(nl, nlh, buf, nsid_cb, &nsid);
	free(buf);
	if (ret)
		return ret;
	return nsid >= 0 ? nsid : -ENOENT;
}
