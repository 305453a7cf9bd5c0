#!/bin/bash
# What operators deploy (contrib/), checked against the real thing:
# - the Prometheus rules pass `promtool check rules` and their unit tests
#   (`promtool test rules`);
# - the DaemonSet manifest parses (python3-yaml) and is what it says: host
#   network and PID, capabilities dropped but BPF, PERFMON, SYSLOG and
#   SYS_PTRACE, no privilege escalation, read-only root, every host path
#   mounted read-only, probes on /metrics;
# - its container's exact arguments run here with exactly the manifest's
#   capabilities (setpriv: its add list as the bounding set): the exporter
#   serves, the probes' requests answer 200, and it keeps no effective
#   capability and only SYSLOG and SYS_PTRACE permitted;
# - a real Prometheus with the rules scrapes it, and every query of every
#   Grafana dashboard panel (and its variable) returns data; each metric a
#   query names is in the exposition, each label it groups by too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require curl jq prometheus promtool python3
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed"
UDPSEND=$(tool udpsend) || exit 1
C=$(cd "$(dirname "$0")/../../contrib" && pwd)

check_true "promtool check rules" promtool check rules "$C/prometheus/dropscope-rules.yml"
check_true "promtool test rules" sh -c "cd '$C/prometheus' && promtool test rules dropscope-rules.test.yml"

# The manifest: one line per finding, "ok ..." or "bad ...", then the
# container's arguments (NUL-separated) in args.bin.
python3 - "$C/kubernetes/dropscope-daemonset.yaml" "$T/args.bin" "$T/probes.txt" >"$T/manifest.txt" <<'EOP'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
def say(ok, what): print(("ok " if ok else "bad ") + what)
ds = [d for d in docs if d.get("kind") == "DaemonSet"]
say(len(ds) == 1, "one DaemonSet")
spec = ds[0]["spec"]["template"]["spec"]
say(spec.get("hostNetwork") is True, "hostNetwork")
say(spec.get("hostPID") is True, "hostPID")
c = spec["containers"][0]
sc = c.get("securityContext", {})
caps = sc.get("capabilities", {})
say(caps.get("drop") == ["ALL"], "capabilities: drop ALL")
say(sorted(caps.get("add", [])) == ["BPF", "PERFMON", "SYSLOG", "SYS_PTRACE"], "capabilities: add exactly BPF PERFMON SYSLOG SYS_PTRACE")
open(sys.argv[2] + ".caps", "w").write(",".join("+" + a.lower() for a in caps.get("add", [])))
say(sc.get("privileged") is False, "not privileged")
say(sc.get("allowPrivilegeEscalation") is False, "no privilege escalation")
say(sc.get("readOnlyRootFilesystem") is True, "read-only root")
mounts = c.get("volumeMounts", [])
say(len(mounts) > 0 and all(m.get("readOnly") is True for m in mounts), "every mount read-only")
names = {v["name"] for v in spec.get("volumes", [])}
say(all(m["name"] in names for m in mounts), "every mount has its volume")
for p in ("livenessProbe", "readinessProbe"):
    g = c.get(p, {}).get("httpGet", {})
    say(g.get("path") == "/metrics", p + " on /metrics")
    open(sys.argv[3], "a").write("%s %s %s\n" % (p, g.get("port"), g.get("path")))
say(c["command"] == ["/usr/sbin/dropscope"], "command is the installed binary")
args = c["args"]
say(all(isinstance(a, str) and "$(" not in a for a in args), "arguments are literal")
open(sys.argv[2], "wb").write(b"\0".join(a.encode() for a in args) + b"\0")
EOP
check_eq "manifest parses" 0 $?
while read -r verdict what; do
	if [[ $verdict == ok ]]; then ok "manifest: $what"; else fail "manifest: $what"; fi
done <"$T/manifest.txt"
mapfile -d '' ARGS <"$T/args.bin"
log "container args: ${ARGS[*]}"

PORT=19100
ss -Htln "sport = :$PORT" | grep -q . && skip "port $PORT (the manifest's) is in use here"
# Exactly the container's arguments (the binary is the one under test) and
# capabilities: as root, a process's capabilities are its bounding set.
require setpriv
setpriv --bounding-set "-all,$(cat "$T/args.bin.caps")" --inh-caps -all \
	"$DROPSCOPE" "${ARGS[@]}" >"$T/ds.out" 2>"$T/ds.err" &
