#!/bin/bash
# The default mode's front table (struct front_slot in bpf/dropscope.h): a
# key that has dropped FRONT_MIN_DROPS times is given a slot of a per-CPU
# array within a second, and its later drops are counted there instead of
# in the hash. Checked against what was sent and the kernel's own view:
# - after the first N1 drops, the program's `front` map (found through the
#   process's /proc/PID/fdinfo, read with bpftool) has one live slot, whose
#   location lies inside __udp4_lib_rcv in /proc/kallsyms, count 0;
# - the N2 drops sent after that are all in that slot (its per-CPU counts
#   add up to N2), and the summary's total is N1 + N2 = UdpNoPorts' delta:
#   nothing lost or counted twice across the move;
# - with short intervals, a key that dropped fewer than 16 times has no
#   slot after several reads, and gets one after 16; the intervals' counts
#   add up to UdpNoPorts' delta;
# - with a --by dimension there is no front table.
. "$(dirname "$0")/lib.sh"
require nstat jq bpftool
UDPSEND=$(tool udpsend) || exit 1

N1=40
N2=300
ns_add NS a

ds_start main --netns "/run/netns/$NS" -r --symbols=data -i 3600 || finish
pid=${DSPID[main]}
fid=$(front_map "$pid")
cid=$(front_map "$pid" front_counts)
if [[ -z $fid || -z $cid ]]; then
	fail "the summary's process holds no map named front or front_counts"
	finish
fi
[[ -z $(front_live "$fid" "$cid") ]] || fail "a front slot is live before any drop"

v0=$(snmp "$NS" UdpNoPorts)
nsx "$NS" "$UDPSEND" -n $N1 127.0.0.1 9 >/dev/null || fail "udpsend (first $N1)"
# Slots are filled 50 ms after attaching, then at most a second apart.
live=
for ((i = 0; i < 30; i++)); do
	live=$(front_live "$fid" "$cid")
	[[ -n $live ]] && break
	sleep 0.1
done
check_eq "live front slots after $N1 drops of one key" 1 "$(grep -c . <<<"$live")"
read -r loc cnt <<<"$live"
check_eq "front slot's count before the next drops" 0 "${cnt:-x}"
check_eq "the front slot's location (kallsyms)" __udp4_lib_rcv "$(sym_of "${loc:-0}")"

nsx "$NS" "$UDPSEND" -n $N2 127.0.0.1 9 >/dev/null || fail "udpsend (next $N2)"
read -r loc2 cnt2 <<<"$(front_live "$fid" "$cid")"
check_eq "the same slot" "$loc" "$loc2"
check_eq "front slot's count after $N2 more" $N2 "${cnt2:-x}"
v=$(($(snmp "$NS" UdpNoPorts) - v0))
sleep 0.3
ds_stop main
ds_check_stopped main
OUT=$T/main.out
check_eq "UdpNoPorts delta" $((N1 + N2)) "$v"
check_eq "__udp4_lib_rcv NO_SOCKET (hash + front)" "$v" "$(ds_sum "$OUT" __udp4_lib_rcv NO_SOCKET)" ||
	show "$OUT"
check_only "$OUT" $((N1 + N2))

# A key gets a slot only once it has dropped FRONT_MIN_DROPS (16) times,
# at the interval's read as between reads: one that dropped a few times
# takes no slot for good (slots are never given back) from a busier key
# sharing it. Intervals of 0.2 s: several reads, and several promote
# looks (50 ms, then doubling), between the bursts.
FEW=5 MORE=20
ds_start poll --netns "/run/netns/$NS" -r --symbols=data -i 0.2 || finish
pfid=$(front_map "${DSPID[poll]}")
pcid=$(front_map "${DSPID[poll]}" front_counts)
v0=$(snmp "$NS" UdpNoPorts)
nsx "$NS" "$UDPSEND" -n $FEW 127.0.0.1 9 >/dev/null || fail "udpsend ($FEW)"
sleep 1.2
check_eq "live front slots after $FEW drops and 1.2 s of 0.2 s intervals" "" \
	"$(front_live "$pfid" "$pcid")"
nsx "$NS" "$UDPSEND" -n $MORE 127.0.0.1 9 >/dev/null || fail "udpsend ($MORE)"
live=
for ((i = 0; i < 30; i++)); do
	live=$(front_live "$pfid" "$pcid")
	[[ -n $live ]] && break
	sleep 0.1
done
check_eq "live front slots after $((FEW + MORE)) drops" 1 "$(grep -c . <<<"$live")"
v=$(($(snmp "$NS" UdpNoPorts) - v0))
sleep 0.3
ds_stop poll
ds_check_stopped poll
check_eq "UdpNoPorts delta (intervals)" $((FEW + MORE)) "$v"
check_eq "__udp4_lib_rcv NO_SOCKET over the intervals" "$v" \
	"$(ds_sum "$T/poll.out" __udp4_lib_rcv NO_SOCKET)" || show "$T/poll.out"
check_only "$T/poll.out" $((FEW + MORE))

# A --by dimension keys more than the slot holds: no front table at all.
ds_start bynetns --netns "/run/netns/$NS" --by netns -i 3600 || finish
check_eq "front map with --by netns" "" "$(front_map "${DSPID[bynetns]}")"
check_eq "front_counts map with --by netns" "" "$(front_map "${DSPID[bynetns]}" front_counts)"
ds_stop bynetns
ds_check_stopped bynetns
finish
