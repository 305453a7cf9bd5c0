#!/bin/bash
# diagnose-node: a cause behind the drops. lo is set down, then 6 UDP
# datagrams go to 127.0.0.1 (the local routes stay): __dev_queue_xmit
# drops each on the down device and counts it in lo's tx_dropped. The
# report must have one finding for them whose cause is the device being
# down (ip link: no UP flag), on lo, counting lo's tx_dropped delta
# (ip -s link), agreeing with it, and no --stacks advice; tx_dropped is
# not told again as a finding of its own.
. "$(dirname "$0")/diagnose_lib.sh"
require jq
UDPSEND=$(tool udpsend) || exit 1

N=6
ns_add NS a
ip -n "$NS" link set lo down || die "lo down"
txdrop()
{
	ip -n "$NS" -j -s link show lo | jq -r '.[0].stats64.tx.dropped'
}
t0=$(txdrop)
dg_start main "$NS" || finish
ds_launch txt "$T/txt.out" diagnose --netns "/run/netns/$NS" -d "$DIAG_SECONDS" || finish
nsx "$NS" "$UDPSEND" -n $N 127.0.0.1 7012 >/dev/null || fail "udpsend"
dg_in_window main
dg_end main "$NS" || finish
ds_wait_exit txt $((DIAG_SECONDS + 20)) || fail "diagnose (text) did not end"
check_eq "diagnose (text): exit status" 0 "${DSRC[txt]}"
d=$(($(txdrop) - t0))
check_eq "ip link: lo is not UP" false "$(ip -n "$NS" -j link show lo | jq '.[0].flags | index("UP") != null')"
check_eq "ip -s link: lo tx_dropped delta = datagrams" $N "$d"

dg_one "link down" "$(dg_select main '.cause == "link_down"')"
check_eq "count = lo's tx_dropped delta" "$d" "$(fv '.count')"
check_eq "device" lo "$(fv '.device')"
check_eq "netns (inode)" "$(netns_inode "$NS")" "$(fv '.netns')"
check_eq "evidence: device lo, not up" "lo false" "$(fv '"\(.evidence.device.name) \(.evidence.device.up)"')"
check_eq "reconcile: dev:tx_dropped" dev:tx_dropped "$(fv '.reconcile[0].counter')"
check_eq "reconcile: delta = ip -s link" "$d" "$(fv '.reconcile[0].delta')"
check_eq "reconcile: agrees" true "$(fv '.reconcile[0].agrees')"
check_eq "no finding of tx_dropped besides" 0 \
	"$(dg_select main '.name == "dev:tx_dropped" and .cause == null' | jq length)"
check_true "text: the device is down" grep -q "why:      the device is down" "$T/txt.out" ||
	show "$T/txt.out" 30
check_true "text: no --stacks advice" bash -c "! grep -q -- --stacks '$T/txt.out'"
dg_check_total report "$d"
finish
