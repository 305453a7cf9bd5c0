// SPDX-License-Identifier: GPL-2.0
/*
 * The options of the monitoring commands as one table: each entry names
 * the option, the commands that take it, how its value is read and its
 * line of --help. options_parse() walks argv with getopt_long() built
 * from the table, refuses an option its command does not take (one
 * message for all), and --help of a command lists that command's
 * entries. Adding an option is one entry and, when it has a value, one
 * small setter.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

#include "bpf/dropscope.h"
#include "trace/keys.h"
#include "lib/escape.h"
#include "cmd/options.h"
#include "lib/msg.h"

/* The commands an option may be for (struct opt.cmds). */
enum {
	C_SUMMARY = 1 << 0,
	C_EVENTS = 1 << 1,
	C_TOP = 1 << 2,
	C_EXPORTER = 1 << 3,
	C_DIAGNOSE = 1 << 4,
	C_ALL = C_SUMMARY | C_EVENTS | C_TOP | C_EXPORTER | C_DIAGNOSE,
};

/* Of --by's keys, what top can toggle and what makes an exporter label
 * (a stack is unbounded and no label); events carry only a stack. */
#define KEYS_ALL                                                                                   \
	((__u32)(DIMS_BASE | DIMS_USER | DIM_DEV | DIM_NETNS | DIM_COMM | DIM_CGROUP |             \
		 DIM_CALLER | DIM_STACK))
#define KEYS_TOP      ((__u32)(DIMS_BASE | DIM_DEV | DIM_NETNS | DIM_COMM | DIM_WORKLOAD))
#define KEYS_EXPORTER (KEYS_ALL & ~(__u32)DIM_STACK)

