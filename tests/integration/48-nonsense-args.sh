#!/bin/bash
# Arguments that mean nothing get a message instead of a silent run:
#   --netns 123 (no such namespace now)   warning, runs (it may appear)
#   --dev 9999 (no such ifindex)          warning, runs (it may appear)
#   --netns NS --dev 1 (lo exists there)  no warning
#   --reason ,  /  NO_SOCKET,,X           exit 2, "empty name"
#   3000 --reason names                   exit 2, "too many reasons (3000 given, max 256)"
#   events -t 3, events -r                exit 2, "only in summary (or top) mode"
#   -i 0x10, -i inf, -d nan               exit 2, like -c 0x10
#   --json=1                              exit 2, "--json takes no value",
#                                         no raw control byte on stderr
#   exporter -i 1, exporter --json, ...   exit 2, one line naming who takes it
#   --json -i 0                           the error as JSON on stderr
#   --by workload --workload-root NOTDIR  exit 2, "invalid --workload-root"
#   nosuchcmd, counters -x, symbols -x,   exit 2, one "dropscope: " line each
#   reasons x                             (no usage page burying it)
#   -w '', --ready-file '', --netns ''    exit 2, "expected a value"
#   -c ' 5', --max-keys +5                exit 2 (digits only, as -i)
#   -i 1e8 (past the bound)               exit 2, the message names the bound
#   exporter --netns INODE-of-nothing     exit 2, one line, nothing attached
#   reasons --help                        its usage on stdout, exit 0
# Ground truth: the namespaces and interfaces that exist (ip, stat).
. "$(dirname "$0")/lib.sh"
require
[[ $BACKEND == tp_btf ]] || skip "not about the backend: runs once, with tp_btf"

