/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diagnose: watch for a while, then say what dropped, why, with the
 * evidence, and what to change. cmd/diagnose.c is its command.
 */
#ifndef DROPSCOPE_DIAGNOSE_H
#define DROPSCOPE_DIAGNOSE_H

#include "trace/config.h"

/* diagnose watches this long without -d. */
#define DIAGNOSE_SECONDS 5

/* The whole run: returns the exit code (0, 1 system error, 2 bad input). */
int diagnose_run(const struct config *cfg);

#endif /* DROPSCOPE_DIAGNOSE_H */
