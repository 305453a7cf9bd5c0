#!/bin/bash
# diagnose, case 6: a fresh namespace where nothing happens. The JSON
# report has no findings and the verdict "no drops seen"; the text report
# is the one line that says so; both exit 0. A namespace where only
# sockets close unread: the verdict names them (not "no drops seen"); with
# a real drop beside them, a finding. And bad input: a duration
# that is zero, not a number or negative, and an unknown option, each end
# with exit 2 and nothing on stdout; stderr starts with one line naming
# the bad argument (the usage may follow, as for every command).
. "$(dirname "$0")/diagnose_lib.sh"
require jq

DIAG_SECONDS=2
ns_add NS a

dg_start main "$NS" || finish
dg_end main "$NS" || finish
check_eq "json: no findings" 0 "$(jq '.findings | length' "$T/main.json")" || show "$T/main.json"
check_eq "json: verdict" "no drops seen" "$(jq -r '.verdict' "$T/main.json")"

ds_launch text "$T/text.out" diagnose --netns "/run/netns/$NS" -d $DIAG_SECONDS || finish
if ds_wait_exit text $((DIAG_SECONDS + 20)); then
	check_eq "text: exit status" 0 "${DSRC[text]}" || show "$T/text.err"
else
	fail "text: still running $((DIAG_SECONDS + 20)) s after it started: killed"
fi
check_eq "text: one line" 1 "$(wc -l <"$T/text.out")" || show "$T/text.out"
check_true "text: 'dropscope diagnose: ... netns /run/netns/$NS...: no drops seen'" \
	grep -qE "^dropscope diagnose: [0-9.]+ s, netns /run/netns/$NS: no drops seen$" "$T/text.out" ||
	show "$T/text.out"

# A namespace where only sockets close with data unread (AF_UNIX pairs,
# one message each; closeunread reports what each held at close, FIONREAD):
# no finding, and the verdict names them instead of "no drops seen", in
# the JSON and on the text's first line. (TCP's close frees unread data
# without the tracepoint on 6.18, and UDP's carry no namespace: AF_UNIX.)
CLOSEUNREAD=$(tool closeunread) || exit 1
UDPSEND=$(tool udpsend) || exit 1
U=40
ns_add NC c
dg_start closing "$NC" || finish
ds_launch closingtext "$T/closingtext.out" diagnose --netns "/run/netns/$NC" -d $DIAG_SECONDS ||
	finish
unix=$(nsx "$NC" "$CLOSEUNREAD" unix $U | sed -n 's/^unread //p')
check_eq "kernel: AF_UNIX messages unread at close" $U "$unix"
dg_in_window closing
dg_end closing "$NC" || finish
want="no drops; $U packets freed by sockets closing (not drops)"
check_eq "closes only, json: no findings" 0 "$(jq '.findings | length' "$T/closing.json")"
check_eq "closes only, json: verdict" "$want" "$(jq -r '.verdict' "$T/closing.json")" ||
	show "$T/closing.json"
check_eq "closes only, json: closed.count" $U "$(jq '.closed.count' "$T/closing.json")"
if ds_wait_exit closingtext $((DIAG_SECONDS + 20)); then
	check_eq "closes only, text: exit status" 0 "${DSRC[closingtext]}"
else
	fail "closes only, text: still running $((DIAG_SECONDS + 20)) s after it started: killed"
fi
check_eq "closes only, text: the first line's verdict names them" \
	"dropscope diagnose: S s, netns /run/netns/$NC: $want" \
	"$(head -n 1 "$T/closingtext.out" | sed -E 's/^(dropscope diagnose: )[0-9.]+ s/\1S s/')" ||
	show "$T/closingtext.out"

# And a real drop beside the closes is still a finding (UdpNoPorts counts
# it), with no verdict.
N=20
dg_start mixed "$NC" || finish
u0=$(snmp "$NC" UdpNoPorts)
unix=$(nsx "$NC" "$CLOSEUNREAD" unix $U | sed -n 's/^unread //p')
nsx "$NC" "$UDPSEND" -n $N 127.0.0.1 9 >/dev/null || fail "udpsend"
noports=$(($(snmp "$NC" UdpNoPorts) - u0))
check_eq "kernel: UdpNoPorts" $N "$noports"
dg_in_window mixed
dg_end mixed "$NC" || finish
check_eq "closes and a drop: findings count the drops" "$noports" \
	"$(jq '[.findings[] | select(.source == "drops") | .count] | add // 0' "$T/mixed.json")" ||
	show "$T/mixed.json"
check_eq "closes and a drop: no verdict" null "$(jq -c '.verdict' "$T/mixed.json")"
check_eq "closes and a drop: closed.count" "$unix" "$(jq '.closed.count' "$T/mixed.json")"

# bad_input WHAT BAD ARGS...: exit 2, a first line "dropscope: ..." that
# quotes BAD, no output
bad_input()
{
	local what=$1 bad=$2 rc
	shift 2
	timeout 20 "$DROPSCOPE" diagnose --backend="$BACKEND" --netns "/run/netns/$NS" "$@" \
		>"$T/bad.out" 2>"$T/bad.err"
	rc=$?
	check_eq "$what: exit status" 2 "$rc"
	check_true "$what: the first line on stderr names it ($(head -n 1 "$T/bad.err" | head -c 200))" \
		grep -qF "'$bad'" <(head -n 1 "$T/bad.err" | grep '^dropscope: ')
	check_eq "$what: nothing on stdout" 0 "$(wc -c <"$T/bad.out")"
}
bad_input "-d 0" 0 -d 0
bad_input "-d abc" abc -d abc
bad_input "-d -1" -1 -d -1
bad_input "--no-such-option" --no-such-option --no-such-option
# A namespace that does not exist: no evidence could be read, so no report.
bad_input_ns() {
	local what=$1
	shift
	timeout 20 "$DROPSCOPE" diagnose --backend="$BACKEND" "$@" >"$T/bad.out" 2>"$T/bad.err"
	check_eq "$what: exit status" 2 "$?"
	check_true "$what: the first line names --netns ($(head -n1 "$T/bad.err" | head -c 200))" \
		grep -q '^dropscope: --netns' "$T/bad.err"
	check_eq "$what: nothing on stdout" 0 "$(wc -c <"$T/bad.out")"
}
bad_input_ns "--netns /nonexistent" -d 1 --netns /nonexistent-dstest
bad_input_ns "--netns 1 (no such inode)" -d 1 --netns 1
finish
