// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "counters/bpfhooks.h"

const char *bpfhooks_kind_name(enum hook_kind k)
{
	static const char *const names[] = { "xdp", "xdpgeneric", "xdpoffload", "tcx", "clsact" };

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

#ifdef DROPSCOPE_NO_EXPORTER
/* The static build has no libmnl: no listing, so no attribution by it. */
int bpfhooks_read(int nsfd, __u32 netns, struct bpf_hook **arr, size_t *n, size_t *cap)
{
	(void)nsfd, (void)netns, (void)arr, (void)n, (void)cap;
	return -EOPNOTSUPP;
}
#else
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>

#include "lib/netlink.h"
#include "lib/netns.h"

/* Older UAPI headers than the kernels that have tcx (6.6+): the ABI values. */
#define DS_TCX_INGRESS ((enum bpf_attach_type)46)
#define DS_TCX_EGRESS  ((enum bpf_attach_type)47)

/* More than anyone attaches to one hook: tcx allows 64 by default. */
#define TCX_MAX	       64

struct job {
	__u32 netns;
	struct bpf_hook **arr;
	size_t *n, *cap;
	struct mnl_socket *nl;
	unsigned seq;
	/* the devices of the link dump, for the per-device queries */
	struct {
		int ifindex;
		char name[IFNAMSIZ];
	} * dev;
	size_t ndev, capdev;
	int cur; /* index into dev of the filter dump under way */
	__u8 dir;
	__u16 pos;
};

static struct bpf_hook *add(struct job *j, int ifindex, const char *dev)
{
	struct bpf_hook *h, *p = nl_grow(*j->arr, j->cap, *j->n, sizeof(**j->arr));

	if (!p)
		return NULL;
	*j->arr = p;
	h = &p[(*j->n)++];
	memset(h, 0, sizeof(*h));
	h->netns = j->netns;
	h->ifindex = ifindex;
	strncpy(h->dev, dev, sizeof(h->dev) - 1);
	return h;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct job *j = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *xdp = NULL;
	char name[IFNAMSIZ] = "";
	void *p;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifi))
	{
		if (mnl_attr_get_type(a) == IFLA_IFNAME) {
			size_t l = mnl_attr_get_payload_len(a);

			l = l < sizeof(name) - 1 ? l : sizeof(name) - 1;
			memcpy(name, mnl_attr_get_payload(a), l);
			name[l] = 0;
		} else if (mnl_attr_get_type(a) == IFLA_XDP) {
			xdp = a;
		}
	}
	p = nl_grow(j->dev, &j->capdev, j->ndev, sizeof(*j->dev));
	if (!p)
		return MNL_CB_ERROR;
	j->dev = p;
	j->dev[j->ndev].ifindex = ifi->ifi_index;
	memcpy(j->dev[j->ndev].name, name, IFNAMSIZ);
	j->ndev++;
	if (!xdp)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(a, xdp)
	{
		static const struct {
			__u16 attr;
			__u8 kind;
		} modes[] = { { IFLA_XDP_DRV_PROG_ID, HOOK_XDP_DRV },
			      { IFLA_XDP_SKB_PROG_ID, HOOK_XDP_SKB },
			      { IFLA_XDP_HW_PROG_ID, HOOK_XDP_HW } };

		if (mnl_attr_get_payload_len(a) < sizeof(__u32))
			continue;
		for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
			struct bpf_hook *h;

			if (mnl_attr_get_type(a) != modes[i].attr || !mnl_attr_get_u32(a))
				continue;
			h = add(j, ifi->ifi_index, name);
			if (!h)
				return MNL_CB_ERROR;
			h->kind = modes[i].kind;
			h->dir = HOOK_INGRESS;
			h->prog_id = mnl_attr_get_u32(a);
		}
	}
	return MNL_CB_OK;
}

static void bpf_opts(const struct nlattr *opts, struct bpf_hook *h)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, opts) if (mnl_attr_get_type(a) == TCA_BPF_ID &&
					      mnl_attr_get_payload_len(a) >= 4) h->prog_id =
		mnl_attr_get_u32(a);
}

