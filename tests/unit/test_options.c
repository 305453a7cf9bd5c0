// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/options.c: every option lands in its own field and
 * nowhere else, bad input is exit code 2 with a one-line message on
 * stderr, --help is 1 with the command's usage on stdout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/types.h>
#include "bpf/dropscope.h"
#include "cmd/options.h"

#define MAX_ARGS 16

/* What one options_parse() call printed. */
struct printed {
	char out[8192];
	char err[8192];
};

/* As main.c sets them before parsing. */
static void defaults(struct config *cfg, const char *cmd)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->cmd = cmd;
	cfg->interval = 5;
	cfg->snaplen = 128;
}

/*
 * glibc keeps getopt state beyond optind (the position inside a group of
 * short options, the permutation bounds); only optind = 0 resets all of
 * it. A call with optind = 0 on an empty argv does that, so every parse
 * here starts clean whatever the previous one left behind.
 */
static void getopt_reset(void)
{
	char *argv[] = { "reset", NULL };

	optind = 0;
	opterr = 0;
	while (getopt(1, argv, "") != -1)
		;
}

/* Route fd to a temporary file; returns the saved fd. */
static int redirect(int fd, FILE **tmp)
{
	int saved = dup(fd);

	*tmp = tmpfile();
	assert_non_null(*tmp);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(*tmp), fd) >= 0);
	return saved;
}

static void restore(int fd, int saved, FILE *tmp, char *buf, size_t len)
{
	size_t n;

	assert_true(dup2(saved, fd) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, len - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}

/* Parse args (NULL-terminated) after the command word, with all output captured. */
static int parse_v(struct config *cfg, struct printed *p, va_list ap)
{
	char *argv[MAX_ARGS + 1];
	int argc = 0, rc, so, se;
	FILE *out, *err;
	char *a;

	argv[argc++] = (char *)cfg->cmd;
	while ((a = va_arg(ap, char *))) {
		assert_true(argc < MAX_ARGS);
		argv[argc++] = a;
	}
	argv[argc] = NULL;

	getopt_reset();
	fflush(stdout);
	fflush(stderr);
	so = redirect(STDOUT_FILENO, &out);
	se = redirect(STDERR_FILENO, &err);
	rc = options_parse(argc, argv, cfg);
	fflush(stdout);
	fflush(stderr);
	restore(STDERR_FILENO, se, err, p->err, sizeof(p->err));
	restore(STDOUT_FILENO, so, out, p->out, sizeof(p->out));
	return rc;
}

static int parse(struct config *cfg, struct printed *p, ...)
{
	va_list ap;
	int rc;

	va_start(ap, p);
	rc = parse_v(cfg, p, ap);
	va_end(ap);
	return rc;
}

/* Parse in cmd mode from the defaults; must succeed silently. */
static void parse_ok(struct config *cfg, const char *cmd, ...)
{
	struct printed p;
	va_list ap;
	int rc;

	defaults(cfg, cmd);
	va_start(ap, cmd);
	rc = parse_v(cfg, &p, ap);
	va_end(ap);
	if (rc != 0)
		fail_msg("parse returned %d: %s", rc, p.err);
	assert_string_equal(p.out, "");
	assert_string_equal(p.err, "");
}

/* Parse in cmd mode from the defaults; must be rejected with exit code 2. */
static void parse_bad(const char *cmd, ...)
{
	struct printed p;
	struct config cfg;
	va_list ap;
	int rc;

	defaults(&cfg, cmd);
	va_start(ap, cmd);
	rc = parse_v(&cfg, &p, ap);
	va_end(ap);
	assert_int_equal(rc, 2);
	assert_string_equal(p.out, "");
	if (strncmp(p.err, "dropscope: invalid ", 19))
		fail_msg("stderr does not start with the error: %s", p.err);
	/* One line: the cause, not a page of usage burying it. */
	assert_non_null(strchr(p.err, '\n'));
	assert_string_equal(strchr(p.err, '\n'), "\n");
}

/* Only the fields the test changed may differ from the defaults. */
static void assert_config(const struct config *got, const struct config *expect)
{
	assert_string_equal(got->cmd, expect->cmd);
	assert_memory_equal(got, expect, sizeof(*got));
}

static void test_defaults_untouched(void **state)
{
	struct config cfg, exp;
	struct printed p;
	(void)state;

	defaults(&exp, "summary");
	parse_ok(&cfg, "summary", NULL);
	assert_config(&cfg, &exp);

	defaults(&exp, "events");
	parse_ok(&cfg, "events", NULL);
	assert_config(&cfg, &exp);

	/* Whatever the caller preset stays as it was. */
	defaults(&cfg, "summary");
	cfg.top = 7;
	cfg.max_keys = 99;
	cfg.sym = SYM_FULL;
	cfg.backend = BACKEND_RAW_TP;
	cfg.dev = "eth0";
	memcpy(&exp, &cfg, sizeof(exp)); /* padding included */
	assert_int_equal(parse(&cfg, &p, "-r", NULL), 0);
	exp.by_reason = true;
	assert_config(&cfg, &exp);
}

static void test_interval(void **state)
{
	static const struct {
		const char *args[3];
		double value;
	} cases[] = {
		{ { "-i", "2" }, 2 },	       { { "-i", "0.5" }, 0.5 },
		{ { "-i0.25" }, 0.25 },	       { { "--interval", "10" }, 10 },
		{ { "--interval=1.5" }, 1.5 }, { { "-i", "10000000" }, 1e7 },
	};
	struct config cfg, exp;
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_ok(&cfg, "summary", cases[i].args[0], cases[i].args[1], NULL);
		defaults(&exp, "summary");
		exp.interval = cases[i].value;
		assert_config(&cfg, &exp);
	}
}

