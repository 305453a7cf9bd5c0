#!/bin/bash
# Lifecycle: the BPF programs dropscope loads (the prog ids its own
# /proc/PID/fdinfo shows while it runs) are all gone after SIGINT, after
# SIGTERM and after kill -9; no program id that appeared while it ran is
# left behind (others' programs are only reported). Bad options exit 2 with
# usage on stderr; --netns /nonexistent fails with a message naming it.
. "$(dirname "$0")/lib.sh"
require bpftool jq

ns_add NS a

# lifecycle SIGNAL
lifecycle()
{
	local sig=$1 tag=life-$1 before mine left i id rest
	before=$(prog_ids_all)
	ds_start "$tag" --netns "/run/netns/$NS" -i 3600 || return
	mine=$(prog_ids_of "${DSPID[$tag]}")
	check_true "$sig: dropscope holds at least one BPF program (ids: $(echo $mine))" test -n "$mine"
	ds_stop "$tag" "$sig"
	case $sig in
	INT | TERM) check_eq "$sig: exit status" 0 "${DSRC[$tag]}" ;;
	KILL) check_eq "KILL: exit status" 137 "${DSRC[$tag]}" ;;
	esac
	# program release can lag the exit a little: poll up to 5 s
	for ((i = 0; i < 50; i++)); do
		left=$(comm -12 <(prog_ids_all) <(printf '%s\n' $mine | sort -n))
		[[ -z $left ]] && break
		sleep 0.1
	done
	check_eq "$sig: dropscope's programs still loaded" "" "$(echo $left)"
	rest=$(comm -13 <(printf '%s\n' $before) <(prog_ids_all))
	for id in $rest; do
		log "note: program $id appeared meanwhile and is still loaded (not ours): $(bpftool prog show id "$id" 2>/dev/null | head -n 1)"
	done
}
lifecycle INT
lifecycle TERM
lifecycle KILL
check_true "INT: footer printed" grep -qx "Stopping dropped packet monitor" "$T/life-INT.out"
check_true "TERM: footer printed" grep -qx "Stopping dropped packet monitor" "$T/life-TERM.out"

# bad_option ARGS...: exit status 2, usage on stderr, nothing on stdout
bad_option()
{
	local rc
	timeout 10 "$DROPSCOPE" --backend="$BACKEND" "$@" >"$T/bad.out" 2>"$T/bad.err"
	rc=$?
	check_eq "'$*': exit status" 2 "$rc" || show "$T/bad.err" 5
	check_true "'$*': usage on stderr" grep -qi usage "$T/bad.err"
	check_true "'$*': nothing on stdout" test ! -s "$T/bad.out"
}
bad_option --no-such-option
bad_option -i abc
bad_option -i -1
bad_option -c x
bad_option -t notanumber
bad_option --symbols=bogus
bad_option extra-argument-xyz
CHECKS=$((CHECKS + 1))
timeout 10 "$DROPSCOPE" --backend=bogus -i 1 -c 1 >"$T/bad.out" 2>"$T/bad.err"
rc=$?
if [[ $rc == 2 ]]; then
	ok "--backend=bogus: exit status 2"
else
	fail "--backend=bogus: exit status $rc, expected 2"
fi

before=$(prog_ids_all)
timeout 10 "$DROPSCOPE" --backend="$BACKEND" --netns /nonexistent -i 1 -c 1 >"$T/nn.out" 2>"$T/nn.err"
rc=$?
check_eq "--netns /nonexistent: exit status (bad input)" 2 "$rc"
check_true "--netns /nonexistent: the message names the path" grep -q /nonexistent "$T/nn.err" ||
	show "$T/nn.err" 5
log "--netns /nonexistent says: $(head -n 1 "$T/nn.err")"

# An inode gives no way into the namespace, so a device *name* cannot be
# looked up there: refused as bad input rather than resolved in ours.
ino=$(stat -L -c %i /proc/self/ns/net)
timeout 10 "$DROPSCOPE" --backend="$BACKEND" --netns "$ino" --dev lo -i 1 -c 1 >"$T/nd.out" 2>"$T/nd.err"
check_eq "--netns INODE --dev NAME: exit status" 2 "$?" || show "$T/nd.err" 5
check_true "--netns INODE --dev NAME: says why" grep -q 'needs --netns PATH' "$T/nd.err"
finish