static int filter_cb(const struct nlmsghdr *nlh, void *data)
{
	struct job *j = data;
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *opts = NULL;
	struct bpf_hook *h;
	char kind[16] = "";
	__u32 chain = 0;

	if (nlh->nlmsg_type != RTM_NEWTFILTER || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*tcm)))
		return MNL_CB_OK;
	/* The filter's head (a pref's first message without a handle) has
	 * the kind but no options: only filters with a handle are listed. */
	if (!tcm->tcm_handle)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*tcm))
	{
		switch (mnl_attr_get_type(a)) {
		case TCA_KIND: {
			size_t l = mnl_attr_get_payload_len(a);

			l = l < sizeof(kind) - 1 ? l : sizeof(kind) - 1;
			memcpy(kind, mnl_attr_get_payload(a), l);
			kind[l] = 0;
			break;
		}
		case TCA_CHAIN:
			if (mnl_attr_get_payload_len(a) >= 4)
				chain = mnl_attr_get_u32(a);
			break;
		case TCA_OPTIONS:
			opts = a;
			break;
		}
	}
	h = add(j, j->dev[j->cur].ifindex, j->dev[j->cur].name);
	if (!h)
		return MNL_CB_ERROR;
	h->kind = HOOK_CLSACT;
	h->dir = j->dir;
	h->pos = j->pos++;
	h->chain = chain;
	h->pref = TC_H_MAJ(tcm->tcm_info) >> 16;
	h->handle = tcm->tcm_handle;
	kind[strnlen(kind, sizeof(kind) - 1)] = 0;
	memcpy(h->fkind, kind, sizeof(h->fkind));
	if (!strcmp(kind, "bpf") && opts)
		bpf_opts(opts, h);
	return MNL_CB_OK;
}

static int dump_filters(struct job *j, int d, __u8 dir)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *tcm;

	nlh->nlmsg_type = RTM_GETTFILTER;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = j->dev[d].ifindex;
	tcm->tcm_parent =
		TC_H_MAKE(TC_H_CLSACT, dir == HOOK_INGRESS ? TC_H_MIN_INGRESS : TC_H_MIN_EGRESS);
	j->cur = d;
	j->dir = dir;
	return nl_dump(j->nl, &j->seq, nlh, filter_cb, j);
}

static int query_tcx(struct job *j, int d, __u8 dir)
{
	__u32 ids[TCX_MAX];
	LIBBPF_OPTS(bpf_prog_query_opts, q, .prog_ids = ids, .prog_cnt = TCX_MAX);
	int err = bpf_prog_query_opts(j->dev[d].ifindex,
				      dir == HOOK_INGRESS ? DS_TCX_INGRESS : DS_TCX_EGRESS, &q);

	/* Refused (no CAP_NET_ADMIN any more): the caller keeps what it had. */
	if (err == -EPERM)
		return err;
	if (err)
		return 0; /* no tcx on this kernel, or nothing: not an error */
	for (__u32 i = 0; i < q.prog_cnt && i < TCX_MAX; i++) {
		struct bpf_hook *h = add(j, j->dev[d].ifindex, j->dev[d].name);

		if (!h)
			return -ENOMEM;
		h->kind = HOOK_TCX;
		h->dir = dir;
		h->pos = j->pos++;
		h->prog_id = ids[i];
	}
	return 0;
}

static int run(void *arg)
{
	struct job *j = arg;
	struct timeval tv = { .tv_sec = 2 };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int err;

	j->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!j->nl)
		return -errno;
	if (mnl_socket_bind(j->nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    setsockopt(mnl_socket_get_fd(j->nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		err = -errno;
		goto out;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	/* No per-device IPv6 statistics (summed over every CPU): not read. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = nl_dump(j->nl, &j->seq, nlh, link_cb, j);
	/* tcx runs before the clsact filters on each hook: listed in that order. */
	for (size_t d = 0; !err && d < j->ndev; d++)
		for (__u8 dir = HOOK_INGRESS; !err && dir <= HOOK_EGRESS; dir++) {
			j->pos = 0;
			err = query_tcx(j, (int)d, dir);
			if (!err) {
				err = dump_filters(j, (int)d, dir);
				/* gone meanwhile, or no clsact: nothing there */
				if (err == -ENODEV || err == -EINVAL || err == -ENOENT)
					err = 0;
			}
		}
out:
	mnl_socket_close(j->nl);
	return err;
}

int bpfhooks_read(int nsfd, __u32 netns, struct bpf_hook **arr, size_t *n, size_t *cap)
{
	struct job j = { .netns = netns, .arr = arr, .n = n, .cap = cap };
	int err = nsfd < 0 ? run(&j) : netns_run_in(nsfd, run, &j);

	free(j.dev);
	return err;
}
#endif
