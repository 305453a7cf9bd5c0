#!/bin/bash
# dropscope top inside tmux at a fixed size, driven with send-keys, read with
# capture-pane. Drops: UDP to a closed port (NO_SOCKET at __udp4_lib_rcv) and
# UDP to a port an nft rule drops (NETFILTER_DROP): the rows must show the
# counts sent (truth: UdpNoPorts and the rule's own counter), sorting and
# grouping keys must reorder and merge them, a resize must leave a readable
# screen, q must exit 0 with nothing attached, and a non-terminal stdout
# must be refused with one line and exit 2. The workload key (w) must name
# the test's named namespace with the same counts.
. "$(dirname "$0")/lib.sh"
require tmux nft nstat jq
UDPSEND=$(tool udpsend) || exit 1

N_UDP=30
N_NFT=43
PORT=7777
SESSION=dstest-$$-top
ns_add NS a
nsx "$NS" nft -f - <<EOT || die "cannot load the nft ruleset"
table inet dstest {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport $PORT counter drop
	}
}
EOT

kill_session()
{
	tmux kill-session -t "$SESSION" 2>/dev/null
}
# The session first (it holds top), then lib.sh's cleanup with our status.
trap 'rc=$?; kill_session; (exit $rc); cleanup' EXIT

screen()
{
	tmux capture-pane -p -t "$SESSION"
}

# wait_screen PATTERN: until the screen matches (10 s at most).
wait_screen()
{
	local i
	for ((i = 0; i < 50; i++)); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.2
	done
	return 1
}

# The TOTAL column of the row whose text matches PATTERN.
row_total()
{
	screen | awk -v p="$1" '$0 ~ p && $2 ~ /^[0-9]+$/ { print $2; exit }'
}

# Row texts (WHERE column) in screen order.
rows()
{
	screen | awk '/^ +RATE\/s/ { on = 1; next } on && $2 ~ /^[0-9]+$/' |
		sed -E 's/^ *[0-9]+ +[0-9]+ +(drop |close) +//'
}

# --- not a terminal: one line, exit 2, nothing loaded ---
"$DROPSCOPE" top --backend="$BACKEND" >"$T/notty.out" 2>"$T/notty.err" </dev/null
check_eq "top > file exits 2" 2 $?
check_eq "top > file: one line on stderr" 1 "$(wc -l <"$T/notty.err")"
check_true "top > file says it needs a terminal" grep -q "needs a terminal" "$T/notty.err"
check_eq "top > file writes nothing to stdout" 0 "$(wc -c <"$T/notty.out")"

# --- the live view ---
tmux new-session -d -s "$SESSION" -x 100 -y 30 \
	"TERM=xterm-256color $DROPSCOPE top --backend=$BACKEND --netns /run/netns/$NS -i 0.5 \
	 --ready-file $T/top.ready 2>$T/top.err; echo \$? > $T/top.rc; sleep 30" ||
	die "tmux new-session failed"
for ((i = 0; i < 50; i++)); do
	[[ -s $T/top.ready ]] && break
	sleep 0.2
done
[[ -s $T/top.ready ]] || die "top did not get ready: $(cat "$T/top.err")"
TOP_PID=$(cat "$T/top.ready")
PROGS=$(prog_ids_of "$TOP_PID")
check_true "top holds a BPF program while running" test -n "$PROGS"

u0=$(snmp "$NS" UdpNoPorts)
nsx "$NS" "$UDPSEND" -n $N_UDP 127.0.0.1 9 >/dev/null || fail "udpsend to a closed port"
nsx "$NS" "$UDPSEND" -n $N_NFT 127.0.0.1 $PORT >/dev/null || fail "udpsend to the nft port"
u=$(($(snmp "$NS" UdpNoPorts) - u0))
n=$(nsx "$NS" nft -j list table inet dstest | jq '[.nftables[] | .rule? | .expr[]? | .counter?.packets // empty] | add')
check_eq "UdpNoPorts delta" $N_UDP "$u"
check_eq "nft counter" $N_NFT "$n"

wait_screen "$((N_UDP + N_NFT)) since start" || show <(screen) 40
check_eq "__udp4_lib_rcv NO_SOCKET row" "$u" "$(row_total '__udp4_lib_rcv \(NO_SOCKET\)')" ||
	show <(screen) 40
check_eq "NETFILTER_DROP row" "$n" "$(row_total '\(NETFILTER_DROP\)')"
# The kernel's own counters, read by the shared readers, in the header.
wait_screen "counters since start: .*UdpNoPorts \+$u" ||
	fail "header: UdpNoPorts +$u not shown: $(screen | sed -n 3p)"

