#!/bin/bash
# --by netns keys namespaces by their cookie, which the kernel never
# reuses, and not by the inode, which it does. Namespace A takes N1 UDP
# datagrams to a closed port and is deleted; namespaces are then made (and
# dropped) until the kernel hands out A's inode again (bounded), and that
# namespace B takes N2. Ground truth: UdpNoPorts in each, and each one's
# cookie from SO_NETNS_COOKIE (tools/nscookie). Rows must keep A and B
# apart under the same inode, each with its own cookie and exact count.
. "$(dirname "$0")/lib.sh"
require nstat jq stat
UDPSEND=$(tool udpsend) || exit 1
NSCOOKIE=$(tool nscookie) || exit 1

N1=13 N2=21
ds_start json --json --by netns -i 3600 || finish
ds_start text --by netns -i 3600 || finish

ns_add NA a
inoA=$(stat -L -c %i "/run/netns/$NA")
cookieA=$(nsx "$NA" "$NSCOOKIE")
case $? in 0) ;; 77) skip "no SO_NETNS_COOKIE (kernel < 5.14)" ;; *) die "nscookie in A" ;; esac
u0=$(snmp "$NA" UdpNoPorts)
nsx "$NA" "$UDPSEND" -n $N1 127.0.0.1 9 >/dev/null || fail "udpsend in A"
uA=$(($(snmp "$NA" UdpNoPorts) - u0))
check_eq "UdpNoPorts delta in A" $N1 "$uA"
ip netns del "$NA" || die "ip netns del $NA"

# The inode comes back once A is freed (an asynchronous cleanup) and no
# other namespace (other tests run too) took it first: bounded tries.
NB="" deadline=$((SECONDS + 60))
for ((i = 0; i < 600 && SECONDS < deadline; i++)); do
	name="dstest-$$-r$i"
	ip netns add "$name" || die "ip netns add $name"
	if [[ $(stat -L -c %i "/run/netns/$name") == "$inoA" ]]; then
		NAMESPACES+=("$name")
		NB=$name
		break
	fi
	ip netns del "$name"
	sleep 0.05
done
[[ -n $NB ]] || skip "the kernel did not reuse inode $inoA within $i namespaces / 60 s"
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

by_cookie()
{
	jq -s --argjson ino "$inoA" --argjson c "$1" \
		'[.[].entries[] | select(.netns == $ino and .netns_cookie == $c) | .count] | add // 0' \
		"$T/json.out"
}
check_eq "A's cookie row" "$uA" "$(by_cookie "$cookieA")" || show "$T/json.out"
check_eq "B's cookie row" "$uB" "$(by_cookie "$cookieB")" || show "$T/json.out"
check_eq "no third namespace under inode $inoA" "$((uA + uB))" \
	"$(jq -s --argjson ino "$inoA" '[.[].entries[] | select(.netns == $ino) | .count] | add // 0' "$T/json.out")"
# Text keeps the inode people know: two rows, one per namespace.
check_eq "text rows netns=$inoA" "$uA $uB" \
	"$(awk -v w="netns=$inoA" '/^[0-9]+ packets dropped/ && $NF == w { print $1 }' "$T/text.out" | sort -n | paste -sd' ')" ||
	show "$T/text.out"
finish
