#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The exporter's soak (part of `make bench`; alone: bash bench/exporter_soak.sh
# after `make test-bins`): a node whose pods come and go. An exporter with
# --by location,reason,netns is scraped every 0.5 s while BENCH_SOAK_NS
# (10,000) short-lived namespaces (tests/tools/nschurn: unshare, lo up,
# 3 NO_SOCKET drops, exit; 64 alive at once) churn; then its RSS, the
# in-kernel table's rows (bpftool), the series it exposes, and the median
# and max of the scrapes during the churn and of 100 after it.
# Targets (reported, not enforced): RSS < 12 MB, scrape during the churn < 10 ms.
#
# How a scrape is timed: curl's time_total, from its first connect to the
# last byte (curl's own exec and start are not in it). The churn keeps both
# CPUs busy, so a plain curl is itself preempted and its wait counted as the
# exporter's: the scrapes alternate between a plain curl and one run
# SCHED_FIFO (chrt -f), which nothing of the churn preempts, so its time is
# the exporter's wake-up, work and run-queue waits as a server on another
# host would see them. Both are reported, with the exporter's own handler
# time (dropscope_scrape_duration_seconds) and, from /proc/PID/schedstat over
# the churn, its CPU time and run-queue wait per scrape (everything it did:
# scrapes, its poll and sweeps). The target is checked on the FIFO client.
#
# BENCH_SOAK_BASELINE=PATH: a second dropscope binary (e.g. main's, built in
# another worktree) run side by side through the same churn, scraped the
# same way, and reported the same way with the ratios: on a shared or loaded
# machine the ratio is the figure that means something.
# Two layouts, one after the other, each with fresh exporters:
#  - "node": as on a Kubernetes node running the exporter as its systemd
#    unit (contrib/dropscope-exporter.service): the pods (the churn) in one
#    cgroup, kubepods.slice, the exporter in another, system.slice, both at
#    the default weight, as systemd and the kubelet make them. The scheduler
#    shares the CPUs between the two groups, then between the tasks in each.
#  - "one cgroup": every task in the bench's own cgroup, so the exporter
#    competes one by one with the 64 namespace makers and gets ~1/32 of a
#    CPU however little it needs (the worst case; reported, as before).
# The cgroups are made for the run (cgroup v2 with the cpu controller, or
# v1's cpu hierarchy) and removed; with neither, only "one cgroup" runs.
# The target is reported for both.
# Writes $BENCH_OUT/exporter-soak.txt (default bench/results).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DS=${BENCH_SOAK_DS:-$ROOT/dropscope}
BASE=${BENCH_SOAK_BASELINE:-}
CHURN=$ROOT/build/tools/nschurn
OUT=${BENCH_OUT:-$ROOT/bench/results}
NSN=${BENCH_SOAK_NS:-10000}
WORK=$(mktemp -d /tmp/dssoak.XXXXXX)
declare -A EXP_PID=() EXP_PORT=() LOOP_PID=()
CG=          # the run's parent cgroup, when one was made
CG_ENABLED=  # the cgroup v2 file we wrote "+cpu" to, to undo

