#!/bin/bash
# An nftables rule in the namespace drops UDP to one port, IPv4 and IPv6:
# NETFILTER_DROP where netfilter frees the packet (nf_hook_slow; since
# Linux 6.x nft_do_chain on some configurations, so either is accepted).
# Ground truth: each rule's own `counter`. A second dropscope with --json
# splits the same drops by protocol.
. "$(dirname "$0")/lib.sh"
require nft nstat jq
UDPSEND=$(tool udpsend) || exit 1

N4=29
N6=17
PORT=7777
LOCS='nf_hook_slow|nft_do_chain'
ns_add NS a
nsx "$NS" nft -f - <<EOT || die "cannot load the nft ruleset"
table inet dstest {
	chain input {
		type filter hook input priority 0; policy accept;
		meta nfproto ipv4 udp dport $PORT counter drop comment "v4"
		meta nfproto ipv6 udp dport $PORT counter drop comment "v6"
	}
}
EOT

ds_start text --netns "/run/netns/$NS" -r --symbols=data -i 3600 || finish
ds_start json --netns "/run/netns/$NS" --json -i 3600 || finish
nsx "$NS" "$UDPSEND" -n $N4 127.0.0.1 $PORT >/dev/null || fail "udpsend IPv4"
nsx "$NS" "$UDPSEND" -n $N6 ::1 $PORT >/dev/null || fail "udpsend IPv6"
sleep 0.3
ds_stop text
ds_stop json

nft_count()
{
	nsx "$NS" nft -j list table inet dstest |
		jq --arg c "$1" '[.nftables[] | select(.rule.comment == $c) | .rule.expr[] |
			select(.counter) | .counter.packets] | add'
}
c4=$(nft_count v4)
c6=$(nft_count v6)

ds_check_stopped text
OUT=$T/text.out
check_eq "nft counter IPv4" $N4 "$c4"
check_eq "nft counter IPv6" $N6 "$c6"
check_eq "NETFILTER_DROP at $LOCS" $((c4 + c6)) "$(ds_sum "$OUT" "$LOCS" NETFILTER_DROP)" ||
	show "$OUT"
check_eq "NETFILTER_DROP total (any location)" $((c4 + c6)) "$(ds_sum_reason "$OUT" NETFILTER_DROP)"
log "NETFILTER_DROP reported at: $(ds_funcs "$OUT" NETFILTER_DROP)"
check_only "$OUT" $((N4 + N6))

JS=$T/json.out
check_eq "json: exit status" 0 "${DSRC[json]}"
if check_true "json: output parses with jq" jq -e -s . "$JS" >/dev/null; then
	sum()
	{
		jq -s --arg p "$1" '[.[].entries[]? | select(.reason == "NETFILTER_DROP" and
			.protocol == $p) | .count] | add // 0' "$JS"
	}
	check_eq "json: NETFILTER_DROP IPv4" "$c4" "$(sum IPv4)" || show "$JS"
	check_eq "json: NETFILTER_DROP IPv6" "$c6" "$(sum IPv6)" || show "$JS"
else
	show "$JS"
fi
finish
