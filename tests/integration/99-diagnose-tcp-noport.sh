#!/bin/bash
# diagnose-node: reconcile per protocol. 5 TCP SYNs (tcpsyn) and 3 UDP
# datagrams (udpsend) to closed ports of 127.0.0.1. The kernel drops both
# as NO_SOCKET, at tcp_v4_rcv and __udp4_lib_rcv; only UDP has a counter
# (UdpNoPorts). The report must have two NO_SOCKET findings, each at its
# own location: TCP's count = the SYNs refused = TcpOutRsts delta (a RST
# answers each) and "no counter for TCP", never DIFFERS; UDP's count =
# UdpNoPorts delta, agreeing. Checked against nstat, not the report.
. "$(dirname "$0")/diagnose_lib.sh"
require nstat jq
TCPSYN=$(tool tcpsyn) || exit 1
UDPSEND=$(tool udpsend) || exit 1

NT=5
NU=3
ns_add NS a
snmp_all "$NS" "$T/snmp0"
dg_start main "$NS" || finish
# text too, at the same time: what an operator reads must not say DIFFERS
ds_launch txt "$T/txt.out" diagnose --netns "/run/netns/$NS" -d "$DIAG_SECONDS" || finish
res=$(nsx "$NS" "$TCPSYN" -n $NT -t 500 127.0.0.1 7009)
log "tcpsyn: $res"
nsx "$NS" "$UDPSEND" -n $NU 127.0.0.1 7010 >/dev/null || fail "udpsend"
dg_in_window main
dg_end main "$NS" || finish
ds_wait_exit txt $((DIAG_SECONDS + 20)) || fail "diagnose (text) did not end"
check_eq "diagnose (text): exit status" 0 "${DSRC[txt]}"
snmp_all "$NS" "$T/snmp1"
refused=$(awk '{ print $4 }' <<<"$res")
rsts=$(snmp_delta "$T/snmp0" "$T/snmp1" TcpOutRsts)
noports=$(snmp_delta "$T/snmp0" "$T/snmp1" UdpNoPorts)
check_eq "tcpsyn: every SYN refused" $NT "$refused"
check_eq "TcpOutRsts delta = SYNs" $NT "$rsts"
check_eq "UdpNoPorts delta = datagrams" $NU "$noports"

dg_one "NO_SOCKET (tcp)" "$(dg_select main '.name == "NO_SOCKET" and .protocol == "tcp"')"
check_eq "tcp: count = TcpOutRsts delta" "$rsts" "$(fv '.count')"
check_true "tcp: location is tcp_v4_rcv ($(fv '.location'))" \
	test "$(fv '.location | test("^tcp_v4_rcv")')" = true
check_eq "tcp: no counter compared" "no counter for TCP" \
	"$(fv '[.reconcile[] | select(.agrees == null) | .note] | first // "none"')"
check_eq "tcp: nothing agrees or differs" 0 \
	"$(fv '[.reconcile[] | select(.agrees != null)] | length')"

dg_one "NO_SOCKET (udp)" "$(dg_select main '.name == "NO_SOCKET" and .protocol == "udp"')"
check_eq "udp: count = UdpNoPorts delta" "$noports" "$(fv '.count')"
check_true "udp: location is __udp4_lib_rcv ($(fv '.location'))" \
	test "$(fv '.location | test("^__udp4_lib_rcv")')" = true
check_eq "udp: reconcile delta = nstat" "$noports" "$(fv '.reconcile[0].delta')"
check_eq "udp: agrees" true "$(fv '.reconcile[0].agrees')"

check_eq "no reconcile entry differs" 0 \
	"$(jq '[.findings[].reconcile[] | select(.agrees == false)] | length' "$T/main.json")"
check_true "text: no DIFFERS" bash -c "! grep -q DIFFERS '$T/txt.out'"
check_true "text: says no counter for TCP" grep -q "counters: no counter for TCP" "$T/txt.out" ||
	show "$T/txt.out" 40
dg_check_total report $((rsts + noports))
finish
