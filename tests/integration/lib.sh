# shellcheck shell=bash
# Shared helpers for the integration tests. Sourced by every
# tests/integration/NN-name.sh, which the runner starts as
#
#   BACKEND=tp_btf|raw_tp|tracepoint DROPSCOPE=$PWD/dropscope \
#   TOOLS=$PWD/build/tools bash tests/integration/NN-name.sh
#
# from the repository root. Exit status: 0 pass, 1 fail, 77 skip.
#
# Everything a test creates (network namespaces dstest-$$-*, processes it
# started, a tracefs instance, a tracefs mount, file systems it mounted
# (MOUNTS), temporary files) is
# registered here and removed by the EXIT trap, also when the test fails
# or is interrupted. Processes are only ever killed by their saved pid.

set -u

BACKEND=${BACKEND:-tp_btf}
DROPSCOPE=${DROPSCOPE:-$PWD/dropscope}
TOOLS=${TOOLS:-$PWD/build/tools}
TEST_NAME=$(basename "$0" .sh)

FAILS=0
CHECKS=0
NAMESPACES=()
PIDS=()
CGROUPS=() # directories a test made in the cgroup v2 tree, removed at exit
MOUNTS=()  # mount points a test mounted something on, unmounted at exit
declare -A DSPID=() # tag -> pid of a running dropscope
declare -A DSRC=()  # tag -> exit status once stopped
TRACE_INSTANCE=""
TRACE_TRIGGER=""
TRACEFS_MOUNTED=""
TRACEFS=/sys/kernel/tracing
DS_ENV=()
if env --default-signal=INT true 2>/dev/null; then
	DS_ENV=(env --default-signal=INT,QUIT)
fi

T=$(mktemp -d /tmp/dstest.XXXXXX) || exit 1
# dropscope's BTF cache (--no-btf-cache) in the test's own directory: a test
# never touches the machine's /var/cache, and each test starts without one.
export DROPSCOPE_BTF_CACHE_DIR=$T/btfcache

log()
{
	printf '[%s/%s] %s\n' "$TEST_NAME" "$BACKEND" "$*"
}

skip()
{
	log "SKIP: $*"
	exit 77
}

fail()
{
	FAILS=$((FAILS + 1))
	log "FAIL: $*"
}

die()
{
	fail "$*"
	exit 1
}

ok()
{
	log "ok: $*"
}

# End of a test: exit 0 when every check passed, 1 otherwise.
finish()
{
	if ((FAILS)); then
		log "FAILED: $FAILS of $CHECKS checks"
		exit 1
	fi
	log "PASS: $CHECKS checks"
	exit 0
}

# check_eq WHAT EXPECTED GOT
check_eq()
{
	CHECKS=$((CHECKS + 1))
	if [[ "$2" == "$3" ]]; then
		ok "$1: $3"
		return 0
	fi
	fail "$1: expected '$2', got '$3'"
	return 1
}

# check_true WHAT COMMAND... (the command's status decides)
check_true()
{
	local what=$1
	shift
	CHECKS=$((CHECKS + 1))
	if "$@"; then
		ok "$what"
		return 0
	fi
	fail "$what"
	return 1
}

# Show a file in the log, indented (for failure evidence).
show()
{
	local f=$1 max=${2:-40}
	log "--- $f (first $max lines)"
	head -n "$max" "$f" | sed 's/^/    | /'
}

