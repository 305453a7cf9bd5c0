#!/bin/bash
# --by netns keys namespaces by their cookie, which the kernel never
# reuses, and not by the inode, which it does. Namespace A takes N1 UDP
# datagrams to a closed port and is deleted; namespaces are then made (and
# dropped) until the kernel hands out A's inode again (bounded), and that
# namespace B takes N2. Ground truth: UdpNoPorts in each, and each one's
# cookie from SO_NETNS_COOKIE (tools/nscookie). Rows must keep A and B
# apart under the same inode, each with its own cookie and exact count,
# and the text must show them apart (netns=INODE/COOKIE).
. "$(dirname "$0")/lib.sh"
require nstat jq stat
UDPSEND=$(tool udpsend) || exit 1
NSCOOKIE=$(tool nscookie) || exit 1

N1=13 N2=21
ds_start json --json --by netns -i 3600 || finish
ds_start text --by netns -i 3600 || finish
ds_start wl --json --by workload,netns -i 3600 || finish

ns_add NA a
inoA=$(stat -L -c %i "/run/netns/$NA")
cookieA=$(nsx "$NA" "$NSCOOKIE")
case $? in 0) ;; 77) skip "no SO_NETNS_COOKIE (kernel < 5.14)" ;; *) die "nscookie in A" ;; esac
u0=$(snmp "$NA" UdpNoPorts)
nsx "$NA" "$UDPSEND" -n $N1 127.0.0.1 9 >/dev/null || fail "udpsend in A"
uA=$(($(snmp "$NA" UdpNoPorts) - u0))
check_eq "UdpNoPorts delta in A" $N1 "$uA"
ip netns del "$NA" || die "ip netns del $NA"

# The inode comes back once A is freed (an asynchronous cleanup). Inodes
# are handed out lowest free first, and other tests free and take some
# too: the namespaces that did not get A's inode are kept (removed at
# exit), so each try takes a new one, up to A's. Bounded in count and time.
NB="" deadline=$((SECONDS + 90))
for ((i = 0; i < 400 && SECONDS < deadline; i++)); do
	name="dstest-$$-r$i"
	ip netns add "$name" || die "ip netns add $name"
	NAMESPACES+=("$name")
	if [[ $(stat -L -c %i "/run/netns/$name") == "$inoA" ]]; then
		NB=$name
		break
	fi
	((i % 20 == 19)) && sleep 0.2
done
[[ -n $NB ]] || skip "the kernel did not reuse inode $inoA within $i namespaces / 90 s"
log "inode $inoA came back after $((i + 1)) namespaces"
ip -n "$NB" link set lo up || die "lo up in B"
cookieB=$(nsx "$NB" "$NSCOOKIE") || die "nscookie in B"
check_true "A and B have different cookies ($cookieA, $cookieB)" test "$cookieA" != "$cookieB"
u0=$(snmp "$NB" UdpNoPorts)
nsx "$NB" "$UDPSEND" -n $N2 127.0.0.1 9 >/dev/null || fail "udpsend in B"
uB=$(($(snmp "$NB" UdpNoPorts) - u0))
check_eq "UdpNoPorts delta in B" $N2 "$uB"
sleep 0.3
ds_stop json
ds_stop text
ds_stop wl

by_cookie()
{
	jq -s --argjson ino "$inoA" --argjson c "$1" \
		'[.[].entries[] | select(.netns == $ino and .netns_cookie == $c) | .count] | add // 0' \
		"$T/json.out"
}
check_eq "A's cookie row" "$uA" "$(by_cookie "$cookieA")" || show "$T/json.out"
check_eq "B's cookie row" "$uB" "$(by_cookie "$cookieB")" || show "$T/json.out"
# Text: A and B share the inode in the one interval, so each row says its
# namespace as netns=INODE/COOKIE (the cookie SO_NETNS_COOKIE gave), never
# the bare inode that would make the two read alike. (Other tests'
# namespaces may have held that inode in between, under cookies of their own.)
text_row()
{
	awk -v w="netns=$1" '/^[0-9]+ packets dropped/ && $NF == w { s += $1 } END { print s + 0 }' \
		"$T/text.out"
}
check_eq "text: A's row is netns=$inoA/$cookieA" "$uA" "$(text_row "$inoA/$cookieA")" ||
	show "$T/text.out"
check_eq "text: B's row is netns=$inoA/$cookieB" "$uB" "$(text_row "$inoA/$cookieB")"
check_eq "text: no row of that inode without its cookie" 0 "$(text_row "$inoA")"
# --by workload names B by its /run/netns file; A's row has the same
# inode but not B's cookie (checked through SO_NETNS_COOKIE in B): it must
# not be named after B.
wl()
{
	jq -s -r --argjson c "$1" '[.[].entries[] | select(.netns_cookie == $c) | .workload] | unique | join(",")' "$T/wl.out" 2>/dev/null
}
check_eq "workload of B" "ipnetns=$NB" "$(wl "$cookieB")" || show "$T/wl.out"
check_true "A's rows are not named after B ($(wl "$cookieA"))" test "$(wl "$cookieA")" != "ipnetns=$NB"
finish
