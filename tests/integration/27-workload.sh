#!/bin/bash
# --by workload: each sender runs in a cgroup laid out the way a runtime
# lays out its containers (made by the test under the real cgroup2 mount),
# with that runtime's state file in its real format below --workload-root,
# and sends UDP datagrams to a closed port in a namespace the test made.
# Every workload's row must carry exactly what its sender sent; the sum is
# the namespace's UdpNoPorts. Cases: Kubernetes on containerd (systemd
# layout, CRI annotations), Kubernetes on CRI-O (io.kubernetes.pod.*),
# docker (systemd layout: config.v2.json; cgroupfs layout: /docker/ID),
# podman (containers.json), a pod without state (UID from the path), a
# host service (foo.service, host namespace), a named netns, and an
# unnamed namespace named by its first process. Events mode with --by
# workload must name every one of those packets the same way: in its text
# line, its JSON object and its pcapng comment (read back by tshark).
. "$(dirname "$0")/lib.sh"
require nstat jq unshare nsenter tshark
UDPSEND=$(tool udpsend) || exit 1

CG=$(cgroup2_root)
[[ -n $CG && -w $CG ]] || skip "no writable cgroup v2 mount"
ROOT=$T/root
ns_add NS w
# A name with a space and '=': it must not read as a word of its own.
ns_add_named NS2 "dstest-$$-x container=evil"
B=$CG/dstest-wl-$$
mkdir "$B" && CGROUPS+=("$B") || die "cannot create $B"

# mkcg DIR...: make nested cgroups below $B, registered for removal.
mkcg()
{
	local p=$B d
	for d in "$@"; do
		p=$p/$d
		[[ -d $p ]] && continue
		mkdir "$p" && CGROUPS+=("$p") || die "mkdir $p"
	done
	LEAF=$p
}
hexid() { local i s=''; for ((i = 0; i < 16; i++)); do s+=$(printf '%04x' "$1"); done; echo "$s"; }
# send CGROUP_DIR NS COUNT: udpsend from inside that cgroup, in NS ("" = ours)
send()
{
	local cg=$1 ns=$2 n=$3
	if [[ -n $ns ]]; then
		(echo "$BASHPID" >"$cg/cgroup.procs" && exec ip netns exec "$ns" "$UDPSEND" -n "$n" 127.0.0.1 9) >/dev/null
	else
		(echo "$BASHPID" >"$cg/cgroup.procs" && exec "$UDPSEND" -n "$n" 127.0.0.1 9) >/dev/null
	fi || fail "udpsend in $cg"
}

