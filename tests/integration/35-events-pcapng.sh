#!/bin/bash
# Events mode, -w: N4 IPv4 and N6 IPv6 UDP datagrams to a closed port over
# the veth pair, captured by three dropscope instances at once:
#   new    -w FILE (a new file, umask 022)
#   old    -w FILE --force over an existing 0644 file (truncated, mode kept)
#   pipe   -w - into `tshark -r -` through a FIFO
# Read back with tshark, every capture must hold exactly the datagrams sent
# (count, source address and port, destination port, frame length, the
# default snaplen as caplen, the receiving veth as interface, the sender's
# MAC), each with the comment
#   reason=NO_SOCKET location=<the tracepoint's %pS> netns=<inode> comm=udpsend
# capinfos must accept the files, the new one must be mode 0600 and the old
# one keep its 0644, and the
# text lines on stdout of the file writers must still be there.
. "$(dirname "$0")/events_lib.sh"
require nstat jq tshark capinfos mkfifo
UDPSEND=$(tool udpsend) || exit 1

N4=6
N6=4
PAY=200
ev_pair
ev_trace_start
TSHARK=(tshark -o gui.update.enabled:FALSE)
FIELDS=(-T fields -E separator=/t -e frame.comment -e ip.src -e ipv6.src -e udp.srcport
	-e udp.dstport -e frame.len -e frame.cap_len -e frame.interface_name -e eth.src)

umask 022
NEW=$T/new.pcapng
OLD=$T/old.pcapng
echo "not a capture" >"$OLD"
chmod 0644 "$OLD"
mkfifo "$T/pipe" || die "mkfifo"
"${TSHARK[@]}" -r - "${FIELDS[@]}" <"$T/pipe" >"$T/pipe.txt" 2>"$T/pipe.tshark.err" &
TSPID=$!
PIDS+=("$TSPID")

NSARG=(--netns "/run/netns/$NSB")
ev_start new "$T/new.out" "${NSARG[@]}" -w "$NEW" || finish
ev_start old "$T/old.out" "${NSARG[@]}" -w "$OLD" --force || finish
ev_start pipe "$T/pipe" "${NSARG[@]}" -w - || finish
v4_0=$(snmp "$NSB" UdpNoPorts)
v6_0=$(snmp "$NSB" Udp6NoPorts)
ev_send P4 "$NSA" "$UDPSEND" -n $N4 -l $PAY -s $SPORT -g 1000 $IPB 9
ev_send P6 "$NSA" "$UDPSEND" -n $N6 -l $PAY -s $SPORT -g 1000 $IP6B 9
v4=$(($(snmp "$NSB" UdpNoPorts) - v4_0))
v6=$(($(snmp "$NSB" Udp6NoPorts) - v6_0))
trace_stop
ev_settle
ev_stop new
ev_stop old
ev_stop pipe
for ((i = 0; i < 100; i++)); do
	kill -0 "$TSPID" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$TSPID" 2>/dev/null && fail "tshark -r - still running 10 s after dropscope exited"
wait "$TSPID"
check_eq "tshark -r - exit status" 0 "$?" || show "$T/pipe.tshark.err"

check_eq "UdpNoPorts delta (kernel)" $N4 "$v4"
check_eq "Udp6NoPorts delta (kernel)" $N6 "$v6"
loc4=$(ev_trace_locs __udp4_lib_rcv "$P4")
loc6=$(ev_trace_locs __udp6_lib_rcv "$P6")
check_true "tracefs: $N4 events of task $P4 at one __udp4_lib_rcv location" \
	grep -qxE "__udp4_lib_rcv\+0x[0-9a-f]+/0x[0-9a-f]+ $N4" <<<"$loc4"
check_true "tracefs: $N6 events of task $P6 at one __udp6_lib_rcv location" \
	grep -qxE "__udp6_lib_rcv\+0x[0-9a-f]+/0x[0-9a-f]+ $N6" <<<"$loc6"
L4=$((14 + 20 + 8 + PAY))
L6=$((14 + 40 + 8 + PAY))
C=128 # default --snaplen
# The expected tshark lines, "count<TAB>fields" per distinct line.
expected=$(printf '%s\t%s\n' \
	$N4 "reason=NO_SOCKET location=${loc4% *} netns=$NETNS_B comm=udpsend	$IPA		$SPORT	9	$L4	$C	$VB	$MAC_A" \
	$N6 "reason=NO_SOCKET location=${loc6% *} netns=$NETNS_B comm=udpsend		$IP6A	$SPORT	9	$L6	$C	$VB	$MAC_A" |
	sort)
distinct()
{
	sort "$1" | uniq -c | sed 's/^ *\([0-9]*\) /\1\t/' | sort
}

for tag in new old; do
	[[ $tag == new ]] && f=$NEW || f=$OLD
	"${TSHARK[@]}" -r "$f" "${FIELDS[@]}" >"$T/$tag.txt" 2>"$T/$tag.tshark.err"
	check_eq "$tag: tshark -r exit status" 0 "$?" || show "$T/$tag.tshark.err"
	check_eq "$tag: packets read back (count, comment, src, ports, lengths, iface, MAC)" \
		"$expected" "$(distinct "$T/$tag.txt")"
	capinfos "$f" >"$T/$tag.capinfos" 2>&1
	check_eq "$tag: capinfos exit status" 0 "$?" || show "$T/$tag.capinfos"
	check_eq "$tag: capinfos packet count" $((N4 + N6)) \
		"$(capinfos -M -c "$f" 2>/dev/null | awk -F': *' '/Number of packets/ { print $2 }')"
	# New files are 0600; an existing one keeps its mode (never chmod).
	[[ $tag == new ]] && mode=600 || mode=644
	check_eq "$tag: file mode" $mode "$(stat -c %a "$f")"
	check_eq "$tag: text lines on stdout" $((N4 + N6)) "$(ev_count "$T/$tag.out" \
		" udpsend/($P4|$P6) netns $NETNS_B $VB UDP .* NO_SOCKET __udp[46]_lib_rcv\+")"
	ev_check_accounting "$tag" $((N4 + N6)) $((N4 + N6)) 0 0 0
done
check_eq "pipe: packets read back by tshark -r - (count, comment, src, ports, lengths, iface, MAC)" \
	"$expected" "$(distinct "$T/pipe.txt")"
ev_check_accounting pipe $((N4 + N6)) $((N4 + N6)) 0 0 0
finish
