#!/bin/bash
# Objects that change under a running exporter.
# --dev NAME follows the name: 11 OTHERHOST frames into the device are
# counted; the veth is deleted and made again (a new ifindex): the
# exporter says so, and 13 more are counted, exactly (ip -s -s link).
# Then (with clang) an XDP program on the new device drops and aborts UDP:
# the verdict programs (progverdict, xdp:xdp_exception) filter by the same
# ifindex map, so both are counted exactly (ethtool -S xdp_drops), and
# the same program on the peer (another device, another namespace) adds
# nothing.
# --netns PATH deleted: said once, the namespace released (its veth's
# peer in another namespace goes with it), dropscope_netns_present 0 and
# every collector 0; made again under that path: followed (said once,
# present 1, collectors read again, CapEff still 0: CAP_SYS_ADMIN was
# raised only to enter it): 9 drops there counted exactly (UdpNoPorts of
# the new namespace) under its own cookie (SO_NETNS_COOKIE), never merged
# with the 5 of the deleted one, whose series keeps its own value.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
. "$(dirname "$0")/bpfprog_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl jq
INJECT=$(tool inject) || exit 1
UDPSEND=$(tool udpsend) || exit 1

otherhost()
{
	ip -n "$1" -j -s -s link show "$2" | jq '.[0].stats64.rx.otherhost // 0'
}

# --dev follows its name.
ns_add A a
ns_add NI inj
veth_add "$NI" dsi0 "$A" dsr0
idx1=$(ip -n "$A" -j link show dsr0 | jq '.[0].ifindex')
ex_start dev --netns "/run/netns/$A" --dev dsr0 || finish
nsx "$NI" "$INJECT" -i dsi0 -m otherhost -n 11 >/dev/null || fail "inject 1"
sleep 0.2
check_eq "kernel: otherhost on dsr0" 11 "$(otherhost "$A" dsr0)"
scrape dev >"$T/d1.txt" || fail "scrape 1"
check_eq "drops on dsr0" 11 "$(msum "$T/d1.txt" dropscope_drops_total)"
ip -n "$A" link del dsr0 || fail "link del"
scrape dev >/dev/null || fail "scrape while gone"
veth_add "$NI" dsi0 "$A" dsr0
idx2=$(ip -n "$A" -j link show dsr0 | jq '.[0].ifindex')
check_true "the device made again has another ifindex ($idx1, $idx2)" test "$idx1" != "$idx2"
scrape dev >/dev/null || fail "scrape after re-creation" # the filter follows here
nsx "$NI" "$INJECT" -i dsi0 -m otherhost -n 13 >/dev/null || fail "inject 2"
sleep 0.2
check_eq "kernel: otherhost on the new dsr0" 13 "$(otherhost "$A" dsr0)"
scrape dev >"$T/d2.txt" || fail "scrape 2"
check_eq "drops: 11 before, 13 on the new device" 24 "$(msum "$T/d2.txt" dropscope_drops_total)"
if command -v clang >/dev/null && command -v ethtool >/dev/null &&
	[[ -r /usr/include/bpf/bpf_helpers.h ]]; then
	wait_progwatch dev
	bpf_build verdict <<EOT
$BPF_HEAD
SEC("xdp") int ds84_verdict(struct xdp_md *c)
{
	int p = udp_dport((void *)(long)c->data, (void *)(long)c->data_end);

	return p == 7001 ? XDP_DROP : p == 7009 ? XDP_ABORTED : XDP_PASS;
}
EOT
	ip -n "$NI" addr add 10.84.0.1/24 dev dsi0 || die addr
	ip -n "$A" addr add 10.84.0.2/24 dev dsr0 || die addr
	ip -n "$NI" neigh add 10.84.0.2 lladdr "$(mac_of "$A" dsr0)" dev dsi0 || die neigh
	ip -n "$A" neigh add 10.84.0.1 lladdr "$(mac_of "$NI" dsi0)" dev dsr0 || die neigh
	xdp_attach "$A" dsr0 xdpdrv verdict || skip_refused
	xdp_attach "$NI" dsi0 xdpdrv verdict || skip_refused
	nsx "$NI" "$UDPSEND" -n 7 10.84.0.2 7001 >/dev/null || fail "udpsend 7001"
	nsx "$NI" "$UDPSEND" -n 5 10.84.0.2 7009 >/dev/null || fail "udpsend 7009"
	nsx "$A" "$UDPSEND" -n 3 10.84.0.1 7001 >/dev/null || fail "udpsend 7001 back"
	nsx "$A" "$UDPSEND" -n 2 10.84.0.1 7009 >/dev/null || fail "udpsend 7009 back"
	sleep 0.2
	check_eq "ethtool: the new dsr0's xdp_drops (dropped + aborted)" 12 \
		"$(nsx "$A" ethtool -S dsr0 | awk '$1 == "rx_queue_0_xdp_drops:" { print $2 }')"
	check_eq "ethtool: the peer's xdp_drops" 5 \
		"$(nsx "$NI" ethtool -S dsi0 | awk '$1 == "rx_queue_0_xdp_drops:" { print $2 }')"
	scrape dev >"$T/d3.txt" || fail "scrape 3"
	# (Attaching XDP to a veth may free an skb of its own there: not checked.)
	check_eq "XDP_ABORTED: the new dsr0's 5 (xdp:xdp_exception), none of the peer's 2" 5 \
		"$(msum "$T/d3.txt" dropscope_drops_total 'reason="XDP_ABORTED"')"
	check_eq "XDP_DROP: the new dsr0's 7, none of the peer's 3" 7 \
		"$(msum "$T/d3.txt" dropscope_drops_total 'reason="XDP_DROP"')"
	check_eq "OTHERHOST: still 24" 24 \
		"$(msum "$T/d3.txt" dropscope_drops_total 'reason="OTHERHOST"')"
	ip -n "$A" link set dev dsr0 xdpdrv off
	ip -n "$NI" link set dev dsi0 xdpdrv off
