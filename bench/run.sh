#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: the cost per drop of dropscope beside what people use instead.
#
# For each repetition, for each flood (udp, otherhost), every configuration runs
# once in turn (A B C ... A B C ...), so a slow minute of the VM hits all of them
# alike. One run = harness starts the tool pinned to CPU 1, waits until it is
# attached, runs build/bench/flood pinned to CPU 0 for BENCH_SECONDS, stops the
# tool with SIGINT and reads its count. The flood's CPU is where the kernel-side
# cost of every tool lands (tracepoint, BPF program, ring buffer), which is what
# drops/s measures; each tool's user space runs on the other CPU and is reported
# on its own as CPU seconds, so it neither hides in nor inflates the rate.
#
# Environment: BENCH_REPS (5), BENCH_SECONDS (3), BENCH_CONFIGS (all, space
# separated names), BENCH_FLOODS ("udp otherhost"), BENCH_OUT (bench/results),
# BENCH_DROPSCOPE (./dropscope: another build to compare), BENCH_FOREIGN_WAIT
# (20: seconds a run waits for other programs on skb:kfree_skb to go before it
# runs anyway, marked unusable), BENCH_ATTACH_STARTS (15: starts of each
# configuration in the start-to-attached section, no flood), BENCH_ATTACH_ONLY
# (1: run only that section, then stop).
# Results: $BENCH_OUT/latest.json (every run plus the summary) and latest.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
B=$ROOT/build/bench
DS=${BENCH_DROPSCOPE:-$ROOT/dropscope}
REPS=${BENCH_REPS:-5}
SECS=${BENCH_SECONDS:-3}
read -r -a FLOODS <<<"${BENCH_FLOODS:-udp otherhost}"
OUT=${BENCH_OUT:-$ROOT/bench/results}
FLOOD_CPU=0
TOOL_CPU=1
NS=dsbench$$
NSPATH=/run/netns/$NS
RATE_LIMIT=10000 # events --rate: a typical "keep the terminal readable" setting
FOREIGN_WAIT=${BENCH_FOREIGN_WAIT:-20}
[[ $FOREIGN_WAIT =~ ^[0-9]+$ ]] || die "BENCH_FOREIGN_WAIT: expected whole seconds"
ATTACH_STARTS=${BENCH_ATTACH_STARTS:-15}
[[ $ATTACH_STARTS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ATTACH_STARTS: expected a positive number"
ATTACH_ONLY=${BENCH_ATTACH_ONLY:-0}

BT_COUNT='tracepoint:skb:kfree_skb { @[args->location, args->reason] = count(); }'
BT_KSTACK='tracepoint:skb:kfree_skb { @[args->location, args->reason, kstack] = count(); }'
BT_EMPTY='tracepoint:skb:kfree_skb {}'

log() { printf '%s\n' "$*" >&2; }
die() {
	log "bench: $*"
	exit 1
}

WORK=
HARNESS_PID=
WATCH_PID=
PROGS_BEFORE=
cleanup() {
	local rc=$?
	# A reader that went away (| head) must not stop the clean-up half way.
	trap '' PIPE
	if [[ -n $WATCH_PID ]] && kill -0 "$WATCH_PID" 2>/dev/null; then
		kill -TERM "$WATCH_PID" 2>/dev/null || true
		wait "$WATCH_PID" 2>/dev/null || true
	fi
	# Only what we started: the harness stops its own tool and load on SIGTERM.
	if [[ -n $HARNESS_PID ]] && kill -0 "$HARNESS_PID" 2>/dev/null; then
		kill -TERM "$HARNESS_PID" 2>/dev/null || true
		wait "$HARNESS_PID" 2>/dev/null || true
	fi
	ip netns del "$NS" 2>/dev/null || true
	[[ -z $WORK ]] || rm -rf "$WORK"
	if [[ -n $PROGS_BEFORE ]] && command -v bpftool >/dev/null; then
		local left
		left=$(bpftool prog show -j 2>/dev/null |
			jq -r --argjson before "$PROGS_BEFORE" \
				'.[] | select(.type == "tracing" or .type == "tracepoint" or
				.type == "raw_tracepoint") | select(.id as $i | $before | index($i) | not) |
				"\(.id) \(.type) \(.name // "?") (held by \(.pids // [] | map("\(.comm)/\(.pid)") | join(",") | if . == "" then "no process: pinned or leaked" else . end))"' 2>/dev/null || true)
		[[ -z $left ]] ||
			log "bench: WARNING: tracing BPF programs appeared during the bench and are" \
				"still loaded. Every tool we started has exited, so one held by a live" \
				"process is someone else's; one held by none was left pinned or leaked:" \
				"$left"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'exit 141' PIPE

[[ $EUID -eq 0 ]] || die "needs root (BPF, namespaces)"
for t in flood harness floor; do
	[[ -x $B/$t ]] || die "$B/$t missing: run 'make bench'"
done
command -v jq >/dev/null || die "jq missing: run 'make bench' (it installs the test deps)"
PROGS_BEFORE=$(bpftool prog show -j 2>/dev/null | jq -c '[.[].id]' 2>/dev/null || echo '[]')
WORK=$(mktemp -d /tmp/dsbench.XXXXXX)
# dropscope's BTF cache in the bench's own directory (removed at the end),
# not the machine's /var/cache; the attach section's first start makes it.
export DROPSCOPE_BTF_CACHE_DIR=$WORK/btfcache
mkdir -p "$OUT"

# --- the sandbox: lo for udp, a veth pair for otherhost, IPv6 off so that no
# router solicitation or MLD report adds frames of its own.
ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS" link set lo up
ip -n "$NS" link add fl0 type veth peer name fl1
ip -n "$NS" link set fl0 up
ip -n "$NS" link set fl1 up

# --- configurations: name, then how to run it. ---------------------------------
CONFIGS=(none floor ds ds-rawtp ds-r ds-stacks ds-stacks-all ds-caller ds-folded ds-netns ds-workload)
HAVE_EVENTS=0
if [[ -x $DS ]] && "$DS" events --help >/dev/null 2>&1; then
	HAVE_EVENTS=1
	CONFIGS+=(ds-events ds-events-rate)
fi
CONFIGS+=(bt-count bt-kstack bt-empty perf)
if [[ -n ${BENCH_CONFIGS:-} ]]; then
	read -r -a CONFIGS <<<"$BENCH_CONFIGS"
fi
SKIPPED=()
usable=()
for c in "${CONFIGS[@]}"; do
	case $c in
	ds | ds-rawtp | ds-r | ds-stacks | ds-stacks-all | ds-caller | ds-folded | ds-netns | ds-workload) [[ -x $DS ]] || {
		SKIPPED+=("$c: ./dropscope not built")
		continue
	} ;;
	ds-events*) ((HAVE_EVENTS)) || {
		SKIPPED+=("$c: no events mode yet ('dropscope events --help' fails)")
		continue
	} ;;
	bt-*) command -v bpftrace >/dev/null || {
		SKIPPED+=("$c: bpftrace not installed")
		continue
	} ;;
	perf) command -v perf >/dev/null || {
		SKIPPED+=("$c: perf not installed")
		continue
	} ;;
	none | floor) ;;
	*) die "unknown configuration $c" ;;
	esac
	usable+=("$c")
