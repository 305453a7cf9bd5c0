// SPDX-License-Identifier: GPL-2.0
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

enum {
	OPT_SYMBOLS = 256,
	OPT_JSON,
	OPT_NETNS,
	OPT_BACKEND,
	OPT_SYSTEM_MAP,
	OPT_KASLR,
	OPT_READY,
	OPT_MAX_KEYS,
	OPT_BTF,
	OPT_DEV,
	OPT_PROTO,
	OPT_REASON,
	OPT_LOCATION,
	OPT_SNAPLEN,
	OPT_RATE,
	OPT_BY,
	OPT_STACKS,
	OPT_FOLDED,
	OPT_MAX_STACKS,
	OPT_HELPER,
	OPT_LISTEN,
	OPT_MAX_SERIES,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_FORCE,
	OPT_NO_XDP,
};

void usage(FILE *out)
{
	fputs("Usage: dropscope [summary] [OPTIONS]\n"
	      "       dropscope events [OPTIONS] [PCAP-FILTER]\n"
	      "       dropscope top [OPTIONS]\n"
	      "       dropscope exporter [--listen ADDR:PORT] [OPTIONS]\n"
	      "       dropscope counters [--netns PATH|INODE]\n"
	      "       dropscope diagnose [-d SEC] [--netns PATH|INODE] [--json]\n"
	      "       dropscope symbols [--stats] [--system-map FILE] [ADDRESS...]\n"
	      "       dropscope reasons\n"
	      "       dropscope help | version\n"
	      "\n"
	      "Shows where (and why) the kernel drops packets: counts skb:kfree_skb hits\n"
	      "in the kernel per code location and prints them every interval, most first.\n"
	      "\n"
	      "Report:\n"
	      "  -i, --interval SEC       report every SEC seconds (default 5, fractions allowed)\n"
	      "  -c, --count N            stop after N intervals (events mode: N events)\n"
	      "  -d, --duration SEC       stop after SEC seconds\n"
	      "  -t, --top N              show only the N locations with most drops\n"
	      "  -r, --reasons            one line per (location, drop reason)\n"
	      "      --symbols=STYLE      name (tcp_v4_rcv, default), data (tcp_v4_rcv+0xaa/0x8d0\n"
	      "                           [kernel]), addr (0xffffffff814a104a), full (all three);\n"
	      "                           events mode defaults to data without \"[kernel]\"\n"
	      "      --json               one JSON object per interval (per event in events mode)\n"
	      "      --by KEY[,KEY...]    group counts by: location (default), reason, proto,\n"
	      "                           dev, netns, comm, cgroup, caller, stack (see below)\n"
	      "      --stacks             count per kernel stack too, and print each row's stacks\n"
	      "                           (events mode: each event's stack); same as --by +stack\n"
	      "      --folded             print stacks as \"root;...;location COUNT\" lines, the\n"
	      "                           input of flamegraph.pl (implies --stacks)\n"
	      "      --max-stacks N       size of the in-kernel stack table (default 4096)\n"
	      "      --helper FUNC[,FUNC] more generic free helpers for --by caller to look past\n"
	      "\n"
	      "Filters (in the kernel):\n"
	      "      --netns PATH|INODE   only drops in this network namespace\n"
	      "                           (/run/netns/NAME, /proc/PID/ns/net or its inode)\n"
	      "      --dev NAME|IFINDEX   only drops of packets on this device (name looked up\n"
	      "                           in --netns when given)\n"
	      "      --proto PROTO        only this protocol: ipv4, ipv6, arp, tcp, udp, icmp,\n"
	      "                           icmp6, sctp, gre, ip:N (IP protocol N) or 0xETHERTYPE\n"
	      "      --reason NAME[,NAME] only these drop reasons (see `dropscope reasons`)\n"
	      "      --location SYMBOL    only drops in this kernel function\n"
	      "\n"
	      "Kernel and symbols:\n"
	      "      --backend=B          tp_btf, raw_tp or tracepoint (default: best that works)\n"
	      "      --btf FILE           kernel BTF for kernels without /sys/kernel/btf/vmlinux\n"
	      "      --max-keys N         size of the in-kernel count table (default 10240)\n"
	      "      --system-map FILE    symbols from FILE instead of /proc/kallsyms\n"
	      "      --kaslr-offset HEX   KASLR offset to add to System.map addresses\n"
	      "      --ready-file FILE    create FILE (mode 0644, our pid in it) once the program\n"
	      "                           is attached\n"
	      "      --force              -w and --ready-file may replace an existing file\n"
	      "      --no-xdp             no XDP_DROP/XDP_ABORTED rows for XDP programs (drops\n"
	      "                           stay at the kernel's location; see README)\n"
	      "  -v, --verbose            say what was chosen (backend, symbol source) on stderr\n"
	      "  -h, --help               this text\n"
	      "\n"
	      "Events mode (one line per dropped packet):\n"
	      "      --snaplen N          bytes of each packet to copy (default 128, max 1024)\n"
	      "      --rate N             at most N events per second (the rest is still counted)\n"
	      "  -w, --write FILE         write the packets as pcapng (- = stdout), flushed at\n"
	      "                           every poll (100 ms)\n"
	      "\n"
	      "Diagnose (findings, largest first: what dropped, why, the live evidence and\n"
	      "what to change; reads only, changes nothing):\n"
	      "  -d SEC watches for SEC seconds (default 5); --netns picks the namespace whose\n"
	      "  counters, sockets, sysctls and nftables ruleset are read; --json: one object\n"
	      "  The filters, --helper, --ready-file and the symbol sources apply; -i, -c, -t,\n"
	      "  -r, --symbols, --by, --stacks, --folded and the events and exporter options\n"
	      "  are refused (exit 2): there is one window, and diagnose groups by itself.\n"
	      "\n"
	      "Top (a live view in the terminal, refreshed every -i seconds, default 1):\n"
	      "  keys 1/2/3 sort by rate/total/name; r, P, d, n, c, l toggle grouping by reason,\n"
	      "  protocol, device, namespace, comm, location; / filters rows; s symbol style;\n"
	      "  p pause; ? help; q quit. --by sets the first grouping (of those keys).\n"
	      "\n"
	      "Grouping (--by): reason = the kernel's drop reason; proto = skb->protocol;\n"
	      "dev = the packet's device; netns = its network namespace inode; comm = the task\n"
	      "the drop ran in (softirq work runs on whatever task it interrupted); cgroup =\n"
	      "the cgroup v2 path of the socket owning the packet (receiving socket, else\n"
	      "skb->sk), else of that task; caller = the first frame from the location up that\n"
	      "is not a generic free helper (\"at CALLER via HELPER\"); stack = as --stacks.\n"
	      "\n"
	      "Exporter (Prometheus /metrics; -r, -i, -c, -t do not apply):\n"
	      "      --listen ADDR:PORT   where to serve: 127.0.0.1:19100 (default), :PORT\n"
	      "                           for all addresses, [::1]:PORT for IPv6, port 0 = any\n"
	      "      --max-series N       at most N drops_total series (default 1000); later\n"
	      "                           label sets are summed into location=\"other\"\n"
	      "      --tls-cert FILE      serve HTTPS with this PEM certificate ...\n"
	      "      --tls-key FILE       ... and this PEM key\n"
	      "      --netns also selects whose device, qdisc, softnet and SNMP counters are "
	      "read.\n"
	      "\n"
	      "`dropscope counters [--netns PATH|INODE]` prints the counter families once\n"
	      "(Prometheus text, no BPF, no privilege for the own namespace).\n"
	      "\n"
	      "Files: -w and --ready-file create a new file (pcapng mode 0600) and refuse an\n"
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

static int bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "dropscope: invalid %s '%s': %s\n", opt, ESC(val), why);
	usage(stderr);
	return 2;
}

