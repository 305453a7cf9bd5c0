#!/bin/bash
# Standard descriptors closed at start are opened on /dev/null first:
# `dropscope events -w F >&-` must not take fd 1 for F, so F is a
# valid capture of the N packets sent (capinfos) with no text line in it,
# and the run exits 0. Ground truth: what was sent, UdpNoPorts, capinfos.
. "$(dirname "$0")/lib.sh"
require nstat capinfos
[[ $BACKEND == tp_btf ]] || skip "not about the backend: runs once, with tp_btf"
UDPSEND=$(tool udpsend) || exit 1

N=9
ns_add NS a
F=$T/cap.pcapng
"${DS_ENV[@]}" "$DROPSCOPE" events --backend="$BACKEND" --ready-file "$T/ready" \
	--netns "/run/netns/$NS" -w "$F" >&- 2>"$T/ds.err" &
PID=$!
PIDS+=("$PID")
for ((i = 0; i < 100; i++)); do
	[[ -e $T/ready ]] && break
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
check_true "dropscope ready" test -e "$T/ready" || show "$T/ds.err"
v0=$(snmp "$NS" UdpNoPorts)
nsx "$NS" "$UDPSEND" -n $N 127.0.0.1 9 >/dev/null || fail "udpsend"
v=$(($(snmp "$NS" UdpNoPorts) - v0))
sleep 0.3
kill -INT "$PID"
wait "$PID"
check_eq "exit status" 0 "$?" || show "$T/ds.err"
check_eq "UdpNoPorts delta" $N "$v"
check_eq "capinfos: packets" $N \
	"$(capinfos -M -c "$F" 2>/dev/null | awk -F': *' '/Number of packets/ { print $2 }')"
check_eq "no text line in the capture" 0 "$(grep -ac ' netns [0-9]* lo UDP ' "$F")"
finish