static void test_count_duration_top(void **state)
{
	struct config cfg, exp;
	(void)state;

	parse_ok(&cfg, "summary", "-c", "3", NULL);
	defaults(&exp, "summary");
	exp.count = 3;
	assert_config(&cfg, &exp);

	parse_ok(&cfg, "summary", "--count=2147483648", NULL);
	exp.count = 2147483648L;
	assert_config(&cfg, &exp);

	parse_ok(&cfg, "summary", "-d", "1.5", NULL);
	defaults(&exp, "summary");
	exp.duration = 1.5;
	assert_config(&cfg, &exp);

	parse_ok(&cfg, "summary", "--duration", "60", NULL);
	exp.duration = 60;
	assert_config(&cfg, &exp);

	parse_ok(&cfg, "summary", "-t", "10", NULL);
	defaults(&exp, "summary");
	exp.top = 10;
	assert_config(&cfg, &exp);

	parse_ok(&cfg, "summary", "--top=1", NULL);
	exp.top = 1;
	assert_config(&cfg, &exp);
}

static void test_flags(void **state)
{
	struct config cfg, exp;
	(void)state;

	parse_ok(&cfg, "summary", "-r", NULL);
	defaults(&exp, "summary");
	exp.by_reason = true;
	assert_config(&cfg, &exp);
	parse_ok(&cfg, "summary", "--reasons", NULL);
	assert_config(&cfg, &exp);

	parse_ok(&cfg, "summary", "-v", NULL);
	defaults(&exp, "summary");
	exp.verbose = true;
	assert_config(&cfg, &exp);
	parse_ok(&cfg, "summary", "--verbose", NULL);
	assert_config(&cfg, &exp);

	parse_ok(&cfg, "summary", "--json", NULL);
	defaults(&exp, "summary");
	exp.json = true;
	assert_config(&cfg, &exp);

	parse_ok(&cfg, "events", "--force", NULL);
	defaults(&exp, "events");
	exp.force = true;
	assert_config(&cfg, &exp);

	/* Grouped short options, one with its value attached. */
	parse_ok(&cfg, "summary", "-rvc5", NULL);
	defaults(&exp, "summary");
	exp.by_reason = true;
	exp.verbose = true;
	exp.count = 5;
	assert_config(&cfg, &exp);
}

static void test_symbols(void **state)
{
	static const struct {
		const char *arg;
		enum sym_style sym;
	} cases[] = {
		{ "--symbols=name", SYM_NAME },
		{ "--symbols=data", SYM_DATA },
		{ "--symbols=addr", SYM_ADDR },
		{ "--symbols=full", SYM_FULL },
	};
	struct config cfg, exp;
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_ok(&cfg, "summary", cases[i].arg, NULL);
		defaults(&exp, "summary");
		exp.sym = cases[i].sym;
		exp.sym_set = true;
		assert_config(&cfg, &exp);
	}
	parse_ok(&cfg, "events", "--symbols", "addr", NULL);
	defaults(&exp, "events");
	exp.sym = SYM_ADDR;
	exp.sym_set = true;
	assert_config(&cfg, &exp);
}

static void test_backend(void **state)
{
	static const struct {
		const char *arg;
		enum backend b;
	} cases[] = {
		{ "--backend=tp_btf", BACKEND_TP_BTF },
		{ "--backend=raw_tp", BACKEND_RAW_TP },
		{ "--backend=tracepoint", BACKEND_TRACEPOINT },
		{ "--backend=auto", BACKEND_AUTO },
	};
	struct config cfg, exp;
	struct printed p;
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		defaults(&cfg, "summary");
		cfg.backend = BACKEND_RAW_TP == cases[i].b ? BACKEND_TP_BTF : BACKEND_RAW_TP;
		memcpy(&exp, &cfg, sizeof(exp)); /* padding included */
		exp.backend = cases[i].b;
		assert_int_equal(parse(&cfg, &p, cases[i].arg, NULL), 0);
		assert_string_equal(p.err, "");
		assert_config(&cfg, &exp);
	}
}

