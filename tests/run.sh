#!/usr/bin/env bash
# Runs the unit tests (cmocka binaries build/test_*) and the integration
# cases (tests/integration/NN-*.sh, once per backend), then prints one
# closing line "N passed, N failed[, N skipped]" so that a run which
# executed nothing is visible.
set -u
cd "$(dirname "$0")/.."

mode=${1:-all}
passed=0 failed=0 skipped=0
failures=()
log=build/test-logs
mkdir -p "$log"

run_unit() {
	local bin out p f
	for bin in build/test_*; do
		[ -x "$bin" ] || continue
		out=$("$bin" 2>&1)
		echo "$out"
		# cmocka's summary: "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s), listed below:"
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -n 1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -n 1)
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0}))
		if [ -z "$p" ] && [ -z "$f" ]; then
			# A binary that crashed before its summary counts as one failure.
			failed=$((failed + 1))
			failures+=("$bin (no cmocka summary)")
		elif [ "${f:-0}" != 0 ]; then
			failures+=("$bin")
		fi
	done
}

run_integration() {
	local t b name rc
	local backends=${BACKENDS:-tp_btf raw_tp tracepoint}
	for t in tests/integration/[0-9]*.sh; do
		[ -f "$t" ] || continue
		for b in $backends; do
			name="$(basename "$t" .sh) [$b]"
			BACKEND=$b DROPSCOPE=$PWD/dropscope TOOLS=$PWD/build/tools \
				timeout 300 bash "$t" >"$log/$(basename "$t" .sh)-$b.log" 2>&1
			rc=$?
			case $rc in
			0) passed=$((passed + 1)); echo "PASS $name" ;;
			77) skipped=$((skipped + 1)); echo "SKIP $name: $(tail -n 1 "$log/$(basename "$t" .sh)-$b.log")" ;;
			*) failed=$((failed + 1)); failures+=("$name"); echo "FAIL $name (exit $rc)"
			   sed 's/^/    /' "$log/$(basename "$t" .sh)-$b.log" | tail -n 30 ;;
			esac
		done
	done
}

case $mode in
--unit) run_unit ;;
--integration) run_integration ;;
*) run_unit; run_integration ;;
esac

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ $((passed + failed)) -gt 0 ]
