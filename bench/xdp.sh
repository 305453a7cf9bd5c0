#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench` (after run.sh): what dropscope's XDP counting costs per packet.
# The otherhost flood (build/bench/flood) through a veth whose receiving end
# runs an XDP program: one that passes everything (each frame then dies in
# ip_rcv_core as OTHERHOST, as in run.sh), and one that drops every second
# frame (XDP_DROP on veth's skb path). Configurations, in turn per repetition:
# no tool, dropscope --no-xdp, dropscope (XDP counting on). The flood is
# pinned to CPU 0, dropscope to CPU 1; frames/s is the flood's send rate.
#
# Environment: BENCH_REPS (3), BENCH_SECONDS (3), BENCH_OUT (bench/results).
# Result: $BENCH_OUT/xdp.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
DS=${BENCH_DROPSCOPE:-$ROOT/dropscope}
REPS=${BENCH_REPS:-3}
SECS=${BENCH_SECONDS:-3}
OUT=${BENCH_OUT:-$ROOT/bench/results}
NS=dsbenchxdp$$
WORK=$(mktemp -d /tmp/dsbenchxdp.XXXXXX)
DSPID=

cleanup() {
	trap '' PIPE
	if [[ -n $DSPID ]] && kill -0 "$DSPID" 2>/dev/null; then
		kill -INT "$DSPID" 2>/dev/null || true
		wait "$DSPID" 2>/dev/null || true
	fi
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

for p in pass half; do
	if [[ $p == pass ]]; then body='return XDP_PASS;'; else
		body='return ++n & 1 ? XDP_DROP : XDP_PASS;'
	fi
	cat >"$WORK/$p.c" <<EOT
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
char LICENSE[] SEC("license") = "GPL";
static __u32 n;
SEC("xdp") int bench_$p(struct xdp_md *c) { $body }
EOT
	clang -O2 -g -target bpf -I"/usr/include/$(uname -m)-linux-gnu" -c "$WORK/$p.c" -o "$WORK/$p.o"
done

ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS" link set lo up
ip -n "$NS" link add fl0 type veth peer name fl1
ip -n "$NS" link set fl0 up
ip -n "$NS" link set fl1 up

# one PROG CONFIG: the flood's frames/s with that tool running.
one() {
	local rate
	DSPID=
	case $2 in
	none) ;;
	*)
		rm -f "$WORK/ready"
		local extra=()
		[[ $2 == ds-no-xdp ]] && extra=(--no-xdp)
		taskset -c 1 "$DS" -i 3600 --ready-file "$WORK/ready" "${extra[@]}" >/dev/null 2>&1 &
		DSPID=$!
		for ((i = 0; i < 100; i++)); do [[ -s $WORK/ready ]] && break; sleep 0.1; done
		;;
	esac
	rate=$(build/bench/flood otherhost --netns "$NS" --seconds "$SECS" --cpu 0 |
		sed -n 's/.* rate=\([0-9]*\) .*/\1/p')
	if [[ -n $DSPID ]]; then
		kill -INT "$DSPID"
		wait "$DSPID" || true
		DSPID=
	fi
	printf '%s\n' "$rate"
}

mkdir -p "$OUT"
{
	printf '# XDP counting cost: otherhost flood through a veth with an XDP program, %s x %ss\n' "$REPS" "$SECS"
	printf '# kernel %s; frames/s per run, then the median\n' "$(uname -r)"
	for p in pass half; do
		ip -n "$NS" link set dev fl1 xdpdrv obj "$WORK/$p.o" sec xdp
		declare -A r=()
		for ((rep = 0; rep < REPS; rep++)); do
			for c in none ds-no-xdp ds; do
				r[$c]+="$(one "$p" "$c") "
			done
		done
		for c in none ds-no-xdp ds; do
			med=$(tr ' ' '\n' <<<"${r[$c]}" | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
			printf 'xdp=%-5s %-10s %s median=%s\n' "$p" "$c" "${r[$c]}" "$med"
		done
		unset r
		ip -n "$NS" link set dev fl1 xdpdrv off
	done
} | tee "$OUT/xdp.txt"
