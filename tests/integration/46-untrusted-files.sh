#!/bin/bash
# Untrusted input files are checked before they are used, fail fast, and
# the message names the file and the cause (exit 2 for --btf, 1 for a
# symbol file):
#   --btf OBJ.o / its raw .BTF   a BPF object's BTF: refused
#   --btf HDR26                  the kernel's BTF with a 26-byte header
#   --btf /etc/passwd            not BTF
#   --btf /sys/kernel/btf/vmlinux  accepted: the N drops sent are counted
#   --system-map /dev/zero       refused at once (not a regular file)
#   --system-map SPARSE-300M     refused from its size, unread
#   --system-map PFX-ONLY        only __pfx_ padding: "no symbols in it"
. "$(dirname "$0")/lib.sh"
require nstat python3
[[ $BACKEND == tp_btf ]] || skip "not about the backend: runs once, with tp_btf"
UDPSEND=$(tool udpsend) || exit 1
OBJ=$(dirname "$DROPSCOPE")/build/dropscope.bpf.o
[[ -f $OBJ ]] || skip "$OBJ missing"

# btf_refused WHAT FILE PATTERN
btf_refused()
{
	local rc
	timeout 20 "$DROPSCOPE" --backend="$BACKEND" -i 0.2 -c 1 --btf "$2" >"$T/out" 2>"$T/err"
	rc=$?
	check_eq "$1: exit status" 2 "$rc"
	check_true "$1: one line naming the file and the cause" \
		grep -qE "^dropscope: --btf $2: .*$3" "$T/err" || show "$T/err"
	check_eq "$1: nothing counted or printed" "" "$(cat "$T/out")"
}

btf_refused "BPF object" "$OBJ" "BPF object"
if command -v llvm-objcopy >/dev/null; then
	llvm-objcopy --dump-section .BTF="$T/obj.btf" "$OBJ" "$T/junk.o" || die "llvm-objcopy"
	btf_refused "BPF object's raw .BTF" "$T/obj.btf" "BPF object"
fi
python3 - "$T/hdr26.btf" <<'PY' || die "building hdr26.btf"
import struct, sys
d = open('/sys/kernel/btf/vmlinux', 'rb').read()
h = struct.unpack_from('<I', d, 4)[0]
open(sys.argv[1], 'wb').write(d[:4] + struct.pack('<I', h + 2) + d[8:h] + b'\0\0' + d[h:])
PY
btf_refused "header length 26" "$T/hdr26.btf" "header length 26"
btf_refused "/etc/passwd" /etc/passwd "not BTF"

ns_add NS a
ds_start good --netns "/run/netns/$NS" -i 3600 --btf /sys/kernel/btf/vmlinux || finish
v0=$(snmp "$NS" UdpNoPorts)
nsx "$NS" "$UDPSEND" -n 11 127.0.0.1 9 >/dev/null || fail "udpsend"
v=$(($(snmp "$NS" UdpNoPorts) - v0))
sleep 0.3
ds_stop good
check_eq "--btf vmlinux: exit status" 0 "${DSRC[good]}" || show "$T/good.err"
check_eq "--btf vmlinux: drops counted = UdpNoPorts delta" "$v" "$(ds_total "$T/good.out")" ||
	show "$T/good.out"

# map_refused WHAT FILE PATTERN: the symbols command fails at once.
map_refused()
{
	local t0 rc ms
	t0=$(date +%s%N)
	timeout 20 "$DROPSCOPE" symbols --system-map "$2" ffffffff81000000 >"$T/out" 2>"$T/err"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	check_eq "$1: exit status" 1 "$rc"
	check_true "$1: fails fast (${ms} ms < 2000)" test "$ms" -lt 2000
	check_true "$1: names the file and the cause" \
		grep -qE "^dropscope: no symbols: $2: $3" "$T/err" || show "$T/err"
}
map_refused "/dev/zero" /dev/zero "not a regular file"
truncate -s 300M "$T/big.map" || die "truncate"
map_refused "300 MB System.map" "$T/big.map" "larger than 256 MiB"
printf 'ffffffff81000000 T __pfx_foo\nffffffff81000010 t __pfx_bar\n' >"$T/pfx.map"
map_refused "padding-only System.map" "$T/pfx.map" "no symbols in it"
finish
