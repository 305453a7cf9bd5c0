# shellcheck shell=bash
# Helpers for the `dropscope diagnose` tests (9N-diagnose-*.sh), on top of
# lib.sh (sourced here; its EXIT trap removes every namespace and process
# registered). The tests are not about the backend: each runs once, with
# tp_btf.
#
# A test makes its namespaces, starts the processes whose sockets the
# report must name (dg_hold: they keep their socket until told to let go),
# starts `dropscope diagnose --json` in the background (dg_start: it waits
# for the ready file), makes the drops, waits for the run to end by itself
# (dg_end) and only then lets the processes go, because diagnose reads its
# evidence at the end of its window. Every expected value comes from what
# the test did or from the kernel's own tools (nstat, ss, tc, nft, ip,
# sysctl, /proc), never from the report. DG_KEEP=DIR keeps each report
# there as TEST-TAG.json.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $BACKEND == tp_btf ]] || skip "not about the backend: runs once, with tp_btf"

DIAG_SECONDS=${DIAG_SECONDS:-3}
DG_KEEP=${DG_KEEP:-}

# dg_start TAG NS [ARGS...]: `dropscope diagnose --netns /run/netns/NS
# --json -d $DIAG_SECONDS ARGS` in the background, its JSON in $T/TAG.json;
# returns once it has written its ready file (10 s at most).
dg_start()
{
	local tag=$1 ns=$2
	shift 2
	ds_launch "$tag" "$T/$tag.json" diagnose --netns "/run/netns/$ns" --json \
		-d "$DIAG_SECONDS" "$@"
}

# dg_in_window TAG: the drops were all made while diagnose was still
# watching (a slow machine could otherwise let them straddle its end).
dg_in_window()
{
	check_true "the drops were made within the $DIAG_SECONDS s window" kill -0 "${DSPID[$1]}"
}

# dg_end TAG NS: wait (DIAG_SECONDS + 20 s at most) for it to end by
# itself, then check it exited 0 with one JSON object whose duration_s is
# DIAG_SECONDS, whose netns is the argument and whose findings are an
# array. Returns 1 if the output cannot be used.
dg_end()
{
	local tag=$1 ns=$2 out=$T/$1.json
	if ! ds_wait_exit "$tag" $((DIAG_SECONDS + 20)); then
		fail "diagnose ($tag) still running $((DIAG_SECONDS + 20)) s after it started: killed"
		show "$T/$tag.err" 20
		return 1
	fi
	check_eq "diagnose ($tag): exit status" 0 "${DSRC[$tag]}" || show "$T/$tag.err" 20
	if ! check_true "diagnose ($tag): one JSON object with a findings array" \
		jq -e -s 'length == 1 and (.[0].findings | type == "array")' "$out" >/dev/null; then
		show "$out"
		show "$T/$tag.err" 20
		return 1
	fi
	check_eq "diagnose ($tag): duration_s" true \
		"$(jq --argjson d "$DIAG_SECONDS" '.duration_s == $d' "$out")"
	check_eq "diagnose ($tag): netns" "/run/netns/$ns" "$(jq -r '.netns' "$out")"
	log "diagnose ($tag) findings: $(jq -c '[.findings[] | [.source, .name, .count]]' "$out")"
	# DG_KEEP=DIR keeps the reports for a look after the run
	[[ -n ${DG_KEEP:-} ]] && cp "$out" "$DG_KEEP/$TEST_NAME-$tag.json"
	return 0
}

# dg_hold TAG NS TOOL ARGS...: start a tool that holds a socket for the
# test (udprecv, tcplisten) in NS as `TOOL -r READY -w GO ARGS`, its stdout
# in $T/TAG.out; wait (10 s at most) for its ready file. Sets HOLDPID to
# its pid (ip netns exec execs the tool: the same process). The tool stays
# until dg_release TAG (or its own -t timeout, or the EXIT trap).
dg_hold()
{
	local tag=$1 ns=$2 i
	shift 2
	rm -f "$T/$tag.ready" "$T/$tag.go"
	ip netns exec "$ns" "$1" -r "$T/$tag.ready" -w "$T/$tag.go" "${@:2}" \
		>"$T/$tag.out" 2>"$T/$tag.err" &
	HOLDPID=$!
	PIDS+=("$HOLDPID")
	for ((i = 0; i < 100; i++)); do
		[[ -s $T/$tag.ready ]] && return 0
		if ! kill -0 "$HOLDPID" 2>/dev/null; then
			die "$tag: $* exited before it was ready: $(cat "$T/$tag.err")"
		fi
		sleep 0.1
	done
	die "$tag: $* not ready after 10 s"
}

