#!/bin/bash
# diagnose, case 7: a next hop that never answers ARP. The diagnosed
# namespace has 10.99.0.1/24 on a veth whose peer (in a second namespace)
# has no address; datagrams to 10.99.0.2 wait in the neighbour's queue
# until resolution fails (retrans_time_ms and mcast_solicit of that device,
# set low in the namespace, make it fail within the window), then are freed
# as NEIGH_FAILED. The finding counts the datagrams sent, names the device,
# and its evidence lists 10.99.0.2 as FAILED, as `ip neigh` says. The host
# unreachable each failure sends back finds the sender's socket closed and
# grows IcmpInErrors (nstat): that is said in NEIGH_FAILED as a
# consequence, not as a finding of its own.
. "$(dirname "$0")/diagnose_lib.sh"
require jq
UDPSEND=$(tool udpsend) || exit 1

N=20
ns_add NS a
ns_add NP peer
veth_add "$NS" dsn0 "$NP" dsp0
ip -n "$NS" addr add 10.99.0.1/24 dev dsn0 || die "address"
# No IPv6 on the namespace: its router solicitations would be other drops.
nsx "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.dsn0.disable_ipv6=1 ||
	die "disable_ipv6"
nsx "$NS" sysctl -qw net.ipv4.neigh.dsn0.retrans_time_ms=100 net.ipv4.neigh.dsn0.mcast_solicit=2 \
	net.ipv4.neigh.dsn0.app_solicit=0 || die "neigh sysctls"

require nstat
i0=$(snmp "$NS" IcmpInErrors)
dg_start main "$NS" || finish
nsx "$NS" "$UDPSEND" -n $N 10.99.0.2 9 >"$T/send" || fail "udpsend: $(cat "$T/send")"
dg_in_window main
dg_end main "$NS" || finish
di=$(($(snmp "$NS" IcmpInErrors) - i0))
state=$(ip -n "$NS" -j neigh show 10.99.0.2 dev dsn0 | jq -r '.[0].state[0] // "none"')
check_eq "ip neigh: 10.99.0.2 on dsn0" FAILED "$state"

dg_one NEIGH_FAILED "$(dg_select main '.source == "drops" and .name == "NEIGH_FAILED"')" ||
	show "$T/main.json" 80
check_eq "count = datagrams sent (all fit in the neighbour's queue)" $N "$(fv '.count')"
check_eq "device" dsn0 "$(fv '.device')"
check_eq "netns (inode)" "$(netns_inode "$NS")" "$(fv '.netns')"
dg_check_common NEIGH_FAILED "$NS"
NB=$(fv '[.evidence.neighbours.shown[]? | select(.address == "10.99.0.2")]')
check_eq "evidence.neighbours: 10.99.0.2 shown once" 1 "$(jq length <<<"$NB")" ||
	log "evidence: $(fv -c '.evidence')"
check_eq "evidence.neighbours: its state = ip neigh" "$state" "$(jq -r '.[0].state' <<<"$NB")"
check_eq "evidence.neighbours: its device" dsn0 "$(jq -r '.[0].device' <<<"$NB")"
check_eq "evidence.neighbours.entries = ip neigh show nud all" \
	"$(ip -n "$NS" -j neigh show nud all | jq length)" "$(fv '.evidence.neighbours.entries')"
log "IcmpInErrors delta (nstat): $di"
if ((di > 0)); then
	check_eq "NEIGH_FAILED: IcmpInErrors (nstat delta) merged as its consequence" "$di" \
		"$(fv '[.consequences[]? | select(.counter == "IcmpInErrors") | .delta] | add // 0')"
fi
check_eq "no IcmpInErrors finding of its own" 0 \
	"$(dg_select main '.source == "counter" and .name == "IcmpInErrors"' | jq length)"
dg_check_total report $N
finish
