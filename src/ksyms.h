/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel symbol table: /proc/kallsyms (vmlinux, modules, bpf programs,
 * trampolines) or a System.map plus a KASLR offset. Translates addresses
 * the way SystemTap's symname() and symdata() do.
 */
#ifndef DROPSCOPE_KSYMS_H
#define DROPSCOPE_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	uint64_t size;      /* distance to the next higher symbol, 0 for the last */
	const char *name;   /* e.g. "tcp_v4_rcv" */
	const char *module; /* "kernel" for vmlinux, else the [module] text: "bpf", "nf_tables" */
};

enum ksyms_source {
	KSYMS_KALLSYMS,
	KSYMS_SYSTEM_MAP,
};

struct ksyms;

/*
 * Parse a kallsyms-format file (path NULL = /proc/kallsyms). Returns NULL
 * with errno set on failure; errno = ENODATA when every address is zero
 * (kptr_restrict hides them), so the caller can fall back to a System.map.
 */
struct ksyms *ksyms__load_kallsyms(const char *path);

/*
 * Parse a System.map (vmlinux only, always [kernel]) and add kaslr_offset
 * to every address.
 */
struct ksyms *ksyms__load_system_map(const char *path, int64_t kaslr_offset);

/*
 * Find the KASLR offset of the running kernel for a System.map at path:
 * the runtime address of a text symbol the kernel exposes minus its
 * address in the map. Returns 0 and sets *offset on success, -errno on
 * failure.
 */
int ksyms__kaslr_offset(const char *system_map, int64_t *offset);

/* The symbol containing addr (never a __pfx_ padding symbol), or NULL. */
const struct ksym *ksyms__find(const struct ksyms *ks, uint64_t addr);

/* Find a symbol by name (first match); NULL if absent. */
const struct ksym *ksyms__by_name(const struct ksyms *ks, const char *name);

enum ksyms_source ksyms__source(const struct ksyms *ks);
size_t ksyms__count(const struct ksyms *ks);
void ksyms__free(struct ksyms *ks);

/*
 * symname(): "tcp_v4_rcv"; an address without a symbol prints as
 * "0xffffffff814a104a". Returns snprintf()'s value.
 */
int ksyms__symname(const struct ksyms *ks, uint64_t addr, char *buf, size_t len);

/* symdata(): "tcp_v4_rcv+0xaa/0x8d0 [kernel]", or "0x…" without a symbol. */
int ksyms__symdata(const struct ksyms *ks, uint64_t addr, char *buf, size_t len);

#endif /* DROPSCOPE_KSYMS_H */
