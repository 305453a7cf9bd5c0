#!/bin/bash
# Ethernet frames with somebody else's destination MAC, sent with AF_PACKET
# from a veth in a second namespace to its peer in the test namespace: IP
# drops them as OTHERHOST (ip_rcv_core / ip6_rcv_core). Ground truth: the
# receiving device's own rx otherhost counter (rx_otherhost_dropped).
. "$(dirname "$0")/lib.sh"
require jq
INJECT=$(tool inject) || exit 1

N4=41
N6=19
LOC4='ip_rcv_core|ip_rcv'
LOC6='ip6_rcv_core|ipv6_rcv'
ns_add NS a
ns_add NI inj
veth_add "$NI" dsi0 "$NS" dsr0

otherhost()
{
	ip -n "$NS" -j -s -s link show dsr0 | jq '.[0].stats64.rx.otherhost // 0'
}
oh0=$(otherhost)

ds_start main --netns "/run/netns/$NS" -r --symbols=data -i 3600 || finish
nsx "$NI" "$INJECT" -i dsi0 -m otherhost -n $N4 >/dev/null || fail "inject IPv4"
nsx "$NI" "$INJECT" -i dsi0 -m otherhost -6 -n $N6 >/dev/null || fail "inject IPv6"
sleep 0.3
oh=$(($(otherhost) - oh0))
ds_stop main

ds_check_stopped main
OUT=$T/main.out
check_eq "dsr0 rx otherhost delta" $((N4 + N6)) "$oh"
check_eq "OTHERHOST IPv4 ($LOC4)" $N4 "$(ds_sum "$OUT" "$LOC4" OTHERHOST)" || show "$OUT"
check_eq "OTHERHOST IPv6 ($LOC6)" $N6 "$(ds_sum "$OUT" "$LOC6" OTHERHOST)" || show "$OUT"
check_eq "OTHERHOST total" "$oh" "$(ds_sum_reason "$OUT" OTHERHOST)"
check_only "$OUT" $((N4 + N6))
finish
