#!/bin/bash
# Events mode, text lines: TCP connect() attempts to a closed port over the
# veth pair, IPv4 and IPv6, from a fixed source port (synsend). Each attempt
# sends one SYN, which NSB answers with a RST and drops as NO_SOCKET at
# tcp_v4_rcv / tcp_v6_rcv. Checked per line: the sender's comm/pid and CPU
# (see 30-events-udp-fields.sh for why the softirq runs in the sender),
# netns inode, receiving device, "TCP a:p > b:q [S]", the SYN's frame
# length, reason and location (= the tracepoint's %pS in a private tracefs
# instance). Ground truth for the count: every attempt was refused, and
# NSB's TcpOutRsts grew by the number of attempts.
. "$(dirname "$0")/events_lib.sh"
require nstat jq taskset
SYNSEND=$(tool synsend) || exit 1

N4=6
N6=4
CPU=$(($(nproc) - 1))
ev_pair
# The SYN's options, from the sender's sysctls (set here so the length is
# known): MSS (4), SACK_PERM + timestamps (12), NOP + window scale (4).
nsx "$NSA" sysctl -qw net.ipv4.tcp_timestamps=1 net.ipv4.tcp_sack=1 \
	net.ipv4.tcp_window_scaling=1 || die "TCP sysctls in $NSA"
SYNOPT=20
ev_trace_start

ev_start main "$T/main.out" --netns "/run/netns/$NSB" || finish
rst0=$(snmp "$NSB" TcpOutRsts)
ev_send P4 "$NSA" taskset -c "$CPU" "$SYNSEND" -n $N4 -s $TSPORT $IPB 9
ev_send P6 "$NSA" taskset -c "$CPU" "$SYNSEND" -n $N6 -s $TSPORT $IP6B 9
rst=$(($(snmp "$NSB" TcpOutRsts) - rst0))
trace_stop
ev_settle
ev_stop main

OUT=$T/main.out
check_eq "synsend IPv4" "attempts $N4 refused $N4 connected 0 timeout 0 other 0" "$(cat "$T/P4.out")"
check_eq "synsend IPv6" "attempts $N6 refused $N6 connected 0 timeout 0 other 0" "$(cat "$T/P6.out")"
check_eq "NSB TcpOutRsts delta (kernel)" $((N4 + N6)) "$rst"
check_eq "lines printed (all of them)" $((N4 + N6)) "$(ev_lines "$OUT")" || show "$OUT"
ev_check_accounting main $((N4 + N6)) $((N4 + N6)) 0 0 0

TS='[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}'
LOC='0x[0-9a-f]+/0x[0-9a-f]+'
re4="^$TS cpu$CPU synsend/$P4 netns $NETNS_B $VB TCP $(ev_re "$IPA:$TSPORT > $IPB:9 [S]") len $((14 + 20 + 20 + SYNOPT)) NO_SOCKET tcp_v4_rcv\+$LOC\$"
re6="^$TS cpu$CPU synsend/$P6 netns $NETNS_B $VB TCP $(ev_re "[$IP6A]:$TSPORT > [$IP6B]:9 [S]") len $((14 + 40 + 20 + SYNOPT)) NO_SOCKET tcp_v6_rcv\+$LOC\$"
check_eq "IPv4 SYN lines with every field as sent" $N4 "$(ev_count "$OUT" "$re4")" || show "$OUT"
check_eq "IPv6 SYN lines with every field as sent" $N6 "$(ev_count "$OUT" "$re6")" || show "$OUT"

# The kernel's own view of the same SYNs (see 30-events-udp-fields.sh).
ev_check_locs IPv4 tcp_v4_rcv "$P4" $N4 "$OUT"
ev_check_locs IPv6 tcp_v6_rcv "$P6" $N6 "$OUT"
finish
