#!/bin/bash
# Programs that come and go while dropscope runs: a clsact filter attached
# after start is named, one detached is released (unloaded: nothing of
# ours holds it) and its successor named for its own drops; an XDP program
# attached after start gets its rows. Then kill -9: none of our programs
# or links stays (all are descriptors of our process).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bpfprog_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "the program side does not depend on the backend: runs once"
bpf_require
UDPSEND=$(tool udpsend) || exit 1
N1=14
N2=9
N3=12

for n in one two; do
	bpf_build $n <<EOT
$BPF_HEAD
SEC("tc") int ds53_$n(struct __sk_buff *s)
{
	return udp_dport((void *)(long)s->data, (void *)(long)s->data_end) == 7001 ? TC_ACT_SHOT : TC_ACT_OK;
}
EOT
done
bpf_build x <<EOT
$BPF_HEAD
SEC("xdp") int ds53_x(struct xdp_md *c)
{
	return udp_dport((void *)(long)c->data, (void *)(long)c->data_end) == 7003 ? XDP_DROP : XDP_PASS;
}
EOT
ns_add NA a
ns_add NB b
veth_add "$NA" dsa0 "$NB" dsb0
ip -n "$NA" addr add 10.53.0.1/24 dev dsa0 || die addr
ip -n "$NB" addr add 10.53.0.2/24 dev dsb0 || die addr
ip -n "$NA" neigh add 10.53.0.2 lladdr "$(mac_of "$NB" dsb0)" dev dsa0 || die neigh
tc -n "$NB" qdisc add dev dsb0 clsact || die clsact

ds_start s -r -i 1 || finish
wait_progwatch s
mine=$(prog_ids_of "${DSPID[s]}" | paste -sd' ')
names=$(for id in $mine; do bpftool prog show id "$id" -j | jq -r .name; done | sort | paste -sd' ')
check_eq "our programs: the drop counter, tc drops, xdp:xdp_exception" \
	"kfree_skb_btf tc_drop xdp_exception" "$names"

tc -n "$NB" filter add dev dsb0 ingress pref 3 bpf da obj "$T/one.o" sec tc || die "filter one"
ID1=$(prog_id_by_name ds53_one)
wait_tc_counter s # a rescan (once a second) sees it
nsx "$NA" "$UDPSEND" -n $N1 10.53.0.2 7001 >/dev/null || fail "udpsend"
sleep 2.5 # an interval reports them while ds53_one is still there
tc -n "$NB" filter del dev dsb0 ingress pref 3 || fail "filter del"
gone=0
for ((i = 0; i < 50; i++)); do
	bpftool prog show id "$ID1" >/dev/null 2>&1 || { gone=1; break; }
	sleep 0.1
done
check_eq "the detached program is released (unloaded, none of ours holds it)" 1 $gone
tc -n "$NB" filter add dev dsb0 ingress pref 3 bpf da obj "$T/two.o" sec tc || die "filter two"
sleep 2.5
wait_tc_counter s
nsx "$NA" "$UDPSEND" -n $N2 10.53.0.2 7001 >/dev/null || fail "udpsend"
sleep 2.5
xdp_attach "$NB" dsb0 xdpdrv x || skip_refused
XSYM="bpf_prog_$(prog_tag "$(prog_id_by_name ds53_x)")_ds53_x"
sleep 2.5 # a rescan sees it, and the symbols are read again for its name
nsx "$NA" "$UDPSEND" -n $N3 10.53.0.2 7003 >/dev/null || fail "udpsend"
sleep 2.5
ip -n "$NB" link set dev dsb0 xdpdrv off
ds_stop s
show "$T/s.out" 60
sum() { awk -v p="$1" 'index($0, p) { s += $1 } END { print s + 0 }' "$T/s.out"; }
check_eq "attached after start: ds53_one named for its drops" $N1 "$(sum "by tc program ds53_one id $ID1 ")"
check_eq "its successor: ds53_two named for its own" $N2 "$(sum "by tc program ds53_two id ")"
check_eq "no drop said as one of them" 0 "$(grep -c "one of:" "$T/s.out")"
check_eq "XDP program attached after start: its XDP_DROP rows" $N3 \
	"$(awk -v s="$XSYM" '$5 == s && $6 == "(XDP_DROP)" { n += $1 } END { print n + 0 }' "$T/s.out")"
left=$(comm -12 <(tr ' ' '\n' <<<"$mine" | sort) <(prog_ids_all | sort) | paste -sd' ')
check_eq "after SIGINT none of our programs is loaded" "" "$left"

# kill -9: the kernel drops every link and program with our descriptors.
ds_start k -i 1 || finish
wait_progwatch k
mine=$(prog_ids_of "${DSPID[k]}" | paste -sd' ')
check_true "the second run holds its programs ($mine)" test -n "$mine"
ds_stop k KILL
for ((i = 0; i < 50; i++)); do
	left=$(comm -12 <(tr ' ' '\n' <<<"$mine" | sort) <(prog_ids_all | sort) | paste -sd' ')
	[[ -z $left ]] && break
	sleep 0.1
done
check_eq "after kill -9 none of our programs is loaded" "" "$left"
links=$(bpftool link show -j 2>/dev/null | jq -r '.[].prog_id' | sort -u)
check_eq "after kill -9 no link to them" "" "$(comm -12 <(tr ' ' '\n' <<<"$mine" | sort) <(sort <<<"$links") | paste -sd' ')"
finish
