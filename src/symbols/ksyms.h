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
	uint64_t size;	    /* distance to the next higher symbol (see ksyms__find) */
	const char *name;   /* e.g. "tcp_v4_rcv" */
	const char *module; /* "kernel" for vmlinux, else the [module] text: "bpf", "nf_tables" */
};

enum ksyms_source {
	KSYMS_KALLSYMS,
	KSYMS_SYSTEM_MAP,
};

struct ksyms;

/*
 * Largest symbol file read (kallsyms, System.map, /proc/modules): a 6.x
 * distribution kernel with every module loaded lists about 15 MB; this
 * bounds what a hostile or wrong file (--system-map /dev/zero) can cost.
 */
#define KSYMS_MAX_FILE (256u << 20)

/*
 * Parse a kallsyms-format file (path NULL = /proc/kallsyms). Returns NULL
 * with errno set on failure, so the caller can fall back to a System.map:
 * EACCES when symbols are listed but every address is zero (kptr_restrict
 * hides them), ENODATA when there is no symbol at all (padding symbols do
 * not count), EFBIG above KSYMS_MAX_FILE, EINVAL for a device, directory
 * or other file that is neither a regular file nor a FIFO.
 */
struct ksyms *ksyms__load_kallsyms(const char *path);

/* The cause of a loader's errno in words, for "FILE: CAUSE" messages. */
const char *ksyms__strerror(int err);

/*
 * As ksyms__load_kallsyms(), recording the fingerprint of a /proc/modules-
 * format file (modules_path NULL = /proc/modules) for
 * ksyms__modules_changed().
 */
struct ksyms *ksyms__load_kallsyms_at(const char *path, const char *modules_path);

/*
 * True when the module list differs from the one seen at load time (a
 * module came, went or changed state), so the table should be reloaded.
 * Cheap: reads /proc/modules, not kallsyms. New bpf programs do not show
 * up here; a lookup miss is the signal for those. Always false for a
 * System.map table.
 */
bool ksyms__modules_changed(const struct ksyms *ks);

/*
 * Parse a System.map (vmlinux only, always [kernel]) and add kaslr_offset
 * to every address. Absolute symbols and per-cpu variables (everything
 * below the lowest text symbol) are left out, as kallsyms leaves them out.
 */
struct ksyms *ksyms__load_system_map(const char *path, int64_t kaslr_offset);

/*
 * Find the KASLR offset of the running kernel for a System.map at path:
 * the runtime address of a text symbol the kernel exposes minus its
 * address in the map. Returns 0 and sets *offset on success, -errno on
 * failure.
 */
int ksyms__kaslr_offset(const char *system_map, int64_t *offset);

/*
 * ksyms__kaslr_offset() with the kernel files named (NULL = /proc/kallsyms,
 * /proc/kcore). _text (or _stext) from kallsyms wins when it is not zeroed;
 * otherwise the kcore segment of the kernel image, which starts at _text.
 */
int ksyms__kaslr_offset_at(const char *system_map, const char *kallsyms, const char *kcore,
			   int64_t *offset);

/*
 * The symbol containing addr, or NULL. Never a __pfx_/__cfi_ padding
 * symbol: those are dropped after they have served as size boundaries, so
 * an address inside the padding before a function finds nothing (the
 * kernel's %pS would print "__pfx_func+0x4/0x10"). Of several symbols at
 * one address the first one listed in the file wins, as in %pS. The last
 * vmlinux symbol has size 0 and matches only its own address; the last
 * symbol of a module, bpf program or trampoline reaches to the end of its
 * page at most, since the end of module text is not in kallsyms.
 */
const struct ksym *ksyms__find(const struct ksyms *ks, uint64_t addr);

/* Find a symbol by name (the lowest-addressed match); NULL if absent. */
const struct ksym *ksyms__by_name(const struct ksyms *ks, const char *name);

/* The i-th symbol in address order (padding symbols excluded), or NULL. */
const struct ksym *ksyms__at(const struct ksyms *ks, size_t i);

enum ksyms_source ksyms__source(const struct ksyms *ks);
size_t ksyms__count(const struct ksyms *ks);
void ksyms__free(struct ksyms *ks);

/*
 * symname(): "tcp_v4_rcv"; an address without a symbol prints as
 * "0xffffffff814a104a". Names (and modules, in symdata) come out escaped
 * as escape.h says: a System.map is any file. Returns the length written
 * (for symdata snprintf()'s value).
 */
int ksyms__symname(const struct ksyms *ks, uint64_t addr, char *buf, size_t len);

/* symdata(): "tcp_v4_rcv+0xaa/0x8d0 [kernel]", or "0x…" without a symbol. */
int ksyms__symdata(const struct ksyms *ks, uint64_t addr, char *buf, size_t len);

#endif /* DROPSCOPE_KSYMS_H */
