#!/bin/bash
# XDP programs' verdicts as rows of the count table (location = the
# program, reason XDP_DROP/XDP_ABORTED): on a veth whose packets arrive as
# skbs (veth_xdp_rcv_skb), and on a veth fed xdp_frames by XDP_REDIRECT
# whose far end drops and aborts (frames that never become skbs). Counts
# against what was sent and `ethtool -S` rx_queue_0_xdp_drops; the
# program's name and tag as `bpftool prog show` says; --netns of another
# namespace counts none of them; --no-xdp leaves the kernel's own rows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bpfprog_lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "the program side does not depend on the backend: runs once"
bpf_require curl
UDPSEND=$(tool udpsend) || exit 1
N_DROP=19
N_ABORT=7
N_PASS=5
N_FDROP=11
N_FABORT=6

# Drops 7001, aborts 7009, passes the rest.
bpf_build verdict <<EOT
$BPF_HEAD
SEC("xdp") int ds52_verdict(struct xdp_md *c)
{
	int p = udp_dport((void *)(long)c->data, (void *)(long)c->data_end);

	return p == 7001 ? XDP_DROP : p == 7009 ? XDP_ABORTED : XDP_PASS;
}
EOT
bpf_build pass <<EOT
$BPF_HEAD
SEC("xdp") int ds52_pass(struct xdp_md *c) { return XDP_PASS; }
EOT

ns_add NA a
ns_add NB b
veth_add "$NA" dsa0 "$NB" dsb0
ip -n "$NA" addr add 10.52.0.1/24 dev dsa0 || die addr
ip -n "$NB" addr add 10.52.0.2/24 dev dsb0 || die addr
ip -n "$NA" neigh add 10.52.0.2 lladdr "$(mac_of "$NB" dsb0)" dev dsa0 || die neigh
xdp_attach "$NB" dsb0 xdpdrv verdict || skip_refused
ID=$(prog_id_by_name ds52_verdict)
[[ -n $ID ]] || die "ds52_verdict not in bpftool prog show"
SYM="bpf_prog_$(prog_tag "$ID")_ds52_verdict"
check_eq "bpftool net: dsb0's XDP program" "$ID" \
	"$(nsx "$NB" bpftool net -j | jq -r '.[0].xdp[] | select(.devname == "dsb0") | .id')"

# row FILE REASON: the count of the program's row with that reason.
row() { awk -v s="$SYM" -v r="($2)" '$4 == "at" && $5 == s && $6 == r { print $1 }' "$1"; }

ds_start s -r -i 3600 || finish
wait_progwatch s
nsx "$NA" "$UDPSEND" -n $N_DROP 10.52.0.2 7001 >/dev/null || fail "udpsend 7001"
nsx "$NA" "$UDPSEND" -n $N_ABORT 10.52.0.2 7009 >/dev/null || fail "udpsend 7009"
nsx "$NA" "$UDPSEND" -n $N_PASS 10.52.0.2 7002 >/dev/null || fail "udpsend 7002"
sleep 0.3
ds_stop s
show "$T/s.out"
xdpd=$(nsx "$NB" ethtool -S dsb0 | awk '$1 == "rx_queue_0_xdp_drops:" { print $2 }')
check_eq "ethtool: dsb0 rx_queue_0_xdp_drops = dropped + aborted" $((N_DROP + N_ABORT)) "$xdpd"
check_eq "skb path: the program's XDP_DROP row" $N_DROP "$(row "$T/s.out" XDP_DROP)"

# The default mode's front table never takes the key of an XDP verdict nor
# of an XDP drop site: the program looks for a slot before it checks the
# sites. Verdicts before and after a tick that fills slots (1 s at most):
# all are the program's row, as ethtool counts them, and no live slot's
# location is in the program or in veth_xdp_rcv_skb (kallsyms).
fx0=$(nsx "$NB" ethtool -S dsb0 | awk '$1 == "rx_queue_0_xdp_drops:" { print $2 }')
ds_start fx -r -i 3600 || finish
wait_progwatch fx
nsx "$NA" "$UDPSEND" -n $N_DROP 10.52.0.2 7001 >/dev/null || fail "udpsend 7001"
sleep 1.3
nsx "$NA" "$UDPSEND" -n $N_DROP 10.52.0.2 7001 >/dev/null || fail "udpsend 7001"
sleep 0.3
fid=$(front_map "${DSPID[fx]}")
cid=$(front_map "${DSPID[fx]}" front_counts)
check_true "the summary holds its front table" test -n "$fid" -a -n "$cid"
slots=$( [[ -n $fid && -n $cid ]] && front_live "$fid" "$cid" | while read -r loc _; do sym_of "$loc"; done)
log "live front slots: $(tr '\n' ' ' <<<"$slots")"
ds_stop fx
fx1=$(nsx "$NB" ethtool -S dsb0 | awk '$1 == "rx_queue_0_xdp_drops:" { print $2 }')
check_eq "ethtool: dsb0 rx_queue_0_xdp_drops grew by both bursts" $((2 * N_DROP)) $((fx1 - fx0))
check_eq "both bursts in the program's XDP_DROP row" $((2 * N_DROP)) "$(row "$T/fx.out" XDP_DROP)"
check_eq "no live front slot in the program or at veth_xdp_rcv_skb" 0 \
	"$(grep -cxE "$SYM|veth_xdp_rcv_skb" <<<"$slots")"
