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

# The map ids the process holds, one per line.
map_ids_of()
{
	cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '$1 == "map_id:" { print $2 }' | sort -un
}

# front_map PID [NAME]: the id of the map named NAME (default front) that
# process holds, or nothing. (bpftool shows 15 characters of a name.)
front_map()
{
	local id
	for id in $(map_ids_of "$1"); do
		if [[ $(bpftool map show id "$id" -j 2>/dev/null | jq -r '.name // ""') == "${2:-front}" ]]; then
			echo "$id"
			return
		fi
	done
}

# front_live ID CID: "location count" of each live slot of the front map
# ID, the location in hex from the value's raw bytes (jq 1.6 reads JSON
# numbers as doubles: a kernel address in bpftool's formatted view comes
# out rounded to 2 KiB), its count (summed over CPUs) from the counts map
# CID at the same index.
front_live()
{
	local key loc
	bpftool map dump id "$1" -j | jq -r '.[] | select(.formatted.values | any(.value.live != 0)) |
		"\(.formatted.key) \(.values[0].value[0:8] | reverse | map(ltrimstr("0x")) | join(""))"' |
		while read -r key loc; do
			echo "$loc $(bpftool map lookup id "$2" key $((key & 255)) $((key >> 8 & 255)) \
				$((key >> 16 & 255)) $((key >> 24 & 255)) -j | jq '[.formatted.values[].value] | add')"
		done
}

# The kallsyms symbol an address (16 hex digits) falls in.
sym_of()
{
	awk '$2 ~ /^[tT]$/ { print $1, $3 }' /proc/kallsyms | sort |
		awk -v a="$1" '$1 <= a { s = $2 } $1 > a { print s; exit }'
}

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
