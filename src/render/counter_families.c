// SPDX-License-Identifier: GPL-2.0
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "counters/counters.h"
#include "trace/progwatch.h"
#include "render/counter_families.h"

static void dev_families(struct expo *e, const struct counter_snapshot *snap)
{
	struct mbuf l = {};

	expo_family(e, "dropscope_device_drops_total", "counter",
		    "Drops a device counted (rtnetlink stats64), by device and counter name.");
	for (size_t i = 0; i < snap->ndev; i++) {
		const struct dev_stats *d = &snap->dev[i];

		for (int k = 0; k < DEV_DROP_KINDS; k++) {
			if (!d->have[k])
				continue;
			l.len = 0;
			labels_add(&l, "device", d->name);
			labels_add(&l, "kind", devstats_kind_name((enum dev_drop_kind)k));
			expo_u64(e, "dropscope_device_drops_total", l.p, d->v[k]);
		}
	}
	mbuf_free(&l);
}

static void qdisc_labels(struct mbuf *l, const struct counter_snapshot *snap,
			 const struct qdisc_stats *q)
{
	const char *dev = counters_dev_name(snap, q->ifindex);
	char h[24], p[24], num[16];

	if (!dev) {
		snprintf(num, sizeof(num), "%d", q->ifindex);
		dev = num;
	}
	qdisc_handle_str(q->handle, h, sizeof(h));
	qdisc_handle_str(q->parent, p, sizeof(p));
	l->len = 0;
	labels_add(l, "device", dev);
	labels_add(l, "kind", q->kind);
	labels_add(l, "handle", h);
	labels_add(l, "parent", p);
}

static void qdisc_families(struct expo *e, const struct counter_snapshot *snap)
{
	static const struct {
		const char *name, *type, *help;
		size_t off;
		bool u64;
	} fam[] = {
		{ "dropscope_qdisc_drops_total", "counter",
		  "Packets a qdisc dropped (tc -s: dropped), 32 bits in the kernel.",
		  offsetof(struct qdisc_stats, drops), false },
		{ "dropscope_qdisc_overlimits_total", "counter",
		  "Times a qdisc was over its limit (tc -s: overlimits).",
		  offsetof(struct qdisc_stats, overlimits), false },
		{ "dropscope_qdisc_requeues_total", "counter",
		  "Packets a qdisc requeued (tc -s: requeues).",
		  offsetof(struct qdisc_stats, requeues), false },
		{ "dropscope_qdisc_packets_total", "counter", "Packets a qdisc sent (tc -s: pkt).",
		  offsetof(struct qdisc_stats, packets), true },
		{ "dropscope_qdisc_backlog_bytes", "gauge", "Bytes queued in a qdisc now.",
		  offsetof(struct qdisc_stats, backlog), false },
		{ "dropscope_qdisc_qlen", "gauge", "Packets queued in a qdisc now.",
		  offsetof(struct qdisc_stats, qlen), false },
	};
	struct mbuf l = {};

	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		expo_family(e, fam[f].name, fam[f].type, fam[f].help);
		for (size_t i = 0; i < snap->nqdisc; i++) {
			const char *q = (const char *)&snap->qdisc[i];
			__u64 v;

			if (fam[f].u64) {
				memcpy(&v, q + fam[f].off, sizeof(v));
			} else {
				__u32 v32;

				memcpy(&v32, q + fam[f].off, sizeof(v32));
				v = v32;
			}
			qdisc_labels(&l, snap, &snap->qdisc[i]);
			expo_u64(e, fam[f].name, l.p, v);
		}
	}
	mbuf_free(&l);
}

