// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of make bench: the cheapest BPF drop monitor there is, a tp_btf
 * program on kfree_skb that does nothing. What it costs per drop is the
 * trampoline-free BPF tracepoint call itself; every configuration above it
 * is measured against this.
 */
#include "bpf/vmlinux_min.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/kfree_skb")
int floor_kfree_skb(void *ctx)
{
	return 0;
}
