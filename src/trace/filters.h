/* SPDX-License-Identifier: GPL-2.0 */
/* Turns filter options into what the BPF program compares against. */
#ifndef DROPSCOPE_FILTERS_H
#define DROPSCOPE_FILTERS_H

#include "trace/loader.h"
#include "trace/config.h"

struct ksyms;
struct reasons;

/*
 * Fill f from cfg. rs and ks are needed only for --reason and --location
 * (the caller loads them first when those are given). *reason_buf is
 * malloc'd storage for f->reasons, freed by the caller. Returns 0, or
 * prints one line and returns 2 (bad value) or 1 (system error).
 */
int filters_resolve(const struct config *cfg, const struct reasons *rs, const struct ksyms *ks,
		    struct filters *f, __u32 **reason_buf);

#endif /* DROPSCOPE_FILTERS_H */
