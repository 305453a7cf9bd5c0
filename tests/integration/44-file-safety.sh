#!/bin/bash
# Files we write, in a shared sticky directory where another user (nobody)
# planted symbolic links to a file of root's:
#   -w LINK, --ready-file LINK   refused (exit 1, "symbolic link"), with
#                                --force too; the target keeps its bytes
#                                and its mode 0644
#   -w EXISTING                  refused without --force, untouched
#   -w EXISTING --force          truncated and rewritten, mode kept (0644)
#   -w NEW                       created 0600
#   -w /dev/null, -w FIFO        written to without --force
#   --ready-file NEW             made while attached (our pid in it) and
#                                removed at the exit; one that was replaced
#                                meanwhile by another file is left alone;
#                                one whose directory was renamed and
#                                replaced (a hard link to it there) is
#                                removed from the directory it was made in;
#                                --ready-file /dev/null stays
# Ground truth: stat and cmp of the files, capinfos.
. "$(dirname "$0")/lib.sh"
require capinfos setpriv
[[ $BACKEND == tp_btf ]] || skip "not about the backend: runs once, with tp_btf"

SH=$T/shared
mkdir "$SH" && chmod 1777 "$SH" && chmod 0755 "$T" || die "shared dir"
VICTIM=$T/victim
printf 'precious\n' >"$VICTIM" && chmod 0644 "$VICTIM"
cp "$VICTIM" "$T/victim.orig"
for l in cap.pcapng ready; do
	setpriv --reuid=65534 --regid=65534 --clear-groups ln -s "$VICTIM" "$SH/$l" ||
		die "planting $l as nobody"
done
umask 022

victim_unchanged()
{
	check_true "$1: the link's target keeps its bytes" cmp -s "$VICTIM" "$T/victim.orig"
	check_eq "$1: the link's target keeps its mode" 644 "$(stat -c %a "$VICTIM")"
}

# run TAG ARGS...: a short events run; status in RC, stderr in $T/TAG.err.
run()
{
	local tag=$1
	shift
	timeout 20 "$DROPSCOPE" events --backend="$BACKEND" -d 0.3 "$@" >/dev/null 2>"$T/$tag.err"
	RC=$?
}

for force in "" --force; do
	run link$force -w "$SH/cap.pcapng" $force
	check_eq "-w LINK $force: exit status" 1 "$RC"
	check_true "-w LINK $force: says it is a symbolic link" \
		grep -q "^dropscope: -w $SH/cap.pcapng: is a symbolic link" "$T/link$force.err" ||
		show "$T/link$force.err"
	victim_unchanged "-w LINK $force"
	run ready$force --ready-file "$SH/ready" $force
	check_eq "--ready-file LINK $force: exit status" 1 "$RC"
	check_true "--ready-file LINK $force: says it is a symbolic link" \
		grep -q "^dropscope: --ready-file $SH/ready: is a symbolic link" "$T/ready$force.err" ||
		show "$T/ready$force.err"
	victim_unchanged "--ready-file LINK $force"
done

OLD=$T/old.pcapng
printf 'not a capture\n' >"$OLD" && chmod 0644 "$OLD"
run old -w "$OLD"
check_eq "-w EXISTING: exit status" 1 "$RC"
check_true "-w EXISTING: says it exists and what --force does" \
	grep -q "^dropscope: -w $OLD: exists (--force replaces it)" "$T/old.err" || show "$T/old.err"
check_eq "-w EXISTING: untouched" "not a capture" "$(cat "$OLD")"
run oldf -w "$OLD" --force
check_eq "-w EXISTING --force: exit status" 0 "$RC" || show "$T/oldf.err"
check_true "-w EXISTING --force: now a capture" bash -c "capinfos '$OLD' >/dev/null 2>&1"
check_eq "-w EXISTING --force: mode kept" 644 "$(stat -c %a "$OLD")"