static const struct command {
	const char *name;
	unsigned bit;
	/* The --by keys it takes (0: no --by): the parser refuses the others
	 * and its --help lists exactly these. */
	__u32 keys;
	const char *by_note; /* after the keys in --help, or NULL */
	const char *synopsis;
	const char *about; /* what --help says before the options */
	const char *notes; /* and after them, or NULL */
	/* --help's words before the --by keys, for a command whose keys do
	 * not group counts; NULL: "group counts by:". */
	const char *by_lead;
} commands[] = {
	{ "summary", C_SUMMARY, KEYS_ALL, "(see below)", "dropscope [summary] [OPTIONS]",
	  "Counts skb:kfree_skb hits in the kernel per code location and prints them\n"
	  "every interval, most first.\n",
	  "Grouping (--by): reason = the kernel's drop reason; proto = skb->protocol;\n"
	  "dev = the packet's device; netns = its network namespace (counted by its cookie,\n"
	  "which is never reused; shown by inode); comm = the task the drop ran in\n"
	  "(softirq work runs on whatever task it interrupted); cgroup =\n"
	  "the cgroup v2 path of the socket owning the packet (receiving socket, else\n"
	  "skb->sk), else of that task; caller = the first frame from the location up that\n"
	  "is not a generic free helper (\"at CALLER via HELPER\"); stack = as --stacks;\n"
	  "class = drop or close (as --class); workload = the pod, container, service or\n"
	  "named namespace behind the netns and cgroup (sources: dropscope(8)).\n",
	  NULL },
	{ "events", C_EVENTS, DIM_STACK | DIM_WORKLOAD,
	  "(fields of its line, JSON and pcapng comment)",
	  "dropscope events [OPTIONS] [PCAP-FILTER]",
	  "One line per dropped packet: time, cpu, task, namespace, device, the packet,\n"
	  "its drop reason and location. PCAP-FILTER (tcpdump syntax) picks packets.\n",
	  "--by stack adds each event's stack, --by workload its workload (the pod,\n"
	  "container, service or named namespace, as summary's --by workload) to the\n"
	  "line, the JSON object (\"workload\") and the pcapng comment.\n",
	  "add to each event:" },
	{ "top", C_TOP, KEYS_TOP, "(the first grouping; the keys toggle it)",
	  "dropscope top [OPTIONS]",
	  "A live view in the terminal, refreshed every -i seconds (default 1):\n"
	  "keys 1/2/3 sort by rate/total/name; r, P, d, n, c, w, l toggle grouping by\n"
	  "reason, protocol, device, namespace, comm, workload, location; / filters rows;\n"
	  "s symbol style; p pause; ? help; q quit. --by sets the first grouping (of\n"
	  "those keys).\n",
	  NULL, NULL },
	{ "exporter", C_EXPORTER, KEYS_EXPORTER, "(labels; see the man page)",
	  "dropscope exporter [--listen ADDR:PORT] [OPTIONS]",
	  "Serves the drop counts and the kernel's own counters as Prometheus /metrics.\n"
	  "--netns also selects whose device, qdisc, softnet and SNMP counters are read.\n",
	  NULL, NULL },
	{ "diagnose", C_DIAGNOSE, 0, NULL,
	  "dropscope diagnose [-d SEC] [--netns PATH|INODE] [--json]",
	  "Findings, largest first: what dropped, why, the live evidence and what to\n"
	  "change; reads only, changes nothing. One window of -d SEC (default 5); --netns\n"
	  "picks the namespace whose counters, sockets, sysctls and nftables ruleset are\n"
	  "read, and whose drops (with those charged to the other side of its veth pairs)\n"
	  "are reported; --json prints one object. diagnose groups drops by itself: the\n"
	  "report, events and exporter options are refused (exit 2).\n",
	  NULL, NULL },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Columns of an option's help text (after the 27 of its name). */
#define HELP_WIDTH 52

/* Where an option is listed in --help. */
enum section { S_REPORT, S_FILTER, S_KERNEL, S_EVENTS, S_EXPORTER, S_N };

static const char *const section_title[S_N] = {
	[S_REPORT] = "Report",
	[S_FILTER] = "Filters (in the kernel)",
	[S_KERNEL] = "Kernel and symbols",
	[S_EVENTS] = "Events mode",
	[S_EXPORTER] = "Exporter",
};

/* A setter stores arg in cfg: NULL, or why the value is refused (why[] may
 * hold it). */
typedef const char *(*opt_set_fn)(struct config *cfg, const char *arg, char *why, size_t len);

struct opt {
	const char *name; /* long name */
	char letter;	  /* short option, or 0 */
	unsigned cmds;	  /* the commands that take it */
	enum section section;
	/* NULL: a string option stored as is at off, or a flag: a bool at off */
	opt_set_fn set;
	size_t off;
	const char *arg;  /* its value in --help ("SEC", "=STYLE"), NULL: no value */
	const char *help; /* --help text; '\n' continues it on the next line */
};

static int parse_seconds(const char *s, double *v)
{
	char *end;

	/* Decimal only, as --count: strtod would take 0x10, 1e3, inf and nan. */
	if (!*s || strspn(s, "0123456789.") != strlen(s) || !strpbrk(s, "0123456789"))
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(*v) || *v <= 0 || *v > 1e7)
		return -1;
	return 0;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	/* Digits only: strtoul would also take leading blanks and a sign. */
	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || *end || *v == 0 || *v > max)
		return -1;
	return 0;
}

/* The setters: each reads one value into cfg, or says why it cannot. */
#define SETTER(fn) static const char *fn(struct config *cfg, const char *arg, char *why, size_t len)
#define UNUSED_WHY ((void)why, (void)len)

SETTER(set_interval)
{
	UNUSED_WHY;
	/* Below 10 ms the report would be all reading, no counting. */
	if (parse_seconds(arg, &cfg->interval) || cfg->interval < 0.01)
		return "expected seconds, 0.01..10000000";
	return NULL;
}

SETTER(set_duration)
{
	UNUSED_WHY;
	return parse_seconds(arg, &cfg->duration) ? "expected seconds, more than 0 and at most 10000000" :
						    NULL;
}

/* An unsigned option in [1, max] stored as T at cfg's field F. */
#define SET_ULONG(fn, F, T, max, msg)                                                              \
	SETTER(fn)                                                                                 \
	{                                                                                          \
		unsigned long n;                                                                   \
		UNUSED_WHY;                                                                        \
		if (parse_ulong(arg, (max), &n))                                                   \
			return msg;                                                                \
		cfg->F = (T)n;                                                                     \
		return NULL;                                                                       \
	}
