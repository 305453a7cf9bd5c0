#!/bin/bash
# diagnose-node: a cause behind NOT_SPECIFIED. A veth pair whose receiving
# end (in B) has MTU 1400 while the sender's (in A) has 1500; A sends 20
# UDP datagrams of 1472 bytes (1500-byte packets) to B. The veth drops
# each frame at __dev_forward_skb2 (no reason: NOT_SPECIFIED), and the
# same frames grow A's tx_dropped, IpOutDiscards and UdpSndbufErrors. In
# A the report must have one finding for them, with the veth cause, the
# device (its MTU as ip link says), the destination with frames longer
# than B's MTU, and the three counters as its consequences (their deltas
# as ip -s link and nstat say), not as findings of their own.
# Both sides: diagnose runs with --netns of A and of B in the same window.
# The kernel charges the drops to A, yet B's report must find them too:
# one finding on B's end of the pair (rx_dropped grew there, as ip -s -s
# link in B says, merged into it), and each report names the pair (its
# end, the peer, both MTUs as ip link in each namespace says) and its side
# (A: sender, B: receiver, with A's namespace inode). A third namespace
# floods drops of its own meanwhile: counting only A, B and their peers,
# neither report loses a sample of the 20 to it. Host-wide (a third
# diagnose in the same window) A's drops have the veth cause and the
# --netns of A to run, not "not known". Part 2: B's nft drops A's
# datagrams on B's end of the pair; A's report has them (below).
. "$(dirname "$0")/diagnose_lib.sh"
require nstat jq nft
UDPSEND=$(tool udpsend) || exit 1

N=20
FLOOD=12000
ns_add NA a
ns_add NB b
veth_add "$NA" dsva0 "$NB" dsvb0
ip -n "$NA" addr add 10.204.1.1/24 dev dsva0 || die "addr A"
ip -n "$NB" addr add 10.204.1.2/24 dev dsvb0 || die "addr B"
ip -n "$NB" link set dsvb0 mtu 1400 || die "mtu B"
nsx "$NA" ip neigh replace 10.204.1.2 lladdr "$(mac_of "$NB" dsvb0)" dev dsva0 || die "neigh A"
mtu()
{
	ip -n "$1" -j link show "$2" | jq -r '.[0].mtu'
}
txd()
{
	ip -n "$NA" -j -s link show dsva0 | jq -r '.[0].stats64.tx.dropped'
}
rxd()
{
	ip -n "$NB" -j -s -s link show dsvb0 | jq -r '.[0].stats64.rx.dropped'
}
t0=$(txd)
r0=$(rxd)
snmp_all "$NA" "$T/snmp0"
snmp_all "$NB" "$T/snmpb0"
dg_start main "$NA" || finish
dg_start rcv "$NB" || finish
# And host-wide: A's drops are in another namespace than ours, whose pairs
# it does not read; the function still says the cause, with the --netns
# that shows the pair (not "not known" and stacks).
ds_launch host "$T/host.json" diagnose --json -d "$DIAG_SECONDS" || finish
# A third namespace, paired with neither, floods its loopback with
# datagrams to a closed port (NO_SOCKET) around the sends: far more than
# the 2000 samples a second diagnose takes. Counting only A, B and their
# pairs' peers, neither report may lose a sample to it (every one of the
# N datagrams is sampled below); counting every namespace, it took them.
ns_add NC c
snmp_all "$NC" "$T/snmpc0"
nsx "$NC" "$UDPSEND" -n $FLOOD -g 100 -t 20 127.0.0.1 9 >/dev/null &
FPID=$!
# 4-10k datagrams a second: the samples' one-second burst (2000) is spent
# before the sends.
sleep 0.8
nsx "$NA" "$UDPSEND" -n $N -l 1472 10.204.1.2 7020 >/dev/null || fail "udpsend"
check_true "the flood in C ran through the sends" kill -0 "$FPID"
dg_in_window main
dg_in_window rcv
wait "$FPID" || fail "udpsend (flood)"
snmp_all "$NC" "$T/snmpc1"
check_eq "nstat in C: UdpNoPorts delta = the flood" $FLOOD \
	"$(snmp_delta "$T/snmpc0" "$T/snmpc1" UdpNoPorts)"
