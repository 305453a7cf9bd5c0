/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimized kernel BTF, made once per kernel and set of BPF objects and
 * kept on disk: for libbpf's CO-RE relocation (btf_custom_path), for the
 * ids of the tp_btf attach targets (an enum of its own, see
 * btf_cache_vmlinux_id()) and for the drop-reason names. libbpf 1.1
 * searches every type of the kernel's BTF (~100k) for the candidates of
 * each relocated type, ~1 ms a type, and parses all of it (~40 ms, ~11 MB)
 * to find a tp_btf target; a few hundred types make both vanish from
 * start-to-attached and from the peak RSS.
 *
 * Key: the kernel's build id (the GNU note in /sys/kernel/notes; none, no
 * cache), a hash of our BPF objects' bytes and the file's format version. Directory:
 * $DROPSCOPE_BTF_CACHE_DIR or /var/cache/dropscope, root-owned and not
 * group- or world-writable (else refused); the file likewise. Files are
 * written to a name no other writer can hold (O_TMPFILE linked, else a
 * random name made with O_EXCL|O_NOFOLLOW) and renamed into place; then the
 * files of other kernels and builds are pruned (btf_cache_prune_rule()).
 */
#ifndef DROPSCOPE_BTF_CACHE_H
#define DROPSCOPE_BTF_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <linux/types.h>

#define BTF_CACHE_DIR_DEFAULT "/var/cache/dropscope"
#define BTF_CACHE_DIR_ENV     "DROPSCOPE_BTF_CACHE_DIR"
/* The most a cache file may hold (a minimized BTF is a few KiB). */
#define BTF_CACHE_MAX_BYTES (4u << 20)

struct btf;
struct stat;

enum btf_cache_state {
	BTF_CACHE_NONE,	   /* no key (no build id) or no usable directory yet */
	BTF_CACHE_REFUSED, /* the directory or the file is not safe to use */
	BTF_CACHE_MISS,	   /* no file for this kernel and object */
	BTF_CACHE_HIT,	   /* path names the open file */
};

struct btf_cache {
	enum btf_cache_state state;
	char dir[256];
	char name[112];	   /* vmlinux-BUILDID-OBJHASH-vN.btf */
	char build_id[65]; /* the kernel's, hex */
	char path[64];	   /* /proc/self/fd/N of the open file, for libbpf */
	int fd;		   /* the cache file while HIT, else -1 */
	int dfd;	   /* the checked directory (open, discard, make, prune), or -1 */
	char note[512];	   /* what happened, for -v */
};

/* The GNU build id in an ELF note area (as /sys/kernel/notes holds),
 * as lowercase hex into hex. Returns its length in bytes, or -1. */
int btf_cache_build_id(const void *notes, size_t len, char *hex, size_t hexlen);

/* 64-bit FNV-1a of the objects' bytes, continued from h (start with
 * BTF_CACHE_HASH_INIT): which objects the file was made for. */
#define BTF_CACHE_HASH_INIT 0xcbf29ce484222325ULL
__u64 btf_cache_obj_hash(__u64 h, const void *obj, size_t len);

/*
 * Look for the file of this kernel and these objects (objs_hash). Never
 * fails: state says what was found, note why. dir NULL:
 * $DROPSCOPE_BTF_CACHE_DIR or the default.
 */
void btf_cache_open(struct btf_cache *c, const char *dir, __u64 objs_hash);

/* Loading with the file failed: remove it (it is stale or foreign) and
 * forget it. Removed by the kept directory descriptor, and only if the name
 * is still the file that was opened. */
void btf_cache_discard(struct btf_cache *c);

/*
 * Make the file: min (btf_minimize()'s) written as a new file and renamed
 * into place; the directory is made (0700) if absent. Only after a MISS.
 * Returns 0 or -errno; note says what was done.
 */
int btf_cache_make(struct btf_cache *c, const struct btf *min);

