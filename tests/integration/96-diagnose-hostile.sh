#!/bin/bash
# diagnose with hostile names, output errors, signals and options. One
# window in a namespace where every name diagnose shows is untrusted:
#   - a UDP receiver whose comm is "x\n\x1b[31mEV\xff" (prctl) and that
#     never reads: SOCKET_RCVBUFF names its owner;
#   - an nft table "d\x1bs\\t" with chain "c\x7fh\n" (nft -j accepts any
#     name) that drops K datagrams: NETFILTER_DROP names them;
#   - a veth "V.\x1bx\\" (device names may hold control bytes, '.' and
#     '\') with rp_filter on and M frames from a source without a route:
#     IP_RPFILTER names the device and reads its rp_filter knob (sysctl(8)
#     calls it net.ipv4.conf.V/\x1bx\\.rp_filter).
# Text has no raw control byte (nor the comm's invalid 0xff) and shows the
# names escaped as escape.h says; JSON parses and the names decode to
# their bytes (0xff, not valid UTF-8, as U+00FF). A second
# window with a System.map whose ip_* symbols end in "\\\x7f\xc2\x9b\xff":
# the location is escaped once in text and decodes to the name in JSON.
# Then: to /dev/full exit 1 and the write error said once; a reader gone
# (EPIPE) exit 0 and nothing said; SIGINT/SIGTERM in the window: exit 0, the
# shortened window's report (with the drops made in it) and none of the
# run's BPF programs left; report options refused with exit 2 and one line;
# a hostile --helper name said escaped. Ground truth: what the test sent,
# nft's own counter, ip/sysctl, /proc/PID/comm, never the report.
. "$(dirname "$0")/diagnose_lib.sh"
require jq nft sysctl bpftool
UDPRECV=$(tool udprecv) || exit 1
UDPSEND=$(tool udpsend) || exit 1
INJECT=$(tool inject) || exit 1

N=150 # to the receiver
K=17  # into the nft drop rule
M=11  # frames that fail rp_filter
PORT=40960
PORT6=40961
DROPPORT=9
COMM=$'x\n\x1b[31mEV\xff'
COMM_ESC='x\x0a\x1b[31mEV\xff'
DEV=$'V.\x1bx\\'
DEV_ESC='V.\x1bx\\'
KNOB="net.ipv4.conf.V/"$'\x1b'"x\\.rp_filter" # sysctl(8)'s name: the device's '.' as '/'
KNOB_ESC='net.ipv4.conf.V/\x1bx\\.rp_filter'
TABLE=$'d\x1bs\\t'
TABLE_ESC='d\x1bs\\t'
CHAIN=$'c\x7fh\n'
CHAIN_ESC='c\x7fh\x0a'
CTRL='[\x00-\x08\x0b-\x1f\x7f]' # raw control bytes (tab and newline are the report's own)

ns_add NS a
ns_add NI inj
ip -n "$NS" link set lo up
# no IPv6 chatter (router solicitations, MLD) on the new link; lo keeps ::1
for ns in "$NS" "$NI"; do
	nsx "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || die "disable_ipv6"
done
veth_add "$NS" "$DEV" "$NI" dsi0
ip -n "$NS" addr add 192.0.2.2/32 dev "$DEV" || die "addr"
# strict reverse-path filtering, and no route back to inject's 192.0.2.1
nsx "$NS" sysctl -qw net.ipv4.conf.all.rp_filter=1 || die "rp_filter"
nsx "$NS" sh -c 'echo 1 >"/proc/sys/net/ipv4/conf/$1/rp_filter"' sh "$DEV" || die "rp_filter $DEV_ESC"
check_eq "rp_filter of $DEV_ESC as /proc says" 1 \
	"$(nsx "$NS" cat "/proc/sys/net/ipv4/conf/$DEV/rp_filter")"

