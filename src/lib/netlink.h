/* SPDX-License-Identifier: GPL-2.0 */
/* One rtnetlink dump through libmnl, shared by the link and qdisc readers. */
#ifndef DROPSCOPE_NLDUMP_H
#define DROPSCOPE_NLDUMP_H

#include <libmnl/libmnl.h>

/*
 * Send the request in nlh (type set, extra header filled) as a dump and
 * run cb on every answer until the dump ends. Returns 0 or -errno.
 */
int nl_dump(struct mnl_socket *nl, unsigned *seq, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* Growable array of fixed-size records, capped so a hostile dump cannot exhaust memory. */
void *nl_grow(void *arr, size_t *cap, size_t n, size_t size);

#endif /* DROPSCOPE_NLDUMP_H */
