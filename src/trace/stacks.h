/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel stacks of drops (--stacks): read from the BPF stack table by id,
 * kept (an id means one stack until exit, see dropscope.bpf.c), and
 * trimmed so they start at the drop's location.
 */
#ifndef DROPSCOPE_STACKS_H
#define DROPSCOPE_STACKS_H

#include <stddef.h>
#include <linux/types.h>

struct ksyms;
struct stacks;

/* fd: the `stacks` map; max_stacks its size (ids are below it). */
struct stacks *stacks__new(int fd, __u32 max_stacks);
void stacks__free(struct stacks *s);

/*
 * The frames of stack `id` from the drop's location down to the root
 * (frame 0 is the location itself), valid until stacks__free(). Returns
 * the number of frames, 0 when the stack is unavailable.
 * Frames live as long as s.
 */
size_t stacks__get(struct stacks *s, __s32 id, __u64 location, const struct ksyms *ks,
		   const __u64 **frames);

/* The frames of stack `id` as the kernel took them (tracing frames
 * first), untrimmed; 0 when unavailable. */
size_t stacks__raw(struct stacks *s, __s32 id, const __u64 **frames);

/*
 * Put a stack into the cache as if read from the kernel (unit tests and
 * replays). Returns 0, -EINVAL for an id out of range, -ENOMEM.
 */
int stacks__insert(struct stacks *s, __s32 id, const __u64 *ips, size_t n);

/*
 * Where the drop's own part of a raw stack starts: at the frame equal to
 * the location when there is one (the location is the return address
 * into the freeing function, so it is a frame); else past the tracing
 * frames (trace_event_raw_event_*, __traceiter_*, __bpf_trace_*,
 * bpf_trace_run*, bpf programs and trampolines) and the functions that
 * fire the tracepoint (kfree_skb_reason, sk_skb_reason_drop, kfree_skb).
 */
size_t stacks_trim(const __u64 *ips, size_t n, __u64 location, const struct ksyms *ks);

/* Is this a tracing frame (the trimmed kind)? Exposed for tests. */
int stacks_is_tracing_frame(const char *name, const char *module);

#endif /* DROPSCOPE_STACKS_H */
