#!/bin/bash
# Counters no tracepoint reader owns, read by the exporter in the namespace
# it was given and compared with the kernel's own tools: frames for a
# foreign MAC on a veth (rx_otherhost_dropped, `ip -s -s link`), a tbf
# qdisc with a tiny limit overflowed (dropped/overlimits, `tc -s qdisc`),
# every SNMP drop counter (`nstat -az`) and softnet_stat.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl nstat jq tc promtool
INJECT=$(tool inject) || exit 1
UDPSEND=$(tool udpsend) || exit 1

NOH=29
NUDP=300
ns_add NS a
ns_add NI inj
veth_add "$NI" dsi0 "$NS" dsr0
ip -n "$NI" addr add 10.77.0.1/24 dev dsi0 || die "addr"
ip -n "$NS" addr add 10.77.0.2/24 dev dsr0 || die "addr"
# A tbf that sends 1 kB at 8 kbit/s and queues at most 2 kB: a burst of
# datagrams overflows it (drops) after the first few.
tc -n "$NI" qdisc add dev dsi0 root handle 1: tbf rate 8kbit burst 1600 limit 2000 ||
	die "tc qdisc add tbf"
ip -n "$NI" neigh add 10.77.0.2 lladdr "$(mac_of "$NS" dsr0)" dev dsi0 || die "neigh"

# A device name is any bytes but '/', ':' and white space: one with a quote,
# a backslash and a byte that is not UTF-8 must not break the scrape, and
# one with a control byte (\x01) is escaped as every other output does:
# the label's value is the text form (\xNN, a backslash \\), quoted.
ip -n "$NS" link add name $'d\xff"\\x' type veth peer name dpeer || die "odd veth"
ip -n "$NS" link add name $'e\x01f' type veth peer name epeer || die "veth with \\x01 (the kernel refused it)"
ex_start ns --netns "/run/netns/$NS" || finish
ex_start inj --netns "/run/netns/$NI" || finish

nsx "$NI" "$INJECT" -i dsi0 -m otherhost -n $NOH >/dev/null || fail "inject"
nsx "$NI" "$UDPSEND" -n $NUDP -l 200 10.77.0.2 9 >/dev/null || fail "udpsend through tbf"
# Until the tbf has sent what it queued (2 kB at 8 kbit/s: ~2 s), counters
# in the receiving namespace still move.
for ((i = 0; i < 100; i++)); do
	[[ $(tc -n "$NI" -j -s qdisc show dev dsi0 | jq '.[] | select(.kind == "tbf") | .qlen') == 0 ]] && break
	sleep 0.1
done
sleep 0.3

# Every device counter of the receiving namespace, as `ip -s -s link` says.
scrape ns >"$T/ns.txt" || fail "scrape ns"
# (iproute2 writes e\x01f's \x01 raw in its JSON, which jq refuses: taken out.)
ip -n "$NS" -j -s -s link show | LC_ALL=C tr -d '\001' >"$T/ns-link.json"
for dev in lo dsr0; do
	for k in rx.dropped:rx_dropped tx.dropped:tx_dropped rx.missed_errors:rx_missed_errors \
		rx.fifo_errors:rx_fifo_errors rx.over_errors:rx_over_errors \
		rx.nohandler:rx_nohandler rx.otherhost:rx_otherhost_dropped; do
		want=$(jq --arg d "$dev" ".[] | select(.ifname == \$d) | .stats64.${k%%:*} // 0" "$T/ns-link.json")
		check_eq "$dev ${k#*:} = ip -s -s link" "$want" \
			"$(msum "$T/ns.txt" dropscope_device_drops_total "device=\"$dev\"" "kind=\"${k#*:}\"")"
	done
done
check_eq "odd device name escaped" 1 \
	"$(grep -acxF 'dropscope_device_drops_total{device="d\\xff\"\\\\x",kind="rx_dropped"} 0' "$T/ns.txt")"
check_eq "a device name's control byte escaped as \\x01" 1 \
	"$(grep -acxF 'dropscope_device_drops_total{device="e\\x01f",kind="rx_dropped"} 0' "$T/ns.txt")"
check_eq "no raw control byte in the scrape" 0 \
	"$(LC_ALL=C grep -ac $'[\x01-\x08\x0b-\x1f\x7f]' "$T/ns.txt")"
check_true "promtool accepts the scrape" promtool check metrics <"$T/ns.txt"
check_eq "dsr0 rx_otherhost_dropped = frames injected" $NOH \
	"$(msum "$T/ns.txt" dropscope_device_drops_total 'device="dsr0"' 'kind="rx_otherhost_dropped"')"

# The qdisc of the sending namespace, as `tc -s qdisc` says.
scrape inj >"$T/inj.txt" || fail "scrape inj"
tc -n "$NI" -j -s qdisc show dev dsi0 >"$T/tc.json"
drops=$(jq '.[] | select(.kind == "tbf") | .drops' "$T/tc.json")
over=$(jq '.[] | select(.kind == "tbf") | .overlimits' "$T/tc.json")
pkts=$(jq '.[] | select(.kind == "tbf") | .packets' "$T/tc.json")
check_true "the tbf dropped something (got ${drops:-none})" test "${drops:-0}" -gt 0
Q='device="dsi0" kind="tbf" handle="1:" parent="root"'
# shellcheck disable=SC2086
check_eq "tbf drops = tc -s" "$drops" "$(msum "$T/inj.txt" dropscope_qdisc_drops_total $Q)"
# shellcheck disable=SC2086
check_eq "tbf overlimits = tc -s" "$over" "$(msum "$T/inj.txt" dropscope_qdisc_overlimits_total $Q)"
check_eq "the same drops through kfree_skb (QDISC_DROP)" "$drops" \
	"$(msum "$T/inj.txt" dropscope_drops_total 'reason="QDISC_DROP"')"
check_true "tbf packets <= tc -s now ($pkts)" test "$(msum "$T/inj.txt" dropscope_qdisc_packets_total 'kind="tbf"')" -le "$pkts"

# Every SNMP counter of the list, as nstat (which reads the same files) says.
nsx "$NS" nstat -azs >"$T/nstat.txt" 2>/dev/null
bad=0
n=0
while read -r name value; do
	want=$(awk -v n="$name" '$1 == n { print $2 }' "$T/nstat.txt")
	n=$((n + 1))
	if [[ "$want" != "$value" ]]; then
		fail "snmp $name: nstat '$want', exporter '$value'"
		bad=$((bad + 1))
	fi
done < <(sed -n 's/^dropscope_snmp_drops_total{counter="\([A-Za-z0-9]*\)"} \([0-9]*\)$/\1 \2/p' "$T/ns.txt")
check_true "snmp counters ($n) all equal nstat -az" test "$bad" = 0 -a "$n" -ge 40
check_eq "UdpNoPorts in the list" 1 "$(grep -c 'counter="UdpNoPorts"' "$T/ns.txt")"

# softnet_stat: per CPU, dropped and time_squeeze (column 2 and 3, hex).
ncpu=$(wc -l </proc/net/softnet_stat)
check_eq "a softnet series per CPU" "$ncpu" "$(mcount dropscope_softnet_dropped_total "$T/ns.txt")"
sn=0
while read -r _ d _; do sn=$((sn + 16#$d)); done </proc/net/softnet_stat
check_eq "softnet dropped = softnet_stat" "$sn" "$(msum "$T/ns.txt" dropscope_softnet_dropped_total)"
finish
