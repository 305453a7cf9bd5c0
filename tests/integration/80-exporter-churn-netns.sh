#!/bin/bash
# Namespaces that come and go (--by location,reason,netns): 3,000
# short-lived namespaces (unshare, lo up, 3 NO_SOCKET drops, exit; up to
# 64 alive at once) against an exporter (--max-keys 4096: room for what
# other tests running at the same time make, the default series budget),
# scraped every 0.5 s:
# - every churned namespace's drops were exposed under its own series,
#   exactly (the largest value its series reached = what it sent);
# - no series ever decreased between two scrapes;
# - nothing overflowed the table, and the kernel's table (bpftool) holds
#   only a few rows after the churn: the gone namespaces' rows were freed;
# then 20 new namespaces with 1, 3, ... 39 drops (checked against their
# UdpNoPorts) each have their own series with exactly that, and a new
# location (TCP to a closed port) has its own series, nothing in "other";
# once the 20 are deleted their series go after --series-ttl scrapes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl bpftool jq
CHURN=$(tool nschurn) || exit 1
UDPSEND=$(tool udpsend) || exit 1
TCPSYN=$(tool tcpsyn) || exit 1

ex_start main --by location,reason,netns --max-keys 4096 || finish
pid=${DSPID[main]}
scrape_loop main "$T/s" "$T/stop" &
PIDS+=($!)
loop=$!

t0=$SECONDS
"$CHURN" -n 3000 -d 3 -P 64 -t 120 >"$T/churn.txt" || fail "nschurn"
log "churn: $(tail -n 1 "$T/churn.txt") in $((SECONDS - t0)) s"
# The last namespaces' rows are seen, freed at the next scrape, their
# series exposed at 2 more: then none is left whose inode the kernel may
# give to the namespaces below.
sleep 3
log "phase: churn done at $((SECONDS - t0)) s"

NS=()
for ((i = 0; i < 20; i++)); do
	ns_add n "n$i"
	NS+=("$n")
done
ns_add H host
# An inode the kernel gives a new namespace may be that of one gone a
# moment ago (here, or in another test running now), whose series is in
# its grace period: each series is checked by what it grew.
sleep 1
scrape main >"$T/before.txt" || fail "scrape before"
for ((i = 0; i < 20; i++)); do
	nsx "${NS[i]}" "$UDPSEND" -n $((2 * i + 1)) 127.0.0.1 9 >/dev/null || fail "udpsend in ${NS[i]}"
done
nsx "$H" "$TCPSYN" -n 7 127.0.0.1 9 >/dev/null || fail "tcpsyn"
sleep 1.2
scrape main >"$T/after.txt" || fail "scrape after"
grew()
{
	echo $(($(msum "$T/after.txt" dropscope_drops_total "$@") - $(msum "$T/before.txt" dropscope_drops_total "$@")))
}
inoH=$(stat -L -c %i "/run/netns/$H")
INO=()
for ((i = 0; i < 20; i++)); do
	ino=$(stat -L -c %i "/run/netns/${NS[i]}")
	INO+=("$ino")
	check_eq "kernel: UdpNoPorts in ${NS[i]}" $((2 * i + 1)) "$(snmp "${NS[i]}" UdpNoPorts)"
	check_eq "series of ${NS[i]}" $((2 * i + 1)) "$(grew "netns=\"$ino\"" 'reason="NO_SOCKET"')"
done
check_eq "new location after the churn: own series" 7 "$(grew 'location="tcp_v4_rcv"' "netns=\"$inoH\"")"
check_eq "location other" 0 "$(msum "$T/after.txt" dropscope_drops_total 'location="other"')"
check_eq "table overflow" 0 "$(msum "$T/after.txt" dropscope_table_overflow_total)"
# The kernel's table (bpftool): no row of a churned namespace that is
# gone (its inode not given to a live namespace since).
drops_map_netns "$pid" >"$T/rows.txt"
read_rc=$?
live_netns >"$T/live0.txt"
stale=$(awk 'FILENAME == ARGV[1] { live[$1] = 1; next }
	FILENAME == ARGV[2] { if (NF == 2 && $1 ~ /^[0-9]+$/ && !($1 in live)) churned[$1] = 1; next }
	($1 in churned) { n++ } END { print n + 0 }' "$T/live0.txt" "$T/churn.txt" "$T/rows.txt")
log "kernel table rows after the churn: $(wc -l <"$T/rows.txt"); freed $(msum "$T/after.txt" dropscope_table_rows_freed_total), folded $(msum "$T/after.txt" dropscope_series_folded_total), evicted $(msum "$T/after.txt" dropscope_series_evicted_total)"
check_eq "kernel table read (bpftool map dump)" 0 "$read_rc"
check_eq "kernel table: rows of gone churned namespaces" 0 "$stale"
log "phase: checks done at $((SECONDS - t0)) s"

for n in "${NS[@]}"; do ip netns del "$n"; done
# Gone at the next scrape, exposed at 2 more, then evicted. Namespaces
# other tests make meanwhile may be given the same inodes: those alive
# at some time in the wait are left out below.
live_netns >"$T/live.txt"
sleep 3
touch "$T/stop"
wait "$loop"
scrape main >"$T/end.txt" || fail "scrape end"
live_netns >>"$T/live.txt"
gone=0
for ino in "${INO[@]}"; do
	if grep -qx "$ino" "$T/live.txt" || ! grep -q "netns=\"$ino\"" "$T/end.txt"; then
		gone=$((gone + 1))
	fi
done
check_eq "the 20 deleted namespaces' series gone" 20 "$gone"
# The churned namespaces' series are gone, but where a live namespace
# (made by another test now) was given the same inode.
left=$(awk 'FILENAME == ARGV[1] { live[$1] = 1; next }
	FILENAME == ARGV[2] { if (NF == 2 && $1 ~ /^[0-9]+$/ && !($1 in live)) want["netns=\"" $1 "\""] = 1; next }
	$1 ~ /^dropscope_drops_total\{/ && match($1, /netns="[0-9]+"/) && (substr($1, RSTART, RLENGTH) in want) { n++ }
	END { print n + 0 }' "$T/live.txt" "$T/churn.txt" "$T/end.txt")
check_eq "churned namespaces' series left at the end" 0 "$left"

# Per namespace, from every scrape. The kernel reuses a gone namespace's
# inode: drops of namespaces with one inode are summed, and those of the
# namespaces made above (or by other tests running now) may add to one.
series_exposed "$T/s" netns >"$T/exposed.txt"
awk 'NR == FNR { m[$1] = $2; next } NF == 2 && $1 ~ /^[0-9]+$/ { sent[$1] += $2 }
	END { for (i in sent) {
		if (m[i] + 0 < sent[i]) { lost++; if (lost <= 5) print "netns " i ": sent " sent[i] ", exposed " m[i] + 0 > "/dev/stderr" }
		else if (m[i] + 0 > sent[i]) more++
	      }
	      print lost + 0, more + 0 }' "$T/exposed.txt" "$T/churn.txt" >"$T/bad.txt"
read -r lost more <"$T/bad.txt"
log "churned inodes whose series also had other drops (inode reused): $more"
check_eq "churned namespaces whose drops were not all exposed under their netns" 0 "$lost"
check_true "almost all exposed exactly ($more reused of $(grep -c . "$T/churn.txt"))" test "$more" -lt 100
series_decreases "$T/s" >"$T/dec.txt"
log "phase: end at $((SECONDS - t0)) s"
check_eq "series that decreased between scrapes ($(ls "$T/s" | wc -l) scrapes)" 0 "$(wc -l <"$T/dec.txt")" || show "$T/dec.txt"
finish
