#!/bin/bash
# --by workload on a real container: podman (crun, cgroupfs manager) runs
# one from a local rootfs the test builds (busybox-static, the udpsend tool;
# no image, no pull) in a network namespace the test made, with its state
# below --workload-root (podman --root/--runroot there). The process in the
# container sends N datagrams to a closed port: the summary's row and the
# events of its workload, and top's row (--by workload, in tmux), must be
# named after the container exactly as `podman inspect` names it, with
# exactly N drops, N being the namespace's
# UdpNoPorts (the kernel's count). The container's cgroup (read from
# /proc/PID/cgroup on the host) must be podman's libpod-ID of that ID.
#
# This machine mounts cgroup v1 controllers with cgroup2 on
# /sys/fs/cgroup/unified (hybrid): podman there takes cgroup v1 and
# names no v2 cgroup. So podman runs in a private mount namespace with
# cgroup2 mounted on /sys/fs/cgroup (the same hierarchy dropscope sees).
# crun may not raise a hard rlimit without CAP_SYS_RESOURCE (absent in
# some sandboxes): the container asks for no more than we have
# (--ulimit nofile, nproc) and --privileged (allow-all devices: crun then
# skips the eBPF device program, whose RLIMIT_MEMLOCK raise failed);
# controllers bound to v1 are not on v2: --pids-limit=-1. Where podman still
# cannot run a container, the test skips with podman's own error.
. "$(dirname "$0")/lib.sh"
require podman crun conmon busybox unshare nstat jq tmux
UDPSEND=$(tool udpsend) || exit 1
BUSYBOX=$(command -v busybox)
N=23

CG=$(cgroup2_root)
[[ -n $CG && -w $CG ]] || skip "no writable cgroup v2 mount"
ns_add NS pod
WR=$T/wr # --workload-root: podman's state in its default places below it
ROOTFS=$T/rootfs
PARENT=dstest-wl-$$-pod # the containers' parent cgroup, below the cgroup2 root
NAME=dstest-$$-ctr
SESSION=dstest-$$-pod
mkdir -p "$WR/var/lib/containers/storage" "$WR/run/containers/storage" "$T/ptmp" \
	"$ROOTFS"/{bin,usr,proc,sys,dev,etc,tmp} || die "mkdir"
cp "$BUSYBOX" "$ROOTFS/bin/busybox" && cp "$UDPSEND" "$ROOTFS/bin/udpsend" || die "cp"
for a in sh sleep cat; do ln -s busybox "$ROOTFS/bin/$a"; done
# udpsend is linked against the host's libc: /usr read-only from the host.
ln -s usr/lib "$ROOTFS/lib" && ln -s usr/lib64 "$ROOTFS/lib64" || die "ln"

