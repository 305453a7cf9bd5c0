#!/bin/bash
# A full count table loses no drop: with --max-keys 1 the first key
# (IPv4 UDP) is counted per location and everything after it is counted
# as "not counted", in text and JSON alike. Ground truth: UdpNoPorts and
# Udp6NoPorts.
. "$(dirname "$0")/lib.sh"
require nstat jq
UDPSEND=$(tool udpsend) || exit 1

N4=17
N6=11
ns_add NS a

ds_start text --netns "/run/netns/$NS" --max-keys 1 -i 3600 || finish
ds_start json --netns "/run/netns/$NS" --max-keys 1 --json -i 3600 || finish
v4_0=$(snmp "$NS" UdpNoPorts)
v6_0=$(snmp "$NS" Udp6NoPorts)
# IPv4 first, all of it: its key takes the only row.
nsx "$NS" "$UDPSEND" -n $N4 127.0.0.1 9 >/dev/null || fail "udpsend IPv4"
nsx "$NS" "$UDPSEND" -n $N6 ::1 9 >/dev/null || fail "udpsend IPv6"
v4=$(($(snmp "$NS" UdpNoPorts) - v4_0))
v6=$(($(snmp "$NS" Udp6NoPorts) - v6_0))
sleep 0.3
ds_stop text
ds_stop json

ds_check_stopped text
check_eq "json: exit status after SIGINT" 0 "${DSRC[json]:-none}"
check_eq "json: every line is an object" "$(wc -l <"$T/json.out")" "$(jq -c . "$T/json.out" | wc -l)"
check_eq "UdpNoPorts delta" $N4 "$v4"
check_eq "Udp6NoPorts delta" $N6 "$v6"

OUT=$T/text.out
check_eq "__udp4_lib_rcv counted" "$v4" "$(ds_sum "$OUT" __udp4_lib_rcv '-')" || show "$OUT"
not_counted=$(sed -n 's/^\([0-9]*\) packets dropped at locations not counted (count table full or busy; raise --max-keys)$/\1/p' "$OUT")
check_eq "text: not counted (table full)" "$v6" "${not_counted:-0}" || show "$OUT"

J=$T/json.out
check_eq "json: counted" "$v4" "$(jq -s '[.[].entries[].count] | add // 0' "$J")" || show "$J"
check_eq "json: not_counted" "$v6" "$(jq -s '[.[].not_counted] | add' "$J")" || show "$J"
finish
