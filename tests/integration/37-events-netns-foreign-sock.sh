#!/bin/bash
# Events mode, netns of a drop whose skb still belongs to a socket of
# another namespace: NO frames for a MAC nobody has, sent by inject (an
# AF_PACKET socket in NSA) out of VA, arrive on VB in NSB, whose IP layer
# drops them as OTHERHOST in ip_rcv_core() -- before ip_rcv_core() orphans
# the skb, so skb->sk is still the sender's packet socket in NSA (veth keeps
# the socket reference when it scrubs a packet crossing namespaces).
# The drop happens in NSB, on NSB's device: the kernel counts it in VB's
# own rx "otherhost" counter (ip -s -s link in NSB). So the line must say
# netns = NSB's inode and dev VB, --netns NSB must see all NO drops, and
# --netns NSA none of them.
. "$(dirname "$0")/events_lib.sh"
require jq
INJECT=$(tool inject) || exit 1

NO=5
ev_pair
otherhost()
{
	ip -n "$NSB" -s -s -j link show "$VB" | jq '.[0].stats64.rx.otherhost // 0'
}

ev_start inb "$T/inb.out" --netns "/run/netns/$NSB" || finish
ev_start ina "$T/ina.out" --netns "/run/netns/$NSA" || finish
o0=$(otherhost)
ev_send PO "$NSA" "$INJECT" -i "$VA" -m otherhost -n $NO -g 1000
o=$(($(otherhost) - o0))
ev_settle
ev_stop inb
ev_stop ina

check_eq "inject" "sent $NO" "$(cat "$T/PO.out")"
check_eq "$VB rx otherhost delta in $NSB (kernel)" $NO "$o"
re="^[0-9:.]+ cpu[0-9]+ inject/$PO netns $NETNS_B $VB UDP $(ev_re "192.0.2.1:4000 > 192.0.2.2:4001") len 60 OTHERHOST ip_rcv_core\+0x[0-9a-f]+/0x[0-9a-f]+\$"
check_eq "--netns $NSB: lines" $NO "$(ev_lines "$T/inb.out")" || show "$T/inb.out"
check_eq "--netns $NSB: OTHERHOST lines with NSB's inode and $VB" $NO "$(ev_count "$T/inb.out" "$re")"
ev_check_accounting inb $NO $NO 0 0 0
check_eq "--netns $NSA: lines (nothing was dropped in NSA)" 0 "$(ev_lines "$T/ina.out")" ||
	show "$T/ina.out"
ev_check_accounting ina 0 0 0 0 0
finish
