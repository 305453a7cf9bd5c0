#!/bin/bash
# cgroups that come and go (--by location,reason,cgroup, filtered to a
# test namespace): 500 cgroups in batches of 50; in each a sender makes 1
# to 5 NO_SOCKET drops, then the batch is removed. Scraped every 0.5 s:
# - each cgroup's drops appear under its path, exactly (the last value
#   its series reached), never under its number: a removed cgroup's series
#   keeps its label until it goes;
# - no series ever decreases; the sum is the namespace's UdpNoPorts;
# - at the end no series of a removed cgroup is left, and the kernel's
#   table (bpftool) holds none of their rows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl bpftool jq nsenter
UDPSEND=$(tool udpsend) || exit 1
CG=$(cgroup2_root)
[[ -n $CG && -w $CG ]] || skip "no writable cgroup v2 mount"
ns_add A a
ex_start main --by location,reason,cgroup --netns "/run/netns/$A" || finish
pid=${DSPID[main]}
scrape_loop main "$T/s" "$T/stop" &
PIDS+=($!)
loop=$!
u0=$(snmp "$A" UdpNoPorts)
t0=$SECONDS
: >"$T/sent.txt"
# One shell per batch, in the namespace: it moves itself into each cgroup
# and sends with bash's /dev/udp (a new socket each time, made in that
# cgroup), so no process is started per cgroup.
for ((b = 0; b < 10; b++)); do
	for ((i = 0; i < 50; i++)); do
		g=$CG/dstest-$$-c$b-$i
		mkdir "$g" || die "mkdir $g"
		CGROUPS+=("$g")
		echo "/dstest-$$-c$b-$i $((1 + (b * 50 + i) % 5))" >>"$T/sent.txt"
	done
	nsenter --net="/run/netns/$A" bash -c '
		for ((i = 0; i < 50; i++)); do
			echo $BASHPID >"$1/dstest-$2-c$3-$i/cgroup.procs" || exit 1
			for ((j = 0; j < 1 + ($3 * 50 + i) % 5; j++)); do
				echo x >/dev/udp/127.0.0.1/9 || exit 1
			done
		done
		echo $BASHPID >"$1/cgroup.procs"' _ "$CG" $$ $b || fail "senders of batch $b"
	sleep 0.6 # a scrape sees them, then they go
	for ((i = 0; i < 50; i++)); do rmdir "$CG/dstest-$$-c$b-$i" || fail "rmdir"; done
	CGROUPS=("${CGROUPS[@]:0:${#CGROUPS[@]}-50}")
done
log "500 cgroups in $((SECONDS - t0)) s"
sleep 2.5 # their rows freed at the next scrape, the series exposed at 2 more
touch "$T/stop"
wait "$loop"
scrape main >"$T/end.txt" || fail "scrape end"
u=$(($(snmp "$A" UdpNoPorts) - u0))
check_eq "kernel: UdpNoPorts = drops sent" "$(awk '{ s += $2 } END { print s }' "$T/sent.txt")" "$u"

series_exposed "$T/s" cgroup >"$T/exposed.txt"
awk 'NR == FNR { m[$1] = $2; next } { if (m[$1] + 0 != $2) { bad++; if (bad <= 5) print $1 ": sent " $2 ", exposed " m[$1] + 0 > "/dev/stderr" } }
	END { print bad + 0 }' "$T/exposed.txt" "$T/sent.txt" >"$T/bad.txt"
check_eq "cgroups exposed with exactly their drops (of 500)" 0 "$(cat "$T/bad.txt")"
check_eq "all drops under a path" "$u" "$(awk '$1 ~ /^\/dstest-/ { s += $2 } END { print s + 0 }' "$T/exposed.txt")"
check_eq "drops under a cgroup number" 0 "$(awk '$1 ~ /^[0-9]+$/ { s += $2 } END { print s + 0 }' "$T/exposed.txt")"
series_decreases "$T/s" >"$T/dec.txt"
check_eq "series that decreased ($(ls "$T/s" | wc -l) scrapes)" 0 "$(wc -l <"$T/dec.txt")" || show "$T/dec.txt"
check_eq "series of removed cgroups left" 0 "$(grep -c "cgroup=\"/dstest-$$-" "$T/end.txt")" ||
	grep "cgroup=\"/dstest-$$-" "$T/end.txt" | head -n 3
rows=$(drops_map_rows "$pid")
check_true "kernel table: their rows freed (${rows:-?} left)" test "${rows:-99999}" -lt 5
check_eq "table overflow" 0 "$(msum "$T/end.txt" dropscope_table_overflow_total)"
finish
