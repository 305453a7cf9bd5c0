/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcap-filter expressions (tcpdump syntax), compiled by libpcap and run on
 * the bytes the BPF side copied. Kept apart because <pcap/bpf.h> and
 * <linux/bpf.h> cannot share a translation unit.
 */
#ifndef DROPSCOPE_PKTFILTER_H
#define DROPSCOPE_PKTFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pktfilter;

/* NULL on error, with libpcap's message in err. */
struct pktfilter *pktfilter__compile(const char *expr, char *err, size_t errlen);

/* Does an Ethernet frame of len bytes, caplen of them at data, match? */
bool pktfilter__match(const struct pktfilter *f, const void *data, uint32_t caplen, uint32_t len);

void pktfilter__free(struct pktfilter *f);

#endif /* DROPSCOPE_PKTFILTER_H */
