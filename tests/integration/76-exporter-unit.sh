#!/bin/bash
# contrib/dropscope-exporter.service: systemd-analyze verify accepts it
# (no warning either), it has the sandboxing the README promises, and the
# exporter works inside its capability bounding set with no_new_privs
# (setpriv stands in for systemd, which is not PID 1 in every test VM).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/exporter_lib.sh"
[[ $BACKEND == tp_btf ]] || skip "runs once"
require systemd-analyze setpriv curl
UNIT=$(dirname "$0")/../../contrib/dropscope-exporter.service
[[ -f $UNIT ]] || die "no $UNIT"

sed "s|^ExecStart=/usr/local/sbin/dropscope |ExecStart=$DROPSCOPE |" "$UNIT" >"$T/dropscope-exporter.service"
systemd-analyze verify "$T/dropscope-exporter.service" >"$T/verify.txt" 2>&1
check_eq "systemd-analyze verify status" 0 $?
check_eq "systemd-analyze verify says nothing" "" "$(cat "$T/verify.txt")" || show "$T/verify.txt"
for key in CapabilityBoundingSet NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes \
	PrivateTmp=yes RestrictAddressFamilies SystemCallFilter; do
	check_true "unit has $key" grep -q "^$key" "$UNIT"
done

bound=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
ns_add NS a
DS_ENV+=(setpriv --no-new-privs --inh-caps=-all --bounding-set=-all,"$bound" --)
ex_start main --netns "/run/netns/$NS" || finish
check_eq "scrape inside the unit's bounding set" 200 "$(http_code main /metrics)"
check_eq "CapEff" 0000000000000000 "$(awk '$1 == "CapEff:" { print $2 }' /proc/"${DSPID[main]}"/status)"
ds_stop main TERM
check_eq "exit status" 0 "${DSRC[main]}"
finish