static void test_symbol_sources(void **state)
{
	struct config cfg, exp;
	(void)state;

	parse_ok(&cfg, "summary", "--system-map", "/boot/System.map-6.1", NULL);
	assert_string_equal(cfg.syms.system_map, "/boot/System.map-6.1");
	defaults(&exp, "summary");
	exp.syms.system_map = cfg.syms.system_map;
	exp.syms.force_map = true;
	assert_config(&cfg, &exp);

	parse_ok(&cfg, "summary", "--kaslr-offset", "1e000000", NULL);
	defaults(&exp, "summary");
	exp.syms.kaslr_offset = 0x1e000000;
	exp.syms.have_kaslr = true;
	assert_config(&cfg, &exp);

	parse_ok(&cfg, "summary", "--kaslr-offset=0x2A00000", NULL);
	exp.syms.kaslr_offset = 0x2a00000;
	assert_config(&cfg, &exp);

	parse_ok(&cfg, "summary", "--max-keys", "4096", NULL);
	defaults(&exp, "summary");
	exp.max_keys = 4096;
	assert_config(&cfg, &exp);

	parse_ok(&cfg, "summary", "--max-keys=16777216", NULL);
	exp.max_keys = 16777216;
	assert_config(&cfg, &exp);
}

/* Options that only keep their string: the field points at the argument. */
static void test_string_options(void **state)
{
	static const struct {
		const char *opt;
		const char *value;
		size_t field;
	} cases[] = {
		{ "--btf", "/tmp/vmlinux.btf", offsetof(struct config, btf) },
		{ "--ready-file", "/run/ready", offsetof(struct config, ready_file) },
		{ "--netns", "/run/netns/blue", offsetof(struct config, netns) },
		{ "--dev", "veth0", offsetof(struct config, dev) },
		{ "--proto", "ip:132", offsetof(struct config, proto) },
		{ "--reason", "NO_SOCKET,TCP_CSUM", offsetof(struct config, reasons) },
		{ "--location", "tcp_v4_rcv", offsetof(struct config, location) },
	};
	struct config cfg, exp;
	char joined[64];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char **got = (const char **)((char *)&cfg + cases[i].field);
		const char **want = (const char **)((char *)&exp + cases[i].field);

		parse_ok(&cfg, "summary", cases[i].opt, cases[i].value, NULL);
		assert_non_null(*got);
		assert_string_equal(*got, cases[i].value);
		defaults(&exp, "summary");
		*want = *got;
		assert_config(&cfg, &exp);

		snprintf(joined, sizeof(joined), "%s=%s", cases[i].opt, cases[i].value);
		parse_ok(&cfg, "events", joined, NULL);
		assert_string_equal(*got, cases[i].value);
		defaults(&exp, "events");
		*want = *got;
		assert_config(&cfg, &exp);
	}
}

/* --class in every view; --workload-root absolute; neither swallows the
 * option next to it (the TLS pair shares its case). */
