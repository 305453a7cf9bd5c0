#!/bin/bash
# The netns filter: two namespaces A and B, one instance filtering on each
# (A by path, B by inode number) and one without a filter. Drops made in B
# must not show up in A's instance and vice versa; the unfiltered one sees
# at least both.
. "$(dirname "$0")/lib.sh"
require nstat jq
UDPSEND=$(tool udpsend) || exit 1
TCPSYN=$(tool tcpsyn) || exit 1

ns_add A a
ns_add B b
INO_B=$(stat -L -c %i "/run/netns/$B")
ds_start a --netns "/run/netns/$A" -r -i 3600 || finish
ds_start b --netns "$INO_B" -r -i 3600 || finish
ds_start all -r -i 3600 || finish
a0=$(snmp "$A" UdpNoPorts)
b0=$(snmp "$B" UdpNoPorts)
nsx "$A" "$UDPSEND" -n 17 127.0.0.1 9 >/dev/null || fail "udpsend A"
nsx "$B" "$UDPSEND" -n 31 127.0.0.1 9 >/dev/null || fail "udpsend B IPv4"
nsx "$B" "$UDPSEND" -n 11 ::1 9 >/dev/null || fail "udpsend B IPv6"
nsx "$B" "$TCPSYN" -n 4 127.0.0.1 9 >/dev/null || fail "tcpsyn B"
a=$(($(snmp "$A" UdpNoPorts) - a0))
b=$(($(snmp "$B" UdpNoPorts) - b0))
sleep 0.3
ds_stop a
ds_stop b
ds_stop all

for tag in a b all; do
	ds_check_stopped $tag
done
check_eq "A: UdpNoPorts delta" 17 "$a"
check_eq "B: UdpNoPorts delta" 31 "$b"
check_eq "A's instance: __udp4_lib_rcv" 17 "$(ds_sum "$T/a.out" __udp4_lib_rcv NO_SOCKET)" || show "$T/a.out"
check_eq "A's instance: nothing else (B's IPv6/TCP drops leaked?)" 17 "$(ds_total "$T/a.out")" || show "$T/a.out"
check_eq "B's instance (by inode): __udp4_lib_rcv" 31 "$(ds_sum "$T/b.out" __udp4_lib_rcv NO_SOCKET)" || show "$T/b.out"
check_eq "B's instance: __udp6_lib_rcv" 11 "$(ds_sum "$T/b.out" __udp6_lib_rcv NO_SOCKET)"
check_eq "B's instance: tcp_v4_rcv" 4 "$(ds_sum "$T/b.out" tcp_v4_rcv NO_SOCKET)"
check_only "$T/b.out" 46
all=$(ds_sum "$T/all.out" __udp4_lib_rcv NO_SOCKET)
check_true "unfiltered instance saw at least A's and B's __udp4_lib_rcv drops ($all >= 48)" test "$all" -ge 48
finish
