#!/bin/bash
# --rate below 1000/s under a paced stream (one drop a millisecond for
# about 3 s): the token bucket must keep refilling, so the events printed
# are near rate × (1 + seconds) — one second's burst, then the rate — not
# just the first burst. Ground truth for the total: UdpNoPorts.
. "$(dirname "$0")/events_lib.sh"
require nstat
UDPSEND=$(tool udpsend) || exit 1

RATE=50
N=3000
ev_pair

ev_start paced "$T/paced.out" --netns "/run/netns/$NSB" --rate $RATE || finish
v0=$(snmp "$NSB" UdpNoPorts)
t0=$(date +%s%N)
ev_send P "$NSA" "$UDPSEND" -n $N -s $SPORT -g 1000 $IPB 9
t1=$(date +%s%N)
ev_settle
ev_stop paced
sent=$(($(snmp "$NSB" UdpNoPorts) - v0))
check_eq "UdpNoPorts delta (kernel)" $N "$sent"

read -r counted printed filtered over lost <<<"$(ev_accounting "$T/paced.err")"
secs=$(((t1 - t0) / 1000000000))
low=$((RATE * (1 + secs) * 8 / 10))
high=$((RATE * (2 + secs)))
check_eq "drops counted = datagrams sent" "$sent" "${counted:-none}" || show "$T/paced.err"
check_eq "printed + over --rate + lost = counted" "$counted" $((printed + over + lost))
check_true "printed ($printed) at least 80% of rate x (1 + ${secs}s) = $low" test "${printed:-0}" -ge $low
check_true "printed ($printed) at most rate x (2 + ${secs}s) = $high" test "${printed:-0}" -le $high
check_eq "lines = events printed" "${printed:-none}" "$(ev_lines "$T/paced.out")"
finish
