/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The address evidence kinds (evidence_addr.c): the sampled drops'
 * senders with the route back, and their destinations with the route to
 * them.
 */
#ifndef DROPSCOPE_DIAGNOSE_EVIDENCE_ADDR_H
#define DROPSCOPE_DIAGNOSE_EVIDENCE_ADDR_H

#include "diagnose/evidence.h"

void senders_collect(struct ev_ctx *c, struct finding *f);
void senders_text(struct print_ctx *p, const struct finding *f);
void senders_json(struct json *j, const struct print_ctx *p, const struct finding *f);
void dests_collect(struct ev_ctx *c, struct finding *f);
void dests_text(struct print_ctx *p, const struct finding *f);
void dests_json(struct json *j, const struct print_ctx *p, const struct finding *f);

void synpeers_collect(struct ev_ctx *c, struct finding *f);
void synpeers_text(struct print_ctx *p, const struct finding *f);
void synpeers_json(struct json *j, const struct print_ctx *p, const struct finding *f);

#endif /* DROPSCOPE_DIAGNOSE_EVIDENCE_ADDR_H */
