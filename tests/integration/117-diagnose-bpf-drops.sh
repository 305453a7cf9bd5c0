#!/bin/bash
# diagnose, the counters of BPF programs' drops: which kernel counter sees
# them, and that diagnose compares with that one or says there is none.
# Four veth pairs from A into B, each with one program in B dropping UDP
# to port 7001, one diagnose window each (--netns B):
#   - a clsact ingress filter: the clsact qdisc (parent ffff:fff1) counts
#     the drops (`tc -s qdisc`), so TC_INGRESS agrees with that growth;
#   - a tcx ingress program: no qdisc, no counter: said so, not DIFFERS;
#   - an XDP program in generic mode (xdpgeneric): the kernel counts its
#     drops nowhere: no counter, not DIFFERS;
#   - the same in native mode (xdpdrv): veth counts them (`ethtool -S`
#     rx_queue_0_xdp_drops), XDP_DROP agrees with that growth.
# And a clsact egress filter in A (--netns A): TC_EGRESS agrees with the
# qdisc's growth, and the UdpSndbufErrors the same datagrams grow (the
# drop is ENOBUFS to the sender; nstat) are not a finding of their own.
# Last, drops spread over devices name none of them alone: datagrams to a
# closed port (7009, which no program drops) over three of the pairs, 10,
# 8 and 2: one NO_SOCKET finding of 20 (UdpNoPorts in B, nstat) with no
# "device" and the three in "devices"; the text says "on 3 devices".
. "$(dirname "$0")/diagnose_lib.sh"
. "$(dirname "$0")/bpfprog_lib.sh"
bpf_require
require nstat
UDPSEND=$(tool udpsend) || exit 1
TCX=$(tool tcx) || exit 1
N=25

bpf_build tcdrop <<EOT
$BPF_HEAD
SEC("tc") int ds117_tc(struct __sk_buff *s)
{
	return udp_dport((void *)(long)s->data, (void *)(long)s->data_end) == 7001 ? TC_ACT_SHOT : TC_ACT_OK;
}
EOT
bpf_build xdpdrop <<EOT
$BPF_HEAD
SEC("xdp") int ds117_xdp(struct xdp_md *c)
{
	return udp_dport((void *)(long)c->data, (void *)(long)c->data_end) == 7001 ? XDP_DROP : XDP_PASS;
}
EOT

ns_add NA a
ns_add NB b
for i in 0 1 2 3; do
	veth_add "$NA" dsa$i "$NB" dsb$i
	ip -n "$NA" addr add 10.117.$i.1/24 dev dsa$i || die addr
	ip -n "$NB" addr add 10.117.$i.2/24 dev dsb$i || die addr
	ip -n "$NA" neigh add 10.117.$i.2 lladdr "$(mac_of "$NB" dsb$i)" dev dsa$i || die neigh
done
tc -n "$NB" qdisc add dev dsb0 clsact || die clsact
tc -n "$NB" filter add dev dsb0 ingress pref 7 bpf da obj "$T/tcdrop.o" sec tc || die "tc filter add"
tcx_attach "$NB" ingress dsb1 tcdrop || skip_refused
xdp_attach "$NB" dsb2 xdpgeneric xdpdrop || skip_refused
tc -n "$NA" qdisc add dev dsa0 clsact || die "clsact A"
tc -n "$NA" filter add dev dsa0 egress pref 7 bpf da obj "$T/tcdrop.o" sec tc || die "tc filter add egress"
xdp_attach "$NB" dsb3 xdpdrv xdpdrop || skip_refused

