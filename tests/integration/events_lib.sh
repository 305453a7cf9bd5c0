# shellcheck shell=bash
# Helpers for the events-mode integration tests (NN-events-*.sh, NN >= 30),
# on top of lib.sh (which this sources, and whose EXIT trap removes every
# namespace, process and tracefs instance registered here).
#
# The tests build their own little network: two namespaces dsev-$$-a
# (sender, veth $VA) and dsev-$$-b (receiver, veth $VB), one veth pair,
# static addresses and static neighbour entries, so that nothing but the
# packets a test sends crosses the pair: no ARP, no DAD, no router
# solicitations, no MLD reports. Every check compares what dropscope printed
# with what was sent (addresses, ports, lengths, pids) or with what the
# kernel itself says (nstat counters, tracefs, ip link, stat of the netns).

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The pair's addresses and names (fixed: the namespaces are private).
VA=dsev-va
VB=dsev-vb
IPA=10.199.0.1
IPB=10.199.0.2
IP6A=fd00:199::1
IP6B=fd00:199::2
SPORT=40123 # UDP source port of every datagram the tests send
TSPORT=40124 # TCP source port (synsend)

# ev_ns_add VAR SUFFIX: create namespace dsev-$$-SUFFIX with lo up and IPv6
# off on interfaces created later; registered for the EXIT trap.
ev_ns_add()
{
	ns_add_named "$1" "dsev-$$-$2"
}

# ev_quiet_ipv6 NS IF ADDR: IPv6 on IF with ADDR/64 only, and nothing sent
# by itself: no link-local address (so no DAD and no router solicitation
# from it), no DAD for ADDR, no router solicitations, and the MLD reports
# for the solicited-node group sent at once (the interval is in ms) so that
# they are over before any test starts.
ev_quiet_ipv6()
{
	local ns=$1 dev=$2 addr=$3
	ip -n "$ns" link set dev "$dev" addrgenmode none || die "addrgenmode none on $dev"
	nsx "$ns" sysctl -qw "net.ipv6.conf.$dev.accept_dad=0" \
		"net.ipv6.conf.$dev.router_solicitations=0" \
		"net.ipv6.conf.$dev.mldv1_unsolicited_report_interval=1" \
		"net.ipv6.conf.$dev.mldv2_unsolicited_report_interval=1" \
		"net.ipv6.conf.$dev.disable_ipv6=0" || die "IPv6 sysctls on $dev"
	ip -n "$ns" -6 addr add "$addr/64" dev "$dev" nodad || die "address $addr on $dev"
}

# ev_pair: NSA and NSB joined by the veth pair VA/VB, with IPv4 and IPv6
# addresses and permanent neighbour entries both ways. Sets NSA, NSB,
# MAC_A, MAC_B, NETNS_B (the inode of NSB, from stat), IFINDEX_B.
ev_pair()
{
	ev_ns_add NSA a
	ev_ns_add NSB b
	ip -n "$NSA" link add "$VA" type veth peer name "$VB" netns "$NSB" ||
		die "veth $VA/$VB failed"
	ip -n "$NSA" addr add "$IPA/24" dev "$VA" || die "address on $VA"
	ip -n "$NSB" addr add "$IPB/24" dev "$VB" || die "address on $VB"
	ev_quiet_ipv6 "$NSA" "$VA" "$IP6A"
	ev_quiet_ipv6 "$NSB" "$VB" "$IP6B"
	MAC_A=$(mac_of "$NSA" "$VA")
	MAC_B=$(mac_of "$NSB" "$VB")
	ip -n "$NSA" neigh replace "$IPB" lladdr "$MAC_B" dev "$VA" nud permanent &&
		ip -n "$NSA" neigh replace "$IP6B" lladdr "$MAC_B" dev "$VA" nud permanent &&
		ip -n "$NSB" neigh replace "$IPA" lladdr "$MAC_A" dev "$VB" nud permanent &&
		ip -n "$NSB" neigh replace "$IP6A" lladdr "$MAC_A" dev "$VB" nud permanent ||
		die "static neighbours"
	ip -n "$NSA" link set "$VA" up || die "link up $VA"
	ip -n "$NSB" link set "$VB" up || die "link up $VB"
	NETNS_B=$(stat -L -c %i "/run/netns/$NSB") || die "stat /run/netns/$NSB"
	IFINDEX_B=$(ip -n "$NSB" -j link show "$VB" | jq -r '.[0].ifindex')
	# Let the MLD reports of the addresses' groups pass before any test
	# starts counting drops in NSB.
	sleep 0.5
}

# ev_start TAG OUT ARGS...: start `dropscope events --backend=$BACKEND ARGS`
# (a pcap filter expression, if any, must be the last of ARGS) with stdout
# to OUT and stderr to $T/TAG.err; wait (10 s at most) for its ready file.
# Registered like ds_start's, so ds_stop / ds_wait_exit work on TAG.
ev_start()
{
	local tag=$1 out=$2
	shift 2
	ds_launch "$tag" "$out" events "$@"
}

# ev_stop TAG: stop it with SIGINT and check it exited 0.
ev_stop()
{
	ds_stop "$1"
	check_eq "$1: exit status after SIGINT" 0 "${DSRC[$1]:-none}" || show "$T/$1.err" 20
}

