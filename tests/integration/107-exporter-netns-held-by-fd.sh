#!/bin/bash
# A namespace held only by an open descriptor is alive
# (--by location,reason,netns, --series-ttl 2): a namespace made by
# unshare whose only process then exits, held by a descriptor this test
# keeps open (no process in it, no bind mount of it: checked in /proc and
# mountinfo). Its 7 drops (UdpNoPorts read inside it through that
# descriptor) stay exposed under its cookie (SO_NETNS_COOKIE) for 8
# scrapes, 4 times the grace a gone namespace gets; a row taken for gone
# would be freed and its series dropped after 2. Once the descriptor is
# closed the kernel frees the namespace and its series goes (bounded wait).
# CAP_SYS_ADMIN is effective only around that check (strace: no other
# system call while it is), CAP_SYSLOG only around a kallsyms re-read (no
# netlink, bpf() or directory walk while it is); no capget(2) at all then
# (the sets are asked once, after dropping privileges). Then the fallback without CAP_SYS_ADMIN (no
# handles asked; /proc/PID/ns, mounts, then /proc/PID/fd): a namespace a
# process is in and one held by a descriptor both keep their series; the
# latter's goes once the descriptor is closed. And the walk's bound: a holder
# past 32768 descriptors (in pid order) is not taken for gone, the cut is
# counted (dropscope_netns_walk_cut_total), the walk goes on and finds it.
# Needs nsfs file handles whose id is the namespace's cookie (6.18+):
# skipped otherwise.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl unshare nsenter nstat
UDPSEND=$(tool udpsend) || exit 1
NSCOOKIE=$(tool nscookie) || exit 1
NSHANDLE=$(tool nshandle) || exit 1

"$NSHANDLE" /proc/self/ns/net >"$T/id" || skip "no nsfs file handles on this kernel"
own=$("$NSCOOKIE") || skip "no SO_NETNS_COOKIE on this kernel"
[[ $(cat "$T/id") == "$own" ]] || skip "the nsfs handle's id is not the netns cookie here"

ex_start main --by location,reason,netns --series-ttl 2 || finish

unshare -n sleep 60 &
holder=$!
PIDS+=("$holder")
self=$(stat -L -c %i /proc/self/ns/net)
for ((i = 0; i < 50; i++)); do
	ino=$(stat -L -c %i "/proc/$holder/ns/net" 2>/dev/null)
	[[ -n $ino && $ino != "$self" ]] && break
	sleep 0.1
done
[[ -n $ino && $ino != "$self" ]] || die "unshare -n made no namespace"
exec {NSFD}<"/proc/$holder/ns/net" || die "cannot open the namespace"
IN=(nsenter "--net=/proc/$$/fd/$NSFD")
"${IN[@]}" ip link set lo up || fail "lo up"
cookie=$("${IN[@]}" "$NSCOOKIE") || fail "nscookie"
check_eq "the handle's id is its cookie" "$cookie" "$("$NSHANDLE" "/proc/$$/fd/$NSFD")"
"${IN[@]}" "$UDPSEND" -n 7 127.0.0.1 9 >/dev/null || fail "udpsend"
kill "$holder"
wait "$holder" 2>/dev/null
no_process_in()
{
	! find /proc/[0-9]*/ns/net -maxdepth 0 -printf '%l\n' 2>/dev/null | grep -qx "net:\[$1\]"
}
no_mount_of()
{
	! grep -q " net:\[$1\] .* - nsfs " /proc/self/mountinfo
}
check_true "no process is in it" no_process_in "$ino"
check_true "no mount holds it" no_mount_of "$ino"
check_eq "kernel: UdpNoPorts in it" 7 \
	"$("${IN[@]}" nstat -asz UdpNoPorts | awk '$1 == "UdpNoPorts" { print $2 }')"

for ((i = 0; i < 8; i++)); do
	scrape main >"$T/held$i.txt" || fail "scrape $i"
	sleep 0.5
done
for i in 1 7; do
	check_eq "scrape $i: its series, exactly" 7 \
		"$(msum "$T/held$i.txt" dropscope_drops_total "netns_cookie=\"$cookie\"")"
done

