#!/bin/bash
# The kernel is the oracle for stacks: a stacktrace trigger on skb:kfree_skb
# in a private tracefs instance (only this test's process tree, sym-offset
# on) records the kernel's own stack of every drop while dropscope --stacks
# counts them. For UDP to a closed port (IPv4, IPv6), a TCP SYN to a closed
# port, an nft drop and an OTHERHOST frame on a veth, the (count, stack)
# pairs dropscope prints for the drop's location equal those of the
# trigger records of the sender's pid (softirq work on loopback and veth
# runs on the sending task; checked: the records per sender equal the
# packets sent), trimmed to start at the location frame. Counts equal what
# nstat, the nft counter and the device's rx otherhost counter say.
. "$(dirname "$0")/lib.sh"
require nft nstat jq
UDPSEND=$(tool udpsend) || exit 1
TCPSYN=$(tool tcpsyn) || exit 1
INJECT=$(tool inject) || exit 1

N_U4=13 N_U6=7 N_TCP=5 N_NFT=9 N_OH=11
PORT=7777
ns_add NS a
ns_add NI inj
veth_add "$NI" dsi0 "$NS" dsr0
nsx "$NS" nft -f - <<EOT || die "cannot load the nft ruleset"
table inet dstest {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport $PORT counter drop comment "drop"
	}
}
EOT
otherhost()
{
	ip -n "$NS" -j -s -s link show dsr0 | jq '.[0].stats64.rx.otherhost // 0'
}

trace_stacks_start
ds_start main --stacks -r --symbols=data --netns "/run/netns/$NS" -i 3600 || finish
u4_0=$(snmp "$NS" UdpNoPorts)
u6_0=$(snmp "$NS" Udp6NoPorts)
rst0=$(snmp "$NS" TcpOutRsts)
oh0=$(otherhost)
declare -A SPID=()
# run KIND NS CMD...: the sender's pid is the one the trace shows (ip netns
# exec execs the command in place).
run()
{
	local kind=$1 ns=$2
	shift 2
	ip netns exec "$ns" "$@" >"$T/$kind.send" &
	SPID[$kind]=$!
	wait "${SPID[$kind]}" || fail "$kind sender: $(cat "$T/$kind.send")"
}
run udp4 "$NS" "$UDPSEND" -n $N_U4 127.0.0.1 9
run udp6 "$NS" "$UDPSEND" -n $N_U6 ::1 9
run tcp "$NS" "$TCPSYN" -n $N_TCP 127.0.0.1 9
run nft "$NS" "$UDPSEND" -n $N_NFT 127.0.0.1 $PORT
run oh "$NI" "$INJECT" -i dsi0 -m otherhost -n $N_OH
sleep 0.3
u4=$(($(snmp "$NS" UdpNoPorts) - u4_0))
u6=$(($(snmp "$NS" Udp6NoPorts) - u6_0))
rst=$(($(snmp "$NS" TcpOutRsts) - rst0))
oh=$(($(otherhost) - oh0))
nftc=$(nsx "$NS" nft -j list table inet dstest |
	jq '[.nftables[] | select(.rule.comment == "drop") | .rule.expr[] | select(.counter) |
		.counter.packets] | add')
ds_stop main
trace_stop

ds_check_stopped main
OUT=$T/main.out
trace_stack_records "$T/trace.txt" >"$T/krec.txt"
ds_stacks "$OUT" >"$T/dsst.txt"
check_true "the trigger recorded stacks" test -s "$T/krec.txt" || show "$T/trace.txt"
check_true "no trigger stack lacks the location frame" \
	bash -c "! grep -q 'UNTRIMMED:' '$T/krec.txt'" || grep UNTRIMMED "$T/krec.txt" | head -n 3

for spec in udp4:$N_U4:"$u4" udp6:$N_U6:"$u6" tcp:$N_TCP:"$rst" nft:$N_NFT:"$nftc" oh:$N_OH:"$oh"; do
	IFS=: read -r kind n truth <<<"$spec"
	pid=${SPID[$kind]}
	check_eq "$kind: kernel counter delta" "$n" "$truth"
	awk -F'\t' -v p="$pid" '$1 == p' "$T/krec.txt" >"$T/k-$kind.txt"
	check_eq "$kind: trigger records of sender pid $pid" "$truth" "$(wc -l <"$T/k-$kind.txt")"
	mapfile -t locs < <(cut -f2 "$T/k-$kind.txt" | sort -u)
	check_eq "$kind: distinct kernel locations" 1 "${#locs[@]}" || continue
	loc=${locs[0]}
	# dropscope: the rows at that location (any reason), their stacks
	awk -F'\t' -v l="$loc" '{ r = $2; sub(/ \(.*\)$/, "", r) } r == l' "$T/dsst.txt" >"$T/d-$kind.txt"
	check_eq "$kind: dropscope row count at $loc" "$truth" \
		"$(awk -F'\t' '!seen[$2]++ { s += $1 } END { print s + 0 }' "$T/d-$kind.txt")" || show "$OUT" 80
	check_eq "$kind: sum of dropscope stack counts" "$truth" \
		"$(awk -F'\t' '{ s += $3 } END { print s + 0 }' "$T/d-$kind.txt")"
	cut -f4 "$T/k-$kind.txt" | sort | uniq -c | awk '{ print $1 "\t" $2 }' | sort >"$T/kset-$kind.txt"
	awk -F'\t' '{ c[$4] += $3 } END { for (s in c) print c[s] "\t" s }' "$T/d-$kind.txt" |
		sort >"$T/dset-$kind.txt"
	log "$kind: $(wc -l <"$T/kset-$kind.txt") distinct kernel stack(s) at $loc"
	if ! check_true "$kind: dropscope's (count, stack) pairs == the trigger's" \
		cmp -s "$T/kset-$kind.txt" "$T/dset-$kind.txt"; then
		diff "$T/kset-$kind.txt" "$T/dset-$kind.txt" | tr ';' '\n' | head -n 60 | sed 's/^/    | /'
	fi
done
check_only "$OUT" $((N_U4 + N_U6 + N_TCP + N_NFT + N_OH))
finish
