#!/bin/bash
# Kernel matrix: proves the one static dropscope binary works on OTHER
# kernels. Boots each Debian kernel under qemu (TCG: no KVM) with an
# initramfs of busybox, the static dropscope and a tiny UDP sender; the
# guest's /init (tests/matrix/init.sh) runs dropscope once on its own
# choice of backend and once per forced --backend, makes COUNT UDP drops to
# a closed port on 127.0.0.1, and prints everything on the serial console.
# This script checks, per kernel and run: attached (and with which
# backend), COUNT drops at __udp4_lib_rcv, reason NO_SOCKET on >= 5.17 and
# none/unknown before; a forced backend the kernel is too old for must fail
# with the tool's one-line "cannot attach" error.
#
#   tests/matrix/run.sh [KERNEL_PACKAGE...]
#
# KERNEL_PACKAGE is a Debian package name (linux-image-6.1.0-56-amd64) or a
# meta package (linux-image-amd64, linux-image-6.12-amd64). Default: the
# kernels that linux-image-amd64 and linux-image-6.12-amd64 point at, plus
# the newest linux-image-5.10.0-*-amd64 if the apt sources have one.
#
# Environment: MATRIX_TIMEOUT (seconds per boot, default 300),
# MATRIX_COUNT (datagrams, default 23), DROPSCOPE (a static binary to use
# instead of building one), MATRIX_REPARSE=1 (check the serial logs of the
# last run again instead of booting).
#
# Downloads, kernels, the initramfs and serial logs are kept under
# build/matrix/. The static binary is built in a copy of the tree there
# (build/matrix/tree), so ./dropscope and build-static/ are never touched.
# Ends with "N passed, N failed"; exit 0 only if nothing failed.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/tests/matrix
M=$ROOT/build/matrix
COUNT=${MATRIX_COUNT:-23}
PORT=9
TIMEOUT=${MATRIX_TIMEOUT:-300}
READY_WAIT=60
BACKENDS="auto tp_btf raw_tp tracepoint tracepoint+tracefs filters"
# Oldest kernel that has each backend for skb:kfree_skb.
declare -A MIN_KERNEL=([tp_btf]=5.5 [raw_tp]=4.17 [tracepoint]=0 [tracepoint+tracefs]=0 [auto]=0 [filters]=0)

PASS=0
FAIL=0
QPID=

die()
{
	echo "matrix: $*" >&2
	exit 1
}

