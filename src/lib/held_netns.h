/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network namespaces processes hold open as files: /proc/PID/fd/N
 * links that read "net:[INODE]". Every descriptor on the host is another
 * process's, so the walk is bounded in count, not only in bytes: a
 * process with a million descriptors (a limit any user can raise to
 * fs.nr_open) must not make each walk take seconds.
 *
 * A walk the bound stops short is never read as complete: it goes on at
 * the next step from the process where it stopped, and until one walk
 * went over every process a namespace it has not found yet is "cannot
 * tell", not "not held" (a holder past the bound would otherwise be taken
 * for gone, and its rows freed, without a word).
 */
#ifndef DROPSCOPE_HELD_NETNS_H
#define DROPSCOPE_HELD_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/*
 * At most this many descriptors of one process are read (in directory
 * order): runtimes hold a namespace among their first few descriptors,
 * and one process cannot spend the whole walk. One held past it is
 * missed (and the step counted as cut by the process bound).
 */
#define HELD_NETNS_PER_PROC 4096
/* And at most this many links in one step (measured ~5 us each on a shared VM:
 * ~0.16 s; a 20,000-descriptor process alone took 0.1 s unbounded). */
#define HELD_NETNS_MAX_LINKS 32768

/* The inode a "net:[INODE]" link names; 0 for any other text. */
__u32 held_netns_parse(const char *s);

enum held_answer {
	HELD_NO,      /* a complete walk found no descriptor of it */
	HELD_YES,     /* some process holds it open */
	HELD_UNKNOWN, /* the walk is not complete yet: not found so far */
};

struct held_walk;

/* proc: "/proc", or a tree laid out as it (tests). NULL on ENOMEM. */
struct held_walk *held_walk__new(const char *proc, size_t per_proc, size_t max_links);
void held_walk__free(struct held_walk *w);

/*
 * One step: read at most max_links links (per_proc of one process), in
 * ascending pid order from where the last step stopped. Returns true when
 * this step finished a walk over every process; its answers are then
 * those of that walk (begun at this step or an earlier one), and the next
 * step begins a new walk.
 */
bool held_walk__step(struct held_walk *w);

/* Whether inode is held, as of the last step. */
enum held_answer held_walk__held(const struct held_walk *w, __u32 inode);

/* Steps stopped short by max_links (the walk went on at the next one),
 * and steps in which some process had more than per_proc descriptors. */
__u64 held_walk__cut_links(const struct held_walk *w);
__u64 held_walk__cut_proc(const struct held_walk *w);
/* Links read (readlink calls) by the last step. */
size_t held_walk__last_links(const struct held_walk *w);

#endif /* DROPSCOPE_HELD_NETNS_H */