SET_ULONG(set_count, count, long, 1UL << 31, "expected 1..2147483648")
SET_ULONG(set_top, top, int, 1UL << 30, "expected 1..1073741824")
SET_ULONG(set_max_keys, max_keys, unsigned, 1UL << 24, "expected 1..16777216")
SET_ULONG(set_snaplen, snaplen, unsigned, MAX_SNAPLEN, "expected 1..1024")
SET_ULONG(set_rate, rate, unsigned, 1UL << 30, "expected 1..1073741824")
SET_ULONG(set_max_stacks, max_stacks, unsigned, 1UL << 18, "expected 1..262144")
SET_ULONG(set_max_series, max_series, unsigned, 1UL << 20, "expected 1..1048576")
SET_ULONG(set_series_ttl, series_ttl, unsigned, 1000, "expected 1..1000 scrapes")

SETTER(set_stack_budget)
{
	unsigned long n = 0;

	UNUSED_WHY;
	/* 0 is a value here (no budget), which parse_ulong refuses. */
	if (strcmp(arg, "0") && parse_ulong(arg, 100000000UL, &n))
		return "expected 0..100000000";
	cfg->stack_budget = (unsigned)n;
	cfg->stack_budget_set = true;
	return NULL;
}

SETTER(set_symbols)
{
	int v = sym_style_parse(arg);

	UNUSED_WHY;
	if (v < 0)
		return "expected name, data, addr or full";
	cfg->sym = (enum sym_style)v;
	cfg->sym_set = true;
	return NULL;
}

SETTER(set_backend)
{
	int v = (int)backend_parse(arg);

	UNUSED_WHY;
	if (v < 0)
		return "expected tp_btf, raw_tp or tracepoint";
	cfg->backend = (enum backend)v;
	return NULL;
}

SETTER(set_system_map)
{
	UNUSED_WHY;
	cfg->syms.system_map = arg;
	cfg->syms.force_map = true;
	return NULL;
}

int options_parse_hex(const char *s, uint64_t *v)
{
	char *end;

	/* Hex digits, 0x optional: strtoull would also take blanks and a sign. */
	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	if (!*s || strspn(s, "0123456789abcdefABCDEF") != strlen(s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 16);
	return errno || *end ? -1 : 0;
}

SETTER(set_kaslr)
{
	uint64_t v;

	UNUSED_WHY;
	if (options_parse_hex(arg, &v))
		return "expected a hex number";
	cfg->syms.kaslr_offset = (int64_t)v;
	cfg->syms.have_kaslr = true;
	return NULL;
}

static const struct command *command_of(const char *name);

/* "a, b, c": the --by names of the keys in mask, in keys.c's order;
 * location marked as the default when mark_default. */
static void keys_list(__u32 mask, bool mark_default, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (__u32 bit = 1; bit && bit <= KEYS_ALL && n < len; bit <<= 1)
		if ((mask & bit) && keys_name(bit))
			n += snprintf(buf + n, len - n, "%s%s%s", n ? ", " : "", keys_name(bit),
				      mark_default && bit == DIM_LOCATION ? " (default)" : "");
}

SETTER(set_by)
{
	const struct command *c = command_of(cfg->cmd);
	char word[64], keys[160];
	__u32 dims, extra;

	if (keys_parse(arg, &dims, word, sizeof(word))) {
		snprintf(why, len, "unknown key '%s' (expected %s)", word, keys_names());
		return why;
	}
	/* A key the command cannot show is refused, never silently dropped. */
	extra = dims & ~c->keys;
	if (extra) {
		keys_list(c->keys, false, keys, sizeof(keys));
		snprintf(why, len, "%s takes only %s as a key, not %s", c->name, keys,
			 keys_name(extra & -extra));
		return why;
	}
	cfg->by |= dims;
	return NULL;
}

/*
 * --by's help: the keys of the commands in mask (all of them in `dropscope
 * help`), so each command's --help lists exactly what it takes; wrapped at
 * the width of the other help lines.
 */
static const char *by_help(unsigned mask, char *buf, size_t len)
{
	char line[320], keys[200];
	const char *note = NULL, *lead = NULL, *p;
	__u32 all = 0;
	size_t n = 0, col = 0, ncmds = 0;

	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (!(mask & commands[i].bit) || !commands[i].keys)
			continue;
		all |= commands[i].keys;
		if (!note)
			note = commands[i].by_note;
		lead = commands[i].by_lead;
		ncmds++;
	}
	/* One command's own words; `dropscope help` lists them all as groupings. */
	if (ncmds != 1 || !lead)
		lead = "group counts by:";
	keys_list(all, all != DIM_STACK, keys, sizeof(keys));
	snprintf(line, sizeof(line), "%s %s%s%s", lead, keys, note ? " " : "", note ? note : "");
	buf[0] = '\0';
	for (p = line; *p && n < len; p += strspn(p, " ")) {
		size_t wl = strcspn(p, " ");

		if (col && col + 1 + wl > HELP_WIDTH) {
			n += snprintf(buf + n, len - n, "\n");
			col = 0;
		} else if (col) {
			n += snprintf(buf + n, len - n, " ");
			col++;
		}
		if (n < len)
			n += snprintf(buf + n, len - n, "%.*s", (int)wl, p);
		col += wl;
		p += wl;
	}
	return buf;
}

