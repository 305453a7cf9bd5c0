#!/bin/bash
# `make install DESTDIR=… PREFIX=…` puts the binary, dropscope(8) and the bash
# completion in place and `make uninstall` removes all of them; the man page
# renders with man -l and names every option --help lists; the completion
# completes commands, options, --by keys and the running kernel's reasons.
. "$(dirname "$0")/lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require man make
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
D=$T/dest
P=/usr/local

make -s --no-print-directory -C "$ROOT" install DESTDIR="$D" PREFIX=$P >"$T/install.log" 2>&1 ||
	{ show "$T/install.log"; die "make install failed"; }
for f in sbin/dropscope share/man/man8/dropscope.8 share/bash-completion/completions/dropscope \
	lib/systemd/system/dropscope-exporter.service; do
	check_true "installed $P/$f" test -s "$D$P/$f"
done
check_true "installed binary runs" "$D$P/sbin/dropscope" version
check_true "the unit starts the installed binary" \
	grep -q "^ExecStart=$P/sbin/dropscope exporter" "$D$P/lib/systemd/system/dropscope-exporter.service"

MANWIDTH=200 man -l "$D$P/share/man/man8/dropscope.8" >"$T/man.txt" 2>"$T/man.err"
check_eq "man -l renders" 0 $?
check_true "man page has its NAME" grep -q "dropscope - where and why" "$T/man.txt"
missing=""
for o in $("$DROPSCOPE" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
	grep -q -- "$o" "$T/man.txt" || missing+=" $o"
done
check_eq "every --help option in the man page" "" "$missing"
for c in summary events top exporter counters symbols reasons; do
	grep -qE "^ +$c\b|dropscope $c" "$T/man.txt" || missing+=" $c"
done
check_eq "every command in the man page" "" "$missing"

# complete WORDS...: what the completion offers for the last word.
complete_words()
{
	bash -c '
		. /usr/share/bash-completion/bash_completion 2>/dev/null
		. "$0"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		PATH=$DSDIR:$PATH _dropscope
		printf "%s\n" "${COMPREPLY[@]}"' \
		"$D$P/share/bash-completion/completions/dropscope" "$@" | sort | paste -sd' ' -
}
export DSDIR=$(dirname "$DROPSCOPE")
if [[ -r /usr/share/bash-completion/bash_completion ]]; then
	check_eq "complete 'dropscope e'" "events exporter" "$(complete_words dropscope e)"
	check_eq "complete '--reas'" "--reason --reasons" "$(complete_words dropscope --reas)"
	check_eq "complete '--by dev,ne'" "dev,netns" "$(complete_words dropscope --by dev,ne)"
	check_eq "complete '--reason NO_SOCK'" "NO_SOCKET" "$(complete_words dropscope --reason NO_SOCK)"
	check_eq "complete 'diagnose --s' (no report option)" "--system-map" \
		"$(complete_words dropscope diagnose --s)"
	check_eq "complete '--backend='" "raw_tp tp_btf tracepoint" "$(complete_words dropscope --backend=)"
else
	fail "no /usr/share/bash-completion/bash_completion (package bash-completion)"
fi

make -s --no-print-directory -C "$ROOT" uninstall DESTDIR="$D" PREFIX=$P >>"$T/install.log" 2>&1
check_eq "make uninstall leaves no file" 0 "$(find "$D" -type f | wc -l)"
finish
