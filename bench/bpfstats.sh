#!/bin/bash
# bench/bpfstats.sh REPS DROPSCOPE... : the kernel's own run time of each
# build's kfree_skb program over an OTHERHOST flood, builds alternated, REPS
# rounds: bpf_stats' run_time_ns / run_cnt (kernel.bpf_stats_enabled on for
# the measurement, restored after), which counts the program and nothing
# else, so two builds compare in the same minutes even on a busy machine.
# Each build runs `--netns NS --json` on CPU 1, the flood (build/bench/flood,
# `make bench` builds it) on CPU 0 for 2 s. Prints "BUILD runs N ns/run".
# Used for bench/README.md's side-by-side figures (issue 20).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FLOOD=$ROOT/build/bench/flood
REPS=${1:-}
shift || true
[[ $REPS =~ ^[1-9][0-9]*$ && $# -gt 0 ]] || {
	echo "usage: bench/bpfstats.sh REPS DROPSCOPE..." >&2
	exit 2
}
[[ $EUID -eq 0 ]] || { echo "bpfstats.sh: needs root" >&2; exit 1; }
[[ -x $FLOOD ]] || { echo "bpfstats.sh: $FLOOD missing: run 'make bench'" >&2; exit 1; }
NS=dsbpfstats$$
WORK=$(mktemp -d /tmp/dsbpfstats.XXXXXX)
OLD=$(sysctl -n kernel.bpf_stats_enabled)
PID=
cleanup()
{
	[[ -n $PID ]] && kill -INT "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	sysctl -qw kernel.bpf_stats_enabled="$OLD"
	ip netns del "$NS" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add "$NS" || exit 1
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS" link set lo up
ip -n "$NS" link add fl0 type veth peer name fl1
ip -n "$NS" link set fl0 up
ip -n "$NS" link set fl1 up
sysctl -qw kernel.bpf_stats_enabled=1

# "run_time_ns run_cnt" of program id $1 (0 0 before its first run).
stats() { bpftool prog show id "$1" -j | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"'; }

for ((r = 0; r < REPS; r++)); do
	for ds in "$@"; do
		rm -f "$WORK/ready"
		taskset -c 1 "$ds" --netns "/run/netns/$NS" --json --ready-file "$WORK/ready" \
			>/dev/null 2>"$WORK/err" &
		PID=$!
		for ((i = 0; i < 100; i++)); do
			[[ -e $WORK/ready ]] && break
			sleep 0.05
		done
		[[ -e $WORK/ready ]] || { echo "$ds: not ready: $(head -c 300 "$WORK/err")" >&2; exit 1; }
		# The newest program of that name: ours (bpftool here shows no pids).
		id=$(bpftool prog show -j | jq -r '[.[] | select(.name == "kfree_skb_btf") | .id] | max')
		read -r t0 c0 <<<"$(stats "$id")"
		"$FLOOD" otherhost --netns "$NS" --seconds 2 --cpu 0 >/dev/null
		read -r t1 c1 <<<"$(stats "$id")"
		kill -INT "$PID"
		wait "$PID"
		PID=
		echo "$ds runs $((c1 - c0)) $(echo "scale=1; ($t1 - $t0) / ($c1 - $c0)" | bc) ns/run"
	done
done
