/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dimensions of a count (--by): their names, and what a row of the
 * count table says for each of them. Every view (summary text and JSON,
 * folded stacks, the exporter's labels) names dimensions through here.
 */
#ifndef DROPSCOPE_KEYS_H
#define DROPSCOPE_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "bpf/dropscope.h"

/*
 * Parse a --by list ("location,reason,dev") into enum key_dim bits.
 * Returns 0, or -1 after writing the offending word into bad (bounded).
 */
int keys_parse(const char *list, __u32 *dims, char *bad, size_t badlen);

/* The --by name of one dimension bit ("dev"), NULL for none. */
const char *keys_name(__u32 dim);

/* "location, reason, proto, ...": every --by name, for messages. */
const char *keys_names(void);

/*
 * A copy of k with every dimension not in dims zeroed, so rows that
 * differ only in what a view does not show compare equal.
 */
struct drop_key keys_mask(const struct drop_key *k, __u32 dims);

/* memcmp order of the masked keys, stack id last: rows of one key sort
 * together, its stacks next to each other. */
int keys_cmp(const struct drop_key *a, const struct drop_key *b, bool with_stack);

/* A hash of the whole key (every dimension tells rows apart). */
size_t keys_hash(const struct drop_key *k);

#endif /* DROPSCOPE_KEYS_H */
