#!/bin/bash
# UDP datagrams to a closed port on loopback, IPv4 and IPv6: every one is
# dropped as NO_SOCKET at __udp4_lib_rcv / __udp6_lib_rcv. Ground truth:
# the namespace's own UdpNoPorts / Udp6NoPorts counters.
. "$(dirname "$0")/lib.sh"
require nstat jq
UDPSEND=$(tool udpsend) || exit 1

N4=37
N6=23
ns_add NS a

ds_start main --netns "/run/netns/$NS" -r --symbols=data -i 3600 || finish
v4_0=$(snmp "$NS" UdpNoPorts)
v6_0=$(snmp "$NS" Udp6NoPorts)
nsx "$NS" "$UDPSEND" -n $N4 127.0.0.1 9 >/dev/null || fail "udpsend IPv4"
nsx "$NS" "$UDPSEND" -n $N6 ::1 9 >/dev/null || fail "udpsend IPv6"
v4=$(($(snmp "$NS" UdpNoPorts) - v4_0))
v6=$(($(snmp "$NS" Udp6NoPorts) - v6_0))
sleep 0.3
ds_stop main

ds_check_stopped main
OUT=$T/main.out
check_eq "UdpNoPorts delta" $N4 "$v4"
check_eq "Udp6NoPorts delta" $N6 "$v6"
check_eq "__udp4_lib_rcv NO_SOCKET" "$v4" "$(ds_sum "$OUT" __udp4_lib_rcv NO_SOCKET)" || show "$OUT"
check_eq "__udp6_lib_rcv NO_SOCKET" "$v6" "$(ds_sum "$OUT" __udp6_lib_rcv NO_SOCKET)" || show "$OUT"
check_only "$OUT" $((N4 + N6))
finish
