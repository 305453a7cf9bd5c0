/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line options shared by the monitoring commands. */
#ifndef DROPSCOPE_OPTIONS_H
#define DROPSCOPE_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include "loader.h"
#include "report.h"
#include "symbols.h"

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
	const char *helpers; /* --helper: more generic helpers for --by caller */
	bool json;
	bool verbose;
	enum backend backend;
	unsigned max_keys;
	const char *btf;
	const char *ready_file;
	bool force; /* -w and --ready-file may replace an existing file */
	struct symbols_opts syms;
	/* filters, resolved by filters_resolve() */
	const char *netns;
	const char *dev;
	const char *proto;
	const char *reasons;
	const char *location;
	/* events */
	unsigned snaplen;
	unsigned rate;
	const char *write;
	const char *filter_expr;
	/* exporter */
	const char *listen; /* ADDR:PORT, [ADDR6]:PORT or :PORT */
	unsigned max_series;
	const char *tls_cert;
	const char *tls_key;
};

/*
 * Parse argv (after the command word). Returns 0, or 2 after printing the
 * error and usage (exit code for bad input), or 1 for --help (printed).
 */
int options_parse(int argc, char **argv, struct config *cfg);

void usage(FILE *out);

/*
 * Say which option getopt_long() refused: word is argv[optind - 1], opt
 * getopt's optopt. Names a long option properly ("--json takes no value")
 * and escapes what the user typed.
 */
void option_error(const struct option *longopts, const char *word, int opt);

#endif /* DROPSCOPE_OPTIONS_H */
