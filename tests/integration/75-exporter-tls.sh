#!/bin/bash
# --tls-cert/--tls-key: HTTPS through libmicrohttpd's GnuTLS with a
# self-signed certificate made here; the certificate verifies, plain HTTP
# on that port gets no metrics, and bad key files are refused at start.
# The files may be reached through symbolic links, as a Kubernetes Secret
# volume mounts them (tls.crt -> ..data/tls.crt, ..data -> ..TIMESTAMP/);
# what they lead to must be a regular file (a FIFO is refused, not waited
# on; so is a directory).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl openssl
# The exporter loads libmicrohttpd at run time (src/mhd.h): ask the library.
MHD_LIB=$(ldconfig -p | awk '/libmicrohttpd\.so\.12 / { print $NF; exit }')
[[ -n $MHD_LIB ]] || die "libmicrohttpd.so.12 not found (libmicrohttpd12)"
ldd "$MHD_LIB" | grep -q libgnutls || skip "libmicrohttpd without GnuTLS"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" -out "$T/cert.pem" \
	>/dev/null 2>&1 || die "openssl req failed"
chmod 600 "$T/key.pem"
ns_add NS a
ex_start tls --netns "/run/netns/$NS" --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" || finish
check_true "says https" grep -q '^dropscope: serving https://' "$T/tls.err"
P=${EXPORT_PORT[tls]}
curl -sS --max-time 5 --cacert "$T/cert.pem" "https://127.0.0.1:$P/metrics" >"$T/m.txt"
check_eq "HTTPS scrape, certificate verified" 1 "$(msum "$T/m.txt" dropscope_up)"
code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/metrics")
check_true "plain HTTP gets no metrics ($code)" test "$code" != 200
check_eq "HTTPS still answers" 200 "$(curl -s --max-time 5 --cacert "$T/cert.pem" -o /dev/null -w '%{http_code}' "https://127.0.0.1:$P/metrics")"
ds_stop tls TERM
check_eq "exit status" 0 "${DSRC[tls]}"

# A Secret volume as the kubelet writes it: the files in a timestamped
# directory, ..data a link to it, each key a link through ..data.
SEC=$T/secret
TSDIR=..2026_12_06_05_00_00.123456789
mkdir -p "$SEC/$TSDIR" || die "mkdir"
cp "$T/cert.pem" "$SEC/$TSDIR/tls.crt" && cp "$T/key.pem" "$SEC/$TSDIR/tls.key" || die "cp"
ln -s "$TSDIR" "$SEC/..data" && ln -s ..data/tls.crt "$SEC/tls.crt" &&
	ln -s ..data/tls.key "$SEC/tls.key" || die "ln -s"
check_true "tls.crt is a link to a link" test -L "$SEC/tls.crt" -a -L "$SEC/..data"
ex_start k8s --tls-cert "$SEC/tls.crt" --tls-key "$SEC/tls.key" || finish
curl -sS --max-time 5 --cacert "$T/cert.pem" "https://127.0.0.1:${EXPORT_PORT[k8s]}/metrics" \
	>"$T/k8s.txt"
check_eq "Secret-volume links: HTTPS scrape, certificate verified" 1 \
	"$(msum "$T/k8s.txt" dropscope_up)"
ds_stop k8s TERM
check_eq "Secret-volume links: exit status" 0 "${DSRC[k8s]}"

mkfifo "$T/key.fifo" || die "mkfifo"
timeout 10 "$DROPSCOPE" exporter --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" \
	--tls-key "$T/key.fifo" >/dev/null 2>"$T/fifo.err"
check_eq "a FIFO as --tls-key: exit 2 (not waited on)" 2 $?
check_true "a FIFO as --tls-key: not a regular file" grep -q "not a regular file" "$T/fifo.err"
ln -s "$SEC/$TSDIR" "$T/dirlink"
"$DROPSCOPE" exporter --listen 127.0.0.1:0 --tls-cert "$T/dirlink" --tls-key "$T/key.pem" \
	>/dev/null 2>"$T/dir.err"
check_eq "a link to a directory as --tls-cert: exit 2" 2 $?
check_eq "a link to a directory: one line" 1 "$(wc -l <"$T/dir.err")"

echo "not a key" >"$T/bad.pem"
"$DROPSCOPE" exporter --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" --tls-key "$T/bad.pem" \
	>/dev/null 2>"$T/bad.err"
check_eq "a bad key: exit 2" 2 $?
check_true "a bad key: one line naming --tls-key and the file" \
	grep -qE "^dropscope: --tls-key .*/bad\.pem holds no usable PEM private key" "$T/bad.err"
check_eq "a bad key: one line" 1 "$(wc -l <"$T/bad.err")"
"$DROPSCOPE" exporter --tls-cert "$T/cert.pem" >/dev/null 2>"$T/half.err"
check_eq "--tls-cert without --tls-key: exit 2" 2 $?
"$DROPSCOPE" exporter --tls-cert "$T/cert.pem" --tls-key "$T/nope.pem" >/dev/null 2>"$T/nope.err"
check_eq "missing key file: exit 2" 2 $?
check_true "missing key file named" grep -q nope.pem "$T/nope.err"
finish
