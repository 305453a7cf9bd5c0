#!/bin/bash
# Output formats, all watching the same drops (UDP IPv4 x40, UDP IPv6 x15,
# TCP IPv4 x5 to closed ports) from concurrent instances:
#  - default (seed) format: header, blank line, "N packets dropped at SYM",
#    footer, byte for byte;
#  - --symbols=data/addr/full agree with each other, and full's address is
#    the symbol's /proc/kallsyms address plus the printed offset;
#  - -r appends the reason in parentheses;
#  - --json parses with jq and carries the same counts, address, offset,
#    size, module, reason and protocol;
#  - -t 1 shows only the top line;
#  - -c 2 -i 0.5 and -d 1 stop by themselves with exit status 0.
. "$(dirname "$0")/lib.sh"
require nstat jq
UDPSEND=$(tool udpsend) || exit 1
TCPSYN=$(tool tcpsyn) || exit 1

ns_add NS a
NSP=/run/netns/$NS
ds_start seed --netns "$NSP" -i 3600 || finish
ds_start data --netns "$NSP" -r --symbols=data -i 3600 || finish
ds_start addr --netns "$NSP" -r --symbols=addr -i 3600 || finish
ds_start full --netns "$NSP" -r --symbols=full -i 3600 || finish
ds_start json --netns "$NSP" -r --json -i 3600 || finish
ds_start top --netns "$NSP" -r -t 1 -i 3600 || finish
nsx "$NS" "$UDPSEND" -n 40 127.0.0.1 9 >/dev/null || fail "udpsend IPv4"
nsx "$NS" "$UDPSEND" -n 15 ::1 9 >/dev/null || fail "udpsend IPv6"
nsx "$NS" "$TCPSYN" -n 5 127.0.0.1 9 >/dev/null || fail "tcpsyn"
sleep 0.3
for tag in seed data addr full json top; do
	ds_stop $tag
done

# --- the seed format, byte for byte
ds_check_stopped seed
S=$T/seed.out
check_true "seed: every line is header, blank, entry or footer, in that order" awk '
	NR == 1 { if ($0 != "Monitoring for dropped packets") bad = 1; next }
	NR == 2 { if ($0 != "") bad = 1; next }
	/^[0-9]+ packets dropped at [A-Za-z0-9_.]+$/ { if (done) bad = 1; next }
	$0 == "Stopping dropped packet monitor" { done++; next }
	{ bad = 1 }
	END { exit bad || done != 1 }' "$S" || show "$S"
check_true "seed: output ends with a newline" test "$(tail -c 1 "$S" | od -An -c | tr -d ' ')" = '\n'
check_eq "seed: __udp4_lib_rcv" 40 "$(ds_sum "$S" __udp4_lib_rcv -)"
check_eq "seed: __udp6_lib_rcv" 15 "$(ds_sum "$S" __udp6_lib_rcv -)"
check_eq "seed: tcp_v4_rcv" 5 "$(ds_sum "$S" tcp_v4_rcv -)"
check_true "seed: sorted by count, descending" sh -c "awk '{ print \$1 }' '$S' | grep '^[0-9]' | sort -nrc"
check_only "$S" 60

# --- -r with data, and data == full's third part
for tag in data addr full; do
	ds_check_stopped $tag
done
D=$T/data.out
check_eq "data -r: __udp4_lib_rcv (NO_SOCKET)" 40 "$(ds_sum "$D" __udp4_lib_rcv NO_SOCKET)"
check_eq "data -r: __udp6_lib_rcv (NO_SOCKET)" 15 "$(ds_sum "$D" __udp6_lib_rcv NO_SOCKET)"
check_eq "data -r: tcp_v4_rcv (NO_SOCKET)" 5 "$(ds_sum "$D" tcp_v4_rcv NO_SOCKET)"
check_true "data -r: every entry is 'N packets dropped at func+0xO/0xS [mod] (REASON)'" \
	awk '/^[0-9]/ && !/^[0-9]+ packets dropped at [A-Za-z0-9_.]+\+0x[0-9a-f]+\/0x[0-9a-f]+ \[[A-Za-z0-9_]+\] \([A-Za-z0-9_]+\)$/ { bad = 1 } END { exit bad }' "$D" ||
	show "$D"

# full: "0xADDR, func, func+0xO/0xS [mod] (REASON)"
F=$T/full.out
ds_table "$F" | awk -F'\t' '{ split($4, a, ", "); print $1, a[3], $3 }' | sort >"$T/full-data.txt"
ds_table "$D" | awk -F'\t' '{ print $1, $4, $3 }' | sort >"$T/data-data.txt"
check_true "full's symdata part == data's lines (count, symbol, reason)" \
	cmp -s "$T/full-data.txt" "$T/data-data.txt" || {
	show "$F"
	show "$D"
}
ds_table "$F" | awk -F'\t' '{ split($4, a, ", "); print $1, a[1], $3 }' | sort >"$T/full-addr.txt"
ds_table "$T/addr.out" | awk -F'\t' '{ print $1, $4, $3 }' | sort >"$T/addr-addr.txt"
check_true "full's address part == addr's lines (count, address, reason)" \
	cmp -s "$T/full-addr.txt" "$T/addr-addr.txt" || {
	show "$F"
	show "$T/addr.out"
}
check_true "addr: every entry is 'N packets dropped at 0x%016x (REASON)'" \
	awk '/^[0-9]/ && !/^[0-9]+ packets dropped at 0x[0-9a-f]+ \([A-Za-z0-9_]+\)$/ { bad = 1 } END { exit bad }' "$T/addr.out" ||
	show "$T/addr.out"