run new -w "$T/new.pcapng"
check_eq "-w NEW: exit status" 0 "$RC" || show "$T/new.err"
check_eq "-w NEW: mode" 600 "$(stat -c %a "$T/new.pcapng")"
run null -w /dev/null
check_eq "-w /dev/null: exit status" 0 "$RC" || show "$T/null.err"
mkfifo "$T/fifo" || die "mkfifo"
cat "$T/fifo" >"$T/fifo.pcapng" &
PIDS+=($!)
run fifo -w "$T/fifo"
check_eq "-w FIFO: exit status" 0 "$RC" || show "$T/fifo.err"
wait "${PIDS[-1]}"
check_true "-w FIFO: a capture came through" bash -c "capinfos '$T/fifo.pcapng' >/dev/null 2>&1"

# The ready file lives as long as the run: a next run with the same path
# must not find it.
"$DROPSCOPE" events --backend="$BACKEND" --ready-file "$T/r1" >/dev/null 2>"$T/r1.err" &
pid=$!
PIDS+=($pid)
for ((i = 0; i < 100; i++)); do
	[[ -e $T/r1 ]] && break
	sleep 0.1
done
check_eq "--ready-file: made while attached, our pid in it" "$pid" "$(cat "$T/r1" 2>/dev/null)"
kill -INT "$pid"
wait "$pid"
check_eq "--ready-file: exit status after SIGINT" 0 "$?" || show "$T/r1.err"
check_true "--ready-file: removed at the exit" test ! -e "$T/r1"
run again --ready-file "$T/r1"
check_eq "--ready-file: the same path works again (exit status)" 0 "$RC" || show "$T/again.err"
check_true "--ready-file: removed after -d too" test ! -e "$T/r1"
# Replaced while running: not ours any more, left alone.
"$DROPSCOPE" events --backend="$BACKEND" --ready-file "$T/r2" >/dev/null 2>"$T/r2.err" &
pid=$!
PIDS+=($pid)
for ((i = 0; i < 100; i++)); do
	[[ -e $T/r2 ]] && break
	sleep 0.1
done
rm -f "$T/r2" && echo other >"$T/r2"
kill -INT "$pid"
wait "$pid"
check_eq "--ready-file replaced meanwhile: the other file stays" other "$(cat "$T/r2" 2>/dev/null)"
# Its directory renamed meanwhile and another put at its path, holding a
# hard link to our file (the same inode): the file we made goes, by the
# directory we made it in; the name in the other directory stays.
mkdir "$T/d" || die "mkdir d"
"$DROPSCOPE" events --backend="$BACKEND" --ready-file "$T/d/r" >/dev/null 2>"$T/d.err" &
pid=$!
PIDS+=("$pid")
for ((i = 0; i < 100; i++)); do
	[[ -e $T/d/r ]] && break
	sleep 0.1
done
mv "$T/d" "$T/d.old" || die "mv d"
mkdir "$T/d" || die "mkdir d again"
ln "$T/d.old/r" "$T/d/r" || die "ln"
kill -INT "$pid"
wait "$pid"
check_eq "--ready-file, its directory swapped: exit status" 0 "$?" || show "$T/d.err"
check_true "--ready-file, its directory swapped: ours removed, in the directory we made it in" \
	test ! -e "$T/d.old/r"
check_true "--ready-file, its directory swapped: the link in the new directory stays" \
	test -f "$T/d/r"
# An existing file --force rewrote was not made by us: left at the exit.
echo old >"$T/r3"
run r3 --ready-file "$T/r3" --force
check_eq "--ready-file EXISTING --force: exit status" 0 "$RC" || show "$T/r3.err"
check_true "--ready-file EXISTING --force: left at the exit" test -f "$T/r3"
run rnull --ready-file /dev/null
check_eq "--ready-file /dev/null: exit status" 0 "$RC" || show "$T/rnull.err"
check_true "--ready-file /dev/null: still there" test -c /dev/null
finish
