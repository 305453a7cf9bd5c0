#!/bin/bash
# Events mode stops when asked while drops keep coming: SIGTERM in the
# middle of a flood that its reader cannot keep up with (--json, ~1 µs an
# event to format) ends it within 2 s, with the flood still running, exit
# 0, and every event it counted printed or counted lost. Before
# EVRING_CONSUME_BYTES the ring's reader read until it found the ring
# empty, which a flood never lets happen: SIGTERM, SIGINT and -d waited
# for the flood to end (2.3-3.6 s after the signal here, as long as the
# flood lasted in general).
. "$(dirname "$0")/events_lib.sh"
require nstat jq
UDPSEND=$(tool udpsend) || exit 1

ev_pair
v0=$(snmp "$NSB" UdpNoPorts)
ev_start ev "$T/ev.out" --netns "/run/netns/$NSB" --json || finish
pid=${DSPID[ev]}

# The flood: 8 senders of 1,000,000 datagrams one after the other (each
# bounded to 10 s), stopped by us below: the subshell, then its sender.
(
	for ((i = 0; i < 8; i++)); do
		ip netns exec "$NSA" "$UDPSEND" -n 1000000 -g 0 -t 10 -s $SPORT $IPB 9 || exit
	done
) >"$T/flood.out" 2>&1 &
FLOOD=$!
PIDS+=("$FLOOD")
sleep 1.5
check_true "the flood is running when the signal is sent" kill -0 "$FLOOD"
t0=$(date +%s%N)
kill -TERM "$pid"
exited=0
for ((i = 0; i < 100; i++)); do
	kill -0 "$pid" 2>/dev/null || { exited=1; break; }
	sleep 0.02
done
ms=$((($(date +%s%N) - t0) / 1000000))
flooding=0
kill -0 "$FLOOD" 2>/dev/null && flooding=1
log "exited ${ms} ms after SIGTERM (flood still running: $flooding)"
check_eq "exits within 2 s of SIGTERM during the flood" 1 "$exited"
check_eq "the flood was still running when it had exited" 1 "$flooding"
kill -TERM "$FLOOD" 2>/dev/null
pkill -TERM -P "$FLOOD" udpsend 2>/dev/null
wait "$FLOOD" 2>/dev/null
if ds_wait_exit ev 10; then
	check_eq "exit status after SIGTERM" 0 "${DSRC[ev]}" || show "$T/ev.err"
else
	fail "still running 10 s after SIGTERM (killed)"
fi

read -r counted printed filtered rate lost <<<"$(ev_accounting "$T/ev.err")"
check_true "accounting line present" test -n "$counted"
check_eq "printed + lost = counted" "${counted:-x}" "$((${printed:-0} + ${lost:-0}))"
check_eq "printed = lines written" "${printed:-x}" "$(ev_lines "$T/ev.out")"
check_eq "nothing filtered or over a rate" "0 0" "${filtered:-x} ${rate:-x}"
check_true "counted some of the flood" test "${counted:-0}" -gt 1000
# The kernel saw the flood's drops before, while and after dropscope ran.
d=$(($(snmp "$NSB" UdpNoPorts) - v0))
check_true "counted ($counted) <= UdpNoPorts delta ($d, kernel)" test "${counted:-0}" -le "$d"
check_true "every line is JSON" ev_jq_ok "$T/ev.out" || show "$T/ev.out" 5
finish