# Kubernetes on containerd, systemd cgroup driver.
K8S_ID=$(hexid 1001) UID1=6f1c2a9e-1b2c-4d5e-8f90-aabbccddeeff
mkcg kubepods.slice kubepods-besteffort.slice "kubepods-besteffort-pod${UID1//-/_}.slice" "cri-containerd-$K8S_ID.scope"
CG_K8S=$LEAF
mkdir -p "$ROOT/run/containerd/io.containerd.runtime.v2.task/k8s.io/$K8S_ID"
cat >"$ROOT/run/containerd/io.containerd.runtime.v2.task/k8s.io/$K8S_ID/config.json" <<JSON
{"ociVersion":"1.1.0","process":{"args":["nginx"]},"annotations":{"io.kubernetes.cri.container-type":"container","io.kubernetes.cri.container-name":"nginx","io.kubernetes.cri.sandbox-id":"$(hexid 1000)","io.kubernetes.cri.sandbox-name":"web-0","io.kubernetes.cri.sandbox-namespace":"team-a","io.kubernetes.cri.sandbox-uid":"$UID1"}}
JSON
# Kubernetes on CRI-O.
CRIO_ID=$(hexid 2001) UID2=0a1b2c3d-4e5f-4061-8273-94a5b6c7d8e9
mkcg kubepods.slice kubepods-burstable.slice "kubepods-burstable-pod${UID2//-/_}.slice" "crio-$CRIO_ID.scope"
CG_CRIO=$LEAF
mkdir -p "$ROOT/run/containers/storage/overlay-containers/$CRIO_ID/userdata"
cat >"$ROOT/run/containers/storage/overlay-containers/$CRIO_ID/userdata/config.json" <<JSON
{"ociVersion":"1.0.2-dev","annotations":{"io.kubernetes.container.name":"app","io.kubernetes.cri-o.ContainerType":"container","io.kubernetes.pod.name":"api-1","io.kubernetes.pod.namespace":"team-b","io.kubernetes.pod.uid":"$UID2"}}
JSON
# docker, systemd driver: a nested "Name" comes first and must not win.
DOCKER_ID=$(hexid 3001)
mkcg system.slice "docker-$DOCKER_ID.scope"
CG_DOCKER=$LEAF
mkdir -p "$ROOT/var/lib/docker/containers/$DOCKER_ID"
cat >"$ROOT/var/lib/docker/containers/$DOCKER_ID/config.v2.json" <<JSON
{"HostConfig":{"RestartPolicy":{"Name":"no"}},"State":{"Running":true,"Pid":1},"ID":"$DOCKER_ID","Config":{"Hostname":"x","Labels":{}},"Name":"/db"}
JSON
# docker, cgroupfs driver.
DOCKER2_ID=$(hexid 3002)
mkcg docker "$DOCKER2_ID"
CG_DOCKER2=$LEAF
mkdir -p "$ROOT/var/lib/docker/containers/$DOCKER2_ID"
printf '{"ID":"%s","Name":"/queue"}' "$DOCKER2_ID" >"$ROOT/var/lib/docker/containers/$DOCKER2_ID/config.v2.json"
# podman: the name from containers/storage's containers.json.
PODMAN_ID=$(hexid 4001)
mkcg machine.slice "libpod-$PODMAN_ID.scope" container
CG_PODMAN=$LEAF
mkdir -p "$ROOT/var/lib/containers/storage/overlay-containers"
cat >"$ROOT/var/lib/containers/storage/overlay-containers/containers.json" <<JSON
[{"id":"$(hexid 4000)","names":["other"],"image":"x"},{"id":"$PODMAN_ID","names":["cache","alias"],"image":"y","layer":"z","metadata":"{\"image-name\":\"x\"}","created":"2026-01-01T00:00:00Z","flags":{"MountLabel":""}}]
JSON
# A pod whose runtime left no state: its UID from the path.
NOSTATE_ID=$(hexid 5001) UID3=11111111-2222-4333-8444-555555555555
mkcg kubepods.slice "kubepods-pod${UID3//-/_}.slice" "cri-containerd-$NOSTATE_ID.scope"
CG_NOSTATE=$LEAF
# Hostile state: a name with control bytes and invalid UTF-8 (printed
# escaped), a 10 MB state file and a symbolic-link loop (both skipped:
# the container shows by runtime and id).
EVIL_ID=$(hexid 6001) BIG_ID=$(hexid 6002) LOOP_ID=$(hexid 6003)
mkcg system.slice "docker-$EVIL_ID.scope"
CG_EVIL=$LEAF
mkdir -p "$ROOT/var/lib/docker/containers/$EVIL_ID"
printf '{"Name":"/evil\\u001b[31m\\nX\xff"}' >"$ROOT/var/lib/docker/containers/$EVIL_ID/config.v2.json"
mkcg system.slice "docker-$BIG_ID.scope"
CG_BIG=$LEAF
mkdir -p "$ROOT/var/lib/docker/containers/$BIG_ID"
{ printf '{"Name":"/big","pad":"'; head -c $((10 << 20)) /dev/zero | tr '\0' x; printf '"}'; } \
	>"$ROOT/var/lib/docker/containers/$BIG_ID/config.v2.json"
mkcg system.slice "docker-$LOOP_ID.scope"
CG_LOOP=$LEAF
mkdir -p "$ROOT/var/lib/docker/containers/$LOOP_ID"
ln -s config.v2.json "$ROOT/var/lib/docker/containers/$LOOP_ID/config.v2.json"
# A host service, and a cgroup that says nothing.
mkcg "foo-$$.service"
CG_SVC=$LEAF
mkcg plain
CG_PLAIN=$LEAF

# An unnamed namespace with a process in it (its first pid).
unshare -n sh -c 'ip link set lo up && exec sleep 60' &
HOLDER=$!
PIDS+=("$HOLDER")
for ((i = 0; i < 50; i++)); do
	[[ $(readlink "/proc/$HOLDER/ns/net") != "$(readlink /proc/self/ns/net)" ]] && break
	sleep 0.1
done
sleep 0.2

ds_start w --by workload -i 3600 --workload-root "$ROOT" || finish
ds_start j --json --by workload -i 3600 --workload-root "$ROOT" || finish
ds_launch et "$T/et.out" events --by workload --workload-root "$ROOT" || finish
ds_launch ej "$T/ej.out" events --json --by workload --workload-root "$ROOT" \
	-w "$T/ej.pcapng" || finish
u0=$(snmp "$NS" UdpNoPorts)
send "$CG_K8S" "$NS" 11
send "$CG_CRIO" "$NS" 12
send "$CG_DOCKER" "$NS" 13
send "$CG_DOCKER2" "$NS" 14
send "$CG_PODMAN" "$NS" 15
send "$CG_NOSTATE" "$NS" 16
send "$CG_PLAIN" "$NS" 17
send "$CG_EVIL" "$NS" 3
send "$CG_BIG" "$NS" 4
send "$CG_LOOP" "$NS" 5
un=$(($(snmp "$NS" UdpNoPorts) - u0))
v0=$(snmp "$NS2" UdpNoPorts)
send "$CG_PLAIN" "$NS2" 7
vn=$(($(snmp "$NS2" UdpNoPorts) - v0))
send "$CG_SVC" "" 18
(echo "$BASHPID" >"$CG_PLAIN/cgroup.procs" && exec nsenter -t "$HOLDER" -n "$UDPSEND" -n 19 127.0.0.1 9) >/dev/null ||
	fail "udpsend in the holder's namespace"
