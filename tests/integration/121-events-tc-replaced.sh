#!/bin/bash
# Events mode names the tc program behind a TC_INGRESS drop from the hook
# listing, which (as documented) is at most about a second old: a clsact
# filter replaced while events runs is named as the new program for drops
# after the swap. Before, events read the listing once per -i interval
# (5 s by default; 3600 here), so every drop after a replace was said, with
# certainty, to be the old program's. Checked against bpftool's ids of the
# two programs and the clsact qdisc's `tc -s` drops.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bpfprog_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "the program side does not depend on the backend: runs once"
bpf_require jq
UDPSEND=$(tool udpsend) || exit 1
N_A=4 # to 7001 while ds121_a is on the hook
N_B=6 # to 7001 after ds121_b replaced it

for p in a b; do
	bpf_build $p <<EOT
$BPF_HEAD
SEC("tc") int ds121_$p(struct __sk_buff *s)
{
	return udp_dport((void *)(long)s->data, (void *)(long)s->data_end) == 7001 ? TC_ACT_SHOT : TC_ACT_OK;
}
EOT
done

ns_add NA a
ns_add NB b
veth_add "$NA" ds121a "$NB" ds121b
ip -n "$NA" addr add 10.121.0.1/24 dev ds121a || die addr
ip -n "$NB" addr add 10.121.0.2/24 dev ds121b || die addr
ip -n "$NA" neigh add 10.121.0.2 lladdr "$(mac_of "$NB" ds121b)" dev ds121a || die neigh
tc -n "$NB" qdisc add dev ds121b clsact || die clsact
tc -n "$NB" filter add dev ds121b ingress pref 7 handle 1 bpf da obj "$T/a.o" sec tc || die "tc filter add"
ID_A=$(prog_id_by_name ds121_a)
[[ -n $ID_A ]] || die "ds121_a not in bpftool prog show"

ds_launch ev "$T/ev.out" events --json -i 3600 --netns "/run/netns/$NB" || finish
wait_tc_counter ev
nsx "$NA" "$UDPSEND" -n $N_A 10.121.0.2 7001 >/dev/null || fail "udpsend 7001"
sleep 0.3
tc -n "$NB" filter replace dev ds121b ingress pref 7 handle 1 bpf da obj "$T/b.o" sec tc ||
	die "tc filter replace"
ID_B=$(prog_id_by_name ds121_b)
[[ -n $ID_B ]] || die "ds121_b not in bpftool prog show"
# Past the documented age of the listing, then drops of the new program.
sleep 1.5
nsx "$NA" "$UDPSEND" -n $N_B 10.121.0.2 7001 >/dev/null || fail "udpsend 7001"
sleep 0.5
ds_stop ev
check_eq "exit status" 0 "${DSRC[ev]}" || show "$T/ev.err" 10
check_eq "clsact qdisc's tc -s drops" $((N_A + N_B)) \
	"$(tc -n "$NB" -s -j qdisc show dev ds121b | jq '.[] | select(.kind == "clsact") | .drops')"
ids=$(jq -r 'select(.reason == "TC_INGRESS" and .dport == 7001) | .tc_program.prog_id // "none"' "$T/ev.out" | tr '\n' ' ')
want="$(printf "$ID_A %.0s" $(seq $N_A))$(printf "$ID_B %.0s" $(seq $N_B))"
check_eq "each event's prog_id: ds121_a's ($ID_A) then, after the replace, ds121_b's ($ID_B)" \
	"$want" "$ids" || show "$T/ev.out" 12
finish
