#!/bin/bash
# Events mode, text lines: UDP datagrams to a closed port over a veth pair
# between two namespaces, IPv4 and IPv6, from a fixed source port. Every
# field of every line is checked against what was sent or what the kernel
# says by other means:
#   time      within the wall-clock window of the sending
#   cpu       the CPU the sender was pinned to (taskset)
#   comm/pid  the sender's: veth_xmit() hands the packet to the receiving
#             device's backlog (netif_rx) and raises NET_RX; the softirq
#             then runs as soon as the sender's dev_queue_xmit() re-enables
#             bottom halves, still in the sender's task, on the same CPU.
#             So the drop's "current" task is the sender (udpsend/PID, PID
#             as started), which the tracepoint's own task column confirms.
#             (Under load the softirq may be deferred to ksoftirqd; a few
#             datagrams with gaps never get there.)
#   netns     the receiving namespace's inode (stat -L /run/netns/NAME)
#   device    the receiving veth's name
#   packet    UDP SRC:SPORT > DST:9, IPv6 addresses bracketed
#   len       14 + IP header (20 / 40) + 8 + payload
#   reason    NO_SOCKET
#   location  __udp4_lib_rcv+0x../0x.. / __udp6_lib_rcv+..., the very text
#             the tracepoint's %pS gives in a private tracefs instance
# and the count is exact: N sent = N lines = the namespace's NoPorts delta.
. "$(dirname "$0")/events_lib.sh"
require nstat jq taskset
UDPSEND=$(tool udpsend) || exit 1

N4=7
N6=5
PAY=100
CPU=$(($(nproc) - 1))
ev_pair
ev_trace_start

ev_start main "$T/main.out" --netns "/run/netns/$NSB" || finish
v4_0=$(snmp "$NSB" UdpNoPorts)
v6_0=$(snmp "$NSB" Udp6NoPorts)
t0=$(date +%s.%N)
ev_send P4 "$NSA" taskset -c "$CPU" "$UDPSEND" -n $N4 -l $PAY -s $SPORT -g 2000 $IPB 9
ev_send P6 "$NSA" taskset -c "$CPU" "$UDPSEND" -n $N6 -l $PAY -s $SPORT -g 2000 $IP6B 9
t1=$(date +%s.%N)
v4=$(($(snmp "$NSB" UdpNoPorts) - v4_0))
v6=$(($(snmp "$NSB" Udp6NoPorts) - v6_0))
trace_stop
ev_settle
ev_stop main

OUT=$T/main.out
check_eq "UdpNoPorts delta (kernel)" $N4 "$v4"
check_eq "Udp6NoPorts delta (kernel)" $N6 "$v6"
check_eq "lines printed (all of them)" $((N4 + N6)) "$(ev_lines "$OUT")" || show "$OUT"
ev_check_accounting main $((N4 + N6)) $((N4 + N6)) 0 0 0

TS='[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}'
LOC='0x[0-9a-f]+/0x[0-9a-f]+'
re4="^$TS cpu$CPU udpsend/$P4 netns $NETNS_B $VB UDP $(ev_re "$IPA:$SPORT > $IPB:9") len $((14 + 20 + 8 + PAY)) NO_SOCKET __udp4_lib_rcv\+$LOC\$"
re6="^$TS cpu$CPU udpsend/$P6 netns $NETNS_B $VB UDP $(ev_re "[$IP6A]:$SPORT > [$IP6B]:9") len $((14 + 40 + 8 + PAY)) NO_SOCKET __udp6_lib_rcv\+$LOC\$"
check_eq "IPv4 lines with every field as sent" $N4 "$(ev_count "$OUT" "$re4")" || show "$OUT"
check_eq "IPv6 lines with every field as sent" $N6 "$(ev_count "$OUT" "$re6")" || show "$OUT"

# Time of day of every line within [t0, t1] (local time, as printed);
# skipped across midnight.
tod()
{
	date -d "@$1" +%H:%M:%S.%N | awk -F: '{ printf "%.6f\n", $1 * 3600 + $2 * 60 + $3 }'
}
lo=$(tod "$t0")
hi=$(tod "$t1")
if awk -v a="$lo" -v b="$hi" 'BEGIN { exit !(a <= b) }'; then
	bad=$(awk -v a="$lo" -v b="$hi" '{ split($1, t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3]
		if (s < a - 0.000001 || s > b + 0.000001) n++ } END { print n + 0 }' "$OUT")
	check_eq "lines with a time outside the sending window [$lo, $hi]" 0 "$bad" || show "$OUT"
else
	log "sending crossed midnight: time window not checked"
fi

# The kernel's own view, from the tracepoint in a private instance: the
# events of the sender's pid at __udp4_lib_rcv / __udp6_lib_rcv, their
# %pS location text and their CPU.
ev_check_locs IPv4 __udp4_lib_rcv "$P4" $N4 "$OUT"
ev_check_locs IPv6 __udp6_lib_rcv "$P6" $N6 "$OUT"
finish
