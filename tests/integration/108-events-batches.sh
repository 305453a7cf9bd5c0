#!/bin/bash
# Events mode's per-CPU batches (EV_BATCH_BYTES, dropscope.bpf.c's
# emit_event()): nothing lost, nothing held back, checked against what was
# sent and the kernel's UdpNoPorts. One dropscope events --json run:
#   batching on: the loader enabled it (ev_flush_at in the program's .bss,
#         read with bpftool, is EV_BATCH_BYTES), since this kernel can run
#         the flush program on a chosen CPU;
#   flood: 6000 datagrams to a closed port, back to back (each CPU's batch
#         fills and goes to the ring many times over): one event each;
#   trickle: 5 datagrams one at a time, each alone in its batch: its event
#         is in the output within 1 s while dropscope runs on (the design's
#         bound is ~100 ms, EVENTS_FLUSH_MS and a poll; the rest is slack for
#         a loaded machine). Without the flush it would wait for the next
#         drop on its CPU, or the exit;
#   SIGINT mid-batch: dropscope is stopped (SIGSTOP) so that it cannot have
#         a batch flushed, M datagrams are sent, the batches in the kernel
#         hold exactly M events (bpftool map dump), then SIGINT and SIGCONT:
#         it detaches, flushes and prints all M.
# At the end: counted = printed = everything sent = UdpNoPorts delta, 0 lost,
# and each sender's datagrams are its events, exactly.
. "$(dirname "$0")/events_lib.sh"
require nstat jq bpftool
UDPSEND=$(tool udpsend) || exit 1

FLOOD=6000
TRICKLE=5
M=40
ev_pair

# The map of the running dropscope whose name is $2 (pid $1): its id.
map_of()
{
	local p m
	for p in $(prog_ids_of "$1"); do
		bpftool prog show id "$p" -j 2>/dev/null | jq -r '.map_ids[]?'
	done | sort -un | while read -r m; do
		bpftool map show id "$m" -j 2>/dev/null | jq -r --arg n "$2" 'select(.name == $n) | .id'
	done | head -n 1
}

v0=$(snmp "$NSB" UdpNoPorts)
ev_start ev "$T/ev.out" --netns "/run/netns/$NSB" --json || finish
pid=${DSPID[ev]}
bss=$(map_of "$pid" dropscop.bss)
check_eq "batching on: ev_flush_at in the program's .bss (bpftool)" 16384 \
	"$(bpftool map dump id "${bss:-0}" -j 2>/dev/null |
		jq -r '.[0].formatted.value[".bss"][] | select(has("ev_flush_at")) | .ev_flush_at')"

# Flood.
ev_send PF "$NSA" "$UDPSEND" -n $FLOOD -s $SPORT -g 0 $IPB 9

# Trickle: each event's line must show up on its own.
worst=0
for ((i = 0; i < TRICKLE; i++)); do
	sleep 0.3
	n0=$(ev_lines "$T/ev.out")
	ev_send PT "$NSA" "$UDPSEND" -n 1 -s $SPORT $IPB 9
	# From the drop (done when the sender has returned) to the line.
	t0=$(date +%s%N)
	while :; do
		ms=$((($(date +%s%N) - t0) / 1000000))
		(($(ev_lines "$T/ev.out") > n0 || ms > 2000)) && break
		sleep 0.01
	done
	((ms > worst)) && worst=$ms
	check_true "trickle $i: the event is out within 1 s while dropscope runs (${ms} ms)" \
		test "$(ev_lines "$T/ev.out")" -gt "$n0" -a "$ms" -le 1000
	PTS+=("$PT")
done
log "trickle: slowest event out after $worst ms"

# SIGINT mid-batch. Stopped, dropscope cannot have batches flushed; the
# program still runs and fills them.
sleep 0.3
kill -STOP "$pid"
sleep 0.2
ev_send PM "$NSA" "$UDPSEND" -n $M -s $SPORT -g 0 $IPB 9
eb=$(map_of "$pid" ev_batches)
check_eq "mid-batch: events held in the CPUs' batches (bpftool map dump)" $M \
	"$(bpftool map dump id "${eb:-0}" -j 2>/dev/null |
		jq '[.[].formatted.values[]?.value.n] | add')"
kill -INT "$pid"
kill -CONT "$pid"
if ds_wait_exit ev 10; then
	check_eq "exit status after SIGINT" 0 "${DSRC[ev]}" || show "$T/ev.err"
else
	fail "still running 10 s after SIGINT (killed)"
fi

total=$((FLOOD + TRICKLE + M))
check_eq "UdpNoPorts delta (kernel)" $total "$(($(snmp "$NSB" UdpNoPorts) - v0))"
ev_check_accounting ev $total $total 0 0 0
check_true "every line is JSON" ev_jq_ok "$T/ev.out" || show "$T/ev.out" 5
check_eq "flood: events of its sender" $FLOOD \
	"$(jq -c "select(.pid == $PF and .reason == \"NO_SOCKET\")" "$T/ev.out" | wc -l)"
for p in "${PTS[@]}"; do
	check_eq "trickle: events of sender $p" 1 "$(jq -c "select(.pid == $p)" "$T/ev.out" | wc -l)"
done
check_eq "mid-batch: events of its sender" $M \
	"$(jq -c "select(.pid == $PM and .reason == \"NO_SOCKET\")" "$T/ev.out" | wc -l)"
check_eq "no event twice (distinct timestamp+cpu)" $total \
	"$(jq -r '"\(.timestamp) \(.cpu)"' "$T/ev.out" | sort -u | wc -l)"
finish