# pm ARGS...: podman with its state below $WR, in a private mount namespace
# whose /sys/fs/cgroup is the cgroup2 hierarchy; 120 s at most.
pm()
{
	timeout 120 unshare -m sh -c 'mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' \
		pm podman --root "$WR/var/lib/containers/storage" --runroot "$WR/run/containers/storage" \
		--tmpdir "$T/ptmp" --cgroup-manager=cgroupfs --events-backend=none "$@"
}
# The container and the cgroups podman made (libpod-ID, conmon) go first,
# then lib.sh's cleanup with our status.
pod_cleanup()
{
	local d
	tmux kill-session -t "$SESSION" 2>/dev/null
	pm rm -f -t 0 "$NAME" >/dev/null 2>&1
	if [[ -d $CG/$PARENT ]]; then
		for d in "$CG/$PARENT"/*/; do
			[[ -d $d ]] && { rmdir "$d" 2>/dev/null || log "warning: could not remove $d"; }
		done
		rmdir "$CG/$PARENT" 2>/dev/null || log "warning: could not remove $CG/$PARENT"
	fi
}
trap 'rc=$?; pod_cleanup; (exit $rc); cleanup' EXIT

ds_start w --by workload -i 3600 --workload-root "$WR" || finish
ds_launch e "$T/e.out" events --json --by workload --workload-root "$WR" || finish
tmux new-session -d -s "$SESSION" -x 120 -y 20 \
	"TERM=xterm-256color $DROPSCOPE top --backend=$BACKEND --by workload --workload-root $WR \
	 --netns /run/netns/$NS -i 0.5 --ready-file $T/top.ready 2>$T/top.err; sleep 30" ||
	die "tmux new-session failed"
for ((i = 0; i < 50; i++)); do
	[[ -s $T/top.ready ]] && break
	sleep 0.2
done
[[ -s $T/top.ready ]] || die "top did not get ready: $(cat "$T/top.err")"
u0=$(snmp "$NS" UdpNoPorts)
# The sender waits for the test to have read the container's pid.
pm run -d --name "$NAME" --privileged --pids-limit=-1 \
	--ulimit nofile=1024:1024 --ulimit nproc=4096:4096 -v /usr:/usr:ro \
	--network "ns:/run/netns/$NS" --cgroup-parent="/$PARENT" --rootfs "$ROOTFS" \
	/bin/sh -c "while [ ! -e /tmp/go ]; do sleep 0.1; done; /bin/udpsend -n $N 127.0.0.1 9; exec sleep 60" \
	>"$T/run.out" 2>"$T/run.err"
rc=$?
if ((rc)); then
	log "podman run exited $rc: $(tr '\n' ' ' <"$T/run.err")"
	skip "podman cannot run a container here: $(tail -n 1 "$T/run.err")"
fi
ID=$(tail -n 1 "$T/run.out")
read -r INAME IID PID < <(pm inspect "$NAME" --format '{{.Name}} {{.Id}} {{.State.Pid}}' 2>"$T/inspect.err")
check_eq "podman inspect: the id podman run printed" "$ID" "$IID" || show "$T/inspect.err"
check_eq "podman inspect: the name" "$NAME" "$INAME"
check_eq "the container's cgroup (host view)" "0::/$PARENT/libpod-$ID" "$(tail -n 1 "/proc/$PID/cgroup")"
check_eq "the container's network namespace" "$(stat -L -c %i "/run/netns/$NS")" \
	"$(stat -L -c %i "/proc/$PID/ns/net")"
touch "$ROOTFS/tmp/go" || die "cannot start the sender"
for ((i = 0; i < 100; i++)); do
	(($(snmp "$NS" UdpNoPorts) - u0 >= N)) && break
	sleep 0.1
done
sleep 0.3
u=$(($(snmp "$NS" UdpNoPorts) - u0))
# top: the TOTAL column of the container's row, once it is N (10 s at most).
top_total()
{
	tmux capture-pane -p -t "$SESSION" |
		WANT="container=$INAME" awk '$2 ~ /^[0-9]+$/ && substr($0, length($0) - length(ENVIRON["WANT"])) == " " ENVIRON["WANT"] { print $2; exit }'
}
for ((i = 0; i < 50; i++)); do
	[[ $(top_total) == "$u" ]] && break
	sleep 0.2
done
check_eq "top --by workload: the container's row" "$u" "$(top_total)" ||
	show <(tmux capture-pane -p -t "$SESSION") 20
tmux send-keys -t "$SESSION" q
ds_stop w
ds_stop e
check_eq "UdpNoPorts in the container's namespace" $N "$u"
ds_check_stopped w
check_eq "summary: the container's row, named as podman inspect names it" "$u" \
	"$(WANT="container=$INAME" awk '/^[0-9]+ packets dropped/ { r = $0; sub(/^[0-9]+ packets dropped ?/, "", r)
		if (r == ENVIRON["WANT"]) s += $1 } END { print s + 0 }' "$T/w.out")" || show "$T/w.out"
check_eq "events: exit status" 0 "${DSRC[e]}" || show "$T/e.err"
check_eq "events: the container's packets" "$u" \
	"$(jq --arg w "container=$INAME" -s '[.[] | select(.workload == $w)] | length' "$T/e.out")" ||
	show "$T/e.out" 5
finish
