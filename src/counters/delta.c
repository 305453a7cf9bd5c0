// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <linux/pkt_sched.h>

#include "counters/delta.h"

__u64 counter_grew32(__u32 before, __u32 after)
{
	return (__u32)(after - before);
}

__u64 counter_grew64(__u64 before, __u64 after)
{
	return after >= before ? after - before : 0;
}

const struct qdisc_stats *counter_qdisc_match(const struct counter_snapshot *s,
					      const struct qdisc_stats *q)
{
	for (size_t i = 0; i < s->nqdisc; i++)
		if (s->qdisc[i].ifindex == q->ifindex && s->qdisc[i].handle == q->handle &&
		    s->qdisc[i].parent == q->parent && !strcmp(s->qdisc[i].kind, q->kind))
			return &s->qdisc[i];
	return NULL;
}

static const struct dev_stats *dev_match(const struct counter_snapshot *s, int ifindex)
{
	for (size_t i = 0; i < s->ndev; i++)
		if (s->dev[i].ifindex == ifindex)
			return &s->dev[i];
	return NULL;
}

static void dev_moves(const struct counter_snapshot *a, const struct counter_snapshot *b,
		      void (*fn)(void *, const struct counter_move *), void *ctx)
{
	for (size_t i = 0; i < b->ndev; i++) {
		const struct dev_stats *now = &b->dev[i], *then = dev_match(a, now->ifindex);

		for (int k = 0; then && k < DEV_DROP_KINDS; k++) {
			struct counter_move m = { .family = CF_DEV,
						  .dev = now->name,
						  .name = devstats_kind_name(k) };

			if (!now->have[k])
				continue;
			m.delta = counter_grew64(then->v[k], now->v[k]);
			if (m.delta)
				fn(ctx, &m);
		}
	}
}

static void qdisc_moves(const struct counter_snapshot *a, const struct counter_snapshot *b,
			void (*fn)(void *, const struct counter_move *), void *ctx)
{
	for (size_t i = 0; i < b->nqdisc; i++) {
		const struct qdisc_stats *q = &b->qdisc[i], *p = counter_qdisc_match(a, q);
		struct counter_move m = {
			.family = CF_QDISC,
			.dev = counters_dev_name(b, q->ifindex),
			.name = q->kind,
			.qdisc = q,
			/* ingress and clsact sit at the top of
					   * their own hook, counting their
					   * filters' drops (TC_ACT_SHOT, both
					   * directions), which no root sees */
			.root = q->parent == TC_H_ROOT || q->parent == TC_H_INGRESS,
			.delta = p ? counter_grew32(p->drops, q->drops) : q->drops
		};

		if (m.delta)
			fn(ctx, &m);
	}
}

static void drv_moves(const struct counter_snapshot *a, const struct counter_snapshot *b,
		      void (*fn)(void *, const struct counter_move *), void *ctx)
{
	for (size_t i = 0; i < b->ndrv; i++) {
		const struct drv_counter *now = &b->drv[i];

		/* Driver counters come and go with the device: one not in a
		 * has no start to compare with, as for devices. */
		for (size_t j = 0; j < a->ndrv; j++) {
			const struct drv_counter *then = &a->drv[j];
			struct counter_move m = { .family = CF_DRV,
						  .dev = now->dev,
						  .name = now->name };

			if (then->ifindex != now->ifindex || strcmp(then->name, now->name))
				continue;
			m.delta = counter_grew64(then->value, now->value);
			if (m.delta)
				fn(ctx, &m);
			break;
		}
	}
}

void counter_moves(const struct counter_snapshot *a, const struct counter_snapshot *b,
		   void (*fn)(void *ctx, const struct counter_move *m), void *ctx)
{
	struct counter_move sn[2] = { { .family = CF_SOFTNET, .name = "dropped" },
				      { .family = CF_SOFTNET, .name = "flow_limit" } };

	dev_moves(a, b, fn, ctx);
	qdisc_moves(a, b, fn, ctx);
	/* Per CPU in the file, summed: a CPU is the same line in both. */
	for (size_t i = 0; i < b->nsoftnet && i < a->nsoftnet; i++) {
		sn[0].delta += counter_grew64(a->softnet[i].dropped, b->softnet[i].dropped);
		sn[1].delta += counter_grew64(a->softnet[i].flow_limit, b->softnet[i].flow_limit);
	}
	for (int k = 0; k < 2; k++)
		if (sn[k].delta)
			fn(ctx, &sn[k]);
	for (size_t i = 0; a->snmp && b->snmp && i < snmp_drop_count; i++) {
		struct counter_move m = { .family = CF_SNMP, .name = snmp_drop_counters[i].nstat };

		if (!b->snmp[i].present)
			continue;
		m.delta = counter_grew64(a->snmp[i].value, b->snmp[i].value);
		if (m.delta)
			fn(ctx, &m);
	}
	drv_moves(a, b, fn, ctx);
}

