#!/bin/bash
# dropscope must not take the tracepoint away from other users: while it is
# attached, `perf stat -e skb:kfree_skb` still counts every drop. (A classic
# tracepoint program that returned 0 would make the kernel skip perf's own
# events for each hit.) Ground truth: UdpNoPorts.
. "$(dirname "$0")/lib.sh"
require nstat perf
UDPSEND=$(tool udpsend) || exit 1

N=301
ns_add NS a

ds_start main --netns "/run/netns/$NS" -i 3600 || finish
v0=$(snmp "$NS" UdpNoPorts)
perf stat -e skb:kfree_skb -a -x, -o "$T/perf.txt" -- \
	ip netns exec "$NS" "$UDPSEND" -n $N 127.0.0.1 9 >/dev/null 2>"$T/perf.err" ||
	fail "perf stat: $(tail -n 1 "$T/perf.err")"
v=$(($(snmp "$NS" UdpNoPorts) - v0))
sleep 0.3
ds_stop main

ds_check_stopped main
check_eq "UdpNoPorts delta" $N "$v"
check_eq "dropscope count" "$v" "$(ds_total "$T/main.out")" || show "$T/main.out"
# perf counts the whole machine: at least our drops, never fewer.
pc=$(awk -F, '$3 == "skb:kfree_skb" { print $1 }' "$T/perf.txt")
check_true "perf stat saw all $v drops (got ${pc:-none})" test "${pc:-0}" -ge "$v" || show "$T/perf.txt"
finish