# nft -j -f takes names the nft language cannot write
jq -n --arg t "$TABLE" --arg c "$CHAIN" --argjson p $DROPPORT '{nftables: [
	{add: {table: {family: "inet", name: $t}}},
	{add: {chain: {family: "inet", table: $t, name: $c, type: "filter", hook: "input",
		prio: 0, policy: "accept"}}},
	{add: {rule: {family: "inet", table: $t, chain: $c, expr: [
		{match: {op: "==", left: {payload: {protocol: "udp", field: "dport"}}, right: $p}},
		{counter: null}, {drop: null}]}}}]}' >"$T/ruleset.json"
nsx "$NS" nft -j -f "$T/ruleset.json" || die "cannot load the nft ruleset"
# nft_packets: the rule's counter, found by the table's and chain's exact bytes
nft_packets()
{
	nsx "$NS" nft -j list ruleset | jq --arg t "$TABLE" --arg c "$CHAIN" \
		'[.nftables[] | select(.rule.table == $t and .rule.chain == $c) | .rule.expr[] |
			select(.counter) | .counter.packets] | first // -1'
}
c0=$(nft_packets)
check_true "the nft rule with the odd names is there (counter $c0)" test "$c0" -ge 0

dg_hold rcv "$NS" "$UDPRECV" -c "$COMM" -b 4096 -t 60 127.0.0.1 $PORT
RPID=$HOLDPID
# an IPv6 receiver too: its address is bracketed in text
dg_hold rcv6 "$NS" "$UDPRECV" -b 4096 -t 60 ::1 $PORT6
RPID6=$HOLDPID
check_eq "the receiver's comm (/proc) is the hostile name, cut to 15 bytes" \
	"$(printf '%s' "$COMM" | od -An -tx1)" "$(head -c -1 "/proc/$RPID/comm" | od -An -tx1)"

dg_start main "$NS" || finish
ds_launch text "$T/text.out" diagnose --netns "/run/netns/$NS" -d "$DIAG_SECONDS" || finish
nsx "$NS" "$UDPSEND" -n $N -l 500 127.0.0.1 $PORT >"$T/send1" || fail "udpsend: $(cat "$T/send1")"
nsx "$NS" "$UDPSEND" -n $N -l 500 ::1 $PORT6 >"$T/send3" || fail "udpsend: $(cat "$T/send3")"
nsx "$NS" "$UDPSEND" -n $K 127.0.0.1 $DROPPORT >"$T/send2" || fail "udpsend: $(cat "$T/send2")"
nsx "$NI" "$INJECT" -i dsi0 -m good -n $M >"$T/inject" || fail "inject: $(cat "$T/inject")"
dg_in_window main
dg_end main "$NS" || finish
ds_wait_exit text 20 || fail "diagnose (text) still running 20 s after the JSON one ended"
check_eq "text: exit status" 0 "${DSRC[text]}" || show "$T/text.err"
c=$(($(nft_packets) - c0))
dg_release rcv "$RPID"
dg_release rcv6 "$RPID6"
# what the two sockets dropped: sent - received, as they said when let go
lost=$((2 * N - $(awk '$1 == "received" { print $2 }' "$T/rcv.out") -
	$(awk '$1 == "received" { print $2 }' "$T/rcv6.out")))
check_eq "the nft rule's counter = datagrams sent to port $DROPPORT" $K "$c"

# ---- text: nothing raw, every name escaped --------------------------------
TXT=$T/text.out
check_eq "text: no raw control byte" 0 "$(LC_ALL=C grep -cP "$CTRL" "$TXT")" ||
	LC_ALL=C grep -nP "$CTRL" "$TXT" | cat -v | head -n 5
check_eq "text: no raw 0xff (the comm's invalid UTF-8)" 0 "$(LC_ALL=C grep -c $'\xff' "$TXT")"
check_true "text: the socket's owner as pid $RPID ($COMM_ESC)" \
	grep -qF "udp 127.0.0.1:$PORT pid $RPID ($COMM_ESC)" "$TXT" || show "$TXT" 60
check_true "text: the IPv6 receiver as udp [::1]:$PORT6" \
	grep -qF "udp [::1]:$PORT6 pid $RPID6 (dsudprecv)" "$TXT" || show "$TXT" 60