cleanup()
{
	# Only the qemu (under timeout) this script started.
	[ -n "$QPID" ] && kill "$QPID" 2>/dev/null
	QPID=
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# Install only what is missing (as the Makefile does).
apt_install()
{
	local missing="" p

	for p in "$@"; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		die "apt-get install$missing failed"
}

# version_ge A B: A >= B, for dotted versions.
version_ge()
{
	[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" = "$2" ]
}

# The kernel image package a name stands for (meta packages resolved).
resolve()
{
	local dep

	dep=$(apt-cache depends "$1" 2>/dev/null |
		awk '/^ *Depends: linux-image-[0-9]/ { print $2; exit }')
	echo "${dep:-$1}"
}

default_kernels()
{
	local old

	resolve linux-image-amd64
	apt-cache show linux-image-6.12-amd64 >/dev/null 2>&1 && resolve linux-image-6.12-amd64
	old=$(apt-cache pkgnames linux-image-5.10 | grep -E '^linux-image-5\.10\.0-[0-9]+-amd64$' |
		sort -V | tail -1)
	if [ -n "$old" ]; then
		echo "$old"
	else
		echo "matrix: no Debian 11 (5.10) kernel in the configured apt sources: not tested" >&2
	fi
}

# fetch PKG: vmlinuz of PKG in $M/kernels/PKG/, downloading the .deb once.
fetch()
{
	local pkg=$1 dir=$M/kernels/$1 deb

	[ -s "$dir/vmlinuz" ] && return 0
	mkdir -p "$M/debs" "$dir"
	deb=$(ls "$M/debs/${pkg}"_*.deb 2>/dev/null | head -1)
	if [ -z "$deb" ]; then
		(cd "$M/debs" && apt-get download "$pkg" >/dev/null 2>"$M/debs/$pkg.err") || {
			cat "$M/debs/$pkg.err" >&2
			return 1
		}
		deb=$(ls "$M/debs/${pkg}"_*.deb | head -1)
	fi
	rm -rf "$dir/x" && mkdir -p "$dir/x"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$dir/x" --wildcards './boot/vmlinuz-*' './boot/config-*' || return 1
	mv "$dir"/x/boot/vmlinuz-* "$dir/vmlinuz" && mv "$dir"/x/boot/config-* "$dir/config"
	rm -rf "$dir/x"
}

# The static binary, built in a private copy of the tree.
build_dropscope()
{
	if [ -n "${DROPSCOPE:-}" ]; then
		file -L "$DROPSCOPE" | grep -q 'statically linked' || die "$DROPSCOPE is not static"
		cp "$DROPSCOPE" "$M/dropscope"
		return
	fi
	mkdir -p "$M/tree"
	rm -rf "$M/tree/src" && cp -a "$ROOT/src" "$ROOT/Makefile" "$M/tree/" || die "copy failed"
	make -C "$M/tree" -s STATIC=1 dropscope >"$M/build.log" 2>&1 || {
		cat "$M/build.log" >&2
		die "make STATIC=1 failed"
	}
	cp "$M/tree/dropscope" "$M/dropscope"
}

# The sctp module and its dependencies, in load order.
SCTP_MODS="crc32c_generic libcrc32c udp_tunnel ip6_udp_tunnel sctp"

build_initrd()
{
	local s=$M/initramfs

	rm -rf "$s" && mkdir -p "$s"/{bin,dev,etc,proc,sys,tmp}
	cp /bin/busybox "$s/bin/busybox"
	ln -s busybox "$s/bin/sh"
	cp "$M/dropscope" "$s/dropscope"
	gcc -static -O2 -Wall -Wextra -Werror "$HERE/udpburst.c" -o "$s/udpburst" ||
		die "udpburst build failed"
	gcc -static -O2 -Wall -Wextra -Werror "$ROOT/tests/tools/pktpurge.c" -o "$s/pktpurge" ||
		die "pktpurge build failed"
	gcc -static -O2 -Wall -Wextra -Werror "$HERE/rawsctp.c" -o "$s/rawsctp" ||
		die "rawsctp build failed"
	# Each kernel's sctp module and what it needs, uncompressed (busybox
	# insmod reads plain ELF; the signature stays appended either way).
	for pkg in "$@"; do
		local deb kv
		deb=$(ls "$M/debs/${pkg}"_*.deb 2>/dev/null | head -1)
		[ -n "$deb" ] || continue
		kv=${pkg#linux-image-}
		mkdir -p "$s/modules/$kv" "$M/x-$kv"
		local pats=() m
		for m in $SCTP_MODS; do pats+=("*/$m.ko*"); done
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$M/x-$kv" --wildcards "${pats[@]}" \
			2>/dev/null
		find "$M/x-$kv" -name '*.ko*' | while read -r f; do
			case $f in
			*.xz) xz -dc "$f" >"$s/modules/$kv/$(basename "${f%.xz}")" ;;
			*.ko) cp "$f" "$s/modules/$kv/" ;;
			esac
		done
		rm -rf "$M/x-$kv"
	done
	install -m 0755 "$HERE/init.sh" "$s/init"
	printf 'COUNT=%s\nPORT=%s\nREADY_WAIT=%s\nBACKENDS="%s"\nSCTP_MODS="%s"\n' \
		"$COUNT" "$PORT" "$READY_WAIT" "$BACKENDS" "$SCTP_MODS" >"$s/etc/matrix.conf"
	mknod -m 600 "$s/dev/console" c 5 1
	mknod -m 666 "$s/dev/null" c 1 3
	(cd "$s" && find . | cpio -o -H newc --quiet | gzip -1) >"$M/initrd.gz" ||
		die "cpio failed"
}

boot()
{
	local pkg=$1 log=$M/logs/$1.log rc

	mkdir -p "$M/logs"
	timeout -k 5 "$TIMEOUT" qemu-system-x86_64 -m 1024 -smp 1 -nographic -no-reboot -nic none \
		-kernel "$M/kernels/$pkg/vmlinuz" -initrd "$M/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1" </dev/null >"$log.raw" 2>&1 &
	QPID=$!
	wait "$QPID"
	rc=$?
	QPID=
	# Plain lines: no CRs, no terminal resets (SeaBIOS and the kernel send
	# ESC c and CSI sequences that end up in front of /init's first line).
	tr -d '\r' <"$log.raw" | sed 's/\x1bc//g; s/\x1b\[[0-9;?]*[A-Za-z]//g' >"$log" &&
		rm -f "$log.raw"
	return $rc
}

# section LOG NAME: the lines of one run, markers excluded.
section()
{
	awk -v n="$2" 'substr($0, index($0, "@@MATRIX ")) == "@@MATRIX BEGIN " n { on = 1; next }
		substr($0, index($0, "@@MATRIX ")) == "@@MATRIX END " n { on = 0 } on' "$1"
}

# udp_rows: "count<TAB>function<TAB>reason" for the udp receive drops in
# dropscope's output (the kernel may inline __udp4_lib_rcv into udp_rcv).
udp_rows()
{
	awk '/^out: [0-9]+ packets dropped at / {
		sub(/^out: /, "")
		n = $1
		rest = substr($0, length($1) + length(" packets dropped at ") + 1)
		reason = "-"
		if (match(rest, / \([^()]*\)$/)) {
			reason = substr(rest, RSTART + 2, RLENGTH - 3)
			rest = substr(rest, 1, RSTART - 1)
		}
		f = rest
		sub(/[+ ].*/, "", f)
		if (f == "__udp4_lib_rcv" || f == "udp_rcv")
			printf "%s\t%s\t%s\n", n, f, reason
	}'
}

