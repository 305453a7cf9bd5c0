// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "counters/neigh.h"
#include "lib/netlink.h"

struct neigh_dump {
	struct neigh_entry *arr;
	size_t n, cap;
	int err;
};

const char *neigh_state_name(__u16 state)
{
	static const struct {
		__u16 bit;
		const char *name;
	} names[] = {
		{ NUD_INCOMPLETE, "INCOMPLETE" }, { NUD_REACHABLE, "REACHABLE" },
		{ NUD_STALE, "STALE" },		  { NUD_DELAY, "DELAY" },
		{ NUD_PROBE, "PROBE" },		  { NUD_FAILED, "FAILED" },
		{ NUD_NOARP, "NOARP" },		  { NUD_PERMANENT, "PERMANENT" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (state & names[i].bit)
			return names[i].name;
	return "NONE";
}

static int neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	struct neigh_dump *nd = data;
	const struct ndmsg *ndm;
	const struct nlattr *a;
	struct neigh_entry e = {};
	bool have_dst = false;

	if (nlh->nlmsg_type != RTM_NEWNEIGH || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ndm))
		return MNL_CB_OK;
	ndm = mnl_nlmsg_get_payload(nlh);
	if (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6)
		return MNL_CB_OK;
	e.ifindex = ndm->ndm_ifindex;
	e.family = ndm->ndm_family;
	e.state = ndm->ndm_state;
	mnl_attr_for_each(a, nlh, sizeof(*ndm))
	{
		size_t l = mnl_attr_get_payload_len(a);

		switch (mnl_attr_get_type(a)) {
		case NDA_DST:
			/* The address must be whole for its family, or it is not shown. */
			if (l == (e.family == AF_INET ? 4u : 16u))
				have_dst = inet_ntop(e.family, mnl_attr_get_payload(a), e.addr,
						     sizeof(e.addr)) != NULL;
			break;
		case NDA_LLADDR:
			if (l > sizeof(e.lladdr))
				l = sizeof(e.lladdr);
			memcpy(e.lladdr, mnl_attr_get_payload(a), l);
			e.lladdr_len = (__u8)l;
			break;
		}
	}
	if (!have_dst)
		return MNL_CB_OK;
	nd->arr = nl_grow(nd->arr, &nd->cap, nd->n, sizeof(*nd->arr)) ?: nd->arr;
	if (nd->n >= nd->cap) {
		nd->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	nd->arr[nd->n++] = e;
	return MNL_CB_OK;
}

int neigh_read(struct mnl_socket *nl, unsigned *seq, struct neigh_entry **out)
{
	char req[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ndmsg))] = {};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct neigh_dump nd = {};
	struct ndmsg *ndm;
	int err;

	nlh->nlmsg_type = RTM_GETNEIGH;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_UNSPEC;
	err = nl_dump(nl, seq, nlh, neigh_cb, &nd);
	if (nd.err)
		err = nd.err;
	if (err) {
		free(nd.arr);
		*out = NULL;
		return err;
	}
	*out = nd.arr;
	return (int)nd.n;
}
