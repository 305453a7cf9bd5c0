/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live evidence diagnose reads for a finding, one kind per entry of a
 * table (evidence.c): the knowledge bit that asks for it, how it is read,
 * and how it is shown as text and as JSON.
 */
#ifndef DROPSCOPE_DIAGNOSE_EVIDENCE_H
#define DROPSCOPE_DIAGNOSE_EVIDENCE_H

#include "counters/counters.h"
#include "diagnose/finding.h"
#include "diagnose/print.h"

/* What reading evidence needs: the window and the namespace's sockets. */
struct ev_ctx {
	struct window *w;
	struct counter_src *src;
};

struct ev_kind {
	unsigned flag; /* enum evidence bit; 0: every finding diagnose knows */
	void (*collect)(struct ev_ctx *c, struct finding *f);
	void (*text)(struct print_ctx *p, const struct finding *f); /* NULL: not shown */
	void (*json)(struct json *j, const struct print_ctx *p, const struct finding *f);
};

/* The table, in the order the evidence is read and shown. */
const struct ev_kind *ev_kinds(size_t *n);

/* Read the evidence f's knowledge asks for (a finding of the watched namespace). */
void evidence_collect(struct ev_ctx *c, struct finding *f);

/* Add a note to f's evidence (at most MAX_NOTES). */
void note(struct finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* DROPSCOPE_DIAGNOSE_EVIDENCE_H */
