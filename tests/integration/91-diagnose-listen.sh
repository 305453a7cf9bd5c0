#!/bin/bash
# diagnose, case 2: a TCP listener (tcplisten, comm dstcplisten) with
# listen(fd, 1) that never accepts, and 8 connection attempts of 200 ms
# each (tcpsyn; no SYN is retransmitted within 200 ms: the first RTO is
# 1 s). Two complete and fill the accept queue (backlog + 1); the kernel
# drops the SYN of every other one, counting ListenOverflows and
# ListenDrops, and frees it with consume_skb (tcp_conn_request), so no
# kfree_skb reason sees it: the finding is the counter's. It counts the
# TcpExtListenOverflows delta (nstat) and names the listener (port,
# backlog and accept queue as ss says, pid, comm) and the namespace's own
# net.core.somaxconn and tcp_max_syn_backlog (set here to values the host
# does not have, so reading the wrong namespace shows) and tcp_syncookies,
# and that the backlog, far below somaxconn, is the application's: raising
# somaxconn is not advised.
. "$(dirname "$0")/diagnose_lib.sh"
require nstat jq ss sysctl
TCPLISTEN=$(tool tcplisten) || exit 1
TCPSYN=$(tool tcpsyn) || exit 1

N=8
PORT=7001
ns_add NS a
nsx "$NS" sysctl -qw net.core.somaxconn=37 net.ipv4.tcp_max_syn_backlog=97 || die "sysctl"

dg_hold lst "$NS" "$TCPLISTEN" -b 1 -t 60 127.0.0.1 $PORT
LPID=$HOLDPID
read -r _ tpid _ _ _ _ _ backlog <"$T/lst.out"
check_eq "tcplisten: its own pid is the one started" "$LPID" "$tpid"
check_eq "tcplisten: backlog" 1 "$backlog"
comm=$(cat "/proc/$LPID/comm")
check_eq "tcplisten: comm (/proc)" dstcplisten "$comm"

o0=$(snmp "$NS" TcpExtListenOverflows)
l0=$(snmp "$NS" TcpExtListenDrops)
dg_start main "$NS" || finish
# "attempts N refused R connected C timeout T other O"
res=$(nsx "$NS" "$TCPSYN" -n $N -t 200 127.0.0.1 $PORT)
log "tcpsyn: $res"
dg_in_window main
dg_end main "$NS" || finish
ovf=$(($(snmp "$NS" TcpExtListenOverflows) - o0))
ldr=$(($(snmp "$NS" TcpExtListenDrops) - l0))
# ss -lt: Recv-Q is the accept queue, Send-Q the backlog
read -r _ ss_q ss_b _ < <(nsx "$NS" ss -ltnH "sport = :$PORT")
dg_release lst "$LPID"
connected=$(awk '{ print $6 }' <<<"$res")
timedout=$(awk '{ print $8 }' <<<"$res")

check_eq "connected attempts: the accept queue (backlog + 1)" 2 "$connected"
check_eq "ListenOverflows delta = attempts that timed out" "$timedout" "$ovf"
check_true "some overflows ($ovf)" test "$ovf" -gt 0
check_eq "ListenDrops delta = ListenOverflows delta" "$ovf" "$ldr"
check_eq "ss: backlog" 1 "$ss_b"
check_eq "ss: accept queue = connected" "$connected" "$ss_q"

SEL='(.source == "counter" and .name == "TcpExtListenOverflows") or
	(.source == "drops" and .name == "TCP_LISTEN_OVERFLOW")'
F=$(dg_select main "$SEL")
log "listen-overflow findings: $(jq -c '[.[] | [.source, .name, .count]]' <<<"$F")"
F=$(jq -c '[.[] | select(.source == "counter")]' <<<"$F")
dg_one TcpExtListenOverflows "$F" || show "$T/main.json" 80
check_eq "count = ListenOverflows delta" "$ovf" "$(fv '.count')"
dg_check_common TcpExtListenOverflows "$NS"

L=$(fv --argjson p $PORT '[.evidence.listeners[]? | select(.port == $p)]')
check_eq "evidence.listeners: one on port $PORT" 1 "$(jq length <<<"$L")" ||
	log "evidence: $(fv -c '.evidence')"
li()
{
	jq -r ".[0].$1" <<<"$L"
}
check_eq "listener: address" 127.0.0.1 "$(li address)"
check_eq "listener: backlog = ss" "$ss_b" "$(li backlog)"
check_eq "listener: accept_queue = ss" "$ss_q" "$(li accept_queue)"
check_eq "listener: pid" "$LPID" "$(li pid)"
check_eq "listener: comm" "$comm" "$(li comm)"
for k in net.core.somaxconn net.ipv4.tcp_max_syn_backlog net.ipv4.tcp_syncookies; do
	check_eq "evidence.sysctl $k" "$(nsysctl "$NS" $k)" "$(fv --arg k $k '.evidence.sysctl[$k]')"
done
# backlog 1 (ss) far below somaxconn 37: the application asked for it;
# raising somaxconn (which only caps it) changes nothing, said so.
check_true "backlog ($ss_b) far below somaxconn" test $((ss_b * 4)) -le "$(nsysctl "$NS" net.core.somaxconn)"
check_eq "change: net.core.somaxconn is only checked, the application set the backlog" \
	'"check" true' \
	"$(fv -c '[.change[]? | select(.knob == "net.core.somaxconn")][0] | "\(.direction | tojson) \(.application_set)"')"
check_eq "notes: the application's listen() backlog of $ss_b" 1 \
	"$(fv --arg b "backlog of $ss_b," '[.evidence.notes[]? | select(contains("listen()") and contains($b))] | length')" ||
	log "notes: $(fv -c '.evidence.notes')"
dg_check_total report "$ovf"
finish