check_true "text: the nft drop point as inet $TABLE_ESC chain $CHAIN_ESC" \
	grep -qF "rule in inet $TABLE_ESC chain $CHAIN_ESC (hook input)" "$TXT" || show "$TXT" 60
check_true "text: IP_RPFILTER on dev $DEV_ESC" \
	grep -qE "^[0-9]+\. $M packets dropped .*: IP_RPFILTER at .*, dev V\.\\\\x1bx\\\\\\\\," "$TXT" ||
	show "$TXT" 60
check_true "text: the device's knob read, escaped: $KNOB_ESC (now 1)" \
	grep -qF "$KNOB_ESC (now 1)" "$TXT" || show "$TXT" 60

# ---- JSON: the names decode to their bytes ------------------------------
J=$T/main.json
check_eq "json: no raw control byte" 0 "$(LC_ALL=C grep -cP '[\x00-\x1f\x7f]' "$J")"
dg_one SOCKET_RCVBUFF "$(dg_select main '.source == "drops" and .name == "SOCKET_RCVBUFF"')"
check_eq "json: SOCKET_RCVBUFF count = what the sockets dropped (sent - received)" \
	"$lost" "$(fv '.count')"
# \xff is no UTF-8: json.c writes \u00ff, which jq reads as U+00FF (c3 bf)
want=$(printf '%s' "$COMM" | od -An -tx1 | tr -s ' \n' ' ')
got=$(fv -j --argjson p $PORT '[.evidence.sockets[]? | select(.port == $p) | .comm][0] // ""' |
	od -An -tx1 | tr -s ' \n' ' ')
check_eq "json: the owner's comm decodes to its bytes (0xff as U+00FF)" \
	"$(sed 's/ ff / c3 bf /' <<<"$want ")" "$got "
check_eq "json: the owner's pid" "$RPID" \
	"$(fv --argjson p $PORT '[.evidence.sockets[]? | select(.port == $p) | .pid][0]')"

dg_one NETFILTER_DROP "$(dg_select main '.source == "drops" and .name == "NETFILTER_DROP"')"
check_eq "json: NETFILTER_DROP count = the rule's counter" "$c" "$(fv '.count')"
check_eq "json: the nft drop point's table and chain decode to their bytes" 1 \
	"$(fv --arg t "$TABLE" --arg c "$CHAIN" '[.evidence.nft[]? |
		select(.table == $t and .chain == $c and .packets == '"$c"')] | length')" ||
	log "nft evidence: $(fv -c '.evidence.nft')"

dg_one IP_RPFILTER "$(dg_select main '.source == "drops" and .name == "IP_RPFILTER"')"
check_eq "json: IP_RPFILTER count = frames injected" $M "$(fv '.count')"
check_eq "json: IP_RPFILTER device decodes to its bytes" true \
	"$(fv --arg d "$DEV" '.device == $d')"
check_eq "json: evidence.device.name decodes to its bytes" true \
	"$(fv --arg d "$DEV" '.evidence.device.name == $d')"
check_eq "json: the device's rp_filter knob, read (sysctl(8)'s name)" 1 \
	"$(fv -r --arg k "$KNOB" '[.change[]? | select(.knob == $k) | .value][0] // "missing"')" ||
	log "change: $(fv -c '.change')"
check_eq "json: evidence.sysctl has it too" 1 \
	"$(fv -r --arg k "$KNOB" '.evidence.sysctl[$k] // "missing"')"
# Why rp_filter refused them: no route back to the source, as `ip route get` says.
rg=$(ip -n "$NS" route get 192.0.2.1 2>&1 >/dev/null | sed 's/^RTNETLINK answers: //')
check_eq "json: the sender 192.0.2.1, every frame" $M \
	"$(fv '[.evidence.senders[]? | select(.address == "192.0.2.1") | .count] | add // 0')"
check_eq "json: its route back = ip route get's error" "${rg:-a route}" \
	"$(fv -r '[.evidence.senders[]? | select(.address == "192.0.2.1") | .route_back.error][0] // "a route"')"
dg_check_total report $((lost + K + M))

