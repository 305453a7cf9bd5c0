// SPDX-License-Identifier: GPL-2.0
/*
 * dropscope: where and why the kernel drops packets.
 * Entry point: a table of subcommands, as bpftool has.
 */
#include <errno.h>
#include <malloc.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <bpf/libbpf.h>

#include "cmd/commands.h"
#include "lib/escape.h"
#include "symbols/ksyms.h"
#include "trace/session.h"
#include "cmd/options.h"
#include "lib/stdout.h"
#include "symbols/reasons.h"
#include "symbols/source.h"
#include "lib/version.h"
#include "lib/msg.h"

static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* Translate addresses, and time the symbol table (make bench uses --stats). */
static int cmd_symbols(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "system-map", required_argument, NULL, 'm' },
		{ "kaslr-offset", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct symbols_opts so = {};
	bool stats = false;
	double t0, c0;
	char note[768], buf[256];
	struct ksyms *ks;
	char *end;
	int c;

	optind = 1;
	opterr = 0; /* our own message: getopt's would print argv raw */
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			stats = true;
			break;
		case 'm':
			if (!*optarg) {
				msg_error("invalid --system-map '': expected a file");
				return 2;
			}
			so.system_map = optarg;
			so.force_map = true;
			break;
		case 'k': {
			uint64_t v;

			if (options_parse_hex(optarg, &v)) {
				msg_error("invalid --kaslr-offset '%s': expected a hex number",
					  ESC(optarg));
				return 2;
			}
			so.kaslr_offset = (int64_t)v;
			so.have_kaslr = true;
			break;
		}
		case 'h':
			printf("Usage: dropscope symbols [--stats] [--system-map FILE] "
			       "[--kaslr-offset HEX] [ADDRESS...]\n"
			       "Prints symdata (func+0xoff/0xsize [module]) for each address.\n");
			return 0;
		case ':':
			msg_error("option '%s' needs a value", ESC(argv[optind - 1]));
			return 2;
		default:
			option_error(longopts, argv[optind - 1], optopt, "symbols");
			return 2;
		}
	}
	t0 = mono_now();
	c0 = cpu_ms();
	ks = symbols_load(&so, note, sizeof(note));
	if (!ks) {
		msg_error("%s", note[0] ? note : strerror(errno));
		return 1;
	}
	if (note[0])
		msg_info("%s", note);
	if (stats)
		printf("symbols: %zu from %s in %.3f ms (cpu %.3f ms)\n", ksyms__count(ks),
		       ksyms__source(ks) == KSYMS_KALLSYMS ? "/proc/kallsyms" : "System.map",
		       (mono_now() - t0) * 1e3, cpu_ms() - c0);
	for (int i = optind; i < argc; i++) {
		unsigned long long a;

		errno = 0;
		a = strtoull(argv[i], &end, 16);
		if (errno || *end || end == argv[i]) {
			msg_error("invalid address '%s'", ESC(argv[i]));
			ksyms__free(ks);
			return 2;
		}
		ksyms__symdata(ks, a, buf, sizeof(buf));
		printf("%s\n", buf);
	}
	ksyms__free(ks);
	return 0;
}

/* List this kernel's drop reasons: what --reason accepts. */
static int cmd_reasons(int argc, char **argv)
{
	static const char *const src[] = { "none (kernel without drop reasons)", "BTF",
					   "tracefs format" };
	struct reasons *rs;
	(void)argv;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: dropscope reasons\n\n"
		       "The drop reasons of the running kernel (from its BTF, or the\n"
		       "tracepoint's format in tracefs): the names --reason accepts.\n");
		return 0;
	}
	if (argc > 1) {
		msg_error("invalid argument '%s': reasons takes none", ESC(argv[1]));
		return 2;
	}
	rs = reasons__load(NULL);
	if (!rs) {
		msg_error("cannot read drop reasons: %s", strerror(errno));
		return 1;
	}
	printf("# drop reasons of the running kernel, from %s\n", src[reasons__source(rs)]);
	for (size_t i = 0; i < reasons__count(rs); i++) {
		const char *name;
		uint32_t v;

		if (!reasons__entry(rs, i, &v, &name))
			printf("%u %s\n", v, ESC(name));
	}
	reasons__free(rs);
	return 0;
}

static int run_monitor(int argc, char **argv, const char *cmd, int (*fn)(struct config *))
{
	/* A live view refreshes every second; a log every 5, as the seed. */
	struct config cfg = { .cmd = cmd, .interval = strcmp(cmd, "top") ? 5 : 1, .snaplen = 128 };
	int rc;

	/* --json makes every message JSON, those about the options included
	 * (bpftool does the same). */
	msg_json(options_want_json(argc, argv, cmd));
	rc = options_parse(argc, argv, &cfg);

	if (rc == 1)
		return 0;
	if (rc)
		return rc;
	/* An event is one packet at one place: its exact offset is the point. */
	if (!strcmp(cmd, "events") && !cfg.sym_set)
		cfg.sym = SYM_DATA;
	return fn(&cfg);
}

static int do_summary(int argc, char **argv)
{
	return run_monitor(argc, argv, "summary", cmd_summary);
}

static int do_events(int argc, char **argv)
{
	return run_monitor(argc, argv, "events", cmd_events);
}

static int do_top(int argc, char **argv)
{
	return run_monitor(argc, argv, "top", cmd_top);
}
#ifndef DROPSCOPE_NO_EXPORTER
static int do_exporter(int argc, char **argv)
{
	return run_monitor(argc, argv, "exporter", cmd_exporter);
}
static int do_diagnose(int argc, char **argv)
{
	return run_monitor(argc, argv, "diagnose", cmd_diagnose);
}
#else
static int do_exporter(int argc, char **argv)
{
	(void)argc;
	msg_error("'%s' is not in this static build (no static libmnl or GnuTLS); "
		  "use the dynamic build",
		  argv[0]);
	return 2;
}
#define cmd_counters do_exporter
#define do_diagnose  do_exporter
#endif

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return 0;
}

static int do_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("dropscope %s (libbpf %s)\n", DROPSCOPE_VERSION, libbpf_version_string());
	return 0;
}

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "summary", do_summary },   { "events", do_events },	  { "top", do_top },
	{ "symbols", cmd_symbols },  { "reasons", cmd_reasons },  { "help", do_help },
	{ "version", do_version },   { "exporter", do_exporter }, { "counters", cmd_counters },
	{ "diagnose", do_diagnose },
};

static int dispatch(int argc, char **argv)
{
	/* No command word, or an option first: the dropwatch-style summary. */
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && !strcmp(argv[1], "--version"))
			return do_version(argc, argv);
		return do_summary(argc, argv);
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	/* One line, as for any bad input (the usage would bury it). */
	msg_error("unknown command '%s' (commands: summary, events, top, exporter, counters, "
		  "diagnose, symbols, reasons, help, version; usage: dropscope help)",
		  ESC(argv[1]));
	return 2;
}

int main(int argc, char **argv)
{
	/* Before anything opens a file: a closed stdout must not become it. */
	if (output_init())
		return 1;
	/*
	 * A fixed threshold: every large buffer (BTF, kallsyms) is its own
	 * mapping, given back when freed. glibc's default raises the threshold
	 * after the first such free, so the next one would stay on the heap
	 * and each parse would add to the peak RSS.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 << 10);
	return output_end(dispatch(argc, argv));
}
