#!/bin/bash
# IPv4 packets whose header checksum is wrong, injected with AF_PACKET on a
# veth addressed to the peer's MAC: ip_rcv_core drops them as IP_CSUM.
# Ground truth: the namespace's IpExtInCsumErrors (and IpInHdrErrors,
# which the kernel bumps for the same packets).
. "$(dirname "$0")/lib.sh"
require nstat jq
INJECT=$(tool inject) || exit 1

N=31
LOC='ip_rcv_core|ip_rcv'
ns_add NS a
ns_add NI inj
veth_add "$NI" dsi0 "$NS" dsr0
MAC=$(mac_of "$NS" dsr0)

ds_start main --netns "/run/netns/$NS" -r --symbols=data -i 3600 || finish
cs0=$(snmp "$NS" IpExtInCsumErrors)
hd0=$(snmp "$NS" IpInHdrErrors)
nsx "$NI" "$INJECT" -i dsi0 -m badcsum -d "$MAC" -n $N >/dev/null || fail "inject"
sleep 0.3
cs=$(($(snmp "$NS" IpExtInCsumErrors) - cs0))
hd=$(($(snmp "$NS" IpInHdrErrors) - hd0))
ds_stop main

ds_check_stopped main
OUT=$T/main.out
check_eq "IpExtInCsumErrors delta" $N "$cs"
check_eq "IpInHdrErrors delta" $N "$hd"
check_eq "IP_CSUM ($LOC)" "$cs" "$(ds_sum "$OUT" "$LOC" IP_CSUM)" || show "$OUT"
check_only "$OUT" $N
finish