# CAP_SYS_ADMIN is effective only around the handle check: every system
# call the exporter makes while it is effective (strace, 2 scrapes) is
# open_by_handle_at or the capget/capset that raise and lower it. A poll
# that kept it raised would show bpf(), openat(), readlink... in between.
if command -v strace >/dev/null; then
	strace -f -qq -p "${DSPID[main]}" -o "$T/strace.txt" &
	st=$!
	PIDS+=("$st")
	for ((i = 0; i < 50; i++)); do
		[[ -s $T/strace.txt ]] && break
		grep -q "^TracerPid:[[:space:]]*$st\$" "/proc/${DSPID[main]}/status" && break
		sleep 0.1
	done
	# 1.1 s apart: each scrape's refresh also rescans the programs on
	# the hooks (netlink, bpf()), which must not run with CAP_SYSLOG.
	for ((i = 0; i < 3; i++)); do
		scrape main >/dev/null || fail "scrape under strace $i"
		sleep 1.1
	done
	kill "$st"
	wait "$st" 2>/dev/null
	awk '
	/ capset\(/ && / = 0$/ {
		eff = $0; sub(/.*effective=/, "", eff); sub(/,.*/, "", eff)
		adm = eff ~ /CAP_SYS_ADMIN/
		sys = eff ~ /CAP_SYSLOG/
		if (adm) raised++
		next
	}
	{
		name = $2; sub(/\(.*/, "", name)
		if (name == "capget") capget++
		if (name ~ /^(capget|capset)$/ || $0 ~ /resumed>|exited|killed/) next
		# kallsyms read: open, read, stat, close and the allocator
		if (sys && !(name ~ /^(read|write|close|fstat|newfstatat|lseek|mmap|munmap|brk|mremap|madvise)$/ ||
			     (name == "openat" && $0 ~ /kallsyms/))) {
			sysbad++
			if (sysbad <= 3) print "with CAP_SYSLOG effective: " $0 > "/dev/stderr"
		}
		if (!adm) next
		if (name == "open_by_handle_at") { opened++; next }
		bad++
		if (bad <= 3) print "with CAP_SYS_ADMIN effective: " $0 > "/dev/stderr"
	}
	END { printf "%d %d %d %d %d\n", raised, opened, bad, sysbad, capget }' "$T/strace.txt" >"$T/capwin.txt"
	read -r raised opened bad sysbad capget <"$T/capwin.txt"
	check_true "CAP_SYS_ADMIN was raised for handle checks (strace: $raised)" test "${raised:-0}" -gt 0
	check_true "open_by_handle_at ran with it ($opened)" test "${opened:-0}" -gt 0
	check_eq "other system calls while it was effective" 0 "${bad:-?}"
	check_eq "system calls but a kallsyms read while CAP_SYSLOG was effective" 0 "${sysbad:-?}"
	# Our sets do not change after the exporter dropped its privileges:
	# asked once then, not at each raise or poll (it was 5 capget a sweep).
	check_eq "capget(2) during 3 scrapes and their sweeps" 0 "${capget:-?}"
	check_eq "CapEff after the polls" 0000000000000000 \
		"$(awk '$1 == "CapEff:" { print $2 }' "/proc/${DSPID[main]}/status")"
else
	log "no strace: the capability's window not checked"
fi

exec {NSFD}<&-
gone=
for ((i = 0; i < 40; i++)); do
	scrape main >"$T/after.txt" || fail "scrape after"
	if [[ $(msum "$T/after.txt" dropscope_drops_total "netns_cookie=\"$cookie\"") == 0 ]]; then
		gone=$i
		break
	fi
	sleep 0.5
done
check_true "its series went once the descriptor was closed (after ${gone:-?} scrapes)" test -n "$gone"
ds_stop main TERM

# The fallback: without CAP_SYS_ADMIN (the DaemonSet's set) no handle is
# asked (a live namespace would answer ESTALE as a gone one): /proc/PID/ns,
# mounts, then the processes' open descriptors (/proc/PID/fd, with
# CAP_SYS_PTRACE). A namespace a process is in keeps its 4 for every
# scrape, one held only by this test's descriptor its 6; once the
# descriptor is closed its series goes. Taking live ones for gone would
# free them after the grace (2 scrapes).
if ! command -v setpriv >/dev/null; then
	log "no setpriv: the fallback without CAP_SYS_ADMIN not checked"
	finish
fi
DS_ENV+=(setpriv --bounding-set -sys_admin --inh-caps -all)
ex_start fb --by location,reason,netns --series-ttl 2 || finish
check_eq "fallback: no CAP_SYS_ADMIN permitted" 0 \
	$((0x$(awk '$1 == "CapPrm:" { print $2 }' "/proc/${DSPID[fb]}/status") >> 21 & 1))
unshare -n sleep 60 &
live=$!
PIDS+=("$live")
unshare -n sleep 60 &
holder=$!
PIDS+=("$holder")
for ((i = 0; i < 50; i++)); do
	a=$(stat -L -c %i "/proc/$live/ns/net" 2>/dev/null)
	b=$(stat -L -c %i "/proc/$holder/ns/net" 2>/dev/null)
	[[ -n $a && -n $b && $a != "$self" && $b != "$self" ]] && break
	sleep 0.1
done
[[ -n $a && -n $b && $a != "$self" && $b != "$self" ]] || die "unshare -n made no namespaces"
exec {NSFD}<"/proc/$holder/ns/net" || die "cannot open the namespace"
IN=(nsenter "--net=/proc/$$/fd/$NSFD")
LV=(nsenter "--net=/proc/$live/ns/net")
"${IN[@]}" ip link set lo up || fail "lo up"
"${LV[@]}" ip link set lo up || fail "lo up (live)"
cookie=$("${IN[@]}" "$NSCOOKIE") || fail "nscookie"
lcookie=$("${LV[@]}" "$NSCOOKIE") || fail "nscookie (live)"
"${IN[@]}" "$UDPSEND" -n 6 127.0.0.1 9 >/dev/null || fail "udpsend"
"${LV[@]}" "$UDPSEND" -n 4 127.0.0.1 9 >/dev/null || fail "udpsend (live)"
kill "$holder"
wait "$holder" 2>/dev/null
check_true "fallback: no process is in the held one" no_process_in "$b"
check_eq "kernel: UdpNoPorts in the held one" 6 \
	"$("${IN[@]}" nstat -asz UdpNoPorts | awk '$1 == "UdpNoPorts" { print $2 }')"
check_eq "kernel: UdpNoPorts in the live one" 4 \
	"$("${LV[@]}" nstat -asz UdpNoPorts | awk '$1 == "UdpNoPorts" { print $2 }')"
for ((i = 0; i < 8; i++)); do
	scrape fb >"$T/fb$i.txt" || fail "fallback scrape $i"
	sleep 0.5
done
for i in 0 7; do
	check_eq "fallback: scrape $i, the live one's 4" 4 \
		"$(msum "$T/fb$i.txt" dropscope_drops_total "netns_cookie=\"$lcookie\"")"
	check_eq "fallback: scrape $i, the one held by a descriptor (/proc/PID/fd) keeps its 6" 6 \
		"$(msum "$T/fb$i.txt" dropscope_drops_total "netns_cookie=\"$cookie\"")"
