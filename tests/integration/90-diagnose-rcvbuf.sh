#!/bin/bash
# diagnose, case 1: a UDP receiver (udprecv, comm dsudprecv) with a small
# SO_RCVBUF that reads nothing while N datagrams arrive, and keeps its
# socket until diagnose has ended. The SOCKET_RCVBUFF finding counts
# sent - received, agrees with the namespace's Udp RcvbufErrors (nstat),
# and names the socket's owner (the tool's pid and comm), its buffer (what
# getsockopt(SO_RCVBUF) said, = ss's rb), what it holds (ss's r), its own
# drop counter (ss's d) and the rmem sysctls as the namespace reads them,
# and, the buffer being far below rmem_default, that the application set
# it: the sysctls are to check, not to raise.
# A second diagnose of the same window in text says the same.
. "$(dirname "$0")/diagnose_lib.sh"
require nstat jq ss sysctl
UDPRECV=$(tool udprecv) || exit 1
UDPSEND=$(tool udpsend) || exit 1

N=200
PORT=40900
LOC4='udp_queue_rcv_one_skb|__udp_queue_rcv_skb|udp_queue_rcv_skb' # as 04-rcvbuf.sh
ns_add NS a

dg_hold rcv "$NS" "$UDPRECV" -b 4096 -t 60 127.0.0.1 $PORT
RPID=$HOLDPID
# "pid P comm dsudprecv port N rcvbuf B"
read -r _ tpid _ _ _ _ _ rcvbuf <"$T/rcv.out"
check_eq "udprecv: its own pid is the one started" "$RPID" "$tpid"
comm=$(cat "/proc/$RPID/comm")
check_eq "udprecv: comm (/proc)" dsudprecv "$comm"

snmp_all "$NS" "$T/snmp0"
dg_start main "$NS" || finish
# the same window in text
ds_launch text "$T/text.out" diagnose --netns "/run/netns/$NS" -d "$DIAG_SECONDS" || finish
nsx "$NS" "$UDPSEND" -n $N -l 500 127.0.0.1 $PORT >"$T/send" || fail "udpsend: $(cat "$T/send")"
dg_in_window main
dg_end main "$NS" || finish
ds_wait_exit text 20 || fail "diagnose (text) still running 20 s after the JSON one ended"
snmp_all "$NS" "$T/snmp1"
e=$(snmp_delta "$T/snmp0" "$T/snmp1" UdpRcvbufErrors)
# The kernel's view of the socket, still undrained: skmem:(rR,rbB,...,dD)
skmem=$(nsx "$NS" ss -uanmH "sport = :$PORT" | grep -o 'skmem:([^)]*)')
ss_r=$(sed -n 's/.*[(,]r\([0-9]*\),.*/\1/p' <<<"$skmem")
ss_rb=$(sed -n 's/.*,rb\([0-9]*\),.*/\1/p' <<<"$skmem")
ss_d=$(sed -n 's/.*,d\([0-9]*\)).*/\1/p' <<<"$skmem")
log "ss: $skmem"
dg_release rcv "$RPID"
received=$(awk '$1 == "received" { print $2 }' "$T/rcv.out")
dropped=$((N - ${received:-$N}))

# The set-up did what it should, as the kernel says.
check_true "some datagrams were received ($received) and some dropped ($dropped)" \
	test "${received:-0}" -gt 0 -a "$dropped" -gt 0
check_eq "UdpRcvbufErrors delta = sent - received" "$dropped" "$e"
check_eq "the socket's drop counter (ss d) = sent - received" "$dropped" "$ss_d"
check_eq "SO_RCVBUF = ss rb" "$rcvbuf" "$ss_rb"

# The report.
dg_one SOCKET_RCVBUFF "$(dg_select main '.source == "drops" and .name == "SOCKET_RCVBUFF"')" ||
	show "$T/main.json" 80
check_eq "count = sent - received" "$dropped" "$(fv '.count')"
check_true "location is one of $LOC4 ($(fv '.location'))" \
	grep -qxE "$LOC4" <<<"$(fv '.location')"
check_eq "netns (inode)" "$(netns_inode "$NS")" "$(fv '.netns')"
dg_check_common SOCKET_RCVBUFF "$NS"

