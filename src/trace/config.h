/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the user asked for, as data: cmd/options.c fills it from argv, the
 * session (trace/session.c) and the views read it. Lives in the trace
 * layer so that the layers below the commands can take it without
 * including a command's header.
 */
#ifndef DROPSCOPE_CONFIG_H
#define DROPSCOPE_CONFIG_H

#include <stdbool.h>
#include "symbols/source.h"
#include "trace/classes.h"
#include "trace/loader.h"

struct config {
	const char *cmd; /* "summary", "events", "exporter" */
	double interval; /* seconds */
	long count;	 /* intervals, 0 = no limit */
	double duration; /* seconds, 0 = no limit */
	int top;
	enum sym_style sym;
	bool sym_set; /* --symbols given: events mode then shows exactly that */
	bool by_reason;
	__u32 by;	     /* --by: enum key_dim bits, 0 = location (with -r: and reason) */
	bool folded;	     /* --folded */
	unsigned max_stacks; /* --max-stacks, 0 = DEFAULT_MAX_STACKS */
	/* --stack-budget: unwinds per second per CPU, 0 = every drop; when
	 * not given, DEFAULT_STACK_BUDGET */
	unsigned stack_budget;
	bool stack_budget_set;
	const char *helpers; /* --helper: more generic helpers for --by caller */
	bool json;
	bool verbose;
	enum backend backend;
	unsigned max_keys;
	const char *btf;
	const char *ready_file;
	bool force;	   /* -w and --ready-file may replace an existing file */
	bool no_btf_cache; /* --no-btf-cache: CO-RE against the whole kernel BTF (btf_cache.h) */
	bool no_xdp;	   /* --no-xdp: no fexit on XDP programs, no XDP_DROP/XDP_ABORTED rows */
	struct symbols_opts syms;
	/* filters, resolved by filters_resolve() */
	const char *netns;
	/* Not an option: namespaces --netns's filter passes too (diagnose
	 * sets its veth peers'), at most MAX_NETNS_FILTER */
	const __u32 *netns_also;
	int n_netns_also;
	const char *dev;
	const char *proto;
	const char *reasons;
	const char *location;
	enum class_filter classes; /* --class, in every view */
	const char *workload_root; /* --workload-root: runtimes' state below it */
	/* events */
	unsigned snaplen;
	unsigned rate;
	const char *write;
	const char *filter_expr;
	/* exporter */
	const char *listen; /* ADDR:PORT, [ADDR6]:PORT or :PORT */
	unsigned max_series;
	unsigned series_ttl; /* scrapes a gone object's series stays; 0 = default */
	const char *tls_cert;
	const char *tls_key;
};

#endif /* DROPSCOPE_CONFIG_H */