SETTER(set_class)
{
	UNUSED_WHY;
	return classes_parse(arg, &cfg->classes) ? "expected drop, close or all" : NULL;
}

SETTER(set_workload_root)
{
	UNUSED_WHY;
	if (*arg != '/')
		return "expected an absolute directory";
	cfg->workload_root = arg;
	return NULL;
}

SETTER(set_stacks)
{
	(void)arg;
	UNUSED_WHY;
	cfg->by |= DIM_STACK;
	return NULL;
}

SETTER(set_helper)
{
	UNUSED_WHY;
	if (!*arg)
		return "expected function names";
	cfg->helpers = arg;
	return NULL;
}

#define AT(field) NULL, offsetof(struct config, field)

/*
 * Every option, in --help order. cmds: the commands that take it; the
 * others refuse it (exit 2) rather than ignore it. The exporter serves
 * what happened since it started (no -i, -c, -t, -r); diagnose has one
 * window and groups and names drops itself; top draws, it prints nothing
 * to a pipe (no --json, --folded, -t).
 */
static const struct opt opts[] = {
	{ "interval", 'i', C_SUMMARY | C_EVENTS | C_TOP, S_REPORT, set_interval, 0, "SEC",
	  "report every SEC seconds (default 5, top 1;\n"
	  "fractions allowed)" },
	{ "count", 'c', C_SUMMARY | C_EVENTS | C_TOP, S_REPORT, set_count, 0, "N",
	  "stop after N intervals (events mode: N events)" },
	{ "duration", 'd', C_ALL & ~C_EXPORTER, S_REPORT, set_duration, 0, "SEC",
	  "stop after SEC seconds" },
	{ "top", 't', C_SUMMARY, S_REPORT, set_top, 0, "N",
	  "show only the N locations with most drops" },
	{ "reasons", 'r', C_SUMMARY | C_TOP, S_REPORT, AT(by_reason), NULL,
	  "one line per (location, drop reason)" },
	{ "symbols", 0, C_SUMMARY | C_EVENTS | C_EXPORTER, S_REPORT, set_symbols, 0, "=STYLE",
	  "name (tcp_v4_rcv, default), data\n"
	  "(tcp_v4_rcv+0xaa/0x8d0 [kernel]), addr\n"
	  "(0xffffffff814a104a), full (all three); events mode\n"
	  "defaults to data without \"[kernel]\"" },
	{ "json", 0, C_SUMMARY | C_EVENTS | C_DIAGNOSE, S_REPORT, AT(json), NULL,
	  "one JSON object per interval (per event in events\n"
	  "mode, one in all for diagnose); messages on stderr\n"
	  "become {\"error\":...}, {\"warning\":...}, {\"info\":...}" },
	{ "by", 0, C_SUMMARY | C_EVENTS | C_TOP | C_EXPORTER, S_REPORT, set_by, 0, "KEY[,KEY...]",
	  NULL /* by_help(): the keys of the commands listed */ },
	{ "class", 0, C_ALL, S_REPORT, set_class, 0, "CLASS",
	  "drop (what the network refused), close (what\n"
	  "sockets closing discarded unread) or all (default)" },
	{ "workload-root", 0, C_SUMMARY | C_EVENTS | C_TOP | C_EXPORTER, S_REPORT,
	  set_workload_root, 0, "DIR",
	  "--by workload reads container runtimes' state\n"
	  "below DIR (a node's / mounted elsewhere; default /)" },
	{ "stacks", 0, C_SUMMARY | C_EVENTS, S_REPORT, set_stacks, 0, NULL,
	  "count per kernel stack too, and print each row's\n"
	  "stacks (events mode: each event's stack); same as\n"
	  "--by +stack" },
	{ "folded", 0, C_SUMMARY, S_REPORT, AT(folded), NULL,
	  "print stacks as \"root;...;location COUNT\" lines, the\n"
	  "input of flamegraph.pl (implies --stacks)" },
	{ "max-stacks", 0, C_SUMMARY | C_EVENTS, S_REPORT, set_max_stacks, 0, "N",
	  "size of the in-kernel stack table (default 4096)" },
	{ "stack-budget", 0, C_SUMMARY | C_EVENTS, S_REPORT, set_stack_budget, 0, "N",
	  "unwind at most N stacks per second per CPU (default\n"
	  "1000; 0 = every drop); drops past it are counted\n"
	  "exactly and shown as \"[not unwound: N]\"" },
	{ "helper", 0, C_SUMMARY | C_EXPORTER | C_DIAGNOSE, S_REPORT, set_helper, 0, "FUNC[,FUNC]",
	  "more generic free helpers to look past when naming\n"
	  "the caller (with --by caller; diagnose always\n"
	  "names callers)" },
	{ "netns", 0, C_ALL, S_FILTER, AT(netns), "PATH|INODE",
	  "only drops in this network namespace\n"
	  "(/run/netns/NAME, /proc/PID/ns/net or its inode)" },
	{ "dev", 0, C_ALL, S_FILTER, AT(dev), "NAME|IFINDEX",
	  "only drops of packets on this device (name looked up\n"
	  "in --netns when given)" },
	{ "proto", 0, C_ALL, S_FILTER, AT(proto), "PROTO",
	  "only this protocol: ipv4, ipv6, arp, tcp, udp, icmp,\n"
	  "icmp6, sctp, gre, ip:N (IP protocol N) or 0xETHERTYPE" },
	{ "reason", 0, C_ALL, S_FILTER, AT(reasons), "NAME[,NAME]",
	  "only these drop reasons (see `dropscope reasons`)" },
	{ "location", 0, C_ALL, S_FILTER, AT(location), "SYMBOL",
	  "only drops in this kernel function" },
	{ "backend", 0, C_ALL, S_KERNEL, set_backend, 0, "=B",
	  "tp_btf, raw_tp or tracepoint (default: best that\n"
	  "works)" },
	{ "btf", 0, C_ALL, S_KERNEL, AT(btf), "FILE",
	  "kernel BTF for kernels without\n"
	  "/sys/kernel/btf/vmlinux" },
	{ "no-btf-cache", 0, C_ALL, S_KERNEL, AT(no_btf_cache), NULL,
	  "no cached minimized kernel BTF (CO-RE, tp_btf\n"
	  "targets, reason names; /var/cache/dropscope;\n"
	  "dropscope(8))" },
	{ "max-keys", 0, C_ALL, S_KERNEL, set_max_keys, 0, "N",
	  "size of the in-kernel count table (default 10240)" },
	{ "system-map", 0, C_ALL, S_KERNEL, set_system_map, 0, "FILE",
	  "symbols from FILE instead of /proc/kallsyms" },
	{ "kaslr-offset", 0, C_ALL, S_KERNEL, set_kaslr, 0, "HEX",
	  "KASLR offset to add to System.map addresses" },
	{ "ready-file", 0, C_ALL, S_KERNEL, AT(ready_file), "FILE",
	  "create FILE (mode 0644, our pid in it) once the\n"
	  "program is attached; removed when dropscope exits" },
	{ "force", 0, C_ALL, S_KERNEL, AT(force), NULL,
	  "-w and --ready-file may replace an existing file" },
	{ "no-xdp", 0, C_ALL, S_KERNEL, AT(no_xdp), NULL,
	  "no XDP_DROP/XDP_ABORTED rows for XDP programs\n"
	  "(drops stay at the kernel's location; dropscope(8))" },
	{ "verbose", 'v', C_ALL, S_KERNEL, AT(verbose), NULL,
	  "say what was chosen (backend, symbol source) on\n"
	  "stderr" },
	{ "help", 'h', C_ALL, S_KERNEL, NULL, 0, NULL, "this text" },
	{ "snaplen", 0, C_EVENTS, S_EVENTS, set_snaplen, 0, "N",
	  "bytes of each packet to copy (default 128, max 1024)" },
	{ "rate", 0, C_EVENTS, S_EVENTS, set_rate, 0, "N",
	  "at most N events per second (the rest is still\n"
	  "counted)" },
	{ "write", 'w', C_EVENTS, S_EVENTS, AT(write), "FILE",
	  "write the packets as pcapng (- = stdout), flushed at\n"
	  "every poll (100 ms)" },
	{ "listen", 0, C_EXPORTER, S_EXPORTER, AT(listen), "ADDR:PORT",
	  "where to serve: 127.0.0.1:19100 (default), :PORT\n"
	  "for all addresses, [::1]:PORT for IPv6, port 0 = any" },
	{ "max-series", 0, C_EXPORTER, S_EXPORTER, set_max_series, 0, "N",
	  "at most N drops_total series naming a netns, device\n"
	  "or cgroup, and N others (default 1000 each); see\n"
	  "the man page for eviction and folding into \"other\"" },
	{ "series-ttl", 0, C_EXPORTER, S_EXPORTER, set_series_ttl, 0, "N",
	  "scrapes a series of a gone namespace, device or\n"
	  "cgroup stays after its last count (default 2)" },
	{ "tls-cert", 0, C_EXPORTER, S_EXPORTER, AT(tls_cert), "FILE",
	  "serve HTTPS with this PEM certificate ..." },
	{ "tls-key", 0, C_EXPORTER, S_EXPORTER, AT(tls_key), "FILE", "... and this PEM key" },
};

