/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --btf FILE is untrusted input: libbpf would take any BTF, and a BPF
 * object's own BTF (which has an sk_buff of its own making) "works" with
 * garbage offsets. Before the loader sees it, FILE must be a kernel's BTF:
 *   - raw BTF, or an ELF file (vmlinux) with a .BTF section, at most
 *     BTF_MAX_SIZE bytes of it;
 *   - a well-formed header: magic, version 1, a header length that is a
 *     multiple of 4 (libbpf accepts others and then reads misaligned), type
 *     and string sections inside the data;
 *   - struct sk_buff and struct trace_event_raw_kfree_skb (the kfree_skb
 *     tracepoint's record) defined, and no "license" data section (every
 *     BPF object has one, a kernel never).
 * The checked bytes are handed to the loader in a memfd, so what is used
 * is what was checked even if FILE changes meanwhile.
 */
#ifndef DROPSCOPE_BTFCHECK_H
#define DROPSCOPE_BTFCHECK_H

#include <stddef.h>

/* vmlinux BTF of a 6.x distribution kernel is 5-10 MB; 64 MiB is far above
 * any real one and bounds what a wrong file costs. */
#define BTF_MAX_SIZE (64u << 20)

/* Check raw BTF bytes. 0, or -1 with why (a short cause) filled in. */
int btfcheck_data(const void *data, size_t size, char *why, size_t len);

/*
 * Read and check FILE; on success return a memfd holding the raw BTF (the
 * caller passes /proc/self/fd/N to libbpf and closes it). On failure return
 * -1 with msg = "--btf FILE: cause" (escaped).
 */
int btfcheck_file(const char *path, char *msg, size_t len);

#endif /* DROPSCOPE_BTFCHECK_H */