/*
 * diagnose has one window (-d) and groups and names drops itself: report
 * options would be ignored, so they are refused rather than accepted.
 */
static int not_for_diagnose(const char *opt)
{
	return bad("option", opt,
		   "not for diagnose (one window of -d SEC; it groups and names drops itself)");
}

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

	if (*s == '-' || !*s)
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || *end || *v == 0 || *v > max)
		return -1;
	return 0;
}

int options_parse(int argc, char **argv, struct config *cfg)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "top", required_argument, NULL, 't' },
		{ "reasons", no_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "write", required_argument, NULL, 'w' },
		{ "symbols", required_argument, NULL, OPT_SYMBOLS },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "netns", required_argument, NULL, OPT_NETNS },
		{ "backend", required_argument, NULL, OPT_BACKEND },
		{ "system-map", required_argument, NULL, OPT_SYSTEM_MAP },
		{ "kaslr-offset", required_argument, NULL, OPT_KASLR },
		{ "ready-file", required_argument, NULL, OPT_READY },
		{ "max-keys", required_argument, NULL, OPT_MAX_KEYS },
		{ "btf", required_argument, NULL, OPT_BTF },
		{ "dev", required_argument, NULL, OPT_DEV },
		{ "proto", required_argument, NULL, OPT_PROTO },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "location", required_argument, NULL, OPT_LOCATION },
		{ "snaplen", required_argument, NULL, OPT_SNAPLEN },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "by", required_argument, NULL, OPT_BY },
		{ "stacks", no_argument, NULL, OPT_STACKS },
		{ "folded", no_argument, NULL, OPT_FOLDED },
		{ "max-stacks", required_argument, NULL, OPT_MAX_STACKS },
		{ "helper", required_argument, NULL, OPT_HELPER },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "max-series", required_argument, NULL, OPT_MAX_SERIES },
		{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
		{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "no-xdp", no_argument, NULL, OPT_NO_XDP },
		{},
	};
	bool events = !strcmp(cfg->cmd, "events");
	bool exporter = !strcmp(cfg->cmd, "exporter");
	bool diagnose = !strcmp(cfg->cmd, "diagnose");
	unsigned long n;
	char *end;
	int c, v;

	/* 0, not 1: a full reset of getopt's state, so parsing twice works. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:c:d:t:rvhw:", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (diagnose)
				return not_for_diagnose("-i");
			/* Below 10 ms the report would be all reading, no counting. */
			if (parse_seconds(optarg, &cfg->interval) || cfg->interval < 0.01)
				return bad("--interval", optarg, "expected seconds >= 0.01");
			break;
		case 'c':
			if (diagnose)
				return not_for_diagnose("-c");
			if (parse_ulong(optarg, 1UL << 31, &n))
				return bad("--count", optarg, "expected a positive integer");
			cfg->count = (long)n;
			break;
		case 'd':
			if (parse_seconds(optarg, &cfg->duration))
				return bad("--duration", optarg, "expected seconds > 0");
			break;
		case 't':
			if (events)
				return bad("option", "-t", "only in summary mode");
			if (diagnose)
				return not_for_diagnose("-t");
			if (parse_ulong(optarg, 1UL << 30, &n))
				return bad("--top", optarg, "expected a positive integer");
			cfg->top = (int)n;
			break;
		case 'r':
			if (diagnose)
				return not_for_diagnose("-r");
			if (events)
				return bad("option", "-r",
					   "only in summary mode (events show the reason)");
			cfg->by_reason = true;
			break;
		case 'v':
			cfg->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'w':
			if (!events)
				return bad("option", "-w", "only in events mode");
			cfg->write = optarg;
			break;
		case OPT_SYMBOLS:
			if (diagnose)
				return not_for_diagnose("--symbols");
			v = sym_style_parse(optarg);
			if (v < 0)
				return bad("--symbols", optarg,
					   "expected name, data, addr or full");
			cfg->sym = (enum sym_style)v;
			cfg->sym_set = true;
			break;
		case OPT_JSON:
			cfg->json = true;
			break;
		case OPT_FORCE:
			cfg->force = true;
			break;
		case OPT_NO_XDP:
			cfg->no_xdp = true;
			break;
		case OPT_NETNS:
			cfg->netns = optarg;
			break;
		case OPT_BACKEND:
			v = (int)backend_parse(optarg);
			if (v < 0)
				return bad("--backend", optarg,
					   "expected tp_btf, raw_tp or tracepoint");
			cfg->backend = (enum backend)v;
			break;
		case OPT_SYSTEM_MAP:
			cfg->syms.system_map = optarg;
			cfg->syms.force_map = true;
			break;
		case OPT_KASLR:
			errno = 0;
			cfg->syms.kaslr_offset = (int64_t)strtoull(optarg, &end, 16);
			if (errno || end == optarg || *end)
				return bad("--kaslr-offset", optarg, "expected a hex number");
			cfg->syms.have_kaslr = true;
			break;
		case OPT_READY:
			cfg->ready_file = optarg;
			break;
		case OPT_MAX_KEYS:
			if (parse_ulong(optarg, 1UL << 24, &n))
				return bad("--max-keys", optarg, "expected 1..16777216");
			cfg->max_keys = (unsigned)n;
			break;
		case OPT_BTF:
			cfg->btf = optarg;
			break;
		case OPT_DEV:
			cfg->dev = optarg;
			break;
		case OPT_PROTO:
			cfg->proto = optarg;
			break;
		case OPT_REASON:
			cfg->reasons = optarg;
			break;
		case OPT_LOCATION:
			cfg->location = optarg;
			break;
		case OPT_SNAPLEN:
			if (!events || parse_ulong(optarg, MAX_SNAPLEN, &n))
				return bad("--snaplen", optarg,
					   "expected 1..1024, events mode only");
			cfg->snaplen = (unsigned)n;
			break;
		case OPT_RATE:
			if (!events || parse_ulong(optarg, 1UL << 30, &n))
				return bad("--rate", optarg,
					   "expected a positive integer, events mode only");
			cfg->rate = (unsigned)n;
			break;
		case OPT_BY: {
			char word[64];
			__u32 dims;

			if (events)
				return bad("option", "--by", "only in summary mode");
			if (diagnose)
				return not_for_diagnose("--by");
			if (keys_parse(optarg, &dims, word, sizeof(word))) {
				char why[160];

				snprintf(why, sizeof(why), "unknown key '%s' (expected %s)", word,
					 keys_names());
				return bad("--by", optarg, why);
			}
			cfg->by |= dims;
			break;
		}
		case OPT_STACKS:
			if (diagnose)
				return not_for_diagnose("--stacks");
			cfg->by |= DIM_STACK;
			break;
		case OPT_FOLDED:
			if (events)
				return bad("option", "--folded", "only in summary mode");
			if (diagnose)
				return not_for_diagnose("--folded");
			cfg->folded = true;
			break;
		case OPT_MAX_STACKS:
			if (diagnose)
				return not_for_diagnose("--max-stacks");
			if (parse_ulong(optarg, 1UL << 18, &n))
				return bad("--max-stacks", optarg, "expected 1..262144");
			cfg->max_stacks = (unsigned)n;
			break;
		case OPT_HELPER:
			if (!*optarg)
				return bad("--helper", optarg, "expected function names");
			cfg->helpers = optarg;
			break;
		case OPT_LISTEN:
			if (!exporter)
				return bad("option", "--listen", "only for the exporter");
			cfg->listen = optarg;
			break;
		case OPT_MAX_SERIES:
			if (!exporter || parse_ulong(optarg, 1UL << 20, &n))
				return bad("--max-series", optarg,
					   "expected 1..1048576, exporter only");
			cfg->max_series = (unsigned)n;
			break;
		case OPT_TLS_CERT:
		case OPT_TLS_KEY:
			if (!exporter)
				return bad("option", c == OPT_TLS_CERT ? "--tls-cert" : "--tls-key",
					   "only for the exporter");
			*(c == OPT_TLS_CERT ? &cfg->tls_cert : &cfg->tls_key) = optarg;
			break;
		case ':':
			return bad("option", argv[optind - 1], "needs a value");
		default:
			option_error(longopts, argv[optind - 1], optopt);
			usage(stderr);
			return 2;
		}
	}
	if (cfg->folded) {
		if (cfg->json)
			return bad("option", "--folded", "cannot go with --json");
		cfg->by |= DIM_STACK;
	}
	if (cfg->max_stacks && !(cfg->by & DIM_STACK))
		return bad("option", "--max-stacks", "needs --stacks (or --folded, --by stack)");
	/* diagnose groups by caller itself: --helper is for it too. */
	if (cfg->helpers && !(cfg->by & DIM_CALLER) && !diagnose)
		return bad("option", "--helper", "needs --by caller");
	/* Events: only the stack is a key an event can carry. */
	if (events && (cfg->by & ~DIM_STACK))
		return bad("option", "--by", "only in summary mode");
	if (exporter && !cfg->tls_cert != !cfg->tls_key)
		return bad("option", cfg->tls_cert ? "--tls-cert" : "--tls-key",
			   "needs --tls-key and --tls-cert together");
	if (optind < argc) {
		if (!events)
			return bad("argument", argv[optind], "unexpected");
		cfg->filter_expr = argv[optind++];
		if (optind < argc)
			return bad("argument", argv[optind],
				   "unexpected (quote the filter expression as one argument)");
	}
	return 0;
}

