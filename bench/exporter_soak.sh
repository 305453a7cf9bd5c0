#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The exporter's soak (part of `make bench`; alone: bash bench/exporter_soak.sh
# after `make test-bins`): a node whose pods come and go. An exporter with
# --by location,reason,netns is scraped every 0.5 s while BENCH_SOAK_NS
# (10,000) short-lived namespaces (tests/tools/nschurn: unshare, lo up,
# 3 NO_SOCKET drops, exit; 64 alive at once) churn; then its RSS, the
# in-kernel table's rows (bpftool), the series it exposes, and the median
# and max of the scrapes during the churn and of 100 after it.
# Targets (reported, not enforced): RSS < 12 MB, scrape < 10 ms.
# Writes $BENCH_OUT/exporter-soak.txt (default bench/results).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DS=$ROOT/dropscope
CHURN=$ROOT/build/tools/nschurn
OUT=${BENCH_OUT:-$ROOT/bench/results}
NSN=${BENCH_SOAK_NS:-10000}
WORK=$(mktemp -d /tmp/dssoak.XXXXXX)
EXP_PID= LOOP_PID=

cleanup() {
	local p
	for p in $LOOP_PID $EXP_PID; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
[[ $EUID -eq 0 ]] || { echo "bench/exporter_soak.sh: needs root" >&2; exit 1; }
[[ -x $CHURN ]] || { echo "bench/exporter_soak.sh: $CHURN missing (make test-bins)" >&2; exit 1; }
mkdir -p "$OUT"

free_port() {
	local p
	for ((p = 20000 + RANDOM % 20000; ; p++)); do
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
}
stats() { sort -n | awk '{ v[NR] = $1 * 1000 } END { printf "%.2f %.2f\n", v[int((NR + 1) / 2)], v[NR] }'; }
EP=$(free_port)
"$DS" exporter --by location,reason,netns --listen "127.0.0.1:$EP" --ready-file "$WORK/ready" \
	2>"$WORK/exp.err" &
EXP_PID=$!
for ((i = 0; i < 100; i++)); do
	curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$EP/metrics" && break
	sleep 0.1
done
(
	while :; do
		curl -s -o /dev/null -w '%{time_total}\n' --max-time 5 "http://127.0.0.1:$EP/metrics"
		sleep 0.5
	done
) >"$WORK/during.txt" &
LOOP_PID=$!
t0=$(date +%s)
"$CHURN" -n "$NSN" -d 3 -P 64 -t 1200 | tail -n 1 >"$WORK/churn.txt"
secs=$(($(date +%s) - t0))
sleep 2
kill -TERM "$LOOP_PID" 2>/dev/null || true
wait "$LOOP_PID" 2>/dev/null || true
LOOP_PID=
read -r dmed dmax < <(stats <"$WORK/during.txt")
for ((i = 0; i < 100; i++)); do
	curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$EP/metrics"
done >"$WORK/after.txt"
read -r amed amax < <(stats <"$WORK/after.txt")
curl -s "http://127.0.0.1:$EP/metrics" >"$WORK/m.txt"
rss=$(awk '$1 == "VmRSS:" { print $2 }' /proc/"$EXP_PID"/status)
hwm=$(awk '$1 == "VmHWM:" { print $2 }' /proc/"$EXP_PID"/status)
rows=?
for f in /proc/"$EXP_PID"/fdinfo/*; do
	id=$(awk '$1 == "map_id:" { print $2 }' "$f" 2>/dev/null)
	[[ -n $id ]] || continue
	if bpftool -j map show id "$id" 2>/dev/null | jq -e '.name == "drops"' >/dev/null; then
		rows=$(bpftool -j map dump id "$id" 2>/dev/null | jq length)
	fi
done
val() { awk -v m="$1" '$1 == m { print $2 }' "$WORK/m.txt"; }
met() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "met" : "MISSED" }'; }
{
	echo "dropscope exporter soak, $(date -u +%Y-%m-%dT%H:%M:%SZ): kernel $(uname -r), $(nproc) CPUs."
	echo "$(cat "$WORK/churn.txt") in ${secs} s (64 alive at once), --by location,reason,netns, scraped every 0.5 s."
	echo "after the churn: RSS $((rss / 1024)).$(((rss % 1024) * 10 / 1024)) MB (peak $((hwm / 1024)).$(((hwm % 1024) * 10 / 1024)) MB), kernel table rows ${rows}, series $(val dropscope_series)"
	echo "rows freed $(val dropscope_table_rows_freed_total), series evicted $(val dropscope_series_evicted_total), folded $(val dropscope_series_folded_total), table overflow $(val dropscope_table_overflow_total)"
	echo "scrape ms during the churn ($(wc -l <"$WORK/during.txt")): median $dmed, max $dmax; after (100): median $amed, max $amax"
	echo "Targets (reported, not enforced):"
	echo "  [$(met "$rss" 12288)] RSS after the churn < 12 MB: $rss kB"
	echo "  [$(met "$dmed" 10)] scrape during the churn < 10 ms (median): $dmed ms (max $dmax)"
} | tee "$OUT/exporter-soak.txt"