static void test_class_and_workload_root(void **state)
{
	struct config cfg;
	struct printed p;

	(void)state;
	parse_ok(&cfg, "summary", "--class", "drop", NULL);
	assert_int_equal(cfg.classes, CLASSES_DROP);
	parse_ok(&cfg, "events", "--class=close", NULL);
	assert_int_equal(cfg.classes, CLASSES_CLOSE);
	parse_ok(&cfg, "summary", "--class", "all", NULL);
	assert_int_equal(cfg.classes, CLASSES_ALL);
	assert_int_equal(parse(&cfg, &p, "--class", "drops", NULL), 2);
	assert_int_equal(parse(&cfg, &p, "--workload-root", "host", NULL), 2);
	assert_int_equal(parse(&cfg, &p, "--workload-root", "", NULL), 2);
	parse_ok(&cfg, "exporter", "--tls-cert", "/c.pem", "--tls-key", "/k.pem", NULL);
	assert_string_equal(cfg.tls_cert, "/c.pem");
	assert_string_equal(cfg.tls_key, "/k.pem");
	assert_null(cfg.workload_root);
	parse_ok(&cfg, "summary", "--by", "workload,class", NULL);
	assert_int_equal(cfg.by, DIM_WORKLOAD | DIM_CLASS);
	/* --class is for every view, diagnose and top too. */
	parse_ok(&cfg, "diagnose", "--class", "drop", NULL);
	assert_int_equal(cfg.classes, CLASSES_DROP);
	parse_ok(&cfg, "top", "--class=close", NULL);
	assert_int_equal(cfg.classes, CLASSES_CLOSE);
	/* --workload-root where --by workload is: summary and exporter here. */
	parse_ok(&cfg, "summary", "--by", "workload", "--workload-root=/host", NULL);
	assert_string_equal(cfg.workload_root, "/host");
	parse_ok(&cfg, "exporter", "--workload-root", "/host", "--by", "dev,workload", NULL);
	assert_string_equal(cfg.workload_root, "/host");
	/* Without --by workload it would mean nothing, like --helper
	 * without --by caller. */
	parse_bad("summary", "--workload-root", "/host", NULL);
	parse_bad("exporter", "--by", "dev", "--workload-root", "/host", NULL);
	parse_bad("events", "--workload-root", "/host", NULL);
	parse_bad("diagnose", "--workload-root", "/host", NULL);
	parse_bad("top", "--workload-root", "/host", NULL);
	/* Events carry the workload (and the stack) of each packet; top
	 * toggles it: both take --workload-root with it. Events refuse the
	 * keys that only group counts. */
	parse_ok(&cfg, "events", "--by", "workload", "--workload-root", "/host", NULL);
	assert_int_equal(cfg.by, DIM_WORKLOAD);
	assert_string_equal(cfg.workload_root, "/host");
	parse_ok(&cfg, "events", "--by", "stack,workload", NULL);
	assert_int_equal(cfg.by, DIM_STACK | DIM_WORKLOAD);
	parse_bad("events", "--by", "workload,netns", NULL);
	parse_bad("events", "--by", "cgroup", NULL);
	parse_ok(&cfg, "top", "--by", "workload", "--workload-root", "/host", NULL);
	assert_int_equal(cfg.by, DIM_WORKLOAD);
}

static void test_events_options(void **state)
{
	struct config cfg, exp;
	(void)state;

	parse_ok(&cfg, "events", "-w", "drops.pcapng", "--snaplen", "256", "--rate=100",
		 "tcp port 80", NULL);
	assert_string_equal(cfg.write, "drops.pcapng");
	assert_string_equal(cfg.filter_expr, "tcp port 80");
	defaults(&exp, "events");
	exp.write = cfg.write;
	exp.filter_expr = cfg.filter_expr;
	exp.snaplen = 256;
	exp.rate = 100;
	assert_config(&cfg, &exp);

	parse_ok(&cfg, "events", "--write=-", "--snaplen=1024", "--snaplen", "1", NULL);
	assert_string_equal(cfg.write, "-");
	defaults(&exp, "events");
	exp.write = cfg.write;
	exp.snaplen = 1;
	assert_config(&cfg, &exp);
}

/* The filter expression may come first: options after it still count. */
static void test_events_filter_expr(void **state)
{
	struct config cfg, exp;
	(void)state;

	parse_ok(&cfg, "events", "udp and port 53", "-c", "5", "--json", NULL);
	assert_string_equal(cfg.filter_expr, "udp and port 53");
	defaults(&exp, "events");
	exp.filter_expr = cfg.filter_expr;
	exp.count = 5;
	exp.json = true;
	assert_config(&cfg, &exp);

	/* After "--" even a dash is the expression. */
	parse_ok(&cfg, "events", "-v", "--", "-x", NULL);
	assert_string_equal(cfg.filter_expr, "-x");
	assert_true(cfg.verbose);

	parse_ok(&cfg, "events", NULL);
	assert_null(cfg.filter_expr);
}

/* --stack-budget: 0 is a value (no budget); it needs a stack to ration. */
static void test_stack_budget(void **state)
{
	struct config cfg;

	(void)state;
	parse_ok(&cfg, "summary", "--stacks", NULL);
	assert_false(cfg.stack_budget_set);
	parse_ok(&cfg, "summary", "--stacks", "--stack-budget", "0", NULL);
	assert_true(cfg.stack_budget_set);
	assert_int_equal(cfg.stack_budget, 0);
	parse_ok(&cfg, "summary", "--folded", "--stack-budget", "250", NULL);
	assert_int_equal(cfg.stack_budget, 250);
	parse_ok(&cfg, "events", "--stacks", "--stack-budget=7", NULL);
	assert_int_equal(cfg.stack_budget, 7);
	parse_bad("summary", "--stack-budget", "10", NULL);
	parse_bad("summary", "--stacks", "--stack-budget", "-1", NULL);
	parse_bad("summary", "--stacks", "--stack-budget", "", NULL);
	parse_bad("summary", "--stacks", "--stack-budget", "00x", NULL);
	parse_bad("summary", "--stacks", "--stack-budget", "100000001", NULL);
	parse_bad("diagnose", "--stack-budget", "5", NULL);
}

