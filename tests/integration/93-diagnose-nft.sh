#!/bin/bash
# diagnose, case 4: an nft rule in the namespace's input hook drops K UDP
# datagrams (table inet dsdiag, chain dsin: names unlike the hook's). The
# NETFILTER_DROP finding counts K = the rule's own counter, says the hook
# is input, and its nft evidence names that table and chain, the rule's
# handle and its packets in the window (the counter's growth).
# Then a second window with a rule in the output hook (chain dsout): each
# local datagram it drops fails ip_local_out and grows IpOutDiscards
# (nstat); that is NETFILTER_DROP's consequence, said in it, not a finding
# of its own.
. "$(dirname "$0")/diagnose_lib.sh"
require nft jq
UDPSEND=$(tool udpsend) || exit 1

K=23
PORT=7777
LOCS='nf_hook_slow|nft_do_chain' # as 03-nft-drop.sh
ns_add NS a
nsx "$NS" nft -f - <<EOT || die "cannot load the nft ruleset"
table inet dsdiag {
	chain dsin {
		type filter hook input priority 0; policy accept;
		udp dport $PORT counter drop
	}
}
EOT
# rule FIELD: of the one rule of chain dsin (nft -j: handle, or its counter's packets)
rule()
{
	nsx "$NS" nft -j list table inet dsdiag |
		jq "[.nftables[] | select(.rule.chain == \"dsin\") | .rule][0] |
			if \"$1\" == \"packets\" then [.expr[] | select(.counter) | .counter.packets][0]
			else .$1 end"
}
c0=$(rule packets)
handle=$(rule handle)
dg_start main "$NS" || finish
nsx "$NS" "$UDPSEND" -n $K 127.0.0.1 $PORT >"$T/send" || fail "udpsend: $(cat "$T/send")"
dg_in_window main
dg_end main "$NS" || finish
c=$(($(rule packets) - c0))

check_eq "the rule's counter = datagrams sent" $K "$c"
check_true "the rule's handle ($handle)" grep -qxE "[0-9]+" <<<"$handle"

dg_one NETFILTER_DROP "$(dg_select main '.source == "drops" and .name == "NETFILTER_DROP"')" ||
	show "$T/main.json" 80
check_eq "count = the rule's counter" "$c" "$(fv '.count')"
check_true "location is one of $LOCS ($(fv '.location'))" grep -qxE "$LOCS" <<<"$(fv '.location')"
check_eq "netns (inode)" "$(netns_inode "$NS")" "$(fv '.netns')"
dg_check_common NETFILTER_DROP "$NS"
check_eq "evidence.hook" input "$(fv '.evidence.hook')"

R=$(fv '[.evidence.nft[]? | select(.table == "dsdiag" and .chain == "dsin")]')
check_eq "evidence.nft: the chain dsdiag/dsin" 1 "$(jq length <<<"$R")" ||
	log "evidence: $(fv -c '.evidence')"
r()
{
	jq -r ".[0].$1" <<<"$R"
}
check_eq "nft: family" inet "$(r family)"
check_eq "nft: hook" input "$(r hook)"
check_eq "nft: kind" rule "$(r kind)"
check_eq "nft: handle = nft -a" "$handle" "$(r handle)"
check_eq "nft: packets = the counter's growth" "$c" "$(r packets)"
check_eq "nft: the dropping rule comes first" dsin "$(fv '.evidence.nft[0].chain')"
dg_check_total report "$c"

K2=9
PORT2=7778
nsx "$NS" nft add chain inet dsdiag dsout '{ type filter hook output priority 0; policy accept; }' ||
	die "nft add chain dsout"
nsx "$NS" nft add rule inet dsdiag dsout udp dport $PORT2 counter drop || die "nft add rule dsout"
out_packets()
{
	nsx "$NS" nft -j list chain inet dsdiag dsout |
		jq '[.nftables[] | select(.rule) | .rule.expr[] | select(.counter) | .counter.packets][0]'
}
o0=$(snmp "$NS" IpOutDiscards)
mv "$T/main.json" "$T/input.json"
dg_start main "$NS" || finish
# the drop is EPERM to the sender, which stops there: one datagram each
for ((i = 0; i < K2; i++)); do
	nsx "$NS" "$UDPSEND" -n 1 127.0.0.1 $PORT2 >/dev/null 2>&1
done
dg_in_window main
dg_end main "$NS" || finish
c2=$(out_packets)
od=$(($(snmp "$NS" IpOutDiscards) - o0))
check_eq "output: the rule's counter = datagrams sent" $K2 "$c2"
check_eq "output: IpOutDiscards (nstat) grew by as many" "$c2" "$od"
dg_one "output: NETFILTER_DROP" "$(dg_select main '.source == "drops" and .name == "NETFILTER_DROP"')" ||
	show "$T/main.json" 80
check_eq "output: count = the rule's counter" "$c2" "$(fv '.count')"
check_eq "output: evidence.hook" output "$(fv '.evidence.hook')"
check_eq "output: IpOutDiscards merged as its consequence" "$od" \
	"$(fv '[.consequences[]? | select(.counter == "IpOutDiscards") | .delta] | add // 0')"
dg_check_total "output" "$c2"
finish
