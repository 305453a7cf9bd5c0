# shellcheck shell=bash
# Tiny BPF programs a test writes and builds itself (tc, tcx and XDP
# verdicts), on top of lib.sh: built with clang in the test's own $T, so
# what the kernel runs is in the test, next to what it checks.

# bpf_build NAME: compile the C source on stdin to $T/NAME.o (BPF target).
bpf_build()
{
	local name=$1
	cat >"$T/$name.c"
	clang -O2 -g -target bpf -I"/usr/include/$(uname -m)-linux-gnu" -c "$T/$name.c" -o "$T/$name.o" 2>"$T/$name.cc.err" || {
		show "$T/$name.cc.err"
		die "clang could not build $name"
	}
}

# bpf_require: skip unless clang and bpftool can build and show programs.
bpf_require()
{
	require clang bpftool jq tc ethtool
	[[ -r /usr/include/bpf/bpf_helpers.h ]] || skip "no bpf/bpf_helpers.h (libbpf-dev)"
}

# The common head of the test programs: a UDP destination port test that
# keeps them a few lines each. udp_dport(data, end) is the port in host
# order, or 0 for anything that is not IPv4/UDP.
BPF_HEAD='
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
char LICENSE[] SEC("license") = "GPL";
static __always_inline int udp_dport(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return 0;
	return bpf_ntohs(udp->dest);
}
'

# prog_id_by_name NAME: the id of the one loaded program of that name
# (bpftool prog show), empty if none or several.
prog_id_by_name()
{
	bpftool prog show -j | jq -r --arg n "$1" '[.[] | select(.name == $n)] | if length == 1 then .[0].id else empty end'
}

# prog_tag ID: its tag, as bpftool shows it.
prog_tag()
{
	bpftool prog show id "$1" -j | jq -r '.tag'
}

# The attach helpers below (tcx_attach, xdp_attach) return 0 once the
# program is on its hook, die on any failure but one: when the kernel
# refuses the hook or mode itself (no tcx before 6.6, a driver without
# native XDP), they set REFUSED to a one-line reason and return 2, for the
# caller to skip with it:  tcx_attach ... || skip_refused
REFUSED=

# skip_refused: skip (exit 77) with the reason the kernel refused an attach,
# unless a check before it failed: a failure is not hidden by a later skip.
skip_refused()
{
	((FAILS == 0)) || finish
	skip "${REFUSED:-refused}"
}

# tcx_attach NS DIR IFNAME NAME: load $T/NAME.o (type tc) pinned for a
# moment and attach it to IFNAME's tcx DIR hook (ingress|egress) in NS,
# after what is there. The pin goes at once: the hook holds the program,
# and deleting the namespace (its device) releases it.
tcx_attach()
{
	local ns=$1 dir=$2 dev=$3 name=$4 pin=/sys/fs/bpf/dstest-$$-$4 rc=0
	bpftool prog load "$T/$name.o" "$pin" type tc 2>"$T/$name.load.err" || {
		show "$T/$name.load.err"
		die "bpftool prog load $name"
	}
	"$TCX" attach "$dir" "/run/netns/$ns" "$dev" "$pin" 2>"$T/$name.attach.err" || rc=$?
	rm -f "$pin"
	((rc == 0)) && return 0
	# The tool exits 3 with "refused: ..." only when the kernel does not
	# know the hook at all (it asks the hook after the failed attach).
	if ((rc == 3)) && REFUSED=$(grep -m1 '^refused: ' "$T/$name.attach.err"); then
		REFUSED="tcx $dir on $dev: $REFUSED"
		log "$REFUSED"
		return 2
	fi
	show "$T/$name.attach.err"
	die "tcx attach $dir $dev $name"
}

# xdp_attach NS IFNAME MODE NAME [SEC]: attach section SEC (xdp) of
# $T/NAME.o to IFNAME in NS in MODE (xdpdrv|xdpgeneric|xdpoffload), with
# ip link. A mode the kernel or the driver refuses (EOPNOTSUPP: "does not
# support XDP in native mode", or no such mode at all) returns 2 with
# REFUSED set; any other failure dies.
xdp_attach()
{
	local ns=$1 dev=$2 mode=$3 name=$4 sec=${5:-xdp}
	ip -n "$ns" link set dev "$dev" "$mode" obj "$T/$name.o" sec "$sec" 2>"$T/$name.$dev.xdp.err" &&
		return 0
	if grep -qE 'does not support XDP|Operation not supported' "$T/$name.$dev.xdp.err"; then
		REFUSED="refused: $mode on $dev: $(grep -m1 -E 'does not support XDP|Operation not supported' "$T/$name.$dev.xdp.err")"
		log "$REFUSED"
		return 2
	fi
	show "$T/$name.$dev.xdp.err"
	die "$mode on $dev ($name)"
}

# tc_prog_line FILE NAME: the lines of a summary that name program NAME.
tc_prog_line()
{
	grep -a "by tc program $2 id " "$1"
}

# wait_tc_counter TAG: wait (10 s at most) until dropscope TAG has attached
# its tc drop counter (it does once it lists a tc program on some hook):
# drops before that are counted, but no program is named for them.
wait_tc_counter()
{
	local pid=${DSPID[$1]} id i
	for ((i = 0; i < 100; i++)); do
		for id in $(prog_ids_of "$pid"); do
			[[ $(bpftool prog show id "$id" -j 2>/dev/null | jq -r .name) == tc_drop ]] || continue
			bpftool link show -j 2>/dev/null | jq -e --argjson p "$id" 'any(.[]; .prog_id == $p)' >/dev/null &&
				return 0
		done
		sleep 0.1
	done
	fail "$1: its tc drop counter was not attached within 10 s"
	return 1
}

# wait_progwatch TAG: wait (10 s at most) until dropscope TAG has started
# following programs, which it does after its ready file, with the
# symbols: its xdp:xdp_exception program is attached.
wait_progwatch()
{
	local pid=${DSPID[$1]} id i
	for ((i = 0; i < 100; i++)); do
		for id in $(prog_ids_of "$pid"); do
			[[ $(bpftool prog show id "$id" -j 2>/dev/null | jq -r .name) == xdp_exception ]] || continue
			bpftool link show -j 2>/dev/null | jq -e --argjson p "$id" 'any(.[]; .prog_id == $p)' >/dev/null &&
				return 0
		done
		sleep 0.1
	done
	fail "$1: it did not start following programs within 10 s"
	return 1
}

# wait_held TAG NAME: wait (10 s at most) until dropscope TAG holds a
# program named NAME (tc_drop: it has read its symbols and started
# following programs, --no-xdp or not).
wait_held()
{
	local pid=${DSPID[$1]} id i
	for ((i = 0; i < 100; i++)); do
		for id in $(prog_ids_of "$pid"); do
			[[ $(bpftool prog show id "$id" -j 2>/dev/null | jq -r .name) == "$2" ]] && return 0
		done
		sleep 0.1
	done
	fail "$1: no program $2 within 10 s"
	return 1
}
