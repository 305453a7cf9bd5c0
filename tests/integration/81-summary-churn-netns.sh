#!/bin/bash
# Summary mode under namespace churn: `-i 1 --by netns --max-keys 4096`
# while 3,000 short-lived namespaces make 3 NO_SOCKET drops each (tools/
# nschurn): every drop is attributed to its namespace (the rows of gone
# namespaces are printed, then freed, so the table never fills),
# no interval says the table was full, and the kernel's table (bpftool)
# holds only a few rows afterwards.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require bpftool jq
CHURN=$(tool nschurn) || exit 1

ds_start sum --by netns -i 1 --max-keys 4096 || finish
t0=$SECONDS
"$CHURN" -n 3000 -d 3 -P 64 -t 120 >"$T/churn.txt" || fail "nschurn"
log "churn: $(tail -n 1 "$T/churn.txt") in $((SECONDS - t0)) s"
sleep 2.5 # the last rows printed (1 s), then freed at the next interval
# Gone is when the kernel has freed the namespace (nsfs handles, 6.18),
# which it does in batches, at times seconds after its last process left:
# looked at again, each second, for at most 10 s more.
stale_rows()
{
	awk 'FILENAME == ARGV[1] { live[$1] = 1; next }
	FILENAME == ARGV[2] { if (NF == 2 && $1 ~ /^[0-9]+$/ && !($1 in live)) churned[$1] = 1; next }
	($1 in churned) { n++ } END { print n + 0 }' "$T/live.txt" "$T/churn.txt" "$T/rows.txt"
}
for ((i = 0; i < 11; i++)); do
	drops_map_netns "${DSPID[sum]}" >"$T/rows.txt"
	read_rc=$?
	live_netns >"$T/live.txt"
	((read_rc == 0)) && [[ $(stale_rows) == 0 ]] && break
	sleep 1
done
log "kernel table looked at $((i + 1)) times"
ds_stop sum
check_eq "exit status" 0 "${DSRC[sum]}"
# The kernel's table (bpftool): no row of a churned namespace that is
# gone (its inode not given to a live namespace since).
check_eq "kernel table read (bpftool map dump)" 0 "$read_rc"
check_eq "kernel table: rows of gone churned namespaces" 0 "$(stale_rows)"
check_eq "intervals that overflowed the table" 0 "$(grep -ci 'table.*full\|not counted' "$T/sum.out")"

# Per namespace; a gone namespace's inode may be reused (by the churn, or
# by another test now), so one inode may have more than one sent. Rows of
# namespaces that shared an inode in one interval say netns=INODE/COOKIE.
awk '/^[0-9]+ packets dropped netns=[0-9]+(\/[0-9]+)?$/ { sub(/netns=/, "", $4); sub(/\/.*/, "", $4); got[$4] += $1; next }
	NF == 2 && $1 ~ /^[0-9]+$/ { sent[$1] += $2 }
	END { for (i in sent) if (got[i] + 0 < sent[i]) { lost++; if (lost <= 5) print "netns " i ": sent " sent[i] ", printed " got[i] + 0 > "/dev/stderr" }
	      print lost + 0 }' "$T/sum.out" "$T/churn.txt" >"$T/lost.txt"
check_eq "namespaces with drops not attributed to them (of 3000)" 0 "$(cat "$T/lost.txt")"
check_eq "drops under no namespace" 0 "$(awk '/^[0-9]+ packets dropped netns=0$/ { s += $1 } END { print s + 0 }' "$T/sum.out")"
finish