done
CONFIGS=("${usable[@]}")

describe() {
	case $1 in
	none) echo "no tool" ;;
	floor) echo "floor: empty tp_btf program" ;;
	ds) echo "dropscope (summary)" ;;
	ds-r) echo "dropscope -r" ;;
	ds-stacks) echo "dropscope --stacks (default budget)" ;;
	ds-stacks-all) echo "dropscope --stacks --stack-budget 0" ;;
	ds-caller) echo "dropscope --by caller" ;;
	ds-folded) echo "dropscope --folded" ;;
	ds-netns) echo "dropscope --by netns" ;;
	ds-workload) echo "dropscope --by workload" ;;
	ds-nocache) echo "dropscope (summary) --no-btf-cache" ;;
	ds-rawtp) echo "dropscope (summary) --backend raw_tp" ;;
	ds-events) echo "dropscope events >/dev/null" ;;
	ds-events-rate) echo "dropscope events --rate $RATE_LIMIT >/dev/null" ;;
	bt-count) echo "bpftrace count[location,reason]" ;;
	bt-kstack) echo "bpftrace count[location,reason,kstack]" ;;
	bt-empty) echo "bpftrace empty program" ;;
	perf) echo "perf stat -e skb:kfree_skb -a" ;;
	esac
}

# Fill HARGS (harness options) and TOOL (argv) for configuration $1.
setup_config() {
	local ready=$WORK/ready
	HARGS=(--cpu "$TOOL_CPU" --tool-out "$WORK/tool.out")
	TOOL=()
	case $1 in
	none) HARGS=(--cpu "$TOOL_CPU") ;;
	floor) TOOL=("$B/floor" --ready-file "$ready") ;;
	ds) TOOL=("$DS" --netns "$NSPATH" --json --ready-file "$ready") ;;
	ds-r) TOOL=("$DS" -r --netns "$NSPATH" --json --ready-file "$ready") ;;
	ds-stacks) TOOL=("$DS" --stacks --netns "$NSPATH" --json --ready-file "$ready") ;;
	ds-stacks-all)
		TOOL=("$DS" --stacks --stack-budget 0 --netns "$NSPATH" --json --ready-file "$ready")
		;;
	ds-caller) TOOL=("$DS" --by caller --netns "$NSPATH" --json --ready-file "$ready") ;;
	ds-folded) TOOL=("$DS" --folded --netns "$NSPATH" --ready-file "$ready") ;;
	ds-netns) TOOL=("$DS" --by netns --netns "$NSPATH" --json --ready-file "$ready") ;;
	ds-workload) TOOL=("$DS" --by workload --netns "$NSPATH" --json --ready-file "$ready") ;;
	ds-nocache) TOOL=("$DS" --no-btf-cache --netns "$NSPATH" --json --ready-file "$ready") ;;
	ds-rawtp) TOOL=("$DS" --backend raw_tp --netns "$NSPATH" --json --ready-file "$ready") ;;
	ds-events)
		TOOL=("$DS" events --netns "$NSPATH" --ready-file "$ready")
		HARGS+=(--tool-stdout /dev/null)
		;;
	ds-events-rate)
		TOOL=("$DS" events --rate "$RATE_LIMIT" --netns "$NSPATH" --ready-file "$ready")
		HARGS+=(--tool-stdout /dev/null)
		;;
	bt-count) TOOL=(bpftrace -e "$BT_COUNT") ;;
	bt-kstack) TOOL=(bpftrace -e "$BT_KSTACK") ;;
	bt-empty) TOOL=(bpftrace -e "$BT_EMPTY") ;;
	perf) TOOL=(perf stat -x "," -e skb:kfree_skb -a) ;;
	esac
	case $1 in
	ds* | floor) HARGS+=(--ready-file "$ready") ;;
	# bpftrace prints this just before it attaches; the settle time covers the rest.
	bt-*) HARGS+=(--ready-line "Attaching ") ;;
	# perf stat says nothing once counting: wait for its per-CPU event fds.
	perf) HARGS+=(--ready-perf-fds "$(nproc)") ;;
	esac
}

