#!/bin/bash
# --by dev,netns, --by cgroup, --by comm and their JSON fields.
# Two namespaces A and B, each with a veth pair from an injector namespace:
# N1 OTHERHOST frames into A's dsr1, N2 into B's dsr2; ground truth is each
# device's rx otherhost counter. UDP senders to a closed port in A, in two
# cgroup v2 groups the test makes: C1 datagrams from -1, C2 from -2; ground
# truth UdpNoPorts in A. Rows must carry exactly those numbers per (dev,
# netns), per cgroup path and for the sender's comm.
# A device may be named "-", which text also prints for "no device": in C
# a veth named "-" gets N3 OTHERHOST frames (its rx otherhost counter) and
# AF_UNIX sockets close with U3 messages unread (skbs with no device; the
# kernel's own count is SIOCINQ before the close, closeunread's "unread").
# Text rows say dev=\x2d (the escape form of '-') for the device and dev=-
# for none; JSON "-" and null.
. "$(dirname "$0")/lib.sh"
require nstat jq stat
UDPSEND=$(tool udpsend) || exit 1
INJECT=$(tool inject) || exit 1
CLOSEUNREAD=$(tool closeunread) || exit 1

N1=17 N2=29 C1=23 C2=11 N3=13 U3=7
ns_add NA a
ns_add NB b
ns_add NC c
ns_add NI inj
veth_add "$NI" dsi1 "$NA" dsr1
veth_add "$NI" dsi2 "$NB" dsr2
# No IPv6 in C: the "-" device's own neighbour discovery would drop there too.
nsx "$NC" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1 ||
	die "disable_ipv6 in C"
ip -n "$NI" link add dsi3 type veth peer name - netns "$NC" || die "a veth named - (the kernel refused it)"
ip -n "$NI" link set dev dsi3 up || die "link up dsi3"
ip -n "$NC" link set dev - up || die "link up -"
inoA=$(stat -L -c %i "/run/netns/$NA")
inoB=$(stat -L -c %i "/run/netns/$NB")
inoC=$(stat -L -c %i "/run/netns/$NC")
CG=$(cgroup2_root)
[[ -n $CG && -w $CG ]] || skip "no writable cgroup v2 mount"
for g in 1 2; do
	mkdir "$CG/dstest-$$-$g" || die "cannot create $CG/dstest-$$-$g"
	CGROUPS+=("$CG/dstest-$$-$g")
done
otherhost()
{
	ip -n "$1" -j -s -s link show dev "$2" | jq '.[0].stats64.rx.otherhost // 0'
}

ds_start dev --by dev,netns -i 3600 || finish
ds_start cg --by cgroup --netns "/run/netns/$NA" -i 3600 || finish
ds_start comm --by comm --netns "/run/netns/$NA" -i 3600 || finish
ds_start json --json --by dev,netns,cgroup -i 3600 || finish
oh1_0=$(otherhost "$NA" dsr1)
oh2_0=$(otherhost "$NB" dsr2)
oh3_0=$(otherhost "$NC" -)
u_0=$(snmp "$NA" UdpNoPorts)
nsx "$NI" "$INJECT" -i dsi1 -m otherhost -n $N1 >/dev/null || fail "inject dsi1"
nsx "$NI" "$INJECT" -i dsi2 -m otherhost -n $N2 >/dev/null || fail "inject dsi2"
nsx "$NI" "$INJECT" -i dsi3 -m otherhost -n $N3 >/dev/null || fail "inject dsi3"
unread=$(nsx "$NC" "$CLOSEUNREAD" unix $U3 | awk '$1 == "unread" { print $2 }')
# each sender in its own cgroup (its socket is made there too)
(echo "$BASHPID" >"$CG/dstest-$$-1/cgroup.procs" && exec ip netns exec "$NA" "$UDPSEND" -n $C1 127.0.0.1 9) >/dev/null ||
	fail "udpsend in cgroup 1"
(echo "$BASHPID" >"$CG/dstest-$$-2/cgroup.procs" && exec ip netns exec "$NA" "$UDPSEND" -n $C2 127.0.0.1 9) >/dev/null ||
	fail "udpsend in cgroup 2"
sleep 0.3
oh1=$(($(otherhost "$NA" dsr1) - oh1_0))
oh2=$(($(otherhost "$NB" dsr2) - oh2_0))
oh3=$(($(otherhost "$NC" -) - oh3_0))
u=$(($(snmp "$NA" UdpNoPorts) - u_0))
for t in dev cg comm json; do ds_stop $t; done

