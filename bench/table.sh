#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print bench/results/latest.json (or $1) as the short text table for the README.
set -euo pipefail
J=${1:-$(dirname "$0")/results/latest.json}

jq -r '"dropscope bench, \(.date): kernel \(.machine.kernel), \(.machine.cpus) CPUs (\(.machine.cpu)).",
	"\(.method.repetitions) runs x \(.method.seconds_per_run) s per configuration and flood, alternating;" +
	" flood pinned to CPU \(.method.flood_cpu), tools to CPU \(.method.tool_cpu).",
	"drops/s: median (min-max). ns/drop = (1/rate - 1/rate_none) * 1e9 from medians; ns/cpu: the",
	"same from drops per second of CPU the flood got (immune to other load on the machine).",
	"count-sent: the tool'"'"'s total minus packets sent (\"exact\" = equal in every run; n/a = no count).",
	"+floor: ns/drop above the floor row (an empty tp_btf program on kfree_skb, bench/floor.bpf.c).",
	"CPU s: the tool'"'"'s utime+stime over its life; RSS: VmHWM before SIGINT (max over runs);",
	"attach: exec to attached, stop: SIGINT to reaped (both max over runs)."' "$J"
jq -r '.skipped[]? | "skipped: \(.)"' "$J"

fmt_k() { # 219876.4 -> 219.9k
	awk -v v="$1" 'BEGIN { if (v == "-") print "-"; else printf "%.1fk", v / 1000 }'
}

for flood in $(jq -r '.floods[]' "$J"); do
	case $flood in
	udp) title="UDP to a closed port on lo (NO_SOCKET; truth: Udp NoPorts)" ;;
	otherhost) title="AF_PACKET frames for a foreign MAC on veth (OTHERHOST; truth: rx_otherhost_dropped)" ;;
	*) title=$flood ;;
	esac
	share=$(jq -r --arg f "$flood" '.results[] | select(.flood == $f and .config == "none") |
		.flood_cpu_share // empty | . * 100 | round' "$J")
	printf '\n%s%s\n' "$title" "${share:+, flood got ${share}% of its CPU}"
	printf '%-40s %-23s %6s %7s %7s %6s %-12s %6s %6s %6s %6s\n' "configuration" \
		"drops/s (min-max)" "ratio" "ns/drop" "ns/cpu" "+floor" "count-sent" "CPU s" "RSS MB" \
		"attach" "stop"
	jq -r --arg f "$flood" '
		def d: if . == null then "-" else tostring end;
		def cnt: if .count == null then "n/a"
			elif .count.exact_runs == .runs then "exact"
			elif .count.minus_sent.min == .count.minus_sent.max then "\(.count.minus_sent.min)"
			else "\(.count.minus_sent.min)..\(.count.minus_sent.max)" end;
		.results[] | select(.flood == $f) |
		[.description, (.rate.median | d), (.rate.min | d), (.rate.max | d), (.ratio | d),
		 (.overhead_ns | d), (.cpu_overhead_ns | d), (.over_floor_ns | d), cnt,
		 (.tool_cpu_s.median | d),
		 (if .rss_kb.max then (.rss_kb.max / 1024 * 10 | round / 10 | tostring) else "-" end),
		 (if .attach_ms.max then "\(.attach_ms.max | round)ms" else "-" end),
		 (if .stop_ms.max then "\(.stop_ms.max | round)ms" else "-" end),
		 ([(if .failed > 0 then "\(.failed) failed" else empty end),
		   (if (.unusable_runs // 0) > 0 then
		      "\(.unusable_runs)/\(.runs) runs UNUSABLE (other kfree_skb programs)" +
		      (if .rate_runs == 0 then ": no figures" else "" end)
		    else empty end)] | if length > 0 then "(" + join("; ") + ")" else "-" end)] | @tsv' "$J" |
		while IFS=$'\t' read -r desc med lo hi ratio ns cns fl cnt cpu rss att stop failed; do
			rate="$(fmt_k "$med") ($(fmt_k "$lo")-$(fmt_k "$hi"))"
			[[ $ratio == - ]] || ratio=$(printf '%.3f' "$ratio")
			[[ $ns == - ]] || ns=$(printf '%.0f' "$ns")
			[[ $cns == - ]] || cns=$(printf '%.0f' "$cns")
			[[ $fl == - ]] || fl=$(printf '%.0f' "$fl")
			[[ $cpu == - ]] || cpu=$(printf '%.2f' "$cpu")
			printf '%-40s %-23s %6s %7s %7s %6s %-12s %6s %6s %6s %6s' "$desc" "$rate" \
				"$ratio" "$ns" "$cns" "$fl" "$cnt" "$cpu" "$rss" "$att" "$stop"
			[[ $failed == - ]] && printf '\n' || printf ' %s\n' "$failed"
		done
	jq -r --arg f "$flood" '.results[] | select(.flood == $f and .events != null) |
		"  \(.description): \(.events.printed_per_s.median // 0 | round) events/s printed," +
		" lost \(.events.lost.median // 0), over --rate \(.events.over_rate.median // 0) (medians);" +
		" printed + lost + over-rate = counted in \(.events.balanced_runs)/\(.runs) runs"' "$J"
done

printf '\n'
jq -r '.symbols | def ms: if . == null then "-" else (. * 100 | round / 100 | tostring) + " ms" end;
	"kallsyms (medians): cat /proc/kallsyms \(.cat_ms.median | ms)" +
	(if .dropscope_self_ms.median then
	   ", dropscope symbol table \(.dropscope_self_ms.median | ms) (its --stats)," +
	   " `dropscope symbols --stats` wall \(.dropscope_wall_ms.median | ms)"
	 else ", dropscope symbols --stats: not available" end)' "$J"

printf '\nTargets (reported, not enforced):\n'
jq -r 'def mark: if . == true then "met" elif . == false then "MISSED" else "n/a" end;
	.targets[] | "  [\(.met | mark)] \(.target): " +
	(if .value == null then (.note // "no data")
	 elif (.value | type) == "object" then (.value | tostring)
	 else "\(.value)" + (if .limit then " (limit \(.limit))" else "" end) end) +
	(if has("cpu_met") and .cpu_value != null then "; per CPU-second: \(.cpu_value) (limit \(.cpu_limit)) [\(.cpu_met | mark)]"
	 else "" end)' "$J"

jq -r '[.results[] | .unusable_runs // .runs_with_foreign_probes] | add // 0 | select(. > 0) |
	"\nWARNING: \(.) runs were UNUSABLE: other programs were on skb:kfree_skb (someone else'"'"'s" +
	" bpftrace, perf or dropscope) and did not go within BENCH_FOREIGN_WAIT. They slow every" +
	" configuration, none included, and silence perf stat, so no rate, CPU, attach or RSS figure" +
	" uses them (rate_runs in the JSON); count checks still do. Do not quote this run: rerun on a quiet machine."' "$J"
jq -r '[.results[] | select(.config == "none" and .flood_cpu_share != null and .flood_cpu_share < 0.9) |
	"\(.flood) \(.flood_cpu_share * 100 | round)%"] | select(length > 0) |
	"\nWARNING: the machine was busy: the flood got only \(join(", ")) of its CPU without a tool;" +
	" drops/s and ns/drop are unreliable, prefer ns/cpu, and rerun on a quiet machine."' "$J"