# The drop count the tool reported, from $WORK/tool.out; empty if it has none.
tool_count() {
	local f=$WORK/tool.out
	case $1 in
	ds-folded)
		# "frames COUNT" lines; table overflow is a line of its own.
		awk '$NF ~ /^[0-9]+$/ { s += $NF } END { print s + 0 }' "$f"
		;;
	ds | ds-r | ds-stacks | ds-stacks-all | ds-caller | ds-netns | ds-workload)
		# One JSON object per interval; drops that overflowed the table count too.
		grep -a '^{' "$f" | jq -s '[.[] | ([.entries[].count] | add // 0) +
			(.not_counted // 0)] | add // 0' 2>/dev/null || true
		;;
	ds-events*)
		# Final tally on stderr: "N events printed, M lost, K counted" (or JSON).
		grep -aoE '[0-9]+ (drops )?counted' "$f" | tail -1 | grep -oE '^[0-9]+' || true
		;;
	bt-count | bt-kstack)
		grep -aoE '\]: [0-9]+$' "$f" | awk '{ s += $2 } END { if (NR) print s }'
		;;
	perf) awk -F, '$3 == "skb:kfree_skb" && $1 ~ /^[0-9]+$/ { print $1 }' "$f" ;;
	esac
}

# events mode: printed, lost and held back by --rate, as the tool reports them at exit
# ("N drops counted: N events printed, N filtered by expression, N over --rate, N lost").
events_tally() {
	local f=$WORK/tool.out p l o
	p=$(grep -aoE '[0-9]+ (events )?printed' "$f" | tail -1 | grep -oE '^[0-9]+' || true)
	l=$(grep -aoE '[0-9]+ (events )?lost' "$f" | tail -1 | grep -oE '^[0-9]+' || true)
	o=$(grep -aoE '[0-9]+ over --rate' "$f" | tail -1 | grep -oE '^[0-9]+' || true)
	echo "${p:-null} ${l:-null} ${o:-null}"
}

