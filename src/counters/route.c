// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "counters/route.h"

#define ROUTE_STALE_MAX 64 /* late answers skipped before ours */
#define ROUTE_BUF	8192

const char *route_type_name(__u8 type)
{
	static const char *const names[] = {
		[RTN_UNSPEC] = "none",
		[RTN_UNICAST] = "unicast",
		[RTN_LOCAL] = "local",
		[RTN_BROADCAST] = "broadcast",
		[RTN_ANYCAST] = "anycast",
		[RTN_MULTICAST] = "multicast",
		[RTN_BLACKHOLE] = "blackhole",
		[RTN_UNREACHABLE] = "unreachable",
		[RTN_PROHIBIT] = "prohibit",
		[RTN_THROW] = "throw",
		[RTN_NAT] = "nat",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "other";
}

struct route_answer {
	struct route_info *out;
	int family;
	bool got;
};

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_answer *ra = data;
	const struct rtmsg *rtm;
	const struct nlattr *a;
	size_t alen = ra->family == AF_INET ? 4 : 16;

	if (nlh->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_OK;
	rtm = mnl_nlmsg_get_payload(nlh);
	ra->out->type = rtm->rtm_type;
	mnl_attr_for_each(a, nlh, sizeof(*rtm))
	{
		switch (mnl_attr_get_type(a)) {
		case RTA_OIF:
			if (mnl_attr_get_payload_len(a) >= sizeof(__u32))
				ra->out->oif = (int)mnl_attr_get_u32(a);
			break;
		case RTA_GATEWAY:
			if (mnl_attr_get_payload_len(a) == alen &&
			    !inet_ntop(ra->family, mnl_attr_get_payload(a), ra->out->gateway,
				       sizeof(ra->out->gateway)))
				ra->out->gateway[0] = 0;
			break;
		}
	}
	ra->got = true;
	return MNL_CB_STOP;
}

int route_get(struct mnl_socket *nl, unsigned *seq, int family, const void *addr,
	      struct route_info *out)
{
	struct route_answer ra = { .out = out, .family = family };
	size_t alen = family == AF_INET ? 4 : 16;
	unsigned portid = mnl_socket_get_portid(nl);
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	char *buf;
	int ret;

	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	buf = malloc(ROUTE_BUF);
	if (!buf)
		return -ENOMEM;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++*seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (__u8)family;
	rtm->rtm_dst_len = (__u8)(alen * 8);
	mnl_attr_put(nlh, RTA_DST, alen, addr);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	/*
	 * One answer (or an error) for a plain request; the socket's receive
	 * timeout bounds the wait. An earlier request's late answer is
	 * skipped, not taken for ours: matched by *seq, as the answer
	 * overwrites the request in buf.
	 */
	for (int i = 0;; i++) {
		ret = (int)mnl_socket_recvfrom(nl, buf, ROUTE_BUF);
		if (ret < 0) {
			ret = -errno;
			goto out;
		}
		if ((size_t)ret < sizeof(*nlh) || nlh->nlmsg_seq == *seq || i == ROUTE_STALE_MAX)
			break;
	}
	ret = mnl_cb_run(buf, (size_t)ret, *seq, portid, route_cb, &ra);
	if (ret < 0)
		ret = -errno;
	else
		ret = ra.got ? 0 : -ENOENT;
out:
	free(buf);
	return ret;
}
