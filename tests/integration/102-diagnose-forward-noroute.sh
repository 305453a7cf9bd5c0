#!/bin/bash
# diagnose-node: forwarding to an unroutable destination. Namespace R
# forwards (ip_forward=1) but has no route to 10.203.9.0/24; S sends 6
# UDP datagrams to 10.203.9.9 through R. R drops each as IP_INNOROUTES
# (IpExtInNoRoutes). The finding must count the nstat delta, agree with
# it, and name the destination (all 6 sampled) with the route lookup's
# answer as `ip route get 10.203.9.9` gives it in R.
# Then, in a second window, a packet too big for the way on: R forwards
# to 10.203.2.0/24 over a veth of MTU 1280 and S sends datagrams of 1400
# bytes (DF set, as Linux sends UDP): R drops them as PKT_TOO_BIG at
# ip_forward and counts each in IpFragFails (nstat). One finding, with
# IpFragFails merged into it as its consequence, not one for each.
. "$(dirname "$0")/diagnose_lib.sh"
require nstat jq
UDPSEND=$(tool udpsend) || exit 1

N=6
DST=10.203.9.9
ns_add NS s
ns_add NR r
veth_add "$NS" dss0 "$NR" dsr0
ip -n "$NS" addr add 10.203.1.2/24 dev dss0 || die "addr S"
ip -n "$NR" addr add 10.203.1.1/24 dev dsr0 || die "addr R"
ip -n "$NS" route add default via 10.203.1.1 || die "route S"
nsx "$NR" sysctl -qw net.ipv4.ip_forward=1 || die "ip_forward"
nsx "$NS" ip neigh replace 10.203.1.1 lladdr "$(mac_of "$NR" dsr0)" dev dss0 || die "neigh S"
if nsx "$NR" ip route get "$DST" >"$T/rg" 2>&1; then
	die "R has a route to $DST: $(cat "$T/rg")"
fi
# "RTNETLINK answers: Network is unreachable"
rg_err=$(sed -n 's/^RTNETLINK answers: //p' "$T/rg")
log "ip route get $DST in R: $rg_err"

n0=$(snmp "$NR" IpExtInNoRoutes)
dg_start main "$NR" || finish
nsx "$NS" "$UDPSEND" -n $N "$DST" 7014 >/dev/null || fail "udpsend"
dg_in_window main
dg_end main "$NR" || finish
d=$(($(snmp "$NR" IpExtInNoRoutes) - n0))
check_eq "IpExtInNoRoutes delta = datagrams" $N "$d"

dg_one IP_INNOROUTES "$(dg_select main '.name == "IP_INNOROUTES"')"
check_eq "count = IpExtInNoRoutes delta" "$d" "$(fv '.count')"
check_eq "reconcile agrees" true "$(fv '.reconcile[0].agrees')"
D=$(fv -c --arg a "$DST" '[.evidence.destinations[]? | select(.address == $a)]')
check_eq "evidence: the destination $DST" 1 "$(jq length <<<"$D")" || log "evidence: $(fv -c .evidence)"
check_eq "destination: all sampled" "$d" "$(jq -r '.[0].count' <<<"$D")"
check_eq "destination: the route lookup's answer = ip route get" "$rg_err" "$(jq -r '.[0].route.error' <<<"$D")"
dg_check_total report "$d"

ns_add ND d
veth_add "$NR" dsr1 "$ND" dsd1
ip -n "$NR" addr add 10.203.2.1/24 dev dsr1 || die "addr R 2"
ip -n "$ND" addr add 10.203.2.2/24 dev dsd1 || die "addr D"
ip -n "$NR" link set dev dsr1 mtu 1280 || die "mtu"
nsx "$NR" ip neigh replace 10.203.2.2 lladdr "$(mac_of "$ND" dsd1)" dev dsr1 || die "neigh R"
f0=$(snmp "$NR" IpFragFails)
mv "$T/main.json" "$T/noroute.json"
dg_start main "$NR" || finish
nsx "$NS" "$UDPSEND" -n 3 -l 1400 10.203.2.2 7015 >/dev/null || fail "udpsend big"
dg_in_window main
dg_end main "$NR" || finish
df=$(($(snmp "$NR" IpFragFails) - f0))
check_true "IpFragFails grew in R ($df)" test "$df" -gt 0
dg_one PKT_TOO_BIG "$(dg_select main '.name == "PKT_TOO_BIG"')" || show "$T/main.json" 60
check_eq "PKT_TOO_BIG: count = IpFragFails delta" "$df" "$(fv '.count')"
check_eq "PKT_TOO_BIG: known" true "$(fv '.known')"
check_eq "PKT_TOO_BIG: at ip_forward" ip_forward "$(fv '.location')"
check_eq "PKT_TOO_BIG: IpFragFails merged as its consequence" "$df" \
	"$(fv '[.consequences[]? | select(.counter == "IpFragFails") | .delta] | add // 0')"
dg_check_total "too big" "$df"
finish
