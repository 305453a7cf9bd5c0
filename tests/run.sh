#!/usr/bin/env bash
# Runs the test stages named on the command line and then prints one
# closing line "N passed, N failed, N skipped" for all of them, so that a
# run which executed nothing is visible.
#
#   --unit         cmocka binaries $BUILD/test_*
#   --integration  tests/integration/NN-*.sh, once per backend in $BACKENDS,
#                  against $DROPSCOPE with the helpers in $BUILD/tools
#   --build        tests/build/*.sh, once (they build copies of the tree)
#   --san          unit and integration again from the ASan+UBSan build in
#                  $SAN_BUILD, backends $SAN_BACKENDS
#   --fuzz         each libFuzzer harness $FUZZ_BUILD/fuzz_* for
#                  $FUZZ_SECONDS on its corpus tests/fuzz/corpus/NAME
#   --matrix       tests/matrix/run.sh: other Debian kernels under qemu; its
#                  passes and failures join the closing line
#   --sanitized    $BUILD and $DROPSCOPE are a sanitizer build: any report
#                  fails the test
#   NAME...        only these tests: an integration test by its number or
#                  name (03, 03-nft-drop, nft-drop), a unit binary by its
#                  name (test_keys), or one cmocka case of it (test_keys:
#                  test_by_parse; * and ? wildcards). With names, the stages
#                  run only where a name matched.
#
# No stage named: --unit --integration.
set -u
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
DROPSCOPE=${DROPSCOPE:-$PWD/dropscope}
BACKENDS=${BACKENDS:-tp_btf raw_tp tracepoint}
SAN_BUILD=${SAN_BUILD:-build-san}
# tp_btf and tracepoint: raw_tp takes the same user-space paths as tp_btf.
SAN_BACKENDS=${SAN_BACKENDS:-tp_btf tracepoint}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}

passed=0 failed=0 skipped=0
failures=()
stages=()
names=()
sanitized=0
for a in "$@"; do
	case $a in
	--unit | --integration | --build | --san | --fuzz | --matrix) stages+=("${a#--}") ;;
	--sanitized) sanitized=1 ;;
	-*) echo "usage: $0 [--unit] [--integration] [--build] [--san] [--fuzz] [--matrix] [--sanitized] [NAME...]" >&2
	   exit 2 ;;
	*) names+=("$a") ;;
	esac
done
[ ${#stages[@]} -gt 0 ] || stages=(unit integration)

# named FILE: is this test one of the names given (all are, with none)?
# For a unit binary, prints the cmocka case pattern given with it, if any.
named() {
	local base n
	base=$(basename "$1" .sh)
	[ ${#names[@]} = 0 ] && return 0
	for n in "${names[@]}"; do
		case $base in
		test_*) [ "${n%%:*}" = "$base" ] && { [ "$n" != "${n#*:}" ] && echo "${n#*:}"; return 0; } ;;
		*) case $base in "$n" | "$n"-* | [0-9][0-9]-"$n") return 0 ;; esac ;;
		esac
	done
	return 1
}
if [ ${#names[@]} -gt 0 ]; then
	for n in "${names[@]}"; do
		found=0
		for t in tests/integration/[0-9]*.sh "$BUILD"/test_*; do
			[ -f "$t" ] || continue
			case $t in *.d) continue ;; esac
			saved=("${names[@]}"); names=("$n")
			named "$t" >/dev/null && found=1
			names=("${saved[@]}")
		done
		[ $found = 1 ] || { echo "$0: no test is named '$n' (tests/integration/NN-NAME.sh, $BUILD/test_NAME[:CASE])" >&2; exit 2; }
	done
fi

# Any sanitizer report ends the process with an error, so the test fails.
# LeakSanitizer cannot run under ptrace: a test that straces the tool
# turns detect_leaks off for that one run.
sanitizer_env() {
	export ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:exitcode=99:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=99
}

# run_unit DIR [TAG]
run_unit() {
	local dir=$1 tag=${2:-} bin out p f rc filter
	for bin in "$dir"/test_*; do
		[ -x "$bin" ] || continue
		filter=$(named "$bin") || continue
		out=$("$bin" ${filter:+"$filter"} 2>&1)
		rc=$?
		echo "$out"
		# cmocka's summary: "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s), listed below:"
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -n 1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -n 1)
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0}))
		if [ -z "$p" ] && [ -z "$f" ]; then
			# A binary that crashed before its summary counts as one failure.
			failed=$((failed + 1))
			failures+=("$bin$tag (no cmocka summary)")
		elif [ "${f:-0}" != 0 ]; then
			failures+=("$bin$tag")
		elif [ $rc != 0 ] || grep -qE '^(==[0-9]+==ERROR|SUMMARY: (Address|Undefined|Leak)Sanitizer)|runtime error:' <<<"$out"; then
			# A report after the summary (a leak at exit) still fails.
			failed=$((failed + 1))
			failures+=("$bin$tag (exit $rc after its summary, or a sanitizer report)")
		fi
	done
}

