/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimized kernel BTF, made once per kernel and BPF object and kept on
 * disk, for libbpf's CO-RE relocation (btf_custom_path). libbpf 1.1
 * searches every type of the kernel's BTF (~100k) for the candidates of
 * each relocated type, ~1 ms a type; searching a few hundred types makes
 * that time vanish from start-to-attached. (The tp_btf attach target
 * still makes libbpf parse the whole kernel BTF, as any tp_btf loader does.)
 *
 * Key: the kernel's build id (the GNU note in /sys/kernel/notes; none, no
 * cache) and a hash of our BPF object's bytes. Directory:
 * $DROPSCOPE_BTF_CACHE_DIR or /var/cache/dropscope, root-owned and not
 * group- or world-writable (else refused); the file likewise. Files are
 * written to a temporary name without following links and renamed.
 */
#ifndef DROPSCOPE_BTF_CACHE_H
#define DROPSCOPE_BTF_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define BTF_CACHE_DIR_DEFAULT "/var/cache/dropscope"
#define BTF_CACHE_DIR_ENV     "DROPSCOPE_BTF_CACHE_DIR"
/* The most a cache file may hold (a minimized BTF is a few KiB). */
#define BTF_CACHE_MAX_BYTES (4u << 20)

struct btf;

enum btf_cache_state {
	BTF_CACHE_NONE,	   /* no key (no build id) or no usable directory yet */
	BTF_CACHE_REFUSED, /* the directory or the file is not safe to use */
	BTF_CACHE_MISS,	   /* no file for this kernel and object */
	BTF_CACHE_HIT,	   /* path names the open file */
};

struct btf_cache {
	enum btf_cache_state state;
	char dir[256];
	char name[96];	/* vmlinux-BUILDID-OBJHASH.btf */
	char path[64];	/* /proc/self/fd/N of the open file, for libbpf */
	int fd;		/* the cache file while HIT, else -1 */
	char note[512]; /* what happened, for -v */
};

/* The GNU build id in an ELF note area (as /sys/kernel/notes holds),
 * as lowercase hex into hex. Returns its length in bytes, or -1. */
int btf_cache_build_id(const void *notes, size_t len, char *hex, size_t hexlen);

/* 64-bit FNV-1a of the object's bytes: which object the file was made for. */
__u64 btf_cache_obj_hash(const void *obj, size_t len);

/*
 * Look for the file of this kernel and object. Never fails: state says
 * what was found, note why. dir NULL: $DROPSCOPE_BTF_CACHE_DIR or the
 * default.
 */
void btf_cache_open(struct btf_cache *c, const char *dir, const void *obj, size_t obj_len);

/* Loading with the file failed: remove it (it is stale or foreign) and
 * forget it. */
void btf_cache_discard(struct btf_cache *c);

/*
 * Make the file: the kernel BTF from /sys/kernel/btf/vmlinux minimized for
 * local (the object's own BTF), written as a new file and renamed into
 * place; the directory is made (0700) if absent. Only after a MISS.
 * Returns 0 or -errno; note says what was done.
 */
int btf_cache_make(struct btf_cache *c, const struct btf *local);

void btf_cache_close(struct btf_cache *c);

/*
 * The part of vmlinux that CO-RE relocation of local's types can look at:
 * every type whose essential name (a ___flavor suffix stripped) is that of
 * a named struct, union, enum, typedef or forward declaration of local,
 * and everything those embed by value (members, array elements, typedef
 * and modifier targets), with each pointer turned into one pointer to
 * void (a field relocation takes any two pointers as compatible and never
 * looks past one; libbpf 1.1's relo_core.c: "any two PTRs are always
 * compatible"). Enough for field and enum value relocations, the only kinds
 * dropscope.bpf.c has; a type-based one (bpf_core_type_*) compares what
 * pointers point to and would need their targets kept: test 111 compares
 * the programs loaded with and without the cache. NULL with errno on
 * failure.
 */
struct btf *btf_minimize(const struct btf *vmlinux, const struct btf *local);

#endif /* DROPSCOPE_BTF_CACHE_H */