else
	log "no clang, ethtool or bpf/bpf_helpers.h: the XDP verdicts after re-creation not checked"
fi
check_eq "said deleted" 1 "$(grep -c 'dsr0: deleted' "$T/dev.err")"
check_eq "said made again" 1 "$(grep -c 'dsr0: made again' "$T/dev.err")"
ds_stop dev

# --netns deleted, then made again.
NSCOOKIE=$(tool nscookie) || exit 1
ns_add B b
ns_add NJ inj2
veth_add "$NJ" dsj0 "$B" dsq0
ex_start ns --netns "/run/netns/$B" --by location,reason,netns || finish
nsx "$B" "$UDPSEND" -n 5 127.0.0.1 9 >/dev/null || fail "udpsend old"
c1=$(nsx "$B" "$NSCOOKIE") || skip "no SO_NETNS_COOKIE on this kernel"
sleep 0.2
check_eq "kernel: UdpNoPorts in the first namespace" 5 "$(snmp "$B" UdpNoPorts)"
scrape ns >"$T/n1.txt" || fail "scrape n1"
check_eq "present" 1 "$(msum "$T/n1.txt" dropscope_netns_present)"
check_eq "collectors read" 5 "$(msum "$T/n1.txt" dropscope_collector_success)"
check_eq "the first namespace counted exactly" 5 \
	"$(msum "$T/n1.txt" dropscope_drops_total "netns_cookie=\"$c1\"")"
ip netns del "$B" || fail "netns del"
for ((i = 0; i < 50; i++)); do
	grep -q 'was deleted' "$T/ns.err" && ! ip -n "$NJ" link show dsj0 >/dev/null 2>&1 && break
	sleep 0.1
done
check_true "the veth's peer went with the namespace (released)" \
	sh -c "! ip -n '$NJ' link show dsj0 >/dev/null 2>&1"
scrape ns >"$T/n2.txt" || fail "scrape n2"
sleep 1.2
scrape ns >/dev/null || fail "scrape n3"
check_eq "not present" 0 "$(msum "$T/n2.txt" dropscope_netns_present)"
check_eq "collectors failing" 0 "$(msum "$T/n2.txt" dropscope_collector_success)"
check_eq "said once" 1 "$(grep -c 'was deleted' "$T/ns.err")"
ip netns add "$B" || fail "netns add again"
ip -n "$B" link set lo up
for ((i = 0; i < 50; i++)); do
	grep -q 'made again' "$T/ns.err" && break
	sleep 0.1
done
check_eq "said made again, once" 1 "$(grep -c "$B: made again" "$T/ns.err")"
check_true "still running" kill -0 "${DSPID[ns]}"
check_eq "CapEff 0 after entering it again" 0000000000000000 \
	"$(awk '$1 == "CapEff:" { print $2 }' "/proc/${DSPID[ns]}/status")"
c2=$(nsx "$B" "$NSCOOKIE") || fail "nscookie"
check_true "the new namespace has a new cookie ($c1, $c2)" test "$c1" != "$c2"
nsx "$B" "$UDPSEND" -n 9 127.0.0.1 9 >/dev/null || fail "udpsend"
sleep 0.2
check_eq "kernel: UdpNoPorts in the new namespace" 9 "$(snmp "$B" UdpNoPorts)"
scrape ns >"$T/n4.txt" || fail "scrape n4"
check_eq "present again" 1 "$(msum "$T/n4.txt" dropscope_netns_present)"
check_eq "collectors read again" 5 "$(msum "$T/n4.txt" dropscope_collector_success)"
check_eq "the new namespace counted exactly, under its cookie" 9 \
	"$(msum "$T/n4.txt" dropscope_drops_total "netns_cookie=\"$c2\"")"
old=$(msum "$T/n4.txt" dropscope_drops_total "netns_cookie=\"$c1\"")
check_true "the deleted namespace's series kept its 5 or went ($old), never merged" \
	test "$old" = 5 -o "$old" = 0
check_eq "nothing else counted" $((9 + old)) "$(msum "$T/n4.txt" dropscope_drops_total)"
finish