dg_end main "$NA" || finish
dg_end rcv "$NB" || finish
ds_wait_exit host $((DIAG_SECONDS + 20)) || fail "diagnose (host) still running: killed"
check_eq "diagnose (host): exit status" 0 "${DSRC[host]}" || show "$T/host.err" 20
snmp_all "$NA" "$T/snmp1"
snmp_all "$NB" "$T/snmpb1"
tx=$(($(txd) - t0))
rx=$(($(rxd) - r0))
od=$(snmp_delta "$T/snmp0" "$T/snmp1" IpOutDiscards)
sb=$(snmp_delta "$T/snmp0" "$T/snmp1" UdpSndbufErrors)
check_eq "ip -s link: dsva0 tx_dropped delta = datagrams" $N "$tx"
check_eq "ip link: B's MTU" 1400 "$(mtu "$NB" dsvb0)"

dg_one "veth cause" "$(dg_select main '.cause == "veth_peer"')"
check_eq "count = tx_dropped delta" "$tx" "$(fv '.count')"
check_true "location __dev_forward_skb* or veth_xmit ($(fv '.location'))" \
	test "$(fv '.location | test("^(__dev_forward_skb|veth_)")')" = true
check_eq "device" dsva0 "$(fv '.device')"
check_eq "evidence: the device's MTU = ip link" "$(mtu "$NA" dsva0)" "$(fv '.evidence.device.mtu')"
D=$(fv -c '[.evidence.destinations[]? | select(.address == "10.204.1.2")]')
check_eq "evidence: destination 10.204.1.2, all sampled" "$N" "$(jq -r '.[0].count' <<<"$D")"
check_true "evidence: frames longer than B's MTU ($(jq -r '.[0].length_max' <<<"$D"))" \
	test "$(jq -r '.[0].length_max // 0' <<<"$D")" -gt "$(mtu "$NB" dsvb0)"
for c in "dev:tx_dropped $tx" "IpOutDiscards $od" "UdpSndbufErrors $sb"; do
	set -- $c
	check_eq "consequence $1 = its delta" "$2" \
		"$(fv --arg n "$1" '[.consequences[] | select(.counter == $n) | .delta][0]')"
	check_eq "no finding $1" 0 "$(dg_select main ".name == \"$1\"" | jq length)"
done
check_eq "sender: pair: its side" sender "$(fv '.pair.side')"
check_eq "sender: pair: its end, its MTU (ip link in A)" "dsva0 $(mtu "$NA" dsva0)" \
	"$(fv '"\(.pair.device) \(.pair.mtu)"')"
check_eq "sender: pair: the peer, its MTU (ip link in B)" "dsvb0 $(mtu "$NB" dsvb0)" \
	"$(fv '"\(.pair.peer) \(.pair.peer_mtu)"')"
check_eq "sender: pair: the peer's ifindex (ip link in B)" \
	"$(ip -n "$NB" -j link show dsvb0 | jq -r '.[0].ifindex')" "$(fv '.pair.peer_ifindex')"
check_eq "sender: pair: the peer's namespace (stat) and workload (ip netns)" \
	"$(netns_inode "$NB") ipnetns=$NB" "$(fv '"\(.pair.peer_netns) \(.pair.peer_workload)"')"
dg_check_total report "$tx"

# The receiving side: B's report finds the drops charged to A.
check_eq "ip -s -s link: dsvb0 rx_dropped delta = datagrams" $N "$rx"
check_eq "nstat: none reached B's IP layer (IpInReceives)" 0 \
	"$(snmp_delta "$T/snmpb0" "$T/snmpb1" IpInReceives)"
dg_one "receiver: veth cause" "$(dg_select rcv '.cause == "veth_peer"')"
check_eq "receiver: count = B's rx_dropped delta" "$rx" "$(fv '.count')"
check_eq "receiver: the device is B's end" dsvb0 "$(fv '.device')"
check_eq "receiver: pair: its side" receiver "$(fv '.pair.side')"
check_eq "receiver: pair: its end, its MTU (ip link in B)" "dsvb0 $(mtu "$NB" dsvb0)" \
	"$(fv '"\(.pair.device) \(.pair.mtu)"')"
check_eq "receiver: pair: the peer, its MTU (ip link in A)" "dsva0 $(mtu "$NA" dsva0)" \
	"$(fv '"\(.pair.peer) \(.pair.peer_mtu)"')"
check_eq "receiver: pair: the peer's namespace (stat) and workload (ip netns)" \
	"$(netns_inode "$NA") ipnetns=$NA" "$(fv '"\(.pair.peer_netns) \(.pair.peer_workload)"')"
