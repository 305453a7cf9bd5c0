#!/bin/bash
# --folded under a flood of 1M UDP datagrams to a closed port (two senders
# in parallel, bounded by count and by a 60 s timeout each): the counts of
# the folded lines sum to exactly the namespace's UdpNoPorts delta, every
# line is "frames COUNT" (no header or footer), and each line ends with the
# location function.
. "$(dirname "$0")/lib.sh"
require nstat
UDPSEND=$(tool udpsend) || exit 1

HALF=500000
ns_add NS a

ds_start main --folded --netns "/run/netns/$NS" -i 3600 || finish
u0=$(snmp "$NS" UdpNoPorts)
start=$SECONDS
nsx "$NS" "$UDPSEND" -n $HALF -l 0 -t 60 127.0.0.1 9 >"$T/s1" &
s1=$!
nsx "$NS" "$UDPSEND" -n $HALF -l 0 -t 60 127.0.0.1 9 >"$T/s2" &
s2=$!
PIDS+=("$s1" "$s2")
wait "$s1" || fail "udpsend 1: $(cat "$T/s1")"
wait "$s2" || fail "udpsend 2: $(cat "$T/s2")"
log "flood of $((2 * HALF)) datagrams took $((SECONDS - start)) s"
sleep 0.3
u=$(($(snmp "$NS" UdpNoPorts) - u0))
ds_stop main

OUT=$T/main.out
check_eq "exit status after SIGINT" 0 "${DSRC[main]}" || show "$T/main.err"
check_eq "UdpNoPorts delta" $((2 * HALF)) "$u"
check_true "output is not empty" test -s "$OUT"
check_eq "lines not matching 'frames COUNT'" 0 "$(grep -cvE '^[^ ]+ [0-9]+$' "$OUT")" || show "$OUT"
check_eq "sum of folded counts" "$u" "$(awk '{ s += $NF } END { print s + 0 }' "$OUT")" || show "$OUT"
check_eq "lines whose last frame is not __udp4_lib_rcv" 0 \
	"$(awk '{ n = split($1, f, ";"); if (f[n] != "__udp4_lib_rcv") c++ } END { print c + 0 }' "$OUT")" ||
	show "$OUT"
check_eq "lines with a pseudo-frame (key=value) without --by" 0 "$(grep -c '^[a-z_]*=' "$OUT")"
finish
