#!/bin/bash
# Events mode started while a flood is already running: from the moment
# the program is attached, a thread of the reader's copies the ring out
# while the symbols and reason names load (trace/evring.h's hold), so no
# event is lost while the reader cannot print yet (before: an OTHERHOST
# flood of 1.3M drops/s lost 20-73k events at every start; 0 after).
# Checked: -v says how much was read while starting (the path ran), the
# closing line says 0 lost (unless -v says the bounded hold was full) and
# every counted event printed or lost, the lines are that many, and the
# count lies between the namespace's UdpNoPorts deltas from just before
# the start and from the moment of the ready file to the flood's end (the
# kernel's view).
. "$(dirname "$0")/lib.sh"
require nstat
UDPSEND=$(tool udpsend) || exit 1

ns_add NS a
# A start as after the first on this kernel: the BTF cache made (the first
# start also makes it, ~50 ms more, much more with the sanitizers).
ds_launch warm "$T/warm.out" events --netns "/run/netns/$NS" || finish
ds_stop warm
# The flood: at most 3 senders of 1,000,000 datagrams one after the other
# (each bounded to 10 s), stopped by us once events has run for a while.
(
	for ((i = 0; i < 3; i++)); do
		ip netns exec "$NS" "$UDPSEND" -n 1000000 -g 0 -t 10 127.0.0.1 9 || exit
	done
) >"$T/flood.out" 2>&1 &
FLOOD=$!
PIDS+=("$FLOOD")
sleep 0.3
v0=$(snmp "$NS" UdpNoPorts)
ds_launch ev "$T/ev.out" events --netns "/run/netns/$NS" -v || finish
v1=$(snmp "$NS" UdpNoPorts)
sleep 1.5
check_true "the flood was running all along" kill -0 "$FLOOD"
# Its sender (a child of the subshell: ip netns exec execs it), then the
# subshell, which a failed sender ends anyway.
pkill -TERM -P "$FLOOD" udpsend 2>/dev/null
kill "$FLOOD" 2>/dev/null
wait "$FLOOD" 2>/dev/null
sleep 0.3
v2=$(snmp "$NS" UdpNoPorts)
ds_stop ev
check_eq "exit status" 0 "${DSRC[ev]}" || show "$T/ev.err" 20

held=$(grep -aoE '[0-9]+ KiB of events read while starting' "$T/ev.err" | grep -oE '^[0-9]+')
log "read while starting: ${held:-none} KiB; UdpNoPorts $((v1 - v0)) between start and ready, $((v2 - v1)) after"
check_true "-v says the ring was read while starting" test -n "$held"
line=$(grep -a 'drops counted:' "$T/ev.err" | tail -1)
counted=$(grep -oE '^dropscope: [0-9]+' <<<"$line" | grep -oE '[0-9]+$')
printed=$(grep -oE '[0-9]+ events printed' <<<"$line" | grep -oE '^[0-9]+')
lost=$(grep -oE '[0-9]+ lost' <<<"$line" | grep -oE '^[0-9]+')
# The hold is bounded (16 MiB): a start slower than that lasts (the
# sanitized build making the BTF cache, ~0.4 s) may lose what neither the
# hold nor the ring had room for, and -v says the hold was full. Then the
# losses are counted; else there are none.
if grep -q 'as much as is held' "$T/ev.err"; then
	log "the hold was full (a slow start): $lost lost, counted"
elif [[ -n ${ASAN_OPTIONS:-} ]]; then
	# The sanitizers' build runs the reader several times slower: no
	# claim on time there, only that every event is accounted for.
	log "sanitizer build: $lost lost, counted"
else
	check_eq "events lost" 0 "${lost:-x}" || show "$T/ev.err" 5
fi
check_eq "every counted event printed or counted lost" "${counted:-x}" $((${printed:-0} + ${lost:-0}))
check_eq "lines printed" "${printed:-x}" "$(grep -ac ' NO_SOCKET ' "$T/ev.out")"
check_true "counted at least UdpNoPorts' delta after the ready file ($((v2 - v1)))" \
	test "${counted:-0}" -ge $((v2 - v1))
check_true "counted at most UdpNoPorts' delta from before the start ($((v2 - v0)))" \
	test "${counted:-0}" -le $((v2 - v0))
finish
