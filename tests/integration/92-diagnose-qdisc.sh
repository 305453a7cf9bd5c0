#!/bin/bash
# diagnose, case 3: a qdisc with a small limit on a veth, overflowed. veth
# sends as fast as it is given packets, so a queue on it alone never
# fills: a tbf (8 kbit/s) at the root holds them back and its inner qdisc,
# `pfifo limit 5` (handle 10:, parent 1:1), overflows under a burst of 60
# datagrams. The QDISC_DROP finding (at __dev_queue_xmit, device dsa0)
# counts the pfifo's drops delta as `tc -s qdisc` says, and its evidence
# names that qdisc: device, kind, handle, parent, limit 5, drops; the
# reconciliation with the qdisc counter agrees.
. "$(dirname "$0")/diagnose_lib.sh"
require tc jq
UDPSEND=$(tool udpsend) || exit 1

N=60
ns_add NA a
ns_add NB b
veth_add "$NA" dsa0 "$NB" dsb0
ip -n "$NA" addr add 10.99.0.1/24 dev dsa0 || die "addr dsa0"
ip -n "$NB" addr add 10.99.0.2/24 dev dsb0 || die "addr dsb0"
# permanent neighbours: no ARP through the small queue
ip -n "$NA" neigh replace 10.99.0.2 lladdr "$(mac_of "$NB" dsb0)" dev dsa0 nud permanent ||
	die "neigh"
ip -n "$NB" neigh replace 10.99.0.1 lladdr "$(mac_of "$NA" dsa0)" dev dsb0 nud permanent ||
	die "neigh"
tc -n "$NA" qdisc add dev dsa0 root handle 1: tbf rate 8kbit burst 1600 limit 100000 ||
	die "tc qdisc add tbf"
tc -n "$NA" qdisc add dev dsa0 parent 1:1 handle 10: pfifo limit 5 || die "tc qdisc add pfifo"

# qd KIND FIELD: a field of the qdisc of that kind on dsa0, from tc -s
qd()
{
	tc -n "$NA" -s -j qdisc show dev dsa0 | jq --arg k "$1" "[.[] | select(.kind == \$k)][0].$2"
}
p0=$(qd pfifo drops)
t0=$(qd tbf drops)
dg_start main "$NA" || finish
nsx "$NA" "$UDPSEND" -n $N -l 100 10.99.0.2 9 >"$T/send" || fail "udpsend: $(cat "$T/send")"
dg_in_window main
dg_end main "$NA" || finish
d=$(($(qd pfifo drops) - p0))
td=$(($(qd tbf drops) - t0))
limit=$(qd pfifo options.limit)

check_eq "pfifo limit (tc)" 5 "$limit"
check_true "the pfifo dropped some of the $N datagrams ($d)" test "$d" -gt 0 -a "$d" -lt $N
check_eq "the tbf counts the same drops" "$d" "$td"

dg_one QDISC_DROP "$(dg_select main '.source == "drops" and .name == "QDISC_DROP"')" ||
	show "$T/main.json" 80
check_eq "count = tc drops delta" "$d" "$(fv '.count')"
check_eq "location" __dev_queue_xmit "$(fv '.location')"
check_eq "device" dsa0 "$(fv '.device')"
check_eq "netns (inode)" "$(netns_inode "$NA")" "$(fv '.netns')"
dg_check_common QDISC_DROP "$NA"

Q=$(fv '[.evidence.qdiscs[]? | select(.device == "dsa0" and .kind == "pfifo")]')
check_eq "evidence.qdiscs: the pfifo on dsa0" 1 "$(jq length <<<"$Q")" ||
	log "evidence: $(fv -c '.evidence')"
q()
{
	jq -r ".[0].$1" <<<"$Q"
}
check_eq "qdisc: handle" 10: "$(q handle)"
check_eq "qdisc: parent" 1:1 "$(q parent)"
check_eq "qdisc: limit = tc" "$limit" "$(q limit)"
check_eq "qdisc: drops = tc delta" "$d" "$(q drops)"
check_eq "qdisc: netns (inode)" "$(netns_inode "$NA")" "$(q netns)"
# the tbf, if listed, with its own counter
TQ=$(fv '[.evidence.qdiscs[]? | select(.device == "dsa0" and .kind == "tbf")]')
if [[ $(jq length <<<"$TQ") == 1 ]]; then
	check_eq "qdisc tbf: drops = tc delta" "$td" "$(jq -r '.[0].drops' <<<"$TQ")"
fi

check_true "reconcile: at least one entry" test "$(fv '.reconcile | length')" -gt 0
check_eq "reconcile: every entry agrees" true "$(fv '[.reconcile[]?.agrees] | all')"
check_eq "reconcile: every delta = tc delta" true \
	"$(fv --argjson d "$d" '[.reconcile[]?.delta == $d] | all')"
dg_check_total report "$d"
finish
