/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The filter values user space changes while counting, defined once:
 * dropscope.bpf.c owns them and progverdict.bpf.c (XDP and tc verdicts)
 * reuses them by fd, so one update after --netns PATH or --dev NAME is
 * made again moves both objects' filters (libbpf refuses a reuse unless
 * the two definitions agree). Include after <bpf/bpf_helpers.h>.
 */
#ifndef DROPSCOPE_FILTER_MAPS_H
#define DROPSCOPE_FILTER_MAPS_H

/* --dev NAME: its ifindex now; -1 while no device has the name. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __s32);
} dev_ifindex SEC(".maps");

/* --netns: the namespace's inode now; 0 (matches nothing) while the path
 * names none. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} netns_inum SEC(".maps");

#endif
