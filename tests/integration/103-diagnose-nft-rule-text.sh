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
# the policy's), as sent. Run 4: counter-less drop rules matching on
# prefixes (byte-aligned and not), an IPv6 prefix, a named set, ct state,
# a mark and an ether address, and a reject rule: each listed with its
# text as nft prints it; UDP to the reject rule's port is NETFILTER_DROP
# and the sampled packets are its. Run 5: a `counter reject` rule: its
# drops are under it, its packets = its nft counter's growth = sent.
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

# rules_of CHAIN: "handle<TAB>text" per rule of table inet dsdt as nft -a
# list prints it, the counter's values, comment and handle taken out
rules_of()
{
	nsx "$NS" nft -a list chain inet dsdt "$1" | sed 's/ comment ".*" # handle/ # handle/' |
		sed -n 's/^[[:space:]]*\(.*\(drop\|reject\)\) # handle \([0-9]*\)$/\3\t\1/p' |
		sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'
}

# Run 4: what the rules match, in nft's words; a counter-less reject rule
nsx "$NS" nft delete table inet dsdp || die "nft delete table"
nsx "$NS" nft -f - <<'EOT' || die "cannot load the third ruleset"
table inet dsdt {
	set dsbl {
		type ipv4_addr
	}
	chain dsin4 {
		type filter hook input priority 0; policy accept;
		ip saddr 10.0.0.0/8 drop
		ip saddr 10.16.0.0/12 drop
		ip6 saddr fd00::/64 drop
		ip daddr @dsbl drop
		ct state invalid drop
		meta mark 0x0000002a drop
		ether saddr 00:11:22:33:44:55 drop
		udp dport 7015 reject
	}
}
EOT
rules_of dsin4 >"$T/nft4.rules"
log "nft rules: $(cat -A "$T/nft4.rules" | tr '\n' ' ')"
check_eq "run 4: nft lists 8 rules" 8 "$(wc -l <"$T/nft4.rules")"
rj=$(awk -F'\t' '$2 ~ /reject/ { print $1 }' "$T/nft4.rules")
dg_start four "$NS" || finish
nsx "$NS" "$UDPSEND" -n $K 127.0.0.1 7015 >/dev/null || fail "udpsend 7015"
dg_in_window four
dg_end four "$NS" || finish
FIND=$(jq -c '[.findings[] | select(.name == "NETFILTER_DROP")][0] // {}' "$T/four.json")
check_eq "run 4: NETFILTER_DROP count = datagrams rejected" $K "$(fv '.count')"
while IFS=$'\t' read -r h text; do
	check_eq "run 4: rule $h's text = nft's ($text)" "$text" \
		"$(fv --argjson h "$h" '[.evidence.nft[]? | select(.handle == $h) | .rule][0]')"
done <"$T/nft4.rules"
check_eq "run 4: the reject rule's share = sent to its port" $K \
	"$(fv --argjson h "$rj" '[.evidence.nft[]? | select(.handle == $h) | .sampled][0]')"

# Run 5: a counted reject rule: its drops are under it
nsx "$NS" nft -f - <<'EOT' || die "cannot load the fourth ruleset"
table inet dsdt {
	chain dsin5 {
		type filter hook input priority 0; policy accept;
		udp dport 7014 counter reject comment "rejected"
	}
}
EOT
nsx "$NS" nft delete chain inet dsdt dsin4 || die "nft delete chain"
rules_of dsin5 >"$T/nft5.rules"
rj=$(cut -f1 "$T/nft5.rules")
rk()
{
	nsx "$NS" nft -j list chain inet dsdt dsin5 |
		jq "[.nftables[] | select(.rule.handle == $rj) | .rule.expr[] | select(.counter) |
			.counter.packets][0]"
}
p0=$(rk)
dg_start five "$NS" || finish
nsx "$NS" "$UDPSEND" -n $K 127.0.0.1 7014 >/dev/null || fail "udpsend 7014"
dg_in_window five
dg_end five "$NS" || finish
grew=$(($(rk) - p0))
check_eq "run 5: the reject rule's nft counter grew by the datagrams" $K "$grew"
FIND=$(jq -c '[.findings[] | select(.name == "NETFILTER_DROP")][0] // {}' "$T/five.json")
check_eq "run 5: NETFILTER_DROP count = nft counter growth" "$grew" "$(fv '.count')"
R=$(fv -c --argjson h "$rj" '[.evidence.nft[]? | select(.handle == $h)]')
check_eq "run 5: the reject rule is the evidence" 1 "$(jq length <<<"$R")" || log "$(fv -c .evidence)"
check_eq "run 5: its packets = nft counter growth" "$grew" "$(jq -r '.[0].packets' <<<"$R")"
check_eq "run 5: its text = nft's" "$(cut -f2 "$T/nft5.rules")" "$(jq -r '.[0].rule' <<<"$R")"
check_eq "run 5: its comment" "rejected" "$(jq -r '.[0].comment' <<<"$R")"
finish