# Programs on skb:kfree_skb that are not ours (someone else's bpftrace, perf or
# dropscope): each adds its own per-drop cost to every configuration, "none"
# included. Called only while none of our tools runs. Distinct program ids
# from perf events and fds (`bpftool perf`: tracepoint, raw_tp, tp_btf) and
# from links (`bpftool link`: tp_btf and raw_tp appear as raw_tracepoint
# links with tp_name), so one program seen both ways counts once.
foreign_probes() {
	{
		{ bpftool perf show -j 2>/dev/null || true; } |
			jq -c '[.[]? | select((.tracepoint // .tp_name // "") | test("^kfree_skb$")) |
				.prog_id]' 2>/dev/null || echo '[]'
		{ bpftool link show -j 2>/dev/null || true; } |
			jq -c '[.[]? | select((.tp_name // "") == "kfree_skb") | .prog_id]' \
				2>/dev/null || echo '[]'
	} | jq -s 'add | unique | length' 2>/dev/null || echo 0
}

# Wait until no foreign program is on the tracepoint, FOREIGN_WAIT seconds at
# most; prints how many are left (0 = the run is usable).
wait_foreign() {
	local n t0=$SECONDS said=0
	while n=$(foreign_probes) && ((n > 0)) && ((SECONDS - t0 < FOREIGN_WAIT)); do
		((said)) || log "bench: waiting up to ${FOREIGN_WAIT}s for $n other program(s) on skb:kfree_skb to go"
		said=1
		sleep 0.5
	done
	echo "$n"
}

RUNS=$WORK/runs.jsonl
: >"$RUNS"