# Sort by total: the nft row (43) first; by name: __udp4_lib_rcv first.
tmux send-keys -t "$SESSION" 2
wait_screen "sort: total" || fail "sort key 2"
check_true "sort by total: NETFILTER_DROP first" grep -q NETFILTER_DROP <(rows | head -1)
tmux send-keys -t "$SESSION" 3
wait_screen "sort: name" || fail "sort key 3"
check_true "sort by name: __udp4_lib_rcv first" grep -q __udp4_lib_rcv <(rows | head -1)

# Grouping: without location, one row per reason (two rows); without the
# reason too, everything merges into one row with the whole total.
tmux send-keys -t "$SESSION" l
wait_screen "group: reason " || fail "toggle location off"
sleep 0.6
check_eq "group by reason only: two rows" 2 "$(rows | wc -l)" || show <(screen) 20
check_eq "NO_SOCKET row (by reason)" "$u" "$(row_total '\(NO_SOCKET\)')"
tmux send-keys -t "$SESSION" r
wait_screen "group: - " || fail "toggle reason off"
sleep 0.6
check_eq "no grouping: one row" 1 "$(rows | wc -l)" || show <(screen) 20
check_eq "no grouping: the whole total" $((u + n)) "$(screen | awk '/^ +RATE\/s/ { getline; print $2 }')"
tmux send-keys -t "$SESSION" l r
wait_screen "group: location,reason" || fail "toggle back"

# The workload (w): the namespace is a named one (/run/netns), so both
# kinds of drop are its; without the reason too, one row with the whole
# total, whatever cgroups the drops were charged to.
tmux send-keys -t "$SESSION" l w
wait_screen "group: reason,workload " || fail "toggle workload on"
sleep 0.6
check_eq "by reason and workload: NO_SOCKET row" "$u" "$(row_total "\\(NO_SOCKET\\) ipnetns=$NS\$")" ||
	show <(screen) 20
check_eq "by reason and workload: NETFILTER_DROP row" "$n" \
	"$(row_total "\\(NETFILTER_DROP\\) ipnetns=$NS\$")"
tmux send-keys -t "$SESSION" r
wait_screen "group: workload " || fail "toggle reason off (workload on)"
sleep 0.6
check_eq "by workload: one row" 1 "$(rows | wc -l)" || show <(screen) 20
check_eq "by workload: ipnetns=NAME with the whole total" $((u + n)) "$(row_total " ipnetns=$NS\$")"
tmux send-keys -t "$SESSION" w l r
wait_screen "group: location,reason " || fail "toggle back from workload"

# A filter on the shown rows.
tmux send-keys -t "$SESSION" / N E T F I L T E R Enter
wait_screen "filter: NETFILTER" || fail "filter"
sleep 0.6
check_eq "filter: one row" 1 "$(rows | wc -l)"
tmux send-keys -t "$SESSION" / BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace Enter
wait_screen "filter: - " || fail "filter cleared"

# Resize to 60x20 and back: still a header and the rows.
tmux resize-window -t "$SESSION" -x 60 -y 20 2>/dev/null || tmux resize-pane -t "$SESSION" -x 60 -y 20
sleep 1
screen >"$T/small.txt"
check_true "60x20: header" grep -q 'since start' <(head -1 "$T/small.txt")
check_true "60x20: at most 20 lines" test "$(wc -l <"$T/small.txt")" -le 20
check_eq "60x20: no line wider than 60" 0 "$(awk 'length > 60' "$T/small.txt" | wc -l)"
check_eq "60x20: udp row" "$u" "$(row_total '__udp4_lib_rcv')"
tmux resize-window -t "$SESSION" -x 100 -y 30 2>/dev/null || tmux resize-pane -t "$SESSION" -x 100 -y 30
sleep 1
check_eq "100x30 again: nft row" "$n" "$(row_total 'NETFILTER_DROP')"

# Help, then q: exit 0, nothing of ours attached.
tmux send-keys -t "$SESSION" '?'
wait_screen "keys" || fail "help screen"
tmux send-keys -t "$SESSION" x q
for ((i = 0; i < 50; i++)); do
	[[ -s $T/top.rc ]] && break
	sleep 0.2
done
check_eq "q exits 0" 0 "$(cat "$T/top.rc" 2>/dev/null)"
check_eq "its programs are gone after q" "" "$(comm -12 <(echo "$PROGS") <(prog_ids_all))"
check_true "the process is gone" bash -c "! kill -0 $TOP_PID 2>/dev/null"
kill_session
finish
