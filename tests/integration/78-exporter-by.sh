#!/bin/bash
# `exporter --by dev,netns,comm,caller`: the --by dimensions are labels.
# OTHERHOST frames injected on two veth pairs in two namespaces (known
# numbers on each), counted by an exporter that watches both: one series per
# (device, netns) with exactly what that device's own rx otherhost counter
# says, the "other" series with the same label names, promtool accepts the
# scrape, and --stacks is refused (a stack is no label).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl jq promtool
INJECT=$(tool inject) || exit 1

NA=23 NB=37
ns_add A a
ns_add B b
ns_add I inj
veth_add "$I" dsia "$A" dsra
veth_add "$I" dsib "$B" dsrb
ino() { stat -Lc %i "/run/netns/$1"; }
otherhost() { ip -n "$1" -j -s -s link show "$2" | jq '.[0].stats64.rx.otherhost // 0'; }
a0=$(otherhost "$A" dsra) b0=$(otherhost "$B" dsrb)

"$DROPSCOPE" exporter --stacks --listen 127.0.0.1:0 >/dev/null 2>"$T/stk.err"
check_eq "--stacks refused" 2 $?
check_eq "--stacks: one line" 1 "$(wc -l <"$T/stk.err")"

ex_start main --by dev,netns,comm,caller --reason OTHERHOST || finish
nsx "$I" "$INJECT" -i dsia -m otherhost -n $NA >/dev/null || fail "inject a"
nsx "$I" "$INJECT" -i dsib -m otherhost -n $NB >/dev/null || fail "inject b"
sleep 0.2
a=$(($(otherhost "$A" dsra) - a0)) b=$(($(otherhost "$B" dsrb) - b0))
scrape main >"$T/m.txt" || fail "scrape"
check_eq "dsra rx otherhost" $NA "$a"
check_eq "dsrb rx otherhost" $NB "$b"
check_eq "series of dsra in A" "$a" "$(msum "$T/m.txt" dropscope_drops_total 'device="dsra"' "netns=\"$(ino "$A")\"")" ||
	show "$T/m.txt"
check_eq "series of dsrb in B" "$b" "$(msum "$T/m.txt" dropscope_drops_total 'device="dsrb"' "netns=\"$(ino "$B")\"")"
check_eq "every OTHERHOST drop in those two" $((a + b)) "$(msum "$T/m.txt" dropscope_drops_total 'reason="OTHERHOST"')"
check_true "series carry comm and caller" grep -q 'device="dsra",netns="[0-9]*",netns_cookie="[0-9]*",comm="[^"]*",caller="ip6\{0,1\}_rcv' "$T/m.txt"
check_true "other has the same label names" grep -q '^dropscope_drops_total{location="other",reason="other",protocol="other",class="other",device="other",netns="other",netns_cookie="other",comm="other",caller="other"} ' "$T/m.txt"
check_true "promtool check metrics" bash -c "promtool check metrics <'$T/m.txt'"
finish
