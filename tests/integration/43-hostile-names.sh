#!/bin/bash
# Names from the kernel or from packets are untrusted: an unprivileged task
# names itself "x\n\x1b[31mEVIL\xff" (prctl) and sends N datagrams to a
# closed port, and a device in a namespace is named "v\x1bx" (device names
# may hold control bytes) and receives M more. Root's events output must
# not carry the raw bytes:
#   text    exactly one line per drop, no ESC byte, the names as
#           x\x0a\x1b[31mEVIL\xff and v\x1bx
#   json    valid JSON (jq), and .comm / .dev decode to the exact bytes
#   pcapng  the comment says comm=x\x0a\x1b[31mEVIL\xff, the interface
#           name v\x1bx
# Ground truth: what was sent, and UdpNoPorts of the namespace. (Not `ip
# -j`: iproute2 itself writes such a name into JSON unescaped.)
. "$(dirname "$0")/lib.sh"
require nstat jq tshark setpriv
[[ $BACKEND == tp_btf ]] || skip "not about the backend: runs once, with tp_btf"
COMMSEND=$(tool commsend) || exit 1
UDPSEND=$(tool udpsend) || exit 1

N=7
M=5
COMM=$'x\n\x1b[31mEVIL\xff'
COMM_ESC='x\x0a\x1b[31mEVIL\xff'
DEV=$'v\x1bx'
DEV_ESC='v\x1bx'
ns_add NS a
ns_add NS2 b
ip -n "$NS" link add "$DEV" type veth peer name pp netns "$NS2" || die "veth"
ip -n "$NS" addr add 10.77.0.1/24 dev "$DEV" || die "addr"
ip -n "$NS2" addr add 10.77.0.2/24 dev pp || die "addr"
ip -n "$NS" link set "$DEV" up && ip -n "$NS2" link set pp up || die "link up"
ip -n "$NS2" neigh replace 10.77.0.1 lladdr "$(nsx "$NS" cat "/sys/class/net/$DEV/address")" \
	dev pp nud permanent || die "neigh"

ds_launch text "$T/text.out" events --netns "/run/netns/$NS" -w "$T/cap.pcapng" || finish
ds_launch json "$T/json.out" events --netns "/run/netns/$NS" --json || finish
v0=$(snmp "$NS" UdpNoPorts)
ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$COMMSEND" "$COMM" $N 127.0.0.1 9 >"$T/commsend.out" 2>&1 || fail "commsend: $(cat "$T/commsend.out")"
nsx "$NS2" "$UDPSEND" -n $M -g 1000 10.77.0.1 9 >/dev/null || fail "udpsend"
v=$(($(snmp "$NS" UdpNoPorts) - v0))
sleep 0.5
ds_stop text
ds_stop json
check_eq "UdpNoPorts delta" $((N + M)) "$v"

OUT=$T/text.out
check_eq "text: one line per drop" $((N + M)) "$(wc -l <"$OUT")" || show "$OUT"
check_eq "text: no raw ESC byte" 0 "$(grep -c $'\x1b' "$OUT")"
check_eq "text: no raw 0xff byte" 0 "$(LC_ALL=C grep -c $'\xff' "$OUT")"
check_eq "text: the task's name escaped" $N "$(grep -cF " $COMM_ESC/" "$OUT")" || show "$OUT"
check_eq "text: the device's name escaped" $M "$(grep -cF " $DEV_ESC UDP 10.77.0.2:" "$OUT")" ||
	show "$OUT"

check_true "json: every line parses" bash -c "jq -e . '$T/json.out' >/dev/null"
check_eq "json: lines" $((N + M)) "$(wc -l <"$T/json.out")"
# jq turns \u00ff back into U+00FF (UTF-8 c3 bf); everything else is exact.
want=$(printf '%s' "$COMM" | od -An -tx1 | tr -s ' \n' ' ')
got=$(jq -j 'select(.pid != 0 and .dev == "lo") | .comm' "$T/json.out" | head -c 13 | od -An -tx1 |
	tr -s ' \n' ' ')
check_eq "json: .comm decodes to the name's bytes (0xff as U+00FF)" \
	"$(sed 's/ ff / c3 bf /' <<<"$want ")" "$got "
check_eq "json: .dev decodes to the device's bytes" $M \
	"$(jq -r --arg d "$DEV" 'select(.dev == $d) | .dev' "$T/json.out" | wc -l)"
check_eq "json: no raw ESC byte" 0 "$(grep -c $'\x1b' "$T/json.out")"

tshark -o gui.update.enabled:FALSE -r "$T/cap.pcapng" -T fields -E separator=/t \
	-e frame.comment -e frame.interface_name >"$T/cap.txt" 2>"$T/tshark.err"
check_eq "pcapng: packets" $((N + M)) "$(wc -l <"$T/cap.txt")" || show "$T/tshark.err"
check_eq "pcapng: comments name the task escaped" $N "$(grep -cF "comm=$COMM_ESC	" "$T/cap.txt")" ||
	show "$T/cap.txt"
check_eq "pcapng: the interface name escaped" $M "$(grep -c "	v\\\\x1bx$" "$T/cap.txt")" ||
	show "$T/cap.txt"
check_eq "pcapng: no raw ESC byte in what tshark read back" 0 "$(grep -c $'\x1b' "$T/cap.txt")"
finish