static void softnet_families(struct expo *e, const struct counter_snapshot *snap)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} fam[] = {
		{ "dropscope_softnet_dropped_total",
		  "Packets dropped because a CPU's backlog was full (netdev_max_backlog).",
		  offsetof(struct softnet_cpu, dropped) },
		{ "dropscope_softnet_flow_limit_total",
		  "Packets dropped by the per-flow backlog limit (net.core.flow_limit_*).",
		  offsetof(struct softnet_cpu, flow_limit) },
		{ "dropscope_softnet_time_squeeze_total",
		  "Times net_rx_action ran out of budget or time with work left (not drops: a "
		  "sign of a backlog that may overflow).",
		  offsetof(struct softnet_cpu, time_squeeze) },
	};
	struct mbuf l = {};
	char cpu[16];

	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		expo_family(e, fam[f].name, "counter", fam[f].help);
		for (size_t i = 0; i < snap->nsoftnet; i++) {
			const struct softnet_cpu *c = &snap->softnet[i];
			__u64 v;

			if (fam[f].off == offsetof(struct softnet_cpu, flow_limit) &&
			    !c->have_flow_limit)
				continue;
			memcpy(&v, (const char *)c + fam[f].off, sizeof(v));
			snprintf(cpu, sizeof(cpu), "%u", c->cpu);
			l.len = 0;
			labels_add(&l, "cpu", cpu);
			expo_u64(e, fam[f].name, l.p, v);
		}
	}
	mbuf_free(&l);
}

static void snmp_family(struct expo *e, const struct counter_snapshot *snap)
{
	struct mbuf l = {};

	expo_family(e, "dropscope_snmp_drops_total", "counter",
		    "Drop counters of /proc/net/snmp, netstat and snmp6, by nstat's name "
		    "(see the README for what each counts).");
	for (size_t i = 0; snap->snmp && i < snmp_drop_count; i++) {
		if (!snap->snmp[i].present)
			continue;
		l.len = 0;
		labels_add(&l, "counter", snmp_drop_counters[i].nstat);
		expo_u64(e, "dropscope_snmp_drops_total", l.p, snap->snmp[i].value);
	}
	mbuf_free(&l);
}

static void driver_family(struct expo *e, const struct counter_snapshot *snap)
{
	struct mbuf l = {};

	expo_family(e, "dropscope_driver_drops_total", "counter",
		    "A driver's own drop counters (ethtool -S), kept by their names (drop, "
		    "discard, miss, no_buf, out_of_buffer, fifo, overrun), by device and counter.");
	for (size_t i = 0; i < snap->ndrv; i++) {
		l.len = 0;
		labels_add(&l, "device", snap->drv[i].dev);
		labels_add(&l, "counter", snap->drv[i].name);
		expo_u64(e, "dropscope_driver_drops_total", l.p, snap->drv[i].value);
	}
	mbuf_free(&l);
}

void metrics_tc_programs(struct expo *e, const struct tc_attr *a, size_t n)
{
	struct mbuf l = {};

	expo_family(e, "dropscope_tc_program_drops_total", "counter",
		    "TC_INGRESS/TC_EGRESS drops by the tc program that returned TC_ACT_SHOT (name, "
		    "id, tag, tcx or clsact chain/pref/handle; \"one of: ...\" where it cannot be "
		    "known), since the exporter attached.");
	for (size_t i = 0; i < n; i++) {
		l.len = 0;
		labels_add(&l, "device", a[i].dev);
		labels_add(&l, "hook", a[i].egress ? "egress" : "ingress");
		labels_add(&l, "program", a[i].who);
		expo_u64(e, "dropscope_tc_program_drops_total", l.p, a[i].total);
	}
	mbuf_free(&l);
}

void metrics_counters(struct expo *e, const struct counter_snapshot *snap)
{
	static const char *const names[] = { "device", "qdisc", "softnet", "snmp", "driver" };
	int errs[] = { snap->err_dev, snap->err_qdisc, snap->err_softnet, snap->err_snmp,
		       snap->err_drv };
	struct mbuf l = {};

	dev_families(e, snap);
	qdisc_families(e, snap);
	softnet_families(e, snap);
	snmp_family(e, snap);
	driver_family(e, snap);
	expo_family(e, "dropscope_collector_success", "gauge",
		    "1 when a counter reader read its source at this scrape, 0 when it failed.");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		l.len = 0;
		labels_add(&l, "collector", names[i]);
		expo_u64(e, "dropscope_collector_success", l.p, !errs[i]);
	}
	mbuf_free(&l);
}
