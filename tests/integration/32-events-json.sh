#!/bin/bash
# Events mode, --json: UDP (IPv4 and IPv6) and TCP SYNs to closed ports over
# the veth pair. Every event must parse with jq, there must be exactly one
# per drop, and its fields must equal what was sent or what the kernel says
# elsewhere:
#   cpu / pid / comm  the pinned CPU and the sender's pid (the drop runs in
#                     the sender's softirq, see 30-events-udp-fields.sh)
#   netns / ifindex / dev   stat of /run/netns/NSB, ip link in NSB
#   len               14 + IP + L4 header + payload; caplen = min(len, 128),
#                     the default snaplen; nonlinear false (small skbs)
#   reason_code       NO_SOCKET's number in the tracepoint's own format
#   address           kallsyms address of the symbol plus "offset"
#   src_mac / dst_mac the veths' MACs; ethertype, ttl (the sender's default
#                     TTL / hop limit), df (PMTU discovery on: Linux sets DF
#                     on UDP and TCP), ip_proto, addresses, ports, tcp_flags
#   timestamp         within the wall-clock window of the sending
. "$(dirname "$0")/events_lib.sh"
require nstat jq taskset
UDPSEND=$(tool udpsend) || exit 1
SYNSEND=$(tool synsend) || exit 1

N4=5
N6=4
NT=3
PAY=100
CPU=$(($(nproc) - 1))
ev_pair
nsx "$NSA" sysctl -qw net.ipv4.ip_no_pmtu_disc=0 net.ipv4.tcp_timestamps=1 net.ipv4.tcp_sack=1 \
	net.ipv4.tcp_window_scaling=1 || die "sysctls in $NSA"
TTL=$(nsx "$NSA" sysctl -n net.ipv4.ip_default_ttl)
HOPS=$(nsx "$NSA" sysctl -n "net.ipv6.conf.$VA.hop_limit")
[[ -e $TRACEFS/events/skb/kfree_skb/format ]] || trace_start # mounts tracefs if needed
NO_SOCKET=$(reason_number NO_SOCKET)
[[ -n $NO_SOCKET ]] || skip "this kernel's kfree_skb has no drop reasons"

ev_start main "$T/main.out" --netns "/run/netns/$NSB" --json || finish
v4_0=$(snmp "$NSB" UdpNoPorts)
v6_0=$(snmp "$NSB" Udp6NoPorts)
t0=$(date +%s.%N)
ev_send P4 "$NSA" taskset -c "$CPU" "$UDPSEND" -n $N4 -l $PAY -s $SPORT -g 2000 $IPB 9
ev_send P6 "$NSA" taskset -c "$CPU" "$UDPSEND" -n $N6 -l $PAY -s $SPORT -g 2000 $IP6B 9
ev_send PT "$NSA" taskset -c "$CPU" "$SYNSEND" -n $NT -s $TSPORT $IPB 9
t1=$(date +%s.%N)
v4=$(($(snmp "$NSB" UdpNoPorts) - v4_0))
v6=$(($(snmp "$NSB" Udp6NoPorts) - v6_0))
ev_settle
ev_stop main

OUT=$T/main.out
check_eq "UdpNoPorts delta (kernel)" $N4 "$v4"
check_eq "Udp6NoPorts delta (kernel)" $N6 "$v6"
check_eq "synsend" "attempts $NT refused $NT connected 0 timeout 0 other 0" "$(cat "$T/PT.out")"
check_true "every line parses with jq" ev_jq_ok "$OUT" || show "$OUT"
check_eq "one JSON object per line" "$(ev_lines "$OUT")" "$(jq -c . "$OUT" 2>/dev/null | wc -l)"
check_eq "events (all of them)" $((N4 + N6 + NT)) "$(ev_lines "$OUT")" || show "$OUT"
ev_check_accounting main $((N4 + N6 + NT)) $((N4 + N6 + NT)) 0 0 0
# Under --json what is said on stderr is JSON too, one object per line.
check_eq "stderr: every line one JSON object" "$(wc -l <"$T/main.err")" \
	"$(jq -c 'select(type == "object" and (.info // .warning // .error))' "$T/main.err" 2>/dev/null | wc -l)" ||
	show "$T/main.err"

