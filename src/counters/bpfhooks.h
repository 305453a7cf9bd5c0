/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The programs on a namespace's packet hooks, as the kernel lists them:
 * XDP (rtnetlink IFLA_XDP: native, generic, offloaded), tcx (bpf_prog_query
 * BPF_TCX_INGRESS/EGRESS) and clsact filters (an RTM_GETTFILTER dump of
 * ffff:fff2/ffff:fff3, every chain; a filter that is not cls_bpf is listed
 * too, without a program, since it may drop as well).
 */
#ifndef DROPSCOPE_BPFHOOKS_H
#define DROPSCOPE_BPFHOOKS_H

#include <stddef.h>
#include <net/if.h>
#include <linux/types.h>

enum hook_kind {
	HOOK_XDP_DRV, /* native XDP */
	HOOK_XDP_SKB, /* generic XDP */
	HOOK_XDP_HW,  /* offloaded: runs on the NIC, never seen by the host */
	HOOK_TCX,
	HOOK_CLSACT,
};

enum hook_dir {
	HOOK_INGRESS,
	HOOK_EGRESS,
};

struct bpf_hook {
	__u32 netns; /* namespace inode */
	int ifindex;
	char dev[IFNAMSIZ];
	__u8 kind;	/* enum hook_kind */
	__u8 dir;	/* enum hook_dir (XDP: ingress) */
	__u16 pos;	/* run order on its hook: tcx in its order, then clsact */
	__u32 prog_id;	/* 0: a clsact filter that is no BPF program */
	__u32 chain;	/* clsact only */
	__u32 pref;	/* clsact only */
	__u32 handle;	/* clsact only */
	char fkind[16]; /* clsact only: the classifier ("bpf", "flower"...) */
};

/*
 * Append the hooks of every device of namespace nsfd (-1: our own), whose
 * inode is netns, to *arr (n used, cap allocated). Returns 0 or -errno;
 * a device that vanished meanwhile is left out.
 */
int bpfhooks_read(int nsfd, __u32 netns, struct bpf_hook **arr, size_t *n, size_t *cap);

/* "xdp", "xdpgeneric", "xdpoffload", "tcx", "clsact". */
const char *bpfhooks_kind_name(enum hook_kind k);

#endif /* DROPSCOPE_BPFHOOKS_H */
