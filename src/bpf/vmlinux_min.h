/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel types dropscope.bpf.c touches, declared by hand instead of
 * a 130k-line vmlinux.h dumped from the build machine: the build then needs
 * no BTF of its own, and nothing here pretends to know a layout. Every
 * struct carries preserve_access_index, so each field access is a CO-RE
 * relocation that libbpf resolves against the *running* kernel's BTF at
 * load time; only the names and types of the fields matter, never their
 * order or offsets. A field missing on an older kernel is tested with
 * bpf_core_field_exists() before use.
 */
#ifndef DROPSCOPE_VMLINUX_MIN_H
#define DROPSCOPE_VMLINUX_MIN_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
#define true 1
#define false 0

/* UAPI constants (stable ABI) that bpf_helpers.h users need. */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_STACK_TRACE = 7,
	BPF_MAP_TYPE_RINGBUF = 27,
};
enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
	BPF_EXIST = 2,
};
enum {
	BPF_F_NO_PREALLOC = 1U << 0,
};
enum {
	BPF_RB_NO_WAKEUP = 1U << 0,
	BPF_RB_FORCE_WAKEUP = 1U << 1,
};
enum {
	BPF_RB_AVAIL_DATA = 0,
};

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct ns_common {
	unsigned int inum;
};

struct net {
	struct ns_common ns;
	__u64 net_cookie; /* since 5.14: never reused (SO_NETNS_COOKIE) */
};

typedef struct {
	struct net *net;
} possible_net_t;

struct net_device {
	possible_net_t nd_net;
	int ifindex;
	unsigned short type;
	char name[16];
};

struct sock_common {
	possible_net_t skc_net;
	unsigned short skc_family;
};

struct kernfs_node {
	__u64 id; /* since 5.5; the cgroup id on the default hierarchy */
};

struct cgroup {
	struct kernfs_node *kn;
};

/* The socket's cgroup v2 pointer since 5.15 (earlier kernels packed it
 * into a union with v1 data: read only when the field exists). */
struct sock_cgroup_data {
	struct cgroup *cgroup;
};

struct sock {
	struct sock_common __sk_common;
	struct sock_cgroup_data sk_cgrp_data;
};

/* Events mode's tp_btf path reads the task's names with plain loads
 * (bpf_get_current_task_btf, 5.11+) instead of two helper calls. */
struct task_struct {
	int tgid;
	char comm[16];
};

struct sk_buff {
	struct net_device *dev;
	struct sock *sk;
	unsigned int len;
	unsigned int data_len;
	__u16 mac_len;
	__be16 protocol;
	__u16 transport_header;
	__u16 network_header;
	__u16 mac_header;
	unsigned char *head;
	unsigned char *data;
};

/* The classic tracepoint's record, as the kernel's TRACE_EVENT lays it out. */
struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
};

/* Values here are placeholders: bpf_core_enum_value() relocates each
 * against the running kernel's enum, and _exists() says whether it has it. */
enum skb_drop_reason {
	SKB_DROP_REASON_NOT_SPECIFIED_PLACEHOLDER__,
	SKB_DROP_REASON_QUEUE_PURGE,
};

struct trace_event_raw_kfree_skb {
	struct trace_entry ent;
	void *skbaddr;
	void *location;
	void *rx_sk;
	unsigned short protocol;
	enum skb_drop_reason reason;
};

#pragma clang attribute pop

#endif /* DROPSCOPE_VMLINUX_MIN_H */
