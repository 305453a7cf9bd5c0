#!/bin/bash
# The cached minimized kernel BTF (src/trace/btf_cache.c) changes nothing
# but the time to attach: every configuration's program, loaded with and
# without it, is the same program (the kernel's xlated instructions, map
# ids aside, from bpftool). And a cache that must not be trusted never
# stops dropscope: a directory or file that is a symbolic link, not root's
# or writable by others is refused; a damaged file is removed and made
# again; in each case dropscope attaches and counts exactly (UdpNoPorts).
# Writing a file prunes other kernels' files and week-old files of other
# builds, never a link or a file not root's; a file in use is touched; two
# first starts at once (in PID namespaces of their own, both pid 1) both
# count exactly and leave one good file and no temporary one.
# The cache lives in this test's own directory (DROPSCOPE_BTF_CACHE_DIR).
. "$(dirname "$0")/lib.sh"
require nstat jq bpftool
UDPSEND=$(tool udpsend) || exit 1
[[ -r /sys/kernel/btf/vmlinux ]] || skip "no /sys/kernel/btf/vmlinux"
ns_add NS a

CACHE=$DROPSCOPE_BTF_CACHE_DIR # $T/btfcache (lib.sh)

# xlated TAG: the instructions of every program that dropscope holds, as
# the kernel has them after verification, map ids masked (they differ
# between any two loads).
xlated()
{
	local pid=${DSPID[$1]} id
	for id in $(prog_ids_of "$pid"); do
		printf '== %s\n' "$(bpftool prog show id "$id" -j | jq -r '.type + " " + (.name // "?")')"
		bpftool prog dump xlated id "$id" | sed -E 's/map\[id:[0-9]+\]/map[id:*]/g'
	done
}

# program FILE HEADER: one program's section of an xlated() dump.
program()
{
	awk -v h="$2" '/^== / { on = ($0 == h) } on' "$1"
}

# same_programs A B HEADERS: the diff of each listed program between the
# two dumps (empty: identical).
same_programs()
{
	local h
	while IFS= read -r h; do
		[[ -n $h ]] || continue
		diff <(program "$1" "$h") <(program "$2" "$h")
	done <<<"$3"
}

# cache_note TAG: the -v lines about the cache.
cache_note()
{
	grep -a 'BTF cache:' "$T/$1.err" | paste -sd'|'
}

# --- made once attached, used after --------------------------------------------
ds_start make -v || finish
ds_stop make
check_true "first start: cache made ($(cache_note make))" grep -q 'BTF cache: made' "$T/make.err"
FILE=$(ls "$CACHE"/vmlinux-*.btf 2>/dev/null | head -1)
[[ -n $FILE ]] || die "no cache file in $CACHE"
check_eq "cache directory mode and owner" "700 0" "$(stat -c '%a %u' "$CACHE")"
check_eq "cache file mode and owner" "600 0" "$(stat -c '%a %u' "$FILE")"
check_true "cache file parses as BTF" bpftool btf dump file "$FILE" >/dev/null
cp "$FILE" "$T/good.btf"

# --- identical programs, every configuration ---------------------------------
CONFIGS=("" "-r" "--stacks" "--by caller" "--folded" "--by netns" "--by workload" "events")
i=0
for c in "${CONFIGS[@]}"; do
	i=$((i + 1))
	mode=""
	read -r -a args <<<"$c"
	if [[ $c == events ]]; then
		mode=events
		args=()
	fi
	name=${c:-summary}
	ds_launch "n$i" "$T/n$i.out" "$mode" -v --no-btf-cache "${args[@]}" || continue
	xlated "n$i" >"$T/n$i.x"
	ds_stop "n$i"
	ds_launch "c$i" "$T/c$i.out" "$mode" -v "${args[@]}" || continue
	xlated "c$i" >"$T/c$i.x"
	ds_stop "c$i"
	check_true "$name: loaded with the cache ($(cache_note "c$i"))" \
		grep -q 'BTF cache: used' "$T/c$i.err"
	check_true "$name: without the cache it was not used" \
		grep -q 'BTF cache: off' "$T/n$i.err"
	check_true "$name: kfree_skb program dumped ($(grep -c . "$T/c$i.x") lines)" \
		grep -q '^== tracing\|^== raw_tracepoint\|^== tracepoint' "$T/c$i.x"
	# The programs dropscope loads once attached (progwatch's, for XDP
	# programs on hooks) come and go with the machine's state and the
	# moment of the dump: compared where both runs have them; the drop
	# program must be in both.
	common=$(comm -12 <(grep '^== ' "$T/n$i.x" | sort -u) <(grep '^== ' "$T/c$i.x" | sort -u))
	check_true "$name: the drop program in both dumps" \
		grep -q '^== \(tracing\|raw_tracepoint\|tracepoint\) kfree_skb' <<<"$common"
	same_programs "$T/n$i.x" "$T/c$i.x" "$common" >"$T/d$i" 2>&1
	check_true "$name: xlated instructions identical with and without the cache" \
		test ! -s "$T/d$i" || head -20 "$T/d$i"