# The fields that have one right value, per flow: "N {object}" lines.
FIELDS='{cpu, pid, comm, netns, ifindex, dev, len, caplen, nonlinear, reason, reason_code,
	symbol, l3, src_mac, dst_mac, ethertype, src, dst, ttl, df, ip_proto, l4, sport, dport,
	tcp_flags, truncated, malformed}'
got=$(jq -c "$FIELDS" "$OUT" | sort | uniq -c | sed 's/^ *//' | sort)
min128() { echo $(($1 < 128 ? $1 : 128)); }
want()
{
	# want N PID COMM LEN SYMBOL L3 ETHERTYPE SRC DST TTL DF IP_PROTO L4 SPORT TCP_FLAGS
	jq -cn --argjson cpu "$CPU" --argjson pid "$2" --arg comm "$3" --argjson netns "$NETNS_B" \
		--argjson ifindex "$IFINDEX_B" --arg dev "$VB" --argjson len "$4" \
		--argjson caplen "$(min128 "$4")" --argjson rc "$NO_SOCKET" --arg symbol "$5" \
		--arg l3 "$6" --arg sm "$MAC_A" --arg dm "$MAC_B" --argjson et "$7" --arg src "$8" \
		--arg dst "$9" --argjson ttl "${10}" --argjson df "${11}" --argjson proto "${12}" \
		--arg l4 "${13}" --argjson sport "${14}" --argjson flags "${15}" \
		'{cpu: $cpu, pid: $pid, comm: $comm, netns: $netns, ifindex: $ifindex, dev: $dev,
		  len: $len, caplen: $caplen, nonlinear: false, reason: "NO_SOCKET",
		  reason_code: $rc, symbol: $symbol, l3: $l3, src_mac: $sm, dst_mac: $dm,
		  ethertype: $et, src: $src, dst: $dst, ttl: $ttl, df: $df, ip_proto: $proto,
		  l4: $l4, sport: $sport, dport: 9, tcp_flags: $flags, truncated: null,
		  malformed: null}' | sed "s/^/$1 /"
}
expected=$(
	{
		want $N4 "$P4" udpsend $((14 + 20 + 8 + PAY)) __udp4_lib_rcv ipv4 2048 $IPA $IPB \
			"$TTL" true 17 udp $SPORT null
		want $N6 "$P6" udpsend $((14 + 40 + 8 + PAY)) __udp6_lib_rcv ipv6 34525 $IP6A $IP6B \
			"$HOPS" null 17 udp $SPORT null
		want $NT "$PT" synsend $((14 + 20 + 20 + 20)) tcp_v4_rcv ipv4 2048 $IPA $IPB \
			"$TTL" true 6 tcp $TSPORT '"S"'
	} | sort
)
check_eq "events per distinct field set" "$expected" "$got" || show "$OUT" 5

# address = the symbol's kallsyms address + offset; location is the
# symbol+offset/size text of that address.
bad=0
while read -r addr sym off size loc; do
	base=$(awk -v s="$sym" '$3 == s && NF == 3 { print $1; exit }' /proc/kallsyms)
	if [[ -z $base ]] || ((addr != 0x$base + off)) || ((off >= size)) ||
		[[ $loc != $(printf '%s+0x%x/0x%x' "$sym" "$off" "$size") ]]; then
		log "bad address/location: $addr $sym $off $size $loc (kallsyms $sym = ${base:-none})"
		bad=$((bad + 1))
	fi
done < <(jq -r '"\(.address) \(.symbol) \(.offset) \(.size) \(.location)"' "$OUT" | sort -u)
check_eq "events whose address is not kallsyms(symbol) + offset" 0 "$bad"

bad=$(jq --argjson a "$t0" --argjson b "$t1" 'select(.timestamp < $a or .timestamp > $b)' \
	"$OUT" | jq -s length)
check_eq "events with a timestamp outside the sending window [$t0, $t1]" 0 "$bad"
finish
