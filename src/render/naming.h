/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How every view names what it shows: a drop location (in the user's
 * --symbols style), a stack frame, a drop reason, a protocol and a
 * device. One place, so that summary, events, the exporter and top say
 * the same thing for the same drop, and an unknown reason is spelled one
 * way ("reason_N"; "unknown" when the kernel passes no reasons at all).
 *
 * Text comes out escaped (lib/escape.h) except the reason name, which is
 * the kernel's identifier: callers escape it for text and JSON-quote it.
 */
#ifndef DROPSCOPE_NAMING_H
#define DROPSCOPE_NAMING_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "symbols/ksyms.h"
#include "symbols/reasons.h"
#include "symbols/source.h"

/* symdata of a 511-byte (Rust) name with offset, size and [module]. */
#define NAMING_FRAME_LEN 640
/* --symbols=full: address, name and symdata. */
#define NAMING_LOCATION_LEN 1280
/* "reason_4294967295", "0x86dd". */
#define NAMING_NUM_LEN 24
/* A device or comm: 16 bytes, each escaped to at most 4. */
#define NAMING_DEV_LEN (4 * 16 + 1)

/*
 * A location in a --symbols style: name "tcp_v4_rcv", data
 * "tcp_v4_rcv+0xaa/0x8d0 [kernel]", addr "0xffffffff814a104a", full
 * "0x..., name, data". An address without a symbol is "0x...". Returns buf.
 */
const char *naming_location(const struct ksyms *ks, enum sym_style style, __u64 addr, char *buf,
			    size_t len);

/*
 * A drop's location (naming_location) as every view names it: an XDP
 * verdict's location (reason DS_REASON_XDP_*) is a program's first byte, and
 * a symbol that merely contains it is another program (loaded since the
 * symbols were read), so the address "0x..." stands in until they are read
 * again.
 */
const char *naming_drop_location(const struct ksyms *ks, enum sym_style style, __u64 addr,
				 __u32 reason, char *buf, size_t len);

/* The symbol's own name, not escaped (for JSON, which escapes its own way,
 * and for sorting), or the address as "0x..." in buf. */
const char *naming_symbol(const struct ksym *sym, __u64 addr, char *buf, size_t len);

/* A stack frame as the kernel's %pS prints it: func+0xoff/0xsize, and
 * [module] outside vmlinux (no "[kernel]" on every core frame). */
const char *naming_frame(const struct ksyms *ks, __u64 ip, char *buf, size_t len);

/*
 * A drop reason: the running kernel's name ("NO_SOCKET"), "reason_N" for
 * a number it has no name for, "unknown" when the kernel passes no reason
 * (have_reasons false: before 5.17). rs may be NULL (no names known).
 * JSON has no spelling for it: "reason" is the name or null, and the
 * number is always in "reason_code" (render/rows.h reason_name()).
 */
const char *naming_reason(const struct reasons *rs, bool have_reasons, __u32 reason, char *buf,
			  size_t len);

/* skb->protocol: "IPv4", "IPv6", "ARP"..., else "0x88cc". */
const char *naming_proto(__u16 protocol, char *buf, size_t len);

/* A device name from a fixed 16-byte field (not always NUL-terminated),
 * escaped; "-" when empty, \\x2d for a device named "-" (escape_name_or_none()).
 * buf: NAMING_DEV_LEN. */
const char *naming_device(const char *field, char *buf, size_t len);

#endif /* DROPSCOPE_NAMING_H */