ns_add NS a
# A namespace inode that no task or mount holds: ours plus one is not
# proof, so pick a number and make sure.
INO=123
for f in /proc/[0-9]*/ns/net /run/netns/*; do
	[[ $(stat -L -c %i "$f" 2>/dev/null) == "$INO" ]] && skip "inode $INO exists"
done
ip -j link show | grep -q '"ifindex":9999,' && skip "ifindex 9999 exists"

# run TAG ARGS...: dropscope ARGS for a short while; RC and $T/TAG.err.
run()
{
	local tag=$1
	shift
	timeout 20 "$DROPSCOPE" "$@" >"$T/$tag.out" 2>"$T/$tag.err"
	RC=$?
}

run netns --backend="$BACKEND" -i 0.2 -c 1 --netns $INO
check_eq "--netns $INO: exit status" 0 "$RC"
check_true "--netns $INO: warns that no such namespace exists now" \
	grep -q "^dropscope: warning: --netns $INO: no network namespace with this inode exists now" \
	"$T/netns.err" || show "$T/netns.err"
run dev --backend="$BACKEND" -i 0.2 -c 1 --dev 9999
check_eq "--dev 9999: exit status" 0 "$RC"
check_true "--dev 9999: warns that no such device exists now" \
	grep -q "^dropscope: warning: --dev 9999: no device with this ifindex in our namespace" \
	"$T/dev.err" || show "$T/dev.err"
run devok --backend="$BACKEND" -i 0.2 -c 1 --netns "/run/netns/$NS" --dev 1
check_eq "--netns NS --dev 1: exit status" 0 "$RC"
# (The refused-fexit warning is about the machine's tc/XDP programs, which
# tests running beside this one may attach: not about these arguments.)
check_eq "--netns NS --dev 1: no warning" "" "$(grep -v 'refuses fexit' "$T/devok.err")"
ino=$(stat -L -c %i "/run/netns/$NS")
run inook --backend="$BACKEND" -i 0.2 -c 1 --netns "$ino" --dev 1
check_eq "--netns INODE-of-NS --dev 1: no warning" "" "$(grep -v 'refuses fexit' "$T/inook.err")"

# bad WHAT PATTERN ARGS...: exit 2 and PATTERN on stderr.
bad()
{
	local what=$1 pat=$2
	shift 2
	run bad "$@"
	check_eq "$what: exit status" 2 "$RC"
	check_true "$what: says '$pat'" grep -qF -- "$pat" "$T/bad.err" || show "$T/bad.err"
}
bad "--reason ," "empty name" --reason ,
bad "--reason NO_SOCKET,,X" "empty name" --reason NO_SOCKET,,X
bad "3000 reasons" "too many reasons (3000 given, max 256)" \
	--reason "$(printf 'NO_SOCKET%.0s,' {1..2999})NO_SOCKET"
bad "events -t 3" "'-t': only in summary mode" events -t 3
bad "events -r" "'-r': only in summary or top mode" events -r
bad "-i 0x10" "--interval '0x10'" -i 0x10
bad "-i inf" "--interval 'inf'" -i inf
bad "-d nan" "--duration 'nan'" -d nan
bad "--json=1" "'--json=1': --json takes no value" --json=1
check_eq "--json=1: no raw control byte on stderr" 0 "$(tr -d '\n' <"$T/bad.err" | LC_ALL=C grep -c '[[:cntrl:]]')"
# A --workload-root that is no directory (ground truth: test -d) would
# only show as no names: refused.
[[ -d $T/none ]] || bad "--workload-root missing" "invalid --workload-root '$T/none'" \
	--by workload -i 0.2 -c 1 --workload-root "$T/none"
: >"$T/afile"
bad "--workload-root a file" "'$T/afile': not a directory" --by workload -i 0.2 -c 1 \
	--workload-root "$T/afile"
# An option a command does not take is refused, never ignored: one line, exit 2.
for words in "exporter -i 1" "exporter --json" "top --json" "events --folded"; do
	# shellcheck disable=SC2086 # the words of the command line
	run notfor $words
	check_eq "$words: exit status" 2 "$RC"
	check_eq "$words: one line on stderr" 1 "$(wc -l <"$T/notfor.err")" || show "$T/notfor.err"
	check_true "$words: says which commands take it" \
		grep -qE "^dropscope: invalid option '[^']+': only in [a-z, ]+ mode, not for ${words%% *} \(usage: dropscope ${words%% *} --help\)\$" \
		"$T/notfor.err" || show "$T/notfor.err"
done
# Under --json a refused option is said as JSON on stderr, one object.
run jsonerr --json -i 0
check_eq "--json -i 0: exit status" 2 "$RC"
check_eq "--json -i 0: one JSON error" "invalid --interval '0': expected seconds, 0.01..10000000 (usage: dropscope summary --help)" \
	"$(jq -r .error "$T/jsonerr.err" 2>/dev/null)" || show "$T/jsonerr.err"
# The commands' own parsers and messages: one line, exit 2, no usage page.
for words in "nosuchcmd" "counters -x" "counters --netns" "counters extra" "symbols -x" \
	"reasons x"; do
	# shellcheck disable=SC2086 # the words of the command line
	run own $words
	check_eq "$words: exit status" 2 "$RC"
	check_eq "$words: one line on stderr" 1 "$(wc -l <"$T/own.err")" || show "$T/own.err"
	check_true "$words: a dropscope error" grep -q "^dropscope: " "$T/own.err" ||
		show "$T/own.err"
done
bad "-w ''" "invalid --write '': expected a value" events -w ''
bad "--ready-file ''" "invalid --ready-file '': expected a value" --ready-file ''
bad "--netns ''" "invalid --netns '': expected a value" --netns ''
bad "-c ' 5'" "invalid --count ' 5'" -c ' 5'
bad "--max-keys +5" "invalid --max-keys '+5'" --max-keys +5
bad "-i 100000000" "expected seconds, 0.01..10000000" -i 100000000
bad "--system-map ''" "invalid --system-map '': expected a value" --system-map ''
bad "--kaslr-offset ' 5'" "invalid --kaslr-offset ' 5': expected a hex number" --kaslr-offset ' 5'
bad "--kaslr-offset -1" "invalid --kaslr-offset '-1': expected a hex number" --kaslr-offset -1
bad "symbols --kaslr-offset -1" "invalid --kaslr-offset '-1': expected a hex number" \
	symbols --kaslr-offset -1
bad "symbols --system-map ''" "invalid --system-map ''" symbols --system-map ''
if "$DROPSCOPE" exporter --help >/dev/null 2>&1; then
	run expnetns exporter --netns $INO --listen 127.0.0.1:0
	check_eq "exporter --netns $INO: exit status" 2 "$RC"
	check_eq "exporter --netns $INO: one line on stderr" 1 "$(wc -l <"$T/expnetns.err")" ||
		show "$T/expnetns.err"
fi
run rhelp reasons --help
check_eq "reasons --help: exit status" 0 "$RC" || show "$T/rhelp.err"
check_true "reasons --help: its usage on stdout" grep -q "^Usage: dropscope reasons" "$T/rhelp.out"
run jsonerr2 diagnose --json -c 3
check_eq "diagnose --json -c 3: one JSON error naming the cause" 1 \
	"$(jq -r .error "$T/jsonerr2.err" 2>/dev/null | grep -c "'-c': .*not for diagnose")" || show "$T/jsonerr2.err"
finish