# address == kallsyms(func) + offset, checked against /proc/kallsyms
while IFS=$'\t' read -r n func reason text; do
	addr=${text%%, *}
	sd=${text##*, }
	off=${sd#*+}
	off=${off%%/*}
	found=""
	for base in $(awk -v f="$func" '$3 == f { print $1 }' /proc/kallsyms); do
		if (((0x$base + off) == addr)); then
			found=$base
		fi
	done
	CHECKS=$((CHECKS + 1))
	if [[ -n $found ]]; then
		ok "full: $addr = $func (0x$found in /proc/kallsyms) + $off"
	else
		fail "full: $addr is not $func+$off by /proc/kallsyms ($(awk -v f="$func" '$3 == f { print $1 }' /proc/kallsyms | paste -sd' '))"
	fi
done < <(ds_table "$F")

# --- JSON
J=$T/json.out
check_eq "json: exit status" 0 "${DSRC[json]}"
if check_true "json: the whole output parses with jq" jq -e -s . "$J" >/dev/null; then
	entry()
	{
		jq -s -c --arg s "$1" '[.[].entries[]? | select(.symbol == $s and .reason == "NO_SOCKET")]' "$J"
	}
	for f in __udp4_lib_rcv:40:IPv4 __udp6_lib_rcv:15:IPv6 tcp_v4_rcv:5:IPv4; do
		IFS=: read -r func n proto <<<"$f"
		e=$(entry "$func")
		check_eq "json: $func NO_SOCKET count" "$n" "$(jq '[.[].count] | add // 0' <<<"$e")" || show "$J"
		check_eq "json: $func protocol" "$proto" "$(jq -r '[.[].protocol] | unique | join(",")' <<<"$e")"
		check_eq "json: $func module" kernel "$(jq -r '[.[].module] | unique | join(",")' <<<"$e")"
		# the same address/offset/size as the full format
		line=$(ds_table "$F" | awk -F'\t' -v f="$func" '$2 == f && $3 == "NO_SOCKET" { print $4; exit }')
		addr=${line%%, *}
		sd=${line##*, }
		off=${sd#*+}
		off=${off%%/*}
		size=${sd#*/}
		size=${size%% *}
		check_eq "json: $func address" "$addr" "$(jq -r '.[0].address' <<<"$e")"
		check_eq "json: $func offset" "$((off))" "$(jq -r '.[0].offset' <<<"$e")"
		check_eq "json: $func size" "$((size))" "$(jq -r '.[0].size' <<<"$e")"
	done
	check_eq "json: total of all counts" 60 "$(jq -s '[.[].entries[]?.count] | add // 0' "$J")"
	check_eq "json: overflow" 0 "$(jq -s '[.[].overflow] | add // 0' "$J")"
else
	show "$J"
fi

# --- -t 1
ds_check_stopped top
check_eq "-t 1: the only entry" "40 packets dropped at __udp4_lib_rcv (NO_SOCKET)" \
	"$(grep '^[0-9]' "$T/top.out")" || show "$T/top.out"

# --- -c 2 -i 0.5: two intervals, then exit 0 by itself (drops made in the
# first interval are reported exactly once across both)
start=$(date +%s%N)
if ds_start count --netns "$NSP" -r -c 2 -i 0.5; then
	nsx "$NS" "$UDPSEND" -n 9 127.0.0.1 9 >/dev/null || fail "udpsend"
	if ds_wait_exit count 10; then
		ms=$((($(date +%s%N) - start) / 1000000))
		check_eq "-c 2 -i 0.5: exit status" 0 "${DSRC[count]}"
		check_true "-c 2 -i 0.5: ran about 1 s (${ms} ms)" test "$ms" -ge 900 -a "$ms" -lt 6000
		check_eq "-c 2 -i 0.5: interval blocks (blank lines)" 2 "$(grep -c '^$' "$T/count.out")" ||
			show "$T/count.out"
		check_eq "-c 2 -i 0.5: __udp4_lib_rcv over both intervals" 9 \
			"$(ds_sum "$T/count.out" __udp4_lib_rcv NO_SOCKET)" || show "$T/count.out"
		check_eq "-c 2 -i 0.5: last line" "Stopping dropped packet monitor" "$(tail -n 1 "$T/count.out")"
	else
		fail "-c 2 -i 0.5 still running after 10 s"
	fi
fi
if ds_start dur --netns "$NSP" -d 1; then
	if ds_wait_exit dur 10; then
		check_eq "-d 1: exit status" 0 "${DSRC[dur]}"
		check_eq "-d 1: last line" "Stopping dropped packet monitor" "$(tail -n 1 "$T/dur.out")"
	else
		fail "-d 1 still running after 10 s"
	fi
fi
finish
