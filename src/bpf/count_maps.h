/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The maps both BPF objects count into, defined once: progverdict.bpf.c
 * reuses dropscope.bpf.c's by fd (bpf_map__reuse_fd), which libbpf
 * refuses unless the two definitions agree in type, sizes and entries.
 * Include after bpf/dropscope.h and <bpf/bpf_helpers.h>.
 */
#ifndef DROPSCOPE_COUNT_MAPS_H
#define DROPSCOPE_COUNT_MAPS_H

/*
 * Counts are monotonic: nothing ever resets or deletes a row. User space
 * reads the totals each interval and reports the difference from the
 * previous read, so a drop counted while user space is reading simply
 * shows up in the next interval's difference — none is lost and none is
 * counted twice, with no generation swap and no race between read and
 * reset. The price is that a row, once created, stays until exit; when
 * the table is full, new keys are counted in stats[STAT_OVERFLOW] instead.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, DEFAULT_MAX_KEYS);
	/* A size, not a BTF type: the loader sets BASE_KEY_SIZE when no
	 * extra dimension is asked for (see struct drop_key). */
	__uint(key_size, sizeof(struct drop_key));
	/* A size too: kernels before 6.x refuse a map with BTF for one side. */
	__uint(value_size, sizeof(__u64));
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/* The XDP verdict just counted, so the skb path's kfree_skb right after
 * is not counted again. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdp_pending);
} xdp_pending SEC(".maps");

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		__sync_fetch_and_add(v, 1);
}

#endif
