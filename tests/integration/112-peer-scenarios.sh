#!/bin/bash
# Scenarios other projects' suites break a network with (KubeSkoop's fault
# injections, nettrace's and pwru's drop cases), each between a sender S
# and a router R of its own; dropscope summary and diagnose watch R:
#   fwd_off    R does not forward (ip_forward=0), S sends through it:
#              IP_INADDRERRORS at ip_error = IpInAddrErrors; diagnose's
#              finding agrees and shows ip_forward = 0 as read in R
#   ttl        S's TTL is 1 (its ip_default_ttl), R forwards: IP_INHDR at
#              ip_forward = IpInHdrErrors = the ICMP time exceeded R sent
#              back; diagnose tells it once (known, agrees), not again as a
#              counter finding of its own
#   hoplimit   the same over IPv6 (S's hop_limit 1): IP_INHDR at ip6_forward
#              = Ip6InHdrErrors, diagnose agrees
#   iptables   an iptables-legacy DROP rule in R's INPUT: NETFILTER_DROP at
#              nf_hook_slow = the rule's counter (iptables -nvxL); diagnose
#              says the hook and that no nftables rule holds the drop
#   blackhole  `ip route add blackhole` in R: the kernel gives no reason
#              (NOT_SPECIFIED at ip_error) and counts no drop anywhere, so
#              the check is what R received (IpInReceives) minus what it
#              forwarded or delivered (none); diagnose names the cause (an
#              error route) and the destination with `ip route get`'s answer
. "$(dirname "$0")/diagnose_lib.sh"
require nstat jq
UDPSEND=$(tool udpsend) || exit 1

N=9
DST=10.212.9.9

# pair TAG: namespaces S and R (veth, addresses, static neighbours, S's
# default route via R); sets NS and NR.
pair()
{
	ns_add NS "s$1"
	ns_add NR "r$1"
	veth_add "$NS" "ds$$s" "$NR" "ds$$r"
	ip -n "$NS" addr add 10.212.1.2/24 dev "ds$$s" || die "addr S"
	ip -n "$NR" addr add 10.212.1.1/24 dev "ds$$r" || die "addr R"
	ip -n "$NS" route add default via 10.212.1.1 || die "route S"
	nsx "$NS" ip neigh replace 10.212.1.1 lladdr "$(mac_of "$NR" "ds$$r")" dev "ds$$s" ||
		die "neigh S"
	nsx "$NR" ip neigh replace 10.212.1.2 lladdr "$(mac_of "$NS" "ds$$s")" dev "ds$$r" ||
		die "neigh R"
}

# watch TAG: summary (-r, text) and diagnose (JSON) on R, both ready.
watch()
{
	ds_start "sum$1" --netns "/run/netns/$NR" -r -i "$DIAG_SECONDS" -c 1 || finish
	dg_start main "$NR" || finish
}

# settle TAG: both ended by themselves; summary's rows in $T/TAG.rows.
settle()
{
	dg_end main "$NR" || finish
	ds_wait_exit "sum$1" 20 || fail "$1: summary still running"
	check_eq "$1: summary exit status" 0 "${DSRC[sum$1]}"
	ds_table "$T/sum$1.out" >"$T/$1.rows"
	log "$1 summary: $(tr '\n' ';' <"$T/$1.rows")"
}

# rows TAG FUNC REASON: the summary's count at FUNC with REASON.
rows()
{
	awk -F'\t' -v f="$2" -v r="$3" '$2 == f && $3 == r { s += $1 } END { print s + 0 }' "$T/$1.rows"
}

# --- forwarding off
pair f
nsx "$NR" sysctl -qw net.ipv4.ip_forward=0 || die "ip_forward"
ip -n "$NR" route add 10.212.9.0/24 dev "ds$$r" || die "route R"
a0=$(snmp "$NR" IpInAddrErrors)
watch f
nsx "$NS" "$UDPSEND" -n $N "$DST" 7001 >/dev/null || fail "udpsend"
dg_in_window main
settle f
d=$(($(snmp "$NR" IpInAddrErrors) - a0))
check_eq "fwd_off: IpInAddrErrors delta = datagrams" $N "$d"
check_eq "fwd_off: summary at ip_error (IP_INADDRERRORS) = IpInAddrErrors" "$d" \
	"$(rows f ip_error IP_INADDRERRORS)"
