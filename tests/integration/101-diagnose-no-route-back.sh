#!/bin/bash
# diagnose-node: a counter that is the consequence of another. A listener
# in namespace B (10.201.2.1:7011, tcplisten) gets 4 SYNs from A
# (10.201.1.1, over a veth; B has no route back to 10.201.1.0/24, as
# `ip route get` says). B cannot route the SYN-ACKs: IpOutNoRoutes and
# ListenDrops grow together and no kfree_skb sees it. The report must have
# one finding, IpOutNoRoutes, counting its nstat delta, with ListenDrops
# (its nstat delta) as a consequence in it, not as a finding of its own,
# and no listener knob (net.core.somaxconn) advised. The peer whose reply
# has no route is named: the SYNs' source 10.201.1.1, each SYN seen (one
# IpOutNoRoutes each), with what `ip route get 10.201.1.1` run by the test
# in B answers.
. "$(dirname "$0")/diagnose_lib.sh"
require nstat jq
TCPLISTEN=$(tool tcplisten) || exit 1
TCPSYN=$(tool tcpsyn) || exit 1

N=4
ns_add NA a
ns_add NB b
veth_add "$NA" dsa0 "$NB" dsb0
ip -n "$NA" addr add 10.201.1.1/24 dev dsa0 || die "addr A"
ip -n "$NB" addr add 10.201.2.1/24 dev dsb0 || die "addr B"
ip -n "$NA" route add 10.201.2.0/24 dev dsa0 || die "route A"
# no ARP: A knows B's MAC; B never gets as far as resolving A
ip -n "$NA" neigh add 10.201.2.1 lladdr "$(mac_of "$NB" dsb0)" dev dsa0 || die "neigh A"
nsx "$NB" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.dsb0.rp_filter=0 || die "rp_filter"
if nsx "$NB" ip route get 10.201.1.1 >/dev/null 2>&1; then
	die "B has a route to 10.201.1.1: the test needs none"
fi

dg_hold lst "$NB" "$TCPLISTEN" -b 16 -t 60 10.201.2.1 7011
LPID=$HOLDPID
snmp_all "$NB" "$T/snmp0"
dg_start main "$NB" || finish
res=$(nsx "$NA" "$TCPSYN" -n $N -t 200 10.201.2.1 7011)
log "tcpsyn: $res"
dg_in_window main
dg_end main "$NB" || finish
snmp_all "$NB" "$T/snmp1"
dg_release lst "$LPID"
nor=$(snmp_delta "$T/snmp0" "$T/snmp1" IpOutNoRoutes)
ldr=$(snmp_delta "$T/snmp0" "$T/snmp1" TcpExtListenDrops)
check_eq "tcpsyn: no attempt connected" 0 "$(awk '{ print $6 }' <<<"$res")"
check_true "IpOutNoRoutes grew ($nor)" test "$nor" -gt 0
check_eq "ListenDrops delta = IpOutNoRoutes delta" "$nor" "$ldr"
check_eq "ListenOverflows did not grow" 0 "$(snmp_delta "$T/snmp0" "$T/snmp1" TcpExtListenOverflows)"

dg_one IpOutNoRoutes "$(dg_select main '.name == "IpOutNoRoutes"')"
check_eq "count = IpOutNoRoutes delta" "$nor" "$(fv '.count')"
check_eq "known" true "$(fv '.known')"
check_eq "consequence: ListenDrops, its delta" "TcpExtListenDrops $ldr" \
	"$(fv '.consequences[0] | "\(.counter) \(.delta)"')"
check_eq "no ListenDrops finding" 0 "$(dg_select main '.name == "TcpExtListenDrops"' | jq length)"
check_eq "no somaxconn advice" 0 \
	"$(jq '[.findings[].change[]? | select(.knob == "net.core.somaxconn")] | length' "$T/main.json")"
S=$(fv -c '[.evidence.syn_senders[]? | select(.address == "10.201.1.1")]')
check_eq "the peer named: SYNs from 10.201.1.1, one per IpOutNoRoutes" "$nor" \
	"$(jq -r '.[0].count' <<<"$S")" || log "syn_senders: $(fv -c '.evidence.syn_senders')"
check_eq "no other SYN source (the namespaces are ours)" 1 "$(fv '.evidence.syn_senders | length')"
# ip's own words for the failed lookup: "RTNETLINK answers: Network is unreachable"
ans=$(nsx "$NB" ip route get 10.201.1.1 2>&1)
check_true "ip route get 10.201.1.1 in B fails ($ans)" test -n "$ans"
check_eq "the route back, as ip route get answers" "${ans#RTNETLINK answers: }" \
	"$(jq -r '.[0].route_back.error' <<<"$S")"
dg_check_total report "$nor"
finish