# run_one NAME LOG CMD...: one test script; exit 0 pass, 77 skip, else fail.
run_one() {
	local name=$1 lg=$2 rc
	shift 2
	"$@" >"$lg" 2>&1
	rc=$?
	case $rc in
	0) passed=$((passed + 1)); echo "PASS $name" ;;
	77) skipped=$((skipped + 1)); echo "SKIP $name: $(tail -n 1 "$lg")" ;;
	*) failed=$((failed + 1)); failures+=("$name"); echo "FAIL $name (exit $rc)"
	   sed 's/^/    /' "$lg" | tail -n 30 ;;
	esac
}

# run_integration DIR DROPSCOPE BACKENDS [TAG]
run_integration() {
	local dir=$1 ds=$2 backends=$3 tag=${4:-} t b base log=$1/test-logs
	mkdir -p "$log"
	for t in tests/integration/[0-9]*.sh; do
		[ -f "$t" ] || continue
		named "$t" || continue
		base=$(basename "$t" .sh)
		for b in $backends; do
			run_one "$base [$b]$tag" "$log/$base-$b.log" \
				env BACKEND="$b" DROPSCOPE="$ds" TOOLS="$PWD/$dir/tools" \
				timeout 300 bash "$t"
		done
	done
}

run_build() {
	local t log=$BUILD/test-logs
	mkdir -p "$log"
	for t in tests/build/[0-9]*.sh; do
		[ -f "$t" ] || continue
		run_one "build/$(basename "$t" .sh)" "$log/build-$(basename "$t" .sh).log" \
			timeout 900 bash "$t"
	done
}

# Every harness on a scratch copy of its corpus (new inputs stay out of the
# tree); a crash, leak, timeout or sanitizer report is a failure, and the
# input that did it is kept in $FUZZ_BUILD/artifacts.
run_fuzz() {
	local bin name corpus work lg rc t0 start=$SECONDS n=0
	mkdir -p "$FUZZ_BUILD/artifacts" "$FUZZ_BUILD/logs"
	for bin in "$FUZZ_BUILD"/fuzz_*; do
		[ -x "$bin" ] || continue
		name=${bin##*/fuzz_}
		corpus=tests/fuzz/corpus/$name
		work=$(mktemp -d "/tmp/dsfuzz-$name.XXXXXX") || return
		lg=$FUZZ_BUILD/logs/$name.log
		t0=$SECONDS
		# -close_fd_mask=3: the parsers' own messages are noise here;
		# libFuzzer and the sanitizers keep a copy of stderr for theirs.
		"$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
			-max_len=65536 -close_fd_mask=3 -print_final_stats=1 \
			-artifact_prefix="$FUZZ_BUILD/artifacts/$name-" "$work" "$corpus" >"$lg" 2>&1
		rc=$?
		rm -rf "$work"
		n=$((n + 1))
		if [ $rc = 0 ]; then
			passed=$((passed + 1))
			echo "PASS fuzz/$name ($((SECONDS - t0)) s, $(sed -n 's/^stat::number_of_executed_units: *//p' "$lg") runs)"
		else
			failed=$((failed + 1))
			failures+=("fuzz/$name (see $lg)")
			echo "FAIL fuzz/$name (exit $rc)"
			grep -E 'ERROR|SUMMARY|runtime error|Test unit written|^    #[0-9]' "$lg" | head -n 30 | sed 's/^/    /'
		fi
	done
	[ $n -gt 0 ] || { failed=$((failed + 1)); failures+=("fuzz (no harness in $FUZZ_BUILD)"); }
	echo "fuzz: $n harnesses, $FUZZ_SECONDS s each, $((SECONDS - start)) s in all"
}

# The kernel matrix prints its own table and tally; the tally joins ours
# (shown with a prefix, so the closing line below stays the only one).
run_matrix() {
	local lg=$BUILD/test-logs/matrix.log p f
	mkdir -p "$BUILD/test-logs"
	# The matrix builds its own static binary: not the one under test here.
	env -u DROPSCOPE timeout 2400 bash tests/matrix/run.sh >"$lg" 2>&1
	sed '$!s/^/    /; $s/^/matrix: /' "$lg" | grep -v '^    $' | tail -n 30
	p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$lg" | tail -n 1)
	f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$lg" | tail -n 1)
	if [ -z "$p" ]; then
		failed=$((failed + 1))
		failures+=("matrix (no tally; see $lg)")
		return
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" = 0 ] || failures+=("matrix: $f (see $lg)")
}

[ $sanitized = 1 ] && sanitizer_env
for s in "${stages[@]}"; do
	case $s in
	unit) run_unit "$BUILD" ;;
	integration) run_integration "$BUILD" "$DROPSCOPE" "$BACKENDS" ;;
	build) run_build ;;
	san)
		sanitizer_env
		run_unit "$SAN_BUILD" " [san]"
		run_integration "$SAN_BUILD" "$PWD/$SAN_BUILD/dropscope" "$SAN_BACKENDS" " [san]"
		[ $sanitized = 1 ] || unset ASAN_OPTIONS UBSAN_OPTIONS ;;
	fuzz) run_fuzz ;;
	matrix) run_matrix ;;
	esac
done

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ $((passed + failed)) -gt 0 ]
