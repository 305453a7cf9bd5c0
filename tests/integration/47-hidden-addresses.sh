#!/bin/bash
# Hidden kernel addresses (/proc/kallsyms shows zeros) are explained:
#   nosyslog   root without CAP_SYSLOG (setpriv --bounding-set -syslog;
#              kptr_restrict <= 1 with perf_event_paranoid >= 2 then hides
#              them): the message names the missing CAP_SYSLOG, says that
#              counting still works and what to do; counts are exact and
#              locations print as addresses
#   location   --location __udp4_lib_rcv then says it cannot look it up
#              without symbols, not that the function does not exist
#   kptr2      kernel.kptr_restrict=2 (set for one `dropscope symbols`
#              run and restored at once, and by the EXIT trap): the
#              message says kptr_restrict=2 hides them even from root
# Ground truth: what was sent and UdpNoPorts; /proc/kallsyms itself.
. "$(dirname "$0")/lib.sh"
require nstat setpriv
[[ $BACKEND == tp_btf ]] || skip "not about the backend: runs once, with tp_btf"
UDPSEND=$(tool udpsend) || exit 1

KR=/proc/sys/kernel/kptr_restrict
KR0=$(cat "$KR") || skip "no $KR"
restore_kptr()
{
	local rc=$?
	[[ $(cat "$KR") == "$KR0" ]] || echo "$KR0" >"$KR"
	return $rc
}
trap 'restore_kptr; cleanup' EXIT
NOSYSLOG=(setpriv --bounding-set -syslog --inh-caps -syslog)

if [[ $KR0 -le 1 && $(cat /proc/sys/kernel/perf_event_paranoid) -ge 2 ]]; then
	zeros=$("${NOSYSLOG[@]}" head -n 5 /proc/kallsyms | awk '$1 ~ /^0+$/' | wc -l)
	check_eq "kallsyms without CAP_SYSLOG shows zeros (the kernel's own view)" 5 "$zeros"

	N=13
	ns_add NS a
	rm -f "$T/ready"
	"${DS_ENV[@]}" "${NOSYSLOG[@]}" "$DROPSCOPE" --backend="$BACKEND" --ready-file "$T/ready" \
		--netns "/run/netns/$NS" -i 3600 >"$T/ns.out" 2>"$T/ns.err" &
	PID=$!
	PIDS+=("$PID")
	for ((i = 0; i < 100; i++)); do
		[[ -e $T/ready ]] && break
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	v0=$(snmp "$NS" UdpNoPorts)
	nsx "$NS" "$UDPSEND" -n $N 127.0.0.1 9 >/dev/null || fail "udpsend"
	v=$(($(snmp "$NS" UdpNoPorts) - v0))
	sleep 0.3
	kill -INT "$PID"
	wait "$PID"
	check_eq "nosyslog: exit status" 0 "$?" || show "$T/ns.err"
	check_true "nosyslog: says what hides the addresses" \
		grep -q "kernel addresses hidden: /proc/kallsyms shows zeros (kernel.kptr_restrict=$KR0 and no CAP_SYSLOG)" \
		"$T/ns.err" || show "$T/ns.err"
	check_true "nosyslog: says what still works and what to do" \
		grep -q "counting and reasons still work, locations print as addresses; .*--system-map FILE" \
		"$T/ns.err"
	check_eq "nosyslog: the message once" 1 "$(grep -c 'kernel addresses hidden' "$T/ns.err")"
	check_eq "nosyslog: drops counted, at raw addresses" "$v" \
		"$(awk '/^[0-9]+ packets dropped at 0x[0-9a-f]+$/ { s += $1 } END { print s + 0 }' "$T/ns.out")" ||
		show "$T/ns.out"

	timeout 20 "${NOSYSLOG[@]}" "$DROPSCOPE" --backend="$BACKEND" -i 0.2 -c 1 \
		--location __udp4_lib_rcv >/dev/null 2>"$T/loc.err"
	check_eq "location: exit status" 2 "$?"
	check_true "location: cannot look it up without symbols" \
		grep -q "^dropscope: --location __udp4_lib_rcv: cannot look it up without kernel symbols" \
		"$T/loc.err" || show "$T/loc.err"
	check_true "location: not 'no such kernel function'" \
		bash -c "! grep -q 'no such kernel function' '$T/loc.err'"
else
	log "note: kptr_restrict=$KR0 or perf_event_paranoid < 2: CAP_SYSLOG part left out"
fi

# kptr_restrict=2 for as short a time as possible: other tools on this
# machine read kallsyms too.
echo 2 >"$KR" || die "cannot set kptr_restrict"
timeout 20 "$DROPSCOPE" symbols ffffffff81000000 >/dev/null 2>"$T/kr.err"
rc=$?
restore_kptr
check_eq "kptr2: kptr_restrict restored" "$KR0" "$(cat "$KR")"
check_eq "kptr2: exit status" 1 "$rc"
check_true "kptr2: says kptr_restrict=2 hides them even from root" \
	grep -q "kernel.kptr_restrict=2 hides them even from root" "$T/kr.err" || show "$T/kr.err"
check_true "kptr2: says what to do" grep -q "sysctl kernel.kptr_restrict=1" "$T/kr.err"
finish
