#!/bin/bash
# The exporter's start-up failures, each with its own one-line message that
# names the cause and the fix, and its own exit status (2: what the user
# gave is wrong; 1: the system's state), found before anything is attached:
#   a port in use (held here by tcplisten; ss confirms it listens),
#   an address this machine does not have (confirmed with ip addr),
#   a missing --tls-key, a --tls-key that is no key, and a key that does
#   not match the certificate (openssl makes two pairs).
. "$(dirname "$0")/lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require ss openssl ip
TCPLISTEN=$(tool tcplisten) || exit 1
MHD_LIB=$(ldconfig -p | awk '/libmicrohttpd\.so\.12 / { print $NF; exit }')
[[ -n $MHD_LIB ]] || die "libmicrohttpd.so.12 not found (libmicrohttpd12)"

# expect WHAT RC LINE ARGS...: `dropscope exporter ARGS` exits RC having
# said exactly LINE on stderr (one line), and nothing on stdout.
expect()
{
	local what=$1 rc=$2 line=$3 got
	shift 3
	timeout 20 "$DROPSCOPE" exporter "$@" >"$T/x.out" 2>"$T/x.err"
	got=$?
	check_eq "$what: exit status" "$rc" "$got" || show "$T/x.err"
	check_eq "$what: the one line said" "$line" "$(cat "$T/x.err")"
	check_eq "$what: nothing on stdout" "" "$(cat "$T/x.out")"
}

# A port in use: held by a listener of ours until the go file appears.
# (A port below the ephemeral range that nothing listens on, tried a few times.)
port=
for ((i = 0; i < 20; i++)); do
	p=$((20000 + (RANDOM + $$) % 10000))
	ss -Htln "sport = :$p" | grep -q . && continue
	rm -f "$T/held.ready"
	"$TCPLISTEN" -r "$T/held.ready" -w "$T/held.go" -t 60 127.0.0.1 "$p" >"$T/held.out" 2>&1 &
	PIDS+=($!)
	for ((j = 0; j < 50; j++)); do
		[[ -s $T/held.ready ]] && break
		kill -0 "${PIDS[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	[[ -s $T/held.ready ]] && port=$p && break
done
[[ -n $port ]] || die "tcplisten found no port to hold: $(cat "$T/held.out")"
check_true "ss: 127.0.0.1:$port is listening" grep -q . <<<"$(ss -Htln "sport = :$port")"
expect "port in use" 1 \
	"dropscope: address 127.0.0.1:$port is in use; stop what listens there or choose another with --listen" \
	--listen "127.0.0.1:$port"
touch "$T/held.go"

# An address of no interface here (TEST-NET-1, RFC 5737).
NOTHERE=192.0.2.77
check_eq "ip addr: $NOTHERE is not local" "" "$(ip -o addr show | grep -F " $NOTHERE/")"
expect "non-local address" 2 \
	"dropscope: --listen $NOTHERE:19100: not an address of this machine; give one it has (ip -br addr) or :PORT for all" \
	--listen "$NOTHERE:19100"

# TLS files: two pairs, so that a key of the other pair does not match.
for p in 1 2; do
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
		-keyout "$T/key$p.pem" -out "$T/cert$p.pem" >/dev/null 2>&1 || die "openssl req"
done
C=$T/cert1.pem
expect "missing key" 2 \
	"dropscope: cannot read --tls-key $T/nope.pem: No such file or directory" \
	--listen 127.0.0.1:0 --tls-cert "$C" --tls-key "$T/nope.pem"
expect "missing certificate" 2 \
	"dropscope: cannot read --tls-cert $T/nocert.pem: No such file or directory" \
	--listen 127.0.0.1:0 --tls-cert "$T/nocert.pem" --tls-key "$T/key1.pem"
expect "key of another certificate" 2 \
	"dropscope: --tls-cert $C and --tls-key $T/key2.pem: certificate and key do not match; give the key the certificate was made for" \
	--listen 127.0.0.1:0 --tls-cert "$C" --tls-key "$T/key2.pem"
# A certificate given as the key: the key file is named at fault.
timeout 20 "$DROPSCOPE" exporter --listen 127.0.0.1:0 --tls-cert "$C" --tls-key "$C" \
	>/dev/null 2>"$T/x.err"
check_eq "certificate as key: exit status" 2 $?
check_true "certificate as key: one line naming --tls-key" \
	grep -qxE "dropscope: --tls-key $(printf '%s' "$C" | sed 's/[.]/\\./g') holds no usable PEM private key \(.*\); give the key file, unencrypted" \
	"$T/x.err"
check_eq "certificate as key: one line" 1 "$(wc -l <"$T/x.err")"
# The matching pair still starts (the checks refuse only what is wrong).
"$DROPSCOPE" exporter --listen 127.0.0.1:0 --tls-cert "$C" --tls-key "$T/key1.pem" \
	--ready-file "$T/ok.ready" >/dev/null 2>"$T/ok.err" &
okpid=$!
PIDS+=("$okpid")
for ((i = 0; i < 100; i++)); do
	[[ -e $T/ok.ready ]] && break
	kill -0 "$okpid" 2>/dev/null || break
	sleep 0.1
done
check_true "the matching pair serves" grep -q '^dropscope: serving https://127.0.0.1:' "$T/ok.err" ||
	show "$T/ok.err"
kill -TERM "$okpid" 2>/dev/null
wait "$okpid"
check_eq "the matching pair: exit status after SIGTERM" 0 $?
finish