done
exec {NSFD}<&-
gone=
for ((i = 0; i < 40; i++)); do
	scrape fb >"$T/fbafter.txt" || fail "fallback scrape after"
	if [[ $(msum "$T/fbafter.txt" dropscope_drops_total "netns_cookie=\"$cookie\"") == 0 ]]; then
		gone=$i
		break
	fi
	sleep 0.5
done
check_true "fallback: its series went once the descriptor was closed (after ${gone:-?} scrapes)" test -n "$gone"
check_eq "fallback: the live one's 4 still" 4 \
	"$(msum "$T/fbafter.txt" dropscope_drops_total "netns_cookie=\"$lcookie\"")"

# The walk's bound: processes with more than 32768 descriptors in all
# (HOGS x 4000, each under the 4096 a process) come before, in pid order,
# the one process that holds a namespace open (fd 3 of a sleep). A sweep's
# walk stops before reaching it: the namespace must not be taken for gone
# (its 5 drops stay for 8 scrapes, 4 times the grace), the cut is counted
# (dropscope_netns_walk_cut_total{bound="sweep"}), and the walk, going on at
# the next sweep, finds it; once it is closed its series goes.
if ! command -v python3 >/dev/null; then
	log "no python3: the walk's bound not checked"
	finish
fi
HOGS=9
hogpids=()
for ((h = 0; h < HOGS; h++)); do
	python3 -c '
