/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The counter readers' families (device, qdisc, softnet, SNMP, driver,
 * tc programs) in the exposition format: one view of counters/ for the
 * exporter and `dropscope counters`.
 */
#ifndef DROPSCOPE_COUNTER_FAMILIES_H
#define DROPSCOPE_COUNTER_FAMILIES_H

#include <stddef.h>

#include "render/exposition.h"

struct counter_snapshot;

/* The device, qdisc, softnet and SNMP families of a snapshot. */
void metrics_counters(struct expo *e, const struct counter_snapshot *snap);

struct tc_attr;
/* dropscope_tc_program_drops_total: the tc programs behind TC_* drops (progwatch.h). */
void metrics_tc_programs(struct expo *e, const struct tc_attr *a, size_t n);

#endif /* DROPSCOPE_COUNTER_FAMILIES_H */
