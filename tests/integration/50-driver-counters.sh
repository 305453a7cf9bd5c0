#!/bin/bash
# A driver's own drop counters (ethtool -S), as `dropscope counters` and
# the exporter show them: a veth whose XDP program drops one UDP flow
# counts those frames in rx_queue_0_xdp_drops, and every counter whose name
# says drop/discard/miss/no_buf/fifo/overrun must equal `ethtool -S`, none
# of the others may be shown.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
. "$(dirname "$0")/bpfprog_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once: the driver side does not depend on the backend"
bpf_require curl promtool
UDPSEND=$(tool udpsend) || exit 1
NDROP=37
NPASS=11

bpf_build xdpdrop <<EOT
$BPF_HEAD
SEC("xdp") int ds50_drop(struct xdp_md *c)
{
	return udp_dport((void *)(long)c->data, (void *)(long)c->data_end) == 7001 ? XDP_DROP : XDP_PASS;
}
EOT
ns_add NA a
ns_add NB b
veth_add "$NA" dsa0 "$NB" dsb0
ip -n "$NA" addr add 10.50.0.1/24 dev dsa0 || die addr
ip -n "$NB" addr add 10.50.0.2/24 dev dsb0 || die addr
ip -n "$NA" neigh add 10.50.0.2 lladdr "$(mac_of "$NB" dsb0)" dev dsa0 || die neigh
xdp_attach "$NB" dsb0 xdpdrv xdpdrop || skip_refused
ex_start ex --netns "/run/netns/$NB" || finish

nsx "$NA" "$UDPSEND" -n $NDROP 10.50.0.2 7001 >/dev/null || fail "udpsend 7001"
nsx "$NA" "$UDPSEND" -n $NPASS 10.50.0.2 7002 >/dev/null || fail "udpsend 7002"
sleep 0.2

"$DROPSCOPE" counters --netns "/run/netns/$NB" >"$T/counters.txt" || fail "counters failed"
scrape ex >"$T/scrape.txt" || fail "scrape"
nsx "$NB" ethtool -S dsb0 | sed -n 's/^ *\([^:]*\): *\([0-9][0-9]*\)$/\1 \2/p' >"$T/ethtool.txt"
[[ -s $T/ethtool.txt ]] || die "ethtool -S dsb0 said nothing"
check_eq "ethtool: rx_queue_0_xdp_drops = datagrams of the dropped flow" $NDROP \
	"$(awk '$1 == "rx_queue_0_xdp_drops" { print $2 }' "$T/ethtool.txt")"

# The same name patterns, written independently of the code's table.
re='drop|discard|miss|no_?buf|out_of_buffer|fifo|overrun|over_errors'
kept=0
while read -r name value; do
	sel=("device=\"dsb0\"" "counter=\"$name\"")
	n_c=$(grep -c "^dropscope_driver_drops_total{device=\"dsb0\",counter=\"$name\"}" "$T/counters.txt")
	if grep -qiE "$re" <<<"$name"; then
		kept=$((kept + 1))
		check_eq "counters: dsb0 $name = ethtool -S" "$value" \
			"$(msum "$T/counters.txt" dropscope_driver_drops_total "${sel[@]}")"
		check_eq "exporter: dsb0 $name = ethtool -S" "$value" \
			"$(msum "$T/scrape.txt" dropscope_driver_drops_total "${sel[@]}")"
	else
		check_eq "counters: dsb0 $name (not a drop counter) not shown" 0 "$n_c"
	fi
done <"$T/ethtool.txt"
check_true "some counters kept ($kept)" test $kept -ge 2
check_eq "counters: dsb0's rows = ethtool's drop counters" $kept \
	"$(grep -c '^dropscope_driver_drops_total{device="dsb0",' "$T/counters.txt")"
check_eq "loopback has no driver statistics" 0 \
	"$(grep -c '^dropscope_driver_drops_total{device="lo",' "$T/counters.txt")"
check_eq "the driver collector succeeded" 1 \
	"$(msum "$T/scrape.txt" dropscope_collector_success 'collector="driver"')"
check_true "promtool accepts the scrape" promtool check metrics <"$T/scrape.txt"

# diagnose counts them once: as the program's XDP_DROP finding whose
# driver:xdp_drop counter agrees, or (without the program's rows) as the
# driver's own finding; either way what ethtool -S counted in the window.
x0=$(nsx "$NB" ethtool -S dsb0 | awk '$1 == "rx_queue_0_xdp_drops:" { print $2 }')
ds_launch dg "$T/dg.json" diagnose --netns "/run/netns/$NB" --json -d 3 || finish
nsx "$NA" "$UDPSEND" -n $NDROP 10.50.0.2 7001 >/dev/null || fail "udpsend 7001"
nsx "$NA" "$UDPSEND" -n $NPASS 10.50.0.2 7002 >/dev/null || fail "udpsend 7002"
check_true "the drops were made within diagnose's window" kill -0 "${DSPID[dg]}"
ds_wait_exit dg 25 || fail "diagnose still running 25 s after it started"
x1=$(nsx "$NB" ethtool -S dsb0 | awk '$1 == "rx_queue_0_xdp_drops:" { print $2 }')
check_eq "diagnose: exit status" 0 "${DSRC[dg]}" || show "$T/dg.err" 20
log "diagnose findings: $(jq -c '[.findings[] | [.source, .name, .count, .reconcile]]' "$T/dg.json")"
check_eq "ethtool: rx_queue_0_xdp_drops grew by the dropped flow in the window" $NDROP $((x1 - x0))
check_eq "diagnose: XDP_DROP + driver:xdp_drop findings = ethtool's growth" $((x1 - x0)) \
	"$(jq '[.findings[] | select(.name == "XDP_DROP" or .name == "driver:xdp_drop") | .count] | add' "$T/dg.json")"
check_eq "diagnose: driver:xdp_drop said once (a finding or a counter that agrees)" 1 \
	"$(jq '[.findings[] | select(.name == "driver:xdp_drop" or (.reconcile // [] | any(.counter == "driver:xdp_drop" and .delta == '$((x1 - x0))')))] | length' "$T/dg.json")"
check_eq "diagnose: dsb0 is the device" true \
	"$(jq '[.findings[] | select(.name == "XDP_DROP" or .name == "driver:xdp_drop") | .device == "dsb0"] | all' "$T/dg.json")"
ip -n "$NB" link set dev dsb0 xdpdrv off
finish
