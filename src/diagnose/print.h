/* SPDX-License-Identifier: GPL-2.0 */
/*
 * diagnose's printers: the report as text or as one JSON object, to any
 * stream (the unit test prints to memory). Each evidence kind prints its
 * own part (evidence.c); this is the frame around them.
 */
#ifndef DROPSCOPE_DIAGNOSE_PRINT_H
#define DROPSCOPE_DIAGNOSE_PRINT_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "diagnose/finding.h"
#include "lib/json.h"

/* What an evidence printer needs besides its finding. */
struct print_ctx {
	FILE *out;
	const struct window *w;
	bool said; /* text: the "evidence:" label is printed for this finding */
};

/* Text: the label of the next evidence line ("   evidence: " or its indent). */
void ev_line(struct print_ctx *p);
#define EV_INDENT "             "

void print_text(FILE *out, const struct window *w, const struct report *r);
void print_json(FILE *out, const struct window *w, const struct report *r);

/* A finding's sentence: its knowledge, a counter's own, or "not known". */
const char *finding_why(const struct finding *f);

#endif /* DROPSCOPE_DIAGNOSE_PRINT_H */