dg_one "fwd_off: IP_INADDRERRORS" "$(dg_select main '.name == "IP_INADDRERRORS"')"
check_eq "fwd_off: count = IpInAddrErrors delta" "$d" "$(fv '.count')"
check_eq "fwd_off: reconcile agrees" true "$(fv '.reconcile[0].agrees')"
check_eq "fwd_off: ip_forward shown as read in R" "$(nsysctl "$NR" net.ipv4.ip_forward)" \
	"$(fv '[.change[]? | select(.knob == "net.ipv4.ip_forward") | .value][0] | tostring')"
dg_check_total "fwd_off" "$d"
ip netns del "$NS"
ip netns del "$NR"

# --- TTL runs out on the router
pair t
nsx "$NR" sysctl -qw net.ipv4.ip_forward=1 || die "ip_forward"
ip -n "$NR" route add 10.212.9.0/24 dev "ds$$r" || die "route R"
nsx "$NS" sysctl -qw net.ipv4.ip_default_ttl=1 || die "ip_default_ttl"
h0=$(snmp "$NR" IpInHdrErrors)
x0=$(snmp "$NR" IcmpOutTimeExcds)
watch t
nsx "$NS" "$UDPSEND" -n $N "$DST" 7002 >/dev/null || fail "udpsend"
dg_in_window main
settle t
d=$(($(snmp "$NR" IpInHdrErrors) - h0))
check_eq "ttl: IpInHdrErrors delta = datagrams" $N "$d"
# R answers each with a time exceeded, bar its ICMP rate limit.
x=$(($(snmp "$NR" IcmpOutTimeExcds) - x0))
check_true "ttl: R sent time exceeded back (1..$N: $x)" test "$x" -ge 1 -a "$x" -le $N
check_eq "ttl: summary at ip_forward (IP_INHDR) = IpInHdrErrors" "$d" \
	"$(rows t ip_forward IP_INHDR)"
dg_one "ttl: IP_INHDR" "$(dg_select main '.name == "IP_INHDR"')"
check_eq "ttl: count = IpInHdrErrors delta" "$d" "$(fv '.count')"
check_eq "ttl: known" true "$(fv '.known')"
check_eq "ttl: reconcile agrees" true "$(fv '.reconcile[0].agrees')"
check_eq "ttl: IpInHdrErrors not a finding of its own" 0 \
	"$(jq '[.findings[] | select(.name == "IpInHdrErrors")] | length' "$T/main.json")"
dg_check_total "ttl" "$d"
ip netns del "$NS"
ip netns del "$NR"

# --- IPv6 hop limit runs out on the router
pair h
for n in "$NS:ds$$s" "$NR:ds$$r"; do
	nsx "${n%%:*}" sysctl -qw "net.ipv6.conf.${n#*:}.disable_ipv6=0" \
		"net.ipv6.conf.${n#*:}.accept_dad=0" || die "ipv6 on ${n#*:}"
done
ip -n "$NS" addr add 2001:db8:1::2/64 dev "ds$$s" nodad || die "addr6 S"
ip -n "$NR" addr add 2001:db8:1::1/64 dev "ds$$r" nodad || die "addr6 R"
nsx "$NR" sysctl -qw net.ipv6.conf.all.forwarding=1 || die "forwarding"
ip -n "$NS" -6 route add default via 2001:db8:1::1 || die "route6 S"
ip -n "$NR" -6 route add 2001:db8:9::/64 dev "ds$$r" || die "route6 R"
nsx "$NS" ip -6 neigh replace 2001:db8:1::1 lladdr "$(mac_of "$NR" "ds$$r")" dev "ds$$s" ||
	die "neigh6 S"
nsx "$NS" sysctl -qw "net.ipv6.conf.ds$$s.hop_limit=1" || die "hop_limit"
h0=$(snmp "$NR" Ip6InHdrErrors)
watch h
nsx "$NS" "$UDPSEND" -n $N 2001:db8:9::9 7005 >/dev/null || fail "udpsend"
dg_in_window main
settle h
d=$(($(snmp "$NR" Ip6InHdrErrors) - h0))
check_eq "hoplimit: Ip6InHdrErrors delta = datagrams" $N "$d"
check_eq "hoplimit: summary at ip6_forward (IP_INHDR) = Ip6InHdrErrors" "$d" \
	"$(rows h ip6_forward IP_INHDR)"
