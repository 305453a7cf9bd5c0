# SPDX-License-Identifier: GPL-2.0
# Turns bench/run.sh's per-run records into bench/results/latest.json.
# Inputs (from run.sh): $runs, $syms, $floods, $order, $descs, $skipped and the metadata args.

def median: map(select(. != null)) | sort |
	if length == 0 then null
	elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def spread: map(select(. != null)) | {median: median, min: min, max: max};
def r(n): if . == null then null else (. * pow(10; n) | round) / pow(10; n) end;

($runs | map(select(.failed | not))) as $ok |
# A run with someone else's program on kfree_skb (before, during or after it) paid
# for that program too, and so did its neighbours' "none": such runs are unusable
# for any figure of cost (rates, CPU, attach, RSS). Only their counts still say
# something (dropscope counts its own namespace), so count checks use every run.
def usable: (.unusable // ((.foreign_probes // 0) > 0)) | not;
def pick: map(select(usable));

[ $floods[] as $flood |
  ($ok | map(select(.config == "none" and .flood == $flood)) | pick) as $none |
  ($none | map(.rate) | median) as $base |
  $order[] as $cfg |
  [$ok[] | select(.flood == $flood and .config == $cfg)] as $all |
  ($all | pick) as $rs |
  ([$runs[] | select(.flood == $flood and .config == $cfg and .failed)] | length) as $failed |
  ($rs | map(.rate) | median) as $rate |
  ($none | map(.cpu_rate) | median) as $cbase |
  ($rs | map(.cpu_rate) | median) as $crate |
  {
    flood: $flood,
    config: $cfg,
    description: $descs[$cfg],
    runs: ($all | length),
    rate_runs: ($rs | length),
    failed: $failed,
    runs_with_foreign_probes: ($all | map(select((.foreign_probes // 0) > 0)) | length),
    unusable_runs: ($all | map(select(usable | not)) | length),
    rate: ($rs | map(.rate) | spread),
    ratio: (if $rate and $base then ($rate / $base | r(3)) else null end),
    # What one drop costs with the tool attached, beyond the cost without it.
    overhead_ns: (if $rate and $base and $cfg != "none"
                  then ((1 / $rate - 1 / $base) * 1e9 | r(1)) else null end),
    # The same per second of CPU the flood got: what other processes on a busy
    # machine take from the flood CPU drops out.
    cpu_rate: ($rs | map(.cpu_rate) | spread),
    flood_cpu_share: ($rs | map(.flood_cpu_s / .seconds) | median | r(3)),
    cpu_ratio: (if $crate and $cbase then ($crate / $cbase | r(3)) else null end),
    cpu_overhead_ns: (if $crate and $cbase and $cfg != "none"
                      then ((1 / $crate - 1 / $cbase) * 1e9 | r(1)) else null end),
    # From the fastest run of each: the least disturbed one on a busy machine.
    best_overhead_ns: (if ($rs | length) > 0 and $cfg != "none" and ($none | length) > 0
                       then ((1 / ($rs | map(.rate) | max) - 1 / ($none | map(.rate) | max)) * 1e9 | r(1))
                       else null end),
    sent: ($all | map(.sent) | spread),
    # Ground truth (Udp NoPorts / rx_otherhost_dropped) against what was sent.
    truth_minus_sent: ($all | map(.truth - .sent) | {min: min, max: max}),
    count: (if ($all | map(.count) | any(. != null))
            then {
              exact_runs: ($all | map(select(.count == .sent)) | length),
              minus_sent: ($all | map(select(.count != null) | .count - .sent)
                           | {min: min, max: max})
            } else null end),
    tool_cpu_s: ($rs | map(.tool_cpu_s) | spread),
    tool_cpu_during_flood_s: ($rs | map(.tool_cpu_load_s) | spread),
    rss_kb: ($rs | map(.tool_hwm_kb) | spread),
    attach_ms: ($rs | map(.attach_ms) | spread),
    # First SIGINT to the tool reaped (its report printed, everything detached).
    stop_ms: ($rs | map(.stop_ms | select(. != null and . >= 0)) | spread),
    events: (if ($all | map(.events_printed) | any(. != null)) then {
               printed_per_s: ($rs | map(select(.events_printed != null)
                                         | .events_printed / .seconds) | spread),
               balanced_runs: ($all | map(select(.events_printed != null and
                  .events_lost != null and .count != null and
                  .events_printed + .events_lost + (.events_over_rate // 0) == .count)) | length),
               lost: ($all | map(.events_lost) | spread),
               over_rate: ($all | map(.events_over_rate) | spread)
             } else null end)
  }
] as $rows0 |

# How far each configuration is above the cheapest possible BPF drop monitor.
[ $rows0[] | . as $x |
  ([$rows0[] | select(.flood == $x.flood and .config == "floor")] | .[0]) as $fl |
  . + {over_floor_ns: (if $fl and $fl.overhead_ns != null and .overhead_ns != null and .config != "none"
                       then (.overhead_ns - $fl.overhead_ns | r(1)) else null end),
       cpu_over_floor_ns: (if $fl and $fl.cpu_overhead_ns != null and .cpu_overhead_ns != null and .config != "none"
                           then (.cpu_overhead_ns - $fl.cpu_overhead_ns | r(1)) else null end)}
] as $rows |

def row($f; $c): $rows[] | select(.flood == $f and .config == $c);
def rowor($f; $c): [row($f; $c)] | .[0];

($syms | {
   cat_ms: (map(.cat_ms) | spread),
   dropscope_wall_ms: (map(.ds_wall_ms) | spread),
   dropscope_self_ms: (map(.ds_self_ms) | spread)
 }) as $symtab |

{
  date: $date,
  floods: $floods,
  machine: {kernel: $kernel, cpu: $cpu, cpus: $ncpu},
  versions: {dropscope: $dsv, bpftrace: $btv, perf: $perfv},
  method: {
    repetitions: $reps, seconds_per_run: $secs, order: "alternating: rep { flood { config } }",
    flood_cpu: 0, tool_cpu: 1, total_seconds: $total,
    overhead_ns: "(1/rate - 1/rate_none) * 1e9 with median rates",
    cpu_overhead_ns: "the same with cpu_rate = drops per second of CPU the flood process (plus its CPU's ksoftirqd) actually ran; immune to other processes taking the flood CPU",
    note: "dropscope counts only the flood namespace (--netns); bpftrace and perf count machine-wide, so their count - sent includes background drops"
  },
  skipped: $skipped,
  results: $rows,
  symbols: ($symtab + {dropscope_stats_output: $symtext}),
  targets: ([
    $floods[] as $f |
    (rowor($f; "ds")) as $ds | (rowor($f; "bt-count")) as $bt |
    ( {
        target: "dropscope overhead <= 1/3 of bpftrace count (\($f))",
        value: $ds.overhead_ns, limit: (if $bt.overhead_ns then ($bt.overhead_ns / 3 | r(1)) else null end),
        met: (if $ds.overhead_ns == null or $bt.overhead_ns == null then null
              else $ds.overhead_ns <= $bt.overhead_ns / 3 end),
        cpu_value: $ds.cpu_overhead_ns,
        cpu_limit: (if $bt.cpu_overhead_ns then ($bt.cpu_overhead_ns / 3 | r(1)) else null end),
        cpu_met: (if $ds.cpu_overhead_ns == null or $bt.cpu_overhead_ns == null then null
                  else $ds.cpu_overhead_ns <= $bt.cpu_overhead_ns / 3 end)
      },
      ( ["ds-stacks", "ds-folded"][] as $c | (rowor($f; $c)) as $st | (rowor($f; "bt-kstack")) as $bk |
        select($st != null) |
        {
          target: "\($c) overhead <= 1/4 of bpftrace kstack (\($f))",
          value: $st.overhead_ns,
          limit: (if $bk.overhead_ns then ($bk.overhead_ns / 4 | r(1)) else null end),
          met: (if $st.overhead_ns == null or $bk.overhead_ns == null then null
                else $st.overhead_ns <= $bk.overhead_ns / 4 end),
          cpu_value: $st.cpu_overhead_ns,
          cpu_limit: (if $bk.cpu_overhead_ns then ($bk.cpu_overhead_ns / 4 | r(1)) else null end),
          cpu_met: (if $st.cpu_overhead_ns == null or $bk.cpu_overhead_ns == null then null
                    else $st.cpu_overhead_ns <= $bk.cpu_overhead_ns / 4 end)
        } ),
      ( ["ds", "ds-r", "ds-stacks", "ds-stacks-all", "ds-caller", "ds-folded", "ds-netns",
         "ds-workload"][] as $c | rowor($f; $c) | select(. != null) |
        {
          target: "\($c) count exact (\($f))",
          value: (if .count then "\(.count.exact_runs)/\(.runs) runs exact, count-sent \(.count.minus_sent.min)..\(.count.minus_sent.max)" else null end),
          met: (if .count then .count.exact_runs == .runs and .runs > 0 else null end)
        } ) )
  ] + [
    $floods[] as $f |
    ( (rowor($f; "ds")) as $ds | (rowor($f; "perf")) as $pf |
      select($ds != null and $pf != null) |
      {target: "summary overhead within 10% of perf stat's bare counter (\($f))",
       value: $ds.overhead_ns, limit: (if $pf.overhead_ns then ($pf.overhead_ns * 1.1 | r(1)) else null end),
       met: (if $ds.overhead_ns == null or $pf.overhead_ns == null then null
             else $ds.overhead_ns <= $pf.overhead_ns * 1.1 end),
       cpu_value: $ds.cpu_overhead_ns,
       cpu_limit: (if $pf.cpu_overhead_ns then ($pf.cpu_overhead_ns * 1.1 | r(1)) else null end),
       cpu_met: (if $ds.cpu_overhead_ns == null or $pf.cpu_overhead_ns == null then null
                 else $ds.cpu_overhead_ns <= $pf.cpu_overhead_ns * 1.1 end)} ),
    # The bound under the one above: an empty BPF program on the tracepoint
    # (the floor) pays the kernel's dispatch to BPF, which perf's counter
    # does not; where the floor itself is not within 10% of perf's, no BPF
    # counter can be, and this line says so in the same run.
    ( (rowor($f; "floor")) as $fl | (rowor($f; "perf")) as $pf |
      select($fl != null and $pf != null) |
      {target: "bound: floor (empty tp_btf program) within 10% of perf stat's bare counter (\($f))",
       value: $fl.overhead_ns, limit: (if $pf.overhead_ns then ($pf.overhead_ns * 1.1 | r(1)) else null end),
       met: (if $fl.overhead_ns == null or $pf.overhead_ns == null then null
             else $fl.overhead_ns <= $pf.overhead_ns * 1.1 end),
       cpu_value: $fl.cpu_overhead_ns,
       cpu_limit: (if $pf.cpu_overhead_ns then ($pf.cpu_overhead_ns * 1.1 | r(1)) else null end),
       cpu_met: (if $fl.cpu_overhead_ns == null or $pf.cpu_overhead_ns == null then null
                 else $fl.cpu_overhead_ns <= $pf.cpu_overhead_ns * 1.1 end)} ),
    ( (rowor($f; "ds-events")) as $ev | (rowor($f; "bt-count")) as $bt |
      select($ev != null and $bt != null) |
      {target: "events >/dev/null overhead <= bpftrace count's, 0 lost (\($f))",
       value: "\($ev.overhead_ns) ns, lost max \($ev.events.lost.max // "?")",
       limit: $bt.overhead_ns,
       met: (if $ev.overhead_ns == null or $bt.overhead_ns == null then null
             else $ev.overhead_ns <= $bt.overhead_ns and ($ev.events.lost.max // 1) == 0 end),
       cpu_value: $ev.cpu_overhead_ns, cpu_limit: $bt.cpu_overhead_ns,
       cpu_met: (if $ev.cpu_overhead_ns == null or $bt.cpu_overhead_ns == null then null
                 else $ev.cpu_overhead_ns <= $bt.cpu_overhead_ns end)} )
  ] + [
    ([$rows[] | select(.config | startswith("ds"))] | select(length > 0)) as $d |
    # Against the floor loader's worst case in the same flood: both pay libbpf's
    # vmlinux BTF parse; what is above it is dropscope's own.
    ( $d[] | . as $x | (rowor($x.flood; "floor")) as $fl |
      select($fl != null) |
      {target: "\(.config) start-to-attached <= floor + 5 ms (max over runs, \(.flood))",
       value: (.attach_ms.max | r(1)),
       limit: (if $fl.attach_ms.max then ($fl.attach_ms.max + 5 | r(1)) else null end),
       met: (if .attach_ms.max == null or $fl.attach_ms.max == null then null
             else .attach_ms.max <= $fl.attach_ms.max + 5 end)} ),
    ( $d[] |
      {target: "\(.config) SIGINT to exit <= 50 ms (max over runs, \(.flood))",
       value: (.stop_ms.max | r(1)), limit: 50,
       met: (if .stop_ms.max == null then null else .stop_ms.max <= 50 end)} )
  ] + [
    ( [$rows[] | select(.config == "ds")] as $s | [$rows[] | select(.config == "floor")] as $fl |
      select(($s | length) > 0 and ($fl | length) > 0) |
      ($s | map(.rss_kb.max) | max) as $v | ($fl | map(.rss_kb.max) | max) as $f |
      {target: "summary peak RSS <= floor's + 1 MB (max over runs, kB)",
       value: $v, limit: (if $f then $f + 1024 else null end),
       met: (if $v == null or $f == null then null else $v <= $f + 1024 end)} ),
    ( [$rows[] | select(.config == "ds-events")] | select(length > 0) |
      {target: "events peak RSS <= 16 MB (max over runs)",
       value: (map(.rss_kb.max) | max), limit: 16384,
       met: ((map(.rss_kb.max) | max) <= 16384)} )
  ] + [
    if $symtab.dropscope_self_ms.median != null and $symtab.cat_ms.median != null then
      {target: "symbol table built < 15 ms beyond cat /proc/kallsyms",
       value: ($symtab.dropscope_self_ms.median - $symtab.cat_ms.median | r(2)), limit: 15,
       met: ($symtab.dropscope_self_ms.median - $symtab.cat_ms.median < 15)}
    else
      {target: "symbol table built < 15 ms beyond cat /proc/kallsyms", value: null, met: null,
       note: "dropscope symbols --stats not available"}
    end
  ] + [
    ([$rows[] | select(.config == "ds-events" and .events != null)]) as $e |
    if ($e | length) > 0 then
      {target: "events mode >= 100k events/s to /dev/null, printed + lost = counted",
       value: ($e | map({(.flood): {printed_per_s: (.events.printed_per_s.median | r(0)),
                                    balanced: "\(.events.balanced_runs)/\(.runs)"}}) | add),
       met: ($e | all(.events.printed_per_s.median >= 100000 and .events.balanced_runs == .runs))}
    else
      {target: "events mode >= 100k events/s to /dev/null, printed + lost = counted",
       value: null, met: null, note: "events mode not available or its tally not found"}
    end
  ]),
  runs: $runs
}