dspid=$!
PIDS+=("$dspid")
for ((i = 0; i < 100; i++)); do
	[[ $(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics") == 200 ]] && break
	kill -0 "$dspid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$dspid" 2>/dev/null || { fail "the manifest's command exited"; show "$T/ds.err"; finish; }
while read -r probe port path; do
	check_eq "$probe: GET $path on $port" 200 \
		"$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")"
done <"$T/probes.txt"
# At rest, no effective capability: each is raised only around the read
# that needs it (a sweep of /proc/PID/fd, kallsyms), so a sample can land
# inside one on a loaded machine. 20 samples, 50 ms apart: most are empty.
zero=0 seen=""
for ((i = 0; i < 20; i++)); do
	eff=$(awk '$1 == "CapEff:" { print $2 }' /proc/"$dspid"/status)
	[[ $eff == 0000000000000000 ]] && zero=$((zero + 1)) || seen+=" $eff"
	sleep 0.05
done
check_true "no effective capability at rest ($zero of 20 samples empty;${seen:- none other})" \
	test "$zero" -ge 15
check_eq "permitted: SYSLOG and SYS_PTRACE only" 0000000400080000 "$(awk '$1 == "CapPrm:" { print $2 }' /proc/"$dspid"/status)"

ns_add A a
free_port()
{
	local p
	for ((p = 20000 + RANDOM % 10000; ; p++)); do
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
}
PPORT=$(free_port)
cp "$C/prometheus/dropscope-rules.yml" "$T/"
cat >"$T/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files: [dropscope-rules.yml]
scrape_configs:
  - job_name: dropscope
    static_configs:
      - targets: ['127.0.0.1:$PORT']
EOC
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
	--web.listen-address="127.0.0.1:$PPORT" >"$T/prometheus.log" 2>&1 &
PIDS+=($!)
query()
{
	curl -sS --max-time 3 --data-urlencode "query=$1" "http://127.0.0.1:$PPORT/api/v1/query"
}
# Drops in the first seconds, and again later: rates have two samples.
nsx "$A" "$UDPSEND" -n 20 127.0.0.1 9 >/dev/null || fail "udpsend"
for ((i = 0; i < 60; i++)); do
	((i == 3)) && { nsx "$A" "$UDPSEND" -n 20 127.0.0.1 9 >/dev/null || fail "udpsend"; }
	n=$(query 'instance_reason:dropscope_drops:rate5m' 2>/dev/null | jq '.data.result | length' 2>/dev/null)
	[[ ${n:-0} -gt 0 && $i -ge 5 ]] && break
	sleep 0.5
done
curl -s --max-time 5 "http://127.0.0.1:$PORT/metrics" >"$T/scrape.txt"

# Every panel's query (Grafana's variables: all nodes, a 30 s rate window,
# a 1 m range) and the node variable's own query.
D="$C/grafana/dropscope-dashboard.json"
check_true "dashboard is JSON" jq -e '.panels | length > 0' "$D"
jq -r '.panels[].targets[].expr' "$D" >"$T/exprs.txt"
echo 'dropscope_up' >>"$T/exprs.txt" # label_values(dropscope_up, instance)
while IFS= read -r expr; do
	q=${expr//\$instance/.*}
	q=${q//\$__rate_interval/30s}
	q=${q//\$__range/1m}
	r=$(query "$q")
	check_eq "panel query has data: $expr" "success 1" \
		"$(jq -r '.status + " " + (if (.data.result | length) > 0 then "1" else "0" end)' <<<"$r")"
done <"$T/exprs.txt"
check_true "dropscope_up has the instance label" test "$(query dropscope_up | jq -r '.data.result[0].metric.instance')" = "127.0.0.1:$PORT"

# Names and labels the queries use exist in the exposition (or are the
# recording rules' and Prometheus' own).
python3 - "$T/exprs.txt" "$T/scrape.txt" "$T/dropscope-rules.yml" >"$T/names.txt" <<'EOP'
import re, sys, yaml
exprs = open(sys.argv[1]).read()
names, labels = set(), {"instance", "job"}
for line in open(sys.argv[2]):
    m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? ', line)
    if m and not line.startswith("#"):
        names.add(m.group(1))
        labels |= set(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="', m.group(3) or ""))
rules = yaml.safe_load(open(sys.argv[3]))
recorded = {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}
for n in set(re.findall(r'(?<![a-zA-Z0-9_:])([a-z_]*:?dropscope_[a-z_:0-9]*)', exprs)):
    print(("ok " if n in names or n in recorded else "bad ") + "metric " + n)
for grp in re.findall(r'by \(([^)]*)\)', exprs):
    for l in grp.split(","):
        l = l.strip()
        print(("ok " if l in labels else "bad ") + "label " + l)
EOP
while read -r verdict what; do
	if [[ $verdict == ok ]]; then ok "exists: $what"; else fail "does not exist: $what"; fi
done < <(sort -u "$T/names.txt")
finish
