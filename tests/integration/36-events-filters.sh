#!/bin/bash
# Events mode, in-kernel filters: one mix of drops in NSB, watched by five
# dropscope instances at once, all limited to NSB with --netns and each
# with one more filter. The mix:
#   NU  UDP over the veth to a closed port   dev VB  NO_SOCKET  __udp4_lib_rcv
#   NT  TCP SYNs over the veth               dev VB  NO_SOCKET  tcp_v4_rcv
#   ND  UDP over the veth to port 11, dropped by an nftables input rule
#                                            dev VB  NETFILTER_DROP
#   NL  UDP on NSB's loopback                dev lo  NO_SOCKET  __udp4_lib_rcv
#   NTL TCP SYNs on NSB's loopback           dev lo  NO_SOCKET  tcp_v4_rcv
# Expected (each line also checked to be of the selected kind):
#   all                      NU + NT + ND + NL + NTL
#   --proto tcp              NT + NTL
#   --dev VB                 NU + NT + ND
#   --reason NO_SOCKET       NU + NT + NL + NTL
#   --location tcp_v4_rcv    NT + NTL
# Ground truth for the mix: the senders' own counts, NSB's UdpNoPorts and
# TcpOutRsts, and the nftables rule's counter.
. "$(dirname "$0")/events_lib.sh"
require nstat jq nft
UDPSEND=$(tool udpsend) || exit 1
SYNSEND=$(tool synsend) || exit 1

NU=7
NT=5
ND=4
NL=3
NTL=2
ev_pair
nsx "$NSB" nft -f - <<EOT || die "nftables rule in $NSB"
table inet dsev {
	chain in {
		type filter hook input priority 0; policy accept;
		udp dport 11 counter drop
	}
}
EOT

NS=(--netns "/run/netns/$NSB")
ev_start all "$T/all.out" "${NS[@]}" || finish
ev_start proto "$T/proto.out" "${NS[@]}" --proto tcp || finish
ev_start dev "$T/dev.out" "${NS[@]}" --dev "$VB" || finish
ev_start reason "$T/reason.out" "${NS[@]}" --reason NO_SOCKET || finish
ev_start loc "$T/loc.out" "${NS[@]}" --location tcp_v4_rcv || finish
u0=$(snmp "$NSB" UdpNoPorts)
r0=$(snmp "$NSB" TcpOutRsts)
ev_send PU "$NSA" "$UDPSEND" -n $NU -s $SPORT -g 1000 $IPB 9
ev_send PT "$NSA" "$SYNSEND" -n $NT -s $TSPORT $IPB 9
ev_send PD "$NSA" "$UDPSEND" -n $ND -s $SPORT -g 1000 $IPB 11
ev_send PL "$NSB" "$UDPSEND" -n $NL -s $SPORT -g 1000 127.0.0.1 9
ev_send PTL "$NSB" "$SYNSEND" -n $NTL -s $TSPORT 127.0.0.1 9
u=$(($(snmp "$NSB" UdpNoPorts) - u0))
r=$(($(snmp "$NSB" TcpOutRsts) - r0))
ev_settle
for tag in all proto dev reason loc; do
	ev_stop $tag
done

check_eq "UdpNoPorts delta (kernel)" $((NU + NL)) "$u"
check_eq "TcpOutRsts delta (kernel)" $((NT + NTL)) "$r"
check_eq "nftables drop counter (kernel)" $ND \
	"$(nsx "$NSB" nft -j list ruleset | jq '[.nftables[].rule? // empty | .expr[] | .counter? // empty | .packets] | add')"

# Line patterns of each kind (pids as started).
re_u="udpsend/$PU netns $NETNS_B $VB UDP $(ev_re "$IPA:$SPORT > $IPB:9") len 74 NO_SOCKET __udp4_lib_rcv\+"
re_t="synsend/$PT netns $NETNS_B $VB TCP $(ev_re "$IPA:$TSPORT > $IPB:9 [S]") len [0-9]+ NO_SOCKET tcp_v4_rcv\+"
re_d="udpsend/$PD netns $NETNS_B $VB UDP $(ev_re "$IPA:$SPORT > $IPB:11") len 74 NETFILTER_DROP [^ ]+$"
re_l="udpsend/$PL netns $NETNS_B lo UDP $(ev_re "127.0.0.1:$SPORT > 127.0.0.1:9") len 74 NO_SOCKET __udp4_lib_rcv\+"
re_tl="synsend/$PTL netns $NETNS_B lo TCP $(ev_re "127.0.0.1:$TSPORT > 127.0.0.1:9 [S]") len [0-9]+ NO_SOCKET tcp_v4_rcv\+"

# check_kinds TAG NU NT ND NL NTL: the lines of each kind, and no others.
check_kinds()
{
	local tag=$1 out=$T/$1.out total
	total=$(($2 + $3 + $4 + $5 + $6))
	check_eq "$tag: lines" "$total" "$(ev_lines "$out")" || show "$out"
	check_eq "$tag: UDP over $VB / TCP over $VB / nft drop / UDP on lo / TCP on lo" \
		"$2 $3 $4 $5 $6" "$(ev_count "$out" "$re_u") $(ev_count "$out" "$re_t") $(ev_count \
		"$out" "$re_d") $(ev_count "$out" "$re_l") $(ev_count "$out" "$re_tl")" || show "$out"
	ev_check_accounting "$tag" "$total" "$total" 0 0 0
}
check_kinds all $NU $NT $ND $NL $NTL
check_kinds proto 0 $NT 0 0 $NTL
check_kinds dev $NU $NT $ND 0 0
check_kinds reason $NU $NT 0 $NL $NTL
check_kinds loc 0 $NT 0 0 $NTL
finish