# ev_send VAR NS TOOL ARGS...: run a traffic tool in NS in the foreground
# of a background job, so that its pid is known: `ip netns exec` execs the
# command, so $! is the tool's own pid. Sets VAR to that pid; the tool's
# stdout goes to $T/VAR.out. Fails the test when the tool fails.
ev_send()
{
	local var=$1 ns=$2 pid rc
	shift 2
	ip netns exec "$ns" "$@" >"$T/$var.out" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	wait "$pid"
	rc=$?
	printf -v "$var" '%s' "$pid"
	[[ $rc == 0 ]] || fail "$* in $ns exited $rc: $(cat "$T/$var.out")"
	return "$rc"
}

# ev_settle: give the ring buffer's consumer a moment before stopping (it
# drains on exit anyway; this keeps the wall-clock order in the logs).
ev_settle()
{
	sleep 0.3
}

# ev_accounting FILE: the numbers of dropscope's last stderr line
#   dropscope: N drops counted: N events printed, N filtered by expression,
#   N over --rate, N lost
# (under --json the same text as {"info":"N drops counted: ..."}) as
# "counted printed filtered rate lost" (empty when there is no such line).
ev_accounting()
{
	sed -n 's/^\(dropscope: \|{"info":"\)\([0-9]*\) drops counted: \([0-9]*\) events printed, \([0-9]*\) filtered by expression, \([0-9]*\) over --rate, \([0-9]*\) lost.*/\2 \3 \4 \5 \6/p' \
		"$1" | tail -n 1
}

# ev_check_accounting TAG COUNTED PRINTED FILTERED RATE LOST: the closing
# line on $T/TAG.err says exactly these numbers.
ev_check_accounting()
{
	local tag=$1
	shift
	check_eq "$tag: stderr accounting (counted printed filtered rate lost)" "$*" \
		"$(ev_accounting "$T/$tag.err")" || show "$T/$tag.err" 20
}

# ev_lines FILE: the number of lines in FILE.
ev_lines()
{
	local n
	n=$(wc -l <"$1")
	printf '%s\n' $((n))
}

# ev_count FILE ERE: the number of lines of FILE matching ERE.
ev_count()
{
	grep -cE -- "$2" "$1"
}

# ev_re STRING: STRING as an ERE matching itself.
ev_re()
{
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'
}

# ev_trace_locs FUNC [PID]: the distinct "location=" texts (%pS, the
# tracepoint's own formatting) of FUNC in $T/trace.txt (see trace_stop),
# optionally only of events whose current task had pid PID, one
# "TEXT COUNT" line each.
ev_trace_locs()
{
	local func=$1 pid=${2:-}
	awk -v f="$func" -v pid="$pid" '
		/ kfree_skb: / {
			if (pid != "") {
				task = $0
				sub(/^ */, "", task)
				sub(/ .*/, "", task)
				if (task !~ ("-" pid "$")) next
			}
			if (match($0, / location=[^ ]+/)) {
				l = substr($0, RSTART + 10, RLENGTH - 10)
				if (index(l, f "+") == 1) print l
			}
		}' "$T/trace.txt" | sort | uniq -c | awk '{ print $2 " " $1 }'
}

# ev_check_locs WHAT FUNC PID N OUT: two checks, named after WHAT, of the
# events at FUNC against the kernel's own view (ev_trace_locs, after
# trace_stop): tracefs has N events of task PID, all at one FUNC+off/size,
# and the location texts at FUNC that dropscope printed (the last field of
# each line of OUT), with their counts, are exactly the tracepoint's %pS.
ev_check_locs()
{
	local what=$1 func=$2 pid=$3 n=$4 out=$5 loc='0x[0-9a-f]+/0x[0-9a-f]+' tlocs dlocs
	tlocs=$(ev_trace_locs "$func" "$pid")
	dlocs=$(awk -v f="$func" 'index($NF, f "+") == 1 { print $NF }' "$out" | sort | uniq -c |
		awk '{ print $2 " " $1 }')
	check_true "$what: tracefs has $n events of task $pid, all at one $func+off/size" \
		grep -qxE "$func\\+$loc $n" <<<"$tlocs" || show "$T/trace.txt" 20
	check_eq "$what: dropscope's location text (and count) = the tracepoint's %pS" "$tlocs" "$dlocs"
}

# ev_jq_ok FILE: every line of FILE parses as JSON (quietly).
ev_jq_ok()
{
	jq -e . "$1" >/dev/null 2>&1
}

# ev_trace_start: lib.sh's trace_start (private tracefs instance with
# skb:kfree_skb), recording only this shell and its descendants -- the
# senders, in whose context the drops run -- so that drops elsewhere on a
# busy machine cannot overwrite ours in the ring buffer. Call trace_stop
# right after the sending, for the same reason.
ev_trace_start()
{
	trace_start
	if [[ -w $TRACE_INSTANCE/set_event_pid && -w $TRACE_INSTANCE/options/event-fork ]]; then
		echo 1 >"$TRACE_INSTANCE/options/event-fork" &&
			echo $$ >"$TRACE_INSTANCE/set_event_pid" ||
			log "note: could not limit the trace to this shell's descendants"
	fi
	echo >"$TRACE_INSTANCE/trace"
}