sleep 0.3
ds_stop w
ds_stop j
ds_stop et
ds_stop ej
check_eq "events (text): exit status" 0 "${DSRC[et]}" || show "$T/et.err"
check_eq "events (JSON, pcapng): exit status" 0 "${DSRC[ej]}" || show "$T/ej.err"
tshark -o gui.update.enabled:FALSE -r "$T/ej.pcapng" -T fields -e frame.comment \
	>"$T/ej.comments" 2>"$T/ej.tshark.err"
check_eq "tshark -r of the capture" 0 "$?" || show "$T/ej.tshark.err"
check_eq "UdpNoPorts in the named namespace" $((11 + 12 + 13 + 14 + 15 + 16 + 17 + 3 + 4 + 5)) "$un"

row()
{
	# (ENVIRON: awk -v would turn the \xNN of escaped names into bytes)
	WANT=$1 awk '/^[0-9]+ packets dropped/ {
		r = $0; sub(/^[0-9]+ packets dropped ?/, "", r)
		if (r == ENVIRON["WANT"]) s += $1 }
		END { print s + 0 }' "$T/w.out"
}
ds_check_stopped w
# ends FILE WANT: lines of FILE that end in " WANT" (an event's text line
# and its pcapng comment end in the workload's words).
ends()
{
	WANT=$1 awk 'substr($0, length($0) - length(ENVIRON["WANT"])) == " " ENVIRON["WANT"] { n++ }
		END { print n + 0 }' "$2"
}
# workload WHAT COUNT NAME: the summary's row, and the events of each output.
workload()
{
	local what=$1 n=$2 name=$3
	check_eq "$what" "$n" "$(row "$name")" || show "$T/w.out"
	check_eq "$what: events (text)" "$n" "$(ends "$name" "$T/et.out")" || show "$T/et.out"
	check_eq "$what: events (pcapng comment)" "$n" "$(ends "$name" "$T/ej.comments")" ||
		show "$T/ej.comments"
}
workload "k8s on containerd" 11 "pod=team-a/web-0 container=nginx"
workload "k8s on CRI-O" 12 "pod=team-b/api-1 container=app"
workload "docker (systemd)" 13 "container=db"
workload "docker (cgroupfs)" 14 "container=queue"
workload "podman" 15 "container=cache"
workload "pod without state" 16 "pod=uid:$UID3 container=containerd:${NOSTATE_ID:0:12}"
workload "named netns" 17 "ipnetns=$NS"
workload "host service" 18 "service=foo-$$.service"
workload "unnamed namespace: its first process" 19 "proc=$HOLDER/sleep"
workload "hostile name, escaped" 3 'container=evil\x1b[31m\x0aX\xff'
for f in w.out et.out ej.comments; do
	check_eq "no raw control byte in $f" 0 "$(LC_ALL=C grep -c $'\x1b' "$T/$f")"
done
check_eq "UdpNoPorts in the namespace named with a space and '='" 7 "$vn"
workload "a name with a space and '=': one word" 7 "ipnetns=dstest-$$-x\x20container\x3devil"
workload "10 MB state file skipped" 4 "container=docker:${BIG_ID:0:12}"
workload "symlink loop skipped" 5 "container=docker:${LOOP_ID:0:12}"
check_eq "JSON: the pod" 11 "$(jq -s '[.[].entries[] | select(.workload == "pod=team-a/web-0 container=nginx") | .count] | add // 0' "$T/j.out")"
# Events' JSON: the same string as the summary's (its values already in
# the text escape form, so a hostile name reads the same in every output).
# WANT is a jq string literal.
evj()
{
	jq -s "[.[] | select(.workload == $1)] | length" "$T/ej.out"
}
check_eq "events JSON: the pod" 11 "$(evj '"pod=team-a/web-0 container=nginx"')" || show "$T/ej.out" 5
check_eq "events JSON: the service" 18 "$(evj "\"service=foo-$$.service\"")"
check_eq "events JSON: the hostile name as a JSON string" 3 \
	"$(evj '"container=evil\\x1b[31m\\x0aX\\xff"')"
check_eq "events JSON: the name with a space and '='" 7 \
	"$(evj "\"ipnetns=dstest-$$-x\\\\x20container\\\\x3devil\"")"
finish