# ---- symbol names from a hostile System.map ------------------------------
# kallsyms' own addresses (offset 0), vmlinux only. A symbol file's names
# hold no byte <= ' ' (ksyms.c), but anything above: the ip_* names end in
# a backslash, DEL, a C1 CSI (c2 9b) and an invalid 0xff.
awk '$3 !~ /^\[/ && NF == 3 { n = $3; if (n ~ /^ip_/) n = n "\\\177\302\233\377"; print $1, $2, n }' \
	/proc/kallsyms >"$T/System.map"
check_true "kallsyms has addresses (kptr_restrict lets root see them)" \
	grep -qvE '^0+ ' "$T/System.map"
SUF_ESC='\\\x7f\xc2\x9b\xff'
SYMARGS=(--system-map "$T/System.map" --kaslr-offset 0)
dg_start sym "$NS" "${SYMARGS[@]}" || finish
ds_launch symtext "$T/symtext.out" diagnose --netns "/run/netns/$NS" -d "$DIAG_SECONDS" \
	"${SYMARGS[@]}" || finish
nsx "$NI" "$INJECT" -i dsi0 -m good -n $M >"$T/inject2" || fail "inject: $(cat "$T/inject2")"
dg_in_window sym
dg_end sym "$NS" || finish
ds_wait_exit symtext 20 || fail "diagnose (symtext) still running 20 s after the JSON one ended"
FIND=$(jq -c '[.findings[] | select(.name == "IP_RPFILTER")][0] // {}' "$T/sym.json")
# as report.c: JSON has the name itself (jq reads \u00ff back as c3 bf)
loc=$(fv -j '.location // ""' | od -An -tx1 | tr -s ' \n' ' ')
check_true "json: the location decodes to ip_... 5c 7f c2 9b c3 bf (got: $loc)" \
	grep -qE '^ 69 70 5f ([0-9a-f]{2} )+5c 7f c2 9b c3 bf $' <<<"$loc"
check_eq "json: the location's text is ip_<name> and the suffix" true \
	"$(fv '.location | test("^ip_[a-z0-9_]+\\\\\u007f\u009b\u00ff$")')"
check_eq "symtext: no raw control byte" 0 "$(LC_ALL=C grep -cP "$CTRL" "$T/symtext.out")"
check_eq "symtext: no raw C1 CSI" 0 "$(LC_ALL=C grep -cP '\xc2\x9b' "$T/symtext.out")"
check_true "symtext: the location escaped once: at ip_...$SUF_ESC" \
	grep -qE "IP_RPFILTER at ip_[a-z0-9_]+\\\\\\\\\\\\x7f\\\\xc2\\\\x9b\\\\xff," "$T/symtext.out" ||
	show "$T/symtext.out" 20

# ---- output errors ---------------------------------------------------------
MSG="dropscope: writing to standard output: No space left on device"
for form in text json; do
	args=(diagnose --backend="$BACKEND" --netns "/run/netns/$NS" -d 1)
	[[ $form == json ]] && args+=(--json)
	timeout 20 "$DROPSCOPE" "${args[@]}" >/dev/full 2>"$T/full.err"
	check_eq "$form to /dev/full: exit status" 1 $?
	# under --json it is said as JSON (lib/msg.h)
	want=$MSG
	[[ $form == json ]] && want="{\"error\":\"${MSG#dropscope: }\"}"
	check_eq "$form to /dev/full: the write error said once" 1 "$(grep -cxF "$want" "$T/full.err")" ||
		show "$T/full.err"
	check_eq "$form to /dev/full: nothing else said" 1 "$(wc -l <"$T/full.err")"
	# the reader is gone before the report is written: EPIPE
	timeout 20 "$DROPSCOPE" "${args[@]}" 2>"$T/pipe.err" | true
	check_eq "$form | (reader gone): exit status" 0 "${PIPESTATUS[0]}"
	check_eq "$form | (reader gone): nothing on stderr" "" "$(cat "$T/pipe.err")"
done
timeout 20 "$DROPSCOPE" diagnose --backend="$BACKEND" --netns "/run/netns/$NS" -d 1 2>"$T/head.err" |
	head -n 1 >"$T/head.out"
