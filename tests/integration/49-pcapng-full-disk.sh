#!/bin/bash
# events -w onto a full file system (a 32 KiB tmpfs this test mounts): the
# run ends with exit 1 and "No space left on device" said once, and the
# capture is still whole -- tshark reads it without a warning -- and holds
# exactly the packets the accounting says were printed; the rest are said
# as not written or not read. Ground truth: the namespace's UdpNoPorts
# counter and the datagrams sent (port, IP length). dropscope is stopped
# (SIGSTOP) while they are sent, so that every drop happens while it is
# attached: the count table must then have all N. They are then read in
# one batch, so the writer's 64 KiB buffer fills before its first write:
# of the events already printed to stdout, those whose packets did not fit
# must be counted as not written. The packets' times lie
# between `date` before and after the sending (the wall clock, not when
# dropscope read them).
. "$(dirname "$0")/lib.sh"
require nstat tshark mount umount
[[ $BACKEND == tp_btf ]] || skip "not about the backend: runs once, with tp_btf"
UDPSEND=$(tool udpsend) || exit 1

N=200
PAY=1000
ns_add NS a
mkdir "$T/full" || die "mkdir"
mount -t tmpfs -o size=32k,mode=0700 "dstest-$$-full" "$T/full" || skip "cannot mount a tmpfs"
MOUNTS+=("$T/full")
CAP=$T/full/cap.pcapng
MSG="dropscope: -w $CAP: No space left on device"

ds_launch ev "$T/ev.out" events --netns "/run/netns/$NS" --snaplen 1024 -w "$CAP" || finish
kill -STOP "${DSPID[ev]}"
v0=$(snmp "$NS" UdpNoPorts)
t0=$(date +%s%N)
nsx "$NS" "$UDPSEND" -n $N -l $PAY 127.0.0.1 9 >/dev/null || fail "udpsend"
t1=$(date +%s%N)
v=$(($(snmp "$NS" UdpNoPorts) - v0))
sleep 0.5 # read later than sent: the times must still be the drops'
kill -CONT "${DSPID[ev]}"
check_eq "UdpNoPorts delta" $N "$v"
ds_wait_exit ev 20 || fail "events did not stop at the full disk"
check_eq "exit status on a full disk" 1 "${DSRC[ev]}" || show "$T/ev.err"
check_eq "the write error said once" 1 "$(grep -cxF "$MSG" "$T/ev.err")" || show "$T/ev.err"

# dropscope: C drops counted: P events printed, 0 filtered by expression,
# 0 over --rate, L lost[, W not written (output error)][, U not read]
line=$(grep '^dropscope: [0-9]* drops counted:' "$T/ev.err" | tail -n 1)
num() { sed -n "s/.*[:,] \([0-9]*\) $1.*/\1/p" <<<"$line"; }
counted=$(num "drops counted")
printed=$(num "events printed")
lost=$(num lost)
notw=$(num "not written")
unread=$(num "not read")
log "accounting: $line"
check_eq "drops counted = datagrams dropped" $N "$counted" || show "$T/ev.err"
check_true "the disk filled before the end ($printed of $N printed)" \
	test "${printed:-0}" -gt 0 -a "${printed:-0}" -lt $N
check_true "events printed to stdout but not in the file: said as not written (${notw:-none})" \
	test "${notw:-0}" -gt 0
check_eq "printed + lost + not written + not read = counted" "$counted" \
	$((printed + lost + ${notw:-0} + ${unread:-0}))

tshark -o gui.update.enabled:FALSE -r "$CAP" -T fields -e udp.dstport -e ip.len \
	-e frame.time_epoch >"$T/cap.txt" 2>"$T/tshark.err"
check_eq "tshark -r: exit status" 0 $? || show "$T/tshark.err"
# (tshark notes it runs as root: that is no warning about the file)
check_eq "tshark -r: no warning" "" "$(grep -v "^Running as user" "$T/tshark.err")"
check_eq "packets in the file = events printed" "$printed" "$(wc -l <"$T/cap.txt")"
check_eq "every one a datagram sent (port 9, IP length $((PAY + 28)))" "$printed" \
	"$(grep -cE "^9	$((PAY + 28))	" "$T/cap.txt")"
# frame.time_epoch is seconds with 9 decimals: compare as nanoseconds.
check_eq "every packet's time between date before and after the sending" "$printed" \
	"$(awk -F'\t' -v a="$t0" -v b="$t1" '{ s = $3; sub(/\./, "", s); if (s >= a && s <= b) n++ }
		END { print n + 0 }' "$T/cap.txt")"
finish