# check KVER SECTION-TEXT RUN: one line, tab-separated:
# verdict backend count location reason why.
check()
{
	local kver=$1 text=$2 b=$3 rc sent attached backend rows total reasons funcs err cell

	if [ -z "$text" ]; then
		printf 'FAIL\t-\t-\t-\t-\tthe run printed nothing (guest hung or timed out?)\n'
		return
	fi
	rc=$(sed -n 's/^@@MATRIX rc=\([0-9]*\).*/\1/p' <<<"$text")
	sent=$(sed -n 's/.* sent \([0-9]*\)$/\1/p' <<<"$text")
	attached=$(sed -n 's/^err: dropscope: attached with //p' <<<"$text")
	backend=${attached%% *}
	err=$(grep -m1 '^err: dropscope: cannot attach' <<<"$text" | sed 's/^err: //')

	if ! version_ge "$kver" "${MIN_KERNEL[$b]}"; then
		if [ "$rc" != 0 ] && [ -n "$err" ]; then
			printf 'PASS\tn/a\t-\t-\t-\tclear error: %s\n' "$err"
		else
			printf 'FAIL\t%s\t-\t-\t-\tkernel < %s: rc=%s, no "cannot attach" line\n' \
				"${backend:--}" "${MIN_KERNEL[$b]}" "$rc"
		fi
		return
	fi
	if [ "$rc" != 0 ] || [ -z "$attached" ]; then
		printf 'FAIL\tnone\t-\t-\t-\tdid not attach: rc=%s %s\n' "$rc" "${err:-(see log)}"
		return
	fi
	rows=$(sed -n '/^out: /p' <<<"$text" | udp_rows)
	total=$(awk -F'\t' '{ s += $1 } END { print s + 0 }' <<<"$rows")
	funcs=$(cut -f2 <<<"$rows" | sed '/^$/d' | sort -u | paste -sd, -)
	reasons=$(cut -f3 <<<"$rows" | sed '/^$/d' | sort -u | paste -sd, -)
	printf -v cell '%s\t%s\t%s\t%s\t' "$backend" "$total" "${funcs:--}" "${reasons:--}"
	if [ "$b" != auto ] && [ "$b" != filters ] && [ "$backend" != "${b%+*}" ]; then
		printf 'FAIL\t%swrong backend: asked for %s\n' "$cell" "${b%+*}"
	elif grep -q '^err: dropscope: .*program verdicts not counted' <<<"$text"; then
		printf 'FAIL\t%sthe XDP/tc verdict object did not load: %s\n' "$cell" \
			"$(grep -m1 'program verdicts not counted' <<<"$text" | sed 's/^err: //')"
	elif [ "$sent" != "$COUNT" ]; then
		printf 'FAIL\t%ssender: sent %s of %s\n' "$cell" "${sent:-0}" "$COUNT"
	elif [ "$total" != "$COUNT" ]; then
		printf 'FAIL\t%scounted %s at __udp4_lib_rcv, sent %s\n' "$cell" \
			"$total" "$COUNT"
	elif version_ge "$kver" 5.17 && [ "$reasons" != NO_SOCKET ]; then
		printf 'FAIL\t%sreason %s, want NO_SOCKET (kernel >= 5.17)\n' "$cell" \
			"$reasons"
	elif ! version_ge "$kver" 5.17 && [ "$reasons" != - ] && [ "$reasons" != unknown ]; then
		printf 'FAIL\t%sreason %s on a kernel without drop reasons (< 5.17)\n' \
			"$cell" "$reasons"
	else
		printf 'PASS\t%s%s\n' "$cell" \
			"$(grep -q 'passes no drop reason' <<<"$attached" && echo 'no reason passed')"
	fi
}

