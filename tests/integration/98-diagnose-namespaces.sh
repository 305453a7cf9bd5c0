#!/bin/bash
# diagnose-node: one finding per cause across namespaces. 40 namespaces,
# the i-th sends i UDP datagrams to a closed port of its own 127.0.0.1
# (NO_SOCKET, counted as UdpNoPorts there). diagnose runs host-wide (no
# --netns), in JSON and as text at once. The JSON must have exactly one
# finding holding our namespaces, listing all 40, each with its own
# UdpNoPorts delta (nstat in that namespace); the text (a screen) lists at
# most 8 namespaces for it and sums the rest. Other tests' namespaces may
# add drops of their own: only ours are checked exactly. Each of ours is a
# named namespace (ip netns add): the where-table names its workload
# (ipnetns=NAME, as /run/netns has it, the inode as stat says) next to the
# inode in the text, and JSON keeps both.
. "$(dirname "$0")/diagnose_lib.sh"
require nstat jq
UDPSEND=$(tool udpsend) || exit 1

NNS=40
DIAG_SECONDS=8
declare -a NSL INO
for ((i = 1; i <= NNS; i++)); do
	ns_add NS "g$i"
	NSL[i]=$NS
	INO[i]=$(netns_inode "$NS")
done
for ((i = 1; i <= NNS; i++)); do
	echo "$(snmp "${NSL[i]}" UdpNoPorts)"
done >"$T/np0"
ds_launch main "$T/main.json" diagnose --json -d "$DIAG_SECONDS" || finish
ds_launch txt "$T/txt.out" diagnose -d "$DIAG_SECONDS" || finish
for ((i = 1; i <= NNS; i++)); do
	nsx "${NSL[i]}" "$UDPSEND" -n "$i" 127.0.0.1 7013 >/dev/null || fail "udpsend in ${NSL[i]}"
done
check_true "the drops were made within the $DIAG_SECONDS s window" kill -0 "${DSPID[main]}"
ds_wait_exit main $((DIAG_SECONDS + 20)) || fail "diagnose (json) did not end"
ds_wait_exit txt $((DIAG_SECONDS + 20)) || fail "diagnose (text) did not end"
check_eq "diagnose (json): exit status" 0 "${DSRC[main]}" || show "$T/main.err" 20
check_eq "diagnose (text): exit status" 0 "${DSRC[txt]}" || show "$T/txt.err" 20
mapfile -t np0 <"$T/np0"

ours=$(printf '%s\n' "${INO[@]:1}" | jq -s -c .)
F=$(jq -c --argjson o "$ours" \
	'[.findings[] | select([.namespaces[]?.netns | select(IN($o[]))] | length > 0)]' "$T/main.json")
dg_one "a finding with our namespaces" "$F" || show "$T/main.json" 40
check_eq "its name" NO_SOCKET "$(fv '.name')"
check_eq "its protocol" udp "$(fv '.protocol')"
sum=0
bad=0
for ((i = 1; i <= NNS; i++)); do
	d=$(($(snmp "${NSL[i]}" UdpNoPorts) - np0[i - 1]))
	[[ $d -eq $i ]] || { fail "nstat: UdpNoPorts delta in ${NSL[i]} is $d, $i sent"; bad=1; }
	sum=$((sum + d))
	got=$(fv --argjson n "${INO[i]}" '[.namespaces[]? | select(.netns == $n) | .count] | add // 0')
	[[ $got -eq $d ]] || { fail "namespace ${INO[i]}: count $got, nstat says $d"; bad=1; }
done
((bad)) || ok "each of the $NNS namespaces counted its own UdpNoPorts delta"
bad=0
for ((i = 1; i <= NNS; i++)); do
	got=$(fv --argjson n "${INO[i]}" '[.namespaces[]? | select(.netns == $n) | .workload][0]')
	[[ $got == "ipnetns=${NSL[i]}" ]] || { fail "namespace ${INO[i]}: workload $got, ip netns says ${NSL[i]}"; bad=1; }
done
((bad)) || ok "each of the $NNS namespaces named by its workload (ipnetns=NAME)"
check_true "count ($(fv '.count')) >= our drops ($sum)" test "$(fv '.count')" -ge "$sum"
check_eq "namespaces' counts add up to the count" "$(fv '.count')" "$(fv '[.namespaces[].count] | add')"
check_true "all $NNS listed (JSON keeps all)" test "$(fv '.namespaces | length')" -ge $NNS

# the text: the same finding's block lists at most 8 namespaces, the rest summed
awk '/^[0-9]+\. .*: NO_SOCKET at __udp4_lib_rcv/ { on = 1 } on && /^$/ { exit } on' \
	"$T/txt.out" >"$T/block"
# the text's run saw its own set of other tests' namespaces: its own number
nsl=$(sed -n 's/^   where:    \([0-9]*\) namespaces$/\1/p' "$T/block")
check_true "text: where says ${nsl:-no} namespaces, at least ours" test "${nsl:-0}" -ge $NNS ||
	show "$T/txt.out" 60
listed=$(grep -cE '^ *([^ ].* \()?netns [0-9]+\)?: ' "$T/block")
check_true "text: at most 8 namespaces listed ($listed)" test "$listed" -le 8
check_true "text: at least one listed" test "$listed" -ge 1
# ours, when listed, by their workload next to the inode (as stat and ip netns say)
bad=0
for ((i = 1; i <= NNS; i++)); do
	if grep -q "netns ${INO[i]}[):]" "$T/block" &&
		! grep -q "^ *ipnetns=${NSL[i]} (netns ${INO[i]}): " "$T/block"; then
		fail "text: ${NSL[i]} listed without its workload"
		bad=1
	fi
done
((bad)) || ok "text: our namespaces listed with their workload"
check_eq "text: the rest summed" 1 "$(grep -c "^ *and $((nsl - 8)) more namespaces: [0-9]* drops$" "$T/block")"
check_true "text: the block fits a screen ($(wc -l <"$T/block") lines)" test "$(wc -l <"$T/block")" -le 24
finish