void option_error(const struct option *longopts, const char *word, int opt)
{
	const char *eq;
	size_t len;

	/* A long option: getopt's optopt is its value (OPT_JSON is not a
	 * character), so name it from the word itself. */
	if (word && word[0] == '-' && word[1] == '-') {
		eq = strchr(word, '=');
		len = eq ? (size_t)(eq - word - 2) : strlen(word + 2);
		for (const struct option *o = longopts; o->name; o++) {
			if (strlen(o->name) < len || strncmp(o->name, word + 2, len))
				continue;
			if (eq && o->has_arg == no_argument) {
				fprintf(stderr,
					"dropscope: invalid option '%s': --%s takes no value\n",
					ESC(word), o->name);
				return;
			}
			if (strlen(o->name) == len)
				break;
		}
		fprintf(stderr, "dropscope: invalid option '%s': unknown or ambiguous\n",
			ESC(word));
		return;
	}
	/* A short option, maybe inside a group (-xr): the word may be another. */
	if (opt > 0 && opt < 256) {
		char s[3] = { '-', (char)opt, 0 };

		fprintf(stderr, "dropscope: invalid option '%s': unknown\n", ESC(s));
		return;
	}
	fprintf(stderr, "dropscope: invalid option '%s': unknown\n", ESC(word ? word : "?"));
}