# The attach helpers skip, not fail, where the kernel refuses a hook or a
# mode: a bridge has no native XDP, so xdpdrv on one is a refusal (status
# 2 and the kernel's reason), the path a kernel without tcx (before 6.6)
# takes in tcx_attach. A failure that is not one stays a failure: a
# program of type xdp on a tcx hook this kernel has is refused by the
# attach, not by the hook, and the tcx tool says so with exit 1, not 3.
ip -n "$NB" link add dsbr0 type bridge || die "bridge"
rc=0
xdp_attach "$NB" dsbr0 xdpdrv xdpdrop || rc=$?
check_eq "xdp_attach: xdpdrv on a bridge is refused (2), not a failure" 2 $rc
check_true "xdp_attach: the reason is the kernel's ($REFUSED)" \
	grep -qE '^refused: xdpdrv on dsbr0: .*(does not support XDP|Operation not supported)' <<<"$REFUSED"
bpftool prog load "$T/xdpdrop.o" "/sys/fs/bpf/dstest-$$-x" type xdp || die "bpftool prog load xdp"
rc=0
"$TCX" attach ingress "/run/netns/$NB" dsb0 "/sys/fs/bpf/dstest-$$-x" 2>"$T/tcxwrong.err" || rc=$?
rm -f "/sys/fs/bpf/dstest-$$-x"
check_eq "tcx: an xdp program on a tcx hook fails (1), not refused (3)" 1 $rc
ip -n "$NB" link del dsbr0 || die "bridge del"

clsact_drops() { tc -n "${2:-$NB}" -s -j qdisc show dev "${1:-dsb0}" | jq '[.[] | select(.kind == "clsact")][0].drops'; }
xdp_drops() { nsx "$NB" ethtool -S "$1" | awk '$1 == "rx_queue_0_xdp_drops:" { print $2 }'; }

# window TAG I [NS]: a diagnose window of NS (B) while A sends N datagrams to 7001 over pair I.
window()
{
	dg_start "$1" "${3:-$NB}" || finish
	wait_progwatch "$1"
	nsx "$NA" "$UDPSEND" -n $N "10.117.$2.2" 7001 >"$T/$1.send" || fail "udpsend: $(cat "$T/$1.send")"
	dg_in_window "$1"
	dg_end "$1" "${3:-$NB}" || finish
}

# 0. clsact egress in A: the qdisc counts them; UdpSndbufErrors is the same datagrams.
q0=$(clsact_drops dsa0 "$NA")
u0=$(snmp "$NA" UdpSndbufErrors)
window egr 0 "$NA"
dq=$(($(clsact_drops dsa0 "$NA") - q0))
du=$(($(snmp "$NA" UdpSndbufErrors) - u0))
check_eq "tc -s: dsa0's clsact qdisc dropped the datagrams" $N $dq
check_eq "nstat: UdpSndbufErrors grew by as many" $dq $du
dg_one "egress: TC_EGRESS" "$(dg_select egr '.source == "drops" and .name == "TC_EGRESS"')" ||
	show "$T/egr.json" 60
check_eq "egress: count = tc -s drops" $dq "$(fv '.count')"
check_eq "egress: reconciled with the qdisc counter" '[{"counter":"qdisc:drops","delta":'$dq',"agrees":true}]' \
	"$(fv -c '[.reconcile[] | {counter, delta, agrees}]')"
check_eq "egress: the findings add up to the datagrams dropped" $dq \
	"$(jq '[.findings[].count] | add // 0' "$T/egr.json")"
tc -n "$NA" qdisc del dev dsa0 clsact || die "tc qdisc del clsact A"

# 1. clsact: the qdisc counts them; TC_INGRESS agrees with its growth.
q0=$(clsact_drops)
window cls 0
dq=$(($(clsact_drops) - q0))
check_eq "tc -s: the clsact qdisc dropped the datagrams" $N $dq
dg_one "clsact: TC_INGRESS" "$(dg_select cls '.source == "drops" and .name == "TC_INGRESS"')" ||
	show "$T/cls.json" 60
check_eq "clsact: count = tc -s drops" $dq "$(fv '.count')"
check_eq "clsact: reconciled with the qdisc counter" '[{"counter":"qdisc:drops","delta":'$dq',"agrees":true}]' \
	"$(fv -c '[.reconcile[] | {counter, delta, agrees}]')"

