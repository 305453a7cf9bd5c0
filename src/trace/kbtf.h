/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel BTF our BPF objects need, without parsing the kernel's own
 * (~6 MB: ~40 ms and ~11 MB of memory in libbpf, the largest part of a
 * start): a minimized BTF (btf_cache.h) for CO-RE relocation, for the ids
 * of the tp_btf attach targets and for the drop-reason names. From the
 * cache when it has one for this kernel and these objects; else made from
 * the kernel's BTF once attached (kbtf_save()): the first start attaches
 * as any libbpf loader would, and makes the file after.
 *
 * A tp_btf program that libbpf loads itself makes libbpf parse the
 * kernel's BTF to find its target, whatever btf_custom_path says. So our
 * tp_btf programs are in SEC("ds_tp_btf/TP"): a section libbpf does not
 * know, which the handler kbtf_hook_begin() registers turns into a tp_btf
 * program on TP at load time, with the target's id from the minimized BTF.
 * The kernel checks the id (a typedef named btf_trace_*); kbtf_attach()
 * checks the tracepoint attached to, by name.
 */
#ifndef DROPSCOPE_KBTF_H
#define DROPSCOPE_KBTF_H

#include <stdbool.h>
#include <stddef.h>
#include "trace/btf_cache.h"

struct bpf_program;
struct bpf_link;

/* The section prefix of our tp_btf programs (src/bpf). */
#define KBTF_SEC_PREFIX "ds_tp_btf/"

/* A BPF object of ours, as its skeleton embeds it. */
struct kbtf_obj {
	const void *bytes;
	size_t len;
};

#define KBTF_MAX_OBJS 4

struct kbtf {
	struct kbtf_obj objs[KBTF_MAX_OBJS]; /* the objects loaded with it */
	int n_objs;
	struct btf_cache cache;
	struct btf *min;   /* the minimized kernel BTF; NULL: none */
	int memfd;	   /* min's bytes when made here, else -1 */
	char path[64];	   /* btf_custom_path: the cache file or memfd; "" none */
	bool made;	   /* min was made from the kernel's BTF here */
	bool from_cache;   /* min is the cache file's */
	int handler;	   /* libbpf program handler during a load, else 0 */
	struct btf *stash; /* min put aside by kbtf_set_aside() */
	char stash_path[64];
	char *raw; /* the kernel's BTF bytes during a load without min */
	size_t raw_len;
};

void kbtf_init(struct kbtf *k);

/*
 * The minimized BTF for the objects (the cache's key, and what it keeps),
 * from the cache (use_cache; dir NULL: the default), in min. Without one,
 * loads relocate against the kernel's BTF as libbpf does, tp_btf targets
 * are found by a walk of its bytes, and kbtf_save() makes the file once
 * attached.
 *
 * void: no outcome calls for anything of the caller. Every one of them
 * (no build id, off, refused, a miss, a damaged file removed, too many
 * objects) means the same to it, a start without the minimized BTF, and
 * the state it needs is in k: min (reasons__load_min), kbtf_path() (the
 * loads), the cache's state (kbtf_save); the why is kbtf_note()'s, for -v.
 * The cache never fails a start.
 */
void kbtf_open(struct kbtf *k, const struct kbtf_obj *objs, int n_objs, const char *dir,
	       bool use_cache);

/* A load with the cache file failed: min is put aside, for a retry as
 * without the file. The file is left as it is: the load may have failed
 * for a reason that is not the file's (a kernel or policy refusing
 * tp_btf), and a good file removed on every start would mean the kernel's
 * BTF parsed on every start. */
void kbtf_set_aside(struct kbtf *k);

/* The retry without the file loaded: the file was at fault (stale,
 * foreign, damaged); it goes, and kbtf_save writes it anew. */
void kbtf_discard(struct kbtf *k);

/* The retry failed too: the file stays and min is put back (the -v note
 * says so); WHAT names the backend. */
void kbtf_keep(struct kbtf *k, const char *what);

/* For bpf_object_open_opts.btf_custom_path: NULL when there is none. */
const char *kbtf_path(const struct kbtf *k);

/* Around a skeleton's open and load (both): see above. */
int kbtf_hook_begin(struct kbtf *k);
void kbtf_hook_end(struct kbtf *k);

/* Attach a ds_tp_btf program, and check the kernel attached it to the
 * tracepoint its section names. NULL with errno on failure. */
struct bpf_link *kbtf_attach(struct bpf_program *prog);

/* After attaching, if the cache had no file: make min from the kernel's
 * BTF (the later loads and the reason names use it) and write the file.
 * 1: nothing to do; 0 written; -errno. */
int kbtf_save(struct kbtf *k);

/* --btf FILE was given: the loads relocate against it, so the note says
 * what the cache is still used for (tp_btf's target ids). */
void kbtf_btf_given(struct kbtf *k);

/* What the cache did, for -v. */
const char *kbtf_note(const struct kbtf *k);

void kbtf_close(struct kbtf *k);

#endif /* DROPSCOPE_KBTF_H */
