/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Drop classes: whether a row is a packet the network stack refused
 * (`drop`) or something a local socket or queue discarded because its
 * owner closed it unread (`close`). One table (classes.c), each entry
 * with why, matched on the drop reason first, then the location's
 * function and the socket's family where the reason alone does not tell.
 */
#ifndef DROPSCOPE_CLASSES_H
#define DROPSCOPE_CLASSES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct ksyms;
struct reasons;

enum drop_class {
	CLASS_DROP = 0,
	CLASS_CLOSE = 1,
};

/* --class: which classes a view shows. */
enum class_filter {
	CLASSES_ALL = 0,
	CLASSES_DROP,
	CLASSES_CLOSE,
};

/* "drop" or "close". */
const char *classes_name(enum drop_class c);

/* Parse --class ("drop", "close", "all"); -1 for anything else. */
int classes_parse(const char *s, enum class_filter *out);

/* Whether a row of class c passes filter f. */
bool classes_shown(enum class_filter f, enum drop_class c);

/*
 * The class of a drop from its reason name (NULL: the kernel gave none or
 * no name is known), its location's function name (NULL: no symbol) and
 * the AF_* family of its socket (0 = not read). why, when not NULL, gets
 * the matching entry's reason for the answer.
 */
enum drop_class classes_match(const char *reason, const char *func, unsigned family,
			      const char **why);

/* classes_match() for a kernel row: names through rs and ks (either may
 * be NULL). */
enum drop_class classes_of(const struct reasons *rs, const struct ksyms *ks, __u32 reason,
			   __u64 location, unsigned family);

/* Entries of the table, for documentation and tests: 0 and its fields
 * while i is in range, -1 past the end. */
int classes_entry(size_t i, const char **reason, const char **func, unsigned *family,
		  enum drop_class *c, const char **why);

#endif /* DROPSCOPE_CLASSES_H */
