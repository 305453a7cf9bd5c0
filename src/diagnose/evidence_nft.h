/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netfilter evidence kind (evidence_nft.c): the hook, the nftables
 * drop points whose counters grew (or those without a counter), and
 * conntrack's own drops.
 */
#ifndef DROPSCOPE_DIAGNOSE_EVIDENCE_NFT_H
#define DROPSCOPE_DIAGNOSE_EVIDENCE_NFT_H

#include "diagnose/evidence.h"

void nft_collect(struct ev_ctx *c, struct finding *f);
void nft_text(struct print_ctx *p, const struct finding *f);
void nft_json(struct json *j, const struct print_ctx *p, const struct finding *f);

#endif /* DROPSCOPE_DIAGNOSE_EVIDENCE_NFT_H */