import os, resource, sys, time
resource.setrlimit(resource.RLIMIT_NOFILE, (4200, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(4000)]
open(sys.argv[1], "w").write("ready")
time.sleep(90)' "$T/hog$h.ready" &
	hogpids+=($!)
	PIDS+=($!)
done
for ((i = 0; i < 100; i++)); do
	n=0
	for ((h = 0; h < HOGS; h++)); do [[ -s $T/hog$h.ready ]] && n=$((n + 1)); done
	((n == HOGS)) && break
	sleep 0.1
done
((n == HOGS)) || die "descriptor hogs not ready ($n of $HOGS)"
unshare -n sleep 60 &
nsproc=$!
PIDS+=("$nsproc")
for ((i = 0; i < 50; i++)); do
	c=$(stat -L -c %i "/proc/$nsproc/ns/net" 2>/dev/null)
	[[ -n $c && $c != "$self" ]] && break
	sleep 0.1
done
[[ -n $c && $c != "$self" ]] || die "unshare -n made no namespace"
sleep 90 3<"/proc/$nsproc/ns/net" &
far=$!
PIDS+=("$far")
# Its shell opens fd 3 after the fork: wait for it before the namespace's
# one process goes.
for ((i = 0; i < 50; i++)); do
	[[ $(readlink "/proc/$far/fd/3" 2>/dev/null) == "net:[$c]" ]] && break
	sleep 0.1
done
[[ $(readlink "/proc/$far/fd/3" 2>/dev/null) == "net:[$c]" ]] || die "the holder has no fd 3 of it"
kill "$nsproc"
wait "$nsproc" 2>/dev/null
FAR=(nsenter "--net=/proc/$far/fd/3")
"${FAR[@]}" ip link set lo up || fail "lo up (far)"
fcookie=$("${FAR[@]}" "$NSCOOKIE") || fail "nscookie (far)"
"${FAR[@]}" "$UDPSEND" -n 5 127.0.0.1 9 >/dev/null || fail "udpsend (far)"
check_eq "kernel: UdpNoPorts in the far-held one" 5 \
	"$("${FAR[@]}" nstat -asz UdpNoPorts | awk '$1 == "UdpNoPorts" { print $2 }')"
check_true "walk: no process is in it" no_process_in "$c"
# Descriptors the walk reads before the holder (each process's first 4096).
before=$(for d in /proc/[0-9]*; do
	p=${d#/proc/}
	((p < far)) || continue
	n=$(ls "$d/fd" 2>/dev/null | wc -l)
	echo $((n < 4096 ? n : 4096))
done | awk '{ s += $1 } END { print s + 0 }')
if ((before <= 32768)); then
	log "walk: only $before descriptors before the holder (pids wrapped?): the bound not checked"
else
	log "walk: $before descriptors before the holder (pid $far)"
	for ((i = 0; i < 8; i++)); do
		scrape fb >"$T/walk$i.txt" || fail "walk scrape $i"
		sleep 0.5
	done
	for i in 0 7; do
		check_eq "walk: scrape $i, the one held past the bound keeps its 5" 5 \
			"$(msum "$T/walk$i.txt" dropscope_drops_total "netns_cookie=\"$fcookie\"")"
	done
	check_true "walk: cut walks counted (bound=\"sweep\": $(msum "$T/walk7.txt" \
		dropscope_netns_walk_cut_total 'bound="sweep"'))" \
		test "$(msum "$T/walk7.txt" dropscope_netns_walk_cut_total 'bound="sweep"')" -gt 0
	check_true "walk: the metric has HELP" grep -q '^# HELP dropscope_netns_walk_cut_total ' "$T/walk7.txt"
	kill "$far"
	wait "$far" 2>/dev/null
	gone=
	for ((i = 0; i < 40; i++)); do
		scrape fb >"$T/walkafter.txt" || fail "walk scrape after"
		if [[ $(msum "$T/walkafter.txt" dropscope_drops_total "netns_cookie=\"$fcookie\"") == 0 ]]; then
			gone=$i
			break
		fi
		sleep 0.5
	done
	check_true "walk: its series went once its holder exited (after ${gone:-?} scrapes)" test -n "$gone"
fi
kill "${hogpids[@]}" "$far" 2>/dev/null
finish
