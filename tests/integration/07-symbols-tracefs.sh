#!/bin/bash
# Symbolization against the kernel's own %pS: the skb:kfree_skb event is
# enabled in a private tracefs instance (filtered to NO_SOCKET) while UDP
# (IPv4, IPv6) and TCP drops are made; every `func+0xOFF/0xSIZE` that
# dropscope --symbols=data prints for those drops must be one that the
# kernel printed as location=..., with " [kernel]" appended for vmlinux,
# and seen by the kernel at least as often.
. "$(dirname "$0")/lib.sh"
require nstat jq
UDPSEND=$(tool udpsend) || exit 1
TCPSYN=$(tool tcpsyn) || exit 1

ns_add NS a
R=$(reason_number NO_SOCKET)
trace_start ${R:+"reason == $R"}
[[ -n $R ]] || log "no NO_SOCKET number in the event format; tracing unfiltered"

ds_start main --netns "/run/netns/$NS" -r --symbols=data -i 3600 || finish
nsx "$NS" "$UDPSEND" -n 11 127.0.0.1 9 >/dev/null || fail "udpsend IPv4"
nsx "$NS" "$UDPSEND" -n 7 ::1 9 >/dev/null || fail "udpsend IPv6"
nsx "$NS" "$TCPSYN" -n 5 127.0.0.1 9 >/dev/null || fail "tcpsyn IPv4"
nsx "$NS" "$TCPSYN" -n 3 ::1 9 >/dev/null || fail "tcpsyn IPv6"
sleep 0.3
ds_stop main
trace_stop

ds_check_stopped main
OUT=$T/main.out
# The kernel's view: "location count" for NO_SOCKET.
grep -o 'location=[^ ]* reason: NO_SOCKET$' "$T/trace.txt" |
	sed 's/^location=//; s/ reason: NO_SOCKET$//' | sort | uniq -c |
	awk '{ print $2, $1 }' >"$T/kernel.txt"
log "kernel's locations (%pS, count): $(paste -sd' ' "$T/kernel.txt")"

for f in __udp4_lib_rcv:11 __udp6_lib_rcv:7 tcp_v4_rcv:5 tcp_v6_rcv:3; do
	func=${f%:*}
	n=${f#*:}
	check_eq "$func NO_SOCKET count" "$n" "$(ds_sum "$OUT" "$func" NO_SOCKET)" || show "$OUT"
	# dropscope's symdata text for this function, without the reason
	mapfile -t syms < <(ds_table "$OUT" | awk -F'\t' -v f="$func" '$2 == f && $3 == "NO_SOCKET" { print $4 }')
	check_eq "$func: one location line" 1 "${#syms[@]}"
	for s in "${syms[@]}"; do
		kloc=${s% \[kernel\]}
		if [[ $kloc == "$s" ]]; then
			# a module symbol: %pS prints "func+0x1/0x2 [mod]" too
			kloc=$s
		fi
		kcount=$(awk -v l="$kloc" '$1 == l { print $2 }' "$T/kernel.txt")
		CHECKS=$((CHECKS + 1))
		if [[ -n $kcount ]] && ((kcount >= n)); then
			ok "$func: '$s' matches the kernel's location=$kloc ($kcount events)"
		else
			fail "$func: dropscope printed '$s', the kernel's %pS for these drops was:" \
				"$(grep "^$func+" "$T/kernel.txt" | paste -sd' ')"
		fi
	done
done
check_only "$OUT" 26
finish