static void test_bad_values(void **state)
{
	(void)state;
	parse_bad("summary", "-i", "0", NULL);
	parse_bad("summary", "-i", "abc", NULL);
	parse_bad("summary", "-i", "-1", NULL);
	parse_bad("summary", "-i", "", NULL);
	parse_bad("summary", "-i", "5s", NULL);
	parse_bad("summary", "-i", "nan", NULL);
	parse_bad("summary", "-i", "inf", NULL);
	parse_bad("summary", "-i", "10000001", NULL);
	parse_bad("summary", "--interval=0", NULL);
	parse_bad("summary", "-d", "0", NULL);
	parse_bad("summary", "-d", "x", NULL);
	parse_bad("summary", "-c", "-1", NULL);
	parse_bad("summary", "-c", "0", NULL);
	parse_bad("summary", "-c", "1.5", NULL);
	parse_bad("summary", "-c", "", NULL);
	parse_bad("summary", "-c", "2147483649", NULL);
	parse_bad("summary", "-c", "99999999999999999999999", NULL);
	parse_bad("summary", "-t", "0", NULL);
	parse_bad("summary", "-t", "-3", NULL);
	parse_bad("summary", "--symbols=bogus", NULL);
	parse_bad("summary", "--symbols=", NULL);
	parse_bad("summary", "--symbols=NAME", NULL);
	parse_bad("summary", "--backend=foo", NULL);
	parse_bad("summary", "--backend", "", NULL);
	parse_bad("summary", "--kaslr-offset", "xyz", NULL);
	parse_bad("summary", "--kaslr-offset", "", NULL);
	parse_bad("summary", "--kaslr-offset", "12g", NULL);
	parse_bad("summary", "--max-keys", "0", NULL);
	parse_bad("summary", "--max-keys", "16777217", NULL);
	parse_bad("events", "--snaplen", "0", NULL);
	parse_bad("events", "--snaplen", "1025", NULL);
	parse_bad("events", "--rate", "0", NULL);
	parse_bad("events", "--rate", "-5", NULL);
}

static void test_unknown_and_missing(void **state)
{
	struct config cfg;
	struct printed p;
	(void)state;

	parse_bad("summary", "-x", NULL);
	parse_bad("summary", "--bogus", NULL);
	parse_bad("summary", "--json=yes", NULL);
	parse_bad("events", "-Z", NULL);
	parse_bad("summary", "-i", NULL);
	parse_bad("summary", "-r", "-c", NULL);
	parse_bad("summary", "--symbols", NULL);
	parse_bad("events", "--write", NULL);
	parse_bad("summary", "extra", NULL);
	parse_bad("summary", "-c", "3", "extra", NULL);
	parse_bad("events", "tcp", "port", "80", NULL);
	parse_bad("summary", "--json=1", NULL);
	/* Seconds are decimal, as counts are: no hex, exponent, inf or nan. */
	parse_bad("summary", "-i", "0x10", NULL);
	parse_bad("summary", "-i", "1e1", NULL);
	parse_bad("summary", "-i", "inf", NULL);
	parse_bad("summary", "-i", "nan", NULL);
	parse_bad("summary", "-d", "0x10", NULL);
	parse_bad("summary", "-i", ".", NULL);
	parse_bad("summary", "-i", " 1", NULL);
	parse_bad("summary", "-i", "1.2.3", NULL);
	/* Summary-only options in events mode. */
	parse_bad("events", "-t", "3", NULL);
	parse_bad("events", "-r", NULL);
	parse_bad("events", "--top=3", NULL);
	parse_bad("events", "--reasons", NULL);

	/* The message names what was wrong. */
	defaults(&cfg, "summary");
	assert_int_equal(parse(&cfg, &p, "--bogus", NULL), 2);
	assert_non_null(strstr(p.err, "'--bogus'"));
	defaults(&cfg, "summary");
	assert_int_equal(parse(&cfg, &p, "-r", "-i", NULL), 2);
	assert_non_null(strstr(p.err, "'-i': needs a value"));
	defaults(&cfg, "summary");
	assert_int_equal(parse(&cfg, &p, "-i", "0", NULL), 2);
	assert_non_null(strstr(p.err, "--interval '0'"));
	defaults(&cfg, "summary");
	assert_int_equal(parse(&cfg, &p, "eth0", NULL), 2);
	assert_non_null(strstr(p.err, "'eth0': unexpected"));
	/* A value for an option that takes none: named, no raw control byte
	 * (getopt's optopt for it is OPT_JSON, 257, not a character). */
	defaults(&cfg, "summary");
	assert_int_equal(parse(&cfg, &p, "--json=1", NULL), 2);
	assert_non_null(strstr(p.err, "'--json=1': --json takes no value"));
	defaults(&cfg, "summary");
	assert_int_equal(parse(&cfg, &p, "--force=yes", NULL), 2);
	assert_non_null(strstr(p.err, "--force takes no value"));
	defaults(&cfg, "summary");
	assert_int_equal(parse(&cfg, &p, "-r", "-q", NULL), 2);
	assert_non_null(strstr(p.err, "'-q': unknown"));
	/* What the user typed is escaped in messages. */
	defaults(&cfg, "summary");
	assert_int_equal(parse(&cfg, &p, "--x\x1b[31m", NULL), 2);
	assert_non_null(strstr(p.err, "'--x\\x1b[31m'"));
	defaults(&cfg, "summary");
	assert_int_equal(parse(&cfg, &p, "-i", "1\n2", NULL), 2);
	assert_non_null(strstr(p.err, "'1\\x0a2'"));
	for (const char *q = p.err; *q; q++)
		if ((unsigned char)*q < 0x20 && *q != '\n')
			fail_msg("raw control byte 0x%02x in: %s", *q, p.err);
}