#define N_OPTS (sizeof(opts) / sizeof(opts[0]))

static const struct command *command_of(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (name && !strcmp(commands[i].name, name))
			return &commands[i];
	return &commands[0];
}

/* "  -i, --interval SEC       report every ...", continuation lines indented;
 * mask: the commands whose help this is. */
static void print_opt(FILE *out, const struct opt *o, unsigned mask)
{
	char left[64], buf[512];
	/* --by's keys depend on the command (by_help()). */
	const char *help = o->set == set_by ? by_help(mask, buf, sizeof(buf)) : o->help;

	snprintf(left, sizeof(left), "  %c%c%c --%s%s%s", o->letter ? '-' : ' ',
		 o->letter ? o->letter : ' ', o->letter ? ',' : ' ', o->name,
		 o->arg && o->arg[0] != '=' ? " " : "", o->arg ? o->arg : "");
	fprintf(out, "%-26s ", left);
	for (const char *p = help; *p; p++) {
		putc(*p, out);
		if (*p == '\n')
			fprintf(out, "%27s", "");
	}
	putc('\n', out);
}

static void print_common(FILE *out)
{
	fputs("Files: -w and --ready-file create a new file (pcapng mode 0600) and refuse an\n"
	      "existing one, unless --force: then a regular file is truncated and keeps its\n"
	      "mode. A symbolic link is never followed. An existing FIFO, device (/dev/null)\n"
	      "or other non-regular file is written to without --force.\n"
	      "\n"
	      "Privileges: counting and events need root, or CAP_BPF and CAP_PERFMON\n"
	      "(--backend=tracepoint also reads tracefs: root, or CAP_SYS_ADMIN to mount it).\n"
	      "Symbol names need CAP_SYSLOG and kernel.kptr_restrict <= 1 (2 hides kernel\n"
	      "addresses even from root; counts and reasons still work, locations print as\n"
	      "addresses; --system-map FILE names them). --netns PATH with --dev NAME enters\n"
	      "the namespace: CAP_SYS_ADMIN. The KASLR offset for a System.map comes from\n"
	      "/proc/kallsyms or /proc/kcore (CAP_SYS_RAWIO).\n"
	      "\n"
	      "Exit status: 0 ok (also when the reader of our output went away), 1 system or\n"
	      "write error, 2 bad input. Names from the kernel or packets are printed with\n"
	      "control bytes and invalid UTF-8 as \\xNN, a backslash as \\\\.\n",
	      out);
}

