#!/bin/bash
# Events mode with --rate under a flood: 20000 UDP datagrams as fast as the
# sender can, over the veth pair to a closed port, with --rate 1000. The
# accounting must be exact:
#   drops counted = datagrams sent = NSB's UdpNoPorts delta (the kernel's
#                   own count of them)
#   events printed + over --rate + lost = drops counted, nothing filtered
#   lines on stdout (wc -l) = events printed
# and --rate must have done something: some events over --rate, and no
# more printed than the token bucket allows (1000 at start, then 1000/s;
# 10% slack for the bucket's documented cross-CPU races).
. "$(dirname "$0")/events_lib.sh"
require nstat jq
UDPSEND=$(tool udpsend) || exit 1

N=20000
RATE=1000
ev_pair

ev_start main "$T/main.out" --netns "/run/netns/$NSB" --rate $RATE || finish
v4_0=$(snmp "$NSB" UdpNoPorts)
t0=$(date +%s.%N)
ev_send P "$NSA" "$UDPSEND" -n $N -l 16 -s $SPORT -t 60 $IPB 9
v4=$(($(snmp "$NSB" UdpNoPorts) - v4_0))
ev_settle
ev_stop main
t1=$(date +%s.%N)

OUT=$T/main.out
check_eq "udpsend" "sent $N" "$(cat "$T/P.out")"
check_eq "UdpNoPorts delta (kernel)" $N "$v4"
read -r counted printed filtered over lost <<<"$(ev_accounting "$T/main.err")"
check_eq "drops counted = datagrams sent" $N "${counted:-none}" || show "$T/main.err"
check_eq "printed + over --rate + lost = drops counted" "${counted:-none}" \
	"$((${printed:-0} + ${over:-0} + ${lost:-0}))"
check_eq "filtered by expression" 0 "${filtered:-none}"
check_eq "lines on stdout = events printed" "${printed:-none}" "$(ev_lines "$OUT")"
check_eq "lines that are not one of the datagrams" 0 "$(grep -cvE \
	"^[0-9:.]+ cpu[0-9]+ [^ ]+ netns $NETNS_B $VB UDP $(ev_re "$IPA:$SPORT > $IPB:9") len 58 NO_SOCKET __udp4_lib_rcv\+" \
	"$OUT")"
check_true "some events over --rate (${over:-none})" test "${over:-0}" -gt 0
max=$(awk -v a="$t0" -v b="$t1" -v r=$RATE 'BEGIN { printf "%d\n", (r + r * (b - a)) * 1.1 }')
check_true "events printed (${printed:-none}) within the rate's bound ($max)" \
	test "${printed:-0}" -le "$max"
log "flood: $N sent in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s," \
	"printed ${printed:-?}, over --rate ${over:-?}, lost ${lost:-?}"
finish