# Generic free helpers, as src/helpers.c lists them.
HELPERS='^(kfree_skb_list_reason|kfree_skb_list|kfree_skb_reason|kfree_skb|sk_skb_reason_drop|skb_queue_purge_reason|skb_queue_purge|skb_rbtree_purge|tcp_drop_reason|tcp_drop|dev_kfree_skb_any_reason|dev_kfree_skb_irq_reason|__dev_kfree_skb_any|kfree_skb_partial)$'

# check_caller SECTION-TEXT: "PASS|FAIL<TAB>note". The drops the closed
# packet socket made (the trigger's records from pktpurge) must show in
# dropscope as "N packets dropped at CALLER via HELPER", CALLER being the
# first frame above the location in the kernel's own stack that is not a
# helper, N the packets the socket held.
check_caller()
{
	local text=$1 queued loc kcaller kcount line

	queued=$(sed -n 's/^@@MATRIX rc=0 queued \([0-9]*\)$/\1/p' <<<"$text")
	[ -n "$queued" ] || { printf 'FAIL\tno run, or rc != 0\n'; return; }
	# Per record from pktpurge: past the tracing frames and the function
	# that fires the tracepoint, the first frame is the location (6.1's
	# trace line hashes it: "(____ptrval____)"); the purge's records are
	# those whose location is skb_queue_purge*. Prints "location caller".
	read -r kcount loc kcaller < <(sed -n 's/^trace: //p' <<<"$text" | awk -v helpers="$HELPERS" '
		function flush() { if (loc ~ /^skb_queue_purge/ && caller != "") print loc, caller
			loc = ""; caller = ""; st = 0 }
		/ kfree_skb: / { flush(); mine = /pktpurge-/; next }
		/<stack trace>/ { next }
		mine && /^ => / {
			n = $2; sub(/\+.*/, "", n)
			if (st == 0) {
				if (n ~ /^(trace_event_raw_event_|__traceiter_|__bpf_trace_|bpf_trace_run)/ ||
				    n ~ /^(kfree_skb_reason|sk_skb_reason_drop|kfree_skb)$/)
					next
				loc = n; st = 1; next
			}
			if (st == 1 && n !~ helpers) { caller = n; st = 2 }
			next
		}
		END { flush() }' | sort | uniq -c)
	if [ -z "$kcaller" ] || [ "$kcount" != "$queued" ]; then
		printf 'FAIL\ttrigger: %s records, caller %s; socket held %s\n' "${kcount:-0}" \
			"${kcaller:--}" "$queued"
		return
	fi
	line="$queued packets dropped at $kcaller via $loc"
	if grep -q "^out: $line" <<<"$text"; then
		printf 'PASS\t%s\n' "$line"
	else
		printf 'FAIL\twant "%s", got: %s\n' "$line" \
			"$(grep 'via' <<<"$text" | head -n 2 | paste -sd' ' -)"
	fi
}

# check_module SECTION-TEXT: "PASS|FAIL<TAB>note". The SCTP packets sent
# after the sctp module was loaded (dropscope already running) are counted
# at one location printed as func+0xOFF/0xSIZE [sctp], exactly as many as
# were sent, and the kernel's own stack names that frame the same way.
check_module()
{
	local text=$1 sent kframe kcount line

	sent=$(sed -n 's/^@@MATRIX rc=0 sent \([0-9]*\)$/\1/p' <<<"$text")
	[ -n "$sent" ] || { printf 'FAIL\tno run, rc != 0 or modules not loaded: %s\n' \
		"$(grep -E '^(ins|err): ' <<<"$text" | head -n 3 | paste -sd' ' -)"; return; }
	# The first frame past the tracing ones and the freeing function, of
	# the records by rawsctp that are in [sctp].
	read -r kcount kframe < <(sed -n 's/^trace: //p' <<<"$text" | awk '
		/ kfree_skb: / { mine = /rawsctp-/; st = 0; next }
		/<stack trace>/ { next }
		mine && st == 0 && /^ => / {
			n = $2; sub(/\+.*/, "", n)
			if (n ~ /^(trace_event_raw_event_|__traceiter_|__bpf_trace_|bpf_trace_run)/ ||
			    n ~ /^(kfree_skb_reason|sk_skb_reason_drop|kfree_skb)$/) next
			st = 1
			if ($3 == "[sctp]") print $2 " [sctp]"
		}' | sort | uniq -c | sort -rn | head -n 1)
	if [ "$kcount" != "$sent" ]; then
		printf 'FAIL\ttrigger: %s records in [sctp] (%s), sent %s\n' "${kcount:-0}" \
			"${kframe:--}" "$sent"
		return
	fi
	line="out: $sent packets dropped at $kframe ("
	if grep -qF "$line" <<<"$text"; then
		printf 'PASS\t%s\n' "${line#out: }..."
	else
		printf 'FAIL\twant "%s", got: %s\n' "${line#out: }" \
			"$(grep '\[sctp\]' <<<"$text" | grep '^out' | head -n 2 | paste -sd' ' -)"
	fi
}

# check_events KVER SECTION-TEXT: "PASS|FAIL<TAB>note". Events mode with
# -c COUNT: exit 0 at --count with one line per datagram at the UDP
# receive drop, and the events batched where the kernel can run the flush
# program on a chosen CPU (5.10+).
check_events()
{
	local kver=$1 text=$2 rc n batched

	rc=$(sed -n 's/^@@MATRIX rc=\([0-9]*\).*/\1/p' <<<"$text")
	n=$(grep -cE "^out: .* UDP 127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:$PORT len [0-9]+ .*(__udp4_lib_rcv|udp_rcv)\+" <<<"$text")
	batched=$(grep -c '^err: dropscope: events batched per CPU' <<<"$text")
	if [ "$rc" != 0 ]; then
		printf 'FAIL\texit %s: %s\n' "${rc:-none}" \
			"$(grep '^err: ' <<<"$text" | tail -n 2 | paste -sd' ' -)"
	elif [ "$n" != "$COUNT" ]; then
		printf 'FAIL\t%s event lines at the UDP receive drop, sent %s\n' "$n" "$COUNT"
	elif ! grep -q '^err: dropscope: .*(stopped at --count)' <<<"$text"; then
		printf 'FAIL\tno "(stopped at --count)" accounting line\n'
	elif version_ge "$kver" 5.10 && [ "$batched" != 1 ]; then
		printf 'FAIL\tevents not batched on a 5.10+ kernel\n'
	else
		printf 'PASS\t%s events, exit 0 at --count%s\n' "$n" \
			"$([ "$batched" = 1 ] && echo ', batched' || echo ', one record each')"
	fi
}

main()
{
	local kernels=() k pkg log kver b text res verdict table=() failures=""

	apt_install qemu-system-x86 busybox-static cpio gzip xz-utils file make gcc clang llvm \
		libbpf-dev libelf-dev zlib1g-dev bpftool
	mkdir -p "$M"
	if [ $# -gt 0 ]; then
		for k in "$@"; do kernels+=("$(resolve "$k")"); done
	else
		mapfile -t kernels < <(default_kernels)
	fi
	[ ${#kernels[@]} -gt 0 ] || die "no kernels to test"
	echo "matrix: kernels: ${kernels[*]}"

	build_dropscope
	for pkg in "${kernels[@]}"; do fetch "$pkg" || true; done
	build_initrd "${kernels[@]}"
	echo "matrix: $("$M/dropscope" --version), $COUNT datagrams per run," \
		"$TIMEOUT s per boot (TCG)"

	for pkg in "${kernels[@]}"; do
		log=$M/logs/$pkg.log
		if ! fetch "$pkg"; then
			echo "matrix: $pkg: cannot download or unpack" >&2
			FAIL=$((FAIL + 1))
			table+=("$pkg	-	FAIL	-	-	-	-	not downloadable")
			continue
		fi
		if [ "${MATRIX_REPARSE:-0}" = 1 ] && [ -s "$log" ]; then
			echo "matrix: $pkg: checking the last serial log $log (MATRIX_REPARSE=1)"
		else
			echo "matrix: booting $pkg ..."
			SECONDS=0
			boot "$pkg"
			echo "matrix: $pkg: qemu exited $? after ${SECONDS}s, serial log $log"
		fi
		kver=$(sed -n 's/.*@@MATRIX uname \([0-9]*\.[0-9]*\).*/\1/p' "$log")
		if ! grep -q '@@MATRIX DONE$' "$log"; then
			failures+="
--- $pkg: the guest did not finish (timeout ${TIMEOUT}s?); last lines:
$(tail -20 "$log")"
		fi
		if [ -z "$kver" ]; then
			FAIL=$((FAIL + 1))
			table+=("$pkg	-	FAIL	-	-	-	-	guest never ran /init")
			continue
		fi
		for b in $BACKENDS; do
			text=$(section "$log" "$b")
			IFS=$'\t' read -r verdict res <<<"$(check "$kver" "$text" "$b")"
			if [ "$verdict" = PASS ]; then
				PASS=$((PASS + 1))
			else
				FAIL=$((FAIL + 1))
				failures+="
--- $pkg / $b: ${res##*$'\t'}
$(grep -E '^(@@MATRIX rc=|err: )' <<<"$text" | sed 's/^/    /')"
			fi
			table+=("$(sed -n 's/.*@@MATRIX uname //p' "$log")	$b	$verdict	$res")
		done
		IFS=$'\t' read -r verdict res <<<"$(check_caller "$(section "$log" caller)")"
		if [ "$verdict" = PASS ]; then
			PASS=$((PASS + 1))
		else
			FAIL=$((FAIL + 1))
			failures+="
--- $pkg / --by caller: $res"
		fi
		table+=("$(sed -n 's/.*@@MATRIX uname //p' "$log")	--by caller	$verdict	-	-	-	-	$res")
		IFS=$'\t' read -r verdict res <<<"$(check_events "$kver" "$(section "$log" events)")"
		if [ "$verdict" = PASS ]; then
			PASS=$((PASS + 1))
		else
			FAIL=$((FAIL + 1))
			failures+="
--- $pkg / events: $res"
		fi
		table+=("$(sed -n 's/.*@@MATRIX uname //p' "$log")	events	$verdict	-	-	-	-	$res")
		IFS=$'\t' read -r verdict res <<<"$(check_module "$(section "$log" module)")"
		if [ "$verdict" = PASS ]; then
			PASS=$((PASS + 1))
		else
			FAIL=$((FAIL + 1))
			failures+="
--- $pkg / module: $res"
		fi
		table+=("$(sed -n 's/.*@@MATRIX uname //p' "$log")	module	$verdict	-	-	-	-	$res")
	done

	echo
	echo "Results ($COUNT UDP datagrams to 127.0.0.1:$PORT per run; count and reason at" \
		"__udp4_lib_rcv; 'tracepoint' runs without tracefs mounted, '+tracefs' with):"
	{
		printf 'kernel\trun\tresult\tbackend\tcount\tlocation\treason\tnote\n'
		printf '%s\n' "${table[@]}"
	} | column -t -s $'\t'
	if [ -n "$failures" ]; then
		echo
		echo "Failures:$failures"
	fi
	echo
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}

main "$@"
