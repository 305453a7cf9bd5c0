#!/bin/bash
# A real Prometheus server scrapes two exporters, each filtered to its own
# namespace (a "node"); after known drops in each, the server's HTTP API
# answers sum by (instance, reason) (dropscope_drops_total) with exactly
# what was sent to each, and the device counter of one node with what
# `ip -s -s link` says.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl jq prometheus
UDPSEND=$(tool udpsend) || exit 1
TCPSYN=$(tool tcpsyn) || exit 1
INJECT=$(tool inject) || exit 1

NA=41 # UDP to a closed port in node a
NB=17 # TCP SYNs to a closed port in node b
NOH=13 # foreign-MAC frames into node b
ns_add A a
ns_add B b
ns_add NI inj
veth_add "$NI" dsi0 "$B" dsr0

ex_start a --netns "/run/netns/$A" || finish
ex_start b --netns "/run/netns/$B" || finish

free_port()
{
	local p
	for ((p = 20000 + RANDOM % 10000; ; p++)); do
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
}
PPORT=$(free_port)
cat >"$T/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: dropscope
    static_configs:
      - targets: ['127.0.0.1:${EXPORT_PORT[a]}', '127.0.0.1:${EXPORT_PORT[b]}']
EOC
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
	--web.listen-address="127.0.0.1:$PPORT" >"$T/prometheus.log" 2>&1 &
PIDS+=($!)
PROM_PID=$!

query()
{
	curl -sS --max-time 3 --data-urlencode "query=$1" "http://127.0.0.1:$PPORT/api/v1/query"
}

nsx "$A" "$UDPSEND" -n $NA 127.0.0.1 9 >/dev/null || fail "udpsend"
nsx "$B" "$TCPSYN" -n $NB 127.0.0.1 9 >/dev/null || fail "tcpsyn"
nsx "$NI" "$INJECT" -i dsi0 -m otherhost -n $NOH >/dev/null || fail "inject"
oh=$(ip -n "$B" -j -s -s link show dsr0 | jq '.[0].stats64.rx.otherhost // 0')

IA="127.0.0.1:${EXPORT_PORT[a]}"
IB="127.0.0.1:${EXPORT_PORT[b]}"
# Each exporter also serves the (empty) location="other" series.
want=$(printf '%s NO_SOCKET %s\n%s NO_SOCKET %s\n%s OTHERHOST %s\n%s other 0\n%s other 0\n' \
	"$IA" $NA "$IB" $NB "$IB" $NOH "$IA" "$IB" | sort)
got=""
for ((i = 0; i < 60; i++)); do
	got=$(query 'sum by (instance, reason) (dropscope_drops_total)' 2>/dev/null |
		jq -r '.data.result[]? | "\(.metric.instance) \(.metric.reason) \(.value[1])"' 2>/dev/null | sort)
	[[ $got == "$want" ]] && break
	kill -0 $PROM_PID 2>/dev/null || break
	sleep 0.5
done
check_eq "Prometheus: sum by (instance, reason)" "$want" "$got" || show "$T/prometheus.log" 20
got=$(query "dropscope_device_drops_total{instance=\"$IB\",device=\"dsr0\",kind=\"rx_otherhost_dropped\"}" |
	jq -r '.data.result[0].value[1]')
check_eq "Prometheus: node b dsr0 rx_otherhost_dropped = ip -s -s link" "$oh" "$got"
got=$(query 'up{job="dropscope"}' | jq -r '.data.result[].value[1]' | sort -u | paste -sd' ')
check_eq "Prometheus: both targets up" 1 "$got"
got=$(query "dropscope_up" | jq -r '.data.result | length')
check_eq "Prometheus: dropscope_up from both" 2 "$got"

kill -TERM $PROM_PID
wait $PROM_PID 2>/dev/null
ds_stop a TERM
ds_stop b TERM
check_eq "exporter a exit" 0 "${DSRC[a]}"
check_eq "exporter b exit" 0 "${DSRC[b]}"
finish
