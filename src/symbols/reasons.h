/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Drop-reason names as the running kernel defines them: from BTF
 * (enum skb_drop_reason, plus the subsystem enums that
 * SKB_DROP_REASON_SUBSYS_MASK selects), else from the kfree_skb tracepoint
 * format's __print_symbolic(). Never a compiled-in table: the numbers
 * differ between kernel versions.
 */
#ifndef DROPSCOPE_REASONS_H
#define DROPSCOPE_REASONS_H

#include <stddef.h>
#include <stdint.h>

struct btf;
struct reasons;

enum reasons_source {
	REASONS_NONE, /* kernel without drop reasons (< 5.17) */
	REASONS_BTF,
	REASONS_TRACEFS,
};

/*
 * Names from the running kernel: vmlinux BTF (and module BTF under
 * /sys/kernel/btf for subsystem enums), else the tracefs format file
 * (format_path NULL = find tracefs, mounting it if needed). Never NULL
 * on success; an empty table (REASONS_NONE) is a success.
 */
struct reasons *reasons__load(const char *format_path);

/*
 * The same from a minimized kernel BTF that kept the reason enums
 * (trace/btf_cache.h), without parsing the kernel's: when a subsystem's
 * enum is in a module, or min is NULL or lacks them, reasons__load(NULL).
 */
struct reasons *reasons__load_min(const struct btf *min);

/*
 * Build from one BTF (vmlinux) plus optional extra BTFs (modules) searched
 * for subsystem enums. NULL with errno = ENOENT when the BTF has no
 * enum skb_drop_reason.
 */
struct reasons *reasons__from_btf(const struct btf *vmlinux, const struct btf *const *extra,
				  int n_extra);

/* Build from the text of a tracepoint format file. */
struct reasons *reasons__from_format(const char *text);

/*
 * Name without the SKB_DROP_REASON_ prefix ("NO_SOCKET"); subsystem reasons
 * keep their own enumerator name ("OVS_DROP_LAST_ACTION"). Unknown values
 * give NULL; the caller prints "unknown" or the number.
 */
const char *reasons__name(const struct reasons *r, uint32_t reason);

/*
 * Reverse lookup for filters: accepts "NO_SOCKET" or "SKB_DROP_REASON_NO_SOCKET"
 * (case does not matter). Returns 0 and sets *reason, -ENOENT for an unknown
 * name, -EINVAL for NULL arguments.
 */
int reasons__value(const struct reasons *r, const char *name, uint32_t *reason);

/* Number of named reasons (0 for REASONS_NONE). */
size_t reasons__count(const struct reasons *r);

/*
 * The i-th named reason in ascending value order, for listing them all.
 * Returns 0, or -ERANGE when i >= reasons__count().
 */
int reasons__entry(const struct reasons *r, size_t i, uint32_t *reason, const char **name);

enum reasons_source reasons__source(const struct reasons *r);
void reasons__free(struct reasons *r);

#endif /* DROPSCOPE_REASONS_H */
