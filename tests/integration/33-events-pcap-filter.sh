#!/bin/bash
# Events mode with a pcap-filter expression: over the veth pair, N1 UDP
# datagrams to port 9 (IPv4), N1B to port 9 (IPv6), N2 to port 10 and NT
# TCP SYNs to port 9, all dropped as NO_SOCKET in NSB. 'udp port 9' must
# print exactly the N1 + N1B datagrams to port 9, and the closing line must
# say: counted = all sent, printed = N1 + N1B, filtered by expression =
# the rest. Ground truth for "all sent": NSB's NoPorts counters and the
# refused connects.
#
# A bad expression ('udp port') must make dropscope exit 2 with libpcap's
# message before it touches BPF: no bpf() or perf_event_open() call at all
# (strace), no ready file, and no new dropscope program left in
# `bpftool prog show`.
. "$(dirname "$0")/events_lib.sh"
require nstat jq bpftool
UDPSEND=$(tool udpsend) || exit 1
SYNSEND=$(tool synsend) || exit 1

# A static build has no libpcap: it says so for any expression.
if "$DROPSCOPE" events --backend="$BACKEND" "udp port" 2>&1 >/dev/null |
	grep -q "no libpcap"; then
	skip "this dropscope was built without libpcap"
fi

N1=6
N1B=3
N2=5
NT=4
ev_pair

ev_start main "$T/main.out" --netns "/run/netns/$NSB" 'udp port 9' || finish
v4_0=$(snmp "$NSB" UdpNoPorts)
v6_0=$(snmp "$NSB" Udp6NoPorts)
ev_send P1 "$NSA" "$UDPSEND" -n $N1 -s $SPORT -g 1000 $IPB 9
ev_send P1B "$NSA" "$UDPSEND" -n $N1B -s $SPORT -g 1000 $IP6B 9
ev_send P2 "$NSA" "$UDPSEND" -n $N2 -s $SPORT -g 1000 $IPB 10
ev_send PT "$NSA" "$SYNSEND" -n $NT -s $TSPORT $IPB 9
v4=$(($(snmp "$NSB" UdpNoPorts) - v4_0))
v6=$(($(snmp "$NSB" Udp6NoPorts) - v6_0))
ev_settle
ev_stop main

OUT=$T/main.out
ALL=$((N1 + N1B + N2 + NT))
check_eq "UdpNoPorts delta (kernel)" $((N1 + N2)) "$v4"
check_eq "Udp6NoPorts delta (kernel)" $N1B "$v6"
check_eq "synsend" "attempts $NT refused $NT connected 0 timeout 0 other 0" "$(cat "$T/PT.out")"
check_eq "lines printed" $((N1 + N1B)) "$(ev_lines "$OUT")" || show "$OUT"
check_eq "lines of UDP $IPA:$SPORT > $IPB:9" $N1 \
	"$(ev_count "$OUT" " udpsend/$P1 netns $NETNS_B $VB UDP $(ev_re "$IPA:$SPORT > $IPB:9") len ")"
check_eq "lines of UDP [$IP6A]:$SPORT > [$IP6B]:9" $N1B \
	"$(ev_count "$OUT" " udpsend/$P1B netns $NETNS_B $VB UDP $(ev_re "[$IP6A]:$SPORT > [$IP6B]:9") len ")"
ev_check_accounting main $ALL $((N1 + N1B)) $((ALL - N1 - N1B)) 0 0

# A bad expression: exit 2, libpcap's message, nothing attached.
ids0=$(bpftool prog show -j 2>/dev/null | jq -r '.[].id' | sort -n)
rm -f "$T/bad.ready"
if command -v strace >/dev/null; then
	# LeakSanitizer cannot run under ptrace (make check SANITIZE=1).
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -e trace=bpf,perf_event_open -o "$T/bad.strace" \
		"$DROPSCOPE" events --backend="$BACKEND" --ready-file "$T/bad.ready" \
		--netns "/run/netns/$NSB" 'udp port' >"$T/bad.out" 2>"$T/bad.err"
	rc=$?
	check_eq "bpf() and perf_event_open() calls with a bad expression" 0 \
		"$(grep -cE '^[0-9]+ +(bpf|perf_event_open)\(' "$T/bad.strace")" || show "$T/bad.strace"
else
	log "strace not installed: syscalls not checked"
	timeout 10 "$DROPSCOPE" events --backend="$BACKEND" --ready-file "$T/bad.ready" \
		--netns "/run/netns/$NSB" 'udp port' >"$T/bad.out" 2>"$T/bad.err"
	rc=$?
fi
check_eq "exit status with 'udp port'" 2 "$rc"
check_eq "stderr with 'udp port' (one line, libpcap's syntax error)" 1/1 \
	"$(grep -cE "^dropscope: bad filter expression: .*syntax error" "$T/bad.err")/$(ev_lines "$T/bad.err")" || show "$T/bad.err"
check_eq "stdout with 'udp port'" "" "$(cat "$T/bad.out")"
check_true "no ready file with 'udp port'" test ! -e "$T/bad.ready"
# New program ids since: none may be a dropscope program that nobody holds
# (one held by a live process belongs to someone else's dropscope; one that
# is gone a second later was another dropscope's, caught while it exited).
unheld_new()
{
	bpftool prog show -j 2>/dev/null | jq -r --arg old "$ids0" '
	($old | split("\n") | map(select(. != "") | tonumber)) as $o
	| .[] | select((.id as $i | $o | index($i)) | not)
	| select((.name // "") | startswith("kfree_skb_")) | select((.pids // []) == [])
	| .id' | sort
}
leaked=$(unheld_new)
if [[ -n $leaked ]]; then
	sleep 1
	leaked=$(comm -12 <(printf '%s\n' "$leaked") <(unheld_new) | paste -sd' ')
fi
check_eq "new unheld dropscope programs in bpftool prog show" "" "$leaked"
finish
