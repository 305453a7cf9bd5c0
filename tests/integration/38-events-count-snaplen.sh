#!/bin/bash
# Events mode, -c and --snaplen.
#   -c N: while M > N datagrams to a closed port arrive over the veth pair
#         (20 ms apart), dropscope stops by itself after N events, exits 0,
#         printed exactly N lines (each one of the datagrams), says it
#         stopped at --count, and leaves nothing attached.
#   --snaplen 64 with -w: 200-byte payloads over IPv4 and IPv6; in the
#         pcapng every packet has caplen 64 and the full frame length
#         (tshark frame.cap_len / frame.len), and the text lines still say
#         len = the full frame length (14 + IP + 8 + 200), not nonlinear.
. "$(dirname "$0")/events_lib.sh"
require nstat jq tshark bpftool
UDPSEND=$(tool udpsend) || exit 1

N=3
M=10
ev_pair

# -c N
ev_start count "$T/count.out" --netns "/run/netns/$NSB" -c $N || finish
cids=$(prog_ids_of "${DSPID[count]}" | paste -sd" ")
check_true "-c $N: holds a BPF program while running ($cids)" test -n "$cids"
v0=$(snmp "$NSB" UdpNoPorts)
ev_send PC "$NSA" "$UDPSEND" -n $M -s $SPORT -g 20000 $IPB 9
check_eq "UdpNoPorts delta (kernel)" $M "$(($(snmp "$NSB" UdpNoPorts) - v0))"
if ds_wait_exit count 10; then
	check_eq "-c $N: exit status" 0 "${DSRC[count]}" || show "$T/count.err"
else
	fail "-c $N: still running 10 s after $M drops (killed)"
fi
check_eq "-c $N: lines" $N "$(ev_lines "$T/count.out")" || show "$T/count.out"
check_eq "-c $N: lines that are the datagrams" $N "$(ev_count "$T/count.out" \
	"^[0-9:.]+ cpu[0-9]+ udpsend/$PC netns $NETNS_B $VB UDP $(ev_re "$IPA:$SPORT > $IPB:9") len 74 NO_SOCKET __udp4_lib_rcv\+")"
check_eq "-c $N: events printed (stderr)" $N "$(ev_accounting "$T/count.err" | awk '{ print $2 }')" ||
	show "$T/count.err"
check_eq "-c $N: says it stopped at --count" 1 "$(grep -c '(stopped at --count' "$T/count.err")"
check_eq "-c $N: its programs still loaded after exit" "" \
	"$(comm -12 <(tr " " "\n" <<<"$cids" | sort) <(prog_ids_all | sort) | paste -sd" ")"

# --snaplen 64
PAY=200
SNAP=64
ev_start snap "$T/snap.out" --netns "/run/netns/$NSB" --snaplen $SNAP -w "$T/snap.pcapng" || finish
ev_send P4 "$NSA" "$UDPSEND" -n 4 -l $PAY -s $SPORT -g 1000 $IPB 9
ev_send P6 "$NSA" "$UDPSEND" -n 3 -l $PAY -s $SPORT -g 1000 $IP6B 9
ev_settle
ev_stop snap
L4=$((14 + 20 + 8 + PAY))
L6=$((14 + 40 + 8 + PAY))
tshark -o gui.update.enabled:FALSE -r "$T/snap.pcapng" -T fields -E separator=/t \
	-e frame.cap_len -e frame.len -e udp.srcport -e udp.dstport \
	>"$T/snap.txt" 2>"$T/snap.tshark.err"
check_eq "--snaplen $SNAP: tshark -r exit status" 0 "$?" || show "$T/snap.tshark.err"
check_eq "--snaplen $SNAP: caplen, len, ports of the captured packets" \
	"$(printf '3\t%s\n4\t%s\n' "$SNAP	$L6	$SPORT	9" "$SNAP	$L4	$SPORT	9" | sort)" \
	"$(sort "$T/snap.txt" | uniq -c | sed 's/^ *\([0-9]*\) /\1\t/' | sort)"
check_eq "--snaplen $SNAP: IPv4 text lines with len $L4" 4 "$(ev_count "$T/snap.out" \
	" udpsend/$P4 netns $NETNS_B $VB UDP $(ev_re "$IPA:$SPORT > $IPB:9") len $L4 NO_SOCKET __udp4_lib_rcv\+")"
check_eq "--snaplen $SNAP: IPv6 text lines with len $L6" 3 "$(ev_count "$T/snap.out" \
	" udpsend/$P6 netns $NETNS_B $VB UDP $(ev_re "[$IP6A]:$SPORT > [$IP6B]:9") len $L6 NO_SOCKET __udp6_lib_rcv\+")"
ev_check_accounting snap 7 7 0 0 0

# --snaplen at its maximum: a frame longer than that is cut at exactly it,
# from the Ethernet header on (no room lost to the made-up header's slot).
MAXSNAP=1024
BIG=1200
ev_start max "$T/max.out" --netns "/run/netns/$NSB" --snaplen $MAXSNAP --json || finish
ev_send PM "$NSA" "$UDPSEND" -n 2 -l $BIG -s $SPORT -g 1000 $IPB 9
ev_settle
ev_stop max
check_eq "--snaplen $MAXSNAP: caplen and len of both events" \
	"$(printf '%s\n%s' "$MAXSNAP $((14 + 20 + 8 + BIG))" "$MAXSNAP $((14 + 20 + 8 + BIG))")" \
	"$(jq -r '"\(.caplen) \(.len)"' "$T/max.out")" || show "$T/max.out"
finish