/*
 * Pruning, after a file is written: at most BTF_CACHE_PRUNE_SCAN entries of
 * the directory are looked at (a directory filled by someone else costs a
 * bounded time), and only names of our own patterns, regular files owned by
 * root (by fstatat without following links) are ever removed, by unlinkat on
 * the checked directory's descriptor.
 *
 *  - vmlinux-ID-*-v*.btf of another kernel build id: removed. That kernel is
 *    not running; if it is booted again, its first start makes the file
 *    again (one start at the cost of no cache).
 *  - vmlinux-ID-*-v*.btf of this kernel but other objects (another dropscope
 *    build, or format): removed once not modified for BTF_CACHE_KEEP_DAYS.
 *    Two builds may be in use on one kernel at once (an exporter DaemonSet
 *    and an operator's newer binary): removing the other's file at once
 *    would make each start of either re-parse the kernel's BTF and remove
 *    the other's file again, forever. A file in use is refreshed (its mtime
 *    touched at most once a day, btf_cache_open()), so a week without a
 *    refresh means no binary has started with it for a week: an upgrade
 *    left it behind. A week, not a day: a binary that starts weekly (a
 *    cron job, a node drained over a weekend) still finds its file. And no
 *    ping-pong: a removal needs the other file a week stale, so at worst a
 *    binary that ran for weeks without restarting remakes its file once
 *    (one start at the cost of no cache), leaving the other's (fresh) be.
 *    Not "keep the newest K": with two builds alternating starts, K = 1
 *    is the ping-pong, and any K lets old builds' files linger forever.
 *  - .tmp-*.btf not modified for an hour: a writer that died before its
 *    rename (with O_TMPFILE only between link and rename); a live writer
 *    takes milliseconds.
 *  - the file just written, anything else: kept.
 */
#define BTF_CACHE_PRUNE_SCAN 256
#define BTF_CACHE_KEEP_DAYS  7
#define BTF_CACHE_TOUCH_SECS (24 * 3600)
#define BTF_CACHE_TMP_SECS   3600

enum btf_cache_prune {
	BTF_PRUNE_KEEP,
	BTF_PRUNE_OTHER_KERNEL, /* another kernel build id */
	BTF_PRUNE_OTHER_BUILD,	/* this kernel, other objects, unused a week */
	BTF_PRUNE_STALE_TMP,	/* a dead writer's temporary file */
};

/* What the rule above says of the entry name (st: its fstatat without
 * following links) in a directory where keep was just written for the
 * kernel build_id (hex), at time now. Pure: no file is touched. */
enum btf_cache_prune btf_cache_prune_rule(const char *name, const struct stat *st, const char *keep,
					  const char *build_id, time_t now);

/* Apply the rule to the directory dfd; returns how many were removed. */
int btf_cache_prune(int dfd, const char *keep, const char *build_id, time_t now);

/* The enum of a minimized BTF that carries kernel type ids by name. */
#define BTF_CACHE_IDS_ENUM "dropscope_vmlinux_ids"

/* The kernel's id of the type name (one of btf_minimize()'s ids), or 0. */
__u32 btf_cache_vmlinux_id(const struct btf *min, const char *name);

/*
 * The id of the first type named name in raw BTF bytes (as
 * /sys/kernel/btf/vmlinux holds them), found by walking the type section
 * without building anything: ~1 ms where libbpf's parse takes ~40 ms and
 * ~11 MB. 0: not there; -EINVAL: not BTF this walk understands (a kind it
 * does not know, sizes out of bounds), for the caller to parse instead.
 */
int btf_raw_find(const void *raw, size_t len, const char *name);

/* Close the file and the directory. */
void btf_cache_close(struct btf_cache *c);

/*
 * The part of vmlinux that CO-RE relocation of the locals' types can look
 * at: every type whose essential name (a ___flavor suffix stripped) is that
 * of a named struct, union, enum, typedef or forward declaration of a local,
 * and everything those embed by value (members, array elements, typedef
 * and modifier targets), with each pointer turned into one pointer to
 * void (a field relocation takes any two pointers as compatible and never
 * looks past one; libbpf 1.1's relo_core.c: "any two PTRs are always
 * compatible"). Enough for field and enum value relocations, the only kinds
 * dropscope.bpf.c has; a type-based one (bpf_core_type_*) compares what
 * pointers point to and would need their targets kept: test 111 compares
 * the programs loaded with and without the cache. Also every enum whose
 * name has "drop_reason" (the reason names: symbols/reasons.c), and the
 * enum BTF_CACHE_IDS_ENUM whose values are the vmlinux ids of the types
 * named in ids (those vmlinux has). NULL with errno on failure.
 */
struct btf *btf_minimize(const struct btf *vmlinux, const struct btf *const *locals, int n_locals,
			 const char *const *ids, int n_ids);

#endif /* DROPSCOPE_BTF_CACHE_H */