check_eq "dsr1 rx otherhost delta" $N1 "$oh1"
check_eq "dsr2 rx otherhost delta" $N2 "$oh2"
check_eq "the device named - : rx otherhost delta" $N3 "$oh3"
check_eq "unix messages left unread at the close (SIOCINQ)" $U3 "$unread"
check_eq "UdpNoPorts delta in A" $((C1 + C2)) "$u"

# rows: "N packets dropped KEY=V ..." (no location asked for)
row()
{
	# (want through the environment: awk -v would read dev=\x2d's escape)
	WANT=$2 awk 'BEGIN { want = ENVIRON["WANT"] } /^[0-9]+ packets dropped/ {
		r = $0; sub(/^[0-9]+ packets dropped ?/, "", r)
		if (r == want) s += $1 }
		END { print s + 0 }' "$T/$1.out"
}
ds_check_stopped dev
check_eq "dev=dsr1 netns=A" "$oh1" "$(row dev "dev=dsr1 netns=$inoA")" || show "$T/dev.out"
check_eq "dev=dsr2 netns=B" "$oh2" "$(row dev "dev=dsr2 netns=$inoB")" || show "$T/dev.out"
check_eq "dev=lo netns=A (the UDP drops)" "$u" "$(row dev "dev=lo netns=$inoA")" || show "$T/dev.out"
check_eq "dev=\\x2d netns=C: the device named -" "$oh3" "$(row dev "dev=\\x2d netns=$inoC")" || show "$T/dev.out"
check_eq "dev=- netns=C: no device (the unix sockets)" "$unread" "$(row dev "dev=- netns=$inoC")" ||
	show "$T/dev.out"
check_eq "nothing else in C" 0 "$(grep -E "netns=$inoC\$" "$T/dev.out" | grep -vcE 'dev=(\\x2d|-) netns=')"
check_eq "nothing else in A or B" 0 "$(grep -E "netns=($inoA|$inoB)\$" "$T/dev.out" |
	grep -vcE "dev=(dsr1 netns=$inoA|dsr2 netns=$inoB|lo netns=$inoA)\$")"

ds_check_stopped cg
check_eq "cgroup=/dstest-$$-1" "$C1" "$(row cg "cgroup=/dstest-$$-1")" || show "$T/cg.out"
check_eq "cgroup=/dstest-$$-2" "$C2" "$(row cg "cgroup=/dstest-$$-2")" || show "$T/cg.out"
check_eq "--by cgroup total in A" "$((oh1 + u))" "$(awk '/^[0-9]+ packets dropped/ { s += $1 } END { print s + 0 }' "$T/cg.out")" ||
	show "$T/cg.out"

ds_check_stopped comm
check_eq "comm=udpsend" "$u" "$(row comm "comm=udpsend")" || show "$T/comm.out"
check_eq "comm=inject (OTHERHOST into dsr1)" "$oh1" "$(row comm "comm=inject")" || show "$T/comm.out"

JS=$T/json.out
check_eq "json: exit status" 0 "${DSRC[json]}"
if check_true "json: output parses with jq" jq -e -s . "$JS" >/dev/null; then
	jsum()
	{
		jq -s "[.[].entries[]? | select($1) | .count] | add // 0" "$JS"
	}
	check_eq "json: dsr1/A" "$oh1" "$(jsum ".dev == \"dsr1\" and .netns == $inoA")" || show "$JS" 5
	check_eq "json: dsr2/B" "$oh2" "$(jsum ".dev == \"dsr2\" and .netns == $inoB")"
	check_eq "json: the device named - in C" "$oh3" "$(jsum ".dev == \"-\" and .netns == $inoC")"
	check_eq "json: no device in C (null)" "$unread" "$(jsum ".dev == null and .netns == $inoC")"
	check_eq "json: cgroup -1 (lo, A)" "$C1" "$(jsum ".cgroup == \"/dstest-$$-1\" and .dev == \"lo\" and .netns == $inoA")"
	check_eq "json: cgroup -2 (lo, A)" "$C2" "$(jsum ".cgroup == \"/dstest-$$-2\" and .dev == \"lo\" and .netns == $inoA")"
	check_eq "json: cgroup_id of -1" "$(stat -c %i "$CG/dstest-$$-1")" \
		"$(jq -s "[.[].entries[]? | select(.cgroup == \"/dstest-$$-1\") | .cgroup_id] | unique | .[]" "$JS")"
else
	show "$JS"
fi
finish
