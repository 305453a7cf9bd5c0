#!/bin/bash
# The libraries only one command uses are loaded by that command at run time
# (dlopen), not linked into every one: ncursesw and libtinfo (top), libpcap
# (events with an expression), libmicrohttpd and GnuTLS (exporter). Linked,
# they cost every command resident memory and relocations at exec (#20's
# footprint target). Checked three ways:
#  - a running summary has none of them mapped (/proc/PID/maps) and the
#    binary does not name them as needed (readelf -d);
#  - with libncursesw's file (then libtinfo's) made unreadable in a private
#    mount namespace, `top` says which package to install in one line and
#    exits 1 without touching stdout;
#  - in that same mount namespace a summary still starts and counts UDP
#    drops in a namespace exactly (truth: the namespace's UdpNoPorts).
. "$(dirname "$0")/lib.sh"
# Libraries, not the tracepoint: one backend says it all.
[[ $BACKEND == tp_btf ]] || skip "runs once"
require nstat unshare readelf ldconfig
UDPSEND=$(tool udpsend) || exit 1

N=29
LAZY='libncursesw|libtinfo|libpcap|libmicrohttpd|libgnutls'
ns_add NS a

if file -b "$DROPSCOPE" | grep -q 'statically linked'; then
	# The static build links ncursesw in (a static binary cannot dlopen).
	skip "$DROPSCOPE is statically linked"
fi

# --- what the binary needs at exec, and what a running summary maps ---
readelf -d "$DROPSCOPE" | awk '/\(NEEDED\)/ { print $NF }' >"$T/needed.txt"
check_true "readelf -d lists NEEDED libraries" test -s "$T/needed.txt"
check_eq "no lazily loaded library is NEEDED" "" \
	"$(grep -E "$LAZY" "$T/needed.txt" | paste -sd' ')" || show "$T/needed.txt"

ds_start maps --netns "/run/netns/$NS" -i 3600 || finish
cp "/proc/${DSPID[maps]}/maps" "$T/summary.maps"
ds_stop maps
ds_check_stopped maps
check_true "the summary's maps list libbpf (the maps were read)" grep -q 'libbpf' "$T/summary.maps"
check_eq "a summary maps none of ncursesw, tinfo, pcap, microhttpd, gnutls" "" \
	"$(grep -oE "($LAZY)[^ ]*" "$T/summary.maps" | sort -u | paste -sd' ')"

# --- the libraries made unreadable, one at a time ---
# The file the dynamic loader would open (its cache names it; the bind mount
# goes on the file the symlink points to).
lib_path()
{
	local p
	p=$(ldconfig -p | awk -v n="$1" '$1 == n && /x86-64|64bit|AArch64/ { print $NF; exit }')
	[[ -n $p ]] && readlink -f "$p"
}

: >"$T/empty.so"
# hidden LIBFILE CMD...: CMD in a private mount namespace where LIBFILE is
# an empty file (the dynamic loader refuses it: "file too short"). The
# mount goes away with the namespace, when CMD exits.
hidden()
{
	local lib=$1
	shift
	unshare --mount --propagation private \
		sh -c 'mount --bind "$1" "$2" || exit 99; shift 2; exec "$@"' sh \
		"$T/empty.so" "$lib" "$@"
}

for soname in libncursesw.so.6 libtinfo.so.6; do
	lib=$(lib_path "$soname")
	if [[ -z $lib ]]; then
		log "$soname is not installed: top must say so as it is"
		hide=()
	else
		hide=(hidden "$lib")
	fi
	"${hide[@]}" "$DROPSCOPE" top --backend="$BACKEND" </dev/null >"$T/top.out" 2>"$T/top.err"
	rc=$?
	[[ $rc == 99 ]] && skip "cannot bind-mount over $lib here"
	check_eq "top without $soname: exit 1" 1 "$rc" || show "$T/top.err"
	check_eq "top without $soname: one line on stderr" 1 "$(wc -l <"$T/top.err")"
	check_true "top without $soname: names the package (libncursesw6)" \
		grep -qE '^dropscope: top: cannot load libncursesw\.so\.6: .*\(install libncursesw6\)$' \
		"$T/top.err" || show "$T/top.err"
	check_true "top without $soname: the reason names $soname" \
		grep -qF "$soname" "$T/top.err"
	check_eq "top without $soname: nothing on stdout" 0 "$(wc -c <"$T/top.out")"
done

lib=$(lib_path libncursesw.so.6)
[[ -n $lib ]] || finish
# --- a summary where ncursesw cannot be loaded: counts as ever ---
hidden "$lib" "$DROPSCOPE" --version >"$T/version.out" 2>"$T/version.err"
check_eq "--version without ncursesw: exit 0" 0 $? || show "$T/version.err"
DROPSCOPE_REAL=$DROPSCOPE
printf '#!/bin/bash\nexec unshare --mount --propagation private sh -c '\''mount --bind "$1" "$2" || exit 99; shift 2; exec "$@"'\'' sh %q %q %q "$@"\n' \
	"$T/empty.so" "$lib" "$DROPSCOPE_REAL" >"$T/hidden-ds"
chmod +x "$T/hidden-ds"
DROPSCOPE=$T/hidden-ds
ds_start hidden --netns "/run/netns/$NS" -r -i 3600 || finish
DROPSCOPE=$DROPSCOPE_REAL
check_true "the running summary cannot see ncursesw (its mount namespace)" \
	test "$(stat -L -c %s "/proc/${DSPID[hidden]}/root$lib")" = 0
v0=$(snmp "$NS" UdpNoPorts)
nsx "$NS" "$UDPSEND" -n $N 127.0.0.1 9 >/dev/null || fail "udpsend"
v=$(($(snmp "$NS" UdpNoPorts) - v0))
sleep 0.3
ds_stop hidden
ds_check_stopped hidden
check_eq "UdpNoPorts delta" $N "$v"
check_eq "summary without ncursesw: __udp4_lib_rcv NO_SOCKET" "$v" \
	"$(ds_sum "$T/hidden.out" __udp4_lib_rcv NO_SOCKET)" || show "$T/hidden.out"
check_only "$T/hidden.out" "$N"
finish
