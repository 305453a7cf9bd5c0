#!/bin/bash
# TCP connect() to a closed port on loopback, IPv4 and IPv6: each attempt
# sends one SYN, which is answered with a RST and dropped as NO_SOCKET at
# tcp_v4_rcv / tcp_v6_rcv. Ground truth: the client sees ECONNREFUSED for
# every attempt, and the namespace's Tcp OutRsts and AttemptFails (shared
# by IPv4 and IPv6) grow by exactly the number of attempts.
. "$(dirname "$0")/lib.sh"
require nstat jq
TCPSYN=$(tool tcpsyn) || exit 1

N4=19
N6=13
ns_add NS a

ds_start main --netns "/run/netns/$NS" -r --symbols=data -i 3600 || finish
rst0=$(snmp "$NS" TcpOutRsts)
af0=$(snmp "$NS" TcpAttemptFails)
r4=$(nsx "$NS" "$TCPSYN" -n $N4 127.0.0.1 9) || fail "tcpsyn IPv4: $r4"
r6=$(nsx "$NS" "$TCPSYN" -n $N6 ::1 9) || fail "tcpsyn IPv6: $r6"
rst=$(($(snmp "$NS" TcpOutRsts) - rst0))
af=$(($(snmp "$NS" TcpAttemptFails) - af0))
sleep 0.3
ds_stop main

ds_check_stopped main
OUT=$T/main.out
check_eq "tcpsyn IPv4" "attempts $N4 refused $N4 connected 0 timeout 0 other 0" "$r4"
check_eq "tcpsyn IPv6" "attempts $N6 refused $N6 connected 0 timeout 0 other 0" "$r6"
check_eq "TcpOutRsts delta" $((N4 + N6)) "$rst"
check_eq "TcpAttemptFails delta" $((N4 + N6)) "$af"
check_eq "tcp_v4_rcv NO_SOCKET" $N4 "$(ds_sum "$OUT" tcp_v4_rcv NO_SOCKET)" || show "$OUT"
check_eq "tcp_v6_rcv NO_SOCKET" $N6 "$(ds_sum "$OUT" tcp_v6_rcv NO_SOCKET)" || show "$OUT"
check_only "$OUT" $((N4 + N6))
finish
