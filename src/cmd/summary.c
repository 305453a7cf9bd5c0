// SPDX-License-Identifier: GPL-2.0
/*
 * The default command: dropwatch.stp's loop. Every interval, read what
 * the kernel counted since the last read and print it, most first.
 */
#include <stdio.h>

#include "cmd/commands.h"
#include "trace/drop_table.h"
#include "symbols/ksyms.h"
#include "trace/progwatch.h"
#include "trace/session.h"
#include "lib/stdout.h"
#include "render/rows.h"
#include "lib/msg.h"

/* 0 on success, 1 on a read error, -1 when the reader of our output went away. */
static int report_rows(struct monitor *m, struct report *rep, double interval)
{
	const struct drop_delta *rows;
	struct interval_stats st;
	int n = counts__poll(m->counts, &rows, &st);
	bool missed = false;

	if (n < 0) {
		msg_error("reading counts: %s", strerror(-n));
		return 1;
	}
	for (int i = 0; i < n && !missed; i++)
		missed = !ksyms__find(m->ks, rows[i].key.location);
	monitor_refresh_symbols(m, missed);
	monitor_objects_said(m);
	rep->ks = m->ks;
	{
		const struct tc_attr *tc;
		int ntc = progwatch__tc_poll(m->pw, &tc);

		rep->tc = tc;
		rep->ntc = ntc > 0 ? (size_t)ntc : 0;
	}
	report__interval(rep, rows, n, &st, wall_now(), interval);
	/* A failed write ends the run; main() says why (EPIPE from a closed
	 * reader, `| head`, quietly). */
	return output_failed() ? -1 : 0;
}

int cmd_summary(struct config *cfg)
{
	struct loader_opts lopts = {};
	struct report rep = {};
	struct monitor m;
	double start, next, end, last;
	long intervals = 0;
	bool stopped = false, reported = false;
	int rc;

	rc = monitor_start(&m, cfg, &lopts);
	if (rc)
		goto out;
	/* Rows of gone namespaces, devices and cgroups are printed, then freed. */
	if (monitor_free_gone(&m)) {
		msg_error("out of memory");
		rc = 1;
		goto out;
	}

	rep = (struct report){ .out = stdout,
			       .ks = m.ks,
			       .rs = m.rs,
			       .sym = cfg->sym,
			       .by_reason = cfg->by_reason,
			       .dims = cfg->by,
			       .folded = cfg->folded,
			       .stacks = m.stacks,
			       .cgroups = m.cgroups,
			       .workloads = m.workloads,
			       .no_reasons = !monitor_has_reasons(&m),
			       .json = cfg->json,
			       .top = cfg->top,
			       .class_note = cfg->classes == CLASSES_ALL };
	report__start(&rep);
	if (output_failed()) {
		rc = -1;
		goto out;
	}

	start = last = mono_now();
	next = start + cfg->interval;
	end = cfg->duration > 0 ? start + cfg->duration : 1e300;
	while (!stopped) {
		double until = next < end ? next : end;

		stopped = monitor_wait(&m, until, -1);
		if (stopped || mono_now() < next)
			break; /* signal, or --duration ended mid-interval */
		rc = report_rows(&m, &rep, mono_now() - last);
		if (rc)
			goto out;
		reported = true;
		last = mono_now();
		next += cfg->interval;
		if (cfg->count && ++intervals >= cfg->count)
			goto done;
		if (mono_now() >= end)
			goto done;
	}

	/*
	 * Detach before the last read: every drop the program saw is then in
	 * the maps, and the partial interval is exact.
	 */
	loader__detach(m.loader);
	progwatch__detach(m.pw);
	/* Always when nothing was reported yet: a SIGINT that came during
	 * the start after attaching is read only now, and the drops since
	 * attaching are in this read alone. */
	if (!reported || mono_now() - last >= 0.001) {
		rc = report_rows(&m, &rep, mono_now() - last);
		if (rc)
			goto out;
	}
done:
	report__stop(&rep);
	rc = 0;
out:
	monitor_end(&m);
	return rc < 0 ? 0 : rc;
}
