/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What grew between two counter snapshots (counters.h), computed one way
 * for every view, so that top, diagnose and whatever comes next agree on
 * the same counters:
 *   - a qdisc is the same qdisc only with the same device, handle, parent
 *     and kind (a replaced qdisc may reuse the handle);
 *   - qdisc counters are 32 bits in the kernel and wrap: growth is taken
 *     modulo 2^32; a 64-bit counter that went back (device re-created)
 *     grew by 0;
 *   - a classful qdisc counts its children's drops again: sums take the
 *     root qdiscs only, the children are reported as such; an ingress or
 *     clsact qdisc (parent ffff:fff1) is the top of its own hook and
 *     counts its filters' drops, which no root qdisc counts: it is summed
 *     as a root;
 *   - a qdisc that appeared in between grew by all it has; a device that
 *     appeared (no start to compare with) is not counted.
 */
#ifndef DROPSCOPE_COUNTER_DELTA_H
#define DROPSCOPE_COUNTER_DELTA_H

#include <stdbool.h>
#include <linux/types.h>

#include "counters/counters.h"

enum counter_family { CF_DEV, CF_QDISC, CF_SOFTNET, CF_SNMP, CF_DRV };

/* One counter that grew. */
struct counter_move {
	enum counter_family family;
	const char *dev;  /* the device's name (CF_DEV, CF_QDISC, CF_DRV; NULL: not
			   * known), raw */
	const char *name; /* CF_DEV: devstats_kind_name(); CF_QDISC: the qdisc's kind;
			   * CF_SOFTNET: "dropped" or "flow_limit"; CF_SNMP: the nstat name;
			   * CF_DRV: the driver's counter name (ethtool -S), raw */
	const struct qdisc_stats *qdisc; /* CF_QDISC: the qdisc, in the later snapshot */
	bool root; /* CF_QDISC: a root qdisc (its drops include its children's), or
		    * an ingress/clsact one (its filters') */
	__u64 delta;
};

/* Growth of a 32-bit kernel counter (it wraps at 2^32). */
__u64 counter_grew32(__u32 before, __u32 after);
/* Growth of a 64-bit counter; 0 when it went back. */
__u64 counter_grew64(__u64 before, __u64 after);

/* The qdisc of s that is q (same device, handle, parent and kind), or NULL. */
const struct qdisc_stats *counter_qdisc_match(const struct counter_snapshot *s,
					      const struct qdisc_stats *q);

/* Calls fn for every counter that grew from a to b (qdiscs: drops), in the
 * order device, qdisc, softnet, SNMP, driver. A driver counter is the same
 * counter with the same device and name. */
void counter_moves(const struct counter_snapshot *a, const struct counter_snapshot *b,
		   void (*fn)(void *ctx, const struct counter_move *m), void *ctx);

/*
 * The growth of one counter by name: an nstat name ("UdpRcvbufErrors"),
 * "qdisc:drops" (root, ingress and clsact qdiscs), "dev:FIELD" (all devices), "softnet:dropped"
 * or "softnet:flow_limit" (all CPUs) or "driver:CLASS" (every device's,
 * as counter_driver_delta()). false when a snapshot could not read
 * it or the name is unknown.
 */
bool counter_delta(const struct counter_snapshot *a, const struct counter_snapshot *b,
		   const char *name, __u64 *delta);

/*
 * The growth of one class of driver counters (drvstats_class: "xdp_drop"),
 * of device ifindex (0: of every device). A device's total of the class is
 * taken where it has one, else the sum of its per-queue counters (a name
 * with a digit): drivers that have both count each drop in both. A counter
 * not in a has no start to compare with. false when a snapshot could not
 * read the drivers' counters.
 */
bool counter_driver_delta(const struct counter_snapshot *a, const struct counter_snapshot *b,
			  const char *cls, int ifindex, __u64 *delta);

#endif /* DROPSCOPE_COUNTER_DELTA_H */