done

# The comparison sees the instructions: two configurations differ.
check_true "summary and --stacks programs differ (the dump is of the program)" \
	bash -c "! cmp -s '$T/n1.x' '$T/n3.x'"

# count_run TAG EXPECT_NOTE [ARGS...]: dropscope attaches, -v says EXPECT_NOTE (a
# regular expression) about the cache, and counts exactly what the kernel
# counted as UdpNoPorts.
count_run()
{
	local tag=$1 want=$2 n=29 v0 v
	shift 2
	ds_start "$tag" -v --netns "/run/netns/$NS" -i 3600 "$@" || return
	v0=$(snmp "$NS" UdpNoPorts)
	nsx "$NS" "$UDPSEND" -n $n 127.0.0.1 9 >/dev/null || fail "udpsend"
	v=$(($(snmp "$NS" UdpNoPorts) - v0))
	sleep 0.3
	ds_stop "$tag"
	ds_check_stopped "$tag"
	check_eq "$tag: UdpNoPorts delta" $n "$v"
	check_eq "$tag: counted" "$v" "$(ds_total "$T/$tag.out")" || show "$T/$tag.out"
	check_true "$tag: -v says '$want' ($(cache_note "$tag"))" \
		grep -Eq "BTF cache: .*$want" "$T/$tag.err"
}

# --- hostile or damaged caches -------------------------------------------------
# The directory is a symbolic link (to a good cache): refused, not followed.
ln -s "$CACHE" "$T/dirlink"
DROPSCOPE_BTF_CACHE_DIR=$T/dirlink count_run dirlink 'refused: a symbolic link'

# The file is a symbolic link (to a good copy): refused; the link stays.
mv "$FILE" "$T/moved.btf"
ln -s "$T/good.btf" "$FILE"
count_run filelink 'refused: a symbolic link'
check_true "file link left as it was" test -L "$FILE"
rm -f "$FILE"
mv "$T/moved.btf" "$FILE"

# Not root's, or writable by others: refused.
chown 65534 "$FILE"
count_run owner 'refused: not owned by root'
chown 0 "$FILE"
chmod 0666 "$FILE"
count_run filemode 'refused: writable by group or others'
chmod 0600 "$FILE"
chmod 0777 "$CACHE"
count_run dirmode 'refused: writable by group or others'
chmod 0700 "$CACHE"
count_run restored 'used '

# Truncated, then garbage: loaded without it, removed, made again (the
# same bytes as the first one made).
truncate -s 100 "$FILE"
count_run truncated 'did not load .*removed'
check_true "truncated file made again" grep -q 'BTF cache: made' "$T/truncated.err"
check_true "remade file = first made" cmp -s "$FILE" "$T/good.btf"
head -c 4096 /dev/urandom >"$FILE"
count_run garbage 'did not load .*removed'
check_true "garbage file made again" cmp -s "$FILE" "$T/good.btf"

# A valid BTF that is not this kernel's (one int, no sk_buff): libbpf takes
# it, the relocations find nothing and the verifier refuses the program; so
# loaded without it, removed and made again, on every backend.
printf '\x9f\xeb\x01\x00\x18\0\0\0\0\0\0\0\x10\0\0\0\x10\0\0\0\x05\0\0\0\x01\0\0\0\0\0\0\x01\x04\0\0\0\x20\0\0\0\0int\0' >"$FILE"
check_true "foreign file is a valid BTF" bpftool btf dump file "$FILE" >/dev/null
count_run foreign 'did not load .*removed'
check_true "foreign file made again" cmp -s "$FILE" "$T/good.btf"

