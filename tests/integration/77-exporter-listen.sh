#!/bin/bash
# --listen forms (127.0.0.1:PORT, [::1]:PORT, :PORT for all addresses,
# bad ones refused with exit 2), the default address, and --netns given
# as an inode (the counters then come from a process in that namespace),
# also through `dropscope counters`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl jq ss
INJECT=$(tool inject) || exit 1
ns_add NS a
ns_add NI inj
veth_add "$NI" dsi0 "$NS" dsr0
nsx "$NI" "$INJECT" -i dsi0 -m otherhost -n 7 >/dev/null || fail "inject"
ino=$(stat -L -c %i "/run/netns/$NS")

# An inode cannot be entered by itself: a process in the namespace stands in.
ip netns exec "$NS" sleep 1000 &
PIDS+=($!)
sleep 0.2
# :0 = all addresses, dual-stack: reachable on 127.0.0.1 and ::1.
ds_launch all "$T/all.out" exporter --listen :0 --netns "$ino" || finish
port=$(sed -n 's|^dropscope: serving http://\[::\]:\([0-9]*\)/metrics$|\1|p' "$T/all.err")
check_true "serves on [::] (${port:-none})" test -n "$port"
curl -s --max-time 5 "http://127.0.0.1:$port/metrics" >"$T/v4.txt"
curl -s --max-time 5 -g "http://[::1]:$port/metrics" >"$T/v6.txt"
check_eq "IPv4 client" 1 "$(msum "$T/v4.txt" dropscope_up)"
check_eq "IPv6 client" 1 "$(msum "$T/v6.txt" dropscope_up)"
check_eq "--netns INODE: that namespace's device" 7 \
	"$(msum "$T/v4.txt" dropscope_device_drops_total 'device="dsr0"' 'kind="rx_otherhost_dropped"')"
ds_stop all TERM

ds_launch v6 "$T/v6.out" exporter --listen '[::1]:0' || finish
check_true "[::1] form" grep -q '^dropscope: serving http://\[::1\]:' "$T/v6.err"
ds_stop v6 TERM

for bad in 127.0.0.1 localhost:80 127.0.0.1:70000 '[::1:5' 1.2.3.4.5:9 ':x'; do
	"$DROPSCOPE" exporter --listen "$bad" >/dev/null 2>"$T/bad.err"
	check_eq "--listen '$bad' refused" 2 $?
done
"$DROPSCOPE" exporter --max-series 0 >/dev/null 2>&1
check_eq "--max-series 0 refused" 2 $?
"$DROPSCOPE" --listen :1 >/dev/null 2>&1
check_eq "--listen outside the exporter refused" 2 $?

# The default address: 127.0.0.1:19100 unless that is taken here.
if ! ss -Htln 'sport = :19100' | grep -q .; then
	ds_launch def "$T/def.out" exporter || finish
	check_true "default listen 127.0.0.1:19100" grep -q '^dropscope: serving http://127.0.0.1:19100/metrics$' "$T/def.err"
	ds_stop def TERM
fi

# dropscope counters --netns INODE: the same numbers as ip -s -s link.
"$DROPSCOPE" counters --netns "$ino" >"$T/c.txt"
check_eq "counters exit" 0 $?
check_eq "counters: rx_otherhost_dropped = ip" \
	"$(ip -n "$NS" -j -s -s link show dsr0 | jq '.[0].stats64.rx.otherhost // 0')" \
	"$(msum "$T/c.txt" dropscope_device_drops_total 'device="dsr0"' 'kind="rx_otherhost_dropped"')"
"$DROPSCOPE" counters --netns 1 >/dev/null 2>"$T/c.err"
check_eq "counters --netns with an inode nobody is in: exit 2" 2 $?
check_true "... naming it" grep -q -- '--netns 1' "$T/c.err"
finish
