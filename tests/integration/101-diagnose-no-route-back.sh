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
# in B answers. And diagnose's own failed route lookups, which the kernel
# drops (kfree_skb in inet_rtm_getroute), are made after its window with
# the program detached: never in its report (bpftrace, strace; below).
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

# diagnose's own route lookups: a failed RTM_GETROUTE (the route back to
# 10.201.1.1 above) makes the kernel free its dummy skb with kfree_skb
# (inet_rtm_getroute, NOT_SPECIFIED), a drop any drop tool sees. diagnose
# looks routes up for its evidence after the window, once its program is
# detached (loader__detach ends with a membarrier), so it never counts its
# own: bpftrace sees the kernel drop them (diagnose's pid, at
# inet_rtm_getroute), strace has every RTM_GETROUTE after the membarrier,
# and the report has no drop there.
if command -v strace >/dev/null && command -v bpftrace >/dev/null; then
	bpftrace -e 'tracepoint:skb:kfree_skb /comm == "dropscope"/ { printf("%d %s\n", pid, ksym(args->location)); }' \
		>"$T/bt.out" 2>"$T/bt.err" &
	BTPID=$!
	PIDS+=("$BTPID")
	for ((i = 0; i < 100; i++)); do
		grep -q '^Attaching' "$T/bt.out" && break
		sleep 0.1
	done
	grep -q '^Attaching' "$T/bt.out" || die "bpftrace did not attach: $(head -3 "$T/bt.err")"
	dg_hold lst2 "$NB" "$TCPLISTEN" -b 16 -t 60 10.201.2.1 7011
	LPID=$HOLDPID
	saved=("${DS_ENV[@]}")
	# LeakSanitizer cannot run under ptrace (the sanitized build's run).
	DS_ENV+=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
		strace -f -qq -xx -o "$T/st.trace" -e 'trace=membarrier,sendto')
	dg_start own "$NB" || finish
	DS_ENV=("${saved[@]}")
	dspid=$(cat "$T/own.ready")
	nsx "$NA" "$TCPSYN" -n $N -t 200 10.201.2.1 7011 >/dev/null
	dg_in_window own
	dg_end own "$NB" || finish
	dg_release lst2 "$LPID"
	kill -INT "$BTPID"
	wait "$BTPID"
	check_true "the kernel dropped diagnose's own failed lookups (bpftrace: pid $dspid at inet_rtm_getroute)" \
		grep -q "^$dspid inet_rtm_getroute\$" "$T/bt.out" || show "$T/bt.out"
	first_mb=$(grep -n ' membarrier(' "$T/st.trace" | head -1 | cut -d: -f1)
	# Decoded (RTM_GETROUTE) where strace knows the socket's family, else
	# type 0x1a with an rtmsg for a whole IPv4 or IPv6 address after it.
	first_rt=$(grep -nE 'nlmsg_type=RTM_GETROUTE|nlmsg_type=0x1a [^}]*\}, "\\x(02\\x20|0a\\x80)' "$T/st.trace" |
		head -1 | cut -d: -f1)
	check_true "strace: RTM_GETROUTE sent (line ${first_rt:-none})" test -n "$first_rt" ||
		grep sendto "$T/st.trace" | head -5
	check_true "strace: the program detached (membarrier, line ${first_mb:-none}) before the first lookup" \
		test "${first_mb:-999999}" -lt "${first_rt:-0}"
	check_eq "the report has no drop at inet_rtm_getroute" 0 "$(grep -c inet_rtm_getroute "$T/own.json")"
	check_eq "the report's findings: IpOutNoRoutes alone" '["IpOutNoRoutes"]' \
		"$(jq -c '[.findings[].name]' "$T/own.json")"
else
	log "no strace or bpftrace: diagnose's own lookups not checked"
fi
finish