check_eq "| head -1: exit status" 0 "${PIPESTATUS[0]}"
check_eq "| head -1: nothing on stderr" "" "$(cat "$T/head.err")"

# ---- a signal in the window: the shortened window's report, nothing left ----
for sig in INT TERM; do
	tag=sig$sig
	ds_launch $tag "$T/$tag.json" diagnose --netns "/run/netns/$NS" --json -d 60 || continue
	mine=$(prog_ids_of "${DSPID[$tag]}")
	check_true "$sig: diagnose holds BPF programs (ids: $(echo $mine))" test -n "$mine"
	nsx "$NI" "$INJECT" -i dsi0 -m good -n 3 >/dev/null || fail "inject"
	sleep 0.5
	t0=$(date +%s)
	ds_stop $tag $sig
	check_eq "$sig: exit status" 0 "${DSRC[$tag]}" || show "$T/$tag.err"
	check_true "$sig: it ended at once ($(($(date +%s) - t0)) s)" test $(($(date +%s) - t0)) -le 5
	check_eq "$sig: one report of a window shorter than 60 s" true \
		"$(jq -s 'length == 1 and .[0].duration_s > 0 and .[0].duration_s < 60' "$T/$tag.json")"
	check_eq "$sig: the report has the 3 drops of the window" 3 \
		"$(jq '[.findings[] | select(.name == "IP_RPFILTER") | .count] | add // 0' "$T/$tag.json")"
	check_eq "$sig: nothing on stderr" "" "$(cat "$T/$tag.err")"
	for ((i = 0; i < 50; i++)); do
		left=$(comm -12 <(prog_ids_all) <(printf '%s\n' $mine | sort -n))
		[[ -z $left ]] && break
		sleep 0.1
	done
	check_eq "$sig: diagnose's programs still loaded" "" "$(echo $left)"
done

# ---- options -------------------------------------------------------------
for opt in "-i 1" "-c 2" "-t 1" "-r" "--symbols=addr" "--stacks" "--by dev" "--max-stacks 8" \
	"--snaplen 64" "--rate 10" "-w $T/x.pcapng" "--listen :0" "udp port 9"; do
	# shellcheck disable=SC2086 # the words of the option
	if [[ $opt == "udp port 9" ]]; then
		"$DROPSCOPE" diagnose -d 1 "$opt" >"$T/opt.out" 2>"$T/opt.err"
	else
		"$DROPSCOPE" diagnose -d 1 $opt >"$T/opt.out" 2>"$T/opt.err"
	fi
	check_eq "diagnose $opt: exit status" 2 $?
	check_eq "diagnose $opt: nothing on stdout" "" "$(cat "$T/opt.out")"
	check_true "diagnose $opt: the first line names the cause" \
		grep -qE "^dropscope: invalid (option|argument|--[a-z]+) '[^']+': .{10,}" \
		<(head -n 1 "$T/opt.err") || show "$T/opt.err" 3
done
"$DROPSCOPE" diagnose -d 1 -i 1 2>&1 >/dev/null | head -n 1 >"$T/i.err"
check_true "-i: the cause is that diagnose has one window" grep -q "not for diagnose" "$T/i.err" ||
	show "$T/i.err"
"$DROPSCOPE" diagnose --backend="$BACKEND" -d 1 --helper $'nosuch\x1b[31m' >/dev/null 2>"$T/helper.err"
check_eq "--helper with an unknown hostile name: exit status" 2 $?
check_eq "--helper: no raw ESC in the message" 0 "$(grep -c $'\x1b' "$T/helper.err")"
check_true "--helper: the name said escaped" grep -qF "'nosuch\\x1b[31m'" "$T/helper.err" ||
	show "$T/helper.err"
# the counter readers diagnose shares say a namespace they cannot open escaped
"$DROPSCOPE" counters --netns "$T/"$'nosuch\x1b[31m' >/dev/null 2>"$T/ns.err"
check_eq "counters --netns with a hostile path: exit status" 2 $?
check_eq "counters --netns: no raw ESC in the message" 0 "$(grep -c $'\x1b' "$T/ns.err")" ||
	show "$T/ns.err"
finish