/* The options of the commands in mask, by section. */
static void print_opts(FILE *out, unsigned mask)
{
	for (int s = 0; s < S_N; s++) {
		bool title = false;

		for (size_t i = 0; i < N_OPTS; i++) {
			if (opts[i].section != (enum section)s || !(opts[i].cmds & mask))
				continue;
			if (!title)
				fprintf(out, "\n%s:\n", section_title[s]);
			title = true;
			print_opt(out, &opts[i], mask);
		}
	}
	putc('\n', out);
}

void usage_cmd(FILE *out, const char *cmd)
{
	const struct command *c = command_of(cmd);

	fprintf(out, "Usage: %s\n\n%s", c->synopsis, c->about);
	print_opts(out, c->bit);
	if (c->notes)
		fprintf(out, "%s\n", c->notes);
	print_common(out);
}

void usage(FILE *out)
{
	fputs("Usage: ", out);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "%s%s\n", i ? "       " : "", commands[i].synopsis);
	fputs("       dropscope counters [--netns PATH|INODE] [--openmetrics]\n"
	      "       dropscope symbols [--stats] [--system-map FILE] [ADDRESS...]\n"
	      "       dropscope reasons\n"
	      "       dropscope help | version\n"
	      "\n"
	      "Shows where (and why) the kernel drops packets. `dropscope COMMAND --help`\n"
	      "lists the options of one command; all of them:\n",
	      out);
	print_opts(out, C_ALL);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "%s:\n%s%s%s\n", commands[i].name, commands[i].about,
			commands[i].notes ? "\n" : "", commands[i].notes ? commands[i].notes : "");
	print_common(out);
}

