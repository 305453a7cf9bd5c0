#!/bin/bash
# --by caller on a qdisc drop: a tbf qdisc with a tiny limit on a veth
# overflows under a burst of UDP; on 6.x the drops land in __dev_queue_xmit
# (QDISC_DROP). With --helper __dev_queue_xmit that location is a helper, so
# each line must read "N packets dropped at CALLER via __dev_queue_xmit
# (QDISC_DROP)" with CALLER the first frame above the location in the
# kernel's own stack (a tracefs stacktrace trigger on the same drops) that
# is not a helper; N the qdisc's own drop counter. Without --helper the
# line is "at __dev_queue_xmit (QDISC_DROP)", no "via".
. "$(dirname "$0")/lib.sh"
require tc jq
UDPSEND=$(tool udpsend) || exit 1

N=60
HELPERS="__dev_queue_xmit kfree_skb_list_reason sk_skb_reason_drop skb_queue_purge_reason
skb_rbtree_purge tcp_drop_reason dev_kfree_skb_any_reason dev_kfree_skb_irq_reason kfree_skb_partial"
ns_add NA a
ns_add NB b
veth_add "$NA" dsa0 "$NB" dsb0
ip -n "$NA" addr add 10.99.0.1/24 dev dsa0 || die "addr dsa0"
ip -n "$NB" addr add 10.99.0.2/24 dev dsb0 || die "addr dsb0"
# a permanent neighbour: no ARP through the tiny qdisc
ip -n "$NA" neigh replace 10.99.0.2 lladdr "$(mac_of "$NB" dsb0)" dev dsa0 nud permanent ||
	die "neigh"
tc -n "$NA" qdisc add dev dsa0 root tbf rate 8kbit burst 1600 limit 200 || die "tc qdisc add tbf"
qdrops()
{
	tc -n "$NA" -s -j qdisc show dev dsa0 | jq '[.[] | select(.kind == "tbf") | .drops] | add // 0'
}

trace_stacks_start
ds_start helper --by caller,reason --helper __dev_queue_xmit --netns "/run/netns/$NA" -i 3600 ||
	finish
ds_start plain --by caller,reason --netns "/run/netns/$NA" -i 3600 || finish
d0=$(qdrops)
ip netns exec "$NA" "$UDPSEND" -n $N 10.99.0.2 9 >"$T/send" &
spid=$!
wait "$spid" || fail "udpsend: $(cat "$T/send")"
sleep 0.3
d=$(($(qdrops) - d0))
ds_stop helper
ds_stop plain
trace_stop

check_true "the qdisc dropped some of the $N datagrams ($d)" test "$d" -gt 0 -a "$d" -lt $N
# the kernel's view: caller of each QDISC_DROP of the sender, by name
trace_stack_records "$T/trace.txt" |
	awk -F'\t' -v p="$spid" -v h="$HELPERS" '
	BEGIN { n = split(h, l, /[ \n]+/); for (i = 1; i <= n; i++) help[l[i]] = 1 }
	$1 == p && $3 == "QDISC_DROP" {
		n = split($4, f, ";")
		c = "NONE"
		for (i = 2; i <= n; i++) {
			fn = f[i]; sub(/\+.*/, "", fn)
			if (!(fn in help)) { c = fn; break }
		}
		loc = $2; sub(/\+.*/, "", loc)
		print c "\t" loc
	}' | sort | uniq -c | awk '{ print $2 "\t" $1 "\t" $3 }' >"$T/kcallers.txt"
log "kernel's callers (caller, count, location): $(paste -sd' ' "$T/kcallers.txt")"
check_eq "trigger QDISC_DROP records of the sender" "$d" \
	"$(awk -F'\t' '{ s += $2 } END { print s + 0 }' "$T/kcallers.txt")"
check_eq "kernel's QDISC_DROP location" "__dev_queue_xmit" "$(cut -f3 "$T/kcallers.txt" | sort -u | paste -sd' ')"

ds_check_stopped helper
awk '/^[0-9]+ packets dropped at .* via __dev_queue_xmit \(QDISC_DROP\)$/ {
	print $5 "\t" $1 }' "$T/helper.out" | sort >"$T/dcallers.txt"
cut -f1,2 "$T/kcallers.txt" | sort >"$T/kc.txt"
check_true "--helper: (caller, count) pairs equal the kernel's" cmp -s "$T/kc.txt" "$T/dcallers.txt" ||
	{ show "$T/helper.out"; diff "$T/kc.txt" "$T/dcallers.txt"; }
check_eq "--helper: QDISC_DROP total" "$d" "$(ds_sum_reason "$T/helper.out" QDISC_DROP)" || show "$T/helper.out"
check_eq "--helper: no QDISC_DROP line without via" 0 \
	"$(grep '(QDISC_DROP)$' "$T/helper.out" | grep -vc ' via __dev_queue_xmit ')"

ds_check_stopped plain
check_eq "plain: at __dev_queue_xmit (QDISC_DROP)" "$d" \
	"$(awk '/^[0-9]+ packets dropped at __dev_queue_xmit \(QDISC_DROP\)$/ { s += $1 } END { print s + 0 }' "$T/plain.out")" ||
	show "$T/plain.out"
check_eq "plain: no via" 0 "$(grep -c ' via ' "$T/plain.out")"
finish
