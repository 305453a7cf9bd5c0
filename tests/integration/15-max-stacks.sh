#!/bin/bash
# --max-stacks 2 with four distinct drop paths (UDP to a closed port over
# IPv4 and IPv6, a TCP SYN to a closed port, an OTHERHOST frame on a veth):
# the stack table holds at most two stacks, the drops whose stack did not
# fit are still counted under "[stack unavailable]", and every total stays
# exact against nstat and the device's rx otherhost counter.
. "$(dirname "$0")/lib.sh"
require nstat jq
UDPSEND=$(tool udpsend) || exit 1
TCPSYN=$(tool tcpsyn) || exit 1
INJECT=$(tool inject) || exit 1

N4=21 N6=15 NT=6 NO=12
ns_add NS a
ns_add NI inj
veth_add "$NI" dsi0 "$NS" dsr0
otherhost()
{
	ip -n "$NS" -j -s -s link show dsr0 | jq '.[0].stats64.rx.otherhost // 0'
}

ds_start main --max-stacks 2 --stacks -r --netns "/run/netns/$NS" -i 3600 || finish
ds_start plain --max-stacks 2 --stacks --netns "/run/netns/$NS" -i 3600 || finish
u4_0=$(snmp "$NS" UdpNoPorts)
u6_0=$(snmp "$NS" Udp6NoPorts)
rst0=$(snmp "$NS" TcpOutRsts)
oh0=$(otherhost)
nsx "$NS" "$UDPSEND" -n $N4 127.0.0.1 9 >/dev/null || fail "udpsend IPv4"
nsx "$NS" "$UDPSEND" -n $N6 ::1 9 >/dev/null || fail "udpsend IPv6"
nsx "$NS" "$TCPSYN" -n $NT 127.0.0.1 9 >/dev/null || fail "tcpsyn"
nsx "$NI" "$INJECT" -i dsi0 -m otherhost -n $NO >/dev/null || fail "inject"
sleep 0.3
u4=$(($(snmp "$NS" UdpNoPorts) - u4_0))
u6=$(($(snmp "$NS" Udp6NoPorts) - u6_0))
rst=$(($(snmp "$NS" TcpOutRsts) - rst0))
oh=$(($(otherhost) - oh0))
ds_stop main
ds_stop plain

check_eq "UdpNoPorts delta" $N4 "$u4"
check_eq "Udp6NoPorts delta" $N6 "$u6"
check_eq "TcpOutRsts delta" $NT "$rst"
check_eq "dsr0 rx otherhost delta" $NO "$oh"
TOTAL=$((u4 + u6 + rst + oh))
for tag in main plain; do
	OUT=$T/$tag.out
	ds_check_stopped $tag
	check_eq "$tag: __udp4_lib_rcv" "$u4" "$(ds_sum "$OUT" __udp4_lib_rcv '*')" || show "$OUT" 80
	check_eq "$tag: __udp6_lib_rcv" "$u6" "$(ds_sum "$OUT" __udp6_lib_rcv '*')"
	check_eq "$tag: tcp_v4_rcv" "$rst" "$(ds_sum "$OUT" tcp_v4_rcv '*')"
	check_eq "$tag: ip_rcv_core|ip_rcv" "$oh" "$(ds_sum "$OUT" 'ip_rcv_core|ip_rcv' '*')"
	check_only "$OUT" "$TOTAL"
	ds_stacks "$OUT" >"$T/$tag.st"
	navail=$(awk -F'\t' '$4 != "[stack unavailable]" { print $4 }' "$T/$tag.st" | sort -u | wc -l)
	check_true "$tag: at most 2 distinct stacks (got $navail)" test "$navail" -le 2 && \
		check_true "$tag: at least 1 stack" test "$navail" -ge 1
	unav=$(awk -F'\t' '$4 == "[stack unavailable]" { s += $3 } END { print s + 0 }' "$T/$tag.st")
	check_true "$tag: [stack unavailable] count > 0 (got $unav)" test "$unav" -gt 0 || show "$OUT" 80
	check_eq "$tag: sum of all stack counts" "$TOTAL" \
		"$(awk -F'\t' '{ s += $3 } END { print s + 0 }' "$T/$tag.st")"
	# every row's stacks add up to the row
	check_eq "$tag: rows whose stacks do not add up" "" \
		"$(awk -F'\t' '{ c[$2] += $3; r[$2] = $1 } END { for (k in c) if (c[k] != r[k]) print k }' "$T/$tag.st")"
done
finish