check_eq "receiver: evidence: the device's MTU = ip link in B" "$(mtu "$NB" dsvb0)" \
	"$(fv '.evidence.device.mtu')"
D=$(fv -c '[.evidence.destinations[]? | select(.address == "10.204.1.2")]')
check_eq "receiver: evidence: destination 10.204.1.2, all sampled" "$N" "$(jq -r '.[0].count' <<<"$D")"
check_true "receiver: frames longer than its MTU ($(jq -r '.[0].length_max' <<<"$D"))" \
	test "$(jq -r '.[0].length_max // 0' <<<"$D")" -gt "$(mtu "$NB" dsvb0)"
check_eq "receiver: consequence dev:rx_dropped = its delta" "$rx" \
	"$(fv '[.consequences[] | select(.counter == "dev:rx_dropped") | .delta][0]')"
check_eq "receiver: no finding dev:rx_dropped" 0 "$(dg_select rcv '.name == "dev:rx_dropped"' | jq length)"
check_eq "receiver: the findings add up to the drops made" "$rx" \
	"$(jq '[.findings[].count] | add // 0' "$T/rcv.json")" ||
	log "findings: $(jq -c '[.findings[] | [.source, .name, .count]]' "$T/rcv.json")"
IA=$(netns_inode "$NA")
HF=$(jq -c --argjson a "$IA" '[.findings[] | select((.location // "" | test("^__dev_forward_skb")) and
	any(.namespaces[]?; .netns == $a))]' "$T/host.json")
check_eq "host: one finding with A's drops at the pair" 1 "$(jq length <<<"$HF")" ||
	log "host findings: $(jq -c '[.findings[] | [.name, .location, .count]]' "$T/host.json")"
check_eq "host: A's count there = A's tx_dropped delta" "$tx" \
	"$(jq --argjson a "$IA" '[.[0].namespaces[] | select(.netns == $a) | .count][0]' <<<"$HF")"
check_eq "host: the veth cause" veth_peer "$(jq -r '.[0].cause' <<<"$HF")"
check_true "host: says --netns of A for the pair" \
	jq -e --arg n "--netns $IA" '.[0].evidence.notes | any(contains($n))' <<<"$HF"

# Part 2: the peer's namespace drops A's traffic on its end of the pair
# (an nft rule in B's input hook, small datagrams). The kernel charges
# them to B, yet diagnose --netns A must find them, not "no drops": one
# NETFILTER_DROP finding of B's nft counter growth (= sent), naming the
# pair with B's end as the one that dropped them, and the --netns of B
# that reads B's rules.
K=9
nsx "$NB" nft -f - <<'EOT' || die "cannot load the nft ruleset in B"
table inet dspeer {
	chain dsin {
		type filter hook input priority 0; policy accept;
		udp dport 7021 counter drop
	}
}
EOT
pkb()
{
	nsx "$NB" nft -j list chain inet dspeer dsin |
		jq '[.nftables[] | select(.rule) | .rule.expr[] | select(.counter) | .counter.packets][0]'
}
p0=$(pkb)
dg_start peer "$NA" || finish
nsx "$NA" "$UDPSEND" -n $K 10.204.1.2 7021 >/dev/null || fail "udpsend 7021"
dg_in_window peer
dg_end peer "$NA" || finish
grew=$(($(pkb) - p0))
check_eq "nft in B: the rule's counter grew by the datagrams" $K "$grew"
IB=$(netns_inode "$NB")
dg_one "peer: NETFILTER_DROP in A's report" "$(dg_select peer '.name == "NETFILTER_DROP"')" ||
	log "findings: $(jq -c '[.findings[] | [.name, .location, .count]]' "$T/peer.json")"
check_eq "peer: its count = B's nft counter growth" "$grew" "$(fv '.count')"
check_eq "peer: the pair, B's end dropped them" "dsva0 dsvb0 dropped $IB" \
	"$(fv '[.pair.device, .pair.peer, .pair.peer_side, (.pair.peer_netns | tostring)] | join(" ")')"
check_true "peer: says --netns of B for its rules" \
	jq -e --arg n "--netns $IB" '.evidence.notes | any(contains($n))' <<<"$FIND"
check_eq "peer: not 'no drops'" false "$(jq '.verdict // "" | test("no drops")' "$T/peer.json")"
finish
