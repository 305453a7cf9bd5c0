#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# --by workload with many workloads (part of `make bench`; alone: bash
# bench/workload.sh after `make test-bins`): BENCH_WORKLOADS (1,000)
# containers laid out as docker lays them out (a cgroup
# system.slice/docker-ID.scope under the cgroup2 mount, its
# config.v2.json with the name below a --workload-root), each a sender in
# a network namespace of its own (unshare -n) that makes 3 NO_SOCKET drops
# from inside its cgroup. Side by side, on the same drops: dropscope
# --by workload and dropscope --by netns (the same kernel key but the
# cgroup, no names), both --json -i 2. Then each one's RSS (now and peak)
# and CPU time, and how many of the containers the workload run named.
# Writes $BENCH_OUT/workload.txt (default bench/results).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DS=$ROOT/dropscope
UDPSEND=$ROOT/build/tools/udpsend
OUT=${BENCH_OUT:-$ROOT/bench/results}
N=${BENCH_WORKLOADS:-1000}
WORK=$(mktemp -d /tmp/dswl.XXXXXX)
CG=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
BASE=
declare -A PID=()

cleanup() {
	local p d
	for p in "${PID[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [[ -n $BASE && -d $BASE ]]; then
		for d in "$BASE"/system.slice/*/ "$BASE/system.slice" "$BASE"; do
			[[ -d $d ]] && rmdir "$d" 2>/dev/null || true
		done
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
[[ $EUID -eq 0 ]] || { echo "bench/workload.sh: needs root" >&2; exit 1; }
[[ -x $UDPSEND ]] || { echo "bench/workload.sh: $UDPSEND missing (make test-bins)" >&2; exit 1; }
[[ -n $CG && -w $CG ]] || { echo "bench/workload.sh: no writable cgroup2 mount" >&2; exit 1; }
mkdir -p "$OUT"
BASE=$CG/dsbench-wl-$$
mkdir -p "$BASE/system.slice"

# The containers: cgroup and state file each.
ids=()
for ((i = 0; i < N; i++)); do
	id=$(printf 'b%015x%048x' "$$" "$i")
	ids+=("$id")
	mkdir "$BASE/system.slice/docker-$id.scope"
	mkdir -p "$WORK/root/var/lib/docker/containers/$id"
	printf '{"ID":"%s","Name":"/wl-%d"}' "$id" "$i" >"$WORK/root/var/lib/docker/containers/$id/config.v2.json"
done

start() { # TAG ARGS...
	local tag=$1 i
	shift
	"$DS" "$@" --json -i 2 --ready-file "$WORK/$tag.ready" >"$WORK/$tag.json" 2>"$WORK/$tag.err" &
	PID[$tag]=$!
	for ((i = 0; i < 100; i++)); do
		[[ -e $WORK/$tag.ready ]] && return 0
		sleep 0.1
	done
	echo "bench/workload.sh: dropscope $* not ready: $(cat "$WORK/$tag.err")" >&2
	exit 1
}
start wl --by workload --workload-root "$WORK/root"
start ns --by netns

t0=$(date +%s.%N)
for ((i = 0; i < N; i++)); do
	(echo "$BASHPID" >"$BASE/system.slice/docker-${ids[i]}.scope/cgroup.procs" &&
		exec unshare -n sh -c "ip link set lo up && exec $UDPSEND -n 3 127.0.0.1 9") >/dev/null
done
t1=$(date +%s.%N)
sleep 5 # two intervals: every row read and named

kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/${PID[$1]}/status"; }
cpu() { awk '{ printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"' }' "/proc/${PID[$1]}/stat"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
declare -A RSS HWM CPU
for tag in wl ns; do
	RSS[$tag]=$(kb "$tag" VmRSS)
	HWM[$tag]=$(kb "$tag" VmHWM)
	CPU[$tag]=$(cpu "$tag")
done
for tag in wl ns; do
	kill -INT "${PID[$tag]}"
	wait "${PID[$tag]}" || true
	unset "PID[$tag]"
done
named=$(jq -r '.entries[]?.workload // empty' "$WORK/wl.json" | grep -c '^container=wl-[0-9]*$' || true)
distinct=$(jq -r '.entries[]?.workload // empty' "$WORK/wl.json" | grep '^container=wl-[0-9]*$' | sort -u | wc -l)
drops=$(jq -s '[.[].entries[]? | select(.workload // "" | test("^container=wl-[0-9]+$")) | .count] | add // 0' "$WORK/wl.json")
{
	echo "dropscope --by workload with $N workloads, $(date -u +%Y-%m-%dT%H:%M:%SZ): kernel $(uname -r), $(nproc) CPUs."
	echo "$N docker-layout containers (cgroup + config.v2.json), each a sender in its own netns: 3 NO_SOCKET drops; senders took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s."
	echo "named by --by workload: $distinct distinct of $N (rows $named, drops $drops of $((3 * N)))"
	printf '%-26s %9s %9s %8s\n' "" "RSS MB" "peak MB" "CPU s"
	printf '%-26s %9s %9s %8s\n' "dropscope --by workload" "$(mb "${RSS[wl]}")" "$(mb "${HWM[wl]}")" "${CPU[wl]}"
	printf '%-26s %9s %9s %8s\n' "dropscope --by netns" "$(mb "${RSS[ns]}")" "$(mb "${HWM[ns]}")" "${CPU[ns]}"
	echo "Both ran at once on the same drops (CPU: user+system over the whole run, start-up included)."
} | tee "$OUT/workload.txt"
