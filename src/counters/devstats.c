// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "counters/devstats.h"
#include "lib/netlink.h"

/* Each kind's field in struct rtnl_link_stats64: the kernel appends
 * fields, so one that starts beyond the payload the kernel sent is absent. */
static const struct {
	const char *name;
	size_t off;
} kinds[DEV_DROP_KINDS] = {
	[DEV_RX_DROPPED] = { "rx_dropped", offsetof(struct rtnl_link_stats64, rx_dropped) },
	[DEV_TX_DROPPED] = { "tx_dropped", offsetof(struct rtnl_link_stats64, tx_dropped) },
	[DEV_RX_MISSED] = { "rx_missed_errors",
			    offsetof(struct rtnl_link_stats64, rx_missed_errors) },
	[DEV_RX_FIFO] = { "rx_fifo_errors", offsetof(struct rtnl_link_stats64, rx_fifo_errors) },
	[DEV_RX_OVER] = { "rx_over_errors", offsetof(struct rtnl_link_stats64, rx_over_errors) },
	[DEV_RX_NOHANDLER] = { "rx_nohandler", offsetof(struct rtnl_link_stats64, rx_nohandler) },
	[DEV_RX_OTHERHOST] = { "rx_otherhost_dropped",
			       offsetof(struct rtnl_link_stats64, rx_otherhost_dropped) },
};

const char *devstats_kind_name(enum dev_drop_kind k)
{
	return k < DEV_DROP_KINDS ? kinds[k].name : "unknown";
}

void devstats_from_stats64(struct dev_stats *d, const void *payload, size_t len)
{
	for (int k = 0; k < DEV_DROP_KINDS; k++) {
		d->have[k] = kinds[k].off + sizeof(__u64) <= len;
		d->v[k] = 0;
		if (d->have[k])
			memcpy(&d->v[k], (const char *)payload + kinds[k].off, sizeof(__u64));
	}
}

struct link_dump {
	struct dev_stats *arr;
	size_t n, cap;
	int err;
};

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_dump *ld = data;
	const struct ifinfomsg *ifm;
	const struct nlattr *a;
	struct dev_stats d = {};
	bool stats = false;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg))
		return MNL_CB_OK;
	ifm = mnl_nlmsg_get_payload(nlh);
	d.ifindex = ifm->ifi_index;
	d.flags = ifm->ifi_flags;
	mnl_attr_for_each(a, nlh, sizeof(*ifm))
	{
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME: {
			size_t l = mnl_attr_get_payload_len(a);
			const char *s = mnl_attr_get_str(a);

			/* Not trusted to be terminated: copy at most the payload. */
			l = strnlen(s, l < sizeof(d.name) ? l : sizeof(d.name) - 1);
			memcpy(d.name, s, l);
			d.name[l] = 0;
			break;
		}
		case IFLA_ADDRESS: {
			size_t l = mnl_attr_get_payload_len(a);

			if (l > sizeof(d.addr))
				l = sizeof(d.addr);
			memcpy(d.addr, mnl_attr_get_payload(a), l);
			d.addr_len = (__u8)l;
			break;
		}
		case IFLA_TXQLEN:
			if (mnl_attr_get_payload_len(a) >= sizeof(__u32))
				d.txqlen = mnl_attr_get_u32(a);
			break;
		case IFLA_MTU:
			if (mnl_attr_get_payload_len(a) >= sizeof(__u32))
				d.mtu = mnl_attr_get_u32(a);
			break;
		case IFLA_XDP: {
			const struct nlattr *x;

			/* How its XDP program runs: generic XDP's drops are counted by no counter. */
			mnl_attr_for_each_nested(x,
						 a) if (mnl_attr_get_type(x) == IFLA_XDP_ATTACHED &&
							mnl_attr_get_payload_len(x) >= sizeof(__u8))
				d.xdp_attached = mnl_attr_get_u8(x);
			break;
		}
		case IFLA_STATS64:
			devstats_from_stats64(&d, mnl_attr_get_payload(a),
					      mnl_attr_get_payload_len(a));
			stats = true;
			break;
		}
	}
	if (!stats || !d.name[0])
		return MNL_CB_OK;
	ld->arr = nl_grow(ld->arr, &ld->cap, ld->n, sizeof(*ld->arr)) ?: ld->arr;
	if (ld->n >= ld->cap) {
		ld->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	ld->arr[ld->n++] = d;
	return MNL_CB_OK;
}

int devstats_read(struct mnl_socket *nl, unsigned *seq, struct dev_stats **out)
{
	char req[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg)) + MNL_ATTR_HDRLEN +
		 sizeof(__u32)] = {};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct link_dump ld = {};
	struct ifinfomsg *ifm;
	int err;

	nlh->nlmsg_type = RTM_GETLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	/* IFLA_STATS64 is in every link message regardless; this leaves out
	 * the per-device IPv6 and ICMPv6 statistics (IFLA_INET6_STATS), which
	 * the kernel sums over every CPU per device and nothing here reads. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = nl_dump(nl, seq, nlh, link_cb, &ld);
	if (ld.err)
		err = ld.err;
	if (err) {
		free(ld.arr);
		*out = NULL;
		return err;
	}
	*out = ld.arr;
	return (int)ld.n;
}