static void test_events_only_options(void **state)
{
	(void)state;
	parse_bad("summary", "-w", "out.pcapng", NULL);
	parse_bad("summary", "--write=-", NULL);
	parse_bad("summary", "--snaplen", "64", NULL);
	parse_bad("summary", "--rate", "10", NULL);
	parse_bad("summary", "tcp port 80", NULL);
}

/*
 * diagnose has one window and groups by itself: the report options are
 * refused, not ignored; -d, --json, filters, --helper (it groups by
 * caller) and the symbol sources are taken.
 */
static void test_diagnose_options(void **state)
{
	static const char *const refused[][3] = {
		{ "-i", "1" },		 { "-c", "3" },
		{ "-t", "2" },		 { "-r" },
		{ "--symbols=addr" },	 { "--by", "dev" },
		{ "--stacks" },		 { "--folded" },
		{ "--max-stacks", "8" }, { "-w", "x.pcapng" },
		{ "--snaplen", "64" },	 { "--rate", "10" },
		{ "--listen", ":1" },	 { "--max-series", "5" },
		{ "udp port 9" },
	};
	struct config cfg, exp;
	(void)state;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		parse_bad("diagnose", refused[i][0], refused[i][1], NULL);
	parse_ok(&cfg, "diagnose", "-d", "2", "--json", "--helper", "foo", "--dev", "lo", NULL);
	defaults(&exp, "diagnose");
	exp.duration = 2;
	exp.json = true;
	exp.helpers = cfg.helpers;
	exp.dev = cfg.dev;
	assert_config(&cfg, &exp);
	assert_string_equal(cfg.helpers, "foo");
}

static void test_help(void **state)
{
	static const char *const forms[] = { "-h", "--help" };
	struct config cfg, exp;
	struct printed p;
	(void)state;

	for (size_t i = 0; i < 2; i++) {
		for (int events = 0; events < 2; events++) {
			defaults(&cfg, events ? "events" : "summary");
			memcpy(&exp, &cfg, sizeof(exp)); /* padding included */
			assert_int_equal(parse(&cfg, &p, forms[i], NULL), 1);
			assert_string_equal(p.err, "");
			if (events)
				assert_memory_equal(
					p.out, "Usage: dropscope events [OPTIONS] [PCAP-FILTER]\n",
					48);
			else
				assert_memory_equal(p.out, "Usage: dropscope [summary] [OPTIONS]\n",
						    37);
			assert_non_null(strstr(p.out, "  -h, --help               this text\n"));
			assert_config(&cfg, &exp);
		}
	}

	/* Options are taken in order: help before a bad value wins, and a bad
	 * value before help is an error. */
	defaults(&cfg, "summary");
	assert_int_equal(parse(&cfg, &p, "-r", "-h", "-i", "0", NULL), 1);
	assert_true(cfg.by_reason);
	defaults(&cfg, "summary");
	assert_int_equal(parse(&cfg, &p, "-i", "0", "-h", NULL), 2);
	assert_string_equal(p.out, "");
}

/*
 * Each command refuses what it does not take, with the one message that
 * names the commands that do; none is silently ignored.
 */
