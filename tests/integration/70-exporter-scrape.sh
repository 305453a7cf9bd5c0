#!/bin/bash
# The exporter on one namespace: UDP datagrams to a closed port appear in
# dropscope_drops_total{reason="NO_SOCKET"} with exactly the number sent,
# and the namespace's Udp NoPorts (nstat) in dropscope_snmp_drops_total;
# promtool accepts a live scrape; OpenMetrics when asked; /, 404, 405, HEAD;
# capabilities as documented (CapEff 0, CAP_SYSLOG permitted only);
# SIGTERM exits 0 and leaves none of its programs loaded, nor does kill -9.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
require curl promtool nstat
UDPSEND=$(tool udpsend) || exit 1

N4=37
N6=23
ns_add NS a
ex_start main --netns "/run/netns/$NS" || finish

up0=$(snmp "$NS" UdpNoPorts)
nsx "$NS" "$UDPSEND" -n $N4 127.0.0.1 9 >/dev/null || fail "udpsend IPv4"
nsx "$NS" "$UDPSEND" -n $N6 ::1 9 >/dev/null || fail "udpsend IPv6"
sleep 0.2
scrape main >"$T/m.txt" || fail "scrape"
noports=$(snmp "$NS" UdpNoPorts)
check_eq "UdpNoPorts delta (nstat)" $N4 $((noports - up0))

check_eq "NO_SOCKET ipv4" $N4 "$(msum "$T/m.txt" dropscope_drops_total 'reason="NO_SOCKET"' 'protocol="IPv4"')" ||
	show "$T/m.txt" 30
check_eq "NO_SOCKET ipv6" $N6 "$(msum "$T/m.txt" dropscope_drops_total 'reason="NO_SOCKET"' 'protocol="IPv6"')"
check_eq "all drops" $((N4 + N6)) "$(msum "$T/m.txt" dropscope_drops_total)"
check_eq "location of the IPv4 drops" $N4 "$(msum "$T/m.txt" dropscope_drops_total 'location="__udp4_lib_rcv"')"
check_eq "snmp UdpNoPorts = nstat" "$noports" "$(msum "$T/m.txt" dropscope_snmp_drops_total 'counter="UdpNoPorts"')"
check_eq "snmp Udp6NoPorts = nstat" "$(snmp "$NS" Udp6NoPorts)" "$(msum "$T/m.txt" dropscope_snmp_drops_total 'counter="Udp6NoPorts"')"
check_eq "dropscope_up" 1 "$(msum "$T/m.txt" dropscope_up)"
check_eq "build_info backend" 1 "$(msum "$T/m.txt" dropscope_build_info "backend=\"$BACKEND\"" "kernel=\"$(uname -r)\"")"
check_true "promtool check metrics" promtool check metrics <"$T/m.txt"
promtool check metrics <"$T/m.txt" >"$T/promtool.txt" 2>&1 || show "$T/promtool.txt"
check_eq "collectors all read (device, qdisc, softnet, snmp, driver)" 5 "$(msum "$T/m.txt" dropscope_collector_success)"

# OpenMetrics, as Prometheus asks for it.
scrape main -D "$T/om.hdr" -H 'Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1' >"$T/om.txt"
check_true "OpenMetrics content type" grep -qi '^content-type: application/openmetrics-text; version=1.0.0' "$T/om.hdr"
check_eq "OpenMetrics ends with # EOF" "# EOF" "$(tail -n 1 "$T/om.txt")"
check_eq "OpenMetrics counter family without _total" 1 "$(grep -c '^# TYPE dropscope_drops counter$' "$T/om.txt")"
check_eq "OpenMetrics samples keep _total" $((N4 + N6)) "$(msum "$T/om.txt" dropscope_drops_total)"
scrape main -D "$T/txt.hdr" -H 'Accept: text/plain' >/dev/null
check_true "text content type" grep -qi '^content-type: text/plain; version=0.0.4' "$T/txt.hdr"

check_eq "/ landing page" 200 "$(http_code main /)"
check_eq "unknown path" 404 "$(http_code main /nope)"
check_eq "POST" 405 "$(http_code main /metrics -X POST -d x=1)"
check_eq "DELETE" 405 "$(http_code main /metrics -X DELETE)"
check_eq "HEAD" 200 "$(http_code main /metrics -I)"

pid=${DSPID[main]}
check_eq "CapEff (documented: none)" 0000000000000000 "$(awk '$1 == "CapEff:" { print $2 }' /proc/"$pid"/status)"
check_eq "CapPrm (documented: CAP_SYSLOG, and CAP_SYS_ADMIN with --netns PATH)" 0000000400200000 "$(awk '$1 == "CapPrm:" { print $2 }' /proc/"$pid"/status)"
check_eq "NoNewPrivs" 1 "$(awk '$1 == "NoNewPrivs:" { print $2 }' /proc/"$pid"/status)"
# After the drop a scrape still reads everything.
scrape main >"$T/m2.txt"
check_eq "scrape after the drop: collectors" 5 "$(msum "$T/m2.txt" dropscope_collector_success)"

mine=$(prog_ids_of "$pid" | paste -sd' ')
check_true "holds a program" test -n "$mine"
ds_stop main TERM
check_eq "exit status after SIGTERM" 0 "${DSRC[main]}"
left=$(comm -12 <(tr ' ' '\n' <<<"$mine" | sort) <(prog_ids_all | sort) | paste -sd' ')
check_eq "its programs unloaded" "" "$left"

# kill -9: the kernel unloads the program with the last descriptor.
ex_start k9 --netns "/run/netns/$NS" || finish
mine=$(prog_ids_of "${DSPID[k9]}" | paste -sd' ')
check_true "second exporter holds a program" test -n "$mine"
ds_stop k9 KILL
for ((i = 0; i < 50; i++)); do
	left=$(comm -12 <(tr ' ' '\n' <<<"$mine" | sort) <(prog_ids_all | sort) | paste -sd' ')
	[[ -z $left ]] && break
	sleep 0.1
done
check_eq "after kill -9 its programs are gone" "" "$left"
finish
