#!/bin/bash
# Drop classes. In one namespace: U AF_UNIX stream pairs close with a
# message unread, a packet socket is closed with its queue full
# (pktpurge), a UDP socket closes with D datagrams unread, T TCP
# connections close with data unread, and N real NO_SOCKET drops (UDP to
# a closed port). Ground truth: what the tools report the kernel held at
# close (FIONREAD, PACKET_STATISTICS), UdpNoPorts and UdpOutDatagrams.
#   --class drop: exactly the N, nothing else;
#   default: the seed's lines unchanged, plus one line with the sum of the
#   close rows; --class close: everything but the N;
#   JSON and the exporter's class label agree.
# diagnose: the real drops are its findings; the closes are no finding but
# one "closed" part (JSON) and the last line (text); --class drop: none.
# The UDP socket's datagrams are freed in udp_destruct_common with no
# device and no socket on the skb (UDP does not charge its queue to
# skb->sk): they carry no namespace, so --netns does not see them. An
# unfiltered instance at that location checks their class instead.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
require nstat jq curl
UDPSEND=$(tool udpsend) || exit 1
PKTPURGE=$(tool pktpurge) || exit 1
CLOSEUNREAD=$(tool closeunread) || exit 1

U=200 D=30 TC=5 N=50
ns_add NS c
NSP=/run/netns/$NS
ds_start all --netns "$NSP" -i 3600 || finish
ds_start drop --class drop --netns "$NSP" -i 3600 || finish
ds_start close --class close --netns "$NSP" -i 3600 || finish
ds_start json --json --netns "$NSP" -i 3600 || finish
ex_start ex --netns "$NSP" || finish
ds_start udp --json --location udp_destruct_common -i 3600 || finish
# diagnose: the closes are no finding, one "closed" part; --class drop: none.
ds_launch diag "$T/diag.out" diagnose --json --netns "$NSP" -d 3600 || finish
ds_launch diagdrop "$T/diagdrop.out" diagnose --json --class drop --netns "$NSP" -d 3600 || finish
ds_launch diagtext "$T/diagtext.out" diagnose --netns "$NSP" -d 3600 || finish

u0=$(snmp "$NS" UdpNoPorts) out0=$(snmp "$NS" UdpOutDatagrams)
unix=$(nsx "$NS" "$CLOSEUNREAD" unix $U | sed -n 's/^unread //p')
check_eq "AF_UNIX messages unread at close" $U "$unix"
tcp=$(nsx "$NS" "$CLOSEUNREAD" tcp $TC | sed -n 's/^unread //p')
check_eq "TCP connections closed with data unread" $TC "$tcp"
udp=$(nsx "$NS" "$CLOSEUNREAD" udp $D | sed -n 's/^unread //p')
check_eq "UDP datagrams sent to the closing socket" $D "$udp"
pkt=$(nsx "$NS" "$PKTPURGE" -i lo 7 9 | sed -n 's/^queued //p')
check_true "the packet socket held packets at close ($pkt)" test "${pkt:-0}" -gt 0
nsx "$NS" "$UDPSEND" -n $N 127.0.0.1 9 >/dev/null || fail "udpsend"
noports=$(($(snmp "$NS" UdpNoPorts) - u0))
outdgrams=$(($(snmp "$NS" UdpOutDatagrams) - out0))
# pktpurge's datagrams go to port 9 too: UdpNoPorts counts both.
check_eq "UdpNoPorts: udpsend's N and pktpurge's 7" $((N + 7)) "$noports"
# (UDP counts InDatagrams when they are read: these never are.)
check_eq "UdpOutDatagrams: D + N + pktpurge's 7" $((D + N + 7)) "$outdgrams"
sleep 0.3
scrape ex >"$T/m.txt" || fail "scrape"
for t in all drop close json ex udp diag diagdrop diagtext; do ds_stop $t; done
real=$((N + 7)) closed=$((U + pkt))

# --class drop: exactly the real drops, where the seed puts them.
check_eq "--class drop: total" "$real" "$(ds_total "$T/drop.out")" || show "$T/drop.out"
check_eq "--class drop: all at __udp4_lib_rcv" "$real" "$(ds_sum "$T/drop.out" __udp4_lib_rcv '*')"
check_eq "--class drop: no class line" 0 "$(grep -c 'sockets closing' "$T/drop.out")"
# default: seed lines, then the one extra line.
check_eq "default: total of the seed lines" "$((real + closed))" "$(ds_total "$T/all.out")" ||
	show "$T/all.out"
check_eq "default: every line but one is the seed's" 0 \
	"$(grep -vcE '^([0-9]+ packets dropped at [^ ]+|Monitoring for dropped packets|Stopping dropped packet monitor|[0-9]+ of these were freed by sockets closing with data unread, not dropped by the network \(--class drop hides them\)|)$' "$T/all.out")" ||
	show "$T/all.out"
check_eq "default: the close line counts the closes" "$closed" \
	"$(sed -n 's/^\([0-9]*\) of these were freed by sockets closing.*/\1/p' "$T/all.out")"
check_eq "default: unix_release_sock" "$U" "$(ds_sum "$T/all.out" unix_release_sock '*')"
# Other tests may close UDP sockets unread too: at least ours, all close.
n=$(jq -s '[.[].entries[] | .count] | add // 0' "$T/udp.out")
check_true "udp_destruct_common: at least the $D datagrams ($n)" test "$n" -ge "$D"
check_eq "udp_destruct_common: every row is close" "$n" \
	"$(jq -s '[.[].entries[] | select(.class == "close") | .count] | add // 0' "$T/udp.out")" || show "$T/udp.out"
check_eq "default: the packet socket's purge" "$pkt" \
	"$(ds_sum "$T/all.out" 'skb_queue_purge_reason|skb_queue_purge|packet_release' '*')"
check_eq "--class close: total" "$closed" "$(ds_total "$T/close.out")" || show "$T/close.out"
# JSON and the exporter say the same per class.
check_eq "JSON class drop" "$real" "$(jq -s '[.[].entries[] | select(.class == "drop") | .count] | add // 0' "$T/json.out")"
check_eq "JSON class close" "$closed" "$(jq -s '[.[].entries[] | select(.class == "close") | .count] | add // 0' "$T/json.out")"
check_eq "exporter class=drop" "$real" "$(msum "$T/m.txt" dropscope_drops_total 'class="drop"')" || show "$T/m.txt"
check_eq "exporter class=close" "$closed" "$(msum "$T/m.txt" dropscope_drops_total 'class="close"')"
# diagnose: the real drops are its findings, the closes one part after them.
check_eq "diagnose: findings count the real drops" "$real" \
	"$(jq '[.findings[] | select(.source == "drops") | .count] | add // 0' "$T/diag.out")" || show "$T/diag.out"
check_eq "diagnose: closed counts the closes" "$closed" "$(jq '.closed.count // 0' "$T/diag.out")"
check_eq "diagnose: no finding is a close location" 0 \
	"$(jq '[.findings[] | select(.location == "unix_release_sock")] | length' "$T/diag.out")"
check_eq "diagnose --class drop: findings count the real drops" "$real" \
	"$(jq '[.findings[] | select(.source == "drops") | .count] | add // 0' "$T/diagdrop.out")" || show "$T/diagdrop.out"
check_eq "diagnose --class drop: no closed part" null "$(jq -c '.closed' "$T/diagdrop.out")"
check_eq "diagnose text: the close line is the last, with the count" "$closed" \
	"$(tail -n 1 "$T/diagtext.out" | sed -n 's/^close: \([0-9]*\) packets .*nothing to tune.*/\1/p')" || show "$T/diagtext.out"
finish