static void test_not_for_command(void **state)
{
	static const struct {
		const char *cmd, *arg, *val, *msg;
	} cases[] = {
		{ "exporter", "-i", "1",
		  "dropscope: invalid option '-i': only in summary, events or top mode, not for "
		  "exporter" },
		{ "exporter", "--json", NULL,
		  "dropscope: invalid option '--json': only in summary, events or diagnose mode, "
		  "not for exporter" },
		{ "exporter", "--stacks", NULL,
		  "dropscope: invalid option '--stacks': only in summary or events mode, not for "
		  "exporter" },
		{ "events", "--top=3", NULL,
		  "dropscope: invalid option '-t': only in summary mode, not for events" },
		{ "top", "--json", NULL,
		  "dropscope: invalid option '--json': only in summary, events or diagnose mode, "
		  "not for top" },
		{ "diagnose", "-c", "2",
		  "dropscope: invalid option '-c': only in summary, events or top mode, not for "
		  "diagnose" },
		{ "summary", "--listen", ":1",
		  "dropscope: invalid option '--listen': only in exporter mode, not for "
		  "summary" },
	};
	struct config cfg;
	struct printed p;
	char want[256];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		defaults(&cfg, cases[i].cmd);
		assert_int_equal(parse(&cfg, &p, cases[i].arg, cases[i].val, NULL), 2);
		assert_string_equal(p.out, "");
		/* One line, ending with the way to what the command takes. */
		snprintf(want, sizeof(want), "%s (usage: dropscope %s --help)\n", cases[i].msg,
			 cases[i].cmd);
		assert_string_equal(p.err, want);
	}
	/* What each takes still parses. */
	parse_ok(&cfg, "exporter", "--listen", ":0", "--by", "dev", "--symbols=addr", NULL);
	parse_ok(&cfg, "top", "-i", "0.5", "-r", "--by", "dev", NULL);
}

/* A command's --help lists its own options and no other command's. */
static void test_help_per_command(void **state)
{
	static const struct {
		const char *cmd, *has, *lacks;
	} cases[] = {
		{ "exporter", "\n      --listen ADDR:PORT", "\n  -i, --interval" },
		{ "exporter", "\n      --max-series N", "\n      --json" },
		{ "diagnose", "\n  -d, --duration SEC", "\n  -c, --count" },
		{ "diagnose", "\n      --json ", "\n      --snaplen" },
		{ "summary", "\n      --folded ", "\n      --listen" },
		{ "events", "\n  -w, --write FILE", "\n  -t, --top" },
		{ "top", "\n  -r, --reasons", "\n      --json" },
	};
	struct config cfg;
	struct printed p;
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		defaults(&cfg, cases[i].cmd);
		assert_int_equal(parse(&cfg, &p, "--help", NULL), 1);
		if (!strstr(p.out, cases[i].has) || strstr(p.out, cases[i].lacks))
			fail_msg("%s --help: want '%s', not '%s':\n%s", cases[i].cmd, cases[i].has,
				 cases[i].lacks, p.out);
		/* Every help line ends before 81 columns, none runs into the next. */
		for (const char *l = p.out; *l;) {
			const char *e = strchr(l, '\n');

			assert_non_null(e);
			if (e - l > 80)
				fail_msg("%s --help: long line: %.*s", cases[i].cmd, (int)(e - l),
					 l);
			l = e + 1;
		}
	}
}

/*
 * Each command takes the --by keys it can show, refuses the others with a
 * line naming what it takes, and its --help lists exactly its keys.
 */