# tp_btf's attach target id comes from the file too (src/trace/kbtf.c).
if [[ $BACKEND == tp_btf ]] && command -v strace >/dev/null; then
	# With the file, nothing reads the kernel's BTF, before or after
	# attaching (libbpf would, for any tp_btf program it loads itself).
	strace -f -e trace=openat -o "$T/strace.txt" "$DROPSCOPE" -v -d 1 --backend=tp_btf \
		>"$T/st.out" 2>"$T/st.err"
	check_true "strace run used the cache ($(grep -a 'BTF cache' "$T/st.err" | head -1))" \
		grep -q 'BTF cache: used' "$T/st.err"
	check_eq "kernel BTF files opened with the cache" "" \
		"$(grep -o '"/sys/kernel/btf[^"]*"' "$T/strace.txt" | sort -u | paste -sd' ')"

	# A file whose id names another tracepoint's typedef: the verifier
	# refuses the program there (consume_skb has fewer arguments), and
	# were one accepted, dropscope checks the tracepoint it attached to by
	# name; the file is removed and made again, drops counted on kfree_skb.
	other=$(bpftool btf dump file /sys/kernel/btf/vmlinux |
		sed -nE "s/^\[([0-9]+)\] TYPEDEF 'btf_trace_consume_skb'.*/\1/p" | head -1)
	mine=$(bpftool btf dump file /sys/kernel/btf/vmlinux |
		sed -nE "s/^\[([0-9]+)\] TYPEDEF 'btf_trace_kfree_skb'.*/\1/p" | head -1)
	check_true "ids of btf_trace_kfree_skb ($mine) and consume_skb ($other) found" \
		test -n "$mine" -a -n "$other"
	# The ids enum is the file's last type: every member valued the
	# kfree_skb typedef's id gets consume_skb's.
	python3 - "$FILE" "$mine" "$other" <<'PY' || fail "forging the id"
import struct, sys
path, mine, other = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
b = bytearray(open(path, 'rb').read())
hdr_len, type_off, type_len = struct.unpack_from('<III', b, 4)
start, end = hdr_len + type_off, hdr_len + type_off + type_len
off, last = start, None
while off < end:  # walk to the last type: only kinds a minimized BTF has
    info, = struct.unpack_from('<I', b, off + 4)
    kind, vlen = (info >> 24) & 0x1f, info & 0xffff
    last = (off, kind, vlen)
    extra = {1: 4, 3: 12, 4: 12 * vlen, 5: 12 * vlen, 6: 8 * vlen, 19: 12 * vlen}.get(kind, 0)
    off += 12 + extra
off, kind, vlen = last
assert kind == 6, 'last type is not an enum'
n = 0
for i in range(vlen):
    at = off + 12 + 8 * i + 4
    if struct.unpack_from('<i', b, at)[0] == mine:
        struct.pack_into('<i', b, at, other)
        n += 1
assert n == 1, 'kfree_skb id not found once'
open(path, 'wb').write(b)
PY
	count_run forged 'did not load .*removed'
	check_true "forged file made again" cmp -s "$FILE" "$T/good.btf"
fi

# A load that fails for a reason that is not the file's (here tp_btf's
# attach, BPF_LINK_CREATE, refused by a seccomp filter, as a kernel or a
# policy may refuse it): the retry without the file fails too, so the file
# is kept as it is (same inode, same bytes), not removed and rewritten on
# every start; dropscope attaches with raw_tp and counts exactly.
# (bpfdeny's filter knows x86-64 syscall numbers only.)
if [[ $BACKEND == tp_btf && $(uname -m) == x86_64 ]]; then
	BPFDENY=$(tool bpfdeny) || exit 1
	cp "$T/good.btf" "$FILE.new" && mv "$FILE.new" "$FILE"
	ino0=$(stat -c %i "$FILE")
	saved=("${DS_ENV[@]}")
	DS_ENV+=("$BPFDENY" 28)
	for r in 1 2; do
		count_run "refused$r" "kept: tp_btf failed without it too" --backend=auto
		check_true "refused$r: attached with raw_tp" \
			grep -q 'attached with raw_tp' "$T/refused$r.err"
		check_eq "refused$r: file kept (inode)" "$ino0" "$(stat -c %i "$FILE")"
		check_true "refused$r: file kept (bytes)" cmp -s "$FILE" "$T/good.btf"
		check_true "refused$r: nothing made" bash -c "! grep -q 'BTF cache: made' '$T/refused$r.err'"
	done
	DS_ENV=("${saved[@]}")
fi

# --- pruning, when a file is written (the rule: src/trace/btf_cache.h) --------
# Names of our pattern for this kernel (its build id from the file's name)
# and for other ones: another kernel's go, recent or not; this kernel's
# other builds only when unmodified for a week; a link (and what it points
# to), a file not root's, a directory, a name not ours: never.
base=${FILE##*/}
kid=${base#vmlinux-}
kid=${kid%%-*}
check_true "kernel build id from the file name ($kid)" grep -Eq '^[0-9a-f]{2,64}$' <<<"$kid"
okern=$CACHE/vmlinux-00000000deadbeef00000000deadbeef00000000-0123456789abcdef-v2.btf
okern1=$CACHE/vmlinux-1111111111111111111111111111111111111111-0123456789abcdef-v1.btf
recent=$CACHE/vmlinux-$kid-0123456789abcdef-v2.btf
stale=$CACHE/vmlinux-$kid-fedcba9876543210-v2.btf
tmpold=$CACHE/.tmp-4242.btf
tmpnew=$CACHE/.tmp-0123456789abcdef.btf
plink=$CACHE/vmlinux-2222222222222222222222222222222222222222-0123456789abcdef-v2.btf
nonroot=$CACHE/vmlinux-3333333333333333333333333333333333333333-0123456789abcdef-v2.btf
pdir=$CACHE/vmlinux-4444444444444444444444444444444444444444-0123456789abcdef-v2.btf
notours=$CACHE/notes.btf
for f in "$okern" "$okern1" "$recent" "$stale" "$tmpold" "$tmpnew" "$nonroot" "$notours"; do
	cp "$T/good.btf" "$f"
done
cp "$T/good.btf" "$T/linktarget.btf"
ln -s "$T/linktarget.btf" "$plink"
mkdir "$pdir"
chown 65534 "$nonroot"
touch -d '1 day ago' "$okern"
touch -d '30 days ago' "$okern1" "$nonroot" "$notours" "$T/linktarget.btf" "$pdir"
touch -h -d '30 days ago' "$plink"
touch -d '6 days ago' "$recent"
touch -d '8 days ago' "$stale"
touch -d '2 hours ago' "$tmpold"
# A start with the file: it is used and nothing is pruned.
count_run pruneuse 'used '
check_eq "nothing pruned while only reading" 11 "$(ls -A "$CACHE" | wc -l)"
# Written: four go.
rm -f "$FILE"
count_run prune 'made .*removed 4 files of other kernels or builds'
check_true "written file = first made" cmp -s "$FILE" "$T/good.btf"
for f in "$okern" "$okern1" "$stale" "$tmpold"; do
	check_true "pruned: ${f##*/}" test ! -e "$f" -a ! -L "$f"
done
for f in "$recent" "$tmpnew" "$nonroot" "$notours"; do
	check_true "kept: ${f##*/}" test -f "$f" -a ! -L "$f"
done
check_true "kept: the link" test -L "$plink"
check_true "kept: the link's target" cmp -s "$T/linktarget.btf" "$T/good.btf"
check_true "kept: the directory" test -d "$pdir"
check_eq "the other build's recent file untouched (mtime)" \
	"$(date -d '6 days ago' +%Y-%m-%d)" "$(date -r "$recent" +%Y-%m-%d)"
rm -rf "$recent" "$tmpnew" "$plink" "$nonroot" "$pdir" "$notours"
check_eq "only the file left" "$base" "$(ls -A "$CACHE")"

# A file in use is touched (at most once a day), so another build's
# pruning spares it: three days old before the start, today's after.
touch -d '3 days ago' "$FILE"
count_run touched 'used '
check_true "file in use touched ($(date -r "$FILE"))" \
	test "$(($(date +%s) - $(stat -c %Y "$FILE")))" -lt 600
check_true "touched file unchanged" cmp -s "$FILE" "$T/good.btf"

# --- two first starts at once -------------------------------------------------
# Each in a PID namespace of its own, where both are pid 1 (the name a
# temporary file of .tmp-PID would share): both attach, count exactly
# (-d: they end by themselves), make the file; one good file is left and no
# temporary one. Whether the two writes overlap is up to the scheduler, so
# strace also shows the names renamed into place: two writers, two names.
if unshare --pid --fork true 2>/dev/null; then
	PIDNS=(unshare --pid --fork)
else
	PIDNS=()
	log "no PID namespaces here: the two starts share one"
fi
rm -f "$CACHE"/* "$CACHE"/.tmp-*
declare -A CPID=()
for r in 1 2; do
	rm -f "$T/conc$r.ready" "$T/conc$r.strace"
	st=()
	# (LeakSanitizer cannot run under ptrace: test 101.)
	command -v strace >/dev/null &&
		st=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
			strace -f -qq -e trace=renameat,renameat2 -o "$T/conc$r.strace")
	"${DS_ENV[@]}" "${st[@]}" "${PIDNS[@]}" "$DROPSCOPE" -v -d 5 --backend="$BACKEND" \
		--netns "/run/netns/$NS" --ready-file "$T/conc$r.ready" \
		>"$T/conc$r.out" 2>"$T/conc$r.err" &
	CPID[$r]=$!
	PIDS+=("${CPID[$r]}")
done
for ((i = 0; i < 100; i++)); do
	[[ -e $T/conc1.ready && -e $T/conc2.ready ]] && break
	sleep 0.1
done
check_true "both concurrent starts ready" test -e "$T/conc1.ready" -a -e "$T/conc2.ready"
v0=$(snmp "$NS" UdpNoPorts)
nsx "$NS" "$UDPSEND" -n 31 127.0.0.1 9 >/dev/null || fail "udpsend"
v=$(($(snmp "$NS" UdpNoPorts) - v0))
check_eq "concurrent: UdpNoPorts delta" 31 "$v"
made=0
for r in 1 2; do
	wait "${CPID[$r]}"
	check_eq "concurrent $r: exit status" 0 "$?" || show "$T/conc$r.err"
	check_eq "concurrent $r: counted" "$v" "$(ds_total "$T/conc$r.out")" || show "$T/conc$r.out"
	check_true "concurrent $r: made or used the file ($(cache_note "conc$r"))" \
		grep -Eq 'BTF cache: (made|used) ' "$T/conc$r.err"
	grep -q 'BTF cache: made' "$T/conc$r.err" && made=$((made + 1))
done
log "concurrent first starts: $made of 2 made the file"
if [[ $made == 2 && -s $T/conc1.strace && -s $T/conc2.strace ]]; then
	tmps=$(cat "$T/conc1.strace" "$T/conc2.strace" |
		sed -nE 's/.*renameat2?\([0-9]+, "([^"]+)", [0-9]+, "vmlinux-.*/\1/p' | sort -u | paste -sd' ')
	check_true "concurrent: two temporary names, not pid-derived ($tmps)" \
		bash -c "[[ '$tmps' =~ ^\.tmp-[0-9a-f]{16}\.btf\ \.tmp-[0-9a-f]{16}\.btf$ ]]"
fi
check_eq "concurrent: exactly one file, no temporary one" "$base" "$(ls -A "$CACHE")"
check_true "concurrent: the file is good" cmp -s "$FILE" "$T/good.btf"

# --btf FILE relocates; -v says the cache only gives tp_btf's target ids
# (it said "used FILE" as if it relocated). Counts exactly.
count_run btfgiven "--btf FILE relocates; only tp_btf's target ids from the minimized BTF: used " \
	--btf /sys/kernel/btf/vmlinux

# No cache at all under --no-btf-cache: nothing made.
rm -f "$FILE"
count_run off 'off' --no-btf-cache
check_eq "nothing made under --no-btf-cache" "" "$(ls "$CACHE")"
finish
