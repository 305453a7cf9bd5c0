// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/gen_stats.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "lib/netlink.h"
#include "counters/qdiscstats.h"

struct qdisc_dump {
	struct qdisc_stats *arr;
	size_t n, cap;
	int err;
};

/* Copy at most sizeof(*dst) bytes: a shorter payload (older kernel) leaves zeros. */
static void copy_payload(void *dst, size_t size, const struct nlattr *a)
{
	size_t l = mnl_attr_get_payload_len(a);

	memset(dst, 0, size);
	memcpy(dst, mnl_attr_get_payload(a), l < size ? l : size);
}

static void parse_stats2(struct qdisc_stats *q, const struct nlattr *nest)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
	{
		switch (mnl_attr_get_type(a)) {
		case TCA_STATS_BASIC: {
			struct gnet_stats_basic b;

			copy_payload(&b, sizeof(b), a);
			q->bytes = b.bytes;
			if (!q->packets)
				q->packets = b.packets;
			break;
		}
		case TCA_STATS_PKT64:
			/* The 64-bit packet count, where the kernel sends one. */
			if (mnl_attr_get_payload_len(a) >= sizeof(__u64))
				q->packets = mnl_attr_get_u64(a);
			break;
		case TCA_STATS_QUEUE: {
			struct gnet_stats_queue s;

			copy_payload(&s, sizeof(s), a);
			q->qlen = s.qlen;
			q->backlog = s.backlog;
			q->drops = s.drops;
			q->requeues = s.requeues;
			q->overlimits = s.overlimits;
			break;
		}
		}
	}
}

static void nested_u32(struct qdisc_stats *q, const struct nlattr *opts, int type, const char *unit)
{
	const struct nlattr *a;

	if (mnl_attr_validate(opts, MNL_TYPE_NESTED) < 0)
		return;
	mnl_attr_for_each_nested(a, opts)
	{
		if (mnl_attr_get_type(a) == type && mnl_attr_get_payload_len(a) >= sizeof(__u32)) {
			q->limit = mnl_attr_get_u32(a);
			q->limit_unit = unit;
		}
	}
}

/*
 * The limit of the kinds whose overflow is a plain "queue full" drop, each
 * as its own qdisc dumps it (net/sched/sch_*.c, the dump callback). Other
 * kinds (htb, cake, ...) keep limit_unit NULL: the caller says "not known".
 * pfifo_fast has no option: its limit is the device's txqueuelen.
 */
static void parse_limit(struct qdisc_stats *q, const struct nlattr *opts)
{
	size_t len = mnl_attr_get_payload_len(opts);
	const void *p = mnl_attr_get_payload(opts);

	if (!strcmp(q->kind, "pfifo") || !strcmp(q->kind, "bfifo") ||
	    !strcmp(q->kind, "pfifo_head_drop")) {
		struct tc_fifo_qopt f;

		if (len < sizeof(f))
			return;
		memcpy(&f, p, sizeof(f));
		q->limit = f.limit;
		q->limit_unit = q->kind[0] == 'b' ? "bytes" : "packets";
	} else if (!strcmp(q->kind, "netem")) {
		struct tc_netem_qopt n;

		if (len < sizeof(n))
			return;
		memcpy(&n, p, sizeof(n));
		q->limit = n.limit;
		q->limit_unit = "packets";
	} else if (!strcmp(q->kind, "sfq")) {
		struct tc_sfq_qopt f;

		if (len < sizeof(f))
			return;
		memcpy(&f, p, sizeof(f));
		q->limit = f.limit;
		q->limit_unit = "packets";
	} else if (!strcmp(q->kind, "tbf")) {
		const struct nlattr *a;

		if (mnl_attr_validate(opts, MNL_TYPE_NESTED) < 0)
			return;
		mnl_attr_for_each_nested(a, opts)
		{
			struct tc_tbf_qopt t;

			if (mnl_attr_get_type(a) != TCA_TBF_PARMS ||
			    mnl_attr_get_payload_len(a) < sizeof(t))
				continue;
			memcpy(&t, mnl_attr_get_payload(a), sizeof(t));
			q->limit = t.limit;
			q->limit_unit = "bytes";
		}
	} else if (!strcmp(q->kind, "fq_codel")) {
		nested_u32(q, opts, TCA_FQ_CODEL_LIMIT, "packets");
	} else if (!strcmp(q->kind, "fq")) {
		nested_u32(q, opts, TCA_FQ_PLIMIT, "packets");
	} else if (!strcmp(q->kind, "codel")) {
		nested_u32(q, opts, TCA_CODEL_LIMIT, "packets");
	}
}

