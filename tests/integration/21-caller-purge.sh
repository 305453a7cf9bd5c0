#!/bin/bash
# --by caller on a drop inside a generic helper: a packet socket closed with
# its receive queue full is emptied by skb_queue_purge_reason (6.x; before,
# skb_queue_purge) on behalf of packet_release. The kernel is the oracle: a
# stacktrace trigger on skb:kfree_skb in a private tracefs instance records
# the same drops; the caller dropscope prints must equal the first frame
# above the location in that stack that is not a helper, and the count must
# equal what the socket held (its own PACKET_STATISTICS).
. "$(dirname "$0")/lib.sh"
require
PKTPURGE=$(tool pktpurge) || exit 1

N=9
ns_add NS a
trace_start
TRIGGER=$TRACE_INSTANCE/events/skb/kfree_skb/trigger
echo 1 >"$TRACE_INSTANCE/options/sym-offset" || die "cannot set sym-offset"
echo stacktrace >"$TRIGGER" || die "cannot set the stacktrace trigger"
# The trigger goes before lib.sh removes the instance.
trap 'rc=$?; echo "!stacktrace" >"$TRIGGER" 2>/dev/null; (exit $rc); cleanup' EXIT

ds_start main --netns "/run/netns/$NS" --by caller,reason -i 3600 || finish
queued=$(nsx "$NS" "$PKTPURGE" $N 9 | awk '/^queued/ { print $2 }')
sleep 0.3
ds_stop main
trace_stop
echo '!stacktrace' >"$TRIGGER"
ds_check_stopped main
OUT=$T/main.out

check_true "the socket held packets" test "${queued:-0}" -gt 0
# The trigger's stacks of the purge drops by pktpurge: the frame after the
# location, past the helpers, is the caller.
HELPERS='^(kfree_skb_list_reason|kfree_skb_list|kfree_skb_reason|kfree_skb|sk_skb_reason_drop|skb_queue_purge_reason|skb_queue_purge|skb_rbtree_purge|tcp_drop_reason|tcp_drop|dev_kfree_skb_any_reason|dev_kfree_skb_irq_reason|__dev_kfree_skb_any|kfree_skb_partial)$'
awk -v helpers="$HELPERS" '
	/ kfree_skb: / && /pktpurge-/ && /QUEUE_PURGE/ {
		match($0, /location=[^ ]+/); loc = substr($0, RSTART + 9, RLENGTH - 9)
		want = 1; found = 0; next
	}
	want && /<stack trace>/ { next }
	want && /^ => / {
		f = $2
		if (f == loc) { found = 1; next }
		if (found) {
			name = f; sub(/\+.*/, "", name)
			if (name !~ helpers) { print name; want = 0 }
		}
		next
	}
	want && !/^ => / && !/<stack trace>/ { want = 0 }
' "$T/trace.txt" | sort | uniq -c >"$T/callers.txt"
check_eq "one caller in the kernel's stacks" 1 "$(wc -l <"$T/callers.txt")" || show "$T/trace.txt" 60
read -r kcount kcaller <"$T/callers.txt"
check_eq "trigger records = packets held" "$queued" "$kcount"
LOCFN=$(awk '/ kfree_skb: / && /pktpurge-/ && /QUEUE_PURGE/ { match($0, /location=[^+ ]+/); print substr($0, RSTART + 9, RLENGTH - 9); exit }' "$T/trace.txt")
check_true "the location is a helper ($LOCFN)" grep -qE "$HELPERS" <<<"$LOCFN"
LINE="$queued packets dropped at $kcaller via $LOCFN (QUEUE_PURGE)"
check_true "dropscope: '$LINE'" grep -qxF "$LINE" "$OUT" || show "$OUT"
finish