# One measured run; appends a JSON record to $RUNS.
run_one() {
	local cfg=$1 flood=$2 rep=$3 line count p l o rc=0 foreign after during
	foreign=$(wait_foreign)
	setup_config "$cfg"
	HARGS+=(--stats "$WORK/stats.json")
	rm -f "$WORK/stats.json" "$WORK/tool.out"
	: >"$WORK/during"
	"$B/harness" "${HARGS[@]}" -- "${TOOL[@]}" :: \
		"$B/flood" "$flood" --netns "$NS" --seconds "$SECS" --cpu "$FLOOD_CPU" \
		>"$WORK/flood.out" 2>"$WORK/harness.err" &
	HARNESS_PID=$!
	# Someone's program that comes and goes during the run: sampled every
	# second from the tools' CPU (not the flood's), the most seen at once
	# minus our own tool's program (bpftrace's and dropscope's are one each,
	# perf stat's counter is no program).
	(
		m=0
		while kill -0 "$HARNESS_PID" 2>/dev/null; do
			c=$(foreign_probes)
			if ((c > m)); then
				m=$c
				echo "$m" >"$WORK/during"
			fi
			sleep 1
		done
	) &
	WATCH_PID=$!
	taskset -pc "$TOOL_CPU" "$WATCH_PID" >/dev/null 2>&1 || true
	wait "$HARNESS_PID" || rc=$?
	HARNESS_PID=
	kill -TERM "$WATCH_PID" 2>/dev/null || true
	wait "$WATCH_PID" 2>/dev/null || true
	WATCH_PID=
	during=$(cat "$WORK/during" 2>/dev/null || true)
	[[ $during =~ ^[0-9]+$ ]] || during=0
	case $cfg in
	none | perf) ;;
	*) during=$((during > 0 ? during - 1 : 0)) ;;
	esac
	after=$(foreign_probes)
	if ((after > foreign)); then foreign=$after; fi
	if ((during > foreign)); then foreign=$during; fi
	line=$(grep -a '^mode=' "$WORK/flood.out" || true)
	if ((rc)) || [[ -z $line ]]; then
		log "bench: $cfg/$flood rep $rep failed (rc $rc):"
		sed 's/^/    /' "$WORK/harness.err" "$WORK/flood.out" >&2 || true
		[[ ! -f $WORK/tool.out ]] || tail -5 "$WORK/tool.out" | sed 's/^/    tool: /' >&2
		jq -nc --arg c "$cfg" --arg f "$flood" --argjson r "$rep" \
			'{config:$c, flood:$f, rep:$r, failed:true}' >>"$RUNS"
		return 0
	fi
	count=$(tool_count "$cfg")
	read -r p l o < <(if [[ $cfg == ds-events* ]]; then events_tally; else echo "null null null"; fi)
	# key=value line to JSON; the harness's stats merge in as they are.
	jq -nc --arg c "$cfg" --arg f "$flood" --argjson r "$rep" --arg line "$line" \
		--arg count "$count" --argjson fp "$foreign" --argjson p "$p" --argjson l "$l" \
		--argjson o "$o" --slurpfile st "$WORK/stats.json" '
		($line | split(" ") | map(split("=") | {(.[0]): (.[1] | tonumber? // .)}) | add) as $kv |
		{config:$c, flood:$f, rep:$r, unusable:($fp > 0), sent:$kv.sent, seconds:$kv.seconds, rate:$kv.rate,
		 cpu_rate:$kv.cpu_rate, flood_cpu_s:($kv.cpu_s + $kv.ksoftirqd_s),
		 truth:$kv.truth, truth_name:$kv.truth_name,
		 count:(if $count == "" then null else ($count | tonumber) end),
		 events_printed:$p, events_lost:$l, events_over_rate:$o,
		 foreign_probes:$fp} + $st[0]' >>"$RUNS"
	local rec
	rec=$(tail -1 "$RUNS")
	log "$(printf "  %-15s %-9s rep %d: %8.0f drops/s  count %s / sent %s" "$cfg" "$flood" "$rep" \
		"$(jq -r .rate <<<"$rec")" "${count:--}" "$(jq -r .sent <<<"$rec")")" \
		"$( ((foreign == 0)) || echo "[UNUSABLE: $foreign other kfree_skb programs attached]")"
}

log "bench: ${#CONFIGS[@]} configurations (${CONFIGS[*]}) x floods (${FLOODS[*]}) x $REPS," \
	"${SECS}s each; flood on CPU $FLOOD_CPU, tools on CPU $TOOL_CPU"
for s in "${SKIPPED[@]+"${SKIPPED[@]}"}"; do log "bench: skipped $s"; done
n=$(foreign_probes)
((n == 0)) || log "bench: WARNING: $n other probe(s) on skb:kfree_skb are attached (see bpftool perf show;" \
	"bpftool link show); they slow every configuration and skew the results"
t_start=$(date +%s)

# A short unrecorded flood of each kind first: page cache, slab and socket
# lookup tables warm, CPU frequency settled.
for flood in "${FLOODS[@]}"; do
	w=$("$B/flood" "$flood" --netns "$NS" --seconds 1 --cpu "$FLOOD_CPU")
	# Without contention the flood has its CPU to itself; much less means someone
	# else is running there and every figure below will be noisy.
	share=$(awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%.0f", (v["cpu_s"] + v["ksoftirqd_s"]) / v["seconds"] * 100 }' <<<"$w")
	log "bench: warm-up $flood: $(cut -d" " -f4 <<<"$w"), flood got $share% of CPU $FLOOD_CPU" \
		"$( ((share >= 90)) || echo "(busy machine: expect noise)")"
done

# --- start-to-attached, no flood ---------------------------------------------------
# Exec to attached (the ready file) of the floor and of each dropscope
# configuration, and the CPU time spent until then (less noisy on a shared
# machine; printed beside, not judged), ATTACH_STARTS starts each, alternating (floor A B ... floor A
# B ...) so that a slow moment of a shared machine hits all alike; the harness
# polls at 1 ms. One unrecorded start first makes dropscope's BTF cache
# (in $WORK), as any first start on a kernel does; ds-nocache is the
# summary without it, ds-rawtp the summary on raw_tp (whose attach needs no
# kernel BTF id: with the cache, no kernel BTF is parsed at all).
attach_section() {
	local cfgs=(floor) c i rec
	for c in ds ds-r ds-stacks ds-caller ds-folded ds-netns ds-workload ds-events; do
		[[ -x $DS ]] || break
		[[ $c != ds-events ]] || ((HAVE_EVENTS)) || continue
		cfgs+=("$c")
	done
	if [[ -x $DS ]] && "$DS" --help 2>&1 | grep -q -- --no-btf-cache; then
		cfgs+=(ds-nocache ds-rawtp)
	fi
	local res=$WORK/attach.jsonl
	: >"$res"
	log "bench: start-to-attached, no flood: ${cfgs[*]}, $ATTACH_STARTS alternating starts each"
	if [[ -x $DS ]]; then
		setup_config ds
		"$B/harness" "${HARGS[@]}" --settle-ms 0 -- "${TOOL[@]}" :: true >/dev/null 2>&1 ||
			log "bench: warm-up start of dropscope failed"
	fi
	for ((i = 1; i <= ATTACH_STARTS; i++)); do
		for c in "${cfgs[@]}"; do
			setup_config "$c"
			rm -f "$WORK/stats.json"
			if ! "$B/harness" "${HARGS[@]}" --settle-ms 0 --stats "$WORK/stats.json" \
				-- "${TOOL[@]}" :: true >/dev/null 2>"$WORK/harness.err"; then
				log "bench: attach $c start $i failed:"
				sed 's/^/    /' "$WORK/harness.err" >&2 || true
				continue
			fi
			rec=$(jq -c --arg c "$c" '{config:$c, attach_ms, attach_cpu_ms}' "$WORK/stats.json")
			echo "$rec" >>"$res"
		done
	done
	# Median and max per configuration; each dropscope row against the
	# floor's median + 5 ms.
	jq -rs --argjson n "$ATTACH_STARTS" --argjson order "$(printf '%s\n' "${cfgs[@]}" | jq -R . | jq -sc .)" '
		def med: sort | if length % 2 == 1 then .[length / 2 | floor]
			else (.[length / 2 - 1] + .[length / 2]) / 2 end;
		group_by(.config) | map({key: .[0].config, value: {med: (map(.attach_ms) | med),
			max: (map(.attach_ms) | max), n: length,
			cpu: (map(.attach_cpu_ms // -1) | med)}}) | from_entries as $s |
		($s.floor // null) as $f |
		"start-to-attached, no flood (ms, exec to ready file; \($n) alternating starts each)",
		(if $f then "  floor: median \($f.med * 10 | round / 10) ms, max \($f.max * 10 | round / 10) ms, CPU until attached median \($f.cpu * 10 | round / 10) ms (n=\($f.n))" else empty end),
		($order[] | select(. != "floor" and $s[.] != null) | . as $k | $s[$k] as $v |
			(if $f == null then "[MISSED]" elif $v.med <= $f.med + 5 then "[met]" else "[MISSED]" end) +
			" start-to-attached <= floor + 5 ms (median of \($v.n) alternating starts, no flood): " +
			"\($k) median \($v.med * 10 | round / 10) ms, max \($v.max * 10 | round / 10) ms" +
			(if $f then "; floor median \($f.med * 10 | round / 10), max \($f.max * 10 | round / 10)" else "" end) +
			"; CPU until attached median \($v.cpu * 10 | round / 10) ms" +
			(if $k == "ds-nocache" then " (without the BTF cache: for comparison)"
			 elif $k == "ds-rawtp" then " (raw_tp: with the cache, libbpf never reads the kernel BTF; for comparison)"
			 else "" end))
	' "$res" | tee "$OUT/attach.txt"
}
attach_section
if [[ $ATTACH_ONLY == 1 ]]; then
	log "bench: BENCH_ATTACH_ONLY=1: wrote $OUT/attach.txt; the flood runs are skipped"
	exit 0
fi

for ((rep = 1; rep <= REPS; rep++)); do
	for flood in "${FLOODS[@]}"; do
		for cfg in "${CONFIGS[@]}"; do
			run_one "$cfg" "$flood" "$rep"
		done
	done
done

# --- kallsyms: dropscope's symbol table vs. reading the file with cat. -------
SYMS=$WORK/syms.jsonl
: >"$SYMS"
HAVE_SYMSTATS=0
if [[ -x $DS ]] && "$DS" symbols --stats >"$WORK/symstats.out" 2>&1; then
	HAVE_SYMSTATS=1
fi
for ((rep = 1; rep <= REPS; rep++)); do
	"$B/harness" --stats "$WORK/cat.json" -- :: cat /proc/kallsyms >/dev/null
	cat_s=$(jq .load_wall_s "$WORK/cat.json")
	ds_s=null ds_self=null
	if ((HAVE_SYMSTATS)); then
		"$B/harness" --stats "$WORK/sym.json" -- :: "$DS" symbols --stats \
			>"$WORK/symstats.out" 2>&1 || true
		ds_s=$(jq .load_wall_s "$WORK/sym.json")
		# The tool's own figure: the first "<number> ms" it prints.
		ds_self=$(grep -aoE '[0-9]+(\.[0-9]+)? ?ms' "$WORK/symstats.out" | head -1 |
			grep -oE '^[0-9.]+' || true)
		ds_self=${ds_self:-null}
	fi
	jq -nc --argjson c "$cat_s" --argjson w "$ds_s" --argjson s "$ds_self" \
		'{cat_ms:($c * 1e6 | round / 1e3), ds_wall_ms:(if $w then ($w * 1e6 | round / 1e3) else null end),
		ds_self_ms:$s}' >>"$SYMS"
done
SYMSTATS_TEXT=""
((HAVE_SYMSTATS)) && SYMSTATS_TEXT=$(head -c 2000 "$WORK/symstats.out")

t_total=$(($(date +%s) - t_start))

# --- summary --------------------------------------------------------------------
FLOODS_JSON=$(printf "%s\n" "${FLOODS[@]}" | jq -R . | jq -sc .)
ORDER=$(printf '%s\n' "${CONFIGS[@]}" | jq -R . | jq -sc .)
DESCS=$(for c in "${CONFIGS[@]}"; do jq -nc --arg c "$c" --arg d "$(describe "$c")" '{($c):$d}'; done |
	jq -sc 'add')
SKIP_JSON=$(printf '%s\n' "${SKIPPED[@]+"${SKIPPED[@]}"}" | jq -R 'select(length > 0)' | jq -sc .)

jq -n --slurpfile runs "$RUNS" --slurpfile syms "$SYMS" --argjson order "$ORDER" \
	--argjson floods "$FLOODS_JSON" \
	--argjson descs "$DESCS" --argjson skipped "$SKIP_JSON" --arg kernel "$(uname -r)" \
	--arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" \
	--argjson ncpu "$(nproc)" --argjson reps "$REPS" --argjson secs "$SECS" \
	--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --argjson total "$t_total" \
	--arg symtext "$SYMSTATS_TEXT" \
	--arg btv "$(bpftrace --version 2>/dev/null || true)" \
	--arg perfv "$(perf --version 2>/dev/null || true)" \
	--arg dsv "$(if [[ -x $DS ]]; then "$DS" version 2>/dev/null | head -1; fi)" \
	-f "$ROOT/bench/summary.jq" >"$OUT/latest.json"

bash "$ROOT/bench/table.sh" "$OUT/latest.json" >"$OUT/latest.txt"
cat "$OUT/latest.txt"
log "bench: wrote $OUT/latest.json and $OUT/latest.txt (${t_total}s)"
# The README quotes the same run: its table between the bench:latest markers is
# replaced, so README, latest.txt and latest.json can only be committed together.
# Only for the default output (another BENCH_OUT is a side experiment).
if [[ $OUT == "$ROOT/bench/results" ]] && grep -q '^<!-- bench:latest' "$ROOT/README.md"; then
	awk -v f="$OUT/latest.txt" '
		/^<!-- bench:latest/ { print; print "```"; while ((getline l < f) > 0) print l
			print "```"; skip = 1; next }
		/^<!-- \/bench:latest -->/ { skip = 0 }
		!skip' "$ROOT/README.md" >"$WORK/README.md"
	cat "$WORK/README.md" >"$ROOT/README.md"
	log "bench: README.md's table replaced with this run's (review the prose around it)"
fi

# The exporter's scrape latency and RSS beside node_exporter's (its per-drop
# cost is summary mode's: the same program and count table).
if "$DS" exporter --help >/dev/null 2>&1; then
	BENCH_OUT=$OUT bash "$ROOT/bench/exporter.sh" || log "bench: exporter bench failed"
	BENCH_OUT=$OUT bash "$ROOT/bench/exporter_soak.sh" || log "bench: exporter soak failed"
else
	log "bench: no exporter in ./dropscope (static build): exporter bench skipped"
fi
# --by workload's memory with 1,000 workloads, beside --by netns's.
BENCH_OUT=$OUT bash "$ROOT/bench/workload.sh" || log "bench: workload bench failed"
