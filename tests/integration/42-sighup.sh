#!/bin/bash
# SIGHUP (the ssh session closed) ends the summary run like SIGINT: the
# partial interval is printed with every drop sent, then the stop line,
# exit 0. Ground truth: what was sent and the namespace's UdpNoPorts.
. "$(dirname "$0")/lib.sh"
require nstat
[[ $BACKEND == tp_btf ]] || skip "not about the backend: runs once, with tp_btf"
UDPSEND=$(tool udpsend) || exit 1

N=17
ns_add NS a
ds_start main --netns "/run/netns/$NS" -r -i 3600 || finish
v0=$(snmp "$NS" UdpNoPorts)
nsx "$NS" "$UDPSEND" -n $N 127.0.0.1 9 >/dev/null || fail "udpsend"
v=$(($(snmp "$NS" UdpNoPorts) - v0))
sleep 0.3
ds_stop main HUP
check_eq "UdpNoPorts delta" $N "$v"
check_eq "main: exit status after SIGHUP" 0 "${DSRC[main]:-none}" || show "$T/main.err"
check_eq "main: first line" "Monitoring for dropped packets" "$(head -n 1 "$T/main.out")"
check_eq "main: last line" "Stopping dropped packet monitor" "$(tail -n 1 "$T/main.out")"
check_eq "main: the partial interval has every drop" "$v" \
	"$(ds_sum "$T/main.out" __udp4_lib_rcv NO_SOCKET)" || show "$T/main.out"
finish