cleanup()
{
	local rc=$? pid i ns
	trap - EXIT INT TERM
	for pid in "${PIDS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null
			for ((i = 0; i < 30; i++)); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			kill -KILL "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
		fi
	done
	if [[ -n $TRACE_INSTANCE && -d $TRACE_INSTANCE ]]; then
		echo 0 >"$TRACE_INSTANCE/events/skb/kfree_skb/enable" 2>/dev/null
		[[ -n $TRACE_TRIGGER ]] &&
			echo '!stacktrace' >"$TRACE_INSTANCE/events/skb/kfree_skb/trigger" 2>/dev/null
		rmdir "$TRACE_INSTANCE" 2>/dev/null || log "warning: could not remove $TRACE_INSTANCE"
	fi
	if [[ -n $TRACEFS_MOUNTED ]]; then
		umount "$TRACEFS_MOUNTED" 2>/dev/null || log "warning: could not unmount $TRACEFS_MOUNTED"
	fi
	for ns in "${NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${MOUNTS[i]}" 2>/dev/null || log "warning: could not unmount ${MOUNTS[i]}"
	done
	for ((i = ${#CGROUPS[@]} - 1; i >= 0; i--)); do
		rmdir "${CGROUPS[i]}" 2>/dev/null || log "warning: could not remove ${CGROUPS[i]}"
	done
	rm -rf "$T"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Preconditions shared by all tests. Extra arguments are commands the test
# needs; a missing one skips it.
require()
{
	local c
	[[ $(id -u) == 0 ]] || skip "needs root"
	case $BACKEND in
	tp_btf | raw_tp | tracepoint) ;;
	*) die "unknown BACKEND '$BACKEND'" ;;
	esac
	[[ -x $DROPSCOPE ]] || die "DROPSCOPE=$DROPSCOPE is not an executable (run make first)"
	for c in ip "$@"; do
		command -v "$c" >/dev/null || skip "$c is not installed"
	done
}

# tool NAME: path of a helper from tests/tools, or die.
tool()
{
	[[ -x $TOOLS/$1 ]] || die "$TOOLS/$1 missing (make build/tools/$1)"
	printf '%s\n' "$TOOLS/$1"
}

# ns_new SUFFIX: create namespace dstest-$$-SUFFIX with lo up; prints its name.
# New interfaces in it start with IPv6 off (no DAD/RS/MLD noise on veths);
# lo keeps ::1. Call as: NS=$(ns_new a) || exit 1 -- but a subshell cannot
# register the cleanup, so use ns_add instead, which sets a variable.
ns_add()
{
	ns_add_named "$1" "dstest-$$-$2"
}

# ns_add_named VAR NAME: ns_add with the namespace's whole NAME: create it
# (lo up, IPv6 off on interfaces created later), register it for the EXIT
# trap and set VAR to NAME.
ns_add_named()
{
	local var=$1 name=$2
	ip netns add "$name" || die "ip netns add $name failed"
	NAMESPACES+=("$name")
	ip -n "$name" link set lo up || die "lo up in $name failed"
	ip netns exec "$name" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 ||
		die "sysctl in $name failed"
	printf -v "$var" '%s' "$name"
}

# nsx NS CMD...: run a command inside a namespace.
nsx()
{
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# veth_add NS1 IF1 NS2 IF2: a veth pair with IF1 in NS1, IF2 in NS2, both up.
veth_add()
{
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || die "veth $2/$4 failed"
	ip -n "$1" link set "$2" up || die "link up $2 failed"
	ip -n "$3" link set "$4" up || die "link up $4 failed"
}

# mac_of NS IF
mac_of()
{
	ip -n "$1" -j link show "$2" | jq -r '.[0].address'
}

# snmp NS COUNTER: absolute value of a /proc/net/{snmp,snmp6,netstat}
# counter as nstat names it (UdpNoPorts, Udp6NoPorts, IpExtInCsumErrors...),
# read inside the namespace, without touching nstat's history file.
snmp()
{
	local v
	v=$(ip netns exec "$1" nstat -asz "$2" 2>/dev/null | awk -v n="$2" '$1 == n { print $2 }')
	printf '%s\n' "${v:-0}"
}

# ds_start TAG ARGS...: start dropscope --backend=$BACKEND ARGS, stdout to
# $T/TAG.out, stderr to $T/TAG.err, and wait (10 s at most) until it has
# written its ready file. Returns 1 (after recording a failure) if it exits
# or does not get ready.
ds_start()
{
	local tag=$1
	shift
	ds_launch "$tag" "$T/$tag.out" "" "$@"
}

# ds_launch TAG OUT MODE ARGS...: start `dropscope [MODE] --backend=$BACKEND
# ARGS` (MODE "" for the summary mode, "events" for events mode) with
# stdout to OUT and stderr to $T/TAG.err, register it as TAG for ds_stop /
# ds_wait_exit and the EXIT trap, and wait (10 s at most) until it has
# written its ready file. Returns 1 (after recording a failure) if it exits
# or does not get ready. ds_start and ev_start (events_lib.sh) are the
# callers.
ds_launch()
{
	local tag=$1 out=$2 what="dropscope${3:+ $3}" ready=$T/$1.ready pid i rc
	local cmd=("$DROPSCOPE")
	[[ -n $3 ]] && cmd+=("$3")
	shift 3
	rm -f "$ready"
	# A background job of a script starts with SIGINT ignored; give it the
	# default disposition, as a terminal would.
	"${DS_ENV[@]}" "${cmd[@]}" --backend="$BACKEND" --ready-file "$ready" "$@" \
		>"$out" 2>"$T/$tag.err" &
	pid=$!
	PIDS+=("$pid")
	DSPID[$tag]=$pid
	for ((i = 0; i < 100; i++)); do
		[[ -e $ready ]] && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			rc=$?
			DSRC[$tag]=$rc
			fail "$what ($tag: ${*}) exited with $rc before it was ready"
			show "$T/$tag.err" 20
			return 1
		fi
		sleep 0.1
	done
	fail "$what ($tag: ${*}) not ready after 10 s"
	show "$T/$tag.err" 20
	return 1
}

# ds_stop TAG [SIGNAL]: send SIGNAL (default INT) to that dropscope and wait
# at most 10 s for it to exit; its status goes to DSRC[TAG]. A dropscope
# that does not exit is killed and counted as a failure.
ds_stop()
{
	local tag=$1 sig=${2:-INT} pid=${DSPID[$1]:-} i rc
	[[ -n $pid ]] || return 1
	kill -"$sig" "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		fail "dropscope ($tag) still running 10 s after SIG$sig; killing it"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	DSRC[$tag]=$rc
	return 0
}

# ds_wait_exit TAG SECONDS: wait for a dropscope that should exit by itself.
# Returns 1 (and kills it) if it is still running after SECONDS.
ds_wait_exit()
{
	local tag=$1 pid=${DSPID[$1]} i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		DSRC[$tag]=killed
		return 1
	fi
	wait "$pid"
	DSRC[$tag]=$?
	return 0
}

# ds_check_stopped TAG: a dropscope stopped with SIGINT exited 0 and framed
# its output with the header and the footer.
ds_check_stopped()
{
	local tag=$1 out=$T/$1.out
	check_eq "$tag: exit status after SIGINT" 0 "${DSRC[$tag]:-none}" || show "$T/$tag.err" 20
	check_eq "$tag: first line" "Monitoring for dropped packets" "$(head -n 1 "$out")"
	check_eq "$tag: last line" "Stopping dropped packet monitor" "$(tail -n 1 "$out")"
}

# ds_table FILE: the "N packets dropped at ..." lines of a text report as
# tab-separated "count func reason text" (reason "-" when not printed; text
# is everything after "at " without the reason). Understands every
# --symbols form: name, data (func+0x1/0x2 [mod]), addr (0x...), full
# (0x..., func, func+0x1/0x2 [mod]); for addr, func is the address.
ds_table()
{
	awk '
	/^[0-9]+ packets dropped at / {
		n = $1
		rest = substr($0, length($1) + length(" packets dropped at ") + 1)
		reason = "-"
		if (match(rest, / \([A-Za-z0-9_]+\)$/)) {
			reason = substr(rest, RSTART + 2, RLENGTH - 3)
			rest = substr(rest, 1, RSTART - 1)
		}
		sym = rest
		if (sym ~ /^0x[0-9a-f]+, /) {
			split(sym, a, ", ")
			sym = a[2]
		}
		f = sym
		sub(/\+.*/, "", f)
		sub(/ .*/, "", f)
		printf "%s\t%s\t%s\t%s\n", n, f, reason, rest
	}' "$1"
}

# ds_sum FILE FUNCS REASON: total count of the lines whose function is one
# of FUNCS (a |-separated list: kernels inline differently) and whose
# reason is REASON ("-" = no reason printed, "*" = any).
ds_sum()
{
	ds_table "$1" | awk -F'\t' -v funcs="$2" -v r="$3" '
		BEGIN { n = split(funcs, l, "|"); for (i = 1; i <= n; i++) want[l[i]] = 1 }
		($2 in want) && (r == "*" || $3 == r) { s += $1 }
		END { print s + 0 }'
}

# ds_sum_reason FILE REASON: total count of the lines with that reason.
ds_sum_reason()
{
	ds_table "$1" | awk -F'\t' -v r="$2" '$3 == r { s += $1 } END { print s + 0 }'
}

# ds_funcs FILE REASON: the distinct functions reported with REASON.
ds_funcs()
{
	ds_table "$1" | awk -F'\t' -v r="$2" '$3 == r { print $2 }' | sort -u | paste -sd' '
}

# ds_total FILE: the sum of all counts.
ds_total()
{
	ds_table "$1" | awk -F'\t' '{ s += $1 } END { print s + 0 }'
}

# check_only FILE EXPECTED_TOTAL: nothing but the expected drops was
# counted (the namespaces are private, so anything else is a bug: a leak
# through the netns filter or double counting).
check_only()
{
	check_eq "$(basename "$1" .out): total of all lines" "$2" "$(ds_total "$1")" || show "$1"
}

# Reason number of a drop reason name, from the tracepoint's own format.
reason_number()
{
	sed -n "s/.*{ \([0-9]*\), \"$1\" }.*/\1/p" "$TRACEFS/events/skb/kfree_skb/format" 2>/dev/null |
		head -n 1
}

# Make sure tracefs is mounted (mounting it ourselves if needed) and create
# a private instance with the kfree_skb event; prints nothing, sets
# TRACE_INSTANCE. Optional filter expression as $1.
trace_start()
{
	if [[ ! -e $TRACEFS/instances ]]; then
		mount -t tracefs nodev "$TRACEFS" || skip "cannot mount tracefs at $TRACEFS"
		TRACEFS_MOUNTED=$TRACEFS
	fi
	[[ -e $TRACEFS/events/skb/kfree_skb/format ]] || skip "no skb:kfree_skb event in tracefs"
	TRACE_INSTANCE=$TRACEFS/instances/dropscope-test-$$
	mkdir "$TRACE_INSTANCE" || die "cannot create $TRACE_INSTANCE"
	echo 4096 >"$TRACE_INSTANCE/buffer_size_kb" 2>/dev/null
	if [[ -n ${1:-} ]]; then
		echo "$1" >"$TRACE_INSTANCE/events/skb/kfree_skb/filter" ||
			die "cannot set filter '$1'"
	fi
	echo 1 >"$TRACE_INSTANCE/events/skb/kfree_skb/enable" || die "cannot enable kfree_skb"
}

trace_stop()
{
	echo 0 >"$TRACE_INSTANCE/events/skb/kfree_skb/enable"
	cat "$TRACE_INSTANCE/trace" >"$T/trace.txt"
}

# The default mode's front table (struct front_slot), for tests 119 and 52.

# The map ids the process holds, one per line.
map_ids_of()
{
	cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '$1 == "map_id:" { print $2 }' | sort -un
}

# front_map PID [NAME]: the id of the map named NAME (default front) that
# process holds, or nothing. (bpftool shows 15 characters of a name.)
front_map()
{
	local id
	for id in $(map_ids_of "$1"); do
		if [[ $(bpftool map show id "$id" -j 2>/dev/null | jq -r '.name // ""') == "${2:-front}" ]]; then
			echo "$id"
			return
		fi
	done
}

# front_live ID CID: "location count" of each live slot of the front map
# ID, the location in hex from the value's raw bytes (jq 1.6 reads JSON
# numbers as doubles: a kernel address in bpftool's formatted view comes
# out rounded to 2 KiB), its count (summed over CPUs) from the counts map
# CID at the same index.
front_live()
{
	local key loc
	bpftool map dump id "$1" -j | jq -r '.[] | select(.formatted.values | any(.value.live != 0)) |
		"\(.formatted.key) \(.values[0].value[0:8] | reverse | map(ltrimstr("0x")) | join(""))"' |
		while read -r key loc; do
			echo "$loc $(bpftool map lookup id "$2" key $((key & 255)) $((key >> 8 & 255)) \
				$((key >> 16 & 255)) $((key >> 24 & 255)) -j | jq '[.formatted.values[].value] | add')"
		done
}

# The kallsyms symbol an address (16 hex digits) falls in.
sym_of()
{
	awk '$2 ~ /^[tT]$/ { print $1, $3 }' /proc/kallsyms | sort |
		awk -v a="$1" '$1 <= a { s = $2 } $1 > a { print s; exit }'
}

# Program ids the process holds (from /proc/PID/fdinfo: prog_id lines).
prog_ids_of()
{
	cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" { print $2 }' | sort -un
}

# All loaded program ids.
prog_ids_all()
{
	bpftool prog show -j 2>/dev/null | jq -r '.[].id' | sort -n
}

# trace_stacks_start: like trace_start, but every kfree_skb event of this
# test's process tree (set_event_pid with event-fork) also records the
# kernel's own stack (a stacktrace trigger, frames as func+0xOFF/0xSIZE).
# The trigger has a condition on purpose: an unconditional trigger fires
# before the pid filter, i.e. for every task on the machine.
trace_stacks_start()
{
	if [[ ! -e $TRACEFS/instances ]]; then
		mount -t tracefs nodev "$TRACEFS" || skip "cannot mount tracefs at $TRACEFS"
		TRACEFS_MOUNTED=$TRACEFS
	fi
	[[ -e $TRACEFS/events/skb/kfree_skb/trigger ]] || skip "no skb:kfree_skb trigger in tracefs"
	TRACE_INSTANCE=$TRACEFS/instances/dropscope-test-$$
	mkdir "$TRACE_INSTANCE" || die "cannot create $TRACE_INSTANCE"
	echo 8192 >"$TRACE_INSTANCE/buffer_size_kb" 2>/dev/null
	echo 1 >"$TRACE_INSTANCE/options/sym-offset" || die "cannot set sym-offset"
	echo 1 >"$TRACE_INSTANCE/options/event-fork" || die "cannot set event-fork"
	echo $$ >"$TRACE_INSTANCE/set_event_pid" || die "cannot set set_event_pid"
	TRACE_TRIGGER=1
	echo 'stacktrace if common_pid != 0' >"$TRACE_INSTANCE/events/skb/kfree_skb/trigger" ||
		die "cannot set the stacktrace trigger"
	echo 1 >"$TRACE_INSTANCE/events/skb/kfree_skb/enable" || die "cannot enable kfree_skb"
}

# trace_stack_records FILE: one line per kfree_skb event of a trace made by
# trace_stacks_start: "PID<TAB>LOCATION<TAB>REASON<TAB>STACK", STACK the
# trigger's frames from the first one equal to LOCATION on (the tracing
# frames and the free helper above it dropped), joined with ";"; when no
# frame equals LOCATION the whole stack, prefixed "UNTRIMMED:".
trace_stack_records()
{
	awk '
	function flush() {
		if (spid == "") return
		out = ""
		found = 0
		for (i = 1; i <= nf; i++) {
			if (!found && fr[i] == loc[skey]) found = 1
			if (found) out = out (out == "" ? "" : ";") fr[i]
		}
		if (!found) {
			out = "UNTRIMMED:"
			for (i = 1; i <= nf; i++) out = out fr[i] ";"
		}
		printf "%s\t%s\t%s\t%s\n", spid, loc[skey], rsn[skey], out
		spid = ""
	}
	/^#/ { next }
	/^ => / {
		if (spid != "") fr[++nf] = substr($0, 5)
		next
	}
	{
		flush()
		if (!match($0, /-[0-9]+ +\[[0-9]+\]/)) next
		hdr = substr($0, RSTART + 1, RLENGTH - 1)
		split(hdr, h, /[ \[\]]+/)
		key = h[1] "/" h[2]
		if ($0 ~ / kfree_skb: /) {
			l = $0
			sub(/.* location=/, "", l)
			r = l
			sub(/ reason: .*/, "", l)
			sub(/.* reason: /, "", r)
			loc[key] = l
			rsn[key] = r
		} else if ($0 ~ /<stack trace>$/ && (key in loc)) {
			spid = h[1]
			skey = key
			nf = 0
		}
	}
	END { flush() }' "$1"
}

# ds_stacks FILE: the stacks under the rows of a --stacks text report, one
# line per (row, stack): "ROWCOUNT<TAB>ROW<TAB>COUNT<TAB>STACK" with ROW the
# text after "at " (without " [kernel]"), STACK the frames joined with ";"
# or "[stack unavailable]" or "[not unwound]" (drops over --stack-budget).
ds_stacks()
{
	awk '
	function flush() {
		if (sc != "") printf "%s\t%s\t%s\t%s\n", rc, row, sc, st
		sc = ""
	}
	/^[0-9]+ packets dropped/ {
		flush()
		rc = $1
		row = $0
		sub(/^[0-9]+ packets dropped( at )?/, "", row)
		sub(/ \[kernel\]/, "", row)
		next
	}
	/^    [0-9]+ packets:/ {
		flush()
		sc = $1
		st = ""
		if ($0 ~ /\[stack unavailable\]$/) st = "[stack unavailable]"
		next
	}
	/^    \[not unwound: [0-9]+\]$/ {
		flush()
		sc = $3
		sub(/\]$/, "", sc)
		st = "[not unwound]"
		next
	}
	/^        [^ ]/ {
		f = substr($0, 9)
		st = st (st == "" ? "" : ";") f
		next
	}
	{ flush() }
	END { flush() }' "$1"
}

# cgroup2_root: where the cgroup v2 hierarchy is mounted (from mountinfo).
cgroup2_root()
{
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
		/proc/self/mountinfo | head -n 1
}