SOCK=$(fv --argjson p $PORT '[.evidence.sockets[]? | select(.port == $p)]')
check_eq "evidence.sockets: one socket on port $PORT" 1 "$(jq length <<<"$SOCK")" ||
	log "evidence: $(fv -c '.evidence')"
sk()
{
	jq -r ".[0].$1" <<<"$SOCK"
}
check_eq "socket: protocol" udp "$(sk protocol)"
check_eq "socket: address" 127.0.0.1 "$(sk address)"
check_eq "socket: pid" "$RPID" "$(sk pid)"
check_eq "socket: comm" "$comm" "$(sk comm)"
check_eq "socket: rcvbuf = getsockopt(SO_RCVBUF)" "$rcvbuf" "$(sk rcvbuf)"
check_eq "socket: rmem_alloc = ss r" "$ss_r" "$(sk rmem_alloc)"
check_eq "socket: drops = sent - received" "$dropped" "$(sk drops)"
for k in net.core.rmem_default net.core.rmem_max; do
	check_eq "evidence.sysctl $k" "$(nsysctl "$NS" $k)" "$(fv --arg k $k '.evidence.sysctl[$k]')"
done
# The socket's own SO_RCVBUF far below rmem_default (under a quarter) was
# set by the application: the sysctls change nothing for it, said so.
rd=$(nsysctl "$NS" net.core.rmem_default)
if ((rcvbuf * 4 <= rd)); then
	for k in net.core.rmem_default net.core.rmem_max; do
		check_eq "change: $k is only checked (SO_RCVBUF $rcvbuf, rmem_default $rd)" \
			'"check" true' \
			"$(fv -c --arg k $k '[.change[]? | select(.knob == $k)][0] | "\(.direction | tojson) \(.application_set)"')"
	done
	check_eq "notes: the application set its SO_RCVBUF ($rcvbuf bytes)" 1 \
		"$(fv --arg b "SO_RCVBUF ($rcvbuf bytes)" '[.evidence.notes[]? | select(contains("application set") and contains($b))] | length')" ||
		log "notes: $(fv -c '.evidence.notes')"
else
	check_eq "change: raise net.core.rmem_max" raise \
		"$(fv '[.change[]? | select(.knob == "net.core.rmem_max") | .direction] | first // "none"')"
fi

# The counter may be named with its IPv6 twin ("UdpRcvbufErrors+Udp6RcvbufErrors").
REC=$(fv '[.reconcile[]? | select(.counter | split("+") | index("UdpRcvbufErrors"))]')
rc_name=$(jq -r '.[0].counter' <<<"$REC")
check_eq "reconcile: an entry for UdpRcvbufErrors" 1 "$(jq length <<<"$REC")" ||
	log "reconcile: $(fv -c '.reconcile')"
check_eq "reconcile: $rc_name delta = nstat" "$(snmp_delta "$T/snmp0" "$T/snmp1" "$rc_name")" \
	"$(jq -r '.[0].delta' <<<"$REC")"
check_eq "reconcile: $rc_name agrees" true "$(jq -r '.[0].agrees' <<<"$REC")"
dg_check_total report "$dropped"

# The text report says the same: the finding's line, the socket's owner
# and buffer, and the agreement with the counter.
TXT=$T/text.out
check_eq "text: exit status" 0 "${DSRC[text]}" || show "$T/text.err"
check_true "text: header" grep -qE \
	"^dropscope diagnose: $DIAG_SECONDS\.0 s, netns /run/netns/$NS: [0-9]+ findings?$" "$TXT" ||
	show "$TXT"
check_true "text: '$dropped packets dropped (R/s): SOCKET_RCVBUFF at ...'" grep -qE \
	"^[0-9]+\. $dropped packets dropped \([0-9.]+/s\): SOCKET_RCVBUFF at " "$TXT" || show "$TXT"
check_true "text: 'udp 127.0.0.1:$PORT pid $RPID ($comm): SO_RCVBUF $rcvbuf bytes'" grep -qF \
	"udp 127.0.0.1:$PORT pid $RPID ($comm): SO_RCVBUF $rcvbuf bytes" "$TXT" || show "$TXT"
check_true "text: agrees: ...UdpRcvbufErrors... grew by $e" grep -qE \
	"^ +agrees: +[A-Za-z0-9+]*UdpRcvbufErrors[A-Za-z0-9+]* grew by $e\b" "$TXT" || show "$TXT"
finish
