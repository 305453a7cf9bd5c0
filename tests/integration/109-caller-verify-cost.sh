#!/bin/bash
# --by caller's stack walk is verified once, not once per frame: its two
# loops (is_helper() and caller_walk()) are global BPF functions, which the
# verifier checks on their own. As static functions the verifier walked the
# helper loop again at every frame of the walk, and --by caller's program
# took ~17k verified instructions against summary's ~530, the largest part
# of its start to attached (issue 20). The kernel is the oracle: the
# program fd's own verified_insns (fdinfo, 5.16+), for summary and for
# --by caller on the same backend; the walk may add at most 4,000.
. "$(dirname "$0")/lib.sh"
require bpftool jq

# The verified_insns of the kfree_skb program dropscope PID holds.
kfree_skb_insns()
{
	local f id name
	for f in /proc/"$1"/fdinfo/*; do
		id=$(awk '$1 == "prog_id:" { print $2 }' "$f" 2>/dev/null)
		[[ -n $id ]] || continue
		name=$(bpftool prog show id "$id" -j 2>/dev/null | jq -r '.name // empty')
		[[ $name == kfree_skb_* ]] || continue
		awk '$1 == "verified_insns:" { print $2 }' "$f"
		return 0
	done
}

ns_add NS a
ds_start sum --netns "/run/netns/$NS" -i 3600 || finish
sum=$(kfree_skb_insns "${DSPID[sum]}")
ds_stop sum
ds_check_stopped sum
[[ -n $sum ]] || skip "no verified_insns in the program's fdinfo (kernel < 5.16)"

ds_start caller --netns "/run/netns/$NS" --by caller,reason -i 3600 || finish
caller=$(kfree_skb_insns "${DSPID[caller]}")
ds_stop caller
ds_check_stopped caller
log "verified instructions: summary $sum, --by caller ${caller:-?}"
check_true "--by caller's program was found" test -n "$caller"
check_true "--by caller verifies at most 4000 instructions more than summary ($caller vs $sum)" \
	test "${caller:-999999}" -le $((sum + 4000))
finish