/* Bad input: one line on stderr, the way to the command's options at its
 * end, exit code 2. */
static int bad(const char *cmd, const char *opt, const char *val, const char *why)
{
	msg_error("invalid %s '%s': %s (usage: dropscope %s --help)", opt, ESC(val), why,
		  command_of(cmd)->name);
	return 2;
}

/* An option given to a command that does not take it: the one message for
 * all of them ("'-t': only in summary mode, not for events"). */
static int not_for(const struct opt *o, const struct command *c)
{
	char name[32], why[160];
	size_t n = 0, k = 0, total = 0;

	for (size_t i = 0; i < N_COMMANDS; i++)
		total += !!(o->cmds & commands[i].bit);
	n = snprintf(why, sizeof(why), "only in ");
	for (size_t i = 0; i < N_COMMANDS && n < sizeof(why); i++) {
		if (!(o->cmds & commands[i].bit))
			continue;
		k++;
		n += snprintf(why + n, sizeof(why) - n, "%s%s",
			      k == 1	   ? ""
			      : k == total ? " or "
					   : ", ",
			      commands[i].name);
	}
	if (n < sizeof(why))
		snprintf(why + n, sizeof(why) - n, " mode, not for %s", c->name);
	if (o->letter)
		snprintf(name, sizeof(name), "-%c", o->letter);
	else
		snprintf(name, sizeof(name), "--%s", o->name);
	return bad(c->name, "option", name, why);
}

bool options_want_json(int argc, char **argv, const char *cmd)
{
	const struct command *c = command_of(cmd);

	for (size_t i = 0; i < N_OPTS; i++)
		if (!strcmp(opts[i].name, "json") && !(opts[i].cmds & c->bit))
			return false;
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json"))
			return true;
	return false;
}

