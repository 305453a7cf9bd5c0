#!/bin/bash
# diagnose-node: an nft drop rule's text and comment. A ruleset of drop
# rules in the input hook, one with a counter and a comment. Run 1: UDP to
# the counted rule's port: its finding names the rule with its text and
# comment as `nft -a list` prints them (counter values and handle aside)
# and its counter's growth. Run 2: UDP to a counter-less rule's port: no
# counter grows, and every counter-less drop rule of the hook is listed
# as a candidate, each with its text and comment as nft prints them.
# Run 3: a counter-less rule in a chain whose policy is drop: 4 datagrams
# to the rule's port, 3 to another; one finding, and the sampled packets
# split between the two candidates by the rule's port (4 the rule's, 3
# the policy's), as sent.
. "$(dirname "$0")/diagnose_lib.sh"
require nft jq
UDPSEND=$(tool udpsend) || exit 1

K=4
ns_add NS a
nsx "$NS" nft -f - <<'EOT' || die "cannot load the nft ruleset"
table inet dsdg {
	chain dsin {
		type filter hook input priority 0; policy accept;
		udp dport 7016 counter drop comment "dropscope test: udp 7016"
		ip saddr 127.0.0.2 tcp dport != 22 drop comment "no tcp from .2"
		iifname "lo" meta l4proto icmp drop
		udp dport 7017 drop comment "the counter-less one"
	}
}
EOT
# nft_rules: "handle<TAB>text<TAB>comment" per drop rule, as nft -a list
# prints it, the counter's values, comment and handle taken out of the text
nsx "$NS" nft -a list chain inet dsdg dsin |
	sed -n 's/^[[:space:]]*\(.* drop\)\(.*\) # handle \([0-9]*\)$/\3\t\1\t\2/p' |
	sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/; s/\t comment "(.*)"$/\t\1/' \
		>"$T/nft.rules"
log "nft rules: $(cat -A "$T/nft.rules" | tr '\n' ' ')"
check_eq "nft lists 4 drop rules" 4 "$(wc -l <"$T/nft.rules")"
nft_text()
{
	awk -F'\t' -v h="$1" '$1 == h { print $2 }' "$T/nft.rules"
}
nft_comment()
{
	awk -F'\t' -v h="$1" '$1 == h { print $3 }' "$T/nft.rules"
}
counted=$(awk -F'\t' '$2 ~ /dport 7016/ { print $1 }' "$T/nft.rules")
pk()
{
	nsx "$NS" nft -j list chain inet dsdg dsin |
		jq "[.nftables[] | select(.rule.handle == $counted) | .rule.expr[] | select(.counter) |
			.counter.packets][0]"
}

# Run 1: the counted rule
p0=$(pk)
dg_start main "$NS" || finish
nsx "$NS" "$UDPSEND" -n $K 127.0.0.1 7016 >/dev/null || fail "udpsend 7016"
dg_in_window main
dg_end main "$NS" || finish
grew=$(($(pk) - p0))
check_eq "nft: the counted rule's counter grew by the datagrams" $K "$grew"
dg_one NETFILTER_DROP "$(dg_select main '.name == "NETFILTER_DROP"')"
R=$(fv -c --argjson h "$counted" '[.evidence.nft[]? | select(.handle == $h)]')
check_eq "evidence: the counted rule" 1 "$(jq length <<<"$R")" || log "$(fv -c .evidence)"
check_eq "its packets = nft counter growth" "$grew" "$(jq -r '.[0].packets' <<<"$R")"
check_eq "its text = nft's" "$(nft_text "$counted")" "$(jq -r '.[0].rule' <<<"$R")"
check_eq "its comment = nft's" "$(nft_comment "$counted")" "$(jq -r '.[0].comment' <<<"$R")"

# Run 2: a counter-less rule: all counter-less drop rules are candidates
dg_start two "$NS" || finish
nsx "$NS" "$UDPSEND" -n $K 127.0.0.1 7017 >/dev/null || fail "udpsend 7017"
dg_in_window two
dg_end two "$NS" || finish
FIND=$(jq -c '[.findings[] | select(.name == "NETFILTER_DROP")][0] // {}' "$T/two.json")
check_eq "run 2: NETFILTER_DROP count" $K "$(fv '.count')"
n=0
while IFS=$'\t' read -r h text comment; do
	[[ $h == "$counted" ]] && continue
	n=$((n + 1))
	R=$(fv -c --argjson h "$h" '[.evidence.nft[]? | select(.handle == $h)]')
	check_eq "candidate $h listed, no counter" "1 null" "$(jq -r 'length, .[0].packets' <<<"$R" | xargs)"
	check_eq "candidate $h: text = nft's" "$text" "$(jq -r '.[0].rule' <<<"$R")"
	check_eq "candidate $h: comment = nft's" "${comment:-null}" "$(jq -r '.[0].comment' <<<"$R")"
done <"$T/nft.rules"
check_eq "three counter-less candidates" 3 "$n"

# Run 3: a counter-less rule beside a drop policy
nsx "$NS" nft delete table inet dsdg || die "nft delete table"
nsx "$NS" nft -f - <<'EOT' || die "cannot load the second ruleset"
table inet dsdp {
	chain dsin2 {
		type filter hook input priority 0; policy drop;
		udp dport 7018 drop
	}
}
EOT
rh=$(nsx "$NS" nft -j list chain inet dsdp dsin2 | jq '[.nftables[] | select(.rule) | .rule.handle][0]')
dg_start three "$NS" || finish
nsx "$NS" "$UDPSEND" -n 4 127.0.0.1 7018 >/dev/null || fail "udpsend 7018"
nsx "$NS" "$UDPSEND" -n 3 127.0.0.1 7019 >/dev/null || fail "udpsend 7019"
dg_in_window three
dg_end three "$NS" || finish
F=$(jq -c '[.findings[] | select(.name == "NETFILTER_DROP")]' "$T/three.json")
dg_one "run 3: NETFILTER_DROP" "$F"
check_eq "run 3: count = datagrams sent" 7 "$(fv '.count')"
check_eq "run 3: the rule's share = sent to its port" 4 \
	"$(fv --argjson h "$rh" '[.evidence.nft[]? | select(.kind == "rule" and .handle == $h) | .sampled][0]')"
check_eq "run 3: the rule's text" "udp dport 7018 drop" \
	"$(fv --argjson h "$rh" '[.evidence.nft[]? | select(.handle == $h) | .rule][0]')"
check_eq "run 3: the policy's share = the rest" 3 \
	"$(fv '[.evidence.nft[]? | select(.kind == "policy" and .chain == "dsin2") | .sampled][0]')"
finish