check_eq "skb path: the program's XDP_ABORTED row" $N_ABORT "$(row "$T/s.out" XDP_ABORTED)"
check_eq "skb path: none left at veth_xdp_rcv_skb" "" "$(grep -a "at veth_xdp_rcv_skb" "$T/s.out")"

# --netns of another namespace: the program's drops are not counted, by
# the fexit either (its programs were once loaded with no filter at all).
ds_start o -r -i 3600 --netns "/run/netns/$NA" || finish
wait_progwatch o
nsx "$NA" "$UDPSEND" -n $N_DROP 10.52.0.2 7001 >/dev/null || fail "udpsend 7001"
nsx "$NA" "$UDPSEND" -n $N_ABORT 10.52.0.2 7009 >/dev/null || fail "udpsend 7009"
sleep 0.3
ds_stop o
xdpd2=$(nsx "$NB" ethtool -S dsb0 | awk '$1 == "rx_queue_0_xdp_drops:" { print $2 }')
check_eq "ethtool: dsb0 dropped and aborted again" $((2 * (N_DROP + N_ABORT) + 2 * N_DROP)) "$xdpd2"
check_eq "--netns of the sender: no XDP_DROP row of the receiver's program" "" \
	"$(row "$T/o.out" XDP_DROP)"
check_eq "--netns of the sender: no XDP_ABORTED row either" "" "$(row "$T/o.out" XDP_ABORTED)"

# The same rows in the exporter's table.
ex_start ex || finish
wait_progwatch ex
nsx "$NA" "$UDPSEND" -n $N_DROP 10.52.0.2 7001 >/dev/null || fail "udpsend 7001"
nsx "$NA" "$UDPSEND" -n $N_ABORT 10.52.0.2 7009 >/dev/null || fail "udpsend 7009"
sleep 0.3
scrape ex >"$T/scrape.txt" || fail "scrape"
check_eq "exporter: the program's XDP_DROP row" $N_DROP \
	"$(msum "$T/scrape.txt" dropscope_drops_total "location=\"$SYM\"" 'reason="XDP_DROP"')"
check_eq "exporter: the program's XDP_ABORTED row" $N_ABORT \
	"$(msum "$T/scrape.txt" dropscope_drops_total "location=\"$SYM\"" 'reason="XDP_ABORTED"')"
ds_stop ex TERM

# --no-xdp: the kernel's own rows, as before.
ds_start n -r -i 3600 --no-xdp || finish
wait_held n tc_drop
nsx "$NA" "$UDPSEND" -n $N_DROP 10.52.0.2 7001 >/dev/null || fail "udpsend 7001"
sleep 0.3
ds_stop n
check_eq "--no-xdp: no row of the program" "" "$(row "$T/n.out" XDP_DROP)"
check_eq "--no-xdp: the drops at veth_xdp_rcv_skb" $N_DROP \
	"$(awk '$5 == "veth_xdp_rcv_skb" { s += $1 } END { print s + 0 }' "$T/n.out")"

# Generic XDP on the same device: the stack runs the program on the skb.
ip -n "$NB" link set dev dsb0 xdpdrv off || fail "xdpdrv off"
xdp_attach "$NB" dsb0 xdpgeneric verdict || skip_refused
SYM="bpf_prog_$(prog_tag "$(nsx "$NB" bpftool net -j | jq -r '.[0].xdp[] | select(.devname == "dsb0") | .id')")_ds52_verdict"
ds_start g -r -i 3600 || finish
wait_progwatch g
nsx "$NA" "$UDPSEND" -n $N_DROP 10.52.0.2 7001 >/dev/null || fail "udpsend 7001"
nsx "$NA" "$UDPSEND" -n $N_ABORT 10.52.0.2 7009 >/dev/null || fail "udpsend 7009"
sleep 0.3
ds_stop g
show "$T/g.out"
check_eq "generic XDP: the program's XDP_DROP row" $N_DROP "$(row "$T/g.out" XDP_DROP)"
check_eq "generic XDP: the program's XDP_ABORTED row" $N_ABORT "$(row "$T/g.out" XDP_ABORTED)"
ip -n "$NB" link set dev dsb0 xdpgeneric off || fail "xdpgeneric off"