# dg_release TAG PID: let the tool go on and wait (10 s at most) for it to
# exit; its exit status must be 0.
dg_release()
{
	local tag=$1 pid=$2 i
	: >"$T/$tag.go"
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid"
	check_eq "$tag: exit status" 0 $? || show "$T/$tag.err" 10
}

# dg_select TAG FILTER: the findings of $T/TAG.json that FILTER (a jq
# condition on one finding) selects, as one compact JSON array.
dg_select()
{
	jq -c "[.findings[] | select($2)]" "$T/$1.json"
}

# dg_one WHAT JSONARRAY: check the array holds exactly one finding and set
# FIND to it (else FIND is {} and the checks on it fail).
dg_one()
{
	FIND=$(jq -c 'if length == 1 then .[0] else {} end' <<<"$2")
	check_eq "$1: exactly one such finding" 1 "$(jq length <<<"$2")"
}

# fv [JQ OPTIONS] JQEXPR: JQEXPR applied to FIND, raw output.
fv()
{
	jq -r "$@" <<<"$FIND"
}

# netns_inode NS: the namespace's inode as the kernel says (stat).
netns_inode()
{
	stat -L -c %i "/run/netns/$1"
}

# nsysctl NS NAME: a sysctl as read inside the namespace.
nsysctl()
{
	nsx "$1" sysctl -n "$2"
}

# dg_check_total WHAT EXPECTED: the report's counts add up to the drops
# the test made. The namespaces are private, so anything more is a leak
# or the same drops told twice: a counter that sees the drops of a
# finding belongs in that finding's reconcile, not in a finding of its own.
dg_check_total()
{
	check_eq "$1: the findings add up to the drops made" "$2" \
		"$(jq '[.findings[].count] | add // 0' "$T/main.json")" ||
		log "findings: $(jq -c '[.findings[] | [.source, .name, .count, .known]]' "$T/main.json")"
}

# snmp_all NS FILE: every SNMP counter of the namespace (nstat -asz) to FILE.
snmp_all()
{
	nsx "$1" nstat -asz 2>/dev/null | awk '!/^#/ { print $1, $2 }' >"$2"
}

# snmp_delta FILE0 FILE1 NAME[+NAME...]: the growth of the sum of those
# counters between two snmp_all files.
snmp_delta()
{
	awk -v names="$3" 'BEGIN { n = split(names, l, "+"); for (i = 1; i <= n; i++) want[l[i]] = 1 }
		FNR == NR { if ($1 in want) s0 += $2; next }
		($1 in want) { s1 += $2 }
		END { print s1 - s0 }' "$1" "$2"
}

# dg_check_common WHAT NS: what every finding of FIND must have: known,
# a why, a kernel_source, rate_per_s = count / DIAG_SECONDS (to 0.1), and
# every "change" entry whose knob is a sysctl shows that sysctl's value as
# read in NS.
dg_check_common()
{
	local what=$1 ns=$2 knob value
	check_eq "$what: known" true "$(fv '.known')"
	check_true "$what: why is a sentence" test "$(fv '.why | type == "string" and length > 10')" = true
	check_true "$what: kernel_source named" \
		test "$(fv '.kernel_source | type == "string" and length > 0')" = true
	check_true "$what: rate_per_s = count / $DIAG_SECONDS s" test "$(jq --argjson d "$DIAG_SECONDS" \
		'((.rate_per_s // -1) - (.count // 0) / $d) | fabs < 0.1' <<<"$FIND")" = true
	while IFS=$'\t' read -r knob value; do
		[[ -n $knob ]] || continue
		if [[ $knob =~ ^net\.[a-z0-9_.]+$ ]] && nsysctl "$ns" "$knob" >/dev/null 2>&1; then
			check_eq "$what: change $knob shows its value" "$(nsysctl "$ns" "$knob")" "$value"
		fi
	done < <(fv '.change[]? | [.knob, (.value | tostring)] | @tsv')
}
