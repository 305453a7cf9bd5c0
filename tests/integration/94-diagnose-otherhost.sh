#!/bin/bash
# diagnose, case 5: Ethernet frames for somebody else's MAC (inject -m
# otherhost, IPv4) from a veth in a second namespace into its peer dsr0 in
# the diagnosed one: IP drops them as OTHERHOST. The finding counts the
# frames sent = dsr0's rx_otherhost_dropped delta (ip -s -s link), names
# the device, and its evidence shows the device's MAC and promisc state (on)
# as `ip -d -j link` says.
. "$(dirname "$0")/diagnose_lib.sh"
require jq
INJECT=$(tool inject) || exit 1

N=37
LOC4='ip_rcv_core|ip_rcv' # as 05-otherhost.sh
ns_add NS a
ns_add NI inj
veth_add "$NI" dsi0 "$NS" dsr0
# promiscuous or not, IP drops frames for another host; promisc on makes
# the evidence's state something that has to be read
ip -n "$NS" link set dsr0 promisc on || die "promisc on dsr0"

# otherhost: dsr0's counter; ip leaves it out while it is 0, and a kernel
# before 5.19 does not have it ("none" after the frames came)
otherhost()
{
	ip -n "$NS" -j -s -s link show dsr0 | jq -r ".[0].stats64.rx.otherhost // \"$1\""
}
oh0=$(otherhost 0)
dg_start main "$NS" || finish
nsx "$NI" "$INJECT" -i dsi0 -m otherhost -n $N >"$T/inject" || fail "inject: $(cat "$T/inject")"
dg_in_window main
dg_end main "$NS" || finish
oh1=$(otherhost none)
mac=$(mac_of "$NS" dsr0)
promisc=$(ip -n "$NS" -d -j link show dsr0 | jq '.[0].promiscuity > 0')

if [[ $oh1 == none ]]; then
	log "no rx_otherhost_dropped on this kernel: checking against the frames sent"
	oh=$N
else
	oh=$((oh1 - oh0))
	check_eq "dsr0 rx_otherhost_dropped delta = frames sent" $N "$oh"
fi

dg_one OTHERHOST "$(dg_select main '.source == "drops" and .name == "OTHERHOST"')" ||
	show "$T/main.json" 80
check_eq "count = frames sent" "$oh" "$(fv '.count')"
check_true "location is one of $LOC4 ($(fv '.location'))" grep -qxE "$LOC4" <<<"$(fv '.location')"
check_eq "device" dsr0 "$(fv '.device')"
check_eq "netns (inode)" "$(netns_inode "$NS")" "$(fv '.netns')"
dg_check_common OTHERHOST "$NS"
check_eq "evidence.device.name" dsr0 "$(fv '.evidence.device.name')"
# The sender: inject's source (192.0.2.1) from dsi0's MAC, every frame.
check_eq "evidence.senders: one sender" 1 "$(fv '.evidence.senders | length')"
check_eq "evidence.senders: its address (inject's source)" 192.0.2.1 \
	"$(fv '.evidence.senders[0].address')"
check_eq "evidence.senders: its MAC = dsi0's (ip link)" "$(mac_of "$NI" dsi0)" \
	"$(fv '.evidence.senders[0].mac')"
check_eq "evidence.senders: its count = frames sent" $N "$(fv '.evidence.senders[0].count')"
check_eq "evidence.device.mac = ip link" "$mac" "$(fv '.evidence.device.mac')"
check_eq "dsr0 is promiscuous (ip -d link)" true "$promisc"
check_eq "evidence.device.promisc = ip -d link" "$promisc" "$(fv '.evidence.device.promisc')"
if [[ $oh1 != none ]]; then
	# a fresh device: its counter is the window's delta
	check_eq "evidence.device.rx_otherhost_dropped = ip -s -s link" "$oh1" \
		"$(fv '.evidence.device.rx_otherhost_dropped')"
	REC=$(fv '[.reconcile[]? | select(.counter == "dev:rx_otherhost_dropped")]')
	check_eq "reconcile: dev:rx_otherhost_dropped delta" "$oh" "$(jq -r '.[0].delta' <<<"$REC")"
	check_eq "reconcile: dev:rx_otherhost_dropped agrees" true "$(jq -r '.[0].agrees' <<<"$REC")"
fi
dg_check_total report "$oh"
finish