# Frames: dsa1 (in a) -> dsb1 (in b, redirects) -> dsc0 -> dsc1 (drops/aborts).
veth_add "$NA" dsa1 "$NB" dsb1
ip -n "$NB" link add dsc0 type veth peer name dsc1 || die "veth dsc"
ip -n "$NB" link set dsc0 up && ip -n "$NB" link set dsc1 up || die "dsc up"
ip -n "$NA" addr add 10.52.1.1/24 dev dsa1 || die addr
ip -n "$NA" neigh add 10.52.1.2 lladdr "$(mac_of "$NB" dsb1)" dev dsa1 || die neigh
xdp_attach "$NB" dsc1 xdpdrv verdict || skip_refused
# dsc0 needs an XDP program of its own to take redirected frames (ndo_xdp_xmit).
xdp_attach "$NB" dsc0 xdpdrv pass || skip_refused
IDX=$(ip -n "$NB" -j link show dsc0 | jq '.[0].ifindex')
# Redirects every UDP datagram to dsc0 (its ifindex built in).
bpf_build redir <<EOT
$BPF_HEAD
SEC("xdp") int ds52_redir(struct xdp_md *c)
{
	return udp_dport((void *)(long)c->data, (void *)(long)c->data_end) ? bpf_redirect($IDX, 0) : XDP_PASS;
}
EOT
xdp_attach "$NB" dsb1 xdpdrv redir || skip_refused
SYM2="bpf_prog_$(prog_tag "$(nsx "$NB" bpftool net -j | jq -r '.[0].xdp[] | select(.devname == "dsc1") | .id')")_ds52_verdict"
before=$(nsx "$NB" ethtool -S dsc1 | awk '$1 == "rx_queue_0_xdp_drops:" { print $2 }')

ds_start f -r -i 3600 || finish
wait_progwatch f
nsx "$NA" "$UDPSEND" -n $N_FDROP 10.52.1.2 7001 >/dev/null || fail "udpsend 7001"
nsx "$NA" "$UDPSEND" -n $N_FABORT 10.52.1.2 7009 >/dev/null || fail "udpsend 7009"
sleep 0.3
ds_stop f
show "$T/f.out"
after=$(nsx "$NB" ethtool -S dsc1 | awk '$1 == "rx_queue_0_xdp_drops:" { print $2 }')
check_eq "frames: dsc1 rx_queue_0_xdp_drops grew by dropped + aborted" $((N_FDROP + N_FABORT)) \
	$((after - before))
SYM=$SYM2
check_eq "frames: the program's XDP_ABORTED row (xdp:xdp_exception)" $N_FABORT \
	"$(row "$T/f.out" XDP_ABORTED)"
if grep -q "the kernel refuses fexit on BPF programs" "$T/f.err"; then
	log "this kernel refuses fexit on BPF programs: XDP_DROP of frames cannot be counted (said on stderr)"
	check_eq "frames: no XDP_DROP row made up" "" "$(row "$T/f.out" XDP_DROP)"
else
	check_eq "frames: the program's XDP_DROP row (fexit)" $N_FDROP "$(row "$T/f.out" XDP_DROP)"
fi

check_eq "no fexit of ours left after SIGINT" "" \
	"$(bpftool prog show -j | jq -r '.[] | select(.name == "tc_verdict" or .name == "xdp_verdict") | .id')"

# Every object (the drop program, the verdict programs, the fexit objects
# for the programs already on hooks) relocates against the minimized kernel
# BTF, and the reason names come from it too (src/trace/kbtf.c): parsing
# the kernel's BTF (~11 MB for a moment) on top of the symbol table was the
# run's peak RSS (18 MB against 14.4 with an XDP program on a hook). With
# dsb0's program on its hook: the kernel's BTF is read at most once (to
# make the minimized one, when the cache has none), and before the open of
# /proc/kallsyms.
if command -v strace >/dev/null; then
	# LeakSanitizer cannot run under ptrace (the sanitized build's run).
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -e trace=openat -e signal=none -o "$T/order.strace" \
		"$DROPSCOPE" --backend="$BACKEND" -d 1 >"$T/order.out" 2>"$T/order.err"
	check_eq "strace'd run exits 0" 0 $? || show "$T/order.err"
	awk '/"\/sys\/kernel\/btf\/vmlinux"/ && !/ENOENT/ { n++; last = NR }
	     /"\/proc\/kallsyms"/ && !k { k = NR }
	     END { print n + 0, (!n || (k && last < k)) ? "before" : "after" }' "$T/order.strace" \
		>"$T/order.txt"
	read -r n_btf where <"$T/order.txt"
	check_true "the kernel's BTF read at most once (program, verdicts, reasons: $n_btf)" \
		test "$n_btf" -le 1
	check_eq "any read of the kernel's BTF before the symbol table is read" before "$where" ||
		grep -nE 'btf/vmlinux|kallsyms' "$T/order.strace" | sed 's/^/    | /' | head -n 20
else
	log "strace is not installed: the load order is not checked"
fi
finish
