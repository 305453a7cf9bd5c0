#!/usr/bin/env bash
# Build-system test, run once by tests/run.sh --build, on a copy of the
# sources in a temporary directory (the tree being tested is not touched):
#  - `make STATIC=1` after `make` relinks ./dropscope statically, `make`
#    after that relinks it dynamically (without recompiling), and back;
#  - a command-line CFLAGS (as dpkg-buildflags passes it) is added to the
#    flags the build needs instead of replacing them, and a change of
#    CFLAGS rebuilds; `make CFLAGS='-O1 -fsanitize=address'` builds;
#  - CPPFLAGS and LDFLAGS reach the compile and link lines.
# Exit 0 pass, 1 fail, 77 skip.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
# Run from `make check`: the outer make's variables and jobserver stay out.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
command -v file >/dev/null || { echo "SKIP: file(1) is not installed"; exit 77; }
W=$(mktemp -d /tmp/dsbuild.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT
cp -r "$SRC/Makefile" "$SRC/src" "$W/" || exit 1

FAILS=0 CHECKS=0
ok() { echo "ok: $*"; }
fail() { FAILS=$((FAILS + 1)); echo "FAIL: $*"; }
check() {
	local what=$1
	shift
	CHECKS=$((CHECKS + 1))
	if "$@"; then ok "$what"; else fail "$what"; fi
}
# m ARGS...: make in the copy; its output goes to $W/last.log.
m() {
	make -C "$W" --no-print-directory -j2 "$@" >"$W/last.log" 2>&1
	local rc=$?
	cat "$W/last.log" >>"$W/all.log"
	[ $rc = 0 ] || { echo "make $* failed:"; tail -n 20 "$W/last.log"; }
	return $rc
}
kind() { file -b "$W/dropscope" | grep -oE 'statically linked|dynamically linked'; }
is_kind() { [ "$(kind)" = "$1 linked" ]; }
compiled() { grep -cE -- ' -c src/[a-z]+/[a-z_]+\.c ' "$W/last.log"; }

check "make builds ./dropscope" m dropscope
check "first build is dynamically linked" is_kind dynamically
check "make STATIC=1 after make" m dropscope STATIC=1
check "... relinks ./dropscope statically ($(kind))" is_kind statically
check "make after make STATIC=1" m dropscope
check "... relinks ./dropscope dynamically ($(kind))" is_kind dynamically
check "... without recompiling (compiled $(compiled))" test "$(compiled)" = 0
check "make STATIC=1 once more" m dropscope STATIC=1
check "... is static again ($(kind))" is_kind statically
check "make STATIC=1 again does nothing" make -C "$W" -q dropscope STATIC=1

check "make CFLAGS='-O1 -g'" m dropscope CFLAGS='-O1 -g'
check "... recompiles every object with the new flags" \
	test "$(grep -cE -- '-Isrc .* -O1 -g .*-c src/' "$W/last.log")" = "$(ls "$SRC"/src/*/*.c | grep -vc '\.bpf\.c$')"
check "... and links dynamically again ($(kind))" is_kind dynamically
check "... and the result runs" "$W/dropscope" --version
check "make CFLAGS='-O1 -g' again is up to date" make -C "$W" -q dropscope CFLAGS='-O1 -g'
check "make CFLAGS='-O1 -fsanitize=address'" m dropscope CFLAGS='-O1 -fsanitize=address'
check "... is an ASan binary" grep -q __asan_init < <(nm -D "$W/dropscope" 2>/dev/null; nm "$W/dropscope" 2>/dev/null)
check "... that runs" env ASAN_OPTIONS=detect_leaks=0 "$W/dropscope" --version

# dpkg-buildflags passes all three; each must arrive, beside the build's own.
make -C "$W" --no-print-directory -B -n dropscope CFLAGS=-O2 CPPFLAGS=-DDS_CPP_PROBE \
	LDFLAGS=-Wl,-z,now >"$W/dry.log" 2>&1
n_cc=$(grep -cE -- ' -c src/[a-z]+/[a-z_]+\.c ' "$W/dry.log")
check "CPPFLAGS on every compile line ($n_cc)" \
	test "$n_cc" -gt 0 -a "$(grep -E -- ' -c src/[a-z]+/[a-z_]+\.c ' "$W/dry.log" | grep -- '-DDS_CPP_PROBE' | grep -c -- '-Isrc')" = "$n_cc"
check "LDFLAGS on the link line" grep -qE -- '-Wl,-z,now .*-o dropscope$' "$W/dry.log"

echo "$CHECKS checks, $FAILS failed"
[ $FAILS = 0 ] || { echo "--- make output"; tail -n 40 "$W/all.log"; exit 1; }
exit 0
