#!/bin/bash
# Slow clients cannot block a scrape: 64 connections from 127.0.0.2-5
# (16 each, an address's whole share) trickle one header line every 2 s
# and are opened again whenever the server ends them, while a scraper
# scrapes every second for 12 s, from 127.0.0.1 and from 127.0.0.2 (the
# address of 16 tricklers, as when they come from Prometheus' own
# address): every scrape answers 200 within 2 s. The tricklers are cut
# (oldest first for room, else at the request deadline), and once they
# are gone the exporter holds none of their connections.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl
TRICKLE=$(tool trickle) || exit 1
ns_add NS a
ex_start main --netns "/run/netns/$NS" || finish
P=${EXPORT_PORT[main]}
pid=${DSPID[main]}

"$TRICKLE" -p "$P" -n 64 -a 4 -g 2 -t 14 >"$T/trickle.out" 2>&1 &
tpid=$!
PIDS+=("$tpid")
sleep 1
slow=0 bad=0 n=0
for ((i = 0; i < 12; i++)); do
	for src in 127.0.0.1 127.0.0.2; do
		t0=$(date +%s%N)
		code=$(curl -s --interface "$src" --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/metrics")
		ms=$((($(date +%s%N) - t0) / 1000000))
		n=$((n + 1))
		[[ $code == 200 ]] || { bad=$((bad + 1)); log "scrape from $src: status $code after $ms ms"; }
		((ms < 2000)) || slow=$((slow + 1))
	done
	sleep 1
done
check_eq "scrapes answered 200 (of $n)" 0 "$bad"
check_eq "scrapes slower than 2 s" 0 "$slow"
wait "$tpid"
read -r _ opened _ ended <"$T/trickle.out"
log "trickle: $(cat "$T/trickle.out")"
check_true "tricklers were cut (opened $opened, ended $ended)" test "${ended:-0}" -gt 0
# Closed by the clients: nothing of theirs is held, a fresh scrape works.
sleep 0.5
socks=$(find /proc/"$pid"/fd -lname 'socket:*' 2>/dev/null | wc -l)
check_true "sockets held after the tricklers left ($socks) are few" test "$socks" -lt 16
check_eq "scrape after" 200 "$(http_code main /metrics --interface 127.0.0.2)"
finish
