#!/bin/bash
# diagnose, case 4: an nft rule in the namespace's input hook drops K UDP
# datagrams (table inet dsdiag, chain dsin: names unlike the hook's). The
# NETFILTER_DROP finding counts K = the rule's own counter, says the hook
# is input, and its nft evidence names that table and chain, the rule's
# handle and its packets in the window (the counter's growth).
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
finish
