#!/bin/bash
# Devices that come and go (--by location,reason,dev), as a node's pod
# veths do: 150 veth pairs in batches of 30, the host side in our
# namespace, the peer in a test namespace; 1 to 6 foreign-MAC frames into
# each peer make OTHERHOST drops on its host side; each batch is deleted
# after a scrape has seen it. Scraped every 0.5 s:
# - each device's OTHERHOST drops are exposed under its name exactly as
#   its own counter says (ip -s -s link, read before deletion);
# - no series ever decreases; none of the deleted devices' series is
#   left at the end.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl jq
INJECT=$(tool inject) || exit 1
ns_add NI inj
ex_start main --by location,reason,dev || finish
scrape_loop main "$T/s" "$T/stop" &
PIDS+=($!)
loop=$!
P=dv$$x
VETHS=()
del_veths()
{
	local v
	for v in "${VETHS[@]}"; do ip link del "$v" 2>/dev/null; done
	VETHS=()
}
# The veths go too (keeping the test's exit status for cleanup).
trap 'rc=$?; del_veths; (exit $rc); cleanup' EXIT
t0=$SECONDS
: >"$T/sent.txt"
for ((b = 0; b < 5; b++)); do
	for ((i = 0; i < 30; i++)); do
		echo "link add $P$b-$i type veth peer name dp$b-$i netns $NI"
	done >"$T/batch"
	ip -batch "$T/batch" || fail "veths of batch $b"
	for ((i = 0; i < 30; i++)); do
		VETHS+=("$P$b-$i")
		sysctl -qw "net.ipv6.conf.$P$b-$i.disable_ipv6=1"
		ip link set "$P$b-$i" up
		ip -n "$NI" link set "dp$b-$i" up
	done
	for ((i = 0; i < 30; i++)); do
		nsx "$NI" "$INJECT" -i "dp$b-$i" -m otherhost -n $((1 + (b * 30 + i) % 6)) >/dev/null ||
			fail "inject dp$b-$i"
	done
	sleep 0.6 # a scrape sees them
	ip -j -s -s link show | jq -r --arg p "$P$b-" '.[] | select(.ifname | startswith($p)) |
		"\(.ifname) \(.stats64.rx.otherhost // 0)"' >>"$T/sent.txt"
	del_veths
done
log "150 veth pairs in $((SECONDS - t0)) s"
sleep 2.5 # their rows freed at the next scrape, their series exposed at 2 more
touch "$T/stop"
wait "$loop"
scrape main >"$T/end.txt" || fail "scrape end"
check_eq "devices read from the kernel" 150 "$(wc -l <"$T/sent.txt")"
check_true "frames sent" test "$(awk '{ s += $2 } END { print s + 0 }' "$T/sent.txt")" -gt 0
series_exposed "$T/s" device 'reason="OTHERHOST"' >"$T/exposed.txt"
awk 'NR == FNR { m[$1] = $2; next } { if (m[$1] + 0 != $2) { bad++; if (bad <= 5) print $1 ": kernel " $2 ", exposed " m[$1] + 0 > "/dev/stderr" } }
	END { print bad + 0 }' "$T/exposed.txt" "$T/sent.txt" >"$T/bad.txt"
check_eq "devices exposed with exactly their OTHERHOST drops (of 150)" 0 "$(cat "$T/bad.txt")"
series_decreases "$T/s" >"$T/dec.txt"
check_eq "series that decreased ($(ls "$T/s" | wc -l) scrapes)" 0 "$(wc -l <"$T/dec.txt")" || show "$T/dec.txt"
check_eq "series of deleted devices left" 0 "$(grep -c "device=\"$P" "$T/end.txt")"
check_eq "table overflow" 0 "$(msum "$T/end.txt" dropscope_table_overflow_total)"
finish