dg_one "hoplimit: IP_INHDR" "$(dg_select main '.name == "IP_INHDR"')"
check_eq "hoplimit: count = Ip6InHdrErrors delta" "$d" "$(fv '.count')"
check_eq "hoplimit: reconcile agrees" true "$(fv '.reconcile[0].agrees')"
# No total here: IPv6 coming up on the veths sends MLD reports that R
# drops at ip6_mc_input (NOT_SPECIFIED, no counter), in the window or not.
ip netns del "$NS"
ip netns del "$NR"

# --- iptables-legacy DROP
if command -v iptables-legacy >/dev/null; then
	pair i
	nsx "$NR" iptables-legacy -A INPUT -p udp --dport 7003 -j DROP || die "iptables-legacy"
	watch i
	nsx "$NS" "$UDPSEND" -n $N 10.212.1.1 7003 >/dev/null || fail "udpsend"
	dg_in_window main
	settle i
	d=$(nsx "$NR" iptables-legacy -nvxL INPUT | awk '$3 == "DROP" && /dpt:7003/ { print $1 }')
	check_eq "iptables: the rule's counter = datagrams" $N "$d"
	check_eq "iptables: summary at nf_hook_slow (NETFILTER_DROP) = the rule's counter" "$d" \
		"$(rows i nf_hook_slow NETFILTER_DROP)"
	dg_one "iptables: NETFILTER_DROP" "$(dg_select main '.name == "NETFILTER_DROP"')"
	check_eq "iptables: count = the rule's counter" "$d" "$(fv '.count')"
	check_eq "iptables: hook input" input "$(fv '.evidence.hook')"
	check_eq "iptables: no nftables rule claimed" 0 "$(fv '[.evidence.nft[]?] | length')" ||
		log "evidence: $(fv -c .evidence)"
	check_true "iptables: points to iptables-legacy's own counters" \
		grep -qF 'iptables-legacy -nvxL' "$T/main.json"
	dg_check_total "iptables" "$d"
	nsx "$NR" iptables-legacy -F INPUT
	ip netns del "$NS"
	ip netns del "$NR"
else
	log "iptables-legacy not installed: that scenario not run"
fi

# --- blackhole route
pair b
nsx "$NR" sysctl -qw net.ipv4.ip_forward=1 || die "ip_forward"
ip -n "$NR" route add blackhole 10.212.9.0/24 || die "blackhole route"
nsx "$NR" ip route get "$DST" >"$T/rg" 2>&1 && die "R's lookup of $DST succeeds: $(cat "$T/rg")"
rg_err=$(sed -n 's/^RTNETLINK answers: //p' "$T/rg")
snmp_all "$NR" "$T/b0"
watch b
nsx "$NS" "$UDPSEND" -n $N "$DST" 7004 >/dev/null || fail "udpsend"
dg_in_window main
settle b
snmp_all "$NR" "$T/b1"
check_eq "blackhole: IpInReceives delta = datagrams" $N "$(snmp_delta "$T/b0" "$T/b1" IpInReceives)"
check_eq "blackhole: none forwarded or delivered" 0 \
	"$(snmp_delta "$T/b0" "$T/b1" IpForwDatagrams+IpInDelivers)"
check_eq "blackhole: summary at ip_error (NOT_SPECIFIED) = received - passed on" $N \
	"$(rows b ip_error NOT_SPECIFIED)"
dg_one "blackhole: NOT_SPECIFIED" "$(dg_select main '.name == "NOT_SPECIFIED"')"
check_eq "blackhole: count" $N "$(fv '.count')"
check_eq "blackhole: cause" error_route "$(fv '.cause')"
check_eq "blackhole: known" true "$(fv '.known')"
D=$(fv -c --arg a "$DST" '[.evidence.destinations[]? | select(.address == $a)]')
check_eq "blackhole: evidence: the destination $DST, all sampled" $N "$(jq -r '.[0].count' <<<"$D")" ||
	log "evidence: $(fv -c .evidence)"
check_eq "blackhole: the route lookup's answer = ip route get ($rg_err)" "$rg_err" \
	"$(jq -r '.[0].route.error' <<<"$D")"
dg_check_total "blackhole" $N
finish
