#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The exporter's own costs (part of `make bench`; alone: bash bench/exporter.sh):
# scrape latency with 1,000 drops_total series (median and max of 100
# scrapes with curl, over loopback) and the RSS after those 100 scrapes,
# beside prometheus-node-exporter's RSS after 100 scrapes of its own.
# Targets (reported, not enforced): scrape < 10 ms, RSS < 12 MB and below
# node_exporter's. Writes $BENCH_OUT/exporter.txt (default bench/results).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DS=$ROOT/dropscope
OUT=${BENCH_OUT:-$ROOT/bench/results}
SERIES=${BENCH_SERIES:-1000}
SCRAPES=${BENCH_SCRAPES:-100}
NS=dsbenchx$$
WORK=$(mktemp -d /tmp/dsbenchx.XXXXXX)
EXP_PID= NE_PID=

cleanup() {
	local p
	for p in $EXP_PID $NE_PID; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
[[ $EUID -eq 0 ]] || { echo "bench/exporter.sh: needs root" >&2; exit 1; }
"$DS" exporter --help >/dev/null 2>&1 || { echo "bench/exporter.sh: no exporter in ./dropscope (static build?)" >&2; exit 1; }
mkdir -p "$OUT"

free_port() {
	local p
	for ((p = 20000 + RANDOM % 20000; ; p++)); do
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
}
wait_port() {
	local i
	for ((i = 0; i < 100; i++)); do
		curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/metrics" && return 0
		sleep 0.1
	done
	return 1
}
# median and max in ms of SCRAPES scrapes of URL
scrape_stats() {
	local i
	for ((i = 0; i < SCRAPES; i++)); do
		curl -s -o /dev/null -w '%{time_total}\n' "$1"
	done | sort -n | awk '{ v[NR] = $1 * 1000 } END { printf "%.2f %.2f\n", v[int((NR + 1) / 2)], v[NR] }'
}
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' /proc/"$1"/status; }

ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add fx0 type veth peer name fx1
ip -n "$NS" link set fx0 up
ip -n "$NS" link set fx1 up

EP=$(free_port)
"$DS" exporter --netns "/run/netns/$NS" --listen "127.0.0.1:$EP" --max-series $((SERIES + 100)) \
	--ready-file "$WORK/ready" 2>"$WORK/exp.err" &
EXP_PID=$!
wait_port "$EP" || { cat "$WORK/exp.err" >&2; exit 1; }
ip netns exec "$NS" "$ROOT/build/bench/ethertypes" fx0 "$SERIES" >/dev/null
sleep 0.3
series=$(curl -s "http://127.0.0.1:$EP/metrics" | grep -c '^dropscope_drops_total{')
read -r ds_med ds_max < <(scrape_stats "http://127.0.0.1:$EP/metrics")
ds_rss=$(rss_kb "$EXP_PID")
# The exporter's own measure of one scrape (reading the kernel + formatting).
srv_ms=$(for ((i = 0; i < 20; i++)); do
	curl -s "http://127.0.0.1:$EP/metrics" | awk '$1 == "dropscope_scrape_duration_seconds" { print $2 * 1000 }'
done | sort -n | awk '{ v[NR] = $1 } END { printf "%.2f\n", v[int((NR + 1) / 2)] }')
bytes=$(curl -s "http://127.0.0.1:$EP/metrics" | wc -c)

ne_rss= ne_med= ne_max=
if command -v prometheus-node-exporter >/dev/null; then
	NP=$(free_port)
	prometheus-node-exporter --web.listen-address="127.0.0.1:$NP" >"$WORK/ne.log" 2>&1 &
	NE_PID=$!
	if wait_port "$NP"; then
		read -r ne_med ne_max < <(scrape_stats "http://127.0.0.1:$NP/metrics")
		ne_rss=$(rss_kb "$NE_PID")
	fi
fi

verdict() { if awk "BEGIN { exit !($1) }"; then echo met; else echo missed; fi; }
{
	echo "dropscope exporter bench, $(date -u +%FT%TZ): kernel $(uname -r), $(nproc) CPUs."
	echo "$series drops_total series ($bytes bytes per scrape), $SCRAPES scrapes with curl over loopback."
	printf '%-28s %12s %12s %12s\n' "" "median ms" "max ms" "RSS MB"
	printf '%-28s %12s %12s %12.1f\n' "dropscope exporter" "$ds_med" "$ds_max" "$(awk "BEGIN { print $ds_rss / 1024 }")"
	if [[ -n $ne_rss ]]; then
		printf '%-28s %12s %12s %12.1f\n' "prometheus-node-exporter" "$ne_med" "$ne_max" "$(awk "BEGIN { print $ne_rss / 1024 }")"
	else
		echo "prometheus-node-exporter: not installed or did not start"
	fi
	echo "dropscope_scrape_duration_seconds (server side, median of 20): $srv_ms ms"
	echo "Targets (reported, not enforced):"
	echo "  [$(verdict "$ds_med < 10")] scrape of $series series < 10 ms (median): $ds_med ms (max $ds_max)"
	echo "  [$(verdict "$ds_rss < 12288")] RSS after $SCRAPES scrapes < 12 MB: $ds_rss kB"
	[[ -z $ne_rss ]] || echo "  [$(verdict "$ds_rss < $ne_rss")] RSS below node_exporter's: $ds_rss kB vs $ne_rss kB"
} | tee "$OUT/exporter.txt"