static int qdisc_cb(const struct nlmsghdr *nlh, void *data)
{
	struct qdisc_dump *qd = data;
	const struct tcmsg *tcm;
	const struct nlattr *a;
	const struct nlattr *opts = NULL;
	struct qdisc_stats q = {};
	bool stats2 = false;

	if (nlh->nlmsg_type != RTM_NEWQDISC || mnl_nlmsg_get_payload_len(nlh) < sizeof(*tcm))
		return MNL_CB_OK;
	tcm = mnl_nlmsg_get_payload(nlh);
	q.ifindex = tcm->tcm_ifindex;
	q.handle = tcm->tcm_handle;
	q.parent = tcm->tcm_parent;
	mnl_attr_for_each(a, nlh, sizeof(*tcm))
	{
		switch (mnl_attr_get_type(a)) {
		case TCA_KIND: {
			size_t l = mnl_attr_get_payload_len(a);

			l = strnlen(mnl_attr_get_str(a),
				    l < sizeof(q.kind) ? l : sizeof(q.kind) - 1);
			memcpy(q.kind, mnl_attr_get_str(a), l);
			q.kind[l] = 0;
			break;
		}
		case TCA_OPTIONS:
			opts = a;
			break;
		case TCA_STATS2:
			if (mnl_attr_validate(a, MNL_TYPE_NESTED) >= 0) {
				parse_stats2(&q, a);
				stats2 = true;
			}
			break;
		case TCA_STATS:
			/* The old struct tc_stats: only when there is no TCA_STATS2. */
			if (!stats2) {
				struct tc_stats s;

				copy_payload(&s, sizeof(s), a);
				q.bytes = s.bytes;
				q.packets = s.packets;
				q.drops = s.drops;
				q.overlimits = s.overlimits;
				q.qlen = s.qlen;
				q.backlog = s.backlog;
			}
			break;
		}
	}
	/* After the loop: the kind says how to read the options. */
	if (opts)
		parse_limit(&q, opts);
	qd->arr = nl_grow(qd->arr, &qd->cap, qd->n, sizeof(*qd->arr)) ?: qd->arr;
	if (qd->n >= qd->cap) {
		qd->err = -ENOMEM;
		return MNL_CB_ERROR;
	}
	qd->arr[qd->n++] = q;
	return MNL_CB_OK;
}

int qdiscstats_read(struct mnl_socket *nl, unsigned *seq, struct qdisc_stats **out)
{
	char req[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct tcmsg))] = {};
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req);
	struct qdisc_dump qd = {};
	struct tcmsg *tcm;
	int err;

	nlh->nlmsg_type = RTM_GETQDISC;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	err = nl_dump(nl, seq, nlh, qdisc_cb, &qd);
	if (qd.err)
		err = qd.err;
	if (err) {
		free(qd.arr);
		*out = NULL;
		return err;
	}
	*out = qd.arr;
	return (int)qd.n;
}

void qdisc_handle_str(__u32 h, char *buf, size_t len)
{
	if (h == TC_H_ROOT)
		snprintf(buf, len, "root");
	else if (TC_H_MIN(h))
		snprintf(buf, len, "%x:%x", TC_H_MAJ(h) >> 16, TC_H_MIN(h));
	else
		snprintf(buf, len, "%x:", TC_H_MAJ(h) >> 16);
}
