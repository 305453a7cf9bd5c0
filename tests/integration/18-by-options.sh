#!/bin/bash
# Bad values of --by, --stacks, --folded, --max-stacks and --helper: each is
# refused with exit 2 and a one-line error on stderr naming the option (a
# usage text may follow that line), nothing on stdout. --help lists every
# new option. Runs once (no backend involved).
. "$(dirname "$0")/lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require

# bad WHAT WORD ARGS...: dropscope ARGS exits 2, prints nothing on stdout,
# and its first stderr line is "dropscope: ..." containing WORD (with --json:
# {"error":"..."}); any further lines are the usage text.
bad()
{
	local what=$1 word=$2 rc first rest
	shift 2
	timeout 20 "$DROPSCOPE" "$@" >"$T/bad.out" 2>"$T/bad.err"
	rc=$?
	first=$(head -n 1 "$T/bad.err")
	rest=$(sed -n 2p "$T/bad.err")
	check_eq "$what: exit status" 2 "$rc"
	check_eq "$what: stdout" "" "$(cat "$T/bad.out")"
	CHECKS=$((CHECKS + 1))
	# Under --json the error is one JSON object instead (lib/msg.h).
	if [[ ( $first == "dropscope: "*"$word"* || $first == '{"error":"'*"$word"*'"}' ) &&
		( -z $rest || $rest == Usage:* ) ]]; then
		ok "$what: $first"
	else
		fail "$what: stderr is not one error line naming '$word' (+ usage)"
		show "$T/bad.err" 5
	fi
}

bad "--by nosuch" nosuch --by nosuch -d 1
bad "--by ''" "--by" --by '' -d 1
bad "--by location," "--by" --by location, -d 1
bad "--by dev,,reason" "--by" --by dev,,reason -d 1
bad "events --by dev" "--by" events --by dev -c 1
bad "--folded --json" "--folded" --folded --json -d 1
bad "--max-stacks 0" "--max-stacks" --stacks --max-stacks 0 -d 1
bad "--max-stacks 999999999" "--max-stacks" --stacks --max-stacks 999999999 -d 1
bad "--max-stacks x" "--max-stacks" --stacks --max-stacks x -d 1
bad "--max-stacks 5 without --stacks" "--max-stacks" --max-stacks 5 -d 1
bad "--helper x without --by caller" "--helper" --helper x -d 1
bad "--by caller --helper no_such_function_xyz" "no_such_function_xyz" \
	--by caller --helper no_such_function_xyz -d 1
bad "events --folded" "--folded" events --folded -c 1
# Each command takes the keys it can show, refused before anything else
# (top: before it asks for a terminal).
bad "top --by cgroup" "--by" top --by cgroup
bad "exporter --by stack" "--by" exporter --by stack
bad "diagnose --by dev" "--by" diagnose --by dev -d 1

# Each command's --help lists exactly its keys, and the bash completion
# offers the same ones. KEYS_OF CMD: the keys in CMD's --by help.
ALLKEYS="location reason proto dev netns comm cgroup caller stack class workload"
keys_of()
{
	local k
	"$DROPSCOPE" "$1" --help | awk '/--by KEY/ { on = 1; print; next }
		on && substr($0, 1, 27) != sprintf("%27s", "") { exit } on { print }' >"$T/byhelp"
	for k in $ALLKEYS; do
		grep -qw -- "$k" "$T/byhelp" && printf '%s ' "$k"
	done
	echo
}
COMPL=$(dirname "$0")/../../contrib/bash-completion/dropscope
for c in events top exporter; do
	want=$(sed -n "s/^[[:space:]]*$c) keys=\"\(.*\)\" ;;/\1/p" "$COMPL")
	check_eq "$c --help lists the keys the completion offers" "$want " "$(keys_of "$c")"
done
check_eq "summary --help lists every key" "$ALLKEYS " "$(keys_of summary)"

"$DROPSCOPE" --help >"$T/help.out" 2>&1
check_eq "--help: exit status" 0 "$?"
for o in --by --stacks --folded --max-stacks --helper; do
	check_true "--help mentions $o" grep -qE "^ +(-., )?$o( |=|\$)" "$T/help.out"
done
for k in location reason proto dev netns comm cgroup caller stack; do
	check_true "--help lists --by key $k" grep -qw "$k" "$T/help.out"
done
finish