/* A driver counter per queue ("rx_queue_0_xdp_drops", "rx0_drops"), not a device's total. */
static bool per_queue(const char *name)
{
	return strpbrk(name, "0123456789") != NULL;
}

static bool of_class(const struct drv_counter *c, int ifindex, const char *cls)
{
	const char *k;

	if (ifindex && c->ifindex != ifindex)
		return false;
	k = drvstats_class(c->name);
	return k && !strcmp(k, cls);
}

bool counter_driver_delta(const struct counter_snapshot *a, const struct counter_snapshot *b,
			  const char *cls, int ifindex, __u64 *delta)
{
	*delta = 0;
	if (a->err_drv || b->err_drv)
		return false;
	for (size_t i = 0; i < b->ndrv; i++) {
		const struct drv_counter *now = &b->drv[i];
		bool total = false;

		if (!of_class(now, ifindex, cls))
			continue;
		/* A device with a total of the class (virtio's rx_drops beside
		 * rx0_drops, mlx5's rx_xdp_drop beside rx0_xdp_drop) counts by
		 * it; one without (veth) by the sum of its queues. */
		for (size_t j = 0; j < b->ndrv && !total; j++)
			total = of_class(&b->drv[j], now->ifindex, cls) &&
				!per_queue(b->drv[j].name);
		if (total && per_queue(now->name))
			continue;
		for (size_t j = 0; j < a->ndrv; j++)
			if (a->drv[j].ifindex == now->ifindex &&
			    !strcmp(a->drv[j].name, now->name)) {
				*delta += counter_grew64(a->drv[j].value, now->value);
				break;
			}
	}
	return true;
}

static bool dev_kind_known(const char *name)
{
	for (int k = 0; k < DEV_DROP_KINDS; k++)
		if (!strcmp(devstats_kind_name(k), name))
			return true;
	return false;
}

struct sum {
	enum counter_family family;
	const char *name; /* NULL: every name of the family */
	bool root_only;
	__u64 total;
};

static void add_move(void *ctx, const struct counter_move *m)
{
	struct sum *s = ctx;

	if (m->family != s->family || (s->name && strcmp(m->name, s->name)) ||
	    (s->root_only && !m->root))
		return;
	s->total += m->delta;
}

bool counter_delta(const struct counter_snapshot *a, const struct counter_snapshot *b,
		   const char *name, __u64 *delta)
{
	struct sum s = {};
	int err;

	*delta = 0;
	if (!strcmp(name, "qdisc:drops")) {
		s = (struct sum){ .family = CF_QDISC, .root_only = true };
		err = a->err_qdisc || b->err_qdisc;
	} else if (!strncmp(name, "dev:", 4)) {
		s = (struct sum){ .family = CF_DEV, .name = name + 4 };
		err = a->err_dev || b->err_dev || !dev_kind_known(s.name);
	} else if (!strncmp(name, "driver:", 7)) {
		return counter_driver_delta(a, b, name + 7, 0, delta);
	} else if (!strncmp(name, "softnet:", 8)) {
		s = (struct sum){ .family = CF_SOFTNET, .name = name + 8 };
		err = a->err_softnet || b->err_softnet ||
		      (strcmp(s.name, "dropped") && strcmp(s.name, "flow_limit"));
	} else {
		size_t i;

		for (i = 0; i < snmp_drop_count; i++)
			if (!strcmp(snmp_drop_counters[i].nstat, name))
				break;
		s = (struct sum){ .family = CF_SNMP, .name = name };
		err = i == snmp_drop_count || !a->snmp || !b->snmp || !b->snmp[i].present;
	}
	if (err)
		return false;
	counter_moves(a, b, add_move, &s);
	*delta = s.total;
	return true;
}
