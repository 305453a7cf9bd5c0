#!/bin/bash
# A UDP socket that does not read while datagrams arrive: once its receive
# buffer is full the rest is dropped as SOCKET_RCVBUFF. count = sent -
# received. Ground truth: the socket's own drop counter (SO_RXQ_OVFL, which
# the rcvbuf tool checks against sent - received) and the namespace's
# UdpRcvbufErrors / Udp6RcvbufErrors.
. "$(dirname "$0")/lib.sh"
require nstat jq
RCVBUF=$(tool rcvbuf) || exit 1

N=150
LOC4='udp_queue_rcv_one_skb|__udp_queue_rcv_skb|udp_queue_rcv_skb'
LOC6='udpv6_queue_rcv_one_skb|__udpv6_queue_rcv_skb|udpv6_queue_rcv_skb'
ns_add NS a

ds_start main --netns "/run/netns/$NS" -r --symbols=data -i 3600 || finish
e4_0=$(snmp "$NS" UdpRcvbufErrors)
e6_0=$(snmp "$NS" Udp6RcvbufErrors)
r4=$(nsx "$NS" "$RCVBUF" -n $N -l 1000 -b 8192 127.0.0.1) || fail "rcvbuf IPv4: $r4"
r6=$(nsx "$NS" "$RCVBUF" -n $N -l 1000 -b 8192 ::1) || fail "rcvbuf IPv6: $r6"
e4=$(($(snmp "$NS" UdpRcvbufErrors) - e4_0))
e6=$(($(snmp "$NS" Udp6RcvbufErrors) - e6_0))
sleep 0.3
ds_stop main

log "rcvbuf IPv4: $r4"
log "rcvbuf IPv6: $r6"
# "sent S received R dropped D sk_drops K"
d4=$(awk '{ print $6 }' <<<"$r4")
d6=$(awk '{ print $6 }' <<<"$r6")
check_true "some IPv4 datagrams were dropped and some received" \
	awk '$6 > 0 && $4 > 0 { ok = 1 } END { exit !ok }' <<<"$r4"
check_true "some IPv6 datagrams were dropped and some received" \
	awk '$6 > 0 && $4 > 0 { ok = 1 } END { exit !ok }' <<<"$r6"
check_eq "UdpRcvbufErrors delta" "$d4" "$e4"
check_eq "Udp6RcvbufErrors delta" "$d6" "$e6"

ds_check_stopped main
OUT=$T/main.out
check_eq "SOCKET_RCVBUFF IPv4 ($LOC4)" "$d4" "$(ds_sum "$OUT" "$LOC4" SOCKET_RCVBUFF)" || show "$OUT"
check_eq "SOCKET_RCVBUFF IPv6 ($LOC6)" "$d6" "$(ds_sum "$OUT" "$LOC6" SOCKET_RCVBUFF)" || show "$OUT"
log "SOCKET_RCVBUFF reported at: $(ds_funcs "$OUT" SOCKET_RCVBUFF)"
check_only "$OUT" $((d4 + d6))
finish