static void test_by_per_command(void **state)
{
	static const char *const all[] = { "location", "reason", "proto",   "dev",
					   "netns",    "comm",	 "cgroup",  "caller",
					   "stack",    "class",	 "workload" };
	static const struct {
		const char *cmd, *takes; /* takes: " key key " */
		const char *lead;	 /* what the help says they do */
	} cases[] = {
		{ "summary",
		  " location reason proto dev netns comm cgroup caller stack class workload ",
		  "group counts by: " },
		/* An event is one packet: its keys are fields, no grouping. */
		{ "events", " stack workload ", "add to each event: " },
		{ "top", " location reason proto dev netns comm workload ", "group counts by: " },
		{ "exporter", " location reason proto dev netns comm cgroup caller class workload ",
		  "group counts by: " },
	};
	struct config cfg;
	struct printed p;
	char key[32], block[1024];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *b, *e;

		defaults(&cfg, cases[i].cmd);
		assert_int_equal(parse(&cfg, &p, "--help", NULL), 1);
		/* The --by entry: its line and the continuation lines (27
		 * columns indented) under it. */
		b = strstr(p.out, "--by KEY[,KEY...]");
		assert_non_null(b);
		e = strchr(b, '\n');
		while (e && strspn(e + 1, " ") >= 27)
			e = strchr(e + 1, '\n');
		assert_non_null(e);
		snprintf(block, sizeof(block), "%.*s", (int)(e - b), b);
		if (strncmp(block + strspn(block + 17, " ") + 17, cases[i].lead,
			    strlen(cases[i].lead)))
			fail_msg("%s --help: --by should say '%s':\n%s", cases[i].cmd,
				 cases[i].lead, block);
		if (strcmp(cases[i].lead, "group counts by: ") && strstr(p.out, "group counts"))
			fail_msg("%s --help says its keys group counts:\n%s", cases[i].cmd, p.out);
		for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++) {
			bool takes;
			const char *w;

			snprintf(key, sizeof(key), " %s ", all[k]);
			takes = strstr(cases[i].takes, key);
			/* Listed in the help as a word of its own. */
			w = block;
			while ((w = strstr(w, all[k])) &&
			       ((w > block && (w[-1] >= 'a' && w[-1] <= 'z')) ||
				(w[strlen(all[k])] >= 'a' && w[strlen(all[k])] <= 'z')))
				w++;
			if (takes != (w != NULL))
				fail_msg("%s --help %s '%s':\n%s", cases[i].cmd,
					 takes ? "lacks" : "lists", all[k], block);
			if (takes) {
				parse_ok(&cfg, cases[i].cmd, "--by", all[k], NULL);
				continue;
			}
			defaults(&cfg, cases[i].cmd);
			assert_int_equal(parse(&cfg, &p, "--by", all[k], NULL), 2);
			/* One line naming the command, what it takes and the key. */
			if (!strstr(p.err, cases[i].cmd) || !strstr(p.err, " takes only ") ||
			    !strstr(p.err, all[k]) ||
			    strchr(p.err, '\n') != p.err + strlen(p.err) - 1)
				fail_msg("%s --by %s: %s", cases[i].cmd, all[k], p.err);
		}
	}
	/* diagnose takes no --by, and --helper names callers there too. */
	parse_bad("diagnose", "--by", "dev", NULL);
	defaults(&cfg, "diagnose");
	assert_int_equal(parse(&cfg, &p, "--help", NULL), 1);
	assert_null(strstr(p.out, "--by caller to look"));
	assert_non_null(strstr(p.out, "diagnose always"));
}

/* Messages turn JSON only for a command that takes --json, and only for a
 * --json that is an option (not after "--"). */
static void test_want_json(void **state)
{
	char *a[] = { "x", "-c", "1", "--json", NULL };
	char *b[] = { "x", "--", "--json", NULL };
	(void)state;

	assert_true(options_want_json(4, a, "summary"));
	assert_true(options_want_json(4, a, "diagnose"));
	assert_false(options_want_json(4, a, "exporter"));
	assert_false(options_want_json(4, a, "top"));
	assert_false(options_want_json(3, b, "events"));
	assert_false(options_want_json(3, a, "summary"));
}

/*
 * options_parse() restarts getopt itself, so parsing twice in a row (as
 * long as the first parse did not stop inside a group of short options)
 * reads the second argv from its start.
 */
static void test_parses_again(void **state)
{
	char *first[] = { "summary", "-c", "3", "--json", NULL };
	char *second[] = { "summary", "-t", "2", NULL };
	struct config cfg, exp;
	(void)state;

	getopt_reset();
	defaults(&cfg, "summary");
	assert_int_equal(options_parse(4, first, &cfg), 0);
	defaults(&exp, "summary");
	exp.count = 3;
	exp.json = true;
	assert_config(&cfg, &exp);

	defaults(&cfg, "summary");
	assert_int_equal(options_parse(3, second, &cfg), 0);
	defaults(&exp, "summary");
	exp.top = 2;
	assert_config(&cfg, &exp);
}

int main(int argc, char **argv)
{
	/* A test-name pattern (* and ? wildcards): run only those cases. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_untouched),
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_count_duration_top),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_symbols),
		cmocka_unit_test(test_backend),
		cmocka_unit_test(test_symbol_sources),
		cmocka_unit_test(test_string_options),
		cmocka_unit_test(test_class_and_workload_root),
		cmocka_unit_test(test_events_options),
		cmocka_unit_test(test_events_filter_expr),
		cmocka_unit_test(test_stack_budget),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_unknown_and_missing),
		cmocka_unit_test(test_events_only_options),
		cmocka_unit_test(test_diagnose_options),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_not_for_command),
		cmocka_unit_test(test_help_per_command),
		cmocka_unit_test(test_by_per_command),
		cmocka_unit_test(test_want_json),
		cmocka_unit_test(test_parses_again),
	};

	/* getopt_long permutes argv (a filter expression may come first)
	 * unless POSIXLY_CORRECT is set. */
	unsetenv("POSIXLY_CORRECT");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
