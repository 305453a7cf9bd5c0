// SPDX-License-Identifier: GPL-2.0
/*
 * `dropscope diagnose`: one window of drops, the counters no tracepoint
 * sees, and the live settings that explain them, as findings largest
 * first. The pipeline: collect (collect.c: the shared program's counts, a
 * sample of the dropped packets, the counters at the start and the end),
 * analyse (analyse.c: findings, free of I/O), evidence (evidence.c: what
 * each finding's knowledge asks to read), print (print.c). Nothing is
 * changed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "diagnose/analyse.h"
#include "diagnose/collect.h"
#include "diagnose/diagnose.h"
#include "diagnose/evidence.h"
#include "diagnose/print.h"
#include "lib/msg.h"

int diagnose_run(const struct config *cfg)
{
	struct collector *c;
	struct window *w;
	struct report *r;
	const struct drop_delta *rows;
	int rc, n;

	/* The options table (cmd/options.c) refused what diagnose does not take. */
	c = calloc(1, sizeof(*c));
	w = calloc(1, sizeof(*w));
	r = calloc(1, sizeof(*r));
	if (!c || !w || !r) {
		msg_error("out of memory");
		rc = 1;
		goto out;
	}
	rc = collect_open(c, cfg, w);
	if (rc)
		goto out;
	n = collect_watch(c, cfg->duration > 0 ? cfg->duration : DIAGNOSE_SECONDS, &rows);
	if (n < 0) {
		rc = 1;
		goto out;
	}
	analyse(w, rows, n, r);
	for (int i = 0; i < r->nf; i++)
		evidence_collect(&(struct ev_ctx){ .w = w, .src = &c->src }, &r->f[i]);
	if (cfg->json)
		print_json(stdout, w, r);
	else
		print_text(stdout, w, r);
out:
	if (c)
		collect_close(c);
	if (r)
		report_free(r);
	free(r);
	free(w);
	free(c);
	return rc;
}