stop_all() {
	local p
	for p in "${LOOP_PID[@]}" "${EXP_PID[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	LOOP_PID=()
	EXP_PID=()
}
cleanup() {
	local d i
	stop_all
	if [[ -n $CG ]]; then
		for d in "$CG"/*/ "$CG"; do
			[[ -d $d ]] || continue
			# A child that just exited may still be counted for a moment.
			for ((i = 0; i < 50; i++)); do
				rmdir "$d" 2>/dev/null && break
				sleep 0.1
			done
		done
	fi
	[[ -z $CG_ENABLED ]] || echo "-cpu" >"$CG_ENABLED" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
[[ $EUID -eq 0 ]] || { echo "bench/exporter_soak.sh: needs root" >&2; exit 1; }
[[ -x $CHURN ]] || { echo "bench/exporter_soak.sh: $CHURN missing (make test-bins)" >&2; exit 1; }
[[ -z $BASE || -x $BASE ]] || { echo "bench/exporter_soak.sh: $BASE is not executable" >&2; exit 1; }
mkdir -p "$OUT"

free_port() {
	local p
	for ((p = 20000 + RANDOM % 20000; ; p++)); do
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
}
stats() { sort -n | awk '{ v[NR] = $1 * 1000 } END { printf "%.2f %.2f\n", v[int((NR + 1) / 2)], v[NR] }'; }
url() { echo "http://127.0.0.1:${EXP_PORT[$1]}/metrics"; }

# start TAG BINARY
start() {
	local tag=$1 bin=$2 i
	EXP_PORT[$tag]=$(free_port)
	"$bin" exporter --by location,reason,netns --listen "127.0.0.1:${EXP_PORT[$tag]}" \
		2>"$WORK/$tag.err" &
	EXP_PID[$tag]=$!
	for ((i = 0; i < 100; i++)); do
		curl -s -o /dev/null --max-time 1 "$(url "$tag")" && return 0
		sleep 0.1
	done
	echo "bench/exporter_soak.sh: $tag exporter did not answer" >&2
	cat "$WORK/$tag.err" >&2
	exit 1
}

# The drops map's rows in the kernel, found through the exporter's descriptors.
kernel_rows() {
	local f id rows=?
	for f in /proc/"$1"/fdinfo/*; do
		id=$(awk '$1 == "map_id:" { print $2 }' "$f" 2>/dev/null)
		[[ -n $id ]] || continue
		if bpftool -j map show id "$id" 2>/dev/null | jq -e '.name == "drops"' >/dev/null; then
			rows=$(bpftool -j map dump id "$id" 2>/dev/null | jq length)
		fi
	done
	echo "$rows"
}

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
met() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "met" : "MISSED" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }

# cg_setup: make $CG/system.slice and $CG/kubepods.slice with the cpu
# controller; returns 1 when this machine cannot.
cg_setup() {
	local m
	if [[ -f /sys/fs/cgroup/cpu/cpu.shares ]]; then
		CG=/sys/fs/cgroup/cpu/dssoak-$$
	else
		m=$(findmnt -t cgroup2 -n -o TARGET | head -n 1)
		[[ -n $m ]] && grep -qw cpu "$m/cgroup.controllers" 2>/dev/null || return 1
		if ! grep -qw cpu "$m/cgroup.subtree_control"; then
			echo "+cpu" >"$m/cgroup.subtree_control" 2>/dev/null || return 1
			CG_ENABLED=$m/cgroup.subtree_control
		fi
		CG=$m/dssoak-$$
	fi
	mkdir "$CG" || { CG=; return 1; }
	[[ ! -f $CG/cgroup.subtree_control ]] || echo "+cpu" >"$CG/cgroup.subtree_control" || return 1
	mkdir "$CG/system.slice" "$CG/kubepods.slice" || return 1
}
# cg_put PID NAME: move a process into one of the run's cgroups.
cg_put() { echo "$1" >"$CG/$2/cgroup.procs"; }

chrt -f 50 true 2>/dev/null || { echo "bench/exporter_soak.sh: chrt -f refused (needs SCHED_FIFO)" >&2; exit 1; }

# soak LAYOUT (node | one): fresh exporters, one churn, one report section.
soak() {
local layout=$1 tag k n c0 c1 w0 w1 secs t0 i
local -a churn_pre=()
TAGS=(new)
start new "$DS"
if [[ -n $BASE ]]; then
	TAGS+=(baseline)
	start baseline "$BASE"
fi
if [[ $layout == node ]]; then
	for tag in "${TAGS[@]}"; do
		cg_put "${EXP_PID[$tag]}" system.slice
	done
	churn_pre=(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG/kubepods.slice")
fi
# scrape_once TAG KIND: one timed scrape, plain or fifo (chrt -f 50 curl):
# "KIND curl-seconds handler-seconds".
scrape_once() {
	local pre=() t h
	[[ $2 == fifo ]] && pre=(chrt -f 50)
	t=$("${pre[@]}" curl -s -o "$WORK/$1.body" -w '%{time_total}' --max-time 5 "$(url "$1")") || t=5
	h=$(awk '$1 == "dropscope_scrape_duration_seconds" { print $2 }' "$WORK/$1.body" 2>/dev/null)
	echo "$2 $t ${h:-0}"
}
# schedstat PID: CPU ns, run-queue wait ns.
schedstat() { awk '{ print $1, $2 }' /proc/"$1"/schedstat; }
declare -gA S0=()
for tag in "${TAGS[@]}"; do
	(
		k=plain
		while :; do
			scrape_once "$tag" "$k"
			[[ $k == plain ]] && k=fifo || k=plain
			sleep 0.5
		done
	) >"$WORK/$tag.during" &
	LOOP_PID[$tag]=$!
	S0[$tag]=$(schedstat "${EXP_PID[$tag]}")
done
t0=$(date +%s)
"${churn_pre[@]}" "$CHURN" -n "$NSN" -d 3 -P 64 -t 1200 | tail -n 1 >"$WORK/churn.txt"
secs=$(($(date +%s) - t0))
declare -gA CPU=() WAIT=()
for tag in "${TAGS[@]}"; do
	kill -TERM "${LOOP_PID[$tag]}" 2>/dev/null || true
	wait "${LOOP_PID[$tag]}" 2>/dev/null || true
	unset "LOOP_PID[$tag]"
	read -r c1 w1 < <(schedstat "${EXP_PID[$tag]}")
	read -r c0 w0 <<<"${S0[$tag]}"
	n=$(wc -l <"$WORK/$tag.during")
	CPU[$tag]=$(awk -v d=$((c1 - c0)) -v n="$n" 'BEGIN { printf "%.2f", n ? d / n / 1e6 : 0 }')
	WAIT[$tag]=$(awk -v d=$((w1 - w0)) -v n="$n" 'BEGIN { printf "%.2f", n ? d / n / 1e6 : 0 }')
done
sleep 2

declare -gA RSS=() HWM=() ANON=() FILE=() DMED=() DMAX=() AMED=() AMAX=() ROWS=() FMED=() FMAX=() HMED=() HMAX=() NP=() NF=()
for tag in "${TAGS[@]}"; do
	read -r DMED[$tag] DMAX[$tag] < <(awk '$1 == "plain" { print $2 }' "$WORK/$tag.during" | stats)
	read -r FMED[$tag] FMAX[$tag] < <(awk '$1 == "fifo" { print $2 }' "$WORK/$tag.during" | stats)
	read -r HMED[$tag] HMAX[$tag] < <(awk '{ print $3 }' "$WORK/$tag.during" | stats)
	NP[$tag]=$(grep -c '^plain' "$WORK/$tag.during")
	NF[$tag]=$(grep -c '^fifo' "$WORK/$tag.during")
	for ((i = 0; i < 100; i++)); do
		curl -s -o /dev/null -w '%{time_total}\n' "$(url "$tag")"
	done >"$WORK/$tag.after"
	read -r AMED[$tag] AMAX[$tag] < <(stats <"$WORK/$tag.after")
	curl -s "$(url "$tag")" >"$WORK/$tag.m"
	RSS[$tag]=$(awk '$1 == "VmRSS:" { print $2 }' /proc/"${EXP_PID[$tag]}"/status)
	HWM[$tag]=$(awk '$1 == "VmHWM:" { print $2 }' /proc/"${EXP_PID[$tag]}"/status)
	ANON[$tag]=$(awk '$1 == "RssAnon:" { print $2 }' /proc/"${EXP_PID[$tag]}"/status)
	FILE[$tag]=$(awk '$1 == "RssFile:" { print $2 }' /proc/"${EXP_PID[$tag]}"/status)
	[[ -z ${BENCH_SOAK_SMAPS:-} ]] || cp /proc/"${EXP_PID[$tag]}"/smaps "$BENCH_SOAK_SMAPS.$tag"
	ROWS[$tag]=$(kernel_rows "${EXP_PID[$tag]}")
done
{
	if [[ $layout == node ]]; then
		echo "== node layout: the churn in $CG/kubepods.slice, the exporter in $CG/system.slice (default weights)"
	else
		echo "== one cgroup: the exporter and the churn's tasks side by side in the bench's own cgroup"
	fi
	echo "$(cat "$WORK/churn.txt") in ${secs} s (64 alive at once), load average $(cut -d' ' -f1-3 /proc/loadavg)."
	for tag in "${TAGS[@]}"; do
		[[ ${#TAGS[@]} -eq 1 ]] || echo "[$tag] $([[ $tag == new ]] && echo "$DS" || echo "$BASE")"
		echo "after the churn: RSS $(mb "${RSS[$tag]}") MB (peak $(mb "${HWM[$tag]}") MB; anonymous $(mb "${ANON[$tag]}"), files $(mb "${FILE[$tag]}")), kernel table rows ${ROWS[$tag]}, series $(val "$tag" dropscope_series)"
		echo "rows freed $(val "$tag" dropscope_table_rows_freed_total), series evicted $(val "$tag" dropscope_series_evicted_total), folded $(val "$tag" dropscope_series_folded_total), table overflow $(val "$tag" dropscope_table_overflow_total)"
		echo "scrape ms during the churn, plain curl (${NP[$tag]}): median ${DMED[$tag]}, max ${DMAX[$tag]}; SCHED_FIFO curl (${NF[$tag]}): median ${FMED[$tag]}, max ${FMAX[$tag]}; after (100, plain): median ${AMED[$tag]}, max ${AMAX[$tag]}"
		echo "during the churn, the exporter's own handler: median ${HMED[$tag]} ms, max ${HMAX[$tag]}; per scrape, its CPU ${CPU[$tag]} ms and run-queue wait ${WAIT[$tag]} ms (schedstat, all its work)"
	done
	if [[ -n $BASE ]]; then
		echo "new / baseline, same machine, same churn: RSS $(ratio "${RSS[new]}" "${RSS[baseline]}"), scrape median during: plain $(ratio "${DMED[new]}" "${DMED[baseline]}"), FIFO client $(ratio "${FMED[new]}" "${FMED[baseline]}"), handler $(ratio "${HMED[new]}" "${HMED[baseline]}"), CPU per scrape $(ratio "${CPU[new]}" "${CPU[baseline]}"); after $(ratio "${AMED[new]}" "${AMED[baseline]}")"
	fi
	TARGETS+=("  [$(met "${RSS[new]}" 12288)] RSS after the churn < 12 MB ($LNAME): ${RSS[new]} kB")
	TARGETS+=("  [$(met "${FMED[new]}" 10)] scrape during the churn < 10 ms (median, SCHED_FIFO client; $LNAME): ${FMED[new]} ms (max ${FMAX[new]}; plain curl: median ${DMED[new]}, max ${DMAX[new]})")
} >>"$WORK/report"
stop_all
}

val() { awk -v m="$2" '$1 == m { print $2 }' "$WORK/$1.m"; }
TARGETS=()
echo "dropscope exporter soak, $(date -u +%Y-%m-%dT%H:%M:%SZ): kernel $(uname -r), $(nproc) CPUs." >"$WORK/report"
echo "namespaces per layout $NSN (64 alive at once), --by location,reason,netns, scraped every 0.5 s." >>"$WORK/report"
if cg_setup; then
	LNAME="node layout"
	soak node
else
	echo "== node layout: not run (no cgroup cpu controller to make the two groups with)" >>"$WORK/report"
fi
LNAME="one cgroup"
soak one
{
	cat "$WORK/report"
	echo "Targets (reported, not enforced):"
	printf '%s\n' "${TARGETS[@]}"
} | tee "$OUT/exporter-soak.txt"
