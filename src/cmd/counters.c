// SPDX-License-Identifier: GPL-2.0
/*
 * `dropscope counters`: one reading of every counter reader, in the
 * Prometheus text format: a look at what the exporter would serve beside
 * the drop table, without BPF (and without privilege in our own namespace).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "counters/counters.h"
#include "render/exposition.h"
#include "render/counter_families.h"
#include "cmd/options.h"
#include "lib/escape.h"
#include "lib/msg.h"

int cmd_counters(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "openmetrics", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	static const char use[] =
		"Usage: dropscope counters [--netns PATH|INODE] [--openmetrics]\n";
	const char *netns = NULL;
	struct counter_src src;
	struct counter_snapshot snap;
	struct expo x = {};
	char err[512];
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			netns = optarg;
			break;
		case 'o':
			x.fmt = EXPO_OPENMETRICS;
			break;
		case 'h':
			fputs(use, stdout);
			return 0;
		case ':':
			msg_error("invalid option '%s': needs a value (usage: dropscope counters "
				  "--help)",
				  ESC(argv[optind - 1]));
			return 2;
		default:
			option_error(longopts, argv[optind - 1], optopt, "counters");
			return 2;
		}
	}
	if (optind < argc) {
		msg_error("invalid argument '%s': unexpected (usage: dropscope counters --help)",
			  ESC(argv[optind]));
		return 2;
	}
	rc = counter_src_open(&src, netns, err, sizeof(err));
	if (rc) {
		msg_error("%s", err);
		return rc == -ENOENT || rc == -EINVAL || rc == -ESRCH ? 2 : 1;
	}
	rc = counters_sample(&src, &snap);
	metrics_counters(&x, &snap);
	expo_end(&x);
	counter_snapshot_free(&snap);
	counter_src_close(&src);
	if (x.b.failed) {
		msg_error("out of memory");
		mbuf_free(&x.b);
		return 1;
	}
	if (x.b.p)
		fwrite(x.b.p, 1, x.b.len, stdout);
	mbuf_free(&x.b);
	/* A failed write is said once, by output_end() in main. */
	if (fflush(stdout) || ferror(stdout))
		return 1;
	if (rc)
		msg_error("a counter reader failed: %s", strerror(-rc));
	return rc ? 1 : 0;
}
