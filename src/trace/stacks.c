// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "bpf/dropscope.h"
#include "symbols/ksyms.h"
#include "trace/stacks.h"

struct stack {
	__u32 n;
	__u64 ip[MAX_STACK_DEPTH];
};

struct stacks {
	int fd;
	__u32 max;
	struct stack **by_id; /* read once: an id never changes its stack */
};

struct stacks *stacks__new(int fd, __u32 max_stacks)
{
	struct stacks *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->fd = fd;
	s->max = max_stacks;
	s->by_id = calloc(max_stacks ? max_stacks : 1, sizeof(*s->by_id));
	if (!s->by_id) {
		free(s);
		return NULL;
	}
	return s;
}

void stacks__free(struct stacks *s)
{
	if (!s)
		return;
	for (__u32 i = 0; i < s->max; i++)
		free(s->by_id[i]);
	free(s->by_id);
	free(s);
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

int stacks_is_tracing_frame(const char *name, const char *module)
{
	static const char *const prefixes[] = {
		"trace_event_raw_event_", "__traceiter_", "__bpf_trace_",
		"bpf_trace_run",	  "perf_trace_",  "bpf_prog_",
		"bpf_trampoline_",
	};
	static const char *const firing[] = { "kfree_skb_reason", "sk_skb_reason_drop",
					      "kfree_skb" };

	/* BPF programs and trampolines show up as the [bpf] pseudo-module. */
	if (module && !strcmp(module, "bpf"))
		return 1;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (starts_with(name, prefixes[i]))
			return 1;
	for (size_t i = 0; i < sizeof(firing) / sizeof(firing[0]); i++)
		if (!strcmp(name, firing[i]))
			return 1;
	return 0;
}

size_t stacks_trim(const __u64 *ips, size_t n, __u64 location, const struct ksyms *ks)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ips[i] == location)
			return i;
	/*
	 * No location among the frames (or none asked: --by workload,stack
	 * keeps no location per line): past the last tracing frame above the
	 * first frame of the drop's own path. A frame without a symbol is
	 * passed over, not taken for that path: our own BPF program, loaded
	 * after the symbol table was read, is such a frame at the very top.
	 */
	size_t past = 0;

	for (i = 0; i < n; i++) {
		const struct ksym *sym = ksyms__find(ks, ips[i]);

		if (!sym)
			continue;
		if (!stacks_is_tracing_frame(sym->name, sym->module))
			break;
		past = i + 1;
	}
	return past < n ? past : 0;
}

static struct stack *read_stack(struct stacks *s, __s32 id)
{
	struct stack *st;
	__u64 ips[MAX_STACK_DEPTH] = {};

	if (id < 0 || (__u32)id >= s->max)
		return NULL;
	if (s->by_id[id])
		return s->by_id[id];
	if (bpf_map_lookup_elem(s->fd, &id, ips))
		return NULL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	/* The kernel zero-fills the value past the last frame. */
	while (st->n < MAX_STACK_DEPTH && ips[st->n])
		st->n++;
	memcpy(st->ip, ips, st->n * sizeof(ips[0]));
	s->by_id[id] = st;
	return st;
}

int stacks__insert(struct stacks *s, __s32 id, const __u64 *ips, size_t n)
{
	struct stack *st;

	if (id < 0 || (__u32)id >= s->max || n > MAX_STACK_DEPTH)
		return -EINVAL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->n = n;
	memcpy(st->ip, ips, n * sizeof(ips[0]));
	free(s->by_id[id]);
	s->by_id[id] = st;
	return 0;
}

size_t stacks__raw(struct stacks *s, __s32 id, const __u64 **frames)
{
	struct stack *st = s ? read_stack(s, id) : NULL;

	*frames = st ? st->ip : NULL;
	return st ? st->n : 0;
}

size_t stacks__get(struct stacks *s, __s32 id, __u64 location, const struct ksyms *ks,
		   const __u64 **frames)
{
	struct stack *st = s ? read_stack(s, id) : NULL;
	size_t start;

	*frames = NULL;
	if (!st || !st->n)
		return 0;
	start = stacks_trim(st->ip, st->n, location, ks);
	*frames = st->ip + start;
	return st->n - start;
}
