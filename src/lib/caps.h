/* SPDX-License-Identifier: GPL-2.0 */
/* Our own capabilities, through libcap: one place that asks and changes. */
#ifndef DROPSCOPE_CAPS_H
#define DROPSCOPE_CAPS_H

#include <stdbool.h>
#include <sys/capability.h>

/* Older headers than the running kernel may lack them (5.8+). */
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* Is cap in our effective set now? false when it cannot be told. */
bool caps_effective(cap_value_t cap);

/* Is cap in our permitted set (may be raised)? false when it cannot be told. */
bool caps_permitted(cap_value_t cap);

/* Raise (on) or lower cap in our effective set; it must be permitted.
 * Returns 0 or -errno. */
int caps_set_effective(cap_value_t cap, bool on);

/*
 * The same on a copy of our sets the caller keeps (cap_get_proc() once):
 * one capset(2) per call, for a capability raised and lowered around many
 * single calls. Returns 0 or -errno.
 */
int caps_apply_effective(cap_t caps, cap_value_t cap, bool on);

#endif /* DROPSCOPE_CAPS_H */