# 2. tcx: no qdisc on dsb1, no counter anywhere: said, not compared.
check_eq "tc: no qdisc on dsb1 counts tcx drops" 0 \
	"$(tc -n "$NB" -s -j qdisc show dev dsb1 | jq '[.[] | select(.parent == "ffff:fff1")] | length')"
window tcx 1
dg_one "tcx: TC_INGRESS" "$(dg_select tcx '.source == "drops" and .name == "TC_INGRESS"')" ||
	show "$T/tcx.json" 60
check_eq "tcx: count = datagrams sent" $N "$(fv '.count')"
check_eq "tcx: no counter to compare with" '[{"agrees":null,"has_note":true}]' \
	"$(fv -c '[.reconcile[] | {agrees, has_note: (.note | test("no counter"))}]')"

# 3. generic XDP: the kernel counts these drops nowhere (veth's xdp_drops stay).
x0=$(xdp_drops dsb2)
window gen 2
check_eq "ethtool -S: generic XDP drops are not in dsb2's xdp_drops" 0 $(($(xdp_drops dsb2) - x0))
dg_one "xdpgeneric: XDP_DROP" "$(dg_select gen '.source == "drops" and .name == "XDP_DROP"')" ||
	show "$T/gen.json" 60
check_eq "xdpgeneric: count = datagrams sent" $N "$(fv '.count')"
check_eq "xdpgeneric: no counter to compare with" '[{"agrees":null,"has_note":true}]' \
	"$(fv -c '[.reconcile[] | {agrees, has_note: (.note | test("no counter"))}]')"

# 4. native XDP on veth: veth counts them, XDP_DROP agrees.
x0=$(xdp_drops dsb3)
window drv 3
dx=$(($(xdp_drops dsb3) - x0))
check_eq "ethtool -S: dsb3's xdp_drops grew by the datagrams" $N $dx
dg_one "xdpdrv: XDP_DROP" "$(dg_select drv '.source == "drops" and .name == "XDP_DROP"')" ||
	show "$T/drv.json" 60
check_eq "xdpdrv: count = ethtool -S growth" $dx "$(fv '.count')"
check_eq "xdpdrv: reconciled with the driver's counter" '[{"counter":"driver:xdp_drop","delta":'$dx',"agrees":true}]' \
	"$(fv -c '[.reconcile[] | {counter, delta, agrees}]')"

# 5. one finding over three devices.
u0=$(snmp "$NB" UdpNoPorts)
dg_start multi "$NB" || finish
ds_launch mtxt "$T/mtxt.out" diagnose --netns "/run/netns/$NB" -d "$DIAG_SECONDS" || finish
nsx "$NA" "$UDPSEND" -n 10 10.117.0.2 7009 >/dev/null || fail "udpsend 0"
nsx "$NA" "$UDPSEND" -n 8 10.117.1.2 7009 >/dev/null || fail "udpsend 1"
nsx "$NA" "$UDPSEND" -n 2 10.117.2.2 7009 >/dev/null || fail "udpsend 2"
dg_in_window multi
dg_end multi "$NB" || finish
ds_wait_exit mtxt $((DIAG_SECONDS + 20)) || fail "diagnose (text) did not end"
du=$(($(snmp "$NB" UdpNoPorts) - u0))
check_eq "nstat: UdpNoPorts grew by the datagrams" 20 $du
dg_one "three devices: NO_SOCKET" "$(dg_select multi '.source == "drops" and .name == "NO_SOCKET"')" ||
	show "$T/multi.json" 60
check_eq "three devices: count = UdpNoPorts delta" $du "$(fv '.count')"
check_eq "three devices: no one device named" null "$(fv '.device')"
check_eq "three devices: devices, as sent over each" '[["dsb0",10],["dsb1",8],["dsb2",2]]' \
	"$(fv -c '[.devices[]? | [.device, .count]] | sort_by(-.[1])')"
check_true "text: says on 3 devices" grep -q "NO_SOCKET.*, on 3 devices" "$T/mtxt.out" ||
	show "$T/mtxt.out" 20
finish
