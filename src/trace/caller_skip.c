// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdbool.h>
#include <string.h>

#include "lib/escape.h"
#include "trace/caller_skip.h"
#include "bpf/dropscope.h"
#include "symbols/ksyms.h"

/*
 * Each entry frees skbs for its caller, so the location the tracepoint
 * reports inside it names the helper, not the path that chose to drop.
 * Names come and go between kernels; those the running kernel lacks are
 * skipped.
 */
static const struct {
	const char *name;
	const char *why;
} helpers[] = {
	{ "kfree_skb_list_reason",
	  "frees a list (a qdisc's to_free list, GSO segments, a frag list) for its caller" },
	{ "kfree_skb_list", "pre-6.x name of the list free, same role" },
	{ "kfree_skb_reason", "out-of-line free before 6.11: every drop passes through it" },
	{ "kfree_skb", "the plain free before reasons existed (< 5.17)" },
	{ "sk_skb_reason_drop", "6.11+: the free that fires the tracepoint itself" },
	{ "skb_queue_purge_reason", "empties a whole queue on behalf of its owner" },
	{ "skb_queue_purge", "queue purge before reasons, same role" },
	{ "skb_rbtree_purge", "empties a socket's out-of-order rbtree" },
	{ "tcp_drop_reason", "TCP's accounting wrapper around the free" },
	{ "tcp_drop", "TCP's wrapper before 6.0" },
	{ "dev_kfree_skb_any_reason", "drivers' free that picks the irq or normal path" },
	{ "dev_kfree_skb_irq_reason", "drivers' deferred free from hard irq" },
	{ "__dev_kfree_skb_any", "drivers' free before reasons" },
	{ "kfree_skb_partial", "frees a coalesced skb's shell" },
};

const char *helpers_name(size_t i, const char **why)
{
	if (i >= sizeof(helpers) / sizeof(helpers[0]))
		return NULL;
	if (why)
		*why = helpers[i].why;
	return helpers[i].name;
}

static int add(const struct ksyms *ks, const char *name, __u64 *start, __u64 *end, int n, int max)
{
	const struct ksym *s = ksyms__by_name(ks, name);

	if (!s || !s->size)
		return n;
	for (int i = 0; i < n; i++)
		if (start[i] == s->addr)
			return n;
	if (n == max)
		return -1;
	start[n] = s->addr;
	end[n] = s->addr + s->size;
	return n + 1;
}

int helpers_resolve(const struct ksyms *ks, const char *extra, __u64 *start, __u64 *end, int max,
		    char *bad, size_t badlen)
{
	const char *name;
	int n = 0;

	for (size_t i = 0; (name = helpers_name(i, NULL)); i++) {
		n = add(ks, name, start, end, n, max);
		if (n < 0) {
			snprintf(bad, badlen, "too many helpers (%d at most)", max);
			return -1;
		}
	}
	for (const char *p = extra; p && *p;) {
		size_t len = strcspn(p, ",");
		/* "?fn": only if this kernel has it (diagnose's netfilter frames). */
		bool optional = *p == '?';
		char fn[256];
		const struct ksym *s;

		if (optional) {
			p++;
			len--;
		}
		snprintf(fn, sizeof(fn), "%.*s", (int)(len < sizeof(fn) ? len : sizeof(fn) - 1), p);
		s = len && len < sizeof(fn) ? ksyms__by_name(ks, fn) : NULL;
		if (optional && (!s || !s->size)) {
			p += len;
			if (*p == ',')
				p++;
			continue;
		}
		if (!s || !s->size) {
			/* The user's word, said back: escaped. */
			snprintf(bad, badlen, "no kernel function '%s'", ESC(fn));
			return -1;
		}
		/* A table full of the user's helpers leaves out an optional one. */
		if (optional && n == max) {
			p += len;
			if (*p == ',')
				p++;
			continue;
		}
		n = add(ks, fn, start, end, n, max);
		if (n < 0) {
			snprintf(bad, badlen, "too many helpers (%d at most)", max);
			return -1;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return n;
}

int helpers_slots(const char *extra)
{
	int n = sizeof(helpers) / sizeof(helpers[0]);

	for (const char *p = extra; p && *p; p++)
		if (*p == ',')
			n++;
	if (extra && *extra)
		n++;
	return n > MAX_HELPERS ? MAX_HELPERS : n;
}

static bool in_ranges(__u64 ip, const __u64 *start, const __u64 *end, int nh)
{
	for (int i = 0; i < nh; i++)
		if (ip >= start[i] && ip < end[i])
			return true;
	return false;
}

__u64 caller_from_frames(const __u64 *ips, size_t n, __u64 location, const __u64 *start,
			 const __u64 *end, int nh)
{
	size_t i;

	if (!in_ranges(location, start, end, nh))
		return location;
	if (n > CALLER_DEPTH)
		n = CALLER_DEPTH;
	for (i = 0; i < n && ips[i] != location; i++)
		;
	for (i++; i < n; i++)
		if (!in_ranges(ips[i], start, end, nh))
			return ips[i];
	return 0;
}
