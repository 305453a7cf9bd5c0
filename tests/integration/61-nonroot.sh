#!/bin/bash
# Non-root: a copy of the binary given cap_bpf,cap_perfmon,cap_syslog+ep lets
# an unprivileged user (nobody) count drops with symbols: UDP to a closed
# port in a namespace, counted as NO_SOCKET at __udp4_lib_rcv, exactly as
# many as the namespace's UdpNoPorts says.
. "$(dirname "$0")/lib.sh"
require setcap setpriv nstat
UDPSEND=$(tool udpsend) || exit 1
N=19
ns_add NS a
D=$T/caps
mkdir -m 0755 "$D" "$D/run" && chown 65534:65534 "$D/run" && chmod 0755 "$T" || die "dirs"
cp "$DROPSCOPE" "$D/dropscope" && chmod 0755 "$D/dropscope" || die "copy"
setcap cap_bpf,cap_perfmon,cap_syslog+ep "$D/dropscope" || die "setcap failed"
INO=$(stat -Lc %i "/run/netns/$NS")

# The classic tracepoint's id is in tracefs, which is root's (mode 0700):
# the error must say so, not "kernel too old".
if [[ $BACKEND == tracepoint ]]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		"$D/dropscope" --backend=tracepoint -i 1 -c 1 >"$T/out" 2>"$T/err"
	check_eq "tracepoint as nobody: exit 1" 1 $?
	check_true "it names tracefs and the capability" grep -q "tracefs is not readable.*CAP_DAC_READ_SEARCH" "$T/err" ||
		show "$T/err"
	finish
fi

setpriv --reuid=65534 --regid=65534 --clear-groups -- \
	"$D/dropscope" --backend="$BACKEND" --netns "$INO" -i 3600 -r \
	--ready-file "$D/run/ready" >"$T/out" 2>"$T/err" &
PID=$!
PIDS+=("$PID")
for ((i = 0; i < 100; i++)); do
	[[ -s $D/run/ready ]] && break
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.1
done
check_true "attached as nobody" test -s "$D/run/ready" || show "$T/err"
check_eq "runs as uid 65534" 65534 "$(awk '/^Uid:/ { print $2 }' /proc/"$PID"/status 2>/dev/null)"
u0=$(snmp "$NS" UdpNoPorts)
nsx "$NS" "$UDPSEND" -n $N 127.0.0.1 9 >/dev/null || fail "udpsend"
u=$(($(snmp "$NS" UdpNoPorts) - u0))
sleep 0.3
kill -INT "$PID"
wait "$PID"
check_eq "exit 0" 0 $?
check_eq "UdpNoPorts" $N "$u"
check_eq "counted with its symbol" "$u packets dropped at __udp4_lib_rcv (NO_SOCKET)" \
	"$(grep 'packets dropped at' "$T/out")" || { show "$T/out"; show "$T/err"; }
finish
