#!/bin/bash
# --max-series 3 with five distinct (location, reason, protocol) rows, made
# in different amounts so that which three get a series is known: the
# three largest keep their own series, the other two are summed into
# location="other", dropscope_series_folded_total is 2 (label sets folded),
# and the total equals the drops made. A later, larger row still goes to
# "other" (series never move, so none goes down).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl
UDPSEND=$(tool udpsend) || exit 1
TCPSYN=$(tool tcpsyn) || exit 1
INJECT=$(tool inject) || exit 1

U4=50 U6=40 T4=30 O4=20 O6=10
ns_add NS a
ns_add NI inj
veth_add "$NI" dsi0 "$NS" dsr0
ex_start main --netns "/run/netns/$NS" --max-series 3 || finish

nsx "$NS" "$UDPSEND" -n $U4 127.0.0.1 9 >/dev/null || fail "udp4"
nsx "$NS" "$UDPSEND" -n $U6 ::1 9 >/dev/null || fail "udp6"
nsx "$NS" "$TCPSYN" -n $T4 127.0.0.1 9 >/dev/null || fail "tcp4"
nsx "$NI" "$INJECT" -i dsi0 -m otherhost -n $O4 >/dev/null || fail "otherhost4"
nsx "$NI" "$INJECT" -i dsi0 -m otherhost -6 -n $O6 >/dev/null || fail "otherhost6"
sleep 0.2
scrape main >"$T/m.txt" || fail "scrape"
grep '^dropscope_drops_total' "$T/m.txt" >"$T/series.txt"
check_eq "series: 3 plus other" 4 "$(wc -l <"$T/series.txt")" || show "$T/series.txt"
check_eq "UDP IPv4 own series" $U4 "$(msum "$T/m.txt" dropscope_drops_total 'reason="NO_SOCKET"' 'protocol="IPv4"' 'location="__udp4_lib_rcv"')"
check_eq "UDP IPv6 own series" $U6 "$(msum "$T/m.txt" dropscope_drops_total 'reason="NO_SOCKET"' 'protocol="IPv6"')"
check_eq "TCP IPv4 own series" $T4 "$(msum "$T/m.txt" dropscope_drops_total 'location="tcp_v4_rcv"')"
check_eq "other = the two smallest" $((O4 + O6)) "$(msum "$T/m.txt" dropscope_drops_total 'location="other"' 'reason="other"' 'protocol="other"')"
check_eq "total = drops made" $((U4 + U6 + T4 + O4 + O6)) "$(msum "$T/m.txt" dropscope_drops_total)"
check_eq "folded" 2 "$(msum "$T/m.txt" dropscope_series_folded_total)"

# A sixth row, larger than all: folded too, the others unchanged.
nsx "$NS" "$TCPSYN" -n 60 ::1 9 >/dev/null || fail "tcp6"
sleep 0.2
scrape main >"$T/m2.txt" || fail "scrape 2"
check_eq "still 3 plus other" 4 "$(grep -c '^dropscope_drops_total' "$T/m2.txt")"
check_eq "other grew by the new row" $((O4 + O6 + 60)) "$(msum "$T/m2.txt" dropscope_drops_total 'location="other"')"
check_eq "UDP IPv4 unchanged" $U4 "$(msum "$T/m2.txt" dropscope_drops_total 'location="__udp4_lib_rcv"')"
check_eq "folded now" 3 "$(msum "$T/m2.txt" dropscope_series_folded_total)"
finish
