#!/bin/bash
# A failed write of our output is an error, in every command: to /dev/full
# (ENOSPC) each says so once on stderr, naming standard output, and exits
# 1; events mode counts as printed only the lines that were written (none
# here). A reader that goes away (EPIPE, `| head`) ends the run quietly with
# exit 0: in events mode too, without the closing tally (-v prints it).
# Ground truth for events: the namespace's UdpNoPorts counter.
. "$(dirname "$0")/lib.sh"
require nstat
[[ $BACKEND == tp_btf ]] || skip "not about the backend: runs once, with tp_btf"
UDPSEND=$(tool udpsend) || exit 1

N=25
ns_add NS a
MSG="dropscope: writing to standard output: No space left on device"

# check_full WHAT ERRFILE RC: exit 1 and the message exactly once.
check_full()
{
	check_eq "$1: exit status to /dev/full" 1 "$3" || show "$2"
	check_eq "$1: the write error said once" 1 "$(grep -cxF "$MSG" "$2")" || show "$2"
}

timeout 20 "$DROPSCOPE" --backend="$BACKEND" -i 0.5 -d 2 >/dev/full 2>"$T/sum.err"
check_full "summary -i 0.5 -d 2" "$T/sum.err" $?
timeout 20 "$DROPSCOPE" --backend="$BACKEND" --json -r -i 0.3 -d 1 >/dev/full 2>"$T/json.err"
# Under --json the error is said as JSON, bpftool-style.
check_eq "summary --json: exit status to /dev/full" 1 "$?" || show "$T/json.err"
check_eq "summary --json: the write error said once, as JSON" 1 \
	"$(jq -r '.error' "$T/json.err" 2>/dev/null | grep -cxF "${MSG#dropscope: }")" || show "$T/json.err"
"$DROPSCOPE" reasons >/dev/full 2>"$T/reasons.err"
check_full reasons "$T/reasons.err" $?
"$DROPSCOPE" symbols ffffffff81000000 >/dev/full 2>"$T/symbols.err"
check_full symbols "$T/symbols.err" $?
"$DROPSCOPE" --help >/dev/full 2>"$T/help.err"
check_full --help "$T/help.err" $?
"$DROPSCOPE" version >/dev/full 2>"$T/version.err"
check_full version "$T/version.err" $?

# Events: every line fails to be written, so none was printed.
ds_launch ev /dev/full events --netns "/run/netns/$NS" || finish
v0=$(snmp "$NS" UdpNoPorts)
nsx "$NS" "$UDPSEND" -n $N -g 2000 127.0.0.1 9 >/dev/null || fail "udpsend"
v=$(($(snmp "$NS" UdpNoPorts) - v0))
check_eq "UdpNoPorts delta" $N "$v"
# It stops by itself at the first failed write.
ds_wait_exit ev 10 || fail "events did not stop after the write error"
check_full "events" "$T/ev.err" "${DSRC[ev]}"
check_true "events: none of the $N drops claimed as printed" \
	grep -qE "^dropscope: [0-9]+ drops counted: 0 events printed, .* not written \(output error\)" \
	"$T/ev.err" || show "$T/ev.err"

# EPIPE: the reader went away; quiet, exit 0.
timeout 20 "$DROPSCOPE" --backend="$BACKEND" -i 0.2 -d 3 2>"$T/pipe.err" | head -n 1 >/dev/null
check_eq "summary | head -1: exit status" 0 "${PIPESTATUS[0]}"
# (The refused-fexit warning is about the machine: said when an XDP
# program is on some hook here, which other tests may have put there.)
check_eq "summary | head -1: nothing on stderr" "" "$(grep -v 'refuses fexit' "$T/pipe.err")"
"$DROPSCOPE" reasons 2>"$T/rpipe.err" | head -n 1 >/dev/null
check_eq "reasons | head -1: exit status" 0 "${PIPESTATUS[0]}"
check_eq "reasons | head -1: nothing on stderr" "" "$(cat "$T/rpipe.err")"

# events | head -1: head takes the first event's line and leaves; the next
# batch's write sees EPIPE and events ends by itself, quietly, exit 0.
mkfifo "$T/head.fifo" || die "mkfifo"
head -n 1 <"$T/head.fifo" >"$T/head.out" &
HPID=$!
PIDS+=("$HPID")
ds_launch evhead "$T/head.fifo" events --netns "/run/netns/$NS" || finish
send_noport() {
	local v0
	v0=$(snmp "$NS" UdpNoPorts)
	nsx "$NS" "$UDPSEND" -n "$1" -g 2000 127.0.0.1 9 >/dev/null || fail "udpsend"
	check_eq "$2: UdpNoPorts delta" "$1" $(($(snmp "$NS" UdpNoPorts) - v0))
}
send_noport 3 "events | head -1, first batch"
for ((i = 0; i < 100; i++)); do
	kill -0 "$HPID" 2>/dev/null || break
	sleep 0.1
done
check_true "head -n 1 took its line and left" bash -c "! kill -0 $HPID 2>/dev/null"
wait "$HPID" 2>/dev/null
check_true "head's line is an event (port 9)" grep -q ':9 ' "$T/head.out" || show "$T/head.out"
# Batches go out per 100 ms poll: drops well apart make a next write.
for ((i = 0; i < 5; i++)); do
	kill -0 "${DSPID[evhead]}" 2>/dev/null || break
	send_noport 1 "events | head -1, after the reader left ($i)"
	sleep 0.3
done
ds_wait_exit evhead 10 || fail "events | head -1: still running 10 s after its reader left"
check_eq "events | head -1: exit status" 0 "${DSRC[evhead]}"
check_eq "events | head -1: nothing on stderr (no tally, no error)" "" \
	"$(grep -v 'refuses fexit' "$T/evhead.err")"
finish
