#!/bin/bash
# --stack-budget: a burst of UDP datagrams to a closed port far above a
# budget of 5 unwinds per second per CPU. Every drop is still counted
# (the row equals the namespace's UdpNoPorts delta) and a row's stacks
# plus its "[not unwound: N]" line add up to the row's count, in the text,
# JSON ("not_unwound") and --folded ("[not_unwound];LOCATION N") outputs.
# The unwound part is bounded by the budget: at most 5 per CPU for the
# first second's burst plus 5 per CPU per second after it. The same burst
# with --stack-budget 0 has every stack unwound and no "[not unwound]".
. "$(dirname "$0")/lib.sh"
require nstat jq
UDPSEND=$(tool udpsend) || exit 1

N=3000 BUDGET=5
NCPU=$(nproc)
ns_add NS a

ds_start text --stacks --stack-budget $BUDGET --netns "/run/netns/$NS" -i 3600 || finish
ds_start json --stacks --stack-budget $BUDGET --json --netns "/run/netns/$NS" -i 3600 || finish
ds_start fold --folded --stack-budget $BUDGET --netns "/run/netns/$NS" -i 3600 || finish
ds_start all --stacks --stack-budget 0 --netns "/run/netns/$NS" -i 3600 || finish
u0=$(snmp "$NS" UdpNoPorts)
t0=$(date +%s%N)
nsx "$NS" "$UDPSEND" -n $N -l 0 -t 60 127.0.0.1 9 >/dev/null || fail "udpsend"
t1=$(date +%s%N)
sleep 0.3
u=$(($(snmp "$NS" UdpNoPorts) - u0))
for tag in text json fold all; do ds_stop $tag; done

check_eq "UdpNoPorts delta" $N "$u"
# Whole seconds the budget may have refilled in: the send, the settle time
# and the stop, rounded up, plus the first second's full bucket.
secs=$(((t1 - t0) / 1000000000 + 2))
max_unwound=$((BUDGET * NCPU * (secs + 1)))
log "burst took $(((t1 - t0) / 1000000)) ms; unwound at most $max_unwound expected"

ds_check_stopped text
ds_check_stopped all
for tag in json fold; do
	check_eq "$tag: exit status after SIGINT" 0 "${DSRC[$tag]}" || show "$T/$tag.err"
done

# text
OUT=$T/text.out
check_eq "text: row at __udp4_lib_rcv" "$u" "$(ds_sum "$OUT" __udp4_lib_rcv '*')" || show "$OUT" 60
check_only "$OUT" "$u"
ds_stacks "$OUT" >"$T/text.st"
check_eq "text: stacks + [not unwound] = row count" "$u" \
	"$(awk -F'\t' '{ s += $3 } END { print s + 0 }' "$T/text.st")" || show "$OUT" 60
nu=$(awk -F'\t' '$4 == "[not unwound]" { s += $3 } END { print s + 0 }' "$T/text.st")
unw=$(awk -F'\t' '$4 != "[not unwound]" && $4 != "[stack unavailable]" { s += $3 }
	END { print s + 0 }' "$T/text.st")
check_true "text: some stacks unwound (got $unw)" test "$unw" -ge 1
check_true "text: unwound $unw <= budget bound $max_unwound" test "$unw" -le "$max_unwound"
check_eq "text: not unwound = the rest" $((u - unw)) "$nu"
check_eq "text: [stack unavailable] lines" 0 "$(grep -c 'stack unavailable' "$OUT")"

# JSON: every entry's stacks and not_unwound add up to its count
J=$T/json.out
check_eq "json: total count" "$u" "$(jq -s '[.[].entries[].count] | add' "$J")" || show "$J"
check_eq "json: entries whose stacks + not_unwound != count" 0 \
	"$(jq -s '[.[].entries[] | select(([.stacks[].count] | add // 0) + .not_unwound != .count)] |
		length' "$J")" || show "$J"
jnu=$(jq -s '[.[].entries[].not_unwound] | add' "$J")
check_true "json: not_unwound $jnu >= N - bound" test "$jnu" -ge $((u - max_unwound))

# --folded: the not-unwound part is a frame line of its own, ending in the location
F=$T/fold.out
check_eq "folded: sum of counts" "$u" "$(awk '{ s += $NF } END { print s + 0 }' "$F")" || show "$F"
fnu=$(awk '$1 == "[not_unwound];__udp4_lib_rcv" { s += $2 } END { print s + 0 }' "$F")
check_true "folded: [not unwound] line $fnu >= N - bound" test "$fnu" -ge $((u - max_unwound)) ||
	show "$F"
check_eq "folded: lines not matching 'frames COUNT'" 0 "$(grep -cvE '^[^ ]+ [0-9]+$' "$F")"

# --stack-budget 0: every drop unwound
A=$T/all.out
ds_stacks "$A" >"$T/all.st"
check_eq "budget 0: stacks sum" "$u" "$(awk -F'\t' '{ s += $3 } END { print s + 0 }' "$T/all.st")" ||
	show "$A" 60
check_eq "budget 0: [not unwound] lines" 0 "$(grep -c 'not unwound' "$A")"
finish