/* Options that only mean something together, and the filter expression. */
static int check_together(int argc, char **argv, struct config *cfg)
{
	bool events = !strcmp(cfg->cmd, "events");

	if (cfg->folded) {
		if (cfg->json)
			return bad(cfg->cmd, "option", "--folded", "cannot go with --json");
		cfg->by |= DIM_STACK;
	}
	if (cfg->max_stacks && !(cfg->by & DIM_STACK))
		return bad(cfg->cmd, "option", "--max-stacks",
			   "needs --stacks (or --folded, --by stack)");
	if (cfg->stack_budget_set && !(cfg->by & DIM_STACK))
		return bad(cfg->cmd, "option", "--stack-budget",
			   "needs --stacks (or --folded, --by stack)");
	if (cfg->workload_root && !(cfg->by & DIM_WORKLOAD))
		return bad(cfg->cmd, "option", "--workload-root", "needs --by workload");
	/* diagnose groups by caller itself: --helper is for it too. */
	if (cfg->helpers && !(cfg->by & DIM_CALLER) && strcmp(cfg->cmd, "diagnose"))
		return bad(cfg->cmd, "option", "--helper", "needs --by caller");
	if (!cfg->tls_cert != !cfg->tls_key)
		return bad(cfg->cmd, "option", cfg->tls_cert ? "--tls-cert" : "--tls-key",
			   "needs --tls-key and --tls-cert together");
	if (optind < argc) {
		if (!events)
			return bad(cfg->cmd, "argument", argv[optind], "unexpected");
		cfg->filter_expr = argv[optind++];
		if (optind < argc)
			return bad(cfg->cmd, "argument", argv[optind],
				   "unexpected (quote the filter expression as one argument)");
	}
	return 0;
}

int options_parse(int argc, char **argv, struct config *cfg)
{
	struct option longopts[N_OPTS + 1] = {};
	const struct command *cmd = command_of(cfg->cmd);
	char shorts[2 * N_OPTS + 2] = ":", *s = shorts + 1, why[160];
	int c;

	for (size_t i = 0; i < N_OPTS; i++) {
		longopts[i] = (struct option){ opts[i].name,
					       opts[i].arg ? required_argument : no_argument, NULL,
					       256 + (int)i };
		if (opts[i].letter) {
			*s++ = opts[i].letter;
			if (opts[i].arg)
				*s++ = ':';
		}
	}
	*s = '\0';
	/* 0, not 1: a full reset of getopt's state, so parsing twice works. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		const struct opt *o = NULL;
		const char *err;

		if (c == ':')
			return bad(cfg->cmd, "option", argv[optind - 1], "needs a value");
		for (size_t i = 0; i < N_OPTS && !o; i++)
			if (c == 256 + (int)i || (c < 256 && c == opts[i].letter))
				o = &opts[i];
		if (!o) {
			option_error(longopts, argv[optind - 1], optopt, cmd->name);
			return 2;
		}
		if (!(o->cmds & cmd->bit))
			return not_for(o, cmd);
		if (o->letter == 'h') {
			usage_cmd(stdout, cmd->name);
			return 1;
		}
		/* A name, a path, an address or a number: never nothing. */
		if (o->arg && optarg && !*optarg) {
			char name[32];

			snprintf(name, sizeof(name), "--%s", o->name);
			return bad(cfg->cmd, name, optarg, "expected a value, not nothing");
		}
		if (o->set) {
			err = o->set(cfg, optarg, why, sizeof(why));
			if (err) {
				char name[32];

				snprintf(name, sizeof(name), "--%s", o->name);
				return bad(cfg->cmd, name, optarg, err);
			}
		} else if (o->arg) {
			*(const char **)((char *)cfg + o->off) = optarg;
		} else {
			*(bool *)((char *)cfg + o->off) = true;
		}
	}
	return check_together(argc, argv, cfg);
}

void option_error(const struct option *longopts, const char *word, int opt, const char *cmd)
{
	char why[96] = "unknown", help[64] = "", s[3] = { '-', (char)opt, 0 };
	const char *eq, *what = word ? word : "?";
	size_t len;

	if (cmd)
		snprintf(help, sizeof(help), " (usage: dropscope %s --help)", cmd);
	/* A long option: getopt's optopt is its value (not a character), so
	 * name it from the word itself. */
	if (word && word[0] == '-' && word[1] == '-') {
		eq = strchr(word, '=');
		len = eq ? (size_t)(eq - word - 2) : strlen(word + 2);
		snprintf(why, sizeof(why), "unknown or ambiguous");
		for (const struct option *o = longopts; o->name; o++) {
			if (strlen(o->name) < len || strncmp(o->name, word + 2, len))
				continue;
			if (eq && o->has_arg == no_argument) {
				snprintf(why, sizeof(why), "--%s takes no value", o->name);
				break;
			}
			if (strlen(o->name) == len)
				break;
		}
	} else if (opt > 0 && opt < 256) {
		/* A short option, maybe inside a group (-xr): the word may be another. */
		what = s;
	}
	msg_error("invalid option '%s': %s%s", ESC(what), why, help);
}
